// SPDX-License-Identifier: MIT
// dnsapid: the controller — REST API /v1 over MariaDB: accounts, keys, plans, domains, RRsets,
// usage, and the fan-out of every change to the edges.
#include "app.hpp"
#include "common.hpp"
#include "settings.hpp"
#include "update.hpp"

#include "error.hpp"
#include "http/server.hpp"
#include "notify/notify.hpp"
#include "store/migrate.hpp"
#include "util/cli.hpp"
#include "util/daemon.hpp"
#include "util/log.hpp"
#include "util/run_main.hpp"
#include "util/secret.hpp"

#include <CLI/CLI.hpp>

#include <csignal>
#include <iostream>
#include <memory>
#include <pthread.h>

using namespace endpointdns;

namespace {

constexpr const char* default_config = "/etc/endpointdns/dnsapid.toml";

int run(int argc, char** argv) {
    CLI::App app{"dnsapid: the EndpointDNS controller — REST API /v1 over MariaDB"};
    app.set_version_flag("--version", std::string("dnsapid ") + ENDPOINTDNS_VERSION);
    std::string config_path = default_config;
    std::string listen, admin_key_file, db_password_file;
    bool check_config = false;
    auto* c = app.add_option("-c,--config", config_path, "configuration file (TOML)");
    app.add_option("--listen", listen, "REST API address ADDR:PORT");
    app.add_option("--admin-key-file", admin_key_file,
                   "file holding the admin key, instead of admin_key_file");
    app.add_option("--db-password-file", db_password_file,
                   "file holding the database password, instead of database.password_file");
    app.add_flag("--check-config", check_config,
                 "check the configuration, the admin key and the password file, then exit");
    auto* migrate = app.add_subcommand("migrate", "apply the schema migrations and exit");
    bool status_only = false;
    migrate->add_flag("--status", status_only,
                      "print the database's schema version and the latest known; exit 1 when "
                      "migrations are pending");
    app.require_subcommand(0, 1);
    if (auto rc = util::parse_command_line(app, argc, argv)) return *rc;

    log::init("dnsapid");
    api::Settings s = api::load_settings(config_path, c->count() > 0, db_password_file);
    if (!listen.empty()) s.http.listen = listen;
    if (!admin_key_file.empty()) s.admin_key_file = admin_key_file;
    if (auto a = http::parse_address(s.http.listen); !a)
        throw Error(ex_config, "listen address '" + s.http.listen + "': " + a.error());

    if (migrate->parsed()) {
        store::Pool pool(s.database);
        if (status_only) {
            unsigned at = store::schema_version(pool);
            std::cout << "schema version " << at << ", latest " << store::latest_version() << "\n";
            return at == store::latest_version() ? 0 : 1;
        }
        unsigned n = store::migrate(
            pool, [](const store::Migration& m) { log::info("applying migration " + m.name); });
        std::cout << "dnsapid: schema at version " << store::latest_version() << " (" << n
                  << " migration" << (n == 1 ? "" : "s") << " applied)\n";
        return 0;
    }

    std::string admin_key = util::read_secret(s.admin_key_file, 16, "admin key file");
    if (check_config) {
        std::cout << "dnsapid: configuration OK\n";
        return 0;
    }

    util::block_daemon_signals();

    store::Pool pool(s.database);
    // Serving on the wrong schema would fail request by request; refuse at start instead.
    // A database that is down is not fatal: requests answer 503 until it is back.
    bool schema_ok = false;
    try {
        store::require_current_schema(pool);
        schema_ok = true;
    } catch (const Error& e) {
        if (e.code() != ex_unavailable) throw;
        log::warning(std::string("starting without the database (the schema is checked when it "
                                 "is back): ") +
                     e.what());
    }
    api::App api(s, admin_key, pool);
    if (schema_ok) api.schema_checked();
    // Fan-out has its own connections: a hanging edge must not starve the API of them.
    api::Fanout fanout(s.fanout, s.database);
    // Long polls hold connections: at most half of them, and 32 per account.
    size_t max_waiting = std::max<size_t>(1, s.http.max_connections / 2);
    api::Waiters waiters(pool, max_waiting, std::min<size_t>(32, max_waiting));
    api.set_fanout(&fanout, &waiters);
    fanout.start();
    waiters.start(&fanout);
    s.http.log = [](std::string_view m) { log::warning("http: " + std::string(m)); };
    s.http.error_response = api::server_error_response;
    http::Server http(s.http, [&api](const http::Request& r) { return api.handle(r); });
    log::info("REST API on " + http.address().to_string() + " (" + std::to_string(s.http.workers) +
              " workers, " + std::to_string(s.database.pool_size) + " database connections)");
    std::unique_ptr<api::UpdateServer> update;
    if (!s.update.listen.empty()) {
        update = std::make_unique<api::UpdateServer>(s.update.listen, api);
        log::info("DNS UPDATE on " + update->address() + " (UDP and TCP)");
    }
    if (auto r = notify::send("READY=1\nSTATUS=serving on " + http.address().to_string()); !r)
        log::warning("cannot tell the service manager we are ready: " + r.error());

    util::wait_for_stop([&] {
        try {
            api.set_admin_key(util::read_secret(s.admin_key_file, 16, "admin key file"));
            log::info("SIGHUP: admin key re-read");
        } catch (const Error& e) {
            log::error(std::string("SIGHUP: keeping the old admin key: ") + e.what());
        }
    });
    waiters.stop(); // long polls answered with the current state before the server stops
    if (update) update->stop();
    http.stop();
    fanout.stop();
    return 0;
}

} // namespace

int main(int argc, char** argv) {
    return endpointdns::util::run_main("dnsapid", argc, argv, run);
}
