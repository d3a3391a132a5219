// SPDX-License-Identifier: MIT
// zone-push configuration: [push] defaults and the [[server]] list, checked strictly (exit 78).
#pragma once

#include <string>
#include <vector>

namespace endpointdns::push {

struct ConfiguredServer {
    std::string name;
    std::string url;
    std::string key_file;
    std::string where; // "file:line:col" of its key_file, for errors found later
};

struct Settings {
    double timeout = 30;        // seconds per attempt
    double connect_timeout = 5; // seconds to connect, per attempt
    int retries = 2;            // attempts after the first
    double backoff = 0.5;       // seconds before the first retry, doubling
    std::vector<ConfiguredServer> servers;
    std::string path; // the file read, or the default path that did not exist
    bool found = false;
};

// Reads path; a missing file is an error only when explicit. Unknown keys, wrong types, bad
// values, duplicate server names: Error(ex_config) with "file:line:col: message".
Settings load_settings(const std::string& path, bool explicit_path);

// The content of a key file with surrounding whitespace removed. Throws Error(code) naming the
// file (and `where`, when given) if it cannot be read or is empty.
std::string read_key(const std::string& path, int code, const std::string& where = {});

// True for "http://..." and "https://..." URLs with a host part and no query or fragment.
bool valid_base_url(const std::string& url);

} // namespace endpointdns::push
