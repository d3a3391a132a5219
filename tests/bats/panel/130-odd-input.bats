#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# The panel against odd input (curl, no JavaScript): arrays where text is expected, text that is not UTF-8, a forged ETag, a restore without its serial, "." and ".." as names, an owner holding "/" — clear answers, never a PHP warning, never a header of the user's making.

# shellcheck disable=SC2154 # code, page, token and ZONE are set by web and panel_user (panel.bash)
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

setup() { panel_setup; }
teardown() { panel_teardown; }

@test "arrays where a page expects text (?q[]=, ?sort[]=, owner[]=, zone[]=, ...): answered, no PHP warning (the teardown checks the log)" {
    panel_user arrays
    local p
    for p in "?q[]=x" "?sort[]=ttl&dir[]=desc" "?change[]=1"; do
        web GET "/domains/$ZONE$p"
        expect_code 200
    done
    web GET "/domains/$ZONE/history?cursor[]=1&limit[]=2"
    expect_code 200
    web GET "/domains/$ZONE/history?cursor=0"
    expect_code 200
    web GET "/keys?template[]=acme&domain[]=x"
    expect_code 200
    web GET "/domains/$ZONE"
    web POST "/domains/$ZONE/rrsets/delete" --data-urlencode "csrf=$token" -d 'owner[]=x' -d 'type[]=A'
    [[ $code == 303 || $code == 404 || $code == 422 ]] || fail_with "delete with arrays: HTTP $code"
    web GET "/domains/$ZONE/import"
    web POST "/domains/$ZONE/import" --data-urlencode "csrf=$token" -d 'zone[]=x'
    expect_code 422
    assert_contains "$page" "not a text file"
    web GET "/domains/$ZONE/rrsets/mail/A/edit"
    web POST "/domains/$ZONE/rrsets/mail/A/edit" --data-urlencode "csrf=$token" -d 'records[]=1' -d 'ttl[]=1' -d 'etag[]=1'
    expect_code 422
}

@test "text that is not UTF-8 in a form: dnsapid's field error (U+FFFD shown), not a 500" {
    panel_user utf8
    web GET /dashboard
    web POST /domains --data-urlencode "csrf=$token" --data "name=bad%FF.test"
    [[ $code == 422 ]] || fail_with "a domain name with %FF: HTTP $code: $(head -c 2000 <<<"$page")"
    assert_contains "$page" 'aria-invalid="true"'
    web GET "/domains/$ZONE/rrsets/mail/A/edit"
    web POST "/domains/$ZONE/rrsets/mail/A/edit" --data-urlencode "csrf=$token" --data "etag=&ttl=&records=192.0.2.%FF"
    expect_code 422
    assert_contains "$page" 'id="err-ed-records"'
}

@test "an edit form's ETag is checked: a line break cannot add a header (history keeps the true address); a forged one shows the RRset as it is" {
    panel_user etag
    web GET "/domains/$ZONE/rrsets/mail/A/edit"
    post "/domains/$ZONE/rrsets/mail/A/edit" $'etag=*\r\nX-Forwarded-For: 203.0.113.66' ttl= records=192.0.2.77
    expect_code 409
    assert_contains "$page" "did not say which version of the RRset it was made on"
    assert_contains "$page" 'id="records-now"'
    web GET "/domains/$ZONE/history"
    [[ $page != *203.0.113.66* ]] || fail_with "the forged address reached the history"
    web GET "/domains/$ZONE"
    [[ $page != *192.0.2.77* ]] || fail_with "the forged edit was applied"
    # The form as the panel wrote it (its ETag from the 409 page) saves.
    web GET "/domains/$ZONE/rrsets/mail/A/edit"
    local etag
    etag=$(sed -n 's/.*name="etag" value="\([^"]*\)".*/\1/p' <<<"$page" | head -n 1)
    post "/domains/$ZONE/rrsets/mail/A/edit" "etag=${etag//&quot;/\"}" ttl= records=192.0.2.77
    expect_code 303
}

@test "an edit whose RRset was deleted meanwhile: said so, the records kept, and saving again creates it" {
    panel_user gone
    web GET "/domains/$ZONE/rrsets/mail/A/edit"
    local etag
    etag=$(sed -n 's/.*name="etag" value="\([^"]*\)".*/\1/p' <<<"$page" | head -n 1)
    etag=${etag//&quot;/\"}
    post "/domains/$ZONE/rrsets/delete" "owner=mail.$ZONE." type=A
    expect_code 303
    post "/domains/$ZONE/rrsets/mail/A/edit" "etag=$etag" ttl=300 records=192.0.2.26
    [[ $code == 412 || $code == 404 ]] || fail_with "expected 412 or 404, got $code"
    assert_contains "$page" "was deleted after you opened this form"
    assert_contains "$page" "192.0.2.26"
    post "/domains/$ZONE/rrsets/mail/A/edit" etag= ttl=300 records=192.0.2.26
    expect_code 303
    web GET "/domains/$ZONE"
    assert_contains "$page" "192.0.2.26"
}

@test "a restore without the zone's serial it was asked on: nothing restored, the version page says why" {
    panel_user restore
    local before bad
    web GET "/domains/$ZONE/history"
    before=$(grep -c 'data-serial=' <<<"$page")
    web GET "/domains/$ZONE/history/2"
    for bad in 'if_match[]=1' 'if_match=abc' ''; do
        post "/domains/$ZONE/history/2/restore" confirm=yes ${bad:+"$bad"}
        expect_code 422
        assert_contains "$page" "Nothing was restored: the form did not say which state"
    done
    web GET "/domains/$ZONE/history"
    assert_eq "$(grep -c 'data-serial=' <<<"$page")" "$before" "versions after the refused restores"
}

@test "'.' and '..' are never names: not found, and nothing reaches another path of dnsapid" {
    panel_user dots
    local p
    for p in /domains/./import /domains/../export /domains/./history "/domains/$ZONE/rrsets/../zone/edit" "/domains/$ZONE/rrsets/./A/edit"; do
        web GET "$p" --path-as-is
        expect_code 404
    done
    web GET "/domains/$ZONE"
    web POST "/domains/$ZONE/rrsets/../zone/edit" --path-as-is --data-urlencode "csrf=$token" -d records=x
    expect_code 404
}

@test "an owner holding '/' (RFC 2317, 0/26): its Edit link opens, saves, and Delete removes it" {
    panel_user slash
    post "/domains/$ZONE/records" name=0/26 type=CNAME ttl=300 "records=0.0/26.$ZONE."
    expect_code 303
    web GET "/domains/$ZONE"
    assert_contains "$page" "href=\"/domains/$ZONE/rrsets/0%2F26/CNAME/edit\""
    web GET "/domains/$ZONE/rrsets/0%2F26/CNAME/edit"
    expect_code 200
    assert_contains "$page" "Edit 0/26.$ZONE. CNAME"
    local etag
    etag=$(sed -n 's/.*name="etag" value="\([^"]*\)".*/\1/p' <<<"$page" | head -n 1)
    post "/domains/$ZONE/rrsets/0%2F26/CNAME/edit" "etag=${etag//&quot;/\"}" ttl=600 "records=1.0/26.$ZONE."
    expect_code 303
    web GET "/domains/$ZONE"
    assert_contains "$page" "1.0/26.$ZONE."
    post "/domains/$ZONE/rrsets/delete" "owner=0/26.$ZONE." type=CNAME
    expect_code 303
    web GET "/domains/$ZONE"
    [[ $page != *"1.0/26.$ZONE."* ]] || fail_with "the RRset at 0/26 was not deleted"
}
