#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# Migration in: a zone pulled from a Knot primary (zone-compile --axfr) imported as a zone stream (PUT .../zone), then every edge answers what Knot answered.
#
# One MariaDB, dnsapid, three registered edges (../fanout/fanout.bash) and one knotd
# (../zone-compile/knot_primary.bash) per file.
# shellcheck disable=SC2154,SC2034

load ../helpers
load dnsapid
load ../fanout/fanout
load ../zone-compile/knot_primary

STREAM_TYPE=application/vnd.endpointdns.zone-stream

setup_file() {
    command -v knotd >/dev/null 2>&1 || [[ -x /usr/sbin/knotd ]] || skip "knotd is not installed"
    fanout_setup_file mig migrate.test other.test locked.test
    knot_primary_start "$BATS_FILE_TMPDIR/knot"
    printf 'KNOT_PORT=%s\nKNOT_PID=%s\n' "$KNOT_PORT" "$KNOT_PID" >"$BATS_FILE_TMPDIR/knot.env"
}

teardown_file() {
    # shellcheck disable=SC1091
    [[ -e $BATS_FILE_TMPDIR/knot.env ]] && source "$BATS_FILE_TMPDIR/knot.env"
    knot_primary_stop
    fanout_teardown_file
}

setup() {
    fanout_setup
    # shellcheck disable=SC1091
    source "$BATS_FILE_TMPDIR/knot.env"
    : >empty.toml
}

teardown() {
    dnsapid_teardown
}

# import_stream ZONE FILE [QUERY [CURL-ARGS...]]: PUT the zone stream FILE to ZONE.
import_stream() {
    API_CONTENT_TYPE=$STREAM_TYPE api PUT "/v1/domains/$1/zone${3-}" "@$2" "${@:4}"
}

# answers PORT NAME TYPE: the answer and authority sections of a server's answer, SOA records
# left out (the SOA is dnsapid's own), sorted; class and letter case as dig prints them.
answers() {
    dig +norec +noall +answer +authority +time=2 +tries=2 -p "$1" @127.0.0.1 "$2" "$3" |
        awk '$4 != "SOA"' | sort
}

# same_as_knot ZONE STREAM: every RRset of STREAM (a transfer of ZONE from Knot), a name the
# wildcard covers, a missing name and a missing type are answered by every edge exactly as
# Knot answers them.
same_as_knot() {
    local zone=$1 stream=$2 names i owner type k e checked=0
    names=$("$ZC" -c empty.toml --text "$stream" | awk -F '\t' 'NF >= 5 && $4 != "SOA" { print $1, $4 }' | sort -u)
    names+=$'\n'"x.wild.$zone. A"$'\n'"nothing.$zone. A"$'\n'"www.$zone. MX"
    while read -r owner type; do
        k=$(answers "$KNOT_PORT" "$owner" "$type")
        [[ -n $k || $owner == nothing.* || $type == MX ]] ||
            api_fail "Knot gave no answer for $owner $type"
        for ((i = 1; i <= EDGE_COUNT; i++)); do
            e=$(answers "${EDGE_DNS[i]}" "$owner" "$type")
            [[ $e == "$k" ]] || api_fail "edge ns$i answers $owner $type with
$e
where Knot answers
$k"
        done
        checked=$((checked + 1))
    done <<<"$names"
    ((checked >= 26)) || api_fail "only $checked questions compared"
}

@test "a zone pulled from Knot and imported as a stream: every edge answers what Knot answers" {
    "$ZC" -c empty.toml --axfr "127.0.0.1:$KNOT_PORT" migrate.test >migrate.xfr
    # The dry run: every RRset of Knot's zone is created, the apex NS replaced.
    import_stream migrate.test migrate.xfr '?dry_run=1'
    expect_status 200
    assert_eq "$(jb .dry_run)" true dry_run
    assert_eq "$(jb .summary.create)" 22 "RRsets created"
    assert_eq "$(jb .summary.update)" 1 "RRsets updated (the apex NS)"
    assert_eq "$(jb .summary.delete)" 0 "RRsets deleted"
    # The operator's pipe, as docs/migrate.md shows it.
    local out
    out=$("$ZC" -c empty.toml --axfr "127.0.0.1:$KNOT_PORT" migrate.test |
        curl -s -X PUT --data-binary @- -H "Content-Type: $STREAM_TYPE" \
            -H "Authorization: Bearer $KEY" "$DNSAPID_URL/v1/domains/migrate.test/zone")
    body=$out
    assert_eq "$(jb .dry_run)" false dry_run
    assert_eq "$(jb .summary.create)" 22 "RRsets created"
    local id
    id=$(jb .change.id)
    [[ $id =~ ^[0-9]+$ ]] || api_fail "no change id"
    api GET "/v1/changes/$id?wait=10"
    expect_status 200
    assert_eq "$(jb .status)" insync "change status"

    same_as_knot migrate.test migrate.xfr
    # The SOA is dnsapid's: its name servers and serial, not Knot's.
    for ((i = 1; i <= EDGE_COUNT; i++)); do
        assert_contains "$(edge_dig "$i" migrate.test SOA)" "hostmaster.endpointdns.test."
    done
    # The same stream again changes nothing.
    import_stream migrate.test migrate.xfr
    expect_status 200
    assert_eq "$(jb .change)" null "change of a repeated import"
}

@test "a zone Knot transfers only with a TSIG key migrates with --tsig" {
    bind_keyfile transfer.key
    "$ZC" -c empty.toml --axfr "127.0.0.1:$KNOT_PORT" --tsig transfer.key locked.test >locked.xfr
    import_stream locked.test locked.xfr
    expect_status 200
    api GET "/v1/changes/$(jb .change.id)?wait=10"
    assert_eq "$(jb .status)" insync "change status"
    same_as_knot locked.test locked.xfr
}

@test "a stream with If-Match: 412 when the zone moved on" {
    "$ZC" -c empty.toml --axfr "127.0.0.1:$KNOT_PORT" migrate.test >migrate.xfr
    import_stream other.test <("$ZC" -c empty.toml --origin other.test <(knot_zone other.test)) \
        '' -H 'If-Match: "999"'
    expect_problem 412 precondition-failed
}

@test "bad streams: 422 naming the message or the record, never a line" {
    # Not a stream at all.
    printf 'www 300 IN A 192.0.2.1\n' >text.xfr
    import_stream other.test text.xfr
    expect_problem 422 validation
    assert_eq "$(jb .title)" "The zone stream is not valid" title
    assert_contains "$(jb '.errors[0].detail')" "malformed zone stream: "
    assert_eq "$(jb '[.errors[] | has("line")] | any')" false "a line in the errors"
    # A stream of another zone.
    knot_zone migrate.test >migrate.test.zone
    "$ZC" -c empty.toml migrate.test.zone >migrate.xfr
    import_stream other.test migrate.xfr
    expect_problem 422 validation
    assert_eq "$(jb '.errors[0].detail')" "the zone stream is for migrate.test., not for other.test." detail
    # Two zones in one stream.
    knot_zone other.test >other.test.zone
    "$ZC" -c empty.toml other.test.zone migrate.test.zone >two.xfr
    import_stream other.test two.xfr
    expect_problem 422 validation
    assert_contains "$(jb '.errors[0].detail')" "more than one zone"
    # A delta (IXFR) of example.org, from the fuzz corpus.
    import_stream other.test "$SRC/fuzz/corpus/stream_fuzz/gen-delta-one-step"
    expect_problem 422 validation
    assert_contains "$(jb '.errors[0].detail')" "holds a delta (IXFR) of example.org."
    # Cut short: the closing SOA is missing.
    "$ZC" -c empty.toml other.test.zone >other.xfr
    head -c "$(($(stat -c %s other.xfr) - 20))" other.xfr >cut.xfr
    import_stream other.test cut.xfr
    expect_problem 422 validation
    assert_contains "$(jb '.errors[0].detail')" "malformed zone stream: "
    # Empty.
    : >empty.xfr
    api PUT /v1/domains/other.test/zone "" -H "Content-Type: $STREAM_TYPE" --data-binary @empty.xfr
    expect_problem 422 validation
    assert_contains "$(jb '.errors[0].detail')" "the zone stream is empty"
    # A record type the service does not host, named by its owner and type.
    { knot_zone other.test; printf 'old IN SPF "v=spf1 -all"\n'; } >spf.zone
    "$ZC" -c empty.toml --origin other.test spf.zone >spf.xfr
    import_stream other.test spf.xfr
    expect_problem 422 validation
    assert_contains "$(jb '.errors[0].detail')" "record old.other.test SPF: "
    # Nothing of it was written.
    api GET /v1/domains/other.test/rrsets
    assert_eq "$(jb '[.items[] | select(.type != "SOA" and .type != "NS")] | length')" 0 "RRsets"
}
