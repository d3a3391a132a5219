#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# zone-compile --check judges zones as Knot's kzonecheck does, and is stricter where documented.

load ../helpers

setup() {
    zc_setup
    require_cmd kzonecheck
}

# verdicts NAME [RECORD-LINE...]: writes NAME.zone (valid head plus the records) and sets
# kz and zc to "ok" or "bad" for kzonecheck and zone-compile --check.
verdicts() {
    local name=$1
    shift
    write_zone "$name.zone" "$@"
    if kzonecheck -o parity.example "$name.zone" >/dev/null 2>&1; then kz=ok; else kz=bad; fi
    if zc --origin parity.example --check "$name.zone" >/dev/null 2>&1; then zc=ok; else zc=bad; fi
}

# same_verdict EXPECTED NAME [RECORD-LINE...]: both tools must give EXPECTED.
same_verdict() {
    local want=$1
    shift
    verdicts "$@"
    [[ $kz == "$want" && $zc == "$want" ]] ||
        fail_with "$1: kzonecheck says $kz, zone-compile says $zc, expected both $want"
}

@test "both accept a clean zone, glue, and data below a delegation" {
    same_verdict ok clean 'www A 192.0.2.2' 'www AAAA 2001:db8::2' 'mail MX 10 www'
    same_verdict ok glue 'sub NS ns.sub' 'ns.sub A 192.0.2.7'
    same_verdict ok occluded 'sub NS ns.sub' 'ns.sub A 192.0.2.7' 'www.sub TXT "hidden"'
}

@test "both reject CNAME conflicts" {
    same_verdict bad cname-other 'www A 192.0.2.2' 'www CNAME x.example.'
    same_verdict bad cname-apex '@ CNAME x.example.'
    same_verdict bad two-cnames 'www CNAME a.example.' 'www CNAME b.example.'
}

@test "both reject DNAME conflicts" {
    same_verdict bad below-dname 'old DNAME new.example.' 'x.old A 192.0.2.1'
    same_verdict bad two-dnames 'old DNAME a.example.' 'old DNAME b.example.'
}

@test "both reject missing glue, bad data and unknown types" {
    same_verdict bad missing-glue 'sub NS ns.sub'
    same_verdict bad bad-address 'www A 300.1.1.1'
    same_verdict bad unknown-type 'www FOO 1'
}

@test "both reject a zone without SOA or without apex NS" {
    # shellcheck disable=SC2016 # $TTL is zone-file syntax, not a shell variable
    printf '$TTL 300\n@ NS ns1\nns1 A 192.0.2.1\n' >no-soa.zone
    run kzonecheck -o parity.example no-soa.zone
    [[ $status -ne 0 ]] || fail_with "kzonecheck accepted a zone without SOA"
    run zc --origin parity.example --check no-soa.zone
    [[ $status -eq 65 ]] || fail_with "zone-compile accepted a zone without SOA"

    # shellcheck disable=SC2016
    printf '$TTL 300\n@ SOA ns1 hm 1 7200 3600 1209600 300\nns1 A 192.0.2.1\n' >no-ns.zone
    run kzonecheck -o parity.example no-ns.zone
    [[ $status -ne 0 ]] || fail_with "kzonecheck accepted a zone without NS"
    run zc --origin parity.example --check no-ns.zone
    [[ $status -eq 65 ]] || fail_with "zone-compile accepted a zone without NS"
}

# Stricter than kzonecheck by design (zone-compile(1) VALIDATION): a hosted zone's data must
# all be served, so data outside the zone and stray SOA records are errors, not dropped.
@test "stricter: out-of-zone data and extra SOA records are errors" {
    verdicts out-of-zone 'www.other.example. A 192.0.2.9'
    [[ $zc == bad ]] || fail_with "out-of-zone data accepted"
    verdicts two-soas '@ SOA ns1 hm 2 7200 3600 1209600 300'
    [[ $zc == bad ]] || fail_with "second apex SOA accepted"
    verdicts soa-below 'x SOA ns1 hm 2 7200 3600 1209600 300'
    [[ $zc == bad ]] || fail_with "SOA below the apex accepted"
}
