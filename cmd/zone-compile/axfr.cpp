// SPDX-License-Identifier: MIT
// zone-compile --axfr: a zone fetched by AXFR over TCP from a primary (ldns), with TSIG.
#include "axfr.hpp"

#include "dns/rr.hpp"
#include "dns/tsig.hpp"
#include "error.hpp"

#include <ldns/ldns.h>
#include <poll.h>
#include <sodium.h>

#include <algorithm>
#include <arpa/inet.h>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <memory>
#include <netdb.h>
#include <unistd.h>
#include <vector>

namespace endpointdns::zonecompile {

namespace {

// A socket closed on every path.
struct Socket {
    int fd = -1;
    Socket() = default;
    Socket(const Socket&) = delete;
    Socket& operator=(const Socket&) = delete;
    ~Socket() {
        if (fd >= 0) ::close(fd);
    }
};

using Pkt = std::unique_ptr<ldns_pkt, decltype(&ldns_pkt_free)>;
using Rdf = std::unique_ptr<ldns_rdf, decltype(&ldns_rdf_deep_free)>;
using Buffer = std::unique_ptr<ldns_buffer, decltype(&ldns_buffer_free)>;

std::string rr_text(const ldns_rr* rr) {
    std::string out;
    if (char* s = ldns_rr2str(rr)) {
        out = s;
        free(s); // NOLINT: ldns allocates with malloc
    }
    while (!out.empty() && (out.back() == '\n' || out.back() == '\t')) out.pop_back();
    for (auto& c : out)
        if (c == '\t') c = ' ';
    return out;
}

std::string rdf_wire(const ldns_rdf* rdf) {
    return std::string(reinterpret_cast<const char*>(ldns_rdf_data(rdf)), ldns_rdf_size(rdf));
}

std::string rdata_wire(const ldns_rr* rr) {
    Buffer b(ldns_buffer_new(512), &ldns_buffer_free);
    if (!b || ldns_rr_rdata2buffer_wire(b.get(), rr) != LDNS_STATUS_OK)
        throw Error(ex_software, "cannot convert a transferred record to wire form");
    return std::string(reinterpret_cast<const char*>(ldns_buffer_begin(b.get())),
                       ldns_buffer_position(b.get()));
}

std::string lower(std::string s) {
    for (auto& c : s)
        if (c >= 'A' && c <= 'Z') c = char(c - 'A' + 'a');
    return s;
}

// A TSIG error (RFC 8945 5.3.2) as a word and what it likely means, or "" for none.
std::string tsig_error_text(uint16_t e) {
    switch (e) {
    case 0:
        return "";
    case dns::tsig::BADSIG:
        return "BADSIG (the key's secret or algorithm differs from the primary's)";
    case dns::tsig::BADKEY:
        return "BADKEY (the primary does not know this key name or algorithm)";
    case dns::tsig::BADTIME:
        return "BADTIME (the clocks differ by more than the fudge)";
    case dns::tsig::BADTRUNC:
        return "BADTRUNC";
    default:
        return "TSIG error " + std::to_string(e);
    }
}

// The TSIG error of an answer, as a word, or "".
std::string tsig_error(const uint8_t* msg, size_t len) {
    auto f = dns::tsig::find(msg, len);
    if (!f || !*f) return "";
    return tsig_error_text((*f)->record.error);
}

// The key of a key file as lib/dns/tsig uses it (any algorithm zone-compile(1) names).
dns::tsig::Key tsig_key(const dns::TsigKey& k, const std::string& what) {
    dns::tsig::Key key;
    auto name = dns::Name::parse(k.name);
    auto alg = dns::tsig::client_algorithm_from_text(k.algorithm);
    std::string secret(k.secret.size(), '\0');
    size_t len = 0;
    bool decoded = false;
    for (int variant : {sodium_base64_VARIANT_ORIGINAL, sodium_base64_VARIANT_ORIGINAL_NO_PADDING})
        if (!decoded && sodium_base642bin(reinterpret_cast<unsigned char*>(secret.data()),
                                          secret.size(), k.secret.data(), k.secret.size(),
                                          " \t\r\n", &len, nullptr, variant) == 0)
            decoded = true;
    if (!name || !alg || !decoded || len == 0)
        throw Error(ex_config, what + ": cannot sign the request with the key " + k.name +
                                   (!name  ? ": the name is not a domain name"
                                    : !alg ? ": the algorithm " + k.algorithm + " is not supported"
                                           : ": the secret is not base64"));
    secret.resize(len);
    key.name = *name;
    key.algorithm = *alg;
    key.secret = std::move(secret);
    return key;
}

enum class Read : uint8_t { ok, closed, timeout };

// Reads one length-prefixed DNS message from the TCP connection: all of it, prefix and
// octets, must arrive by `deadline` (a primary that trickles octets cannot stretch it).
Read read_message(int fd, std::chrono::steady_clock::time_point deadline, std::string& out) {
    auto read_exactly = [&](char* p, size_t n) {
        while (n > 0) {
            auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                deadline - std::chrono::steady_clock::now());
            if (left.count() <= 0) return Read::timeout;
            pollfd pfd{fd, POLLIN, 0};
            int r = ::poll(&pfd, 1, int(std::min<long long>(left.count() + 1, 1 << 30)));
            if (r < 0 && errno == EINTR) continue;
            if (r < 0) return Read::closed;
            if (r == 0) continue; // the deadline is checked above
            ssize_t got = ::recv(fd, p, n, 0);
            if (got < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK)) continue;
            if (got <= 0) return Read::closed;
            p += got;
            n -= size_t(got);
        }
        return Read::ok;
    };
    unsigned char prefix[2];
    if (Read r = read_exactly(reinterpret_cast<char*>(prefix), 2); r != Read::ok) return r;
    out.assign(size_t(prefix[0]) << 8 | prefix[1], '\0');
    return read_exactly(out.data(), out.size());
}

} // namespace

std::pair<std::string, uint16_t> split_server(const std::string& server) {
    std::string host = server, port_text;
    if (!server.empty() && server[0] == '[') {
        auto close = server.find(']');
        if (close == std::string::npos)
            throw Error(ex_usage, "--axfr " + server + ": a '[' without its ']'");
        host = server.substr(1, close - 1);
        if (close + 1 < server.size()) {
            if (server[close + 1] != ':')
                throw Error(ex_usage, "--axfr " + server + ": expected [ADDRESS]:PORT");
            port_text = server.substr(close + 2);
            if (port_text.empty()) throw Error(ex_usage, "--axfr " + server + ": empty port");
        }
    } else if (std::count(server.begin(), server.end(), ':') == 1) {
        auto colon = server.find(':');
        host = server.substr(0, colon);
        port_text = server.substr(colon + 1);
        if (port_text.empty()) throw Error(ex_usage, "--axfr " + server + ": empty port");
    }
    if (host.empty()) throw Error(ex_usage, "--axfr needs a HOST[:PORT], got '" + server + "'");
    uint16_t port = 53;
    if (!port_text.empty()) {
        unsigned long p = 0;
        for (char c : port_text)
            if (c < '0' || c > '9' || (p = p * 10 + unsigned(c - '0')) > 65535)
                throw Error(ex_usage, "--axfr " + server + ": the port must be 1 to 65535");
        if (p == 0) throw Error(ex_usage, "--axfr " + server + ": the port must be 1 to 65535");
        port = uint16_t(p);
    }
    return {host, port};
}

// Built from ldns's parts (ldns_tcp_connect2, ldns_tcp_send_query, ldns_wire2pkt), its own
// reading, and lib/dns/tsig for TSIG (Signer signs the request, ResponseVerifier checks every
// answer's MAC chain), rather than ldns_axfr_start/ldns_axfr_next: those sign the request but
// never verify the answers' TSIG (they keep neither the request's MAC nor each message's
// octets), and print their errors on stderr. ldns_pkt_tsig_verify_next cannot chain over
// unsigned messages (RFC 8945 5.3.1), and ldns_tcp_read_wire_timeout waits up to the timeout
// for each read, so a primary sending one octet at a time would never time out.
zone::Zone fetch_axfr(const AxfrRequest& req) {
    auto [host, port] = split_server(req.server);
    const std::string zone_text = req.zone.to_text();
    const std::string where = host + " port " + std::to_string(port);
    const std::string what = "AXFR of " + zone_text + " from " + where;
    const timeval timeout{time_t(req.timeout), 0};

    addrinfo hints{};
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* res = nullptr;
    if (int rc = ::getaddrinfo(host.c_str(), nullptr, &hints, &res); rc != 0)
        throw Error(rc == EAI_AGAIN ? ex_tempfail : ex_usage,
                    "cannot resolve the primary " + host + ": " + gai_strerror(rc));
    std::unique_ptr<addrinfo, decltype(&::freeaddrinfo)> addrs(res, &::freeaddrinfo);

    // The request, signed when a key is given; its MAC starts the chain of the answers' MACs.
    Rdf zname(ldns_dname_new_frm_str(zone_text.c_str()), &ldns_rdf_deep_free);
    if (!zname) throw Error(ex_usage, "cannot use the zone name " + zone_text);
    Pkt query(
        ldns_pkt_query_new(ldns_rdf_clone(zname.get()), LDNS_RR_TYPE_AXFR, LDNS_RR_CLASS_IN, 0),
        &ldns_pkt_free);
    if (!query) throw Error(ex_software, "out of memory");
    ldns_pkt_set_random_id(query.get());
    Buffer qwire(ldns_buffer_new(LDNS_MAX_PACKETLEN), &ldns_buffer_free);
    if (!qwire || ldns_pkt2buffer_wire(qwire.get(), query.get()) != LDNS_STATUS_OK)
        throw Error(ex_software, what + ": cannot build the request");
    std::optional<dns::tsig::Key> key;
    std::optional<dns::tsig::ResponseVerifier> verifier;
    if (req.key) {
        // Signed by lib/dns/tsig, whose ResponseVerifier then checks every answer's MAC.
        key = tsig_key(*req.key, what);
        std::string wire(reinterpret_cast<const char*>(ldns_buffer_begin(qwire.get())),
                         ldns_buffer_position(qwire.get()));
        dns::tsig::Signer signer(*key, {}, uint64_t(::time(nullptr)));
        signer.sign(wire);
        ldns_buffer_clear(qwire.get());
        if (!ldns_buffer_reserve(qwire.get(), wire.size()))
            throw Error(ex_software, "out of memory");
        ldns_buffer_write(qwire.get(), wire.data(), wire.size());
        verifier.emplace(*key, signer.last_mac());
    }

    // Connect to each address in turn.
    auto started = std::chrono::steady_clock::now();
    auto since = [](std::chrono::steady_clock::time_point t) {
        return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
    };
    Socket sock;
    sockaddr_storage to{};
    socklen_t tolen = 0;
    for (addrinfo* a = res; a && sock.fd < 0; a = a->ai_next) {
        if (a->ai_family != AF_INET && a->ai_family != AF_INET6) continue;
        to = sockaddr_storage{};
        std::memcpy(&to, a->ai_addr, a->ai_addrlen);
        if (a->ai_family == AF_INET)
            reinterpret_cast<sockaddr_in*>(&to)->sin_port = htons(port);
        else
            reinterpret_cast<sockaddr_in6*>(&to)->sin6_port = htons(port);
        tolen = socklen_t(a->ai_addrlen);
        sock.fd = ldns_tcp_connect2(&to, tolen, timeout);
    }
    if (sock.fd < 0) {
        if (since(started) + 0.2 >= double(req.timeout))
            throw Error(ex_tempfail,
                        what + ": could not connect within " + std::to_string(req.timeout) + " s");
        throw Error(ex_unavailable, what + ": cannot connect (connection refused or unreachable)");
    }
    if (ldns_tcp_send_query(qwire.get(), sock.fd, &to, tolen) == 0)
        throw Error(ex_unavailable, what + ": cannot send the request: the connection failed");

    zone::Zone z(req.zone);
    uint16_t file = z.add_file(zone_text + " from " + host + "#" + std::to_string(port));
    size_t count = 0, soas = 0, messages = 0;
    std::string first_owner, first_rdata;
    // Ends the transfer with an error: "what: record N <detail>: the record".
    auto stop = [&](int code, size_t n, const char* detail, const ldns_rr* rr) {
        std::string m = what;
        m += ": record ";
        m += std::to_string(n);
        m += detail;
        m += rr_text(rr);
        throw Error(code, m);
    };
    uint64_t received = 0, expanded = 0; // message octets, record octets with names expanded
    std::string message;
    while (soas < 2) {
        Read r = read_message(
            sock.fd, std::chrono::steady_clock::now() + std::chrono::seconds(req.timeout), message);
        if (r == Read::timeout)
            throw Error(ex_tempfail, what + ": no answer within " + std::to_string(req.timeout) +
                                         " s after " + std::to_string(count) + " records" +
                                         (messages ? " (message " + std::to_string(messages + 1) +
                                                         " did not arrive whole in that time)"
                                                   : std::string()));
        if (r == Read::closed) {
            if (count == 0)
                throw Error(ex_unavailable, what + ": the primary closed the connection without "
                                                   "an answer");
            throw Error(ex_protocol, what + ": the transfer stopped after " +
                                         std::to_string(count) +
                                         " records, before the closing SOA (the primary closed "
                                         "the connection)");
        }
        ++messages;
        received += 2 + message.size();
        if (received > req.max_bytes)
            throw Error(ex_dataerr, what + ": the transfer exceeds " +
                                        std::to_string(req.max_bytes) +
                                        " octets (--max-bytes) at "
                                        "message " +
                                        std::to_string(messages) + ", after " +
                                        std::to_string(count) + " records");
        const auto* wire = reinterpret_cast<const uint8_t*>(message.data());
        const size_t size = message.size();
        ldns_pkt* raw = nullptr;
        ldns_status st = ldns_wire2pkt(&raw, wire, size);
        Pkt pkt(raw, &ldns_pkt_free);
        if (st != LDNS_STATUS_OK || !pkt)
            throw Error(ex_protocol,
                        what + ": message " + std::to_string(messages) +
                            " of the answer does not parse: " + ldns_get_errorstr_by_id(st));
        if (ldns_pkt_id(pkt.get()) != ldns_pkt_id(query.get()))
            throw Error(ex_protocol, what + ": message " + std::to_string(messages) +
                                         " answers another request (its ID differs)");
        if (unsigned rcode = ldns_pkt_get_rcode(pkt.get()); rcode != 0) {
            std::string tsig = tsig_error(wire, size);
            switch (rcode) {
            case LDNS_RCODE_REFUSED:
                throw Error(ex_noperm, what +
                                           ": the primary answered REFUSED: it does not "
                                           "allow this transfer (" +
                                           (req.key ? "is the key " + req.key->name +
                                                          " allowed to transfer the zone?"
                                                    : "allow transfers from this address, "
                                                      "or use a TSIG key with --tsig") +
                                           ")" + (tsig.empty() ? "" : "; TSIG: " + tsig));
            case LDNS_RCODE_NOTAUTH:
                throw Error(ex_noperm,
                            what + ": the primary answered NOTAUTH" +
                                (tsig.empty()
                                     ? std::string(req.key ? ": it is not authoritative for "
                                                             "the zone, or does not accept the "
                                                             "request's TSIG"
                                                           : ": it is not authoritative for "
                                                             "the zone, or allows the transfer "
                                                             "only with a TSIG key (--tsig)")
                                     : ": TSIG " + tsig));
            case LDNS_RCODE_SERVFAIL:
                throw Error(ex_unavailable, what + ": the primary answered SERVFAIL (is the "
                                                   "zone loaded there?)");
            default: {
                const ldns_lookup_table* name = ldns_lookup_by_id(ldns_rcodes, int(rcode));
                throw Error(ex_protocol, what + ": the primary answered " +
                                             (name ? std::string(name->name)
                                                   : "rcode " + std::to_string(rcode)));
            }
            }
        }
        // RFC 8945 5.3.1: the first message is signed, then at least every 100th, and the
        // last; each MAC covers the one before it and the unsigned messages between them.
        if (verifier && verifier->add(wire, size) == dns::tsig::ResponseVerifier::Step::error) {
            using F = dns::tsig::ResponseVerifier::Failure;
            const std::string n = std::to_string(messages);
            std::string tail;
            switch (verifier->failure()) {
            case F::first_unsigned:
                tail = "the answer is not signed with the key " + req.key->name + " (RFC 8945 5.3)";
                break;
            case F::too_many:
                tail = "messages " + std::to_string(messages - 99) + " to " + n +
                       " of the answer are not signed: RFC 8945 5.3.1 allows at most 99 in a row";
                break;
            case F::bad_mac:
                tail = "message " + n +
                       " of the answer carries a TSIG signature that does not verify with the "
                       "key " +
                       req.key->name +
                       (verifier->unsigned_run()
                            ? " over the " + std::to_string(verifier->unsigned_run()) +
                                  " unsigned messages before it"
                            : std::string());
                break;
            case F::tsig_error:
                tail = "message " + n + " of the answer carries the TSIG error " +
                       tsig_error_text(verifier->tsig_error());
                break;
            default:
                tail = "the answer's TSIG does not verify: " + verifier->reason();
                break;
            }
            std::string m = what;
            m += ": ";
            m += tail;
            throw Error(ex_noperm, m);
        }
        const ldns_rr_list* answer = ldns_pkt_answer(pkt.get());
        for (size_t i = 0; i < ldns_rr_list_rr_count(answer) && soas < 2; ++i) {
            const ldns_rr* rr = ldns_rr_list_rr(answer, i);
            ++count;
            std::string owner = rdf_wire(ldns_rr_owner(rr));
            uint16_t type = uint16_t(ldns_rr_get_type(rr));
            std::string rdata = rdata_wire(rr);
            if (count == 1) {
                // Wire names: length octets are below 64, so lowering ASCII letters is safe.
                if (type != dns::rrtype::SOA || lower(owner) != lower(std::string(req.zone.wire())))
                    stop(ex_protocol, count,
                         " is not the zone's SOA: the answer does not begin with it (RFC 5936 "
                         "2.2): ",
                         rr);
            }
            if (ldns_rr_get_class(rr) != LDNS_RR_CLASS_IN)
                stop(ex_dataerr, count, " is not of class IN: ", rr);
            if (type == dns::rrtype::SOA) {
                ++soas;
                if (soas == 1) {
                    first_owner = lower(owner);
                    first_rdata = rdata;
                } else if (lower(owner) == first_owner && rdata == first_rdata) {
                    if (i + 1 < ldns_rr_list_rr_count(answer))
                        stop(ex_protocol, count + 1, " follows the closing SOA (RFC 5936 2.2): ",
                             ldns_rr_list_rr(answer, i + 1));
                    break; // the closing SOA: the transfer is complete
                } else {
                    stop(ex_protocol, count,
                         " is an SOA other than the first one, so the transfer does not end "
                         "with it (RFC 5936 2.2): ",
                         rr);
                }
            }
            // A primary must not make this process hold more than the caps: the records, and
            // their octets once compressed names are expanded (a 2-octet pointer may stand for
            // a 255-octet name).
            if (count > req.max_records)
                throw Error(ex_dataerr, what + ": the transfer holds more than " +
                                            std::to_string(req.max_records) +
                                            " records (--max-records)");
            expanded += owner.size() + 10 + rdata.size();
            if (expanded > req.max_bytes)
                throw Error(ex_dataerr, what + ": the records exceed " +
                                            std::to_string(req.max_bytes) +
                                            " octets (--max-bytes) at record " +
                                            std::to_string(count) + ", their names expanded");
            z.add(owner, type, ldns_rr_ttl(rr), rdata, zone::Location{file, uint32_t(count)});
        }
    }
    if (verifier && verifier->finish() == dns::tsig::ResponseVerifier::Step::error)
        throw Error(ex_noperm, what + ": the last message of the answer (" +
                                   std::to_string(messages) + ") is not signed with the key " +
                                   req.key->name + " (RFC 8945 5.3.1: it must be)");
    return z;
}

} // namespace endpointdns::zonecompile
