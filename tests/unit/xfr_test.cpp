// SPDX-License-Identifier: MIT
// Unit tests of lib/serve/xfr: the transfer ACL, AXFR and IXFR message streams, TSIG answers.
#include "dns/message.hpp"
#include "error.hpp"
#include "serve/transfer_config.hpp"
#include "serve/xfr.hpp"
#include "test_util.hpp"
#include "zone/delta.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>

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

TEST(Xfr, MappedClientsAreIpv4Clients) {
    // A dual-stack socket sees an IPv4 client as ::ffff:a.b.c.d: IPv4 prefixes match it.
    EXPECT_TRUE(prefix_contains(*parse_prefix("192.0.2.0/24"), v6("::ffff:192.0.2.1")));
    EXPECT_FALSE(prefix_contains(*parse_prefix("192.0.2.0/24"), v6("::ffff:192.0.3.1")));
    EXPECT_TRUE(prefix_contains(*parse_prefix("0.0.0.0/0"), v6("::ffff:203.0.113.9")));
    // IPv6 prefixes never match an IPv4 client, mapped or not: not even ::/0 or the mapped
    // range itself written as IPv6.
    for (const char* six : {"::/0", "::ffff:0:0/95", "::/8"}) {
        EXPECT_FALSE(prefix_contains(*parse_prefix(six), v6("::ffff:192.0.2.1"))) << six;
        EXPECT_FALSE(prefix_contains(*parse_prefix(six), v4("192.0.2.1"))) << six;
    }
    EXPECT_TRUE(prefix_contains(*parse_prefix("::/0"), v6("2001:db8::1")));
    // ... and IPv4 prefixes never match a real IPv6 client, even one whose low 32 bits are
    // the address (IPv4-compatible ::192.0.2.1, or NAT64 64:ff9b::192.0.2.1).
    EXPECT_FALSE(prefix_contains(*parse_prefix("192.0.2.0/24"), v6("::192.0.2.1")));
    EXPECT_FALSE(prefix_contains(*parse_prefix("192.0.2.0/24"), v6("64:ff9b::192.0.2.1")));
    EXPECT_FALSE(prefix_contains(*parse_prefix("0.0.0.0/0"), v6("2001:db8::1")));
    // A mapped prefix in the ACL is the IPv4 prefix it maps.
    auto m = parse_prefix("::ffff:192.0.2.0/120");
    ASSERT_TRUE(m.ok());
    EXPECT_EQ(m->family, AF_INET);
    EXPECT_EQ(m->bits, 24u);
    EXPECT_TRUE(prefix_contains(*m, v4("192.0.2.77")));
    EXPECT_TRUE(prefix_contains(*m, v6("::ffff:192.0.2.77")));
    EXPECT_FALSE(prefix_contains(*m, v4("192.0.3.1")));
    auto one = parse_prefix("::ffff:192.0.2.1");
    ASSERT_TRUE(one.ok());
    EXPECT_EQ(one->family, AF_INET);
    EXPECT_EQ(one->bits, 32u);
    EXPECT_TRUE(prefix_contains(*one, v4("192.0.2.1")));
    // The whole mapped range, ::ffff:0:0/96, is 0.0.0.0/0: every IPv4 client, mapped or not,
    // and no IPv6 one (unlike ::ffff:0:0/95 above, which stays IPv6 and matches neither).
    auto all = parse_prefix("::ffff:0:0/96");
    ASSERT_TRUE(all.ok());
    EXPECT_EQ(all->family, AF_INET);
    EXPECT_EQ(all->bits, 0u);
    EXPECT_TRUE(prefix_contains(*all, v4("192.0.2.1")));
    EXPECT_TRUE(prefix_contains(*all, v4("203.0.113.254")));
    EXPECT_TRUE(prefix_contains(*all, v6("::ffff:198.51.100.7")));
    EXPECT_FALSE(prefix_contains(*all, v6("2001:db8::1")));
    EXPECT_FALSE(prefix_contains(*all, v6("::1")));
    EXPECT_TRUE(prefix_contains(*parse_prefix("::ffff:0.0.0.0/96"), v4("192.0.2.1")));
}

namespace {

tsig::Key key(const char* name) {
    return *tsig::parse_key(std::string("hmac-sha256:") + name + ":c2VjcmV0LXNlY3JldA==");
}

dns::Name name(const char* n) {
    return *dns::Name::parse(n);
}

// A: only 192.0.2.0/24 with key a.; B: only 198.51.100.0/24 with key b.; the rest: the
// global 203.0.113.0/24 with the global key g.
TransferPolicy two_customers() {
    TransferPolicy p = policy({"203.0.113.0/24"});
    p.keys = {key("a."), key("b."), key("g.")};
    ZoneTransferRule a, b;
    a.zone = name("a.example.");
    a.allow = {*parse_prefix("192.0.2.0/24")};
    a.keys = std::vector<dns::Name>{name("a.")};
    b.zone = name("b.example.");
    b.allow = {*parse_prefix("198.51.100.0/24")};
    b.keys = std::vector<dns::Name>{name("b.")};
    b.require_tsig = true;
    p.zones = {a, b};
    return p;
}

} // namespace

TEST(Xfr, PerZonePolicy) {
    TransferPolicy p = two_customers();
    EXPECT_TRUE(p.enabled());
    const tsig::Key &ka = p.keys[0], &kb = p.keys[1], &kg = p.keys[2];
    auto A = name("A.Example."), B = name("b.example."), C = name("c.example.");
    ASSERT_NE(p.rule(A), nullptr); // names compare without regard to case
    EXPECT_EQ(p.rule(C), nullptr);
    EXPECT_FALSE(p.global_key(ka.name));
    EXPECT_TRUE(p.global_key(kg.name));
    // Zone A: its prefix, unsigned or with its key; never B's key or the global key.
    EXPECT_TRUE(p.allows(A, v4("192.0.2.1"), nullptr));
    EXPECT_TRUE(p.allows(A, v6("::ffff:192.0.2.1"), &ka));
    EXPECT_FALSE(p.allows(A, v4("192.0.2.1"), &kb));
    EXPECT_FALSE(p.allows(A, v4("192.0.2.1"), &kg));
    EXPECT_FALSE(p.allows(A, v4("198.51.100.1"), &ka));    // B's address
    EXPECT_FALSE(p.allows(A, v4("203.0.113.1"), nullptr)); // the global address
    // Zone B requires TSIG.
    EXPECT_FALSE(p.allows(B, v4("198.51.100.1"), nullptr));
    EXPECT_TRUE(p.allows(B, v4("198.51.100.1"), &kb));
    EXPECT_FALSE(p.allows(B, v4("198.51.100.1"), &ka));
    // Any other zone: the global lists, and only the keys no entry names.
    EXPECT_TRUE(p.allows(C, v4("203.0.113.1"), nullptr));
    EXPECT_TRUE(p.allows(C, v4("203.0.113.1"), &kg));
    EXPECT_FALSE(p.allows(C, v4("203.0.113.1"), &ka));
    EXPECT_FALSE(p.allows(C, v4("192.0.2.1"), nullptr));
    // An entry with an empty allow list: nobody transfers that zone.
    p.zones[0].allow.clear();
    EXPECT_FALSE(p.allows(A, v4("192.0.2.1"), &ka));
    // Entries alone turn transfers on; no allow anywhere turns them off.
    p.allow.clear();
    EXPECT_TRUE(p.enabled());
    p.zones[1].allow.clear();
    EXPECT_FALSE(p.enabled());
}

TEST(Xfr, AnotherCustomersKeyIsRefusedSigned) {
    TransferPolicy p = two_customers();
    p.zones[0].zone = name("example.com."); // the zone of request()
    auto z = zones();
    std::string q = request(dns::rrtype::AXFR);
    tsig::Signer s(p.keys[1], {}, 1000); // B's key
    s.sign(q);
    std::string mac = s.last_mac();
    auto t = start(*z, p, q, v4("192.0.2.1"), 1000);
    EXPECT_EQ(t->rcode, 5); // REFUSED
    std::string m;
    ASSERT_TRUE(t->next(m));
    EXPECT_EQ(m[3] & 0xF, 5);
    // Signed with that (valid) key, so the client can trust the refusal.
    EXPECT_TRUE(tsig::verify_response(reinterpret_cast<const uint8_t*>(m.data()), m.size(),
                                      p.keys[1], mac, true));
    EXPECT_FALSE(t->next(m));
    // A's own key: the zone.
    std::string qa = request(dns::rrtype::AXFR);
    tsig::Signer sa(p.keys[0], {}, 1000);
    sa.sign(qa);
    auto ok = start(*z, p, qa, v4("192.0.2.1"), 1000);
    EXPECT_EQ(ok->rcode, 0);
    EXPECT_EQ(run(*ok).at(0).answer.at(0).type, dns::rrtype::SOA);
}

namespace {

// A temporary directory with files, removed at the end.
struct TempDir {
    std::string path;
    TempDir() {
        char tmpl[] = "/tmp/xfr_test.XXXXXX";
        path = ::mkdtemp(tmpl);
    }
    ~TempDir() { std::system(("rm -rf '" + path + "'").c_str()); }
    std::string write(const std::string& name, const std::string& text) const {
        std::string p = path + "/" + name;
        std::ofstream(p) << text;
        return p;
    }
};

// The message of the Error that loading `toml` throws ("" when none).
std::string load_error(const std::string& toml) {
    try {
        load_transfer_settings(config::File::parse(toml, "c.toml"));
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ex_config);
        return e.what();
    }
    return "";
}

} // namespace

TEST(XfrConfig, ZoneEntriesAndKeyFiles) {
    TempDir d;
    // BIND's form (tsig-keygen), two keys in one file; the dig -y line form in another.
    std::string bind = d.write("customers.key", "key \"a.\" {\n\talgorithm hmac-sha256;\n"
                                                "\tsecret \"c2VjcmV0LXNlY3JldA==\";\n};\n"
                                                "key \"b.\" {\n\talgorithm hmac-sha512;\n"
                                                "\tsecret \"c2VjcmV0LXNlY3JldA==\";\n};\n");
    std::string line = d.write("g.tsig", "hmac-sha256:g.:c2VjcmV0LXNlY3JldA==\n");
    auto s = load_transfer_settings(config::File::parse(
        "[transfer]\nallow = [\"203.0.113.0/24\"]\ntsig_key_files = [\"" + bind + "\", \"" + line +
            "\"]\nnotify = [\"203.0.113.53\"]\n"
            "[[transfer.zone]]\nname = \"a.example\"\nallow = [\"192.0.2.0/24\"]\n"
            "tsig_keys = [\"a\"]\nnotify = [\"192.0.2.53:5300\"]\n"
            "[[transfer.zone]]\nname = \"b.example.\"\ntsig_keys = [\"b.\"]\n"
            "require_tsig = true\n",
        "c.toml"));
    const TransferPolicy& p = *s.policy;
    ASSERT_EQ(p.keys.size(), 3u);
    EXPECT_EQ(p.keys[1].algorithm, tsig::Algorithm::hmac_sha512);
    ASSERT_EQ(p.zones.size(), 2u);
    EXPECT_EQ(p.zones[0].zone, name("a.example."));
    EXPECT_EQ(p.zones[0].allow.size(), 1u);
    EXPECT_FALSE(p.zones[0].require_tsig);
    // B inherits the global allow list, and requires TSIG.
    EXPECT_TRUE(p.allows(name("b.example."), v4("203.0.113.1"), &p.keys[1]));
    EXPECT_FALSE(p.allows(name("b.example."), v4("203.0.113.1"), &p.keys[2]));
    EXPECT_FALSE(p.allows(name("b.example."), v4("203.0.113.1"), nullptr));
    EXPECT_TRUE(p.allows(name("c.example."), v4("203.0.113.1"), &p.keys[2]));
    // NOTIFY: the global targets signed with the global key; A its own, signed with a.
    EXPECT_EQ(s.notify.targets, std::vector<std::string>{"203.0.113.53"});
    ASSERT_TRUE(s.notify.key);
    EXPECT_EQ(s.notify.key->name, name("g."));
    ASSERT_EQ(s.notify.zones.size(), 2u);
    EXPECT_EQ(s.notify.zones[0].targets, std::vector<std::string>{"192.0.2.53:5300"});
    EXPECT_EQ(s.notify.zones[0].key->name, name("a."));
    EXPECT_EQ(s.notify.zones[1].targets, std::vector<std::string>{"203.0.113.53"});
    EXPECT_EQ(s.notify.zones[1].key->name, name("b."));

    // Without entries, as before: one key per file, global.
    auto old = load_transfer_settings(
        config::File::parse("[transfer]\nallow = [\"127.0.0.1\"]\ntsig_key_files = [\"" + line +
                                "\"]\nrequire_tsig = true\n",
                            "c.toml"));
    EXPECT_TRUE(old.policy->enabled());
    EXPECT_TRUE(old.policy->allows(name("x."), v4("127.0.0.1"), &old.policy->keys[0]));
    EXPECT_TRUE(old.notify.zones.empty());
    // Nothing at all: transfers off.
    EXPECT_FALSE(load_transfer_settings(config::File::parse("", "c.toml")).policy->enabled());
}

TEST(XfrConfig, ErrorsSayWhereAndWhat) {
    TempDir d;
    std::string k = d.write("k.tsig", "hmac-sha256:k.:c2VjcmV0LXNlY3JldA==\n");
    std::string files = "tsig_key_files = [\"" + k + "\"]\n";
    EXPECT_EQ(load_error("[transfer]\n[[transfer.zone]]\nallow = []\n"),
              "c.toml:2:1: transfer.zone[1].name is missing");
    EXPECT_EQ(load_error("[[transfer.zone]]\nname = \"a..b\"\n"),
              "c.toml:2:8: transfer.zone[1].name: 'a..b' is not a domain name: empty label in "
              "domain name 'a..b.'");
    EXPECT_EQ(load_error("[[transfer.zone]]\nname = \"a.\"\n[[transfer.zone]]\nname = \"A\"\n"),
              "c.toml:4:8: transfer.zone[2].name: zone A. has an earlier [[transfer.zone]] "
              "entry already");
    EXPECT_EQ(load_error("[[transfer.zone]]\nname = \"a.\"\nallow = [\"nope\"]\n"),
              "c.toml:3:9: transfer.zone[1].allow: 'nope' is not an address or ADDRESS/BITS");
    EXPECT_EQ(load_error("[[transfer.zone]]\nname = \"a.\"\nallow = \"192.0.2.1\"\n"),
              "c.toml:3:9: transfer.zone[1].allow must be an array of strings");
    EXPECT_EQ(load_error("[[transfer.zone]]\nname = \"a.\"\nallwo = []\n"),
              "c.toml:3:1: unknown key 'allwo' in [[transfer.zone]]");
    EXPECT_EQ(load_error("[transfer]\n" + files + "[[transfer.zone]]\nname = \"a.\"\n" +
                         "tsig_keys = [\"k.\", \"nokey\"]\n"),
              "c.toml:5:13: transfer.zone[1].tsig_keys: no key 'nokey' in the files of "
              "transfer.tsig_key_files");
    EXPECT_EQ(load_error("[transfer]\nallow = [\"127.0.0.1\"]\n" + files +
                         "[[transfer.zone]]\nname = \"a.\"\ntsig_keys = []\nrequire_tsig = true\n"),
              "c.toml:4:1: transfer.zone[1].require_tsig: TSIG is required for zone a. but no "
              "key may transfer it");
    EXPECT_EQ(load_error("[transfer]\nallow = [\"127.0.0.1\"]\nrequire_tsig = true\n" + files +
                         "[[transfer.zone]]\nname = \"a.\"\ntsig_keys = [\"k\"]\n"),
              "c.toml:3:16: transfer.require_tsig is set but every key is named by a "
              "[[transfer.zone]] entry: no key may transfer the other zones");
    EXPECT_EQ(load_error("[transfer]\nzone = 1\n"),
              "c.toml:2:8: transfer.zone must be an array of tables ([[transfer.zone]])");
    EXPECT_EQ(load_error("[[transfer.zone]]\nname = \"a.\"\nnotify = [\"ns2.example\"]\n"),
              "c.toml:3:10: transfer.zone[1].notify: 'ns2.example': not an IP address");
    // Key files: file:line.
    std::string two =
        d.write("two.key", "key \"k.\" { algorithm hmac-sha256; secret \"YWJjZA==\"; };\n"
                           "\n"
                           "key \"l.\" { algorithm hmac-sha3; secret \"YWJjZA==\"; };\n");
    EXPECT_EQ(load_error("[transfer]\ntsig_key_files = [\"" + two + "\"]\n"),
              two + ":3: unknown TSIG algorithm 'hmac-sha3'");
    std::string md5 =
        d.write("md5.key", "# comment\nhmac-sha256:k.:YWJjZA==\nhmac-md5:l.:YWJjZA==\n");
    EXPECT_EQ(load_error("[transfer]\ntsig_key_files = [\"" + md5 + "\"]\n"),
              md5 + ":3: key l.: TSIG algorithm 'hmac-md5' is not supported (hmac-sha256, "
                    "hmac-sha512)");
    EXPECT_EQ(load_error("[transfer]\ntsig_key_files = [\"" + k + "\", \"" + k + "\"]\n"),
              k + ":1: key k. is defined twice (first at " + k + ":1)");
    EXPECT_EQ(load_error("[transfer]\ntsig_key_files = [\"" + d.path + "/none\"]\n"),
              "cannot read the TSIG key file: " + d.path + "/none: No such file or directory");
}
