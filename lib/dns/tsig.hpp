// SPDX-License-Identifier: MIT
// TSIG (RFC 8945): keys, the TSIG record, verifying requests and signing responses
// (HMAC-SHA256/512).
#pragma once

#include "dns/name.hpp"
#include "dns/result.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace endpointdns::dns::tsig {

constexpr uint16_t type = 250;        // the TSIG RR type
constexpr uint16_t fudge = 300;       // seconds; RFC 8945 10 recommends 300
constexpr unsigned rcode_notauth = 9; // the header rcode of TSIG errors
// TSIG error field values (RFC 8945 3, RFC 2845).
constexpr uint16_t BADSIG = 16, BADKEY = 17, BADTIME = 18, BADTRUNC = 22;

// hmac_sha256 and hmac_sha512 are the ones our servers accept. The others (RFC 8945 6) are
// only for verifying what another primary sends zone-compile --axfr (client_algorithm_*).
enum class Algorithm : uint8_t {
    hmac_sha256,
    hmac_sha512,
    hmac_md5,
    hmac_sha1,
    hmac_sha224,
    hmac_sha384,
};

// The algorithm's wire name ("hmac-sha256.", "hmac-md5.sig-alg.reg.int."), and the algorithm
// of a wire name (any case): hmac-sha256 and hmac-sha512 only.
Name algorithm_name(Algorithm a);
std::optional<Algorithm> algorithm_from_name(const Name& n);
std::optional<Algorithm> algorithm_from_text(std::string_view text); // "hmac-sha256"
// Every algorithm of the enum, "hmac-md5" also as "hmac-md5.sig-alg.reg.int" (a client
// verifying a primary's transfer: zone-compile --axfr).
std::optional<Algorithm> client_algorithm_from_text(std::string_view text);
size_t mac_size(Algorithm a); // 32, 64, 16, 20, 28, 48

struct Key {
    Name name; // compared without regard to case
    Algorithm algorithm = Algorithm::hmac_sha256;
    std::string secret; // raw octets
};

// A key in the form dig -y and kdig -y take: "ALGORITHM:NAME:BASE64" (e.g.
// "hmac-sha256:xfr.example.:c2VjcmV0"); surrounding whitespace ignored.
Result<Key> parse_key(std::string_view text);

// The RDATA of a TSIG record (RFC 8945 4.2), names uncompressed.
struct Record {
    Name algorithm;
    uint64_t time_signed = 0; // 48 bits
    uint16_t fudge = 0;
    std::string mac;
    uint16_t original_id = 0;
    uint16_t error = 0;
    std::string other;
};
Result<Record> parse_rdata(std::string_view rdata);
std::string write_rdata(const Record& r);

// A message's TSIG record: owner (the key name), RDATA, and where the record starts.
struct Found {
    Name key_name;
    Record record;
    size_t offset = 0; // the message without its TSIG is msg[0..offset) with ARCOUNT - 1
};
// Walks the message (bounds-checked): nullopt without a TSIG; a failure when the message
// cannot be read, a TSIG is not the last additional record, or its class/TTL/RDATA is wrong.
Result<std::optional<Found>> find(const uint8_t* msg, size_t len);

enum class Status : uint8_t {
    none,    // the request carries no TSIG
    ok,      // signed with `key`, MAC and time good
    formerr, // a TSIG that cannot be read, or a MAC too short (RFC 8945 5.2.2.1)
    badkey,  // unknown key name or algorithm
    badsig,  // wrong MAC
    badtime, // MAC good, time outside the fudge
};
struct Verified {
    Status status = Status::none;
    const Key* key = nullptr;  // ok and badtime
    std::optional<Found> tsig; // the request's TSIG when it had one that could be read
    // ok and badtime: the full MAC computed over the request. The one received may be
    // truncated (RFC 8945 5.2.2.1) to any length the check allows, and that length is not
    // covered by the MAC: this one is what identifies the message (the replay cache's key).
    std::string mac;
};
// Verifies a request against `keys` at time `now` (seconds since the epoch).
Verified verify_request(const uint8_t* msg, size_t len, const std::vector<Key>& keys, uint64_t now);

// Signs the messages of one response (RFC 8945 5.3): the first one over the request's MAC and
// the full TSIG variables, each following one over the previous MAC and the timers. Every
// message is signed unless leave_unsigned() passes it. `msg` is a complete message without
// TSIG; sign() appends the TSIG record and adds one to ARCOUNT.
class Signer {
public:
    // `request_mac` empty: signing a request. `fudge_seconds`: the fudge it claims (a client's
    // choice; the server answers with `fudge`).
    Signer(const Key& key, std::string request_mac, uint64_t now, uint16_t error = 0,
           std::string other = {}, uint16_t fudge_seconds = fudge);
    void sign(std::string& msg);
    // A message after the first one sent without a TSIG (RFC 8945 5.3.1 allows up to 99 in a
    // row): the next sign() covers its octets. The caller keeps to the limit.
    void leave_unsigned(const std::string& msg) { unsigned_since_ += msg; }
    const std::string& last_mac() const { return prev_mac_; }
    // The octets sign() adds at most (for size limits).
    size_t overhead() const;

private:
    const Key& key_;
    std::string prev_mac_;
    uint64_t now_;
    uint16_t error_;
    std::string other_;
    uint16_t fudge_;
    bool first_ = true;
    std::string unsigned_since_;
};

// Appends an unsigned TSIG record carrying `error` (BADKEY, BADSIG: RFC 8945 5.3.2) that
// echoes the request's key and algorithm, and adds one to ARCOUNT.
void append_unsigned(std::string& msg, const Found& request, uint16_t error, uint64_t now);

// Verifies a response (or each message of a multi-message response, in order) to a request
// signed with `key` whose MAC was `request_mac` (tests and clients). Updates `mac` as it
// goes: start it with the request's MAC.
bool verify_response(const uint8_t* msg, size_t len, const Key& key, std::string& mac, bool first);

// Verifies the messages of a multi-message response (a zone transfer) to a request signed
// with `key` whose MAC was `request_mac`, in the order they arrive (RFC 8945 5.3.1): the first
// message must be signed, over the request's MAC and the full TSIG variables; then up to 99
// in a row may be unsigned, and each signed one's MAC covers the previous MAC, the unsigned
// messages since (their octets as received) and itself with the timers. A MAC may be truncated
// to half the hash and at least 10 octets (RFC 8945 5.2.2.1). The time signed is not checked
// against the clock. Once a message fails, every later call fails too.
class ResponseVerifier {
public:
    enum class Step : uint8_t {
        ok,      // signed, and the MAC chain verifies
        pending, // unsigned: the next signed message covers it
        error,   // see reason() and tsig_error()
    };
    enum class Failure : uint8_t {
        none,
        unreadable,     // a TSIG record find() refuses, or a message it cannot walk
        first_unsigned, // the first message has no TSIG
        wrong_key,      // signed with another key name or algorithm
        tsig_error,     // the TSIG's error field is set
        mac_size,       // a MAC longer than the hash or truncated too far
        bad_mac,        // the MAC does not verify
        too_many,       // a 100th unsigned message in a row
        last_unsigned,  // finish(): the last message was unsigned
        no_message,     // finish() before any message
    };
    // `key` must outlive the verifier.
    ResponseVerifier(const Key& key, std::string request_mac);
    Step add(const uint8_t* msg, size_t len);
    Step add(std::string_view msg) {
        return add(reinterpret_cast<const uint8_t*>(msg.data()), msg.size());
    }
    // After the last message: ok when it was signed and verified, else error (an unsigned
    // last message, no message, or an earlier error).
    Step finish();

    // What failed, and why in a sentence naming the message(s): "message 7 carries a TSIG
    // signature that does not verify with the key k.example. over the 2 unsigned messages
    // before it", "messages 2 to 101 are not signed: RFC 8945 5.3.1 allows at most 99 in a row".
    Failure failure() const { return failure_; }
    const std::string& reason() const { return reason_; }
    // The TSIG error of the failure: the message's error field when set (BADKEY, BADTIME...),
    // else BADKEY for another key, BADSIG for a MAC that does not verify, or 0.
    uint16_t tsig_error() const { return tsig_error_; }
    size_t messages() const { return messages_; }         // given to add()
    size_t unsigned_run() const { return unsigned_run_; } // unsigned since the last signed one
    const std::string& last_mac() const { return mac_; }

private:
    Step fail(Failure f, std::string why, uint16_t tsig_error = 0);

    const Key& key_;
    std::string mac_;
    std::string unsigned_since_;
    size_t messages_ = 0, unsigned_run_ = 0;
    Failure failure_ = Failure::none;
    std::string reason_;
    uint16_t tsig_error_ = 0;
};

} // namespace endpointdns::dns::tsig
