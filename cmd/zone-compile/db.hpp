// SPDX-License-Identifier: MIT
// zone-compile --db: zones read from the database dnsapid keeps, one consistent snapshot.
#pragma once

#include "store/db.hpp"
#include "zone/stream.hpp"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace endpointdns::zonecompile {

// Which zones: the named ones (in that order, each once), or an account's, or every zone.
struct DbSelection {
    std::vector<std::string> zones;     // as given on the command line
    std::optional<std::string> account; // an account id, or a name when not a number
};

// What was compiled, for --json.
struct DbZone {
    std::string zone; // presentation form with the trailing dot
    uint32_t serial = 0;
    uint64_t records = 0; // the SOA included, as zone-compile counts a master file's
    uint64_t rrsets = 0;  // likewise
};

// "example.com", "Example.COM." -> "example.com" (as domains.name holds it). Throws
// Error(ex_usage) for a name that is not a domain name.
std::string zone_key(const std::string& text);

// Writes the selected zones, read from one snapshot of the database, to `writer`; after each
// group of zones (at most 16, or one big zone) calls flush(), so the caller can pass on what
// the writer produced. Zones of an account or of the whole database come in name order.
// Throws Error(ex_noinput) for a zone or account the database does not have,
// Error(ex_unavailable) when the database cannot be reached or the connection is lost,
// Error(ex_config) for a database without the schema.
std::vector<DbZone> compile_from_db(store::Pool& pool, const DbSelection& selection,
                                    zone::StreamWriter& writer, const std::function<void()>& flush,
                                    bool count_rrsets);

} // namespace endpointdns::zonecompile
