// SPDX-License-Identifier: MIT
// Zone streams from the database: whole zones from the RRsets, deltas from the change journal.
// Records are stored in wire form, so nothing here parses presentation text.
#pragma once

#include "store/zones.hpp"
#include "zone/stream.hpp"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace endpointdns::store {

// Writes the zone of each domain, as the database holds it now, as one AXFR sequence each, in
// the order given: the SOA (made from the domain row), every RRset in (name, type) order, the
// SOA again. RRsets are read in batches of domains, one query per batch. Call inside a
// transaction when the zones must be one consistent snapshot.
// ordered: the RRsets in (name, type) order, so the same zone always gives the same bytes; the
// database sorts them, which costs more than reading them for a big zone (1.1 s more for
// 1,000,000 records). Unordered, they come in storage order, for receivers that sort a zone
// anyway (every edge does): zone-sync.
void write_zones(Conn& c, const std::vector<Domain>& domains, zone::StreamWriter& w,
                 bool ordered = true);

// The IXFR sequence that takes the domain from serial `from` to d.serial, built from the change
// journal (one step per change). Returns false, having written nothing, when the journal lacks
// a step of the chain, when `from` is not behind d.serial, or when the steps hold more than
// max_octets of records (the whole zone is then the cheaper thing to send).
bool write_delta(Conn& c, const Domain& d, uint32_t from, zone::StreamWriter& w, size_t max_octets);

// Convenience: one zone's AXFR stream in memory.
std::string zone_stream(Conn& c, const Domain& d);

} // namespace endpointdns::store
