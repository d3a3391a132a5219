// SPDX-License-Identifier: MIT
// Unit tests of lib/dns/tsig: keys, the TSIG record, request verification, response signing.
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

// `msg` with its TSIG's MAC cut to its first `n` octets (MAC size and RDLENGTH fixed).
std::string truncated(const std::string& msg, size_t n) {
    auto f = tsig::find(u8(msg), msg.size());
    EXPECT_TRUE(f.ok() && *f);
    tsig::Record r = (*f)->record;
    r.mac.resize(n);
    std::string rdata = tsig::write_rdata(r);
    std::string out = msg.substr(0, (*f)->offset) + std::string((*f)->key_name.wire());
    for (unsigned v : {unsigned(tsig::type), 255u, 0u, 0u, unsigned(rdata.size())}) {
        out.push_back(char(v >> 8));
        out.push_back(char(v));
    }
    return out + rdata;
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
