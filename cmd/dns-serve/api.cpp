// SPDX-License-Identifier: MIT
// dns-serve's management API (docs/management-api.md): HTTP requests to Store operations.
#include "api.hpp"

#include "auth/key.hpp"
#include "serve/push_body.hpp"
#include "zone/stream.hpp"

#include <nlohmann/json.hpp>

namespace endpointdns::serve {

using http::Request;
using http::Response;
using json = nlohmann::json;

namespace {

constexpr const char* stream_type = "application/vnd.endpointdns.zone-stream";

Response json_response(int status, const json& j) {
    return Response(status, j.dump(-1, ' ', false, json::error_handler_t::replace) + "\n");
}

Response outcome_response(const Outcome& o) {
    if (o.status != 200) {
        json j = {{"error", o.error}};
        if (o.status == 409) {
            j["serial"] = o.serial;
        }
        return json_response(o.status, j);
    }
    return json_response(200, {{"name", o.name}, {"serial", o.serial}, {"records", o.records}});
}

json outcome_json(const Outcome& o) {
    json j = {{"name", o.name}, {"status", o.status}};
    if (o.status == 200 || o.status == 409) {
        j["serial"] = o.serial;
    }
    if (o.status == 200) {
        j["records"] = o.records;
    } else {
        j["error"] = o.error;
    }
    return j;
}

Response method_not_allowed(const char* allow) {
    Response r = Response::error(405, std::string("method not allowed; use ") + allow);
    r.headers.set("Allow", allow);
    return r;
}

Result<Name> zone_from_path(std::string_view text) {
    std::string t(text);
    if (t.empty()) {
        return fail("no zone name in the path");
    }
    if (t.back() != '.') {
        t.push_back('.');
    }
    auto n = Name::parse(t);
    if (!n) {
        std::string msg = "'";
        msg.append(text).append("' is not a zone name: ").append(n.error());
        return fail(msg);
    }
    return n;
}

} // namespace

Api::Api(Store& store, const Published& published, std::string key,
         std::function<std::string()> dns_metrics)
    : store_(store), published_(published), key_(std::move(key)),
      dns_metrics_(std::move(dns_metrics)), started_(std::chrono::steady_clock::now()),
      instance_(auth::random_base32(16)) {}

void Api::set_key(std::string key) {
    std::lock_guard lock(key_mu_);
    key_ = std::move(key);
}

Response Api::handle(const Request& req) {
    {
        std::lock_guard lock(key_mu_);
        if (!http::bearer_matches(req.headers.get("Authorization"), key_)) {
            Response r = Response::error(401, "missing or wrong key: send Authorization: "
                                              "Bearer <the server's key>");
            r.headers.set("WWW-Authenticate", "Bearer realm=\"dns-serve\"");
            return r;
        }
    }
    const std::string& p = req.path;
    if (p == "/v1/health") {
        if (req.method != "GET") {
            return method_not_allowed("GET");
        }
        auto set = published_.load();
        auto up = std::chrono::duration_cast<std::chrono::seconds>(
                      std::chrono::steady_clock::now() - started_)
                      .count();
        return json_response(200, {{"status", "ok"},
                                   {"version", ENDPOINTDNS_VERSION},
                                   {"zones", set->zone_count()},
                                   {"records", set->record_count()},
                                   {"uptime_seconds", up},
                                   {"instance", instance_}});
    }
    if (p == "/metrics") {
        if (req.method != "GET") {
            return method_not_allowed("GET");
        }
        return metrics();
    }
    if (p == "/v1/zones" || p == "/v1/zones/") {
        return zones(req);
    }
    constexpr std::string_view prefix = "/v1/zones/";
    if (p.size() > prefix.size() && p.compare(0, prefix.size(), prefix) == 0) {
        return one_zone(req, std::string_view(p).substr(prefix.size()));
    }
    return Response::error(404, "no such resource: " + p);
}

Response Api::zones(const Request& req) {
    if (req.method == "GET") {
        json list = json::array();
        for (const auto& z : published_.load()->list()) {
            list.push_back({{"name", z.name}, {"serial", z.serial}, {"records", z.records}});
        }
        return json_response(200, {{"zones", list}});
    }
    if (req.method != "POST" && req.method != "PUT") {
        return method_not_allowed("GET, POST, PUT");
    }
    bool post = req.method == "POST";
    auto body = read_push_body(post ? PushKind::post_zones : PushKind::put_all, req.body);
    if (!body) {
        return Response::error(400, body.error());
    }
    if (post) {
        json results = json::array();
        for (const auto& o : store_.apply(std::move(body->items))) {
            results.push_back(outcome_json(o));
        }
        return json_response(200, {{"results", results}});
    }
    std::vector<std::string> removed;
    Outcome o = store_.replace_all(std::move(body->items), removed);
    if (o.status != 200) {
        return outcome_response(o);
    }
    auto set = published_.load();
    return json_response(
        200,
        {{"zones", set->zone_count()}, {"records", set->record_count()}, {"removed", removed}});
}

Response Api::one_zone(const Request& req, std::string_view zone_text) {
    auto origin = zone_from_path(zone_text);
    if (!origin) {
        return Response::error(400, origin.error());
    }
    std::string name = zone_label(*origin);
    if (req.method == "GET") {
        if (req.headers.get("Accept").find(stream_type) != std::string::npos) {
            auto stream = store_.export_zone(*origin);
            if (!stream) {
                return Response::error(404, "zone " + name + " is not on this server");
            }
            return Response(200, std::move(*stream), stream_type);
        }
        auto z = published_.load()->get(*origin);
        if (!z) {
            return Response::error(404, "zone " + name + " is not on this server");
        }
        return json_response(200,
                             {{"name", name}, {"serial", z->serial()}, {"records", z->records()}});
    }
    if (req.method == "DELETE") {
        Outcome o = store_.remove_zone(*origin);
        if (o.status != 200) {
            return outcome_response(o);
        }
        return json_response(200, {{"name", name}, {"deleted", true}});
    }
    if (req.method != "PUT" && req.method != "PATCH") {
        return method_not_allowed("GET, PUT, PATCH, DELETE");
    }
    bool put = req.method == "PUT";
    auto body = read_push_body(put ? PushKind::put_zone : PushKind::patch_zone, req.body, &*origin);
    if (!body) {
        return Response::error(400, body.error());
    }
    if (put) {
        return outcome_response(store_.put_zone(std::move(*body->items[0].zone)));
    }
    return outcome_response(store_.patch_zone(body->delta));
}

Response Api::metrics() const {
    auto set = published_.load();
    const auto& c = store_.counters();
    auto up = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() -
                                                               started_)
                  .count();
    std::string m;
    auto gauge = [&](const char* name, const char* help, const char* type, uint64_t v,
                     const char* labels = "") {
        m += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " " + type + "\n" +
             name + labels + " " + std::to_string(v) + "\n";
    };
    gauge("dns_serve_zones", "Zones loaded.", "gauge", set->zone_count());
    gauge("dns_serve_records", "Records loaded, all zones.", "gauge", set->record_count());
    gauge("dns_serve_uptime_seconds", "Seconds since the server started.", "gauge", uint64_t(up));
    m += "# HELP dns_serve_pushes_total Writes through the management API, by kind and result.\n"
         "# TYPE dns_serve_pushes_total counter\n";
    m += "dns_serve_pushes_total{kind=\"put\",result=\"ok\"} " + std::to_string(c.puts) + "\n";
    m += "dns_serve_pushes_total{kind=\"patch\",result=\"ok\"} " + std::to_string(c.patches) + "\n";
    m +=
        "dns_serve_pushes_total{kind=\"delete\",result=\"ok\"} " + std::to_string(c.deletes) + "\n";
    m += "dns_serve_pushes_total{kind=\"any\",result=\"rejected\"} " + std::to_string(c.rejected) +
         "\n";
    m +=
        "dns_serve_pushes_total{kind=\"any\",result=\"failed\"} " + std::to_string(c.failed) + "\n";
    gauge("dns_serve_compactions_total", "Journals folded into their zone files.", "counter",
          c.compactions);
    if (dns_metrics_) {
        m += dns_metrics_();
    }
    return Response(200, std::move(m), "text/plain; version=0.0.4");
}

} // namespace endpointdns::serve
