// SPDX-License-Identifier: MIT
// Immutable serving snapshots: building a zone's sharded name index, deltas, zone sets.
#include "serve/snapshot.hpp"

#include "dns/rr.hpp"

#include <algorithm>
#include <unordered_map>

namespace endpointdns::serve {

using dns::ascii_lower;

namespace {

// Nodes per shard the index aims at: small enough that a delta copies little, large enough
// that the shard table stays small (16 bytes per shard in every version of the zone).
constexpr size_t nodes_per_shard = 48;

void lower_into(std::string& out, std::string_view wire) {
    size_t at = out.size();
    out.append(wire);
    for (size_t i = at; i < out.size(); ++i) {
        out[i] = char(ascii_lower(uint8_t(out[i])));
    }
}

std::string lower_of(std::string_view wire) {
    std::string s;
    lower_into(s, wire);
    return s;
}

// The wire name without its first label (the name must not be the root).
std::string_view parent_of(std::string_view wire) {
    return wire.substr(1 + uint8_t(wire[0]));
}

bool is_wildcard(std::string_view wire) {
    return wire.size() >= 2 && wire[0] == 1 && wire[1] == '*';
}

size_t pow2_at_least(size_t n) {
    size_t p = 1;
    while (p < n) {
        p <<= 1;
    }
    return p;
}

void app16(std::string& s, uint16_t v) {
    s.append(reinterpret_cast<const char*>(&v), 2);
}
void app32(std::string& s, uint32_t v) {
    s.append(reinterpret_cast<const char*>(&v), 4);
}
void store32(std::string& s, size_t at, uint32_t v) {
    std::memcpy(s.data() + at, &v, 4);
}

// One record while a node is being edited.
struct EditRec {
    uint16_t type;
    uint32_t ttl;
    std::string rdata;
};

// Appends one record in the responder's wire layout: pointer to the question, then the RR.
void append_record(std::string& out, uint16_t type, uint16_t cls, uint32_t ttl,
                   std::string_view rdata) {
    out.push_back(char(0xC0));
    out.push_back(char(0x0C));
    dns::put16(out, type);
    dns::put16(out, cls);
    dns::put32(out, ttl);
    dns::put16(out, uint16_t(rdata.size()));
    out.append(rdata);
}

// Appends a node. `rrsets` yields (type, ttl, count, wire) through the writer callback.
struct NodeWriter {
    std::string& out;
    size_t start;
    size_t count_at;
    uint16_t rrsets = 0;
    size_t rrset_at = 0;
    uint16_t records = 0;

    NodeWriter(std::string& o, std::string_view owner, uint8_t flags, uint32_t children)
        : out(o), start(o.size()) {
        app32(out, 0);
        out.push_back(char(owner.size()));
        out.push_back(char(flags));
        count_at = out.size();
        app16(out, 0);
        app32(out, children);
        out.append(owner);
    }
    void begin_rrset(uint16_t type, uint32_t ttl) {
        rrset_at = out.size();
        records = 0;
        app16(out, type);
        app16(out, 0);
        app32(out, ttl);
        app32(out, 0);
        ++rrsets;
    }
    void record(uint16_t type, uint16_t cls, uint32_t ttl, std::string_view rdata) {
        append_record(out, type, cls, ttl, rdata);
        ++records;
    }
    void end_rrset() {
        std::memcpy(out.data() + rrset_at + 2, &records, 2);
        store32(out, rrset_at + 8, uint32_t(out.size() - rrset_at - NodeView::rrset_header_size));
    }
    void finish() {
        std::memcpy(out.data() + count_at, &rrsets, 2);
        store32(out, start, uint32_t(out.size() - start));
    }
};

uint8_t flags_for(std::string_view lower, std::string_view lower_origin, bool has_ns,
                  bool has_dname, bool has_cname) {
    uint8_t f = 0;
    bool at_apex = lower == lower_origin;
    if (at_apex) {
        f |= NodeView::apex;
    }
    if (has_ns && !at_apex) {
        f |= NodeView::delegation;
    }
    if (has_dname) {
        f |= NodeView::dname;
    }
    if (has_cname) {
        f |= NodeView::cname;
    }
    return f;
}

} // namespace

uint64_t name_hash(std::string_view s) {
    const auto* p = reinterpret_cast<const uint8_t*>(s.data());
    size_t n = s.size();
    uint64_t h = 0x9E3779B97F4A7C15ull ^ (n * 0x100000001B3ull);
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t v;
        std::memcpy(&v, p + i, 8);
        h = (h ^ v) * 0xFF51AFD7ED558CCDull;
        h ^= h >> 32;
    }
    uint64_t v = 0;
    std::memcpy(&v, p + i, n - i);
    h = (h ^ v) * 0xC4CEB9FE1A85EC53ull;
    h ^= h >> 29;
    h *= 0x9FB21C651E98DF25ull;
    h ^= h >> 32;
    return h;
}

// A shard of a zone's name index: its nodes' bytes and an open-addressing table over them.
// The memory is either the shard's own or a region of a mapped index image (image.hpp);
// `keep_` holds whichever it is alive.
class Shard {
public:
    struct Slot {
        uint32_t tag = 0; // high half of the name hash
        uint32_t off = 0; // node offset + 1; 0 = empty
    };
    struct Input {
        std::string_view bytes; // an encoded node
        uint64_t hash;
    };

    explicit Shard(const std::vector<Input>& nodes) {
        size_t total = 0;
        for (const auto& n : nodes) {
            total += n.bytes.size();
        }
        nslots_ = pow2_at_least(std::max<size_t>(2, nodes.size() * 2));
        size_t slot_bytes = nslots_ * sizeof(Slot);
        std::shared_ptr<uint8_t[]> mem(new uint8_t[slot_bytes + total]);
        auto* slots = reinterpret_cast<Slot*>(mem.get());
        std::fill(slots, slots + nslots_, Slot{});
        uint8_t* blob = mem.get() + slot_bytes;
        size_t mask = nslots_ - 1;
        size_t at = 0;
        for (const auto& n : nodes) {
            auto tag = uint32_t(n.hash >> 32);
            size_t i = tag & mask;
            while (slots[i].off != 0) {
                i = (i + 1) & mask;
            }
            slots[i] = {tag, uint32_t(at + 1)};
            std::memcpy(blob + at, n.bytes.data(), n.bytes.size());
            at += n.bytes.size();
        }
        slots_ = slots;
        blob_ = blob;
        blob_size_ = total;
        count_ = nodes.size();
        keep_ = std::move(mem);
    }

    // A shard whose memory lives elsewhere (checked by the caller).
    Shard(std::shared_ptr<const void> keep, const Slot* slots, size_t nslots, const uint8_t* blob,
          size_t blob_size, size_t count)
        : keep_(std::move(keep)), slots_(slots), nslots_(nslots), blob_(blob),
          blob_size_(blob_size), count_(count) {}

    NodeView find(std::string_view lower, uint64_t hash) const {
        return find_in(slots_, nslots_ - 1, blob_, lower, hash);
    }
    static NodeView find_in(const Slot* slots, size_t mask, const uint8_t* blob,
                            std::string_view lower, uint64_t hash) {
        auto tag = uint32_t(hash >> 32);
        for (size_t i = tag & mask;; i = (i + 1) & mask) {
            const Slot& s = slots[i];
            if (s.off == 0) {
                return {};
            }
            if (s.tag != tag) {
                continue;
            }
            const uint8_t* p = blob + s.off - 1;
            if (p[4] != lower.size()) {
                continue;
            }
            const uint8_t* o = p + NodeView::header_size;
            size_t k = 0;
            while (k < lower.size() && ascii_lower(o[k]) == uint8_t(lower[k])) {
                ++k;
            }
            if (k == lower.size()) {
                return NodeView(p);
            }
        }
    }

    template <class F> void each(F&& f) const {
        const uint8_t* p = blob_;
        const uint8_t* end = p + blob_size_;
        while (p < end) {
            NodeView n(p);
            f(n);
            p += n.size();
        }
    }
    size_t count() const { return count_; }
    const Slot* slots() const { return slots_; }
    size_t slot_count() const { return nslots_; }
    const uint8_t* blob() const { return blob_; }
    size_t blob_size() const { return blob_size_; }

private:
    std::shared_ptr<const void> keep_;
    const Slot* slots_ = nullptr;
    size_t nslots_ = 0;
    const uint8_t* blob_ = nullptr;
    size_t blob_size_ = 0;
    size_t count_ = 0;
};

// Builds the parts of a ServeZone that the class keeps private.
struct ZoneAccess {
    static ServeZone::ShardRef ref_of(const Shard& sh) {
        return {sh.slots(), sh.blob(), uint32_t(sh.slot_count() - 1)};
    }
    // Puts the staged shards (all of them, for a new index) into pages; with none staged, the
    // pages are already in place (a delta).
    static void finish(ServeZone& z) {
        if (!z.staging_.empty()) {
            z.shard_count_ = z.staging_.size();
            z.pages_.clear();
            constexpr size_t per_page = size_t(1) << ServeZone::page_bits;
            for (size_t i = 0; i < z.staging_.size(); i += per_page) {
                auto page = std::make_shared<ServeZone::ShardPage>();
                size_t end = std::min(z.staging_.size(), i + per_page);
                page->shards.assign(z.staging_.begin() + long(i), z.staging_.begin() + long(end));
                for (const auto& sh : page->shards) {
                    page->refs.push_back(ref_of(*sh));
                }
                z.pages_.push_back(std::move(page));
            }
            z.staging_.clear();
            z.staging_.shrink_to_fit();
        }
        z.mask_ = z.shard_count_ - 1;
        z.apex_ = z.find(z.lower_);
    }
    static std::vector<std::shared_ptr<const Shard>>
    make_shards(size_t shard_count, const std::vector<Shard::Input>& nodes) {
        std::vector<uint32_t> start(shard_count + 1, 0);
        for (const auto& n : nodes) {
            ++start[(n.hash & (shard_count - 1)) + 1];
        }
        for (size_t i = 1; i <= shard_count; ++i) {
            start[i] += start[i - 1];
        }
        std::vector<Shard::Input> sorted(nodes.size());
        std::vector<uint32_t> fill(start.begin(), start.end() - 1);
        for (const auto& n : nodes) {
            sorted[fill[n.hash & (shard_count - 1)]++] = n;
        }
        std::vector<std::shared_ptr<const Shard>> shards(shard_count);
        std::vector<Shard::Input> part;
        for (size_t s = 0; s < shard_count; ++s) {
            part.assign(sorted.begin() + start[s], sorted.begin() + start[s + 1]);
            shards[s] = std::make_shared<const Shard>(part);
        }
        return shards;
    }
    static Name& origin(ServeZone& z) { return z.origin_; }
    static std::string& lower(ServeZone& z) { return z.lower_; }
    static std::vector<std::shared_ptr<const Shard>>& shards(ServeZone& z) { return z.staging_; }
    static uint32_t& serial(ServeZone& z) { return z.serial_; }
    static size_t& records(ServeZone& z) { return z.records_; }
    static size_t& nodes(ServeZone& z) { return z.nodes_; }
    static size_t& cuts(ServeZone& z) { return z.cuts_; }
    static size_t& dnames(ServeZone& z) { return z.dnames_; }
    static size_t& wildcards(ServeZone& z) { return z.wildcards_; }
};

ServeZone::ServeZone() = default;
ServeZone::~ServeZone() = default;

NodeView ServeZone::find(std::string_view lower_wire, uint64_t hash) const {
    size_t i = hash & mask_;
    const ShardRef& r = pages_[i >> page_bits]->refs[i & ((1u << page_bits) - 1)];
    return Shard::find_in(static_cast<const Shard::Slot*>(r.slots), r.slot_mask, r.blob, lower_wire,
                          hash);
}

NodeView ServeZone::find(std::string_view lower_wire) const {
    return find(lower_wire, name_hash(lower_wire));
}

void ServeZone::each_node(const std::function<void(NodeView)>& f) const {
    for (size_t i = 0; i < shard_count_; ++i) {
        shard(i).each(f);
    }
}

void ServeZone::each_node_in_shard(size_t i, const std::function<void(NodeView)>& f) const {
    if (i < shard_count_) {
        shard(i).each(f);
    }
}

Result<std::shared_ptr<const ServeZone>> ServeZone::build(const zone::Zone& z) {
    auto soa = z.soa();
    if (!soa) {
        return fail("zone " + z.origin().to_text() + " has no SOA record at its apex");
    }
    auto out = std::make_shared<ServeZone>();
    ZoneAccess::origin(*out) = z.origin();
    std::string lower_origin = lower_of(z.origin().wire());
    ZoneAccess::lower(*out) = lower_origin;
    ZoneAccess::serial(*out) =
        dns::get32(reinterpret_cast<const uint8_t*>(soa->rdata.data()) + soa->rdata.size() - 20);
    ZoneAccess::records(*out) = z.size();

    // Pass 1: the nodes that own records, their lower-case names in one arena.
    struct Tmp {
        uint32_t lo;           // offset of the lower-case name in `lowers`
        uint8_t len;           // its length
        const char* orig;      // original-case owner (in the zone, or a suffix of a child's)
        uint32_t b = 0, e = 0; // record range in the zone; b == e for empty non-terminals
        uint32_t children = 0;
        uint64_t hash = 0;
    };
    std::vector<Tmp> nodes;
    std::string lowers;
    lowers.reserve(z.size() * 8);
    for (size_t i = 0, n = z.size(); i < n;) {
        size_t j = i + 1;
        while (j < n && z.same_owner(i, j)) {
            ++j;
        }
        std::string_view owner = z.at(i).owner;
        if (!dns::is_subdomain(owner, z.origin().wire())) {
            return fail("record " + Name::from_wire_unchecked(owner).to_text() +
                        " is outside the zone " + z.origin().to_text());
        }
        Tmp t;
        t.lo = uint32_t(lowers.size());
        t.len = uint8_t(owner.size());
        t.orig = owner.data();
        t.b = uint32_t(i);
        t.e = uint32_t(j);
        lower_into(lowers, owner);
        t.hash = name_hash({lowers.data() + t.lo, t.len});
        nodes.push_back(t);
        i = j;
    }

    // Pass 2: every ancestor up to the apex exists (empty non-terminals), children counted.
    size_t table_size = pow2_at_least(std::max<size_t>(16, nodes.size() * 3));
    std::vector<uint32_t> table(table_size, 0);
    auto name_of = [&](const Tmp& t) { return std::string_view(lowers.data() + t.lo, t.len); };
    auto lookup = [&](std::string_view name, uint64_t h, bool insert, uint32_t idx) -> uint32_t {
        size_t mask = table.size() - 1;
        for (size_t i = h & mask;; i = (i + 1) & mask) {
            if (table[i] == 0) {
                if (insert) {
                    table[i] = idx + 1;
                }
                return UINT32_MAX;
            }
            const Tmp& t = nodes[table[i] - 1];
            if (t.hash == h && name_of(t) == name) {
                return table[i] - 1;
            }
        }
    };
    size_t real = nodes.size();
    for (size_t k = 0; k < real; ++k) {
        if (lookup(name_of(nodes[k]), nodes[k].hash, true, uint32_t(k)) != UINT32_MAX) {
            return fail("zone is not normalized: owner repeated"); // not reachable via Zone
        }
    }
    // Table growth: ENTs are at most as many as the labels below the apex; reserve for them.
    for (size_t k = 0; k < real; ++k) {
        size_t cur = k;
        while (nodes[cur].len > lower_origin.size()) {
            std::string_view me = name_of(nodes[cur]);
            std::string_view parent = parent_of(me);
            uint64_t ph = name_hash(parent);
            uint32_t p = lookup(parent, ph, false, 0);
            if (p != UINT32_MAX) {
                ++nodes[p].children;
                break;
            }
            if (nodes.size() * 2 > table.size()) {
                // Rehash into a bigger table.
                table.assign(table.size() * 2, 0);
                for (size_t q = 0; q < nodes.size(); ++q) {
                    lookup(name_of(nodes[q]), nodes[q].hash, true, uint32_t(q));
                }
            }
            Tmp ent;
            ent.lo = uint32_t(nodes[cur].lo + (me.size() - parent.size()));
            ent.len = uint8_t(parent.size());
            ent.orig = nodes[cur].orig + (me.size() - parent.size());
            ent.children = 1;
            ent.hash = ph;
            nodes.push_back(ent);
            lookup(parent, ph, true, uint32_t(nodes.size() - 1));
            cur = nodes.size() - 1;
        }
    }

    // Pass 3: encode every node into one arena, then distribute them over the shards.
    std::string arena;
    arena.reserve(z.size() * 40 + nodes.size() * 40);
    std::vector<size_t> offsets(nodes.size());
    size_t cuts = 0, dnames = 0, wildcards = 0;
    for (size_t k = 0; k < nodes.size(); ++k) {
        const Tmp& t = nodes[k];
        bool ns = false, dn = false, cn = false;
        for (uint32_t i = t.b; i < t.e; ++i) {
            uint16_t type = z.at(i).type;
            ns |= type == dns::rrtype::NS;
            dn |= type == dns::rrtype::DNAME;
            cn |= type == dns::rrtype::CNAME;
        }
        uint8_t flags = flags_for(name_of(t), lower_origin, ns, dn, cn);
        cuts += (flags & NodeView::delegation) != 0;
        dnames += (flags & NodeView::dname) != 0;
        wildcards += is_wildcard(name_of(t));
        offsets[k] = arena.size();
        NodeWriter w(arena, std::string_view(t.orig, t.len), flags, t.children);
        for (uint32_t i = t.b; i < t.e;) {
            auto first = z.at(i);
            uint32_t j = uint32_t(z.rrset_end(i));
            w.begin_rrset(first.type, first.ttl);
            for (uint32_t r = i; r < j; ++r) {
                auto rv = z.at(r);
                w.record(rv.type, z.rclass(), first.ttl, rv.rdata);
            }
            w.end_rrset();
            i = j;
        }
        w.finish();
    }
    std::vector<Shard::Input> inputs(nodes.size());
    for (size_t k = 0; k < nodes.size(); ++k) {
        size_t end = k + 1 < nodes.size() ? offsets[k + 1] : arena.size();
        inputs[k] = {std::string_view(arena).substr(offsets[k], end - offsets[k]), nodes[k].hash};
    }
    size_t shard_count = pow2_at_least(std::max<size_t>(1, nodes.size() / nodes_per_shard));
    ZoneAccess::shards(*out) = ZoneAccess::make_shards(shard_count, inputs);
    ZoneAccess::nodes(*out) = nodes.size();
    ZoneAccess::cuts(*out) = cuts;
    ZoneAccess::dnames(*out) = dnames;
    ZoneAccess::wildcards(*out) = wildcards;
    ZoneAccess::finish(*out);
    return std::shared_ptr<const ServeZone>(std::move(out));
}

zone::Zone ServeZone::to_zone() const {
    zone::Zone z(origin_);
    z.reserve(records_, nodes_ * 24, records_ * 16);
    each_node([&](NodeView n) {
        n.each([&](const RrsetView& rs) {
            const auto* p = reinterpret_cast<const uint8_t*>(rs.wire.data());
            const auto* end = p + rs.wire.size();
            while (p < end) {
                uint16_t rdlen = dns::get16(p + 10);
                z.add(n.owner(), rs.type, rs.ttl,
                      std::string_view(reinterpret_cast<const char*>(p + 12), rdlen));
                p += 12 + rdlen;
            }
            return true;
        });
    });
    z.normalize();
    return z;
}

namespace {

// A node being changed by a delta.
struct Edit {
    std::string owner; // original case
    std::vector<EditRec> recs;
    uint32_t children = 0;
    bool existed = false; // in the old version
    bool counted = false; // counted among its parent's children (so far)
    uint8_t old_flags = 0;
    bool changed = false;
};

void decode_node(NodeView n, Edit& e) {
    e.owner = std::string(n.owner());
    e.children = n.children();
    e.existed = e.counted = true;
    e.old_flags = n.flags();
    n.each([&](const RrsetView& rs) {
        const auto* p = reinterpret_cast<const uint8_t*>(rs.wire.data());
        const auto* end = p + rs.wire.size();
        while (p < end) {
            uint16_t rdlen = dns::get16(p + 10);
            e.recs.push_back(
                {rs.type, rs.ttl, std::string(reinterpret_cast<const char*>(p + 12), rdlen)});
            p += 12 + rdlen;
        }
        return true;
    });
}

std::string describe(std::string_view owner, uint16_t type) {
    return Name::from_wire_unchecked(owner).to_text() + " " + dns::type_name(type);
}

} // namespace

namespace {

using History = std::shared_ptr<const ServeZone::HistoryNode>;

History push_step(const History& older, zone::DeltaStep step) {
    auto n = std::make_shared<ServeZone::HistoryNode>();
    n->records = step.removed.size() + step.added.size() + 2 + (older ? older->records : 0);
    n->depth = 1 + (older ? older->depth : 0);
    n->step = std::move(step);
    n->older = older;
    return n;
}

// `h` with `steps` in front; when it grew past twice the bounds, rebuilt with the newest steps
// that fit them (so the rebuild's cost is spread over as many deltas as it keeps).
History extend_history(History h, const std::vector<zone::DeltaStep>& steps) {
    for (const auto& s : steps) h = push_step(h, s);
    if (h &&
        (h->depth > 2 * ServeZone::history_steps || h->records > 2 * ServeZone::history_records)) {
        std::vector<const zone::DeltaStep*> keep;
        size_t records = 0;
        for (const ServeZone::HistoryNode* n = h.get(); n; n = n->older.get()) {
            size_t r = n->step.removed.size() + n->step.added.size() + 2;
            if (keep.size() == ServeZone::history_steps || records + r > ServeZone::history_records)
                break;
            keep.push_back(&n->step);
            records += r;
        }
        History fresh;
        for (auto it = keep.rbegin(); it != keep.rend(); ++it) fresh = push_step(fresh, **it);
        h = std::move(fresh);
    }
    return h;
}

} // namespace

Result<std::shared_ptr<const ServeZone>> ServeZone::apply(const zone::Delta& delta) const {
    if (delta.origin != origin_) {
        return fail("delta for " + delta.origin.to_text() + " does not belong to zone " +
                    origin_.to_text());
    }
    if (delta.steps.empty()) {
        return fail("delta has no steps");
    }
    std::unordered_map<std::string, Edit> edits;
    auto edit_of = [&](std::string_view owner_wire) -> Edit& {
        std::string key = lower_of(owner_wire);
        auto it = edits.find(key);
        if (it != edits.end()) {
            return it->second;
        }
        Edit& e = edits[key];
        if (NodeView n = find(key)) {
            decode_node(n, e);
        } else {
            e.owner = std::string(owner_wire);
        }
        return e;
    };

    uint32_t serial = serial_;
    size_t records = records_;
    for (size_t s = 0; s < delta.steps.size(); ++s) {
        const auto& step = delta.steps[s];
        auto from = dns::parse_soa(step.from_soa.rdata);
        auto to = dns::parse_soa(step.to_soa.rdata);
        if (!from || !to) {
            return fail("delta step " + std::to_string(s + 1) + " has a malformed SOA");
        }
        if (from->serial != serial) {
            return fail("serial: delta step " + std::to_string(s + 1) + " starts at serial " +
                        std::to_string(from->serial) + " but the zone is at serial " +
                        std::to_string(serial));
        }
        if (!dns::serial_later(to->serial, from->serial)) {
            return fail("delta step " + std::to_string(s + 1) + " does not move the serial " +
                        "forward (" + std::to_string(from->serial) + " to " +
                        std::to_string(to->serial) + ", RFC 1982)");
        }
        Edit& apex = edit_of(origin_.wire());
        apex.changed = true;
        std::erase_if(apex.recs, [](const EditRec& r) { return r.type == dns::rrtype::SOA; });
        apex.recs.push_back({dns::rrtype::SOA, step.to_soa.ttl, step.to_soa.rdata});
        for (const auto& rr : step.removed) {
            Edit& e = edit_of(rr.owner.wire());
            auto it = std::find_if(e.recs.begin(), e.recs.end(), [&](const EditRec& r) {
                return r.type == rr.type && dns::compare_rdata(r.type, r.rdata, rr.rdata) == 0;
            });
            if (it == e.recs.end()) {
                return fail("delta step " + std::to_string(s + 1) + " removes " +
                            describe(rr.owner.wire(), rr.type) + " which the zone does not have");
            }
            e.recs.erase(it);
            e.changed = true;
            --records;
        }
        for (const auto& rr : step.added) {
            if (!rr.owner.is_subdomain_of(origin_)) {
                return fail("delta step " + std::to_string(s + 1) + " adds " +
                            describe(rr.owner.wire(), rr.type) + " outside the zone " +
                            origin_.to_text());
            }
            if (rr.type == dns::rrtype::SOA) {
                return fail("delta step " + std::to_string(s + 1) +
                            " adds an SOA record besides the step's own");
            }
            Edit& e = edit_of(rr.owner.wire());
            e.changed = true;
            if (e.recs.empty()) {
                e.owner = std::string(rr.owner.wire()); // emptied and refilled: the new spelling
            }
            bool dup = false;
            for (auto& r : e.recs) {
                if (r.type == rr.type) {
                    r.ttl = rr.ttl; // an added record's TTL becomes the RRset's
                    dup |= dns::compare_rdata(r.type, r.rdata, rr.rdata) == 0;
                }
            }
            if (!dup) {
                e.recs.push_back({rr.type, rr.ttl, rr.rdata});
                ++records;
            }
        }
        serial = to->serial;
    }

    // Data rules the responder relies on, for every node the delta touched.
    for (auto& [key, e] : edits) {
        bool at_apex = key == lower_;
        bool cname = false, other = false, ns = false, soa = false;
        size_t cnames = 0, dnames = 0;
        for (const auto& r : e.recs) {
            cnames += r.type == dns::rrtype::CNAME;
            dnames += r.type == dns::rrtype::DNAME;
            cname |= r.type == dns::rrtype::CNAME;
            other |= r.type != dns::rrtype::CNAME;
            ns |= r.type == dns::rrtype::NS;
            soa |= r.type == dns::rrtype::SOA;
        }
        std::string name = Name::from_wire_unchecked(e.owner).to_text();
        if (cname && other) {
            return fail("delta leaves a CNAME beside other data at " + name);
        }
        if (cnames > 1 || dnames > 1) {
            return fail("delta leaves more than one " +
                        std::string(cnames > 1 ? "CNAME" : "DNAME") + " record at " + name +
                        " (RFC 2181 10.1, RFC 6672 2.4)");
        }
        if (soa && !at_apex) {
            return fail("delta adds an SOA record below the apex at " + name);
        }
        if (at_apex && !ns) {
            return fail("delta removes every NS record at the apex " + name);
        }
    }

    // Node existence: new nodes need their ancestors; emptied leaves go, with empty parents.
    std::vector<std::string> work;
    for (auto& [key, e] : edits) {
        work.push_back(key);
    }
    while (!work.empty()) {
        std::string key = std::move(work.back());
        work.pop_back();
        Edit& e = edits[key];
        bool exists = !e.recs.empty() || e.children > 0;
        if (exists == e.counted || key == lower_) {
            continue;
        }
        e.counted = exists;
        Edit& parent = edit_of(parent_of(e.owner));
        parent.changed = true;
        parent.children = exists ? parent.children + 1 : parent.children - 1;
        work.push_back(lower_of(parent_of(e.owner)));
    }

    // New version: copy the shard table, rebuild the shards that hold changed nodes.
    auto out = std::make_shared<ServeZone>();
    ZoneAccess::origin(*out) = origin_;
    ZoneAccess::lower(*out) = lower_;
    ZoneAccess::serial(*out) = serial;
    ZoneAccess::records(*out) = records;
    size_t nodes = nodes_, cuts = cuts_, dnames = dnames_, wildcards = wildcards_;
    std::unordered_map<size_t, std::vector<const std::string*>> by_shard;
    std::string arena; // new node encodings, referenced by offset until the shards are built
    std::unordered_map<const std::string*, std::pair<size_t, size_t>> encoded;
    for (auto& [key, e] : edits) {
        if (!e.changed) {
            continue;
        }
        bool exists = !e.recs.empty() || e.children > 0;
        if (key == lower_) {
            exists = true;
        }
        nodes += size_t(exists) - size_t(e.existed);
        uint64_t h = name_hash(key);
        by_shard[h & mask_].push_back(&key);
        if (e.existed) {
            cuts -= (e.old_flags & NodeView::delegation) != 0;
            dnames -= (e.old_flags & NodeView::dname) != 0;
            wildcards -= is_wildcard(key);
        }
        if (!exists) {
            continue;
        }
        std::stable_sort(e.recs.begin(), e.recs.end(), [](const EditRec& a, const EditRec& b) {
            if (a.type != b.type) {
                return a.type < b.type;
            }
            return dns::compare_rdata(a.type, a.rdata, b.rdata) < 0;
        });
        bool ns = false, dn = false, cn = false;
        for (const auto& r : e.recs) {
            ns |= r.type == dns::rrtype::NS;
            dn |= r.type == dns::rrtype::DNAME;
            cn |= r.type == dns::rrtype::CNAME;
        }
        uint8_t flags = flags_for(key, lower_, ns, dn, cn);
        cuts += (flags & NodeView::delegation) != 0;
        dnames += (flags & NodeView::dname) != 0;
        wildcards += is_wildcard(key);
        size_t at = arena.size();
        NodeWriter w(arena, e.owner, flags, e.children);
        for (size_t i = 0; i < e.recs.size();) {
            size_t j = i;
            w.begin_rrset(e.recs[i].type, e.recs[i].ttl);
            while (j < e.recs.size() && e.recs[j].type == e.recs[i].type) {
                w.record(e.recs[j].type, dns::rrclass::IN, e.recs[i].ttl, e.recs[j].rdata);
                ++j;
            }
            w.end_rrset();
            i = j;
        }
        w.finish();
        encoded[&key] = {at, arena.size() - at};
    }

    auto& shards = ZoneAccess::shards(*out);
    bool reshard = nodes > shard_count_ * nodes_per_shard * 4;
    if (reshard) {
        std::vector<Shard::Input> inputs;
        inputs.reserve(nodes);
        std::string lower;
        for (size_t i = 0; i < shard_count_; ++i) {
            shard(i).each([&](NodeView n) {
                lower.clear();
                lower_into(lower, n.owner());
                if (edits.count(lower) == 0) {
                    inputs.push_back({n.bytes(), name_hash(lower)});
                }
            });
        }
        for (auto& [key, pos] : encoded) {
            inputs.push_back(
                {std::string_view(arena).substr(pos.first, pos.second), name_hash(*key)});
        }
        size_t count = pow2_at_least(std::max<size_t>(1, nodes / nodes_per_shard));
        shards = ZoneAccess::make_shards(count, inputs);
    } else {
        // Copy the page table; clone only the pages whose shards change.
        out->pages_ = pages_;
        out->shard_count_ = shard_count_;
        std::unordered_map<size_t, std::shared_ptr<ShardPage>> cloned;
        std::vector<Shard::Input> inputs;
        std::string lower;
        for (auto& [index, keys] : by_shard) {
            inputs.clear();
            shard(index).each([&](NodeView n) {
                lower.clear();
                lower_into(lower, n.owner());
                if (edits.count(lower) == 0 || !edits[lower].changed) {
                    inputs.push_back({n.bytes(), name_hash(lower)});
                }
            });
            for (const std::string* key : keys) {
                auto it = encoded.find(key);
                if (it != encoded.end()) {
                    inputs.push_back(
                        {std::string_view(arena).substr(it->second.first, it->second.second),
                         name_hash(*key)});
                }
            }
            size_t pi = index >> page_bits, slot = index & ((1u << page_bits) - 1);
            auto& page = cloned[pi];
            if (!page) {
                page = std::make_shared<ShardPage>(*pages_[pi]);
                out->pages_[pi] = page;
            }
            page->shards[slot] = std::make_shared<const Shard>(inputs);
            page->refs[slot] = ZoneAccess::ref_of(*page->shards[slot]);
        }
    }
    ZoneAccess::nodes(*out) = nodes;
    ZoneAccess::cuts(*out) = cuts;
    ZoneAccess::dnames(*out) = dnames;
    ZoneAccess::wildcards(*out) = wildcards;
    ZoneAccess::finish(*out);
    out->history_ = extend_history(history_, delta.steps);
    return std::shared_ptr<const ServeZone>(std::move(out));
}

// ---- Index images ----

namespace {

constexpr char image_magic[8] = {'E', 'D', 'N', 'S', 'I', 'D', 'X', '1'};
constexpr size_t image_header = 128; // magic, counts, tag, checksum, origin follows
constexpr size_t image_entry = 32;   // per shard: offset, slot count, node count, blob size

// A fast 64-bit checksum of the image body (not cryptographic: it finds damage, not forgery;
// the state directory is only writable by the server).
uint64_t image_checksum(const uint8_t* p, size_t n) {
    // Four independent lanes, so the multiplies overlap: several GB/s on one core.
    uint64_t h[4] = {0x243F6A8885A308D3ull ^ n, 0x13198A2E03707344ull, 0xA4093822299F31D0ull,
                     0x082EFA98EC4E6C89ull};
    size_t i = 0;
    for (; i + 32 <= n; i += 32) {
        for (int k = 0; k < 4; ++k) {
            uint64_t v;
            std::memcpy(&v, p + i + 8 * k, 8);
            h[k] = (h[k] ^ v) * 0x9E3779B97F4A7C15ull;
            h[k] ^= h[k] >> 29;
        }
    }
    uint64_t r = h[0] ^ (h[1] * 0xC2B2AE3D27D4EB4Full) ^ (h[2] * 0x165667B19E3779F9ull) ^
                 (h[3] * 0xD6E8FEB86659FD93ull);
    for (; i < n; ++i) {
        r = (r ^ p[i]) * 0x100000001B3ull;
    }
    return r ^ (r >> 32);
}

void put64(std::string& s, uint64_t v) {
    s.append(reinterpret_cast<const char*>(&v), 8);
}
uint64_t get64n(const uint8_t* p) {
    uint64_t v;
    std::memcpy(&v, p, 8);
    return v;
}

} // namespace

void ServeZone::write_image(const std::function<void(std::string_view)>& sink,
                            uint64_t tag[4]) const {
    // Body: the shard table, then each shard's slots and nodes, 8-octet aligned.
    std::string table;
    size_t at = image_header + 256 + shard_count_ * image_entry;
    std::vector<size_t> offsets;
    for (size_t i = 0; i < shard_count_; ++i) {
        const Shard* sh = &shard(i);
        offsets.push_back(at);
        put64(table, at);
        put64(table, sh->slot_count());
        put64(table, sh->count());
        put64(table, sh->blob_size());
        at += sh->slot_count() * sizeof(Shard::Slot) + ((sh->blob_size() + 7) & ~size_t(7));
    }
    // The checksum covers the header (its own field zeroed), the table, then each shard's
    // region, chained in that order.
    uint64_t sum = 0x243F6A8885A308D3ull;
    std::string body;
    std::string header(image_header + 256, '\0');
    std::memcpy(header.data(), image_magic, 8);
    uint64_t fields[12] = {image_header, shard_count_, serial_, records_, nodes_, cuts_,
                           dnames_,      wildcards_,   tag[0],  tag[1],   tag[2], tag[3]};
    std::memcpy(header.data() + 8, fields, sizeof fields);
    header[image_header] = char(origin_.wire().size());
    std::memcpy(header.data() + image_header + 1, origin_.wire().data(), origin_.wire().size());
    sum = image_checksum(reinterpret_cast<const uint8_t*>(header.data()), header.size()) ^
          (sum * 0x9E3779B97F4A7C15ull);
    // Pass 1: checksum; pass 2: write. The body is produced twice rather than held whole.
    for (int pass = 0; pass < 2; ++pass) {
        if (pass == 1) {
            std::memcpy(header.data() + 8 + sizeof fields, &sum, 8);
            sink(header);
        }
        if (pass == 0) {
            sum = image_checksum(reinterpret_cast<const uint8_t*>(table.data()), table.size()) ^
                  (sum * 0x9E3779B97F4A7C15ull);
        } else {
            sink(table);
        }
        for (size_t i = 0; i < shard_count_; ++i) {
            const Shard* sh = &shard(i);
            body.assign(reinterpret_cast<const char*>(sh->slots()),
                        sh->slot_count() * sizeof(Shard::Slot));
            body.append(reinterpret_cast<const char*>(sh->blob()), sh->blob_size());
            body.append((8 - sh->blob_size() % 8) % 8, '\0');
            if (pass == 0) {
                sum = image_checksum(reinterpret_cast<const uint8_t*>(body.data()), body.size()) ^
                      (sum * 0x9E3779B97F4A7C15ull);
            } else {
                sink(body);
            }
        }
    }
}

Result<std::shared_ptr<const ServeZone>> ServeZone::from_image(std::shared_ptr<const void> keep,
                                                               const uint8_t* data, size_t size,
                                                               uint64_t tag[4],
                                                               bool verify_checksum) {
    constexpr size_t head = image_header + 256;
    if (size < head || std::memcmp(data, image_magic, 8) != 0) {
        return fail("not an index image");
    }
    uint64_t f[13];
    std::memcpy(f, data + 8, sizeof f);
    size_t shard_count = f[1];
    if (f[0] != image_header || shard_count == 0 || (shard_count & (shard_count - 1)) != 0 ||
        shard_count > (size - head) / image_entry) {
        return fail("index image header is damaged");
    }
    uint8_t olen = data[image_header];
    if (olen == 0 || dns::wire_name_length(data + image_header + 1, olen) != olen) {
        return fail("index image origin is damaged");
    }
    Name origin =
        Name::from_wire_unchecked({reinterpret_cast<const char*>(data + image_header + 1), olen});
    std::string lower_origin = lower_of(origin.wire());

    // Checksum: the header with its own field zeroed, the table, each shard's region.
    uint64_t sum = 0x243F6A8885A308D3ull;
    {
        uint8_t h[head];
        std::memcpy(h, data, head);
        std::memset(h + 8 + 12 * 8, 0, 8);
        sum = image_checksum(h, head) ^ (sum * 0x9E3779B97F4A7C15ull);
    }
    sum = image_checksum(data + head, shard_count * image_entry) ^ (sum * 0x9E3779B97F4A7C15ull);
    auto out = std::make_shared<ServeZone>();
    auto& shards = ZoneAccess::shards(*out);
    shards.reserve(shard_count);
    for (size_t i = 0; i < shard_count; ++i) {
        const uint8_t* e = data + head + i * image_entry;
        uint64_t off = get64n(e), nslots = get64n(e + 8), count = get64n(e + 16),
                 blob = get64n(e + 24);
        uint64_t padded = (blob + 7) & ~uint64_t(7);
        if (nslots == 0 || (nslots & (nslots - 1)) != 0 || nslots > (1u << 30) || off % 8 != 0 ||
            blob > size || off > size || nslots * sizeof(Shard::Slot) + padded > size - off ||
            count >= nslots) {
            return fail("index image shard " + std::to_string(i) + " is out of bounds");
        }
        const auto* slots = reinterpret_cast<const Shard::Slot*>(data + off);
        const uint8_t* b = data + off + nslots * sizeof(Shard::Slot);
        if (verify_checksum) {
            sum = image_checksum(data + off, nslots * sizeof(Shard::Slot) + padded) ^
                  (sum * 0x9E3779B97F4A7C15ull);
        }
        shards.push_back(std::make_shared<const Shard>(keep, slots, nslots, b, blob, count));
    }
    if (verify_checksum && sum != f[12]) {
        return fail("index image checksum mismatch");
    }

    // Structure, so that nothing the responder reads can be out of bounds or inconsistent:
    // nodes and RRsets tile each shard exactly, every record is well formed for its type,
    // flags agree with the RRsets, the counts agree with the header, and every node is found
    // by its own name through exactly one slot.
    size_t nodes = 0, records = 0, cuts = 0, dnames = 0, wildcards = 0;
    std::vector<uint32_t> starts;
    std::vector<uint8_t> seen;
    std::string lower;
    for (size_t si = 0; si < shards.size(); ++si) {
        const Shard& sh = *shards[si];
        starts.clear();
        size_t pos = 0;
        while (pos < sh.blob_size()) {
            size_t left = sh.blob_size() - pos;
            if (left < NodeView::header_size) {
                return fail("index image node header out of bounds");
            }
            NodeView n(sh.blob() + pos);
            std::string_view owner = n.owner();
            if (n.size() > left || NodeView::header_size + owner.size() > n.size() ||
                owner.empty() ||
                dns::wire_name_length(n.data() + NodeView::header_size, owner.size()) !=
                    owner.size()) {
                return fail("index image node is damaged");
            }
            lower.clear();
            lower_into(lower, owner);
            if (!dns::is_subdomain(lower, lower_origin)) {
                return fail("index image holds a name outside its zone");
            }
            size_t r = NodeView::header_size + owner.size();
            uint16_t last_type = 0;
            bool ns = false, dn = false, cn = false, soa = false;
            for (uint16_t k = 0; k < n.rrset_count(); ++k) {
                if (n.size() - r < NodeView::rrset_header_size) {
                    return fail("index image RRset out of bounds");
                }
                const uint8_t* rh = n.data() + r;
                uint16_t type = load16(rh), count = load16(rh + 2);
                uint32_t ttl = load32(rh + 4), len = load32(rh + 8);
                if (len > n.size() - r - NodeView::rrset_header_size || count == 0 ||
                    (k > 0 && type <= last_type)) {
                    return fail("index image RRset is damaged");
                }
                last_type = type;
                ns |= type == dns::rrtype::NS;
                dn |= type == dns::rrtype::DNAME;
                cn |= type == dns::rrtype::CNAME;
                soa |= type == dns::rrtype::SOA;
                const uint8_t* p = rh + NodeView::rrset_header_size;
                const uint8_t* end = p + len;
                for (uint16_t c = 0; c < count; ++c) {
                    if (end - p < 12) {
                        return fail("index image record out of bounds");
                    }
                    uint16_t rdlen = dns::get16(p + 10);
                    if (p[0] != 0xC0 || p[1] != 0x0C || dns::get16(p + 2) != type ||
                        dns::get16(p + 4) != dns::rrclass::IN || dns::get32(p + 6) != ttl ||
                        rdlen > end - p - 12 ||
                        !dns::check_rdata(type, {reinterpret_cast<const char*>(p + 12), rdlen})
                             .ok() ||
                        (type == dns::rrtype::SOA && rdlen < 22)) {
                        return fail("index image record is damaged");
                    }
                    p += 12 + rdlen;
                }
                if (p != end) {
                    return fail("index image RRset does not add up");
                }
                records += count;
                r += NodeView::rrset_header_size + len;
            }
            uint8_t want = flags_for(lower, lower_origin, ns, dn, cn);
            if (r != n.size() || n.flags() != want || (soa && lower != lower_origin)) {
                return fail("index image node does not add up");
            }
            cuts += (want & NodeView::delegation) != 0;
            dnames += (want & NodeView::dname) != 0;
            wildcards += is_wildcard(lower);
            if ((name_hash(lower) & (shard_count - 1)) != si) {
                return fail("index image node is in the wrong shard");
            }
            starts.push_back(uint32_t(pos));
            pos += n.size();
        }
        // Slots: one per node, each at a node start, reachable from its home slot, tagged with
        // the node's hash; at least one slot empty (a lookup of an absent name ends).
        seen.assign(starts.size(), 0);
        size_t used = 0, mask = sh.slot_count() - 1;
        for (size_t k = 0; k < sh.slot_count(); ++k) {
            const Shard::Slot& slot = sh.slots()[k];
            if (slot.off == 0) {
                continue;
            }
            ++used;
            auto it = std::lower_bound(starts.begin(), starts.end(), slot.off - 1);
            if (it == starts.end() || *it != slot.off - 1 || seen[size_t(it - starts.begin())]++) {
                return fail("index image slot does not point at a node");
            }
            NodeView n(sh.blob() + slot.off - 1);
            lower.clear();
            lower_into(lower, n.owner());
            if (slot.tag != uint32_t(name_hash(lower) >> 32)) {
                return fail("index image slot has the wrong tag");
            }
            for (size_t h = slot.tag & mask; h != k; h = (h + 1) & mask) {
                if (sh.slots()[h].off == 0) {
                    return fail("index image slot cannot be reached");
                }
            }
        }
        if (used != starts.size() || used != sh.count() || used >= sh.slot_count()) {
            return fail("index image shard node count mismatch");
        }
        nodes += used;
    }
    if (nodes != f[4] || records != f[3] || cuts != f[5] || dnames != f[6] || wildcards != f[7]) {
        return fail("index image counts do not match its content");
    }
    ZoneAccess::origin(*out) = origin;
    ZoneAccess::lower(*out) = lower_origin;
    ZoneAccess::serial(*out) = uint32_t(f[2]);
    ZoneAccess::records(*out) = f[3];
    ZoneAccess::nodes(*out) = f[4];
    ZoneAccess::cuts(*out) = f[5];
    ZoneAccess::dnames(*out) = f[6];
    ZoneAccess::wildcards(*out) = f[7];
    for (int i = 0; i < 4; ++i) {
        tag[i] = f[8 + i];
    }
    ZoneAccess::finish(*out);
    RrsetView soa = out->apex() ? out->apex().find(dns::rrtype::SOA) : RrsetView{};
    if (!soa || soa.count != 1 ||
        dns::get32(reinterpret_cast<const uint8_t*>(soa.wire.data()) + soa.wire.size() - 20) !=
            uint32_t(f[2])) {
        return fail("index image has no apex SOA of its serial");
    }
    return std::shared_ptr<const ServeZone>(std::move(out));
}

// ---- ZoneSet ----

ZoneSet::ZoneSet() = default;
ZoneSet::~ZoneSet() = default;

const ServeZone* ZoneSet::closest(std::string_view lower_wire, const uint8_t* label_offsets,
                                  size_t label_count) const {
    if (count_ == 0) {
        return nullptr;
    }
    size_t mask = slots_.size() - 1;
    for (size_t l = 0; l <= label_count; ++l) {
        std::string_view suffix = l < label_count ? lower_wire.substr(label_offsets[l])
                                                  : lower_wire.substr(lower_wire.size() - 1);
        uint64_t h = name_hash(suffix);
        for (size_t i = h & mask;; i = (i + 1) & mask) {
            const Slot& s = slots_[i];
            if (!s.zone) {
                break;
            }
            if (s.hash == h && s.zone->lower_origin() == suffix) {
                return s.zone.get();
            }
        }
    }
    return nullptr;
}

std::shared_ptr<const ServeZone> ZoneSet::get(const Name& origin) const {
    if (count_ == 0) {
        return nullptr;
    }
    std::string lower = lower_of(origin.wire());
    uint64_t h = name_hash(lower);
    size_t mask = slots_.size() - 1;
    for (size_t i = h & mask;; i = (i + 1) & mask) {
        const Slot& s = slots_[i];
        if (!s.zone) {
            return nullptr;
        }
        if (s.hash == h && s.zone->lower_origin() == lower) {
            return s.zone;
        }
    }
}

std::vector<std::shared_ptr<const ServeZone>> ZoneSet::zones() const {
    std::vector<std::shared_ptr<const ServeZone>> v;
    v.reserve(count_);
    for (const auto& s : slots_) {
        if (s.zone) {
            v.push_back(s.zone);
        }
    }
    std::sort(v.begin(), v.end(), [](const auto& a, const auto& b) {
        return a->origin().canonical_compare(b->origin()) < 0;
    });
    return v;
}

std::vector<ZoneInfo> ZoneSet::list() const {
    std::vector<ZoneInfo> out;
    for (const auto& z : zones()) {
        out.push_back({z->origin().lowercased().to_text(), z->serial(), z->records()});
    }
    return out;
}

std::shared_ptr<const ZoneSet>
ZoneSet::of(const std::vector<std::shared_ptr<const ServeZone>>& zones) {
    auto set = std::make_shared<ZoneSet>();
    set->slots_.resize(pow2_at_least(std::max<size_t>(8, zones.size() * 2)));
    size_t mask = set->slots_.size() - 1;
    for (const auto& z : zones) {
        uint64_t h = name_hash(z->lower_origin());
        size_t i = h & mask;
        while (set->slots_[i].zone && set->slots_[i].zone->lower_origin() != z->lower_origin()) {
            i = (i + 1) & mask;
        }
        if (!set->slots_[i].zone) {
            ++set->count_;
        } else {
            set->records_ -= set->slots_[i].zone->records();
        }
        set->slots_[i] = {h, z};
        set->records_ += z->records();
    }
    return set;
}

std::shared_ptr<const ZoneSet> ZoneSet::with(std::shared_ptr<const ServeZone> zone) const {
    std::vector<std::shared_ptr<const ServeZone>> v;
    v.reserve(count_ + 1);
    for (const auto& s : slots_) {
        if (s.zone) {
            v.push_back(s.zone);
        }
    }
    auto it = std::find_if(v.begin(), v.end(),
                           [&](const auto& z) { return z->origin() == zone->origin(); });
    if (it != v.end()) {
        *it = std::move(zone);
    } else {
        v.push_back(std::move(zone));
    }
    return of(v);
}

std::shared_ptr<const ZoneSet> ZoneSet::without(const Name& origin) const {
    std::vector<std::shared_ptr<const ServeZone>> v;
    for (const auto& s : slots_) {
        if (s.zone) {
            v.push_back(s.zone);
        }
    }
    std::erase_if(v, [&](const auto& z) { return z->origin() == origin; });
    return of(v);
}

// ---- Published ----

Published::Published() : set_(std::make_shared<const ZoneSet>()) {}

std::shared_ptr<const ZoneSet> Published::load() const {
    std::lock_guard lock(mu_);
    return set_;
}

void Published::store(std::shared_ptr<const ZoneSet> set) {
    {
        std::lock_guard lock(mu_);
        set_ = std::move(set);
    }
    gen_.fetch_add(1, std::memory_order_acq_rel);
}

} // namespace endpointdns::serve
