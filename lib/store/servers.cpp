// SPDX-License-Identifier: MIT
// The edge registry and per-edge acknowledged serials.
#include "store/servers.hpp"

#include <algorithm>

namespace endpointdns::store {

namespace {

const char* const server_columns =
    "id, name, url, api_key, ns_name, active, reachable, "
    "DATE_FORMAT(last_contact_at, '%Y-%m-%dT%H:%i:%s.%fZ'), last_error, "
    "DATE_FORMAT(last_error_at, '%Y-%m-%dT%H:%i:%s.%fZ'), "
    "DATE_FORMAT(created_at, '%Y-%m-%dT%H:%i:%s.%fZ'), "
    "DATE_FORMAT(updated_at, '%Y-%m-%dT%H:%i:%s.%fZ')";

Server read_server(const Rows& r) {
    Server s;
    s.id = uint32_t(r.u64(1));
    s.name = r.str(2);
    s.url = r.str(3);
    s.key = r.str(4);
    s.ns_name = r.str(5);
    s.active = r.u64(6) != 0;
    if (!r.is_null(7)) s.reachable = r.u64(7) != 0;
    s.last_contact_at = api_time(r, 8);
    s.last_error = r.str(9);
    s.last_error_at = api_time(r, 10);
    s.created_at = api_time(r, 11);
    s.updated_at = api_time(r, 12);
    return s;
}

ServerZone read_row(const Rows& r, unsigned first) {
    ServerZone z;
    z.zone = r.str(first);
    z.domain_id = r.u64(first + 1);
    z.serial = uint32_t(r.u64(first + 2));
    z.failures = uint32_t(r.u64(first + 3));
    z.last_error = r.str(first + 4);
    return z;
}

const char* const row_columns = "zone, domain_id, serial, failures, last_error";

// Statements with a fixed number of placeholders serve lists of any length: a short batch
// repeats its last value.
constexpr size_t batch = 32;

std::string placeholders() {
    std::string p = "(?";
    for (size_t i = 1; i < batch; ++i) p += ",?";
    return p + ")";
}

template <class F> void in_batches(const std::vector<std::string>& items, F&& fn) {
    for (size_t at = 0; at < items.size(); at += batch) {
        size_t n = std::min(batch, items.size() - at);
        fn([&](Statement& st) {
            for (size_t i = 0; i < batch; ++i) st.add(items[at + std::min(i, n - 1)]);
        });
    }
}

std::string clip(std::string_view s) {
    return std::string(s.substr(0, 500));
}

} // namespace

std::vector<Server> list_servers(Conn& c) {
    Rows r =
        c.prepare(std::string("SELECT ") + server_columns + " FROM servers ORDER BY name").query();
    std::vector<Server> out;
    while (r.next()) out.push_back(read_server(r));
    return out;
}

std::optional<Server> find_server(Conn& c, std::string_view name) {
    Rows r = c.prepare(std::string("SELECT ") + server_columns + " FROM servers WHERE name = ?")
                 .add(name)
                 .query();
    if (!r.next()) return std::nullopt;
    return read_server(r);
}

uint32_t create_server(Conn& c, const Server& s) {
    c.prepare("INSERT INTO servers (name, url, api_key, ns_name, active) VALUES (?, ?, ?, ?, ?)")
        .add(s.name)
        .add(s.url)
        .add(s.key)
        .add(s.ns_name)
        .add(s.active ? 1 : 0)
        .update();
    return uint32_t(c.last_insert_id());
}

void update_server(Conn& c, const Server& s) {
    c.prepare("UPDATE servers SET name = ?, url = ?, api_key = ?, ns_name = ?, active = ?, "
              "updated_at = NOW(3) WHERE id = ?")
        .add(s.name)
        .add(s.url)
        .add(s.key)
        .add(s.ns_name)
        .add(s.active ? 1 : 0)
        .add(s.id)
        .update();
}

bool delete_server(Conn& c, uint32_t id) {
    c.prepare("DELETE FROM server_zones WHERE server_id = ?").add(id).update();
    return c.prepare("DELETE FROM servers WHERE id = ?").add(id).update() > 0;
}

void record_contact(Conn& c, uint32_t id, bool reachable, std::string_view error) {
    if (reachable)
        c.prepare("UPDATE servers SET reachable = 1, last_contact_at = NOW(3) WHERE id = ? AND "
                  "(reachable IS NULL OR reachable = 0 OR last_contact_at IS NULL OR "
                  "last_contact_at < NOW(3) - INTERVAL 1 SECOND)")
            .add(id)
            .update();
    else
        c.prepare("UPDATE servers SET reachable = 0, last_error = ?, last_error_at = NOW(3) "
                  "WHERE id = ? AND (reachable IS NULL OR reachable = 1 OR last_error <> ? OR "
                  "last_error_at IS NULL OR last_error_at < NOW(3) - INTERVAL 1 SECOND)")
            .add(clip(error))
            .add(id)
            .add(clip(error))
            .update();
}

std::vector<ServerZone> server_zones(Conn& c, uint32_t server_id) {
    Rows r = c.prepare(std::string("SELECT ") + row_columns +
                       " FROM server_zones WHERE server_id = ? ORDER BY zone")
                 .add(server_id)
                 .query();
    std::vector<ServerZone> out;
    while (r.next()) out.push_back(read_row(r, 1));
    return out;
}

std::vector<ServerZone> lock_rows(Conn& c, uint32_t server_id,
                                  const std::vector<std::string>& zones, bool skip_locked) {
    std::string sql = std::string("SELECT ") + row_columns +
                      " FROM server_zones WHERE server_id = ? AND zone IN " + placeholders() +
                      (skip_locked ? " FOR UPDATE SKIP LOCKED" : " FOR UPDATE");
    std::vector<ServerZone> out;
    in_batches(zones, [&](auto bind) {
        Statement st = c.prepare(sql);
        st.add(server_id);
        bind(st);
        Rows r = st.query();
        while (r.next()) out.push_back(read_row(r, 1));
    });
    return out;
}

void ensure_rows(Conn& c, uint32_t server_id, const std::vector<std::string>& zones) {
    // A plain read first: INSERT IGNORE would wait on rows another pusher holds.
    std::vector<std::string> missing;
    std::string sql =
        "SELECT zone FROM server_zones WHERE server_id = ? AND zone IN " + placeholders();
    std::vector<std::string> have_all;
    in_batches(zones, [&](auto bind) {
        Statement st = c.prepare(sql);
        st.add(server_id);
        bind(st);
        Rows r = st.query();
        while (r.next()) have_all.push_back(r.str(1));
    });
    std::sort(have_all.begin(), have_all.end());
    for (const auto& z : zones)
        if (!std::binary_search(have_all.begin(), have_all.end(), z)) missing.push_back(z);
    std::sort(missing.begin(), missing.end());
    missing.erase(std::unique(missing.begin(), missing.end()), missing.end());
    for (const auto& z : missing)
        c.prepare("INSERT IGNORE INTO server_zones (server_id, zone, domain_id, serial) "
                  "SELECT ?, name, 0, 0 FROM domains WHERE name = ?")
            .add(server_id)
            .add(z)
            .update();
}

void ack_row(Conn& c, uint32_t server_id, std::string_view zone, uint64_t domain_id,
             uint32_t serial) {
    c.prepare("INSERT INTO server_zones (server_id, zone, domain_id, serial, acked_at) "
              "VALUES (?, ?, ?, ?, NOW(3)) ON DUPLICATE KEY UPDATE domain_id = VALUES(domain_id), "
              "serial = VALUES(serial), acked_at = NOW(3), failures = 0, last_error = ''")
        .add(server_id)
        .add(zone)
        .add(domain_id)
        .add(uint64_t(serial))
        .update();
}

void ack_rows(Conn& c, uint32_t server_id, const std::vector<Ack>& acks) {
    // One statement of a fixed size serves every batch: a short one repeats its last row,
    // which writes the same values twice.
    constexpr size_t rows = 100;
    std::string sql = "INSERT INTO server_zones (server_id, zone, domain_id, serial, acked_at) "
                      "VALUES ";
    for (size_t i = 0; i < rows; ++i) sql += i ? ", (?, ?, ?, ?, NOW(3))" : "(?, ?, ?, ?, NOW(3))";
    sql += " ON DUPLICATE KEY UPDATE domain_id = VALUES(domain_id), serial = VALUES(serial), "
           "acked_at = NOW(3), failures = 0, last_error = ''";
    for (size_t at = 0; at < acks.size(); at += rows) {
        size_t n = std::min(rows, acks.size() - at);
        Statement st = c.prepare(sql);
        for (size_t i = 0; i < rows; ++i) {
            const Ack& a = acks[at + std::min(i, n - 1)];
            st.add(server_id).add(a.zone).add(a.domain_id).add(uint64_t(a.serial));
        }
        st.update();
    }
}

void drop_row(Conn& c, uint32_t server_id, std::string_view zone) {
    c.prepare("DELETE FROM server_zones WHERE server_id = ? AND zone = ?")
        .add(server_id)
        .add(zone)
        .update();
}

void fail_row(Conn& c, uint32_t server_id, std::string_view zone, std::string_view error) {
    c.prepare("UPDATE server_zones SET failures = failures + 1, last_error = ? "
              "WHERE server_id = ? AND zone = ?")
        .add(clip(error))
        .add(server_id)
        .add(zone)
        .update();
}

std::vector<Need> server_needs(Conn& c, uint32_t server_id, const std::vector<std::string>* zones) {
    // One statement, one round trip: the zones to send (a domain whose row is missing, of
    // another domain or at another serial), then the rows whose zone is gone (domain id NULL).
    std::string sends =
        "SELECT d.name, d.id, d.serial, sz.zone IS NULL, sz.zone, sz.domain_id, sz.serial, "
        "sz.failures, sz.last_error FROM domains d LEFT JOIN server_zones sz ON "
        "sz.server_id = ? AND sz.zone = d.name WHERE (sz.zone IS NULL OR sz.domain_id <> d.id OR "
        "sz.serial <> d.serial)";
    std::string deletes =
        "SELECT sz.zone, NULL, 0, 0, sz.zone, sz.domain_id, sz.serial, sz.failures, "
        "sz.last_error FROM server_zones sz LEFT JOIN domains d ON d.name = sz.zone "
        "WHERE sz.server_id = ? AND d.id IS NULL";
    std::vector<Need> out;
    auto read = [&](Rows r) {
        while (r.next()) {
            Need n;
            n.zone = r.str(1);
            if (!r.is_null(2)) {
                n.domain_id = r.u64(2);
                n.domain_serial = uint32_t(r.u64(3));
            }
            if (r.u64(4) == 0) n.row = read_row(r, 5);
            out.push_back(std::move(n));
        }
    };
    if (!zones) {
        read(c.prepare(sends + " UNION ALL " + deletes).add(server_id).add(server_id).query());
        return out;
    }
    std::string sql = sends + " AND d.name IN " + placeholders() + " UNION ALL " + deletes +
                      " AND sz.zone IN " + placeholders();
    in_batches(*zones, [&](auto bind) {
        Statement st = c.prepare(sql);
        st.add(server_id);
        bind(st);
        st.add(server_id);
        bind(st);
        read(st.query());
    });
    // A zone listed twice in a short batch is read twice.
    std::sort(out.begin(), out.end(), [](const Need& a, const Need& b) { return a.zone < b.zone; });
    out.erase(std::unique(out.begin(), out.end(),
                          [](const Need& a, const Need& b) { return a.zone == b.zone; }),
              out.end());
    return out;
}

Lag server_lag(Conn& c, uint32_t server_id) {
    Rows r =
        c.prepare("SELECT COUNT(*), COALESCE(SUM(CAST(d.serial AS SIGNED) - "
                  "CAST(IF(sz.domain_id = d.id, sz.serial, 0) AS SIGNED)), 0), "
                  "DATE_FORMAT(MIN(c.created_at), '%Y-%m-%dT%H:%i:%s.%fZ') "
                  "FROM domains d LEFT JOIN server_zones sz ON sz.server_id = ? AND "
                  "sz.zone = d.name LEFT JOIN changes c ON c.domain_id = d.id AND c.serial_to = "
                  "IF(sz.domain_id = d.id, sz.serial, 0) + 1 "
                  "WHERE sz.zone IS NULL OR sz.domain_id <> d.id OR sz.serial <> d.serial")
            .add(server_id)
            .query();
    Lag lag;
    if (r.next()) {
        lag.zones = r.u64(1);
        int64_t steps = r.i64(2);
        lag.changes = steps > 0 ? uint64_t(steps) : 0;
        lag.oldest_at = api_time(r, 3);
    }
    Rows g = c.prepare("SELECT COUNT(*) FROM server_zones sz LEFT JOIN domains d ON "
                       "d.name = sz.zone WHERE sz.server_id = ? AND d.id IS NULL")
                 .add(server_id)
                 .query();
    if (g.next()) {
        lag.zones += g.u64(1);
        lag.changes += g.u64(1);
    }
    return lag;
}

} // namespace endpointdns::store
