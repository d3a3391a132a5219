// SPDX-License-Identifier: MIT
// Unit tests of lib/config: typed accessors and their file:line:col errors (number for now).
#include "config/config.hpp"

#include "error.hpp"

#include <gtest/gtest.h>

#include <string>

using endpointdns::Error;
using endpointdns::config::File;

namespace {

// The exit code and message of the Error fn throws; (0, "") when none.
template <class F> std::pair<int, std::string> error_of(F&& fn) {
    try {
        fn();
    } catch (const Error& e) {
        return {e.code(), e.what()};
    }
    return {0, ""};
}

} // namespace

TEST(ConfigNumber, TakesIntegersAndFloatsWithinTheRange) {
    File f = File::parse("[push]\ntimeout = 30\nbackoff = 0.25\nbig = 1e3\n", "t.toml");
    EXPECT_EQ(f.number("push.timeout", 0.001, 86400), 30.0);
    EXPECT_EQ(f.number("push.backoff", 0, 3600), 0.25);
    EXPECT_EQ(f.number("push.big", 0, 1000), 1000.0);
    EXPECT_FALSE(f.number("push.missing", 0, 1).has_value());
    EXPECT_FALSE(f.number("other.timeout", 0, 1).has_value());
}

TEST(ConfigNumber, WrongTypeOrOutOfRangeIsAConfigurationErrorWithItsPosition) {
    File f =
        File::parse("[push]\ntimeout = \"30\"\nbackoff = -1\nnan = nan\nflag = true\n", "t.toml");
    auto [code, what] = error_of([&] { f.number("push.timeout", 0, 10); });
    EXPECT_EQ(code, endpointdns::ex_config);
    EXPECT_EQ(what, "t.toml:2:11: push.timeout must be a number");
    std::tie(code, what) = error_of([&] { f.number("push.backoff", 0, 3600); });
    EXPECT_EQ(code, endpointdns::ex_config);
    EXPECT_EQ(what, "t.toml:3:11: push.backoff must be between 0 and 3600");
    std::tie(code, what) = error_of([&] { f.number("push.nan", 0, 1); });
    EXPECT_EQ(code, endpointdns::ex_config) << "NaN is never within a range";
    std::tie(code, what) = error_of([&] { f.number("push.flag", 0, 1); });
    EXPECT_EQ(what, "t.toml:5:8: push.flag must be a number");
}

TEST(ConfigTables, EntriesOfAnArrayOfTablesWithTheirOwnNames) {
    File f = File::parse("[transfer]\nallow = []\n[[transfer.zone]]\nname = \"a.\"\n"
                         "[[transfer.zone]]\nname = 7\nextra = 1\n",
                         "t.toml");
    f.check_keys({"transfer.allow", "transfer.zone"});
    auto entries = f.tables("transfer.zone");
    ASSERT_EQ(entries.size(), 2u);
    EXPECT_EQ(entries[0].string("name"), "a.");
    EXPECT_EQ(entries[0].where(), "t.toml:3:1");
    EXPECT_EQ(entries[0].where("name"), "t.toml:4:8");
    EXPECT_EQ(entries[1].shown("name"), "transfer.zone[2].name");
    auto [code, what] = error_of([&] { entries[1].string("name"); });
    EXPECT_EQ(code, endpointdns::ex_config);
    EXPECT_EQ(what, "t.toml:6:8: transfer.zone[2].name must be a string");
    std::tie(code, what) = error_of([&] { entries[1].check_keys({"name"}); });
    EXPECT_EQ(what, "t.toml:7:1: unknown key 'extra' in [[transfer.zone]]");
    EXPECT_TRUE(f.tables("transfer.none").empty());
    std::tie(code, what) = error_of([&] { f.tables("transfer.allow"); });
    EXPECT_EQ(what, "t.toml:2:9: transfer.allow must be an array of tables ([[transfer.allow]])");
    // A table where an array of tables is expected: [transfer.zone] instead of [[...]].
    File g = File::parse("[transfer.zone]\nname = \"a.\"\n", "t.toml");
    std::tie(code, what) = error_of([&] { g.tables("transfer.zone"); });
    EXPECT_EQ(code, endpointdns::ex_config);
}
