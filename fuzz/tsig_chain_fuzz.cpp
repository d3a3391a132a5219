// SPDX-License-Identifier: MIT
// Fuzzes the MAC chain of multi-message TSIG responses (dns::tsig::ResponseVerifier, what
// zone-compile --axfr --tsig checks a transfer with) on arbitrary sequences of messages.
#include "dns/message.hpp"
#include "dns/tsig.hpp"
#include "fuzz_util.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

using namespace endpointdns;
using endpointdns::fuzz::die;
namespace tsig = dns::tsig;
using Step = tsig::ResponseVerifier::Step;
using VFail = tsig::ResponseVerifier::Failure;

namespace {

const tsig::Key& test_key() {
    static tsig::Key k = *tsig::parse_key("hmac-sha256:xfr.example.:c2VjcmV0LXNlY3JldC1zZWNyZXQ=");
    return k;
}

// The MAC of the request the answers answer (fuzz/make-tsig-corpus.sh signs with it too).
std::string request_mac() {
    std::string m;
    for (int i = 0; i < 32; ++i) m.push_back(char(i));
    return m;
}

const uint8_t* u8(const std::string& s) {
    return reinterpret_cast<const uint8_t*>(s.data());
}

// Feeds the messages; checks the verifier's promises; true when every message passed and
// finish() said ok.
bool verify(const std::vector<std::string>& msgs) {
    tsig::ResponseVerifier v(test_key(), request_mac());
    bool failed = false;
    for (size_t i = 0; i < msgs.size(); ++i) {
        const std::string& m = msgs[i];
        auto found = tsig::find(u8(m), m.size());
        Step s = v.add(m);
        REQUIRE(v.messages() == i + 1);
        if (failed) {
            REQUIRE(s == Step::error); // failed stays failed
            continue;
        }
        if (s == Step::error) {
            failed = true;
            REQUIRE(v.failure() != VFail::none && !v.reason().empty());
            if (!found.ok()) REQUIRE(v.failure() == VFail::unreadable);
            continue;
        }
        REQUIRE(v.failure() == VFail::none && v.reason().empty());
        REQUIRE(found.ok());
        if (s == Step::pending) {
            // Unsigned, not the first, at most 99 in a row.
            REQUIRE(!*found && i > 0 && v.unsigned_run() >= 1 && v.unsigned_run() <= 99);
        } else {
            // Signed with the key; the chain goes on from its MAC.
            REQUIRE(*found && (*found)->key_name == test_key().name);
            REQUIRE(v.last_mac() == (*found)->record.mac && v.unsigned_run() == 0);
            REQUIRE((*found)->record.error == 0);
        }
    }
    Step end = v.finish();
    if (failed || msgs.empty()) REQUIRE(end == Step::error);
    if (end == Step::ok) REQUIRE(v.unsigned_run() == 0 && !msgs.empty());
    return end == Step::ok;
}

} // namespace

// Input: one octet of mode, eight octets of mask when the mode is odd, then the messages,
// each with a 2-octet length (big-endian) as over TCP; at most 300 of them.
extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size < 1) return 0;
    const uint8_t mode = data[0];
    size_t o = 1;
    uint64_t mask = 0;
    if (mode & 1) {
        if (size < 9) return 0;
        for (int i = 0; i < 8; ++i) mask = mask << 8 | data[1 + i];
        o = 9;
    }
    std::vector<std::string> msgs;
    while (size - o >= 2 && msgs.size() < 300) {
        size_t len = size_t(data[o]) << 8 | data[o + 1];
        o += 2;
        if (size - o < len) len = size - o; // the last message cut short
        msgs.emplace_back(reinterpret_cast<const char*>(data + o), len);
        o += len;
    }

    // The messages as they are: no crash, the promises kept.
    verify(msgs);
    if (!(mode & 1)) return 0;

    // Mode odd: the messages (those find() reads and that hold no TSIG) signed with Signer,
    // message i left unsigned when bit i % 64 of the mask is clear, except the first, the
    // last and the 100th in a row: the transfer verifies.
    std::vector<std::string> plain;
    for (const auto& m : msgs) {
        auto f = tsig::find(u8(m), m.size());
        if (f.ok() && !*f && m.size() < 60000 && (uint8_t(m[10]) != 0xFF || uint8_t(m[11]) != 0xFF))
            plain.push_back(m);
    }
    if (plain.empty()) return 0;
    tsig::Signer signer(test_key(), request_mac(), 1000);
    std::vector<std::string> sent;
    std::vector<size_t> unsigned_ones;
    size_t run = 0;
    for (size_t i = 0; i < plain.size(); ++i) {
        std::string m = plain[i];
        bool sign = i == 0 || i + 1 == plain.size() || (mask >> (i % 64) & 1) || run == 99;
        if (sign) {
            signer.sign(m);
            run = 0;
        } else {
            signer.leave_unsigned(m);
            unsigned_ones.push_back(i);
            ++run;
        }
        sent.push_back(m);
    }
    if (!verify(sent)) die("a transfer signed by Signer does not verify");

    // Mode & 2: one bit of one unsigned message flipped: the next MAC no longer verifies.
    if ((mode & 2) && !unsigned_ones.empty()) {
        size_t which = unsigned_ones[(mask >> 8) % unsigned_ones.size()];
        std::string& m = sent[which];
        size_t bit = size_t(mask >> 24) % (m.size() * 8);
        m[bit / 8] = char(m[bit / 8] ^ (1 << (bit % 8)));
        if (verify(sent)) die("a changed unsigned message went unnoticed");
    }
    // Mode & 4: the last message left out: it ends unsigned, or the chain is short of one.
    if ((mode & 4) && sent.size() >= 2 && !unsigned_ones.empty()) {
        sent.pop_back();
        if (verify(sent) && unsigned_ones.back() + 2 == plain.size())
            die("a transfer ending unsigned verified");
    }
    return 0;
}
