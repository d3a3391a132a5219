// SPDX-License-Identifier: MIT
// Loading zone-sync.toml through lib/config: [database] as every program reads it, [push].
#include "settings.hpp"

#include "config/config.hpp"

#include <sys/stat.h>

namespace endpointdns::zonesync {

Settings load_settings(const std::string& path, bool explicit_path,
                       const std::string& db_password_file) {
    auto f = config::File::load(path, !explicit_path);
    std::vector<std::string> keys = store::config_keys("database");
    for (const char* k : {"push.timeout", "push.connect_timeout", "push.retries", "push.backoff",
                          "push.chunk_size", "push.parallel"})
        keys.push_back(k);
    f.check_keys(keys);
    Settings s;
    s.path = path;
    struct stat st {};
    s.found = ::stat(path.c_str(), &st) == 0;
    s.database = store::options_from_config(f, "database", db_password_file);
    if (auto v = f.number("push.timeout", 0.001, 86400)) s.timeout = *v;
    if (auto v = f.number("push.connect_timeout", 0.001, 86400)) s.connect_timeout = *v;
    if (auto v = f.integer("push.retries", 0, 100)) s.retries = int(*v);
    if (auto v = f.number("push.backoff", 0, 3600)) s.backoff = *v;
    if (auto v = f.integer("push.chunk_size", 65536, int64_t(1) << 34)) s.chunk_size = size_t(*v);
    if (auto v = f.integer("push.parallel", 1, 256)) s.parallel = unsigned(*v);
    return s;
}

} // namespace endpointdns::zonesync
