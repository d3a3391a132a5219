// SPDX-License-Identifier: MIT
// The edge registry (servers) and what each edge acknowledged per zone (server_zones): the
// state fan-out, catch-up, change status and zone-sync share. Schema: migration 0002.
#pragma once

#include "store/db.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace endpointdns::store {

struct Server {
    uint32_t id = 0;
    std::string name;
    std::string url; // management API base URL, without a trailing slash
    std::string key; // management key (never shown by the API after creation)
    std::string ns_name;
    bool active = true;
    std::optional<bool> reachable; // the last contact: none before the first
    std::string last_contact_at, last_error, last_error_at, created_at, updated_at; // "" if NULL
};

std::vector<Server> list_servers(Conn& c);
std::optional<Server> find_server(Conn& c, std::string_view name);
// Inserts and returns the id. Throws sql::SQLException with is_duplicate_key for a taken name.
uint32_t create_server(Conn& c, const Server& s);
// Writes name, url, key, ns_name and active of s.id.
void update_server(Conn& c, const Server& s);
// Removes the server and its server_zones rows; false when there was none.
bool delete_server(Conn& c, uint32_t id);
// Records a contact: reachable or not, with the error when not. Cheap to call often: the row is
// written only when the state changes or the last contact is older than a second.
void record_contact(Conn& c, uint32_t id, bool reachable, std::string_view error);

// What one edge acknowledged for one zone.
struct ServerZone {
    std::string zone;       // as domains.name
    uint64_t domain_id = 0; // 0: unknown origin, replace it whole
    uint32_t serial = 0;
    uint32_t failures = 0;
    std::string last_error;
};

// Every row of one server.
std::vector<ServerZone> server_zones(Conn& c, uint32_t server_id);

// Locks the rows of these zones for one server, for the rest of the transaction, and returns
// them. skip_locked: rows another transaction holds are left out (and not waited for); zones
// without a row are left out too (create them with ensure_rows first).
std::vector<ServerZone> lock_rows(Conn& c, uint32_t server_id,
                                  const std::vector<std::string>& zones, bool skip_locked);
// Creates the missing rows of zones that are domains (domain_id 0, serial 0: the edge's copy is
// unknown), without taking locks on rows that exist.
void ensure_rows(Conn& c, uint32_t server_id, const std::vector<std::string>& zones);
// The edge acknowledged `serial` of this domain (a row is created when missing).
void ack_row(Conn& c, uint32_t server_id, std::string_view zone, uint64_t domain_id,
             uint32_t serial);
// ack_row for many zones in few statements (100 rows each): zone-sync acknowledges thousands.
struct Ack {
    std::string zone;
    uint64_t domain_id = 0;
    uint32_t serial = 0;
};
void ack_rows(Conn& c, uint32_t server_id, const std::vector<Ack>& acks);
// The edge no longer holds the zone.
void drop_row(Conn& c, uint32_t server_id, std::string_view zone);
// A push of the zone failed; the row keeps its serial.
void fail_row(Conn& c, uint32_t server_id, std::string_view zone, std::string_view error);

// What one server lacks: a zone whose row is missing, of another domain, or at another serial
// than the domain (domain set), or a row whose zone no longer exists (domain unset).
struct Need {
    std::string zone;
    std::optional<uint64_t> domain_id; // the domain now; none: delete the zone on the edge
    uint32_t domain_serial = 0;
    std::optional<ServerZone> row; // none: the edge has no row (never pushed)
};
// Every need of the server; with zones set, only among these zones.
std::vector<Need> server_needs(Conn& c, uint32_t server_id,
                               const std::vector<std::string>* zones = nullptr);

// Totals for the server listing: zones behind, serial steps behind, the creation time of the
// oldest change not yet acknowledged ("" when in sync).
struct Lag {
    uint64_t zones = 0;
    uint64_t changes = 0;
    std::string oldest_at;
};
Lag server_lag(Conn& c, uint32_t server_id);

} // namespace endpointdns::store
