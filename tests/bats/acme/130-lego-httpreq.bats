#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# ACME DNS-01 with lego's httpreq provider: lego posts to dnsapid's /v1/acme/httpreq/present and
# .../cleanup (default and RAW mode, HTTP Basic with the "ACME only" key as the password) and
# gets a certificate from pebble, which resolves the challenges through one of our edges; then
# the endpoints themselves with curl: credentials, scope, bad bodies, values side by side.

load ../helpers
load ../dnsapid/dnsapid
load ../fanout/fanout
load acme

ZONE=httpreq-e2e.example
OTHER=httpreq-other.example

setup_file() {
    acme_require lego
    acme_setup_file "$ZONE" "$OTHER"
}

teardown_file() {
    acme_teardown_file
}

setup() {
    acme_setup
    ACME_KEY=$(<"$ACME_DIR/acme.key")
}

teardown() {
    dnsapid_teardown
}

# run_lego MODE: lego --dns httpreq for the zone and its wildcard, in MODE ("" or RAW), its
# account and certificates in ACME_DIR/lego-MODE.
run_lego() {
    # --dns.disable-cp: present answers once every edge serves the value, so lego need not
    # look for the zone's name servers (ns1/ns2.endpointdns.test resolve nowhere here); it
    # still checks the value through --dns.resolvers, edge 2 (pebble asks edge 1).
    LEGO_CA_CERTIFICATES=$PEBBLE_CA HTTPREQ_ENDPOINT=$DNSAPID_URL/v1/acme/httpreq \
        HTTPREQ_MODE=$1 HTTPREQ_USERNAME=lego HTTPREQ_PASSWORD=$ACME_KEY \
        HTTPREQ_PROPAGATION_TIMEOUT=30 HTTPREQ_POLLING_INTERVAL=1 \
        run lego --server "$PEBBLE_DIR_URL" --accept-tos --email acme@httpreq-e2e.example \
        --path "$ACME_DIR/lego-${1:-default}" --dns httpreq --dns.disable-cp \
        --dns.resolvers "127.0.0.1:${EDGE_DNS[2]}" \
        --domains "$ZONE" --domains "*.$ZONE" run
}

# check_certificate MODE: lego's certificate names the zone and its wildcard, and no
# challenge value is left on either edge.
check_certificate() {
    local cert=$ACME_DIR/lego-${1:-default}/certificates/$ZONE.crt
    [[ -s $cert ]] || fail_with "no certificate at $cert"
    run openssl x509 -in "$cert" -noout -ext subjectAltName
    assert_contains "$output" "DNS:$ZONE"
    assert_contains "$output" "DNS:*.$ZONE"
    wait_edges "_acme-challenge.$ZONE" TXT "" 10
}

# hr ACTION BODY [CURL-ARGS...]: POST /v1/acme/httpreq/ACTION with BODY, authenticated with
# HTTP Basic (user "lego", the ACME key as the password) unless CURL-ARGS say otherwise.
hr() {
    local action=$1 data=$2
    shift 2
    KEY='' api POST "/v1/acme/httpreq/$action" "$data" "$@"
}

@test "lego --dns httpreq (default mode) gets a certificate for the domain and its wildcard" {
    run_lego ""
    ((status == 0)) || fail_with "lego failed"
    check_certificate ""
}

@test "lego --dns httpreq (RAW mode) gets a certificate for the domain and its wildcard" {
    run_lego RAW
    ((status == 0)) || fail_with "lego failed"
    check_certificate RAW
}

@test "present adds a value beside another, every edge has it on 200, cleanup removes one" {
    local name=_acme-challenge.$ZONE
    hr present "{\"fqdn\":\"$name.\",\"value\":\"first-value\"}" -u "lego:$ACME_KEY"
    expect_status 200
    assert_eq "$(jb .fqdn)" "$name."
    assert_eq "$(jb .zone)" "$ZONE"
    assert_eq "$(jb .change.status)" insync
    # Answered once every edge serves it: no polling needed.
    assert_eq "$(edge_dig 1 "$name" TXT)" '"first-value"' "edge 1"
    assert_eq "$(edge_dig 2 "$name" TXT)" '"first-value"' "edge 2"
    # The wildcard's challenge at the same name, in RAW mode, with a Bearer key this time.
    hr present '{"domain":"*.'"$ZONE"'","token":"token","keyAuth":"token.thumbprint"}' \
        -H "Authorization: Bearer $ACME_KEY"
    expect_status 200
    local raw=61rBZ_4knHblO0MNoxFsXZ_eTFUHum0B6IVRbhvUn5I # base64url(SHA-256("token.thumbprint"))
    assert_eq "$(jb .value)" "$raw"
    assert_eq "$(edge_dig 2 "$name" TXT)" "$(printf '"%s"\n"%s"' "$raw" first-value | sort)" "edge 2"
    # The same value again: nothing changes, 200 at once.
    hr present "{\"fqdn\":\"$name\",\"value\":\"first-value\"}" -u "lego:$ACME_KEY"
    expect_status 200
    assert_eq "$(jb .change)" null
    # cleanup removes its value only.
    hr cleanup "{\"fqdn\":\"$name.\",\"value\":\"first-value\"}" -u "lego:$ACME_KEY"
    expect_status 200
    assert_eq "$(jb .change.status)" insync
    assert_eq "$(edge_dig 1 "$name" TXT)" "\"$raw\"" "edge 1"
    assert_eq "$(edge_dig 2 "$name" TXT)" "\"$raw\"" "edge 2"
    # A value that is not there: 200, nothing changed.
    hr cleanup "{\"fqdn\":\"$name.\",\"value\":\"first-value\"}" -u "lego:$ACME_KEY"
    expect_status 200
    assert_eq "$(jb .change)" null
    hr cleanup '{"domain":"'"$ZONE"'","token":"token","keyAuth":"token.thumbprint"}' \
        -u "lego:$ACME_KEY"
    expect_status 200
    assert_eq "$(edge_dig 1 "$name" TXT)" "" "edge 1"
    assert_eq "$(edge_dig 2 "$name" TXT)" "" "edge 2"
    # Both changes are in the zone's journal under the key's prefix.
    KEY=$(<"$BATS_FILE_TMPDIR/key") api GET "/v1/changes?zone=$ZONE&limit=1000"
    expect_status 200
    assert_contains "$(jb '.items[].summary')" "httpreq present $name TXT"
    assert_contains "$(jb '.items[].summary')" "httpreq cleanup $name TXT"
}

@test "a wrong or missing credential is 401 with a Basic challenge" {
    local b='{"fqdn":"_acme-challenge.'"$ZONE"'.","value":"v"}'
    hr present "$b" -u "lego:eda_not_a_key"
    expect_problem 401 unauthorized
    assert_contains "$(header WWW-Authenticate)" 'Basic realm="dnsapid"'
    hr present "$b"
    expect_problem 401 unauthorized
    hr present "$b" -H 'Authorization: Basic !!!'
    expect_problem 401 unauthorized
    # The password is the key; the key as the user name does not do.
    hr present "$b" -u "$ACME_KEY:x"
    expect_problem 401 unauthorized
    # The admin key manages no domains.
    hr present "$b" -u "lego:$ADMIN_KEY"
    expect_problem 403 forbidden
    # Basic is for these routes only.
    KEY='' api GET /v1/domains '' -u "lego:$ACME_KEY"
    expect_problem 401 unauthorized
}

@test "the key's scope applies: another name or domain is 403 or 404, an unknown domain 404" {
    # The ACME key may write _acme-challenge.* TXT in ZONE only.
    hr present '{"fqdn":"www.'"$ZONE"'.","value":"v"}' -u "lego:$ACME_KEY"
    expect_problem 403 forbidden
    hr cleanup '{"fqdn":"www.'"$ZONE"'.","value":"v"}' -u "lego:$ACME_KEY"
    expect_problem 403 forbidden
    # OTHER is the account's, but not the key's: as if it did not exist.
    hr present '{"fqdn":"_acme-challenge.'"$OTHER"'.","value":"v"}' -u "lego:$ACME_KEY"
    expect_problem 404 not-found
    hr present '{"fqdn":"_acme-challenge.nowhere.example.","value":"v"}' -u "lego:$ACME_KEY"
    expect_problem 404 not-found
    # The account's own key may write there, and in a subdomain of the zone.
    local key
    key=$(<"$BATS_FILE_TMPDIR/key")
    hr present '{"fqdn":"_acme-challenge.a.b.'"$OTHER"'","value":"deep"}' -u "x:$key"
    expect_status 200
    assert_eq "$(jb .zone)" "$OTHER"
    assert_eq "$(edge_dig 1 "_acme-challenge.a.b.$OTHER" TXT)" '"deep"'
    hr cleanup '{"fqdn":"_acme-challenge.a.b.'"$OTHER"'","value":"deep"}' -u "x:$key"
    expect_status 200
    assert_eq "$(edge_dig 1 "_acme-challenge.a.b.$OTHER" TXT)" ""
}

@test "bad bodies: malformed JSON 400, missing or wrong fields 422, GET 405" {
    hr present '{"fqdn":' -u "lego:$ACME_KEY"
    expect_problem 400 malformed-json
    hr present '' -u "lego:$ACME_KEY"
    expect_problem 400 malformed-json
    hr present '{"fqdn":"_acme-challenge.'"$ZONE"'."}' -u "lego:$ACME_KEY"
    expect_problem 422 validation
    assert_eq "$(jb '.errors[0].field')" value
    hr present '{"domain":"'"$ZONE"'","token":"t"}' -u "lego:$ACME_KEY"
    expect_problem 422 validation
    assert_eq "$(jb '.errors[0].field')" keyAuth
    hr present '{"fqdn":42,"value":"v"}' -u "lego:$ACME_KEY"
    expect_problem 422 validation
    assert_eq "$(jb '.errors[0].field')" fqdn
    hr present '{"fqdn":"bad name.'"$ZONE"'","value":"v"}' -u "lego:$ACME_KEY"
    expect_problem 422 validation
    hr present '{"fqdn":"_acme-challenge.'"$ZONE"'","value":"v","keyAuth":"k"}' \
        -u "lego:$ACME_KEY"
    expect_problem 422 validation
    hr present '["x"]' -u "lego:$ACME_KEY"
    expect_problem 422 validation
    API_CONTENT_TYPE=text/plain hr present '{"fqdn":"_acme-challenge.'"$ZONE"'","value":"v"}' \
        -u "lego:$ACME_KEY"
    expect_problem 415 unsupported-media-type
    KEY='' api GET /v1/acme/httpreq/present '' -u "lego:$ACME_KEY"
    expect_problem 405 method-not-allowed
    KEY='' api POST /v1/acme/httpreq/other '{}' -u "lego:$ACME_KEY"
    expect_problem 404 not-found
    # Nothing was written by any of these.
    assert_eq "$(edge_dig 1 "_acme-challenge.$ZONE" TXT)" ""
}

@test "present answers 504 when an edge does not get the change in time; the change stays" {
    local name=_acme-challenge.$ZONE
    edge_stop 2 STOP
    hr present "{\"fqdn\":\"$name.\",\"value\":\"late-value\"}" -u "lego:$ACME_KEY"
    kill -CONT "${EDGE_PID[2]}"
    expect_problem 504 not-insync
    assert_eq "$(jb .change.status)" pending
    assert_eq "$(jb .change.servers_insync)" 1
    assert_eq "$(edge_dig 1 "$name" TXT)" '"late-value"' "edge 1"
    wait_edges "$name" TXT '"late-value"' 20
    hr cleanup "{\"fqdn\":\"$name.\",\"value\":\"late-value\"}" -u "lego:$ACME_KEY"
    expect_status 200
    wait_edges "$name" TXT "" 10
}
