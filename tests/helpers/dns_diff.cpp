// SPDX-License-Identifier: MIT
// dns-diff: sends the same queries to two DNS servers and prints every difference between their
// answers.
//
// Usage: dns-diff --a HOST:PORT --b HOST:PORT [--allow FILE] [--timeout MS] [--verbose] QUERIES
//
// QUERIES holds one query per line, `NAME TYPE [option...]` ('#' starts a comment):
//   tcp          send over TCP (default UDP)
//   noedns       no OPT record (default: EDNS(0), payload 1232, DO clear)
//   bufsize=N    advertised UDP payload size      do         set the DO bit
//   ednsver=N    EDNS version (BADVERS above 0)   class=C    IN (default), CH, HS, NONE, ANY, or a
//   number opcode=N     header opcode 0..15              rd, cd, ad set that header flag case
//   randomize the letter case of NAME, deterministically (seeded by the line) hex=HEX      send
//   these bytes as the query instead (NAME and TYPE only label the line;
//                `hex=...` may also stand alone); the ID is the one in HEX
// Both servers get the same bytes, ID included. The comparison covers: whether an answer came
// back at all; opcode; rcode including the extended bits of the OPT record; flags QR AA TC RD
// RA AD CD; the question section byte for byte (letter case included); answer, authority and
// additional as multisets of records in canonical form (owner and RDATA names lower-cased, TTL
// kept); and the OPT record (presence, version, payload size, DO and other flags, options).
// A UDP answer with TC set in either reply is compared on everything but the three record
// sections, whose content a truncated answer does not fix.
//
// Every difference is one line on stdout, `query 'LINE' (line N): ASPECT: ...`, followed by a
// summary line. An allow file (--allow) lists known differences, one per line, as
// `PATTERN | ASPECTS | REASON`: PATTERN is a shell glob matched against the query line (tokens
// joined by single spaces), ASPECTS a comma-separated list of response, opcode, rcode, flags,
// question, answer, authority, additional, opt (or *), REASON why the difference is allowed;
// a matching difference is counted as allowed and not printed. Exit status: 0 no differences,
// 1 differences, 64 usage, 65 bad query or allow file, 66 unreadable file, 69 bad server address.
#include <arpa/inet.h>
#include <fnmatch.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <future>
#include <memory>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

// After the standard headers: ldns/common.h may define bool, true and false as macros.
#include <ldns/ldns.h>

namespace {

using Bytes = std::vector<uint8_t>;

struct PktFree {
    void operator()(ldns_pkt* p) const { ldns_pkt_free(p); }
};
struct RrFree {
    void operator()(ldns_rr* r) const { ldns_rr_free(r); }
};
struct RdfFree {
    void operator()(ldns_rdf* r) const { ldns_rdf_deep_free(r); }
};
struct CharFree {
    void operator()(char* s) const { std::free(s); }
};
struct Fd {
    int fd = -1;
    explicit Fd(int f) : fd(f) {}
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    ~Fd() {
        if (fd >= 0) ::close(fd);
    }
};

struct Exit {
    int code;
    std::string msg;
};
[[noreturn]] void die(int code, const std::string& msg) {
    throw Exit{code, msg};
}

std::string take(char* s) {
    std::unique_ptr<char, CharFree> owned(s);
    std::string out = s ? s : "(unprintable)";
    while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
    return out;
}

std::vector<std::string> split_ws(const std::string& line) {
    std::istringstream in(line);
    std::vector<std::string> out;
    for (std::string t; in >> t;) out.push_back(t);
    return out;
}

std::string trim(const std::string& s) {
    size_t b = s.find_first_not_of(" \t"), e = s.find_last_not_of(" \t");
    return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

// ---------------------------------------------------------------- queries

struct Query {
    int line = 0;
    std::string text; // tokens joined by single spaces
    Bytes wire;
    bool tcp = false;
};

unsigned long number(const std::string& v, unsigned long max, const std::string& where) {
    char* end = nullptr;
    errno = 0;
    unsigned long n = std::strtoul(v.c_str(), &end, 0);
    if (v.empty() || *end || errno || n > max) die(65, where + ": bad number '" + v + "'");
    return n;
}

void put16(Bytes& b, unsigned v) {
    b.push_back(uint8_t(v >> 8));
    b.push_back(uint8_t(v));
}

Query parse_query(const std::string& raw, int line_no, const std::string& file) {
    std::string where = file + ":" + std::to_string(line_no);
    std::vector<std::string> tok = split_ws(raw);
    Query q;
    q.line = line_no;
    for (size_t i = 0; i < tok.size(); ++i) q.text += (i ? " " : "") + tok[i];

    size_t first_opt = 2;
    if (tok[0].rfind("hex=", 0) == 0)
        first_opt = 0;
    else if (tok.size() < 2)
        die(65, where + ": expected NAME TYPE [options]");
    bool edns = true, do_bit = false, rd = false, cd = false, ad = false, mix = false;
    unsigned bufsize = 1232, version = 0, opcode = 0;
    uint16_t qclass = LDNS_RR_CLASS_IN;
    std::optional<Bytes> hex;
    for (size_t i = first_opt; i < tok.size(); ++i) {
        const std::string& o = tok[i];
        size_t eq = o.find('=');
        std::string key = o.substr(0, eq), val = eq == std::string::npos ? "" : o.substr(eq + 1);
        if (o == "tcp")
            q.tcp = true;
        else if (o == "noedns")
            edns = false;
        else if (o == "do")
            do_bit = true;
        else if (o == "rd")
            rd = true;
        else if (o == "cd")
            cd = true;
        else if (o == "ad")
            ad = true;
        else if (o == "case")
            mix = true;
        else if (key == "bufsize")
            bufsize = unsigned(number(val, 65535, where));
        else if (key == "ednsver")
            version = unsigned(number(val, 255, where));
        else if (key == "opcode")
            opcode = unsigned(number(val, 15, where));
        else if (key == "class") {
            qclass = ldns_get_rr_class_by_name(val.c_str());
            if (qclass == 0) qclass = uint16_t(number(val, 65535, where));
        } else if (key == "hex") {
            if (val.size() % 2 || val.size() < 24)
                die(65, where + ": hex= needs 12 or more octets");
            Bytes b;
            for (size_t k = 0; k < val.size(); k += 2) {
                if (!std::isxdigit(uint8_t(val[k])) || !std::isxdigit(uint8_t(val[k + 1])))
                    die(65, where + ": hex= holds a non-hex character");
                b.push_back(uint8_t(std::stoul(val.substr(k, 2), nullptr, 16)));
            }
            hex = b;
        } else
            die(65, where + ": unknown option '" + o + "'");
    }
    if (hex) {
        q.wire = *hex;
        return q;
    }

    std::string name = tok[0];
    if (name.back() != '.') name += '.';
    ldns_rdf* rdf_raw = nullptr;
    if (ldns_str2rdf_dname(&rdf_raw, name.c_str()) != LDNS_STATUS_OK)
        die(65, where + ": bad name '" + tok[0] + "'");
    std::unique_ptr<ldns_rdf, RdfFree> rdf(rdf_raw);
    uint16_t qtype = ldns_get_rr_type_by_name(tok[1].c_str());
    if (qtype == 0 && tok[1] != "TYPE0") die(65, where + ": unknown type '" + tok[1] + "'");

    // The ID and the letter case come from the line's text, so a rerun sends the same bytes.
    uint32_t seed = 2166136261u;
    for (char c : q.text) seed = (seed ^ uint8_t(c)) * 16777619u;
    put16(q.wire, (seed ^ (seed >> 16)) & 0xffff);
    q.wire.push_back(uint8_t(opcode << 3 | (rd ? 1 : 0)));
    q.wire.push_back(uint8_t((ad ? 0x20 : 0) | (cd ? 0x10 : 0)));
    put16(q.wire, 1);
    put16(q.wire, 0);
    put16(q.wire, 0);
    put16(q.wire, edns ? 1 : 0);
    const uint8_t* d = ldns_rdf_data(rdf.get());
    size_t n = ldns_rdf_size(rdf.get());
    for (size_t p = 0; p < n;) { // labels: keep length octets, flip letters when asked
        size_t len = d[p];
        q.wire.push_back(d[p++]);
        for (size_t k = 0; k < len && p < n; ++k, ++p) {
            uint8_t c = d[p];
            if (mix && std::isalpha(c)) {
                seed = seed * 1103515245u + 12345u;
                c = (seed >> 16) & 1 ? uint8_t(std::toupper(c)) : uint8_t(std::tolower(c));
            }
            q.wire.push_back(c);
        }
    }
    put16(q.wire, qtype);
    put16(q.wire, qclass);
    if (edns) {
        q.wire.push_back(0); // root owner
        put16(q.wire, LDNS_RR_TYPE_OPT);
        put16(q.wire, bufsize);
        q.wire.push_back(0); // extended rcode
        q.wire.push_back(uint8_t(version));
        put16(q.wire, do_bit ? 0x8000 : 0);
        put16(q.wire, 0); // no options
    }
    return q;
}

std::vector<Query> read_queries(const std::string& path) {
    std::ifstream in(path);
    if (!in) die(66, "cannot open " + path + ": " + std::strerror(errno));
    std::vector<Query> out;
    int n = 0;
    for (std::string line; std::getline(in, line);) {
        ++n;
        if (size_t h = line.find('#'); h != std::string::npos) line.erase(h);
        if (!trim(line).empty()) out.push_back(parse_query(line, n, path));
    }
    return out;
}

// ---------------------------------------------------------------- allow list

struct Allow {
    std::string pattern;
    std::set<std::string> aspects; // empty: all
    int line;
    int used = 0;
};

const std::set<std::string> all_aspects = {
    "response", "opcode", "rcode", "flags", "question", "answer", "authority", "additional", "opt"};

std::vector<Allow> read_allow(const std::string& path) {
    std::ifstream in(path);
    if (!in) die(66, "cannot open " + path + ": " + std::strerror(errno));
    std::vector<Allow> out;
    int n = 0;
    for (std::string line; std::getline(in, line);) {
        ++n;
        if (trim(line).empty() || trim(line)[0] == '#') continue;
        std::string where = path + ":" + std::to_string(n);
        size_t p1 = line.find('|'), p2 = p1 == std::string::npos ? p1 : line.find('|', p1 + 1);
        if (p2 == std::string::npos) die(65, where + ": expected PATTERN | ASPECTS | REASON");
        Allow a{trim(line.substr(0, p1)), {}, n};
        if (trim(line.substr(p2 + 1)).empty())
            die(65, where + ": an allowed difference needs a reason");
        std::string aspects = trim(line.substr(p1 + 1, p2 - p1 - 1));
        std::istringstream as(aspects);
        for (std::string x; std::getline(as, x, ',');) {
            x = trim(x);
            if (x == "*") continue;
            if (!all_aspects.count(x)) die(65, where + ": unknown aspect '" + x + "'");
            a.aspects.insert(x);
        }
        std::string norm;
        for (const std::string& t : split_ws(a.pattern)) norm += (norm.empty() ? "" : " ") + t;
        a.pattern = norm;
        if (a.pattern.empty()) die(65, where + ": empty pattern");
        out.push_back(a);
    }
    return out;
}

// ---------------------------------------------------------------- transport

struct Server {
    std::string label;
    sockaddr_storage addr{};
    socklen_t len = 0;
};

Server parse_server(const std::string& label, const std::string& spec) {
    size_t colon = spec.rfind(':');
    if (colon == std::string::npos)
        die(64, "--" + label + ": expected HOST:PORT, got '" + spec + "'");
    std::string host = spec.substr(0, colon), port = spec.substr(colon + 1);
    if (host.size() > 1 && host.front() == '[' && host.back() == ']')
        host = host.substr(1, host.size() - 2);
    addrinfo hints{};
    hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
    addrinfo* res = nullptr;
    if (getaddrinfo(host.c_str(), port.c_str(), &hints, &res) != 0 || !res)
        die(69, "--" + label + ": not a numeric address and port: '" + spec + "'");
    Server s{label == "a" ? "A" : "B", {}, socklen_t(res->ai_addrlen)};
    std::memcpy(&s.addr, res->ai_addr, res->ai_addrlen);
    freeaddrinfo(res);
    return s;
}

struct Reply {
    Bytes wire;
    std::string error; // non-empty: no answer
};

using Clock = std::chrono::steady_clock;

bool wait_fd(int fd, short ev, Clock::time_point deadline) {
    auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) return false;
    pollfd p{fd, ev, 0};
    return ::poll(&p, 1, int(left)) > 0;
}

Reply ask(const Server& s, const Query& q, int timeout_ms) {
    auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
    Fd fd(::socket(s.addr.ss_family, q.tcp ? SOCK_STREAM : SOCK_DGRAM, 0));
    if (fd.fd < 0) return {{}, std::string("socket: ") + std::strerror(errno)};
    if (::connect(fd.fd, reinterpret_cast<const sockaddr*>(&s.addr), s.len) != 0)
        return {{}, std::string("connect: ") + std::strerror(errno)};
    Bytes out;
    if (q.tcp) put16(out, unsigned(q.wire.size()));
    out.insert(out.end(), q.wire.begin(), q.wire.end());
    if (::send(fd.fd, out.data(), out.size(), MSG_NOSIGNAL) != ssize_t(out.size()))
        return {{}, std::string("send: ") + std::strerror(errno)};
    Bytes buf(65535 + 2);
    if (!q.tcp) {
        for (;;) { // skip datagrams that do not carry our ID
            if (!wait_fd(fd.fd, POLLIN, deadline)) return {{}, "no answer (timeout)"};
            ssize_t n = ::recv(fd.fd, buf.data(), buf.size(), 0);
            if (n < 0) return {{}, std::string("recv: ") + std::strerror(errno)};
            if (n >= 2 && q.wire.size() >= 2 && buf[0] == q.wire[0] && buf[1] == q.wire[1])
                return {Bytes(buf.begin(), buf.begin() + n), ""};
        }
    }
    size_t have = 0, need = 2;
    while (have < need) {
        if (!wait_fd(fd.fd, POLLIN, deadline)) return {{}, "no answer (timeout)"};
        ssize_t n = ::recv(fd.fd, buf.data() + have, need - have, 0);
        if (n < 0) return {{}, std::string("recv: ") + std::strerror(errno)};
        if (n == 0) return {{}, "no answer (connection closed)"};
        have += size_t(n);
        if (have == 2 && need == 2) need = 2 + (size_t(buf[0]) << 8 | buf[1]);
    }
    return {Bytes(buf.begin() + 2, buf.begin() + need), ""};
}

// ---------------------------------------------------------------- comparison

// What a reply is compared on, taken from the wire directly (header, question bytes, OPT) and
// through ldns (the records of the three sections).
struct View {
    std::string parse_error;
    unsigned opcode = 0, rcode = 0;
    std::string flags;
    Bytes question;
    std::string question_text;
    std::multiset<std::string> sect[3];
    int opt_count = 0;
    std::string opt; // description of the OPT record
    bool tc = false;
    std::string dump; // ldns_pkt2str, for --verbose
};

// Skips a name in wire format at p; returns false when it runs past the end.
bool skip_name(const Bytes& w, size_t& p) {
    while (p < w.size()) {
        uint8_t l = w[p];
        if ((l & 0xc0) == 0xc0) return (p += 2) <= w.size();
        if (l & 0xc0) return false;
        p += 1 + l;
        if (l == 0) return true;
    }
    return false;
}

View view(const Bytes& w) {
    View v;
    if (w.size() < 12) {
        v.parse_error = "message of " + std::to_string(w.size()) + " octets";
        return v;
    }
    v.opcode = (w[2] >> 3) & 15;
    v.rcode = w[3] & 15;
    v.tc = w[2] & 0x02;
    const std::pair<bool, const char*> fl[] = {
        {bool(w[2] & 0x80), "qr"}, {bool(w[2] & 0x04), "aa"}, {bool(w[2] & 0x02), "tc"},
        {bool(w[2] & 0x01), "rd"}, {bool(w[3] & 0x80), "ra"}, {bool(w[3] & 0x40), "z"},
        {bool(w[3] & 0x20), "ad"}, {bool(w[3] & 0x10), "cd"}};
    for (auto& [on, name] : fl)
        if (on) v.flags += (v.flags.empty() ? "" : " ") + std::string(name);
    if (v.flags.empty()) v.flags = "(none)";

    unsigned counts[4];
    for (int i = 0; i < 4; ++i) counts[i] = unsigned(w[4 + 2 * i]) << 8 | w[5 + 2 * i];
    size_t p = 12;
    for (unsigned i = 0; i < counts[0]; ++i) {
        size_t start = p;
        if (!skip_name(w, p) || (p += 4) > w.size()) {
            v.parse_error = "question runs past the end";
            return v;
        }
        v.question.insert(v.question.end(), w.begin() + long(start), w.begin() + long(p));
    }
    for (unsigned i = 0; i < counts[1] + counts[2] + counts[3]; ++i) {
        size_t owner = p;
        if (!skip_name(w, p) || p + 10 > w.size()) {
            v.parse_error = "record runs past the end";
            return v;
        }
        unsigned type = unsigned(w[p]) << 8 | w[p + 1], klass = unsigned(w[p + 2]) << 8 | w[p + 3];
        uint32_t ttl = uint32_t(w[p + 4]) << 24 | uint32_t(w[p + 5]) << 16 |
                       uint32_t(w[p + 6]) << 8 | w[p + 7];
        size_t rdlen = size_t(w[p + 8]) << 8 | w[p + 9];
        p += 10;
        if (p + rdlen > w.size()) {
            v.parse_error = "RDATA runs past the end";
            return v;
        }
        if (type == LDNS_RR_TYPE_OPT && i >= counts[1] + counts[2]) {
            ++v.opt_count;
            v.rcode |= (ttl >> 24) << 4;
            char b[160];
            std::snprintf(b, sizeof b, "owner %s, version %u, udp %u, do %u, z 0x%04x, options ",
                          w[owner] == 0 ? "." : "not root", (ttl >> 16) & 0xff, klass,
                          (ttl >> 15) & 1, ttl & 0x7fff);
            v.opt += b;
            for (size_t k = 0; k < rdlen; ++k) {
                std::snprintf(b, sizeof b, "%02x", w[p + k]);
                v.opt += b;
            }
            if (rdlen == 0) v.opt += "none";
        }
        p += rdlen;
    }
    if (p != w.size()) {
        v.parse_error = std::to_string(w.size() - p) + " octets after the last record";
        return v;
    }

    ldns_pkt* raw = nullptr;
    ldns_status st = ldns_wire2pkt(&raw, w.data(), w.size());
    std::unique_ptr<ldns_pkt, PktFree> pkt(raw);
    if (st != LDNS_STATUS_OK || !pkt) {
        v.parse_error = std::string("ldns: ") + ldns_get_errorstr_by_id(st);
        return v;
    }
    v.dump = take(ldns_pkt2str(pkt.get()));
    ldns_rr_list* q = ldns_pkt_question(pkt.get());
    for (size_t i = 0; q && i < ldns_rr_list_rr_count(q); ++i)
        v.question_text += (i ? ", " : "") + take(ldns_rr2str(ldns_rr_list_rr(q, i)));
    ldns_rr_list* lists[3] = {ldns_pkt_answer(pkt.get()), ldns_pkt_authority(pkt.get()),
                              ldns_pkt_additional(pkt.get())};
    for (int s = 0; s < 3; ++s)
        for (size_t i = 0; lists[s] && i < ldns_rr_list_rr_count(lists[s]); ++i) {
            std::unique_ptr<ldns_rr, RrFree> rr(ldns_rr_clone(ldns_rr_list_rr(lists[s], i)));
            ldns_rr2canonical(rr.get());
            std::string text = take(ldns_rr2str(rr.get()));
            std::replace(text.begin(), text.end(), '\t', ' ');
            v.sect[s].insert(text);
        }
    return v;
}

struct Report {
    int differences = 0, allowed = 0, queries_differing = 0;
    std::vector<Allow>* allow;

    // Records one difference; returns true when it was printed (not allowed).
    bool note(const Query& q, const std::string& aspect, const std::string& what) {
        for (Allow& a : *allow)
            if ((a.aspects.empty() || a.aspects.count(aspect)) &&
                fnmatch(a.pattern.c_str(), q.text.c_str(), 0) == 0) {
                ++a.used;
                ++allowed;
                return false;
            }
        ++differences;
        std::printf("query '%s' (line %d): %s: %s\n", q.text.c_str(), q.line, aspect.c_str(),
                    what.c_str());
        return true;
    }
};

std::string hex(const Bytes& b) {
    std::string s;
    char x[3];
    for (uint8_t c : b) {
        std::snprintf(x, sizeof x, "%02x", c);
        s += x;
    }
    return s.empty() ? "(empty)" : s;
}

// Compares the two replies to q; returns true when something was printed.
bool compare(const Query& q, const Reply& ra, const Reply& rb, Report& rep) {
    bool printed = false;
    auto note = [&](const std::string& aspect, const std::string& what) {
        printed |= rep.note(q, aspect, what);
    };
    if (!ra.error.empty() || !rb.error.empty()) {
        if (ra.error.empty() != rb.error.empty())
            note("response", "A: " + (ra.error.empty() ? "answered" : ra.error) +
                                 " / B: " + (rb.error.empty() ? "answered" : rb.error));
        return printed;
    }
    View a = view(ra.wire), b = view(rb.wire);
    if (!a.parse_error.empty() || !b.parse_error.empty()) {
        if (a.parse_error != b.parse_error || ra.wire != rb.wire)
            note("response",
                 "A: " + (a.parse_error.empty() ? "well-formed" : a.parse_error) +
                     " / B: " + (b.parse_error.empty() ? "well-formed" : b.parse_error));
        return printed;
    }
    auto name_rcode = [](unsigned r) {
        ldns_lookup_table* t = ldns_lookup_by_id(ldns_rcodes, int(r));
        return (t ? std::string(t->name) : "RCODE") + "(" + std::to_string(r) + ")";
    };
    if (a.opcode != b.opcode)
        note("opcode", "A=" + std::to_string(a.opcode) + " / B=" + std::to_string(b.opcode));
    if (a.rcode != b.rcode)
        note("rcode", "A=" + name_rcode(a.rcode) + " / B=" + name_rcode(b.rcode));
    if (a.flags != b.flags) note("flags", "A=" + a.flags + " / B=" + b.flags);
    if (a.question != b.question)
        note("question", "A=" + hex(a.question) + " [" + a.question_text +
                             "] / B=" + hex(b.question) + " [" + b.question_text + "]");
    if (a.opt_count != b.opt_count || a.opt != b.opt)
        note("opt",
             "A=" + (a.opt_count ? a.opt : "none") + " / B=" + (b.opt_count ? b.opt : "none"));
    if (!q.tcp && (a.tc || b.tc)) return printed;
    static const char* names[3] = {"answer", "authority", "additional"};
    for (int s = 0; s < 3; ++s) {
        std::vector<std::string> only_a, only_b;
        std::set_difference(a.sect[s].begin(), a.sect[s].end(), b.sect[s].begin(), b.sect[s].end(),
                            std::back_inserter(only_a));
        std::set_difference(b.sect[s].begin(), b.sect[s].end(), a.sect[s].begin(), a.sect[s].end(),
                            std::back_inserter(only_b));
        for (const std::string& r : only_a) note(names[s], "only in A: " + r);
        for (const std::string& r : only_b) note(names[s], "only in B: " + r);
    }
    return printed;
}

void usage_exit(int code) {
    std::fprintf(
        code ? stderr : stdout,
        "usage: dns-diff --a HOST:PORT --b HOST:PORT [--allow FILE] [--timeout MS] [--verbose] "
        "QUERIES\n");
    std::exit(code);
}

int run(int argc, char** argv) {
    std::optional<Server> sa, sb;
    std::string allow_path, queries_path;
    int timeout_ms = 1000;
    bool verbose = false;
    for (int i = 1; i < argc; ++i) {
        std::string arg = argv[i];
        auto value = [&]() -> std::string {
            if (i + 1 >= argc) die(64, arg + " needs a value");
            return argv[++i];
        };
        if (arg == "--a")
            sa = parse_server("a", value());
        else if (arg == "--b")
            sb = parse_server("b", value());
        else if (arg == "--allow")
            allow_path = value();
        else if (arg == "--timeout")
            timeout_ms = int(number(value(), 60000, "--timeout"));
        else if (arg == "--verbose" || arg == "-v")
            verbose = true;
        else if (arg == "-h" || arg == "--help")
            usage_exit(0);
        else if (arg.size() > 1 && arg[0] == '-')
            die(64, "unknown option " + arg);
        else if (queries_path.empty())
            queries_path = arg;
        else
            die(64, "only one query file");
    }
    if (!sa || !sb || queries_path.empty()) usage_exit(64);
    std::vector<Allow> allow;
    if (!allow_path.empty()) allow = read_allow(allow_path);
    std::vector<Query> queries = read_queries(queries_path);
    Report rep{0, 0, 0, &allow};
    for (const Query& q : queries) {
        auto fa = std::async(std::launch::async, ask, std::cref(*sa), std::cref(q), timeout_ms);
        Reply rb = ask(*sb, q, timeout_ms);
        Reply ra = fa.get();
        if (compare(q, ra, rb, rep)) {
            ++rep.queries_differing;
            if (verbose) {
                for (auto [label, r] : {std::pair{"A", &ra}, std::pair{"B", &rb}}) {
                    std::string text = r->error.empty() ? view(r->wire).dump : r->error;
                    std::fprintf(stderr, "--- %s for '%s':\n%s\n", label, q.text.c_str(),
                                 text.c_str());
                }
            }
        }
    }
    for (const Allow& a : allow)
        if (!a.used)
            std::fprintf(stderr, "dns-diff: %s:%d: allowed difference never seen: %s\n",
                         allow_path.c_str(), a.line, a.pattern.c_str());
    std::printf("dns-diff: %zu queries, %d differ: %d differences, %d allowed\n", queries.size(),
                rep.queries_differing, rep.differences, rep.allowed);
    return rep.differences ? 1 : 0;
}

} // namespace

int main(int argc, char** argv) {
    try {
        int rc = run(argc, argv);
        if (std::fflush(stdout) != 0) return 74;
        return rc;
    } catch (const Exit& e) {
        std::fflush(stdout);
        std::fprintf(stderr, "dns-diff: %s\n", e.msg.c_str());
        return e.code;
    }
}
