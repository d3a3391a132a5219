// SPDX-License-Identifier: MIT
// A bounded cache of TSIG-signed requests seen within the time window (see tsig_replay.hpp).
#include "dns/tsig_replay.hpp"

namespace endpointdns::dns::tsig {

void ReplayCache::erase(std::unordered_map<std::string, Entry>::iterator e) {
    auto o = owners_.find(e->second.owner);
    if (o != owners_.end() && --o->second == 0) owners_.erase(o);
    entries_.erase(e);
}

void ReplayCache::expire() {
    for (auto it = by_expiry_.begin(); it != by_expiry_.end() && it->first < horizon_;) {
        auto e = entries_.find(it->second);
        // A request still worked on stays (its thread finishes it); it goes on a later call.
        if (e != entries_.end() && !e->second.done) {
            ++it;
            continue;
        }
        if (e != entries_.end()) erase(e);
        it = by_expiry_.erase(it);
    }
}

ReplayCache::Claim ReplayCache::claim(const std::string& id, const std::string& owner, uint64_t now,
                                      uint64_t expires, std::chrono::milliseconds wait) {
    std::unique_lock lock(mu_);
    if (now > horizon_ || now + clock_step < horizon_) horizon_ = now; // see the header
    expire();
    auto it = entries_.find(id);
    if (it != entries_.end()) {
        if (!it->second.done && wait.count() > 0) {
            // Looked up again after waiting: others may have added (rehash) or expired entries.
            ++waiting_;
            cv_.wait_for(lock, wait, [&] {
                auto again = entries_.find(id);
                return again == entries_.end() || again->second.done;
            });
            --waiting_;
            it = entries_.find(id);
            // Finished and already expired: the request is too old to be answered now.
            if (it == entries_.end()) return {Outcome::repeat, {}};
        }
        if (!it->second.done) return {Outcome::pending, {}};
        return {Outcome::repeat, it->second.answer};
    }
    // Its window ended before the latest time seen: its entry, if it had one, may be gone
    // (dropped by that time), so it must not count as new.
    if (expires < horizon_) return {Outcome::too_old, {}};
    if (entries_.size() >= capacity_) return {Outcome::full, {}};
    size_t& mine = owners_[owner];
    if (mine >= per_owner_) return {Outcome::owner_full, {}};
    ++mine;
    entries_.emplace(id, Entry{expires, owner, false, {}});
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

size_t ReplayCache::size(const std::string& owner) const {
    std::lock_guard lock(mu_);
    auto o = owners_.find(owner);
    return o == owners_.end() ? 0 : o->second;
}

uint64_t ReplayCache::horizon() const {
    std::lock_guard lock(mu_);
    return horizon_;
}

size_t ReplayCache::waiting() const {
    std::lock_guard lock(mu_);
    return waiting_;
}

} // namespace endpointdns::dns::tsig
