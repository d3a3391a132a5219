// SPDX-License-Identifier: MIT
// Unit tests of lib/zone/zonefile: master-file syntax, directives, diagnostics, fast path vs ldns.
#include "zone/zonefile.hpp"

#include "error.hpp"

#include "test_util.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

namespace dns = endpointdns::dns;
namespace rrtype = endpointdns::dns::rrtype;
using dns::Name;
using endpointdns::zone::Diagnostic;
using endpointdns::zone::Diagnostics;
using endpointdns::zone::parse_ttl;
using endpointdns::zone::parse_zone_file;
using endpointdns::zone::parse_zone_text;
using endpointdns::zone::ParseOptions;
using endpointdns::zone::RrView;
using endpointdns::zone::Zone;
using namespace endpointdns::test;

namespace {

const ParseOptions fast_opts{.fast = true};
const ParseOptions ldns_opts{.fast = false};

std::string hex(std::string_view h) {
    std::string out;
    for (size_t i = 0; i + 1 < h.size(); i += 2)
        out.push_back(char(std::stoi(std::string(h.substr(i, 2)), nullptr, 16)));
    return out;
}

struct Parsed {
    Zone zone;
    Diagnostics diags;
};

Parsed parse(std::string_view text, const ParseOptions& opts = fast_opts,
             std::string_view origin = "example.com.", const std::string& file = "test.zone") {
    Diagnostics d;
    Zone z = parse_zone_text(text, file, N(origin), d, opts);
    return Parsed{std::move(z), std::move(d)};
}

// Records of the (unnormalized) zone with the given owner and type, in input order.
std::vector<RrView> find(const Zone& z, std::string_view owner, uint16_t type) {
    std::vector<RrView> out;
    std::string w = W(owner);
    for (size_t i = 0; i < z.size(); ++i)
        if (z.at(i).type == type && Name::equal_ci(z.at(i).owner, w)) out.push_back(z.at(i));
    return out;
}
size_t index_of(const Zone& z, std::string_view owner, uint16_t type) {
    std::string w = W(owner);
    for (size_t i = 0; i < z.size(); ++i)
        if (z.at(i).type == type && Name::equal_ci(z.at(i).owner, w)) return i;
    return SIZE_MAX;
}

// One record's RDATA (expects exactly one record with that owner and type, and no diagnostics).
std::string rdata_of(const Parsed& p, std::string_view owner, uint16_t type) {
    auto v = find(p.zone, owner, type);
    EXPECT_EQ(v.size(), 1u) << owner << " " << dns::type_name(type) << diag_list(p.diags);
    return v.empty() ? std::string("<none>") : std::string(v[0].rdata);
}

} // namespace

// ---- TTLs ----------------------------------------------------------------------------------

TEST(ZoneFileTtl, Units) {
    EXPECT_EQ(parse_ttl("0"), 0u);
    EXPECT_EQ(parse_ttl("3600"), 3600u);
    EXPECT_EQ(parse_ttl("1h30m"), 5400u);
    EXPECT_EQ(parse_ttl("1H30M"), 5400u);
    EXPECT_EQ(parse_ttl("1w2d3h4m5s"), 604800u + 2 * 86400 + 3 * 3600 + 4 * 60 + 5);
    EXPECT_EQ(parse_ttl("2d"), 172800u);
    EXPECT_EQ(parse_ttl("4294967295"), 4294967295u);
    EXPECT_EQ(parse_ttl("4294967296"), std::nullopt);
    EXPECT_EQ(parse_ttl("7102w"), std::nullopt); // overflows 32 bits
    EXPECT_EQ(parse_ttl(""), std::nullopt);
    EXPECT_EQ(parse_ttl("h"), std::nullopt);
    EXPECT_EQ(parse_ttl("1x"), std::nullopt);
    EXPECT_EQ(parse_ttl("-1"), std::nullopt);
    EXPECT_EQ(parse_ttl("1 h"), std::nullopt);
    EXPECT_EQ(parse_ttl("1hh"), std::nullopt);
}

TEST(ZoneFile, TtlInRecordsAndDirectives) {
    auto p = parse("$TTL 1h\n"
                   "a IN A 192.0.2.1\n"
                   "b 1h30m IN A 192.0.2.2\n"
                   "c IN A 192.0.2.3\n"
                   "$TTL 2d\n"
                   "d IN A 192.0.2.4\n"
                   "e 1W IN A 192.0.2.5\n");
    ASSERT_TRUE(p.diags.empty()) << diag_list(p.diags);
    EXPECT_EQ(find(p.zone, "a.example.com.", rrtype::A)[0].ttl, 3600u);
    EXPECT_EQ(find(p.zone, "b.example.com.", rrtype::A)[0].ttl, 5400u);
    EXPECT_EQ(find(p.zone, "c.example.com.", rrtype::A)[0].ttl, 3600u); // $TTL, not the last TTL
    EXPECT_EQ(find(p.zone, "d.example.com.", rrtype::A)[0].ttl, 172800u);
    EXPECT_EQ(find(p.zone, "e.example.com.", rrtype::A)[0].ttl, 604800u);
}

TEST(ZoneFile, MissingTtl) {
    auto p = parse("a IN A 192.0.2.1\n"     // 1: no TTL anywhere yet
                   "b 300 IN A 192.0.2.2\n" // 2
                   "c IN A 192.0.2.3\n"     // 3: the last explicit TTL (RFC 1035)
                   "$TTL 60\n"              // 4
                   "d IN A 192.0.2.4\n"     // 5
                   "e 10 A 192.0.2.5\n"     // 6
                   "f A 192.0.2.6\n");      // 7: $TTL again
    ASSERT_EQ(p.diags.size(), 1u) << diag_list(p.diags);
    EXPECT_TRUE(p.diags[0].is_error());
    EXPECT_EQ(p.diags[0].line, 1u);
    EXPECT_EQ(p.diags[0].file, "test.zone");
    EXPECT_NE(p.diags[0].message.find("TTL"), std::string::npos) << p.diags[0].message;
    EXPECT_TRUE(find(p.zone, "a.example.com.", rrtype::A).empty());
    EXPECT_EQ(find(p.zone, "c.example.com.", rrtype::A)[0].ttl, 300u);
    EXPECT_EQ(find(p.zone, "d.example.com.", rrtype::A)[0].ttl, 60u);
    EXPECT_EQ(find(p.zone, "e.example.com.", rrtype::A)[0].ttl, 10u);
    EXPECT_EQ(find(p.zone, "f.example.com.", rrtype::A)[0].ttl, 60u);
}

// ---- names, owners, classes ----------------------------------------------------------------

TEST(ZoneFile, OriginAndRelativeNames) {
    auto p = parse("$TTL 300\n"
                   "@ IN NS ns1\n"
                   "@ IN MX 10 @\n"
                   "www IN CNAME @\n"
                   "abs.example.org. IN CNAME other.example.net.\n"
                   "$ORIGIN sub\n" // relative to the current origin
                   "@ IN A 192.0.2.1\n"
                   "x IN CNAME y\n"
                   "$ORIGIN Other.Example.\n"
                   "@ IN PTR host\n"
                   "Mixed.Case IN NS NS.Mixed\n");
    ASSERT_TRUE(p.diags.empty()) << diag_list(p.diags);
    EXPECT_EQ(rdata_of(p, "example.com.", rrtype::NS), W("ns1.example.com."));
    EXPECT_EQ(rdata_of(p, "example.com.", rrtype::MX), u16(10) + W("example.com."));
    EXPECT_EQ(rdata_of(p, "www.example.com.", rrtype::CNAME), W("example.com."));
    EXPECT_EQ(rdata_of(p, "abs.example.org.", rrtype::CNAME), W("other.example.net."));
    EXPECT_EQ(rdata_of(p, "sub.example.com.", rrtype::A), bytes({192, 0, 2, 1}));
    EXPECT_EQ(rdata_of(p, "x.sub.example.com.", rrtype::CNAME), W("y.sub.example.com."));
    EXPECT_EQ(rdata_of(p, "other.example.", rrtype::PTR), W("host.Other.Example."));
    // Letter case of owners and RDATA names is kept as written.
    auto m = find(p.zone, "mixed.case.other.example.", rrtype::NS);
    ASSERT_EQ(m.size(), 1u);
    EXPECT_EQ(m[0].owner, W("Mixed.Case.Other.Example."));
    EXPECT_EQ(m[0].rdata, W("NS.Mixed.Other.Example."));
}

TEST(ZoneFile, OwnerInheritance) {
    auto p = parse("$TTL 300\n"
                   "www IN A 192.0.2.1\n"
                   "    IN AAAA ::1\n"
                   "\tIN TXT \"tab\"\n"
                   "  600 IN A 192.0.2.2\n"
                   "mail IN A 192.0.2.3\n"
                   "; a comment does not end the owner\n"
                   "\n"
                   " IN MX 10 mail\n"
                   "$ORIGIN other.example.\n"
                   " IN TXT \"still mail.example.com.\"\n");
    ASSERT_TRUE(p.diags.empty()) << diag_list(p.diags);
    EXPECT_EQ(find(p.zone, "www.example.com.", rrtype::A).size(), 2u);
    EXPECT_EQ(find(p.zone, "www.example.com.", rrtype::AAAA).size(), 1u);
    EXPECT_EQ(find(p.zone, "www.example.com.", rrtype::TXT).size(), 1u);
    EXPECT_EQ(find(p.zone, "www.example.com.", rrtype::A)[1].ttl, 600u);
    EXPECT_EQ(rdata_of(p, "mail.example.com.", rrtype::MX), u16(10) + W("mail.example.com."));
    EXPECT_EQ(find(p.zone, "mail.example.com.", rrtype::TXT).size(), 1u);
    EXPECT_EQ(p.zone.size(), 7u);
    // A blank first line has no owner to inherit.
    auto q = parse("  300 IN A 192.0.2.1\nok 300 IN A 192.0.2.2\n");
    ASSERT_EQ(q.diags.size(), 1u) << diag_list(q.diags);
    EXPECT_EQ(q.diags[0].line, 1u);
    EXPECT_EQ(q.zone.size(), 1u);
}

TEST(ZoneFile, CrlfLineEndingsAndNoFinalNewline) {
    std::string unix_text = "$ORIGIN example.com.\n$TTL 300\n"
                            "@ IN SOA ns1 hostmaster ( 1 2 3\n 4 5 ) ; c\n"
                            "www IN A 192.0.2.1\n"
                            "    IN TXT \"a b\" c\n"
                            "last IN A 192.0.2.2";
    std::string dos;
    for (char c : unix_text) {
        if (c == '\n') dos += '\r';
        dos += c;
    }
    for (const auto* opts : {&fast_opts, &ldns_opts}) {
        auto u = parse(unix_text, *opts), d = parse(dos, *opts);
        EXPECT_TRUE(u.diags.empty()) << diag_list(u.diags);
        EXPECT_TRUE(d.diags.empty()) << diag_list(d.diags);
        ASSERT_EQ(u.zone.size(), 4u);
        ASSERT_EQ(d.zone.size(), 4u);
        for (size_t i = 0; i < 4; ++i) {
            EXPECT_EQ(u.zone.at(i).owner, d.zone.at(i).owner);
            EXPECT_EQ(u.zone.at(i).rdata, d.zone.at(i).rdata) << i;
            EXPECT_EQ(u.zone.location(i).line, d.zone.location(i).line);
        }
        EXPECT_EQ(rdata_of(d, "www.example.com.", rrtype::TXT), txt({"a b", "c"}));
        EXPECT_EQ(d.zone.location(3).line, 7u);
    }
}

TEST(ZoneFile, ClassAndTtlInEitherOrder) {
    auto p = parse("a 300 IN A 192.0.2.1\n"
                   "b IN 301 A 192.0.2.2\n"
                   "c 302 A 192.0.2.3\n"
                   "d in 303 a 192.0.2.4\n"
                   "e IN 1h A 192.0.2.5\n"
                   "f A 192.0.2.6\n");
    ASSERT_TRUE(p.diags.empty()) << diag_list(p.diags);
    EXPECT_EQ(find(p.zone, "a.example.com.", rrtype::A)[0].ttl, 300u);
    EXPECT_EQ(find(p.zone, "b.example.com.", rrtype::A)[0].ttl, 301u);
    EXPECT_EQ(find(p.zone, "c.example.com.", rrtype::A)[0].ttl, 302u);
    EXPECT_EQ(find(p.zone, "d.example.com.", rrtype::A)[0].ttl, 303u);
    EXPECT_EQ(find(p.zone, "e.example.com.", rrtype::A)[0].ttl, 3600u);
    EXPECT_EQ(find(p.zone, "f.example.com.", rrtype::A)[0].ttl, 3600u);
    // Another class is refused.
    auto q = parse("$TTL 1\na CH TXT \"x\"\nb IN IN A 192.0.2.1\n");
    ASSERT_EQ(q.diags.size(), 2u) << diag_list(q.diags);
    EXPECT_EQ(q.diags[0].line, 2u);
    EXPECT_EQ(q.diags[1].line, 3u);
    EXPECT_TRUE(q.zone.empty());
}

TEST(ZoneFile, ParenthesesAndComments) {
    const char* text = "$TTL 300\n"                                                     // 1
                       "@ IN SOA ns1.example.com. hostmaster.example.com. ( ; (x \"y\n" // 2
                       "        2024010101 ; serial )\n"                                // 3
                       "        1h         ; refresh\n"                                 // 4
                       "\n"                                                             // 5
                       "        15m        ; retry\n"                                   // 6
                       "        1w         ; expire\n"                                  // 7
                       "        1d )       ; minimum\n"                                 // 8
                       "www IN A 192.0.2.1 ; line 9\n"                                  // 9
                       "txt IN TXT ( \"a\"\n"                                           // 10
                       "   \"b\" ; (\n"                                                 // 11
                       "   )\n"                                                         // 12
                       "last IN A 192.0.2.2\n";                                         // 13
    for (const auto* opts : {&fast_opts, &ldns_opts}) {
        auto p = parse(text, *opts);
        ASSERT_TRUE(p.diags.empty()) << diag_list(p.diags);
        EXPECT_EQ(rdata_of(p, "example.com.", rrtype::SOA),
                  soa_rdata("ns1.example.com.", "hostmaster.example.com.", 2024010101, 3600, 900,
                            604800, 86400));
        EXPECT_EQ(rdata_of(p, "txt.example.com.", rrtype::TXT), txt({"a", "b"}));
        EXPECT_EQ(p.zone.location(index_of(p.zone, "example.com.", rrtype::SOA)).line, 2u);
        EXPECT_EQ(p.zone.location(index_of(p.zone, "www.example.com.", rrtype::A)).line, 9u);
        EXPECT_EQ(p.zone.location(index_of(p.zone, "txt.example.com.", rrtype::TXT)).line, 10u);
        EXPECT_EQ(p.zone.location(index_of(p.zone, "last.example.com.", rrtype::A)).line, 13u);
    }
}

TEST(ZoneFile, QuotedStrings) {
    const char* text = "$TTL 300\n"
                       "t1 IN TXT \"a\\\"b\" \"c\\\\d\" \"\\065\\066\" \"\"\n"
                       "t2 IN TXT \"semi;colon\" \"paren()\" \"two  spaces\"\n"
                       "t3 IN TXT unquoted words\\032here\n"
                       "t4 IN TXT \"\\000\\255\"\n"
                       "t5 IN TXT \"line\n"
                       "break\"\n"
                       "t6 IN TXT \"after\"\n";
    for (const auto* opts : {&fast_opts, &ldns_opts}) {
        auto p = parse(text, *opts);
        ASSERT_TRUE(p.diags.empty()) << (opts->fast ? "fast" : "ldns") << diag_list(p.diags);
        EXPECT_EQ(rdata_of(p, "t1.example.com.", rrtype::TXT), txt({"a\"b", "c\\d", "AB", ""}));
        EXPECT_EQ(rdata_of(p, "t2.example.com.", rrtype::TXT),
                  txt({"semi;colon", "paren()", "two  spaces"}));
        EXPECT_EQ(rdata_of(p, "t3.example.com.", rrtype::TXT), txt({"unquoted", "words here"}));
        EXPECT_EQ(rdata_of(p, "t4.example.com.", rrtype::TXT), txt({std::string("\0\xff", 2)}));
        EXPECT_EQ(rdata_of(p, "t5.example.com.", rrtype::TXT), txt({"line\nbreak"}));
        EXPECT_EQ(p.zone.location(index_of(p.zone, "t6.example.com.", rrtype::TXT)).line, 8u);
    }
    // 255 octets fit one character-string; 256 do not.
    auto ok = parse("$TTL 1\nt IN TXT \"" + std::string(255, 'x') + "\"\n");
    EXPECT_TRUE(ok.diags.empty()) << diag_list(ok.diags);
    EXPECT_EQ(rdata_of(ok, "t.example.com.", rrtype::TXT), txt({std::string(255, 'x')}));
    for (const auto* opts : {&fast_opts, &ldns_opts}) {
        auto bad = parse("$TTL 1\nt IN TXT \"" + std::string(256, 'x') + "\"\n", *opts);
        ASSERT_EQ(bad.diags.size(), 1u) << diag_list(bad.diags);
        EXPECT_EQ(bad.diags[0].line, 2u);
        EXPECT_TRUE(bad.zone.empty());
    }
}

// ---- RFC 3597 and every common type -------------------------------------------------------

TEST(ZoneFile, GenericRdata) {
    const char* text = "$TTL 300\n"
                       "g1 IN TYPE65280 \\# 4 0a000001\n"
                       "g2 IN A \\# 4 c0000201\n"
                       "g3 IN TYPE65281 \\# 0\n"
                       "g4 IN MX \\# 5 000a 01 61 00\n" // hex may be split
                       "g5 IN type65280 \\# 2 ABcd\n"
                       "g6 IN A 192.0.2.1\n";
    for (const auto* opts : {&fast_opts, &ldns_opts}) {
        auto p = parse(text, *opts);
        ASSERT_TRUE(p.diags.empty()) << diag_list(p.diags);
        EXPECT_EQ(rdata_of(p, "g1.example.com.", 65280), hex("0a000001"));
        EXPECT_EQ(rdata_of(p, "g2.example.com.", rrtype::A), bytes({192, 0, 2, 1}));
        EXPECT_EQ(rdata_of(p, "g2.example.com.", rrtype::A),
                  rdata_of(p, "g6.example.com.", rrtype::A));
        EXPECT_EQ(rdata_of(p, "g3.example.com.", 65281), "");
        EXPECT_EQ(rdata_of(p, "g4.example.com.", rrtype::MX), u16(10) + W("a."));
        EXPECT_EQ(rdata_of(p, "g5.example.com.", 65280), hex("abcd"));
    }
    // Generic RDATA must fit its own length and the type's layout: extra octets are an error,
    // not something to drop (RFC 3597 5).
    for (const auto* opts : {&fast_opts, &ldns_opts}) {
        auto bad = parse("$TTL 1\n"
                         "a IN A \\# 5 c000020101\n"   // 2: five octets for an A
                         "b IN TYPE65280 \\# 4 0a00\n" // 3: length mismatch
                         "c IN MX \\# 2 000a\n"        // 4: MX without an exchange
                         "d IN A \\# 4 c0000201\n"     // 5: fine
                         "e IN AAAA \\# 17 20010db8000000000000000000000001ff\n" // 6: 17 octets
                         "f IN NS \\# 3 00ffff\n"      // 7: octets after the name
                         "g IN MX \\# 5 000a000000\n", // 8: octets after the exchange
                         *opts);
        std::vector<uint32_t> lines;
        for (const auto& d : bad.diags) lines.push_back(d.line);
        EXPECT_EQ(lines, (std::vector<uint32_t>{2, 3, 4, 6, 7, 8}))
            << (opts->fast ? "fast" : "ldns") << diag_list(bad.diags);
        EXPECT_EQ(bad.zone.size(), 1u);
        EXPECT_TRUE(find(bad.zone, "a.example.com.", rrtype::A).empty())
            << "A \\# 5 was accepted and truncated to 4 octets";
    }
}

TEST(ZoneFile, EveryCommonType) {
    const char* text =
        "$TTL 300\n"
        "@ IN SOA ns1 hostmaster.example.com. 2024 7200 3600 1209600 300\n"
        "@ IN NS ns1\n"
        "@ IN MX 10 mail\n"
        "@ IN TXT \"v=spf1 -all\"\n"
        "@ IN SPF \"v=spf1 -all\"\n"
        "@ IN CAA 0 issue \"letsencrypt.org\"\n"
        "a IN A 192.0.2.1\n"
        "aaaa IN AAAA 2001:db8::1\n"
        "cname IN CNAME a\n"
        "dname IN DNAME example.net.\n"
        "1.2 IN PTR a.example.com.\n"
        "_sip._tcp IN SRV 10 20 5060 sip\n"
        "hinfo IN HINFO \"INTEL\" \"LINUX\"\n"
        "naptr IN NAPTR 100 10 \"u\" \"E2U+sip\" \"!^.*$!sip:i@example.com!\" .\n"
        "ds IN DS 60485 5 1 2BB183AF5F22588179A53B0A98631FAD1A292118\n"
        "sshfp IN SSHFP 2 1 123456789abcdef67890123456789abcdef67890\n"
        "tlsa IN TLSA 3 1 1 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n"
        "rp IN RP mbox.example.com. txt.example.com.\n"
        "afsdb IN AFSDB 1 afs.example.com.\n"
        "key IN DNSKEY 257 3 8 AwEAAQ==\n";
    std::vector<std::tuple<std::string, uint16_t, std::string>> want = {
        {"example.com.", rrtype::SOA,
         soa_rdata("ns1.example.com.", "hostmaster.example.com.", 2024)},
        {"example.com.", rrtype::NS, W("ns1.example.com.")},
        {"example.com.", rrtype::MX, u16(10) + W("mail.example.com.")},
        {"example.com.", rrtype::TXT, txt({"v=spf1 -all"})},
        {"example.com.", rrtype::SPF, txt({"v=spf1 -all"})},
        {"example.com.", rrtype::CAA, bytes({0, 5}) + "issue" + "letsencrypt.org"},
        {"a.example.com.", rrtype::A, bytes({192, 0, 2, 1})},
        {"aaaa.example.com.", rrtype::AAAA, hex("20010db8000000000000000000000001")},
        {"cname.example.com.", rrtype::CNAME, W("a.example.com.")},
        {"dname.example.com.", rrtype::DNAME, W("example.net.")},
        {"1.2.example.com.", rrtype::PTR, W("a.example.com.")},
        {"_sip._tcp.example.com.", rrtype::SRV,
         u16(10) + u16(20) + u16(5060) + W("sip.example.com.")},
        {"hinfo.example.com.", rrtype::HINFO, txt({"INTEL", "LINUX"})},
        {"naptr.example.com.", rrtype::NAPTR,
         u16(100) + u16(10) + txt({"u", "E2U+sip", "!^.*$!sip:i@example.com!"}) + W(".")},
        {"ds.example.com.", rrtype::DS,
         u16(60485) + bytes({5, 1}) + hex("2BB183AF5F22588179A53B0A98631FAD1A292118")},
        {"sshfp.example.com.", 44, bytes({2, 1}) + hex("123456789abcdef67890123456789abcdef67890")},
        {"tlsa.example.com.", 52,
         bytes({3, 1, 1}) +
             hex("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")},
        {"rp.example.com.", rrtype::RP, W("mbox.example.com.") + W("txt.example.com.")},
        {"afsdb.example.com.", rrtype::AFSDB, u16(1) + W("afs.example.com.")},
        {"key.example.com.", rrtype::DNSKEY, u16(257) + bytes({3, 8}) + bytes({3, 1, 0, 1})},
    };
    for (const auto* opts : {&fast_opts, &ldns_opts}) {
        auto p = parse(text, *opts);
        ASSERT_TRUE(p.diags.empty()) << diag_list(p.diags);
        EXPECT_EQ(p.zone.size(), want.size());
        for (const auto& [owner, type, rdata] : want)
            EXPECT_EQ(rdata_of(p, owner, type), rdata)
                << owner << " " << dns::type_name(type) << (opts->fast ? " (fast)" : " (ldns)");
    }
}

// ---- errors --------------------------------------------------------------------------------

TEST(ZoneFile, ErrorsCarryFileAndLineAndParsingContinues) {
    const char* text = "$ORIGIN example.com.\n"                  // 1
                       "$TTL 3600\n"                             // 2
                       "@ IN SOA ns1 hostmaster ( 1 2 3 4 5 )\n" // 3
                       "www IN A 192.0.2.1\n"                    // 4
                       "bad IN A 192.0.2.256\n"                  // 5 bad IPv4
                       "foo IN FOO bar\n"                        // 6 unknown type
                       "ttl 1x IN A 192.0.2.7\n"                 // 7 bad TTL
                       "ok1 IN A 192.0.2.2\n"                    // 8
                       "paren IN TXT ( \"a\"\n"                  // 9 (extra ')' on 10)
                       "  \"b\" ) )\n"                           // 10
                       "ok2 IN A 192.0.2.3\n"                    // 11
                       "mx IN MX 10\n"                           // 12 missing field
                       "ok3 IN A 192.0.2.4\n"                    // 13
                       "soa2 IN SOA ns1 hostmaster (\n"          // 14 bad timer on 16
                       "  1 2 3\n"                               // 15
                       "  4x 5 )\n"                              // 16
                       "ok4 IN A 192.0.2.5\n"                    // 17
                       "short IN A 192.0.2\n"                    // 18 bad IPv4
                       "six IN AAAA 2001:db8::1::2\n"            // 19 bad IPv6
                       "$BOGUS x\n"                              // 20 unknown directive
                       "ok5 IN A 192.0.2.6\n"                    // 21
                       "bad..name IN A 192.0.2.8\n"              // 22 empty label
                       "ok6 IN A 192.0.2.9\n"                    // 23
                       "open IN TXT \"abc\n"                     // 24 quote never closed
                       "gone IN A 192.0.2.10\n";                 // 25
    const std::vector<uint32_t> want_lines = {5, 6, 7, 9, 12, 14, 18, 19, 20, 22, 24};
    for (const auto* opts : {&fast_opts, &ldns_opts}) {
        auto p = parse(text, *opts, "example.com.", "zones/db.example");
        std::vector<uint32_t> lines;
        for (const auto& d : p.diags) {
            EXPECT_TRUE(d.is_error()) << d.to_string();
            EXPECT_EQ(d.file, "zones/db.example");
            EXPECT_FALSE(d.message.empty());
            lines.push_back(d.line);
        }
        EXPECT_EQ(lines, want_lines) << (opts->fast ? "fast" : "ldns") << diag_list(p.diags);
        for (const char* ok : {"www", "ok1", "ok2", "ok3", "ok4", "ok5", "ok6"})
            EXPECT_EQ(find(p.zone, std::string(ok) + ".example.com.", rrtype::A).size(), 1u) << ok;
        EXPECT_EQ(p.zone.size(), 8u); // SOA + 7 addresses
        EXPECT_EQ(p.zone.location(index_of(p.zone, "ok4.example.com.", rrtype::A)).line, 17u);
        EXPECT_EQ(p.zone.location(index_of(p.zone, "ok6.example.com.", rrtype::A)).line, 23u);
        if (!p.diags.empty()) {
            EXPECT_EQ(p.diags[0].to_string().rfind("zones/db.example:5: error: ", 0), 0u)
                << p.diags[0].to_string();
        }
    }
}

TEST(ZoneFile, ErrorMessagesSayWhatWasWrong) {
    auto msg = [](std::string_view line) {
        auto p = parse("$TTL 1\n" + std::string(line) + "\n");
        EXPECT_EQ(p.diags.size(), 1u) << line << diag_list(p.diags);
        return p.diags.empty() ? std::string() : p.diags[0].message;
    };
    EXPECT_NE(msg("a IN FOO x").find("FOO"), std::string::npos);
    EXPECT_NE(msg("a IN A 1.2.3.999").find("IPv4"), std::string::npos);
    EXPECT_NE(msg("a IN AAAA 1.2.3.4").find("IPv6"), std::string::npos);
    EXPECT_NE(msg("a 12x IN A 1.2.3.4").find("12x"), std::string::npos);
    EXPECT_NE(msg("a IN TXT ( \"x\"").find("("), std::string::npos);
    EXPECT_NE(msg("a IN TXT \"x").find("quoted"), std::string::npos);
    EXPECT_NE(msg("a IN NS a..b").find("label"), std::string::npos);
}

TEST(ZoneFile, MetaTypesAreRefused) {
    // OPT, TSIG, AXFR, ANY ... are message-only types (RFC 6895 3.1): never zone data, in either
    // the mnemonic or the generic form, on the fast path or through ldns.
    for (bool fast : {true, false}) {
        endpointdns::zone::ParseOptions opts;
        opts.fast = fast;
        for (std::string_view line :
             {"a IN TYPE41 \\# 0", "a IN OPT \\# 0", "a IN TSIG \\# 0", "a IN TYPE250 \\# 0",
              "a IN AXFR \\# 0", "a IN ANY \\# 0", "a IN TYPE0 \\# 0", "a IN TYPE200 \\# 0"}) {
            Diagnostics d;
            Zone z = endpointdns::zone::parse_zone_text("$TTL 1\n" + std::string(line) + "\n",
                                                        "test.zone", N("example.com."), d, opts);
            EXPECT_EQ(z.size(), 0u) << line;
            ASSERT_EQ(d.size(), 1u) << line << diag_list(d);
            EXPECT_EQ(d[0].line, 2u);
            EXPECT_NE(d[0].message.find("meta"), std::string::npos) << d[0].message;
        }
    }
}

TEST(ZoneFile, UnbalancedParentheses) {
    for (const auto* opts : {&fast_opts, &ldns_opts}) {
        auto p = parse("$TTL 1\n"
                       "a IN A 192.0.2.1\n"
                       "b IN TXT ( \"x\"\n"
                       "c IN A 192.0.2.2\n",
                       *opts);
        ASSERT_EQ(p.diags.size(), 1u) << diag_list(p.diags);
        EXPECT_EQ(p.diags[0].line, 3u);
        EXPECT_NE(p.diags[0].message.find("line 3"), std::string::npos) << p.diags[0].message;
        EXPECT_EQ(find(p.zone, "a.example.com.", rrtype::A).size(), 1u);
        auto q = parse("$TTL 1\na IN A 192.0.2.1 )\nb IN A 192.0.2.2\n", *opts);
        ASSERT_EQ(q.diags.size(), 1u) << diag_list(q.diags);
        EXPECT_EQ(q.diags[0].line, 2u);
        EXPECT_EQ(find(q.zone, "b.example.com.", rrtype::A).size(), 1u);
    }
}

TEST(ZoneFile, MaxErrorsStopsParsing) {
    std::string text = "$TTL 1\n";
    for (int i = 0; i < 50; ++i) text += "x" + std::to_string(i) + " IN A bad\n";
    ParseOptions o;
    o.max_errors = 5;
    Diagnostics d;
    Zone z = parse_zone_text(text, "t", N("example.com."), d, o);
    EXPECT_GE(d.size(), 5u);
    EXPECT_LE(d.size(), 6u) << diag_list(d);
    EXPECT_NE(d.back().message.find("too many"), std::string::npos) << diag_list(d);
}

// ---- $INCLUDE and files --------------------------------------------------------------------

TEST(ZoneFile, IncludeRelativeToIncludingFile) {
    TempDir dir("unit-zonefile");
    dir.write("sub/hosts.inc", "www IN A 192.0.2.1\n"
                               "bad IN A 300.0.0.1\n"  // line 2 of the included file
                               "$INCLUDE more.inc\n"); // relative to sub/
    dir.write("sub/more.inc", "\n\nmore IN A 192.0.2.2\n");
    dir.write("sub/origin.inc", "@ IN A 192.0.2.3\nx IN CNAME y\n");
    std::string main = dir.write("db.example", "$TTL 300\n"                      // 1
                                               "$INCLUDE sub/hosts.inc\n"        // 2
                                               "$INCLUDE sub/origin.inc other\n" // 3
                                               "after IN CNAME x\n"              // 4
                                               "$INCLUDE sub/missing.inc\n"      // 5
                                               "$INCLUDE " +
                                                   dir.path() + "/sub/more.inc\n"); // 6
    Diagnostics d;
    Zone z = parse_zone_file(main, N("example.com."), d);
    ASSERT_EQ(d.size(), 2u) << diag_list(d);
    EXPECT_EQ(d[0].file, dir.path() + "/sub/hosts.inc");
    EXPECT_EQ(d[0].line, 2u);
    EXPECT_EQ(d[1].file, main);
    EXPECT_EQ(d[1].line, 5u);
    EXPECT_NE(d[1].message.find("missing.inc"), std::string::npos) << d[1].message;
    EXPECT_EQ(find(z, "www.example.com.", rrtype::A).size(), 1u);
    EXPECT_EQ(find(z, "more.example.com.", rrtype::A).size(), 2u);
    // The included origin applies inside the file only (RFC 1035 5.1).
    EXPECT_EQ(find(z, "other.example.com.", rrtype::A).size(), 1u);
    auto x = find(z, "x.other.example.com.", rrtype::CNAME);
    ASSERT_EQ(x.size(), 1u);
    EXPECT_EQ(x[0].rdata, W("y.other.example.com."));
    auto after = find(z, "after.example.com.", rrtype::CNAME);
    ASSERT_EQ(after.size(), 1u);
    EXPECT_EQ(after[0].rdata, W("x.example.com."));
    // Locations point into the included files.
    size_t i = index_of(z, "www.example.com.", rrtype::A);
    EXPECT_EQ(z.where(z.location(i)), dir.path() + "/sub/hosts.inc");
    EXPECT_EQ(z.location(i).line, 1u);
    i = index_of(z, "after.example.com.", rrtype::CNAME);
    EXPECT_EQ(z.where(z.location(i)), main);
    EXPECT_EQ(z.location(i).line, 4u);
}

TEST(ZoneFile, IncludeThroughParseZoneText) {
    TempDir dir("unit-zonefile");
    dir.write("inc/a.inc", "a IN A 192.0.2.1\n");
    Diagnostics d;
    Zone z = parse_zone_text("$TTL 1\n$INCLUDE inc/a.inc\n", dir.path() + "/main.zone",
                             N("example.com."), d);
    EXPECT_TRUE(d.empty()) << diag_list(d);
    EXPECT_EQ(find(z, "a.example.com.", rrtype::A).size(), 1u);
}

TEST(ZoneFile, IncludeLoopIsBounded) {
    TempDir dir("unit-zonefile");
    std::string self = dir.write("loop.zone", "$TTL 1\nx IN TXT \"once\"\n$INCLUDE loop.zone\n");
    Diagnostics d;
    Zone z = parse_zone_file(self, N("example.com."), d);
    ASSERT_EQ(d.size(), 1u) << diag_list(d);
    EXPECT_EQ(d[0].line, 3u);
    EXPECT_NE(d[0].message.find("deep"), std::string::npos) << d[0].message;
    EXPECT_EQ(z.size(), 11u); // the file itself and ten nested copies
}

TEST(ZoneFile, MissingFileThrows) {
    Diagnostics d;
    try {
        parse_zone_file("/nonexistent/unit-zonefile.zone", N("example.com."), d);
        FAIL() << "no exception";
    } catch (const endpointdns::Error& e) {
        EXPECT_EQ(e.code(), endpointdns::ex_noinput);
        EXPECT_NE(std::string(e.what()).find("/nonexistent/unit-zonefile.zone"), std::string::npos);
    }
}

// ---- differential: fast path against ldns --------------------------------------------------

namespace {

void expect_identical(const std::string& text, const std::string& origin, bool expect_clean) {
    auto fast = parse(text, fast_opts, origin);
    auto slow = parse(text, ldns_opts, origin);
    if (expect_clean) {
        EXPECT_TRUE(fast.diags.empty()) << "fast:" << diag_list(fast.diags);
        EXPECT_TRUE(slow.diags.empty()) << "ldns:" << diag_list(slow.diags);
    }
    ASSERT_EQ(fast.diags.size(), slow.diags.size())
        << "fast:" << diag_list(fast.diags) << "\nldns:" << diag_list(slow.diags);
    for (size_t i = 0; i < fast.diags.size(); ++i)
        EXPECT_EQ(fast.diags[i].line, slow.diags[i].line)
            << fast.diags[i].to_string() << " / " << slow.diags[i].to_string();
    fast.zone.normalize();
    slow.zone.normalize();
    ASSERT_EQ(fast.zone.size(), slow.zone.size());
    size_t mismatches = 0;
    for (size_t i = 0; i < fast.zone.size() && mismatches < 10; ++i) {
        RrView a = fast.zone.at(i), b = slow.zone.at(i);
        bool same = a.owner == b.owner && a.type == b.type && a.ttl == b.ttl && a.rdata == b.rdata;
        if (!same) {
            ++mismatches;
            ADD_FAILURE() << "record " << i << " (line " << fast.zone.location(i).line << ") "
                          << owner_text(a) << " " << dns::type_name(a.type)
                          << ": fast and ldns differ"
                          << "\n  fast rdata " << testing::PrintToString(std::string(a.rdata))
                          << "\n  ldns rdata " << testing::PrintToString(std::string(b.rdata))
                          << " (line " << slow.zone.location(i).line << ")";
        }
    }
}

} // namespace

TEST(ZoneFileDifferential, TrickyRecords) {
    std::string long255(255, 'L');
    std::string text = R"Z($ORIGIN Example.COM.
$TTL 1h
@   IN SOA NS1.Example.COM. hostmaster ( 2024010101 1h30m 15M 2w 1D )
@   IN NS ns1
@   IN NS NS2.example.com.
@   IN NS ns3.other.net.
@   IN MX 10 mail
@   IN MX 20 @
@   IN MX 0 .
@   IN TXT "v=spf1 mx -all"
@   IN SPF "v=spf1 mx -all"
@   IN CAA 0 issue "letsencrypt.org"
@   IN CAA 128 tbs "Unknown"
@   IN CAA 0 iodef "mailto:security@example.com"
@   IN CAA 0 issuewild ";"
@   IN CAA 0 ISSUE "Upper.Example"
@   IN CAA 0 issue ""
@   IN CAA 0 issue "ca.example; account=\"x y\""
ns1 IN A 192.0.2.1
ns1 IN AAAA 2001:db8::1
NS2 IN AAAA 2001:DB8:0:0:0:0:0:2
    IN AAAA ::ffff:192.0.2.3
    IN AAAA ::
    IN AAAA fe80::1:2:3:4
www 300 IN A 192.0.2.10
www IN 300 A 192.0.2.11
WWW 300 A 0.0.0.0
www. 300 A 255.255.255.255
alias IN CNAME www
alias2 IN CNAME www.Example.COM.
alias3 IN CNAME WWW.EXAMPLE.COM
a\.b IN A 192.0.2.20
esc\032space IN TXT "x"
\@at IN PTR a\.b
tab\009x IN PTR \065bc.example.com.
slash IN PTR back\\slash.example.com.
semi IN PTR semi\;colon.example.com.
paren IN PTR p\(x\).example.com.
star IN PTR *.wild.example.com.
high IN PTR \200\255.example.com.
d IN DNAME target.example.net.
d2 IN DNAME @
d3 IN DNAME Sub
_sip._tcp IN SRV 10 20 5060 sip
_sip._udp IN SRV 0 0 0 .
_x._tcp IN SRV 65535 65535 65535 Target.Example.COM.
t1 IN TXT "a\"b" "c\\d" "\065\066" ""
t2 IN TXT ""
t3 IN TXT unquoted words here
t4 IN TXT "semi;colon" "paren()" "tab\009"
t5 IN TXT "\000\001\255\128"
t6 IN TXT ")Z" + long255 +
                       R"Z("
t7 IN TXT ")Z" + long255 +
                       R"Z(" ")Z" + long255 + R"Z(" ")Z" + long255 + R"Z("
t8 IN TXT ( "multi"
            "line" )
t9 IN SPF "spf" "two"
t10 IN TXT "\\"
t11 IN TXT "a b" c "d"
t12 IN TXT "\"quoted\""
t13 IN TXT word\"quote
t14 IN TXT "tab	inside"
t15 IN TXT "é ü"
t16 IN TXT "x\;y" "\(" "\)"
t17 IN TXT \065\066C
$ORIGIN sub.Example.COM.
@ IN A 192.0.2.30
x IN CNAME y
y IN PTR @
mx IN MX 5 mail.sub
srv IN SRV 1 1 1 host
$ORIGIN example.com.
z 1w2d IN A 192.0.2.40
p IN PTR host.example.com.
soa2 IN SOA a b 4294967295 0 1s 1m 1h
soa3 IN SOA a.example. b.example. ( 7 1W2D 3h4m5s 0 4294967295 )
UPPER.CASE.NAME IN NS LOWER.case.Name.
mx2 IN MX 65535 mx2
0 IN PTR zero
caa IN CAA 0 issue "a\065b"
caa IN CAA 0 issue "\\"
)Z";
    expect_identical(text, "example.com.", true);
}

TEST(ZoneFile, CaaUnquotedValue) {
    // RFC 8659 4.1.1: the value is a contiguous set of characters or a quoted string. (ldns
    // refuses the unquoted form, so this is checked against the fast path only.)
    auto p = parse("$TTL 1\n@ IN CAA 0 issue ca.example.net\n@ IN CAA 128 tbs x\\065y\n");
    ASSERT_TRUE(p.diags.empty()) << diag_list(p.diags);
    auto v = find(p.zone, "example.com.", rrtype::CAA);
    ASSERT_EQ(v.size(), 2u);
    EXPECT_EQ(v[0].rdata, bytes({0, 5}) + "issue" + "ca.example.net");
    EXPECT_EQ(v[1].rdata, bytes({128, 3}) + "tbs" + "xAy");
}

TEST(ZoneFile, EscapedAtLabel) {
    // An escaped '@' is an ordinary character (RFC 1035 5.1): only the bare token "@" means the
    // origin. Checked for a fast-path type and for types that go through ldns.
    auto p = parse("$TTL 1\n"
                   "a IN PTR \\064\n"
                   "b IN PTR \\@.x.y.\n"
                   "c IN AFSDB 1 \\@.x.y.\n"
                   "d IN AFSDB 1 \\064\n"
                   "e IN RP \\@ \\064.x.\n");
    ASSERT_TRUE(p.diags.empty()) << diag_list(p.diags);
    std::string at_x_y = bytes({1, '@', 1, 'x', 1, 'y', 0});
    std::string at_origin = bytes({1, '@'}) + W("example.com.");
    EXPECT_EQ(rdata_of(p, "a.example.com.", rrtype::PTR), at_origin);
    EXPECT_EQ(rdata_of(p, "b.example.com.", rrtype::PTR), at_x_y);
    EXPECT_EQ(rdata_of(p, "c.example.com.", rrtype::AFSDB), u16(1) + at_x_y);
    EXPECT_EQ(rdata_of(p, "d.example.com.", rrtype::AFSDB), u16(1) + at_origin);
    EXPECT_EQ(rdata_of(p, "e.example.com.", rrtype::RP), at_origin + bytes({1, '@', 1, 'x', 0}));
}

TEST(ZoneFileDifferential, BothRejectTheSameRecords) {
    // Each line is malformed for both parsers; the fast path must not accept what ldns refuses.
    const char* bad[] = {
        "a IN A 192.0.2",
        "a IN A 192.0.2.1.5",
        "a IN A 192.0.2.x",
        "a IN A",
        "a IN A 1.2.3.4 5.6.7.8",
        "a IN AAAA 2001:db8:::1",
        "a IN AAAA 192.0.2.1",
        "a IN AAAA",
        "a IN NS a..b",
        "a IN NS",
        "a IN CNAME x y",
        "a IN MX 10",
        "a IN MX x mail",
        "a IN MX 10 a..b",
        "a IN SRV 1 2 3",
        "a IN SRV 1 2 x host",
        "a IN SOA a b 1 2 3 4",
        "a IN SOA a b 1 2 3 4 x",
        "a IN TXT",
        "a IN CAA 0 issue",
        "a IN CAA 0 \"issue\" \"x\"",
        "a IN CAA 0 iss-ue \"x\"",
        "a IN PTR a\\",
        "a IN DNAME",
        "a IN A 01.2.3.4x",
        "a IN SOA a b x 2 3 4 5",
    };
    for (const char* line : bad) {
        std::string text = std::string("$TTL 1\n") + line + "\nok IN A 192.0.2.1\n";
        auto fast = parse(text, fast_opts);
        auto slow = parse(text, ldns_opts);
        EXPECT_EQ(slow.diags.size(), 1u) << "ldns on '" << line << "'" << diag_list(slow.diags);
        EXPECT_EQ(fast.diags.size(), 1u) << "fast on '" << line << "'" << diag_list(fast.diags);
        EXPECT_EQ(fast.zone.size(), 1u) << line;
        EXPECT_EQ(slow.zone.size(), 1u) << line;
    }
}

namespace {

// splitmix64: a generator whose output is the same everywhere.
struct Rng {
    uint64_t s;
    uint64_t next() {
        uint64_t z = (s += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    }
    uint32_t below(uint32_t n) { return uint32_t(next() % n); }
    bool chance(uint32_t percent) { return below(100) < percent; }
};

// One label in presentation form, sometimes with escapes and upper case.
std::string gen_label_once(Rng& r) {
    static const char plain[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_";
    std::string s;
    unsigned len = 1 + r.below(12);
    for (unsigned i = 0; i < len; ++i) {
        unsigned k = r.below(100);
        if (k < 94)
            s.push_back(plain[r.below(sizeof plain - 1)]);
        else if (k < 96)
            s += "\\.";
        else if (k < 97)
            s += "\\\\";
        else {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\%03u", r.below(256));
            s += buf;
        }
    }
    return s;
}

// ldns reads a name whose first label is a literal '@' as the origin (see the EscapedAtLabel
// test); the reference cannot judge those, so they are not generated.
std::string gen_label(Rng& r) {
    for (;;) {
        std::string s = gen_label_once(r);
        if (s != "\\064") return s;
    }
}

std::string gen_name(Rng& r, bool allow_relative = true) {
    unsigned labels = 1 + r.below(3);
    std::string s;
    for (unsigned i = 0; i < labels; ++i) s += (i ? "." : "") + gen_label(r);
    if (!allow_relative || r.chance(40)) {
        static const char* tlds[] = {"example.com.", "EXAMPLE.net.", "Example.Org.", "test."};
        s += "." + std::string(tlds[r.below(4)]);
    }
    if (allow_relative && r.chance(3)) return "@";
    return s;
}

std::string gen_ttl(Rng& r) {
    switch (r.below(6)) {
    case 0:
        return std::to_string(r.below(86400 * 7));
    case 1:
        return std::to_string(1 + r.below(48)) + "h";
    case 2:
        return std::to_string(1 + r.below(3)) + "h" + std::to_string(r.below(60)) + "m";
    case 3:
        return std::to_string(1 + r.below(4)) + "W";
    case 4:
        return std::to_string(1 + r.below(9)) + "d" + std::to_string(r.below(24)) + "H";
    default:
        return std::to_string(r.below(60)) + "s";
    }
}

std::string gen_string(Rng& r, bool quoted) {
    std::string s = quoted ? "\"" : "";
    unsigned len = r.chance(5) ? 255 : r.below(40);
    if (quoted && r.chance(5)) len = 0;
    for (unsigned i = 0; i < len; ++i) {
        unsigned k = r.below(100);
        if (k < 85)
            s.push_back(char('a' + r.below(26)));
        else if (k < 88 && quoted)
            s.push_back(' ');
        else if (k < 90)
            s += "\\\"";
        else if (k < 92)
            s += "\\\\";
        else if (k < 94 && quoted)
            s.push_back(';');
        else {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\%03u", r.below(256));
            s += buf;
        }
    }
    if (quoted) s.push_back('"');
    return s;
}

std::string gen_ipv6(Rng& r) {
    char buf[64];
    switch (r.below(3)) {
    case 0:
        std::snprintf(buf, sizeof buf, "2001:db8::%x", r.below(65536));
        break;
    case 1:
        std::snprintf(buf, sizeof buf, "2001:DB8:%x:%x:%x:%x:%x:%x", r.below(65536), r.below(65536),
                      r.below(65536), r.below(65536), r.below(65536), r.below(65536));
        break;
    default:
        std::snprintf(buf, sizeof buf, "::ffff:%u.%u.%u.%u", r.below(256), r.below(256),
                      r.below(256), r.below(256));
    }
    return buf;
}

std::string gen_zone_text(uint64_t seed, size_t records) {
    Rng r{seed};
    std::string out = "$ORIGIN example.com.\n$TTL 1h\n"
                      "@ IN SOA ns1 hostmaster ( 2024010101 1h 15m 1w 1d )\n";
    static const char* origins[] = {"example.com.", "sub.example.com.", "Deep.Sub.example.com.",
                                    "other.example."};
    for (size_t n = 0; n < records; ++n) {
        if (r.chance(1)) out += "$ORIGIN " + std::string(origins[r.below(4)]) + "\n";
        if (r.chance(1)) out += "$TTL " + gen_ttl(r) + "\n";
        std::string line;
        if (n > 0 && r.chance(20))
            line = r.chance(50) ? "\t" : "    ";
        else
            line = gen_name(r) + " ";
        bool ttl = r.chance(50), cls = r.chance(70);
        if (ttl && cls && r.chance(50))
            line += "IN " + gen_ttl(r) + " ";
        else {
            if (ttl) line += gen_ttl(r) + " ";
            if (cls) line += "IN ";
        }
        switch (r.below(13)) {
        case 0:
        case 1:
            line += "A " + std::to_string(r.below(256)) + "." + std::to_string(r.below(256)) + "." +
                    std::to_string(r.below(256)) + "." + std::to_string(r.below(256));
            break;
        case 2:
            line += "AAAA " + gen_ipv6(r);
            break;
        case 3:
            line += "NS " + gen_name(r);
            break;
        case 4:
            line += "CNAME " + gen_name(r);
            break;
        case 5:
            line += "DNAME " + gen_name(r);
            break;
        case 6:
            line += "PTR " + gen_name(r);
            break;
        case 7:
            line += "MX " + std::to_string(r.below(65536)) + " " + gen_name(r);
            break;
        case 8:
        case 9: {
            line += r.chance(80) ? "TXT" : "SPF";
            unsigned strings = 1 + r.below(3);
            for (unsigned i = 0; i < strings; ++i) {
                bool quoted = r.chance(80);
                std::string s = gen_string(r, quoted);
                if (!quoted && s.empty()) s = "x";
                line += " " + s;
            }
            break;
        }
        case 10:
            line += "SRV " + std::to_string(r.below(65536)) + " " + std::to_string(r.below(65536)) +
                    " " + std::to_string(r.below(65536)) + " " + gen_name(r);
            break;
        case 11: {
            static const char* tags[] = {"issue", "issuewild", "iodef", "TBS", "x1"};
            line += "CAA " + std::to_string(r.chance(80) ? 0 : 128) + " " + tags[r.below(5)] + " " +
                    gen_string(r, true);
            break;
        }
        default:
            line += "SOA " + gen_name(r) + " " + gen_name(r) + " ( " +
                    std::to_string(r.next() >> 32) + "\n\t" + gen_ttl(r) + " " + gen_ttl(r) +
                    " ; timers\n\t" + gen_ttl(r) + " " + gen_ttl(r) + " )";
        }
        out += line + "\n";
    }
    return out;
}

} // namespace

TEST(ZoneFileDifferential, GeneratedZone) {
    std::string text = gen_zone_text(20240601, 20000);
    expect_identical(text, "example.com.", true);
}

// RFC 9460 2.1: an SvcParam value may be quoted right after "key=", as in alpn="h2,h3".
TEST(ZoneFile, SvcParamQuotedValue) {
    auto quoted = parse("@ 300 IN HTTPS 1 . alpn=\"h2,h3\" port=443\n");
    EXPECT_TRUE(quoted.diags.empty()) << diag_list(quoted.diags);
    auto plain = parse("@ 300 IN HTTPS 1 . alpn=h2,h3 port=443\n");
    EXPECT_EQ(rdata_of(quoted, "example.com.", rrtype::HTTPS),
              rdata_of(plain, "example.com.", rrtype::HTTPS));
    // A blank between "key=" and the value is not the RFC's syntax.
    auto spaced = parse("@ 300 IN HTTPS 1 . alpn= \"h2,h3\"\n");
    EXPECT_FALSE(spaced.diags.empty());
}
