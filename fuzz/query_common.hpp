// SPDX-License-Identifier: MIT
// Shared by query_udp_fuzz and query_tcp_fuzz: the fixed zone set and the response invariants.
#pragma once

#include "dns/message.hpp"
#include "fuzz_util.hpp"
#include "serve/responder.hpp"
#include "serve/snapshot.hpp"
#include "zone/zonefile.hpp"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>

namespace endpointdns::fuzz {

// A parent zone with every answer path (CNAME chains and a loop, DNAMEs in and out of the
// zone and one whose result is too long, wildcards beside names and ENTs, delegations with
// glue and DS, RRsets too big for UDP, SRV/MX/NS targets), its child zone, and a zone with a
// DNAME at its apex.
inline const char* query_parent_zone() {
    return "$TTL 300\n"
           "@ 3600 IN SOA ns1 hostmaster 1 7200 3600 1209600 300\n"
           "@ 3600 NS ns1\n"
           "@ 3600 NS ns2.example.net.\n"
           "@ MX 10 mail\n"
           "@ MX 20 Mail2.example.net.\n"
           "@ TXT \"v=spf1 -all\"\n"
           "ns1 A 192.0.2.53\n"
           "ns1 AAAA 2001:db8::53\n"
           "mail A 192.0.2.25\n"
           "www A 192.0.2.80\n"
           "www A 192.0.2.81\n"
           "WWW2 AAAA 2001:db8::80\n"
           "alias CNAME www\n"
           "chain1 CNAME chain2\n"
           "chain2 CNAME chain3\n"
           "chain3 CNAME x.into\n"
           "out CNAME www.example.net.\n"
           "dangling CNAME nothere\n"
           "loop1 CNAME loop2\n"
           "loop2 CNAME loop1\n"
           "self CNAME self\n"
           "tocut CNAME host.sub\n"
           "*.wild A 192.0.2.99\n"
           "*.wild MX 10 mail\n"
           "*.wild TXT \"wild\"\n"
           "host.wild TXT \"host\"\n"
           "deep.ent.wild A 192.0.2.98\n"
           "*.cw CNAME www\n"
           "*.dw DNAME example.net.\n"
           "sub NS ns.sub\n"
           "sub NS ns.other.net.\n"
           "sub DS 12345 8 2 49FD46E6C4B45C55D4AC69CBD3CD34AC1AFE51DE1A9F6A4A6A4D7C9B0E6C1E2F\n"
           "ns.sub A 192.0.2.1\n"
           "ns.sub AAAA 2001:db8::1\n"
           "nods NS ns.other.net.\n"
           "*.wcut NS ns.sub\n"
           "child NS ns.child\n"
           "ns.child A 192.0.2.2\n"
           "dn DNAME example.net.\n"
           "into DNAME inside.example.com.\n"
           "x.inside CNAME alias\n"
           "www.inside A 192.0.2.77\n"
           "dloop DNAME a.dloop2.example.com.\n"
           "dloop2 DNAME b.dloop.example.com.\n"
           "long DNAME bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb."
           "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb."
           "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb."
           "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb.example.net.\n"
           "_sip._tcp SRV 0 5 5060 sipserver\n"
           "_sip._tcp SRV 1 5 5060 sipserver.example.net.\n"
           "sipserver A 192.0.2.60\n"
           "sipserver AAAA 2001:db8::60\n"
           "ptr PTR www\n"
           "caa CAA 0 issue \"letsencrypt.org\"\n"
           "many A 10.0.0.1\n"
           "many A 10.0.0.2\n"
           "many A 10.0.0.3\n"
           "many A 10.0.0.4\n"
           "many A 10.0.0.5\n"
           "many A 10.0.0.6\n"
           "many A 10.0.0.7\n"
           "many A 10.0.0.8\n";
}

inline std::string query_big_rrsets() {
    std::string s;
    // 24 TXT records of ~113 octets: over 1232; 8 of them: between 512 and 1232.
    for (int i = 0; i < 24; ++i) {
        std::string t = "\"" + std::to_string(100 + i) + std::string(97, 'x') + "\"\n";
        s += "big TXT " + t;
        if (i < 8) {
            s += "mid TXT " + t;
        }
    }
    // NS RRset of many in-zone targets: the additional section cannot hold all addresses.
    for (int i = 0; i < 40; ++i) {
        std::string n = "ns" + std::to_string(i) + ".many-ns";
        s += "many-ns NS " + n + "\n" + n + " A 192.0.2." + std::to_string(i) + "\n" + n +
             " AAAA 2001:db8::" + std::to_string(i + 1) + "\n";
    }
    return s;
}

inline std::shared_ptr<const serve::ServeZone> query_zone(const std::string& text,
                                                          const char* origin) {
    zone::Diagnostics d;
    zone::Zone z = zone::parse_zone_text(text, "fuzz.zone", *dns::Name::parse(origin), d);
    z.normalize(&d);
    for (const auto& x : d) {
        if (x.is_error()) {
            std::fprintf(stderr, "fuzz zone: %s\n", x.to_string().c_str());
            std::abort();
        }
    }
    auto built = serve::ServeZone::build(z);
    if (!built) {
        std::fprintf(stderr, "fuzz zone: %s\n", built.error().c_str());
        std::abort();
    }
    return *built;
}

inline const serve::ZoneSet& query_zones() {
    static auto set = serve::ZoneSet::of({
        query_zone(std::string(query_parent_zone()) + query_big_rrsets(), "example.com."),
        query_zone("@ 60 IN SOA ns.child hostmaster 7 7200 3600 1209600 600\n"
                   "@ 60 NS ns.child\n"
                   "ns.child 60 A 192.0.2.2\n"
                   "www 60 A 192.0.2.222\n"
                   "* 60 CNAME www.example.com.\n",
                   "child.example.com."),
        query_zone("@ 3600 IN SOA ns1.example.com. hostmaster 1 7200 3600 1209600 300\n"
                   "@ 3600 NS ns1.example.com.\n"
                   "@ 3600 DNAME example.com.\n",
                   "alias.test."),
    });
    return *set;
}

// The largest response the query may get over UDP: 512 without EDNS, else the requested
// payload (at least 512) capped by our own (ResponderOptions::udp_payload) and the buffer.
inline size_t udp_limit(const dns::Message& q, size_t ours, size_t cap) {
    size_t limit = 512;
    for (const auto& r : q.additional) {
        if (r.type == dns::rrtype::OPT) {
            limit = std::min<size_t>(std::max<size_t>(512, r.cls), ours);
        }
    }
    return std::min(limit, cap);
}

// True when the query has at most one question and it can be read: an uncompressed name of
// at most 255 octets, then type and class. Only queries without such a question (and
// responses, and runts) may go unanswered: there is nothing to echo (as Knot).
inline bool question_readable(const uint8_t* q, size_t len) {
    unsigned qdcount = unsigned(q[4]) << 8 | q[5];
    if (qdcount > 1) return false;
    if (qdcount == 0) return true;
    size_t pos = 12, n = 0;
    for (;;) {
        if (pos >= len) return false;
        uint8_t l = q[pos];
        if ((l & 0xC0) != 0 || n + 1 + l > 255 || pos + 1 + l > len) return false;
        n += 1 + l;
        pos += 1 + l;
        if (l == 0) break;
    }
    return pos + 4 <= len;
}

// Answers `data` and checks what holds for every response. Returns the response length and
// fills `resp` when the response parses.
inline size_t answer_and_check(serve::Responder& r, const uint8_t* data, size_t size,
                               serve::Transport t, uint8_t* out, size_t cap, dns::Message* resp) {
    serve::QueryInfo info;
    size_t n = r.answer(query_zones(), data, size, t, out, cap, info);
    bool droppable = size < 12 || (data[2] & 0x80) != 0 || !question_readable(data, size);
    REQUIRE(n > 0 || droppable);
    REQUIRE(info.answered == (n > 0));
    if (n == 0) {
        return 0;
    }
    REQUIRE(n <= cap);
    REQUIRE(n >= 12);
    REQUIRE(std::memcmp(out, data, 2) == 0);      // ID
    REQUIRE(out[2] & 0x80);                       // QR
    REQUIRE((out[2] & 0x78) == (data[2] & 0x78)); // opcode
    REQUIRE((out[3] & 0x80) == 0);                // RA: never offered
    auto m = dns::parse_message(out, n);
    if (!m) {
        std::fprintf(stderr, "response of %zu octets does not parse: %s\n", n, m.error().c_str());
        die("response does not parse");
    }
    REQUIRE(m->question.size() <= 1);
    if (m->question.size() == 1) {
        // The question is echoed octet for octet (letter case kept).
        size_t qlen = m->question[0].name.wire_size() + 4;
        REQUIRE(size >= 12 + qlen);
        REQUIRE(std::memcmp(out + 12, data + 12, qlen) == 0);
    }
    if (m->header.flags & dns::flag::TC) {
        REQUIRE(t == serve::Transport::udp);
        REQUIRE(m->answer.empty() && m->authority.empty());
    }
    unsigned opts = 0;
    for (const auto& x : m->additional) {
        opts += x.type == dns::rrtype::OPT;
    }
    REQUIRE(opts <= 1);
    REQUIRE(info.truncated == ((m->header.flags & dns::flag::TC) != 0));
    REQUIRE((info.rcode & 0xF) == m->header.rcode());
    // A pure function: the same query gives the same octets.
    static uint8_t again[65535];
    serve::QueryInfo info2;
    size_t n2 = r.answer(query_zones(), data, size, t, again, cap, info2);
    REQUIRE(n2 == n && std::memcmp(again, out, n) == 0);
    if (resp) {
        *resp = std::move(*m);
    }
    return n;
}

} // namespace endpointdns::fuzz
