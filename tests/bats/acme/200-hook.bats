#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# contrib/certbot-hook against a real dnsapid and two edges, without an ACME server: lego's
# exec calls, certbot's auth/cleanup detection, the zone chosen by longest suffix, TTLs,
# refusals with the API's words and exit codes, and an edge that is down.

load ../helpers
load ../dnsapid/dnsapid
load ../fanout/fanout

HOOK="$SRC/contrib/certbot-hook"
ZONE=hook.example

setup_file() {
    require_cmd dig
    dnsapid_setup_file || return 1
    edges_start 2 || return 1
    KEY=$(new_account hooks free) || return 1
    printf '%s\n' "$KEY" >"$BATS_FILE_TMPDIR/key"
    new_domain "$ZONE" || return 1
    new_domain "sub.$ZONE" || return 1
    new_domain elsewhere.example || return 1
    new_key "{\"write\":true,\"domains\":[\"$ZONE\",\"sub.$ZONE\"],\"names\":[\"_acme-challenge.*\"],\"types\":[\"TXT\"]}" ||
        return 1
    printf '%s\n' "$NEW_SECRET" >"$BATS_FILE_TMPDIR/acme.key"
    new_key "{\"domains\":[\"$ZONE\"]}" || return 1
    printf '%s\n' "$NEW_SECRET" >"$BATS_FILE_TMPDIR/readonly.key"
    new_key "{\"write\":true,\"domains\":[\"$ZONE\"],\"names\":[\"www.*\"]}" || return 1
    printf '%s\n' "$NEW_SECRET" >"$BATS_FILE_TMPDIR/www.key"
}

teardown_file() {
    fanout_teardown_file
}

setup() {
    fanout_setup
    unset ENDPOINTDNS_API_KEY ENDPOINTDNS_WAIT ENDPOINTDNS_ACME_TTL CERTBOT_DOMAIN \
        CERTBOT_VALIDATION CERTBOT_AUTH_OUTPUT
    export ENDPOINTDNS_API_URL=$DNSAPID_URL
    export ENDPOINTDNS_API_KEY_FILE=$BATS_FILE_TMPDIR/acme.key
}

teardown() {
    dnsapid_teardown
}

# txt ZONE OWNER: the RRset's records as the API has them (sorted, one line), or "none".
txt() {
    api GET "/v1/domains/$1/rrsets/$2/TXT"
    if [[ $status_code == 404 ]]; then
        echo none
        return 0
    fi
    expect_status 200 || return 1
    jb -c '.records | sort'
}

@test "lego exec: present adds the value and returns once both edges answer it; cleanup removes it" {
    run -0 "$HOOK" present "_acme-challenge.$ZONE." tokenAAA 120
    assert_contains "$output" "certbot-hook: _acme-challenge.$ZONE. TXT \"tokenAAA\" added in $ZONE (change"
    assert_contains "$output" "on every name server)"
    # No polling: the hook waited for insync, so both edges answer right now.
    assert_eq "$(edge_dig 1 "_acme-challenge.$ZONE" TXT)" '"tokenAAA"' "ns1"
    assert_eq "$(edge_dig 2 "_acme-challenge.$ZONE" TXT)" '"tokenAAA"' "ns2"
    api GET "/v1/domains/$ZONE/rrsets/_acme-challenge/TXT"
    assert_eq "$(jb .ttl)" 60 ttl
    run -0 "$HOOK" cleanup "_acme-challenge.$ZONE." tokenAAA 120
    assert_empty "$output"
    assert_eq "$(txt "$ZONE" _acme-challenge)" none
    wait_edges "_acme-challenge.$ZONE" TXT "" 10
}

@test "a key file ending in CR LF (written on Windows) works" {
    printf '%s\r\n' "$(<"$BATS_FILE_TMPDIR/acme.key")" >crlf.key
    ENDPOINTDNS_API_KEY_FILE=$BATS_TEST_TMPDIR/crlf.key run -0 "$HOOK" present "_acme-challenge.$ZONE." crlf
    ENDPOINTDNS_API_KEY_FILE=$BATS_TEST_TMPDIR/crlf.key run -0 "$HOOK" cleanup "_acme-challenge.$ZONE." crlf
    assert_eq "$(txt "$ZONE" _acme-challenge)" none
}

@test "two values share the name; cleanup removes only its own" {
    run -0 "$HOOK" present "_acme-challenge.$ZONE." valueOne
    run -0 "$HOOK" present "_acme-challenge.$ZONE." valueTwo
    assert_eq "$(txt "$ZONE" _acme-challenge)" '["\"valueOne\"","\"valueTwo\""]'
    run -0 "$HOOK" cleanup "_acme-challenge.$ZONE." valueOne
    assert_eq "$(txt "$ZONE" _acme-challenge)" '["\"valueTwo\""]'
    # The same value again changes nothing, and says so.
    run -0 "$HOOK" present "_acme-challenge.$ZONE." valueTwo
    assert_contains "$output" "(change none, it was there already)"
    run -0 "$HOOK" cleanup "_acme-challenge.$ZONE." valueTwo
    assert_eq "$(txt "$ZONE" _acme-challenge)" none
}

@test "certbot mode: auth without CERTBOT_AUTH_OUTPUT, cleanup with this value's, auth again with a stale one" {
    export CERTBOT_DOMAIN=www.$ZONE CERTBOT_VALIDATION=certbotV1
    run -0 "$HOOK"
    assert_eq "$(txt "$ZONE" _acme-challenge.www)" '["\"certbotV1\""]'
    # certbot's cleanup: CERTBOT_AUTH_OUTPUT is what the auth hook printed.
    CERTBOT_AUTH_OUTPUT=$output run -0 "$HOOK"
    assert_eq "$(txt "$ZONE" _acme-challenge.www)" none
    # The next certificate of one `certbot renew`: the previous value's output is still set.
    local stale="certbot-hook: _acme-challenge.www.$ZONE. TXT \"certbotV1\" added in $ZONE (change 9, on every name server)"
    CERTBOT_VALIDATION=certbotV2 CERTBOT_AUTH_OUTPUT=$stale run -0 "$HOOK"
    assert_eq "$(txt "$ZONE" _acme-challenge.www)" '["\"certbotV2\""]'
    # An explicit mode wins over the detection; a wildcard's domain comes without "*.".
    CERTBOT_VALIDATION=certbotV2 run -0 "$HOOK" cleanup
    CERTBOT_DOMAIN="*.www.$ZONE" CERTBOT_VALIDATION=certbotV3 run -0 "$HOOK" auth
    assert_eq "$(txt "$ZONE" _acme-challenge.www)" '["\"certbotV3\""]'
    CERTBOT_VALIDATION=certbotV3 CERTBOT_AUTH_OUTPUT='' run -0 "$HOOK"
    assert_eq "$(txt "$ZONE" _acme-challenge.www)" none
}

@test "the zone is the key's longest matching domain; TTL from ENDPOINTDNS_ACME_TTL" {
    ENDPOINTDNS_ACME_TTL=30 run -0 "$HOOK" present "_acme-challenge.a.sub.$ZONE." nested
    assert_contains "$output" "added in sub.$ZONE"
    api GET "/v1/domains/sub.$ZONE/rrsets/_acme-challenge.a/TXT"
    expect_status 200
    assert_eq "$(jb .ttl)" 30 ttl
    assert_eq "$(txt "$ZONE" _acme-challenge.a.sub)" none "in the parent zone"
    run -0 "$HOOK" cleanup "_acme-challenge.a.sub.$ZONE." nested
}

@test "a TTL below the zone's floor is refused with the API's words; 76" {
    ENDPOINTDNS_ACME_TTL=5 run -76 "$HOOK" present "_acme-challenge.$ZONE." lowttl
    assert_contains "$output" "certbot-hook: adding TXT \"lowttl\" at _acme-challenge.$ZONE: HTTP 422:"
    assert_contains "$output" "at least"
}

@test "a name in none of the key's domains is 66, naming the domains the key sees" {
    run -66 "$HOOK" present _acme-challenge.elsewhere.example. abc
    assert_contains "$output" "certbot-hook: no domain of this key holds _acme-challenge.elsewhere.example (the key sees: $ZONE sub.$ZONE"
}

@test "a wrong key, a read-only key, a key for other names: 77 with the API's reason" {
    ENDPOINTDNS_API_KEY=edk_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa run -77 "$HOOK" present "_acme-challenge.$ZONE." abc
    assert_contains "$output" "certbot-hook: listing the key's domains: the API key was refused (HTTP 401)"
    ENDPOINTDNS_API_KEY_FILE=$BATS_FILE_TMPDIR/readonly.key run -77 "$HOOK" present "_acme-challenge.$ZONE." abc
    assert_contains "$output" "not allowed (HTTP 403): this key is read-only"
    ENDPOINTDNS_API_KEY_FILE=$BATS_FILE_TMPDIR/www.key run -77 "$HOOK" present "_acme-challenge.$ZONE." abc
    assert_contains "$output" "this key may not change _acme-challenge.$ZONE TXT"
    assert_eq "$(txt "$ZONE" _acme-challenge)" none
}

@test "an edge that is down: the hook gives up after ENDPOINTDNS_WAIT naming it (75); 0 does not wait" {
    edge_stop 2
    ENDPOINTDNS_WAIT=1 run -75 "$HOOK" present "_acme-challenge.$ZONE." downEdge
    assert_contains "$output" "is not on every name server after 1 s; lacking: ns2"
    ENDPOINTDNS_WAIT=0 run -0 "$HOOK" present "_acme-challenge.$ZONE." noWait
    assert_contains "$output" "not waited for"
    edge_start_again 2
    # Caught up once back; the wait then succeeds.
    run -0 "$HOOK" present "_acme-challenge.$ZONE." afterBack
    assert_contains "$output" "on every name server"
    assert_eq "$(edge_dig 2 "_acme-challenge.$ZONE" TXT | tr '\n' ' ')" '"afterBack" "downEdge" "noWait" '
    local v
    for v in downEdge noWait afterBack; do
        run -0 "$HOOK" cleanup "_acme-challenge.$ZONE." "$v"
    done
}

@test "docs/clients.md: the curl recipe (add, wait, remove) works as written" {
    # The recipe's commands, with this test's API, key and zone (docs/clients.md "The recipe").
    local API=$DNSAPID_URL KEY VALUE=recipeValue id
    KEY=$(<"$ENDPOINTDNS_API_KEY_FILE")
    id=$(curl -sf -X PATCH "$API/v1/domains/hook.example/rrsets/_acme-challenge/TXT" \
        -H "Authorization: Bearer $KEY" -d "{\"ttl\":60,\"add\":[\"\\\"$VALUE\\\"\"]}" | jq .change.id)
    [[ $id =~ ^[0-9]+$ ]] || fail_with "no change id: '$id'"
    run -0 bash -c "curl -sf '$API/v1/changes/$id?wait=60' -H 'Authorization: Bearer $KEY' | jq -e '.status == \"insync\"'"
    assert_eq "$(edge_dig 2 "_acme-challenge.$ZONE" TXT)" '"recipeValue"' ns2
    run -0 curl -sf -X PATCH "$API/v1/domains/hook.example/rrsets/_acme-challenge/TXT" \
        -H "Authorization: Bearer $KEY" -d "{\"remove\":[\"\\\"$VALUE\\\"\"]}"
    assert_eq "$(txt "$ZONE" _acme-challenge)" none
}
