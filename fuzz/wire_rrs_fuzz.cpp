// SPDX-License-Identifier: MIT
// Fuzzes store::for_each_wire_rr (the change journal's record columns, read to build IXFR
// deltas and zone history): no crash or over-read, and the records it reports, written back
// in the same layout, give exactly the input up to where it says the column is malformed.
#include "fuzz_util.hpp"
#include "store/compile.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

using namespace endpointdns;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view in(reinterpret_cast<const char*>(data), size);
    std::string back;
    size_t seen = 0;
    auto bad = store::for_each_wire_rr(in, [&](const store::WireRr& r) {
        REQUIRE(!r.owner.empty() && r.owner.size() <= 255 && r.owner.back() == '\0');
        REQUIRE(r.rdata.size() <= 65535);
        back += r.owner;
        back += char(r.type >> 8);
        back += char(r.type & 0xff);
        back += in.substr(back.size(), 2); // class: copied, not checked
        for (int shift = 24; shift >= 0; shift -= 8) back += char((r.ttl >> shift) & 0xff);
        back += char(r.rdata.size() >> 8);
        back += char(r.rdata.size() & 0xff);
        back += r.rdata;
        ++seen;
    });
    size_t good = bad ? *bad : in.size();
    REQUIRE(good <= in.size());
    REQUIRE(back == in.substr(0, good));
    if (bad) REQUIRE(*bad < in.size());
    return 0;
}
