// SPDX-License-Identifier: MIT
// The zone stream (DESIGN.md): length-prefixed AXFR sequences for zones, IXFR sequences for deltas.
#pragma once

#include "dns/message.hpp"
#include "zone/zone.hpp"

#include <functional>
#include <optional>

namespace endpointdns::zone {

// One step of a delta: from one SOA to the next (RFC 1995).
struct DeltaStep {
    Rr from_soa;
    std::vector<Rr> removed; // not counting the SOA
    Rr to_soa;
    std::vector<Rr> added; // not counting the SOA
};

struct Delta {
    Name origin;
    std::vector<DeltaStep> steps;
    uint32_t from_serial() const;
    uint32_t to_serial() const;
};

struct StreamItem {
    enum class Kind { full, delta };
    Kind kind = Kind::full;
    std::optional<Zone> zone; // kind == full: normalized
    Delta delta;              // kind == delta
};

// Writes zones and deltas as DNS messages, each preceded by its two-octet length, to a sink.
class StreamWriter {
public:
    using Sink = std::function<void(std::string_view)>;
    explicit StreamWriter(Sink sink, size_t message_size = dns::max_message);

    // A normalized zone with an apex SOA. Throws Error(ex_dataerr) when a record cannot fit a
    // message or the zone has no SOA.
    void write_zone(const Zone& zone);
    void write_delta(const Delta& delta);

    // Raw writing, for producers that hold wire records already (the database): begin() an
    // AXFR or IXFR sequence of `zone` (which must outlive it), add() its records in order
    // (uncompressed wire owner), end() it. The caller is responsible for the sequence's shape
    // (SOA first and last; IXFR steps). Throws Error(ex_dataerr) for a record that cannot fit
    // a message.
    void begin(const Name& zone, uint16_t qtype);
    void add(std::string_view owner, uint16_t type, uint32_t ttl, std::string_view rdata);
    void end() { flush(); }

private:
    void add(const Rr& rr) { add(rr.owner.wire(), rr.type, rr.ttl, rr.rdata); }
    void add_rrset(const Zone& zone, size_t begin, size_t end);
    void flush();

    Sink sink_;
    dns::MessageBuilder mb_;
    const Name* zone_ = nullptr;
    uint16_t qtype_ = 0;
    std::string out_;
};

// Convenience: the whole stream of one zone in memory.
std::string zone_to_stream(const Zone& zone, size_t message_size = dns::max_message);

// Reads a stream item by item. Malformed input is an error value naming the message and
// its offset; never a crash or an over-read.
class StreamReader {
public:
    explicit StreamReader(std::string_view bytes) : data_(bytes) {}
    // True with an item, false at the clean end of the stream.
    Result<bool> next(StreamItem& item);
    size_t offset() const { return pos_; }

private:
    Result<bool> next_message();
    std::string here() const; // "message N at offset O" of the current message
    Result<bool> next_rr(Rr& rr, bool& last_in_message);

    std::string_view data_;
    size_t pos_ = 0;
    size_t msg_no_ = 0;
    size_t msg_offset_ = 0;
    std::optional<dns::Message> msg_;
    size_t rr_index_ = 0;
    Name qname_;
    uint16_t qtype_ = 0;
};

// Reads every item of a stream; the first error stops it.
Result<std::vector<StreamItem>> read_stream(std::string_view bytes);

} // namespace endpointdns::zone
