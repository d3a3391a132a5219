// SPDX-License-Identifier: MIT
// The project's one exception family: an error message plus the sysexits code main() returns.
#pragma once

#include <stdexcept>
#include <string>

namespace endpointdns {

// sysexits(3) codes used by every program.
enum Exit : int {
    ex_ok = 0,
    ex_usage = 64,
    ex_dataerr = 65,
    ex_noinput = 66,
    ex_unavailable = 69,
    ex_software = 70,
    ex_oserr = 71,
    ex_cantcreat = 73,
    ex_ioerr = 74,
    ex_tempfail = 75,
    ex_protocol = 76,
    ex_noperm = 77,
    ex_config = 78,
};

// Thrown by library code for failures the caller cannot handle locally; caught only in main().
// The message says what was attempted and why it failed.
class Error : public std::runtime_error {
public:
    Error(int exit_code, const std::string& what) : std::runtime_error(what), code_(exit_code) {}
    int code() const noexcept { return code_; }

private:
    int code_;
};

} // namespace endpointdns
