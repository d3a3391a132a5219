// SPDX-License-Identifier: MIT
// Fuzzes zone::StreamReader: every zone and delta read must write back and read back unchanged.
#include "error.hpp"
#include "fuzz_util.hpp"
#include "zone/delta.hpp"
#include "zone/stream.hpp"
#include "zone/text.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

using namespace endpointdns;
using endpointdns::fuzz::die;
using zone::Delta;
using zone::DeltaStep;
using zone::StreamItem;
using zone::Zone;

namespace {

bool same_zone(const Zone& a, const Zone& b) {
    if (!a.origin().same_case(b.origin()) || a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i) {
        zone::RrView x = a.at(i), y = b.at(i);
        if (x.owner != y.owner || x.type != y.type || x.cls != y.cls || x.ttl != y.ttl ||
            x.rdata != y.rdata) {
            std::fprintf(stderr, "record %zu differs:\n  %s  %s", i,
                         zone::record_text(x.owner, x.type, x.cls, x.ttl, x.rdata).c_str(),
                         zone::record_text(y.owner, y.type, y.cls, y.ttl, y.rdata).c_str());
            return false;
        }
    }
    return true;
}

bool same_rr(const dns::Rr& a, const dns::Rr& b) {
    return a.owner.same_case(b.owner) && a.type == b.type && a.cls == b.cls && a.ttl == b.ttl &&
           a.rdata == b.rdata;
}

bool same_rrs(const std::vector<dns::Rr>& a, const std::vector<dns::Rr>& b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i)
        if (!same_rr(a[i], b[i])) return false;
    return true;
}

bool same_delta(const Delta& a, const Delta& b) {
    if (!a.origin.same_case(b.origin) || a.steps.size() != b.steps.size()) return false;
    for (size_t i = 0; i < a.steps.size(); ++i) {
        const DeltaStep &x = a.steps[i], &y = b.steps[i];
        if (!same_rr(x.from_soa, y.from_soa) || !same_rr(x.to_soa, y.to_soa) ||
            !same_rrs(x.removed, y.removed) || !same_rrs(x.added, y.added))
            return false;
    }
    return true;
}

// Reads a stream the writer produced: it must hold exactly one item of the given kind.
StreamItem read_one(const std::string& bytes, StreamItem::Kind kind) {
    zone::StreamReader reader(bytes);
    StreamItem item;
    auto got = reader.next(item);
    if (!got) {
        std::fprintf(stderr, "re-read failed: %s\n", got.error().c_str());
        die("a stream written by StreamWriter does not read back");
    }
    REQUIRE(*got);
    REQUIRE(item.kind == kind);
    StreamItem extra;
    auto end = reader.next(extra);
    REQUIRE(end.ok() && !*end);
    return item;
}

// Writes a zone and reads it back. The writer may refuse (Error) when the zone has no SOA
// at its apex or a record cannot fit next to the question; nothing else may go wrong.
std::optional<std::string> zone_stream(const Zone& z, size_t message_size = dns::max_message) {
    try {
        return zone::zone_to_stream(z, message_size);
    } catch (const Error&) {
        return std::nullopt;
    }
}

void check_zone_round_trip(const Zone& z) {
    REQUIRE(z.normalized());
    (void)zone::zone_text(z);
    auto bytes = zone_stream(z);
    if (!bytes) return;
    StreamItem back = read_one(*bytes, StreamItem::Kind::full);
    REQUIRE(back.zone);
    if (!same_zone(z, *back.zone)) die("zone changed on write + read");
    // Writing is deterministic.
    auto bytes2 = zone_stream(*back.zone);
    REQUIRE(bytes2 && *bytes2 == *bytes);
    // Small messages split the zone differently but must carry the same records.
    if (auto small = zone_stream(z, 512)) {
        StreamItem s = read_one(*small, StreamItem::Kind::full);
        REQUIRE(s.zone);
        if (!same_zone(z, *s.zone)) die("zone changed on write + read with 512-octet messages");
    }
}

void check_delta_round_trip(const Delta& d) {
    (void)zone::delta_text(d);
    std::string bytes;
    zone::StreamWriter w([&](std::string_view m) { bytes.append(m); });
    try {
        w.write_delta(d);
    } catch (const Error&) {
        return;
    }
    StreamItem back = read_one(bytes, StreamItem::Kind::delta);
    if (!same_delta(d, back.delta)) die("delta changed on write + read");
}

// diff_zones(a, b) applied to a must give b.
void check_diff_apply(const Zone& a, const Zone& b) {
    if (a.origin() != b.origin()) return;
    Delta d;
    try {
        d = zone::diff_zones(a, b);
    } catch (const Error&) {
        return; // a zone without an apex SOA, or a change without a new serial
    }
    if (d.steps.empty()) { // identical zones (letter case of the apex SOA's owner aside)
        REQUIRE(a.size() == b.size());
        for (size_t i = 0; i < a.size(); ++i) {
            zone::RrView x = a.at(i), y = b.at(i);
            REQUIRE(dns::Name::equal_ci(x.owner, y.owner) && x.type == y.type && x.ttl == y.ttl &&
                    x.rdata == y.rdata);
            REQUIRE(x.owner == y.owner || x.type == dns::rrtype::SOA);
        }
        return;
    }
    check_delta_round_trip(d);
    auto applied = zone::apply_delta(a, d);
    if (!applied) {
        std::fprintf(stderr, "apply_delta(a, diff_zones(a, b)) failed: %s\n",
                     applied.error().c_str());
        die("a computed delta does not apply");
    }
    REQUIRE(applied->size() == b.size());
    for (size_t i = 0; i < b.size(); ++i) {
        zone::RrView x = applied->at(i), y = b.at(i);
        if (x.owner != y.owner || x.type != y.type || x.ttl != y.ttl || x.rdata != y.rdata) {
            std::fprintf(stderr, "record %zu: applied\n  %s  expected\n  %s", i,
                         zone::record_text(x.owner, x.type, x.cls, x.ttl, x.rdata).c_str(),
                         zone::record_text(y.owner, y.type, y.cls, y.ttl, y.rdata).c_str());
            die("apply_delta(a, diff_zones(a, b)) != b");
        }
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view bytes(reinterpret_cast<const char*>(data), size);
    zone::StreamReader reader(bytes);
    std::optional<Zone> last_zone;
    for (int items = 0; items < 64; ++items) {
        StreamItem item;
        auto got = reader.next(item);
        if (!got || !*got) break;
        if (item.kind == StreamItem::Kind::full) {
            REQUIRE(item.zone);
            check_zone_round_trip(*item.zone);
            if (last_zone) check_diff_apply(*last_zone, *item.zone);
            last_zone = std::move(item.zone);
        } else {
            REQUIRE(!item.delta.steps.empty());
            check_delta_round_trip(item.delta);
            // Applying a delta read from a stream may fail, but must not crash.
            if (last_zone) {
                auto applied = zone::apply_delta(*last_zone, item.delta);
                if (applied) {
                    REQUIRE(applied->normalized());
                    check_zone_round_trip(*applied);
                    last_zone = std::move(*applied);
                }
            }
        }
    }
    return 0;
}
