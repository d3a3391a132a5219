#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# dnsapid zone history: versions listed and paged, a zone as of a version (JSON and text/dns), restore as a new change, scopes, errors.
#
# api (dnsapid.bash) sets status_code, body and headers and reads KEY; zone files hold $ORIGIN.
# shellcheck disable=SC2154,SC2034,SC2016,SC2030,SC2031

load ../helpers
load dnsapid

setup_file() {
    dnsapid_setup_file
    KEY_A=$(new_account alpha free)
    KEY_B=$(new_account bravo free)
    export KEY_A KEY_B
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

# zone_lines TEXT: the records of a zone file as sorted lines (comments and $ORIGIN left out;
# sorted, since a rebuilt RRset may list its records in another order).
zone_lines() {
    grep -v -E '^(;|\$|[[:space:]]*$)' <<<"$1" | sort
}

# version_list: the "rrsets" of the last answer (a version) as rrset_list prints RRsets.
version_list() {
    jb '.rrsets[] | "\(.name) \(.type) \(.ttl) \(.records | sort | join(" | "))"' | sort
}

# snapshot ZONE: the zone now, as RRset list and zone file, into list.SERIAL and zone.SERIAL.
snapshot() {
    local s list
    s=$(zone_serial "$1") || return 1
    list=$(rrset_list "$1") || return 1
    printf '%s\n' "$list" >"list.$s"
    api GET "/v1/domains/$1/zone"
    expect_status 200 || return 1
    zone_lines "$body" >"zone.$s"
}

@test "versions newest first with who and what; paged by limit, cursor and before, with Link" {
    new_domain list.test
    put_rrset list.test www A '["192.0.2.1","192.0.2.2"]' 300
    api PATCH /v1/domains/list.test/rrsets/www/A '{"add":["192.0.2.3"],"remove":["192.0.2.1"]}'
    expect_status 200
    api PATCH /v1/domains/list.test/rrsets '[{"name":"mail","type":"A","records":["192.0.2.25"]},
        {"name":"@","type":"MX","records":["10 mail.list.test."]}]'
    expect_status 200
    api DELETE /v1/domains/list.test/rrsets/mail/A
    expect_status 200
    # Serial 5 now: create (1), PUT (2), PATCH (3), batch (4), DELETE (5).
    api GET /v1/domains/list.test/versions
    expect_status 200
    assert_eq "$(header ETag)" '"5"' ETag
    assert_eq "$(jb '[.items[].serial] | join(",")')" 5,4,3,2,1 "serials, newest first"
    assert_eq "$(jb '[.items[].kind] | join(",")')" update,update,update,update,create kinds
    assert_eq "$(jb '[.items[] | "\(.removed)/\(.added)"] | join(",")')" 1/0,0/2,1/1,0/2,0/2 \
        "records removed/added per version"
    assert_eq "$(jb '.items[0].summary')" "DELETE mail.list.test A" "summary of the DELETE"
    assert_eq "$(jb '.items[3].summary')" "PUT www.list.test A" "summary of the PUT"
    assert_eq "$(jb '.items[4].summary')" "create list.test" "summary of the create"
    assert_eq "$(jb '.items[0].actor')" "${KEY_A:0:14}" "actor: the key's prefix"
    assert_eq "$(jb '.next')" null next
    [[ $(jb '.items[0].remote') == 127.0.0.1* ]] || api_fail "remote is not the client's address"
    [[ $(jb '.items[0].created_at') =~ ^20[0-9]{2}-[0-9]{2}-[0-9]{2}T[0-9:]{8}\.[0-9]{3}Z$ ]] ||
        api_fail "created_at is not an RFC 3339 UTC time"
    local ids
    ids=$(jb '[.items[].change_id] | join(" ")')
    assert_eq "$ids" "$(tr ' ' '\n' <<<"$ids" | sort -rn | tr '\n' ' ' | sed 's/ $//')" \
        "change ids decrease with the serial"
    [[ -z $(header Link) ]] || api_fail "a Link header on the last page"

    api GET "/v1/domains/list.test/versions?limit=2"
    expect_status 200
    assert_eq "$(jb '[.items[].serial] | join(",")')" 5,4 "page 1"
    assert_eq "$(jb '.next')" 4 "next of page 1"
    assert_eq "$(header Link)" '</v1/domains/list.test/versions?limit=2&cursor=4>; rel="next"' Link
    api GET "/v1/domains/list.test/versions?limit=2&cursor=4"
    assert_eq "$(jb '[.items[].serial] | join(",")')" 3,2 "page 2"
    assert_eq "$(jb '.next')" 2 "next of page 2"
    api GET "/v1/domains/list.test/versions?limit=2&cursor=2"
    assert_eq "$(jb '[.items[].serial] | join(",")')" 1 "page 3"
    assert_eq "$(jb '.next')" null "next of the last page"
    [[ -z $(header Link) ]] || api_fail "a Link header on the last page"
    api GET "/v1/domains/list.test/versions?before=3"
    assert_eq "$(jb '[.items[].serial] | join(",")')" 2,1 "before=3"
    api GET "/v1/domains/list.test/versions?before=99&limit=1"
    assert_eq "$(jb '[.items[].serial] | join(",")')" 5 "before a serial to come"

    api GET /v1/domains/list.test/versions '' -H 'If-None-Match: "5"'
    expect_status 304
}

@test "a version shows its change: the records it removed and added, as RRsets" {
    new_domain step.test
    put_rrset step.test www A '["192.0.2.1","192.0.2.2"]' 300
    api PATCH /v1/domains/step.test/rrsets/www/A '{"add":["192.0.2.3"],"remove":["192.0.2.1"]}'
    expect_status 200
    api GET /v1/domains/step.test/versions/3
    expect_status 200
    assert_eq "$(header Content-Type)" application/json Content-Type
    assert_eq "$(jb .serial)" 3 serial
    assert_eq "$(jb .kind)" update kind
    assert_eq "$(jb '"\(.removed)/\(.added)"')" 1/1 counts
    assert_eq "$(jb -c .changes)" '{"added":[{"name":"www.step.test.","records":["192.0.2.3"],"subname":"www","ttl":300,"type":"A"}],"removed":[{"name":"www.step.test.","records":["192.0.2.1"],"subname":"www","ttl":300,"type":"A"}]}' changes
    assert_eq "$(jb -c '.rrsets[0]')" '{"managed":true,"name":"step.test.","records":["ns1.endpointdns.test. hostmaster.endpointdns.test. 3 7200 3600 1209600 300"],"subname":"@","ttl":3600,"type":"SOA"}' "the SOA at serial 3"

    api GET /v1/domains/step.test/versions/1
    expect_status 200
    assert_eq "$(jb .kind)" create kind
    assert_eq "$(jb -c .changes.removed)" '[]' "removed by the create"
    assert_eq "$(jb -c '.changes.added')" '[{"name":"step.test.","records":["ns1.endpointdns.test.","ns2.endpointdns.test."],"subname":"@","ttl":3600,"type":"NS"}]' "added by the create"
    assert_eq "$(jb -c '[.rrsets[].type]')" '["SOA","NS"]' "the zone at serial 1"
}

@test "the zone as of every version, in JSON and as a zone file, is the zone as it was then" {
    new_domain asof.test
    snapshot asof.test
    api PATCH /v1/domains/asof.test/rrsets '[
        {"name":"www","type":"A","ttl":300,"records":["192.0.2.1","192.0.2.2"]},
        {"name":"www","type":"AAAA","records":["2001:db8::1"]},
        {"name":"@","type":"MX","records":["10 mail.asof.test.","20 backup.example.net."]},
        {"name":"mail","type":"A","records":["192.0.2.25"]},
        {"name":"@","type":"TXT","records":["\"v=spf1 mx -all\"","\"two words\" \"and more\""]},
        {"name":"_sip._tcp","type":"SRV","records":["10 60 5060 sip.asof.test."]},
        {"name":"@","type":"CAA","records":["0 issue \"letsencrypt.org\""]}]'
    expect_status 200
    snapshot asof.test
    api PATCH /v1/domains/asof.test/rrsets/www/A '{"add":["192.0.2.3"],"remove":["192.0.2.1"]}'
    expect_status 200
    snapshot asof.test
    put_rrset asof.test www A '["192.0.2.2","192.0.2.3"]' 600 # the TTL only
    snapshot asof.test
    api DELETE /v1/domains/asof.test/rrsets/www/AAAA
    expect_status 200
    snapshot asof.test
    api PATCH /v1/domains/asof.test/rrsets '[{"name":"mail","type":"A","records":[]},
        {"name":"mail","type":"CNAME","records":["www.asof.test."]},
        {"name":"@","type":"NS","records":["ns1.example.net.","ns2.endpointdns.test."]}]'
    expect_status 200
    snapshot asof.test
    API_CONTENT_TYPE=text/dns api PUT /v1/domains/asof.test/zone $'$ORIGIN asof.test.\n$TTL 3600\n@ IN NS ns1.endpointdns.test.\n@ IN NS ns2.endpointdns.test.\nwww 300 IN A 192.0.2.9\nnew IN TXT "new"\n_sip._tcp IN SRV 10 60 5060 sip.asof.test.\n'
    expect_status 200
    snapshot asof.test
    put_rrset asof.test _acme-challenge TXT '["\"token\""]' 30
    snapshot asof.test
    assert_eq "$(zone_serial asof.test)" 8 "serial after the writes"

    local s
    for s in 1 2 3 4 5 6 7 8; do
        api GET "/v1/domains/asof.test/versions/$s"
        expect_status 200
        assert_eq "$(jb .serial)" "$s" serial
        assert_eq "$(version_list)" "$(cat "list.$s")" "RRsets as of serial $s" || return 1
        api GET "/v1/domains/asof.test/versions/$s" '' -H 'Accept: text/dns'
        expect_status 200
        assert_eq "$(header Content-Type)" text/dns "Content-Type of version $s"
        assert_eq "$(zone_lines "$body")" "$(cat "zone.$s")" "zone file as of serial $s" || return 1
        assert_contains "$(head -n 1 <<<"$body")" "; zone asof.test as of serial $s (now 8)"
    done
    # The zone file as of a version is valid: zone-compile reads it.
    api GET /v1/domains/asof.test/versions/2 '' -H 'Accept: text/plain, text/dns'
    expect_status 200
    printf '%s\n' "$body" >asof.test.zone
    : >empty.toml
    run -0 --separate-stderr "$BIN/zone-compile" -c empty.toml --check --origin asof.test asof.test.zone
}

@test "restore makes the zone what it was, as a new change with its own serial and summary" {
    new_domain restore.test
    put_rrset restore.test www A '["192.0.2.1","192.0.2.2"]' 300
    api PATCH /v1/domains/restore.test/rrsets '[{"name":"@","type":"MX","records":["10 mail.restore.test."]},
        {"name":"mail","type":"A","records":["192.0.2.25"]}]'
    expect_status 200
    snapshot restore.test # serial 3
    put_rrset restore.test www A '["192.0.2.7"]' 900
    api DELETE /v1/domains/restore.test/rrsets/mail/A
    expect_status 200
    put_rrset restore.test blog CNAME '["www.restore.test."]'
    snapshot restore.test # serial 6

    api POST /v1/domains/restore.test/versions/3/restore
    expect_status 200
    assert_eq "$(jb .serial)" 7 serial
    assert_eq "$(jb .change.serial)" 7 change.serial
    [[ $(jb .change.id) =~ ^[1-9][0-9]*$ ]] || api_fail "change.id is not a positive integer"
    assert_eq "$(header X-Zone-Serial)" 7 X-Zone-Serial
    assert_eq "$(jb .version)" 3 version
    assert_eq "$(jb -c .summary)" '{"create":1,"delete":1,"update":1}' summary
    assert_eq "$(jb 'has("rrsets")')" false "no RRset list in the answer"
    # The zone is the version's again, but for the SOA's serial.
    assert_eq "$(rrset_list restore.test | grep -v ' SOA ')" "$(grep -v ' SOA ' list.3)" \
        "RRsets after the restore"
    api GET /v1/domains/restore.test/versions
    assert_eq "$(jb '.items[0].serial')" 7 "the restore is a version"
    assert_eq "$(jb '.items[0].summary')" "restore to serial 3" "its summary"
    assert_eq "$(jb '.items[0].actor')" "${KEY_A:0:14}" "its actor"
    # Removed: www A 192.0.2.7 (TTL 900), blog CNAME; added: www A .1 and .2 (TTL 300), mail A.
    assert_eq "$(jb '"\(.items[0].removed)/\(.items[0].added)"')" 2/3 "its records removed/added"

    # Restoring the same version again, or the current one, changes nothing.
    api POST /v1/domains/restore.test/versions/3/restore
    expect_status 200
    assert_eq "$(jb -c .change)" null "change of a no-op restore"
    assert_eq "$(jb .serial)" 7 "serial of a no-op restore"
    assert_eq "$(header X-Zone-Serial)" 7 "X-Zone-Serial of a no-op restore"
    assert_eq "$(jb -c .summary)" '{"create":0,"delete":0,"update":0}' "summary of a no-op"
    api POST /v1/domains/restore.test/versions/7/restore
    expect_status 200
    assert_eq "$(jb -c .change)" null "restoring the current version"
    assert_eq "$(zone_serial restore.test)" 7 "serial after the no-ops"

    # If-Match on the zone's ETag: a stale one is 412 and changes nothing.
    api POST /v1/domains/restore.test/versions/6/restore '' -H 'If-Match: "6"'
    expect_problem 412 precondition-failed
    assert_eq "$(zone_serial restore.test)" 7 "serial after the 412"
    api POST /v1/domains/restore.test/versions/6/restore '' -H 'If-Match: "7"'
    expect_status 200
    assert_eq "$(jb .serial)" 8 "serial after the restore of 6"
    assert_eq "$(rrset_list restore.test | grep -v ' SOA ')" "$(grep -v ' SOA ' list.6)" \
        "RRsets after undoing the restore"
}

@test "a restore over the plan's record limit is 403 plan-limit and changes nothing" {
    new_plan history-five '{"max_records_per_domain":5}' >/dev/null
    KEY=$(new_account limited history-five)
    new_domain limit.test                                  # 2 NS records
    put_rrset limit.test a A '["192.0.2.1","192.0.2.2","192.0.2.3"]' # 5: serial 2
    api DELETE /v1/domains/limit.test/rrsets/a/A           # 2: serial 3
    expect_status 200
    # The plan shrinks: version 2 no longer fits.
    as_admin api PATCH /v1/plans/history-five '{"max_records_per_domain":4}'
    expect_status 200
    local list0
    list0=$(rrset_list limit.test)
    api POST /v1/domains/limit.test/versions/2/restore
    expect_problem 403 plan-limit
    assert_eq "$(jb .limit.limit)" records_per_domain limit.limit
    assert_eq "$(jb .limit.limit_value)" 4 limit.limit_value
    assert_eq "$(jb .limit.used)" 5 limit.used
    assert_eq "$(zone_serial limit.test)" 3 "serial after the refused restore"
    assert_eq "$(rrset_list limit.test)" "$list0" "RRsets after the refused restore"
    api GET /v1/domains/limit.test/versions
    assert_eq "$(jb '.items[0].serial')" 3 "no version added"
}

@test "history needs a key without name or type limits (403); restore a read-write one" {
    new_domain scope.test
    put_rrset scope.test www A '["192.0.2.1"]'
    new_key '{"name":"acme","write":true,"domains":["scope.test"],"names":["_acme-challenge.*"],"types":["TXT"]}'
    local acme=$NEW_SECRET
    new_key '{"name":"www","write":true,"names":["www.*"]}'
    local names=$NEW_SECRET
    new_key '{"name":"typed","types":["A"]}'
    local typed=$NEW_SECRET
    new_key '{"name":"reader"}'
    local reader=$NEW_SECRET
    new_key '{"name":"whole","write":true,"domains":["scope.test"]}'
    local whole=$NEW_SECRET
    local k path
    for k in "$acme" "$names" "$typed"; do
        for path in versions versions/1; do
            KEY=$k api GET "/v1/domains/scope.test/$path"
            expect_problem 403 forbidden
            assert_contains "$(jb .detail)" "not limited to some names or types"
        done
        KEY=$k api POST /v1/domains/scope.test/versions/1/restore
        expect_problem 403 forbidden
    done
    # A read-only key without limits reads history but cannot restore.
    KEY=$reader api GET /v1/domains/scope.test/versions
    expect_status 200
    KEY=$reader api GET /v1/domains/scope.test/versions/1 '' -H 'Accept: text/dns'
    expect_status 200
    KEY=$reader api POST /v1/domains/scope.test/versions/1/restore
    expect_problem 403 forbidden
    assert_contains "$(jb .detail)" read-only
    assert_eq "$(zone_serial scope.test)" 2 "serial after the refusals"
    # A key limited to the domain (and no names or types) may restore it.
    KEY=$whole api POST /v1/domains/scope.test/versions/1/restore
    expect_status 200
    assert_eq "$(jb .serial)" 3 "serial after the restore"
    # On another domain it gets 404, as for a domain that is not there.
    new_domain other-scope.test
    for path in versions versions/1; do
        KEY=$whole api GET "/v1/domains/other-scope.test/$path"
        expect_problem 404 not-found
    done
    KEY=$whole api POST /v1/domains/other-scope.test/versions/1/restore
    expect_problem 404 not-found
}

@test "another account's domain is 404 on every history route" {
    new_domain mine.test
    KEY=$KEY_B
    local path
    for path in versions versions/1 versions/abc; do
        api GET "/v1/domains/mine.test/$path"
        expect_problem 404 not-found
        assert_contains "$(jb .detail)" "domain mine.test"
    done
    api POST /v1/domains/mine.test/versions/1/restore
    expect_problem 404 not-found
    api GET /v1/domains/nowhere.test/versions
    expect_problem 404 not-found
    KEY=$KEY_A
    assert_eq "$(zone_serial mine.test)" 1 "serial of the other account's domain"
}

@test "bad versions are 404 with a detail, bad paging 422, wrong methods 405" {
    new_domain bad.test
    put_rrset bad.test www A '["192.0.2.1"]'
    local v
    for v in abc 0 3 99 -1 1.5 4294967296 00000000000000000001; do
        api GET "/v1/domains/bad.test/versions/$v"
        expect_problem 404 not-found
        assert_contains "$(jb .detail)" "version $v of bad.test does not exist"
        api POST "/v1/domains/bad.test/versions/$v/restore"
        expect_problem 404 not-found
    done
    api GET /v1/domains/bad.test/versions/3
    assert_contains "$(jb .detail)" "its versions are the serials 1 to 2"
    for v in before=x before=0 cursor=-1 cursor=4294967296 limit=0; do
        api GET "/v1/domains/bad.test/versions?$v"
        expect_problem 422 validation
        assert_eq "$(jb '.errors[0].field')" "${v%%=*}" "field of $v"
    done
    api PUT /v1/domains/bad.test/versions
    expect_problem 405 method-not-allowed
    assert_eq "$(header Allow)" GET Allow
    api DELETE /v1/domains/bad.test/versions/1
    expect_problem 405 method-not-allowed
    api GET /v1/domains/bad.test/versions/1/restore
    expect_problem 405 method-not-allowed
    assert_eq "$(header Allow)" POST Allow
    assert_eq "$(zone_serial bad.test)" 2 "serial after the refusals"
}

@test "a version the journal no longer holds, or one before a gap, is 410 Gone" {
    new_domain gap.test
    put_rrset gap.test a A '["192.0.2.1"]'
    put_rrset gap.test b A '["192.0.2.2"]'
    put_rrset gap.test c A '["192.0.2.3"]' # serial 4
    mariadb_sql "DELETE FROM changes WHERE zone = 'gap.test' AND serial_to = 3"
    local v
    for v in 1 2 3; do
        api GET "/v1/domains/gap.test/versions/$v"
        expect_problem 410 gone
    done
    assert_contains "$(jb .detail)" "version 3 of gap.test"
    api GET /v1/domains/gap.test/versions/2
    assert_contains "$(jb .detail)" "lacks the change to serial 3"
    api POST /v1/domains/gap.test/versions/2/restore
    expect_problem 410 gone
    assert_eq "$(zone_serial gap.test)" 4 "serial after the refused restore"
    api GET /v1/domains/gap.test/versions/4
    expect_status 200
    # The list shows what the journal holds.
    api GET /v1/domains/gap.test/versions
    assert_eq "$(jb '[.items[].serial] | join(",")')" 4,2,1 "versions listed"
}

@test "history is per domain: a domain deleted and created again continues after the old serial" {
    new_domain again.test                            # serial 1
    put_rrset again.test www A '["192.0.2.1"]'      # 2
    api DELETE /v1/domains/again.test               # 3
    expect_status 200
    new_domain again.test                            # 4: never a serial the old zone had
    assert_eq "$(jb .serial)" 4 "serial of the new domain"
    api GET /v1/domains/again.test/versions
    expect_status 200
    assert_eq "$(jb '[.items[].serial] | join(",")')" 4 "versions of the new domain"
    api GET /v1/domains/again.test/versions/2
    expect_problem 404 not-found
}

@test "a restore is checked against today's rules: a TTL now over the maximum is 422 naming the RRset" {
    new_domain rules.test
    put_rrset rules.test www A '["192.0.2.1"]' 86400 # serial 2
    put_rrset rules.test www A '["192.0.2.1"]' 600   # serial 3
    local port=$DNSAPID_PORT
    dnsapid_stop TERM
    DNSAPID_ZONES_EXTRA='max_ttl = 3600' dnsapid_start "$port"
    api POST /v1/domains/rules.test/versions/2/restore
    local rc=0
    expect_problem 422 validation || rc=1
    assert_eq "$(jb -c '.errors[0] | [.field, .name, .type]')" '["ttl","www.rules.test.","A"]' \
        "the error names the RRset" || rc=1
    assert_eq "$(zone_serial rules.test)" 3 "serial after the refused restore" || rc=1
    # The configuration of the other tests again.
    dnsapid_stop TERM
    dnsapid_start "$port"
    return "$rc"
}
