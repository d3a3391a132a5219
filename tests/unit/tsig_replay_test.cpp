// SPDX-License-Identifier: MIT
// Unit tests of lib/dns/tsig_replay: repeats get the first answer, expiry, the bound, waiting.
#include "dns/tsig_replay.hpp"

#include <gtest/gtest.h>

#include <thread>

using namespace endpointdns::dns::tsig;
using Outcome = ReplayCache::Outcome;

TEST(ReplayCache, ARepeatGetsTheFirstAnswer) {
    ReplayCache c;
    std::string id = ReplayCache::make_id("key.", std::string(32, 'm'));
    EXPECT_EQ(c.claim(id, 1000, 1300).outcome, Outcome::fresh);
    c.finish(id, "answer-1");
    auto again = c.claim(id, 1100, 1300);
    EXPECT_EQ(again.outcome, Outcome::repeat);
    EXPECT_EQ(again.answer, "answer-1");
    // Until the request's last acceptable second, inclusive.
    EXPECT_EQ(c.claim(id, 1300, 1300).outcome, Outcome::repeat);
    // Another MAC, or the same MAC under another key name, is another request.
    EXPECT_EQ(c.claim(ReplayCache::make_id("key.", std::string(32, 'n')), 1000, 1300).outcome,
              Outcome::fresh);
    EXPECT_EQ(c.claim(ReplayCache::make_id("other.", std::string(32, 'm')), 1000, 1300).outcome,
              Outcome::fresh);
    // The ids cannot run into each other: "k" + "ey.m..." is not "key." + "m...".
    EXPECT_NE(ReplayCache::make_id("k", "ey.mm"), ReplayCache::make_id("key.", "mm"));
}

TEST(ReplayCache, EntriesGoWhenTheirWindowHasPassed) {
    ReplayCache c;
    c.claim("a", 1000, 1300);
    c.finish("a", "x");
    c.claim("b", 1000, 1600);
    c.finish("b", "y");
    EXPECT_EQ(c.size(), 2u);
    // Past a's window: a is dropped (it would not verify any more: BADTIME), b stays.
    EXPECT_EQ(c.claim("c", 1301, 1601).outcome, Outcome::fresh);
    EXPECT_EQ(c.size(), 2u);
    EXPECT_EQ(c.claim("b", 1301, 1600).outcome, Outcome::repeat);
}

TEST(ReplayCache, BoundedAndRefusesRatherThanForgets) {
    ReplayCache c(3);
    for (std::string id : {"a", "b", "c"}) {
        ASSERT_EQ(c.claim(id, 1000, 1300).outcome, Outcome::fresh);
        c.finish(id, id);
    }
    // Full of live entries: a new request is refused, and the old ones still repeat.
    EXPECT_EQ(c.claim("d", 1000, 1300).outcome, Outcome::full);
    EXPECT_EQ(c.claim("a", 1000, 1300).outcome, Outcome::repeat);
    EXPECT_EQ(c.size(), 3u);
    // Once they expire, room again.
    EXPECT_EQ(c.claim("d", 1301, 1601).outcome, Outcome::fresh);
    EXPECT_EQ(c.size(), 1u);
}

TEST(ReplayCache, ExpiredEntriesBehindOneStillWorkedOnGo) {
    ReplayCache c(2);
    ASSERT_EQ(c.claim("pending", 1000, 1100).outcome, Outcome::fresh); // never finished here
    ASSERT_EQ(c.claim("done", 1000, 1200).outcome, Outcome::fresh);
    c.finish("done", "x");
    // Past both windows: "done" goes although "pending" (earlier) must stay.
    EXPECT_EQ(c.claim("new", 1201, 1500).outcome, Outcome::fresh);
    EXPECT_EQ(c.size(), 2u);
    c.finish("pending", "y");
    EXPECT_EQ(c.claim("other", 1201, 1500).outcome, Outcome::fresh);
    EXPECT_EQ(c.size(), 2u);
}

TEST(ReplayCache, ARepeatWaitsForTheFirstAnswer) {
    ReplayCache c;
    ASSERT_EQ(c.claim("a", 1000, 1300).outcome, Outcome::fresh);
    // Without waiting: still being worked on.
    EXPECT_EQ(c.claim("a", 1000, 1300).outcome, Outcome::pending);
    std::thread worker([&] { c.finish("a", "done"); });
    auto r = c.claim("a", 1000, 1300, std::chrono::minutes(5));
    worker.join();
    EXPECT_EQ(r.outcome, Outcome::repeat);
    EXPECT_EQ(r.answer, "done");
}
