// SPDX-License-Identifier: MIT
// Unit tests of lib/serve/store: writes answered, persisted and restored, through index images.
#include "serve/store.hpp"

#include "error.hpp"
#include "serve/image.hpp"
#include "zone/delta.hpp"

#include "test_util.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <string>
#include <unistd.h>
#include <vector>

namespace dns = endpointdns::dns;
namespace fs = std::filesystem;
namespace rrtype = endpointdns::dns::rrtype;
using endpointdns::serve::Outcome;
using endpointdns::serve::Published;
using endpointdns::serve::ServeZone;
using endpointdns::serve::StateDir;
using endpointdns::serve::Store;
using endpointdns::zone::Delta;
using endpointdns::zone::diff_zones;
using endpointdns::zone::StreamItem;
using endpointdns::zone::Zone;
using endpointdns::zone::zone_to_stream;
using namespace endpointdns::test;

namespace {

std::string lower(std::string_view wire) {
    std::string s(wire);
    for (auto& c : s) c = char(dns::ascii_lower(uint8_t(c)));
    return s;
}

// Version n of a zone: a delegation with glue, a CNAME, a wildcard, hosts h1..hn, serial n.
Zone version(uint32_t n, std::string_view origin = "example.com.") {
    std::string text = soa_line(n) + "@ 3600 IN NS ns1\n"
                                     "ns1 3600 IN A 192.0.2.1\n"
                                     "www 300 IN A 192.0.2.80\n"
                                     "alias 300 IN CNAME www\n"
                                     "*.wild 300 IN TXT \"wild\"\n"
                                     "sub 300 IN NS ns.sub\n"
                                     "ns.sub 300 IN A 192.0.2.2\n";
    for (uint32_t i = 1; i <= n; ++i)
        text += "h" + std::to_string(i) + " 300 IN A 192.0.2." + std::to_string(i % 250 + 1) + "\n";
    return zone_from(text, origin);
}

// The same zone at serial n with one 200-octet TXT record that changes with n (compaction).
Zone churn(uint32_t n) {
    std::string big = std::to_string(n);
    big += std::string(200 - big.size(), 'x');
    return zone_from(soa_line(n) + "@ 3600 IN NS ns1\nns1 3600 IN A 192.0.2.1\nbig 300 IN TXT \"" +
                     big + "\"\n");
}

// One server's Store over a state directory, with its log kept.
struct Edge {
    StateDir dir;
    Published published;
    std::mutex log_mu;
    std::vector<std::string> log;
    Store store;
    explicit Edge(const std::string& path)
        : dir(path), store(dir, published, {}, [this](int, const std::string& m) {
              std::lock_guard l(log_mu);
              log.push_back(m);
          }) {}
    std::shared_ptr<const ServeZone> zone(std::string_view origin = "example.com.") {
        return published.load()->get(N(origin));
    }
    std::string logged() {
        std::lock_guard l(log_mu);
        std::string s;
        for (const auto& m : log) s += "\n  " + m;
        return s;
    }
};

// A directory and the paths of example.com's files in it.
struct Fixture {
    TempDir tmp{"unit-store"};
    std::string path = tmp.path() + "/state";
    std::string xfr = path + "/example.com.xfr";
    std::string jnl = path + "/example.com.jnl";
    std::string idx = path + "/example.com.idx";
    dns::Name origin = N("example.com.");

    // A new Store over the directory, loaded; expects `zones` zones.
    std::unique_ptr<Edge> restart(size_t zones = 1) {
        auto e = std::make_unique<Edge>(path);
        EXPECT_EQ(e->store.load(), zones) << e->logged();
        return e;
    }
};

Outcome put(Edge& e, Zone z) {
    return e.store.put_zone(std::move(z));
}

void expect_ok(const Outcome& o) {
    EXPECT_EQ(o.status, 200) << o.error;
    EXPECT_TRUE(o.error.empty()) << o.error;
}

// The zone served by `e` is `want`, record for record.
void expect_serves(Edge& e, const Zone& want) {
    auto z = e.zone(want.origin().to_text());
    ASSERT_TRUE(z) << want.origin().to_text() << " is not served";
    EXPECT_EQ(z->serial(), *want.serial());
    EXPECT_EQ(z->records(), want.size());
    expect_same_zone(z->to_zone(), want);
}

StreamItem full_item(Zone z) {
    StreamItem item;
    item.kind = StreamItem::Kind::full;
    item.zone = std::move(z);
    return item;
}

std::vector<StreamItem> items(std::vector<Zone> zones) {
    std::vector<StreamItem> v;
    v.reserve(zones.size());
    for (auto& z : zones) v.push_back(full_item(std::move(z)));
    return v;
}

} // namespace

// ---- put and restart ------------------------------------------------------------------------

TEST(Store, PutIsServedAndRestartsFromTheImage) {
    Fixture f;
    {
        auto e = f.restart(0);
        Outcome o = put(*e, version(3));
        expect_ok(o);
        EXPECT_EQ(o.name, "example.com.");
        EXPECT_EQ(o.serial, 3u);
        EXPECT_EQ(o.records, version(3).size());
        auto z = e->zone();
        ASSERT_TRUE(z);
        EXPECT_TRUE(z->find(lower(W("h2.example.com."))));
        EXPECT_TRUE(z->find(lower(W("WWW.Example.com."))));
        EXPECT_FALSE(z->find(lower(W("h4.example.com."))));
        EXPECT_TRUE(fs::exists(f.xfr));
        e->store.drain();
        EXPECT_EQ(e->store.counters().images_written.load(), 1u);
        EXPECT_TRUE(fs::exists(f.idx));
        EXPECT_EQ(e->store.counters().puts.load(), 1u);
    }
    auto e = f.restart();
    EXPECT_EQ(e->store.counters().images_loaded.load(), 1u) << e->logged();
    expect_serves(*e, version(3));
    EXPECT_TRUE(e->zone()->find(lower(W("ns.sub.example.com."))));
    auto exported = e->store.export_zone(f.origin);
    ASSERT_TRUE(exported);
    EXPECT_EQ(*exported, zone_to_stream(version(3)));
    e->store.drain();
    EXPECT_EQ(e->store.counters().images_written.load(), 0u) << "a mapped zone needs no new image";
}

TEST(Store, PutRefusesAZoneThatFailsItsChecks) {
    Fixture f;
    auto e = f.restart(0);
    expect_ok(put(*e, version(1)));
    // A CNAME beside other data.
    Zone bad = zone_from(soa_line(2) + "@ 3600 IN NS ns1\nns1 3600 IN A 192.0.2.1\n"
                                       "x 300 IN CNAME ns1\nx 300 IN TXT \"t\"\n");
    Outcome o = put(*e, std::move(bad));
    EXPECT_EQ(o.status, 400);
    EXPECT_NE(o.error.find("fails its checks"), std::string::npos) << o.error;
    EXPECT_EQ(e->zone()->serial(), 1u);
    EXPECT_EQ(e->store.counters().rejected.load(), 1u);
    e->store.drain();
    e.reset();
    expect_serves(*f.restart(), version(1));
}

// ---- patch ----------------------------------------------------------------------------------

TEST(Store, PatchOutcomes) {
    Fixture f;
    auto e = f.restart(0);
    expect_ok(put(*e, version(1)));

    Outcome o = e->store.patch_zone(diff_zones(version(1), version(2)));
    expect_ok(o);
    EXPECT_EQ(o.serial, 2u);
    EXPECT_EQ(o.records, version(2).size());
    EXPECT_EQ(e->zone()->serial(), 2u);
    EXPECT_TRUE(e->zone()->find(lower(W("h2.example.com."))));

    // Stale: starts at 1, the zone is at 2. The outcome carries the current serial.
    o = e->store.patch_zone(diff_zones(version(1), version(3)));
    EXPECT_EQ(o.status, 409);
    EXPECT_EQ(o.serial, 2u);
    EXPECT_EQ(o.records, version(2).size());
    EXPECT_NE(o.error.find("serial 2"), std::string::npos) << o.error;

    // Unknown zone.
    o = e->store.patch_zone(diff_zones(version(1, "example.org."), version(2, "example.org.")));
    EXPECT_EQ(o.status, 404);
    EXPECT_EQ(o.name, "example.org.");

    // Does not apply: removes a record the zone lacks.
    Delta d = diff_zones(version(2), version(3));
    d.steps[0].removed.push_back(rr("nothere.example.com.", rrtype::A, 300, u32(0x01020304)));
    o = e->store.patch_zone(d);
    EXPECT_EQ(o.status, 400);
    EXPECT_NE(o.error.find("does not apply"), std::string::npos) << o.error;

    // Leaves a CNAME beside other data.
    d = diff_zones(version(2), version(3));
    d.steps[0].added.push_back(rr("alias.example.com.", rrtype::TXT, 300, txt({"x"})));
    EXPECT_EQ(e->store.patch_zone(d).status, 400);

    EXPECT_EQ(e->zone()->serial(), 2u);
    EXPECT_EQ(e->store.counters().rejected.load(), 4u);
    EXPECT_EQ(e->store.counters().patches.load(), 1u);

    expect_ok(e->store.patch_zone(diff_zones(version(2), version(3))));
    expect_ok(e->store.patch_zone(diff_zones(version(3), version(5))));
    expect_serves(*e, version(5));
    e->store.drain();
    e.reset();

    // The image is of serial 1; the journal's deltas are replayed on top of it.
    e = f.restart();
    EXPECT_EQ(e->store.counters().images_loaded.load(), 1u) << e->logged();
    expect_serves(*e, version(5));

    // A patch on top of a mapped zone, then one more restart.
    expect_ok(e->store.patch_zone(diff_zones(version(5), version(6))));
    e->store.drain();
    e.reset();
    e = f.restart();
    EXPECT_EQ(e->store.counters().images_loaded.load(), 1u) << e->logged();
    expect_serves(*e, version(6));
}

TEST(Store, ApplyTakesEachItemOnItsOwn) {
    Fixture f;
    auto e = f.restart(0);
    std::vector<StreamItem> v;
    v.push_back(full_item(version(1)));
    StreamItem bad;
    bad.kind = StreamItem::Kind::delta;
    bad.delta = diff_zones(version(4), version(5)); // stale
    v.push_back(std::move(bad));
    StreamItem good;
    good.kind = StreamItem::Kind::delta;
    good.delta = diff_zones(version(1), version(2));
    v.push_back(std::move(good));
    auto out = e->store.apply(std::move(v));
    ASSERT_EQ(out.size(), 3u);
    EXPECT_EQ(out[0].status, 200);
    EXPECT_EQ(out[1].status, 409);
    EXPECT_EQ(out[2].status, 200);
    expect_serves(*e, version(2));
}

StreamItem delta_item(Delta d) {
    StreamItem item;
    item.kind = StreamItem::Kind::delta;
    item.delta = std::move(d);
    return item;
}

TEST(Store, ApplyWritesFullZonesTogetherAndKeepsPerItemResults) {
    Fixture f;
    auto e = f.restart(0);
    Zone bad = zone_from(soa_line(1) + "@ 3600 IN NS ns1\nns1 3600 IN A 192.0.2.1\n"
                                       "x 300 IN CNAME ns1\nx 300 IN TXT \"t\"\n",
                         "bad.example.");
    std::vector<StreamItem> v = items({version(1, "a.example."), version(1, "b.example."),
                                       std::move(bad), version(3, "a.example.")});
    v.push_back(delta_item(diff_zones(version(3, "a.example."), version(4, "a.example."))));
    v.push_back(full_item(version(2, "c.example.")));
    auto out = e->store.apply(std::move(v));
    ASSERT_EQ(out.size(), 6u);
    std::vector<int> statuses;
    for (const auto& o : out) statuses.push_back(o.status);
    EXPECT_EQ(statuses, (std::vector<int>{200, 200, 400, 200, 200, 200}));
    EXPECT_EQ(out[3].serial, 3u); // the repeated zone was written after the first
    EXPECT_EQ(out[4].serial, 4u); // the delta saw the zone before it
    expect_serves(*e, version(4, "a.example."));
    expect_serves(*e, version(1, "b.example."));
    expect_serves(*e, version(2, "c.example."));
    EXPECT_FALSE(e->zone("bad.example."));
    EXPECT_EQ(e->store.counters().puts.load(), 4u);
    e->store.drain();
    e.reset();
    e = f.restart(3);
    expect_serves(*e, version(4, "a.example."));
    expect_serves(*e, version(1, "b.example."));
    expect_serves(*e, version(2, "c.example."));
}

// A batch that fails at `step` (StateDir::fault_hook): its items get 500, memory keeps the
// zones as they were, and a restart loads each zone at its old or its new version.
void expect_failed_batch(std::string_view step, bool full_sync) {
    SCOPED_TRACE(std::string(step) + (full_sync ? " (full sync)" : " (POST)"));
    Fixture f;
    auto e = f.restart(0);
    expect_ok(put(*e, version(1, "a.example.")));
    expect_ok(put(*e, version(1, "b.example.")));
    e->store.drain();
    auto before = e->published.load();
    e->dir.fault_hook = [&](std::string_view s, size_t i) {
        if (s == step && i == (s.substr(0, 6) == "rename" ? 1u : 0u))
            throw endpointdns::Error(endpointdns::ex_ioerr, "injected");
    };
    std::vector<StreamItem> v =
        items({version(2, "a.example."), version(2, "b.example."), version(2, "c.example.")});
    if (full_sync) {
        std::vector<std::string> removed;
        Outcome o = e->store.replace_all(std::move(v), removed);
        EXPECT_EQ(o.status, 500);
    } else {
        auto out = e->store.apply(std::move(v));
        ASSERT_EQ(out.size(), 3u);
        for (const auto& o : out) {
            EXPECT_EQ(o.status, 500) << o.name;
            EXPECT_NE(o.error.find("injected"), std::string::npos) << o.error;
        }
    }
    EXPECT_EQ(e->published.load(), before) << "a zone not on disk was published";
    EXPECT_EQ(e->store.counters().puts.load(), 2u);
    e->dir.fault_hook = nullptr;
    e->store.drain();
    e.reset();
    auto r = std::make_unique<Edge>(f.path);
    size_t n = r->store.load();
    EXPECT_TRUE(n == 2 || n == 3) << n << r->logged();
    for (const char* name : {"a.example.", "b.example.", "c.example."}) {
        auto z = r->zone(name);
        if (!z) {
            EXPECT_EQ(std::string(name), "c.example.");
            continue;
        }
        EXPECT_TRUE(z->serial() == 1 || z->serial() == 2) << name << " " << z->serial();
        expect_serves(*r, version(z->serial(), name));
    }
}

TEST(Store, AFailedBatchIsAnswered500AndNotPublished) {
    for (bool full_sync : {false, true})
        for (const char* step :
             {"append", "temp", "sync", "rename-xfr", "sync-dir-xfr", "rename-jnl", "sync-dir-jnl"})
            expect_failed_batch(step, full_sync);
}

// ---- images: stale, damaged, removed ----------------------------------------------------------

TEST(Store, ZoneOverSeveralShardPagesRestartsFromItsImage) {
    // Over 256 shards (48 nodes each): the index spans more than one page of shards, and a
    // delta on the mapped zone clones only the page it changes.
    Fixture f;
    {
        auto e = f.restart(0);
        expect_ok(put(*e, version(13000)));
        expect_ok(e->store.patch_zone(diff_zones(version(13000), version(13001))));
        e->store.drain();
    }
    auto e = f.restart();
    EXPECT_EQ(e->store.counters().images_loaded.load(), 1u) << e->logged();
    EXPECT_GT(e->zone()->nodes(), 256u * 48);
    expect_serves(*e, version(13001));
    expect_ok(e->store.patch_zone(diff_zones(version(13001), version(13002))));
    EXPECT_TRUE(e->zone()->find(lower(W("h13002.example.com."))));
    EXPECT_TRUE(e->zone()->find(lower(W("h1.example.com."))));
}

TEST(Store, StaleImageOfAnEarlierPutIsNotUsed) {
    Fixture f;
    std::string old_image;
    {
        auto e = f.restart(0);
        expect_ok(put(*e, version(1)));
        e->store.drain();
        old_image = slurp(f.idx);
        ASSERT_FALSE(old_image.empty());
        expect_ok(put(*e, version(2)));
        e->store.drain();
    }
    // As if the process had stopped before the second image was written.
    spit(f.idx, old_image);
    auto e = f.restart();
    EXPECT_EQ(e->store.counters().images_loaded.load(), 0u);
    expect_serves(*e, version(2));
    // The parse wrote a fresh image, which the next start uses.
    e->store.drain();
    EXPECT_EQ(e->store.counters().images_written.load(), 1u);
    e.reset();
    e = f.restart();
    EXPECT_EQ(e->store.counters().images_loaded.load(), 1u) << e->logged();
    expect_serves(*e, version(2));
}

TEST(Store, ImageOfARewrittenZoneFileIsNotUsed) {
    Fixture f;
    {
        auto e = f.restart(0);
        expect_ok(put(*e, version(1)));
        e->store.drain();
    }
    // Another writer (a restore, an operator) replaces the zone file and its journal.
    {
        StateDir other(f.path);
        other.write_zone(f.origin, zone_to_stream(version(7)));
    }
    auto e = f.restart();
    EXPECT_EQ(e->store.counters().images_loaded.load(), 0u);
    expect_serves(*e, version(7));
}

TEST(Store, ImageOfAZoneFileRewrittenInPlaceIsNotUsed) {
    Fixture f;
    {
        auto e = f.restart(0);
        expect_ok(put(*e, churn(1)));
        e->store.drain();
    }
    // Same inode, same size, new content (serial and TXT 1 → 9) and a new modification time.
    std::string bytes = zone_to_stream(churn(9));
    ASSERT_EQ(bytes.size(), fs::file_size(f.xfr));
    ::usleep(20 * 1000); // past the file system's timestamp granularity
    {
        std::fstream x(f.xfr, std::ios::binary | std::ios::in | std::ios::out);
        x.write(bytes.data(), std::streamsize(bytes.size()));
    }
    fs::remove(f.jnl); // its zone record names the old content
    auto e = f.restart();
    EXPECT_EQ(e->store.counters().images_loaded.load(), 0u);
    expect_serves(*e, churn(9));
}

void damaged_image_is_refused(const std::function<void(std::string&)>& damage) {
    Fixture f;
    {
        auto e = f.restart(0);
        // Enough names for several shards, and a delta in the journal.
        expect_ok(put(*e, version(150)));
        expect_ok(e->store.patch_zone(diff_zones(version(150), version(151))));
        e->store.drain();
    }
    std::string image = slurp(f.idx);
    ASSERT_GT(image.size(), 4096u);
    damage(image);
    spit(f.idx, image);
    auto e = f.restart();
    EXPECT_EQ(e->store.counters().images_loaded.load(), 0u);
    expect_serves(*e, version(151));
    // The zone was parsed: a fresh image replaces the damaged one.
    e->store.drain();
    e.reset();
    e = f.restart();
    EXPECT_EQ(e->store.counters().images_loaded.load(), 1u) << e->logged();
    expect_serves(*e, version(151));
}

TEST(Store, ImageWithAFlippedByteIsRefused) {
    damaged_image_is_refused([](std::string& image) { image[image.size() / 2] ^= 0x20; });
}

TEST(Store, ImageWithAFlippedHeaderByteIsRefused) {
    damaged_image_is_refused([](std::string& image) { image[40] ^= 0x01; }); // the node count
}

TEST(Store, TruncatedImageIsRefused) {
    damaged_image_is_refused([](std::string& image) { image.resize(image.size() / 2); });
}

TEST(Store, EmptyImageIsRefused) {
    damaged_image_is_refused([](std::string& image) { image.clear(); });
}

TEST(Store, RemoveLeavesNoFilesBehind) {
    Fixture f;
    auto e = f.restart(0);
    expect_ok(put(*e, version(1)));
    expect_ok(put(*e, version(1, "example.org.")));
    expect_ok(e->store.patch_zone(diff_zones(version(1), version(2))));
    e->store.drain();
    ASSERT_TRUE(fs::exists(f.idx));
    ASSERT_TRUE(fs::exists(f.jnl));

    expect_ok(e->store.remove_zone(N("Example.COM.")));
    EXPECT_FALSE(e->zone());
    EXPECT_EQ(e->store.remove_zone(f.origin).status, 404);
    e->store.drain();
    EXPECT_FALSE(fs::exists(f.xfr));
    EXPECT_FALSE(fs::exists(f.jnl));
    EXPECT_FALSE(fs::exists(f.idx));
    EXPECT_TRUE(fs::exists(f.path + "/example.org.idx"));
    EXPECT_EQ(e->store.counters().deletes.load(), 1u);
    e.reset();

    e = f.restart(1);
    EXPECT_FALSE(e->zone());
    EXPECT_TRUE(e->zone("example.org."));
}

TEST(Store, RemoveRightAfterPutLeavesNoImage) {
    // The image job of the put may be queued, running or done when the zone goes.
    Fixture f;
    auto e = f.restart(0);
    for (uint32_t i = 1; i <= 30; ++i) {
        expect_ok(put(*e, version(100 + i)));
        if (i % 3 == 0) e->store.drain();
        expect_ok(e->store.remove_zone(f.origin));
    }
    e->store.drain();
    std::vector<std::string> left;
    for (const auto& entry : fs::directory_iterator(f.path)) {
        left.push_back(entry.path().filename().string());
    }
    EXPECT_TRUE(left.empty()) << left.size() << " files left, first " << left[0];
}

// ---- compaction -----------------------------------------------------------------------------

TEST(Store, JournalIsCompactedOnceItOutgrowsTheZoneFile) {
    Fixture f;
    auto e = f.restart(0);
    expect_ok(put(*e, churn(1)));
    uint32_t serial = 1;
    // Until the journal passes both the zone file and the 64 KiB floor.
    while (e->dir.journal_bytes(f.origin) < size_t{64} * 1024 ||
           e->dir.journal_bytes(f.origin) < e->dir.zone_bytes(f.origin)) {
        ASSERT_LT(serial, 1000u);
        expect_ok(e->store.patch_zone(diff_zones(churn(serial), churn(serial + 1))));
        ++serial;
    }
    e->store.drain();
    EXPECT_GE(e->store.counters().compactions.load(), 1u);
    EXPECT_LT(e->dir.journal_bytes(f.origin), 4096u);
    expect_serves(*e, churn(serial));
    // The compaction's zone file got its image too.
    EXPECT_EQ(e->store.counters().images_written.load(), 2u);

    // More deltas after the compaction, then a restart: image + remaining journal.
    expect_ok(e->store.patch_zone(diff_zones(churn(serial), churn(serial + 1))));
    ++serial;
    e->store.drain();
    e.reset();
    e = f.restart();
    EXPECT_EQ(e->store.counters().images_loaded.load(), 1u) << e->logged();
    expect_serves(*e, churn(serial));
}

// ---- replace_all ----------------------------------------------------------------------------

TEST(Store, ReplaceAllRemovesTheZonesNotInTheSet) {
    Fixture f;
    auto e = f.restart(0);
    expect_ok(put(*e, version(1, "a.example.")));
    expect_ok(put(*e, version(1, "b.example.")));
    expect_ok(put(*e, version(1, "c.example.")));
    e->store.drain();

    std::vector<std::string> removed;
    Outcome o =
        e->store.replace_all(items({version(2, "a.example."), version(1, "d.example.")}), removed);
    expect_ok(o);
    EXPECT_EQ(o.name, "2");
    EXPECT_EQ(o.records, version(2).size() + version(1).size());
    std::sort(removed.begin(), removed.end());
    EXPECT_EQ(removed, (std::vector<std::string>{"b.example.", "c.example."}));
    auto set = e->published.load();
    EXPECT_EQ(set->zone_count(), 2u);
    EXPECT_EQ(e->zone("a.example.")->serial(), 2u);
    EXPECT_TRUE(e->zone("d.example."));
    EXPECT_FALSE(e->zone("b.example."));
    e->store.drain();
    for (const char* gone : {"b.example", "c.example"}) {
        for (const char* suffix : {".xfr", ".jnl", ".idx"}) {
            EXPECT_FALSE(fs::exists(f.path + "/" + gone + suffix)) << gone << suffix;
        }
    }
    e.reset();
    e = f.restart(2);
    EXPECT_EQ(e->store.counters().images_loaded.load(), 2u) << e->logged();
    expect_serves(*e, version(2, "a.example."));
    expect_serves(*e, version(1, "d.example."));
}

void expect_unchanged_after_refusal(std::vector<StreamItem> set, std::string_view why) {
    Fixture f;
    auto e = f.restart(0);
    expect_ok(put(*e, version(1, "a.example.")));
    expect_ok(put(*e, version(1, "b.example.")));
    e->store.drain();
    auto before = e->published.load();
    std::vector<std::string> files_before;
    for (const auto& entry : fs::directory_iterator(f.path))
        files_before.push_back(entry.path().filename().string() + ":" + slurp(entry.path()));
    std::sort(files_before.begin(), files_before.end());

    std::vector<std::string> removed;
    Outcome o = e->store.replace_all(std::move(set), removed);
    EXPECT_EQ(o.status, 400);
    EXPECT_NE(o.error.find(why), std::string::npos) << o.error;
    EXPECT_TRUE(removed.empty());
    EXPECT_EQ(e->published.load(), before) << "a new zone set was published";
    e->store.drain();
    std::vector<std::string> files_after;
    for (const auto& entry : fs::directory_iterator(f.path))
        files_after.push_back(entry.path().filename().string() + ":" + slurp(entry.path()));
    std::sort(files_after.begin(), files_after.end());
    EXPECT_TRUE(files_after == files_before) << "the state directory changed";
}

TEST(Store, ReplaceAllRefusesADelta) {
    std::vector<StreamItem> set = items({version(2, "a.example.")});
    StreamItem d;
    d.kind = StreamItem::Kind::delta;
    d.delta = diff_zones(version(1, "b.example."), version(2, "b.example."));
    set.push_back(std::move(d));
    expect_unchanged_after_refusal(std::move(set), "full zones only");
}

TEST(Store, ReplaceAllRefusesADuplicateZone) {
    expect_unchanged_after_refusal(
        items({version(2, "a.example."), version(3, "c.example."), version(3, "A.Example.")}),
        "appears twice");
}

TEST(Store, ReplaceAllRefusesAZoneThatFailsItsChecks) {
    Zone bad = zone_from(soa_line(2) + "@ 3600 IN NS ns1\nns1 3600 IN A 192.0.2.1\n"
                                       "x 300 IN CNAME ns1\nx 300 IN TXT \"t\"\n",
                         "c.example.");
    std::vector<StreamItem> set = items({version(2, "a.example.")});
    set.push_back(full_item(std::move(bad)));
    expect_unchanged_after_refusal(std::move(set), "fails its checks");
}

// ---- load -----------------------------------------------------------------------------------

TEST(Store, LoadOfManyZonesWritesTheirImagesBesideTheParse) {
    Fixture f;
    constexpr size_t count = 200;
    {
        StateDir dir(f.path);
        for (size_t i = 0; i < count; ++i)
            dir.write_zone(N("z" + std::to_string(i) + ".example."),
                           zone_to_stream(version(uint32_t(i % 7 + 1),
                                                  "z" + std::to_string(i) + ".example.")));
    }
    {
        // Every zone parsed, its image queued while the next ones load.
        auto e = f.restart(count);
        EXPECT_EQ(e->store.counters().images_loaded.load(), 0u);
        // A write while the images are being written.
        expect_ok(
            e->store.patch_zone(diff_zones(version(1, "z0.example."), version(2, "z0.example."))));
        e->store.drain();
        EXPECT_EQ(e->store.counters().images_written.load(), count);
    }
    auto e = f.restart(count);
    EXPECT_EQ(e->store.counters().images_loaded.load(), count) << e->logged();
    EXPECT_EQ(e->published.load()->zone_count(), count);
    expect_serves(*e, version(2, "z0.example."));
    for (size_t i = 1; i < count; i += 37) {
        std::string o = "z" + std::to_string(i) + ".example.";
        expect_serves(*e, version(uint32_t(i % 7 + 1), o));
    }
}

TEST(Store, ImageOfAZoneWithoutItsZoneFileIsIgnored) {
    Fixture f;
    {
        auto e = f.restart(0);
        expect_ok(put(*e, version(1)));
        expect_ok(put(*e, version(1, "example.org.")));
        e->store.drain();
    }
    fs::remove(f.xfr);
    fs::remove(f.jnl);
    std::ofstream(f.idx + ".tmp") << "left by a crash during an image write";
    auto e = f.restart(1);
    EXPECT_FALSE(e->zone());
    EXPECT_EQ(e->store.counters().images_loaded.load(), 1u);
    // Both leftovers are removed at load, so they cannot pile up.
    EXPECT_FALSE(fs::exists(f.idx));
    EXPECT_FALSE(fs::exists(f.idx + ".tmp"));
}
