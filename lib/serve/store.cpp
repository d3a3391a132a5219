// SPDX-License-Identifier: MIT
// The edge's write side: check, persist (zone file or journal), publish; compaction behind.
#include "serve/store.hpp"

#include "error.hpp"
#include "serve/image.hpp"

#include <unistd.h>
#include <unordered_set>

#include <syslog.h>

namespace endpointdns::serve {

namespace {

// A journal is folded into its zone file once it outgrows the file (and this floor), so the
// disk cost of a change stays proportional to the change, amortized (docs/dns-serve-state.md).
constexpr size_t compaction_floor = 64 * 1024;

// Full zones of one request are written in batches of at most this many zones or (past) this
// many octets of zone streams: a batch costs a few syncs whatever its size, and its streams
// are held in memory until it is written.
constexpr size_t batch_zones = 4096;
constexpr size_t batch_bytes = 64 * 1024 * 1024;

std::string lower_key(const Name& n) {
    return std::string(n.lowercased().wire());
}

Outcome bad(int status, const std::string& name, std::string error) {
    Outcome o;
    o.status = status;
    o.name = name;
    o.error = std::move(error);
    return o;
}

std::string delta_stream(const zone::Delta& d) {
    std::string out;
    zone::StreamWriter w([&](std::string_view m) { out.append(m); });
    w.write_delta(d);
    return out;
}

} // namespace

std::string zone_label(const Name& origin) {
    return origin.lowercased().to_text();
}

Store::Store(StateDir& dir, Published& published, zone::Limits limits, Log log)
    : dir_(dir), published_(published), limits_(limits), log_(std::move(log)),
      thread_([this] { compactor(); }) {}

Store::~Store() {
    {
        std::lock_guard lock(queue_mu_);
        stopping_ = true;
    }
    queue_cv_.notify_all();
    thread_.join();
}

size_t Store::load() {
    std::vector<std::shared_ptr<const ServeZone>> zones;
    // Zones whose index image matches their zone file are mapped, not parsed (image.hpp).
    std::unordered_map<std::string, std::shared_ptr<const ServeZone>> mapped;
    auto prebuilt = [&](const std::string& stem, const std::string& xfr,
                        uint32_t crc) -> std::optional<std::pair<Name, uint32_t>> {
        auto z = map_image_file(xfr, crc, dir_.path() + "/" + stem + ".idx");
        if (!z) {
            return std::nullopt;
        }
        mapped[stem] = *z;
        return std::make_pair((*z)->origin(), (*z)->serial());
    };
    dir_.load(
        [&](StateDir::Loaded&& loaded) {
            // The background thread reads epoch_ under the write lock; so does this.
            std::lock_guard w(write_mu_);
            std::shared_ptr<const ServeZone> z;
            bool from_image = loaded.prebuilt;
            if (from_image) {
                z = mapped[loaded.stem];
                ++counters_.images_loaded;
            } else {
                auto built = ServeZone::build(loaded.zone);
                if (!built) {
                    log_(LOG_ERR, loaded.file + ": cannot serve zone: " + built.error());
                    return;
                }
                z = *built;
            }
            mapped.erase(loaded.stem);
            uint64_t epoch = ++epoch_[lower_key(z->origin())];
            if (!from_image && !dir_.read_only()) {
                queue({Job::image, z, epoch}); // the next start maps it
            }
            for (const auto& d : loaded.deltas) {
                auto next = z->apply(d);
                if (!next) {
                    log_(LOG_ERR, loaded.file + ": journal delta to serial " +
                                      std::to_string(d.to_serial()) +
                                      " does not apply, zone kept at serial " +
                                      std::to_string(z->serial()) + ": " + next.error());
                    // The journal must continue from the zone actually served.
                    if (!dir_.read_only()) {
                        try {
                            dir_.write_zone(z->origin(), zone::zone_to_stream(z->to_zone()));
                            epoch = ++epoch_[lower_key(z->origin())];
                            queue({Job::image, z, epoch});
                        } catch (const Error& e) {
                            log_(LOG_ERR, loaded.file + ": " + e.what());
                        }
                    }
                    break;
                }
                z = *next;
            }
            zones.push_back(z);
        },
        [&](const std::string& message) { log_(LOG_ERR, message); }, prebuilt);
    published_.store(ZoneSet::of(zones));
    return zones.size();
}

std::string Store::path_of(const Name& origin, const char* suffix) const {
    return dir_.path() + "/" + StateDir::file_stem(origin) + suffix;
}

void Store::queue(Job job) {
    {
        std::lock_guard lock(queue_mu_);
        for (auto& j : queue_) {
            if (j.kind == job.kind && j.zone->origin() == job.zone->origin()) {
                j = job; // the newer one replaces a job not yet started
                return;
            }
        }
        queue_.push_back(std::move(job));
    }
    queue_cv_.notify_all();
}

// Writes the index image of `z` if its zone file is still the one written at `epoch`.
void Store::write_image(const std::shared_ptr<const ServeZone>& z, uint64_t epoch) {
    uint64_t id[4];
    {
        std::lock_guard w(write_mu_);
        if (epoch_[lower_key(z->origin())] != epoch ||
            !file_identity(path_of(z->origin(), ".xfr"), id)) {
            return; // replaced or removed meanwhile: a later job covers it
        }
    }
    try {
        write_image_file(*z, id, path_of(z->origin(), ".idx"));
        ++counters_.images_written;
        std::lock_guard w(write_mu_);
        if (epoch_[lower_key(z->origin())] != epoch) {
            // Removed or replaced while the image was written: a removed zone must not keep
            // one (a replaced zone gets a fresh one from its own, later job).
            ::unlink(path_of(z->origin(), ".idx").c_str());
        }
    } catch (const Error& e) {
        log_(LOG_WARNING, "zone " + zone_label(z->origin()) + ": " + e.what() +
                              " (the next start parses the zone file instead)");
    }
}

Outcome Store::check_and_build(zone::Zone& z, std::shared_ptr<const ServeZone>& built) {
    std::string name = zone_label(z.origin());
    if (!z.normalized()) {
        z.normalize();
    }
    zone::Diagnostics diags;
    if (zone::check_zone(z, limits_, diags) > 0) {
        std::string msg;
        size_t shown = 0;
        for (const auto& d : diags) {
            if (!d.is_error()) {
                continue;
            }
            if (shown++ == 3) {
                msg += "; …";
                break;
            }
            msg += (msg.empty() ? "" : "; ") + d.to_string();
        }
        return bad(400, name, "zone " + name + " fails its checks: " + msg);
    }
    auto b = ServeZone::build(z);
    if (!b) {
        return bad(400, name, b.error());
    }
    built = *b;
    Outcome o;
    o.name = name;
    o.serial = built->serial();
    o.records = built->records();
    return o;
}

Outcome Store::put_locked(zone::Zone&& z) {
    std::shared_ptr<const ServeZone> built;
    Outcome o = check_and_build(z, built);
    if (o.status != 200) {
        ++counters_.rejected;
        return o;
    }
    try {
        dir_.write_zone(z.origin(), zone::zone_to_stream(z));
    } catch (const Error& e) {
        ++counters_.failed;
        log_(LOG_ERR, std::string("zone ") + o.name + ": " + e.what());
        return bad(500, o.name, e.what());
    }
    uint64_t epoch = ++epoch_[lower_key(z.origin())];
    published_.store(published_.load()->with(built));
    ++counters_.puts;
    queue({Job::image, built, epoch});
    return o;
}

Outcome Store::patch_locked(const zone::Delta& delta) {
    std::string name = zone_label(delta.origin);
    auto cur = published_.load()->get(delta.origin);
    if (!cur) {
        ++counters_.rejected;
        return bad(404, name, "zone " + name + " is not on this server; send the full zone");
    }
    if (delta.steps.empty() || delta.from_serial() != cur->serial()) {
        ++counters_.rejected;
        Outcome o = bad(409, name,
                        "delta starts at serial " + std::to_string(delta.from_serial()) +
                            " but zone " + name + " is at serial " + std::to_string(cur->serial()));
        o.serial = cur->serial();
        o.records = cur->records();
        return o;
    }
    auto next = cur->apply(delta);
    if (!next) {
        ++counters_.rejected;
        return bad(400, name, "delta for " + name + " does not apply: " + next.error());
    }
    try {
        dir_.append_delta(delta.origin, delta_stream(delta));
    } catch (const Error& e) {
        ++counters_.failed;
        log_(LOG_ERR, "zone " + name + ": " + e.what());
        return bad(500, name, e.what());
    }
    published_.store(published_.load()->with(*next));
    ++counters_.patches;
    maybe_compact(*next);
    Outcome o;
    o.name = name;
    o.serial = (*next)->serial();
    o.records = (*next)->records();
    return o;
}

Outcome Store::put_zone(zone::Zone&& z) {
    std::lock_guard lock(write_mu_);
    return put_locked(std::move(z));
}

Outcome Store::patch_zone(const zone::Delta& delta) {
    std::lock_guard lock(write_mu_);
    return patch_locked(delta);
}

Outcome Store::remove_zone(const Name& origin) {
    std::lock_guard lock(write_mu_);
    std::string name = zone_label(origin);
    auto set = published_.load();
    if (!set->get(origin)) {
        return bad(404, name, "zone " + name + " is not on this server");
    }
    try {
        dir_.remove(origin);
        ::unlink(path_of(origin, ".idx").c_str());
    } catch (const Error& e) {
        ++counters_.failed;
        return bad(500, name, e.what());
    }
    ++epoch_[lower_key(origin)];
    published_.store(set->without(origin));
    ++counters_.deletes;
    Outcome o;
    o.name = name;
    return o;
}

void Store::flush_locked(std::vector<Pending>& batch, std::vector<Outcome>& out) {
    if (batch.empty()) {
        return;
    }
    std::vector<StateDir::ZoneWrite> writes;
    writes.reserve(batch.size());
    for (const auto& p : batch) {
        writes.push_back({p.origin, p.stream});
    }
    try {
        dir_.write_zones(writes);
    } catch (const Error& e) {
        counters_.failed += batch.size();
        log_(LOG_ERR, "a batch of " + std::to_string(batch.size()) + " zones from " +
                          out[batch.front().index].name + ": " + e.what());
        for (const auto& p : batch) {
            out[p.index] = bad(500, out[p.index].name, e.what());
        }
        batch.clear();
        return;
    }
    auto set = published_.load();
    std::vector<uint64_t> epochs;
    epochs.reserve(batch.size());
    for (const auto& p : batch) {
        epochs.push_back(++epoch_[lower_key(p.origin)]);
        set = set->with(p.built);
    }
    published_.store(set);
    counters_.puts += batch.size();
    for (size_t i = 0; i < batch.size(); ++i) {
        queue({Job::image, batch[i].built, epochs[i]});
    }
    batch.clear();
}

std::vector<Outcome> Store::apply(std::vector<zone::StreamItem>&& items) {
    std::lock_guard lock(write_mu_);
    std::vector<Outcome> out(items.size());
    // Consecutive full zones are written together, a batch at a time; a delta, or a zone
    // already in the batch, first writes the batch, so each item sees the ones before it.
    std::vector<Pending> batch;
    std::unordered_set<std::string> in_batch;
    size_t bytes = 0;
    auto flush = [&] {
        flush_locked(batch, out);
        in_batch.clear();
        bytes = 0;
    };
    for (size_t i = 0; i < items.size(); ++i) {
        auto& item = items[i];
        if (item.kind != zone::StreamItem::Kind::full) {
            flush();
            out[i] = patch_locked(item.delta);
            continue;
        }
        zone::Zone& z = *item.zone;
        std::string key = lower_key(z.origin());
        if (in_batch.count(key) != 0) {
            flush();
        }
        std::shared_ptr<const ServeZone> built;
        out[i] = check_and_build(z, built);
        if (out[i].status != 200) {
            ++counters_.rejected;
            continue;
        }
        Pending p{built, z.origin(), zone::zone_to_stream(z), i};
        bytes += p.stream.size();
        batch.push_back(std::move(p));
        in_batch.insert(std::move(key));
        if (batch.size() >= batch_zones || bytes >= batch_bytes) {
            flush();
        }
    }
    flush();
    return out;
}

Outcome Store::replace_all(std::vector<zone::StreamItem>&& items,
                           std::vector<std::string>& removed) {
    std::lock_guard lock(write_mu_);
    std::vector<std::shared_ptr<const ServeZone>> built;
    std::vector<zone::Zone*> zones;
    size_t records = 0;
    for (auto& item : items) {
        if (item.kind != zone::StreamItem::Kind::full) {
            ++counters_.rejected;
            return bad(400, zone_label(item.delta.origin),
                       "a full sync takes full zones only; " + zone_label(item.delta.origin) +
                           " is a delta");
        }
        for (const auto* z : zones) {
            if (z->origin() == item.zone->origin()) {
                ++counters_.rejected;
                return bad(400, zone_label(z->origin()),
                           "zone " + zone_label(z->origin()) + " appears twice");
            }
        }
        std::shared_ptr<const ServeZone> b;
        Outcome o = check_and_build(*item.zone, b);
        if (o.status != 200) {
            ++counters_.rejected;
            return o;
        }
        built.push_back(b);
        zones.push_back(&*item.zone);
        records += b->records();
    }
    auto old = published_.load();
    // What is on disk so far, so that a failure half-way publishes exactly that: memory must
    // never be behind the disk, or a delta acknowledged afterwards could be lost on restart.
    std::shared_ptr<const ZoneSet> done = old;
    try {
        // Written a batch at a time (StateDir::write_zones); a batch that fails is not
        // published, the ones before it are.
        for (size_t first = 0; first < zones.size();) {
            std::vector<std::string> streams;
            size_t bytes = 0, end = first;
            for (; end < zones.size() && end - first < batch_zones && bytes < batch_bytes; ++end) {
                streams.push_back(zone::zone_to_stream(*zones[end]));
                bytes += streams.back().size();
            }
            std::vector<StateDir::ZoneWrite> writes;
            writes.reserve(end - first);
            for (size_t i = first; i < end; ++i) {
                writes.push_back({zones[i]->origin(), streams[i - first]});
            }
            dir_.write_zones(writes);
            for (size_t i = first; i < end; ++i) {
                ++epoch_[lower_key(zones[i]->origin())];
                done = done->with(built[i]);
            }
            first = end;
        }
        for (const auto& z : old->zones()) {
            bool keep = std::any_of(zones.begin(), zones.end(), [&](const zone::Zone* n) {
                return n->origin() == z->origin();
            });
            if (!keep) {
                dir_.remove(z->origin());
                ::unlink(path_of(z->origin(), ".idx").c_str());
                ++epoch_[lower_key(z->origin())];
                removed.push_back(zone_label(z->origin()));
                done = done->without(z->origin());
            }
        }
    } catch (const Error& e) {
        ++counters_.failed;
        log_(LOG_ERR,
             std::string("full sync failed part-way, serving what is on disk: ") + e.what());
        published_.store(done);
        return bad(500, "",
                   std::string("the full sync failed part-way (the zones before the "
                               "failure were replaced or removed): ") +
                       e.what());
    }
    published_.store(ZoneSet::of(built));
    counters_.puts += built.size();
    for (const auto& b : built) {
        queue({Job::image, b, epoch_[lower_key(b->origin())]});
    }
    Outcome o;
    o.records = records;
    o.serial = 0;
    o.name = std::to_string(built.size());
    return o;
}

std::optional<std::string> Store::export_zone(const Name& origin) const {
    auto z = published_.load()->get(origin);
    if (!z) {
        return std::nullopt;
    }
    return zone::zone_to_stream(z->to_zone());
}

void Store::maybe_compact(const std::shared_ptr<const ServeZone>& z) {
    size_t journal = dir_.journal_bytes(z->origin());
    if (journal < compaction_floor || journal < dir_.zone_bytes(z->origin())) {
        return;
    }
    queue({Job::compact, z, epoch_[lower_key(z->origin())]});
}

void Store::compactor() {
    std::unique_lock lock(queue_mu_);
    for (;;) {
        queue_cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
        if (queue_.empty()) {
            return;
        }
        Job job = queue_.front();
        queue_.pop_front();
        busy_ = true;
        lock.unlock();
        if (job.kind == Job::image) {
            write_image(job.zone, job.epoch);
        } else {
            // The heavy part (export and encoding) runs beside the writers; only the file
            // swap holds the write lock, and is skipped when a full write replaced the zone.
            std::string stream = zone::zone_to_stream(job.zone->to_zone());
            uint64_t epoch = 0;
            {
                std::lock_guard w(write_mu_);
                uint64_t& e = epoch_[lower_key(job.zone->origin())];
                if (e == job.epoch) {
                    try {
                        dir_.compact(job.zone->origin(), stream, job.zone->serial());
                        ++counters_.compactions;
                        epoch = ++e;
                    } catch (const Error& err) {
                        ++e; // the zone file may have been replaced before the failure
                        log_(LOG_ERR, "zone " + zone_label(job.zone->origin()) +
                                          ": compaction failed (journal kept): " + err.what());
                    }
                }
            }
            if (epoch != 0) {
                write_image(job.zone, epoch);
            }
        }
        lock.lock();
        busy_ = false;
        idle_cv_.notify_all();
    }
}

void Store::drain() {
    std::unique_lock lock(queue_mu_);
    idle_cv_.wait(lock, [&] { return queue_.empty() && !busy_; });
}

} // namespace endpointdns::serve
