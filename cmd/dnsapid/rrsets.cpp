// SPDX-License-Identifier: MIT
// RRsets of a domain: list, get, replace, delete, record-level add/remove, atomic batches, zone
// files.
#include "app.hpp"
#include "common.hpp"

#include "api/rrset_request.hpp"

#include "dns/name.hpp"
#include "dns/rr.hpp"
#include "error.hpp"
#include "util/log.hpp"
#include "zone/content.hpp"
#include "zone/stream.hpp"
#include "zone/text.hpp"
#include "zone/zonefile.hpp"

#include <cppconn/exception.h>

#include <algorithm>
#include <map>
#include <set>

namespace endpointdns::api {

namespace {

std::string subname(const std::string& name, const std::string& zone) {
    if (name == zone) return "@";
    return name.substr(0, name.size() - zone.size() - 1);
}

} // namespace

nlohmann::json rrset_content_json(const store::Rrset& r, const std::string& zone) {
    nlohmann::json records = nlohmann::json::array();
    for (const auto& rec : r.records) records.push_back(rec.text);
    return {{"name", r.name + "."},
            {"subname", subname(r.name, zone)},
            {"type", dns::type_name(r.type)},
            {"ttl", r.ttl},
            {"records", records}};
}

std::string zone_file_text(const store::Domain& d, const std::vector<store::Rrset>& rrsets,
                           const std::string& comment) {
    auto owner = dns::Name::parse(d.name + ".");
    std::string out = "; " + comment + "\n$ORIGIN " + d.name + ".\n";
    out += zone::record_text(owner->wire(), dns::rrtype::SOA, dns::rrclass::IN, d.soa.ttl,
                             store::soa_rdata(d));
    // DNSSEC canonical order (apex first, then names by label from the right), as zone-compile
    // and the edges keep zones; the database orders names as strings.
    std::vector<std::pair<std::string, const store::Rrset*>> sorted;
    sorted.reserve(rrsets.size());
    for (const auto& r : rrsets)
        sorted.emplace_back(dns::Name::parse(r.name + ".")->canonical_key(), &r);
    std::stable_sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) {
        return a.first != b.first ? a.first < b.first : a.second->type < b.second->type;
    });
    for (const auto& [key, r] : sorted) {
        auto o = dns::Name::parse(r->name + ".");
        for (const auto& rec : r->records)
            out += zone::record_text(o->wire(), r->type, dns::rrclass::IN, r->ttl, rec.rdata);
    }
    return out;
}

namespace {

nlohmann::json rrset_json(const store::Rrset& r, const std::string& zone) {
    nlohmann::json j = rrset_content_json(r, zone);
    j["etag"] = etag(r.changed_serial);
    j["changed_at"] =
        r.changed_at.empty() ? nlohmann::json(iso_time_now()) : nlohmann::json(r.changed_at);
    return j;
}

nlohmann::json soa_json(const store::Domain& d) {
    std::string text = zone::record_text(std::string(1, '\0'), dns::rrtype::SOA, dns::rrclass::IN,
                                         d.soa.ttl, store::soa_rdata(d));
    // record_text: "owner\tttl\tIN\tSOA\trdata\n"; keep the rdata
    size_t at = 0;
    for (int i = 0; i < 4; ++i) at = text.find('\t', at) + 1;
    std::string rdata = text.substr(at);
    while (!rdata.empty() && rdata.back() == '\n') rdata.pop_back();
    return {{"name", d.name + "."},       {"subname", "@"},     {"type", "SOA"},
            {"ttl", d.soa.ttl},           {"records", {rdata}}, {"etag", etag(d.serial)},
            {"changed_at", d.updated_at}, {"managed", true}};
}

// Owner and type of a route /v1/domains/{zone}/rrsets/{owner}/{type}.
std::pair<std::string, uint16_t> route_rrset(const Ctx& ctx, const std::string& zone) {
    auto owner = zone::resolve_owner(ctx.seg[3], zone);
    if (!owner) not_found("RRset " + ctx.seg[3] + " " + ctx.seg[4] + " (" + owner.error() + ")");
    auto type = zone::parse_type(ctx.seg[4]);
    if (!type) not_found("RRset " + ctx.seg[3] + " " + ctx.seg[4] + " (unknown type)");
    return {*owner, *type};
}

} // namespace

namespace {

bool is_acme_name(const std::string& name) {
    return name.rfind("_acme-challenge.", 0) == 0 || name == "_acme-challenge";
}

} // namespace

// Writers to one zone are serialized anyway (the domain row lock orders the serials), so
// concurrent writes to a zone are committed in groups: the first writer becomes the leader,
// takes every write queued for the zone meanwhile, and applies them one after another in one
// transaction — each its own change with its own serial and journal row, each validated
// against the state the previous one left — then commits once. One fsync and one lock
// hand-over serve the whole group. A write that fails validation fails alone (it wrote
// nothing before failing); a database failure fails the group, and nothing of it is committed.
struct App::WriteJob {
    Ctx* ctx;
    Batch* batch;
    std::string summary;
    std::optional<uint32_t> zone_if_match;
    ItemErrors base_errors; // the batch's errors before the transaction (restored on retry)
    std::optional<http::Response> response;
    std::exception_ptr error;
    bool done = false;
};

http::Response App::write_change(Ctx& ctx, const std::string& zone_name_in, Batch& b,
                                 const std::string& summary,
                                 std::optional<uint32_t> zone_if_match) {
    if (!ctx.who.scope.allows_domain(zone_name_in)) not_found("domain " + zone_name_in);
    if (!ctx.who.scope.write) forbidden("this key is read-only");
    for (size_t i = 0; i < b.edits.size(); ++i)
        if (!ctx.who.scope.allows_rrset(zone_name_in, b.edits[i].name, b.edits[i].type))
            b.errors.add(b.item_of[i], "name",
                         "this key may not change " + b.edits[i].name + " " +
                             dns::type_name(b.edits[i].type));
    if (!b.errors.empty()) {
        bool scope = false;
        for (const auto& e : b.errors.list)
            scope = scope || e["detail"].get<std::string>().rfind("this key may not", 0) == 0;
        if (scope)
            fail(403, "forbidden", "Not allowed for this key",
                 "the key's scope does not cover every RRset of the request",
                 {{"errors", b.errors.list}});
        invalid("the request has invalid items; nothing was changed", b.errors.list);
    }

    WriteJob job{&ctx, &b, summary, zone_if_match, b.errors, {}, {}, false};
    std::unique_lock lock(groups_mu_);
    auto& slot = groups_[zone_name_in];
    if (!slot) slot = std::make_shared<ZoneQueue>();
    std::shared_ptr<ZoneQueue> queue = slot; // the map entry may go while this writer waits
    ZoneQueue& q = *queue;
    q.pending.push_back(&job);
    for (;;) {
        if (job.done) break;
        if (!q.leader) {
            // Lead: take what is queued (this job included) and apply it as one group.
            q.leader = true;
            std::vector<WriteJob*> group;
            while (!q.pending.empty() && group.size() < max_group) {
                group.push_back(q.pending.front());
                q.pending.pop_front();
            }
            lock.unlock();
            run_group(zone_name_in, group);
            lock.lock();
            for (auto* j : group) j->done = true;
            q.leader = false; // hand over: a waiting writer leads the next group
            groups_cv_.notify_all();
            continue;
        }
        groups_cv_.wait(lock);
    }
    if (q.pending.empty() && !q.leader) {
        auto it = groups_.find(zone_name_in);
        if (it != groups_.end() && it->second == queue) groups_.erase(it);
    }
    lock.unlock();
    if (job.error) std::rethrow_exception(job.error);
    return std::move(*job.response);
}

void App::run_group(const std::string& zone, const std::vector<WriteJob*>& group) {
    try {
        pool_.transaction([&](store::Conn& c) {
            for (auto* j : group) { // a retried transaction starts the group afresh
                j->response.reset();
                j->error = nullptr;
                j->batch->errors = j->base_errors;
            }
            auto d = store::find_domain(c, zone, true);
            for (auto* j : group) {
                // A savepoint per write: a database error in one write (data the checks missed)
                // is undone and fails that write alone, not the group.
                c.execute("SAVEPOINT job");
                store::Domain saved = d ? *d : store::Domain{};
                try {
                    if (!d || d->account_id != j->ctx->who.account_id) not_found("domain " + zone);
                    j->response = apply_job(c, *d, *j);
                } catch (const Problem&) {
                    j->error = std::current_exception();
                } catch (const sql::SQLException& e) {
                    // Lost connections and deadlocks concern the whole transaction.
                    if (store::is_connection_error(e) || store::is_retryable_error(e)) throw;
                    log::error(std::string("write to ") + zone + " failed: " + e.what());
                    c.execute("ROLLBACK TO SAVEPOINT job");
                    if (d) *d = saved;
                    j->response.reset();
                    j->error = std::make_exception_ptr(
                        Problem{500, "internal", "Internal error",
                                "the write failed on our side and changed nothing; it has been "
                                "logged"});
                }
            }
        });
        changed(zone); // committed: push it (a group of no-ops finds nothing to push)
    } catch (...) {
        for (auto* j : group) {
            j->response.reset();
            j->error = std::current_exception();
        }
    }
}

http::Response App::apply_job(store::Conn& c, store::Domain& d, WriteJob& job) {
    Ctx& ctx = *job.ctx;
    Batch& b = *job.batch;
    if (job.zone_if_match && *job.zone_if_match != 0 && *job.zone_if_match != d.serial)
        fail(412, "precondition-failed", "Precondition failed",
             "the zone has changed: its ETag is now " + etag(d.serial));
    const auto& z = settings_.zones;
    for (size_t i = 0; i < b.edits.size(); ++i) {
        const auto& e = b.edits[i];
        if (!e.ttl) continue;
        bool acme = is_acme_name(e.name);
        uint32_t min = acme ? std::min(z.acme_min_ttl, d.min_ttl) : d.min_ttl;
        if (*e.ttl < min)
            b.errors.add(b.item_of[i], "ttl",
                         "at least " + std::to_string(min) + " seconds in this zone" +
                             (acme ? " for _acme-challenge names" : "") + ", got " +
                             std::to_string(*e.ttl));
        else if (*e.ttl > z.max_ttl)
            b.errors.add(b.item_of[i], "ttl",
                         "at most " + std::to_string(z.max_ttl) + " seconds, got " +
                             std::to_string(*e.ttl));
    }
    if (!b.errors.empty())
        invalid("the request has invalid items; nothing was changed", b.errors.list);
    auto res = store::apply_edits(c, d, b.edits, ctx.actor(), ctx.who.limits.max_records_per_domain,
                                  job.summary);
    using S = store::ChangeResult::Status;
    for (const auto& e : res.errors) b.errors.add(b.item_of[e.item], e.field, e.detail);
    if (res.status == S::precondition_failed)
        fail(412, "precondition-failed", "Precondition failed",
             "an RRset is not in the state the request expects; nothing was changed",
             {{"errors", b.errors.list}});
    if (res.status == S::invalid)
        invalid("the change would leave the zone invalid; nothing was changed", b.errors.list);
    if (res.status == S::over_limit) {
        auto f = plan::admit_records(ctx.who.limits, d.name, res.records_after);
        nlohmann::json limit = f ? plan::to_json(*f) : nlohmann::json(nullptr);
        fail(403, "plan-limit", "Plan limit reached",
             f ? f->detail
               : "the zone would hold " + std::to_string(res.records_after) + " records",
             {{"limit", limit}});
    }
    nlohmann::json body;
    auto result_of = [&](size_t edit) {
        return res.result[edit] ? rrset_json(*res.result[edit], d.name) : nlohmann::json(nullptr);
    };
    if (b.errors.single) {
        body["rrset"] =
            res.result.empty() ? nlohmann::json(nullptr) : result_of(res.result.size() - 1);
    } else {
        nlohmann::json items = nlohmann::json::array();
        std::vector<nlohmann::json> per_item(b.items);
        for (size_t i = 0; i < res.result.size(); ++i) per_item[b.item_of[i]] = result_of(i);
        for (auto& j : per_item) items.push_back(j);
        body["rrsets"] = items;
    }
    body["serial"] = res.serial;
    body["change"] = res.status == S::applied
                         ? nlohmann::json{{"id", res.change_id}, {"serial", res.serial}}
                         : nlohmann::json(nullptr);
    http::Response r = json_response(200, body);
    if (b.errors.single && !res.result.empty() && res.result.back())
        r.headers.set("ETag", etag(res.result.back()->changed_serial));
    r.headers.set("X-Zone-Serial", std::to_string(res.serial));
    return r;
}

http::Response App::rrsets(Ctx& ctx) {
    const std::string& zone_in = ctx.seg[1];
    if (ctx.req.method == "GET") {
        Page page = page_of(ctx.req);
        std::optional<std::string> name_filter;
        std::optional<uint16_t> type_filter;
        return pool_.run([&](store::Conn& c) {
            auto d = load_domain(c, ctx, zone_in, false);
            if (auto* n = ctx.req.arg("name")) {
                auto o = zone::resolve_owner(*n, d.name);
                if (!o)
                    invalid("name filter: " + o.error(),
                            nlohmann::json::array({{{"field", "name"}, {"detail", o.error()}}}));
                name_filter = *o;
            }
            if (auto* t = ctx.req.arg("type")) {
                auto tt = zone::parse_type(*t);
                if (!tt)
                    invalid("type filter: unknown type " + *t,
                            nlohmann::json::array({{{"field", "type"}, {"detail", "unknown"}}}));
                type_filter = *tt;
            }
            if (const auto* h = ctx.req.headers.find("If-None-Match");
                h && etag_listed(*h, d.serial)) {
                http::Response r(304, "", "application/json");
                r.headers.set("ETag", etag(d.serial));
                return r;
            }
            // Cursor: "<name> <type number>" of the last item; the SOA comes first.
            std::string after_name;
            uint16_t after_type = 0;
            bool soa_done = false;
            if (!page.cursor.empty()) {
                auto sp = page.cursor.rfind(' ');
                if (sp == std::string::npos)
                    invalid("cursor is not one this API gave",
                            nlohmann::json::array({{{"field", "cursor"}, {"detail", "invalid"}}}));
                after_name = page.cursor.substr(0, sp);
                after_type = uint16_t(std::strtoul(page.cursor.c_str() + sp + 1, nullptr, 10));
                soa_done = true;
            }
            nlohmann::json items = nlohmann::json::array();
            bool want_soa = (!name_filter || *name_filter == d.name) &&
                            (!type_filter || *type_filter == dns::rrtype::SOA);
            if (!soa_done && want_soa &&
                ctx.who.scope.allows_rrset(d.name, d.name, dns::rrtype::SOA))
                items.push_back(soa_json(d));
            std::optional<std::string> next;
            bool more = true;
            while (more && items.size() <= page.limit) {
                auto batch = store::list_rrsets(c, d.id, name_filter, type_filter, after_name,
                                                after_type, page.limit + 1);
                more = batch.size() > page.limit;
                for (const auto& r : batch) {
                    after_name = r.name;
                    after_type = r.type;
                    if (!ctx.who.scope.allows_rrset(d.name, r.name, r.type)) continue;
                    items.push_back(rrset_json(r, d.name));
                    if (items.size() > page.limit) break;
                }
            }
            if (items.size() > page.limit) {
                items.erase(items.size() - 1);
                const auto& last = items.back();
                std::string last_name = last["name"].get<std::string>();
                last_name.pop_back();
                auto t = zone::parse_type(last["type"].get<std::string>());
                // After the SOA (listed first, not stored) the apex's own RRsets of lower type
                // numbers (A, NS, CNAME...) still follow: the cursor starts at type 0.
                uint16_t after = 0;
                if (t && !(*t == dns::rrtype::SOA && last_name == d.name)) after = *t;
                next = last_name + " " + std::to_string(after);
            }
            http::Response resp = json_response(200, {});
            resp.headers.set("ETag", etag(d.serial));
            nlohmann::json body{{"items", items}};
            finish_page(resp, body, ctx.req, next);
            return resp;
        });
    }
    if (ctx.req.method != "PATCH") method_not_allowed("GET, PATCH");
    auto body = json_body(ctx.req);
    auto z = zone_name(zone_in);
    if (!z) not_found("domain " + zone_in);
    Batch b;
    parse_batch(body, *z, request_limits(), b);
    if (!b.body_error.empty())
        invalid(b.body_error, nlohmann::json::array({{{"field", ""}, {"detail", b.body_error}}}));
    return write_change(ctx, *z, b, "batch of " + std::to_string(b.items), if_match(ctx.req));
}

http::Response App::rrset_one(Ctx& ctx) {
    const std::string& zone_in = ctx.seg[1];
    auto z = zone_name(zone_in);
    if (!z) not_found("domain " + zone_in);
    // Plain variables, not a structured binding: clang 14 cannot capture those in lambdas.
    const auto route = route_rrset(ctx, *z);
    const std::string owner = route.first;
    const uint16_t type = route.second;
    // A key limited to other domains learns nothing about this one: 404 as for a stranger.
    if (!ctx.who.scope.allows_domain(*z)) not_found("domain " + zone_in);
    if (ctx.req.method == "GET") {
        if (!ctx.who.scope.allows_rrset(*z, owner, type))
            forbidden("this key may not read " + owner + " " + dns::type_name(type));
        return pool_.run([&](store::Conn& c) {
            auto d = load_domain(c, ctx, zone_in, false);
            nlohmann::json j;
            uint32_t tag = 0;
            if (type == dns::rrtype::SOA && owner == d.name) {
                j = soa_json(d);
                tag = d.serial;
            } else {
                auto r = store::find_rrset(c, d.id, owner, type);
                if (!r) not_found("RRset " + owner + " " + dns::type_name(type));
                j = rrset_json(*r, d.name);
                tag = r->changed_serial;
            }
            if (const auto* h = ctx.req.headers.find("If-None-Match"); h && etag_listed(*h, tag)) {
                http::Response r(304, "", "application/json");
                r.headers.set("ETag", etag(tag));
                return r;
            }
            http::Response r = json_response(200, j);
            r.headers.set("ETag", etag(tag));
            return r;
        });
    }
    Batch b;
    b.errors.single = true;
    b.items = 1;
    std::string summary = ctx.req.method + " " + owner + " " + dns::type_name(type);
    if (ctx.req.method == "PUT" || ctx.req.method == "PATCH") {
        auto body = json_body(ctx.req);
        if (ctx.req.method == "PUT" && body.is_object() &&
            (body.contains("add") || body.contains("remove")))
            invalid("PUT replaces the whole RRset: send records; use PATCH for add/remove",
                    nlohmann::json::array({{{"field", "add"}, {"detail", "use PATCH"}}}));
        if (ctx.req.method == "PATCH" && body.is_object() && body.contains("records"))
            invalid("PATCH adds or removes single records: send add/remove; use PUT to replace",
                    nlohmann::json::array({{{"field", "records"}, {"detail", "use PUT"}}}));
        parse_item(body, 0, *z, request_limits(), std::make_pair(owner, type), b);
    } else if (ctx.req.method == "DELETE") {
        if (auto why = zone::refused_type(type)) b.errors.add(0, "type", *why);
        store::Edit e;
        e.op = store::Edit::Op::remove;
        e.name = owner;
        e.type = type;
        e.if_match = 0; // deleting what is not there is a 404
        b.edits.push_back(e);
        b.item_of.push_back(0);
    } else {
        method_not_allowed("GET, PUT, PATCH, DELETE");
    }
    // Preconditions on this RRset: If-Match "<serial>" or *, If-None-Match: * (create only).
    auto im = if_match(ctx.req);
    const auto* inm = ctx.req.headers.find("If-None-Match");
    for (auto& e : b.edits) {
        if (im) e.if_match = *im;
        if (inm && *inm == "*") e.must_not_exist = true;
    }
    if (ctx.req.method == "DELETE" && !im && b.errors.empty()) {
        // Scope first: a key must not learn whether an RRset it may not touch exists.
        if (!ctx.who.scope.write) forbidden("this key is read-only");
        if (!ctx.who.scope.allows_rrset(*z, owner, type))
            forbidden("this key may not change " + owner + " " + dns::type_name(type));
        // Without If-Match, deleting an absent RRset answers 404 rather than 412.
        pool_.run([&](store::Conn& c) {
            auto d = load_domain(c, ctx, zone_in, false);
            if (!store::find_rrset(c, d.id, owner, type))
                not_found("RRset " + owner + " " + dns::type_name(type));
        });
        b.edits[0].if_match.reset();
    }
    return write_change(ctx, *z, b, summary, std::nullopt);
}

http::Response App::zone_file(Ctx& ctx) {
    const std::string& zone_in = ctx.seg[1];
    auto z = zone_name(zone_in);
    if (!z) not_found("domain " + zone_in);
    if (!ctx.who.scope.allows_domain(*z)) not_found("domain " + zone_in);
    if (!ctx.who.scope.allows_whole_zone(*z))
        forbidden("zone files need a key that is not limited to some names or types");
    if (ctx.req.method == "GET") {
        return pool_.run([&](store::Conn& c) {
            auto d = load_domain(c, ctx, zone_in, false);
            if (const auto* h = ctx.req.headers.find("If-None-Match");
                h && etag_listed(*h, d.serial)) {
                http::Response r(304, "", "text/dns");
                r.headers.set("ETag", etag(d.serial));
                return r;
            }
            std::string out = zone_file_text(d, store::all_rrsets(c, d.id),
                                             "zone " + d.name + " serial " +
                                                 std::to_string(d.serial) + " exported by dnsapid");
            http::Response r(200, out, "text/dns");
            r.headers.set("ETag", etag(d.serial));
            r.headers.set("Content-Disposition", "attachment; filename=\"" + d.name + ".zone\"");
            return r;
        });
    }
    if (ctx.req.method != "PUT") method_not_allowed("GET, PUT");
    if (!ctx.who.scope.write) forbidden("this key is read-only");
    bool dry_run = false;
    if (auto* v = ctx.req.arg("dry_run")) dry_run = *v == "1" || *v == "true" || v->empty();
    auto want_serial = if_match(ctx.req);
    auto origin = dns::Name::parse(*z + ".");
    // The body is a zone file, or a zone stream (one full zone, as zone-compile writes it and
    // an AXFR carries it) when its Content-Type says so.
    bool is_stream = false;
    if (const auto* ct = ctx.req.headers.find("Content-Type")) {
        std::string t = ct->substr(0, ct->find(';'));
        while (!t.empty() && (t.back() == ' ' || t.back() == '\t')) t.pop_back();
        for (auto& ch : t) ch = char(dns::ascii_lower(uint8_t(ch)));
        is_stream = t == "application/vnd.endpointdns.zone-stream";
    }
    const std::string what = is_stream ? "zone stream" : "zone file";
    std::vector<std::pair<uint32_t, std::string>> errors; // (line, detail), sorted at the end
    zone::Zone parsed(*origin);
    if (is_stream) {
        // No lines in a stream: errors name the message (and its offset) or the record.
        zone::StreamReader reader(ctx.req.body);
        zone::StreamItem item;
        auto got = reader.next(item);
        if (!got) {
            errors.emplace_back(0, "malformed zone stream: " + got.error());
        } else if (!*got) {
            errors.emplace_back(0, "the zone stream is empty: send the whole zone (an AXFR "
                                   "sequence, the SOA first and last)");
        } else if (item.kind != zone::StreamItem::Kind::full) {
            errors.emplace_back(0, "the zone stream holds a delta (IXFR) of " +
                                       item.delta.origin.to_text() +
                                       "; an import needs the whole zone (an AXFR sequence, the "
                                       "SOA first and last)");
        } else if (item.zone->origin().lowercased() != origin->lowercased()) {
            errors.emplace_back(0, "the zone stream is for " + item.zone->origin().to_text() +
                                       ", not for " + *z + ".");
        } else {
            zone::StreamItem more;
            auto again = reader.next(more);
            if (!again)
                errors.emplace_back(0, "malformed zone stream after the zone " + *z + ": " +
                                           again.error());
            else if (*again)
                errors.emplace_back(0, "the zone stream holds more than one zone or delta "
                                       "(the second is for " +
                                           (more.kind == zone::StreamItem::Kind::full
                                                ? more.zone->origin().to_text()
                                                : more.delta.origin.to_text()) +
                                           "); send one zone");
            else
                parsed = std::move(*item.zone);
        }
    } else {
        zone::Diagnostics diags;
        zone::ParseOptions opts;
        opts.max_include_depth = 0; // $INCLUDE would read the server's files
        parsed = zone::parse_zone_text(ctx.req.body, "zone", *origin, diags, opts);
        parsed.normalize(nullptr);
        for (const auto& dg : diags)
            if (dg.is_error())
                errors.emplace_back(dg.line, dg.message.find("$INCLUDE") != std::string::npos
                                                 ? "$INCLUDE cannot be used in an import: put "
                                                   "the included records in the file itself"
                                                 : dg.message);
    }
    // The wanted RRsets (SOA excluded: it is managed), validated like API input; the line of
    // each RRset's first record, to point errors found later at the file.
    std::map<std::pair<std::string, uint16_t>, store::Rrset> want;
    std::map<std::pair<std::string, uint16_t>, uint32_t> line_of;
    for (size_t i = 0; i < parsed.size(); ++i) {
        auto rv = parsed.at(i);
        uint32_t line = parsed.location(i).line;
        std::string owner_text;
        dns::append_name_text(owner_text, rv.owner);
        if (!owner_text.empty() && owner_text.back() == '.') owner_text.pop_back();
        for (auto& ch : owner_text) ch = char(dns::ascii_lower(uint8_t(ch)));
        if (rv.type == dns::rrtype::SOA) continue;
        // A stream has no lines: its errors say which record.
        const std::string rec =
            is_stream ? "record " + owner_text + " " + dns::type_name(rv.type) + ": " : "";
        if (rv.cls != dns::rrclass::IN) {
            errors.emplace_back(line, rec + "only class IN records can be hosted");
            continue;
        }
        if (!dns::is_subdomain(dns::Name::parse(owner_text + ".")->lowercased().wire(),
                               origin->lowercased().wire())) {
            errors.emplace_back(line, rec + owner_text + " is outside the zone " + *z);
            continue;
        }
        ItemErrors ie;
        ie.single = true;
        if (!check_rrset_identity(*z, owner_text, rv.type, 0, ie)) {
            errors.emplace_back(line, rec + ie.list[0]["detail"].get<std::string>());
            continue;
        }
        std::string content;
        if (is_stream) {
            // Wire RDATA from outside: it must print in a form that reads back to the same
            // octets, as API content does.
            auto ct = zone::content_text(rv.type, rv.rdata);
            if (!ct) {
                errors.emplace_back(0, rec + ct.error());
                continue;
            }
            content = *ct;
        } else {
            std::string text = zone::record_text(rv.owner, rv.type, rv.cls, rv.ttl, rv.rdata);
            size_t at = 0;
            for (int k = 0; k < 4; ++k) at = text.find('\t', at) + 1;
            content = text.substr(at);
            while (!content.empty() && content.back() == '\n') content.pop_back();
        }
        std::pair<std::string, uint16_t> key{owner_text, rv.type};
        auto& r = want[key];
        if (!line_of.count(key)) line_of[key] = line;
        r.name = owner_text;
        r.type = rv.type;
        r.ttl = rv.ttl;
        r.records.push_back({content, std::string(rv.rdata)});
    }
    auto refuse = [&what](std::vector<std::pair<uint32_t, std::string>> list,
                          const std::string& why) {
        std::stable_sort(list.begin(), list.end(),
                         [](const auto& a, const auto& b) { return a.first < b.first; });
        nlohmann::json j = nlohmann::json::array();
        for (auto& [line, detail] : list) {
            nlohmann::json e{{"detail", detail}};
            if (line) e["line"] = line;
            j.push_back(std::move(e));
        }
        fail(422, "validation", "The " + what + " is not valid", why, {{"errors", j}});
    };
    if (!errors.empty()) refuse(errors, "the " + what + " has errors; nothing was changed");

    // A dry run goes through the whole change path and is then rolled back, so it finds every
    // error a real import would.
    struct DryRun {
        http::Response response;
    };
    try {
        http::Response done = pool_.transaction([&](store::Conn& c) {
            auto d = load_domain(c, ctx, zone_in, true);
            if (want_serial && *want_serial != 0 && *want_serial != d.serial)
                fail(412, "precondition-failed", "Precondition failed",
                     "the zone has changed: its ETag is now " + etag(d.serial));
            std::map<std::pair<std::string, uint16_t>, store::Rrset> have;
            for (auto& r : store::all_rrsets(c, d.id)) have[{r.name, r.type}] = r;
            bool file_has_ns = want.count({d.name, dns::rrtype::NS}) > 0;
            auto item = [&](const store::Rrset& r) { return rrset_content_json(r, d.name); };
            nlohmann::json creates = nlohmann::json::array(), updates = nlohmann::json::array(),
                           deletes = nlohmann::json::array();
            std::vector<store::Edit> edits;
            std::vector<uint32_t> edit_line;
            for (const auto& [k, r] : want) {
                auto it = have.find(k);
                if (it != have.end()) {
                    std::multiset<std::string> x, y;
                    for (auto& rec : r.records) x.insert(rec.rdata);
                    for (auto& rec : it->second.records) y.insert(rec.rdata);
                    if (x == y && r.ttl == it->second.ttl) continue;
                    updates.push_back({{"before", item(it->second)}, {"after", item(r)}});
                } else {
                    creates.push_back(item(r));
                }
                store::Edit e;
                e.op = store::Edit::Op::replace;
                e.name = r.name;
                e.type = r.type;
                e.ttl = r.ttl;
                e.records = r.records;
                edits.push_back(std::move(e));
                edit_line.push_back(line_of[k]);
            }
            for (const auto& [k, r] : have) {
                if (want.count(k)) continue;
                // A file without the apex NS keeps the zone's name servers.
                if (k.first == d.name && k.second == dns::rrtype::NS && !file_has_ns) continue;
                deletes.push_back(item(r));
                store::Edit e;
                e.op = store::Edit::Op::remove;
                e.name = r.name;
                e.type = r.type;
                edits.push_back(std::move(e));
                edit_line.push_back(0);
            }
            const auto& zs = settings_.zones;
            std::vector<std::pair<uint32_t, std::string>> found;
            for (size_t i = 0; i < edits.size(); ++i) {
                const auto& e = edits[i];
                if (!e.ttl) continue;
                bool acme = is_acme_name(e.name);
                uint32_t min = acme ? std::min(zs.acme_min_ttl, d.min_ttl) : d.min_ttl;
                if (*e.ttl < min || *e.ttl > zs.max_ttl)
                    found.emplace_back(edit_line[i], e.name + " " + dns::type_name(e.type) +
                                                         ": TTL " + std::to_string(*e.ttl) +
                                                         " is outside " + std::to_string(min) +
                                                         ".." + std::to_string(zs.max_ttl));
            }
            if (!found.empty()) refuse(found, "the " + what + " has errors; nothing was changed");
            const uint32_t serial_before = d.serial;
            auto res =
                store::apply_edits(c, d, edits, ctx.actor(), ctx.who.limits.max_records_per_domain,
                                   is_stream ? "zone stream import" : "zone file import");
            using S = store::ChangeResult::Status;
            if (res.status == S::invalid || res.status == S::precondition_failed) {
                for (const auto& e : res.errors)
                    found.emplace_back(edit_line[e.item], edits[e.item].name + " " +
                                                              dns::type_name(edits[e.item].type) +
                                                              ": " + e.detail);
                refuse(found, "the zone would be invalid; nothing was changed");
            }
            if (res.status == S::over_limit) {
                auto f = plan::admit_records(ctx.who.limits, d.name, res.records_after);
                fail(403, "plan-limit", "Plan limit reached",
                     f ? f->detail : "too many records for the plan",
                     {{"limit", f ? plan::to_json(*f) : nlohmann::json(nullptr)}});
            }
            bool applied = res.status == S::applied;
            nlohmann::json body{
                {"dry_run", dry_run},
                {"serial", dry_run ? serial_before : res.serial},
                {"plan", {{"create", creates}, {"update", updates}, {"delete", deletes}}},
                {"summary",
                 {{"create", creates.size()},
                  {"update", updates.size()},
                  {"delete", deletes.size()}}}};
            if (dry_run) throw DryRun{json_response(200, body)}; // rolls the transaction back
            body["change"] = applied ? nlohmann::json{{"id", res.change_id}, {"serial", res.serial}}
                                     : nlohmann::json(nullptr);
            http::Response r = json_response(200, body);
            r.headers.set("ETag", etag(res.serial));
            return r;
        });
        changed(zone_in);
        return done;
    } catch (DryRun& dry) {
        return std::move(dry.response);
    }
}

} // namespace endpointdns::api
