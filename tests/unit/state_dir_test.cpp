// SPDX-License-Identifier: MIT
// Unit tests of lib/serve/state_dir: zone files and journals round-trip, survive crashes and
// damage.
#include "serve/state_dir.hpp"

#include "error.hpp"
#include "zone/delta.hpp"

#include "test_util.hpp"

#include <gtest/gtest.h>

#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <unistd.h>
#include <vector>

namespace dns = endpointdns::dns;
namespace fs = std::filesystem;
namespace journal = endpointdns::serve::journal;
using endpointdns::Error;
using endpointdns::serve::StateDir;
using endpointdns::zone::apply_delta;
using endpointdns::zone::Delta;
using endpointdns::zone::diff_zones;
using endpointdns::zone::StreamWriter;
using endpointdns::zone::Zone;
using endpointdns::zone::zone_to_stream;
using namespace endpointdns::test;

namespace {

void append(const std::string& path, std::string_view bytes) {
    std::ofstream f(path, std::ios::binary | std::ios::app);
    f.write(bytes.data(), std::streamsize(bytes.size()));
}

// Version n of a zone: hosts h1..hn, serial n.
Zone version(uint32_t n, std::string_view origin = "example.com.") {
    std::string text = soa_line(n) + "@ 3600 IN NS ns1\nns1 3600 IN A 192.0.2.1\n";
    for (uint32_t i = 1; i <= n; ++i)
        text += "h" + std::to_string(i) + " 300 IN A 192.0.2." + std::to_string(i) + "\n";
    return zone_from(text, origin);
}

std::string delta_stream(const Delta& d) {
    std::string out;
    StreamWriter w([&](std::string_view m) { out.append(m); });
    w.write_delta(d);
    return out;
}

std::string delta_stream(uint32_t from, uint32_t to, std::string_view origin = "example.com.") {
    return delta_stream(diff_zones(version(from, origin), version(to, origin)));
}

struct Loaded {
    std::vector<StateDir::Loaded> zones;
    std::vector<std::string> messages;
    bool has(std::string_view part) const {
        for (const auto& m : messages)
            if (m.find(part) != std::string::npos) return true;
        return false;
    }
    std::string all() const {
        std::string s;
        for (const auto& m : messages) s += "\n  " + m;
        return s;
    }
};

Loaded load(const StateDir& dir) {
    Loaded out;
    dir.load([&](StateDir::Loaded&& z) { out.zones.push_back(std::move(z)); },
             [&](const std::string& m) { out.messages.push_back(m); });
    return out;
}

// The zone with every loaded delta applied.
Zone applied(const StateDir::Loaded& l) {
    Zone z = l.zone;
    for (const Delta& d : l.deltas) {
        auto r = apply_delta(z, d);
        EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error());
        if (!r) break;
        z = std::move(*r);
    }
    return z;
}

std::vector<uint32_t> delta_serials(const StateDir::Loaded& l) {
    std::vector<uint32_t> v;
    for (const Delta& d : l.deltas) {
        v.push_back(d.from_serial());
        v.push_back(d.to_serial());
    }
    return v;
}

// A directory with example.com at version 1 and deltas to version `to`.
struct Fixture {
    TempDir tmp{"unit-state-dir"};
    StateDir dir{tmp.path() + "/state"};
    dns::Name origin = N("example.com.");
    std::string xfr = dir.path() + "/example.com.xfr";
    std::string jnl = dir.path() + "/example.com.jnl";
    explicit Fixture(uint32_t to = 1) {
        dir.write_zone(origin, zone_to_stream(version(1)));
        for (uint32_t s = 1; s < to; ++s) dir.append_delta(origin, delta_stream(s, s + 1));
    }
};

// ---- journal format ---------------------------------------------------------------------------

TEST(Journal, Crc32cKnownValues) {
    EXPECT_EQ(journal::crc32c("123456789"), 0xE3069283u); // the CRC-32C check value
    EXPECT_EQ(journal::crc32c_portable("123456789"), 0xE3069283u);
    EXPECT_EQ(journal::crc32c(""), 0u);
    std::string zeros(32, '\0');
    EXPECT_EQ(journal::crc32c(zeros), 0x8A9136AAu); // RFC 3720 B.4
}

TEST(Journal, Crc32cFastEqualsPortableAndContinues) {
    std::mt19937 rng(7);
    for (size_t len : {0, 1, 7, 8, 9, 15, 16, 63, 64, 65, 1000, 4099}) {
        std::string s(len, '\0');
        for (char& c : s) c = char(rng());
        EXPECT_EQ(journal::crc32c(s), journal::crc32c_portable(s)) << len;
        size_t cut = len / 3;
        EXPECT_EQ(journal::crc32c(s.substr(cut), journal::crc32c(s.substr(0, cut))),
                  journal::crc32c(s))
            << len;
    }
}

TEST(Journal, FrameAndScanRoundTrip) {
    std::string bytes = journal::frame(journal::RecordType::zone, journal::encode_id({5, 6})) +
                        journal::frame(journal::RecordType::delta, "abc") +
                        journal::frame(journal::RecordType::delta, "");
    auto sc = journal::scan(bytes);
    EXPECT_EQ(sc.end, journal::Scan::End::clean);
    EXPECT_EQ(sc.good_bytes, bytes.size());
    ASSERT_EQ(sc.records.size(), 3u);
    EXPECT_EQ(sc.records[0].type, journal::RecordType::zone);
    EXPECT_EQ(sc.records[1].payload, "abc");
    EXPECT_EQ(sc.records[1].offset, journal::frame_size + 12);
    EXPECT_EQ(sc.records[2].payload, "");
    EXPECT_EQ(sc.records[2].end(), bytes.size());
}

TEST(Journal, ScanTellsTornTailsFromDamage) {
    std::string a = journal::frame(journal::RecordType::delta, "first record");
    std::string b = journal::frame(journal::RecordType::delta, "second record");
    // Every cut inside the last record is a torn tail; the first record survives.
    for (size_t cut = 1; cut < b.size(); ++cut) {
        auto sc = journal::scan(a + b.substr(0, cut));
        EXPECT_EQ(sc.end, journal::Scan::End::torn) << cut << ": " << sc.problem;
        EXPECT_EQ(sc.good_bytes, a.size());
        EXPECT_EQ(sc.records.size(), 1u);
    }
    // Size extended but data never written: zeros.
    EXPECT_EQ(journal::scan(a + std::string(100, '\0')).end, journal::Scan::End::torn);
    // A last record with a wrong checksum: the data of a crashed append.
    std::string bad_last = a + b;
    bad_last.back() ^= 1;
    EXPECT_EQ(journal::scan(bad_last).end, journal::Scan::End::torn);
    // A wrong checksum followed by another record: damage.
    std::string bad_mid = a + b;
    bad_mid[journal::frame_size + 2] ^= 1;
    auto sc = journal::scan(bad_mid);
    EXPECT_EQ(sc.end, journal::Scan::End::damaged) << sc.problem;
    EXPECT_EQ(sc.good_bytes, 0u);
    EXPECT_NE(sc.problem.find("offset 0"), std::string::npos) << sc.problem;
    // Garbage that is not zero: damage.
    EXPECT_EQ(journal::scan(a + "garbage that is long enough").end, journal::Scan::End::damaged);
}

// ---- file_stem --------------------------------------------------------------------------------

TEST(StateDir, FileStemRule) {
    EXPECT_EQ(StateDir::file_stem(N("example.com.")), "example.com");
    EXPECT_EQ(StateDir::file_stem(N("Example.COM.")), "example.com");
    EXPECT_EQ(StateDir::file_stem(N(".")), "@root");
    EXPECT_EQ(StateDir::file_stem(N("com.")), "com");
    EXPECT_EQ(StateDir::file_stem(N("a\\.b.example.")), "a%2Eb.example");
    EXPECT_EQ(StateDir::file_stem(N("a/b.example.")), "a%2Fb.example");
    EXPECT_EQ(StateDir::file_stem(N("\\..example.")), "%2E.example");
    EXPECT_EQ(StateDir::file_stem(N("\\.\\..example.")), "%2E%2E.example");
    EXPECT_EQ(StateDir::file_stem(N("_dmarc.x-y.example.")), "_dmarc.x-y.example");
    EXPECT_EQ(StateDir::file_stem(N("100%.@.example.")), "100%25.%40.example");
    EXPECT_EQ(StateDir::file_stem(N("a\\032b\\000\\255.example.")), "a%20b%00%FF.example");
    EXPECT_EQ(StateDir::file_stem(N("@root.")), "%40root");
    // Names that differ only in case share a file; different names never do.
    EXPECT_NE(StateDir::file_stem(N("a\\.b.example.")), StateDir::file_stem(N("a.b.example.")));
}

TEST(StateDir, FileStemOfLongNamesIsCutAndHashed) {
    std::string l63(63, 'x'), e63(63, '\\');
    std::string long1 = l63 + "." + l63 + "." + l63 + "." + std::string(61, 'y') + ".";
    std::string long2 = l63 + "." + l63 + "." + l63 + "." + std::string(61, 'z') + ".";
    std::string s1 = StateDir::file_stem(N(long1)), s2 = StateDir::file_stem(N(long2));
    EXPECT_EQ(s1.size(), 200u);
    EXPECT_EQ(s1[183], '~');
    EXPECT_NE(s1, s2);
    // 63 octets that all need escaping: 189 characters, one label, still cut below the limit.
    std::string esc;
    for (int i = 0; i < 63; ++i) esc += "\\/";
    std::string s3 = StateDir::file_stem(N(esc + "." + esc + ".example."));
    EXPECT_EQ(s3.size(), 200u);
}

TEST(StateDir, FileStemIsAlwaysASafeFileName) {
    std::mt19937 rng(3);
    for (int n = 0; n < 2000; ++n) {
        dns::Name name;
        int labels = 1 + int(rng() % 4);
        for (int i = 0; i < labels; ++i) {
            std::string label(1 + rng() % 20, '\0');
            for (char& c : label) c = char(rng() % 4 == 0 ? '.' : rng());
            auto p = name.prepend(label);
            if (p) name = *p;
        }
        std::string s = StateDir::file_stem(name);
        ASSERT_FALSE(s.empty());
        EXPECT_NE(s[0], '.') << s;
        EXPECT_EQ(s.find('/'), std::string::npos) << s;
        EXPECT_EQ(s.find(".."), std::string::npos) << s;
        EXPECT_LE(s.size(), 200u);
        for (char c : s)
            EXPECT_TRUE((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
                        c == '.' || c == '%' || (c >= 'A' && c <= 'F') || c == '~')
                << s;
        EXPECT_EQ(s, StateDir::file_stem(name.lowercased()));
    }
}

// ---- round trips ------------------------------------------------------------------------------

TEST(StateDir, CreatesTheDirectory) {
    TempDir tmp{"unit-state-dir"};
    StateDir dir(tmp.path() + "/a/b/state/");
    EXPECT_EQ(dir.path(), tmp.path() + "/a/b/state");
    EXPECT_TRUE(fs::is_directory(dir.path()));
    EXPECT_EQ(fs::status(dir.path()).permissions() & fs::perms::all, fs::perms::owner_all);
    spit(tmp.path() + "/file", "x");
    try {
        StateDir bad(tmp.path() + "/file");
        FAIL() << "a file is not a state directory";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), endpointdns::ex_cantcreat);
        EXPECT_EQ(std::string(e.what()),
                  "state dir: cannot create " + tmp.path() + "/file: Not a directory");
    }
}

TEST(StateDir, ZonesAndJournalsRoundTrip) {
    Fixture f(4);
    f.dir.write_zone(N("example.net."), zone_to_stream(version(7, "example.net.")));
    f.dir.write_zone(N("."), zone_to_stream(version(2, ".")));
    EXPECT_EQ(slurp(f.xfr), zone_to_stream(version(1))); // exactly the bytes given
    EXPECT_EQ(f.dir.zone_bytes(f.origin), zone_to_stream(version(1)).size());
    EXPECT_GT(f.dir.journal_bytes(f.origin), 3 * journal::frame_size);
    EXPECT_EQ(f.dir.zone_bytes(N("nowhere.example.")), 0u);
    EXPECT_EQ(f.dir.journal_bytes(N("nowhere.example.")), 0u);
    EXPECT_TRUE(fs::exists(f.dir.path() + "/@root.xfr"));

    auto l = load(f.dir);
    EXPECT_TRUE(l.messages.empty()) << l.all();
    ASSERT_EQ(l.zones.size(), 3u); // in file-name order
    EXPECT_EQ(l.zones[0].zone.origin(), N("."));
    EXPECT_EQ(l.zones[1].zone.origin(), N("example.com."));
    EXPECT_EQ(l.zones[1].file, f.xfr);
    EXPECT_EQ(l.zones[2].zone.origin(), N("example.net."));
    EXPECT_EQ(delta_serials(l.zones[1]), (std::vector<uint32_t>{1, 2, 2, 3, 3, 4}));
    expect_same_zone(applied(l.zones[1]), version(4));
    expect_same_zone(l.zones[2].zone, version(7, "example.net."));
    EXPECT_TRUE(l.zones[2].deltas.empty());
    // Loading changes nothing.
    std::string before = slurp(f.jnl);
    load(f.dir);
    EXPECT_EQ(slurp(f.jnl), before);
}

TEST(StateDir, OneAppendMayHoldSeveralDeltas) {
    Fixture f;
    f.dir.append_delta(f.origin, delta_stream(1, 2) + delta_stream(2, 3));
    auto l = load(f.dir);
    ASSERT_EQ(l.zones.size(), 1u);
    EXPECT_EQ(delta_serials(l.zones[0]), (std::vector<uint32_t>{1, 2, 2, 3}));
}

TEST(StateDir, AppendRefusesWhatTheLoaderWouldNotUse) {
    Fixture f;
    auto code = [&](const dns::Name& o, const std::string& s) {
        try {
            f.dir.append_delta(o, s);
        } catch (const Error& e) {
            return e.code();
        }
        return 0;
    };
    EXPECT_EQ(code(f.origin, zone_to_stream(version(2))), endpointdns::ex_dataerr);
    EXPECT_EQ(code(f.origin, ""), endpointdns::ex_dataerr);
    EXPECT_EQ(code(f.origin, std::string("\x00\x05junk", 6)), endpointdns::ex_dataerr);
    EXPECT_EQ(code(f.origin, delta_stream(1, 2, "example.net.")), endpointdns::ex_dataerr);
    EXPECT_EQ(code(f.origin, delta_stream(1, 2) + delta_stream(3, 4)), endpointdns::ex_dataerr);
    EXPECT_EQ(code(N("example.net."), delta_stream(1, 2, "example.net.")),
              endpointdns::ex_cantcreat);
    EXPECT_EQ(f.dir.journal_bytes(f.origin), journal::frame_size + 12); // nothing appended
}

TEST(StateDir, WriteZoneStartsAnEmptyJournal) {
    Fixture f(3);
    f.dir.write_zone(f.origin, zone_to_stream(version(5)));
    EXPECT_EQ(f.dir.journal_bytes(f.origin), journal::frame_size + 12);
    auto l = load(f.dir);
    EXPECT_TRUE(l.messages.empty()) << l.all();
    ASSERT_EQ(l.zones.size(), 1u);
    expect_same_zone(l.zones[0].zone, version(5));
    EXPECT_TRUE(l.zones[0].deltas.empty());
}

TEST(StateDir, AppendStartsAJournalForAZoneFileWithoutOne) {
    Fixture f;
    fs::remove(f.jnl);
    f.dir.append_delta(f.origin, delta_stream(1, 2));
    auto l = load(f.dir);
    EXPECT_TRUE(l.messages.empty()) << l.all();
    ASSERT_EQ(l.zones.size(), 1u);
    EXPECT_EQ(delta_serials(l.zones[0]), (std::vector<uint32_t>{1, 2}));
}

TEST(StateDir, ZoneFileWithoutJournalLoads) {
    Fixture f;
    fs::remove(f.jnl);
    auto l = load(f.dir);
    EXPECT_TRUE(l.messages.empty()) << l.all();
    ASSERT_EQ(l.zones.size(), 1u);
    expect_same_zone(l.zones[0].zone, version(1));
}

TEST(StateDir, Remove) {
    Fixture f(2);
    f.dir.write_zone(N("example.net."), zone_to_stream(version(1, "example.net.")));
    f.dir.remove(f.origin);
    EXPECT_FALSE(fs::exists(f.xfr));
    EXPECT_FALSE(fs::exists(f.jnl));
    f.dir.remove(f.origin); // absent: no error
    f.dir.remove(N("never.example."));
    auto l = load(f.dir);
    ASSERT_EQ(l.zones.size(), 1u);
    EXPECT_EQ(l.zones[0].zone.origin(), N("example.net."));
}

TEST(StateDir, PrebuiltZonesAreNotParsedButGetTheirJournal) {
    Fixture f(3);
    f.dir.write_zone(N("example.net."), zone_to_stream(version(1, "example.net.")));
    std::vector<std::string> asked;
    Loaded l;
    f.dir.load([&](StateDir::Loaded&& z) { l.zones.push_back(std::move(z)); },
               [&](const std::string& m) { l.messages.push_back(m); },
               [&](const std::string& stem, const std::string& xfr,
                   uint32_t crc) -> std::optional<std::pair<dns::Name, uint32_t>> {
                   asked.push_back(stem);
                   EXPECT_EQ(xfr, f.dir.path() + "/" + stem + ".xfr");
                   // The CRC of the file, as read for the journal: the hook need not read it.
                   EXPECT_EQ(crc, endpointdns::serve::journal::crc32c(slurp(xfr)));
                   if (stem == "example.com") return std::make_pair(N("example.com."), 1u);
                   return std::nullopt;
               });
    EXPECT_TRUE(l.messages.empty()) << l.all();
    EXPECT_EQ(asked, (std::vector<std::string>{"example.com", "example.net"}));
    ASSERT_EQ(l.zones.size(), 2u);
    EXPECT_TRUE(l.zones[0].prebuilt);
    EXPECT_EQ(l.zones[0].stem, "example.com");
    EXPECT_TRUE(l.zones[0].zone.empty());
    EXPECT_EQ(l.zones[0].zone.origin(), N("example.com."));
    EXPECT_EQ(delta_serials(l.zones[0]), (std::vector<uint32_t>{1, 2, 2, 3}));
    EXPECT_FALSE(l.zones[1].prebuilt);
    EXPECT_EQ(l.zones[1].stem, "example.net");
    expect_same_zone(l.zones[1].zone, version(1, "example.net."));
}

TEST(StateDir, ReadOnlyChangesNothing) {
    Fixture f(3);
    f.dir.append_delta(f.origin, delta_stream(3, 4));
    fs::resize_file(f.jnl, f.dir.journal_bytes(f.origin) - 5); // torn
    spit(f.xfr + ".tmp.AbC123", "a write in progress");
    std::string jnl_before = slurp(f.jnl);
    StateDir ro(f.dir.path(), StateDir::Access::read_only);
    EXPECT_TRUE(ro.read_only());
    auto l = load(ro);
    ASSERT_EQ(l.zones.size(), 1u);
    EXPECT_EQ(delta_serials(l.zones[0]), (std::vector<uint32_t>{1, 2, 2, 3}));
    EXPECT_TRUE(l.has("torn tail")) << l.all();
    EXPECT_EQ(slurp(f.jnl), jnl_before);
    EXPECT_TRUE(fs::exists(f.xfr + ".tmp.AbC123"));
    auto code = [](auto&& fn) {
        try {
            fn();
        } catch (const Error& e) {
            return e.code();
        }
        return 0;
    };
    EXPECT_EQ(code([&] { ro.write_zone(f.origin, zone_to_stream(version(1))); }),
              endpointdns::ex_software);
    EXPECT_EQ(code([&] { ro.append_delta(f.origin, delta_stream(3, 4)); }),
              endpointdns::ex_software);
    EXPECT_EQ(code([&] { ro.compact(f.origin, zone_to_stream(version(1)), 1); }),
              endpointdns::ex_software);
    EXPECT_EQ(code([&] { ro.remove(f.origin); }), endpointdns::ex_software);
    EXPECT_EQ(code([&] { StateDir(f.tmp.path() + "/missing", StateDir::Access::read_only); }),
              endpointdns::ex_noinput);
    EXPECT_FALSE(fs::exists(f.tmp.path() + "/missing"));
}

// ---- compaction -------------------------------------------------------------------------------

TEST(StateDir, CompactionKeepsOnlyLaterDeltas) {
    Fixture f(5);
    size_t before = f.dir.journal_bytes(f.origin);
    f.dir.compact(f.origin, zone_to_stream(version(3)), 3);
    EXPECT_LT(f.dir.journal_bytes(f.origin), before);
    EXPECT_EQ(slurp(f.xfr), zone_to_stream(version(3)));
    auto l = load(f.dir);
    EXPECT_TRUE(l.messages.empty()) << l.all();
    ASSERT_EQ(l.zones.size(), 1u);
    EXPECT_EQ(delta_serials(l.zones[0]), (std::vector<uint32_t>{3, 4, 4, 5}));
    expect_same_zone(applied(l.zones[0]), version(5));

    // Compacting at the latest serial leaves an empty journal; appends continue from it.
    f.dir.compact(f.origin, zone_to_stream(version(5)), 5);
    EXPECT_EQ(f.dir.journal_bytes(f.origin), journal::frame_size + 12);
    f.dir.append_delta(f.origin, delta_stream(5, 6));
    l = load(f.dir);
    EXPECT_TRUE(l.messages.empty()) << l.all();
    EXPECT_EQ(delta_serials(l.zones[0]), (std::vector<uint32_t>{5, 6}));
}

TEST(StateDir, CompactionInsideARecordOfSeveralSteps) {
    Fixture f;
    Delta two = diff_zones(version(1), version(2));
    two.steps.push_back(diff_zones(version(2), version(3)).steps[0]);
    f.dir.append_delta(f.origin, delta_stream(two));
    f.dir.append_delta(f.origin, delta_stream(3, 4));
    f.dir.compact(f.origin, zone_to_stream(version(2)), 2);
    auto l = load(f.dir);
    EXPECT_TRUE(l.messages.empty()) << l.all();
    ASSERT_EQ(l.zones.size(), 1u);
    EXPECT_EQ(delta_serials(l.zones[0]), (std::vector<uint32_t>{2, 3, 3, 4}));
    expect_same_zone(applied(l.zones[0]), version(4));
}

TEST(StateDir, CompactionOfAZoneWithoutJournal) {
    Fixture f;
    fs::remove(f.jnl);
    f.dir.compact(f.origin, zone_to_stream(version(2)), 2);
    auto l = load(f.dir);
    EXPECT_TRUE(l.messages.empty()) << l.all();
    ASSERT_EQ(l.zones.size(), 1u);
    expect_same_zone(l.zones[0].zone, version(2));
}

// ---- crashes: each step of a write, interrupted ------------------------------------------------

std::string zone_record(const std::string& stream) {
    return journal::frame(journal::RecordType::zone, journal::encode_id(journal::file_id(stream)));
}
std::string reset_record(const std::string& stream) {
    return journal::frame(journal::RecordType::reset, journal::encode_id(journal::file_id(stream)));
}

TEST(StateDirCrash, CompactionStoppedAfterTheZoneFile) {
    // compact(v3, 3) got as far as renaming the new zone file; the old journal is still there,
    // with its deltas 1->2 and 2->3 stale for the new file.
    Fixture f(5);
    std::string v3 = zone_to_stream(version(3));
    append(f.jnl, zone_record(v3));
    spit(f.xfr, v3);
    auto l = load(f.dir);
    EXPECT_TRUE(l.messages.empty()) << l.all();
    ASSERT_EQ(l.zones.size(), 1u);
    EXPECT_EQ(delta_serials(l.zones[0]), (std::vector<uint32_t>{3, 4, 4, 5}));
    expect_same_zone(applied(l.zones[0]), version(5));
    // The loader finished the compaction: same journal as a compact() that ran to the end.
    std::string repaired = slurp(f.jnl);
    Fixture g(5);
    g.dir.compact(g.origin, v3, 3);
    EXPECT_EQ(repaired, slurp(g.jnl));
}

TEST(StateDirCrash, CompactionStoppedBeforeTheZoneFile) {
    Fixture f(4);
    append(f.jnl, zone_record(zone_to_stream(version(3))));
    auto l = load(f.dir);
    EXPECT_TRUE(l.messages.empty()) << l.all();
    ASSERT_EQ(l.zones.size(), 1u);
    expect_same_zone(applied(l.zones[0]), version(4));
    // Appends after the unused record still count.
    f.dir.append_delta(f.origin, delta_stream(4, 5));
    l = load(f.dir);
    expect_same_zone(applied(l.zones[0]), version(5));
}

TEST(StateDirCrash, WriteZoneStoppedAfterTheZoneFile) {
    // A zone replaced by one whose serial (2) is the start of an old delta (2->3): the old
    // journal must not be applied to it.
    Fixture f(3);
    Zone other = zone_from(soa_line(2) + "@ 3600 IN NS ns9\nns9 3600 IN A 192.0.2.9\n");
    std::string s = zone_to_stream(other);
    append(f.jnl, reset_record(s));
    spit(f.xfr, s);
    auto l = load(f.dir);
    EXPECT_TRUE(l.messages.empty()) << l.all();
    ASSERT_EQ(l.zones.size(), 1u);
    expect_same_zone(l.zones[0].zone, other);
    EXPECT_TRUE(l.zones[0].deltas.empty());
    EXPECT_EQ(slurp(f.jnl), zone_record(s)); // as write_zone would have left it
}

TEST(StateDirCrash, WriteZoneStoppedBeforeTheZoneFile) {
    Fixture f(3);
    append(f.jnl, reset_record(zone_to_stream(version(9))));
    auto l = load(f.dir);
    EXPECT_TRUE(l.messages.empty()) << l.all();
    ASSERT_EQ(l.zones.size(), 1u);
    expect_same_zone(applied(l.zones[0]), version(3));
}

TEST(StateDirCrash, WriteZoneOfANewZoneStoppedBeforeItsJournal) {
    TempDir tmp{"unit-state-dir"};
    StateDir dir(tmp.path());
    spit(tmp.path() + "/example.com.xfr", zone_to_stream(version(2)));
    auto l = load(dir);
    EXPECT_TRUE(l.messages.empty()) << l.all();
    ASSERT_EQ(l.zones.size(), 1u);
}

TEST(StateDirCrash, LeftoversAreRemoved) {
    Fixture f(2);
    spit(f.xfr + ".tmp.AbC123", "half a zone");
    spit(f.jnl + ".tmp.XyZ789", "half a journal");
    spit(f.dir.path() + "/gone.example.jnl", zone_record("x")); // remove() stopped halfway
    spit(f.dir.path() + "/notes.txt", "left alone");
    auto l = load(f.dir);
    ASSERT_EQ(l.zones.size(), 1u);
    EXPECT_EQ(l.messages.size(), 3u) << l.all();
    EXPECT_TRUE(l.has(f.xfr + ".tmp.AbC123: warning: removed")) << l.all();
    EXPECT_FALSE(fs::exists(f.xfr + ".tmp.AbC123"));
    EXPECT_FALSE(fs::exists(f.jnl + ".tmp.XyZ789"));
    EXPECT_FALSE(fs::exists(f.dir.path() + "/gone.example.jnl"));
    EXPECT_TRUE(fs::exists(f.dir.path() + "/notes.txt"));
}

// ---- damage -----------------------------------------------------------------------------------

TEST(StateDirDamage, TornTailIsCutOff) {
    Fixture f(3);
    size_t good = f.dir.journal_bytes(f.origin);
    f.dir.append_delta(f.origin, delta_stream(3, 4));
    fs::resize_file(f.jnl, f.dir.journal_bytes(f.origin) - 5);
    auto l = load(f.dir);
    ASSERT_EQ(l.messages.size(), 1u) << l.all();
    EXPECT_EQ(
        l.messages[0].rfind(f.jnl + ": warning: torn tail at offset " + std::to_string(good), 0),
        0u)
        << l.all();
    ASSERT_EQ(l.zones.size(), 1u);
    EXPECT_EQ(delta_serials(l.zones[0]), (std::vector<uint32_t>{1, 2, 2, 3}));
    EXPECT_EQ(f.dir.journal_bytes(f.origin), good); // repaired
    EXPECT_TRUE(load(f.dir).messages.empty());
    // Appends go on from the repaired end.
    f.dir.append_delta(f.origin, delta_stream(3, 4));
    l = load(f.dir);
    EXPECT_TRUE(l.messages.empty()) << l.all();
    expect_same_zone(applied(l.zones[0]), version(4));
}

TEST(StateDirDamage, ZeroFilledTailIsCutOff) {
    Fixture f(2);
    size_t good = f.dir.journal_bytes(f.origin);
    append(f.jnl, std::string(4096, '\0'));
    auto l = load(f.dir);
    ASSERT_EQ(l.messages.size(), 1u) << l.all();
    EXPECT_TRUE(l.has("warning: torn tail")) << l.all();
    EXPECT_EQ(f.dir.journal_bytes(f.origin), good);
    EXPECT_EQ(delta_serials(l.zones[0]), (std::vector<uint32_t>{1, 2}));
}

TEST(StateDirDamage, BadRecordInTheMiddleKeepsTheGoodPrefix) {
    Fixture f(2);
    size_t second = f.dir.journal_bytes(f.origin);
    f.dir.append_delta(f.origin, delta_stream(2, 3));
    f.dir.append_delta(f.origin, delta_stream(3, 4));
    std::string j = slurp(f.jnl);
    j[second + journal::frame_size + 20] ^= 0x40;
    spit(f.jnl, j);
    auto l = load(f.dir);
    ASSERT_EQ(l.zones.size(), 1u);
    EXPECT_TRUE(
        l.has(f.jnl + ": damaged at offset " + std::to_string(second) + ": checksum mismatch"))
        << l.all();
    EXPECT_FALSE(l.has("warning")) << l.all();
    EXPECT_EQ(delta_serials(l.zones[0]), (std::vector<uint32_t>{1, 2}));
    EXPECT_EQ(slurp(f.jnl + ".damaged"), j); // kept for inspection
    EXPECT_EQ(f.dir.journal_bytes(f.origin), second);
    EXPECT_TRUE(load(f.dir).messages.empty());
    f.dir.remove(f.origin);
    EXPECT_FALSE(fs::exists(f.jnl + ".damaged"));
}

TEST(StateDirDamage, GapStopsTheChain) {
    Fixture f(2);
    append(f.jnl, journal::frame(journal::RecordType::delta, delta_stream(3, 4)));
    append(f.jnl, journal::frame(journal::RecordType::delta, delta_stream(4, 5)));
    auto l = load(f.dir);
    ASSERT_EQ(l.zones.size(), 1u);
    EXPECT_TRUE(l.has("does not continue from 2 (gap)")) << l.all();
    EXPECT_EQ(delta_serials(l.zones[0]), (std::vector<uint32_t>{1, 2}));
    EXPECT_TRUE(load(f.dir).messages.empty());
}

TEST(StateDirDamage, StaleLeadingDeltasAreSkipped) {
    // A journal that names version 2 as its zone file but still holds 1->2 first.
    TempDir tmp{"unit-state-dir"};
    StateDir dir(tmp.path());
    std::string v2 = zone_to_stream(version(2));
    spit(tmp.path() + "/example.com.xfr", v2);
    spit(tmp.path() + "/example.com.jnl",
         zone_record(v2) + journal::frame(journal::RecordType::delta, delta_stream(1, 2)) +
             journal::frame(journal::RecordType::delta, delta_stream(2, 3)));
    auto l = load(dir);
    EXPECT_TRUE(l.messages.empty()) << l.all();
    ASSERT_EQ(l.zones.size(), 1u);
    EXPECT_EQ(delta_serials(l.zones[0]), (std::vector<uint32_t>{2, 3}));
    EXPECT_EQ(slurp(tmp.path() + "/example.com.jnl"),
              zone_record(v2) + journal::frame(journal::RecordType::delta, delta_stream(2, 3)));
}

TEST(StateDirDamage, UnreadableDeltaRecord) {
    Fixture f(2);
    append(f.jnl, journal::frame(journal::RecordType::delta, std::string("\x00\x03"
                                                                         "abc",
                                                                         5)));
    append(f.jnl, journal::frame(journal::RecordType::delta, zone_to_stream(version(3))));
    auto l = load(f.dir);
    ASSERT_EQ(l.zones.size(), 1u);
    EXPECT_TRUE(l.has("unreadable delta")) << l.all();
    EXPECT_EQ(delta_serials(l.zones[0]), (std::vector<uint32_t>{1, 2}));
}

TEST(StateDirDamage, CorruptZoneFileIsSkippedOthersLoad) {
    Fixture f(2);
    f.dir.write_zone(N("example.net."), zone_to_stream(version(3, "example.net.")));
    f.dir.write_zone(N("example.org."), zone_to_stream(version(3, "example.org.")));
    // example.com: a flipped octet in a message header no longer parses.
    std::string x = slurp(f.xfr);
    x[2 + 2] ^= 0x80; // QR off
    spit(f.xfr, x);
    // example.org: a flipped octet in an address still parses; its journal tells.
    std::string org = f.dir.path() + "/example.org.xfr";
    std::string y = slurp(org);
    size_t addr = y.find(std::string("\xc0\x00\x02\x03", 4)); // h3's 192.0.2.3
    ASSERT_NE(addr, std::string::npos);
    y[addr + 3] ^= 0x01;
    spit(org, y);
    auto l = load(f.dir);
    ASSERT_EQ(l.zones.size(), 1u) << l.all();
    EXPECT_EQ(l.zones[0].zone.origin(), N("example.net."));
    ASSERT_EQ(l.messages.size(), 2u) << l.all();
    EXPECT_EQ(l.messages[0].rfind(f.xfr + ": message 1 at offset 0", 0), 0u) << l.all();
    EXPECT_EQ(l.messages[1].rfind(org + ": does not match its journal", 0), 0u) << l.all();
    EXPECT_TRUE(fs::exists(f.jnl)); // evidence kept
}

TEST(StateDirDamage, WrongOrTruncatedZoneFiles) {
    TempDir tmp{"unit-state-dir"};
    StateDir dir(tmp.path());
    std::string v1 = zone_to_stream(version(1));
    spit(tmp.path() + "/other.example.xfr", v1);                    // not its zone
    spit(tmp.path() + "/a.xfr", "");                                // empty
    spit(tmp.path() + "/b.xfr", v1.substr(0, v1.size() / 2));       // cut
    spit(tmp.path() + "/example.com.xfr", v1 + delta_stream(1, 2)); // more than one item
    spit(tmp.path() + "/example.net.xfr", delta_stream(1, 2, "example.net."));
    auto l = load(dir);
    EXPECT_TRUE(l.zones.empty());
    ASSERT_EQ(l.messages.size(), 5u) << l.all();
    EXPECT_TRUE(l.has("other.example.xfr: holds zone example.com.")) << l.all();
    EXPECT_TRUE(l.has("a.xfr: empty file")) << l.all();
    EXPECT_TRUE(l.has("example.com.xfr: more than one")) << l.all();
    EXPECT_TRUE(l.has("example.net.xfr: not a full zone")) << l.all();
}

TEST(StateDirDamage, WriteErrorsNameThePath) {
    Fixture f;
    fs::create_directory(f.dir.path() + "/example.net.xfr");
    try {
        f.dir.write_zone(N("example.net."), zone_to_stream(version(1, "example.net.")));
        FAIL() << "wrote over a directory";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), endpointdns::ex_cantcreat);
        EXPECT_EQ(std::string(e.what()).rfind(
                      "state dir: cannot create " + f.dir.path() + "/example.net.xfr: ", 0),
                  0u)
            << e.what();
    }
}

} // namespace

// ---- write_zones: several zones, a constant number of syncs ----------------------------------

namespace {

// example.com at version 3 (file at 1, deltas to 3), example.net at version 2 (file only),
// example.org absent; the batch: example.com v5, example.net v4, example.org v1.
struct Batch {
    TempDir tmp{"unit-state-dir"};
    std::string path = tmp.path() + "/state";
    StateDir dir{path};
    std::vector<std::pair<dns::Name, Zone>> before, after;
    std::vector<std::string> streams;
    Batch() {
        dir.write_zone(N("example.com."), zone_to_stream(version(1)));
        dir.append_delta(N("example.com."), delta_stream(1, 2));
        dir.append_delta(N("example.com."), delta_stream(2, 3));
        dir.write_zone(N("example.net."), zone_to_stream(version(2, "example.net.")));
        before = {{N("example.com."), version(3)}, {N("example.net."), version(2, "example.net.")}};
        after = {{N("example.com."), version(5)},
                 {N("example.net."), version(4, "example.net.")},
                 {N("example.org."), version(1, "example.org.")}};
        for (const auto& [o, z] : after) streams.push_back(zone_to_stream(z));
    }
    std::vector<StateDir::ZoneWrite> writes() const {
        std::vector<StateDir::ZoneWrite> w;
        for (size_t i = 0; i < after.size(); ++i) w.push_back({after[i].first, streams[i]});
        return w;
    }
    // Every zone of a load of `where` is at its old or its new version (a zone new in the
    // batch may be absent); returns how many are new. Only warnings are allowed.
    static size_t expect_old_or_new(const Batch& b, const std::string& where) {
        StateDir d(where);
        auto l = load(d);
        for (const auto& m : l.messages)
            EXPECT_NE(m.find(": warning: "), std::string::npos) << where << ": " << m;
        size_t fresh = 0;
        for (const auto& z : l.zones) {
            Zone got = applied(z);
            bool found = false;
            for (const auto& [o, v] : b.after)
                if (o == got.origin() && *got.serial() == *v.serial()) {
                    expect_same_zone(got, v);
                    EXPECT_TRUE(z.deltas.empty()) << where;
                    ++fresh;
                    found = true;
                }
            for (const auto& [o, v] : b.before)
                if (o == got.origin() && *got.serial() == *v.serial()) {
                    expect_same_zone(got, v);
                    found = true;
                }
            EXPECT_TRUE(found) << where << ": " << got.origin().to_text() << " at serial "
                               << *got.serial();
        }
        // The zones that existed before are never lost.
        EXPECT_GE(l.zones.size(), b.before.size()) << where << l.all();
        return fresh;
    }
};

// The exit code of the Error that fn throws, 0 when it returns.
template <typename F> int error_code(F fn) {
    try {
        fn();
    } catch (const Error& e) {
        return e.code();
    }
    return 0;
}

std::vector<std::string> listing(const std::string& dir) {
    std::vector<std::string> v;
    for (const auto& e : fs::directory_iterator(dir))
        v.push_back(e.path().filename().string() + ":" + slurp(e.path()));
    std::sort(v.begin(), v.end());
    return v;
}

} // namespace

TEST(StateDirBatch, WriteZonesIsWriteZoneForEachZone) {
    Batch b;
    b.dir.write_zones(b.writes());
    EXPECT_EQ(Batch::expect_old_or_new(b, b.path), 3u);
    // The same files as write_zone one zone at a time.
    Batch c;
    for (const auto& w : c.writes()) c.dir.write_zone(w.origin, w.stream);
    EXPECT_TRUE(listing(b.path) == listing(c.path));
    auto l = load(b.dir);
    EXPECT_TRUE(l.messages.empty()) << l.all();
    ASSERT_EQ(l.zones.size(), 3u);
    // Appends continue from the new files.
    b.dir.append_delta(N("example.com."), delta_stream(5, 6));
    l = load(b.dir);
    expect_same_zone(applied(l.zones[0]), version(6));
}

TEST(StateDirBatch, EmptyBatchAndDuplicateZones) {
    Batch b;
    auto files = listing(b.path);
    b.dir.write_zones({});
    auto w = b.writes();
    w.push_back({N("EXAMPLE.com."), b.streams[0]});
    EXPECT_EQ(error_code([&] { b.dir.write_zones(w); }), endpointdns::ex_software);
    EXPECT_TRUE(listing(b.path) == files) << "the state directory changed";
}

TEST(StateDirBatchCrash, ACrashBeforeAnyStepLoadsEachZoneOldOrNew) {
    // The directory as it is before each step of the batch (leftover temporary files and all)
    // is what a crash there leaves (less unsynced data, which the syncfs step makes durable
    // before anything depends on it).
    Batch b;
    std::vector<std::pair<std::string, std::string>> snapshots; // step, copy
    b.dir.fault_hook = [&](std::string_view step, size_t i) {
        std::string copy = b.tmp.path() + "/crash" + std::to_string(snapshots.size());
        fs::copy(b.path, copy);
        snapshots.emplace_back(std::string(step) + " " + std::to_string(i), copy);
    };
    b.dir.write_zones(b.writes());
    // append x3, temp x3, sync, rename-xfr x3, sync-dir-xfr, rename-jnl x3, sync-dir-jnl
    ASSERT_EQ(snapshots.size(), 15u);
    for (size_t k = 0; k < snapshots.size(); ++k) {
        SCOPED_TRACE(snapshots[k].first);
        size_t fresh = Batch::expect_old_or_new(b, snapshots[k].second);
        if (k <= 7) EXPECT_EQ(fresh, 0u); // no zone file renamed in yet
        if (k >= 10) EXPECT_EQ(fresh, 3u);
        // A second load finds nothing left to repair.
        StateDir again(snapshots[k].second);
        auto l = load(again);
        EXPECT_TRUE(l.messages.empty()) << l.all();
    }
}

TEST(StateDirBatchCrash, AFailureAtAnyStepLeavesEachZoneOldOrNew) {
    for (size_t stop = 0; stop < 15; ++stop) {
        SCOPED_TRACE("failure before step " + std::to_string(stop));
        Batch b;
        size_t n = 0;
        b.dir.fault_hook = [&](std::string_view step, size_t) {
            if (n++ == stop)
                throw Error(endpointdns::ex_ioerr, "injected before " + std::string(step));
        };
        EXPECT_EQ(error_code([&] { b.dir.write_zones(b.writes()); }), endpointdns::ex_ioerr);
        for (const auto& e : fs::directory_iterator(b.path))
            EXPECT_EQ(e.path().string().find(".tmp."), std::string::npos) << e.path();
        size_t fresh = Batch::expect_old_or_new(b, b.path);
        if (stop <= 7) EXPECT_EQ(fresh, 0u);
        // The retry the caller makes.
        b.dir.fault_hook = nullptr;
        b.dir.write_zones(b.writes());
        EXPECT_EQ(Batch::expect_old_or_new(b, b.path), 3u);
    }
}

TEST(StateDirBatch, AZoneFileThatCannotBeCreatedFailsTheBatchBeforeAnyRename) {
    Batch b;
    fs::create_directory(b.path + "/example.org.xfr");
    try {
        b.dir.write_zones(b.writes());
        FAIL() << "wrote over a directory";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), endpointdns::ex_cantcreat);
        EXPECT_EQ(std::string(e.what()).rfind(
                      "state dir: cannot create " + b.path + "/example.org.xfr: ", 0),
                  0u)
            << e.what();
    }
    fs::remove(b.path + "/example.org.xfr");
    EXPECT_EQ(Batch::expect_old_or_new(b, b.path), 0u);
}
