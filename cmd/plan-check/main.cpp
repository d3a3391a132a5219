// SPDX-License-Identifier: MIT
// plan-check: compares accounts' usage in the database with their plans; exit 1 if any is over.
#include "config/config.hpp"
#include "error.hpp"
#include "plan/plan.hpp"
#include "store/db.hpp"
#include "usage.hpp"
#include "util/cli.hpp"
#include "util/run_main.hpp"
#include "util/table.hpp"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <iostream>

using namespace endpointdns;

namespace {

constexpr const char* default_config = "/etc/endpointdns/plan-check.toml";

struct Checked {
    plancheck::Account account;
    std::vector<plan::Finding> findings;
    bool over = false;
};

void print_table(const std::vector<Checked>& checked) {
    std::vector<std::vector<std::string>> rows = {
        {"ACCOUNT", "NAME", "PLAN", "LIMIT", "USED", "MAX", "STATUS"}};
    for (const auto& c : checked) {
        const auto& a = c.account;
        if (c.findings.empty())
            rows.push_back({std::to_string(a.id), a.name, a.limits.plan, "-", "-", "-", "ok"});
        for (const auto& f : c.findings)
            rows.push_back({std::to_string(a.id), a.name, a.limits.plan, f.limit,
                            std::to_string(f.used), std::to_string(f.limit_value),
                            f.over ? "OVER" : "ok"});
    }
    std::cout << util::format_table(rows) << std::flush;
}

void print_json(const std::vector<Checked>& checked) {
    using json = nlohmann::ordered_json; // members in the documented order
    json accounts = json::array();
    for (const auto& c : checked) {
        json limits = json::array();
        for (const auto& f : c.findings) {
            json l = json::object();
            l["limit"] = f.limit;
            l["limit_value"] = f.limit_value;
            l["used"] = f.used;
            l["over"] = f.over;
            l["detail"] = f.detail;
            limits.push_back(l);
        }
        json a = json::object();
        a["id"] = c.account.id;
        a["name"] = c.account.name;
        a["plan"] = c.account.limits.plan;
        a["over"] = c.over;
        a["limits"] = limits;
        accounts.push_back(a);
    }
    json j = json::object();
    j["accounts"] = accounts;
    std::cout << j.dump(2, ' ', false, json::error_handler_t::replace) << "\n" << std::flush;
}

int run(int argc, char** argv) {
    CLI::App app{"Check accounts' usage (domains, records per domain, API calls) against their "
                 "plans.",
                 "plan-check"};
    app.set_version_flag("--version", std::string("plan-check ") + ENDPOINTDNS_VERSION);
    std::vector<std::string> accounts;
    std::string config_path, db_password_file;
    bool all = false, json = false, check_config = false;
    app.add_option("--account", accounts, "an account id or name (repeatable)")
        ->allow_extra_args(false);
    app.add_flag("-a,--all", all, "every account (the default)");
    app.add_flag("--json", json, "print the results as JSON");
    app.add_option("-c,--config", config_path, "configuration file");
    app.add_option("--db-password-file", db_password_file,
                   "file holding the database password, instead of database.password_file");
    app.add_flag("--check-config", check_config, "check the configuration and exit");
    if (auto rc = util::parse_command_line(app, argc, argv)) return *rc;
    if (all && !accounts.empty()) throw Error(ex_usage, "--all and --account exclude each other");

    const std::string used = config_path.empty() ? default_config : config_path;
    auto file = config::File::load(used, config_path.empty());
    file.check_keys(store::config_keys("database"));
    store::Options options = store::options_from_config(file, "database", db_password_file);
    if (check_config) {
        std::cerr << "plan-check: configuration " << used << " is valid\n";
        return ex_ok;
    }

    store::Pool pool(options);
    std::vector<Checked> checked;
    bool any_over = false;
    for (auto& a : plancheck::load_accounts(pool, accounts)) {
        Checked c;
        c.findings = plan::evaluate(a.limits, a.usage);
        c.over = std::any_of(c.findings.begin(), c.findings.end(),
                             [](const plan::Finding& f) { return f.over; });
        any_over = any_over || c.over;
        c.account = std::move(a);
        checked.push_back(std::move(c));
    }
    if (json)
        print_json(checked);
    else
        print_table(checked);
    return any_over ? 1 : ex_ok;
}

} // namespace

int main(int argc, char** argv) {
    return endpointdns::util::run_main("plan-check", argc, argv, run);
}
