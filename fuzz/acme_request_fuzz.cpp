// SPDX-License-Identifier: MIT
// Fuzz target: bodies of lego's httpreq provider and HTTP Basic credentials (lib/api/acme_request).
//
// Input: one octet picking what is parsed (even: the rest is a JSON body for
// parse_httpreq_body; odd: the rest is an Authorization header value for parse_basic_auth).
// Properties: parsing never crashes; a body either yields a TXT record or errors, never both;
// the owner is lowercase without a trailing dot, at most 253 characters, and the value 1 to
// 255 octets of printable ASCII whose TXT content parses back to that one string; a RAW body's
// value is 43 base64url characters; credentials, when found, re-encode to the header's base64.
#include "api/acme_request.hpp"
#include "dns/rr.hpp"
#include "fuzz_util.hpp"
#include "zone/content.hpp"

#include <sodium.h>

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>

using namespace endpointdns;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size < 1) return 0;
    std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
    if (data[0] % 2 == 1) {
        auto c = api::parse_basic_auth(text);
        if (!c) return 0;
        std::string joined = c->user + ":" + c->password;
        std::string b64(sodium_base64_ENCODED_LEN(joined.size(), sodium_base64_VARIANT_ORIGINAL),
                        '\0');
        sodium_bin2base64(b64.data(), b64.size(),
                          reinterpret_cast<const unsigned char*>(joined.data()), joined.size(),
                          sodium_base64_VARIANT_ORIGINAL);
        b64.resize(std::strlen(b64.c_str()));
        if (text.find(b64) == std::string_view::npos) fuzz::die("credentials do not re-encode");
        return 0;
    }
    auto body = nlohmann::json::parse(text, nullptr, false);
    if (body.is_discarded()) return 0;
    auto p = api::parse_httpreq_body(body);
    if (p.txt && !p.errors.empty()) fuzz::die("a record and errors");
    if (!p.txt) {
        if (p.errors.empty() || p.detail.empty()) fuzz::die("refused without an error");
        for (const auto& e : p.errors)
            if (!e.contains("field") || !e.contains("detail")) fuzz::die("error without field");
        return 0;
    }
    const auto& t = *p.txt;
    if (t.fqdn.empty() || t.fqdn.size() > 253 || t.fqdn.back() == '.') fuzz::die("bad owner");
    for (char ch : t.fqdn)
        if (ch >= 'A' && ch <= 'Z') fuzz::die("owner not lowercase");
    if (t.value.empty() || t.value.size() > 255) fuzz::die("value length");
    for (char ch : t.value)
        if (uint8_t(ch) < 0x20 || uint8_t(ch) >= 0x7f) fuzz::die("value not printable");
    if (t.raw && t.value.size() != 43) fuzz::die("RAW value is not 43 characters");
    auto c = zone::parse_content(dns::rrtype::TXT, api::txt_content(t.value));
    if (!c) fuzz::die("TXT content does not parse: " + c.error());
    if (c->rdata != std::string(1, char(t.value.size())) + t.value)
        fuzz::die("TXT content is not the one string");
    return 0;
}
