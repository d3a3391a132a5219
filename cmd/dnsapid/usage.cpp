// SPDX-License-Identifier: MIT
// API call counting: in memory per account, added to usage_daily in one batch every flush period.
#include "usage.hpp"

#include "util/log.hpp"

#include <ctime>
#include <vector>

namespace endpointdns::api {

namespace {

long utc_day() {
    return long(std::time(nullptr) / 86400);
}

} // namespace

Usage::Usage(store::Pool& pool, unsigned flush_ms) : pool_(pool), flush_ms_(flush_ms) {
    thread_ = std::thread([this] {
        std::unique_lock lock(mu_);
        while (!stop_) {
            cv_.wait_for(lock, std::chrono::milliseconds(flush_ms_));
            if (stop_) break;
            lock.unlock();
            try {
                flush();
            } catch (const std::exception& e) {
                log::warning(std::string("usage: cannot write the call counts (kept for the "
                                         "next try): ") +
                             e.what());
            }
            lock.lock();
        }
    });
}

Usage::~Usage() {
    {
        std::lock_guard lock(mu_);
        stop_ = true;
    }
    cv_.notify_all();
    thread_.join();
    try {
        flush();
    } catch (const std::exception& e) {
        log::warning(std::string("usage: last flush failed: ") + e.what());
    }
}

Usage::Totals Usage::load(uint64_t account) {
    return pool_.run([&](store::Conn& c) {
        auto r = c.prepare("SELECT COALESCE(SUM(IF(day = UTC_DATE(), calls, 0)), 0), "
                           "COALESCE(SUM(calls), 0) FROM usage_daily WHERE account_id = ? AND "
                           "day >= DATE_FORMAT(UTC_DATE(), '%Y-%m-01') AND day <= UTC_DATE()")
                     .add(account)
                     .query();
        Totals t;
        if (r.next()) {
            t.today = r.u64(1);
            t.month = r.u64(2);
        }
        return t;
    });
}

Usage::Totals Usage::totals(uint64_t account) {
    long day = utc_day();
    {
        std::lock_guard lock(mu_);
        auto it = accounts_.find(account);
        if (it != accounts_.end() && it->second.day == day)
            return {it->second.base.today + it->second.pending,
                    it->second.base.month + it->second.pending};
    }
    Totals base = load(account);
    std::lock_guard lock(mu_);
    auto& e = accounts_[account];
    e.base = base;
    e.day = day;
    return {base.today + e.pending, base.month + e.pending};
}

void Usage::count(uint64_t account, uint64_t key_id) {
    std::lock_guard lock(mu_);
    ++accounts_[account].pending;
    if (key_id) used_keys_.insert(key_id);
}

void Usage::flush() {
    std::lock_guard one(flush_mu_);
    std::vector<std::pair<uint64_t, uint64_t>> calls;
    std::vector<uint64_t> keys;
    {
        std::lock_guard lock(mu_);
        for (auto& [account, e] : accounts_)
            if (e.pending) {
                calls.emplace_back(account, e.pending);
                // Counted into the base now, so totals stay right while the write runs.
                e.base.today += e.pending;
                e.base.month += e.pending;
                e.pending = 0;
            }
        keys.assign(used_keys_.begin(), used_keys_.end());
        used_keys_.clear();
    }
    if (calls.empty() && keys.empty()) return;
    try {
        pool_.transaction([&](store::Conn& c) {
            for (auto [account, n] : calls)
                c.prepare("INSERT INTO usage_daily (account_id, day, calls) VALUES (?, "
                          "UTC_DATE(), ?) ON DUPLICATE KEY UPDATE calls = calls + VALUES(calls)")
                    .add(account)
                    .add(n)
                    .update();
            for (auto id : keys)
                c.prepare("UPDATE api_keys SET last_used_at = CURRENT_TIMESTAMP(3) WHERE id = ?")
                    .add(id)
                    .update();
        });
    } catch (...) {
        // Put the counts back so the next flush writes them.
        std::lock_guard lock(mu_);
        for (auto [account, n] : calls) {
            auto& e = accounts_[account];
            e.base.today -= std::min(e.base.today, n);
            e.base.month -= std::min(e.base.month, n);
            e.pending += n;
        }
        used_keys_.insert(keys.begin(), keys.end());
        throw;
    }
    // Re-read the totals of the accounts just written, to take in other processes' calls.
    for (auto [account, n] : calls) {
        (void)n;
        Totals t = load(account);
        std::lock_guard lock(mu_);
        auto& e = accounts_[account];
        e.base = t;
        e.day = utc_day();
    }
}

} // namespace endpointdns::api
