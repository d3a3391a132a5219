#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# The panel's zone history without JavaScript (curl) against MariaDB, dnsapid and `php -S`: versions page by page, a version's diff, the restore question, a stale restore (412), 404 and 410 pages, CSRF, isolation.

# shellcheck disable=SC2153,SC2154 # code, page, token and ZONE are set by web and panel_user (panel.bash)
load ../helpers
load ../dnsapid/dnsapid
load ../fanout/fanout
load panel

setup_file() {
    require_cmd php
    panel_stack_setup_file 0 || return 1
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

@test "history without JavaScript: versions page by page, a version's diff and the zone then, the question page, the restore" {
    panel_user alice
    web GET "/domains/$ZONE"
    assert_contains "$page" "<a href=\"/domains/$ZONE/history\">History"
    web GET "/domains/$ZONE/history"
    expect_code 200
    assert_contains "$page" "<h1>History of $ZONE</h1>"
    run grep -o 'data-serial="[0-9]*"' <<<"$page"
    assert_eq "$(tr '\n' ' ' <<<"$output")" 'data-serial="4" data-serial="3" data-serial="2" data-serial="1" ' "versions listed"
    assert_contains "$page" "DELETE www.$ZONE"
    assert_contains "$page" "you, in this session (eds_"
    # Two a page: the older ones behind the cursor, the newest behind a link back.
    web GET "/domains/$ZONE/history?limit=2"
    assert_contains "$page" "href=\"/domains/$ZONE/history?cursor=3&amp;limit=2\" id=\"older\""
    web GET "/domains/$ZONE/history?cursor=3&limit=2"
    run grep -o 'data-serial="[0-9]*"' <<<"$page"
    assert_eq "$(tr '\n' ' ' <<<"$output")" 'data-serial="2" data-serial="1" ' "older versions"
    assert_contains "$page" 'id="newest"'
    refute_contains "$page" 'id="older"'

    # Version 3, the delete: the record removed, the zone then without it.
    web GET "/domains/$ZONE/history/3"
    expect_code 200
    assert_contains "$page" "<h1>Version 3 of $ZONE</h1>"
    assert_contains "$page" '<span class="sign" aria-hidden="true">−</span> removed</td>'
    assert_contains "$page" '<td class="records">192.0.2.10</td>'
    assert_contains "$page" '<details id="zone-then">'
    assert_contains "$page" 'name="if_match" value="4"'
    # The form without confirm=yes (no script to ask): the question, with what the restore changes.
    web GET "/domains/$ZONE/history/2"
    post "/domains/$ZONE/history/2/restore" confirm= if_match=4
    expect_code 200
    assert_contains "$page" "<h1>Restore $ZONE to version 2?</h1>"
    assert_contains "$page" '1 record removed and 1 record added'
    assert_contains "$page" '<input type="hidden" name="confirm" value="yes">'
    assert_contains "$page" '<input type="hidden" name="if_match" value="4">'
    web GET "/domains/$ZONE"
    assert_contains "$page" 'Serial 4 ·'
    web GET "/domains/$ZONE/history/2"
    # Its button: restored, and the domain page follows the change.
    post "/domains/$ZONE/history/2/restore" confirm=yes if_match=4
    expect_code 303
    [[ $location =~ /domains/$ZONE\?change=[0-9]+$ ]] || fail_with "redirected to $location"
    web GET "${location#"$PANEL_URL"}"
    assert_contains "$page" "Restored version 2 of $ZONE as serial 5 (RRsets: 1 created, 0 changed, 1 deleted)."
    assert_contains "$page" '<div class="record">192.0.2.10</div>'
    refute_contains "$page" '192.0.2.25'
    assert_contains "$page" 'id="propagation"'
    # The newest version is the zone now: nothing to restore.
    web GET "/domains/$ZONE/history/5"
    assert_contains "$page" 'restore to serial 2'
    assert_contains "$page" 'id="is-current"'
    refute_contains "$page" 'id="restore"'
}

@test "a restore based on a stale view is 412: nothing restored, the page says the zone changed and asks again on the zone as it is" {
    panel_user stale
    web GET "/domains/$ZONE/history/2"
    post "/domains/$ZONE/history/2/restore" confirm=yes if_match=3
    expect_code 412
    assert_contains "$page" 'id="restore-error"'
    assert_contains "$page" "Nothing was restored: $ZONE has changed since you opened this page (it was at serial 3, it is now at serial 4)."
    assert_contains "$page" 'name="if_match" value="4"'
    assert_contains "$page" '<td class="records">192.0.2.25</td>'
    web GET "/domains/$ZONE/history"
    assert_contains "$page" 'data-serial="4"'
    refute_contains "$page" 'data-serial="5"'
}

@test "a version that does not exist is 404, one the journal cannot rebuild 410: pages that say so, with the way back" {
    panel_user gone
    web GET "/domains/$ZONE/history/99"
    expect_code 404
    assert_contains "$page" "<h1>There is no version 99 of $ZONE</h1>"
    assert_contains "$page" "its versions are the serials 1 to 4"
    assert_contains "$page" "<a href=\"/domains/$ZONE/history\">The history of $ZONE</a>"
    mariadb_sql "DELETE FROM changes WHERE zone = '$ZONE' AND serial_to = 3"
    web GET "/domains/$ZONE/history/2"
    expect_code 410
    assert_contains "$page" "<h1>Version 2 of $ZONE can no longer be shown</h1>"
    assert_contains "$page" "lacks the change to serial 3"
    assert_contains "$page" "cannot be"
    web GET "/domains/$ZONE/history/4"
    expect_code 200
    post "/domains/$ZONE/history/2/restore" confirm=yes if_match=4
    expect_code 410
    post "/domains/$ZONE/history/2/restore" confirm= if_match=4
    expect_code 410
    web GET "/domains/$ZONE/history"
    assert_contains "$page" 'data-serial="4"'
    refute_contains "$page" 'data-serial="5"'
}

@test "a restore needs the CSRF token; another account's history and restore are not found" {
    panel_user owner
    local zone=$ZONE jar=$JAR
    web POST "/domains/$zone/history/2/restore" --data-urlencode confirm=yes
    expect_code 403
    assert_contains "$page" "security token (CSRF)"
    panel_user other
    web GET "/domains/$zone/history"
    expect_code 404
    web GET "/domains/$zone/history/2"
    expect_code 404
    refute_contains "$page" "192.0.2.10"
    web GET /dashboard
    post "/domains/$zone/history/2/restore" confirm=yes
    expect_code 404
    JAR=$jar
    web GET "/domains/$zone"
    assert_contains "$page" 'Serial 4 ·'
}
