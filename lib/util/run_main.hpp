// SPDX-License-Identifier: MIT
// The body of every program's main(): errors become "program: message" and their exit code.
#pragma once

namespace endpointdns::util {

// Calls run(argc, argv) and returns its status. An Error it throws is printed on stderr as
// "program: what" and its exit code returned; any other exception is an internal error (70).
int run_main(const char* program, int argc, char** argv, int (*run)(int, char**));

} // namespace endpointdns::util
