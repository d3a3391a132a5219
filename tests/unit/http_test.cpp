// SPDX-License-Identifier: MIT
// Tests lib/http: a real server on 127.0.0.1 port 0, real HTTP from the libcurl multi client.
#include "error.hpp"
#include "http/client.hpp"
#include "http/server.hpp"

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <atomic>
#include <chrono>
#include <cstring>
#include <memory>
#include <mutex>
#include <netinet/in.h>
#include <string>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>
#include <vector>

using namespace endpointdns;
using namespace endpointdns::http;
using namespace std::chrono_literals;

namespace {

ServerOptions loopback(size_t max_body = 1u << 20) {
    ServerOptions o;
    o.listen = "127.0.0.1:0";
    o.threads = 2;
    o.workers = 4;
    o.max_body = max_body;
    o.timeout_seconds = 5;
    return o;
}

std::string base(const Server& s) {
    return "http://127.0.0.1:" + std::to_string(s.port());
}

ClientRequest get(std::string url) {
    ClientRequest r;
    r.url = std::move(url);
    r.timeout = 5;
    return r;
}

ClientResult fetch(ClientRequest r) {
    Client c;
    return c.run({std::move(r)}).at(0);
}

// A port on 127.0.0.1 where nothing listens: bound by the kernel's choice, then closed.
uint16_t closed_port() {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
    socklen_t len = sizeof a;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
    ::close(fd);
    return ntohs(a.sin_port);
}

// Sends raw bytes on a fresh connection and returns everything read until the peer closes
// (or 3 s pass).
std::string raw_exchange(uint16_t port, const std::string& out) {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(port);
    EXPECT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
    timeval tv{3, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    size_t sent = 0;
    while (sent < out.size()) {
        ssize_t n = ::send(fd, out.data() + sent, out.size() - sent, MSG_NOSIGNAL);
        if (n <= 0) break; // the server may close early; what it answered is still readable
        sent += size_t(n);
    }
    std::string in;
    char buf[4096];
    for (;;) {
        ssize_t n = ::recv(fd, buf, sizeof buf, 0);
        if (n <= 0) break;
        in.append(buf, size_t(n));
    }
    ::close(fd);
    return in;
}

} // namespace

// ---- addresses and bearer tokens ------------------------------------------------------------

TEST(HttpAddress, ParsesIpv4AndIpv6WithPorts) {
    auto a = parse_address("127.0.0.1:8053");
    ASSERT_TRUE(a.ok()) << a.error();
    EXPECT_EQ(a->family(), AF_INET);
    EXPECT_EQ(a->port(), 8053);
    EXPECT_EQ(a->to_string(), "127.0.0.1:8053");

    auto b = parse_address("[::1]:0");
    ASSERT_TRUE(b.ok()) << b.error();
    EXPECT_EQ(b->family(), AF_INET6);
    EXPECT_EQ(b->port(), 0);
    EXPECT_EQ(b->to_string(), "[::1]:0");

    auto c = parse_address("0.0.0.0:65535");
    ASSERT_TRUE(c.ok());
    EXPECT_EQ(c->port(), 65535);
}

TEST(HttpAddress, RefusesMalformedAddresses) {
    for (const char* bad : {"", "127.0.0.1", "127.0.0.1:", "127.0.0.1:65536", "127.0.0.1:80x",
                            "localhost:80", "::1:80", "[::1]", "[::1]80", "[127.0.0.1]:80",
                            "[::1:80", "300.0.0.1:80", "127.0.0.1:-1"}) {
        auto a = parse_address(bad);
        EXPECT_FALSE(a.ok()) << "accepted '" << bad << "'";
    }
}

TEST(HttpBearer, ConstantTimeEqualComparesWholeStrings) {
    EXPECT_TRUE(constant_time_equal("", ""));
    EXPECT_TRUE(constant_time_equal("secret", "secret"));
    EXPECT_FALSE(constant_time_equal("secret", "secreT"));
    EXPECT_FALSE(constant_time_equal("secret", "secret2"));
    EXPECT_FALSE(constant_time_equal("secret", "secre"));
    EXPECT_FALSE(constant_time_equal("secret", ""));
    EXPECT_FALSE(constant_time_equal("", "x"));
    // A prefix padded with NULs must not pass for the shorter string.
    EXPECT_FALSE(constant_time_equal(std::string("ab\0", 3), "ab"));
    EXPECT_FALSE(constant_time_equal("ab", std::string("ab\0", 3)));
}

TEST(HttpBearer, MatchesOnlyTheBearerSchemeWithTheKey) {
    EXPECT_TRUE(bearer_matches("Bearer s3cret", "s3cret"));
    EXPECT_TRUE(bearer_matches("bearer s3cret", "s3cret"));
    EXPECT_TRUE(bearer_matches("BEARER   s3cret  ", "s3cret"));
    EXPECT_TRUE(bearer_matches("Bearer\ts3cret", "s3cret"));
    EXPECT_FALSE(bearer_matches("Bearer s3cre", "s3cret"));
    EXPECT_FALSE(bearer_matches("Bearer s3cretX", "s3cret"));
    EXPECT_FALSE(bearer_matches("Bearers3cret", "s3cret"));
    EXPECT_FALSE(bearer_matches("Basic s3cret", "s3cret"));
    EXPECT_FALSE(bearer_matches("s3cret", "s3cret"));
    EXPECT_FALSE(bearer_matches("Bearer ", "s3cret"));
    EXPECT_FALSE(bearer_matches("", "s3cret"));
    // An empty key is a misconfiguration, never an open door.
    EXPECT_FALSE(bearer_matches("Bearer ", ""));
    EXPECT_FALSE(bearer_matches("Bearer x", ""));
}

TEST(HttpHeaders, LookupIgnoresCase) {
    Headers h;
    h.add("Content-Type", "text/plain");
    h.add("X-Two", "1");
    h.add("x-two", "2");
    EXPECT_EQ(h.get("content-type"), "text/plain");
    EXPECT_EQ(h.get("X-TWO"), "1");
    EXPECT_EQ(h.get("missing", "fallback"), "fallback");
    EXPECT_EQ(h.find("missing"), nullptr);
    h.set("X-Two", "3");
    EXPECT_EQ(h.size(), 2u);
    EXPECT_EQ(h.get("x-two"), "3");
}

// ---- server ---------------------------------------------------------------------------------

TEST(HttpServer, BindsPortZeroAndReportsThePort) {
    Server s(loopback(), [](const Request&) { return Response(200, "{}"); });
    EXPECT_NE(s.port(), 0);
    EXPECT_EQ(s.address().to_string(), "127.0.0.1:" + std::to_string(s.port()));
    auto r = fetch(get(base(s) + "/"));
    EXPECT_EQ(r.status, 200);
}

// threads = 1 (and 0) means libmicrohttpd's single polling thread, without a warning about a
// thread pool of one; 3 is a pool. Each serves requests.
TEST(HttpServer, OneOrManyIoThreadsServeWithoutWarnings) {
    for (unsigned threads : {0u, 1u, 3u}) {
        std::mutex mu;
        std::vector<std::string> logged;
        ServerOptions o = loopback();
        o.threads = threads;
        o.log = [&](std::string_view m) {
            std::lock_guard lock(mu);
            logged.emplace_back(m);
        };
        Server s(o, [](const Request&) { return Response(200, "{}"); });
        for (int i = 0; i < 3; ++i) EXPECT_EQ(fetch(get(base(s) + "/")).status, 200) << threads;
        s.stop();
        std::lock_guard lock(mu);
        EXPECT_TRUE(logged.empty()) << threads << " threads: " << logged.front();
    }
}

TEST(HttpServer, PassesMethodPathQueryHeadersAndBody) {
    std::mutex mu;
    Request seen;
    Server s(loopback(), [&](const Request& r) {
        std::lock_guard lock(mu);
        seen = r;
        Response resp(201, "created\n", "text/plain");
        resp.headers.add("X-Serial", "42");
        return resp;
    });
    ClientRequest r = get(base(s) + "/v1/zones/Example.COM.?wait=5&flag&name=a%20b");
    r.method = "PUT";
    r.body = std::string("\0\1binary\xff", 9);
    r.headers.add("Authorization", "Bearer k");
    r.headers.add("X-Custom-Header", "v1");
    auto res = fetch(r);
    EXPECT_EQ(res.status, 201);
    EXPECT_EQ(res.body, "created\n");
    EXPECT_EQ(res.headers.get("content-type"), "text/plain");
    EXPECT_EQ(res.headers.get("x-serial"), "42");

    std::lock_guard lock(mu);
    EXPECT_EQ(seen.method, "PUT");
    EXPECT_EQ(seen.path, "/v1/zones/Example.COM.");
    EXPECT_EQ(seen.query, "wait=5&flag&name=a%20b");
    ASSERT_NE(seen.arg("wait"), nullptr);
    EXPECT_EQ(*seen.arg("wait"), "5");
    ASSERT_NE(seen.arg("flag"), nullptr);
    EXPECT_EQ(*seen.arg("flag"), "");
    ASSERT_NE(seen.arg("name"), nullptr);
    EXPECT_EQ(*seen.arg("name"), "a b");
    EXPECT_EQ(seen.arg("nope"), nullptr);
    EXPECT_EQ(seen.headers.get("authorization"), "Bearer k");
    EXPECT_EQ(seen.headers.get("x-custom-header"), "v1");
    EXPECT_EQ(seen.body, std::string("\0\1binary\xff", 9));
    EXPECT_TRUE(seen.remote.starts_with("127.0.0.1:")) << seen.remote;
}

TEST(HttpServer, AccumulatesALargeBody) {
    std::string big(3u << 20, 'x');
    for (size_t i = 0; i < big.size(); i += 4096) big[i] = char('a' + i / 4096 % 26);
    Server s(loopback(4u << 20), [](const Request& r) {
        return Response(200, std::to_string(r.body.size()) + " " + r.body.substr(0, 1) +
                                 r.body.substr(r.body.size() - 4096, 1));
    });
    ClientRequest r = get(base(s) + "/upload");
    r.method = "POST";
    r.body = big;
    auto res = fetch(r);
    EXPECT_EQ(res.status, 200) << res.error;
    EXPECT_EQ(res.body, std::to_string(big.size()) + " a" + big.substr(big.size() - 4096, 1));
}

TEST(HttpServer, AnswersOversizedContentLengthWith413BeforeTheHandler) {
    std::atomic<int> calls{0};
    Server s(loopback(1000), [&](const Request&) {
        ++calls;
        return Response(200, "{}");
    });
    // With Expect: 100-continue the client waits, so the 413 arrives before any body is sent.
    ClientRequest r = get(base(s) + "/v1/zones");
    r.method = "POST";
    r.body = std::string(5000, 'z');
    r.headers.add("Expect", "100-continue");
    auto res = fetch(r);
    EXPECT_EQ(res.status, 413) << res.error;
    EXPECT_NE(res.body.find("\"error\""), std::string::npos) << res.body;
    EXPECT_EQ(calls.load(), 0);

    // Without Expect, from a raw socket: the answer is still 413 and nothing reaches the handler.
    std::string reply =
        raw_exchange(s.port(), "PUT /v1/zones HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000\r\n"
                               "\r\n" +
                                   std::string(2000, 'z'));
    EXPECT_TRUE(reply.starts_with("HTTP/1.1 413")) << reply;
    EXPECT_EQ(calls.load(), 0);

    // Exactly at the limit is fine.
    r.body = std::string(1000, 'z');
    EXPECT_EQ(fetch(r).status, 200);
    EXPECT_EQ(calls.load(), 1);
}

TEST(HttpServer, ClosesAChunkedBodyThatGrowsPastTheLimit) {
    std::atomic<int> calls{0};
    Server s(loopback(1000), [&](const Request&) {
        ++calls;
        return Response(200, "{}");
    });
    std::string chunk = "400\r\n" + std::string(1024, 'c') + "\r\n";
    std::string reply = raw_exchange(
        s.port(), "POST /v1/zones HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" +
                      chunk + chunk + "0\r\n\r\n");
    EXPECT_FALSE(reply.starts_with("HTTP/1.1 200")) << reply;
    EXPECT_EQ(calls.load(), 0);

    // A small chunked body is accepted whole.
    reply = raw_exchange(s.port(), "POST /v1/zones HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                                   "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n");
    EXPECT_TRUE(reply.starts_with("HTTP/1.1 200")) << reply;
    EXPECT_EQ(calls.load(), 1);
}

TEST(HttpServer, TurnsAHandlerExceptionInto500) {
    Server s(loopback(), [](const Request&) -> Response { throw std::runtime_error("boom"); });
    auto res = fetch(get(base(s) + "/"));
    EXPECT_EQ(res.status, 500);
    EXPECT_EQ(res.headers.get("Content-Type"), "application/json");
    EXPECT_NE(res.body.find("boom"), std::string::npos) << res.body;
}

// Long polls: more deferred requests than worker threads wait at once, each answered from
// another thread; a request that is not deferred still gets through meanwhile.
TEST(HttpServer, DeferredAnswersHoldNoWorker) {
    std::mutex mu;
    std::vector<std::shared_ptr<Deferred>> waiting;
    Server s(loopback(), [&](const Request& r) {
        if (r.path == "/now") return Response(200, "now");
        std::lock_guard lock(mu);
        waiting.push_back(r.defer());
        return Response(503, "not deferred");
    });
    std::vector<ClientRequest> batch;
    for (int i = 0; i < 8; ++i) batch.push_back(get(base(s) + "/wait/" + std::to_string(i)));
    std::vector<ClientResult> res;
    std::thread client([&] {
        Client c;
        res = c.run(batch);
    });
    for (int i = 0; i < 300; ++i) { // all eight parked: twice the four workers
        {
            std::lock_guard lock(mu);
            if (waiting.size() == 8) break;
        }
        std::this_thread::sleep_for(10ms);
    }
    EXPECT_EQ(fetch(get(base(s) + "/now")).body, "now");
    {
        std::lock_guard lock(mu);
        ASSERT_EQ(waiting.size(), 8u);
        for (size_t i = 0; i < waiting.size(); ++i) {
            waiting[i]->finish(Response(200, "done " + std::to_string(i)));
            waiting[i]->finish(Response(500, "a second finish is ignored"));
        }
    }
    client.join();
    ASSERT_EQ(res.size(), 8u);
    for (const auto& r : res) {
        EXPECT_EQ(r.status, 200) << r.error;
        EXPECT_EQ(r.body.rfind("done ", 0), 0u) << r.body;
    }
}

// A deferred answer finished before its handler returned is sent once the handler returns.
TEST(HttpServer, DeferredAnswerFinishedInsideTheHandler) {
    Server s(loopback(), [](const Request& r) {
        r.defer()->finish(Response(201, "early"));
        std::this_thread::sleep_for(50ms);
        return Response(503, "not deferred");
    });
    auto res = fetch(get(base(s) + "/"));
    EXPECT_EQ(res.status, 201);
    EXPECT_EQ(res.body, "early");
}

// Stopping answers the deferred requests still waiting with 503; finishing later does nothing.
TEST(HttpServer, StopAnswersWaitingDeferredWith503) {
    std::shared_ptr<Deferred> held;
    std::mutex mu;
    auto s = std::make_unique<Server>(loopback(), [&](const Request& r) {
        std::lock_guard lock(mu);
        held = r.defer();
        return Response(200, "not deferred");
    });
    std::string url = base(*s) + "/";
    ClientResult res;
    std::thread client([&] { res = fetch(get(url)); });
    for (int i = 0; i < 300; ++i) {
        {
            std::lock_guard lock(mu);
            if (held) break;
        }
        std::this_thread::sleep_for(10ms);
    }
    s->stop();
    client.join();
    EXPECT_TRUE(res.status == 503 || res.status == 0) << res.status; // answered or closed
    s.reset();
    std::lock_guard lock(mu);
    ASSERT_TRUE(held);
    held->finish(Response(200, "too late")); // the server is gone: nothing happens
}

TEST(HttpServer, ErrorBodyIsJson) {
    Response r = Response::error(404, "no zone \"x\"");
    EXPECT_EQ(r.status, 404);
    EXPECT_EQ(r.content_type, "application/json");
    EXPECT_EQ(r.body, "{\"error\":\"no zone \\\"x\\\"\"}\n");
}

TEST(HttpServer, RefusesABadAddressAndAPortInUse) {
    auto handler = [](const Request&) { return Response(); };
    ServerOptions o = loopback();
    o.listen = "localhost:80";
    try {
        Server s(o, handler);
        FAIL() << "accepted a host name";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ex_usage);
    }
    Server first(loopback(), handler);
    o.listen = "127.0.0.1:" + std::to_string(first.port());
    try {
        Server second(o, handler);
        FAIL() << "bound a port already in use";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ex_unavailable);
        EXPECT_NE(std::string(e.what()).find(o.listen), std::string::npos) << e.what();
    }
}

TEST(HttpServer, ListensOnIpv6Loopback) {
    ServerOptions o = loopback();
    o.listen = "[::1]:0";
    std::unique_ptr<Server> s;
    try {
        s = std::make_unique<Server>(o, [](const Request& r) { return Response(200, r.remote); });
    } catch (const Error& e) {
        GTEST_SKIP() << "no IPv6 loopback here: " << e.what();
    }
    auto res = fetch(get("http://[::1]:" + std::to_string(s->port()) + "/"));
    EXPECT_EQ(res.status, 200) << res.error;
    EXPECT_TRUE(res.body.starts_with("[::1]:")) << res.body;
}

TEST(HttpServer, StopIsIdempotentAndClosesThePort) {
    Server s(loopback(), [](const Request&) { return Response(); });
    uint16_t port = s.port();
    s.stop();
    s.stop();
    ClientRequest r = get("http://127.0.0.1:" + std::to_string(port) + "/");
    auto res = fetch(r);
    EXPECT_EQ(res.status, 0);
    EXPECT_FALSE(res.error.empty());
}

// ---- client ---------------------------------------------------------------------------------

TEST(HttpClient, RunsABatchConcurrently) {
    std::atomic<int> inside{0}, most{0};
    Server s(loopback(), [&](const Request& r) {
        int now = ++inside;
        int m = most.load();
        while (now > m && !most.compare_exchange_weak(m, now)) {
        }
        std::this_thread::sleep_for(300ms);
        --inside;
        return Response(200, r.path);
    });
    std::vector<ClientRequest> batch;
    for (int i = 0; i < 8; ++i) batch.push_back(get(base(s) + "/item/" + std::to_string(i)));
    Client c;
    auto t0 = std::chrono::steady_clock::now();
    auto res = c.run(batch);
    auto took = std::chrono::steady_clock::now() - t0;
    ASSERT_EQ(res.size(), 8u);
    for (int i = 0; i < 8; ++i) {
        EXPECT_EQ(res[i].status, 200) << res[i].error;
        EXPECT_EQ(res[i].body, "/item/" + std::to_string(i)); // results keep the request order
        EXPECT_EQ(res[i].attempts, 1);
        EXPECT_GE(res[i].elapsed, 0.29);
    }
    // Four handler threads: two rounds of 300 ms, not eight (2.4 s); slack for a busy machine.
    EXPECT_LT(took, 1800ms);
    EXPECT_GE(most.load(), 3);

    // The same client runs a second batch.
    auto again = c.run({get(base(s) + "/again")});
    EXPECT_EQ(again.at(0).body, "/again");
    EXPECT_TRUE(c.run({}).empty());
}

TEST(HttpClient, SendsEveryMethodWithItsBody) {
    Server s(loopback(), [](const Request& r) {
        return Response(200, r.method + " " + r.body + " " + r.headers.get("Content-Type"));
    });
    std::vector<ClientRequest> batch;
    for (const char* m : {"GET", "PUT", "PATCH", "POST", "DELETE"}) {
        ClientRequest r = get(base(s) + "/x");
        r.method = m;
        if (std::string(m) != "GET") r.body = std::string("body-") + m;
        r.headers.add("Content-Type", "application/vnd.endpointdns.zone-stream");
        batch.push_back(r);
    }
    auto res = Client().run(batch);
    EXPECT_EQ(res[0].body, "GET  application/vnd.endpointdns.zone-stream");
    EXPECT_EQ(res[1].body, "PUT body-PUT application/vnd.endpointdns.zone-stream");
    EXPECT_EQ(res[2].body, "PATCH body-PATCH application/vnd.endpointdns.zone-stream");
    EXPECT_EQ(res[3].body, "POST body-POST application/vnd.endpointdns.zone-stream");
    EXPECT_EQ(res[4].body, "DELETE body-DELETE application/vnd.endpointdns.zone-stream");
}

TEST(HttpClient, RetriesServerErrorsWithBackoff) {
    std::atomic<int> calls{0};
    Server s(loopback(), [&](const Request&) {
        return ++calls <= 2 ? Response::error(503, "busy") : Response(200, "{}");
    });
    ClientRequest r = get(base(s) + "/");
    r.retries = 3;
    r.backoff = 0.1;
    auto res = fetch(r);
    EXPECT_EQ(res.status, 200);
    EXPECT_EQ(res.attempts, 3);
    EXPECT_GE(res.elapsed, 0.1 + 0.2 - 0.02); // 0.1 s, then 0.2 s
    EXPECT_EQ(calls.load(), 3);
}

TEST(HttpClient, KeepsTheLastServerErrorWhenRetriesRunOut) {
    std::atomic<int> calls{0};
    Server s(loopback(), [&](const Request&) {
        ++calls;
        return Response::error(500, "disk full");
    });
    ClientRequest r = get(base(s) + "/");
    r.retries = 2;
    r.backoff = 0.01;
    auto res = fetch(r);
    EXPECT_EQ(res.status, 500);
    EXPECT_NE(res.body.find("disk full"), std::string::npos);
    EXPECT_TRUE(res.error.empty());
    EXPECT_EQ(res.attempts, 3);
    EXPECT_EQ(calls.load(), 3);
}

TEST(HttpClient, NeverRetriesClientErrors) {
    std::atomic<int> calls{0};
    Server s(loopback(), [&](const Request& r) {
        ++calls;
        return Response::error(r.path == "/401" ? 401 : 409, "no");
    });
    ClientRequest a = get(base(s) + "/401"), b = get(base(s) + "/409");
    a.retries = b.retries = 3;
    auto res = Client().run({a, b});
    EXPECT_EQ(res[0].status, 401);
    EXPECT_EQ(res[1].status, 409);
    EXPECT_EQ(res[0].attempts, 1);
    EXPECT_EQ(res[1].attempts, 1);
    EXPECT_EQ(calls.load(), 2);
}

TEST(HttpClient, RetriesARefusedConnectionThenReportsIt) {
    ClientRequest r = get("http://127.0.0.1:" + std::to_string(closed_port()) + "/");
    r.retries = 2;
    r.backoff = 0.05;
    auto res = fetch(r);
    EXPECT_EQ(res.status, 0);
    EXPECT_FALSE(res.answered());
    EXPECT_FALSE(res.error.empty());
    EXPECT_FALSE(res.timed_out);
    EXPECT_TRUE(retryable_curl_code(res.curl_code)) << res.error;
    EXPECT_EQ(res.attempts, 3);
    EXPECT_GE(res.elapsed, 0.05 + 0.1 - 0.02);
}

TEST(HttpClient, TimesOutASlowServer) {
    Server s(loopback(), [](const Request&) {
        std::this_thread::sleep_for(1500ms);
        return Response(200, "{}");
    });
    ClientRequest r = get(base(s) + "/slow");
    r.timeout = 0.3;
    r.retries = 1;
    r.backoff = 0.01;
    auto t0 = std::chrono::steady_clock::now();
    auto res = fetch(r);
    EXPECT_LT(std::chrono::steady_clock::now() - t0, 1400ms);
    EXPECT_EQ(res.status, 0);
    EXPECT_TRUE(res.timed_out) << res.error;
    EXPECT_EQ(res.attempts, 2);
}

TEST(HttpClient, MixesOutcomesInOneBatch) {
    Server s(loopback(), [](const Request& r) {
        if (r.path == "/slow") std::this_thread::sleep_for(200ms);
        return Response(r.path == "/missing" ? 404 : 200, r.path);
    });
    std::vector<ClientRequest> batch = {
        get(base(s) + "/slow"), get(base(s) + "/missing"),
        get("http://127.0.0.1:" + std::to_string(closed_port()) + "/"), get(base(s) + "/fast")};
    auto res = Client().run(batch);
    EXPECT_EQ(res[0].status, 200);
    EXPECT_EQ(res[1].status, 404);
    EXPECT_EQ(res[2].status, 0);
    EXPECT_EQ(res[3].status, 200);
    EXPECT_LT(res[3].elapsed, 0.15); // the fast one did not wait for the slow one
    EXPECT_GE(res[0].elapsed, 0.19);
}

TEST(HttpClient, RefusesAnOversizedAnswer) {
    Server s(loopback(), [](const Request&) { return Response(200, std::string(100000, 'a')); });
    ClientOptions o;
    o.max_response = 1000;
    Client c(o);
    ClientRequest r = get(base(s) + "/");
    r.retries = 2;
    auto res = c.run({r}).at(0);
    EXPECT_EQ(res.status, 0);
    EXPECT_NE(res.error.find("1000"), std::string::npos) << res.error;
    EXPECT_EQ(res.attempts, 1);
}

TEST(HttpClient, ReportsAMalformedUrlWithoutRetrying) {
    ClientRequest r = get("ftp://127.0.0.1/");
    r.retries = 3;
    auto res = fetch(r);
    EXPECT_EQ(res.status, 0);
    EXPECT_FALSE(res.error.empty());
    EXPECT_EQ(res.attempts, 1);
}
