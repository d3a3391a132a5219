// SPDX-License-Identifier: MIT
// push_cost: how long an edge takes to acknowledge a one-record delta, by zone size.
//
// usage: push_cost URL KEY_FILE ZONE [ZONE...] [--rounds N]
// For each zone (already on the edge at URL), reads its serial from the management API, then
// sends N one-step deltas (each adds one TXT record and moves the serial on) with PATCH and
// times each request from first byte sent to the 200 answer (the edge answers only once the
// change is durable and served). Prints "ZONE RECORDS median_ms p90_ms" per zone.
#include "zone/stream.hpp"

#include <curl/curl.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

using namespace endpointdns;

namespace {

size_t collect(char* p, size_t size, size_t n, void* out) {
    static_cast<std::string*>(out)->append(p, size * n);
    return size * n;
}

struct Http {
    std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> h{curl_easy_init(), curl_easy_cleanup};
    std::string auth;
    long request(const std::string& method, const std::string& url, const std::string& body,
                 std::string& out) {
        out.clear();
        curl_easy_reset(h.get());
        curl_easy_setopt(h.get(), CURLOPT_URL, url.c_str());
        curl_easy_setopt(h.get(), CURLOPT_CUSTOMREQUEST, method.c_str());
        curl_slist* hdr = curl_slist_append(nullptr, auth.c_str());
        hdr = curl_slist_append(hdr, "Content-Type: application/vnd.endpointdns.zone-stream");
        curl_easy_setopt(h.get(), CURLOPT_HTTPHEADER, hdr);
        if (method != "GET") {
            curl_easy_setopt(h.get(), CURLOPT_POSTFIELDS, body.data());
            curl_easy_setopt(h.get(), CURLOPT_POSTFIELDSIZE, long(body.size()));
        }
        curl_easy_setopt(h.get(), CURLOPT_WRITEFUNCTION, collect);
        curl_easy_setopt(h.get(), CURLOPT_WRITEDATA, &out);
        long code = 0;
        if (curl_easy_perform(h.get()) == CURLE_OK) {
            curl_easy_getinfo(h.get(), CURLINFO_RESPONSE_CODE, &code);
        }
        curl_slist_free_all(hdr);
        return code;
    }
};

std::string soa_rdata(const std::string& origin, uint32_t serial) {
    auto name = [](const std::string& text) { return std::string(dns::Name::parse(text)->wire()); };
    std::string r = name("ns1." + origin) + name("hostmaster." + origin);
    for (uint32_t v : {serial, 7200u, 3600u, 1209600u, 300u}) {
        dns::put32(r, v);
    }
    return r;
}

} // namespace

int main(int argc, char** argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    int rounds = 50;
    for (size_t i = 0; i + 1 < args.size(); ++i) {
        if (args[i] == "--rounds") {
            rounds = std::stoi(args[i + 1]);
            args.erase(args.begin() + long(i), args.begin() + long(i) + 2);
            break;
        }
    }
    if (args.size() < 3) {
        std::cerr << "usage: push_cost URL KEY_FILE ZONE [ZONE...] [--rounds N]\n";
        return 64;
    }
    std::string url = args[0], key;
    std::ifstream(args[1]) >> key;
    Http http;
    http.auth = "Authorization: Bearer " + key;
    for (size_t z = 2; z < args.size(); ++z) {
        std::string origin = args[z];
        if (origin.back() != '.') origin += '.';
        std::string out;
        if (http.request("GET", url + "/v1/zones/" + origin, "", out) != 200) {
            std::cerr << "push_cost: zone " << origin << " is not on " << url << "\n";
            return 69;
        }
        auto info = nlohmann::json::parse(out);
        uint32_t serial = info["serial"];
        size_t records = info["records"];
        std::vector<double> ms;
        for (int r = 0; r < rounds; ++r) {
            zone::Delta d;
            d.origin = *dns::Name::parse(origin);
            zone::DeltaStep step;
            // The SOA's other fields must match the zone's: take them from the export once.
            step.from_soa = {d.origin, dns::rrtype::SOA, dns::rrclass::IN, 3600,
                             soa_rdata(origin, serial)};
            step.to_soa = {d.origin, dns::rrtype::SOA, dns::rrclass::IN, 3600,
                           soa_rdata(origin, serial + 1)};
            std::string txt = "push " + std::to_string(r);
            step.added.push_back(
                {*dns::Name::parse("push-bench-" + std::to_string(serial) + "." + origin),
                 dns::rrtype::TXT, dns::rrclass::IN, 300, std::string(1, char(txt.size())) + txt});
            d.steps.push_back(step);
            std::string body;
            zone::StreamWriter w([&](std::string_view m) { body.append(m); });
            w.write_delta(d);
            auto t0 = std::chrono::steady_clock::now();
            long code = http.request("PATCH", url + "/v1/zones/" + origin, body, out);
            auto t1 = std::chrono::steady_clock::now();
            if (code != 200) {
                std::cerr << "push_cost: PATCH " << origin << " answered " << code << ": " << out
                          << "\n";
                return 76;
            }
            ms.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
            ++serial;
        }
        std::sort(ms.begin(), ms.end());
        std::printf("%s %zu %.3f %.3f\n", origin.c_str(), records, ms[ms.size() / 2],
                    ms[ms.size() * 9 / 10]);
    }
    return 0;
}
