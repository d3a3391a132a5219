// SPDX-License-Identifier: MIT
// Record content from the REST API: checked, parsed by ldns into wire RDATA, printed canonically.
//
// The API takes records as (owner, type, TTL, content), the content in presentation form as in
// a zone file ("10 mail.example.com.", "\"v=spf1 -all\""). Nothing is written before every
// content string has gone through parse_content(). Messages are for a person: they say what is
// wrong and, where possible, what a valid value looks like.
#pragma once

#include "dns/result.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace endpointdns::zone {

// Longest content string accepted, in characters. ldns reads a record's RDATA text into a
// 65535-character buffer; this leaves room for the rest of the line it is given.
constexpr size_t max_content_chars = 65000;

struct Content {
    std::string rdata; // uncompressed wire RDATA, at most 65535 octets
    std::string text;  // canonical presentation form: ldns's output of `rdata`, single spaces,
                       // names absolute with the trailing dot, letter case as given
};

// Parses one record's content of the given type. A type that refused_type() refuses fails with
// its reason.
//
// Names inside the content are absolute whether or not they end in a dot: "mail.example.com"
// means "mail.example.com.". A name of one label written without the final dot ("mail") is
// taken for a relative name and refused, as is "@": the message asks for the full name. "." is
// the root (null MX, SRV "no service", HTTPS/SVCB "same name"); CNAME, DNAME and NS cannot
// point to it. Host names may not be IP addresses or contain raw non-ASCII octets (write
// internationalized names in their xn-- form).
//
// Refused: empty content; line breaks and other control characters (a tab is a blank);
// ';' comments and '(' ')' grouping outside quotes; a quoted string left open; text straight
// after a closing quote; the RFC 3597 "\#" form; fields missing or left over; numbers out of
// their field's range (ldns would wrap 70000 to 4464); odd-length or non-hexadecimal hex
// fields (ldns would pad them); character-strings over 255 octets; several TXT strings unless
// all are quoted ("v=spf1 -all" would be two strings); digests whose length does not match
// their type (DS, TLSA, SMIMEA, SSHFP); LOC positions beyond the poles or the antimeridian;
// RDATA over 65535 octets; content longer than max_content_chars.
//
// Accepted as well: a CAA value or URI target without quotes (RFC 8659 allows it; ldns does
// not, so it is quoted before ldns sees it). The canonical text always reads back to the same
// RDATA (checked on every call), so text -> rdata -> text is stable.
Result<Content> parse_content(uint16_t type, std::string_view text);

// The canonical content text of stored wire RDATA (the change journal's records), exactly as
// parse_content() gives it for the same RDATA; fails when ldns cannot print it in a form that
// reads back.
Result<std::string> content_text(uint16_t type, std::string_view rdata);

// Whether the API accepts records of this type: nullopt when it does, else the reason, for a
// person ("SOA records are managed by the service: ..."). Accepted: A, NS, CNAME, PTR, HINFO,
// MX, TXT, RP, AFSDB, AAAA, LOC, SRV, NAPTR, KX, CERT, DNAME, APL, DS, SSHFP, IPSECKEY, DHCID,
// TLSA, SMIMEA, HIP, OPENPGPKEY, SVCB, HTTPS, NID, L32, L64, LP, EUI48, EUI64, URI, CAA.
// Refused: SOA (managed); what a signer generates or that only means something in a signed
// zone (RRSIG, NSEC, NSEC3, NSEC3PARAM, DNSKEY, CDS, CDNSKEY, CSYNC, ZONEMD: zones are not
// signed); meta and query types (0, OPT, TKEY, TSIG, IXFR, AXFR, MAILB, MAILA, ANY, all of
// 128-255); obsolete or experimental types (MD, MF, MB, MG, MR, MINFO, NULL, WKS, X25, ISDN,
// RT, NSAP, NSAP-PTR, SIG, KEY, PX, GPOS, NXT, EID, NIMLOC, ATMA, A6, SINK, TALINK, SPF,
// UINFO, UID, GID, UNSPEC, TA, DLV); private-use and reserved numbers; every other number.
std::optional<std::string> refused_type(uint16_t type);

// A valid content of the type, for messages and documentation ("10 mail.example.com." for MX);
// empty for the types refused_type() refuses.
std::string_view content_example(uint16_t type);

// Parses a type mnemonic ("A", "aaaa", case-insensitive) or the RFC 3597 form "TYPE65" into
// its number; nullopt for anything else (unknown mnemonics, TYPE numbers above 65535, empty
// or odd characters). Whether the type is accepted is refused_type()'s question.
std::optional<uint16_t> parse_type(std::string_view text);

// Resolves an owner name given in the API against the zone `origin` (presentation form, no
// trailing dot, lowercase; "" is the root):
//   "@" or ""                               the apex;
//   a name ending in an (unescaped) dot      absolute;
//   the origin itself, or ending in "." and the origin (label by label, any case)  absolute;
//   anything else                            relative to the origin ("www", "_acme-challenge").
// Returns the absolute name lowercased, in presentation form without the trailing dot (escapes
// as dns::Name prints them), or a failure for a label over 63 octets, a name over 255 octets
// in wire form, an empty label ("a..b"), a bad escape, blanks or control characters, or an
// absolute name outside the zone.
Result<std::string> resolve_owner(std::string_view given, std::string_view origin);

} // namespace endpointdns::zone
