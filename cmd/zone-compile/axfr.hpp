// SPDX-License-Identifier: MIT
// zone-compile --axfr: a zone fetched by AXFR over TCP from a primary (ldns), with TSIG.
#pragma once

#include "dns/tsig_keyfile.hpp"
#include "zone/zone.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace endpointdns::zonecompile {

struct AxfrRequest {
    std::string server; // HOST, HOST:PORT, [IPv6]:PORT or a bare IPv6 address
    dns::Name zone;
    std::optional<dns::TsigKey> key;
    unsigned timeout = 10;             // seconds: to connect, and for each message to arrive whole
    uint64_t max_records = 10'000'000; // records of the transfer, closing SOA aside
    uint64_t max_bytes = uint64_t(1) << 30; // octets received, and of the records expanded
};

// "ns1.example.net:5353" -> {"ns1.example.net", 5353}; the port defaults to 53. Throws
// Error(ex_usage) for a malformed HOST[:PORT].
std::pair<std::string, uint16_t> split_server(const std::string& server);

// Transfers the zone and returns its records (the closing SOA left out), unnormalized, each
// located at "<zone> from <host>#<port>" with its 1-based position in the transfer as the line.
// Throws Error with the exit code of zone-compile(1):
//   ex_usage (64)        a server name that does not resolve to an address
//   ex_unavailable (69)  connection refused or unreachable, closed before the end, SERVFAIL
//   ex_tempfail (75)     no answer within the timeout
//   ex_protocol (76)     an answer that is not an AXFR of the zone: first record not its SOA,
//                        last SOA not the first one, records after it, a message that does
//                        not parse or has another ID, FORMERR, NOTIMP, another rcode
//   ex_noperm (77)       REFUSED or NOTAUTH (transfer not allowed, or a TSIG key refused,
//                        with the TSIG error BADKEY, BADSIG or BADTIME when the primary gives
//                        it); with a key, a first or last message not signed, 100 or more
//                        unsigned in a row, or a MAC that does not verify
//   ex_dataerr (65)      a record of a class other than the zone's; more than max_records
//                        records, or more than max_bytes octets
// With a key, the request is signed and the answer verified by dns::tsig (Signer,
// ResponseVerifier): the first message over the request's MAC, each later signed one over the
// MAC before it and the messages left unsigned since (RFC 8945 5.3.1).
zone::Zone fetch_axfr(const AxfrRequest& request);

} // namespace endpointdns::zonecompile
