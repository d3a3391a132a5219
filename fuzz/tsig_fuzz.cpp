// SPDX-License-Identifier: MIT
// Fuzzes TSIG parsing and verification, signed queries and the transfer request path
// (dns::tsig, serve::tsig_answer, serve::xfr).
#include "dns/message.hpp"
#include "dns/tsig.hpp"
#include "fuzz_util.hpp"
#include "serve/responder.hpp"
#include "serve/tsig_answer.hpp"
#include "serve/xfr.hpp"
#include "zone/zonefile.hpp"

#include <netinet/in.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

using namespace endpointdns;
using endpointdns::fuzz::die;
namespace tsig = dns::tsig;

namespace {

const tsig::Key& test_key() {
    static tsig::Key k = *tsig::parse_key("hmac-sha256:xfr.example.:c2VjcmV0LXNlY3JldC1zZWNyZXQ=");
    return k;
}

const serve::ZoneSet& test_zones() {
    static std::shared_ptr<const serve::ZoneSet> set = [] {
        zone::Diagnostics d;
        zone::Zone z = zone::parse_zone_text(
            "@ 3600 IN SOA ns1 hostmaster 7 7200 3600 1209600 300\n@ 3600 NS ns1\n"
            "ns1 3600 A 192.0.2.1\nwww 300 A 192.0.2.80\nwww 300 TXT \"x\"\n",
            "fuzz.zone", *dns::Name::parse("example.com."), d);
        if (!d.empty()) die("the test zone does not parse");
        z.normalize(&d);
        if (!d.empty()) die("the test zone does not normalize");
        auto built = serve::ServeZone::build(z);
        if (!built) die("the test zone does not build");
        return serve::ZoneSet::of({*built});
    }();
    return *set;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::vector<tsig::Key> keys{test_key()};

    // The TSIG record: found at most once, last; its RDATA round-trips.
    auto found = tsig::find(data, size);
    if (found && *found) {
        const tsig::Record& r = (*found)->record;
        auto again = tsig::parse_rdata(tsig::write_rdata(r));
        REQUIRE(again.ok());
        REQUIRE(again->algorithm.same_case(r.algorithm));
        REQUIRE(again->time_signed == r.time_signed && again->fudge == r.fudge);
        REQUIRE(again->mac == r.mac && again->other == r.other);
        REQUIRE(again->original_id == r.original_id && again->error == r.error);
        REQUIRE((*found)->offset >= dns::header_size && (*found)->offset < size);
        // The TSIG ends the message: one more octet makes it malformed.
        std::string longer(reinterpret_cast<const char*>(data), size);
        longer.push_back('\0');
        REQUIRE(!tsig::find(reinterpret_cast<const uint8_t*>(longer.data()), longer.size()).ok());
    }
    auto v = tsig::verify_request(data, size, keys, 1000);
    REQUIRE((v.status == tsig::Status::none) == (found.ok() && !*found));
    REQUIRE(v.status != tsig::Status::ok || v.key == &keys[0]);

    // A message without TSIG that we sign ourselves verifies.
    if (found.ok() && !*found && size >= dns::header_size && size < 60000) {
        std::string m(reinterpret_cast<const char*>(data), size);
        uint16_t ar = uint16_t(uint8_t(m[10]) << 8 | uint8_t(m[11]));
        if (ar < 0xFFFF) {
            tsig::Signer s(test_key(), {}, 1000);
            s.sign(m);
            auto w = tsig::verify_request(reinterpret_cast<const uint8_t*>(m.data()), m.size(),
                                          keys, 1100);
            REQUIRE(w.status == tsig::Status::ok);
        }
    }

    // A query with a TSIG (the responder flags it): the answer tsig_answer makes stays within
    // the transport's limit, and is a message that parses.
    {
        static serve::Responder responder;
        std::vector<uint8_t> out(dns::max_message);
        for (serve::Transport tr : {serve::Transport::udp, serve::Transport::tcp}) {
            serve::QueryInfo info;
            size_t cap = tr == serve::Transport::udp ? 1232 : dns::max_message;
            size_t len = responder.answer(test_zones(), data, size, tr, out.data(), cap, info);
            if (!info.tsig) continue;
            size_t limit = std::min(cap, serve::answer_limit(data, size, tr, 1232));
            len = serve::tsig_answer(keys, data, size, out.data(), len, limit, 1000, info);
            REQUIRE(len <= limit);
            if (len) REQUIRE(dns::parse_message(out.data(), len).ok());
        }
    }

    // The transfer path: every answer is a message of at most 64 KiB that parses.
    if (serve::is_transfer_query(data, size)) {
        serve::TransferPolicy p;
        p.allow.push_back(*serve::parse_prefix("127.0.0.0/8"));
        p.keys = keys;
        sockaddr_storage peer{};
        auto* in = reinterpret_cast<sockaddr_in*>(&peer);
        in->sin_family = AF_INET;
        in->sin_addr.s_addr = htonl(0x7F000001);
        auto t = serve::start_transfer(test_zones(), p, peer, data, size, 1000);
        REQUIRE(t != nullptr);
        std::string msg;
        size_t n = 0;
        while (t->next(msg)) {
            REQUIRE(msg.size() <= dns::max_message && msg.size() >= dns::header_size);
            REQUIRE(dns::parse_message(msg).ok());
            REQUIRE(++n < 100);
        }
        REQUIRE(n >= 1);
    }
    return 0;
}
