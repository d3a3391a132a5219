#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# contrib/certbot-hook: usage, settings and the exit codes that need no API.

load ../helpers

HOOK="$SRC/contrib/certbot-hook"

setup() {
    cd "$BATS_TEST_TMPDIR" || return 1
    require_cmd curl jq
    unset ENDPOINTDNS_API_URL ENDPOINTDNS_API_KEY ENDPOINTDNS_API_KEY_FILE ENDPOINTDNS_WAIT \
        ENDPOINTDNS_ACME_TTL CERTBOT_DOMAIN CERTBOT_VALIDATION CERTBOT_AUTH_OUTPUT
}

@test "--help says how to call it and which settings it reads; exit 0" {
    run -0 "$HOOK" --help
    assert_contains "$output" "certbot-hook present|cleanup FQDN VALUE"
    local v
    for v in ENDPOINTDNS_API_URL ENDPOINTDNS_API_KEY ENDPOINTDNS_API_KEY_FILE ENDPOINTDNS_WAIT \
        ENDPOINTDNS_ACME_TTL; do
        assert_contains "$output" "$v"
    done
}

@test "an unknown mode or a wrong number of arguments is 64" {
    run -64 "$HOOK" frobnicate
    assert_contains "$output" "usage:"
    run -64 "$HOOK" present _acme-challenge.example.com.
    assert_contains "$output" "usage: certbot-hook present FQDN VALUE"
    run -64 "$HOOK" auth extra
    run -64 "$HOOK" cleanup only-one
}

@test "outside certbot, without CERTBOT_DOMAIN, it says how to run it; 64" {
    run -64 "$HOOK"
    assert_contains "$output" "certbot-hook: CERTBOT_DOMAIN is not set"
    CERTBOT_DOMAIN=example.com run -64 "$HOOK" auth
    assert_contains "$output" "CERTBOT_VALIDATION is not set"
}

@test "a value that is not base64url, or a name that is not a DNS name, is 64 before any request" {
    ENDPOINTDNS_API_URL=http://127.0.0.1:9 ENDPOINTDNS_API_KEY=edk_x \
        run -64 "$HOOK" present _acme-challenge.example.com. 'a"b'
    assert_contains "$output" "not an ACME DNS-01 value"
    ENDPOINTDNS_API_URL=http://127.0.0.1:9 ENDPOINTDNS_API_KEY=edk_x \
        run -64 "$HOOK" present '_acme-challenge.exa mple.com.' abc
    assert_contains "$output" "not a DNS name"
}

@test "no API URL, no key, an unreadable or empty key file: 78 naming the setting" {
    run -78 "$HOOK" present _acme-challenge.example.com. abc
    assert_contains "$output" "ENDPOINTDNS_API_URL is not set"
    export ENDPOINTDNS_API_URL=http://127.0.0.1:9
    run -78 "$HOOK" present _acme-challenge.example.com. abc
    assert_contains "$output" "set ENDPOINTDNS_API_KEY or ENDPOINTDNS_API_KEY_FILE"
    ENDPOINTDNS_API_KEY_FILE=$BATS_TEST_TMPDIR/none run -78 "$HOOK" present _acme-challenge.example.com. abc
    assert_contains "$output" "cannot read ENDPOINTDNS_API_KEY_FILE"
    : >empty.key
    ENDPOINTDNS_API_KEY_FILE=empty.key run -78 "$HOOK" present _acme-challenge.example.com. abc
    assert_contains "$output" "is empty"
    ENDPOINTDNS_API_KEY=edk_x ENDPOINTDNS_WAIT=soon run -78 "$HOOK" present _acme-challenge.example.com. abc
    assert_contains "$output" "ENDPOINTDNS_WAIT must be whole seconds"
}

@test "an API that cannot be reached is 69 with curl's reason" {
    local port
    port=$(free_port)
    ENDPOINTDNS_API_URL=http://127.0.0.1:$port/v1/ ENDPOINTDNS_API_KEY=edk_x \
        run -69 "$HOOK" present _acme-challenge.example.com. abc
    assert_contains "$output" "certbot-hook: listing the key's domains: cannot reach http://127.0.0.1:$port:"
}

@test "the hook is POSIX sh and shellcheck clean" {
    require_cmd shellcheck
    run -0 shellcheck -s sh "$HOOK"
    run -0 head -n 1 "$HOOK"
    assert_eq "$output" "#!/bin/sh"
}

# assert_eq ACTUAL EXPECTED
assert_eq() {
    [[ $1 == "$2" ]] || fail_with "expected '$2', got '$1'"
}
