// SPDX-License-Identifier: MIT
// Unit tests of lib/zone/zone: canonical sorting, duplicate removal, RRset TTLs, SOA and RRset
// lookup.
#include "zone/zone.hpp"

#include "error.hpp"

#include "test_util.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <string>
#include <vector>

namespace dns = endpointdns::dns;
namespace rrtype = endpointdns::dns::rrtype;
using dns::Name;
using endpointdns::zone::Diagnostic;
using endpointdns::zone::Diagnostics;
using endpointdns::zone::Location;
using endpointdns::zone::RrView;
using endpointdns::zone::Zone;
using namespace endpointdns::test;

namespace {

// The SOA RDATA of the zones here.
std::string soa(uint32_t serial) {
    return soa_rdata("ns1.example.com.", "hostmaster.example.com.", serial);
}

size_t count_containing(const Diagnostics& d, std::string_view needle) {
    return size_t(std::count_if(d.begin(), d.end(), [&](const Diagnostic& x) {
        return x.message.find(needle) != std::string::npos;
    }));
}

} // namespace

TEST(Zone, NormalizeSortsCanonically) {
    // RFC 4034 6.1's example, below an origin, added in reverse.
    const std::vector<std::string> names = {
        "example.",         "a.example.",      "yljkjljk.a.example.",
        "Z.a.example.",     "zABC.a.EXAMPLE.", "z.example.",
        "\\001.z.example.", "*.z.example.",    "\\200.z.example.",
    };
    Zone z(N("example."));
    for (size_t i = names.size(); i-- > 0;)
        z.add(N(names[i]).wire(), rrtype::A, 300, bytes({1, 2, 3, 4}));
    EXPECT_FALSE(z.normalized());
    z.normalize();
    EXPECT_TRUE(z.normalized());
    ASSERT_EQ(z.size(), names.size());
    for (size_t i = 0; i < names.size(); ++i)
        EXPECT_EQ(z.at(i).owner, W(names[i])) << i << ": " << owner_text(z.at(i));
}

TEST(Zone, NormalizeOrdersTypesAndRdata) {
    Zone z(N("example."));
    std::string o = W("example.");
    z.add(o, rrtype::AAAA, 60, std::string(16, '\1'));
    z.add(o, rrtype::TXT, 60, bytes({1, 'b'}));
    z.add(o, rrtype::TXT, 60, bytes({1, 'a'}));
    z.add(o, rrtype::TXT, 60, bytes({2, 'a', 'a'}));
    z.add(o, rrtype::MX, 60, u16(20) + W("a.example."));
    z.add(o, rrtype::MX, 60, u16(10) + W("z.example."));
    z.add(o, rrtype::NS, 60, W("NS2.example."));
    z.add(o, rrtype::NS, 60, W("ns1.example."));
    z.add(o, rrtype::NS, 60, W("Ns10.example."));
    z.add(o, rrtype::SOA, 60, soa(1));
    z.add(o, rrtype::A, 60, bytes({10, 0, 0, 10}));
    z.add(o, rrtype::A, 60, bytes({10, 0, 0, 2}));
    z.normalize();
    std::vector<std::pair<uint16_t, std::string>> want = {
        {rrtype::A, bytes({10, 0, 0, 2})},
        {rrtype::A, bytes({10, 0, 0, 10})},
        // NS by canonical (lowercased) wire RDATA, length octet first: \003ns1 < \003ns2 <
        // \004ns10; the stored case is kept.
        {rrtype::NS, W("ns1.example.")},
        {rrtype::NS, W("NS2.example.")},
        {rrtype::NS, W("Ns10.example.")},
        {rrtype::SOA, soa(1)},
        {rrtype::MX, u16(10) + W("z.example.")},
        {rrtype::MX, u16(20) + W("a.example.")},
        // TXT as octet strings: \001a < \001b < \002aa.
        {rrtype::TXT, bytes({1, 'a'})},
        {rrtype::TXT, bytes({1, 'b'})},
        {rrtype::TXT, bytes({2, 'a', 'a'})},
        {rrtype::AAAA, std::string(16, '\1')},
    };
    ASSERT_EQ(z.size(), want.size());
    for (size_t i = 0; i < want.size(); ++i) {
        EXPECT_EQ(z.at(i).type, want[i].first) << i;
        EXPECT_EQ(z.at(i).rdata, want[i].second) << i;
    }
}

TEST(Zone, DuplicatesRemovedWithWarning) {
    Zone z(N("example.com."));
    uint16_t f = z.add_file("db.example");
    z.add(W("www.example.com."), rrtype::A, 300, bytes({1, 1, 1, 1}), {f, 3});
    z.add(W("www.example.com."), rrtype::A, 300, bytes({2, 2, 2, 2}), {f, 4});
    z.add(W("www.example.com."), rrtype::A, 300, bytes({1, 1, 1, 1}), {f, 5});
    // Same record with names differing only in case: also a duplicate (RFC 4034 6.2 form).
    z.add(W("Mail.example.com."), rrtype::MX, 300, u16(10) + W("MX.example.com."), {f, 6});
    z.add(W("mail.example.com."), rrtype::MX, 300, u16(10) + W("mx.example.com."), {f, 7});
    Diagnostics d;
    z.normalize(&d);
    ASSERT_EQ(z.size(), 3u);
    ASSERT_EQ(d.size(), 2u);
    for (const auto& x : d) {
        EXPECT_EQ(x.severity, Diagnostic::Severity::warning) << x.to_string();
        EXPECT_EQ(x.file, "db.example");
        EXPECT_NE(x.message.find("duplicate"), std::string::npos) << x.message;
    }
    // The later record in the input is the one dropped.
    EXPECT_EQ(count_containing(d, "www.example.com."), 1u);
    auto www = std::find_if(d.begin(), d.end(), [](const Diagnostic& x) {
        return x.message.find("www.example.com.") != std::string::npos;
    });
    EXPECT_EQ(www->line, 5u);
    auto mail = std::find_if(d.begin(), d.end(), [](const Diagnostic& x) {
        return x.message.find("ail.example.com.") != std::string::npos;
    });
    ASSERT_NE(mail, d.end());
    EXPECT_EQ(mail->line, 7u);
    // The first record in input order survives, letter case and location included.
    EXPECT_EQ(z.at(0).owner, W("Mail.example.com."));
    EXPECT_EQ(z.at(0).rdata, u16(10) + W("MX.example.com."));
    EXPECT_EQ(z.location(0).line, 6u);
    EXPECT_EQ(z.at(1).rdata, bytes({1, 1, 1, 1}));
    EXPECT_EQ(z.location(1).line, 3u);
    EXPECT_EQ(z.where(z.location(1)), "db.example");
    // Without a diagnostics sink duplicates are still removed.
    Zone q(N("example.com."));
    q.add(W("a.example.com."), rrtype::A, 1, bytes({1, 1, 1, 1}));
    q.add(W("a.example.com."), rrtype::A, 1, bytes({1, 1, 1, 1}));
    q.normalize();
    EXPECT_EQ(q.size(), 1u);
}

TEST(Zone, RrsetTtlIsTheFirstInInputOrder) {
    Zone z(N("example.com."));
    uint16_t f = z.add_file("db.example");
    // The record listed first has the larger address, so it sorts second: its TTL still wins.
    z.add(W("www.example.com."), rrtype::A, 600, bytes({9, 9, 9, 9}), {f, 10});
    z.add(W("www.example.com."), rrtype::A, 300, bytes({1, 1, 1, 1}), {f, 11});
    z.add(W("www.example.com."), rrtype::A, 600, bytes({5, 5, 5, 5}), {f, 12});
    z.add(W("www.example.com."), rrtype::TXT, 60, bytes({1, 'x'}), {f, 13}); // its own RRset
    Diagnostics d;
    z.normalize(&d);
    ASSERT_EQ(z.size(), 4u);
    for (size_t i = 0; i < 3; ++i) EXPECT_EQ(z.at(i).ttl, 600u) << i;
    EXPECT_EQ(z.at(3).ttl, 60u);
    ASSERT_EQ(d.size(), 1u);
    EXPECT_EQ(d[0].severity, Diagnostic::Severity::warning);
    EXPECT_EQ(d[0].line, 11u);
    EXPECT_NE(d[0].message.find("300"), std::string::npos) << d[0].message;
    EXPECT_NE(d[0].message.find("600"), std::string::npos) << d[0].message;
    EXPECT_NE(d[0].message.find("www.example.com."), std::string::npos) << d[0].message;
    EXPECT_EQ(d[0].to_string().rfind("db.example:11: warning: ", 0), 0u) << d[0].to_string();
}

TEST(Zone, OwnerCaseVariantsShareAnRrset) {
    Zone z(N("example.com."));
    z.add(W("WWW.example.com."), rrtype::A, 100, bytes({1, 1, 1, 1}));
    z.add(W("www.Example.com."), rrtype::A, 200, bytes({2, 2, 2, 2}));
    z.add(W("www.example.com."), rrtype::AAAA, 200, std::string(16, '\0'));
    z.normalize();
    ASSERT_EQ(z.size(), 3u);
    EXPECT_EQ(z.rrset_count(), 2u);
    EXPECT_EQ(z.rrset_end(0), 2u);
    EXPECT_EQ(z.rrset_end(2), 3u);
    EXPECT_TRUE(z.same_owner(0, 1));
    EXPECT_TRUE(z.same_owner(0, 2));
    EXPECT_EQ(z.at(0).ttl, 100u);
    EXPECT_EQ(z.at(1).ttl, 100u);
    // Each record keeps the letter case it was added with.
    EXPECT_EQ(z.at(0).owner, W("WWW.example.com."));
    EXPECT_EQ(z.at(1).owner, W("www.Example.com."));
}

TEST(Zone, SoaAndSerial) {
    Zone z(N("example.com."));
    EXPECT_FALSE(z.soa().has_value());
    EXPECT_FALSE(z.serial().has_value());
    z.add(W("www.example.com."), rrtype::A, 1, bytes({1, 1, 1, 1}));
    z.add(W("example.com."), rrtype::NS, 1, W("ns1.example.com."));
    z.add(W("Example.COM."), rrtype::SOA, 3600, soa(2024061501));
    // Before normalize too.
    ASSERT_TRUE(z.soa().has_value());
    EXPECT_EQ(z.serial(), 2024061501u);
    z.normalize();
    auto s = z.soa();
    ASSERT_TRUE(s.has_value());
    EXPECT_EQ(s->type, rrtype::SOA);
    EXPECT_EQ(s->ttl, 3600u);
    EXPECT_EQ(s->owner, W("Example.COM."));
    EXPECT_EQ(s->rdata, soa(2024061501));
    EXPECT_EQ(z.serial(), 2024061501u);
    // An SOA below the apex is not the zone's SOA.
    Zone sub(N("example.com."));
    sub.add(W("sub.example.com."), rrtype::SOA, 1, soa(5));
    sub.normalize();
    EXPECT_FALSE(sub.soa().has_value());
    EXPECT_FALSE(sub.serial().has_value());
}

TEST(Zone, SoaFoundWhenOutOfZoneNamesSortFirst) {
    // "com." and "a.com." sort before "example.com." in canonical order. Such a zone is wrong
    // (check_zone reports it), but it still has an apex SOA and soa()/serial() must find it.
    Zone z(N("example.com."));
    z.add(W("a.com."), rrtype::A, 1, bytes({1, 1, 1, 1}));
    z.add(W("example.com."), rrtype::SOA, 1, soa(42));
    z.add(W("example.com."), rrtype::NS, 1, W("ns1.example.com."));
    z.normalize();
    ASSERT_EQ(z.at(0).owner, W("a.com."));
    EXPECT_TRUE(z.soa().has_value());
    EXPECT_EQ(z.serial(), 42u);
}

TEST(Zone, RrsetCountAndEnd) {
    Zone z(N("example.com."));
    std::string apex = W("example.com.");
    z.add(apex, rrtype::SOA, 1, soa(1));
    z.add(apex, rrtype::NS, 1, W("ns1.example.com."));
    z.add(apex, rrtype::NS, 1, W("ns2.example.com."));
    z.add(W("a.example.com."), rrtype::A, 1, bytes({1, 1, 1, 1}));
    z.add(W("a.example.com."), rrtype::A, 1, bytes({1, 1, 1, 2}));
    z.add(W("a.example.com."), rrtype::A, 1, bytes({1, 1, 1, 3}));
    z.add(W("b.example.com."), rrtype::A, 1, bytes({1, 1, 1, 1}));
    z.normalize();
    // NS(2) SOA(6) | A x3 | A
    ASSERT_EQ(z.size(), 7u);
    EXPECT_EQ(z.rrset_count(), 4u);
    EXPECT_EQ(z.rrset_end(0), 2u);
    EXPECT_EQ(z.rrset_end(1), 2u);
    EXPECT_EQ(z.rrset_end(2), 3u);
    EXPECT_EQ(z.rrset_end(3), 6u);
    EXPECT_EQ(z.rrset_end(4), 6u);
    EXPECT_EQ(z.rrset_end(6), 7u);
    EXPECT_FALSE(z.same_owner(5, 6));
    Zone empty(N("example.com."));
    empty.normalize();
    EXPECT_EQ(empty.rrset_count(), 0u);
    EXPECT_TRUE(empty.empty());
}

TEST(Zone, FilesAndLocations) {
    Zone z(N("example.com."));
    EXPECT_EQ(z.add_file("a.zone"), 1);
    EXPECT_EQ(z.add_file("b.zone"), 2);
    EXPECT_EQ(z.add_file("a.zone"), 1);
    EXPECT_EQ(z.files().size(), 2u);
    EXPECT_EQ(z.where({2, 7}), "b.zone");
    EXPECT_EQ(z.where({0, 7}), "");
    EXPECT_EQ(z.where({3, 7}), "");
    z.add(W("b.example.com."), rrtype::A, 1, bytes({1, 1, 1, 1}), {2, 9});
    z.add(W("a.example.com."), rrtype::A, 1, bytes({1, 1, 1, 1}), {1, 4});
    z.normalize();
    EXPECT_EQ(z.location(0).file, 1);
    EXPECT_EQ(z.location(0).line, 4u);
    EXPECT_EQ(z.location(1).file, 2);
    EXPECT_EQ(z.location(1).line, 9u);
    Diagnostic d{Diagnostic::Severity::error, "", 0, "boom"};
    EXPECT_EQ(d.to_string(), "error: boom");
}

TEST(Zone, OversizeRdataThrows) {
    Zone z(N("example.com."));
    EXPECT_THROW(z.add(W("a.example.com."), 65280, 1, std::string(65536, 'x')), endpointdns::Error);
    z.add(W("a.example.com."), 65280, 1, std::string(65535, 'x'));
    EXPECT_EQ(z.size(), 1u);
    EXPECT_EQ(z.at(0).rdata.size(), 65535u);
}

TEST(Zone, RrViewToRr) {
    Zone z(N("example.com."));
    z.add(W("A.example.com."), rrtype::A, 77, bytes({1, 2, 3, 4}));
    dns::Rr r = z.at(0).to_rr();
    EXPECT_TRUE(r.owner.same_case(N("A.example.com.")));
    EXPECT_EQ(r.type, rrtype::A);
    EXPECT_EQ(r.cls, dns::rrclass::IN);
    EXPECT_EQ(r.ttl, 77u);
    EXPECT_EQ(r.rdata, bytes({1, 2, 3, 4}));
}

// ---- normalize against a straightforward reference --------------------------------------

namespace {

struct In {
    std::string owner;
    uint16_t type;
    uint32_t ttl;
    std::string rdata;
    uint32_t line;
};

std::string canon(uint16_t type, const std::string& rdata) {
    std::string out;
    return dns::canonical_rdata(type, rdata, out) ? out : rdata;
}

// What normalize must produce: a stable sort by (owner, type, canonical RDATA), the first of
// equal records kept, each RRset's TTL from its first record in input order.
std::vector<In> reference(std::vector<In> in, size_t& dups, size_t& ttl_fixes) {
    std::stable_sort(in.begin(), in.end(), [](const In& a, const In& b) {
        int c = dns::canonical_compare(a.owner, b.owner);
        if (c) return c < 0;
        if (a.type != b.type) return a.type < b.type;
        return canon(a.type, a.rdata) < canon(b.type, b.rdata);
    });
    std::vector<In> out;
    dups = ttl_fixes = 0;
    for (size_t s = 0; s < in.size();) {
        size_t e = s + 1;
        while (e < in.size() && dns::canonical_compare(in[e].owner, in[s].owner) == 0 &&
               in[e].type == in[s].type)
            ++e;
        uint32_t first_line = UINT32_MAX, ttl = 0;
        for (size_t k = s; k < e; ++k)
            if (in[k].line < first_line) first_line = in[k].line, ttl = in[k].ttl;
        for (size_t k = s; k < e; ++k) {
            if (k > s && canon(in[k].type, in[k].rdata) == canon(in[k - 1].type, in[k - 1].rdata)) {
                ++dups;
                continue;
            }
            In r = in[k];
            if (r.ttl != ttl) ++ttl_fixes, r.ttl = ttl;
            out.push_back(r);
        }
        s = e;
    }
    return out;
}

std::string random_case(std::string wire, std::mt19937& rng) {
    for (auto& c : wire)
        if (c >= 'a' && c <= 'z' && rng() % 3 == 0) c = char(c - 32);
    return wire;
}

std::vector<In> random_records(std::mt19937& rng, size_t count) {
    const uint8_t alphabet[] = {0, 1, 2, '-', '0', '9', 'a', 'b', 'z', '_', 0x80, 0xFF};
    std::vector<std::string> owners = {W("example.com."),   W("com."),
                                       W("a.com."),         W("zzz.org."),
                                       W("example.com.x."), W("\\000.example.com.")};
    while (owners.size() < 400) {
        std::string parent = owners[rng() % owners.size()];
        unsigned len = 1 + rng() % 5;
        std::string label(1, char(len));
        for (unsigned k = 0; k < len; ++k) label.push_back(char(alphabet[rng() % sizeof alphabet]));
        if (parent.size() + label.size() <= 255) owners.push_back(label + parent);
    }
    std::vector<std::string> targets = {W("ns1.example.com."), W("ns2.example.com."),
                                        W("mx.a.com."), W("b.example.com."), W(".")};
    std::vector<In> in;
    uint32_t line = 1;
    while (in.size() < count) {
        std::string owner = random_case(owners[rng() % owners.size()], rng);
        uint16_t types[] = {rrtype::A, rrtype::NS, rrtype::MX, rrtype::TXT, 65280, rrtype::CNAME};
        uint16_t type = types[rng() % 6];
        uint32_t ttl = 100 * (1 + rng() % 3);
        // Runs of records with the same owner and type, as in a zone file; small value ranges
        // so that duplicates (also ones differing only in letter case) are common.
        unsigned run = 1 + rng() % 4;
        for (unsigned k = 0; k < run && in.size() < count; ++k) {
            std::string rdata;
            switch (type) {
            case rrtype::A:
                rdata = bytes({10, 0, int(rng() % 3), int(rng() % 4)});
                break;
            case rrtype::NS:
            case rrtype::CNAME:
                rdata = random_case(targets[rng() % targets.size()], rng);
                break;
            case rrtype::MX:
                rdata =
                    u16(uint16_t(rng() % 3)) + random_case(targets[rng() % targets.size()], rng);
                break;
            case rrtype::TXT: {
                unsigned len = rng() % 3;
                rdata = std::string(1, char(len)) + std::string(len, char('a' + rng() % 2));
                break;
            }
            default:
                rdata = std::string(rng() % 4, char('A' + rng() % 3));
                break;
            }
            in.push_back(In{owner, type, ttl + (k == 2 ? 1 : 0), rdata, line++});
        }
    }
    return in;
}

void expect_matches_reference(const Zone& z, const std::vector<In>& want) {
    ASSERT_EQ(z.size(), want.size());
    for (size_t i = 0; i < want.size(); ++i) {
        RrView r = z.at(i);
        ASSERT_EQ(r.owner, want[i].owner) << i << ": " << owner_text(r) << " vs "
                                          << Name::from_wire_unchecked(want[i].owner).to_text();
        ASSERT_EQ(r.type, want[i].type) << i;
        ASSERT_EQ(r.rdata, want[i].rdata) << i;
        ASSERT_EQ(r.ttl, want[i].ttl) << i;
        ASSERT_EQ(z.location(i).line, want[i].line) << i;
    }
}

} // namespace

TEST(Zone, NormalizeMatchesReference) {
    std::mt19937 rng(20240601);
    for (int round = 0; round < 4; ++round) {
        std::vector<In> in = random_records(rng, 5000);
        Zone z(N("example.com."));
        for (const auto& r : in) z.add(r.owner, r.type, r.ttl, r.rdata, {0, r.line});
        Diagnostics d;
        z.normalize(&d);
        size_t dups = 0, fixes = 0;
        std::vector<In> want = reference(in, dups, fixes);
        expect_matches_reference(z, want);
        EXPECT_GT(dups, 0u);
        EXPECT_EQ(count_containing(d, "duplicate"), dups);
        EXPECT_EQ(count_containing(d, "differs from the TTL"), fixes);
        EXPECT_EQ(d.size(), dups + fixes);
        // rrset_count agrees with the reference's RRsets.
        size_t sets = 0;
        for (size_t i = 0; i < want.size(); ++i)
            if (i == 0 || dns::canonical_compare(want[i].owner, want[i - 1].owner) != 0 ||
                want[i].type != want[i - 1].type)
                ++sets;
        EXPECT_EQ(z.rrset_count(), sets);
    }
}

TEST(Zone, NormalizeAgainAfterMoreRecords) {
    std::mt19937 rng(7);
    std::vector<In> in = random_records(rng, 3000);
    Zone z(N("example.com."));
    for (size_t i = 0; i < 1500; ++i)
        z.add(in[i].owner, in[i].type, in[i].ttl, in[i].rdata, {0, in[i].line});
    z.normalize();
    for (size_t i = 1500; i < in.size(); ++i)
        z.add(in[i].owner, in[i].type, in[i].ttl, in[i].rdata, {0, in[i].line});
    EXPECT_FALSE(z.normalized());
    z.normalize();
    // The first normalize already dropped duplicates and fixed TTLs of the first half; the
    // second sees those records first (they keep their lower line numbers).
    std::vector<In> first(in.begin(), in.begin() + 1500);
    size_t d1, f1, d2, f2;
    std::vector<In> half = reference(first, d1, f1);
    half.insert(half.end(), in.begin() + 1500, in.end());
    std::vector<In> want = reference(half, d2, f2);
    expect_matches_reference(z, want);
    // And normalizing a normalized zone changes nothing.
    Diagnostics d;
    z.normalize(&d);
    EXPECT_TRUE(d.empty());
    expect_matches_reference(z, want);
}

// Everything that reads a zone's arena trusts its owner names, so add() refuses bad ones.
TEST(Zone, AddRefusesMalformedOwners) {
    Zone z(N("example.com."));
    std::string a = bytes({192, 0, 2, 1});
    EXPECT_THROW(z.add(std::string("\x05"
                                   "ab",
                                   3),
                       dns::rrtype::A, 300, a),
                 endpointdns::Error);
    EXPECT_THROW(z.add(std::string(), dns::rrtype::A, 300, a), endpointdns::Error);
    EXPECT_THROW(z.add(std::string("\xc0\x0c", 2), dns::rrtype::A, 300, a), endpointdns::Error);
    EXPECT_TRUE(z.empty());
    z.add(W("www.example.com."), dns::rrtype::A, 300, a);
    EXPECT_EQ(z.size(), 1u);
}
