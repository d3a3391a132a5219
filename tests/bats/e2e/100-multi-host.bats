#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# Multi-host rehearsal: controller and three edges in their own network namespaces, 20-80 ms
# apart; a change reaches every edge over the network, an edge cut off catches up when back.

load ../helpers
load ../dnsapid/dnsapid
load e2e

ZONE=rehearsal.example

setup_file() {
    e2e_setup_file rehearsal "$ZONE"
}

teardown_file() {
    e2e_teardown_file
}

setup() {
    e2e_setup
}

teardown() {
    e2e_teardown
}

@test "the round trip from the controller to each edge region is at least its configured delay" {
    local i rtt got
    for i in 1 2 3; do
        rtt=$(e2e_rtt "$i")
        got=$(e2e_rtt_measured "$i") || fail_with "edge ns$i's management API did not answer"
        e2e_note "ns$i: configured round trip $rtt ms; fresh GET /v1/health $got ms" \
            "($E2E_DELAY_MODE: a handshake and a request)"
        # Two round trips over the slow link; at least one even if the handshake were free.
        ((got >= rtt)) || fail_with "ns$i answered in $got ms, under its $rtt ms delay: no delay in effect"
    done
    # The DNS path answers (direct in relay mode, delayed too under netem).
    for i in 1 2 3; do
        run e2e_dig "$i" "$ZONE" SOA
        ((status == 0)) || fail_with "ns$i does not answer DNS from the controller's namespace"
    done
}

@test "a change through the API is answered by every edge over DNS, and its status reaches insync" {
    local t0 id serial ms max=0 line i rtt
    e2e_watch_start 10 "www.$ZONE" 192.0.2.10 1 2 3
    t0=$(now_ms)
    put_rrset "$ZONE" "www.$ZONE" A '["192.0.2.10"]'
    e2e_note "PUT answered in $(($(now_ms) - t0)) ms (with ~12 ms of ip netns exec)"
    id=$(jb .change.id)
    serial=$(jb .serial)
    api GET "/v1/changes/$id?wait=10"
    expect_status 200
    ms=$(($(now_ms) - t0))
    assert_eq "$(jb .status)" insync status
    assert_eq "$(jb .servers_insync)" 3 servers_insync
    assert_eq "$(jb '[.servers[].serial] | unique | .[0]')" "$serial" "edge serials"
    e2e_note "change $id insync $ms ms after the PUT was sent"
    for i in 1 2 3; do
        rtt=$(e2e_rtt "$i")
        ((rtt > max)) && max=$rtt
    done
    # The slowest edge acknowledged over its link, so the fan-out went through the delay.
    ((ms >= max)) || fail_with "insync after $ms ms, under the slowest edge's $max ms round trip"
    e2e_watch_collect "$t0" >watched
    while read -r i line; do
        e2e_note "ns$i ($(e2e_rtt "$i") ms away) answers www.$ZONE: $line ms after the PUT was sent"
        [[ $line != timeout ]] || fail_with "ns$i does not answer the new record over DNS"
        # The push crossed the region's link one way at least.
        ((line >= $(e2e_rtt "$i") / 2)) ||
            fail_with "ns$i answered after $line ms, under half its $(e2e_rtt "$i") ms round trip"
    done <watched
}

@test "an edge cut off: changes stay pending and say it is unreachable; back, it catches up" {
    local before id i t0 ms got
    before=$(zone_serial "$ZONE")
    e2e_net_cut 2
    e2e_note "ns2's link at the router is down"
    put_rrset "$ZONE" "cut1.$ZONE" A '["192.0.2.21"]'
    put_rrset "$ZONE" "cut2.$ZONE" A '["192.0.2.22"]'
    id=$(jb .change.id)
    # The two other edges get the changes; the status stays pending for ns2 alone.
    api GET "/v1/changes/$id?wait=2"
    expect_status 200
    assert_eq "$(jb .status)" pending "status while ns2 is cut off"
    assert_eq "$(jb .servers_insync)" 2 servers_insync
    assert_eq "$(jb '.servers[] | select(.name == "ns2") | .insync')" false "ns2 insync"
    # dnsapid notices that ns2 cannot be reached (a push or its retry fails; a connection
    # that was open when the link went down ends with the push timeout, 5 s).
    local deadline=$((SECONDS + 15))
    while :; do
        api GET "/v1/changes/$id"
        [[ $(jb '.servers[] | select(.name == "ns2") | .reachable') == false ]] && break
        ((SECONDS < deadline)) || api_fail "ns2 is still reported reachable while cut off"
        sleep 0.2
    done
    e2e_note "status: $(jb .status), ns2: $(jb '.servers[] | select(.name == "ns2") | "reachable \(.reachable), serial \(.serial), \(.last_error)"')"
    [[ -n $(jb '.servers[] | select(.name == "ns2") | .last_error // empty') ]] ||
        api_fail "ns2's entry carries no last_error"
    for i in 1 3; do
        got=$(e2e_dig "$i" "cut2.$ZONE" A)
        [[ $got == 192.0.2.22 ]] || fail_with "ns$i answers '$got' for cut2.$ZONE"
    done
    # The cut is real: ns2 cannot be reached from the controller's namespace...
    run e2e_dig 2 "$ZONE" SOA
    ((status != 0)) || fail_with "ns2 still answers DNS from the controller although cut off"
    # ...and, asked inside its own namespace, it still serves the zone as it was.
    assert_eq "$(e2e_edge_serial 2 "$ZONE")" "$before" "ns2's serial while cut off"
    run e2e_in e2 dig +short +norec +time=1 +tries=1 "@$(e2e_edge_addr 2)" "cut2.$ZONE" A
    assert_empty "$output" "ns2's answer for cut2.$ZONE while cut off"

    e2e_watch_start 15 "cut2.$ZONE" 192.0.2.22 2
    t0=$(now_ms)
    e2e_net_restore 2
    e2e_note "ns2's link is up again"
    e2e_watch_collect "$t0" >watched
    read -r i ms <watched
    [[ $ms != timeout ]] || fail_with "ns2 did not catch up within 15 s"
    e2e_note "ns2 answers cut2.$ZONE $ms ms after its link came back"
    api GET "/v1/changes/$id?wait=15"
    expect_status 200
    ms=$(($(now_ms) - t0))
    assert_eq "$(jb .status)" insync "status after ns2 is back"
    assert_eq "$(jb .servers_insync)" 3 servers_insync
    e2e_note "change $id insync $ms ms after ns2's link came back"
    local serial
    serial=$(zone_serial "$ZONE")
    for i in 1 2 3; do
        assert_eq "$(e2e_edge_serial "$i" "$ZONE")" "$serial" "ns$i's serial of $ZONE"
        assert_eq "$(e2e_dig "$i" "cut1.$ZONE" A)" 192.0.2.21 "ns$i's answer for cut1.$ZONE"
    done
}
