// SPDX-License-Identifier: MIT
// lego's httpreq DNS provider: POST /v1/acme/httpreq/present and .../cleanup add and remove one
// TXT value through the RRset change path, and answer once every edge serves the change.
#include "app.hpp"
#include "common.hpp"

#include "api/acme_request.hpp"

#include "dns/rr.hpp"
#include "store/history.hpp"

#include <algorithm>

namespace endpointdns::api {

namespace {

// How long present and cleanup wait for the edges (at most [fanout] max_wait): under the 30 s
// after which lego's HTTP client gives up by default (HTTPREQ_HTTP_TIMEOUT).
constexpr unsigned httpreq_wait_seconds = 25;

} // namespace

http::Response App::acme_httpreq(Ctx& ctx) {
    const bool present = ctx.seg[2] == "present";
    if (ctx.req.method != "POST") method_not_allowed("POST");
    auto body = json_body(ctx.req);
    auto parsed = parse_httpreq_body(body);
    if (!parsed.txt) invalid(parsed.detail, parsed.errors);
    const AcmeTxt txt = *parsed.txt;

    // The zone: the longest suffix of the owner hosted here (zones never overlap across
    // accounts), which must be the caller's and in the key's scope: 404 otherwise, as for any
    // domain the caller cannot see.
    struct Found {
        std::string zone;
        uint32_t min_ttl = 0;
    };
    const auto who = ctx.who;
    Found found = pool_.run([&txt, &who](store::Conn& c) {
        Found f;
        for (size_t at = 0; at < txt.fqdn.size();) {
            size_t dot = txt.fqdn.find('.', at);
            if (dot == std::string::npos) break; // a domain has two labels at least
            if (auto d = store::find_domain(c, std::string_view(txt.fqdn).substr(at))) {
                if (d->account_id == who.account_id && who.scope.allows_domain(d->name)) {
                    f.zone = d->name;
                    f.min_ttl = d->min_ttl;
                }
                break;
            }
            at = dot + 1;
        }
        return f;
    });
    if (found.zone.empty())
        fail(404, "not-found", "Not found",
             "no domain of this account (that the key may use) holds " + txt.fqdn);

    // The TTL: 60 s, or more when the zone's minimum for the name asks for more (as the RRset
    // API checks it: _acme-challenge names have their own, lower minimum).
    const auto& zs = settings_.zones;
    bool acme_name = txt.fqdn.rfind("_acme-challenge.", 0) == 0;
    uint32_t ttl = std::max<uint32_t>(60, acme_name ? std::min(zs.acme_min_ttl, found.min_ttl)
                                                    : found.min_ttl);
    ttl = std::min(ttl, zs.max_ttl);
    nlohmann::json item{{present ? "add" : "remove", {txt_content(txt.value)}}};
    if (present) item["ttl"] = ttl;
    Batch b;
    b.errors.single = true;
    b.items = 1;
    parse_item(item, 0, found.zone, request_limits(), std::make_pair(txt.fqdn, dns::rrtype::TXT),
               b);
    if (!b.errors.empty())
        invalid("the TXT record cannot be written: nothing was changed", b.errors.list);
    http::Response written = write_change(
        ctx, found.zone, b,
        std::string(present ? "httpreq present " : "httpreq cleanup ") + txt.fqdn + " TXT",
        std::nullopt);

    const auto result = nlohmann::json::parse(written.body, nullptr, false);
    nlohmann::json answer_base{{"fqdn", txt.fqdn + "."},
                               {"zone", found.zone},
                               {"value", txt.value},
                               {"action", present ? "present" : "cleanup"}};
    // A value already there (present) or already gone (cleanup): nothing changed, nothing to
    // wait for.
    if (result.is_discarded() || !result.contains("change") || result["change"].is_null()) {
        nlohmann::json j = answer_base;
        j["change"] = nullptr;
        http::Response r = json_response(200, j);
        r.headers.set("X-Zone-Serial", written.headers.get("X-Zone-Serial"));
        return r;
    }
    const uint64_t change_id = result["change"]["id"].get<uint64_t>();
    const unsigned wait = std::min(httpreq_wait_seconds, settings_.fanout.max_wait);
    // The answer once every edge has the change (200), or when the wait is over (504: the
    // change stays applied and will reach the edges; GET /v1/changes/{id} follows it).
    auto answer = [answer_base, change_id, wait](nlohmann::json status, bool insync) {
        if (insync) {
            nlohmann::json j = answer_base;
            j["change"] = std::move(status);
            return json_response(200, j);
        }
        Problem p{504, "not-insync", "Not on every name server yet",
                  "the TXT record was " +
                      std::string(answer_base["action"] == "present" ? "added" : "removed") +
                      " (change " + std::to_string(change_id) +
                      ") but not every name server has it after " + std::to_string(wait) +
                      " s; it will get there: GET /v1/changes/" + std::to_string(change_id) +
                      "?wait=60 follows it"};
        p.extra = answer_base;
        p.extra["change"] = std::move(status);
        return problem_response(p);
    };
    store::Change ch;
    bool insync = false;
    nlohmann::json now = pool_.run([&](store::Conn& c) {
        auto got = store::change_by_id(c, change_id);
        if (!got) throw std::runtime_error("change " + std::to_string(change_id) + " vanished");
        ch = *got;
        return change_with_status(c, ch, insync);
    });
    if (insync || wait == 0 || !waiters_) return answer(std::move(now), insync);

    // Held until in sync or the time is up, without a worker thread (as GET /v1/changes/{id}
    // ?wait= is).
    http::Headers extra = ctx.limit_headers ? *ctx.limit_headers : http::Headers{};
    auto respond = [answer, extra](nlohmann::json status, bool ok) {
        http::Response r = answer(std::move(status), ok);
        for (const auto& [k, v] : extra.fields())
            if (!r.headers.contains(k)) r.headers.set(k, v);
        return r;
    };
    auto deferred = ctx.req.defer();
    auto until = Waiters::Clock::now() + std::chrono::seconds(wait);
    if (!waiters_->add(ctx.who.account_id, deferred, until,
                       [ch, respond](store::Conn& c, bool last) -> std::optional<http::Response> {
                           bool ok = false;
                           nlohmann::json j = change_with_status(c, ch, ok);
                           if (!ok && !last) return std::nullopt;
                           return respond(std::move(j), ok);
                       }))
        // Too many requests of the account wait already: the change is made; say so at once.
        deferred->finish(respond(now, false));
    if (ctx.deferred) *ctx.deferred = true;
    return answer(std::move(now), false); // sent only when the server could not defer
}

} // namespace endpointdns::api
