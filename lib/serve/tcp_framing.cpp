// SPDX-License-Identifier: MIT
// DNS over TCP framing: the incremental reader and the output queue of length-prefixed messages.
#include "serve/tcp_framing.hpp"

#include <algorithm>
#include <cstring>

namespace endpointdns::serve {

namespace {

constexpr size_t min_capacity = 512;

// Makes room for `need` octets after the `end - begin` buffered ones: moves them to the front
// and grows the buffer (doubling) when they still do not fit.
void make_room(std::unique_ptr<uint8_t[]>& buf, size_t& cap, size_t& begin, size_t& end,
               size_t need) {
    if (cap - end >= need) return;
    size_t used = end - begin;
    if (cap - used >= need) {
        if (used) std::memmove(buf.get(), buf.get() + begin, used);
    } else {
        size_t n = std::max({cap * 2, used + need, min_capacity});
        std::unique_ptr<uint8_t[]> grown(new uint8_t[n]);
        if (used) std::memcpy(grown.get(), buf.get() + begin, used);
        buf = std::move(grown);
        cap = n;
    }
    begin = 0;
    end = used;
}

} // namespace

FrameReader::FrameReader(size_t max_message, size_t min_message)
    : max_(std::min<size_t>(max_message, 65535)), min_(min_message) {}

void FrameReader::append(const uint8_t* data, size_t len) {
    if (len == 0 || failed_) return;
    if (begin_ == end_) begin_ = end_ = 0;
    make_room(buf_, cap_, begin_, end_, len);
    std::memcpy(buf_.get() + end_, data, len);
    end_ += len;
}

FrameReader::Status FrameReader::next(Frame& out) {
    if (failed_) return Status::error;
    size_t have = end_ - begin_;
    if (have < 2) return Status::need_more;
    const uint8_t* p = buf_.get() + begin_;
    size_t len = size_t(p[0]) << 8 | p[1];
    if (len < min_ || len > max_) {
        failed_ = true;
        return Status::error;
    }
    if (have - 2 < len) return Status::need_more;
    out.data = p + 2;
    out.size = len;
    begin_ += 2 + len;
    return Status::message;
}

size_t FrameReader::missing() const {
    if (failed_) return 0;
    size_t have = end_ - begin_;
    if (have < 2) return 2 - have;
    const uint8_t* p = buf_.get() + begin_;
    size_t len = size_t(p[0]) << 8 | p[1];
    if (len < min_ || len > max_) return 0;
    return have - 2 >= len ? 0 : len - (have - 2);
}

void FrameReader::reset() {
    begin_ = end_ = 0;
    failed_ = false;
    shrink();
}

void FrameReader::shrink(size_t keep) {
    if (begin_ != end_ || cap_ <= keep) return;
    buf_.reset();
    cap_ = begin_ = end_ = 0;
}

bool FrameWriter::push(const uint8_t* msg, size_t len) {
    if (len == 0 || len > 65535) return false;
    if (begin_ == end_) begin_ = end_ = 0;
    make_room(buf_, cap_, begin_, end_, len + 2);
    uint8_t* p = buf_.get() + end_;
    put_frame_length(p, len);
    std::memcpy(p + 2, msg, len);
    end_ += len + 2;
    return true;
}

void FrameWriter::consume(size_t n) {
    begin_ += std::min(n, end_ - begin_);
    if (begin_ == end_) begin_ = end_ = 0;
}

void FrameWriter::reset() {
    begin_ = end_ = 0;
    shrink();
}

void FrameWriter::shrink(size_t keep) {
    if (begin_ != end_ || cap_ <= keep) return;
    buf_.reset();
    cap_ = begin_ = end_ = 0;
}

} // namespace endpointdns::serve
