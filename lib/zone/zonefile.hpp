// SPDX-License-Identifier: MIT
// RFC 1035 master files: a fast scanner for the common types, ldns for every other record.
#pragma once

#include "zone/zone.hpp"

#include <string>
#include <string_view>

namespace endpointdns::zone {

struct ParseOptions {
    // Convert A, AAAA, NS, CNAME, DNAME, PTR, MX, TXT, SPF, SRV, CAA and SOA records ourselves;
    // when false every record goes through ldns (the reference the fast path is tested against).
    bool fast = true;
    unsigned max_include_depth = 10;
    size_t max_errors = 100; // stop reporting (and parsing) after this many syntax errors
};

// Parses the master file at path ("-" reads stdin) into a zone with the given origin.
// Syntax errors are diagnostics with file:line; parsing goes on with the next entry. Throws
// Error(ex_noinput) when the file cannot be opened, Error(ex_ioerr) when reading fails.
// The zone is returned unnormalized.
Zone parse_zone_file(const std::string& path, const Name& origin, Diagnostics& diags,
                     const ParseOptions& opts = {});
// The same for text in memory; `display_name` is used in diagnostics and to resolve $INCLUDE.
Zone parse_zone_text(std::string_view text, const std::string& display_name, const Name& origin,
                     Diagnostics& diags, const ParseOptions& opts = {});

// Reads a whole file ("-" = stdin). Throws Error(ex_noinput / ex_ioerr).
std::string read_file(const std::string& path);

// TTL in presentation form: seconds, or BIND units (1w2d3h4m5s). Nullopt when malformed.
std::optional<uint32_t> parse_ttl(std::string_view text);

} // namespace endpointdns::zone
