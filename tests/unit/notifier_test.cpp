// SPDX-License-Identifier: MIT
// Unit tests of lib/serve/notifier: targets, and NOTIFY sent, signed and retried over loopback.
#include "dns/message.hpp"
#include "serve/notifier.hpp"
#include "test_util.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <mutex>

using namespace endpointdns;
using namespace endpointdns::serve;
using endpointdns::test::soa_line;
using endpointdns::test::zone_from;

namespace {

std::shared_ptr<const ServeZone> serial_zone(uint32_t serial) {
    auto z =
        ServeZone::build(zone_from(soa_line(serial) + "@ 3600 NS ns1\nns1 3600 A 192.0.2.1\n"));
    EXPECT_TRUE(z.ok());
    return *z;
}

// A UDP socket on 127.0.0.1 with a free port.
struct Listener {
    int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    uint16_t port = 0;
    Listener() {
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        EXPECT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
        socklen_t len = sizeof a;
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
        port = ntohs(a.sin_port);
    }
    ~Listener() { ::close(fd); }
    // The next datagram within `ms`, and who sent it; empty on timeout.
    std::string receive(int ms, sockaddr_in& from) {
        pollfd p{fd, POLLIN, 0};
        if (::poll(&p, 1, ms) != 1) return {};
        char buf[4096];
        socklen_t len = sizeof from;
        ssize_t n = ::recvfrom(fd, buf, sizeof buf, 0, reinterpret_cast<sockaddr*>(&from), &len);
        return n > 0 ? std::string(buf, size_t(n)) : std::string();
    }
};

// The answer a secondary gives to the NOTIFY `request`: same id and question, QR set, signed
// over the request's MAC with `key` when given.
std::string answer_to(const std::string& request, const dns::tsig::Key* key) {
    auto m = dns::parse_message(request);
    EXPECT_TRUE(m.ok());
    dns::MessageBuilder b(512);
    b.reset(m->header.id, uint16_t(dns::flag::QR | dns::opcode::NOTIFY << 11 | dns::flag::AA));
    b.add_question(m->question[0].name, m->question[0].type, m->question[0].cls);
    std::string out(b.data());
    if (key) {
        auto f = dns::tsig::find(reinterpret_cast<const uint8_t*>(request.data()), request.size());
        EXPECT_TRUE(f.ok() && *f);
        dns::tsig::Signer s(*key, (*f)->record.mac, uint64_t(::time(nullptr)));
        s.sign(out);
    }
    return out;
}

// The SERIAL field of an SOA record's uncompressed RDATA: after MNAME and RNAME.
uint32_t soa_serial(const dns::Rr& soa) {
    const auto* p = reinterpret_cast<const uint8_t*>(soa.rdata.data());
    size_t off = 0;
    for (int name = 0; name < 2; ++name) {
        while (off < soa.rdata.size() && p[off] != 0) off += 1 + p[off];
        ++off;
    }
    EXPECT_LE(off + 4, soa.rdata.size());
    if (off + 4 > soa.rdata.size()) return 0;
    return uint32_t(p[off]) << 24 | uint32_t(p[off + 1]) << 16 | uint32_t(p[off + 2]) << 8 |
           p[off + 3];
}

sockaddr_storage loopback(uint16_t port) {
    sockaddr_storage ss{};
    auto* a = reinterpret_cast<sockaddr_in*>(&ss);
    a->sin_family = AF_INET;
    a->sin_port = htons(port);
    a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return ss;
}

} // namespace

TEST(Notifier, ParsesTargets) {
    EXPECT_TRUE(parse_notify_target("127.0.0.1:5353").ok());
    EXPECT_TRUE(parse_notify_target("192.0.2.1").ok());
    EXPECT_TRUE(parse_notify_target("[2001:db8::1]:53").ok());
    EXPECT_TRUE(parse_notify_target("[2001:db8::1]").ok());
    for (const char* bad : {"ns1.example:53", "2001:db8::1", "127.0.0.1:0", "127.0.0.1:65536",
                            "[::1]x", "127.0.0.1:"})
        EXPECT_FALSE(parse_notify_target(bad).ok()) << bad;
}

TEST(Notifier, SendsSignedNotifyOnChangeAndRetriesUntilAnswered) {
    Listener sec;
    Published published;
    published.store(ZoneSet::of({serial_zone(1)}));
    NotifyOptions o;
    o.targets = {"127.0.0.1:" + std::to_string(sec.port)};
    o.key = *dns::tsig::parse_key("hmac-sha256:xfr.example.:c2VjcmV0LXNlY3JldA==");
    o.first_timeout_ms =
        300; // the retry is due 600 ms after the second send: no race with the answer
    o.poll_ms = 10;
    std::vector<std::string> logged;
    Notifier n(published, o, [&](int, const std::string& m) { logged.push_back(m); });
    n.start();
    sockaddr_in from{};
    // Zones present at start are not announced.
    EXPECT_TRUE(sec.receive(150, from).empty());
    published.store(ZoneSet::of({serial_zone(2)}));
    std::string m = sec.receive(2000, from);
    ASSERT_FALSE(m.empty());
    auto parsed = dns::parse_message(m);
    ASSERT_TRUE(parsed.ok()) << parsed.error();
    EXPECT_EQ(parsed->header.opcode(), dns::opcode::NOTIFY);
    ASSERT_EQ(parsed->question.size(), 1u);
    EXPECT_EQ(parsed->question[0].name.to_text(), "example.com.");
    EXPECT_EQ(parsed->question[0].type, dns::rrtype::SOA);
    // The new SOA rides along, under the MAC (verified below).
    ASSERT_EQ(parsed->answer.size(), 1u);
    EXPECT_EQ(parsed->answer[0].type, dns::rrtype::SOA);
    EXPECT_EQ(soa_serial(parsed->answer[0]), 2u);
    std::vector<dns::tsig::Key> keys{*o.key};
    EXPECT_EQ(dns::tsig::verify_request(reinterpret_cast<const uint8_t*>(m.data()), m.size(), keys,
                                        uint64_t(::time(nullptr)))
                  .status,
              dns::tsig::Status::ok);
    // Unanswered: sent again.
    std::string again = sec.receive(1000, from);
    ASSERT_FALSE(again.empty());
    // Answer it (signed, as the NOTIFY was): no more sends.
    std::string reply = answer_to(again, &*o.key);
    ::sendto(sec.fd, reply.data(), reply.size(), 0, reinterpret_cast<sockaddr*>(&from),
             sizeof from);
    for (int i = 0; i < 100 && n.answered() == 0; ++i) ::usleep(10000);
    EXPECT_EQ(n.answered(), 1u);
    EXPECT_TRUE(sec.receive(500, from).empty());
    n.stop();
    EXPECT_EQ(n.failed(), 0u);
}

// RFC 1996 3.7: the answer section holds the zone's new SOA (BIND logs "no serial" without it;
// Knot and NSD skip their SOA query when they already have that serial). No timing is asserted:
// the waits are only upper bounds for a loaded machine.
TEST(Notifier, NotifyCarriesTheNewSoa) {
    Listener sec;
    Published published;
    published.store(ZoneSet::of({serial_zone(1)}));
    NotifyOptions o;
    o.targets = {"127.0.0.1:" + std::to_string(sec.port)};
    o.first_timeout_ms = 1000;
    o.poll_ms = 10;
    Notifier n(published, o, [](int, const std::string&) {});
    n.start();
    published.store(ZoneSet::of({serial_zone(2024112701)}));
    sockaddr_in from{};
    std::string m = sec.receive(10000, from);
    ASSERT_FALSE(m.empty());
    auto parsed = dns::parse_message(m);
    ASSERT_TRUE(parsed.ok()) << parsed.error();
    EXPECT_EQ(parsed->header.opcode(), dns::opcode::NOTIFY);
    ASSERT_EQ(parsed->question.size(), 1u);
    ASSERT_EQ(parsed->answer.size(), 1u);
    const dns::Rr& soa = parsed->answer[0];
    EXPECT_EQ(soa.owner.to_text(), "example.com.");
    EXPECT_EQ(soa.type, dns::rrtype::SOA);
    EXPECT_EQ(soa.cls, dns::rrclass::IN);
    EXPECT_EQ(soa_serial(soa), 2024112701u);
    EXPECT_TRUE(parsed->authority.empty());
    EXPECT_TRUE(parsed->additional.empty()); // unsigned: no TSIG
    std::string reply = answer_to(m, nullptr);
    ::sendto(sec.fd, reply.data(), reply.size(), 0, reinterpret_cast<sockaddr*>(&from),
             sizeof from);
    n.stop();
}

TEST(Notifier, GivesUpAfterTheAttempts) {
    Listener sec;
    Published published;
    published.store(ZoneSet::of({serial_zone(1)}));
    NotifyOptions o;
    o.targets = {"127.0.0.1:" + std::to_string(sec.port)};
    o.attempts = 2;
    o.first_timeout_ms = 50;
    o.poll_ms = 10;
    std::vector<std::string> logged;
    std::mutex mu;
    Notifier n(published, o, [&](int, const std::string& m) {
        std::lock_guard l(mu);
        logged.push_back(m);
    });
    n.start();
    published.store(ZoneSet::of({serial_zone(2)}));
    for (int i = 0; i < 200 && n.failed() == 0; ++i) ::usleep(10000);
    n.stop();
    EXPECT_EQ(n.sent(), 2u);
    EXPECT_EQ(n.failed(), 1u);
    ASSERT_EQ(logged.size(), 1u);
    EXPECT_NE(logged[0].find("no answer after 2 tries"), std::string::npos) << logged[0];
}

TEST(Notifier, PerZoneTargetsAndKeysReplaceTheGlobalOnes) {
    Listener global, own;
    auto zone = [](const char* origin, uint32_t serial) {
        auto z = ServeZone::build(
            zone_from(soa_line(serial) + "@ 3600 NS ns1\nns1 3600 A 192.0.2.1\n", origin));
        EXPECT_TRUE(z.ok());
        return *z;
    };
    Published published;
    published.store(ZoneSet::of({zone("example.com.", 1), zone("example.org.", 1)}));
    NotifyOptions o;
    o.targets = {"127.0.0.1:" + std::to_string(global.port)};
    o.key = *dns::tsig::parse_key("hmac-sha256:g.:c2VjcmV0LXNlY3JldA==");
    ZoneNotify zn;
    zn.zone = *dns::Name::parse("EXAMPLE.com.");
    zn.targets = {"127.0.0.1:" + std::to_string(own.port)};
    zn.key = *dns::tsig::parse_key("hmac-sha256:a.:c2VjcmV0LXNlY3JldA==");
    o.zones = {zn};
    o.poll_ms = 10;
    o.first_timeout_ms = 5000; // no resend within the test
    Notifier n(published, o, [](int, const std::string&) {});
    n.start();
    published.store(ZoneSet::of({zone("example.com.", 2), zone("example.org.", 2)}));
    auto check = [](const std::string& m, const char* zone, const dns::tsig::Key& key) {
        ASSERT_FALSE(m.empty()) << zone;
        auto parsed = dns::parse_message(m);
        ASSERT_TRUE(parsed.ok());
        EXPECT_EQ(parsed->question.at(0).name.to_text(), zone);
        std::vector<dns::tsig::Key> keys{key};
        EXPECT_EQ(dns::tsig::verify_request(reinterpret_cast<const uint8_t*>(m.data()), m.size(),
                                            keys, uint64_t(::time(nullptr)))
                      .status,
                  dns::tsig::Status::ok)
            << zone;
    };
    sockaddr_in from{};
    // example.com goes to its own secondary only, signed with its key; example.org to the
    // global one, signed with the global key.
    check(own.receive(2000, from), "example.com.", *zn.key);
    check(global.receive(2000, from), "example.org.", *o.key);
    EXPECT_TRUE(own.receive(200, from).empty());
    EXPECT_TRUE(global.receive(200, from).empty());
    n.stop();
    EXPECT_EQ(n.sent(), 2u);
}

TEST(Notifier, ReadsAtMostSoManyDatagramsPerRound) {
    Listener notifier_side;
    int big = 1 << 20;
    ::setsockopt(notifier_side.fd, SOL_SOCKET, SO_RCVBUF, &big, sizeof big);
    int flooder = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_storage to = loopback(notifier_side.port);
    const size_t total = notify_answers_per_round + 36;
    for (size_t i = 0; i < total; ++i) {
        std::string d(12, char(i));
        ASSERT_EQ(::sendto(flooder, d.data(), d.size(), 0, reinterpret_cast<sockaddr*>(&to),
                           sizeof(sockaddr_in)),
                  12);
    }
    ::close(flooder);
    // Loopback datagrams are queued by the time sendto returns.
    size_t seen = 0;
    auto count = [&](const uint8_t*, size_t n, const sockaddr_storage& from) {
        EXPECT_EQ(n, 12u);
        EXPECT_EQ(from.ss_family, AF_INET);
        ++seen;
    };
    EXPECT_EQ(read_datagrams(notifier_side.fd, notify_answers_per_round, count),
              notify_answers_per_round);
    EXPECT_EQ(read_datagrams(notifier_side.fd, notify_answers_per_round, count), 36u);
    EXPECT_EQ(read_datagrams(notifier_side.fd, notify_answers_per_round, count), 0u);
    EXPECT_EQ(seen, total);
    EXPECT_EQ(notify_answers_per_round, 64u);
}

TEST(Notifier, AnAnswerMatchesItsIdTargetZoneAndKey) {
    auto target = parse_notify_target("127.0.0.1:5300");
    ASSERT_TRUE(target.ok());
    Name origin = *Name::parse("example.com.");
    dns::MessageBuilder b(512);
    b.reset(0x4242, uint16_t(dns::opcode::NOTIFY << 11 | dns::flag::AA));
    b.add_question(origin, dns::rrtype::SOA, dns::rrclass::IN);
    std::string request(b.data());
    auto key = *dns::tsig::parse_key("hmac-sha256:xfr.example.:c2VjcmV0LXNlY3JldA==");
    auto other = *dns::tsig::parse_key("hmac-sha256:xfr.example.:b3RoZXItc2VjcmV0");
    dns::tsig::Signer signer(key, {}, uint64_t(::time(nullptr)));
    std::string signed_request = request;
    signer.sign(signed_request);
    const std::string& mac = signer.last_mac();

    auto matches = [&](const std::string& m, const sockaddr_storage& from,
                       const dns::tsig::Key* k = nullptr, uint16_t id = 0x4242) {
        return notify_answer_matches(reinterpret_cast<const uint8_t*>(m.data()), m.size(), from,
                                     *target, id, origin, k, mac);
    };
    sockaddr_storage from = loopback(5300);
    std::string plain = answer_to(request, nullptr);
    EXPECT_TRUE(matches(plain, from));
    EXPECT_FALSE(matches(plain, from, nullptr, 0x4243)) << "another id";
    EXPECT_FALSE(matches(plain, loopback(5301))) << "another port";
    sockaddr_storage elsewhere = from;
    reinterpret_cast<sockaddr_in*>(&elsewhere)->sin_addr.s_addr = htonl(0x7F000002);
    EXPECT_FALSE(matches(plain, elsewhere)) << "another address";
    EXPECT_FALSE(matches(request, from)) << "not a response";
    std::string query_op = plain;
    query_op[2] = char(0x80 | 0x04);
    EXPECT_FALSE(matches(query_op, from)) << "opcode QUERY";
    std::string other_zone = plain;
    other_zone[13] = 'E'; // the question's first label: Example.com: compared without case
    EXPECT_TRUE(matches(other_zone, from));
    other_zone[14] = 'y';
    EXPECT_FALSE(matches(other_zone, from)) << "another zone";
    EXPECT_FALSE(matches(plain.substr(0, 12), from)) << "no question";
    EXPECT_FALSE(matches(plain.substr(0, 11), from)) << "cut short";

    // Signed NOTIFY: the answer must be signed over its MAC with the key.
    std::string good = answer_to(signed_request, &key);
    EXPECT_TRUE(matches(good, from, &key));
    EXPECT_FALSE(matches(plain, from, &key)) << "unsigned";
    EXPECT_FALSE(matches(answer_to(signed_request, &other), from, &key)) << "another secret";
    std::string forged = good;
    forged[forged.size() - 10] ^= 1; // inside the MAC
    EXPECT_FALSE(matches(forged, from, &key)) << "MAC changed";
}
