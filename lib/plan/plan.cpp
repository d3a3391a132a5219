// SPDX-License-Identifier: MIT
// Plan limits against usage, admission checks, and the per-account token-bucket rate limiter.
#include "plan/plan.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>

namespace endpointdns::plan {

namespace {

using std::to_string;

uint64_t add_sat(uint64_t a, uint64_t b) {
    return a > std::numeric_limits<uint64_t>::max() - b ? std::numeric_limits<uint64_t>::max()
                                                        : a + b;
}

std::string plural(uint64_t n, const char* one, const char* many) {
    return to_string(n) + " " + (n == 1 ? one : many);
}

Finding finding(const char* limit, uint64_t max, uint64_t used, std::string detail) {
    return Finding{limit, max, used, used > max, std::move(detail)};
}

} // namespace

std::vector<Finding> evaluate(const Limits& l, const Usage& u) {
    std::vector<Finding> out;
    if (l.max_domains) {
        std::string d =
            plural(u.domains, "domain", "domains") + " of " + to_string(l.max_domains) + " allowed";
        if (u.domains > l.max_domains) d += " (" + to_string(u.domains - l.max_domains) + " over)";
        out.push_back(finding("domains", l.max_domains, u.domains, d));
    }
    if (l.max_records_per_domain) {
        std::string d = u.largest_domain.empty()
                            ? "no records"
                            : "largest domain " + u.largest_domain + " has " +
                                  plural(u.largest_domain_records, "record", "records");
        d += " of " + to_string(l.max_records_per_domain) + " allowed per domain";
        if (u.largest_domain_records > l.max_records_per_domain)
            d += " (" + to_string(u.largest_domain_records - l.max_records_per_domain) + " over)";
        out.push_back(
            finding("records_per_domain", l.max_records_per_domain, u.largest_domain_records, d));
    }
    if (l.max_calls_per_day) {
        std::string d = plural(u.calls_today, "API call", "API calls") + " today (UTC) of " +
                        to_string(l.max_calls_per_day) + " allowed per day";
        out.push_back(finding("calls_per_day", l.max_calls_per_day, u.calls_today, d));
    }
    if (l.max_calls_per_month) {
        std::string d = plural(u.calls_month, "API call", "API calls") + " this month (UTC) of " +
                        to_string(l.max_calls_per_month) + " allowed per month";
        out.push_back(finding("calls_per_month", l.max_calls_per_month, u.calls_month, d));
    }
    return out;
}

std::optional<Finding> admit_domains(const Limits& l, uint64_t current, uint64_t adding) {
    if (!l.max_domains || adding == 0) return std::nullopt;
    uint64_t after = add_sat(current, adding);
    if (after <= l.max_domains) return std::nullopt;
    return finding("domains", l.max_domains, after,
                   "the " + l.plan + " plan allows " + plural(l.max_domains, "domain", "domains") +
                       "; the account has " + to_string(current) + " and this would make " +
                       to_string(after));
}

std::optional<Finding> admit_records(const Limits& l, std::string_view domain, uint64_t after) {
    if (!l.max_records_per_domain || after <= l.max_records_per_domain) return std::nullopt;
    return finding(
        "records_per_domain", l.max_records_per_domain, after,
        "the " + l.plan + " plan allows " + plural(l.max_records_per_domain, "record", "records") +
            " per domain; this would give " + std::string(domain) + " " + to_string(after));
}

std::optional<Finding> admit_records(const Limits& l, std::string_view domain, uint64_t before,
                                     uint64_t after) {
    if (after <= before) return std::nullopt;
    return admit_records(l, domain, after);
}

std::optional<Finding> admit_call(const Limits& l, uint64_t calls_today, uint64_t calls_month) {
    uint64_t month = add_sat(calls_month, 1), day = add_sat(calls_today, 1);
    if (l.max_calls_per_month && month > l.max_calls_per_month)
        return finding("calls_per_month", l.max_calls_per_month, month,
                       "the " + l.plan + " plan allows " +
                           plural(l.max_calls_per_month, "API call", "API calls") +
                           " per month (UTC), and " + to_string(calls_month) +
                           " were made this month");
    if (l.max_calls_per_day && day > l.max_calls_per_day)
        return finding("calls_per_day", l.max_calls_per_day, day,
                       "the " + l.plan + " plan allows " +
                           plural(l.max_calls_per_day, "API call", "API calls") +
                           " per day (UTC), and " + to_string(calls_today) + " were made today");
    return std::nullopt;
}

nlohmann::json to_json(const Limits& l) {
    return nlohmann::json{{"plan", l.plan},
                          {"max_domains", l.max_domains},
                          {"max_records_per_domain", l.max_records_per_domain},
                          {"max_calls_per_day", l.max_calls_per_day},
                          {"max_calls_per_month", l.max_calls_per_month},
                          {"rate_per_second", l.rate_per_second},
                          {"rate_burst", l.rate_burst}};
}

nlohmann::json to_json(const Finding& f) {
    return nlohmann::json{{"limit", f.limit},
                          {"limit_value", f.limit_value},
                          {"used", f.used},
                          {"over", f.over},
                          {"detail", f.detail}};
}

// ---- RateLimiter -----------------------------------------------------------------------------

namespace {
constexpr uint64_t unit = 1000000000; // nanotokens per token
using std::chrono::nanoseconds;
using std::chrono::steady_clock;
} // namespace

RateLimiter::Decision RateLimiter::take(uint64_t account, const Limits& l,
                                        steady_clock::time_point now) {
    if (l.rate_per_second == 0) return Decision{true, 0, 0, 0, 0};
    const uint64_t rate = l.rate_per_second; // nanotokens per nanosecond
    const uint64_t burst = l.rate_burst ? l.rate_burst : l.rate_per_second;
    const uint64_t cap = burst * unit; // at most 2^32 * 1e9 < 2^63

    Stripe& s = stripes_[std::hash<uint64_t>{}(account) % stripes_.size()];
    std::lock_guard lock(s.mu);
    if (s.buckets.size() >= s.sweep_at || now - s.last_sweep > std::chrono::minutes(1))
        sweep_locked(s, now);
    auto [it, fresh] = s.buckets.try_emplace(account);
    Bucket& b = it->second;
    if (fresh) {
        b.tokens = cap;
        b.last = now;
    } else if (now > b.last) {
        uint64_t elapsed = uint64_t(std::chrono::duration_cast<nanoseconds>(now - b.last).count());
        uint64_t need = b.tokens < cap ? cap - b.tokens : 0;
        // Full once elapsed * rate >= need; compared by division so nothing overflows.
        if (elapsed >= (need + rate - 1) / rate)
            b.tokens = cap;
        else
            b.tokens += elapsed * rate;
        b.last = now;
    }
    b.tokens = std::min(b.tokens, cap); // the burst may have shrunk with a plan change

    Decision d;
    d.limit = uint32_t(burst);
    if (b.tokens >= unit) {
        b.tokens -= unit;
        d.allowed = true;
    } else {
        d.allowed = false;
        uint64_t wait_ns = (unit - b.tokens + rate - 1) / rate;
        d.retry_after_seconds = uint32_t(std::max<uint64_t>(1, (wait_ns + unit - 1) / unit));
    }
    d.remaining = uint32_t(b.tokens / unit);
    uint64_t fill_ns = (cap - b.tokens + rate - 1) / rate;
    d.reset_seconds = double(fill_ns) / 1e9;
    b.full_at = b.last + nanoseconds(int64_t(fill_ns));
    return d;
}

void RateLimiter::sweep_locked(Stripe& s, steady_clock::time_point now) {
    std::erase_if(s.buckets, [&](const auto& kv) { return kv.second.full_at <= now; });
    s.sweep_at = std::max<size_t>(64, 2 * s.buckets.size());
    s.last_sweep = now;
}

void RateLimiter::sweep(steady_clock::time_point now) {
    for (Stripe& s : stripes_) {
        std::lock_guard lock(s.mu);
        sweep_locked(s, now);
    }
}

size_t RateLimiter::size() const {
    size_t n = 0;
    for (const Stripe& s : stripes_) {
        std::lock_guard lock(s.mu);
        n += s.buckets.size();
    }
    return n;
}

} // namespace endpointdns::plan
