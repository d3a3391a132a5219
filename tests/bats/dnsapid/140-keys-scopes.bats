#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# dnsapid API keys and scopes: read-only, ACME only, domain-limited keys; revocation, expiry, last use.
#
# api (dnsapid.bash) sets status_code, body and headers and reads KEY; zone files hold $ORIGIN.
# shellcheck disable=SC2154,SC2034,SC2016,SC2030,SC2031

load ../helpers
load dnsapid

setup_file() {
    dnsapid_setup_file
    KEY_A=$(new_account alpha free)
    export KEY_A
    KEY=$KEY_A
    new_domain one.test
    new_domain two.test
    put_rrset one.test www A '["192.0.2.1"]'
    put_rrset one.test www TXT '["\"site\""]'
    put_rrset two.test www A '["192.0.2.2"]'
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

@test "a read-only key reads but cannot write (403), and nothing changes" {
    local ro serial
    new_key '{"name":"ro","write":false}'
    ro=$NEW_SECRET
    assert_eq "$(jb .write)" false write
    serial=$(zone_serial one.test)
    KEY=$ro
    api GET /v1/domains
    expect_status 200
    api GET /v1/domains/one.test/rrsets/www/A
    expect_status 200
    api GET /v1/domains/one.test/zone
    expect_status 200
    api PUT /v1/domains/one.test/rrsets/www/A '{"records":["192.0.2.66"]}'
    expect_problem 403 forbidden
    api PATCH /v1/domains/one.test/rrsets/www/A '{"add":["192.0.2.66"]}'
    expect_problem 403 forbidden
    api DELETE /v1/domains/one.test/rrsets/www/A
    expect_problem 403 forbidden
    api PATCH /v1/domains/one.test/rrsets '[{"name":"x","type":"A","records":["192.0.2.66"]}]'
    expect_problem 403 forbidden
    API_CONTENT_TYPE=text/dns api PUT /v1/domains/one.test/zone $'$ORIGIN one.test.\n$TTL 300\nx IN A 192.0.2.66\n'
    expect_problem 403 forbidden
    api POST /v1/domains '{"name":"ro.test"}'
    expect_problem 403 forbidden
    api DELETE /v1/domains/one.test
    expect_problem 403 forbidden
    api POST /v1/keys '{"name":"wider","write":true}'
    expect_problem 403 forbidden
    api GET /v1/keys
    expect_problem 403 forbidden
    KEY=$KEY_A
    assert_eq "$(zone_serial one.test)" "$serial" "serial after the refused writes"
    api GET /v1/domains/one.test/rrsets/www/A
    assert_eq "$(jb '.records | join(",")')" 192.0.2.1 "www A after the refused writes"
    api GET /v1/domains/ro.test
    expect_problem 404 not-found
}

@test "a key created without \"write\" is read-only" {
    local k
    new_key '{"name":"default"}'
    k=$NEW_SECRET
    assert_eq "$(jb .write)" false write
    KEY=$k
    api PUT /v1/domains/one.test/rrsets/default/A '{"records":["192.0.2.66"]}'
    expect_problem 403 forbidden
}

@test "an ACME-only key adds and removes TXT at _acme-challenge names and nothing else" {
    local acme serial
    new_key '{"name":"certbot","write":true,"names":["_acme-challenge.*"],"types":["TXT"]}'
    acme=$NEW_SECRET
    assert_eq "$(jb -c .names)" '["_acme-challenge.*"]' names
    assert_eq "$(jb -c .types)" '["TXT"]' types
    KEY=$acme
    api PATCH /v1/domains/one.test/rrsets/_acme-challenge/TXT '{"ttl":30,"add":["token-apex"]}'
    expect_status 200
    assert_eq "$(jb .rrset.ttl)" 30 "ACME TTL 30"
    api PATCH /v1/domains/one.test/rrsets/_acme-challenge.www/TXT '{"ttl":60,"add":["token-www"]}'
    expect_status 200
    api PATCH /v1/domains/one.test/rrsets/_acme-challenge.www/TXT '{"add":["token-www2"]}'
    expect_status 200
    assert_eq "$(jb '.rrset.records | length')" 2 "both ACME values"
    api PATCH /v1/domains/one.test/rrsets/_acme-challenge.www/TXT '{"remove":["token-www"]}'
    expect_status 200
    api PATCH /v1/domains/one.test/rrsets '[{"name":"_acme-challenge.www","type":"TXT","remove":["token-www2"]}]'
    expect_status 200
    api GET /v1/domains/one.test/rrsets/_acme-challenge.www/TXT
    expect_problem 404 not-found
    api GET /v1/domains/one.test/rrsets/_acme-challenge/TXT
    expect_status 200

    KEY=$KEY_A
    serial=$(zone_serial one.test)
    KEY=$acme
    api PUT /v1/domains/one.test/rrsets/www/A '{"records":["192.0.2.66"]}'
    expect_problem 403 forbidden
    api PATCH /v1/domains/one.test/rrsets/www/TXT '{"add":["\"hijack\""]}'
    expect_problem 403 forbidden
    api PUT /v1/domains/one.test/rrsets/@/TXT '{"records":["\"hijack\""]}'
    expect_problem 403 forbidden
    api PUT /v1/domains/one.test/rrsets/_acme-challenge/A '{"records":["192.0.2.66"]}'
    expect_problem 403 forbidden
    api PUT /v1/domains/one.test/rrsets/_acme-challenge/CNAME '{"records":["evil.example.net."]}'
    expect_problem 403 forbidden
    api DELETE /v1/domains/one.test/rrsets/www/A
    expect_problem 403 forbidden
    # One allowed and one refused item: 403 for the batch, naming the item; nothing applied.
    api PATCH /v1/domains/one.test/rrsets '[{"name":"_acme-challenge","type":"TXT","add":["sneaky-ok"]},{"name":"www","type":"A","records":["192.0.2.66"]}]'
    expect_problem 403 forbidden
    assert_eq "$(jb '.errors[0].item')" 1 "refused item"
    # No reads outside the scope either, and no zone-wide operations.
    api GET /v1/domains/one.test/rrsets/www/A
    expect_problem 403 forbidden
    api GET /v1/domains/one.test/zone
    expect_problem 403 forbidden
    api GET /v1/domains/one.test/rrsets
    expect_status 200
    assert_eq "$(jb '[.items[] | "\(.subname)/\(.type)"] | join(" ")')" "_acme-challenge/TXT" \
        "RRsets the ACME key lists"
    api POST /v1/domains '{"name":"acme-made.test"}'
    expect_problem 403 forbidden
    api DELETE /v1/domains/one.test
    expect_problem 403 forbidden
    api POST /v1/keys '{"name":"escalate","write":true}'
    expect_problem 403 forbidden
    api GET /v1/keys
    expect_problem 403 forbidden

    KEY=$KEY_A
    assert_eq "$(zone_serial one.test)" "$serial" "serial after the refused writes"
    api GET /v1/domains/one.test/rrsets/_acme-challenge/TXT
    assert_eq "$(jb '.records | join(",")')" '"token-apex"' "ACME TXT after the refused batch"
    api GET /v1/domains/one.test/rrsets/www/A
    assert_eq "$(jb '.records | join(",")')" 192.0.2.1
    api GET /v1/domains/acme-made.test
    expect_problem 404 not-found
}

@test "a domain-limited key sees only its domain; the others are 404" {
    local lim serial2
    new_key '{"name":"only-one","write":true,"domains":["one.test"]}'
    lim=$NEW_SECRET
    serial2=$(zone_serial two.test)
    KEY=$lim
    api GET "/v1/domains?limit=1000"
    expect_status 200
    assert_eq "$(jb '[.items[].name] | join(" ")')" one.test "domains listed"
    api GET "/v1/domains?limit=1"
    assert_eq "$(jb '[.items[].name] | join(" ")')" one.test "first page"
    assert_eq "$(jb .next)" null "next after the only visible domain"
    api GET /v1/domains/one.test
    expect_status 200
    api PUT /v1/domains/one.test/rrsets/limited/A '{"records":["192.0.2.10"]}'
    expect_status 200
    api GET /v1/domains/two.test
    expect_problem 404 not-found
    api GET /v1/domains/two.test/rrsets
    expect_problem 404 not-found
    api DELETE /v1/domains/two.test
    expect_problem 403 forbidden
    api POST /v1/domains '{"name":"three.test"}'
    expect_problem 403 forbidden
    KEY=$KEY_A
    assert_eq "$(zone_serial two.test)" "$serial2" "two.test serial"
    api GET /v1/domains/three.test
    expect_problem 404 not-found
}

@test "a domain-limited key gets 404, as for the domain itself, on the RRsets and zone file of other domains" {
    local lim serial2
    new_key '{"name":"only-one-rrsets","write":true,"domains":["one.test"]}'
    lim=$NEW_SECRET
    serial2=$(zone_serial two.test)
    KEY=$lim
    local failures=()
    api GET /v1/domains/two.test/rrsets/www/A
    [[ $status_code == 404 ]] || failures+=("GET rrset: $status_code")
    api PUT /v1/domains/two.test/rrsets/www/A '{"records":["192.0.2.66"]}'
    [[ $status_code == 404 ]] || failures+=("PUT rrset: $status_code")
    api PATCH /v1/domains/two.test/rrsets/www/A '{"add":["192.0.2.66"]}'
    [[ $status_code == 404 ]] || failures+=("PATCH rrset: $status_code")
    api DELETE /v1/domains/two.test/rrsets/www/A
    [[ $status_code == 404 ]] || failures+=("DELETE rrset: $status_code")
    api PATCH /v1/domains/two.test/rrsets '[{"name":"www","type":"A","records":["192.0.2.66"]}]'
    [[ $status_code == 404 ]] || failures+=("PATCH rrsets: $status_code")
    api GET /v1/domains/two.test/zone
    [[ $status_code == 404 ]] || failures+=("GET zone: $status_code")
    API_CONTENT_TYPE=text/dns api PUT /v1/domains/two.test/zone $'$ORIGIN two.test.\n$TTL 300\nx IN A 192.0.2.66\n'
    [[ $status_code == 404 ]] || failures+=("PUT zone: $status_code")
    KEY=$KEY_A
    assert_eq "$(zone_serial two.test)" "$serial2" "two.test serial"
    api GET /v1/domains/two.test/rrsets/www/A
    assert_eq "$(jb '.records | join(",")')" 192.0.2.2
    ((${#failures[@]} == 0)) ||
        fail_with "not 404 (GET /v1/domains/two.test is 404 for this key): ${failures[*]}"
}

@test "a revoked key gets 401 at once; revoking twice is harmless" {
    local k id
    new_key '{"name":"doomed","write":true}'
    k=$NEW_SECRET
    id=$NEW_KEY_ID
    KEY=$k
    api GET /v1/account
    expect_status 200
    KEY=$KEY_A
    api DELETE "/v1/keys/$id"
    expect_status 204
    api GET "/v1/keys/$id"
    expect_status 200
    [[ $(jb .revoked_at) != null ]] || api_fail "revoked_at not set"
    KEY=$k
    api GET /v1/account
    expect_problem 401 unauthorized
    api PUT /v1/domains/one.test/rrsets/doomed/A '{"records":["192.0.2.66"]}'
    expect_problem 401 unauthorized
    KEY=$KEY_A
    api DELETE "/v1/keys/$id"
    expect_status 204
    api DELETE /v1/keys/999999
    expect_problem 404 not-found
}

@test "an expired key gets 401" {
    local k id
    new_key '{"name":"short-lived","write":true,"expires_in":60}'
    k=$NEW_SECRET
    id=$NEW_KEY_ID
    [[ $(jb .expires_at) =~ ^20[0-9]{2}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z$ ]] || api_fail "expires_at"
    KEY=$k
    api GET /v1/account
    expect_status 200
    mariadb_sql "UPDATE api_keys SET expires_at = CURRENT_TIMESTAMP(3) - INTERVAL 1 SECOND WHERE id = $id"
    api GET /v1/account
    expect_problem 401 unauthorized
    KEY=$KEY_A
    # An explicit time: in the future it works, in the past the key never works.
    new_key '{"name":"until-2037","write":true,"expires_at":"2037-12-31T23:59:59Z"}'
    k=$NEW_SECRET
    assert_eq "$(jb .expires_at)" 2037-12-31T23:59:59Z expires_at
    KEY=$k
    api GET /v1/account
    expect_status 200
    KEY=$KEY_A
    api POST /v1/keys '{"name":"already-expired","expires_at":"2020-01-01T00:00:00Z"}'
    if [[ $status_code == 201 ]]; then
        KEY=$(jb .secret)
        api GET /v1/account
        expect_problem 401 unauthorized
    else
        expect_problem 422 validation
    fi
}

@test "an expiry after January 2038 is a valid time and is accepted" {
    new_key '{"name":"until-2099","write":true,"expires_at":"2099-12-31T23:59:59Z"}'
    assert_eq "$(jb .expires_at)" 2099-12-31T23:59:59Z expires_at
    KEY=$NEW_SECRET
    api GET /v1/account
    expect_status 200
}

@test "bad key scopes and expiries are 422 naming the field" {
    local b
    for b in '{"types":["NOPE"]}' '{"domains":["not a domain"]}' '{"names":[""]}' \
        '{"write":"yes"}' '{"types":"TXT"}' '{"expires_in":10}' '{"expires_in":-5}' \
        '{"expires_at":"tomorrow"}' '{"expires_at":"2027-02-30T00:00:00Z"}' \
        '{"expires_at":"2099-01-01T00:00:00Z","expires_in":600}' '{"colour":"red"}'; do
        api POST /v1/keys "$b"
        expect_problem 422 validation
        [[ -n $(jb '.errors[0].field // empty') ]] || api_fail "no field named for $b"
    done
    api GET /v1/keys
    assert_eq "$(jb '[.items[] | select(.name == "")] | length')" 0 "keys created by refused requests"
}

@test "last_used_at is set once a key is used" {
    local k id i
    new_key '{"name":"usage","write":false}'
    k=$NEW_SECRET
    id=$NEW_KEY_ID
    assert_eq "$(jb .last_used_at)" null "last_used_at of a new key"
    KEY=$k
    api GET /v1/domains
    expect_status 200
    KEY=$KEY_A
    for i in {1..40}; do
        api GET "/v1/keys/$id"
        [[ $(jb .last_used_at) != null ]] && break
        sleep 0.1
    done
    [[ $(jb .last_used_at) =~ ^20[0-9]{2}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z$ ]] ||
        api_fail "last_used_at not set within 4 s (usage flush is 100 ms)"
}

@test "an expiry in the past and a name pattern that matches no full name are 422" {
    api POST /v1/keys '{"expires_at":"2020-01-01T00:00:00Z"}'
    expect_problem 422 validation
    assert_eq "$(jb '.errors[0].field')" expires_at field
    api POST /v1/keys '{"names":["www"]}'
    expect_problem 422 validation
    assert_eq "$(jb '.errors[0].field')" 'names[0]' field
}
