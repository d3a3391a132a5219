// SPDX-License-Identifier: MIT
// Presentation (zone-file) text of records, zones and deltas, produced by ldns for every type.
#pragma once

#include "zone/stream.hpp"

#include <string>

namespace endpointdns::zone {

// One record as a zone-file line: "owner<TAB>ttl<TAB>IN<TAB>TYPE<TAB>rdata\n", absolute names.
std::string record_text(std::string_view owner, uint16_t type, uint16_t cls, uint32_t ttl,
                        std::string_view rdata);
inline std::string record_text(const Rr& r) {
    return record_text(r.owner.wire(), r.type, r.cls, r.ttl, r.rdata);
}

// "; zone NAME serial N" and then every record, SOA first.
std::string zone_text(const Zone& zone);
// "; delta NAME serial A -> B", then per step "; remove" and "; add" sections.
std::string delta_text(const Delta& delta);

} // namespace endpointdns::zone
