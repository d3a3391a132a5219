// SPDX-License-Identifier: MIT
// Zone transfers out (AXFR RFC 5936, IXFR RFC 1995) over TCP: access control, TSIG, message stream.
#pragma once

#include "dns/result.hpp"
#include "dns/tsig.hpp"
#include "serve/snapshot.hpp"

#include <sys/socket.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace endpointdns::serve {

// An address prefix of the transfer ACL: "192.0.2.1", "192.0.2.0/24", "2001:db8::/32".
struct Prefix {
    int family = 0; // AF_INET, AF_INET6
    uint8_t addr[16]{};
    unsigned bits = 0;
};
Result<Prefix> parse_prefix(std::string_view text);
bool prefix_contains(const Prefix& p, const sockaddr_storage& peer);

// Who may transfer zones ([transfer] in dns-serve.toml). Transfers are off while `allow` is
// empty: AXFR and IXFR then get NOTAUTH as before (as Knot answers without an ACL).
struct TransferPolicy {
    std::vector<Prefix> allow;
    std::vector<dns::tsig::Key> keys;
    bool require_tsig = false;
    bool enabled() const { return !allow.empty(); }
};

// True for a message that asks for a transfer: opcode QUERY, not a response, one question of
// type AXFR or IXFR. Cheap; reads only the header and the question.
bool is_transfer_query(const uint8_t* q, size_t len);

// One transfer's answer, produced message by message so a large zone is never copied whole:
// the transfer holds its zone version (immutable, shared with the lookup) and walks it.
class Transfer {
public:
    virtual ~Transfer() = default;
    // The next message (without the TCP length prefix) in `out`; false when all were sent.
    virtual bool next(std::string& out) = 0;
    uint16_t qtype = 0;
    uint8_t rcode = 0; // of the first message, for metrics
};

// The answer to a transfer query from `peer` at time `now` (seconds since the epoch): the
// zone (AXFR; IXFR as the whole zone, or the SOA alone when the client is current), or a
// single error message (FORMERR, NOTAUTH with a TSIG error, REFUSED).
std::unique_ptr<Transfer> start_transfer(const ZoneSet& zones, const TransferPolicy& policy,
                                         const sockaddr_storage& peer, const uint8_t* q, size_t len,
                                         uint64_t now);

} // namespace endpointdns::serve
