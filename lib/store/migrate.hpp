// SPDX-License-Identifier: MIT
// Schema migrations: the SQL files of lib/store/migrations/, built into the library, applied in
// order.
#pragma once

#include "store/db.hpp"

#include <string>
#include <vector>

namespace endpointdns::store {

struct Migration {
    unsigned version; // from the file name: 0001_initial.sql is version 1
    std::string name; // "0001_initial"
    std::string sql;  // statements separated by ';' at the end of a line
};

// Every migration this program knows, in version order.
const std::vector<Migration>& migrations();
unsigned latest_version();

// The version the database is at (0 for an empty database).
unsigned schema_version(Pool& pool);

// Applies the missing migrations in order under a named lock (GET_LOCK), so two migrators never
// interleave; returns how many were applied (0 when up to date: migrating is idempotent). Throws
// Error(ex_dataerr) when the database is at a newer version than this program knows.
unsigned migrate(Pool& pool, const std::function<void(const Migration&)>& on_apply = {});

// Throws Error(ex_config) unless the database is exactly at latest_version(): an older schema
// needs `dnsapid migrate`, a newer one a newer program.
void require_current_schema(Pool& pool);

// The statements of one migration file, comments and blank lines dropped.
std::vector<std::string> split_statements(const std::string& sql);

} // namespace endpointdns::store
