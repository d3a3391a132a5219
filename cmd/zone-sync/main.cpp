// SPDX-License-Identifier: MIT
// zone-sync: makes edges hold exactly the database's zones (or, with --dry-run, shows how they
// differ); the edges come from the registry dnsapid keeps (servers).
#include "error.hpp"
#include "settings.hpp"
#include "store/migrate.hpp"
#include "store/servers.hpp"
#include "sync.hpp"
#include "util/cli.hpp"
#include "util/run_main.hpp"
#include "util/table.hpp"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <thread>
#include <unistd.h>

using namespace endpointdns;
using namespace endpointdns::zonesync;

namespace {

constexpr const char* default_config = "/etc/endpointdns/zone-sync.toml";

// The schema version that has the server registry (migration 0002).
constexpr unsigned registry_version = 2;

std::string serial_text(const std::optional<uint32_t>& s) {
    return s ? std::to_string(*s) : "-";
}

std::string seconds_text(double t) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3f s", t);
    return buf;
}

std::string summary_line(const ServerReport& r, bool dry_run) {
    std::string s = r.server + ": ";
    if (!r.error.empty() && r.zones.empty() && r.in_sync == 0) return s + "failed";
    if (dry_run) {
        if (r.zones.empty()) return s + "in sync (" + std::to_string(r.in_sync) + " zones)";
        return s + std::to_string(r.count(Action::add, false)) + " to add, " +
               std::to_string(r.count(Action::update, false)) + " to update, " +
               std::to_string(r.count(Action::remove, false)) + " to delete, " +
               std::to_string(r.in_sync) + " in sync";
    }
    size_t failed = size_t(
        std::count_if(r.zones.begin(), r.zones.end(), [](const ZoneDiff& z) { return !z.ok; }));
    s += std::to_string(r.count(Action::add, true)) + " added, " +
         std::to_string(r.count(Action::update, true)) + " updated, " +
         std::to_string(r.count(Action::remove, true)) + " deleted, " + std::to_string(r.in_sync) +
         " in sync";
    if (failed) s += ", " + std::to_string(failed) + " failed";
    return s + " (" + seconds_text(r.time) + ")";
}

void print_table(const std::vector<ServerReport>& reports, bool dry_run) {
    std::vector<std::vector<std::string>> rows;
    if (dry_run)
        rows.push_back({"SERVER", "ZONE", "ACTION", "EDGE", "DATABASE"});
    else
        rows.push_back({"SERVER", "ZONE", "ACTION", "EDGE", "DATABASE", "RESULT"});
    for (const auto& r : reports)
        for (const auto& z : r.zones) {
            std::vector<std::string> row = {r.server, z.zone, action_name(z.action),
                                            serial_text(z.edge_serial), serial_text(z.serial)};
            if (!dry_run) row.push_back(z.ok ? "ok" : z.error);
            rows.push_back(std::move(row));
        }
    std::string out = rows.size() > 1 ? util::format_table(rows) : std::string();
    for (const auto& r : reports) out += summary_line(r, dry_run) + "\n";
    std::cout << out << std::flush;
}

void print_json(const std::vector<ServerReport>& reports, bool dry_run, int code) {
    using json = nlohmann::ordered_json; // members in the documented order
    auto opt = [](const std::optional<uint32_t>& v) { return v ? json(*v) : json(nullptr); };
    json servers = json::array();
    for (const auto& r : reports) {
        json zones = json::array();
        for (const auto& z : r.zones) {
            json j = json::object();
            j["zone"] = z.zone;
            j["action"] = action_name(z.action);
            j["edge_serial"] = opt(z.edge_serial);
            j["serial"] = opt(z.serial);
            if (!dry_run) {
                j["ok"] = z.ok;
                j["status"] = z.status ? json(z.status) : json(nullptr);
                j["error"] = z.ok ? json(nullptr) : json(z.error);
            }
            zones.push_back(j);
        }
        json s = json::object();
        s["server"] = r.server;
        s["url"] = r.url;
        s["exit"] = r.exit;
        s["error"] = r.error.empty() ? json(nullptr) : json(r.error);
        s["in_sync"] = r.in_sync;
        s["add"] = r.count(Action::add, !dry_run);
        s["update"] = r.count(Action::update, !dry_run);
        s["delete"] = r.count(Action::remove, !dry_run);
        s["time"] = double(std::llround(r.time * 1000)) / 1000;
        s["zones"] = zones;
        servers.push_back(s);
    }
    json j = json::object();
    j["dry_run"] = dry_run;
    j["exit"] = code;
    j["servers"] = servers;
    std::cout << j.dump(2, ' ', false, json::error_handler_t::replace) << "\n" << std::flush;
}

// 69 before 77 before 78 before 76 before 70 before 1 before 0.
int overall_exit(const std::vector<ServerReport>& reports) {
    auto rank = [](int c) {
        switch (c) {
        case ex_unavailable:
            return 7;
        case ex_noperm:
            return 6;
        case ex_config:
            return 5;
        case ex_protocol:
            return 4;
        case ex_ok:
            return 0;
        case 1:
            return 1;
        default:
            return 3;
        }
    };
    int code = ex_ok;
    for (const auto& r : reports)
        if (rank(r.exit) > rank(code)) code = r.exit;
    return code;
}

int run(int argc, char** argv) {
    CLI::App app{"Make edge servers hold exactly the database's zones.", "zone-sync"};
    app.set_version_flag("--version", std::string("zone-sync ") + ENDPOINTDNS_VERSION);
    std::vector<std::string> names;
    std::string config_path, db_password_file;
    bool all = false, dry_run = false, json = false, check_config = false;
    double timeout = 0;
    int retries = 0;
    app.add_option("-s,--server", names, "an edge of the registry, by name (repeatable)")
        ->allow_extra_args(false);
    app.add_flag("-a,--all", all, "every active edge of the registry");
    app.add_flag("-n,--dry-run", dry_run,
                 "show the differences and change nothing; exit 1 if there are any");
    app.add_flag("--json", json, "print the results as JSON");
    app.add_option("-t,--timeout", timeout, "seconds for one request attempt (default 120)")
        ->check(CLI::Range(0.001, 86400.0));
    app.add_option("-r,--retries", retries, "attempts after the first (default 2)")
        ->check(CLI::Range(0, 100));
    app.add_option("-c,--config", config_path, "configuration file");
    app.add_option("--db-password-file", db_password_file,
                   "file holding the database password, instead of database.password_file");
    app.add_flag("--check-config", check_config, "check the configuration and exit");
    if (auto rc = util::parse_command_line(app, argc, argv)) return *rc;

    const std::string used = config_path.empty() ? default_config : config_path;
    Settings settings = load_settings(used, !config_path.empty(), db_password_file);
    if (check_config) {
        if (!settings.found)
            std::cerr << "zone-sync: no configuration file " << used << "; defaults apply\n";
        else
            std::cerr << "zone-sync: configuration " << used << " is valid\n";
        return ex_ok;
    }
    if (names.empty() && !all) throw Error(ex_usage, "no edge given: use --server NAME or --all");
    if (all && !names.empty()) throw Error(ex_usage, "--all and --server exclude each other");
    Options options;
    options.dry_run = dry_run;
    options.timeout = app.count("--timeout") ? timeout : settings.timeout;
    options.retries = app.count("--retries") ? retries : settings.retries;
    options.connect_timeout = settings.connect_timeout;
    options.backoff = settings.backoff;
    options.chunk_size = settings.chunk_size;

    store::Pool pool(settings.database);
    unsigned version = store::schema_version(pool);
    if (version < registry_version)
        throw Error(ex_config,
                    "database '" + settings.database.name + "' " +
                        (version == 0 ? std::string("has no EndpointDNS schema")
                                      : "is at schema version " + std::to_string(version) +
                                            ", without the server registry") +
                        " (run dnsapid migrate)");
    std::vector<store::Server> registry =
        pool.run([](store::Conn& c) { return store::list_servers(c); });
    std::vector<store::Server> servers;
    if (all) {
        for (auto& s : registry)
            if (s.active) servers.push_back(s);
        if (servers.empty()) {
            std::cerr << "zone-sync: the registry has no active server; nothing to do\n";
            if (json) print_json({}, dry_run, ex_ok);
            return ex_ok;
        }
    } else {
        for (const auto& n : names) {
            auto it = std::find_if(registry.begin(), registry.end(),
                                   [&](const store::Server& s) { return s.name == n; });
            if (it == registry.end()) {
                std::string known;
                for (const auto& s : registry) known += (known.empty() ? "" : ", ") + s.name;
                throw Error(ex_noinput, "--server " + n + ": no such server in the registry" +
                                            (known.empty() ? std::string(" (it is empty)")
                                                           : " (known: " + known + ")"));
            }
            if (std::none_of(servers.begin(), servers.end(),
                             [&](const store::Server& s) { return s.id == it->id; }))
                servers.push_back(*it);
        }
    }

    // Several edges at once, each on its own thread with its own database connection.
    std::vector<ServerReport> reports(servers.size());
    std::atomic<size_t> next{0};
    unsigned workers = std::min<unsigned>(
        {settings.parallel, unsigned(servers.size()), std::max(1u, settings.database.pool_size)});
    auto work = [&] {
        for (size_t i; (i = next++) < servers.size();)
            reports[i] = sync_server(pool, servers[i], options);
    };
    std::vector<std::thread> threads;
    for (unsigned i = 1; i < workers; ++i) threads.emplace_back(work);
    work();
    for (auto& t : threads) t.join();

    int code = overall_exit(reports);
    if (json)
        print_json(reports, dry_run, code);
    else
        print_table(reports, dry_run);
    for (const auto& r : reports) {
        if (!r.error.empty() && r.error != "the edge refused zones")
            std::cerr << "zone-sync: " << r.server << ": " << r.error << '\n';
        for (const auto& z : r.zones)
            if (z.sent && !z.ok && z.error != r.error)
                std::cerr << "zone-sync: " << r.server << ": " << z.zone << ": " << z.error << '\n';
    }
    return code;
}

} // namespace

int main(int argc, char** argv) {
    return endpointdns::util::run_main("zone-sync", argc, argv, run);
}
