// SPDX-License-Identifier: MIT
// Fuzzes zone::parse_content (API record content) and resolve_owner: no crash, stable round trip.
//
// Input: the first two octets are the type (big-endian), the rest the content text. A refused
// type is tried as given (it must fail cleanly) and then folded onto an accepted one, so that
// the fuzzer spends its effort where ldns parses.
#include "dns/name.hpp"
#include "dns/rr.hpp"
#include "fuzz_util.hpp"
#include "zone/content.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

using namespace endpointdns;
using endpointdns::fuzz::die;

namespace {

const std::vector<uint16_t>& accepted_types() {
    static const std::vector<uint16_t> types = [] {
        std::vector<uint16_t> v;
        for (unsigned t = 0; t <= 65535; ++t)
            if (!zone::refused_type(uint16_t(t))) v.push_back(uint16_t(t));
        return v;
    }();
    return types;
}

void check_content(uint16_t type, std::string_view text) {
    auto c = zone::parse_content(type, text);
    if (!c) {
        REQUIRE(!c.error().empty());
        return;
    }
    REQUIRE(!zone::refused_type(type));
    REQUIRE(c->rdata.size() <= 65535);
    REQUIRE(dns::check_rdata(type, c->rdata).ok());
    // text -> rdata -> text -> rdata is stable.
    auto back = zone::parse_content(type, c->text);
    if (!back) {
        std::fprintf(stderr, "type %s input [%.*s]\ncanonical [%s] does not parse: %s\n",
                     dns::type_name(type).c_str(), int(text.size()), text.data(), c->text.c_str(),
                     back.error().c_str());
        die("canonical text does not parse");
    }
    if (back->rdata != c->rdata || back->text != c->text) {
        std::fprintf(stderr, "type %s input [%.*s]\ncanonical [%s] reads back as [%s]\n",
                     dns::type_name(type).c_str(), int(text.size()), text.data(), c->text.c_str(),
                     back->text.c_str());
        die("round trip not stable");
    }
}

void check_owner(std::string_view given) {
    static const std::string origin = "example.com";
    static const dns::Name zone = *dns::Name::parse("example.com.");
    auto r = zone::resolve_owner(given, origin);
    if (!r) return;
    // An absolute name in the zone, lowercase, that resolves to itself.
    auto n = dns::Name::parse(*r + ".");
    REQUIRE(n.ok());
    REQUIRE(n->is_subdomain_of(zone));
    REQUIRE(n->same_case(n->lowercased()));
    auto again = zone::resolve_owner(*r + ".", origin);
    REQUIRE(again.ok() && *again == *r);
    auto plain = zone::resolve_owner(*r, origin);
    REQUIRE(plain.ok() && *plain == *r);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size < 2) return 0;
    uint16_t raw = uint16_t(data[0] << 8 | data[1]);
    std::string_view text(reinterpret_cast<const char*>(data + 2), size - 2);
    const auto& types = accepted_types();
    if (zone::refused_type(raw)) {
        check_content(raw, text);
        check_content(types[raw % types.size()], text);
    } else {
        check_content(raw, text);
    }
    check_owner(text);
    zone::parse_type(text);
    return 0;
}
