// SPDX-License-Identifier: MIT
// Unit tests of the DNS-over-TCP framing: pipelining, split messages, limits, the output queue.
#include "serve/tcp_framing.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

using endpointdns::serve::Frame;
using endpointdns::serve::FrameReader;
using endpointdns::serve::FrameWriter;
using Status = FrameReader::Status;

namespace {

// A message of `len` octets whose content tells it apart (octet i is seed + i).
std::string message(size_t len, uint8_t seed) {
    std::string m(len, '\0');
    for (size_t i = 0; i < len; ++i) m[i] = char(uint8_t(seed + i));
    return m;
}

std::string framed(const std::string& m) {
    std::string s;
    s.push_back(char(m.size() >> 8));
    s.push_back(char(m.size() & 0xFF));
    return s + m;
}

void append(FrameReader& r, const std::string& s) {
    r.append(reinterpret_cast<const uint8_t*>(s.data()), s.size());
}

std::string str(const Frame& f) {
    return std::string(reinterpret_cast<const char*>(f.data), f.size);
}

// Every message the reader has complete now.
std::vector<std::string> drain(FrameReader& r, Status* last = nullptr) {
    std::vector<std::string> got;
    Frame f;
    Status st;
    while ((st = r.next(f)) == Status::message) got.push_back(str(f));
    if (last) *last = st;
    return got;
}

} // namespace

TEST(FrameReader, EmptyNeedsMore) {
    FrameReader r;
    Frame f;
    EXPECT_EQ(r.next(f), Status::need_more);
    EXPECT_EQ(r.buffered(), 0u);
    EXPECT_EQ(r.missing(), 2u);
    EXPECT_FALSE(r.failed());
}

TEST(FrameReader, OneMessage) {
    FrameReader r;
    std::string m = message(40, 7);
    append(r, framed(m));
    Frame f;
    ASSERT_EQ(r.next(f), Status::message);
    EXPECT_EQ(str(f), m);
    EXPECT_EQ(r.next(f), Status::need_more);
    EXPECT_EQ(r.buffered(), 0u);
}

TEST(FrameReader, PipelinedInOnePiece) {
    FrameReader r;
    std::string all;
    std::vector<std::string> want;
    for (int i = 0; i < 10; ++i) {
        want.push_back(message(12 + i * 7, uint8_t(i)));
        all += framed(want.back());
    }
    append(r, all);
    Status last;
    EXPECT_EQ(drain(r, &last), want);
    EXPECT_EQ(last, Status::need_more);
}

TEST(FrameReader, OneOctetAtATime) {
    FrameReader r;
    std::string m1 = message(30, 1), m2 = message(300, 2);
    std::string all = framed(m1) + framed(m2);
    std::vector<std::string> got;
    for (size_t i = 0; i < all.size(); ++i) {
        size_t before = r.missing();
        append(r, all.substr(i, 1));
        for (auto& m : drain(r)) got.push_back(m);
        if (i == 0) {
            EXPECT_EQ(before, 2u);
            EXPECT_EQ(r.missing(), 1u);
        }
        if (i == 1) {
            EXPECT_EQ(r.missing(), 30u);
        }
    }
    ASSERT_EQ(got.size(), 2u);
    EXPECT_EQ(got[0], m1);
    EXPECT_EQ(got[1], m2);
}

TEST(FrameReader, MessageThenHalfOfTheNext) {
    FrameReader r;
    std::string m1 = message(20, 3), m2 = message(50, 4);
    std::string all = framed(m1) + framed(m2);
    append(r, all.substr(0, 2 + 20 + 2 + 10));
    auto got = drain(r);
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got[0], m1);
    EXPECT_EQ(r.buffered(), 12u);
    EXPECT_EQ(r.missing(), 40u);
    append(r, all.substr(2 + 20 + 2 + 10));
    got = drain(r);
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got[0], m2);
}

TEST(FrameReader, LargestMessage) {
    FrameReader r;
    std::string m = message(65535, 9);
    std::string all = framed(m) + framed(message(12, 0));
    append(r, all.substr(0, 1000));
    EXPECT_TRUE(drain(r).empty());
    append(r, all.substr(1000));
    auto got = drain(r);
    ASSERT_EQ(got.size(), 2u);
    EXPECT_EQ(got[0], m);
}

TEST(FrameReader, TooShortIsAnError) {
    FrameReader r;
    append(r, framed(message(11, 0)));
    Frame f;
    EXPECT_EQ(r.next(f), Status::error);
    EXPECT_TRUE(r.failed());
    // Stays failed: the stream cannot be resynchronized.
    append(r, framed(message(20, 0)));
    EXPECT_EQ(r.next(f), Status::error);
    EXPECT_EQ(r.missing(), 0u);
    r.reset();
    EXPECT_FALSE(r.failed());
    append(r, framed(message(20, 0)));
    EXPECT_EQ(r.next(f), Status::message);
}

TEST(FrameReader, ZeroLengthIsAnError) {
    FrameReader r;
    append(r, std::string(2, '\0'));
    Frame f;
    EXPECT_EQ(r.next(f), Status::error);
}

TEST(FrameReader, CapIsChecked) {
    FrameReader r(512);
    append(r, framed(message(512, 0)));
    Frame f;
    EXPECT_EQ(r.next(f), Status::message);
    // The prefix alone is enough to refuse: no need to wait for 513 octets.
    append(r, std::string("\x02\x01", 2));
    EXPECT_EQ(r.next(f), Status::error);
}

TEST(FrameReader, CustomMinimum) {
    FrameReader r(65535, 0);
    append(r, std::string(2, '\0') + framed("x"));
    Frame f;
    ASSERT_EQ(r.next(f), Status::message);
    EXPECT_EQ(f.size, 0u);
    ASSERT_EQ(r.next(f), Status::message);
    EXPECT_EQ(str(f), "x");
}

TEST(FrameReader, ErrorAfterGoodMessages) {
    FrameReader r;
    std::string m = message(12, 5);
    append(r, framed(m) + framed(m) + std::string("\x00\x05", 2) + framed(m));
    Status last;
    auto got = drain(r, &last);
    EXPECT_EQ(got.size(), 2u);
    EXPECT_EQ(last, Status::error);
}

TEST(FrameReader, ShrinkFreesOnlyWhenEmpty) {
    FrameReader r;
    std::string big = framed(message(20000, 1));
    append(r, big.substr(0, 100));
    r.shrink();
    EXPECT_EQ(r.buffered(), 100u);
    append(r, big.substr(100));
    EXPECT_EQ(drain(r).size(), 1u);
    r.shrink();
    EXPECT_EQ(r.buffered(), 0u);
    append(r, framed(message(12, 0)));
    EXPECT_EQ(drain(r).size(), 1u);
}

// Random splits of a random pipeline give the same messages as reading it whole.
TEST(FrameReader, RandomSplits) {
    std::mt19937 rng(1234);
    for (int round = 0; round < 200; ++round) {
        std::vector<std::string> want;
        std::string all;
        int count = 1 + int(rng() % 20);
        for (int i = 0; i < count; ++i) {
            size_t len = 12 + rng() % (rng() % 8 == 0 ? 5000 : 100);
            want.push_back(message(len, uint8_t(rng())));
            all += framed(want.back());
        }
        FrameReader r;
        std::vector<std::string> got;
        size_t pos = 0;
        while (pos < all.size()) {
            size_t n = std::min(all.size() - pos, size_t(1 + rng() % 700));
            append(r, all.substr(pos, n));
            pos += n;
            for (auto& m : drain(r)) got.push_back(m);
        }
        EXPECT_EQ(got, want) << "round " << round;
        EXPECT_EQ(r.buffered(), 0u);
    }
}

TEST(FrameWriter, PushAndConsume) {
    FrameWriter w;
    EXPECT_TRUE(w.empty());
    std::string m1 = message(30, 1), m2 = message(70000 % 65536, 2);
    ASSERT_TRUE(w.push(reinterpret_cast<const uint8_t*>(m1.data()), m1.size()));
    ASSERT_TRUE(w.push(reinterpret_cast<const uint8_t*>(m2.data()), m2.size()));
    std::string want = framed(m1) + framed(m2);
    ASSERT_EQ(w.size(), want.size());
    std::string sent;
    // A socket that takes 7 octets at a time.
    while (!w.empty()) {
        size_t n = std::min<size_t>(7, w.size());
        sent.append(reinterpret_cast<const char*>(w.data()), n);
        w.consume(n);
    }
    EXPECT_EQ(sent, want);
}

TEST(FrameWriter, RefusesEmptyAndOversized) {
    FrameWriter w;
    std::string big(65536, 'x');
    EXPECT_FALSE(w.push(reinterpret_cast<const uint8_t*>(big.data()), 0));
    EXPECT_FALSE(w.push(reinterpret_cast<const uint8_t*>(big.data()), big.size()));
    EXPECT_TRUE(w.empty());
    EXPECT_TRUE(w.push(reinterpret_cast<const uint8_t*>(big.data()), 65535));
    EXPECT_EQ(w.size(), 65537u);
}

TEST(FrameWriter, PushWhilePartlySent) {
    FrameWriter w;
    std::string m1 = message(100, 1), m2 = message(50, 2);
    w.push(reinterpret_cast<const uint8_t*>(m1.data()), m1.size());
    std::string sent(reinterpret_cast<const char*>(w.data()), 60);
    w.consume(60);
    w.push(reinterpret_cast<const uint8_t*>(m2.data()), m2.size());
    sent.append(reinterpret_cast<const char*>(w.data()), w.size());
    w.consume(w.size());
    EXPECT_TRUE(w.empty());
    EXPECT_EQ(sent, framed(m1) + framed(m2));
}

// What the writer produces, the reader takes back.
TEST(FrameWriter, RoundTripThroughReader) {
    FrameWriter w;
    std::vector<std::string> want;
    for (int i = 0; i < 50; ++i) {
        want.push_back(message(12 + i * 31, uint8_t(i)));
        w.push(reinterpret_cast<const uint8_t*>(want.back().data()), want.back().size());
    }
    FrameReader r;
    std::vector<std::string> got;
    while (!w.empty()) {
        size_t n = std::min<size_t>(333, w.size());
        r.append(w.data(), n);
        w.consume(n);
        for (auto& m : drain(r)) got.push_back(m);
    }
    EXPECT_EQ(got, want);
}
