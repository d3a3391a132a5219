// SPDX-License-Identifier: MIT
// zone-sync configuration: [database] (as dnsapid's) and [push], checked strictly (exit 78).
#pragma once

#include "store/db.hpp"

#include <cstddef>
#include <string>

namespace endpointdns::zonesync {

struct Settings {
    store::Options database;
    double timeout = 120;         // seconds per request attempt
    double connect_timeout = 5;   // seconds to connect, per attempt
    int retries = 2;              // attempts after the first (5xx, no answer)
    double backoff = 0.5;         // seconds before the first retry, doubling
    size_t chunk_size = 8u << 20; // octets of zone stream per POST /v1/zones
    unsigned parallel = 4;        // edges synced at the same time
    std::string path;             // the file read, or the default that did not exist
    bool found = false;
};

// Reads path (a missing file is an error only when explicit) and the database password file
// it names, or db_password_file instead when not empty (--db-password-file). Unknown keys,
// wrong types, values out of range: Error(ex_config) with "file:line:col: message".
Settings load_settings(const std::string& path, bool explicit_path,
                       const std::string& db_password_file = {});

} // namespace endpointdns::zonesync
