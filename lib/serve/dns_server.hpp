// SPDX-License-Identifier: MIT
// The DNS network layer of dns-serve: UDP and TCP workers around Responder::answer, and metrics.
#pragma once

#include "serve/responder.hpp"
#include "serve/snapshot.hpp"
#include "serve/xfr.hpp"

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <sys/socket.h>
#include <thread>
#include <vector>

namespace endpointdns::serve {

// Zone transfers (AXFR, IXFR) sent at once, by all workers together. A transfer asked for beyond
// it is answered SERVFAIL (a temporary failure: the secondary retries later; BIND answers so at
// its transfers-out limit), so that slow or stalled secondaries cannot take the workers' time
// from the TCP queries. Only transfers that send the zone's data count (Transfer::streams):
// errors (REFUSED, NOTAUTH, FORMERR) and the SOA alone to a current IXFR client are one message
// sent at once, so clients the ACL refuses cannot take slots.
constexpr unsigned max_transfers = 32;
// Of those, at most this many to one client: an IPv4 address, or an IPv6 /64 (one host can use
// any address of its /64). One secondary, stalled or slow, thus leaves the others slots.
// BIND's secondaries ask for 2 at once from one primary (transfers-per-ns).
constexpr unsigned max_transfers_per_peer = 4;

// Whom the per-client limits (tcp_max_connections_per_address, max_transfers_per_peer)
// count as one client: an IPv4 address, or the /64 of
// an IPv6 address (one host usually holds a whole /64 and picks addresses in it at will). An
// IPv4-mapped IPv6 address (::ffff:192.0.2.1) counts as its IPv4 address.
struct ClientKey {
    uint64_t hi = 0; // IPv6: the first 64 bits; IPv4: 0
    uint64_t lo = 0; // IPv6: 0; IPv4: 1 << 32 | address (never 0, so never an IPv6 key)
    bool operator==(const ClientKey&) const = default;
};
ClientKey client_key(const sockaddr_storage& peer);

// The transfer slots, shared by the workers: at most max_transfers, max_transfers_per_peer per
// client. Taken and given back once per transfer (a mutex: transfers are rare).
class TransferSlots {
public:
    // Takes a slot for a transfer to `peer`; false when none is free (the global or the
    // client's limit).
    bool take(const sockaddr_storage& peer);
    // Gives back a slot that take(peer) gave.
    void give_back(const sockaddr_storage& peer);
    unsigned in_use() const;

private:
    mutable std::mutex mu_;
    unsigned total_ = 0;
    std::vector<std::pair<ClientKey, unsigned>> peers_; // clients with transfers (32 at most)
};

struct DnsServerOptions {
    // "ADDR:PORT": "192.0.2.1:53", "0.0.0.0:53", "[2001:db8::1]:53", "[::]:53". Each address
    // serves UDP and TCP on the same port. Port 0 picks a free port (the same for UDP and
    // TCP); bound() tells which.
    std::vector<std::string> listen;
    unsigned threads = 0;                 // workers; 0 = the CPUs this process may use
    ResponderOptions responder;           // udp_payload
    unsigned tcp_idle_timeout_ms = 10000; // RFC 7766 6.2.3; 0 = never time out
    unsigned tcp_max_connections = 1000;  // for the whole server; 0 = no limit
    // Open TCP connections of one client (client_key), all workers together; 0 = no limit.
    unsigned tcp_max_connections_per_address = 64;
    unsigned tcp_max_queries_per_connection = 0; // 0 = no limit
    // Zone transfers over TCP (serve/xfr.hpp); off while its allow list is empty.
    std::shared_ptr<const TransferPolicy> transfer;
};

// Transports, query types and rcodes as counted (metrics index order).
constexpr size_t metric_transports = 2; // udp, tcp
// A NS CNAME SOA PTR MX TXT AAAA SRV DS CAA ANY, then every other type.
constexpr size_t metric_qtypes = 13;
constexpr size_t metric_rcodes = 25; // 0..23, then any larger (extended) rcode
size_t metric_qtype_index(uint16_t qtype);
std::string_view metric_qtype_name(size_t index); // "A", ..., "ANY", "other"
std::string_view metric_rcode_name(size_t rcode); // "NOERROR", ..., "BADCOOKIE", "other"
std::string_view metric_transport_name(size_t t); // "udp", "tcp"

// The counters of all workers, summed.
struct ServerCounters {
    // Every message handed to the answer engine, by transport and question type (a message
    // without a readable question counts as "other").
    std::array<std::array<uint64_t, metric_qtypes>, metric_transports> queries{};
    std::array<uint64_t, metric_rcodes> responses{}; // responses sent, by rcode
    uint64_t dropped = 0;         // messages not answered (not a query, malformed header, ...)
    uint64_t truncated = 0;       // UDP responses with TC set
    uint64_t udp_send_errors = 0; // UDP responses the kernel refused to send
    uint64_t tcp_accepted = 0;    // TCP connections accepted and served
    uint64_t tcp_refused = 0;     // TCP connections closed at once: limit reached
    uint64_t tcp_refused_per_address = 0; // closed at once: the client's own limit reached
    uint64_t tcp_timed_out = 0;           // TCP connections closed after the idle timeout
    uint64_t tcp_errors = 0;              // TCP connections closed on a framing or socket error
    uint64_t tcp_open = 0;                // TCP connections open now (a gauge)
};

// Prometheus text exposition (version 0.0.4) of the counters; every line ends in "\n".
//   dns_queries_total{transport="udp|tcp",type="A|...|ANY|other"}  counter
//   dns_responses_total{rcode="NOERROR|FORMERR|...|BADCOOKIE|other"} counter (rcodes 12..15
//       and "other" only when non-zero, as numbers "12".."15")
//   dns_dropped_total, dns_truncated_total, dns_udp_send_errors_total   counters
//   dns_tcp_connections_accepted_total, dns_tcp_connections_refused_total,
//   dns_tcp_connections_timed_out_total, dns_tcp_connections_errors_total,
//   dns_tcp_connections_refused_per_address_total                          counters
//   dns_tcp_connections_open                                               gauge
std::string render_prometheus(const ServerCounters& c);

// Open TCP connections per client, shared by the workers (the kernel spreads one client's
// connections over all of them). Sharded by a hash of the key, one lock per shard held for a
// hash-map update: the accept path pays a few tens of nanoseconds beside its system calls.
class TcpClientLimiter;

struct WorkerContext;

// The DNS listener. bind() opens every socket, start() runs the workers, stop() ends them.
//
// Each worker thread has its own UDP socket and its own TCP listening socket on every listen
// address (SO_REUSEPORT: the kernel spreads datagrams and connections over the workers) and
// one epoll loop for all of them plus its TCP connections; it also waits (EPOLLEXCLUSIVE,
// after the owner) on its siblings' UDP sockets, so an idle worker helps a busy one when the
// flow hash loads one worker more than another. UDP is read and answered in
// batches (recvmmsg/sendmmsg, 64 datagrams) from buffers allocated once per worker; the zone
// set is refreshed (Published generation check) at the start of every batch.
//
// TCP (RFC 7766): pipelined queries are answered in order, answers queued and written as the
// socket accepts them; a connection without progress (no whole query received, nothing sent)
// for longer than the idle timeout is closed. The connection limit is split evenly over the
// workers; a connection accepted beyond its worker's share is closed at once with a reset (counted
// as refused), so the client learns immediately instead of waiting in the listen queue. The
// per-client limit (tcp_max_connections_per_address) is counted across all workers; a connection
// beyond it is reset the same way (counted as refused_per_address), so one client cannot take
// every slot and lock out the others (secondaries' transfers included).
class DnsServer {
public:
    DnsServer(const Published& zones, DnsServerOptions opts);
    ~DnsServer(); // stops and joins the workers, closes every socket
    DnsServer(const DnsServer&) = delete;
    DnsServer& operator=(const DnsServer&) = delete;

    // Opens and binds every socket. Throws Error(69) naming the address when one cannot be
    // bound ("cannot bind UDP 127.0.0.1:53: Address already in use"), Error(78)
    // for an unparsable address and Error(71) when the system refuses a socket or epoll.
    void bind();
    // Starts the workers (after bind()). Throws Error(71) when a thread cannot be created.
    void start();
    // Asks the workers to stop; async-signal-safe, returns at once.
    void request_stop() noexcept;
    // Stops the workers and waits for them. Idempotent.
    void stop();

    // The listen addresses as bound, in the order given, with the actual port.
    struct Bound {
        std::string address; // "127.0.0.1:5353", "[::1]:5353"
        uint16_t port = 0;
    };
    const std::vector<Bound>& bound() const { return bound_; }
    unsigned threads() const { return nthreads_; }

    // Replaces the transfer policy (SIGHUP): each worker takes it when it next wakes up;
    // transfers under way finish under the policy they started with. Thread-safe.
    void set_transfer_policy(std::shared_ptr<const TransferPolicy> policy);

    // The workers' counters, summed (relaxed reads: each counter is exact, the set is not a
    // single snapshot).
    ServerCounters counters() const;

private:
    const Published& zones_;
    DnsServerOptions opts_;
    unsigned nthreads_ = 1;
    int stop_fd_ = -1; // eventfd in every worker's epoll set
    std::vector<Bound> bound_;
    std::shared_ptr<TransferPolicySlot> transfer_slot_; // what set_transfer_policy() changes
    TransferSlots transfers_;                   // zone transfers in progress, all workers together
    std::unique_ptr<TcpClientLimiter> clients_; // null: no per-address limit
    std::vector<std::unique_ptr<WorkerContext>> workers_;
    std::vector<std::thread> threads_;
    bool started_ = false;
};

} // namespace endpointdns::serve
