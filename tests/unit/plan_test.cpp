// SPDX-License-Identifier: MIT
// Unit tests of lib/plan: limits against usage, admission edge cases, the token-bucket limiter.
#include "plan/plan.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

using namespace endpointdns::plan;
using std::chrono::milliseconds;
using std::chrono::seconds;
using Clock = std::chrono::steady_clock;

namespace {

Limits starter() {
    Limits l;
    l.plan = "starter";
    l.max_domains = 5;
    l.max_records_per_domain = 100;
    l.max_calls_per_day = 1000;
    l.max_calls_per_month = 20000;
    l.rate_per_second = 10;
    l.rate_burst = 20;
    return l;
}

const Finding* find(const std::vector<Finding>& v, const std::string& limit) {
    for (const auto& f : v)
        if (f.limit == limit) return &f;
    return nullptr;
}

// A fixed origin for time points: tests never read the clock.
const Clock::time_point t0 = Clock::time_point() + std::chrono::hours(1000);

} // namespace

// ---- evaluate ------------------------------------------------------------------------------

TEST(Evaluate, UnderAtAndOver) {
    Usage u;
    u.domains = 5; // at the limit: not over
    u.largest_domain = "example.com";
    u.largest_domain_records = 101;
    u.calls_today = 999;
    u.calls_month = 20001;
    auto v = evaluate(starter(), u);
    ASSERT_EQ(v.size(), 4u);
    EXPECT_EQ(v[0].limit, "domains");
    EXPECT_EQ(v[1].limit, "records_per_domain");
    EXPECT_EQ(v[2].limit, "calls_per_day");
    EXPECT_EQ(v[3].limit, "calls_per_month");
    EXPECT_FALSE(v[0].over);
    EXPECT_EQ(v[0].used, 5u);
    EXPECT_EQ(v[0].limit_value, 5u);
    EXPECT_EQ(v[0].detail, "5 domains of 5 allowed");
    EXPECT_TRUE(v[1].over);
    EXPECT_EQ(v[1].used, 101u);
    EXPECT_EQ(v[1].detail,
              "largest domain example.com has 101 records of 100 allowed per domain (1 over)");
    EXPECT_FALSE(v[2].over);
    EXPECT_TRUE(v[3].over);
    EXPECT_EQ(v[3].used, 20001u);
}

TEST(Evaluate, UnlimitedLimitsAreLeftOut) {
    Limits l;
    l.plan = "unlimited";
    Usage u;
    u.domains = 1000000;
    EXPECT_TRUE(evaluate(l, u).empty());
    l.max_calls_per_day = 10;
    auto v = evaluate(l, u);
    ASSERT_EQ(v.size(), 1u);
    EXPECT_EQ(v[0].limit, "calls_per_day");
    EXPECT_EQ(v[0].detail, "0 API calls today (UTC) of 10 allowed per day");
}

TEST(Evaluate, NoDomains) {
    Usage u;
    auto v = evaluate(starter(), u);
    const Finding* r = find(v, "records_per_domain");
    ASSERT_NE(r, nullptr);
    EXPECT_FALSE(r->over);
    EXPECT_EQ(r->detail, "no records of 100 allowed per domain");
    EXPECT_EQ(find(v, "domains")->detail, "0 domains of 5 allowed");
}

// ---- admission -----------------------------------------------------------------------------

TEST(Admit, Domains) {
    Limits l = starter();
    EXPECT_FALSE(admit_domains(l, 0, 5));
    EXPECT_FALSE(admit_domains(l, 4, 1));
    auto f = admit_domains(l, 5, 1);
    ASSERT_TRUE(f);
    EXPECT_EQ(f->limit, "domains");
    EXPECT_TRUE(f->over);
    EXPECT_EQ(f->used, 6u);
    EXPECT_EQ(f->limit_value, 5u);
    EXPECT_EQ(f->detail, "the starter plan allows 5 domains; the account has 5 and this would "
                         "make 6");
    EXPECT_TRUE(admit_domains(l, 0, 6));
    EXPECT_FALSE(admit_domains(l, 9, 0)); // adding nothing is always allowed
    EXPECT_TRUE(admit_domains(l, UINT64_MAX, 1));
    EXPECT_EQ(admit_domains(l, UINT64_MAX, 1)->used, UINT64_MAX); // saturates
    l.max_domains = 0;
    EXPECT_FALSE(admit_domains(l, 1000000, 1000000));
}

TEST(Admit, Records) {
    Limits l = starter();
    EXPECT_FALSE(admit_records(l, "example.com", 100));
    auto f = admit_records(l, "example.com", 101);
    ASSERT_TRUE(f);
    EXPECT_EQ(f->limit, "records_per_domain");
    EXPECT_EQ(f->used, 101u);
    EXPECT_EQ(f->detail,
              "the starter plan allows 100 records per domain; this would give example.com 101");
    // Knowing the count before: a domain over the limit may shrink or stay, not grow.
    EXPECT_FALSE(admit_records(l, "example.com", 150, 150));
    EXPECT_FALSE(admit_records(l, "example.com", 150, 120));
    EXPECT_TRUE(admit_records(l, "example.com", 150, 151));
    EXPECT_TRUE(admit_records(l, "example.com", 100, 101));
    EXPECT_FALSE(admit_records(l, "example.com", 99, 100));
    l.max_records_per_domain = 0;
    EXPECT_FALSE(admit_records(l, "example.com", 1000000));
}

TEST(Admit, Calls) {
    Limits l = starter();
    EXPECT_FALSE(admit_call(l, 0, 0));
    EXPECT_FALSE(admit_call(l, 999, 999)); // the 1000th call of the day is allowed
    auto f = admit_call(l, 1000, 5000);
    ASSERT_TRUE(f);
    EXPECT_EQ(f->limit, "calls_per_day");
    EXPECT_EQ(f->used, 1001u);
    EXPECT_EQ(f->limit_value, 1000u);
    EXPECT_EQ(f->detail, "the starter plan allows 1000 API calls per day (UTC), and 1000 were "
                         "made today");
    f = admit_call(l, 10, 20000);
    ASSERT_TRUE(f);
    EXPECT_EQ(f->limit, "calls_per_month");
    EXPECT_EQ(f->used, 20001u);
    // Both passed: the month is reported.
    EXPECT_EQ(admit_call(l, 5000, 50000)->limit, "calls_per_month");
    l.max_calls_per_month = 0;
    EXPECT_EQ(admit_call(l, 5000, 50000)->limit, "calls_per_day");
    l.max_calls_per_day = 0;
    EXPECT_FALSE(admit_call(l, UINT64_MAX, UINT64_MAX));
    l.max_calls_per_day = 1;
    EXPECT_FALSE(admit_call(l, 0, 0));
    EXPECT_TRUE(admit_call(l, 1, 1));
}

TEST(Json, Shapes) {
    nlohmann::json j = to_json(starter());
    EXPECT_EQ(j.dump(), "{\"max_calls_per_day\":1000,\"max_calls_per_month\":20000,"
                        "\"max_domains\":5,\"max_records_per_domain\":100,\"plan\":\"starter\","
                        "\"rate_burst\":20,\"rate_per_second\":10}");
    Finding f{"domains", 5, 6, true, "six"};
    EXPECT_EQ(to_json(f).dump(),
              "{\"detail\":\"six\",\"limit\":\"domains\",\"limit_value\":5,\"over\":true,"
              "\"used\":6}");
}

// ---- rate limiter --------------------------------------------------------------------------

TEST(RateLimiter, BurstThenRefusedWithRetryAfter) {
    RateLimiter rl;
    Limits l = starter(); // 10/s, burst 20
    for (int i = 0; i < 20; ++i) {
        auto d = rl.take(1, l, t0);
        ASSERT_TRUE(d.allowed) << i;
        EXPECT_EQ(d.limit, 20u);
        EXPECT_EQ(d.remaining, uint32_t(19 - i));
        EXPECT_DOUBLE_EQ(d.reset_seconds, (i + 1) / 10.0);
        EXPECT_EQ(d.retry_after_seconds, 0u);
    }
    auto d = rl.take(1, l, t0);
    EXPECT_FALSE(d.allowed);
    EXPECT_EQ(d.remaining, 0u);
    EXPECT_EQ(d.retry_after_seconds, 1u); // 0.1 s, rounded up to whole seconds
    EXPECT_DOUBLE_EQ(d.reset_seconds, 2.0);
    // A refused request takes nothing.
    EXPECT_FALSE(rl.take(1, l, t0).allowed);
}

TEST(RateLimiter, Refill) {
    RateLimiter rl;
    Limits l = starter();
    for (int i = 0; i < 20; ++i) ASSERT_TRUE(rl.take(1, l, t0).allowed);
    EXPECT_FALSE(rl.take(1, l, t0 + milliseconds(99)).allowed);
    auto d = rl.take(1, l, t0 + milliseconds(100)); // one token after 0.1 s
    EXPECT_TRUE(d.allowed);
    EXPECT_EQ(d.remaining, 0u);
    EXPECT_FALSE(rl.take(1, l, t0 + milliseconds(100)).allowed);
    d = rl.take(1, l, t0 + milliseconds(650)); // 5.5 tokens more
    EXPECT_TRUE(d.allowed);
    EXPECT_EQ(d.remaining, 4u);
    // Long idle: full again, never more than the burst.
    d = rl.take(1, l, t0 + std::chrono::hours(24 * 365));
    EXPECT_TRUE(d.allowed);
    EXPECT_EQ(d.remaining, 19u);
}

TEST(RateLimiter, RetryAfterIsWholeSeconds) {
    RateLimiter rl;
    Limits l;
    l.rate_per_second = 1;
    l.rate_burst = 1;
    EXPECT_TRUE(rl.take(7, l, t0).allowed);
    auto d = rl.take(7, l, t0 + milliseconds(200));
    EXPECT_FALSE(d.allowed);
    EXPECT_EQ(d.retry_after_seconds, 1u); // 0.8 s
    EXPECT_DOUBLE_EQ(d.reset_seconds, 0.8);
    EXPECT_TRUE(rl.take(7, l, t0 + seconds(1)).allowed);
}

TEST(RateLimiter, BurstZeroMeansRate) {
    RateLimiter rl;
    Limits l;
    l.rate_per_second = 3;
    for (int i = 0; i < 3; ++i) EXPECT_TRUE(rl.take(1, l, t0).allowed);
    auto d = rl.take(1, l, t0);
    EXPECT_FALSE(d.allowed);
    EXPECT_EQ(d.limit, 3u);
}

TEST(RateLimiter, Unlimited) {
    RateLimiter rl;
    Limits l;
    for (int i = 0; i < 100000; ++i) {
        auto d = rl.take(1, l, t0);
        ASSERT_TRUE(d.allowed);
        ASSERT_EQ(d.limit, 0u);
    }
    EXPECT_EQ(rl.size(), 0u);
}

TEST(RateLimiter, PlanChangeCapsTheBucket) {
    RateLimiter rl;
    Limits big = starter();
    big.rate_burst = 100;
    EXPECT_EQ(rl.take(1, big, t0).remaining, 99u);
    Limits small = starter(); // burst 20
    auto d = rl.take(1, small, t0);
    EXPECT_TRUE(d.allowed);
    EXPECT_EQ(d.remaining, 19u);
    EXPECT_EQ(d.limit, 20u);
}

TEST(RateLimiter, ClockGoingBackwardsAddsNothing) {
    RateLimiter rl;
    Limits l;
    l.rate_per_second = 1;
    EXPECT_TRUE(rl.take(1, l, t0 + seconds(10)).allowed);
    EXPECT_FALSE(rl.take(1, l, t0 + seconds(5)).allowed);
    EXPECT_FALSE(rl.take(1, l, t0 + seconds(10)).allowed);
    EXPECT_TRUE(rl.take(1, l, t0 + seconds(11)).allowed);
}

TEST(RateLimiter, AccountsAreIndependent) {
    RateLimiter rl;
    Limits l;
    l.rate_per_second = 1;
    for (uint64_t a = 0; a < 1000; ++a) ASSERT_TRUE(rl.take(a, l, t0).allowed) << a;
    for (uint64_t a = 0; a < 1000; ++a) ASSERT_FALSE(rl.take(a, l, t0).allowed) << a;
    EXPECT_TRUE(rl.take(1000, l, t0).allowed);
}

TEST(RateLimiter, IdleBucketsAreDropped) {
    RateLimiter rl;
    Limits l;
    l.rate_per_second = 10;
    for (uint64_t a = 0; a < 100000; ++a) rl.take(a, l, t0);
    EXPECT_EQ(rl.size(), 100000u);
    rl.sweep(t0 + milliseconds(99)); // not yet full
    EXPECT_EQ(rl.size(), 100000u);
    rl.sweep(t0 + milliseconds(100));
    EXPECT_EQ(rl.size(), 0u);
    // Without explicit sweeps, growth sweeps the stripes: a steady stream of new accounts,
    // each idle 0.1 s later, keeps the map small.
    for (uint64_t a = 0; a < 1000000; ++a) rl.take(a, l, t0 + seconds(1) + milliseconds(a / 64));
    EXPECT_LT(rl.size(), 64u * 256);
    // A dropped bucket behaves like the full one it was.
    auto d = rl.take(5, l, t0 + std::chrono::hours(1));
    EXPECT_EQ(d.remaining, 9u);
}

TEST(RateLimiter, ManyThreads) {
    RateLimiter rl;
    Limits l;
    l.rate_per_second = 1;
    l.rate_burst = 1000;
    std::atomic<unsigned> allowed{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 8; ++t)
        threads.emplace_back([&] {
            for (int i = 0; i < 500; ++i)
                for (uint64_t a = 0; a < 4; ++a) allowed += rl.take(a, l, t0).allowed;
        });
    for (auto& t : threads) t.join();
    EXPECT_EQ(allowed.load(), 4u * 1000); // exactly the burst of each of the 4 accounts
}
