// SPDX-License-Identifier: MIT
// Resource records: type and class numbers, mnemonics, RDATA layouts (where names sit), canonical
// RDATA.
#pragma once

#include "dns/name.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace endpointdns::dns {

namespace rrtype {
constexpr uint16_t A = 1, NS = 2, MD = 3, MF = 4, CNAME = 5, SOA = 6, MB = 7, MG = 8, MR = 9,
                   PTR = 12, HINFO = 13, MINFO = 14, MX = 15, TXT = 16, RP = 17, AFSDB = 18,
                   SIG = 24, PX = 26, AAAA = 28, NXT = 30, SRV = 33, NAPTR = 35, KX = 36,
                   DNAME = 39, OPT = 41, DS = 43, RRSIG = 46, NSEC = 47, DNSKEY = 48, NSEC3 = 50,
                   SVCB = 64, HTTPS = 65, SPF = 99, IXFR = 251, AXFR = 252, ANY = 255, CAA = 257;
constexpr uint16_t RT = 21;
} // namespace rrtype

namespace rrclass {
constexpr uint16_t IN = 1, CH = 3, HS = 4, NONE = 254, ANY = 255;
}

// Mnemonic ("A", "TYPE65280") and its inverse (accepts TYPEnnn; case-insensitive).
std::string type_name(uint16_t type);
std::optional<uint16_t> type_from_name(std::string_view name);
// False for the types that never are zone data (RFC 6895 3.1): 0 (reserved), OPT and the
// meta and query types 128-255 (TKEY, TSIG, IXFR, AXFR, MAILB, MAILA, ANY).
inline bool is_data_type(uint16_t type) {
    return type != 0 && type != rrtype::OPT && (type < 128 || type > 255);
}
std::string class_name(uint16_t cls);
std::optional<uint16_t> class_from_name(std::string_view name);

// Layout of an RDATA, as a string of field codes, for the types whose RDATA holds domain names
// or has a fixed size:
//   'C' name that may be compressed on output (RFC 1035 types)
//   'c' name never compressed on output, decompressed on input (RFC 3597 section 4 list)
//   'u' name never compressed at all
//   '1' '2' '4' '6' '8' fixed-size fields, 'g' 16 octets, 'S' one character-string,
//   'R' the rest (opaque, may be empty)
// Empty for types whose RDATA is opaque to us (no names).
std::string_view rdata_layout(uint16_t type);
// True when the type's names are lowercased in canonical form (RFC 4034 6.2, RFC 6840 5.1).
bool rdata_names_canonical_lower(uint16_t type);

// Octets of a fixed-size layout field ('1' '2' '4' '6' '8' 'g'); 0 for names, 'S' and 'R'.
constexpr size_t layout_fixed_size(char code) {
    switch (code) {
    case '1':
        return 1;
    case '2':
        return 2;
    case '4':
        return 4;
    case '6':
        return 6;
    case '8':
        return 8;
    case 'g':
        return 16;
    default:
        return 0;
    }
}

// RFC 4034 6.3 order of two RDATAs of one type (names lowercased where 6.2 says so): <0, 0, >0.
int compare_rdata(uint16_t type, std::string_view a, std::string_view b);

// Check an uncompressed RDATA against its layout (names well formed, fixed sizes exact).
Result<bool> check_rdata(uint16_t type, std::string_view rdata);
// Canonical form of RDATA (names lowercased where RFC 4034 6.2 says so). Returns false when
// nothing changes, so callers can avoid a copy.
bool canonical_rdata(uint16_t type, std::string_view rdata, std::string& out);

// One resource record with uncompressed RDATA.
struct Rr {
    Name owner;
    uint16_t type = 0;
    uint16_t cls = rrclass::IN;
    uint32_t ttl = 0;
    std::string rdata;

    bool operator==(const Rr& o) const {
        return owner == o.owner && type == o.type && cls == o.cls && ttl == o.ttl &&
               rdata == o.rdata;
    }
};

// SOA fields read from RDATA (validated by check_rdata).
struct Soa {
    uint32_t serial = 0, refresh = 0, retry = 0, expire = 0, minimum = 0;
};
std::optional<Soa> parse_soa(std::string_view rdata);
// RFC 1982 serial number arithmetic: true when serial a is later than serial b. Serials half
// the space apart are neither earlier nor later.
inline bool serial_later(uint32_t a, uint32_t b) {
    return int32_t(a - b) > 0;
}

inline uint16_t get16(const uint8_t* p) {
    return uint16_t((p[0] << 8) | p[1]);
}
inline uint32_t get32(const uint8_t* p) {
    return (uint32_t(p[0]) << 24) | (uint32_t(p[1]) << 16) | (uint32_t(p[2]) << 8) | p[3];
}
inline void put16(std::string& s, uint16_t v) {
    s.push_back(char(v >> 8));
    s.push_back(char(v));
}
inline void put32(std::string& s, uint32_t v) {
    s.push_back(char(v >> 24));
    s.push_back(char(v >> 16));
    s.push_back(char(v >> 8));
    s.push_back(char(v));
}

} // namespace endpointdns::dns
