// SPDX-License-Identifier: MIT
// Shared by the fuzz targets: REQUIRE(cond) reports the broken property and traps.
#pragma once

#include <cstdio>
#include <string>

namespace endpointdns::fuzz {

[[noreturn]] inline void die(const char* what) {
    std::fprintf(stderr, "fuzz: property violated: %s\n", what);
    __builtin_trap();
}

[[noreturn]] inline void die(const std::string& what) {
    die(what.c_str());
}

} // namespace endpointdns::fuzz

#define REQUIRE(cond)                                                                              \
    do {                                                                                           \
        if (!(cond)) ::endpointdns::fuzz::die(#cond);                                              \
    } while (0)
