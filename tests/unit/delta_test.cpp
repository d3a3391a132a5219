// SPDX-License-Identifier: MIT
// Unit tests of lib/zone/delta: diff_zones and apply_delta reproduce zones exactly, and refuse bad
// deltas.
#include "zone/delta.hpp"

#include "error.hpp"
#include "zone/zonefile.hpp"

#include "test_util.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

namespace dns = endpointdns::dns;
namespace rrtype = endpointdns::dns::rrtype;
using dns::Rr;
using endpointdns::zone::apply_delta;
using endpointdns::zone::Delta;
using endpointdns::zone::Diagnostics;
using endpointdns::zone::diff_zones;
using endpointdns::zone::read_stream;
using endpointdns::zone::StreamItem;
using endpointdns::zone::StreamWriter;
using endpointdns::zone::Zone;
using namespace endpointdns::test;

namespace {

const std::string common = "@ 3600 IN NS ns1\n"
                           "@ 3600 IN NS ns2.example.net.\n"
                           "ns1 3600 IN A 192.0.2.53\n"
                           "mail 300 IN A 192.0.2.25\n"
                           "@ 3600 IN MX 10 mail\n"
                           "keep 300 IN TXT \"unchanged\"\n";

// Version 1 and version 2 of a zone, with every kind of change between them.
Zone v1() {
    return zone_from(soa_line(1) + common +
                     "www 300 IN A 192.0.2.80\n"
                     "www 300 IN A 192.0.2.81\n" // removed in v2
                     "ttl 300 IN A 192.0.2.90\n" // TTL 300 -> 600 in v2
                     "ttl 300 IN A 192.0.2.91\n"
                     "gone 300 IN TXT \"bye\"\n"   // whole RRset removed
                     "Case 300 IN A 192.0.2.100\n" // owner case changes
                     "cname 300 IN CNAME www\n");  // target changes
}
Zone v2() {
    return zone_from(soa_line(2) + common +
                     "www 300 IN A 192.0.2.80\n"
                     "www 300 IN A 192.0.2.82\n" // added
                     "ttl 600 IN A 192.0.2.90\n"
                     "ttl 600 IN A 192.0.2.91\n"
                     "new 300 IN AAAA 2001:db8::1\n" // whole RRset added
                     "case 300 IN A 192.0.2.100\n"
                     "cname 300 IN CNAME mail\n");
}
Zone v3() {
    return zone_from(soa_line(3) + common +
                     "www 300 IN A 192.0.2.82\n"
                     "ttl 600 IN A 192.0.2.90\n"
                     "ttl 600 IN A 192.0.2.91\n"
                     "new 300 IN AAAA 2001:db8::1\n"
                     "new 300 IN AAAA 2001:db8::2\n"
                     "case 60 IN A 192.0.2.100\n"
                     "cname 300 IN CNAME mail\n");
}

std::string text_of(const Rr& r) {
    return r.owner.to_text() + " " + std::to_string(r.ttl) + " " + dns::type_name(r.type);
}
std::vector<std::string> texts(const std::vector<Rr>& rrs) {
    std::vector<std::string> out;
    for (const auto& r : rrs) out.push_back(text_of(r));
    return out;
}

bool canonically_sorted(const std::vector<Rr>& rrs) {
    for (size_t i = 1; i < rrs.size(); ++i) {
        int c = rrs[i - 1].owner.canonical_compare(rrs[i].owner);
        if (c > 0 || (c == 0 && rrs[i - 1].type > rrs[i].type)) return false;
    }
    return true;
}

} // namespace

TEST(Delta, DiffThenApplyReproducesTheTarget) {
    Zone a = v1(), b = v2();
    Delta d = diff_zones(a, b);
    EXPECT_TRUE(d.origin == N("example.com."));
    ASSERT_EQ(d.steps.size(), 1u);
    EXPECT_EQ(d.from_serial(), 1u);
    EXPECT_EQ(d.to_serial(), 2u);
    EXPECT_EQ(d.steps[0].from_soa, a.soa()->to_rr());
    EXPECT_EQ(d.steps[0].to_soa, b.soa()->to_rr());
    // Exactly the changes, each once; a TTL or letter-case change is a removal and an addition.
    std::vector<std::string> removed = texts(d.steps[0].removed), added = texts(d.steps[0].added);
    std::sort(removed.begin(), removed.end());
    std::sort(added.begin(), added.end());
    EXPECT_EQ(removed,
              (std::vector<std::string>{"Case.example.com. 300 A", "cname.example.com. 300 CNAME",
                                        "gone.example.com. 300 TXT", "ttl.example.com. 300 A",
                                        "ttl.example.com. 300 A", "www.example.com. 300 A"}));
    EXPECT_EQ(added,
              (std::vector<std::string>{"case.example.com. 300 A", "cname.example.com. 300 CNAME",
                                        "new.example.com. 300 AAAA", "ttl.example.com. 600 A",
                                        "ttl.example.com. 600 A", "www.example.com. 300 A"}));
    for (const auto& r : d.steps[0].removed) EXPECT_NE(r.type, rrtype::SOA);
    for (const auto& r : d.steps[0].added) EXPECT_NE(r.type, rrtype::SOA);
    EXPECT_TRUE(canonically_sorted(d.steps[0].removed));
    EXPECT_TRUE(canonically_sorted(d.steps[0].added));

    auto applied = apply_delta(a, d);
    ASSERT_TRUE(applied.ok()) << applied.error();
    EXPECT_TRUE(applied->normalized());
    expect_same_zone(*applied, b);
    EXPECT_EQ(applied->serial(), 2u);
    // The source zone is untouched.
    expect_same_zone(a, v1());
}

TEST(Delta, OnlySerialChanged) {
    Zone a = zone_from(soa_line(1) + common), b = zone_from(soa_line(2) + common);
    Delta d = diff_zones(a, b);
    ASSERT_EQ(d.steps.size(), 1u);
    EXPECT_TRUE(d.steps[0].removed.empty());
    EXPECT_TRUE(d.steps[0].added.empty());
    auto applied = apply_delta(a, d);
    ASSERT_TRUE(applied.ok()) << applied.error();
    expect_same_zone(*applied, b);
}

TEST(Delta, SoaFieldsOtherThanTheSerial) {
    Zone a = zone_from(soa_line(1) + common);
    Zone b = zone_from("@ 600 IN SOA ns2.example.net. admin 2 1h 1h 1w 60\n" + common);
    auto applied = apply_delta(a, diff_zones(a, b));
    ASSERT_TRUE(applied.ok()) << applied.error();
    expect_same_zone(*applied, b);
}

TEST(Delta, WriteDeltaReadStreamRoundTrip) {
    Zone a = v1(), b = v2();
    Delta d = diff_zones(a, b);
    for (size_t size : {65535, 300}) {
        std::string s;
        StreamWriter w([&](std::string_view m) { s.append(m); }, size);
        w.write_delta(d);
        auto items = read_stream(s);
        ASSERT_TRUE(items.ok()) << items.error();
        ASSERT_EQ(items->size(), 1u);
        ASSERT_EQ((*items)[0].kind, StreamItem::Kind::delta);
        const Delta& got = (*items)[0].delta;
        ASSERT_EQ(got.steps.size(), 1u);
        EXPECT_EQ(got.from_serial(), 1u);
        EXPECT_EQ(got.to_serial(), 2u);
        EXPECT_EQ(texts(got.steps[0].removed), texts(d.steps[0].removed));
        EXPECT_EQ(texts(got.steps[0].added), texts(d.steps[0].added));
        for (size_t i = 0; i < d.steps[0].added.size(); ++i) {
            EXPECT_TRUE(got.steps[0].added[i].owner.same_case(d.steps[0].added[i].owner));
            EXPECT_EQ(got.steps[0].added[i].rdata, d.steps[0].added[i].rdata);
        }
        auto applied = apply_delta(a, got);
        ASSERT_TRUE(applied.ok()) << applied.error();
        expect_same_zone(*applied, b);
    }
}

TEST(Delta, UnchangedSerialIsRefusedOrRoundTrips) {
    // Content changed but the serial was not raised: an IXFR cannot express that (RFC 1995
    // tells steps apart by their SOAs). Refusing is fine; writing a stream that the reader then
    // rejects or misreads is not.
    Zone a = zone_from(soa_line(5) + common + "www 300 IN A 192.0.2.1\n");
    Zone b = zone_from(soa_line(5) + common + "www 300 IN A 192.0.2.2\n");
    std::string s;
    try {
        Delta d = diff_zones(a, b);
        StreamWriter w([&](std::string_view m) { s.append(m); });
        w.write_delta(d);
    } catch (const endpointdns::Error& e) {
        EXPECT_EQ(e.code(), endpointdns::ex_dataerr);
        EXPECT_NE(std::string(e.what()).find("5"), std::string::npos) << e.what();
        return;
    }
    auto items = read_stream(s);
    ASSERT_TRUE(items.ok()) << "the writer produced a stream its reader rejects: " << items.error();
    ASSERT_EQ(items->size(), 1u);
    ASSERT_EQ((*items)[0].kind, StreamItem::Kind::delta);
    auto applied = apply_delta(a, (*items)[0].delta);
    ASSERT_TRUE(applied.ok()) << applied.error();
    expect_same_zone(*applied, b);
}

TEST(Delta, SerialMustMoveForward) {
    // An IXFR step goes from a serial to a later one in RFC 1982 arithmetic
    // (endpointdns-zone-stream(5)); a step back would leave every secondary that compares serials
    // on the old data.
    Zone a = zone_from(soa_line(5) + common + "www 300 IN A 192.0.2.1\n");
    Zone b = zone_from(soa_line(3) + common + "www 300 IN A 192.0.2.2\n");
    EXPECT_THROW(diff_zones(a, b), endpointdns::Error);
    // A hand-made step back is refused by the writer and by apply_delta.
    Delta back = diff_zones(b, a); // 3 -> 5
    std::swap(back.steps[0].from_soa, back.steps[0].to_soa);
    std::swap(back.steps[0].removed, back.steps[0].added); // 5 -> 3
    StreamWriter w([](std::string_view) {});
    EXPECT_THROW(w.write_delta(back), endpointdns::Error);
    auto r = apply_delta(a, back);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().find("serial"), std::string::npos) << r.error();
    // Half the serial space away is not later either (RFC 1982 3.2 leaves it undefined).
    Zone far = zone_from(soa_line(5u + 0x80000000u) + common + "www 300 IN A 192.0.2.2\n");
    EXPECT_THROW(diff_zones(a, far), endpointdns::Error);
    // Wrapping around 2^32 is a step forward.
    Zone high = zone_from(soa_line(0xFFFFFFF0u) + common + "www 300 IN A 192.0.2.1\n");
    Zone low = zone_from(soa_line(2) + common + "www 300 IN A 192.0.2.2\n");
    Delta wrap = diff_zones(high, low);
    auto applied = apply_delta(high, wrap);
    ASSERT_TRUE(applied.ok()) << applied.error();
    expect_same_zone(*applied, low);
}

TEST(Delta, WrongStartingSerial) {
    Zone a = v1(), b = v2();
    Delta d = diff_zones(a, b);
    auto r = apply_delta(b, d); // b is at serial 2, the delta starts at 1
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().find("1"), std::string::npos) << r.error();
    EXPECT_NE(r.error().find("2"), std::string::npos) << r.error();
    // With serials that cannot be confused with other digits in the message.
    Zone x = zone_from(soa_line(1000001) + common), y = zone_from(soa_line(1000002) + common);
    Zone z = zone_from(soa_line(7777777) + common);
    auto e = apply_delta(z, diff_zones(x, y));
    ASSERT_FALSE(e.ok());
    EXPECT_NE(e.error().find("1000001"), std::string::npos) << e.error();
    EXPECT_NE(e.error().find("7777777"), std::string::npos) << e.error();
}

TEST(Delta, RemovingAMissingRecordFails) {
    Zone a = v1(), b = v2();
    Delta d = diff_zones(a, b);
    d.steps[0].removed.push_back(rr("absent.example.com.", rrtype::A, 300, bytes({192, 0, 2, 1})));
    auto r = apply_delta(a, d);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().find("absent.example.com."), std::string::npos) << r.error();
    // The same record twice, though the zone has it once.
    Delta twice = diff_zones(a, b);
    twice.steps[0].removed.push_back(twice.steps[0].removed.front());
    auto t = apply_delta(a, twice);
    ASSERT_FALSE(t.ok());
    EXPECT_NE(t.error().find(twice.steps[0].removed.front().owner.to_text()), std::string::npos)
        << t.error();
    // Removal ignores the TTL and letter case (RFC 1995 compares records, not TTLs).
    Delta loose = diff_zones(a, b);
    for (auto& rr : loose.steps[0].removed) {
        rr.ttl += 1;
        rr.owner = rr.owner.lowercased();
    }
    auto l = apply_delta(a, loose);
    ASSERT_TRUE(l.ok()) << l.error();
    expect_same_zone(*l, b);
}

// A hand-made delta (as dnsapid sends for an ACME TXT value) that adds a record to an existing
// RRset with another TTL: the RRset takes the new TTL, all of it, and no record is lost.
TEST(Delta, AddedRecordSetsItsRRsetTtl) {
    Zone a = zone_from(soa_line(1) + "@ NS ns1\nns1 A 192.0.2.1\n_acme TXT \"one\"\n");
    Zone b = zone_from(soa_line(2) + "@ NS ns1\nns1 A 192.0.2.1\n_acme TXT \"one\"\n");
    Delta d = diff_zones(a, b); // only the SOA changes
    ASSERT_EQ(d.steps.size(), 1u);
    std::string two = txt({"two"});
    d.steps[0].added.push_back(rr("_acme.example.com.", rrtype::TXT, 60, two));
    auto r = apply_delta(a, d);
    ASSERT_TRUE(r.ok()) << r.error();
    unsigned txts = 0;
    for (size_t i = 0; i < r->size(); ++i) {
        endpointdns::zone::RrView v = r->at(i);
        if (v.type != rrtype::TXT) continue;
        ++txts;
        EXPECT_EQ(v.ttl, 60u) << owner_text(v);
    }
    EXPECT_EQ(txts, 2u);
}

TEST(Delta, MultiStep) {
    Zone a = v1(), b = v2(), c = v3();
    Delta d12 = diff_zones(a, b), d23 = diff_zones(b, c);
    Delta both;
    both.origin = a.origin();
    both.steps = {d12.steps[0], d23.steps[0]};
    EXPECT_EQ(both.from_serial(), 1u);
    EXPECT_EQ(both.to_serial(), 3u);
    auto applied = apply_delta(a, both);
    ASSERT_TRUE(applied.ok()) << applied.error();
    expect_same_zone(*applied, c);
    // Step by step gives the same.
    auto s1 = apply_delta(a, d12);
    ASSERT_TRUE(s1.ok()) << s1.error();
    auto s2 = apply_delta(*s1, d23);
    ASSERT_TRUE(s2.ok()) << s2.error();
    expect_same_zone(*s2, c);
    // Through a stream.
    std::string s;
    StreamWriter w([&](std::string_view m) { s.append(m); });
    w.write_delta(both);
    auto items = read_stream(s);
    ASSERT_TRUE(items.ok()) << items.error();
    ASSERT_EQ(items->size(), 1u);
    ASSERT_EQ((*items)[0].delta.steps.size(), 2u);
    auto via = apply_delta(a, (*items)[0].delta);
    ASSERT_TRUE(via.ok()) << via.error();
    expect_same_zone(*via, c);
    // Steps out of order do not chain.
    Delta bad;
    bad.origin = a.origin();
    bad.steps = {d12.steps[0], d12.steps[0]};
    auto r = apply_delta(a, bad);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().find("step 2"), std::string::npos) << r.error();
}

TEST(Delta, RefusesMismatchedZones) {
    Zone a = v1();
    Zone other = zone_from(soa_line(1) + common, "example.org.");
    EXPECT_THROW(diff_zones(a, other), endpointdns::Error);
    Zone no_soa = zone_from(common);
    EXPECT_THROW(diff_zones(a, no_soa), endpointdns::Error);
    EXPECT_THROW(diff_zones(no_soa, a), endpointdns::Error);
    Delta d = diff_zones(a, v2());
    auto r = apply_delta(other, d);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().find("example.org."), std::string::npos) << r.error();
    auto n = apply_delta(no_soa, d);
    EXPECT_FALSE(n.ok());
    Delta empty;
    empty.origin = a.origin();
    EXPECT_FALSE(apply_delta(a, empty).ok());
}

TEST(Delta, LargeZoneChangesOnlyWhatItSays) {
    // 10 000 records; the next version adds 3, removes 2 and changes the TTL of one RRset.
    auto body = [](uint32_t ttl_of_7) {
        std::string t;
        for (int i = 0; i < 3333; ++i) {
            std::string h = "h" + std::to_string(i);
            uint32_t ttl = i == 7 ? ttl_of_7 : 300;
            t += h + " " + std::to_string(ttl) + " IN A 10." + std::to_string(i / 256) + "." +
                 std::to_string(i % 256) + ".1\n";
            t += h + " " + std::to_string(ttl) + " IN A 10." + std::to_string(i / 256) + "." +
                 std::to_string(i % 256) + ".2\n";
            t += h + " 300 IN TXT \"host " + std::to_string(i) + "\"\n";
        }
        return t;
    };
    Zone a = zone_from(soa_line(10) + "@ 3600 IN NS ns.example.net.\n" + body(300));
    ASSERT_GE(a.size(), 10000u);
    // Remove h100's TXT and h2000's second address.
    std::string text_c = soa_line(11) + "@ 3600 IN NS ns.example.net.\n" + body(900) +
                         "x1 300 IN A 192.0.2.1\nx2 300 IN A 192.0.2.2\nx3 300 IN AAAA ::1\n";
    text_c.erase(text_c.find("h100 300 IN TXT \"host 100\"\n"),
                 std::string("h100 300 IN TXT \"host 100\"\n").size());
    text_c.erase(text_c.find("h2000 300 IN A 10.7.208.2\n"),
                 std::string("h2000 300 IN A 10.7.208.2\n").size());
    Zone c = zone_from(text_c);
    ASSERT_EQ(c.size(), a.size() + 3 - 2);

    Delta d = diff_zones(a, c);
    ASSERT_EQ(d.steps.size(), 1u);
    EXPECT_EQ(texts(d.steps[0].removed),
              (std::vector<std::string>{"h100.example.com. 300 TXT", "h2000.example.com. 300 A",
                                        "h7.example.com. 300 A", "h7.example.com. 300 A"}));
    EXPECT_EQ(texts(d.steps[0].added),
              (std::vector<std::string>{"h7.example.com. 900 A", "h7.example.com. 900 A",
                                        "x1.example.com. 300 A", "x2.example.com. 300 A",
                                        "x3.example.com. 300 AAAA"}));
    auto applied = apply_delta(a, d);
    ASSERT_TRUE(applied.ok()) << applied.error();
    expect_same_zone(*applied, c);
}

TEST(Delta, RandomEditsRoundTrip) {
    // Random versions of a zone: diff, stream, read back, apply; always the target exactly.
    std::mt19937 rng(1995);
    auto version = [&](uint32_t serial) {
        std::string t = soa_line(serial) + "@ 3600 IN NS ns1\nns1 3600 IN A 192.0.2.53\n";
        for (int i = 0; i < 60; ++i) {
            if (rng() % 4 == 0) continue;
            std::string owner = (rng() % 5 == 0 ? "H" : "h") + std::to_string(i % 20);
            uint32_t ttl = (i % 20) == int(serial % 20) ? 60 : 300; // one RRset changes TTL
            switch (rng() % 3) {
            case 0:
                t += owner + " " + std::to_string(ttl) + " IN A 10.0.0." + std::to_string(i) + "\n";
                break;
            case 1:
                t += owner + " " + std::to_string(ttl) + " IN MX " + std::to_string(i) + " mx" +
                     std::to_string(rng() % 3) + "\n";
                break;
            default:
                t += owner + " " + std::to_string(ttl) + " IN TXT \"t" + std::to_string(rng() % 4) +
                     "\"\n";
            }
        }
        Diagnostics dd;
        Zone z = endpointdns::zone::parse_zone_text(t, "t", N("example.com."), dd);
        z.normalize(); // duplicates and TTL mismatches resolved as in production
        return z;
    };
    Zone cur = version(1);
    for (uint32_t serial = 2; serial < 40; ++serial) {
        Zone next = version(serial);
        Delta d = diff_zones(cur, next);
        std::string s;
        StreamWriter w([&](std::string_view m) { s.append(m); }, 512);
        w.write_delta(d);
        auto items = read_stream(s);
        ASSERT_TRUE(items.ok()) << items.error();
        auto applied = apply_delta(cur, (*items)[0].delta);
        ASSERT_TRUE(applied.ok()) << "serial " << serial << ": " << applied.error();
        expect_same_zone(*applied, next);
        cur = std::move(next);
    }
}
