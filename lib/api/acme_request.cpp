// SPDX-License-Identifier: MIT
// Request bodies of lego's httpreq DNS provider and their HTTP Basic credentials, parsed and
// checked before any database work.
#include "api/acme_request.hpp"

#include <openssl/sha.h>
#include <sodium.h>

#include <array>

namespace endpointdns::api {

namespace {

// ASCII only, whatever the locale.
bool ascii_alnum(uint8_t c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// A host name as the owner of a TXT record: lowercase, no trailing dot; nullopt when it is not
// one (why in `why`).
std::optional<std::string> host_name(std::string_view text, std::string& why) {
    std::string s(text);
    if (!s.empty() && s.back() == '.') s.pop_back();
    if (s.empty()) {
        why = "is empty";
        return std::nullopt;
    }
    if (s.size() > 253) {
        why = "is longer than 253 characters";
        return std::nullopt;
    }
    size_t labels = 0, start = 0;
    for (;;) {
        size_t dot = s.find('.', start);
        size_t end = dot == std::string::npos ? s.size() : dot;
        std::string_view label(s.data() + start, end - start);
        if (label.empty()) {
            why = "has an empty label";
            return std::nullopt;
        }
        if (label.size() > 63) {
            why = "has a label longer than 63 characters";
            return std::nullopt;
        }
        for (char ch : label) {
            auto c = uint8_t(ch);
            if (!(ascii_alnum(c) || c == '-' || c == '_')) {
                why = "holds a character other than letters, digits, '-' and '_' (" +
                      (c >= 0x20 && c < 0x7f ? "'" + std::string(1, ch) + "'"
                                             : "octet " + std::to_string(c)) +
                      ")";
                return std::nullopt;
            }
        }
        ++labels;
        if (dot == std::string::npos) break;
        start = dot + 1;
    }
    if (labels < 2) {
        why = "is not a name under a domain (one label)";
        return std::nullopt;
    }
    for (auto& ch : s)
        if (ch >= 'A' && ch <= 'Z') ch = char(ch - 'A' + 'a');
    return s;
}

void add_error(AcmeParse& out, const std::string& field, const std::string& detail) {
    out.errors.push_back({{"field", field}, {"detail", detail}});
}

// A string field: nullptr (and an error) when it is absent or not a string.
const std::string* string_field(const nlohmann::json& body, const char* name, AcmeParse& out) {
    auto it = body.find(name);
    if (it == body.end()) {
        add_error(out, name, "is missing");
        return nullptr;
    }
    if (!it->is_string()) {
        add_error(out, name, std::string("must be a string, not ") + it->type_name());
        return nullptr;
    }
    return it->get_ptr<const std::string*>();
}

} // namespace

std::string acme_txt_value(std::string_view key_authorization) {
    std::array<unsigned char, SHA256_DIGEST_LENGTH> digest{};
    SHA256(reinterpret_cast<const unsigned char*>(key_authorization.data()),
           key_authorization.size(), digest.data());
    static constexpr char alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    std::string out;
    size_t i = 0;
    for (; i + 3 <= digest.size(); i += 3) {
        uint32_t v = uint32_t(digest[i]) << 16 | uint32_t(digest[i + 1]) << 8 | digest[i + 2];
        out += alphabet[v >> 18 & 63];
        out += alphabet[v >> 12 & 63];
        out += alphabet[v >> 6 & 63];
        out += alphabet[v & 63];
    }
    // 32 octets: two left over, three characters, no padding
    uint32_t v = uint32_t(digest[i]) << 16 | uint32_t(digest[i + 1]) << 8;
    out += alphabet[v >> 18 & 63];
    out += alphabet[v >> 12 & 63];
    out += alphabet[v >> 6 & 63];
    return out;
}

std::string txt_content(std::string_view value) {
    std::string out = "\"";
    for (char ch : value) {
        if (ch == '"' || ch == '\\') out += '\\';
        out += ch;
    }
    out += '"';
    return out;
}

AcmeParse parse_httpreq_body(const nlohmann::json& body) {
    AcmeParse out;
    if (!body.is_object()) {
        out.detail = std::string("the body must be a JSON object, not ") + body.type_name() +
                     ": {\"fqdn\", \"value\"} or, in RAW mode, {\"domain\", \"token\", "
                     "\"keyAuth\"}";
        add_error(out, "", out.detail);
        return out;
    }
    bool default_mode = body.contains("fqdn") || body.contains("value");
    bool raw_mode = body.contains("domain") || body.contains("keyAuth") || body.contains("token");
    for (const auto& [k, v] : body.items())
        if (k != "fqdn" && k != "value" && k != "domain" && k != "token" && k != "keyAuth")
            add_error(out, k,
                      "is not a field of this request (fqdn and value, or domain, token "
                      "and keyAuth)");
    if (default_mode && raw_mode) {
        add_error(out, "",
                  "holds fields of both modes: send fqdn and value, or (RAW mode) domain, token "
                  "and keyAuth");
    } else if (!raw_mode) {
        AcmeTxt t;
        bool ok = true;
        if (const auto* f = string_field(body, "fqdn", out)) {
            std::string why;
            auto name = host_name(*f, why);
            if (name)
                t.fqdn = *name;
            else {
                add_error(out, "fqdn", "\"" + f->substr(0, 300) + "\" " + why);
                ok = false;
            }
        } else {
            ok = false;
        }
        if (const auto* v = string_field(body, "value", out)) {
            bool printable = true;
            for (char ch : *v) printable = printable && uint8_t(ch) >= 0x20 && uint8_t(ch) < 0x7f;
            if (v->empty() || v->size() > 255) {
                add_error(out, "value",
                          "must be 1 to 255 characters long, got " + std::to_string(v->size()));
                ok = false;
            } else if (!printable) {
                add_error(out, "value", "must be printable ASCII (a challenge value is base64url)");
                ok = false;
            } else {
                t.value = *v;
            }
        } else {
            ok = false;
        }
        if (ok && out.errors.empty()) out.txt = std::move(t);
    } else {
        AcmeTxt t;
        t.raw = true;
        bool ok = true;
        if (const auto* d = string_field(body, "domain", out)) {
            std::string_view dv = *d;
            if (dv.substr(0, 2) == "*.") dv.remove_prefix(2); // the wildcard's own name
            std::string why;
            auto name = host_name(dv, why);
            if (name && name->size() + 16 > 253) {
                name.reset();
                why = "is too long for a name under _acme-challenge";
            }
            if (name)
                t.fqdn = "_acme-challenge." + *name;
            else {
                add_error(out, "domain", "\"" + d->substr(0, 300) + "\" " + why);
                ok = false;
            }
        } else {
            ok = false;
        }
        if (auto it = body.find("token"); it != body.end() && !it->is_string()) {
            add_error(out, "token", std::string("must be a string, not ") + it->type_name());
            ok = false;
        }
        if (const auto* k = string_field(body, "keyAuth", out)) {
            if (k->empty() || k->size() > max_key_authorization) {
                add_error(out, "keyAuth",
                          "must be 1 to " + std::to_string(max_key_authorization) +
                              " characters long, got " + std::to_string(k->size()));
                ok = false;
            } else {
                t.value = acme_txt_value(*k);
            }
        } else {
            ok = false;
        }
        if (ok && out.errors.empty()) out.txt = std::move(t);
    }
    if (!out.txt && out.detail.empty()) {
        const auto& first = out.errors.front();
        std::string field = first["field"].get<std::string>();
        out.detail = "the request is not valid: " + (field.empty() ? "the body" : field) + " " +
                     first["detail"].get<std::string>();
    }
    return out;
}

std::optional<BasicCredentials> parse_basic_auth(std::string_view header) {
    while (!header.empty() && header.front() == ' ') header.remove_prefix(1);
    if (header.size() < 6) return std::nullopt;
    for (size_t i = 0; i < 5; ++i)
        if ((header[i] | 0x20) != "basic"[i]) return std::nullopt;
    if (header[5] != ' ') return std::nullopt;
    std::string_view b64 = header.substr(6);
    while (!b64.empty() && b64.front() == ' ') b64.remove_prefix(1);
    while (!b64.empty() && b64.back() == ' ') b64.remove_suffix(1);
    if (b64.empty() || b64.size() > 4096) return std::nullopt;
    // libsodium's decoder takes some octets above 0x7f for base64 characters: only the
    // alphabet gets to it.
    for (char ch : b64)
        if (!(ascii_alnum(uint8_t(ch)) || ch == '+' || ch == '/' || ch == '=')) return std::nullopt;
    std::string raw(b64.size(), '\0');
    size_t len = 0;
    const char* end = nullptr;
    if (sodium_base642bin(reinterpret_cast<unsigned char*>(raw.data()), raw.size(), b64.data(),
                          b64.size(), nullptr, &len, &end, sodium_base64_VARIANT_ORIGINAL) != 0 ||
        end != b64.data() + b64.size())
        return std::nullopt;
    raw.resize(len);
    auto colon = raw.find(':');
    if (colon == std::string::npos) return std::nullopt;
    return BasicCredentials{raw.substr(0, colon), raw.substr(colon + 1)};
}

} // namespace endpointdns::api
