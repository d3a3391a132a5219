// SPDX-License-Identifier: MIT
// Tests of lib/api/acme_request: lego httpreq bodies and HTTP Basic credentials.
#include "api/acme_request.hpp"

#include <gtest/gtest.h>

using namespace endpointdns::api;
using nlohmann::json;

namespace {

AcmeParse parse(const std::string& text) {
    return parse_httpreq_body(json::parse(text));
}

// The fields named by the errors, in order.
std::string fields(const AcmeParse& p) {
    std::string out;
    for (const auto& e : p.errors) out += (out.empty() ? "" : ",") + e["field"].get<std::string>();
    return out;
}

} // namespace

TEST(AcmeRequest, TxtValueIsBase64urlOfSha256WithoutPadding) {
    // Values computed with `openssl dgst -sha256 -binary | basenc --base64url`, '=' removed.
    EXPECT_EQ(acme_txt_value("token.thumbprint"), "61rBZ_4knHblO0MNoxFsXZ_eTFUHum0B6IVRbhvUn5I");
    EXPECT_EQ(
        acme_txt_value("evaGxfADs6pSRb2LAv9IZf17Dt3juxGJ-PCt92wr-oA.9jg46WB3rR_AHD-EBXdN7cBkH1"
                       "WOu0tA3M9fm21mqTI"),
        "lCM7cZyQXcVHK2nnW3jjAhNT3Fvm18UN-kWZZknKoYM");
    EXPECT_EQ(acme_txt_value("").size(), 43u);
}

TEST(AcmeRequest, DefaultModeGivesTheOwnerAndValue) {
    auto p = parse(R"({"fqdn":"_acme-challenge.Example.COM.","value":"abc-_123"})");
    ASSERT_TRUE(p.txt) << p.detail;
    EXPECT_EQ(p.txt->fqdn, "_acme-challenge.example.com");
    EXPECT_EQ(p.txt->value, "abc-_123");
    EXPECT_FALSE(p.txt->raw);
    // Without the trailing dot, and a CNAME target elsewhere (the key's scope decides).
    p = parse(R"({"fqdn":"x1.acme-delegated.example.net","value":"v"})");
    ASSERT_TRUE(p.txt) << p.detail;
    EXPECT_EQ(p.txt->fqdn, "x1.acme-delegated.example.net");
}

TEST(AcmeRequest, RawModeComputesTheValue) {
    auto p = parse(R"({"domain":"example.com","token":"token","keyAuth":"token.thumbprint"})");
    ASSERT_TRUE(p.txt) << p.detail;
    EXPECT_EQ(p.txt->fqdn, "_acme-challenge.example.com");
    EXPECT_EQ(p.txt->value, "61rBZ_4knHblO0MNoxFsXZ_eTFUHum0B6IVRbhvUn5I");
    EXPECT_TRUE(p.txt->raw);
    // A wildcard's challenge lives at the name itself; token may be absent.
    p = parse(R"({"domain":"*.Sub.Example.com","keyAuth":"token.thumbprint"})");
    ASSERT_TRUE(p.txt) << p.detail;
    EXPECT_EQ(p.txt->fqdn, "_acme-challenge.sub.example.com");
}

TEST(AcmeRequest, MissingFieldsAndWrongTypesAreNamed) {
    auto p = parse("{}");
    EXPECT_FALSE(p.txt);
    EXPECT_EQ(fields(p), "fqdn,value");
    EXPECT_NE(p.detail.find("fqdn is missing"), std::string::npos) << p.detail;
    p = parse(R"({"fqdn":"_acme-challenge.example.com"})");
    EXPECT_EQ(fields(p), "value");
    p = parse(R"({"fqdn":7,"value":["x"]})");
    EXPECT_EQ(fields(p), "fqdn,value");
    EXPECT_NE(p.errors[0]["detail"].get<std::string>().find("not number"), std::string::npos);
    p = parse(R"({"domain":"example.com","token":"t"})");
    EXPECT_EQ(fields(p), "keyAuth");
    p = parse(R"({"domain":"example.com","token":1,"keyAuth":"k"})");
    EXPECT_EQ(fields(p), "token");
    p = parse(R"([1])");
    EXPECT_FALSE(p.txt);
    EXPECT_NE(p.detail.find("JSON object"), std::string::npos);
}

TEST(AcmeRequest, BadNamesValuesAndMixedModesAreRefused) {
    for (const char* bad : {R"({"fqdn":"example","value":"v"})", R"({"fqdn":"a..b","value":"v"})",
                            R"({"fqdn":"","value":"v"})", R"({"fqdn":"a b.example","value":"v"})",
                            R"({"fqdn":"*.example.com","value":"v"})"}) {
        auto p = parse(bad);
        EXPECT_FALSE(p.txt) << bad;
        EXPECT_EQ(fields(p), "fqdn") << bad;
    }
    std::string long_label(64, 'a');
    EXPECT_EQ(fields(parse(R"({"fqdn":")" + long_label + R"(.example","value":"v"})")), "fqdn");
    std::string long_value(256, 'v');
    EXPECT_EQ(fields(parse(R"({"fqdn":"a.example","value":")" + long_value + R"("})")), "value");
    EXPECT_EQ(fields(parse(R"({"fqdn":"a.example","value":""})")), "value");
    EXPECT_EQ(fields(parse(R"({"fqdn":"a.example","value":"tab\there"})")), "value");
    EXPECT_EQ(fields(parse(R"({"fqdn":"a.example","value":"v","extra":1})")), "extra");
    EXPECT_EQ(fields(parse(R"({"fqdn":"a.example","value":"v","keyAuth":"k"})")), "");
    EXPECT_FALSE(parse(R"({"fqdn":"a.example","value":"v","keyAuth":"k"})").txt);
    std::string long_key(max_key_authorization + 1, 'k');
    EXPECT_EQ(fields(parse(R"({"domain":"example.com","keyAuth":")" + long_key + R"("})")),
              "keyAuth");
    // Room for "_acme-challenge." in 253 characters.
    std::string deep;
    while (deep.size() < 240) deep += "abcdefghi.";
    EXPECT_EQ(fields(parse(R"({"domain":")" + deep + R"(com","keyAuth":"k"})")), "domain");
}

TEST(AcmeRequest, TxtContentQuotesAndEscapes) {
    EXPECT_EQ(txt_content("abc"), "\"abc\"");
    EXPECT_EQ(txt_content("a\"b\\c"), "\"a\\\"b\\\\c\"");
}

TEST(AcmeRequest, BasicCredentials) {
    auto c = parse_basic_auth("Basic YXBpOmVkYV9zZWNyZXQ=");
    ASSERT_TRUE(c);
    EXPECT_EQ(c->user, "api");
    EXPECT_EQ(c->password, "eda_secret");
    c = parse_basic_auth("basic   YXBpOmVkYV9zZWNyZXQ=  "); // scheme case-insensitive
    ASSERT_TRUE(c);
    EXPECT_EQ(c->password, "eda_secret");
    // "a:b:c": the password holds the later colons.
    c = parse_basic_auth("Basic YTpiOmM=");
    ASSERT_TRUE(c);
    EXPECT_EQ(c->user, "a");
    EXPECT_EQ(c->password, "b:c");
    EXPECT_FALSE(parse_basic_auth("Bearer YXBpOmVkYV9zZWNyZXQ="));
    EXPECT_FALSE(parse_basic_auth("Basic"));
    EXPECT_FALSE(parse_basic_auth("Basic !!!!"));
    EXPECT_FALSE(parse_basic_auth("Basic bm9jb2xvbg==")); // "nocolon"
    EXPECT_FALSE(parse_basic_auth("BasicYTpi"));
    // An octet above 0x7f is no base64 character (libsodium's decoder alone takes some: a
    // fuzz finding).
    EXPECT_FALSE(parse_basic_auth("Basic \xa8XBpOmVkYV9zZWNyZXQ="));
}
