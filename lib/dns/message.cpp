// SPDX-License-Identifier: MIT
// DNS message parsing and building; the compression table is an open-addressing hash of suffixes.
#include "dns/message.hpp"

#include <algorithm>
#include <cstring>

namespace endpointdns::dns {

namespace {

struct Reader {
    const uint8_t* data;
    size_t len;
    size_t pos = 0;
};

// Reads RDATA of `type` at r.pos..r.pos+rdlen, decompressing names allowed by its layout.
Result<std::string> read_rdata(const Reader& r, uint16_t type, uint16_t cls, size_t rdlen) {
    size_t start = r.pos, end = r.pos + rdlen;
    std::string_view layout = rdata_layout(type);
    // RFC 2136 UPDATE: class ANY and NONE records may carry no RDATA at all.
    if (rdlen == 0 && (cls == rrclass::ANY || cls == rrclass::NONE)) return std::string();
    if (layout.empty()) return std::string(reinterpret_cast<const char*>(r.data + start), rdlen);
    std::string out;
    out.reserve(rdlen + 16);
    size_t pos = start;
    auto copy = [&](size_t n) -> bool {
        if (end - pos < n) return false;
        out.append(reinterpret_cast<const char*>(r.data + pos), n);
        pos += n;
        return true;
    };
    for (char code : layout) {
        if (size_t n = layout_fixed_size(code)) {
            if (!copy(n)) return fail(type_name(type) + " RDATA too short");
            continue;
        }
        switch (code) {
        case 'S':
            if (pos >= end || !copy(1u + r.data[pos]))
                return fail(type_name(type) + " character-string runs past RDATA");
            break;
        case 'R':
            copy(end - pos);
            break;
        default: { // a domain name; its own bounds are the message, its end must be in RDATA
            size_t after = 0;
            auto n = Name::from_wire(r.data, end, pos, &after, code != 'u');
            if (!n) return fail(type_name(type) + " RDATA: " + n.error());
            out.append(n->wire());
            pos = after;
        }
        }
    }
    if (pos != end) return fail(type_name(type) + " RDATA longer than its type allows");
    if (out.size() > 65535) return fail(type_name(type) + " RDATA too long after decompression");
    return out;
}

} // namespace

Result<Message> parse_message(const uint8_t* data, size_t len) {
    if (len < header_size) return fail("message shorter than its 12-octet header");
    if (len > max_message) return fail("message longer than 65535 octets");
    Message m;
    m.header.id = get16(data);
    m.header.flags = get16(data + 2);
    unsigned counts[4] = {get16(data + 4), get16(data + 6), get16(data + 8), get16(data + 10)};
    Reader r{data, len, header_size};
    // Each question takes at least 5 octets and each record 11: cap reservations by the size.
    m.question.reserve(std::min<size_t>(counts[0], len / 5));
    for (unsigned i = 0; i < counts[0]; ++i) {
        size_t after = 0;
        auto name = Name::from_wire(data, len, r.pos, &after);
        if (!name) return fail("question " + std::to_string(i + 1) + ": " + name.error());
        if (len - after < 4) return fail("question " + std::to_string(i + 1) + " truncated");
        m.question.push_back(
            Question{std::move(*name), get16(data + after), get16(data + after + 2)});
        r.pos = after + 4;
    }
    std::vector<Rr>* sections[3] = {&m.answer, &m.authority, &m.additional};
    static const char* section_names[3] = {"answer", "authority", "additional"};
    for (int s = 0; s < 3; ++s) {
        sections[s]->reserve(std::min<size_t>(counts[s + 1], (len - r.pos) / 11 + 1));
        for (unsigned i = 0; i < counts[s + 1]; ++i) {
            auto where = [&] {
                return std::string(section_names[s]) + " record " + std::to_string(i + 1);
            };
            size_t after = 0;
            auto owner = Name::from_wire(data, len, r.pos, &after);
            if (!owner) return fail(where() + ": " + owner.error());
            if (len - after < 10) return fail(where() + " truncated");
            Rr rr{std::move(*owner),
                  get16(data + after),
                  get16(data + after + 2),
                  get32(data + after + 4),
                  {}};
            size_t rdlen = get16(data + after + 8);
            r.pos = after + 10;
            if (len - r.pos < rdlen) return fail(where() + ": RDATA runs past the message");
            auto rd = read_rdata(r, rr.type, rr.cls, rdlen);
            if (!rd) return fail(where() + ": " + rd.error());
            rr.rdata = std::move(*rd);
            r.pos += rdlen;
            sections[s]->push_back(std::move(rr));
        }
    }
    if (r.pos != len)
        return fail(std::to_string(len - r.pos) + " octets of trailing garbage after the message");
    return m;
}

// ---- building -------------------------------------------------------------------------------

namespace {
constexpr size_t table_slots = 16384; // power of two; at most ~8k targets fit below 0x4000
constexpr size_t max_pointer_target = 0x3FFF;

uint64_t mix_label(uint64_t h, const uint8_t* label, size_t n) {
    for (size_t i = 0; i < n; ++i) {
        h ^= label[i];
        h *= 1099511628211ULL;
    }
    return h;
}
} // namespace

MessageBuilder::MessageBuilder(size_t limit) : limit_(limit), table_(table_slots) {
    buf_.reserve(std::min<size_t>(limit, max_message));
    reset(0, 0);
}

void MessageBuilder::reset(uint16_t id, uint16_t flags) {
    for (uint32_t s : used_) table_[s] = Slot{0, 0};
    used_.clear();
    buf_.assign(header_size, '\0');
    buf_[0] = char(id >> 8);
    buf_[1] = char(id);
    buf_[2] = char(flags >> 8);
    buf_[3] = char(flags);
    std::fill(std::begin(counts_), std::end(counts_), 0u);
}

void MessageBuilder::set_rcode(unsigned rc) {
    buf_[3] = char((uint8_t(buf_[3]) & 0xF0) | (rc & 0xF));
}

bool MessageBuilder::matches(size_t offset, std::string_view suffix) const {
    const uint8_t* m = reinterpret_cast<const uint8_t*>(buf_.data());
    size_t i = 0;
    for (int hops = 0; hops < 128;) {
        uint8_t l = m[offset];
        if ((l & 0xC0) == 0xC0) {
            offset = (size_t(l & 0x3F) << 8) | m[offset + 1];
            ++hops;
            continue;
        }
        if (i >= suffix.size() || uint8_t(suffix[i]) != l) return false;
        if (l == 0) return i + 1 == suffix.size();
        if (std::memcmp(m + offset + 1, suffix.data() + i + 1, l) != 0) return false;
        i += 1 + l;
        offset += 1 + l;
    }
    return false;
}

size_t MessageBuilder::find(std::string_view suffix, uint64_t hash) const {
    uint32_t h = uint32_t(hash) | 1u;
    for (size_t s = h & (table_slots - 1);; s = (s + 1) & (table_slots - 1)) {
        const Slot& slot = table_[s];
        if (slot.offset == 0) return 0;
        if (slot.hash == h && matches(slot.offset, suffix)) return slot.offset;
    }
}

void MessageBuilder::remember(size_t offset, uint64_t hash) {
    if (offset > max_pointer_target || used_.size() >= table_slots / 2) return;
    uint32_t h = uint32_t(hash) | 1u;
    size_t s = h & (table_slots - 1);
    while (table_[s].offset != 0) s = (s + 1) & (table_slots - 1);
    table_[s] = Slot{h, uint16_t(offset)};
    used_.push_back(uint32_t(s));
}

bool MessageBuilder::write_name(std::string_view wire, bool compress) {
    const uint8_t* w = reinterpret_cast<const uint8_t*>(wire.data());
    uint8_t offs[128];
    unsigned n = 0;
    for (size_t pos = 0; w[pos] != 0; pos += 1 + w[pos]) offs[n++] = uint8_t(pos);
    uint64_t hashes[128];
    uint64_t h = 1469598103934665603ULL;
    for (unsigned i = n; i-- > 0;) {
        h = mix_label(h, w + offs[i], 1 + w[offs[i]]);
        hashes[i] = h;
    }
    unsigned literal = n; // labels written literally before a pointer (or the root)
    size_t target = 0;
    if (compress) {
        for (unsigned i = 0; i < n; ++i) {
            if ((target = find(wire.substr(offs[i]), hashes[i])) != 0) {
                literal = i;
                break;
            }
        }
    }
    size_t start = buf_.size();
    size_t need = (literal < n ? offs[literal] + 2 : wire.size());
    if (start + need > limit_) return false;
    for (unsigned i = 0; i < literal; ++i) remember(start + offs[i], hashes[i]);
    if (literal < n) {
        buf_.append(wire.data(), offs[literal]);
        buf_.push_back(char(0xC0 | (target >> 8)));
        buf_.push_back(char(target));
    } else {
        buf_.append(wire);
    }
    return true;
}

MessageBuilder::Mark MessageBuilder::mark() const {
    return Mark{buf_.size(), used_.size(), {counts_[0], counts_[1], counts_[2], counts_[3]}};
}

void MessageBuilder::rewind(const Mark& m) {
    rollback(m.size, m.entries);
    for (int c = 0; c < 4; ++c) {
        counts_[c] = m.counts[c];
        buf_[4 + 2 * c] = char(counts_[c] >> 8);
        buf_[5 + 2 * c] = char(counts_[c]);
    }
}

void MessageBuilder::rollback(size_t size, size_t entries) {
    buf_.resize(size);
    while (used_.size() > entries) {
        table_[used_.back()] = Slot{0, 0};
        used_.pop_back();
    }
    // Removing entries in the reverse order of insertion restores the table exactly as it was,
    // even with linear probing: nothing inserted later is left to depend on them.
}

bool MessageBuilder::add_question(const Name& name, uint16_t type, uint16_t cls) {
    size_t size = buf_.size(), entries = used_.size();
    if (!write_name(name.wire(), true) || buf_.size() + 4 > limit_) {
        rollback(size, entries);
        return false;
    }
    put16(buf_, type);
    put16(buf_, cls);
    ++counts_[0];
    buf_[4] = char(counts_[0] >> 8);
    buf_[5] = char(counts_[0]);
    return true;
}

bool MessageBuilder::add_rr(Section section, std::string_view owner, uint16_t type, uint16_t cls,
                            uint32_t ttl, std::string_view rdata) {
    size_t size = buf_.size(), entries = used_.size();
    auto undo = [&] {
        rollback(size, entries);
        return false;
    };
    if (!write_name(owner, true) || buf_.size() + 10 > limit_) return undo();
    put16(buf_, type);
    put16(buf_, cls);
    put32(buf_, ttl);
    size_t rdlen_at = buf_.size();
    put16(buf_, 0);
    std::string_view layout = rdata_layout(type);
    bool has_names = !rdata.empty() && layout.find_first_of("Ccu") != std::string_view::npos;
    if (!has_names) {
        if (buf_.size() + rdata.size() > limit_) return undo();
        buf_.append(rdata);
    } else {
        const uint8_t* p = reinterpret_cast<const uint8_t*>(rdata.data());
        size_t pos = 0;
        for (char code : layout) {
            size_t n = layout_fixed_size(code);
            if (code == 'S') {
                n = pos < rdata.size() ? 1u + p[pos] : 1;
            } else if (code == 'R') {
                n = rdata.size() - pos;
            } else if (n == 0) { // a name
                size_t nl = wire_name_length(p + pos, rdata.size() - pos);
                if (nl == 0) return undo(); // RDATA not checked by the caller
                if (!write_name(rdata.substr(pos, nl), code == 'C')) return undo();
                pos += nl;
                continue;
            }
            if (pos + n > rdata.size() || buf_.size() + n > limit_) return undo();
            buf_.append(rdata.substr(pos, n));
            pos += n;
        }
        if (pos != rdata.size()) return undo();
    }
    size_t rdlen = buf_.size() - rdlen_at - 2;
    if (rdlen > 65535) return undo();
    buf_[rdlen_at] = char(rdlen >> 8);
    buf_[rdlen_at + 1] = char(rdlen);
    int c = 1 + int(section);
    ++counts_[c];
    buf_[4 + 2 * c] = char(counts_[c] >> 8);
    buf_[5 + 2 * c] = char(counts_[c]);
    return true;
}

} // namespace endpointdns::dns
