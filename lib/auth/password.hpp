// SPDX-License-Identifier: MIT
// Passwords: Argon2id hashes (libsodium crypto_pwhash_str), verification, rehash checks, rules.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace endpointdns::auth {

// The cost of a new hash. The defaults are libsodium's INTERACTIVE limits (2 passes over
// 64 MiB), about 0.2-0.5 s on one core of a small server; tests use the minimum (1, 8 KiB).
struct PasswordCost {
    uint64_t opslimit = 2;
    size_t memlimit = size_t(64) << 20; // bytes
};

// The smallest and largest cost libsodium accepts, for the configuration's bounds.
uint64_t password_opslimit_min();
uint64_t password_opslimit_max();
size_t password_memlimit_min();
size_t password_memlimit_max();

// "$argon2id$v=19$m=65536,t=2,p=1$<salt>$<hash>" of the password, with a random salt.
// Throws Error(ex_software) when libsodium fails (out of memory).
std::string hash_password(std::string_view password, const PasswordCost& cost);
// True when the password matches the stored hash (constant time in the password); false for
// a wrong password and for a hash that is not one of libsodium's.
bool verify_password(std::string_view stored_hash, std::string_view password);
// True when the stored hash was made with other limits (or another algorithm) than cost: it is
// replaced by a new hash after the next successful login.
bool password_needs_rehash(std::string_view stored_hash, const PasswordCost& cost);

// Why a password is refused, or nullopt when it is acceptable: 10 to 1024 characters (Unicode
// code points of valid UTF-8), no control characters, and not the account's email address.
std::optional<std::string> password_problem(std::string_view password, std::string_view email);

// An email address as stored and compared: ASCII letters lowercased, so lookups are
// case-insensitive. nullopt when it is not an address: one '@' with something on both sides,
// a '.' in the domain part, at most 254 octets, no blanks or control characters.
std::optional<std::string> normalize_email(std::string_view email);

} // namespace endpointdns::auth
