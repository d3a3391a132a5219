// SPDX-License-Identifier: MIT
// Fuzzes the TSIG key-file parser (zone-compile --tsig, dns-serve keys): no crash, keys well
// formed.
//
// A key that parses is written back as a BIND key statement, as Knot's key section and as the
// one-line form; each must parse to the same key. The several-keys parser must agree with the
// one-key parser on a file of one key.
#include "dns/tsig_keyfile.hpp"
#include "fuzz_util.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

using namespace endpointdns;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    auto all = dns::parse_tsig_keys(text);
    if (all) {
        REQUIRE(!all->empty());
        for (const auto& key : *all) {
            REQUIRE(!key.name.empty() && key.name.back() == '.');
            REQUIRE(key.line >= 1);
        }
    } else {
        REQUIRE(!all.error().empty());
    }
    auto k = dns::parse_tsig_keyfile(text);
    REQUIRE(!k || (all && all->size() == 1 && (*all)[0].name == k->name &&
                   (*all)[0].secret == k->secret));
    if (!k) {
        REQUIRE(!k.error().empty());
        return 0;
    }
    REQUIRE(!k->name.empty() && k->name.back() == '.');
    REQUIRE(!k->algorithm.empty() && k->algorithm.back() == '.');
    REQUIRE(!k->secret.empty() && k->secret.size() % 4 == 0);
    std::string alg = k->algorithm.substr(0, k->algorithm.size() - 1);
    // Names hold no '"' or ':' that would need quoting here; skip those that do.
    if (k->name.find_first_of("\"\\:; {}#/") != std::string::npos) return 0;
    std::string bind = "key \"" + k->name + "\" {\n\talgorithm " + alg + ";\n\tsecret \"" +
                       k->secret + "\";\n};\n";
    auto again = dns::parse_tsig_keyfile(bind);
    REQUIRE(again);
    REQUIRE(again->name == k->name && again->algorithm == k->algorithm &&
            again->secret == k->secret);
    auto knot = dns::parse_tsig_keyfile("key:\n  - id: " + k->name + "\n    algorithm: " + alg +
                                        "\n    secret: " + k->secret + "\n");
    REQUIRE(knot);
    REQUIRE(knot->name == k->name && knot->algorithm == k->algorithm && knot->secret == k->secret);
    auto line = dns::parse_tsig_keyfile(alg + ":" + k->name + ":" + k->secret + "\n");
    REQUIRE(line);
    REQUIRE(line->name == k->name && line->algorithm == k->algorithm && line->secret == k->secret);
    return 0;
}
