#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# dns-serve bad input: wrong keys (401), bad streams and zones (400), stale deltas (409), 404, 405.
#
# Every test starts an edge holding zone a.test at serial 1 and checks, after each rejected
# request, that the zone is still there and answered unchanged.
# shellcheck disable=SC2154 # $output and $status are set by bats

load ../helpers
load serve_helpers

setup() {
    edge_setup
    require_cmd jq
    [[ -x $MAKE_DELTA ]] || fail_with "$MAKE_DELTA is missing: build the make-delta target"
    small_zone a1.zone a.test 1
    small_zone a2.zone a.test 2
    sed -i 's/192.0.2.80/192.0.2.81/' a2.zone
    compile a1.zone a1.xfr --origin a.test
    compile a2.zone a2.xfr --origin a.test
    "$MAKE_DELTA" a1.xfr a2.xfr >d12.xfr
}

teardown() {
    edge_teardown
}

# start_with_a: an edge holding a.test at serial 1.
start_with_a() {
    start_edge edge
    put_zone a.test a1.xfr
}

# assert_unchanged [SERIAL] [ADDRESS]: a.test is still at SERIAL (default 1), over the API and
# over DNS, and www.a.test still answers ADDRESS (default 192.0.2.80).
assert_unchanged() {
    local serial=${1:-1} address=${2:-192.0.2.80} saved_status=$API_STATUS saved_body=$API_BODY
    api GET /v1/zones/a.test
    [[ $API_STATUS == 200 && $(json .serial) == "$serial" ]] ||
        fail_with "a.test changed: $API_STATUS $API_BODY"
    [[ $(soa_serial a.test) == "$serial" ]] || fail_with "the SOA serial answered changed"
    [[ $(q www.a.test A) == "$address" ]] || fail_with "www.a.test changed"
    API_STATUS=$saved_status
    API_BODY=$saved_body
}

# assert_error STATUS: the last answer has that status and a JSON body {"error": "..."}.
assert_error() {
    assert_status "$1"
    [[ $(json '.error | type') == string && -n $(json .error) ]] ||
        fail_with "no error message in: $API_BODY"
}

@test "a request without a key gets 401 and WWW-Authenticate" {
    start_with_a
    http_req GET /v1/zones
    assert_error 401
    assert_line_matches "$(<api.headers)" '^WWW-Authenticate: Bearer realm="dns-serve"'
    http_req PUT /v1/zones/a.test --data-binary @a2.xfr
    assert_error 401
    assert_unchanged
}

@test "a wrong key gets 401, whatever the method" {
    start_with_a
    http_req GET /v1/health -H "Authorization: Bearer ${EDGE_KEY}x"
    assert_error 401
    assert_line_matches "$(<api.headers)" '^WWW-Authenticate: Bearer realm="dns-serve"'
    http_req PUT /v1/zones/a.test --data-binary @a2.xfr -H "Authorization: Bearer nope"
    assert_error 401
    http_req DELETE /v1/zones/a.test -H "Authorization: Basic $EDGE_KEY"
    assert_error 401
    http_req GET /metrics -H "Authorization: Bearer"
    assert_error 401
    assert_unchanged
}

@test "a malformed zone stream gets 400 and changes nothing" {
    start_with_a
    printf 'this is not a zone stream' >garbage
    api PUT /v1/zones/a.test --data-binary @garbage
    assert_error 400
    assert_contains "$(json .error)" "malformed zone stream"
    # A good stream cut short.
    head -c 40 a2.xfr >cut.xfr
    api PUT /v1/zones/a.test --data-binary @cut.xfr
    assert_error 400
    api PATCH /v1/zones/a.test --data-binary @cut.xfr
    assert_error 400
    api POST /v1/zones --data-binary @garbage
    assert_error 400
    api PUT /v1/zones --data-binary @garbage
    assert_error 400
    assert_unchanged
}

@test "an empty body gets 400" {
    start_with_a
    api PUT /v1/zones/a.test
    assert_error 400
    assert_contains "$(json .error)" "no body"
    api PATCH /v1/zones/a.test
    assert_error 400
    assert_unchanged
}

@test "a zone failing the checks (CNAME and other data) gets 400" {
    start_with_a
    # zone-compile refuses such a zone, so rename an owner inside a good stream: apx -> api.
    small_zone bad.zone a.test 2 'api  IN CNAME www' 'apx  IN TXT "other data"'
    compile bad.zone good.xfr --origin a.test
    perl -0777 -pe 's/\x03apx/\x03api/g' good.xfr >bad.xfr
    run -0 "$ZC" -c empty.toml --text bad.xfr
    assert_line_matches "$output" '^api\.a\.test\.[[:space:]].*TXT'
    api PUT /v1/zones/a.test --data-binary @bad.xfr
    assert_error 400
    assert_contains "$(json .error)" "fails its checks"
    assert_contains "$(json .error)" "CNAME"
    api POST /v1/zones --data-binary @bad.xfr
    assert_status 200
    [[ $(jq -c '[.results[] | [.name, .status]]' <<<"$API_BODY") == '[["a.test.",400]]' ]] ||
        fail_with "POST result: $API_BODY"
    api PUT /v1/zones --data-binary @bad.xfr
    assert_error 400
    assert_unchanged
}

@test "a body for another zone than the path gets 400" {
    start_with_a
    small_zone b.zone b.test 1
    compile b.zone b.xfr --origin b.test
    api PUT /v1/zones/a.test --data-binary @b.xfr
    assert_error 400
    assert_contains "$(json .error)" "the stream holds zone b.test., not a.test."
    api PATCH /v1/zones/b.test --data-binary @d12.xfr
    assert_error 400
    [[ $(rcode www.b.test A) == REFUSED ]] || fail_with "b.test is answered"
    assert_unchanged
}

@test "PUT with a delta, PATCH with a full zone, PUT with two zones get 400" {
    start_with_a
    api PUT /v1/zones/a.test --data-binary @d12.xfr
    assert_error 400
    assert_contains "$(json .error)" "PATCH"
    api PATCH /v1/zones/a.test --data-binary @a2.xfr
    assert_error 400
    assert_contains "$(json .error)" "PUT"
    cat a1.xfr a2.xfr >two.xfr
    api PUT /v1/zones/a.test --data-binary @two.xfr
    assert_error 400
    # A full sync takes full zones only.
    api PUT /v1/zones --data-binary @d12.xfr
    assert_error 400
    assert_unchanged
}

@test "a PATCH that does not start at the current serial gets 409 with the serial" {
    start_with_a
    patch_zone a.test d12.xfr
    assert_status 200
    patch_zone a.test d12.xfr
    assert_error 409
    [[ $(json .serial) == 2 ]] || fail_with "no current serial in: $API_BODY"
    assert_contains "$(json .error)" "serial"
    # In a POST, the stale delta is a 409 item beside the others.
    small_zone b.zone b.test 1
    compile b.zone b.xfr --origin b.test
    cat d12.xfr b.xfr >mixed.xfr
    api POST /v1/zones --data-binary @mixed.xfr
    assert_status 200
    [[ $(jq -c '[.results[] | [.name, .status, .serial]]' <<<"$API_BODY") == \
        '[["a.test.",409,2],["b.test.",200,1]]' ]] || fail_with "POST results: $API_BODY"
    assert_unchanged 2 192.0.2.81
}

@test "a delta that removes a record the zone lacks gets 400" {
    # The zone at serial 1 lacks www, which the delta removes.
    small_zone other1.zone a.test 1
    sed -i '/^www/d' other1.zone
    compile other1.zone other1.xfr --origin a.test
    start_edge edge
    put_zone a.test other1.xfr
    patch_zone a.test d12.xfr
    assert_error 400
    api GET /v1/zones/a.test
    [[ $(json .serial) == 1 ]] || fail_with "serial moved: $API_BODY"
    [[ $(rcode www.a.test A) == NXDOMAIN ]] || fail_with "the delta was half applied"
}

@test "PATCH, GET and DELETE of a zone the edge does not hold get 404" {
    start_with_a
    small_zone b1.zone b.test 1
    small_zone b2.zone b.test 2 'new IN A 192.0.2.9'
    compile b1.zone b1.xfr --origin b.test
    compile b2.zone b2.xfr --origin b.test
    "$MAKE_DELTA" b1.xfr b2.xfr >b12.xfr
    api PATCH /v1/zones/b.test --data-binary @b12.xfr
    assert_error 404
    api GET /v1/zones/b.test
    assert_error 404
    api GET /v1/zones/b.test -H 'Accept: application/vnd.endpointdns.zone-stream'
    assert_error 404
    api DELETE /v1/zones/b.test
    assert_error 404
    assert_unchanged
}

@test "an unknown path gets 404 and a wrong method 405 with Allow" {
    start_with_a
    api GET /v1/nothing
    assert_error 404
    api GET /v2/zones
    assert_error 404
    api POST /v1/health
    assert_error 405
    assert_line_matches "$(<api.headers)" '^Allow: GET'
    api DELETE /v1/zones
    assert_error 405
    assert_line_matches "$(<api.headers)" '^Allow: GET, POST, PUT'
    api POST /v1/zones/a.test --data-binary @a2.xfr
    assert_error 405
    assert_line_matches "$(<api.headers)" '^Allow: GET, PUT, PATCH, DELETE'
    api PUT /metrics
    assert_error 405
    assert_unchanged
}

@test "a zone name in the path that is not a name gets 400" {
    start_with_a
    api GET /v1/zones/a..test
    assert_error 400
    api PUT /v1/zones/a..test --data-binary @a2.xfr
    assert_error 400
    assert_unchanged
}

@test "a body above [http] max_body gets 413" {
    printf '[http]\nmax_body = 1024\n' >small.toml
    local i lines=()
    for ((i = 0; i < 100; i++)); do lines+=("h$i IN A 192.0.2.$i"); done
    small_zone big.zone a.test 2 "${lines[@]}"
    compile big.zone big.xfr --origin a.test
    (($(stat -c %s big.xfr) > 1024)) || fail_with "big.xfr is too small for the test"
    EDGE_CONFIG=small.toml start_edge edge
    put_zone a.test a1.xfr
    api PUT /v1/zones/a.test --data-binary @big.xfr
    assert_status 413
    assert_unchanged
}

@test "rejected pushes change nothing on disk: a restart answers the same zone" {
    start_with_a
    small_zone bad.zone a.test 2 'api  IN CNAME www' 'apx  IN TXT "other data"'
    compile bad.zone good.xfr --origin a.test
    perl -0777 -pe 's/\x03apx/\x03api/g' good.xfr >bad.xfr
    api PUT /v1/zones/a.test --data-binary @bad.xfr
    assert_error 400
    printf 'garbage' >garbage
    api PATCH /v1/zones/a.test --data-binary @garbage
    assert_error 400
    api PUT /v1/zones/a.test --data-binary @d12.xfr
    assert_error 400
    stop_edge KILL
    start_edge edge
    assert_unchanged
}

@test "[dns] tcp_max_connections_per_address out of range or of the wrong type exits 78 with file:line" {
    (umask 077 && printf '%s\n' 0123456789abcdef0123456789abcdef >key)
    printf '[dns]\ntcp_max_connections = 10\ntcp_max_connections_per_address = -1\n' >bad.toml
    run -78 --separate-stderr "$SERVE" -c bad.toml --key-file key --check-config
    assert_contains "$stderr" "bad.toml:3:"
    assert_contains "$stderr" "tcp_max_connections_per_address"
    printf '[dns]\ntcp_max_connections_per_address = 1000001\n' >bad.toml
    run -78 --separate-stderr "$SERVE" -c bad.toml --key-file key --check-config
    assert_contains "$stderr" "bad.toml:2:"
    printf '[dns]\ntcp_max_connections_per_address = "64"\n' >bad.toml
    run -78 --separate-stderr "$SERVE" -c bad.toml --key-file key --check-config
    assert_contains "$stderr" "bad.toml:2:"
    printf '[dns]\ntcp_max_connections_per_address = 0\n' >ok.toml
    run -0 --separate-stderr "$SERVE" -c ok.toml --key-file key --check-config
}
