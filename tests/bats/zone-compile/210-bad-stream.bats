#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# zone-compile --text on malformed zone streams: truncated, garbage, wrong header or question: exit 65.
#
# $stderr is set by bats (run --separate-stderr); bash -c scripts in single quotes are meant.
# shellcheck disable=SC2154,SC2016

load ../helpers

setup() {
    zc_setup
    zc -f "$EXAMPLE_ZONE" >example.xfr
}

# expect_malformed FILE: --text FILE exits 65 and says "FILE: malformed zone stream"; the same
# with --json, which must not print a summary of a stream it could not read.
expect_malformed() {
    run -65 --separate-stderr zc --text "$1"
    assert_contains "$stderr" "zone-compile: $1: malformed zone stream"
    run -65 --separate-stderr zc --text --json "$1"
    assert_contains "$stderr" "malformed zone stream"
}

# patch FILE OFFSET OCTAL: writes FILE with the byte at OFFSET replaced, to stdout.
patch() {
    head -c "$2" "$1"
    printf '%b' "\\0$3"
    tail -c +$(($2 + 2)) "$1"
}

@test "a truncated stream exits 65" {
    head -c 100 example.xfr >cut.xfr
    expect_malformed cut.xfr
    assert_empty "$output" stdout
}

@test "a stream missing its last octet exits 65" {
    head -c -1 example.xfr >cut.xfr
    expect_malformed cut.xfr
}

@test "a stream cut between two messages, inside a transfer, exits 65" {
    printf '[output]\nmessage_size = 512\n' >small.toml
    "$ZC" -c small.toml -f "$EXAMPLE_ZONE" >small.xfr
    local first
    first=$(stream_message_sizes small.xfr | head -n 1)
    head -c $((first + 2)) small.xfr >cut.xfr
    [[ $(stream_message_sizes cut.xfr) == "$first" ]] || fail_with "cut.xfr is not one whole message"
    expect_malformed cut.xfr
    assert_contains "$stderr" "inside the transfer of example.com."
}

@test "a lone octet exits 65" {
    printf '\000' >one.xfr
    expect_malformed one.xfr
}

@test "trailing garbage after a valid stream exits 65" {
    { cat example.xfr && printf '\001'; } >trailing.xfr
    expect_malformed trailing.xfr
}

@test "a second zone that is truncated exits 65" {
    { cat example.xfr && head -c 200 example.xfr; } >two.xfr
    expect_malformed two.xfr
}

@test "fixed garbage exits 65" {
    # A plausible length prefix, then octets that are no DNS message.
    printf '\000\040%s' 'this is not a DNS message at all' >garbage.xfr
    expect_malformed garbage.xfr
    # A message length of zero.
    printf '\000\000' >zero.xfr
    expect_malformed zero.xfr
}

# seeded_octets N SEED: N pseudo-random octets, the same every run (sha256 chain), so that
# a failure here can be reproduced; the fuzz targets cover random input at scale.
seeded_octets() {
    local n=$1 h=$2 hex=""
    while ((${#hex} < 2 * n)); do
        h=$(printf '%s' "$h" | sha256sum | cut -c1-64)
        hex+=$h
    done
    hex=${hex:0:$((2 * n))}
    local i o esc=""
    for ((i = 0; i < ${#hex}; i += 2)); do
        printf -v o '%03o' "0x${hex:i:2}"
        esc+="\\0$o"
    done
    printf '%b' "$esc"
}

@test "pseudo-random octets exit 65" {
    seeded_octets 1024 one >random.xfr
    [[ $(wc -c <random.xfr) -eq 1024 ]] || fail_with "seeded_octets wrote the wrong size"
    expect_malformed random.xfr
    # With a length prefix that fits, so that the message parser sees the octets.
    { printf '\001\000' && seeded_octets 256 two; } >random2.xfr
    expect_malformed random2.xfr
}

@test "a master file given to --text exits 65" {
    expect_malformed "$EXAMPLE_ZONE"
}

@test "a message that is not a response exits 65" {
    # Octet 4 is the high flags octet: 0x84 (QR AA) becomes 0x04.
    [[ $(od -An -tx1 -j4 -N1 example.xfr | tr -d ' ') == 84 ]] || fail_with "unexpected flags"
    patch example.xfr 4 004 >noqr.xfr
    expect_malformed noqr.xfr
}

@test "a transfer whose question is not AXFR or IXFR exits 65" {
    # The question starts at octet 14: example.com. takes 13 octets, then the type (252 = AXFR).
    [[ $(od -An -tu1 -j28 -N1 example.xfr | tr -d ' ') == 252 ]] || fail_with "unexpected question"
    patch example.xfr 28 001 >qtype.xfr
    expect_malformed qtype.xfr
}

@test "a transfer that does not start with its SOA exits 65" {
    # The first record follows the question at octet 31: a 2-octet compressed owner, then its
    # type (6 = SOA) at octets 33-34. Type 0xff06 is one no reader knows.
    [[ $(od -An -tx1 -j31 -N4 example.xfr | tr -d ' ') == c00c0006 ]] || fail_with "unexpected first record"
    patch example.xfr 33 377 >nosoa.xfr
    expect_malformed nosoa.xfr
    assert_contains "$stderr" "SOA"
}

@test "xfr-ldns-dump rejects a truncated stream with exit 1" {
    head -c 100 example.xfr >cut.xfr
    run -1 --separate-stderr "$DUMP" cut.xfr
    assert_empty "$output" stdout
    assert_contains "$stderr" "xfr-ldns-dump: "
    printf '\000\040%s' 'this is not a DNS message at all' >garbage.xfr
    run -1 --separate-stderr "$DUMP" garbage.xfr
    run -0 --separate-stderr "$DUMP" </dev/null
    assert_empty "$output" stdout
}
