#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# zone-push usage: --help, --version, option errors (64), terminal input, --check-config (78).
#
# $stderr is set by bats (run --separate-stderr); bash -c scripts in single quotes are meant.
# shellcheck disable=SC2154,SC2016

load ../helpers
load push_helpers

setup() {
    push_setup
    example_stream example.xfr
}

@test "--help exits 0 and lists the options" {
    run -0 --separate-stderr "$ZP" --help
    assert_contains "$output" "--server"
    assert_contains "$output" "--all"
    assert_contains "$output" "--key-file"
    assert_contains "$output" "--full"
    assert_contains "$output" "--json"
    assert_contains "$output" "--check-config"
}

@test "--version prints the program name and version" {
    run -0 --separate-stderr "$ZP" --version
    assert_line_matches "$output" '^zone-push [0-9]+\.[0-9]+\.[0-9]+$'
}

@test "an unknown option exits 64" {
    run -64 --separate-stderr zp --no-such-option example.xfr
    assert_empty "$output" stdout
    assert_contains "$stderr" "--no-such-option"
}

@test "no --server and no --all exits 64" {
    run -64 --separate-stderr zp example.xfr
    assert_empty "$output" stdout
    assert_contains "$stderr" "zone-push: no edge given"
}

@test "--server URL without --key-file exits 64" {
    run -64 --separate-stderr zp --server http://127.0.0.1:9 example.xfr
    assert_contains "$stderr" "--key-file"
}

@test "--key-file without any --server URL exits 64" {
    run -64 --separate-stderr zp --all --key-file key example.xfr
    assert_contains "$stderr" "--key-file"
}

@test "--server with a name the configuration lacks exits 64" {
    run -64 --separate-stderr zp --server ns9 example.xfr
    assert_contains "$stderr" "ns9"
}

@test "--server with a URL of another scheme exits 64" {
    run -64 --separate-stderr zp --server ftp://127.0.0.1:9 -k key example.xfr
    assert_contains "$stderr" "ftp://127.0.0.1:9"
}

@test "a bad --timeout or --retries exits 64" {
    run -64 --separate-stderr zp --server http://127.0.0.1:9 -k key --timeout 0 example.xfr
    run -64 --separate-stderr zp --server http://127.0.0.1:9 -k key --timeout soon example.xfr
    run -64 --separate-stderr zp --server http://127.0.0.1:9 -k key --retries -1 example.xfr
    run -64 --separate-stderr zp --server http://127.0.0.1:9 -k key --retries 101 example.xfr
}

@test "--server takes one value: the next word is a file" {
    # example.xfr is not taken as a second server: the push is tried (and fails) instead.
    local port
    port=$(free_port)
    run -69 --separate-stderr zp --retries 0 --server "http://127.0.0.1:$port" -k key example.xfr
}

@test "standard input on a terminal is refused with 64" {
    require_cmd script
    local cmd
    printf -v cmd '%q -c empty.toml --server http://127.0.0.1:9 -k key' "$ZP"
    run -64 script -qec "$cmd" /dev/null
    assert_contains "$output" "terminal"
}

@test "--check-config accepts a configuration with every key" {
    printf 'ns1-key\n' >ns1.key
    cat >good.toml <<'CONF'
[push]
timeout = 2.5
connect_timeout = 1
retries = 3
backoff = 0.25

[[server]]
name = "ns1"
url = "http://127.0.0.1:8053"
key_file = "ns1.key"

[[server]]
name = "ns2.example"
url = "https://[::1]:8053/"
key_file = "ns1.key"
CONF
    run -0 --separate-stderr "$ZP" -c good.toml --check-config
    assert_empty "$output" stdout
    assert_contains "$stderr" "good.toml is valid (2 servers)"
}

@test "--check-config accepts the sample configuration" {
    run -0 --separate-stderr "$ZP" -c "$SRC/etc/zone-push.toml" --check-config
}

@test "--check-config accepts an empty configuration" {
    run -0 --separate-stderr "$ZP" -c empty.toml --check-config
}

@test "-c with a missing file exits 78" {
    run -78 --separate-stderr "$ZP" -c missing.toml --check-config
    assert_contains "$stderr" "missing.toml"
    run -78 --separate-stderr "$ZP" -c missing.toml --all example.xfr
    assert_empty "$output" stdout
}

# check_bad TEXT REGEX: a configuration holding TEXT fails --check-config with 78 and a stderr
# line matching REGEX.
check_bad() {
    printf '%s\n' "$1" >bad.toml
    run -78 --separate-stderr "$ZP" -c bad.toml --check-config
    assert_empty "$output" stdout
    assert_line_matches "$stderr" "$2"
}

@test "--check-config: an unknown key exits 78 with file:line:col" {
    check_bad $'[push]\ntimeout = 3\ntimout = 4' '^zone-push: bad\.toml:3:1: .*timout'
}

@test "--check-config: an unknown section exits 78 with file:line:col" {
    check_bad $'[pusj]\ntimeout = 3' '^zone-push: bad\.toml:1:[0-9]+: .*pusj'
}

@test "--check-config: a value of the wrong type exits 78 with file:line:col" {
    check_bad $'[push]\ntimeout = "3"' '^zone-push: bad\.toml:2:[0-9]+: .*timeout'
    check_bad $'[push]\nretries = 1.5' '^zone-push: bad\.toml:2:[0-9]+: .*retries'
}

@test "--check-config: a value out of range exits 78" {
    check_bad $'[push]\ntimeout = 0' '^zone-push: bad\.toml:2:[0-9]+: .*timeout'
    check_bad $'[push]\nretries = 101' '^zone-push: bad\.toml:2:[0-9]+: .*retries'
}

@test "--check-config: a TOML syntax error exits 78 with file:line:col" {
    check_bad $'[push\ntimeout = 1' '^zone-push: bad\.toml:1:[0-9]+: '
}

@test "--check-config: [[server]] errors exit 78 with file:line:col" {
    printf 'k\n' >k.key
    check_bad $'[[server]]\nurl = "http://127.0.0.1:1"\nkey_file = "k.key"' \
        '^zone-push: bad\.toml:1:[0-9]+: .*without a name'
    check_bad $'[[server]]\nname = "a"\nkey_file = "k.key"' '^zone-push: bad\.toml:1:[0-9]+: .*no url'
    check_bad $'[[server]]\nname = "a"\nurl = "http://127.0.0.1:1"' \
        '^zone-push: bad\.toml:1:[0-9]+: .*no key_file'
    check_bad $'[[server]]\nname = "a"\nurl = "127.0.0.1:1"\nkey_file = "k.key"' \
        '^zone-push: bad\.toml:3:[0-9]+: .*server\.url'
    check_bad $'[[server]]\nname = "a b"\nurl = "http://127.0.0.1:1"\nkey_file = "k.key"' \
        '^zone-push: bad\.toml:2:[0-9]+: .*server\.name'
    check_bad $'[[server]]\nname = "a"\nurl = "http://127.0.0.1:1"\nkey_file = "k.key"\nkey = "x"' \
        "^zone-push: bad\\.toml:5:1: .*'key'"
    check_bad $'server = "a"' '^zone-push: bad\.toml:1:1: .*\[\[server\]\]'
}

@test "--check-config: a server name given twice exits 78" {
    printf 'k\n' >k.key
    check_bad $'[[server]]\nname = "a"\nurl = "http://127.0.0.1:1"\nkey_file = "k.key"\n[[server]]\nname = "a"\nurl = "http://127.0.0.1:2"\nkey_file = "k.key"' \
        '^zone-push: bad\.toml:6:[0-9]+: .*twice'
}

@test "--check-config: a key file that cannot be read exits 78 naming its line" {
    check_bad $'[[server]]\nname = "a"\nurl = "http://127.0.0.1:1"\nkey_file = "nokey"' \
        '^zone-push: bad\.toml:4:[0-9]+: cannot read key file nokey'
    : >empty.key
    check_bad $'[[server]]\nname = "a"\nurl = "http://127.0.0.1:1"\nkey_file = "empty.key"' \
        '^zone-push: bad\.toml:4:[0-9]+: key file empty.key is empty'
}

@test "--all with no configured server exits 78" {
    run -78 --separate-stderr zp --all example.xfr
    assert_contains "$stderr" "empty.toml defines no [[server]]"
}

@test "a bad configuration stops a push with 78 before anything is read or sent" {
    printf '[push]\nbogus = 1\n' >bad.toml
    run -78 --separate-stderr "$ZP" -c bad.toml --server http://127.0.0.1:9 -k key missing.xfr
    assert_contains "$stderr" "bad.toml:2:1: "
}
