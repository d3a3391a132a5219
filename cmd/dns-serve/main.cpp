// SPDX-License-Identifier: MIT
// dns-serve: the edge name server — DNS from memory, management API, zones persisted on disk.
#include "api.hpp"
#include "query.hpp"

#include "config/config.hpp"
#include "dns/tsig.hpp"
#include "error.hpp"
#include "http/server.hpp"
#include "notify/notify.hpp"
#include "serve/dns_server.hpp"
#include "serve/notifier.hpp"
#include "serve/state_dir.hpp"
#include "serve/store.hpp"
#include "serve/transfer_config.hpp"
#include "util/cli.hpp"
#include "util/daemon.hpp"
#include "util/log.hpp"
#include "util/run_main.hpp"
#include "util/secret.hpp"
#include "zone/zonefile.hpp"

#include <CLI/CLI.hpp>

#include <csignal>
#include <fcntl.h>
#include <iostream>
#include <pthread.h>
#include <sys/file.h>

using namespace endpointdns;

namespace {

constexpr const char* default_config = "/etc/endpointdns/dns-serve.toml";

struct Settings {
    serve::DnsServerOptions dns;
    http::ServerOptions http;
    std::string key_file = "/etc/endpointdns/dns-serve.key";
    std::string state_dir = "/var/lib/endpointdns/dns-serve";
    zone::Limits limits;
    serve::NotifyOptions notify;
};

Settings load_settings(const std::string& path, bool explicit_path) {
    auto f = config::File::load(path, !explicit_path);
    std::vector<std::string> keys = {"server.listen",
                                     "server.threads",
                                     "server.state_dir",
                                     "dns.udp_payload",
                                     "dns.tcp_idle_timeout",
                                     "dns.tcp_max_connections",
                                     "dns.tcp_max_connections_per_address",
                                     "dns.tcp_max_queries_per_connection",
                                     "http.listen",
                                     "http.key_file",
                                     "http.threads",
                                     "http.max_body",
                                     "http.max_connections",
                                     "http.timeout",
                                     "zones.max_ttl",
                                     "zones.min_ttl",
                                     "zones.max_records"};
    for (const auto& k : serve::transfer_config_keys()) keys.push_back(k);
    f.check_keys(keys);
    Settings s;
    s.dns.listen = {"127.0.0.1:53", "[::1]:53"};
    s.http.listen = "127.0.0.1:8053";
    s.http.max_body = size_t(1) << 30;
    s.http.threads = 2;
    if (auto v = f.strings("server.listen")) s.dns.listen = *v;
    if (auto v = f.integer("server.threads", 0, 1024)) s.dns.threads = unsigned(*v);
    if (auto v = f.string("server.state_dir")) s.state_dir = *v;
    if (auto v = f.integer("dns.udp_payload", 512, 4096))
        s.dns.responder.udp_payload = uint16_t(*v);
    if (auto v = f.integer("dns.tcp_idle_timeout", 0, 3600))
        s.dns.tcp_idle_timeout_ms = unsigned(*v * 1000);
    if (auto v = f.integer("dns.tcp_max_connections", 0, 1000000))
        s.dns.tcp_max_connections = unsigned(*v);
    if (auto v = f.integer("dns.tcp_max_connections_per_address", 0, 1000000))
        s.dns.tcp_max_connections_per_address = unsigned(*v);
    if (auto v = f.integer("dns.tcp_max_queries_per_connection", 0, 1000000000))
        s.dns.tcp_max_queries_per_connection = unsigned(*v);
    if (auto v = f.string("http.listen")) s.http.listen = *v;
    if (auto v = f.string("http.key_file")) s.key_file = *v;
    if (auto v = f.integer("http.threads", 1, 64)) s.http.threads = unsigned(*v);
    if (auto v = f.integer("http.max_body", 1024, int64_t(1) << 34)) s.http.max_body = size_t(*v);
    if (auto v = f.integer("http.max_connections", 1, 100000))
        s.http.max_connections = unsigned(*v);
    if (auto v = f.integer("http.timeout", 1, 3600)) s.http.timeout_seconds = unsigned(*v);
    if (auto v = f.integer("zones.max_ttl", 0, 2147483647)) s.limits.max_ttl = uint32_t(*v);
    if (auto v = f.integer("zones.min_ttl", 0, 2147483647)) s.limits.min_ttl = uint32_t(*v);
    if (auto v = f.integer("zones.max_records", 0, INT64_MAX)) s.limits.max_records = size_t(*v);
    auto transfer = serve::load_transfer_settings(f);
    s.notify = std::move(transfer.notify);
    s.dns.responder.transfers = transfer.policy->enabled();
    s.dns.transfer = std::move(transfer.policy);
    return s;
}

// What NOTIFY settings amount to, to tell whether a reload changed them (they apply at start).
std::string notify_fingerprint(const serve::NotifyOptions& n) {
    std::string out = std::to_string(n.attempts) + "/" + std::to_string(n.first_timeout_ms);
    auto key = [&](const std::optional<dns::tsig::Key>& k) {
        if (k) out += "|" + k->name.to_text() + "|" + k->secret;
    };
    for (const auto& t : n.targets) out += "|" + t;
    key(n.key);
    for (const auto& z : n.zones) {
        out += "|zone " + z.zone.lowercased().to_text();
        for (const auto& t : z.targets) out += "|" + t;
        key(z.key);
    }
    return out;
}

// The server key: the key file's content without surrounding whitespace, 16 characters at least.
std::string read_key(const std::string& path) {
    return util::read_secret(path, 16);
}

int run(int argc, char** argv) {
    CLI::App app{"dns-serve: authoritative DNS from memory, with a management API (port "
                 "8053) and zones persisted on disk"};
    app.set_version_flag("--version", std::string("dns-serve ") + ENDPOINTDNS_VERSION);
    std::string config_path = default_config;
    std::vector<std::string> listen;
    std::string http_listen, key_file, state_dir;
    unsigned threads = 0;
    bool check_config = false;
    std::vector<std::string> query;
    bool query_udp = false;
    auto* c = app.add_option("-c,--config", config_path, "configuration file (TOML)");
    app.add_option("--listen", listen, "DNS address ADDR:PORT, UDP and TCP (repeatable)");
    app.add_option("--http", http_listen, "management API address ADDR:PORT");
    app.add_option("--key-file", key_file, "file holding the management API key");
    app.add_option("--state-dir", state_dir, "directory of the persisted zones");
    auto* t = app.add_option("--threads", threads, "DNS worker threads (0: one per CPU)");
    app.add_flag("--check-config", check_config,
                 "check the configuration and the key file, then exit");
    app.add_option("--query", query, "answer NAME TYPE from the persisted zones and exit")
        ->expected(2);
    app.add_flag("--udp", query_udp, "with --query: answer as over UDP (512 octets, TC)");
    if (auto rc = util::parse_command_line(app, argc, argv)) return *rc;

    log::init("dns-serve");
    Settings s = load_settings(config_path, c->count() > 0);
    if (!listen.empty()) s.dns.listen = listen;
    if (!http_listen.empty()) s.http.listen = http_listen;
    if (!key_file.empty()) s.key_file = key_file;
    if (!state_dir.empty()) s.state_dir = state_dir;
    if (t->count() > 0) s.dns.threads = threads;

    if (!query.empty()) {
        return serve::run_query(s.state_dir, query[0], query[1], query_udp, s.limits);
    }

    std::string key = read_key(s.key_file);
    if (s.dns.listen.empty()) {
        throw Error(ex_config, "no DNS listen address: set server.listen or give --listen");
    }
    for (const auto& a : s.dns.listen) {
        if (!http::parse_address(a)) {
            throw Error(ex_config, "listen address '" + a + "' is not ADDR:PORT");
        }
    }
    if (auto a = http::parse_address(s.http.listen); !a) {
        throw Error(ex_config, "http address '" + s.http.listen + "': " + a.error());
    }
    if (check_config) {
        std::cout << "dns-serve: configuration OK\n";
        return 0;
    }

    // Signals are taken by sigwait() in the main thread; every other thread blocks them.
    util::block_daemon_signals();

    serve::StateDir dir(s.state_dir);
    // One server per state directory: a second one would interleave journal appends.
    int lock_fd = ::open((s.state_dir + "/lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (lock_fd < 0 || ::flock(lock_fd, LOCK_EX | LOCK_NB) != 0) {
        throw Error(ex_tempfail, "state directory " + s.state_dir +
                                     " is in use by another dns-serve (or cannot be locked)");
    }
    serve::Published published;
    serve::Store store(dir, published, s.limits,
                       [](int prio, const std::string& m) { log::write(prio, m); });
    size_t zones = store.load();
    auto set = published.load();
    log::info("loaded " + std::to_string(zones) + " zones (" + std::to_string(set->record_count()) +
              " records) from " + s.state_dir);

    serve::DnsServer dns(published, s.dns);
    dns.bind();
    serve::Notifier notifier(published, s.notify,
                             [](int prio, const std::string& m) { log::write(prio, m); });
    serve::Api api(store, published, key, [&dns, &notifier] {
        return serve::render_prometheus(dns.counters()) + notifier.render_prometheus();
    });
    s.http.log = [](std::string_view m) { log::warning("http: " + std::string(m)); };
    http::Server http(s.http, [&api](const http::Request& r) { return api.handle(r); });
    dns.start();
    notifier.start();
    std::string where;
    for (const auto& b : dns.bound()) {
        where += (where.empty() ? "" : ", ") + b.address;
    }
    log::info("answering DNS on " + where + " (" + std::to_string(dns.threads()) +
              " threads); management API on " + http.address().to_string());
    if (auto r = notify::send("READY=1\nSTATUS=" + std::to_string(zones) + " zones loaded"); !r) {
        log::warning("cannot tell the service manager we are ready: " + r.error());
    }

    util::wait_for_stop([&] {
        try {
            api.set_key(read_key(s.key_file));
            log::info("SIGHUP: key file re-read");
        } catch (const Error& e) {
            log::error(std::string("SIGHUP: keeping the old key: ") + e.what());
        }
        // The [transfer] policy, whole or not at all: a configuration that does not load
        // leaves the running one in force.
        try {
            Settings fresh = load_settings(config_path, c->count() > 0);
            size_t entries = fresh.dns.transfer->zones.size();
            dns.set_transfer_policy(fresh.dns.transfer);
            log::info("SIGHUP: transfer policy reloaded from " + config_path + " (" +
                      std::to_string(entries) + " [[transfer.zone]] entries, " +
                      (fresh.dns.transfer->enabled() ? "transfers on" : "transfers off") + ")");
            if (notify_fingerprint(fresh.notify) != notify_fingerprint(s.notify))
                log::warning("SIGHUP: NOTIFY settings (notify, notify_attempts, "
                             "notify_timeout, the keys that sign NOTIFY) changed: they take "
                             "effect at the next restart");
        } catch (const Error& e) {
            log::error(std::string("SIGHUP: keeping the old transfer policy: ") + e.what());
        }
    });
    http.stop();
    notifier.stop();
    dns.stop();
    store.drain();
    return 0;
}

} // namespace

int main(int argc, char** argv) {
    return endpointdns::util::run_main("dns-serve", argc, argv, run);
}
