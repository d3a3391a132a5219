#!/bin/sh
# SPDX-License-Identifier: MIT
# Regenerates the binary fuzz seeds (DNS messages, zone streams); the generated files are committed.
#
# Usage: fuzz/make-corpus.sh        (from the repository root; BUILD=dir to pick the build dir)
# Builds libendpointdns and zone-compile (Release) in $BUILD, compiles a small generator against
# them, and overwrites the seeds it owns (names starting with "gen-" and "zc-"). Seeds that came
# from fuzzing findings are left alone. The zone-file seeds are hand-written and not touched.
set -eu

cd "$(dirname "$0")/.."
BUILD=${BUILD:-build-corpus}
CXX=${CXX:-c++}
out_msg=fuzz/corpus/message_fuzz
out_stream=fuzz/corpus/stream_fuzz
mkdir -p "$out_msg" "$out_stream"

if [ ! -f "$BUILD/CMakeCache.txt" ]; then
    cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF >/dev/null
fi
cmake --build "$BUILD" --target endpointdns zone-compile -j"$(nproc 2>/dev/null || echo 2)" >/dev/null

gen_src="$BUILD/make-corpus-gen.cpp"
cat >"$gen_src" <<'EOF'
// Generator of fuzz seeds (written by fuzz/make-corpus.sh).
#include "dns/message.hpp"
#include "error.hpp"
#include "zone/delta.hpp"
#include "zone/stream.hpp"
#include "zone/zonefile.hpp"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

using namespace endpointdns;
using dns::MessageBuilder;
using dns::Name;
using dns::Rr;
using dns::Section;
namespace rt = dns::rrtype;

static std::string dir_msg, dir_stream;

static void save(const std::string& dir, const std::string& name, std::string_view bytes) {
    std::ofstream f(dir + "/" + name, std::ios::binary | std::ios::trunc);
    f.write(bytes.data(), std::streamsize(bytes.size()));
    if (!f) {
        std::cerr << "cannot write " << dir << "/" << name << "\n";
        std::exit(1);
    }
}

static Name name(const char* text) { return *Name::parse(text); }

// Records from zone-file text (origin example.com., $TTL 300), in file order.
static std::vector<Rr> rrs(const std::string& text) {
    zone::Diagnostics diags;
    zone::Zone z = zone::parse_zone_text("$TTL 300\n" + text, "gen", name("example.com."), diags);
    for (const auto& d : diags)
        if (d.is_error()) {
            std::cerr << d.to_string() << "\n";
            std::exit(1);
        }
    std::vector<Rr> out;
    for (size_t i = 0; i < z.size(); ++i) out.push_back(z.at(i).to_rr());
    return out;
}

static zone::Zone zone_of(const char* origin, const std::string& text) {
    zone::Diagnostics diags;
    zone::Zone z = zone::parse_zone_text("$TTL 3600\n" + text, "gen", name(origin), diags);
    for (const auto& d : diags)
        if (d.is_error()) {
            std::cerr << d.to_string() << "\n";
            std::exit(1);
        }
    z.normalize();
    return z;
}

static Rr opt(uint16_t udp, bool dnssec_ok, std::string options = {}) {
    return Rr{Name::root(), rt::OPT, udp, dnssec_ok ? 0x00008000u : 0u, std::move(options)};
}

struct Msg {
    MessageBuilder mb;
    Msg(uint16_t id, uint16_t flags) { mb.reset(id, flags); }
    Msg& q(const char* n, uint16_t type, uint16_t cls = dns::rrclass::IN) {
        if (!mb.add_question(name(n), type, cls)) std::abort();
        return *this;
    }
    Msg& add(Section s, const std::vector<Rr>& v) {
        for (const Rr& r : v)
            if (!mb.add_rr(s, r)) std::abort();
        return *this;
    }
    Msg& add(Section s, const Rr& r) { return add(s, std::vector<Rr>{r}); }
    void save(const char* file) {
        auto check = dns::parse_message(mb.data());
        if (!check) {
            std::cerr << file << ": generated message does not parse: " << check.error() << "\n";
            std::exit(1);
        }
        ::save(dir_msg, file, mb.data());
    }
};

static void messages() {
    using namespace dns::flag;
    const uint16_t resp = QR | AA | RD;
    Msg(0x1234, RD).q("example.com.", rt::A).save("gen-query-a");

    std::string cookie = {0, 10, 0, 8, 1, 2, 3, 4, 5, 6, 7, 8}; // EDNS COOKIE, client part
    Msg(0xbeef, RD).q("www.example.com.", rt::AAAA).add(Section::additional, opt(1232, true, cookie)).save("gen-query-aaaa-edns");

    Msg(0x1234, resp | RA)
        .q("www.example.com.", rt::A)
        .add(Section::answer, rrs("www CNAME web\nweb A 192.0.2.80\nweb A 192.0.2.81\n"))
        .add(Section::authority, rrs("@ NS ns1\n@ NS ns2.example.net.\n"))
        .add(Section::additional, rrs("ns1 A 192.0.2.53\nns1 AAAA 2001:db8::53\n"))
        .add(Section::additional, opt(4096, false))
        .save("gen-response-cname-compressed");

    Msg(7, resp)
        .q("example.com.", rt::MX)
        .add(Section::answer, rrs("@ MX 10 mail\n@ MX 20 mail.example.net.\n"))
        .add(Section::additional, rrs("mail A 192.0.2.25\n"))
        .save("gen-response-mx");

    Msg nx(8, resp);
    nx.q("nope.example.com.", rt::A).add(Section::authority, rrs("@ SOA ns1 hostmaster 2024010101 7200 3600 1209600 300\n"));
    nx.mb.set_rcode(dns::rcode::NXDOMAIN);
    nx.save("gen-response-nxdomain");

    Msg(9, resp)
        .q("txt.example.com.", rt::TXT)
        .add(Section::answer, rrs("txt TXT \"v=spf1 -all\" \"second\" \"\"\ntxt TXT \"with \\\"quotes\\\" \\255\"\n"))
        .save("gen-response-txt");

    Msg(10, resp)
        .q("_sip._tcp.example.com.", rt::SRV)
        .add(Section::answer, rrs("_sip._tcp SRV 10 60 5060 sip\n_sip._tcp SRV 20 0 5060 sip.example.net.\n"))
        .add(Section::additional, rrs("sip A 192.0.2.60\n"))
        .save("gen-response-srv");

    Msg(11, resp | 0x0020 /* AD */)
        .q("example.com.", rt::DNSKEY)
        .add(Section::answer, rrs(
            "@ DNSKEY 257 3 13 mdsswUyr3DPW132mOi8V9xESWE8jTo0dxCjjnopKl+GqJxpVXckHAeF+KkxLbxILfDLUT0rAK9iUzy1L53eKGQ==\n"
            "@ RRSIG DNSKEY 13 2 3600 20240201000000 20240101000000 2371 example.com. Ynf0cLs4vRUAYqsvFQ3h4dUGxcHmAmAw1cF3uyGMrcfX0wUYCtWsNXNZ6eFvJJPKl5dvPWdzfSBdMb4H0UuQPQ==\n"))
        .add(Section::authority, rrs(
            "@ NSEC www.example.com. A NS SOA MX RRSIG NSEC DNSKEY\n"
            "@ DS 2371 13 2 1F987CC6583E92DF0890718C42B5E7D5A5F1E1E5E8E0B8C6E5E6E3E2E1E0E9E8\n"
            "x NSEC3 1 0 10 AABBCCDD 2T7B4G4VSA5SMI47K61MV5BV1A22BOJR A RRSIG\n"))
        .add(Section::additional, opt(1232, true))
        .save("gen-response-dnssec");

    Msg(12, AA | (dns::opcode::NOTIFY << 11))
        .q("example.com.", rt::SOA)
        .add(Section::answer, rrs("@ SOA ns1 hostmaster 2024010102 7200 3600 1209600 300\n"))
        .save("gen-notify");

    // RFC 2136 UPDATE: zone, prerequisite "name in use", add an RR, delete an RRset, delete an RR.
    // (The RRset deletion uses TXT: parse_message wants layout-conformant RDATA even when an
    // UPDATE's class ANY record has none, so "delete the A RRset" would not parse.)
    Msg up(13, dns::opcode::UPDATE << 11);
    up.q("example.com.", rt::SOA)
        .add(Section::answer, Rr{name("www.example.com."), rt::ANY, dns::rrclass::ANY, 0, {}})
        .add(Section::authority, rrs("new A 192.0.2.99\n"))
        .add(Section::authority, Rr{name("old.example.com."), rt::TXT, dns::rrclass::ANY, 0, {}})
        .add(Section::authority, Rr{name("www.example.com."), rt::A, dns::rrclass::NONE, 0, std::string("\xc0\x00\x02\x50", 4)})
        .save("gen-update");

    // Letter case survives: compression only targets byte-identical suffixes.
    Msg(14, resp)
        .q("WWW.Example.COM.", rt::A)
        .add(Section::answer, rrs("WWW.Example.COM. A 192.0.2.1\nwww.example.com. A 192.0.2.2\nwww.EXAMPLE.com. CNAME Target.Example.COM.\n"))
        .save("gen-response-mixed-case");

    Msg(15, resp)
        .q("example.com.", rt::ANY)
        .add(Section::answer, rrs(
            "@ SOA ns1 hostmaster 1 2 3 4 5\n"
            "@ NAPTR 100 10 \"U\" \"E2U+sip\" \"!^.*$!sip:info@example.com!\" .\n"
            "@ RP hostmaster.example.com. txt.example.com.\n"
            "@ AFSDB 1 afs.example.com.\n"
            "@ KX 10 kx.example.com.\n"
            "@ MINFO rmail emailbx\n"
            "@ HINFO \"PC\" \"Linux\"\n"
            "@ DNAME other.example.\n"
            "@ PTR host.example.com.\n"
            "@ CAA 0 issue \"ca.example.net\"\n"
            "@ HTTPS 1 . alpn=h2\n"
            "@ TLSA 3 1 1 0C72AC70B745AC19998811B131D662C9AC69DBDBE7CB23E5B514B56664C5D3D6\n"
            "@ TYPE65280 \\# 4 0a000001\n"))
        .save("gen-response-many-types");

    Msg tc(16, QR | TC | RD);
    tc.q("big.example.com.", rt::TXT).save("gen-response-truncated");

    // TSIG (type 250, class ANY) in the additional section: hmac-sha256., time, fudge, MAC...
    std::string tsig = std::string(name("hmac-sha256.").wire()) +
                       std::string("\x00\x00\x65\x92\x00\x00\x01\x2c\x00\x04\xde\xad\xbe\xef\x00\x11\x00\x00\x00\x00", 20);
    Msg(17, resp).q("example.com.", rt::SOA).add(Section::additional, Rr{name("key.example."), 250, dns::rrclass::ANY, 0, tsig}).save("gen-response-tsig");

    // A larger answer with many names sharing suffixes (compression table).
    std::string many;
    for (int i = 0; i < 60; ++i) many += "h" + std::to_string(i) + ".svc A 192.0.2." + std::to_string(i) + "\n";
    Msg(18, resp).q("svc.example.com.", rt::ANY).add(Section::answer, rrs(many)).save("gen-response-many-names");

    // Hand-written bytes: names in RP (RFC 3597 'c' names) compressed by a sender, a pointer to
    // a pointer, the question name in mixed case.
    std::string h = std::string("\x00\x13\x84\x00\x00\x01\x00\x02\x00\x00\x00\x00", 12);
    h += std::string("\x07" "ExAmPlE" "\x03" "com" "\x00", 13); // offset 12
    h += std::string("\x00\x11\x00\x01", 4);                     // RP IN
    // answer 1: owner -> 12, RP, rdata "hm" + ptr 12, "t" + ptr 12
    h += std::string("\xc0\x0c\x00\x11\x00\x01\x00\x00\x0e\x10\x00\x09", 12);
    size_t first_rdata = h.size();
    h += std::string("\x02hm\xc0\x0c\x01t\xc0\x0c", 9);
    // answer 2: owner "www" + ptr to the first RP's "hm" name, A
    h += std::string("\x03www\xc0", 5) + char(first_rdata);
    h += std::string("\x00\x01\x00\x01\x00\x00\x00\x3c\x00\x04\xc0\x00\x02\x01", 14);
    if (auto m = dns::parse_message(h); !m) {
        std::cerr << "hand-made message: " << m.error() << "\n";
        std::exit(1);
    }
    save(dir_msg, "gen-handmade-compressed-rdata", h);
}

static std::string stream_of(const zone::Delta& d) {
    std::string out;
    zone::StreamWriter w([&](std::string_view m) { out.append(m); });
    w.write_delta(d);
    return out;
}

static void streams() {
    const char* base =
        "@ SOA ns1 hostmaster 1 7200 3600 1209600 300\n@ NS ns1\nns1 A 192.0.2.1\n"
        "www A 192.0.2.2\nwww AAAA 2001:db8::2\nmail MX 10 mail\n";
    zone::Zone v1 = zone_of("example.org.", base);
    zone::Zone v2 = zone_of("example.org.",
                            "@ SOA ns1 hostmaster 2 7200 3600 1209600 300\n@ NS ns1\nns1 A 192.0.2.1\n"
                            "www 600 A 192.0.2.2\nwww AAAA 2001:db8::3\nnew TXT \"added\"\n");
    zone::Zone v3 = zone_of("example.org.",
                            "@ SOA ns1 hostmaster 3 7200 3600 1209600 300\n@ NS ns1\nns1 A 192.0.2.1\n"
                            "www 600 A 192.0.2.2\nnew TXT \"added\"\nnew TXT \"again\"\n");
    save(dir_stream, "gen-small-zone", zone::zone_to_stream(v1));

    zone::Delta d12 = zone::diff_zones(v1, v2), d23 = zone::diff_zones(v2, v3);
    save(dir_stream, "gen-delta-one-step", stream_of(d12));
    zone::Delta two = d12;
    two.steps.push_back(d23.steps[0]);
    save(dir_stream, "gen-delta-two-steps", stream_of(two));
    // A full zone, then a delta that applies to it, then the next full version.
    save(dir_stream, "gen-zone-delta-zone",
         zone::zone_to_stream(v1) + stream_of(d12) + zone::zone_to_stream(v3));
    // Two full versions: a differ's input.
    save(dir_stream, "gen-two-zones", zone::zone_to_stream(v1, 512) + zone::zone_to_stream(v3));

    // An IXFR answered with the whole zone (RFC 1995 section 4): qtype IXFR, AXFR-style body.
    std::string ixfr = zone::zone_to_stream(v1);
    size_t qtype_at = 2 + dns::header_size + v1.origin().wire_size();
    ixfr[qtype_at] = 0;
    ixfr[qtype_at + 1] = char(rt::IXFR);
    save(dir_stream, "gen-ixfr-full-answer", ixfr);

    // A zone with several types, an EDNS OPT added to its one message.
    zone::Zone many = zone_of("example.net.",
                              "@ SOA ns hm 5 1 1 1 1\n@ NS ns\nns A 192.0.2.1\n"
                              "@ CAA 0 issue \"ca.example\"\n@ TXT \"t\"\n_s._tcp SRV 1 2 3 ns\n"
                              "a CNAME ns\nr RP a.example.net. b.example.net.\n"
                              "x TYPE65280 \\# 2 abcd\n*.w A 192.0.2.9\n");
    std::string s = zone::zone_to_stream(many);
    // Append an OPT RR (11 octets) and bump ARCOUNT and the length prefix.
    s += std::string("\x00\x00\x29\x04\xd0\x00\x00\x00\x00\x00\x00", 11);
    size_t len = (uint8_t(s[0]) << 8 | uint8_t(s[1])) + 11;
    s[0] = char(len >> 8);
    s[1] = char(len);
    s[2 + 11] = 1; // ARCOUNT low byte
    if (auto r = zone::read_stream(s); !r) {
        std::cerr << "zone with OPT: " << r.error() << "\n";
        std::exit(1);
    }
    save(dir_stream, "gen-zone-with-opt", s);

    // Messages of at most 512 octets: the zone spans several.
    std::string hosts = "@ SOA ns hm 6 1 1 1 1\n@ NS ns\nns A 192.0.2.1\n";
    for (int i = 0; i < 40; ++i) hosts += "host" + std::to_string(i) + " A 192.0.2." + std::to_string(i) + "\n";
    save(dir_stream, "gen-zone-512-multi-message", zone::zone_to_stream(zone_of("example.net.", hosts), 512));
}

int main(int argc, char** argv) {
    if (argc != 3) return 2;
    dir_msg = argv[1];
    dir_stream = argv[2];
    try {
        messages();
        streams();
    } catch (const Error& e) {
        std::cerr << e.what() << "\n";
        return 1;
    }
    return 0;
}
EOF

# shellcheck disable=SC2046 # pkg-config output is a list of flags
"$CXX" -std=c++20 -O1 -Ilib -o "$BUILD/make-corpus-gen" "$gen_src" "$BUILD/libendpointdns.a" \
    $(pkg-config --cflags --libs ldns)
"$BUILD/make-corpus-gen" "$out_msg" "$out_stream"

# Streams from zone-compile: the sample zone and the clean hand-written zone-file seeds. An
# empty configuration keeps an installed /etc/endpointdns/zone-compile.toml out of it.
config="$BUILD/make-corpus-empty.toml"
: >"$config"
"$BUILD/zone-compile" -q -c "$config" etc/zones/example.com.zone -o "$out_stream/zc-example.com"
for z in 03-parentheses 05-common-types 09-names; do
    "$BUILD/zone-compile" -q -c "$config" --origin example.com. \
        "fuzz/corpus/zonefile_fuzz/$z.zone" -o "$out_stream/zc-$z"
done

echo "seeds: $(find "$out_msg" -type f | wc -l) messages, $(find "$out_stream" -type f | wc -l) streams"
