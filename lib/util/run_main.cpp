// SPDX-License-Identifier: MIT
// The body of every program's main(): errors become "program: message" and their exit code.
#include "util/run_main.hpp"

#include "error.hpp"

#include <exception>
#include <iostream>

namespace endpointdns::util {

int run_main(const char* program, int argc, char** argv, int (*run)(int, char**)) {
    try {
        return run(argc, argv);
    } catch (const Error& e) {
        std::cerr << program << ": " << e.what() << '\n';
        return e.code();
    } catch (const std::exception& e) {
        std::cerr << program << ": internal error: " << e.what() << '\n';
        return ex_software;
    }
}

} // namespace endpointdns::util
