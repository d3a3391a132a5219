// SPDX-License-Identifier: MIT
// Unit tests of lib/zone/check: every validation rule, its severity, message and source line.
#include "zone/check.hpp"

#include "zone/zonefile.hpp"

#include "test_util.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

namespace dns = endpointdns::dns;
using dns::Name;
using endpointdns::zone::check_zone;
using endpointdns::zone::Diagnostic;
using endpointdns::zone::Diagnostics;
using endpointdns::zone::Limits;
using endpointdns::zone::Zone;
using namespace endpointdns::test;

namespace {

// A clean zone: SOA, apex NS (one in-zone target with addresses, one outside), MX, CNAME,
// DNAME, SRV, a delegation with glue and one with an out-of-zone target, sibling glue.
const std::string clean_zone = "$ORIGIN example.com.\n"                            // 1
                               "$TTL 3600\n"                                       // 2
                               "@ IN SOA ns1 hostmaster 1 7200 3600 1209600 300\n" // 3
                               "@ IN NS ns1\n"                                     // 4
                               "@ IN NS ns2.example.net.\n"                        // 5
                               "@ IN MX 10 mail\n"                                 // 6
                               "@ IN A 192.0.2.1\n"                                // 7
                               "ns1 IN A 192.0.2.53\n"                             // 8
                               "ns1 IN AAAA 2001:db8::53\n"                        // 9
                               "mail IN A 192.0.2.25\n"                            // 10
                               "www IN CNAME @\n"                                  // 11
                               "sub IN NS ns.sub\n"                                // 12
                               "sub IN NS ns.example.net.\n"                       // 13
                               "ns.sub IN A 192.0.2.54\n"                          // 14
                               "dn IN DNAME example.net.\n"                        // 15
                               "_sip._tcp IN SRV 0 0 5060 www\n"                   // 16
                               "txt IN TXT \"hello\"\n"                            // 17
                               "d1 IN NS ns.d2\n"                                  // 18
                               "d2 IN NS ns.d2\n"                                  // 19
                               "ns.d2 IN A 192.0.2.60\n"                           // 20
                               "Caps IN A 192.0.2.61\n";                           // 21
constexpr uint32_t first_extra_line = 22;

struct Checked {
    size_t errors = 0;
    Diagnostics diags;
};

// Parses text, normalizes and checks; parse and normalize must be clean.
Checked check(const std::string& text, const Limits& limits = {}) {
    Zone z = zone_from(text);
    Checked c;
    c.errors = check_zone(z, limits, c.diags);
    size_t counted = size_t(std::count_if(c.diags.begin(), c.diags.end(),
                                          [](const Diagnostic& d) { return d.is_error(); }));
    EXPECT_EQ(c.errors, counted) << "return value vs error diagnostics" << diag_list(c.diags);
    return c;
}

// Exactly one diagnostic; returns it.
Diagnostic only(const Checked& c) {
    EXPECT_EQ(c.diags.size(), 1u) << diag_list(c.diags);
    return c.diags.empty() ? Diagnostic{} : c.diags[0];
}

// The one diagnostic whose message contains `needle`.
Diagnostic with(const Checked& c, std::string_view needle) {
    std::vector<Diagnostic> hits;
    for (const auto& d : c.diags)
        if (d.message.find(needle) != std::string::npos) hits.push_back(d);
    EXPECT_EQ(hits.size(), 1u) << "'" << needle << "' in" << diag_list(c.diags);
    return hits.empty() ? Diagnostic{} : hits[0];
}

void expect_mentions(const Diagnostic& d, std::string_view what) {
    EXPECT_NE(d.message.find(what), std::string::npos) << d.to_string() << " lacks " << what;
}

} // namespace

TEST(Check, CleanZoneHasNoFindings) {
    auto c = check(clean_zone);
    EXPECT_EQ(c.errors, 0u);
    EXPECT_TRUE(c.diags.empty()) << diag_list(c.diags);
}

TEST(Check, MissingSoa) {
    std::string text = clean_zone;
    text.erase(text.find("@ IN SOA"), text.find("@ IN NS") - text.find("@ IN SOA"));
    auto c = check(text);
    EXPECT_EQ(c.errors, 1u);
    Diagnostic d = only(c);
    EXPECT_TRUE(d.is_error());
    expect_mentions(d, "SOA");
    expect_mentions(d, "example.com.");
    EXPECT_EQ(d.file, "test.zone");
}

TEST(Check, MissingApexNs) {
    std::string text = clean_zone;
    for (const char* line : {"@ IN NS ns1\n", "@ IN NS ns2.example.net.\n"})
        text.erase(text.find(line), std::string(line).size());
    auto c = check(text);
    EXPECT_EQ(c.errors, 1u);
    Diagnostic d = only(c);
    EXPECT_TRUE(d.is_error());
    expect_mentions(d, "NS");
    expect_mentions(d, "example.com.");
}

TEST(Check, EmptyZone) {
    Zone z(*Name::parse("example.com."));
    z.normalize();
    Diagnostics d;
    EXPECT_EQ(check_zone(z, {}, d), 2u) << diag_list(d); // no SOA, no NS
}

TEST(Check, TwoSoas) {
    auto c = check(clean_zone + "@ IN SOA ns1 hostmaster 2 7200 3600 1209600 300\n");
    EXPECT_EQ(c.errors, 1u);
    Diagnostic d = only(c);
    EXPECT_TRUE(d.is_error());
    expect_mentions(d, "SOA");
    // The location is one of the SOA records, not another record at the apex.
    EXPECT_TRUE(d.line == 3 || d.line == first_extra_line) << d.to_string();
}

TEST(Check, SoaNotAtApex) {
    auto c = check(clean_zone + "other IN SOA ns1 hostmaster 2 7200 3600 1209600 300\n");
    Diagnostic d = with(c, "SOA");
    EXPECT_TRUE(d.is_error());
    expect_mentions(d, "other.example.com.");
    EXPECT_EQ(d.line, first_extra_line);
    EXPECT_EQ(c.errors, 1u) << diag_list(c.diags);
    // Also when the name has other records that sort before the SOA.
    auto c2 = check(clean_zone + "other IN A 192.0.2.9\n"
                                 "other IN SOA ns1 hostmaster 2 7200 3600 1209600 300\n");
    Diagnostic d2 = with(c2, "SOA");
    EXPECT_EQ(d2.line, first_extra_line + 1) << d2.to_string();
}

TEST(Check, CnameAtApex) {
    auto c = check(clean_zone + "@ IN CNAME www.example.net.\n");
    Diagnostic d = with(c, "apex");
    EXPECT_TRUE(d.is_error());
    expect_mentions(d, "CNAME");
    expect_mentions(d, "example.com.");
    EXPECT_EQ(d.line, first_extra_line) << d.to_string();
    // At the apex the CNAME also has other data (SOA, NS) beside it.
    EXPECT_EQ(c.errors, 2u) << diag_list(c.diags);
}

TEST(Check, CnameWithOtherData) {
    auto c = check(clean_zone + "x IN A 192.0.2.70\n"
                                "x IN CNAME www\n");
    EXPECT_EQ(c.errors, 1u);
    Diagnostic d = only(c);
    EXPECT_TRUE(d.is_error());
    expect_mentions(d, "CNAME");
    expect_mentions(d, "x.example.com.");
    EXPECT_TRUE(d.line == first_extra_line || d.line == first_extra_line + 1) << d.to_string();
    // RRSIG and NSEC may sit beside a CNAME (RFC 4035 2.5).
    auto ok = check(clean_zone + "y IN CNAME www\n"
                                 "y IN NSEC z.example.com. CNAME RRSIG NSEC\n");
    EXPECT_EQ(ok.errors, 0u) << diag_list(ok.diags);
}

TEST(Check, TwoCnames) {
    auto c = check(clean_zone + "y IN CNAME a\n"
                                "y IN CNAME b\n");
    EXPECT_EQ(c.errors, 1u);
    Diagnostic d = only(c);
    EXPECT_TRUE(d.is_error());
    expect_mentions(d, "more than one CNAME");
    expect_mentions(d, "y.example.com.");
    EXPECT_TRUE(d.line == first_extra_line || d.line == first_extra_line + 1) << d.to_string();
}

TEST(Check, TwoDnames) {
    auto c = check(clean_zone + "dd IN DNAME a.example.net.\n"
                                "dd IN DNAME b.example.net.\n");
    EXPECT_EQ(c.errors, 1u);
    Diagnostic d = only(c);
    EXPECT_TRUE(d.is_error());
    expect_mentions(d, "DNAME");
    expect_mentions(d, "dd.example.com.");
    EXPECT_TRUE(d.line == first_extra_line || d.line == first_extra_line + 1) << d.to_string();
}

TEST(Check, DataBelowDname) {
    auto c = check(clean_zone + "a.dn IN A 192.0.2.80\n"
                                "dnx IN A 192.0.2.81\n"); // a sibling, not below
    EXPECT_EQ(c.errors, 1u);
    Diagnostic d = only(c);
    EXPECT_TRUE(d.is_error());
    expect_mentions(d, "a.dn.example.com.");
    expect_mentions(d, "DNAME");
    EXPECT_EQ(d.line, first_extra_line);
    // Data at the DNAME's own name is fine.
    auto ok = check(clean_zone + "dn IN TXT \"beside\"\n");
    EXPECT_EQ(ok.errors, 0u) << diag_list(ok.diags);
}

TEST(Check, OutOfZoneData) {
    auto c = check(clean_zone + "www.example.org. IN A 192.0.2.90\n"
                                "xexample.com. IN A 192.0.2.91\n");
    EXPECT_EQ(c.errors, 2u) << diag_list(c.diags);
    Diagnostic a = with(c, "www.example.org.");
    EXPECT_TRUE(a.is_error());
    expect_mentions(a, "outside");
    EXPECT_EQ(a.line, first_extra_line);
    Diagnostic b = with(c, "xexample.com.");
    EXPECT_EQ(b.line, first_extra_line + 1);
}

TEST(Check, MissingGlue) {
    auto c = check(clean_zone + "del IN NS ns.del\n"
                                "del IN NS ns.example.net.\n");
    EXPECT_EQ(c.errors, 1u);
    Diagnostic d = only(c);
    EXPECT_TRUE(d.is_error());
    expect_mentions(d, "glue");
    expect_mentions(d, "ns.del.example.com.");
    EXPECT_EQ(d.line, first_extra_line);
    // With glue (an AAAA is enough) the zone is clean again.
    auto ok = check(clean_zone + "del IN NS ns.del\n"
                                 "ns.del IN AAAA 2001:db8::99\n");
    EXPECT_TRUE(ok.diags.empty()) << diag_list(ok.diags);
    // Glue deeper below the cut, and in other letter case.
    auto deep = check(clean_zone + "DEL IN NS a.b.NS.del\n"
                                   "a.b.ns.DEL IN A 192.0.2.99\n");
    EXPECT_TRUE(deep.diags.empty()) << diag_list(deep.diags);
}

TEST(Check, UnusedGlue) {
    auto c = check(clean_zone + "extra.sub IN A 192.0.2.100\n");
    EXPECT_EQ(c.errors, 0u);
    Diagnostic d = only(c);
    EXPECT_EQ(d.severity, Diagnostic::Severity::warning);
    expect_mentions(d, "extra.sub.example.com.");
    expect_mentions(d, "glue");
    EXPECT_EQ(d.line, first_extra_line);
}

TEST(Check, OccludedDataBelowDelegation) {
    auto c = check(clean_zone + "txt.sub IN TXT \"hidden\"\n"
                                "ns.sub IN MX 10 mail.example.com.\n");
    EXPECT_EQ(c.errors, 0u);
    ASSERT_EQ(c.diags.size(), 2u) << diag_list(c.diags);
    Diagnostic t = with(c, "txt.sub.example.com.");
    EXPECT_EQ(t.severity, Diagnostic::Severity::warning);
    expect_mentions(t, "sub.example.com.");
    expect_mentions(t, "TXT");
    EXPECT_EQ(t.line, first_extra_line);
    Diagnostic m = with(c, "MX");
    EXPECT_EQ(m.severity, Diagnostic::Severity::warning);
    expect_mentions(m, "ns.sub.example.com.");
    EXPECT_EQ(m.line, first_extra_line + 1);
}

TEST(Check, InZoneNsTargets) {
    // An in-zone NS target without an address, outside any delegation: a warning.
    auto c = check(clean_zone + "@ IN NS ns3\n");
    EXPECT_EQ(c.errors, 0u);
    Diagnostic d = only(c);
    EXPECT_EQ(d.severity, Diagnostic::Severity::warning);
    expect_mentions(d, "ns3.example.com.");
    EXPECT_EQ(d.line, first_extra_line);
    // An NS target that is a CNAME (RFC 2181 10.3): a warning naming it.
    auto a = check(clean_zone + "@ IN NS alias\nalias IN CNAME ns1\n");
    EXPECT_EQ(a.errors, 0u);
    Diagnostic w = only(a);
    EXPECT_EQ(w.severity, Diagnostic::Severity::warning);
    expect_mentions(w, "alias.example.com.");
    expect_mentions(w, "CNAME");
}

TEST(Check, TtlLimits) {
    Limits lim;
    lim.max_ttl = 86400;
    lim.min_ttl = 60;
    auto c = check(clean_zone + "big 86401 IN A 192.0.2.110\n"
                                "edge 86400 IN A 192.0.2.111\n"
                                "small 59 IN A 192.0.2.112\n"
                                "low 60 IN A 192.0.2.113\n",
                   lim);
    EXPECT_EQ(c.errors, 2u) << diag_list(c.diags);
    Diagnostic big = with(c, "big.example.com.");
    EXPECT_TRUE(big.is_error());
    expect_mentions(big, "86401");
    expect_mentions(big, "86400");
    EXPECT_EQ(big.line, first_extra_line);
    Diagnostic small = with(c, "small.example.com.");
    EXPECT_TRUE(small.is_error());
    expect_mentions(small, "59");
    expect_mentions(small, "60");
    EXPECT_EQ(small.line, first_extra_line + 2);
    // RFC 2181 8: never above 2^31 - 1, whatever the limit says.
    Limits loose;
    loose.max_ttl = 4294967295u;
    auto r = check(clean_zone + "huge 2147483648 IN A 192.0.2.114\n"
                                "fine 2147483647 IN A 192.0.2.115\n",
                   loose);
    EXPECT_EQ(r.errors, 1u) << diag_list(r.diags);
    EXPECT_EQ(with(r, "huge.example.com.").line, first_extra_line);
}

TEST(Check, MaxRecords) {
    Limits lim;
    lim.max_records = 10;
    auto c = check(clean_zone, lim);
    EXPECT_EQ(c.errors, 1u);
    Diagnostic d = only(c);
    EXPECT_TRUE(d.is_error());
    expect_mentions(d, "10");
    expect_mentions(d, "19"); // the records of clean_zone
    lim.max_records = 19;
    EXPECT_TRUE(check(clean_zone, lim).diags.empty());
}

TEST(Check, OversizeRrset) {
    std::string big(255, 'x');
    std::string text = clean_zone;
    // 300 records of 256 octets of RDATA: about 80 000 octets, more than one message holds.
    for (int i = 0; i < 300; ++i)
        text += "huge IN TXT \"" + std::to_string(1000 + i) + big.substr(4) + "\"\n";
    auto c = check(text);
    EXPECT_EQ(c.errors, 1u);
    Diagnostic d = only(c);
    EXPECT_TRUE(d.is_error());
    expect_mentions(d, "huge.example.com.");
    expect_mentions(d, "TXT");
    EXPECT_GE(d.line, first_extra_line);
    EXPECT_LT(d.line, first_extra_line + 300);
    // 200 of them fit.
    std::string fits = clean_zone;
    for (int i = 0; i < 200; ++i)
        fits += "huge IN TXT \"" + std::to_string(1000 + i) + big.substr(4) + "\"\n";
    EXPECT_TRUE(check(fits).diags.empty());
}

TEST(Check, DiagnosticsComeInZoneOrder) {
    // The same findings in the same order, whatever the order of the input.
    std::string extra = "b.example.org. IN A 192.0.2.1\n"
                        "a IN A 192.0.2.2\na IN CNAME www\n"
                        "del IN NS ns.del\n"
                        "x.sub IN TXT \"y\"\n";
    std::string reversed = "x.sub IN TXT \"y\"\n"
                           "del IN NS ns.del\n"
                           "a IN CNAME www\na IN A 192.0.2.2\n"
                           "b.example.org. IN A 192.0.2.1\n";
    auto c1 = check(clean_zone + extra), c2 = check(clean_zone + reversed);
    ASSERT_EQ(c1.diags.size(), c2.diags.size()) << diag_list(c1.diags) << diag_list(c2.diags);
    for (size_t i = 0; i < c1.diags.size(); ++i)
        EXPECT_EQ(c1.diags[i].message, c2.diags[i].message);
    EXPECT_EQ(c1.errors, 3u) << diag_list(c1.diags);
}

// The parsers refuse meta types; a zone built another way (the controller's database) is
// checked too.
TEST(Check, MetaTypesAreNotData) {
    Zone z = zone_from(clean_zone);
    z.add(W("x.example.com."), dns::rrtype::OPT, 300, "");
    z.normalize();
    Diagnostics diags;
    EXPECT_EQ(check_zone(z, Limits{}, diags), 1u) << diag_list(diags);
    ASSERT_EQ(diags.size(), 1u);
    EXPECT_NE(diags[0].message.find("meta type"), std::string::npos) << diags[0].message;
    EXPECT_NE(diags[0].message.find("x.example.com."), std::string::npos) << diags[0].message;
}
