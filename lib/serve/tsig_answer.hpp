// SPDX-License-Identifier: MIT
// TSIG on ordinary queries (RFC 8945 5): verifies a signed query, signs its answer or answers the
// TSIG error; called by the DNS workers only for a query whose additional section has a TSIG.
#pragma once

#include "dns/tsig.hpp"
#include "serve/responder.hpp"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace endpointdns::serve {

// Turns the responder's answer `out[0..len)` to the query `q` (which has a TSIG record: the
// responder set QueryInfo::tsig) into the answer RFC 8945 asks for, in place, and returns its
// length:
//   - signed with a key of `keys`, MAC and time good: the answer, signed over the request's
//     MAC; when answer and TSIG do not fit in `limit` octets, the header and question alone
//     with TC set, signed (RFC 8945 5.3: the client retries over TCP);
//   - a TSIG that cannot be read (or one not last in the message, or a MAC too short):
//     FORMERR, unsigned (RFC 8945 5.2.2.1);
//   - an unknown key or algorithm, or a wrong MAC: NOTAUTH with an unsigned TSIG carrying BADKEY
//     or BADSIG (RFC 8945 5.2.1, 5.2.2);
//   - a MAC good but the time outside the fudge: NOTAUTH, signed, TSIG error BADTIME and the
//     server's time in Other Data (RFC 8945 5.2.3).
// The error answers are the header and the question only. `len` 0 (the responder drops the
// query) stays 0. `now`: seconds since the epoch. Updates info.rcode.
size_t tsig_answer(const std::vector<dns::tsig::Key>& keys, const uint8_t* q, size_t qlen,
                   uint8_t* out, size_t len, size_t limit, uint64_t now, QueryInfo& info);

// The most octets an answer to `q` may have: over TCP 65535, over UDP 512 without EDNS, else
// the client's payload size capped by `udp_payload` (as the responder decides).
size_t answer_limit(const uint8_t* q, size_t qlen, Transport t, uint16_t udp_payload);

} // namespace endpointdns::serve
