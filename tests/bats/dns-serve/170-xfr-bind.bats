#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# TSIG on ordinary queries (RFC 8945) and BIND 9 as a TSIG secondary of dns-serve (SOA over UDP, AXFR, NOTIFY, IXFR).
#
# BIND asks the primary's SOA over UDP, signed with the transfer key, before every transfer,
# and rejects an answer that is not signed ("expected a TSIG or SIG(0)"). named runs in the
# foreground (-g, its log on stderr) in the test's directory on a free loopback port.
# $output and $status are set by bats.
# shellcheck disable=SC2154

load ../helpers
load serve_helpers
load xfr_helpers
# shellcheck source-path=SCRIPTDIR source=../../diff/servers.bash
source "$SRC/tests/diff/servers.bash"

KEY="hmac-sha256:xfr.example:$SECRET"

# kq PORT NAME TYPE: the answer records of 127.0.0.1:PORT (kdig +short, unsigned), sorted.
kq() {
    kdig +short +time=2 +retry=0 -p "$1" @127.0.0.1 "$2" "$3" | sort
}

# udp_soa_queries: how many SOA queries over UDP the current edge has received (/metrics).
udp_soa_queries() {
    api GET /metrics
    sed -n 's/^dns_queries_total{transport="udp",type="SOA"} \([0-9]*\)$/\1/p' <<<"$API_BODY"
}

# start_bind_secondary DIR PORT: named as a TSIG secondary of the current edge for example.com.
start_bind_secondary() {
    local dir=$1 port=$2 named
    named=$(diff_find_tool named) || skip "named (bind9) is not installed"
    mkdir -p "$dir"
    # The key, primaries and zone blocks are the ones docs/secondaries.md shows.
    cat >"$dir/named.conf" <<CONF
options {
    directory "$dir";
    pid-file "$dir/named.pid";
    session-keyfile "$dir/session.key";
    managed-keys-directory "$dir";
    listen-on port $port { 127.0.0.1; };
    listen-on-v6 { none; };
    recursion no;
    dnssec-validation no;
    notify no;
    allow-transfer { none; };
};
controls { };

key "xfr.example." {
    algorithm hmac-sha256;
    secret "$SECRET";
};

zone "example.com" {
    type secondary;
    file "$dir/example.com.db";
    masterfile-format text;
    primaries port $EDGE_DNS { 127.0.0.1 key "xfr.example."; };
};
CONF
    # -g: foreground, log to stderr; -u root: this test runs as root and needs no other user.
    local user=()
    [[ $(id -u) == 0 ]] && user=(-u root)
    "$named" -g -4 -n 1 "${user[@]}" -c "$dir/named.conf" >"$dir/named.log" 2>&1 &
    DIFF_PIDS+=("$!")
}

@test "TSIG on queries: a signed SOA over UDP and TCP is signed back; BADKEY, BADSIG; unsigned stays unsigned" {
    require_cmd kdig
    transfer_config xfr.toml '"127.0.0.1"' true
    EDGE_CONFIG=xfr.toml start_edge edge
    push_example
    # dig and kdig check the answer's TSIG and say so when it fails.
    for transport in +notcp +tcp; do
        run -0 dig +time=3 +tries=1 "$transport" -p "$EDGE_DNS" @127.0.0.1 -y "$KEY" example.com SOA
        assert_contains "$output" "status: NOERROR"
        assert_line_matches "$output" '^example\.com\..*SOA.* 2026112501 '
        assert_line_matches "$output" '^xfr\.example\.[[:space:]]+0[[:space:]]+ANY[[:space:]]+TSIG[[:space:]]+hmac-sha256\. [0-9]+ 300 32 .* NOERROR 0'
        refute_contains "$output" "failed"
        refute_contains "$output" "Warning"
        run -0 kdig +time=3 +retry=0 "$transport" -p "$EDGE_DNS" @127.0.0.1 -y "$KEY" www.example.com A
        assert_contains "$output" "status: NOERROR"
        assert_line_matches "$output" '^www\.example\.com\.[[:space:]]+300[[:space:]]+IN[[:space:]]+A[[:space:]]+192\.0\.2\.80$'
        refute_contains "$output" "failed"
        refute_contains "$output" "WARNING"
    done
    run dig +time=3 +tries=1 -p "$EDGE_DNS" @127.0.0.1 -y "hmac-sha256:other.key:$SECRET" example.com SOA
    assert_contains "$output" "status: NOTAUTH"
    assert_line_matches "$output" 'TSIG[[:space:]]+hmac-sha256\. [0-9]+ 300 0 [0-9]+ BADKEY 0'
    run dig +time=3 +tries=1 -p "$EDGE_DNS" @127.0.0.1 -y "hmac-sha256:xfr.example:$OTHER" example.com SOA
    assert_contains "$output" "status: NOTAUTH"
    assert_line_matches "$output" 'TSIG[[:space:]]+hmac-sha256\. [0-9]+ 300 0 [0-9]+ BADSIG 0'
    # Unsigned: answered as before, no TSIG.
    run -0 dig +time=3 +tries=1 -p "$EDGE_DNS" @127.0.0.1 example.com SOA
    assert_contains "$output" "status: NOERROR"
    refute_contains "$output" "TSIG"
}

@test "BIND 9 as a TSIG secondary: SOA over UDP, AXFR, then NOTIFY and IXFR of a change" {
    [[ -x $MAKE_DELTA ]] || fail_with "$MAKE_DELTA is missing: build the make-delta target"
    require_cmd kdig
    local bind_port
    bind_port=$(diff_free_port)
    transfer_config xfr.toml '"127.0.0.1"' true
    printf 'notify = ["127.0.0.1:%s"]\nnotify_timeout = 1\n' "$bind_port" >>xfr.toml
    EDGE_CONFIG=xfr.toml start_edge edge
    push_example
    start_bind_secondary "$PWD/bind" "$bind_port"
    wait_answer "$bind_port" www.example.com A 192.0.2.80 || fail_with "$(cat bind/named.log)"
    grep -q "transfer of 'example.com/IN' from 127.0.0.1#$EDGE_DNS: Transfer status: success" \
        bind/named.log || fail_with "no transfer: $(cat bind/named.log)"
    # BIND's copy answers every RRset of the zone as the edge does (unsigned queries).
    dig +time=3 +tries=1 -p "$EDGE_DNS" @127.0.0.1 -y "$KEY" example.com AXFR |
        grep -v '^;' | grep -v '^$' | awk '$4 != "TSIG" { print $1, $4 }' | sort -u >rrsets.txt
    (($(wc -l <rrsets.txt) >= 15)) || fail_with "the edge's AXFR: $(cat rrsets.txt)"
    local name type want got compared=0
    while read -r name type; do
        [[ $type == NS && $name == sub.example.com. ]] && continue # a referral, not an answer
        [[ $type == A && $name == ns.sub.example.com. ]] && continue # glue below the cut
        want=$(kq "$EDGE_DNS" "$name" "$type")
        got=$(kq "$bind_port" "$name" "$type")
        [[ $got == "$want" ]] || fail_with "$name $type: BIND '$got', edge '$want'"
        compared=$((compared + 1))
    done <rrsets.txt
    ((compared >= 13)) || fail_with "only $compared RRsets compared"

    local soa_before soa_after
    soa_before=$(udp_soa_queries)
    change_www 192.0.2.81 2026112502
    # NOTIFY (signed) → BIND asks the SOA over UDP (signed) → IXFR. From here on only BIND
    # asks the edge anything until the metrics are read.
    wait_answer "$bind_port" www.example.com A 192.0.2.81 || fail_with "$(cat bind/named.log)"
    soa_after=$(udp_soa_queries)
    ((soa_after > soa_before)) || fail_with "BIND asked no SOA over UDP ($soa_before, $soa_after)"
    [[ $(kdig +short -p "$bind_port" @127.0.0.1 example.com SOA | awk '{ print $3 }') == 2026112502 ]] ||
        fail_with "BIND's serial"
    grep -q "received notify for zone 'example.com': TSIG 'xfr.example'" bind/named.log ||
        fail_with "BIND got no signed NOTIFY: $(cat bind/named.log)"
    grep -q "transferred serial 2026112502: TSIG 'xfr.example'" bind/named.log ||
        fail_with "no signed transfer of the change: $(cat bind/named.log)"
    # An IXFR: BIND keeps the delta it received in the zone's journal (an AXFR writes none).
    [[ -s bind/example.com.db.jnl ]] || fail_with "no journal: $(cat bind/named.log)"
    run -0 named-journalprint bind/example.com.db.jnl
    assert_line_matches "$output" '^del www\.example\.com\.[[:space:]]+300[[:space:]]+IN[[:space:]]+A[[:space:]]+192\.0\.2\.80$'
    assert_line_matches "$output" '^add www\.example\.com\.[[:space:]]+300[[:space:]]+IN[[:space:]]+A[[:space:]]+192\.0\.2\.81$'
    # Every answer BIND took from the edge was signed as it expects.
    refute_contains "$(cat bind/named.log)" "expected a TSIG"
    refute_contains "$(cat bind/named.log)" "tsig verify failure"
    api GET /metrics
    assert_line_matches "$API_BODY" '^dns_notify_answered_total [1-9]$'
    assert_line_matches "$API_BODY" '^dns_notify_failed_total 0$'
}
