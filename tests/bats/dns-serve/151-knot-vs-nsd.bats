#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# The differential harness on the reference servers: the corpus is valid, Knot and NSD differ only as allowed, changes are caught.
#
# This runs without dns-serve. It proves that the corpus loads in Knot and NSD, that
# queries.txt is what gen-queries makes of it, that the two reference servers differ only
# where tests/diff/allow-knot-nsd.txt says why, and that dns-diff does report a changed zone.
# shellcheck disable=SC2154 # $output, $status and $stderr are set by bats

load ../helpers
# shellcheck source-path=SCRIPTDIR source=../../diff/servers.bash
source "$SRC/tests/diff/servers.bash"

setup() {
    zc_setup
    [[ -x $BIN/dns-diff ]] || fail_with "$BIN/dns-diff is missing: build the dns-diff target"
}

teardown() {
    diff_stop_all
}

# start_knot NAME [ZONEDIR]: knotd on a free port; sets NAME_port.
start_knot() {
    diff_up knotd "$PWD/$1" "${2:-}" || fail_with "knotd did not load the corpus"
    printf -v "${1}_port" '%s' "$DIFF_PORT"
}

@test "every corpus zone passes kzonecheck, unless marked, and zone-compile" {
    require_cmd kzonecheck
    local f zone n=0
    for f in "$DIFF_ZONES_DIR"/*.zone; do
        zone=${f##*/}
        zone=${zone%.zone}
        run -0 zc --check -q "$f"
        grep -q '^; kzonecheck: skip' "$f" && continue
        run -0 kzonecheck -o "$zone." "$f"
        n=$((n + 1))
    done
    ((n >= 7)) || fail_with "expected at least seven checked zones, got $n"
}

@test "queries.txt is what gen-queries makes of the corpus" {
    require_cmd ldns-read-zone
    "$SRC/tests/diff/gen-queries" fresh.txt
    diff -u "$SRC/tests/diff/queries.txt" fresh.txt ||
        fail_with "tests/diff/queries.txt is stale: rerun tests/diff/gen-queries"
    [[ $(grep -cv '^#\|^$' fresh.txt) -ge 500 ]] || fail_with "expected hundreds of queries"
}

@test "Knot and NSD answer the corpus alike, apart from the allowed differences" {
    require_cmd dig
    diff_find_tool knotd >/dev/null || skip "knotd is not installed"
    diff_find_tool nsd >/dev/null || skip "nsd is not installed"
    start_knot knot
    diff_up nsd "$PWD/nsd" || fail_with "nsd did not load the corpus"
    nsd_port=$DIFF_PORT
    run --separate-stderr "$BIN/dns-diff" --timeout 500 \
        --allow "$SRC/tests/diff/allow-knot-nsd.txt" \
        --a "127.0.0.1:$knot_port" --b "127.0.0.1:$nsd_port" "$SRC/tests/diff/queries.txt"
    ((status == 0)) || fail_with "Knot (A) and NSD (B) differ beyond the allow list"
    assert_line_matches "$output" '^dns-diff: [0-9]+ queries, 0 differ: 0 differences, [1-9][0-9]* allowed$'
    # Every allowed difference still occurs: an entry that matches nothing is stale.
    assert_empty "$stderr" "dns-diff's warnings"
}

@test "dns-diff reports a changed record, a missing name and a changed TTL" {
    require_cmd dig
    diff_find_tool knotd >/dev/null || skip "knotd is not installed"
    cp -r "$DIFF_ZONES_DIR" changed
    sed -i -e 's/^www   300   IN A    192\.0\.2\.80$/www   300   IN A    192.0.2.81/' \
        -e '/^host /d' -e 's/^mail        IN A    192\.0\.2\.25$/mail  60    IN A    192.0.2.25/' \
        changed/main.test.zone
    [[ $(diff "$DIFF_ZONES_DIR/main.test.zone" changed/main.test.zone | grep -c '^>') == 2 ]] ||
        fail_with "the zone was not changed as expected"
    start_knot knot
    start_knot knot2 "$PWD/changed"
    cat >q.txt <<'Q'
www.main.test A
www.main.test A tcp
host.main.test A
mail.main.test A
ns1.main.test A
www.wild.test A
Q
    run -1 "$BIN/dns-diff" --a "127.0.0.1:$knot_port" --b "127.0.0.1:$knot2_port" q.txt
    assert_contains "$output" "query 'www.main.test A' (line 1): answer: only in A: www.main.test. 300 IN A 192.0.2.80"
    assert_contains "$output" "query 'www.main.test A' (line 1): answer: only in B: www.main.test. 300 IN A 192.0.2.81"
    assert_contains "$output" "query 'www.main.test A tcp' (line 2): answer: only in B:"
    assert_contains "$output" "query 'host.main.test A' (line 3): rcode: A=NOERROR(0) / B=NXDOMAIN(3)"
    assert_contains "$output" "query 'host.main.test A' (line 3): authority: only in B: main.test. 300 IN SOA"
    assert_contains "$output" "query 'mail.main.test A' (line 4): answer: only in B: mail.main.test. 60 IN A 192.0.2.25"
    refute_contains "$output" "ns1.main.test A'"
    refute_contains "$output" "www.wild.test A'"
    assert_line_matches "$output" '^dns-diff: 6 queries, 4 differ: [0-9]+ differences, 0 allowed$'
    # The same servers agree with themselves, and an allow entry silences one aspect.
    run -0 "$BIN/dns-diff" --a "127.0.0.1:$knot_port" --b "127.0.0.1:$knot_port" q.txt
    printf '%s\n' '*.main.test A* | answer, authority, rcode, flags | the test changed main.test' >allow.txt
    run -0 "$BIN/dns-diff" --allow allow.txt --a "127.0.0.1:$knot_port" --b "127.0.0.1:$knot2_port" q.txt
}

@test "dns-diff sends mixed-case names and flags a server that does not answer" {
    require_cmd dig
    diff_find_tool knotd >/dev/null || skip "knotd is not installed"
    start_knot knot
    dead_port=$(diff_free_port)
    printf 'WwW.MaIn.TeSt A case\n' >q.txt
    run -1 "$BIN/dns-diff" --timeout 200 --a "127.0.0.1:$knot_port" --b "127.0.0.1:$dead_port" q.txt
    assert_contains "$output" "response: A: answered / B: "
    run -0 "$BIN/dns-diff" --a "127.0.0.1:$knot_port" --b "127.0.0.1:$knot_port" q.txt
}

@test "dns-diff usage and bad input exit with sysexits codes" {
    run -64 "$BIN/dns-diff"
    run -64 "$BIN/dns-diff" --a 127.0.0.1:53 q.txt
    run -69 "$BIN/dns-diff" --a localhost:53 --b 127.0.0.1:53 q.txt
    run -66 "$BIN/dns-diff" --a 127.0.0.1:53 --b 127.0.0.1:53 missing.txt
    printf 'www.main.test A tcp\nwww.main.test A frobnicate\n' >bad.txt
    run -65 "$BIN/dns-diff" --a 127.0.0.1:53 --b 127.0.0.1:53 bad.txt
    assert_contains "$output" "bad.txt:2: unknown option 'frobnicate'"
    printf 'www.main.test BOGUSTYPE\n' >bad.txt
    run -65 "$BIN/dns-diff" --a 127.0.0.1:53 --b 127.0.0.1:53 bad.txt
    printf 'hex=a1\n' >bad.txt
    run -65 "$BIN/dns-diff" --a 127.0.0.1:53 --b 127.0.0.1:53 bad.txt
    printf 'www.main.test A\n' >q.txt
    printf '* | answer |\n' >allow.txt
    run -65 "$BIN/dns-diff" --allow allow.txt --a 127.0.0.1:53 --b 127.0.0.1:53 q.txt
    assert_contains "$output" "allow.txt:1: an allowed difference needs a reason"
    printf '* | answers | typo\n' >allow.txt
    run -65 "$BIN/dns-diff" --allow allow.txt --a 127.0.0.1:53 --b 127.0.0.1:53 q.txt
}
