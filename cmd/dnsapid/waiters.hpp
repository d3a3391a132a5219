// SPDX-License-Identifier: MIT
// Long polls (?wait=) without a thread per waiter: one thread re-checks every waiting request
// when this process's fan-out records an acknowledgement, and every 100 ms for those written by
// other processes.
#pragma once

#include "http/server.hpp"
#include "store/db.hpp"

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

namespace endpointdns::api {

class Fanout;

class Waiters {
public:
    using Clock = std::chrono::steady_clock;
    // Returns the answer once the wait is over: the awaited state was reached, or `last` is
    // true (time is up, or dnsapid is stopping) and the current state is the answer.
    using Check = std::function<std::optional<http::Response>(store::Conn& c, bool last)>;

    // At most `total` requests wait at once, and `per_account` of one account: each holds an
    // HTTP connection, and the server's connections are limited.
    Waiters(store::Pool& pool, size_t total, size_t per_account)
        : pool_(pool), total_(total), per_account_(per_account) {}
    ~Waiters() { stop(); }
    Waiters(const Waiters&) = delete;
    Waiters& operator=(const Waiters&) = delete;

    void start(Fanout* fanout);
    // Answers every waiter with its current state, then stops the thread.
    void stop();
    // Waits until check answers or until `until`. When stopped, answers at once. False (and
    // nothing added) when the account (0: the admin key) or everyone has too many waiting.
    bool add(uint64_t account, std::shared_ptr<http::Deferred> answer, Clock::time_point until,
             Check check);
    size_t waiting() const;

private:
    struct Waiter {
        uint64_t account = 0;
        std::shared_ptr<http::Deferred> answer;
        Clock::time_point until;
        Check check;
    };
    void run();
    // True when the waiter is done (and answered).
    bool settle(Waiter& w, bool last);

    store::Pool& pool_;
    size_t total_, per_account_;
    Fanout* fanout_ = nullptr;
    mutable std::mutex mu_;
    std::condition_variable cv_;
    std::vector<Waiter> waiting_;
    std::vector<Waiter> checking_; // the batch the thread is checking (read under mu_ for counts)
    bool stopping_ = false;
    bool started_ = false;
    std::thread thread_;
};

} // namespace endpointdns::api
