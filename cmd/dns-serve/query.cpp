// SPDX-License-Identifier: MIT
// dns-serve --query: one answer from the persisted zones, printed as dig prints it.
#include "query.hpp"

#include "dns/message.hpp"
#include "error.hpp"
#include "serve/responder.hpp"
#include "serve/state_dir.hpp"
#include "serve/store.hpp"
#include "util/log.hpp"

#include <ldns/ldns.h>

#include <iostream>
#include <memory>
#include <sys/stat.h>

namespace endpointdns::serve {

int run_query(const std::string& state_dir, const std::string& name, const std::string& type,
              bool udp, const zone::Limits& limits) {
    std::string text = name.empty() || name.back() != '.' ? name + "." : name;
    auto qname = dns::Name::parse(text);
    if (!qname) {
        throw Error(ex_usage, "--query: '" + name + "' is not a domain name: " + qname.error());
    }
    auto qtype = dns::type_from_name(type);
    if (!qtype) {
        throw Error(ex_usage, "--query: '" + type + "' is not a record type");
    }
    struct stat st {};
    if (::stat(state_dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
        throw Error(ex_noinput, "--query: no state directory " + state_dir);
    }
    // Read-only: a server may be running on this directory; nothing here may touch its files.
    StateDir dir(state_dir, StateDir::Access::read_only);
    Published published;
    Store store(dir, published, limits,
                [](int prio, const std::string& m) { log::write(prio, m); });
    store.load();

    dns::MessageBuilder mb(512);
    mb.reset(0, 0);
    mb.add_question(*qname, *qtype, dns::rrclass::IN);
    std::string q(mb.data());
    static uint8_t out[65536];
    Responder responder;
    QueryInfo info;
    size_t n =
        responder.answer(*published.load(), reinterpret_cast<const uint8_t*>(q.data()), q.size(),
                         udp ? Transport::udp : Transport::tcp, out, sizeof out, info);
    ldns_pkt* pkt = nullptr;
    if (n == 0 || ldns_wire2pkt(&pkt, out, n) != LDNS_STATUS_OK) {
        throw Error(ex_software, "--query: the answer engine gave no readable response");
    }
    std::unique_ptr<ldns_pkt, decltype(&ldns_pkt_free)> guard(pkt, ldns_pkt_free);
    std::unique_ptr<char, decltype(&free)> s(ldns_pkt2str(pkt), free);
    // ldns prints a footer about a network exchange that did not happen; leave it out.
    std::string shown(s.get());
    for (const char* footer : {";; Query time", ";; SERVER", ";; WHEN"}) {
        auto at = shown.find(footer);
        if (at != std::string::npos) {
            shown.erase(at, shown.find('\n', at) + 1 - at);
        }
    }
    std::cout << shown;
    return 0;
}

} // namespace endpointdns::serve
