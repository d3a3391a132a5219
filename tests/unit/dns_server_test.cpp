// SPDX-License-Identifier: MIT
// Unit tests of lib/serve/dns_server: a real server on 127.0.0.1, queried over UDP and TCP.
#include "serve/dns_server.hpp"

#include "dns/message.hpp"
#include "error.hpp"
#include "serve/snapshot.hpp"
#include "serve/xfr.hpp"

#include "test_util.hpp"

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace dns = endpointdns::dns;
namespace rrtype = endpointdns::dns::rrtype;
using endpointdns::Error;
using endpointdns::serve::client_key;
using endpointdns::serve::DnsServer;
using endpointdns::serve::DnsServerOptions;
using endpointdns::serve::parse_prefix;
using endpointdns::serve::Published;
using endpointdns::serve::ServerCounters;
using endpointdns::serve::ServeZone;
using endpointdns::serve::TransferPolicy;
using endpointdns::serve::ZoneSet;
using namespace endpointdns::test;

namespace {

std::string zone_text() {
    std::string s = "$TTL 300\n"
                    "@ 3600 IN SOA ns1 hostmaster 1 7200 3600 1209600 300\n"
                    "@ NS ns1\n"
                    "ns1 A 192.0.2.53\n"
                    "www A 192.0.2.80\n"
                    "www AAAA 2001:db8::80\n";
    // About 1500 octets of TXT: truncated over UDP without EDNS, whole over TCP.
    for (int i = 0; i < 15; ++i)
        s += "big TXT \"" + std::to_string(100 + i) + std::string(90, 'x') + "\"\n";
    return s;
}

// A query without EDNS.
std::string query(uint16_t id, std::string_view name, uint16_t type) {
    dns::MessageBuilder mb(512);
    mb.reset(id, 0);
    EXPECT_TRUE(mb.add_question(N(name), type, dns::rrclass::IN));
    return std::string(mb.data());
}

std::string framed(const std::string& m) {
    std::string s;
    s.push_back(char(m.size() >> 8));
    s.push_back(char(m.size() & 0xFF));
    return s + m;
}

class Sock {
public:
    explicit Sock(int type) : fd_(::socket(AF_INET, type | SOCK_CLOEXEC, 0)) {
        EXPECT_GE(fd_, 0);
        timeval tv{5, 0};
        ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    }
    ~Sock() {
        if (fd_ >= 0) ::close(fd_);
    }
    int fd() const { return fd_; }
    // Binds the local end to `ip` (a loopback address other than 127.0.0.1: another client).
    bool bind_to(const char* ip) {
        sockaddr_in a{};
        a.sin_family = AF_INET;
        return ::inet_pton(AF_INET, ip, &a.sin_addr) == 1 &&
               ::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
    }
    bool connect(uint16_t port) {
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_port = htons(port);
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        return ::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
    }
    void send_all(const std::string& s) {
        size_t off = 0;
        while (off < s.size()) {
            ssize_t n = ::send(fd_, s.data() + off, s.size() - off, MSG_NOSIGNAL);
            ASSERT_GT(n, 0) << std::strerror(errno);
            off += size_t(n);
        }
    }
    // Exactly n octets; nullopt on EOF, error or timeout.
    std::optional<std::string> recv_exact(size_t n) {
        std::string s(n, '\0');
        size_t off = 0;
        while (off < n) {
            ssize_t r = ::recv(fd_, s.data() + off, n - off, 0);
            if (r <= 0) return std::nullopt;
            off += size_t(r);
        }
        return s;
    }
    // One length-prefixed message.
    std::optional<std::string> recv_frame() {
        auto len = recv_exact(2);
        if (!len) return std::nullopt;
        size_t n = size_t(uint8_t((*len)[0])) << 8 | uint8_t((*len)[1]);
        return recv_exact(n);
    }
    // True when the peer closes (EOF or reset) within `ms`.
    bool closed_within(int ms) {
        pollfd p{fd_, POLLIN, 0};
        if (::poll(&p, 1, ms) != 1) return false;
        char c;
        ssize_t r = ::recv(fd_, &c, 1, MSG_DONTWAIT);
        return r == 0 || (r < 0 && (errno == ECONNRESET || errno == EPIPE));
    }

private:
    int fd_;
};

dns::Message parse(const std::string& wire) {
    auto m = dns::parse_message(wire);
    EXPECT_TRUE(m.ok()) << (m.ok() ? "" : m.error());
    return m.ok() ? *m : dns::Message{};
}

class DnsServerTest : public ::testing::Test {
protected:
    void SetUp() override {
        auto z = ServeZone::build(zone_from(zone_text()));
        ASSERT_TRUE(z.ok()) << z.error();
        zones_.store(ZoneSet::of({*z}));
    }

    std::unique_ptr<DnsServer> serve(DnsServerOptions o) {
        if (o.listen.empty()) o.listen = {"127.0.0.1:0"};
        auto s = std::make_unique<DnsServer>(zones_, o);
        s->bind();
        s->start();
        return s;
    }

    std::string udp(uint16_t port, const std::string& q) {
        Sock s(SOCK_DGRAM);
        EXPECT_TRUE(s.connect(port));
        EXPECT_EQ(::send(s.fd(), q.data(), q.size(), 0), ssize_t(q.size()));
        std::string buf(65535, '\0');
        ssize_t n = ::recv(s.fd(), buf.data(), buf.size(), 0);
        EXPECT_GT(n, 0) << std::strerror(errno);
        buf.resize(n > 0 ? size_t(n) : 0);
        return buf;
    }

    Published zones_;
};

// Options with `threads` workers on a free loopback port.
DnsServerOptions opts(unsigned threads) {
    DnsServerOptions o;
    o.listen = {"127.0.0.1:0"};
    o.threads = threads;
    return o;
}

// Waits until pred() holds or a second has passed.
template <class F> bool eventually(F pred) {
    for (int i = 0; i < 200; ++i) {
        if (pred()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return pred();
}

} // namespace

TEST_F(DnsServerTest, BindsAFreePortForUdpAndTcp) {
    auto s = serve(opts(1));
    ASSERT_EQ(s->bound().size(), 1u);
    EXPECT_NE(s->bound()[0].port, 0);
    EXPECT_EQ(s->bound()[0].address, "127.0.0.1:" + std::to_string(s->bound()[0].port));
    EXPECT_GE(s->threads(), 1u);
}

TEST_F(DnsServerTest, AnswersOverUdp) {
    auto s = serve(opts(2));
    uint16_t port = s->bound()[0].port;
    auto m = parse(udp(port, query(0x1234, "www.example.com.", rrtype::A)));
    EXPECT_EQ(m.header.id, 0x1234);
    EXPECT_TRUE(m.header.flags & dns::flag::QR);
    EXPECT_TRUE(m.header.flags & dns::flag::AA);
    EXPECT_EQ(m.header.rcode(), dns::rcode::NOERROR);
    ASSERT_EQ(m.answer.size(), 1u);
    EXPECT_EQ(m.answer[0].rdata, bytes({192, 0, 2, 80}));

    auto r = parse(udp(port, query(7, "www.example.org.", rrtype::A)));
    EXPECT_EQ(r.header.id, 7);
    EXPECT_EQ(r.header.rcode(), dns::rcode::REFUSED);

    auto nx = parse(udp(port, query(8, "nothere.example.com.", rrtype::A)));
    EXPECT_EQ(nx.header.rcode(), dns::rcode::NXDOMAIN);

    ServerCounters c = s->counters();
    EXPECT_EQ(c.queries[0][0], 3u); // udp, A
    EXPECT_EQ(c.responses[0], 1u);
    EXPECT_EQ(c.responses[3], 1u);
    EXPECT_EQ(c.responses[5], 1u);
}

TEST_F(DnsServerTest, UdpTruncatesTcpDoesNot) {
    auto s = serve(opts(1));
    uint16_t port = s->bound()[0].port;
    auto m = parse(udp(port, query(1, "big.example.com.", rrtype::TXT)));
    EXPECT_TRUE(m.header.flags & dns::flag::TC);
    EXPECT_EQ(s->counters().truncated, 1u);

    Sock t(SOCK_STREAM);
    ASSERT_TRUE(t.connect(port));
    t.send_all(framed(query(2, "big.example.com.", rrtype::TXT)));
    auto f = t.recv_frame();
    ASSERT_TRUE(f);
    auto full = parse(*f);
    EXPECT_EQ(full.header.id, 2);
    EXPECT_FALSE(full.header.flags & dns::flag::TC);
    EXPECT_EQ(full.answer.size(), 15u);
}

TEST_F(DnsServerTest, NoAnswerToAResponse) {
    auto s = serve(opts(1));
    uint16_t port = s->bound()[0].port;
    std::string q = query(5, "www.example.com.", rrtype::A);
    q[2] = char(uint8_t(q[2]) | 0x80); // QR set
    Sock u(SOCK_DGRAM);
    ASSERT_TRUE(u.connect(port));
    ASSERT_EQ(::send(u.fd(), q.data(), q.size(), 0), ssize_t(q.size()));
    // Then a real query: its answer is the only one that comes back.
    std::string q2 = query(6, "www.example.com.", rrtype::A);
    ASSERT_EQ(::send(u.fd(), q2.data(), q2.size(), 0), ssize_t(q2.size()));
    std::string buf(512, '\0');
    ssize_t n = ::recv(u.fd(), buf.data(), buf.size(), 0);
    ASSERT_GT(n, 0);
    buf.resize(size_t(n));
    EXPECT_EQ(parse(buf).header.id, 6);
    EXPECT_TRUE(eventually([&] { return s->counters().dropped == 1; }));
}

TEST_F(DnsServerTest, TcpPipelinedInOneWrite) {
    auto s = serve(opts(2));
    Sock t(SOCK_STREAM);
    ASSERT_TRUE(t.connect(s->bound()[0].port));
    std::string all;
    const uint16_t types[] = {rrtype::A, rrtype::AAAA, rrtype::TXT, rrtype::SOA, rrtype::MX};
    for (uint16_t i = 0; i < 5; ++i)
        all += framed(
            query(uint16_t(100 + i), i == 2 ? "big.example.com." : "www.example.com.", types[i]));
    t.send_all(all);
    for (uint16_t i = 0; i < 5; ++i) {
        auto f = t.recv_frame();
        ASSERT_TRUE(f) << i;
        auto m = parse(*f);
        EXPECT_EQ(m.header.id, 100 + i) << "answers come in query order";
        EXPECT_EQ(m.header.rcode(), dns::rcode::NOERROR);
        ASSERT_EQ(m.question.size(), 1u);
        EXPECT_EQ(m.question[0].type, types[i]);
    }
    EXPECT_TRUE(eventually([&] { return s->counters().queries[1][0] == 1; })); // tcp, A
}

TEST_F(DnsServerTest, TcpQuerySplitIntoSingleOctets) {
    auto s = serve(opts(1));
    Sock t(SOCK_STREAM);
    ASSERT_TRUE(t.connect(s->bound()[0].port));
    int one = 1;
    ::setsockopt(t.fd(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    std::string q = framed(query(0xABCD, "www.example.com.", rrtype::AAAA)) +
                    framed(query(0xABCE, "www.example.com.", rrtype::A));
    for (char c : q) {
        t.send_all(std::string(1, c));
        std::this_thread::sleep_for(std::chrono::microseconds(300));
    }
    auto f1 = t.recv_frame();
    auto f2 = t.recv_frame();
    ASSERT_TRUE(f1 && f2);
    EXPECT_EQ(parse(*f1).header.id, 0xABCD);
    EXPECT_EQ(parse(*f2).header.id, 0xABCE);
    ASSERT_EQ(parse(*f1).answer.size(), 1u);
    EXPECT_EQ(parse(*f1).answer[0].type, rrtype::AAAA);
}

TEST_F(DnsServerTest, TcpManyPipelinedQueries) {
    auto s = serve(opts(1));
    Sock t(SOCK_STREAM);
    ASSERT_TRUE(t.connect(s->bound()[0].port));
    // More answers than fit in the socket buffers at once: the server must queue and resume.
    std::string all;
    const int n = 3000;
    for (int i = 0; i < n; ++i) all += framed(query(uint16_t(i), "big.example.com.", rrtype::TXT));
    std::thread writer([&] { t.send_all(all); });
    int got = 0;
    for (; got < n; ++got) {
        auto f = t.recv_frame();
        if (!f) break;
        if (parse(*f).header.id != uint16_t(got)) break;
    }
    writer.join();
    EXPECT_EQ(got, n);
}

TEST_F(DnsServerTest, TcpIdleTimeoutClosesTheConnection) {
    auto s = serve([&] {
        auto o = opts(1);
        o.tcp_idle_timeout_ms = 200;
        return o;
    }());
    Sock t(SOCK_STREAM);
    ASSERT_TRUE(t.connect(s->bound()[0].port));
    // Activity keeps it open.
    for (int i = 0; i < 3; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        t.send_all(framed(query(uint16_t(i), "www.example.com.", rrtype::A)));
        ASSERT_TRUE(t.recv_frame());
    }
    auto start = std::chrono::steady_clock::now();
    EXPECT_TRUE(t.closed_within(3000));
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                  std::chrono::steady_clock::now() - start)
                  .count();
    EXPECT_GE(ms, 150);
    EXPECT_LT(ms, 2000);
    EXPECT_TRUE(eventually([&] { return s->counters().tcp_timed_out == 1; }));
    EXPECT_TRUE(eventually([&] { return s->counters().tcp_open == 0; }));
}

TEST_F(DnsServerTest, TcpPartialQueryAlsoTimesOut) {
    auto s = serve([&] {
        auto o = opts(1);
        o.tcp_idle_timeout_ms = 100;
        return o;
    }());
    Sock t(SOCK_STREAM);
    ASSERT_TRUE(t.connect(s->bound()[0].port));
    t.send_all(framed(query(1, "www.example.com.", rrtype::A)).substr(0, 7));
    EXPECT_TRUE(t.closed_within(3000));
}

TEST_F(DnsServerTest, TcpTricklingQueryTimesOut) {
    auto s = serve([&] {
        auto o = opts(1);
        o.tcp_idle_timeout_ms = 300;
        return o;
    }());
    Sock t(SOCK_STREAM);
    ASSERT_TRUE(t.connect(s->bound()[0].port));
    int one = 1;
    ::setsockopt(t.fd(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    // An octet every 50 ms: each read is activity, but no query ever completes in time.
    std::string q = framed(query(1, "www.example.com.", rrtype::A));
    auto start = std::chrono::steady_clock::now();
    bool closed = false;
    for (char c : q) {
        if (::send(t.fd(), &c, 1, MSG_NOSIGNAL) != 1 || t.closed_within(50)) {
            closed = true;
            break;
        }
    }
    EXPECT_TRUE(closed);
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(1500));
}

TEST_F(DnsServerTest, TcpConnectionLimit) {
    auto s = serve([&] {
        auto o = opts(1);
        o.tcp_max_connections = 2;
        return o;
    }());
    uint16_t port = s->bound()[0].port;
    Sock a(SOCK_STREAM), b(SOCK_STREAM), c(SOCK_STREAM);
    ASSERT_TRUE(a.connect(port));
    ASSERT_TRUE(b.connect(port));
    // Both are served.
    for (Sock* k : {&a, &b}) {
        k->send_all(framed(query(1, "www.example.com.", rrtype::A)));
        ASSERT_TRUE(k->recv_frame());
    }
    // The third is closed at once.
    ASSERT_TRUE(c.connect(port));
    EXPECT_TRUE(c.closed_within(2000));
    EXPECT_TRUE(eventually([&] { return s->counters().tcp_refused == 1; }));
    // Once one closes, a new one is served again.
    ::shutdown(a.fd(), SHUT_RDWR);
    EXPECT_TRUE(eventually([&] { return s->counters().tcp_open == 1; }));
    Sock d(SOCK_STREAM);
    ASSERT_TRUE(d.connect(port));
    d.send_all(framed(query(9, "www.example.com.", rrtype::A)));
    auto f = d.recv_frame();
    ASSERT_TRUE(f);
    EXPECT_EQ(parse(*f).header.id, 9);
    ServerCounters cs = s->counters();
    EXPECT_EQ(cs.tcp_accepted, 3u);
    EXPECT_EQ(cs.tcp_refused, 1u);
}

TEST_F(DnsServerTest, TcpConnectionLimitPerAddress) {
    // Two workers: one client's connections land on both, and the limit counts them together.
    auto s = serve([&] {
        auto o = opts(2);
        o.tcp_max_connections_per_address = 3;
        return o;
    }());
    uint16_t port = s->bound()[0].port;
    auto served = [&](Sock& k, uint16_t id) {
        k.send_all(framed(query(id, "www.example.com.", rrtype::A)));
        auto f = k.recv_frame();
        return f && parse(*f).header.id == id;
    };
    std::vector<std::unique_ptr<Sock>> mine;
    for (uint16_t i = 0; i < 3; ++i) {
        mine.push_back(std::make_unique<Sock>(SOCK_STREAM));
        ASSERT_TRUE(mine.back()->connect(port));
        EXPECT_TRUE(served(*mine.back(), i));
    }
    // The limit + 1st from 127.0.0.1 is closed at once.
    Sock extra(SOCK_STREAM);
    ASSERT_TRUE(extra.connect(port));
    EXPECT_TRUE(extra.closed_within(2000));
    EXPECT_TRUE(eventually([&] { return s->counters().tcp_refused_per_address == 1; }));
    // Another address is another client.
    Sock other(SOCK_STREAM);
    ASSERT_TRUE(other.bind_to("127.0.0.2"));
    ASSERT_TRUE(other.connect(port));
    EXPECT_TRUE(served(other, 10));
    // Once one of 127.0.0.1's closes, it gets a slot again.
    ::shutdown(mine[0]->fd(), SHUT_RDWR);
    EXPECT_TRUE(eventually([&] { return s->counters().tcp_open == 3; }));
    Sock again(SOCK_STREAM);
    ASSERT_TRUE(again.connect(port));
    EXPECT_TRUE(served(again, 11));
    ServerCounters cs = s->counters();
    EXPECT_EQ(cs.tcp_accepted, 5u);
    EXPECT_EQ(cs.tcp_refused_per_address, 1u);
    EXPECT_EQ(cs.tcp_refused, 0u);
    EXPECT_NE(render_prometheus(cs).find("dns_tcp_connections_refused_per_address_total 1\n"),
              std::string::npos);
}

TEST(DnsServer, ClientKeyIsTheIpv4AddressOrTheIpv6Slash64) {
    auto key = [](const char* ip) {
        sockaddr_storage ss{};
        if (std::strchr(ip, ':')) {
            auto* a = reinterpret_cast<sockaddr_in6*>(&ss);
            a->sin6_family = AF_INET6;
            EXPECT_EQ(::inet_pton(AF_INET6, ip, &a->sin6_addr), 1) << ip;
            a->sin6_port = htons(uint16_t(std::strlen(ip))); // ports never matter
        } else {
            auto* a = reinterpret_cast<sockaddr_in*>(&ss);
            a->sin_family = AF_INET;
            EXPECT_EQ(::inet_pton(AF_INET, ip, &a->sin_addr), 1) << ip;
            a->sin_port = htons(uint16_t(std::strlen(ip)));
        }
        return client_key(ss);
    };
    EXPECT_EQ(key("192.0.2.1"), key("192.0.2.1"));
    EXPECT_FALSE(key("192.0.2.1") == key("192.0.2.2"));
    EXPECT_EQ(key("2001:db8:1:2::1"), key("2001:db8:1:2:ffff:ffff:ffff:ffff"));
    EXPECT_FALSE(key("2001:db8:1:2::1") == key("2001:db8:1:3::1"));
    EXPECT_EQ(key("::ffff:192.0.2.1"), key("192.0.2.1"));
    EXPECT_FALSE(key("::ffff:192.0.2.1") == key("::ffff:192.0.2.2"));
    // An IPv4 address never shares a key with an IPv6 prefix, not even ::/64.
    EXPECT_FALSE(key("0.0.0.0") == key("::1"));
    EXPECT_FALSE(key("::ffff:0.0.0.0") == key("::"));
}

TEST_F(DnsServerTest, TcpQueriesPerConnectionLimit) {
    auto s = serve([&] {
        auto o = opts(1);
        o.tcp_max_queries_per_connection = 2;
        return o;
    }());
    Sock t(SOCK_STREAM);
    ASSERT_TRUE(t.connect(s->bound()[0].port));
    std::string all;
    for (uint16_t i = 0; i < 3; ++i) all += framed(query(i, "www.example.com.", rrtype::A));
    t.send_all(all);
    auto f0 = t.recv_frame();
    auto f1 = t.recv_frame();
    ASSERT_TRUE(f0 && f1);
    EXPECT_EQ(parse(*f0).header.id, 0);
    EXPECT_EQ(parse(*f1).header.id, 1);
    EXPECT_TRUE(t.closed_within(2000));
}

TEST_F(DnsServerTest, TcpFramingErrorCloses) {
    auto s = serve(opts(1));
    Sock t(SOCK_STREAM);
    ASSERT_TRUE(t.connect(s->bound()[0].port));
    // A good query, then a 5-octet "message": the good one is answered, then the close.
    t.send_all(framed(query(3, "www.example.com.", rrtype::A)) + framed("hello"));
    auto f = t.recv_frame();
    ASSERT_TRUE(f);
    EXPECT_EQ(parse(*f).header.id, 3);
    EXPECT_TRUE(t.closed_within(2000));
    EXPECT_TRUE(eventually([&] { return s->counters().tcp_errors == 1; }));
}

TEST_F(DnsServerTest, TcpHalfCloseStillGetsAnswers) {
    auto s = serve(opts(1));
    Sock t(SOCK_STREAM);
    ASSERT_TRUE(t.connect(s->bound()[0].port));
    t.send_all(framed(query(1, "www.example.com.", rrtype::A)) +
               framed(query(2, "www.example.com.", rrtype::AAAA)));
    ::shutdown(t.fd(), SHUT_WR);
    auto f1 = t.recv_frame();
    auto f2 = t.recv_frame();
    ASSERT_TRUE(f1 && f2);
    EXPECT_EQ(parse(*f2).header.id, 2);
    EXPECT_TRUE(t.closed_within(2000));
}

TEST_F(DnsServerTest, SeesNewZoneSets) {
    auto s = serve(opts(2));
    uint16_t port = s->bound()[0].port;
    EXPECT_EQ(parse(udp(port, query(1, "www.example.com.", rrtype::A))).header.rcode(),
              dns::rcode::NOERROR);
    zones_.store(std::make_shared<const ZoneSet>());
    EXPECT_EQ(parse(udp(port, query(2, "www.example.com.", rrtype::A))).header.rcode(),
              dns::rcode::REFUSED);
}

TEST_F(DnsServerTest, TakesANewTransferPolicyWhileRunning) {
    auto policy = [](const char* allow) {
        auto p = std::make_shared<TransferPolicy>();
        p->allow.push_back(*parse_prefix(allow));
        return p;
    };
    DnsServerOptions o = opts(2);
    o.transfer = policy("192.0.2.0/24");
    o.responder.transfers = true;
    auto s = serve(o);
    uint16_t port = s->bound()[0].port;
    // The rcode of an AXFR over a new connection (each worker may take it).
    auto axfr = [&](uint16_t id) {
        Sock t(SOCK_STREAM);
        EXPECT_TRUE(t.connect(port));
        t.send_all(framed(query(id, "example.com.", rrtype::AXFR)));
        auto f = t.recv_frame();
        EXPECT_TRUE(f);
        return f ? int(parse(*f).header.rcode()) : -1;
    };
    for (uint16_t i = 0; i < 4; ++i) EXPECT_EQ(axfr(i), int(dns::rcode::REFUSED)) << i;
    s->set_transfer_policy(policy("127.0.0.0/8"));
    for (uint16_t i = 0; i < 4; ++i) EXPECT_EQ(axfr(i), int(dns::rcode::NOERROR)) << i;
    // No policy: transfers off, answered as before (NOTAUTH).
    s->set_transfer_policy(nullptr);
    for (uint16_t i = 0; i < 4; ++i) EXPECT_EQ(axfr(i), 9) << i; // NOTAUTH
}

TEST_F(DnsServerTest, BindFailureNamesTheAddress) {
    auto s = serve(opts(1));
    std::string addr = s->bound()[0].address;
    DnsServerOptions o = opts(1);
    o.listen = {addr};
    DnsServer other(zones_, o);
    try {
        other.bind();
        FAIL() << "bound " << addr << " twice";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), 69);
        // main() may put the program name in front.
        std::string want = "cannot bind UDP " + addr + ": Address already in use";
        std::string got = e.what();
        EXPECT_TRUE(got.size() >= want.size() && got.ends_with(want)) << got;
    }
}

TEST_F(DnsServerTest, BadAddresses) {
    for (const char* bad : {"127.0.0.1", "localhost:53", "::1:53", "[::1]53", "1.2.3.4:65536",
                            "1.2.3.4:", "[nope]:53", "1.2.3.4:5x"}) {
        DnsServerOptions o = opts(1);
        o.listen = {bad};
        DnsServer s(zones_, o);
        try {
            s.bind();
            ADD_FAILURE() << bad << " accepted";
        } catch (const Error& e) {
            EXPECT_EQ(e.code(), 78) << bad;
            EXPECT_NE(std::string(e.what()).find(bad), std::string::npos) << e.what();
        }
    }
}

TEST_F(DnsServerTest, Ipv6Loopback) {
    DnsServerOptions o = opts(1);
    o.listen = {"[::1]:0"};
    DnsServer s(zones_, o);
    try {
        s.bind();
    } catch (const Error& e) {
        GTEST_SKIP() << "no IPv6 loopback: " << e.what();
    }
    s.start();
    uint16_t port = s.bound()[0].port;
    EXPECT_EQ(s.bound()[0].address, "[::1]:" + std::to_string(port));
    int fd = ::socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    ASSERT_GE(fd, 0);
    timeval tv{5, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    sockaddr_in6 a{};
    a.sin6_family = AF_INET6;
    a.sin6_port = htons(port);
    a.sin6_addr = in6addr_loopback;
    std::string q = query(77, "www.example.com.", rrtype::A);
    ASSERT_EQ(::sendto(fd, q.data(), q.size(), 0, reinterpret_cast<sockaddr*>(&a), sizeof a),
              ssize_t(q.size()));
    std::string buf(512, '\0');
    ssize_t n = ::recv(fd, buf.data(), buf.size(), 0);
    ::close(fd);
    ASSERT_GT(n, 0);
    buf.resize(size_t(n));
    EXPECT_EQ(parse(buf).header.id, 77);
}

TEST_F(DnsServerTest, WildcardAddressRepliesFromTheQueriedAddress) {
    auto s = serve([&] {
        auto o = opts(1);
        o.listen = {"0.0.0.0:0"};
        return o;
    }());
    uint16_t port = s->bound()[0].port;
    // A connected UDP socket only accepts datagrams from the address it sent to.
    auto m = parse(udp(port, query(31, "www.example.com.", rrtype::A)));
    EXPECT_EQ(m.header.id, 31);
}

TEST_F(DnsServerTest, Ipv6WildcardRepliesFromTheQueriedAddress) {
    DnsServerOptions o = opts(1);
    o.listen = {"[::]:0"};
    DnsServer s(zones_, o);
    try {
        s.bind();
    } catch (const Error& e) {
        GTEST_SKIP() << "no IPv6: " << e.what();
    }
    s.start();
    int fd = ::socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    ASSERT_GE(fd, 0);
    timeval tv{5, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    sockaddr_in6 a{};
    a.sin6_family = AF_INET6;
    a.sin6_port = htons(s.bound()[0].port);
    a.sin6_addr = in6addr_loopback;
    // Connected: only a reply from [::1] itself is delivered.
    ASSERT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
    std::string q = query(78, "www.example.com.", rrtype::AAAA);
    ASSERT_EQ(::send(fd, q.data(), q.size(), 0), ssize_t(q.size()));
    std::string buf(512, '\0');
    ssize_t n = ::recv(fd, buf.data(), buf.size(), 0);
    ::close(fd);
    ASSERT_GT(n, 0);
    buf.resize(size_t(n));
    EXPECT_EQ(parse(buf).header.id, 78);
}

TEST_F(DnsServerTest, OversizedDatagramIsDropped) {
    auto s = serve(opts(1));
    Sock u(SOCK_DGRAM);
    ASSERT_TRUE(u.connect(s->bound()[0].port));
    std::string big = query(1, "www.example.com.", rrtype::A) + std::string(5000, 'x');
    ASSERT_EQ(::send(u.fd(), big.data(), big.size(), 0), ssize_t(big.size()));
    std::string q = query(2, "www.example.com.", rrtype::A);
    ASSERT_EQ(::send(u.fd(), q.data(), q.size(), 0), ssize_t(q.size()));
    std::string buf(512, '\0');
    ssize_t n = ::recv(u.fd(), buf.data(), buf.size(), 0);
    ASSERT_GT(n, 0);
    buf.resize(size_t(n));
    EXPECT_EQ(parse(buf).header.id, 2);
    EXPECT_TRUE(eventually([&] { return s->counters().dropped == 1; }));
}

TEST_F(DnsServerTest, ZeroThreadsMeansEveryCpu) {
    auto s = serve(opts(0));
    // The CPUs of the affinity mask: at most every CPU of the machine.
    EXPECT_GE(s->threads(), 1u);
    EXPECT_LE(s->threads(), std::thread::hardware_concurrency());
    EXPECT_EQ(parse(udp(s->bound()[0].port, query(4, "www.example.com.", rrtype::A))).header.id, 4);
}

TEST_F(DnsServerTest, SeveralAddresses) {
    DnsServerOptions o = opts(2);
    o.listen = {"127.0.0.1:0", "127.0.0.2:0"};
    auto s = serve(o);
    ASSERT_EQ(s->bound().size(), 2u);
    EXPECT_EQ(parse(udp(s->bound()[0].port, query(5, "www.example.com.", rrtype::A))).header.id, 5);
    // 127.0.0.2 is loopback too on Linux; query it through a socket of its own.
    Sock u(SOCK_DGRAM);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(s->bound()[1].port);
    inet_pton(AF_INET, "127.0.0.2", &a.sin_addr);
    ASSERT_EQ(::connect(u.fd(), reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
    std::string q = query(6, "www.example.com.", rrtype::A);
    ASSERT_EQ(::send(u.fd(), q.data(), q.size(), 0), ssize_t(q.size()));
    std::string buf(512, '\0');
    ssize_t n = ::recv(u.fd(), buf.data(), buf.size(), 0);
    ASSERT_GT(n, 0);
    buf.resize(size_t(n));
    EXPECT_EQ(parse(buf).header.id, 6);
}

TEST_F(DnsServerTest, StopIsIdempotentAndPrompt) {
    auto s = serve(opts(2));
    auto start = std::chrono::steady_clock::now();
    s->stop();
    s->stop();
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(1));
}

namespace {

const char* const test_key = "hmac-sha256:xfr.example.:c2VjcmV0LXNlY3JldC1zZWNyZXQ=";

// Transfers from 127.0.0.1 with the test key.
std::shared_ptr<const endpointdns::serve::TransferPolicy> loopback_transfers() {
    auto p = std::make_shared<endpointdns::serve::TransferPolicy>();
    p->allow.push_back(*endpointdns::serve::parse_prefix("127.0.0.1"));
    p->keys.push_back(*dns::tsig::parse_key(test_key));
    return p;
}

// `q` signed with the test key; `mac` receives its MAC.
std::string signed_query(std::string q, std::string& mac) {
    static const dns::tsig::Key key = *dns::tsig::parse_key(test_key);
    dns::tsig::Signer s(key, {}, uint64_t(::time(nullptr)));
    s.sign(q);
    mac = s.last_mac();
    return q;
}

uint16_t tsig_error(const std::string& m) {
    auto f = dns::tsig::find(reinterpret_cast<const uint8_t*>(m.data()), m.size());
    EXPECT_TRUE(f.ok() && *f);
    return f.ok() && *f ? (*f)->record.error : 0xFFFF;
}

} // namespace

TEST_F(DnsServerTest, SignedQueriesGetSignedAnswersOverUdpAndTcp) {
    DnsServerOptions o = opts(2);
    o.transfer = loopback_transfers();
    auto s = serve(o);
    uint16_t port = s->bound()[0].port;
    const dns::tsig::Key key = *dns::tsig::parse_key(test_key);

    std::string mac;
    std::string a = udp(port, signed_query(query(11, "example.com.", rrtype::SOA), mac));
    EXPECT_TRUE(dns::tsig::verify_response(reinterpret_cast<const uint8_t*>(a.data()), a.size(),
                                           key, mac, true));
    auto m = parse(a);
    EXPECT_EQ(m.header.rcode(), dns::rcode::NOERROR);
    ASSERT_EQ(m.answer.size(), 1u);
    EXPECT_EQ(m.answer[0].type, rrtype::SOA);

    Sock t(SOCK_STREAM);
    ASSERT_TRUE(t.connect(port));
    t.send_all(framed(signed_query(query(12, "www.example.com.", rrtype::A), mac)));
    auto f = t.recv_frame();
    ASSERT_TRUE(f);
    EXPECT_TRUE(dns::tsig::verify_response(reinterpret_cast<const uint8_t*>(f->data()), f->size(),
                                           key, mac, true));
    EXPECT_EQ(parse(*f).answer.size(), 1u);

    // Too big for 512 octets with the TSIG: TC and signed (the client goes to TCP).
    a = udp(port, signed_query(query(13, "big.example.com.", rrtype::TXT), mac));
    EXPECT_TRUE(dns::tsig::verify_response(reinterpret_cast<const uint8_t*>(a.data()), a.size(),
                                           key, mac, true));
    EXPECT_TRUE(parse(a).header.flags & dns::flag::TC);
    EXPECT_LE(a.size(), 512u);

    // An unknown key: NOTAUTH with BADKEY, unsigned; unsigned queries stay unsigned.
    auto other = *dns::tsig::parse_key("hmac-sha256:other.example.:c2VjcmV0LXNlY3JldA==");
    dns::tsig::Signer os(other, {}, uint64_t(::time(nullptr)));
    std::string q = query(14, "www.example.com.", rrtype::A);
    os.sign(q);
    a = udp(port, q);
    EXPECT_EQ(parse(a).header.rcode(), 9u);
    EXPECT_EQ(parse(a).answer.size(), 0u);
    EXPECT_EQ(tsig_error(a), dns::tsig::BADKEY);
    a = udp(port, query(15, "www.example.com.", rrtype::A));
    EXPECT_EQ(parse(a).additional.size(), 0u);
    EXPECT_EQ(s->counters().responses[9], 1u); // NOTAUTH
}

namespace {

// A zone of about 2 MB: a transfer the client does not read stays in progress.
void store_big_zone(Published& zones) {
    std::string text = zone_text();
    for (int i = 0; i < 20000; ++i)
        text += "h" + std::to_string(i) + " TXT \"" + std::string(90, 'z') + "\"\n";
    auto z = ServeZone::build(zone_from(text));
    ASSERT_TRUE(z.ok()) << z.error();
    zones.store(ZoneSet::of({*z}));
}

// Transfers from the whole of 127/8, with the test key.
std::shared_ptr<const TransferPolicy> loopback8_transfers() {
    auto p = std::make_shared<TransferPolicy>(*loopback_transfers());
    p->allow = {*parse_prefix("127.0.0.0/8")};
    return p;
}

// IXFR of example.com. from a client at `serial`.
std::string ixfr_query(uint16_t id, uint32_t serial) {
    dns::MessageBuilder b(512);
    b.reset(id, 0);
    EXPECT_TRUE(b.add_question(N("example.com."), rrtype::IXFR, dns::rrclass::IN));
    std::string rd =
        std::string(N("ns1.example.com.").wire()) + std::string(N("h.example.com.").wire());
    for (int sh = 24; sh >= 0; sh -= 8) rd.push_back(char(serial >> sh));
    rd += std::string(16, '\0');
    EXPECT_TRUE(b.add_rr(dns::Section::authority, N("example.com.").wire(), rrtype::SOA,
                         dns::rrclass::IN, 0, rd));
    return std::string(b.data());
}

// Sends `q` (framed) from `from` to the server on `port` and returns the rcode of the first
// message of the answer (99: none). The client reads nothing more: a transfer stays stalled.
unsigned axfr_from(Sock& c, uint16_t port, const char* from, const std::string& q) {
    // A small window and segments, so the kernel buffers little of the transfer.
    int small = 4096, mss = 536;
    ::setsockopt(c.fd(), SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
    ::setsockopt(c.fd(), IPPROTO_TCP, TCP_MAXSEG, &mss, sizeof mss);
    EXPECT_TRUE(c.bind_to(from)) << from << ": " << std::strerror(errno);
    EXPECT_TRUE(c.connect(port));
    c.send_all(framed(q));
    auto f = c.recv_frame(); // the transfer's first message, or the SERVFAIL
    EXPECT_TRUE(f);
    return f ? parse(*f).header.rcode() : 99u;
}

} // namespace

TEST_F(DnsServerTest, AtMostMaxTransfersAtOnceTheNextIsServfail) {
    store_big_zone(zones_);
    DnsServerOptions o = opts(2);
    o.transfer = loopback8_transfers();
    o.tcp_idle_timeout_ms = 0; // the stalled transfers stay however slow this machine is
    auto s = serve(o);
    uint16_t port = s->bound()[0].port;

    // From 127.0.0.1 to 127.0.0.8, max_transfers_per_peer each: every slot taken.
    using endpointdns::serve::max_transfers_per_peer;
    auto source = [](unsigned i) { return "127.0.0." + std::to_string(1 + i); };
    auto axfr = [&](Sock& c, uint16_t id, const std::string& from) {
        return axfr_from(c, port, from.c_str(), query(id, "example.com.", rrtype::AXFR));
    };
    std::vector<std::unique_ptr<Sock>> stalled;
    for (unsigned i = 0; i < endpointdns::serve::max_transfers; ++i) {
        stalled.push_back(std::make_unique<Sock>(SOCK_STREAM));
        ASSERT_EQ(axfr(*stalled.back(), uint16_t(i), source(i / max_transfers_per_peer)),
                  dns::rcode::NOERROR)
            << i;
    }
    EXPECT_EQ(endpointdns::serve::max_transfers, 32u);
    {
        // From a client with no transfer yet: the global limit.
        Sock c(SOCK_STREAM);
        EXPECT_EQ(axfr(c, 100, "127.0.0.100"), dns::rcode::SERVFAIL);
        // The connection stays open for ordinary queries.
        c.send_all(framed(query(101, "www.example.com.", rrtype::A)));
        auto f = c.recv_frame();
        ASSERT_TRUE(f);
        EXPECT_EQ(parse(*f).answer.size(), 1u);
    }
    // TCP and UDP queries are answered beside the stalled transfers.
    Sock t(SOCK_STREAM);
    ASSERT_TRUE(t.connect(port));
    t.send_all(framed(query(102, "www.example.com.", rrtype::A)));
    auto f = t.recv_frame();
    ASSERT_TRUE(f);
    EXPECT_EQ(parse(*f).header.id, 102);
    EXPECT_EQ(parse(udp(port, query(103, "www.example.com.", rrtype::A))).answer.size(), 1u);
    // A stalled client goes away: its slot is free again.
    stalled.pop_back();
    bool started = false;
    for (int i = 0; i < 100 && !started; ++i) {
        Sock c(SOCK_STREAM);
        started = axfr(c, uint16_t(200 + i), "127.0.0.100") == dns::rcode::NOERROR;
        if (!started) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    EXPECT_TRUE(started);
}

TEST_F(DnsServerTest, AtMostMaxTransfersPerPeerTheNextIsServfail) {
    store_big_zone(zones_);
    DnsServerOptions o = opts(2);
    o.transfer = loopback8_transfers(); // 127.0.0.1 and 127.0.0.2 both allowed
    o.tcp_idle_timeout_ms = 0;
    auto s = serve(o);
    uint16_t port = s->bound()[0].port;
    using endpointdns::serve::max_transfers_per_peer;
    EXPECT_EQ(max_transfers_per_peer, 4u);

    std::vector<std::unique_ptr<Sock>> stalled;
    for (unsigned i = 0; i < max_transfers_per_peer; ++i) {
        stalled.push_back(std::make_unique<Sock>(SOCK_STREAM));
        ASSERT_EQ(axfr_from(*stalled.back(), port, "127.0.0.1",
                            query(uint16_t(i), "example.com.", rrtype::AXFR)),
                  dns::rcode::NOERROR)
            << i;
    }
    // One more from 127.0.0.1: SERVFAIL, signed as the request is.
    {
        const dns::tsig::Key key = *dns::tsig::parse_key(test_key);
        std::string mac;
        std::string q = signed_query(query(50, "example.com.", rrtype::AXFR), mac);
        Sock c(SOCK_STREAM);
        int small = 4096;
        ::setsockopt(c.fd(), SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
        ASSERT_TRUE(c.bind_to("127.0.0.1"));
        ASSERT_TRUE(c.connect(port));
        c.send_all(framed(q));
        auto f = c.recv_frame();
        ASSERT_TRUE(f);
        EXPECT_EQ(parse(*f).header.rcode(), dns::rcode::SERVFAIL);
        EXPECT_TRUE(dns::tsig::verify_response(reinterpret_cast<const uint8_t*>(f->data()),
                                               f->size(), key, mac, true));
        // An IXFR too (behind: the whole zone would be sent); current: the SOA alone, which
        // needs no slot.
        Sock d(SOCK_STREAM), e(SOCK_STREAM);
        EXPECT_EQ(axfr_from(d, port, "127.0.0.1", ixfr_query(52, 0)), dns::rcode::SERVFAIL);
        EXPECT_EQ(axfr_from(e, port, "127.0.0.1", ixfr_query(53, 1)), dns::rcode::NOERROR);
        // Nothing more: the next answer is the SOA query's.
        e.send_all(framed(query(54, "example.com.", rrtype::SOA)));
        auto soa = e.recv_frame();
        ASSERT_TRUE(soa);
        EXPECT_EQ(parse(*soa).header.id, 54);
    }
    // Another client still transfers.
    Sock other(SOCK_STREAM);
    EXPECT_EQ(axfr_from(other, port, "127.0.0.2", query(60, "example.com.", rrtype::AXFR)),
              dns::rcode::NOERROR);
    // A stalled transfer of 127.0.0.1 goes away: 127.0.0.1 may transfer again.
    stalled.pop_back();
    bool started = false;
    for (int i = 0; i < 100 && !started; ++i) {
        Sock c(SOCK_STREAM);
        started = axfr_from(c, port, "127.0.0.1",
                            query(uint16_t(200 + i), "example.com.", rrtype::AXFR)) ==
                  dns::rcode::NOERROR;
        if (!started) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    EXPECT_TRUE(started);
}

TEST_F(DnsServerTest, RefusedTransfersTakeNoSlots) {
    store_big_zone(zones_);
    DnsServerOptions o = opts(2);
    o.transfer = loopback_transfers(); // 127.0.0.1 only: 127.0.0.2 is REFUSED
    o.tcp_idle_timeout_ms = 0;
    auto s = serve(o);
    uint16_t port = s->bound()[0].port;

    // More connections than slots, each pipelining AXFR requests and reading nothing. (Enough
    // for its answers to pass tcp_out_limit, where a refusal used to keep its slot, would be
    // 9,000 a connection: too slow for the sanitizer build on a busy machine. Refusals take
    // no slot at all now (Transfer::streams), however many are queued.)
    std::string many;
    for (int i = 0; i < 300; ++i) many += framed(query(uint16_t(i), "example.com.", rrtype::AXFR));
    std::vector<std::unique_ptr<Sock>> refused;
    for (unsigned i = 0; i < endpointdns::serve::max_transfers + 1; ++i) {
        auto c = std::make_unique<Sock>(SOCK_STREAM);
        int small = 4096;
        ::setsockopt(c->fd(), SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
        ASSERT_TRUE(c->bind_to("127.0.0.2")) << std::strerror(errno);
        ASSERT_TRUE(c->connect(port));
        c->send_all(many);
        refused.push_back(std::move(c));
    }
    // The answers are REFUSED.
    for (auto* c : {refused.front().get(), refused.back().get()}) {
        auto f = c->recv_frame();
        ASSERT_TRUE(f);
        EXPECT_EQ(parse(*f).header.rcode(), dns::rcode::REFUSED);
    }
    // The allowed client transfers, every time (no slot is held).
    std::vector<std::unique_ptr<Sock>> allowed;
    for (unsigned i = 0; i < endpointdns::serve::max_transfers_per_peer; ++i) {
        allowed.push_back(std::make_unique<Sock>(SOCK_STREAM));
        EXPECT_EQ(axfr_from(*allowed.back(), port, "127.0.0.1",
                            query(uint16_t(i), "example.com.", rrtype::AXFR)),
                  dns::rcode::NOERROR)
            << i;
    }
}

TEST(TransferSlots, PerClientAndInAll) {
    using endpointdns::serve::max_transfers;
    using endpointdns::serve::max_transfers_per_peer;
    using endpointdns::serve::TransferSlots;
    auto addr = [](const char* a) {
        sockaddr_storage ss{};
        if (std::strchr(a, ':')) {
            auto* s6 = reinterpret_cast<sockaddr_in6*>(&ss);
            s6->sin6_family = AF_INET6;
            EXPECT_EQ(::inet_pton(AF_INET6, a, &s6->sin6_addr), 1) << a;
        } else {
            auto* s4 = reinterpret_cast<sockaddr_in*>(&ss);
            s4->sin_family = AF_INET;
            EXPECT_EQ(::inet_pton(AF_INET, a, &s4->sin_addr), 1) << a;
        }
        return ss;
    };
    TransferSlots slots;
    // An IPv4 client, also when seen mapped: max_transfers_per_peer.
    for (unsigned i = 0; i < max_transfers_per_peer; ++i)
        EXPECT_TRUE(slots.take(addr(i % 2 ? "192.0.2.1" : "::ffff:192.0.2.1"))) << i;
    EXPECT_FALSE(slots.take(addr("192.0.2.1")));
    EXPECT_FALSE(slots.take(addr("::ffff:192.0.2.1")));
    EXPECT_TRUE(slots.take(addr("192.0.2.2")));
    // IPv6: per /64.
    for (unsigned i = 0; i < max_transfers_per_peer; ++i)
        EXPECT_TRUE(slots.take(addr(("2001:db8::" + std::to_string(i + 1)).c_str()))) << i;
    EXPECT_FALSE(slots.take(addr("2001:db8::ffff:1")));
    EXPECT_TRUE(slots.take(addr("2001:db8:0:1::1")));
    EXPECT_EQ(slots.in_use(), 2 * max_transfers_per_peer + 2);
    slots.give_back(addr("2001:db8::77"));
    EXPECT_TRUE(slots.take(addr("2001:db8::5")));
    // In all: max_transfers.
    unsigned n = slots.in_use();
    for (unsigned i = 0; n < max_transfers; ++i, ++n)
        EXPECT_TRUE(slots.take(addr(("198.51.100." + std::to_string(i)).c_str()))) << i;
    EXPECT_FALSE(slots.take(addr("203.0.113.1")));
    slots.give_back(addr("192.0.2.2"));
    EXPECT_TRUE(slots.take(addr("203.0.113.1")));
    EXPECT_EQ(slots.in_use(), max_transfers);
}

TEST(Prometheus, RendersEveryCounter) {
    ServerCounters c;
    c.queries[0][0] = 5;  // udp A
    c.queries[1][11] = 2; // tcp ANY
    c.queries[1][12] = 1; // tcp other
    c.responses[0] = 6;
    c.responses[16] = 1;
    c.tcp_refused = 4;
    c.tcp_open = 3;
    std::string t = endpointdns::serve::render_prometheus(c);
    EXPECT_NE(t.find("dns_queries_total{transport=\"udp\",type=\"A\"} 5\n"), std::string::npos);
    EXPECT_NE(t.find("dns_queries_total{transport=\"tcp\",type=\"ANY\"} 2\n"), std::string::npos);
    EXPECT_NE(t.find("dns_queries_total{transport=\"tcp\",type=\"other\"} 1\n"), std::string::npos);
    EXPECT_NE(t.find("dns_queries_total{transport=\"udp\",type=\"CAA\"} 0\n"), std::string::npos);
    EXPECT_NE(t.find("dns_responses_total{rcode=\"NOERROR\"} 6\n"), std::string::npos);
    EXPECT_NE(t.find("dns_responses_total{rcode=\"BADVERS\"} 1\n"), std::string::npos);
    EXPECT_NE(t.find("dns_responses_total{rcode=\"BADCOOKIE\"} 0\n"), std::string::npos);
    EXPECT_EQ(t.find("rcode=\"12\""), std::string::npos); // unassigned and zero: left out
    EXPECT_NE(t.find("# TYPE dns_tcp_connections_open gauge\ndns_tcp_connections_open 3\n"),
              std::string::npos);
    EXPECT_NE(t.find("dns_tcp_connections_refused_total 4\n"), std::string::npos);
    EXPECT_EQ(t.back(), '\n');
}

TEST(Prometheus, TypeIndexes) {
    using endpointdns::serve::metric_qtype_index;
    using endpointdns::serve::metric_qtype_name;
    EXPECT_EQ(metric_qtype_name(metric_qtype_index(rrtype::A)), "A");
    EXPECT_EQ(metric_qtype_name(metric_qtype_index(rrtype::AAAA)), "AAAA");
    EXPECT_EQ(metric_qtype_name(metric_qtype_index(257)), "CAA");
    EXPECT_EQ(metric_qtype_name(metric_qtype_index(255)), "ANY");
    EXPECT_EQ(metric_qtype_name(metric_qtype_index(99)), "other");
    EXPECT_EQ(metric_qtype_name(metric_qtype_index(0)), "other");
}
