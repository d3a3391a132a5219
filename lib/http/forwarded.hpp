// SPDX-License-Identifier: MIT
// The client's address behind trusted reverse proxies: X-Forwarded-For read from the right.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace endpointdns::http {

// An IPv4 or IPv6 network ("192.0.2.10", "10.0.0.0/8", "::1", "2001:db8::/32"); IPv4 is held
// as an IPv4-mapped IPv6 address, so one comparison serves both.
struct Network {
    std::array<uint8_t, 16> addr{};
    unsigned prefix = 128;
    bool contains(const std::array<uint8_t, 16>& a) const;
};

// One address without a port ("192.0.2.1", "2001:db8::1", "[2001:db8::1]"); nullopt otherwise.
std::optional<std::array<uint8_t, 16>> parse_ip(std::string_view text);
// A network as in the configuration; nullopt when it is not one.
std::optional<Network> parse_network(std::string_view text);
// The address of a peer as http::Request::remote gives it ("ADDR:PORT", "[V6]:PORT"), without
// the port; the text unchanged when it has none.
std::string strip_port(std::string_view remote);

// The client's address: the peer's, unless the peer is one of the trusted proxies; then the
// X-Forwarded-For list (every header line joined with ",") is read from the right, and the
// first entry that is not a trusted proxy is the client. An entry that is not an address ends
// the walk: the last trusted hop is the client then. Without trusted proxies the header is
// never read (anyone can send it).
std::string client_address(std::string_view remote, std::string_view forwarded_for,
                           const std::vector<Network>& trusted);

} // namespace endpointdns::http
