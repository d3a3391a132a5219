// SPDX-License-Identifier: MIT
// A bounded cache of TSIG-signed requests seen within the time window, keyed on key name and
// MAC: a captured request replayed within its fudge gets the first answer, not a second run.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>

namespace endpointdns::dns::tsig {

// A verified request's MAC is unique to its bytes and its key: a second request with the same
// key name and MAC is the same message again (a replay, or a client's retransmit over UDP).
// The MAC must be the full one the server computed (Verified::mac), not the one received: a
// request may carry its MAC truncated (RFC 8945 5.2.2.1), and the length it is cut to is not
// covered by the MAC, so the received MAC is not one value per message.
// The first one is "claimed" and worked on; its answer is stored until the request can no
// longer verify (its time signed plus the fudge), and every repeat gets that answer.
// Bounded: at most `capacity` live entries, and at most `per_owner` of them for one owner (an
// account): a new request past either bound is refused (`full`, `owner_full`) rather than an
// entry dropped early, so that no request can ever run twice; one owner's flood fills its own
// share only. Time: the cache keeps the latest `now` it was given (its horizon) and drops
// entries by it, so callers that took their `now` at slightly different moments agree: a
// request whose window ended before the horizon is `too_old`, never fresh (its entry may be
// gone). A clock stepped back by more than `clock_step` seconds (NTP correcting a clock that
// ran ahead) resets the horizon to the new time: otherwise every request would be too old
// until the clock caught up again. The price: a request seen before a forward step and
// dropped at the stepped time could be replayed after the clock comes back; that takes two
// steps of the server's clock, at the attacker's timing. Thread-safe.
class ReplayCache {
public:
    static constexpr uint64_t clock_step = 900; // three times the largest fudge (300 s)

    explicit ReplayCache(size_t capacity = 10000, size_t per_owner = 10000)
        : capacity_(capacity), per_owner_(per_owner) {}

    enum class Outcome {
        fresh,      // first sight: the caller works on it, then calls finish()
        repeat,     // seen before: `answer` is the first one's answer (empty when none was sent)
        pending,    // another thread still works on it after `wait`: answer nothing
        full,       // capacity live entries: refuse the request
        owner_full, // the owner holds per_owner live entries: refuse the request
        too_old,    // its window ended before the cache's horizon: answer as BADTIME
    };
    struct Claim {
        Outcome outcome = Outcome::fresh;
        std::string answer;
    };

    // The request identified by `id` (key name + full MAC) of `owner`, which stays acceptable
    // until `expires` (seconds since the epoch, inclusive), at time `now`. Entries whose time
    // has passed (by the horizon, the latest `now` seen) are dropped first. A repeat of a
    // request still being worked on waits up to `wait` for its answer (0: not at all, for a
    // listener that cannot wait).
    Claim claim(const std::string& id, const std::string& owner, uint64_t now, uint64_t expires,
                std::chrono::milliseconds wait = std::chrono::milliseconds(0));
    // The answer of a fresh claim (empty: none was sent): what every repeat gets. Every fresh
    // claim must be finished, whatever happens.
    void finish(const std::string& id, std::string answer);
    size_t size() const;
    size_t size(const std::string& owner) const;
    uint64_t horizon() const;
    // Threads waiting in claim() for another's answer now (for tests).
    size_t waiting() const;

    static std::string make_id(const std::string& key_name, const std::string& mac) {
        return std::to_string(key_name.size()) + ":" + key_name + mac;
    }

private:
    struct Entry {
        uint64_t expires = 0;
        std::string owner;
        bool done = false;
        std::string answer;
    };
    void expire();
    void erase(std::unordered_map<std::string, Entry>::iterator e);

    size_t capacity_, per_owner_;
    mutable std::mutex mu_;
    std::condition_variable cv_;
    uint64_t horizon_ = 0;
    size_t waiting_ = 0;
    std::unordered_map<std::string, Entry> entries_;
    std::unordered_map<std::string, size_t> owners_; // live entries by owner
    std::set<std::pair<uint64_t, std::string>> by_expiry_;
};

} // namespace endpointdns::dns::tsig
