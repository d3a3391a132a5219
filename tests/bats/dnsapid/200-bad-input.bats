#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# dnsapid bad input: malformed, non-UTF-8, oversized and mistyped bodies, SQL metacharacters, invalid records, wrong routes; never 5xx.
#
# api (dnsapid.bash) sets status_code, body and headers and reads KEY; zone files hold $ORIGIN.
# shellcheck disable=SC2154,SC2034,SC2016,SC2030,SC2031

load ../helpers
load dnsapid

setup_file() {
    # A small body limit, so that 413 is cheap to reach.
    DNSAPID_HTTP_EXTRA='max_body = 65536'
    dnsapid_setup_file
    KEY_A=$(new_account alpha free)
    export KEY_A
    KEY=$KEY_A
    new_domain bad.test
    put_rrset bad.test www A '["192.0.2.1"]'
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

# unchanged: fails unless bad.test is still at the state setup_file left (serial 2, www A).
unchanged() {
    assert_eq "$(zone_serial bad.test)" 2 "bad.test serial" || return 1
    api GET /v1/domains/bad.test/rrsets
    assert_eq "$(jb '[.items[] | "\(.subname)/\(.type)"] | join(" ")')" "@/SOA @/NS www/A" "bad.test RRsets"
}

@test "malformed JSON is 400 malformed-json on every JSON route" {
    local b
    for b in '{"name":' "{'name':'x.test'}" 'not json' '{"name":"x.test"} trailing' '{"name":"x.test",}' \
        '[1,2' $'{"name":"x\x01.test"}'; do
        api POST /v1/domains "$b"
        expect_problem 400 malformed-json
    done
    api PUT /v1/domains/bad.test/rrsets/www/A '{"records":["192.0.2.9"'
    expect_problem 400 malformed-json
    api PATCH /v1/domains/bad.test/rrsets/www/A '{"add":'
    expect_problem 400 malformed-json
    api PATCH /v1/domains/bad.test/rrsets '[{"name":"www",]'
    expect_problem 400 malformed-json
    api POST /v1/keys '{name:"k"}'
    expect_problem 400 malformed-json
    as_admin api POST /v1/plans '{"name":"p"'
    expect_problem 400 malformed-json
    as_admin api POST /v1/accounts '{"name":"x","plan":}'
    expect_problem 400 malformed-json
    as_admin api PATCH /v1/accounts/1 '{'
    expect_problem 400 malformed-json
    # An empty body where one is needed.
    api POST /v1/domains "" -H 'Content-Type: application/json'
    expect_problem 400 malformed-json
    unchanged
}

@test "a number too large for a double is 400 malformed-json, not 500" {
    api POST /v1/domains '{"name":"big.test","a":1e99999}'
    expect_problem 400 malformed-json
    api PUT /v1/domains/bad.test/rrsets/www/A '{"ttl":1e400,"records":["192.0.2.9"]}'
    expect_problem 400 malformed-json
    unchanged
}

@test "non-UTF-8 bytes in a JSON body are 400" {
    printf '{"name":"\xff\xfe.test"}' >latin.json
    api POST /v1/domains @latin.json
    expect_problem 400 malformed-json
    printf '{"records":["\\"caf\xe9\\""]}' >txt.json
    api PUT /v1/domains/bad.test/rrsets/www/TXT @txt.json
    expect_problem 400 malformed-json
    printf '[{"name":"www","type":"TXT","records":["\\"\xc3\x28\\""]}]' >batch.json
    api PATCH /v1/domains/bad.test/rrsets @batch.json
    expect_problem 400 malformed-json
    # An overlong encoding of '/' and a lone surrogate escape.
    printf '{"name":"a\xc0\xafb.test"}' >overlong.json
    api POST /v1/domains @overlong.json
    expect_problem 400 malformed-json
    api PUT /v1/domains/bad.test/rrsets/www/TXT '{"records":["\"\ud800\""]}'
    [[ $status_code == 400 || $status_code == 422 ]] || api_fail "lone surrogate: $status_code"
    unchanged
}

@test "JSON of the wrong types is 422 validation naming the field" {
    api POST /v1/domains '{"name":5}'
    expect_problem 422 validation
    api POST /v1/domains '["bad.test"]'
    expect_problem 422 validation
    api POST /v1/domains '"bad.test"'
    expect_problem 422 validation
    api PUT /v1/domains/bad.test/rrsets/www/A '{"records":"192.0.2.9"}'
    expect_problem 422 validation
    assert_eq "$(jb '.errors[0].field')" records
    api PUT /v1/domains/bad.test/rrsets/www/A '{"records":[3221225993]}'
    expect_problem 422 validation
    assert_eq "$(jb '.errors[0].field')" "records[0]"
    api PUT /v1/domains/bad.test/rrsets/www/A '{"ttl":"300","records":["192.0.2.9"]}'
    expect_problem 422 validation
    assert_eq "$(jb '.errors[0].field')" ttl
    api PUT /v1/domains/bad.test/rrsets/www/A '{"ttl":-1,"records":["192.0.2.9"]}'
    expect_problem 422 validation
    api PUT /v1/domains/bad.test/rrsets/www/A '{"ttl":300.5,"records":["192.0.2.9"]}'
    expect_problem 422 validation
    api PUT /v1/domains/bad.test/rrsets/www/A '["192.0.2.9"]'
    expect_problem 422 validation
    api PUT /v1/domains/bad.test/rrsets/www/A '{"records":null}'
    expect_problem 422 validation
    api PATCH /v1/domains/bad.test/rrsets '["www A 192.0.2.9"]'
    expect_problem 422 validation
    assert_eq "$(jb '.errors[0].item')" 0
    api PATCH /v1/domains/bad.test/rrsets '{"rrsets":{"name":"www"}}'
    expect_problem 422 validation
    api PATCH /v1/domains/bad.test/rrsets '[]'
    expect_problem 422 validation
    api PATCH /v1/domains/bad.test/rrsets '[{"name":7,"type":"A","records":["192.0.2.9"]}]'
    expect_problem 422 validation
    assert_eq "$(jb '.errors[0].field')" name
    api PATCH /v1/domains/bad.test/rrsets '[{"name":"www","type":1,"records":["192.0.2.9"]}]'
    expect_problem 422 validation
    assert_eq "$(jb '.errors[0].field')" type
    api POST /v1/keys '{"write":1}'
    expect_problem 422 validation
    as_admin api POST /v1/plans '{"name":"typed","max_domains":true}'
    expect_problem 422 validation
    as_admin api POST /v1/accounts '{"name":["x"],"plan":"free"}'
    expect_problem 422 validation
    unchanged
}

@test "a body over http.max_body is 413, and dnsapid keeps serving" {
    head -c 70000 /dev/zero | tr '\0' 'a' >big.txt
    printf '{"name":"%s.test"}' "$(cat big.txt)" >big.json
    api POST /v1/domains @big.json
    expect_status 413
    {
        printf '$ORIGIN bad.test.\n$TTL 300\n'
        for i in $(seq 1 3000); do printf 'host%d IN A 192.0.2.1\n' "$i"; done
    } >big.zone
    (($(stat -c %s big.zone) > 65536)) || fail_with "big.zone is too small"
    API_CONTENT_TYPE=text/dns api PUT /v1/domains/bad.test/zone @big.zone
    expect_status 413
    # A chunked body (no Content-Length) that grows past the limit: no 2xx, no 5xx.
    API_CONTENT_TYPE=text/dns api PUT /v1/domains/bad.test/zone @big.zone -H 'Transfer-Encoding: chunked'
    [[ $status_code == 413 || $status_code == 000 ]] || api_fail "chunked oversized body: $status_code"
    # Just under the limit is read and judged on its content.
    head -c 60000 /dev/zero | tr '\0' 'a' >under.txt
    printf '{"name":"%s.test"}' "$(cat under.txt)" >under.json
    api POST /v1/domains @under.json
    expect_problem 422 validation
    api GET /v1/health
    expect_status 200
    unchanged
}

@test "the 413 answer is a problem document like every other error" {
    head -c 70000 /dev/zero | tr '\0' 'a' >big.txt
    printf '{"name":"%s.test"}' "$(cat big.txt)" >big.json
    api POST /v1/domains @big.json
    expect_status 413
    assert_contains "$(header Content-Type)" application/problem+json
    [[ $(jb '.status') == 413 ]] || api_fail "no status member in the 413 body"
}

@test "SQL metacharacters in names, content, plan names, filters and cursors: 4xx or stored literally, never 5xx" {
    local evil=\''; DROP TABLE domains; --'
    local n
    for n in "$evil" "x'; DROP TABLE domains; --.test" 'back\\slash.test' '%.test' '_.test' \
        'a%b.test' "o'brien.test" '"quoted".test'; do
        api POST /v1/domains "$(jq -cn --arg n "$n" '{name: $n}')"
        expect_problem 422 validation
    done
    # Owner names and record content, in a zone of their own. DNS labels may hold any octet,
    # so "%" and "_" are names like others: stored and matched literally, never as patterns.
    new_domain sql.test
    local o
    for o in '%25' '_' '%25.x' 'a%27b' '%5C%5C'; do
        api PUT "/v1/domains/sql.test/rrsets/$o/A" '{"records":["192.0.2.66"]}'
        [[ $status_code == 4* || $status_code == 200 ]] || api_fail "owner $o answered $status_code"
    done
    api PATCH /v1/domains/sql.test/rrsets "$(jq -cn --arg n "$evil" '[{name: $n, type: "A", records: ["192.0.2.66"]}]')"
    expect_problem 422 validation
    api PUT /v1/domains/sql.test/rrsets/sql/TXT "$(jq -cn --arg t "\"$evil\"" '{records: [$t]}')"
    expect_status 200
    api PUT /v1/domains/sql.test/rrsets/slash/TXT '{"records":["\"back\\\\slash 100% _x_\""]}'
    expect_status 200
    api GET /v1/domains/sql.test/rrsets/sql/TXT
    assert_eq "$(jb '.records[0]')" "\"$evil\"" "TXT content read back"
    api GET /v1/domains/sql.test/rrsets/slash/TXT
    assert_eq "$(jb '.records[0]')" '"back\\slash 100% _x_"' "TXT with backslash, % and _ read back"
    api GET "/v1/domains/sql.test/rrsets?name=%25"
    expect_status 200
    assert_eq "$(jb '[.items[].name] | unique | join(" ")')" "%.sql.test." "name=% matches literally"
    api GET "/v1/domains/sql.test/rrsets?name=_"
    expect_status 200
    assert_eq "$(jb '[.items[].name] | unique | join(" ")')" "_.sql.test." "name=_ matches literally"
    api GET "/v1/domains?cursor=%27%20OR%201%3D1%20--"
    expect_status 200
    api GET "/v1/domains/sql.test/rrsets?cursor=%27%20OR%201%3D1%20--%20999"
    [[ $status_code == 200 || $status_code == 422 ]] || api_fail "rrsets cursor answered $status_code"
    api GET "/v1/domains/%27%3B%20DROP%20TABLE%20domains%3B%20--"
    expect_problem 404 not-found
    # Key names are free text: stored and shown literally.
    new_key "$(jq -cn --arg n "$evil" '{name: $n}')"
    api GET "/v1/keys/$NEW_KEY_ID"
    assert_eq "$(jb .name)" "$evil" "key name read back"
    # Plan and account names are refused, not run.
    as_admin api POST /v1/plans "$(jq -cn --arg n "$evil" '{name: $n}')"
    expect_problem 422 validation
    as_admin api POST /v1/plans '{"name":"%"}'
    expect_problem 422 validation
    as_admin api GET "/v1/plans/%25"
    expect_problem 404 not-found
    as_admin api GET "/v1/plans/%27%20OR%20%271%27%3D%271"
    expect_problem 404 not-found
    as_admin api POST /v1/accounts "$(jq -cn --arg n "$evil" '{name: $n, plan: "free"}')"
    expect_problem 422 validation
    as_admin api POST /v1/accounts "$(jq -cn --arg p "free' OR '1'='1" '{name: "sneaky", plan: $p}')"
    expect_problem 422 validation
    # Every table is still there, with its rows.
    run -0 mariadb_sql "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = DATABASE()"
    assert_eq "$output" 13 "tables" # 11 of 0001-0002, users and login_failures of 0003
    run -0 mariadb_sql "SELECT COUNT(*) FROM domains WHERE name = 'bad.test'"
    assert_eq "$output" 1 "bad.test row"
    run -0 mariadb_sql "SELECT COUNT(*) FROM plans"
    assert_eq "$output" 1 "plans"
}

@test "unknown fields are 422 naming the field" {
    api POST /v1/domains '{"name":"fields.test","ttl":300}'
    expect_problem 422 validation
    assert_eq "$(jb '.errors[0].field')" ttl
    api PUT /v1/domains/bad.test/rrsets/www/A '{"records":["192.0.2.9"],"colour":"red"}'
    expect_problem 422 validation
    assert_eq "$(jb '.errors[0].field')" colour
    api PUT /v1/domains/bad.test/rrsets/www/A '{"records":["192.0.2.9"],"name":"other"}'
    expect_problem 422 validation
    api PATCH /v1/domains/bad.test/rrsets '[{"name":"www","type":"A","records":["192.0.2.9"],"comment":"x"}]'
    expect_problem 422 validation
    assert_eq "$(jb '.errors[0].item')" 0
    assert_eq "$(jb '.errors[0].field')" comment
    api PATCH /v1/domains/bad.test/rrsets '{"rrsets":[],"dry_run":true}'
    expect_problem 422 validation
    api GET /v1/domains/fields.test
    expect_problem 404 not-found
    unchanged
}

@test "unknown and refused record types are 422 in bodies, 404 in paths" {
    api PATCH /v1/domains/bad.test/rrsets '[{"name":"www","type":"NOPE","records":["x"]}]'
    expect_problem 422 validation
    assert_eq "$(jb '.errors[0].field')" type
    api PATCH /v1/domains/bad.test/rrsets '[{"name":"www","type":"","records":["x"]}]'
    expect_problem 422 validation
    api PATCH /v1/domains/bad.test/rrsets '[{"name":"@","type":"SOA","records":["a. b. 1 2 3 4 5"]}]'
    expect_problem 422 validation
    assert_eq "$(jb '.errors[0].field')" type
    api PUT /v1/domains/bad.test/rrsets/@/SOA '{"records":["a. b. 1 2 3 4 5"]}'
    expect_problem 422 validation
    api PUT /v1/domains/bad.test/rrsets/www/NOPE '{"records":["x"]}'
    expect_problem 404 not-found
    unchanged
}

@test "bad record content for A, AAAA, MX, TXT, CAA, SRV and CNAME is 422 naming records[i]" {
    local t c
    while IFS='|' read -r t good bad; do
        api PUT "/v1/domains/bad.test/rrsets/content/$t" \
            "$(jq -cn --arg g "$good" --arg b "$bad" '{records: [$g, $b]}')"
        expect_problem 422 validation
        assert_eq "$(jb '.errors[0].field')" "records[1]" "field for $t '$bad'"
        [[ -n $(jb '.errors[0].detail') ]] || api_fail "no detail for $t '$bad'"
    done <<'EOF'
A|192.0.2.1|256.0.0.1
A|192.0.2.1|192.0.2
A|192.0.2.1|2001:db8::1
AAAA|2001:db8::1|2001:db8::g
AAAA|2001:db8::1|192.0.2.1
MX|10 mail.example.com.|mail.example.com.
MX|10 mail.example.com.|70000 mail.example.com.
TXT|"ok"|"unterminated
CAA|0 issue "letsencrypt.org"|0 issue
CAA|0 issue "letsencrypt.org"|256 issue "x"
SRV|10 60 5060 sip.example.com.|10 60 sip.example.com.
EOF
    api PUT /v1/domains/bad.test/rrsets/alias/CNAME '{"records":["a.example.com.","b.example.com."]}'
    expect_problem 422 validation
    api PUT /v1/domains/bad.test/rrsets/dup/A '{"records":["192.0.2.1","192.0.2.1"]}'
    expect_problem 422 validation
    assert_eq "$(jb '.errors[0].field')" "records[1]"
    # In a batch, the message names the item and records[i].
    api PATCH /v1/domains/bad.test/rrsets '[{"name":"ok","type":"A","records":["192.0.2.1"]},{"name":"mx","type":"MX","records":["10 mx.example.com.","bogus"]}]'
    expect_problem 422 validation
    assert_eq "$(jb '.errors[0] | "\(.item) \(.field)"')" "1 records[1]"
    unchanged
}

@test "TTLs: below 60 is 422 (30 is fine at _acme-challenge), above the maximum is 422" {
    api PUT /v1/domains/bad.test/rrsets/short/A '{"ttl":59,"records":["192.0.2.1"]}'
    expect_problem 422 validation
    assert_eq "$(jb '.errors[0].field')" ttl
    assert_contains "$(jb '.errors[0].detail')" 60
    api PUT /v1/domains/bad.test/rrsets/short/A '{"ttl":0,"records":["192.0.2.1"]}'
    expect_problem 422 validation
    api PUT /v1/domains/bad.test/rrsets/long/A '{"ttl":604801,"records":["192.0.2.1"]}'
    expect_problem 422 validation
    api PUT /v1/domains/bad.test/rrsets/_acme-challenge/TXT '{"ttl":29,"records":["\"t\""]}'
    expect_problem 422 validation
    api PATCH /v1/domains/bad.test/rrsets/_acme-challenge.www/TXT '{"ttl":20,"add":["t"]}'
    expect_problem 422 validation
    API_CONTENT_TYPE=text/dns api PUT /v1/domains/bad.test/zone $'$ORIGIN bad.test.\n@ 3600 IN NS ns1.endpointdns.test.\n@ 3600 IN NS ns2.endpointdns.test.\nwww 10 IN A 192.0.2.1\n'
    expect_problem 422 validation
    unchanged
    new_domain ttl.test
    api PUT /v1/domains/ttl.test/rrsets/_acme-challenge/TXT '{"ttl":30,"records":["\"t\""]}'
    expect_status 200
    assert_eq "$(jb .rrset.ttl)" 30
    api PATCH /v1/domains/ttl.test/rrsets/_acme-challenge.www/TXT '{"ttl":30,"add":["t"]}'
    expect_status 200
    api PUT /v1/domains/ttl.test/rrsets/www/A '{"ttl":60,"records":["192.0.2.1"]}'
    expect_status 200
}

@test "CNAME beside other records and at the apex is 422; the apex NS cannot be deleted" {
    new_domain cname.test
    put_rrset cname.test www A '["192.0.2.1"]'
    put_rrset cname.test alias CNAME '["www.cname.test."]'
    local serial
    serial=$(zone_serial cname.test)
    api PUT /v1/domains/cname.test/rrsets/www/CNAME '{"records":["other.example.com."]}'
    expect_problem 422 validation
    api PUT /v1/domains/cname.test/rrsets/alias/A '{"records":["192.0.2.2"]}'
    expect_problem 422 validation
    api PATCH /v1/domains/cname.test/rrsets/alias/TXT '{"add":["x"]}'
    expect_problem 422 validation
    api PUT /v1/domains/cname.test/rrsets/@/CNAME '{"records":["www.cname.test."]}'
    expect_problem 422 validation
    api PATCH /v1/domains/cname.test/rrsets '[{"name":"@","type":"CNAME","records":["www.example.com."]}]'
    expect_problem 422 validation
    assert_eq "$(jb '.errors[0] | "\(.item) \(.field)"')" "0 type"
    api DELETE /v1/domains/cname.test/rrsets/@/NS
    expect_problem 422 validation
    api PUT /v1/domains/cname.test/rrsets/@/NS '{"records":[]}'
    expect_problem 422 validation
    api PATCH /v1/domains/cname.test/rrsets/@/NS '{"remove":["ns1.endpointdns.test.","ns2.endpointdns.test."]}'
    expect_problem 422 validation
    assert_eq "$(zone_serial cname.test)" "$serial" "serial after refused writes"
    api GET /v1/domains/cname.test/rrsets/@/NS
    assert_eq "$(jb '.records | length')" 2 "apex NS records"
    # Replacing the apex NS is allowed.
    api PUT /v1/domains/cname.test/rrsets/@/NS '{"records":["ns.example.net."]}'
    expect_status 200
}

@test "a JSON route refuses a text/plain body with 415" {
    API_CONTENT_TYPE=text/plain api POST /v1/domains '{"name":"plain.test"}'
    expect_problem 415 unsupported-media-type
    API_CONTENT_TYPE=text/plain api PUT /v1/domains/bad.test/rrsets/www/A '{"records":["192.0.2.9"]}'
    expect_problem 415 unsupported-media-type
    API_CONTENT_TYPE=application/xml api PATCH /v1/domains/bad.test/rrsets '[]'
    expect_problem 415 unsupported-media-type
    API_CONTENT_TYPE='application/json; charset=utf-8' api POST /v1/domains '{"name":"charset.test"}'
    expect_status 201
    unchanged
}

@test "an unknown path is 404 not-found" {
    local p
    for p in /v1/nothing /v2/domains / /v1 /v1/domains/bad.test/rrsets/www/A/extra \
        /v1/domains/bad.test/unknown /v1/plans/free/extra /v1/keys/1/2; do
        api GET "$p"
        expect_problem 404 not-found
    done
}

@test "a wrong method is 405 method-not-allowed with Allow" {
    local method path allow
    while read -r method path allow; do
        if [[ $path == /v1/plans* || $path == /v1/accounts* ]]; then
            as_admin api "$method" "$path" '{}'
        else
            api "$method" "$path" '{}'
        fi
        expect_problem 405 method-not-allowed
        assert_eq "$(header Allow)" "${allow//_/ }" "Allow of $method $path"
    done <<'EOF'
DELETE /v1/domains GET,_POST
PUT /v1/domains GET,_POST
POST /v1/domains/bad.test GET,_DELETE
POST /v1/domains/bad.test/rrsets GET,_PATCH
POST /v1/domains/bad.test/rrsets/www/A GET,_PUT,_PATCH,_DELETE
POST /v1/domains/bad.test/zone GET,_PUT
DELETE /v1/account GET
PUT /v1/keys GET,_POST
PUT /v1/plans GET,_POST
DELETE /v1/plans/free GET,_PATCH
DELETE /v1/accounts GET,_POST
POST /metrics GET
EOF
}

@test "a wrong method on /v1/health is 405 with Allow: GET, HEAD" {
    KEY=
    api POST /v1/health '{}'
    expect_problem 405 method-not-allowed
    assert_eq "$(header Allow)" "GET, HEAD"
}

@test "no request of this file was answered with a 5xx" {
    api GET /metrics
    expect_status 200
    local bad
    bad=$(grep -E '^dnsapid_requests_total\{.*status="5[0-9][0-9]"\}' <<<"$body") || true
    [[ -z $bad ]] || fail_with "5xx answers: $bad"$'\n'"$(grep -i 'request failed' "$DNSAPID_DIR/log" | tail -n 20)"
}
