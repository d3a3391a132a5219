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
// The first one is "claimed" and worked on; its answer is stored until the request can no
// longer verify (its time signed plus the fudge), and every repeat gets that answer. Bounded:
// at most `capacity` live entries; when that many unexpired requests are held, new ones are
// refused (`full`) rather than an entry dropped early, so that no request can ever run twice.
// Thread-safe.
class ReplayCache {
public:
    explicit ReplayCache(size_t capacity = 10000) : capacity_(capacity) {}

    enum class Outcome {
        fresh,   // first sight: the caller works on it, then calls finish()
        repeat,  // seen before: `answer` is the first one's answer (empty when none was sent)
        pending, // another thread still works on it after `wait`: answer nothing
        full,    // capacity live entries: refuse the request
    };
    struct Claim {
        Outcome outcome = Outcome::fresh;
        std::string answer;
    };

    // The request identified by `id` (key name + MAC), which stays acceptable until
    // `expires` (seconds since the epoch, inclusive), at time `now`. Entries whose time has
    // passed are dropped first. A repeat of a request still being worked on waits up to `wait`
    // for its answer.
    Claim claim(const std::string& id, uint64_t now, uint64_t expires,
                std::chrono::milliseconds wait = std::chrono::milliseconds(0));
    // The answer of a fresh claim (empty: none was sent): what every repeat gets. Every fresh
    // claim must be finished, whatever happens.
    void finish(const std::string& id, std::string answer);
    size_t size() const;

    static std::string make_id(const std::string& key_name, const std::string& mac) {
        return std::to_string(key_name.size()) + ":" + key_name + mac;
    }

private:
    struct Entry {
        uint64_t expires = 0;
        bool done = false;
        std::string answer;
    };
    void expire(uint64_t now);

    size_t capacity_;
    mutable std::mutex mu_;
    std::condition_variable cv_;
    std::unordered_map<std::string, Entry> entries_;
    std::set<std::pair<uint64_t, std::string>> by_expiry_;
};

} // namespace endpointdns::dns::tsig
