// SPDX-License-Identifier: MIT
// Pushing zone streams to edges (zone-push, zone-sync, dnsapid's fan-out): reading and checking
// a stream, the request for each edge, judging the answers.
#pragma once

#include "http/client.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace endpointdns::push {

// One zone or delta of the input, in input order.
struct Item {
    std::string zone; // presentation form with the trailing dot
    bool delta = false;
    uint32_t serial = 0;      // the zone's serial, or the delta's last serial
    uint32_t from_serial = 0; // deltas: the first serial
    std::string_view bytes;   // its messages, length prefixes included
};

struct Input {
    std::vector<std::string> buffers; // one per input file; items point into them
    std::vector<Item> items;
};

// Reads every file ("-" is standard input) and checks it as a zone stream. Throws
// Error(ex_noinput) for a file that cannot be opened and Error(ex_dataerr) for a malformed
// stream ("FILE: malformed zone stream: message N at offset O: ...") or an empty input.
Input read_input(const std::vector<std::string>& files);

// What is sent to every edge.
struct Plan {
    std::string method; // PUT, PATCH or POST
    std::string path;   // /v1/zones/{zone} or /v1/zones
    std::string body;
    bool full_sync = false; // PUT /v1/zones
    bool multi = false;     // POST /v1/zones: per-item results
};

// One full zone: PUT /v1/zones/{zone}; one delta: PATCH /v1/zones/{zone}; more items: POST
// /v1/zones; full_sync: PUT /v1/zones (Error(ex_dataerr) for a delta or a zone given twice).
Plan make_plan(const Input& input, bool full_sync);

// "/v1/zones/" + the zone name with every octet other than A-Z a-z 0-9 - . _ ~ percent-encoded.
std::string zone_path(std::string_view zone);

struct Edge {
    std::string name; // the configured name, or the URL when given as one
    std::string url;  // base URL without a trailing slash
    std::string key;
};

struct ZoneResult {
    std::string zone;
    std::string kind;               // "full", "delta", or "removed" (a zone a full sync took away)
    long status = 0;                // HTTP status for this item; 0 when the edge gave no answer
    std::optional<uint32_t> serial; // the edge's serial after the request, as it answered
    std::string error;              // empty on success
};

struct EdgeResult {
    const Edge* edge = nullptr;
    std::string request; // "PUT /v1/zones/example.com."
    long status = 0;     // HTTP status of the answer; 0 when none arrived
    int attempts = 0;
    double time = 0;   // seconds
    std::string error; // empty when every item was acknowledged
    int exit = 0;      // 0, or the exit status this edge calls for (69, 76, 77)
    std::vector<ZoneResult> zones;
};

// The request that carries a plan to one edge (bearer key, zone-stream body), without retries.
http::ClientRequest make_request(const Edge& edge, const Plan& plan, double timeout,
                                 double connect_timeout);

// Judges one edge's answer to the plan.
EdgeResult judge(const Edge& edge, const Plan& plan, const Input& input,
                 const http::ClientResult& result);

// The exit status of the whole run: 69 before 77 before 76; 0 when every edge succeeded.
int overall_exit(const std::vector<EdgeResult>& results);

} // namespace endpointdns::push
