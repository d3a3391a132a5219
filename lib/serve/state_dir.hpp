// SPDX-License-Identifier: MIT
// The edge's state directory: one zone-stream file per zone plus a journal of deltas.
#pragma once

#include "dns/name.hpp"
#include "zone/stream.hpp"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace endpointdns::serve {

using dns::Name;

namespace journal {
struct FileId;
}

// Layout (docs/dns-serve-state.md): for each zone, `<stem>.xfr` holds its AXFR stream and
// `<stem>.jnl` a journal: framed, checksummed records naming the zone file they continue,
// then the IXFR streams of the deltas applied since, appended in order.
// Every write is crash-safe: zone files go through a temporary file, fsync and rename (and an
// fsync of the directory); a journal append is fdatasync'ed before it returns. After a crash
// at any point, load() gives the state before the interrupted call or the state after it.
// Methods throw Error(ex_ioerr / ex_cantcreat) on I/O failures, with messages
// "state dir: cannot <do> <path>: <why>". After write_zone or compact throws, the zone's files
// hold the old or the new state (both loadable); the caller should retry with write_zone.
// Calls for one zone must not run concurrently; calls for different zones may.
class StateDir {
public:
    // read_write creates the directory (0700, and missing parents) and lets load() repair
    // files; read_only (dns-serve --query beside a running server) needs the directory, never
    // changes a file, and refuses every write with Error(ex_software).
    enum class Access { read_write, read_only };
    explicit StateDir(std::string dir, Access access = Access::read_write);
    const std::string& path() const { return dir_; }
    bool read_only() const { return access_ == Access::read_only; }

    struct Loaded {
        zone::Zone zone;                 // from the .xfr file, normalized
        std::vector<zone::Delta> deltas; // journal entries that continue from its serial, in order
        std::string file;                // the .xfr path, for messages
        std::string stem;                // file_stem(origin)
        bool prebuilt = false;           // `prebuilt` vouched for the file: zone is empty
    };
    // Optional shortcut for zones the caller can restore without parsing (an index image):
    // given a stem and its .xfr path, the origin and serial of that exact file, or nullopt to
    // have the file parsed. The file is still read once to match it to its journal.
    // The file's size and CRC-32C (`crc`) come along, so the caller need not read it again.
    using Prebuilt = std::function<std::optional<std::pair<Name, uint32_t>>(
        const std::string& stem, const std::string& xfr, uint32_t crc)>;
    // Reads every zone, in file-name order. Problems go to on_error as one line each:
    // "path: why" for errors (the zone file or part of the journal is not used) and
    // "path: warning: why" for repairs that lose nothing acknowledged (a torn journal tail
    // from a crash during an append is cut off; leftovers of an interrupted write are
    // removed; read_only reports and repairs nothing of these). A damaged zone file is skipped; it
    // never stops the other zones. Applying the deltas is the caller's job; when one fails, write
    // the zone as it then is (write_zone), so the journal continues from the zone actually served.
    void load(const std::function<void(Loaded&&)>& on_zone,
              const std::function<void(const std::string&)>& on_error,
              const Prebuilt& prebuilt = {}) const;

    // Replaces the zone's file with `stream` (its AXFR stream, exactly one full zone of
    // `origin`; not parsed again) and starts an empty journal for it.
    void write_zone(const Name& origin, std::string_view stream);
    // write_zone for several zones at once, with a constant number of syncs for the batch
    // instead of five per zone: every old journal gets its reset record and every new zone
    // file and journal is written to a temporary file, all unsynced; then one syncfs(2) of
    // the directory's file system makes all of it durable; then every zone file is renamed in
    // and the directory fsynced, then every journal, and the directory fsynced again. Each
    // zone goes through the steps of write_zone in the same order, so a crash at any point
    // loads every zone of the batch at its old or its new version. The zones must differ
    // (Error(ex_software) otherwise). After it throws, each zone is at its old or its new
    // version, as after a write_zone that threw; the caller should retry.
    struct ZoneWrite {
        Name origin;
        std::string_view stream; // as for write_zone
    };
    void write_zones(const std::vector<ZoneWrite>& batch);
    // Tests only: called before each step of write_zones with its name ("append", "temp",
    // "sync", "rename-xfr", "sync-dir-xfr", "rename-jnl", "sync-dir-jnl") and the index of
    // the zone (0 for the steps of the whole batch); what it throws stops the batch there.
    std::function<void(std::string_view step, size_t index)> fault_hook;
    // Appends one record (an IXFR stream: one or more deltas of `origin`) to the zone's
    // journal, durable on return. Throws Error(ex_dataerr) when `stream` is not such a stream,
    // Error(ex_cantcreat) when the zone has no file.
    void append_delta(const Name& origin, std::string_view stream);
    // Rewrites the zone file as `stream` (the zone at `serial`) and keeps only the journal
    // records from the one holding the step that starts at `serial` (none when no step starts
    // there). Safe against a crash at any point.
    void compact(const Name& origin, std::string_view stream, uint32_t serial);
    // Removes the zone's files; no error when absent.
    void remove(const Name& origin);
    size_t zone_bytes(const Name& origin) const;    // 0 when absent
    size_t journal_bytes(const Name& origin) const; // 0 when absent

    // The file name stem used for a zone: lower-case presentation form without the final dot,
    // every octet but [a-z0-9_-] percent-encoded (%2E, %2F, ...) except the dots between
    // labels; the root zone is "@root"; stems longer than 200 characters are cut to 183 and
    // end in "~" and 16 hex digits of a hash of the whole stem.
    static std::string file_stem(const Name& origin);

private:
    std::string file(const Name& origin, const char* suffix) const;
    void load_one(const std::string& stem, const std::function<void(Loaded&&)>& on_zone,
                  const std::function<void(const std::string&)>& on_error,
                  const Prebuilt& prebuilt) const;
    void finish_load(Loaded&& out, journal::FileId id, uint32_t serial, const std::string& jnl,
                     const std::function<void(Loaded&&)>& on_zone,
                     const std::function<void(const std::string&)>& on_error) const;
    void check_writable() const;
    std::string dir_;
    Access access_;
};

// The journal format, as pure functions over bytes (the loader and the fuzz target use them).
// A journal is a sequence of records, each [magic "EDJ" + type][payload length, 4 octets]
// [CRC-32C of the first 8 octets and the payload, 4 octets][payload]; integers big-endian.
namespace journal {

enum class RecordType : uint8_t {
    zone = 'Z',  // payload: FileId of a zone file that is a state of this journal's history
    reset = 'R', // payload: FileId of a zone file that replaces the history: no deltas apply
    delta = 'D', // payload: an IXFR stream, one or more deltas
};
constexpr size_t frame_size = 12;
constexpr size_t max_payload = size_t(1) << 31;

// CRC-32C (Castagnoli), continuing from `crc` (0 to start). Uses SSE4.2 when the CPU has it.
uint32_t crc32c(std::string_view data, uint32_t crc = 0);
uint32_t crc32c_portable(std::string_view data, uint32_t crc = 0); // table-driven

// What identifies a zone file's content: its size and CRC-32C.
struct FileId {
    uint64_t size = 0;
    uint32_t crc = 0;
    bool operator==(const FileId&) const = default;
};
FileId file_id(std::string_view bytes);
std::string encode_id(FileId id); // the 12-octet payload of zone and reset records

std::string frame(RecordType type, std::string_view payload);

struct Record {
    RecordType type = RecordType::delta;
    size_t offset = 0; // of the frame in the journal
    std::string_view payload;
    size_t end() const { return offset + frame_size + payload.size(); }
};

// Splits journal bytes into records. Stops at the first bad record: when nothing but that
// record's prefix (or zero fill) follows, the tail is torn (a crash during an append);
// otherwise the journal is damaged. good_bytes is where the good prefix ends.
struct Scan {
    enum class End { clean, torn, damaged };
    std::vector<Record> records;
    size_t good_bytes = 0;
    End end = End::clean;
    std::string problem; // "offset N: why" unless clean
};
Scan scan(std::string_view bytes);

// What a journal says about one zone file (origin, content id, serial).
struct Replay {
    enum class Base {
        none,     // no zone or reset record: the journal is not used
        zone,     // a zone record matches: its history's deltas apply from the serial
        reset,    // a reset record matches: no deltas apply
        mismatch, // zone records exist, none matches: the zone file is damaged or foreign
    };
    Base base = Base::none;
    std::vector<zone::Delta> deltas; // the chain from the serial (leading steps trimmed)
    std::vector<size_t> used;        // indexes in scan.records of the delta records used
    Scan scan;
    std::vector<std::string> errors;   // damage, a gap, an unreadable record
    std::vector<std::string> warnings; // a torn tail
    bool rewrite = false; // the file should become: zone record of the file + used records
};
Replay replay(std::string_view bytes, const Name& origin, FileId file, uint32_t serial);

} // namespace journal

} // namespace endpointdns::serve
