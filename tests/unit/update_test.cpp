// SPDX-License-Identifier: MIT
// Unit tests of lib/dns/update: reading RFC 2136 UPDATE requests, checking prerequisites.
#include "dns/message.hpp"
#include "dns/update.hpp"

#include <gtest/gtest.h>

#include <map>
#include <set>

using namespace endpointdns;
using namespace endpointdns::dns;

namespace {

Name n(const char* text) {
    return *Name::parse(text);
}

const std::string a1("\xC0\x00\x02\x01", 4), a2("\xC0\x00\x02\x02", 4);

struct Msg {
    MessageBuilder b;
    explicit Msg(const char* zone = "example.com.", uint16_t type = rrtype::SOA,
                 uint16_t cls = rrclass::IN) {
        b.reset(7, uint16_t(opcode::UPDATE << 11));
        b.add_question(n(zone), type, cls);
    }
    Msg& pre(const char* owner, uint16_t type, uint16_t cls, const std::string& rd = {},
             uint32_t ttl = 0) {
        b.add_rr(Section::answer, n(owner).wire(), type, cls, ttl, rd);
        return *this;
    }
    Msg& upd(const char* owner, uint16_t type, uint16_t cls, const std::string& rd = {},
             uint32_t ttl = 0) {
        b.add_rr(Section::authority, n(owner).wire(), type, cls, ttl, rd);
        return *this;
    }
    update::Parsed parse() const {
        auto m = parse_message(b.data());
        EXPECT_TRUE(m.ok()) << m.error();
        return update::parse(*m);
    }
};

struct FakeZone : update::ZoneView {
    std::map<std::pair<std::string, uint16_t>, std::vector<std::string>> sets;
    bool name_in_use(const Name& name) override {
        for (const auto& [k, v] : sets)
            if (k.first == name.lowercased().to_text()) return true;
        return false;
    }
    std::vector<std::string> rrset(const Name& name, uint16_t type) override {
        auto it = sets.find({name.lowercased().to_text(), type});
        return it == sets.end() ? std::vector<std::string>{} : it->second;
    }
};

} // namespace

TEST(Update, ReadsEveryKindOfUpdate) {
    auto p = Msg()
                 .upd("www.example.com.", rrtype::A, rrclass::IN, a1, 300)
                 .upd("old.example.com.", rrtype::A, rrclass::ANY)
                 .upd("gone.example.com.", rrtype::ANY, rrclass::ANY)
                 .upd("www.example.com.", rrtype::A, rrclass::NONE, a2)
                 .parse();
    ASSERT_EQ(p.rcode, 0u) << p.why;
    EXPECT_EQ(p.request.zone, n("example.com."));
    ASSERT_EQ(p.request.changes.size(), 4u);
    EXPECT_EQ(p.request.changes[0].kind, update::Change::Kind::add);
    EXPECT_EQ(p.request.changes[0].rr.ttl, 300u);
    EXPECT_EQ(p.request.changes[0].rr.rdata, a1);
    EXPECT_EQ(p.request.changes[1].kind, update::Change::Kind::delete_rrset);
    EXPECT_EQ(p.request.changes[2].kind, update::Change::Kind::delete_name);
    EXPECT_EQ(p.request.changes[3].kind, update::Change::Kind::delete_record);
    EXPECT_EQ(p.request.changes[3].rr.cls, rrclass::IN);
}

TEST(Update, ZoneSectionMustBeOneSoaOfClassIn) {
    EXPECT_EQ(Msg("example.com.", rrtype::A).parse().rcode, rcode::FORMERR);
    EXPECT_EQ(Msg("example.com.", rrtype::SOA, rrclass::CH).parse().rcode, update::rcode::NOTAUTH);
    MessageBuilder b;
    b.reset(1, uint16_t(opcode::UPDATE << 11));
    EXPECT_EQ(update::parse(*parse_message(b.data())).rcode, rcode::FORMERR);
    MessageBuilder q;
    q.reset(1, 0);
    q.add_question(n("example.com."), rrtype::SOA, rrclass::IN);
    EXPECT_EQ(update::parse(*parse_message(q.data())).rcode, rcode::NOTIMP);
}

TEST(Update, NamesOutsideTheZoneAreNotzone) {
    EXPECT_EQ(Msg().upd("www.example.net.", rrtype::A, rrclass::IN, a1, 60).parse().rcode,
              update::rcode::NOTZONE);
    EXPECT_EQ(Msg().pre("example.net.", rrtype::ANY, rrclass::ANY).parse().rcode,
              update::rcode::NOTZONE);
    EXPECT_EQ(Msg().upd("example.com.", rrtype::A, rrclass::IN, a1, 60).parse().rcode, 0u);
}

TEST(Update, MalformedItemsAreFormerr) {
    // prerequisite with a TTL, with RDATA under class ANY, of a foreign class
    EXPECT_EQ(Msg().pre("a.example.com.", rrtype::A, rrclass::ANY, {}, 5).parse().rcode,
              rcode::FORMERR);
    EXPECT_EQ(Msg().pre("a.example.com.", rrtype::A, rrclass::ANY, a1).parse().rcode,
              rcode::FORMERR);
    EXPECT_EQ(Msg().pre("a.example.com.", rrtype::A, rrclass::CH, a1).parse().rcode,
              rcode::FORMERR);
    // update: add of a meta type, delete with a TTL, delete-RR with a TTL, delete of a meta type
    // (RDATA of the wrong size fails parse_message already)
    EXPECT_EQ(Msg().upd("a.example.com.", rrtype::ANY, rrclass::IN, a1, 60).parse().rcode,
              rcode::FORMERR);
    EXPECT_EQ(Msg().upd("a.example.com.", rrtype::A, rrclass::ANY, {}, 60).parse().rcode,
              rcode::FORMERR);
    EXPECT_EQ(Msg().upd("a.example.com.", rrtype::A, rrclass::NONE, a1, 60).parse().rcode,
              rcode::FORMERR);
    EXPECT_EQ(Msg().upd("a.example.com.", rrtype::AXFR, rrclass::ANY).parse().rcode,
              rcode::FORMERR);
}

TEST(Update, PrerequisitesGiveTheirRcodes) {
    FakeZone z;
    z.sets[{"www.example.com.", rrtype::A}] = {a1, a2};
    auto check = [&](Msg& m) {
        auto p = m.parse();
        EXPECT_EQ(p.rcode, 0u) << p.why;
        return update::check_prereqs(p.request, z);
    };
    Msg m1;
    EXPECT_EQ(check(m1.pre("www.example.com.", rrtype::ANY, rrclass::ANY)), 0u);
    Msg m2;
    EXPECT_EQ(check(m2.pre("no.example.com.", rrtype::ANY, rrclass::ANY)), rcode::NXDOMAIN);
    Msg m3;
    EXPECT_EQ(check(m3.pre("www.example.com.", rrtype::ANY, rrclass::NONE)),
              update::rcode::YXDOMAIN);
    Msg m4;
    EXPECT_EQ(check(m4.pre("www.example.com.", rrtype::TXT, rrclass::ANY)), update::rcode::NXRRSET);
    Msg m5;
    EXPECT_EQ(check(m5.pre("www.example.com.", rrtype::A, rrclass::NONE)), update::rcode::YXRRSET);
    Msg m6;
    EXPECT_EQ(check(m6.pre("www.example.com.", rrtype::TXT, rrclass::NONE)), 0u);
    // value dependent: the whole RRset, in any order, TTL ignored
    Msg m7;
    EXPECT_EQ(check(m7.pre("www.example.com.", rrtype::A, rrclass::IN, a2)
                        .pre("www.example.com.", rrtype::A, rrclass::IN, a1)),
              0u);
    Msg m8;
    EXPECT_EQ(check(m8.pre("www.example.com.", rrtype::A, rrclass::IN, a1)),
              update::rcode::NXRRSET);
}

TEST(Update, ResponseEchoesIdOpcodeAndZone) {
    Msg m;
    auto req = parse_message(m.b.data());
    auto r = parse_message(update::response(*req, update::rcode::NXRRSET));
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->header.id, 7);
    EXPECT_EQ(r->header.opcode(), opcode::UPDATE);
    EXPECT_TRUE(r->header.flags & flag::QR);
    EXPECT_EQ(r->header.rcode(), update::rcode::NXRRSET);
    ASSERT_EQ(r->question.size(), 1u);
    EXPECT_EQ(r->question[0].type, rrtype::SOA);
}
