#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# An edge synced by zone-sync answers exactly as Knot DNS answers the zone file dnsapid exports, query for query (dns-diff).
#
# dnsapid holds zones with many kinds of data (delegation with glue, wildcard, CNAME, MX, SRV,
# CAA, TXT, AAAA); zone-sync puts them on a fresh dns-serve edge; knotd (tests/diff/servers.bash)
# loads the same zones exported by GET /v1/domains/{zone}/zone. dns-diff sends both servers a
# query for every RRset, a missing type at every name and a name below every name, and must
# find no difference. The records are compared too: the edge's zone stream holds those of the
# exported zone file.
# shellcheck disable=SC2154,SC2034

load ../helpers
load ../dnsapid/dnsapid
load sync
# shellcheck source-path=SCRIPTDIR source=../../diff/servers.bash
source "$SRC/tests/diff/servers.bash"

setup_file() {
    sync_setup_file
}

teardown_file() {
    dnsapid_teardown_file
}

setup() {
    sync_setup
    require_cmd dig jq
    diff_find_tool knotd >/dev/null || skip "knotd is not installed"
    [[ -x $BIN/dns-diff ]] || fail_with "$BIN/dns-diff is missing: build the dns-diff target"
}

teardown() {
    diff_stop_all
    sync_teardown
}

# batch ZONE JSON: PATCH /v1/domains/ZONE/rrsets with the JSON array of RRsets (with $KEY).
batch() {
    api PATCH "/v1/domains/$1/rrsets" "$2"
    expect_status 200
}

# export_zone ZONE DIR: the zone file dnsapid exports, as DIR/ZONE.zone.
export_zone() {
    api GET "/v1/domains/$1/zone"
    expect_status 200 || return 1
    printf '%s\n' "$body" >"$2/$1.zone"
}

# queries ZONEFILE...: dns-diff query lines for the zones: every RRset (UDP and TCP), a type
# each name lacks, and a name below each name.
queries() {
    awk '$1 !~ /^[;$]/ && NF >= 4 {
            owner = $1; type = $4
            if (!(owner SUBSEP type in seen)) {
                seen[owner, type] = 1
                print owner " " type
                print owner " " type " tcp"
            }
            if (!(owner in names)) {
                names[owner] = 1
                print owner " NAPTR"
                print "zz." owner " A"
                print "Zz." owner " TXT case"
            }
        }' "$@"
}

@test "the synced edge answers like Knot with the exported zone files" {
    new_domain ref.test
    batch ref.test '[
      {"name":"@","type":"MX","ttl":3600,"records":["10 mail.ref.test.","20 backup.example.net."]},
      {"name":"@","type":"TXT","records":["\"v=spf1 mx -all\"","\"two\" \"strings\""]},
      {"name":"@","type":"CAA","records":["0 issue \"letsencrypt.org\""]},
      {"name":"@","type":"A","records":["192.0.2.1"]},
      {"name":"@","type":"AAAA","records":["2001:db8::1"]},
      {"name":"www","type":"A","ttl":300,"records":["192.0.2.10","192.0.2.11"]},
      {"name":"www","type":"AAAA","records":["2001:db8::10"]},
      {"name":"mail","type":"A","records":["192.0.2.25"]},
      {"name":"ftp","type":"CNAME","records":["www.ref.test."]},
      {"name":"out","type":"CNAME","records":["elsewhere.example.net."]},
      {"name":"*.wild","type":"A","records":["192.0.2.99"]},
      {"name":"*.wild","type":"TXT","records":["\"wildcard\""]},
      {"name":"_sip._tcp","type":"SRV","records":["10 60 5060 sip.ref.test."]},
      {"name":"sip","type":"A","records":["192.0.2.50"]},
      {"name":"sub","type":"NS","records":["ns1.sub.ref.test.","ns.example.net."]},
      {"name":"ns1.sub","type":"A","records":["192.0.2.53"]},
      {"name":"a.b.c.deep","type":"TXT","records":["\"below empty non-terminals\""]}
    ]'
    new_domain second.test
    put_rrset second.test www A '["198.51.100.1"]'
    put_rrset second.test alias CNAME '["www.ref.test."]'
    start_edge refedge
    run -0 --separate-stderr zs --server refedge

    mkdir -p zones
    export_zone ref.test zones
    export_zone second.test zones
    local knot_port
    diff_up knotd "$PWD/knot" "$PWD/zones" ref.test second.test
    knot_port=$DIFF_PORT
    diff_wait_zones "$REFEDGE_DNS" "${EDGE_PID[refedge]}" ref.test second.test
    queries zones/*.zone >queries.txt
    (($(wc -l <queries.txt) > 80)) || fail_with "only $(wc -l <queries.txt) queries"
    run "$BIN/dns-diff" --timeout 1000 --allow "$SRC/tests/diff/allow-dns-serve.txt" \
        --a "127.0.0.1:$knot_port" --b "127.0.0.1:$REFEDGE_DNS" queries.txt
    ((status == 0)) || fail_with "the synced edge (B) differs from Knot (A)"
    assert_line_matches "$output" '^dns-diff: [0-9]+ queries, 0 differ'

    # The same records in the edge's zone stream (from the wire form the database keeps) as
    # in the exported zone file (from the text form), both read by ldns.
    local z
    for z in ref.test second.test; do
        "$ZC" -c empty.toml -q -o "file-$z.xfr" "zones/$z.zone"
        "$DUMP" "file-$z.xfr" | sort -u >"file-$z.txt"
        curl -sS -H "Authorization: Bearer $(<key)" \
            -H 'Accept: application/vnd.endpointdns.zone-stream' \
            "http://127.0.0.1:$REFEDGE_HTTP/v1/zones/$z" >"edge-$z.xfr"
        "$DUMP" "edge-$z.xfr" | sort -u >"edge-$z.txt"
        (($(wc -l <"edge-$z.txt") > 3)) || fail_with "edge-$z.txt is nearly empty"
        diff "file-$z.txt" "edge-$z.txt" >&2 || fail_with "the records of $z differ"
    done
    drop_zone ref.test
    drop_zone second.test
}
