// SPDX-License-Identifier: MIT
// Secrets kept in files (API keys, passwords): read, trimmed, checked for length.
#pragma once

#include <cstddef>
#include <string>

namespace endpointdns::util {

// The file's content (`what` names it in messages: "key file", "password file") without surrounding
// whitespace. Throws Error(ex_config) naming the file when it cannot be read, is empty, or is
// shorter than min_length characters.
std::string read_secret(const std::string& path, size_t min_length = 1,
                        const std::string& what = "key file");

} // namespace endpointdns::util
