#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# zone-push bad input: missing files (66), malformed or empty streams and --full misuse (65), nothing sent.
#
# $stderr is set by bats (run --separate-stderr); bash -c scripts in single quotes are meant.
# shellcheck disable=SC2154,SC2016

load ../helpers
load push_helpers

setup() {
    push_setup
    example_stream example.xfr
    # Nothing listens here: a test that got past the local checks would exit 69, not 65/66.
    EDGE="http://127.0.0.1:$(free_port)"
}

@test "a missing input file exits 66" {
    run -66 --separate-stderr zp -s "$EDGE" -k key missing.xfr
    assert_empty "$output" stdout
    assert_contains "$stderr" "zone-push: cannot open missing.xfr"
}

@test "a missing input file exits 66 even after a good one" {
    run -66 --separate-stderr zp -s "$EDGE" -k key example.xfr missing.xfr
}

@test "a directory as input exits 66" {
    mkdir dir.xfr
    run -66 --separate-stderr zp -s "$EDGE" -k key dir.xfr
}

@test "a missing --key-file exits 66" {
    run -66 --separate-stderr zp -s "$EDGE" -k nokey example.xfr
    assert_contains "$stderr" "nokey"
}

@test "an empty --key-file exits 66" {
    : >empty.key
    run -66 --separate-stderr zp -s "$EDGE" -k empty.key example.xfr
    assert_contains "$stderr" "empty"
}

@test "a truncated stream exits 65 naming the message and offset" {
    head -c 100 example.xfr >cut.xfr
    run -65 --separate-stderr zp -s "$EDGE" -k key cut.xfr
    assert_empty "$output" stdout
    assert_contains "$stderr" "zone-push: cut.xfr: malformed zone stream: message 1 at offset 0"
}

@test "a bad second stream stops everything: 65, nothing sent" {
    head -c 100 example.xfr >cut.xfr
    run -65 --separate-stderr zp -s "$EDGE" -k key example.xfr cut.xfr
    assert_contains "$stderr" "cut.xfr: malformed zone stream"
}

@test "a damaged stream from standard input exits 65 naming <stdin>" {
    run -65 --separate-stderr bash -c 'head -c 300 example.xfr | "$ZP" -c empty.toml -s "$1" -k key' _ "$EDGE"
    assert_contains "$stderr" "<stdin>: malformed zone stream"
}

@test "a zone file instead of a stream exits 65" {
    run -65 --separate-stderr zp -s "$EDGE" -k key "$EXAMPLE_ZONE"
    assert_contains "$stderr" "malformed zone stream"
}

@test "empty input exits 65: no zones in input" {
    run -65 --separate-stderr bash -c '"$ZP" -c empty.toml -s "$1" -k key </dev/null' _ "$EDGE"
    assert_empty "$output" stdout
    assert_contains "$stderr" "zone-push: no zones in input"
    : >empty.xfr
    run -65 --separate-stderr zp -s "$EDGE" -k key empty.xfr
}

@test "--full with a zone given twice exits 65" {
    run -65 --separate-stderr zp --full -s "$EDGE" -k key example.xfr example.xfr
    assert_contains "$stderr" "example.com. is given twice"
}

@test "--full with a delta exits 65" {
    [[ -x $MAKE_DELTA ]] || skip "$MAKE_DELTA is missing: build the make-delta target"
    small_zone a.zone a.example 1
    small_zone a2.zone a.example 2 'new IN A 192.0.2.9'
    "$ZC" -c empty.toml -q --origin a.example -o a1.xfr a.zone
    "$ZC" -c empty.toml -q --origin a.example -o a2.xfr a2.zone
    "$MAKE_DELTA" a1.xfr a2.xfr >delta.xfr
    run -65 --separate-stderr zp --full -s "$EDGE" -k key example.xfr delta.xfr
    assert_contains "$stderr" "item 2 is a delta of a.example."
}
