// SPDX-License-Identifier: MIT
// Domain names: parsing, printing, wire decoding with compression, canonical comparison.
#include "dns/name.hpp"

#include <algorithm>
#include <cstring>

namespace endpointdns::dns {

Result<Name> Name::parse(std::string_view text, const Name* origin) {
    if (text.empty()) return fail("empty domain name");
    if (text == "@") {
        if (!origin) return fail("'@' used without an origin");
        return *origin;
    }
    if (text == ".") return Name();
    std::string wire;
    wire.reserve(text.size() + 2);
    size_t label_start = 0; // index of the current label's length byte in wire
    wire.push_back('\0');
    bool absolute = false;
    for (size_t i = 0; i < text.size(); ++i) {
        uint8_t c = uint8_t(text[i]);
        if (c == '.') {
            size_t llen = wire.size() - label_start - 1;
            if (llen == 0) return fail("empty label in domain name '" + std::string(text) + "'");
            wire[label_start] = char(llen);
            if (i + 1 == text.size()) {
                absolute = true;
                break;
            }
            label_start = wire.size();
            wire.push_back('\0');
            continue;
        }
        if (c == '\\') {
            if (i + 1 >= text.size()) return fail("domain name ends in a lone backslash");
            uint8_t d = uint8_t(text[i + 1]);
            if (d >= '0' && d <= '9') {
                if (i + 3 >= text.size()) return fail("incomplete \\DDD escape in domain name");
                unsigned v = 0;
                for (size_t k = 1; k <= 3; ++k) {
                    uint8_t e = uint8_t(text[i + k]);
                    if (e < '0' || e > '9') return fail("bad \\DDD escape in domain name");
                    v = v * 10 + (e - '0');
                }
                if (v > 255) return fail("\\DDD escape above 255 in domain name");
                c = uint8_t(v);
                i += 3;
            } else {
                c = d;
                i += 1;
            }
        }
        wire.push_back(char(c));
        if (wire.size() - label_start - 1 > max_label)
            return fail("label longer than 63 octets in '" + std::string(text) + "'");
    }
    if (!absolute) {
        size_t llen = wire.size() - label_start - 1;
        if (llen == 0) return fail("empty label in domain name '" + std::string(text) + "'");
        wire[label_start] = char(llen);
        if (!origin) return fail("relative name '" + std::string(text) + "' without an origin");
        wire.append(origin->wire_);
    } else {
        wire.push_back('\0');
    }
    if (wire.size() > max_name_wire)
        return fail("domain name longer than 255 octets: '" + std::string(text) + "'");
    return Name(std::move(wire));
}

Result<Name> Name::from_wire(const uint8_t* data, size_t len, size_t offset, size_t* end,
                             bool allow_compression) {
    std::string wire;
    size_t pos = offset;
    bool jumped = false;
    size_t limit = offset; // pointers must go strictly backwards: no loops possible
    for (;;) {
        if (pos >= len) return fail("domain name runs past the end of the message");
        uint8_t l = data[pos];
        if ((l & 0xC0) == 0xC0) {
            if (!allow_compression) return fail("compression pointer where none is allowed");
            if (pos + 1 >= len) return fail("truncated compression pointer");
            size_t target = (size_t(l & 0x3F) << 8) | data[pos + 1];
            if (!jumped && end) *end = pos + 2;
            if (target >= limit) return fail("compression pointer does not point backwards");
            jumped = true;
            limit = target;
            pos = target;
            continue;
        }
        if (l & 0xC0) return fail("unsupported label type in domain name");
        if (pos + 1 + l > len) return fail("label runs past the end of the message");
        if (wire.size() + 1 + l > max_name_wire) return fail("domain name longer than 255 octets");
        wire.append(reinterpret_cast<const char*>(data + pos), 1 + l);
        pos += 1 + l;
        if (l == 0) break;
    }
    if (!jumped && end) *end = pos;
    return Name(std::move(wire));
}

size_t wire_name_length(const uint8_t* p, size_t len) {
    size_t pos = 0;
    while (pos < len) {
        uint8_t l = p[pos];
        if (l & 0xC0) return 0;
        if (pos + 1 + l > len) return 0;
        pos += 1 + l;
        if (pos > max_name_wire) return 0;
        if (l == 0) return pos;
    }
    return 0;
}

void append_name_text(std::string& out, std::string_view wire) {
    if (wire.size() <= 1) {
        out.push_back('.');
        return;
    }
    size_t pos = 0;
    while (pos < wire.size()) {
        uint8_t l = uint8_t(wire[pos]);
        if (l == 0) break;
        for (size_t k = 1; k <= l; ++k) {
            uint8_t c = uint8_t(wire[pos + k]);
            if (c == '.' || c == ';' || c == '(' || c == ')' || c == '\\' || c == '"') {
                out.push_back('\\');
                out.push_back(char(c));
            } else if (c <= 0x20 || c >= 0x7F) {
                char buf[5] = {'\\', char('0' + c / 100), char('0' + c / 10 % 10),
                               char('0' + c % 10), 0};
                out.append(buf, 4);
            } else {
                out.push_back(char(c));
            }
        }
        out.push_back('.');
        pos += 1 + l;
    }
}

std::string Name::to_text() const {
    std::string s;
    s.reserve(wire_.size() + 1);
    append_name_text(s, wire_);
    return s;
}

unsigned Name::label_count() const {
    unsigned n = 0;
    for (size_t pos = 0; uint8_t(wire_[pos]) != 0; pos += 1 + uint8_t(wire_[pos])) ++n;
    return n;
}

bool Name::equal_ci(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i)
        if (ascii_lower(uint8_t(a[i])) != ascii_lower(uint8_t(b[i]))) return false;
    return true;
}

namespace {
// Offsets of the labels of a wire name, first label first.
unsigned label_offsets(std::string_view w, uint8_t* offs) {
    unsigned n = 0;
    for (size_t pos = 0; uint8_t(w[pos]) != 0; pos += 1 + uint8_t(w[pos])) offs[n++] = uint8_t(pos);
    return n;
}
} // namespace

int Name::canonical_compare(const Name& o) const {
    return dns::canonical_compare(wire_, o.wire_);
}

int canonical_compare(std::string_view aw, std::string_view bw) {
    uint8_t ao[128], bo[128];
    unsigned an = label_offsets(aw, ao), bn = label_offsets(bw, bo);
    while (an > 0 && bn > 0) {
        --an;
        --bn;
        const uint8_t* a = reinterpret_cast<const uint8_t*>(aw.data()) + ao[an];
        const uint8_t* b = reinterpret_cast<const uint8_t*>(bw.data()) + bo[bn];
        unsigned al = a[0], bl = b[0], m = std::min(al, bl);
        for (unsigned k = 1; k <= m; ++k) {
            uint8_t x = ascii_lower(a[k]), y = ascii_lower(b[k]);
            if (x != y) return x < y ? -1 : 1;
        }
        if (al != bl) return al < bl ? -1 : 1;
    }
    if (an == bn) return 0;
    return an < bn ? -1 : 1;
}

bool Name::is_subdomain_of(const Name& ancestor) const {
    return is_subdomain(wire_, ancestor.wire_);
}

bool is_subdomain(std::string_view name, std::string_view ancestor) {
    size_t a = ancestor.size();
    if (a > name.size()) return false;
    // Walk label boundaries so that "xexample.com" is not taken to be below "example.com".
    size_t pos = 0;
    while (name.size() - pos > a) pos += 1 + uint8_t(name[pos]);
    if (name.size() - pos != a) return false;
    return Name::equal_ci(name.substr(pos), ancestor);
}

Name Name::parent() const {
    if (is_root()) return *this;
    return Name(wire_.substr(1 + uint8_t(wire_[0])));
}

Result<Name> Name::prepend(std::string_view label) const {
    if (label.empty() || label.size() > max_label) return fail("bad label length");
    if (wire_.size() + 1 + label.size() > max_name_wire) return fail("domain name too long");
    std::string w;
    w.reserve(wire_.size() + 1 + label.size());
    w.push_back(char(label.size()));
    w.append(label);
    w.append(wire_);
    return Name(std::move(w));
}

Name Name::lowercased() const {
    std::string w = wire_;
    for (auto& c : w) c = char(ascii_lower(uint8_t(c)));
    // Label length bytes are at most 63, below 'A' (65), so they are never changed.
    return Name(std::move(w));
}

void Name::append_canonical_key(std::string& out) const {
    uint8_t offs[128];
    unsigned n = label_offsets(wire_, offs);
    while (n > 0) {
        --n;
        const uint8_t* l = reinterpret_cast<const uint8_t*>(wire_.data()) + offs[n];
        for (unsigned k = 1; k <= l[0]; ++k) {
            uint8_t c = ascii_lower(l[k]);
            if (c <= 1) {
                out.push_back('\x01');
                out.push_back(char(c + 1));
            } else {
                out.push_back(char(c));
            }
        }
        out.push_back('\0');
    }
}

std::string Name::canonical_key() const {
    std::string k;
    k.reserve(wire_.size() + 4);
    append_canonical_key(k);
    return k;
}

size_t NameHash::operator()(const Name& n) const noexcept {
    // FNV-1a over the lowercased wire form.
    uint64_t h = 1469598103934665603ULL;
    for (char c : n.wire()) {
        h ^= ascii_lower(uint8_t(c));
        h *= 1099511628211ULL;
    }
    return size_t(h);
}

} // namespace endpointdns::dns
