// SPDX-License-Identifier: MIT
// Fuzz target: the management API's body reader, and the delta it yields applied to a zone.
//
// Input: one octet picking the request (PUT or PATCH /v1/zones/example.com., POST or PUT
// /v1/zones), then the body. Properties: read_push_body never crashes and keeps its promises
// (a PUT yields exactly one full zone of the path's zone, a PATCH one delta of it, a full sync
// only full zones); a zone it accepts either builds or is refused with a message, and a built
// zone exports back to the same records; a delta that both ServeZone::apply (the edge's
// incremental path) and zone::apply_delta (the reference) accept gives the same zone.
#include "fuzz_util.hpp"
#include "serve/push_body.hpp"
#include "serve/snapshot.hpp"
#include "zone/check.hpp"
#include "zone/delta.hpp"
#include "zone/zonefile.hpp"

#include <cstdint>
#include <memory>

using namespace endpointdns;

namespace {

const zone::Zone& base_zone() {
    static const zone::Zone z = [] {
        zone::Diagnostics d;
        auto origin = *dns::Name::parse("example.com.");
        zone::Zone zz = zone::parse_zone_text("$TTL 300\n"
                                              "@ SOA ns1 hostmaster 1 7200 3600 1209600 300\n"
                                              "@ NS ns1\n"
                                              "@ NS ns2\n"
                                              "ns1 A 192.0.2.1\n"
                                              "ns2 A 192.0.2.2\n"
                                              "www A 192.0.2.3\n"
                                              "www TXT \"hello\"\n"
                                              "a.b.c A 192.0.2.4\n"
                                              "*.wild TXT \"w\"\n"
                                              "sub NS ns.sub\n"
                                              "ns.sub A 192.0.2.5\n"
                                              "alias CNAME www\n",
                                              "base", origin, d);
        zz.normalize();
        return zz;
    }();
    return z;
}

bool same_records(const zone::Zone& a, const zone::Zone& b) {
    if (a.size() != b.size()) {
        return false;
    }
    for (size_t i = 0; i < a.size(); ++i) {
        auto x = a.at(i), y = b.at(i);
        if (!dns::Name::equal_ci(x.owner, y.owner) || x.type != y.type || x.ttl != y.ttl ||
            x.rdata != y.rdata) {
            return false;
        }
    }
    return true;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size < 1) {
        return 0;
    }
    static const dns::Name path = *dns::Name::parse("example.com.");
    static const std::shared_ptr<const serve::ServeZone> base =
        *serve::ServeZone::build(base_zone());
    auto kind = serve::PushKind(data[0] % 4);
    std::string_view body(reinterpret_cast<const char*>(data + 1), size - 1);
    auto got = serve::read_push_body(kind, body, &path);
    if (!got) {
        REQUIRE(!got.error().empty());
        return 0;
    }
    switch (kind) {
    case serve::PushKind::put_zone: {
        REQUIRE(got->items.size() == 1);
        REQUIRE(got->items[0].kind == zone::StreamItem::Kind::full);
        zone::Zone& z = *got->items[0].zone;
        REQUIRE(z.origin() == path);
        auto built = serve::ServeZone::build(z);
        if (built) {
            REQUIRE((*built)->records() == z.size());
            REQUIRE(same_records((*built)->to_zone(), z));
        } else {
            REQUIRE(!built.error().empty());
        }
        break;
    }
    case serve::PushKind::patch_zone: {
        REQUIRE(got->items.empty());
        REQUIRE(got->delta.origin == path);
        auto fast = base->apply(got->delta);
        auto reference = zone::apply_delta(base_zone(), got->delta);
        if (fast) {
            // The edge refuses more than the reference (CNAME beside data, apex NS removed);
            // whatever it accepts, the reference must accept and agree with.
            REQUIRE(reference.ok());
            REQUIRE(same_records((*fast)->to_zone(), *reference));
            REQUIRE(same_records(base->to_zone(), base_zone())); // the old version is intact
        }
        break;
    }
    case serve::PushKind::post_zones:
        REQUIRE(!got->items.empty());
        break;
    case serve::PushKind::put_all:
        for (const auto& item : got->items) {
            REQUIRE(item.kind == zone::StreamItem::Kind::full);
        }
        break;
    }
    return 0;
}
