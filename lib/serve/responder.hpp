// SPDX-License-Identifier: MIT
// The answer engine: one DNS query in, one response out, a pure function of a zone snapshot.
#pragma once

#include "serve/snapshot.hpp"

#include <cstddef>
#include <cstdint>

namespace endpointdns::serve {

enum class Transport : uint8_t { udp, tcp };

struct ResponderOptions {
    uint16_t udp_payload = 1232; // the largest UDP answer we send (RFC 6891; DNS flag day 2020)
    bool transfers = false;      // zone transfers configured: IXFR over UDP gets the SOA
};

// What happened to one query, for metrics and logs.
struct QueryInfo {
    uint16_t qtype = 0;
    uint8_t rcode = 0;      // the full rcode (BADVERS = 16)
    bool answered = false;  // false: dropped (not a query, too short to answer)
    bool truncated = false; // TC set
    bool tsig = false;      // the query has a TSIG record: serve/tsig_answer verifies and signs
};

// Holds the scratch state of one worker (compression table), so answering allocates nothing.
// Not thread-safe: one per worker thread.
class Responder {
public:
    explicit Responder(ResponderOptions opts = {});
    // Answers `query` into `out` (capacity `cap`, at least 65535 for TCP and the UDP payload
    // limit for UDP). Returns the response length, 0 when the query gets no response.
    size_t answer(const ZoneSet& zones, const uint8_t* query, size_t len, Transport transport,
                  uint8_t* out, size_t cap, QueryInfo& info);

private:
    ResponderOptions opts_;
};

} // namespace endpointdns::serve
