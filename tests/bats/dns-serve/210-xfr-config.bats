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

# check_keyed TEXT: check on [transfer] with the key file a.tsig, then TEXT (with \n escapes).
check_keyed() {
    check "$(printf '[transfer]\ntsig_key_files = ["a.tsig"]\n%b' "$1")"
}

# expect_78 [TEXT...]: the last check exited 78 (configuration error), its stderr holding
# every TEXT.
expect_78() {
    ((status == 78)) || fail_with "status $status, not 78: $stderr"
    local t
    for t in "$@"; do assert_contains "$stderr" "$t"; done
}

@test "a good [transfer] section passes --check-config" {
    echo 'hmac-sha512:xfr.example.:c2VjcmV0LXNlY3JldA==' >k.tsig
    check "$(printf '[transfer]\nallow = ["127.0.0.1", "192.0.2.0/24", "2001:db8::/32"]\ntsig_key_files = ["k.tsig"]\nrequire_tsig = true\nnotify = ["127.0.0.1:5353", "[::1]:53", "192.0.2.1"]')"
    ((status == 0)) || fail_with "$stderr"
}

@test "an address that is not one, a prefix too long, a bad notify target: exit 78" {
    check "$(printf '[transfer]\nallow = ["localhost"]')"
    expect_78 "transfer.allow: 'localhost' is not an address or ADDRESS/BITS"
    check "$(printf '[transfer]\nallow = ["192.0.2.0/33"]')"
    expect_78 "the prefix length must be 0 to 32"
    check "$(printf '[transfer]\nnotify = ["ns2.example:53"]')"
    expect_78 "transfer.notify: 'ns2.example:53': not an IP address"
    check "$(printf '[transfer]\nnotify_attempts = 0')"
    expect_78
}

@test "TSIG keys: a missing file, a bad key, an unknown algorithm, require_tsig without a key: exit 78" {
    check "$(printf '[transfer]\ntsig_key_files = ["nope.tsig"]')"
    expect_78 "nope.tsig"
    echo 'hmac-sha256:xfr.example.:not base64!' >bad.tsig
    check "$(printf '[transfer]\ntsig_key_files = ["bad.tsig"]')"
    expect_78 "bad.tsig:1: the secret is not base64 (a character '!')"
    echo 'hmac-md5:xfr.example.:c2VjcmV0' >md5.tsig
    check "$(printf '[transfer]\ntsig_key_files = ["md5.tsig"]')"
    expect_78 "md5.tsig:1: key xfr.example.: TSIG algorithm 'hmac-md5' is not supported"
    check "$(printf '[transfer]\nallow = ["127.0.0.1"]\nrequire_tsig = true')"
    expect_78 "transfer.require_tsig is set but transfer.tsig_key_files names no key"
}

@test "key files of several keys, in the dig -y and tsig-keygen forms, and [[transfer.zone]] entries pass" {
    printf '%s\n' '# two keys, one a line' 'hmac-sha256:a.example.:c2VjcmV0LXNlY3JldA==' \
        'hmac-sha512:b.example:c2VjcmV0LXNlY3JldA==' >lines.tsig
    if command -v tsig-keygen >/dev/null; then
        { tsig-keygen c.example; tsig-keygen -a hmac-sha512 d.example; } >bind.key
    else
        printf 'key "%s" {\n\talgorithm hmac-sha256;\n\tsecret "c2VjcmV0LXNlY3JldA==";\n};\n' \
            c.example d.example >bind.key
    fi
    check "$(printf '[transfer]\nallow = ["127.0.0.1"]\ntsig_key_files = ["lines.tsig", "bind.key"]\nrequire_tsig = true\nnotify = ["127.0.0.1:5353"]\n\n[[transfer.zone]]\nname = "example.com"\nallow = ["192.0.2.0/24", "::ffff:198.51.100.0/120"]\ntsig_keys = ["a.example", "c.example."]\nnotify = []\n\n[[transfer.zone]]\nname = "example.org."\nallow = []\n')"
    ((status == 0)) || fail_with "$stderr"
}

@test "[[transfer.zone]] errors: exit 78 with file:line:col and the entry" {
    echo 'hmac-sha256:a.example.:c2VjcmV0LXNlY3JldA==' >a.tsig
    check_keyed '[[transfer.zone]]\nallow = []'
    expect_78 "c.toml:3:1: transfer.zone[1].name is missing"
    check_keyed '[[transfer.zone]]\nname = "a.example"\n[[transfer.zone]]\nname = "b.example"\nallow = ["192.0.2.0/33"]'
    expect_78 "c.toml:7:9: transfer.zone[2].allow: '192.0.2.0/33': the prefix length must be 0 to 32"
    check_keyed '[[transfer.zone]]\nname = "a.example"\ntsig_keys = ["b.example"]'
    expect_78 "c.toml:5:13: transfer.zone[1].tsig_keys: no key 'b.example' in the files of transfer.tsig_key_files"
    check_keyed '[[transfer.zone]]\nname = "a.example"\n[[transfer.zone]]\nname = "A.EXAMPLE."'
    expect_78 "c.toml:6:8: transfer.zone[2].name: zone A.EXAMPLE. has an earlier [[transfer.zone]] entry already"
    check_keyed '[[transfer.zone]]\nname = "a.example"\nalow = []'
    expect_78 "c.toml:5:1: unknown key 'alow' in [[transfer.zone]]"
    check_keyed '[[transfer.zone]]\nname = "a.example"\nrequire_tsig = "yes"'
    expect_78 "c.toml:5:16: transfer.zone[1].require_tsig must be true or false"
    check_keyed '[[transfer.zone]]\nname = "a.example"\nnotify = ["ns2.example"]'
    expect_78 "c.toml:5:10: transfer.zone[1].notify: 'ns2.example': not an IP address"
    # One table instead of an array of tables.
    check_keyed '[transfer.zone]\nname = "a.example"'
    expect_78 "transfer.zone must be an array of tables ([[transfer.zone]])"
    # TSIG required for a zone no key may transfer.
    check_keyed '[[transfer.zone]]\nname = "a.example"\nallow = ["127.0.0.1"]\ntsig_keys = []\nrequire_tsig = true'
    expect_78 "c.toml:3:1: transfer.zone[1].require_tsig: TSIG is required for zone a.example. but no key may transfer it"
}

@test "key files: errors name the file and line, a key defined twice is refused: exit 78" {
    printf '%s\n' 'key "a.example" {' '  algorithm hmac-sha256;' '  secret "c2VjcmV0LXNlY3JldA==";' '};' \
        'key "b.example" {' '  algorithm hmac-sha3;' '};' >two.key
    check "$(printf '[transfer]\ntsig_key_files = ["two.key"]')"
    expect_78 "two.key:6: unknown TSIG algorithm 'hmac-sha3'"
    printf '%s\n' 'hmac-sha256:a.example:c2VjcmV0LXNlY3JldA==' '' 'hmac-sha256:A.example.:c2VjcmV0LXNlY3JldA==' >dup.tsig
    check "$(printf '[transfer]\ntsig_key_files = ["dup.tsig"]')"
    expect_78 "dup.tsig:3: key a.example. is defined twice (first at dup.tsig:1)"
    : >empty.tsig
    check "$(printf '[transfer]\ntsig_key_files = ["empty.tsig"]')"
    expect_78 "empty.tsig: the file holds no key"
}
