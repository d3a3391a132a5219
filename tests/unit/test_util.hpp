// SPDX-License-Identifier: MIT
// Helpers the unit tests share: names and wire octets, RDATA builders, zones from text, checks.
#pragma once

#include "dns/name.hpp"
#include "dns/rr.hpp"
#include "zone/zone.hpp"
#include "zone/zonefile.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <iterator>
#include <string>
#include <string_view>
#include <utility>

namespace endpointdns::test {

// A fresh directory under the system's temporary directory, removed with everything in it.
class TempDir {
public:
    explicit TempDir(const std::string& prefix = "unit") {
        std::string tmpl = (std::filesystem::temp_directory_path() / (prefix + "-XXXXXX")).string();
        EXPECT_NE(::mkdtemp(tmpl.data()), nullptr);
        path_ = tmpl;
    }
    ~TempDir() {
        std::error_code ec;
        std::filesystem::remove_all(path_, ec);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    // Writes `content` to the relative path `rel` (parents created); returns the full path.
    std::string write(const std::string& rel, std::string_view content) const {
        std::filesystem::path p = std::filesystem::path(path_) / rel;
        std::filesystem::create_directories(p.parent_path());
        std::ofstream(p, std::ios::binary) << content;
        return p.string();
    }
    const std::string& path() const { return path_; }

private:
    std::string path_;
};

// A whole file's octets ("" when it cannot be read).
inline std::string slurp(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(f), {});
}

// Replaces a file's content with `bytes`.
inline void spit(const std::string& path, std::string_view bytes) {
    std::ofstream f(path, std::ios::binary | std::ios::trunc);
    f.write(bytes.data(), std::streamsize(bytes.size()));
}

// A name from presentation form; a parse failure fails the test (and gives the root).
inline dns::Name N(std::string_view text) {
    auto n = dns::Name::parse(text);
    EXPECT_TRUE(n.ok()) << "cannot parse '" << text << "': " << (n.ok() ? "" : n.error());
    return n.ok() ? *n : dns::Name();
}

// The wire form of a name given in presentation form.
inline std::string W(std::string_view text) {
    return std::string(N(text).wire());
}

// Wire bytes from a list of octets, for readable expectations.
inline std::string bytes(std::initializer_list<int> b) {
    std::string s;
    for (int c : b) s.push_back(char(c));
    return s;
}

inline std::string u16(uint16_t v) {
    std::string s;
    dns::put16(s, v);
    return s;
}
inline std::string u32(uint32_t v) {
    std::string s;
    dns::put32(s, v);
    return s;
}

// Character-strings, each with its length octet (TXT, HINFO, NAPTR fields).
inline std::string txt(std::initializer_list<std::string> strings) {
    std::string s;
    for (const auto& x : strings) {
        s.push_back(char(x.size()));
        s += x;
    }
    return s;
}

// SOA RDATA; the timers default to those of soa_line().
inline std::string soa_rdata(std::string_view mname, std::string_view rname, uint32_t serial,
                             uint32_t refresh = 7200, uint32_t retry = 3600,
                             uint32_t expire = 1209600, uint32_t minimum = 300) {
    return W(mname) + W(rname) + u32(serial) + u32(refresh) + u32(retry) + u32(expire) +
           u32(minimum);
}

// A record of class IN.
inline dns::Rr rr(std::string_view owner, uint16_t type, uint32_t ttl, std::string rdata) {
    return dns::Rr{N(owner), type, dns::rrclass::IN, ttl, std::move(rdata)};
}

inline std::string owner_text(const zone::RrView& r) {
    return dns::Name::from_wire_unchecked(r.owner).to_text();
}

// Diagnostics one a line, for failure messages.
inline std::string diag_list(const zone::Diagnostics& d) {
    std::string s;
    for (const auto& x : d) s += "\n  " + x.to_string();
    return s;
}

// A zone file's SOA line (relative names, explicit TTL) with the given serial.
inline std::string soa_line(uint32_t serial) {
    return "@ 3600 IN SOA ns1 hostmaster " + std::to_string(serial) + " 7200 3600 1209600 300\n";
}

// Parses text as "test.zone" and normalizes it; parse and normalize must be clean.
inline zone::Zone zone_from(const std::string& text, std::string_view origin = "example.com.") {
    zone::Diagnostics pd;
    zone::Zone z = zone::parse_zone_text(text, "test.zone", N(origin), pd);
    EXPECT_TRUE(pd.empty()) << "parse:" << diag_list(pd);
    zone::Diagnostics nd;
    z.normalize(&nd);
    EXPECT_TRUE(nd.empty()) << "normalize:" << diag_list(nd);
    return z;
}

// The same records in the same order, octet for octet, and the same origin in the same case.
inline void expect_same_zone(const zone::Zone& got, const zone::Zone& want) {
    EXPECT_TRUE(got.origin() == want.origin());
    EXPECT_TRUE(got.origin().same_case(want.origin())) << got.origin().to_text();
    ASSERT_EQ(got.size(), want.size());
    for (size_t i = 0; i < want.size(); ++i) {
        zone::RrView a = got.at(i), b = want.at(i);
        ASSERT_EQ(a.owner, b.owner) << i << ": " << owner_text(a) << " vs " << owner_text(b);
        ASSERT_EQ(a.type, b.type) << i;
        ASSERT_EQ(a.ttl, b.ttl) << i << ": " << owner_text(a);
        ASSERT_EQ(a.rdata, b.rdata) << i;
    }
}

} // namespace endpointdns::test
