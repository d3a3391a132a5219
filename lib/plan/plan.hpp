// SPDX-License-Identifier: MIT
// Plan limits: usage checked against a plan, admission before writes, per-account rate limiting.
//
// A plan (table `plans`) limits domains, records per domain, API calls per UTC day and month,
// and the request rate. Every limit of 0 means unlimited. dnsapid answers 403 with a Finding
// when a write would pass a limit, and 429 with Retry-After when the rate limiter says no;
// plan-check reports accounts that are over their plan.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <array>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace endpointdns::plan {

// One plan's limits, as stored in `plans`; 0 means unlimited.
struct Limits {
    std::string plan; // the plan's name
    uint64_t max_domains = 0;
    uint64_t max_records_per_domain = 0;
    uint64_t max_calls_per_day = 0;   // UTC days
    uint64_t max_calls_per_month = 0; // UTC calendar months
    uint32_t rate_per_second = 0;     // sustained requests per second
    uint32_t rate_burst = 0;          // requests at once; 0 means the same as rate_per_second
};

// What one account uses.
struct Usage {
    uint64_t domains = 0;
    uint64_t largest_domain_records = 0; // records of its largest domain (SOA not counted)
    std::string largest_domain;          // that domain's name, "" when it has none
    uint64_t calls_today = 0;            // API calls this UTC day
    uint64_t calls_month = 0;            // API calls this UTC month
};

// One limit compared with its usage.
struct Finding {
    std::string limit; // "domains", "records_per_domain", "calls_per_day" or "calls_per_month"
    uint64_t limit_value = 0; // the plan's limit (never 0: unlimited ones have no finding)
    uint64_t used = 0;        // the usage, or for an admission what it would become
    bool over = false;        // used > limit_value
    std::string detail;       // one sentence for a person
};

// One finding per limit the plan sets, in the order domains, records_per_domain,
// calls_per_day, calls_per_month; unlimited ones are left out. Being at a limit is not over it.
std::vector<Finding> evaluate(const Limits& limits, const Usage& usage);

// Admission checks, made before a write: nullopt when allowed, else the finding to report in
// the 403 body (over = true, used = what it would become). Nothing is refused for a limit of 0.

// Adding `adding` domains to an account that has `current`. Adding none is always allowed.
std::optional<Finding> admit_domains(const Limits& limits, uint64_t current, uint64_t adding);
// A write that leaves `domain` with `after` records (SOA not counted).
std::optional<Finding> admit_records(const Limits& limits, std::string_view domain, uint64_t after);
// The same, knowing the count before: a write that does not grow a domain is allowed even when
// the domain is over the limit (after a plan change), so that records can still be removed or
// replaced.
std::optional<Finding> admit_records(const Limits& limits, std::string_view domain, uint64_t before,
                                     uint64_t after);
// The API call about to be made, counted: allowed while calls_today + 1 and calls_month + 1
// stay within their limits. When both are passed the month is reported (it lasts longer).
std::optional<Finding> admit_call(const Limits& limits, uint64_t calls_today, uint64_t calls_month);

// {"plan":"...","max_domains":N,"max_records_per_domain":N,"max_calls_per_day":N,
//  "max_calls_per_month":N,"rate_per_second":N,"rate_burst":N}, 0 meaning unlimited.
nlohmann::json to_json(const Limits& limits);
// {"limit":"domains","limit_value":N,"used":N,"over":bool,"detail":"..."}
nlohmann::json to_json(const Finding& finding);

// Token buckets, one per account: a bucket holds up to `burst` tokens and refills at
// rate_per_second; a request takes one. Thread-safe (64 mutex-striped hash maps). Memory stays
// bounded by the accounts active in the last moments: a bucket that has refilled completely
// behaves exactly like a missing one and is dropped when its stripe is swept (when the stripe
// has doubled since its last sweep, and at least once a minute). Integer arithmetic in
// nanotokens, so results are exact for given time points.
class RateLimiter {
public:
    struct Decision {
        bool allowed = true;
        uint32_t limit = 0;               // the burst (RateLimit-Limit); 0 when unlimited
        uint32_t remaining = 0;           // whole tokens left after this request
        double reset_seconds = 0;         // until the bucket is full again
        uint32_t retry_after_seconds = 0; // when refused: seconds until a token is there (>= 1)
    };

    // Takes a token from the account's bucket at time `now` (callers pass
    // steady_clock::now(); tests pass fixed points). rate_per_second 0: always allowed, limit
    // 0 and nothing stored. A plan change takes effect at once (the bucket is capped to the
    // new burst). Time points earlier than the bucket's last use count as no time passed.
    Decision take(uint64_t account, const Limits& limits,
                  std::chrono::steady_clock::time_point now);
    // Drops every bucket that is full at `now`.
    void sweep(std::chrono::steady_clock::time_point now);
    // Buckets held, for tests and metrics.
    size_t size() const;

private:
    struct Bucket {
        uint64_t tokens = 0; // nanotokens: 1e9 per request
        std::chrono::steady_clock::time_point last;
        std::chrono::steady_clock::time_point full_at;
    };
    struct Stripe {
        mutable std::mutex mu;
        std::unordered_map<uint64_t, Bucket> buckets;
        size_t sweep_at = 64;
        std::chrono::steady_clock::time_point last_sweep;
    };
    static void sweep_locked(Stripe& s, std::chrono::steady_clock::time_point now);
    std::array<Stripe, 64> stripes_;
};

} // namespace endpointdns::plan
