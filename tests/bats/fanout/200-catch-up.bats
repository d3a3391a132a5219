#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# Catch-up: an edge that was down, a dnsapid killed in the middle of a fan-out, an edge that
# hangs or answers 5xx. Nothing acknowledged is lost, nothing is applied twice, and a bad edge
# slows neither the API nor the other edges.

load ../helpers
load ../dnsapid/dnsapid
load fanout

setup_file() {
    fanout_setup_file catch catch.example
}

teardown_file() {
    fanout_teardown_file
}

setup() {
    fanout_setup
}

teardown() {
    if [[ -e $BATS_TEST_TMPDIR/web.pid ]]; then
        kill "$(<"$BATS_TEST_TMPDIR/web.pid")" 2>/dev/null || true
    fi
    dnsapid_teardown
}

# edges_match_api ZONE: every edge holds ZONE at the serial the API gives, with the same TXT
# records at t.ZONE as the API lists (so nothing was lost or applied twice).
edges_match_api() {
    local zone=$1 serial want i got
    serial=$(zone_serial "$zone") || return 1
    api GET "/v1/domains/$zone/rrsets/t.$zone/TXT"
    want=$(jb '.records[]' | sort)
    for ((i = 1; i <= EDGE_COUNT; i++)); do
        got=$(edge_zone_serial "$i" "$zone")
        [[ $got == "$serial" ]] || {
            echo "edge ns$i holds $zone at serial $got, the database at $serial" >&2
            return 1
        }
        got=$(dig +short +norec +tcp -p "${EDGE_DNS[i]}" @127.0.0.1 "t.$zone" TXT | sort)
        [[ $got == "$want" ]] || {
            echo "edge ns$i answers t.$zone TXT differently from the database" >&2
            diff <(echo "$want") <(echo "$got") >&2
            return 1
        }
    done
}

@test "an edge down during 50 changes converges within 2 s of coming back; ?wait returns then" {
    put_rrset catch.example t.catch.example TXT '["\"v0\""]'
    wait_edges t.catch.example TXT '"v0"' 10
    edge_stop 2
    local i id start ms
    for i in $(seq 1 50); do
        api PATCH /v1/domains/catch.example/rrsets/t.catch.example/TXT \
            "$(jq -cn --arg v "\"v$i\"" '{add: [$v]}')"
        expect_status 200
    done
    id=$(jb .change.id)
    # Pending while ns2 is down; a long poll on the last change waits for it.
    api GET "/v1/changes/$id"
    assert_eq "$(jb .status)" pending "status while ns2 is down"
    assert_eq "$(jb '.servers[] | select(.name == "ns2") | .insync')" false "ns2 in sync"
    local t0
    t0=$(now_ms)
    (
        curl -s -m 40 -H "Authorization: Bearer $KEY" "$DNSAPID_URL/v1/changes/$id?wait=30" \
            >"$BATS_TEST_TMPDIR/waited"
        echo "# the long poll ended after $(($(now_ms) - t0)) ms" >&3
    ) &
    local poll=$!
    sleep 0.5
    edge_start_again 2
    start=$(now_ms)
    wait_edges t.catch.example TXT "$(printf '"v%s"\n' 0 $(seq 1 50) | sort)" 10 2
    ms=$(($(now_ms) - start))
    echo "# ns2 converged $ms ms after it answered again" >&3
    ((ms <= 2000)) || api_fail "ns2 took $ms ms to converge (at most 2000 ms)"
    wait "$poll"
    [[ $(jq -r .status "$BATS_TEST_TMPDIR/waited") == insync ]] ||
        api_fail "the long poll ended with $(cat "$BATS_TEST_TMPDIR/waited")"
    edges_match_api catch.example
}

@test "an edge restarted from an older disk state is brought up to date" {
    edge_stop 3
    cp -a "$EDGES_DIR/ns3/state" "$BATS_TEST_TMPDIR/old-state"
    edge_start_again 3
    local i
    for i in $(seq 1 5); do
        api PATCH /v1/domains/catch.example/rrsets/t.catch.example/TXT \
            "$(jq -cn --arg v "\"old$i\"" '{add: [$v]}')"
        expect_status 200
    done
    wait_edges old5.catch.example A '' 1 # (nothing there: just lets the push settle)
    edge_stop 3
    rm -rf "$EDGES_DIR/ns3/state"
    cp -a "$BATS_TEST_TMPDIR/old-state" "$EDGES_DIR/ns3/state"
    edge_start_again 3
    local deadline=$((SECONDS + 10))
    until edges_match_api catch.example 2>/dev/null; do
        ((SECONDS < deadline)) || edges_match_api catch.example || return 1
        sleep 0.1
    done
}

@test "dnsapid killed (-9) in the middle of a fan-out: every edge converges, nothing lost or twice" {
    edge_stop 1 STOP # ns1 hangs, so pushes are certainly in flight when dnsapid dies
    local i pids=()
    for w in 1 2 3 4; do
        (
            for i in $(seq 1 25); do
                api PATCH /v1/domains/catch.example/rrsets/t.catch.example/TXT \
                    "$(jq -cn --arg v "\"k$w-$i\"" '{add: [$v]}')" >/dev/null
                [[ $status_code == 200 ]] || exit 1
            done
        ) &
        pids+=($!)
    done
    for p in "${pids[@]}"; do wait "$p"; done
    dnsapid_stop KILL
    kill -CONT "${EDGE_PID[1]}"
    dnsapid_start "$DNSAPID_PORT" # the same port: later tests of this file use it
    local deadline=$((SECONDS + 15))
    until edges_match_api catch.example 2>/dev/null; do
        ((SECONDS < deadline)) || edges_match_api catch.example || return 1
        sleep 0.1
    done
    api GET /v1/domains/catch.example/rrsets/t.catch.example/TXT
    assert_eq "$(jb '[.records[] | select(startswith("\"k"))] | length')" 100 "k records"
    sync_dry_run || api_fail "zone-sync --all --dry-run found differences: $output"
}

@test "an edge that hangs or answers 5xx slows neither the API nor the other edges" {
    edge_stop 1 STOP
    # ns2 now points at a server that answers every request with 501.
    local port
    port=$(free_port)
    python3 -m http.server "$port" --bind 127.0.0.1 --directory "$BATS_TEST_TMPDIR" \
        >/dev/null 2>&1 3>&- &
    local web=$!
    echo "$web" >"$BATS_TEST_TMPDIR/web.pid" # teardown stops it should the test fail
    local KEY=$ADMIN_KEY
    api PATCH /v1/servers/ns2 "$(jq -cn --arg u "http://127.0.0.1:$port" '{url: $u}')"
    expect_status 200
    KEY=$(<"$BATS_FILE_TMPDIR/key")
    local i start ms worst=0
    for i in $(seq 1 20); do
        start=$(now_ms)
        put_rrset catch.example "h$i.catch.example" A "[\"192.0.2.$i\"]"
        ms=$(($(now_ms) - start))
        ((ms > worst)) && worst=$ms
        start=$(now_ms)
        wait_edges "h$i.catch.example" A "192.0.2.$i" 5 3
        ms=$(($(now_ms) - start))
        ((ms < 1000)) || api_fail "ns3 got h$i after $ms ms (a bad edge must not delay it)"
    done
    echo "# slowest API write with a hanging and a failing edge: $worst ms" >&3
    ((worst < 1000)) || api_fail "an API write took $worst ms with a bad edge"
    # The failing edge's error is reported; the change stays pending for it.
    KEY=$ADMIN_KEY
    sleep 1.5
    api GET /v1/servers/ns2
    [[ $(jb .state.last_error) == *501* || $(jb .state.last_error) == *HTTP* ]] ||
        api_fail "ns2's last_error does not say what failed: $(jb .state.last_error)"
    api GET /v1/servers/ns1
    assert_eq "$(jb .state.insync)" false "ns1 (hanging) in sync"
    # Both back: they catch up.
    api PATCH /v1/servers/ns2 "$(jq -cn --arg u "http://127.0.0.1:${EDGE_HTTP[2]}" '{url: $u}')"
    expect_status 200
    kill "$web"
    kill -CONT "${EDGE_PID[1]}"
    KEY=$(<"$BATS_FILE_TMPDIR/key")
    # ns2 failed for a while (its zones backed off); pointed back, it is caught up at once.
    wait_edges h20.catch.example A 192.0.2.20 5
}

@test "dnsapid stops within the push timeout while every edge hangs, and catches up after" {
    edge_stop 1 STOP
    edge_stop 2 STOP
    edge_stop 3 STOP
    put_rrset catch.example s.catch.example A '["192.0.2.50"]'
    sleep 0.3
    local start ms
    start=$(now_ms)
    dnsapid_stop TERM
    ms=$(($(now_ms) - start))
    echo "# dnsapid stopped in $ms ms with three hanging edges" >&3
    kill -CONT "${EDGE_PID[1]}" "${EDGE_PID[2]}" "${EDGE_PID[3]}"
    # Every worker is told at once: about one push timeout (5 s), not one per edge.
    ((ms < 8000)) || api_fail "stopping took $ms ms"
    dnsapid_start "$DNSAPID_PORT"
    wait_edges s.catch.example A 192.0.2.50 10
}
