// SPDX-License-Identifier: MIT
// dnsapid.toml: listen address, admin key, database, the zone defaults (name servers, SOA, TTLs).
#include "settings.hpp"

#include "config/config.hpp"
#include "dns/name.hpp"
#include "error.hpp"

namespace endpointdns::api {

namespace {

std::string host_name(const config::File& f, const std::string& key, const std::string& v) {
    auto n = dns::Name::parse(v.empty() || v.back() != '.' ? v + "." : v);
    if (!n || n->is_root())
        throw Error(ex_config, f.path() + ": " + key + ": not a domain name: '" + v + "'");
    std::string text = n->lowercased().to_text();
    text.pop_back(); // no trailing dot inside the program
    return text;
}

} // namespace

Settings load_settings(const std::string& path, bool explicit_path,
                       const std::string& db_password_file) {
    auto f = config::File::load(path, !explicit_path);
    std::vector<std::string> keys = {"listen",
                                     "admin_key_file",
                                     "http.threads",
                                     "http.workers",
                                     "http.max_body",
                                     "http.max_connections",
                                     "http.timeout",
                                     "usage.flush_ms",
                                     "zones.nameservers",
                                     "zones.hostmaster",
                                     "zones.ns_ttl",
                                     "zones.soa_ttl",
                                     "zones.refresh",
                                     "zones.retry",
                                     "zones.expire",
                                     "zones.negative_ttl",
                                     "zones.min_ttl",
                                     "zones.acme_min_ttl",
                                     "zones.max_ttl",
                                     "zones.max_records_per_rrset",
                                     "zones.max_batch",
                                     "fanout.push_timeout",
                                     "fanout.connect_timeout",
                                     "fanout.scan_interval_ms",
                                     "fanout.health_interval_ms",
                                     "fanout.max_backoff_ms",
                                     "fanout.max_delta_octets",
                                     "fanout.max_wait",
                                     "sessions.ttl",
                                     "sessions.idle_timeout",
                                     "sessions.max_failures",
                                     "sessions.max_address_failures",
                                     "sessions.failure_window",
                                     "sessions.trusted_proxies",
                                     "sessions.password_opslimit",
                                     "sessions.password_memlimit",
                                     "signup.enabled",
                                     "signup.plan",
                                     "update.listen"};
    for (auto& k : store::config_keys("database")) keys.push_back(k);
    f.check_keys(keys);

    Settings s;
    s.http.listen = "127.0.0.1:8080";
    s.http.threads = 2;
    s.http.workers = 16; // handlers wait on the database; the pool bounds real concurrency
    s.http.max_body = 16u << 20;
    s.http.timeout_seconds = 60;
    if (auto v = f.string("listen")) s.http.listen = *v;
    if (auto v = f.string("admin_key_file")) s.admin_key_file = *v;
    if (auto v = f.integer("http.threads", 1, 64)) s.http.threads = unsigned(*v);
    if (auto v = f.integer("http.workers", 1, 1024)) s.http.workers = unsigned(*v);
    if (auto v = f.integer("http.max_body", 1024, int64_t(1) << 30)) s.http.max_body = size_t(*v);
    if (auto v = f.integer("http.max_connections", 1, 100000))
        s.http.max_connections = unsigned(*v);
    if (auto v = f.integer("http.timeout", 1, 3600)) s.http.timeout_seconds = unsigned(*v);
    if (auto v = f.integer("usage.flush_ms", 10, 60000)) s.usage_flush_ms = unsigned(*v);
    s.database = store::options_from_config(f, "database", db_password_file);

    auto& z = s.zones;
    if (auto v = f.strings("zones.nameservers")) {
        if (v->empty())
            throw Error(ex_config, f.path() + ": zones.nameservers must name at least one server");
        z.nameservers.clear();
        z.nameservers_set = true;
        for (const auto& n : *v) z.nameservers.push_back(host_name(f, "zones.nameservers", n));
    }
    if (auto v = f.string("zones.hostmaster")) z.soa.rname = host_name(f, "zones.hostmaster", *v);
    z.soa.mname = z.nameservers.front();
    auto ttl = [&](const char* key, uint32_t& out, int64_t min = 0) {
        if (auto v = f.integer(key, min, 2147483647)) out = uint32_t(*v);
    };
    ttl("zones.ns_ttl", z.ns_ttl, 1);
    ttl("zones.soa_ttl", z.soa.ttl, 1);
    ttl("zones.refresh", z.soa.refresh, 1);
    ttl("zones.retry", z.soa.retry, 1);
    ttl("zones.expire", z.soa.expire, 1);
    ttl("zones.negative_ttl", z.soa.minimum, 0);
    ttl("zones.min_ttl", z.min_ttl, 1);
    ttl("zones.acme_min_ttl", z.acme_min_ttl, 1);
    ttl("zones.max_ttl", z.max_ttl, 1);
    if (z.max_ttl < z.min_ttl)
        throw Error(ex_config, f.path() + ": zones.max_ttl is below zones.min_ttl");
    if (auto v = f.integer("zones.max_records_per_rrset", 1, 100000))
        z.max_records_per_rrset = size_t(*v);
    if (auto v = f.integer("zones.max_batch", 1, 100000)) z.max_batch = size_t(*v);

    auto& fo = s.fanout;
    if (auto v = f.integer("fanout.push_timeout", 1, 3600)) fo.push_timeout = double(*v);
    if (auto v = f.integer("fanout.connect_timeout", 1, 60)) fo.connect_timeout = double(*v);
    if (auto v = f.integer("fanout.scan_interval_ms", 50, 3600000))
        fo.scan_interval_ms = unsigned(*v);
    if (auto v = f.integer("fanout.health_interval_ms", 50, 3600000))
        fo.health_interval_ms = unsigned(*v);
    if (auto v = f.integer("fanout.max_backoff_ms", 10, 3600000)) fo.max_backoff_ms = unsigned(*v);
    if (auto v = f.integer("fanout.max_delta_octets", 0, int64_t(1) << 30))
        fo.max_delta_octets = size_t(*v);
    if (auto v = f.integer("fanout.max_wait", 0, 3600)) fo.max_wait = unsigned(*v);

    auto& se = s.sessions;
    if (auto v = f.integer("sessions.ttl", 1, 31536000)) se.ttl = unsigned(*v);
    if (auto v = f.integer("sessions.idle_timeout", 0, 31536000)) se.idle_timeout = unsigned(*v);
    if (auto v = f.integer("sessions.max_failures", 0, 1000000)) se.max_failures = unsigned(*v);
    if (auto v = f.integer("sessions.max_address_failures", 0, 1000000))
        se.max_address_failures = unsigned(*v);
    if (auto v = f.integer("sessions.failure_window", 1, 86400)) se.failure_window = unsigned(*v);
    if (auto v = f.strings("sessions.trusted_proxies"))
        for (const auto& text : *v) {
            auto n = http::parse_network(text);
            if (!n)
                throw Error(ex_config, f.path() +
                                           ": sessions.trusted_proxies: not an address or "
                                           "network (192.0.2.1, 10.0.0.0/8, ::1): '" +
                                           text + "'");
            se.trusted_proxies.push_back(*n);
        }
    if (auto v = f.integer("sessions.password_opslimit", int64_t(auth::password_opslimit_min()),
                           int64_t(auth::password_opslimit_max())))
        se.password.opslimit = uint64_t(*v);
    // In KiB, as Argon2's own "m=" parameter.
    if (auto v =
            f.integer("sessions.password_memlimit", int64_t(auth::password_memlimit_min() / 1024),
                      int64_t(auth::password_memlimit_max() / 1024)))
        se.password.memlimit = size_t(*v) * 1024;
    if (auto v = f.boolean("signup.enabled")) s.signup.enabled = *v;
    if (auto v = f.string("signup.plan")) {
        if (v->empty() || v->size() > 64)
            throw Error(ex_config, f.path() + ": signup.plan: a plan name of 1 to 64 characters");
        s.signup.plan = *v;
    }
    if (auto v = f.string("update.listen")) {
        if (!v->empty())
            if (auto a = http::parse_address(*v); !a)
                throw Error(ex_config, f.path() + ": update.listen: '" + *v + "': " + a.error());
        s.update.listen = *v;
    }
    return s;
}

} // namespace endpointdns::api
