#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# zone-sync usage: --help, --version, option errors (64), configuration errors (78), an unreachable database (69).
#
# No database is started: every case here fails, or succeeds, before one is needed.
# $stderr is set by bats (run --separate-stderr).
# shellcheck disable=SC2154

load ../helpers

ZS="$BIN/zone-sync"

setup() {
    zc_setup
    [[ -x $ZS ]] || fail_with "$ZS is missing: build the zone-sync target"
}

@test "--help exits 0 and lists the options" {
    run -0 "$ZS" --help
    local o
    for o in --server --all --dry-run --json --timeout --retries --config --check-config; do
        assert_contains "$output" "$o"
    done
}

@test "--version prints the program name and version" {
    run -0 "$ZS" --version
    assert_line_matches "$output" '^zone-sync [0-9]+\.[0-9]+\.[0-9]+$'
}

@test "an unknown option exits 64" {
    run -64 --separate-stderr "$ZS" -c empty.toml --bogus
    assert_empty "$output" stdout
}

@test "no --server and no --all exits 64" {
    run -64 --separate-stderr "$ZS" -c empty.toml
    assert_contains "$stderr" "zone-sync: no edge given: use --server NAME or --all"
}

@test "--all with --server exits 64" {
    run -64 --separate-stderr "$ZS" -c empty.toml --all --server ns1
    assert_contains "$stderr" "zone-sync: --all and --server exclude each other"
}

@test "an out-of-range --timeout or --retries exits 64" {
    run -64 "$ZS" -c empty.toml --all --timeout 0
    run -64 "$ZS" -c empty.toml --all --retries 101
}

@test "--check-config accepts the sample configuration and an empty one" {
    # The sample names a password file only in a comment: it is valid as shipped.
    run -0 --separate-stderr "$ZS" -c "$SRC/etc/zone-sync.toml" --check-config
    assert_contains "$stderr" "zone-sync.toml is valid"
    run -0 --separate-stderr "$ZS" -c empty.toml --check-config
}

@test "--db-password-file replaces database.password_file, whose file is then not read" {
    printf '[database]\npassword_file = "%s/no-such.password"\n' "$PWD" >c.toml
    run -78 --separate-stderr "$ZS" -c c.toml --check-config
    assert_contains "$stderr" "no-such.password"
    printf 'secret\n' >db.password
    run -0 --separate-stderr "$ZS" -c c.toml --db-password-file db.password --check-config
    run -78 --separate-stderr "$ZS" -c empty.toml --db-password-file "$PWD/missing.pw" --check-config
    assert_contains "$stderr" "missing.pw"
}

@test "--check-config: an unknown key exits 78 with file:line:col" {
    printf '[push]\ntimeout = 3\nchunksize = 1000000\n' >bad.toml
    run -78 --separate-stderr "$ZS" -c bad.toml --check-config
    assert_contains "$stderr" "zone-sync: bad.toml:3:1: unknown key 'chunksize' in [push]"
}

@test "--check-config: values of the wrong type or out of range exit 78" {
    printf '[push]\ntimeout = "3"\n' >bad.toml
    run -78 --separate-stderr "$ZS" -c bad.toml --check-config
    assert_line_matches "$stderr" '^zone-sync: bad\.toml:2:[0-9]+: push\.timeout must be a number$'
    printf '[push]\nchunk_size = 1000\n' >bad.toml
    run -78 --separate-stderr "$ZS" -c bad.toml --check-config
    assert_line_matches "$stderr" '^zone-sync: bad\.toml:2:[0-9]+: push\.chunk_size must be between'
    printf '[push]\nretries = 1.5\n' >bad.toml
    run -78 --separate-stderr "$ZS" -c bad.toml --check-config
    assert_line_matches "$stderr" 'push\.retries must be an integer'
    printf '[database]\nport = 0\n' >bad.toml
    run -78 --separate-stderr "$ZS" -c bad.toml --check-config
    assert_line_matches "$stderr" 'database\.port must be between'
}

@test "a timeout may be a fraction of a second" {
    printf '[push]\ntimeout = 2.5\nconnect_timeout = 0.5\nbackoff = 0\n' >ok.toml
    run -0 "$ZS" -c ok.toml --check-config
}

@test "an unreadable password file exits 78 naming it" {
    printf '[database]\npassword_file = "%s/missing.password"\n' "$PWD" >bad.toml
    run -78 --separate-stderr "$ZS" -c bad.toml --check-config
    assert_contains "$stderr" "missing.password"
    run -78 --separate-stderr "$ZS" -c bad.toml --all
    assert_contains "$stderr" "missing.password"
}

@test "-c with a missing file exits 78" {
    run -78 --separate-stderr "$ZS" -c missing.toml --all
    assert_contains "$stderr" "zone-sync: cannot read configuration missing.toml"
}

@test "a database nobody listens on exits 69" {
    local port
    port=$(free_port)
    printf '[database]\nhost = "127.0.0.1"\nport = %s\nconnect_timeout = 2\n' "$port" >db.toml
    run -69 --separate-stderr "$ZS" -c db.toml --server ns1
    assert_line_matches "$stderr" "^zone-sync: database unavailable: cannot connect to 127\\.0\\.0\\.1:$port as endpointdns: "
    run -69 --separate-stderr "$ZS" -c db.toml --all --dry-run
    assert_empty "$output" stdout
}
