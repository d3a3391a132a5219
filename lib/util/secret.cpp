// SPDX-License-Identifier: MIT
// Secrets kept in files (API keys, passwords): read, trimmed, checked for length.
#include "util/secret.hpp"

#include "error.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace endpointdns::util {

std::string read_secret(const std::string& path, size_t min_length, const std::string& what) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw Error(ex_config,
                    "cannot read the " + what + ": " + path + ": " + std::strerror(errno));
    std::ostringstream os;
    os << in.rdbuf();
    std::string k = os.str();
    auto first = k.find_first_not_of(" \t\r\n");
    if (first == std::string::npos) throw Error(ex_config, path + ": the " + what + " is empty");
    auto last = k.find_last_not_of(" \t\r\n");
    k = k.substr(first, last - first + 1);
    if (k.size() < min_length)
        throw Error(ex_config, path + ": the secret in the " + what + " is shorter than " +
                                   std::to_string(min_length) + " characters");
    return k;
}

} // namespace endpointdns::util
