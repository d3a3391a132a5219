// SPDX-License-Identifier: MIT
// Unit tests of lib/serve/xfr: the transfer ACL, AXFR and IXFR message streams, TSIG answers.
#include "dns/message.hpp"
#include "serve/xfr.hpp"
#include "test_util.hpp"
#include "zone/delta.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <gtest/gtest.h>

using namespace endpointdns;
using namespace endpointdns::serve;
using endpointdns::test::soa_line;
using endpointdns::test::zone_from;
namespace tsig = dns::tsig;

namespace {

sockaddr_storage v4(const char* a) {
    sockaddr_storage ss{};
    auto* in = reinterpret_cast<sockaddr_in*>(&ss);
    in->sin_family = AF_INET;
    inet_pton(AF_INET, a, &in->sin_addr);
    return ss;
}

sockaddr_storage v6(const char* a) {
    sockaddr_storage ss{};
    auto* in = reinterpret_cast<sockaddr_in6*>(&ss);
    in->sin6_family = AF_INET6;
    inet_pton(AF_INET6, a, &in->sin6_addr);
    return ss;
}

std::shared_ptr<const ZoneSet> zones(size_t extra = 0, uint32_t serial = 5) {
    std::string text =
        soa_line(serial) + "@ 3600 NS ns1\nns1 3600 A 192.0.2.1\nwww 300 A 192.0.2.80\n";
    for (size_t i = 0; i < extra; ++i)
        text += "h" + std::to_string(i) + " 300 TXT \"" + std::string(200, 'x') + "\"\n";
    auto z = ServeZone::build(zone_from(text));
    EXPECT_TRUE(z.ok()) << z.error();
    return ZoneSet::of({*z});
}

std::string request(uint16_t type, int64_t ixfr_serial = -1) {
    dns::MessageBuilder b;
    b.reset(77, 0);
    b.add_question(*dns::Name::parse("example.com."), type, dns::rrclass::IN);
    if (ixfr_serial >= 0) {
        std::string rd = std::string(dns::Name::parse("ns1.example.com.")->wire()) +
                         std::string(dns::Name::parse("h.example.com.")->wire());
        uint32_t s = uint32_t(ixfr_serial);
        for (int sh = 24; sh >= 0; sh -= 8) rd.push_back(char(s >> sh));
        rd += std::string(16, '\0');
        b.add_rr(dns::Section::authority, dns::Name::parse("example.com.")->wire(),
                 dns::rrtype::SOA, dns::rrclass::IN, 0, rd);
    }
    return std::string(b.data());
}

std::vector<dns::Message> run(Transfer& t) {
    std::vector<dns::Message> out;
    std::string m;
    while (t.next(m)) {
        EXPECT_LE(m.size(), 65535u);
        auto p = dns::parse_message(m);
        EXPECT_TRUE(p.ok()) << p.error();
        if (p.ok()) out.push_back(*p);
    }
    return out;
}

std::unique_ptr<Transfer> start(const ZoneSet& z, const TransferPolicy& p, const std::string& q,
                                const sockaddr_storage& peer, uint64_t now = 1000) {
    EXPECT_TRUE(is_transfer_query(reinterpret_cast<const uint8_t*>(q.data()), q.size()));
    return start_transfer(z, p, peer, reinterpret_cast<const uint8_t*>(q.data()), q.size(), now);
}

TransferPolicy policy(std::initializer_list<const char*> allow) {
    TransferPolicy p;
    for (const char* a : allow) p.allow.push_back(*parse_prefix(a));
    return p;
}

} // namespace

TEST(Xfr, Prefixes) {
    auto p = parse_prefix("192.0.2.0/24");
    ASSERT_TRUE(p.ok());
    EXPECT_TRUE(prefix_contains(*p, v4("192.0.2.200")));
    EXPECT_FALSE(prefix_contains(*p, v4("192.0.3.1")));
    EXPECT_TRUE(prefix_contains(*p, v6("::ffff:192.0.2.9"))); // v4-mapped
    auto q = parse_prefix("2001:db8::/33");
    ASSERT_TRUE(q.ok());
    EXPECT_TRUE(prefix_contains(*q, v6("2001:db8:7fff::1")));
    EXPECT_FALSE(prefix_contains(*q, v6("2001:db8:8000::1")));
    EXPECT_FALSE(prefix_contains(*q, v4("192.0.2.1")));
    EXPECT_TRUE(prefix_contains(*parse_prefix("0.0.0.0/0"), v4("203.0.113.1")));
    EXPECT_TRUE(prefix_contains(*parse_prefix("127.0.0.1"), v4("127.0.0.1")));
    EXPECT_FALSE(prefix_contains(*parse_prefix("127.0.0.1"), v4("127.0.0.2")));
    for (const char* bad : {"192.0.2.0/33", "nope", "::/129", "192.0.2.0/", "1.2.3.4/x"})
        EXPECT_FALSE(parse_prefix(bad).ok()) << bad;
}

TEST(Xfr, RecognisesTransferQueries) {
    std::string a = request(dns::rrtype::AXFR), q = request(dns::rrtype::A);
    EXPECT_TRUE(is_transfer_query(reinterpret_cast<const uint8_t*>(a.data()), a.size()));
    EXPECT_FALSE(is_transfer_query(reinterpret_cast<const uint8_t*>(q.data()), q.size()));
    a[2] = char(a[2] | 0x80); // a response
    EXPECT_FALSE(is_transfer_query(reinterpret_cast<const uint8_t*>(a.data()), a.size()));
}

TEST(Xfr, AxfrIsSoaRecordsSoa) {
    auto z = zones();
    auto t = start(*z, policy({"127.0.0.1"}), request(dns::rrtype::AXFR), v4("127.0.0.1"));
    auto msgs = run(*t);
    ASSERT_EQ(msgs.size(), 1u);
    const auto& ans = msgs[0].answer;
    ASSERT_EQ(ans.size(), 5u); // SOA NS A A SOA
    EXPECT_EQ(ans.front().type, dns::rrtype::SOA);
    EXPECT_EQ(ans.back().type, dns::rrtype::SOA);
    EXPECT_EQ(msgs[0].header.id, 77);
    EXPECT_TRUE(msgs[0].header.flags & dns::flag::AA);
    EXPECT_EQ(msgs[0].question.at(0).type, dns::rrtype::AXFR);
}

TEST(Xfr, LargeZonesSpanMessages) {
    auto z = zones(2000);
    auto t = start(*z, policy({"127.0.0.1"}), request(dns::rrtype::AXFR), v4("127.0.0.1"));
    auto msgs = run(*t);
    EXPECT_GT(msgs.size(), 5u);
    size_t n = 0, soa = 0;
    for (const auto& m : msgs)
        for (const auto& rr : m.answer) {
            ++n;
            soa += rr.type == dns::rrtype::SOA;
        }
    EXPECT_EQ(n, 2000u + 5u);
    EXPECT_EQ(soa, 2u);
    EXPECT_EQ(msgs.front().answer.front().type, dns::rrtype::SOA);
    EXPECT_EQ(msgs.back().answer.back().type, dns::rrtype::SOA);
}

TEST(Xfr, RefusedNotauthFormerr) {
    auto z = zones();
    auto rcode = [&](const TransferPolicy& p, const std::string& q, const sockaddr_storage& peer) {
        auto msgs = run(*start(*z, p, q, peer));
        EXPECT_EQ(msgs.size(), 1u);
        return msgs.empty() ? 99 : int(msgs[0].header.rcode());
    };
    EXPECT_EQ(rcode(policy({"192.0.2.0/24"}), request(dns::rrtype::AXFR), v4("127.0.0.1")), 5);
    auto p = policy({"127.0.0.1"});
    p.require_tsig = true;
    EXPECT_EQ(rcode(p, request(dns::rrtype::AXFR), v4("127.0.0.1")), 5);
    // A zone not held.
    dns::MessageBuilder b;
    b.reset(1, 0);
    b.add_question(*dns::Name::parse("example.org."), dns::rrtype::AXFR, dns::rrclass::IN);
    EXPECT_EQ(rcode(policy({"127.0.0.1"}), std::string(b.data()), v4("127.0.0.1")), 9);
    // IXFR without the client's SOA.
    EXPECT_EQ(rcode(policy({"127.0.0.1"}), request(dns::rrtype::IXFR), v4("127.0.0.1")), 1);
}

TEST(Xfr, IxfrCurrentOrBehind) {
    auto z = zones(0, 10);
    auto p = policy({"127.0.0.1"});
    auto cur = run(*start(*z, p, request(dns::rrtype::IXFR, 10), v4("127.0.0.1")));
    ASSERT_EQ(cur.size(), 1u);
    ASSERT_EQ(cur[0].answer.size(), 1u);
    EXPECT_EQ(cur[0].answer[0].type, dns::rrtype::SOA);
    auto newer = run(*start(*z, p, request(dns::rrtype::IXFR, 11), v4("127.0.0.1")));
    ASSERT_EQ(newer.size(), 1u);
    EXPECT_EQ(newer[0].answer.size(), 1u);
    auto behind = run(*start(*z, p, request(dns::rrtype::IXFR, 9), v4("127.0.0.1")));
    ASSERT_EQ(behind.size(), 1u);
    EXPECT_EQ(behind[0].answer.size(), 5u);
    EXPECT_EQ(behind[0].question.at(0).type, dns::rrtype::IXFR);
}

TEST(Xfr, TsigSignsEveryMessageAndReportsErrors) {
    auto z = zones(2000);
    auto p = policy({"127.0.0.1"});
    p.keys.push_back(*tsig::parse_key("hmac-sha256:xfr.:c2VjcmV0LXNlY3JldA=="));
    p.require_tsig = true;
    std::string q = request(dns::rrtype::AXFR);
    tsig::Signer s(p.keys[0], {}, 1000);
    s.sign(q);
    std::string mac = s.last_mac();
    auto t = start(*z, p, q, v4("127.0.0.1"), 1010);
    std::string m;
    size_t n = 0;
    while (t->next(m)) {
        EXPECT_TRUE(tsig::verify_response(reinterpret_cast<const uint8_t*>(m.data()), m.size(),
                                          p.keys[0], mac, n == 0))
            << n;
        ++n;
    }
    EXPECT_GT(n, 5u);
    // Beyond the fudge: BADTIME, signed.
    auto late = start(*z, p, q, v4("127.0.0.1"), 1000 + 301);
    ASSERT_TRUE(late->next(m));
    auto f = tsig::find(reinterpret_cast<const uint8_t*>(m.data()), m.size());
    ASSERT_TRUE(f.ok() && *f);
    EXPECT_EQ((*f)->record.error, tsig::BADTIME);
    EXPECT_EQ(m[3] & 0xF, 9);
    // Another key: BADKEY, unsigned.
    TransferPolicy other = p;
    other.keys = {*tsig::parse_key("hmac-sha256:other.:c2VjcmV0LXNlY3JldA==")};
    auto bad = start(*z, other, q, v4("127.0.0.1"), 1000);
    ASSERT_TRUE(bad->next(m));
    f = tsig::find(reinterpret_cast<const uint8_t*>(m.data()), m.size());
    ASSERT_TRUE(f.ok() && *f);
    EXPECT_EQ((*f)->record.error, tsig::BADKEY);
    EXPECT_TRUE((*f)->record.mac.empty());
    EXPECT_FALSE(bad->next(m));
}

TEST(Xfr, IxfrServesTheHistory) {
    auto text = [](uint32_t serial, const char* www) {
        return soa_line(serial) + "@ 3600 NS ns1\nns1 3600 A 192.0.2.1\nwww 300 A " + www + "\n";
    };
    zone::Zone z1 = zone_from(text(1, "192.0.2.1")), z2 = zone_from(text(2, "192.0.2.2")),
               z3 = zone_from(text(3, "192.0.2.3"));
    auto v1 = ServeZone::build(z1);
    ASSERT_TRUE(v1.ok());
    auto v2 = (*v1)->apply(zone::diff_zones(z1, z2));
    ASSERT_TRUE(v2.ok()) << v2.error();
    auto v3 = (*v2)->apply(zone::diff_zones(z2, z3));
    ASSERT_TRUE(v3.ok()) << v3.error();
    EXPECT_EQ((*v3)->history()->depth, 2u);
    auto set = ZoneSet::of({*v3});
    auto p = policy({"127.0.0.1"});
    auto types = [&](int64_t from) {
        std::string out;
        for (const auto& m :
             run(*start(*set, p, request(dns::rrtype::IXFR, from), v4("127.0.0.1"))))
            for (const auto& rr : m.answer)
                out += rr.type == dns::rrtype::SOA
                           ? "S" + std::to_string(dns::parse_soa(rr.rdata)->serial) + " "
                       : rr.type == dns::rrtype::NS
                           ? std::string("N ")
                           : "A" + std::to_string(uint8_t(rr.rdata[3])) + " ";
        return out;
    };
    EXPECT_EQ(types(1), "S3 S1 A1 S2 A2 S2 A2 S3 A3 S3 ");
    EXPECT_EQ(types(2), "S3 S2 A2 S3 A3 S3 ");
    EXPECT_EQ(types(3), "S3 ");
    // Not in the history: the whole zone (SOA NS A A SOA).
    EXPECT_EQ(types(0), "S3 N A1 A3 S3 ");
}

TEST(Xfr, HistoryIsBounded) {
    zone::Zone z = zone_from(soa_line(1) + "@ 3600 NS ns1\nns1 3600 A 192.0.2.1\n");
    auto v = ServeZone::build(z);
    ASSERT_TRUE(v.ok());
    std::shared_ptr<const ServeZone> cur = *v;
    for (uint32_t s = 2; s < 2 + 3 * ServeZone::history_steps; ++s) {
        zone::Zone next = zone_from(soa_line(s) + "@ 3600 NS ns1\nns1 3600 A 192.0.2.1\n");
        auto n = cur->apply(zone::diff_zones(z, next));
        ASSERT_TRUE(n.ok()) << n.error();
        cur = *n;
        z = std::move(next);
        ASSERT_LE(cur->history()->depth, 2 * ServeZone::history_steps);
    }
    EXPECT_GE(cur->history()->depth, ServeZone::history_steps);
}
