// SPDX-License-Identifier: MIT
// Immutable serving snapshots: zones indexed for lookup in wire form, swapped atomically.
#pragma once

#include "dns/name.hpp"
#include "dns/result.hpp"
#include "zone/stream.hpp"
#include "zone/zone.hpp"

#include <atomic>
#include <cstdint>
#include <cstring>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace endpointdns::serve {

using dns::Name;

class Shard;

// Native-endian loads of the snapshot's own (in-memory only) integers.
inline uint16_t load16(const uint8_t* p) {
    uint16_t v;
    std::memcpy(&v, p, 2);
    return v;
}
inline uint32_t load32(const uint8_t* p) {
    uint32_t v;
    std::memcpy(&v, p, 4);
    return v;
}

// One RRset of a node as the responder reads it: `wire` holds `count` complete resource
// records, each written as [C0 0C][type][class][ttl][rdlength][rdata] in network order, so
// the answer to a query for the owner itself is one copy; other owners patch the pointer.
struct RrsetView {
    uint16_t type = 0;
    uint16_t count = 0;
    uint32_t ttl = 0;
    std::string_view wire;
    explicit operator bool() const { return count != 0; }
};

// A name of a zone: owner (original case, uncompressed wire), flags, child count and RRsets,
// encoded as [u32 size][u8 owner length][u8 flags][u16 RRsets][u32 children][owner]
// then per RRset [u16 type][u16 count][u32 ttl][u32 wire length][wire].
// An empty non-terminal is a node without RRsets but with children.
class NodeView {
public:
    enum Flag : uint8_t {
        apex = 1,
        delegation = 2, // NS below the apex: a zone cut
        dname = 4,
        cname = 8,
    };
    static constexpr size_t header_size = 12;
    static constexpr size_t rrset_header_size = 12;

    NodeView() = default;
    explicit NodeView(const uint8_t* p) : p_(p) {}
    explicit operator bool() const { return p_ != nullptr; }
    const uint8_t* data() const { return p_; }
    uint32_t size() const { return load32(p_); }
    std::string_view bytes() const { return {reinterpret_cast<const char*>(p_), size()}; }
    std::string_view owner() const {
        return {reinterpret_cast<const char*>(p_ + header_size), p_[4]};
    }
    uint8_t flags() const { return p_[5]; }
    uint16_t rrset_count() const { return load16(p_ + 6); }
    uint32_t children() const { return load32(p_ + 8); }
    bool empty_non_terminal() const { return rrset_count() == 0; }

    // Calls f(RrsetView) for each RRset in type order; stops early when f returns false.
    template <class F> void each(F&& f) const {
        const uint8_t* q = p_ + header_size + p_[4];
        for (uint16_t i = 0, n = rrset_count(); i < n; ++i) {
            RrsetView v = at(q);
            if (!f(v)) {
                return;
            }
            q += rrset_header_size + v.wire.size();
        }
    }
    // The RRset of `type`, or an empty view (count 0).
    RrsetView find(uint16_t type) const {
        RrsetView found;
        each([&](const RrsetView& v) {
            if (v.type != type) {
                return true;
            }
            found = v;
            return false;
        });
        return found;
    }

private:
    static RrsetView at(const uint8_t* q) {
        RrsetView v;
        v.type = load16(q);
        v.count = load16(q + 2);
        v.ttl = load32(q + 4);
        v.wire = {reinterpret_cast<const char*>(q + rrset_header_size), load32(q + 8)};
        return v;
    }
    const uint8_t* p_ = nullptr;
};

struct ZoneInfo {
    std::string name; // presentation form, lower case, trailing dot
    uint32_t serial = 0;
    size_t records = 0;
};

// One zone, immutable once built. Names are found by a hash of their lower-case wire form in
// a table split into shards, so a delta copies only the shards it touches: the cost of a small
// change does not grow with the zone (DESIGN.md "Persistence" asks the same of the disk).
class ServeZone {
public:
    // From a normalized zone with an apex SOA; fails with a message on data the responder
    // cannot serve (no SOA, records outside the zone).
    static Result<std::shared_ptr<const ServeZone>> build(const zone::Zone& zone);
    // A new version with every step of `delta` applied; fails, leaving this one as it is, when
    // the delta does not start at serial() (message starts with "serial"), removes a record the
    // zone lacks, or leaves the zone unservable (CNAME beside other data, SOA off the apex).
    Result<std::shared_ptr<const ServeZone>> apply(const zone::Delta& delta) const;
    // The zone as records, normalized (export, persistence).
    zone::Zone to_zone() const;

    // The index as one position-independent byte image (serve/image.hpp keeps it beside the
    // zone file so a restart maps it instead of parsing): `tag` is stored in the header.
    void write_image(const std::function<void(std::string_view)>& sink, uint64_t tag[4]) const;
    // A zone over an image in memory that `keep` holds alive; checks the checksum and every
    // offset, so a damaged image is an error, never a bad read. tag[] receives the stored tag.
    // `verify_checksum` false is for the fuzz target only (it must reach the structure
    // checks); the structure is checked either way.
    static Result<std::shared_ptr<const ServeZone>> from_image(std::shared_ptr<const void> keep,
                                                               const uint8_t* data, size_t size,
                                                               uint64_t tag[4],
                                                               bool verify_checksum = true);

    const Name& origin() const { return origin_; }
    std::string_view lower_origin() const { return lower_; }
    uint32_t serial() const { return serial_; }
    size_t records() const { return records_; }
    size_t nodes() const { return nodes_; }
    bool has_cuts() const { return cuts_ + dnames_ > 0; }
    bool has_wildcards() const { return wildcards_ > 0; }

    // The delta steps that led to this version, newest first, kept for IXFR out (RFC 1995):
    // a list shared by the versions (a new version adds its steps in front), bounded to the
    // newest history_steps steps and history_records records. A full replacement of the zone
    // (build) starts without history.
    struct HistoryNode {
        std::shared_ptr<const HistoryNode> older;
        zone::DeltaStep step;
        size_t depth = 1;   // steps from here to the oldest kept
        size_t records = 0; // records in the steps from here to the oldest kept
    };
    static constexpr size_t history_steps = 512;
    static constexpr size_t history_records = 1u << 16;
    const std::shared_ptr<const HistoryNode>& history() const { return history_; }

    // The node of a lower-case wire name inside this zone, or an empty view.
    NodeView find(std::string_view lower_wire) const;
    NodeView find(std::string_view lower_wire, uint64_t hash) const;
    NodeView apex() const { return apex_; }
    // Every node, in no particular order.
    void each_node(const std::function<void(NodeView)>& f) const;
    // The nodes shard by shard (about 48 each), for walks that must not hold a thread for the
    // whole zone (zone transfers): every node is in exactly one shard.
    size_t shard_count() const { return shard_count_; }
    void each_node_in_shard(size_t shard, const std::function<void(NodeView)>& f) const;

    ServeZone();
    ~ServeZone();

private:
    friend struct ZoneAccess;
    Name origin_;
    std::string lower_;

public:
    // A shard's table and nodes, as the lookup reads them.
    struct ShardRef {
        const void* slots;
        const uint8_t* blob;
        uint32_t slot_mask;
    };
    // Up to 256 shards and their refs. The zone holds its shards through pages, so a new
    // version copies the page table (one pointer per 256 shards) and the pages it changes,
    // not one pointer per shard: a one-record delta to a 1,000,000-record zone costs the same
    // as to a 1,000-record one.
    struct ShardPage {
        std::vector<std::shared_ptr<const Shard>> shards;
        std::vector<ShardRef> refs;
    };
    static constexpr size_t page_bits = 8;

private:
    const Shard& shard(size_t i) const {
        return *pages_[i >> page_bits]->shards[i & ((1u << page_bits) - 1)];
    }
    std::vector<std::shared_ptr<const Shard>> staging_; // while being built, then in pages_
    std::vector<std::shared_ptr<const ShardPage>> pages_;
    size_t shard_count_ = 0;
    uint64_t mask_ = 0;
    NodeView apex_;
    uint32_t serial_ = 0;
    size_t records_ = 0;
    size_t nodes_ = 0;
    size_t cuts_ = 0;
    size_t dnames_ = 0;
    size_t wildcards_ = 0;
    std::shared_ptr<const HistoryNode> history_;
};

// The hash the index uses for lower-case wire names.
uint64_t name_hash(std::string_view lower_wire);

// An immutable set of zones, found by the longest matching suffix of a query name.
class ZoneSet {
public:
    ZoneSet();
    ~ZoneSet();
    // The zone with the longest origin that is a suffix of `lower_wire`, or nullptr.
    // `labels` lists the offsets of each label of lower_wire (the root label last).
    const ServeZone* closest(std::string_view lower_wire, const uint8_t* label_offsets,
                             size_t label_count) const;
    std::shared_ptr<const ServeZone> get(const Name& origin) const;
    size_t zone_count() const { return count_; }
    size_t record_count() const { return records_; }
    std::vector<ZoneInfo> list() const; // sorted by name
    std::vector<std::shared_ptr<const ServeZone>> zones() const;

    // New sets: this one with a zone added or replaced, or removed.
    std::shared_ptr<const ZoneSet> with(std::shared_ptr<const ServeZone> zone) const;
    std::shared_ptr<const ZoneSet> without(const Name& origin) const;
    static std::shared_ptr<const ZoneSet>
    of(const std::vector<std::shared_ptr<const ServeZone>>& zones);

private:
    struct Slot {
        uint64_t hash = 0;
        std::shared_ptr<const ServeZone> zone;
    };
    std::vector<Slot> slots_; // open addressing, power-of-two size
    size_t count_ = 0;
    size_t records_ = 0;
};

// The current zone set. Writers replace it (serialized by the caller); readers keep a cheap
// per-thread Reader that refreshes only when the generation moved, so a query never blocks on
// an update and never sees a half-applied one.
class Published {
public:
    Published();
    std::shared_ptr<const ZoneSet> load() const;
    void store(std::shared_ptr<const ZoneSet> set);
    uint64_t generation() const { return gen_.load(std::memory_order_acquire); }

private:
    mutable std::mutex mu_;
    std::shared_ptr<const ZoneSet> set_;
    std::atomic<uint64_t> gen_{0};
};

class Reader {
public:
    explicit Reader(const Published& p) : p_(p) {}
    const ZoneSet& get() {
        uint64_t g = p_.generation();
        if (g != gen_ || !set_) {
            set_ = p_.load();
            gen_ = g;
        }
        return *set_;
    }

private:
    const Published& p_;
    std::shared_ptr<const ZoneSet> set_;
    uint64_t gen_ = ~uint64_t(0);
};

} // namespace endpointdns::serve
