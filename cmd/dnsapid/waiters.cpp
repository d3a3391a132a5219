// SPDX-License-Identifier: MIT
// Long polls: see waiters.hpp.
#include "waiters.hpp"

#include "common.hpp"
#include "fanout.hpp"
#include "util/log.hpp"

namespace endpointdns::api {

namespace {
constexpr std::chrono::milliseconds poll_interval{100};
}

void Waiters::start(Fanout* fanout) {
    std::lock_guard lock(mu_);
    if (started_) return;
    fanout_ = fanout;
    started_ = true;
    thread_ = std::thread([this] { run(); });
}

void Waiters::stop() {
    std::vector<Waiter> rest;
    {
        std::lock_guard lock(mu_);
        stopping_ = true;
        rest.swap(waiting_);
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
    {
        std::lock_guard lock(mu_);
        for (auto& w : waiting_) rest.push_back(std::move(w));
        waiting_.clear();
    }
    for (auto& w : rest) settle(w, true);
}

size_t Waiters::waiting() const {
    std::lock_guard lock(mu_);
    return waiting_.size() + checking_.size();
}

bool Waiters::add(uint64_t account, std::shared_ptr<http::Deferred> answer, Clock::time_point until,
                  Check check) {
    Waiter w{account, std::move(answer), until, std::move(check)};
    {
        std::lock_guard lock(mu_);
        if (!stopping_) {
            // The thread holds a batch outside waiting_ while it checks it: counted too.
            size_t all = waiting_.size() + checking_.size(), mine = 0;
            for (const auto* list : {&waiting_, &checking_})
                for (const auto& x : *list) mine += x.account == account;
            if (all >= total_ || mine >= per_account_) return false;
            waiting_.push_back(std::move(w));
            cv_.notify_all();
            return true;
        }
    }
    settle(w, true);
    return true;
}

bool Waiters::settle(Waiter& w, bool last) {
    try {
        auto r = pool_.run([&](store::Conn& c) { return w.check(c, last); });
        if (!r) return false;
        w.answer->finish(std::move(*r));
        return true;
    } catch (const std::exception& e) {
        if (!last) return false; // the database may be back at the next turn
        log::warning(std::string("long poll: ") + e.what());
        Problem p{503, "unavailable", "Service unavailable",
                  "the database cannot be reached; retry shortly"};
        p.headers.set("Retry-After", "1");
        w.answer->finish(problem_response(p));
        return true;
    }
}

void Waiters::run() {
    for (;;) {
        uint64_t seen = fanout_ ? fanout_->acks() : 0;
        {
            std::unique_lock lock(mu_);
            cv_.wait(lock, [&] { return stopping_ || !waiting_.empty(); });
            if (stopping_) return;
        }
        // Until this process records an acknowledgement, or the poll interval passes (another
        // process may have recorded one).
        auto wake = Clock::now() + poll_interval;
        if (fanout_)
            fanout_->wait_acks(seen, wake);
        else
            std::this_thread::sleep_until(wake);
        {
            std::lock_guard lock(mu_);
            if (stopping_) return;
            checking_.swap(waiting_);
        }
        std::vector<Waiter> keep;
        auto now = Clock::now();
        for (auto& w : checking_) // only this thread touches checking_'s elements
            if (!settle(w, now >= w.until)) keep.push_back(std::move(w));
        std::lock_guard lock(mu_);
        checking_.clear();
        for (auto& w : keep) waiting_.push_back(std::move(w));
    }
}

} // namespace endpointdns::api
