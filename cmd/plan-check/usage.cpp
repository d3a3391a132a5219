// SPDX-License-Identifier: MIT
// plan-check's queries: accounts and plans, domain counts and sizes, API calls this UTC day/month.
#include "usage.hpp"

#include "error.hpp"
#include "store/migrate.hpp"

#include <algorithm>
#include <map>
#include <optional>

namespace endpointdns::plancheck {

namespace {

const char* const account_sql =
    "SELECT a.id, a.name, a.disabled, p.name, p.max_domains, p.max_records_per_domain, "
    "p.max_calls_per_day, p.max_calls_per_month, p.rate_per_second, p.rate_burst "
    "FROM accounts a JOIN plans p ON p.id = a.plan_id ";

Account account_from(store::Rows& r) {
    Account a;
    a.id = r.u64(1);
    a.name = r.str(2);
    a.disabled = r.u64(3) != 0;
    a.limits.plan = r.str(4);
    a.limits.max_domains = r.u64(5);
    a.limits.max_records_per_domain = r.u64(6);
    a.limits.max_calls_per_day = r.u64(7);
    a.limits.max_calls_per_month = r.u64(8);
    a.limits.rate_per_second = uint32_t(r.u64(9));
    a.limits.rate_burst = uint32_t(r.u64(10));
    return a;
}

bool is_number(const std::string& s) {
    return !s.empty() && s.size() <= 19 &&
           std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Usage of one account (`id`) or of every account (nullopt), by account id. "Today" and "this
// month" are the database's UTC_DATE(), the clock dnsapid's counts are filed by.
std::map<uint64_t, plan::Usage> read_usage(store::Conn& c, std::optional<uint64_t> id) {
    std::map<uint64_t, plan::Usage> out;
    std::string where = id ? " WHERE account_id = ?" : "";
    auto bind = [&](store::Statement st) {
        if (id) st.add(*id);
        return st;
    };
    {
        auto st = bind(
            c.prepare("SELECT account_id, COUNT(*) FROM domains" + where + " GROUP BY account_id"));
        for (auto r = st.query(); r.next();) out[r.u64(1)].domains = r.u64(2);
    }
    {
        // The largest domain of each account; on a tie the first by name.
        auto st = bind(c.prepare(
            "SELECT d.account_id, d.name, d.record_count FROM domains d JOIN "
            "(SELECT account_id, MAX(record_count) AS m FROM domains" +
            where +
            " GROUP BY account_id) x ON x.account_id = d.account_id AND d.record_count = x.m "
            "ORDER BY d.account_id, d.name"));
        for (auto r = st.query(); r.next();) {
            plan::Usage& u = out[r.u64(1)];
            if (!u.largest_domain.empty()) continue;
            u.largest_domain = r.str(2);
            u.largest_domain_records = r.u64(3);
        }
    }
    {
        auto st = bind(c.prepare(
            "SELECT account_id, CAST(SUM(IF(day = UTC_DATE(), calls, 0)) AS UNSIGNED), "
            "CAST(SUM(calls) AS UNSIGNED) FROM usage_daily WHERE day >= "
            "DATE_FORMAT(UTC_DATE(), '%Y-%m-01') AND day <= UTC_DATE()" +
            (id ? std::string(" AND account_id = ?") : std::string()) + " GROUP BY account_id"));
        for (auto r = st.query(); r.next();) {
            plan::Usage& u = out[r.u64(1)];
            u.calls_today = r.u64(2);
            u.calls_month = r.u64(3);
        }
    }
    return out;
}

} // namespace

std::vector<Account> load_accounts(store::Pool& pool, const std::vector<std::string>& selectors) {
    if (store::schema_version(pool) == 0)
        throw Error(ex_config, "database '" + pool.options().name +
                                   "' has no EndpointDNS schema (run dnsapid migrate)");
    return pool.run([&](store::Conn& c) {
        std::vector<Account> accounts;
        if (selectors.empty()) {
            auto st = c.prepare(std::string(account_sql) + "ORDER BY a.id");
            for (auto r = st.query(); r.next();) accounts.push_back(account_from(r));
            auto usage = read_usage(c, std::nullopt);
            for (Account& a : accounts)
                if (auto it = usage.find(a.id); it != usage.end()) a.usage = it->second;
            return accounts;
        }
        for (const std::string& sel : selectors) {
            bool by_id = is_number(sel);
            auto st = c.prepare(std::string(account_sql) +
                                (by_id ? "WHERE a.id = ?" : "WHERE a.name = ?"));
            if (by_id)
                st.add(uint64_t(std::stoull(sel)));
            else
                st.add(sel);
            auto r = st.query();
            if (!r.next())
                throw Error(ex_noinput,
                            by_id ? "no account with id " + sel : "no account named '" + sel + "'");
            Account a = account_from(r);
            if (std::any_of(accounts.begin(), accounts.end(),
                            [&](const Account& x) { return x.id == a.id; }))
                continue;
            auto usage = read_usage(c, a.id);
            if (auto it = usage.find(a.id); it != usage.end()) a.usage = it->second;
            accounts.push_back(std::move(a));
        }
        return accounts;
    });
}

} // namespace endpointdns::plancheck
