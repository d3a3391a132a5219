// SPDX-License-Identifier: MIT
// Zone validation in the spirit of Knot's kzonecheck: apex, CNAME/DNAME, delegations, glue, limits.
#pragma once

#include "zone/zone.hpp"

namespace endpointdns::zone {

struct Limits {
    uint32_t max_ttl = 2147483647; // RFC 2181 8; never above it
    uint32_t min_ttl = 0;
    size_t max_records = 0; // 0 = unlimited
};

// Checks a normalized zone and appends findings (errors and warnings) to diags.
// Returns the number of errors found.
size_t check_zone(const Zone& zone, const Limits& limits, Diagnostics& diags);

} // namespace endpointdns::zone
