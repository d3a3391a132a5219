// SPDX-License-Identifier: MIT
// zone-sync's work on one edge: compare its zones with the database, send what differs, delete
// what the database no longer has, and record what the edge acknowledged (server_zones).
#pragma once

#include "settings.hpp"
#include "store/servers.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace endpointdns::zonesync {

enum class Action { add, update, remove };
const char* action_name(Action a); // "add", "update", "delete"

// One zone on which the edge and the database differ.
struct ZoneDiff {
    std::string zone; // presentation form with the trailing dot, as the edge names it
    Action action = Action::add;
    std::optional<uint32_t> edge_serial; // none: the edge lacks the zone
    std::optional<uint32_t> serial;      // the database's; none: the database lacks it
    std::string reason;                  // why an update at the same serial ("" mostly)
    // The outcome (not in a dry run).
    bool sent = false; // a request for it was made
    bool ok = false;   // the edge acknowledged it
    long status = 0;   // the edge's HTTP status for it; 0 without one
    std::string error; // empty when ok
};

struct ServerReport {
    std::string server, url;
    std::vector<ZoneDiff> zones; // in zone name order
    uint64_t in_sync = 0;        // zones the edge holds at the database's serial
    double time = 0;             // seconds
    int exit = 0;                // 0, 1 (a dry run found a difference), 69, 76, 77, 78 ...
    std::string error;           // why the server failed as a whole; "" otherwise
    size_t count(Action a, bool done) const; // zones with this action (that succeeded)
};

struct Options {
    bool dry_run = false;
    double timeout = 120, connect_timeout = 5, backoff = 0.5;
    int retries = 2;
    size_t chunk_size = 8u << 20;
};

// Syncs one edge, or with dry_run only compares. Never throws: failures end up in the report
// (exit and error), database failures included.
ServerReport sync_server(store::Pool& pool, const store::Server& server, const Options& options);

} // namespace endpointdns::zonesync
