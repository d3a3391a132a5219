// SPDX-License-Identifier: MIT
// API keys: random secrets with a visible prefix, stored as SHA-256, and their scopes.
#include "auth/key.hpp"

#include "dns/rr.hpp"
#include "error.hpp"

#include <nlohmann/json.hpp>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <algorithm>

namespace endpointdns::auth {

namespace {

constexpr std::string_view alphabet =
    "abcdefghijklmnopqrstuvwxyz234567"; // RFC 4648 base32, lowercase
constexpr std::string_view key_start = "edk_";
constexpr std::string_view session_start = "eds_"; // same length as key_start
constexpr size_t prefix_chars = 10, secret_chars = 32;

} // namespace

std::string random_base32(size_t chars) {
    std::string raw(chars, '\0');
    if (RAND_bytes(reinterpret_cast<unsigned char*>(raw.data()), int(raw.size())) != 1)
        throw Error(ex_oserr, "cannot generate a key: the random number generator failed");
    std::string out;
    out.reserve(chars);
    for (unsigned char c : raw) out += alphabet[c & 31]; // 5 of each byte's 8 random bits
    return out;
}

namespace {

char lower(char c) {
    return (c >= 'A' && c <= 'Z') ? char(c + 32) : c;
}

} // namespace

namespace {

NewKey generate(std::string_view start) {
    NewKey k;
    k.prefix = std::string(start) + random_base32(prefix_chars);
    k.secret = k.prefix + random_base32(secret_chars);
    k.hash = hash_key(k.secret);
    return k;
}

} // namespace

NewKey generate_key() {
    return generate(key_start);
}

NewKey generate_session_token() {
    return generate(session_start);
}

std::optional<std::string> key_prefix(std::string_view key) {
    if (key.size() != key_start.size() + prefix_chars + secret_chars) return std::nullopt;
    auto start = key.substr(0, key_start.size());
    if (start != key_start && start != session_start) return std::nullopt;
    for (char c : key.substr(key_start.size()))
        if (alphabet.find(c) == std::string_view::npos) return std::nullopt;
    return std::string(key.substr(0, key_start.size() + prefix_chars));
}

std::string hash_key(std::string_view key) {
    unsigned char md[SHA256_DIGEST_LENGTH];
    SHA256(reinterpret_cast<const unsigned char*>(key.data()), key.size(), md);
    return std::string(reinterpret_cast<const char*>(md), sizeof md);
}

bool name_matches(std::string_view p, std::string_view n) {
    // Iterative glob with one backtrack point: linear enough for short patterns, no recursion.
    size_t pi = 0, ni = 0, star = std::string_view::npos, mark = 0;
    while (ni < n.size()) {
        if (pi < p.size() && (p[pi] == '?' || lower(p[pi]) == lower(n[ni]))) {
            ++pi;
            ++ni;
        } else if (pi < p.size() && p[pi] == '*') {
            star = pi++;
            mark = ni;
        } else if (star != std::string_view::npos) {
            pi = star + 1;
            ni = ++mark;
        } else {
            return false;
        }
    }
    while (pi < p.size() && p[pi] == '*') ++pi;
    return pi == p.size();
}

bool Scope::allows_domain(std::string_view zone) const {
    return domains.empty() || std::find(domains.begin(), domains.end(), zone) != domains.end();
}

bool Scope::allows_rrset(std::string_view zone, std::string_view owner, uint16_t type) const {
    if (!allows_domain(zone)) return false;
    if (!types.empty() && std::find(types.begin(), types.end(), type) == types.end()) return false;
    if (names.empty()) return true;
    return std::any_of(names.begin(), names.end(),
                       [&](const std::string& p) { return name_matches(p, owner); });
}

bool Scope::allows_name(std::string_view zone, std::string_view owner) const {
    if (!allows_domain(zone) || !types.empty()) return false;
    return names.empty() || std::any_of(names.begin(), names.end(), [&](const std::string& p) {
               return name_matches(p, owner);
           });
}

std::string scope_to_json(const Scope& s) {
    nlohmann::json j = nlohmann::json::object();
    j["domains"] = s.domains;
    j["names"] = s.names;
    nlohmann::json types = nlohmann::json::array();
    for (auto t : s.types) types.push_back(dns::type_name(t));
    j["types"] = types;
    return j.dump();
}

Scope scope_from_json(std::string_view text, bool write) {
    // A stored scope that cannot be read must never widen into "no limit": fail closed.
    auto bad = [] { throw Error(ex_software, "stored key scope is malformed"); };
    Scope s;
    s.write = write;
    auto j = nlohmann::json::parse(text, nullptr, false);
    if (!j.is_object()) bad();
    auto list = [&](const char* key, auto&& each) {
        auto it = j.find(key);
        if (it == j.end()) return;
        if (!it->is_array()) bad();
        for (auto& v : *it) {
            if (!v.is_string()) bad();
            each(v.template get<std::string>());
        }
    };
    list("domains", [&](std::string v) { s.domains.push_back(std::move(v)); });
    list("names", [&](std::string v) { s.names.push_back(std::move(v)); });
    list("types", [&](const std::string& v) {
        auto t = dns::type_from_name(v);
        if (!t) bad();
        s.types.push_back(*t);
    });
    return s;
}

} // namespace endpointdns::auth
