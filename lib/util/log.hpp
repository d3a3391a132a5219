// SPDX-License-Identifier: MIT
// Logging: one line per event on stderr, with <N> syslog priority prefixes under journald.
#pragma once

#include <string_view>
#include <syslog.h>

namespace endpointdns::log {

// Sets the program name that starts each line ("dns-serve: ...") when not under journald.
void init(std::string_view program);
// Writes one line; newlines inside the message are replaced so an event stays one line.
// Under journald (JOURNAL_STREAM set) the line is "<priority>message" (sd-daemon(3)).
void write(int priority, std::string_view message);
inline void error(std::string_view m) {
    write(LOG_ERR, m);
}
inline void warning(std::string_view m) {
    write(LOG_WARNING, m);
}
inline void info(std::string_view m) {
    write(LOG_INFO, m);
}

} // namespace endpointdns::log
