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
#include <string_view>

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
    switch (a) {
    case Algorithm::hmac_sha512:
        return EVP_sha512();
    case Algorithm::hmac_md5:
        return EVP_md5();
    case Algorithm::hmac_sha1:
        return EVP_sha1();
    case Algorithm::hmac_sha224:
        return EVP_sha224();
    case Algorithm::hmac_sha384:
        return EVP_sha384();
    case Algorithm::hmac_sha256:
        break;
    }
    return EVP_sha256();
}

std::string hmac(const Key& key, const std::string& data) {
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned len = 0;
    if (!HMAC(digest(key.algorithm), key.secret.data(), int(key.secret.size()),
              reinterpret_cast<const unsigned char*>(data.data()), data.size(), out, &len))
        return {};
    return std::string(reinterpret_cast<char*>(out), len);
}

// What a MAC covers (RFC 8945 4.3, 5.3.1): the previous MAC with its length (none for a
// request), the octets of the messages left unsigned since it, the message without its TSIG
// (ARCOUNT one less, the original ID), then the TSIG variables: all of them (4.3.3: a request,
// a single answer, the first message of several) or only the timers (the later ones). The one
// place where MAC input is put together: signing and every kind of verification use it.
std::string mac_input(const std::string* prev_mac, std::string_view unsigned_since,
                      std::string_view msg, const Name& key_name, const Record& r, bool all) {
    std::string d;
    d.reserve((prev_mac ? prev_mac->size() + 2 : 0) + unsigned_since.size() + msg.size() + 600);
    if (prev_mac) {
        put16(d, uint16_t(prev_mac->size()));
        d += *prev_mac;
    }
    d += unsigned_since;
    d += msg;
    if (all) {
        d += key_name.lowercased().wire();
        put16(d, 255); // class ANY
        put32(d, 0);   // TTL
        d += r.algorithm.lowercased().wire();
    }
    put48(d, r.time_signed);
    put16(d, r.fudge);
    if (all) {
        put16(d, r.error);
        put16(d, uint16_t(r.other.size()));
        d += r.other;
    }
    return d;
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
    switch (a) {
    case Algorithm::hmac_sha512:
        return *Name::parse("hmac-sha512.");
    case Algorithm::hmac_md5:
        return *Name::parse("hmac-md5.sig-alg.reg.int.");
    case Algorithm::hmac_sha1:
        return *Name::parse("hmac-sha1.");
    case Algorithm::hmac_sha224:
        return *Name::parse("hmac-sha224.");
    case Algorithm::hmac_sha384:
        return *Name::parse("hmac-sha384.");
    case Algorithm::hmac_sha256:
        break;
    }
    return *Name::parse("hmac-sha256.");
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

std::optional<Algorithm> client_algorithm_from_text(std::string_view text) {
    auto n = Name::parse(std::string(text) + (text.empty() || text.back() != '.' ? "." : ""));
    if (!n) return std::nullopt;
    if (*n == *Name::parse("hmac-md5.")) return Algorithm::hmac_md5;
    for (Algorithm a : {Algorithm::hmac_sha256, Algorithm::hmac_sha512, Algorithm::hmac_md5,
                        Algorithm::hmac_sha1, Algorithm::hmac_sha224, Algorithm::hmac_sha384})
        if (*n == algorithm_name(a)) return a;
    return std::nullopt;
}

size_t mac_size(Algorithm a) {
    return size_t(EVP_MD_size(digest(a)));
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
    std::string mac =
        hmac(*key, mac_input(nullptr, {}, stripped(msg, t), t.key_name, t.record, true));
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
    bool request = first_ && prev_mac_.empty();
    Record r;
    r.algorithm = algorithm_name(key_.algorithm);
    r.time_signed = now_;
    r.fudge = fudge_;
    r.original_id = msg.size() >= 2 ? get16(reinterpret_cast<const uint8_t*>(msg.data())) : 0;
    r.error = first_ ? error_ : 0;
    r.other = first_ ? other_ : std::string();
    r.mac = hmac(key_, mac_input(request ? nullptr : &prev_mac_, unsigned_since_, msg, key_.name, r,
                                 first_));
    append_record(msg, key_.name, r);
    prev_mac_ = r.mac;
    unsigned_since_.clear();
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
    std::string want =
        hmac(key, mac_input(&mac, {}, stripped(msg, t), t.key_name, t.record, first));
    if (want.size() != t.record.mac.size() ||
        CRYPTO_memcmp(want.data(), t.record.mac.data(), want.size()) != 0)
        return false;
    mac = t.record.mac;
    return true;
}

ResponseVerifier::ResponseVerifier(const Key& key, std::string request_mac)
    : key_(key), mac_(std::move(request_mac)) {}

ResponseVerifier::Step ResponseVerifier::fail(Failure f, std::string why, uint16_t tsig_error) {
    failure_ = f;
    reason_ = std::move(why);
    tsig_error_ = tsig_error;
    unsigned_since_.clear();
    return Step::error;
}

ResponseVerifier::Step ResponseVerifier::add(const uint8_t* msg, size_t len) {
    ++messages_;
    if (failure_ != Failure::none) return Step::error;
    const std::string n = "message " + std::to_string(messages_);
    const std::string key_text = key_.name.to_text();
    auto f = find(msg, len);
    if (!f) return fail(Failure::unreadable, n + ": its TSIG record cannot be read: " + f.error());
    if (!*f) {
        if (messages_ == 1)
            return fail(Failure::first_unsigned,
                        n + " is not signed with the key " + key_text + " (RFC 8945 5.3)");
        // RFC 8945 5.3.1: at least every 100th message is signed.
        if (++unsigned_run_ > 99)
            return fail(Failure::too_many,
                        "messages " + std::to_string(messages_ - 99) + " to " +
                            std::to_string(messages_) +
                            " are not signed: RFC 8945 5.3.1 allows at most 99 in a row");
        unsigned_since_.append(reinterpret_cast<const char*>(msg), len);
        return Step::pending;
    }
    const Found& t = **f;
    if (!(t.key_name == key_.name) ||
        client_algorithm_from_text(t.record.algorithm.to_text()) != key_.algorithm)
        return fail(Failure::wrong_key,
                    n + " is signed with the key " + t.key_name.to_text() + " (" +
                        t.record.algorithm.to_text() + "), not with " + key_text + " (" +
                        algorithm_name(key_.algorithm).to_text() + ")",
                    t.record.error ? t.record.error : BADKEY);
    if (t.record.error != 0)
        return fail(Failure::tsig_error,
                    n + " carries the TSIG error " + std::to_string(t.record.error),
                    t.record.error);
    // A truncated MAC (RFC 8945 5.2.2.1): at least half the hash and 10 octets.
    size_t full = mac_size(key_.algorithm), got = t.record.mac.size();
    size_t least = std::max<size_t>(10, full / 2);
    if (got > full || got < least)
        return fail(Failure::mac_size, n + " carries a TSIG MAC of " + std::to_string(got) +
                                           " octets (" + std::to_string(least) + " to " +
                                           std::to_string(full) + " with " +
                                           algorithm_name(key_.algorithm).to_text() + ")");
    std::string want = hmac(key_, mac_input(&mac_, unsigned_since_, stripped(msg, t), t.key_name,
                                            t.record, messages_ == 1));
    if (want.size() < got || CRYPTO_memcmp(want.data(), t.record.mac.data(), got) != 0)
        return fail(Failure::bad_mac,
                    n + " carries a TSIG signature that does not verify with the key " + key_text +
                        (unsigned_run_ ? " over the " + std::to_string(unsigned_run_) +
                                             " unsigned messages before it"
                                       : std::string()),
                    BADSIG);
    mac_ = t.record.mac;
    unsigned_since_.clear();
    unsigned_run_ = 0;
    return Step::ok;
}

ResponseVerifier::Step ResponseVerifier::finish() {
    if (failure_ != Failure::none) return Step::error;
    if (messages_ == 0) return fail(Failure::no_message, "no message arrived");
    if (unsigned_run_ > 0)
        return fail(Failure::last_unsigned, "the last message (" + std::to_string(messages_) +
                                                ") is not signed with the key " +
                                                key_.name.to_text() +
                                                " (RFC 8945 5.3.1: it must be)");
    return Step::ok;
}

} // namespace endpointdns::dns::tsig
