// SPDX-License-Identifier: MIT
// Admin resources: plans and accounts (the admin key from the configuration only).
#include "app.hpp"
#include "common.hpp"

#include "error.hpp"

#include <cppconn/exception.h>

namespace endpointdns::api {

namespace {

const char* const plan_fields[] = {"max_domains",       "max_records_per_domain",
                                   "max_calls_per_day", "max_calls_per_month",
                                   "rate_per_second",   "rate_burst"};

nlohmann::json plan_json(const store::Rows& r) {
    nlohmann::json j{{"name", r.str(2)}};
    for (unsigned i = 0; i < 6; ++i) j[plan_fields[i]] = r.u64(3 + i);
    j["created_at"] = r.str(9);
    return j;
}

const char* const plan_select =
    "SELECT id, name, max_domains, max_records_per_domain, max_calls_per_day, "
    "max_calls_per_month, rate_per_second, rate_burst, "
    "DATE_FORMAT(created_at, '%Y-%m-%dT%H:%i:%sZ') FROM plans";

// The limit fields present in body, validated (whole numbers, 0 = unlimited).
std::vector<std::pair<std::string, uint64_t>> plan_values(const nlohmann::json& body) {
    std::vector<std::pair<std::string, uint64_t>> out;
    nlohmann::json errors = nlohmann::json::array();
    for (const char* f : plan_fields) {
        auto it = body.find(f);
        if (it == body.end()) continue;
        uint64_t max = std::string(f).rfind("rate", 0) == 0 ? 4294967295ull : (1ull << 62);
        if (!it->is_number_unsigned() || it->get<uint64_t>() > max)
            errors.push_back(
                {{"field", f}, {"detail", "must be a whole number ≥ 0 (0: unlimited)"}});
        else
            out.emplace_back(f, it->get<uint64_t>());
    }
    if (!errors.empty()) invalid("plan limits must be whole numbers", errors);
    return out;
}

const char* const account_select =
    "SELECT a.id, a.name, a.email, p.name, a.disabled, "
    "DATE_FORMAT(a.created_at, '%Y-%m-%dT%H:%i:%sZ') FROM accounts a JOIN plans p ON p.id = "
    "a.plan_id";

nlohmann::json account_json(const store::Rows& r) {
    return {{"id", r.u64(1)},
            {"name", r.str(2)},
            {"email", r.is_null(3) ? nlohmann::json(nullptr) : nlohmann::json(r.str(3))},
            {"plan", r.str(4)},
            {"disabled", r.u64(5) != 0},
            {"created_at", r.str(6)}};
}

bool valid_label(const std::string& s, size_t max) {
    if (s.empty() || s.size() > max) return false;
    for (unsigned char ch : s)
        if (!(isalnum(ch) || ch == '-' || ch == '_' || ch == '.' || ch == '@')) return false;
    return true;
}

std::string string_field(const nlohmann::json& body, const char* field, bool required, size_t max) {
    auto it = body.find(field);
    if (it == body.end()) {
        if (required)
            invalid(std::string(field) + " is required",
                    nlohmann::json::array({{{"field", field}, {"detail", "required"}}}));
        return {};
    }
    if (!it->is_string() || !valid_label(it->get<std::string>(), max))
        invalid(std::string(field) + " is not valid",
                nlohmann::json::array(
                    {{{"field", field},
                      {"detail", "1 to " + std::to_string(max) +
                                     " characters: letters, digits, '-', '_', '.', '@'"}}}));
    return it->get<std::string>();
}

// An address with one '@', something on both sides, no blanks or control characters.
std::string email_field(const nlohmann::json& body) {
    auto it = body.find("email");
    if (it == body.end() || it->is_null()) return {};
    std::string v = it->is_string() ? it->get<std::string>() : "";
    auto at = v.find('@');
    bool ok = !v.empty() && v.size() <= 254 && at != std::string::npos && at > 0 &&
              at + 1 < v.size() && v.find('@', at + 1) == std::string::npos;
    for (unsigned char ch : v) ok = ok && ch > ' ' && ch != 0x7f;
    if (!ok)
        invalid("email is not valid",
                nlohmann::json::array(
                    {{{"field", "email"}, {"detail", "an address such as dev+dns@example.com"}}}));
    return v;
}

uint64_t plan_id(store::Conn& c, const std::string& name) {
    auto r = c.prepare("SELECT id FROM plans WHERE name = ?").add(name).query();
    if (!r.next())
        invalid("plan " + name + " does not exist",
                nlohmann::json::array({{{"field", "plan"}, {"detail", "no such plan"}}}));
    return r.u64(1);
}

} // namespace

http::Response App::plans(Ctx& ctx) {
    if (ctx.req.method == "GET") {
        return pool_.run([&](store::Conn& c) {
            auto r = c.prepare(std::string(plan_select) + " ORDER BY name").query();
            nlohmann::json items = nlohmann::json::array();
            while (r.next()) items.push_back(plan_json(r));
            return json_response(200, {{"items", items}});
        });
    }
    if (ctx.req.method != "POST") method_not_allowed("GET, POST");
    auto body = json_body(ctx.req);
    if (!body.is_object()) invalid("the body must be a JSON object", nlohmann::json::array());
    only_fields(body, {"name", "max_domains", "max_records_per_domain", "max_calls_per_day",
                       "max_calls_per_month", "rate_per_second", "rate_burst"});
    std::string name = string_field(body, "name", true, 64);
    auto values = plan_values(body);
    return pool_.transaction([&](store::Conn& c) {
        std::string cols = "name", marks = "?";
        for (auto& [k, v] : values) {
            cols += ", " + k;
            marks += ", ?";
        }
        auto st = c.prepare("INSERT INTO plans (" + cols + ") VALUES (" + marks + ")");
        st.add(name);
        for (auto& [k, v] : values) st.add(v);
        try {
            st.update();
        } catch (const sql::SQLException& e) {
            if (store::is_duplicate_key(e))
                fail(409, "exists", "Already exists", "plan " + name + " already exists");
            throw;
        }
        audit(c, ctx, std::nullopt, "plan.create", name, body);
        auto r = c.prepare(std::string(plan_select) + " WHERE name = ?").add(name).query();
        r.next();
        http::Response resp = json_response(201, plan_json(r));
        resp.headers.set("Location", "/v1/plans/" + name);
        return resp;
    });
}

http::Response App::plan_one(Ctx& ctx) {
    const std::string& name = ctx.seg[1];
    if (ctx.req.method == "GET") {
        return pool_.run([&](store::Conn& c) {
            auto r = c.prepare(std::string(plan_select) + " WHERE name = ?").add(name).query();
            if (!r.next()) not_found("plan " + name);
            return json_response(200, plan_json(r));
        });
    }
    if (ctx.req.method != "PATCH") method_not_allowed("GET, PATCH");
    auto body = json_body(ctx.req);
    if (!body.is_object()) invalid("the body must be a JSON object", nlohmann::json::array());
    only_fields(body, {"max_domains", "max_records_per_domain", "max_calls_per_day",
                       "max_calls_per_month", "rate_per_second", "rate_burst"});
    auto values = plan_values(body);
    return pool_.transaction([&](store::Conn& c) {
        auto r0 = c.prepare("SELECT id FROM plans WHERE name = ? FOR UPDATE").add(name).query();
        if (!r0.next()) not_found("plan " + name);
        for (auto& [k, v] : values)
            c.prepare("UPDATE plans SET " + k + " = ? WHERE name = ?").add(v).add(name).update();
        audit(c, ctx, std::nullopt, "plan.update", name, body);
        auto r = c.prepare(std::string(plan_select) + " WHERE name = ?").add(name).query();
        r.next();
        return json_response(200, plan_json(r));
    });
}

http::Response App::accounts(Ctx& ctx) {
    if (ctx.req.method == "GET") {
        Page page = page_of(ctx.req);
        uint64_t after = 0;
        if (!page.cursor.empty()) {
            char* end = nullptr;
            after = std::strtoull(page.cursor.c_str(), &end, 10);
            if (*end)
                invalid("cursor is not one this API gave",
                        nlohmann::json::array({{{"field", "cursor"}, {"detail", "invalid"}}}));
        }
        return pool_.run([&](store::Conn& c) {
            auto r =
                c.prepare(std::string(account_select) + " WHERE a.id > ? ORDER BY a.id LIMIT ?")
                    .add(after)
                    .add(uint64_t(page.limit + 1))
                    .query();
            nlohmann::json items = nlohmann::json::array();
            std::optional<std::string> next;
            while (r.next()) {
                if (items.size() == page.limit) {
                    next = std::to_string(items.back()["id"].get<uint64_t>());
                    break;
                }
                items.push_back(account_json(r));
            }
            http::Response resp = json_response(200, {});
            nlohmann::json body{{"items", items}};
            finish_page(resp, body, ctx.req, next);
            return resp;
        });
    }
    if (ctx.req.method != "POST") method_not_allowed("GET, POST");
    auto body = json_body(ctx.req);
    if (!body.is_object()) invalid("the body must be a JSON object", nlohmann::json::array());
    only_fields(body, {"name", "plan", "email"});
    std::string name = string_field(body, "name", true, 128);
    // Tools such as plan-check take an account by id or by name: a name of digits only would
    // be read as an id.
    if (name.find_first_not_of("0123456789") == std::string::npos)
        invalid("an account name needs a character other than a digit",
                nlohmann::json::array(
                    {{{"field", "name"}, {"detail", "digits only would read as an account id"}}}));
    std::string plan = string_field(body, "plan", true, 64);
    std::string email = email_field(body);
    return pool_.transaction([&](store::Conn& c) {
        uint64_t pid = plan_id(c, plan);
        try {
            c.prepare("INSERT INTO accounts (name, email, plan_id) VALUES (?, ?, ?)")
                .add(name)
                .add(email.empty() ? std::optional<std::string>() : email)
                .add(pid)
                .update();
        } catch (const sql::SQLException& e) {
            if (store::is_duplicate_key(e))
                fail(409, "exists", "Already exists", "account " + name + " already exists");
            throw;
        }
        uint64_t id = c.last_insert_id();
        auth::Scope full;
        full.write = true;
        auto key = create_key(c, id, "initial", full, std::nullopt);
        audit(c, ctx, id, "account.create", name, {{"plan", plan}});
        auto r = c.prepare(std::string(account_select) + " WHERE a.id = ?").add(id).query();
        r.next();
        auto j = account_json(r);
        j["key"] = key;
        http::Response resp = json_response(201, j);
        resp.headers.set("Location", "/v1/accounts/" + std::to_string(id));
        return resp;
    });
}

http::Response App::account_one(Ctx& ctx) {
    char* end = nullptr;
    uint64_t id = std::strtoull(ctx.seg[1].c_str(), &end, 10);
    if (*end || ctx.seg[1].empty()) not_found("account " + ctx.seg[1]);
    if (ctx.req.method == "GET") {
        return pool_.run([&](store::Conn& c) {
            auto r = c.prepare(std::string(account_select) + " WHERE a.id = ?").add(id).query();
            if (!r.next()) not_found("account " + ctx.seg[1]);
            auto j = account_json(r);
            // Its usage against its plan, as GET /v1/account shows it to the account.
            auto pr = c.prepare(std::string("SELECT ") + plan_columns +
                                " FROM accounts a JOIN plans p ON p.id = a.plan_id WHERE a.id = ?")
                          .add(id)
                          .query();
            pr.next();
            Principal owner;
            owner.account_id = id;
            owner.limits = plan_limits(pr, 1);
            j["usage"] = usage_json(c, owner);
            return json_response(200, j);
        });
    }
    if (ctx.req.method != "PATCH") method_not_allowed("GET, PATCH");
    auto body = json_body(ctx.req);
    if (!body.is_object()) invalid("the body must be a JSON object", nlohmann::json::array());
    only_fields(body, {"plan", "email", "disabled"});
    if (body.contains("disabled") && !body["disabled"].is_boolean())
        invalid("disabled must be true or false",
                nlohmann::json::array({{{"field", "disabled"}, {"detail", "a boolean"}}}));
    std::string plan = string_field(body, "plan", false, 64);
    std::string email = email_field(body);
    return pool_.transaction([&](store::Conn& c) {
        auto r0 = c.prepare("SELECT id FROM accounts WHERE id = ? FOR UPDATE").add(id).query();
        if (!r0.next()) not_found("account " + ctx.seg[1]);
        if (!plan.empty())
            c.prepare("UPDATE accounts SET plan_id = ? WHERE id = ?")
                .add(plan_id(c, plan))
                .add(id)
                .update();
        if (!email.empty())
            c.prepare("UPDATE accounts SET email = ? WHERE id = ?").add(email).add(id).update();
        else if (body.contains("email") && body["email"].is_null())
            c.prepare("UPDATE accounts SET email = NULL WHERE id = ?").add(id).update();
        if (body.contains("disabled"))
            c.prepare("UPDATE accounts SET disabled = ? WHERE id = ?")
                .add(body["disabled"].get<bool>() ? 1 : 0)
                .add(id)
                .update();
        audit(c, ctx, id, "account.update", std::to_string(id), body);
        auto r = c.prepare(std::string(account_select) + " WHERE a.id = ?").add(id).query();
        r.next();
        return json_response(200, account_json(r));
    });
}

// The admin issues a key for an account: how an account that lost (or revoked) its last
// unrestricted key gets one again.
http::Response App::account_keys(Ctx& ctx) {
    char* end = nullptr;
    uint64_t id = std::strtoull(ctx.seg[1].c_str(), &end, 10);
    if (*end || ctx.seg[1].empty()) not_found("account " + ctx.seg[1]);
    if (ctx.req.method != "POST") method_not_allowed("POST");
    auto body = json_body(ctx.req);
    if (!body.is_object()) invalid("the body must be a JSON object", nlohmann::json::array());
    only_fields(body, {"name", "write", "domains", "names", "types", "expires_at", "expires_in"});
    std::string name = key_name_field(body, "issued by admin");
    std::optional<std::string> expires;
    auth::Scope scope = scope_from_request(body, &expires);
    return pool_.transaction([&](store::Conn& c) {
        auto r = c.prepare("SELECT id FROM accounts WHERE id = ?").add(id).query();
        if (!r.next()) not_found("account " + ctx.seg[1]);
        auto j = create_key(c, id, name, scope, expires);
        audit(c, ctx, id, "key.create", j["prefix"].get<std::string>(), {{"write", scope.write}});
        http::Response resp = json_response(201, j);
        // The key belongs to the account: only its own keys can read it at /v1/keys/{id}.
        resp.headers.set("Location", "/v1/keys/" + std::to_string(j["id"].get<uint64_t>()));
        return resp;
    });
}

void audit(store::Conn& c, const Ctx& ctx, std::optional<uint64_t> account,
           const std::string& action, const std::string& target, const nlohmann::json& detail) {
    auto a = ctx.actor();
    c.prepare("INSERT INTO audit (account_id, actor, remote, action, target, detail) VALUES (?, "
              "?, ?, ?, ?, ?)")
        .add(account)
        .add(a.name)
        .add(a.remote)
        .add(action)
        .add(target.substr(0, 255))
        .add(detail.is_null()
                 ? std::optional<std::string>()
                 : detail.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace))
        .update();
}

} // namespace endpointdns::api
