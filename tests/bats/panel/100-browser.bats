#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# The panel in Debian's Chromium (playwright-core) against MariaDB, dnsapid, two edges and `php -S`: sign-up, domain, records, propagation, dig, escaping, CSRF, isolation, phone width, no JavaScript, API keys, logout, login limits.
#
# The scenario is tests/panel/browser.mjs (with harness.mjs); its npm package (pinned in
# tests/panel/package.json and package-lock.json) is installed with `npm ci` under
# $BIN/panel-browser (panel_browser_install). Screenshots of every page go to this file's temp
# dir and are copied to $BIN/panel-screenshots.

load ../helpers
load ../dnsapid/dnsapid
load ../fanout/fanout
load panel

setup_file() {
    require_cmd php dig
    # The npm package first: a failing install should not cost a whole stack.
    panel_browser_install "$BIN/panel-browser" browser.mjs || return 1
    panel_stack_setup_file 2 || return 1
}

teardown_file() {
    panel_stack_teardown_file
}

setup() {
    panel_setup
}

teardown() {
    panel_teardown
}

@test "the panel in Chromium: the whole scenario, with screenshots of every page" {
    local shots=$BATS_FILE_TMPDIR/screenshots rc=0
    run env PANEL_URL="$PANEL_URL" DNSAPID_URL="$DNSAPID_URL" EDGE_DNS_PORTS="${EDGE_DNS[1]},${EDGE_DNS[2]}" SHOTS="$shots" \
        CHROMIUM="$CHROMIUM" node "$BIN/panel-browser/browser.mjs"
    rc=$status
    printf '# %s\n' "${lines[@]}" >&3
    panel_screenshots_keep "$shots" '[0-9]*.png' 'failure-*.png'
    ((rc == 0)) || fail_with "the browser scenario failed (screenshots in $BIN/panel-screenshots)"
    assert_line_matches "$output" '^# [0-9]+ steps passed$'
    # A screenshot of every page the scenario looks at.
    local n
    n=$(find "$shots" -name '[0-9][0-9]-*.png' | wc -l)
    ((n >= 15)) || fail_with "only $n screenshots"
}

@test "no JavaScript needed to sign in: the login form works with curl, and the CSRF token is required" {
    local jar=$BATS_TEST_TMPDIR/jar page token
    page=$(curl -s -c "$jar" -b "$jar" "$PANEL_URL/login")
    token=$(sed -n 's/.*name="csrf" value="\([0-9a-f]*\)".*/\1/p' <<<"$page" | head -n 1)
    [[ ${#token} == 64 ]] || fail_with "no CSRF token in the login form"
    run curl -s -o /dev/null -w '%{http_code}' -c "$jar" -b "$jar" "$PANEL_URL/login" \
        --data-urlencode email=nobody@example.test --data-urlencode password='wrong horse battery'
    [[ $output == 403 ]] || fail_with "a login without the CSRF token was not refused"
    run curl -s -w '\n%{http_code}' -c "$jar" -b "$jar" "$PANEL_URL/login" --data-urlencode "csrf=$token" \
        --data-urlencode email=nobody@example.test --data-urlencode password='wrong horse battery'
    [[ ${output##*$'\n'} == 401 ]] || fail_with "a wrong login was not answered 401"
    assert_contains "$output" "the email or the password is not right"
    assert_contains "$output" 'value="nobody@example.test"'
}

@test "the panel's answers carry the security headers; it keeps no key secret and logs no session token" {
    local headers
    headers=$(curl -s -D - -o /dev/null "$PANEL_URL/login" | tr -d '\r')
    assert_contains "$headers" "Content-Security-Policy: default-src 'self'; script-src 'self'"
    assert_contains "$headers" "X-Frame-Options: DENY"
    assert_contains "$headers" "Cache-Control: no-store"
    assert_line_matches "$headers" '^Set-Cookie: endpointdns_panel=[^;]+; path=/; HttpOnly; SameSite=Lax$'
    # The PHP session files hold the dnsapid tokens; nothing else does.
    run grep -rl 'eds_' "$BATS_FILE_TMPDIR/panel/log"
    ((status == 1)) || fail_with "a session token in the panel's log"
    # The secret of a key made in the panel is in one answer only: not in a session file, not logged.
    run grep -rlE 'edk_[a-z2-7]{42}' "$BATS_FILE_TMPDIR/panel"
    ((status == 1)) || fail_with "a key's secret stored by the panel: $output"
}

@test "a form larger than PHP's post_max_size: 413 with the reason and the way round it, not a CSRF refusal" {
    local big=$BATS_TEST_TMPDIR/big.zone max
    max=$(php -r 'echo ini_get("post_max_size");')
    # One byte a character: post_max_size and a megabyte more.
    # shellcheck disable=SC2016 # PHP code
    php -r '$v = ini_get("post_max_size"); $n = (int) $v * (["k" => 1 << 10, "m" => 1 << 20, "g" => 1 << 30][strtolower(substr($v, -1))] ?? 1); echo str_repeat("a", $n + (1 << 20));' >"$big"
    run curl -s -w '\n%{http_code}' -F csrf=x -F "zone=<$big" "$PANEL_URL/domains/example.test/import"
    [[ ${output##*$'\n'} == 413 ]] || fail_with "a form over post_max_size ($max) was not answered 413"
    assert_contains "$output" "larger than the panel accepts (${max}B)"
    assert_contains "$output" "PUT /v1/domains/{zone}/zone"
    # PHP logs the refused body itself; the teardown's check for PHP errors expects none else.
    local log=$BATS_FILE_TMPDIR/panel/log
    grep -q 'PHP Warning:  POST Content-Length of [0-9]* bytes exceeds the limit' "$log" ||
        fail_with "PHP did not log the refused body"
    sed -i '/PHP Warning:  POST Content-Length of [0-9]* bytes exceeds the limit/d' "$log"
    # A small form without the token is still refused as such.
    run curl -s -o /dev/null -w '%{http_code}' -F zone=x "$PANEL_URL/domains/example.test/import"
    [[ $output == 403 ]] || fail_with "a form without the CSRF token: $output"
}
