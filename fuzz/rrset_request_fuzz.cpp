// SPDX-License-Identifier: MIT
// Fuzz target: dnsapid's RRset request bodies (JSON) parsed and validated before any database work.
//
// Input: one octet picking the route (0: PATCH .../rrsets batch; 1: PUT or PATCH of one RRset,
// www.example.com A; 2: the same for _acme-challenge TXT), then the body. Properties: parsing
// never crashes; every edit it yields names an owner inside example.com, a type the API
// accepts, and records whose canonical text parses back to the same RDATA; item_of has one
// entry per edit, each a valid item index; errors name an item in range.
#include "api/rrset_request.hpp"
#include "dns/name.hpp"
#include "fuzz_util.hpp"
#include "zone/content.hpp"

#include <cstdint>
#include <cstdio>
#include <string>

using namespace endpointdns;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size < 1) return 0;
    unsigned route = data[0] % 3;
    std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
    auto body = nlohmann::json::parse(text, nullptr, false);
    if (body.is_discarded()) return 0;
    const std::string zone = "example.com";
    api::RequestLimits limits{20, 50};
    api::Batch b;
    if (route == 0) {
        api::parse_batch(body, zone, limits, b);
    } else {
        b.errors.single = true;
        b.items = 1;
        auto fixed = route == 1
                         ? std::make_pair(std::string("www.example.com"), uint16_t(1))
                         : std::make_pair(std::string("_acme-challenge.example.com"), uint16_t(16));
        api::parse_item(body, 0, zone, limits, fixed, b);
    }
    if (b.item_of.size() != b.edits.size()) fuzz::die("item_of and edits differ in size");
    auto origin = *dns::Name::parse("example.com.");
    for (size_t i = 0; i < b.edits.size(); ++i) {
        const auto& e = b.edits[i];
        if (b.item_of[i] >= b.items) fuzz::die("edit maps to an item out of range");
        auto owner = dns::Name::parse(e.name + ".");
        if (!owner) fuzz::die("edit owner is not a name: " + e.name);
        if (!owner->is_subdomain_of(origin)) fuzz::die("edit owner outside the zone: " + e.name);
        if (zone::refused_type(e.type)) fuzz::die("edit of a refused type");
        if (e.records.size() > limits.max_records_per_rrset) fuzz::die("too many records");
        for (const auto& r : e.records) {
            auto again = zone::parse_content(e.type, r.text);
            if (!again || again->rdata != r.rdata) fuzz::die("canonical text does not read back");
        }
    }
    for (const auto& err : b.errors.list) {
        if (!err.contains("field") || !err.contains("detail")) fuzz::die("error without field");
        if (!b.errors.single && (!err.contains("item") || err["item"].get<size_t>() >= b.items))
            fuzz::die("error names no valid item");
    }
    return 0;
}
