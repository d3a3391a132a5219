#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# dnsapid zone files: export (valid for kzonecheck and zone-compile), import with a dry-run plan, errors with line numbers.
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

# import ZONE FILE [QUERY [CURL-ARGS...]]: PUT the zone file FILE to ZONE (QUERY such as
# ?dry_run=1; CURL-ARGS such as -H 'If-Match: "3"').
import() {
    API_CONTENT_TYPE=text/dns api PUT "/v1/domains/$1/zone${3-}" "@$2" "${@:4}"
}

# export_to ZONE FILE: GET the zone file into FILE; fails unless 200.
export_to() {
    api GET "/v1/domains/$1/zone"
    expect_status 200 || return 1
    printf '%s\n' "$body" >"$2"
}

# records_of FILE: the records of an exported zone file (tab-separated, absolute names) as
# sorted "owner ttl type rdata" lines, SOA left out.
records_of() {
    grep -v -E '^(;|\$)' "$1" | awk -F '\t' 'NF >= 5 && $4 != "SOA" { print $1, $2, $4, $5 }' | sort
}

# populate ZONE: a few RRsets of several types.
populate() {
    api PATCH "/v1/domains/$1/rrsets" "$(jq -cn --arg z "$1" '[
        {name: "www", type: "A", ttl: 300, records: ["192.0.2.1", "192.0.2.2"]},
        {name: "www", type: "AAAA", records: ["2001:db8::1"]},
        {name: "@", type: "MX", records: ["10 mail.\($z).", "20 backup.example.net."]},
        {name: "mail", type: "A", records: ["192.0.2.25"]},
        {name: "@", type: "TXT", records: ["\"v=spf1 mx -all\"", "\"two words\" \"and more\""]},
        {name: "_sip._tcp", type: "SRV", records: ["10 60 5060 sip.\($z)."]},
        {name: "@", type: "CAA", records: ["0 issue \"letsencrypt.org\""]},
        {name: "alias", type: "CNAME", records: ["www.\($z)."]}]')"
    expect_status 200
}

@test "export: text/dns, SOA first, every record present; zone-compile --check accepts it" {
    new_domain export.test
    populate export.test
    api GET /v1/domains/export.test/zone
    expect_status 200
    assert_eq "$(header Content-Type)" text/dns Content-Type
    assert_eq "$(header ETag)" '"2"' ETag
    printf '%s\n' "$body" >export.test.zone
    local first
    first=$(grep -v -E '^(;|\$|[[:space:]]*$)' export.test.zone | head -n 1)
    [[ $first == *$'\t'SOA$'\t'* ]] || fail_with "first record is not the SOA: $first"
    assert_contains "$first" "ns1.endpointdns.test. hostmaster.endpointdns.test. 2 "
    local exported listed
    exported=$(records_of export.test.zone | awk '{ print $1, $3 }' | sort -u)
    listed=$(KEY=$KEY_A rrset_list export.test | awk '$2 != "SOA" { print $1, $2 }' | sort -u)
    assert_eq "$exported" "$listed" "owner/type pairs in the export and the API"
    assert_eq "$(records_of export.test.zone | wc -l)" 13 "records in the export"
    assert_line_matches "$(records_of export.test.zone)" '^www\.export\.test\. 300 A 192\.0\.2\.2$'
    assert_line_matches "$(records_of export.test.zone)" '^export\.test\. 3600 TXT "two words" "and more"$'
    assert_line_matches "$(records_of export.test.zone)" '^_sip\._tcp\.export\.test\. 3600 SRV 10 60 5060 sip\.export\.test\.$'

    : >empty.toml
    run -0 --separate-stderr "$BIN/zone-compile" -c empty.toml --check --origin export.test export.test.zone
    # zone-compile reads back exactly the records the API holds.
    run -0 --separate-stderr "$BIN/zone-compile" -c empty.toml --json --origin export.test export.test.zone
    assert_contains "$output" '"records": 14'
}

@test "kzonecheck (Knot) accepts the export" {
    require_cmd kzonecheck
    new_domain knot.test
    populate knot.test
    export_to knot.test knot.test.zone
    run -0 kzonecheck -o knot.test knot.test.zone
    # And it sees the same records: a damaged line would make it fail, not skip.
    run -1 kzonecheck -o knot.test <(sed 's/192\.0\.2\.25/192.0.2.256/' knot.test.zone)
}

@test "export with If-None-Match answers 304; unknown domain 404" {
    new_domain cache.test
    api GET /v1/domains/cache.test/zone "" -H 'If-None-Match: "1"'
    expect_status 304
    api GET /v1/domains/nosuch.test/zone
    expect_problem 404 not-found
}

@test "import: the dry run returns the plan and changes nothing; the real import applies exactly that plan" {
    new_domain import.test
    populate import.test
    local serial0 list0
    serial0=$(zone_serial import.test)
    list0=$(rrset_list import.test)
    # www A changes, www AAAA stays, a new TXT comes, mail A and the CNAME go; the rest stays.
    cat >new.zone <<'EOF'
$ORIGIN import.test.
$TTL 3600
@        IN SOA  ignored. ignored. 99 1 1 1 1
@        IN NS   ns1.endpointdns.test.
@        IN NS   ns2.endpointdns.test.
www  300 IN A    192.0.2.1
www  300 IN A    192.0.2.3
www      IN AAAA 2001:db8::1
@        IN MX   10 mail.import.test.
@        IN MX   20 backup.example.net.
@        IN TXT  "v=spf1 mx -all"
@        IN TXT  "two words" "and more"
_sip._tcp IN SRV 10 60 5060 sip.import.test.
@        IN CAA  0 issue "letsencrypt.org"
new      IN TXT  "created by import"
EOF
    import import.test new.zone '?dry_run=1'
    expect_status 200
    assert_eq "$(jb .dry_run)" true dry_run
    assert_eq "$(jb '[.plan.create[] | "\(.subname)/\(.type)"] | join(" ")')" "new/TXT" create
    assert_eq "$(jb '[.plan.update[] | "\(.after.subname)/\(.after.type)"] | join(" ")')" "www/A" update
    assert_eq "$(jb '.plan.update[0].before.records | sort | join(",")')" 192.0.2.1,192.0.2.2 "update before"
    assert_eq "$(jb '.plan.update[0].after.records | sort | join(",")')" 192.0.2.1,192.0.2.3 "update after"
    assert_eq "$(jb '[.plan.delete[] | "\(.subname)/\(.type)"] | sort | join(" ")')" "alias/CNAME mail/A" delete
    assert_eq "$(jb '.summary | "\(.create) \(.update) \(.delete)"')" "1 1 2" summary
    local plan
    plan=$(jb -c '.plan | del(.. | .changed_at?, .etag?)')
    assert_eq "$(zone_serial import.test)" "$serial0" "serial after the dry run"
    assert_eq "$(rrset_list import.test)" "$list0" "RRsets after the dry run"
    run -0 mariadb_sql "SELECT COUNT(*) FROM changes WHERE zone = 'import.test' AND serial_to > $serial0"
    assert_eq "$output" 0 "journal rows of the dry run"

    import import.test new.zone
    expect_status 200
    assert_eq "$(jb .dry_run)" false
    assert_eq "$(jb .serial)" $((serial0 + 1)) "serial of the import (one change)"
    assert_eq "$(jb .change.serial)" $((serial0 + 1))
    [[ $(jb .change.id) =~ ^[1-9][0-9]*$ ]] || api_fail "no change id"
    assert_eq "$(jb -c '.plan | del(.. | .changed_at?, .etag?)')" "$plan" "applied plan = dry-run plan"

    # The zone is now exactly the file (SOA managed: the file's SOA is not taken).
    export_to import.test got.zone
    local want
    want=$(awk '$1 !~ /^\$/ && $0 !~ /SOA/' new.zone | wc -l)
    assert_eq "$(records_of got.zone | wc -l)" "$want" "records after the import"
    assert_line_matches "$(records_of got.zone)" '^new\.import\.test\. 3600 TXT "created by import"$'
    assert_line_matches "$(records_of got.zone)" '^www\.import\.test\. 300 A 192\.0\.2\.3$'
    refute_contains "$(records_of got.zone)" "192.0.2.2"
    refute_contains "$(records_of got.zone)" "mail.import.test. 3600 A"
    refute_contains "$(records_of got.zone)" CNAME
    assert_contains "$(grep SOA got.zone)" " $((serial0 + 1)) 7200 3600 1209600 300"

    # Importing the same file again is a no-op.
    import import.test new.zone
    expect_status 200
    assert_eq "$(jb .change)" null "change of a repeated import"
    assert_eq "$(jb '.summary | "\(.create) \(.update) \(.delete)"')" "0 0 0"
    assert_eq "$(zone_serial import.test)" $((serial0 + 1))
}

@test "export then import of the same zone changes nothing" {
    new_domain round.test
    populate round.test
    export_to round.test round.zone
    local serial
    serial=$(zone_serial round.test)
    import round.test round.zone
    expect_status 200
    assert_eq "$(jb .change)" null change
    assert_eq "$(jb '.summary | "\(.create) \(.update) \(.delete)"')" "0 0 0" summary
    assert_eq "$(zone_serial round.test)" "$serial"
}

@test "an import without NS records keeps the zone's NS RRset" {
    new_domain keepns.test
    printf '$ORIGIN keepns.test.\nwww 300 IN A 192.0.2.1\n' >nons.zone
    import keepns.test nons.zone
    expect_status 200
    api GET /v1/domains/keepns.test/rrsets/@/NS
    expect_status 200
    assert_eq "$(jb '.records | length')" 2 "NS records kept"
}

@test "a zone file with a syntax error is 422 with the line number, and nothing changes" {
    new_domain syntax.test
    populate syntax.test
    local serial0 list0
    serial0=$(zone_serial syntax.test)
    list0=$(rrset_list syntax.test)
    printf '$ORIGIN syntax.test.\n$TTL 300\nok   IN A 192.0.2.1\nbad  IN A 192.0.2.999\nok2  IN A 192.0.2.2\n' >bad.zone
    import syntax.test bad.zone
    expect_problem 422 validation
    assert_eq "$(jb '[.errors[].line] | join(",")')" 4 "line of the error"
    assert_contains "$(jb '.errors[0].detail')" IPv4
    printf '$ORIGIN syntax.test.\n$TTL 300\nok IN A 192.0.2.1\n\n\nx IN NOSUCHTYPE foo\n' >bad2.zone
    import syntax.test bad2.zone '?dry_run=1'
    expect_problem 422 validation
    assert_eq "$(jb '.errors[0].line')" 6 "line of the unknown type"
    printf '$ORIGIN syntax.test.\n"unterminated IN TXT "abc\n' >bad3.zone
    import syntax.test bad3.zone
    expect_problem 422 validation
    [[ $(jb '.errors[0].line') =~ ^[0-9]+$ ]] || api_fail "no line number"
    assert_eq "$(zone_serial syntax.test)" "$serial0" serial
    assert_eq "$(rrset_list syntax.test)" "$list0" RRsets
}

@test "records outside the zone, other classes and \$INCLUDE are refused with their line" {
    new_domain inside.test
    local serial0
    serial0=$(zone_serial inside.test)
    printf '$ORIGIN inside.test.\n$TTL 300\nwww IN A 192.0.2.1\nevil.other.test. IN A 192.0.2.66\n' >out.zone
    import inside.test out.zone
    expect_problem 422 validation
    assert_eq "$(jb '.errors[0].line')" 4
    assert_contains "$(jb '.errors[0].detail')" outside
    printf '$ORIGIN other.test.\n$TTL 300\nwww IN A 192.0.2.1\n' >origin.zone
    import inside.test origin.zone
    expect_problem 422 validation
    assert_eq "$(jb '.errors[0].line')" 3
    printf '$ORIGIN inside.test.\n$TTL 300\nwww CH A 192.0.2.1\n' >class.zone
    import inside.test class.zone
    expect_problem 422 validation
    printf '$ORIGIN inside.test.\n$TTL 300\n$INCLUDE /etc/hostname\nwww IN A 192.0.2.1\n' >include.zone
    import inside.test include.zone
    expect_problem 422 validation
    assert_eq "$(jb '.errors[0].line')" 3 "line of the \$INCLUDE"
    printf '$ORIGIN inside.test.\n$TTL 300\n@ IN CNAME www.example.net.\n' >apex.zone
    import inside.test apex.zone
    expect_problem 422 validation
    assert_eq "$(jb '.errors[0].line')" 3
    assert_eq "$(zone_serial inside.test)" "$serial0" serial
}

@test "the dry run finds what the real import would refuse (TTL, CNAME beside A) and changes nothing" {
    new_domain dry.test
    local before serial
    before=$(rrset_list dry.test)
    serial=$(zone_serial dry.test)
    cat >bad.zone <<'ZONE'
$ORIGIN dry.test.
www 300 IN A 192.0.2.1
www 300 IN CNAME elsewhere.example.net.
fast 10 IN A 192.0.2.2
ZONE
    import dry.test bad.zone '?dry_run=1'
    expect_problem 422 validation
    [[ $(jb '[.errors[].line] | sort | join(",")') == 4 ]] ||
        api_fail "the TTL error should point at line 4"
    import dry.test bad.zone
    expect_problem 422 validation
    # Without the TTL error, the CNAME conflict shows, on a dry run too, at the RRset's line.
    sed -i '/^fast/d' bad.zone
    import dry.test bad.zone '?dry_run=1'
    expect_problem 422 validation
    [[ $(jb '.errors[0].detail') == *CNAME* ]] || api_fail "the CNAME conflict is not named"
    [[ -n $(jb '.errors[0].line // empty') ]] || api_fail "the CNAME conflict has no line"
    assert_eq "$(zone_serial dry.test)" "$serial" serial
    assert_eq "$(rrset_list dry.test)" "$before" "RRsets"
}

@test "an import with a stale If-Match is 412 and changes nothing; a current one applies" {
    new_domain match.test
    local serial
    serial=$(zone_serial match.test)
    printf '$ORIGIN match.test.\nwww 300 IN A 192.0.2.9\n' >one.zone
    import match.test one.zone '' -H "If-Match: \"$((serial + 5))\""
    expect_problem 412 precondition-failed
    assert_eq "$(zone_serial match.test)" "$serial" "serial after a stale If-Match"
    import match.test one.zone '' -H "If-Match: \"$serial\""
    expect_status 200
    assert_eq "$(jb .change.serial)" "$((serial + 1))" "serial of the import"
}
