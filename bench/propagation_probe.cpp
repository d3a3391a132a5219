// SPDX-License-Identifier: MIT
// propagation_probe: times record changes until every server answers them over DNS
// (bench/propagation, bench/sync).
//
// usage:
//   propagation_probe change --server LABEL=HOST:PORT [--server ...] --qname NAME
//       (--http METHOD URL BODY [--header H]... | --ddns HOST:PORT ZONE
//        | --exec CMD [--exec-input TEXT] [--exec CMD [--exec-input TEXT]]...)
//       [--changes N] [--warmup N] [--start K] [--ttl T] [--interval-us U] [--timeout S]
//       [--out FILE]
//     N changes, one after another. Change i gives NAME the A record ip(K+i) =
//     10.x.y.z (x.y.z = K+i in base 256), through
//       --http   one HTTP request (libcurl, the connection kept alive); "{ip}" in URL and BODY
//                is replaced; any 2xx answer is success;
//       --ddns   an RFC 2136 UPDATE over UDP to HOST:PORT (delete NAME's A RRset, add the new
//                record with TTL T, default 60); success is a NOERROR answer;
//       --exec   the commands in order (split on blanks, "{ip}" replaced, no shell); success is
//                exit status 0 of each. --exec-input TEXT after an --exec is that command's
//                stdin ("\n" a newline, "{ip}" replaced); without it stdin is empty.
//     From the moment the change starts (t0), every server not yet seen answering ip(i) gets
//     an A query for NAME every U microseconds (default 200) over UDP; a server is "seen" at the
//     first answer whose answer section holds NAME A ip(i). The change runs in a second thread,
//     so servers are polled while it is in flight. Per change: the time t0 -> change
//     acknowledged ("ack"), t0 -> each server seen, and t0 -> the last server seen ("all").
//     Prints, per series, "SERIES LABEL n p50 p90 p99 max mean" in milliseconds (nearest rank).
//     Without --server only the acknowledgement is timed (no "all" line).
//     --warmup changes run first and are not counted. --out writes one line per change:
//     "i ack_ms server1_ms ... all_ms". Exit 1 when a change fails or a server does not answer
//     it within S seconds (default 30).
//
//   propagation_probe soa-wait --server HOST:PORT (--zone Z... | --zones FILE) [--min-serial N]
//       [--t0-ns NS] [--window W] [--retry-ms R] [--timeout S]
//     Sends SOA queries for every zone until each is answered NOERROR with its SOA (and a serial
//     >= N when given), at most W queries outstanding (default 64), a zone retried R ms after its
//     last query (default 10). Prints "SOAWAIT zones seconds" where seconds counts from the
//     CLOCK_REALTIME time NS (default: the probe's start). Exit 1 on time-out (default 600 s).
//
//   propagation_probe log-wait --file F --match S [--match S]... --count N [--t0-ns NS]
//       [--timeout S] [--pid P]
//     Follows file F (which may not exist yet) and counts the lines holding every S; when N
//     have been seen prints "LOGWAIT N seconds" (seconds since NS, as above). Exit 1 on
//     time-out or when process P is gone first.
#include "dns/message.hpp"
#include "dns/name.hpp"
#include "dns/rr.hpp"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <deque>
#include <fcntl.h>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

using namespace endpointdns;
using Clock = std::chrono::steady_clock;

namespace {

[[noreturn]] void die(const std::string& msg, int code = 1) {
    std::cerr << "propagation_probe: " << msg << "\n";
    std::exit(code);
}

double ms_between(Clock::time_point a, Clock::time_point b) {
    return std::chrono::duration<double, std::milli>(b - a).count();
}

int64_t realtime_ns() {
    timespec ts{};
    clock_gettime(CLOCK_REALTIME, &ts);
    return int64_t(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

sockaddr_in parse_addr(const std::string& hostport) {
    auto colon = hostport.rfind(':');
    if (colon == std::string::npos) die("address must be HOST:PORT: " + hostport, 64);
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_port = htons(uint16_t(std::stoi(hostport.substr(colon + 1))));
    if (inet_pton(AF_INET, hostport.substr(0, colon).c_str(), &sa.sin_addr) != 1)
        die("not an IPv4 address: " + hostport, 64);
    return sa;
}

int udp_socket(const sockaddr_in& to) {
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) die(std::string("socket: ") + std::strerror(errno));
    if (connect(fd, reinterpret_cast<const sockaddr*>(&to), sizeof to) != 0)
        die(std::string("connect: ") + std::strerror(errno));
    return fd;
}

dns::Name must_name(const std::string& text) {
    auto n = dns::Name::parse(text.back() == '.' ? text : text + ".");
    if (!n) die("bad name " + text + ": " + n.error(), 64);
    return *n;
}

std::string query_bytes(const dns::Name& qname, uint16_t qtype, uint16_t id) {
    dns::MessageBuilder mb(512);
    mb.reset(id, 0);
    mb.add_question(qname, qtype, dns::rrclass::IN);
    return std::string(mb.data());
}

std::string ip_of(uint64_t k) {
    return "10." + std::to_string((k >> 16) & 255) + "." + std::to_string((k >> 8) & 255) + "." +
           std::to_string(k & 255);
}
std::string ip_wire(uint64_t k) {
    return std::string{char(10), char((k >> 16) & 255), char((k >> 8) & 255), char(k & 255)};
}

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
    for (size_t at = 0; (at = s.find(from, at)) != std::string::npos; at += to.size())
        s.replace(at, from.size(), to);
    return s;
}

struct Stats {
    double p50, p90, p99, max, mean;
};
Stats stats(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    auto rank = [&](double p) {
        size_t k = size_t(std::ceil(p * double(v.size())));
        return v[std::max<size_t>(k, 1) - 1];
    };
    double sum = 0;
    for (double x : v) sum += x;
    return {rank(0.50), rank(0.90), rank(0.99), v.back(), sum / double(v.size())};
}

// ------------------------------------------------------------------ the change methods

size_t collect(char* p, size_t size, size_t n, void* out) {
    auto* s = static_cast<std::string*>(out);
    if (s->size() < 4096) s->append(p, std::min(size * n, 4096 - s->size()));
    return size * n;
}

struct HttpChange {
    std::string method, url, body;
    std::vector<std::string> headers;
    std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> h{nullptr, curl_easy_cleanup};
    curl_slist* hdr = nullptr;

    void init() {
        h.reset(curl_easy_init());
        if (!h) die("curl_easy_init failed");
        for (const auto& x : headers) hdr = curl_slist_append(hdr, x.c_str());
        bool has_ct = false;
        for (const auto& x : headers)
            if (strncasecmp(x.c_str(), "content-type:", 13) == 0) has_ct = true;
        if (!has_ct) hdr = curl_slist_append(hdr, "Content-Type: application/json");
    }
    ~HttpChange() { curl_slist_free_all(hdr); }

    // Runs one change; an error message, empty on success.
    std::string run(const std::string& ip) {
        std::string u = replace_all(url, "{ip}", ip), b = replace_all(body, "{ip}", ip), out;
        CURL* c = h.get();
        curl_easy_setopt(c, CURLOPT_URL, u.c_str());
        curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method.c_str());
        curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdr);
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, b.c_str());
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, long(b.size()));
        curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
        curl_easy_setopt(c, CURLOPT_WRITEDATA, &out);
        curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
        curl_easy_setopt(c, CURLOPT_TCP_NODELAY, 1L);
        CURLcode rc = curl_easy_perform(c);
        if (rc != CURLE_OK) return std::string("HTTP request failed: ") + curl_easy_strerror(rc);
        long code = 0;
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
        if (code < 200 || code > 299)
            return method + " " + u + " answered " + std::to_string(code) + ": " + out;
        return {};
    }
};

struct DdnsChange {
    sockaddr_in to{};
    dns::Name zone, qname;
    uint32_t ttl = 60;
    uint16_t id = 1;

    std::string run(uint64_t k) {
        // RFC 2136: zone section (ZONE SOA IN), then the update section.
        dns::MessageBuilder mb;
        mb.reset(++id, uint16_t(dns::opcode::UPDATE << 11));
        mb.add_question(zone, dns::rrtype::SOA, dns::rrclass::IN);
        // "Delete an RRset": class ANY, TTL 0, no RDATA; then "add to an RRset".
        mb.add_rr(dns::Section::authority, qname.wire(), dns::rrtype::A, 255, 0, "");
        mb.add_rr(dns::Section::authority, qname.wire(), dns::rrtype::A, dns::rrclass::IN, ttl,
                  ip_wire(k));
        int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        if (fd < 0) return std::string("socket: ") + std::strerror(errno);
        timeval tv{10, 0};
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        std::string err;
        if (connect(fd, reinterpret_cast<const sockaddr*>(&to), sizeof to) != 0 ||
            send(fd, mb.data().data(), mb.size(), 0) < 0) {
            err = std::string("sending the UPDATE: ") + std::strerror(errno);
        } else {
            for (;;) {
                uint8_t buf[4096];
                ssize_t n = recv(fd, buf, sizeof buf, 0);
                if (n < 0) {
                    err = std::string("no answer to the UPDATE: ") + std::strerror(errno);
                    break;
                }
                if (n < 12 || ((buf[0] << 8) | buf[1]) != id) continue;
                unsigned rc = buf[3] & 0xF;
                if (rc != dns::rcode::NOERROR) err = "UPDATE answered rcode " + std::to_string(rc);
                break;
            }
        }
        close(fd);
        return err;
    }
};

struct ExecChange {
    std::vector<std::string> commands;
    std::vector<std::string> inputs; // per command: its stdin ("{ip}" replaced), or empty

    std::string run(const std::string& ip) {
        for (size_t c = 0; c < commands.size(); ++c) {
            const std::string& cmd = commands[c];
            std::string input = replace_all(inputs[c], "{ip}", ip);
            std::vector<std::string> words;
            std::istringstream in(replace_all(cmd, "{ip}", ip));
            for (std::string w; in >> w;) words.push_back(w);
            if (words.empty()) continue;
            std::vector<char*> argv;
            for (auto& w : words) argv.push_back(w.data());
            argv.push_back(nullptr);
            int in_pipe[2] = {-1, -1};
            if (pipe2(in_pipe, O_CLOEXEC) != 0) return std::string("pipe: ") + std::strerror(errno);
            posix_spawn_file_actions_t fa;
            posix_spawn_file_actions_init(&fa);
            posix_spawn_file_actions_adddup2(&fa, in_pipe[0], 0);
            posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
            pid_t pid = 0;
            int rc = posix_spawnp(&pid, argv[0], &fa, nullptr, argv.data(), environ);
            posix_spawn_file_actions_destroy(&fa);
            close(in_pipe[0]);
            if (rc != 0) {
                close(in_pipe[1]);
                return "cannot run " + words[0] + ": " + std::strerror(rc);
            }
            for (size_t at = 0; at < input.size();) {
                ssize_t n = write(in_pipe[1], input.data() + at, input.size() - at);
                if (n <= 0) break;
                at += size_t(n);
            }
            close(in_pipe[1]);
            int status = 0;
            while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
            }
            if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
                return "'" + replace_all(cmd, "{ip}", ip) + "' failed (status " +
                       std::to_string(status) + ")";
        }
        return {};
    }
};

// ------------------------------------------------------------------ change mode

struct Server {
    std::string label;
    sockaddr_in addr{};
    int fd = -1;
    bool seen = false;
    Clock::time_point next_send, t_seen;
};

// True when the message answers qname A with `want` among its records.
bool answers(const uint8_t* p, size_t n, const dns::Name& qname, const std::string& want) {
    auto m = dns::parse_message(p, n);
    if (!m || m->header.rcode() != dns::rcode::NOERROR) return false;
    for (const auto& rr : m->answer)
        if (rr.type == dns::rrtype::A && rr.owner == qname && rr.rdata == want) return true;
    return false;
}

int change_mode(std::vector<std::string> args) {
    std::vector<Server> servers;
    std::string qname_text, out_file, method;
    HttpChange http;
    DdnsChange ddns;
    ExecChange exec;
    long changes = 1000, warmup = 3, interval_us = 200, timeout_s = 30;
    uint64_t start = 0;
    uint32_t ttl = 60;
    for (size_t i = 0; i < args.size(); ++i) {
        auto need = [&](size_t k) {
            if (i + k >= args.size()) die(args[i] + " needs " + std::to_string(k) + " values", 64);
        };
        const std::string& a = args[i];
        if (a == "--server") {
            need(1);
            std::string v = args[++i];
            auto eq = v.find('=');
            Server s;
            s.label = eq == std::string::npos ? v : v.substr(0, eq);
            s.addr = parse_addr(eq == std::string::npos ? v : v.substr(eq + 1));
            servers.push_back(s);
        } else if (a == "--qname") {
            need(1);
            qname_text = args[++i];
        } else if (a == "--http") {
            need(3);
            method = "http";
            http.method = args[i + 1];
            http.url = args[i + 2];
            http.body = args[i + 3];
            i += 3;
        } else if (a == "--header") {
            need(1);
            http.headers.push_back(args[++i]);
        } else if (a == "--ddns") {
            need(2);
            method = "ddns";
            ddns.to = parse_addr(args[i + 1]);
            ddns.zone = must_name(args[i + 2]);
            i += 2;
        } else if (a == "--exec") {
            need(1);
            method = "exec";
            exec.commands.push_back(args[++i]);
            exec.inputs.emplace_back();
        } else if (a == "--exec-input") {
            need(1);
            if (exec.inputs.empty()) die("--exec-input belongs after an --exec", 64);
            exec.inputs.back() = replace_all(args[++i], "\\n", "\n");
        } else if (a == "--changes" || a == "--warmup" || a == "--interval-us" ||
                   a == "--timeout" || a == "--start" || a == "--ttl") {
            need(1);
            long v = std::stol(args[++i]);
            if (a == "--changes") changes = v;
            if (a == "--warmup") warmup = v;
            if (a == "--interval-us") interval_us = v;
            if (a == "--timeout") timeout_s = v;
            if (a == "--start") start = uint64_t(v);
            if (a == "--ttl") ttl = uint32_t(v);
        } else if (a == "--out") {
            need(1);
            out_file = args[++i];
        } else {
            die("unknown argument " + a, 64);
        }
    }
    if (qname_text.empty() || method.empty() || changes < 1)
        die("change needs --qname, one of --http/--ddns/--exec and --changes >= 1", 64);
    dns::Name qname = must_name(qname_text);
    ddns.qname = qname;
    ddns.ttl = ttl;
    if (method == "http") http.init();
    for (auto& s : servers) s.fd = udp_socket(s.addr);

    std::unique_ptr<FILE, decltype(&fclose)> out(nullptr, fclose);
    if (!out_file.empty()) {
        out.reset(fopen(out_file.c_str(), "w"));
        if (!out) die("cannot write " + out_file + ": " + std::strerror(errno), 73);
    }
    std::vector<double> ack_ms, all_ms;
    std::vector<std::vector<double>> server_ms(servers.size());
    uint16_t qid = 0;
    const auto interval = std::chrono::microseconds(interval_us);
    for (long i = -warmup; i < changes; ++i) {
        uint64_t k = start + uint64_t(i + warmup);
        std::string ip = ip_of(k), want = ip_wire(k);
        for (auto& s : servers) s.seen = false;
        std::atomic<bool> done{false};
        std::string err;
        Clock::time_point t_ack;
        auto t0 = Clock::now();
        std::thread worker([&] {
            if (method == "http")
                err = http.run(ip);
            else if (method == "ddns")
                err = ddns.run(k);
            else
                err = exec.run(ip);
            t_ack = Clock::now();
            done.store(true, std::memory_order_release);
        });
        for (auto& s : servers) s.next_send = t0;
        const auto deadline = t0 + std::chrono::seconds(timeout_s);
        std::vector<pollfd> pfds;
        uint8_t buf[4096];
        for (;;) {
            auto now = Clock::now();
            size_t pending = 0;
            auto wake = now + interval;
            pfds.clear();
            for (auto& s : servers) {
                if (s.seen) continue;
                ++pending;
                if (now >= s.next_send) {
                    std::string q = query_bytes(qname, dns::rrtype::A, ++qid);
                    (void)send(s.fd, q.data(), q.size(), 0);
                    s.next_send = now + interval;
                }
                wake = std::min(wake, s.next_send);
                pfds.push_back({s.fd, POLLIN, 0});
            }
            bool acked = done.load(std::memory_order_acquire);
            if (pending == 0 && acked) break;
            if (acked && !err.empty()) break; // the change failed: nothing to wait for
            if (now > deadline) break;
            auto wait = std::chrono::duration_cast<std::chrono::nanoseconds>(wake - now);
            if (wait.count() < 0) wait = {};
            timespec ts{time_t(wait.count() / 1000000000), long(wait.count() % 1000000000)};
            int rc = ppoll(pfds.data(), pfds.size(), &ts, nullptr);
            if (rc <= 0) continue;
            auto t_rx = Clock::now();
            for (auto& s : servers) {
                if (s.seen) continue;
                for (;;) {
                    ssize_t n = recv(s.fd, buf, sizeof buf, MSG_DONTWAIT);
                    if (n <= 0) break;
                    if (!s.seen && answers(buf, size_t(n), qname, want)) {
                        s.seen = true;
                        s.t_seen = t_rx;
                    }
                }
            }
        }
        worker.join();
        // Late answers to this change's queries must not be read during the next one: drain.
        for (auto& s : servers)
            while (recv(s.fd, buf, sizeof buf, MSG_DONTWAIT) > 0) {
            }
        if (!err.empty()) die("change " + std::to_string(i) + " (" + ip + "): " + err);
        for (const auto& s : servers)
            if (!s.seen)
                die("change " + std::to_string(i) + " (" + ip + "): " + s.label +
                    " did not answer it within " + std::to_string(timeout_s) + " s");
        if (i < 0) continue;
        double a = ms_between(t0, t_ack), all = 0;
        ack_ms.push_back(a);
        if (out) std::fprintf(out.get(), "%ld %.3f", i, a);
        for (size_t j = 0; j < servers.size(); ++j) {
            double v = ms_between(t0, servers[j].t_seen);
            server_ms[j].push_back(v);
            all = std::max(all, v);
            if (out) std::fprintf(out.get(), " %.3f", v);
        }
        // "all": the last server to answer the new data (the acknowledgement is not part of it;
        // a fan-out may well reach the edges before the API answers).
        all_ms.push_back(all);
        if (out) std::fprintf(out.get(), " %.3f\n", all);
        if ((i + 1) % 100 == 0)
            std::cerr << "propagation_probe: " << (i + 1) << "/" << changes << " changes\n";
    }
    auto print = [](const char* series, const std::string& label, const std::vector<double>& v) {
        Stats s = stats(v);
        std::printf("%s %s %zu %.3f %.3f %.3f %.3f %.3f\n", series, label.c_str(), v.size(), s.p50,
                    s.p90, s.p99, s.max, s.mean);
    };
    print("ack", "-", ack_ms);
    for (size_t j = 0; j < servers.size(); ++j) print("server", servers[j].label, server_ms[j]);
    if (!servers.empty()) print("all", "-", all_ms);
    for (auto& s : servers) close(s.fd);
    return 0;
}

// ------------------------------------------------------------------ soa-wait mode

int soa_wait_mode(std::vector<std::string> args) {
    std::optional<sockaddr_in> to;
    std::vector<std::string> zones;
    std::optional<uint32_t> min_serial;
    int64_t t0 = realtime_ns();
    long window = 64, retry_ms = 10, timeout_s = 600;
    for (size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        if (i + 1 >= args.size()) die(a + " needs a value", 64);
        const std::string& v = args[++i];
        if (a == "--server")
            to = parse_addr(v);
        else if (a == "--zone")
            zones.push_back(v);
        else if (a == "--zones") {
            std::ifstream in(v);
            if (!in) die("cannot read " + v, 66);
            for (std::string z; std::getline(in, z);)
                if (!z.empty()) zones.push_back(z);
        } else if (a == "--min-serial")
            min_serial = uint32_t(std::stoul(v));
        else if (a == "--t0-ns")
            t0 = std::stoll(v);
        else if (a == "--window")
            window = std::stol(v);
        else if (a == "--retry-ms")
            retry_ms = std::stol(v);
        else if (a == "--timeout")
            timeout_s = std::stol(v);
        else
            die("unknown argument " + a, 64);
    }
    if (!to || zones.empty()) die("soa-wait needs --server and --zone or --zones", 64);
    struct Z {
        dns::Name name;
        bool done = false;
        bool outstanding = false;
        Clock::time_point sent;
    };
    std::vector<Z> zs;
    for (const auto& z : zones) zs.push_back({must_name(z), false, false, {}});
    // Answers are matched to zones by their question name; the query id is the zone's index.
    int fd = udp_socket(*to);
    int rcvbuf = 4 << 20;
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
    std::map<std::string, size_t> index;
    for (size_t i = 0; i < zs.size(); ++i) index[std::string(zs[i].name.lowercased().wire())] = i;
    size_t left = zs.size(), next = 0;
    long outstanding = 0;
    std::deque<std::pair<size_t, Clock::time_point>> inflight; // in the order sent
    const auto deadline = Clock::now() + std::chrono::seconds(timeout_s);
    const auto retry = std::chrono::milliseconds(retry_ms);
    uint8_t buf[4096];
    while (left > 0) {
        auto now = Clock::now();
        if (now > deadline) {
            std::cerr << "propagation_probe: " << left << " of " << zs.size()
                      << " zones did not answer their SOA in time\n";
            return 1;
        }
        // Queries that got no answer within the retry time count as lost (the server was not
        // listening yet, or dropped them): they no longer hold a place in the window.
        while (!inflight.empty() && now - inflight.front().second >= retry) {
            auto [i, t] = inflight.front();
            inflight.pop_front();
            if (zs[i].outstanding && zs[i].sent == t) {
                zs[i].outstanding = false;
                --outstanding;
            }
        }
        for (size_t scanned = 0; scanned < zs.size() && outstanding < window; ++scanned) {
            size_t i = next;
            Z& z = zs[i];
            next = (next + 1) % zs.size();
            if (z.done || z.outstanding) continue;
            if (z.sent.time_since_epoch().count() != 0 && now - z.sent < retry) continue;
            z.sent = now;
            std::string q = query_bytes(z.name, dns::rrtype::SOA, uint16_t(i));
            // A failed send (ECONNREFUSED: nothing listened when an earlier query arrived) is
            // retried after the retry time like a lost query.
            if (send(fd, q.data(), q.size(), 0) < 0) continue;
            z.outstanding = true;
            inflight.emplace_back(i, now);
            ++outstanding;
        }
        pollfd p{fd, POLLIN, 0};
        timespec ts{0, 1000000};
        if (ppoll(&p, 1, &ts, nullptr) <= 0) continue;
        for (;;) {
            ssize_t n = recv(fd, buf, sizeof buf, MSG_DONTWAIT);
            if (n <= 0) break;
            auto m = dns::parse_message(buf, size_t(n));
            if (!m || m->question.empty()) continue;
            auto it = index.find(std::string(m->question[0].name.lowercased().wire()));
            if (it == index.end()) continue;
            Z& z = zs[it->second];
            if (z.outstanding) {
                z.outstanding = false;
                --outstanding;
            }
            if (z.done || m->header.rcode() != dns::rcode::NOERROR) continue;
            for (const auto& rr : m->answer) {
                if (rr.type != dns::rrtype::SOA) continue;
                auto soa = dns::parse_soa(rr.rdata);
                if (min_serial && (!soa || dns::serial_later(*min_serial, soa->serial))) continue;
                z.done = true;
                --left;
                break;
            }
        }
    }
    std::printf("SOAWAIT %zu %.3f\n", zs.size(), double(realtime_ns() - t0) / 1e9);
    close(fd);
    return 0;
}

// ------------------------------------------------------------------ log-wait mode

int log_wait_mode(std::vector<std::string> args) {
    std::string file;
    std::vector<std::string> matches;
    long count = 1, timeout_s = 600;
    pid_t pid = 0;
    int64_t t0 = realtime_ns();
    for (size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        if (i + 1 >= args.size()) die(a + " needs a value", 64);
        const std::string& v = args[++i];
        if (a == "--file")
            file = v;
        else if (a == "--match")
            matches.push_back(v);
        else if (a == "--count")
            count = std::stol(v);
        else if (a == "--t0-ns")
            t0 = std::stoll(v);
        else if (a == "--timeout")
            timeout_s = std::stol(v);
        else if (a == "--pid")
            pid = pid_t(std::stol(v));
        else
            die("unknown argument " + a, 64);
    }
    if (file.empty() || matches.empty()) die("log-wait needs --file and --match", 64);
    const auto deadline = Clock::now() + std::chrono::seconds(timeout_s);
    long seen = 0;
    std::string partial;
    int fd = -1;
    char buf[1 << 16];
    while (seen < count) {
        if (fd < 0) fd = open(file.c_str(), O_RDONLY | O_CLOEXEC);
        bool got = false;
        if (fd >= 0) {
            ssize_t n;
            while ((n = read(fd, buf, sizeof buf)) > 0) {
                got = true;
                partial.append(buf, size_t(n));
                size_t start = 0, nl;
                while ((nl = partial.find('\n', start)) != std::string::npos) {
                    std::string_view line(partial.data() + start, nl - start);
                    bool all = true;
                    for (const auto& m : matches)
                        if (line.find(m) == std::string_view::npos) all = false;
                    if (all) ++seen;
                    start = nl + 1;
                }
                partial.erase(0, start);
            }
        }
        if (seen >= count) break;
        if (Clock::now() > deadline) {
            std::cerr << "propagation_probe: " << seen << " of " << count << " lines in " << file
                      << " within " << timeout_s << " s\n";
            return 1;
        }
        if (pid > 0 && kill(pid, 0) != 0) {
            std::cerr << "propagation_probe: process " << pid << " is gone; " << seen << " of "
                      << count << " lines seen\n";
            return 1;
        }
        if (!got) usleep(2000);
    }
    std::printf("LOGWAIT %ld %.3f\n", seen, double(realtime_ns() - t0) / 1e9);
    if (fd >= 0) close(fd);
    return 0;
}

} // namespace

int main(int argc, char** argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    if (args.empty() || args[0] == "-h" || args[0] == "--help") {
        std::cerr << "usage: propagation_probe change|soa-wait|log-wait OPTIONS "
                     "(see bench/propagation_probe.cpp)\n";
        return args.empty() ? 64 : 0;
    }
    std::string mode = args[0];
    args.erase(args.begin());
    signal(SIGPIPE, SIG_IGN);
    curl_global_init(CURL_GLOBAL_DEFAULT);
    try {
        if (mode == "change") return change_mode(args);
        if (mode == "soa-wait") return soa_wait_mode(args);
        if (mode == "log-wait") return log_wait_mode(args);
    } catch (const std::exception& e) {
        die(std::string("bad argument: ") + e.what(), 64);
    }
    die("unknown mode " + mode + " (change, soa-wait, log-wait)", 64);
}
