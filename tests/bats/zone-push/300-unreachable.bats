#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# zone-push faults: edges that are down (69 after the retries), edges that answer wrongly (76).
#
# $stderr is set by bats (run --separate-stderr); bash -c scripts in single quotes are meant.
# shellcheck disable=SC2154,SC2016

load ../helpers
load push_helpers

setup() {
    push_setup
    example_stream example.xfr
    PORT=$(free_port)
    cat >fast.toml <<'CONF'
[push]
backoff = 0.05
CONF
}

teardown() {
    push_teardown
    if [[ -n ${HTTPD_PID-} ]]; then kill "$HTTPD_PID" 2>/dev/null || true; fi
}

@test "an edge on a closed port exits 69 after every retry" {
    run -69 --separate-stderr "$ZP" -c fast.toml -s "http://127.0.0.1:$PORT" -k key -r 2 example.xfr
    assert_line_matches "$output" "^http://127\.0\.0\.1:$PORT +example\.com\. +- +- +[0-9.]+s +.*(3 attempts)"
    assert_contains "$stderr" "zone-push: http://127.0.0.1:$PORT: PUT /v1/zones/example.com.: "
}

@test "--json reports the unreachable edge with a null status" {
    run -69 --separate-stderr "$ZP" -c fast.toml -s "http://127.0.0.1:$PORT" -k key -r 1 --json example.xfr
    assert_json_member "$output" exit 69
    assert_json_member "$output" edge "\"http://127.0.0.1:$PORT\""
    assert_json_member "$output" request '"PUT /v1/zones/example.com."'
    assert_json_member "$output" status null
    assert_json_member "$output" ok false
    assert_json_member "$output" attempts 2
    assert_json_member "$output" zone '"example.com."'
    assert_json_member "$output" kind '"full"'
    assert_json_member "$output" serial null
}

@test "two unreachable edges are tried at the same time" {
    local other
    other=$(free_port)
    cat >slow.toml <<'CONF'
[push]
backoff = 0.4
CONF
    SECONDS=0
    run -69 --separate-stderr "$ZP" -c slow.toml -s "http://127.0.0.1:$PORT" \
        -s "http://127.0.0.1:$other" -k key -r 2 example.xfr
    # 0.4 + 0.8 s of backoff each; one after the other would take 2.4 s.
    ((SECONDS < 3)) || fail_with "took $SECONDS s"
    assert_line_matches "$output" "^http://127\.0\.0\.1:$PORT "
    assert_line_matches "$output" "^http://127\.0\.0\.1:$other "
}

@test "a timeout counts as unreachable: 69" {
    require_cmd python3
    # A listener that accepts and never answers.
    python3 -c '
import socket, sys, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(16)
conns = []
while True:
    c, _ = s.accept(); conns.append(c)
' "$PORT" 3>&- &
    HTTPD_PID=$!
    sleep 0.3
    run -69 --separate-stderr "$ZP" -c fast.toml -s "http://127.0.0.1:$PORT" -k key -r 1 -t 0.3 example.xfr
    assert_contains "$stderr" "(2 attempts)"
}

@test "an HTTP server that is not an edge gives a protocol error: 76" {
    require_cmd python3
    mkdir www
    # python's http.server answers PUT with 501, which is retried like any 5xx, then reported.
    python3 -m http.server --bind 127.0.0.1 --directory www "$PORT" >httpd.log 2>&1 3>&- &
    HTTPD_PID=$!
    local tries=0
    until curl -s -o /dev/null "http://127.0.0.1:$PORT/"; do
        ((++tries < 100)) || fail_with "python3 -m http.server did not start"
        sleep 0.05
    done
    run -76 --separate-stderr "$ZP" -c fast.toml -s "http://127.0.0.1:$PORT" -k key -r 1 --json example.xfr
    assert_json_member "$output" exit 76
    assert_json_member "$output" status 501
    assert_json_member "$output" attempts 2
}

@test "an unreachable edge wins over a protocol error: 69" {
    require_cmd python3
    mkdir www
    python3 -m http.server --bind 127.0.0.1 --directory www "$PORT" >httpd.log 2>&1 3>&- &
    HTTPD_PID=$!
    local tries=0 other
    until curl -s -o /dev/null "http://127.0.0.1:$PORT/"; do
        ((++tries < 100)) || fail_with "python3 -m http.server did not start"
        sleep 0.05
    done
    other=$(free_port)
    run -69 --separate-stderr "$ZP" -c fast.toml -s "http://127.0.0.1:$PORT" \
        -s "http://127.0.0.1:$other" -k key -r 0 example.xfr
    assert_line_matches "$output" "^http://127\.0\.0\.1:$PORT +example\.com\. +501 "
}
