// SPDX-License-Identifier: MIT
// zone-compile: RFC 1035 master files -> validated, deterministic zone stream; --text reverses it.
#include "axfr.hpp"
#include "config/config.hpp"
#include "db.hpp"
#include "error.hpp"
#include "store/db.hpp"
#include "util/atomic_file.hpp"
#include "util/cli.hpp"
#include "util/run_main.hpp"
#include "zone/check.hpp"
#include "zone/stream.hpp"
#include "zone/text.hpp"
#include "zone/zonefile.hpp"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <iostream>
#include <memory>
#include <unistd.h>

using namespace endpointdns;
using zone::Diagnostic;
using zone::Zone;

namespace {

constexpr const char* default_config = "/etc/endpointdns/zone-compile.toml";

struct Settings {
    zone::Limits limits;
    size_t message_size = dns::max_message;
    store::Options database; // read only when wanted: it reads the password file
};

Settings load_settings(const std::string& path, bool explicit_path, bool database) {
    auto f = config::File::load(path, !explicit_path);
    std::vector<std::string> keys = {"limits.max_ttl", "limits.min_ttl", "limits.max_records",
                                     "output.message_size"};
    for (auto& k : store::config_keys("database")) keys.push_back(std::move(k));
    f.check_keys(keys);
    Settings s;
    if (database) s.database = store::options_from_config(f, "database");
    if (auto v = f.integer("limits.max_ttl", 0, 2147483647)) s.limits.max_ttl = uint32_t(*v);
    if (auto v = f.integer("limits.min_ttl", 0, 2147483647)) s.limits.min_ttl = uint32_t(*v);
    if (auto v = f.integer("limits.max_records", 0, INT64_MAX)) s.limits.max_records = size_t(*v);
    if (auto v = f.integer("output.message_size", 512, 65535)) s.message_size = size_t(*v);
    return s;
}

// example.com.zone -> example.com. ; db.example.com -> example.com.
std::string origin_from_path(const std::string& path) {
    std::string base = path.substr(path.rfind('/') == std::string::npos ? 0 : path.rfind('/') + 1);
    for (const char* suffix : {".zone", ".db", ".txt"}) {
        std::string sfx(suffix);
        if (base.size() > sfx.size() &&
            base.compare(base.size() - sfx.size(), sfx.size(), sfx) == 0)
            return base.substr(0, base.size() - sfx.size());
    }
    if (base.size() > 3 && base.compare(0, 3, "db.") == 0) return base.substr(3);
    return base;
}

// Where binary or text output goes: stdout, or an atomically replaced file.
class Output {
public:
    explicit Output(const std::string& path) {
        if (!path.empty() && path != "-") file_ = std::make_unique<util::AtomicFile>(path);
    }
    void write(std::string_view data) {
        if (file_)
            file_->write(data);
        else
            util::write_all(1, data, "standard output");
    }
    void commit() {
        if (file_) file_->commit();
    }

private:
    std::unique_ptr<util::AtomicFile> file_;
};

nlohmann::json diag_json(const Diagnostic& d) {
    return {{"file", d.file},
            {"line", d.line},
            {"severity", d.is_error() ? "error" : "warning"},
            {"message", d.message}};
}

// zone-compile --db: the zones of the database as a stream, as text, or summarized (--json).
int run_db(const Settings& settings, const std::vector<std::string>& files,
           const std::vector<std::string>& zones, const std::string& account,
           const std::string& output, const std::string& origin_text, bool force, bool check,
           bool text, bool json) {
    if (!files.empty())
        throw Error(ex_usage, "--db reads zones from the database, but a FILE was given (" +
                                  files[0] + "); select zones with --zone or --account");
    if (!origin_text.empty()) throw Error(ex_usage, "--origin applies to master files, not --db");
    if (check)
        throw Error(ex_usage, "--check validates master files; the database holds zones that "
                              "were validated when written");
    if (!zones.empty() && !account.empty())
        throw Error(ex_usage, "--zone and --account exclude each other");
    bool to_stdout = output.empty() || output == "-";
    bool binary_out = !text && !(json && output.empty());
    if (binary_out && to_stdout && !force && ::isatty(1))
        throw Error(ex_usage,
                    "refusing to write a binary zone stream to a terminal (use -f to force)");
    if (json && to_stdout && !output.empty())
        throw Error(ex_usage, "--json with the stream on stdout: give -o FILE for the stream");

    zonecompile::DbSelection selection;
    for (const auto& z : zones) selection.zones.push_back(zonecompile::zone_key(z)); // 64 first
    if (!account.empty()) selection.account = account;
    store::Pool pool(settings.database);
    std::unique_ptr<Output> out;
    // --json prints the summary; the stream still goes to -o FILE (text does not, as without
    // --db).
    if (!json || (!text && !output.empty())) out = std::make_unique<Output>(output);
    std::string pending;
    zone::StreamWriter writer([&](std::string_view m) { pending.append(m); },
                              settings.message_size);
    auto flush = [&] {
        if (out && text) {
            zone::StreamReader reader(pending);
            zone::StreamItem item;
            for (;;) {
                auto got = reader.next(item);
                if (!got)
                    throw Error(ex_software, "the stream compiled from the database does not "
                                             "read back: " +
                                                 got.error());
                if (!*got) break;
                out->write(zone::zone_text(*item.zone));
            }
        } else if (out) {
            out->write(pending);
        }
        pending.clear();
    };
    auto compiled = zonecompile::compile_from_db(pool, selection, writer, flush, json);
    if (out) out->commit();
    if (compiled.empty())
        std::cerr << "zone-compile: no zones in the database"
                  << (account.empty() ? std::string() : " for account " + account) << '\n';
    if (json) {
        nlohmann::json summary = {{"zones", nlohmann::json::array()},
                                  {"diagnostics", nlohmann::json::array()},
                                  {"errors", 0},
                                  {"warnings", 0}};
        for (const auto& z : compiled)
            summary["zones"].push_back({{"zone", z.zone},
                                        {"kind", "full"},
                                        {"serial", z.serial},
                                        {"records", z.records},
                                        {"rrsets", z.rrsets},
                                        {"source", "database"}});
        util::write_all(1, summary.dump(2) + "\n", "standard output");
    }
    return ex_ok;
}

int run(int argc, char** argv) {
    CLI::App app{"Validate DNS master files and compile them into a zone stream.", "zone-compile"};
    app.set_version_flag("--version", std::string("zone-compile ") + ENDPOINTDNS_VERSION);
    std::vector<std::string> files, db_zones;
    std::string origin_text, output, config_path, account, axfr, tsig_file;
    unsigned timeout = 10;
    bool force = false, check = false, text = false, json = false, quiet = false,
         check_config = false, db = false;
    app.add_option("FILE", files, "master files (or zone streams with --text); - is stdin");
    app.add_option("--origin", origin_text, "zone origin (default: from the file name)");
    app.add_option("-o,--output", output, "write to this file atomically (- is stdout)");
    app.add_flag("-f,--force", force, "write binary output even to a terminal");
    app.add_flag("--check", check, "validate only; print diagnostics");
    app.add_flag("--text", text, "read zone streams and print zone-file text");
    app.add_flag("--json", json, "print a JSON summary instead of the stream or text");
    app.add_flag("-q,--quiet", quiet, "do not print warnings");
    app.add_flag("--db", db, "compile zones from the database ([database] of the configuration)");
    app.add_option("--zone", db_zones, "with --db: this zone (repeatable; default: every zone)")
        ->allow_extra_args(false);
    app.add_option("--account", account, "with --db: the zones of this account (id or name)");
    app.add_option("--axfr", axfr,
                   "fetch ZONE by AXFR from this primary, HOST[:PORT] (port 53 by default)");
    app.add_option("--tsig", tsig_file,
                   "with --axfr: sign the request with the TSIG key in this file (BIND key "
                   "statement, or [ALGORITHM:]NAME:SECRET)");
    app.add_option("--timeout", timeout,
                   "with --axfr: seconds to connect, and for each message to arrive whole")
        ->check(CLI::Range(1u, 3600u))
        ->capture_default_str();
    zonecompile::AxfrRequest caps;
    auto* max_records_opt = app.add_option("--max-records", caps.max_records,
                                           "with --axfr: refuse a transfer of more records")
                                ->check(CLI::Range(uint64_t(1), uint64_t(1) << 40))
                                ->capture_default_str();
    auto* max_bytes_opt = app.add_option("--max-bytes", caps.max_bytes,
                                         "with --axfr: refuse a transfer of more octets")
                              ->check(CLI::Range(uint64_t(512), uint64_t(1) << 50))
                              ->capture_default_str();
    app.add_option("-c,--config", config_path, "configuration file")->capture_default_str();
    app.add_flag("--check-config", check_config, "check the configuration and exit");
    if (auto rc = util::parse_command_line(app, argc, argv)) return *rc;
    Settings settings = load_settings(config_path.empty() ? default_config : config_path,
                                      !config_path.empty(), db || check_config);
    if (check_config) {
        std::string used = config_path.empty() ? default_config : config_path;
        if (config_path.empty() && ::access(default_config, F_OK) != 0)
            std::cerr << "zone-compile: no configuration file " << used << "; defaults apply\n";
        else
            std::cerr << "zone-compile: configuration " << used << " is valid\n";
        return ex_ok;
    }
    if (text && check) throw Error(ex_usage, "--text and --check cannot be combined");
    const bool from_axfr = !axfr.empty();
    if (!tsig_file.empty() && !from_axfr)
        throw Error(ex_usage, "--tsig signs a zone transfer: add --axfr HOST[:PORT] ZONE");
    for (auto* o : {max_records_opt, max_bytes_opt})
        if (o->count() && !from_axfr)
            throw Error(ex_usage, o->get_name() + " limits a zone transfer: add --axfr "
                                                  "HOST[:PORT] ZONE");
    if (from_axfr) {
        if (db) throw Error(ex_usage, "--axfr and --db exclude each other");
        if (!origin_text.empty())
            throw Error(ex_usage, "--origin applies to master files; with --axfr the zone is "
                                  "the argument: --axfr HOST[:PORT] ZONE");
        if (files.size() != 1)
            throw Error(ex_usage, "--axfr HOST[:PORT] takes exactly one ZONE, " +
                                      std::to_string(files.size()) + " given");
    }
    if (db)
        return run_db(settings, files, db_zones, account, output, origin_text, force, check, text,
                      json);
    if (!db_zones.empty() || !account.empty())
        throw Error(ex_usage, std::string(db_zones.empty() ? "--account" : "--zone") +
                                  " selects zones of the database: add --db");
    if (!origin_text.empty() && files.size() > 1)
        throw Error(ex_usage, "--origin applies to a single zone file, but " +
                                  std::to_string(files.size()) + " were given");
    if (files.empty() && !from_axfr) {
        if (text || !origin_text.empty())
            files.push_back("-");
        else
            throw Error(ex_usage, "no zone files given (use --origin NAME - to read stdin)");
    }
    if (!text && origin_text.empty() && !from_axfr)
        for (const auto& f : files)
            if (f == "-") throw Error(ex_usage, "--origin is required to read a zone from stdin");

    bool binary_out = !text && !check && !(json && output.empty());
    if (binary_out && (output.empty() || output == "-") && !force && ::isatty(1))
        throw Error(ex_usage,
                    "refusing to write a binary zone stream to a terminal (use -f to force)");
    if (json && !text && (output.empty() || output == "-") && binary_out)
        throw Error(ex_usage, "--json with the stream on stdout: give -o FILE for the stream");

    nlohmann::json summary = {{"zones", nlohmann::json::array()},
                              {"diagnostics", nlohmann::json::array()}};
    size_t errors = 0, warnings = 0;
    auto report = [&](const Diagnostic& d) {
        if (d.is_error())
            ++errors;
        else
            ++warnings;
        if (json) summary["diagnostics"].push_back(diag_json(d));
        if (!d.is_error() && quiet) return;
        std::cerr << d.to_string() << '\n';
    };

    if (text && !from_axfr) {
        std::unique_ptr<Output> out;
        if (!json) out = std::make_unique<Output>(output);
        for (const auto& f : files) {
            std::string bytes = zone::read_file(f);
            zone::StreamReader reader(bytes);
            for (;;) {
                zone::StreamItem item;
                auto got = reader.next(item);
                if (!got)
                    throw Error(ex_dataerr, (f == "-" ? std::string("<stdin>") : f) +
                                                ": malformed zone stream: " + got.error());
                if (!*got) break;
                if (item.kind == zone::StreamItem::Kind::full) {
                    const Zone& z = *item.zone;
                    if (json)
                        summary["zones"].push_back({{"zone", z.origin().to_text()},
                                                    {"kind", "full"},
                                                    {"serial", z.serial().value_or(0)},
                                                    {"records", z.size()},
                                                    {"rrsets", z.rrset_count()},
                                                    {"source", f}});
                    else
                        out->write(zone::zone_text(z));
                } else {
                    const zone::Delta& d = item.delta;
                    size_t removed = 0, added = 0;
                    for (const auto& s : d.steps) {
                        removed += s.removed.size();
                        added += s.added.size();
                    }
                    if (json)
                        summary["zones"].push_back({{"zone", d.origin.to_text()},
                                                    {"kind", "delta"},
                                                    {"from", d.from_serial()},
                                                    {"to", d.to_serial()},
                                                    {"serial", d.to_serial()},
                                                    {"removed", removed},
                                                    {"added", added},
                                                    {"source", f}});
                    else
                        out->write(zone::delta_text(d));
                }
            }
        }
        if (out) out->commit();
    } else {
        std::vector<Zone> zones;
        std::vector<std::string> sources;
        if (from_axfr) {
            std::string ztext = files[0] == "." || files[0].empty() || files[0].back() != '.'
                                    ? files[0] + "."
                                    : files[0];
            auto origin = dns::Name::parse(ztext);
            if (!origin || files[0].empty() || files[0] == ".")
                throw Error(ex_usage, "--axfr: '" + files[0] + "' is not a zone name" +
                                          (origin ? "" : ": " + origin.error()));
            zonecompile::AxfrRequest req = caps;
            req.server = axfr;
            req.zone = *origin;
            req.timeout = timeout;
            if (!tsig_file.empty()) {
                std::string keytext = zone::read_file(tsig_file);
                auto key = dns::parse_tsig_keyfile(keytext);
                if (!key) throw Error(ex_config, "TSIG key file " + tsig_file + ": " + key.error());
                req.key = *key;
            }
            zone::Diagnostics diags;
            Zone z = zonecompile::fetch_axfr(req);
            z.normalize(&diags);
            zone::check_zone(z, settings.limits, diags);
            for (const auto& d : diags) report(d);
            sources.push_back("axfr://" + axfr + "/" + origin->to_text());
            zones.push_back(std::move(z));
        }
        for (const auto& f : from_axfr ? std::vector<std::string>{} : files) {
            // Origins are absolute: "example.com" means "example.com.".
            std::string otext = origin_text.empty() ? origin_from_path(f) : origin_text;
            auto origin =
                dns::Name::parse(otext.empty() || otext.back() != '.' ? otext + "." : otext);
            if (!origin)
                throw Error(ex_usage, "cannot take a zone origin from '" + otext +
                                          "': " + origin.error() +
                                          (origin_text.empty() ? " (use --origin)" : ""));
            for (const Zone& z : zones)
                if (z.origin() == *origin)
                    throw Error(ex_dataerr,
                                "zone " + origin->to_text() + " is given twice (" + f + ")");
            zone::Diagnostics diags;
            Zone z = zone::parse_zone_file(f, *origin, diags);
            bool syntax_errors = std::any_of(diags.begin(), diags.end(),
                                             [](const Diagnostic& d) { return d.is_error(); });
            z.normalize(&diags);
            if (!syntax_errors) zone::check_zone(z, settings.limits, diags);
            for (const auto& d : diags) report(d);
            zones.push_back(std::move(z));
            sources.push_back(f == "-" ? "<stdin>" : f);
        }
        for (size_t i = 0; i < zones.size(); ++i) {
            const Zone& z = zones[i];
            if (json)
                summary["zones"].push_back({{"zone", z.origin().to_text()},
                                            {"kind", "full"},
                                            {"serial", z.serial().value_or(0)},
                                            {"records", z.size()},
                                            {"rrsets", z.rrset_count()},
                                            {"source", sources[i]}});
        }
        if (errors == 0 && text && !json) {
            Output out(output); // --axfr --text: the fetched zone as zone-file text
            for (const Zone& z : zones) out.write(zone::zone_text(z));
            out.commit();
        }
        if (errors == 0 && binary_out) {
            Output out(output);
            std::string buffer;
            zone::StreamWriter writer(
                [&](std::string_view m) {
                    buffer.append(m);
                    if (buffer.size() >= (1u << 20)) {
                        out.write(buffer);
                        buffer.clear();
                    }
                },
                settings.message_size);
            for (const Zone& z : zones) writer.write_zone(z);
            out.write(buffer);
            out.commit();
        }
    }
    if (json) {
        summary["errors"] = errors;
        summary["warnings"] = warnings;
        std::string s =
            summary.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
        util::write_all(1, s, "standard output");
    }
    return errors ? ex_dataerr : ex_ok;
}

} // namespace

int main(int argc, char** argv) {
    return endpointdns::util::run_main("zone-compile", argc, argv, run);
}
