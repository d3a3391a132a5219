// SPDX-License-Identifier: MIT
// The answer engine: RFC 1034 4.3.2 lookup over a ZoneSet, written straight into wire form.
//
// Hot path rules: no allocation, no exceptions, every read of the query bounds-checked.
// Records are stored as ready-made wire RRs whose owner is a pointer to the question
// (snapshot.hpp), so most answers are a copy; names inside RDATA of the RFC 1035 types are
// compressed against the names already written.
#include "serve/responder.hpp"

#include "dns/rr.hpp"
#include "dns/tsig.hpp"

#include <algorithm>
#include <cstring>

namespace endpointdns::serve {

using dns::ascii_lower;
namespace rrtype = dns::rrtype;

namespace {

constexpr uint16_t flag_qr = 0x8000, flag_aa = 0x0400, flag_tc = 0x0200, flag_rd = 0x0100;
constexpr uint8_t rc_noerror = 0, rc_formerr = 1, rc_nxdomain = 3, rc_notimp = 4, rc_refused = 5,
                  rc_yxdomain = 6, rc_notauth = 9, rc_badvers = 16;
constexpr size_t opt_size = 11; // without options
constexpr size_t max_chain = 5; // CNAMEs (given or synthesized) in one answer, as Knot
constexpr size_t max_entries = 64;

inline uint16_t rd16(const uint8_t* p) {
    return uint16_t(p[0] << 8 | p[1]);
}
inline uint32_t rd32(const uint8_t* p) {
    return uint32_t(p[0]) << 24 | uint32_t(p[1]) << 16 | uint32_t(p[2]) << 8 | p[3];
}
inline void wr16(uint8_t* p, uint16_t v) {
    p[0] = uint8_t(v >> 8);
    p[1] = uint8_t(v);
}
inline void wr32(uint8_t* p, uint32_t v) {
    p[0] = uint8_t(v >> 24);
    p[1] = uint8_t(v >> 16);
    p[2] = uint8_t(v >> 8);
    p[3] = uint8_t(v);
}

// Skips a possibly compressed name in a message; 0 when malformed.
size_t skip_name(const uint8_t* m, size_t len, size_t pos) {
    while (pos < len) {
        uint8_t l = m[pos];
        if (l == 0) {
            return pos + 1;
        }
        if ((l & 0xC0) == 0xC0) {
            return pos + 2 <= len ? pos + 2 : 0;
        }
        if (l & 0xC0) {
            return 0;
        }
        pos += 1 + l;
    }
    return 0;
}

// A lower-case name with its label offsets (the root label not listed).
struct LName {
    uint8_t wire[256];
    uint8_t len = 0; // wire length including the root label
    uint8_t labels[128];
    uint8_t count = 0;
    std::string_view view() const { return {reinterpret_cast<const char*>(wire), len}; }
    std::string_view suffix(size_t label) const {
        return label < count ? view().substr(labels[label]) : view().substr(len - 1);
    }
    // Sets from an uncompressed wire name (trusted: from a zone), lowering it.
    void set(std::string_view w) {
        len = uint8_t(w.size());
        count = 0;
        for (size_t i = 0; i < w.size(); ++i) {
            wire[i] = ascii_lower(uint8_t(w[i]));
        }
        for (size_t i = 0; wire[i] != 0; i += 1 + wire[i]) {
            labels[count++] = uint8_t(i);
        }
    }
};

// The response under construction.
struct Packet {
    Packet(uint8_t* b, size_t lim, size_t l) : buf(b), limit(lim), len(l) {}
    uint8_t* buf;
    size_t limit; // the most octets the response may have (OPT space already taken off)
    size_t len;
    uint16_t counts[3] = {0, 0, 0}; // answer, authority, additional
    uint16_t entries[max_entries];  // where written names (and their suffixes) start
    size_t entry_count = 0;

    void remember(size_t pos) {
        if (entry_count < max_entries && pos < 0x4000) {
            entries[entry_count++] = uint16_t(pos);
        }
    }

    // True when the name in the packet at `pos` equals the lower-case wire `name`.
    bool equals(size_t pos, const uint8_t* name) const {
        for (int hops = 0; hops < 64;) {
            uint8_t l = buf[pos];
            if ((l & 0xC0) == 0xC0) {
                pos = size_t(l & 0x3F) << 8 | buf[pos + 1];
                ++hops;
                continue;
            }
            if (l != *name) {
                return false;
            }
            if (l == 0) {
                return true;
            }
            for (size_t i = 1; i <= l; ++i) {
                if (ascii_lower(buf[pos + i]) != name[i]) {
                    return false;
                }
            }
            pos += 1 + l;
            name += 1 + l;
        }
        return false;
    }

    // Position of the suffix of the packet name at `pos` after skipping `skip` labels.
    size_t suffix_pos(size_t pos, size_t skip) const {
        for (int hops = 0; hops < 64;) {
            uint8_t l = buf[pos];
            if ((l & 0xC0) == 0xC0) {
                pos = size_t(l & 0x3F) << 8 | buf[pos + 1];
                ++hops;
                continue;
            }
            if (skip == 0 || l == 0) {
                return pos;
            }
            pos += 1 + l;
            --skip;
        }
        return pos;
    }

    // Writes `name` (uncompressed wire, any case), compressed when `compress`. Returns false
    // when it does not fit. *at is where the name now starts (its literal part, or the
    // earlier copy a full pointer refers to).
    bool put_name(std::string_view name, bool compress, size_t* at) {
        uint8_t lower[256];
        size_t n = name.size();
        if (n == 0 || n > 255 ||
            dns::wire_name_length(reinterpret_cast<const uint8_t*>(name.data()), n) != n) {
            return false; // never for zone data (checked when loaded); a guard, not a path
        }
        for (size_t i = 0; i < n; ++i) {
            lower[i] = ascii_lower(uint8_t(name[i]));
        }
        size_t cut = n - 1; // offset in name where the pointer goes; n - 1 = none (root)
        size_t target = 0;
        if (compress) {
            for (size_t off = 0; lower[off] != 0 && cut == n - 1; off += 1 + lower[off]) {
                for (size_t e = 0; e < entry_count; ++e) {
                    if (equals(entries[e], lower + off)) {
                        cut = off;
                        target = entries[e];
                        break;
                    }
                }
            }
        }
        bool pointer = cut != n - 1;
        size_t need = cut + (pointer ? 2 : 1);
        if (len + need > limit) {
            return false;
        }
        size_t start = len;
        std::memcpy(buf + len, name.data(), cut);
        for (size_t off = 0; off < cut; off += 1 + lower[off]) {
            remember(start + off);
        }
        len += cut;
        if (pointer) {
            wr16(buf + len, uint16_t(0xC000 | target));
            len += 2;
        } else {
            buf[len++] = 0;
        }
        *at = cut == 0 && pointer ? target : start;
        return true;
    }
};

bool compressible(uint16_t type) {
    switch (type) {
    case rrtype::NS:
    case rrtype::CNAME:
    case rrtype::PTR:
    case rrtype::MX:
    case rrtype::SOA:
        return true;
    default:
        return false;
    }
}

class Answerer {
public:
    Answerer(const ZoneSet& zones, Packet& pkt, const LName& qname, uint16_t qtype)
        : zones_(zones), pkt_(pkt), qname_(qname), qtype_(qtype) {}

    // Fills the sections; returns the rcode and whether the answer is authoritative.
    // False when a section overflowed (the caller truncates).
    bool run(uint8_t& rcode, bool& aa);

private:
    struct Lookup {
        enum Kind { exact, wildcard, nxdomain, referral, dname } kind;
        NodeView node;     // exact/wildcard: the node; referral: the cut; dname: the node
        size_t node_label; // label index of `node` in the current name (referral, dname)
        size_t encloser_label = 0;
        bool wildcard_cut = false; // a referral from a wildcard that owns NS
    };

    Lookup find(const ServeZone& z, const LName& name, bool ds_at_cut) const;
    bool put_rrset(const RrsetView& rs, size_t owner_pos, int section);
    bool put_record(const uint8_t* rec, size_t owner_pos, uint16_t type, uint32_t ttl, int section);
    bool put_soa(const ServeZone& z, size_t apex_pos, int section);
    bool put_additional(const ServeZone& z, bool required);
    bool add_address(const ServeZone& z, std::string_view target_lower, size_t target_pos);
    bool visited(NodeView n);

    const ZoneSet& zones_;
    Packet& pkt_;
    const LName& qname_;
    uint16_t qtype_;
    // Names of additional-section candidates written in RDATA: (position, rdata offset).
    struct Target {
        uint16_t pos;
        const uint8_t* name; // uncompressed wire inside the snapshot
        size_t len;          // its length, checked against the record's RDATA
    };
    void add_target(size_t pos, const uint8_t* name, size_t room) {
        size_t n = dns::wire_name_length(name, room);
        if (n != 0 && pos < 0x4000 && target_count_ < 32) {
            targets_[target_count_++] = {uint16_t(pos), name, n};
        }
    }
    Target targets_[32];
    size_t target_count_ = 0;
    size_t last_name_pos_ = 0; // where the last name written in RDATA starts
    const uint8_t* visited_[max_chain + 1];
    size_t visited_count_ = 0;
};

// True when the chain came to this node before (a CNAME loop); remembers it otherwise.
bool Answerer::visited(NodeView n) {
    for (size_t i = 0; i < visited_count_; ++i) {
        if (visited_[i] == n.data()) {
            return true;
        }
    }
    if (visited_count_ <= max_chain) {
        visited_[visited_count_++] = n.data();
    }
    return false;
}

Answerer::Lookup Answerer::find(const ServeZone& z, const LName& name, bool ds_at_cut) const {
    // Labels of `name` below the apex: index k-1 is the child of the apex, 0 the name itself.
    size_t zl = z.lower_origin().size();
    size_t k = 0;
    while (k < name.count && size_t(name.len - name.labels[k]) > zl) {
        ++k;
    }
    Lookup r{Lookup::nxdomain, z.apex(), k, k};
    bool walk = z.has_cuts();
    size_t level = walk ? k : 1;
    if (!walk) {
        // No cuts or DNAMEs: the name itself, then its ancestors for the closest encloser.
        NodeView n = k == 0 ? z.apex() : z.find(name.suffix(0));
        if (n) {
            return {Lookup::exact, n, 0, 0};
        }
        level = 1;
        for (; level < k; ++level) {
            if (NodeView a = z.find(name.suffix(level))) {
                r.encloser_label = level;
                r.node = a;
                break;
            }
        }
        if (level >= k) {
            r.encloser_label = k;
            r.node = z.apex();
        }
    } else {
        // From the apex down, so the topmost cut or DNAME wins.
        NodeView last = z.apex();
        size_t last_label = k;
        if (k > 0 && (last.flags() & NodeView::dname)) {
            return {Lookup::dname, last, k, k}; // a DNAME at the apex redirects every name below
        }
        bool found_all = true;
        for (size_t l = k; l-- > 0;) {
            NodeView n = z.find(name.suffix(l));
            if (!n) {
                found_all = false;
                break;
            }
            last = n;
            last_label = l;
            uint8_t f = n.flags();
            if ((f & NodeView::delegation) && !(l == 0 && ds_at_cut)) {
                return {Lookup::referral, n, l, l};
            }
            if ((f & NodeView::dname) && l > 0) {
                return {Lookup::dname, n, l, l};
            }
        }
        if (found_all) {
            return {Lookup::exact, last, 0, 0};
        }
        r.node = last;
        r.encloser_label = last_label;
    }
    // Not found: a wildcard child of the closest encloser answers instead (RFC 4592).
    if (z.has_wildcards()) {
        uint8_t w[256];
        std::string_view ce = name.suffix(r.encloser_label);
        if (ce.size() + 2 <= 255) {
            w[0] = 1;
            w[1] = '*';
            std::memcpy(w + 2, ce.data(), ce.size());
            NodeView wn = z.find(std::string_view(reinterpret_cast<const char*>(w), ce.size() + 2));
            if (wn && (wn.flags() & NodeView::delegation) && !ds_at_cut) {
                // NS at a wildcard: a referral whose owner is the wildcard itself (as Knot).
                return {Lookup::referral, wn, 0, r.encloser_label, true};
            }
            if (wn) {
                return {Lookup::wildcard, wn, 0, r.encloser_label};
            }
        }
    }
    return r;
}

bool Answerer::put_record(const uint8_t* rec, size_t owner_pos, uint16_t type, uint32_t ttl,
                          int section) {
    uint16_t rdlen = rd16(rec + 10);
    const uint8_t* rdata = rec + 12;
    if (pkt_.len + 12 > pkt_.limit) {
        return false;
    }
    uint8_t* h = pkt_.buf + pkt_.len;
    wr16(h, uint16_t(0xC000 | owner_pos));
    std::memcpy(h + 2, rec + 2, 8);
    wr32(h + 6, ttl);
    size_t rd_at = pkt_.len + 10;
    pkt_.len += 12;
    size_t start = pkt_.len;
    size_t at;
    switch (type) {
    case rrtype::NS:
    case rrtype::CNAME:
    case rrtype::PTR: {
        if (!pkt_.put_name({reinterpret_cast<const char*>(rdata), rdlen}, true, &at)) {
            return false;
        }
        last_name_pos_ = at;
        if (type == rrtype::NS) {
            add_target(at, rdata, rdlen);
        }
        break;
    }
    case rrtype::MX: {
        if (pkt_.len + 2 > pkt_.limit) {
            return false;
        }
        std::memcpy(pkt_.buf + pkt_.len, rdata, 2);
        pkt_.len += 2;
        if (!pkt_.put_name({reinterpret_cast<const char*>(rdata + 2), size_t(rdlen - 2)}, true,
                           &at)) {
            return false;
        }
        add_target(at, rdata + 2, rdlen - 2u);
        break;
    }
    case rrtype::SOA: {
        size_t m = dns::wire_name_length(rdata, rdlen);
        size_t r = dns::wire_name_length(rdata + m, rdlen - m);
        if (!pkt_.put_name({reinterpret_cast<const char*>(rdata), m}, true, &at) ||
            !pkt_.put_name({reinterpret_cast<const char*>(rdata + m), r}, true, &at) ||
            pkt_.len + 20 > pkt_.limit) {
            return false;
        }
        std::memcpy(pkt_.buf + pkt_.len, rdata + m + r, 20);
        pkt_.len += 20;
        break;
    }
    default: {
        if (pkt_.len + rdlen > pkt_.limit) {
            return false;
        }
        std::memcpy(pkt_.buf + pkt_.len, rdata, rdlen);
        pkt_.len += rdlen;
        // Targets that want addresses in the additional section (SRV at 6, SVCB/HTTPS at 2).
        size_t at_off = type == rrtype::SRV                               ? 6
                        : (type == rrtype::SVCB || type == rrtype::HTTPS) ? 2
                                                                          : 0;
        if (at_off != 0 && rdlen > at_off) {
            add_target(start + at_off, rdata + at_off, rdlen - at_off);
        }
        break;
    }
    }
    wr16(pkt_.buf + rd_at, uint16_t(pkt_.len - start));
    ++pkt_.counts[section];
    return true;
}

bool Answerer::put_rrset(const RrsetView& rs, size_t owner_pos, int section) {
    const auto* p = reinterpret_cast<const uint8_t*>(rs.wire.data());
    const auto* end = p + rs.wire.size();
    if (!compressible(rs.type) && rs.type != rrtype::SRV && rs.type != rrtype::SVCB &&
        rs.type != rrtype::HTTPS) {
        // The stored records are the wire form already: copy, then point the owners.
        if (pkt_.len + rs.wire.size() > pkt_.limit) {
            return false;
        }
        uint8_t* dst = pkt_.buf + pkt_.len;
        std::memcpy(dst, p, rs.wire.size());
        if (owner_pos != 12) {
            for (uint8_t* q = dst; q < dst + rs.wire.size(); q += 12 + rd16(q + 10)) {
                wr16(q, uint16_t(0xC000 | owner_pos));
            }
        }
        pkt_.len += rs.wire.size();
        pkt_.counts[section] += rs.count;
        return true;
    }
    while (p < end) {
        if (!put_record(p, owner_pos, rs.type, rs.ttl, section)) {
            return false;
        }
        p += 12 + rd16(p + 10);
    }
    return true;
}

// The apex SOA for a negative answer, TTL min(SOA TTL, MINIMUM) (RFC 2308 3).
bool Answerer::put_soa(const ServeZone& z, size_t apex_pos, int section) {
    RrsetView soa = z.apex().find(rrtype::SOA);
    if (!soa) {
        return true;
    }
    const auto* rec = reinterpret_cast<const uint8_t*>(soa.wire.data());
    uint32_t minimum = rd32(rec + 12 + rd16(rec + 10) - 4);
    return put_record(rec, apex_pos, rrtype::SOA, std::min(soa.ttl, minimum), section);
}

// A and AAAA of `target` when this zone has them (glue below a cut included). False when a
// record did not fit (it is then left out).
bool Answerer::add_address(const ServeZone& z, std::string_view target_lower, size_t target_pos) {
    if (target_pos >= 0x4000 || !dns::is_subdomain(target_lower, z.lower_origin())) {
        return true;
    }
    NodeView n = z.find(target_lower);
    if (!n) {
        return true;
    }
    bool all = true;
    for (uint16_t t : {rrtype::A, rrtype::AAAA}) {
        RrsetView rs = n.find(t);
        if (!rs) {
            continue;
        }
        size_t mark = pkt_.len;
        uint16_t count = pkt_.counts[2];
        if (!put_rrset(rs, target_pos, 2)) {
            pkt_.len = mark; // additional data is optional: leave out what does not fit
            pkt_.counts[2] = count;
            all = false;
        }
    }
    return all;
}

// Addresses of the names the NS, MX, SRV, SVCB or HTTPS records just written point to. When
// `required` (glue of a referral, RFC 9471), a record that does not fit fails the answer.
bool Answerer::put_additional(const ServeZone& z, bool required) {
    LName t;
    bool all = true;
    for (size_t i = 0; i < target_count_; ++i) {
        t.set({reinterpret_cast<const char*>(targets_[i].name), targets_[i].len});
        all &= add_address(z, t.view(), targets_[i].pos);
    }
    target_count_ = 0;
    return all || !required;
}

bool Answerer::run(uint8_t& rcode, bool& aa) {
    const ServeZone* z = zones_.closest(qname_.view(), qname_.labels, qname_.count);
    if (!z) {
        rcode = rc_refused;
        aa = false;
        return true;
    }
    if (qtype_ == rrtype::DS && qname_.count > 0 && qname_.view() == z->lower_origin()) {
        // The DS of a zone belongs to its parent (RFC 4035 3.1.4.1): answer from the parent
        // zone when this server has it too.
        if (const ServeZone* parent =
                zones_.closest(qname_.view(), qname_.labels + 1, qname_.count - 1)) {
            z = parent;
        }
    }
    size_t cnames = 0;
    aa = true;
    rcode = rc_noerror;
    LName cur_store;
    const LName* cur = &qname_;
    size_t cur_pos = 12;
    for (size_t step = 0;; ++step) {
        Lookup r = find(*z, *cur, qtype_ == rrtype::DS);
        size_t apex_labels_below = 0;
        for (size_t l = 0; l < cur->count; ++l) {
            if (size_t(cur->len - cur->labels[l]) == z->lower_origin().size()) {
                apex_labels_below = l;
                break;
            }
            apex_labels_below = l + 1;
        }
        size_t apex_pos = pkt_.suffix_pos(cur_pos, apex_labels_below);
        switch (r.kind) {
        case Lookup::referral: {
            // Below a zone cut: not ours to answer (RFC 1034 4.3.2 step 3b).
            if (step == 0) {
                aa = false;
            }
            size_t cut_pos = pkt_.suffix_pos(cur_pos, r.node_label);
            target_count_ = 0;
            RrsetView ns = r.node.find(rrtype::NS);
            if (r.wildcard_cut) {
                // The owner is "*." + the closest encloser, written once; the rest point to it.
                if (pkt_.len + 2 > pkt_.limit) {
                    return false;
                }
                cut_pos = pkt_.len;
                pkt_.buf[pkt_.len++] = 1;
                pkt_.buf[pkt_.len++] = '*';
                const auto* rec = reinterpret_cast<const uint8_t*>(ns.wire.data());
                if (!put_record(rec, pkt_.suffix_pos(cur_pos, r.encloser_label), ns.type, ns.ttl,
                                1)) {
                    return false;
                }
                RrsetView rest = ns;
                rest.count = uint16_t(ns.count - 1);
                rest.wire.remove_prefix(12 + rd16(rec + 10));
                if (rest.count > 0 && !put_rrset(rest, cut_pos, 1)) {
                    return false;
                }
            } else if (!put_rrset(ns, cut_pos, 1)) {
                return false;
            }
            return put_additional(*z, true);
        }
        case Lookup::dname: {
            if (cnames >= max_chain) {
                return true;
            }
            RrsetView dn = r.node.find(rrtype::DNAME);
            size_t owner_pos = pkt_.suffix_pos(cur_pos, r.node_label);
            if (!put_rrset(dn, owner_pos, 0)) {
                return false;
            }
            // Synthesize the CNAME: the labels above the DNAME owner + the DNAME target.
            const auto* rec = reinterpret_cast<const uint8_t*>(dn.wire.data());
            size_t tlen = rd16(rec + 10);
            size_t prefix = cur->labels[r.node_label];
            if (prefix + tlen > 255) {
                rcode = rc_yxdomain; // RFC 6672 2.2
                return true;
            }
            uint8_t synth[256];
            // Original case of the query's labels where the current name is the query.
            const uint8_t* src = cur == &qname_ ? pkt_.buf + 12 : cur->wire;
            std::memcpy(synth, src, prefix);
            std::memcpy(synth + prefix, rec + 12, tlen);
            if (pkt_.len + 12 > pkt_.limit) {
                return false;
            }
            uint8_t* h = pkt_.buf + pkt_.len;
            wr16(h, uint16_t(0xC000 | cur_pos));
            wr16(h + 2, rrtype::CNAME);
            wr16(h + 4, dns::rrclass::IN);
            wr32(h + 6, dn.ttl);
            size_t rd_at = pkt_.len + 10;
            pkt_.len += 12;
            size_t start = pkt_.len, at;
            if (!pkt_.put_name({reinterpret_cast<const char*>(synth), prefix + tlen}, true, &at)) {
                return false;
            }
            wr16(pkt_.buf + rd_at, uint16_t(pkt_.len - start));
            ++pkt_.counts[0];
            ++cnames;
            if (qtype_ == rrtype::CNAME) {
                return true;
            }
            cur_store.set({reinterpret_cast<const char*>(synth), prefix + tlen});
            if (!dns::is_subdomain(cur_store.view(), z->lower_origin())) {
                return true;
            }
            cur = &cur_store;
            cur_pos = at;
            continue;
        }
        case Lookup::nxdomain:
            rcode = rc_nxdomain;
            return put_soa(*z, apex_pos, 1);
        case Lookup::exact:
        case Lookup::wildcard:
            break;
        }
        NodeView n = r.node;
        if (visited(n)) {
            return true; // a CNAME loop: every record of it is in the answer once
        }
        // ANY: one RRset, the first in type order, over UDP and TCP alike (RFC 8482, as Knot).
        RrsetView rs;
        if (qtype_ == rrtype::ANY) {
            n.each([&](const RrsetView& first) {
                rs = first;
                return false;
            });
        } else {
            rs = n.find(qtype_);
        }
        if (rs) {
            target_count_ = 0;
            if (!put_rrset(rs, cur_pos, 0)) {
                return false;
            }
            put_additional(*z, false);
            return true;
        }
        if (n.flags() & NodeView::cname) {
            if (cnames >= max_chain) {
                return true; // the chain is long enough; the resolver asks again from here
            }
            RrsetView cn = n.find(rrtype::CNAME);
            const auto* rec = reinterpret_cast<const uint8_t*>(cn.wire.data());
            if (!put_rrset(cn, cur_pos, 0)) {
                return false;
            }
            // Follow the target inside this zone (RFC 1034 4.3.2 step 3a).
            size_t tlen = rd16(rec + 10);
            ++cnames;
            cur_store.set({reinterpret_cast<const char*>(rec + 12), tlen});
            if (!dns::is_subdomain(cur_store.view(), z->lower_origin())) {
                return true;
            }
            cur_pos = last_name_pos_; // the target, just written as the CNAME's RDATA
            cur = &cur_store;
            continue;
        }
        // NODATA (RFC 2308 2.2).
        return put_soa(*z, apex_pos, 1);
    }
}

} // namespace

Responder::Responder(ResponderOptions opts) : opts_(opts) {}

size_t Responder::answer(const ZoneSet& zones, const uint8_t* q, size_t len, Transport transport,
                         uint8_t* out, size_t cap, QueryInfo& info) {
    info = {};
    if (len < 12 || cap < 512 || (q[2] & 0x80)) {
        return 0; // too short to answer, or a response: never answered (no reflection loops)
    }
    uint16_t qflags = rd16(q + 2);
    unsigned opcode = (qflags >> 11) & 0xF;
    uint16_t qdcount = rd16(q + 4), ancount = rd16(q + 6), nscount = rd16(q + 8),
             arcount = rd16(q + 10);
    std::memcpy(out, q, 2);
    uint16_t flags = flag_qr | (qflags & (0x7800 | flag_rd)); // CD is not echoed, as Knot
    std::memset(out + 2, 0, 10);
    info.answered = true;

    auto finish = [&](size_t n, uint8_t rcode, uint16_t f, bool with_question) {
        info.rcode = rcode;
        wr16(out + 2, uint16_t(f | (rcode & 0xF)));
        wr16(out + 4, with_question ? 1 : 0);
        return n;
    };

    // The question: exactly one, an uncompressed name, type and class. A question that cannot
    // be read is not answered (as Knot does): there is nothing to echo, and answering
    // malformed packets only helps reflection.
    LName qname;
    size_t pos = 12;
    if (qdcount > 1) {
        info.answered = false;
        return 0;
    }
    bool has_question = qdcount == 1;
    if (has_question) {
        size_t n = 0;
        for (;;) {
            if (pos >= len) {
                info.answered = false;
                return 0;
            }
            uint8_t l = q[pos];
            if (l & 0xC0 || n + 1 + l > 255 || pos + 1 + l > len) {
                info.answered = false;
                return 0;
            }
            qname.wire[n] = l;
            if (l == 0) {
                ++n;
                ++pos;
                break;
            }
            qname.labels[qname.count++] = uint8_t(n);
            for (size_t i = 1; i <= l; ++i) {
                qname.wire[n + i] = ascii_lower(q[pos + i]);
            }
            n += 1 + l;
            pos += 1 + l;
        }
        qname.len = uint8_t(n);
        if (pos + 4 > len) {
            info.answered = false;
            return 0;
        }
        pos += 4;
    }
    uint16_t qtype = has_question ? rd16(q + pos - 4) : 0;
    uint16_t qclass = has_question ? rd16(q + pos - 2) : 0;
    info.qtype = qtype;
    size_t qend = pos;
    std::memcpy(out + 12, q + 12, qend - 12);

    // The other sections: skipped, except one OPT record in the additional section, whose
    // options must be well formed (RFC 6891 6.1.2).
    bool edns = false, bad = false, bad_opt = false;
    uint16_t payload = 512;
    uint32_t opt_ttl = 0;
    unsigned total = unsigned(ancount) + nscount + arcount;
    for (unsigned i = 0; i < total && !bad; ++i) {
        pos = skip_name(q, len, pos);
        if (pos == 0 || pos + 10 > len) {
            bad = true;
            break;
        }
        uint16_t type = rd16(q + pos);
        size_t rdlen = rd16(q + pos + 8);
        if (pos + 10 + rdlen > len) {
            bad = true;
            break;
        }
        if (type == rrtype::OPT) {
            if (i < unsigned(ancount) + nscount || edns) {
                bad = bad_opt = true; // OPT only once, only in the additional section
                break;
            }
            for (size_t o = pos + 10, end = o + rdlen; o < end;) {
                if (end - o < 4 || rd16(q + o + 2) > end - o - 4) {
                    bad = bad_opt = true;
                    break;
                }
                o += 4 + rd16(q + o + 2);
            }
            edns = !bad_opt;
            payload = std::max<uint16_t>(512, rd16(q + pos + 2));
            opt_ttl = rd32(q + pos + 4);
        } else if (type == dns::tsig::type) {
            info.tsig = true; // answered as usual here, then verified and signed by the caller
        }
        pos += 10 + rdlen;
    }
    if (!bad && pos != len) {
        bad = true; // trailing octets
    }

    size_t limit = transport == Transport::udp
                       ? std::min<size_t>(edns ? std::min(payload, opts_.udp_payload) : 512, cap)
                       : std::min<size_t>(cap, 65535);
    // The OPT record of the response; Extended DNS Error 20 (RFC 8914: not authoritative) when
    // refusing.
    auto add_opt = [&](size_t n, uint8_t ext_rcode, bool ede_not_authoritative = false) {
        if (!edns) {
            return n;
        }
        uint8_t* o = out + n;
        o[0] = 0;
        wr16(o + 1, rrtype::OPT);
        wr16(o + 3, opts_.udp_payload);
        wr32(o + 5, uint32_t(ext_rcode) << 24 | (opt_ttl & 0x8000)); // version 0, DO echoed
        wr16(o + 9, ede_not_authoritative ? 6 : 0);
        wr16(out + 10, 1);
        if (ede_not_authoritative) {
            wr16(o + 11, 15);
            wr16(o + 13, 2);
            wr16(o + 15, 20);
            return n + opt_size + 6;
        }
        return n + opt_size;
    };

    if (bad) {
        if (bad_opt) {
            edns = false; // an OPT that cannot be trusted gets none back
        }
        return finish(add_opt(qend, 0), rc_formerr, flags, has_question);
    }
    if (!has_question) {
        return finish(add_opt(qend, 0), rc_formerr, flags, false);
    }
    if (opcode == 4 || opcode == 5) {
        // NOTIFY and UPDATE: we take neither from anyone (RFC 1996, RFC 2136).
        return finish(add_opt(qend, 0), rc_notauth, flags, true);
    }
    if (opcode != 0) {
        return finish(add_opt(qend, 0), rc_notimp, flags, true);
    }
    if (edns && ((opt_ttl >> 16) & 0xFF) != 0) {
        info.rcode = rc_badvers; // RFC 6891 6.1.3
        size_t n = add_opt(qend, rc_badvers >> 4);
        wr16(out + 2, flags);
        wr16(out + 4, 1);
        return n;
    }
    if (qtype == 0) {
        return finish(add_opt(qend, 0), rc_notimp, flags, true);
    }
    if (qclass != dns::rrclass::IN && qclass != dns::rrclass::ANY) {
        return finish(add_opt(qend, 0), rc_refused, flags, true);
    }
    uint16_t answer_type = qtype;
    if (qtype == rrtype::AXFR || qtype == rrtype::IXFR) {
        // Transfers are answered by serve/xfr over TCP when configured. Over UDP, an IXFR for a
        // zone apex then gets the current SOA alone, which tells the client to ask over TCP
        // (RFC 1995 2). Otherwise: AXFR needs TCP (RFC 5936 4.2); the client is not authorized.
        const ServeZone* z = opts_.transfers && qtype == rrtype::IXFR && transport == Transport::udp
                                 ? zones.closest(qname.view(), qname.labels, qname.count)
                                 : nullptr;
        if (z && qname.view() == z->lower_origin()) {
            answer_type = rrtype::SOA;
        } else {
            bool udp_axfr = qtype == rrtype::AXFR && transport == Transport::udp;
            return finish(add_opt(qend, 0), udp_axfr ? rc_notimp : rc_notauth, flags, true);
        }
    }

    Packet pkt(out, limit - (edns ? opt_size : 0), qend);
    for (size_t l = 0; l < qname.count; ++l) {
        pkt.remember(12 + qname.labels[l]);
    }
    Answerer a(zones, pkt, qname, answer_type); // the transport only sets the size limit
    uint8_t rcode = 0;
    bool aa = false;
    if (!a.run(rcode, aa)) {
        // Too big for this transport: the question only, TC set (RFC 1035 4.2.1, RFC 7766).
        info.truncated = true;
        flags |= flag_tc;
        pkt.len = qend;
        pkt.counts[0] = pkt.counts[1] = pkt.counts[2] = 0;
    }
    if (aa) {
        flags |= flag_aa;
    }
    wr16(out + 6, pkt.counts[0]);
    wr16(out + 8, pkt.counts[1]);
    wr16(out + 10, pkt.counts[2]);
    size_t n = pkt.len;
    if (edns) {
        uint16_t ar = pkt.counts[2];
        n = add_opt(n, 0, rcode == rc_refused);
        wr16(out + 10, uint16_t(ar + 1));
    }
    return finish(n, rcode, flags, true);
}

} // namespace endpointdns::serve
