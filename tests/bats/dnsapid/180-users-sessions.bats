#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# dnsapid users and sessions: sign-up, login, failed-login limits, sessions as account keys, logout, expiry, admin users, and the edge sync trigger.
#
# api (dnsapid.bash) sets status_code, body and headers and reads KEY. Logins go through a
# trusted proxy (127.0.0.1 is in sessions.trusted_proxies), so each test counts its failed
# logins against its own client address, given in X-Forwarded-For.
# shellcheck disable=SC2154,SC2034,SC2030,SC2031,SC2016,SC2089,SC2090

load ../helpers
load dnsapid
load ../fanout/fanout

# The cheapest password hash (the format stays Argon2id), a small failure limit.
SESSIONS_CONF='[sessions]
password_opslimit = 1
password_memlimit = 8
max_failures = 3
max_address_failures = 5
failure_window = 60
trusted_proxies = ["127.0.0.1", "::1"]

[signup]
enabled = true
plan = "free"'

setup_file() {
    DNSAPID_EXTRA=$SESSIONS_CONF
    export DNSAPID_EXTRA
    dnsapid_setup_file || return 1
    edges_start 1 || return 1
}

teardown_file() {
    edges_teardown_file
    dnsapid_teardown_file
}

setup() {
    dnsapid_setup
    edges_load
    # Each test is its own client, seen through the trusted proxy.
    CLIENT=198.51.100.$BATS_TEST_NUMBER
}

teardown() {
    dnsapid_teardown
}

# signup EMAIL PASSWORD [ACCOUNT]: POST /v1/signup from $CLIENT, no key.
signup() {
    local KEY=
    api POST /v1/signup "$(jq -cn --arg e "$1" --arg p "$2" --arg a "${3-}" \
        '{email: $e, password: $p} + (if $a == "" then {} else {account: $a} end)')" \
        -H "X-Forwarded-For: $CLIENT"
}

# login EMAIL PASSWORD: POST /v1/sessions from $CLIENT, no key.
login() {
    local KEY=
    api POST /v1/sessions "$(jq -cn --arg e "$1" --arg p "$2" '{email: $e, password: $p}')" \
        -H "X-Forwarded-For: $CLIENT"
}

# session_of EMAIL PASSWORD: prints the token of a new session; fails unless the login is 201.
session_of() {
    login "$1" "$2"
    expect_status 201 || return 1
    jb .token
}

@test "GET /v1/signup says whether sign-up is open" {
    api GET /v1/signup
    expect_status 200
    assert_eq "$(jb .enabled)" true
}

@test "sign-up creates an account, its owner user and a session" {
    signup Dev@Alpha.Example 'correct horse battery' alpha
    expect_status 201
    assert_eq "$(header Location)" /v1/sessions/current
    assert_eq "$(header Cache-Control)" no-store
    [[ $(jb .token) == eds_* ]] || api_fail "the token does not start with eds_"
    assert_eq "$(jb '.token | length')" 46
    assert_eq "$(jb .user.email)" dev@alpha.example "the email, lowercased"
    assert_eq "$(jb .user.role)" owner
    assert_eq "$(jb .account.name)" alpha
    [[ -n $(jb .expires_at) ]] || api_fail "no expires_at"
    KEY=$(jb .token)
    api GET /v1/account
    expect_status 200
    assert_eq "$(jb .name)" alpha
    assert_eq "$(jb .plan.plan)" free
    assert_eq "$(jb .key.kind)" session
}

@test "sign-up without an account name names the account after the email" {
    signup solo@example.net 'a long enough password'
    expect_status 201
    assert_eq "$(jb .account.name)" solo@example.net
    # An account of that name exists already: the next one gets a random ending.
    local KEY=$ADMIN_KEY
    api POST /v1/accounts '{"name":"solo2@example.net","plan":"free"}'
    expect_status 201
    signup SOLO2@example.net 'a long enough password'
    expect_status 201
    [[ $(jb .account.name) =~ ^solo2@example.net-[a-z2-7]{6}$ ]] || api_fail "account name"
}

@test "sign-up: bad input is 422 with an error per field" {
    signup not-an-email short
    expect_problem 422 validation
    assert_eq "$(jb '[.errors[].field] | sort | join(",")')" email,password
    signup someone@example.org someone@EXAMPLE.org
    expect_problem 422 validation
    assert_eq "$(jb '.errors[0].detail')" "must not be the email address"
    signup someone@example.org "$(printf 'x%.0s' {1..1025})"
    expect_problem 422 validation
    assert_eq "$(jb '.errors[0].detail')" "at most 1024 characters"
    signup someone@example.org 'correct horse battery' 12345
    expect_problem 422 validation
    assert_eq "$(jb '.errors[0].field')" account
    local KEY=
    api POST /v1/signup '{"email":"someone@example.org","password":"correct horse battery","plan":"big"}'
    expect_problem 422 validation
    assert_eq "$(jb '.errors[0].field')" plan
    # Nothing was created.
    assert_eq "$(mariadb_sql "SELECT COUNT(*) FROM users WHERE email = 'someone@example.org'")" 0
}

@test "sign-up with a used email is 409, whatever its letter case, and creates nothing" {
    signup taken@example.com 'correct horse battery' taken1
    expect_status 201
    local accounts
    accounts=$(mariadb_sql "SELECT COUNT(*) FROM accounts")
    signup TAKEN@Example.com 'another password here' taken2
    expect_problem 409 exists
    assert_eq "$(jb '.errors[0].field')" email
    signup fresh@example.com 'correct horse battery' taken1
    expect_problem 409 exists
    assert_eq "$(jb '.errors[0].field')" account
    assert_eq "$(mariadb_sql "SELECT COUNT(*) FROM accounts")" "$accounts"
}

@test "passwords are stored as Argon2id hashes, never in plaintext" {
    signup hashed@example.com 'plaintext never stored' hashed
    expect_status 201
    local h
    h=$(mariadb_sql "SELECT password_hash FROM users WHERE email = 'hashed@example.com'")
    [[ $h == '$argon2id$v=19$m=8,t=1,p=1$'* ]] || api_fail "stored: $h"
    [[ $h != *plaintext* ]] || api_fail "the password is in the hash column"
    assert_eq "$(mariadb_sql "SELECT COUNT(*) FROM users WHERE password_hash LIKE '%plaintext%'")" 0
    # Session tokens are stored hashed too, like API keys.
    local token
    token=$(session_of hashed@example.com 'plaintext never stored')
    assert_eq "$(mariadb_sql "SELECT COUNT(*) FROM api_keys WHERE kind = 'session' AND \
        hash = UNHEX(SHA2('$token', 256))")" 1
}

@test "login: the right password gives a session; a wrong password and an unknown email get the same 401" {
    signup login@example.com 'correct horse battery' loginacct
    expect_status 201
    login LOGIN@example.com 'correct horse battery'
    expect_status 201
    assert_eq "$(jb .user.email)" login@example.com
    assert_eq "$(jb .account.name)" loginacct
    [[ $(mariadb_sql "SELECT last_login_at IS NOT NULL FROM users WHERE email = 'login@example.com'") == 1 ]]

    login login@example.com 'wrong horse battery'
    expect_problem 401 login-failed
    local wrong=$body
    login nobody@example.com 'correct horse battery'
    expect_problem 401 login-failed
    assert_eq "$body" "$wrong" "the answer for an unknown email"
    grep -q 'login failed: wrong password: login@example.com from 198.51.100' "$DNSAPID_DIR/log"
    grep -q 'login failed: unknown email: nobody@example.com from 198.51.100' "$DNSAPID_DIR/log"
    # Malformed input is 422, not a login failure.
    local KEY=
    api POST /v1/sessions '{"email":"login@example.com"}'
    expect_problem 422 validation
    assert_eq "$(jb '.errors[0].field')" password
}

@test "failed logins: the fourth for one email is 429 with Retry-After, even with the right password" {
    signup limited@example.com 'correct horse battery' limited
    expect_status 201
    local i
    for i in 1 2 3; do
        CLIENT=203.0.113.$i # other addresses: the email's own limit is what is reached
        login limited@example.com "wrong password $i"
        expect_problem 401 login-failed
    done
    CLIENT=203.0.113.4
    login limited@example.com 'correct horse battery'
    expect_problem 429 rate-limited
    local after
    after=$(header Retry-After)
    [[ $after =~ ^[0-9]+$ ]] && ((after >= 1 && after <= 60)) || api_fail "Retry-After: $after"
    assert_eq "$(jb .retry_after)" "$after"
    # Another email is not affected.
    signup other@example.com 'correct horse battery' other
    expect_status 201
    login other@example.com 'correct horse battery'
    expect_status 201
}

@test "failed logins: the sixth from one client address is 429; another address is not affected" {
    local i
    for i in 1 2 3 4 5; do
        login "guess$i@example.com" 'some password here'
        expect_problem 401 login-failed
    done
    login guess6@example.com 'some password here'
    expect_problem 429 rate-limited
    [[ -n $(header Retry-After) ]] || api_fail "no Retry-After"
    CLIENT=198.51.100.250
    login guess6@example.com 'some password here'
    expect_problem 401 login-failed
    # A client that sends its own header line gains nothing: the proxy's line, the last, counts.
    local KEY=
    api POST /v1/sessions '{"email":"guess7@example.com","password":"some password here"}' \
        -H "X-Forwarded-For: 192.0.2.99" -H "X-Forwarded-For: 198.51.100.$BATS_TEST_NUMBER"
    expect_problem 429 rate-limited
}

@test "a session works on account routes like an unrestricted read-write key" {
    signup work@example.com 'correct horse battery' work
    expect_status 201
    KEY=$(jb .token)
    new_domain work.test
    put_rrset work.test www A '["192.0.2.10"]'
    api GET /v1/domains/work.test/rrsets/www/A
    expect_status 200
    assert_eq "$(jb '.records[0]')" 192.0.2.10
    # It manages keys (with the password again); the sessions themselves are not in the list.
    new_key '{"name":"ci","write":true,"current_password":"correct horse battery"}'
    api GET /v1/keys
    expect_status 200
    assert_eq "$(jb '[.items[].name] | join(",")')" ci
    api GET "/v1/keys/$(mariadb_sql "SELECT id FROM api_keys WHERE kind = 'session' AND \
        account_id = (SELECT id FROM accounts WHERE name = 'work') LIMIT 1")"
    expect_problem 404 not-found
}

@test "GET /v1/sessions/current tells who is logged in; with an API key it is 404" {
    signup whoami@example.com 'correct horse battery' whoami
    expect_status 201
    KEY=$(jb .token)
    local expires
    expires=$(jb .expires_at)
    api GET /v1/sessions/current
    expect_status 200
    assert_eq "$(jb .user.email)" whoami@example.com
    assert_eq "$(jb .user.role)" owner
    assert_eq "$(jb .account.name)" whoami
    assert_eq "$(jb .expires_at)" "$expires"
    KEY=$(new_account keyonly free)
    api GET /v1/sessions/current
    expect_problem 404 not-found
}

@test "logout: DELETE /v1/sessions/current ends that session only" {
    signup logout@example.com 'correct horse battery' logout
    expect_status 201
    local first second
    first=$(jb .token)
    second=$(session_of logout@example.com 'correct horse battery')
    KEY=$first
    api DELETE /v1/sessions/current
    expect_status 204
    api GET /v1/domains
    expect_problem 401 unauthorized
    [[ $(jb .detail) == *"log in again"* ]] || api_fail "the detail does not say to log in"
    api DELETE /v1/sessions/current
    expect_problem 401 unauthorized
    KEY=$second
    api GET /v1/domains
    expect_status 200
}

@test "one account's session cannot see another's domains (404)" {
    signup iso-a@example.com 'correct horse battery' iso-a
    expect_status 201
    local a
    a=$(jb .token)
    signup iso-b@example.com 'correct horse battery' iso-b
    expect_status 201
    KEY=$(jb .token)
    new_domain iso-b.test
    KEY=$a
    api GET /v1/domains/iso-b.test
    expect_problem 404 not-found
    api GET /v1/domains/iso-b.test/rrsets
    expect_problem 404 not-found
    api DELETE /v1/domains/iso-b.test
    expect_problem 404 not-found
    api GET /v1/domains
    expect_status 200
    assert_eq "$(jb '.items | length')" 0
}

@test "users of an account: the admin creates them; an admin user's session reaches the admin routes, an owner's does not" {
    local KEY=$ADMIN_KEY id
    api POST /v1/accounts '{"name":"staff","plan":"free"}'
    expect_status 201
    id=$(jb .id)
    api POST "/v1/accounts/$id/users" '{"email":"Ops@Example.com","password":"correct horse battery","role":"admin"}'
    expect_status 201
    assert_eq "$(jb .email)" ops@example.com
    assert_eq "$(jb .role)" admin
    assert_eq "$(jb .account_id)" "$id"
    [[ $(jb 'has("password") or has("password_hash")') == false ]] || api_fail "a hash is shown"
    api POST "/v1/accounts/$id/users" '{"email":"owner@staff.example","password":"correct horse battery"}'
    expect_status 201
    assert_eq "$(jb .role)" owner
    api GET "/v1/accounts/$id/users"
    expect_status 200
    assert_eq "$(jb '[.items[].email] | join(",")')" ops@example.com,owner@staff.example

    KEY=$(session_of ops@example.com 'correct horse battery')
    api GET /v1/plans
    expect_status 200
    api GET /v1/accounts
    expect_status 200
    api GET /v1/servers
    expect_status 200
    api GET /v1/sessions/current
    assert_eq "$(jb .user.role)" admin
    # It is still its own account's session.
    new_domain staff.test

    KEY=$(session_of owner@staff.example 'correct horse battery')
    api GET /v1/plans
    expect_problem 403 forbidden
    api POST "/v1/accounts/$id/users" '{"email":"x@staff.example","password":"correct horse battery","role":"admin"}'
    expect_problem 403 forbidden
    api GET /v1/domains/staff.test
    expect_status 200
}

@test "POST /v1/accounts/{id}/users: 404 for an unknown account, 409 for a used email, 422 for a bad role" {
    local KEY=$ADMIN_KEY
    api POST /v1/accounts/999999/users '{"email":"u@example.com","password":"correct horse battery"}'
    expect_problem 404 not-found
    api POST /v1/accounts '{"name":"users422","plan":"free"}'
    expect_status 201
    local id
    id=$(jb .id)
    api POST "/v1/accounts/$id/users" '{"email":"u422@example.com","password":"correct horse battery","role":"root"}'
    expect_problem 422 validation
    assert_eq "$(jb '.errors[0].field')" role
    api POST "/v1/accounts/$id/users" '{"email":"u422@example.com","password":"correct horse battery"}'
    expect_status 201
    api POST "/v1/accounts/$id/users" '{"email":"U422@example.com","password":"correct horse battery"}'
    expect_problem 409 exists
    KEY=$(new_account users-key free)
    api GET "/v1/accounts/$id/users"
    expect_problem 403 forbidden
}

@test "POST /v1/servers/{name}/sync: a zone wiped from the edge comes back" {
    signup sync@example.com 'correct horse battery' syncacct
    expect_status 201
    KEY=$(jb .token)
    api POST /v1/domains '{"name":"sync.test"}' -H "X-Forwarded-For: $CLIENT"
    expect_status 201
    put_rrset sync.test www A '["192.0.2.53"]'
    local serial
    serial=$(zone_serial sync.test)
    local i
    for ((i = 0; i < 200; i++)); do
        [[ $(edge_zone_serial 1 sync.test) == "$serial" ]] && break
        sleep 0.05
    done
    assert_eq "$(edge_zone_serial 1 sync.test)" "$serial" "the edge's serial before the wipe"

    # Wiped behind dnsapid's back, through the edge's own API: dnsapid still believes it is there.
    curl -sf -m 5 -X DELETE -H "Authorization: Bearer $(<"$EDGES_DIR/ns1/key")" \
        "http://127.0.0.1:${EDGE_HTTP[1]}/v1/zones/sync.test" >/dev/null
    assert_eq "$(edge_zone_serial 1 sync.test)" none "the edge's zone after the wipe"

    # Accounts cannot ask; unknown servers are 404.
    api POST /v1/servers/ns1/sync
    expect_problem 403 forbidden
    KEY=$ADMIN_KEY
    api POST /v1/servers/nosuch/sync
    expect_problem 404 not-found
    api GET /v1/servers/ns1/sync
    expect_problem 405 method-not-allowed

    api POST /v1/servers/ns1/sync
    expect_status 202
    assert_eq "$(jb .server)" ns1
    assert_eq "$(jb .scheduled)" full-sync
    assert_eq "$(header Location)" /v1/servers/ns1
    for ((i = 0; i < 200; i++)); do
        [[ $(edge_zone_serial 1 sync.test) == "$serial" ]] && break
        sleep 0.05
    done
    assert_eq "$(edge_zone_serial 1 sync.test)" "$serial" "the edge's serial after the sync"
    assert_eq "$(edge_dig 1 www.sync.test A)" 192.0.2.53
    # The journal names the browser behind the trusted proxy, and a direct peer with its port.
    run -0 mariadb_sql "SELECT remote FROM changes WHERE zone = 'sync.test' ORDER BY id"
    assert_eq "${lines[0]}" "$CLIENT"
    [[ ${lines[1]} =~ ^127\.0\.0\.1:[0-9]+$ ]] || api_fail "remote of a direct write: ${lines[1]}"
    assert_eq "$(mariadb_sql "SELECT COUNT(*) FROM audit WHERE action = 'server.sync'")" 1
}

@test "POST /v1/servers/{name}/sync also deletes a zone the database does not hold" {
    local edge_key
    edge_key=$(<"$EDGES_DIR/ns1/key")
    # A zone pushed to the edge by hand, unknown to the database.
    printf '$ORIGIN stray.test.\n$TTL 300\n@ IN SOA ns1.stray.test. h.stray.test. 7 3600 600 86400 300\n@ IN NS ns1.stray.test.\n' >stray.test.zone
    "$BIN/zone-compile" stray.test.zone >stray.xfr
    curl -sf -m 5 -X PUT -H "Authorization: Bearer $edge_key" \
        -H 'Content-Type: application/vnd.endpointdns.zone-stream' --data-binary @stray.xfr \
        "http://127.0.0.1:${EDGE_HTTP[1]}/v1/zones/stray.test" >/dev/null
    assert_eq "$(edge_zone_serial 1 stray.test)" 7
    KEY=$ADMIN_KEY
    api POST /v1/servers/ns1/sync
    expect_status 202
    local i
    for ((i = 0; i < 200; i++)); do
        [[ $(edge_zone_serial 1 stray.test) == none ]] && break
        sleep 0.05
    done
    assert_eq "$(edge_zone_serial 1 stray.test)" none "the stray zone after the sync"
}

@test "PUT /v1/user/password: the current password is asked again; the user's other sessions end" {
    signup pw@example.com 'correct horse battery' pwacct
    expect_status 201
    local a b
    a=$(jb .token)
    b=$(session_of pw@example.com 'correct horse battery')
    KEY=$a
    api PUT /v1/user/password '{"current_password":"not the password","password":"a brand new password"}'
    expect_problem 422 validation
    assert_eq "$(jb '.errors[0].field')" current_password
    api PUT /v1/user/password '{"current_password":"correct horse battery","password":"short"}'
    expect_problem 422 validation
    assert_eq "$(jb '.errors[0].field')" password
    api PUT /v1/user/password '{"current_password":"correct horse battery","password":"a brand new password"}'
    expect_status 204
    api GET /v1/domains
    expect_status 200
    KEY=$b
    api GET /v1/domains
    expect_problem 401 unauthorized
    login pw@example.com 'correct horse battery'
    expect_problem 401 login-failed
    login pw@example.com 'a brand new password'
    expect_status 201
    KEY=$(new_account pwkey free)
    api PUT /v1/user/password '{"current_password":"x","password":"a brand new password"}'
    expect_problem 404 not-found
}

@test "admin: PATCH a user resets its password or role and ends its sessions; DELETE removes it" {
    local KEY=$ADMIN_KEY id uid other token
    api POST /v1/accounts '{"name":"reset","plan":"free"}'
    expect_status 201
    id=$(jb .id)
    api POST "/v1/accounts/$id/users" '{"email":"reset@example.com","password":"correct horse battery"}'
    expect_status 201
    uid=$(jb .id)
    assert_eq "$(header Location)" "/v1/accounts/$id/users/$uid"
    api GET "/v1/accounts/$id/users/$uid"
    expect_status 200
    assert_eq "$(jb .email)" reset@example.com
    api GET "/v1/accounts/1/users/$uid"
    expect_problem 404 not-found

    token=$(session_of reset@example.com 'correct horse battery')
    api PATCH "/v1/accounts/$id/users/$uid" '{"password":"forgotten and reset"}'
    expect_status 200
    KEY=$token api GET /v1/domains
    expect_problem 401 unauthorized
    token=$(session_of reset@example.com 'forgotten and reset')
    api PATCH "/v1/accounts/$id/users/$uid" '{"role":"admin"}'
    expect_status 200
    assert_eq "$(jb .role)" admin
    KEY=$token api GET /v1/domains
    expect_problem 401 unauthorized
    api PATCH "/v1/accounts/$id/users/$uid" '{"role":"root"}'
    expect_problem 422 validation

    token=$(session_of reset@example.com 'forgotten and reset')
    api DELETE "/v1/accounts/$id/users/$uid"
    expect_status 204
    KEY=$token api GET /v1/domains
    expect_problem 401 unauthorized
    login reset@example.com 'forgotten and reset'
    expect_problem 401 login-failed
    api GET "/v1/accounts/$id/users/$uid"
    expect_problem 404 not-found
    assert_eq "$(mariadb_sql "SELECT COUNT(*) FROM api_keys WHERE user_id = $uid")" 0
}

@test "bad [sessions] and [signup] values exit 78 naming the key" {
    sed 's|^trusted_proxies = .*|trusted_proxies = ["10.0.0.0/33"]|' "$DNSAPID_CONF" >c.toml
    run -78 --separate-stderr "$DNSAPID" -c c.toml --check-config
    assert_contains "$stderr" "sessions.trusted_proxies"
    assert_contains "$stderr" "10.0.0.0/33"
    sed 's|^password_memlimit = .*|password_memlimit = 4|' "$DNSAPID_CONF" >c.toml
    run -78 --separate-stderr "$DNSAPID" -c c.toml --check-config
    assert_contains "$stderr" "password_memlimit"
    sed 's|^enabled = true|enabled = "yes"|' "$DNSAPID_CONF" >c.toml
    run -78 --separate-stderr "$DNSAPID" -c c.toml --check-config
    assert_line_matches "$stderr" 'c\.toml:[0-9]+:[0-9]+: .*enabled'
    run -0 --separate-stderr "$DNSAPID" -c "$DNSAPID_CONF" --check-config
}

# Last: it restarts dnsapid with another configuration.
@test "wrong current passwords count against the session, not the email: the owner can still log in" {
    signup victim@example.com 'correct horse battery' victimacct
    expect_status 201
    KEY=$(jb .token)
    local i
    for i in 1 2 3; do
        api PUT /v1/user/password "{\"current_password\":\"guess $i\",\"password\":\"a brand new password\"}" \
            -H "X-Forwarded-For: $CLIENT"
        expect_problem 422 validation
    done
    # sessions.max_failures = 3: this session may not try again, even with the right password...
    api PUT /v1/user/password '{"current_password":"correct horse battery","password":"a brand new password"}' \
        -H "X-Forwarded-For: $CLIENT"
    expect_problem 429 rate-limited
    [[ -n $(header Retry-After) ]] || api_fail "no Retry-After"
    # ...while the owner, elsewhere, logs in as usual.
    CLIENT=198.51.100.251
    login victim@example.com 'correct horse battery'
    expect_status 201
}

@test "logout and a password change work when the account's calls are spent" {
    new_plan three-calls '{"max_calls_per_day":3}' >/dev/null
    new_account spent three-calls >/dev/null
    local id i
    id=$(jb .id)
    as_admin api POST "/v1/accounts/$id/users" '{"email":"spent@example.com","password":"correct horse battery"}'
    expect_status 201
    KEY=$(session_of spent@example.com 'correct horse battery')
    for i in 1 2 3; do
        api GET /v1/domains
        expect_status 200
    done
    api GET /v1/domains
    expect_problem 403 plan-limit
    api PUT /v1/user/password '{"current_password":"correct horse battery","password":"a brand new password"}'
    expect_status 204
    api DELETE /v1/sessions/current
    expect_status 204
    api GET /v1/domains
    expect_problem 401 unauthorized
}

@test "failed logins from one IPv6 /64 count together; another /64 is not affected" {
    local i
    for i in 1 2 3 4 5; do
        CLIENT=2001:db8:1:2::$i
        login "v6guess$i@example.com" 'some password here'
        expect_problem 401 login-failed
    done
    CLIENT=2001:db8:1:2:ffff:ffff:ffff:9
    login v6guess6@example.com 'some password here'
    expect_problem 429 rate-limited
    CLIENT=2001:db8:1:3::1
    login v6guess6@example.com 'some password here'
    expect_problem 401 login-failed
}

@test "sign-ups count against the client address: the sixth from one address is 429" {
    local i
    for i in 1 2 3 4 5; do
        signup "many$i@example.com" 'correct horse battery' "many$i"
        expect_status 201
    done
    signup many6@example.com 'correct horse battery' many6
    expect_problem 429 rate-limited
    assert_eq "$(mariadb_sql "SELECT COUNT(*) FROM users WHERE email = 'many6@example.com'")" 0
}

@test "login and sign-up bodies over 8192 octets are 413, before any parsing" {
    local KEY= big
    big=$(printf 'x%.0s' {1..9000})
    api POST /v1/sessions "{\"email\":\"big@example.com\",\"password\":\"$big\"}"
    expect_problem 413 too-large
    api POST /v1/signup "{\"email\":\"big@example.com\",\"password\":\"$big\"}"
    expect_problem 413 too-large
}

@test "a session creates an API key only with its user's password again; an API key needs none" {
    signup keymaker@example.com 'correct horse battery' keymaker
    expect_status 201
    local account_key
    KEY=$(jb .token)
    # The wrong password below counts against this test's own client address.
    api POST /v1/keys '{"name":"ci"}' -H "X-Forwarded-For: $CLIENT"
    expect_problem 422 validation
    assert_eq "$(jb '.errors[0].field')" current_password
    api POST /v1/keys '{"name":"ci","current_password":"not the password"}' -H "X-Forwarded-For: $CLIENT"
    expect_problem 422 validation
    assert_eq "$(jb '.errors[0].detail')" "not right"
    api POST /v1/keys '{"name":"ci","write":true,"current_password":"correct horse battery"}' \
        -H "X-Forwarded-For: $CLIENT"
    expect_status 201
    account_key=$(jb .secret)
    [[ $account_key == edk_* ]] || api_fail "no key secret"
    # An API key creating a key is asked for no password, and may not send one.
    KEY=$account_key
    api POST /v1/keys '{"name":"deploy"}'
    expect_status 201
    api POST /v1/keys '{"name":"deploy2","current_password":"correct horse battery"}'
    expect_problem 422 validation
    assert_eq "$(jb '.errors[0].field')" current_password
}

@test "a login clears its user's sessions that ended more than a day ago" {
    signup purge@example.com 'correct horse battery' purgeacct
    expect_status 201
    local old ended live
    old=$(jb .id)
    ended=$(session_of purge@example.com 'correct horse battery')
    KEY=$ended
    api DELETE /v1/sessions/current
    expect_status 204
    live=$(session_of purge@example.com 'correct horse battery')
    # The sign-up's session expired two days ago, the logged-out one ended two days ago.
    mariadb_sql "UPDATE api_keys SET expires_at = NOW() - INTERVAL 2 DAY WHERE id = $old"
    mariadb_sql "UPDATE api_keys SET revoked_at = NOW() - INTERVAL 2 DAY WHERE kind = 'session' \
        AND revoked_at IS NOT NULL AND user_id = (SELECT id FROM users WHERE email = 'purge@example.com')"
    assert_eq "$(mariadb_sql "SELECT COUNT(*) FROM api_keys k JOIN users u ON u.id = k.user_id \
        WHERE u.email = 'purge@example.com'")" 3 "sessions before the login"
    session_of purge@example.com 'correct horse battery' >/dev/null
    assert_eq "$(mariadb_sql "SELECT COUNT(*) FROM api_keys k JOIN users u ON u.id = k.user_id \
        WHERE u.email = 'purge@example.com'")" 2 "sessions after: the live one and the new one"
    KEY=$live
    api GET /v1/sessions/current
    expect_status 200
}

@test "sessions end after sessions.ttl, or unused for sessions.idle_timeout; sign-up off is 403; a hash of another cost is replaced at login" {
    signup rehash@example.com 'correct horse battery' rehash
    expect_status 201
    DNSAPID_EXTRA=${SESSIONS_CONF/max_failures = 3/max_failures = 3
ttl = 4
idle_timeout = 2}
    DNSAPID_EXTRA=${DNSAPID_EXTRA/password_opslimit = 1/password_opslimit = 2}
    DNSAPID_EXTRA=${DNSAPID_EXTRA/enabled = true/enabled = false}
    export DNSAPID_EXTRA
    dnsapid_stop TERM
    dnsapid_start "$DNSAPID_PORT"
    signup late@example.com 'correct horse battery' late
    expect_problem 403 signup-disabled
    api GET /v1/signup
    assert_eq "$(jb .enabled)" false

    local h
    h=$(mariadb_sql "SELECT password_hash FROM users WHERE email = 'rehash@example.com'")
    [[ $h == '$argon2id$v=19$m=8,t=1,p=1$'* ]] || api_fail "before the login: $h"
    login rehash@example.com 'correct horse battery'
    expect_status 201
    h=$(mariadb_sql "SELECT password_hash FROM users WHERE email = 'rehash@example.com'")
    [[ $h == '$argon2id$v=19$m=8,t=2,p=1$'* ]] || api_fail "after the login: $h"
    login rehash@example.com 'correct horse battery'
    expect_status 201

    local KEY=$ADMIN_KEY id used idle start
    api POST /v1/accounts '{"name":"ttl","plan":"free"}'
    expect_status 201
    id=$(jb .id)
    api POST "/v1/accounts/$id/users" '{"email":"ttl@example.com","password":"correct horse battery"}'
    expect_status 201
    start=$(now_ms)
    used=$(session_of ttl@example.com 'correct horse battery')
    idle=$(session_of ttl@example.com 'correct horse battery')
    KEY=$used
    api GET /v1/sessions/current
    assert_eq "$(jb .idle_timeout)" 2
    # Used every half second: the idle timeout never ends it.
    while (($(now_ms) - start < 3000)); do
        api GET /v1/domains
        expect_status 200
        sleep 0.5
    done
    KEY=$idle
    api GET /v1/domains
    expect_problem 401 unauthorized
    # The lifetime ends the used one.
    KEY=$used
    while (($(now_ms) - start < 4300)); do sleep 0.1; done
    api GET /v1/domains
    expect_problem 401 unauthorized
    api GET /v1/sessions/current
    expect_problem 401 unauthorized
}
