// SPDX-License-Identifier: MIT
// Fuzzes the DNS-over-TCP framing: any split of a stream gives the messages of a one-pass parse.
#include "fuzz_util.hpp"
#include "serve/tcp_framing.hpp"

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

using endpointdns::serve::Frame;
using endpointdns::serve::FrameReader;
using endpointdns::serve::FrameWriter;
using Status = FrameReader::Status;

namespace {

struct Span {
    size_t offset, size; // in the stream
};

// The reference: walks the stream once, prefix by prefix.
std::vector<Span> reference(const uint8_t* s, size_t n, size_t max, size_t min, bool& error,
                            size_t& rest) {
    std::vector<Span> out;
    size_t pos = 0;
    error = false;
    while (n - pos >= 2) {
        size_t len = size_t(s[pos]) << 8 | s[pos + 1];
        if (len < min || len > max) {
            error = true;
            break;
        }
        if (n - pos - 2 < len) break;
        out.push_back({pos + 2, len});
        pos += 2 + len;
    }
    rest = n - pos;
    return out;
}

} // namespace

// Input: [max hi][max lo][min][split seed] then the stream.
extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size < 4) return 0;
    size_t max = size_t(data[0]) << 8 | data[1];
    size_t min = data[2] % 16;
    uint32_t seed = data[3] | 1u;
    const uint8_t* s = data + 4;
    size_t n = size - 4;

    bool want_error;
    size_t want_rest;
    std::vector<Span> want = reference(s, n, max, min, want_error, want_rest);

    // The stream in pieces of pseudo-random sizes (1 to 64 octets, now and then all the rest),
    // draining after every piece as a server does after every read.
    FrameReader r(max, min);
    FrameWriter w;
    size_t pos = 0, got = 0;
    Status st = Status::need_more;
    auto drain = [&] {
        Frame f;
        while ((st = r.next(f)) == Status::message) {
            REQUIRE(got < want.size());
            REQUIRE(f.size == want[got].size);
            REQUIRE(f.size == 0 || std::memcmp(f.data, s + want[got].offset, f.size) == 0);
            REQUIRE(w.push(f.data, f.size) == (f.size > 0));
            // Every octet returned is gone from the reader, the others are still there.
            REQUIRE(r.buffered() == pos - (want[got].offset + f.size));
            ++got;
        }
    };
    while (pos < n) {
        seed = seed * 1103515245u + 12345u;
        size_t piece = (seed >> 16) % 17 == 0 ? n - pos : 1 + (seed >> 16) % 64;
        piece = std::min(piece, n - pos);
        r.append(s + pos, piece);
        pos += piece;
        drain();
        if (st == Status::error) break;
        REQUIRE(st == Status::need_more);
        REQUIRE(r.missing() > 0);
    }
    drain();
    REQUIRE(got == want.size());
    REQUIRE((st == Status::error) == want_error);
    REQUIRE(r.failed() == want_error);
    if (!want_error) REQUIRE(r.buffered() == want_rest);

    // The writer gives back exactly the framed messages (the zero-length ones it refuses).
    std::vector<uint8_t> framed;
    for (const Span& sp : want)
        if (sp.size > 0) framed.insert(framed.end(), s + sp.offset - 2, s + sp.offset + sp.size);
    REQUIRE(w.size() == framed.size());
    size_t off = 0;
    while (!w.empty()) {
        seed = seed * 1103515245u + 12345u;
        size_t take = std::min(w.size(), size_t(1 + (seed >> 16) % 1000));
        REQUIRE(std::memcmp(w.data(), framed.data() + off, take) == 0);
        w.consume(take);
        off += take;
    }
    REQUIRE(off == framed.size());

    r.reset();
    REQUIRE(!r.failed() && r.buffered() == 0);
    return 0;
}
