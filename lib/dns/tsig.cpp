// SPDX-License-Identifier: MIT
// TSIG (RFC 8945) with OpenSSL's HMAC: record parsing, request verification, response signing.
#include "dns/tsig.hpp"

#include "dns/message.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <sodium.h>

#include <algorithm>
#include <cstring>

namespace endpointdns::dns::tsig {

namespace {

void put16(std::string& s, uint16_t v) {
    s.push_back(char(v >> 8));
    s.push_back(char(v));
}
void put32(std::string& s, uint32_t v) {
    put16(s, uint16_t(v >> 16));
    put16(s, uint16_t(v));
}
void put48(std::string& s, uint64_t v) {
    put16(s, uint16_t(v >> 32));
    put32(s, uint32_t(v));
}
uint16_t get16(const uint8_t* p) {
    return uint16_t(p[0] << 8 | p[1]);
}

const EVP_MD* digest(Algorithm a) {
    return a == Algorithm::hmac_sha512 ? EVP_sha512() : EVP_sha256();
}

std::string hmac(const Key& key, const std::string& data) {
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned len = 0;
    if (!HMAC(digest(key.algorithm), key.secret.data(), int(key.secret.size()),
              reinterpret_cast<const unsigned char*>(data.data()), data.size(), out, &len))
        return {};
    return std::string(reinterpret_cast<char*>(out), len);
}

// The TSIG variables of RFC 8945 4.3.3, after the message.
void append_variables(std::string& d, const Name& key_name, const Name& alg, uint64_t time,
                      uint16_t fudge_, uint16_t error, const std::string& other) {
    d += key_name.lowercased().wire();
    put16(d, 255); // class ANY
    put32(d, 0);   // TTL
    d += alg.lowercased().wire();
    put48(d, time);
    put16(d, fudge_);
    put16(d, error);
    put16(d, uint16_t(other.size()));
    d += other;
}

void append_record(std::string& msg, const Name& key_name, const Record& r) {
    msg += key_name.wire();
    put16(msg, type);
    put16(msg, 255);
    put32(msg, 0);
    std::string rdata = write_rdata(r);
    put16(msg, uint16_t(rdata.size()));
    msg += rdata;
    uint16_t ar = get16(reinterpret_cast<const uint8_t*>(msg.data()) + 10);
    ++ar;
    msg[10] = char(ar >> 8);
    msg[11] = char(ar);
}

// The message as MACed: without the TSIG, ARCOUNT one less, the ID the original one.
std::string stripped(const uint8_t* msg, const Found& f) {
    std::string s(reinterpret_cast<const char*>(msg), f.offset);
    uint16_t ar = uint16_t(get16(msg + 10) - 1);
    s[0] = char(f.record.original_id >> 8);
    s[1] = char(f.record.original_id);
    s[10] = char(ar >> 8);
    s[11] = char(ar);
    return s;
}

} // namespace

Name algorithm_name(Algorithm a) {
    return *Name::parse(a == Algorithm::hmac_sha512 ? "hmac-sha512." : "hmac-sha256.");
}

std::optional<Algorithm> algorithm_from_name(const Name& n) {
    if (n == algorithm_name(Algorithm::hmac_sha256)) return Algorithm::hmac_sha256;
    if (n == algorithm_name(Algorithm::hmac_sha512)) return Algorithm::hmac_sha512;
    return std::nullopt;
}

std::optional<Algorithm> algorithm_from_text(std::string_view text) {
    auto n = Name::parse(std::string(text) + (text.empty() || text.back() != '.' ? "." : ""));
    if (!n) return std::nullopt;
    return algorithm_from_name(*n);
}

size_t mac_size(Algorithm a) {
    return a == Algorithm::hmac_sha512 ? 64 : 32;
}

Result<Key> parse_key(std::string_view text) {
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front())))
        text.remove_prefix(1);
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())))
        text.remove_suffix(1);
    size_t a = text.find(':');
    size_t b = a == std::string_view::npos ? a : text.find(':', a + 1);
    if (b == std::string_view::npos)
        return fail("a TSIG key is ALGORITHM:NAME:BASE64 (hmac-sha256:name.:c2VjcmV0)");
    Key k;
    auto alg = algorithm_from_text(text.substr(0, a));
    if (!alg)
        return fail("TSIG algorithm '" + std::string(text.substr(0, a)) +
                    "' is not supported (hmac-sha256, hmac-sha512)");
    k.algorithm = *alg;
    std::string name(text.substr(a + 1, b - a - 1));
    if (name.empty() || name.back() != '.') name += '.';
    auto n = Name::parse(name);
    if (!n) return fail("TSIG key name '" + name + "': " + n.error());
    k.name = *n;
    std::string_view b64 = text.substr(b + 1);
    std::string raw(b64.size(), '\0');
    size_t len = 0;
    if (b64.empty() ||
        sodium_base642bin(reinterpret_cast<unsigned char*>(raw.data()), raw.size(), b64.data(),
                          b64.size(), nullptr, &len, nullptr,
                          sodium_base64_VARIANT_ORIGINAL) != 0 ||
        len == 0)
        return fail("TSIG key '" + name + "': the secret is not base64");
    raw.resize(len);
    k.secret = std::move(raw);
    return k;
}

Result<Record> parse_rdata(std::string_view rdata) {
    const auto* p = reinterpret_cast<const uint8_t*>(rdata.data());
    size_t n = rdata.size(), end = 0;
    auto alg = Name::from_wire(p, n, 0, &end, false);
    if (!alg) return fail("TSIG algorithm name: " + alg.error());
    Record r;
    r.algorithm = *alg;
    size_t o = end;
    if (n - o < 10) return fail("TSIG RDATA cut short");
    r.time_signed =
        uint64_t(get16(p + o)) << 32 | uint64_t(get16(p + o + 2)) << 16 | get16(p + o + 4);
    r.fudge = get16(p + o + 6);
    size_t mac_len = get16(p + o + 8);
    o += 10;
    if (n - o < mac_len + 6) return fail("TSIG MAC cut short");
    r.mac.assign(reinterpret_cast<const char*>(p + o), mac_len);
    o += mac_len;
    r.original_id = get16(p + o);
    r.error = get16(p + o + 2);
    size_t other_len = get16(p + o + 4);
    o += 6;
    if (n - o != other_len) return fail("TSIG other data length does not match the RDATA");
    r.other.assign(reinterpret_cast<const char*>(p + o), other_len);
    return r;
}

std::string write_rdata(const Record& r) {
    std::string s(r.algorithm.wire());
    put48(s, r.time_signed);
    put16(s, r.fudge);
    put16(s, uint16_t(r.mac.size()));
    s += r.mac;
    put16(s, r.original_id);
    put16(s, r.error);
    put16(s, uint16_t(r.other.size()));
    s += r.other;
    return s;
}

Result<std::optional<Found>> find(const uint8_t* msg, size_t len) {
    if (len < header_size) return fail("message shorter than a header");
    size_t counts[4] = {get16(msg + 4), get16(msg + 6), get16(msg + 8), get16(msg + 10)};
    size_t o = header_size;
    for (size_t i = 0; i < counts[0]; ++i) {
        size_t end = 0;
        auto q = Name::from_wire(msg, len, o, &end);
        if (!q || len - end < 4) return fail("question cut short");
        o = end + 4;
    }
    size_t total = counts[1] + counts[2] + counts[3];
    for (size_t i = 0; i < total; ++i) {
        size_t start = o, end = 0;
        auto owner = Name::from_wire(msg, len, o, &end);
        if (!owner || len - end < 10) return fail("record cut short");
        uint16_t t = get16(msg + end), cls = get16(msg + end + 2);
        size_t rdlen = get16(msg + end + 8);
        if (len - end - 10 < rdlen) return fail("RDATA cut short");
        o = end + 10 + rdlen;
        if (t != type) continue;
        if (i != total - 1 || counts[3] == 0) return fail("TSIG is not the last additional record");
        if (cls != 255 || get16(msg + end + 4) != 0 || get16(msg + end + 6) != 0)
            return fail("TSIG class must be ANY and TTL 0");
        // Octets after the TSIG would be outside the MAC: the message is malformed.
        if (o != len)
            return fail(std::to_string(len - o) +
                        " octets after the TSIG record (it must be last)");
        auto r = parse_rdata({reinterpret_cast<const char*>(msg + end + 10), rdlen});
        if (!r) return fail(r.error());
        Found f;
        f.key_name = *owner;
        f.record = std::move(*r);
        f.offset = start;
        return std::optional<Found>(std::move(f));
    }
    if (o != len) return fail("octets after the last record");
    return std::optional<Found>();
}

Verified verify_request(const uint8_t* msg, size_t len, const std::vector<Key>& keys,
                        uint64_t now) {
    Verified v;
    auto f = find(msg, len);
    if (!f) {
        v.status = Status::formerr;
        return v;
    }
    if (!*f) return v;
    v.tsig = std::move(**f);
    const Found& t = *v.tsig;
    const Key* key = nullptr;
    for (const Key& k : keys)
        if (k.name == t.key_name && algorithm_from_name(t.record.algorithm) == k.algorithm)
            key = &k;
    if (!key) {
        v.status = Status::badkey;
        return v;
    }
    // RFC 8945 5.2.2.1: a MAC shorter than half the hash or than 10 octets is FORMERR;
    // longer than the hash, too.
    size_t full = mac_size(key->algorithm), got = t.record.mac.size();
    if (got > full || got < 10 || got < full / 2) {
        v.status = Status::formerr;
        return v;
    }
    std::string d = stripped(msg, t);
    append_variables(d, t.key_name, t.record.algorithm, t.record.time_signed, t.record.fudge,
                     t.record.error, t.record.other);
    std::string mac = hmac(*key, d);
    if (mac.size() < got || CRYPTO_memcmp(mac.data(), t.record.mac.data(), got) != 0) {
        v.status = Status::badsig;
        return v;
    }
    v.key = key;
    v.mac = std::move(mac);
    uint64_t ts = t.record.time_signed;
    uint64_t skew = now > ts ? now - ts : ts - now;
    // The client's fudge, but never more than ours: a larger one would widen the window in
    // which a captured request can be replayed (up to 18 h at 65535).
    v.status = skew > std::min<uint64_t>(t.record.fudge, fudge) ? Status::badtime : Status::ok;
    return v;
}

Signer::Signer(const Key& key, std::string request_mac, uint64_t now, uint16_t error,
               std::string other, uint16_t fudge_seconds)
    : key_(key), prev_mac_(std::move(request_mac)), now_(now), error_(error),
      other_(std::move(other)), fudge_(fudge_seconds) {}

size_t Signer::overhead() const {
    return key_.name.wire_size() + 10 + algorithm_name(key_.algorithm).wire_size() + 16 +
           mac_size(key_.algorithm) + other_.size();
}

void Signer::sign(std::string& msg) {
    std::string d;
    bool request = first_ && prev_mac_.empty();
    if (!request) {
        put16(d, uint16_t(prev_mac_.size()));
        d += prev_mac_;
    }
    d += msg;
    Name alg = algorithm_name(key_.algorithm);
    if (first_) {
        append_variables(d, key_.name, alg, now_, fudge_, error_, other_);
    } else {
        put48(d, now_);
        put16(d, fudge_);
    }
    Record r;
    r.algorithm = alg;
    r.time_signed = now_;
    r.fudge = fudge_;
    r.mac = hmac(key_, d);
    r.original_id = msg.size() >= 2 ? get16(reinterpret_cast<const uint8_t*>(msg.data())) : 0;
    r.error = first_ ? error_ : 0;
    r.other = first_ ? other_ : std::string();
    append_record(msg, key_.name, r);
    prev_mac_ = r.mac;
    first_ = false;
}

void append_unsigned(std::string& msg, const Found& request, uint16_t error, uint64_t now) {
    Record r;
    r.algorithm = request.record.algorithm;
    r.time_signed = now;
    r.fudge = fudge;
    r.original_id = request.record.original_id;
    r.error = error;
    append_record(msg, request.key_name, r);
}

bool verify_response(const uint8_t* msg, size_t len, const Key& key, std::string& mac, bool first) {
    auto f = find(msg, len);
    if (!f || !*f) return false;
    const Found& t = **f;
    std::string d;
    put16(d, uint16_t(mac.size()));
    d += mac;
    d += stripped(msg, t);
    if (first) {
        append_variables(d, t.key_name, t.record.algorithm, t.record.time_signed, t.record.fudge,
                         t.record.error, t.record.other);
    } else {
        put48(d, t.record.time_signed);
        put16(d, t.record.fudge);
    }
    std::string want = hmac(key, d);
    if (want.size() != t.record.mac.size() ||
        CRYPTO_memcmp(want.data(), t.record.mac.data(), want.size()) != 0)
        return false;
    mac = t.record.mac;
    return true;
}

} // namespace endpointdns::dns::tsig
