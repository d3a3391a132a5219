// SPDX-License-Identifier: MIT
// Zone transfers out (AXFR RFC 5936, IXFR RFC 1995) over TCP: access control, TSIG, message stream.
#pragma once

#include "dns/result.hpp"
#include "dns/tsig.hpp"
#include "serve/snapshot.hpp"

#include <sys/socket.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace endpointdns::serve {

// An address prefix of the transfer ACL: "192.0.2.1", "192.0.2.0/24", "2001:db8::/32".
// An IPv4-mapped IPv6 prefix ("::ffff:192.0.2.0/120", 96 bits or more) is read as the IPv4
// prefix it maps (192.0.2.0/24): "::ffff:0:0/96" is 0.0.0.0/0, every IPv4 client.
struct Prefix {
    int family = 0; // AF_INET, AF_INET6
    uint8_t addr[16]{};
    unsigned bits = 0;
};
Result<Prefix> parse_prefix(std::string_view text);
// A client on an IPv6 socket with an IPv4-mapped address (::ffff:192.0.2.1) is the IPv4
// client it maps: IPv4 prefixes match it, IPv6 prefixes (even ::/0) never do.
bool prefix_contains(const Prefix& p, const sockaddr_storage& peer);

// A [[transfer.zone]] entry: who may transfer one zone, in place of the global lists.
struct ZoneTransferRule {
    dns::Name zone;
    std::vector<Prefix> allow; // the global allow when the entry gives none; empty: nobody
    // The names of the keys that may transfer the zone; unset: the global keys (those no
    // entry names).
    std::optional<std::vector<dns::Name>> keys;
    bool require_tsig = false; // the global require_tsig when the entry does not say
};

// Who may transfer zones ([transfer] in dns-serve.toml). Transfers are off while no allow
// list (global or of an entry) holds an address: AXFR and IXFR then get NOTAUTH as before (as
// Knot answers without an ACL).
struct TransferPolicy {
    std::vector<Prefix> allow;
    std::vector<dns::tsig::Key> keys; // every key: global ones and those the entries name
    bool require_tsig = false;
    std::vector<ZoneTransferRule> zones; // at most one per zone
    bool enabled() const;
    // The entry of `zone`, or nullptr (the global lists apply).
    const ZoneTransferRule* rule(const dns::Name& zone) const;
    // Whether a key is global: named by no entry.
    bool global_key(const dns::Name& key) const;
    // Whether `peer` may transfer `zone`, the request signed by `key` (verified) or unsigned
    // (nullptr): the address in the allow list, the key one that may transfer the zone, and a
    // key when TSIG is required.
    bool allows(const dns::Name& zone, const sockaddr_storage& peer,
                const dns::tsig::Key* key) const;
};

// The policy in force, replaced whole when the configuration is reloaded (SIGHUP): readers
// take a reference and keep the version they took (a transfer under way is not cut).
class TransferPolicySlot {
public:
    explicit TransferPolicySlot(std::shared_ptr<const TransferPolicy> p = nullptr)
        : policy_(std::move(p)) {}
    std::shared_ptr<const TransferPolicy> get() const {
        std::lock_guard l(mu_);
        return policy_;
    }
    void set(std::shared_ptr<const TransferPolicy> p) {
        {
            std::lock_guard l(mu_);
            policy_ = std::move(p);
        }
        generation_.fetch_add(1, std::memory_order_release);
    }
    // Changes with every set(): a reader compares it with the one it saw (one atomic load).
    uint64_t generation() const { return generation_.load(std::memory_order_acquire); }

private:
    mutable std::mutex mu_;
    std::shared_ptr<const TransferPolicy> policy_;
    std::atomic<uint64_t> generation_{0};
};

// True for a message that asks for a transfer: opcode QUERY, not a response, one question of
// type AXFR or IXFR. Cheap; reads only the header and the question.
bool is_transfer_query(const uint8_t* q, size_t len);

// One transfer's answer, produced message by message so a large zone is never copied whole:
// the transfer holds its zone version (immutable, shared with the lookup) and walks it.
class Transfer {
public:
    virtual ~Transfer() = default;
    // The next message (without the TCP length prefix) in `out`; false when all were sent.
    virtual bool next(std::string& out) = 0;
    uint16_t qtype = 0;
    uint8_t rcode = 0; // of the first message, for metrics
    // True for the zone's data (AXFR, IXFR as the whole zone or its history): many messages,
    // sent as the client reads, which take one of the server's transfer slots. False for a
    // single message (an error, or the SOA alone to a current IXFR client): sent at once, no
    // slot, so refused requests can never hold slots.
    bool streams = false;
    // The policy the transfer started under, held by the caller while it runs: its signer
    // refers to a key of it, which a reload (SIGHUP) must not free.
    std::shared_ptr<const TransferPolicy> policy;
};

// The answer to a transfer query from `peer` at time `now` (seconds since the epoch): the
// zone (AXFR; IXFR as the whole zone, or the SOA alone when the client is current), or a
// single error message (FORMERR, NOTAUTH with a TSIG error, REFUSED). Only the zone's data
// `streams`.
std::unique_ptr<Transfer> start_transfer(const ZoneSet& zones, const TransferPolicy& policy,
                                         const sockaddr_storage& peer, const uint8_t* q, size_t len,
                                         uint64_t now);

} // namespace endpointdns::serve
