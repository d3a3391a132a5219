#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# dns-serve answers the differential corpus (tests/diff) exactly as Knot DNS does, query for query.
#
# knotd and dns-serve run on random loopback ports, each with the zones of tests/diff/zones;
# dns-diff sends tests/diff/queries.txt to both and must find no difference other than those
# listed, with their reasons, in tests/diff/allow-dns-serve.txt. The harness itself is
# checked against NSD in 151-knot-vs-nsd.bats.
# shellcheck disable=SC2154 # $output and $status are set by bats

load ../helpers
# shellcheck source-path=SCRIPTDIR source=../../diff/servers.bash
source "$SRC/tests/diff/servers.bash"

setup() {
    zc_setup
    [[ -x $BIN/dns-diff ]] || fail_with "$BIN/dns-diff is missing: build the dns-diff target"
}

teardown() {
    diff_stop_all
}

# api METHOD PATH [CURL-ARGS...]: a request to dns-serve's management API with the key.
api() {
    local method=$1 path=$2
    shift 2
    curl -sS --fail-with-body -m 10 -X "$method" -H "Authorization: Bearer $(cat key)" "$@" \
        "http://127.0.0.1:$http_port$path"
}

# start_dns_serve: runs dns-serve on free ports with an empty state directory, waits for its
# health endpoint and loads every corpus zone through the API (zone-compile | PUT).
start_dns_serve() {
    local tries=0 f zone
    dns_port=$(diff_free_port)
    http_port=$(diff_free_port)
    (umask 077 && od -An -tx1 -N32 /dev/urandom | tr -d ' \n' >key)
    mkdir -p state
    "$BIN/dns-serve" -c empty.toml --listen "127.0.0.1:$dns_port" --http "127.0.0.1:$http_port" \
        --key-file key --state-dir state >dns-serve.log 2>&1 &
    serve_pid=$!
    DIFF_PIDS+=("$serve_pid")
    until api GET /v1/health >/dev/null 2>&1; do
        kill -0 "$serve_pid" 2>/dev/null || fail_with "dns-serve exited: $(cat dns-serve.log)"
        ((++tries < 200)) || fail_with "dns-serve's API did not answer within 10 s"
        sleep 0.05
    done
    for f in "$DIFF_ZONES_DIR"/*.zone; do
        zone=${f##*/}
        zone=${zone%.zone}
        "$ZC" -c empty.toml -q "$f" |
            api PUT "/v1/zones/$zone" --data-binary @- \
                -H 'Content-Type: application/vnd.endpointdns.zone-stream' >"put-$zone.json" ||
            fail_with "loading $zone into dns-serve failed: $(cat "put-$zone.json")"
    done
    diff_wait_zones "$dns_port" "$serve_pid"
}

@test "dns-serve answers the corpus exactly like Knot" {
    [[ -x $BIN/dns-serve ]] || skip "dns-serve not built yet"
    require_cmd dig curl
    diff_find_tool knotd >/dev/null || skip "knotd is not installed"
    diff_up knotd "$PWD/knot" || fail_with "knotd did not load the corpus"
    knot_port=$DIFF_PORT
    start_dns_serve
    run "$BIN/dns-diff" --timeout 500 --allow "$SRC/tests/diff/allow-dns-serve.txt" \
        --a "127.0.0.1:$knot_port" --b "127.0.0.1:$dns_port" "$SRC/tests/diff/queries.txt"
    ((status == 0)) || fail_with "dns-serve (B) differs from Knot (A)"
    assert_line_matches "$output" '^dns-diff: [0-9]+ queries, 0 differ'
}
