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
