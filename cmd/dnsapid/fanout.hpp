// SPDX-License-Identifier: MIT
// Fan-out: every committed change pushed to every active edge, concurrently, and every edge
// caught up until it acknowledges the database's serials.
#pragma once

#include "store/db.hpp"
#include "store/servers.hpp"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace endpointdns::api {

struct FanoutSettings {
    double push_timeout = 5;            // seconds one push to one edge may take
    double connect_timeout = 1;         // seconds to connect to an edge
    unsigned scan_interval_ms = 1000;   // how often the database is asked what each edge lacks
    unsigned health_interval_ms = 1000; // how often each edge's /v1/health is read
    unsigned max_backoff_ms = 1000;     // the longest wait before retrying an unreachable edge
    size_t max_delta_octets = 1u << 20; // a longer journal stretch is sent as the whole zone
    unsigned max_wait = 60;             // the longest ?wait= of the change status, seconds
};

// One worker thread per active edge. A worker pushes what its edge lacks: zones it was told
// about (changed(), right after a commit), zones the periodic scan of the database finds behind
// (changes another dnsapid process made, pushes that failed, a restart of this process), and
// everything after its edge restarted (its health shows a lower uptime) or came back. While it
// pushes a zone it holds that zone's server_zones row locked (FOR UPDATE SKIP LOCKED), so
// several dnsapid processes never push one zone to one edge at once; a zone another process
// holds is retried shortly. Deltas come from the change journal; the whole zone is sent when
// the journal lacks a step, the stretch is large, or the edge answers 404, 409 or 400.
//
// Workers share nothing but the database pool: a slow, hanging or failing edge delays only its
// own worker. API answers never wait for a push.
class Fanout {
public:
    Fanout(FanoutSettings settings, store::Options database);
    ~Fanout();
    Fanout(const Fanout&) = delete;
    Fanout& operator=(const Fanout&) = delete;

    // Starts the supervisor, which loads the registry and keeps one worker per active server.
    void start();
    void stop();

    // A change to this zone (domains.name) committed: push it now.
    void changed(const std::string& zone);
    // Reads the edge's zones now and pushes whatever differs from the database (zones the
    // database lacks are deleted on the edge). False when this process has no worker for the
    // server yet (one is started, and it reads the edge's zones first).
    bool resync(uint32_t server_id);
    // The registry changed in this process: reload it now rather than at the next scan.
    void reload();

    // Acknowledgements this process wrote: a counter, and a wait for it to pass `seen`.
    uint64_t acks() const { return acks_.load(); }
    void wait_acks(uint64_t seen, std::chrono::steady_clock::time_point until);

    const FanoutSettings& settings() const { return settings_; }
    // Prometheus lines: zones pushed per server and kind, failures, reachability.
    void metrics(std::string& out) const;

    class Worker;

private:
    void supervise();
    void sync_workers();
    void acked();

    FanoutSettings settings_;
    store::Options database_; // each worker opens its own connections with these
    store::Pool pool_;        // the supervisor's: reads the registry
    std::mutex mu_;
    std::condition_variable cv_;
    bool stopping_ = false;
    bool reload_ = false;
    std::map<uint32_t, std::unique_ptr<Worker>> workers_;
    std::thread supervisor_;

    void count(const std::string& server, const char* what, uint64_t n = 1);
    void set_up(const std::string& server, bool up);
    mutable std::mutex stats_mu_;
    std::map<std::pair<std::string, std::string>, uint64_t> counts_;
    std::map<std::string, bool> up_;

    std::atomic<uint64_t> acks_{0};
    std::mutex ack_mu_;
    std::condition_variable ack_cv_;

    friend class Worker;
};

} // namespace endpointdns::api
