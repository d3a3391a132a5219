// SPDX-License-Identifier: MIT
// Helpers shared by dnsapid's handlers: problems, JSON bodies, names, pagination, ETags.
#pragma once

#include "app.hpp"

#include "store/history.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace endpointdns::api {

// A Problem as an application/problem+json answer.
http::Response problem_response(const Problem& p);
// The same shape for the answers the HTTP server makes itself (413, 500).
http::Response server_error_response(int status, std::string_view message);

[[noreturn]] void fail(int status, std::string type, std::string title, std::string detail,
                       nlohmann::json extra = nlohmann::json::object());
[[noreturn]] void not_found(const std::string& what);
[[noreturn]] void forbidden(const std::string& detail);
[[noreturn]] void method_not_allowed(const std::string& allow);
[[noreturn]] void invalid(const std::string& detail, nlohmann::json errors);

// The body as a JSON value: 415 unless JSON, 400 with the byte offset when malformed
// (non-UTF-8 included).
nlohmann::json json_body(const http::Request& req);
// Fails with 422 naming the field unless every key of obj is in allowed.
void only_fields(const nlohmann::json& obj, std::initializer_list<const char*> allowed,
                 const std::string& where = "");

http::Response json_response(int status, const nlohmann::json& body);

// The plan's columns for plan_limits(), from plans aliased p.
inline constexpr const char* plan_columns =
    "p.name, p.max_domains, p.max_records_per_domain, p.max_calls_per_day, "
    "p.max_calls_per_month, p.rate_per_second, p.rate_burst";
// The limits read from the 7 plan_columns starting at column `first` (1-based).
plan::Limits plan_limits(const store::Rows& r, int first);

// Pagination: ?limit (1..1000, default 100) and ?cursor (opaque to clients).
struct Page {
    size_t limit = 100;
    std::string cursor;
};
Page page_of(const http::Request& req);
// Adds "next" (cursor or null) and a Link header when more may follow.
void finish_page(http::Response& r, nlohmann::json& body, const http::Request& req,
                 const std::optional<std::string>& next);

// A zone name from a path or body: lowercase, no trailing dot, a host name of 2+ labels.
std::optional<std::string> zone_name(std::string_view text);

// "\"42\"" and back; If-Match / If-None-Match lists ("*" is 0).
std::string etag(uint32_t serial);
// True when the header lists the tag (or "*").
bool etag_listed(const std::string& header, uint32_t serial);
// The serial of a one-tag If-Match header: 0 for "*", nullopt when absent; 412 when malformed.
std::optional<uint32_t> if_match(const http::Request& req);

std::string iso_time_now();

// An RRset as JSON without its ETag and time: name, subname, type, ttl, records.
nlohmann::json rrset_content_json(const store::Rrset& r, const std::string& zone);
// The change (GET /v1/changes/{id}) with every active edge's view of it: "status" is "insync"
// (insync set) once every active edge has it, else "pending" (changes.cpp).
nlohmann::json change_with_status(store::Conn& c, const store::Change& ch, bool& insync);
// A zone file (text/dns) of the domain at d.serial holding these RRsets: "; <comment>",
// $ORIGIN, the SOA, then the records in DNSSEC canonical order, as the zone export sends it.
std::string zone_file_text(const store::Domain& d, const std::vector<store::Rrset>& rrsets,
                           const std::string& comment);

} // namespace endpointdns::api

namespace endpointdns::api {

// Creates an API key for the account; returns its JSON with the secret (shown this once).
nlohmann::json create_key(store::Conn& c, uint64_t account_id, const std::string& name,
                          const auth::Scope& scope, const std::optional<std::string>& expires,
                          const std::string& tsig_algorithm = {});
// The "name" of a key in a request body (at most 128 characters; fallback when absent).
std::string key_name_field(const nlohmann::json& body, const std::string& fallback);
// A key's scope and expiry from a request body: {"write", "domains", "names", "types",
// "expires_at" (RFC 3339 UTC) or "expires_in" (seconds)}; 422 for bad values.
auth::Scope scope_from_request(const nlohmann::json& body, std::optional<std::string>* expires);
void audit(store::Conn& c, const Ctx& ctx, std::optional<uint64_t> account,
           const std::string& action, const std::string& target,
           const nlohmann::json& detail = nullptr);

} // namespace endpointdns::api
