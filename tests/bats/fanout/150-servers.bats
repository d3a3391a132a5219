#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# The edge server registry (/v1/servers, admin key): validation, keys never shown again, the
# audit trail, and new domains taking their NS RRset from the active servers when the
# configuration names no name servers.

load ../helpers
load ../dnsapid/dnsapid

setup_file() {
    export DNSAPID_NAMESERVERS= # no zones.nameservers: the registry provides them
    dnsapid_setup_file || return 1
    KEY=$(new_account reg free) || return 1
    printf '%s\n' "$KEY" >"$BATS_FILE_TMPDIR/key"
}

teardown_file() {
    dnsapid_teardown_file
}

setup() {
    dnsapid_setup
    KEY=$(<"$BATS_FILE_TMPDIR/key")
}

teardown() {
    dnsapid_teardown
}

# ns_of ZONE: the apex NS records of ZONE, sorted, space-separated.
ns_of() {
    api GET "/v1/domains/$1/rrsets/$1/NS"
    expect_status 200 || return 1
    jb '.records | sort | join(" ")'
}

@test "without servers, new domains get the built-in name servers" {
    new_domain before.example
    assert_eq "$(ns_of before.example)" "ns1.endpointdns.test. ns2.endpointdns.test." NS
}

@test "a registered server: 201, the key never shown again, state before any contact" {
    as_admin api POST /v1/servers \
        '{"name":"ns-a","url":"http://127.0.0.1:9/","key":"0123456789abcdef0123","ns_name":"NS-A.Example.NET."}'
    expect_status 201
    assert_eq "$(header Location)" /v1/servers/ns-a Location
    assert_eq "$(jb .url)" http://127.0.0.1:9 "url (trailing slash dropped)"
    assert_eq "$(jb .ns_name)" ns-a.example.net ns_name
    assert_eq "$(jb .active)" true active
    assert_eq "$(jb 'has("key")')" false "key in the answer"
    as_admin api GET /v1/servers/ns-a
    expect_status 200
    assert_eq "$(jb 'has("key")')" false "key in GET"
    [[ $body != *0123456789abcdef0123* ]] || api_fail "the key appears in GET"
    # Without a key: dnsapid makes one and shows it this once.
    as_admin api POST /v1/servers '{"name":"ns-b","url":"https://127.0.0.1:9","ns_name":"ns-b.example.net"}'
    expect_status 201
    local made
    made=$(jb .key)
    [[ ${#made} -ge 32 && $made =~ ^[a-z2-7]+$ ]] || api_fail "generated key '$made'"
    as_admin api GET /v1/servers
    expect_status 200
    assert_eq "$(jb '[.items[].name] | join(",")')" "ns-a,ns-b" names
    [[ $body != *"$made"* ]] || api_fail "the generated key appears in the listing"
    run -0 mariadb_sql "SELECT COUNT(*) FROM audit WHERE action = 'server.create'"
    assert_eq "$output" 2 "audit rows"
}

@test "new domains take the ns_name of every active server; an inactive one is left out" {
    new_domain after.example
    assert_eq "$(ns_of after.example)" "ns-a.example.net. ns-b.example.net." NS
    as_admin api PATCH /v1/servers/ns-b '{"active":false}'
    expect_status 200
    assert_eq "$(jb .active)" false active
    new_domain later.example
    assert_eq "$(ns_of later.example)" "ns-a.example.net." NS
    # Existing domains keep theirs.
    assert_eq "$(ns_of after.example)" "ns-a.example.net. ns-b.example.net." NS
}

@test "bad registrations are 422 naming the field; a taken name is 409; account keys 403" {
    local b
    for b in '{"url":"http://127.0.0.1:9","key":"0123456789abcdef"}' \
        '{"name":"","url":"http://127.0.0.1:9"}' \
        '{"name":"Bad Name","url":"http://127.0.0.1:9"}' \
        '{"name":"x","url":"ftp://127.0.0.1:9"}' \
        '{"name":"x","url":"http://127.0.0.1:9/v1"}' \
        '{"name":"x","url":"http://127.0.0.1:9","key":"short"}' \
        '{"name":"x","url":"http://127.0.0.1:9","key":"0123456789abcdef 0123"}' \
        '{"name":"x","url":"http://127.0.0.1:9","active":"yes"}' \
        '{"name":"x","url":"http://127.0.0.1:9","ns_name":"not a name"}' \
        '{"name":"x","url":"http://127.0.0.1:9","extra":1}'; do
        as_admin api POST /v1/servers "$b"
        expect_problem 422 validation
    done
    as_admin api POST /v1/servers '{"name":"ns-a","url":"http://127.0.0.1:10"}'
    expect_problem 409 exists
    api GET /v1/servers
    expect_problem 403 forbidden
    api POST /v1/servers '{"name":"mine","url":"http://127.0.0.1:9"}'
    expect_problem 403 forbidden
    as_admin api GET /v1/servers/nope
    expect_problem 404 not-found
    as_admin api PUT /v1/servers/ns-a '{}'
    expect_problem 405 method-not-allowed
}

@test "an unreachable server is reported with its error; changes stay pending for it" {
    as_admin api PATCH /v1/servers/ns-b '{"active":true}'
    expect_status 200
    put_rrset after.example www.after.example A '["192.0.2.1"]'
    local id
    id=$(jb .change.id)
    local tries=0
    while :; do
        as_admin api GET /v1/servers/ns-a
        [[ $(jb .state.reachable) == false ]] && break
        ((++tries < 60)) || api_fail "ns-a never reported unreachable"
        sleep 0.1
    done
    [[ $(jb .state.last_error) == *unreachable* ]] || api_fail "last_error: $(jb .state.last_error)"
    [[ $(jb .state.lag.zones) -ge 3 ]] || api_fail "lag.zones $(jb .state.lag.zones)"
    api GET "/v1/changes/$id?wait=0.3"
    expect_status 200
    assert_eq "$(jb .status)" pending status
    assert_eq "$(jb .servers_insync)" 0 servers_insync
    assert_eq "$(jb .servers_total)" 2 servers_total
}

@test "deleting a server: it goes from the listing, the audit says so, changes no longer wait for it" {
    as_admin api DELETE /v1/servers/ns-a
    expect_status 200
    as_admin api DELETE /v1/servers/ns-b
    expect_status 200
    as_admin api GET /v1/servers
    assert_eq "$(jb '.items | length')" 0 servers
    put_rrset after.example www.after.example A '["192.0.2.2"]'
    api GET "/v1/changes/$(jb .change.id)"
    assert_eq "$(jb .status)" insync "status with no servers"
    run -0 mariadb_sql "SELECT COUNT(*) FROM server_zones"
    assert_eq "$output" 0 "server_zones rows"
    run -0 mariadb_sql "SELECT COUNT(*) FROM audit WHERE action = 'server.delete'"
    assert_eq "$output" 2 "audit rows"
}

@test "the change feed: since, limit, zone filter, other accounts' changes hidden, wait" {
    local other
    other=$(KEY=$ADMIN_KEY new_account feed-other free)
    KEY=$other new_domain other-feed.example
    api GET "/v1/changes?since=0&limit=1000"
    expect_status 200
    [[ $(jb '[.items[] | select(.zone == "other-feed.example")] | length') == 0 ]] ||
        api_fail "another account's change is in the feed"
    local last n
    last=$(jb .next_since)
    n=$(jb '.items | length')
    [[ $n -ge 4 ]] || api_fail "only $n changes"
    api GET "/v1/changes?since=0&limit=2"
    assert_eq "$(jb '.items | length')" 2 "page size"
    assert_eq "$(jb .more)" true more
    api GET "/v1/changes?since=0&zone=later.example"
    assert_eq "$(jb '[.items[].zone] | unique | join(",")')" later.example "zone filter"
    # A long poll on the end of the feed returns when a change appears.
    # The writer gets its own answer files: api() keeps them in the test's directory, and
    # sharing them let the PUT's answer overwrite the long poll's (seen under load in CI).
    mkdir "$BATS_TEST_TMPDIR/writer"
    (sleep 0.5 && BATS_TEST_TMPDIR=$BATS_TEST_TMPDIR/writer \
        put_rrset later.example x.later.example A '["192.0.2.3"]' >/dev/null) &
    local start
    start=$(now_ms_feed)
    api GET "/v1/changes?since=$last&wait=10"
    expect_status 200
    assert_eq "$(jb '.items[0].zone')" later.example "zone of the new change"
    (($(now_ms_feed) - start < 5000)) || api_fail "the long poll did not return when a change came"
    wait
    api GET "/v1/changes?since=abc"
    expect_problem 422 validation
    api GET "/v1/changes?wait=-1"
    expect_problem 422 validation
    api GET "/v1/changes/999999"
    expect_problem 404 not-found
    KEY=$other api GET "/v1/changes/$last"
    expect_problem 404 not-found
}

now_ms_feed() {
    date +%s%3N
}

@test "the feed never skips a change that commits after a later one (ids are not commit order)" {
    local KEY=$ADMIN_KEY before next
    api GET "/v1/changes?since=0&limit=1000"
    before=$(jb .next_since)
    # A write that has inserted its journal row but not committed yet, as a slow write (or the
    # other dnsapid process) would have; its id is below the next write's.
    mariadb_sql "BEGIN; INSERT INTO changes (domain_id, zone, account_id, kind, serial_from,
        serial_to, removed, added, actor, remote) VALUES (999999, 'slow.example', 1, 'update', 1,
        2, '', '', 'x', 'y'); SELECT SLEEP(2); COMMIT;" >"$BATS_TEST_TMPDIR/slow.out" 2>&1 &
    local slow=$!
    sleep 0.5
    KEY=$(<"$BATS_FILE_TMPDIR/key") put_rrset after.example f.after.example A '["192.0.2.9"]'
    api GET "/v1/changes?since=$before"
    expect_status 200
    # The page waited for the slow change: both are there, in id order.
    wait "$slow" || true
    assert_eq "$(jb '[.items[].zone] | join(",")')" "slow.example,after.example" "zones in the page"
}

@test "at most 32 long polls of one account wait at once; the next is 429 with Retry-After" {
    api GET "/v1/changes?since=0&limit=1000"
    local last i codes
    last=$(jb .next_since)
    for i in $(seq 1 32); do
        curl -s -o /dev/null -m 10 -H "Authorization: Bearer $KEY" \
            "$DNSAPID_URL/v1/changes?since=$last&wait=3" &
    done
    sleep 1
    api GET "/v1/changes?since=$last&wait=3"
    expect_problem 429 too-many-waiting
    [[ -n $(header Retry-After) ]] || api_fail "no Retry-After"
    # Another account is not held back by this one.
    local other
    other=$(KEY=$ADMIN_KEY new_account poll-other free)
    KEY=$other api GET "/v1/changes?since=0&wait=0.2"
    expect_status 200
    wait
    api GET "/v1/changes?since=$last&wait=0.2"
    expect_status 200
}
