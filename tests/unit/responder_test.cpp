// SPDX-License-Identifier: MIT
// Unit tests of lib/serve/responder: the answer engine as a pure function of zones and a query.
#include "serve/responder.hpp"

#include "dns/message.hpp"
#include "serve/snapshot.hpp"
#include "zone/text.hpp"
#include "zone/zonefile.hpp"

#include "test_util.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

namespace dns = endpointdns::dns;
namespace rrtype = endpointdns::dns::rrtype;
using dns::Message;
using dns::MessageBuilder;
using dns::Section;
using endpointdns::serve::QueryInfo;
using endpointdns::serve::Responder;
using endpointdns::serve::ResponderOptions;
using endpointdns::serve::ServeZone;
using endpointdns::serve::Transport;
using endpointdns::serve::ZoneSet;
using endpointdns::zone::Zone;
using namespace endpointdns::test;

namespace {

constexpr uint16_t qid = 0xBEEF;
constexpr unsigned badvers = 16;

const std::string label63(63, 'a');
const std::string label50(50, 'b');

// 100-character TXT strings: `n` of them make an RRset of about n * 113 octets on the wire.
std::string txt_rrset(const std::string& owner, int n) {
    std::string s;
    for (int i = 0; i < n; ++i) {
        s += owner + " TXT \"" + std::to_string(100 + i) + std::string(97, 'x') + "\"\n";
    }
    return s;
}

std::string parent_text() {
    return "$TTL 300\n"
           "@ 3600 IN SOA ns1 hostmaster 1 7200 3600 1209600 300\n"
           "@ 3600 NS ns1\n"
           "@ 3600 NS ns2.example.net.\n"
           "@ MX 10 mail\n"
           "ns1 A 192.0.2.53\n"
           "ns1 AAAA 2001:db8::53\n"
           "mail A 192.0.2.25\n"
           "www A 192.0.2.80\n"
           "www A 192.0.2.81\n"
           "alias CNAME www\n"
           "chain1 CNAME chain2\n"
           "chain2 CNAME www\n"
           "out CNAME www.example.net.\n"
           "dangling CNAME nothere\n"
           "loop1 CNAME loop2\n"
           "loop2 CNAME loop1\n"
           "self CNAME self\n"
           "c1 CNAME c2\nc2 CNAME c3\nc3 CNAME c4\nc4 CNAME c5\nc5 CNAME c6\nc6 CNAME c7\n"
           "c7 A 192.0.2.7\n"
           "tocut CNAME host.sub\n"
           // Wildcards (RFC 4592): host.wild and the ENT ent.wild block *.wild.
           "*.wild A 192.0.2.99\n"
           "*.wild MX 10 mail\n"
           "host.wild TXT \"host\"\n"
           "deep.ent.wild A 192.0.2.98\n"
           "wcname.wild CNAME www\n"
           // A delegation with in-bailiwick glue and a DS, one without DS.
           "sub NS ns.sub\n"
           "sub NS ns.other.net.\n"
           "sub DS 12345 8 2 "
           "49FD46E6C4B45C55D4AC69CBD3CD34AC1AFE51DE1A9F6A4A6A4D7C9B0E6C1E2F\n"
           "ns.sub A 192.0.2.1\n"
           "ns.sub AAAA 2001:db8::1\n"
           "nods NS ns.other.net.\n"
           // The child zone is loaded too; the parent delegates it.
           "child NS ns.child\n"
           "child DS 54321 13 2 "
           "0A0B0C0D0E0F101112131415161718191A1B1C1D1E1F202122232425262728292A\n"
           "ns.child A 192.0.2.2\n"
           // DNAMEs: out of the zone, into the zone, and one whose target is long.
           "dn DNAME example.net.\n"
           "into DNAME inside.example.com.\n"
           "www.inside A 192.0.2.77\n"
           "long DNAME " +
           label50 + "." + label50 + "." + label50 + "." + label50 +
           ".example.net.\n"
           // Additional-section processing for SRV.
           "_sip._tcp SRV 0 5 5060 sipserver\n"
           "sipserver A 192.0.2.60\n"
           "sipserver AAAA 2001:db8::60\n"
           "multi A 192.0.2.7\n"
           "multi TXT \"seven\"\n"
           "multi AAAA 2001:db8::7\n" +
           txt_rrset("mid", 8) + txt_rrset("big", 20);
}

std::string child_text() {
    // SOA TTL below MINIMUM: negative answers use the SOA TTL (RFC 2308 3).
    return "@ 60 IN SOA ns.child hostmaster 7 7200 3600 1209600 600\n"
           "@ 60 NS ns.child\n"
           "ns.child 60 A 192.0.2.2\n"
           "www 60 A 192.0.2.222\n";
}

std::shared_ptr<const ServeZone> serve(const Zone& z) {
    auto built = ServeZone::build(z);
    EXPECT_TRUE(built.ok()) << built.error();
    return built.ok() ? *built : nullptr;
}

std::shared_ptr<const ZoneSet> zones() {
    static auto set = ZoneSet::of(
        {serve(zone_from(parent_text())), serve(zone_from(child_text(), "child.example.com."))});
    return set;
}

// A query built with MessageBuilder; `payload` >= 0 adds an OPT record with that UDP size.
std::string query(std::string_view name, uint16_t type, int payload = -1, uint32_t opt_ttl = 0,
                  uint16_t flags = dns::flag::RD) {
    MessageBuilder mb;
    mb.reset(qid, flags);
    EXPECT_TRUE(mb.add_question(N(name), type, dns::rrclass::IN));
    if (payload >= 0) {
        EXPECT_TRUE(mb.add_rr(Section::additional, std::string(1, '\0'), rrtype::OPT,
                              uint16_t(payload), opt_ttl, ""));
    }
    return std::string(mb.data());
}

struct Answer {
    std::string wire; // empty: no response
    Message msg;
    QueryInfo info;
    bool parsed = false;
    unsigned rcode() const { return msg.header.rcode(); }
    bool flag(uint16_t f) const { return (msg.header.flags & f) != 0; }
};

// The most octets a response may have: 512 over UDP without EDNS, the requested payload
// (at least 512) capped by ResponderOptions::udp_payload with it, 65535 over TCP.
size_t limit_for(const std::string& q, Transport t, uint16_t udp_payload) {
    if (t == Transport::tcp) {
        return 65535;
    }
    auto m = dns::parse_message(q);
    if (m) {
        for (const auto& r : m->additional) {
            if (r.type == rrtype::OPT) {
                return std::min<size_t>(std::max<size_t>(512, r.cls), udp_payload);
            }
        }
    }
    return 512;
}

// Answers `q`. The output buffer has exactly `cap` octets, so ASan sees any write past it;
// for UDP it is larger than any limit, so the engine must apply the limit itself. Every
// response must parse, fit the limit, echo the ID and have QR set.
Answer ask(const std::string& q, Transport t = Transport::udp, ResponderOptions opts = {},
           const ZoneSet* set = nullptr) {
    size_t cap = t == Transport::tcp ? 65535 : 4096;
    std::vector<uint8_t> out(cap);
    Responder r(opts);
    Answer a;
    size_t n = r.answer(set ? *set : *zones(), reinterpret_cast<const uint8_t*>(q.data()), q.size(),
                        t, out.data(), cap, a.info);
    a.wire.assign(reinterpret_cast<const char*>(out.data()), n);
    if (n == 0) {
        return a;
    }
    EXPECT_LE(n, limit_for(q, t, opts.udp_payload));
    auto m = dns::parse_message(out.data(), n);
    EXPECT_TRUE(m.ok()) << "response does not parse: " << (m.ok() ? "" : m.error());
    if (!m) {
        return a;
    }
    a.msg = std::move(*m);
    a.parsed = true;
    EXPECT_EQ(a.msg.header.id, qid);
    EXPECT_TRUE(a.msg.header.flags & dns::flag::QR);
    EXPECT_FALSE(a.msg.header.flags & dns::flag::RA); // authoritative only
    EXPECT_EQ(a.info.rcode & 0xF, a.msg.header.rcode());
    return a;
}

// "owner ttl IN TYPE rdata" per record (OPT left out), for exact expectations.
std::vector<std::string> lines(const std::vector<dns::Rr>& rrs) {
    std::vector<std::string> out;
    for (const auto& r : rrs) {
        if (r.type == rrtype::OPT) {
            continue;
        }
        std::string s = endpointdns::zone::record_text(r);
        while (!s.empty() && s.back() == '\n') {
            s.pop_back();
        }
        for (auto& c : s) {
            if (c == '\t') {
                c = ' ';
            }
        }
        out.push_back(s);
    }
    return out;
}
using L = std::vector<std::string>;

const dns::Rr* opt_of(const Message& m) {
    for (const auto& r : m.additional) {
        if (r.type == rrtype::OPT) {
            return &r;
        }
    }
    return nullptr;
}

const std::string negative_soa = "example.com. 300 IN SOA ns1.example.com. "
                                 "hostmaster.example.com. 1 7200 3600 1209600 300";

} // namespace

// ---- positive answers ----

TEST(Responder, ExactAnswerIsAuthoritative) {
    Answer a = ask(query("www.example.com.", rrtype::A));
    ASSERT_TRUE(a.parsed);
    EXPECT_EQ(a.rcode(), dns::rcode::NOERROR);
    EXPECT_TRUE(a.flag(dns::flag::AA));
    EXPECT_TRUE(a.flag(dns::flag::RD)); // copied from the query
    EXPECT_FALSE(a.flag(dns::flag::TC));
    ASSERT_EQ(a.msg.question.size(), 1u);
    EXPECT_EQ(a.msg.question[0].type, rrtype::A);
    EXPECT_EQ(lines(a.msg.answer),
              (L{"www.example.com. 300 IN A 192.0.2.80", "www.example.com. 300 IN A 192.0.2.81"}));
    EXPECT_TRUE(a.msg.authority.empty());
    EXPECT_TRUE(a.msg.additional.empty());
    EXPECT_TRUE(a.info.answered);
    EXPECT_EQ(a.info.qtype, rrtype::A);
}

TEST(Responder, QuestionCaseIsEchoedAndOwnersPointToIt) {
    std::string q = query("wWw.ExAmPlE.CoM.", rrtype::A);
    Answer a = ask(q);
    ASSERT_TRUE(a.parsed);
    // The question, octet for octet (the name is 17 octets, then type and class).
    size_t qlen = 17 + 4;
    ASSERT_GE(a.wire.size(), 12 + qlen);
    EXPECT_EQ(a.wire.substr(12, qlen), q.substr(12, qlen));
    // Both answer owners are a pointer to the question name.
    ASSERT_EQ(a.msg.answer.size(), 2u);
    EXPECT_EQ(a.wire.substr(12 + qlen, 2), bytes({0xC0, 0x0C}));
    for (const auto& r : a.msg.answer) {
        EXPECT_TRUE(r.owner.same_case(N("wWw.ExAmPlE.CoM."))) << r.owner.to_text();
    }
}

TEST(Responder, ClassAnyIsAnsweredFromClassIn) {
    MessageBuilder mb;
    mb.reset(qid, 0);
    mb.add_question(N("www.example.com."), rrtype::A, dns::rrclass::ANY);
    Answer a = ask(std::string(mb.data()));
    ASSERT_TRUE(a.parsed);
    EXPECT_EQ(a.rcode(), dns::rcode::NOERROR);
    EXPECT_TRUE(a.flag(dns::flag::AA));
    EXPECT_EQ(lines(a.msg.answer),
              (L{"www.example.com. 300 IN A 192.0.2.80", "www.example.com. 300 IN A 192.0.2.81"}));
}

TEST(Responder, OtherClassesAreRefused) {
    MessageBuilder mb;
    mb.reset(qid, 0);
    mb.add_question(N("www.example.com."), rrtype::A, dns::rrclass::CH);
    Answer a = ask(std::string(mb.data()));
    ASSERT_TRUE(a.parsed);
    EXPECT_EQ(a.rcode(), dns::rcode::REFUSED);
    EXPECT_TRUE(a.msg.answer.empty());
}

TEST(Responder, ZoneTransfersAreNotAnswered) {
    // Transfers go through their own path (with TSIG); the engine never sends a zone.
    for (uint16_t t : {rrtype::AXFR, rrtype::IXFR}) {
        for (Transport tr : {Transport::udp, Transport::tcp}) {
            Answer a = ask(query("example.com.", t), tr);
            ASSERT_TRUE(a.parsed);
            EXPECT_NE(a.rcode(), dns::rcode::NOERROR) << t;
            EXPECT_TRUE(a.msg.answer.empty() && a.msg.authority.empty()) << t;
        }
    }
}

TEST(Responder, IxfrOverUdpGetsTheSoaWhenTransfersAreOn) {
    // RFC 1995 2: the current SOA alone sends the client to TCP. AXFR over UDP stays NOTIMP,
    // and a name that is not a zone apex NOTAUTH.
    ResponderOptions on;
    on.transfers = true;
    Answer a = ask(query("example.com.", rrtype::IXFR), Transport::udp, on);
    ASSERT_TRUE(a.parsed);
    EXPECT_EQ(a.rcode(), dns::rcode::NOERROR);
    ASSERT_EQ(a.msg.answer.size(), 1u);
    EXPECT_EQ(a.msg.answer[0].type, rrtype::SOA);
    EXPECT_EQ(a.msg.question.at(0).type, rrtype::IXFR);
    EXPECT_TRUE(a.msg.header.flags & dns::flag::AA);
    Answer x = ask(query("example.com.", rrtype::AXFR), Transport::udp, on);
    EXPECT_EQ(x.rcode(), dns::rcode::NOTIMP);
    Answer w = ask(query("www.example.com.", rrtype::IXFR), Transport::udp, on);
    EXPECT_EQ(w.rcode(), 9);
    EXPECT_TRUE(w.msg.answer.empty());
}

TEST(Responder, AnyIsMinimalOnBothTransports) {
    // RFC 8482: one RRset (the first in type order), over UDP and TCP alike (as Knot).
    for (Transport t : {Transport::udp, Transport::tcp}) {
        Answer a = ask(query("multi.example.com.", rrtype::ANY), t);
        ASSERT_TRUE(a.parsed);
        EXPECT_EQ(a.rcode(), dns::rcode::NOERROR);
        EXPECT_TRUE(a.flag(dns::flag::AA));
        EXPECT_EQ(lines(a.msg.answer), (L{"multi.example.com. 300 IN A 192.0.2.7"}));
    }
    // ANY at a name without data: NODATA.
    Answer e = ask(query("_tcp.example.com.", rrtype::ANY));
    ASSERT_TRUE(e.parsed);
    EXPECT_TRUE(e.msg.answer.empty());
    EXPECT_EQ(lines(e.msg.authority), (L{negative_soa}));
}

// ---- CNAME and DNAME ----

TEST(Responder, CnameChainIsFollowedInsideTheZone) {
    Answer a = ask(query("Chain1.example.com.", rrtype::A));
    ASSERT_TRUE(a.parsed);
    EXPECT_EQ(a.rcode(), dns::rcode::NOERROR);
    EXPECT_TRUE(a.flag(dns::flag::AA));
    EXPECT_EQ(lines(a.msg.answer),
              (L{"Chain1.example.com. 300 IN CNAME chain2.example.com.",
                 "chain2.example.com. 300 IN CNAME www.example.com.",
                 "www.example.com. 300 IN A 192.0.2.80", "www.example.com. 300 IN A 192.0.2.81"}));
    EXPECT_TRUE(a.msg.authority.empty());
}

TEST(Responder, CnameQueryGetsTheCnameOnly) {
    Answer a = ask(query("alias.example.com.", rrtype::CNAME));
    ASSERT_TRUE(a.parsed);
    EXPECT_EQ(lines(a.msg.answer), (L{"alias.example.com. 300 IN CNAME www.example.com."}));
}

TEST(Responder, CnameStopsAtTheZoneExit) {
    Answer a = ask(query("out.example.com.", rrtype::A));
    ASSERT_TRUE(a.parsed);
    EXPECT_EQ(a.rcode(), dns::rcode::NOERROR);
    EXPECT_TRUE(a.flag(dns::flag::AA));
    EXPECT_EQ(lines(a.msg.answer), (L{"out.example.com. 300 IN CNAME www.example.net."}));
    EXPECT_TRUE(a.msg.authority.empty());
}

TEST(Responder, CnameToAMissingNameIsNxdomainWithTheChain) {
    // RFC 6604: the rcode is that of the last name of the chain.
    Answer a = ask(query("dangling.example.com.", rrtype::A));
    ASSERT_TRUE(a.parsed);
    EXPECT_EQ(a.rcode(), dns::rcode::NXDOMAIN);
    EXPECT_EQ(lines(a.msg.answer), (L{"dangling.example.com. 300 IN CNAME nothere.example.com."}));
    EXPECT_EQ(lines(a.msg.authority), (L{negative_soa}));
}

TEST(Responder, CnameIntoADelegationEndsWithAReferral) {
    Answer a = ask(query("tocut.example.com.", rrtype::A));
    ASSERT_TRUE(a.parsed);
    EXPECT_EQ(a.rcode(), dns::rcode::NOERROR);
    EXPECT_EQ(lines(a.msg.answer), (L{"tocut.example.com. 300 IN CNAME host.sub.example.com."}));
    EXPECT_EQ(lines(a.msg.authority), (L{"sub.example.com. 300 IN NS ns.sub.example.com.",
                                         "sub.example.com. 300 IN NS ns.other.net."}));
}

TEST(Responder, CnameLoopTerminates) {
    for (Transport t : {Transport::udp, Transport::tcp}) {
        Answer a = ask(query("loop1.example.com.", rrtype::A), t);
        ASSERT_TRUE(a.parsed);
        EXPECT_EQ(a.rcode(), dns::rcode::NOERROR);
        ASSERT_GE(a.msg.answer.size(), 2u);
        EXPECT_LE(a.msg.answer.size(), 12u);
        for (const auto& r : a.msg.answer) {
            EXPECT_EQ(r.type, rrtype::CNAME);
        }
        EXPECT_EQ(lines(a.msg.answer)[0], "loop1.example.com. 300 IN CNAME loop2.example.com.");
        EXPECT_EQ(lines(a.msg.answer)[1], "loop2.example.com. 300 IN CNAME loop1.example.com.");
    }
    Answer self = ask(query("self.example.com.", rrtype::A));
    ASSERT_TRUE(self.parsed);
    EXPECT_EQ(self.rcode(), dns::rcode::NOERROR);
    ASSERT_GE(self.msg.answer.size(), 1u);
}

TEST(Responder, LongCnameChainStopsAfterFive) {
    // As Knot: at most five CNAMEs, then the resolver asks again from the last target.
    Answer a = ask(query("c1.example.com.", rrtype::A));
    ASSERT_TRUE(a.parsed);
    EXPECT_EQ(a.rcode(), dns::rcode::NOERROR);
    EXPECT_EQ(lines(a.msg.answer), (L{"c1.example.com. 300 IN CNAME c2.example.com.",
                                      "c2.example.com. 300 IN CNAME c3.example.com.",
                                      "c3.example.com. 300 IN CNAME c4.example.com.",
                                      "c4.example.com. 300 IN CNAME c5.example.com.",
                                      "c5.example.com. 300 IN CNAME c6.example.com."}));
    Answer b = ask(query("c3.example.com.", rrtype::A));
    ASSERT_TRUE(b.parsed);
    ASSERT_EQ(b.msg.answer.size(), 5u);
    EXPECT_EQ(lines(b.msg.answer)[4], "c7.example.com. 300 IN A 192.0.2.7");
}

TEST(Responder, CnameLoopIsAnsweredOnce) {
    // Knot and NSD give each record of the loop once (tests/diff/README.md); a record twice in
    // one section is a duplicate RR (RFC 2181 5).
    Answer a = ask(query("loop1.example.com.", rrtype::A));
    ASSERT_TRUE(a.parsed);
    EXPECT_EQ(lines(a.msg.answer), (L{"loop1.example.com. 300 IN CNAME loop2.example.com.",
                                      "loop2.example.com. 300 IN CNAME loop1.example.com."}));
    Answer self = ask(query("self.example.com.", rrtype::A));
    ASSERT_TRUE(self.parsed);
    EXPECT_EQ(lines(self.msg.answer), (L{"self.example.com. 300 IN CNAME self.example.com."}));
}

TEST(Responder, DnameIsSynthesizedAndStopsAtTheZoneExit) {
    Answer a = ask(query("Host.X.dn.example.com.", rrtype::A));
    ASSERT_TRUE(a.parsed);
    EXPECT_EQ(a.rcode(), dns::rcode::NOERROR);
    EXPECT_TRUE(a.flag(dns::flag::AA));
    // RFC 6672 3.1: the DNAME, then a CNAME owned by the query name (its case kept).
    EXPECT_EQ(lines(a.msg.answer), (L{"dn.example.com. 300 IN DNAME example.net.",
                                      "Host.X.dn.example.com. 300 IN CNAME Host.X.example.net."}));
}

TEST(Responder, DnameIntoTheZoneIsFollowed) {
    Answer a = ask(query("www.into.example.com.", rrtype::A));
    ASSERT_TRUE(a.parsed);
    EXPECT_EQ(a.rcode(), dns::rcode::NOERROR);
    EXPECT_EQ(lines(a.msg.answer), (L{"into.example.com. 300 IN DNAME inside.example.com.",
                                      "www.into.example.com. 300 IN CNAME www.inside.example.com.",
                                      "www.inside.example.com. 300 IN A 192.0.2.77"}));
}

TEST(Responder, DnameOwnerItselfIsNotRedirected) {
    Answer a = ask(query("dn.example.com.", rrtype::A));
    ASSERT_TRUE(a.parsed);
    EXPECT_EQ(a.rcode(), dns::rcode::NOERROR);
    EXPECT_TRUE(a.msg.answer.empty());
    EXPECT_EQ(lines(a.msg.authority), (L{negative_soa}));
    Answer d = ask(query("dn.example.com.", rrtype::DNAME));
    EXPECT_EQ(lines(d.msg.answer), (L{"dn.example.com. 300 IN DNAME example.net."}));
}

TEST(Responder, DnameResultTooLongIsYxdomain) {
    // 64 + 4 * 51 + 13 = 281 octets > 255 (RFC 6672 2.2).
    Answer a = ask(query(label63 + ".long.example.com.", rrtype::A));
    ASSERT_TRUE(a.parsed);
    EXPECT_EQ(a.rcode(), 6u); // YXDOMAIN
    EXPECT_EQ(a.info.rcode, 6u);
    for (const auto& r : a.msg.answer) {
        EXPECT_EQ(r.type, rrtype::DNAME); // no CNAME synthesized
    }
    // A short prefix still fits: 2 + 4 * 51 + 13 = 219.
    Answer ok = ask(query("x.long.example.com.", rrtype::A));
    ASSERT_TRUE(ok.parsed);
    EXPECT_EQ(ok.rcode(), dns::rcode::NOERROR);
    ASSERT_EQ(ok.msg.answer.size(), 2u);
    EXPECT_EQ(ok.msg.answer[1].type, rrtype::CNAME);
}

TEST(Responder, DnameAtTheApexIsSynthesized) {
    // RFC 6672 allows a DNAME at the apex (the usual way to alias a whole domain).
    auto set = ZoneSet::of({serve(zone_from("@ 3600 IN SOA ns1.example.com. hostmaster 1 7200 "
                                            "3600 1209600 300\n"
                                            "@ 3600 NS ns1.example.com.\n"
                                            "@ 3600 DNAME example.com.\n",
                                            "alias.test."))});
    Answer a = ask(query("www.alias.test.", rrtype::A), Transport::udp, {}, set.get());
    ASSERT_TRUE(a.parsed);
    EXPECT_EQ(a.rcode(), dns::rcode::NOERROR);
    EXPECT_EQ(lines(a.msg.answer), (L{"alias.test. 3600 IN DNAME example.com.",
                                      "www.alias.test. 3600 IN CNAME www.example.com."}));
}

// ---- wildcards ----

TEST(Responder, WildcardAnswerIsOwnedByTheQueryName) {
    Answer a = ask(query("Any.Wild.example.com.", rrtype::A));
    ASSERT_TRUE(a.parsed);
    EXPECT_EQ(a.rcode(), dns::rcode::NOERROR);
    EXPECT_TRUE(a.flag(dns::flag::AA));
    EXPECT_EQ(lines(a.msg.answer), (L{"Any.Wild.example.com. 300 IN A 192.0.2.99"}));
    // Several labels below the closest encloser match too (RFC 4592 3.3.1).
    Answer deep = ask(query("a.b.c.wild.example.com.", rrtype::A));
    EXPECT_EQ(lines(deep.msg.answer), (L{"a.b.c.wild.example.com. 300 IN A 192.0.2.99"}));
}

TEST(Responder, WildcardMxGetsAdditionalAddresses) {
    Answer a = ask(query("m.wild.example.com.", rrtype::MX));
    ASSERT_TRUE(a.parsed);
    EXPECT_EQ(lines(a.msg.answer), (L{"m.wild.example.com. 300 IN MX 10 mail.example.com."}));
    EXPECT_EQ(lines(a.msg.additional), (L{"mail.example.com. 300 IN A 192.0.2.25"}));
}

TEST(Responder, WildcardNodata) {
    Answer a = ask(query("any.wild.example.com.", rrtype::AAAA));
    ASSERT_TRUE(a.parsed);
    EXPECT_EQ(a.rcode(), dns::rcode::NOERROR);
    EXPECT_TRUE(a.msg.answer.empty());
    EXPECT_EQ(lines(a.msg.authority), (L{negative_soa}));
}

TEST(Responder, WildcardIsBlockedByAnExistingName) {
    Answer a = ask(query("host.wild.example.com.", rrtype::A));
    ASSERT_TRUE(a.parsed);
    EXPECT_EQ(a.rcode(), dns::rcode::NOERROR);
    EXPECT_TRUE(a.msg.answer.empty());
    EXPECT_EQ(lines(a.msg.authority), (L{negative_soa}));
}

TEST(Responder, WildcardIsBlockedByAnEmptyNonTerminal) {
    // ent.wild exists (deep.ent.wild is below it): NODATA, not the wildcard.
    Answer a = ask(query("ent.wild.example.com.", rrtype::A));
    ASSERT_TRUE(a.parsed);
    EXPECT_EQ(a.rcode(), dns::rcode::NOERROR);
    EXPECT_TRUE(a.msg.answer.empty());
    EXPECT_EQ(lines(a.msg.authority), (L{negative_soa}));
    // Below the ENT the closest encloser is ent.wild, which has no wildcard: NXDOMAIN.
    Answer b = ask(query("x.ent.wild.example.com.", rrtype::A));
    ASSERT_TRUE(b.parsed);
    EXPECT_EQ(b.rcode(), dns::rcode::NXDOMAIN);
    EXPECT_TRUE(b.msg.answer.empty());
}

TEST(Responder, WildcardCnameIsFollowed) {
    auto set = ZoneSet::of({serve(zone_from(soa_line(1) + "@ 3600 NS ns1\n"
                                                          "ns1 300 A 192.0.2.53\n"
                                                          "*.w 300 CNAME target\n"
                                                          "target 300 A 192.0.2.9\n"))});
    Answer a = ask(query("x.w.example.com.", rrtype::A), Transport::udp, {}, set.get());
    ASSERT_TRUE(a.parsed);
    EXPECT_EQ(lines(a.msg.answer), (L{"x.w.example.com. 300 IN CNAME target.example.com.",
                                      "target.example.com. 300 IN A 192.0.2.9"}));
}

// ---- negative answers ----

TEST(Responder, NxdomainHasTheSoaWithTheNegativeTtl) {
    Answer a = ask(query("nothing.example.com.", rrtype::A));
    ASSERT_TRUE(a.parsed);
    EXPECT_EQ(a.rcode(), dns::rcode::NXDOMAIN);
    EXPECT_TRUE(a.flag(dns::flag::AA));
    EXPECT_TRUE(a.msg.answer.empty());
    // TTL min(3600, MINIMUM 300) (RFC 2308 3).
    EXPECT_EQ(lines(a.msg.authority), (L{negative_soa}));
    EXPECT_TRUE(a.msg.additional.empty());
}

TEST(Responder, NodataHasTheSoaWithTheNegativeTtl) {
    Answer a = ask(query("www.example.com.", rrtype::AAAA));
    ASSERT_TRUE(a.parsed);
    EXPECT_EQ(a.rcode(), dns::rcode::NOERROR);
    EXPECT_TRUE(a.flag(dns::flag::AA));
    EXPECT_TRUE(a.msg.answer.empty());
    EXPECT_EQ(lines(a.msg.authority), (L{negative_soa}));
}

TEST(Responder, NegativeTtlIsTheSoaTtlWhenLower) {
    Answer a = ask(query("nothing.child.example.com.", rrtype::A));
    ASSERT_TRUE(a.parsed);
    EXPECT_EQ(a.rcode(), dns::rcode::NXDOMAIN);
    EXPECT_EQ(lines(a.msg.authority), (L{"child.example.com. 60 IN SOA ns.child.child.example.com. "
                                         "hostmaster.child.example.com. 7 7200 3600 1209600 600"}));
}

TEST(Responder, EmptyNonTerminalIsNodata) {
    Answer a = ask(query("_tcp.example.com.", rrtype::SRV));
    ASSERT_TRUE(a.parsed);
    EXPECT_EQ(a.rcode(), dns::rcode::NOERROR);
    EXPECT_TRUE(a.msg.answer.empty());
    EXPECT_EQ(lines(a.msg.authority), (L{negative_soa}));
}

// ---- delegations and zone selection ----

TEST(Responder, ReferralWithGlueIsNotAuthoritative) {
    Answer a = ask(query("www.sub.example.com.", rrtype::A));
    ASSERT_TRUE(a.parsed);
    EXPECT_EQ(a.rcode(), dns::rcode::NOERROR);
    EXPECT_FALSE(a.flag(dns::flag::AA));
    EXPECT_TRUE(a.msg.answer.empty());
    EXPECT_EQ(lines(a.msg.authority), (L{"sub.example.com. 300 IN NS ns.sub.example.com.",
                                         "sub.example.com. 300 IN NS ns.other.net."}));
    EXPECT_EQ(lines(a.msg.additional), (L{"ns.sub.example.com. 300 IN A 192.0.2.1",
                                          "ns.sub.example.com. 300 IN AAAA 2001:db8::1"}));
}

TEST(Responder, ReferralIsTruncatedWhenInDomainGlueDoesNotFit) {
    // 12 name servers below the cut: the NS RRset fits in 512 octets, their glue does not.
    std::string text = soa_line(1) + "@ 3600 NS ns1\nns1 300 A 192.0.2.53\n";
    for (int i = 10; i < 22; ++i) {
        std::string ns = "nameserver-number-" + std::to_string(i) + ".big";
        text += "big 300 NS " + ns + "\n" + ns + " 300 A 192.0.2." + std::to_string(i) + "\n" + ns +
                " 300 AAAA 2001:db8::" + std::to_string(i) + "\n";
    }
    auto set = ZoneSet::of({serve(zone_from(text))});
    // With room for everything: the NS RRset and all 24 glue records.
    Answer full =
        ask(query("www.big.example.com.", rrtype::A, 1232), Transport::udp, {}, set.get());
    ASSERT_TRUE(full.parsed);
    EXPECT_FALSE(full.flag(dns::flag::TC));
    EXPECT_EQ(full.msg.authority.size(), 12u);
    EXPECT_EQ(full.msg.additional.size(), 24u + 1); // and the OPT
    // In 512 octets: TC, so the resolver retries over TCP (RFC 9471 3).
    Answer small = ask(query("www.big.example.com.", rrtype::A), Transport::udp, {}, set.get());
    ASSERT_TRUE(small.parsed);
    EXPECT_TRUE(small.flag(dns::flag::TC))
        << small.msg.authority.size() << " NS, " << small.msg.additional.size() << " glue";
}

TEST(Responder, QueryAtTheCutIsAReferral) {
    for (uint16_t t : {rrtype::NS, rrtype::A}) {
        Answer a = ask(query("sub.example.com.", t));
        ASSERT_TRUE(a.parsed);
        EXPECT_FALSE(a.flag(dns::flag::AA)) << t;
        EXPECT_TRUE(a.msg.answer.empty()) << t;
        EXPECT_EQ(a.msg.authority.size(), 2u) << t;
    }
}

TEST(Responder, GlueIsNotAnsweredAuthoritatively) {
    Answer a = ask(query("ns.sub.example.com.", rrtype::A));
    ASSERT_TRUE(a.parsed);
    EXPECT_FALSE(a.flag(dns::flag::AA));
    EXPECT_TRUE(a.msg.answer.empty());
    EXPECT_EQ(a.msg.authority.size(), 2u);
}

TEST(Responder, DsAtTheCutIsAnsweredByTheParent) {
    Answer a = ask(query("sub.example.com.", rrtype::DS));
    ASSERT_TRUE(a.parsed);
    EXPECT_EQ(a.rcode(), dns::rcode::NOERROR);
    EXPECT_TRUE(a.flag(dns::flag::AA));
    ASSERT_EQ(a.msg.answer.size(), 1u);
    EXPECT_EQ(a.msg.answer[0].type, rrtype::DS);
    EXPECT_TRUE(a.msg.answer[0].owner.same_case(N("sub.example.com.")));
    EXPECT_TRUE(a.msg.authority.empty());
    // Without a DS: an authoritative NODATA from the parent, not a referral.
    Answer n = ask(query("nods.example.com.", rrtype::DS));
    ASSERT_TRUE(n.parsed);
    EXPECT_TRUE(n.flag(dns::flag::AA));
    EXPECT_TRUE(n.msg.answer.empty());
    EXPECT_EQ(lines(n.msg.authority), (L{negative_soa}));
    // Below the cut, DS is the child's: a referral.
    Answer below = ask(query("x.sub.example.com.", rrtype::DS));
    EXPECT_FALSE(below.flag(dns::flag::AA));
    EXPECT_EQ(below.msg.authority.size(), 2u);
}

TEST(Responder, DsOfAHostedChildIsAnsweredByTheParent) {
    // The DS RRset lives in the parent (RFC 4035 3.1.4.1); the child zone has none.
    Answer a = ask(query("child.example.com.", rrtype::DS));
    ASSERT_TRUE(a.parsed);
    EXPECT_EQ(a.rcode(), dns::rcode::NOERROR);
    EXPECT_TRUE(a.flag(dns::flag::AA));
    ASSERT_EQ(a.msg.answer.size(), 1u);
    EXPECT_EQ(a.msg.answer[0].type, rrtype::DS);
    EXPECT_TRUE(a.msg.answer[0].owner.same_case(N("child.example.com.")));
}

TEST(Responder, OutsideTheZonesIsRefused) {
    for (std::string name : {"www.example.org.", "com.", ".", "example.net."}) {
        Answer a = ask(query(name, rrtype::A));
        ASSERT_TRUE(a.parsed) << name;
        EXPECT_EQ(a.rcode(), dns::rcode::REFUSED) << name;
        EXPECT_FALSE(a.flag(dns::flag::AA)) << name;
        EXPECT_TRUE(a.msg.answer.empty() && a.msg.authority.empty()) << name;
    }
}

TEST(Responder, ChildZoneBesideItsParentAnswers) {
    Answer a = ask(query("www.child.example.com.", rrtype::A));
    ASSERT_TRUE(a.parsed);
    EXPECT_EQ(a.rcode(), dns::rcode::NOERROR);
    EXPECT_TRUE(a.flag(dns::flag::AA));
    EXPECT_EQ(lines(a.msg.answer), (L{"www.child.example.com. 60 IN A 192.0.2.222"}));
    Answer apex = ask(query("child.example.com.", rrtype::SOA));
    ASSERT_TRUE(apex.parsed);
    EXPECT_TRUE(apex.flag(dns::flag::AA));
    ASSERT_EQ(apex.msg.answer.size(), 1u);
    EXPECT_EQ(apex.msg.answer[0].type, rrtype::SOA);
    // Without the child zone the parent refers.
    auto parent_only = zones()->without(N("child.example.com."));
    Answer r =
        ask(query("www.child.example.com.", rrtype::A), Transport::udp, {}, parent_only.get());
    ASSERT_TRUE(r.parsed);
    EXPECT_FALSE(r.flag(dns::flag::AA));
    EXPECT_EQ(lines(r.msg.authority), (L{"child.example.com. 300 IN NS ns.child.example.com."}));
    EXPECT_EQ(lines(r.msg.additional), (L{"ns.child.example.com. 300 IN A 192.0.2.2"}));
}

// ---- additional section ----

TEST(Responder, NsAnswerGetsInZoneAddresses) {
    Answer a = ask(query("example.com.", rrtype::NS));
    ASSERT_TRUE(a.parsed);
    EXPECT_TRUE(a.flag(dns::flag::AA));
    EXPECT_EQ(lines(a.msg.answer), (L{"example.com. 3600 IN NS ns1.example.com.",
                                      "example.com. 3600 IN NS ns2.example.net."}));
    EXPECT_EQ(lines(a.msg.additional), (L{"ns1.example.com. 300 IN A 192.0.2.53",
                                          "ns1.example.com. 300 IN AAAA 2001:db8::53"}));
}

TEST(Responder, MxAnswerGetsAddresses) {
    Answer a = ask(query("example.com.", rrtype::MX));
    ASSERT_TRUE(a.parsed);
    EXPECT_EQ(lines(a.msg.answer), (L{"example.com. 300 IN MX 10 mail.example.com."}));
    EXPECT_EQ(lines(a.msg.additional), (L{"mail.example.com. 300 IN A 192.0.2.25"}));
}

TEST(Responder, SrvAnswerGetsAddresses) {
    Answer a = ask(query("_sip._tcp.example.com.", rrtype::SRV));
    ASSERT_TRUE(a.parsed);
    EXPECT_EQ(lines(a.msg.answer),
              (L{"_sip._tcp.example.com. 300 IN SRV 0 5 5060 sipserver.example.com."}));
    EXPECT_EQ(lines(a.msg.additional), (L{"sipserver.example.com. 300 IN A 192.0.2.60",
                                          "sipserver.example.com. 300 IN AAAA 2001:db8::60"}));
}

// ---- malformed queries ----

TEST(Responder, QueryWithoutQuestionIsFormerr) {
    std::string none = bytes({0xBE, 0xEF, 0x01, 0x00, 0, 0, 0, 0, 0, 0, 0, 0});
    Answer a = ask(none);
    ASSERT_TRUE(a.parsed);
    EXPECT_EQ(a.rcode(), dns::rcode::FORMERR);
    EXPECT_TRUE(a.msg.question.empty());
    EXPECT_EQ(a.wire.size(), 12u);
    // With an OPT: FORMERR too, the OPT answered.
    std::string with_opt = bytes({0xBE, 0xEF, 0x01, 0x00, 0, 0, 0, 0, 0, 0, 0, 1}) +
                           bytes({0, 0, 41, 0x04, 0xD0, 0, 0, 0, 0, 0, 0});
    Answer o = ask(with_opt);
    ASSERT_TRUE(o.parsed);
    EXPECT_EQ(o.rcode(), dns::rcode::FORMERR);
    EXPECT_NE(opt_of(o.msg), nullptr);
}

// A question that cannot be read is not answered (as Knot: nothing to echo, and answering
// malformed packets only helps reflection).
TEST(Responder, UnreadableQuestionsAreDropped) {
    MessageBuilder mb;
    mb.reset(qid, 0);
    mb.add_question(N("www.example.com."), rrtype::A, dns::rrclass::IN);
    mb.add_question(N("mail.example.com."), rrtype::A, dns::rrclass::IN);
    Answer two = ask(std::string(mb.data()));
    EXPECT_TRUE(two.wire.empty());
    EXPECT_FALSE(two.info.answered);

    // A compression pointer where the question name should be.
    Answer ptr = ask(bytes({0xBE, 0xEF, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xC0, 0x0C, 0, 1, 0, 1}));
    EXPECT_TRUE(ptr.wire.empty());
    // A reserved label type (0x40).
    Answer ext = ask(bytes({0xBE, 0xEF, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0x41, 'a', 0, 0, 1, 0, 1}));
    EXPECT_TRUE(ext.wire.empty());
    // A name of 256 octets.
    std::string q = bytes({0xBE, 0xEF, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0});
    for (int i = 0; i < 4; ++i) q += char(63) + label63;
    q += bytes({0, 0, 1, 0, 1});
    Answer longname = ask(q);
    EXPECT_TRUE(longname.wire.empty());
    // The question cut short anywhere.
    std::string full = query("www.example.com.", rrtype::A);
    for (size_t cut = 12; cut < full.size(); ++cut) {
        Answer a = ask(full.substr(0, cut));
        EXPECT_TRUE(a.wire.empty()) << cut;
        EXPECT_FALSE(a.info.answered) << cut;
    }
}

TEST(Responder, TrailingOctetsAreFormerr) {
    Answer a = ask(query("www.example.com.", rrtype::A) + "x");
    ASSERT_TRUE(a.parsed);
    EXPECT_EQ(a.rcode(), dns::rcode::FORMERR);
    EXPECT_TRUE(a.msg.answer.empty());
}

TEST(Responder, OptOutsideTheAdditionalSectionIsFormerr) {
    MessageBuilder mb;
    mb.reset(qid, 0);
    mb.add_question(N("www.example.com."), rrtype::A, dns::rrclass::IN);
    mb.add_rr(Section::answer, std::string(1, '\0'), rrtype::OPT, 1232, 0, "");
    Answer a = ask(std::string(mb.data()));
    ASSERT_TRUE(a.parsed);
    EXPECT_EQ(a.rcode(), dns::rcode::FORMERR);
    EXPECT_TRUE(a.msg.answer.empty());
}

TEST(Responder, TwoOptRecordsAreFormerr) {
    MessageBuilder mb;
    mb.reset(qid, 0);
    mb.add_question(N("www.example.com."), rrtype::A, dns::rrclass::IN);
    mb.add_rr(Section::additional, std::string(1, '\0'), rrtype::OPT, 1232, 0, "");
    mb.add_rr(Section::additional, std::string(1, '\0'), rrtype::OPT, 1232, 0, "");
    Answer a = ask(std::string(mb.data()));
    ASSERT_TRUE(a.parsed);
    EXPECT_EQ(a.rcode(), dns::rcode::FORMERR);
    EXPECT_TRUE(a.msg.answer.empty());
}

TEST(Responder, OtherOpcodesAreNotImplemented) {
    // The unassigned ones and STATUS; NOTIFY and UPDATE belong to the server around the engine.
    for (unsigned op : {1u, 2u, 3u, 6u, 15u}) {
        Answer a = ask(query("www.example.com.", rrtype::A, 1232, 0, uint16_t(op << 11)));
        ASSERT_TRUE(a.parsed) << op;
        EXPECT_EQ(a.rcode(), dns::rcode::NOTIMP) << op;
        EXPECT_EQ(a.msg.header.opcode(), op);
        EXPECT_TRUE(a.msg.answer.empty()) << op;
        EXPECT_EQ(a.msg.question.size(), 1u) << op; // question and OPT kept (RFC 6891 7)
        EXPECT_NE(opt_of(a.msg), nullptr) << op;
    }
    // NOTIFY and UPDATE are taken from no one here: NOTAUTH.
    for (unsigned op : {4u, 5u}) {
        Answer a = ask(query("example.com.", rrtype::SOA, -1, 0, uint16_t(op << 11)));
        ASSERT_TRUE(a.parsed) << op;
        EXPECT_EQ(a.rcode(), 9u) << op; // NOTAUTH
        EXPECT_TRUE(a.msg.answer.empty()) << op;
    }
}

TEST(Responder, ResponsesAndRuntsGetNoAnswer) {
    std::string q = query("www.example.com.", rrtype::A, -1, 0, dns::flag::QR);
    Answer a = ask(q);
    EXPECT_TRUE(a.wire.empty());
    EXPECT_FALSE(a.info.answered);
    Answer runt = ask(q.substr(0, 5));
    EXPECT_TRUE(runt.wire.empty());
    EXPECT_FALSE(runt.info.answered);
    Answer empty = ask("");
    EXPECT_TRUE(empty.wire.empty());
}

// ---- EDNS ----

TEST(Responder, OptIsEchoedWithTheDoBit) {
    Answer a = ask(query("www.example.com.", rrtype::A, 4096, 0x8000));
    ASSERT_TRUE(a.parsed);
    const dns::Rr* opt = opt_of(a.msg);
    ASSERT_NE(opt, nullptr);
    EXPECT_TRUE(opt->owner.is_root());
    EXPECT_EQ(opt->cls, 1232); // our payload size
    EXPECT_EQ(opt->ttl, 0x8000u);
    EXPECT_EQ(a.msg.answer.size(), 2u);
    EXPECT_EQ(a.msg.additional.size(), 1u);

    Answer plain = ask(query("www.example.com.", rrtype::A, 1232));
    opt = opt_of(plain.msg);
    ASSERT_NE(opt, nullptr);
    EXPECT_EQ(opt->ttl, 0u);
    // No OPT in, none out.
    Answer none = ask(query("www.example.com.", rrtype::A));
    EXPECT_EQ(opt_of(none.msg), nullptr);
}

TEST(Responder, UnknownEdnsVersionIsBadvers) {
    Answer a = ask(query("www.example.com.", rrtype::A, 1232, 0x00010000));
    ASSERT_TRUE(a.parsed);
    EXPECT_EQ(a.info.rcode, badvers);
    EXPECT_EQ(a.rcode(), 0u); // the low four bits of 16
    const dns::Rr* opt = opt_of(a.msg);
    ASSERT_NE(opt, nullptr);
    EXPECT_EQ(opt->ttl >> 24, badvers >> 4); // the extended rcode
    EXPECT_EQ((opt->ttl >> 16) & 0xFF, 0u);  // our version: 0
    EXPECT_TRUE(a.msg.answer.empty());
    // DO is copied here too (RFC 3225 3).
    Answer d = ask(query("www.example.com.", rrtype::A, 1232, 0x00018000));
    ASSERT_TRUE(d.parsed);
    ASSERT_NE(opt_of(d.msg), nullptr);
    EXPECT_EQ(opt_of(d.msg)->ttl, 0x01008000u);
}

TEST(Responder, UdpWithoutEdnsIsTruncatedAt512) {
    Answer a = ask(query("mid.example.com.", rrtype::TXT));
    ASSERT_TRUE(a.parsed);
    EXPECT_TRUE(a.flag(dns::flag::TC));
    EXPECT_TRUE(a.info.truncated);
    EXPECT_TRUE(a.msg.answer.empty());
    EXPECT_TRUE(a.msg.authority.empty());
    EXPECT_EQ(a.msg.question.size(), 1u);
    EXPECT_LE(a.wire.size(), 512u);
}

TEST(Responder, EdnsPayloadIsRespectedUpTo1232) {
    // 8 records of about 113 octets: over 512, under 1232.
    Answer mid = ask(query("mid.example.com.", rrtype::TXT, 4096));
    ASSERT_TRUE(mid.parsed);
    EXPECT_FALSE(mid.flag(dns::flag::TC));
    EXPECT_EQ(mid.msg.answer.size(), 8u);
    EXPECT_GT(mid.wire.size(), 512u);
    // A payload below 512 counts as 512 (RFC 6891 6.2.5).
    Answer small = ask(query("mid.example.com.", rrtype::TXT, 100));
    ASSERT_TRUE(small.parsed);
    EXPECT_TRUE(small.flag(dns::flag::TC));
    EXPECT_NE(opt_of(small.msg), nullptr);
    // 20 records: over 1232 even when the client offers 4096.
    Answer big = ask(query("big.example.com.", rrtype::TXT, 4096));
    ASSERT_TRUE(big.parsed);
    EXPECT_TRUE(big.flag(dns::flag::TC));
    EXPECT_TRUE(big.msg.answer.empty());
    EXPECT_NE(opt_of(big.msg), nullptr);
    // A larger configured payload lets it through.
    Answer bigger =
        ask(query("big.example.com.", rrtype::TXT, 4096), Transport::udp, ResponderOptions{4096});
    ASSERT_TRUE(bigger.parsed);
    EXPECT_FALSE(bigger.flag(dns::flag::TC));
    EXPECT_EQ(bigger.msg.answer.size(), 20u);
}

TEST(Responder, TcpAnswersAreComplete) {
    for (int payload : {-1, 512, 4096}) {
        Answer a = ask(query("big.example.com.", rrtype::TXT, payload), Transport::tcp);
        ASSERT_TRUE(a.parsed) << payload;
        EXPECT_FALSE(a.flag(dns::flag::TC)) << payload;
        EXPECT_EQ(a.msg.answer.size(), 20u) << payload;
        EXPECT_GT(a.wire.size(), 1232u) << payload;
    }
}

// ---- properties over many queries ----

TEST(Responder, EveryAnswerParsesAndFitsItsLimit) {
    const char* names[] = {"example.com.",
                           "www.example.com.",
                           "alias.example.com.",
                           "chain1.example.com.",
                           "loop1.example.com.",
                           "x.wild.example.com.",
                           "ent.wild.example.com.",
                           "host.wild.example.com.",
                           "a.b.sub.example.com.",
                           "sub.example.com.",
                           "x.dn.example.com.",
                           "www.into.example.com.",
                           "big.example.com.",
                           "mid.example.com.",
                           "www.child.example.com.",
                           "nothing.example.com.",
                           "example.org."};
    uint16_t types[] = {rrtype::A,   rrtype::AAAA, rrtype::NS,  rrtype::MX,    rrtype::TXT,
                        rrtype::SOA, rrtype::DS,   rrtype::ANY, rrtype::CNAME, 65280};
    for (const char* name : names) {
        for (uint16_t t : types) {
            for (int payload : {-1, 512, 1232, 4096}) {
                for (Transport tr : {Transport::udp, Transport::tcp}) {
                    std::string q = query(name, t, payload);
                    Answer a = ask(q, tr);
                    ASSERT_TRUE(a.parsed) << name << " " << t << " " << payload;
                    EXPECT_EQ(a.msg.question.size(), 1u);
                    EXPECT_EQ(a.wire.substr(12, q.size() - 12 - (payload >= 0 ? 11 : 0)),
                              q.substr(12, q.size() - 12 - (payload >= 0 ? 11 : 0)));
                    EXPECT_EQ(opt_of(a.msg) != nullptr, payload >= 0);
                    if (tr == Transport::tcp) {
                        EXPECT_FALSE(a.flag(dns::flag::TC)) << name << " " << t;
                    }
                }
            }
        }
    }
}

TEST(Responder, AnsweringIsAPureFunction) {
    Responder r;
    std::string q1 = query("chain1.example.com.", rrtype::A, 1232);
    std::string q2 = query("big.example.com.", rrtype::TXT);
    std::vector<uint8_t> out(4096);
    QueryInfo info;
    auto run = [&](const std::string& q) {
        size_t n = r.answer(*zones(), reinterpret_cast<const uint8_t*>(q.data()), q.size(),
                            Transport::udp, out.data(), out.size(), info);
        return std::string(reinterpret_cast<const char*>(out.data()), n);
    };
    std::string first = run(q1);
    run(q2); // a truncated answer in between must leave no state behind
    EXPECT_EQ(run(q1), first);
}

// An SVCB/HTTPS target is read within its record: a truncated one (RDATA that ends inside
// the name) is not followed for additional data, and nothing past the record is read (ASan).
TEST(Responder, SvcbTargetIsReadWithinItsRecord) {
    auto set = ZoneSet::of({serve(zone_from(soa_line(1) + "@ 3600 NS ns1\n"
                                                          "ns1 A 192.0.2.1\n"
                                                          "zzz HTTPS \\# 4 00013f41\n"
                                                          "good HTTPS 1 ns1 alpn=h2\n"))});
    Answer bad = ask(query("zzz.example.com.", rrtype::HTTPS), Transport::udp, {}, set.get());
    ASSERT_TRUE(bad.parsed);
    EXPECT_EQ(bad.msg.answer.size(), 1u);
    EXPECT_TRUE(bad.msg.additional.empty());
    Answer good = ask(query("good.example.com.", rrtype::HTTPS), Transport::udp, {}, set.get());
    ASSERT_TRUE(good.parsed);
    EXPECT_EQ(lines(good.msg.additional),
              std::vector<std::string>{"ns1.example.com. 3600 IN A 192.0.2.1"});
}
