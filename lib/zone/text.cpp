// SPDX-License-Identifier: MIT
// Zone-file text through ldns's printer, so every type ldns knows prints in its standard form.
#include "zone/text.hpp"

#include <ldns/ldns.h>

#include <cstdlib>
#include <memory>

namespace endpointdns::zone {

std::string record_text(std::string_view owner, uint16_t type, uint16_t cls, uint32_t ttl,
                        std::string_view rdata) {
    std::string wire(owner);
    dns::put16(wire, type);
    dns::put16(wire, cls);
    dns::put32(wire, ttl);
    dns::put16(wire, uint16_t(rdata.size()));
    wire.append(rdata);
    ldns_rr* raw = nullptr;
    size_t pos = 0;
    ldns_status st = ldns_wire2rr(&raw, reinterpret_cast<const uint8_t*>(wire.data()), wire.size(),
                                  &pos, LDNS_SECTION_ANSWER);
    std::unique_ptr<ldns_rr, decltype(&ldns_rr_free)> rr(raw, &ldns_rr_free);
    if (st == LDNS_STATUS_OK && rr) {
        if (char* s = ldns_rr2str(rr.get())) {
            std::string out(s);
            std::free(s);
            if (out.empty() || out.back() != '\n') out.push_back('\n');
            return out;
        }
    }
    // ldns could not print it: fall back to the RFC 3597 generic form, which is always valid.
    std::string out = Name::from_wire_unchecked(owner).to_text() + "\t" + std::to_string(ttl) +
                      "\t" + dns::class_name(cls) + "\tTYPE" + std::to_string(type) + "\t\\# " +
                      std::to_string(rdata.size());
    static const char hex[] = "0123456789abcdef";
    if (!rdata.empty()) out.push_back(' ');
    for (unsigned char c : rdata) {
        out.push_back(hex[c >> 4]);
        out.push_back(hex[c & 15]);
    }
    out.push_back('\n');
    return out;
}

std::string zone_text(const Zone& zone) {
    std::string out = "; zone " + zone.origin().to_text() + " serial " +
                      std::to_string(zone.serial().value_or(0)) + "\n";
    auto soa = zone.soa();
    if (soa) out += record_text(soa->owner, soa->type, soa->cls, soa->ttl, soa->rdata);
    for (size_t i = 0; i < zone.size(); ++i) {
        RrView r = zone.at(i);
        if (soa && r.type == dns::rrtype::SOA && r.rdata.data() == soa->rdata.data()) continue;
        out += record_text(r.owner, r.type, r.cls, r.ttl, r.rdata);
    }
    return out;
}

std::string delta_text(const Delta& d) {
    std::string out = "; delta " + d.origin.to_text() + " serial " +
                      std::to_string(d.from_serial()) + " -> " + std::to_string(d.to_serial()) +
                      "\n";
    for (const DeltaStep& s : d.steps) {
        out += "; remove\n" + record_text(s.from_soa);
        for (const Rr& r : s.removed) out += record_text(r);
        out += "; add\n" + record_text(s.to_soa);
        for (const Rr& r : s.added) out += record_text(r);
    }
    return out;
}

} // namespace endpointdns::zone
