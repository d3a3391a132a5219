// SPDX-License-Identifier: MIT
// Zone transfers out: the ACL, TSIG checks and the AXFR/IXFR message stream over a zone snapshot.
#include "serve/xfr.hpp"

#include "dns/message.hpp"
#include "dns/rr.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <algorithm>
#include <cstring>

namespace endpointdns::serve {

using dns::MessageBuilder;
using dns::Section;
namespace tsig = dns::tsig;

namespace {

uint16_t get16(const uint8_t* p) {
    return uint16_t(p[0] << 8 | p[1]);
}
uint32_t get32(const uint8_t* p) {
    return uint32_t(get16(p)) << 16 | get16(p + 2);
}

constexpr uint16_t flag_qr = 0x8000, flag_aa = 0x0400, flag_rd = 0x0100;
constexpr uint8_t rc_formerr = 1, rc_notauth = 9, rc_refused = 5;

// The parts of the request every message of the answer repeats.
struct Request {
    uint16_t id = 0;
    uint16_t rd = 0;
    dns::Name qname;
    uint16_t qtype = 0;
    uint16_t qclass = 1;
};

// Signs (or not) and finishes the messages of one answer.
struct Sealer {
    std::unique_ptr<tsig::Signer> signer;
    size_t limit() const { return dns::max_message - (signer ? signer->overhead() : 0); }
    void seal(MessageBuilder& b, std::string& out) {
        out.assign(b.data());
        if (signer) signer->sign(out);
    }
};

// A single message, then done: errors and the "up to date" IXFR answer.
class OneMessage : public Transfer {
public:
    explicit OneMessage(std::string msg) : msg_(std::move(msg)) {}
    bool next(std::string& out) override {
        if (done_) return false;
        out = std::move(msg_);
        done_ = true;
        return true;
    }

private:
    std::string msg_;
    bool done_ = false;
};

// The whole zone: SOA, every RRset but the SOA (the apex first, then the other names), SOA.
class ZoneWalk : public Transfer {
public:
    ZoneWalk(std::shared_ptr<const ServeZone> z, Request r, Sealer s)
        : zone_(std::move(z)), req_(std::move(r)), seal_(std::move(s)), builder_(seal_.limit()) {
        nodes_.push_back(zone_->apex().data());
        soa_ = zone_->apex().find(dns::rrtype::SOA);
        streams = true;
    }

    bool next(std::string& out) override {
        if (phase_ == done) return false;
        builder_.reset(req_.id, flag_qr | flag_aa | req_.rd);
        builder_.add_question(req_.qname, req_.qtype, req_.qclass);
        if (phase_ == first_soa) {
            add_soa();
            phase_ = records;
        }
        while (phase_ == records) {
            if (ni_ == nodes_.size() && !next_shard()) {
                phase_ = last_soa;
                break;
            }
            if (!fill_node()) break; // the message is full
        }
        if (phase_ == last_soa) {
            if (add_soa()) phase_ = done;
        }
        seal_.seal(builder_, out);
        return true;
    }

private:
    enum Phase { first_soa, records, last_soa, done };

    bool add_soa() {
        auto rec = record_at(soa_.wire, 0);
        return builder_.add_rr(Section::answer, zone_->apex().owner(), dns::rrtype::SOA, rec.cls,
                               rec.ttl, rec.rdata);
    }

    struct Rec {
        uint16_t type, cls;
        uint32_t ttl;
        std::string_view rdata;
        size_t size;
    };
    // One record of an RRset's wire: [C0 0C][type][class][ttl][rdlength][rdata].
    static Rec record_at(std::string_view wire, size_t off) {
        const auto* p = reinterpret_cast<const uint8_t*>(wire.data()) + off;
        uint16_t rdlen = get16(p + 10);
        return {get16(p + 2),
                get16(p + 4),
                get32(p + 6),
                {reinterpret_cast<const char*>(p + 12), rdlen},
                size_t(12) + rdlen};
    }

    // The nodes of the next shard that has any (the apex went first); false after the last.
    // One shard at a time, so starting a transfer of a large zone costs no more than a message.
    bool next_shard() {
        const uint8_t* apex = zone_->apex().data();
        while (shard_ < zone_->shard_count()) {
            nodes_.clear();
            ni_ = ri_ = wo_ = 0;
            zone_->each_node_in_shard(shard_++, [&](NodeView n) {
                if (n.data() != apex && !n.empty_non_terminal()) nodes_.push_back(n.data());
            });
            if (!nodes_.empty()) return true;
        }
        return false;
    }

    // Adds what fits of the current node; false when the message filled up.
    bool fill_node() {
        NodeView n(nodes_[ni_]);
        size_t ordinal = 0;
        bool full = false;
        n.each([&](const RrsetView& v) {
            if (ordinal++ < ri_) return true;
            if (v.type == dns::rrtype::SOA && (n.flags() & NodeView::apex)) {
                ++ri_;
                wo_ = 0;
                return true;
            }
            while (wo_ < v.wire.size()) {
                Rec r = record_at(v.wire, wo_);
                if (!builder_.add_rr(Section::answer, n.owner(), r.type, r.cls, r.ttl, r.rdata)) {
                    full = true;
                    return false;
                }
                wo_ += r.size;
            }
            ++ri_;
            wo_ = 0;
            return true;
        });
        if (full) return false;
        ++ni_;
        ri_ = wo_ = 0;
        return true;
    }

    std::shared_ptr<const ServeZone> zone_;
    Request req_;
    Sealer seal_;
    MessageBuilder builder_;
    std::vector<const uint8_t*> nodes_; // the apex, then one shard's nodes at a time
    RrsetView soa_;
    Phase phase_ = first_soa;
    size_t shard_ = 0;                // the next shard to walk
    size_t ni_ = 0, ri_ = 0, wo_ = 0; // node in nodes_, RRset in node, octet in RRset
};

// IXFR from the zone's history (RFC 1995 4): the new SOA; per step the old SOA, the removed
// records, the new SOA, the added records; the new SOA again.
class DeltaWalk : public Transfer {
public:
    DeltaWalk(std::shared_ptr<const ServeZone> z, std::vector<const zone::DeltaStep*> steps,
              Request r, Sealer s)
        : zone_(std::move(z)), steps_(std::move(steps)), req_(std::move(r)), seal_(std::move(s)),
          builder_(seal_.limit()) {
        streams = true;
    }

    bool next(std::string& out) override {
        if (done_) return false;
        builder_.reset(req_.id, flag_qr | flag_aa | req_.rd);
        builder_.add_question(req_.qname, req_.qtype, req_.qclass);
        const dns::Rr& last = steps_.back()->to_soa;
        for (;;) {
            const dns::Rr* rr = current(last);
            if (!rr) {
                done_ = true;
                break;
            }
            if (!builder_.add_rr(Section::answer, *rr)) break;
            advance();
        }
        seal_.seal(builder_, out);
        return true;
    }

private:
    // The record at the position, or nullptr past the end.
    const dns::Rr* current(const dns::Rr& last) const {
        if (pos_ == 0) return &last;
        if (step_ == steps_.size()) return pos_ == 1 ? &last : nullptr;
        const zone::DeltaStep& s = *steps_[step_];
        switch (part_) {
        case 0:
            return &s.from_soa;
        case 1:
            return &s.removed[i_];
        case 2:
            return &s.to_soa;
        default:
            return &s.added[i_];
        }
    }
    void advance() {
        if (pos_ == 0) {
            pos_ = 1;
            settle();
            return;
        }
        if (step_ == steps_.size()) {
            pos_ = 2;
            return;
        }
        ++i_;
        if (part_ == 0 || part_ == 2) {
            ++part_;
            i_ = 0;
        }
        settle();
    }
    // Skips empty record lists and finished steps.
    void settle() {
        while (step_ < steps_.size()) {
            const zone::DeltaStep& s = *steps_[step_];
            if (part_ == 1 && i_ >= s.removed.size()) {
                part_ = 2;
                i_ = 0;
            } else if (part_ == 3 && i_ >= s.added.size()) {
                part_ = 0;
                i_ = 0;
                ++step_;
            } else {
                return;
            }
        }
    }

    std::shared_ptr<const ServeZone> zone_;     // keeps the history alive
    std::vector<const zone::DeltaStep*> steps_; // oldest first
    Request req_;
    Sealer seal_;
    MessageBuilder builder_;
    size_t pos_ = 0; // 0: the first SOA; 1: the steps, then the last SOA; 2: done
    size_t step_ = 0, part_ = 0, i_ = 0;
    bool done_ = false;
};

// An answer with no records (errors) or with the SOA only, signed when asked.
std::string single(const Request& r, uint8_t rcode, Sealer& s, const ServeZone* soa_of,
                   const tsig::Found* unsigned_error = nullptr, uint16_t tsig_error = 0,
                   uint64_t now = 0) {
    MessageBuilder b(s.limit());
    b.reset(r.id, uint16_t(flag_qr | r.rd | (rcode == 0 ? flag_aa : 0)));
    b.add_question(r.qname, r.qtype, r.qclass);
    if (soa_of) {
        RrsetView soa = soa_of->apex().find(dns::rrtype::SOA);
        const auto* p = reinterpret_cast<const uint8_t*>(soa.wire.data());
        b.add_rr(Section::answer, soa_of->apex().owner(), dns::rrtype::SOA, get16(p + 4),
                 get32(p + 6), {reinterpret_cast<const char*>(p + 12), get16(p + 10)});
    }
    b.set_rcode(rcode);
    std::string out;
    s.seal(b, out);
    if (unsigned_error) tsig::append_unsigned(out, *unsigned_error, tsig_error, now);
    return out;
}

bool serial_newer_or_equal(uint32_t a, uint32_t b) { // a >= b in RFC 1982 terms
    return a == b || int32_t(a - b) > 0;
}

} // namespace

Result<Prefix> parse_prefix(std::string_view text) {
    Prefix p;
    std::string addr(text);
    size_t slash = addr.find('/');
    std::string bits_text;
    if (slash != std::string::npos) {
        bits_text = addr.substr(slash + 1);
        addr.resize(slash);
    }
    if (inet_pton(AF_INET, addr.c_str(), p.addr) == 1) {
        p.family = AF_INET;
        p.bits = 32;
    } else if (inet_pton(AF_INET6, addr.c_str(), p.addr) == 1) {
        p.family = AF_INET6;
        p.bits = 128;
    } else {
        return fail("'" + std::string(text) + "' is not an address or ADDRESS/BITS");
    }
    if (slash != std::string::npos) {
        unsigned max = p.bits;
        if (bits_text.empty() || bits_text.size() > 3 ||
            bits_text.find_first_not_of("0123456789") != std::string::npos ||
            std::stoul(bits_text) > max)
            return fail("'" + std::string(text) + "': the prefix length must be 0 to " +
                        std::to_string(max));
        p.bits = unsigned(std::stoul(bits_text));
    }
    // ::ffff:a.b.c.d/N (N >= 96) is the IPv4 prefix a.b.c.d/(N - 96): clients are compared
    // as IPv4 when mapped (prefix_contains), so this is the only way it can match. Hence
    // ::ffff:0:0/96 is 0.0.0.0/0 and lets every IPv4 client in, as that IPv4 entry would.
    // Shorter mapped prefixes (::ffff:0:0/95) stay IPv6 and match no IPv4 client.
    if (p.family == AF_INET6 && p.bits >= 96 &&
        IN6_IS_ADDR_V4MAPPED(reinterpret_cast<const in6_addr*>(p.addr))) {
        std::memmove(p.addr, p.addr + 12, 4);
        std::memset(p.addr + 4, 0, 12);
        p.family = AF_INET;
        p.bits -= 96;
    }
    return p;
}

bool prefix_contains(const Prefix& p, const sockaddr_storage& peer) {
    const uint8_t* a = nullptr;
    uint8_t mapped[4];
    if (peer.ss_family == AF_INET) {
        if (p.family != AF_INET) return false;
        a = reinterpret_cast<const uint8_t*>(
            &reinterpret_cast<const sockaddr_in*>(&peer)->sin_addr);
    } else if (peer.ss_family == AF_INET6) {
        // A mapped client is an IPv4 client: only IPv4 prefixes match it, so an IPv6 entry
        // (::/0, ::/8, ::ffff:0:0/95) never lets an IPv4 client in by accident. A mapped
        // entry of 96 bits or more is an IPv4 prefix already (parse_prefix): ::ffff:0:0/96
        // is 0.0.0.0/0 and does match every IPv4 client.
        const auto* in6 = &reinterpret_cast<const sockaddr_in6*>(&peer)->sin6_addr;
        bool is_mapped = IN6_IS_ADDR_V4MAPPED(in6);
        if (is_mapped != (p.family == AF_INET)) return false;
        if (is_mapped) {
            std::memcpy(mapped, reinterpret_cast<const uint8_t*>(in6) + 12, 4);
            a = mapped;
        } else {
            a = reinterpret_cast<const uint8_t*>(in6);
        }
    } else {
        return false;
    }
    unsigned full = p.bits / 8, rest = p.bits % 8;
    if (std::memcmp(a, p.addr, full) != 0) return false;
    if (rest == 0) return true;
    uint8_t mask = uint8_t(0xFF << (8 - rest));
    return (a[full] & mask) == (p.addr[full] & mask);
}

bool TransferPolicy::enabled() const {
    if (!allow.empty()) return true;
    for (const auto& z : zones)
        if (!z.allow.empty()) return true;
    return false;
}

const ZoneTransferRule* TransferPolicy::rule(const dns::Name& zone) const {
    for (const auto& z : zones)
        if (z.zone == zone) return &z;
    return nullptr;
}

bool TransferPolicy::global_key(const dns::Name& key) const {
    for (const auto& z : zones)
        if (z.keys)
            for (const auto& k : *z.keys)
                if (k == key) return false;
    return true;
}

bool TransferPolicy::allows(const dns::Name& zone, const sockaddr_storage& peer,
                            const dns::tsig::Key* key) const {
    const ZoneTransferRule* r = rule(zone);
    const std::vector<Prefix>& acl = r ? r->allow : allow;
    bool in = false;
    for (const Prefix& p : acl) in = in || prefix_contains(p, peer);
    if (!in) return false;
    if (!key) return !(r ? r->require_tsig : require_tsig);
    if (r && r->keys) {
        for (const auto& k : *r->keys)
            if (k == key->name) return true;
        return false;
    }
    return global_key(key->name);
}

bool is_transfer_query(const uint8_t* q, size_t len) {
    if (len < 12 + 5) return false;
    uint16_t flags = get16(q + 2);
    if ((flags & flag_qr) || ((flags >> 11) & 0xF) != 0 || get16(q + 4) != 1) return false;
    size_t n = dns::wire_name_length(q + 12, len - 12);
    if (n == 0 || len - 12 - n < 4) return false;
    uint16_t t = get16(q + 12 + n);
    return t == dns::rrtype::AXFR || t == dns::rrtype::IXFR;
}

std::unique_ptr<Transfer> start_transfer(const ZoneSet& zones, const TransferPolicy& policy,
                                         const sockaddr_storage& peer, const uint8_t* q, size_t len,
                                         uint64_t now) {
    Request r;
    r.id = get16(q);
    r.rd = get16(q + 2) & flag_rd;
    Sealer plain;
    auto error = [&](uint8_t rcode, Sealer& s) {
        auto t = std::make_unique<OneMessage>(single(r, rcode, s, nullptr));
        t->qtype = r.qtype;
        t->rcode = rcode;
        return t;
    };
    auto msg = dns::parse_message(q, len);
    size_t qend = 12 + dns::wire_name_length(q + 12, len - 12);
    r.qname = dns::Name::from_wire_unchecked(
        std::string_view(reinterpret_cast<const char*>(q + 12), qend - 12));
    r.qtype = get16(q + qend);
    r.qclass = get16(q + qend + 2);
    if (!msg) return error(rc_formerr, plain);

    auto v = tsig::verify_request(q, len, policy.keys, now);
    switch (v.status) {
    case tsig::Status::formerr:
        return error(rc_formerr, plain);
    case tsig::Status::badkey:
    case tsig::Status::badsig: {
        uint16_t e = v.status == tsig::Status::badkey ? tsig::BADKEY : tsig::BADSIG;
        auto t =
            std::make_unique<OneMessage>(single(r, rc_notauth, plain, nullptr, &*v.tsig, e, now));
        t->qtype = r.qtype;
        t->rcode = rc_notauth;
        return t;
    }
    case tsig::Status::badtime: {
        // Signed, with the server's time in Other Data (RFC 8945 5.2.3).
        std::string other;
        for (int shift = 40; shift >= 0; shift -= 8) other.push_back(char(now >> shift));
        Sealer s;
        s.signer =
            std::make_unique<tsig::Signer>(*v.key, v.tsig->record.mac, v.tsig->record.time_signed,
                                           tsig::BADTIME, std::move(other));
        return error(rc_notauth, s);
    }
    case tsig::Status::none:
    case tsig::Status::ok:
        break;
    }
    Sealer s;
    if (v.status == tsig::Status::ok)
        s.signer = std::make_unique<tsig::Signer>(*v.key, v.tsig->record.mac, now);

    // Per zone ([[transfer.zone]]): a valid key that may not transfer this zone is REFUSED,
    // signed, as an address outside the ACL is; the key is good, so BADKEY would be untrue.
    if (!policy.allows(r.qname, peer, v.status == tsig::Status::ok ? v.key : nullptr))
        return error(rc_refused, s);
    if (r.qclass != dns::rrclass::IN || msg->answer.size() != 0) return error(rc_formerr, s);

    auto z = zones.get(r.qname);
    if (!z) return error(rc_notauth, s);

    if (r.qtype == dns::rrtype::IXFR) {
        // RFC 1995: the client's SOA in the authority section. Current (or newer): the SOA
        // alone. Otherwise the whole zone, as AXFR sends it (RFC 1995 4).
        const dns::Rr* soa = nullptr;
        for (const auto& rr : msg->authority)
            if (rr.type == dns::rrtype::SOA) soa = &rr;
        if (!soa) return error(rc_formerr, s);
        size_t end1 = 0, end2 = 0;
        const auto* rd = reinterpret_cast<const uint8_t*>(soa->rdata.data());
        size_t n = soa->rdata.size();
        if (!dns::Name::from_wire(rd, n, 0, &end1, false) ||
            !dns::Name::from_wire(rd, n, end1, &end2, false) || n - end2 < 20)
            return error(rc_formerr, s);
        uint32_t client = get32(rd + end2);
        if (serial_newer_or_equal(client, z->serial())) {
            auto t = std::make_unique<OneMessage>(single(r, 0, s, z.get()));
            t->qtype = r.qtype;
            return t;
        }
        // The steps from the client's serial to ours, when the history reaches back that far.
        std::vector<const zone::DeltaStep*> steps;
        for (const ServeZone::HistoryNode* n = z->history().get(); n; n = n->older.get()) {
            steps.push_back(&n->step);
            auto from = dns::parse_soa(n->step.from_soa.rdata);
            if (from && from->serial == client) {
                std::reverse(steps.begin(), steps.end());
                auto t =
                    std::make_unique<DeltaWalk>(std::move(z), std::move(steps), r, std::move(s));
                t->qtype = r.qtype;
                return t;
            }
        }
    }
    auto t = std::make_unique<ZoneWalk>(std::move(z), r, std::move(s));
    t->qtype = r.qtype;
    return t;
}

} // namespace endpointdns::serve
