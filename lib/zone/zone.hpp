// SPDX-License-Identifier: MIT
// The zone model: records of one zone in compact arenas, kept in DNSSEC canonical order.
#pragma once

#include "dns/name.hpp"
#include "dns/rr.hpp"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace endpointdns::zone {

using dns::Name;
using dns::Rr;

// Where a record came from: an index into Zone::files() and a 1-based line (0 = unknown).
struct Location {
    uint16_t file = 0;
    uint32_t line = 0;
};

struct Diagnostic {
    enum class Severity { error, warning };
    Severity severity = Severity::error;
    std::string file; // empty when the record has no source file
    uint32_t line = 0;
    std::string message;
    bool is_error() const { return severity == Severity::error; }
    // "file:line: error: message" (or "zone: error: message" without a location).
    std::string to_string() const;
};
using Diagnostics = std::vector<Diagnostic>;

// A record as stored in a zone; string views point into the zone's arenas.
struct RrView {
    std::string_view owner; // uncompressed wire name
    uint16_t type;
    uint16_t cls;
    uint32_t ttl;
    std::string_view rdata;
    Rr to_rr() const;
};

// One zone: its origin and records. Records are appended in any order, then normalize() sorts
// them into canonical order (RFC 4034 6.1 by owner, then type, then canonical RDATA), removes
// duplicates and makes TTLs uniform per RRset. A normalized zone is what everything else uses.
// Memory: 24 bytes per record plus the names and RDATA, each owner stored once per run of
// records that share it.
class Zone {
public:
    explicit Zone(Name origin, uint16_t cls = dns::rrclass::IN);

    const Name& origin() const { return origin_; }
    uint16_t rclass() const { return cls_; }
    size_t size() const { return recs_.size(); }
    bool empty() const { return recs_.empty(); }
    RrView at(size_t i) const;
    Location location(size_t i) const { return {recs_[i].file, recs_[i].line}; }

    uint16_t add_file(std::string path);
    const std::vector<std::string>& files() const { return files_; }
    std::string where(Location loc) const; // "file:line" or ""

    void add(std::string_view owner_wire, uint16_t type, uint32_t ttl, std::string_view rdata,
             Location loc = {});
    void add(const Rr& rr, Location loc = {}) {
        add(rr.owner.wire(), rr.type, rr.ttl, rr.rdata, loc);
    }
    void reserve(size_t records, size_t name_bytes, size_t rdata_bytes);

    // Sorts, drops duplicates, unifies RRset TTLs (first in input order wins). Warnings for
    // duplicates and TTL mismatches go to diags when given.
    void normalize(Diagnostics* diags = nullptr);
    bool normalized() const { return normalized_; }

    // The apex SOA (after normalize), if there is exactly one or more; serial of the first.
    std::optional<RrView> soa() const;
    std::optional<uint32_t> serial() const;
    size_t rrset_count() const;
    // Index one past the RRset that starts at i (same owner, ignoring case, and type).
    size_t rrset_end(size_t i) const;
    bool same_owner(size_t i, size_t j) const;

private:
    struct Record {
        uint32_t owner; // offset of the owner's wire name in names_
        uint32_t rdata; // offset in rdata_
        uint16_t rdlen;
        uint16_t type;
        uint32_t ttl;
        uint32_t line;
        uint16_t file;
        uint8_t owner_len; // wire length of the owner, at most 255
    };
    std::string_view owner_of(const Record& r) const;

    Name origin_;
    uint16_t cls_;
    std::string names_;
    std::string rdata_;
    std::vector<Record> recs_;
    std::vector<std::string> files_;
    uint32_t last_owner_ = UINT32_MAX;
    bool normalized_ = true;
};

} // namespace endpointdns::zone
