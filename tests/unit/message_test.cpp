// SPDX-License-Identifier: MIT
// Unit tests of lib/dns/message: build/parse round trips, name compression, size limits, strict
// parsing.
#include "dns/message.hpp"

#include "test_util.hpp"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

namespace dns = endpointdns::dns;
namespace rrtype = endpointdns::dns::rrtype;
using dns::MessageBuilder;
using dns::Rr;
using dns::Section;
using namespace endpointdns::test;

namespace {

std::string header(uint16_t qd, uint16_t an, uint16_t ns = 0, uint16_t ar = 0,
                   uint16_t flags = 0x8400) {
    return u16(0x1234) + u16(flags) + u16(qd) + u16(an) + u16(ns) + u16(ar);
}

// Uncompressed wire size of a record.
size_t plain_size(const Rr& r) {
    return r.owner.wire_size() + 10 + r.rdata.size();
}

void expect_same(const Rr& got, const Rr& want, const std::string& what) {
    EXPECT_TRUE(got.owner.same_case(want.owner))
        << what << ": owner " << got.owner.to_text() << " != " << want.owner.to_text();
    EXPECT_EQ(got.type, want.type) << what;
    EXPECT_EQ(got.cls, want.cls) << what;
    EXPECT_EQ(got.ttl, want.ttl) << what;
    EXPECT_EQ(got.rdata, want.rdata) << what << " (" << dns::type_name(want.type) << ")";
}

// Independent walk over a built message: the raw (possibly compressed) octets of each record's
// owner and RDATA, without decompression. Questions are skipped.
struct RawRr {
    std::string owner, rdata;
};
std::vector<RawRr> raw_records(std::string_view m) {
    auto p = reinterpret_cast<const uint8_t*>(m.data());
    size_t pos = 12;
    auto skip_name = [&] {
        while (true) {
            uint8_t l = p[pos];
            if ((l & 0xC0) == 0xC0) {
                pos += 2;
                return;
            }
            pos += 1 + l;
            if (l == 0) return;
        }
    };
    unsigned qd = dns::get16(p + 4),
             total = dns::get16(p + 6) + dns::get16(p + 8) + dns::get16(p + 10);
    for (unsigned i = 0; i < qd; ++i) {
        skip_name();
        pos += 4;
    }
    std::vector<RawRr> out;
    for (unsigned i = 0; i < total; ++i) {
        size_t start = pos;
        skip_name();
        RawRr r;
        r.owner = std::string(m.substr(start, pos - start));
        size_t rdlen = dns::get16(p + pos + 8);
        r.rdata = std::string(m.substr(pos + 10, rdlen));
        pos += 10 + rdlen;
        out.push_back(r);
    }
    EXPECT_EQ(pos, m.size());
    return out;
}

// A realistic answer: every common type, names sharing suffixes, two letter cases.
struct Sample {
    std::vector<Rr> answer, authority, additional;
};
Sample sample() {
    Sample s;
    s.answer = {
        rr("example.com.", rrtype::SOA, 3600,
           soa_rdata("ns1.example.com.", "hostmaster.example.com.", 2024)),
        rr("example.com.", rrtype::NS, 3600, W("ns1.example.com.")),
        rr("example.com.", rrtype::NS, 3600, W("ns2.example.com.")),
        rr("example.com.", rrtype::MX, 300, u16(10) + W("mail.example.com.")),
        rr("www.example.com.", rrtype::A, 300, bytes({192, 0, 2, 1})),
        rr("WWW.Example.com.", rrtype::A, 300, bytes({192, 0, 2, 2})),
        rr("alias.example.com.", rrtype::CNAME, 300, W("www.example.com.")),
        rr("Alias2.example.com.", rrtype::CNAME, 300, W("WWW.Example.com.")),
        rr("example.com.", rrtype::TXT, 60, txt({"hello", "world", ""})),
        rr("_sip._tcp.example.com.", rrtype::SRV, 60,
           u16(1) + u16(2) + u16(5060) + W("sip.example.com.")),
        rr("old.example.com.", rrtype::DNAME, 60, W("new.example.com.")),
        rr("example.com.", rrtype::AAAA, 60, std::string(15, '\0') + "\1"),
    };
    s.authority = {rr("example.com.", rrtype::NS, 3600, W("ns1.example.com."))};
    s.additional = {
        rr("ns1.example.com.", rrtype::A, 3600, bytes({192, 0, 2, 53})),
        rr("ns2.example.com.", rrtype::A, 3600, bytes({192, 0, 2, 54})),
        rr("mail.example.com.", rrtype::TXT, 3600, txt({"v=spf1 -all"})),
    };
    return s;
}

std::string build(const Sample& s, MessageBuilder& mb) {
    mb.reset(0xBEEF, dns::flag::QR | dns::flag::AA | dns::flag::RD);
    EXPECT_TRUE(mb.add_question(N("example.com."), rrtype::ANY, dns::rrclass::IN));
    for (const auto& r : s.answer) EXPECT_TRUE(mb.add_rr(Section::answer, r));
    for (const auto& r : s.authority) EXPECT_TRUE(mb.add_rr(Section::authority, r));
    for (const auto& r : s.additional) EXPECT_TRUE(mb.add_rr(Section::additional, r));
    return std::string(mb.data());
}

std::string parse_error(std::string_view m) {
    auto r = dns::parse_message(m);
    EXPECT_FALSE(r.ok()) << "malformed message accepted";
    if (r.ok()) return {};
    EXPECT_FALSE(r.error().empty());
    return r.error();
}

} // namespace

// ---- round trips ---------------------------------------------------------------------------

TEST(Message, BuildParseRoundTrip) {
    Sample s = sample();
    MessageBuilder mb;
    std::string m = build(s, mb);
    EXPECT_EQ(mb.count(Section::answer), s.answer.size());
    EXPECT_EQ(mb.count(Section::authority), 1u);
    EXPECT_EQ(mb.count(Section::additional), 3u);
    auto p = dns::parse_message(m);
    ASSERT_TRUE(p.ok()) << p.error();
    EXPECT_EQ(p->header.id, 0xBEEF);
    EXPECT_EQ(p->header.flags, dns::flag::QR | dns::flag::AA | dns::flag::RD);
    EXPECT_EQ(p->header.opcode(), dns::opcode::QUERY);
    EXPECT_EQ(p->header.rcode(), dns::rcode::NOERROR);
    ASSERT_EQ(p->question.size(), 1u);
    EXPECT_TRUE(p->question[0].name.same_case(N("example.com.")));
    EXPECT_EQ(p->question[0].type, rrtype::ANY);
    EXPECT_EQ(p->question[0].cls, dns::rrclass::IN);
    ASSERT_EQ(p->answer.size(), s.answer.size());
    for (size_t i = 0; i < s.answer.size(); ++i)
        expect_same(p->answer[i], s.answer[i], "answer " + std::to_string(i));
    ASSERT_EQ(p->authority.size(), 1u);
    expect_same(p->authority[0], s.authority[0], "authority");
    ASSERT_EQ(p->additional.size(), s.additional.size());
    for (size_t i = 0; i < s.additional.size(); ++i)
        expect_same(p->additional[i], s.additional[i], "additional " + std::to_string(i));
}

TEST(Message, RcodeAndReset) {
    MessageBuilder mb;
    mb.reset(7, dns::flag::QR);
    mb.add_question(N("x.example."), rrtype::A, dns::rrclass::IN);
    mb.set_rcode(dns::rcode::NXDOMAIN);
    auto p = dns::parse_message(mb.data());
    ASSERT_TRUE(p.ok()) << p.error();
    EXPECT_EQ(p->header.rcode(), dns::rcode::NXDOMAIN);
    EXPECT_EQ(p->header.flags & dns::flag::QR, dns::flag::QR);
    // reset forgets everything, including compression targets of the previous message.
    mb.reset(8, 0);
    EXPECT_EQ(mb.size(), dns::header_size);
    EXPECT_EQ(mb.count(Section::answer), 0u);
    ASSERT_TRUE(mb.add_rr(Section::answer, rr("x.example.", rrtype::A, 1, bytes({1, 2, 3, 4}))));
    auto q = dns::parse_message(mb.data());
    ASSERT_TRUE(q.ok()) << q.error();
    EXPECT_EQ(q->header.id, 8);
    EXPECT_TRUE(q->question.empty());
    ASSERT_EQ(q->answer.size(), 1u);
    EXPECT_TRUE(q->answer[0].owner.same_case(N("x.example.")));
    // The owner is written in full: nothing from before the reset is pointed at.
    EXPECT_EQ(raw_records(mb.data())[0].owner, W("x.example."));
}

// ---- compression ---------------------------------------------------------------------------

TEST(Message, CompressionHappens) {
    Sample s = sample();
    MessageBuilder mb;
    std::string m = build(s, mb);
    size_t plain = dns::header_size + N("example.com.").wire_size() + 4;
    for (const auto* sec : {&s.answer, &s.authority, &s.additional})
        for (const auto& r : *sec) plain += plain_size(r);
    EXPECT_LT(m.size(), plain * 3 / 4) << "compressed " << m.size() << " vs plain " << plain;

    auto raw = raw_records(m);
    ASSERT_EQ(raw.size(), s.answer.size() + s.authority.size() + s.additional.size());
    // Owner example.com. is the question name: a bare pointer to offset 12.
    EXPECT_EQ(raw[0].owner, bytes({0xC0, 12}));
    // SOA: both names end in example.com. and are compressed.
    EXPECT_EQ(raw[0].rdata.size(), 4u + 2 + 11 + 2 + 20) << "SOA names not compressed";
    // NS ns1.example.com. was written in full in the SOA: a bare pointer.
    ASSERT_FALSE(raw[1].rdata.empty());
    EXPECT_EQ(uint8_t(raw[1].rdata[0]) & 0xC0, 0xC0);
    EXPECT_EQ(raw[1].rdata.size(), 2u) << "NS target not compressed";
    EXPECT_EQ(raw[2].rdata.size(), 4u + 2) << "NS target suffix not compressed";
    EXPECT_EQ(raw[3].rdata.size(), 2u + 5 + 2) << "MX exchange not compressed";
    EXPECT_EQ(raw[4].owner.size(), 4u + 2); // www + pointer
    // CNAME www.example.com.: the A record's owner, byte for byte: a bare pointer.
    EXPECT_EQ(raw[6].rdata.size(), 2u) << "CNAME target not compressed";
    // CNAME WWW.Example.com.: the second A record's owner, same letter case: a bare pointer.
    EXPECT_EQ(raw[7].rdata.size(), 2u) << "CNAME target (mixed case) not compressed";
}

TEST(Message, NoCompressionWhereRfc3597ForbidsIt) {
    Sample s = sample();
    MessageBuilder mb;
    std::string m = build(s, mb);
    auto raw = raw_records(m);
    // SRV (RFC 2782) and DNAME (RFC 6672): targets are written in full.
    EXPECT_EQ(raw[9].rdata, s.answer[9].rdata) << "SRV target compressed";
    EXPECT_EQ(raw[10].rdata, s.answer[10].rdata) << "DNAME target compressed";
}

TEST(Message, CompressionKeepsLetterCase) {
    MessageBuilder mb;
    mb.reset(1, dns::flag::QR);
    std::vector<Rr> rrs = {
        rr("WWW.Example.com.", rrtype::A, 1, bytes({1, 1, 1, 1})),
        rr("www.example.com.", rrtype::A, 1, bytes({2, 2, 2, 2})),
        rr("a.WWW.Example.com.", rrtype::CNAME, 1, W("www.example.com.")),
        rr("a.www.example.com.", rrtype::CNAME, 1, W("WWW.EXAMPLE.COM.")),
        rr("b.example.COM.", rrtype::NS, 1, W("Www.Example.Com.")),
        rr("c.example.com.", rrtype::MX, 1, u16(5) + W("wWw.eXample.com.")),
    };
    for (const auto& r : rrs) ASSERT_TRUE(mb.add_rr(Section::answer, r));
    auto p = dns::parse_message(mb.data());
    ASSERT_TRUE(p.ok()) << p.error();
    ASSERT_EQ(p->answer.size(), rrs.size());
    for (size_t i = 0; i < rrs.size(); ++i) expect_same(p->answer[i], rrs[i], std::to_string(i));
}

TEST(Message, CompressionBeyondPointerRange) {
    // Past 16 KiB a name cannot be a pointer target; names there must still come back right.
    MessageBuilder mb;
    mb.reset(1, dns::flag::QR);
    std::vector<Rr> rrs;
    for (int i = 0; i < 1200; ++i) {
        std::string owner =
            "host-" + std::to_string(i) + ".Zone" + std::to_string(i % 7) + ".example.";
        rrs.push_back(rr(owner, rrtype::MX, uint32_t(i),
                         u16(uint16_t(i)) + W("mx" + std::to_string(i % 50) + "." + owner)));
    }
    size_t added = 0;
    for (const auto& r : rrs) {
        if (!mb.add_rr(Section::answer, r)) break;
        ++added;
    }
    EXPECT_EQ(added, rrs.size());
    EXPECT_GT(mb.size(), 0x4000u);
    auto p = dns::parse_message(mb.data());
    ASSERT_TRUE(p.ok()) << p.error();
    ASSERT_EQ(p->answer.size(), added);
    for (size_t i = 0; i < added; ++i) expect_same(p->answer[i], rrs[i], std::to_string(i));
}

// ---- size limit ----------------------------------------------------------------------------

TEST(Message, RecordOverLimitLeavesMessageUnchanged) {
    MessageBuilder mb(200);
    mb.reset(1, dns::flag::QR);
    ASSERT_TRUE(mb.add_question(N("example.com."), rrtype::AXFR, dns::rrclass::IN));
    ASSERT_TRUE(
        mb.add_rr(Section::answer, rr("a.example.com.", rrtype::A, 1, bytes({1, 2, 3, 4}))));
    std::string before(mb.data());
    unsigned count = mb.count(Section::answer);
    // The owner fits, the RDATA does not.
    Rr big = rr("new.example.com.", rrtype::TXT, 1, txt({std::string(200, 'x')}));
    EXPECT_FALSE(mb.add_rr(Section::answer, big));
    EXPECT_EQ(mb.data(), before);
    EXPECT_EQ(mb.count(Section::answer), count);
    EXPECT_TRUE(dns::parse_message(mb.data()).ok());
    // A name inside RDATA that does not fit.
    Rr mx = rr("b.example.com.", rrtype::MX, 1,
               u16(1) + W(std::string(60, 'm') + "." + std::string(60, 'n') + "." +
                          std::string(60, 'o') + ".org."));
    EXPECT_FALSE(mb.add_rr(Section::answer, mx));
    EXPECT_EQ(mb.data(), before);
    // The names of the failed records must not be compression targets afterwards: this owner
    // would otherwise point at octets that were rolled back.
    Rr small = rr("new.example.com.", rrtype::A, 1, bytes({5, 6, 7, 8}));
    ASSERT_TRUE(mb.add_rr(Section::answer, small));
    Rr small2 = rr("b.example.com.", rrtype::A, 1, bytes({5, 6, 7, 9}));
    ASSERT_TRUE(mb.add_rr(Section::answer, small2));
    auto p = dns::parse_message(mb.data());
    ASSERT_TRUE(p.ok()) << p.error();
    ASSERT_EQ(p->answer.size(), 3u);
    expect_same(p->answer[1], small, "after rollback");
    expect_same(p->answer[2], small2, "after rollback");
    // A question that does not fit is refused the same way.
    std::string now(mb.data());
    EXPECT_FALSE(mb.add_question(N(std::string(63, 'q') + "." + std::string(63, 'r') + "."),
                                 rrtype::A, dns::rrclass::IN));
    EXPECT_EQ(mb.data(), now);
}

TEST(Message, MarkAndRewind) {
    MessageBuilder mb;
    mb.reset(1, dns::flag::QR);
    ASSERT_TRUE(mb.add_question(N("example.com."), rrtype::AXFR, dns::rrclass::IN));
    ASSERT_TRUE(
        mb.add_rr(Section::answer, rr("a.example.com.", rrtype::A, 1, bytes({1, 2, 3, 4}))));
    auto m = mb.mark();
    std::string before(mb.data());
    // Records in several sections, with names that become compression targets.
    ASSERT_TRUE(mb.add_rr(Section::answer,
                          rr("new.example.com.", rrtype::NS, 1, W("ns.new.example.com."))));
    ASSERT_TRUE(mb.add_rr(Section::authority,
                          rr("new.example.com.", rrtype::NS, 1, W("ns.new.example.com."))));
    ASSERT_TRUE(mb.add_rr(Section::additional,
                          rr("ns.new.example.com.", rrtype::A, 1, bytes({5, 5, 5, 5}))));
    mb.rewind(m);
    EXPECT_EQ(mb.data(), before);
    EXPECT_EQ(mb.count(Section::answer), 1u);
    EXPECT_EQ(mb.count(Section::authority), 0u);
    EXPECT_EQ(mb.count(Section::additional), 0u);
    // Nothing written after the mark is used as a compression target afterwards.
    Rr again = rr("ns.new.example.com.", rrtype::A, 1, bytes({6, 6, 6, 6}));
    ASSERT_TRUE(mb.add_rr(Section::answer, again));
    auto p = dns::parse_message(mb.data());
    ASSERT_TRUE(p.ok()) << p.error();
    ASSERT_EQ(p->answer.size(), 2u);
    expect_same(p->answer[1], again, "after rewind");
    EXPECT_TRUE(p->authority.empty());
    EXPECT_TRUE(p->additional.empty());
}

TEST(Message, LimitIsInclusive) {
    Rr r = rr("www.example.com.", rrtype::TXT, 1, txt({"some text"}));
    MessageBuilder probe;
    probe.reset(0, 0);
    ASSERT_TRUE(probe.add_question(N("example.com."), rrtype::AXFR, dns::rrclass::IN));
    size_t header_and_question = probe.size();
    ASSERT_TRUE(probe.add_rr(Section::answer, r));
    size_t exact = probe.size();

    MessageBuilder fits(exact);
    fits.reset(0, 0);
    ASSERT_TRUE(fits.add_question(N("example.com."), rrtype::AXFR, dns::rrclass::IN));
    EXPECT_TRUE(fits.add_rr(Section::answer, r));
    EXPECT_EQ(fits.size(), exact);

    MessageBuilder tight(exact - 1);
    tight.reset(0, 0);
    ASSERT_TRUE(tight.add_question(N("example.com."), rrtype::AXFR, dns::rrclass::IN));
    EXPECT_FALSE(tight.add_rr(Section::answer, r));
    EXPECT_EQ(tight.size(), header_and_question);
    EXPECT_EQ(tight.count(Section::answer), 0u);

    // set_limit changes the limit of an existing builder.
    tight.set_limit(exact);
    EXPECT_TRUE(tight.add_rr(Section::answer, r));
}

TEST(Message, FillsUpToTheMaximum) {
    MessageBuilder mb;
    mb.reset(1, dns::flag::QR);
    size_t n = 0;
    for (;; ++n) {
        Rr r = rr("t" + std::to_string(n) + ".example.", rrtype::TXT, 1,
                  txt({std::string(255, char('a' + n % 26))}));
        if (!mb.add_rr(Section::answer, r)) break;
    }
    EXPECT_GT(n, 200u);
    EXPECT_LE(mb.size(), dns::max_message);
    auto p = dns::parse_message(mb.data());
    ASSERT_TRUE(p.ok()) << p.error();
    EXPECT_EQ(p->answer.size(), n);
}

// ---- parse errors --------------------------------------------------------------------------

TEST(MessageParse, ShorterThanHeader) {
    std::string e = parse_error(header(0, 0).substr(0, 11));
    EXPECT_NE(e.find("header"), std::string::npos) << e;
    parse_error("");
    EXPECT_TRUE(dns::parse_message(header(0, 0)).ok());
}

TEST(MessageParse, CountsLargerThanContent) {
    MessageBuilder mb;
    std::string m = build(sample(), mb);
    for (int field : {4, 6, 8, 10}) {
        std::string bad = m;
        bad[field + 1] = char(uint8_t(bad[field + 1]) + 1);
        parse_error(bad);
    }
    parse_error(header(0, 1));
    parse_error(header(1, 0));
    parse_error(header(0, 0, 0, 0xFFFF));
}

TEST(MessageParse, TruncatedRecord) {
    std::string e = parse_error(header(0, 1) + W("a.example.") + u16(1) + u16(1) + bytes({0}));
    EXPECT_NE(e.find("answer record 1"), std::string::npos) << e;
    parse_error(header(1, 0) + W("a.example.") + u16(1)); // question without class
    parse_error(header(0, 1) + bytes({3, 'a', 'b'}));     // owner cut short
}

TEST(MessageParse, RdataPastEnd) {
    std::string e = parse_error(header(0, 1) + W("a.") + u16(1) + u16(1) + u32(0) + u16(10) +
                                bytes({1, 2, 3, 4}));
    EXPECT_NE(e.find("past"), std::string::npos) << e;
    // The name in an NS RDATA running past its RDLENGTH, though not past the message.
    std::string ns = W("ns.example.");
    parse_error(header(0, 1) + W("a.") + u16(rrtype::NS) + u16(1) + u32(0) + u16(3) + ns);
}

TEST(MessageParse, TrailingGarbage) {
    MessageBuilder mb;
    std::string m = build(sample(), mb);
    std::string e = parse_error(m + "x");
    EXPECT_NE(e.find("trailing"), std::string::npos) << e;
}

TEST(MessageParse, ForwardCompressionPointer) {
    // Question name pointing forward (to the following root label).
    parse_error(header(1, 0) + bytes({0xC0, 14}) + bytes({0}) + u16(1) + u16(1));
    // Answer owner pointing at itself.
    parse_error(header(0, 1) + bytes({0xC0, 12}) + u16(1) + u16(1) + u32(0) + u16(4) + "abcd");
    // NS RDATA pointing forward into the RDATA itself.
    parse_error(header(0, 1) + W("a.") + u16(rrtype::NS) + u16(1) + u32(0) + u16(3) +
                bytes({0xC0, 27, 0}));
}

TEST(MessageParse, RdataLayoutEnforced) {
    auto a_with = [](std::string rdata) {
        return header(0, 1) + W("a.") + u16(rrtype::A) + u16(1) + u32(0) +
               u16(uint16_t(rdata.size())) + rdata;
    };
    EXPECT_TRUE(dns::parse_message(a_with(bytes({1, 2, 3, 4}))).ok());
    std::string e = parse_error(a_with(bytes({1, 2, 3, 4, 5})));
    EXPECT_NE(e.find("A"), std::string::npos) << e;
    parse_error(a_with(bytes({1, 2, 3})));
    parse_error(a_with(""));
    // MX whose exchange is missing.
    parse_error(header(0, 1) + W("a.") + u16(rrtype::MX) + u16(1) + u32(0) + u16(2) + u16(10));
    // DNAME targets are never compressed (RFC 6672): a pointer there is malformed.
    std::string q = W("example.");
    parse_error(header(1, 1) + q + u16(1) + u16(1) + bytes({0xC0, 12}) + u16(rrtype::DNAME) +
                u16(1) + u32(0) + u16(2) + bytes({0xC0, 12}));
    // The same pointer in a CNAME is fine and is decompressed.
    auto ok = dns::parse_message(header(1, 1) + q + u16(1) + u16(1) + bytes({0xC0, 12}) +
                                 u16(rrtype::CNAME) + u16(1) + u32(0) + u16(2) + bytes({0xC0, 12}));
    ASSERT_TRUE(ok.ok()) << ok.error();
    EXPECT_EQ(ok->answer[0].rdata, q);
}

TEST(MessageParse, EveryPrefixIsRejected) {
    MessageBuilder mb;
    std::string m = build(sample(), mb);
    ASSERT_TRUE(dns::parse_message(m).ok());
    for (size_t n = 0; n < m.size(); ++n)
        ASSERT_FALSE(dns::parse_message(m.substr(0, n)).ok()) << "prefix of " << n << " octets";
}

TEST(MessageParse, MutationsNeverCrashAndYieldValidRdata) {
    MessageBuilder mb;
    const std::string m = build(sample(), mb);
    std::mt19937 rng(1035);
    size_t accepted = 0;
    MessageBuilder again;
    for (int iter = 0; iter < 20000; ++iter) {
        std::string x = m;
        unsigned flips = 1 + rng() % 4;
        for (unsigned k = 0; k < flips; ++k) x[rng() % x.size()] = char(rng() % 256);
        if (rng() % 8 == 0) x.resize(rng() % x.size());
        auto p = dns::parse_message(x);
        if (!p.ok()) {
            ASSERT_FALSE(p.error().empty());
            continue;
        }
        ++accepted;
        // Whatever is accepted is uncompressed and matches its type's layout, and builds again.
        again.reset(p->header.id, p->header.flags);
        for (const auto& q : p->question) again.add_question(q.name, q.type, q.cls);
        for (const auto* sec : {&p->answer, &p->authority, &p->additional})
            for (const auto& r : *sec) {
                ASSERT_TRUE(dns::check_rdata(r.type, r.rdata).ok())
                    << dns::type_name(r.type) << " RDATA of " << r.owner.to_text();
                ASSERT_TRUE(again.add_rr(sec == &p->answer      ? Section::answer
                                         : sec == &p->authority ? Section::authority
                                                                : Section::additional,
                                         r));
            }
        auto back = dns::parse_message(again.data());
        ASSERT_TRUE(back.ok()) << back.error();
        ASSERT_EQ(back->answer.size(), p->answer.size());
        for (size_t i = 0; i < p->answer.size(); ++i) {
            ASSERT_TRUE(back->answer[i].owner.same_case(p->answer[i].owner));
            ASSERT_EQ(back->answer[i].rdata, p->answer[i].rdata);
        }
    }
    EXPECT_GT(accepted, 0u);
}

TEST(MessageParse, LongerThanMaximum) {
    std::string m = header(0, 0) + std::string(65536 - 12, '\0');
    parse_error(m);
}
