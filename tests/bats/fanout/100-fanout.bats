#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# Fan-out: a change made through the API reaches every edge, its status says so, and an edge
# that missed changes catches up without anyone acting.

load ../helpers
load ../dnsapid/dnsapid
load fanout

setup_file() {
    fanout_setup_file fan fan.example
}

teardown_file() {
    fanout_teardown_file
}

setup() {
    fanout_setup
}

teardown() {
    dnsapid_teardown
}

@test "a record created through the API is answered by all three edges" {
    put_rrset fan.example www.fan.example A '["192.0.2.1"]'
    wait_edges www.fan.example A 192.0.2.1 10
}

@test "the change reaches insync, with each edge's serial; ?wait returns as soon as it does" {
    put_rrset fan.example w2.fan.example A '["192.0.2.2"]'
    local id serial start ms
    id=$(jb .change.id)
    serial=$(jb .serial)
    start=$(now_ms)
    api GET "/v1/changes/$id?wait=10"
    expect_status 200
    ms=$(($(now_ms) - start))
    assert_eq "$(jb .status)" insync status
    assert_eq "$(jb .servers_total)" 3 servers_total
    assert_eq "$(jb .servers_insync)" 3 servers_insync
    assert_eq "$(jb '[.servers[].serial] | unique | .[0]')" "$serial" "edge serials"
    assert_eq "$(jb '[.servers[].name] | join(",")')" "ns1,ns2,ns3" "edge names"
    # In sync within a fraction of the wait: the answer did not sit out the 10 s.
    ((ms < 5000)) || api_fail "?wait=10 took $ms ms although the change was in sync"
    wait_edges w2.fan.example A 192.0.2.2 1
}

@test "the server listing shows every edge reachable and in sync" {
    local KEY=$ADMIN_KEY i
    for i in 1 2 3 4 5 6 7 8 9 10; do
        api GET /v1/servers
        [[ $(jb '[.items[] | select(.state.insync and .state.reachable)] | length') == 3 ]] && break
        sleep 0.3
    done
    expect_status 200
    assert_eq "$(jb '[.items[] | select(.state.insync and .state.reachable)] | length')" 3 "in sync"
    assert_eq "$(jb '[.items[] | has("key")] | any')" false "keys shown"
    assert_eq "$(jb '.items[0].state.lag.changes')" 0 "lag"
}
