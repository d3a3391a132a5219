// SPDX-License-Identifier: MIT
// Zone differences by one merge walk over two canonical orders; application by filter and merge.
#include "zone/delta.hpp"

#include "error.hpp"

#include <unordered_map>

namespace endpointdns::zone {

namespace rrtype = dns::rrtype;

namespace {

// Identity of a record for IXFR purposes (RFC 1995): owner and names ignore case, TTL does not
// count.
std::string record_key(std::string_view owner, uint16_t type, std::string_view rdata) {
    std::string k;
    k.reserve(owner.size() + 2 + rdata.size());
    for (char c : owner) k.push_back(char(dns::ascii_lower(uint8_t(c))));
    dns::put16(k, type);
    std::string canon;
    k.append(dns::canonical_rdata(type, rdata, canon) ? std::string_view(canon) : rdata);
    return k;
}

int compare_rrset(const Zone& a, size_t i, const Zone& b, size_t j) {
    RrView x = a.at(i), y = b.at(j);
    int c = dns::canonical_compare(x.owner, y.owner);
    if (c) return c;
    return x.type < y.type ? -1 : (x.type > y.type ? 1 : 0);
}

bool is_apex_soa(const Zone& z, const RrView& r) {
    return r.type == rrtype::SOA && Name::equal_ci(r.owner, z.origin().wire());
}

} // namespace

Delta diff_zones(const Zone& from, const Zone& to) {
    if (from.origin() != to.origin())
        throw Error(ex_dataerr, "cannot diff zones " + from.origin().to_text() + " and " +
                                    to.origin().to_text());
    auto fs = from.soa(), ts = to.soa();
    if (!fs || !ts) throw Error(ex_dataerr, "zone " + from.origin().to_text() + " has no SOA");
    Delta d;
    d.origin = to.origin();
    DeltaStep step;
    step.from_soa = fs->to_rr();
    step.to_soa = ts->to_rr();
    // Exact identity for the walk: a TTL or letter-case change is a removal plus an addition.
    auto same = [](const RrView& x, const RrView& y) {
        return x.owner == y.owner && x.ttl == y.ttl && x.rdata == y.rdata;
    };
    size_t i = 0, j = 0;
    while (i < from.size() || j < to.size()) {
        int c = i >= from.size() ? 1 : j >= to.size() ? -1 : compare_rrset(from, i, to, j);
        if (c < 0) {
            for (size_t e = from.rrset_end(i); i < e; ++i)
                if (!is_apex_soa(from, from.at(i))) step.removed.push_back(from.at(i).to_rr());
        } else if (c > 0) {
            for (size_t e = to.rrset_end(j); j < e; ++j)
                if (!is_apex_soa(to, to.at(j))) step.added.push_back(to.at(j).to_rr());
        } else {
            size_t ie = from.rrset_end(i), je = to.rrset_end(j);
            if (!is_apex_soa(from, from.at(i))) {
                // Both RRsets are in canonical RDATA order without duplicates: one merge walk
                // pairs the records, so a large RRset is not compared record by record.
                size_t x = i, y = j;
                while (x < ie || y < je) {
                    int rc = x >= ie   ? 1
                             : y >= je ? -1
                                       : dns::compare_rdata(from.at(x).type, from.at(x).rdata,
                                                            to.at(y).rdata);
                    if (rc <= 0 && (rc < 0 || !same(from.at(x), to.at(y))))
                        step.removed.push_back(from.at(x).to_rr());
                    if (rc >= 0 && (rc > 0 || !same(from.at(x), to.at(y))))
                        step.added.push_back(to.at(y).to_rr());
                    if (rc <= 0) ++x;
                    if (rc >= 0) ++y;
                }
            }
            i = ie;
            j = je;
        }
    }
    auto from_serial = dns::parse_soa(step.from_soa.rdata),
         to_serial = dns::parse_soa(step.to_soa.rdata);
    if (from_serial && to_serial && from_serial->serial == to_serial->serial) {
        if (step.removed.empty() && step.added.empty() && step.from_soa == step.to_soa)
            return d; // nothing changed: a delta without steps
        // An IXFR step must change the serial (RFC 1995); without it readers cannot tell the
        // step's SOA from the closing one.
        throw Error(ex_dataerr, "zone " + to.origin().to_text() + " changed but its serial " +
                                    std::to_string(to_serial->serial) + " did not");
    }
    // ... and move it forward (RFC 1982), or secondaries keep the old data.
    if (from_serial && to_serial && !dns::serial_later(to_serial->serial, from_serial->serial))
        throw Error(ex_dataerr, "zone " + to.origin().to_text() + " serial " +
                                    std::to_string(to_serial->serial) + " is not later than " +
                                    std::to_string(from_serial->serial));
    d.steps.push_back(std::move(step));
    return d;
}

Result<Zone> apply_delta(const Zone& zone, const Delta& delta) {
    if (delta.origin != zone.origin())
        return fail("delta for " + delta.origin.to_text() + " cannot apply to zone " +
                    zone.origin().to_text());
    auto serial = zone.serial();
    if (!serial) return fail("zone " + zone.origin().to_text() + " has no SOA");
    if (delta.steps.empty()) return fail("delta has no steps");
    if (delta.from_serial() != *serial)
        return fail("delta starts at serial " + std::to_string(delta.from_serial()) +
                    " but the zone is at serial " + std::to_string(*serial));
    const Zone* cur = &zone;
    std::optional<Zone> next;
    for (size_t s = 0; s < delta.steps.size(); ++s) {
        const DeltaStep& step = delta.steps[s];
        auto from = dns::parse_soa(step.from_soa.rdata), to = dns::parse_soa(step.to_soa.rdata);
        if (!from || !to)
            return fail("delta step " + std::to_string(s + 1) + " has a malformed SOA");
        if (!dns::serial_later(to->serial, from->serial))
            return fail("delta step " + std::to_string(s + 1) + " goes from serial " +
                        std::to_string(from->serial) + " to serial " + std::to_string(to->serial) +
                        ", which is not later");
        if (s > 0 && step.from_soa.rdata != delta.steps[s - 1].to_soa.rdata)
            return fail("delta step " + std::to_string(s + 1) + " does not start where step " +
                        std::to_string(s) + " ended");
        std::unordered_map<std::string, unsigned> remove;
        for (const Rr& r : step.removed) ++remove[record_key(r.owner.wire(), r.type, r.rdata)];
        Zone out(cur->origin(), cur->rclass());
        out.reserve(cur->size() + step.added.size() + 1, 0, 0);
        // Added records go in first: normalize() gives an RRset the TTL of its first record,
        // so a record added with a new TTL sets the TTL of its whole RRset (as RFC 2136 3.4.2.2
        // does for UPDATE, and as RFC 2181 5.2 requires RRsets to have one TTL).
        out.add(step.to_soa);
        for (const Rr& r : step.added) out.add(r);
        for (size_t i = 0; i < cur->size(); ++i) {
            RrView r = cur->at(i);
            if (is_apex_soa(*cur, r)) continue; // replaced by the step's new SOA
            if (!remove.empty()) {
                auto it = remove.find(record_key(r.owner, r.type, r.rdata));
                if (it != remove.end() && it->second > 0) {
                    --it->second;
                    continue;
                }
            }
            out.add(r.owner, r.type, r.ttl, r.rdata, cur->location(i));
        }
        for (const auto& [key, left] : remove) {
            if (left == 0) continue;
            for (const Rr& r : step.removed)
                if (record_key(r.owner.wire(), r.type, r.rdata) == key)
                    return fail("delta removes " + r.owner.to_text() + " " +
                                dns::type_name(r.type) + ", which is not in the zone");
        }
        out.normalize();
        next = std::move(out);
        cur = &*next;
    }
    return std::move(*next);
}

} // namespace endpointdns::zone
