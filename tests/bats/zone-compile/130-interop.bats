#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# zone-compile against ldns, Knot and NSD: its text passes their checkers, ldns reads its streams as the same records.
#
# $stderr is set by bats (run --separate-stderr); bash -c scripts in single quotes are meant.
# shellcheck disable=SC2154,SC2016

load ../helpers

MANY_ZONE="$SRC/tests/data/bats-many-types.zone"

setup() {
    zc_setup
    [[ -x $DUMP ]] || fail_with "$DUMP is missing: build the xfr-ldns-dump target"
    zc -f "$EXAMPLE_ZONE" >example.xfr
    zc -f --origin many.example "$MANY_ZONE" >many.xfr
}

# same_records SOURCE STREAM: ldns's reading of the master file SOURCE and ldns's reading of the
# zone stream STREAM (xfr-ldns-dump, closing SOA dropped) must list the same records, compared as
# ldns prints them with names in their original case, sorted byte-wise.
same_records() {
    ldns-read-zone "$1" >from-source.txt || return 2
    dump_records "$2" >from-stream.txt || return 2
    [[ -s from-source.txt ]] || return 2
    diff -u <(LC_ALL=C sort from-source.txt) <(LC_ALL=C sort from-stream.txt)
}

@test "--text of the example zone passes kzonecheck and ldns-read-zone" {
    require_cmd kzonecheck ldns-read-zone
    zc --text example.xfr >example.txt
    run -0 kzonecheck -o example.com. example.txt
    run -0 ldns-read-zone example.txt
}

@test "--text of a zone of many types passes kzonecheck and ldns-read-zone" {
    require_cmd kzonecheck ldns-read-zone
    # The fixture itself is valid for both, so any complaint is about zone-compile's text.
    run -0 kzonecheck -o many.example. "$MANY_ZONE"
    zc --text many.xfr >many.txt
    run -0 kzonecheck -o many.example. many.txt
    run -0 ldns-read-zone many.txt
}

@test "--text passes nsd-checkzone" {
    require_cmd nsd-checkzone
    zc --text example.xfr >example.txt
    run -0 nsd-checkzone example.com example.txt
    zc --text many.xfr >many.txt
    run -0 nsd-checkzone many.example many.txt
}

@test "ldns reads the stream of the example zone as the records of its master file" {
    require_cmd ldns-read-zone
    same_records "$EXAMPLE_ZONE" example.xfr
}

@test "ldns reads the stream of a zone of many types as the records of its master file" {
    require_cmd ldns-read-zone
    same_records "$MANY_ZONE" many.xfr
}

@test "the comparison with ldns notices a changed record" {
    require_cmd ldns-read-zone
    sed 's/^www           IN A     192\.0\.2\.81$/www           IN A     192.0.2.82/' "$MANY_ZONE" >changed.zone
    cmp -s "$MANY_ZONE" changed.zone && fail_with "the fixture was not changed"
    run -1 same_records changed.zone many.xfr
    assert_contains "$output" "192.0.2.81"
}

@test "ldns reads the records of the stream in DNSSEC canonical order" {
    require_cmd ldns-read-zone
    dump_records many.xfr >many.dump
    # ldns-read-zone -c keeps the order of its input, -z sorts it canonically; the SOA is
    # printed first by both.
    diff -u <(ldns-read-zone -c many.dump) <(ldns-read-zone -z many.dump)
    dump_records example.xfr >example.dump
    diff -u <(ldns-read-zone -c example.dump) <(ldns-read-zone -z example.dump)
}

@test "zone-compile --text prints what ldns reads from the stream, line for line" {
    diff -u <(zc --text many.xfr | grep -v '^;') <(dump_records many.xfr)
    diff -u <(zc --text example.xfr | grep -v '^;') <(dump_records example.xfr)
}

@test "ldns reads every message of a multi-zone stream" {
    cp "$MANY_ZONE" many.example.zone
    zc -o both.xfr "$EXAMPLE_ZONE" many.example.zone
    cat example.xfr many.xfr | cmp - both.xfr
    run -0 "$DUMP" both.xfr
    [[ $(grep -c $'\tSOA\t' <<<"$output") == 4 ]] || fail_with "expected two SOA records per zone"
}

@test "ldns reads a stream of small messages as the same records" {
    require_cmd ldns-read-zone
    printf '[output]\nmessage_size = 512\n' >small.toml
    "$ZC" -c small.toml -f --origin many.example "$MANY_ZONE" >small.xfr
    run -0 stream_message_sizes small.xfr
    [[ $(wc -l <<<"$output") -gt 1 ]] || fail_with "expected several messages"
    same_records "$MANY_ZONE" small.xfr
}

@test "the letter case of names is kept in the stream" {
    run -0 dump_records many.xfr
    assert_contains "$output" $'many.example.\t3600\tIN\tNS\tNS2.Other.example.'
    assert_contains "$output" $'MAIL.many.example.\t3600\tIN\tA\t192.0.2.25'
    assert_contains "$output" $'many.example.\t3600\tIN\tMX\t10 MAIL.many.example.'
    assert_contains "$output" $'MiXeD.Case.many.example.\t600\tIN\tTXT\t"mixed" "Case"'
    assert_contains "$output" $'alias.many.example.\t3600\tIN\tCNAME\tWWW.many.example.'
    assert_contains "$output" $'_sip._tcp.many.example.\t3600\tIN\tSRV\t10 60 5060 SIP.many.example.'
}
