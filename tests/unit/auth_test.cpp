// SPDX-License-Identifier: MIT
// Tests of lib/auth: API key format, hashing, scope checks and their JSON form.
#include "auth/key.hpp"
#include "dns/rr.hpp"
#include "error.hpp"

#include <gtest/gtest.h>

#include <set>

using namespace endpointdns;
using namespace endpointdns::auth;

TEST(Key, FormatPrefixAndHash) {
    auto k = generate_key();
    EXPECT_EQ(k.secret.size(), 46u);
    EXPECT_EQ(k.secret.rfind("edk_", 0), 0u);
    EXPECT_EQ(k.prefix, k.secret.substr(0, 14));
    ASSERT_TRUE(key_prefix(k.secret));
    EXPECT_EQ(*key_prefix(k.secret), k.prefix);
    EXPECT_EQ(k.hash.size(), 32u);
    EXPECT_EQ(k.hash, hash_key(k.secret));
    EXPECT_NE(k.hash, hash_key(k.secret + "x"));
}

TEST(Key, KeysAreDistinct) {
    std::set<std::string> seen, prefixes;
    for (int i = 0; i < 2000; ++i) {
        auto k = generate_key();
        EXPECT_TRUE(seen.insert(k.secret).second);
        EXPECT_TRUE(prefixes.insert(k.prefix).second);
    }
}

TEST(Key, PrefixRefusesWhatIsNotOurs) {
    auto k = generate_key();
    EXPECT_FALSE(key_prefix(""));
    EXPECT_FALSE(key_prefix(k.secret.substr(1)));          // too short
    EXPECT_FALSE(key_prefix(k.secret + "a"));              // too long
    EXPECT_FALSE(key_prefix("xdk_" + k.secret.substr(4))); // wrong start
    std::string upper = k.secret;
    upper[10] = 'A'; // outside the alphabet
    EXPECT_FALSE(key_prefix(upper));
    std::string digit = k.secret;
    digit[20] = '1'; // base32 has no 0, 1, 8, 9
    EXPECT_FALSE(key_prefix(digit));
}

TEST(Scope, NamePatterns) {
    EXPECT_TRUE(name_matches("_acme-challenge.*", "_acme-challenge.example.com"));
    EXPECT_TRUE(name_matches("_acme-challenge.*", "_acme-challenge.www.example.com"));
    EXPECT_TRUE(name_matches("_ACME-challenge.*", "_acme-challenge.Example.com"));
    EXPECT_FALSE(name_matches("_acme-challenge.*", "www.example.com"));
    EXPECT_FALSE(name_matches("_acme-challenge.*", "x_acme-challenge.example.com"));
    EXPECT_FALSE(name_matches("_acme-challenge.*", "_acme-challenge"));
    EXPECT_TRUE(name_matches("*.example.com", "a.b.example.com"));
    EXPECT_FALSE(name_matches("*.example.com", "example.com"));
    EXPECT_TRUE(name_matches("w?w.example.com", "www.example.com"));
    EXPECT_TRUE(name_matches("*", ""));
    EXPECT_TRUE(name_matches("a*b*c", "axxbyyc"));
    EXPECT_FALSE(name_matches("a*b*c", "axxbyy"));
}

TEST(Scope, AcmeOnlyKey) {
    Scope s;
    s.write = true;
    s.names = {"_acme-challenge.*"};
    s.types = {dns::rrtype::TXT};
    EXPECT_FALSE(s.unrestricted());
    EXPECT_TRUE(s.allows_rrset("example.com", "_acme-challenge.example.com", dns::rrtype::TXT));
    EXPECT_TRUE(s.allows_rrset("example.com", "_acme-challenge.www.example.com", dns::rrtype::TXT));
    EXPECT_FALSE(s.allows_rrset("example.com", "_acme-challenge.example.com", dns::rrtype::A));
    EXPECT_FALSE(s.allows_rrset("example.com", "www.example.com", dns::rrtype::TXT));
    EXPECT_FALSE(s.allows_whole_zone("example.com"));
    EXPECT_TRUE(s.allows_domain("example.com"));
    // Whether a name exists tells about every type at it: not readable with a type limit.
    EXPECT_FALSE(s.allows_name("example.com", "_acme-challenge.example.com"));
    EXPECT_FALSE(s.allows_name("example.com", "www.example.com"));
    Scope names_only;
    names_only.names = {"_acme-challenge.*"};
    EXPECT_TRUE(names_only.allows_name("example.com", "_acme-challenge.example.com"));
    EXPECT_FALSE(names_only.allows_name("example.com", "www.example.com"));
    EXPECT_TRUE(Scope{}.allows_name("example.com", "www.example.com"));
}

TEST(Scope, DomainLimitedKey) {
    Scope s;
    s.domains = {"example.com"};
    EXPECT_TRUE(s.allows_domain("example.com"));
    EXPECT_FALSE(s.allows_domain("example.net"));
    EXPECT_FALSE(s.allows_domain("sub.example.com"));
    EXPECT_TRUE(s.allows_rrset("example.com", "www.example.com", dns::rrtype::A));
    EXPECT_FALSE(s.allows_rrset("example.net", "www.example.net", dns::rrtype::A));
    EXPECT_TRUE(s.allows_whole_zone("example.com"));
    EXPECT_TRUE(s.allows_name("example.com", "www.example.com"));
    EXPECT_FALSE(s.allows_name("example.net", "www.example.net"));
}

TEST(Scope, JsonRoundTrip) {
    Scope s;
    s.domains = {"example.com", "example.net"};
    s.names = {"_acme-challenge.*"};
    s.types = {dns::rrtype::TXT, dns::rrtype::CAA};
    Scope back = scope_from_json(scope_to_json(s), true);
    EXPECT_TRUE(back.write);
    EXPECT_EQ(back.domains, s.domains);
    EXPECT_EQ(back.names, s.names);
    EXPECT_EQ(back.types, s.types);
    EXPECT_TRUE(scope_from_json(scope_to_json(Scope{}), false).unrestricted());
}

TEST(Scope, MalformedStoredScopeFailsClosed) {
    // A damaged scope must never read as "no limit".
    for (const char* bad : {"", "[]", "{\"domains\":\"example.com\"}", "{\"types\":[\"NOPE\"]}",
                            "{\"names\":[1]}", "not json"})
        EXPECT_THROW(scope_from_json(bad, true), Error) << bad;
}
