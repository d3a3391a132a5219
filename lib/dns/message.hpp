// SPDX-License-Identifier: MIT
// DNS messages: strict parsing (every length bounds-checked) and building with name compression.
#pragma once

#include "dns/name.hpp"
#include "dns/result.hpp"
#include "dns/rr.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace endpointdns::dns {

constexpr size_t header_size = 12;
constexpr size_t max_message = 65535;

namespace flag {
constexpr uint16_t QR = 0x8000, AA = 0x0400, TC = 0x0200, RD = 0x0100, RA = 0x0080;
}
namespace opcode {
constexpr unsigned QUERY = 0, NOTIFY = 4, UPDATE = 5;
}
namespace rcode {
constexpr unsigned NOERROR = 0, FORMERR = 1, SERVFAIL = 2, NXDOMAIN = 3, NOTIMP = 4, REFUSED = 5;
}

struct Header {
    uint16_t id = 0;
    uint16_t flags = 0; // QR, opcode, AA, TC, RD, RA, Z, AD, CD, RCODE exactly as on the wire
    unsigned opcode() const { return (flags >> 11) & 0xF; }
    unsigned rcode() const { return flags & 0xF; }
};

struct Question {
    Name name;
    uint16_t type = 0;
    uint16_t cls = rrclass::IN;
};

enum class Section { answer, authority, additional };

struct Message {
    Header header;
    std::vector<Question> question;
    std::vector<Rr> answer, authority, additional;
};

// Parses one whole message. Names in RDATA are decompressed (RFC 3597 section 4), so every
// Rr holds uncompressed RDATA. Counts must match the content and nothing may follow it.
Result<Message> parse_message(const uint8_t* data, size_t len);
inline Result<Message> parse_message(std::string_view m) {
    return parse_message(reinterpret_cast<const uint8_t*>(m.data()), m.size());
}

// Builds a message into its own buffer, compressing owner names and the RDATA names that
// RFC 1035 allows. Compression only targets byte-identical suffixes, so letter case survives.
// add_* return false and leave the message unchanged when the record would pass the size limit.
class MessageBuilder {
public:
    explicit MessageBuilder(size_t limit = max_message);
    void reset(uint16_t id, uint16_t flags);
    void set_limit(size_t limit) { limit_ = limit; }
    bool add_question(const Name& name, uint16_t type, uint16_t cls);
    bool add_rr(Section section, std::string_view owner_wire, uint16_t type, uint16_t cls,
                uint32_t ttl, std::string_view rdata);
    bool add_rr(Section section, const Rr& rr) {
        return add_rr(section, rr.owner.wire(), rr.type, rr.cls, rr.ttl, rr.rdata);
    }
    void set_rcode(unsigned rc);
    size_t size() const { return buf_.size(); }
    // A point to return to, e.g. to drop a partly added RRset that should move to the next
    // message whole.
    struct Mark {
        size_t size, entries;
        unsigned counts[4];
    };
    Mark mark() const;
    void rewind(const Mark& m);
    unsigned count(Section s) const { return counts_[1 + int(s)]; }
    std::string_view data() const { return buf_; }

private:
    bool write_name(std::string_view wire, bool compress);
    void remember(size_t offset, uint64_t hash);
    size_t find(std::string_view suffix, uint64_t hash) const;
    bool matches(size_t offset, std::string_view suffix) const;
    void rollback(size_t size, size_t entries);

    std::string buf_;
    size_t limit_;
    unsigned counts_[4] = {0, 0, 0, 0};
    // Open-addressing table of compression targets: hash of a suffix -> its message offset.
    struct Slot {
        uint32_t hash;
        uint16_t offset; // 0 = empty (offset 0 is the header, never a name)
    };
    std::vector<Slot> table_;
    std::vector<uint32_t> used_; // slots filled since reset, for rollback and quick clearing
};

} // namespace endpointdns::dns
