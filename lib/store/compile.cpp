// SPDX-License-Identifier: MIT
// Zone streams from the database.
#include "store/compile.hpp"

#include "store/history.hpp"

#include "dns/name.hpp"
#include "dns/rr.hpp"
#include "error.hpp"

#include <unordered_map>

namespace endpointdns::store {

namespace {

using dns::Name;

Name apex_of(const Domain& d) {
    auto n = Name::parse(d.name + ".");
    if (!n) throw Error(ex_software, "stored domain name is invalid: " + d.name);
    return *n;
}

std::string soa_at(const Domain& d, uint32_t serial) {
    Domain at = d;
    at.serial = serial;
    return soa_rdata(at);
}

// Feeds the uncompressed wire RRs of a journal column to the writer.
void add_wire_rrs(const std::string& rrs, const Domain& d, zone::StreamWriter& w) {
    auto parsed = parse_journal_rrs(rrs);
    if (!parsed)
        throw Error(ex_software, "change journal of " + d.name + " is damaged: " + parsed.error());
    for (const auto& r : *parsed) w.add(r.owner, r.type, r.ttl, r.rdata);
}

} // namespace

void write_zones(Conn& c, const std::vector<Domain>& domains, zone::StreamWriter& w, bool ordered) {
    // One statement with a fixed number of placeholders serves every batch.
    constexpr size_t batch = 16;
    std::string sql = "SELECT domain_id, owner, type, ttl, rdata FROM rrsets WHERE domain_id IN (?";
    for (size_t i = 1; i < batch; ++i) sql += ",?";
    sql += ordered ? ") ORDER BY domain_id, name, type" : ")";
    // One RRset's records (per record a 2-octet length and the RDATA) to the writer.
    auto add_rrset = [&](const Domain& d, std::string_view owner, uint16_t type, uint32_t ttl,
                         std::string_view packed) {
        size_t p = 0;
        while (p + 2 <= packed.size()) {
            size_t len = (size_t(uint8_t(packed[p])) << 8) | uint8_t(packed[p + 1]);
            p += 2;
            if (p + len > packed.size()) break;
            w.add(owner, type, ttl, packed.substr(p, len));
            p += len;
        }
        if (p != packed.size())
            throw Error(ex_software, "RRset of " + d.name + " is damaged in the database (rdata)");
    };
    for (size_t at = 0; at < domains.size(); at += batch) {
        size_t n = std::min(batch, domains.size() - at);
        Statement st = c.prepare(sql);
        for (size_t i = 0; i < batch; ++i) st.add(domains[at + std::min(i, n - 1)].id);
        Rows r = st.query();
        bool have = r.next();
        if (n == 1) {
            // One domain (a big zone goes alone): its rows are written as they come, without
            // a copy of the whole zone in memory.
            const Domain& d = domains[at];
            Name apex = apex_of(d);
            std::string soa = soa_rdata(d);
            w.begin(apex, dns::rrtype::AXFR);
            w.add(apex.wire(), dns::rrtype::SOA, d.soa.ttl, soa);
            for (; have; have = r.next()) {
                std::string owner = r.str(2), packed = r.str(5);
                add_rrset(d, owner, uint16_t(r.u64(3)), uint32_t(r.u64(4)), packed);
            }
            w.add(apex.wire(), dns::rrtype::SOA, d.soa.ttl, soa);
            w.end();
            continue;
        }
        // Rows come in domain_id order; write the domains of the batch in the caller's order.
        struct Span {
            std::vector<std::tuple<std::string, uint16_t, uint32_t, std::string>> rrsets;
        };
        std::unordered_map<uint64_t, Span> by_id;
        while (have) {
            uint64_t id = r.u64(1);
            by_id[id].rrsets.emplace_back(r.str(2), uint16_t(r.u64(3)), uint32_t(r.u64(4)),
                                          r.str(5));
            have = r.next();
        }
        for (size_t i = at; i < at + n; ++i) {
            const Domain& d = domains[i];
            Name apex = apex_of(d);
            std::string soa = soa_rdata(d);
            w.begin(apex, dns::rrtype::AXFR);
            w.add(apex.wire(), dns::rrtype::SOA, d.soa.ttl, soa);
            auto it = by_id.find(d.id);
            if (it != by_id.end())
                for (const auto& [owner, type, ttl, packed] : it->second.rrsets)
                    add_rrset(d, owner, type, ttl, packed);
            w.add(apex.wire(), dns::rrtype::SOA, d.soa.ttl, soa);
            w.end();
            by_id.erase(d.id); // a domain given twice is written once with records, then bare
        }
    }
}

bool write_delta(Conn& c, const Domain& d, uint32_t from, zone::StreamWriter& w,
                 size_t max_octets) {
    if (from == 0 || !dns::serial_later(d.serial, from)) return false;
    uint32_t steps = d.serial - from; // RFC 1982: the distance forward
    if (steps > 100000) return false;
    Rows r = c.prepare("SELECT serial_from, serial_to, removed, added, kind FROM changes "
                       "WHERE domain_id = ? AND serial_to > ? AND serial_to <= ? "
                       "ORDER BY serial_to")
                 .add(d.id)
                 .add(uint64_t(from))
                 .add(uint64_t(d.serial))
                 .query();
    struct Step {
        uint32_t from, to;
        std::string removed, added;
    };
    std::vector<Step> chain;
    size_t octets = 0;
    uint32_t at = from;
    while (r.next()) {
        Step s{uint32_t(r.u64(1)), uint32_t(r.u64(2)), r.str(3), r.str(4)};
        if (s.from != at || r.str(5) != "update") return false;
        octets += s.removed.size() + s.added.size();
        if (octets > max_octets) return false;
        at = s.to;
        chain.push_back(std::move(s));
    }
    if (at != d.serial || chain.empty()) return false; // serials wrapped, or a gap
    Name apex = apex_of(d);
    w.begin(apex, dns::rrtype::IXFR);
    w.add(apex.wire(), dns::rrtype::SOA, d.soa.ttl, soa_at(d, d.serial));
    for (const Step& s : chain) {
        w.add(apex.wire(), dns::rrtype::SOA, d.soa.ttl, soa_at(d, s.from));
        add_wire_rrs(s.removed, d, w);
        w.add(apex.wire(), dns::rrtype::SOA, d.soa.ttl, soa_at(d, s.to));
        add_wire_rrs(s.added, d, w);
    }
    w.add(apex.wire(), dns::rrtype::SOA, d.soa.ttl, soa_at(d, d.serial));
    w.end();
    return true;
}

std::string zone_stream(Conn& c, const Domain& d) {
    std::string out;
    zone::StreamWriter w([&](std::string_view m) { out.append(m); });
    write_zones(c, {d}, w);
    return out;
}

} // namespace endpointdns::store
