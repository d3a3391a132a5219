// SPDX-License-Identifier: MIT
// dnsapid's REST API: routing, authentication, plan limits and usage around the handlers.
#include "app.hpp"

#include "common.hpp"

#include "api/acme_request.hpp"

#include "auth/password.hpp"
#include "error.hpp"
#include "http/forwarded.hpp"
#include "store/migrate.hpp"
#include "util/log.hpp"

#include <cppconn/exception.h>

#include <chrono>
#include <cmath>
#include <ctime>

namespace endpointdns::api {

namespace {

// Latency histogram bounds in seconds (Prometheus "le").
constexpr double bounds[] = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5};

} // namespace

http::Response problem_response(const Problem& p) {
    nlohmann::json j = p.extra;
    j["type"] = "https://endpointdns.dev/problems/" + p.type;
    j["title"] = p.title;
    j["status"] = p.status;
    j["detail"] = p.detail;
    http::Response r = json_response(p.status, j);
    r.content_type = "application/problem+json";
    for (const auto& [k, v] : p.headers.fields()) r.headers.set(k, v);
    return r;
}

http::Response server_error_response(int status, std::string_view message) {
    if (status == 413)
        return problem_response({413, "too-large", "Request body too large", std::string(message)});
    return problem_response({status, "internal", "Internal error", std::string(message)});
}

store::Actor Ctx::actor() const {
    store::Actor a;
    a.account_id = who.account_id;
    if (!who.admin) a.key_id = who.key_id;
    a.name = who.admin ? "admin" : who.key_prefix;
    // The peer with its port, as the journal always held it; behind a trusted proxy, the
    // forwarded client address (no port is known).
    a.remote = remote.empty() || remote == http::strip_port(req.remote) ? req.remote : remote;
    return a;
}

App::App(Settings settings, std::string admin_key, store::Pool& pool)
    : settings_(std::move(settings)), admin_key_(std::move(admin_key)), pool_(pool),
      usage_(pool, settings_.usage_flush_ms),
      // A hash of the configured cost, verified when a login names an unknown email.
      dummy_hash_(auth::hash_password(auth::random_base32(16), settings_.sessions.password)) {}

App::~App() = default;

void App::set_admin_key(std::string key) {
    std::lock_guard lock(admin_mu_);
    admin_key_ = std::move(key);
}

Principal App::authenticate(const http::Request& req) {
    const std::string* h = req.headers.find("Authorization");
    // lego's httpreq provider authenticates with HTTP Basic only: on its routes the password is
    // the API key (the user name is not looked at), and Bearer works as everywhere.
    const bool basic_ok = req.path.rfind("/v1/acme/httpreq/", 0) == 0;
    auto unauthorized = [basic_ok](const std::string& detail) {
        Problem p;
        p.status = 401;
        p.type = "unauthorized";
        p.title = "Authentication required";
        p.detail = detail;
        p.headers.set("WWW-Authenticate",
                      basic_ok ? "Basic realm=\"dnsapid\"" : "Bearer realm=\"dnsapid\"");
        throw p;
    };
    if (!h)
        unauthorized(basic_ok ? "send an API key: HTTP Basic with the key as the password, or "
                                "Authorization: Bearer <key>"
                              : "send an API key: Authorization: Bearer <key>");
    std::optional<BasicCredentials> basic;
    if (basic_ok) basic = parse_basic_auth(*h);
    {
        std::lock_guard lock(admin_mu_);
        if (basic ? !admin_key_.empty() && http::constant_time_equal(basic->password, admin_key_)
                  : http::bearer_matches(*h, admin_key_)) {
            Principal p;
            p.admin = true;
            return p;
        }
    }
    std::string_view v = *h;
    std::string_view key;
    if (basic) {
        key = basic->password;
    } else {
        if (v.size() < 7 || !http::iequals(v.substr(0, 7), "Bearer "))
            unauthorized(basic_ok ? "use HTTP Basic with the API key as the password, or "
                                    "Authorization: Bearer <key>"
                                  : "use the Bearer scheme: Authorization: Bearer <key>");
        key = v.substr(7);
    }
    while (!key.empty() && key.front() == ' ') key.remove_prefix(1);
    while (!key.empty() && key.back() == ' ') key.remove_suffix(1);
    auto prefix = auth::key_prefix(key);
    if (!prefix) unauthorized("the API key is not valid");
    std::string hash = auth::hash_key(key);
    unsigned idle = settings_.sessions.idle_timeout;
    auto found = pool_.run([&](store::Conn& c) -> std::optional<Principal> {
        auto r = c.prepare(std::string("SELECT k.id, k.hash, k.can_write, k.scope, "
                                       "k.expires_at IS NOT NULL AND k.expires_at <= "
                                       "CURRENT_TIMESTAMP(3), k.revoked_at IS NOT NULL, a.id, "
                                       "a.name, a.disabled, ") +
                           plan_columns +
                           ", k.kind = 'session', u.id, u.email, u.role, "
                           "DATE_FORMAT(k.expires_at, '%Y-%m-%dT%H:%i:%sZ'), "
                           "k.kind = 'session' AND ? > 0 AND COALESCE(k.last_used_at, "
                           "k.created_at) < CURRENT_TIMESTAMP(3) - INTERVAL ? SECOND "
                           "FROM api_keys k JOIN accounts a ON a.id = k.account_id "
                           "JOIN plans p ON p.id = a.plan_id "
                           "LEFT JOIN users u ON u.id = k.user_id WHERE k.prefix = ? AND "
                           "k.kind <> 'tsig'")
                     .add(idle)
                     .add(idle)
                     .add(*prefix)
                     .query();
        if (!r.next()) return std::nullopt;
        // Compared in constant time even though only the hash is compared.
        if (!http::constant_time_equal(r.str(2), hash)) return std::nullopt;
        if (r.u64(5) || r.u64(6) || r.u64(9) || r.u64(22)) return std::nullopt;
        Principal p;
        p.key_id = r.u64(1);
        p.key_prefix = *prefix;
        p.scope = auth::scope_from_json(r.str(4), r.u64(3) != 0);
        p.account_id = r.u64(7);
        p.account_name = r.str(8);
        p.limits = plan_limits(r, 10);
        if (r.u64(17)) {
            if (r.is_null(18)) return std::nullopt; // a session outlives no user
            p.session = true;
            p.user_id = r.u64(18);
            p.user_email = r.str(19);
            p.role = r.str(20);
            p.staff = p.role == "admin";
            p.expires_at = r.str(21);
        }
        return p;
    });
    // One message for unknown, revoked and expired keys: a guesser learns nothing.
    if (!found)
        unauthorized(prefix->rfind("eds_", 0) == 0
                         ? "the session is not valid, has expired or was ended; log in again"
                         : "the API key is not valid, has expired or was revoked");
    return *found;
}

App::Admission App::admit_call(const Principal& who) {
    Admission a;
    a.rate = rate_.take(who.account_id, who.limits, std::chrono::steady_clock::now());
    a.totals = usage_.totals(who.account_id);
    if (!a.rate.allowed) return a;
    a.over = plan::admit_call(who.limits, a.totals.today, a.totals.month);
    if (!a.over) usage_.count(who.account_id, who.key_id);
    return a;
}

// Rate and call limits of the caller's plan (admit_call); sets the RateLimit headers.
void App::admit(Ctx& ctx, http::Headers& out) {
    const auto& limits = ctx.who.limits;
    auto a = admit_call(ctx.who);
    const auto& d = a.rate;
    const auto& t = a.totals;
    if (d.limit) {
        out.set("RateLimit-Limit", std::to_string(d.limit));
        out.set("RateLimit-Remaining", std::to_string(d.remaining));
        out.set("RateLimit-Reset", std::to_string(int(std::ceil(d.reset_seconds))));
    } else if (limits.max_calls_per_day || limits.max_calls_per_month) {
        // No request rate in the plan: the headers state the call quota that applies.
        bool daily = limits.max_calls_per_day != 0;
        uint64_t limit = daily ? limits.max_calls_per_day : limits.max_calls_per_month;
        uint64_t used = (daily ? t.today : t.month) + 1; // this call counts
        time_t now = std::time(nullptr);
        long reset = 86400 - long(now % 86400);
        if (!daily) {
            std::tm tm{};
            gmtime_r(&now, &tm);
            tm.tm_mon += 1;
            tm.tm_mday = 1;
            tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
            reset = long(timegm(&tm) - now);
        }
        out.set("RateLimit-Limit", std::to_string(limit));
        out.set("RateLimit-Remaining", std::to_string(used >= limit ? 0 : limit - used));
        out.set("RateLimit-Reset", std::to_string(reset));
    }
    if (!d.allowed) {
        Problem p;
        p.status = 429;
        p.type = "rate-limited";
        p.title = "Too many requests";
        p.detail = "the plan " + limits.plan + " allows " + std::to_string(limits.rate_per_second) +
                   " request" + (limits.rate_per_second == 1 ? "" : "s") +
                   " per second (bursts of " + std::to_string(d.limit) + "); retry after " +
                   std::to_string(d.retry_after_seconds) + " s";
        p.extra = {{"limit",
                    {{"limit", "rate_per_second"},
                     {"limit_value", limits.rate_per_second},
                     {"burst", d.limit},
                     {"used", d.limit}, // the burst is spent
                     {"over", true},
                     {"detail", p.detail}}},
                   {"retry_after", d.retry_after_seconds}};
        p.headers = out;
        p.headers.set("Retry-After", std::to_string(d.retry_after_seconds));
        throw p;
    }
    // Over the call quota, GET /v1/account still answers: it is where the usage is shown
    // (answered, not counted: looking must not add to the excess).
    bool usage_page = ctx.seg.size() == 1 && ctx.seg[0] == "account";
    if (a.over && usage_page) return;
    if (auto f = a.over) {
        Problem p;
        p.status = 403;
        p.type = "plan-limit";
        p.title = "Plan limit reached";
        p.detail = f->detail;
        p.extra = {{"limit", plan::to_json(*f)}};
        p.headers = out;
        throw p;
    }
}

http::Response App::handle(const http::Request& req) {
    auto start = std::chrono::steady_clock::now();
    std::string route = "other";
    http::Response resp;
    http::Headers limit_headers;
    bool deferred = false; // a long poll: answered later, not counted here
    try {
        if (req.path == "/metrics") {
            route = "/metrics";
            resp = req.method == "GET" ? metrics() : (method_not_allowed("GET"), http::Response{});
        } else if (req.path == "/v1/health") {
            route = "/v1/health";
            if (req.method != "GET" && req.method != "HEAD") method_not_allowed("GET, HEAD");
            bool ok = true;
            std::string why;
            try {
                pool_.run([](store::Conn& c) { c.prepare("SELECT 1").query(); });
                check_schema();
            } catch (const Problem& p) {
                ok = false;
                why = p.detail;
            } catch (const Error& e) {
                ok = false;
                why = e.what();
            }
            if (!ok) log::warning("health: " + why);
            // The cause goes to the log only: /v1/health needs no key.
            resp = json_response(ok ? 200 : 503, {{"status", ok ? "ok" : "unavailable"}});
        } else {
            auto seg = http::path_segments(req);
            if (seg.empty() || seg[0] != "v1") not_found("the path " + req.path);
            seg.erase(seg.begin());
            route = route_of(seg);
            check_schema();
            // Every X-Forwarded-For line, in order, as one list (RFC 9110 5.3): a proxy may add
            // a line of its own rather than extend the client's.
            std::string forwarded;
            for (const auto& [k, v] : req.headers.fields())
                if (http::iequals(k, "X-Forwarded-For"))
                    forwarded += (forwarded.empty() ? "" : ",") + v;
            std::string remote =
                http::client_address(req.remote, forwarded, settings_.sessions.trusted_proxies);
            // Sign-up and login are the only routes without a credential; their bodies are
            // small, and nobody unknown gets to make the server parse 16 MiB of JSON.
            bool open = (seg.size() == 1 && seg[0] == "signup") ||
                        (seg.size() == 1 && seg[0] == "sessions");
            if (open && req.body.size() > 8192)
                fail(413, "too-large", "Request body too large",
                     "a login or sign-up body is at most 8192 octets");
            Ctx ctx{req,
                    open ? Principal{} : authenticate(req),
                    std::move(seg),
                    nullptr,
                    nullptr,
                    std::move(remote)};
            // Logging out and changing the password must work while the account's calls are
            // spent (anyone holding one of its keys can spend them): not admitted, not counted.
            bool self_service =
                ctx.who.session &&
                ((ctx.seg.size() == 2 && ctx.seg[0] == "sessions" && ctx.seg[1] == "current") ||
                 (ctx.seg.size() == 2 && ctx.seg[0] == "user" && ctx.seg[1] == "password"));
            if (!open && !ctx.who.admin && !self_service) admit(ctx, limit_headers);
            ctx.limit_headers = &limit_headers;
            ctx.deferred = &deferred;
            resp = dispatch(ctx, route);
        }
    } catch (const Problem& p) {
        resp = problem_response(p);
    } catch (const Error& e) {
        if (e.code() == ex_unavailable || e.code() == ex_tempfail || e.code() == ex_config) {
            Problem p{503, "unavailable", "Service unavailable",
                      "the database cannot be reached; retry shortly"};
            p.headers.set("Retry-After", "1");
            log::warning(std::string("request failed: ") + e.what());
            resp = problem_response(p);
        } else {
            log::error(std::string("request failed: ") + e.what());
            resp = problem_response({500, "internal", "Internal error",
                                     "the request failed on our side; it has been logged"});
        }
    } catch (const sql::SQLException& e) {
        log::error(std::string("request failed: database: ") + e.what());
        bool down = store::is_connection_error(e);
        Problem p{down ? 503 : 500, down ? "unavailable" : "internal",
                  down ? "Service unavailable" : "Internal error",
                  down ? "the database cannot be reached; retry shortly"
                       : "the request failed on our side; it has been logged"};
        if (down) p.headers.set("Retry-After", "1");
        resp = problem_response(p);
    } catch (const std::exception& e) {
        log::error(std::string("request failed: ") + e.what());
        resp = problem_response({500, "internal", "Internal error",
                                 "the request failed on our side; it has been logged"});
    }
    for (const auto& [k, v] : limit_headers.fields())
        if (!resp.headers.contains(k)) resp.headers.set(k, v);
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (!deferred) observe(route, resp.status, secs);
    return resp;
}

// When dnsapid started while the database was down, the schema is checked by the first request
// that reaches the database: a mismatch answers 503 until an operator acts.
void App::check_schema() {
    if (schema_ok_) return;
    try {
        store::require_current_schema(pool_);
        schema_ok_ = true;
    } catch (const Error& e) {
        if (e.code() != ex_config) throw;
        log::error(e.what());
        bool login = std::string_view(e.what()).find("refuses") != std::string_view::npos;
        Problem p{503, "unavailable", "Service unavailable",
                  login ? "dnsapid cannot log in to its database; the operator must check the "
                          "[database] settings"
                        : "the database schema does not match this dnsapid; the operator must "
                          "run `dnsapid migrate`"};
        p.headers.set("Retry-After", "60");
        throw p;
    }
}

// The route label of a path (for metrics), before authentication.
std::string App::route_of(const std::vector<std::string>& s) {
    if (s.empty()) return "other";
    const std::string& r = s[0];
    if (r == "plans" && s.size() <= 2) return s.size() == 1 ? "/v1/plans" : "/v1/plans/{name}";
    if (r == "accounts" && s.size() <= 2)
        return s.size() == 1 ? "/v1/accounts" : "/v1/accounts/{id}";
    if (r == "accounts" && s.size() == 3 && s[2] == "keys") return "/v1/accounts/{id}/keys";
    if (r == "accounts" && s.size() == 3 && s[2] == "users") return "/v1/accounts/{id}/users";
    if (r == "accounts" && s.size() == 4 && s[2] == "users") return "/v1/accounts/{id}/users/{uid}";
    if (r == "signup" && s.size() == 1) return "/v1/signup";
    if (r == "sessions" && s.size() == 1) return "/v1/sessions";
    if (r == "sessions" && s.size() == 2 && s[1] == "current") return "/v1/sessions/current";
    if (r == "user" && s.size() == 2 && s[1] == "password") return "/v1/user/password";
    if (r == "servers" && s.size() == 3 && s[2] == "sync") return "/v1/servers/{name}/sync";
    if (r == "account" && s.size() == 1) return "/v1/account";
    if (r == "servers" && s.size() <= 2)
        return s.size() == 1 ? "/v1/servers" : "/v1/servers/{name}";
    if (r == "changes" && s.size() <= 2) return s.size() == 1 ? "/v1/changes" : "/v1/changes/{id}";
    if (r == "keys" && s.size() <= 2) return s.size() == 1 ? "/v1/keys" : "/v1/keys/{id}";
    if (r == "acme" && s.size() == 3 && s[1] == "httpreq" &&
        (s[2] == "present" || s[2] == "cleanup"))
        return "/v1/acme/httpreq/" + s[2];
    if (r == "domains") {
        if (s.size() == 1) return "/v1/domains";
        if (s.size() == 2) return "/v1/domains/{name}";
        if (s.size() == 3 && s[2] == "rrsets") return "/v1/domains/{name}/rrsets";
        if (s.size() == 5 && s[2] == "rrsets") return "/v1/domains/{name}/rrsets/{owner}/{type}";
        if (s.size() == 3 && s[2] == "zone") return "/v1/domains/{name}/zone";
        if (s.size() == 3 && s[2] == "versions") return "/v1/domains/{name}/versions";
        if (s.size() == 4 && s[2] == "versions") return "/v1/domains/{name}/versions/{serial}";
        if (s.size() == 5 && s[2] == "versions" && s[4] == "restore")
            return "/v1/domains/{name}/versions/{serial}/restore";
    }
    return "other";
}

http::Response App::dispatch(Ctx& ctx, std::string& route) {
    const auto& s = ctx.seg;
    auto admin_only = [&] {
        if (!ctx.who.admin && !ctx.who.staff)
            forbidden("this resource needs the admin key or the session of an admin user");
    };
    auto account_only = [&] {
        if (ctx.who.admin)
            forbidden("the admin key manages accounts, plans and servers; use an account's key "
                      "for its domains");
    };
    if (s.size() == 1 && s[0] == "signup") {
        route = "/v1/signup";
        return signup(ctx);
    }
    if (s.size() == 1 && s[0] == "sessions") {
        route = "/v1/sessions";
        return login(ctx);
    }
    if (s.size() == 2 && s[0] == "sessions" && s[1] == "current") {
        route = "/v1/sessions/current";
        return session_current(ctx);
    }
    if (s.size() == 2 && s[0] == "user" && s[1] == "password") {
        route = "/v1/user/password";
        return user_password(ctx);
    }
    if (s.size() == 3 && s[0] == "accounts" && s[2] == "users") {
        route = "/v1/accounts/{id}/users";
        admin_only();
        return account_users(ctx);
    }
    if (s.size() == 4 && s[0] == "accounts" && s[2] == "users") {
        route = "/v1/accounts/{id}/users/{uid}";
        admin_only();
        return account_user_one(ctx);
    }
    if (s.size() == 3 && s[0] == "servers" && s[2] == "sync") {
        route = "/v1/servers/{name}/sync";
        admin_only();
        return server_sync(ctx);
    }
    if (s.size() == 1 && s[0] == "plans") {
        route = "/v1/plans";
        admin_only();
        return plans(ctx);
    }
    if (s.size() == 2 && s[0] == "plans") {
        route = "/v1/plans/{name}";
        admin_only();
        return plan_one(ctx);
    }
    if (s.size() == 1 && s[0] == "accounts") {
        route = "/v1/accounts";
        admin_only();
        return accounts(ctx);
    }
    if (s.size() == 3 && s[0] == "accounts" && s[2] == "keys") {
        route = "/v1/accounts/{id}/keys";
        admin_only();
        return account_keys(ctx);
    }
    if (s.size() == 2 && s[0] == "accounts") {
        route = "/v1/accounts/{id}";
        admin_only();
        return account_one(ctx);
    }
    if (s.size() == 1 && s[0] == "account") {
        route = "/v1/account";
        account_only();
        return account_self(ctx);
    }
    if (s.size() == 1 && s[0] == "keys") {
        route = "/v1/keys";
        account_only();
        return keys(ctx);
    }
    if (s.size() == 2 && s[0] == "keys") {
        route = "/v1/keys/{id}";
        account_only();
        return key_one(ctx);
    }
    if (s.size() == 1 && s[0] == "servers") {
        route = "/v1/servers";
        admin_only();
        return servers(ctx);
    }
    if (s.size() == 2 && s[0] == "servers") {
        route = "/v1/servers/{name}";
        admin_only();
        return server_one(ctx);
    }
    if (s.size() == 1 && s[0] == "changes") {
        route = "/v1/changes";
        return changes(ctx);
    }
    if (s.size() == 2 && s[0] == "changes") {
        route = "/v1/changes/{id}";
        return change_one(ctx);
    }
    if (s.size() == 3 && s[0] == "acme" && s[1] == "httpreq" &&
        (s[2] == "present" || s[2] == "cleanup")) {
        route = "/v1/acme/httpreq/" + s[2];
        account_only();
        return acme_httpreq(ctx);
    }
    if (!s.empty() && s[0] == "domains") {
        account_only();
        if (s.size() == 1) {
            route = "/v1/domains";
            return domains(ctx);
        }
        if (s.size() == 2) {
            route = "/v1/domains/{name}";
            return domain_one(ctx);
        }
        if (s.size() == 3 && s[2] == "rrsets") {
            route = "/v1/domains/{name}/rrsets";
            return rrsets(ctx);
        }
        if (s.size() == 5 && s[2] == "rrsets") {
            route = "/v1/domains/{name}/rrsets/{owner}/{type}";
            return rrset_one(ctx);
        }
        if (s.size() == 3 && s[2] == "zone") {
            route = "/v1/domains/{name}/zone";
            return zone_file(ctx);
        }
        if (s.size() == 3 && s[2] == "versions") {
            route = "/v1/domains/{name}/versions";
            return versions(ctx);
        }
        if (s.size() == 4 && s[2] == "versions") {
            route = "/v1/domains/{name}/versions/{serial}";
            return version_one(ctx);
        }
        if (s.size() == 5 && s[2] == "versions" && s[4] == "restore") {
            route = "/v1/domains/{name}/versions/{serial}/restore";
            return version_restore(ctx);
        }
    }
    not_found("the path " + ctx.req.path);
}

void App::observe(const std::string& route, int status, double seconds) {
    std::lock_guard lock(metrics_mu_);
    ++requests_[{route, status}];
    auto& s = latency_[route];
    if (s.buckets.empty()) s.buckets.assign(std::size(bounds), 0);
    ++s.count;
    s.sum += seconds;
    for (size_t i = 0; i < std::size(bounds); ++i)
        if (seconds <= bounds[i]) ++s.buckets[i];
}

http::Response App::metrics() const {
    std::string out;
    std::lock_guard lock(metrics_mu_);
    out += "# HELP dnsapid_requests_total HTTP requests answered, by route and status.\n";
    out += "# TYPE dnsapid_requests_total counter\n";
    for (const auto& [k, n] : requests_)
        out += "dnsapid_requests_total{route=\"" + k.first + "\",status=\"" +
               std::to_string(k.second) + "\"} " + std::to_string(n) + "\n";
    out += "# HELP dnsapid_request_duration_seconds Time from request to answer, by route.\n";
    out += "# TYPE dnsapid_request_duration_seconds histogram\n";
    for (const auto& [route, s] : latency_) {
        std::string label = "route=\"" + route + "\"";
        for (size_t i = 0; i < std::size(bounds); ++i) {
            char le[32];
            snprintf(le, sizeof le, "%g", bounds[i]);
            out += "dnsapid_request_duration_seconds_bucket{" + label + ",le=\"" + le + "\"} " +
                   std::to_string(s.buckets[i]) + "\n";
        }
        out += "dnsapid_request_duration_seconds_bucket{" + label + ",le=\"+Inf\"} " +
               std::to_string(s.count) + "\n";
        char sum[64];
        snprintf(sum, sizeof sum, "%.6f", s.sum);
        out += "dnsapid_request_duration_seconds_sum{" + label + "} " + sum + "\n";
        out += "dnsapid_request_duration_seconds_count{" + label + "} " + std::to_string(s.count) +
               "\n";
    }
    out += "# HELP dnsapid_db_connects_total Database connections opened.\n";
    out += "# TYPE dnsapid_db_connects_total counter\n";
    out += "dnsapid_db_connects_total " + std::to_string(pool_.connects()) + "\n";
    if (fanout_) fanout_->metrics(out);
    if (waiters_) {
        out += "# HELP dnsapid_long_polls Requests waiting (?wait=) for a change or the feed.\n";
        out += "# TYPE dnsapid_long_polls gauge\n";
        out += "dnsapid_long_polls " + std::to_string(waiters_->waiting()) + "\n";
    }
    return http::Response(200, out, "text/plain; version=0.0.4");
}

nlohmann::json App::usage_json(store::Conn& c, const Principal& p) {
    auto t = usage_.totals(p.account_id);
    plan::Usage u;
    u.domains = store::count_domains(c, p.account_id);
    auto r = c.prepare("SELECT name, record_count FROM domains WHERE account_id = ? ORDER BY "
                       "record_count DESC, name LIMIT 1")
                 .add(p.account_id)
                 .query();
    if (r.next()) {
        u.largest_domain = r.str(1);
        u.largest_domain_records = r.u64(2);
    }
    u.calls_today = t.today;
    u.calls_month = t.month;
    nlohmann::json findings = nlohmann::json::array();
    for (const auto& f : plan::evaluate(p.limits, u)) findings.push_back(plan::to_json(f));
    return {{"domains", u.domains},
            {"largest_domain",
             u.largest_domain.empty() ? nlohmann::json(nullptr) : nlohmann::json(u.largest_domain)},
            {"largest_domain_records", u.largest_domain_records},
            {"calls_today", u.calls_today},
            {"calls_month", u.calls_month},
            {"limits", findings}};
}

} // namespace endpointdns::api
