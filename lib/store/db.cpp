// SPDX-License-Identifier: MIT
// MySQL/MariaDB access through Connector/C++: options, a connection pool, transactions, retries.
#include "store/db.hpp"

#include "config/config.hpp"
#include "error.hpp"
#include "util/secret.hpp"

#include <cppconn/connection.h>
#include <cppconn/driver.h>
#include <cppconn/exception.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <cppconn/statement.h>
#include <mysql_driver.h>

#include <algorithm>

#include <thread>

namespace endpointdns::store {

struct Slot {
    std::unique_ptr<sql::Connection> conn;
    std::unordered_map<std::string, std::unique_ptr<sql::PreparedStatement>> statements;
    bool in_tx = false;
    bool broken = false;
};

namespace {

// MySQL client and server error numbers that mean the connection is gone or never came up.
bool connection_code(int code) {
    switch (code) {
    case 2002: // CR_CONNECTION_ERROR (socket)
    case 2003: // CR_CONN_HOST_ERROR
    case 2006: // CR_SERVER_GONE_ERROR
    case 2013: // CR_SERVER_LOST
    case 2026: // CR_SSL_CONNECTION_ERROR
    case 2055: // CR_SERVER_LOST_EXTENDED
    case 1053: // ER_SERVER_SHUTDOWN
    case 1927: // ER_CONNECTION_KILLED
    case 4031: // ER_CLIENT_INTERACTION_TIMEOUT
        return true;
    default:
        return false;
    }
}

std::string describe(const sql::SQLException& e) {
    std::string what = e.what();
    if (what.empty()) what = "error " + std::to_string(e.getErrorCode());
    return what;
}

sql::Driver* driver() {
    // The first call initializes the client library, which is not thread-safe: do it once.
    static sql::Driver* d = sql::mysql::get_mysql_driver_instance();
    return d;
}

} // namespace

std::string api_time(const Rows& r, unsigned col) {
    if (r.is_null(col)) return "";
    std::string t = r.str(col);
    if (t.size() == 27) t.erase(23, 3); // microseconds to milliseconds
    return t;
}

bool is_connection_error(const sql::SQLException& e) {
    return connection_code(e.getErrorCode());
}

bool is_retryable_error(const sql::SQLException& e) {
    return e.getErrorCode() == 1213 /* ER_LOCK_DEADLOCK */ ||
           e.getErrorCode() == 1205 /* ER_LOCK_WAIT_TIMEOUT */;
}

bool is_duplicate_key(const sql::SQLException& e) {
    return e.getErrorCode() == 1062; // ER_DUP_ENTRY
}

std::vector<std::string> config_keys(const std::string& section) {
    std::vector<std::string> keys;
    for (const char* k : {"socket", "host", "port", "user", "password_file", "name", "pool_size",
                          "connect_timeout", "io_timeout", "acquire_timeout"})
        keys.push_back(section + "." + k);
    return keys;
}

Options options_from_config(const config::File& file, const std::string& section,
                            const std::string& password_file) {
    Options o;
    auto key = [&](const char* k) { return section + "." + k; };
    if (auto v = file.string(key("socket"))) o.socket = *v;
    if (auto v = file.string(key("host"))) o.host = *v;
    if (auto v = file.integer(key("port"), 1, 65535)) o.port = uint16_t(*v);
    if (auto v = file.string(key("user"))) o.user = *v;
    if (!password_file.empty())
        o.password = util::read_secret(password_file, 1, "password file");
    else if (auto v = file.string(key("password_file")))
        o.password = util::read_secret(*v, 1, "password file");
    if (auto v = file.string(key("name"))) o.name = *v;
    if (auto v = file.integer(key("pool_size"), 1, 1024)) o.pool_size = unsigned(*v);
    if (auto v = file.integer(key("connect_timeout"), 1, 3600)) o.connect_timeout = unsigned(*v);
    if (auto v = file.integer(key("io_timeout"), 1, 3600)) o.io_timeout = unsigned(*v);
    if (auto v = file.integer(key("acquire_timeout"), 1, 3600)) o.acquire_timeout = unsigned(*v);
    return o;
}

// ---- Statement, Rows -----------------------------------------------------------------------

Statement& Statement::add(int64_t v) {
    ps_->setInt64(next_++, v);
    return *this;
}
Statement& Statement::add(uint64_t v) {
    ps_->setUInt64(next_++, v);
    return *this;
}
Statement& Statement::add(std::string_view v) {
    ps_->setString(next_++, sql::SQLString(std::string(v)));
    return *this;
}
Statement& Statement::add_null() {
    ps_->setNull(next_++, 0);
    return *this;
}
uint64_t Statement::update() {
    next_ = 1;
    return uint64_t(ps_->executeUpdate());
}
Rows Statement::query() {
    next_ = 1;
    return Rows(std::unique_ptr<sql::ResultSet>(ps_->executeQuery()));
}

Rows::Rows(std::unique_ptr<sql::ResultSet> rs) : rs_(std::move(rs)) {}
Rows::~Rows() = default;
Rows::Rows(Rows&&) noexcept = default;
bool Rows::next() {
    return rs_->next();
}
uint64_t Rows::u64(unsigned col) const {
    return rs_->getUInt64(col);
}
int64_t Rows::i64(unsigned col) const {
    return rs_->getInt64(col);
}
std::string Rows::str(unsigned col) const {
    sql::SQLString s = rs_->getString(col);
    return std::string(s.c_str(), s.length());
}
bool Rows::is_null(unsigned col) const {
    return rs_->isNull(col);
}
size_t Rows::count() const {
    return rs_->rowsCount();
}

// ---- Conn ----------------------------------------------------------------------------------

Conn::Conn(Pool& pool, std::unique_ptr<Slot> slot) : pool_(&pool), slot_(std::move(slot)) {}

Conn::~Conn() {
    if (!slot_) return;
    if (slot_->in_tx) rollback();
    bool reusable = !slot_->broken;
    pool_->give_back(std::move(slot_), reusable);
}

Conn::Conn(Conn&& o) noexcept : pool_(o.pool_), slot_(std::move(o.slot_)) {}

Statement Conn::prepare(const std::string& sql) {
    auto& cached = slot_->statements[sql];
    if (!cached) cached.reset(slot_->conn->prepareStatement(sql));
    cached->clearParameters();
    return Statement(cached.get());
}

void Conn::execute(const std::string& sql) {
    std::unique_ptr<sql::Statement> st(slot_->conn->createStatement());
    st->execute(sql);
}

uint64_t Conn::last_insert_id() {
    Rows rows = prepare("SELECT LAST_INSERT_ID()").query();
    rows.next();
    return rows.u64(1);
}

void Conn::begin() {
    execute("START TRANSACTION");
    slot_->in_tx = true;
}

void Conn::begin_repeatable_read(bool snapshot_now, bool read_only) {
    execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ");
    std::string sql = "START TRANSACTION";
    if (snapshot_now) sql += " WITH CONSISTENT SNAPSHOT";
    if (read_only) sql += snapshot_now ? ", READ ONLY" : " READ ONLY";
    execute(sql);
    slot_->in_tx = true;
}

void Conn::commit() {
    execute("COMMIT");
    slot_->in_tx = false;
}

void Conn::rollback() noexcept {
    slot_->in_tx = false;
    try {
        execute("ROLLBACK");
    } catch (...) {
        slot_->broken = true; // the connection state is unknown: do not reuse it
    }
}

bool Conn::in_transaction() const {
    return slot_->in_tx;
}

void Conn::discard() noexcept {
    slot_->broken = true;
}

// ---- Pool ----------------------------------------------------------------------------------

Pool::Pool(Options options) : options_(std::move(options)) {
    driver();
}

Pool::~Pool() = default;

uint64_t Pool::connects() const {
    std::lock_guard lock(const_cast<std::mutex&>(mu_));
    return connects_;
}

std::unique_ptr<Slot> Pool::open() {
    sql::ConnectOptionsMap opts;
    if (!options_.socket.empty())
        opts["hostName"] = sql::SQLString("unix://" + options_.socket);
    else
        opts["hostName"] =
            sql::SQLString("tcp://" + options_.host + ":" + std::to_string(options_.port));
    opts["userName"] = sql::SQLString(options_.user);
    opts["password"] = sql::SQLString(options_.password);
    opts["schema"] = sql::SQLString(options_.name);
    opts["OPT_CONNECT_TIMEOUT"] = int(options_.connect_timeout);
    opts["OPT_READ_TIMEOUT"] = int(options_.io_timeout);
    opts["OPT_WRITE_TIMEOUT"] = int(options_.io_timeout);
    opts["OPT_RECONNECT"] = false; // a silent reconnect would drop a transaction unnoticed
    auto slot = std::make_unique<Slot>();
    try {
        slot->conn.reset(driver()->connect(opts));
        std::unique_ptr<sql::Statement> st(slot->conn->createStatement());
        st->execute("SET NAMES utf8mb4 COLLATE utf8mb4_bin");
        st->execute("SET time_zone = '+00:00'");
        st->execute("SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED");
        // A lock wait must end as a lock wait timeout (1205, retried) before the client's read
        // timeout ends it as a lost connection.
        st->execute("SET SESSION innodb_lock_wait_timeout = " +
                    std::to_string(std::max(1u, std::min(10u, options_.io_timeout / 2))));
        st->execute("SET SESSION sql_mode = 'STRICT_ALL_TABLES,NO_ZERO_DATE,"
                    "NO_ENGINE_SUBSTITUTION,ERROR_FOR_DIVISION_BY_ZERO'");
    } catch (const sql::SQLException& e) {
        std::string where = options_.socket.empty()
                                ? options_.host + ":" + std::to_string(options_.port)
                                : options_.socket;
        // Refused credentials or a missing database are the configuration's fault, not an
        // outage: the operator must act, and waiting will not help.
        int code = e.getErrorCode();
        bool config = code == 1044 || code == 1045 || code == 1049; // access denied, no database
        throw Error(config ? ex_config : ex_unavailable,
                    std::string(config ? "database refuses the connection: "
                                       : "database unavailable: cannot connect to ") +
                        where + " as " + options_.user + ": " + describe(e));
    }
    return slot;
}

Conn Pool::acquire() {
    {
        std::unique_lock lock(mu_);
        auto deadline =
            std::chrono::steady_clock::now() + std::chrono::seconds(options_.acquire_timeout);
        while (idle_.empty() && open_ >= options_.pool_size) {
            if (cv_.wait_until(lock, deadline) == std::cv_status::timeout && idle_.empty() &&
                open_ >= options_.pool_size)
                throw Error(ex_unavailable, "database unavailable: all " +
                                                std::to_string(options_.pool_size) +
                                                " connections busy");
        }
        if (!idle_.empty()) {
            auto slot = std::move(idle_.back());
            idle_.pop_back();
            return Conn(*this, std::move(slot));
        }
        ++open_;
        ++connects_;
    }
    try {
        return Conn(*this, open());
    } catch (...) {
        std::lock_guard lock(mu_);
        --open_;
        cv_.notify_one();
        throw;
    }
}

void Pool::drop_idle() {
    std::vector<std::unique_ptr<Slot>> gone;
    {
        std::lock_guard lock(mu_);
        open_ -= unsigned(idle_.size());
        gone.swap(idle_);
        cv_.notify_all();
    }
    // Closing happens outside the lock; a dead connection's close does not wait on the server.
}

void Pool::give_back(std::unique_ptr<Slot> slot, bool reusable) {
    std::lock_guard lock(mu_);
    if (reusable)
        idle_.push_back(std::move(slot));
    else
        --open_;
    cv_.notify_one();
}

namespace {

enum class Phase { before, running, committing };

// The shared retry loop of run_transaction and run_plain.
void with_retries(Pool& pool, bool tx, const std::function<void(Conn&)>& fn) {
    int deadlocks = 0;
    bool reconnected = false;
    for (;;) {
        Phase phase = Phase::before;
        try {
            Conn conn = pool.acquire();
            try {
                phase = Phase::running;
                if (tx) conn.begin();
                fn(conn);
                if (tx) {
                    phase = Phase::committing;
                    conn.commit();
                }
                return;
            } catch (const sql::SQLException& e) {
                if (is_connection_error(e))
                    conn.discard();
                else if (conn.in_transaction())
                    conn.rollback();
                throw;
            } catch (...) {
                if (conn.in_transaction()) conn.rollback();
                throw;
            }
        } catch (const sql::SQLException& e) {
            if (is_retryable_error(e) && deadlocks < 5) {
                ++deadlocks;
                std::this_thread::sleep_for(std::chrono::milliseconds(2 << deadlocks));
                continue;
            }
            if (is_connection_error(e)) {
                // A connection that died before COMMIT was sent committed nothing: try once
                // more on a new one (the server may have restarted since it was opened).
                if (phase != Phase::committing && !reconnected) {
                    reconnected = true;
                    // The idle connections were opened to the same server: after a restart
                    // they are all dead, so drop them rather than fail on each in turn.
                    pool.drop_idle();
                    continue;
                }
                throw Error(ex_unavailable,
                            std::string("database unavailable: ") +
                                (phase == Phase::committing
                                     ? "connection lost during COMMIT (outcome unknown): "
                                     : "") +
                                describe(e));
            }
            throw Error(ex_software, "database error: " + describe(e));
        }
    }
}

} // namespace

void Pool::run_transaction(const std::function<void(Conn&)>& fn) {
    with_retries(*this, true, fn);
}

void Pool::run_plain(const std::function<void(Conn&)>& fn) {
    with_retries(*this, false, fn);
}

} // namespace endpointdns::store
