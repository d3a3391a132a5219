// SPDX-License-Identifier: MIT
// Domain names: wire and presentation forms, case-insensitive comparison, canonical order.
#pragma once

#include "dns/result.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace endpointdns::dns {

constexpr size_t max_name_wire = 255; // RFC 1035 2.3.4, including the root label
constexpr size_t max_label = 63;

inline uint8_t ascii_lower(uint8_t c) {
    return (c >= 'A' && c <= 'Z') ? uint8_t(c + 32) : c;
}

// A fully qualified domain name kept in uncompressed wire form, letter case as given.
// Comparison (==, canonical_compare) ignores ASCII case, as DNS does (RFC 4343).
class Name {
public:
    Name() : wire_(1, '\0') {} // the root
    static Name root() { return Name(); }

    // Presentation form with \X and \DDD escapes. "@" is origin; a name without a trailing dot
    // is relative to origin. Without an origin, relative names are an error.
    static Result<Name> parse(std::string_view text, const Name* origin = nullptr);
    // Wire form at data[offset..len), following compression pointers (only to earlier
    // offsets, so no loops). On success *end is the offset just past the name at `offset`.
    static Result<Name> from_wire(const uint8_t* data, size_t len, size_t offset, size_t* end,
                                  bool allow_compression = true);
    // Trusted uncompressed wire bytes (already validated), e.g. from a zone store.
    static Name from_wire_unchecked(std::string_view wire) { return Name(std::string(wire)); }

    std::string to_text() const;
    std::string_view wire() const { return wire_; }
    size_t wire_size() const { return wire_.size(); }
    bool is_root() const { return wire_.size() == 1; }
    unsigned label_count() const; // the root label is not counted

    bool operator==(const Name& o) const { return equal_ci(wire_, o.wire_); }
    bool operator!=(const Name& o) const { return !(*this == o); }
    bool same_case(const Name& o) const { return wire_ == o.wire_; }

    // RFC 4034 6.1 canonical order: <0, 0, >0.
    int canonical_compare(const Name& o) const;
    // True when this name is `ancestor` or below it.
    bool is_subdomain_of(const Name& ancestor) const;
    // The name without its first label; the root's parent is the root.
    Name parent() const;
    // Prepend one label (raw bytes). Fails when the result would be too long.
    Result<Name> prepend(std::string_view label) const;
    Name lowercased() const;
    // Bytes whose memcmp order is the canonical order of the names (labels from the root,
    // lowercased, escaped so that label boundaries sort first). Used to sort large zones.
    std::string canonical_key() const;
    void append_canonical_key(std::string& out) const;

    static bool equal_ci(std::string_view a, std::string_view b);

private:
    explicit Name(std::string wire) : wire_(std::move(wire)) {}
    std::string wire_;
};

// RFC 4034 6.1 order of two valid uncompressed wire names: <0, 0, >0.
int canonical_compare(std::string_view a, std::string_view b);

// True when wire name `name` is `ancestor` or below it (both valid and uncompressed).
bool is_subdomain(std::string_view name, std::string_view ancestor);

// Length of a valid uncompressed wire name at p[0..len), or 0 when malformed/compressed.
size_t wire_name_length(const uint8_t* p, size_t len);
// Presentation form of one wire name (validated, uncompressed).
void append_name_text(std::string& out, std::string_view wire);

struct NameHash {
    size_t operator()(const Name& n) const noexcept;
};

} // namespace endpointdns::dns
