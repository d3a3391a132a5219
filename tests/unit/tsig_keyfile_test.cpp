// SPDX-License-Identifier: MIT
// Unit tests of lib/dns/tsig_keyfile: BIND key statements, name:secret lines, what they refuse.
#include "dns/tsig_keyfile.hpp"

#include <gtest/gtest.h>

#include <string>

using endpointdns::dns::parse_tsig_keyfile;

namespace {

// The error of a key file that must fail (empty when it parses).
std::string error_of(const std::string& text) {
    auto k = parse_tsig_keyfile(text);
    return k ? std::string() : k.error();
}

} // namespace

TEST(TsigKeyfile, TsigKeygenOutput) {
    // What `tsig-keygen -a hmac-sha256 transfer.example` writes.
    auto k = parse_tsig_keyfile("key \"transfer.example\" {\n"
                                "\talgorithm hmac-sha256;\n"
                                "\tsecret \"K2tf3TRjvQkVCmJF3/Z9vA==\";\n"
                                "};\n");
    ASSERT_TRUE(k) << k.error();
    EXPECT_EQ(k->name, "transfer.example.");
    EXPECT_EQ(k->algorithm, "hmac-sha256.");
    EXPECT_EQ(k->secret, "K2tf3TRjvQkVCmJF3/Z9vA==");
}

TEST(TsigKeyfile, CommentsOrderCaseAndUnquotedName) {
    auto k = parse_tsig_keyfile("# generated\n// by hand\n/* a\n block */ KEY Transfer.EXAMPLE. "
                                "{ secret \"YWJjZA==\"; # the secret\n Algorithm HMAC-SHA512; };");
    ASSERT_TRUE(k) << k.error();
    EXPECT_EQ(k->name, "transfer.example.");
    EXPECT_EQ(k->algorithm, "hmac-sha512.");
    EXPECT_EQ(k->secret, "YWJjZA==");
}

TEST(TsigKeyfile, Md5HasItsLongName) {
    auto k = parse_tsig_keyfile("key k { algorithm hmac-md5; secret \"YWJjZA==\"; };");
    ASSERT_TRUE(k) << k.error();
    EXPECT_EQ(k->algorithm, "hmac-md5.sig-alg.reg.int.");
    k = parse_tsig_keyfile("key k { algorithm hmac-md5.sig-alg.reg.int.; secret \"YWJjZA==\"; };");
    ASSERT_TRUE(k) << k.error();
    EXPECT_EQ(k->algorithm, "hmac-md5.sig-alg.reg.int.");
}

TEST(TsigKeyfile, OneLineForms) {
    auto k = parse_tsig_keyfile("hmac-sha1:k1.example:YWJjZA==\n");
    ASSERT_TRUE(k) << k.error();
    EXPECT_EQ(k->name, "k1.example.");
    EXPECT_EQ(k->algorithm, "hmac-sha1.");
    k = parse_tsig_keyfile("# kdig -y form\n  k2:YWJjZA==  \n\n");
    ASSERT_TRUE(k) << k.error();
    EXPECT_EQ(k->name, "k2.");
    EXPECT_EQ(k->algorithm, "hmac-sha256."); // the default
}

TEST(TsigKeyfile, RefusedWithTheLine) {
    EXPECT_EQ(error_of(""), "the file holds no key");
    EXPECT_EQ(error_of("# only a comment\n"), "the file holds no key");
    EXPECT_EQ(error_of("key k {\n algorithm hmac-sha3;\n secret \"YWJjZA==\"; };"),
              "line 2: unknown TSIG algorithm 'hmac-sha3'");
    EXPECT_EQ(error_of("key k {\n algorithm hmac-sha256;\n secret \"not base64!\"; };"),
              "line 3: the secret is not base64 (a character '!')");
    EXPECT_EQ(error_of("key k { algorithm hmac-sha256; secret \"YWJjZA\"; };"),
              "line 1: the secret is not valid base64");
    EXPECT_EQ(error_of("key k { algorithm hmac-sha256; };"), "line 1: the key has no secret");
    EXPECT_EQ(error_of("key k { secret \"YWJjZA==\"; };"), "line 1: the key has no algorithm");
    EXPECT_EQ(error_of("key k { secret \"YWJjZA==\"; secret \"YWJjZA==\"; };"),
              "line 1: secret is given twice");
    EXPECT_EQ(error_of("key k { algorithm hmac-sha256; secret \"YWJjZA==\"; }"),
              "line 1: the file ends where ';' after '}' was expected");
    EXPECT_EQ(error_of("key k { algorithm hmac-sha256; secret \"YWJjZA==\"; };\n"
                       "key l { algorithm hmac-sha256; secret \"YWJjZA==\"; };"),
              "line 2: a second key: the file must hold exactly one");
    EXPECT_EQ(error_of("key k { algorithm hmac-sha256; secret \"YWJjZA==\"; owner x; };"),
              "line 1: unknown field 'owner' in the key statement (algorithm and secret are "
              "known)");
    EXPECT_EQ(error_of("key k { algorithm hmac-sha256; secret \"YWJj"),
              "line 1: a quoted string is not closed");
    EXPECT_EQ(error_of("/* key k {"), "line 1: a /* comment is not closed");
    EXPECT_EQ(error_of("options { directory \"/\"; };"),
              "line 1: expected a key statement, got 'options'");
    EXPECT_EQ(error_of("key \"a..b\" { algorithm hmac-sha256; secret \"YWJjZA==\"; };")
                  .rfind("line 1: the key name 'a..b' is not a domain name", 0),
              0u);
    EXPECT_EQ(error_of("a:b:c:d"), "line 1: expected key \"NAME\" { algorithm ...; secret "
                                   "\"...\"; }; or [ALGORITHM:]NAME:SECRET");
    EXPECT_EQ(error_of("k1:YWJjZA==\nk2:YWJjZA==\n"),
              "line 2: more than one key line (a file holds one key)");
    EXPECT_EQ(error_of("hmac-sha256::YWJjZA=="), "line 1: the key name is empty");
}

TEST(TsigKeyfile, KeymgrOutput) {
    // What `keymgr -t transfer.key` prints (Knot DNS 3.2).
    auto k = parse_tsig_keyfile(
        "# hmac-sha256:transfer.key:rW+PeiAdEIUH0nl8W5XhhGObA14S5ZFLQei8hWVWUaA=\n"
        "key:\n"
        "  - id: transfer.key\n"
        "    algorithm: hmac-sha256\n"
        "    secret: rW+PeiAdEIUH0nl8W5XhhGObA14S5ZFLQei8hWVWUaA=\n");
    ASSERT_TRUE(k) << k.error();
    EXPECT_EQ(k->name, "transfer.key.");
    EXPECT_EQ(k->algorithm, "hmac-sha256.");
    EXPECT_EQ(k->secret, "rW+PeiAdEIUH0nl8W5XhhGObA14S5ZFLQei8hWVWUaA=");
    EXPECT_EQ(error_of("key:\n  - id: a\n    algorithm: hmac-sha256\n    secret: YWJjZA==\n"
                       "  - id: b\n"),
              "line 5: a second key: the file must hold exactly one");
    EXPECT_EQ(error_of("key:\n  - id: a\n    secret: YWJjZA==\n"), "the key has no algorithm");
    EXPECT_EQ(error_of("key:\n  - id: a\n    algorithm: hmac-sha3\n"),
              "line 3: unknown TSIG algorithm 'hmac-sha3'");
    EXPECT_EQ(error_of("key:\n  - id: a\n    storage: /x\n"),
              "line 3: unknown field 'storage' in the key (id, algorithm and secret are known)");
}

TEST(TsigKeyfile, SeveralKeysInOneFile) {
    using endpointdns::dns::parse_tsig_keys;
    // tsig-keygen twice into one file.
    auto k = parse_tsig_keys("key \"a.example\" {\n\talgorithm hmac-sha256;\n"
                             "\tsecret \"YWJjZA==\";\n};\n# the next customer\n"
                             "key \"b.example\" {\n\talgorithm hmac-sha512;\n"
                             "\tsecret \"ZWZnaA==\";\n};\n");
    ASSERT_TRUE(k) << k.error();
    ASSERT_EQ(k->size(), 2u);
    EXPECT_EQ((*k)[0].name, "a.example.");
    EXPECT_EQ((*k)[0].line, 1u);
    EXPECT_EQ((*k)[1].name, "b.example.");
    EXPECT_EQ((*k)[1].algorithm, "hmac-sha512.");
    EXPECT_EQ((*k)[1].secret, "ZWZnaA==");
    EXPECT_EQ((*k)[1].line, 6u);
    // One key a line, comments between.
    k = parse_tsig_keys("# keys\nhmac-sha256:a:YWJjZA==\n\nhmac-sha512:b.:ZWZnaA==\n");
    ASSERT_TRUE(k) << k.error();
    ASSERT_EQ(k->size(), 2u);
    EXPECT_EQ((*k)[1].name, "b.");
    EXPECT_EQ((*k)[1].line, 4u);
    // Knot's key section with two items.
    k = parse_tsig_keys("key:\n  - id: a\n    algorithm: hmac-sha256\n    secret: YWJjZA==\n"
                        "  - id: b\n    algorithm: hmac-sha256\n    secret: ZWZnaA==\n");
    ASSERT_TRUE(k) << k.error();
    ASSERT_EQ(k->size(), 2u);
    EXPECT_EQ((*k)[1].name, "b.");
    EXPECT_EQ((*k)[1].line, 5u);
    // One key is a file of one key.
    k = parse_tsig_keys("hmac-sha256:a:YWJjZA==");
    ASSERT_TRUE(k);
    EXPECT_EQ(k->size(), 1u);
}

TEST(TsigKeyfile, SeveralKeysRefusedWithTheLine) {
    using endpointdns::dns::parse_tsig_keys;
    auto err = [](const char* text) {
        auto k = parse_tsig_keys(text);
        return k ? std::string() : k.error();
    };
    EXPECT_EQ(err(""), "the file holds no key");
    EXPECT_EQ(err("key a { algorithm hmac-sha256; secret \"YWJjZA==\"; };\n"
                  "key b { algorithm hmac-sha256; };\n"),
              "line 2: the key has no secret");
    EXPECT_EQ(err("key a { algorithm hmac-sha256; secret \"YWJjZA==\"; };\n"
                  "options { };\n"),
              "line 2: expected a key statement, got 'options'");
    EXPECT_EQ(err("hmac-sha256:a:YWJjZA==\nhmac-sha256:b:not base64!\n"),
              "line 2: the secret is not base64 (a character '!')");
    EXPECT_EQ(err("key:\n  - id: a\n    algorithm: hmac-sha256\n    secret: YWJjZA==\n"
                  "  - id: b\n    secret: YWJjZA==\n"),
              "line 5: the key has no algorithm");
}
