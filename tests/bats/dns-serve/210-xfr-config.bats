#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# dns-serve [transfer] configuration errors: each exits 78 naming what is wrong.
# shellcheck disable=SC2154 # $output and $status are set by bats

load ../helpers
load serve_helpers

setup() {
    edge_setup
    printf 'k8Jd2mQw7rT4vX9zB3nL5pY1\n' >key
}

# check CONFIG-TEXT: dns-serve --check-config on a file holding CONFIG-TEXT.
check() {
    printf '%s\n' "$1" >c.toml
    run --separate-stderr "$SERVE" -c c.toml --key-file key --check-config
}

@test "a good [transfer] section passes --check-config" {
    echo 'hmac-sha512:xfr.example.:c2VjcmV0LXNlY3JldA==' >k.tsig
    check "$(printf '[transfer]\nallow = ["127.0.0.1", "192.0.2.0/24", "2001:db8::/32"]\ntsig_key_files = ["k.tsig"]\nrequire_tsig = true\nnotify = ["127.0.0.1:5353", "[::1]:53", "192.0.2.1"]')"
    ((status == 0)) || fail_with "$stderr"
}

@test "an address that is not one, a prefix too long, a bad notify target: exit 78" {
    check "$(printf '[transfer]\nallow = ["localhost"]')"
    ((status == 78)) || fail_with "status $status"
    assert_contains "$stderr" "transfer.allow: 'localhost' is not an address or ADDRESS/BITS"
    check "$(printf '[transfer]\nallow = ["192.0.2.0/33"]')"
    ((status == 78)) || fail_with "status $status"
    assert_contains "$stderr" "the prefix length must be 0 to 32"
    check "$(printf '[transfer]\nnotify = ["ns2.example:53"]')"
    ((status == 78)) || fail_with "status $status"
    assert_contains "$stderr" "transfer.notify: 'ns2.example:53': not an IP address"
    check "$(printf '[transfer]\nnotify_attempts = 0')"
    ((status == 78)) || fail_with "status $status"
}

@test "TSIG keys: a missing file, a bad key, an unknown algorithm, require_tsig without a key: exit 78" {
    check "$(printf '[transfer]\ntsig_key_files = ["nope.tsig"]')"
    ((status == 78)) || fail_with "status $status"
    assert_contains "$stderr" "nope.tsig"
    echo 'hmac-sha256:xfr.example.:not base64!' >bad.tsig
    check "$(printf '[transfer]\ntsig_key_files = ["bad.tsig"]')"
    ((status == 78)) || fail_with "status $status"
    assert_contains "$stderr" "TSIG key file bad.tsig: TSIG key 'xfr.example.': the secret is not base64"
    echo 'hmac-md5:xfr.example.:c2VjcmV0' >md5.tsig
    check "$(printf '[transfer]\ntsig_key_files = ["md5.tsig"]')"
    ((status == 78)) || fail_with "status $status"
    assert_contains "$stderr" "TSIG algorithm 'hmac-md5' is not supported"
    check "$(printf '[transfer]\nallow = ["127.0.0.1"]\nrequire_tsig = true')"
    ((status == 78)) || fail_with "status $status"
    assert_contains "$stderr" "transfer.require_tsig is set but transfer.tsig_key_files names no key"
}
