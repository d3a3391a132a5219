// SPDX-License-Identifier: MIT
// The DNS network layer: per-thread epoll workers, batched UDP, pipelined TCP, counters.
//
// Hot path rules (UDP): no allocation, no lock, one Published generation check per batch;
// buffers and message headers are set up once per worker. Counters are per worker, written
// only by their worker with relaxed load+store (no locked instruction) and read by counters().
#include "serve/dns_server.hpp"

#include "dns/message.hpp"
#include "error.hpp"
#include "serve/tcp_framing.hpp"
#include "serve/tsig_answer.hpp"
#include "util/log.hpp"

#include <arpa/inet.h>
#include <linux/filter.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sched.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <mutex>
#include <system_error>
#include <type_traits>
#include <unordered_map>

namespace endpointdns::serve {

namespace {

constexpr size_t udp_batch = 64;         // datagrams per recvmmsg/sendmmsg
constexpr size_t udp_rounds = 16;        // batches per readiness event before epoll again
constexpr size_t udp_rx_size = 4096;     // larger query datagrams are dropped (MSG_TRUNC)
constexpr size_t udp_ctl_size = 64;      // room for one IP_PKTINFO / IPV6_PKTINFO message
constexpr size_t tcp_read_size = 65536;  // one recv() per readiness event
constexpr size_t tcp_out_limit = 262144; // queued answer octets before a connection stops reading
constexpr size_t tcp_accepts = 64;       // accepts per readiness event
constexpr int max_events = 64;
constexpr uint64_t listen_pause_ms = 100; // after EMFILE and friends
constexpr int socket_buffer = 4 << 20;
#ifdef UDP_SHARE
constexpr bool udp_share = UDP_SHARE;
#else
constexpr bool udp_share = true;
#endif // UDP SO_RCVBUF/SO_SNDBUF wish (capped by the kernel)

// Spreads the datagrams of a SO_REUSEPORT group evenly over its sockets, one by one, with a
// classic BPF program (`random % n`) instead of the kernel's flow hash, which can put every
// client of a benchmark (or a few busy resolvers) on one worker while the others idle.
// False when the kernel refuses it (then the flow hash applies, and workers share, below).
bool spread_datagrams(int fd, size_t sockets) {
    sock_filter code[] = {
        {BPF_LD | BPF_W | BPF_ABS, 0, 0, uint32_t(SKF_AD_OFF + SKF_AD_RANDOM)},
        {BPF_ALU | BPF_MOD | BPF_K, 0, 0, uint32_t(sockets)},
        {BPF_RET | BPF_A, 0, 0, 0},
    };
    sock_fprog prog{uint16_t(std::size(code)), code};
    return ::setsockopt(fd, SOL_SOCKET, SO_ATTACH_REUSEPORT_CBPF, &prog, sizeof prog) == 0;
}

enum Kind : uint64_t { kind_stop = 0, kind_udp = 1, kind_listen = 2, kind_conn = 3 };

uint64_t tag(Kind k, uint64_t index, uint32_t gen = 0) {
    return uint64_t(gen) << 32 | index << 2 | k;
}

uint64_t now_ms() {
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
    return uint64_t(ts.tv_sec) * 1000 + uint64_t(ts.tv_nsec) / 1000000;
}

constexpr uint8_t rc_servfail = 2;

inline void bump(std::atomic<uint64_t>& c, uint64_t n = 1) {
    c.store(c.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
}

// Concatenates strings and numbers (no libfmt in this library).
template <class... T> std::string cat(const T&... parts) {
    std::string s;
    auto add = [&](const auto& p) {
        if constexpr (std::is_arithmetic_v<std::decay_t<decltype(p)>>)
            s += std::to_string(p);
        else
            s += p;
    };
    (add(parts), ...);
    return s;
}

void log_error(const std::string& what) {
    log::error(what);
}

// An owned file descriptor.
class Fd {
public:
    Fd() = default;
    explicit Fd(int fd) : fd_(fd) {}
    Fd(Fd&& o) noexcept : fd_(o.release()) {}
    Fd& operator=(Fd&& o) noexcept {
        if (this != &o) {
            reset();
            fd_ = o.release();
        }
        return *this;
    }
    ~Fd() { reset(); }
    int get() const { return fd_; }
    int release() {
        int f = fd_;
        fd_ = -1;
        return f;
    }
    void reset() {
        if (fd_ >= 0) ::close(fd_);
        fd_ = -1;
    }

private:
    int fd_ = -1;
};

struct Address {
    sockaddr_storage ss{};
    socklen_t len = 0;
    int family = AF_INET;
    bool wildcard = false;
    std::string host; // as given, without brackets

    void set_port(uint16_t port) {
        if (family == AF_INET)
            reinterpret_cast<sockaddr_in*>(&ss)->sin_port = htons(port);
        else
            reinterpret_cast<sockaddr_in6*>(&ss)->sin6_port = htons(port);
    }
    std::string text(uint16_t port) const {
        std::string out = family == AF_INET6 ? "[" : "";
        out.append(host).append(family == AF_INET6 ? "]:" : ":").append(std::to_string(port));
        return out;
    }
};

Address parse_address(const std::string& s, uint16_t& port) {
    auto bad = [&](const char* why) {
        return Error(ex_config, "bad listen address '" + s + "': " + why);
    };
    Address a;
    std::string port_text;
    if (!s.empty() && s[0] == '[') {
        size_t close = s.find(']');
        if (close == std::string::npos || close + 1 >= s.size() || s[close + 1] != ':')
            throw bad("expected [IPV6]:PORT");
        a.host = s.substr(1, close - 1);
        port_text = s.substr(close + 2);
        a.family = AF_INET6;
    } else {
        size_t colon = s.rfind(':');
        if (colon == std::string::npos) throw bad("expected ADDR:PORT");
        a.host = s.substr(0, colon);
        port_text = s.substr(colon + 1);
        if (a.host.find(':') != std::string::npos) throw bad("IPv6 addresses go in brackets");
    }
    if (port_text.empty() || port_text.size() > 5 ||
        port_text.find_first_not_of("0123456789") != std::string::npos ||
        std::stoul(port_text) > 65535)
        throw bad("the port must be a number from 0 to 65535");
    port = uint16_t(std::stoul(port_text));
    if (a.family == AF_INET) {
        auto* sin = reinterpret_cast<sockaddr_in*>(&a.ss);
        sin->sin_family = AF_INET;
        if (inet_pton(AF_INET, a.host.c_str(), &sin->sin_addr) != 1)
            throw bad("not an IPv4 address");
        a.wildcard = sin->sin_addr.s_addr == htonl(INADDR_ANY);
        a.len = sizeof(sockaddr_in);
    } else {
        auto* sin6 = reinterpret_cast<sockaddr_in6*>(&a.ss);
        sin6->sin6_family = AF_INET6;
        if (inet_pton(AF_INET6, a.host.c_str(), &sin6->sin6_addr) != 1)
            throw bad("not an IPv6 address");
        a.wildcard = IN6_IS_ADDR_UNSPECIFIED(&sin6->sin6_addr);
        a.len = sizeof(sockaddr_in6);
    }
    a.set_port(port);
    return a;
}

void set_int(int fd, int level, int name, int value) {
    ::setsockopt(fd, level, name, &value, sizeof value);
}

Error os_error(const std::string& what) {
    return Error(ex_oserr, what + ": " + std::strerror(errno));
}

// A socket of the given type on the address. `group`: joins the SO_REUSEPORT group of the
// workers; otherwise a plain probe that fails when anyone holds the port. -1 with errno set
// when bind() fails; throws when the socket cannot be created at all.
int open_socket(const Address& a, int type, bool group) {
    int fd = ::socket(a.family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) throw os_error("cannot create a socket");
    if (a.family == AF_INET6) set_int(fd, IPPROTO_IPV6, IPV6_V6ONLY, 1);
    if (type == SOCK_STREAM) set_int(fd, SOL_SOCKET, SO_REUSEADDR, 1);
    if (group) set_int(fd, SOL_SOCKET, SO_REUSEPORT, 1);
    if (::bind(fd, reinterpret_cast<const sockaddr*>(&a.ss), a.len) != 0) {
        int e = errno;
        ::close(fd);
        errno = e;
        return -1;
    }
    return fd;
}

uint16_t bound_port(int fd) {
    sockaddr_storage ss{};
    socklen_t len = sizeof ss;
    if (::getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len) != 0) return 0;
    if (ss.ss_family == AF_INET) return ntohs(reinterpret_cast<sockaddr_in*>(&ss)->sin_port);
    return ntohs(reinterpret_cast<sockaddr_in6*>(&ss)->sin6_port);
}

unsigned cpu_count() {
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) == 0) {
        int n = CPU_COUNT(&set);
        if (n > 0) return unsigned(n);
    }
    unsigned n = std::thread::hardware_concurrency();
    return n ? n : 1;
}

constexpr uint16_t metric_types[metric_qtypes - 1] = {1, 2, 5, 6, 12, 15, 16, 28, 33, 43, 257, 255};
constexpr std::string_view metric_type_names[metric_qtypes] = {
    "A", "NS", "CNAME", "SOA", "PTR", "MX", "TXT", "AAAA", "SRV", "DS", "CAA", "ANY", "other"};
constexpr std::string_view rcode_names[metric_rcodes] = {
    "NOERROR", "FORMERR",  "SERVFAIL",  "NXDOMAIN", "NOTIMP",    "REFUSED", "YXDOMAIN",
    "YXRRSET", "NXRRSET",  "NOTAUTH",   "NOTZONE",  "DSOTYPENI", "12",      "13",
    "14",      "15",       "BADVERS",   "BADKEY",   "BADTIME",   "BADMODE", "BADNAME",
    "BADALG",  "BADTRUNC", "BADCOOKIE", "other"};

// Per-worker counters; one cache line apart from the next worker's.
struct alignas(64) WorkerCounters {
    std::atomic<uint64_t> queries[metric_transports][metric_qtypes]{};
    std::atomic<uint64_t> responses[metric_rcodes]{};
    std::atomic<uint64_t> dropped{0}, truncated{0}, udp_send_errors{0};
    std::atomic<uint64_t> tcp_accepted{0}, tcp_refused{0}, tcp_timed_out{0}, tcp_errors{0};
    std::atomic<uint64_t> tcp_refused_per_address{0};
    std::atomic<uint64_t> tcp_open{0};
};

// One TCP connection of a worker.
struct Conn {
    int fd = -1;
    uint32_t slot = 0;
    uint32_t gen = 0;
    uint32_t events = 0;  // the epoll interest set now
    uint64_t queries = 0; // complete queries read
    bool eof = false;     // the peer closed its side: answer what is buffered, then close
    bool closing = false; // query limit or framing error: flush the answers, then close
    bool error = false;   // a framing error (counted when closed)
    uint64_t last = 0;    // ms of the last progress: a whole query read, or octets written
    Conn* prev = nullptr; // idle list, least recently active first
    Conn* next = nullptr;
    FrameReader in;
    FrameWriter out;
    sockaddr_storage peer{};       // for the transfer ACL
    ClientKey client;              // for the per-address limit
    bool client_counted = false;   // holds one of its client's slots in the TcpClientLimiter
    std::unique_ptr<Transfer> xfr; // a zone transfer being sent
    bool xfr_slot = false;         // xfr holds one of the server's transfer slots (TransferSlots)
};

} // namespace

size_t metric_qtype_index(uint16_t qtype) {
    for (size_t i = 0; i < metric_qtypes - 1; ++i)
        if (metric_types[i] == qtype) return i;
    return metric_qtypes - 1;
}

std::string_view metric_qtype_name(size_t index) {
    return index < metric_qtypes ? metric_type_names[index] : "other";
}

std::string_view metric_rcode_name(size_t rcode) {
    return rcode < metric_rcodes ? rcode_names[rcode] : "other";
}

std::string_view metric_transport_name(size_t t) {
    return t == 0 ? "udp" : "tcp";
}

ClientKey client_key(const sockaddr_storage& peer) {
    auto be64 = [](const uint8_t* p) {
        uint64_t v = 0;
        for (int i = 0; i < 8; ++i) v = v << 8 | p[i];
        return v;
    };
    ClientKey k;
    if (peer.ss_family == AF_INET) {
        const auto* in = reinterpret_cast<const sockaddr_in*>(&peer);
        k.lo = uint64_t(1) << 32 | ntohl(in->sin_addr.s_addr);
    } else if (peer.ss_family == AF_INET6) {
        const auto* a = reinterpret_cast<const sockaddr_in6*>(&peer)->sin6_addr.s6_addr;
        if (IN6_IS_ADDR_V4MAPPED(reinterpret_cast<const in6_addr*>(a)))
            k.lo = uint64_t(1) << 32 | uint64_t(a[12]) << 24 | uint64_t(a[13]) << 16 |
                   uint64_t(a[14]) << 8 | a[15];
        else
            k.hi = be64(a);
    }
    return k;
}

bool TransferSlots::take(const sockaddr_storage& peer) {
    ClientKey k = client_key(peer);
    std::lock_guard l(mu_);
    if (total_ >= max_transfers) return false;
    for (auto& [pk, n] : peers_)
        if (pk == k) {
            if (n >= max_transfers_per_peer) return false;
            ++n;
            ++total_;
            return true;
        }
    peers_.emplace_back(k, 1);
    ++total_;
    return true;
}

void TransferSlots::give_back(const sockaddr_storage& peer) {
    ClientKey k = client_key(peer);
    std::lock_guard l(mu_);
    for (size_t i = 0; i < peers_.size(); ++i)
        if (peers_[i].first == k) {
            --total_;
            if (--peers_[i].second == 0) {
                peers_[i] = peers_.back();
                peers_.pop_back();
            }
            return;
        }
}

unsigned TransferSlots::in_use() const {
    std::lock_guard l(mu_);
    return total_;
}

class TcpClientLimiter {
public:
    explicit TcpClientLimiter(unsigned limit) : limit_(limit) {}

    // Takes one of the client's slots; false when it holds `limit` already.
    bool acquire(const ClientKey& k) {
        Shard& s = shard(k);
        std::lock_guard l(s.mu);
        uint32_t& n = s.open[k]; // limit_ > 0: an entry made here ends up counting one
        if (n >= limit_) return false;
        ++n;
        return true;
    }
    void release(const ClientKey& k) {
        Shard& s = shard(k);
        std::lock_guard l(s.mu);
        auto it = s.open.find(k);
        if (it != s.open.end() && --it->second == 0) s.open.erase(it); // the map holds open ones
    }

private:
    struct KeyHash {
        size_t operator()(const ClientKey& k) const {
            uint64_t h = (k.hi ^ (k.lo * 0x9E3779B97F4A7C15ull)) * 0xBF58476D1CE4E5B9ull;
            return size_t(h ^ (h >> 31));
        }
    };
    struct alignas(64) Shard {
        std::mutex mu;
        std::unordered_map<ClientKey, uint32_t, KeyHash> open;
    };
    static constexpr size_t shard_count = 16;
    Shard& shard(const ClientKey& k) { return shards_[(KeyHash{}(k) >> 40) % shard_count]; }
    unsigned limit_;
    std::array<Shard, shard_count> shards_;
};

// Everything one worker thread owns.
struct WorkerContext {
    WorkerContext(unsigned index, const Published& zones, const DnsServerOptions& opts,
                  size_t max_conns, TransferSlots& transfers)
        : index(index), reader(zones), responder(opts.responder), max_conns(max_conns),
          idle_ms(opts.tcp_idle_timeout_ms), max_queries(opts.tcp_max_queries_per_connection),
          tx_size(std::max<size_t>(512, opts.responder.udp_payload)), transfer(opts.transfer),
          responder_opts(opts.responder), udp_payload(opts.responder.udp_payload),
          transfers(transfers) {}

    unsigned index;
    Reader reader;
    Responder responder;
    Fd epoll;
    std::vector<Fd> udp, tcp; // one per listen address
    // The UDP sockets this worker reads: its own, then its siblings' (work sharing).
    struct UdpWatch {
        int fd;
        bool pktinfo; // bound to a wildcard: reply from the address the query went to
    };
    std::vector<UdpWatch> udp_watch;
    WorkerCounters counters;

    // UDP batch: set up once.
    mmsghdr rx[udp_batch]{}, tx[udp_batch]{};
    iovec rx_iov[udp_batch]{}, tx_iov[udp_batch]{};
    sockaddr_in6 peer[udp_batch]{};
    alignas(cmsghdr) uint8_t ctl[udp_batch][udp_ctl_size]{};
    std::unique_ptr<uint8_t[]> rx_buf, tx_buf;

    // TCP
    size_t max_conns; // this worker's share of the limit; SIZE_MAX = no limit
    uint64_t idle_ms;
    uint32_t max_queries;
    size_t tx_size;
    std::vector<std::unique_ptr<Conn>> slots;
    std::vector<uint32_t> free_slots;
    size_t open = 0;
    Conn* idle_head = nullptr;
    Conn* idle_tail = nullptr;
    std::unique_ptr<uint8_t[]> tcp_in, tcp_answer;
    std::shared_ptr<const TransferPolicy> transfer;
    // Reloads (SIGHUP) replace the policy here; sync_transfer() takes the new one.
    const TransferPolicySlot* transfer_slot = nullptr;
    uint64_t transfer_gen = 0;
    ResponderOptions responder_opts;
    std::string xfr_msg; // one transfer message at a time
    uint16_t udp_payload;
    TransferSlots& transfers;            // transfers in progress, all workers together
    TcpClientLimiter* clients = nullptr; // the per-address limit, all workers together; null: none
    uint64_t now = 0;
    uint64_t resume_listen_at = 0; // 0 = no listener paused

    void setup();
    void sync_transfer();
    void run(int stop_fd);
    void loop(int stop_fd);
    void serve_udp(size_t i);
    void send_udp(int fd, unsigned count);
    void accept_tcp(size_t i);
    void handle(Conn* c, uint32_t ev);
    bool answer_buffered(Conn* c);
    int flush(Conn* c);
    void close_conn(Conn* c);
    void touch(Conn* c);
    void unlink(Conn* c);
    int next_timeout() const;
    void count(Transport t, const QueryInfo& info, size_t len);
    size_t sign(const uint8_t* q, size_t qlen, uint8_t* out, size_t len, size_t cap, Transport t,
                QueryInfo& info);
    void begin_transfer(Conn* c, const Frame& f, const ZoneSet& zones);
    void end_transfer(Conn* c);
};

void WorkerContext::setup() {
    rx_buf.reset(new uint8_t[udp_batch * udp_rx_size]);
    tx_buf.reset(new uint8_t[udp_batch * tx_size]);
    for (size_t k = 0; k < udp_batch; ++k) {
        rx_iov[k] = {rx_buf.get() + k * udp_rx_size, udp_rx_size};
        msghdr& h = rx[k].msg_hdr;
        h.msg_name = &peer[k];
        h.msg_namelen = sizeof peer[k];
        h.msg_iov = &rx_iov[k];
        h.msg_iovlen = 1;
        tx_iov[k] = {tx_buf.get() + k * tx_size, 0};
        tx[k].msg_hdr.msg_iov = &tx_iov[k];
        tx[k].msg_hdr.msg_iovlen = 1;
    }
    tcp_in.reset(new uint8_t[tcp_read_size]);
    tcp_answer.reset(new uint8_t[65535]);
}

void WorkerContext::count(Transport t, const QueryInfo& info, size_t len) {
    bump(counters.queries[size_t(t)][metric_qtype_index(info.qtype)]);
    if (len == 0) {
        bump(counters.dropped);
        return;
    }
    bump(counters.responses[std::min<size_t>(info.rcode, metric_rcodes - 1)]);
    if (info.truncated) bump(counters.truncated);
}

void WorkerContext::serve_udp(size_t i) {
    int fd = udp_watch[i].fd;
    bool with_ctl = udp_watch[i].pktinfo;
    for (size_t round = 0; round < udp_rounds; ++round) {
        for (size_t k = 0; k < udp_batch; ++k) {
            rx[k].msg_hdr.msg_namelen = sizeof peer[k];
            rx[k].msg_hdr.msg_control = with_ctl ? ctl[k] : nullptr;
            rx[k].msg_hdr.msg_controllen = with_ctl ? udp_ctl_size : 0;
        }
        int n = ::recvmmsg(fd, rx, udp_batch, MSG_DONTWAIT, nullptr);
        if (n <= 0) {
            if (n < 0 && errno == EINTR) continue;
            return; // EAGAIN: drained (or a transient error: epoll tells us again)
        }
        const ZoneSet& zones = reader.get();
        unsigned m = 0;
        for (int k = 0; k < n; ++k) {
            msghdr& h = rx[k].msg_hdr;
            if (h.msg_flags & MSG_TRUNC) {
                bump(counters.queries[0][metric_qtypes - 1]);
                bump(counters.dropped);
                continue;
            }
            uint8_t* out = tx_buf.get() + size_t(k) * tx_size;
            QueryInfo info;
            const uint8_t* query = rx_buf.get() + size_t(k) * udp_rx_size;
            size_t len =
                responder.answer(zones, query, rx[k].msg_len, Transport::udp, out, tx_size, info);
            if (info.tsig) [[unlikely]]
                len = sign(query, rx[k].msg_len, out, len, tx_size, Transport::udp, info);
            count(Transport::udp, info, len);
            if (len == 0) continue;
            msghdr& o = tx[m].msg_hdr;
            o.msg_name = &peer[k];
            o.msg_namelen = h.msg_namelen;
            tx_iov[m].iov_base = out;
            tx_iov[m].iov_len = len;
            o.msg_iov = &tx_iov[m];
            if (with_ctl && h.msg_controllen > 0) {
                // Reply from the address the query went to; for IPv4 let routing pick the
                // interface (RFC 1122 strong/weak host: the source address is what matters).
                for (cmsghdr* c = CMSG_FIRSTHDR(&h); c; c = CMSG_NXTHDR(&h, c))
                    if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO)
                        reinterpret_cast<in_pktinfo*>(CMSG_DATA(c))->ipi_ifindex = 0;
                o.msg_control = h.msg_control;
                o.msg_controllen = h.msg_controllen;
            } else {
                o.msg_control = nullptr;
                o.msg_controllen = 0;
            }
            ++m;
        }
        if (m) send_udp(fd, m);
        // A partial first batch gets one more try: under load the queue refills while we
        // answer, and that read saves an epoll_wait. A partial batch after it: drained.
        if (size_t(n) < udp_batch && round > 0) return;
    }
}

void WorkerContext::send_udp(int fd, unsigned count) {
    unsigned done = 0;
    while (done < count) {
        int r = ::sendmmsg(fd, tx + done, count - done, MSG_DONTWAIT);
        if (r > 0) {
            done += unsigned(r);
        } else if (r < 0 && errno == EINTR) {
            continue;
        } else if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            bump(counters.udp_send_errors, count - done); // send buffer full: drop the rest
            return;
        } else {
            bump(counters.udp_send_errors); // this one datagram was refused: skip it
            ++done;
        }
    }
}

void WorkerContext::accept_tcp(size_t i) {
    int lfd = tcp[i].get();
    for (size_t k = 0; k < tcp_accepts; ++k) {
        sockaddr_storage peer{};
        socklen_t peer_len = sizeof peer;
        int fd = ::accept4(lfd, reinterpret_cast<sockaddr*>(&peer), &peer_len,
                           SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno == EINTR || errno == ECONNABORTED) continue;
            if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
                // Out of descriptors or memory: stop listening for a moment instead of
                // spinning on a listener that stays readable.
                for (auto& l : tcp) {
                    epoll_event ev{};
                    ev.data.u64 = tag(kind_listen, size_t(&l - tcp.data()));
                    ::epoll_ctl(epoll.get(), EPOLL_CTL_MOD, l.get(), &ev);
                }
                resume_listen_at = now + listen_pause_ms;
                log_error("worker " + std::to_string(index) +
                          ": cannot accept TCP connections: " + std::strerror(errno));
            }
            return;
        }
        auto refuse = [&](std::atomic<uint64_t>& counter) {
            linger lg{1, 0}; // reset: no TIME_WAIT left behind for a refused client
            ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
            ::close(fd);
            bump(counter);
        };
        if (open >= max_conns) {
            refuse(counters.tcp_refused);
            continue;
        }
        // The connection's slot first: an allocation that fails (bad_alloc, which run()
        // survives) must leave neither the descriptor open nor the client's count taken.
        if (free_slots.empty()) {
            try {
                slots.push_back(std::make_unique<Conn>());
                slots.back()->slot = uint32_t(slots.size() - 1);
                free_slots.push_back(slots.back()->slot);
            } catch (...) {
                refuse(counters.tcp_errors);
                throw;
            }
        }
        ClientKey client = client_key(peer);
        if (clients && !clients->acquire(client)) {
            refuse(counters.tcp_refused_per_address);
            continue;
        }
        set_int(fd, IPPROTO_TCP, TCP_NODELAY, 1);
        Conn* c = slots[free_slots.back()].get();
        free_slots.pop_back();
        c->fd = fd;
        c->peer = peer;
        c->client = client;
        c->client_counted = clients != nullptr;
        c->events = EPOLLIN | EPOLLRDHUP;
        c->queries = 0;
        c->eof = c->closing = c->error = false;
        epoll_event ev{};
        ev.events = c->events;
        ev.data.u64 = tag(kind_conn, c->slot, c->gen);
        if (::epoll_ctl(epoll.get(), EPOLL_CTL_ADD, fd, &ev) != 0) {
            ::close(fd);
            c->fd = -1;
            if (c->client_counted) clients->release(client);
            c->client_counted = false;
            free_slots.push_back(c->slot);
            bump(counters.tcp_errors);
            continue;
        }
        ++open;
        bump(counters.tcp_accepted);
        bump(counters.tcp_open);
        c->last = now;
        c->prev = idle_tail;
        c->next = nullptr;
        (idle_tail ? idle_tail->next : idle_head) = c;
        idle_tail = c;
    }
}

void WorkerContext::unlink(Conn* c) {
    (c->prev ? c->prev->next : idle_head) = c->next;
    (c->next ? c->next->prev : idle_tail) = c->prev;
    c->prev = c->next = nullptr;
}

void WorkerContext::touch(Conn* c) {
    c->last = now;
    if (c == idle_tail) return;
    unlink(c);
    c->prev = idle_tail;
    idle_tail->next = c;
    idle_tail = c;
}

void WorkerContext::close_conn(Conn* c) {
    unlink(c);
    ::close(c->fd); // also leaves the epoll set
    c->fd = -1;
    ++c->gen; // events still queued for this slot are now stale
    c->in.reset();
    c->out.reset();
    end_transfer(c);
    if (c->client_counted) clients->release(c->client);
    c->client_counted = false;
    free_slots.push_back(c->slot);
    --open;
    std::atomic<uint64_t>& g = counters.tcp_open;
    g.store(g.load(std::memory_order_relaxed) - 1, std::memory_order_relaxed);
}

// Sends queued answers: -1 on a socket error, 1 when something was sent, 0 otherwise.
int WorkerContext::flush(Conn* c) {
    int sent = 0;
    while (!c->out.empty()) {
        ssize_t n = ::send(c->fd, c->out.data(), c->out.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n > 0) {
            c->out.consume(size_t(n));
            sent = 1;
        } else if (n < 0 && errno == EINTR) {
            continue;
        } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            break;
        } else {
            return -1;
        }
    }
    if (c->out.empty()) c->out.shrink(65536);
    return sent;
}

// Answers the complete queries buffered, in order, until the output queue is full. True when
// it stopped with complete queries left (the queue was full).
bool WorkerContext::answer_buffered(Conn* c) {
    if (c->closing && !c->xfr) return false;
    const ZoneSet* zones = nullptr;
    Frame f;
    while (true) {
        if (c->xfr) {
            // A transfer in progress: its messages come before the next query's answer,
            // made as the queue drains, so a large zone is never queued whole.
            while (c->out.size() < tcp_out_limit) {
                if (!c->xfr->next(xfr_msg)) {
                    end_transfer(c);
                    break;
                }
                c->out.push(reinterpret_cast<const uint8_t*>(xfr_msg.data()), xfr_msg.size());
            }
            if (c->xfr) return true;
            if (c->closing) return false;
        }
        if (c->out.size() >= tcp_out_limit) return c->in.missing() == 0 && !c->in.failed();
        FrameReader::Status st = c->in.next(f);
        if (st == FrameReader::Status::need_more) return false;
        if (st == FrameReader::Status::error) {
            c->closing = c->error = true;
            return false;
        }
        if (!zones) zones = &reader.get();
        if (transfer && transfer->enabled() && is_transfer_query(f.data, f.size)) {
            begin_transfer(c, f, *zones);
            if (++c->queries >= max_queries && max_queries) c->closing = true;
            continue;
        }
        QueryInfo info;
        size_t len =
            responder.answer(*zones, f.data, f.size, Transport::tcp, tcp_answer.get(), 65535, info);
        if (info.tsig) [[unlikely]]
            len = sign(f.data, f.size, tcp_answer.get(), len, 65535, Transport::tcp, info);
        count(Transport::tcp, info, len);
        if (len) c->out.push(tcp_answer.get(), len);
        if (++c->queries >= max_queries && max_queries) {
            c->closing = true;
            return false;
        }
    }
}

// A query with a TSIG record (rare: the responder flags it): verified with the transfer keys,
// and its answer signed or replaced by the TSIG error (serve/tsig_answer.hpp).
[[gnu::noinline]] size_t WorkerContext::sign(const uint8_t* q, size_t qlen, uint8_t* out,
                                             size_t len, size_t cap, Transport t, QueryInfo& info) {
    static const std::vector<dns::tsig::Key> no_keys;
    const auto& keys = transfer ? transfer->keys : no_keys;
    size_t limit = std::min(cap, answer_limit(q, qlen, t, udp_payload));
    return tsig_answer(keys, q, qlen, out, len, limit, uint64_t(::time(nullptr)), info);
}

// Starts the transfer a query asks for. Only a transfer of the zone's data (Transfer::streams)
// takes a slot: when max_transfers run already (all workers together) or
// max_transfers_per_peer to this client, it is answered SERVFAIL instead, so transfers never
// take every connection's worker time, nor one client every slot. A single-message answer
// (REFUSED, NOTAUTH, FORMERR, the SOA alone) is queued at once and holds nothing: a client the
// ACL refuses, pipelining requests and reading nothing, cannot keep slots from the others.
void WorkerContext::begin_transfer(Conn* c, const Frame& f, const ZoneSet& zones) {
    QueryInfo info;
    info.answered = true;
    auto t = start_transfer(zones, *transfer, c->peer, f.data, f.size, uint64_t(::time(nullptr)));
    info.qtype = t->qtype;
    info.rcode = t->rcode;
    if (!t->streams) {
        if (t->next(xfr_msg))
            c->out.push(reinterpret_cast<const uint8_t*>(xfr_msg.data()), xfr_msg.size());
        count(Transport::tcp, info, 1);
        return;
    }
    if (!transfers.take(c->peer)) {
        // Header and question with SERVFAIL (signed when the query is: RFC 8945 5.3).
        size_t qend = dns::header_size + dns::wire_name_length(f.data + 12, f.size - 12) + 4;
        uint8_t* out = tcp_answer.get();
        std::memcpy(out, f.data, qend);
        out[2] = uint8_t((f.data[2] & 0x79) | 0x80); // QR, the opcode and RD kept; AA, TC off
        out[3] = rc_servfail;
        std::memset(out + 6, 0, 6); // QDCOUNT 1 (is_transfer_query), no records
        info.rcode = rc_servfail;
        size_t len = sign(f.data, f.size, out, qend, 65535, Transport::tcp, info);
        count(Transport::tcp, info, len);
        c->out.push(out, len);
        return;
    }
    c->xfr = std::move(t);
    c->xfr->policy = transfer; // its keys outlive a reload
    c->xfr_slot = true;
    count(Transport::tcp, info, 1);
}

void WorkerContext::end_transfer(Conn* c) {
    c->xfr.reset();
    if (c->xfr_slot) transfers.give_back(c->peer);
    c->xfr_slot = false;
}

void WorkerContext::handle(Conn* c, uint32_t ev) {
    if (ev & EPOLLERR) {
        bump(counters.tcp_errors);
        close_conn(c);
        return;
    }
    bool progress = false;
    if (!c->out.empty()) {
        int r = flush(c);
        if (r < 0) {
            bump(counters.tcp_errors);
            close_conn(c);
            return;
        }
        progress |= r > 0;
    }
    // Read only when every complete query is answered: the buffer holds at most one read and
    // one partial query.
    if ((ev & (EPOLLIN | EPOLLRDHUP | EPOLLHUP)) && !c->eof && !c->closing &&
        c->out.size() < tcp_out_limit && c->in.missing() > 0) {
        ssize_t n;
        do n = ::recv(c->fd, tcp_in.get(), tcp_read_size, MSG_DONTWAIT);
        while (n < 0 && errno == EINTR);
        if (n > 0) {
            // Not progress by itself: a query trickling in an octet at a time must still
            // arrive whole within the idle timeout (no slow-read hold on a connection slot).
            c->in.append(tcp_in.get(), size_t(n));
        } else if (n == 0) {
            c->eof = true;
        } else if (errno != EAGAIN && errno != EWOULDBLOCK) {
            bump(counters.tcp_errors);
            close_conn(c);
            return;
        }
    }
    uint64_t before = c->queries;
    bool more = answer_buffered(c);
    progress |= c->queries != before;
    if (!c->out.empty()) {
        int r = flush(c);
        if (r < 0) {
            bump(counters.tcp_errors);
            close_conn(c);
            return;
        }
        progress |= r > 0;
    }
    if (c->out.empty() && !more && (c->closing || c->eof)) {
        if (c->error) bump(counters.tcp_errors);
        close_conn(c);
        return;
    }
    if (progress) touch(c);
    uint32_t want = 0;
    if (!c->eof && !c->closing && !more && c->out.size() < tcp_out_limit)
        want |= EPOLLIN | EPOLLRDHUP;
    // Queries left over (the queue was full when answering stopped): EPOLLOUT brings us back
    // as soon as the socket takes more, at once when everything was sent already.
    if (!c->out.empty() || more) want |= EPOLLOUT;
    if (want != c->events) {
        epoll_event e{};
        e.events = want;
        e.data.u64 = tag(kind_conn, c->slot, c->gen);
        ::epoll_ctl(epoll.get(), EPOLL_CTL_MOD, c->fd, &e);
        c->events = want;
    }
}

int WorkerContext::next_timeout() const {
    uint64_t due = UINT64_MAX;
    if (idle_head && idle_ms) due = idle_head->last + idle_ms;
    if (resume_listen_at) due = std::min(due, resume_listen_at);
    if (due == UINT64_MAX) return -1;
    uint64_t t = now_ms();
    // The coarse clock ticks every few ms: wait one tick more than needed, never a busy loop.
    return due <= t ? 1 : int(std::min<uint64_t>(due - t + 4, 60000));
}

// Takes the policy of the last reload, when there was one since the last look (one atomic
// load otherwise). IXFR over UDP follows whether transfers are on (Responder).
void WorkerContext::sync_transfer() {
    if (!transfer_slot) return;
    uint64_t g = transfer_slot->generation();
    if (g == transfer_gen) return;
    transfer_gen = g;
    transfer = transfer_slot->get();
    ResponderOptions o = responder_opts;
    o.transfers = transfer && transfer->enabled();
    responder = Responder(o);
}

void WorkerContext::loop(int stop_fd) {
    (void)stop_fd;
    epoll_event events[max_events];
    while (true) {
        int n = ::epoll_wait(epoll.get(), events, max_events, next_timeout());
        if (n < 0) {
            if (errno == EINTR) continue;
            throw os_error("worker " + std::to_string(index) + ": epoll_wait");
        }
        now = now_ms();
        sync_transfer();
        for (int i = 0; i < n; ++i) {
            uint64_t t = events[i].data.u64;
            uint64_t idx = (t & 0xFFFFFFFFu) >> 2;
            switch (Kind(t & 3)) {
            case kind_stop:
                return;
            case kind_udp:
                serve_udp(idx);
                break;
            case kind_listen:
                accept_tcp(idx);
                break;
            case kind_conn: {
                Conn* c = slots[idx].get();
                if (c->fd < 0 || c->gen != uint32_t(t >> 32)) break; // closed meanwhile
                handle(c, events[i].events);
                break;
            }
            }
        }
        if (idle_ms) {
            while (idle_head && now - idle_head->last >= idle_ms) {
                bump(counters.tcp_timed_out);
                close_conn(idle_head);
            }
        }
        if (resume_listen_at && now >= resume_listen_at) {
            resume_listen_at = 0;
            for (auto& l : tcp) {
                epoll_event ev{};
                ev.events = EPOLLIN;
                ev.data.u64 = tag(kind_listen, size_t(&l - tcp.data()));
                ::epoll_ctl(epoll.get(), EPOLL_CTL_MOD, l.get(), &ev);
            }
        }
    }
}

void WorkerContext::run(int stop_fd) {
    // A failure inside one round (memory) is logged and the loop goes on; only stop ends it.
    while (true) {
        try {
            loop(stop_fd);
            break;
        } catch (const std::exception& e) {
            log_error("worker " + std::to_string(index) + ": " + e.what());
            ::usleep(10000);
        }
    }
    while (idle_head) close_conn(idle_head);
}

DnsServer::DnsServer(const Published& zones, DnsServerOptions opts)
    : zones_(zones), opts_(std::move(opts)),
      transfer_slot_(std::make_shared<TransferPolicySlot>(opts_.transfer)) {}

void DnsServer::set_transfer_policy(std::shared_ptr<const TransferPolicy> policy) {
    transfer_slot_->set(std::move(policy));
}

DnsServer::~DnsServer() {
    stop();
    if (stop_fd_ >= 0) ::close(stop_fd_);
}

void DnsServer::bind() {
    if (!workers_.empty()) throw Error(ex_software, "DnsServer::bind called twice");
    if (opts_.listen.empty()) throw Error(ex_config, "no listen address");
    std::vector<std::pair<Address, uint16_t>> addrs;
    for (const auto& s : opts_.listen) {
        uint16_t port = 0;
        Address a = parse_address(s, port);
        addrs.emplace_back(std::move(a), port);
    }
    nthreads_ = opts_.threads ? opts_.threads : cpu_count();

    if (stop_fd_ < 0) stop_fd_ = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (stop_fd_ < 0) throw os_error("cannot create an eventfd");
    std::vector<std::unique_ptr<WorkerContext>> workers;
    size_t limit = opts_.tcp_max_connections;
    // Unneeded when the whole server's limit is already within the per-client one.
    unsigned per_client = opts_.tcp_max_connections_per_address;
    if (per_client && (limit == 0 || per_client < limit))
        clients_ = std::make_unique<TcpClientLimiter>(per_client);
    for (unsigned w = 0; w < nthreads_; ++w) {
        // The connection limit, split evenly (the first workers take the remainder).
        size_t share = limit ? limit / nthreads_ + (w < limit % nthreads_ ? 1 : 0) : SIZE_MAX;
        auto ctx = std::make_unique<WorkerContext>(w, zones_, opts_, share, transfers_);
        ctx->transfer_slot = transfer_slot_.get();
        ctx->clients = clients_.get();
        ctx->setup();
        ctx->epoll = Fd(::epoll_create1(EPOLL_CLOEXEC));
        if (ctx->epoll.get() < 0) throw os_error("cannot create an epoll instance");
        epoll_event ev{};
        ev.events = EPOLLIN;
        ev.data.u64 = tag(kind_stop, 0);
        if (::epoll_ctl(ctx->epoll.get(), EPOLL_CTL_ADD, stop_fd_, &ev) != 0)
            throw os_error("cannot watch the stop eventfd");
        workers.push_back(std::move(ctx));
    }

    std::vector<Bound> bound;
    bool all_spread = true;
    for (size_t i = 0; i < addrs.size(); ++i) {
        Address& a = addrs[i].first;
        const uint16_t want_port = addrs[i].second;
        const std::string& given = opts_.listen[i];
        auto cannot = [&](const char* proto, uint16_t port) {
            std::string where = want_port ? given : a.text(port);
            return Error(ex_unavailable, std::string("cannot bind ") + proto + " " + where + ": " +
                                             std::strerror(errno));
        };
        // Probe both protocols without SO_REUSEPORT first: the workers' group would otherwise
        // share the port with another process of ours instead of failing. Port 0: take the
        // port the kernel gives UDP and retry when TCP has it taken.
        uint16_t port = want_port;
        for (int attempt = 0;; ++attempt) {
            a.set_port(want_port);
            Fd probe_udp(open_socket(a, SOCK_DGRAM, false));
            if (probe_udp.get() < 0) throw cannot("UDP", want_port);
            port = bound_port(probe_udp.get());
            a.set_port(port);
            Fd probe_tcp(open_socket(a, SOCK_STREAM, false));
            if (probe_tcp.get() >= 0) break;
            if (want_port != 0 || errno != EADDRINUSE || attempt >= 32) throw cannot("TCP", port);
        }
        for (auto& ctx : workers) {
            Fd u(open_socket(a, SOCK_DGRAM, true));
            if (u.get() < 0) throw cannot("UDP", port);
            set_int(u.get(), SOL_SOCKET, SO_RCVBUF, socket_buffer);
            set_int(u.get(), SOL_SOCKET, SO_SNDBUF, socket_buffer);
            if (a.family == AF_INET) {
                // Never fragment-by-path-MTU answers: an off-path ICMP cannot shrink them.
                set_int(u.get(), IPPROTO_IP, IP_MTU_DISCOVER, IP_PMTUDISC_OMIT);
                if (a.wildcard) set_int(u.get(), IPPROTO_IP, IP_PKTINFO, 1);
            } else {
                set_int(u.get(), IPPROTO_IPV6, IPV6_MTU_DISCOVER, IPV6_PMTUDISC_OMIT);
                if (a.wildcard) set_int(u.get(), IPPROTO_IPV6, IPV6_RECVPKTINFO, 1);
            }
            Fd t(open_socket(a, SOCK_STREAM, true));
            if (t.get() < 0) throw cannot("TCP", port);
            if (::listen(t.get(), SOMAXCONN) != 0) throw cannot("TCP", port);
            // Exclusive: of the workers waiting on this socket, only the first is woken (the
            // owner, registered first), so sharing below wakes a sibling only when the
            // owner is busy.
            epoll_event ev{};
            ev.events = EPOLLIN | EPOLLEXCLUSIVE;
            ev.data.u64 = tag(kind_udp, ctx->udp_watch.size());
            if (::epoll_ctl(ctx->epoll.get(), EPOLL_CTL_ADD, u.get(), &ev) != 0)
                throw os_error("cannot watch a UDP socket");
            ev.events = EPOLLIN;
            ev.data.u64 = tag(kind_listen, ctx->tcp.size());
            if (::epoll_ctl(ctx->epoll.get(), EPOLL_CTL_ADD, t.get(), &ev) != 0)
                throw os_error("cannot watch a TCP socket");
            ctx->udp_watch.push_back({u.get(), a.wildcard});
            ctx->udp.push_back(std::move(u));
            ctx->tcp.push_back(std::move(t));
        }
        if (workers.size() > 1 && !spread_datagrams(workers[0]->udp.back().get(), workers.size()))
            all_spread = false;
        bound.push_back({a.text(port), port});
    }
    // Work sharing: SO_REUSEPORT spreads datagrams by flow hash, so a few busy clients can
    // load one worker while another idles. Every worker also waits, exclusively and after
    // the owner, on its siblings' UDP sockets: a datagram wakes a sibling only when the
    // owner is not waiting (busy answering), and the idle worker takes a batch.
    if (udp_share && !all_spread && workers.size() > 1) {
        for (auto& ctx : workers)
            for (auto& other : workers) {
                if (other == ctx) continue;
                for (const Fd& u : other->udp) {
                    epoll_event ev{};
                    ev.events = EPOLLIN | EPOLLEXCLUSIVE;
                    ev.data.u64 = tag(kind_udp, ctx->udp_watch.size());
                    if (::epoll_ctl(ctx->epoll.get(), EPOLL_CTL_ADD, u.get(), &ev) != 0)
                        throw os_error("cannot watch a UDP socket");
                    ctx->udp_watch.push_back(
                        {u.get(), other->udp_watch[&u - other->udp.data()].pktinfo});
                }
            }
    }
    workers_ = std::move(workers);
    bound_ = std::move(bound);
}

void DnsServer::start() {
    if (workers_.empty()) throw Error(ex_software, "DnsServer::start before bind");
    if (started_) return;
    started_ = true;
    try {
        for (auto& w : workers_) {
            WorkerContext* ctx = w.get();
            int fd = stop_fd_;
            threads_.emplace_back([ctx, fd] { ctx->run(fd); });
        }
    } catch (const std::system_error& e) {
        stop();
        throw Error(ex_oserr, std::string("cannot start a worker thread: ") + e.what());
    }
}

void DnsServer::request_stop() noexcept {
    if (stop_fd_ < 0) return;
    uint64_t one = 1;
    ssize_t r = ::write(stop_fd_, &one, sizeof one);
    (void)r;
}

void DnsServer::stop() {
    request_stop();
    for (auto& t : threads_)
        if (t.joinable()) t.join();
    threads_.clear();
}

ServerCounters DnsServer::counters() const {
    ServerCounters s;
    auto get = [](const std::atomic<uint64_t>& a) { return a.load(std::memory_order_relaxed); };
    for (const auto& w : workers_) {
        const WorkerCounters& c = w->counters;
        for (size_t t = 0; t < metric_transports; ++t)
            for (size_t q = 0; q < metric_qtypes; ++q) s.queries[t][q] += get(c.queries[t][q]);
        for (size_t r = 0; r < metric_rcodes; ++r) s.responses[r] += get(c.responses[r]);
        s.dropped += get(c.dropped);
        s.truncated += get(c.truncated);
        s.udp_send_errors += get(c.udp_send_errors);
        s.tcp_accepted += get(c.tcp_accepted);
        s.tcp_refused += get(c.tcp_refused);
        s.tcp_refused_per_address += get(c.tcp_refused_per_address);
        s.tcp_timed_out += get(c.tcp_timed_out);
        s.tcp_errors += get(c.tcp_errors);
        s.tcp_open += get(c.tcp_open);
    }
    return s;
}

std::string render_prometheus(const ServerCounters& c) {
    std::string out;
    auto line = [&](std::string_view text) {
        out += text;
        out += '\n';
    };
    line("# HELP dns_queries_total DNS queries received, by transport and question type.");
    line("# TYPE dns_queries_total counter");
    for (size_t t = 0; t < metric_transports; ++t)
        for (size_t q = 0; q < metric_qtypes; ++q)
            line(cat("dns_queries_total{transport=\"", metric_transport_name(t), "\",type=\"",
                     metric_qtype_name(q), "\"} ", c.queries[t][q]));
    line("# HELP dns_responses_total DNS responses sent, by rcode.");
    line("# TYPE dns_responses_total counter");
    for (size_t r = 0; r < metric_rcodes; ++r) {
        bool unassigned = (r >= 12 && r <= 15) || r == metric_rcodes - 1;
        if (unassigned && c.responses[r] == 0) continue;
        line(cat("dns_responses_total{rcode=\"", metric_rcode_name(r), "\"} ", c.responses[r]));
    }
    auto counter = [&](std::string_view name, std::string_view help, uint64_t v,
                       std::string_view type = "counter") {
        line(cat("# HELP ", name, " ", help));
        line(cat("# TYPE ", name, " ", type));
        line(cat(name, " ", v));
    };
    counter("dns_dropped_total", "DNS messages received and not answered.", c.dropped);
    counter("dns_truncated_total", "UDP responses sent with TC set.", c.truncated);
    counter("dns_udp_send_errors_total", "UDP responses the kernel did not send.",
            c.udp_send_errors);
    counter("dns_tcp_connections_accepted_total", "TCP connections accepted and served.",
            c.tcp_accepted);
    counter("dns_tcp_connections_refused_total",
            "TCP connections closed at once because the connection limit was reached.",
            c.tcp_refused);
    counter("dns_tcp_connections_refused_per_address_total",
            "TCP connections closed at once because the client's per-address limit was reached.",
            c.tcp_refused_per_address);
    counter("dns_tcp_connections_timed_out_total", "TCP connections closed after the idle timeout.",
            c.tcp_timed_out);
    counter("dns_tcp_connections_errors_total",
            "TCP connections closed on a socket or framing error.", c.tcp_errors);
    counter("dns_tcp_connections_open", "TCP connections open now.", c.tcp_open, "gauge");
    return out;
}

} // namespace endpointdns::serve
