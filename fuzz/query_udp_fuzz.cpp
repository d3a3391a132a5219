// SPDX-License-Identifier: MIT
// Fuzzes the answer engine over UDP: any query against a fixed zone set; responses checked.
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
using endpointdns::fuzz::udp_limit;

namespace {

bool has_opt(const dns::Message& m) {
    for (const auto& r : m.additional) {
        if (r.type == dns::rrtype::OPT) return true;
    }
    return false;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static serve::Responder ours_1232;                              // the default payload
    static serve::Responder ours_512(serve::ResponderOptions{512}); // udp-payload = 512
    auto q = dns::parse_message(data, size);
    struct Run {
        serve::Responder* r;
        size_t ours, cap;
    };
    std::vector<uint8_t> first;
    for (Run run :
         {Run{&ours_1232, 1232, 1232}, Run{&ours_1232, 1232, 512}, Run{&ours_512, 512, 1232}}) {
        // Exactly `cap` octets, so ASan reports any write past the limit the server gave.
        std::vector<uint8_t> out(run.cap);
        dns::Message resp;
        size_t n =
            answer_and_check(*run.r, data, size, serve::Transport::udp, out.data(), run.cap, &resp);
        if (n > 0 && q) {
            REQUIRE(n <= udp_limit(*q, run.ours, run.cap));
        }
        out.resize(n);
        if (run.r == &ours_1232 && run.cap == 1232) {
            first = out;
        } else if (q && !has_opt(*q)) {
            // Without EDNS the limit is 512 whatever the buffer or our payload setting.
            REQUIRE(out == first);
        }
    }
    return 0;
}
