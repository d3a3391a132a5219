// SPDX-License-Identifier: MIT
// Fuzzes the state directory's journal reader: framing, torn-tail detection, delta chains, repair.
#include "error.hpp"
#include "fuzz_util.hpp"
#include "serve/state_dir.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

using namespace endpointdns;
using endpointdns::fuzz::die;
namespace journal = endpointdns::serve::journal;

namespace {

const dns::Name& origin() {
    static const dns::Name o = *dns::Name::parse("example.com.");
    return o;
}

// The framing: records tile the good prefix, each re-framed to the same octets.
void check_scan(std::string_view bytes, const journal::Scan& sc) {
    REQUIRE(sc.good_bytes <= bytes.size());
    REQUIRE((sc.end == journal::Scan::End::clean) == (sc.good_bytes == bytes.size()));
    REQUIRE((sc.end == journal::Scan::End::clean) == sc.problem.empty());
    size_t pos = 0;
    for (const auto& r : sc.records) {
        REQUIRE(r.offset == pos);
        REQUIRE(r.end() <= sc.good_bytes);
        REQUIRE(r.payload.data() == bytes.data() + r.offset + journal::frame_size);
        if (journal::frame(r.type, r.payload) != bytes.substr(r.offset, r.end() - r.offset))
            die("a record does not frame back to its own octets");
        pos = r.end();
    }
    REQUIRE(pos == sc.good_bytes);

    // The good prefix alone is clean, and a record appended after it is found (what the
    // loader relies on when it cuts a torn tail and appends go on).
    std::string prefix(bytes.substr(0, sc.good_bytes));
    auto again = journal::scan(prefix);
    REQUIRE(again.end == journal::Scan::End::clean && again.records.size() == sc.records.size());
    prefix += journal::frame(journal::RecordType::delta, "appended");
    auto more = journal::scan(prefix);
    REQUIRE(more.end == journal::Scan::End::clean);
    REQUIRE(more.records.size() == sc.records.size() + 1);
    REQUIRE(more.records.back().payload == "appended");
}

// The deltas returned form one chain from `serial`.
void check_chain(const journal::Replay& r, uint32_t serial) {
    uint32_t cur = serial;
    for (const auto& d : r.deltas) {
        REQUIRE(d.origin == origin());
        REQUIRE(!d.steps.empty());
        for (const auto& s : d.steps) {
            auto from = dns::parse_soa(s.from_soa.rdata), to = dns::parse_soa(s.to_soa.rdata);
            REQUIRE(from && to);
            REQUIRE(from->serial == cur);
            cur = to->serial;
        }
    }
    size_t last = 0;
    for (size_t k = 0; k < r.used.size(); ++k) {
        REQUIRE(r.used[k] < r.scan.records.size());
        REQUIRE(k == 0 || r.used[k] > last);
        REQUIRE(r.scan.records[r.used[k]].type == journal::RecordType::delta);
        last = r.used[k];
    }
    if (r.base != journal::Replay::Base::zone) REQUIRE(r.deltas.empty() && r.used.empty());
    REQUIRE(r.deltas.empty() == r.used.empty());
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view bytes(reinterpret_cast<const char*>(data), size);
    journal::Scan sc = journal::scan(bytes);
    check_scan(bytes, sc);

    // The zone file it is replayed against: the one its first zone record names (so the
    // matching path runs), at the serial its first readable delta starts from.
    journal::FileId id{size, 0};
    for (const auto& r : sc.records) {
        if (r.type != journal::RecordType::delta && r.payload.size() == 12) {
            const auto* p = reinterpret_cast<const uint8_t*>(r.payload.data());
            id = {(uint64_t(dns::get32(p)) << 32) | dns::get32(p + 4), dns::get32(p + 8)};
            break;
        }
    }
    uint32_t serial = 0;
    for (const auto& r : sc.records) {
        if (r.type != journal::RecordType::delta) continue;
        zone::StreamReader reader(r.payload);
        zone::StreamItem item;
        auto got = reader.next(item);
        if (got && *got && item.kind == zone::StreamItem::Kind::delta) {
            serial = item.delta.from_serial();
            break;
        }
    }

    journal::Replay r = journal::replay(bytes, origin(), id, serial);
    REQUIRE(r.scan.good_bytes == sc.good_bytes && r.scan.records.size() == sc.records.size());
    check_chain(r, serial);
    if (r.base == journal::Replay::Base::mismatch) REQUIRE(!r.rewrite);

    // The repair the loader writes reads back as the same chain, with nothing left to repair.
    if (r.rewrite || r.scan.end != journal::Scan::End::clean) {
        std::string fresh = journal::frame(journal::RecordType::zone, journal::encode_id(id));
        if (!r.rewrite) {
            fresh.assign(bytes.substr(0, r.scan.good_bytes));
        } else {
            for (size_t i : r.used) {
                const auto& rec = r.scan.records[i];
                fresh.append(bytes.substr(rec.offset, rec.end() - rec.offset));
            }
        }
        journal::Replay again = journal::replay(fresh, origin(), id, serial);
        if (r.base == journal::Replay::Base::zone || r.base == journal::Replay::Base::reset ||
            r.base == journal::Replay::Base::none) {
            if (!again.errors.empty() && r.rewrite) {
                std::fprintf(stderr, "after repair: %s\n", again.errors[0].c_str());
                die("a repaired journal still has errors");
            }
            REQUIRE(again.warnings.empty());
            if (r.rewrite) REQUIRE(!again.rewrite);
            REQUIRE(again.deltas.size() == r.deltas.size());
            for (size_t i = 0; i < r.deltas.size(); ++i)
                REQUIRE(again.deltas[i].steps.size() == r.deltas[i].steps.size());
        }
    }
    return 0;
}
