#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# zone-push end to end against real dns-serve edges: full zones, deltas, several zones, --full, keys.
#
# Every test skips until $BIN/dns-serve exists. $stderr is set by bats (run --separate-stderr).
# shellcheck disable=SC2154,SC2016

load ../helpers
load push_helpers

setup() {
    push_setup
    require_serve
    small_zone a.zone a.example 1
    small_zone b.zone b.example 7 'mail IN A 192.0.2.25'
    "$ZC" -c empty.toml -q --origin a.example -o a1.xfr a.zone
    "$ZC" -c empty.toml -q --origin b.example -o b.xfr b.zone
}

teardown() {
    push_teardown
}

# two_edges: starts ns1 and ns2 and writes edges.toml naming both.
two_edges() {
    start_push_edge ns1
    start_push_edge ns2
    cat >edges.toml <<CONF
[push]
timeout = 10
backoff = 0.05

[[server]]
name = "ns1"
url = "$NS1_URL"
key_file = "key"

[[server]]
name = "ns2"
url = "$NS2_URL/"
key_file = "key"
CONF
}

# delta FROM-ZONEFILE TO-ZONEFILE OUT: the delta between two versions of a.example, a stream.
delta() {
    [[ -x $MAKE_DELTA ]] || skip "$MAKE_DELTA is missing: build the make-delta target"
    "$ZC" -c empty.toml -q --origin a.example -o from.xfr "$1"
    "$ZC" -c empty.toml -q --origin a.example -o to.xfr "$2"
    "$MAKE_DELTA" from.xfr to.xfr >"$3"
}

@test "a compiled zone reaches two edges, and both answer it" {
    two_edges
    run -0 --separate-stderr "$ZP" -c edges.toml --all a1.xfr
    assert_empty "$stderr" stderr
    assert_line_matches "$output" '^EDGE +ZONE +STATUS +SERIAL +TIME +ERROR$'
    assert_line_matches "$output" '^ns1 +a\.example\. +200 +1 +[0-9.]+s$'
    assert_line_matches "$output" '^ns2 +a\.example\. +200 +1 +[0-9.]+s$'
    [[ $(answer "$NS1_DNS" www.a.example A) == 192.0.2.80 ]] || fail_with "ns1 does not answer"
    [[ $(answer "$NS2_DNS" www.a.example A) == 192.0.2.80 ]] || fail_with "ns2 does not answer"
}

@test "the operator pipe: zone-compile | zone-push --server URL --key-file" {
    start_push_edge ns1
    run -0 --separate-stderr bash -c '"$ZC" -c empty.toml -q --origin a.example a.zone | "$ZP" -c empty.toml -s "$1" -k key' _ "$NS1_URL"
    assert_line_matches "$output" "^$NS1_URL +a\\.example\\. +200 +1 "
    [[ $(answer "$NS1_DNS" www.a.example A) == 192.0.2.80 ]] || fail_with "ns1 does not answer"
}

@test "--server NAME picks one configured edge" {
    two_edges
    run -0 --separate-stderr "$ZP" -c edges.toml --server ns2 a1.xfr
    refute_contains "$output" "ns1"
    assert_line_matches "$output" '^ns2 +a\.example\. +200 '
    [[ -n $(answer "$NS2_DNS" www.a.example A) ]] || fail_with "ns2 does not answer"
    [[ -z $(answer "$NS1_DNS" www.a.example A) ]] || fail_with "ns1 should not have the zone"
}

@test "a delta is applied on every edge (PATCH)" {
    two_edges
    run -0 --separate-stderr "$ZP" -c edges.toml --all a1.xfr
    small_zone a2.zone a.example 2 'new IN A 192.0.2.99'
    delta a.zone a2.zone d12.xfr
    run -0 --separate-stderr "$ZP" -c edges.toml --all --json d12.xfr
    assert_json_member "$output" exit 0
    assert_json_member "$output" request '"PATCH /v1/zones/a.example."'
    assert_json_member "$output" kind '"delta"'
    assert_json_member "$output" serial 2
    [[ $(answer "$NS1_DNS" new.a.example A) == 192.0.2.99 ]] || fail_with "ns1 lacks the change"
    [[ $(answer "$NS2_DNS" new.a.example A) == 192.0.2.99 ]] || fail_with "ns2 lacks the change"
}

@test "several zones in one stream go as one POST with a result per zone" {
    two_edges
    run -0 --separate-stderr "$ZP" -c edges.toml --all --json a1.xfr b.xfr
    assert_json_member "$output" request '"POST /v1/zones"'
    assert_json_member "$output" zone '"a.example."'
    assert_json_member "$output" zone '"b.example."'
    assert_json_member "$output" serial 7
    [[ $(answer "$NS1_DNS" mail.b.example A) == 192.0.2.25 ]] || fail_with "ns1 lacks b.example"
    [[ $(answer "$NS2_DNS" www.a.example A) == 192.0.2.80 ]] || fail_with "ns2 lacks a.example"
}

@test "--full leaves every edge with exactly the zones of the stream" {
    two_edges
    run -0 --separate-stderr "$ZP" -c edges.toml --all a1.xfr b.xfr
    run -0 --separate-stderr "$ZP" -c edges.toml --all --full --json a1.xfr
    assert_json_member "$output" request '"PUT /v1/zones"'
    assert_contains "$output" '"b.example."' # in "removed"
    run -0 --separate-stderr "$ZP" -c edges.toml --all --full a1.xfr
    [[ -z $(answer "$NS1_DNS" mail.b.example A) ]] || fail_with "ns1 still has b.example"
    [[ $(answer "$NS2_DNS" www.a.example A) == 192.0.2.80 ]] || fail_with "ns2 lost a.example"
}

@test "a wrong key exits 77 and changes nothing" {
    start_push_edge ns1
    printf 'not-the-right-key-0123456789\n' >wrong.key
    run -77 --separate-stderr "$ZP" -c empty.toml -s "$NS1_URL" -k wrong.key --json a1.xfr
    assert_json_member "$output" exit 77
    assert_json_member "$output" status 401
    assert_json_member "$output" attempts 1
    assert_contains "$stderr" "HTTP 401"
    [[ -z $(answer "$NS1_DNS" www.a.example A) ]] || fail_with "the zone arrived anyway"
}

@test "a delta that does not start at the edge's serial exits 76 (409)" {
    start_push_edge ns1
    run -0 --separate-stderr "$ZP" -c empty.toml -s "$NS1_URL" -k key a1.xfr
    small_zone a2.zone a.example 2 'new IN A 192.0.2.99'
    small_zone a3.zone a.example 3 'new IN A 192.0.2.100'
    delta a2.zone a3.zone d23.xfr
    run -76 --separate-stderr "$ZP" -c empty.toml -s "$NS1_URL" -k key d23.xfr
    # The serial shown is the one the edge still holds.
    assert_line_matches "$output" "^$NS1_URL +a\\.example\\. +409 +1 +[0-9.]+s +HTTP 409"
    [[ -z $(answer "$NS1_DNS" new.a.example A) ]] || fail_with "the stale delta was applied"
}

@test "a stale delta among several items: 76, the other items still applied" {
    start_push_edge ns1
    run -0 --separate-stderr "$ZP" -c empty.toml -s "$NS1_URL" -k key a1.xfr
    small_zone a2.zone a.example 2
    small_zone a3.zone a.example 3 'new IN A 192.0.2.100'
    delta a2.zone a3.zone d23.xfr
    run -76 --separate-stderr "$ZP" -c empty.toml -s "$NS1_URL" -k key --json b.xfr d23.xfr
    assert_json_member "$output" status 409
    assert_json_member "$output" status 200
    assert_contains "$stderr" "a.example.: HTTP 409"
    [[ $(answer "$NS1_DNS" mail.b.example A) == 192.0.2.25 ]] || fail_with "b.example was not applied"
}

@test "one edge down, one with a wrong key: 69 wins, the good edge is still served" {
    two_edges
    local down
    down=$(free_port)
    printf 'not-the-right-key-0123456789\n' >wrong.key
    cat >mixed.toml <<CONF
[push]
backoff = 0.05

[[server]]
name = "good"
url = "$NS1_URL"
key_file = "key"

[[server]]
name = "badkey"
url = "$NS2_URL"
key_file = "wrong.key"

[[server]]
name = "down"
url = "http://127.0.0.1:$down"
key_file = "key"
CONF
    run -69 --separate-stderr "$ZP" -c mixed.toml --all -r 1 a1.xfr
    assert_line_matches "$output" '^good +a\.example\. +200 '
    assert_line_matches "$output" '^badkey +a\.example\. +401 '
    assert_line_matches "$output" '^down +a\.example\. +- '
    [[ $(answer "$NS1_DNS" www.a.example A) == 192.0.2.80 ]] || fail_with "the good edge lacks the zone"
    # Without the unreachable edge, the wrong key decides: 77.
    run -77 --separate-stderr "$ZP" -c mixed.toml -s good -s badkey a1.xfr
}
