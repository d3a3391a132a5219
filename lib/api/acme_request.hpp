// SPDX-License-Identifier: MIT
// Request bodies of lego's httpreq DNS provider (POST /v1/acme/httpreq/present and .../cleanup)
// and their HTTP Basic credentials, parsed and checked before any database work.
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace endpointdns::api {

// The TXT record a body asks for: where, and which value.
struct AcmeTxt {
    std::string fqdn;  // the owner: lowercase, without the trailing dot
    std::string value; // the TXT value: 1 to 255 octets of printable ASCII
    bool raw = false;  // from a RAW mode body: value is computed from keyAuth
};

// The outcome of parsing: txt, or errors [{"field", "detail"}] and a one-line summary.
struct AcmeParse {
    std::optional<AcmeTxt> txt;
    nlohmann::json errors = nlohmann::json::array();
    std::string detail;
};

// Longest keyAuth accepted (a real one is a token, a dot and a thumbprint: under 100 octets).
constexpr size_t max_key_authorization = 1024;

// Parses a body of lego's httpreq provider, in either mode:
//   default {"fqdn": "_acme-challenge.example.com.", "value": "<TXT value>"}
//   RAW     {"domain": "example.com", "token": "<token>", "keyAuth": "<key authorization>"}
// where the value is acme_txt_value(keyAuth) and the owner "_acme-challenge.<domain>" (a leading
// "*." of domain dropped). fqdn and domain are host names (letters, digits, '-', '_'; 2 labels
// or more; the trailing dot optional); token is optional and unused. Missing and unknown
// fields, wrong JSON types and a body mixing both modes are errors.
AcmeParse parse_httpreq_body(const nlohmann::json& body);

// The TXT value of a DNS-01 challenge (RFC 8555 8.4): base64url of the SHA-256 of the key
// authorization, without padding (43 characters).
std::string acme_txt_value(std::string_view key_authorization);

// The TXT content (presentation form) of one string holding value: quoted, '"' and '\' escaped.
std::string txt_content(std::string_view value);

// The user name and password of an "Authorization: Basic <base64>" header value (RFC 7617);
// nullopt when the scheme is another one, the base64 is invalid or there is no colon.
struct BasicCredentials {
    std::string user;
    std::string password;
};
std::optional<BasicCredentials> parse_basic_auth(std::string_view header);

} // namespace endpointdns::api
