// SPDX-License-Identifier: MIT
// Fan-out workers: one per active edge; see fanout.hpp.
#include "fanout.hpp"

#include "dns/rr.hpp"
#include "error.hpp"
#include "http/client.hpp"
#include "push/push.hpp"
#include "store/compile.hpp"
#include "store/zones.hpp"
#include "util/log.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <set>
#include <unordered_map>

namespace endpointdns::api {

using Clock = std::chrono::steady_clock;
using nlohmann::json;
using std::chrono::milliseconds;

namespace {

// Zones in one push at most; the rest wait for the next round.
constexpr size_t max_zones_per_round = 256;
// A body past this size ends the round's list (the edge's default limit is 64 MiB).
constexpr size_t max_round_octets = 32u << 20;
// How often an edge's zones and serials are read even when nothing suggests a change.
constexpr std::chrono::seconds reconcile_interval{60};
// A zone another process is pushing is tried again after this.
constexpr milliseconds locked_retry{20};

store::Options fanout_pool_options(store::Options o, unsigned size) {
    o.pool_size = std::max(1u, size);
    return o;
}

} // namespace

class Fanout::Worker {
public:
    Worker(Fanout& owner, store::Server server)
        : owner_(owner), server_(std::move(server)),
          // Its own connections: a worker holds one for a whole push (locks included), so a
          // hanging edge must not take connections the other edges' workers need. The second
          // serves the consistent snapshot a whole zone is read from.
          pool_(fanout_pool_options(owner.database_, 2)) {
        http::ClientOptions o;
        o.user_agent = std::string("dnsapid/") + ENDPOINTDNS_VERSION;
        o.max_parallel = 8;
        client_ = std::make_unique<http::Client>(o);
        thread_ = std::thread([this] { run(); });
    }
    ~Worker() { stop(); }

    void update(const store::Server& s) {
        std::lock_guard lock(mu_);
        bool moved = s.url != server_.url || s.key != server_.key;
        server_ = s;
        if (moved) { // another edge, maybe: find out what it holds, retry everything now
            reconcile_ = true;
            reconcile_at_ = {};
            retry_now_locked();
            cv_.notify_one();
        }
    }

    // Asks the thread to stop without waiting for it (Fanout::stop asks every worker first).
    void request_stop() {
        std::lock_guard lock(mu_);
        stopping_ = true;
        cv_.notify_one();
    }

    // POST /v1/servers/{name}/sync: read the edge's zones now and push whatever differs, zones
    // the database does not hold included (they are deleted on the edge).
    void resync() {
        std::lock_guard lock(mu_);
        reconcile_ = true;
        full_ = true;
        reconcile_at_ = {};
        retry_now_locked();
        cv_.notify_one();
    }

    void mark(const std::string& zone) {
        std::lock_guard lock(mu_);
        dirty_.insert(zone);
        cv_.notify_one();
    }

    void stop() {
        request_stop();
        if (thread_.joinable()) thread_.join();
    }

private:
    struct Sent {
        std::string zone;
        const store::Domain* domain;
        bool delta;
        uint32_t from;
    };

    store::Server server() {
        std::lock_guard lock(mu_);
        return server_;
    }

    void run() {
        const auto& st = owner_.settings_;
        Clock::time_point next_health = Clock::now(), next_scan = Clock::now(),
                          next_reconcile = Clock::now() + reconcile_interval;
        for (;;) {
            std::vector<std::string> round;
            {
                std::unique_lock lock(mu_);
                for (;;) {
                    if (stopping_) return;
                    auto now = Clock::now();
                    bool reconcile_due = reconcile_ && now >= reconcile_at_;
                    if (now >= next_health || now >= next_scan || reconcile_due) break;
                    auto wake = std::min(next_health, next_scan);
                    if (reconcile_) wake = std::min(wake, reconcile_at_);
                    if (now >= edge_retry_at_) {
                        bool ready = false;
                        for (const auto& z : dirty_) {
                            auto it = zone_retry_at_.find(z);
                            if (it == zone_retry_at_.end() || it->second <= now) {
                                ready = true;
                                break;
                            }
                            wake = std::min(wake, it->second);
                        }
                        if (ready) break;
                    } else if (!dirty_.empty()) {
                        wake = std::min(wake, edge_retry_at_);
                    }
                    cv_.wait_until(lock, wake);
                }
            }
            try {
                auto now = Clock::now();
                if (now >= next_health) {
                    health();
                    next_health = Clock::now() + milliseconds(st.health_interval_ms);
                }
                if (now >= next_reconcile) { // a backstop: whatever changed on the edge
                    std::lock_guard lock(mu_);
                    reconcile_ = true;
                    next_reconcile = now + reconcile_interval;
                }
                bool reconcile, full = false;
                {
                    std::lock_guard lock(mu_);
                    reconcile = reconcile_ && Clock::now() >= reconcile_at_;
                    if (reconcile) {
                        reconcile_ = false;
                        full = full_;
                        full_ = false;
                    }
                }
                if (reconcile && !reachable_ && full) health(); // asked for: look now
                if (reconcile && reachable_) {
                    fetch_edge_state(full);
                } else if (full) { // unreachable: the sync asked for happens when it is back
                    std::lock_guard lock(mu_);
                    full_ = true;
                }
                if (reconcile || Clock::now() >= next_scan) {
                    scan();
                    next_scan = Clock::now() + milliseconds(st.scan_interval_ms);
                }
                {
                    std::lock_guard lock(mu_);
                    now = Clock::now();
                    if (now >= edge_retry_at_)
                        for (auto it = dirty_.begin();
                             it != dirty_.end() && round.size() < max_zones_per_round;) {
                            auto r = zone_retry_at_.find(*it);
                            if (r == zone_retry_at_.end() || r->second <= now) {
                                round.push_back(*it);
                                it = dirty_.erase(it);
                            } else {
                                ++it;
                            }
                        }
                }
                if (!round.empty()) push(round);
            } catch (const std::exception& e) {
                // The database is down or a push failed unexpectedly: keep the zones, retry
                // after a pause; the scan finds anything lost from memory.
                {
                    std::lock_guard lock(mu_);
                    for (auto& z : round) dirty_.insert(z);
                    edge_retry_at_ = Clock::now() + milliseconds(st.max_backoff_ms);
                }
                log_once(std::string("fan-out to ") + server().name + ": " + e.what());
            }
        }
    }

    void log_once(const std::string& message) {
        if (message == last_log_) return;
        last_log_ = message;
        log::warning(message);
    }

    // GET /v1/health: reachability and uptime. A lower uptime than last time is a restart (the
    // edge may have come back with an older disk state): its real serials are read again.
    void health() {
        store::Server s = server();
        http::ClientRequest r;
        r.url = s.url + "/v1/health";
        r.headers.add("Authorization", "Bearer " + s.key);
        r.timeout = std::min(owner_.settings_.push_timeout, 2.0);
        r.connect_timeout = std::min(owner_.settings_.connect_timeout, r.timeout);
        http::ClientResult res = client_->run({r})[0];
        if (res.status == 200) {
            json j = json::parse(res.body, nullptr, false);
            int64_t uptime = j.is_object() && j.contains("uptime_seconds") &&
                                     j["uptime_seconds"].is_number_integer()
                                 ? j["uptime_seconds"].get<int64_t>()
                                 : -1;
            std::string instance =
                j.is_object() && j.contains("instance") && j["instance"].is_string()
                    ? j["instance"].get<std::string>()
                    : "";
            bool restarted =
                !reachable_ || instance != last_instance_ || (uptime >= 0 && uptime < last_uptime_);
            last_uptime_ = uptime;
            last_instance_ = instance;
            set_reachable(true, "");
            if (restarted) {
                std::lock_guard lock(mu_);
                reconcile_ = true;
                reconcile_at_ = {};
                retry_now_locked();
            }
        } else {
            set_reachable(false, res.answered() ? "health: HTTP " + std::to_string(res.status)
                                                : "unreachable: " + res.error);
        }
    }

    void set_reachable(bool up, const std::string& error) {
        store::Server s = server();
        if (up != reachable_ || !known_) {
            if (up)
                log::info("edge " + s.name + " (" + s.url + ") is reachable");
            else
                log::warning("edge " + s.name + " (" + s.url + ") " + error);
        }
        if (up && !reachable_) {
            std::lock_guard lock(mu_);
            retry_now_locked();
        }
        reachable_ = up;
        known_ = true;
        owner_.set_up(s.name, up);
        pool_.run([&](store::Conn& c) { store::record_contact(c, s.id, up, up ? "" : error); });
    }

    // The edge is back (or another one): every zone is tried again at once.
    void retry_now_locked() {
        edge_failures_ = 0;
        edge_retry_at_ = Clock::now();
        zone_retry_at_.clear();
    }

    void backoff_edge() {
        std::lock_guard lock(mu_);
        ++edge_failures_;
        long ms = 50L << std::min(edge_failures_ - 1, 10);
        ms = std::min<long>(ms, owner_.settings_.max_backoff_ms);
        edge_retry_at_ = Clock::now() + milliseconds(ms);
    }

    // The edge's zones and serials as it reports them, written over what the database believed
    // (rows another process holds are left to it). Zones the edge lacks lose their row, so the
    // scan sends them whole. full (a sync asked through the API): zones the edge holds without a
    // row get one of unknown origin, so the scan replaces them whole, or deletes them when the
    // database has no such domain.
    void fetch_edge_state(bool full = false) {
        store::Server s = server();
        http::ClientRequest r;
        r.url = s.url + "/v1/zones";
        r.headers.add("Authorization", "Bearer " + s.key);
        r.timeout = owner_.settings_.push_timeout;
        r.connect_timeout = std::min(owner_.settings_.connect_timeout, r.timeout);
        http::ClientResult res = client_->run({r})[0];
        json j = res.status == 200 ? json::parse(res.body, nullptr, false) : json();
        if (!j.is_object() || !j.contains("zones") || !j["zones"].is_array()) {
            log_once("edge " + s.name + ": cannot read its zones: " +
                     (res.answered() ? "HTTP " + std::to_string(res.status) : res.error));
            std::lock_guard lock(mu_);
            reconcile_ = true; // again, after a pause
            full_ = full_ || full;
            reconcile_at_ = Clock::now() + milliseconds(owner_.settings_.max_backoff_ms);
            return;
        }
        std::unordered_map<std::string, uint32_t> held;
        for (const json& z : j["zones"]) {
            if (!z.is_object() || !z.contains("name") || !z["name"].is_string() ||
                !z.contains("serial") || !z["serial"].is_number_unsigned())
                continue;
            std::string name = z["name"].get<std::string>();
            if (!name.empty() && name.back() == '.') name.pop_back();
            held[name] = uint32_t(z["serial"].get<uint64_t>());
        }
        pool_.transaction([&](store::Conn& c) {
            std::vector<std::string> zones;
            for (const auto& row : store::server_zones(c, s.id)) zones.push_back(row.zone);
            for (const auto& row : store::lock_rows(c, s.id, zones, true)) {
                auto it = held.find(row.zone);
                if (it == held.end()) {
                    store::drop_row(c, s.id, row.zone);
                    has_row_.erase(row.zone);
                } else if (it->second != row.serial)
                    store::ack_row(c, s.id, row.zone, row.domain_id, it->second);
            }
            if (full) {
                std::set<std::string> known(zones.begin(), zones.end());
                std::vector<store::Ack> unknown;
                for (const auto& [zone, serial] : held)
                    if (!known.count(zone)) unknown.push_back({zone, 0, serial});
                if (!unknown.empty()) store::ack_rows(c, s.id, unknown);
            }
        });
    }

    // What the database says this edge lacks.
    void scan() {
        store::Server s = server();
        auto needs = pool_.run([&](store::Conn& c) { return store::server_needs(c, s.id); });
        std::lock_guard lock(mu_);
        for (auto& n : needs) dirty_.insert(n.zone);
    }

    void retry_zone(const std::string& zone, uint32_t failures) {
        std::lock_guard lock(mu_);
        dirty_.insert(zone);
        long ms = 1000L << std::min<uint32_t>(failures, 6);
        zone_retry_at_[zone] = Clock::now() + milliseconds(std::min(ms, 60000L));
    }

    void again(const std::string& zone, Clock::time_point at = Clock::now()) {
        std::lock_guard lock(mu_);
        dirty_.insert(zone);
        if (at > Clock::now())
            zone_retry_at_[zone] = at;
        else
            zone_retry_at_.erase(zone);
    }

    // One round: lock the zones' rows, compare with the domains, send what is missing, record
    // what the edge acknowledged, commit.
    void push(const std::vector<std::string>& zones) {
        const FanoutSettings& st = owner_.settings_;
        store::Server s = server();
        Contact contact;
        {
            store::Conn c = pool_.acquire();
            // Rows are created (autocommit, without taking locks) for zones not seen yet; a row
            // gone meanwhile is found missing below and created the round after.
            std::vector<std::string> unseen;
            for (const auto& z : zones)
                if (!has_row_.count(z)) unseen.push_back(z);
            if (!unseen.empty()) store::ensure_rows(c, s.id, unseen);
            c.begin();
            try {
                contact = push_locked(c, s, zones, st);
                c.commit();
            } catch (...) {
                c.rollback();
                c.discard(); // it may be the connection that failed
                throw;
            }
        }
        owner_.acked();
        // The edge's state is recorded after the commit, never while the round's locks are held.
        if (contact.failed) {
            backoff_edge();
            if (reachable_ || !known_) set_reachable(false, contact.error);
        } else if (contact.answered && !reachable_) {
            set_reachable(true, "");
        }
    }

    // What a round learnt about the edge itself.
    struct Contact {
        bool answered = false; // some request got an answer
        bool failed = false;   // no answer, or the key was refused
        std::string error;
    };

    Contact push_locked(store::Conn& c, const store::Server& s,
                        const std::vector<std::string>& zones, const FanoutSettings& st) {
        Contact contact;
        auto rows = store::lock_rows(c, s.id, zones, true);
        std::set<std::string> locked;
        std::unordered_map<std::string, store::ServerZone> row_of;
        for (auto& r : rows) {
            locked.insert(r.zone);
            has_row_.insert(r.zone);
            row_of[r.zone] = r;
        }
        std::vector<std::string> mine;
        for (const auto& z : zones)
            if (locked.count(z)) mine.push_back(z);
        if (mine.size() < zones.size()) {
            // Rows another process holds (it is pushing them): try again shortly. Zones without
            // a row have no domain and were never pushed: nothing to do.
            auto existing = store::server_zones(c, s.id);
            std::set<std::string> have;
            for (auto& r : existing) have.insert(r.zone);
            for (const auto& z : zones) {
                if (locked.count(z)) continue;
                if (have.count(z)) {
                    again(z, Clock::now() + locked_retry);
                } else if (has_row_.erase(z)) { // dropped since we saw it: create it again
                    again(z);
                }
            }
        }
        if (mine.empty()) return contact;

        auto needs = store::server_needs(c, s.id, &mine);
        std::vector<uint64_t> ids;
        for (auto& n : needs)
            if (n.domain_id) ids.push_back(*n.domain_id);
        std::unordered_map<uint64_t, store::Domain> domains;
        for (auto& d : store::find_domains_by_id(c, ids)) domains[d.id] = d;

        // The stream: one item per zone to send, in one body.
        std::vector<Sent> sent;
        std::vector<std::string> deletes;
        std::string body;
        std::vector<std::pair<size_t, size_t>> spans;
        zone::StreamWriter w([&](std::string_view m) { body.append(m); });
        for (const auto& n : needs) {
            if (!n.domain_id) {
                deletes.push_back(n.zone);
                continue;
            }
            auto it = domains.find(*n.domain_id);
            if (it == domains.end()) continue; // deleted since the needs were read
            store::Domain& d = it->second;
            size_t start = body.size();
            bool delta = n.row && n.row->domain_id == d.id && n.row->serial != 0 &&
                         store::write_delta(c, d, n.row->serial, w, st.max_delta_octets);
            if (!delta) {
                // The round's connection reads committed data statement by statement, and a
                // write may commit between a domain row and its RRsets: a whole zone is read in
                // one snapshot on the other connection, domain row included.
                store::Conn snap = pool_.acquire();
                snap.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ");
                snap.execute("START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY");
                try {
                    auto now = store::find_domains_by_id(snap, {d.id});
                    if (now.empty()) { // deleted meanwhile: the next round deletes it
                        snap.commit();
                        again(n.zone);
                        continue;
                    }
                    it->second = now[0];
                    store::write_zones(snap, {it->second}, w);
                    snap.commit();
                } catch (...) {
                    snap.rollback();
                    snap.discard();
                    throw;
                }
            }
            spans.emplace_back(start, body.size() - start);
            sent.push_back({n.zone, &d, delta, delta ? n.row->serial : 0});
            if (body.size() > max_round_octets) { // the rest next round
                for (auto& z : mine)
                    if (std::none_of(sent.begin(), sent.end(),
                                     [&](const Sent& x) { return x.zone == z; }))
                        again(z);
                break;
            }
        }
        if (sent.empty() && deletes.empty()) return contact;

        push::Edge edge{s.name, s.url, s.key};
        std::vector<http::ClientRequest> batch;
        push::Input input;
        push::Plan plan;
        if (!sent.empty()) {
            input.buffers.push_back(std::move(body));
            const std::string& buf = input.buffers.back();
            for (size_t i = 0; i < sent.size(); ++i) {
                push::Item it;
                it.zone = sent[i].zone + ".";
                it.delta = sent[i].delta;
                it.serial = sent[i].domain->serial;
                it.from_serial = sent[i].from;
                it.bytes = std::string_view(buf).substr(spans[i].first, spans[i].second);
                input.items.push_back(it);
            }
            plan = push::make_plan(input, false);
            batch.push_back(push::make_request(edge, plan, st.push_timeout, st.connect_timeout));
        }
        for (const auto& z : deletes) {
            http::ClientRequest r;
            r.method = "DELETE";
            r.url = s.url + push::zone_path(z + ".");
            r.headers.add("Authorization", "Bearer " + s.key);
            r.timeout = st.push_timeout;
            r.connect_timeout = std::min(st.connect_timeout, st.push_timeout);
            batch.push_back(std::move(r));
        }
        std::vector<http::ClientResult> results = client_->run(batch);

        bool answered = false, unreachable = false;
        std::string edge_error;
        size_t next = 0;
        if (!sent.empty()) {
            const http::ClientResult& res = results[next++];
            push::EdgeResult er = push::judge(edge, plan, input, res);
            answered = res.answered();
            if (!res.answered()) {
                unreachable = true;
                edge_error = "unreachable: " + res.error;
            } else if (res.status == 401 || res.status == 403) {
                edge_error = er.error;
            }
            for (size_t i = 0; i < sent.size() && i < er.zones.size(); ++i)
                judge_zone(c, s, sent[i], er.zones[i], row_of[sent[i].zone],
                           unreachable || !edge_error.empty());
        }
        for (const auto& z : deletes) {
            const http::ClientResult& res = results[next++];
            answered = answered || res.answered();
            if (res.status == 200 || res.status == 404) {
                owner_.count(s.name, "delete");
                store::drop_row(c, s.id, z);
                has_row_.erase(z);
            } else {
                if (!res.answered()) unreachable = true;
                std::string e =
                    res.answered() ? "DELETE: HTTP " + std::to_string(res.status) : res.error;
                store::fail_row(c, s.id, z, e);
                if (res.answered())
                    retry_zone(z, row_of[z].failures + 1);
                else
                    again(z);
            }
        }
        contact.answered = answered;
        contact.failed = unreachable || !edge_error.empty();
        contact.error = edge_error.empty() ? "unreachable" : edge_error;
        return contact;
    }

    // What the edge said about one zone of the round.
    void judge_zone(store::Conn& c, const store::Server& s, const Sent& x,
                    const push::ZoneResult& r, const store::ServerZone& row, bool edge_failed) {
        const store::Domain& d = *x.domain;
        if (r.status == 200 && r.serial) {
            owner_.count(s.name, x.delta ? "delta" : "full");
            store::ack_row(c, s.id, x.zone, d.id, *r.serial);
            {
                std::lock_guard lock(mu_);
                zone_retry_at_.erase(x.zone);
            }
            if (*r.serial != d.serial) again(x.zone);
            return;
        }
        if (edge_failed) { // no answer, or the key refused: the edge backs off as a whole
            owner_.count(s.name, "failed");
            again(x.zone);
            return;
        }
        owner_.count(s.name, "refused");
        if (r.status == 409 && r.serial) {
            // The edge is elsewhere than the database believed (a restart from an older disk
            // state, a push by hand): deltas from where it is when it is behind, else whole.
            bool behind = dns::serial_later(d.serial, *r.serial);
            store::ack_row(c, s.id, x.zone, behind ? row.domain_id : 0, *r.serial);
            again(x.zone);
            return;
        }
        if (r.status == 404 || (r.status == 400 && x.delta)) { // lacks the zone; delta refused
            store::ack_row(c, s.id, x.zone, 0, 0);
            again(x.zone);
            return;
        }
        store::fail_row(c, s.id, x.zone, r.error);
        log::warning("edge " + s.name + " refused zone " + x.zone + ": " + r.error);
        retry_zone(x.zone, row.failures + 1);
    }

    Fanout& owner_;
    std::mutex mu_;
    std::condition_variable cv_;
    bool stopping_ = false;
    store::Server server_;
    std::set<std::string> dirty_;
    std::unordered_map<std::string, Clock::time_point> zone_retry_at_;
    Clock::time_point edge_retry_at_{};
    int edge_failures_ = 0;
    bool reconcile_ = false;
    bool full_ = false; // the next reconcile also claims the zones the edge holds without a row
    Clock::time_point reconcile_at_{}; // not before this (after a failed read of its zones)
    // Touched by the worker thread only.
    bool reachable_ = false, known_ = false;
    int64_t last_uptime_ = -1;
    std::string last_instance_;
    std::string last_log_;
    std::set<std::string> has_row_; // zones whose server_zones row exists (worker thread only)
    store::Pool pool_;
    std::unique_ptr<http::Client> client_;
    std::thread thread_;
};

// ---- Fanout ----------------------------------------------------------------------------------

Fanout::Fanout(FanoutSettings settings, store::Options database)
    : settings_(settings), database_(database), pool_(fanout_pool_options(std::move(database), 1)) {
}

Fanout::~Fanout() {
    stop();
}

void Fanout::start() {
    std::lock_guard lock(mu_);
    if (supervisor_.joinable()) return;
    stopping_ = false;
    supervisor_ = std::thread([this] { supervise(); });
}

void Fanout::stop() {
    {
        std::lock_guard lock(mu_);
        stopping_ = true;
    }
    cv_.notify_all();
    if (supervisor_.joinable()) supervisor_.join();
    std::map<uint32_t, std::unique_ptr<Worker>> workers;
    {
        std::lock_guard lock(mu_);
        workers.swap(workers_);
    }
    // Every worker is asked first, so they wind down together (each may be inside a push).
    for (auto& [id, w] : workers) w->request_stop();
    workers.clear(); // joins each
}

void Fanout::changed(const std::string& zone) {
    std::lock_guard lock(mu_);
    for (auto& [id, w] : workers_) w->mark(zone);
}

bool Fanout::resync(uint32_t server_id) {
    std::lock_guard lock(mu_);
    auto it = workers_.find(server_id);
    if (it == workers_.end()) {
        // No worker yet (the server is new, or was just activated): the one the supervisor
        // starts reads the edge's zones first anyway.
        reload_ = true;
        cv_.notify_all();
        return false;
    }
    it->second->resync();
    return true;
}

void Fanout::reload() {
    {
        std::lock_guard lock(mu_);
        reload_ = true;
    }
    cv_.notify_all();
}

void Fanout::count(const std::string& server, const char* what, uint64_t n) {
    std::lock_guard lock(stats_mu_);
    counts_[{server, what}] += n;
}

void Fanout::set_up(const std::string& server, bool up) {
    std::lock_guard lock(stats_mu_);
    up_[server] = up;
}

void Fanout::metrics(std::string& out) const {
    std::lock_guard lock(stats_mu_);
    out += "# HELP dnsapid_fanout_zones_total Zones pushed to each edge by this process: "
           "acknowledged as a delta, as a whole zone, or deleted; refused by the edge (it is "
           "sent again, whole or later); or failed (no answer, key refused).\n";
    out += "# TYPE dnsapid_fanout_zones_total counter\n";
    for (const auto& [k, n] : counts_)
        out += "dnsapid_fanout_zones_total{server=\"" + k.first + "\",result=\"" + k.second +
               "\"} " + std::to_string(n) + "\n";
    out += "# HELP dnsapid_fanout_edge_up Whether the edge answered this process's last "
           "contact.\n";
    out += "# TYPE dnsapid_fanout_edge_up gauge\n";
    for (const auto& [name, up] : up_)
        out += "dnsapid_fanout_edge_up{server=\"" + name + "\"} " + (up ? "1" : "0") + "\n";
}

void Fanout::acked() {
    {
        std::lock_guard lock(ack_mu_);
        ++acks_;
    }
    ack_cv_.notify_all();
}

void Fanout::wait_acks(uint64_t seen, Clock::time_point until) {
    std::unique_lock lock(ack_mu_);
    ack_cv_.wait_until(lock, until, [&] { return acks_.load() != seen; });
}

// Keeps one worker per active server of the registry, re-read every scan interval (another
// process may have changed it) or at once after reload().
void Fanout::supervise() {
    std::string last_error;
    for (;;) {
        try {
            sync_workers();
            last_error.clear();
        } catch (const std::exception& e) {
            if (e.what() != last_error) log::warning(std::string("fan-out: ") + e.what());
            last_error = e.what();
        }
        std::unique_lock lock(mu_);
        cv_.wait_for(lock, milliseconds(settings_.scan_interval_ms),
                     [&] { return stopping_ || reload_; });
        if (stopping_) return;
        reload_ = false;
    }
}

void Fanout::sync_workers() {
    auto servers = pool_.run([](store::Conn& c) { return store::list_servers(c); });
    std::vector<std::unique_ptr<Worker>> retired;
    {
        std::lock_guard lock(mu_);
        if (stopping_) return;
        std::set<uint32_t> active;
        for (const auto& s : servers) {
            if (!s.active) continue;
            active.insert(s.id);
            auto it = workers_.find(s.id);
            if (it == workers_.end()) {
                log::info("fan-out: pushing to edge " + s.name + " (" + s.url + ")");
                workers_.emplace(s.id, std::make_unique<Worker>(*this, s));
            } else {
                it->second->update(s);
            }
        }
        for (auto it = workers_.begin(); it != workers_.end();) {
            if (active.count(it->first)) {
                ++it;
            } else {
                retired.push_back(std::move(it->second));
                it = workers_.erase(it);
            }
        }
    }
    retired.clear(); // joined outside the lock
}

} // namespace endpointdns::api
