// SPDX-License-Identifier: MIT
// dnsapid.toml: listen address, admin key, database, the zone defaults (name servers, SOA, TTLs),
// fan-out.
#pragma once

#include "auth/password.hpp"
#include "fanout.hpp"
#include "http/forwarded.hpp"
#include "http/server.hpp"
#include "store/db.hpp"
#include "store/zones.hpp"

#include <string>
#include <vector>

namespace endpointdns::api {

struct ZoneDefaults {
    std::vector<std::string> nameservers = {"ns1.endpointdns.test", "ns2.endpointdns.test"};
    // False when the configuration names none: new domains then get the ns_name of every
    // active server of the registry (the defaults above when no server has one).
    bool nameservers_set = false;
    store::Soa soa{"", "hostmaster.endpointdns.test"}; // mname: the first name server
    uint32_t ns_ttl = 3600;
    uint32_t min_ttl = 60;      // the smallest TTL a record may have
    uint32_t acme_min_ttl = 30; // the same for _acme-challenge names
    uint32_t max_ttl = 604800;  // one week
    size_t max_records_per_rrset = 1000;
    size_t max_batch = 1000; // items in one PATCH
};

// [sessions]: logins with email and password, and the sessions they make.
struct SessionSettings {
    unsigned ttl = 43200;                       // seconds a session lives (12 h)
    unsigned idle_timeout = 0;                  // seconds unused after which it ends; 0: never
    unsigned max_failures = 5;                  // failed logins per email ...
    unsigned max_address_failures = 20;         // ... and per client address ...
    unsigned failure_window = 900;              // ... in this many seconds; then 429
    std::vector<http::Network> trusted_proxies; // whose X-Forwarded-For is believed
    auth::PasswordCost password;                // Argon2id cost of new hashes
};

// [signup]: POST /v1/signup, off unless enabled.
struct SignupSettings {
    bool enabled = false;
    std::string plan = "free"; // the plan of the accounts it creates
};

// [update]: DNS UPDATE (RFC 2136) with TSIG, over UDP; off while listen is empty.
struct UpdateSettings {
    std::string listen;
};

struct Settings {
    http::ServerOptions http;
    std::string admin_key_file = "/etc/endpointdns/dnsapid-admin.key";
    store::Options database;
    ZoneDefaults zones;
    unsigned usage_flush_ms = 1000; // how often the in-memory API call counts go to the database
    FanoutSettings fanout;
    SessionSettings sessions;
    SignupSettings signup;
    UpdateSettings update;
};

// Reads the TOML file (a missing file is fine unless it was named explicitly). A non-empty
// db_password_file replaces database.password_file (--db-password-file). Throws
// Error(ex_config) with file:line:col for unknown keys, wrong types and bad values.
Settings load_settings(const std::string& path, bool explicit_path,
                       const std::string& db_password_file = {});

} // namespace endpointdns::api
