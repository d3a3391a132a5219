#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# plan-check usage: --help, --version, option errors (64), configuration errors (78), database down (69), unknown --account (66).
#
# $stderr is set by bats (run --separate-stderr). One throwaway MariaDB with dnsapid's schema
# for the file (dnsapid.bash); no dnsapid daemon is started.
# shellcheck disable=SC2154

load ../helpers
load ../dnsapid/dnsapid

PLAN_CHECK="$BIN/plan-check"

setup_file() {
    [[ -x $BIN/plan-check ]] || {
        echo "# $BIN/plan-check is missing: build the plan-check target first" >&3
        return 1
    }
    dnsapid_prepare || return 1
    dnsapid_migrate || return 1
    mariadb_sql "INSERT INTO plans (name, max_domains) VALUES ('basic', 1);
        INSERT INTO accounts (name, plan_id) SELECT 'alice', id FROM plans WHERE name = 'basic';"
}

teardown_file() {
    dnsapid_teardown_file
}

setup() {
    dnsapid_setup
    write_config pc.toml
}

# write_config FILE [EXTRA-LINE...]: a plan-check configuration for the file's MariaDB, with
# the extra lines appended to its [database] table.
write_config() {
    local f=$1
    shift
    {
        echo '# SPDX-License-Identifier: MIT'
        echo '# plan-check configuration of one bats test'
        echo '[database]'
        echo "socket = \"$MARIADB_SOCKET\""
        echo "user = \"$MARIADB_USER\""
        echo "password_file = \"$MARIADB_PASSWORD_FILE\""
        echo "name = \"$MARIADB_DATABASE\""
        echo 'connect_timeout = 2'
        if (($# > 0)); then printf '%s\n' "$@"; fi
    } >"$f"
}

@test "--help exits 0 and lists every option" {
    run -0 --separate-stderr "$PLAN_CHECK" --help
    local opt
    for opt in --account --all --json --config --check-config --version --help; do
        assert_contains "$output" "$opt"
    done
}

@test "--version prints the program name and version" {
    run -0 --separate-stderr "$PLAN_CHECK" --version
    assert_line_matches "$output" '^plan-check [0-9]+\.[0-9]+\.[0-9]+'
}

@test "an unknown option exits 64 and names it; nothing on stdout" {
    run -64 --separate-stderr "$PLAN_CHECK" -c pc.toml --no-such-option
    assert_empty "$output" stdout
    assert_contains "$stderr" "--no-such-option"
}

@test "--account without a value, a stray argument, and --all with --account exit 64" {
    run -64 --separate-stderr "$PLAN_CHECK" -c pc.toml --account
    assert_empty "$output" stdout
    assert_contains "$stderr" "--account"
    run -64 --separate-stderr "$PLAN_CHECK" -c pc.toml stray
    assert_empty "$output" stdout
    run -64 --separate-stderr "$PLAN_CHECK" -c pc.toml --all --account alice
    assert_empty "$output" stdout
    assert_contains "$stderr" "--all"
    run -64 --separate-stderr "$PLAN_CHECK" -c pc.toml -a --account 1
    assert_empty "$output" stdout
}

@test "--check-config accepts the test configuration, exits 0, prints nothing on stdout" {
    run -0 --separate-stderr "$PLAN_CHECK" -c pc.toml --check-config
    assert_empty "$output" stdout
    assert_contains "$stderr" "pc.toml"
}

@test "--check-config does not contact the database: a socket that does not exist is fine" {
    sed "s|^socket = .*|socket = \"$PWD/no-such.sock\"|" pc.toml >c.toml
    run -0 --separate-stderr "$PLAN_CHECK" -c c.toml --check-config
    assert_empty "$output" stdout
}

@test "--db-password-file replaces database.password_file, and the run uses it" {
    sed "s|^password_file = .*|password_file = \"$PWD/no-such.password\"|" pc.toml >c.toml
    run -78 --separate-stderr "$PLAN_CHECK" -c c.toml --check-config
    assert_contains "$stderr" "no-such.password"
    run -0 --separate-stderr "$PLAN_CHECK" -c c.toml --db-password-file "$MARIADB_PASSWORD_FILE" \
        --account alice
    assert_contains "$output" "alice"
    printf 'not-the-password\n' >wrong.password
    run -78 --separate-stderr "$PLAN_CHECK" -c c.toml --db-password-file wrong.password
    assert_contains "$stderr" "Access denied"
    run -78 --separate-stderr "$PLAN_CHECK" -c pc.toml --db-password-file "$PWD/missing.pw" \
        --check-config
    assert_contains "$stderr" "missing.pw"
}

@test "the sample configuration etc/plan-check.toml passes --check-config" {
    run -0 --separate-stderr "$PLAN_CHECK" -c "$SRC/etc/plan-check.toml" --check-config
    assert_empty "$output" stdout
}

@test "an unknown key exits 78 with file:line:col, in --check-config and in a run" {
    write_config c.toml 'sokcet = "/tmp/x.sock"' # line 9
    run -78 --separate-stderr "$PLAN_CHECK" -c c.toml --check-config
    assert_empty "$output" stdout
    assert_line_matches "$stderr" '^plan-check: c\.toml:9:1: .*sokcet'
    run -78 --separate-stderr "$PLAN_CHECK" -c c.toml
    assert_empty "$output" stdout
    assert_line_matches "$stderr" 'c\.toml:9:1: .*sokcet'
}

@test "an unknown section and a value of the wrong type exit 78 with file:line:col" {
    printf '[databse]\nport = 3306\n' >c.toml
    run -78 --separate-stderr "$PLAN_CHECK" -c c.toml --check-config
    assert_line_matches "$stderr" 'c\.toml:1:[0-9]+: .*databse'
    write_config c.toml 'pool_size = "eight"' # line 9
    run -78 --separate-stderr "$PLAN_CHECK" -c c.toml --check-config
    assert_line_matches "$stderr" 'c\.toml:9:[0-9]+: .*pool_size'
    write_config c.toml 'pool_size = 0'
    run -78 --separate-stderr "$PLAN_CHECK" -c c.toml --check-config
    assert_line_matches "$stderr" 'c\.toml:9:[0-9]+: .*pool_size'
}

@test "a configuration file that does not exist exits 78 naming it" {
    run -78 --separate-stderr "$PLAN_CHECK" -c no-such.toml --check-config
    assert_empty "$output" stdout
    assert_contains "$stderr" "no-such.toml"
}

@test "a missing password file exits 78 naming the file, with and without --check-config" {
    sed "s|^password_file = .*|password_file = \"$PWD/no-such.password\"|" pc.toml >c.toml
    run -78 --separate-stderr "$PLAN_CHECK" -c c.toml --check-config
    assert_empty "$output" stdout
    assert_contains "$stderr" "no-such.password"
    run -78 --separate-stderr "$PLAN_CHECK" -c c.toml
    assert_empty "$output" stdout
    assert_contains "$stderr" "no-such.password"
}

@test "a database with no EndpointDNS schema exits 78 and says to run dnsapid migrate" {
    mariadb_add_database empty_db
    sed 's|^name = .*|name = "empty_db"|' pc.toml >c.toml
    run -78 --separate-stderr "$PLAN_CHECK" -c c.toml
    assert_empty "$output" stdout
    assert_contains "$stderr" "migrate"
}

@test "a socket path that does not exist exits 69 naming it" {
    sed "s|^socket = .*|socket = \"$PWD/no-such.sock\"|" pc.toml >c.toml
    run -69 --separate-stderr "$PLAN_CHECK" -c c.toml
    assert_empty "$output" stdout
    assert_contains "$stderr" "no-such.sock"
    run -69 --separate-stderr "$PLAN_CHECK" -c c.toml --json --account alice
    assert_empty "$output" stdout
}

@test "a TCP port nothing listens on exits 69" {
    local port
    port=$(free_port)
    write_config c.toml
    sed -i -e '/^socket = /d' c.toml
    printf 'host = "127.0.0.1"\nport = %s\n' "$port" >>c.toml
    run -69 --separate-stderr "$PLAN_CHECK" -c c.toml
    assert_empty "$output" stdout
    assert_contains "$stderr" "127.0.0.1:$port"
}

@test "an unknown --account exits 66 naming it, by id and by name; nothing on stdout" {
    run -0 --separate-stderr "$PLAN_CHECK" -c pc.toml --account alice
    run -66 --separate-stderr "$PLAN_CHECK" -c pc.toml --account nobody
    assert_empty "$output" stdout
    assert_contains "$stderr" "nobody"
    run -66 --separate-stderr "$PLAN_CHECK" -c pc.toml --account 999999
    assert_empty "$output" stdout
    assert_contains "$stderr" "999999"
    # One unknown selector among known ones: still 66, and no partial report.
    run -66 --separate-stderr "$PLAN_CHECK" -c pc.toml --json --account alice --account nobody
    assert_empty "$output" stdout
}

# Last: it stops the file's server (and starts it again).
@test "a stopped server exits 69; after a restart plan-check works again" {
    run -0 --separate-stderr "$PLAN_CHECK" -c pc.toml --account alice
    mariadb_stop
    run -69 --separate-stderr "$PLAN_CHECK" -c pc.toml
    assert_empty "$output" stdout
    assert_contains "$stderr" "database unavailable"
    mariadb_restart
    run -0 --separate-stderr "$PLAN_CHECK" -c pc.toml --account alice
}
