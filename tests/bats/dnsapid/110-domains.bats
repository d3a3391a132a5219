#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# dnsapid domains: create (SOA and NS from the config), list with pagination, get with ETag/304, delete, duplicates, invalid names.
#
# api (dnsapid.bash) sets status_code, body and headers and reads KEY; zone files hold $ORIGIN.
# shellcheck disable=SC2154,SC2034,SC2016,SC2030,SC2031

load ../helpers
load dnsapid

setup_file() {
    dnsapid_setup_file
    KEY_A=$(new_account alpha free)
    KEY_B=$(new_account bravo free)
    export KEY_A KEY_B
}

teardown_file() {
    dnsapid_teardown_file
}

setup() {
    dnsapid_setup
    KEY=$KEY_A
}

teardown() {
    dnsapid_teardown
}

@test "create: 201 with Location, ETag, serial 1, a change id, SOA and NS from the configuration" {
    api POST /v1/domains '{"name":"create.test"}'
    expect_status 201
    assert_eq "$(header Location)" /v1/domains/create.test Location
    assert_eq "$(header ETag)" '"1"' ETag
    assert_eq "$(jb .name)" create.test name
    assert_eq "$(jb .serial)" 1 serial
    assert_eq "$(jb .etag)" '"1"' etag
    assert_eq "$(jb .change.serial)" 1 change.serial
    local change
    change=$(jb .change.id)
    [[ $change =~ ^[1-9][0-9]*$ ]] || api_fail "change.id '$change' is not a positive integer"
    assert_eq "$(jb .soa.mname)" ns1.endpointdns.test. soa.mname
    assert_eq "$(jb .soa.rname)" hostmaster.endpointdns.test. soa.rname
    assert_eq "$(jb .soa.minimum)" 300 soa.minimum
    assert_eq "$(jb .min_ttl)" 60 min_ttl
    assert_eq "$(jb .records)" 2 "records (the two NS)"

    api GET /v1/domains/create.test/rrsets/@/NS
    expect_status 200
    assert_eq "$(jb '.records | sort | join(" ")')" "ns1.endpointdns.test. ns2.endpointdns.test." NS
    assert_eq "$(jb .ttl)" 3600 "NS TTL (zones.ns_ttl)"
    api GET /v1/domains/create.test/rrsets/@/SOA
    expect_status 200
    assert_eq "$(jb '.records[0]')" \
        "ns1.endpointdns.test. hostmaster.endpointdns.test. 1 7200 3600 1209600 300" SOA

    # The change is in the journal: 0 -> 1, kind create, with the change id returned.
    run -0 mariadb_sql "SELECT id, kind, serial_from, serial_to FROM changes WHERE zone = 'create.test'"
    assert_eq "$output" "$change"$'\tcreate\t0\t1' "journal row"
}

@test "create normalizes the name: lowercase, no trailing dot" {
    api POST /v1/domains '{"name":"MiXeD.Example.TEST."}'
    expect_status 201
    assert_eq "$(jb .name)" mixed.example.test name
    assert_eq "$(header Location)" /v1/domains/mixed.example.test
    api GET /v1/domains/MIXED.example.test
    expect_status 200
    assert_eq "$(jb .name)" mixed.example.test
}

@test "list pages with limit=2: next cursor, Link header, every domain exactly once, in order" {
    KEY=$(new_account lister free)
    local d
    for d in e.page.test a.page.test d.page.test b.page.test c.page.test; do
        new_domain "$d"
    done
    local seen=() cursor="" pages=0
    while :; do
        api GET "/v1/domains?limit=2${cursor:+&cursor=$cursor}"
        expect_status 200
        (($(jb '.items | length') <= 2)) || api_fail "a page holds more than 2 domains"
        mapfile -t -O "${#seen[@]}" seen < <(jb '.items[].name')
        cursor=$(jb '.next // empty')
        ((++pages))
        if [[ -n $cursor ]]; then
            assert_contains "$(header Link)" 'rel="next"'
            assert_contains "$(header Link)" "limit=2"
            assert_contains "$(header Link)" "cursor="
        else
            [[ -z $(header Link) ]] || api_fail "a Link header on the last page"
            break
        fi
        ((pages < 10)) || api_fail "pagination does not end"
    done
    assert_eq "$(IFS=' '; echo "${seen[*]}")" \
        "a.page.test b.page.test c.page.test d.page.test e.page.test" "domains over all pages"
    assert_eq "$pages" 3 "pages"

    # Following the Link header gives the same second page.
    api GET "/v1/domains?limit=2"
    local link
    link=$(header Link | sed -E 's/^<([^>]*)>.*/\1/')
    api GET "$link"
    expect_status 200
    assert_eq "$(jb '[.items[].name] | join(" ")')" "c.page.test d.page.test" "page via Link"

    # Only the account's own domains are listed.
    KEY=$KEY_B
    api GET "/v1/domains?limit=1000"
    expect_status 200
    assert_eq "$(jb '[.items[].name | select(endswith("page.test"))] | length')" 0 \
        "another account's domains in the list"
}

@test "an account without domains lists none" {
    KEY=$(new_account empty free)
    api GET /v1/domains
    expect_status 200
    assert_eq "$(jb '.items | length')" 0 items
    assert_eq "$(jb .next)" null next
}

@test "get: 200 with ETag; If-None-Match with the ETag gives 304, a stale one 200" {
    new_domain get.test
    api GET /v1/domains/get.test
    expect_status 200
    assert_eq "$(header ETag)" '"1"' ETag
    assert_eq "$(jb .serial)" 1
    api GET /v1/domains/get.test "" -H 'If-None-Match: "1"'
    expect_status 304
    assert_eq "$(header ETag)" '"1"' "ETag of the 304"
    assert_empty "$body" "body of the 304"
    api GET /v1/domains/get.test "" -H 'If-None-Match: "7", "1"'
    expect_status 304
    api GET /v1/domains/get.test "" -H 'If-None-Match: *'
    expect_status 304
    put_rrset get.test www A '["192.0.2.1"]'
    api GET /v1/domains/get.test "" -H 'If-None-Match: "1"'
    expect_status 200
    assert_eq "$(header ETag)" '"2"' "ETag after a change"
    assert_eq "$(jb .serial)" 2
    api GET /v1/domains/nonexistent.test
    expect_problem 404 not-found
    api GET /v1/domains/not_a..name
    expect_problem 404 not-found
}

@test "delete: 200 with a change, then 404 everywhere; the name can be created again" {
    new_domain delete.test
    put_rrset delete.test www A '["192.0.2.1"]'
    api DELETE /v1/domains/delete.test "" -H 'If-Match: "1"'
    expect_problem 412 precondition-failed
    api GET /v1/domains/delete.test
    expect_status 200
    api DELETE /v1/domains/delete.test "" -H 'If-Match: "2"'
    expect_status 200
    assert_eq "$(jb .deleted)" true
    assert_eq "$(jb .change.serial)" 3 "change.serial"
    [[ $(jb .change.id) =~ ^[1-9][0-9]*$ ]] || api_fail "no change id"
    api GET /v1/domains/delete.test
    expect_problem 404 not-found
    api GET /v1/domains/delete.test/rrsets
    expect_problem 404 not-found
    api GET /v1/domains/delete.test/rrsets/www/A
    expect_problem 404 not-found
    api DELETE /v1/domains/delete.test
    expect_problem 404 not-found
    run -0 mariadb_sql "SELECT COUNT(*) FROM rrsets r JOIN domains d ON d.id = r.domain_id WHERE d.name = 'delete.test'"
    assert_eq "$output" 0 "RRsets left in the database"
    run -0 mariadb_sql "SELECT kind, serial_from, serial_to FROM changes WHERE zone = 'delete.test' ORDER BY id"
    assert_eq "$output" $'create\t0\t1\nupdate\t1\t2\ndelete\t2\t3' journal
    new_domain delete.test
    # A name hosted before continues after its last serial (the deletion's).
    assert_eq "$(jb .serial)" 4 "serial of the new zone"
    api GET /v1/domains/delete.test/rrsets/www/A
    expect_problem 404 not-found
}

@test "a duplicate name is 409, in the same account and across accounts, in any case" {
    new_domain dup.test
    api POST /v1/domains '{"name":"dup.test"}'
    expect_problem 409 exists
    api POST /v1/domains '{"name":"DUP.Test."}'
    expect_problem 409 exists
    KEY=$KEY_B
    api POST /v1/domains '{"name":"dup.test"}'
    expect_problem 409 exists
    # B did not get it.
    api GET /v1/domains/dup.test
    expect_problem 404 not-found
    KEY=$KEY_A
    api GET /v1/domains/dup.test
    expect_status 200
    assert_eq "$(jb .serial)" 1 "serial unchanged"
}

@test "invalid domain names are 422 naming the field, and nothing is created" {
    local long63 label64 long254
    long63=$(printf 'a%.0s' {1..63})
    label64=$(printf 'a%.0s' {1..64})
    long254="$long63.$long63.$long63.$(printf 'a%.0s' {1..57}).test"
    ((${#long254} == 254)) || fail_with "long254 has ${#long254} characters"
    local n
    for n in "" "." "test" "-bad.test" "bad-.test" "a..test" "under_score.test" "sp ace.test" \
        "*.wild.test" "bücher.test" "$label64.test" "$long254" "semi;colon.test" "a/b.test"; do
        api POST /v1/domains "$(jq -cn --arg n "$n" '{name: $n}')"
        expect_problem 422 validation
        assert_eq "$(jb '.errors[0].field')" name "field for '$n'"
    done
    for n in '{}' '{"name":5}' '{"name":null}' '{"name":["a.test"]}'; do
        api POST /v1/domains "$n"
        expect_problem 422 validation
    done
    api POST /v1/domains '{"name":"ok.test","nameservers":["x."]}'
    expect_problem 422 validation
    api GET /v1/domains/ok.test
    expect_problem 404 not-found
    # A 63-character label is fine.
    new_domain "$long63.test"
    api GET "/v1/domains?limit=1000"
    assert_eq "$(jb '[.items[].name | select(test("under|bad|wild|space"))] | length')" 0 \
        "invalid domains created"
}
