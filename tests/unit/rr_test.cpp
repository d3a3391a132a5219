// SPDX-License-Identifier: MIT
// Unit tests of lib/dns/rr: type and class mnemonics, RDATA layout checks, canonical RDATA, SOA
// fields.
#include "dns/rr.hpp"

#include "test_util.hpp"

#include <gtest/gtest.h>

#include <string>

namespace dns = endpointdns::dns;
namespace rrtype = endpointdns::dns::rrtype;
using dns::Name;
using namespace endpointdns::test;

// ---- mnemonics -----------------------------------------------------------------------------

TEST(RrType, CommonNames) {
    EXPECT_EQ(dns::type_name(rrtype::A), "A");
    EXPECT_EQ(dns::type_name(rrtype::AAAA), "AAAA");
    EXPECT_EQ(dns::type_name(rrtype::CAA), "CAA");
    EXPECT_EQ(dns::type_name(rrtype::SOA), "SOA");
    EXPECT_EQ(dns::type_name(rrtype::HINFO), "HINFO");
    EXPECT_EQ(dns::type_from_name("A"), rrtype::A);
    EXPECT_EQ(dns::type_from_name("a"), rrtype::A);
    EXPECT_EQ(dns::type_from_name("AAAA"), rrtype::AAAA);
    EXPECT_EQ(dns::type_from_name("aaaa"), rrtype::AAAA);
    EXPECT_EQ(dns::type_from_name("CAA"), rrtype::CAA);
    EXPECT_EQ(dns::type_from_name("caa"), rrtype::CAA);
    EXPECT_EQ(dns::type_from_name("Naptr"), rrtype::NAPTR);
    EXPECT_EQ(dns::type_from_name("DNSKEY"), rrtype::DNSKEY);
    EXPECT_EQ(dns::type_from_name("SPF"), rrtype::SPF);
}

TEST(RrType, GenericForm) {
    EXPECT_EQ(dns::type_name(65280), "TYPE65280");
    EXPECT_EQ(dns::type_from_name("TYPE65280"), 65280);
    EXPECT_EQ(dns::type_from_name("type65280"), 65280);
    EXPECT_EQ(dns::type_from_name("TYPE1"), rrtype::A);
    EXPECT_EQ(dns::type_from_name("TYPE65535"), 65535);
    EXPECT_EQ(dns::type_from_name("TYPE65536"), std::nullopt);
    EXPECT_EQ(dns::type_from_name("TYPE99999999999"), std::nullopt);
    EXPECT_EQ(dns::type_from_name("TYPE12a"), std::nullopt);
    EXPECT_EQ(dns::type_from_name("TYPE-1"), std::nullopt);
}

TEST(RrType, UnknownNames) {
    EXPECT_EQ(dns::type_from_name("FOO"), std::nullopt);
    EXPECT_EQ(dns::type_from_name(""), std::nullopt);
    EXPECT_EQ(dns::type_from_name("TYPE"), std::nullopt);
    EXPECT_EQ(dns::type_from_name("A "), std::nullopt);
    EXPECT_EQ(dns::type_from_name("AA"), std::nullopt);
    EXPECT_EQ(dns::type_from_name("1.2.3.4"), std::nullopt);
}

TEST(RrType, EveryTypeRoundTrips) {
    for (uint32_t t = 0; t <= 65535; ++t) {
        std::string name = dns::type_name(uint16_t(t));
        ASSERT_FALSE(name.empty()) << t;
        auto back = dns::type_from_name(name);
        ASSERT_TRUE(back.has_value()) << t << " -> " << name;
        ASSERT_EQ(*back, t) << t << " -> " << name;
    }
}

TEST(RrClass, Names) {
    EXPECT_EQ(dns::class_name(dns::rrclass::IN), "IN");
    EXPECT_EQ(dns::class_name(dns::rrclass::CH), "CH");
    EXPECT_EQ(dns::class_name(1234), "CLASS1234");
    EXPECT_EQ(dns::class_from_name("in"), dns::rrclass::IN);
    EXPECT_EQ(dns::class_from_name("CHAOS"), dns::rrclass::CH);
    EXPECT_EQ(dns::class_from_name("HS"), dns::rrclass::HS);
    EXPECT_EQ(dns::class_from_name("CLASS1234"), 1234);
    EXPECT_EQ(dns::class_from_name("CLASS65536"), std::nullopt);
    EXPECT_EQ(dns::class_from_name("A"), std::nullopt);
    EXPECT_EQ(dns::class_from_name("3600"), std::nullopt);
}

// ---- check_rdata ---------------------------------------------------------------------------

TEST(RrCheck, FixedSizes) {
    EXPECT_TRUE(dns::check_rdata(rrtype::A, bytes({192, 0, 2, 1})).ok());
    auto short_a = dns::check_rdata(rrtype::A, bytes({192, 0, 2}));
    ASSERT_FALSE(short_a.ok());
    EXPECT_NE(short_a.error().find("A"), std::string::npos) << short_a.error();
    EXPECT_FALSE(dns::check_rdata(rrtype::A, bytes({192, 0, 2, 1, 0})).ok());
    EXPECT_FALSE(dns::check_rdata(rrtype::A, "").ok());
    EXPECT_TRUE(dns::check_rdata(rrtype::AAAA, std::string(16, '\1')).ok());
    EXPECT_FALSE(dns::check_rdata(rrtype::AAAA, std::string(15, '\1')).ok());
    EXPECT_FALSE(dns::check_rdata(rrtype::AAAA, std::string(17, '\1')).ok());
}

TEST(RrCheck, SoaLayout) {
    std::string soa = soa_rdata("ns1.example.", "hostmaster.example.", 2024010101);
    EXPECT_TRUE(dns::check_rdata(rrtype::SOA, soa).ok());
    EXPECT_FALSE(dns::check_rdata(rrtype::SOA, soa.substr(0, soa.size() - 1)).ok());
    EXPECT_FALSE(dns::check_rdata(rrtype::SOA, soa + "x").ok());
    // Only one name: the second name's slot is taken by the numbers.
    EXPECT_FALSE(dns::check_rdata(rrtype::SOA, W("ns1.example.") + std::string(20, '\0')).ok());
    // A compression pointer is not allowed in uncompressed RDATA.
    EXPECT_FALSE(
        dns::check_rdata(rrtype::SOA, bytes({0xC0, 12}) + W("h.example.") + std::string(20, '\0'))
            .ok());
}

TEST(RrCheck, MxMalformed) {
    EXPECT_TRUE(dns::check_rdata(rrtype::MX, u16(10) + W("mail.example.")).ok());
    EXPECT_FALSE(dns::check_rdata(rrtype::MX, "").ok());
    EXPECT_FALSE(dns::check_rdata(rrtype::MX, bytes({0})).ok());
    EXPECT_FALSE(dns::check_rdata(rrtype::MX, u16(10)).ok());                        // no name
    EXPECT_FALSE(dns::check_rdata(rrtype::MX, u16(10) + bytes({4, 'm', 'a'})).ok()); // cut label
    EXPECT_FALSE(dns::check_rdata(rrtype::MX, u16(10) + bytes({4, 'm', 'a', 'i', 'l'})).ok());
    EXPECT_FALSE(dns::check_rdata(rrtype::MX, u16(10) + W("mail.example.") + "x").ok());
    auto e = dns::check_rdata(rrtype::MX, u16(10) + bytes({0xC0, 12}));
    ASSERT_FALSE(e.ok());
    EXPECT_NE(e.error().find("MX"), std::string::npos) << e.error();
}

TEST(RrCheck, OtherLayouts) {
    EXPECT_TRUE(dns::check_rdata(rrtype::NS, W("ns.example.")).ok());
    EXPECT_FALSE(dns::check_rdata(rrtype::NS, W("ns.example.") + W("x.")).ok());
    EXPECT_TRUE(dns::check_rdata(rrtype::SRV, u16(1) + u16(2) + u16(3) + W(".")).ok());
    EXPECT_FALSE(dns::check_rdata(rrtype::SRV, u16(1) + u16(2) + u16(3)).ok()); // no target
    EXPECT_FALSE(dns::check_rdata(rrtype::SRV, u16(1) + u16(2)).ok());
    // NAPTR: order, preference, three character-strings, replacement.
    std::string naptr =
        u16(100) + u16(10) + bytes({1, 'u'}) + bytes({7}) + "E2U+sip" + bytes({0}) + W(".");
    EXPECT_TRUE(dns::check_rdata(rrtype::NAPTR, naptr).ok());
    EXPECT_FALSE(dns::check_rdata(rrtype::NAPTR, u16(100) + u16(10) + bytes({9, 'u'})).ok());
    // Opaque types are not second-guessed.
    EXPECT_TRUE(dns::check_rdata(rrtype::TXT, bytes({3, 'a', 'b', 'c'})).ok());
    EXPECT_TRUE(dns::check_rdata(65280, "").ok());
    EXPECT_FALSE(dns::check_rdata(65280, std::string(65536, 'x')).ok());
}

// ---- canonical form ------------------------------------------------------------------------

TEST(RrCanonical, LowercasesNamesOfRfc4034Types) {
    std::string out;
    ASSERT_TRUE(dns::canonical_rdata(rrtype::NS, W("NS1.Example.COM."), out));
    EXPECT_EQ(out, W("ns1.example.com."));

    // MX: the preference octets 'A' 'B' (16706) are numbers, not letters.
    std::string mx = bytes({'A', 'B'}) + W("Mail.EXAMPLE.");
    out.clear();
    ASSERT_TRUE(dns::canonical_rdata(rrtype::MX, mx, out));
    EXPECT_EQ(out, bytes({'A', 'B'}) + W("mail.example."));

    // SOA: both names lowercased, the numbers (chosen to look like letters) untouched.
    std::string soa = W("NS.Example.") + W("Host.Master.Example.") + std::string(20, 'Q');
    out.clear();
    ASSERT_TRUE(dns::canonical_rdata(rrtype::SOA, soa, out));
    EXPECT_EQ(out, W("ns.example.") + W("host.master.example.") + std::string(20, 'Q'));

    out.clear();
    ASSERT_TRUE(dns::canonical_rdata(rrtype::CNAME, W("WWW.example."), out));
    EXPECT_EQ(out, W("www.example."));
    out.clear();
    ASSERT_TRUE(dns::canonical_rdata(
        rrtype::SRV, u16(0x4142) + u16(0x4344) + u16(0x4546) + W("SIP.Example."), out));
    EXPECT_EQ(out, u16(0x4142) + u16(0x4344) + u16(0x4546) + W("sip.example."));
}

TEST(RrCanonical, LeavesOtherDataAlone) {
    std::string out = "untouched";
    EXPECT_FALSE(dns::canonical_rdata(rrtype::TXT, bytes({3, 'A', 'B', 'C'}), out));
    EXPECT_EQ(out, "untouched");
    EXPECT_FALSE(dns::canonical_rdata(rrtype::CAA, bytes({0, 5}) + "issueCA.EXAMPLE", out));
    EXPECT_FALSE(dns::canonical_rdata(rrtype::A, bytes({'A', 'B', 'C', 'D'}), out));
    EXPECT_FALSE(dns::canonical_rdata(65280, "ABCD", out));
    // Already lower case: nothing to do, no copy.
    EXPECT_FALSE(dns::canonical_rdata(rrtype::NS, W("ns1.example."), out));
    EXPECT_EQ(out, "untouched");
    // Only ASCII letters are folded.
    EXPECT_FALSE(dns::canonical_rdata(rrtype::NS, bytes({2, 0xC0, 0xDE, 0}), out));
}

// ---- SOA -----------------------------------------------------------------------------------

TEST(RrSoa, ParseFields) {
    auto s = dns::parse_soa(soa_rdata("ns1.example.", "h.example.", 4294967295u, 1, 2, 3, 4));
    ASSERT_TRUE(s.has_value());
    EXPECT_EQ(s->serial, 4294967295u);
    EXPECT_EQ(s->refresh, 1u);
    EXPECT_EQ(s->retry, 2u);
    EXPECT_EQ(s->expire, 3u);
    EXPECT_EQ(s->minimum, 4u);
    auto r = dns::parse_soa(soa_rdata(".", ".", 7));
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->serial, 7u);
}

TEST(RrSoa, Malformed) {
    std::string soa = soa_rdata("ns1.example.", "h.example.", 1);
    EXPECT_FALSE(dns::parse_soa("").has_value());
    EXPECT_FALSE(dns::parse_soa(soa.substr(0, soa.size() - 1)).has_value());
    EXPECT_FALSE(dns::parse_soa(soa + "x").has_value());
    EXPECT_FALSE(dns::parse_soa(W("ns1.example.")).has_value());
    EXPECT_FALSE(dns::parse_soa(bytes({0xC0, 12, 0}) + std::string(20, '\0')).has_value());
}

TEST(RrStruct, EqualityIgnoresOwnerCaseOnly) {
    dns::Rr a{*Name::parse("WWW.example."), rrtype::A, dns::rrclass::IN, 300, bytes({1, 2, 3, 4})};
    dns::Rr b{*Name::parse("www.example."), rrtype::A, dns::rrclass::IN, 300, bytes({1, 2, 3, 4})};
    EXPECT_EQ(a, b);
    b.ttl = 301;
    EXPECT_FALSE(a == b);
    b.ttl = 300;
    b.rdata = bytes({1, 2, 3, 5});
    EXPECT_FALSE(a == b);
}

TEST(RrType, MetaTypesAreNotData) {
    // RFC 6895 3.1: type 0 is reserved, OPT and 128-255 (TKEY, TSIG, IXFR, AXFR, MAILB, MAILA,
    // ANY) only ever appear in messages, never as zone data.
    for (uint16_t t : {0, 41, 128, 249, 250, 251, 252, 253, 254, 255})
        EXPECT_FALSE(dns::is_data_type(t)) << t;
    for (uint16_t t : {1, 2, 6, 16, 28, 40, 42, 46, 127, 256, 257, 65280, 65535})
        EXPECT_TRUE(dns::is_data_type(t)) << t;
}
