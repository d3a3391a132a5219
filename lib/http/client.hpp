// SPDX-License-Identifier: MIT
// HTTP client over libcurl multi: a batch of requests run concurrently, with retries and backoff.
#pragma once

#include "http/headers.hpp"

#include <memory>
#include <string>
#include <vector>

namespace endpointdns::http {

struct ClientRequest {
    std::string method = "GET";
    std::string url;
    Headers headers; // sent as given; a field with an empty value is not sent, and it stops
                     // libcurl from adding its own field of that name (e.g. Expect)
    std::string body;
    double timeout = 30;         // seconds for one attempt, connection included
    double connect_timeout = 10; // seconds to establish the connection of one attempt
    int retries = 0;             // attempts after the first, see retryable()
    double backoff = 0.5;        // seconds before the first retry; doubles for each next one
    double max_backoff = 30;     // the wait between attempts never exceeds this
};

struct ClientResult {
    long status = 0;        // HTTP status of the last attempt; 0 when no answer arrived
    Headers headers;        // header fields of that answer
    std::string body;       // its body
    std::string error;      // why no answer arrived (libcurl's text); empty when one did
    int curl_code = 0;      // the CURLcode behind error (0 = CURLE_OK)
    bool timed_out = false; // the last attempt hit its timeout
    int attempts = 0;
    double elapsed = 0; // seconds from the start of the batch to the end of the last attempt

    bool answered() const { return status != 0; }
    bool success() const { return status >= 200 && status < 300; }
};

struct ClientOptions {
    size_t max_parallel = 64;        // connections open at once across the batch (0: no limit)
    size_t max_response = 64u << 20; // a larger answer body fails the attempt
    std::string user_agent;          // default "endpointdns/<version>"
    bool use_proxy = false;          // honour http_proxy and friends from the environment
};

// Runs batches of requests. A Client may be reused for many batches (connections are kept
// alive between them); one Client must not run two batches at the same time.
//
// Retries: an attempt is repeated, up to ClientRequest::retries times, when no answer arrived
// because the connection failed, was reset or timed out, or when the answer's status is 5xx.
// Every other outcome (2xx, 3xx, 4xx, a malformed URL, an oversized answer) is final.
class Client {
public:
    explicit Client(ClientOptions options = {});
    ~Client();
    Client(const Client&) = delete;
    Client& operator=(const Client&) = delete;

    // Results in the order of the requests. Never throws for a failed request; throws
    // Error(ex_software) only when libcurl itself cannot be set up.
    std::vector<ClientResult> run(const std::vector<ClientRequest>& batch);

    struct Impl;

private:
    std::unique_ptr<Impl> impl_;
};

// True when a request that ended with this CURLcode (no answer) is worth another attempt.
bool retryable_curl_code(int curl_code);

} // namespace endpointdns::http
