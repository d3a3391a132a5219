#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# zone-compile --db usage: option errors (64), terminal refusal, [database] configuration (78), an unreachable database (69).
#
# No database is started: every case fails before one is needed, or finds none.
# $stderr is set by bats (run --separate-stderr).
# shellcheck disable=SC2154

load ../helpers

setup() {
    zc_setup
}

@test "--zone or --account without --db exits 64" {
    run -64 --separate-stderr zc --zone example.com
    assert_contains "$stderr" "zone-compile: --zone selects zones of the database: add --db"
    run -64 --separate-stderr zc --account 1 "$EXAMPLE_ZONE"
    assert_contains "$stderr" "zone-compile: --account selects zones of the database: add --db"
}

@test "--db with a FILE, --origin or --check exits 64" {
    run -64 --separate-stderr zc --db -f "$EXAMPLE_ZONE"
    assert_contains "$stderr" "zone-compile: --db reads zones from the database, but a FILE was given"
    run -64 --separate-stderr zc --db -f --origin example.com
    assert_contains "$stderr" "--origin applies to master files, not --db"
    run -64 --separate-stderr zc --db --check
    assert_contains "$stderr" "--check validates master files"
}

@test "--zone with --account exits 64" {
    run -64 --separate-stderr zc --db -f --zone example.com --account 1
    assert_contains "$stderr" "zone-compile: --zone and --account exclude each other"
}

@test "a --zone that is not a name exits 64" {
    printf '[database]\nport = 1\nconnect_timeout = 1\n' >db.toml
    run -64 --separate-stderr "$ZC" -c db.toml --db -f --zone 'a..b'
    assert_contains "$stderr" "zone-compile: --zone 'a..b': not a zone name"
}

@test "--db refuses a terminal, before it connects to the database" {
    printf '[database]\nport = 1\nconnect_timeout = 1\n' >db.toml
    local cmd
    printf -v cmd '%q -c db.toml --db --zone example.com' "$ZC"
    run -64 script -qec "$cmd" /dev/null
    assert_contains "$output" "refusing to write a binary zone stream to a terminal"
    run -64 --separate-stderr "$ZC" -c db.toml --db --json -o -
    assert_contains "$stderr" "--json with the stream on stdout"
}

@test "--check-config accepts the sample configuration with its [database] table" {
    run -0 --separate-stderr "$ZC" -c "$SRC/etc/zone-compile.toml" --check-config
    printf '[database]\nhost = "db.example"\nport = 3307\nuser = "reader"\nname = "dns"\nio_timeout = 60\n' >good.toml
    run -0 --separate-stderr "$ZC" -c good.toml --check-config
}

@test "--check-config: an unknown [database] key exits 78 with file:line:col" {
    printf '[database]\nhost = "db.example"\nhots = "x"\n' >bad.toml
    run -78 --separate-stderr "$ZC" -c bad.toml --check-config
    assert_contains "$stderr" "zone-compile: bad.toml:3:1: unknown key 'hots' in [database]"
}

@test "an unreadable password file exits 78 with --db, and does not matter without it" {
    printf '[database]\npassword_file = "%s/missing.password"\n' "$PWD" >bad.toml
    run -78 --separate-stderr "$ZC" -c bad.toml --db -o out.xfr
    assert_contains "$stderr" "missing.password"
    assert_no_file out.xfr
    run -78 --separate-stderr "$ZC" -c bad.toml --check-config
    run -0 "$ZC" -c bad.toml -q -o out.xfr "$EXAMPLE_ZONE"
}

@test "a database nobody listens on exits 69, and no output file is left" {
    local port
    port=$(free_port)
    printf '[database]\nhost = "127.0.0.1"\nport = %s\nconnect_timeout = 2\n' "$port" >db.toml
    run -69 --separate-stderr "$ZC" -c db.toml --db --zone example.com -o out.xfr
    assert_line_matches "$stderr" "^zone-compile: database unavailable: cannot connect to 127\\.0\\.0\\.1:$port as endpointdns: "
    assert_no_file out.xfr
}
