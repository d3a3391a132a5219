// SPDX-License-Identifier: MIT
// Unit tests of lib/dns/name: presentation and wire forms, case rules, canonical order,
// compression.
#include "dns/name.hpp"

#include "test_util.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <random>
#include <string>
#include <vector>

using endpointdns::dns::Name;
using endpointdns::dns::NameHash;
using endpointdns::test::bytes;
using endpointdns::test::N;

namespace {

int sign(int v) {
    return v < 0 ? -1 : (v > 0 ? 1 : 0);
}

} // namespace

// ---- parse ---------------------------------------------------------------------------------

TEST(NameParse, Absolute) {
    auto n = Name::parse("www.Example.com.");
    ASSERT_TRUE(n.ok()) << n.error();
    EXPECT_EQ(n->wire(),
              bytes({3, 'w', 'w', 'w', 7, 'E', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'c', 'o', 'm', 0}));
    EXPECT_EQ(n->label_count(), 3u);
    EXPECT_FALSE(n->is_root());
}

TEST(NameParse, Root) {
    auto n = Name::parse(".");
    ASSERT_TRUE(n.ok());
    EXPECT_TRUE(n->is_root());
    EXPECT_EQ(n->wire(), bytes({0}));
    EXPECT_EQ(n->label_count(), 0u);
    EXPECT_EQ(n->to_text(), ".");
}

TEST(NameParse, RelativeToOrigin) {
    Name origin = N("example.com.");
    auto n = Name::parse("www.sub", &origin);
    ASSERT_TRUE(n.ok()) << n.error();
    EXPECT_TRUE(n->same_case(N("www.sub.example.com.")));
    // Without an origin a relative name is an error, not a guess.
    auto r = Name::parse("www.sub");
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().find("www.sub"), std::string::npos) << r.error();
}

TEST(NameParse, AtIsTheOrigin) {
    Name origin = N("Example.COM.");
    auto n = Name::parse("@", &origin);
    ASSERT_TRUE(n.ok());
    EXPECT_TRUE(n->same_case(origin));
    EXPECT_FALSE(Name::parse("@").ok());
    // "@" inside a longer name is an ordinary character.
    auto at = Name::parse("@.example.", &origin);
    ASSERT_TRUE(at.ok());
    EXPECT_EQ(at->wire(), bytes({1, '@', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 0}));
}

TEST(NameParse, Escapes) {
    auto n = Name::parse("a\\.b.c\\\\d.\\065\\066.");
    ASSERT_TRUE(n.ok()) << n.error();
    EXPECT_EQ(n->wire(), bytes({3, 'a', '.', 'b', 3, 'c', '\\', 'd', 2, 'A', 'B', 0}));
    EXPECT_EQ(n->label_count(), 3u);
    auto z = Name::parse("\\000\\255.");
    ASSERT_TRUE(z.ok());
    EXPECT_EQ(z->wire(), bytes({2, 0, 255, 0}));
    EXPECT_FALSE(Name::parse("\\256.").ok());  // above 255
    EXPECT_FALSE(Name::parse("a\\06.").ok());  // only two digits before a dot
    EXPECT_FALSE(Name::parse("a\\06").ok());   // two digits at the end
    EXPECT_FALSE(Name::parse("a\\0x1.").ok()); // not a digit
}

TEST(NameParse, LoneBackslash) {
    auto n = Name::parse("abc\\");
    ASSERT_FALSE(n.ok());
    EXPECT_FALSE(n.error().empty());
    Name origin = N("example.");
    EXPECT_FALSE(Name::parse("abc\\", &origin).ok());
    EXPECT_FALSE(Name::parse("\\", &origin).ok());
}

TEST(NameParse, LabelLength) {
    std::string l63(63, 'a'), l64(64, 'a');
    auto ok = Name::parse(l63 + ".example.");
    ASSERT_TRUE(ok.ok()) << ok.error();
    EXPECT_EQ(uint8_t(ok->wire()[0]), 63);
    auto bad = Name::parse(l64 + ".example.");
    ASSERT_FALSE(bad.ok());
    EXPECT_NE(bad.error().find("63"), std::string::npos) << bad.error();
    // Escapes count as one octet each.
    std::string esc;
    for (int i = 0; i < 63; ++i) esc += "\\065";
    EXPECT_TRUE(Name::parse(esc + ".").ok());
    EXPECT_FALSE(Name::parse(esc + "\\065.").ok());
    // The last label of a relative name is checked too.
    Name origin = N("example.");
    EXPECT_TRUE(Name::parse(l63, &origin).ok());
    EXPECT_FALSE(Name::parse(l64, &origin).ok());
}

TEST(NameParse, TotalLength) {
    // 3 labels of 63 (64 octets each) + a label of 61 (62) + root (1) = 255.
    std::string base =
        std::string(63, 'a') + "." + std::string(63, 'b') + "." + std::string(63, 'c') + ".";
    auto ok = Name::parse(base + std::string(61, 'd') + ".");
    ASSERT_TRUE(ok.ok()) << ok.error();
    EXPECT_EQ(ok->wire_size(), 255u);
    auto bad = Name::parse(base + std::string(62, 'd') + ".");
    ASSERT_FALSE(bad.ok());
    EXPECT_NE(bad.error().find("255"), std::string::npos) << bad.error();
    // The same limit applies after appending the origin.
    Name origin = N(std::string(63, 'c') + ".");
    std::string rel = std::string(63, 'a') + "." + std::string(63, 'b') + ".";
    EXPECT_EQ(Name::parse(rel + std::string(61, 'd'), &origin)->wire_size(), 255u);
    EXPECT_FALSE(Name::parse(rel + std::string(62, 'd'), &origin).ok());
    // 127 one-octet labels: 255 octets.
    std::string many;
    for (int i = 0; i < 127; ++i) many += "x.";
    EXPECT_EQ(Name::parse(many)->wire_size(), 255u);
    EXPECT_EQ(Name::parse(many)->label_count(), 127u);
    EXPECT_FALSE(Name::parse("y." + many).ok());
}

TEST(NameParse, EmptyLabels) {
    for (const char* t : {"a..b.", "a..b", "..", ".a.", "..a", "a.b..", ""}) {
        Name origin = N("example.");
        auto n = Name::parse(t, &origin);
        EXPECT_FALSE(n.ok()) << "'" << t << "' accepted as " << n->to_text();
    }
}

// ---- text ----------------------------------------------------------------------------------

TEST(NameText, EscapesSpecialCharacters) {
    std::string wire = bytes({9, 'a', ' ', 0, '.', '\\', '"', 200, ';', '(', 3, 'c', 'o', 'm', 0});
    Name n = Name::from_wire_unchecked(wire);
    EXPECT_EQ(n.to_text(), "a\\032\\000\\.\\\\\\\"\\200\\;\\(.com.");
    auto back = Name::parse(n.to_text());
    ASSERT_TRUE(back.ok()) << back.error();
    EXPECT_EQ(back->wire(), wire);
}

TEST(NameText, RoundTripKeepsCase) {
    for (const char* t : {"www.Example.COM.", "a\\.b.example.", "\\001.z.example.", "*.z.example.",
                          "x\\\\y.", "_sip._tcp.example."}) {
        Name n = N(t);
        auto back = Name::parse(n.to_text());
        ASSERT_TRUE(back.ok()) << t;
        EXPECT_TRUE(back->same_case(n)) << t << " -> " << n.to_text();
    }
    EXPECT_EQ(N("www.Example.COM.").to_text(), "www.Example.COM.");
}

TEST(NameText, RandomWireRoundTrip) {
    std::mt19937 rng(4034);
    for (int iter = 0; iter < 3000; ++iter) {
        std::string wire;
        unsigned labels = 1 + rng() % 5;
        for (unsigned l = 0; l < labels; ++l) {
            unsigned len = 1 + rng() % 12;
            wire.push_back(char(len));
            for (unsigned k = 0; k < len; ++k) wire.push_back(char(rng() % 256));
        }
        wire.push_back('\0');
        Name n = Name::from_wire_unchecked(wire);
        std::string text = n.to_text();
        auto back = Name::parse(text);
        ASSERT_TRUE(back.ok()) << text << ": " << back.error();
        ASSERT_EQ(back->wire(), wire) << text;
        // Printable, without blanks: a zone-file token.
        for (char c : text) ASSERT_TRUE(uint8_t(c) > 0x20 && uint8_t(c) < 0x7F) << text;
    }
}

// ---- comparison ----------------------------------------------------------------------------

TEST(NameCompare, CaseInsensitiveEquality) {
    Name a = N("WWW.Example.COM."), b = N("www.example.com.");
    EXPECT_TRUE(a == b);
    EXPECT_FALSE(a != b);
    EXPECT_FALSE(a.same_case(b));
    EXPECT_NE(a.wire(), b.wire()); // case is kept in the wire form
    EXPECT_EQ(a.canonical_compare(b), 0);
    EXPECT_EQ(NameHash{}(a), NameHash{}(b));
    EXPECT_TRUE(a.lowercased().same_case(b));
    EXPECT_FALSE(N("www.example.com.") == N("www.example.org."));
    EXPECT_FALSE(N("www.example.com.") == N("ww.example.com."));
    // Only ASCII letters fold (RFC 4343): \192 and \224 differ.
    EXPECT_FALSE(N("\\192.") == N("\\224."));
    EXPECT_NE(N("\\192.").canonical_compare(N("\\224.")), 0);
    // A label boundary is not a letter: "a.bc." differs from "ab.c.".
    EXPECT_FALSE(N("a.bc.") == N("ab.c."));
}

TEST(NameCompare, Rfc4034CanonicalOrder) {
    const std::vector<std::string> expected = {
        "example.",         "a.example.",      "yljkjljk.a.example.",
        "Z.a.example.",     "zABC.a.EXAMPLE.", "z.example.",
        "\\001.z.example.", "*.z.example.",    "\\200.z.example.",
    };
    std::vector<Name> names;
    for (const auto& t : expected) names.push_back(N(t));
    for (size_t i = 0; i < names.size(); ++i) {
        for (size_t j = 0; j < names.size(); ++j) {
            int want = i < j ? -1 : (i > j ? 1 : 0);
            EXPECT_EQ(sign(names[i].canonical_compare(names[j])), want)
                << expected[i] << " vs " << expected[j];
            EXPECT_EQ(sign(endpointdns::dns::canonical_compare(names[i].wire(), names[j].wire())),
                      want);
            std::string ki = names[i].canonical_key(), kj = names[j].canonical_key();
            EXPECT_EQ(sign(ki.compare(kj)), want)
                << "canonical_key: " << expected[i] << " vs " << expected[j];
        }
    }
    std::mt19937 rng(61);
    for (int round = 0; round < 20; ++round) {
        std::vector<Name> shuffled = names;
        std::shuffle(shuffled.begin(), shuffled.end(), rng);
        std::sort(shuffled.begin(), shuffled.end(),
                  [](const Name& a, const Name& b) { return a.canonical_compare(b) < 0; });
        for (size_t i = 0; i < names.size(); ++i)
            ASSERT_TRUE(shuffled[i].same_case(names[i])) << i << ": " << shuffled[i].to_text();
        std::shuffle(shuffled.begin(), shuffled.end(), rng);
        std::sort(shuffled.begin(), shuffled.end(), [](const Name& a, const Name& b) {
            return a.canonical_key() < b.canonical_key();
        });
        for (size_t i = 0; i < names.size(); ++i)
            ASSERT_TRUE(shuffled[i].same_case(names[i])) << i << ": " << shuffled[i].to_text();
    }
}

TEST(NameCompare, CanonicalKeyAgreesWithCompareOnRandomNames) {
    // Octets that stress the key's escaping (0, 1, 2), case folding and the label boundary.
    const uint8_t alphabet[] = {0,   1,   2,   3,   '-',  '.',  '0',  'A',  'Z',
                                '[', '_', 'a', 'z', 0x7F, 0x80, 0xC0, 0xE0, 0xFF};
    std::mt19937 rng(12345);
    auto random_name = [&] {
        std::string wire;
        unsigned labels = rng() % 4;
        for (unsigned l = 0; l < labels; ++l) {
            unsigned len = 1 + rng() % 4;
            wire.push_back(char(len));
            for (unsigned k = 0; k < len; ++k)
                wire.push_back(char(alphabet[rng() % sizeof alphabet]));
        }
        wire.push_back('\0');
        return Name::from_wire_unchecked(wire);
    };
    std::vector<Name> pool;
    for (int i = 0; i < 400; ++i) pool.push_back(random_name());
    // Shared suffixes make the interesting comparisons: graft random prefixes onto pool names.
    for (int i = 0; i < 400; ++i) {
        Name base = pool[rng() % pool.size()];
        Name other = random_name();
        std::string w(other.wire().substr(0, other.wire_size() - 1));
        w.append(base.wire());
        if (w.size() <= 255) pool.push_back(Name::from_wire_unchecked(w));
    }
    size_t compared = 0;
    for (size_t i = 0; i < pool.size(); i += 1) {
        for (size_t j = 0; j < pool.size(); j += 7) {
            int c = sign(pool[i].canonical_compare(pool[j]));
            int k = sign(pool[i].canonical_key().compare(pool[j].canonical_key()));
            ASSERT_EQ(c, k) << pool[i].to_text() << " vs " << pool[j].to_text();
            ASSERT_EQ(c == 0, pool[i] == pool[j])
                << pool[i].to_text() << " vs " << pool[j].to_text();
            ASSERT_EQ(c, -sign(pool[j].canonical_compare(pool[i])));
            ++compared;
        }
    }
    EXPECT_GT(compared, 50000u);
}

TEST(NameCompare, AppendCanonicalKeyConcatenates) {
    Name a = N("www.example."), b = N("B.example.");
    std::string k = "prefix";
    a.append_canonical_key(k);
    EXPECT_EQ(k, "prefix" + a.canonical_key());
    EXPECT_EQ(b.canonical_key(), N("b.EXAMPLE.").canonical_key());
}

// ---- structure -----------------------------------------------------------------------------

TEST(NameStructure, IsSubdomainOf) {
    Name ex = N("example.com.");
    EXPECT_TRUE(N("example.com.").is_subdomain_of(ex));
    EXPECT_TRUE(N("www.example.com.").is_subdomain_of(ex));
    EXPECT_TRUE(N("a.b.c.EXAMPLE.Com.").is_subdomain_of(ex));
    EXPECT_FALSE(N("xexample.com.").is_subdomain_of(ex));
    EXPECT_FALSE(N("www.xexample.com.").is_subdomain_of(ex));
    EXPECT_FALSE(N("com.").is_subdomain_of(ex));
    EXPECT_FALSE(N("example.org.").is_subdomain_of(ex));
    EXPECT_FALSE(ex.is_subdomain_of(N("www.example.com.")));
    EXPECT_TRUE(ex.is_subdomain_of(Name::root()));
    EXPECT_TRUE(Name::root().is_subdomain_of(Name::root()));
    EXPECT_FALSE(Name::root().is_subdomain_of(ex));
    // A label whose first octet looks like a length byte must not fake a label boundary:
    // "\007example.com." ends in the bytes of "example.com." but is not below it.
    EXPECT_FALSE(N("\\007example.com.").is_subdomain_of(ex));
    EXPECT_FALSE(N("a.\\007example.com.").is_subdomain_of(ex));
    EXPECT_TRUE(N("\\007example.com.").is_subdomain_of(N("com.")));
    // The free function on wire forms agrees with the member on every pair.
    std::vector<Name> names = {ex,           N("www.example.com."),  N("xexample.com."),
                               N("com."),    N("\\007example.com."), N("a.\\007example.com."),
                               Name::root(), N("WWW.EXAMPLE.COM."),  N("example.org.")};
    for (const auto& a : names)
        for (const auto& b : names)
            EXPECT_EQ(endpointdns::dns::is_subdomain(a.wire(), b.wire()), a.is_subdomain_of(b))
                << a.to_text() << " below " << b.to_text();
}

TEST(NameStructure, Parent) {
    EXPECT_TRUE(N("www.Example.com.").parent().same_case(N("Example.com.")));
    EXPECT_TRUE(N("com.").parent().is_root());
    EXPECT_TRUE(Name::root().parent().is_root());
    EXPECT_TRUE(N("a\\.b.c.").parent().same_case(N("c.")));
}

TEST(NameStructure, Prepend) {
    auto n = N("example.").prepend("www");
    ASSERT_TRUE(n.ok());
    EXPECT_TRUE(n->same_case(N("www.example.")));
    auto dot = N("example.").prepend("a.b");
    ASSERT_TRUE(dot.ok());
    EXPECT_EQ(dot->to_text(), "a\\.b.example.");
    EXPECT_FALSE(N("example.").prepend("").ok());
    EXPECT_FALSE(N("example.").prepend(std::string(64, 'x')).ok());
    EXPECT_TRUE(N("example.").prepend(std::string(63, 'x')).ok());
    std::string base =
        std::string(63, 'a') + "." + std::string(63, 'b') + "." + std::string(63, 'c') + ".";
    Name long_name = N(base);                                   // 193 octets
    EXPECT_TRUE(long_name.prepend(std::string(61, 'd')).ok());  // 255
    EXPECT_FALSE(long_name.prepend(std::string(62, 'd')).ok()); // 256
}

// ---- wire ----------------------------------------------------------------------------------

namespace {
// A message-like buffer: 12 zero octets standing in for a header, then the given octets.
std::string msg(std::initializer_list<int> b) {
    return std::string(12, '\0') + bytes(b);
}
Name from_wire_ok(const std::string& m, size_t offset, size_t expect_end) {
    size_t end = 0;
    auto n = Name::from_wire(reinterpret_cast<const uint8_t*>(m.data()), m.size(), offset, &end);
    EXPECT_TRUE(n.ok()) << "offset " << offset << ": " << (n.ok() ? "" : n.error());
    EXPECT_EQ(end, expect_end) << "offset " << offset;
    return n.ok() ? *n : Name();
}
std::string from_wire_err(const std::string& m, size_t offset, bool allow_compression = true) {
    size_t end = 0;
    auto n = Name::from_wire(reinterpret_cast<const uint8_t*>(m.data()), m.size(), offset, &end,
                             allow_compression);
    EXPECT_FALSE(n.ok()) << "offset " << offset << " gave " << n->to_text();
    return n.ok() ? std::string() : n.error();
}
} // namespace

TEST(NameWire, CompressionPointers) {
    std::string m = msg({
        7,    'e', 'x',  'a', 'm',  'p', 'l', 'e', 3, 'c', 'o', 'm', 0, // 12: example.com.
        3,    'W', 'w',  'W', 0xC0, 12,                                 // 25: WwW -> 12
        0xC0, 25,                                                       // 31: -> 25
        1,    'a', 0xC0, 20,                                            // 33: a -> 20 ("com.")
        0,                                                              // 37: root
    });
    EXPECT_TRUE(from_wire_ok(m, 12, 25).same_case(N("example.com.")));
    EXPECT_TRUE(from_wire_ok(m, 25, 31).same_case(N("WwW.example.com.")));
    EXPECT_TRUE(from_wire_ok(m, 31, 33).same_case(N("WwW.example.com.")));
    EXPECT_TRUE(from_wire_ok(m, 33, 37).same_case(N("a.com.")));
    EXPECT_TRUE(from_wire_ok(m, 37, 38).is_root());
    // The same bytes without compression allowed.
    std::string err = from_wire_err(m, 25, false);
    EXPECT_FALSE(err.empty());
    EXPECT_TRUE(from_wire_ok(m, 12, 25).same_case(N("example.com.")));
}

TEST(NameWire, ForwardPointerRejected) {
    std::string m = msg({0xC0, 14, 0});
    EXPECT_NE(from_wire_err(m, 12).find("backwards"), std::string::npos);
    // A pointer to itself.
    std::string self = msg({1, 'a', 0xC0, 12});
    from_wire_err(self, 12);
    from_wire_err(self, 14);
}

TEST(NameWire, PointerLoopRejected) {
    // 12: a -> 16;  16: b -> 12. Reading at 16 goes back to 12, which points forward again.
    std::string m = msg({1, 'a', 0xC0, 16, 1, 'b', 0xC0, 12});
    from_wire_err(m, 12);
    from_wire_err(m, 16);
    // A longer cycle through three names.
    std::string m3 = msg({0xC0, 16, 0, 0, 0xC0, 20, 0, 0, 0xC0, 12});
    from_wire_err(m3, 12);
    from_wire_err(m3, 16);
    from_wire_err(m3, 20);
}

TEST(NameWire, Truncated) {
    from_wire_err(msg({7, 'e', 'x', 'a', 'm'}), 12);  // label past the end
    from_wire_err(msg({3, 'w', 'w', 'w'}), 12);       // no terminating root
    from_wire_err(msg({3, 'w', 'w', 'w', 0xC0}), 12); // half a pointer
    from_wire_err(msg({}), 12);                       // nothing at all
    from_wire_err(msg({0x40, 0}), 12);                // extended label type
    from_wire_err(msg({0x80, 0}), 12);                // reserved label type
    // A name at the very end that fits exactly is fine.
    std::string ok = msg({1, 'x', 0});
    EXPECT_TRUE(from_wire_ok(ok, 12, 15).same_case(N("x.")));
}

TEST(NameWire, OverlongNames) {
    std::string m(12, '\0');
    // 255 octets: fine. 4 x 63-octet labels + root = 257: rejected.
    std::string n255 =
        std::string(Name::parse(std::string(63, 'a') + "." + std::string(63, 'b') + "." +
                                std::string(63, 'c') + "." + std::string(61, 'd') + ".")
                        ->wire());
    ASSERT_EQ(n255.size(), 255u);
    EXPECT_EQ(from_wire_ok(m + n255, 12, 12 + 255).wire(), n255);
    std::string n257;
    for (int i = 0; i < 4; ++i) n257 += char(63) + std::string(63, 'x');
    n257.push_back('\0');
    EXPECT_FALSE(from_wire_err(m + n257, 12).empty());
    // Too long only once a pointer is followed: 3 x 63-octet labels + root (193 octets) at 12,
    // then a 63-octet label pointing at it (64 + 193 = 257).
    std::string base;
    for (int i = 0; i < 3; ++i) base += char(63) + std::string(63, 'y');
    base.push_back('\0');
    std::string m2 = m + base + char(63) + std::string(63, 'z') + char(0xC0) + char(12);
    from_wire_err(m2, 12 + 193);
    // And 61 + 1 + 193 = 255 through a pointer is fine.
    std::string m3 = m + base + char(61) + std::string(61, 'z') + char(0xC0) + char(12);
    EXPECT_EQ(from_wire_ok(m3, 12 + 193, 12 + 193 + 64).wire_size(), 255u);
}

TEST(NameWire, WireNameLength) {
    using endpointdns::dns::wire_name_length;
    std::string w = std::string(N("www.example.").wire());
    auto p = reinterpret_cast<const uint8_t*>(w.data());
    EXPECT_EQ(wire_name_length(p, w.size()), w.size());
    EXPECT_EQ(wire_name_length(p, w.size() - 1), 0u); // no root
    std::string c = bytes({3, 'w', 'w', 'w', 0xC0, 12});
    EXPECT_EQ(wire_name_length(reinterpret_cast<const uint8_t*>(c.data()), c.size()), 0u);
}
