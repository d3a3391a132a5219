#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# The panel's admin pages in Debian's Chromium (playwright-core) against MariaDB, dnsapid with sign-up closed, two edges and `php -S`: accounts, plans, name servers, an edge killed and synced again, 403 for others, CSRF, phone width.
#
# The scenario is tests/panel/browser-admin.mjs (with harness.mjs). Its npm package is the one
# of 100-browser.bats (tests/panel/package.json and package-lock.json), installed with `npm ci`
# under $BIN/panel-browser-admin (not $BIN/panel-browser, which 100-browser.bats may be
# installing at the same moment). Screenshots go to this file's temp dir and are copied to
# $BIN/panel-screenshots as admin-*.png. The scenario stops and starts edge ns2 with
# edge-ctl.bash.

load ../helpers
load ../dnsapid/dnsapid
load ../fanout/fanout
load panel

PASSWORD='correct horse battery'

setup_file() {
    require_cmd php dig
    panel_browser_install "$BIN/panel-browser-admin" browser-admin.mjs || return 1
    # The stack of panel.bash, with sign-up closed: accounts and users are the admin's to make.
    PANEL_DNSAPID_CONF=${PANEL_DNSAPID_CONF/enabled = true/enabled = false}
    [[ $PANEL_DNSAPID_CONF == *'enabled = false'* ]] || {
        echo "PANEL_DNSAPID_CONF has no [signup] enabled = true to turn off" >&2
        return 1
    }
    panel_stack_setup_file 2 || return 1
    # The operator's account and its admin user, made with the admin key as docs/api.md says;
    # a customer's account with its owner.
    local id
    as_admin api POST /v1/accounts '{"name":"ops","plan":"free"}'
    expect_status 201 || return 1
    id=$(jb .id)
    as_admin api POST "/v1/accounts/$id/users" "$(jq -cn --arg p "$PASSWORD" '{email: "ops@example.test", password: $p, role: "admin"}')"
    expect_status 201 || return 1
    as_admin api POST /v1/accounts '{"name":"shop","plan":"starter"}'
    expect_status 201 || return 1
    id=$(jb .id)
    as_admin api POST "/v1/accounts/$id/users" "$(jq -cn --arg p "$PASSWORD" '{email: "dev@shop.example", password: $p}')"
    expect_status 201
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

@test "the admin pages in Chromium: the whole scenario, with screenshots of every page" {
    local shots=$BATS_FILE_TMPDIR/screenshots rc=0
    run env PANEL_URL="$PANEL_URL" DNSAPID_URL="$DNSAPID_URL" SHOTS="$shots" CHROMIUM="$CHROMIUM" \
        ADMIN_EMAIL=ops@example.test USER_EMAIL=dev@shop.example PASSWORD="$PASSWORD" \
        EDGE_DNS_PORTS="${EDGE_DNS[1]},${EDGE_DNS[2]}" PANEL_SESSIONS="$BATS_FILE_TMPDIR/panel/sessions" \
        EDGE_CTL="$SRC/tests/bats/panel/edge-ctl.bash" BIN="$BIN" SRC="$SRC" BATS_FILE_TMPDIR="$BATS_FILE_TMPDIR" \
        node "$BIN/panel-browser-admin/browser-admin.mjs"
    rc=$status
    printf '# %s\n' "${lines[@]}" >&3
    panel_screenshots_keep "$shots" 'admin-*.png'
    ((rc == 0)) || fail_with "the admin scenario failed (screenshots in $BIN/panel-screenshots)"
    assert_line_matches "$output" '^# [0-9]+ steps passed$'
    local n
    n=$(find "$shots" -name 'admin-[0-9][0-9]-*.png' | wc -l)
    ((n >= 12)) || fail_with "only $n screenshots"
    # Both edges answer again: ns2 came back and was caught up (the scenario waited for it).
    edges_load
    run edge_dig 2 new-after-kill.test SOA
    assert_line_matches "$output" '^ns1\.endpointdns\.test\. hostmaster\.endpointdns\.test\. [0-9]+ '
}

@test "without JavaScript or a browser: a non-admin gets 403 on every admin route, GET or POST" {
    local jar=$BATS_TEST_TMPDIR/jar page token path code
    page=$(curl -s -c "$jar" -b "$jar" "$PANEL_URL/login")
    token=$(sed -n 's/.*name="csrf" value="\([0-9a-f]*\)".*/\1/p' <<<"$page" | head -n 1)
    run curl -s -o /dev/null -w '%{http_code}' -c "$jar" -b "$jar" "$PANEL_URL/login" --data-urlencode "csrf=$token" \
        --data-urlencode email=dev@shop.example --data-urlencode "password=$PASSWORD"
    [[ $output == 303 ]] || fail_with "the owner's sign-in was not answered 303"
    page=$(curl -s -c "$jar" -b "$jar" "$PANEL_URL/dashboard")
    refute_contains "$page" '/admin'
    token=$(sed -n 's/.*name="csrf" value="\([0-9a-f]*\)".*/\1/p' <<<"$page" | head -n 1)
    for path in /admin /admin/accounts /admin/accounts/1 /admin/plans /admin/plans/free /admin/servers; do
        run curl -s -w '\n%{http_code}' -b "$jar" "$PANEL_URL$path"
        [[ ${output##*$'\n'} == 403 ]] || fail_with "GET $path was not 403"
        assert_contains "$output" '<h1>Admins only</h1>'
    done
    for path in /admin/accounts /admin/accounts/1/plan /admin/accounts/1/users /admin/plans /admin/plans/free /admin/servers/ns1/sync; do
        code=$(curl -s -o /dev/null -w '%{http_code}' -b "$jar" "$PANEL_URL$path" --data-urlencode "csrf=$token" \
            --data-urlencode name=sneaky --data-urlencode plan=free --data-urlencode max_domains=0)
        [[ $code == 403 ]] || fail_with "POST $path was $code, not 403"
    done
    # Signed out: the sign-in page, not the admin page.
    run curl -s -o /dev/null -w '%{http_code} %{redirect_url}' "$PANEL_URL/admin/servers"
    [[ $output == "303 $PANEL_URL/login" ]] || fail_with "GET /admin/servers signed out"
    as_admin api GET /v1/plans/sneaky
    expect_status 404
}
