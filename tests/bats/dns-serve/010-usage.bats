#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# dns-serve usage: --help, --version, option errors (64), --check-config (0 or 78), --query errors.
#
# $stderr is set by bats (run --separate-stderr).
# shellcheck disable=SC2154

load ../helpers
load serve_helpers

setup() {
    edge_setup
    (umask 077 && printf '%s\n' 0123456789abcdef0123456789abcdef >key)
}

@test "--help exits 0 and lists the options" {
    run -0 --separate-stderr "$SERVE" --help
    local opt
    for opt in --config --listen --http --key-file --state-dir --threads --check-config \
        --query --udp --version; do
        assert_contains "$output" "$opt"
    done
}

@test "--version prints the program name and version" {
    run -0 --separate-stderr "$SERVE" --version
    assert_line_matches "$output" '^dns-serve [0-9]+\.[0-9]+\.[0-9]+$'
}

@test "an unknown option exits 64" {
    run -64 --separate-stderr "$SERVE" --no-such-option
    assert_empty "$output" stdout
    assert_contains "$stderr" "--no-such-option"
}

@test "--query with one argument exits 64" {
    run -64 --separate-stderr "$SERVE" -c empty.toml --query example.com
    assert_empty "$output" stdout
}

@test "--check-config accepts the sample configuration" {
    run -0 --separate-stderr "$SERVE" -c "$SRC/etc/dns-serve.toml" --key-file key --check-config
    assert_contains "$output" "configuration OK"
    assert_empty "$stderr" stderr
}

@test "--check-config accepts an empty configuration" {
    run -0 --separate-stderr "$SERVE" -c empty.toml --key-file key --check-config
    assert_contains "$output" "configuration OK"
}

@test "--check-config takes the key file from the configuration" {
    printf '[http]\nkey_file = "key"\n' >ok.toml
    run -0 --separate-stderr "$SERVE" -c ok.toml --check-config
}

@test "an unknown configuration key exits 78 with file:line:col" {
    printf '[server]\nthreads = 2\nno_such_key = 1\n' >bad.toml
    run -78 --separate-stderr "$SERVE" -c bad.toml --key-file key --check-config
    assert_empty "$output" stdout
    assert_contains "$stderr" "dns-serve: bad.toml:3:1: "
    assert_contains "$stderr" "no_such_key"
}

@test "an unknown configuration section exits 78" {
    printf '[server]\nthreads = 2\n\n[no_such_section]\nx = 1\n' >bad.toml
    run -78 --separate-stderr "$SERVE" -c bad.toml --key-file key --check-config
    assert_contains "$stderr" "bad.toml:4:"
}

@test "a value of the wrong type exits 78 with file:line:col" {
    printf '[dns]\nudp_payload = "big"\n' >bad.toml
    run -78 --separate-stderr "$SERVE" -c bad.toml --key-file key --check-config
    assert_contains "$stderr" "bad.toml:2:"
    assert_contains "$stderr" "udp_payload"
}

@test "a value out of range exits 78" {
    printf '[dns]\nudp_payload = 100\n' >bad.toml
    run -78 --separate-stderr "$SERVE" -c bad.toml --key-file key --check-config
    assert_contains "$stderr" "bad.toml:2:"
}

@test "a missing configuration file named with -c exits 78" {
    run -78 --separate-stderr "$SERVE" -c no-such.toml --key-file key --check-config
    assert_contains "$stderr" "no-such.toml"
}

@test "a missing key file exits 78" {
    run -78 --separate-stderr "$SERVE" -c empty.toml --key-file no-such.key --check-config
    assert_empty "$output" stdout
    assert_contains "$stderr" "dns-serve: cannot read the key file: "
    assert_contains "$stderr" "no-such.key"
}

@test "an empty key file exits 78" {
    printf '  \n' >empty.key
    run -78 --separate-stderr "$SERVE" -c empty.toml --key-file empty.key --check-config
    assert_contains "$stderr" "empty.key: the key file is empty"
}

@test "a key shorter than 16 characters exits 78" {
    printf 'short\n' >short.key
    run -78 --separate-stderr "$SERVE" -c empty.toml --key-file short.key --check-config
    assert_contains "$stderr" "shorter than 16 characters"
}

@test "a bad --listen address exits 78" {
    run -78 --separate-stderr "$SERVE" -c empty.toml --key-file key --listen nowhere \
        --check-config
    assert_empty "$output" stdout
    assert_contains "$stderr" "listen address 'nowhere'"
}

@test "a bad listen address in the configuration exits 78" {
    printf '[server]\nlisten = ["127.0.0.1:53", "localhost:53"]\n' >bad.toml
    run -78 --separate-stderr "$SERVE" -c bad.toml --key-file key --check-config
    assert_contains "$stderr" "localhost:53"
}

@test "a bad --http address exits 78" {
    run -78 --separate-stderr "$SERVE" -c empty.toml --key-file key --http 127.0.0.1 \
        --check-config
    assert_contains "$stderr" "http address '127.0.0.1'"
}

@test "--query without a state directory exits 66" {
    run -66 --separate-stderr "$SERVE" -c empty.toml --state-dir no-such-dir \
        --query www.example.com A
    assert_empty "$output" stdout
    assert_contains "$stderr" "dns-serve: --query: no state directory no-such-dir"
}

@test "--query with an unknown type exits 64" {
    mkdir state
    run -64 --separate-stderr "$SERVE" -c empty.toml --state-dir state \
        --query www.example.com NOSUCHTYPE
    assert_empty "$output" stdout
    assert_contains "$stderr" "'NOSUCHTYPE' is not a record type"
}

@test "--query with a bad name exits 64" {
    mkdir state
    run -64 --separate-stderr "$SERVE" -c empty.toml --state-dir state --query 'a..b' A
    assert_contains "$stderr" "is not a domain name"
}

@test "an empty server.listen exits 78 under --check-config too" {
    printf '[server]\nlisten = []\n' >bad.toml
    run -78 --separate-stderr "$SERVE" -c bad.toml --key-file key --check-config
    assert_contains "$stderr" "listen"
}
