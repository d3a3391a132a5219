// SPDX-License-Identifier: MIT
// Unit tests of lib/store against a real, throwaway MariaDB: migrations, the pool, zone changes.
//
// (tests/unit/store_test.cpp holds the tests of lib/serve/store; this file is lib/store's.)
// The server is started once for the whole binary with tests/helpers/mariadb.bash, in a
// temporary directory, and stopped at the end; every test suite works in a database of its
// own (ut_*). Without mariadbd every test is skipped.
#include "store/db.hpp"
#include "store/history.hpp"
#include "store/migrate.hpp"
#include "store/zones.hpp"

#include "dns/name.hpp"
#include "dns/rr.hpp"
#include "error.hpp"
#include "store/compile.hpp"
#include "store/servers.hpp"
#include "zone/content.hpp"
#include "zone/stream.hpp"

#include "test_util.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <sys/wait.h>
#include <tuple>
#include <vector>

namespace dns = endpointdns::dns;
namespace store = endpointdns::store;
namespace rrtype = endpointdns::dns::rrtype;
using endpointdns::Error;
using store::ChangeResult;
using store::Conn;
using store::Edit;
using store::Pool;
using store::Record;
using Status = store::ChangeResult::Status;
using namespace endpointdns::test;

namespace {

// ---- the throwaway server ------------------------------------------------------------------

// mariadb.bash run as a script: `start` (the server in DIR/db, the database user granted
// everything on ut_* databases, its socket path in DIR/socket), `stop`, `restart`. Exit 3 when
// mariadbd is not installed.
const char* const server_script = R"(set -u
source "$1/tests/helpers/mariadb.bash"
dir=$2
case $3 in
start)
    command -v mariadbd >/dev/null 2>&1 || PATH=$PATH:/usr/sbin
    command -v mariadbd >/dev/null 2>&1 && command -v mariadb-install-db >/dev/null 2>&1 &&
        command -v mariadb >/dev/null 2>&1 || exit 3
    mariadb_start "$dir/db" || exit 1
    _mariadb_client <<'EOF' || { mariadb_stop; exit 1; }
GRANT ALL ON `ut\_%`.* TO 'endpointdns'@'localhost';
EOF
    printf '%s' "$MARIADB_SOCKET" >"$dir/socket"
    ;;
stop | restart)
    PATH=$PATH:/usr/sbin
    MARIADB_DIR=$dir/db
    MARIADB_SOCKET=$(cat "$dir/socket")
    read -r MARIADB_PORT <"$MARIADB_DIR/port"
    "mariadb_$3"
    ;;
esac
)";

class Server {
public:
    static Server& get() {
        static Server s;
        return s;
    }
    // Starts the server unless it runs. Afterwards skip() says why the tests are skipped
    // (mariadbd not installed) and error() why they fail (it is installed but did not start).
    void ensure_started() {
        if (tried_) return;
        tried_ = true;
        dir_ = std::make_unique<TempDir>("store-db");
        dir_->write("server.sh", server_script);
        int rc = script("start");
        if (rc == 3)
            skip_ = "mariadbd, mariadb-install-db or mariadb is not installed "
                    "(apt-get install mariadb-server mariadb-client)";
        else if (rc != 0)
            error_ = "cannot start a throwaway MariaDB server with tests/helpers/mariadb.bash "
                     "(exit " +
                     std::to_string(rc) + "); its messages are above";
        else
            running_ = true;
    }
    const std::string& skip() const { return skip_; }
    const std::string& error() const { return error_; }
    void stop() { EXPECT_EQ(script("stop"), 0) << "mariadb_stop failed"; }
    void restart() { EXPECT_EQ(script("restart"), 0) << "mariadb_restart failed"; }
    void shut_down() {
        if (running_) script("stop");
        running_ = false;
        dir_.reset();
    }
    store::Options options(const std::string& database) const {
        store::Options o;
        o.socket = slurp(dir_->path() + "/socket");
        o.user = "endpointdns";
        o.password = slurp(dir_->path() + "/db/password");
        o.name = database;
        o.pool_size = 4;
        o.connect_timeout = 2;
        o.io_timeout = 10;
        o.acquire_timeout = 5;
        return o;
    }

private:
    int script(const std::string& what) {
        std::string cmd = "bash '" + dir_->path() + "/server.sh' '" SOURCE_DIR "' '" +
                          dir_->path() + "' " + what + " </dev/null";
        int st = std::system(cmd.c_str());
        return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
    }
    std::unique_ptr<TempDir> dir_;
    bool tried_ = false, running_ = false;
    std::string skip_, error_;
};

// Stops the server after the last test.
class ServerEnvironment : public ::testing::Environment {
public:
    void TearDown() override { Server::get().shut_down(); }
};
[[maybe_unused]] const auto* const environment =
    ::testing::AddGlobalTestEnvironment(new ServerEnvironment);

// A fresh database `name` (dropped first if a test run left it) and a pool on it.
std::unique_ptr<Pool> fresh_database(const std::string& name) {
    Pool admin(Server::get().options("endpointdns"));
    admin.run([&](Conn& c) {
        c.execute("DROP DATABASE IF EXISTS `" + name + "`");
        c.execute("CREATE DATABASE `" + name + "`");
    });
    return std::make_unique<Pool>(Server::get().options(name));
}

// The base of every test suite here: the server started, skipped without one.
class Db : public ::testing::Test {
protected:
    static void SetUpTestSuite() { Server::get().ensure_started(); }
    void SetUp() override {
        Server::get().ensure_started();
        if (!Server::get().skip().empty()) GTEST_SKIP() << Server::get().skip();
        if (!Server::get().error().empty()) FAIL() << Server::get().error();
    }
};

// What an Error thrown by fn carries: (exit code, message); (0, "") when nothing is thrown.
std::pair<int, std::string> error_of(const std::function<void()>& fn) {
    try {
        fn();
    } catch (const Error& e) {
        return {e.code(), e.what()};
    }
    return {0, ""};
}

uint64_t count(Pool& pool, const std::string& sql) {
    return pool.run([&](Conn& c) {
        auto r = c.prepare(sql).query();
        r.next();
        return r.u64(1);
    });
}

} // namespace

// ---- migrations ----------------------------------------------------------------------------

class Migrations : public Db {};

TEST_F(Migrations, EmptyDatabaseGetsEveryMigrationThenNone) {
    auto pool = fresh_database("ut_migrate");
    EXPECT_EQ(store::schema_version(*pool), 0u);
    EXPECT_EQ(error_of([&] { store::require_current_schema(*pool); }).first, endpointdns::ex_config)
        << "an empty database needs `dnsapid migrate`";

    std::vector<std::string> applied;
    unsigned n =
        store::migrate(*pool, [&](const store::Migration& m) { applied.push_back(m.name); });
    ASSERT_FALSE(store::migrations().empty());
    EXPECT_EQ(n, store::migrations().size());
    ASSERT_EQ(applied.size(), store::migrations().size());
    for (size_t i = 0; i < applied.size(); ++i) EXPECT_EQ(applied[i], store::migrations()[i].name);
    EXPECT_EQ(applied.front(), "0001_initial");
    EXPECT_EQ(store::schema_version(*pool), store::latest_version());
    EXPECT_EQ(store::latest_version(), store::migrations().back().version);
    EXPECT_EQ(error_of([&] { store::require_current_schema(*pool); }).first, 0);
    for (const char* table : {"plans", "accounts", "api_keys", "domains", "rrsets", "changes",
                              "usage_daily", "audit", "schema_migrations"})
        EXPECT_EQ(count(*pool, std::string("SELECT COUNT(*) FROM information_schema.tables WHERE "
                                           "table_schema = DATABASE() AND table_name = '") +
                                   table + "'"),
                  1u)
            << table;

    // Idempotent: nothing to apply, the callback is not called, the version stays.
    applied.clear();
    EXPECT_EQ(store::migrate(*pool, [&](const store::Migration& m) { applied.push_back(m.name); }),
              0u);
    EXPECT_TRUE(applied.empty());
    EXPECT_EQ(store::schema_version(*pool), store::latest_version());
    EXPECT_EQ(count(*pool, "SELECT COUNT(*) FROM schema_migrations"), store::migrations().size());
}

TEST_F(Migrations, NewerSchemaIsRefusedByMigrateAndByRequireCurrentSchema) {
    auto pool = fresh_database("ut_migrate_newer");
    store::migrate(*pool);
    unsigned future = store::latest_version() + 1;
    pool->run([&](Conn& c) {
        c.prepare("INSERT INTO schema_migrations (version, name) VALUES (?, 'from_the_future')")
            .add(future)
            .update();
    });
    EXPECT_EQ(store::schema_version(*pool), future);
    auto [code, what] = error_of([&] { store::migrate(*pool); });
    EXPECT_EQ(code, endpointdns::ex_dataerr) << what;
    EXPECT_NE(what.find(std::to_string(future)), std::string::npos) << what;
    auto [code2, what2] = error_of([&] { store::require_current_schema(*pool); });
    EXPECT_EQ(code2, endpointdns::ex_config) << what2;
    EXPECT_NE(what2.find("newer"), std::string::npos) << what2;
    // The refused migrate changed nothing and released its lock: another run refuses the same.
    EXPECT_EQ(count(*pool, "SELECT COUNT(*) FROM schema_migrations"),
              store::migrations().size() + 1);
    EXPECT_EQ(error_of([&] { store::migrate(*pool); }).first, endpointdns::ex_dataerr);
}

TEST(SplitStatements, CommentsAndBlankLinesDroppedSplitAtSemicolonLineEnds) {
    auto v = store::split_statements("-- a comment\n\nCREATE TABLE a (\n  x INT -- inline\n);\n"
                                     "  -- indented comment\nINSERT INTO a VALUES (1);  \n"
                                     "SELECT 'no; split'\n");
    ASSERT_EQ(v.size(), 3u);
    EXPECT_EQ(v[0], "CREATE TABLE a (\n  x INT -- inline\n)");
    EXPECT_EQ(v[1], "INSERT INTO a VALUES (1)");
    EXPECT_EQ(v[2], "SELECT 'no; split'\n");
}

// ---- the pool ------------------------------------------------------------------------------

class PoolTest : public Db {
protected:
    static std::unique_ptr<Pool>& pool() {
        static std::unique_ptr<Pool> p;
        return p;
    }
    void SetUp() override {
        Db::SetUp();
        if (IsSkipped() || HasFatalFailure()) return;
        if (!pool()) {
            pool() = fresh_database("ut_pool");
            pool()->run([](Conn& c) {
                c.execute("CREATE TABLE t (id INT UNSIGNED AUTO_INCREMENT PRIMARY KEY, "
                          "b MEDIUMBLOB NOT NULL, v VARBINARY(300) NOT NULL) ENGINE=InnoDB");
            });
        }
        pool()->run([](Conn& c) { c.execute("DELETE FROM t"); });
    }
    static void TearDownTestSuite() { pool().reset(); }
};

TEST_F(PoolTest, BinaryStringsRoundTripWithNulAndFf) {
    std::string every; // every octet value, NUL first and 0xff last
    for (int i = 0; i < 256; ++i) every.push_back(char(i));
    std::string nuls("\0\0\xff\0x\xff", 6);
    for (const std::string& value : {every, nuls, std::string(), std::string(70000, '\0')}) {
        uint64_t id = pool()->transaction([&](Conn& c) {
            c.prepare("INSERT INTO t (b, v) VALUES (?, ?)")
                .add(value)
                .add(std::string_view(value).substr(0, 300))
                .update();
            return c.last_insert_id();
        });
        pool()->run([&](Conn& c) {
            auto r =
                c.prepare("SELECT b, v, LENGTH(b), LENGTH(v) FROM t WHERE id = ?").add(id).query();
            ASSERT_TRUE(r.next());
            EXPECT_EQ(r.str(1), value) << "blob of " << value.size() << " octets";
            EXPECT_EQ(r.str(2), value.substr(0, 300));
            // The server holds every octet, not a string cut at the first NUL.
            EXPECT_EQ(r.u64(3), value.size());
            EXPECT_EQ(r.u64(4), std::min<size_t>(value.size(), 300));
        });
    }
    // A binary value as a parameter of a WHERE clause finds its row.
    EXPECT_EQ(pool()->run([&](Conn& c) {
        auto r = c.prepare("SELECT COUNT(*) FROM t WHERE b = ?").add(nuls).query();
        r.next();
        return r.u64(1);
    }),
              1u);
}

TEST_F(PoolTest, TransactionRollsBackWhenTheFunctionThrows) {
    EXPECT_THROW(pool()->transaction([](Conn& c) {
        c.prepare("INSERT INTO t (b, v) VALUES ('one', '')").update();
        c.prepare("INSERT INTO t (b, v) VALUES ('two', '')").update();
        EXPECT_TRUE(c.in_transaction());
        throw std::runtime_error("changed my mind");
    }),
                 std::runtime_error);
    EXPECT_EQ(count(*pool(), "SELECT COUNT(*) FROM t"), 0u);

    // An Error keeps its exit code on the way out, and its rows are gone as well.
    auto [code, what] = error_of([&] {
        pool()->transaction([](Conn& c) {
            c.prepare("INSERT INTO t (b, v) VALUES ('three', '')").update();
            throw Error(endpointdns::ex_dataerr, "refused");
        });
    });
    EXPECT_EQ(code, endpointdns::ex_dataerr);
    EXPECT_EQ(what, "refused");
    EXPECT_EQ(count(*pool(), "SELECT COUNT(*) FROM t"), 0u);

    // A failing statement: Error(ex_software), nothing of the transaction kept.
    auto [code2, what2] = error_of([&] {
        pool()->transaction([](Conn& c) {
            c.prepare("INSERT INTO t (b, v) VALUES ('four', '')").update();
            c.prepare("INSERT INTO t (id, b, v) VALUES (NULL, NULL, '')").update(); // NOT NULL
        });
    });
    EXPECT_EQ(code2, endpointdns::ex_software) << what2;
    EXPECT_EQ(count(*pool(), "SELECT COUNT(*) FROM t"), 0u);

    // The connections are usable afterwards, and a transaction that returns commits.
    pool()->transaction(
        [](Conn& c) { c.prepare("INSERT INTO t (b, v) VALUES ('ok', '')").update(); });
    EXPECT_EQ(count(*pool(), "SELECT COUNT(*) FROM t"), 1u);
}

// zone-sync locks rows first and reads a snapshot taken after the locks; zone-compile --db
// reads every zone as of one moment.
TEST_F(PoolTest, RepeatableReadSnapshotIsTakenByTheFirstPlainReadOrAtOnce) {
    uint64_t one = pool()->run([](Conn& c) {
        c.prepare("INSERT INTO t (b, v) VALUES ('one', '')").update();
        return c.last_insert_id();
    });
    auto insert = [&](const char* what) {
        pool()->run(
            [&](Conn& c) { c.prepare("INSERT INTO t (b, v) VALUES (?, '')").add(what).update(); });
    };
    auto rows = [](Conn& c) {
        auto r = c.prepare("SELECT COUNT(*) FROM t").query();
        r.next();
        return r.u64(1);
    };
    {
        Conn c = pool()->acquire();
        c.begin_repeatable_read(false);
        EXPECT_TRUE(c.in_transaction());
        // A locking read (of one row: a scan would lock the gaps too) takes no snapshot yet.
        c.prepare("SELECT id FROM t WHERE id = ? FOR UPDATE").add(one).query();
        insert("two");
        EXPECT_EQ(rows(c), 2u) << "the snapshot is taken by the first plain read";
        insert("three");
        EXPECT_EQ(rows(c), 2u) << "and kept for the transaction";
        c.commit();
        EXPECT_EQ(rows(c), 3u) << "the next statement sees the latest again";
    }
    {
        Conn c = pool()->acquire();
        c.begin_repeatable_read(true, true);
        insert("four");
        EXPECT_EQ(rows(c), 3u) << "WITH CONSISTENT SNAPSHOT: as of the start";
        EXPECT_ANY_THROW(c.prepare("INSERT INTO t (b, v) VALUES ('no', '')").update())
            << "READ ONLY";
        c.rollback();
    }
    {
        // The session stays READ COMMITTED: a plain transaction sees each commit.
        Conn c = pool()->acquire();
        c.begin();
        EXPECT_EQ(rows(c), 4u);
        insert("five");
        EXPECT_EQ(rows(c), 5u);
        c.commit();
    }
}

// Holds n connections at once, so that n are idle in the pool afterwards.
void open_connections(Pool& pool, unsigned n) {
    std::vector<Conn> held;
    for (unsigned i = 0; i < n; ++i) held.push_back(pool.acquire());
    for (auto& c : held) c.prepare("SELECT 1").query();
}

// Last of the suite: restarts and stops the server.
TEST_F(PoolTest, ReconnectsAfterARestartAndIsUnavailableWhileStopped) {
    Pool& p = *pool();
    // Every idle connection dies with the restart, not only the one the next run takes.
    open_connections(p, 3);
    uint64_t before = p.connects();
    EXPECT_GE(before, 3u);
    Server::get().restart();
    uint64_t answer = 0;
    auto [code0, what0] = error_of([&] {
        answer = p.run([](Conn& c) {
            auto r = c.prepare("SELECT 41 + 1").query();
            r.next();
            return r.u64(1);
        });
    });
    EXPECT_EQ(code0, 0) << "the first run after a restart reconnects (one retry after a lost "
                           "connection, every dead idle connection dropped): "
                        << what0;
    EXPECT_EQ(answer, 42u);
    EXPECT_GT(p.connects(), before);
    // So do a transaction and a second run, on whatever connections are left.
    p.transaction([](Conn& c) { c.prepare("INSERT INTO t (b, v) VALUES ('after', '')").update(); });
    EXPECT_EQ(count(p, "SELECT COUNT(*) FROM t"), 1u);

    open_connections(p, 3);
    Server::get().stop();
    auto [code, what] = error_of([&] { p.run([](Conn& c) { c.prepare("SELECT 1").query(); }); });
    EXPECT_EQ(code, endpointdns::ex_unavailable) << what;
    EXPECT_NE(what.find("database unavailable"), std::string::npos) << what;
    auto [code2, what2] = error_of([&] {
        p.transaction([](Conn& c) { c.prepare("INSERT INTO t (b, v) VALUES ('x', '')").update(); });
    });
    EXPECT_EQ(code2, endpointdns::ex_unavailable) << what2;

    Server::get().restart();
    EXPECT_EQ(count(p, "SELECT COUNT(*) FROM t"), 1u) << "the same pool works again";
}

// ---- zones ---------------------------------------------------------------------------------

namespace {

Record rec(uint16_t type, std::string_view text) {
    auto c = endpointdns::zone::parse_content(type, text);
    EXPECT_TRUE(c.ok()) << text << ": " << (c.ok() ? "" : c.error());
    if (!c.ok()) return {};
    return {c->text, c->rdata};
}

Record a(std::string_view ip) {
    return rec(rrtype::A, ip);
}

Edit edit(Edit::Op op, std::string name, uint16_t type, std::vector<Record> records,
          std::optional<uint32_t> ttl = std::nullopt) {
    Edit e;
    e.op = op;
    e.name = std::move(name);
    e.type = type;
    e.records = std::move(records);
    e.ttl = ttl;
    return e;
}

Edit replace(std::string name, uint16_t type, std::vector<Record> records,
             std::optional<uint32_t> ttl = std::nullopt) {
    return edit(Edit::Op::replace, std::move(name), type, std::move(records), ttl);
}

std::vector<std::string> texts(const store::Rrset& r) {
    std::vector<std::string> out;
    for (const auto& x : r.records) out.push_back(x.text);
    return out;
}

// One RR of a journal blob.
struct WireRr {
    std::string owner; // uncompressed wire name
    uint16_t type = 0, cls = 0;
    uint32_t ttl = 0;
    std::string rdata;
};

uint16_t get16(const std::string& s, size_t at) {
    return uint16_t((uint8_t(s[at]) << 8) | uint8_t(s[at + 1]));
}

// A journal blob read as uncompressed wire RRs one after another; a malformed blob fails the
// test.
std::vector<WireRr> decode(const std::string& blob) {
    std::vector<WireRr> out;
    size_t at = 0;
    while (at < blob.size()) {
        size_t n = dns::wire_name_length(reinterpret_cast<const uint8_t*>(blob.data()) + at,
                                         blob.size() - at);
        if (n == 0) {
            ADD_FAILURE() << "no valid uncompressed owner name at offset " << at;
            return out;
        }
        WireRr rr;
        rr.owner = blob.substr(at, n);
        at += n;
        if (blob.size() - at < 10) {
            ADD_FAILURE() << "RR header truncated at offset " << at;
            return out;
        }
        rr.type = get16(blob, at);
        rr.cls = get16(blob, at + 2);
        rr.ttl = (uint32_t(get16(blob, at + 4)) << 16) | get16(blob, at + 6);
        size_t len = get16(blob, at + 8);
        at += 10;
        if (blob.size() - at < len) {
            ADD_FAILURE() << "RDATA of " << len << " octets truncated at offset " << at;
            return out;
        }
        rr.rdata = blob.substr(at, len);
        at += len;
        EXPECT_EQ(rr.cls, dns::rrclass::IN);
        EXPECT_NE(rr.type, rrtype::SOA) << "the SOA is not journalled";
        out.push_back(std::move(rr));
    }
    return out;
}

// An RR as (owner wire, type, TTL, RDATA): the unit of the replay model.
using Rr = std::tuple<std::string, uint16_t, uint32_t, std::string>;

std::set<Rr> as_set(const std::vector<WireRr>& v) {
    std::set<Rr> out;
    for (const auto& r : v)
        EXPECT_TRUE(out.emplace(r.owner, r.type, r.ttl, r.rdata).second) << "a repeated RR";
    return out;
}

struct Change {
    uint64_t id = 0;
    std::string kind;
    uint32_t from = 0, to = 0;
    std::string removed, added, actor, summary;
};

class Zones : public Db {
protected:
    static std::unique_ptr<Pool>& pool() {
        static std::unique_ptr<Pool> p;
        return p;
    }
    static uint64_t& account() {
        static uint64_t id = 0;
        return id;
    }
    void SetUp() override {
        Db::SetUp();
        if (IsSkipped() || HasFatalFailure() || pool()) return;
        pool() = fresh_database("ut_zones");
        store::migrate(*pool());
        account() = pool()->transaction([](Conn& c) {
            c.execute("INSERT INTO plans (name) VALUES ('free')");
            c.execute("INSERT INTO accounts (name, plan_id) SELECT 'alice', id FROM plans");
            return c.last_insert_id();
        });
    }
    static void TearDownTestSuite() { pool().reset(); }

    store::Actor actor() const { return {account(), std::nullopt, "admin", "192.0.2.99"}; }
    static store::Soa soa() { return {"ns1.endpointdns.test", "hostmaster.endpointdns.test"}; }
    static std::vector<Record> ns() {
        return {rec(rrtype::NS, "ns1.endpointdns.test."), rec(rrtype::NS, "ns2.endpointdns.test.")};
    }

    store::Domain create(const std::string& name, uint64_t* change_id = nullptr) {
        return pool()->transaction([&](Conn& c) {
            return store::create_domain(c, account(), name, soa(), 60, 3600, ns(), actor(),
                                        change_id);
        });
    }
    store::Domain domain(const std::string& name) {
        auto d = pool()->run([&](Conn& c) { return store::find_domain(c, name); });
        if (!d) throw std::runtime_error("no domain " + name);
        return *d;
    }
    ChangeResult apply(const std::string& zone, const std::vector<Edit>& edits,
                       uint64_t max_records = 0, std::string summary = "test") {
        return pool()->transaction([&](Conn& c) {
            auto d = store::find_domain(c, zone, true);
            if (!d) throw std::runtime_error("no domain " + zone);
            return store::apply_edits(c, *d, edits, actor(), max_records, summary);
        });
    }
    std::optional<store::Rrset> rrset(const std::string& zone, const std::string& name,
                                      uint16_t type) {
        uint64_t id = domain(zone).id;
        return pool()->run([&](Conn& c) { return store::find_rrset(c, id, name, type); });
    }
    std::vector<store::Rrset> rrsets(uint64_t domain_id) {
        return pool()->run([&](Conn& c) { return store::all_rrsets(c, domain_id); });
    }
    std::vector<Change> journal(uint64_t domain_id) {
        return pool()->run([&](Conn& c) {
            auto r = c.prepare("SELECT id, kind, serial_from, serial_to, removed, added, actor, "
                               "summary FROM changes WHERE domain_id = ? ORDER BY id")
                         .add(domain_id)
                         .query();
            std::vector<Change> out;
            while (r.next())
                out.push_back({r.u64(1), r.str(2), uint32_t(r.u64(3)), uint32_t(r.u64(4)), r.str(5),
                               r.str(6), r.str(7), r.str(8)});
            return out;
        });
    }
    // Everything a failed change must leave as it was: the domain row, its RRsets with their
    // ETags and times, and the journal.
    std::string state(const std::string& zone) {
        auto d = domain(zone);
        std::string s = std::to_string(d.serial) + " " + std::to_string(d.record_count) + " " +
                        d.updated_at + "\n";
        for (const auto& r : rrsets(d.id)) {
            s += r.name + " " + dns::type_name(r.type) + " " + std::to_string(r.ttl) + " " +
                 std::to_string(r.changed_serial) + " " + r.changed_at;
            for (const auto& x : r.records) s += " [" + x.text + "]";
            s += "\n";
        }
        for (const auto& c : journal(d.id)) s += std::to_string(c.id) + " ";
        return s;
    }
    // The RRs in the database now, as the replay model holds them.
    std::set<Rr> database_rrs(uint64_t domain_id) {
        std::set<Rr> out;
        for (const auto& r : rrsets(domain_id))
            for (const auto& x : r.records)
                EXPECT_TRUE(out.emplace(W(r.name + "."), r.type, r.ttl, x.rdata).second)
                    << "a repeated record in " << r.name << " " << dns::type_name(r.type);
        return out;
    }
    // The property fan-out relies on: the journal is contiguous (0 -> 1 -> 2 ...), starts with
    // the create, and its removals and additions applied in order to the records at serial 1
    // give exactly the RRsets in the database (none after a delete). A removal must match a
    // present RR exactly, TTL included; an addition must not be present already; every RRset
    // of the result has one TTL.
    void expect_journal_replays(uint64_t domain_id, const std::set<Rr>& at_serial_1) {
        auto changes = journal(domain_id);
        ASSERT_FALSE(changes.empty());
        ASSERT_EQ(changes[0].kind, "create");
        EXPECT_EQ(changes[0].from, 0u);
        EXPECT_EQ(changes[0].to, 1u);
        EXPECT_TRUE(changes[0].removed.empty());
        std::set<Rr> model = as_set(decode(changes[0].added));
        EXPECT_EQ(model, at_serial_1) << "the create journals the records at serial 1";
        for (size_t i = 1; i < changes.size(); ++i) {
            const Change& c = changes[i];
            SCOPED_TRACE("change " + std::to_string(c.id) + " (" + c.kind + " " +
                         std::to_string(c.from) + " -> " + std::to_string(c.to) + ")");
            EXPECT_EQ(c.from, changes[i - 1].to) << "the journal is contiguous";
            EXPECT_EQ(c.to, store::next_serial(c.from));
            EXPECT_FALSE(c.removed.empty() && c.added.empty()) << "an empty change";
            for (const auto& r : decode(c.removed))
                EXPECT_EQ(model.erase({r.owner, r.type, r.ttl, r.rdata}), 1u)
                    << "removes an RR that is not there: " << dns::type_name(r.type) << " TTL "
                    << r.ttl;
            for (const auto& r : decode(c.added)) {
                for (const auto& m : model)
                    EXPECT_FALSE(std::get<0>(m) == r.owner && std::get<1>(m) == r.type &&
                                 std::get<3>(m) == r.rdata)
                        << "adds an RR that is there already: " << dns::type_name(r.type);
                model.emplace(r.owner, r.type, r.ttl, r.rdata);
            }
            if (c.kind == "delete") {
                EXPECT_EQ(i, changes.size() - 1) << "nothing after a delete";
            }
        }
        std::map<std::pair<std::string, uint16_t>, std::set<uint32_t>> ttls;
        for (const auto& [owner, type, ttl, rdata] : model) ttls[{owner, type}].insert(ttl);
        for (const auto& [k, v] : ttls)
            EXPECT_EQ(v.size(), 1u) << "an RRset with several TTLs: " << dns::type_name(k.second);
        EXPECT_EQ(model, database_rrs(domain_id)) << "the journal replayed is not the database";
    }
    std::set<Rr> ns_at(const std::string& zone) {
        std::set<Rr> out;
        for (const auto& r : ns()) out.emplace(W(zone + "."), rrtype::NS, 3600, r.rdata);
        return out;
    }
};

} // namespace

TEST_F(Zones, CreateDomainJournalsItsNsRecordsFromSerial0To1) {
    uint64_t change_id = 0;
    auto d = create("create.test", &change_id);
    EXPECT_NE(d.id, 0u);
    EXPECT_EQ(d.account_id, account());
    EXPECT_EQ(d.name, "create.test");
    EXPECT_EQ(d.serial, 1u);
    EXPECT_EQ(d.record_count, 2u);
    EXPECT_EQ(d.soa.mname, "ns1.endpointdns.test");
    auto changes = journal(d.id);
    ASSERT_EQ(changes.size(), 1u);
    EXPECT_EQ(changes[0].id, change_id);
    EXPECT_EQ(changes[0].kind, "create");
    EXPECT_EQ(changes[0].from, 0u);
    EXPECT_EQ(changes[0].to, 1u);
    EXPECT_EQ(changes[0].actor, "admin");
    EXPECT_TRUE(changes[0].removed.empty());
    auto added = decode(changes[0].added);
    ASSERT_EQ(added.size(), 2u);
    for (size_t i = 0; i < 2; ++i) {
        EXPECT_EQ(added[i].owner, W("create.test."));
        EXPECT_EQ(added[i].type, rrtype::NS);
        EXPECT_EQ(added[i].ttl, 3600u);
        EXPECT_EQ(added[i].rdata, ns()[i].rdata);
    }
    auto apex = rrset("create.test", "create.test", rrtype::NS);
    ASSERT_TRUE(apex);
    EXPECT_EQ(apex->changed_serial, 1u);
    EXPECT_EQ(texts(*apex),
              (std::vector<std::string>{"ns1.endpointdns.test.", "ns2.endpointdns.test."}));
    // The name is unique.
    EXPECT_THROW(create("create.test"), Error);
    expect_journal_replays(d.id, ns_at("create.test"));
}

TEST_F(Zones, ReplaceAddAndRemoveRecordsJournalOnlyTheDifference) {
    const std::string z = "edits.test", www = "www.edits.test";
    auto d = create(z);
    auto oneA = [&](const std::string& ip) { return std::vector<Record>{a(ip)}; };

    // replace: a new RRset, every record added.
    auto r = apply(z, {replace(www, rrtype::A, {a("192.0.2.1"), a("192.0.2.2")}, 300)});
    ASSERT_EQ(r.status, Status::applied);
    EXPECT_EQ(r.serial, 2u);
    EXPECT_NE(r.change_id, 0u);
    ASSERT_EQ(r.result.size(), 1u);
    ASSERT_TRUE(r.result[0]);
    EXPECT_EQ(r.result[0]->changed_serial, 2u);
    auto j = journal(d.id);
    ASSERT_EQ(j.size(), 2u);
    EXPECT_EQ(j[1].id, r.change_id);
    EXPECT_EQ(j[1].kind, "update");
    EXPECT_EQ(j[1].summary, "test");
    EXPECT_TRUE(j[1].removed.empty());
    EXPECT_EQ(decode(j[1].added).size(), 2u);
    EXPECT_EQ(domain(z).record_count, 4u);

    // add_records: the present record is left alone, the new one appended, the TTL kept.
    r = apply(z, {edit(Edit::Op::add_records, www, rrtype::A, {a("192.0.2.2"), a("192.0.2.3")})});
    ASSERT_EQ(r.status, Status::applied);
    auto s = rrset(z, www, rrtype::A);
    ASSERT_TRUE(s);
    EXPECT_EQ(texts(*s), (std::vector<std::string>{"192.0.2.1", "192.0.2.2", "192.0.2.3"}));
    EXPECT_EQ(s->ttl, 300u);
    j = journal(d.id);
    EXPECT_TRUE(j.back().removed.empty());
    auto added = decode(j.back().added);
    ASSERT_EQ(added.size(), 1u);
    EXPECT_EQ(added[0].rdata, a("192.0.2.3").rdata);
    EXPECT_EQ(added[0].owner, W("www.edits.test."));
    EXPECT_EQ(added[0].ttl, 300u);

    // remove_records: only the named record goes; the order of the rest stays.
    r = apply(z, {edit(Edit::Op::remove_records, www, rrtype::A, oneA("192.0.2.1"))});
    ASSERT_EQ(r.status, Status::applied);
    EXPECT_EQ(texts(*rrset(z, www, rrtype::A)),
              (std::vector<std::string>{"192.0.2.2", "192.0.2.3"}));
    j = journal(d.id);
    EXPECT_TRUE(j.back().added.empty());
    auto removed = decode(j.back().removed);
    ASSERT_EQ(removed.size(), 1u);
    EXPECT_EQ(removed[0].rdata, a("192.0.2.1").rdata);

    // A TTL change: every old record removed (old TTL), every new one added (new TTL).
    r = apply(z, {replace(www, rrtype::A, {a("192.0.2.2"), a("192.0.2.3")}, 600)});
    ASSERT_EQ(r.status, Status::applied);
    j = journal(d.id);
    removed = decode(j.back().removed);
    added = decode(j.back().added);
    ASSERT_EQ(removed.size(), 2u);
    ASSERT_EQ(added.size(), 2u);
    for (const auto& x : removed) EXPECT_EQ(x.ttl, 300u);
    for (const auto& x : added) EXPECT_EQ(x.ttl, 600u);

    // A partial change at the same TTL: only the difference.
    r = apply(z, {replace(www, rrtype::A, {a("192.0.2.3"), a("192.0.2.4")})});
    ASSERT_EQ(r.status, Status::applied);
    EXPECT_EQ(rrset(z, www, rrtype::A)->ttl, 600u) << "replace without a TTL keeps it";
    j = journal(d.id);
    removed = decode(j.back().removed);
    added = decode(j.back().added);
    ASSERT_EQ(removed.size(), 1u);
    ASSERT_EQ(added.size(), 1u);
    EXPECT_EQ(removed[0].rdata, a("192.0.2.2").rdata);
    EXPECT_EQ(removed[0].ttl, 600u);
    EXPECT_EQ(added[0].rdata, a("192.0.2.4").rdata);
    EXPECT_EQ(texts(*rrset(z, www, rrtype::A)),
              (std::vector<std::string>{"192.0.2.3", "192.0.2.4"}));

    // add_records with a TTL on an existing RRset changes the TTL of all its records.
    r = apply(z, {edit(Edit::Op::add_records, www, rrtype::A, oneA("192.0.2.5"), 900)});
    ASSERT_EQ(r.status, Status::applied);
    j = journal(d.id);
    EXPECT_EQ(decode(j.back().removed).size(), 2u);
    EXPECT_EQ(decode(j.back().added).size(), 3u);

    // A batch over several RRsets is one change; binary RDATA (a NUL in a TXT string) and a
    // new RRset without a TTL (an hour).
    r = apply(z, {replace("txt.edits.test", rrtype::TXT, {rec(rrtype::TXT, "\"a\\000b\"")}),
                  replace("mail.edits.test", rrtype::MX, {rec(rrtype::MX, "10 mx.example.net.")}),
                  edit(Edit::Op::remove_records, www, rrtype::A, oneA("192.0.2.3"))});
    ASSERT_EQ(r.status, Status::applied);
    EXPECT_EQ(journal(d.id).size(), 8u);
    auto txt = rrset(z, "txt.edits.test", rrtype::TXT);
    ASSERT_TRUE(txt);
    EXPECT_EQ(txt->records[0].rdata, std::string("\x03"
                                                 "a\0b",
                                                 4));
    EXPECT_EQ(txt->ttl, 3600u);

    // remove_records of the last records removes the RRset.
    r = apply(z, {edit(Edit::Op::remove_records, www, rrtype::A,
                       {a("192.0.2.4"), a("192.0.2.5"), a("192.0.2.77")})});
    ASSERT_EQ(r.status, Status::applied);
    ASSERT_EQ(r.result.size(), 1u);
    EXPECT_FALSE(r.result[0]);
    EXPECT_FALSE(rrset(z, www, rrtype::A));
    EXPECT_EQ(decode(journal(d.id).back().removed).size(), 2u);
    // replace with no records and remove delete an RRset too.
    r = apply(z, {replace("txt.edits.test", rrtype::TXT, {}),
                  edit(Edit::Op::remove, "mail.edits.test", rrtype::MX, {})});
    ASSERT_EQ(r.status, Status::applied);
    EXPECT_EQ(rrsets(d.id).size(), 1u);

    auto end = domain(z);
    EXPECT_EQ(end.serial, 10u);
    EXPECT_EQ(end.record_count, 2u);
    expect_journal_replays(d.id, ns_at(z));
}

TEST_F(Zones, NoopKeepsTheSerialAndWritesNoJournalRow) {
    const std::string z = "noop.test", www = "www.noop.test";
    create(z);
    ASSERT_EQ(apply(z, {replace(www, rrtype::A, {a("192.0.2.1"), a("192.0.2.2")}, 300)}).status,
              Status::applied);
    const std::string before = state(z);
    const std::vector<std::vector<Edit>> noops = {
        {replace(www, rrtype::A, {a("192.0.2.1"), a("192.0.2.2")}, 300)},
        {replace(www, rrtype::A, {a("192.0.2.2"), a("192.0.2.1")})}, // same set, other order
        {edit(Edit::Op::add_records, www, rrtype::A, {a("192.0.2.2")})},
        {edit(Edit::Op::remove_records, www, rrtype::A, {a("192.0.2.9")})},
        {edit(Edit::Op::remove, "nothing.noop.test", rrtype::TXT, {})},
        {edit(Edit::Op::remove_records, "nothing.noop.test", rrtype::A, {a("192.0.2.1")})},
        // Changed and changed back within one batch.
        {edit(Edit::Op::add_records, www, rrtype::A, {a("192.0.2.3")}),
         edit(Edit::Op::remove_records, www, rrtype::A, {a("192.0.2.3")})},
    };
    for (size_t i = 0; i < noops.size(); ++i) {
        auto r = apply(z, noops[i]);
        EXPECT_EQ(r.status, Status::noop) << "noop " << i;
        EXPECT_EQ(r.serial, 2u) << "noop " << i;
        EXPECT_EQ(r.change_id, 0u) << "noop " << i;
        EXPECT_EQ(state(z), before) << "noop " << i;
    }
    // The answer of a noop shows the RRset as it is, with its ETag.
    auto r = apply(z, noops[0]);
    ASSERT_EQ(r.result.size(), 1u);
    ASSERT_TRUE(r.result[0]);
    EXPECT_EQ(r.result[0]->changed_serial, 2u) << "the ETag of an unchanged RRset";
    expect_journal_replays(domain(z).id, ns_at(z));
}

// zone-sync reads RRsets unordered (no sort in the database); the zone is the same.
TEST_F(Zones, WriteZonesUnorderedHoldsTheSameZones) {
    for (const std::string z : {"unordered-a.test", "unordered-b.test"}) {
        create(z);
        std::vector<Edit> edits;
        for (int i = 30; i > 0; --i)
            edits.push_back(replace("h" + std::to_string(i) + "." + z, rrtype::A,
                                    {a("192.0.2." + std::to_string(i))}));
        edits.push_back(replace(z, rrtype::MX, {rec(rrtype::MX, "10 h1." + z + ".")}));
        ASSERT_EQ(apply(z, edits).status, Status::applied);
    }
    std::vector<store::Domain> ds = {domain("unordered-b.test"), domain("unordered-a.test")};
    auto stream = [&](bool ordered) {
        std::string out;
        endpointdns::zone::StreamWriter w([&](std::string_view m) { out.append(m); });
        pool()->run([&](Conn& c) { store::write_zones(c, ds, w, ordered); });
        return out;
    };
    std::string sorted = stream(true), unsorted = stream(false);
    auto a_items = endpointdns::zone::read_stream(sorted);
    auto b_items = endpointdns::zone::read_stream(unsorted);
    ASSERT_TRUE(a_items.ok() && b_items.ok());
    ASSERT_EQ(a_items->size(), 2u);
    ASSERT_EQ(b_items->size(), 2u);
    for (size_t i = 0; i < 2; ++i) {
        const auto& x = *(*a_items)[i].zone;
        const auto& y = *(*b_items)[i].zone;
        EXPECT_EQ(x.origin(), y.origin()) << "the order of the domains given";
        EXPECT_EQ(x.serial(), y.serial());
        ASSERT_EQ(x.size(), 34u); // SOA, 2 NS, MX, 30 A
        EXPECT_EQ(endpointdns::zone::zone_to_stream(x), endpointdns::zone::zone_to_stream(y));
    }
    EXPECT_EQ((*a_items)[0].zone->origin().to_text(), "unordered-b.test.");
}

// zone-sync acknowledges thousands of zones at once.
TEST_F(Zones, AckRowsWritesEveryRowAndResetsFailures) {
    store::Server s;
    s.name = "ack-rows";
    s.url = "http://192.0.2.53:8053";
    s.key = "k";
    uint32_t id = pool()->transaction([&](Conn& c) { return store::create_server(c, s); });
    pool()->transaction([&](Conn& c) {
        store::ack_row(c, id, "z7.test", 1, 1);
        store::fail_row(c, id, "z7.test", "refused");
        store::fail_row(c, id, "z7.test", "refused again");
    });
    std::vector<store::Ack> acks;
    for (uint32_t i = 0; i < 250; ++i) // two full statements and a short one
        acks.push_back({"z" + std::to_string(i) + ".test", 1000 + i, 5 + i});
    pool()->transaction([&](Conn& c) {
        store::ack_rows(c, id, acks);
        store::ack_rows(c, id, {});
    });
    auto rows = pool()->run([&](Conn& c) { return store::server_zones(c, id); });
    ASSERT_EQ(rows.size(), 250u);
    std::map<std::string, store::ServerZone> by_zone;
    for (auto& r : rows) by_zone[r.zone] = r;
    for (const auto& a : acks) {
        ASSERT_TRUE(by_zone.count(a.zone)) << a.zone;
        EXPECT_EQ(by_zone[a.zone].domain_id, a.domain_id) << a.zone;
        EXPECT_EQ(by_zone[a.zone].serial, a.serial) << a.zone;
        EXPECT_EQ(by_zone[a.zone].failures, 0u) << a.zone;
        EXPECT_EQ(by_zone[a.zone].last_error, "") << a.zone;
    }
    EXPECT_EQ(count(*pool(), "SELECT COUNT(*) FROM server_zones WHERE acked_at IS NULL"), 0u);
    pool()->transaction([&](Conn& c) { store::delete_server(c, id); });
}

TEST_F(Zones, CnameExclusivityIsCheckedNamingTheItem) {
    const std::string z = "cname.test", www = "www.cname.test";
    create(z);
    ASSERT_EQ(apply(z, {replace(www, rrtype::A, {a("192.0.2.1")}, 300)}).status, Status::applied);
    const std::string before = state(z);

    // A CNAME beside an A, as the second item of a batch.
    auto r = apply(z, {replace("ok.cname.test", rrtype::A, {a("192.0.2.2")}),
                       replace(www, rrtype::CNAME, {rec(rrtype::CNAME, "target.example.net.")})});
    EXPECT_EQ(r.status, Status::invalid);
    ASSERT_EQ(r.errors.size(), 1u);
    EXPECT_EQ(r.errors[0].item, 1u);
    EXPECT_EQ(r.errors[0].field, "type");
    EXPECT_NE(r.errors[0].detail.find("CNAME"), std::string::npos) << r.errors[0].detail;
    EXPECT_NE(r.errors[0].detail.find(www), std::string::npos) << r.errors[0].detail;
    EXPECT_EQ(r.change_id, 0u);
    EXPECT_EQ(state(z), before);

    // Two CNAME records at one name.
    r = apply(
        z, {replace("alias.cname.test", rrtype::CNAME,
                    {rec(rrtype::CNAME, "a.example.net."), rec(rrtype::CNAME, "b.example.net.")})});
    EXPECT_EQ(r.status, Status::invalid);
    ASSERT_EQ(r.errors.size(), 1u);
    EXPECT_EQ(r.errors[0].item, 0u);
    EXPECT_EQ(r.errors[0].field, "records");
    EXPECT_NE(r.errors[0].detail.find("one CNAME"), std::string::npos) << r.errors[0].detail;
    EXPECT_EQ(state(z), before);

    // An A beside an existing CNAME; and replacing the A by a CNAME in one batch is fine.
    ASSERT_EQ(apply(z, {replace("alias.cname.test", rrtype::CNAME,
                                {rec(rrtype::CNAME, "a.example.net.")})})
                  .status,
              Status::applied);
    const std::string before2 = state(z);
    r = apply(z, {edit(Edit::Op::add_records, "alias.cname.test", rrtype::A, {a("192.0.2.3")})});
    EXPECT_EQ(r.status, Status::invalid);
    ASSERT_EQ(r.errors.size(), 1u);
    EXPECT_EQ(r.errors[0].item, 0u);
    EXPECT_EQ(state(z), before2);
    r = apply(z, {edit(Edit::Op::remove, www, rrtype::A, {}),
                  replace(www, rrtype::CNAME, {rec(rrtype::CNAME, "target.example.net.")})});
    EXPECT_EQ(r.status, Status::applied);
    expect_journal_replays(domain(z).id, ns_at(z));
}

TEST_F(Zones, TheApexNsRrsetCanBeReplacedButNotDeleted) {
    const std::string z = "apex.test";
    create(z);
    const std::string before = state(z);
    for (const auto& e : {edit(Edit::Op::remove, z, rrtype::NS, {}), replace(z, rrtype::NS, {}),
                          edit(Edit::Op::remove_records, z, rrtype::NS, ns())}) {
        auto r = apply(z, {replace("x.apex.test", rrtype::A, {a("192.0.2.1")}), e});
        EXPECT_EQ(r.status, Status::invalid);
        ASSERT_EQ(r.errors.size(), 1u);
        EXPECT_EQ(r.errors[0].item, 1u);
        EXPECT_NE(r.errors[0].detail.find("NS"), std::string::npos) << r.errors[0].detail;
        EXPECT_EQ(state(z), before);
    }
    // Removing one of the two is fine, as is a delegation's NS RRset going.
    auto r = apply(z, {edit(Edit::Op::remove_records, z, rrtype::NS, {ns()[1]}),
                       replace("sub.apex.test", rrtype::NS, {rec(rrtype::NS, "ns.example.net.")})});
    EXPECT_EQ(r.status, Status::applied);
    r = apply(z, {edit(Edit::Op::remove, "sub.apex.test", rrtype::NS, {})});
    EXPECT_EQ(r.status, Status::applied);
    expect_journal_replays(domain(z).id, ns_at(z));
}

TEST_F(Zones, PreconditionsIfMatchAndMustNotExist) {
    const std::string z = "etag.test", www = "www.etag.test";
    create(z);
    ASSERT_EQ(apply(z, {replace(www, rrtype::A, {a("192.0.2.1")}, 300)}).status, Status::applied);
    ASSERT_EQ(apply(z, {replace("other.etag.test", rrtype::A, {a("192.0.2.9")})}).status,
              Status::applied); // serial 3; www's ETag stays 2
    EXPECT_EQ(rrset(z, www, rrtype::A)->changed_serial, 2u);
    const std::string before = state(z);

    Edit stale = replace(www, rrtype::A, {a("192.0.2.2")});
    stale.if_match = 1;
    auto r = apply(z, {replace("new.etag.test", rrtype::A, {a("192.0.2.3")}), stale});
    EXPECT_EQ(r.status, Status::precondition_failed);
    ASSERT_EQ(r.errors.size(), 1u);
    EXPECT_EQ(r.errors[0].item, 1u);
    EXPECT_NE(r.errors[0].detail.find("\"2\""), std::string::npos) << r.errors[0].detail;
    EXPECT_EQ(state(z), before);

    Edit absent = replace("absent.etag.test", rrtype::A, {a("192.0.2.3")});
    absent.if_match = 0; // "*": must exist
    r = apply(z, {absent});
    EXPECT_EQ(r.status, Status::precondition_failed);
    EXPECT_EQ(state(z), before);

    Edit exists = replace(www, rrtype::A, {a("192.0.2.3")});
    exists.must_not_exist = true;
    r = apply(z, {exists});
    EXPECT_EQ(r.status, Status::precondition_failed);
    ASSERT_EQ(r.errors.size(), 1u);
    EXPECT_EQ(r.errors[0].item, 0u);
    EXPECT_EQ(state(z), before);

    // Fresh preconditions pass.
    Edit fresh = replace(www, rrtype::A, {a("192.0.2.2")});
    fresh.if_match = 2;
    Edit create_only = replace("brand-new.etag.test", rrtype::A, {a("192.0.2.4")});
    create_only.must_not_exist = true;
    r = apply(z, {fresh, create_only});
    EXPECT_EQ(r.status, Status::applied);
    EXPECT_EQ(r.serial, 4u);
    EXPECT_EQ(rrset(z, www, rrtype::A)->changed_serial, 4u);
    expect_journal_replays(domain(z).id, ns_at(z));
}

TEST_F(Zones, MaxRecordsOverIsOverLimitWithTheCountItWouldReach) {
    const std::string z = "limit.test";
    create(z); // 2 NS records
    ASSERT_EQ(apply(z, {replace("a.limit.test", rrtype::A, {a("192.0.2.1")})}, 4).status,
              Status::applied); // 3
    const std::string before = state(z);
    auto r = apply(z,
                   {replace("b.limit.test", rrtype::A, {a("192.0.2.2")}),
                    replace("c.limit.test", rrtype::A, {a("192.0.2.3")})},
                   4);
    EXPECT_EQ(r.status, Status::over_limit);
    EXPECT_EQ(r.records_after, 5u);
    EXPECT_EQ(r.change_id, 0u);
    EXPECT_EQ(state(z), before);
    // Up to the limit is fine; 0 means no limit.
    r = apply(z, {replace("b.limit.test", rrtype::A, {a("192.0.2.2")})}, 4);
    EXPECT_EQ(r.status, Status::applied);
    EXPECT_EQ(r.records_after, 4u);
    r = apply(z, {replace("c.limit.test", rrtype::A, {a("192.0.2.3")})}, 0);
    EXPECT_EQ(r.status, Status::applied);
    EXPECT_EQ(domain(z).record_count, 5u);
    // Over the limit (the plan was lowered): what does not grow the zone is still allowed.
    r = apply(z, {replace("c.limit.test", rrtype::A, {a("192.0.2.33")})}, 4);
    EXPECT_EQ(r.status, Status::applied);
    r = apply(z, {edit(Edit::Op::remove, "c.limit.test", rrtype::A, {})}, 4);
    EXPECT_EQ(r.status, Status::applied);
    EXPECT_EQ(domain(z).record_count, 4u);
    expect_journal_replays(domain(z).id, ns_at(z));
}

// insert_change cuts the summary to 255 octets for a VARCHAR(255) utf8mb4 column; a cut inside a
// multi-octet character would be refused by the server (strict mode, error 1366).
TEST_F(Zones, ALongNonAsciiSummaryIsCutWithoutBreakingACharacter) {
    const std::string z = "summary.test";
    create(z);
    // 254 ASCII octets then "é" (2 octets): a cut at 255 octets would split the character.
    std::string summary = std::string(254, 's') + "\xc3\xa9 and more";
    auto [code, what] = error_of(
        [&] { apply(z, {replace("x.summary.test", rrtype::A, {a("192.0.2.1")})}, 0, summary); });
    EXPECT_EQ(code, 0) << what;
    auto j = journal(domain(z).id);
    EXPECT_EQ(j.back().summary.substr(0, 254), std::string(254, 's'));
}

TEST_F(Zones, DeleteDomainJournalsEveryRecordRemovedAndDropsTheRows) {
    const std::string z = "gone.test";
    auto d = create(z);
    ASSERT_EQ(apply(z, {replace("www.gone.test", rrtype::A, {a("192.0.2.1"), a("192.0.2.2")}, 300),
                        replace("gone.test", rrtype::MX, {rec(rrtype::MX, "10 mx.example.net.")}),
                        replace("t.gone.test", rrtype::TXT, {rec(rrtype::TXT, "\"x\"")}, 120)})
                  .status,
              Status::applied);
    std::set<Rr> everything = database_rrs(d.id);
    ASSERT_EQ(everything.size(), 6u);
    uint64_t id = pool()->transaction([&](Conn& c) {
        auto locked = store::find_domain(c, z, true);
        return store::delete_domain(c, *locked, actor());
    });
    auto j = journal(d.id);
    ASSERT_EQ(j.back().id, id);
    EXPECT_EQ(j.back().kind, "delete");
    EXPECT_EQ(j.back().from, 2u);
    EXPECT_EQ(j.back().to, 3u);
    EXPECT_TRUE(j.back().added.empty());
    EXPECT_EQ(as_set(decode(j.back().removed)), everything) << "every record is removed";
    EXPECT_FALSE(pool()->run([&](Conn& c) { return store::find_domain(c, z); }));
    EXPECT_EQ(
        count(*pool(), "SELECT COUNT(*) FROM rrsets WHERE domain_id = " + std::to_string(d.id)),
        0u);
    expect_journal_replays(d.id, ns_at(z)); // replays to nothing
    // The name can be taken again; its journal is the new domain's own.
    auto again = create(z);
    EXPECT_NE(again.id, d.id);
    EXPECT_EQ(journal(again.id).size(), 1u);
}

// Zone history: every version rebuilt from the RRsets now and the journal is the zone as it was.
TEST_F(Zones, ZoneAtRebuildsEveryVersionFromTheJournal) {
    const std::string z = "history.test";
    create(z);
    // A version as "name type ttl [text|rdata]..." lines, records sorted (a rebuilt RRset may
    // list its records in another order), with the texts: they must be the stored ones.
    auto show = [&](const std::vector<store::Rrset>& v) {
        std::vector<std::string> lines;
        for (const auto& r : v) {
            std::vector<std::string> recs;
            for (const auto& x : r.records) recs.push_back(x.text + "|" + x.rdata);
            std::sort(recs.begin(), recs.end());
            std::string line = r.name + " " + dns::type_name(r.type) + " " + std::to_string(r.ttl);
            for (const auto& x : recs) line += " [" + x + "]";
            lines.push_back(line);
        }
        std::sort(lines.begin(), lines.end());
        std::string out;
        for (const auto& l : lines) out += l + "\n";
        return out;
    };
    std::map<uint32_t, std::string> seen{{1, show(rrsets(domain(z).id))}};
    auto step = [&](const std::vector<Edit>& edits) {
        auto r = apply(z, edits);
        ASSERT_EQ(r.status, Status::applied);
        seen[r.serial] = show(rrsets(domain(z).id));
    };
    const std::string www = "www.history.test", mail = "mail.history.test";
    step({replace(www, rrtype::A, {a("192.0.2.1"), a("192.0.2.2")}, 300),
          replace(z, rrtype::MX, {rec(rrtype::MX, "10 mail.history.test.")})});
    step({edit(Edit::Op::add_records, www, rrtype::A, {a("192.0.2.3")})});
    step({edit(Edit::Op::remove_records, www, rrtype::A, {a("192.0.2.1")})});
    step({replace(www, rrtype::A, {a("192.0.2.2"), a("192.0.2.3")}, 600)}); // TTL only
    step({replace(mail, rrtype::A, {a("192.0.2.25")}),
          replace(z, rrtype::TXT,
                  {rec(rrtype::TXT, "\"v=spf1 mx -all\""),
                   rec(rrtype::TXT, "\"two words\" \"and more\"")})});
    step({edit(Edit::Op::remove, www, rrtype::A, {})});
    step({replace(z, rrtype::NS, {rec(rrtype::NS, "ns3.example.net.")}),
          replace(www, rrtype::CNAME, {rec(rrtype::CNAME, "mail.history.test.")})});
    step({replace(www, rrtype::CNAME, {}), replace(www, rrtype::A, {a("192.0.2.1")}, 300)});
    auto d = domain(z);
    ASSERT_EQ(d.serial, 9u);
    for (const auto& version : seen) {
        const uint32_t serial = version.first; // captured below: a structured binding cannot be
        const auto& want = version.second;     // (clang 14)
        SCOPED_TRACE("version " + std::to_string(serial));
        auto v = pool()->run([&](Conn& c) { return store::zone_at(c, d, serial); });
        ASSERT_EQ(v.status, store::ZoneVersion::Status::ok) << v.detail;
        EXPECT_EQ(show(v.rrsets), want);
        EXPECT_EQ(show(v.now), seen[9]);
        EXPECT_EQ(v.change.serial_to, serial);
        EXPECT_EQ(v.change.kind, serial == 1 ? "create" : "update");
        EXPECT_EQ(v.change.actor, "admin");
        EXPECT_EQ(v.change.created_at.size(), 24u) << v.change.created_at;
        if (serial == 3) // 192.0.2.1 is put back after the others: listed in canonical order
            for (const auto& r : v.rrsets)
                if (r.name == www && r.type == rrtype::A) {
                    EXPECT_EQ(texts(r),
                              (std::vector<std::string>{"192.0.2.1", "192.0.2.2", "192.0.2.3"}));
                }
    }
    // Versions newest first, paged by serial.
    auto list = pool()->run([&](Conn& c) { return store::list_changes(c, d.id, 0, 3); });
    ASSERT_EQ(list.size(), 3u);
    EXPECT_EQ(list[0].serial_to, 9u);
    EXPECT_EQ(list[2].serial_to, 7u);
    EXPECT_TRUE(list[0].added.empty()) << "listed without the columns";
    list = pool()->run([&](Conn& c) { return store::list_changes(c, d.id, 3, 10); });
    ASSERT_EQ(list.size(), 2u);
    EXPECT_EQ(list[1].serial_to, 1u);
    std::vector<uint32_t> order;
    pool()->run([&](Conn& c) {
        store::for_each_change(
            c, d.id, 2, 9,
            [&](const store::Change& ch) {
                order.push_back(ch.serial_to);
                return ch.serial_to > 4;
            },
            2);
    });
    EXPECT_EQ(order, (std::vector<uint32_t>{9, 8, 7, 6, 5, 4}));

    using S = store::ZoneVersion::Status;
    auto at = [&](const store::Domain& dom, uint32_t serial) {
        return pool()->run([&](Conn& c) { return store::zone_at(c, dom, serial); }).status;
    };
    EXPECT_EQ(at(d, 0), S::not_found);
    EXPECT_EQ(at(d, 10), S::not_found);
    // The domain as read before the last change: the zone moved since.
    auto stale = d;
    stale.serial = 8;
    EXPECT_EQ(at(stale, 5), S::moved);
    // A journal row missing: the versions before it cannot be rebuilt, those after it can.
    pool()->run([&](Conn& c) {
        c.prepare("DELETE FROM changes WHERE domain_id = ? AND serial_to = 5").add(d.id).update();
    });
    EXPECT_EQ(at(d, 5), S::gone);
    EXPECT_EQ(at(d, 3), S::gone);
    EXPECT_EQ(at(d, 6), S::ok);
}

TEST(NextSerial, SkipsZeroOnWrap) {
    EXPECT_EQ(store::next_serial(1), 2u);
    EXPECT_EQ(store::next_serial(0xfffffffe), 0xffffffffu);
    EXPECT_EQ(store::next_serial(0xffffffff), 1u);
}
