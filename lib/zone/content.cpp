// SPDX-License-Identifier: MIT
// API record content: tokens checked field by field, RDATA parsed and printed by ldns, read back.
//
// ldns is the parser, but on its own it is too lenient for input from the network (ldns 1.8.3):
// numbers wrap ("MX 70000" is 4464, "-1" is 65535, a DS algorithm 300 is 44), an odd number of
// hex digits is padded ("abc" is "abc0"), an unclosed quote is closed at the end, ';' and
// parentheses are taken as zone-file comments and grouping, "\#" is taken anywhere, a name
// whose first label is "@" becomes the origin ("\@.example.com."), a name without its dot is
// absolute when no origin is given but "@" silently becomes the root. So the content is first
// split into tokens the way lib/zone's zone-file scanner does and every field that is one
// token is checked against its ldns descriptor field type; ldns then parses a line rebuilt
// from those tokens (single spaces, nothing for its tokenizer to disagree on), twice: without
// an origin (names absolute) and with a sentinel origin, so that comparing the two shows which
// names were written without their final dot, whatever the type. The canonical text is
// ldns's printout of the wire RDATA, which must read back to the same RDATA.
#include "zone/content.hpp"

#include "dns/name.hpp"
#include "dns/rr.hpp"
#include "zone/text.hpp"

#include <ldns/ldns.h>

#include <arpa/inet.h>
#include <cstdio>
#include <cstring>
#include <memory>
#include <vector>

namespace endpointdns::zone {

namespace {

namespace rrtype = dns::rrtype;
using dns::Name;

struct LdnsRrFree {
    void operator()(ldns_rr* r) const { ldns_rr_free(r); }
};
struct LdnsRdfFree {
    void operator()(ldns_rdf* r) const { ldns_rdf_deep_free(r); }
};
struct LdnsBufferFree {
    void operator()(ldns_buffer* b) const { ldns_buffer_free(b); }
};
using RrPtr = std::unique_ptr<ldns_rr, LdnsRrFree>;

// Types not in rrtype:: that the API deals with by number.
namespace more {
constexpr uint16_t NULL_ = 10, WKS = 11, X25 = 19, ISDN = 20, NSAP = 22, NSAP_PTR = 23, KEY = 25,
                   GPOS = 27, LOC = 29, EID = 31, NIMLOC = 32, ATMA = 34, CERT = 37, A6 = 38,
                   SINK = 40, APL = 42, SSHFP = 44, IPSECKEY = 45, DHCID = 49, NSEC3PARAM = 51,
                   TLSA = 52, SMIMEA = 53, HIP = 55, NINFO = 56, RKEY = 57, TALINK = 58, CDS = 59,
                   CDNSKEY = 60, OPENPGPKEY = 61, CSYNC = 62, ZONEMD = 63, UINFO = 100, UID = 101,
                   GID = 102, UNSPEC = 103, NID = 104, L32 = 105, L64 = 106, LP = 107, EUI48 = 108,
                   EUI64 = 109, TKEY = 249, TSIG = 250, MAILB = 253, MAILA = 254, URI = 256,
                   AVC = 258, DOA = 259, AMTRELAY = 260, TA = 32768, DLV = 32769;
} // namespace more

// What a type's content consists of, for messages: a phrase, an example that parses, and the
// names of its first fields.
struct TypeInfo {
    uint16_t type;
    const char* needs;
    const char* example;
    const char* fields[6];
};

constexpr TypeInfo type_infos[] = {
    {rrtype::A, "an IPv4 address", "192.0.2.1", {"IPv4 address"}},
    {rrtype::AAAA, "an IPv6 address", "2001:db8::1", {"IPv6 address"}},
    {rrtype::NS, "a name server's host name", "ns1.example.net.", {"name server"}},
    {rrtype::CNAME, "the canonical name it points to", "www.example.net.", {"target"}},
    {rrtype::DNAME, "the domain it redirects to", "example.net.", {"target"}},
    {rrtype::PTR, "a host name", "host.example.com.", {"host name"}},
    {rrtype::MX,
     "a preference and a host name",
     "10 mail.example.com.",
     {"preference", "mail server"}},
    {rrtype::TXT, "one or more quoted strings", "\"v=spf1 -all\"", {"string"}},
    {rrtype::HINFO, "a CPU and an OS as two strings", "\"PC\" \"Linux\"", {"CPU", "OS"}},
    {rrtype::RP,
     "a mailbox name and the name of a TXT record",
     "hostmaster.example.com. info.example.com.",
     {"mailbox", "TXT record name"}},
    {rrtype::AFSDB, "a subtype and a host name", "1 afsdb.example.com.", {"subtype", "host name"}},
    {rrtype::SRV,
     "a priority, a weight, a port and a target host name",
     "10 5 5060 sip.example.com.",
     {"priority", "weight", "port", "target"}},
    {rrtype::NAPTR,
     "an order, a preference, flags, a service, a regexp and a replacement",
     "100 10 \"U\" \"E2U+sip\" \"!^.*$!sip:info@example.com!\" .",
     {"order", "preference", "flags", "service", "regexp", "replacement"}},
    {rrtype::KX, "a preference and a host name", "10 kx.example.com.", {"preference", "exchanger"}},
    {more::LOC,
     "a latitude, a longitude, an altitude and optional sizes",
     "52 22 23.000 N 4 53 32.000 E -2.00m 1m 10000m 10m",
     {"location"}},
    {more::CERT,
     "a certificate type, a key tag, an algorithm and base64 data",
     "PGP 0 0 AQNRU3mG7TVTO2BkR47usntb102uFJtugbo6BSGvgqt4AQ==",
     {"certificate type", "key tag", "algorithm", "certificate"}},
    {more::APL, "address prefixes", "1:192.0.2.0/24 !2:2001:db8::/32", {"prefix"}},
    {rrtype::DS,
     "a key tag, an algorithm, a digest type and a hexadecimal digest",
     "60485 5 1 2bb183af5f22588179a53b0a98631fad1a292118",
     {"key tag", "algorithm", "digest type", "digest"}},
    {more::SSHFP,
     "an algorithm, a fingerprint type and a hexadecimal fingerprint",
     "4 2 0e1b1c5cba8a1a5cbe9b2e5ddda16a5d4b44b7da1a24a5b0e8e77d4b16c5d7b2",
     {"algorithm", "fingerprint type", "fingerprint"}},
    {more::IPSECKEY,
     "a precedence, a gateway type, an algorithm, a gateway and a base64 key",
     "10 1 2 192.0.2.38 AQNRU3mG7TVTO2BkR47usntb102uFJtugbo6BSGvgqt4AQ==",
     {"precedence", "gateway type", "algorithm", "gateway", "public key"}},
    {more::DHCID, "base64 data", "AAIBY2/AuCccgoJbsaxcQc9TUapptP69lOjxfNuVAA2kjEA=", {"data"}},
    {more::TLSA,
     "a certificate usage, a selector, a matching type and hexadecimal data",
     "3 1 1 0e1b1c5cba8a1a5cbe9b2e5ddda16a5d4b44b7da1a24a5b0e8e77d4b16c5d7b2",
     {"certificate usage", "selector", "matching type", "certificate association data"}},
    {more::SMIMEA,
     "a certificate usage, a selector, a matching type and hexadecimal data",
     "3 1 1 0e1b1c5cba8a1a5cbe9b2e5ddda16a5d4b44b7da1a24a5b0e8e77d4b16c5d7b2",
     {"certificate usage", "selector", "matching type", "certificate association data"}},
    {more::HIP,
     "an algorithm, a hexadecimal HIT, a base64 public key and optional rendezvous servers",
     "2 200100107b1a74df365639cc39f1d578 "
     "AwEAAbdxyhNuSutc5EMzxTs9LBPCIkOFH8cIvM4p9+LrV4e19WzK00+CI6zBCQTdtWsuxKbWIy87UOoJTwkUs7lBu+"
     "Upr1gsNrut79ryra+bSRGQb1slImA8YVJyuIDsj7kwzG7jnERNqnWxZ48AWkskmdHaVDP4BcelrTI3rMXdXF5D "
     "rvs.example.com.",
     {"data"}},
    {more::OPENPGPKEY, "a base64 key", "AQNRU3mG7TVTO2BkR47usntb102uFJtugbo6BSGvgqt4AQ==", {"key"}},
    {rrtype::SVCB,
     "a priority, a target name and parameters",
     "1 svc.example.com. alpn=h2,h3 port=8443",
     {"priority", "target", "parameters"}},
    {rrtype::HTTPS,
     "a priority, a target name and parameters",
     "1 . alpn=h2,h3",
     {"priority", "target", "parameters"}},
    {more::NID,
     "a preference and a node identifier",
     "10 0014:4fff:ff20:ee64",
     {"preference", "node identifier"}},
    {more::L32, "a preference and an IPv4 locator", "10 10.1.2.0", {"preference", "locator"}},
    {more::L64,
     "a preference and a 64-bit locator",
     "10 2001:0db8:1140:1000",
     {"preference", "locator"}},
    {more::LP,
     "a preference and a name",
     "10 l64-subnet1.example.com.",
     {"preference", "locator name"}},
    {more::EUI48, "a 48-bit address", "00-00-5e-00-53-2a", {"address"}},
    {more::EUI64, "a 64-bit address", "00-00-5e-ef-10-00-00-2a", {"address"}},
    {more::URI,
     "a priority, a weight and a quoted URI",
     "10 1 \"https://www.example.com/\"",
     {"priority", "weight", "target"}},
    {rrtype::CAA,
     "flags, a tag and a quoted value",
     "0 issue \"letsencrypt.org\"",
     {"flags", "tag", "value"}},
};

// A piece of text in double quotes for a message, written as in a JSON string (quotes and
// backslashes escaped: the form a client puts in its request), shortened when long.
std::string show(std::string_view s) {
    constexpr size_t max = 60;
    std::string out = "\"";
    for (size_t i = 0; i < s.size() && i < max; ++i) {
        if (s[i] == '"' || s[i] == '\\') out.push_back('\\');
        out.push_back(s[i]);
    }
    if (s.size() > max) out += "...";
    out.push_back('"');
    return out;
}

const TypeInfo* info_of(uint16_t type) {
    for (const TypeInfo& t : type_infos)
        if (t.type == type) return &t;
    return nullptr;
}

std::string tname(uint16_t type) {
    return dns::type_name(type);
}

// "MX needs a preference and a host name, such as \"10 mail.example.com.\""
std::string needs(uint16_t type) {
    const TypeInfo* i = info_of(type);
    if (!i) return tname(type) + " content is incomplete";
    return tname(type) + " needs " + i->needs + ", such as " + show(i->example);
}

// " (expected ..., such as \"...\")", or "" for types without an entry.
std::string expected(uint16_t type) {
    const TypeInfo* i = info_of(type);
    if (!i) return {};
    return std::string(" (expected ") + i->needs + ", such as " + show(i->example) + ")";
}

// "MX preference": the type and the name of field `f`.
std::string what(uint16_t type, size_t f) {
    const TypeInfo* i = info_of(type);
    const char* label = nullptr;
    if (i) {
        // Variable fields (TXT strings, HIP rendezvous servers) repeat the last label.
        size_t n = 0;
        while (n < 6 && i->fields[n]) ++n;
        if (n) label = i->fields[f < n ? f : n - 1];
    }
    if (type == more::HIP && f > 0) label = "rendezvous server";
    if (!label) return tname(type) + " field " + std::to_string(f + 1);
    return tname(type) + " " + label;
}

bool is_blank(char c) {
    return c == ' ' || c == '\t';
}

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

bool is_alnum(char c) {
    return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

bool is_hex(char c) {
    return is_digit(c) || ((c | 0x20) >= 'a' && (c | 0x20) <= 'f');
}

// One field of the content as written: quoted tokens keep their quotes, escapes are kept.
struct Token {
    std::string_view raw;
    bool quoted;
};

// Splits content into tokens as a zone-file reader would, refusing what only makes sense in a
// file (comments, parentheses) and what readers disagree on (text glued to a closing quote, a
// quote inside an unquoted token). `inner_quotes` allows key="value" tokens (SVCB, HTTPS).
Result<std::vector<Token>> tokenize(std::string_view s, bool inner_quotes) {
    std::vector<Token> out;
    size_t i = 0;
    auto close_quote = [&](size_t from) -> bool { // i at the opening quote; false if unclosed
        for (i = from + 1; i < s.size() && s[i] != '"'; ++i)
            if (s[i] == '\\') ++i;
        if (i >= s.size()) return false;
        ++i;
        return true;
    };
    for (;;) {
        while (i < s.size() && is_blank(s[i])) ++i;
        if (i >= s.size()) break;
        size_t start = i;
        if (s[i] == '"') {
            if (!close_quote(i))
                return fail("a quoted string is not closed: " + show(s.substr(start)));
            if (i < s.size() && !is_blank(s[i]))
                return fail("text right after a closing quote: " + show(s.substr(start)) +
                            " (put a blank between two fields)");
            out.push_back(Token{s.substr(start, i - start), true});
            continue;
        }
        while (i < s.size() && !is_blank(s[i])) {
            char c = s[i];
            if (c == '\\') {
                if (i + 1 >= s.size())
                    return fail("the content ends in a lone backslash (write a backslash as \\\\)");
                i += 2;
                continue;
            }
            if (c == ';')
                return fail("';' starts a comment in zone files and cannot be used here: put the "
                            "text in quotes or write \\;");
            if (c == '(' || c == ')')
                return fail(std::string("'") + c +
                            "' (a zone file's multi-line grouping) cannot be used here: write the "
                            "record on one line, and quote or escape (\\( \\)) a parenthesis "
                            "that is part of the data");
            if (c == '"') {
                if (!inner_quotes)
                    return fail("a quote inside " + show(s.substr(start, i - start + 1)) +
                                ": put the whole string in quotes and write a quote inside it "
                                "as \\\"");
                if (!close_quote(i))
                    return fail("a quoted string is not closed: " + show(s.substr(start)));
                continue;
            }
            ++i;
        }
        out.push_back(Token{s.substr(start, i - start), false});
    }
    return out;
}

std::string join(const std::vector<Token>& toks, size_t from = 0) {
    std::string s;
    for (size_t k = from; k < toks.size(); ++k) {
        if (k > from) s.push_back(' ');
        s.append(toks[k].raw);
    }
    return s;
}

// The octets of a character-string's text (quotes removed), escapes resolved, or the reason
// it cannot be read. Same rules as the zone-file scanner: \X, and \DDD with three digits.
Result<std::string> unescape(std::string_view s) {
    std::string out;
    for (size_t i = 0; i < s.size(); ++i) {
        uint8_t c = uint8_t(s[i]);
        if (c == '\\') {
            if (i + 1 >= s.size()) return fail("ends in a lone backslash");
            if (is_digit(s[i + 1])) {
                if (i + 3 >= s.size() || !is_digit(s[i + 2]) || !is_digit(s[i + 3]))
                    return fail("has a \\DDD escape without three digits (such as \\059)");
                unsigned v = unsigned(s[i + 1] - '0') * 100 + unsigned(s[i + 2] - '0') * 10 +
                             unsigned(s[i + 3] - '0');
                if (v > 255) return fail("has a \\DDD escape above \\255");
                c = uint8_t(v);
                i += 3;
            } else {
                c = uint8_t(s[++i]);
            }
        }
        out.push_back(char(c));
    }
    return out;
}

std::string_view inner(const Token& t) {
    return t.quoted ? t.raw.substr(1, t.raw.size() - 2) : t.raw;
}

// True when the name text ends in a dot that is not escaped ("a." yes, "a\." no, "a\\." yes).
bool ends_with_dot(std::string_view s) {
    if (s.empty() || s.back() != '.') return false;
    size_t backslashes = 0;
    for (size_t k = s.size() - 1; k > 0 && s[k - 1] == '\\'; --k) ++backslashes;
    return backslashes % 2 == 0;
}

bool parses_as(int af, std::string_view s) {
    if (s.empty() || s.size() > 63) return false;
    std::string z(s);
    unsigned char buf[16];
    return inet_pton(af, z.c_str(), buf) == 1;
}

std::optional<std::string> check_number(uint16_t type, size_t f, const Token& t, uint64_t max,
                                        bool mnemonic_ok) {
    std::string_view s = t.raw;
    if (t.quoted) return what(type, f) + " " + show(s) + " must not be in quotes";
    bool digits = !s.empty();
    for (char c : s) digits = digits && is_digit(c);
    if (!digits) {
        // A mnemonic such as RSASHA256 or DANE-EE starts with a letter ("-0" would reach
        // ldns's strtol, and a CERT type 0 read that way leaks in ldns 1.8.3: fuzz ZF-2).
        bool word = !s.empty() && !is_digit(s[0]) && s[0] != '-';
        for (char c : s) word = word && (is_alnum(c) || c == '-');
        if (mnemonic_ok && word) return std::nullopt; // ldns knows the mnemonics
        return what(type, f) + " " + show(s) + " is not a number from 0 to " + std::to_string(max) +
               expected(type);
    }
    uint64_t v = 0;
    for (char c : s) {
        v = v * 10 + uint64_t(c - '0');
        if (v > max) break;
    }
    if (v > max)
        return what(type, f) + " " + show(s) + " is not a number from 0 to " + std::to_string(max) +
               expected(type);
    return std::nullopt;
}

std::optional<std::string> check_name(uint16_t type, size_t f, const Token& t) {
    std::string_view s = t.raw;
    std::string w = what(type, f);
    if (t.quoted) return w + " " + show(s) + " must not be in quotes";
    if (s == "@") return w + " cannot be \"@\": write the full name, such as example.com.";
    for (char c : s)
        if (uint8_t(c) >= 0x80)
            return w + " " + show(s) +
                   " has non-ASCII characters: write an internationalized name in its xn-- "
                   "(punycode) form";
    std::string_view bare = ends_with_dot(s) ? s.substr(0, s.size() - 1) : s;
    if (parses_as(AF_INET, bare) || (bare.find(':') != bare.npos && parses_as(AF_INET6, bare)))
        return w + " " + show(s) +
               " is an IP address, but a name is needed here: give the address an A or AAAA "
               "record and use that record's name";
    Name root;
    auto n = Name::parse(s, &root);
    if (!n) return w + " " + show(s) + ": " + n.error();
    if (!ends_with_dot(s) && n->label_count() == 1)
        return w + " " + show(s) + " is a relative name: write the full name, such as " +
               std::string(s) + ".example.com.";
    if (n->is_root() && (type == rrtype::CNAME || type == rrtype::DNAME || type == rrtype::NS))
        return w + " cannot be the root \".\"" + expected(type);
    return std::nullopt;
}

std::optional<std::string> check_ipv4(uint16_t type, size_t f, const Token& t) {
    std::string_view s = t.raw;
    if (t.quoted) return what(type, f) + " " + show(s) + " must not be in quotes";
    if (parses_as(AF_INET, s)) return std::nullopt;
    if (type == rrtype::A && s.find(':') != s.npos && parses_as(AF_INET6, s))
        return show(s) + " is an IPv6 address: put it in an AAAA record";
    return (type == rrtype::A ? std::string() : what(type, f) + ": ") +
           "not an IPv4 address: " + show(s) + " (expected four numbers 0-255 such as 192.0.2.1)";
}

std::optional<std::string> check_ipv6(uint16_t type, size_t f, const Token& t) {
    std::string_view s = t.raw;
    if (t.quoted) return what(type, f) + " " + show(s) + " must not be in quotes";
    if (parses_as(AF_INET6, s)) return std::nullopt;
    if (type == rrtype::AAAA && parses_as(AF_INET, s))
        return show(s) + " is an IPv4 address: put it in an A record";
    return (type == rrtype::AAAA ? std::string() : what(type, f) + ": ") +
           "not an IPv6 address: " + show(s) +
           " (expected up to eight groups of hexadecimal digits separated by colons, such as "
           "2001:db8::1)";
}

std::optional<std::string> check_string(uint16_t type, size_t f, const Token& t, bool long_str) {
    auto octets = unescape(inner(t));
    if (!octets) return what(type, f) + " " + show(t.raw) + " " + octets.error();
    if (!long_str && octets->size() > 255) {
        std::string m = what(type, f) + " is " + std::to_string(octets->size()) +
                        " octets long; a string holds at most 255";
        if (type == rrtype::TXT)
            m += ": split it into several quoted strings, such as \"first part\" \"second part\" "
                 "(they are joined without a blank when read, as for SPF and DKIM)";
        return m;
    }
    return std::nullopt;
}

std::optional<std::string> check_hex(uint16_t type, size_t f, const std::vector<Token>& toks,
                                     size_t from) {
    size_t digits = 0;
    for (size_t k = from; k < toks.size(); ++k) {
        for (char c : toks[k].raw)
            if (toks[k].quoted || !is_hex(c))
                return what(type, f) + " " + show(join(toks, from)) +
                       " must be hexadecimal digits (0-9, a-f)" + expected(type);
        digits += toks[k].raw.size();
    }
    if (digits % 2)
        return what(type, f) + " " + show(join(toks, from)) + " has an odd number (" +
               std::to_string(digits) + ") of hexadecimal digits; two digits make one octet";
    return std::nullopt;
}

// Base64 as RFC 4648 writes it: groups of four characters, '=' padding only at the end, and
// the bits the padding leaves over zero (ldns refuses other forms).
bool valid_base64(std::string_view s) {
    auto value = [](char c) -> int {
        if (c >= 'A' && c <= 'Z') return c - 'A';
        if (c >= 'a' && c <= 'z') return c - 'a' + 26;
        if (is_digit(c)) return c - '0' + 52;
        if (c == '+') return 62;
        if (c == '/') return 63;
        return -1;
    };
    if (s.empty() || s.size() % 4) return false;
    size_t pad = 0;
    while (pad < 2 && s[s.size() - 1 - pad] == '=') ++pad;
    for (size_t i = 0; i < s.size() - pad; ++i)
        if (value(s[i]) < 0) return false;
    int last = value(s[s.size() - 1 - pad]);
    return pad == 0 || (last & (pad == 1 ? 0x03 : 0x0f)) == 0;
}

// IPSECKEY (RFC 4025): precedence, gateway type, algorithm, gateway, base64 public key.
std::optional<std::string> check_ipseckey(uint16_t type, const std::vector<Token>& toks,
                                          size_t ti) {
    size_t n = toks.size() - ti;
    if (n < 5) return needs(type);
    if (n > 5)
        return tname(type) +
               " has unexpected text after its last field: " + show(join(toks, ti + 5)) + "; " +
               needs(type);
    const Token* t = toks.data() + ti;
    if (auto e = check_number(type, 0, t[0], 255, false)) return e;
    if (auto e = check_number(type, 1, t[1], 3, false)) return e;
    if (auto e = check_number(type, 2, t[2], 255, false)) return e;
    std::optional<std::string> e;
    switch (t[1].raw.back()) {
    case '0':
        if (t[3].raw != ".")
            e = what(type, 3) + " " + show(t[3].raw) + " must be \".\" for gateway type 0";
        break;
    case '1':
        e = check_ipv4(type, 3, t[3]);
        break;
    case '2':
        e = check_ipv6(type, 3, t[3]);
        break;
    default:
        e = check_name(type, 3, t[3]);
    }
    if (e) return e;
    if (t[4].quoted || !valid_base64(t[4].raw))
        return what(type, 4) + " " + show(t[4].raw) + " is not base64" + expected(type);
    return std::nullopt;
}

// Checks the fields that are one token each against the type's ldns descriptor, and the field
// count where every field is one token. Sets quote[k] for unquoted tokens that ldns wants in
// quotes. Returns a message, or nullopt when ldns may have the content.
std::optional<std::string> check_fields(uint16_t type, const std::vector<Token>& toks,
                                        std::vector<bool>& quote) {
    const ldns_rr_descriptor* d = ldns_rr_descript(type);
    if (!d) return tname(type) + " is not a type this service can read";
    size_t min = ldns_rr_descriptor_minimum(d), max = ldns_rr_descriptor_maximum(d);
    size_t ti = 0, f = 0;
    bool stopped = false; // at a field of several tokens: ldns checks the rest
    for (; f < max && ti < toks.size() && !stopped; ++f) {
        const Token& t = toks[ti];
        std::optional<std::string> e;
        switch (ldns_rr_descriptor_field_type(d, f)) {
        case LDNS_RDF_TYPE_DNAME:
            e = check_name(type, f, t);
            break;
        case LDNS_RDF_TYPE_INT8:
            e = check_number(type, f, t, 255, false);
            break;
        case LDNS_RDF_TYPE_INT16:
            e = check_number(type, f, t, 65535, false);
            break;
        case LDNS_RDF_TYPE_INT32:
            e = check_number(type, f, t, 4294967295u, false);
            break;
        case LDNS_RDF_TYPE_ALG:
        case LDNS_RDF_TYPE_CERTIFICATE_USAGE:
        case LDNS_RDF_TYPE_SELECTOR:
        case LDNS_RDF_TYPE_MATCHING_TYPE:
            e = check_number(type, f, t, 255, true);
            break;
        case LDNS_RDF_TYPE_CERT_ALG:
            e = check_number(type, f, t, 65535, true);
            // Type 0 is reserved, and ldns 1.8.3 leaks the field when it reads it (fuzz ZF-2).
            if (!e && t.raw.find_first_not_of('0') == std::string_view::npos)
                e = what(type, f) + " 0 is reserved" + expected(type);
            break;
        case LDNS_RDF_TYPE_A:
            e = check_ipv4(type, f, t);
            break;
        case LDNS_RDF_TYPE_AAAA:
            e = check_ipv6(type, f, t);
            break;
        case LDNS_RDF_TYPE_STR:
            e = check_string(type, f, t, false);
            break;
        case LDNS_RDF_TYPE_LONG_STR:
            e = check_string(type, f, t, true);
            quote[ti] = !t.quoted;
            break;
        case LDNS_RDF_TYPE_TAG: {
            bool ok = !t.quoted && !t.raw.empty() && t.raw.size() <= 255;
            for (char c : t.raw) ok = ok && is_alnum(c);
            if (!ok)
                e = what(type, f) + " " + show(t.raw) +
                    " must be letters and digits only, such as issue, issuewild or iodef";
            break;
        }
        case LDNS_RDF_TYPE_EUI48:
        case LDNS_RDF_TYPE_EUI64:
        case LDNS_RDF_TYPE_ILNP64:
            if (t.quoted) e = what(type, f) + " " + show(t.raw) + " must not be in quotes";
            break;
        case LDNS_RDF_TYPE_HEX:
            if (f + 1 == max) { // the last field: the rest of the content
                e = check_hex(type, f, toks, ti);
                ti = toks.size();
            } else {
                e = check_hex(type, f, std::vector<Token>{t}, 0);
            }
            stopped = f + 1 == max;
            break;
        case LDNS_RDF_TYPE_HIP: // algorithm, HIT (hex) and public key (base64): three tokens
            if (ti + 3 > toks.size()) return needs(type);
            e = check_number(type, f, t, 255, false);
            if (!e) e = check_hex(type, f, std::vector<Token>{toks[ti + 1]}, 0);
            ti += 2;
            break;
        case LDNS_RDF_TYPE_IPSECKEY:
            // Checked whole: ldns 1.8.3 leaks when it reads more than five tokens, or an
            // invalid key after a gateway.
            e = check_ipseckey(type, toks, ti);
            ti = toks.size();
            stopped = true;
            break;
        default: // base64, LOC, APL, SVCB parameters...: several tokens, ldns's part
            stopped = true;
            continue;
        }
        if (e) return e;
        if (!stopped) ++ti;
    }
    if (stopped) return std::nullopt;
    if (ti < toks.size())
        return tname(type) + " has unexpected text after its last field: " + show(join(toks, ti)) +
               "; " + needs(type);
    if (f < min) return needs(type);
    return std::nullopt;
}

RrPtr ldns_parse(const std::string& line, const ldns_rdf* origin, ldns_status& st) {
    ldns_rr* raw = nullptr;
    st = ldns_rr_new_frm_str(&raw, line.c_str(), 0, origin, nullptr);
    RrPtr rr(raw);
    if (st != LDNS_STATUS_OK) rr.reset();
    return rr;
}

// A one-label origin no content names: a name ldns has read relative to it ends in it.
const ldns_rdf* sentinel_origin() {
    static const std::unique_ptr<ldns_rdf, LdnsRdfFree> origin(
        ldns_dname_new_frm_data(3, "\001\000\000"));
    return origin.get();
}

unsigned label_count(const uint8_t* wire, size_t len) {
    unsigned n = 0;
    for (size_t pos = 0; pos < len && wire[pos] != 0; pos += 1 + wire[pos]) ++n;
    return n;
}

// Names ldns read without an origin (`abs`) against the same names read with the sentinel
// origin (`rel`): a name that differs was written without its final dot.
std::optional<std::string> check_relative_names(uint16_t type, const ldns_rr* abs,
                                                const ldns_rr* rel) {
    if (ldns_rr_rd_count(abs) != ldns_rr_rd_count(rel))
        return tname(type) + " content is read differently depending on the origin";
    for (size_t i = 0; i < ldns_rr_rd_count(abs); ++i) {
        const ldns_rdf* a = ldns_rr_rdf(abs, i);
        const ldns_rdf* r = ldns_rr_rdf(rel, i);
        if (ldns_rdf_get_type(a) != LDNS_RDF_TYPE_DNAME) continue;
        if (ldns_rdf_size(a) == ldns_rdf_size(r) &&
            std::memcmp(ldns_rdf_data(a), ldns_rdf_data(r), ldns_rdf_size(a)) == 0)
            continue;
        if (ldns_rdf_size(a) <= 1) // ldns put the origin for "@" or a first label "@"
            return tname(type) +
                   " content has a name that is \"@\" or begins with the label \"@\", which "
                   "zone-file readers take for the zone's own name: write the full name";
        if (label_count(ldns_rdf_data(a), ldns_rdf_size(a)) == 1) {
            std::string n = Name::from_wire_unchecked(
                                std::string_view(reinterpret_cast<const char*>(ldns_rdf_data(a)),
                                                 ldns_rdf_size(a)))
                                .to_text();
            n.pop_back();
            return what(type, i) + " " + show(n) +
                   " is a relative name: write the full name, such as " + n + ".example.com.";
        }
    }
    return std::nullopt;
}

// Checks ldns does not make: digest lengths that must match their type, LOC in range.
std::optional<std::string> check_wire(uint16_t type, std::string_view rd) {
    auto digest = [&](const char* field, const char* kind_field, unsigned kind, const char* algo,
                      size_t at, size_t want) -> std::optional<std::string> {
        size_t have = rd.size() - at;
        if (want == 0 || have == want) return std::nullopt;
        return tname(type) + " " + kind_field + " " + std::to_string(kind) + " (" + algo +
               ") needs a " + field + " of " + std::to_string(want) + " octets (" +
               std::to_string(2 * want) + " hexadecimal digits), not " + std::to_string(have);
    };
    switch (type) {
    case rrtype::DS: {
        if (rd.size() < 4) break;
        unsigned kind = uint8_t(rd[3]);
        static const char* const algo[] = {"", "SHA-1", "SHA-256", "GOST R 34.11-94", "SHA-384"};
        static const size_t size[] = {0, 20, 32, 32, 48};
        if (kind > 4) break;
        return digest("digest", "digest type", kind, algo[kind], 4, size[kind]);
    }
    case more::SSHFP: {
        if (rd.size() < 2) break;
        unsigned kind = uint8_t(rd[1]);
        if (kind == 0 || kind > 2) break;
        return digest("fingerprint", "fingerprint type", kind, kind == 1 ? "SHA-1" : "SHA-256", 2,
                      kind == 1 ? 20 : 32);
    }
    case more::TLSA:
    case more::SMIMEA: {
        if (rd.size() < 3) break;
        unsigned kind = uint8_t(rd[2]);
        if (kind == 0 || kind > 2) break;
        return digest("value", "matching type", kind, kind == 1 ? "SHA-256" : "SHA-512", 3,
                      kind == 1 ? 32 : 64);
    }
    case more::LOC: {
        if (rd.size() != 16 || rd[0] != 0) break;
        const uint8_t* p = reinterpret_cast<const uint8_t*>(rd.data());
        int64_t lat = int64_t(dns::get32(p + 4)) - (int64_t(1) << 31);
        int64_t lon = int64_t(dns::get32(p + 8)) - (int64_t(1) << 31);
        if (lat > 90 * 3600000LL || lat < -90 * 3600000LL)
            return "LOC latitude is more than 90 degrees from the equator" + expected(type);
        if (lon > 180 * 3600000LL || lon < -180 * 3600000LL)
            return "LOC longitude is more than 180 degrees from Greenwich" + expected(type);
        break;
    }
    default:
        break;
    }
    return std::nullopt;
}

// ldns's presentation form of the RDATA, with single blanks between fields.
Result<std::string> canonical_text(uint16_t type, std::string_view rdata) {
    std::string line = record_text(std::string_view("\0", 1), type, dns::rrclass::IN, 0, rdata);
    size_t p = 0;
    for (int k = 0; k < 4; ++k) { // owner, TTL, class, type
        p = line.find('\t', p);
        if (p == std::string::npos) return fail("ldns cannot print it");
        ++p;
    }
    std::string_view rd(line);
    rd = rd.substr(p);
    while (!rd.empty() && (rd.back() == '\n' || is_blank(rd.back()))) rd.remove_suffix(1);
    auto toks = tokenize(rd, type == rrtype::SVCB || type == rrtype::HTTPS);
    if (!toks) return fail("ldns prints it in a form that cannot be read back: " + show(rd));
    return join(*toks);
}

Result<Content> parse(uint16_t type, std::string_view text, bool verify) {
    if (text.size() > max_content_chars)
        return fail(tname(type) + " content is " + std::to_string(text.size()) +
                    " characters long; at most " + std::to_string(max_content_chars) +
                    " are accepted");
    for (size_t i = 0; i < text.size(); ++i) {
        uint8_t c = uint8_t(text[i]);
        if (c == '\n' || c == '\r')
            return fail(tname(type) + " content must be one line; it has a line break");
        if ((c < 0x20 && c != '\t') || c == 0x7f) {
            char buf[96];
            std::snprintf(buf, sizeof buf,
                          " content has the control character 0x%02x at offset %zu; write it as "
                          "\\%03u",
                          unsigned(c), i, unsigned(c));
            return fail(tname(type) + buf);
        }
    }
    auto toks = tokenize(text, type == rrtype::SVCB || type == rrtype::HTTPS);
    if (!toks) return fail(tname(type) + " content: " + toks.error());
    if (toks->empty()) return fail("empty content: " + needs(type));
    for (const Token& t : *toks)
        if (!t.quoted && t.raw == "\\#")
            return fail(tname(type) +
                        " content: the RFC 3597 form \\# is not accepted; write the record in "
                        "its usual form" +
                        expected(type));
    if (type == rrtype::TXT && toks->size() > 1)
        for (const Token& t : *toks)
            if (!t.quoted)
                return fail("TXT text with blanks must be quoted: write \"v=spf1 -all\" for one "
                            "string, or \"part one\" \"part two\" for several (unquoted, " +
                            show(text) + " would be " + std::to_string(toks->size()) + " strings)");

    std::vector<bool> quote(toks->size(), false);
    if (auto e = check_fields(type, *toks, quote)) return fail(*e);

    // The line ldns reads: single blanks, CAA values and URI targets in quotes.
    std::string line = ". 0 IN " + tname(type);
    for (size_t k = 0; k < toks->size(); ++k) {
        line.push_back(' ');
        if (quote[k]) line.push_back('"');
        line.append((*toks)[k].raw);
        if (quote[k]) line.push_back('"');
    }
    ldns_status st;
    RrPtr rr = ldns_parse(line, nullptr, st);
    if (!rr) {
        if (st == LDNS_STATUS_SYNTAX_MISSING_VALUE_ERR) return fail(needs(type));
        if (st == LDNS_STATUS_SYNTAX_SUPERFLUOUS_TEXT_ERR)
            return fail(tname(type) + " has unexpected text after its last field; " + needs(type));
        return fail(tname(type) + " content " + show(text) +
                    " is not valid (ldns: " + ldns_get_errorstr_by_id(st) + ")" + expected(type));
    }
    if (ldns_rr_get_type(rr.get()) != type)
        return fail(tname(type) + " content was read as another type");
    ldns_status st2;
    RrPtr rel = ldns_parse(line, sentinel_origin(), st2);
    if (!rel)
        return fail(tname(type) +
                    " content has a domain name too long to be read without its final dot: "
                    "add the trailing \".\"");
    if (auto e = check_relative_names(type, rr.get(), rel.get())) return fail(*e);

    std::unique_ptr<ldns_buffer, LdnsBufferFree> buf(ldns_buffer_new(512));
    if (!buf || ldns_rr_rdata2buffer_wire(buf.get(), rr.get()) != LDNS_STATUS_OK)
        return fail(tname(type) + " content cannot be encoded");
    Content c;
    c.rdata.assign(reinterpret_cast<const char*>(ldns_buffer_begin(buf.get())),
                   ldns_buffer_position(buf.get()));
    if (c.rdata.size() > 65535)
        return fail(tname(type) + " data is " + std::to_string(c.rdata.size()) +
                    " octets long; a record holds at most 65535");
    if (auto ok = dns::check_rdata(type, c.rdata); !ok) return fail(ok.error());
    if (auto e = check_wire(type, c.rdata)) return fail(*e);

    auto t = canonical_text(type, c.rdata);
    if (!t) return fail(tname(type) + " content cannot be stored: " + t.error());
    c.text = std::move(*t);
    if (verify) {
        auto back = parse(type, c.text, false);
        if (!back || back->rdata != c.rdata)
            return fail(tname(type) + " content cannot be stored: its standard form " +
                        show(c.text) + " does not read back to the same data" +
                        (back ? std::string() : " (" + back.error() + ")"));
    }
    return c;
}

} // namespace

Result<Content> parse_content(uint16_t type, std::string_view text) {
    if (auto why = refused_type(type)) return fail(*why);
    return parse(type, text, true);
}

Result<std::string> content_text(uint16_t type, std::string_view rdata) {
    return canonical_text(type, rdata);
}

std::string_view content_example(uint16_t type) {
    const TypeInfo* i = info_of(type);
    return i ? std::string_view(i->example) : std::string_view();
}

std::optional<std::string> refused_type(uint16_t type) {
    const std::string n = tname(type);
    switch (type) {
    case rrtype::A:
    case rrtype::NS:
    case rrtype::CNAME:
    case rrtype::PTR:
    case rrtype::HINFO:
    case rrtype::MX:
    case rrtype::TXT:
    case rrtype::RP:
    case rrtype::AFSDB:
    case rrtype::AAAA:
    case more::LOC:
    case rrtype::SRV:
    case rrtype::NAPTR:
    case rrtype::KX:
    case more::CERT:
    case rrtype::DNAME:
    case more::APL:
    case rrtype::DS:
    case more::SSHFP:
    case more::IPSECKEY:
    case more::DHCID:
    case more::TLSA:
    case more::SMIMEA:
    case more::HIP:
    case more::OPENPGPKEY:
    case rrtype::SVCB:
    case rrtype::HTTPS:
    case more::NID:
    case more::L32:
    case more::L64:
    case more::LP:
    case more::EUI48:
    case more::EUI64:
    case more::URI:
    case rrtype::CAA:
        return std::nullopt;
    case rrtype::SOA:
        return "SOA records are managed by the service: the serial changes with every write and "
               "the other fields are the zone's settings";
    case rrtype::RRSIG:
    case rrtype::NSEC:
    case rrtype::NSEC3:
    case more::NSEC3PARAM:
    case more::ZONEMD:
        return n + " records are generated from the zone's data (when a zone is signed or "
                   "digested) and cannot be added by hand";
    case rrtype::DNSKEY:
    case more::CDS:
    case more::CDNSKEY:
    case more::CSYNC:
        return n + " records only mean something in a signed zone, and this service does not "
                   "sign zones (a DS record for a delegated child zone is accepted)";
    case 0:
        return "type 0 is reserved (RFC 6895) and is not a record type";
    case rrtype::OPT:
    case more::TKEY:
    case more::TSIG:
    case rrtype::IXFR:
    case rrtype::AXFR:
    case more::MAILB:
    case more::MAILA:
    case rrtype::ANY:
        return n + " is a query or meta type (RFC 6895), never zone data";
    case rrtype::MD:
    case rrtype::MF:
        return n + " is obsolete (RFC 973): use MX";
    case rrtype::MB:
    case rrtype::MG:
    case rrtype::MR:
    case rrtype::MINFO:
        return n + " is an experimental mailbox type of RFC 1035 that mail software never used";
    case more::NULL_:
        return "NULL records are not allowed in zone data (RFC 1035 3.3.10)";
    case more::WKS:
        return "WKS is obsolete (RFC 1123 2.2): publish services with SRV or HTTPS records";
    case rrtype::SIG:
    case more::KEY:
    case rrtype::NXT:
        return n + " is an obsolete DNSSEC type (RFC 3755) this service does not serve";
    case more::A6:
        return "A6 is historic (RFC 6563): use AAAA";
    case rrtype::SPF:
        return "the SPF record type is discontinued (RFC 7208 3.1) and receivers ignore it: "
               "publish the policy as a TXT record, such as \"v=spf1 -all\"";
    case more::X25:
    case more::ISDN:
    case rrtype::RT:
    case more::NSAP:
    case more::NSAP_PTR:
    case rrtype::PX:
    case more::GPOS:
    case more::EID:
    case more::NIMLOC:
    case more::ATMA:
    case more::SINK:
    case more::NINFO:
    case more::RKEY:
    case more::TALINK:
    case more::UINFO:
    case more::UID:
    case more::GID:
    case more::UNSPEC:
    case more::AVC:
    case more::DOA:
    case more::AMTRELAY:
    case more::TA:
    case more::DLV:
        return n + " is an obsolete, experimental or unregistered type this service does not "
                   "serve";
    default:
        break;
    }
    if (type >= 128 && type <= 255) return n + " is in the range of meta and query types";
    if (type >= 65280 && type <= 65534) return n + " is a private-use type (RFC 6895)";
    if (type == 65535) return "TYPE65535 is reserved (RFC 6895)";
    return n + " is not a record type this service knows";
}

std::optional<uint16_t> parse_type(std::string_view text) {
    if (text.empty() || text.size() > 16) return std::nullopt;
    for (char c : text)
        if (!is_alnum(c) && c != '-') return std::nullopt;
    return dns::type_from_name(text);
}

Result<std::string> resolve_owner(std::string_view given, std::string_view origin) {
    for (char c : given)
        if (uint8_t(c) <= 0x20 || uint8_t(c) == 0x7f)
            return fail("owner name " + show(given) +
                        " has a blank or a control character (write it as \\032 or \\DDD)");
    for (char c : given)
        if (uint8_t(c) >= 0x80)
            return fail("owner name " + show(given) +
                        " has non-ASCII characters: write an internationalized name in its xn-- "
                        "(punycode) form");
    Name root;
    auto zone = origin.empty() ? Result<Name>(root) : Name::parse(std::string(origin) + ".");
    if (!zone) return fail("zone name " + show(origin) + ": " + zone.error());
    auto text = [](const Name& n) {
        std::string s = n.lowercased().to_text();
        s.pop_back(); // the root's "." becomes ""
        return s;
    };
    if (given.empty() || given == "@") return text(*zone);
    const std::string zone_text = origin.empty() ? "the root zone" : "the zone " + text(*zone);
    if (ends_with_dot(given)) {
        auto n = Name::parse(given);
        if (!n) return fail("owner name " + show(given) + ": " + n.error());
        if (!n->is_subdomain_of(*zone))
            return fail("owner name " + show(given) + " is outside " + zone_text +
                        ": write a name relative to the zone (\"www\"), or the full name "
                        "ending in " +
                        text(*zone) + ".");
        return text(*n);
    }
    if (auto n = Name::parse(given, &root); n && n->is_subdomain_of(*zone)) return text(*n);
    auto n = Name::parse(given, &*zone);
    if (!n) return fail("owner name " + show(given) + " in " + zone_text + ": " + n.error());
    return text(*n);
}

} // namespace endpointdns::zone
