// SPDX-License-Identifier: MIT
// TSIG key files (zone-compile --tsig, dns-serve [transfer]): BIND key statements, name:secret
// lines, Knot key sections.
#pragma once

#include "dns/result.hpp"

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace endpointdns::dns {

// A TSIG key as a client uses it (RFC 8945).
struct TsigKey {
    std::string name;      // absolute, lowercase, with the trailing dot: "transfer.example."
    std::string algorithm; // as ldns names it, with the trailing dot: "hmac-sha256."
    std::string secret;    // base64, as in the file (checked to decode to 1 or more octets)
    size_t line = 0;       // where the key starts in its file, 1-based
};

// Parses the text of a key file holding exactly one key, in one of two forms:
//
//   1. BIND's key statement, as `tsig-keygen` and `ddns-confgen` write it, and as named.conf
//      includes it:
//          key "transfer.example." {
//              algorithm hmac-sha256;
//              secret "K2tf3TRjvQkVCmJF3/Z9vA==";
//          };
//      The name may be quoted or not; `algorithm` and `secret` in any order, each once;
//      comments in the three styles of named.conf (#, //, /* */) anywhere between tokens.
//   2. One line [ALGORITHM:]NAME:SECRET, the form of `dig -y` and `kdig -y`; without an
//      algorithm, hmac-sha256.
//   3. Knot's key section, as `keymgr -t NAME` prints it (and knot.conf includes it):
//          key:
//            - id: transfer.example.
//              algorithm: hmac-sha256
//              secret: K2tf3TRjvQkVCmJF3/Z9vA==
//      recognized by its first line (comments aside) being "key:".
//
// Algorithms: hmac-md5 (also hmac-md5.sig-alg.reg.int), hmac-sha1, hmac-sha224, hmac-sha256,
// hmac-sha384, hmac-sha512, in any letter case. Fails, with "line N: " and what is wrong, on
// anything else: a second key, a statement other than key, an unknown algorithm, a secret
// that is not base64, a name that is not a domain name, a missing or repeated field, an
// unterminated string or comment, text after the key.
Result<TsigKey> parse_tsig_keyfile(std::string_view text);

// The same forms, for a file of one or more keys (dns-serve's transfer keys): several key
// statements; several lines, one key each; several "- id:" items under "key:". The forms are
// not mixed in one file. Fails as parse_tsig_keyfile does, with "line N: " where it can.
Result<std::vector<TsigKey>> parse_tsig_keys(std::string_view text);

} // namespace endpointdns::dns
