// SPDX-License-Identifier: MIT
// Unit tests of lib/serve/tsig_answer: signed answers to signed queries, and the TSIG errors.
#include "serve/tsig_answer.hpp"

#include "dns/message.hpp"
#include "serve/responder.hpp"
#include "serve/snapshot.hpp"

#include "test_util.hpp"

#include <gtest/gtest.h>

#include <ctime>
#include <string>
#include <vector>

namespace dns = endpointdns::dns;
namespace tsig = endpointdns::dns::tsig;
namespace rrtype = endpointdns::dns::rrtype;
using endpointdns::serve::answer_limit;
using endpointdns::serve::QueryInfo;
using endpointdns::serve::Responder;
using endpointdns::serve::ServeZone;
using endpointdns::serve::Transport;
using endpointdns::serve::tsig_answer;
using endpointdns::serve::ZoneSet;
using namespace endpointdns::test;

namespace {

const tsig::Key key = *tsig::parse_key("hmac-sha256:xfr.example.:c2VjcmV0LXNlY3JldC1zZWNyZXQ=");

class TsigAnswerTest : public ::testing::Test {
protected:
    void SetUp() override {
        std::string text = soa_line(7) + "@ 3600 NS ns1\nns1 3600 A 192.0.2.1\n";
        for (int i = 0; i < 8; ++i)
            text += "big 300 TXT \"" + std::string(100, char('a' + i)) + "\"\n";
        auto z = ServeZone::build(zone_from(text));
        ASSERT_TRUE(z.ok()) << z.error();
        zones_ = ZoneSet::of({*z});
    }

    // The query for NAME TYPE, signed with `k` at `when` (now by default) unless k is null.
    std::string query(std::string_view name, uint16_t type, const tsig::Key* k,
                      uint64_t when = uint64_t(::time(nullptr))) {
        dns::MessageBuilder b(512);
        b.reset(0x5151, 0);
        b.add_question(N(name), type, dns::rrclass::IN);
        std::string q(b.data());
        if (k) {
            tsig::Signer s(*k, {}, when);
            s.sign(q);
            mac_ = s.last_mac();
        }
        return q;
    }

    // The responder's answer, then tsig_answer over it (UDP: limit as the transport allows).
    std::string answer(const std::string& q, Transport t = Transport::udp) {
        const auto* p = reinterpret_cast<const uint8_t*>(q.data());
        std::vector<uint8_t> out(65535);
        size_t len = responder_.answer(*zones_, p, q.size(), t, out.data(), out.size(), info_);
        EXPECT_TRUE(info_.tsig);
        size_t limit = answer_limit(p, q.size(), t, 1232);
        len = tsig_answer({key}, p, q.size(), out.data(), len, limit, uint64_t(::time(nullptr)),
                          info_);
        EXPECT_LE(len, limit);
        return std::string(reinterpret_cast<const char*>(out.data()), len);
    }

    bool verifies(const std::string& a) {
        std::string mac = mac_;
        return tsig::verify_response(reinterpret_cast<const uint8_t*>(a.data()), a.size(), key, mac,
                                     true);
    }

    static tsig::Record tsig_of(const std::string& a) {
        auto f = tsig::find(reinterpret_cast<const uint8_t*>(a.data()), a.size());
        EXPECT_TRUE(f.ok() && *f);
        return f.ok() && *f ? (*f)->record : tsig::Record{};
    }

    std::shared_ptr<const ZoneSet> zones_;
    Responder responder_;
    QueryInfo info_;
    std::string mac_;
};

} // namespace

TEST_F(TsigAnswerTest, ASignedQueryGetsItsAnswerSigned) {
    for (Transport t : {Transport::udp, Transport::tcp}) {
        std::string a = answer(query("example.com.", rrtype::SOA, &key), t);
        EXPECT_TRUE(verifies(a));
        auto m = dns::parse_message(a);
        ASSERT_TRUE(m.ok()) << m.error();
        EXPECT_EQ(m->header.rcode(), dns::rcode::NOERROR);
        EXPECT_TRUE(m->header.flags & dns::flag::AA);
        ASSERT_EQ(m->answer.size(), 1u);
        EXPECT_EQ(m->answer[0].type, rrtype::SOA);
        EXPECT_EQ(tsig_of(a).error, 0);
        EXPECT_EQ(tsig_of(a).original_id, 0x5151);
        EXPECT_EQ(info_.rcode, 0);
    }
}

TEST_F(TsigAnswerTest, TooBigForUdpWithTheTsigIsTruncatedAndSigned) {
    std::string a = answer(query("big.example.com.", rrtype::TXT, &key));
    EXPECT_LE(a.size(), 512u);
    EXPECT_TRUE(verifies(a));
    auto m = dns::parse_message(a);
    ASSERT_TRUE(m.ok());
    EXPECT_TRUE(m->header.flags & dns::flag::TC);
    EXPECT_TRUE(info_.truncated);
    EXPECT_EQ(m->answer.size(), 0u);
    // Over TCP: whole.
    a = answer(query("big.example.com.", rrtype::TXT, &key), Transport::tcp);
    EXPECT_TRUE(verifies(a));
    EXPECT_EQ(dns::parse_message(a)->answer.size(), 8u);
}

TEST_F(TsigAnswerTest, UnknownKeyIsBadkeyWrongSecretBadsigUnsigned) {
    auto other_name = *tsig::parse_key("hmac-sha256:other.example.:c2VjcmV0LXNlY3JldC1zZWNyZXQ=");
    auto other_secret = *tsig::parse_key("hmac-sha256:xfr.example.:b3RoZXItc2VjcmV0");
    auto sha512 = *tsig::parse_key("hmac-sha512:xfr.example.:c2VjcmV0LXNlY3JldC1zZWNyZXQ=");
    struct Case {
        const tsig::Key* k;
        uint16_t error;
    } cases[] = {
        {&other_name, tsig::BADKEY}, {&sha512, tsig::BADKEY}, {&other_secret, tsig::BADSIG}};
    for (const Case& c : cases) {
        std::string a = answer(query("example.com.", rrtype::SOA, c.k));
        auto m = dns::parse_message(a);
        ASSERT_TRUE(m.ok());
        EXPECT_EQ(m->header.rcode(), tsig::rcode_notauth);
        EXPECT_FALSE(m->header.flags & dns::flag::AA);
        EXPECT_EQ(m->answer.size(), 0u);
        ASSERT_EQ(m->question.size(), 1u);
        tsig::Record r = tsig_of(a);
        EXPECT_EQ(r.error, c.error);
        EXPECT_TRUE(r.mac.empty()); // unsigned (RFC 8945 5.3.2)
        EXPECT_EQ(info_.rcode, tsig::rcode_notauth);
    }
}

TEST_F(TsigAnswerTest, OldSignatureIsBadtimeSignedWithTheServerTime) {
    uint64_t then = uint64_t(::time(nullptr)) - 3600;
    std::string a = answer(query("example.com.", rrtype::SOA, &key, then));
    EXPECT_TRUE(verifies(a));
    tsig::Record r = tsig_of(a);
    EXPECT_EQ(r.error, tsig::BADTIME);
    EXPECT_EQ(r.time_signed, then);
    ASSERT_EQ(r.other.size(), 6u);
    EXPECT_EQ(dns::parse_message(a)->answer.size(), 0u);
}

TEST_F(TsigAnswerTest, UnreadableTsigIsFormerr) {
    std::string q = query("example.com.", rrtype::SOA, &key);
    auto f = tsig::find(reinterpret_cast<const uint8_t*>(q.data()), q.size());
    ASSERT_TRUE(f.ok() && *f);
    size_t cls = (*f)->offset + key.name.wire_size() + 2;
    q[cls + 1] = 1; // class IN instead of ANY
    std::string a = answer(q);
    auto m = dns::parse_message(a);
    ASSERT_TRUE(m.ok());
    EXPECT_EQ(m->header.rcode(), dns::rcode::FORMERR);
    EXPECT_EQ(m->additional.size(), 0u);
}

TEST_F(TsigAnswerTest, UnsignedQueriesAreNotFlagged) {
    std::string q = query("example.com.", rrtype::SOA, nullptr);
    std::vector<uint8_t> out(512);
    QueryInfo info;
    EXPECT_GT(responder_.answer(*zones_, reinterpret_cast<const uint8_t*>(q.data()), q.size(),
                                Transport::udp, out.data(), out.size(), info),
              0u);
    EXPECT_FALSE(info.tsig);
}

TEST(AnswerLimit, FollowsTheTransportAndEdns) {
    dns::MessageBuilder b(512);
    b.reset(1, 0);
    b.add_question(N("example.com."), rrtype::SOA, dns::rrclass::IN);
    std::string plain(b.data());
    const auto* p = reinterpret_cast<const uint8_t*>(plain.data());
    EXPECT_EQ(answer_limit(p, plain.size(), Transport::udp, 1232), 512u);
    EXPECT_EQ(answer_limit(p, plain.size(), Transport::tcp, 1232), 65535u);
    // With an OPT record asking for 4096: capped at the server's 1232.
    std::string edns = plain;
    edns[11] = 1;
    edns += std::string("\0\0\x29\x10\x00\0\0\0\0\0\0", 11);
    p = reinterpret_cast<const uint8_t*>(edns.data());
    EXPECT_EQ(answer_limit(p, edns.size(), Transport::udp, 1232), 1232u);
    EXPECT_EQ(answer_limit(p, edns.size(), Transport::udp, 4096), 4096u);
}
