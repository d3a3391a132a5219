// SPDX-License-Identifier: MIT
// The edge's write side: validates pushes, makes them durable, then publishes the new snapshot.
#pragma once

#include "serve/snapshot.hpp"
#include "serve/state_dir.hpp"
#include "zone/check.hpp"

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <unordered_map>

namespace endpointdns::serve {

// The answer to one write, as the management API reports it (docs/management-api.md).
struct Outcome {
    int status = 200; // 200, 400, 404, 409, 500
    std::string name; // the zone, presentation form, lower case
    uint32_t serial = 0;
    size_t records = 0;
    std::string error;
};

struct StoreCounters {
    std::atomic<uint64_t> puts{0}, patches{0}, deletes{0}, rejected{0}, failed{0}, compactions{0},
        images_written{0}, images_loaded{0};
};

// Writers are serialized; every write is on disk (fsynced) before the new zone set is
// published to the DNS workers, and published before the call returns. A failure leaves both
// disk and memory at the previous version.
class Store {
public:
    using Log = std::function<void(int priority, const std::string& message)>;
    Store(StateDir& dir, Published& published, zone::Limits limits, Log log);
    ~Store();

    // Loads every persisted zone (and replays its journal) and publishes them. Damaged files
    // are logged and skipped. Returns the number of zones loaded.
    size_t load();

    Outcome put_zone(zone::Zone&& z);
    Outcome patch_zone(const zone::Delta& delta);
    Outcome remove_zone(const Name& origin);
    // POST /v1/zones: each item on its own, in order.
    std::vector<Outcome> apply(std::vector<zone::StreamItem>&& items);
    // PUT /v1/zones: the whole zone set, all or nothing in memory. `removed` lists the zones
    // that were dropped.
    Outcome replace_all(std::vector<zone::StreamItem>&& items, std::vector<std::string>& removed);

    // The zone as its AXFR stream, or nullopt when the edge does not hold it.
    std::optional<std::string> export_zone(const Name& origin) const;

    const StoreCounters& counters() const { return counters_; }
    // Waits until background compactions queued so far are done (tests, shutdown).
    void drain();

private:
    Outcome check_and_build(zone::Zone& z, std::shared_ptr<const ServeZone>& built);
    Outcome put_locked(zone::Zone&& z);
    // Full zones checked and built, waiting to be written together (StateDir::write_zones).
    struct Pending {
        std::shared_ptr<const ServeZone> built;
        Name origin;
        std::string stream;
        size_t index; // in the outcomes of the request
    };
    // Writes `batch` at once and publishes it; when the write fails, every item of it gets
    // 500 and nothing of it is published. Empties `batch`.
    void flush_locked(std::vector<Pending>& batch, std::vector<Outcome>& out);
    Outcome patch_locked(const zone::Delta& delta);
    void maybe_compact(const std::shared_ptr<const ServeZone>& z);
    void compactor();

    StateDir& dir_;
    Published& published_;
    zone::Limits limits_;
    Log log_;
    std::mutex write_mu_;
    StoreCounters counters_;
    // Zone-file rewrites run on a background thread, so a delta is never delayed by one.
    std::mutex queue_mu_;
    std::condition_variable queue_cv_, idle_cv_;
    struct Job {
        enum Kind { compact, image } kind;
        std::shared_ptr<const ServeZone> zone;
        uint64_t epoch;
    };
    void queue(Job job);
    void write_image(const std::shared_ptr<const ServeZone>& z, uint64_t epoch);
    std::string path_of(const Name& origin, const char* suffix) const;
    std::deque<Job> queue_;
    bool busy_ = false;
    bool stopping_ = false;
    std::unordered_map<std::string, uint64_t> epoch_; // bumped on every full write of a zone
    std::thread thread_;
};

// "example.com." for the API.
std::string zone_label(const Name& origin);

} // namespace endpointdns::serve
