// SPDX-License-Identifier: MIT
// NOTIFY out: one thread, one UDP socket per address family, retries with a doubling timeout.
#include "serve/notifier.hpp"

#include "dns/message.hpp"
#include "dns/rr.hpp"
#include "error.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/syslog.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <map>
#include <random>

namespace endpointdns::serve {

namespace {

uint64_t now_ms() {
    return uint64_t(std::chrono::duration_cast<std::chrono::milliseconds>(
                        std::chrono::steady_clock::now().time_since_epoch())
                        .count());
}

// One NOTIFY waiting for its answer.
struct Pending {
    Name origin;
    uint32_t serial = 0;
    size_t target = 0;
    uint16_t id = 0;
    unsigned sends = 0;
    uint64_t due = 0;                                   // ms: send (again) at this time
    const std::optional<dns::tsig::Key>* key = nullptr; // signs it when set
    std::string mac;                                    // of the last NOTIFY sent, when signed
    // The zone's SOA as announced (RFC 1996 3.7: the answer section may carry it, so that the
    // secondary logs the serial and may skip its SOA query when it already has that version).
    uint16_t soa_class = dns::rrclass::IN;
    uint32_t soa_ttl = 0;
    std::string soa_rdata; // uncompressed; empty: no SOA is sent
};

uint16_t get16(const uint8_t* p) {
    return uint16_t(p[0] << 8 | p[1]);
}

// Takes the SOA of `z` into `p`: the apex RRset's one record, stored as
// [C0 0C][type][class][ttl][rdlength][rdata].
void take_soa(Pending& p, const ServeZone& z) {
    p.soa_rdata.clear();
    RrsetView soa = z.apex().find(dns::rrtype::SOA);
    if (!soa || soa.wire.size() < 12) return;
    const auto* w = reinterpret_cast<const uint8_t*>(soa.wire.data());
    size_t rdlen = get16(w + 10);
    if (12 + rdlen > soa.wire.size()) return;
    p.soa_class = get16(w + 4);
    p.soa_ttl = uint32_t(w[6]) << 24 | uint32_t(w[7]) << 16 | uint32_t(w[8]) << 8 | w[9];
    p.soa_rdata.assign(soa.wire.substr(12, rdlen));
}

bool same_endpoint(const sockaddr_storage& a, const sockaddr_storage& b) {
    if (a.ss_family != b.ss_family) return false;
    if (a.ss_family == AF_INET) {
        const auto* x = reinterpret_cast<const sockaddr_in*>(&a);
        const auto* y = reinterpret_cast<const sockaddr_in*>(&b);
        return x->sin_port == y->sin_port &&
               std::memcmp(&x->sin_addr, &y->sin_addr, sizeof x->sin_addr) == 0;
    }
    if (a.ss_family == AF_INET6) {
        const auto* x = reinterpret_cast<const sockaddr_in6*>(&a);
        const auto* y = reinterpret_cast<const sockaddr_in6*>(&b);
        return x->sin6_port == y->sin6_port &&
               std::memcmp(&x->sin6_addr, &y->sin6_addr, sizeof x->sin6_addr) == 0;
    }
    return false;
}

} // namespace

Result<NotifyTarget> parse_notify_target(const std::string& text) {
    NotifyTarget t;
    t.text = text;
    std::string host = text, port = "53";
    if (!text.empty() && text[0] == '[') {
        size_t close = text.find(']');
        if (close == std::string::npos) return fail("'" + text + "': expected [IPV6]:PORT");
        host = text.substr(1, close - 1);
        if (close + 1 < text.size()) {
            if (text[close + 1] != ':') return fail("'" + text + "': expected [IPV6]:PORT");
            port = text.substr(close + 2);
        }
    } else if (size_t colon = text.rfind(':'); colon != std::string::npos) {
        if (text.find(':') != colon) return fail("'" + text + "': IPv6 addresses go in brackets");
        host = text.substr(0, colon);
        port = text.substr(colon + 1);
    }
    if (port.empty() || port.size() > 5 ||
        port.find_first_not_of("0123456789") != std::string::npos || std::stoul(port) == 0 ||
        std::stoul(port) > 65535)
        return fail("'" + text + "': the port must be a number from 1 to 65535");
    auto p = uint16_t(std::stoul(port));
    auto* in4 = reinterpret_cast<sockaddr_in*>(&t.addr);
    auto* in6 = reinterpret_cast<sockaddr_in6*>(&t.addr);
    if (inet_pton(AF_INET, host.c_str(), &in4->sin_addr) == 1) {
        in4->sin_family = AF_INET;
        in4->sin_port = htons(p);
        t.len = sizeof(sockaddr_in);
    } else if (inet_pton(AF_INET6, host.c_str(), &in6->sin6_addr) == 1) {
        in6->sin6_family = AF_INET6;
        in6->sin6_port = htons(p);
        t.len = sizeof(sockaddr_in6);
    } else {
        return fail("'" + text + "': not an IP address");
    }
    return t;
}

size_t
read_datagrams(int fd, size_t max,
               const std::function<void(const uint8_t*, size_t, const sockaddr_storage&)>& on) {
    if (fd < 0) return 0;
    uint8_t buf[4096];
    size_t got = 0;
    while (got < max) {
        sockaddr_storage from{};
        socklen_t len = sizeof from;
        ssize_t n =
            ::recvfrom(fd, buf, sizeof buf, MSG_DONTWAIT, reinterpret_cast<sockaddr*>(&from), &len);
        if (n < 0) {
            if (errno == EINTR) continue;
            break; // EAGAIN: drained (or an error: poll says when to try again)
        }
        ++got;
        on(buf, size_t(n), from);
    }
    return got;
}

bool notify_answer_matches(const uint8_t* msg, size_t len, const sockaddr_storage& from,
                           const NotifyTarget& target, uint16_t id, const Name& origin,
                           const dns::tsig::Key* key, const std::string& request_mac) {
    if (len < dns::header_size || !(msg[2] & 0x80) ||
        ((msg[2] >> 3) & 0xF) != dns::opcode::NOTIFY || uint16_t(msg[0] << 8 | msg[1]) != id ||
        !same_endpoint(from, target.addr))
        return false;
    if (uint16_t(msg[4] << 8 | msg[5]) != 1) return false;
    size_t end = 0;
    auto qname = Name::from_wire(msg, len, dns::header_size, &end, false);
    if (!qname || len - end < 4 || !(*qname == origin)) return false;
    if (!key) return true;
    std::string mac = request_mac;
    return dns::tsig::verify_response(msg, len, *key, mac, true);
}

Notifier::Notifier(const Published& zones, NotifyOptions opts, Log log)
    : zones_(zones), opts_(std::move(opts)), log_(std::move(log)) {
    // One entry per distinct target: a secondary of several zones shares its pending list.
    auto add = [&](const std::string& s) {
        for (size_t i = 0; i < targets_.size(); ++i)
            if (targets_[i].text == s) return i;
        auto t = parse_notify_target(s);
        if (!t) throw Error(ex_config, "transfer.notify: " + t.error());
        targets_.push_back(*t);
        return targets_.size() - 1;
    };
    for (const auto& s : opts_.targets) global_.targets.push_back(add(s));
    global_.key = &opts_.key;
    for (const auto& z : opts_.zones) {
        Route& r = zone_routes_[z.zone.lowercased().to_text()];
        for (const auto& s : z.targets) r.targets.push_back(add(s));
        r.key = &z.key;
    }
}

const Notifier::Route& Notifier::route(const ServeZone& z) const {
    if (zone_routes_.empty()) return global_;
    auto it = zone_routes_.find(z.origin().lowercased().to_text());
    return it == zone_routes_.end() ? global_ : it->second;
}

Notifier::~Notifier() {
    stop();
}

std::string Notifier::render_prometheus() const {
    std::string out;
    auto counter = [&](const char* name, const char* help, uint64_t v) {
        out += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " counter\n" +
               name + " " + std::to_string(v) + "\n";
    };
    counter("dns_notify_sent_total", "NOTIFY messages sent to secondaries.", sent_.load());
    counter("dns_notify_answered_total", "NOTIFY messages secondaries answered.", answered_.load());
    counter("dns_notify_failed_total", "Zone changes a secondary never acknowledged.",
            failed_.load());
    return out;
}

void Notifier::start() {
    if (targets_.empty() || thread_.joinable()) return;
    // The zones loaded at start are taken as known (the secondaries check the SOA on their
    // own refresh timer).
    start_generation_ = zones_.generation();
    known_.clear();
    for (const auto& z : zones_.load()->zones())
        known_[std::string(z->lower_origin())] = z->serial();
    thread_ = std::thread([this] { run(); });
}

void Notifier::stop() {
    {
        std::lock_guard l(mu_);
        stopping_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
}

void Notifier::run() {
    int fd4 = ::socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    int fd6 = ::socket(AF_INET6, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    std::mt19937 rng{std::random_device{}()};
    // The serials announced so far, from the zone set start() found.
    std::map<std::string, uint32_t> known = std::move(known_);
    uint64_t gen = start_generation_;
    std::vector<Pending> pending;

    auto send = [&](Pending& p) {
        const NotifyTarget& t = targets_[p.target];
        dns::MessageBuilder b(512);
        p.id = uint16_t(rng());
        b.reset(p.id, uint16_t(dns::opcode::NOTIFY << 11 | dns::flag::AA));
        b.add_question(p.origin, dns::rrtype::SOA, dns::rrclass::IN);
        if (!p.soa_rdata.empty())
            b.add_rr(dns::Section::answer, p.origin.wire(), dns::rrtype::SOA, p.soa_class,
                     p.soa_ttl, p.soa_rdata);
        std::string msg(b.data()); // signed after the SOA: the MAC covers it
        if (p.key && *p.key) {
            dns::tsig::Signer s(**p.key, {}, uint64_t(::time(nullptr)));
            s.sign(msg);
            p.mac = s.last_mac();
        }
        int fd = t.addr.ss_family == AF_INET ? fd4 : fd6;
        ::sendto(fd, msg.data(), msg.size(), MSG_DONTWAIT,
                 reinterpret_cast<const sockaddr*>(&t.addr), t.len);
        ++sent_;
        ++p.sends;
        p.due = now_ms() + (uint64_t(opts_.first_timeout_ms) << (p.sends - 1));
    };
    // At most notify_answers_per_round datagrams per socket and round.
    auto receive = [&](int fd) {
        read_datagrams(
            fd, notify_answers_per_round,
            [&](const uint8_t* msg, size_t n, const sockaddr_storage& from) {
                for (size_t i = 0; i < pending.size(); ++i) {
                    Pending& p = pending[i];
                    const NotifyTarget& t = targets_[p.target];
                    if (!notify_answer_matches(msg, n, from, t, p.id, p.origin,
                                               p.key && *p.key ? &**p.key : nullptr, p.mac))
                        continue;
                    ++answered_;
                    unsigned rc = msg[3] & 0xF;
                    if (rc != 0)
                        log_(LOG_WARNING, "NOTIFY of " + p.origin.to_text() + " to " + t.text +
                                              ": answered with rcode " + std::to_string(rc));
                    pending.erase(pending.begin() + long(i));
                    return;
                }
            });
    };

    std::unique_lock lock(mu_);
    while (!stopping_) {
        uint64_t now = now_ms();
        uint64_t wait = opts_.poll_ms;
        for (const auto& p : pending) wait = std::min(wait, p.due > now ? p.due - now : 0);
        lock.unlock();
        pollfd pfd[2] = {{fd4, POLLIN, 0}, {fd6, POLLIN, 0}};
        ::poll(pfd, 2, int(wait));
        receive(fd4);
        receive(fd6);
        if (uint64_t g = zones_.generation(); g != gen) {
            gen = g;
            for (const auto& z : zones_.load()->zones()) {
                std::string key(z->lower_origin());
                auto it = known.find(key);
                if (it != known.end() && it->second == z->serial()) continue;
                known[key] = z->serial();
                const Route& r = route(*z);
                for (size_t t : r.targets) {
                    // A newer change replaces a NOTIFY still waiting for the same target.
                    bool replaced = false;
                    for (auto& p : pending)
                        if (p.target == t && p.origin == z->origin()) {
                            p.serial = z->serial();
                            p.sends = 0;
                            p.key = r.key;
                            take_soa(p, *z);
                            replaced = true;
                            send(p);
                        }
                    if (!replaced) {
                        Pending p;
                        p.origin = z->origin();
                        p.serial = z->serial();
                        p.target = t;
                        p.key = r.key;
                        take_soa(p, *z);
                        pending.push_back(std::move(p));
                        send(pending.back());
                    }
                }
            }
        }
        now = now_ms();
        for (size_t i = 0; i < pending.size();) {
            Pending& p = pending[i];
            if (p.due > now) {
                ++i;
                continue;
            }
            if (p.sends >= opts_.attempts) {
                ++failed_;
                log_(LOG_WARNING, "NOTIFY of " + p.origin.to_text() + " serial " +
                                      std::to_string(p.serial) + " to " + targets_[p.target].text +
                                      ": no answer after " + std::to_string(p.sends) + " tries");
                pending.erase(pending.begin() + long(i));
                continue;
            }
            send(p);
            ++i;
        }
        lock.lock();
    }
    if (fd4 >= 0) ::close(fd4);
    if (fd6 >= 0) ::close(fd6);
}

} // namespace endpointdns::serve
