// SPDX-License-Identifier: MIT
// One pass over the canonical order (a name's subtree follows it), plus a map of NS targets.
#include "zone/check.hpp"

#include "dns/message.hpp"

#include <algorithm>

#include <unordered_map>
#include <unordered_set>

namespace endpointdns::zone {

namespace rrtype = dns::rrtype;

namespace {

struct Checker {
    const Zone& z;
    const Limits& lim;
    Diagnostics& diags;
    size_t errors = 0;

    void add(bool error, size_t i, std::string msg) {
        Location loc = z.location(i);
        diags.push_back({error ? Diagnostic::Severity::error : Diagnostic::Severity::warning,
                         z.where(loc), loc.line, std::move(msg)});
        if (error) ++errors;
    }
    void apex_error(std::string msg) {
        std::string file = z.files().empty() ? z.origin().to_text() : z.files()[0];
        diags.push_back({Diagnostic::Severity::error, file, 0, std::move(msg)});
        ++errors;
    }
    std::string text(std::string_view wire) const {
        return Name::from_wire_unchecked(wire).to_text();
    }
    static std::string lower(std::string_view wire) {
        std::string s(wire);
        for (auto& c : s) c = char(dns::ascii_lower(uint8_t(c)));
        return s;
    }

    struct Target {
        bool has_address = false;
        bool is_alias = false;
        std::vector<size_t> ns_records;
    };

    void run() {
        const Name& apex = z.origin();
        const size_t n = z.size();
        if (lim.max_records && n > lim.max_records)
            apex_error("zone has " + std::to_string(n) + " records, more than the limit of " +
                       std::to_string(lim.max_records));

        // NS targets and delegation points.
        std::unordered_map<std::string, Target> targets;
        std::unordered_set<std::string> cuts;
        for (size_t i = 0; i < n; ++i) {
            RrView r = z.at(i);
            if (r.type != rrtype::NS) continue;
            targets[lower(r.rdata)].ns_records.push_back(i);
            if (!Name::equal_ci(r.owner, apex.wire())) cuts.insert(lower(r.owner));
        }

        bool apex_soa = false, apex_ns = false;
        std::string lowered;
        std::optional<Name> cut, dname;
        const size_t max_rrset = dns::max_message - dns::header_size - apex.wire_size() - 4;
        for (size_t s = 0; s < n;) {
            size_t e = s;
            while (e < n && z.same_owner(s, e)) ++e;
            RrView first = z.at(s);
            std::string_view ow = first.owner;
            // The owner as a Name only for messages; most owners never need one.
            struct Lazy {
                std::string_view w;
                std::optional<Name> n;
                std::string to_text() {
                    if (!n) n = Name::from_wire_unchecked(w);
                    return n->to_text();
                }
            } owner{ow, {}};
            bool at_apex = Name::equal_ci(ow, apex.wire());
            if (!dns::is_subdomain(ow, apex.wire())) {
                for (size_t i = s; i < e; ++i)
                    add(true, i,
                        "record " + owner.to_text() + " " + dns::type_name(z.at(i).type) +
                            " is outside the zone " + apex.to_text());
                s = e;
                continue;
            }
            if (cut && !dns::is_subdomain(ow, cut->wire())) cut.reset();
            if (dname && !dns::is_subdomain(ow, dname->wire())) dname.reset();
            bool below_cut = cut && !Name::equal_ci(ow, cut->wire());
            if (dname && !Name::equal_ci(ow, dname->wire()))
                add(true, s,
                    "record " + owner.to_text() + " is below the DNAME at " + dname->to_text());

            unsigned cname = 0, dnames = 0, soas = 0, other = 0;
            bool has_ns = false, has_addr = false;
            // The record a finding is reported at: for a repeated type, the later one in the file.
            size_t cname_at = s, cname2_at = s, dname2_at = s, soa_at = s, soa2_at = s;
            auto later = [&](size_t a, size_t b) {
                return z.location(b).line > z.location(a).line ? b : a;
            };
            for (size_t i = s; i < e; ++i) {
                RrView r = z.at(i);
                switch (r.type) {
                case rrtype::CNAME:
                    if (cname++ == 0)
                        cname_at = cname2_at = i;
                    else
                        cname2_at = later(cname2_at, i);
                    break;
                case rrtype::DNAME:
                    if (dnames++ > 0)
                        dname2_at = later(dname2_at, i);
                    else
                        dname2_at = i;
                    ++other;
                    break;
                case rrtype::SOA:
                    if (soas++ == 0)
                        soa_at = soa2_at = i;
                    else
                        soa2_at = later(soa2_at, i);
                    ++other;
                    break;
                case rrtype::NS:
                    has_ns = true;
                    ++other;
                    break;
                case rrtype::A:
                case rrtype::AAAA:
                    has_addr = true;
                    ++other;
                    break;
                case rrtype::RRSIG:
                case rrtype::NSEC:
                    break;
                default:
                    ++other;
                }
                if (!dns::is_data_type(r.type))
                    add(true, i,
                        dns::type_name(r.type) + " at " + owner.to_text() +
                            " is a meta type, not data (RFC 6895 3.1)");
                if (r.ttl > lim.max_ttl || r.ttl > 2147483647u)
                    add(true, i,
                        "TTL " + std::to_string(r.ttl) + " of " + owner.to_text() + " " +
                            dns::type_name(r.type) + " is above the maximum of " +
                            std::to_string(std::min<uint32_t>(lim.max_ttl, 2147483647u)));
                else if (r.ttl < lim.min_ttl)
                    add(true, i,
                        "TTL " + std::to_string(r.ttl) + " of " + owner.to_text() + " " +
                            dns::type_name(r.type) + " is below the minimum of " +
                            std::to_string(lim.min_ttl));
            }
            // RRset sizes: each must fit one message of the zone stream.
            for (size_t i = s; i < e;) {
                size_t end = z.rrset_end(i), size = first.owner.size() - 2;
                for (size_t k = i; k < end; ++k) size += 2 + 10 + z.at(k).rdata.size();
                if (size > max_rrset)
                    add(true, i,
                        "RRset " + owner.to_text() + " " + dns::type_name(z.at(i).type) +
                            " is too large for one DNS message (" + std::to_string(size) +
                            " octets)");
                i = end;
            }
            if (soas) {
                if (!at_apex)
                    add(true, soa_at, "SOA record at " + owner.to_text() + ", not at the apex");
                else if (soas > 1)
                    add(true, soa2_at, "more than one SOA record at the apex");
                apex_soa = apex_soa || at_apex;
            }
            if (at_apex && has_ns) apex_ns = true;
            if (cname) {
                if (at_apex) add(true, cname_at, "CNAME at the zone apex " + owner.to_text());
                if (cname > 1)
                    add(true, cname2_at, "more than one CNAME record at " + owner.to_text());
                if (other)
                    add(true, cname_at,
                        "CNAME at " + owner.to_text() + " has other data beside it");
            }
            if (dnames > 1)
                add(true, dname2_at, "more than one DNAME record at " + owner.to_text());
            if ((has_addr || cname) && !targets.empty()) {
                lowered.assign(ow);
                for (auto& c : lowered) c = char(dns::ascii_lower(uint8_t(c)));
                auto t = targets.find(lowered);
                if (t != targets.end()) {
                    t->second.has_address = t->second.has_address || has_addr;
                    t->second.is_alias = t->second.is_alias || cname;
                } else if (has_addr && below_cut) {
                    add(false, s, "glue " + owner.to_text() + " is not used by any NS record");
                }
            } else if (has_addr && below_cut) {
                add(false, s, "glue " + owner.to_text() + " is not used by any NS record");
            }
            if (below_cut) {
                for (size_t i = s; i < e; ++i) {
                    uint16_t t = z.at(i).type;
                    if (t != rrtype::A && t != rrtype::AAAA) {
                        add(false, i,
                            "record " + owner.to_text() + " " + dns::type_name(t) +
                                " is below the delegation at " + cut->to_text() +
                                " and will not be served");
                    }
                }
            }
            if (!cut && has_ns && !at_apex) cut = Name::from_wire_unchecked(ow);
            if (!dname && dnames) dname = Name::from_wire_unchecked(ow);
            s = e;
        }
        if (!apex_soa) apex_error("no SOA record at the zone apex " + apex.to_text());
        if (!apex_ns) apex_error("no NS records at the zone apex " + apex.to_text());

        // Glue: an NS target inside a delegated part of this zone needs an address here.
        // Walk the NS records in zone order so that diagnostics come out in a stable order.
        for (size_t i = 0; i < n; ++i) {
            RrView r = z.at(i);
            if (r.type != rrtype::NS) continue;
            const Target& t = targets[lower(r.rdata)];
            if (t.has_address) continue;
            Name target = Name::from_wire_unchecked(r.rdata);
            if (!target.is_subdomain_of(apex)) continue;
            std::optional<Name> under;
            for (Name a = target; a != apex && !a.is_root(); a = a.parent())
                if (cuts.count(lower(a.wire()))) under = a;
            std::string ns_owner = text(r.owner);
            if (under)
                add(true, i,
                    "missing glue: NS " + target.to_text() + " of " + ns_owner +
                        " is inside the delegation " + under->to_text() +
                        " but has no A or AAAA record");
            else if (t.is_alias)
                add(false, i,
                    "NS " + target.to_text() + " of " + ns_owner + " is a CNAME (RFC 2181 10.3)");
            else
                add(false, i,
                    "NS " + target.to_text() + " of " + ns_owner +
                        " is inside the zone but has no A or AAAA record");
        }
    }
};

} // namespace

size_t check_zone(const Zone& zone, const Limits& limits, Diagnostics& diags) {
    Checker c{zone, limits, diags};
    c.run();
    return c.errors;
}

} // namespace endpointdns::zone
