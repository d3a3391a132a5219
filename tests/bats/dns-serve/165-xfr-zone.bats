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
# shellcheck source-path=SCRIPTDIR source=../../diff/servers.bash
source "$SRC/tests/diff/servers.bash"

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
    diff_stop_all
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
    # The refusal is signed with the (valid) key: dig verifies it (it would say "Couldn't
    # verify signature") and shows a TSIG without error; the transfer itself failed.
    run dig +time=3 +tries=1 -b 127.0.0.2 -p "$EDGE_DNS" @127.0.0.1 \
        -y "hmac-sha256:b.key:$SECRET_B" a.example AXFR
    assert_line_matches "$output" '^b\.key\.[[:space:]]+0[[:space:]]+ANY[[:space:]]+TSIG[[:space:]]+hmac-sha256\. .* NOERROR 0'
    assert_contains "$output" "; Transfer failed."
    refute_contains "$output" "verify"
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
    # (Unsigned: with no keys left, a signed request is answered BADKEY, as any signed query.)
    [[ $(axfr_result 127.0.0.4 - a.example) == NOTAUTH ]] || fail_with "transfers off: $output"
    kill -0 "$EDGE_PID"
}

@test "Knot and NSD as two customers' secondaries: each its own zone, from its own address and key, NOTIFY per zone" {
    local knotd nsd knot_port nsd_port
    knotd=$(diff_find_tool knotd) || skip "knotd is not installed"
    nsd=$(diff_find_tool nsd) || skip "nsd is not installed"
    knot_port=$(diff_free_port)
    nsd_port=$(diff_free_port)
    zone_config xfr.toml '"127.0.0.2"' '"127.0.0.3"'
    # Each zone's NOTIFY goes to its own secondary, signed with the zone's key.
    sed -i -e '/^\[transfer\]$/a notify_timeout = 1' -e "/^tsig_keys = \[\"a.key\"\]/a notify = [\"127.0.0.1:$knot_port\"]" \
        -e "/^tsig_keys = \[\"b.key.\"\]/a notify = [\"127.0.0.1:$nsd_port\"]" xfr.toml
    EDGE_CONFIG=xfr.toml start_edge edge
    push_zones

    # Customer A: Knot, transferring from 127.0.0.2 with a.key.
    mkdir -p knot
    {
        diff_knot_conf_head "$PWD/knot" "$knot_port" info
        cat <<CONF
key:
  - id: a.key.
    algorithm: hmac-sha256
    secret: $SECRET_A
remote:
  - id: edge
    address: 127.0.0.1@$EDGE_DNS
    via: 127.0.0.2
    key: a.key.
acl:
  - id: edge_notify
    address: 127.0.0.1
    key: a.key.
    action: notify
template:
  - id: default
    storage: "$PWD/knot"
    zonefile-sync: -1
    zonefile-load: none
    journal-content: none
zone:
  - domain: a.example.
    master: edge
    acl: edge_notify
CONF
    } >knot/knot.conf
    "$knotd" -c knot/knot.conf >knot/knotd.log 2>&1 &
    DIFF_PIDS+=("$!")

    # Customer B: NSD, transferring from 127.0.0.3 with b.key.
    mkdir -p nsd
    cat >nsd/nsd.conf <<CONF
server:
    ip-address: 127.0.0.1
    port: $nsd_port
    server-count: 1
    username: ""
    chroot: ""
    zonesdir: "$PWD/nsd"
    database: ""
    zonelistfile: "$PWD/nsd/zone.list"
    xfrdfile: "$PWD/nsd/xfrd.state"
    xfrdir: "$PWD/nsd"
    pidfile: "$PWD/nsd/nsd.pid"
    logfile: "$PWD/nsd/nsd.log"
    verbosity: 2
    rrl-ratelimit: 0
    rrl-whitelist-ratelimit: 0
    rrl-slip: 0
remote-control:
    control-enable: no
key:
    name: b.key.
    algorithm: hmac-sha256
    secret: "$SECRET_B"
zone:
    name: b.example
    zonefile: "$PWD/nsd/b.example.zone"
    outgoing-interface: 127.0.0.3
    request-xfr: 127.0.0.1@$EDGE_DNS b.key.
    allow-notify: 127.0.0.1 b.key.
CONF
    "$nsd" -d -c nsd/nsd.conf >nsd/nsd.out 2>&1 &
    DIFF_PIDS+=("$!")

    wait_answer "$knot_port" www.a.example A 192.0.2.80 || fail_with "$(cat knot/knotd.log)"
    wait_answer "$nsd_port" www.b.example A 192.0.2.80 || fail_with "$(cat nsd/nsd.out nsd/nsd.log)"

    # A change to each zone: NOTIFY to its own secondary (the SOA refresh, 7200 s, is far
    # too late for this wait), signed with its key, which the secondary's ACL requires.
    local z
    for z in a.example b.example; do
        sed -e 's/2024010101/2024010102/' -e 's/192\.0\.2\.80/192.0.2.81/' "zones/$z.zone" >"$z.new"
        mv "$z.new" "zones/$z.zone"
        compile "zones/$z.zone" "$z.xfr"
        put_zone "$z" "$z.xfr"
    done
    wait_answer "$knot_port" www.a.example A 192.0.2.81 || fail_with "$(cat knot/knotd.log)"
    wait_answer "$nsd_port" www.b.example A 192.0.2.81 || fail_with "$(cat nsd/nsd.out nsd/nsd.log)"
    grep -q 'notify, incoming' knot/knotd.log || fail_with "Knot got no NOTIFY: $(cat knot/knotd.log)"
    grep -q 'notify for b.example. from 127.0.0.1' nsd/nsd.log || fail_with "NSD got no NOTIFY"
    # Neither secondary holds the other's zone, nor could it: B's key does not open A.
    [[ -z $(dig +short +time=1 +tries=1 -p "$knot_port" @127.0.0.1 www.b.example A) ]] ||
        fail_with "Knot answers for b.example"
    # Each secondary was told about its own zone only (the first pushes were announced too,
    # before the secondaries ran: retried until answered).
    ! grep -q 'b\.example' knot/knotd.log || fail_with "Knot heard of b.example: $(cat knot/knotd.log)"
    ! grep -q 'a\.example' nsd/nsd.log || fail_with "NSD heard of a.example: $(cat nsd/nsd.log)"
    api GET /metrics
    assert_line_matches "$API_BODY" '^dns_notify_answered_total [2-9]$'
}
