// SPDX-License-Identifier: MIT
// The client's address behind trusted reverse proxies: X-Forwarded-For read from the right.
#include "http/forwarded.hpp"

#include <arpa/inet.h>

#include <cstring>

namespace endpointdns::http {

namespace {

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

bool trusted_by(const std::vector<Network>& trusted, const std::array<uint8_t, 16>& a) {
    for (const auto& n : trusted)
        if (n.contains(a)) return true;
    return false;
}

} // namespace

bool Network::contains(const std::array<uint8_t, 16>& a) const {
    unsigned full = prefix / 8, rest = prefix % 8;
    if (std::memcmp(addr.data(), a.data(), full) != 0) return false;
    if (rest == 0) return true;
    uint8_t mask = uint8_t(0xff << (8 - rest));
    return (addr[full] & mask) == (a[full] & mask);
}

std::optional<std::array<uint8_t, 16>> parse_ip(std::string_view text) {
    if (text.size() >= 2 && text.front() == '[' && text.back() == ']')
        text = text.substr(1, text.size() - 2);
    if (text.empty() || text.size() >= 64) return std::nullopt;
    std::string s(text);
    std::array<uint8_t, 16> out{};
    in_addr v4{};
    if (::inet_pton(AF_INET, s.c_str(), &v4) == 1) {
        out[10] = out[11] = 0xff;
        std::memcpy(out.data() + 12, &v4, 4);
        return out;
    }
    if (::inet_pton(AF_INET6, s.c_str(), out.data()) == 1) return out;
    return std::nullopt;
}

std::optional<Network> parse_network(std::string_view text) {
    Network n;
    auto slash = text.find('/');
    auto ip = parse_ip(text.substr(0, slash));
    if (!ip) return std::nullopt;
    n.addr = *ip;
    bool v4 = text.substr(0, slash).find(':') == std::string_view::npos;
    if (slash != std::string_view::npos) {
        auto digits = text.substr(slash + 1);
        if (digits.empty() || digits.size() > 3) return std::nullopt;
        unsigned p = 0;
        for (char c : digits) {
            if (c < '0' || c > '9') return std::nullopt;
            p = p * 10 + unsigned(c - '0');
        }
        if (p > (v4 ? 32u : 128u)) return std::nullopt;
        n.prefix = v4 ? p + 96 : p;
    }
    return n;
}

std::string strip_port(std::string_view remote) {
    if (!remote.empty() && remote.front() == '[') {
        auto close = remote.find(']');
        if (close != std::string_view::npos) return std::string(remote.substr(1, close - 1));
        return std::string(remote);
    }
    auto colon = remote.find(':');
    // One colon: IPv4 with a port. More: a bare IPv6 address.
    if (colon != std::string_view::npos && remote.find(':', colon + 1) == std::string_view::npos)
        return std::string(remote.substr(0, colon));
    return std::string(remote);
}

std::string client_address(std::string_view remote, std::string_view forwarded_for,
                           const std::vector<Network>& trusted) {
    std::string peer = strip_port(remote);
    if (trusted.empty()) return peer;
    auto ip = parse_ip(peer);
    if (!ip || !trusted_by(trusted, *ip)) return peer;
    std::string client = peer;
    size_t end = forwarded_for.size();
    while (end > 0) {
        size_t comma = forwarded_for.rfind(',', end - 1);
        size_t start = comma == std::string_view::npos ? 0 : comma + 1;
        auto item = trim(forwarded_for.substr(start, end - start));
        end = comma == std::string_view::npos ? 0 : comma;
        if (item.empty()) continue;
        auto a = parse_ip(item);
        if (!a) break; // garbage (or "unknown"): the hops to its right are all we can trust
        char buf[INET6_ADDRSTRLEN] = {};
        bool mapped = std::memcmp(a->data(), "\0\0\0\0\0\0\0\0\0\0\xff\xff", 12) == 0;
        ::inet_ntop(mapped ? AF_INET : AF_INET6, mapped ? a->data() + 12 : a->data(), buf,
                    sizeof buf);
        client = buf;
        if (!trusted_by(trusted, *a)) break;
    }
    return client;
}

} // namespace endpointdns::http
