// SPDX-License-Identifier: MIT
// DNS over TCP framing (RFC 1035 4.2.2, RFC 7766 8): length-prefixed messages in and out, no I/O.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

namespace endpointdns::serve {

// One message of a TCP stream, without its two-octet length prefix. Points into the reader's
// buffer: valid until the next append() or reset() of that reader.
struct Frame {
    const uint8_t* data = nullptr;
    size_t size = 0;
};

// Incremental reader of one TCP stream. Bytes go in as they arrive, in pieces of any size;
// complete messages come out in order: several from one piece (pipelining, RFC 7766 6.2.1.1)
// or one from many pieces. A length prefix outside [min_message, max_message] is a framing
// error: the stream cannot be resynchronized, the reader stays failed and the caller closes
// the connection. Memory: the reader holds at most the bytes appended and not yet returned;
// the caller bounds that by draining next() before it reads more.
class FrameReader {
public:
    enum class Status : uint8_t {
        message,   // `out` holds the next message
        need_more, // no complete message buffered
        error,     // a length outside the limits; permanent until reset()
    };

    // max_message at most 65535 (the prefix is 16 bits); min_message defaults to the DNS
    // header size, below which nothing can be answered.
    explicit FrameReader(size_t max_message = 65535, size_t min_message = 12);
    FrameReader(FrameReader&&) noexcept = default;
    FrameReader& operator=(FrameReader&&) noexcept = default;

    // Takes `len` octets that follow the ones appended before.
    void append(const uint8_t* data, size_t len);
    // The next complete message, if any.
    Status next(Frame& out);

    // Octets appended and not yet returned as (part of) a message.
    size_t buffered() const { return end_ - begin_; }
    bool failed() const { return failed_; }
    // Octets still missing before the next message is complete, counting an unread prefix as 2
    // (0 when a message is ready or the reader failed).
    size_t missing() const;
    // Forgets everything (a new connection); keeps a small buffer, frees a large one.
    void reset();
    // Frees the buffer when nothing is buffered and it grew beyond `keep` octets.
    void shrink(size_t keep = 4096);

private:
    std::unique_ptr<uint8_t[]> buf_;
    size_t cap_ = 0;
    size_t begin_ = 0, end_ = 0;
    size_t max_, min_;
    bool failed_ = false;
};

// Writes the two-octet length prefix of a message of `len` octets (len <= 65535) at p.
inline void put_frame_length(uint8_t* p, size_t len) {
    p[0] = uint8_t(len >> 8);
    p[1] = uint8_t(len);
}

// The output queue of one TCP stream: messages with their length prefixes, in order, waiting
// for the socket. push() appends, data()/size() is what to send next, consume() drops what the
// socket took, so partial writes resume where they stopped.
class FrameWriter {
public:
    FrameWriter() = default;
    FrameWriter(FrameWriter&&) noexcept = default;
    FrameWriter& operator=(FrameWriter&&) noexcept = default;

    // Queues one message; false (nothing queued) when len is 0 or above 65535.
    bool push(const uint8_t* msg, size_t len);
    const uint8_t* data() const { return buf_.get() + begin_; }
    size_t size() const { return end_ - begin_; }
    bool empty() const { return begin_ == end_; }
    // Drops the first n octets (n <= size()), as sent.
    void consume(size_t n);
    void reset();
    void shrink(size_t keep = 4096);

private:
    std::unique_ptr<uint8_t[]> buf_;
    size_t cap_ = 0;
    size_t begin_ = 0, end_ = 0;
};

} // namespace endpointdns::serve
