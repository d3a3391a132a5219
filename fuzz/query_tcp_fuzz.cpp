// SPDX-License-Identifier: MIT
// Fuzzes the answer engine over TCP: any query against a fixed zone set; compared with UDP.
#include "dns/message.hpp"
#include "fuzz_util.hpp"
#include "query_common.hpp"
#include "serve/responder.hpp"

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

using namespace endpointdns;
using endpointdns::fuzz::answer_and_check;

namespace {

bool same_records(const std::vector<dns::Rr>& a, const std::vector<dns::Rr>& b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i) {
        if (!(a[i] == b[i]) || !a[i].owner.same_case(b[i].owner)) return false;
    }
    return true;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static serve::Responder responder;
    static std::vector<uint8_t> tcp(65535), udp(1232);
    dns::Message over_tcp, over_udp;
    size_t n = answer_and_check(responder, data, size, serve::Transport::tcp, tcp.data(),
                                tcp.size(), &over_tcp);
    REQUIRE(n <= 65535);
    if (n == 0) {
        return 0;
    }
    // Over UDP the same answer, unless truncated (additional records may be left out when
    // they do not fit); ANY is left out (RFC 8482 lets the RRset differ).
    size_t u = answer_and_check(responder, data, size, serve::Transport::udp, udp.data(),
                                udp.size(), &over_udp);
    REQUIRE(u > 0);
    bool tc = over_udp.header.flags & dns::flag::TC;
    uint16_t qtype = over_tcp.question.size() == 1 ? over_tcp.question[0].type : 0;
    // AXFR needs TCP (RFC 5936 4.2): over UDP it is NOTIMP, over TCP NOTAUTH.
    if (!tc && qtype != dns::rrtype::ANY && qtype != dns::rrtype::AXFR) {
        REQUIRE(over_udp.header.flags == over_tcp.header.flags);
        REQUIRE(same_records(over_udp.answer, over_tcp.answer));
        REQUIRE(same_records(over_udp.authority, over_tcp.authority));
        REQUIRE(over_udp.additional.size() <= over_tcp.additional.size());
    }
    return 0;
}
