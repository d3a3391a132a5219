#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# zone-compile --text: streams back to canonical zone-file text, several zones, stdin, round trips.
#
# $stderr is set by bats (run --separate-stderr); bash -c scripts in single quotes are meant.
# shellcheck disable=SC2154,SC2016

load ../helpers

setup() {
    zc_setup
    zc -f "$EXAMPLE_ZONE" >example.xfr
}

@test "--text prints a zone header, then one record per line with tabs" {
    run -0 --separate-stderr zc --text example.xfr
    assert_empty "$stderr" stderr
    local first second
    first=$(sed -n 1p <<<"$output")
    second=$(sed -n 2p <<<"$output")
    [[ $first == "; zone example.com. serial 2026112501" ]] || fail_with "bad header: $first"
    [[ $second == $'example.com.\t3600\tIN\tSOA\tns1.example.com. hostmaster.example.com. 2026112501 7200 3600 1209600 300' ]] ||
        fail_with "bad SOA line: $second"
    # 19 records, the SOA once, every line absolute with TTL and class, no directive.
    [[ $(grep -vc '^;' <<<"$output") == 19 ]] || fail_with "expected 19 records"
    [[ $(grep -c $'\tSOA\t' <<<"$output") == 1 ]] || fail_with "expected one SOA line"
    refute_contains "$output" '$ORIGIN'
    refute_contains "$output" '$TTL'
    local line tab=$'\t' re
    re="^[^[:space:]]+\\.${tab}[0-9]+${tab}IN${tab}[A-Z0-9]+${tab}"
    while IFS= read -r line; do
        [[ $line == \;* ]] && continue
        [[ $line =~ $re ]] ||
            fail_with "not an absolute owner, TTL, class, type line: $line"
    done <<<"$output"
}

@test "--text prints the records in canonical order with their TTLs" {
    run -0 --separate-stderr zc --text example.xfr
    assert_contains "$output" $'www.example.com.\t300\tIN\tA\t192.0.2.80\nwww.example.com.\t3600\tIN\tAAAA\t2001:db8::80'
    assert_contains "$output" $'legacy.example.com.\t3600\tIN\tTYPE65280\t\\# 4 0a000001'
    assert_contains "$output" $'sub.example.com.\t3600\tIN\tNS\tns.sub.example.com.\nns.sub.example.com.\t3600\tIN\tA\t192.0.2.77'
}

@test "--text reads standard input when no stream is named, or -" {
    zc --text example.xfr >expected.txt
    run -0 --separate-stderr bash -c '"$ZC" -c empty.toml --text < example.xfr'
    [[ $output == "$(cat expected.txt)" ]] || fail_with "stdin gave other text"
    run -0 --separate-stderr bash -c '"$ZC" -c empty.toml --text - < example.xfr'
    [[ $output == "$(cat expected.txt)" ]] || fail_with "- gave other text"
}

@test "several zones in one stream: --text prints both, each with its header" {
    write_zone a.example.zone 'www A 192.0.2.10'
    sed 's/2024010101/2024020202/' <(zone_head) >b.example.zone
    echo 'www A 192.0.2.20' >>b.example.zone
    zc -o both.xfr a.example.zone b.example.zone
    run -0 --separate-stderr zc --text both.xfr
    [[ $(grep -c '^; zone ' <<<"$output") == 2 ]] || fail_with "expected two zone headers"
    [[ $(sed -n 1p <<<"$output") == "; zone a.example. serial 2024010101" ]] || fail_with "first header"
    assert_line_matches "$output" '^; zone b\.example\. serial 2024020202$'
    assert_contains "$output" $'www.a.example.\t300\tIN\tA\t192.0.2.10'
    assert_contains "$output" $'www.b.example.\t300\tIN\tA\t192.0.2.20'
    # a.example. comes first, as given on the command line.
    local a b
    a=$(grep -n '^; zone a\.example\.' <<<"$output" | cut -d: -f1)
    b=$(grep -n '^; zone b\.example\.' <<<"$output" | cut -d: -f1)
    ((a < b)) || fail_with "zones out of order"
}

@test "--text reads several stream files in order" {
    write_zone a.example.zone
    write_zone b.example.zone
    zc -o a.xfr a.example.zone
    zc -o b.xfr b.example.zone
    run -0 --separate-stderr zc --text b.xfr a.xfr
    [[ $(grep '^; zone ' <<<"$output") == $'; zone b.example. serial 2024010101\n; zone a.example. serial 2024010101' ]] ||
        fail_with "expected b.example. then a.example."
}

@test "an empty stream is valid: --text prints nothing and exits 0" {
    : >empty.xfr
    run -0 --separate-stderr zc --text empty.xfr
    assert_empty "$output" stdout
    assert_empty "$stderr" stderr
}

@test "the text of a zone compiles back to the same stream" {
    zc --text example.xfr >example.com.txt
    run -0 zc_to again.xfr -f example.com.txt
    assert_empty "$output" stderr
    cmp example.xfr again.xfr
}

@test "the text of a zone is a fixed point of compile and --text" {
    zc --text example.xfr >one.txt
    zc -f --origin example.com one.txt | zc --text >two.txt
    cmp one.txt two.txt
}
