// SPDX-License-Identifier: MIT
// API keys: random secrets with a visible prefix, stored as SHA-256, and their scopes.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace endpointdns::auth {

// A new key: "edk_" + 10 base32 characters (the visible prefix, 50 random bits, the lookup
// key) + 32 base32 characters (160 random bits of secret). Bits come from OpenSSL's CSPRNG.
struct NewKey {
    std::string secret; // the whole key, shown to its owner once
    std::string prefix; // "edk_XXXXXXXXXX", stored and shown in listings
    std::string hash;   // SHA-256 of the whole key (32 octets), stored
};
NewKey generate_key();
// A login session's token: the same shape and strength, starting "eds_" instead of "edk_", so
// a leaked token is told apart from an API key at a glance (and by secret scanners).
NewKey generate_session_token();
// `chars` random lowercase base32 characters (5 bits each) from OpenSSL's CSPRNG.
std::string random_base32(size_t chars);

// Splits a presented key (or session token) into its prefix; nullopt when it does not look like
// one of ours.
std::optional<std::string> key_prefix(std::string_view key);
// SHA-256 of the key (32 octets). Keys are high-entropy, so a slow password hash adds nothing.
std::string hash_key(std::string_view key);

// What a key may do. Empty lists mean "no limit" on that axis.
struct Scope {
    bool write = false;
    std::vector<std::string> domains; // zone names, lowercase, no trailing dot
    std::vector<std::string> names;   // owner name patterns: '*' matches any run of characters
    std::vector<uint16_t> types;      // record types

    // True when the key is limited on no axis (it may also manage keys and domains).
    bool unrestricted() const { return domains.empty() && names.empty() && types.empty(); }
    bool allows_domain(std::string_view zone) const;
    // owner is absolute, lowercase, without the trailing dot; zone is the zone it lives in.
    bool allows_rrset(std::string_view zone, std::string_view owner, uint16_t type) const;
    // When every RRset at the name is in scope, whatever its type (what "does this name exist"
    // reveals: DNS UPDATE prerequisites on a name).
    bool allows_name(std::string_view zone, std::string_view owner) const;
    // When every RRset of the zone is in scope (zone-wide operations need this).
    bool allows_whole_zone(std::string_view zone) const {
        return allows_domain(zone) && names.empty() && types.empty();
    }
};

// The scope column: {"domains":[...],"names":[...],"types":["TXT"]}. write lives in its own column.
std::string scope_to_json(const Scope& s);
Scope scope_from_json(std::string_view text, bool write);

// Case-insensitive glob: '*' matches any run of characters (dots included), '?' one character.
bool name_matches(std::string_view pattern, std::string_view name);

} // namespace endpointdns::auth
