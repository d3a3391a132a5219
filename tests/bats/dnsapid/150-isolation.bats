#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# dnsapid account isolation: account A's keys against account B's domain on every route are 404, and B's data stays unchanged.
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
    KEY=$KEY_B
    new_domain bravo.test
    api PATCH /v1/domains/bravo.test/rrsets '[
        {"name":"www","type":"A","records":["192.0.2.1"]},
        {"name":"_acme-challenge","type":"TXT","ttl":60,"records":["\"b-token\""]},
        {"name":"@","type":"MX","records":["10 mail.bravo.test."]}]'
    expect_status 200
    KEY=$KEY_A
    new_domain alpha.test
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

# b_state: everything of bravo.test that a write would change: serial, export, journal length.
b_state() {
    local KEY=$KEY_B
    api GET /v1/domains/bravo.test/zone
    expect_status 200 || return 1
    printf '%s\n' "$body"
    mariadb_sql "SELECT COUNT(*), MAX(serial_to) FROM changes WHERE zone = 'bravo.test'"
}

# every_route ZONE: calls every domain route on ZONE with $KEY; prints "METHOD PATH STATUS
# TYPE-SLUG" per call.
every_route() {
    local z=$1 zf=$'$ORIGIN '"$1"$'.\n$TTL 300\nwww IN A 192.0.2.66\n'
    local -a calls=(
        "GET /v1/domains/$z"
        "DELETE /v1/domains/$z"
        "GET /v1/domains/$z/rrsets"
        "GET /v1/domains/$z/rrsets?name=www&type=A"
        "PATCH /v1/domains/$z/rrsets"
        "GET /v1/domains/$z/rrsets/www/A"
        "PUT /v1/domains/$z/rrsets/www/A"
        "PATCH /v1/domains/$z/rrsets/www/A"
        "DELETE /v1/domains/$z/rrsets/www/A"
        "GET /v1/domains/$z/rrsets/@/SOA"
        "GET /v1/domains/$z/rrsets/_acme-challenge/TXT"
        "PATCH /v1/domains/$z/rrsets/_acme-challenge/TXT"
        "DELETE /v1/domains/$z/rrsets/_acme-challenge/TXT"
        "GET /v1/domains/$z/zone"
        "PUT /v1/domains/$z/zone?dry_run=1"
        "PUT /v1/domains/$z/zone"
    )
    local c method path data
    for c in "${calls[@]}"; do
        method=${c%% *}
        path=${c#* }
        data=""
        case $c in
        "PATCH /v1/domains/$z/rrsets") data='[{"name":"www","type":"A","records":["192.0.2.66"]}]' ;;
        "PUT /v1/domains/$z/rrsets/www/A") data='{"records":["192.0.2.66"]}' ;;
        "PATCH /v1/domains/$z/rrsets/www/A") data='{"add":["192.0.2.66"]}' ;;
        "PATCH /v1/domains/$z/rrsets/_acme-challenge/TXT") data='{"add":["a-token"]}' ;;
        PUT*/zone*) data=$zf ;;
        esac
        if [[ $path == */zone* ]]; then
            API_CONTENT_TYPE=text/dns api "$method" "$path" "$data"
        else
            api "$method" "$path" "$data"
        fi
        printf '%s %s %s %s\n' "$method" "$path" "$status_code" "$(jq -r '.type // "-"' <<<"$body" 2>/dev/null | sed 's|.*/||')"
    done
}

@test "account A's full key gets 404 not-found on every route of B's domain; B's data is unchanged" {
    local before after out
    before=$(b_state)
    out=$(every_route bravo.test)
    after=$(b_state)
    local bad
    bad=$(grep -v ' 404 not-found$' <<<"$out") || true
    [[ -z $bad ]] || fail_with "routes not answering 404 not-found:"$'\n'"$bad"
    assert_eq "$(wc -l <<<"$out")" 16 "routes tried"
    assert_eq "$after" "$before" "B's zone and journal"
}

@test "the 404s for B's domain are the same as for a domain that does not exist" {
    local mine none
    mine=$(every_route bravo.test | sed 's/bravo\.test/ZONE/g')
    none=$(every_route nosuchzone.test | sed 's/nosuchzone\.test/ZONE/g')
    assert_eq "$mine" "$none" "answers for B's domain and for no domain"
    # The bodies too, apart from the name.
    api GET /v1/domains/bravo.test/rrsets/www/A
    local b1=${body//bravo.test/ZONE}
    api GET /v1/domains/nosuchzone.test/rrsets/www/A
    assert_eq "${body//nosuchzone.test/ZONE}" "$b1" "404 bodies"
}

@test "account A's scoped keys (read-only, ACME, domain-limited) get 404 on B's domain too" {
    local ro acme lim before after out bad
    new_key '{"name":"ro","write":false}'
    ro=$NEW_SECRET
    new_key '{"name":"acme","write":true,"names":["_acme-challenge.*"],"types":["TXT"]}'
    acme=$NEW_SECRET
    new_key '{"name":"lim","write":true,"domains":["bravo.test"]}'
    lim=$NEW_SECRET
    before=$(b_state)
    KEY=$ro
    for c in "GET /v1/domains/bravo.test" "GET /v1/domains/bravo.test/rrsets" \
        "GET /v1/domains/bravo.test/rrsets/www/A" "GET /v1/domains/bravo.test/zone"; do
        api "${c%% *}" "${c#* }"
        expect_problem 404 not-found
    done
    KEY=$acme
    api GET /v1/domains/bravo.test/rrsets/_acme-challenge/TXT
    expect_problem 404 not-found
    api PATCH /v1/domains/bravo.test/rrsets/_acme-challenge/TXT '{"add":["stolen"]}'
    expect_problem 404 not-found
    api PATCH /v1/domains/bravo.test/rrsets/_acme-challenge/TXT '{"remove":["\"b-token\""]}'
    expect_problem 404 not-found
    api GET /v1/domains/bravo.test/rrsets
    expect_problem 404 not-found
    # A key of A's limited to B's domain by name still reaches nothing of B's.
    KEY=$lim
    out=$(every_route bravo.test)
    bad=$(grep -v ' 404 not-found$' <<<"$out" | grep -v '^DELETE /v1/domains/bravo.test 403 forbidden$') || true
    [[ -z $bad ]] || fail_with "routes not answering 404:"$'\n'"$bad"
    api GET /v1/domains
    assert_eq "$(jb '.items | length')" 0 "domains listed for a key limited to B's domain"
    after=$(b_state)
    assert_eq "$after" "$before" "B's zone and journal"
}

@test "A's domain list never shows B's domains" {
    api GET "/v1/domains?limit=1000"
    expect_status 200
    assert_eq "$(jb '[.items[].name] | join(" ")')" alpha.test "A's domains"
    KEY=$KEY_B
    api GET "/v1/domains?limit=1000"
    assert_eq "$(jb '[.items[].name] | join(" ")')" bravo.test "B's domains"
}

@test "A cannot see, read or revoke B's keys (404); B's key keeps working" {
    local bid
    KEY=$KEY_B
    api GET /v1/keys
    bid=$(jb '.items[0].id')
    KEY=$KEY_A
    api GET "/v1/keys/$bid"
    expect_problem 404 not-found
    api DELETE "/v1/keys/$bid"
    expect_problem 404 not-found
    api GET /v1/keys
    assert_eq "$(jb "[.items[].id | select(. == $bid)] | length")" 0 "B's key in A's list"
    KEY=$KEY_B
    api GET /v1/account
    expect_status 200
    api GET "/v1/keys/$bid"
    assert_eq "$(jb .revoked_at)" null "B's key revoked_at"
    # Nor can A reach B's account through the admin routes.
    KEY=$KEY_A
    api GET /v1/accounts/2
    expect_problem 403 forbidden
}

@test "A's own routes still work (the 404s above are not a broken key)" {
    api GET /v1/domains/alpha.test
    expect_status 200
    api PUT /v1/domains/alpha.test/rrsets/www/A '{"records":["192.0.2.10"]}'
    expect_status 200
    api GET /v1/domains/alpha.test/zone
    expect_status 200
}

@test "a domain inside or above another account's domain is refused (409); inside one's own is a delegation" {
    KEY=$KEY_A new_domain nest-a.test
    KEY=$KEY_B api POST /v1/domains '{"name":"www.nest-a.test"}'
    expect_problem 409 exists
    KEY=$KEY_A new_domain deep.sub.nest-b.test
    KEY=$KEY_B api POST /v1/domains '{"name":"nest-b.test"}'
    expect_problem 409 exists
    KEY=$KEY_A new_domain sub.nest-a.test
}
