// SPDX-License-Identifier: MIT
// Fuzzes http::parse_network, parse_ip, strip_port and client_address (X-Forwarded-For): no
// crash, and the client is the peer or one of the header's addresses.
//
// Input: up to the first newline, a trusted network per ';'; then the peer up to the next
// newline; the rest is the X-Forwarded-For value.
#include "fuzz_util.hpp"
#include "http/forwarded.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

using namespace endpointdns;
using endpointdns::fuzz::die;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view in(reinterpret_cast<const char*>(data), size);
    auto nl = in.find('\n');
    std::string_view nets = in.substr(0, nl);
    std::string_view rest = nl == std::string_view::npos ? "" : in.substr(nl + 1);
    auto nl2 = rest.find('\n');
    std::string_view peer = rest.substr(0, nl2);
    std::string_view xff = nl2 == std::string_view::npos ? "" : rest.substr(nl2 + 1);

    std::vector<http::Network> trusted;
    size_t at = 0;
    while (at <= nets.size()) {
        size_t semi = nets.find(';', at);
        if (semi == std::string_view::npos) semi = nets.size();
        if (auto n = http::parse_network(nets.substr(at, semi - at))) {
            if (n->prefix > 128) die("prefix beyond 128");
            trusted.push_back(*n);
        }
        at = semi + 1;
    }
    std::string client = http::client_address(peer, xff, trusted);
    if (client != http::strip_port(peer) && !http::parse_ip(client))
        die("the client is neither the peer nor an address");
    return 0;
}
