// SPDX-License-Identifier: MIT
// Embedded HTTP/1.1 server over libmicrohttpd: a thread pool calls one handler per complete
// request.
#pragma once

#include "dns/result.hpp"
#include "http/headers.hpp"

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <sys/socket.h>
#include <vector>

struct MHD_Daemon;

namespace endpointdns::http {

// A numeric socket address: "192.0.2.1:8053" or "[2001:db8::1]:8053". Port 0 is allowed (the
// kernel picks one). Host names are not resolved.
struct Address {
    sockaddr_storage storage{};
    socklen_t length = 0;
    int family() const { return storage.ss_family; }
    uint16_t port() const;
    std::string to_string() const; // the same notation as parse_address accepts
};
Result<Address> parse_address(std::string_view text);

class Deferred;
struct Pending;

struct Request {
    std::string method;   // "GET", "PUT", ... as sent
    std::string path;     // percent-decoded path, without the query ("/v1/zones/example.com")
    std::string raw_path; // the path as sent, not decoded ("/v1/zones/0%2F26.example.com")
    std::string query;    // the raw query string after '?', not decoded ("" when none)
    std::vector<std::pair<std::string, std::string>> args; // decoded query arguments, in order
    Headers headers;
    std::string body;   // the whole body (at most ServerOptions::max_body octets)
    std::string remote; // the peer's address, "ADDR:PORT" as in parse_address

    // The first query argument of that name, or nullptr (a key without '=' has value "").
    const std::string* arg(std::string_view name) const;

    // Long polling: the handler calls defer() to answer later, from any thread, through the
    // handle's finish(). The handler's own return value is then discarded and no worker thread
    // is held while the connection waits. When the server cannot defer (it is stopping) the
    // handle is inert and the handler's return value is sent, so a handler that defers returns
    // a sensible answer too (503). A deferred answer still pending when the server stops is
    // finished with 503.
    std::shared_ptr<Deferred> defer() const;

    Pending* pending_ = nullptr; // set by the server; null when deferring is impossible
};

// The path's segments, each percent-decoded on its own (empty segments skipped), so that an
// encoded "/" (%2F) stays inside its segment: "/v1/a/0%2F26/CNAME" is v1, a, 0/26, CNAME.
std::vector<std::string> path_segments(const Request& req);

struct Response {
    int status = 200;
    std::string content_type = "application/json";
    Headers headers; // extra header fields; Content-Type comes from content_type
    std::string body;

    Response() = default;
    Response(int status_code, std::string body_text, std::string type = "application/json")
        : status(status_code), content_type(std::move(type)), body(std::move(body_text)) {}
    // {"error":"<message>"} with that status, the error shape of docs/management-api.md.
    static Response error(int status_code, std::string_view message);
};

// A deferred answer (Request::defer). Thread-safe; the first finish() wins, later ones and
// those after the server stopped do nothing.
class Deferred {
public:
    struct Control;
    explicit Deferred(std::shared_ptr<Control> control) : control_(std::move(control)) {}
    void finish(Response response);

private:
    std::shared_ptr<Control> control_;
};

struct ServerOptions {
    std::string listen = "127.0.0.1:8053"; // see parse_address
    unsigned threads = 2;                  // I/O threads, each with its own epoll set
    unsigned workers = 4;                  // threads that run the handler
    size_t max_body = 64u << 20;           // larger bodies get 413
    unsigned max_connections = 256;        // beyond this, new connections are closed at once
    unsigned max_connections_per_ip = 0;   // 0: no per-address limit
    unsigned timeout_seconds = 30;         // an idle or stalled connection is closed after this
    // Receives libmicrohttpd's own error messages (one line each); none are printed without it.
    std::function<void(std::string_view)> log;
    // Shapes the answers the server makes itself (413 for a body too large, 500 when the handler
    // throws); Response::error when unset.
    std::function<Response(int status, std::string_view message)> error_response;
};

// Runs a libmicrohttpd daemon with its own threads from construction to destruction (or stop()):
// `threads` I/O threads (epoll) read requests and write answers; `workers` threads call the
// handler, concurrently, once per request, after the whole body has arrived, so a slow handler
// holds up only its own connection. An exception the handler throws becomes a 500 answer.
//
// Bodies: a Content-Length above max_body is answered 413 before the body is read (and the
// connection closed); a chunked body that grows past max_body closes the connection without
// an answer, since HTTP/1.1 gives no way to answer in the middle of a request body.
class Server {
public:
    using Handler = std::function<Response(const Request&)>;

    // Binds and starts listening. Throws Error(ex_usage) for an address parse_address refuses,
    // Error(ex_unavailable) when the socket cannot be bound or the daemon cannot start.
    Server(ServerOptions options, Handler handler);
    ~Server();
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    // The address actually bound (with the port the kernel chose when 0 was asked for).
    const Address& address() const { return bound_; }
    uint16_t port() const { return bound_.port(); }
    // Stops accepting, closes every connection and joins the threads; idempotent.
    void stop();

    struct State; // per-server data reachable from the C callbacks

private:
    std::unique_ptr<State> state_;
    Address bound_;
    MHD_Daemon* daemon_ = nullptr;
};

// Compares a and b in time that depends only on their lengths, never on where they differ.
bool constant_time_equal(std::string_view a, std::string_view b);

// True when authorization_header is "Bearer <token>" (scheme case-insensitive, RFC 6750) and
// the token equals key, compared in constant time. An empty key never matches.
bool bearer_matches(std::string_view authorization_header, std::string_view key);

} // namespace endpointdns::http
