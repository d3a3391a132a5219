// SPDX-License-Identifier: MIT
// Zone history: the versions of a zone (its change journal), a zone as of a version, and restoring
// a version as a new change through the write path.
#include "app.hpp"
#include "common.hpp"

#include "dns/rr.hpp"
#include "error.hpp"
#include "store/history.hpp"
#include "zone/content.hpp"

#include <functional>
#include <map>
#include <set>

namespace endpointdns::api {

namespace {

// The zone of a history route, after the key's scope: history shows every record of the zone,
// so it needs what a zone file needs (a key without name or type limits).
std::string history_zone(const Ctx& ctx, const std::string& action) {
    const std::string& zone_in = ctx.seg[1];
    auto z = zone_name(zone_in);
    if (!z || !ctx.who.scope.allows_domain(*z)) not_found("domain " + zone_in);
    if (!ctx.who.scope.allows_whole_zone(*z))
        forbidden(action + " needs a key that is not limited to some names or types: it holds "
                           "every record of the zone, as a zone file does");
    return *z;
}

// A serial from a query argument: a whole number 1 to 4294967295, else 422 naming the field.
uint32_t serial_arg(const std::string& field, const std::string& text) {
    char* end = nullptr;
    unsigned long long v = std::strtoull(text.c_str(), &end, 10);
    if (text.empty() || *end || !isdigit(uint8_t(text[0])) || v == 0 || v > 0xffffffffULL)
        invalid(field + " must be a zone serial, a whole number from 1 to 4294967295",
                nlohmann::json::array({{{"field", field}, {"detail", "a serial such as 8"}}}));
    return uint32_t(v);
}

// The {serial} of a route: a version that cannot exist is "not found", as an unknown RRset type
// in a path is, once check_domain (which fails for a domain the key cannot see) has passed.
uint32_t path_serial(const std::string& text, const std::string& zone,
                     const std::function<void()>& check_domain) {
    bool digits = !text.empty() && text.size() <= 10;
    for (char c : text) digits = digits && isdigit(uint8_t(c));
    unsigned long long v = digits ? std::strtoull(text.c_str(), nullptr, 10) : 0;
    if (!digits || v == 0 || v > 0xffffffffULL) {
        check_domain();
        fail(404, "not-found", "Not found",
             "version " + text + " of " + zone +
                 " does not exist: a version is a zone serial, a whole number from 1 to the "
                 "zone's serial");
    }
    return uint32_t(v);
}

size_t count_rrs(const std::string& column, const std::string& zone) {
    auto rrs = store::parse_journal_rrs(column);
    if (!rrs)
        throw Error(ex_software, "the change journal of " + zone + " is damaged: " + rrs.error());
    return rrs->size();
}

nlohmann::json version_json(const store::Change& ch, size_t removed, size_t added) {
    return {{"serial", ch.serial_to},      {"change_id", ch.id}, {"kind", ch.kind},
            {"created_at", ch.created_at}, {"actor", ch.actor},  {"remote", ch.remote},
            {"summary", ch.summary},       {"removed", removed}, {"added", added}};
}

// The records of a journal column as RRset items ({name, subname, type, ttl, records}), one per
// owner, type and TTL, in the order the column holds them.
nlohmann::json change_items(const std::string& column, const std::string& zone) {
    auto rrs = store::parse_journal_rrs(column);
    if (!rrs)
        throw Error(ex_software, "the change journal of " + zone + " is damaged: " + rrs.error());
    std::vector<store::Rrset> groups;
    std::map<std::tuple<std::string, uint16_t, uint32_t>, size_t> index;
    for (const auto& rr : *rrs) {
        std::string owner = store::owner_text(rr.owner);
        auto [it, fresh] = index.try_emplace({owner, rr.type, rr.ttl}, groups.size());
        if (fresh) {
            store::Rrset s;
            s.name = owner;
            s.type = rr.type;
            s.ttl = rr.ttl;
            groups.push_back(std::move(s));
        }
        auto text = zone::content_text(rr.type, rr.rdata);
        if (!text) {
            std::string what = "a record of " + owner;
            what += " " + dns::type_name(rr.type) + " in the change journal of " + zone;
            throw Error(ex_software, what + " cannot be shown: " + text.error());
        }
        groups[it->second].records.push_back({std::move(*text), rr.rdata});
    }
    nlohmann::json out = nlohmann::json::array();
    for (const auto& g : groups) out.push_back(rrset_content_json(g, zone));
    return out;
}

// The managed SOA of the domain at d.serial, as an RRset item.
nlohmann::json soa_item(const store::Domain& d) {
    auto text = zone::content_text(dns::rrtype::SOA, store::soa_rdata(d));
    if (!text)
        throw Error(ex_software, "the SOA of " + d.name + " cannot be shown: " + text.error());
    return {{"name", d.name + "."}, {"subname", "@"},     {"type", "SOA"},
            {"ttl", d.soa.ttl},     {"records", {*text}}, {"managed", true}};
}

// True when the Accept header asks for a zone file: text/dns comes before any JSON type.
bool wants_zone_file(const http::Request& req) {
    const std::string* h = req.headers.find("Accept");
    if (!h) return false;
    size_t at = 0;
    while (at <= h->size()) {
        size_t comma = h->find(',', at);
        if (comma == std::string::npos) comma = h->size();
        std::string item = h->substr(at, comma - at);
        item = item.substr(0, item.find(';'));
        auto a = item.find_first_not_of(" \t");
        auto b = item.find_last_not_of(" \t");
        item = a == std::string::npos ? "" : item.substr(a, b - a + 1);
        if (http::iequals(item, "text/dns")) return true;
        if (http::iequals(item, "application/json") || item == "*/*" ||
            http::iequals(item, "application/*"))
            return false;
        at = comma + 1;
    }
    return false;
}

struct Read {
    store::Domain d;
    store::ZoneVersion v;
};

// The zone as of a version, read consistently: without locks, again when a write moved the
// zone meanwhile, and at last under the domain's row lock (writers wait for it briefly).
// 404 and 410 for a version that does not exist or cannot be rebuilt.
Read read_version(store::Pool& pool, const std::function<store::Domain(store::Conn&, bool)>& load,
                  uint32_t serial) {
    auto attempt = [&](store::Conn& c, bool lock) {
        Read r{load(c, lock), {}};
        r.v = store::zone_at(c, r.d, serial);
        return r;
    };
    std::optional<Read> got;
    for (int i = 0; i < 4 && (!got || got->v.status == store::ZoneVersion::Status::moved); ++i)
        got = pool.run([&](store::Conn& c) { return attempt(c, false); });
    if (got->v.status == store::ZoneVersion::Status::moved)
        got = pool.transaction([&](store::Conn& c) { return attempt(c, true); });
    switch (got->v.status) {
    case store::ZoneVersion::Status::ok:
        break;
    case store::ZoneVersion::Status::not_found:
        fail(404, "not-found", "Not found", got->v.detail);
    case store::ZoneVersion::Status::gone:
        fail(410, "gone", "Gone", got->v.detail);
    case store::ZoneVersion::Status::moved:
        throw Error(ex_software, got->v.detail + " under its row lock");
    }
    return std::move(*got);
}

bool same_rrset(const store::Rrset& a, const store::Rrset& b) {
    if (a.ttl != b.ttl || a.records.size() != b.records.size()) return false;
    std::multiset<std::string> x, y;
    for (const auto& r : a.records) x.insert(r.rdata);
    for (const auto& r : b.records) y.insert(r.rdata);
    return x == y;
}

} // namespace

http::Response App::versions(Ctx& ctx) {
    const std::string& zone_in = ctx.seg[1];
    std::string z = history_zone(ctx, "zone history");
    if (ctx.req.method != "GET") method_not_allowed("GET");
    Page page = page_of(ctx.req);
    // ?cursor= (what "next" gives) and ?before= are one thing: versions below that serial.
    uint32_t before = 0;
    if (!page.cursor.empty())
        before = serial_arg("cursor", page.cursor);
    else if (const auto* b = ctx.req.arg("before"))
        before = serial_arg("before", *b);
    return pool_.run([&](store::Conn& c) {
        auto d = load_domain(c, ctx, zone_in, false);
        if (const auto* h = ctx.req.headers.find("If-None-Match"); h && etag_listed(*h, d.serial)) {
            http::Response r(304, "", "application/json");
            r.headers.set("ETag", etag(d.serial));
            return r;
        }
        auto rows = store::list_changes(c, d.id, before, page.limit + 1);
        std::optional<std::string> next;
        if (rows.size() > page.limit) {
            rows.pop_back();
            next = std::to_string(rows.back().serial_to);
        }
        // The record counts need the journal's columns: read a few rows at a time.
        std::map<uint32_t, std::pair<size_t, size_t>> counts;
        if (!rows.empty())
            store::for_each_change(c, d.id, rows.back().serial_to - 1, rows.front().serial_to,
                                   [&](const store::Change& ch) {
                                       counts[ch.serial_to] = {count_rrs(ch.removed, d.name),
                                                               count_rrs(ch.added, d.name)};
                                       return true;
                                   });
        nlohmann::json items = nlohmann::json::array();
        for (const auto& ch : rows) {
            auto n = counts[ch.serial_to];
            items.push_back(version_json(ch, n.first, n.second));
        }
        http::Response resp = json_response(200, {});
        resp.headers.set("ETag", etag(d.serial));
        nlohmann::json body{{"items", items}};
        finish_page(resp, body, ctx.req, next);
        return resp;
    });
}

http::Response App::version_one(Ctx& ctx) {
    const std::string& zone_in = ctx.seg[1];
    std::string z = history_zone(ctx, "zone history");
    if (ctx.req.method != "GET") method_not_allowed("GET");
    uint32_t serial = path_serial(ctx.seg[3], z, [&] {
        pool_.run([&](store::Conn& c) { load_domain(c, ctx, zone_in, false); });
    });
    auto got = read_version(
        pool_, [&](store::Conn& c, bool lock) { return load_domain(c, ctx, zone_in, lock); },
        serial);
    store::Domain then = got.d;
    then.serial = serial; // the SOA as of the version (its other fields never change)
    if (wants_zone_file(ctx.req)) {
        std::string text =
            zone_file_text(then, got.v.rrsets,
                           "zone " + then.name + " as of serial " + std::to_string(serial) +
                               " (now " + std::to_string(got.d.serial) + "), exported by dnsapid");
        http::Response r(200, text, "text/dns");
        r.headers.set("Content-Disposition", "attachment; filename=\"" + then.name + "-" +
                                                 std::to_string(serial) + ".zone\"");
        return r;
    }
    const auto& ch = got.v.change;
    nlohmann::json removed = change_items(ch.removed, then.name);
    nlohmann::json added = change_items(ch.added, then.name);
    size_t n_removed = 0, n_added = 0;
    for (const auto& i : removed) n_removed += i["records"].size();
    for (const auto& i : added) n_added += i["records"].size();
    nlohmann::json body = version_json(ch, n_removed, n_added);
    body["changes"] = {{"removed", std::move(removed)}, {"added", std::move(added)}};
    nlohmann::json rrsets = nlohmann::json::array({soa_item(then)});
    for (const auto& r : got.v.rrsets) rrsets.push_back(rrset_content_json(r, then.name));
    body["rrsets"] = std::move(rrsets);
    return json_response(200, body);
}

http::Response App::version_restore(Ctx& ctx) {
    const std::string& zone_in = ctx.seg[1];
    std::string z = history_zone(ctx, "restoring a version");
    if (ctx.req.method != "POST") method_not_allowed("POST");
    if (!ctx.who.scope.write) forbidden("this key is read-only");
    uint32_t serial = path_serial(ctx.seg[3], z, [&] {
        pool_.run([&](store::Conn& c) { load_domain(c, ctx, zone_in, false); });
    });
    // The zone's ETag; 412 when malformed. 0: none, or "*" (the zone exists, which it must).
    const uint32_t want = if_match(ctx.req).value_or(0);
    const std::string summary = "restore to serial " + std::to_string(serial);
    // The difference is computed from the zone as read, and written only onto that state (the
    // zone's ETag as If-Match): a write in between makes the restore start again.
    for (int attempt = 0;; ++attempt) {
        auto got = read_version(
            pool_, [&](store::Conn& c, bool lock) { return load_domain(c, ctx, zone_in, lock); },
            serial);
        const store::Domain& d = got.d;
        if (want != 0 && want != d.serial)
            fail(412, "precondition-failed", "Precondition failed",
                 "the zone has changed: its ETag is now " + etag(d.serial));
        using Key = std::pair<std::string, uint16_t>;
        std::map<Key, const store::Rrset*> then, now;
        for (const auto& r : got.v.rrsets) then[{r.name, r.type}] = &r;
        for (const auto& r : got.v.now) now[{r.name, r.type}] = &r;
        std::set<Key> keys;
        for (const auto& [k, r] : then) keys.insert(k);
        for (const auto& [k, r] : now) keys.insert(k);
        Batch b;
        size_t creates = 0, updates = 0, deletes = 0;
        for (const auto& k : keys) {
            auto t = then.find(k);
            auto n = now.find(k);
            bool in_then = t != then.end(), in_now = n != now.end();
            if (in_then && in_now && same_rrset(*t->second, *n->second)) continue;
            // A version without the apex NS (a zone created without name servers) keeps the
            // zone's, as an import of a file without them does.
            if (!in_then && k.first == d.name && k.second == dns::rrtype::NS) continue;
            store::Edit e;
            e.op = store::Edit::Op::replace;
            e.name = k.first;
            e.type = k.second;
            if (in_then) {
                // The types accepted may have changed since the version was made.
                check_rrset_identity(z, k.first, k.second, b.items, b.errors);
                e.ttl = t->second->ttl;
                e.records = t->second->records;
                ++(in_now ? updates : creates);
            } else {
                ++deletes; // replaced by no records: deleted
            }
            b.edits.push_back(std::move(e));
            b.item_of.push_back(b.items++);
        }
        try {
            http::Response r = write_change(ctx, z, b, summary, d.serial);
            // Answered as a batch is, without the list of RRsets (the version shows them).
            auto body = nlohmann::json::parse(r.body);
            body.erase("rrsets");
            body["version"] = serial;
            body["summary"] = {{"create", creates}, {"update", updates}, {"delete", deletes}};
            r.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
            return r;
        } catch (Problem& p) {
            if (p.status == 412 && want == 0) {
                if (attempt < 8) continue; // a write came first: start from its state
                Problem busy{503, "unavailable", "Service unavailable",
                             z + " kept changing while the restore was prepared; nothing was "
                                 "changed, retry"};
                busy.headers.set("Retry-After", "1");
                throw busy;
            }
            // Items are the RRsets the restore would write: name them.
            if (p.extra.contains("errors") && p.extra["errors"].is_array())
                for (auto& e : p.extra["errors"])
                    if (e.contains("item") && e["item"].is_number_unsigned()) {
                        size_t i = e["item"].get<size_t>();
                        if (i < b.edits.size()) {
                            e["name"] = b.edits[i].name + ".";
                            e["type"] = dns::type_name(b.edits[i].type);
                        }
                    }
            throw;
        }
    }
}

} // namespace endpointdns::api
