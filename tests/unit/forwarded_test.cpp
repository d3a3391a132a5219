// SPDX-License-Identifier: MIT
// Tests of lib/http/forwarded: networks, and the client's address behind trusted proxies.
#include "http/forwarded.hpp"

#include <gtest/gtest.h>

using namespace endpointdns::http;

namespace {

std::vector<Network> nets(std::initializer_list<const char*> texts) {
    std::vector<Network> out;
    for (const char* t : texts) {
        auto n = parse_network(t);
        EXPECT_TRUE(n) << t;
        if (n) out.push_back(*n);
    }
    return out;
}

} // namespace

TEST(Forwarded, ParseNetworks) {
    EXPECT_TRUE(parse_network("192.0.2.1"));
    EXPECT_TRUE(parse_network("10.0.0.0/8"));
    EXPECT_TRUE(parse_network("0.0.0.0/0"));
    EXPECT_TRUE(parse_network("::1"));
    EXPECT_TRUE(parse_network("2001:db8::/32"));
    EXPECT_FALSE(parse_network(""));
    EXPECT_FALSE(parse_network("10.0.0.0/33"));
    EXPECT_FALSE(parse_network("2001:db8::/129"));
    EXPECT_FALSE(parse_network("10.0.0.0/"));
    EXPECT_FALSE(parse_network("10.0.0.0/8x"));
    EXPECT_FALSE(parse_network("proxy.example.com"));
    EXPECT_FALSE(parse_network("192.0.2.1:80"));
}

TEST(Forwarded, NetworkContains) {
    auto n = *parse_network("10.1.0.0/16");
    EXPECT_TRUE(n.contains(*parse_ip("10.1.200.3")));
    EXPECT_FALSE(n.contains(*parse_ip("10.2.0.1")));
    EXPECT_FALSE(n.contains(*parse_ip("::1")));
    auto odd = *parse_network("192.0.2.128/25");
    EXPECT_TRUE(odd.contains(*parse_ip("192.0.2.200")));
    EXPECT_FALSE(odd.contains(*parse_ip("192.0.2.127")));
    auto v6 = *parse_network("2001:db8::/32");
    EXPECT_TRUE(v6.contains(*parse_ip("[2001:db8:1::5]")));
    EXPECT_FALSE(v6.contains(*parse_ip("2001:db9::5")));
}

TEST(Forwarded, StripPort) {
    EXPECT_EQ(strip_port("192.0.2.1:5000"), "192.0.2.1");
    EXPECT_EQ(strip_port("[2001:db8::1]:5000"), "2001:db8::1");
    EXPECT_EQ(strip_port("2001:db8::1"), "2001:db8::1");
    EXPECT_EQ(strip_port("192.0.2.1"), "192.0.2.1");
}

TEST(Forwarded, HeaderIgnoredWithoutTrustedProxies) {
    EXPECT_EQ(client_address("192.0.2.1:4000", "203.0.113.9", {}), "192.0.2.1");
}

TEST(Forwarded, HeaderIgnoredFromUntrustedPeer) {
    EXPECT_EQ(client_address("192.0.2.1:4000", "203.0.113.9", nets({"127.0.0.1"})), "192.0.2.1");
}

TEST(Forwarded, RightmostUntrustedEntryIsTheClient) {
    auto t = nets({"127.0.0.1", "10.0.0.0/8"});
    EXPECT_EQ(client_address("127.0.0.1:4000", "203.0.113.9", t), "203.0.113.9");
    // A client that sends its own header cannot choose its address: the proxy appended the
    // real one.
    EXPECT_EQ(client_address("127.0.0.1:4000", "1.2.3.4, 203.0.113.9", t), "203.0.113.9");
    // Trusted hops are skipped.
    EXPECT_EQ(client_address("127.0.0.1:4000", "198.51.100.7, 10.0.0.5 ,10.2.3.4", t),
              "198.51.100.7");
    EXPECT_EQ(client_address("127.0.0.1:4000", "2001:DB8::7", t), "2001:db8::7");
}

TEST(Forwarded, GarbageStopsTheWalk) {
    auto t = nets({"127.0.0.1", "10.0.0.0/8"});
    EXPECT_EQ(client_address("127.0.0.1:4000", "", t), "127.0.0.1");
    EXPECT_EQ(client_address("127.0.0.1:4000", "unknown", t), "127.0.0.1");
    EXPECT_EQ(client_address("127.0.0.1:4000", "203.0.113.9, junk, 10.0.0.5", t), "10.0.0.5");
    EXPECT_EQ(client_address("127.0.0.1:4000", " , ,", t), "127.0.0.1");
    // Every hop trusted: the leftmost is as far as we can see.
    EXPECT_EQ(client_address("127.0.0.1:4000", "10.0.0.9, 10.0.0.5", t), "10.0.0.9");
}
