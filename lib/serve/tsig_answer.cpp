// SPDX-License-Identifier: MIT
// TSIG on ordinary queries: verify, then sign the answer or answer the TSIG error (RFC 8945 5).
#include "serve/tsig_answer.hpp"

#include "dns/message.hpp"
#include "dns/name.hpp"
#include "dns/rr.hpp"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string>

namespace endpointdns::serve {

namespace tsig = dns::tsig;

namespace {

constexpr uint16_t flag_aa = 0x0400, flag_tc = 0x0200;
constexpr uint8_t rc_formerr = 1;

uint16_t get16(const uint8_t* p) {
    return uint16_t(p[0] << 8 | p[1]);
}
void put16(uint8_t* p, uint16_t v) {
    p[0] = uint8_t(v >> 8);
    p[1] = uint8_t(v);
}

// The end of the question of `q` (the header alone when it has none), 0 when unreadable.
size_t question_end(const uint8_t* q, size_t qlen) {
    if (qlen < dns::header_size) return 0;
    if (get16(q + 4) == 0) return dns::header_size;
    size_t n = dns::wire_name_length(q + dns::header_size, qlen - dns::header_size);
    if (n == 0 || qlen - dns::header_size - n < 4) return 0;
    return dns::header_size + n + 4;
}

// The answer's header and question only: no records, AA and TC cleared, `rcode` set.
std::string bare(const uint8_t* out, size_t qend, uint8_t rcode, uint16_t extra_flags = 0) {
    std::string m(reinterpret_cast<const char*>(out), qend);
    auto* p = reinterpret_cast<uint8_t*>(m.data());
    uint16_t flags = uint16_t((get16(p + 2) & ~(flag_aa | flag_tc | 0xF)) | extra_flags | rcode);
    put16(p + 2, flags);
    put16(p + 4, qend > dns::header_size ? 1 : 0);
    put16(p + 6, 0);
    put16(p + 8, 0);
    put16(p + 10, 0);
    return m;
}

// Copies `m` to `out`; when it does not fit `limit` (a TSIG with very long key and algorithm
// names), the header and question alone, unsigned, with the same rcode and TC.
size_t emit(const std::string& m, size_t qend, size_t limit, uint8_t* out, uint8_t rcode,
            QueryInfo& info) {
    if (m.size() > limit) {
        auto flags = get16(reinterpret_cast<const uint8_t*>(m.data()) + 2);
        return emit(bare(reinterpret_cast<const uint8_t*>(m.data()), qend, uint8_t(flags & 0xF),
                         uint16_t(flags & flag_tc)),
                    qend, SIZE_MAX, out, rcode, info);
    }
    std::memcpy(out, m.data(), m.size());
    info.rcode = rcode;
    info.truncated = (get16(out + 2) & flag_tc) != 0;
    return m.size();
}

} // namespace

size_t answer_limit(const uint8_t* q, size_t qlen, Transport t, uint16_t udp_payload) {
    if (t == Transport::tcp) return dns::max_message;
    auto m = dns::parse_message(q, qlen);
    if (m)
        for (const auto& rr : m->additional)
            if (rr.type == dns::rrtype::OPT)
                return std::max<size_t>(512, std::min<size_t>(rr.cls, udp_payload));
    return 512;
}

size_t tsig_answer(const std::vector<tsig::Key>& keys, const uint8_t* q, size_t qlen, uint8_t* out,
                   size_t len, size_t limit, uint64_t now, QueryInfo& info) {
    size_t qend = question_end(q, qlen);
    if (len < dns::header_size || qend == 0 || len < qend) return len;
    auto v = tsig::verify_request(q, qlen, keys, now);
    switch (v.status) {
    case tsig::Status::none:
        return len; // the responder saw a TSIG type somewhere find() does not: nothing to sign
    case tsig::Status::formerr:
        return emit(bare(out, qend, rc_formerr), qend, limit, out, rc_formerr, info);
    case tsig::Status::badkey:
    case tsig::Status::badsig: {
        std::string m = bare(out, qend, tsig::rcode_notauth);
        tsig::append_unsigned(m, *v.tsig,
                              v.status == tsig::Status::badkey ? tsig::BADKEY : tsig::BADSIG, now);
        return emit(m, qend, limit, out, tsig::rcode_notauth, info);
    }
    case tsig::Status::badtime: {
        // Signed with the request's time; the server's own time in Other Data.
        std::string other;
        for (int shift = 40; shift >= 0; shift -= 8) other.push_back(char(now >> shift));
        tsig::Signer s(*v.key, v.tsig->record.mac, v.tsig->record.time_signed, tsig::BADTIME,
                       std::move(other));
        std::string m = bare(out, qend, tsig::rcode_notauth);
        s.sign(m);
        return emit(m, qend, limit, out, tsig::rcode_notauth, info);
    }
    case tsig::Status::ok:
        break;
    }
    tsig::Signer s(*v.key, v.tsig->record.mac, now);
    std::string m;
    if (len + s.overhead() <= limit)
        m.assign(reinterpret_cast<const char*>(out), len);
    else
        m = bare(out, qend, uint8_t(get16(out + 2) & 0xF),
                 uint16_t(flag_tc | (get16(out + 2) & flag_aa)));
    s.sign(m);
    return emit(m, qend, limit, out, info.rcode, info);
}

} // namespace endpointdns::serve
