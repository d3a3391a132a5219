// SPDX-License-Identifier: MIT
// Unit tests of lib/zone/content: API record content per type, messages, round trips, owners.
#include "zone/content.hpp"

#include "dns/rr.hpp"
#include "zone/zonefile.hpp"

#include "test_util.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace dns = endpointdns::dns;
namespace rrtype = endpointdns::dns::rrtype;
using endpointdns::zone::Content;
using endpointdns::zone::content_example;
using endpointdns::zone::Diagnostics;
using endpointdns::zone::max_content_chars;
using endpointdns::zone::parse_content;
using endpointdns::zone::parse_type;
using endpointdns::zone::parse_zone_text;
using endpointdns::zone::ParseOptions;
using endpointdns::zone::refused_type;
using endpointdns::zone::resolve_owner;
using endpointdns::zone::Zone;
using namespace endpointdns::test;

namespace {

uint16_t T(const char* name) {
    auto t = dns::type_from_name(name);
    EXPECT_TRUE(t.has_value()) << name;
    return t.value_or(0);
}

std::string hex(std::string_view h) {
    std::string out;
    for (size_t i = 0; i + 1 < h.size(); i += 2)
        out.push_back(char(std::stoi(std::string(h.substr(i, 2)), nullptr, 16)));
    return out;
}

std::string to_hex(std::string_view s) {
    static const char digits[] = "0123456789abcdef";
    std::string out;
    for (unsigned char c : s) {
        out.push_back(digits[c >> 4]);
        out.push_back(digits[c & 15]);
    }
    return out;
}

// The RDATA the zone-file parser gives for one record "x.example.com. 300 IN TYPE content", or
// "<error: ...>".
std::string zone_rdata(uint16_t type, const std::string& content, bool fast) {
    Diagnostics d;
    ParseOptions opts;
    opts.fast = fast;
    std::string text = "x.example.com. 300 IN " + dns::type_name(type) + " " + content + "\n";
    Zone z = parse_zone_text(text, "content.zone", N("example.com."), d, opts);
    if (!d.empty()) return "<error: " + d[0].to_string() + ">";
    if (z.size() != 1) return "<" + std::to_string(z.size()) + " records>";
    return std::string(z.at(0).rdata);
}

// Parses, expects success, and checks the round trip: the canonical text parses to the same
// RDATA and prints the same text.
Content good(uint16_t type, std::string_view text) {
    auto c = parse_content(type, text);
    EXPECT_TRUE(c.ok()) << dns::type_name(type) << " " << text << ": " << (c.ok() ? "" : c.error());
    if (!c) return {};
    auto back = parse_content(type, c->text);
    EXPECT_TRUE(back.ok()) << c->text << ": " << (back.ok() ? "" : back.error());
    if (back) {
        EXPECT_EQ(back->rdata, c->rdata) << c->text;
        EXPECT_EQ(back->text, c->text);
    }
    EXPECT_TRUE(dns::check_rdata(type, c->rdata).ok());
    return *c;
}

// Expects a failure whose message contains `want`.
void bad(uint16_t type, std::string_view text, std::string_view want) {
    auto c = parse_content(type, text);
    ASSERT_FALSE(c.ok()) << dns::type_name(type) << " " << text << " was accepted as " << c->text;
    EXPECT_NE(c.error().find(want), std::string::npos)
        << dns::type_name(type) << " " << text << "\n  message: " << c.error()
        << "\n  expected to contain: " << want;
}

struct Case {
    const char* type;
    const char* input;
    const char* text;  // canonical text
    const char* rdata; // hex, or "" to skip
    bool zone_file;    // lib/zone's zone-file reader reads the input the same (names end in a dot)
};

// One or more good values of every common type.
const Case cases[] = {
    {"A", "192.0.2.1", "192.0.2.1", "c0000201", true},
    {"A", "  192.0.2.1\t", "192.0.2.1", "c0000201", true},
    {"AAAA", "2001:DB8::1", "2001:db8::1", "20010db8000000000000000000000001", true},
    {"AAAA", "::ffff:192.0.2.1", "::ffff:192.0.2.1", "00000000000000000000ffffc0000201", true},
    {"CNAME", "www.example.net.", "www.example.net.", "03777777076578616d706c65036e657400", true},
    {"CNAME", "www.example.net", "www.example.net.", "03777777076578616d706c65036e657400", false},
    {"CNAME", "WWW.Example.NET", "WWW.Example.NET.", "03575757074578616d706c65034e455400", false},
    {"CNAME", "a\\.b.example.com.", "a\\.b.example.com.", "03612e62076578616d706c6503636f6d00",
     true},
    {"CNAME", "mail.", "mail.", "046d61696c00", true},
    {"NS", "ns1.example.net", "ns1.example.net.", "036e7331076578616d706c65036e657400", false},
    {"PTR", "host.example.com.", "host.example.com.", "04686f7374076578616d706c6503636f6d00", true},
    {"DNAME", "example.net", "example.net.", "076578616d706c65036e657400", false},
    {"MX", "10 mail.example.com.", "10 mail.example.com.",
     "000a046d61696c076578616d706c6503636f6d00", true},
    {"MX", "10 mail.example.com", "10 mail.example.com.",
     "000a046d61696c076578616d706c6503636f6d00", false},
    {"MX", "0 .", "0 .", "000000", true},
    {"MX", "010 mx.example.com.", "10 mx.example.com.", "000a026d78076578616d706c6503636f6d00",
     true},
    {"TXT", "\"v=spf1 -all\"", "\"v=spf1 -all\"", "0b763d73706631202d616c6c", true},
    {"TXT", "hello", "\"hello\"", "0568656c6c6f", true},
    {"TXT", "\"\"", "\"\"", "00", true},
    {"TXT", "\"part one\" \"part two\"", "\"part one\" \"part two\"",
     "0870617274206f6e650870617274207477 6f", true},
    {"TXT", "\"a\\\"b\" \"c\\\\d\" \"\\065\\059\"", "\"a\\\"b\" \"c\\\\d\" \"A;\"",
     "036122620363 5c640241 3b", true},
    {"TXT", "\"a;b (c)\"", "\"a;b (c)\"", "07613b62202863 29", true},
    {"TXT", "v=DKIM1\\;", "\"v=DKIM1;\"", "08763d444b494d313b", true},
    {"TXT", "\"caf\\195\\169\"", "\"caf\\195\\169\"", "05636166c3a9", true},
    {"TXT", "\"tab\there\"", "", "", true},
    {"SRV", "10 5 5060 sip.example.com.", "10 5 5060 sip.example.com.",
     "000a000513c403736970076578616d706c6503636f6d00", true},
    {"SRV", "0 0 0 .", "0 0 0 .", "00000000000000", true},
    {"CAA", "0 issue \"letsencrypt.org\"", "0 issue \"letsencrypt.org\"",
     "000569737375656c657473656e63727970742e6f7267", true},
    {"CAA", "0 issue letsencrypt.org", "0 issue \"letsencrypt.org\"",
     "000569737375656c657473656e63727970742e6f7267", true},
    {"CAA", "128 iodef \"mailto:security@example.com\"",
     "128 iodef \"mailto:security@example.com\"", "", true},
    {"CAA", "0 issuewild \";\"", "0 issuewild \";\"", "0009697373756577696c643b", true},
    {"DS", "60485 5 1 2BB183AF5F22588179A53B0A98631FAD1A292118",
     "60485 5 1 2bb183af5f22588179a53b0a98631fad1a292118",
     "ec4505012bb183af5f22588179a53b0a98631fad1a292118", true},
    {"DS", "60485 5 1 2BB183AF5F22 588179A53B0A98631FAD1A292118",
     "60485 5 1 2bb183af5f22588179a53b0a98631fad1a292118",
     "ec4505012bb183af5f22588179a53b0a98631fad1a292118", true},
    {"DS", "2371 RSASHA256 2 0e1b1c5cba8a1a5cbe9b2e5ddda16a5d4b44b7da1a24a5b0e8e77d4b16c5d7b2",
     "2371 8 2 0e1b1c5cba8a1a5cbe9b2e5ddda16a5d4b44b7da1a24a5b0e8e77d4b16c5d7b2", "", true},
    {"TLSA", "3 1 1 0E1B1C5CBA8A1A5CBE9B2E5DDDA16A5D4B44B7DA1A24A5B0E8E77D4B16C5D7B2",
     "3 1 1 0e1b1c5cba8a1a5cbe9b2e5ddda16a5d4b44b7da1a24a5b0e8e77d4b16c5d7b2",
     "0301010e1b1c5cba8a1a5cbe9b2e5ddda16a5d4b44b7da1a24a5b0e8e77d4b16c5d7b2", true},
    {"TLSA", "3 1 0 abcd", "3 1 0 abcd", "030100abcd", true},
    {"TLSA",
     "DANE-EE SPKI SHA2-256 0e1b1c5cba8a1a5cbe9b2e5ddda16a5d4b44b7da1a24a5b0e8e77d4b16c5d7b2",
     "3 1 1 0e1b1c5cba8a1a5cbe9b2e5ddda16a5d4b44b7da1a24a5b0e8e77d4b16c5d7b2", "", true},
    {"SSHFP", "4 2 0e1b1c5cba8a1a5cbe9b2e5ddda16a5d4b44b7da1a24a5b0e8e77d4b16c5d7b2",
     "4 2 0e1b1c5cba8a1a5cbe9b2e5ddda16a5d4b44b7da1a24a5b0e8e77d4b16c5d7b2",
     "04020e1b1c5cba8a1a5cbe9b2e5ddda16a5d4b44b7da1a24a5b0e8e77d4b16c5d7b2", true},
    {"SSHFP", "1 1 0123456789abcdef0123456789abcdef01234567",
     "1 1 0123456789abcdef0123456789abcdef01234567", "", true},
    {"HTTPS", "1 . alpn=h2,h3", "1 . alpn=h2,h3", "00010000010006026832026833", true},
    // lib/zone's scanner ends a token at a quote, so it cannot read key="value" (RFC 9460).
    {"HTTPS", "1 . alpn=\"h2,h3\" port=443", "1 . alpn=h2,h3 port=443",
     "000100000100060268320268330003000201bb", false},
    {"HTTPS", "1 . port=443 alpn=h2", "1 . alpn=h2 port=443", "", true},
    {"HTTPS", "0 svc.example.com.", "0 svc.example.com.", "000003737663076578616d706c6503636f6d00",
     true},
    {"HTTPS", "1 . ipv4hint=192.0.2.1,192.0.2.2 ipv6hint=2001:db8::1", "", "", true},
    {"SVCB", "1 svc.example.com. alpn=h2,h3 port=8443", "1 svc.example.com. alpn=h2,h3 port=8443",
     "", true},
    {"SVCB", "2 svc.example.com mandatory=alpn alpn=h2",
     "2 svc.example.com. mandatory=alpn alpn=h2", "", false},
    {"NAPTR", "100 10 \"U\" \"E2U+sip\" \"!^.*$!sip:info@example.com!\" .",
     "100 10 \"U\" \"E2U+sip\" \"!^.*$!sip:info@example.com!\" .",
     "0064000a0155074532552b7369701b215e2e2a24217369703a696e666f406578616d706c652e636f6d2100",
     true},
    {"NAPTR", "100 10 U E2U+sip !^.*$!sip:info@example.com! .",
     "100 10 \"U\" \"E2U+sip\" \"!^.*$!sip:info@example.com!\" .", "", true},
    {"NAPTR", "10 100 \"S\" \"SIP+D2U\" \"\" _sip._udp.example.com.",
     "10 100 \"S\" \"SIP+D2U\" \"\" _sip._udp.example.com.", "", true},
    {"LOC", "52 22 23.000 N 4 53 32.000 E -2.00m 1m 10000m 10m",
     "52 22 23.000 N 04 53 32.000 E -2m 1m 10000m 10m", "001216138b3cf018810cbce0009895b8", true},
    {"LOC", "90 S 180 W 0m", "", "", true},
    {"HINFO", "\"PC\" \"Linux\"", "\"PC\" \"Linux\"", "025043054c696e7578", true},
    {"HINFO", "INTEL-386 Linux", "\"INTEL-386\" \"Linux\"", "", true},
    {"URI", "10 1 \"https://www.example.com/\"", "10 1 \"https://www.example.com/\"",
     "000a000168747470733a2f2f7777772e6578616d706c652e636f6d2f", true},
    {"URI", "10 1 https://www.example.com/", "10 1 \"https://www.example.com/\"", "", false},
    {"RP", "hostmaster.example.com. info.example.com.", "hostmaster.example.com. info.example.com.",
     "", true},
    {"AFSDB", "1 afsdb.example.com.", "1 afsdb.example.com.", "", true},
    {"KX", "10 kx.example.com", "10 kx.example.com.", "", false},
    {"CERT", "PGP 0 0 AQNRU3mG7TVTO2BkR47usntb102uFJtugbo6BSGvgqt4AQ==",
     "PGP 0 0 AQNRU3mG7TVTO2BkR47usntb102uFJtugbo6BSGvgqt4AQ==", "", true},
    {"OPENPGPKEY", "AQNRU3mG7TVTO2BkR47usntb102uFJtugbo6BSGvgqt4AQ==",
     "AQNRU3mG7TVTO2BkR47usntb102uFJtugbo6BSGvgqt4AQ==", "", true},
    {"DHCID", "AAIBY2/AuCccgoJbsaxcQc9TUapptP69lOjxfNuVAA2kjEA=",
     "AAIBY2/AuCccgoJbsaxcQc9TUapptP69lOjxfNuVAA2kjEA=", "", true},
    {"IPSECKEY", "10 1 2 192.0.2.38 AQNRU3mG7TVTO2BkR47usntb102uFJtugbo6BSGvgqt4AQ==",
     "10 1 2 192.0.2.38 AQNRU3mG7TVTO2BkR47usntb102uFJtugbo6BSGvgqt4AQ==", "", true},
    {"APL", "1:192.0.2.0/24 !1:198.51.100.0/28", "1:192.0.2.0/24 !1:198.51.100.0/28", "", true},
    {"EUI48", "00-00-5e-00-53-2a", "00-00-5e-00-53-2a", "00005e00532a", true},
    {"EUI64", "00-00-5e-ef-10-00-00-2a", "00-00-5e-ef-10-00-00-2a", "00005eef1000002a", true},
    {"L32", "10 10.1.2.0", "10 10.1.2.0", "000a0a010200", true},
    {"NID", "10 0014:4fff:ff20:ee64", "10 0014:4fff:ff20:ee64", "000a00144fffff20ee64", true},
};

std::string strip_spaces(std::string s) {
    std::erase(s, ' ');
    return s;
}

} // namespace

// ---- good values ---------------------------------------------------------------------------

TEST(Content, GoodValuesParseAndRoundTrip) {
    for (const Case& k : cases) {
        SCOPED_TRACE(std::string(k.type) + " " + k.input);
        Content c = good(T(k.type), k.input);
        if (*k.text) {
            EXPECT_EQ(c.text, k.text);
        }
        if (*k.rdata) {
            EXPECT_EQ(to_hex(c.rdata), strip_spaces(k.rdata));
        }
    }
}

// The RDATA is what lib/zone's zone-file reader makes of the same record: the canonical text
// through both of its paths (its own scanner and ldns), and the input itself where it means the
// same in a zone file.
TEST(Content, SameRdataAsTheZoneFileParser) {
    for (const Case& k : cases) {
        SCOPED_TRACE(std::string(k.type) + " " + k.input);
        uint16_t type = T(k.type);
        auto c = parse_content(type, k.input);
        ASSERT_TRUE(c.ok()) << c.error();
        EXPECT_EQ(to_hex(zone_rdata(type, c->text, true)), to_hex(c->rdata)) << c->text;
        EXPECT_EQ(to_hex(zone_rdata(type, c->text, false)), to_hex(c->rdata)) << c->text;
        if (k.zone_file) {
            EXPECT_EQ(to_hex(zone_rdata(type, k.input, true)), to_hex(c->rdata));
        }
    }
}

TEST(Content, EveryAcceptedTypeHasAnExampleThatParses) {
    unsigned accepted = 0;
    for (unsigned t = 0; t <= 65535; ++t) {
        uint16_t type = uint16_t(t);
        if (refused_type(type)) {
            EXPECT_TRUE(content_example(type).empty()) << dns::type_name(type);
            EXPECT_FALSE(parse_content(type, "x").ok());
            continue;
        }
        ++accepted;
        SCOPED_TRACE(dns::type_name(type));
        ASSERT_FALSE(content_example(type).empty());
        Content c = good(type, content_example(type));
        EXPECT_EQ(to_hex(zone_rdata(type, c.text, true)), to_hex(c.rdata)) << c.text;
    }
    EXPECT_EQ(accepted, 35u);
}

TEST(Content, LetterCaseIsKept) {
    Content c = good(rrtype::MX, "10 Mail.Example.COM.");
    EXPECT_EQ(c.text, "10 Mail.Example.COM.");
    EXPECT_EQ(c.rdata, u16(10) + W("Mail.Example.COM."));
}

TEST(Content, NamesWithoutTheFinalDotAreAbsolute) {
    EXPECT_EQ(good(rrtype::CNAME, "www.example.net").rdata, W("www.example.net."));
    EXPECT_EQ(good(rrtype::SRV, "1 2 3 sip.example.com").rdata,
              u16(1) + u16(2) + u16(3) + W("sip.example.com."));
    EXPECT_EQ(good(rrtype::NAPTR, "1 2 \"\" \"\" \"\" _sip._tcp.example.com").text,
              "1 2 \"\" \"\" \"\" _sip._tcp.example.com.");
}

TEST(Content, LongestNames) {
    std::string l63(63, 'a');
    // 255 octets in wire form, written without and with the final dot.
    std::string longest = l63 + "." + l63 + "." + l63 + "." + std::string(61, 'b');
    EXPECT_EQ(good(rrtype::CNAME, longest).rdata.size(), 255u);
    EXPECT_EQ(good(rrtype::CNAME, longest + ".").rdata.size(), 255u);
    bad(rrtype::CNAME, longest + "b", "longer than 255 octets");
    bad(rrtype::CNAME, std::string(64, 'a') + ".example.com.", "label longer than 63");
}

TEST(Content, TxtStrings) {
    std::string s255(255, 'x');
    Content c = good(rrtype::TXT, "\"" + s255 + "\" \"" + s255 + "\"");
    EXPECT_EQ(c.rdata.size(), 512u);
    EXPECT_EQ(good(rrtype::TXT, "\"\\\\\" \"\\\"\" \"\\255\\000\"").rdata, hex("015c012202ff00"));
    // A TXT of several strings of many characters: near the RDATA limit ldns can read.
    std::string many;
    for (int i = 0; i < 240; ++i) many += "\"" + s255 + "\" ";
    EXPECT_EQ(good(rrtype::TXT, many).rdata.size(), 240u * 256);
}

// ---- refused content ---------------------------------------------------------------------

TEST(Content, BadAddresses) {
    bad(rrtype::A, "1.2.3",
        "not an IPv4 address: \"1.2.3\" (expected four numbers 0-255 such as 192.0.2.1)");
    bad(rrtype::A, "256.1.1.1", "not an IPv4 address");
    bad(rrtype::A, "01.2.3.4", "not an IPv4 address");
    bad(rrtype::A, "1.2.3.4 5.6.7.8", "unexpected text after its last field: \"5.6.7.8\"");
    bad(rrtype::A, "2001:db8::1", "is an IPv6 address: put it in an AAAA record");
    bad(rrtype::A, "\"192.0.2.1\"", "must not be in quotes");
    bad(rrtype::A, "host.example.com", "not an IPv4 address");
    bad(rrtype::AAAA, "192.0.2.1", "is an IPv4 address: put it in an A record");
    bad(rrtype::AAAA, "2001:db8::1::2", "not an IPv6 address: \"2001:db8::1::2\"");
    bad(rrtype::AAAA, "zz", "such as 2001:db8::1");
}

TEST(Content, BadNames) {
    bad(rrtype::MX, "10 mail",
        "\"mail\" is a relative name: write the full name, such as "
        "mail.example.com.");
    bad(rrtype::MX, "10 @", "cannot be \"@\": write the full name");
    bad(rrtype::CNAME, "@", "cannot be \"@\"");
    bad(rrtype::CNAME, "\\@.example.com.", "begins with the label \"@\"");
    bad(rrtype::CNAME, "@.example.com.", "begins with the label \"@\"");
    bad(rrtype::MX, "10 192.0.2.1", "is an IP address, but a name is needed");
    bad(rrtype::NS, "2001:db8::1", "is an IP address");
    bad(rrtype::CNAME, "a..example.com", "empty label");
    bad(rrtype::CNAME, "a\\256.example.com", "above 255");
    bad(rrtype::CNAME, "caf\xc3\xa9.example", "xn-- (punycode)");
    bad(rrtype::CNAME, ".", "cannot be the root");
    bad(rrtype::NS, ".", "cannot be the root");
    bad(rrtype::MX, "10 \"mail.example.com.\"", "must not be in quotes");
    bad(rrtype::SVCB, "1 svc alpn=h2", "\"svc\" is a relative name");
    bad(rrtype::SRV, "1 2 3 sip", "\"sip\" is a relative name");
    bad(rrtype::NAPTR, "1 2 \"\" \"\" \"\" sip", "NAPTR replacement \"sip\" is a relative name");
    // A rendezvous server sits after the HIP data, where the sentinel-origin parse finds it.
    std::string hip = std::string(content_example(55));
    hip = hip.substr(0, hip.rfind(' '));
    bad(55, hip + " rvs", "\"rvs\" is a relative name");
    bad(55, hip + " @.example.com.", "begins with the label \"@\"");
}

TEST(Content, FieldCountsAndNumbers) {
    bad(rrtype::MX, "10",
        "MX needs a preference and a host name, such as \"10 mail.example.com.\"");
    bad(rrtype::MX, "mail.example.com.", "MX preference \"mail.example.com.\" is not a number");
    bad(rrtype::MX, "10 mail.example.com. extra", "unexpected text after its last field");
    // ldns would wrap these around instead of refusing them.
    bad(rrtype::MX, "70000 mail.example.com.", "\"70000\" is not a number from 0 to 65535");
    bad(rrtype::MX, "-1 mail.example.com.", "is not a number from 0 to 65535");
    bad(rrtype::MX, "0x10 mail.example.com.", "is not a number");
    bad(rrtype::SRV, "10 5 sip.example.com.", "SRV port \"sip.example.com.\" is not a number");
    bad(rrtype::SRV, "1 2 99999 sip.example.com.", "SRV port \"99999\"");
    bad(rrtype::SRV, "1 2 3", "SRV needs a priority, a weight, a port and a target");
    bad(rrtype::CAA, "256 issue \"x\"", "CAA flags \"256\" is not a number from 0 to 255");
    bad(rrtype::CAA, "0 is-sue \"x\"", "CAA tag \"is-sue\" must be letters and digits");
    bad(rrtype::CAA, "0 issue", "CAA needs flags, a tag and a quoted value");
    bad(rrtype::DS, "1 300 2 00", "DS algorithm \"300\" is not a number from 0 to 255");
    bad(rrtype::DS, "70000 8 2 00", "DS key tag \"70000\"");
    bad(rrtype::DS, "1 8 2", "DS needs a key tag, an algorithm, a digest type");
    bad(52, "300 1 1 00", "TLSA certificate usage \"300\"");
    bad(44, "1 256 00", "SSHFP fingerprint type \"256\"");
    bad(rrtype::HTTPS, "70000 . alpn=h2", "HTTPS priority \"70000\"");
    bad(rrtype::HTTPS, "1", "HTTPS needs a priority, a target name and parameters");
    bad(37, "0 0 0 AQNRU3mG7TVTO2BkR47usntb102uFJtugbo6BSGvgqt4AQ==", "type 0 is reserved");
    bad(rrtype::TXT, "", "empty content: TXT needs one or more quoted strings");
    bad(rrtype::A, " \t ", "empty content: A needs an IPv4 address");
}

TEST(Content, HexAndDigests) {
    // ldns would pad an odd number of digits with a zero.
    bad(rrtype::DS, "60485 5 1 2BB183AF5F22588179A53B0A98631FAD1A29211",
        "odd number (39) of hexadecimal digits");
    bad(rrtype::DS, "60485 5 1 2BB183AF5F22588179A53B0A98631FAD1A2921zz",
        "must be hexadecimal digits");
    bad(rrtype::DS, "60485 5 2 2BB183AF5F22588179A53B0A98631FAD1A292118",
        "DS digest type 2 (SHA-256) needs a digest of 32 octets (64 hexadecimal digits), not 20");
    bad(rrtype::DS, "60485 5 4 00", "digest type 4 (SHA-384) needs a digest of 48 octets");
    good(rrtype::DS, "60485 5 99 00"); // unknown digest types have no fixed length
    bad(52, "3 1 1 abcd", "TLSA matching type 1 (SHA-256) needs a value of 32 octets");
    bad(52, "3 1 2 abcd", "matching type 2 (SHA-512) needs a value of 64 octets");
    bad(53, "3 1 1 abcd", "SMIMEA matching type 1");
    bad(44, "4 1 abcd", "SSHFP fingerprint type 1 (SHA-1) needs a fingerprint of 20 octets");
    bad(44, "4 2 xyz", "SSHFP fingerprint \"xyz\" must be hexadecimal digits");
}

TEST(Content, TxtRules) {
    bad(rrtype::TXT, "v=spf1 -all", "TXT text with blanks must be quoted");
    bad(rrtype::TXT, "\"a\" b", "TXT text with blanks must be quoted");
    bad(rrtype::TXT, "\"" + std::string(256, 'x') + "\"",
        "TXT string is 256 octets long; a string holds at most 255: split it");
    bad(rrtype::TXT, "\"\\1x\"", "\\DDD escape without three digits");
    bad(rrtype::TXT, "\"\\300\"", "above \\255");
    bad(rrtype::HINFO, "\"PC\"", "HINFO needs a CPU and an OS");
}

TEST(Content, ZoneFileSyntaxIsRefused) {
    bad(rrtype::TXT, "a;b", "';' starts a comment");
    bad(rrtype::TXT, "\"x\" ; comment", "';' starts a comment");
    bad(rrtype::MX, "( 10 mail.example.com. )", "'(' (a zone file's multi-line grouping)");
    bad(rrtype::MX, "10 mail.example.com. )", "')'");
    bad(rrtype::TXT, "\"abc", "a quoted string is not closed: \"\\\"abc\"");
    bad(rrtype::TXT, "\"abc\\\"", "a quoted string is not closed");
    bad(rrtype::TXT, "\"a\"b", "text right after a closing quote");
    bad(rrtype::TXT, "ab\"cd\"", "a quote inside");
    bad(rrtype::TXT, "abc\\", "lone backslash");
    bad(rrtype::A, "\\# 4 c0000201", "the RFC 3597 form \\# is not accepted");
    bad(rrtype::MX, "10 \\# 4 01020304", "\\# is not accepted");
    // Escaped, these characters are data.
    EXPECT_EQ(good(rrtype::TXT, "a\\;b\\(c\\)").rdata, txt({"a;b(c)"}));
}

TEST(Content, ControlCharactersAndLength) {
    bad(rrtype::TXT, "\"a\nb\"", "content must be one line");
    bad(rrtype::TXT, "\"a\r\"", "content must be one line");
    bad(rrtype::TXT, std::string("\"a\0b\"", 5), "control character 0x00 at offset 2");
    bad(rrtype::TXT, "\"a\x07\"", "control character 0x07 at offset 2; write it as \\007");
    bad(rrtype::TXT, "\"a\x7f\"", "control character 0x7f");
    EXPECT_EQ(good(rrtype::TXT, "\"a\tb\"").rdata, txt({"a\tb"}));
    std::string huge = "\"" + std::string(max_content_chars, 'x') + "\"";
    bad(rrtype::TXT, huge, "characters long; at most 65000");
}

// IPSECKEY is checked whole before ldns reads it: ldns 1.8.3 leaks memory on a sixth token and
// on an invalid key after a gateway (found by fuzz/content_fuzz).
TEST(Content, Ipseckey) {
    const std::string key = "AQNRU3mG7TVTO2BkR47usntb102uFJtugbo6BSGvgqt4AQ==";
    good(45, "10 0 2 . " + key);
    good(45, "10 2 2 2001:db8::1 " + key);
    EXPECT_EQ(good(45, "10 3 2 gw.example.com " + key).text, "10 3 2 gw.example.com. " + key);
    bad(45, "10 1 2 192.0.2.38 " + key + " x", "unexpected text after its last field: \"x\"");
    bad(45, "10 1 2 192.0.2.38", "IPSECKEY needs a precedence, a gateway type");
    bad(45, "10 1 2 192.0.2.38 TYP01y5=", "IPSECKEY public key \"TYP01y5=\" is not base64");
    bad(45, "10 1 2 192.0.2.38 abc", "is not base64");
    bad(45, "10 4 2 192.0.2.38 " + key, "IPSECKEY gateway type \"4\" is not a number from 0 to 3");
    bad(45, "10 0 2 192.0.2.38 " + key, "must be \".\" for gateway type 0");
    bad(45, "10 1 2 2001:db8::1 " + key, "not an IPv4 address");
    bad(45, "10 3 2 gw " + key, "IPSECKEY gateway \"gw\" is a relative name");
}

TEST(Content, Mnemonics) {
    EXPECT_EQ(good(rrtype::DS, "1 ECDSAP256SHA256 2 " + std::string(64, 'a')).text,
              "1 13 2 " + std::string(64, 'a'));
    bad(rrtype::DS, "1 NOSUCHALG 2 00", "not valid");
    // Signs never make a mnemonic: "-0" would reach ldns as the number 0 (a CERT type 0 leaks).
    bad(37, "-0 5 5 2BB2", "CERT certificate type \"-0\" is not a number");
    bad(37, "+1 5 5 2BB2", "is not a number");
}

TEST(Content, LocRange) {
    bad(29, "95 22 N 4 53 E 10m", "LOC latitude is more than 90 degrees");
    bad(29, "52 22 N 181 E 10m", "LOC longitude is more than 180 degrees");
    bad(29, "nowhere", "LOC content \"nowhere\" is not valid");
}

TEST(Content, RefusedTypesFailWithTheirReason) {
    bad(rrtype::SOA, "ns1.example.com. hostmaster.example.com. 1 2 3 4 5",
        "managed by the service");
    bad(rrtype::RRSIG, "x", "generated");
    bad(rrtype::SPF, "\"v=spf1 -all\"", "publish the policy as a TXT record");
}

// ---- types -------------------------------------------------------------------------------

TEST(Content, RefusedTypes) {
    for (uint16_t t :
         {rrtype::SOA,     rrtype::RRSIG,  rrtype::NSEC,  rrtype::NSEC3,  uint16_t(51),
          rrtype::DNSKEY,  uint16_t(59),   uint16_t(60),  uint16_t(62),   uint16_t(63),
          rrtype::OPT,     uint16_t(249),  uint16_t(250), rrtype::IXFR,   rrtype::AXFR,
          uint16_t(253),   uint16_t(254),  rrtype::ANY,   uint16_t(0),    rrtype::MD,
          rrtype::MF,      rrtype::MB,     rrtype::MINFO, uint16_t(10),   uint16_t(11),
          rrtype::SIG,     uint16_t(25),   rrtype::NXT,   uint16_t(38),   rrtype::SPF,
          uint16_t(32769), uint16_t(128),  uint16_t(200), uint16_t(1234), uint16_t(65280),
          uint16_t(65534), uint16_t(65535)})
        EXPECT_TRUE(refused_type(t).has_value()) << dns::type_name(t);
    EXPECT_NE(refused_type(rrtype::SOA)->find("managed by the service"), std::string::npos);
    EXPECT_NE(refused_type(rrtype::NSEC3)->find("generated"), std::string::npos);
    EXPECT_NE(refused_type(rrtype::DNSKEY)->find("does not sign"), std::string::npos);
    EXPECT_NE(refused_type(rrtype::AXFR)->find("query or meta type"), std::string::npos);
    EXPECT_NE(refused_type(38)->find("use AAAA"), std::string::npos);
    EXPECT_NE(refused_type(1234)->find("TYPE1234 is not a record type"), std::string::npos);
    EXPECT_NE(refused_type(65280)->find("private-use"), std::string::npos);
    for (const char* name : {"A", "AAAA", "NS", "CNAME", "PTR", "MX", "TXT", "SRV", "CAA", "DS",
                             "TLSA", "SSHFP", "HTTPS", "SVCB", "NAPTR", "LOC", "DNAME", "URI"})
        EXPECT_FALSE(refused_type(T(name)).has_value()) << name;
}

TEST(Content, ParseType) {
    EXPECT_EQ(parse_type("A"), rrtype::A);
    EXPECT_EQ(parse_type("aaaa"), rrtype::AAAA);
    EXPECT_EQ(parse_type("Caa"), rrtype::CAA);
    EXPECT_EQ(parse_type("https"), rrtype::HTTPS);
    EXPECT_EQ(parse_type("TYPE65"), rrtype::HTTPS);
    EXPECT_EQ(parse_type("type65"), rrtype::HTTPS);
    EXPECT_EQ(parse_type("TYPE65535"), uint16_t(65535));
    EXPECT_EQ(parse_type("nsap-ptr"), uint16_t(23));
    EXPECT_EQ(parse_type("TYPE65536"), std::nullopt);
    EXPECT_EQ(parse_type("TYPE"), std::nullopt);
    EXPECT_EQ(parse_type(""), std::nullopt);
    EXPECT_EQ(parse_type("FOO"), std::nullopt);
    EXPECT_EQ(parse_type("A "), std::nullopt);
    EXPECT_EQ(parse_type(std::string_view("A\0B", 3)), std::nullopt);
    EXPECT_EQ(parse_type("IN"), std::nullopt);
}

// ---- owners ------------------------------------------------------------------------------

TEST(Owner, Resolve) {
    auto ok = [](std::string_view given, std::string_view origin, std::string_view want) {
        auto r = resolve_owner(given, origin);
        ASSERT_TRUE(r.ok()) << given << ": " << r.error();
        EXPECT_EQ(*r, want) << given;
    };
    ok("@", "example.com", "example.com");
    ok("", "example.com", "example.com");
    ok("www", "example.com", "www.example.com");
    ok("WWW", "example.com", "www.example.com");
    ok("_acme-challenge.www", "example.com", "_acme-challenge.www.example.com");
    ok("*", "example.com", "*.example.com");
    ok("*.dev", "example.com", "*.dev.example.com");
    ok("www.example.com", "example.com", "www.example.com");
    ok("www.example.com.", "example.com", "www.example.com");
    ok("Example.COM", "example.com", "example.com");
    ok("example.com.", "example.com", "example.com");
    ok("com", "example.com", "com.example.com");                   // not the zone: relative
    ok("xexample.com", "example.com", "xexample.com.example.com"); // label by label
    // Labels "a.example" and "com": not below example.com, so relative.
    ok("a\\.example.com", "example.com", "a\\.example.com.example.com");
    ok("www.example.com.example.com", "example.com", "www.example.com.example.com");
    ok("a\\065b", "example.com", "aab.example.com");
    ok("a\\032b", "example.com", "a\\032b.example.com");
    ok("host", "", "host");
}

TEST(Owner, Refused) {
    auto no = [](std::string_view given, std::string_view origin, std::string_view want) {
        auto r = resolve_owner(given, origin);
        ASSERT_FALSE(r.ok()) << given << " gave " << *r;
        EXPECT_NE(r.error().find(want), std::string::npos) << r.error();
    };
    no("www.example.org.", "example.com", "is outside the zone example.com");
    no(".", "example.com", "outside the zone");
    no("a..b", "example.com", "empty label");
    no(".www", "example.com", "empty label");
    no("www..", "example.com", "empty label");
    no(std::string(64, 'a'), "example.com", "label longer than 63 octets");
    no("a\\999", "example.com", "above 255");
    no("a\\12", "example.com", "escape");
    no("a\\", "example.com", "lone backslash");
    no("a b", "example.com", "blank or a control character");
    no("a\nb", "example.com", "control character");
    no("caf\xc3\xa9", "example.com", "xn--");
    std::string l63(63, 'a');
    // Relative names of 242 octets (and the zone's 13) are the longest: 255 octets.
    std::string longest = l63 + "." + l63 + "." + l63 + "." + std::string(49, 'b');
    EXPECT_TRUE(resolve_owner(longest, "example.com").ok());
    no(longest + "b", "example.com", "longer than 255 octets");
    no(l63 + "." + l63 + "." + l63 + "." + l63 + ".", "example.com", "longer than 255");
}
