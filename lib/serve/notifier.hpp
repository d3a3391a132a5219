// SPDX-License-Identifier: MIT
// NOTIFY out (RFC 1996): tells configured secondaries over UDP when a zone's serial changes.
#pragma once

#include "dns/tsig.hpp"
#include "serve/snapshot.hpp"

#include <sys/socket.h>

#include <atomic>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace endpointdns::serve {

// The secondaries of one zone ([[transfer.zone]] notify), in place of the global ones.
struct ZoneNotify {
    Name zone;
    std::vector<std::string> targets;  // as NotifyOptions::targets; empty: nobody is told
    std::optional<dns::tsig::Key> key; // signs this zone's NOTIFY when set
};

struct NotifyOptions {
    std::vector<std::string> targets;  // "ADDR:PORT" or "ADDR" (port 53), IPv6 in brackets
    std::optional<dns::tsig::Key> key; // signs every NOTIFY when set
    std::vector<ZoneNotify> zones;     // zones with their own targets and key
    unsigned attempts = 5;             // sends per zone change and target, then give up
    unsigned first_timeout_ms = 1000;  // doubled after each unanswered send
    unsigned poll_ms = 50;             // how often the zone set's generation is checked
};

// A resolved NOTIFY target.
struct NotifyTarget {
    sockaddr_storage addr{};
    socklen_t len = 0;
    std::string text;
};
// Parses "192.0.2.1:53", "[2001:db8::1]:5353", "192.0.2.1"; a failure names the problem.
Result<NotifyTarget> parse_notify_target(const std::string& text);

// NOTIFY answers read from a socket per round of the notifier's loop: a flood of datagrams (spoofed
// answers) cannot keep it from sending and from seeing zone changes.
constexpr size_t notify_answers_per_round = 64;

// Reads at most `max` datagrams from the non-blocking socket `fd` (its address family), calling
// `on(message, length, from)` for each. Returns how many it read: fewer than `max` when the
// socket had no more.
size_t
read_datagrams(int fd, size_t max,
               const std::function<void(const uint8_t*, size_t, const sockaddr_storage&)>& on);

// True when `msg`, received from `from`, answers the NOTIFY of `origin` with message id `id` sent
// to `target`: a response with opcode NOTIFY and that id, from the target's address and port,
// with the zone as its one question. When the NOTIFY was signed (`key`, whose MAC was
// `request_mac`), the answer must carry a TSIG that verifies (RFC 8945 5.3); an unsigned one
// (a TSIG error included) is ignored like a spoofed one, and the NOTIFY is sent again.
bool notify_answer_matches(const uint8_t* msg, size_t len, const sockaddr_storage& from,
                           const NotifyTarget& target, uint16_t id, const Name& origin,
                           const dns::tsig::Key* key, const std::string& request_mac);

// Watches the published zone set from its own thread (never from the DNS workers): every zone
// whose serial changed, or that is new, is announced to every target. Zones are published only
// after they are durable (Store), so a secondary that asks at once finds the new version.
// A target that does not answer is retried with a doubling timeout, `attempts` times.
class Notifier {
public:
    using Log = std::function<void(int priority, const std::string& message)>;
    // Throws Error(ex_config) for a target that cannot be parsed.
    Notifier(const Published& zones, NotifyOptions opts, Log log);
    ~Notifier(); // stops
    void start();
    void stop();
    uint64_t sent() const { return sent_.load(); }
    uint64_t answered() const { return answered_.load(); }
    uint64_t failed() const { return failed_.load(); }
    // Prometheus text: dns_notify_sent_total, dns_notify_answered_total, dns_notify_failed_total
    // (NOTIFY messages sent, answered, and changes given up after every attempt).
    std::string render_prometheus() const;

private:
    void run();
    const Published& zones_;
    NotifyOptions opts_;
    Log log_;
    std::vector<NotifyTarget> targets_; // every target, global and per zone
    // Per zone: its targets (indexes into targets_) and key; every other zone: the global.
    struct Route {
        std::vector<size_t> targets;
        const std::optional<dns::tsig::Key>* key = nullptr;
    };
    Route global_;
    std::map<std::string, Route> zone_routes_; // by lowercase origin
    const Route& route(const ServeZone& z) const;
    std::mutex mu_;
    std::condition_variable cv_;
    bool stopping_ = false;
    std::thread thread_;
    // The zone set as start() found it: taken there, not in the thread, so that a change
    // published right after start() returns is announced however late the thread runs.
    std::map<std::string, uint32_t> known_;
    uint64_t start_generation_ = 0;
    std::atomic<uint64_t> sent_{0}, answered_{0}, failed_{0};
};

} // namespace endpointdns::serve
