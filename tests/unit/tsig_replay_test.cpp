// SPDX-License-Identifier: MIT
// Unit tests of lib/dns/tsig_replay: repeats get the first answer, expiry, the bounds (overall
// and per owner), one time for all callers, waiting.
#include "dns/tsig_replay.hpp"

#include <gtest/gtest.h>

#include <thread>

using namespace endpointdns::dns::tsig;
using Outcome = ReplayCache::Outcome;

TEST(ReplayCache, ARepeatGetsTheFirstAnswer) {
    ReplayCache c;
    std::string id = ReplayCache::make_id("key.", std::string(32, 'm'));
    EXPECT_EQ(c.claim(id, "o", 1000, 1300).outcome, Outcome::fresh);
    c.finish(id, "answer-1");
    auto again = c.claim(id, "o", 1100, 1300);
    EXPECT_EQ(again.outcome, Outcome::repeat);
    EXPECT_EQ(again.answer, "answer-1");
    // Until the request's last acceptable second, inclusive.
    EXPECT_EQ(c.claim(id, "o", 1300, 1300).outcome, Outcome::repeat);
    // Another MAC, or the same MAC under another key name, is another request.
    EXPECT_EQ(c.claim(ReplayCache::make_id("key.", std::string(32, 'n')), "o", 1000, 1300).outcome,
              Outcome::fresh);
    EXPECT_EQ(
        c.claim(ReplayCache::make_id("other.", std::string(32, 'm')), "o", 1000, 1300).outcome,
        Outcome::fresh);
    // The ids cannot run into each other: "k" + "ey.m..." is not "key." + "m...".
    EXPECT_NE(ReplayCache::make_id("k", "ey.mm"), ReplayCache::make_id("key.", "mm"));
}

TEST(ReplayCache, EntriesGoWhenTheirWindowHasPassed) {
    ReplayCache c;
    c.claim("a", "o", 1000, 1300);
    c.finish("a", "x");
    c.claim("b", "o", 1000, 1600);
    c.finish("b", "y");
    EXPECT_EQ(c.size(), 2u);
    // Past a's window: a is dropped (it would not verify any more: BADTIME), b stays.
    EXPECT_EQ(c.claim("c", "o", 1301, 1601).outcome, Outcome::fresh);
    EXPECT_EQ(c.size(), 2u);
    EXPECT_EQ(c.claim("b", "o", 1301, 1600).outcome, Outcome::repeat);
}

TEST(ReplayCache, BoundedAndRefusesRatherThanForgets) {
    ReplayCache c(3);
    for (std::string id : {"a", "b", "c"}) {
        ASSERT_EQ(c.claim(id, "o", 1000, 1300).outcome, Outcome::fresh);
        c.finish(id, id);
    }
    // Full of live entries: a new request is refused, and the old ones still repeat.
    EXPECT_EQ(c.claim("d", "o", 1000, 1300).outcome, Outcome::full);
    EXPECT_EQ(c.claim("a", "o", 1000, 1300).outcome, Outcome::repeat);
    EXPECT_EQ(c.size(), 3u);
    // Once they expire, room again.
    EXPECT_EQ(c.claim("d", "o", 1301, 1601).outcome, Outcome::fresh);
    EXPECT_EQ(c.size(), 1u);
}

TEST(ReplayCache, ExpiredEntriesBehindOneStillWorkedOnGo) {
    ReplayCache c(2);
    ASSERT_EQ(c.claim("pending", "o", 1000, 1100).outcome, Outcome::fresh); // never finished here
    ASSERT_EQ(c.claim("done", "o", 1000, 1200).outcome, Outcome::fresh);
    c.finish("done", "x");
    // Past both windows: "done" goes although "pending" (earlier) must stay.
    EXPECT_EQ(c.claim("new", "o", 1201, 1500).outcome, Outcome::fresh);
    EXPECT_EQ(c.size(), 2u);
    c.finish("pending", "y");
    EXPECT_EQ(c.claim("other", "o", 1201, 1500).outcome, Outcome::fresh);
    EXPECT_EQ(c.size(), 2u);
}

TEST(ReplayCache, ARepeatWaitsForTheFirstAnswer) {
    ReplayCache c;
    ASSERT_EQ(c.claim("a", "o", 1000, 1300).outcome, Outcome::fresh);
    // Without waiting (the UDP listener): still being worked on, answered at once.
    EXPECT_EQ(c.claim("a", "o", 1000, 1300).outcome, Outcome::pending);
    EXPECT_EQ(c.waiting(), 0u);
    // Waiting, and nobody finishes: still pending once the wait is over.
    EXPECT_EQ(c.claim("a", "o", 1000, 1300, std::chrono::milliseconds(1)).outcome,
              Outcome::pending);
    // The repeat is known to wait (waiting() counts it under the lock it waits on) before the
    // first one finishes: the waiting path is taken every time, without sleeps.
    ReplayCache::Claim r;
    std::thread repeat([&] { r = c.claim("a", "o", 1000, 1300, std::chrono::minutes(5)); });
    while (c.waiting() == 0) std::this_thread::yield();
    c.finish("a", "done");
    repeat.join();
    EXPECT_EQ(r.outcome, Outcome::repeat);
    EXPECT_EQ(r.answer, "done");
    EXPECT_EQ(c.waiting(), 0u);
}

// One owner (an account) floods: it fills its own share and is refused, others are not.
TEST(ReplayCache, OneOwnerFillsOnlyItsShare) {
    ReplayCache c(5, 2);
    for (std::string id : {"a1", "a2"}) {
        ASSERT_EQ(c.claim(id, "A", 1000, 1300).outcome, Outcome::fresh);
        c.finish(id, id);
    }
    EXPECT_EQ(c.claim("a3", "A", 1000, 1300).outcome, Outcome::owner_full);
    EXPECT_EQ(c.size("A"), 2u);
    // Its repeats are still known; the others still get in.
    EXPECT_EQ(c.claim("a1", "A", 1000, 1300).outcome, Outcome::repeat);
    EXPECT_EQ(c.claim("b1", "B", 1000, 1300).outcome, Outcome::fresh);
    EXPECT_EQ(c.claim("b2", "B", 1000, 1300).outcome, Outcome::fresh);
    EXPECT_EQ(c.claim("c1", "C", 1000, 1300).outcome, Outcome::fresh);
    // The overall bound stays the backstop.
    EXPECT_EQ(c.claim("d1", "D", 1000, 1300).outcome, Outcome::full);
    for (std::string id : {"b1", "b2", "c1"}) c.finish(id, id);
    // Once its entries expire, A has room again (and its count went with them).
    EXPECT_EQ(c.claim("a3", "A", 1301, 1601).outcome, Outcome::fresh);
    EXPECT_EQ(c.size("A"), 1u);
    EXPECT_EQ(c.size("B"), 0u);
    EXPECT_EQ(c.size(), 1u);
}

// Callers take their `now` at slightly different moments. One with a later now drops an
// entry; a copy of it claimed with an earlier now (verified then: still in its window) must
// not be fresh, nor any message whose window ended before the latest now seen.
TEST(ReplayCache, ALaterCallersTimeHoldsForEveryone) {
    ReplayCache c;
    ASSERT_EQ(c.claim("a", "o", 1000, 1300).outcome, Outcome::fresh);
    c.finish("a", "x");
    // Another thread, at 1301: a's window has passed, a is dropped.
    EXPECT_EQ(c.claim("b", "o", 1301, 1600).outcome, Outcome::fresh);
    EXPECT_EQ(c.horizon(), 1301u);
    // A thread that took its time at 1250 and verified a copy of a then: too old.
    EXPECT_EQ(c.claim("a", "o", 1250, 1300).outcome, Outcome::too_old);
    EXPECT_EQ(c.claim("new", "o", 1250, 1300).outcome, Outcome::too_old);
    // The horizon never goes back; a window ending at the horizon is still open (inclusive).
    EXPECT_EQ(c.horizon(), 1301u);
    EXPECT_EQ(c.claim("edge", "o", 1250, 1301).outcome, Outcome::fresh);
    c.finish("edge", "e");
    EXPECT_EQ(c.claim("edge", "o", 1301, 1301).outcome, Outcome::repeat);
}

// The clock stepped back far (NTP correcting a clock an hour ahead): the horizon follows it,
// or every request would be too old for an hour; a small step back changes nothing.
TEST(ReplayCache, AClockSteppedFarBackResetsTheHorizon) {
    ReplayCache c;
    ASSERT_EQ(c.claim("ahead", "o", 5000, 5300).outcome, Outcome::fresh);
    c.finish("ahead", "x");
    EXPECT_EQ(c.claim("late", "o", 5000 - ReplayCache::clock_step, 4400).outcome, Outcome::too_old);
    EXPECT_EQ(c.horizon(), 5000u);
    uint64_t now = 5000 - ReplayCache::clock_step - 1;
    EXPECT_EQ(c.claim("after", "o", now, now + 300).outcome, Outcome::fresh);
    EXPECT_EQ(c.horizon(), now);
    c.finish("after", "y");
    EXPECT_EQ(c.claim("after", "o", now + 1, now + 300).outcome, Outcome::repeat);
}
