# SPDX-License-Identifier: MIT
# What the zone-transfer tests share (160-xfr, 170-xfr-bind): the key, an edge configuration
# with a [transfer] section, the example zone pushed and changed.

SECRET=c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LTAxMjM0NTY3
# shellcheck disable=SC2034 # a wrong secret, for the test files
OTHER=b3RoZXItb3RoZXItb3RoZXItb3RoZXItb3RoZXItMDEyMzQ1

setup() {
    edge_setup
    echo "hmac-sha256:xfr.example.:$SECRET" >xfr.tsig
}

teardown() {
    edge_teardown
    diff_stop_all
}

# transfer_config FILE ALLOW [REQUIRE_TSIG]: an edge configuration with a [transfer] section.
transfer_config() {
    printf '[transfer]\nallow = [%s]\ntsig_key_files = ["%s/xfr.tsig"]\nrequire_tsig = %s\n' \
        "$2" "$PWD" "${3:-false}" >"$1"
}

# push_example: PUT etc/zones/example.com.zone as zone example.com.
push_example() {
    compile "$EXAMPLE_ZONE" example.xfr
    put_zone example.com example.xfr
}

# change_www ADDRESS SERIAL: a delta that gives www.example.com the A record ADDRESS.
change_www() {
    mkdir -p new
    sed -e "s/192\.0\.2\.80/$1/" -e "s/2026112501/$2/" "$EXAMPLE_ZONE" >new/example.com.zone
    compile new/example.com.zone new.xfr
    "$MAKE_DELTA" example.xfr new.xfr >delta.xfr
    patch_zone example.com delta.xfr
    assert_status 200
    cp new.xfr example.xfr
}
