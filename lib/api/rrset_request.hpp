// SPDX-License-Identifier: MIT
// Request bodies that change RRsets: items parsed and validated on their own, before any database
// work.
#pragma once

#include "store/zones.hpp"

#include <nlohmann/json.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace endpointdns::api {

// Validation errors of a request, in request order: {"item", "field", "detail"}.
struct ItemErrors {
    nlohmann::json list = nlohmann::json::array();
    bool single = false; // single-RRset routes report fields without an item index
    void add(size_t item, const std::string& field, const std::string& detail);
    bool empty() const { return list.empty(); }
};

// Edits parsed from a request; item_of maps each edit to the request item it came from.
struct Batch {
    std::vector<store::Edit> edits;
    std::vector<size_t> item_of;
    ItemErrors errors;
    size_t items = 0;
    std::string body_error; // the body as a whole is wrong (not a list, empty, too long)
};

// Owner names are stored in presentation form in a VARCHAR(255) column; \DDD escapes can make
// a valid name longer than that, and such names are refused.
constexpr size_t max_owner_text = 255;

struct RequestLimits {
    size_t max_records_per_rrset = 1000;
    size_t max_batch = 1000;
};

// Checks that an RRset of this type may exist at this owner: the type is accepted
// (zone::refused_type), no CNAME and no DS at the apex.
bool check_rrset_identity(const std::string& zone, const std::string& owner, uint16_t type,
                          size_t item, ItemErrors& errors);

// Parses one item into edits: {"name", "type", "ttl", "records"} replaces an RRset (an empty
// list deletes it); {"name", "type", "ttl", "add", "remove"} changes single records (remove
// first). With `fixed` (owner, type from the route) the item holds only ttl/records/add/remove.
// Owners are resolved against zone (zone::resolve_owner), contents parsed with
// zone::parse_content; duplicates, unknown fields and wrong JSON types are errors. The TTL's
// bounds depend on the zone and are checked later, with the zone loaded.
void parse_item(const nlohmann::json& item, size_t index, const std::string& zone,
                const RequestLimits& limits,
                const std::optional<std::pair<std::string, uint16_t>>& fixed, Batch& b);

// Parses a PATCH .../rrsets body: a list of items or {"rrsets": [...]}.
void parse_batch(const nlohmann::json& body, const std::string& zone, const RequestLimits& limits,
                 Batch& b);

} // namespace endpointdns::api
