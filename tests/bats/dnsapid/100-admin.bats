#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# dnsapid admin API: plans and accounts, keys shown once and stored hashed, admin/account separation, 401, health, metrics.
#
# api (dnsapid.bash) sets status_code, body and headers and reads KEY; zone files hold $ORIGIN.
# shellcheck disable=SC2154,SC2034,SC2016,SC2030,SC2031

load ../helpers
load dnsapid

setup_file() {
    dnsapid_setup_file
}

teardown_file() {
    dnsapid_teardown_file
}

setup() {
    dnsapid_setup
}

teardown() {
    dnsapid_teardown
}

@test "plans: create (201), list, get, patch; duplicate 409, unknown 404" {
    KEY=$ADMIN_KEY
    api POST /v1/plans '{"name":"starter","max_domains":3,"max_records_per_domain":100,"max_calls_per_day":1000,"rate_per_second":5,"rate_burst":10}'
    expect_status 201
    assert_eq "$(jb .name)" starter name
    assert_eq "$(jb .max_domains)" 3 max_domains
    assert_eq "$(jb .max_records_per_domain)" 100 max_records_per_domain
    assert_eq "$(jb .max_calls_per_day)" 1000 max_calls_per_day
    assert_eq "$(jb .max_calls_per_month)" 0 "max_calls_per_month (unset: unlimited)"
    assert_eq "$(jb .rate_per_second)" 5 rate_per_second
    assert_eq "$(jb .rate_burst)" 10 rate_burst

    api GET /v1/plans
    expect_status 200
    assert_eq "$(jb '[.items[].name] | join(",")')" "free,starter" "plans listed by name"

    api GET /v1/plans/starter
    expect_status 200
    assert_eq "$(jb .max_domains)" 3

    api PATCH /v1/plans/starter '{"max_domains":5,"rate_per_second":0}'
    expect_status 200
    assert_eq "$(jb .max_domains)" 5 "patched max_domains"
    assert_eq "$(jb .rate_per_second)" 0 "patched rate_per_second"
    assert_eq "$(jb .max_records_per_domain)" 100 "untouched max_records_per_domain"
    api GET /v1/plans/starter
    assert_eq "$(jb .max_domains)" 5 "max_domains after the patch"

    api POST /v1/plans '{"name":"starter"}'
    expect_problem 409 exists
    api GET /v1/plans/nosuch
    expect_problem 404 not-found
    api PATCH /v1/plans/nosuch '{"max_domains":1}'
    expect_problem 404 not-found
}

@test "plans: bad limits, names and fields are 422 naming the field" {
    KEY=$ADMIN_KEY
    api POST /v1/plans '{"name":"neg","max_domains":-1}'
    expect_problem 422 validation
    assert_eq "$(jb '.errors[0].field')" max_domains
    api POST /v1/plans '{"name":"str","max_domains":"3"}'
    expect_problem 422 validation
    api POST /v1/plans '{"name":"frac","rate_per_second":1.5}'
    expect_problem 422 validation
    api POST /v1/plans '{"max_domains":1}'
    expect_problem 422 validation
    assert_eq "$(jb '.errors[0].field')" name
    api POST /v1/plans '{"name":"has space"}'
    expect_problem 422 validation
    api POST /v1/plans '{"name":"x","colour":"blue"}'
    expect_problem 422 validation
    assert_eq "$(jb '.errors[0].field')" colour
    api PATCH /v1/plans/free '{"name":"renamed"}'
    expect_problem 422 validation
    api GET /v1/plans/neg
    expect_problem 404 not-found
}

@test "accounts: create returns an edk_ key once; listings never show secrets; the key is stored hashed" {
    KEY=$ADMIN_KEY
    api POST /v1/accounts '{"name":"alice","plan":"free","email":"alice@example.com"}'
    expect_status 201
    local id secret prefix
    id=$(jb .id)
    secret=$(jb .key.secret)
    prefix=$(jb .key.prefix)
    [[ $id =~ ^[0-9]+$ ]] || api_fail "no account id"
    assert_eq "$(header Location)" "/v1/accounts/$id" Location
    assert_eq "$(jb .name)" alice name
    assert_eq "$(jb .plan)" free plan
    assert_eq "$(jb .email)" alice@example.com email
    assert_eq "$(jb .disabled)" false disabled
    [[ $secret =~ ^edk_[a-z2-7]{42}$ ]] || api_fail "secret '$secret' is not edk_ and 42 base32 characters"
    [[ $secret == "$prefix"* ]] || api_fail "prefix $prefix does not start the secret"
    assert_eq "$(jb .key.write)" true "first key writes"

    # The admin view of the account has no key, let alone a secret.
    api GET "/v1/accounts/$id"
    expect_status 200
    refute_contains "$body" "$secret"
    refute_contains "$body" secret
    assert_eq "$(jb .name)" alice
    api GET /v1/accounts
    expect_status 200
    refute_contains "$body" "$secret"
    assert_eq "$(jb '[.items[] | select(.name == "alice")] | length')" 1 "alice listed once"

    # The account's own key listing shows the prefix, never the secret.
    KEY=$secret
    api POST /v1/keys '{"name":"second"}'
    expect_status 201
    local second
    second=$(jb .secret)
    [[ $second == edk_* && $second != "$secret" ]] || api_fail "second key secret"
    api GET /v1/keys
    expect_status 200
    refute_contains "$body" "$secret"
    refute_contains "$body" "$second"
    assert_eq "$(jb '[.items[] | has("secret")] | any')" false "a listed key has a secret member"
    assert_eq "$(jb '[.items[].prefix] | join(",")')" "$prefix,${second:0:14}" "prefixes listed"
    api GET "/v1/keys/$(jb '.items[1].id')"
    expect_status 200
    refute_contains "$body" "$second"

    # Stored: SHA-256 of the secret, never the secret itself.
    local want
    want=$(printf '%s' "$secret" | sha256sum | cut -d' ' -f1)
    run -0 mariadb_sql "SELECT LOWER(HEX(hash)) FROM api_keys WHERE prefix = '$prefix'"
    assert_eq "$output" "$want" "stored hash"
    run -0 mariadb_sql "SELECT COUNT(*) FROM api_keys WHERE CONCAT(prefix, name, scope) LIKE '%${secret:14}%'"
    assert_eq "$output" 0 "rows holding the secret"
}

@test "accounts: unknown plan 422, duplicate name 409, bad fields 422" {
    KEY=$ADMIN_KEY
    api POST /v1/accounts '{"name":"bob","plan":"gold"}'
    expect_problem 422 validation
    assert_eq "$(jb '.errors[0].field')" plan
    api POST /v1/accounts '{"name":"bob","plan":"free"}'
    expect_status 201
    api POST /v1/accounts '{"name":"bob","plan":"free"}'
    expect_problem 409 exists
    api POST /v1/accounts '{"plan":"free"}'
    expect_problem 422 validation
    assert_eq "$(jb '.errors[0].field')" name
    api POST /v1/accounts '{"name":"carol","plan":"free","admin":true}'
    expect_problem 422 validation
    assert_eq "$(jb '.errors[0].field')" admin
    api GET /v1/accounts/999999
    expect_problem 404 not-found
    api GET /v1/accounts/abc
    expect_problem 404 not-found
}

@test "accounts: get and patch (plan, email, disabled); a disabled account's key gets 401" {
    new_plan pro '{"max_domains":50}' >/dev/null
    local secret id
    secret=$(new_account dave free)
    KEY=$ADMIN_KEY
    api GET /v1/accounts
    id=$(jb '.items[] | select(.name == "dave") | .id')
    api PATCH "/v1/accounts/$id" '{"plan":"pro","email":"dave@example.net"}'
    expect_status 200
    assert_eq "$(jb .plan)" pro plan
    assert_eq "$(jb .email)" dave@example.net email
    api GET "/v1/accounts/$id"
    assert_eq "$(jb .plan)" pro "plan after the patch"

    KEY=$secret
    api GET /v1/account
    expect_status 200
    assert_eq "$(jb .plan.plan)" pro "the account sees its new plan"
    assert_eq "$(jb .plan.max_domains)" 50 "the new plan's limit"
    # The admin sees the account's usage against its plan as the account does.
    new_domain dave.test
    new_domain dave2.test
    put_rrset dave2.test www A '["192.0.2.1","192.0.2.2"]'
    as_admin api GET "/v1/accounts/$id"
    expect_status 200
    assert_eq "$(jb .usage.domains)" 2 "usage: domains"
    assert_eq "$(jb .usage.largest_domain)" dave2.test "usage: the largest domain"
    assert_eq "$(jb '.usage.limits[] | select(.limit == "domains") | "\(.used)/\(.limit_value)"')" 2/50 "usage: the domains limit"
    [[ $(jb .usage.calls_today) -ge 3 ]] || api_fail "usage: calls today"
    api GET /v1/account
    assert_eq "$(jb .usage.domains)" 2 "the account's own view"

    as_admin api PATCH "/v1/accounts/$id" '{"disabled":true}'
    expect_status 200
    assert_eq "$(jb .disabled)" true
    api GET /v1/account
    expect_problem 401 unauthorized
    as_admin api PATCH "/v1/accounts/$id" '{"disabled":false}'
    expect_status 200
    api GET /v1/account
    expect_status 200

    as_admin api PATCH "/v1/accounts/$id" '{"disabled":"yes"}'
    expect_problem 422 validation
    as_admin api PATCH "/v1/accounts/$id" '{"plan":"nosuch"}'
    expect_problem 422 validation
    as_admin api PATCH "/v1/accounts/$id" '{"name":"renamed"}'
    expect_problem 422 validation
    as_admin api PATCH /v1/accounts/999999 '{"email":"x@example.com"}'
    expect_problem 404 not-found
}

@test "accounts list pages with limit, next and a Link header" {
    local i
    for i in 1 2 3; do new_account "page$i" free >/dev/null; done
    KEY=$ADMIN_KEY
    local seen=() cursor="" n=0
    while :; do
        api GET "/v1/accounts?limit=2${cursor:+&cursor=$cursor}"
        expect_status 200
        (($(jb '.items | length') <= 2)) || api_fail "more than 2 items"
        mapfile -t -O "${#seen[@]}" seen < <(jb '.items[].name')
        cursor=$(jb '.next // empty')
        if [[ -n $cursor ]]; then
            assert_contains "$(header Link)" 'rel="next"'
            assert_contains "$(header Link)" "cursor=$cursor"
        else
            [[ -z $(header Link) ]] || api_fail "Link on the last page"
        fi
        [[ -n $cursor ]] || break
        ((++n < 20)) || api_fail "pagination does not end"
    done
    api GET "/v1/accounts?limit=1000"
    local all
    all=$(jb '[.items[].name] | join(",")')
    assert_eq "$(IFS=,; echo "${seen[*]}")" "$all" "pages joined"
    api GET "/v1/accounts?limit=0"
    expect_problem 422 validation
    api GET "/v1/accounts?limit=abc"
    expect_problem 422 validation
}

@test "the admin key cannot use account routes (403), account keys cannot use admin routes (403)" {
    local secret
    secret=$(new_account erin free)
    KEY=$ADMIN_KEY
    local p
    for p in /v1/account /v1/keys /v1/domains /v1/domains/example.test /v1/domains/example.test/rrsets; do
        api GET "$p"
        expect_problem 403 forbidden
    done
    api POST /v1/domains '{"name":"admin.test"}'
    expect_problem 403 forbidden

    KEY=$secret
    for p in /v1/plans /v1/plans/free /v1/accounts /v1/accounts/1; do
        api GET "$p"
        expect_problem 403 forbidden
    done
    api POST /v1/plans '{"name":"selfmade"}'
    expect_problem 403 forbidden
    api POST /v1/accounts '{"name":"sock","plan":"free"}'
    expect_problem 403 forbidden
    api PATCH /v1/plans/free '{"max_domains":1}'
    expect_problem 403 forbidden
    as_admin api GET /v1/plans/selfmade
    expect_problem 404 not-found
    as_admin api GET /v1/plans/free
    assert_eq "$(jb .max_domains)" 0 "free plan untouched"
}

@test "401 without a key, with a bad key, with another scheme; WWW-Authenticate is sent" {
    local secret
    secret=$(new_account frank free)
    local k wrong=x
    # The secret with its last character changed (to one it does not already end in).
    [[ $secret == *x ]] && wrong=y
    for k in "" "edk_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" "not-a-key" "${secret%?}$wrong" "$ADMIN_KEY-x"; do
        KEY=$k
        api GET /v1/account
        expect_problem 401 unauthorized
        assert_contains "$(header WWW-Authenticate)" Bearer
    done
    KEY=
    api GET /v1/account "" -H "Authorization: Basic $(printf 'frank:%s' "$secret" | base64 -w0)"
    expect_problem 401 unauthorized
    api GET /v1/plans
    expect_problem 401 unauthorized
    # The right key in a lowercase scheme name works (RFC 9110: the scheme is case-insensitive).
    api GET /v1/account "" -H "Authorization: bearer $secret"
    expect_status 200
}

@test "GET /v1/health answers 200 without a key" {
    KEY=
    api GET /v1/health
    expect_status 200
    assert_eq "$(jb .status)" ok
    assert_eq "$(header Content-Type)" application/json Content-Type
}

@test "GET /metrics counts requests by route and status, with a latency histogram" {
    local secret
    secret=$(new_account gina free)
    KEY=$secret
    metric() { # the value of one requests_total series, 0 when absent
        api GET /metrics
        grep -F "dnsapid_requests_total{route=\"$1\",status=\"$2\"} " <<<"$body" |
            awk '{ print $2 }' | grep . || echo 0
    }
    local a0 f0 u0
    a0=$(metric /v1/account 200)
    f0=$(metric /v1/plans 403)
    api GET /v1/account
    api GET /v1/account
    api GET /v1/plans
    KEY=
    api GET /v1/account
    api GET /metrics
    expect_status 200
    assert_contains "$(header Content-Type)" text/plain
    assert_eq "$(metric /v1/account 200)" $((a0 + 2)) "requests_total{/v1/account,200}"
    assert_eq "$(metric /v1/plans 403)" $((f0 + 1)) "requests_total{/v1/plans,403}"
    u0=$(grep -c 'status="401"' <<<"$body") || true
    ((u0 >= 1)) || api_fail "no 401 counted"
    assert_contains "$body" "# TYPE dnsapid_requests_total counter"
    assert_contains "$body" "# TYPE dnsapid_request_duration_seconds histogram"
    assert_line_matches "$body" '^dnsapid_request_duration_seconds_bucket\{route="/v1/account",le="\+Inf"\} [0-9]+$'
    assert_line_matches "$body" '^dnsapid_request_duration_seconds_count\{route="/v1/account"\} [0-9]+$'
}

@test "the admin issues a key for an account (an account that revoked its last key recovers)" {
    new_plan issue-plan >/dev/null
    local secret id
    secret=$(new_account issue-acct issue-plan)
    KEY=$secret api GET /v1/account
    expect_status 200
    id=$(jb .id)
    KEY=$secret api DELETE "/v1/keys/$(jb .key.id)"
    expect_status 204
    KEY=$secret api GET /v1/account
    expect_problem 401 unauthorized
    as_admin api POST "/v1/accounts/$id/keys" '{"name":"recovery","write":true}'
    expect_status 201
    [[ $(jb .secret) == edk_* ]] || api_fail "no secret in the answer"
    KEY=$(jb .secret) api GET /v1/account
    expect_status 200
    assert_eq "$(jb .id)" "$id" "account of the issued key"
    as_admin api POST /v1/accounts/999999/keys '{}'
    expect_problem 404 not-found
    KEY=$secret api POST "/v1/accounts/$id/keys" '{}'
    expect_problem 401 unauthorized
}

@test "an account name of digits only is 422 (tools read it as an id)" {
    new_plan digits-plan >/dev/null
    as_admin api POST /v1/accounts '{"name":"42","plan":"digits-plan"}'
    expect_problem 422 validation
    assert_eq "$(jb '.errors[0].field')" name field
}
