// SPDX-License-Identifier: MIT
// Tests of lib/auth/password: Argon2id hashes, verification, rehash checks, password and email
// rules, and the session token format.
#include "auth/key.hpp"
#include "auth/password.hpp"

#include <gtest/gtest.h>

using namespace endpointdns::auth;

namespace {

// The cheapest cost libsodium allows: tests stay fast, the format is the same.
const PasswordCost cheap{1, 8192};

} // namespace

TEST(Password, HashIsArgon2idAndVerifies) {
    std::string h = hash_password("correct horse battery", cheap);
    EXPECT_EQ(h.rfind("$argon2id$v=19$m=8,t=1,p=1$", 0), 0u) << h;
    EXPECT_TRUE(verify_password(h, "correct horse battery"));
    EXPECT_FALSE(verify_password(h, "correct horse batterY"));
    EXPECT_FALSE(verify_password(h, ""));
    // A fresh salt each time.
    EXPECT_NE(h, hash_password("correct horse battery", cheap));
}

TEST(Password, BinaryAndLongPasswords) {
    std::string pw("ab\0cdefghijk", 12);
    std::string h = hash_password(pw, cheap);
    EXPECT_TRUE(verify_password(h, pw));
    EXPECT_FALSE(verify_password(h, "ab")); // no truncation at the NUL
    std::string lng(4096, 'x');
    EXPECT_TRUE(verify_password(hash_password(lng, cheap), lng));
}

TEST(Password, GarbageHashesNeverVerify) {
    EXPECT_FALSE(verify_password("", "anything at all"));
    EXPECT_FALSE(verify_password("plaintext password", "plaintext password"));
    EXPECT_FALSE(verify_password("$argon2id$v=19$m=8,t=1,p=1$xx$yy", "anything at all"));
    EXPECT_FALSE(verify_password(std::string(500, '$'), "anything at all"));
}

TEST(Password, NeedsRehashWhenTheCostChanges) {
    std::string h = hash_password("correct horse battery", cheap);
    EXPECT_FALSE(password_needs_rehash(h, cheap));
    EXPECT_TRUE(password_needs_rehash(h, PasswordCost{2, 8192}));
    EXPECT_TRUE(password_needs_rehash(h, PasswordCost{1, 16384}));
    EXPECT_TRUE(password_needs_rehash("$2y$10$bcrypthashofsomeone", cheap));
    EXPECT_TRUE(password_needs_rehash("", cheap));
}

TEST(Password, Rules) {
    EXPECT_FALSE(password_problem("0123456789", ""));
    EXPECT_EQ(password_problem("012345678", "").value_or(""), "at least 10 characters");
    // Characters, not octets: nine two-octet characters are too few.
    EXPECT_TRUE(password_problem("ééééééééé", ""));
    EXPECT_FALSE(password_problem("éééééééééé", ""));
    EXPECT_FALSE(password_problem(std::string(1024, 'a'), ""));
    EXPECT_EQ(password_problem(std::string(1025, 'a'), "").value_or(""), "at most 1024 characters");
    EXPECT_TRUE(password_problem("with a\nnewline", ""));
    EXPECT_TRUE(password_problem(std::string("with a NUL\0x", 12), ""));
    EXPECT_EQ(password_problem("Dev@Example.com", "dev@example.com").value_or(""),
              "must not be the email address");
    EXPECT_FALSE(password_problem("dev@example.comX", "dev@example.com"));
}

TEST(Email, Normalize) {
    EXPECT_EQ(normalize_email("Dev+DNS@Example.COM").value_or(""), "dev+dns@example.com");
    EXPECT_FALSE(normalize_email(""));
    EXPECT_FALSE(normalize_email("no-at.example.com"));
    EXPECT_FALSE(normalize_email("@example.com"));
    EXPECT_FALSE(normalize_email("dev@"));
    EXPECT_FALSE(normalize_email("a@b@example.com"));
    EXPECT_FALSE(normalize_email("dev@localhost"));
    EXPECT_FALSE(normalize_email("dev@example.com."));
    EXPECT_FALSE(normalize_email("dev @example.com"));
    EXPECT_FALSE(normalize_email("dev@exa\x7fmple.com"));
    EXPECT_FALSE(normalize_email(std::string(250, 'a') + "@b.cd"));
    EXPECT_TRUE(normalize_email(std::string(249, 'a') + "@b.cd"));
}

TEST(SessionToken, FormatDiffersFromKeysOnlyInItsStart) {
    auto t = generate_session_token();
    EXPECT_EQ(t.secret.size(), 46u);
    EXPECT_EQ(t.secret.rfind("eds_", 0), 0u);
    ASSERT_TRUE(key_prefix(t.secret));
    EXPECT_EQ(*key_prefix(t.secret), t.prefix);
    EXPECT_EQ(t.hash, hash_key(t.secret));
    EXPECT_FALSE(key_prefix("edx_" + t.secret.substr(4)));
}
