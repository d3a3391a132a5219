// SPDX-License-Identifier: MIT
// api_load: HTTP load generator for bench/api: keep-alive clients, templated requests, JSON out.
//
// usage: api_load --url TEMPLATE [--method M] [--body TEMPLATE | --body-file FILE]
//                 [--header "Name: value"]... [--clients N] [--requests N] [--seconds S]
//                 [--start N] [--records-per-request K] [--timeout S] [--show-errors N]
//
// Each of the N client threads owns one curl easy handle, so its connection is kept alive
// between requests (if the server allows it). A client takes the next value n of a global
// counter (starting at --start, default 0) and sends METHOD URL with BODY, where every "{n}"
// in the URL and the body becomes n and every "{c}" the client's index (0..N-1). It stops when
// --requests requests have been taken in total or --seconds have elapsed, whichever comes
// first. Latency is timed around curl_easy_perform (a reconnect, if the server closed the
// connection, counts). Prints one JSON line on stdout:
//
//   {"requests":R,"ok":O,"errors":E,"status":{"500":E1,"transport":E2},"seconds":W,
//    "requests_per_second":R/W,"ok_per_second":O/W,"records_per_second":O*K/W,
//    "p50_ms":..,"p90_ms":..,"p99_ms":..,"max_ms":..}
//
// ok counts 2xx answers; errors are everything else, by status, transport failures (no HTTP
// answer) under "transport". The percentiles are over every request, failed ones included.
// records_per_second appears with --records-per-request. The first --show-errors (default 3)
// failures are printed to stderr with the start of their body. Exit 0 when the run took
// place (whatever the answers), 64 on bad usage, 70 if curl cannot be initialised.
#include <curl/curl.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

struct Options {
    std::string method = "GET";
    std::string url;
    std::string body;
    bool has_body = false;
    std::vector<std::string> headers;
    long clients = 1;
    long long requests = 0; // 0: no limit
    double seconds = 0;     // 0: no limit
    long long start = 0;
    long records_per_request = 0;
    double timeout = 30;
    long show_errors = 3;
};

[[noreturn]] void usage(const std::string& why) {
    std::fprintf(stderr, "api_load: %s\n", why.c_str());
    std::fprintf(
        stderr, "usage: api_load --url TEMPLATE [--method M] [--body TEMPLATE | --body-file FILE]\n"
                "                [--header \"Name: value\"]... [--clients N] [--requests N]\n"
                "                [--seconds S] [--start N] [--records-per-request K]\n"
                "                [--timeout S] [--show-errors N]\n");
    std::exit(64);
}

long long to_integer(const std::string& flag, const std::string& v, long long min) {
    try {
        size_t used = 0;
        long long x = std::stoll(v, &used);
        if (used == v.size() && x >= min) return x;
    } catch (const std::exception&) {
    }
    usage(flag + " needs an integer >= " + std::to_string(min) + ", not '" + v + "'");
}

double to_seconds(const std::string& flag, const std::string& v) {
    try {
        size_t used = 0;
        double x = std::stod(v, &used);
        if (used == v.size() && x > 0) return x;
    } catch (const std::exception&) {
    }
    usage(flag + " needs a positive number of seconds, not '" + v + "'");
}

Options parse(int argc, char** argv) {
    Options o;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        if (a == "-h" || a == "--help") {
            std::printf(
                "api_load --url TEMPLATE [--method M] [--body TEMPLATE | --body-file FILE]"
                " [--header H]... [--clients N] [--requests N] [--seconds S] [--start N]"
                " [--records-per-request K] [--timeout S] [--show-errors N]\n"
                "{n} = global request counter, {c} = client index; see bench/api_load.cpp\n");
            std::exit(0);
        }
        if (i + 1 >= argc) usage(a + " needs a value");
        std::string v = argv[++i];
        if (a == "--url") {
            o.url = v;
        } else if (a == "--method") {
            o.method = v;
        } else if (a == "--body") {
            o.body = v;
            o.has_body = true;
        } else if (a == "--body-file") {
            std::ifstream in(v, std::ios::binary);
            if (!in) usage("cannot read " + v);
            std::ostringstream s;
            s << in.rdbuf();
            o.body = s.str();
            o.has_body = true;
        } else if (a == "--header") {
            o.headers.push_back(v);
        } else if (a == "--clients") {
            o.clients = long(to_integer(a, v, 1));
        } else if (a == "--requests") {
            o.requests = to_integer(a, v, 1);
        } else if (a == "--seconds") {
            o.seconds = to_seconds(a, v);
        } else if (a == "--start") {
            o.start = to_integer(a, v, 0);
        } else if (a == "--records-per-request") {
            o.records_per_request = long(to_integer(a, v, 1));
        } else if (a == "--timeout") {
            o.timeout = to_seconds(a, v);
        } else if (a == "--show-errors") {
            o.show_errors = long(to_integer(a, v, 0));
        } else {
            usage("unknown option " + a);
        }
    }
    if (o.url.empty()) usage("--url is required");
    if (o.requests == 0 && o.seconds == 0) usage("give --requests, --seconds or both");
    return o;
}

// A template cut at its placeholders, so each request is built by appending pieces.
class Template {
public:
    explicit Template(const std::string& text) {
        std::string lit;
        for (size_t i = 0; i < text.size();) {
            if (text.compare(i, 3, "{n}") == 0 || text.compare(i, 3, "{c}") == 0) {
                parts_.push_back({lit, text[i + 1]});
                lit.clear();
                i += 3;
            } else {
                lit += text[i++];
            }
        }
        parts_.push_back({lit, 0});
    }
    void expand(std::string& out, long long n, long c) const {
        out.clear();
        for (const auto& p : parts_) {
            out += p.literal;
            if (p.slot == 'n') out += std::to_string(n);
            if (p.slot == 'c') out += std::to_string(c);
        }
    }

private:
    struct Part {
        std::string literal;
        char slot; // 'n', 'c' or 0 after the last literal
    };
    std::vector<Part> parts_;
};

size_t collect(char* p, size_t size, size_t n, void* out) {
    auto* s = static_cast<std::string*>(out);
    if (s->size() < 4096) s->append(p, std::min(size * n, 4096 - s->size()));
    return size * n;
}

struct ClientResult {
    std::vector<double> latency_ms;
    std::map<std::string, long long> errors; // "500", "transport"
    long long ok = 0;
};

struct Shared {
    const Options& o;
    Template url, body;
    std::atomic<long long> next;
    Clock::time_point deadline;
    std::atomic<long> errors_shown{0};
    std::mutex err_mutex;
};

void run_client(Shared& s, long index, ClientResult& r) {
    using CurlPtr = std::unique_ptr<CURL, decltype(&curl_easy_cleanup)>;
    using ListPtr = std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)>;
    CurlPtr h(curl_easy_init(), curl_easy_cleanup);
    if (!h) {
        std::lock_guard lock(s.err_mutex);
        std::fprintf(stderr, "api_load: client %ld: curl_easy_init failed\n", index);
        r.errors["transport"]++;
        return;
    }
    ListPtr headers(nullptr, curl_slist_free_all);
    auto add_header = [&headers](const std::string& line) {
        // curl_slist_append returns the head of the list, or null (the list unchanged).
        if (curl_slist* l = curl_slist_append(headers.get(), line.c_str())) {
            (void)headers.release();
            headers.reset(l);
        }
    };
    for (const auto& hv : s.o.headers) add_header(hv);
    add_header("Expect:"); // no 100-continue round trip on large bodies
    std::string url, body, answer;
    curl_easy_setopt(h.get(), CURLOPT_CUSTOMREQUEST, s.o.method.c_str());
    curl_easy_setopt(h.get(), CURLOPT_HTTPHEADER, headers.get());
    curl_easy_setopt(h.get(), CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(h.get(), CURLOPT_WRITEDATA, &answer);
    curl_easy_setopt(h.get(), CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h.get(), CURLOPT_TCP_NODELAY, 1L);
    curl_easy_setopt(h.get(), CURLOPT_TIMEOUT_MS, long(s.o.timeout * 1000));
    if (s.o.method == "HEAD") curl_easy_setopt(h.get(), CURLOPT_NOBODY, 1L);
    r.latency_ms.reserve(4096);
    for (;;) {
        if (s.o.seconds > 0 && Clock::now() >= s.deadline) break;
        long long n = s.next.fetch_add(1);
        if (s.o.requests > 0 && n - s.o.start >= s.o.requests) break;
        s.url.expand(url, n, index);
        curl_easy_setopt(h.get(), CURLOPT_URL, url.c_str());
        if (s.o.has_body) {
            s.body.expand(body, n, index);
            curl_easy_setopt(h.get(), CURLOPT_POSTFIELDS, body.data());
            curl_easy_setopt(h.get(), CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.size()));
        }
        answer.clear();
        auto t0 = Clock::now();
        CURLcode rc = curl_easy_perform(h.get());
        auto t1 = Clock::now();
        r.latency_ms.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
        long code = 0;
        if (rc == CURLE_OK) curl_easy_getinfo(h.get(), CURLINFO_RESPONSE_CODE, &code);
        if (rc == CURLE_OK && code >= 200 && code < 300) {
            ++r.ok;
            continue;
        }
        std::string key = rc == CURLE_OK ? std::to_string(code) : "transport";
        r.errors[key]++;
        if (s.errors_shown.fetch_add(1) < s.o.show_errors) {
            std::lock_guard lock(s.err_mutex);
            if (rc == CURLE_OK) {
                std::replace(answer.begin(), answer.end(), '\n', ' '); // one line per error
                std::fprintf(stderr, "api_load: %s %s: %ld: %.300s\n", s.o.method.c_str(),
                             url.c_str(), code, answer.c_str());
            } else {
                std::fprintf(stderr, "api_load: %s %s: %s\n", s.o.method.c_str(), url.c_str(),
                             curl_easy_strerror(rc));
            }
        }
    }
}

double percentile(const std::vector<double>& sorted, double p) {
    if (sorted.empty()) return 0;
    size_t i = size_t(p * double(sorted.size() - 1) + 0.5);
    return sorted[std::min(i, sorted.size() - 1)];
}

} // namespace

int main(int argc, char** argv) {
    Options o = parse(argc, argv);
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        std::fprintf(stderr, "api_load: curl_global_init failed\n");
        return 70;
    }
    Shared s{o, Template(o.url), Template(o.body), {o.start}, {}, {}, {}};
    std::vector<ClientResult> results(size_t(o.clients));
    std::vector<std::thread> threads;
    auto t0 = Clock::now();
    s.deadline =
        t0 + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(o.seconds));
    for (long c = 0; c < o.clients; ++c) {
        threads.emplace_back(run_client, std::ref(s), c, std::ref(results[size_t(c)]));
    }
    for (auto& t : threads) t.join();
    double wall = std::chrono::duration<double>(Clock::now() - t0).count();
    curl_global_cleanup();

    std::vector<double> lat;
    std::map<std::string, long long> errors;
    long long ok = 0;
    for (const auto& r : results) {
        lat.insert(lat.end(), r.latency_ms.begin(), r.latency_ms.end());
        for (const auto& [k, v] : r.errors) errors[k] += v;
        ok += r.ok;
    }
    std::sort(lat.begin(), lat.end());
    long long total = static_cast<long long>(lat.size());
    long long failed = total - ok;
    std::string status;
    for (const auto& [k, v] : errors) {
        status += (status.empty() ? "\"" : ",\"") + k + "\":" + std::to_string(v);
    }
    std::printf("{\"requests\":%lld,\"ok\":%lld,\"errors\":%lld,\"status\":{%s},\"seconds\":%.3f,"
                "\"requests_per_second\":%.1f,\"ok_per_second\":%.1f,",
                total, ok, failed, status.c_str(), wall, double(total) / wall, double(ok) / wall);
    if (o.records_per_request > 0) {
        std::printf("\"records_per_second\":%.1f,",
                    double(ok) * double(o.records_per_request) / wall);
    }
    std::printf("\"p50_ms\":%.3f,\"p90_ms\":%.3f,\"p99_ms\":%.3f,\"max_ms\":%.3f}\n",
                percentile(lat, 0.50), percentile(lat, 0.90), percentile(lat, 0.99),
                lat.empty() ? 0.0 : lat.back());
    return 0;
}
