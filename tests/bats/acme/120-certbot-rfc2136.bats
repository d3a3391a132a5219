#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# ACME DNS-01 end to end with certbot-dns-rfc2136: certbot sends DNS UPDATE signed with an "ACME only" TSIG key to dnsapid's [update] listen, and pebble, resolving through an edge, issues the certificate.

load ../helpers
load ../dnsapid/dnsapid
load ../fanout/fanout
load acme

ZONE=rfc2136-e2e.example

setup_file() {
    acme_require certbot
    certbot plugins 2>/dev/null | grep -q dns-rfc2136 ||
        skip "python3-certbot-dns-rfc2136 is not installed"
    UPDATE_PORT=$(free_port) || return 1
    export UPDATE_PORT
    DNSAPID_EXTRA=$(printf '[update]\nlisten = "127.0.0.1:%s"\n' "$UPDATE_PORT")
    export DNSAPID_EXTRA
    acme_setup_file "$ZONE" || return 1
    # The plugin's key: _acme-challenge TXT records of the one domain, nothing else.
    new_key "$(jq -cn --arg z "$ZONE" '{kind: "tsig", name: "certbot-rfc2136", write: true,
        domains: [$z], names: ["_acme-challenge.*"], types: ["TXT"]}')" || return 1
    local name secret
    name=$(jb .tsig.name)
    secret=$(jb .tsig.secret)
    (umask 077 && printf '%s\n' "dns_rfc2136_server = 127.0.0.1" \
        "dns_rfc2136_port = $UPDATE_PORT" "dns_rfc2136_name = $name" \
        "dns_rfc2136_secret = $secret" "dns_rfc2136_algorithm = HMAC-SHA256" \
        >"$ACME_DIR/rfc2136.ini") || return 1
}

teardown_file() {
    acme_teardown_file
}

setup() {
    acme_setup
}

teardown() {
    dnsapid_teardown
}

@test "certbot --dns-rfc2136 gets a certificate for the domain and its wildcard from pebble" {
    local c=$ACME_DIR/certbot-rfc2136
    run certbot_env certbot certonly --dns-rfc2136 \
        --dns-rfc2136-credentials "$ACME_DIR/rfc2136.ini" \
        --dns-rfc2136-propagation-seconds 1 \
        --server "$PEBBLE_DIR_URL" --config-dir "$c/config" --work-dir "$c/work" \
        --logs-dir "$c/logs" --agree-tos --register-unsafely-without-email \
        --non-interactive --cert-name rfc2136 -d "$ZONE" -d "*.$ZONE"
    ((status == 0)) || {
        printf '%s\n' "$output" >&2
        tail -n 40 "$c/logs/letsencrypt.log" >&2
        fail_with "certbot failed"
    }
    run openssl x509 -in "$c/config/live/rfc2136/cert.pem" -noout -ext subjectAltName
    ((status == 0)) || fail_with "openssl cannot read the certificate"
    assert_contains "$output" "DNS:$ZONE"
    assert_contains "$output" "DNS:*.$ZONE"
    # The challenges went through DNS UPDATE: the zone's history names the TSIG key, and the
    # cleanup left no TXT behind.
    api GET "/v1/domains/$ZONE/versions?limit=100"
    expect_status 200
    (($(jb '[.items[] | select(.summary == "DNS UPDATE")] | length') >= 2)) ||
        fail_with "no DNS UPDATE changes in the history: $body"
    api GET "/v1/domains/$ZONE/rrsets/_acme-challenge/TXT"
    expect_status 404
}
