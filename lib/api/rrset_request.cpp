// SPDX-License-Identifier: MIT
// Request bodies that change RRsets: items parsed and validated on their own, before any database
// work.
#include "api/rrset_request.hpp"

#include "dns/rr.hpp"
#include "zone/content.hpp"

#include <map>
#include <set>

namespace endpointdns::api {

void ItemErrors::add(size_t item, const std::string& field, const std::string& detail) {
    nlohmann::json e{{"field", field}, {"detail", detail}};
    if (!single) e["item"] = item;
    list.push_back(std::move(e));
}

namespace {

// Parses a list of content strings into records; errors name field[i].
std::vector<store::Record> parse_records(const nlohmann::json& v, uint16_t type,
                                         const std::string& field, size_t item, size_t max,
                                         ItemErrors& errors) {
    std::vector<store::Record> out;
    if (!v.is_array()) {
        errors.add(item, field, "must be a list of record contents (strings)");
        return out;
    }
    if (v.size() > max) {
        errors.add(item, field,
                   "at most " + std::to_string(max) + " records in one RRset, got " +
                       std::to_string(v.size()));
        return out;
    }
    std::map<std::string, size_t> seen;
    for (size_t i = 0; i < v.size(); ++i) {
        std::string f = field + "[" + std::to_string(i) + "]";
        if (!v[i].is_string()) {
            errors.add(item, f, "must be a string such as \"192.0.2.1\"");
            continue;
        }
        auto c = zone::parse_content(type, v[i].get<std::string>());
        if (!c) {
            errors.add(item, f, c.error());
            continue;
        }
        if (auto it = seen.find(c->rdata); it != seen.end()) {
            errors.add(item, f, "duplicate of " + field + "[" + std::to_string(it->second) + "]");
            continue;
        }
        seen.emplace(c->rdata, i);
        out.push_back({c->text, c->rdata});
    }
    return out;
}

} // namespace

bool check_rrset_identity(const std::string& zone, const std::string& owner, uint16_t type,
                          size_t item, ItemErrors& errors) {
    if (auto why = zone::refused_type(type)) {
        errors.add(item, "type", *why);
        return false;
    }
    if (type == dns::rrtype::CNAME && owner == zone) {
        errors.add(item, "type",
                   "a CNAME cannot be at the zone's apex: " + zone +
                       " has SOA and NS records, and a CNAME excludes all others (RFC 1034 "
                       "3.6.2); use A and AAAA records there");
        return false;
    }
    if (type == dns::rrtype::DS && owner == zone) {
        errors.add(item, "type",
                   "DS records for " + zone +
                       " belong in its parent zone (at the registrar), not here");
        return false;
    }
    return true;
}

namespace {

std::optional<uint32_t> parse_ttl_field(const nlohmann::json& obj, size_t item,
                                        ItemErrors& errors) {
    auto it = obj.find("ttl");
    if (it == obj.end() || it->is_null()) return std::nullopt;
    if (!it->is_number_unsigned() || it->get<uint64_t>() > 2147483647) {
        errors.add(item, "ttl", "must be a whole number of seconds");
        return std::nullopt;
    }
    return uint32_t(it->get<uint64_t>());
}

} // namespace

// Parses one batch item (or a single-RRset body with owner and type from the route) into edits.
void parse_item(const nlohmann::json& it, size_t index, const std::string& zone,
                const RequestLimits& z,
                const std::optional<std::pair<std::string, uint16_t>>& fixed, Batch& b) {
    auto& errors = b.errors;
    if (!it.is_object()) {
        errors.add(index, "",
                   "each item must be an object {\"name\", \"type\", \"ttl\", \"records\"}");
        return;
    }
    static const std::set<std::string> allowed_batch = {"name",    "type", "ttl",
                                                        "records", "add",  "remove"};
    static const std::set<std::string> allowed_single = {"ttl", "records", "add", "remove"};
    for (auto f = it.begin(); f != it.end(); ++f)
        if (!(fixed ? allowed_single : allowed_batch).count(f.key()))
            errors.add(index, f.key(),
                       fixed ? "unknown field; allowed: ttl, records, add, remove"
                             : "unknown field; allowed: name, type, ttl, records, add, remove");
    std::string owner;
    uint16_t type = 0;
    if (fixed) {
        owner = fixed->first;
        type = fixed->second;
    } else {
        auto n = it.find("name");
        if (n == it.end() || !n->is_string()) {
            errors.add(index, "name", "required: the owner name, such as \"www\" or \"@\"");
            return;
        }
        auto o = zone::resolve_owner(n->get<std::string>(), zone);
        if (!o) {
            errors.add(index, "name", o.error());
            return;
        }
        if (o->size() > max_owner_text) {
            errors.add(index, "name",
                       "the name is " + std::to_string(o->size()) +
                           " characters long in presentation form (escapes included); at most " +
                           std::to_string(max_owner_text));
            return;
        }
        owner = *o;
        auto t = it.find("type");
        if (t == it.end() || !t->is_string()) {
            errors.add(index, "type", "required: a record type such as \"A\"");
            return;
        }
        auto tt = zone::parse_type(t->get<std::string>());
        if (!tt) {
            errors.add(index, "type", "unknown record type: " + t->get<std::string>());
            return;
        }
        type = *tt;
    }
    if (!check_rrset_identity(zone, owner, type, index, errors)) return;
    auto ttl = parse_ttl_field(it, index, errors);
    bool has_records = it.contains("records"), has_add = it.contains("add"),
         has_remove = it.contains("remove");
    if (has_records && (has_add || has_remove)) {
        errors.add(index, "records",
                   "give either records (the whole RRset) or add/remove (single records)");
        return;
    }
    if (!has_records && !has_add && !has_remove) {
        errors.add(index, "records",
                   "required: the RRset's records (an empty list deletes it), or add/remove");
        return;
    }
    auto edit = [&](store::Edit::Op op, std::vector<store::Record> recs) {
        store::Edit e;
        e.op = op;
        e.name = owner;
        e.type = type;
        e.ttl = ttl;
        e.records = std::move(recs);
        b.edits.push_back(std::move(e));
        b.item_of.push_back(index);
    };
    size_t max = z.max_records_per_rrset;
    if (has_records) {
        edit(store::Edit::Op::replace,
             parse_records(it["records"], type, "records", index, max, errors));
        return;
    }
    if (has_remove)
        edit(store::Edit::Op::remove_records,
             parse_records(it["remove"], type, "remove", index, max, errors));
    if (has_add)
        edit(store::Edit::Op::add_records,
             parse_records(it["add"], type, "add", index, max, errors));
}

void parse_batch(const nlohmann::json& body, const std::string& zone, const RequestLimits& limits,
                 Batch& b) {
    const nlohmann::json* list = &body;
    if (body.is_object()) {
        for (auto it = body.begin(); it != body.end(); ++it)
            if (it.key() != "rrsets") {
                b.body_error =
                    "unknown field " + it.key() + "; send a list of RRsets or {\"rrsets\": [...]}";
                return;
            }
        auto it = body.find("rrsets");
        if (it == body.end() || !it->is_array()) {
            b.body_error = "the body must be a list of RRsets, or {\"rrsets\": [...]}";
            return;
        }
        list = &*it;
    }
    if (!list->is_array()) {
        b.body_error = "the body must be a list of RRsets, or {\"rrsets\": [...]}";
        return;
    }
    if (list->empty()) {
        b.body_error = "the batch is empty";
        return;
    }
    if (list->size() > limits.max_batch) {
        b.body_error = "at most " + std::to_string(limits.max_batch) + " items in one batch, got " +
                       std::to_string(list->size());
        return;
    }
    b.items = list->size();
    for (size_t i = 0; i < list->size(); ++i)
        parse_item((*list)[i], i, zone, limits, std::nullopt, b);
}

} // namespace endpointdns::api
