#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# ACME DNS-01 end to end with lego: its exec provider runs contrib/certbot-hook (present,
# cleanup) with an "ACME only" key; pebble resolves the challenges through one of our edges.

load ../helpers
load ../dnsapid/dnsapid
load ../fanout/fanout
load acme

ZONE=lego-e2e.example

setup_file() {
    acme_require lego
    acme_setup_file "$ZONE"
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

@test "lego --dns exec with the hook gets a certificate for the domain and its wildcard" {
    local start=$SECONDS
    # --dns.disable-cp: the hook returns once every edge answers, so lego need not look for the
    # zone's name servers itself (ns1/ns2.endpointdns.test resolve nowhere in this test); it
    # still checks the value through --dns.resolvers, here edge 2 (pebble asks edge 1).
    LEGO_CA_CERTIFICATES=$PEBBLE_CA EXEC_PATH=$HOOK EXEC_PROPAGATION_TIMEOUT=30 \
        EXEC_POLLING_INTERVAL=1 EXEC_SEQUENCE_INTERVAL=1 \
        run lego --server "$PEBBLE_DIR_URL" --accept-tos --email acme@lego-e2e.example \
        --path "$ACME_DIR/lego" --dns exec --dns.disable-cp \
        --dns.resolvers "127.0.0.1:${EDGE_DNS[2]}" \
        --domains "$ZONE" --domains "*.$ZONE" run
    ((status == 0)) || fail_with "lego failed"
    echo "# lego took $((SECONDS - start)) s" >&3
    local cert=$ACME_DIR/lego/certificates/$ZONE.crt
    [[ -s $cert ]] || fail_with "no certificate at $cert"
    run openssl x509 -in "$cert" -noout -ext subjectAltName
    assert_contains "$output" "DNS:$ZONE"
    assert_contains "$output" "DNS:*.$ZONE"
    # Cleaned up: no value left, on either edge.
    wait_edges "_acme-challenge.$ZONE" TXT "" 10
}
