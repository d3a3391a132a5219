// SPDX-License-Identifier: MIT
// API call counting: in memory per account, added to usage_daily in one batch every flush period.
#pragma once

#include "store/db.hpp"

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <unordered_set>

namespace endpointdns::api {

// Counting a call must not cost a database write on the hot path: calls are counted in memory
// and a background thread adds them to usage_daily (INSERT ... ON DUPLICATE KEY UPDATE) and
// stamps the keys' last_used_at, once per flush period. The totals used for admission are the
// database's (all dnsapid processes) plus this process's unflushed calls, so several processes
// agree within one flush period. A crash loses at most one period of counts; they are usage
// statistics, never acknowledged data.
class Usage {
public:
    Usage(store::Pool& pool, unsigned flush_ms);
    ~Usage(); // stops the thread after a last flush
    struct Totals {
        uint64_t today = 0, month = 0;
    };
    // The account's calls today and this month (UTC), unflushed ones included.
    Totals totals(uint64_t account);
    void count(uint64_t account, uint64_t key_id);
    // Writes the pending counts now (also called by the thread and on shutdown).
    void flush();

private:
    struct Entry {
        Totals base; // from the database
        uint64_t pending = 0;
        long day = -1; // UTC day number the base belongs to
    };
    Totals load(uint64_t account);

    store::Pool& pool_;
    unsigned flush_ms_;
    std::mutex mu_;
    std::unordered_map<uint64_t, Entry> accounts_;
    std::unordered_set<uint64_t> used_keys_;
    std::mutex flush_mu_; // one flush at a time
    std::condition_variable cv_;
    bool stop_ = false;
    std::thread thread_;
};

} // namespace endpointdns::api
