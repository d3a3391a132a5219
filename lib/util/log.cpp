// SPDX-License-Identifier: MIT
// Logging: one line per event on stderr, with <N> syslog priority prefixes under journald.
#include "util/log.hpp"

#include <cstdlib>
#include <mutex>
#include <string>
#include <unistd.h>

namespace endpointdns::log {

namespace {
std::string program_name = "endpointdns";
bool journald = false;
std::mutex mu;
} // namespace

void init(std::string_view program) {
    program_name = std::string(program);
    const char* js = std::getenv("JOURNAL_STREAM");
    journald = js != nullptr && *js != '\0';
}

void write(int priority, std::string_view message) {
    std::string line;
    if (journald) {
        line = {'<', char('0' + (priority & 7)), '>'};
    } else {
        line = program_name + ": ";
    }
    for (char c : message) {
        line.push_back(c == '\n' || c == '\r' ? ' ' : c);
    }
    line.push_back('\n');
    std::lock_guard lock(mu);
    size_t off = 0;
    while (off < line.size()) {
        ssize_t n = ::write(2, line.data() + off, line.size() - off);
        if (n <= 0) {
            return; // stderr is gone; nothing better to do with a log line
        }
        off += size_t(n);
    }
}

} // namespace endpointdns::log
