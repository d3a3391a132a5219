// SPDX-License-Identifier: MIT
// Fuzz target: a change-journal column (dnsapid's zone history) parsed and undone.
//
// Input: one column of the changes table (uncompressed wire RRs one after another). Properties:
// parse_journal_rrs never crashes, every owner it gives is a valid uncompressed name, and the
// records written out again are the input, octet for octet; undoing a change that removed the
// records, on an empty zone, puts back exactly as many records as were parsed (or fails, for
// repeated, non-IN or unprintable records), and undoing a change that added the same records
// then leaves the zone empty again.
#include "fuzz_util.hpp"
#include "store/history.hpp"

#include "dns/name.hpp"
#include "dns/rr.hpp"

#include <cstdint>
#include <cstdio>
#include <string>

using namespace endpointdns;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string column(reinterpret_cast<const char*>(data), size);
    auto rrs = store::parse_journal_rrs(column);
    if (!rrs) return 0;
    std::string again;
    for (const auto& rr : *rrs) {
        auto n = dns::wire_name_length(reinterpret_cast<const uint8_t*>(rr.owner.data()),
                                       rr.owner.size());
        if (n == 0 || n != rr.owner.size()) fuzz::die("an owner is not one uncompressed name");
        if (rr.rdata.size() > 65535) fuzz::die("RDATA over 65535 octets");
        again += rr.owner;
        dns::put16(again, rr.type);
        dns::put16(again, rr.cls);
        dns::put32(again, rr.ttl);
        dns::put16(again, uint16_t(rr.rdata.size()));
        again += rr.rdata;
    }
    if (again != column) fuzz::die("the records written out again differ from the input");

    store::Change removed_them;
    removed_them.id = 1;
    removed_them.kind = "update";
    removed_them.serial_from = 1;
    removed_them.serial_to = 2;
    removed_them.removed = column;
    store::RrsetMap zone;
    if (!store::undo_change(zone, removed_them)) return 0;
    size_t records = 0;
    for (const auto& [key, r] : zone) {
        if (r.name != key.first || r.type != key.second) fuzz::die("an RRset under another key");
        if (r.records.empty()) fuzz::die("an empty RRset");
        records += r.records.size();
    }
    if (records != rrs->size()) fuzz::die("undoing the removal did not put back every record");
    store::Change added_them = removed_them;
    added_them.removed.clear();
    added_them.added = column;
    auto back = store::undo_change(zone, added_them);
    if (!back) fuzz::die("undoing the addition of the records put back failed: " + back.error());
    if (!zone.empty()) fuzz::die("undoing the addition left records");
    return 0;
}
