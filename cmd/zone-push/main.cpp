// SPDX-License-Identifier: MIT
// zone-push: sends a zone stream to every named edge concurrently and reports each edge's answer.
#include "error.hpp"
#include "http/client.hpp"
#include "push/push.hpp"
#include "settings.hpp"
#include "util/cli.hpp"
#include "util/run_main.hpp"
#include "util/table.hpp"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <unistd.h>

using namespace endpointdns;
using namespace endpointdns::push;

namespace {

constexpr const char* default_config = "/etc/endpointdns/zone-push.toml";

// The edges named on the command line, in order, each once.
std::vector<Edge> choose_edges(const Settings& s, const std::vector<std::string>& servers, bool all,
                               const std::string& key_file) {
    std::vector<Edge> edges;
    auto add = [&](Edge e) {
        for (const Edge& x : edges)
            if (x.name == e.name && x.url == e.url) return;
        edges.push_back(std::move(e));
    };
    auto base = [](std::string url) {
        while (!url.empty() && url.back() == '/') url.pop_back();
        return url;
    };
    auto configured = [&](const ConfiguredServer& c) {
        return Edge{c.name, base(c.url), read_key(c.key_file, ex_config, c.where)};
    };
    if (all) {
        if (s.servers.empty())
            throw Error(ex_config, "--all: " + s.path +
                                       (s.found ? " defines no [[server]]" : " does not exist"));
        for (const auto& c : s.servers) add(configured(c));
    }
    std::string url_key;
    for (const auto& v : servers) {
        if (v.find("://") != std::string::npos) {
            if (!valid_base_url(v))
                throw Error(ex_usage,
                            "--server " + v + ": not an http:// or https:// URL without a query");
            if (key_file.empty()) throw Error(ex_usage, "--server " + v + " needs --key-file");
            if (url_key.empty()) url_key = read_key(key_file, ex_noinput);
            add(Edge{v, base(v), url_key});
            continue;
        }
        auto it = std::find_if(s.servers.begin(), s.servers.end(),
                               [&](const ConfiguredServer& c) { return c.name == v; });
        if (it == s.servers.end())
            throw Error(ex_usage, "--server " + v + ": no such server in " + s.path +
                                      " (give a URL, or one of the configured names)");
        add(configured(*it));
    }
    return edges;
}

std::string serial_text(const std::optional<uint32_t>& s) {
    return s ? std::to_string(*s) : "-";
}

std::string time_text(double t) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3fs", t);
    return buf;
}

void print_table(const std::vector<EdgeResult>& results) {
    std::vector<std::vector<std::string>> rows = {
        {"EDGE", "ZONE", "STATUS", "SERIAL", "TIME", "ERROR"}};
    for (const auto& e : results)
        for (const auto& z : e.zones)
            rows.push_back({e.edge->name, z.zone,
                            z.kind == "removed" ? "removed"
                            : z.status          ? std::to_string(z.status)
                                                : "-",
                            serial_text(z.serial), time_text(e.time), z.error});
    std::cout << util::format_table(rows) << std::flush;
}

void print_json(const std::vector<EdgeResult>& results, int code) {
    using json = nlohmann::ordered_json; // members in the documented order
    json edges = json::array();
    for (const auto& e : results) {
        json zones = json::array(), removed = json::array();
        for (const auto& z : e.zones) {
            if (z.kind == "removed") {
                removed.push_back(z.zone);
                continue;
            }
            zones.push_back({{"zone", z.zone},
                             {"kind", z.kind},
                             {"status", z.status ? json(z.status) : json(nullptr)},
                             {"serial", z.serial ? json(*z.serial) : json(nullptr)},
                             {"error", z.error.empty() ? json(nullptr) : json(z.error)}});
        }
        json t = json::object();
        t["edge"] = e.edge->name;
        t["url"] = e.edge->url;
        t["request"] = e.request;
        t["status"] = e.status ? json(e.status) : json(nullptr);
        t["ok"] = e.exit == 0;
        t["attempts"] = e.attempts;
        t["time"] = double(std::llround(e.time * 1000)) / 1000; // milliseconds are enough
        t["error"] = e.error.empty() ? json(nullptr) : json(e.error);
        t["zones"] = zones;
        t["removed"] = removed;
        edges.push_back(t);
    }
    json j = json::object();
    j["exit"] = code;
    j["edges"] = edges;
    std::cout << j.dump(2, ' ', false, json::error_handler_t::replace) << "\n" << std::flush;
}

int run(int argc, char** argv) {
    CLI::App app{"Send a zone stream to edge servers (dns-serve), all at once.", "zone-push"};
    app.set_version_flag("--version", std::string("zone-push ") + ENDPOINTDNS_VERSION);
    std::vector<std::string> files, servers;
    std::string key_file, config_path;
    bool all = false, full = false, json = false, force = false, check_config = false;
    double timeout = 0;
    int retries = 0;
    app.add_option("FILE", files, "zone streams to send (default: standard input); - is stdin");
    app.add_option("-s,--server", servers,
                   "an edge: a name from the configuration, or a URL (repeatable)")
        ->allow_extra_args(false);
    app.add_flag("-a,--all", all, "every server of the configuration");
    app.add_option("-k,--key-file", key_file, "file holding the key for every --server URL");
    app.add_flag("--full", full, "full sync: the edges end up with exactly these zones");
    app.add_flag("--json", json, "print the results as JSON");
    app.add_option("-t,--timeout", timeout, "seconds for one attempt (default 30)")
        ->check(CLI::Range(0.001, 86400.0));
    app.add_option("-r,--retries", retries, "attempts after the first (default 2)")
        ->check(CLI::Range(0, 100));
    app.add_flag("-f,--force", force, "read the stream even from a terminal");
    app.add_option("-c,--config", config_path, "configuration file");
    app.add_flag("--check-config", check_config, "check the configuration and exit");
    if (auto rc = util::parse_command_line(app, argc, argv)) return *rc;

    const std::string used = config_path.empty() ? default_config : config_path;
    Settings settings = load_settings(used, !config_path.empty());
    if (check_config) {
        for (const auto& c : settings.servers) read_key(c.key_file, ex_config, c.where);
        if (!settings.found)
            std::cerr << "zone-push: no configuration file " << used << "; defaults apply\n";
        else
            std::cerr << "zone-push: configuration " << used << " is valid ("
                      << settings.servers.size() << " servers)\n";
        return ex_ok;
    }
    if (app.count("--timeout")) settings.timeout = timeout;
    if (app.count("--retries")) settings.retries = retries;
    if (servers.empty() && !all)
        throw Error(ex_usage, "no edge given: use --server NAME|URL or --all");
    if (!key_file.empty() && std::none_of(servers.begin(), servers.end(), [](const std::string& s) {
            return s.find("://") != std::string::npos;
        }))
        throw Error(ex_usage, "--key-file applies to --server URL, and none was given");
    if (files.empty()) files.push_back("-");
    if (!force && ::isatty(0) && std::count(files.begin(), files.end(), "-"))
        throw Error(ex_usage, "refusing to read a binary zone stream from a terminal "
                              "(pipe zone-compile into zone-push, give a FILE, or use -f)");

    // Everything local is checked before anything is sent.
    Input input = read_input(files);
    Plan plan = make_plan(input, full);
    std::vector<Edge> edges = choose_edges(settings, servers, all, key_file);

    std::vector<http::ClientRequest> batch;
    for (const Edge& e : edges) {
        http::ClientRequest r = make_request(e, plan, settings.timeout, settings.connect_timeout);
        r.retries = settings.retries;
        r.backoff = settings.backoff;
        batch.push_back(std::move(r));
    }
    http::ClientOptions copts;
    copts.user_agent = std::string("zone-push/") + ENDPOINTDNS_VERSION;
    http::Client client(copts);
    std::vector<http::ClientResult> answers = client.run(batch);

    std::vector<EdgeResult> results;
    for (size_t i = 0; i < edges.size(); ++i)
        results.push_back(judge(edges[i], plan, input, answers[i]));
    int code = overall_exit(results);
    if (json)
        print_json(results, code);
    else
        print_table(results);
    for (const auto& e : results) {
        if (e.exit == 0) continue;
        if (plan.multi && e.status == 200) {
            for (const auto& z : e.zones)
                if (!z.error.empty())
                    std::cerr << "zone-push: " << e.edge->name << ": " << z.zone << ": " << z.error
                              << '\n';
        } else {
            std::cerr << "zone-push: " << e.edge->name << ": " << e.request << ": " << e.error
                      << '\n';
        }
    }
    return code;
}

} // namespace

int main(int argc, char** argv) {
    return endpointdns::util::run_main("zone-push", argc, argv, run);
}
