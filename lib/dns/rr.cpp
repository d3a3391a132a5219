// SPDX-License-Identifier: MIT
// Type mnemonics (ldns's table for the long tail), RDATA layouts, RDATA checks and canonical form.
#include "dns/rr.hpp"

#include <ldns/ldns.h>

#include <cstring>
#include <strings.h>

namespace endpointdns::dns {

std::string type_name(uint16_t type) {
    const ldns_rr_descriptor* d = ldns_rr_descript(type);
    if (d && d->_name && std::strncmp(d->_name, "TYPE", 4) != 0 && d->_type == type)
        return d->_name;
    return "TYPE" + std::to_string(type);
}

std::optional<uint16_t> type_from_name(std::string_view name) {
    // The common types first, without a string copy.
    struct Entry {
        const char* n;
        uint16_t t;
    };
    static constexpr Entry common[] = {
        {"A", rrtype::A},         {"AAAA", rrtype::AAAA},   {"NS", rrtype::NS},
        {"CNAME", rrtype::CNAME}, {"MX", rrtype::MX},       {"TXT", rrtype::TXT},
        {"SOA", rrtype::SOA},     {"SRV", rrtype::SRV},     {"PTR", rrtype::PTR},
        {"CAA", rrtype::CAA},     {"DNAME", rrtype::DNAME},
    };
    for (const auto& e : common)
        if (name.size() == std::strlen(e.n) && strncasecmp(name.data(), e.n, name.size()) == 0)
            return e.t;
    if (name.size() > 4 && strncasecmp(name.data(), "TYPE", 4) == 0) {
        unsigned v = 0;
        for (size_t i = 4; i < name.size(); ++i) {
            if (name[i] < '0' || name[i] > '9' || i > 9) return std::nullopt;
            v = v * 10 + unsigned(name[i] - '0');
        }
        if (v > 65535) return std::nullopt;
        return uint16_t(v);
    }
    std::string s(name);
    ldns_rr_type t = ldns_get_rr_type_by_name(s.c_str());
    if (t == 0) return std::nullopt;
    return uint16_t(t);
}

std::string class_name(uint16_t cls) {
    switch (cls) {
    case rrclass::IN:
        return "IN";
    case rrclass::CH:
        return "CH";
    case rrclass::HS:
        return "HS";
    case rrclass::NONE:
        return "NONE";
    case rrclass::ANY:
        return "ANY";
    default:
        return "CLASS" + std::to_string(cls);
    }
}

std::optional<uint16_t> class_from_name(std::string_view name) {
    auto is = [&](const char* s) {
        return name.size() == std::strlen(s) && strncasecmp(name.data(), s, name.size()) == 0;
    };
    if (is("IN")) return rrclass::IN;
    if (is("CH") || is("CHAOS")) return rrclass::CH;
    if (is("HS")) return rrclass::HS;
    if (name.size() > 5 && strncasecmp(name.data(), "CLASS", 5) == 0) {
        unsigned v = 0;
        for (size_t i = 5; i < name.size(); ++i) {
            if (name[i] < '0' || name[i] > '9' || i > 10) return std::nullopt;
            v = v * 10 + unsigned(name[i] - '0');
        }
        if (v > 65535) return std::nullopt;
        return uint16_t(v);
    }
    return std::nullopt;
}

std::string_view rdata_layout(uint16_t type) {
    switch (type) {
    case rrtype::A:
        return "4";
    case rrtype::AAAA:
        return "g";
    case rrtype::NS:
    case rrtype::MD:
    case rrtype::MF:
    case rrtype::CNAME:
    case rrtype::MB:
    case rrtype::MG:
    case rrtype::MR:
    case rrtype::PTR:
        return "C";
    case rrtype::SOA:
        return "CC44444";
    case rrtype::MINFO:
        return "CC";
    case rrtype::HINFO:
        return "SS";
    case rrtype::MX:
        return "2C";
    case rrtype::RP:
        return "cc";
    case rrtype::AFSDB:
    case rrtype::RT:
        return "2c";
    case rrtype::PX:
        return "2cc";
    case rrtype::SRV:
        return "222c";
    case rrtype::NAPTR:
        return "22SSSc";
    case rrtype::SIG:
        return "2114442cR";
    case rrtype::NXT:
        return "cR";
    case rrtype::KX:
        return "2u";
    case rrtype::DNAME:
        return "u";
    case rrtype::RRSIG:
        return "2114442uR";
    case rrtype::NSEC:
        return "uR";
    default:
        return {};
    }
}

bool rdata_names_canonical_lower(uint16_t type) {
    switch (type) {
    case rrtype::NS:
    case rrtype::MD:
    case rrtype::MF:
    case rrtype::CNAME:
    case rrtype::SOA:
    case rrtype::MB:
    case rrtype::MG:
    case rrtype::MR:
    case rrtype::PTR:
    case rrtype::MINFO:
    case rrtype::MX:
    case rrtype::RP:
    case rrtype::AFSDB:
    case rrtype::RT:
    case rrtype::SIG:
    case rrtype::PX:
    case rrtype::NXT:
    case rrtype::NAPTR:
    case rrtype::KX:
    case rrtype::SRV:
    case rrtype::DNAME:
    case rrtype::RRSIG:
        return true;
    default:
        return false;
    }
}

namespace {
// Walks an uncompressed RDATA field by field; calls on_name(offset, length) for each name.
template <class F> const char* walk(std::string_view layout, std::string_view rdata, F&& on_name) {
    const uint8_t* p = reinterpret_cast<const uint8_t*>(rdata.data());
    size_t pos = 0, len = rdata.size();
    for (char code : layout) {
        if (size_t n = layout_fixed_size(code)) {
            if (len - pos < n) return "RDATA too short";
            pos += n;
        } else if (code == 'S') {
            if (pos >= len || len - pos < 1u + p[pos]) return "character-string runs past RDATA";
            pos += 1 + p[pos];
        } else if (code == 'R') {
            pos = len;
        } else { // a name
            size_t n = wire_name_length(p + pos, len - pos);
            if (n == 0) return "malformed domain name in RDATA";
            on_name(pos, n);
            pos += n;
        }
    }
    if (pos != len) return "RDATA longer than its type allows";
    return nullptr;
}
} // namespace

Result<bool> check_rdata(uint16_t type, std::string_view rdata) {
    if (rdata.size() > 65535) return fail("RDATA longer than 65535 octets");
    std::string_view layout = rdata_layout(type);
    if (layout.empty()) return true;
    if (const char* err = walk(layout, rdata, [](size_t, size_t) {}))
        return fail(type_name(type) + " " + err);
    return true;
}

bool canonical_rdata(uint16_t type, std::string_view rdata, std::string& out) {
    if (!rdata_names_canonical_lower(type)) return false;
    bool changed = false;
    walk(rdata_layout(type), rdata, [&](size_t off, size_t n) {
        for (size_t i = off; i < off + n; ++i) {
            uint8_t c = uint8_t(rdata[i]);
            if (c >= 'A' && c <= 'Z') {
                if (!changed) {
                    out.assign(rdata);
                    changed = true;
                }
                out[i] = char(c + 32);
            }
        }
    });
    return changed;
}

int compare_rdata(uint16_t type, std::string_view a, std::string_view b) {
    std::string ca, cb;
    if (canonical_rdata(type, a, ca)) a = ca;
    if (canonical_rdata(type, b, cb)) b = cb;
    int c = a.compare(b);
    return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

std::optional<Soa> parse_soa(std::string_view rdata) {
    const uint8_t* p = reinterpret_cast<const uint8_t*>(rdata.data());
    size_t n1 = wire_name_length(p, rdata.size());
    if (!n1) return std::nullopt;
    size_t n2 = wire_name_length(p + n1, rdata.size() - n1);
    if (!n2 || rdata.size() != n1 + n2 + 20) return std::nullopt;
    const uint8_t* f = p + n1 + n2;
    return Soa{get32(f), get32(f + 4), get32(f + 8), get32(f + 12), get32(f + 16)};
}

} // namespace endpointdns::dns
