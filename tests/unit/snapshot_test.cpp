// SPDX-License-Identifier: MIT
// Unit tests of lib/serve/snapshot: ServeZone build and apply against the reference apply_delta.
#include "serve/snapshot.hpp"

#include "zone/delta.hpp"
#include "zone/text.hpp"
#include "zone/zonefile.hpp"

#include "test_util.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <vector>

namespace dns = endpointdns::dns;
namespace rrtype = endpointdns::dns::rrtype;
using dns::Name;
using dns::Rr;
using endpointdns::serve::NodeView;
using endpointdns::serve::Published;
using endpointdns::serve::Reader;
using endpointdns::serve::RrsetView;
using endpointdns::serve::ServeZone;
using endpointdns::serve::ZoneSet;
using endpointdns::zone::apply_delta;
using endpointdns::zone::Delta;
using endpointdns::zone::DeltaStep;
using endpointdns::zone::Zone;
using namespace endpointdns::test;

namespace {

using ZonePtr = std::shared_ptr<const ServeZone>;

ZonePtr build_ok(const Zone& z) {
    auto r = ServeZone::build(z);
    EXPECT_TRUE(r.ok()) << r.error();
    return r.ok() ? *r : nullptr;
}

std::string lower(std::string_view wire) {
    std::string s(wire);
    for (auto& c : s) {
        c = char(dns::ascii_lower(uint8_t(c)));
    }
    return s;
}

NodeView find(const ServeZone& z, std::string_view text) {
    return z.find(lower(W(text)));
}

// The SOA record of a zone at `serial` (same names and timers as soa_line()).
Rr soa_rr(uint32_t serial, std::string_view origin = "example.com.") {
    std::string o(origin);
    return rr(o, rrtype::SOA, 3600, soa_rdata("ns1." + o, "hostmaster." + o, serial));
}

// A one-step delta from `from` to `from + 1` with the given changes.
Delta step_delta(uint32_t from, std::vector<Rr> removed, std::vector<Rr> added,
                 std::string_view origin = "example.com.") {
    Delta d;
    d.origin = N(origin);
    DeltaStep s;
    s.from_soa = soa_rr(from, origin);
    s.to_soa = soa_rr(from + 1, origin);
    s.removed = std::move(removed);
    s.added = std::move(added);
    d.steps.push_back(std::move(s));
    return d;
}

std::string a_rdata(uint32_t v) {
    return u32(v);
}

const std::string sample = soa_line(1) + "@ 3600 IN NS ns1\n"
                                         "@ 3600 IN NS ns2.example.net.\n"
                                         "ns1 300 IN A 192.0.2.53\n"
                                         "www 300 IN A 192.0.2.80\n"
                                         "www 300 IN A 192.0.2.81\n"
                                         "www 600 IN TXT \"web\"\n"
                                         "a.b.c 300 IN A 192.0.2.1\n" // b.c and c: ENTs
                                         "alias 300 IN CNAME www\n"
                                         "sub 300 IN NS ns.sub\n" // a delegation
                                         "ns.sub 300 IN A 192.0.2.2\n"
                                         "dn 300 IN DNAME example.net.\n"
                                         "*.wild 300 IN A 192.0.2.99\n"
                                         "Mixed 300 IN A 192.0.2.7\n";

// Every node of the fresh build and of the applied version: the same nodes, octet for octet.
void expect_same_nodes(const ServeZone& got, const ServeZone& want) {
    EXPECT_EQ(got.nodes(), want.nodes());
    EXPECT_EQ(got.records(), want.records());
    EXPECT_EQ(got.serial(), want.serial());
    EXPECT_EQ(got.has_cuts(), want.has_cuts());
    EXPECT_EQ(got.has_wildcards(), want.has_wildcards());
    EXPECT_EQ(got.lower_origin(), want.lower_origin());
    size_t seen = 0;
    want.each_node([&](NodeView w) {
        ++seen;
        std::string key = lower(w.owner());
        NodeView g = got.find(key);
        std::string name = Name::from_wire_unchecked(w.owner()).to_text();
        ASSERT_TRUE(g) << "missing node " << name;
        EXPECT_EQ(g.empty_non_terminal(), w.empty_non_terminal()) << name;
        EXPECT_EQ(g.children(), w.children()) << name;
        EXPECT_EQ(g.flags(), w.flags()) << name;
        EXPECT_EQ(g.rrset_count(), w.rrset_count()) << name;
        EXPECT_EQ(g.bytes(), w.bytes()) << name;
    });
    EXPECT_EQ(seen, want.nodes());
    size_t got_nodes = 0;
    got.each_node([&](NodeView g) {
        ++got_nodes;
        EXPECT_TRUE(want.find(lower(g.owner())))
            << "extra node " << Name::from_wire_unchecked(g.owner()).to_text();
    });
    EXPECT_EQ(got_nodes, got.nodes());
    EXPECT_TRUE(got.apex());
    EXPECT_EQ(got.apex().data(), got.find(got.lower_origin()).data());
}

} // namespace

// ---- build ----

TEST(Snapshot, BuildIndexesNodesAndEmptyNonTerminals) {
    Zone z = zone_from(sample);
    ZonePtr s = build_ok(z);
    ASSERT_TRUE(s);
    EXPECT_EQ(s->serial(), 1u);
    EXPECT_EQ(s->records(), z.size());
    // apex, ns1, www, a.b.c, b.c, c, alias, sub, ns.sub, dn, *.wild, wild, Mixed
    EXPECT_EQ(s->nodes(), 13u);
    EXPECT_TRUE(s->has_cuts());
    EXPECT_TRUE(s->has_wildcards());
    EXPECT_TRUE(s->origin().same_case(N("example.com.")));
    EXPECT_EQ(s->lower_origin(), W("example.com."));

    NodeView apex = s->apex();
    ASSERT_TRUE(apex);
    EXPECT_EQ(apex.flags(), NodeView::apex); // NS at the apex is no cut
    EXPECT_EQ(apex.children(), 8u);          // ns1 www c alias sub dn wild mixed
    EXPECT_EQ(apex.rrset_count(), 2u);
    EXPECT_TRUE(apex.find(rrtype::SOA));
    EXPECT_EQ(apex.find(rrtype::NS).count, 2u);

    for (const char* ent : {"b.c.example.com.", "c.example.com.", "wild.example.com."}) {
        NodeView n = find(*s, ent);
        ASSERT_TRUE(n) << ent;
        EXPECT_TRUE(n.empty_non_terminal()) << ent;
        EXPECT_EQ(n.rrset_count(), 0u) << ent;
        EXPECT_EQ(n.children(), 1u) << ent;
        EXPECT_EQ(n.flags(), 0u) << ent;
        EXPECT_FALSE(n.find(rrtype::A)) << ent;
    }
    NodeView leaf = find(*s, "a.b.c.example.com.");
    ASSERT_TRUE(leaf);
    EXPECT_FALSE(leaf.empty_non_terminal());
    EXPECT_EQ(leaf.children(), 0u);

    EXPECT_EQ(find(*s, "sub.example.com.").flags(), NodeView::delegation);
    EXPECT_EQ(find(*s, "dn.example.com.").flags(), NodeView::dname);
    EXPECT_EQ(find(*s, "alias.example.com.").flags(), NodeView::cname);
    EXPECT_EQ(find(*s, "www.example.com.").flags(), 0u);
    EXPECT_EQ(find(*s, "sub.example.com.").children(), 1u);

    EXPECT_FALSE(find(*s, "nothere.example.com."));
    EXPECT_FALSE(find(*s, "x.wild.example.com.")); // the wildcard is a node, not a match
    EXPECT_FALSE(find(*s, "example.net."));
    EXPECT_FALSE(find(*s, "com."));
}

TEST(Snapshot, NodesKeepTheOwnerCaseAndAreFoundByLowerCase) {
    ZonePtr s = build_ok(zone_from(sample));
    NodeView n = find(*s, "mixed.example.com.");
    ASSERT_TRUE(n);
    EXPECT_EQ(n.owner(), W("Mixed.example.com."));
    // find() takes the lower-case wire form only.
    EXPECT_FALSE(s->find(W("Mixed.example.com.")));
}

TEST(Snapshot, RrsetsAreStoredInWireForm) {
    ZonePtr s = build_ok(zone_from(sample));
    NodeView www = find(*s, "www.example.com.");
    ASSERT_TRUE(www);
    EXPECT_EQ(www.rrset_count(), 2u);
    std::vector<uint16_t> types;
    www.each([&](const RrsetView& v) {
        types.push_back(v.type);
        return true;
    });
    EXPECT_EQ(types, (std::vector<uint16_t>{rrtype::A, rrtype::TXT}));
    RrsetView a = www.find(rrtype::A);
    EXPECT_EQ(a.count, 2u);
    EXPECT_EQ(a.ttl, 300u);
    // [C0 0C][type][class][ttl][rdlength][rdata], per record, RDATA in canonical order.
    std::string rec =
        bytes({0xC0, 0x0C}) + u16(rrtype::A) + u16(dns::rrclass::IN) + u32(300) + u16(4);
    EXPECT_EQ(a.wire, rec + bytes({192, 0, 2, 80}) + rec + bytes({192, 0, 2, 81}));
    RrsetView t = www.find(rrtype::TXT);
    EXPECT_EQ(t.count, 1u);
    EXPECT_EQ(t.ttl, 600u);
    EXPECT_FALSE(www.find(rrtype::AAAA));
    // each() stops when told to.
    int calls = 0;
    www.each([&](const RrsetView&) {
        ++calls;
        return false;
    });
    EXPECT_EQ(calls, 1);
}

TEST(Snapshot, ToZoneRoundTripsExactly) {
    for (const std::string& text :
         {sample, soa_line(7) + "@ 3600 IN NS ns1\n",
          soa_line(2) + "@ 3600 IN NS ns1\nx.y.z.deep 60 IN TXT \"a\" \"b\"\n"
                        "HOST 300 IN AAAA 2001:db8::1\n_srv._tcp 300 IN SRV 0 0 1 HOST\n"}) {
        Zone z = zone_from(text);
        ZonePtr s = build_ok(z);
        ASSERT_TRUE(s);
        Zone back = s->to_zone();
        EXPECT_TRUE(back.normalized());
        expect_same_zone(back, z);
    }
}

TEST(Snapshot, BuildKeepsTheOriginCase) {
    Zone z = zone_from(soa_line(1) + "@ 3600 IN NS ns1\nwww 300 IN A 192.0.2.1\n", "Example.COM.");
    ZonePtr s = build_ok(z);
    ASSERT_TRUE(s);
    EXPECT_TRUE(s->origin().same_case(N("Example.COM.")));
    EXPECT_EQ(s->lower_origin(), W("example.com."));
    expect_same_zone(s->to_zone(), z);
}

TEST(Snapshot, LargeZoneSpreadOverShards) {
    std::string text = soa_line(3) + "@ 3600 IN NS ns1\n";
    for (int i = 0; i < 3000; ++i) {
        text += "h" + std::to_string(i) + ".g" + std::to_string(i % 37) + " 300 IN A 10.0." +
                std::to_string(i / 256) + "." + std::to_string(i % 256) + "\n";
    }
    Zone z = zone_from(text);
    ZonePtr s = build_ok(z);
    ASSERT_TRUE(s);
    EXPECT_EQ(s->nodes(), 1u + 3000 + 37);
    EXPECT_EQ(find(*s, "g5.example.com.").children(), 3000u / 37 + (5 < 3000 % 37));
    for (int i = 0; i < 3000; i += 7) {
        std::string n = "h" + std::to_string(i) + ".g" + std::to_string(i % 37) + ".example.com.";
        ASSERT_TRUE(find(*s, n)) << n;
    }
    expect_same_zone(s->to_zone(), z);
}

TEST(Snapshot, BuildFailsWithoutSoa) {
    Zone z = zone_from("@ 3600 IN NS ns1\nwww 300 IN A 192.0.2.1\n");
    auto r = ServeZone::build(z);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().find("SOA"), std::string::npos) << r.error();
    EXPECT_NE(r.error().find("example.com."), std::string::npos) << r.error();
}

TEST(Snapshot, BuildFailsOnARecordOutsideTheZone) {
    Zone z(N("example.com."));
    z.add(soa_rr(1));
    z.add(rr("example.com.", rrtype::NS, 3600, W("ns1.example.com.")));
    z.add(rr("www.example.org.", rrtype::A, 300, a_rdata(1)));
    z.normalize();
    auto r = ServeZone::build(z);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().find("www.example.org."), std::string::npos) << r.error();
    EXPECT_NE(r.error().find("outside"), std::string::npos) << r.error();
}

// ---- apply: fixed cases ----

TEST(Snapshot, ApplyMatchesTheReference) {
    Zone z = zone_from(sample);
    Delta d = step_delta(1,
                         {rr("www.example.com.", rrtype::A, 300, a_rdata(0xC0000251)),
                          rr("a.b.c.example.com.", rrtype::A, 300, a_rdata(0xC0000201)),
                          rr("sub.example.com.", rrtype::NS, 300, W("ns.sub.example.com.")),
                          rr("ns.sub.example.com.", rrtype::A, 300, a_rdata(0xC0000202))},
                         {rr("www.example.com.", rrtype::A, 60, a_rdata(0xC0000252)),
                          rr("new.deep.er.example.com.", rrtype::AAAA, 300, std::string(16, 'x')),
                          rr("*.example.com.", rrtype::TXT, 300, txt({"wild"})),
                          rr("cut.example.com.", rrtype::NS, 300, W("ns.example.net."))});
    auto want = apply_delta(z, d);
    ASSERT_TRUE(want.ok()) << want.error();
    ZonePtr s = build_ok(z);
    auto got = s->apply(d);
    ASSERT_TRUE(got.ok()) << got.error();
    expect_same_zone((*got)->to_zone(), *want);
    expect_same_nodes(**got, *build_ok(*want));
    // The ENTs of a.b.c went with it, the new name brought its own.
    EXPECT_FALSE(find(**got, "b.c.example.com."));
    EXPECT_FALSE(find(**got, "c.example.com."));
    EXPECT_TRUE(find(**got, "er.example.com.").empty_non_terminal());
    EXPECT_EQ(find(**got, "cut.example.com.").flags(), NodeView::delegation);
    EXPECT_FALSE(find(**got, "sub.example.com."));
    EXPECT_EQ((*got)->serial(), 2u);
    // TTL change: the added record's TTL becomes the RRset's.
    EXPECT_EQ(find(**got, "www.example.com.").find(rrtype::A).ttl, 60u);
    // The old version is untouched.
    expect_same_zone(s->to_zone(), z);
    expect_same_nodes(*s, *build_ok(z));
}

TEST(Snapshot, ApplyTakesTheOwnerCaseOfAReplacedName) {
    // diff_zones turns an owner's case change into a removal and an addition (delta_test).
    Zone z = zone_from(sample);
    Delta d = step_delta(1, {rr("Mixed.example.com.", rrtype::A, 300, a_rdata(0xC0000207))},
                         {rr("mixed.example.com.", rrtype::A, 300, a_rdata(0xC0000207))});
    auto want = apply_delta(z, d);
    ASSERT_TRUE(want.ok()) << want.error();
    auto got = build_ok(z)->apply(d);
    ASSERT_TRUE(got.ok()) << got.error();
    expect_same_zone((*got)->to_zone(), *want);
    EXPECT_EQ(find(**got, "mixed.example.com.").owner(), W("mixed.example.com."));
}

TEST(Snapshot, ApplySeveralSteps) {
    Zone z = zone_from(sample);
    Delta d = step_delta(1, {}, {rr("one.example.com.", rrtype::A, 300, a_rdata(1))});
    Delta d2 = step_delta(2, {rr("one.example.com.", rrtype::A, 300, a_rdata(1))},
                          {rr("two.example.com.", rrtype::A, 300, a_rdata(2))});
    d.steps.push_back(d2.steps[0]);
    auto want = apply_delta(z, d);
    ASSERT_TRUE(want.ok()) << want.error();
    auto got = build_ok(z)->apply(d);
    ASSERT_TRUE(got.ok()) << got.error();
    EXPECT_EQ((*got)->serial(), 3u);
    expect_same_zone((*got)->to_zone(), *want);
    expect_same_nodes(**got, *build_ok(*want));
}

TEST(Snapshot, RemovingTheLastNameUnderAnEntRemovesTheEnt) {
    Zone z = zone_from(soa_line(1) + "@ 3600 IN NS ns1\n"
                                     "x.y.z 300 IN A 192.0.2.1\n"
                                     "w.z 300 IN A 192.0.2.2\n");
    ZonePtr s = build_ok(z);
    EXPECT_TRUE(find(*s, "y.z.example.com.").empty_non_terminal());
    EXPECT_EQ(find(*s, "z.example.com.").children(), 2u);
    auto got = s->apply(
        step_delta(1, {rr("x.y.z.example.com.", rrtype::A, 300, a_rdata(0xC0000201))}, {}));
    ASSERT_TRUE(got.ok()) << got.error();
    EXPECT_FALSE(find(**got, "x.y.z.example.com."));
    EXPECT_FALSE(find(**got, "y.z.example.com."));
    EXPECT_EQ(find(**got, "z.example.com.").children(), 1u);
    EXPECT_EQ((*got)->nodes(), s->nodes() - 2);
    auto gone = (*got)->apply(
        step_delta(2, {rr("w.z.example.com.", rrtype::A, 300, a_rdata(0xC0000202))}, {}));
    ASSERT_TRUE(gone.ok()) << gone.error();
    EXPECT_FALSE(find(**gone, "z.example.com."));
    EXPECT_EQ((*gone)->nodes(), 1u);
    EXPECT_EQ((*gone)->apex().children(), 0u);
    // An ENT that gains records stops being one.
    auto filled =
        s->apply(step_delta(1, {}, {rr("y.z.example.com.", rrtype::TXT, 300, txt({"t"}))}));
    ASSERT_TRUE(filled.ok()) << filled.error();
    EXPECT_FALSE(find(**filled, "y.z.example.com.").empty_non_terminal());
    EXPECT_EQ(find(**filled, "y.z.example.com.").children(), 1u);
    EXPECT_EQ((*filled)->nodes(), s->nodes());
}

// ---- apply: refusals ----

namespace {

void expect_refused(const Zone& z, const Delta& d, std::string_view starts_with = "") {
    ZonePtr s = build_ok(z);
    ASSERT_TRUE(s);
    auto r = s->apply(d);
    ASSERT_FALSE(r.ok());
    EXPECT_FALSE(r.error().empty());
    if (!starts_with.empty()) {
        EXPECT_EQ(r.error().substr(0, starts_with.size()), starts_with) << r.error();
    }
    // Nothing changed: the version still serves the zone it was built from.
    expect_same_zone(s->to_zone(), z);
    expect_same_nodes(*s, *build_ok(z));
}

} // namespace

TEST(Snapshot, ApplyRefusesASerialMismatch) {
    Zone z = zone_from(sample);
    expect_refused(z, step_delta(5, {}, {rr("x.example.com.", rrtype::A, 300, a_rdata(1))}),
                   "serial");
    // The reference refuses it too.
    EXPECT_FALSE(apply_delta(z, step_delta(5, {}, {})).ok());
}

TEST(Snapshot, ApplyRefusesASerialThatDoesNotMoveForward) {
    Zone z = zone_from(sample);
    Delta d = step_delta(1, {}, {rr("x.example.com.", rrtype::A, 300, a_rdata(1))});
    d.steps[0].to_soa = soa_rr(1);
    expect_refused(z, d);
}

TEST(Snapshot, ApplyRefusesRemovingAMissingRecord) {
    Zone z = zone_from(sample);
    expect_refused(z, step_delta(1, {rr("www.example.com.", rrtype::A, 300, a_rdata(1))}, {}));
    expect_refused(z, step_delta(1, {rr("nothere.example.com.", rrtype::A, 300, a_rdata(1))}, {}));
    EXPECT_FALSE(
        apply_delta(z, step_delta(1, {rr("www.example.com.", rrtype::A, 300, a_rdata(1))}, {}))
            .ok());
}

TEST(Snapshot, ApplyRefusesACnameBesideOtherData) {
    Zone z = zone_from(sample);
    expect_refused(
        z, step_delta(1, {}, {rr("www.example.com.", rrtype::CNAME, 300, W("x.example.com."))}));
    expect_refused(z, step_delta(1, {}, {rr("alias.example.com.", rrtype::A, 300, a_rdata(1))}));
}

// A second CNAME (or DNAME) at a name would leave the responder two targets to follow.
TEST(Snapshot, ApplyRefusesASecondCnameOrDname) {
    Zone z = zone_from(sample);
    expect_refused(
        z, step_delta(1, {}, {rr("alias.example.com.", rrtype::CNAME, 300, W("x.example.com."))}));
    expect_refused(z, step_delta(1, {},
                                 {rr("d.example.com.", rrtype::DNAME, 300, W("a.example.net.")),
                                  rr("d.example.com.", rrtype::DNAME, 300, W("b.example.net."))}));
    // Replacing the one CNAME in the same step is fine.
    auto ok = build_ok(z)->apply(
        step_delta(1, {rr("alias.example.com.", rrtype::CNAME, 300, W("www.example.com."))},
                   {rr("alias.example.com.", rrtype::CNAME, 300, W("x.example.com."))}));
    EXPECT_TRUE(ok.ok()) << (ok.ok() ? "" : ok.error());
}

TEST(Snapshot, ApplyRefusesRemovingEveryApexNs) {
    Zone z = zone_from(sample);
    expect_refused(z, step_delta(1,
                                 {rr("example.com.", rrtype::NS, 3600, W("ns1.example.com.")),
                                  rr("example.com.", rrtype::NS, 3600, W("ns2.example.net."))},
                                 {}));
    // One of two is fine.
    auto ok = build_ok(z)->apply(
        step_delta(1, {rr("example.com.", rrtype::NS, 3600, W("ns2.example.net."))}, {}));
    EXPECT_TRUE(ok.ok()) << (ok.ok() ? "" : ok.error());
}

TEST(Snapshot, ApplyRefusesAnSoaOffTheApex) {
    Zone z = zone_from(sample);
    expect_refused(z, step_delta(1, {},
                                 {rr("www.example.com.", rrtype::SOA, 300,
                                     soa_rdata("ns1.example.com.", "h.example.com.", 9))}));
}

TEST(Snapshot, ApplyRefusesARecordOutsideTheZone) {
    Zone z = zone_from(sample);
    expect_refused(z, step_delta(1, {}, {rr("www.example.org.", rrtype::A, 300, a_rdata(1))}));
    expect_refused(z, step_delta(1, {}, {rr("com.", rrtype::A, 300, a_rdata(1))}));
}

TEST(Snapshot, ApplyRefusesADeltaOfAnotherZone) {
    Zone z = zone_from(sample);
    expect_refused(z, step_delta(1, {}, {}, "example.org."));
    Delta none;
    none.origin = N("example.com.");
    expect_refused(z, none);
}

// ---- apply: property test against the reference ----

namespace {

// Random zones and deltas over a small name space, so deltas hit existing names, ENTs,
// delegations and wildcards often. Every owner is lower case (a ServeZone node keeps one
// spelling per name; see ApplyTakesTheOwnerCaseOfAReplacedName for case changes), CNAMEs live
// only on the cn* names (a CNAME beside other data is refused by design), the apex NS RRset
// is never emptied and no step adds an SOA: every delta generated here must apply.
class Gen {
public:
    explicit Gen(uint32_t seed) : rng_(seed) {}

    size_t pick(size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(rng_); }
    bool chance(int percent) { return int(pick(100)) < percent; }

    std::string name(int max_depth = 4) {
        static const char* labels[] = {"a", "b", "c", "www", "mail", "x", "y", "*", "sub", "dn"};
        int depth = 1 + int(pick(size_t(max_depth)));
        std::string n;
        for (int i = 0; i < depth; ++i) {
            const char* l = labels[pick(std::size(labels))];
            if (std::string_view(l) == "*" && i > 0) {
                l = "w"; // a wildcard label only first
            }
            n += std::string(l) + ".";
        }
        return n + "example.com.";
    }
    std::string fresh_name() { return "n" + std::to_string(fresh_++) + "." + name(3); }

    // A record at `owner` of a type allowed there (no CNAME, no SOA).
    Rr record(const std::string& owner) {
        uint32_t ttl = ttls_[pick(std::size(ttls_))];
        switch (pick(7)) {
        case 0:
            return rr(owner, rrtype::AAAA, ttl, std::string(15, '\x20') + char(pick(4)));
        case 1:
            return rr(owner, rrtype::TXT, ttl, txt({"t" + std::to_string(pick(5))}));
        case 2:
            return rr(owner, rrtype::MX, ttl, u16(uint16_t(pick(3))) + W(name(2)));
        case 3:
            return rr(owner, rrtype::NS, ttl, W("ns" + std::to_string(pick(3)) + ".example.net."));
        case 4:
            return rr(owner, rrtype::DNAME, ttl,
                      W("t" + std::to_string(pick(2)) + ".example.net."));
        default:
            return rr(owner, rrtype::A, ttl, a_rdata(0x0A000000 + uint32_t(pick(6))));
        }
    }
    Rr cname(const std::string& owner) { return rr(owner, rrtype::CNAME, 300, W(name(2))); }
    std::string cname_owner() { return "cn" + std::to_string(pick(4)) + ".example.com."; }

    Zone zone(uint32_t serial, size_t records) {
        Zone z(N("example.com."));
        z.add(soa_rr(serial));
        z.add(rr("example.com.", rrtype::NS, 3600, W("ns1.example.com.")));
        z.add(rr("example.com.", rrtype::NS, 3600, W("ns2.example.net.")));
        for (size_t i = 0; i < records; ++i) {
            if (chance(5)) {
                z.add(cname(cname_owner()));
            } else {
                z.add(record(chance(20) ? fresh_name() : name()));
            }
        }
        z.normalize();
        return z;
    }

    // One step from `z` (normalized, with an SOA) to the next serial.
    DeltaStep step(const Zone& z, size_t changes) {
        DeltaStep s;
        uint32_t serial = *z.serial();
        s.from_soa = z.soa()->to_rr();
        s.to_soa = soa_rr(serial + 1 + uint32_t(pick(3)));
        std::set<size_t> removed;
        std::map<std::pair<std::string, uint16_t>, uint32_t> ttl_of; // one TTL per RRset added
        auto removable = [&](size_t i) {
            auto r = z.at(i);
            return !(r.type == rrtype::SOA ||
                     (r.type == rrtype::NS && Name::equal_ci(r.owner, z.origin().wire())));
        };
        for (size_t c = 0; c < changes; ++c) {
            size_t what = pick(100);
            if (what < 35 && z.size() > 3) {
                // Remove a record, sometimes its whole owner.
                size_t i = pick(z.size());
                if (!removable(i)) {
                    continue;
                }
                size_t b = i, e = i + 1;
                if (chance(30)) {
                    while (b > 0 && z.same_owner(b - 1, i)) --b;
                    while (e < z.size() && z.same_owner(e, i)) ++e;
                }
                for (size_t k = b; k < e; ++k) {
                    if (removable(k)) removed.insert(k);
                }
            } else if (what < 50 && z.size() > 3) {
                // TTL change: the record removed and added again with another TTL.
                size_t i = pick(z.size());
                if (!removable(i) || removed.count(i)) {
                    continue;
                }
                Rr r = z.at(i).to_rr();
                removed.insert(i);
                add(s, ttl_of, r, ttls_[pick(std::size(ttls_))]);
            } else if (what < 60) {
                std::string owner = cname_owner();
                // Only where the CNAME would be alone: not already there in the zone.
                bool taken = false;
                for (size_t i = 0; i < z.size() && !taken; ++i) {
                    taken = Name::equal_ci(z.at(i).owner, W(owner));
                }
                for (const auto& a : s.added) taken |= a.owner == N(owner);
                if (!taken) {
                    s.added.push_back(cname(owner));
                }
            } else {
                Rr r = record(chance(40) ? fresh_name() : name());
                add(s, ttl_of, r, r.ttl);
            }
        }
        for (size_t i : removed) {
            s.removed.push_back(z.at(i).to_rr());
        }
        return s;
    }

private:
    void add(DeltaStep& s, std::map<std::pair<std::string, uint16_t>, uint32_t>& ttl_of, Rr r,
             uint32_t ttl) {
        auto key = std::make_pair(std::string(r.owner.wire()), r.type);
        auto it = ttl_of.emplace(key, ttl).first;
        r.ttl = it->second;
        s.added.push_back(std::move(r));
    }

    std::mt19937 rng_;
    int fresh_ = 0;
    static constexpr uint32_t ttls_[] = {60, 300, 3600};
};

// Every name a check should look at: owners, their ancestors, and names that may have gone.
void add_names(std::set<std::string>& names, std::string_view owner) {
    Name n = Name::from_wire_unchecked(owner);
    while (n.label_count() >= 2) {
        names.insert(lower(n.wire()));
        n = n.parent();
    }
}

void expect_same_finds(const ServeZone& got, const ServeZone& want,
                       const std::set<std::string>& names) {
    for (const auto& key : names) {
        NodeView g = got.find(key), w = want.find(key);
        std::string name = Name::from_wire_unchecked(key).to_text();
        ASSERT_EQ(bool(g), bool(w)) << name;
        if (w) {
            EXPECT_EQ(g.empty_non_terminal(), w.empty_non_terminal()) << name;
            EXPECT_EQ(g.bytes(), w.bytes()) << name;
        }
    }
}

// Applies `steps` deltas of `changes` changes each, version after version, to a zone of
// `records` records, checking each version against the reference and a fresh build.
void run_chain(uint32_t seed, size_t records, size_t versions, size_t changes, size_t max_steps) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    Gen g(seed);
    Zone ref = g.zone(1 + uint32_t(g.pick(1000)), records);
    ZonePtr cur = build_ok(ref);
    ASSERT_TRUE(cur);
    std::set<std::string> names;
    for (size_t i = 0; i < ref.size(); ++i) add_names(names, ref.at(i).owner);
    for (size_t v = 0; v < versions; ++v) {
        SCOPED_TRACE("version " + std::to_string(v));
        Delta d;
        d.origin = ref.origin();
        Zone next = ref;
        size_t nsteps = 1 + g.pick(max_steps);
        for (size_t k = 0; k < nsteps; ++k) {
            Delta one;
            one.origin = ref.origin();
            one.steps.push_back(g.step(next, changes));
            auto r = apply_delta(next, one);
            ASSERT_TRUE(r.ok()) << r.error();
            next = std::move(*r);
            d.steps.push_back(std::move(one.steps[0]));
        }
        for (const auto& s : d.steps) {
            for (const auto& r : s.added) add_names(names, r.owner.wire());
        }
        auto want = apply_delta(ref, d);
        ASSERT_TRUE(want.ok()) << want.error();
        auto got = cur->apply(d);
        // The edge refuses two CNAMEs (or DNAMEs) at one name (RFC 2181 10.1, RFC 6672 2.4);
        // the reference does not check data rules. Such a version is skipped.
        // Only the names the delta touches are checked.
        std::set<std::string> touched;
        for (const auto& st : d.steps) {
            for (const auto& r : st.added) touched.insert(r.owner.lowercased().to_text());
            for (const auto& r : st.removed) touched.insert(r.owner.lowercased().to_text());
        }
        bool doubled = false;
        for (size_t i = 0; i + 1 < want->size(); ++i) {
            auto a = want->at(i), b = want->at(i + 1);
            doubled |= a.type == b.type && (a.type == rrtype::CNAME || a.type == rrtype::DNAME) &&
                       Name::equal_ci(a.owner, b.owner) &&
                       touched.count(Name::from_wire_unchecked(a.owner).lowercased().to_text());
        }
        if (doubled) {
            ASSERT_FALSE(got.ok());
            EXPECT_NE(got.error().find("more than one"), std::string::npos) << got.error();
            continue;
        }
        ASSERT_TRUE(got.ok()) << got.error() << "\n" << endpointdns::zone::delta_text(d);
        Zone got_zone = (*got)->to_zone();
        expect_same_zone(got_zone, *want);
        if (::testing::Test::HasFailure()) {
            ADD_FAILURE() << "delta:\n" << endpointdns::zone::delta_text(d);
            return;
        }
        ZonePtr fresh = build_ok(*want);
        expect_same_nodes(**got, *fresh);
        expect_same_finds(**got, *fresh, names);
        // The old version still serves the old zone.
        expect_same_zone(cur->to_zone(), ref);
        if (::testing::Test::HasFailure()) {
            return;
        }
        ref = std::move(*want);
        cur = *got;
    }
}

} // namespace

TEST(Snapshot, ApplyPropertySmallZones) {
    for (uint32_t seed = 1; seed <= 60; ++seed) {
        run_chain(seed, 5 + seed % 40, 6, 1 + seed % 8, 2);
        if (HasFailure()) return;
    }
}

TEST(Snapshot, ApplyPropertyLargeZones) {
    // Hundreds of nodes: many shards, most deltas touch several of them.
    for (uint32_t seed = 100; seed < 106; ++seed) {
        run_chain(seed, 1500 + 200 * (seed % 3), 5, 40, 3);
        if (HasFailure()) return;
    }
}

TEST(Snapshot, ApplyPropertyGrowthReshards) {
    // One shard to start with; one delta adds enough names to pass 4 x 48 nodes per shard,
    // then the resharded version takes more deltas (growth past 4 x 48 x 4 shards as well).
    for (uint32_t seed = 200; seed < 203; ++seed) {
        SCOPED_TRACE("seed " + std::to_string(seed));
        Gen g(seed);
        Zone ref = g.zone(1, 10);
        ZonePtr cur = build_ok(ref);
        ASSERT_TRUE(cur);
        for (int round = 0; round < 3; ++round) {
            Delta d;
            d.origin = ref.origin();
            DeltaStep s = g.step(ref, 5);
            size_t extra = round == 0 ? 300 : 700;
            for (size_t i = 0; i < extra; ++i) {
                s.added.push_back(rr("g" + std::to_string(round) + "-" + std::to_string(i) +
                                         ".grow" + std::to_string(i % 13) + ".example.com.",
                                     rrtype::A, 300, a_rdata(uint32_t(i))));
            }
            d.steps.push_back(std::move(s));
            auto want = apply_delta(ref, d);
            ASSERT_TRUE(want.ok()) << want.error();
            auto got = cur->apply(d);
            ASSERT_TRUE(got.ok()) << got.error();
            expect_same_zone((*got)->to_zone(), *want);
            expect_same_nodes(**got, *build_ok(*want));
            expect_same_zone(cur->to_zone(), ref);
            if (HasFailure()) return;
            ref = std::move(*want);
            cur = *got;
            // Small deltas on the grown version.
            for (int k = 0; k < 4; ++k) {
                Delta small;
                small.origin = ref.origin();
                small.steps.push_back(g.step(ref, 6));
                auto w2 = apply_delta(ref, small);
                ASSERT_TRUE(w2.ok()) << w2.error();
                auto g2 = cur->apply(small);
                ASSERT_TRUE(g2.ok()) << g2.error();
                expect_same_zone((*g2)->to_zone(), *w2);
                expect_same_nodes(**g2, *build_ok(*w2));
                if (HasFailure()) return;
                ref = std::move(*w2);
                cur = *g2;
            }
        }
        EXPECT_GT(cur->nodes(), 4u * 48 * 4);
    }
}

TEST(Snapshot, ApplyPropertyShrinkToNothing) {
    // Every name removed again, a few at a time: ENTs and shards empty out.
    Gen g(300);
    Zone ref = g.zone(1, 400);
    ZonePtr cur = build_ok(ref);
    ASSERT_TRUE(cur);
    while (ref.size() > 3) {
        Delta d;
        d.origin = ref.origin();
        DeltaStep s;
        s.from_soa = ref.soa()->to_rr();
        s.to_soa = soa_rr(*ref.serial() + 1);
        for (size_t i = 0; i < ref.size() && s.removed.size() < 37; ++i) {
            auto r = ref.at(i);
            if (r.type == rrtype::SOA ||
                (r.type == rrtype::NS && Name::equal_ci(r.owner, ref.origin().wire()))) {
                continue;
            }
            s.removed.push_back(r.to_rr());
        }
        d.steps.push_back(std::move(s));
        auto want = apply_delta(ref, d);
        ASSERT_TRUE(want.ok()) << want.error();
        auto got = cur->apply(d);
        ASSERT_TRUE(got.ok()) << got.error();
        expect_same_zone((*got)->to_zone(), *want);
        expect_same_nodes(**got, *build_ok(*want));
        if (HasFailure()) return;
        ref = std::move(*want);
        cur = *got;
    }
    EXPECT_EQ(cur->nodes(), 1u);
    EXPECT_EQ(cur->apex().children(), 0u);
    EXPECT_FALSE(cur->has_cuts());
    EXPECT_FALSE(cur->has_wildcards());
}

// ---- ZoneSet ----

namespace {

ZonePtr small_zone(std::string_view origin, uint32_t serial, int extra = 0) {
    std::string text = soa_line(serial) + "@ 3600 IN NS ns1\n";
    for (int i = 0; i < extra; ++i) {
        text += "h" + std::to_string(i) + " 300 IN A 192.0.2.1\n";
    }
    return build_ok(zone_from(text, origin));
}

// closest() for a name in presentation form.
const ServeZone* closest(const ZoneSet& set, std::string_view text) {
    std::string w = lower(W(text));
    uint8_t offsets[128];
    size_t count = 0;
    for (size_t i = 0; w[i] != 0; i += 1 + uint8_t(w[i])) {
        offsets[count++] = uint8_t(i);
    }
    return set.closest(w, offsets, count);
}

std::string origin_of(const ServeZone* z) {
    return z ? z->origin().to_text() : "none";
}

} // namespace

TEST(Snapshot, ZoneSetFindsTheLongestMatchingZone) {
    auto set = ZoneSet::of({small_zone("example.com.", 1), small_zone("child.example.com.", 2),
                            small_zone("example.org.", 3)});
    EXPECT_EQ(origin_of(closest(*set, "www.child.example.com.")), "child.example.com.");
    EXPECT_EQ(origin_of(closest(*set, "Child.Example.COM.")), "child.example.com.");
    EXPECT_EQ(origin_of(closest(*set, "a.b.child.example.com.")), "child.example.com.");
    EXPECT_EQ(origin_of(closest(*set, "xchild.example.com.")), "example.com.");
    EXPECT_EQ(origin_of(closest(*set, "www.example.com.")), "example.com.");
    EXPECT_EQ(origin_of(closest(*set, "example.com.")), "example.com.");
    EXPECT_EQ(origin_of(closest(*set, "www.example.org.")), "example.org.");
    EXPECT_EQ(origin_of(closest(*set, "com.")), "none");
    EXPECT_EQ(origin_of(closest(*set, "example.net.")), "none");
    EXPECT_EQ(origin_of(closest(*set, ".")), "none");
    // The root zone catches everything else.
    auto with_root = set->with(small_zone(".", 9));
    EXPECT_EQ(origin_of(closest(*with_root, "example.net.")), ".");
    EXPECT_EQ(origin_of(closest(*with_root, ".")), ".");
    EXPECT_EQ(origin_of(closest(*with_root, "www.child.example.com.")), "child.example.com.");
    // An empty set finds nothing.
    ZoneSet empty;
    EXPECT_EQ(closest(empty, "www.example.com."), nullptr);
    EXPECT_EQ(empty.zone_count(), 0u);
    EXPECT_TRUE(empty.list().empty());
}

TEST(Snapshot, ZoneSetWithReplacesAndWithoutRemoves) {
    auto set = ZoneSet::of({small_zone("example.com.", 1), small_zone("child.example.com.", 2)});
    EXPECT_EQ(set->zone_count(), 2u);
    EXPECT_EQ(set->record_count(), 4u);

    auto replaced = set->with(small_zone("EXAMPLE.com.", 5, 3));
    EXPECT_EQ(replaced->zone_count(), 2u);
    EXPECT_EQ(replaced->record_count(), 2u + 5);
    EXPECT_EQ(replaced->get(N("example.com."))->serial(), 5u);
    EXPECT_EQ(set->get(N("example.com."))->serial(), 1u); // the old set is unchanged

    auto added = replaced->with(small_zone("example.org.", 7));
    EXPECT_EQ(added->zone_count(), 3u);
    EXPECT_EQ(added->record_count(), 9u);

    auto removed = added->without(N("Child.example.com."));
    EXPECT_EQ(removed->zone_count(), 2u);
    EXPECT_EQ(removed->record_count(), 7u);
    EXPECT_EQ(removed->get(N("child.example.com.")), nullptr);
    EXPECT_EQ(origin_of(closest(*removed, "www.child.example.com.")), "EXAMPLE.com.");
    EXPECT_EQ(origin_of(closest(*added, "www.child.example.com.")), "child.example.com.");
    // Removing what is not there changes nothing.
    auto same = removed->without(N("nothere.example."));
    EXPECT_EQ(same->zone_count(), 2u);
    EXPECT_EQ(same->record_count(), 7u);
}

TEST(Snapshot, ZoneSetListIsSortedAndCounts) {
    auto set = ZoneSet::of({small_zone("b.example.", 2, 1), small_zone("Example.COM.", 1),
                            small_zone("a.example.", 3, 2), small_zone("x.a.example.", 4)});
    auto list = set->list();
    ASSERT_EQ(list.size(), 4u);
    std::vector<std::string> names;
    for (const auto& z : list) names.push_back(z.name);
    EXPECT_EQ(names, (std::vector<std::string>{"example.com.", "a.example.", "x.a.example.",
                                               "b.example."}));
    EXPECT_EQ(list[0].serial, 1u);
    EXPECT_EQ(list[0].records, 2u);
    EXPECT_EQ(list[1].serial, 3u);
    EXPECT_EQ(list[1].records, 4u);
    EXPECT_EQ(set->record_count(), 2u + 4 + 2 + 3);
    auto zones = set->zones();
    ASSERT_EQ(zones.size(), 4u);
    EXPECT_EQ(zones[1]->origin().to_text(), "a.example.");
}

TEST(Snapshot, PublishedReadersSeeTheNewSet) {
    Published p;
    Reader r(p);
    EXPECT_EQ(r.get().zone_count(), 0u);
    uint64_t g = p.generation();
    p.store(ZoneSet::of({small_zone("example.com.", 1)}));
    EXPECT_GT(p.generation(), g);
    const ZoneSet& s = r.get();
    EXPECT_EQ(s.zone_count(), 1u);
    auto before = p.load();
    p.store(before->with(small_zone("example.com.", 2)));
    EXPECT_EQ(r.get().get(N("example.com."))->serial(), 2u);
    EXPECT_EQ(before->get(N("example.com."))->serial(), 1u);
}
