// SPDX-License-Identifier: MIT
// dns-serve's management API (docs/management-api.md): HTTP requests to Store operations.
#pragma once

#include "http/server.hpp"
#include "serve/store.hpp"

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

namespace endpointdns::serve {

class Api {
public:
    // `dns_metrics` renders the DNS workers' counters in Prometheus text (may be empty).
    Api(Store& store, const Published& published, std::string key,
        std::function<std::string()> dns_metrics);
    http::Response handle(const http::Request& req);
    void set_key(std::string key); // SIGHUP re-reads the key file

private:
    http::Response zones(const http::Request& req);
    http::Response one_zone(const http::Request& req, std::string_view zone_text);
    http::Response metrics() const;

    Store& store_;
    const Published& published_;
    mutable std::mutex key_mu_;
    std::string key_;
    std::function<std::string()> dns_metrics_;
    std::chrono::steady_clock::time_point started_;
    std::string instance_; // random per process start: a restart shows as a new value
};

} // namespace endpointdns::serve
