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
void write_zones(Conn& c, const std::vector<Domain>& domains, zone::StreamWriter& w);

// The IXFR sequence that takes the domain from serial `from` to d.serial, built from the change
// journal (one step per change). Returns false, having written nothing, when the journal lacks
// a step of the chain, when `from` is not behind d.serial, or when the steps hold more than
// max_octets of records (the whole zone is then the cheaper thing to send).
bool write_delta(Conn& c, const Domain& d, uint32_t from, zone::StreamWriter& w, size_t max_octets);

// One record of a journal column (changes.removed / changes.added): uncompressed wire RRs
// (owner, type, class, TTL, RDLENGTH, RDATA) one after another, as in an IXFR step.
struct WireRr {
    std::string_view owner; // uncompressed wire form
    uint16_t type = 0;
    uint32_t ttl = 0;
    std::string_view rdata;
};
// Calls fn for each record of `rrs`, in order. Returns the offset of the first malformed record
// (fn has then seen the ones before it), or nullopt when the whole column is well formed.
std::optional<size_t> for_each_wire_rr(std::string_view rrs,
                                       const std::function<void(const WireRr&)>& fn);

// Convenience: one zone's AXFR stream in memory.
std::string zone_stream(Conn& c, const Domain& d);

} // namespace endpointdns::store
