// SPDX-License-Identifier: MIT
// Passwords: Argon2id hashes (libsodium crypto_pwhash_str), verification, rehash checks, rules.
#include "auth/password.hpp"

#include "error.hpp"

#include <sodium.h>

#include <algorithm>
#include <mutex>

namespace endpointdns::auth {

namespace {

void init_sodium() {
    static std::once_flag once;
    std::call_once(once, [] {
        if (sodium_init() < 0)
            throw Error(ex_software, "cannot hash passwords: libsodium failed to initialize");
    });
}

} // namespace

uint64_t password_opslimit_min() {
    return crypto_pwhash_OPSLIMIT_MIN;
}
uint64_t password_opslimit_max() {
    return std::min<uint64_t>(crypto_pwhash_OPSLIMIT_MAX, 1000);
}
size_t password_memlimit_min() {
    return crypto_pwhash_MEMLIMIT_MIN;
}
size_t password_memlimit_max() {
    return std::min<size_t>(crypto_pwhash_MEMLIMIT_MAX, size_t(4) << 30);
}

std::string hash_password(std::string_view password, const PasswordCost& cost) {
    init_sodium();
    char out[crypto_pwhash_STRBYTES];
    if (crypto_pwhash_str_alg(out, password.data(), password.size(), cost.opslimit, cost.memlimit,
                              crypto_pwhash_ALG_ARGON2ID13) != 0)
        throw Error(ex_software, "cannot hash a password: out of memory (memlimit " +
                                     std::to_string(cost.memlimit) + " bytes)");
    return out;
}

bool verify_password(std::string_view stored_hash, std::string_view password) {
    init_sodium();
    // libsodium reads a NUL-terminated string; a stored value longer than any hash it makes is
    // not one of its hashes.
    if (stored_hash.size() >= crypto_pwhash_STRBYTES) return false;
    std::string h(stored_hash);
    return crypto_pwhash_str_verify(h.c_str(), password.data(), password.size()) == 0;
}

bool password_needs_rehash(std::string_view stored_hash, const PasswordCost& cost) {
    init_sodium();
    if (stored_hash.size() >= crypto_pwhash_STRBYTES) return true;
    std::string h(stored_hash);
    // 1: other limits; -1: not an Argon2id hash at all (another algorithm): rehash both.
    return crypto_pwhash_argon2id_str_needs_rehash(h.c_str(), cost.opslimit, cost.memlimit) != 0;
}

std::optional<std::string> password_problem(std::string_view password, std::string_view email) {
    size_t chars = 0;
    for (size_t i = 0; i < password.size(); ++i) {
        auto ch = static_cast<unsigned char>(password[i]);
        if (ch < 0x20 || ch == 0x7f) return "must not hold control characters";
        if ((ch & 0xc0) != 0x80) ++chars; // a continuation octet is no new character
    }
    if (chars < 10) return "at least 10 characters";
    if (chars > 1024) return "at most 1024 characters";
    if (!email.empty() && password.size() == email.size()) {
        bool same = true;
        for (size_t i = 0; i < email.size() && same; ++i) {
            char a = password[i], b = email[i];
            if (a >= 'A' && a <= 'Z') a = char(a + 32);
            if (b >= 'A' && b <= 'Z') b = char(b + 32);
            same = a == b;
        }
        if (same) return "must not be the email address";
    }
    return std::nullopt;
}

std::optional<std::string> normalize_email(std::string_view email) {
    if (email.empty() || email.size() > 254) return std::nullopt;
    auto at = email.find('@');
    if (at == std::string_view::npos || at == 0 || at + 1 >= email.size() ||
        email.find('@', at + 1) != std::string_view::npos)
        return std::nullopt;
    auto domain = email.substr(at + 1);
    if (domain.find('.') == std::string_view::npos || domain.front() == '.' || domain.back() == '.')
        return std::nullopt;
    std::string out;
    out.reserve(email.size());
    for (char c : email) {
        auto ch = static_cast<unsigned char>(c);
        if (ch <= ' ' || ch == 0x7f) return std::nullopt;
        out += (c >= 'A' && c <= 'Z') ? char(c + 32) : c;
    }
    return out;
}

} // namespace endpointdns::auth
