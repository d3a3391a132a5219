#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# zone-compile --json: the stable summary members when compiling, with -o, and with --text.
#
# $stderr is set by bats (run --separate-stderr); bash -c scripts in single quotes are meant.
# shellcheck disable=SC2154,SC2016

load ../helpers

setup() {
    zc_setup
}

@test "--json prints the summary of a clean zone and no stream" {
    run -0 --separate-stderr zc --json "$EXAMPLE_ZONE"
    assert_empty "$stderr" stderr
    [[ ${output:0:1} == "{" && ${output: -1} == "}" ]] || fail_with "not one JSON object"
    assert_json_member "$output" zone '"example.com."'
    assert_json_member "$output" kind '"full"'
    assert_json_member "$output" serial 2026112501
    assert_json_member "$output" records 19
    assert_json_member "$output" rrsets 18
    assert_json_member "$output" source "\"$EXAMPLE_ZONE\""
    assert_json_member "$output" errors 0
    assert_json_member "$output" warnings 0
    assert_json_member "$output" diagnostics '[]'
}

@test "--json with -o writes the stream and prints the summary" {
    zc -f "$EXAMPLE_ZONE" >expected.xfr
    run -0 --separate-stderr zc --json -o out.xfr "$EXAMPLE_ZONE"
    assert_json_member "$output" zone '"example.com."'
    assert_json_member "$output" records 19
    cmp expected.xfr out.xfr
}

@test "--json counts warnings and lists each diagnostic with file and line" {
    write_zone dup.example.zone \
        'www A 192.0.2.80' \
        'www A 192.0.2.80'
    run -0 --separate-stderr zc --json dup.example.zone
    assert_json_member "$output" errors 0
    assert_json_member "$output" warnings 1
    # SOA, NS, ns1 A and www A: the duplicate is counted once.
    assert_json_member "$output" records 4
    assert_json_member "$output" rrsets 4
    assert_json_member "$output" file '"dup.example.zone"'
    assert_json_member "$output" line 6
    assert_json_member "$output" severity '"warning"'
    # -q hides the warnings on stderr, not in the summary.
    run -0 --separate-stderr zc --json -q dup.example.zone
    assert_empty "$stderr" stderr
    assert_json_member "$output" warnings 1
}

@test "--json reports errors, exits 65 and writes no stream" {
    write_zone bad.example.zone 'www A 192.0.2.300'
    run -65 --separate-stderr zc --json -o out.xfr bad.example.zone
    assert_json_member "$output" errors 1
    assert_json_member "$output" severity '"error"'
    assert_json_member "$output" line 5
    assert_contains "$stderr" "bad.example.zone:5: error: "
    assert_no_file out.xfr
}

@test "--json lists one object per zone" {
    write_zone a.example.zone
    write_zone b.example.zone 'www A 192.0.2.1'
    run -0 --separate-stderr zc --json a.example.zone b.example.zone
    assert_json_member "$output" zone '"a.example."'
    assert_json_member "$output" zone '"b.example."'
    assert_json_member "$output" records 3
    assert_json_member "$output" records 4
}

@test "--text --json summarizes the streams read and prints no text" {
    write_zone a.example.zone
    write_zone b.example.zone 'www A 192.0.2.1'
    zc -o both.xfr a.example.zone b.example.zone
    run -0 --separate-stderr zc --text --json both.xfr
    refute_contains "$output" "; zone"
    assert_json_member "$output" zone '"a.example."'
    assert_json_member "$output" zone '"b.example."'
    assert_json_member "$output" kind '"full"'
    assert_json_member "$output" serial 2024010101
    assert_json_member "$output" source '"both.xfr"'
    assert_json_member "$output" errors 0
}

@test "--text --json of an empty stream has no zones" {
    : >empty.xfr
    run -0 --separate-stderr zc --text --json empty.xfr
    assert_json_member "$output" zones '[]'
}

@test "the JSON summary has the documented structure (jq)" {
    require_cmd jq
    write_zone dup.example.zone \
        'www A 192.0.2.80' \
        'www A 192.0.2.80'
    zc --json -q dup.example.zone >summary.json
    jq -e '.zones | length == 1' summary.json
    jq -e '.zones[0] | .zone == "dup.example." and .kind == "full" and .serial == 2024010101
        and .records == 4 and .rrsets == 4 and .source == "dup.example.zone"' summary.json
    jq -e '.errors == 0 and .warnings == 1 and (.diagnostics | length) == 1' summary.json
    jq -e '.diagnostics[0] | .file == "dup.example.zone" and .line == 6
        and .severity == "warning" and (.message | type) == "string"' summary.json
}
