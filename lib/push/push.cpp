// SPDX-License-Identifier: MIT
// zone-push core: local stream checks, request planning and the judgement of edge answers.
#include "push/push.hpp"

#include "error.hpp"
#include "zone/stream.hpp"
#include "zone/zonefile.hpp"

#include <nlohmann/json.hpp>

#include <set>

namespace endpointdns::push {

using nlohmann::json;

Input read_input(const std::vector<std::string>& files) {
    Input in;
    in.buffers.reserve(files.size());
    for (const auto& f : files) in.buffers.push_back(zone::read_file(f)); // 66 when missing
    for (size_t i = 0; i < files.size(); ++i) {
        const std::string& bytes = in.buffers[i];
        const std::string name = files[i] == "-" ? "<stdin>" : files[i];
        zone::StreamReader reader(bytes);
        for (;;) {
            size_t start = reader.offset();
            zone::StreamItem si;
            auto got = reader.next(si);
            if (!got) throw Error(ex_dataerr, name + ": malformed zone stream: " + got.error());
            if (!*got) break;
            Item it;
            it.bytes = std::string_view(bytes).substr(start, reader.offset() - start);
            if (si.kind == zone::StreamItem::Kind::full) {
                it.zone = si.zone->origin().to_text();
                it.serial = si.zone->serial().value_or(0);
            } else {
                it.delta = true;
                it.zone = si.delta.origin.to_text();
                it.serial = si.delta.to_serial();
                it.from_serial = si.delta.from_serial();
            }
            in.items.push_back(std::move(it));
        }
    }
    if (in.items.empty()) throw Error(ex_dataerr, "no zones in input");
    return in;
}

std::string zone_path(std::string_view zone) {
    static const char hex[] = "0123456789ABCDEF";
    std::string p = "/v1/zones/";
    for (unsigned char c : zone) {
        bool plain = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                     c == '-' || c == '.' || c == '_' || c == '~';
        if (plain) {
            p.push_back(char(c));
        } else {
            p.push_back('%');
            p.push_back(hex[c >> 4]);
            p.push_back(hex[c & 15]);
        }
    }
    return p;
}

Plan make_plan(const Input& input, bool full_sync) {
    Plan plan;
    if (full_sync) {
        std::set<std::string> seen;
        for (size_t i = 0; i < input.items.size(); ++i) {
            const Item& it = input.items[i];
            if (it.delta)
                throw Error(ex_dataerr, "--full sends full zones only, but item " +
                                            std::to_string(i + 1) + " is a delta of " + it.zone);
            if (!seen.insert(it.zone).second)
                throw Error(ex_dataerr, "--full: zone " + it.zone + " is given twice");
        }
        plan.method = "PUT";
        plan.path = "/v1/zones";
        plan.full_sync = true;
    } else if (input.items.size() == 1) {
        const Item& it = input.items[0];
        plan.method = it.delta ? "PATCH" : "PUT";
        plan.path = zone_path(it.zone);
    } else {
        plan.method = "POST";
        plan.path = "/v1/zones";
        plan.multi = true;
    }
    size_t total = 0;
    for (const Item& it : input.items) total += it.bytes.size();
    plan.body.reserve(total);
    for (const Item& it : input.items) plan.body.append(it.bytes);
    return plan;
}

http::ClientRequest make_request(const Edge& edge, const Plan& plan, double timeout,
                                 double connect_timeout) {
    http::ClientRequest r;
    r.method = plan.method;
    r.url = edge.url + plan.path;
    r.body = plan.body;
    r.headers.add("Authorization", "Bearer " + edge.key);
    r.headers.add("Content-Type", "application/vnd.endpointdns.zone-stream");
    r.headers.add("Accept", "application/json");
    r.timeout = timeout;
    r.connect_timeout = std::min(connect_timeout, timeout);
    return r;
}

namespace {

std::optional<uint32_t> serial_of(const json& j) {
    if (j.is_object() && j.contains("serial") && j["serial"].is_number_unsigned() &&
        j["serial"].get<uint64_t>() <= UINT32_MAX)
        return uint32_t(j["serial"].get<uint64_t>());
    return std::nullopt;
}

// The "error" member of a JSON answer, else the first line of the body, else the status.
std::string answer_error(long status, const std::string& body) {
    json j = json::parse(body, nullptr, false);
    std::string msg;
    if (j.is_object() && j.contains("error") && j["error"].is_string())
        msg = j["error"].get<std::string>();
    else
        msg = body.substr(0, std::min(body.find('\n'), size_t(200)));
    return "HTTP " + std::to_string(status) + (msg.empty() ? "" : ": " + msg);
}

ZoneResult row(const Item& it, long status) {
    ZoneResult z;
    z.zone = it.zone;
    z.kind = it.delta ? "delta" : "full";
    z.status = status;
    return z;
}

} // namespace

EdgeResult judge(const Edge& edge, const Plan& plan, const Input& input,
                 const http::ClientResult& r) {
    EdgeResult e;
    e.edge = &edge;
    e.request = plan.method + " " + plan.path;
    e.status = r.status;
    e.attempts = r.attempts;
    e.time = r.elapsed;
    auto all_rows = [&](const std::string& error) {
        for (const Item& it : input.items) {
            ZoneResult z = row(it, r.status);
            z.error = error;
            e.zones.push_back(std::move(z));
        }
    };

    if (!r.answered()) {
        e.exit = ex_unavailable;
        e.error =
            r.error + (r.attempts > 1 ? " (" + std::to_string(r.attempts) + " attempts)" : "");
        all_rows(e.error);
        return e;
    }
    if (r.status != 200) {
        e.exit = r.status == 401 || r.status == 403 ? ex_noperm : ex_protocol;
        e.error = answer_error(r.status, r.body);
        all_rows(e.error);
        if (r.status == 409 && e.zones.size() == 1) // the edge's current serial
            e.zones[0].serial = serial_of(json::parse(r.body, nullptr, false));
        return e;
    }
    json j = json::parse(r.body, nullptr, false);
    if (!j.is_object()) {
        e.exit = ex_protocol;
        e.error = "unparsable answer to " + e.request + ": not a JSON object";
        all_rows(e.error);
        return e;
    }
    if (plan.multi) {
        const json* results = j.contains("results") ? &j["results"] : nullptr;
        if (!results || !results->is_array() || results->size() != input.items.size()) {
            e.exit = ex_protocol;
            e.error = "unparsable answer to " + e.request + ": expected " +
                      std::to_string(input.items.size()) + " results";
            all_rows(e.error);
            return e;
        }
        size_t failed = 0;
        for (size_t i = 0; i < input.items.size(); ++i) {
            const json& x = (*results)[i];
            long st = x.is_object() && x.contains("status") && x["status"].is_number_integer()
                          ? x["status"].get<long>()
                          : 0;
            ZoneResult z = row(input.items[i], st);
            z.serial = serial_of(x);
            if (st != 200) {
                ++failed;
                std::string msg = x.is_object() && x.contains("error") && x["error"].is_string()
                                      ? x["error"].get<std::string>()
                                      : std::string("no status in the answer");
                z.error = st ? "HTTP " + std::to_string(st) + ": " + msg : msg;
                e.exit = ex_protocol;
            }
            e.zones.push_back(std::move(z));
        }
        if (failed)
            e.error = std::to_string(failed) + " of " + std::to_string(input.items.size()) +
                      " items refused";
        return e;
    }
    if (plan.full_sync) {
        for (const Item& it : input.items) {
            ZoneResult z = row(it, 200);
            z.serial = it.serial; // a full sync answers with totals only
            e.zones.push_back(std::move(z));
        }
        if (j.contains("removed") && j["removed"].is_array())
            for (const json& name : j["removed"])
                if (name.is_string()) {
                    ZoneResult z;
                    z.zone = name.get<std::string>();
                    z.kind = "removed";
                    z.status = 200;
                    e.zones.push_back(std::move(z));
                }
        return e;
    }
    ZoneResult z = row(input.items[0], 200);
    z.serial = serial_of(j);
    if (!z.serial) {
        e.exit = ex_protocol;
        e.error = "unparsable answer to " + e.request + ": no serial";
        z.error = e.error;
    }
    e.zones.push_back(std::move(z));
    return e;
}

int overall_exit(const std::vector<EdgeResult>& results) {
    int code = ex_ok;
    auto rank = [](int c) {
        return c == ex_unavailable ? 3 : c == ex_noperm ? 2 : c == ex_protocol ? 1 : 0;
    };
    for (const auto& r : results)
        if (rank(r.exit) > rank(code)) code = r.exit;
    return code;
}

} // namespace endpointdns::push
