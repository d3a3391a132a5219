// SPDX-License-Identifier: MIT
// The edge's state directory: one zone-stream file per zone plus a journal of deltas.
#pragma once

#include "dns/name.hpp"
#include "zone/stream.hpp"

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace endpointdns::serve {

// Layout (docs/dns-serve-state.md): for each zone, `<file-name>.xfr` holds its AXFR stream
// and `<file-name>.jnl` the IXFR streams of the deltas applied since, appended in order.
// Every write is crash-safe: zone files go through a temporary file, fsync and rename (and an
// fsync of the directory); a journal append is fdatasync'ed before it returns. Methods throw
// Error(ex_ioerr / ex_cantcreat) on I/O failures; nothing half-written is ever loaded.
class StateDir {
public:
    explicit StateDir(std::string dir); // creates the directory (0700) when missing
    const std::string& path() const { return dir_; }

    struct Loaded {
        zone::Zone zone;                 // from the .xfr file, normalized
        std::vector<zone::Delta> deltas; // journal entries that continue from its serial, in order
        std::string file;                // the .xfr path, for messages
    };
    // Reads every zone. A damaged zone file is reported through on_error ("path: why") and
    // skipped; a journal whose tail is torn (crash during an append) is cut back to its last
    // complete delta and reported as a warning.
    void load(const std::function<void(Loaded&&)>& on_zone,
              const std::function<void(const std::string&)>& on_error) const;

    // Replaces the zone's file with `stream` (its AXFR stream) and empties its journal.
    void write_zone(const Name& origin, std::string_view stream);
    // Appends one delta (its IXFR stream) to the zone's journal, durable on return.
    void append_delta(const Name& origin, std::string_view stream);
    // Rewrites the zone file as `stream` (the zone at `serial`) and keeps only the journal
    // deltas that start at or after `serial`. Safe against a crash at any point.
    void compact(const Name& origin, std::string_view stream, uint32_t serial);
    // Removes the zone's files; no error when absent.
    void remove(const Name& origin);
    size_t zone_bytes(const Name& origin) const;
    size_t journal_bytes(const Name& origin) const;

    // The file name stem used for a zone (lower case, safe for any label content).
    static std::string file_stem(const Name& origin);

private:
    std::string dir_;
};

} // namespace endpointdns::serve
