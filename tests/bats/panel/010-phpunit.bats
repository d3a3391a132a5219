#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# The panel's PHPUnit tests (tests/panel/phpunit): helpers, and the API client against a real dnsapid with sign-up open.

load ../helpers
load ../dnsapid/dnsapid
load ../fanout/fanout
load panel

setup_file() {
    require_cmd php phpunit
    DNSAPID_EXTRA=$PANEL_DNSAPID_CONF
    export DNSAPID_EXTRA
    dnsapid_setup_file || return 1
    new_plan starter '{"max_domains":3,"max_records_per_domain":50,"max_calls_per_day":5000}' >/dev/null
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

@test "php -l: every PHP file of the panel and its tests parses" {
    local f
    while IFS= read -r -d '' f; do
        run php -l "$f"
        ((status == 0)) || fail_with "php -l $f"
    done < <(find "$SRC/panel" "$SRC/tests/panel/phpunit" -name '*.php' -print0)
}

@test "PHPUnit: the helpers and the API client against dnsapid" {
    run env DNSAPID_URL="$DNSAPID_URL" ADMIN_KEY="$ADMIN_KEY" phpunit -c "$SRC/tests/panel/phpunit/phpunit.xml"
    echo "# ${output##*$'\n'}" >&3
    ((status == 0)) || fail_with "phpunit failed"
    assert_line_matches "$output" '^OK \([0-9]+ tests, [0-9]+ assertions\)$'
}
