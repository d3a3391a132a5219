// SPDX-License-Identifier: MIT
// zone-compile --axfr: a zone fetched by AXFR over TCP from a primary (ldns), with TSIG.
#include "axfr.hpp"

#include "dns/rr.hpp"
#include "error.hpp"

#include <ldns/ldns.h>

#include <algorithm>
#include <arpa/inet.h>
#include <chrono>
#include <fcntl.h>
#include <memory>
#include <netdb.h>
#include <unistd.h>
#include <vector>

namespace endpointdns::zonecompile {

namespace {

// ldns_axfr_next() prints its errors ("Error in AXFR: REFUSED") on stderr; ours say more, in
// the one-line form of every program. Standard error goes to /dev/null while ldns reads.
class QuietStderr {
public:
    QuietStderr() {
        saved_ = ::dup(2);
        int null = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
        if (saved_ >= 0 && null >= 0) ::dup2(null, 2);
        if (null >= 0) ::close(null);
    }
    ~QuietStderr() {
        if (saved_ >= 0) {
            ::dup2(saved_, 2);
            ::close(saved_);
        }
    }
    QuietStderr(const QuietStderr&) = delete;
    QuietStderr& operator=(const QuietStderr&) = delete;

private:
    int saved_ = -1;
};

using Resolver = std::unique_ptr<ldns_resolver, decltype(&ldns_resolver_deep_free)>;
using RrPtr = std::unique_ptr<ldns_rr, decltype(&ldns_rr_free)>;
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

// The TSIG error of an answer (RFC 8945 5.3.2), as a word, or "".
std::string tsig_error(ldns_pkt* pkt) {
    const ldns_rr* t = ldns_pkt_tsig(pkt);
    if (!t || ldns_rr_rd_count(t) < 6) return "";
    const ldns_rdf* e = ldns_rr_rdf(t, 5);
    if (!e || ldns_rdf_size(e) != 2) return "";
    switch (ldns_rdf2native_int16(e)) {
    case 0:
        return "";
    case 16:
        return "BADSIG (the key's secret or algorithm differs from the primary's)";
    case 17:
        return "BADKEY (the primary does not know this key name or algorithm)";
    case 18:
        return "BADTIME (the clocks differ by more than the fudge)";
    case 22:
        return "BADTRUNC";
    default:
        return "TSIG error " + std::to_string(ldns_rdf2native_int16(e));
    }
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

zone::Zone fetch_axfr(const AxfrRequest& req) {
    auto [host, port] = split_server(req.server);
    const std::string zone_text = req.zone.to_text();
    const std::string where = host + " port " + std::to_string(port);

    // Every address of the host, as ldns wants them (A or AAAA rdfs).
    addrinfo hints{};
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* res = nullptr;
    if (int rc = ::getaddrinfo(host.c_str(), nullptr, &hints, &res); rc != 0)
        throw Error(rc == EAI_AGAIN ? ex_tempfail : ex_usage,
                    "cannot resolve the primary " + host + ": " + gai_strerror(rc));
    std::unique_ptr<addrinfo, decltype(&::freeaddrinfo)> addrs(res, &::freeaddrinfo);
    Resolver r(ldns_resolver_new(), &ldns_resolver_deep_free);
    if (!r) throw Error(ex_software, "out of memory");
    for (addrinfo* a = res; a; a = a->ai_next) {
        char buf[INET6_ADDRSTRLEN] = {};
        ldns_rdf_type t;
        if (a->ai_family == AF_INET) {
            ::inet_ntop(AF_INET, &reinterpret_cast<sockaddr_in*>(a->ai_addr)->sin_addr, buf,
                        sizeof buf);
            t = LDNS_RDF_TYPE_A;
        } else if (a->ai_family == AF_INET6) {
            ::inet_ntop(AF_INET6, &reinterpret_cast<sockaddr_in6*>(a->ai_addr)->sin6_addr, buf,
                        sizeof buf);
            t = LDNS_RDF_TYPE_AAAA;
        } else {
            continue;
        }
        Rdf ns(ldns_rdf_new_frm_str(t, buf), &ldns_rdf_deep_free);
        if (ns) ldns_resolver_push_nameserver(r.get(), ns.get()); // copies it
    }
    if (ldns_resolver_nameserver_count(r.get()) == 0)
        throw Error(ex_usage, "the primary " + host + " has no IPv4 or IPv6 address");
    ldns_resolver_set_port(r.get(), port);
    ldns_resolver_set_timeout(r.get(), timeval{time_t(req.timeout), 0});
    ldns_resolver_set_retry(r.get(), 1);
    if (req.key) {
        ldns_resolver_set_tsig_keyname(r.get(), req.key->name.c_str());
        ldns_resolver_set_tsig_algorithm(r.get(), req.key->algorithm.c_str());
        ldns_resolver_set_tsig_keydata(r.get(), req.key->secret.c_str());
    }

    Rdf zname(ldns_dname_new_frm_str(zone_text.c_str()), &ldns_rdf_deep_free);
    if (!zname) throw Error(ex_usage, "cannot use the zone name " + zone_text);
    QuietStderr quiet;
    auto started = std::chrono::steady_clock::now();
    auto since = [](std::chrono::steady_clock::time_point t) {
        return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
    };
    ldns_status st = ldns_axfr_start(r.get(), zname.get(), LDNS_RR_CLASS_IN);
    if (st != LDNS_STATUS_OK) {
        if (st == LDNS_STATUS_NETWORK_ERR || st == LDNS_STATUS_ADDRESS_ERR) {
            if (since(started) + 0.2 >= double(req.timeout))
                throw Error(ex_tempfail, "AXFR of " + zone_text + " from " + where +
                                             ": could not connect within " +
                                             std::to_string(req.timeout) + " s");
            throw Error(ex_unavailable, "AXFR of " + zone_text + " from " + where +
                                            ": cannot connect (connection refused or "
                                            "unreachable)");
        }
        throw Error(st == LDNS_STATUS_CRYPTO_TSIG_ERR ? ex_config : ex_software,
                    "AXFR of " + zone_text + " from " + where +
                        ": cannot send the request: " + ldns_get_errorstr_by_id(st));
    }

    zone::Zone z(req.zone);
    uint16_t file = z.add_file(zone_text + " from " + host + "#" + std::to_string(port));
    size_t count = 0, soas = 0;
    std::string first_owner, first_rdata;
    auto last_progress = std::chrono::steady_clock::now();
    const std::string what = "AXFR of " + zone_text + " from " + where;
    // Ends the transfer with an error: "what: record N <detail>: the record".
    auto stop = [&](int code, size_t n, const char* detail, const ldns_rr* rr) {
        ldns_axfr_abort(r.get());
        std::string m = what;
        m += ": record ";
        m += std::to_string(n);
        m += detail;
        m += rr_text(rr);
        throw Error(code, m);
    };
    for (;;) {
        RrPtr rr(ldns_axfr_next(r.get()), &ldns_rr_free);
        if (!rr) break;
        last_progress = std::chrono::steady_clock::now();
        ++count;
        std::string owner = rdf_wire(ldns_rr_owner(rr.get()));
        uint16_t type = uint16_t(ldns_rr_get_type(rr.get()));
        std::string rdata = rdata_wire(rr.get());
        if (count == 1) {
            // Wire names: length octets are below 64, so lowering ASCII letters is safe.
            if (type != dns::rrtype::SOA || lower(owner) != lower(std::string(req.zone.wire())))
                stop(ex_protocol, count,
                     " is not the zone's SOA: the answer does not begin with it (RFC 5936 2.2): ",
                     rr.get());
        }
        if (ldns_rr_get_class(rr.get()) != LDNS_RR_CLASS_IN)
            stop(ex_dataerr, count, " is not of class IN: ", rr.get());
        if (type == dns::rrtype::SOA) {
            ++soas;
            if (soas == 1) {
                first_owner = lower(owner);
                first_rdata = rdata;
            } else if (lower(owner) == first_owner && rdata == first_rdata) {
                break; // the closing SOA (RFC 5936 2.2): the transfer is complete
            } else {
                stop(ex_protocol, count,
                     " is an SOA other than the first one, so the transfer does not end with "
                     "it (RFC 5936 2.2): ",
                     rr.get());
            }
        }
        z.add(owner, type, ldns_rr_ttl(rr.get()), rdata, zone::Location{file, uint32_t(count)});
    }
    if (soas >= 2) return z;

    // Incomplete: why?
    if (ldns_pkt* pkt = ldns_axfr_last_pkt(r.get()); pkt && ldns_pkt_get_rcode(pkt) != 0) {
        unsigned rcode = ldns_pkt_get_rcode(pkt);
        std::string tsig = tsig_error(pkt);
        ldns_axfr_abort(r.get());
        switch (rcode) {
        case LDNS_RCODE_REFUSED:
            throw Error(ex_noperm, what +
                                       ": the primary answered REFUSED: it does not allow "
                                       "this transfer (" +
                                       (req.key ? "is the key " + req.key->name +
                                                      " allowed to transfer the zone?"
                                                : "allow transfers from this address, or "
                                                  "use a TSIG key with --tsig") +
                                       ")" + (tsig.empty() ? "" : "; TSIG: " + tsig));
        case LDNS_RCODE_NOTAUTH:
            throw Error(ex_noperm,
                        what + ": the primary answered NOTAUTH" +
                            (tsig.empty()
                                 ? std::string(": it is not authoritative for the zone, or "
                                               "does not accept the request's TSIG")
                                 : ": TSIG " + tsig));
        case LDNS_RCODE_SERVFAIL:
            throw Error(ex_unavailable, what + ": the primary answered SERVFAIL (is the zone "
                                               "loaded there?)");
        default: {
            const ldns_lookup_table* name = ldns_lookup_by_id(ldns_rcodes, int(rcode));
            throw Error(ex_protocol,
                        what + ": the primary answered " +
                            (name ? std::string(name->name) : "rcode " + std::to_string(rcode)));
        }
        }
    }
    ldns_axfr_abort(r.get());
    if (since(last_progress) + 0.2 >= double(req.timeout))
        throw Error(ex_tempfail, what + ": no answer within " + std::to_string(req.timeout) +
                                     " s after " + std::to_string(count) + " records");
    if (count == 0)
        throw Error(ex_unavailable, what + ": the primary closed the connection without an "
                                           "answer, or sent one that does not parse");
    throw Error(ex_protocol, what + ": the transfer stopped after " + std::to_string(count) +
                                 " records, before the closing SOA (the connection was closed, "
                                 "or a message does not parse)");
}

} // namespace endpointdns::zonecompile
