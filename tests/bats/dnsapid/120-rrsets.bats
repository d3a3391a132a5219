#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# dnsapid RRsets: replace/get/delete, owners, record-level add/remove, atomic batches, ETag/If-Match, listing, serials.
#
# api (dnsapid.bash) sets status_code, body and headers and reads KEY; zone files hold $ORIGIN.
# shellcheck disable=SC2154,SC2034,SC2016,SC2030,SC2031

load ../helpers
load dnsapid

setup_file() {
    dnsapid_setup_file
    KEY_A=$(new_account alpha free)
    export KEY_A
}

teardown_file() {
    dnsapid_teardown_file
}

setup() {
    dnsapid_setup
    KEY=$KEY_A
}

teardown() {
    dnsapid_teardown
}

# expect_write SERIAL: the last answer is a 200 write that moved the zone to SERIAL, with a
# change {id, serial} and the serial in X-Zone-Serial.
expect_write() {
    expect_status 200 || return 1
    assert_eq "$(jb .serial)" "$1" serial || return 1
    assert_eq "$(jb .change.serial)" "$1" change.serial || return 1
    [[ $(jb .change.id) =~ ^[1-9][0-9]*$ ]] || api_fail "change.id is not a positive integer"
}

@test "PUT, GET and DELETE an RRset; each write returns a change id and the new serial" {
    new_domain basic.test
    api PUT /v1/domains/basic.test/rrsets/www/A '{"ttl":300,"records":["192.0.2.1","192.0.2.2"]}'
    expect_write 2
    local c1
    c1=$(jb .change.id)
    assert_eq "$(header ETag)" '"2"' ETag
    assert_eq "$(header X-Zone-Serial)" 2 X-Zone-Serial
    assert_eq "$(jb .rrset.name)" www.basic.test. name
    assert_eq "$(jb .rrset.subname)" www subname
    assert_eq "$(jb .rrset.type)" A type
    assert_eq "$(jb .rrset.ttl)" 300 ttl
    assert_eq "$(jb '.rrset.records | sort | join(",")')" 192.0.2.1,192.0.2.2 records

    api GET /v1/domains/basic.test/rrsets/www/A
    expect_status 200
    assert_eq "$(header ETag)" '"2"' "ETag of GET"
    assert_eq "$(jb '.records | sort | join(",")')" 192.0.2.1,192.0.2.2 "records of GET"
    assert_eq "$(jb .ttl)" 300

    api PUT /v1/domains/basic.test/rrsets/www/A '{"ttl":600,"records":["192.0.2.3"]}'
    expect_write 3
    (($(jb .change.id) > c1)) || api_fail "change ids do not increase"
    api GET /v1/domains/basic.test/rrsets/www/A
    assert_eq "$(jb '.records | join(",")')" 192.0.2.3 "records replaced"
    assert_eq "$(jb .ttl)" 600

    api DELETE /v1/domains/basic.test/rrsets/www/A
    expect_write 4
    api GET /v1/domains/basic.test/rrsets/www/A
    expect_problem 404 not-found
    api DELETE /v1/domains/basic.test/rrsets/www/A
    expect_problem 404 not-found
    assert_eq "$(zone_serial basic.test)" 4 "serial after deleting nothing"

    # PUT with an empty list deletes too.
    put_rrset basic.test txt TXT '["\"hello\""]'
    api PUT /v1/domains/basic.test/rrsets/txt/TXT '{"records":[]}'
    expect_write 6
    api GET /v1/domains/basic.test/rrsets/txt/TXT
    expect_problem 404 not-found
}

@test "owners: relative, absolute (with or without the dot) and @ name the same RRsets" {
    new_domain owners.test
    put_rrset owners.test mail.owners.test. A '["192.0.2.25"]'
    assert_eq "$(jb .rrset.name)" mail.owners.test.
    api GET /v1/domains/owners.test/rrsets/mail/A
    expect_status 200
    assert_eq "$(jb '.records[0]')" 192.0.2.25 "absolute PUT, relative GET"
    api GET /v1/domains/owners.test/rrsets/mail.owners.test/A
    expect_status 200
    api GET /v1/domains/owners.test/rrsets/MAIL.Owners.Test./a
    expect_status 200

    put_rrset owners.test @ TXT '["\"v=spf1 -all\""]'
    assert_eq "$(jb .rrset.name)" owners.test. "apex name"
    assert_eq "$(jb .rrset.subname)" @ "apex subname"
    api GET /v1/domains/owners.test/rrsets/owners.test./TXT
    expect_status 200
    assert_eq "$(jb '.records[0]')" '"v=spf1 -all"'

    put_rrset owners.test a.b.c AAAA '["2001:db8::1"]'
    assert_eq "$(jb .rrset.name)" a.b.c.owners.test.

    # Batches resolve names the same way.
    api PATCH /v1/domains/owners.test/rrsets '[{"name":"rel","type":"A","records":["192.0.2.7"]},{"name":"abs.owners.test.","type":"A","records":["192.0.2.8"]},{"name":"@","type":"MX","records":["10 mail.owners.test."]}]'
    expect_status 200
    assert_eq "$(jb '[.rrsets[].name] | join(" ")')" "rel.owners.test. abs.owners.test. owners.test." \
        "batch names"

    # A name outside the zone is not one of its RRsets.
    api PATCH /v1/domains/owners.test/rrsets '[{"name":"www.other.test.","type":"A","records":["192.0.2.9"]}]'
    expect_problem 422 validation
    assert_eq "$(jb '.errors[0].item')" 0
    assert_eq "$(jb '.errors[0].field')" name
    api PUT /v1/domains/owners.test/rrsets/www.other.test./A '{"records":["192.0.2.9"]}'
    expect_problem 404 not-found
}

@test "record-level PATCH: a second ACME value keeps the first; removing one keeps the other; removing the last deletes" {
    new_domain acme.test
    local p=/v1/domains/acme.test/rrsets/_acme-challenge/TXT
    api PATCH "$p" '{"ttl":60,"add":["token-one"]}'
    expect_write 2
    assert_eq "$(jb '.rrset.records | join(",")')" '"token-one"'
    api PATCH "$p" '{"add":["token-two"]}'
    expect_write 3
    assert_eq "$(jb '.rrset.records | sort | join(",")')" '"token-one","token-two"' "both values"
    assert_eq "$(jb .rrset.ttl)" 60 "TTL kept"
    # Adding a value that is there already changes nothing.
    api PATCH "$p" '{"add":["token-one"]}'
    expect_status 200
    assert_eq "$(jb .change)" null "change of a no-op add"
    assert_eq "$(jb .serial)" 3 "serial of a no-op add"
    api PATCH "$p" '{"remove":["token-one"]}'
    expect_write 4
    assert_eq "$(jb '.rrset.records | join(",")')" '"token-two"' "the other value stays"
    api GET "$p"
    assert_eq "$(jb '.records | join(",")')" '"token-two"'
    # Removing a value that is not there changes nothing.
    api PATCH "$p" '{"remove":["token-three"]}'
    expect_status 200
    assert_eq "$(jb .change)" null
    api PATCH "$p" '{"remove":["token-two"]}'
    expect_write 5
    assert_eq "$(jb .rrset)" null "rrset after removing the last value"
    api GET "$p"
    expect_problem 404 not-found

    # At a deeper ACME name, and add and remove in one request.
    local q=/v1/domains/acme.test/rrsets/_acme-challenge.www/TXT
    api PATCH "$q" '{"ttl":60,"add":["a1","a2"]}'
    expect_write 6
    api PATCH "$q" '{"remove":["a1"],"add":["a3"]}'
    expect_write 7
    assert_eq "$(jb '.rrset.records | sort | join(",")')" '"a2","a3"'

    # PATCH takes add/remove, PUT takes records.
    api PATCH "$q" '{"records":["x"]}'
    expect_problem 422 validation
    api PUT "$q" '{"add":["x"]}'
    expect_problem 422 validation
    assert_eq "$(zone_serial acme.test)" 7 "serial after refused requests"
}

@test "a batch is all or nothing: one bad item is 422 naming item and field, and nothing changes" {
    new_domain batch.test
    put_rrset batch.test www A '["192.0.2.1"]'
    put_rrset batch.test mail A '["192.0.2.25"]'
    local serial0 list0
    serial0=$(zone_serial batch.test)
    list0=$(rrset_list batch.test)

    api PATCH /v1/domains/batch.test/rrsets '[
        {"name":"www","type":"A","records":["192.0.2.99"]},
        {"name":"new","type":"TXT","records":["\"fine\""]},
        {"name":"v6","type":"AAAA","records":["2001:db8::1","not-an-address"]},
        {"name":"mail","type":"A","records":[]}]'
    expect_problem 422 validation
    assert_eq "$(jb '.errors | length')" 1 "errors"
    assert_eq "$(jb '.errors[0].item')" 2 "item of the error"
    assert_eq "$(jb '.errors[0].field')" "records[1]" "field of the error"
    assert_contains "$(jb '.errors[0].detail')" not-an-address
    assert_eq "$(zone_serial batch.test)" "$serial0" "serial after the refused batch"
    assert_eq "$(rrset_list batch.test)" "$list0" "RRsets after the refused batch"

    # Several bad items: all reported, in request order.
    api PATCH /v1/domains/batch.test/rrsets '[
        {"name":"ok","type":"A","records":["192.0.2.5"]},
        {"name":"bad1","type":"MX","records":["mail.batch.test."]},
        {"name":"ok2","type":"A","records":["192.0.2.6"]},
        {"name":"bad2","type":"NOPE","records":["x"]},
        {"name":"bad3","type":"A","ttl":"long","records":["192.0.2.7"]}]'
    expect_problem 422 validation
    assert_eq "$(jb '[.errors[].item] | join(",")')" 1,3,4 "items with errors, in order"
    assert_eq "$(jb '.errors[1].field')" type
    assert_eq "$(jb '.errors[2].field')" ttl
    assert_eq "$(zone_serial batch.test)" "$serial0"
    assert_eq "$(rrset_list batch.test)" "$list0"

    # A rule broken only by the combination of items (CNAME beside A) is refused as a whole.
    api PATCH /v1/domains/batch.test/rrsets '[
        {"name":"combo","type":"A","records":["192.0.2.8"]},
        {"name":"combo","type":"CNAME","records":["www.batch.test."]}]'
    expect_problem 422 validation
    assert_eq "$(zone_serial batch.test)" "$serial0"
    assert_eq "$(rrset_list batch.test)" "$list0"

    # The same batch without the bad item is one change: the serial moves by exactly one.
    api PATCH /v1/domains/batch.test/rrsets '{"rrsets":[
        {"name":"www","type":"A","records":["192.0.2.99"]},
        {"name":"new","type":"TXT","records":["\"fine\""]},
        {"name":"v6","type":"AAAA","records":["2001:db8::1"]},
        {"name":"mail","type":"A","records":[]}]}'
    expect_write $((serial0 + 1))
    assert_eq "$(jb '.rrsets | length')" 4 "one result per item"
    assert_eq "$(jb '.rrsets[3]')" null "result of the deleting item"
    assert_eq "$(jb '.rrsets[0].records | join(",")')" 192.0.2.99
    assert_eq "$(rrset_list batch.test | grep -c -E '^(www|new|v6)\.batch\.test\. ')" 3
    api GET /v1/domains/batch.test/rrsets/mail/A
    expect_problem 404 not-found
    run -0 mariadb_sql "SELECT COUNT(*) FROM changes WHERE zone = 'batch.test' AND serial_to = $((serial0 + 1))"
    assert_eq "$output" 1 "journal rows of the batch"
}

@test "ETag and If-Match: stale 412 and nothing changed, current 200; If-None-Match: * on an existing RRset 412" {
    new_domain etag.test
    put_rrset etag.test www A '["192.0.2.1"]'
    local e1
    e1=$(header ETag)
    assert_eq "$e1" '"2"'
    api PUT /v1/domains/etag.test/rrsets/www/A '{"records":["192.0.2.2"]}' -H "If-Match: $e1"
    expect_write 3
    local e2
    e2=$(header ETag)
    assert_eq "$e2" '"3"'
    api PUT /v1/domains/etag.test/rrsets/www/A '{"records":["192.0.2.66"]}' -H "If-Match: $e1"
    expect_problem 412 precondition-failed
    api PATCH /v1/domains/etag.test/rrsets/www/A '{"add":["192.0.2.66"]}' -H "If-Match: $e1"
    expect_problem 412 precondition-failed
    api DELETE /v1/domains/etag.test/rrsets/www/A "" -H "If-Match: $e1"
    expect_problem 412 precondition-failed
    api GET /v1/domains/etag.test/rrsets/www/A
    assert_eq "$(jb '.records | join(",")')" 192.0.2.2 "records after stale writes"
    assert_eq "$(zone_serial etag.test)" 3 "serial after stale writes"

    # The ETag is the RRset's, not the zone's: a change elsewhere does not make it stale.
    put_rrset etag.test other A '["192.0.2.50"]'
    api PUT /v1/domains/etag.test/rrsets/www/A '{"records":["192.0.2.3"]}' -H "If-Match: $e2"
    expect_write 5
    api PUT /v1/domains/etag.test/rrsets/www/A '{"records":["192.0.2.4"]}' -H 'If-Match: *'
    expect_write 6
    api PUT /v1/domains/etag.test/rrsets/absent/A '{"records":["192.0.2.4"]}' -H 'If-Match: *'
    expect_problem 412 precondition-failed
    api PUT /v1/domains/etag.test/rrsets/www/A '{"records":["192.0.2.5"]}' -H 'If-Match: garbage'
    expect_problem 412 precondition-failed

    # If-None-Match: * creates only.
    api PUT /v1/domains/etag.test/rrsets/www/A '{"records":["192.0.2.99"]}' -H 'If-None-Match: *'
    expect_problem 412 precondition-failed
    api GET /v1/domains/etag.test/rrsets/www/A
    assert_eq "$(jb '.records | join(",")')" 192.0.2.4 "records after If-None-Match: *"
    api PUT /v1/domains/etag.test/rrsets/fresh/A '{"records":["192.0.2.7"]}' -H 'If-None-Match: *'
    expect_write 7

    # GET with If-None-Match.
    api GET /v1/domains/etag.test/rrsets/fresh/A "" -H 'If-None-Match: "7"'
    expect_status 304
    api GET /v1/domains/etag.test/rrsets/fresh/A "" -H 'If-None-Match: "6"'
    expect_status 200

    # A batch with the zone's ETag.
    api PATCH /v1/domains/etag.test/rrsets '[{"name":"b","type":"A","records":["192.0.2.9"]}]' \
        -H 'If-Match: "6"'
    expect_problem 412 precondition-failed
    api PATCH /v1/domains/etag.test/rrsets '[{"name":"b","type":"A","records":["192.0.2.9"]}]' \
        -H 'If-Match: "7"'
    expect_write 8
    assert_eq "$(zone_serial etag.test)" 8
}

@test "listing: SOA first, filters by name and type, pagination covers every RRset once" {
    new_domain list.test
    api PATCH /v1/domains/list.test/rrsets '[
        {"name":"www","type":"A","records":["192.0.2.1"]},
        {"name":"www","type":"AAAA","records":["2001:db8::1"]},
        {"name":"mail","type":"A","records":["192.0.2.25"]},
        {"name":"@","type":"MX","records":["10 mail.list.test."]},
        {"name":"@","type":"TXT","records":["\"v=spf1 mx -all\""]},
        {"name":"zzz","type":"TXT","records":["\"last\""]}]'
    expect_status 200
    api GET /v1/domains/list.test/rrsets
    expect_status 200
    assert_eq "$(header ETag)" '"2"' "listing ETag (the zone's)"
    assert_eq "$(jb '.items[0].type')" SOA "first item"
    assert_eq "$(jb '.items | length')" 8 "RRsets with SOA and NS"
    local all
    all=$(jb '[.items[] | "\(.subname)/\(.type)"] | join(" ")')

    api GET "/v1/domains/list.test/rrsets?name=www"
    expect_status 200
    assert_eq "$(jb '[.items[] | "\(.subname)/\(.type)"] | join(" ")')" "www/A www/AAAA" "name=www"
    api GET "/v1/domains/list.test/rrsets?type=A"
    assert_eq "$(jb '[.items[] | "\(.subname)/\(.type)"] | sort | join(" ")')" "mail/A www/A" "type=A"
    api GET "/v1/domains/list.test/rrsets?name=www&type=AAAA"
    assert_eq "$(jb '[.items[] | "\(.subname)/\(.type)"] | join(" ")')" "www/AAAA" "name and type"
    api GET "/v1/domains/list.test/rrsets?name=@"
    assert_eq "$(jb '[.items[].type] | sort | join(" ")')" "MX NS SOA TXT" "name=@"
    api GET "/v1/domains/list.test/rrsets?name=list.test.&type=SOA"
    assert_eq "$(jb '[.items[].type] | join(" ")')" SOA "type=SOA"
    api GET "/v1/domains/list.test/rrsets?name=nothing"
    expect_status 200
    assert_eq "$(jb '.items | length')" 0 "name=nothing"
    api GET "/v1/domains/list.test/rrsets?type=BOGUS"
    expect_problem 422 validation

    local seen=() cursor="" pages=0
    while :; do
        api GET "/v1/domains/list.test/rrsets?limit=3${cursor:+&cursor=$(jq -rn --arg c "$cursor" '$c | @uri')}"
        expect_status 200
        (($(jb '.items | length') <= 3)) || api_fail "a page holds more than 3 RRsets"
        mapfile -t -O "${#seen[@]}" seen < <(jb '.items[] | "\(.subname)/\(.type)"')
        cursor=$(jb '.next // empty')
        ((++pages < 10)) || api_fail "pagination does not end"
        if [[ -n $cursor ]]; then
            assert_contains "$(header Link)" 'rel="next"'
        else
            break
        fi
    done
    assert_eq "$(IFS=' '; echo "${seen[*]}")" "$all" "RRsets over all pages"
    assert_eq "$pages" 3 pages

    # A filtered listing pages too.
    api GET "/v1/domains/list.test/rrsets?type=TXT&limit=1"
    expect_status 200
    assert_eq "$(jb '.items[0].subname')" @
    cursor=$(jb .next)
    api GET "/v1/domains/list.test/rrsets?type=TXT&limit=1&cursor=$(jq -rn --arg c "$cursor" '$c | @uri')"
    assert_eq "$(jb '[.items[].subname] | join(" ")')" zzz "second TXT page"
    assert_eq "$(jb .next)" null
}

@test "the serial moves by exactly one per write; a no-op write returns change null and keeps the serial" {
    new_domain serial.test
    local s=1 i
    for i in 1 2 3; do
        api PUT /v1/domains/serial.test/rrsets/h$i/A "{\"records\":[\"192.0.2.$i\"]}"
        s=$((s + 1))
        expect_write "$s"
    done
    # The same content again: nothing to do.
    api PUT /v1/domains/serial.test/rrsets/h1/A '{"records":["192.0.2.1"]}'
    expect_status 200
    assert_eq "$(jb .change)" null "change of a no-op PUT"
    assert_eq "$(jb .serial)" "$s" "serial of a no-op PUT"
    api PATCH /v1/domains/serial.test/rrsets '[{"name":"h2","type":"A","records":["192.0.2.2"]},{"name":"h3","type":"A","records":["192.0.2.3"]}]'
    expect_status 200
    assert_eq "$(jb .change)" null "change of a no-op batch"
    assert_eq "$(zone_serial serial.test)" "$s" "serial after no-ops"
    # Only the TTL differs: a change.
    api PUT /v1/domains/serial.test/rrsets/h1/A '{"ttl":120,"records":["192.0.2.1"]}'
    expect_write $((s + 1))
    # The journal is contiguous: one row per serial step.
    run -0 mariadb_sql "SELECT GROUP_CONCAT(CONCAT(serial_from, '>', serial_to) ORDER BY id) FROM changes WHERE zone = 'serial.test'"
    assert_eq "$output" "0>1,1>2,2>3,3>4,4>5" journal
    # The SOA shows the serial.
    api GET /v1/domains/serial.test/rrsets/@/SOA
    assert_contains "$(jb '.records[0]')" " $((s + 1)) 7200 "
}

@test "a no-op write answers the RRset's current ETag, usable in If-Match" {
    new_domain noop.test
    put_rrset noop.test www A '["192.0.2.1"]'
    assert_eq "$(header ETag)" '"2"'
    put_rrset noop.test other A '["192.0.2.2"]'
    # Nothing to change: the answer still describes the stored RRset, changed at serial 2.
    api PUT /v1/domains/noop.test/rrsets/www/A '{"records":["192.0.2.1"]}'
    expect_status 200
    assert_eq "$(jb .change)" null change
    local tag
    tag=$(header ETag)
    api GET /v1/domains/noop.test/rrsets/www/A
    local want_at
    want_at=$(jb .changed_at)
    assert_eq "$tag" '"2"' "ETag header of the no-op PUT"
    api PATCH /v1/domains/noop.test/rrsets/www/A '{"add":["192.0.2.1"]}'
    assert_eq "$(jb .rrset.etag)" '"2"' "rrset.etag of a no-op PATCH"
    assert_eq "$(jb .rrset.changed_at)" "$want_at" "rrset.changed_at of a no-op PATCH"
    # What a client does next with it: a conditional write.
    api PUT /v1/domains/noop.test/rrsets/www/A '{"records":["192.0.2.9"]}' -H "If-Match: $tag"
    expect_write 4
}

@test "writes to an unknown domain or RRset of an unknown type are 404" {
    api PUT /v1/domains/absent.test/rrsets/www/A '{"records":["192.0.2.1"]}'
    expect_problem 404 not-found
    api PATCH /v1/domains/absent.test/rrsets '[{"name":"www","type":"A","records":["192.0.2.1"]}]'
    expect_problem 404 not-found
    api GET /v1/domains/absent.test/rrsets
    expect_problem 404 not-found
    new_domain types.test
    api GET /v1/domains/types.test/rrsets/www/NOTATYPE
    expect_problem 404 not-found
    api GET /v1/domains/types.test/rrsets/www/A
    expect_problem 404 not-found
}

@test "record-level PATCH with If-Match: remove the old ACME token and add the new one in one request" {
    new_domain rotate.test
    api PATCH /v1/domains/rotate.test/rrsets/_acme-challenge/TXT '{"ttl":60,"add":["\"old\""]}'
    expect_status 200
    local tag
    tag=$(header ETag)
    api PATCH /v1/domains/rotate.test/rrsets/_acme-challenge/TXT \
        '{"remove":["\"old\""],"add":["\"new\""]}' -H "If-Match: $tag"
    expect_status 200
    assert_eq "$(jb -c .rrset.records)" '["\"new\""]' records
    # The same request with the now stale tag changes nothing.
    api PATCH /v1/domains/rotate.test/rrsets/_acme-challenge/TXT \
        '{"remove":["\"new\""],"add":["\"newer\""]}' -H "If-Match: $tag"
    expect_problem 412 precondition-failed
}

@test "paging one RRset at a time lists the apex RRsets after the SOA" {
    new_domain page1.test
    put_rrset page1.test @ A '["192.0.2.1"]' 300
    put_rrset page1.test www A '["192.0.2.2"]' 300
    local cursor="" seen="" n=0
    while ((n < 10)); do
        n=$((n + 1))
        if [[ -z $cursor ]]; then
            api GET "/v1/domains/page1.test/rrsets?limit=1"
        else
            api GET "/v1/domains/page1.test/rrsets?limit=1" "" --get --data-urlencode "cursor=$cursor"
        fi
        expect_status 200
        seen+="$(jb '.items[] | "\(.name) \(.type)"') "
        cursor=$(jb '.next // empty')
        [[ -n $cursor ]] || break
    done
    assert_eq "$seen" "page1.test. SOA page1.test. A page1.test. NS www.page1.test. A " pages
}

@test "an owner holding '/' (RFC 2317 0/26), sent as %2F, is one segment: PUT, GET and DELETE reach its RRset" {
    new_domain slash.test
    api PUT /v1/domains/slash.test/rrsets/0%2F26/CNAME '{"ttl":300,"records":["0.0/26.slash.test."]}'
    expect_status 200
    assert_eq "$(jb .rrset.name)" 0/26.slash.test. name
    api GET /v1/domains/slash.test/rrsets/0%2F26.slash.test./CNAME
    expect_status 200
    assert_eq "$(jb '.records[0]')" 0.0/26.slash.test. records
    # A real "/" still separates segments: 0/26 is no RRset path.
    api GET /v1/domains/slash.test/rrsets/0/26/CNAME
    expect_status 404
    api DELETE /v1/domains/slash.test/rrsets/0%2F26/CNAME
    expect_status 200
    api GET /v1/domains/slash.test/rrsets/0%2F26/CNAME
    expect_status 404
}
