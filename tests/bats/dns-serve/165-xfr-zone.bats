#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# Per-zone transfer policy ([[transfer.zone]]): each zone its own addresses and keys; SIGHUP reloads it.
#
# Two customers' zones on one edge: a.example may be transferred only from 127.0.0.2 with the
# key a.key., b.example only from 127.0.0.3 with b.key. (loopback: dig -b picks the source).
# The keys are in one file in BIND's form, as tsig-keygen writes it.
# $output and $status are set by bats.
# shellcheck disable=SC2154

load ../helpers
load serve_helpers

SECRET_A=YS1zZWNyZXQtYS1zZWNyZXQtYS1zZWNyZXQtYS0wMTIzNDU=
SECRET_B=Yi1zZWNyZXQtYi1zZWNyZXQtYi1zZWNyZXQtYi0wMTIzNDU=

setup() {
    edge_setup
    require_cmd kdig
    cat >customers.key <<KEYS
key "a.key" {
	algorithm hmac-sha256;
	secret "$SECRET_A";
};
# The second customer.
key "b.key" {
	algorithm hmac-sha256;
	secret "$SECRET_B";
};
KEYS
    mkdir -p zones
    local z
    for z in a.example b.example c.example; do
        {
            zone_head
            echo "www IN A 192.0.2.80"
        } >"zones/$z.zone"
    done
}

teardown() {
    edge_teardown
}

# zone_config FILE A-ALLOW B-ALLOW: the two entries, A's and B's allow lists as given; no
# global allow, so c.example is transferred by nobody.
zone_config() {
    cat >"$1" <<TOML
[transfer]
allow = []
tsig_key_files = ["$PWD/customers.key"]
require_tsig = true

[[transfer.zone]]
name = "a.example"
allow = [$2]
tsig_keys = ["a.key"]

[[transfer.zone]]
name = "b.example."
allow = [$3]
tsig_keys = ["b.key."]
TOML
}

# push_zones: a.example, b.example and c.example onto the current edge.
push_zones() {
    local z
    for z in a.example b.example c.example; do
        compile "zones/$z.zone" "$z.xfr"
        put_zone "$z" "$z.xfr"
    done
}

# axfr SOURCE KEY ZONE: kdig's AXFR of ZONE from the source address SOURCE, signed with KEY
# (a or b; - for none), in $output; $status is kdig's.
axfr() {
    local key=()
    case $2 in
    a) key=(-y "hmac-sha256:a.key:$SECRET_A") ;;
    b) key=(-y "hmac-sha256:b.key:$SECRET_B") ;;
    esac
    run kdig +time=3 +retry=0 -b "$1" -p "$EDGE_DNS" @127.0.0.1 "${key[@]}" "$3" AXFR
}

# axfr_result SOURCE KEY ZONE: "ok" for a whole transfer (SOA first and last: 5 records),
# else the rcode the edge answered with.
axfr_result() {
    axfr "$@"
    if [[ $output == *"(1 messages, 5 records)"* ]]; then
        echo ok
    else
        sed -n "s/.*server replied with error '\([A-Z]*\)'.*/\1/p" <<<"$output" | head -1
    fi
}

# wait_log TEXT N: waits until the current edge's log holds TEXT on N lines (at most 10 s).
wait_log() {
    local tries=0
    until (($(grep -cF "$1" "$EDGE_NAME/log") >= $2)); do
        ((++tries < 200)) || fail_with "no '$1' (x$2) in the log: $(cat "$EDGE_NAME/log")"
        sleep 0.05
    done
}

@test "each zone from its own prefix and key only; another customer's key is REFUSED, signed" {
    zone_config xfr.toml '"127.0.0.2"' '"127.0.0.3/32"'
    EDGE_CONFIG=xfr.toml start_edge edge
    push_zones
    [[ $(axfr_result 127.0.0.2 a a.example) == ok ]] || fail_with "A with A's key: $output"
    [[ $(axfr_result 127.0.0.3 b b.example) == ok ]] || fail_with "B with B's key: $output"
    # B's key does not open A, from either address; nor A's key B.
    [[ $(axfr_result 127.0.0.2 b a.example) == REFUSED ]] || fail_with "A with B's key: $output"
    [[ $(axfr_result 127.0.0.3 b a.example) == REFUSED ]] || fail_with "A from B: $output"
    [[ $(axfr_result 127.0.0.3 a b.example) == REFUSED ]] || fail_with "B with A's key: $output"
    # The right key from the wrong address; no key at all (require_tsig).
    [[ $(axfr_result 127.0.0.3 a a.example) == REFUSED ]] || fail_with "A from .3: $output"
    [[ $(axfr_result 127.0.0.2 - a.example) == REFUSED ]] || fail_with "A unsigned: $output"
    # A zone without an entry: the global allow list, empty here.
    [[ $(axfr_result 127.0.0.2 a c.example) == REFUSED ]] || fail_with "C: $output"
    # The refusal is signed with the (valid) key: dig verifies it and reports no TSIG error.
    run dig +time=3 +tries=1 -b 127.0.0.2 -p "$EDGE_DNS" @127.0.0.1 \
        -y "hmac-sha256:b.key:$SECRET_B" a.example AXFR
    assert_line_matches "$output" '^b\.key\.[[:space:]]+0[[:space:]]+ANY[[:space:]]+TSIG[[:space:]]+hmac-sha256\. .* NOERROR 0'
    assert_contains "$output" "REFUSED"
    refute_contains "$output" "failed"
    # A key the edge does not know at all stays NOTAUTH (BADKEY), as before.
    run dig +time=3 +tries=1 -b 127.0.0.2 -p "$EDGE_DNS" @127.0.0.1 \
        -y "hmac-sha256:c.key:$SECRET_B" a.example AXFR
    assert_line_matches "$output" 'TSIG[[:space:]]+hmac-sha256\. [0-9]+ 300 0 [0-9]+ BADKEY 0'
}

@test "SIGHUP reloads the policy without losing zones; a bad configuration keeps the old one" {
    zone_config xfr.toml '"127.0.0.2"' '"127.0.0.3"'
    EDGE_CONFIG=xfr.toml start_edge edge
    push_zones
    [[ $(axfr_result 127.0.0.2 a a.example) == ok ]] || fail_with "before: $output"
    [[ $(axfr_result 127.0.0.4 a a.example) == REFUSED ]] || fail_with "before, .4: $output"

    # A moves to 127.0.0.4.
    zone_config xfr.toml '"127.0.0.4"' '"127.0.0.3"'
    kill -HUP "$EDGE_PID"
    wait_log "SIGHUP: transfer policy reloaded" 1
    [[ $(axfr_result 127.0.0.4 a a.example) == ok ]] || fail_with "after, .4: $output"
    [[ $(axfr_result 127.0.0.2 a a.example) == REFUSED ]] || fail_with "after, .2: $output"
    [[ $(axfr_result 127.0.0.3 b b.example) == ok ]] || fail_with "B after: $output"
    # The zones are still served.
    [[ $(q www.a.example A) == 192.0.2.80 ]] || fail_with "a.example after the reload"
    [[ $(soa_serial c.example) == 2024010101 ]] || fail_with "c.example after the reload"

    # A configuration that does not load: the log says why, the policy stays.
    zone_config xfr.toml '"nope"' '"127.0.0.3"'
    kill -HUP "$EDGE_PID"
    wait_log "SIGHUP: keeping the old transfer policy" 1
    grep -qF "SIGHUP: keeping the old transfer policy: xfr.toml:8:9: transfer.zone[1].allow: 'nope' is not an address or ADDRESS/BITS" \
        edge/log || fail_with "$(cat edge/log)"
    [[ $(axfr_result 127.0.0.4 a a.example) == ok ]] || fail_with "after a bad reload: $output"
    # A key file that went bad: the same.
    zone_config xfr.toml '"127.0.0.2"' '"127.0.0.3"'
    echo 'key "a.key" { algorithm hmac-sha256; };' >customers.key
    kill -HUP "$EDGE_PID"
    wait_log "SIGHUP: keeping the old transfer policy" 2
    grep -qF "customers.key:1: the key has no secret" edge/log || fail_with "$(cat edge/log)"
    [[ $(axfr_result 127.0.0.4 a a.example) == ok ]] || fail_with "after a bad key file: $output"
    [[ $(axfr_result 127.0.0.2 a a.example) == REFUSED ]] || fail_with ".2 after a bad key file"
    # Transfers off altogether: NOTAUTH, as without a [transfer] section.
    printf '[transfer]\nallow = []\n' >xfr.toml
    kill -HUP "$EDGE_PID"
    wait_log "SIGHUP: transfer policy reloaded" 2
    grep -qF "(0 [[transfer.zone]] entries, transfers off)" edge/log || fail_with "$(cat edge/log)"
    [[ $(axfr_result 127.0.0.4 a a.example) == NOTAUTH ]] || fail_with "transfers off: $output"
    kill -0 "$EDGE_PID"
}
