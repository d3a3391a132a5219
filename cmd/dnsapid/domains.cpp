// SPDX-License-Identifier: MIT
// Account resources: the account itself, its API keys, its domains.
#include "app.hpp"
#include "common.hpp"

#include "dns/name.hpp"
#include "dns/rr.hpp"
#include "error.hpp"
#include "zone/content.hpp"

#include <cppconn/exception.h>

#include <sodium.h>

#include <algorithm>
#include <cctype>
#include <cstring>

namespace endpointdns::api {

namespace {

const char* const key_select =
    "SELECT id, prefix, name, can_write, scope, DATE_FORMAT(expires_at, '%Y-%m-%dT%H:%i:%sZ'), "
    "DATE_FORMAT(last_used_at, '%Y-%m-%dT%H:%i:%sZ'), DATE_FORMAT(revoked_at, "
    "'%Y-%m-%dT%H:%i:%sZ'), DATE_FORMAT(created_at, '%Y-%m-%dT%H:%i:%sZ'), kind, tsig_name, "
    "tsig_algorithm FROM api_keys";

nlohmann::json key_json(const store::Rows& r) {
    auto opt = [&](unsigned col) {
        return r.is_null(col) ? nlohmann::json(nullptr) : nlohmann::json(r.str(col));
    };
    auto scope = nlohmann::json::parse(r.str(5), nullptr, false);
    return {{"id", r.u64(1)},
            {"prefix", r.str(2)},
            {"name", r.str(3)},
            {"write", r.u64(4) != 0},
            {"domains", scope.value("domains", nlohmann::json::array())},
            {"names", scope.value("names", nlohmann::json::array())},
            {"types", scope.value("types", nlohmann::json::array())},
            {"expires_at", opt(6)},
            {"last_used_at", opt(7)},
            {"revoked_at", opt(8)},
            {"created_at", r.str(9)},
            {"kind", r.str(10)},
            {"tsig", r.str(10) == "tsig"
                         ? nlohmann::json{{"name", r.str(11)}, {"algorithm", r.str(12)}}
                         : nlohmann::json(nullptr)}};
}

nlohmann::json domain_json(const store::Domain& d) {
    return {{"name", d.name},
            {"serial", d.serial},
            {"etag", etag(d.serial)},
            {"records", d.record_count},
            {"min_ttl", d.min_ttl},
            {"soa",
             {{"mname", d.soa.mname + "."},
              {"rname", d.soa.rname + "."},
              {"refresh", d.soa.refresh},
              {"retry", d.soa.retry},
              {"expire", d.soa.expire},
              {"minimum", d.soa.minimum},
              {"ttl", d.soa.ttl}}},
            {"created_at", d.created_at},
            {"updated_at", d.updated_at}};
}

} // namespace

std::string key_name_field(const nlohmann::json& body, const std::string& fallback) {
    auto it = body.find("name");
    if (it == body.end()) return fallback;
    if (!it->is_string() || it->get<std::string>().size() > 128)
        invalid("name must be a string of at most 128 characters",
                nlohmann::json::array({{{"field", "name"}, {"detail", "at most 128 characters"}}}));
    return it->get<std::string>();
}

auth::Scope scope_from_request(const nlohmann::json& body, std::optional<std::string>* expires) {
    auth::Scope s;
    nlohmann::json errors = nlohmann::json::array();
    auto err = [&](const std::string& field, const std::string& detail) {
        errors.push_back({{"field", field}, {"detail", detail}});
    };
    if (auto it = body.find("write"); it != body.end()) {
        if (!it->is_boolean())
            err("write", "true (read and write) or false (read only)");
        else
            s.write = it->get<bool>();
    }
    auto strings = [&](const char* field, auto&& each) {
        auto it = body.find(field);
        if (it == body.end() || it->is_null()) return;
        size_t most = std::string(field) == "names" ? 10 : 100;
        if (!it->is_array() || it->size() > most) {
            err(field, "a list of at most " + std::to_string(most) + " strings");
            return;
        }
        for (size_t i = 0; i < it->size(); ++i) {
            const auto& v = (*it)[i];
            std::string f = std::string(field) + "[" + std::to_string(i) + "]";
            if (!v.is_string())
                err(f, "must be a string");
            else
                each(f, v.get<std::string>());
        }
    };
    strings("domains", [&](const std::string& f, const std::string& v) {
        if (auto z = zone_name(v))
            s.domains.push_back(*z);
        else
            err(f, "not a domain name: " + v);
    });
    strings("names", [&](const std::string& f, const std::string& v) {
        std::string p = v;
        if (!p.empty() && p.back() == '.') p.pop_back();
        for (auto& ch : p) ch = char(dns::ascii_lower(uint8_t(ch)));
        if (p.empty() || p.size() > 255)
            err(f, "a name pattern such as _acme-challenge.* (1 to 255 characters)");
        else if (std::count(p.begin(), p.end(), '*') > 2)
            err(f, "at most two '*' in a pattern");
        else if (p.find('.') == std::string::npos && p.find('*') == std::string::npos)
            err(f, "patterns match whole names: write www.example.com or _acme-challenge.*, "
                   "not " +
                       p);
        else
            s.names.push_back(p);
    });
    strings("types", [&](const std::string& f, const std::string& v) {
        if (auto t = zone::parse_type(v))
            s.types.push_back(*t);
        else
            err(f, "unknown record type: " + v);
    });
    auto ex_at = body.find("expires_at");
    auto ex_in = body.find("expires_in");
    if (ex_at != body.end() && ex_in != body.end())
        err("expires_in", "give expires_at or expires_in, not both");
    if (ex_in != body.end()) {
        if (!ex_in->is_number_unsigned() || ex_in->get<uint64_t>() < 60 ||
            ex_in->get<uint64_t>() > 10ull * 366 * 86400)
            err("expires_in", "seconds from now, 60 to 10 years");
        else
            *expires = "+" + std::to_string(ex_in->get<uint64_t>());
    }
    if (ex_at != body.end()) {
        std::string v = ex_at->is_string() ? ex_at->get<std::string>() : "";
        // YYYY-MM-DDTHH:MM:SSZ only: one unambiguous form.
        bool ok = v.size() == 20 && v[4] == '-' && v[7] == '-' && v[10] == 'T' && v[13] == ':' &&
                  v[16] == ':' && v[19] == 'Z';
        for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18})
            ok = ok && i < v.size() && isdigit(uint8_t(v[i]));
        if (!ok)
            err("expires_at", "a UTC time such as 2027-01-31T23:59:59Z");
        else if (v.substr(0, 19) <= iso_time_now().substr(0, 19))
            err("expires_at", "is in the past: a key must be usable when it is made");
        else
            *expires = v.substr(0, 10) + " " + v.substr(11, 8);
    }
    if (!errors.empty()) invalid("the key's scope is not valid", errors);
    return s;
}

nlohmann::json create_key(store::Conn& c, uint64_t account_id, const std::string& name,
                          const auth::Scope& scope, const std::optional<std::string>& expires,
                          const std::string& tsig_algorithm) {
    auto k = auth::generate_key();
    bool tsig = !tsig_algorithm.empty();
    // A TSIG key: its name is its prefix under "tsig." (lowercase), its secret 32 random octets
    // (kept as HMAC needs them; see migration 0004). Its bearer form is never shown, so it
    // cannot call the REST API.
    std::string tsig_name, tsig_secret;
    if (tsig) {
        for (char ch : k.prefix) tsig_name += char(std::tolower(static_cast<unsigned char>(ch)));
        tsig_name += ".tsig.";
        tsig_secret.resize(32);
        randombytes_buf(tsig_secret.data(), tsig_secret.size());
    }
    std::string sql = "INSERT INTO api_keys (account_id, kind, tsig_name, tsig_algorithm, "
                      "tsig_secret, prefix, hash, name, can_write, scope, "
                      "expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ";
    bool relative = expires && expires->front() == '+';
    sql += relative ? "CURRENT_TIMESTAMP(3) + INTERVAL ? SECOND)" : "?)";
    auto st = c.prepare(sql);
    st.add(account_id)
        .add(std::string(tsig ? "tsig" : "key"))
        .add(tsig ? std::optional<std::string>(tsig_name) : std::nullopt)
        .add(tsig ? std::optional<std::string>(tsig_algorithm) : std::nullopt)
        .add(tsig ? std::optional<std::string>(tsig_secret) : std::nullopt)
        .add(k.prefix)
        .add(k.hash)
        .add(name)
        .add(scope.write ? 1 : 0)
        .add(auth::scope_to_json(scope));
    if (relative)
        st.add(uint64_t(std::stoull(expires->substr(1))));
    else
        st.add(expires);
    try {
        st.update();
    } catch (const sql::SQLException& e) {
        if (e.getErrorCode() == 1292) // ER_TRUNCATED_WRONG_VALUE: an impossible date
            invalid("expires_at is not a valid time",
                    nlohmann::json::array({{{"field", "expires_at"}, {"detail", "no such date"}}}));
        throw;
    }
    uint64_t id = c.last_insert_id();
    auto r = c.prepare(std::string(key_select) + " WHERE id = ?").add(id).query();
    r.next();
    auto j = key_json(r);
    if (!tsig) {
        j["secret"] = k.secret;
        return j;
    }
    std::string b64(sodium_base64_ENCODED_LEN(tsig_secret.size(), sodium_base64_VARIANT_ORIGINAL),
                    '\0');
    sodium_bin2base64(b64.data(), b64.size(),
                      reinterpret_cast<const unsigned char*>(tsig_secret.data()),
                      tsig_secret.size(), sodium_base64_VARIANT_ORIGINAL);
    b64.resize(std::strlen(b64.c_str()));
    j["tsig"]["secret"] = b64;
    // The form nsupdate -y, dig -y and kdig -y take.
    j["tsig"]["key"] = tsig_algorithm + ":" + tsig_name + ":" + b64;
    return j;
}

http::Response App::account_self(Ctx& ctx) {
    if (ctx.req.method != "GET") method_not_allowed("GET");
    return pool_.run([&](store::Conn& c) {
        return json_response(200, {{"id", ctx.who.account_id},
                                   {"name", ctx.who.account_name},
                                   {"plan", plan::to_json(ctx.who.limits)},
                                   {"usage", usage_json(c, ctx.who)},
                                   {"key",
                                    {{"id", ctx.who.key_id},
                                     {"prefix", ctx.who.key_prefix},
                                     {"kind", ctx.who.session ? "session" : "key"},
                                     {"write", ctx.who.scope.write}}}});
    });
}

// Keys manage keys only when unrestricted and writable: a scoped key must not mint a wider one.
static void require_key_admin(const Ctx& ctx) {
    if (!ctx.who.scope.write || !ctx.who.scope.unrestricted())
        forbidden("only an unrestricted read-write key can list, create or revoke keys");
}

http::Response App::keys(Ctx& ctx) {
    require_key_admin(ctx);
    if (ctx.req.method == "GET") {
        return pool_.run([&](store::Conn& c) {
            auto r = c.prepare(std::string(key_select) +
                               " WHERE account_id = ? AND kind IN ('key', 'tsig') ORDER BY id")
                         .add(ctx.who.account_id)
                         .query();
            nlohmann::json items = nlohmann::json::array();
            while (r.next()) items.push_back(key_json(r));
            return json_response(200, {{"items", items}});
        });
    }
    if (ctx.req.method != "POST") method_not_allowed("GET, POST");
    auto body = json_body(ctx.req);
    if (!body.is_object()) invalid("the body must be a JSON object", nlohmann::json::array());
    // A session (a browser) gives its user's password again: a stolen session token must not
    // turn into a key that outlives it (logout and a password change end sessions, not keys).
    if (ctx.who.session)
        only_fields(body, {"name", "write", "domains", "names", "types", "expires_at", "expires_in",
                           "current_password", "kind", "algorithm"});
    else
        only_fields(body, {"name", "write", "domains", "names", "types", "expires_at", "expires_in",
                           "kind", "algorithm"});
    // "kind": "key" (the default) or "tsig" (DNS UPDATE, see docs/api.md); "algorithm" for tsig.
    std::string tsig_algorithm;
    auto kind_it = body.find("kind");
    if (kind_it != body.end() &&
        (!kind_it->is_string() || (*kind_it != "key" && *kind_it != "tsig")))
        invalid("the key is not valid",
                nlohmann::json::array({{{"field", "kind"}, {"detail", "\"key\" or \"tsig\""}}}));
    auto alg_it = body.find("algorithm");
    if (kind_it != body.end() && *kind_it == "tsig") {
        tsig_algorithm = "hmac-sha256";
        if (alg_it != body.end()) {
            if (!alg_it->is_string() || (*alg_it != "hmac-sha256" && *alg_it != "hmac-sha512"))
                invalid(
                    "the key is not valid",
                    nlohmann::json::array({{{"field", "algorithm"},
                                            {"detail", "\"hmac-sha256\" or \"hmac-sha512\""}}}));
            tsig_algorithm = alg_it->get<std::string>();
        }
    } else if (alg_it != body.end()) {
        invalid(
            "the key is not valid",
            nlohmann::json::array({{{"field", "algorithm"}, {"detail", "for kind tsig only"}}}));
    }
    std::string name = key_name_field(body, "");
    std::optional<std::string> expires;
    auth::Scope scope = scope_from_request(body, &expires);
    if (ctx.who.session) {
        auto it = body.find("current_password");
        if (it != body.end() && !it->is_string())
            invalid("the key is not valid",
                    nlohmann::json::array(
                        {{{"field", "current_password"}, {"detail", "must be a string"}}}));
        check_current_password(ctx, it == body.end() ? "" : it->get<std::string>(),
                               "creating an API key");
    }
    return pool_.transaction([&](store::Conn& c) {
        auto j = create_key(c, ctx.who.account_id, name, scope, expires, tsig_algorithm);
        audit(c, ctx, ctx.who.account_id, "key.create", j["prefix"].get<std::string>(),
              {{"write", scope.write}, {"kind", tsig_algorithm.empty() ? "key" : "tsig"}});
        http::Response r = json_response(201, j);
        r.headers.set("Location", "/v1/keys/" + std::to_string(j["id"].get<uint64_t>()));
        return r;
    });
}

http::Response App::key_one(Ctx& ctx) {
    require_key_admin(ctx);
    char* end = nullptr;
    uint64_t id = std::strtoull(ctx.seg[1].c_str(), &end, 10);
    if (*end || ctx.seg[1].empty()) not_found("key " + ctx.seg[1]);
    if (ctx.req.method == "GET") {
        return pool_.run([&](store::Conn& c) {
            auto r = c.prepare(std::string(key_select) +
                               " WHERE id = ? AND account_id = ? AND kind IN ('key', 'tsig')")
                         .add(id)
                         .add(ctx.who.account_id)
                         .query();
            if (!r.next()) not_found("key " + ctx.seg[1]);
            return json_response(200, key_json(r));
        });
    }
    if (ctx.req.method != "DELETE") method_not_allowed("GET, DELETE");
    return pool_.transaction([&](store::Conn& c) {
        uint64_t n = c.prepare("UPDATE api_keys SET revoked_at = COALESCE(revoked_at, "
                               "CURRENT_TIMESTAMP(3)) WHERE id = ? AND account_id = ? AND "
                               "kind IN ('key', 'tsig')")
                         .add(id)
                         .add(ctx.who.account_id)
                         .update();
        auto r = c.prepare("SELECT prefix FROM api_keys WHERE id = ? AND account_id = ? AND "
                           "kind IN ('key', 'tsig')")
                     .add(id)
                     .add(ctx.who.account_id)
                     .query();
        if (!r.next()) not_found("key " + ctx.seg[1]);
        (void)n;
        audit(c, ctx, ctx.who.account_id, "key.revoke", r.str(1));
        return http::Response(204, "", "");
    });
}

store::Domain App::load_domain(store::Conn& c, Ctx& ctx, const std::string& name, bool lock) {
    auto z = zone_name(name);
    // Another account's domain is "not found", never "forbidden": existence is not disclosed.
    if (!z || !ctx.who.scope.allows_domain(*z)) not_found("domain " + name);
    auto d = store::find_domain(c, *z, lock);
    if (!d || d->account_id != ctx.who.account_id) not_found("domain " + name);
    return *d;
}

http::Response App::domains(Ctx& ctx) {
    if (ctx.req.method == "GET") {
        Page page = page_of(ctx.req);
        return pool_.run([&](store::Conn& c) {
            nlohmann::json items = nlohmann::json::array();
            std::optional<std::string> next;
            std::string after = page.cursor;
            // A domain-scoped key sees its domains only; filter while paging.
            while (items.size() < page.limit) {
                auto batch = store::list_domains(c, ctx.who.account_id, after, page.limit + 1);
                if (batch.empty()) break;
                bool more_rows = batch.size() > page.limit;
                for (size_t i = 0; i < batch.size(); ++i) {
                    if (!ctx.who.scope.allows_domain(batch[i].name)) {
                        after = batch[i].name;
                        continue;
                    }
                    if (items.size() == page.limit) {
                        // One more visible domain exists: the page ends before it.
                        next = items.back()["name"].get<std::string>();
                        break;
                    }
                    after = batch[i].name;
                    items.push_back(domain_json(batch[i]));
                }
                if (next || !more_rows) break;
            }
            http::Response resp = json_response(200, {});
            nlohmann::json body{{"items", items}};
            finish_page(resp, body, ctx.req, next);
            return resp;
        });
    }
    if (ctx.req.method != "POST") method_not_allowed("GET, POST");
    if (!ctx.who.scope.write || !ctx.who.scope.unrestricted())
        forbidden("creating a domain needs an unrestricted read-write key");
    auto body = json_body(ctx.req);
    if (!body.is_object()) invalid("the body must be a JSON object", nlohmann::json::array());
    only_fields(body, {"name"});
    auto it = body.find("name");
    if (it == body.end() || !it->is_string())
        invalid("name is required", nlohmann::json::array({{{"field", "name"},
                                                            {"detail", "a domain name such as "
                                                                       "example.com"}}}));
    auto name = zone_name(it->get<std::string>());
    if (!name)
        invalid("name is not a valid domain name",
                nlohmann::json::array(
                    {{{"field", "name"},
                      {"detail", "two or more labels of letters, digits and '-' (at most 63 "
                                 "each, 253 in all), such as example.com"}}}));
    http::Response created = pool_.transaction([&](store::Conn& c) {
        std::vector<std::string> names = new_domain_nameservers(c);
        std::vector<store::Record> ns;
        for (const auto& n : names) {
            auto content = zone::parse_content(dns::rrtype::NS, n + ".");
            if (!content) throw Error(ex_config, "name server " + n + ": " + content.error());
            ns.push_back({content->text, content->rdata});
        }
        store::Soa soa = settings_.zones.soa;
        soa.mname = names.front();
        // Lock the account row: concurrent creations count the domains one after another.
        c.prepare("SELECT id FROM accounts WHERE id = ? FOR UPDATE")
            .add(ctx.who.account_id)
            .query();
        // A zone inside (or around) another account's zone would let that account answer for
        // names it does not own: the edges serve the longest matching zone.
        if (auto other = store::nested_domain_owner(c, *name, ctx.who.account_id))
            fail(409, "exists", "Already exists",
                 *name + " is inside or above a domain hosted here for another account (" +
                     "a zone cannot overlap one it does not own)");
        uint64_t have = store::count_domains(c, ctx.who.account_id);
        if (auto f = plan::admit_domains(ctx.who.limits, have, 1))
            fail(403, "plan-limit", "Plan limit reached", f->detail,
                 {{"limit", plan::to_json(*f)}});
        uint64_t change = 0;
        store::Domain d;
        try {
            d = store::create_domain(c, ctx.who.account_id, *name, soa, settings_.zones.min_ttl,
                                     settings_.zones.ns_ttl, ns, ctx.actor(), &change);
        } catch (const sql::SQLException& e) {
            if (store::is_duplicate_key(e))
                fail(409, "exists", "Already exists",
                     "domain " + *name + " is already hosted here");
            throw;
        }
        auto j = domain_json(d);
        j["change"] = {{"id", change}, {"serial", d.serial}};
        http::Response r = json_response(201, j);
        r.headers.set("Location", "/v1/domains/" + d.name);
        r.headers.set("ETag", etag(d.serial));
        return r;
    });
    changed(*name);
    return created;
}

http::Response App::domain_one(Ctx& ctx) {
    const std::string& name = ctx.seg[1];
    if (ctx.req.method == "GET") {
        return pool_.run([&](store::Conn& c) {
            auto d = load_domain(c, ctx, name, false);
            if (const auto* h = ctx.req.headers.find("If-None-Match");
                h && etag_listed(*h, d.serial)) {
                http::Response r(304, "", "application/json");
                r.headers.set("ETag", etag(d.serial));
                return r;
            }
            http::Response r = json_response(200, domain_json(d));
            r.headers.set("ETag", etag(d.serial));
            return r;
        });
    }
    if (ctx.req.method != "DELETE") method_not_allowed("GET, DELETE");
    if (!ctx.who.scope.write || !ctx.who.scope.unrestricted())
        forbidden("deleting a domain needs an unrestricted read-write key");
    auto want = if_match(ctx.req);
    std::string zone;
    http::Response deleted = pool_.transaction([&](store::Conn& c) {
        auto d = load_domain(c, ctx, name, true);
        if (want && *want != 0 && *want != d.serial)
            fail(412, "precondition-failed", "Precondition failed",
                 "the zone has changed: its ETag is now " + etag(d.serial));
        uint64_t change = store::delete_domain(c, d, ctx.actor());
        zone = d.name;
        return json_response(
            200, {{"name", d.name},
                  {"deleted", true},
                  {"change", {{"id", change}, {"serial", store::next_serial(d.serial)}}}});
    });
    changed(zone);
    return deleted;
}

} // namespace endpointdns::api
