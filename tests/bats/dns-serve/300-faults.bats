#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# dns-serve faults: kill -9, damaged files, full disk, pushes under load, signals, readiness, ports.
#
# $output and $status are set by bats; a test adds to EDGE_PIDS for its own teardown, which
# runs in the same shell.
# shellcheck disable=SC2154,SC2030,SC2031

load ../helpers
load serve_helpers

setup() {
    edge_setup
    [[ -x $MAKE_DELTA ]] || fail_with "$MAKE_DELTA is missing: build the make-delta target"
}

teardown() {
    edge_teardown
    if [[ -n ${MOUNTED-} ]]; then umount "$MOUNTED"; fi
}

# make_versions ZONE N: zone streams ZONE-1.xfr .. ZONE-N.xfr (serial i, www.ZONE at 192.0.2.i,
# a TXT record "vi") and the deltas ZONE-d1.xfr .. ZONE-d(N-1).xfr between them.
make_versions() {
    local zone=$1 n=$2 i
    for ((i = 1; i <= n; i++)); do
        small_zone "$zone-$i.zone" "$zone" "$i" "v IN TXT \"v$i\""
        sed -i "s/192.0.2.80/192.0.2.$i/" "$zone-$i.zone"
        compile "$zone-$i.zone" "$zone-$i.xfr" --origin "$zone"
        if ((i > 1)); then
            "$MAKE_DELTA" "$zone-$((i - 1)).xfr" "$zone-$i.xfr" >"$zone-d$((i - 1)).xfr"
        fi
    done
}

# assert_at ZONE SERIAL: the current edge answers ZONE's version SERIAL (make_versions).
assert_at() {
    [[ $(soa_serial "$1") == "$2" ]] || fail_with "$1: SOA serial $(soa_serial "$1"), not $2"
    [[ $(q "www.$1" A) == "192.0.2.$2" ]] || fail_with "$1: www is not version $2"
    [[ $(q "v.$1" TXT +tcp) == "\"v$2\"" ]] || fail_with "$1: TXT is not version $2"
}

@test "kill -9 after acknowledged pushes loses none of them" {
    make_versions a.test 4
    make_versions b.test 1
    start_edge edge
    put_zone a.test a.test-1.xfr
    put_zone b.test b.test-1.xfr
    local i
    for i in 1 2 3; do
        patch_zone a.test "a.test-d$i.xfr"
        assert_status 200
    done
    stop_edge KILL
    ((EDGE_EXIT == 137)) || fail_with "exit status $EDGE_EXIT after SIGKILL"
    start_edge edge
    assert_at a.test 4
    assert_at b.test 1
    api GET /v1/zones
    [[ $(jq -c '[.zones[] | [.name, .serial]]' <<<"$API_BODY") == \
        '[["a.test.",4],["b.test.",1]]' ]] ||
        fail_with "zones after the restart: $API_BODY"
    # The journal goes on from where it was: one more delta, another kill, still there.
    make_versions a.test 5
    patch_zone a.test a.test-d4.xfr
    assert_status 200
    stop_edge KILL
    start_edge edge
    assert_at a.test 5
}

@test "a damaged zone file is reported by name and skipped; the other zones still answer" {
    make_versions a.test 1
    make_versions b.test 1
    start_edge edge
    put_zone a.test a.test-1.xfr
    put_zone b.test b.test-1.xfr
    stop_edge TERM
    local f=edge/state/a.test.xfr size
    [[ -f $f ]] || fail_with "no zone file $f"
    size=$(stat -c %s "$f")
    printf 'XXXXXXXX' | dd of="$f" bs=1 seek=$((size / 2)) conv=notrunc status=none
    start_edge edge
    assert_contains "$(<edge/log)" "$f"
    assert_at b.test 1
    [[ $(rcode www.a.test A) == REFUSED ]] || fail_with "the damaged zone is answered"
    api GET /v1/zones
    [[ $(jq -c '[.zones[].name]' <<<"$API_BODY") == '["b.test."]' ]] ||
        fail_with "zones: $API_BODY"
    # Pushing the zone again repairs it.
    put_zone a.test a.test-1.xfr
    stop_edge TERM
    start_edge edge
    assert_at a.test 1
}

@test "a torn journal tail is cut off: the zone loads at the last complete delta" {
    make_versions a.test 3
    start_edge edge
    put_zone a.test a.test-1.xfr
    patch_zone a.test a.test-d1.xfr
    assert_status 200
    patch_zone a.test a.test-d2.xfr
    assert_status 200
    stop_edge TERM
    local j=edge/state/a.test.jnl
    [[ -s $j ]] || fail_with "no journal $j"
    truncate -s -3 "$j"
    start_edge edge
    assert_at a.test 2
    assert_line_matches "$(<edge/log)" "$j: warning: torn tail"
    # The next delta continues from there and survives a kill.
    patch_zone a.test a.test-d2.xfr
    assert_status 200
    stop_edge KILL
    start_edge edge
    assert_at a.test 3
}

@test "a damaged journal is reported; the zone loads at its file's serial" {
    make_versions a.test 3
    start_edge edge
    put_zone a.test a.test-1.xfr
    patch_zone a.test a.test-d1.xfr
    assert_status 200
    patch_zone a.test a.test-d2.xfr
    assert_status 200
    stop_edge TERM
    local j=edge/state/a.test.jnl size
    size=$(stat -c %s "$j")
    printf 'XXXXXXXX' | dd of="$j" bs=1 seek=$((size / 2)) conv=notrunc status=none
    start_edge edge
    assert_contains "$(<edge/log)" "$j: damaged"
    [[ $(soa_serial a.test) =~ ^[12]$ ]] || fail_with "serial $(soa_serial a.test)"
}

@test "a push to a full disk gets 500; the zone stays as it was, in memory and on disk" {
    [[ $(id -u) == 0 ]] || skip "needs root to mount a small tmpfs"
    mkdir -p edge/state
    mount -t tmpfs -o size=64k tmpfs edge/state 2>/dev/null || skip "cannot mount a tmpfs here"
    MOUNTED=$PWD/edge/state
    make_versions a.test 1
    local i lines=()
    for ((i = 0; i < 4000; i++)); do lines+=("h$i IN A 192.0.2.$((i % 250))"); done
    small_zone big.zone a.test 2 "${lines[@]}"
    compile big.zone big.xfr --origin a.test
    start_edge edge
    put_zone a.test a.test-1.xfr
    api PUT /v1/zones/a.test --data-binary @big.xfr
    assert_status 500
    assert_contains "$(json .error)" "No space left on device"
    assert_at a.test 1
    api GET /metrics
    assert_line_matches "$API_BODY" '^dns_serve_pushes_total\{kind="any",result="failed"\} 1$'
    run -0 ls -A edge/state
    refute_contains "$output" ".tmp"
    stop_edge KILL
    start_edge edge
    assert_at a.test 1
}

@test "pushes while queries run lose no query (dnsperf)" {
    require_cmd dnsperf
    make_versions a.test 2
    start_edge edge
    put_zone a.test a.test-1.xfr
    printf '%s\n' 'www.a.test A' 'v.a.test TXT' 'a.test SOA' 'nope.a.test A' >queries.txt
    dnsperf -s 127.0.0.1 -p "$EDGE_DNS" -d queries.txt -l 3 -Q 500 -t 2 >dnsperf.out 2>&1 3>&- &
    local perf=$! pushes=0 v
    EDGE_PIDS+=("$perf") # killed by teardown if the test fails early
    while running "$perf"; do
        for v in 2 1; do
            put_zone a.test "a.test-$v.xfr"
            pushes=$((pushes + 1))
        done
    done
    wait "$perf" || fail_with "dnsperf failed: $(<dnsperf.out)"
    ((pushes >= 4)) || fail_with "only $pushes pushes during the run"
    run -0 cat dnsperf.out
    assert_line_matches "$output" '^[[:space:]]*Queries sent:[[:space:]]+[1-9][0-9]*'
    assert_line_matches "$output" '^[[:space:]]*Queries lost:[[:space:]]+0 '
    assert_line_matches "$output" \
        '^[[:space:]]*Response codes:[[:space:]]+NOERROR [0-9]+ \([0-9.]+%\), NXDOMAIN [0-9]+'
    refute_contains "$output" "SERVFAIL"
    refute_contains "$output" "REFUSED"
}

@test "SIGTERM and SIGINT stop the server with exit status 0" {
    start_edge edge
    stop_edge TERM
    ((EDGE_EXIT == 0)) || fail_with "exit status $EDGE_EXIT on SIGTERM; log: $(<edge/log)"
    assert_contains "$(<edge/log)" "stopping on SIGTERM"
    start_edge edge
    stop_edge INT
    ((EDGE_EXIT == 0)) || fail_with "exit status $EDGE_EXIT on SIGINT; log: $(<edge/log)"
    assert_contains "$(<edge/log)" "stopping on SIGINT"
}

@test "READY=1 reaches NOTIFY_SOCKET once the persisted zones answer" {
    require_cmd python3
    make_versions a.test 1
    start_edge edge
    put_zone a.test a.test-1.xfr
    stop_edge TERM
    # A service manager's socket: print every datagram, stop after READY=1.
    python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
print("listening", flush=True)
s.settimeout(20)
while True:
    m = s.recv(4096).decode()
    print(m.replace("\n", " "), flush=True)
    if "READY=1" in m.split("\n"):
        break
' "$PWD/notify.sock" >notify.out 2>&1 3>&- &
    local listener=$! tries=0
    EDGE_PIDS+=("$listener")
    until [[ -S notify.sock ]]; do
        ((++tries < 400)) || fail_with "the notify listener did not start: $(<notify.out)"
        sleep 0.05
    done
    NOTIFY_SOCKET=$PWD/notify.sock start_edge edge
    wait "$listener" || fail_with "no READY=1: $(<notify.out)"
    assert_contains "$(<notify.out)" "READY=1"
    assert_contains "$(<notify.out)" "STATUS=1 zones loaded"
    assert_at a.test 1
    stop_edge TERM
    ((EDGE_EXIT == 0)) || fail_with "exit status $EDGE_EXIT"
}

@test "a DNS port in use exits 69 naming the address" {
    start_edge first
    run -69 --separate-stderr "$SERVE" -c empty.toml --key-file first/key --state-dir other \
        --listen "127.0.0.1:$EDGE_DNS" --http 127.0.0.1:0
    assert_contains "$stderr" "cannot bind UDP 127.0.0.1:$EDGE_DNS"
}

@test "an API port in use exits 69 naming the address" {
    start_edge first
    run -69 --separate-stderr "$SERVE" -c empty.toml --key-file first/key --state-dir other \
        --listen 127.0.0.1:0 --http "127.0.0.1:$EDGE_HTTP"
    assert_contains "$stderr" "127.0.0.1:$EDGE_HTTP"
}

@test "a state directory that cannot be created exits 73" {
    touch plain
    printf '%s\n' 0123456789abcdef0123456789abcdef >key
    run -73 --separate-stderr "$SERVE" -c empty.toml --key-file key --state-dir plain/state \
        --listen 127.0.0.1:0 --http 127.0.0.1:0
    assert_contains "$stderr" "cannot create plain/state"
}

@test "a second dns-serve on the same state directory exits 75; the first goes on" {
    make_versions a.test 1
    start_edge edge
    put_zone a.test a.test-1.xfr
    run -75 --separate-stderr "$SERVE" -c empty.toml --key-file edge/key --state-dir edge/state \
        --listen 127.0.0.1:0 --http 127.0.0.1:0
    assert_contains "$stderr" "state directory edge/state is in use by another dns-serve"
    assert_at a.test 1
}

@test "--query reads a state directory without changing it, even a torn journal" {
    make_versions a.test 3
    start_edge edge
    put_zone a.test a.test-1.xfr
    patch_zone a.test a.test-d1.xfr
    assert_status 200
    patch_zone a.test a.test-d2.xfr
    assert_status 200
    stop_edge KILL
    truncate -s -3 edge/state/a.test.jnl
    local before
    before=$(cd edge/state && ls -l --time-style=full-iso && md5sum ./*)
    run -0 --separate-stderr "$SERVE" -c empty.toml --state-dir edge/state --query a.test SOA
    assert_line_matches "$output" $'^a\\.test\\.[[:space:]].*SOA.* 2 7200 3600 1209600 300$'
    [[ $(cd edge/state && ls -l --time-style=full-iso && md5sum ./*) == "$before" ]] ||
        fail_with "--query changed the state directory"
}
