// SPDX-License-Identifier: MIT
// MySQL/MariaDB access through Connector/C++: options, a connection pool, transactions, retries.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace sql {
class Connection;
class PreparedStatement;
class ResultSet;
class SQLException;
} // namespace sql

namespace endpointdns::config {
class File;
}

namespace endpointdns::store {

struct Slot; // one open connection and its prepared statements (db.cpp)

// Where the database is and how many connections to keep.
struct Options {
    std::string socket;             // a unix socket path; when set, host and port are unused
    std::string host = "127.0.0.1"; // TCP otherwise
    uint16_t port = 3306;
    std::string user = "endpointdns";
    std::string password; // read from password_file, never written in the config itself
    std::string name = "endpointdns";
    unsigned pool_size = 8;        // connections at most; they are opened on demand
    unsigned connect_timeout = 5;  // seconds
    unsigned io_timeout = 30;      // seconds a query may take on the wire
    unsigned acquire_timeout = 10; // seconds to wait for a free connection
};

// The keys of a [database] table, for config::File::check_keys: "<section>.socket", ...
std::vector<std::string> config_keys(const std::string& section = "database");
// Reads the [database] table; password_file is read here (a missing or unreadable file is a
// configuration error naming the file). A non-empty password_file argument (a program's
// --db-password-file) is read instead of the key's file, which is then not opened.
// Throws Error(ex_config).
Options options_from_config(const config::File& file, const std::string& section = "database",
                            const std::string& password_file = {});

// Reading a result set: columns by 1-based index.
class Rows {
public:
    explicit Rows(std::unique_ptr<sql::ResultSet> rs);
    ~Rows();
    Rows(Rows&&) noexcept;
    bool next();
    uint64_t u64(unsigned col) const;
    int64_t i64(unsigned col) const;
    std::string str(unsigned col) const; // binary-safe
    bool is_null(unsigned col) const;
    size_t count() const;

private:
    std::unique_ptr<sql::ResultSet> rs_;
};

// A prepared statement bound to one connection; values are bound in order with add().
// Binary strings (wire names, RDATA) go through add() as std::string: the length is kept.
class Statement {
public:
    explicit Statement(sql::PreparedStatement* ps) : ps_(ps) {}
    Statement& add(int64_t v);
    Statement& add(uint64_t v);
    Statement& add(int v) { return add(int64_t(v)); }
    Statement& add(unsigned v) { return add(uint64_t(v)); }
    Statement& add(std::string_view v);
    Statement& add(const char* v) { return add(std::string_view(v)); }
    Statement& add(const std::string& v) { return add(std::string_view(v)); }
    Statement& add_null();
    template <class T> Statement& add(const std::optional<T>& v) {
        return v ? add(*v) : add_null();
    }
    // Runs an INSERT/UPDATE/DELETE; returns the affected row count.
    uint64_t update();
    // Runs a SELECT.
    Rows query();

private:
    sql::PreparedStatement* ps_;
    unsigned next_ = 1;
};

class Pool;

// One connection taken from the pool for a while: returned on destruction, or dropped when it
// failed in a way that leaves it unusable (lost connection). Prepared statements are cached per
// connection, keyed by their SQL text, so a statement is prepared once per connection.
class Conn {
public:
    Conn(Pool& pool, std::unique_ptr<Slot> slot);
    ~Conn();
    Conn(Conn&&) noexcept;
    Conn(const Conn&) = delete;
    Conn& operator=(const Conn&) = delete;

    Statement prepare(const std::string& sql);
    // Runs statements without parameters (DDL, SET ...).
    void execute(const std::string& sql);
    // The last AUTO_INCREMENT value this connection inserted.
    uint64_t last_insert_id();
    void begin(); // START TRANSACTION (autocommit off until commit/rollback)
    // START TRANSACTION at REPEATABLE READ, for this transaction only (the session stays at
    // READ COMMITTED): every plain read of the transaction sees one snapshot of the database.
    // The snapshot is taken now when snapshot_now is set, else by the first plain read, so a
    // transaction may lock rows (locking reads take no snapshot) and then read a snapshot that
    // is at least as new as its locks.
    void begin_repeatable_read(bool snapshot_now, bool read_only = false);
    void commit();
    void rollback() noexcept;
    bool in_transaction() const;
    // Marks the connection unusable (it is closed instead of returned).
    void discard() noexcept;

private:
    Pool* pool_;
    std::unique_ptr<Slot> slot_;
};

// A bounded pool of connections, opened lazily; thread-safe. Each new connection sets UTC,
// utf8mb4 and READ COMMITTED (writers serialize on explicit row locks, not on gap locks).
class Pool {
public:
    explicit Pool(Options options);
    ~Pool();
    Pool(const Pool&) = delete;
    Pool& operator=(const Pool&) = delete;

    // A connection, opening one when none is idle and the pool is not full. Throws
    // Error(ex_unavailable) when the database cannot be reached or no connection frees up within
    // acquire_timeout.
    Conn acquire();

    // Runs fn in a transaction and commits; rolls back when fn throws. Retries the whole
    // transaction (fn runs again on a fresh state) after a deadlock or lock wait timeout, and
    // once after a lost connection when nothing could have been committed. Database failures
    // become Error(ex_unavailable) ("database unavailable: ...") or Error(ex_software).
    template <class F> auto transaction(F&& fn) -> decltype(fn(std::declval<Conn&>())) {
        using R = decltype(fn(std::declval<Conn&>()));
        if constexpr (std::is_void_v<R>) {
            run_transaction([&](Conn& c) { fn(c); });
        } else {
            std::optional<R> out;
            run_transaction([&](Conn& c) { out.emplace(fn(c)); });
            return std::move(*out);
        }
    }
    // The same without a transaction (autocommit), with the same retry rules.
    template <class F> auto run(F&& fn) -> decltype(fn(std::declval<Conn&>())) {
        using R = decltype(fn(std::declval<Conn&>()));
        if constexpr (std::is_void_v<R>) {
            run_plain([&](Conn& c) { fn(c); });
        } else {
            std::optional<R> out;
            run_plain([&](Conn& c) { out.emplace(fn(c)); });
            return std::move(*out);
        }
    }

    // Closes every idle connection (after a lost connection: the others are likely dead too).
    void drop_idle();

    const Options& options() const { return options_; }
    // Connections opened since start (a reconnect counts), for metrics and tests.
    uint64_t connects() const;

private:
    friend class Conn;
    void run_transaction(const std::function<void(Conn&)>& fn);
    void run_plain(const std::function<void(Conn&)>& fn);
    void give_back(std::unique_ptr<Slot> slot, bool reusable);
    std::unique_ptr<Slot> open();

    Options options_;
    std::mutex mu_;
    std::condition_variable cv_;
    std::vector<std::unique_ptr<Slot>> idle_;
    unsigned open_ = 0;
    uint64_t connects_ = 0;
};

// A DATETIME(3) column read as DATE_FORMAT(col, '%Y-%m-%dT%H:%i:%s.%fZ') (microseconds), as the
// API shows times: RFC 3339 UTC with milliseconds. NULL gives "".
std::string api_time(const Rows& r, unsigned col);

// What kind of failure a Connector/C++ exception is.
bool is_connection_error(const sql::SQLException& e);
bool is_retryable_error(const sql::SQLException& e); // deadlock, lock wait timeout
bool is_duplicate_key(const sql::SQLException& e);

} // namespace endpointdns::store
