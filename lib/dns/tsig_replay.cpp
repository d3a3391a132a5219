// SPDX-License-Identifier: MIT
// A bounded cache of TSIG-signed requests seen within the time window (see tsig_replay.hpp).
#include "dns/tsig_replay.hpp"

namespace endpointdns::dns::tsig {

void ReplayCache::expire(uint64_t now) {
    while (!by_expiry_.empty() && by_expiry_.begin()->first < now) {
        auto it = entries_.find(by_expiry_.begin()->second);
        // A request still worked on stays (its thread finishes it); it expires on a later call.
        if (it != entries_.end() && !it->second.done) break;
        if (it != entries_.end()) entries_.erase(it);
        by_expiry_.erase(by_expiry_.begin());
    }
}

ReplayCache::Claim ReplayCache::claim(const std::string& id, uint64_t now, uint64_t expires,
                                      std::chrono::milliseconds wait) {
    std::unique_lock lock(mu_);
    expire(now);
    auto it = entries_.find(id);
    if (it != entries_.end()) {
        if (!it->second.done)
            cv_.wait_for(lock, wait, [&] {
                auto again = entries_.find(id);
                return again == entries_.end() || again->second.done;
            });
        it = entries_.find(id);
        if (it == entries_.end()) return {Outcome::pending, {}}; // abandoned meanwhile
        if (!it->second.done) return {Outcome::pending, {}};
        return {Outcome::repeat, it->second.answer};
    }
    if (entries_.size() >= capacity_) return {Outcome::full, {}};
    entries_.emplace(id, Entry{expires, false, {}});
    by_expiry_.emplace(expires, id);
    return {Outcome::fresh, {}};
}

void ReplayCache::finish(const std::string& id, std::string answer) {
    {
        std::lock_guard lock(mu_);
        auto it = entries_.find(id);
        if (it == entries_.end()) return;
        it->second.done = true;
        it->second.answer = std::move(answer);
    }
    cv_.notify_all();
}

void ReplayCache::abandon(const std::string& id) {
    {
        std::lock_guard lock(mu_);
        auto it = entries_.find(id);
        if (it == entries_.end()) return;
        by_expiry_.erase({it->second.expires, id});
        entries_.erase(it);
    }
    cv_.notify_all();
}

size_t ReplayCache::size() const {
    std::lock_guard lock(mu_);
    return entries_.size();
}

} // namespace endpointdns::dns::tsig
