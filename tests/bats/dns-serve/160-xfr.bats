#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# Zone transfers out of dns-serve: AXFR and IXFR with the address ACL and TSIG, Knot and NSD as secondaries.
#
# Each test starts its own edge with a [transfer] section (serve_helpers.bash). The
# secondaries are Knot and NSD from Debian, each on a free loopback port with its own
# directory; the edge tells them about changes with NOTIFY.
# $output and $status are set by bats.
# shellcheck disable=SC2154

load ../helpers
load serve_helpers
load xfr_helpers
# shellcheck source-path=SCRIPTDIR source=../../diff/servers.bash
source "$SRC/tests/diff/servers.bash"

# xfr_status [KDIG-ARGS...]: the rcode of a transfer from the current edge (dig prints none
# for a failed transfer).
xfr_status() {
    kdig +time=3 +retry=0 -p "$EDGE_DNS" @127.0.0.1 "$@" 2>&1 |
        sed -n "s/.*server replied with error '\([A-Z]*\)'.*/\1/p" | head -1
}

# xfr [DIG-ARGS...]: dig's transfer output from the current edge, comments left out.
xfr() {
    dig +time=3 +tries=1 -p "$EDGE_DNS" @127.0.0.1 "$@" | grep -v '^;' | grep -v '^$' || true
}

# big_zone: big/example.com.zone, the example zone and 20,000 TXT records: a transfer of many
# messages.
big_zone() {
    mkdir -p big
    {
        cat "$EXAMPLE_ZONE"
        for ((i = 1; i <= 20000; i++)); do
            echo "h$i 300 IN TXT \"record $i, some text to make the zone larger than one message\""
        done
    } >big/example.com.zone
}

@test "AXFR from an allowed address: SOA first and last, every record of the zone" {
    require_cmd kdig
    transfer_config xfr.toml '"127.0.0.1"'
    EDGE_CONFIG=xfr.toml start_edge edge
    push_example
    xfr example.com AXFR >axfr.txt
    [[ $(head -1 axfr.txt | awk '{ print $4 }') == SOA ]] || fail_with "SOA first: $(cat axfr.txt)"
    [[ $(tail -1 axfr.txt | awk '{ print $4 }') == SOA ]] || fail_with "SOA last"
    # The same records as zone-compile --text prints for the zone, in any order.
    "$ZC" -c empty.toml -q --text example.xfr | grep -v '^;' | grep -v '^$' |
        awk '{ $1 = tolower($1); print }' | sort -u >want.txt
    awk '{ $1 = tolower($1); print }' axfr.txt | sort -u >got.txt
    [[ $(wc -l <axfr.txt) == $(($(wc -l <want.txt) + 1)) ]] || fail_with "record count"
    run diff <(awk '{ print $1, $4 }' want.txt) <(awk '{ print $1, $4 }' got.txt)
    ((status == 0)) || fail_with "names and types differ: $output"
    # Queries are answered beside transfers (AXFR over UDP stays NOTIMP: responder_test).
    [[ $(q www.example.com A +tcp) == 192.0.2.80 ]] || fail_with "a query beside transfers"
}

@test "AXFR from an address outside the ACL is REFUSED; a zone not held is NOTAUTH" {
    require_cmd kdig
    transfer_config xfr.toml '"192.0.2.0/24", "2001:db8::/32"'
    EDGE_CONFIG=xfr.toml start_edge edge
    push_example
    [[ $(xfr_status example.com AXFR) == REFUSED ]] || fail_with "not REFUSED"
    [[ -z $(xfr example.com AXFR) ]] || fail_with "records sent"
    transfer_config xfr.toml '"127.0.0.0/8"'
    stop_edge
    EDGE_CONFIG=xfr.toml start_edge edge
    [[ $(xfr_status example.org AXFR) == NOTAUTH ]] || fail_with "not NOTAUTH"
}

@test "without a [transfer] allow list, transfers are NOTAUTH as before" {
    require_cmd kdig
    start_edge edge
    push_example
    [[ $(xfr_status example.com AXFR) == NOTAUTH ]] || fail_with "not NOTAUTH"
}

@test "TSIG: a signed AXFR is signed back; a wrong key is BADKEY, a wrong secret BADSIG; required TSIG refuses unsigned" {
    require_cmd kdig
    transfer_config xfr.toml '"127.0.0.1"' true
    EDGE_CONFIG=xfr.toml start_edge edge
    push_example
    # dig checks every message's TSIG and says so when one fails.
    run -0 dig +time=3 +tries=1 -p "$EDGE_DNS" @127.0.0.1 -y "hmac-sha256:xfr.example:$SECRET" \
        example.com AXFR
    assert_line_matches "$output" '^xfr\.example\.[[:space:]]+0[[:space:]]+ANY[[:space:]]+TSIG[[:space:]]+hmac-sha256\. .* NOERROR 0'
    refute_contains "$output" "failed"
    [[ $(grep -c 'IN	SOA' <<<"$output") == 2 ]] || fail_with "two SOAs"
    run -0 kdig +time=3 +retry=0 -p "$EDGE_DNS" @127.0.0.1 -y "hmac-sha256:xfr.example:$SECRET" \
        example.com AXFR
    refute_contains "$output" "failed"
    assert_contains "$output" "(1 messages, 20 records)"

    run dig +time=3 +tries=1 -p "$EDGE_DNS" @127.0.0.1 -y "hmac-sha256:other.key:$SECRET" \
        example.com AXFR
    assert_line_matches "$output" 'TSIG[[:space:]]+hmac-sha256\. [0-9]+ 300 0 [0-9]+ BADKEY 0'
    run dig +time=3 +tries=1 -p "$EDGE_DNS" @127.0.0.1 -y "hmac-sha256:xfr.example:$OTHER" \
        example.com AXFR
    assert_line_matches "$output" 'TSIG[[:space:]]+hmac-sha256\. [0-9]+ 300 0 [0-9]+ BADSIG 0'
    [[ $(xfr_status example.com AXFR) == REFUSED ]] || fail_with "unsigned not REFUSED"
}

@test "TSIG across many messages: a 20,000-record zone transfers whole, every message verified" {
    require_cmd kdig
    transfer_config xfr.toml '"127.0.0.1"' true
    EDGE_CONFIG=xfr.toml start_edge edge
    big_zone
    compile big/example.com.zone big.xfr
    put_zone example.com big.xfr
    run -0 kdig +time=5 +retry=0 -p "$EDGE_DNS" @127.0.0.1 -y "hmac-sha256:xfr.example:$SECRET" \
        example.com AXFR
    refute_contains "$output" "failed"
    assert_line_matches "$output" '^;; Received [0-9]+ B \(([2-9][0-9]|1[0-9]) messages, 20020 records\)'
}

@test "IXFR: the SOA alone when current, the deltas when behind, the zone when the history is gone" {
    [[ -x $MAKE_DELTA ]] || fail_with "$MAKE_DELTA is missing: build the make-delta target"
    transfer_config xfr.toml '"127.0.0.1"'
    EDGE_CONFIG=xfr.toml start_edge edge
    push_example
    run -0 xfr example.com IXFR=2026112501
    [[ $(wc -l <<<"$output") == 1 && $output == *SOA*2026112501* ]] || fail_with "up to date: $output"
    change_www 192.0.2.81 2026112502
    change_www 192.0.2.82 2026112503
    # From 1: two steps (RFC 1995 4): new SOA, old SOA, removed, SOA 2, added, SOA 2, removed,
    # SOA 3, added, new SOA.
    xfr example.com IXFR=2026112501 | awk '{ print $4 == "SOA" ? "SOA " $7 : $4 " " $5 }' >got.txt
    printf '%s\n' 'SOA 2026112503' 'SOA 2026112501' 'A 192.0.2.80' 'SOA 2026112502' \
        'A 192.0.2.81' 'SOA 2026112502' 'A 192.0.2.81' 'SOA 2026112503' 'A 192.0.2.82' \
        'SOA 2026112503' >want.txt
    diff -u want.txt got.txt || fail_with "IXFR from serial 1"
    # From 2: the last step only.
    run -0 xfr example.com IXFR=2026112502
    [[ $(wc -l <<<"$output") == 6 ]] || fail_with "IXFR from serial 2: $output"
    run -0 xfr example.com IXFR=2026112503
    [[ $(wc -l <<<"$output") == 1 ]] || fail_with "current again: $output"
    # A serial the history does not hold: the whole zone, in AXFR form.
    run -0 xfr example.com IXFR=2026112400
    assert_line_matches "$output" '^www\.example\.com\.[[:space:]]+300[[:space:]]+IN[[:space:]]+A[[:space:]]+192\.0\.2\.82$'
    [[ $(wc -l <<<"$output") == 20 ]] || fail_with "the whole zone: $output"
    # Over UDP: the current SOA alone, to send the client to TCP (RFC 1995 2).
    run -0 dig +notcp +time=2 +tries=1 -p "$EDGE_DNS" @127.0.0.1 example.com IXFR=2026112400
    assert_contains "$output" "(UDP)"
    [[ $(grep -v '^;' <<<"$output" | grep -c .) == 1 ]] || fail_with "one record over UDP"
    assert_line_matches "$output" '^example\.com\..*SOA.* 2026112503 '
    # A full replacement (PUT) starts the history afresh.
    put_zone example.com example.xfr
    run -0 xfr example.com IXFR=2026112502
    [[ $(wc -l <<<"$output") == 20 ]] || fail_with "after a PUT: $output"
}

# start_knot_secondary DIR PORT: knotd as a TSIG secondary of the current edge for example.com.
start_knot_secondary() {
    local dir=$1 port=$2 knotd
    knotd=$(diff_find_tool knotd) || skip "knotd is not installed"
    mkdir -p "$dir/db"
    {
        diff_knot_conf_head "$dir" "$port" info
        cat <<CONF
key:
  - id: xfr.example.
    algorithm: hmac-sha256
    secret: $SECRET
remote:
  - id: edge
    address: 127.0.0.1@$EDGE_DNS
    key: xfr.example.
acl:
  - id: edge_notify
    address: 127.0.0.1
    key: xfr.example.
    action: notify
template:
  - id: default
    storage: "$dir"
    zonefile-sync: -1
    zonefile-load: none
    journal-content: none
zone:
  - domain: example.com.
    master: edge
    acl: edge_notify
CONF
    } >"$dir/knot.conf"
    "$knotd" -c "$dir/knot.conf" >"$dir/knotd.log" 2>&1 &
    DIFF_PIDS+=("$!")
}

# start_nsd_secondary DIR PORT: nsd as a TSIG secondary of the current edge for example.com,
# response rate limiting off, nsd-control on a local socket.
start_nsd_secondary() {
    local dir=$1 port=$2 nsd
    nsd=$(diff_find_tool nsd) || skip "nsd is not installed"
    mkdir -p "$dir"
    cat >"$dir/nsd.conf" <<CONF
server:
    ip-address: 127.0.0.1
    port: $port
    server-count: 1
    username: ""
    chroot: ""
    zonesdir: "$dir"
    database: ""
    zonelistfile: "$dir/zone.list"
    xfrdfile: "$dir/xfrd.state"
    xfrdir: "$dir"
    pidfile: "$dir/nsd.pid"
    logfile: "$dir/nsd.log"
    verbosity: 2
    rrl-ratelimit: 0
    rrl-whitelist-ratelimit: 0
    rrl-slip: 0
remote-control:
    control-enable: yes
    control-interface: "$dir/nsd.sock"
key:
    name: xfr.example.
    algorithm: hmac-sha256
    secret: "$SECRET"
zone:
    name: example.com
    zonefile: "$dir/example.com.zone"
    request-xfr: 127.0.0.1@$EDGE_DNS xfr.example.
    allow-notify: 127.0.0.1 xfr.example.
CONF
    "$nsd" -d -c "$dir/nsd.conf" >"$dir/nsd.out" 2>&1 &
    DIFF_PIDS+=("$!")
}

@test "Knot and NSD as TSIG secondaries: they transfer the zone, and a change after NOTIFY" {
    [[ -x $MAKE_DELTA ]] || fail_with "$MAKE_DELTA is missing: build the make-delta target"
    local knot_port nsd_port
    knot_port=$(diff_free_port)
    nsd_port=$(diff_free_port)
    transfer_config xfr.toml '"127.0.0.1"' true
    printf 'notify = ["127.0.0.1:%s", "127.0.0.1:%s"]\nnotify_timeout = 1\n' \
        "$knot_port" "$nsd_port" >>xfr.toml
    EDGE_CONFIG=xfr.toml start_edge edge
    push_example
    start_knot_secondary "$PWD/knot" "$knot_port"
    start_nsd_secondary "$PWD/nsd" "$nsd_port"
    wait_answer "$knot_port" www.example.com A 192.0.2.80 || fail_with "$(cat knot/knotd.log)"
    wait_answer "$nsd_port" www.example.com A 192.0.2.80 || fail_with "$(cat nsd/nsd.log)"
    # The secondaries answer every RRset of the zone as the edge does.
    # (The AXFR that lists them is signed: this edge requires TSIG; at least 10 RRsets, so an
    # empty or refused listing cannot pass.)
    local name type n=0
    while read -r name type; do
        n=$((n + 1))
        [[ $type == NS && $name == sub.example.com. ]] && continue # a referral, not an answer
        want=$(q "$name" "$type" | sort)
        for port in "$knot_port" "$nsd_port"; do
            got=$(dig +short +time=2 -p "$port" @127.0.0.1 "$name" "$type" | sort)
            [[ $got == "$want" ]] || fail_with "$name $type on port $port: '$got', edge: '$want'"
        done
    done < <(xfr -y "hmac-sha256:xfr.example:$SECRET" example.com AXFR |
        awk '$4 != "TSIG" && ($4 != "A" || $1 != "ns.sub.example.com.") { print $1, $4 }' | sort -u)
    ((n >= 10)) || fail_with "only $n RRsets compared"

    change_www 192.0.2.81 2026112502
    # The edge sends NOTIFY (signed) once the change is durable; the secondaries' own refresh
    # timer (the SOA's 7200 s) would be far too late for this wait.
    wait_answer "$knot_port" www.example.com A 192.0.2.81 || fail_with "$(cat knot/knotd.log)"
    wait_answer "$nsd_port" www.example.com A 192.0.2.81 || fail_with "$(cat nsd/nsd.log)"
    [[ $(dig +short -p "$knot_port" @127.0.0.1 example.com SOA | awk '{ print $3 }') == 2026112502 ]] ||
        fail_with "Knot's serial"
    [[ $(dig +short -p "$nsd_port" @127.0.0.1 example.com SOA | awk '{ print $3 }') == 2026112502 ]] ||
        fail_with "NSD's serial"
    # Two NOTIFY answered (one per secondary), none given up, as /metrics counts them.
    api GET /metrics
    assert_line_matches "$API_BODY" '^dns_notify_answered_total [2-9]$'
    assert_line_matches "$API_BODY" '^dns_notify_failed_total 0$'
    # Knot asked for IXFR and got the delta (224 octets here; the whole zone is 570).
    grep -q 'IXFR, incoming, .*finished' knot/knotd.log || fail_with "Knot made no IXFR"
    grep -q 'notify, incoming' knot/knotd.log || fail_with "Knot got no NOTIFY"
    grep -q 'notify for example.com. from 127.0.0.1' nsd/nsd.log || fail_with "NSD got no NOTIFY"
}

@test "a transfer the client does not read stalls neither queries nor updates" {
    require_cmd python3
    [[ -x $MAKE_DELTA ]] || fail_with "$MAKE_DELTA is missing: build the make-delta target"
    transfer_config xfr.toml '"127.0.0.1"'
    EDGE_CONFIG=xfr.toml start_edge edge
    big_zone
    compile big/example.com.zone example.xfr
    put_zone example.com example.xfr
    # A client asks for the zone and then reads nothing for 3 seconds.
    python3 - "$EDGE_DNS" <<'PY' &
import socket, struct, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
q = struct.pack(">HHHHHH", 7, 0, 1, 0, 0, 0) + b"\x07example\x03com\x00" + struct.pack(">HH", 252, 1)
s.sendall(struct.pack(">H", len(q)) + q)
time.sleep(3)
PY
    local reader=$!
    sleep 0.5
    # Queries and a delta go on while the transfer waits for its reader.
    [[ $(q www.example.com A) == 192.0.2.80 ]] || fail_with "UDP query during the transfer"
    [[ $(q www.example.com A +tcp) == 192.0.2.80 ]] || fail_with "TCP query during the transfer"
    sed -e 's/192\.0\.2\.80/192.0.2.81/' -e 's/2026112501/2026112502/' big/example.com.zone >new.zone
    mkdir -p new && mv new.zone new/example.com.zone
    compile new/example.com.zone new.xfr
    "$MAKE_DELTA" example.xfr new.xfr >delta.xfr
    patch_zone example.com delta.xfr
    assert_status 200
    [[ $(q www.example.com A) == 192.0.2.81 ]] || fail_with "the change during the transfer"
    kill "$reader" 2>/dev/null || true
    wait "$reader" 2>/dev/null || true
}
