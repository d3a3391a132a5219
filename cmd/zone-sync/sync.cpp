// SPDX-License-Identifier: MIT
// zone-sync on one edge. The database and dnsapid's fan-out coordinate through server_zones:
// the fan-out pushes a zone to an edge only while it holds that row locked (FOR UPDATE SKIP
// LOCKED). zone-sync locks the rows of every zone it may touch (waiting for a push in flight to
// end), then reads the edge's zones and a snapshot of the database taken after the locks, so
// what it sends is never older than what a fan-out sent before; it sends full zones in chunks
// compiled from that snapshot while the previous chunk is on its way, and writes what the edge
// acknowledged into the rows before it lets them go (COMMIT). A change committed meanwhile is
// skipped by the fan-out and caught up from the row afterwards.
#include "sync.hpp"

#include "error.hpp"
#include "http/client.hpp"
#include "push/push.hpp"
#include "store/compile.hpp"
#include "store/zones.hpp"
#include "zone/stream.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <exception>
#include <map>
#include <mutex>
#include <set>
#include <thread>
#include <unordered_map>

namespace endpointdns::zonesync {

namespace {

using json = nlohmann::json;
constexpr const char* stream_type = "application/vnd.endpointdns.zone-stream";

// The edge failed as a whole (no answer, wrong key, refusal): the exit status it calls for.
struct EdgeFailure {
    int code;
    std::string message;
};

// "example.com." -> "example.com" (domains.name); the root stays ".".
std::string key_of(const std::string& edge_name) {
    if (edge_name.size() > 1 && edge_name.back() == '.')
        return edge_name.substr(0, edge_name.size() - 1);
    return edge_name;
}

std::string base_url(std::string url) {
    while (!url.empty() && url.back() == '/') url.pop_back();
    return url;
}

class Edge {
public:
    Edge(const store::Server& s, const Options& o) : server_(s), options_(o) {
        http::ClientOptions copts;
        copts.user_agent = std::string("zone-sync/") + ENDPOINTDNS_VERSION;
        copts.max_parallel = 4; // deletes: the edge applies writes one at a time anyway
        client_ = std::make_unique<http::Client>(copts);
        url_ = base_url(s.url);
    }

    http::ClientRequest request(const std::string& method, const std::string& path) const {
        http::ClientRequest r;
        r.method = method;
        r.url = url_ + path;
        r.headers.add("Authorization", "Bearer " + server_.key);
        r.headers.add("Accept", "application/json");
        r.headers.add("Expect", ""); // no 100-continue round trip before a body
        r.timeout = options_.timeout;
        r.connect_timeout = std::min(options_.connect_timeout, options_.timeout);
        r.retries = options_.retries;
        r.backoff = options_.backoff;
        return r;
    }

    std::vector<http::ClientResult> run(const std::vector<http::ClientRequest>& batch) {
        return client_->run(batch);
    }

    // The failure an answer other than 200 means for the whole edge.
    static EdgeFailure failure(const std::string& what, const http::ClientResult& r) {
        if (!r.answered())
            return {ex_unavailable,
                    what + ": " + r.error +
                        (r.attempts > 1 ? " (" + std::to_string(r.attempts) + " attempts)" : "")};
        json j = json::parse(r.body, nullptr, false);
        std::string msg = j.is_object() && j.contains("error") && j["error"].is_string()
                              ? j["error"].get<std::string>()
                              : r.body.substr(0, std::min(r.body.find('\n'), size_t(200)));
        std::string text = what + ": HTTP " + std::to_string(r.status) +
                           (msg.empty() ? std::string() : ": " + msg);
        if (r.status == 401 || r.status == 403) return {ex_noperm, text};
        if (r.status == 413)
            text += " (lower [push] chunk_size of zone-sync, or raise [http] max_body of the edge)";
        return {ex_protocol, text};
    }

    // GET /v1/zones: zone key -> (the edge's name, serial).
    std::map<std::string, std::pair<std::string, uint32_t>> zones() {
        std::string what = "GET " + url_ + "/v1/zones";
        auto r = run({request("GET", "/v1/zones")})[0];
        if (r.status != 200) throw failure(what, r);
        json j = json::parse(r.body, nullptr, false);
        auto bad = [&](const std::string& why) {
            return EdgeFailure{ex_protocol, what + ": unparsable answer: " + why};
        };
        if (!j.is_object() || !j.contains("zones") || !j["zones"].is_array())
            throw bad("no \"zones\" array");
        std::map<std::string, std::pair<std::string, uint32_t>> out;
        for (const json& z : j["zones"]) {
            if (!z.is_object() || !z.contains("name") || !z["name"].is_string() ||
                !z.contains("serial") || !z["serial"].is_number_unsigned() ||
                z["serial"].get<uint64_t>() > UINT32_MAX)
                throw bad("a zone without a name or serial");
            std::string name = z["name"].get<std::string>();
            if (name.empty()) throw bad("a zone with an empty name");
            out[key_of(name)] = {name, uint32_t(z["serial"].get<uint64_t>())};
        }
        return out;
    }

    const std::string& url() const { return url_; }
    const store::Server& server() const { return server_; }

private:
    const store::Server& server_;
    const Options& options_;
    std::string url_;
    std::unique_ptr<http::Client> client_;
};

// What one sync run decided for a zone the database holds.
struct Send {
    const store::Domain* domain;
    size_t diff; // index into the report's zones
};

// One POST /v1/zones body and the zones in it, in order.
struct Chunk {
    std::string body;
    std::vector<size_t> sends; // indices into the sends
};

// Compiles chunks of full zones from the database on its own thread while the caller sends
// the previous ones: at most `depth` chunks wait.
class Producer {
public:
    Producer(store::Conn& c, const std::vector<Send>& sends, size_t chunk_size)
        : conn_(c), sends_(sends), chunk_size_(chunk_size) {
        thread_ = std::thread([this] { run(); });
    }
    ~Producer() { stop(); }

    // The next chunk; false when every chunk was taken. Rethrows the producer's failure.
    bool next(Chunk& out) {
        std::unique_lock lock(mu_);
        cv_.wait(lock, [&] { return !ready_.empty() || done_; });
        if (!ready_.empty()) {
            out = std::move(ready_.front());
            ready_.pop_front();
            cv_.notify_all();
            return true;
        }
        if (error_) std::rethrow_exception(error_);
        return false;
    }

    // Stops producing and waits for the thread; a failure it had is rethrown by rethrow().
    void stop() {
        {
            std::lock_guard lock(mu_);
            stop_ = true;
        }
        cv_.notify_all();
        if (thread_.joinable()) thread_.join();
    }
    void rethrow() {
        stop();
        if (error_) std::rethrow_exception(error_);
    }

private:
    static constexpr size_t depth = 2;
    static constexpr size_t group_zones = 16;   // write_zones reads 16 domains a query
    static constexpr uint64_t first_guess = 32; // octets per record before any was written
    static constexpr size_t first_chunk = 256u << 10;

    void run() {
        try {
            Chunk chunk;
            zone::StreamWriter writer([&](std::string_view m) { chunk.body.append(m); });
            // The size of a zone, guessed from its record count and the octets per record of
            // the zones written so far, so that a chunk ends near chunk_size whatever the
            // records hold.
            uint64_t records_written = 0, octets_written = 0;
            // The first chunks are small, so the edge starts early; they double up to
            // chunk_size.
            size_t limit = std::min(chunk_size_, first_chunk);
            auto estimate = [&](size_t i) {
                uint64_t per = records_written
                                   ? std::max<uint64_t>(octets_written / records_written, 8)
                                   : first_guess;
                return (sends_[i].domain->record_count + 2) * per;
            };
            for (size_t at = 0; at < sends_.size();) {
                // A group for one query: up to 16 zones that fit the room left in the chunk.
                if (!chunk.sends.empty() && chunk.body.size() + estimate(at) > limit &&
                    !hand_over(chunk, limit))
                    return;
                size_t end = at;
                uint64_t room = limit > chunk.body.size() ? limit - chunk.body.size() : 0;
                uint64_t size = 0;
                std::vector<store::Domain> group;
                // The first group is one zone: it calibrates the guess.
                size_t most = records_written ? group_zones : 1;
                while (end < sends_.size() && end - at < most &&
                       (end == at || size + estimate(end) <= room)) {
                    size += estimate(end);
                    group.push_back(*sends_[end].domain);
                    chunk.sends.push_back(end);
                    ++end;
                }
                size_t before = chunk.body.size();
                store::write_zones(conn_, group, writer, false);
                for (const auto& d : group) records_written += d.record_count + 2;
                octets_written += chunk.body.size() - before;
                at = end;
                if (chunk.body.size() >= limit && !hand_over(chunk, limit)) return;
            }
            if (!chunk.sends.empty()) hand_over(chunk, limit);
        } catch (...) {
            std::lock_guard lock(mu_);
            error_ = std::current_exception();
        }
        std::lock_guard lock(mu_);
        done_ = true;
        cv_.notify_all();
    }

    // Queues the chunk (waiting while `depth` chunks wait), empties it and doubles the limit
    // of the next one; false when stopped.
    bool hand_over(Chunk& chunk, size_t& limit) {
        limit = std::min(chunk_size_, limit * 2);
        std::unique_lock lock(mu_);
        cv_.wait(lock, [&] { return ready_.size() < depth || stop_; });
        if (stop_) {
            done_ = true;
            cv_.notify_all();
            return false;
        }
        ready_.push_back(std::move(chunk));
        chunk = Chunk{};
        cv_.notify_all();
        return true;
    }

    store::Conn& conn_;
    const std::vector<Send>& sends_;
    size_t chunk_size_;
    std::mutex mu_;
    std::condition_variable cv_;
    std::deque<Chunk> ready_;
    bool done_ = false, stop_ = false;
    std::exception_ptr error_;
    std::thread thread_;
};

// The differences between the edge and the database, in zone name order, and the zones in
// sync. `only`: consider only these zone keys (the rows a real run locked).
struct Comparison {
    std::vector<ZoneDiff> diffs;
    std::vector<Send> sends;
    std::vector<store::Ack> acks;     // in sync, but the row does not say so
    std::vector<std::string> stale;   // rows of zones neither side holds
    std::vector<std::string> deletes; // keys of zones to delete, parallel to the delete diffs
    uint64_t in_sync = 0;
};

Comparison compare(const std::map<std::string, std::pair<std::string, uint32_t>>& edge,
                   const std::vector<store::Domain>& domains,
                   const std::vector<store::ServerZone>& rows, const std::set<std::string>* only) {
    Comparison out;
    std::unordered_map<std::string, const store::ServerZone*> row_of;
    for (const auto& r : rows) row_of[r.zone] = &r;
    std::set<std::string> in_db;
    // Names too long for a row (escapes) were not locked, and need no lock: nothing else
    // pushes zones the database cannot hold.
    auto considered = [&](const std::string& key) {
        return !only || only->count(key) || key.size() > 253;
    };
    struct Pending {
        ZoneDiff diff;
        const store::Domain* domain = nullptr;
        std::string key;
    };
    std::vector<Pending> pending;
    for (const auto& d : domains) {
        in_db.insert(d.name);
        if (!considered(d.name)) continue;
        auto e = edge.find(d.name);
        auto r = row_of.find(d.name);
        const store::ServerZone* row = r == row_of.end() ? nullptr : r->second;
        ZoneDiff z;
        z.zone = e != edge.end() ? e->second.first : d.name + ".";
        z.serial = d.serial;
        if (e == edge.end()) {
            z.action = Action::add;
        } else {
            z.edge_serial = e->second.second;
            if (e->second.second != d.serial) {
                z.action = Action::update;
            } else if (row && row->domain_id != 0 && row->domain_id != d.id) {
                // Same serial, but the edge acknowledged it for a domain since deleted and
                // created again: other data.
                z.action = Action::update;
                z.reason = "the edge holds an earlier zone of that name";
            } else {
                ++out.in_sync;
                if (!row || row->domain_id != d.id || row->serial != d.serial)
                    out.acks.push_back({d.name, d.id, d.serial});
                continue;
            }
        }
        pending.push_back({std::move(z), &d, d.name});
    }
    for (const auto& [key, e] : edge) {
        if (in_db.count(key) || !considered(key)) continue;
        ZoneDiff z;
        z.zone = e.first;
        z.action = Action::remove;
        z.edge_serial = e.second;
        pending.push_back({std::move(z), nullptr, key});
    }
    for (const auto& r : rows)
        if (!in_db.count(r.zone) && !edge.count(r.zone) && considered(r.zone))
            out.stale.push_back(r.zone);
    std::sort(pending.begin(), pending.end(),
              [](const Pending& a, const Pending& b) { return a.diff.zone < b.diff.zone; });
    for (auto& p : pending) {
        if (p.domain)
            out.sends.push_back({p.domain, out.diffs.size()});
        else
            out.deletes.push_back(p.key);
        out.diffs.push_back(std::move(p.diff));
    }
    return out;
}

// Sends the chunks the producer makes, one request at a time, and judges every zone's answer.
// Returns the failure that stopped it, if any; zones not sent keep sent = false.
std::optional<EdgeFailure> send_zones(Edge& edge, store::Conn& c, const std::vector<Send>& sends,
                                      std::vector<ZoneDiff>& diffs, size_t chunk_size) {
    if (sends.empty()) return std::nullopt;
    Producer producer(c, sends, chunk_size);
    push::Edge pe{edge.server().name, edge.url(), edge.server().key};
    push::Plan plan;
    plan.method = "POST";
    plan.path = "/v1/zones";
    plan.multi = true;
    Chunk chunk;
    while (producer.next(chunk)) {
        push::Input input;
        for (size_t i : chunk.sends) {
            push::Item it;
            it.zone = diffs[sends[i].diff].zone;
            it.serial = sends[i].domain->serial;
            input.items.push_back(std::move(it));
        }
        auto req = edge.request("POST", "/v1/zones");
        req.headers.add("Content-Type", stream_type);
        req.body = std::move(chunk.body);
        auto r = edge.run({req})[0];
        for (size_t i : chunk.sends) diffs[sends[i].diff].sent = true;
        push::EdgeResult res = push::judge(pe, plan, input, r);
        if (r.status != 200 || res.zones.size() != chunk.sends.size()) {
            EdgeFailure f =
                r.status == 200
                    ? EdgeFailure{ex_protocol, "POST " + edge.url() + "/v1/zones: " + res.error}
                    : Edge::failure("POST " + edge.url() + "/v1/zones", r);
            for (size_t i : chunk.sends) {
                diffs[sends[i].diff].status = r.status;
                diffs[sends[i].diff].error = f.message;
            }
            producer.stop();
            return f;
        }
        for (size_t k = 0; k < chunk.sends.size(); ++k) {
            ZoneDiff& z = diffs[sends[chunk.sends[k]].diff];
            const push::ZoneResult& zr = res.zones[k];
            z.status = zr.status;
            if (zr.status != 200)
                z.error = zr.error;
            else if (zr.serial != sends[chunk.sends[k]].domain->serial)
                z.error = "the edge acknowledged serial " +
                          (zr.serial ? std::to_string(*zr.serial) : std::string("none")) +
                          ", not " + std::to_string(sends[chunk.sends[k]].domain->serial);
            else
                z.ok = true;
        }
    }
    producer.rethrow();
    return std::nullopt;
}

// DELETE /v1/zones/{zone} for each delete; a 404 means the zone is gone already.
std::optional<EdgeFailure> delete_zones(Edge& edge, std::vector<ZoneDiff>& diffs) {
    std::vector<size_t> which;
    std::vector<http::ClientRequest> batch;
    for (size_t i = 0; i < diffs.size(); ++i)
        if (diffs[i].action == Action::remove) {
            which.push_back(i);
            batch.push_back(edge.request("DELETE", push::zone_path(diffs[i].zone)));
        }
    if (batch.empty()) return std::nullopt;
    auto answers = edge.run(batch);
    std::optional<EdgeFailure> worst;
    auto rank = [](int c) {
        return c == ex_unavailable ? 3 : c == ex_noperm ? 2 : c == ex_protocol ? 1 : 0;
    };
    for (size_t k = 0; k < which.size(); ++k) {
        ZoneDiff& z = diffs[which[k]];
        const auto& r = answers[k];
        z.sent = true;
        z.status = r.status;
        if (r.status == 200 || r.status == 404) {
            z.ok = true;
            continue;
        }
        EdgeFailure f = Edge::failure("DELETE " + edge.url() + push::zone_path(z.zone), r);
        z.error = f.message;
        if (!worst || rank(f.code) > rank(worst->code)) worst = f;
    }
    return worst;
}

std::set<std::string> names_of(const std::vector<store::Domain>& domains,
                               const std::vector<store::ServerZone>& rows,
                               const std::map<std::string, std::pair<std::string, uint32_t>>& e) {
    std::set<std::string> out;
    for (const auto& d : domains) out.insert(d.name);
    for (const auto& r : rows) out.insert(r.zone);
    for (const auto& [k, v] : e)
        if (k.size() <= 253) out.insert(k); // longer names (escapes) cannot have a row
    return out;
}

} // namespace

const char* action_name(Action a) {
    switch (a) {
    case Action::add:
        return "add";
    case Action::update:
        return "update";
    case Action::remove:
        return "delete";
    }
    return "?";
}

size_t ServerReport::count(Action a, bool done) const {
    return size_t(std::count_if(zones.begin(), zones.end(), [&](const ZoneDiff& z) {
        return z.action == a && (!done || z.ok);
    }));
}

ServerReport sync_server(store::Pool& pool, const store::Server& server, const Options& options) {
    ServerReport rep;
    rep.server = server.name;
    rep.url = base_url(server.url);
    auto t0 = std::chrono::steady_clock::now();
    auto finish = [&] {
        rep.time = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        return rep;
    };
    if (rep.url.rfind("http://", 0) != 0 && rep.url.rfind("https://", 0) != 0) {
        rep.exit = ex_config;
        rep.error = "the registry's url '" + server.url + "' is not an http:// or https:// URL";
        return finish();
    }
    Edge edge(server, options);
    auto contact = [&](bool ok, const std::string& error) {
        if (options.dry_run) return; // a dry run writes nothing
        try {
            pool.run([&](store::Conn& c) { store::record_contact(c, server.id, ok, error); });
        } catch (const Error&) {
            // The state shown by the registry; the sync itself reports the database.
        }
    };
    try {
        auto before = edge.zones();
        if (options.dry_run) {
            pool.run([&](store::Conn& c) {
                c.begin_repeatable_read(true, true);
                auto domains = store::find_domains(c);
                auto rows = store::server_zones(c, server.id);
                c.commit();
                Comparison cmp = compare(before, domains, rows, nullptr);
                rep.zones = std::move(cmp.diffs);
                rep.in_sync = cmp.in_sync;
            });
            rep.exit = rep.zones.empty() ? 0 : 1;
            return finish();
        }
        contact(true, "");
        // Every zone this run may touch gets a row first, in a transaction of its own: a lock
        // on a row that does not exist would be a gap lock, and would make the fan-out's
        // insert of that row wait instead of skipping it.
        auto names = pool.run([&](store::Conn& c) {
            return names_of(store::find_domains(c), store::server_zones(c, server.id), before);
        });
        std::vector<std::string> list(names.begin(), names.end());
        pool.transaction([&](store::Conn& c) { store::ensure_rows(c, server.id, list); });
        pool.run([&](store::Conn& c) {
            rep.zones.clear();
            rep.in_sync = 0;
            c.begin_repeatable_read(false); // the snapshot is taken after the locks
            auto rows = store::lock_rows(c, server.id, list, false);
            auto now = edge.zones(); // a push that held a lock is over: read the edge again
            auto domains = store::find_domains(c); // the snapshot
            Comparison cmp = compare(now, domains, rows, &names);
            rep.zones = std::move(cmp.diffs);
            rep.in_sync = cmp.in_sync;
            std::optional<EdgeFailure> failed =
                send_zones(edge, c, cmp.sends, rep.zones, options.chunk_size);
            if (!failed) failed = delete_zones(edge, rep.zones);
            std::vector<store::Ack> acks = std::move(cmp.acks);
            for (const Send& s : cmp.sends) {
                const ZoneDiff& z = rep.zones[s.diff];
                if (z.ok) acks.push_back({s.domain->name, s.domain->id, s.domain->serial});
            }
            store::ack_rows(c, server.id, acks);
            size_t del = 0;
            for (const ZoneDiff& z : rep.zones) {
                if (z.action == Action::remove) {
                    const std::string& key = cmp.deletes[del++];
                    if (z.ok) store::drop_row(c, server.id, key);
                } else if (z.sent && !z.ok) {
                    store::fail_row(c, server.id, key_of(z.zone), z.error);
                }
            }
            for (const auto& k : cmp.stale) store::drop_row(c, server.id, k);
            c.commit();
            if (failed) throw *failed;
        });
        for (const ZoneDiff& z : rep.zones)
            if (z.sent && !z.ok && rep.exit == 0) {
                rep.exit = ex_protocol;
                rep.error = "the edge refused zones";
            }
        for (ZoneDiff& z : rep.zones)
            if (!z.sent && z.error.empty()) z.error = "not sent";
    } catch (const EdgeFailure& f) {
        rep.exit = f.code;
        rep.error = f.message;
        contact(f.code != ex_unavailable, f.code == ex_unavailable ? f.message : "");
        for (ZoneDiff& z : rep.zones)
            if (!z.sent && z.error.empty()) z.error = "not sent";
    } catch (const Error& e) {
        rep.exit = e.code();
        rep.error = e.what();
    } catch (const std::exception& e) {
        rep.exit = ex_software;
        rep.error = std::string("internal error: ") + e.what();
    }
    return finish();
}

} // namespace endpointdns::zonesync
