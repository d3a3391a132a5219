// SPDX-License-Identifier: MIT
// Command-line parsing shared by every program: CLI11's outcomes mapped to exit codes.
#pragma once

#include "error.hpp"

#include <CLI/CLI.hpp>

#include <optional>

namespace endpointdns::util {

// Parses argv into app. nullopt: go on. Otherwise the program returns the value: 0 after
// --help or --version (printed by CLI11), ex_usage (64) after a usage error (printed too).
inline std::optional<int> parse_command_line(CLI::App& app, int argc, char** argv) {
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        int rc = app.exit(e);
        return rc == 0 ? 0 : int(ex_usage);
    }
    return std::nullopt;
}

} // namespace endpointdns::util
