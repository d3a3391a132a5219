// SPDX-License-Identifier: MIT
// Change status and feed: GET /v1/changes/{id}[?wait=S], GET /v1/changes?since=ID[&wait=S].
#include "app.hpp"
#include "common.hpp"

#include "dns/rr.hpp"
#include "store/history.hpp"
#include "store/servers.hpp"

#include <charconv>
#include <cmath>
#include <unordered_map>

namespace endpointdns::api {

using nlohmann::json;

namespace {

using store::Change;

json change_json(const Change& c) {
    return {{"id", c.id},
            {"zone", c.zone},
            {"kind", c.kind},
            {"serial_from", c.serial_from},
            {"serial", c.serial_to},
            {"created_at", c.created_at},
            {"actor", c.actor},
            {"remote", c.remote},
            {"summary", c.summary}};
}

} // namespace

// Whether every active edge has the change, and each edge's view. An edge has a change when it
// holds the change's domain at its serial or later; a deletion, when it no longer holds the
// domain. A change superseded by the domain's deletion (or re-creation) counts as reached once
// the edge no longer holds that domain at an older serial.
json change_with_status(store::Conn& c, const store::Change& ch, bool& insync) {
    auto servers = store::list_servers(c);
    struct Held {
        uint64_t domain_id;
        uint32_t serial;
    };
    std::unordered_map<uint32_t, Held> held;
    auto r = c.prepare("SELECT server_id, domain_id, serial FROM server_zones WHERE zone = ?")
                 .add(ch.zone)
                 .query();
    while (r.next()) held[uint32_t(r.u64(1))] = {r.u64(2), uint32_t(r.u64(3))};
    auto d = c.prepare("SELECT id FROM domains WHERE name = ?").add(ch.zone).query();
    bool current = d.next() && d.u64(1) == ch.domain_id && ch.kind != "delete";

    json list = json::array();
    size_t total = 0, done = 0;
    for (const auto& s : servers) {
        if (!s.active) continue;
        ++total;
        auto it = held.find(s.id);
        bool has_domain = it != held.end() && it->second.domain_id == ch.domain_id;
        bool at_or_after = has_domain && !dns::serial_later(ch.serial_to, it->second.serial);
        bool ok = current ? at_or_after : !has_domain || (ch.kind != "delete" && at_or_after);
        if (ok) ++done;
        json e = {{"name", s.name},
                  {"insync", ok},
                  {"serial", has_domain ? json(it->second.serial) : json(nullptr)},
                  {"reachable", s.reachable ? json(*s.reachable) : json(nullptr)}};
        if (!ok && !s.last_error.empty()) e["last_error"] = s.last_error;
        list.push_back(std::move(e));
    }
    insync = done == total;
    json j = change_json(ch);
    j["status"] = insync ? "insync" : "pending";
    j["servers_insync"] = done;
    j["servers_total"] = total;
    j["servers"] = std::move(list);
    return j;
}

namespace {

// ?wait=SECONDS: 0 to max (decimals allowed); nullopt when absent.
std::optional<double> wait_arg(const http::Request& req, unsigned max) {
    const std::string* w = req.arg("wait");
    if (!w) return std::nullopt;
    double v = 0;
    auto [end, ec] = std::from_chars(w->data(), w->data() + w->size(), v);
    if (ec != std::errc() || end != w->data() + w->size() || !std::isfinite(v) || v < 0)
        invalid("wait must be a number of seconds, such as 10",
                json::array({{{"field", "wait"}, {"detail", "not a number of seconds"}}}));
    return std::min(v, double(max));
}

uint64_t id_arg(const std::string& text, const char* what) {
    uint64_t v = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc() || end != text.data() + text.size() || text.empty())
        invalid(std::string(what) + " must be a change id (a whole number)",
                json::array({{{"field", what}, {"detail", "not a whole number"}}}));
    return v;
}

// Too many long polls of this account (or in all) wait already: 429 now.
void too_many_waiting(const std::shared_ptr<http::Deferred>& deferred) {
    Problem p{429, "too-many-waiting", "Too many waiting requests",
              "too many requests of this account are waiting (?wait=) already; wait for one of "
              "them, or retry shortly"};
    p.headers.set("Retry-After", "1");
    deferred->finish(problem_response(p));
}

} // namespace

http::Response App::change_one(Ctx& ctx) {
    if (ctx.req.method != "GET") method_not_allowed("GET");
    const std::string& text = ctx.seg[1];
    uint64_t id = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
    if (ec != std::errc() || end != text.data() + text.size()) not_found("change " + text);
    auto wait = wait_arg(ctx.req, settings_.fanout.max_wait);

    // The change, if the caller may see it: its account's keys (scoped to its zone when the key
    // is scoped to domains) and the admin key.
    auto load = [&, who = ctx.who](store::Conn& c) -> Change {
        auto ch = store::change_by_id(c, id);
        if (!ch || (!who.admin &&
                    (ch->account_id != who.account_id || !who.scope.allows_domain(ch->zone))))
            not_found("change " + text);
        return *ch;
    };
    Change ch;
    bool insync = false;
    json now = pool_.run([&](store::Conn& c) {
        ch = load(c);
        return change_with_status(c, ch, insync);
    });
    if (insync || !wait || *wait <= 0 || !waiters_) return json_response(200, now);

    // Held until in sync or the time is up, without a worker thread.
    auto until = Waiters::Clock::now() + std::chrono::duration_cast<Waiters::Clock::duration>(
                                             std::chrono::duration<double>(*wait));
    http::Headers extra = ctx.limit_headers ? *ctx.limit_headers : http::Headers{};
    auto respond = [extra](json body) {
        http::Response r = json_response(200, body);
        for (const auto& [k, v] : extra.fields())
            if (!r.headers.contains(k)) r.headers.set(k, v);
        return r;
    };
    auto deferred = ctx.req.defer();
    if (!waiters_->add(ctx.who.admin ? 0 : ctx.who.account_id, deferred, until,
                       [ch, respond](store::Conn& c, bool last) -> std::optional<http::Response> {
                           bool ok = false;
                           json j = change_with_status(c, ch, ok);
                           if (!ok && !last) return std::nullopt;
                           return respond(std::move(j));
                       }))
        too_many_waiting(deferred);
    if (ctx.deferred) *ctx.deferred = true;
    return json_response(200, now); // sent only when the server could not defer
}

http::Response App::changes(Ctx& ctx) {
    if (ctx.req.method != "GET") method_not_allowed("GET");
    uint64_t since = 0;
    if (const std::string* s = ctx.req.arg("since")) since = id_arg(*s, "since");
    size_t limit = page_of(ctx.req).limit;
    std::optional<std::string> zone;
    if (const std::string* z = ctx.req.arg("zone")) {
        zone = zone_name(*z);
        if (!zone)
            invalid("zone is not a domain name",
                    json::array({{{"field", "zone"}, {"detail", "not a domain name"}}}));
    }
    auto wait = wait_arg(ctx.req, settings_.fanout.max_wait);

    // One page of the feed: changes after `since` in id order, those the caller may see.
    auto page = [since, limit, zone, who = ctx.who](store::Conn& c) {
        auto rows = store::changes_after(
            c, since, who.admin ? std::nullopt : std::optional<uint64_t>(who.account_id), zone,
            limit);
        json items = json::array();
        uint64_t last = since;
        for (const auto& ch : rows) {
            last = ch.id;
            if (who.admin || who.scope.allows_domain(ch.zone)) items.push_back(change_json(ch));
        }
        // A short page is the end for now; the client asks again with since = next_since.
        return json{{"items", items}, {"next_since", last}, {"more", rows.size() == limit}};
    };
    json body = pool_.run(page);
    if (!body["items"].empty() || !wait || *wait <= 0 || !waiters_) return json_response(200, body);

    auto until = Waiters::Clock::now() + std::chrono::duration_cast<Waiters::Clock::duration>(
                                             std::chrono::duration<double>(*wait));
    http::Headers extra = ctx.limit_headers ? *ctx.limit_headers : http::Headers{};
    auto deferred = ctx.req.defer();
    if (!waiters_->add(ctx.who.admin ? 0 : ctx.who.account_id, deferred, until,
                       [page, extra](store::Conn& c, bool last) -> std::optional<http::Response> {
                           json j = page(c);
                           if (j["items"].empty() && !last) return std::nullopt;
                           http::Response r = json_response(200, j);
                           for (const auto& [k, v] : extra.fields())
                               if (!r.headers.contains(k)) r.headers.set(k, v);
                           return r;
                       }))
        too_many_waiting(deferred);
    if (ctx.deferred) *ctx.deferred = true;
    return json_response(200, body);
}

} // namespace endpointdns::api
