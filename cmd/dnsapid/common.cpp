// SPDX-License-Identifier: MIT
// Helpers shared by dnsapid's handlers: problems, JSON bodies, names, pagination, ETags.
#include "common.hpp"

#include "dns/name.hpp"

#include <chrono>
#include <ctime>

namespace endpointdns::api {

void fail(int status, std::string type, std::string title, std::string detail,
          nlohmann::json extra) {
    Problem p;
    p.status = status;
    p.type = std::move(type);
    p.title = std::move(title);
    p.detail = std::move(detail);
    p.extra = std::move(extra);
    throw p;
}

void not_found(const std::string& what) {
    fail(404, "not-found", "Not found", what + " does not exist");
}

void forbidden(const std::string& detail) {
    fail(403, "forbidden", "Not allowed for this key", detail);
}

void method_not_allowed(const std::string& allow) {
    Problem p;
    p.status = 405;
    p.type = "method-not-allowed";
    p.title = "Method not allowed";
    p.detail = "this resource allows " + allow;
    p.headers.set("Allow", allow);
    throw p;
}

void invalid(const std::string& detail, nlohmann::json errors) {
    fail(422, "validation", "The request is not valid", detail, {{"errors", std::move(errors)}});
}

nlohmann::json json_body(const http::Request& req) {
    std::string type = req.headers.get("Content-Type");
    auto semi = type.find(';');
    std::string base = type.substr(0, semi);
    while (!base.empty() && base.back() == ' ') base.pop_back();
    // curl -d sends application/x-www-form-urlencoded unless told otherwise; a JSON body
    // under that label is still JSON, so only other types are refused.
    bool json_like = base.empty() || http::iequals(base, "application/json") ||
                     http::iequals(base, "application/x-www-form-urlencoded") ||
                     (base.size() > 5 && http::iequals(base.substr(base.size() - 5), "+json"));
    if (!json_like)
        fail(415, "unsupported-media-type", "Unsupported media type",
             "send the body as application/json (got " + base + ")");
    if (req.body.empty()) fail(400, "malformed-json", "Malformed JSON", "the body is empty");
    try {
        return nlohmann::json::parse(req.body);
    } catch (const nlohmann::json::out_of_range& e) {
        // A number beyond what a double holds (1e99999) is not JSON a client meant to send.
        fail(400, "malformed-json", "Malformed JSON",
             std::string("the body is not valid JSON: a number is out of range (") + e.what() +
                 ")");
    } catch (const nlohmann::json::parse_error& e) {
        std::string what = e.what();
        // "[json.exception.parse_error.101] parse error at line 1, column 5: ..." -> the tail
        auto at = what.find("parse error");
        fail(400, "malformed-json", "Malformed JSON",
             "the body is not valid JSON: " + (at == std::string::npos ? what : what.substr(at)),
             {{"offset", e.byte}});
    } catch (const nlohmann::json::exception& e) {
        fail(400, "malformed-json", "Malformed JSON",
             std::string("the body is not valid JSON: ") + e.what());
    }
}

void only_fields(const nlohmann::json& obj, std::initializer_list<const char*> allowed,
                 const std::string& where) {
    for (auto it = obj.begin(); it != obj.end(); ++it) {
        bool ok = false;
        for (const char* a : allowed) ok = ok || it.key() == a;
        if (!ok) {
            std::string list;
            for (const char* a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
            invalid("unknown field " + where + it.key(),
                    nlohmann::json::array({{{"field", where + it.key()},
                                            {"detail", "unknown field; allowed: " + list}}}));
        }
    }
}

plan::Limits plan_limits(const store::Rows& r, int first) {
    plan::Limits l;
    l.plan = r.str(first);
    l.max_domains = r.u64(first + 1);
    l.max_records_per_domain = r.u64(first + 2);
    l.max_calls_per_day = r.u64(first + 3);
    l.max_calls_per_month = r.u64(first + 4);
    l.rate_per_second = uint32_t(r.u64(first + 5));
    l.rate_burst = uint32_t(r.u64(first + 6));
    return l;
}

http::Response json_response(int status, const nlohmann::json& body) {
    http::Response r;
    r.status = status;
    r.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    r.body += '\n';
    return r;
}

Page page_of(const http::Request& req) {
    Page p;
    if (auto* l = req.arg("limit")) {
        char* end = nullptr;
        long v = std::strtol(l->c_str(), &end, 10);
        if (l->empty() || *end || v < 1 || v > 1000)
            invalid("limit must be a whole number from 1 to 1000",
                    nlohmann::json::array({{{"field", "limit"}, {"detail", "1 to 1000"}}}));
        p.limit = size_t(v);
    }
    if (auto* c = req.arg("cursor")) p.cursor = *c;
    return p;
}

void finish_page(http::Response& r, nlohmann::json& body, const http::Request& req,
                 const std::optional<std::string>& next) {
    body["next"] = next ? nlohmann::json(*next) : nlohmann::json(nullptr);
    r.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
    if (!next) return;
    auto enc = [](std::string_view text) {
        std::string out;
        for (unsigned char ch : text) {
            if (isalnum(ch) || ch == '.' || ch == '-' || ch == '_' || ch == '*') {
                out += char(ch);
            } else {
                char buf[4];
                snprintf(buf, sizeof buf, "%%%02X", ch);
                out += buf;
            }
        }
        return out;
    };
    std::string q;
    for (const auto& [k, v] : req.args) {
        if (k == "cursor") continue;
        q += (q.empty() ? "" : "&") + enc(k) + "=" + enc(v);
    }
    q += (q.empty() ? "" : "&") + std::string("cursor=") + enc(*next);
    r.headers.add("Link", "<" + req.path + "?" + q + ">; rel=\"next\"");
}

std::optional<std::string> zone_name(std::string_view text) {
    std::string s(text);
    if (!s.empty() && s.back() == '.') s.pop_back();
    if (s.empty() || s.size() > 253) return std::nullopt;
    for (auto& ch : s) ch = char(dns::ascii_lower(uint8_t(ch)));
    size_t labels = 0, start = 0;
    for (;;) {
        size_t dot = s.find('.', start);
        std::string_view label(s.data() + start,
                               (dot == std::string::npos ? s.size() : dot) - start);
        if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-')
            return std::nullopt;
        for (char ch : label)
            if (!(isalnum(uint8_t(ch)) || ch == '-')) return std::nullopt;
        ++labels;
        if (dot == std::string::npos) break;
        start = dot + 1;
    }
    if (labels < 2) return std::nullopt;
    return s;
}

std::string etag(uint32_t serial) {
    // Appended, not "\"" + ... : g++ 12 -O2 warns falsely (-Wrestrict) on a literal + string.
    std::string tag = "\"";
    tag += std::to_string(serial);
    tag += '"';
    return tag;
}

bool etag_listed(const std::string& header, uint32_t serial) {
    std::string want = etag(serial);
    size_t at = 0;
    while (at < header.size()) {
        size_t comma = header.find(',', at);
        std::string item =
            header.substr(at, comma == std::string::npos ? std::string::npos : comma - at);
        auto a = item.find_first_not_of(" \t");
        auto b = item.find_last_not_of(" \t");
        if (a != std::string::npos) {
            item = item.substr(a, b - a + 1);
            if (item.rfind("W/", 0) == 0) item = item.substr(2);
            if (item == "*" || item == want) return true;
        }
        if (comma == std::string::npos) break;
        at = comma + 1;
    }
    return false;
}

std::optional<uint32_t> if_match(const http::Request& req) {
    const std::string* h = req.headers.find("If-Match");
    if (!h) return std::nullopt;
    std::string v = *h;
    auto a = v.find_first_not_of(" \t");
    auto b = v.find_last_not_of(" \t");
    v = a == std::string::npos ? "" : v.substr(a, b - a + 1);
    if (v == "*") return 0u;
    if (v.size() >= 3 && v.front() == '"' && v.back() == '"') {
        std::string digits = v.substr(1, v.size() - 2);
        char* end = nullptr;
        unsigned long n = std::strtoul(digits.c_str(), &end, 10);
        if (!digits.empty() && !*end && n > 0 && n <= 0xffffffffUL) return uint32_t(n);
    }
    // A tag we never issued cannot match the current state.
    fail(412, "precondition-failed", "Precondition failed",
         "If-Match " + *h + " does not match the current ETag");
}

std::string iso_time_now() {
    auto now = std::chrono::system_clock::now();
    auto t = std::chrono::system_clock::to_time_t(now);
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()) % 1000;
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[40];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
    char out[48];
    snprintf(out, sizeof out, "%s.%03dZ", buf, int(ms.count()));
    return out;
}

} // namespace endpointdns::api
