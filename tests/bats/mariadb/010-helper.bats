#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# The throwaway MariaDB helper (tests/helpers/mariadb.bash): start, users, restart keeps data, stop.

load ../helpers

setup_file() {
    source "$SRC/tests/helpers/mariadb.bash"
    PATH=$PATH:/usr/sbin
    command -v mariadbd >/dev/null || skip "mariadb-server is not installed"
    mariadb_start "$BATS_FILE_TMPDIR/db"
}

teardown_file() {
    source "$SRC/tests/helpers/mariadb.bash"
    mariadb_stop
}

setup() {
    source "$SRC/tests/helpers/mariadb.bash"
}

# as_user ARGS...: the mariadb client as the test user with its password, no option files.
as_user() {
    mariadb --no-defaults --user="$MARIADB_USER" --password="$(<"$MARIADB_PASSWORD_FILE")" \
        --database="$MARIADB_DATABASE" --batch --skip-column-names "$@"
}

@test "mariadb_start exports the server's coordinates" {
    [[ -d $MARIADB_DIR/data && -S $MARIADB_SOCKET ]] || fail_with "no data directory or socket"
    [[ $MARIADB_PORT =~ ^[0-9]+$ ]] && ((MARIADB_PORT >= 10000 && MARIADB_PORT < 32000)) ||
        fail_with "port $MARIADB_PORT is not in 10000-31999"
    [[ $MARIADB_USER == endpointdns && $MARIADB_DATABASE == endpointdns ]] ||
        fail_with "user $MARIADB_USER, database $MARIADB_DATABASE"
    [[ $(stat -c %a "$MARIADB_PASSWORD_FILE") == 600 ]] || fail_with "password file is not 600"
    [[ $(tail -c 1 "$MARIADB_PASSWORD_FILE" | od -An -c) != *'\n'* ]] ||
        fail_with "password file ends with a newline"
    [[ -e /proc/$MARIADB_PID ]] || fail_with "pid $MARIADB_PID does not run"
    # The server is ours: its data directory, loopback only.
    run -0 mariadb_sql 'select @@datadir, @@bind_address, @@port, @@innodb_flush_log_at_trx_commit'
    [[ $output == "$MARIADB_DIR/data/"$'\t'"127.0.0.1"$'\t'"$MARIADB_PORT"$'\t'1 ]] ||
        fail_with "unexpected server variables"
}

@test "the user reaches its database over the socket and over TCP, and nothing else" {
    run -0 as_user --socket="$MARIADB_SOCKET" -e 'select database(), current_user()'
    [[ $output == $'endpointdns\tendpointdns@localhost' ]] || fail_with "socket login"
    run -0 as_user --protocol=tcp --host=127.0.0.1 --port="$MARIADB_PORT" -e 'select current_user()'
    [[ $output == endpointdns@127.0.0.1 ]] || fail_with "TCP login"
    run -0 as_user --socket="$MARIADB_SOCKET" -e 'create table t0 (x int)'
    run -1 as_user --socket="$MARIADB_SOCKET" -e 'create database other'
    run -1 mariadb --no-defaults --socket="$MARIADB_SOCKET" --user="$MARIADB_USER" \
        --password=wrong -e 'select 1'
}

@test "mariadb_restart keeps the data, the port and the socket" {
    local old_pid=$MARIADB_PID old_port=$MARIADB_PORT
    mariadb_sql 'create table t (id int primary key, v varchar(20)) engine=InnoDB'
    mariadb_sql "insert into t values (1, 'one'), (2, 'two')"
    mariadb_restart
    [[ $MARIADB_PORT == "$old_port" ]] || fail_with "port changed: $old_port -> $MARIADB_PORT"
    [[ $MARIADB_PID != "$old_pid" ]] || fail_with "pid did not change"
    [[ ! -e /proc/$old_pid ]] || [[ $(awk '{ print $3 }' "/proc/$old_pid/stat") == Z ]] ||
        fail_with "the old server still runs"
    run -0 as_user --socket="$MARIADB_SOCKET" -e 'select v from t order by id'
    [[ $output == $'one\ntwo' ]] || fail_with "data lost across the restart"
    run -0 as_user --protocol=tcp --host=127.0.0.1 --port="$MARIADB_PORT" -e 'select count(*) from t'
    [[ $output == 2 ]] || fail_with "TCP after restart"
}

@test "mariadb_sql reads SQL from stdin" {
    run -0 mariadb_sql <<<"insert into t values (3, 'three'); select count(*) from t;"
    [[ $output == 3 ]] || fail_with "expected 3 rows"
}

@test "mariadb_stop leaves no process, no listener and no socket" {
    # An earlier test restarted the server: MARIADB_PID here is stale, the pid file is not.
    local pid
    pid=$(<"$MARIADB_DIR/mariadbd.pid")
    [[ -e /proc/$pid ]] || fail_with "server $pid is not running before the stop"
    mariadb_stop
    [[ ! -e /proc/$pid ]] || [[ $(awk '{ print $3 }' "/proc/$pid/stat") == Z ]] ||
        fail_with "mariadbd $pid still runs"
    ! ss -Hlnt "( sport = :$MARIADB_PORT )" | grep -q . || fail_with "port still listening"
    [[ ! -S $MARIADB_SOCKET ]] || fail_with "socket still there"
    run -0 mariadb_stop # a second stop is a no-op
}
