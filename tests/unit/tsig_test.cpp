// SPDX-License-Identifier: MIT
// Unit tests of lib/dns/tsig: keys, the TSIG record, request verification, response signing,
// the MAC chain of multi-message responses (ResponseVerifier).
#include "dns/message.hpp"
#include "dns/tsig.hpp"

#include <gtest/gtest.h>

using namespace endpointdns;
using namespace endpointdns::dns;

namespace {

tsig::Key key(const char* text = "hmac-sha256:xfr.example.:c2VjcmV0LXNlY3JldC1zZWNyZXQ=") {
    auto k = tsig::parse_key(text);
    EXPECT_TRUE(k.ok()) << k.error();
    return *k;
}

std::string query(uint16_t id = 0x1234) {
    MessageBuilder b;
    b.reset(id, 0);
    b.add_question(*Name::parse("example.com."), rrtype::AXFR, rrclass::IN);
    return std::string(b.data());
}

std::string signed_query(const tsig::Key& k, uint64_t now, std::string* mac = nullptr) {
    std::string q = query();
    tsig::Signer s(k, {}, now);
    s.sign(q);
    if (mac) *mac = s.last_mac();
    return q;
}

const uint8_t* u8(const std::string& s) {
    return reinterpret_cast<const uint8_t*>(s.data());
}

} // namespace

TEST(Tsig, ParsesKeysInDigsForm) {
    auto k = key(" hmac-sha512:Xfr.Example:c2VjcmV0\n");
    EXPECT_EQ(k.name.to_text(), "Xfr.Example.");
    EXPECT_EQ(k.algorithm, tsig::Algorithm::hmac_sha512);
    EXPECT_EQ(k.secret, "secret");
    EXPECT_FALSE(tsig::parse_key("hmac-md5:a:c2VjcmV0").ok());
    EXPECT_FALSE(tsig::parse_key("hmac-sha256:a:not base64!").ok());
    EXPECT_FALSE(tsig::parse_key("hmac-sha256:c2VjcmV0").ok());
    EXPECT_FALSE(tsig::parse_key("hmac-sha256:a:").ok());
}

TEST(Tsig, RdataRoundTrips) {
    tsig::Record r;
    r.algorithm = tsig::algorithm_name(tsig::Algorithm::hmac_sha256);
    r.time_signed = 0x123456789AULL;
    r.fudge = 300;
    r.mac = std::string(32, 'm');
    r.original_id = 7;
    r.error = tsig::BADTIME;
    r.other = "123456";
    auto back = tsig::parse_rdata(tsig::write_rdata(r));
    ASSERT_TRUE(back.ok()) << back.error();
    EXPECT_EQ(back->time_signed, r.time_signed);
    EXPECT_EQ(back->mac, r.mac);
    EXPECT_EQ(back->other, r.other);
    EXPECT_EQ(back->error, tsig::BADTIME);
    std::string w = tsig::write_rdata(r);
    for (size_t n = 0; n < w.size(); ++n) EXPECT_FALSE(tsig::parse_rdata(w.substr(0, n)).ok()) << n;
    EXPECT_FALSE(tsig::parse_rdata(w + "x").ok());
}

TEST(Tsig, VerifiesASignedRequest) {
    auto k = key();
    std::vector<tsig::Key> keys{k};
    std::string q = signed_query(k, 1000000);
    auto v = tsig::verify_request(u8(q), q.size(), keys, 1000000 + 299);
    EXPECT_EQ(v.status, tsig::Status::ok);
    EXPECT_EQ(v.key, &keys[0]);
    // Unsigned: none; the plain message is what was signed.
    std::string plain = query();
    EXPECT_EQ(tsig::verify_request(u8(plain), plain.size(), keys, 0).status, tsig::Status::none);
    auto f = tsig::find(u8(q), q.size());
    ASSERT_TRUE(f.ok() && *f);
    EXPECT_EQ(q.substr(0, (*f)->offset).substr(12), plain.substr(12));
}

TEST(Tsig, BadKeyBadSigBadTimeFormErr) {
    auto k = key();
    std::vector<tsig::Key> keys{k};
    std::string q = signed_query(k, 1000000);
    EXPECT_EQ(tsig::verify_request(u8(q), q.size(), keys, 1000000 + 301).status,
              tsig::Status::badtime);
    // A client's larger fudge does not widen the window past the server's 300 s (a captured
    // request cannot be replayed for hours); a smaller one narrows it.
    std::string wide = query();
    tsig::Signer ws(k, {}, 1000000, 0, {}, 65535);
    ws.sign(wide);
    EXPECT_EQ(tsig::verify_request(u8(wide), wide.size(), keys, 1000000 + 300).status,
              tsig::Status::ok);
    EXPECT_EQ(tsig::verify_request(u8(wide), wide.size(), keys, 1000000 + 301).status,
              tsig::Status::badtime);
    std::string narrow = query();
    tsig::Signer ns(k, {}, 1000000, 0, {}, 10);
    ns.sign(narrow);
    EXPECT_EQ(tsig::verify_request(u8(narrow), narrow.size(), keys, 1000000 - 11).status,
              tsig::Status::badtime);
    std::vector<tsig::Key> other{key("hmac-sha256:other.:c2VjcmV0LXNlY3JldC1zZWNyZXQ=")};
    EXPECT_EQ(tsig::verify_request(u8(q), q.size(), other, 1000000).status, tsig::Status::badkey);
    // Same name, other algorithm: BADKEY too.
    std::vector<tsig::Key> alg{key("hmac-sha512:xfr.example.:c2VjcmV0LXNlY3JldC1zZWNyZXQ=")};
    EXPECT_EQ(tsig::verify_request(u8(q), q.size(), alg, 1000000).status, tsig::Status::badkey);
    std::vector<tsig::Key> secret{key("hmac-sha256:xfr.example.:b3RoZXI=")};
    EXPECT_EQ(tsig::verify_request(u8(q), q.size(), secret, 1000000).status, tsig::Status::badsig);
    // A changed octet in the question: BADSIG.
    std::string bad = q;
    bad[14] ^= 1;
    EXPECT_EQ(tsig::verify_request(u8(bad), bad.size(), keys, 1000000).status,
              tsig::Status::badsig);
    // Cut short: FORMERR.
    std::string cut = q.substr(0, q.size() - 3);
    EXPECT_EQ(tsig::verify_request(u8(cut), cut.size(), keys, 1000000).status,
              tsig::Status::formerr);
}

TEST(Tsig, TsigMustBeLast) {
    auto k = key();
    std::string q = signed_query(k, 5);
    // Another additional record after the TSIG.
    std::string opt("\x00\x00\x29\x04\xd0\x00\x00\x00\x00\x00\x00", 11);
    std::string m = q + opt;
    m[11] = char(m[11] + 1);
    EXPECT_FALSE(tsig::find(u8(m), m.size()).ok());
    // Octets after the TSIG that no count announces: outside the MAC, so the message is
    // malformed (FORMERR), never verified as signed.
    std::vector<tsig::Key> keys{k};
    for (std::string junk : {std::string(1, '\0'), std::string("trailing"), opt}) {
        std::string t = q + junk;
        EXPECT_FALSE(tsig::find(u8(t), t.size()).ok()) << junk.size();
        EXPECT_EQ(tsig::verify_request(u8(t), t.size(), keys, 5).status, tsig::Status::formerr);
    }
    EXPECT_EQ(tsig::verify_request(u8(q), q.size(), keys, 5).status, tsig::Status::ok);
}

TEST(Tsig, MultiMessageResponsesVerifyInOrder) {
    auto k = key();
    std::string request_mac;
    signed_query(k, 42, &request_mac);
    tsig::Signer s(k, request_mac, 43);
    std::vector<std::string> msgs;
    for (int i = 0; i < 3; ++i) {
        MessageBuilder b;
        b.reset(0x1234, flag::QR | flag::AA);
        b.add_question(*Name::parse("example.com."), rrtype::AXFR, rrclass::IN);
        b.add_rr(Section::answer, Name::parse("example.com.")->wire(), rrtype::TXT, rrclass::IN, 60,
                 std::string("\x01") + char('a' + i));
        std::string m(b.data());
        s.sign(m);
        msgs.push_back(m);
    }
    std::string mac = request_mac;
    for (size_t i = 0; i < msgs.size(); ++i)
        EXPECT_TRUE(tsig::verify_response(u8(msgs[i]), msgs[i].size(), k, mac, i == 0)) << i;
    // Out of order: the chain breaks.
    mac = request_mac;
    EXPECT_TRUE(tsig::verify_response(u8(msgs[0]), msgs[0].size(), k, mac, true));
    EXPECT_FALSE(tsig::verify_response(u8(msgs[2]), msgs[2].size(), k, mac, false));
    // Every signed message still parses as a DNS message.
    for (const auto& m : msgs) EXPECT_TRUE(parse_message(m).ok());
}

TEST(Tsig, Sha512MacsAre64Octets) {
    auto k = key("hmac-sha512:k.:c2VjcmV0");
    std::string q = signed_query(k, 9);
    auto f = tsig::find(u8(q), q.size());
    ASSERT_TRUE(f.ok() && *f);
    EXPECT_EQ((*f)->record.mac.size(), 64u);
    std::vector<tsig::Key> keys{k};
    EXPECT_EQ(tsig::verify_request(u8(q), q.size(), keys, 9).status, tsig::Status::ok);
}

namespace {

using Step = tsig::ResponseVerifier::Step;
using VFail = tsig::ResponseVerifier::Failure;

// Message i of a transfer: one TXT record that names i.
std::string answer(int i) {
    MessageBuilder b;
    b.reset(0x1234, flag::QR | flag::AA);
    b.add_question(*Name::parse("example.com."), rrtype::AXFR, rrclass::IN);
    std::string n = std::to_string(i);
    b.add_rr(Section::answer, Name::parse("example.com.")->wire(), rrtype::TXT, rrclass::IN, 60,
             char(n.size()) + n);
    return std::string(b.data());
}

// A transfer of `n` messages signed by Signer, message i left unsigned when signed(i) is false.
template <class Pred>
std::vector<std::string> transfer(const tsig::Key& k, const std::string& request_mac, int n,
                                  Pred is_signed, std::string* last_mac = nullptr) {
    tsig::Signer s(k, request_mac, 1000);
    std::vector<std::string> out;
    for (int i = 0; i < n; ++i) {
        std::string m = answer(i);
        if (is_signed(i))
            s.sign(m);
        else
            s.leave_unsigned(m);
        out.push_back(m);
    }
    if (last_mac) *last_mac = s.last_mac();
    return out;
}

// Feeds every message; returns the index of the first error, or -1 when all passed and
// finish() said ok, or -2 when only finish() failed.
int run(tsig::ResponseVerifier& v, const std::vector<std::string>& msgs) {
    for (size_t i = 0; i < msgs.size(); ++i)
        if (v.add(msgs[i]) == Step::error) return int(i);
    return v.finish() == Step::ok ? -1 : -2;
}

std::string request_mac_of(const tsig::Key& k) {
    std::string mac;
    signed_query(k, 999, &mac);
    return mac;
}

// The message with its TSIG RDATA replaced by `r` (same owner).
std::string with_record(const std::string& m, const tsig::Record& r) {
    auto f = tsig::find(u8(m), m.size());
    EXPECT_TRUE(f.ok() && *f);
    std::string out = m.substr(0, (*f)->offset) + std::string((*f)->key_name.wire());
    std::string rdata = tsig::write_rdata(r);
    out += std::string("\x00\xfa\x00\xff\x00\x00\x00\x00", 8);
    out += char(rdata.size() >> 8);
    out += char(rdata.size());
    return out + rdata;
}

} // namespace

TEST(TsigChain, EverySignedMessageVerifies) {
    auto k = key();
    std::string rmac = request_mac_of(k), last;
    auto msgs = transfer(
        k, rmac, 7, [](int) { return true; }, &last);
    tsig::ResponseVerifier v(k, rmac);
    for (const auto& m : msgs) EXPECT_EQ(v.add(m), Step::ok) << v.reason();
    EXPECT_EQ(v.finish(), Step::ok);
    EXPECT_EQ(v.messages(), 7u);
    EXPECT_EQ(v.last_mac(), last);
    // The same messages, checked one by one with verify_response.
    std::string mac = rmac;
    for (size_t i = 0; i < msgs.size(); ++i)
        EXPECT_TRUE(tsig::verify_response(u8(msgs[i]), msgs[i].size(), k, mac, i == 0)) << i;
    // Another request's MAC: the first message fails.
    tsig::ResponseVerifier w(k, std::string(32, 'x'));
    EXPECT_EQ(run(w, msgs), 0);
    EXPECT_EQ(w.failure(), VFail::bad_mac);
    EXPECT_EQ(w.tsig_error(), tsig::BADSIG);
}

TEST(TsigChain, UnsignedMessagesBetweenSignedOnesVerify) {
    auto k = key("hmac-sha512:xfr.example.:c2VjcmV0LXNlY3JldC1zZWNyZXQ=");
    std::string rmac = request_mac_of(k);
    // Every k-th message signed (and the last): runs of 1 to 6 unsigned messages.
    for (int every = 2; every <= 7; ++every) {
        const int n = 20;
        auto msgs = transfer(k, rmac, n, [&](int i) { return i % every == 0 || i == n - 1; });
        tsig::ResponseVerifier v(k, rmac);
        for (int i = 0; i < n; ++i) {
            Step want = i % every == 0 || i == n - 1 ? Step::ok : Step::pending;
            EXPECT_EQ(v.add(msgs[size_t(i)]), want) << every << " " << i << " " << v.reason();
        }
        EXPECT_EQ(v.finish(), Step::ok) << every;
    }
    // 99 in a row is the most RFC 8945 5.3.1 allows.
    auto msgs = transfer(k, rmac, 101, [](int i) { return i == 0 || i == 100; });
    tsig::ResponseVerifier v(k, rmac);
    EXPECT_EQ(run(v, msgs), -1) << v.reason();
}

TEST(TsigChain, HundredUnsignedInARowFail) {
    auto k = key();
    std::string rmac = request_mac_of(k);
    auto msgs = transfer(k, rmac, 102, [](int i) { return i == 0 || i == 101; });
    tsig::ResponseVerifier v(k, rmac);
    EXPECT_EQ(run(v, msgs), 100); // the 100th unsigned one, message 101
    EXPECT_EQ(v.failure(), VFail::too_many);
    EXPECT_EQ(v.reason(),
              "messages 2 to 101 are not signed: RFC 8945 5.3.1 allows at most 99 in a row");
    // Failed stays failed, even for a good message.
    EXPECT_EQ(v.add(msgs[101]), Step::error);
    EXPECT_EQ(v.finish(), Step::error);
}

TEST(TsigChain, UnsignedFirstOrLastMessageFails) {
    auto k = key();
    std::string rmac = request_mac_of(k);
    auto last = transfer(k, rmac, 4, [](int i) { return i < 2; });
    tsig::ResponseVerifier v(k, rmac);
    EXPECT_EQ(run(v, last), -2);
    EXPECT_EQ(v.failure(), VFail::last_unsigned);
    EXPECT_EQ(v.reason(), "the last message (4) is not signed with the key xfr.example. (RFC 8945 "
                          "5.3.1: it must be)");
    auto first = transfer(k, rmac, 3, [](int i) { return i > 0; });
    tsig::ResponseVerifier w(k, rmac);
    EXPECT_EQ(run(w, first), 0);
    EXPECT_EQ(w.failure(), VFail::first_unsigned);
    tsig::ResponseVerifier none(k, rmac);
    EXPECT_EQ(none.finish(), Step::error);
    EXPECT_EQ(none.failure(), VFail::no_message);
}

TEST(TsigChain, AChangedUnsignedMessageFailsTheNextMac) {
    auto k = key();
    std::string rmac = request_mac_of(k);
    auto msgs = transfer(k, rmac, 5, [](int i) { return i == 0 || i == 4; });
    for (size_t bit = 0; bit < msgs[2].size() * 8; bit += 7) {
        auto bad = msgs;
        bad[2][bit / 8] = char(bad[2][bit / 8] ^ (1 << (bit % 8)));
        tsig::ResponseVerifier v(k, rmac);
        auto readable = tsig::find(u8(bad[2]), bad[2].size());
        if (!readable.ok() || *readable) { // a count or a length changed: unreadable
            EXPECT_EQ(run(v, bad), 2) << bit;
            EXPECT_EQ(v.failure(), VFail::unreadable);
            continue;
        }
        EXPECT_EQ(run(v, bad), 4) << bit;
        EXPECT_EQ(v.failure(), VFail::bad_mac);
        EXPECT_EQ(v.reason(), "message 5 carries a TSIG signature that does not verify with the "
                              "key xfr.example. over the 3 unsigned messages before it");
    }
    // A missing or repeated unsigned message breaks the chain too.
    auto dropped = msgs;
    dropped.erase(dropped.begin() + 2);
    tsig::ResponseVerifier d(k, rmac);
    EXPECT_EQ(run(d, dropped), 3);
    auto doubled = msgs;
    doubled.insert(doubled.begin() + 2, msgs[2]);
    tsig::ResponseVerifier e(k, rmac);
    EXPECT_EQ(run(e, doubled), 5);
}

TEST(TsigChain, WrongKeyFails) {
    auto k = key();
    std::string rmac = request_mac_of(k);
    auto msgs = transfer(k, rmac, 3, [](int) { return true; });
    auto secret = key("hmac-sha256:xfr.example.:b3RoZXI=");
    tsig::ResponseVerifier v(secret, rmac);
    EXPECT_EQ(run(v, msgs), 0);
    EXPECT_EQ(v.failure(), VFail::bad_mac);
    auto name = key("hmac-sha256:other.:c2VjcmV0LXNlY3JldC1zZWNyZXQ=");
    tsig::ResponseVerifier w(name, rmac);
    EXPECT_EQ(run(w, msgs), 0);
    EXPECT_EQ(w.failure(), VFail::wrong_key);
    EXPECT_EQ(w.tsig_error(), tsig::BADKEY);
    auto alg = key("hmac-sha512:xfr.example.:c2VjcmV0LXNlY3JldC1zZWNyZXQ=");
    tsig::ResponseVerifier x(alg, rmac);
    EXPECT_EQ(run(x, msgs), 0);
    EXPECT_EQ(x.failure(), VFail::wrong_key);
    // The key name in another letter case is the same key.
    auto upper = key("hmac-sha256:XFR.Example.:c2VjcmV0LXNlY3JldC1zZWNyZXQ=");
    tsig::ResponseVerifier y(upper, rmac);
    EXPECT_EQ(run(y, msgs), -1) << y.reason();
}

TEST(TsigChain, TruncatedTsigFailsCleanly) {
    auto k = key();
    std::string rmac = request_mac_of(k);
    auto msgs = transfer(k, rmac, 2, [](int) { return true; });
    auto f = tsig::find(u8(msgs[1]), msgs[1].size());
    ASSERT_TRUE(f.ok() && *f);
    // Every cut inside the TSIG record of the second message: unreadable, never a crash.
    for (size_t len = (*f)->offset; len < msgs[1].size(); ++len) {
        tsig::ResponseVerifier v(k, rmac);
        EXPECT_EQ(v.add(msgs[0]), Step::ok);
        std::string cut = msgs[1].substr(0, len);
        EXPECT_EQ(v.add(cut), Step::error) << len;
        EXPECT_EQ(v.failure(), VFail::unreadable) << len;
    }
    // A MAC truncated as RFC 8945 5.2.2.1 allows (half the hash) verifies; shorter fails.
    auto first = tsig::find(u8(msgs[0]), msgs[0].size());
    ASSERT_TRUE(first.ok() && *first);
    tsig::Record r = (*first)->record;
    r.mac.resize(16);
    tsig::ResponseVerifier half(k, rmac);
    EXPECT_EQ(half.add(with_record(msgs[0], r)), Step::ok) << half.reason();
    EXPECT_EQ(half.last_mac(), r.mac);
    r.mac.resize(15);
    tsig::ResponseVerifier tiny(k, rmac);
    EXPECT_EQ(tiny.add(with_record(msgs[0], r)), Step::error);
    EXPECT_EQ(tiny.failure(), VFail::mac_size);
    r.mac = (*first)->record.mac + "x";
    tsig::ResponseVerifier longer(k, rmac);
    EXPECT_EQ(longer.add(with_record(msgs[0], r)), Step::error);
    EXPECT_EQ(longer.failure(), VFail::mac_size);
    // Not even a header.
    tsig::ResponseVerifier empty(k, rmac);
    EXPECT_EQ(empty.add(std::string("\x12")), Step::error);
    EXPECT_EQ(empty.failure(), VFail::unreadable);
}

TEST(TsigChain, ATsigErrorInTheAnswerFails) {
    auto k = key();
    std::string rmac = request_mac_of(k);
    tsig::Signer s(k, rmac, 1000, tsig::BADTIME, std::string("\x00\x00\x00\x00\x03\xe8", 6));
    std::string m = answer(0);
    s.sign(m);
    tsig::ResponseVerifier v(k, rmac);
    EXPECT_EQ(v.add(m), Step::error);
    EXPECT_EQ(v.failure(), VFail::tsig_error);
    EXPECT_EQ(v.tsig_error(), tsig::BADTIME);
}

TEST(TsigChain, OlderAlgorithmsForClientsOnly) {
    EXPECT_EQ(tsig::client_algorithm_from_text("hmac-md5"), tsig::Algorithm::hmac_md5);
    EXPECT_EQ(tsig::client_algorithm_from_text("HMAC-MD5.SIG-ALG.REG.INT."),
              tsig::Algorithm::hmac_md5);
    EXPECT_EQ(tsig::client_algorithm_from_text("hmac-sha1."), tsig::Algorithm::hmac_sha1);
    EXPECT_EQ(tsig::client_algorithm_from_text("hmac-sha384"), tsig::Algorithm::hmac_sha384);
    EXPECT_FALSE(tsig::client_algorithm_from_text("hmac-sha3").has_value());
    // Servers still take only hmac-sha256 and hmac-sha512.
    EXPECT_FALSE(tsig::algorithm_from_text("hmac-md5").has_value());
    EXPECT_FALSE(tsig::algorithm_from_text("hmac-sha1").has_value());
    for (auto [a, size] : {std::pair{tsig::Algorithm::hmac_md5, 16u},
                           {tsig::Algorithm::hmac_sha1, 20u},
                           {tsig::Algorithm::hmac_sha224, 28u},
                           {tsig::Algorithm::hmac_sha384, 48u}}) {
        tsig::Key k{*Name::parse("old.example."), a, "secret"};
        EXPECT_EQ(tsig::mac_size(a), size);
        std::string rmac = request_mac_of(k);
        EXPECT_EQ(rmac.size(), size);
        auto msgs = transfer(k, rmac, 4, [](int i) { return i != 2; });
        tsig::ResponseVerifier v(k, rmac);
        EXPECT_EQ(run(v, msgs), -1) << v.reason();
    }
}

namespace {

// `msg` with its TSIG's MAC cut to its first `n` octets (MAC size and RDLENGTH fixed).
std::string truncated(const std::string& msg, size_t n) {
    auto f = tsig::find(u8(msg), msg.size());
    EXPECT_TRUE(f.ok() && *f);
    tsig::Record r = (*f)->record;
    r.mac.resize(n);
    return with_record(msg, r);
}

} // namespace

// RFC 8945 5.2.2.1: a MAC cut to 10 octets and half the hash or more verifies; whatever its
// length, Verified::mac is the full MAC computed, the same for every cut of one message (the
// replay cache's key: the cut is not covered by the MAC, so an attacker could choose it).
TEST(Tsig, TruncatedMacsVerifyAndGiveTheFullMac) {
    auto k = key();
    std::vector<tsig::Key> keys{k};
    std::string mac;
    std::string q = signed_query(k, 1000000, &mac);
    auto whole = tsig::verify_request(u8(q), q.size(), keys, 1000000);
    ASSERT_EQ(whole.status, tsig::Status::ok);
    EXPECT_EQ(whole.mac, mac);
    for (size_t n : {31u, 20u, 16u}) {
        std::string t = truncated(q, n);
        ASSERT_NE(t, q);
        auto v = tsig::verify_request(u8(t), t.size(), keys, 1000000);
        EXPECT_EQ(v.status, tsig::Status::ok) << n;
        EXPECT_EQ(v.tsig->record.mac.size(), n);
        EXPECT_EQ(v.mac, mac) << n;
        // Outside the window too (the replay cache is never consulted then, but the same).
        EXPECT_EQ(tsig::verify_request(u8(t), t.size(), keys, 1000000 + 301).mac, mac);
    }
    std::string shorter = truncated(q, 15); // under half of 32
    EXPECT_EQ(tsig::verify_request(u8(shorter), shorter.size(), keys, 1000000).status,
              tsig::Status::formerr);
    std::string wrong = truncated(q, 16);
    wrong[wrong.size() - 7] ^= 1; // the MAC's last octet
    auto bad = tsig::verify_request(u8(wrong), wrong.size(), keys, 1000000);
    EXPECT_EQ(bad.status, tsig::Status::badsig);
    EXPECT_TRUE(bad.mac.empty());
}
