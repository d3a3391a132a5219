// SPDX-License-Identifier: MIT
// libmicrohttpd glue: socket binding, body accumulation with a size limit, handler dispatch.
#include "http/server.hpp"

#include "error.hpp"

#include <microhttpd.h>
#include <nlohmann/json.hpp>

#include <arpa/inet.h>
#include <cerrno>
#include <charconv>
#include <condition_variable>
#include <cstdarg>
#include <cstring>
#include <deque>
#include <map>
#include <mutex>
#include <netinet/in.h>
#include <optional>
#include <thread>
#include <unistd.h>

namespace endpointdns::http {

// ---- addresses ------------------------------------------------------------------------------

uint16_t Address::port() const {
    if (family() == AF_INET) return ntohs(reinterpret_cast<const sockaddr_in&>(storage).sin_port);
    if (family() == AF_INET6)
        return ntohs(reinterpret_cast<const sockaddr_in6&>(storage).sin6_port);
    return 0;
}

std::string Address::to_string() const {
    char buf[INET6_ADDRSTRLEN] = {};
    if (family() == AF_INET) {
        ::inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in&>(storage).sin_addr, buf,
                    sizeof buf);
        return std::string(buf) + ":" + std::to_string(port());
    }
    if (family() == AF_INET6) {
        ::inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6&>(storage).sin6_addr, buf,
                    sizeof buf);
        return "[" + std::string(buf) + "]:" + std::to_string(port());
    }
    return "?";
}

Result<Address> parse_address(std::string_view text) {
    std::string_view host, port;
    bool v6 = false;
    if (!text.empty() && text.front() == '[') {
        size_t close = text.find(']');
        if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':')
            return fail("'" + std::string(text) + "' is not [IPv6-ADDRESS]:PORT");
        host = text.substr(1, close - 1);
        port = text.substr(close + 2);
        v6 = true;
    } else {
        size_t colon = text.rfind(':');
        if (colon == std::string_view::npos)
            return fail("'" + std::string(text) + "' has no port (ADDRESS:PORT)");
        host = text.substr(0, colon);
        port = text.substr(colon + 1);
        if (host.find(':') != std::string_view::npos)
            return fail("'" + std::string(text) + "': write IPv6 addresses as [ADDRESS]:PORT");
    }
    unsigned value = 0;
    auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (port.empty() || ec != std::errc() || end != port.data() + port.size() || value > 65535)
        return fail("'" + std::string(text) + "': port must be a number from 0 to 65535");
    Address a;
    std::string h(host);
    if (v6) {
        auto& sa = reinterpret_cast<sockaddr_in6&>(a.storage);
        if (::inet_pton(AF_INET6, h.c_str(), &sa.sin6_addr) != 1)
            return fail("'" + std::string(text) + "': '" + h + "' is not an IPv6 address");
        sa.sin6_family = AF_INET6;
        sa.sin6_port = htons(uint16_t(value));
        a.length = sizeof(sockaddr_in6);
    } else {
        auto& sa = reinterpret_cast<sockaddr_in&>(a.storage);
        if (::inet_pton(AF_INET, h.c_str(), &sa.sin_addr) != 1)
            return fail("'" + std::string(text) + "': '" + h + "' is not an IPv4 address");
        sa.sin_family = AF_INET;
        sa.sin_port = htons(uint16_t(value));
        a.length = sizeof(sockaddr_in);
    }
    return a;
}

// ---- requests and responses -----------------------------------------------------------------

std::vector<std::string> path_segments(const Request& req) {
    const std::string& path = req.raw_path.empty() ? req.path : req.raw_path;
    std::vector<std::string> out;
    size_t at = 0;
    while (at <= path.size()) {
        size_t slash = path.find('/', at);
        if (slash == std::string::npos) slash = path.size();
        if (slash > at) {
            std::string seg = path.substr(at, slash - at);
            if (!req.raw_path.empty())
                seg.resize(MHD_http_unescape(seg.data())); // in place, never longer
            if (!seg.empty()) out.push_back(std::move(seg));
        }
        at = slash + 1;
    }
    return out;
}

const std::string* Request::arg(std::string_view name) const {
    for (const auto& [k, v] : args)
        if (k == name) return &v;
    return nullptr;
}

Response Response::error(int status_code, std::string_view message) {
    nlohmann::json j = {{"error", std::string(message)}};
    return Response(status_code,
                    j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n");
}

bool constant_time_equal(std::string_view a, std::string_view b) {
    // Every octet of a is visited whatever b holds; the only branch depends on the lengths.
    volatile unsigned char diff = a.size() == b.size() ? 0 : 1;
    for (size_t i = 0; i < a.size(); ++i) {
        unsigned char y = i < b.size() ? static_cast<unsigned char>(b[i]) : 0;
        diff = diff | (static_cast<unsigned char>(a[i]) ^ y);
    }
    return diff == 0;
}

bool bearer_matches(std::string_view header, std::string_view key) {
    if (key.empty()) return false;
    constexpr std::string_view scheme = "bearer";
    if (header.size() <= scheme.size() || !iequals(header.substr(0, scheme.size()), scheme))
        return false;
    std::string_view rest = header.substr(scheme.size());
    if (rest.front() != ' ' && rest.front() != '\t') return false;
    while (!rest.empty() && (rest.front() == ' ' || rest.front() == '\t')) rest.remove_prefix(1);
    while (!rest.empty() && (rest.back() == ' ' || rest.back() == '\t')) rest.remove_suffix(1);
    // Time depends on the key's length (fixed for a server), not on the token's content.
    return constant_time_equal(key, rest);
}

// ---- the daemon -----------------------------------------------------------------------------

// Deferred answers still pending, so that stopping can finish them: libmicrohttpd must not
// stop with suspended connections. Shared with the Controls, so it outlives the server.
struct Registry {
    std::mutex mu;
    std::map<Deferred::Control*, std::weak_ptr<Deferred::Control>> live;
    bool closed = false;
};

struct Deferred::Control {
    std::mutex mu;
    Pending* pending = nullptr;
    std::shared_ptr<Registry> registry;
    bool handler_done = false; // the worker returned from the handler
    bool ready = false;        // finish() stored the answer
};

// One request in progress: created by the URI callback, freed by the completion callback.
struct Pending {
    std::string uri; // raw request target
    std::string body;
    bool headers_seen = false;
    MHD_Connection* connection = nullptr;
    Request request;                  // complete, while a worker runs the handler
    std::optional<Response> response; // set by the worker before it resumes the connection
    std::shared_ptr<Deferred::Control> deferred; // set when the handler deferred
    std::shared_ptr<Registry> registry;
};

std::shared_ptr<Deferred> Request::defer() const {
    auto ctl = std::make_shared<Deferred::Control>();
    if (!pending_) return std::make_shared<Deferred>(ctl); // inert: ready from the start
    ctl->pending = pending_;
    ctl->registry = pending_->registry;
    {
        std::lock_guard lock(ctl->registry->mu);
        if (ctl->registry->closed) {
            ctl->pending = nullptr;
            return std::make_shared<Deferred>(ctl);
        }
        ctl->registry->live.emplace(ctl.get(), ctl);
    }
    pending_->deferred = ctl;
    return std::make_shared<Deferred>(ctl);
}

void Deferred::finish(Response response) {
    Control& c = *control_;
    bool resume = false;
    MHD_Connection* connection = nullptr;
    {
        std::lock_guard lock(c.mu);
        if (c.ready || !c.pending) return;
        c.ready = true;
        c.pending->response = std::move(response);
        resume = c.handler_done;
        connection = c.pending->connection;
    }
    {
        std::lock_guard lock(c.registry->mu);
        c.registry->live.erase(&c);
    }
    if (resume) MHD_resume_connection(connection);
}

// The handler runs on worker threads, not on libmicrohttpd's I/O threads: a complete request
// suspends its connection and is queued; a worker runs the handler, stores the answer and
// resumes the connection, whose I/O thread then sends it. A slow handler (an fsync) thus holds
// up only its own connection.
struct Server::State {
    ServerOptions options;
    Handler handler;
    std::mutex mu;
    std::condition_variable cv;
    std::deque<Pending*> queue;
    bool stopping = false; // once set, requests are answered on the I/O thread
    std::vector<std::thread> workers;
    std::shared_ptr<Registry> registry = std::make_shared<Registry>();

    Response error(int status, std::string_view message) const {
        return options.error_response ? options.error_response(status, message)
                                      : Response::error(status, message);
    }

    Response call(const Request& req) {
        try {
            return handler(req);
        } catch (const std::exception& e) {
            return error(500, std::string("internal error: ") + e.what());
        } catch (...) {
            return error(500, "internal error");
        }
    }

    void work() {
        for (;;) {
            Pending* p = nullptr;
            {
                std::unique_lock lock(mu);
                cv.wait(lock, [&] { return stopping || !queue.empty(); });
                if (queue.empty()) return;
                p = queue.front();
                queue.pop_front();
            }
            p->request.pending_ = p;
            Response r = call(p->request);
            if (auto ctl = p->deferred) {
                bool resume;
                {
                    std::lock_guard lock(ctl->mu);
                    ctl->handler_done = true;
                    resume = ctl->ready; // else finish() resumes
                }
                if (resume) MHD_resume_connection(p->connection);
            } else {
                p->response = std::move(r);
                MHD_resume_connection(p->connection);
            }
        }
    }

    // Finishes every deferred answer with 503 and refuses new ones.
    void close_deferred() {
        std::vector<std::shared_ptr<Deferred::Control>> live;
        {
            std::lock_guard lock(registry->mu);
            registry->closed = true;
            for (auto& [raw, weak] : registry->live)
                if (auto c = weak.lock()) live.push_back(std::move(c));
        }
        // A concurrent finish() by the owner may win: this one then does nothing.
        for (auto& c : live) Deferred(c).finish(error(503, "the server is shutting down"));
    }

    void stop_workers() {
        {
            std::lock_guard lock(mu);
            stopping = true;
        }
        cv.notify_all();
        for (auto& t : workers)
            if (t.joinable()) t.join();
        workers.clear();
    }
};

namespace {

void* on_uri(void*, const char* uri, MHD_Connection*) {
    auto* p = new Pending;
    if (uri) p->uri = uri;
    return p;
}

void on_completed(void*, MHD_Connection*, void** con_cls, MHD_RequestTerminationCode) {
    delete static_cast<Pending*>(*con_cls);
    *con_cls = nullptr;
}

void on_log(void* cls, const char* fmt, va_list ap) {
    auto* state = static_cast<Server::State*>(cls);
    if (!state->options.log) return;
    char buf[512];
    std::vsnprintf(buf, sizeof buf, fmt, ap);
    std::string_view line(buf);
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
    state->options.log(line);
}

MHD_Result collect_header(void* cls, MHD_ValueKind, const char* key, const char* value) {
    static_cast<Headers*>(cls)->add(key ? key : "", value ? value : "");
    return MHD_YES;
}

MHD_Result collect_arg(void* cls, MHD_ValueKind, const char* key, const char* value) {
    static_cast<std::vector<std::pair<std::string, std::string>>*>(cls)->emplace_back(
        key ? key : "", value ? value : "");
    return MHD_YES;
}

void free_body(void* cls) {
    delete static_cast<std::string*>(cls);
}

MHD_Result send(MHD_Connection* c, Response&& r) {
    auto* body = new std::string(std::move(r.body));
    MHD_Response* resp = MHD_create_response_from_buffer_with_free_callback_cls(
        body->size(), body->data(), free_body, body);
    if (!resp) {
        delete body;
        return MHD_NO;
    }
    if (!r.content_type.empty())
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, r.content_type.c_str());
    for (const auto& [k, v] : r.headers.fields())
        MHD_add_response_header(resp, k.c_str(), v.c_str());
    int status = r.status >= 100 && r.status <= 999 ? r.status : 500;
    MHD_Result ok = MHD_queue_response(c, unsigned(status), resp);
    MHD_destroy_response(resp);
    return ok;
}

std::string peer(MHD_Connection* c) {
    const MHD_ConnectionInfo* info = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    if (!info || !info->client_addr) return "";
    Address a;
    const sockaddr* sa = info->client_addr;
    size_t len = sa->sa_family == AF_INET6  ? sizeof(sockaddr_in6)
                 : sa->sa_family == AF_INET ? sizeof(sockaddr_in)
                                            : 0;
    if (len == 0) return "";
    std::memcpy(&a.storage, sa, len);
    a.length = socklen_t(len);
    return a.to_string();
}

MHD_Result on_request(void* cls, MHD_Connection* c, const char* url, const char* method,
                      const char*, const char* upload_data, size_t* upload_size, void** con_cls) {
    auto* state = static_cast<Server::State*>(cls);
    auto* p = static_cast<Pending*>(*con_cls);
    if (!p) { // the URI callback did not run (it always should): start here
        p = new Pending;
        if (url) p->uri = url;
        *con_cls = p;
    }
    if (!p->headers_seen) {
        p->headers_seen = true;
        const char* cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Length");
        if (cl) {
            unsigned long long n = 0;
            auto [end, ec] = std::from_chars(cl, cl + std::strlen(cl), n);
            if (ec == std::errc() && n > state->options.max_body)
                return send(c, state->error(413, "request body of " + std::to_string(n) +
                                                     " octets exceeds the limit of " +
                                                     std::to_string(state->options.max_body)));
            if (ec == std::errc() && *end == '\0') p->body.reserve(size_t(n));
        }
        return MHD_YES;
    }
    if (p->response) { // back from a worker
        Response r = std::move(*p->response);
        p->response.reset();
        return send(c, std::move(r));
    }
    if (*upload_size > 0) {
        if (*upload_size >
            state->options.max_body - std::min(p->body.size(), state->options.max_body))
            return MHD_NO; // chunked body past the limit: close the connection
        p->body.append(upload_data, *upload_size);
        *upload_size = 0;
        return MHD_YES;
    }

    Request& req = p->request;
    req.method = method ? method : "";
    req.path = url ? url : "";
    req.raw_path = p->uri.substr(0, p->uri.find('?'));
    if (size_t q = p->uri.find('?'); q != std::string::npos) req.query = p->uri.substr(q + 1);
    MHD_get_connection_values(c, MHD_HEADER_KIND, collect_header, &req.headers);
    MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, collect_arg, &req.args);
    req.body = std::move(p->body);
    req.remote = peer(c);
    p->registry = state->registry;
    {
        std::lock_guard lock(state->mu);
        if (!state->stopping) {
            p->connection = c;
            MHD_suspend_connection(c); // before a worker can take it and resume it
            state->queue.push_back(p);
            state->cv.notify_one();
            return MHD_YES;
        }
    }
    return send(c, state->call(req));
}

} // namespace

Server::Server(ServerOptions options, Handler handler) : state_(std::make_unique<State>()) {
    state_->options = std::move(options);
    state_->handler = std::move(handler);
    const ServerOptions& o = state_->options;
    auto addr = parse_address(o.listen);
    if (!addr) throw Error(ex_usage, "bad listen address " + addr.error());

    int fd = ::socket(addr->family(), SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        throw Error(ex_unavailable,
                    "cannot create a socket for " + o.listen + ": " + std::strerror(errno));
    auto fail_fd = [&](const std::string& what) {
        int e = errno;
        ::close(fd);
        throw Error(ex_unavailable, what + " " + o.listen + ": " + std::strerror(e));
    };
    int one = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (addr->family() == AF_INET6) ::setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
    if (::bind(fd, reinterpret_cast<const sockaddr*>(&addr->storage), addr->length) != 0)
        fail_fd("cannot bind");
    if (::listen(fd, 128) != 0) fail_fd("cannot listen on");
    bound_.length = sizeof bound_.storage;
    if (::getsockname(fd, reinterpret_cast<sockaddr*>(&bound_.storage), &bound_.length) != 0)
        fail_fd("cannot read the address of");

    unsigned flags =
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC | MHD_ALLOW_SUSPEND_RESUME;
    if (addr->family() == AF_INET6) flags |= MHD_USE_IPv6;
    if (o.log) flags |= MHD_USE_ERROR_LOG;
    unsigned threads = o.threads == 0 ? 1 : o.threads;
    // One thread is libmicrohttpd's own polling thread; a "pool" of one only earns a warning.
    MHD_OptionItem pool[] = {
        {threads > 1 ? MHD_OPTION_THREAD_POOL_SIZE : MHD_OPTION_END, intptr_t(threads), nullptr},
        {MHD_OPTION_END, 0, nullptr}};
    // The logger comes first, or libmicrohttpd complains about it (through its own logger).
    daemon_ = MHD_start_daemon(flags, 0, nullptr, nullptr, on_request, state_.get(),              //
                               MHD_OPTION_EXTERNAL_LOGGER, on_log, state_.get(),                  //
                               MHD_OPTION_LISTEN_SOCKET, MHD_socket(fd),                          //
                               MHD_OPTION_ARRAY, pool,                                            //
                               MHD_OPTION_CONNECTION_LIMIT, std::max(o.max_connections, threads), //
                               MHD_OPTION_PER_IP_CONNECTION_LIMIT, o.max_connections_per_ip,      //
                               MHD_OPTION_CONNECTION_TIMEOUT, o.timeout_seconds,                  //
                               MHD_OPTION_URI_LOG_CALLBACK, on_uri, nullptr,                      //
                               MHD_OPTION_NOTIFY_COMPLETED, on_completed, nullptr,                //
                               MHD_OPTION_END);
    if (!daemon_) {
        ::close(fd);
        throw Error(ex_unavailable, "cannot start the HTTP server on " + o.listen);
    }
    unsigned workers = o.workers == 0 ? 1 : o.workers;
    for (unsigned i = 0; i < workers; ++i)
        state_->workers.emplace_back([s = state_.get()] { s->work(); });
}

void Server::stop() {
    if (!daemon_) return;
    // Queued requests are answered first: libmicrohttpd must not stop with suspended connections.
    state_->stop_workers();
    state_->close_deferred();
    MHD_stop_daemon(daemon_); // closes the listening socket too
    daemon_ = nullptr;
}

Server::~Server() {
    stop();
}

} // namespace endpointdns::http
