// SPDX-License-Identifier: MIT
// libcurl multi loop: concurrent attempts, retries with exponential backoff, per-request results.
#include "http/client.hpp"

#include "error.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <mutex>

namespace endpointdns::http {

namespace {

using Clock = std::chrono::steady_clock;

struct MultiDeleter {
    void operator()(CURLM* m) const { curl_multi_cleanup(m); }
};
struct EasyDeleter {
    void operator()(CURL* e) const { curl_easy_cleanup(e); }
};
struct SlistDeleter {
    void operator()(curl_slist* s) const { curl_slist_free_all(s); }
};
using MultiPtr = std::unique_ptr<CURLM, MultiDeleter>;
using EasyPtr = std::unique_ptr<CURL, EasyDeleter>;
using SlistPtr = std::unique_ptr<curl_slist, SlistDeleter>;

void global_init() {
    static std::once_flag once;
    static CURLcode rc = CURLE_OK;
    std::call_once(once, [] { rc = curl_global_init(CURL_GLOBAL_DEFAULT); });
    if (rc != CURLE_OK)
        throw Error(ex_software,
                    std::string("cannot initialise libcurl: ") + curl_easy_strerror(rc));
}

// One request of a batch, across its attempts.
struct Transfer {
    const ClientRequest* req = nullptr;
    ClientResult* result = nullptr;
    EasyPtr easy;
    SlistPtr header_list;
    Clock::time_point start_at;
    bool active = false;
    bool done = false;
    bool too_large = false;
    size_t max_response = 0;
    char errbuf[CURL_ERROR_SIZE] = {};
};

size_t on_body(char* data, size_t size, size_t n, void* cls) {
    auto* t = static_cast<Transfer*>(cls);
    size_t len = size * n;
    if (t->result->body.size() + len > t->max_response) {
        t->too_large = true;
        return 0; // makes the attempt fail with CURLE_WRITE_ERROR
    }
    t->result->body.append(data, len);
    return len;
}

size_t on_header(char* data, size_t size, size_t n, void* cls) {
    auto* t = static_cast<Transfer*>(cls);
    size_t len = size * n;
    std::string_view line(data, len);
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
    if (line.starts_with("HTTP/")) { // a new answer (after 100 Continue): forget the old fields
        t->result->headers.clear();
        return len;
    }
    size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) return len;
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t'))
        value.remove_prefix(1);
    while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
    t->result->headers.add(std::string(line.substr(0, colon)), std::string(value));
    return len;
}

long millis(double seconds) {
    if (!(seconds > 0)) return 0; // 0 means no limit to libcurl
    return std::max(1L, std::lround(std::min(seconds, 1e6) * 1000));
}

} // namespace

bool retryable_curl_code(int code) {
    switch (code) {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_CONNECT:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
        return true;
    default:
        return false;
    }
}

struct Client::Impl {
    ClientOptions options;
    MultiPtr multi;

    void setup(Transfer& t) {
        const ClientRequest& r = *t.req;
        t.easy.reset(curl_easy_init());
        if (!t.easy) throw Error(ex_software, "cannot create a libcurl handle");
        CURL* e = t.easy.get();
        curl_easy_setopt(e, CURLOPT_URL, r.url.c_str());
        curl_easy_setopt(e, CURLOPT_PRIVATE, &t);
        curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(e, CURLOPT_ERRORBUFFER, t.errbuf);
        curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
        curl_easy_setopt(e, CURLOPT_PATH_AS_IS, 1L);
        curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, millis(r.timeout));
        curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, millis(r.connect_timeout));
        curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
        curl_easy_setopt(e, CURLOPT_WRITEDATA, &t);
        curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
        curl_easy_setopt(e, CURLOPT_HEADERDATA, &t);
        curl_easy_setopt(e, CURLOPT_USERAGENT, options.user_agent.c_str());
        if (!options.use_proxy) curl_easy_setopt(e, CURLOPT_PROXY, "");
        if (r.method == "GET") {
            curl_easy_setopt(e, CURLOPT_HTTPGET, 1L);
        } else if (r.method == "HEAD") {
            curl_easy_setopt(e, CURLOPT_NOBODY, 1L);
        } else {
            curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, r.method.c_str());
            if (!r.body.empty() || r.method == "POST" || r.method == "PUT" || r.method == "PATCH") {
                curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(r.body.size()));
                curl_easy_setopt(e, CURLOPT_POSTFIELDS, r.body.data());
            }
        }
        for (const auto& [k, v] : r.headers.fields()) {
            // "Name:" with nothing after it removes the field curl would add by itself.
            std::string line = k;
            line += v.empty() ? ":" : ": ";
            line += v;
            curl_slist* grown = curl_slist_append(t.header_list.get(), line.c_str());
            if (!grown) throw Error(ex_software, "out of memory building request headers");
            if (!t.header_list) t.header_list.reset(grown);
        }
        if (t.header_list) curl_easy_setopt(e, CURLOPT_HTTPHEADER, t.header_list.get());
    }

    void begin_attempt(Transfer& t) {
        t.result->body.clear();
        t.result->headers.clear();
        t.result->status = 0;
        t.result->error.clear();
        t.result->curl_code = 0;
        t.result->timed_out = false;
        t.too_large = false;
        t.errbuf[0] = '\0';
        ++t.result->attempts;
        CURLMcode mc = curl_multi_add_handle(multi.get(), t.easy.get());
        if (mc != CURLM_OK)
            throw Error(ex_software,
                        std::string("cannot start a transfer: ") + curl_multi_strerror(mc));
        t.active = true;
    }

    // Records the outcome of an attempt; schedules the next one when it is worth retrying.
    void end_attempt(Transfer& t, CURLcode code, Clock::time_point t0) {
        curl_multi_remove_handle(multi.get(), t.easy.get());
        t.active = false;
        ClientResult& res = *t.result;
        auto now = Clock::now();
        res.elapsed = std::chrono::duration<double>(now - t0).count();
        res.curl_code = int(code);
        if (code == CURLE_OK) {
            long status = 0;
            curl_easy_getinfo(t.easy.get(), CURLINFO_RESPONSE_CODE, &status);
            res.status = status;
        } else {
            res.status = 0;
            res.body.clear();
            res.headers.clear();
            res.timed_out = code == CURLE_OPERATION_TIMEDOUT;
            if (t.too_large)
                res.error = "answer larger than " + std::to_string(t.max_response) + " octets";
            else
                res.error = t.errbuf[0] ? t.errbuf : curl_easy_strerror(code);
        }
        bool again = code == CURLE_OK ? res.status >= 500 && res.status <= 599
                                      : !t.too_large && retryable_curl_code(code);
        if (again && res.attempts <= t.req->retries) {
            double wait = t.req->backoff * std::pow(2.0, res.attempts - 1);
            wait = std::clamp(wait, 0.0, std::max(0.0, t.req->max_backoff));
            t.start_at = now + std::chrono::duration_cast<Clock::duration>(
                                   std::chrono::duration<double>(wait));
            return;
        }
        t.done = true;
    }
};

Client::Client(ClientOptions options) : impl_(std::make_unique<Impl>()) {
    global_init();
    impl_->options = std::move(options);
    if (impl_->options.user_agent.empty())
        impl_->options.user_agent = std::string("endpointdns/") + ENDPOINTDNS_VERSION;
    impl_->multi.reset(curl_multi_init());
    if (!impl_->multi) throw Error(ex_software, "cannot create a libcurl multi handle");
    curl_multi_setopt(impl_->multi.get(), CURLMOPT_MAX_TOTAL_CONNECTIONS,
                      long(impl_->options.max_parallel));
}

Client::~Client() = default;

std::vector<ClientResult> Client::run(const std::vector<ClientRequest>& batch) {
    std::vector<ClientResult> results(batch.size());
    std::vector<Transfer> transfers(batch.size());
    const auto t0 = Clock::now();
    for (size_t i = 0; i < batch.size(); ++i) {
        Transfer& t = transfers[i];
        t.req = &batch[i];
        t.result = &results[i];
        t.start_at = t0;
        t.max_response = impl_->options.max_response;
        impl_->setup(t);
    }
    // Handles still in the multi handle when leaving (an exception) are removed first.
    struct Detach {
        Impl& impl;
        std::vector<Transfer>& ts;
        ~Detach() {
            for (auto& t : ts)
                if (t.active) curl_multi_remove_handle(impl.multi.get(), t.easy.get());
        }
    } detach{*impl_, transfers};

    CURLM* m = impl_->multi.get();
    for (;;) {
        auto now = Clock::now();
        bool waiting = false;
        auto next = now + std::chrono::seconds(1);
        for (auto& t : transfers) {
            if (t.done || t.active) continue;
            if (t.start_at <= now)
                impl_->begin_attempt(t);
            else {
                waiting = true;
                next = std::min(next, t.start_at);
            }
        }
        int running = 0;
        CURLMcode mc = curl_multi_perform(m, &running);
        if (mc != CURLM_OK)
            throw Error(ex_software, std::string("libcurl: ") + curl_multi_strerror(mc));
        int queued = 0;
        while (CURLMsg* msg = curl_multi_info_read(m, &queued)) {
            if (msg->msg != CURLMSG_DONE) continue;
            Transfer* t = nullptr;
            curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, &t);
            if (t) impl_->end_attempt(*t, msg->data.result, t0);
        }
        bool all_done = std::all_of(transfers.begin(), transfers.end(),
                                    [](const Transfer& t) { return t.done; });
        if (all_done) break;
        bool any_active = std::any_of(transfers.begin(), transfers.end(),
                                      [](const Transfer& t) { return t.active; });
        if (!any_active && !waiting) continue; // a retry is due now
        long wait_ms = 1000;
        if (waiting) {
            auto d = std::chrono::duration_cast<std::chrono::milliseconds>(next - Clock::now());
            wait_ms = std::clamp(long(d.count()), 0L, 1000L);
        }
        mc = curl_multi_poll(m, nullptr, 0, int(wait_ms), nullptr);
        if (mc != CURLM_OK)
            throw Error(ex_software, std::string("libcurl: ") + curl_multi_strerror(mc));
    }
    return results;
}

} // namespace endpointdns::http
