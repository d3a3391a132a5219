#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# dns-serve happy path: push zones over the API, answer them over UDP and TCP, read them back.
#
# Each test starts its own dns-serve on free loopback ports (serve_helpers.bash) and checks the
# answers with dig and kdig, the API's JSON with jq.
# $output and $status are set by bats; bash -c scripts in single quotes are meant.
# shellcheck disable=SC2154,SC2016

load ../helpers
load serve_helpers

setup() {
    edge_setup
    require_cmd jq
}

teardown() {
    edge_teardown
}

# The line dig, kdig and ldns print for www.example.com's A record.
WWW_A='^www\.example\.com\.[[:space:]]+300[[:space:]]+IN[[:space:]]+A[[:space:]]+192\.0\.2\.80$'

# push_example: PUT etc/zones/example.com.zone as zone example.com.
push_example() {
    compile "$EXAMPLE_ZONE" example.xfr
    put_zone example.com example.xfr
}

@test "a zone pushed with zone-compile | curl is answered over UDP and TCP" {
    start_edge edge
    run -0 bash -c '"$1" -c empty.toml -q "$2" |
        curl -sf -X PUT --data-binary @- -H "Authorization: Bearer $3" \
            "http://127.0.0.1:$4/v1/zones/example.com"' \
        _ "$ZC" "$EXAMPLE_ZONE" "$EDGE_KEY" "$EDGE_HTTP"
    [[ $(jq -c . <<<"$output") == '{"name":"example.com.","records":19,"serial":2026112501}' ]] ||
        fail_with "the PUT answer"

    run -0 q www.example.com A
    [[ $output == 192.0.2.80 ]] || fail_with "UDP A"
    run -0 q www.example.com AAAA +tcp
    [[ $output == 2001:db8::80 ]] || fail_with "TCP AAAA"
    run -0 q example.com MX
    [[ $output == "10 mail.example.com." ]] || fail_with "MX"
    run -0 q api.example.com A
    [[ $output == $'www.example.com.\n192.0.2.80' ]] || fail_with "CNAME followed"
    run -0 q x.apps.example.com A
    [[ $output == 192.0.2.90 ]] || fail_with "wildcard"
    [[ $(rcode nope.example.com A) == NXDOMAIN ]] || fail_with "NXDOMAIN"
    [[ $(rcode www.example.org A) == REFUSED ]] || fail_with "REFUSED outside the zones"
}

@test "kdig gets authoritative answers over UDP and TCP" {
    require_cmd kdig
    start_edge edge
    push_example
    run -0 kdig +time=2 +retry=1 -p "$EDGE_DNS" @127.0.0.1 www.example.com A
    assert_contains "$output" "status: NOERROR"
    assert_line_matches "$output" '^;; Flags: qr aa'
    assert_line_matches "$output" "$WWW_A"
    run -0 kdig +short +tcp -p "$EDGE_DNS" @127.0.0.1 _sip._tcp.example.com SRV
    [[ $output == "10 60 5060 sip.example.com." ]] || fail_with "SRV over TCP"
}

@test "GET /v1/health, /v1/zones and /v1/zones/ZONE describe the zones" {
    start_edge edge
    api GET /v1/health
    assert_status 200
    [[ $(json .status) == ok && $(json .zones) == 0 && $(json .records) == 0 ]] ||
        fail_with "empty health: $API_BODY"
    [[ $(json .version) =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || fail_with "version: $API_BODY"
    [[ $(json .uptime_seconds) =~ ^[0-9]+$ ]] || fail_with "uptime: $API_BODY"
    api GET /v1/zones
    assert_status 200
    [[ $(jq -c .zones <<<"$API_BODY") == "[]" ]] || fail_with "no zones: $API_BODY"

    push_example
    small_zone a.test.zone a.test 7
    compile a.test.zone a.xfr
    put_zone a.test a.xfr
    # Sorted in DNS canonical order (RFC 4034 section 6.1): by the last label first.
    api GET /v1/zones
    assert_status 200
    [[ $(jq -c '[.zones[] | [.name, .serial, .records]]' <<<"$API_BODY") == \
        '[["example.com.",2026112501,19],["a.test.",7,4]]' ]] || fail_with "zones: $API_BODY"
    api GET /v1/zones/example.com
    assert_status 200
    [[ $(jq -c . <<<"$API_BODY") == '{"name":"example.com.","records":19,"serial":2026112501}' ]] ||
        fail_with "zone: $API_BODY"
    # The name in the path is case-insensitive, the trailing dot optional.
    api GET /v1/zones/A.Test.
    assert_status 200
    [[ $(json .name) == a.test. ]] || fail_with "case: $API_BODY"
    api GET /v1/health
    [[ $(json .zones) == 2 && $(json .records) == 23 ]] || fail_with "health: $API_BODY"
}

@test "GET with Accept: zone-stream returns the zone, which zone-compile --text prints" {
    start_edge edge
    push_example
    api GET /v1/zones/example.com -H 'Accept: application/vnd.endpointdns.zone-stream'
    assert_status 200
    assert_contains "$(<api.headers)" "application/vnd.endpointdns.zone-stream"
    run -0 "$ZC" -c empty.toml --text api.body
    local got=$output
    run -0 "$ZC" -c empty.toml --text example.xfr
    [[ $got == "$output" ]] || fail_with "the exported zone differs from the pushed one: $got"
    assert_contains "$got" "; zone example.com. serial 2026112501"
}

@test "PATCH applies a delta made by make-delta; the new serial is answered" {
    [[ -x $MAKE_DELTA ]] || fail_with "$MAKE_DELTA is missing: build the make-delta target"
    start_edge edge
    small_zone a.test.zone a.test 1
    small_zone a2.zone a.test 2 'new  IN TXT "added"'
    sed -i 's/192.0.2.80/192.0.2.81/' a2.zone
    small_zone a3.zone a.test 3 'new  IN TXT "changed"'
    sed -i 's/192.0.2.80/192.0.2.81/' a3.zone
    compile a.test.zone a1.xfr
    compile a2.zone a2.xfr --origin a.test
    compile a3.zone a3.xfr --origin a.test
    "$MAKE_DELTA" a1.xfr a2.xfr >d12.xfr
    "$MAKE_DELTA" a2.xfr a3.xfr >d23.xfr
    put_zone a.test a1.xfr

    patch_zone a.test d12.xfr
    assert_status 200
    [[ $(jq -c . <<<"$API_BODY") == '{"name":"a.test.","records":5,"serial":2}' ]] ||
        fail_with "patch answer: $API_BODY"
    run -0 q www.a.test A
    [[ $output == 192.0.2.81 ]] || fail_with "A after the delta"
    run -0 q new.a.test TXT +tcp
    [[ $output == '"added"' ]] || fail_with "TXT after the delta"
    [[ $(soa_serial a.test) == 2 ]] || fail_with "SOA serial"

    # Two deltas in one body are one change.
    small_zone a4.zone a.test 4 'new  IN TXT "last"'
    compile a4.zone a4.xfr --origin a.test
    "$MAKE_DELTA" a3.xfr a4.xfr >d34.xfr
    cat d23.xfr d34.xfr >d24.xfr
    patch_zone a.test d24.xfr
    assert_status 200
    [[ $(json .serial) == 4 ]] || fail_with "serial after two deltas: $API_BODY"
    run -0 q new.a.test TXT
    [[ $output == '"last"' ]] || fail_with "TXT after two deltas"
    run -0 q www.a.test A
    [[ $output == 192.0.2.80 ]] || fail_with "A after two deltas"
}

@test "DELETE removes a zone: REFUSED over DNS, 404 over the API" {
    start_edge edge
    push_example
    small_zone a.test.zone a.test 1
    compile a.test.zone a.xfr
    put_zone a.test a.xfr
    api DELETE /v1/zones/example.com.
    assert_status 200
    [[ $(jq -c . <<<"$API_BODY") == '{"deleted":true,"name":"example.com."}' ]] ||
        fail_with "delete answer: $API_BODY"
    [[ $(rcode www.example.com A) == REFUSED ]] || fail_with "still answered"
    api GET /v1/zones/example.com
    assert_status 404
    run -0 q www.a.test A
    [[ $output == 192.0.2.80 ]] || fail_with "the other zone"
    [[ ! -e edge/state/example.com.xfr ]] || fail_with "the zone file is still there"
}

@test "POST /v1/zones applies a multi-zone stream with a result per zone" {
    start_edge edge
    small_zone a.test.zone a.test 1
    small_zone b.test.zone b.test 5
    "$ZC" -c empty.toml -q -o ab.xfr a.test.zone b.test.zone "$EXAMPLE_ZONE"
    api POST /v1/zones --data-binary @ab.xfr
    assert_status 200
    [[ $(jq -c '[.results[] | [.name, .status, .serial]]' <<<"$API_BODY") == \
        '[["a.test.",200,1],["b.test.",200,5],["example.com.",200,2026112501]]' ]] ||
        fail_with "results: $API_BODY"
    run -0 q www.b.test A
    [[ $output == 192.0.2.80 ]] || fail_with "b.test"
    run -0 q mail.example.com A +tcp
    [[ $output == 192.0.2.25 ]] || fail_with "example.com"
}

@test "PUT /v1/zones replaces the whole zone set and lists the zones removed" {
    start_edge edge
    small_zone a.test.zone a.test 1
    small_zone b.test.zone b.test 1
    small_zone c.test.zone c.test 1
    "$ZC" -c empty.toml -q -o ab.xfr a.test.zone b.test.zone
    "$ZC" -c empty.toml -q -o bc.xfr b.test.zone c.test.zone
    api POST /v1/zones --data-binary @ab.xfr
    assert_status 200
    api PUT /v1/zones --data-binary @bc.xfr
    assert_status 200
    [[ $(jq -c . <<<"$API_BODY") == '{"records":8,"removed":["a.test."],"zones":2}' ]] ||
        fail_with "full sync answer: $API_BODY"
    [[ $(rcode www.a.test A) == REFUSED ]] || fail_with "a.test still answered"
    run -0 q www.c.test A
    [[ $output == 192.0.2.80 ]] || fail_with "c.test"
    api GET /v1/zones
    [[ $(jq -c '[.zones[].name]' <<<"$API_BODY") == '["b.test.","c.test."]' ]] ||
        fail_with "zones: $API_BODY"
}

@test "GET /metrics counts queries, zones and pushes" {
    start_edge edge
    push_example
    q www.example.com A >/dev/null
    q www.example.com AAAA +tcp >/dev/null
    api GET /metrics
    assert_status 200
    assert_contains "$(<api.headers)" "text/plain; version=0.0.4"
    assert_line_matches "$API_BODY" '^dns_serve_zones 1$'
    assert_line_matches "$API_BODY" '^dns_serve_records 19$'
    assert_line_matches "$API_BODY" '^dns_queries_total\{transport="udp",type="A"\} [1-9][0-9]*$'
    assert_line_matches "$API_BODY" '^dns_queries_total\{transport="tcp",type="AAAA"\} 1$'
    assert_line_matches "$API_BODY" '^dns_responses_total\{rcode="NOERROR"\} [1-9][0-9]*$'
    assert_line_matches "$API_BODY" '^dns_serve_pushes_total\{kind="put",result="ok"\} 1$'
    assert_line_matches "$API_BODY" '^# TYPE dns_queries_total counter$'
}

@test "SIGHUP re-reads the key file" {
    start_edge edge
    local old=$EDGE_KEY
    printf '%s\n' fedcba9876543210fedcba9876543210 >edge/key
    kill -HUP "$EDGE_PID"
    local tries=0
    until api GET /v1/health && [[ $API_STATUS == 401 ]]; do
        ((++tries < 100)) || fail_with "the old key still works after SIGHUP"
        sleep 0.05
    done
    EDGE_KEY=fedcba9876543210fedcba9876543210
    api GET /v1/health
    assert_status 200
    # A key file that cannot be read keeps the key in use.
    rm edge/key
    kill -HUP "$EDGE_PID"
    sleep 0.3
    api GET /v1/health
    assert_status 200
    [[ $old != "$EDGE_KEY" ]]
    kill -0 "$EDGE_PID"
}

@test "log lines: one per event, with <N> priorities under journald, the program name otherwise" {
    start_edge plain
    stop_edge TERM
    run -0 head -n 1 plain/log
    [[ $output == "dns-serve: "* ]] || fail_with "a line without the program name: $output"
    # JOURNAL_STREAM (set by systemd for a service whose output goes to the journal) switches
    # to sd-daemon(3) prefixes: <6> info, <4> warning, <3> error.
    JOURNAL_STREAM=8:12345 start_edge edge
    push_example
    rm edge/key
    kill -HUP "$EDGE_PID"
    local tries=0
    until grep -q 'SIGHUP' edge/log; do
        ((++tries < 100)) || fail_with "no log line for SIGHUP"
        sleep 0.05
    done
    stop_edge TERM
    run -0 cat edge/log
    assert_line_matches "$output" '^<6>answering DNS on 127\.0\.0\.1:'
    assert_line_matches "$output" '^<3>SIGHUP: keeping the old key: '
    assert_line_matches "$output" '^<6>stopping on SIGTERM'
    refute_contains "$output" "dns-serve: "
    local line re='^<[0-7]>[^[:space:]]'
    while IFS= read -r line; do
        [[ $line =~ $re ]] || fail_with "a line without a priority: $line"
    done <edge/log
}

@test "zones survive a restart; --query answers from the state directory" {
    start_edge edge
    push_example
    stop_edge TERM
    ((EDGE_EXIT == 0)) || fail_with "exit status $EDGE_EXIT on SIGTERM"
    run -0 --separate-stderr "$SERVE" -c empty.toml --state-dir edge/state \
        --query www.example.com A
    assert_contains "$output" "rcode: NOERROR"
    assert_line_matches "$output" "$WWW_A"
    # No footer about a network exchange that did not happen.
    refute_contains "$output" ";; Query time"
    refute_contains "$output" ";; WHEN"
    run -0 --separate-stderr "$SERVE" -c empty.toml --state-dir edge/state \
        --query NoPe.Example.COM A
    assert_contains "$output" "rcode: NXDOMAIN"
    assert_contains "$output" "NoPe.Example.COM."
    start_edge edge
    run -0 q www.example.com AAAA
    [[ $output == 2001:db8::80 ]] || fail_with "after the restart"
}

@test "--query answers as over TCP; with --udp a large answer is truncated (TC)" {
    local i lines=()
    for ((i = 0; i < 20; i++)); do
        lines+=("t IN TXT \"$(printf 'x%03d' "$i")$(printf '%060d' 0)\"")
    done
    small_zone big.zone big.test 1 "${lines[@]}"
    compile big.zone big.xfr --origin big.test
    start_edge edge
    put_zone big.test big.xfr
    stop_edge TERM
    run -0 --separate-stderr "$SERVE" -c empty.toml --state-dir edge/state --query t.big.test TXT
    assert_contains "$output" "ANSWER: 20,"
    assert_line_matches "$output" '^;; flags: qr aa ;'
    run -0 --separate-stderr "$SERVE" -c empty.toml --state-dir edge/state --query t.big.test TXT \
        --udp
    assert_line_matches "$output" '^;; flags: qr aa tc ;'
    refute_contains "$output" "ANSWER: 20,"
}

# metric NAME: the value of the unlabelled metric NAME in the current edge's /metrics.
metric() {
    api GET /metrics
    awk -v m="$1" '$1 == m { print $2 }' <<<"$API_BODY"
}

# wait_metric NAME VALUE: waits (at most 10 s) until metric NAME has VALUE.
wait_metric() {
    local tries=0
    until [[ $(metric "$1") == "$2" ]]; do
        ((++tries > 200)) && fail_with "$1 is $(metric "$1"), not $2"
        sleep 0.05
    done
}

@test "[dns] tcp_max_connections_per_address: one client is held to it, others still get in" {
    printf '[dns]\ntcp_max_connections_per_address = 2\n' >limit.toml
    EDGE_CONFIG=limit.toml start_edge edge
    push_example
    # 127.0.0.1 takes its two connections (held open by this shell)...
    exec 7<>"/dev/tcp/127.0.0.1/$EDGE_DNS" 8<>"/dev/tcp/127.0.0.1/$EDGE_DNS"
    wait_metric dns_tcp_connections_open 2
    # ...so its third is reset at once (dig: no reply, exit 9), and counted.
    run -9 q www.example.com A +tcp +tries=1
    refute_contains "$output" 192.0.2.80
    wait_metric dns_tcp_connections_refused_per_address_total 1
    [[ $(metric dns_tcp_connections_refused_total) == 0 ]] || fail_with "counted as refused_total"
    # Another address is another client; UDP is not limited.
    [[ $(q www.example.com A +tcp -b 127.0.0.2) == 192.0.2.80 ]] || fail_with "127.0.0.2 over TCP"
    [[ $(q www.example.com A) == 192.0.2.80 ]] || fail_with "UDP"
    # Once 127.0.0.1 closes one, it gets in again.
    exec 7<&-
    wait_metric dns_tcp_connections_open 1
    [[ $(q www.example.com A +tcp) == 192.0.2.80 ]] || fail_with "127.0.0.1 after a close"
    exec 8<&-
}
