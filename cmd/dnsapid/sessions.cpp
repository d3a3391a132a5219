// SPDX-License-Identifier: MIT
// Users and sessions: POST /v1/signup, POST /v1/sessions (login), GET and DELETE
// /v1/sessions/current, PUT /v1/user/password, and the admin's /v1/accounts/{id}/users
// and /v1/accounts/{id}/users/{uid}.
#include "app.hpp"
#include "common.hpp"

#include "auth/password.hpp"
#include "error.hpp"
#include "http/forwarded.hpp"
#include "util/log.hpp"

#include <cppconn/exception.h>

#include <algorithm>
#include <arpa/inet.h>
#include <array>
#include <thread>

namespace endpointdns::api {

using nlohmann::json;

namespace {

// Field errors of one request, reported together (422).
struct FieldErrors {
    json list = json::array();
    void add(const std::string& field, const std::string& detail) {
        list.push_back({{"field", field}, {"detail", detail}});
    }
    void raise(const std::string& detail) {
        if (!list.empty()) invalid(detail, list);
    }
};

// A required string member; records an error and returns "" when absent or not a string.
std::string string_member(const json& body, const char* field, FieldErrors& errors) {
    auto it = body.find(field);
    if (it == body.end() || it->is_null()) {
        errors.add(field, "required");
        return {};
    }
    if (!it->is_string()) {
        errors.add(field, "must be a string");
        return {};
    }
    return it->get<std::string>();
}

std::string email_member(const json& body, FieldErrors& errors) {
    std::string raw = string_member(body, "email", errors);
    if (raw.empty()) return {};
    auto e = auth::normalize_email(raw);
    if (!e) {
        errors.add("email", "an address such as dev+dns@example.com");
        return {};
    }
    return *e;
}

// A new password: the rules of auth::password_problem.
std::string password_member(const json& body, const std::string& email, FieldErrors& errors) {
    auto it = body.find("password");
    if (it == body.end() || it->is_null()) {
        errors.add("password", "required");
        return {};
    }
    if (!it->is_string()) {
        errors.add("password", "must be a string");
        return {};
    }
    std::string pw = it->get<std::string>();
    if (auto why = auth::password_problem(pw, email)) errors.add("password", *why);
    return pw;
}

// Account names as POST /v1/accounts takes them: 1 to 128 of letters, digits, '-', '_', '.',
// '@', and not digits only (tools read those as an account id).
bool valid_account_name(const std::string& s) {
    if (s.empty() || s.size() > 128) return false;
    for (unsigned char ch : s)
        if (!(isalnum(ch) || ch == '-' || ch == '_' || ch == '.' || ch == '@')) return false;
    return s.find_first_not_of("0123456789") != std::string::npos;
}

// The account name a sign-up without one gets: the email with other characters as '-'.
std::string account_name_from(const std::string& email) {
    std::string out;
    for (unsigned char ch : email.substr(0, 120))
        out += (isalnum(ch) || ch == '-' || ch == '_' || ch == '.' || ch == '@') ? char(ch) : '-';
    return out;
}

const char* const user_select =
    "SELECT id, email, role, DATE_FORMAT(created_at, '%Y-%m-%dT%H:%i:%sZ'), "
    "DATE_FORMAT(last_login_at, '%Y-%m-%dT%H:%i:%sZ'), account_id FROM users";

json user_json(const store::Rows& r) {
    return {
        {"id", r.u64(1)},         {"email", r.str(2)},
        {"role", r.str(3)},       {"account_id", r.u64(6)},
        {"created_at", r.str(4)}, {"last_login_at", r.is_null(5) ? json(nullptr) : json(r.str(5))}};
}

// A session as GET /v1/sessions/current shows it.
json session_json(store::Conn& c, uint64_t key_id, unsigned idle_timeout) {
    auto r = c.prepare("SELECT k.id, k.prefix, DATE_FORMAT(k.created_at, '%Y-%m-%dT%H:%i:%sZ'), "
                       "DATE_FORMAT(k.expires_at, '%Y-%m-%dT%H:%i:%sZ'), u.id, u.email, u.role, "
                       "DATE_FORMAT(u.last_login_at, '%Y-%m-%dT%H:%i:%sZ'), a.id, a.name "
                       "FROM api_keys k JOIN users u ON u.id = k.user_id "
                       "JOIN accounts a ON a.id = k.account_id WHERE k.id = ?")
                 .add(key_id)
                 .query();
    if (!r.next()) not_found("the session");
    return {{"id", r.u64(1)},
            {"prefix", r.str(2)},
            {"created_at", r.str(3)},
            {"expires_at", r.str(4)},
            {"idle_timeout", idle_timeout ? json(idle_timeout) : json(nullptr)},
            {"user",
             {{"id", r.u64(5)},
              {"email", r.str(6)},
              {"role", r.str(7)},
              {"last_login_at", r.is_null(8) ? json(nullptr) : json(r.str(8))}}},
            {"account", {{"id", r.u64(9)}, {"name", r.str(10)}}}};
}

[[noreturn]] void login_failed() {
    Problem p{401, "login-failed", "Login failed", "the email or the password is not right"};
    throw p;
}

} // namespace

// ---- password hashing, bounded ----------------------------------------------------------------

namespace {

// Holds one of the App's hashing slots for its lifetime.
class HashSlot {
public:
    HashSlot(std::mutex& mu, std::condition_variable& cv, unsigned& busy)
        : mu_(mu), cv_(cv), busy_(busy) {
        unsigned max = std::max(1u, std::thread::hardware_concurrency());
        std::unique_lock lock(mu_);
        cv_.wait(lock, [&] { return busy_ < max; });
        ++busy_;
    }
    ~HashSlot() {
        {
            std::lock_guard lock(mu_);
            --busy_;
        }
        cv_.notify_one();
    }
    HashSlot(const HashSlot&) = delete;
    HashSlot& operator=(const HashSlot&) = delete;

private:
    std::mutex& mu_;
    std::condition_variable& cv_;
    unsigned& busy_;
};

} // namespace

std::string App::hash_password(std::string_view password) {
    HashSlot slot(hash_mu_, hash_cv_, hashing_);
    return auth::hash_password(password, settings_.sessions.password);
}

bool App::verify_password(std::string_view hash, std::string_view password) {
    HashSlot slot(hash_mu_, hash_cv_, hashing_);
    return auth::verify_password(hash, password);
}

// ---- failed logins ---------------------------------------------------------------------------

namespace {

// The address a failure counts against: an IPv4 address, or the /64 of an IPv6 one (a single
// customer usually holds a whole /64, so counting each address alone would not limit it).
std::string address_key(const std::string& remote) {
    auto ip = http::parse_ip(remote);
    if (!ip || remote.find(':') == std::string::npos) return remote;
    std::array<uint8_t, 16> a = *ip;
    std::fill(a.begin() + 8, a.end(), uint8_t(0));
    char text[INET6_ADDRSTRLEN] = {};
    if (!::inet_ntop(AF_INET6, a.data(), text, sizeof text)) return remote;
    return std::string(text) + "/64";
}

} // namespace

void App::check_login_failures(store::Conn& c, const std::string& email,
                               const std::string& remote_address) {
    const auto& se = settings_.sessions;
    const std::string remote = address_key(remote_address);
    // The newest failures of the window: while the max-th newest is in it, the limit holds,
    // until that one leaves the window.
    auto wait_for = [&](const char* column, const std::string& value,
                        unsigned max) -> std::optional<int64_t> {
        if (max == 0 || value.empty()) return std::nullopt;
        auto r = c.prepare(std::string("SELECT TIMESTAMPDIFF(MICROSECOND, CURRENT_TIMESTAMP(3), "
                                       "created_at + INTERVAL ? SECOND) FROM login_failures "
                                       "WHERE ") +
                           column +
                           " = ? AND created_at > CURRENT_TIMESTAMP(3) - INTERVAL ? SECOND "
                           "ORDER BY created_at DESC LIMIT 1 OFFSET ?")
                     .add(se.failure_window)
                     .add(value)
                     .add(se.failure_window)
                     .add(max - 1)
                     .query();
        if (!r.next()) return std::nullopt;
        return std::max<int64_t>(1, (r.i64(1) + 999999) / 1000000);
    };
    auto by_email = wait_for("email", email, se.max_failures);
    auto by_address = wait_for("remote", remote, se.max_address_failures);
    if (!by_email && !by_address) return;
    int64_t after = std::max(by_email.value_or(0), by_address.value_or(0));
    log::warning("login refused: too many failures for " + email + " or from " + remote);
    Problem p;
    p.status = 429;
    p.type = "rate-limited";
    p.title = "Too many requests";
    p.detail = std::string("too many failed logins ") +
               (by_email ? "for this email" : "from this address") + "; retry after " +
               std::to_string(after) + " s";
    p.extra = {{"retry_after", after}};
    p.headers.set("Retry-After", std::to_string(after));
    throw p;
}

void App::record_login_failure(const std::string& email, const std::string& remote,
                               const std::string& why) {
    log::warning("login failed: " + why + ": " + email + " from " + remote);
    pool_.run([&](store::Conn& c) {
        c.prepare("INSERT INTO login_failures (email, remote) VALUES (?, ?)")
            .add(email.substr(0, 254))
            .add(address_key(remote).substr(0, 64))
            .update();
        // Rows past the window count for nothing: a few go with every new one.
        c.prepare("DELETE FROM login_failures WHERE created_at < CURRENT_TIMESTAMP(3) - INTERVAL "
                  "? SECOND LIMIT 100")
            .add(settings_.sessions.failure_window)
            .update();
    });
}

// ---- sessions --------------------------------------------------------------------------------

// Makes a session for the user (login and sign-up) and makes it the request's author, so the
// audit names it.
json App::create_session(store::Conn& c, Ctx& ctx, uint64_t user_id, uint64_t account_id) {
    auto k = auth::generate_session_token();
    c.prepare("INSERT INTO api_keys (account_id, kind, user_id, prefix, hash, name, can_write, "
              "scope, expires_at) VALUES (?, 'session', ?, ?, ?, 'session', 1, ?, "
              "CURRENT_TIMESTAMP(3) + INTERVAL ? SECOND)")
        .add(account_id)
        .add(user_id)
        .add(k.prefix)
        .add(k.hash)
        .add(auth::scope_to_json(auth::Scope{}))
        .add(settings_.sessions.ttl)
        .update();
    json j = session_json(c, c.last_insert_id(), settings_.sessions.idle_timeout);
    j["token"] = k.secret;
    ctx.who.account_id = account_id;
    ctx.who.key_prefix = k.prefix;
    return j;
}

namespace {

// The answer that hands out a new session: its token is shown this once, never cached.
http::Response session_created(const json& session) {
    http::Response r = json_response(201, session);
    r.headers.set("Location", "/v1/sessions/current");
    r.headers.set("Cache-Control", "no-store");
    return r;
}

} // namespace

http::Response App::login(Ctx& ctx) {
    if (ctx.req.method != "POST") method_not_allowed("POST");
    json body = json_body(ctx.req);
    if (!body.is_object()) invalid("the body must be a JSON object", json::array());
    only_fields(body, {"email", "password"});
    FieldErrors errors;
    std::string email = email_member(body, errors);
    std::string password = string_member(body, "password", errors);
    if (errors.list.empty() && password.empty()) errors.add("password", "required");
    errors.raise("the email and the password are required");
    if (password.size() > 4096) login_failed(); // no password is that long; do not hash it

    struct Found {
        uint64_t id, account_id;
        std::string hash;
        bool disabled;
    };
    auto found = pool_.run([&](store::Conn& c) -> std::optional<Found> {
        check_login_failures(c, email, ctx.remote);
        auto r = c.prepare("SELECT u.id, u.account_id, u.password_hash, a.disabled FROM users u "
                           "JOIN accounts a ON a.id = u.account_id WHERE u.email = ?")
                     .add(email)
                     .query();
        if (!r.next()) return std::nullopt;
        return Found{r.u64(1), r.u64(2), r.str(3), r.u64(4) != 0};
    });
    // An unknown email costs one verification too, so the time of the answer does not tell.
    bool ok = verify_password(found ? found->hash : dummy_hash_, password) && found;
    if (!ok) {
        record_login_failure(email, ctx.remote, found ? "wrong password" : "unknown email");
        login_failed();
    }
    if (found->disabled)
        fail(403, "account-disabled", "Account disabled",
             "the account is disabled; ask the operator");
    // Hashes made with other limits (the configuration changed) are replaced now that the
    // password is known.
    std::optional<std::string> rehash;
    if (auth::password_needs_rehash(found->hash, settings_.sessions.password))
        rehash = hash_password(password);
    return pool_.transaction([&](store::Conn& c) {
        // The password was checked without a lock (the hash takes a while): a password change,
        // a reset or a deletion committed meanwhile ends the sessions it finds, not this one,
        // so the hash verified must still be the user's when the session is made.
        auto now = c.prepare("SELECT password_hash FROM users WHERE id = ? FOR UPDATE")
                       .add(found->id)
                       .query();
        if (!now.next() || now.str(1) != found->hash) login_failed();
        c.prepare("DELETE FROM login_failures WHERE email = ?").add(email).update();
        // Sessions ended more than a day ago are of no use to anyone: each login clears its
        // user's, so the table holds at most a day's worth of ended sessions per user.
        c.prepare("DELETE FROM api_keys WHERE kind = 'session' AND user_id = ? AND (expires_at < "
                  "CURRENT_TIMESTAMP(3) - INTERVAL 1 DAY OR revoked_at < CURRENT_TIMESTAMP(3) - "
                  "INTERVAL 1 DAY)")
            .add(found->id)
            .update();
        c.prepare("UPDATE users SET last_login_at = CURRENT_TIMESTAMP(3) WHERE id = ?")
            .add(found->id)
            .update();
        if (rehash)
            c.prepare("UPDATE users SET password_hash = ? WHERE id = ? AND password_hash = ?")
                .add(*rehash)
                .add(found->id)
                .add(found->hash)
                .update();
        json j = create_session(c, ctx, found->id, found->account_id);
        audit(c, ctx, found->account_id, "session.create", email);
        log::info("login: " + email + " from " + ctx.remote);
        return session_created(j);
    });
}

http::Response App::session_current(Ctx& ctx) {
    if (!ctx.who.session)
        fail(404, "not-found", "Not found",
             "no session: this request was made with an API key; /v1/sessions/current is the "
             "session whose token is in the Authorization header");
    if (ctx.req.method == "GET")
        return pool_.run([&](store::Conn& c) {
            return json_response(200,
                                 session_json(c, ctx.who.key_id, settings_.sessions.idle_timeout));
        });
    if (ctx.req.method != "DELETE") method_not_allowed("GET, DELETE");
    return pool_.transaction([&](store::Conn& c) {
        c.prepare("UPDATE api_keys SET revoked_at = COALESCE(revoked_at, CURRENT_TIMESTAMP(3)) "
                  "WHERE id = ? AND account_id = ? AND kind = 'session'")
            .add(ctx.who.key_id)
            .add(ctx.who.account_id)
            .update();
        audit(c, ctx, ctx.who.account_id, "session.end", ctx.who.user_email);
        return http::Response(204, "", "");
    });
}

// The password of the session's user, asked again before what a stolen session alone must not
// do. Wrong ones count against this session (and the address), not the email: a thief must not
// be able to lock the owner out of logging in. Returns the hash verified; throws 422 naming
// current_password, or 429 after sessions.max_failures wrong ones.
std::string App::check_current_password(Ctx& ctx, const std::string& current,
                                        const std::string& what) {
    const std::string session_key = "#session " + std::to_string(ctx.who.key_id);
    std::string stored = pool_.run([&](store::Conn& c) {
        check_login_failures(c, session_key, ctx.remote);
        auto r =
            c.prepare("SELECT password_hash FROM users WHERE id = ?").add(ctx.who.user_id).query();
        if (!r.next()) not_found("the user");
        return r.str(1);
    });
    if (current.empty())
        invalid("your password is asked again for " + what,
                json::array({{{"field", "current_password"}, {"detail", "required"}}}));
    if (current.size() > 4096 || !verify_password(stored, current)) {
        record_login_failure(session_key, ctx.remote,
                             "wrong current password on " + what + " by " + ctx.who.user_email);
        invalid("the current password is not right",
                json::array({{{"field", "current_password"}, {"detail", "not right"}}}));
    }
    return stored;
}

// The logged-in user changes its password: the current one is asked again (a stolen session
// alone must not lock the owner out), and the user's other sessions end.
http::Response App::user_password(Ctx& ctx) {
    if (!ctx.who.session)
        fail(404, "not-found", "Not found",
             "no user: this request was made with an API key; /v1/user/password is the password "
             "of the user whose session token is in the Authorization header");
    if (ctx.req.method != "PUT") method_not_allowed("PUT");
    json body = json_body(ctx.req);
    if (!body.is_object()) invalid("the body must be a JSON object", json::array());
    only_fields(body, {"current_password", "password"});
    FieldErrors errors;
    std::string current = string_member(body, "current_password", errors);
    std::string password = password_member(body, ctx.who.user_email, errors);
    errors.raise("the password change is not valid");
    const std::string& email = ctx.who.user_email;
    std::string stored = check_current_password(ctx, current, "a password change");
    std::string hash = hash_password(password);
    return pool_.transaction([&](store::Conn& c) {
        // Only the hash verified above: a reset or change committed meanwhile wins.
        if (c.prepare("UPDATE users SET password_hash = ? WHERE id = ? AND password_hash = ?")
                .add(hash)
                .add(ctx.who.user_id)
                .add(stored)
                .update() == 0)
            fail(409, "password-changed", "Password changed meanwhile",
                 "the password was changed meanwhile; log in again with the new one");
        uint64_t ended = c.prepare("UPDATE api_keys SET revoked_at = CURRENT_TIMESTAMP(3) WHERE "
                                   "user_id = ? AND kind = 'session' AND id <> ? AND revoked_at "
                                   "IS NULL")
                             .add(ctx.who.user_id)
                             .add(ctx.who.key_id)
                             .update();
        audit(c, ctx, ctx.who.account_id, "user.password", email, {{"sessions_ended", ended}});
        return http::Response(204, "", "");
    });
}

// ---- sign-up ---------------------------------------------------------------------------------

http::Response App::signup(Ctx& ctx) {
    const auto& su = settings_.signup;
    if (ctx.req.method == "GET") return json_response(200, {{"enabled", su.enabled}});
    if (ctx.req.method != "POST") method_not_allowed("GET, POST");
    if (!su.enabled)
        fail(403, "signup-disabled", "Sign-up is disabled",
             "this service does not take sign-ups; ask the operator for an account");
    json body = json_body(ctx.req);
    if (!body.is_object()) invalid("the body must be a JSON object", json::array());
    only_fields(body, {"email", "password", "account"});
    FieldErrors errors;
    std::string email = email_member(body, errors);
    std::string password = password_member(body, email, errors);
    std::string account;
    if (auto it = body.find("account"); it != body.end() && !it->is_null()) {
        if (!it->is_string() || !valid_account_name(it->get<std::string>()))
            errors.add("account", "1 to 128 characters: letters, digits, '-', '_', '.', '@', not "
                                  "digits only");
        else
            account = it->get<std::string>();
    }
    errors.raise("the sign-up is not valid");
    // Sign-ups count against the client address like failed logins, so the 409 below cannot
    // be used to test many addresses quickly.
    pool_.run([&](store::Conn& c) { check_login_failures(c, "", ctx.remote); });
    std::string hash = hash_password(password);
    try {
        return pool_.transaction([&](store::Conn& c) {
            auto p = c.prepare("SELECT id FROM plans WHERE name = ?").add(su.plan).query();
            if (!p.next()) {
                log::error("sign-up: the plan " + su.plan + " of [signup] plan does not exist");
                fail(503, "unavailable", "Service unavailable",
                     "sign-up is not available now; the operator has been told");
            }
            uint64_t plan_id = p.u64(1);
            auto email_taken = [] {
                fail(409, "exists", "Already exists",
                     "a user with this email exists; log in (POST /v1/sessions) instead",
                     {{"errors", json::array({{{"field", "email"}, {"detail", "already used"}}})}});
            };
            if (c.prepare("SELECT id FROM users WHERE email = ?").add(email).query().next())
                email_taken();
            // The account: the name asked for, else one made from the email (with a random
            // ending when an account already has that name).
            uint64_t account_id = 0;
            for (int attempt = 0; !account_id; ++attempt) {
                std::string name = !account.empty() ? account
                                   : attempt == 0
                                       ? account_name_from(email)
                                       : account_name_from(email) + "-" + auth::random_base32(6);
                try {
                    c.prepare("INSERT INTO accounts (name, email, plan_id) VALUES (?, ?, ?)")
                        .add(name)
                        .add(email)
                        .add(plan_id)
                        .update();
                    account_id = c.last_insert_id();
                } catch (const sql::SQLException& e) {
                    if (!store::is_duplicate_key(e)) throw;
                    if (!account.empty() || attempt >= 3)
                        fail(409, "exists", "Already exists",
                             "an account named " + name + " exists; choose another name",
                             {{"errors",
                               json::array({{{"field", "account"}, {"detail", "already used"}}})}});
                }
            }
            uint64_t user_id = 0;
            try {
                c.prepare("INSERT INTO users (account_id, email, password_hash, role, "
                          "last_login_at) VALUES (?, ?, ?, 'owner', CURRENT_TIMESTAMP(3))")
                    .add(account_id)
                    .add(email)
                    .add(hash)
                    .update();
                user_id = c.last_insert_id();
            } catch (const sql::SQLException& e) {
                if (!store::is_duplicate_key(e)) throw;
                email_taken(); // a sign-up of the same email at the same moment
            }
            json j = create_session(c, ctx, user_id, account_id);
            audit(c, ctx, account_id, "signup", email, {{"plan", su.plan}});
            // Every sign-up counts against the address like a failed login (the address limit,
            // sessions.max_address_failures per failure_window): one address cannot create
            // accounts, and make the server hash passwords, without end.
            c.prepare("INSERT INTO login_failures (email, remote) VALUES ('#signup', ?)")
                .add(address_key(ctx.remote).substr(0, 64))
                .update();
            log::info("sign-up: " + email + " (account " + j["account"]["name"].get<std::string>() +
                      ") from " + ctx.remote);
            return session_created(j);
        });
    } catch (const Problem& p) {
        // Rolled back; counted against the address (a taken email tells that it exists).
        if (p.status == 409)
            record_login_failure(email, ctx.remote, "sign-up refused: " + p.detail);
        throw;
    }
}

// ---- the admin's users of an account ---------------------------------------------------------

http::Response App::account_users(Ctx& ctx) {
    char* end = nullptr;
    uint64_t id = std::strtoull(ctx.seg[1].c_str(), &end, 10);
    if (*end || ctx.seg[1].empty()) not_found("account " + ctx.seg[1]);
    if (ctx.req.method == "GET") {
        return pool_.run([&](store::Conn& c) {
            if (!c.prepare("SELECT id FROM accounts WHERE id = ?").add(id).query().next())
                not_found("account " + ctx.seg[1]);
            auto r = c.prepare(std::string(user_select) + " WHERE account_id = ? ORDER BY id")
                         .add(id)
                         .query();
            json items = json::array();
            while (r.next()) items.push_back(user_json(r));
            return json_response(200, {{"items", items}});
        });
    }
    if (ctx.req.method != "POST") method_not_allowed("GET, POST");
    json body = json_body(ctx.req);
    if (!body.is_object()) invalid("the body must be a JSON object", json::array());
    only_fields(body, {"email", "password", "role"});
    FieldErrors errors;
    std::string email = email_member(body, errors);
    std::string password = password_member(body, email, errors);
    std::string role = "owner";
    if (auto it = body.find("role"); it != body.end()) {
        if (!it->is_string() || (*it != "owner" && *it != "admin"))
            errors.add("role", "owner or admin");
        else
            role = it->get<std::string>();
    }
    errors.raise("the user is not valid");
    std::string hash = hash_password(password);
    return pool_.transaction([&](store::Conn& c) {
        if (!c.prepare("SELECT id FROM accounts WHERE id = ?").add(id).query().next())
            not_found("account " + ctx.seg[1]);
        try {
            c.prepare("INSERT INTO users (account_id, email, password_hash, role) VALUES (?, ?, ?, "
                      "?)")
                .add(id)
                .add(email)
                .add(hash)
                .add(role)
                .update();
        } catch (const sql::SQLException& e) {
            if (store::is_duplicate_key(e))
                fail(409, "exists", "Already exists", "a user with this email exists",
                     {{"errors", json::array({{{"field", "email"}, {"detail", "already used"}}})}});
            throw;
        }
        uint64_t uid = c.last_insert_id();
        audit(c, ctx, id, "user.create", email, {{"role", role}});
        auto r = c.prepare(std::string(user_select) + " WHERE id = ?").add(uid).query();
        r.next();
        http::Response resp = json_response(201, user_json(r));
        resp.headers.set("Location",
                         "/v1/accounts/" + std::to_string(id) + "/users/" + std::to_string(uid));
        return resp;
    });
}

// One user of an account (admin): show it, set its password or role (a lost password is reset
// here; the user's sessions end), or delete it (its sessions go with it).
http::Response App::account_user_one(Ctx& ctx) {
    char* end = nullptr;
    uint64_t id = std::strtoull(ctx.seg[1].c_str(), &end, 10);
    if (*end || ctx.seg[1].empty()) not_found("account " + ctx.seg[1]);
    uint64_t uid = std::strtoull(ctx.seg[3].c_str(), &end, 10);
    if (*end || ctx.seg[3].empty()) not_found("user " + ctx.seg[3]);
    auto load = [&](store::Conn& c) {
        auto r = c.prepare(std::string(user_select) + " WHERE id = ? AND account_id = ?")
                     .add(uid)
                     .add(id)
                     .query();
        if (!r.next()) not_found("user " + ctx.seg[3] + " of account " + ctx.seg[1]);
        return user_json(r);
    };
    if (ctx.req.method == "GET")
        return pool_.run([&](store::Conn& c) { return json_response(200, load(c)); });
    if (ctx.req.method == "DELETE") {
        return pool_.transaction([&](store::Conn& c) {
            json u = load(c);
            c.prepare("DELETE FROM users WHERE id = ?").add(uid).update(); // sessions cascade
            audit(c, ctx, id, "user.delete", u["email"].get<std::string>());
            return http::Response(204, "", "");
        });
    }
    if (ctx.req.method != "PATCH") method_not_allowed("GET, PATCH, DELETE");
    json body = json_body(ctx.req);
    if (!body.is_object()) invalid("the body must be a JSON object", json::array());
    only_fields(body, {"password", "role"});
    std::string email =
        pool_.run([&](store::Conn& c) { return load(c)["email"].get<std::string>(); });
    FieldErrors errors;
    std::string password;
    if (body.contains("password")) password = password_member(body, email, errors);
    std::string role;
    if (auto it = body.find("role"); it != body.end()) {
        if (!it->is_string() || (*it != "owner" && *it != "admin"))
            errors.add("role", "owner or admin");
        else
            role = it->get<std::string>();
    }
    errors.raise("the user is not valid");
    std::string hash = password.empty() ? "" : hash_password(password);
    return pool_.transaction([&](store::Conn& c) {
        json before = load(c);
        if (!hash.empty())
            c.prepare("UPDATE users SET password_hash = ? WHERE id = ?")
                .add(hash)
                .add(uid)
                .update();
        if (!role.empty())
            c.prepare("UPDATE users SET role = ? WHERE id = ?").add(role).add(uid).update();
        uint64_t ended = 0;
        if (!hash.empty() || (!role.empty() && role != before["role"]))
            ended = c.prepare("UPDATE api_keys SET revoked_at = CURRENT_TIMESTAMP(3) WHERE "
                              "user_id = ? AND kind = 'session' AND revoked_at IS NULL")
                        .add(uid)
                        .update();
        audit(c, ctx, id, "user.update", email,
              {{"password", !hash.empty()}, {"role", role}, {"sessions_ended", ended}});
        return json_response(200, load(c));
    });
}

} // namespace endpointdns::api
