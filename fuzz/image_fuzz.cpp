// SPDX-License-Identifier: MIT
// Fuzzes index image validation (ServeZone::from_image): what it accepts must be safe to serve.
#include "dns/message.hpp"
#include "fuzz_util.hpp"
#include "serve/responder.hpp"
#include "serve/snapshot.hpp"
#include "zone/zonefile.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

using namespace endpointdns;
using endpointdns::fuzz::die;

namespace {

// Every kind of node the responder treats apart: apex, names with several RRsets, CNAMEs (a
// chain, one into a cut), DNAMEs in and out of the zone, wildcards (with names and ENTs beside
// them, a wildcard CNAME and a wildcard cut), a delegation with glue and DS, additional-data
// targets (MX, SRV, HTTPS), and enough hosts for two shards (96 nodes or more).
std::string zone_text(int hosts) {
    std::string t =
        "$TTL 300\n"
        "@ 3600 IN SOA ns1 hostmaster 7 7200 3600 1209600 300\n"
        "@ 3600 NS ns1\n"
        "@ 3600 NS ns2.example.net.\n"
        "@ MX 10 mail\n"
        "@ TXT \"v=spf1 -all\"\n"
        "ns1 A 192.0.2.53\n"
        "ns1 AAAA 2001:db8::53\n"
        "mail A 192.0.2.25\n"
        "Www A 192.0.2.80\n"
        "Www A 192.0.2.81\n"
        "alias CNAME www\n"
        "chain CNAME alias\n"
        "tocut CNAME host.sub\n"
        "*.wild A 192.0.2.99\n"
        "*.wild MX 10 mail\n"
        "host.wild TXT \"host\"\n"
        "deep.ent.wild A 192.0.2.98\n"
        "*.cw CNAME www\n"
        "*.wcut NS ns.sub\n"
        "sub NS ns.sub\n"
        "sub NS ns.other.net.\n"
        "sub DS 12345 8 2 49FD46E6C4B45C55D4AC69CBD3CD34AC1AFE51DE1A9F6A4A6A4D7C9B0E6C1E2F\n"
        "ns.sub A 192.0.2.1\n"
        "ns.sub AAAA 2001:db8::1\n"
        "dn DNAME example.net.\n"
        "into DNAME inside.example.com.\n"
        "www.inside A 192.0.2.77\n"
        "_sip._tcp SRV 0 5 5060 mail\n"
        "svc HTTPS 1 www alpn=h2\n"
        "half HTTPS \\# 4 00013f41\n";
    for (int i = 0; i < hosts; ++i) {
        t += "h" + std::to_string(i) + " A 198.51.100." + std::to_string(i % 250) + "\n";
    }
    return t;
}

std::shared_ptr<const serve::ServeZone> build_zone(int hosts) {
    zone::Diagnostics d;
    zone::Zone z =
        zone::parse_zone_text(zone_text(hosts), "fuzz.zone", *dns::Name::parse("example.com."), d);
    z.normalize(&d);
    for (const auto& x : d) {
        if (x.is_error()) {
            std::fprintf(stderr, "image_fuzz zone: %s\n", x.to_string().c_str());
            std::abort();
        }
    }
    auto built = serve::ServeZone::build(z);
    if (!built) {
        std::fprintf(stderr, "image_fuzz zone: %s\n", built.error().c_str());
        std::abort();
    }
    return *built;
}

std::string image_of(const serve::ServeZone& z) {
    uint64_t tag[4] = {1, 2, 3, 4};
    std::string out;
    z.write_image([&](std::string_view b) { out.append(b); }, tag);
    return out;
}

// The valid image the edits apply to: two shards or more.
const std::string& base_image() {
    static const std::string image = [] {
        auto z = build_zone(90);
        if (z->nodes() < 96) {
            std::fprintf(stderr, "image_fuzz: %zu nodes, one shard\n", z->nodes());
            std::abort();
        }
        std::string image = image_of(*z);
        // The untouched image is accepted, checksum and all, and holds the same zone.
        uint64_t tag[4];
        auto back = serve::ServeZone::from_image(
            nullptr, reinterpret_cast<const uint8_t*>(image.data()), image.size(), tag);
        if (!back || tag[3] != 4 || (*back)->nodes() != z->nodes() ||
            zone::zone_to_stream((*back)->to_zone()) != zone::zone_to_stream(z->to_zone())) {
            std::fprintf(stderr, "image_fuzz: the valid image does not map back: %s\n",
                         back ? "different zone" : back.error().c_str());
            std::abort();
        }
        return image;
    }();
    return image;
}

// A query for a wire name, with or without EDNS (DO set).
std::string query(const std::string& wire, uint16_t type, bool edns) {
    std::string q;
    dns::put16(q, 0x1234);
    dns::put16(q, 0); // a query, no RD
    dns::put16(q, 1);
    dns::put16(q, 0);
    dns::put16(q, 0);
    dns::put16(q, edns ? 1 : 0);
    q += wire;
    dns::put16(q, type);
    dns::put16(q, dns::rrclass::IN);
    if (edns) {
        q.push_back(0);
        dns::put16(q, dns::rrtype::OPT);
        dns::put16(q, 1232);
        dns::put32(q, 0x00008000); // DO
        dns::put16(q, 0);
    }
    return q;
}

std::string wire(const char* text) {
    return std::string(dns::Name::parse(text)->wire());
}

// The fixed questions: each answer path of the zone above.
const std::vector<std::string>& fixed_queries() {
    static const std::vector<std::string> qs = [] {
        struct Q {
            const char* name;
            uint16_t type;
        };
        const Q list[] = {
            {"example.com.", dns::rrtype::SOA},
            {"example.com.", dns::rrtype::NS},
            {"example.com.", dns::rrtype::MX},
            {"example.com.", dns::rrtype::ANY},
            {"example.com.", dns::rrtype::DNSKEY},
            {"www.example.com.", dns::rrtype::A},
            {"WWW.example.com.", dns::rrtype::AAAA},
            {"alias.example.com.", dns::rrtype::A},
            {"chain.example.com.", dns::rrtype::A},
            {"tocut.example.com.", dns::rrtype::A},
            {"x.wild.example.com.", dns::rrtype::A},
            {"x.wild.example.com.", dns::rrtype::MX},
            {"host.wild.example.com.", 1},
            {"ent.wild.example.com.", dns::rrtype::A},
            {"a.b.cw.example.com.", 1},
            {"x.wcut.example.com.", dns::rrtype::A},
            {"sub.example.com.", dns::rrtype::DS},
            {"sub.example.com.", dns::rrtype::NS},
            {"a.b.sub.example.com.", 1},
            {"x.dn.example.com.", dns::rrtype::A},
            {"www.into.example.com.", 1},
            {"dn.example.com.", dns::rrtype::DNAME},
            {"_sip._tcp.example.com.", 33},
            {"svc.example.com.", dns::rrtype::HTTPS},
            {"half.example.com.", 65},
            {"nothere.example.com.", dns::rrtype::A},
            {"h5.example.com.", dns::rrtype::A},
            {"h5.example.com.", dns::rrtype::TXT},
        };
        std::vector<std::string> out;
        for (const auto& q : list) {
            out.push_back(query(wire(q.name), q.type, false));
            out.push_back(query(wire(q.name), q.type, true));
        }
        return out;
    }();
    return qs;
}

void answer_and_check(serve::Responder& r, const serve::ZoneSet& set, const std::string& q,
                      serve::Transport t) {
    size_t cap = t == serve::Transport::udp ? 1232 : 65535;
    // Exactly `cap` octets, so ASan reports any write past the limit.
    std::unique_ptr<uint8_t[]> out(new uint8_t[cap]);
    serve::QueryInfo info;
    size_t n = r.answer(set, reinterpret_cast<const uint8_t*>(q.data()), q.size(), t, out.get(),
                        cap, info);
    REQUIRE(n > 0 && n <= cap);
    auto m = dns::parse_message(out.get(), n);
    if (!m) {
        std::fprintf(stderr, "response does not parse: %s\n", m.error().c_str());
        die("a response from an accepted image does not parse");
    }
    REQUIRE(dns::get16(out.get()) == 0x1234);
}

// Serves an accepted zone: export, queries (fixed ones and one per node), a delta on top.
void exercise(const std::shared_ptr<const serve::ServeZone>& z) {
    static serve::Responder responder;
    zone::Zone records = z->to_zone();
    (void)records;
    auto set = serve::ZoneSet::of({z});
    for (const auto& q : fixed_queries()) {
        answer_and_check(responder, *set, q, serve::Transport::udp);
    }
    // Each node's own name with its first type, and a name below it (wildcards, cuts, DNAMEs).
    size_t k = 0;
    z->each_node([&](serve::NodeView n) {
        if (k++ % 4 != 0) {
            return;
        }
        uint16_t type = dns::rrtype::A;
        n.each([&](const serve::RrsetView& rs) {
            type = rs.type;
            return false;
        });
        std::string owner(n.owner());
        answer_and_check(responder, *set, query(owner, type, true), serve::Transport::tcp);
        if (owner.size() + 2 <= 255) {
            answer_and_check(responder, *set, query("\001x" + owner, dns::rrtype::A, false),
                             serve::Transport::udp);
        }
    });
    // A delta on top, as load() applies the journal to a mapped image: the apex's shard is
    // re-encoded from the image's nodes.
    zone::Delta d;
    d.origin = z->origin();
    zone::DeltaStep s;
    serve::RrsetView soa = z->apex().find(dns::rrtype::SOA);
    std::string rdata(soa.wire.substr(12));
    s.from_soa = {z->origin(), dns::rrtype::SOA, dns::rrclass::IN, soa.ttl, rdata};
    std::string serial;
    dns::put32(serial, z->serial() + 1);
    std::string to = rdata;
    to.replace(to.size() - 20, 4, serial);
    s.to_soa = {z->origin(), dns::rrtype::SOA, dns::rrclass::IN, soa.ttl, to};
    s.added.push_back({z->origin(), dns::rrtype::TXT, dns::rrclass::IN, 300, "\004fuzz"});
    d.steps.push_back(std::move(s));
    auto applied = z->apply(d);
    if (applied) {
        (void)(*applied)->to_zone();
        auto set2 = serve::ZoneSet::of({*applied});
        for (size_t i = 0; i < 8; ++i) {
            answer_and_check(responder, *set2, fixed_queries()[i], serve::Transport::udp);
        }
    }
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    // IMAGE_FUZZ_DUMP=dir writes the seeds that need the build (make-image-corpus.sh).
    if (const char* dir = std::getenv("IMAGE_FUZZ_DUMP")) {
        auto put = [&](const char* name, const std::string& bytes) {
            std::string path = std::string(dir) + "/" + name;
            FILE* f = std::fopen(path.c_str(), "wb");
            if (!f || std::fwrite(bytes.data(), 1, bytes.size(), f) != bytes.size()) {
                std::perror(path.c_str());
                std::exit(1);
            }
            std::fclose(f);
        };
        put("image-2-shards.idx", base_image());
        put("raw-1-shard", image_of(*build_zone(0)));
        std::exit(0);
    }
    return 0;
}

// Input: the whole image when it starts with the image magic; otherwise edits of the valid
// image, 4 octets each: [op][offset, 2 octets big-endian, modulo the size][value], op % 4:
// 0 sets the octet, 1 xors it, 2 adds to it, 3 cuts the image at the offset.
extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string image;
    if (size >= 8 && std::memcmp(data, "EDNSIDX1", 8) == 0) {
        image.assign(reinterpret_cast<const char*>(data), size);
    } else {
        image = base_image();
        for (size_t i = 0; i + 4 <= size && !image.empty(); i += 4) {
            size_t at = ((size_t(data[i + 1]) << 8) | data[i + 2]) % image.size();
            uint8_t v = data[i + 3];
            switch (data[i] % 4) {
            case 0:
                image[at] = char(v);
                break;
            case 1:
                image[at] = char(uint8_t(image[at]) ^ v);
                break;
            case 2:
                image[at] = char(uint8_t(image[at]) + v);
                break;
            default:
                image.resize(at);
                break;
            }
        }
    }
    // A buffer of exactly the image's size (ASan sees any read past it), aligned as a mapping.
    size_t n = image.size();
    std::shared_ptr<uint8_t[]> buf(new uint8_t[n == 0 ? 1 : n]);
    std::memcpy(buf.get(), image.data(), n);
    uint64_t tag[4];
    auto z = serve::ServeZone::from_image(buf, buf.get(), n, tag, /*verify_checksum=*/false);
    if (z) {
        exercise(*z);
    }
    return 0;
}
