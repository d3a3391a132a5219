// SPDX-License-Identifier: MIT
// Unit tests of lib/store/history without a database: journal columns parsed, changes undone.
//
// (zone_at against a real MariaDB is tested in store_db_test.cpp.)
#include "store/history.hpp"

#include "dns/name.hpp"
#include "dns/rr.hpp"
#include "zone/content.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace dns = endpointdns::dns;
namespace store = endpointdns::store;
namespace rrtype = endpointdns::dns::rrtype;

namespace {

std::string W(const std::string& name) {
    return std::string(dns::Name::parse(name)->wire());
}

std::string rdata(uint16_t type, const std::string& text) {
    auto c = endpointdns::zone::parse_content(type, text);
    EXPECT_TRUE(c) << text << ": " << (c ? "" : c.error());
    return c ? c->rdata : std::string();
}

// One journal record: owner (presentation), type, TTL, content text; class IN unless given.
std::string rr(const std::string& owner, uint16_t type, uint32_t ttl, const std::string& text,
               uint16_t cls = dns::rrclass::IN) {
    std::string out = W(owner);
    dns::put16(out, type);
    dns::put16(out, cls);
    dns::put32(out, ttl);
    std::string rd = rdata(type, text);
    dns::put16(out, uint16_t(rd.size()));
    return out + rd;
}

store::Rrset rrset(const std::string& name, uint16_t type, uint32_t ttl,
                   const std::vector<std::string>& texts) {
    store::Rrset r;
    r.name = name;
    r.type = type;
    r.ttl = ttl;
    for (const auto& t : texts) r.records.push_back({t, rdata(type, t)});
    r.changed_serial = 7;
    r.changed_at = "2026-01-01T00:00:00.000Z";
    return r;
}

store::Change change(std::string removed, std::string added) {
    store::Change c;
    c.id = 12;
    c.kind = "update";
    c.serial_from = 7;
    c.serial_to = 8;
    c.removed = std::move(removed);
    c.added = std::move(added);
    return c;
}

std::vector<std::string> texts(const store::Rrset& r) {
    std::vector<std::string> out;
    for (const auto& x : r.records) out.push_back(x.text);
    return out;
}

} // namespace

TEST(ParseJournalRrs, EmptyColumnHasNoRecords) {
    auto r = store::parse_journal_rrs("");
    ASSERT_TRUE(r);
    EXPECT_TRUE(r->empty());
}

TEST(ParseJournalRrs, RecordsOneAfterAnother) {
    std::string col = rr("www.example.com.", rrtype::A, 300, "192.0.2.1") +
                      rr("Example.COM.", rrtype::MX, 3600, "10 mail.example.com.") +
                      rr("t.example.com.", rrtype::TXT, 60, "\"a b\" \"c\"");
    auto r = store::parse_journal_rrs(col);
    ASSERT_TRUE(r) << r.error();
    ASSERT_EQ(r->size(), 3u);
    EXPECT_EQ((*r)[0].owner, W("www.example.com."));
    EXPECT_EQ((*r)[0].type, rrtype::A);
    EXPECT_EQ((*r)[0].cls, dns::rrclass::IN);
    EXPECT_EQ((*r)[0].ttl, 300u);
    EXPECT_EQ((*r)[0].rdata, std::string("\xc0\x00\x02\x01", 4));
    EXPECT_EQ((*r)[1].owner, W("Example.COM.")) << "the owner's case is kept";
    EXPECT_EQ((*r)[1].type, rrtype::MX);
    EXPECT_EQ((*r)[2].ttl, 60u);
}

TEST(ParseJournalRrs, DamageIsAFailureNamingTheOctet) {
    std::string one = rr("www.example.com.", rrtype::A, 300, "192.0.2.1");
    // Every cut inside the record.
    for (size_t n = 1; n < one.size(); ++n) {
        auto r = store::parse_journal_rrs(one.substr(0, n));
        EXPECT_FALSE(r) << "cut at " << n;
    }
    auto r = store::parse_journal_rrs(one + one.substr(0, 5));
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().find("octet " + std::to_string(one.size())), std::string::npos)
        << r.error();
    // A compression pointer instead of an owner.
    EXPECT_FALSE(store::parse_journal_rrs(std::string("\xc0\x0c", 2) + one.substr(17)));
    // An RDLENGTH longer than what follows.
    std::string longer = one;
    longer[longer.size() - 5] = 9;
    EXPECT_FALSE(store::parse_journal_rrs(longer));
    // A label length over 63.
    std::string label = one;
    label[0] = 64;
    EXPECT_FALSE(store::parse_journal_rrs(label));
}

TEST(OwnerText, LowercasePresentationWithoutTheFinalDot) {
    EXPECT_EQ(store::owner_text(W("WWW.Example.COM.")), "www.example.com");
    EXPECT_EQ(store::owner_text(W("_acme-challenge.example.com.")), "_acme-challenge.example.com");
    EXPECT_EQ(store::owner_text(W("a\\.b.example.com.")), "a\\.b.example.com");
    EXPECT_EQ(store::owner_text(W("\\032x.example.com.")), "\\032x.example.com");
}

TEST(UndoChange, PartialChangeOfOneRrset) {
    store::RrsetMap zone;
    zone[{"www.example.com", rrtype::A}] =
        rrset("www.example.com", rrtype::A, 300, {"192.0.2.1", "192.0.2.3"});
    // The change removed .2 and added .3.
    auto ok = store::undo_change(zone, change(rr("www.example.com.", rrtype::A, 300, "192.0.2.2"),
                                              rr("www.example.com.", rrtype::A, 300, "192.0.2.3")));
    ASSERT_TRUE(ok) << ok.error();
    ASSERT_EQ(zone.size(), 1u);
    const auto& www = zone[{"www.example.com", rrtype::A}];
    EXPECT_EQ(texts(www), (std::vector<std::string>{"192.0.2.1", "192.0.2.2"}));
    EXPECT_EQ(www.ttl, 300u);
    EXPECT_EQ(www.changed_serial, 0u) << "a version's RRset has no ETag";
    EXPECT_TRUE(www.changed_at.empty());
}

TEST(UndoChange, CreatedRrsetGoesDeletedComesBackTtlRestored) {
    store::RrsetMap zone;
    zone[{"new.example.com", rrtype::TXT}] = rrset("new.example.com", rrtype::TXT, 60, {"\"x\""});
    zone[{"www.example.com", rrtype::A}] = rrset("www.example.com", rrtype::A, 600, {"192.0.2.1"});
    // The change created new TXT, deleted old MX, and moved www A from TTL 300 to 600.
    std::string removed = rr("example.com.", rrtype::MX, 3600, "10 mail.example.com.") +
                          rr("www.example.com.", rrtype::A, 300, "192.0.2.1");
    std::string added = rr("new.example.com.", rrtype::TXT, 60, "\"x\"") +
                        rr("www.example.com.", rrtype::A, 600, "192.0.2.1");
    auto ok = store::undo_change(zone, change(removed, added));
    ASSERT_TRUE(ok) << ok.error();
    ASSERT_EQ(zone.size(), 2u);
    EXPECT_FALSE((zone.count({"new.example.com", rrtype::TXT})));
    const auto& mx = zone[{"example.com", rrtype::MX}];
    EXPECT_EQ(mx.name, "example.com");
    EXPECT_EQ(mx.type, rrtype::MX);
    EXPECT_EQ(mx.ttl, 3600u);
    EXPECT_EQ(texts(mx), (std::vector<std::string>{"10 mail.example.com."}))
        << "the text is the canonical content";
    EXPECT_EQ((zone[{"www.example.com", rrtype::A}].ttl), 300u);
}

TEST(UndoChange, OwnersOfAnyCaseMeetTheStoredLowercaseName) {
    store::RrsetMap zone;
    zone[{"www.example.com", rrtype::A}] = rrset("www.example.com", rrtype::A, 300, {"192.0.2.1"});
    auto ok =
        store::undo_change(zone, change({}, rr("WWW.Example.com.", rrtype::A, 300, "192.0.2.1")));
    ASSERT_TRUE(ok) << ok.error();
    EXPECT_TRUE(zone.empty());
}

TEST(UndoChange, AChangeThatDoesNotFitTheZoneFails) {
    store::RrsetMap zone;
    zone[{"www.example.com", rrtype::A}] = rrset("www.example.com", rrtype::A, 300, {"192.0.2.1"});
    auto base = zone;
    // Added a record the zone does not hold, in an RRset that is there and one that is not.
    EXPECT_FALSE(
        store::undo_change(zone, change({}, rr("www.example.com.", rrtype::A, 300, "192.0.2.9"))));
    zone = base;
    EXPECT_FALSE(
        store::undo_change(zone, change({}, rr("ftp.example.com.", rrtype::A, 300, "192.0.2.1"))));
    // Removed a record the zone still holds.
    zone = base;
    EXPECT_FALSE(
        store::undo_change(zone, change(rr("www.example.com.", rrtype::A, 300, "192.0.2.1"), {})));
    // Another class.
    zone = base;
    auto r = store::undo_change(
        zone, change(rr("x.example.com.", rrtype::A, 300, "192.0.2.1", dns::rrclass::CH), {}));
    EXPECT_FALSE(r);
    // A damaged column.
    zone = base;
    r = store::undo_change(zone, change("\x03www", {}));
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().find("change 12 (serial 7 -> 8)"), std::string::npos) << r.error();
}
