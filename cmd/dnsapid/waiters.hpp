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

    explicit Waiters(store::Pool& pool) : pool_(pool) {}
    ~Waiters() { stop(); }
    Waiters(const Waiters&) = delete;
    Waiters& operator=(const Waiters&) = delete;

    void start(Fanout* fanout);
    // Answers every waiter with its current state, then stops the thread.
    void stop();
    // Waits until check answers or until `until`. When stopped, answers at once.
    void add(std::shared_ptr<http::Deferred> answer, Clock::time_point until, Check check);
    size_t waiting() const;

private:
    struct Waiter {
        std::shared_ptr<http::Deferred> answer;
        Clock::time_point until;
        Check check;
    };
    void run();
    // True when the waiter is done (and answered).
    bool settle(Waiter& w, bool last);

    store::Pool& pool_;
    Fanout* fanout_ = nullptr;
    mutable std::mutex mu_;
    std::condition_variable cv_;
    std::vector<Waiter> waiting_;
    bool stopping_ = false;
    bool started_ = false;
    std::thread thread_;
};

} // namespace endpointdns::api
