// SPDX-License-Identifier: MIT
// A bounded cache of TSIG-signed requests seen within the time window (see tsig_replay.hpp).
#include "dns/tsig_replay.hpp"

namespace endpointdns::dns::tsig {

void ReplayCache::expire(uint64_t now) {
    for (auto it = by_expiry_.begin(); it != by_expiry_.end() && it->first < now;) {
        auto e = entries_.find(it->second);
        // A request still worked on stays (its thread finishes it); it goes on a later call.
        if (e != entries_.end() && !e->second.done) {
            ++it;
            continue;
        }
        if (e != entries_.end()) entries_.erase(e);
        it = by_expiry_.erase(it);
    }
}

ReplayCache::Claim ReplayCache::claim(const std::string& id, uint64_t now, uint64_t expires,
                                      std::chrono::milliseconds wait) {
    std::unique_lock lock(mu_);
    expire(now);
    auto it = entries_.find(id);
    if (it != entries_.end()) {
        if (!it->second.done) {
            // Looked up again after waiting: others may have added (rehash) or expired entries.
            cv_.wait_for(lock, wait, [&] {
                auto again = entries_.find(id);
                return again == entries_.end() || again->second.done;
            });
            it = entries_.find(id);
            // Finished and already expired: the request is too old to be answered now.
            if (it == entries_.end()) return {Outcome::repeat, {}};
        }
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

size_t ReplayCache::size() const {
    std::lock_guard lock(mu_);
    return entries_.size();
}

} // namespace endpointdns::dns::tsig
