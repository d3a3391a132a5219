// SPDX-License-Identifier: MIT
// The edge registry (admin key): GET/POST /v1/servers, GET/PATCH/DELETE /v1/servers/{name}.
#include "app.hpp"
#include "common.hpp"

#include "auth/key.hpp"
#include "store/servers.hpp"
#include "util/log.hpp"

#include <cppconn/exception.h>

namespace endpointdns::api {

using nlohmann::json;

namespace {

// The server's JSON: never its key. With state: what the last contact found and how far the
// edge is behind the database.
json server_json(store::Conn& c, const store::Server& s) {
    auto lag = store::server_lag(c, s.id);
    json state = {
        {"reachable", s.reachable ? json(*s.reachable) : json(nullptr)},
        {"last_contact_at", s.last_contact_at.empty() ? json(nullptr) : json(s.last_contact_at)},
        {"last_error", s.last_error},
        {"last_error_at", s.last_error_at.empty() ? json(nullptr) : json(s.last_error_at)},
        {"insync", lag.zones == 0},
        {"lag",
         {{"zones", lag.zones},
          {"changes", lag.changes},
          {"oldest_pending_at", lag.oldest_at.empty() ? json(nullptr) : json(lag.oldest_at)}}}};
    if (!lag.oldest_at.empty()) {
        auto r = c.prepare("SELECT TIMESTAMPDIFF(MICROSECOND, "
                           "STR_TO_DATE(?, '%Y-%m-%dT%H:%i:%s.%fZ'), NOW(3))")
                     .add(lag.oldest_at)
                     .query();
        if (r.next()) state["lag"]["seconds"] = double(r.i64(1)) / 1e6;
    } else {
        state["lag"]["seconds"] = 0;
    }
    return {{"name", s.name},
            {"url", s.url},
            {"ns_name", s.ns_name.empty() ? json(nullptr) : json(s.ns_name)},
            {"active", s.active},
            {"created_at", s.created_at},
            {"updated_at", s.updated_at},
            {"state", state}};
}

void field_error(const std::string& field, const std::string& detail) {
    invalid("invalid " + field + ": " + detail,
            json::array({{{"field", field}, {"detail", detail}}}));
}

std::string name_field(const json& v) {
    if (!v.is_string()) field_error("name", "must be a string");
    std::string n = v.get<std::string>();
    if (n.empty() || n.size() > 64) field_error("name", "1 to 64 characters");
    for (char ch : n)
        if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-' || ch == '.' ||
              ch == '_'))
            field_error("name", "lowercase letters, digits, '-', '.' and '_' only");
    return n;
}

// http://HOST:PORT or https://..., no path, query or user information; a trailing '/' goes.
std::string url_field(const json& v) {
    if (!v.is_string()) field_error("url", "must be a string");
    std::string u = v.get<std::string>();
    while (!u.empty() && u.back() == '/') u.pop_back();
    std::string rest;
    if (u.rfind("http://", 0) == 0)
        rest = u.substr(7);
    else if (u.rfind("https://", 0) == 0)
        rest = u.substr(8);
    else
        field_error("url", "must start with http:// or https:// (the edge's management API)");
    if (rest.empty() || u.size() > 255)
        field_error("url", "needs a host, and at most 255 characters in all");
    for (char ch : rest)
        if (ch == '/' || ch == '?' || ch == '#' || ch == '@' || ch <= ' ' || ch == 0x7f)
            field_error("url", "the base URL only: scheme, host and port, no path");
    return u;
}

std::string key_field(const json& v) {
    if (!v.is_string()) field_error("key", "must be a string");
    std::string k = v.get<std::string>();
    if (k.size() < 16 || k.size() > 255)
        field_error("key", "16 to 255 characters (the content of the edge's key file)");
    for (char ch : k)
        if (ch <= ' ' || ch == 0x7f) field_error("key", "no spaces or control characters");
    return k;
}

std::string ns_field(const json& v) {
    if (v.is_null()) return "";
    if (!v.is_string()) field_error("ns_name", "must be a string or null");
    auto n = zone_name(v.get<std::string>());
    if (!n) field_error("ns_name", "not a host name such as ns1.example.net");
    return *n;
}

bool bool_field(const json& v, const char* name) {
    if (!v.is_boolean()) field_error(name, "must be true or false");
    return v.get<bool>();
}

} // namespace

std::vector<std::string> App::new_domain_nameservers(store::Conn& c) {
    if (settings_.zones.nameservers_set) return settings_.zones.nameservers;
    std::vector<std::string> names;
    for (const auto& s : store::list_servers(c))
        if (s.active && !s.ns_name.empty()) names.push_back(s.ns_name);
    return names.empty() ? settings_.zones.nameservers : names;
}

http::Response App::servers(Ctx& ctx) {
    if (ctx.req.method == "GET") {
        return pool_.run([&](store::Conn& c) {
            json items = json::array();
            for (const auto& s : store::list_servers(c)) items.push_back(server_json(c, s));
            return json_response(200, {{"items", items}});
        });
    }
    if (ctx.req.method != "POST") method_not_allowed("GET, POST");
    json body = json_body(ctx.req);
    if (!body.is_object()) invalid("the body must be a JSON object", json::array());
    only_fields(body, {"name", "url", "key", "ns_name", "active"});
    if (!body.contains("name")) field_error("name", "is required");
    if (!body.contains("url")) field_error("url", "is required");
    store::Server s;
    s.name = name_field(body["name"]);
    s.url = url_field(body["url"]);
    bool generated = !body.contains("key");
    s.key = generated ? auth::random_base32(52) : key_field(body["key"]);
    if (body.contains("ns_name")) s.ns_name = ns_field(body["ns_name"]);
    if (body.contains("active")) s.active = bool_field(body["active"], "active");
    http::Response r = pool_.transaction([&](store::Conn& c) {
        try {
            s.id = store::create_server(c, s);
        } catch (const sql::SQLException& e) {
            if (store::is_duplicate_key(e))
                fail(409, "exists", "Already exists", "server " + s.name + " already exists");
            throw;
        }
        audit(c, ctx, std::nullopt, "server.create", s.name,
              {{"url", s.url}, {"active", s.active}, {"ns_name", s.ns_name}});
        json j = server_json(c, *store::find_server(c, s.name));
        // A key the API made is shown this once: it goes into the edge's key file.
        if (generated) j["key"] = s.key;
        http::Response resp = json_response(201, j);
        resp.headers.set("Location", "/v1/servers/" + s.name);
        return resp;
    });
    if (fanout_) fanout_->reload();
    return r;
}

http::Response App::server_one(Ctx& ctx) {
    const std::string& name = ctx.seg[1];
    if (ctx.req.method == "GET") {
        return pool_.run([&](store::Conn& c) {
            auto s = store::find_server(c, name);
            if (!s) not_found("server " + name);
            return json_response(200, server_json(c, *s));
        });
    }
    if (ctx.req.method == "DELETE") {
        http::Response r = pool_.transaction([&](store::Conn& c) {
            auto s = store::find_server(c, name);
            if (!s) not_found("server " + name);
            store::delete_server(c, s->id);
            audit(c, ctx, std::nullopt, "server.delete", name);
            return json_response(200, {{"name", name}, {"deleted", true}});
        });
        if (fanout_) fanout_->reload();
        return r;
    }
    if (ctx.req.method != "PATCH") method_not_allowed("GET, PATCH, DELETE");
    json body = json_body(ctx.req);
    if (!body.is_object()) invalid("the body must be a JSON object", json::array());
    only_fields(body, {"url", "key", "ns_name", "active"});
    http::Response r = pool_.transaction([&](store::Conn& c) {
        c.prepare("SELECT id FROM servers WHERE name = ? FOR UPDATE").add(name).query();
        auto s = store::find_server(c, name);
        if (!s) not_found("server " + name);
        if (body.contains("url")) s->url = url_field(body["url"]);
        if (body.contains("key")) s->key = key_field(body["key"]);
        if (body.contains("ns_name")) s->ns_name = ns_field(body["ns_name"]);
        if (body.contains("active")) s->active = bool_field(body["active"], "active");
        store::update_server(c, *s);
        json detail = body;
        if (detail.contains("key")) detail["key"] = "(changed)";
        audit(c, ctx, std::nullopt, "server.update", name, detail);
        return json_response(200, server_json(c, *store::find_server(c, name)));
    });
    if (fanout_) fanout_->reload();
    return r;
}

// A full sync of one edge, asked for: its fan-out worker reads the edge's zones and serials now
// (GET /v1/zones on the edge) and pushes whatever differs from the database; zones the edge
// holds that the database does not are deleted there. The answer does not wait for it: the
// server's state (GET /v1/servers/{name}) shows the progress.
http::Response App::server_sync(Ctx& ctx) {
    const std::string& name = ctx.seg[1];
    if (ctx.req.method != "POST") method_not_allowed("POST");
    if (!ctx.req.body.empty()) {
        json body = json_body(ctx.req);
        if (!body.is_object()) invalid("the body must be a JSON object", json::array());
        only_fields(body, {});
    }
    auto [server, zones] = pool_.transaction([&](store::Conn& c) {
        auto s = store::find_server(c, name);
        if (!s) not_found("server " + name);
        if (!s->active)
            fail(409, "inactive", "Server inactive",
                 "server " + name +
                     " is inactive: activate it (PATCH {\"active\": true}) to "
                     "sync it");
        auto r = c.prepare("SELECT COUNT(*) FROM domains").query();
        r.next();
        audit(c, ctx, std::nullopt, "server.sync", name);
        return std::pair(*s, r.u64(1));
    });
    if (!fanout_) fail(503, "unavailable", "Service unavailable", "fan-out is not running");
    bool now = fanout_->resync(server.id);
    log::info("sync of edge " + name + " asked for by " + ctx.actor().name + " from " + ctx.remote);
    http::Response r = json_response(
        202, {{"server", name},
              {"scheduled", "full-sync"},
              {"detail", std::string(now ? "the edge's zones are being read now"
                                         : "the edge's fan-out worker is starting; it reads "
                                           "the edge's zones first") +
                             "; whatever differs from the database is pushed"},
              {"database_zones", zones},
              {"status", "/v1/servers/" + name}});
    r.headers.set("Location", "/v1/servers/" + name);
    return r;
}

} // namespace endpointdns::api
