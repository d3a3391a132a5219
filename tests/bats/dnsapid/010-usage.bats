#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# dnsapid usage: --help, --version, option errors (64), --check-config (0 or 78), migrate and its refusals.
#
# $stderr is set by bats (run --separate-stderr).
# shellcheck disable=SC2154

load ../helpers
load dnsapid

# MariaDB and a configuration only: every test migrates the database it needs itself.
setup_file() {
    dnsapid_prepare
}

teardown_file() {
    dnsapid_teardown_file
}

setup() {
    dnsapid_setup
}

teardown() {
    dnsapid_teardown
}

# fresh_db NAME: a new empty database NAME on the file's server and a configuration for it in
# NAME.toml (the test's directory).
fresh_db() {
    mariadb_add_database "$1" || return 1
    DNSAPID_DB_NAME=$1 dnsapid_write_config "$1.toml" "$(free_port)"
}

@test "--help exits 0 and lists the options and the migrate command" {
    run -0 --separate-stderr "$DNSAPID" --help
    local opt
    for opt in --config --listen --check-config --version migrate; do
        assert_contains "$output" "$opt"
    done
    run -0 --separate-stderr "$DNSAPID" migrate --help
    assert_contains "$output" "--status"
}

@test "--version prints the program name and version" {
    run -0 --separate-stderr "$DNSAPID" --version
    assert_line_matches "$output" '^dnsapid [0-9]+\.[0-9]+\.[0-9]+'
}

@test "an unknown option exits 64 and names it" {
    run -64 --separate-stderr "$DNSAPID" --no-such-option
    assert_empty "$output" stdout
    assert_contains "$stderr" "--no-such-option"
    run -64 --separate-stderr "$DNSAPID" migrate --no-such-flag
    assert_contains "$stderr" "--no-such-flag"
}

@test "an unknown subcommand exits 64" {
    run -64 --separate-stderr "$DNSAPID" -c "$DNSAPID_CONF" frobnicate
    assert_empty "$output" stdout
}

@test "--check-config accepts the test configuration and prints OK" {
    run -0 --separate-stderr "$DNSAPID" -c "$DNSAPID_CONF" --check-config
    assert_contains "$output" "configuration OK"
    assert_empty "$stderr" stderr
}

@test "--check-config with a missing admin key file exits 78 naming the file" {
    sed "s|^admin_key_file = .*|admin_key_file = \"$PWD/no-such.key\"|" "$DNSAPID_CONF" >c.toml
    run -78 --separate-stderr "$DNSAPID" -c c.toml --check-config
    assert_empty "$output" stdout
    assert_contains "$stderr" "no-such.key"
    assert_line_matches "$stderr" '^dnsapid: '
}

@test "--check-config with an admin key shorter than 16 characters exits 78" {
    printf 'short\n' >short.key
    sed "s|^admin_key_file = .*|admin_key_file = \"$PWD/short.key\"|" "$DNSAPID_CONF" >c.toml
    run -78 --separate-stderr "$DNSAPID" -c c.toml --check-config
    assert_contains "$stderr" "short.key"
}

@test "--check-config with a missing database password file exits 78 naming it" {
    sed "s|^password_file = .*|password_file = \"$PWD/no-such.password\"|" "$DNSAPID_CONF" >c.toml
    run -78 --separate-stderr "$DNSAPID" -c c.toml --check-config
    assert_contains "$stderr" "no-such.password"
}

@test "--admin-key-file replaces admin_key_file (the systemd unit passes a credential)" {
    sed "s|^admin_key_file = .*|admin_key_file = \"$PWD/no-such.key\"|" "$DNSAPID_CONF" >c.toml
    cp "$DNSAPID_DIR/admin.key" credential.key
    run -0 --separate-stderr "$DNSAPID" -c c.toml --admin-key-file credential.key --check-config
    assert_contains "$output" "configuration OK"
    run -78 --separate-stderr "$DNSAPID" -c "$DNSAPID_CONF" --admin-key-file "$PWD/other.key" \
        --check-config
    assert_contains "$stderr" "other.key"
}

@test "--db-password-file replaces database.password_file, whose file is then not read" {
    sed "s|^password_file = .*|password_file = \"$PWD/no-such.password\"|" "$DNSAPID_CONF" >c.toml
    cp "$MARIADB_PASSWORD_FILE" db.password
    run -0 --separate-stderr "$DNSAPID" -c c.toml --db-password-file db.password --check-config
    run -78 --separate-stderr "$DNSAPID" -c "$DNSAPID_CONF" --db-password-file "$PWD/missing.pw" \
        --check-config
    assert_contains "$stderr" "missing.pw"
    # The password is the one the database gets: the right one reaches it (an empty database,
    # so migrate --status answers 1), a wrong one is refused.
    fresh_db pwflag
    sed -i '/^password_file = /d' pwflag.toml
    run -1 --separate-stderr "$DNSAPID" -c pwflag.toml --db-password-file db.password migrate --status
    printf 'not-the-password\n' >wrong.password
    run -78 --separate-stderr "$DNSAPID" -c pwflag.toml --db-password-file wrong.password \
        migrate --status
    assert_contains "$stderr" "Access denied"
}

@test "an unknown configuration key exits 78 with file:line:col" {
    cp "$DNSAPID_CONF" c.toml
    # The key goes on a known line of [http]: after "threads = 2".
    local line
    line=$(grep -n '^threads = 2$' c.toml | cut -d: -f1)
    sed -i "${line}a no_such_key = 1" c.toml
    run -78 --separate-stderr "$DNSAPID" -c c.toml --check-config
    assert_empty "$output" stdout
    assert_contains "$stderr" "c.toml:$((line + 1)):"
    assert_line_matches "$stderr" "c\.toml:$((line + 1)):[0-9]+: .*no_such_key"
}

@test "an unknown configuration section exits 78 with file:line:col" {
    printf 'listen = "127.0.0.1:8080"\n\n[nonsense]\nx = 1\n' >c.toml
    run -78 --separate-stderr "$DNSAPID" -c c.toml --check-config
    assert_line_matches "$stderr" 'c\.toml:3:[0-9]+: .*nonsense'
}

@test "a value of the wrong type exits 78 with file:line:col" {
    sed 's/^workers = 16$/workers = "many"/' "$DNSAPID_CONF" >c.toml
    local line
    line=$(grep -n '^workers = ' c.toml | cut -d: -f1)
    run -78 --separate-stderr "$DNSAPID" -c c.toml --check-config
    assert_contains "$stderr" "c.toml:$line:"
}

@test "a TOML syntax error exits 78 with file:line:col" {
    printf 'listen = "127.0.0.1:8080"\nadmin_key_file = \n' >c.toml
    run -78 --separate-stderr "$DNSAPID" -c c.toml --check-config
    assert_line_matches "$stderr" 'c\.toml:2:[0-9]+'
}

@test "a configuration file given with -c that does not exist exits 78" {
    run -78 --separate-stderr "$DNSAPID" -c "$PWD/none.toml" --check-config
    assert_contains "$stderr" "none.toml"
}

@test "a listen address that is not ADDR:PORT exits 78" {
    run -78 --separate-stderr "$DNSAPID" -c "$DNSAPID_CONF" --listen localhost --check-config
    assert_contains "$stderr" "localhost"
}

@test "migrate --status on an empty database says version 0 and exits 1" {
    fresh_db status_empty
    run -1 --separate-stderr "$DNSAPID" -c status_empty.toml migrate --status
    assert_line_matches "$output" '^schema version 0, latest [1-9][0-9]*$'
}

@test "migrate creates the schema; a second migrate applies nothing and changes nothing" {
    fresh_db twice
    run -0 --separate-stderr "$DNSAPID" -c twice.toml migrate
    assert_line_matches "$output" '\(1 migration applied\)|\([1-9][0-9]* migrations applied\)'
    local t
    for t in plans accounts api_keys domains rrsets changes usage_daily audit schema_migrations; do
        run -0 mariadb_sql "SELECT COUNT(*) FROM information_schema.tables WHERE
            table_schema = 'twice' AND table_name = '$t'"
        [[ $output == 1 ]] || fail_with "table $t missing after migrate"
    done
    local versions
    versions=$(mariadb_sql "SELECT GROUP_CONCAT(version ORDER BY version) FROM twice.schema_migrations")
    # Some data, to show the second run leaves it alone.
    mariadb_sql "INSERT INTO twice.plans (name) VALUES ('keepme')"
    run -0 --separate-stderr "$DNSAPID" -c twice.toml migrate
    assert_contains "$output" "(0 migrations applied)"
    run -0 mariadb_sql "SELECT GROUP_CONCAT(version ORDER BY version) FROM twice.schema_migrations"
    [[ $output == "$versions" ]] || fail_with "schema_migrations changed: $versions -> $output"
    run -0 mariadb_sql "SELECT COUNT(*) FROM twice.plans WHERE name = 'keepme'"
    [[ $output == 1 ]] || fail_with "the second migrate lost data"
    run -0 --separate-stderr "$DNSAPID" -c twice.toml migrate --status
    assert_line_matches "$output" '^schema version ([0-9]+), latest \1$'
}

@test "two migrations at once both succeed and apply the schema once" {
    fresh_db racing
    "$DNSAPID" -c racing.toml migrate >m1.out 2>&1 &
    local p1=$!
    "$DNSAPID" -c racing.toml migrate >m2.out 2>&1 &
    local p2=$! rc1=0 rc2=0
    wait "$p1" || rc1=$?
    wait "$p2" || rc2=$?
    ((rc1 == 0 && rc2 == 0)) || fail_with "exit $rc1 and $rc2: $(cat m1.out m2.out)"
    run -0 mariadb_sql "SELECT COUNT(*) = COUNT(DISTINCT version) FROM racing.schema_migrations"
    [[ $output == 1 ]] || fail_with "a version was recorded twice"
}

@test "the daemon refuses a database that was never migrated (78)" {
    fresh_db unmigrated
    run -78 --separate-stderr timeout 30 "$DNSAPID" -c unmigrated.toml
    assert_contains "$stderr" "migrate"
}

@test "a database with a newer schema: migrate refuses (65), the daemon refuses to start (78)" {
    fresh_db newer
    run -0 "$DNSAPID" -c newer.toml migrate
    mariadb_sql "INSERT INTO newer.schema_migrations (version, name) VALUES (999, 'from the future')"
    run -65 --separate-stderr "$DNSAPID" -c newer.toml migrate
    assert_empty "$output" stdout
    assert_contains "$stderr" "999"
    # Nothing was applied or removed.
    run -0 mariadb_sql "SELECT MAX(version) FROM newer.schema_migrations"
    [[ $output == 999 ]] || fail_with "schema_migrations changed"
    run -1 --separate-stderr "$DNSAPID" -c newer.toml migrate --status
    assert_line_matches "$output" '^schema version 999, latest '
    run -78 --separate-stderr timeout 30 "$DNSAPID" -c newer.toml
    assert_contains "$stderr" "999"
    assert_contains "$stderr" "newer"
}

@test "migrate against an unreachable database exits 69" {
    sed -e "s|^socket = .*|socket = \"$PWD/no.sock\"|" "$DNSAPID_CONF" >c.toml
    run -69 --separate-stderr timeout 30 "$DNSAPID" -c c.toml migrate
    assert_empty "$output" stdout
}

@test "a listen port already in use exits 69" {
    fresh_db busy
    run -0 "$DNSAPID" -c busy.toml migrate
    # MariaDB's own TCP port is certainly taken.
    run -69 --separate-stderr timeout 30 "$DNSAPID" -c busy.toml --listen "127.0.0.1:$MARIADB_PORT"
    assert_contains "$stderr" "$MARIADB_PORT"
}

@test "the daemon starts, answers health and exits 0 on SIGTERM" {
    fresh_db lifecycle
    run -0 "$DNSAPID" -c lifecycle.toml migrate
    DNSAPID_DB_NAME=lifecycle dnsapid_start
    api GET /v1/health
    expect_status 200
    assert_eq "$(jb .status)" ok "health status"
    dnsapid_stop TERM
    [[ $DNSAPID_EXIT == 0 ]] || fail_with "dnsapid exited $DNSAPID_EXIT on SIGTERM"
    rm -f "$DNSAPID_DIR/pid"
}
