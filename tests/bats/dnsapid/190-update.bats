#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# DNS UPDATE (RFC 2136) with TSIG into dnsapid, driven by nsupdate: changes reach the edges and the zone history; prerequisites, scopes, keys and accounts give the RFC's RCODEs.
#
# Two accounts: "up" owns up.test (and a scoped ACME-only TSIG key), "other" owns other.test.
# nsupdate talks to [update] listen on UDP (on TCP with NSUPDATE_TCP set); the edges come from ../fanout/fanout.bash.
# shellcheck disable=SC2154,SC2034

load ../helpers
load dnsapid
load ../fanout/fanout

setup_file() {
    require_cmd nsupdate
    UPDATE_PORT=$(free_port) || return 1
    export UPDATE_PORT
    DNSAPID_EXTRA=$(printf '[update]\nlisten = "127.0.0.1:%s"\n' "$UPDATE_PORT")
    export DNSAPID_EXTRA
    fanout_setup_file up up.test || return 1
    # The account's TSIG keys: one unrestricted, one for _acme-challenge TXT only.
    new_key '{"kind":"tsig","name":"nsupdate","write":true}' || return 1
    jb .tsig.key >"$BATS_FILE_TMPDIR/tsig"
    jb .prefix >"$BATS_FILE_TMPDIR/tsig-prefix"
    new_key '{"kind":"tsig","names":["_acme-challenge.*"],"types":["TXT"],"write":true}' || return 1
    jb .tsig.key >"$BATS_FILE_TMPDIR/tsig-acme"
    new_key '{"kind":"tsig"}' || return 1
    jb .tsig.key >"$BATS_FILE_TMPDIR/tsig-ro"
    # Another account with its zone.
    local KEY
    KEY=$(new_account other free) || return 1
    printf '%s\n' "$KEY" >"$BATS_FILE_TMPDIR/key-other"
    new_domain other.test || return 1
}

teardown_file() {
    fanout_teardown_file
}

setup() {
    fanout_setup
    TSIG=$(<"$BATS_FILE_TMPDIR/tsig")
}

teardown() {
    dnsapid_teardown
}

# nsup KEY COMMANDS: runs nsupdate -y KEY against dnsapid with the commands (server, zone and
# send added); sets status and output (nsupdate prints the failing RCODE).
nsup() {
    local key=$1 zone=$2
    shift 2
    run nsupdate ${NSUPDATE_TCP:+-v} -y "$key" -t 5 <<EOF
server 127.0.0.1 $UPDATE_PORT
zone $zone
$(printf '%s\n' "$@")
send
EOF
}

@test "nsupdate adds a record: every edge answers it, and the history shows the change" {
    nsup "$TSIG" up.test 'update add www.up.test. 300 A 192.0.2.10'
    [[ $status == 0 ]] || api_fail "nsupdate failed: $output"
    wait_edges www.up.test A 192.0.2.10 10
    api GET /v1/domains/up.test/versions
    expect_status 200
    assert_eq "$(jb '.items[0].summary')" "DNS UPDATE" "summary"
    assert_eq "$(jb '.items[0].kind') $(jb '.items[0].added') $(jb '.items[0].removed')" \
        "update 1 0" "the change"
    assert_eq "$(jb '.items[0].actor')" "$(<"$BATS_FILE_TMPDIR/tsig-prefix")" "actor"
}

@test "over TCP (nsupdate -v) as over UDP" {
    NSUPDATE_TCP=1 nsup "$TSIG" up.test 'update add tcp.up.test. 300 A 192.0.2.20'
    [[ $status == 0 ]] || api_fail "nsupdate -v: $output"
    wait_edges tcp.up.test A 192.0.2.20 10
    NSUPDATE_TCP=1 nsup "$TSIG" up.test 'prereq nxdomain tcp.up.test.'
    [[ $status != 0 && $output == *YXDOMAIN* ]] || api_fail "prerequisite over TCP: $output"
}

@test "nsupdate deletes a record and a whole RRset" {
    nsup "$TSIG" up.test 'update add del.up.test. 300 A 192.0.2.1' \
        'update add del.up.test. 300 A 192.0.2.2'
    [[ $status == 0 ]] || api_fail "add: $output"
    wait_edges del.up.test A "$(printf '192.0.2.1\n192.0.2.2')" 10
    nsup "$TSIG" up.test 'update delete del.up.test. A 192.0.2.1'
    [[ $status == 0 ]] || api_fail "delete RR: $output"
    wait_edges del.up.test A 192.0.2.2 10
    nsup "$TSIG" up.test 'update delete del.up.test. A'
    [[ $status == 0 ]] || api_fail "delete RRset: $output"
    wait_edges del.up.test A "" 10
}

@test "prerequisites that fail give their RCODE and change nothing" {
    nsup "$TSIG" up.test 'update add pre.up.test. 300 A 192.0.2.5'
    [[ $status == 0 ]] || api_fail "add: $output"
    local before
    before=$(zone_serial up.test)
    nsup "$TSIG" up.test 'prereq nxdomain pre.up.test.' 'update add pre.up.test. 300 A 192.0.2.6'
    [[ $status != 0 && $output == *YXDOMAIN* ]] || api_fail "nxdomain: $output"
    nsup "$TSIG" up.test 'prereq yxdomain none.up.test.' 'update add pre.up.test. 300 A 192.0.2.6'
    [[ $status != 0 && $output == *NXDOMAIN* ]] || api_fail "yxdomain: $output"
    nsup "$TSIG" up.test 'prereq nxrrset pre.up.test. A' 'update add pre.up.test. 300 A 192.0.2.6'
    [[ $status != 0 && $output == *YXRRSET* ]] || api_fail "nxrrset: $output"
    nsup "$TSIG" up.test 'prereq yxrrset pre.up.test. TXT' 'update add pre.up.test. 300 A 192.0.2.6'
    [[ $status != 0 && $output == *NXRRSET* ]] || api_fail "yxrrset: $output"
    nsup "$TSIG" up.test 'prereq yxrrset pre.up.test. A 192.0.2.99' \
        'update add pre.up.test. 300 A 192.0.2.6'
    [[ $status != 0 && $output == *NXRRSET* ]] || api_fail "value: $output"
    assert_eq "$(zone_serial up.test)" "$before" "serial after failed prerequisites"
    # and one that holds: the value-dependent RRset matches
    nsup "$TSIG" up.test 'prereq yxrrset pre.up.test. A 192.0.2.5' \
        'update add pre.up.test. 300 A 192.0.2.6'
    [[ $status == 0 ]] || api_fail "holding prerequisite: $output"
    wait_edges pre.up.test A "$(printf '192.0.2.5\n192.0.2.6')" 10
}

@test "a wrong secret or an unknown key is NOTAUTH" {
    local alg name
    IFS=: read -r alg name _ <<<"$TSIG"
    nsup "$alg:$name:c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlYw==" up.test \
        'update add bad.up.test. 300 A 192.0.2.7'
    [[ $status != 0 && $output == *NOTAUTH* ]] || api_fail "wrong secret: $output"
    nsup "hmac-sha256:nobody.tsig.:c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlYw==" up.test \
        'update add bad.up.test. 300 A 192.0.2.7'
    [[ $status != 0 && $output == *NOTAUTH* ]] || api_fail "unknown key: $output"
    api GET "/v1/domains/up.test/rrsets/bad/A"
    expect_status 404
}

@test "an ACME-only TSIG key adds _acme-challenge TXT but not an A (REFUSED)" {
    local acme
    acme=$(<"$BATS_FILE_TMPDIR/tsig-acme")
    nsup "$acme" up.test 'update add _acme-challenge.up.test. 60 TXT "token-1"'
    [[ $status == 0 ]] || api_fail "TXT: $output"
    wait_edges _acme-challenge.up.test TXT '"token-1"' 10
    nsup "$acme" up.test 'update add www2.up.test. 300 A 192.0.2.8'
    [[ $status != 0 && $output == *REFUSED* ]] || api_fail "A: $output"
}

@test "a read-only TSIG key may check prerequisites but not change anything (REFUSED)" {
    local ro
    ro=$(<"$BATS_FILE_TMPDIR/tsig-ro")
    nsup "$ro" up.test 'update add ro.up.test. 300 A 192.0.2.12'
    [[ $status != 0 && $output == *REFUSED* ]] || api_fail "read-only: $output"
    nsup "$ro" up.test 'prereq nxdomain ro.up.test.'
    [[ $status == 0 ]] || api_fail "prerequisite only: $output"
}

@test "another account's zone, or an unknown one, is NOTAUTH; a name outside the zone NOTZONE" {
    nsup "$TSIG" other.test 'update add www.other.test. 300 A 192.0.2.9'
    [[ $status != 0 && $output == *NOTAUTH* ]] || api_fail "other account: $output"
    nsup "$TSIG" nowhere.test 'update add www.nowhere.test. 300 A 192.0.2.9'
    [[ $status != 0 && $output == *NOTAUTH* ]] || api_fail "unknown zone: $output"
    nsup "$TSIG" up.test 'update add www.other.test. 300 A 192.0.2.9'
    [[ $status != 0 && $output == *NOTZONE* ]] || api_fail "outside: $output"
}

@test "an unsigned update is REFUSED; the TSIG key's secret is never shown again" {
    run nsupdate -t 5 <<EOF
server 127.0.0.1 $UPDATE_PORT
zone up.test
update add nosig.up.test. 300 A 192.0.2.11
send
EOF
    [[ $status != 0 && $output == *REFUSED* ]] || api_fail "unsigned: $output"
    api GET /v1/keys
    expect_status 200
    assert_eq "$(jb '[.items[] | select(.kind == "tsig")] | length')" 3 "tsig keys listed"
    assert_eq "$(jb '[.items[] | .tsig.secret // .secret // empty] | length')" 0 "secrets shown"
}

@test "TSIG keys: hmac-sha512 works; a wrong kind or algorithm is 422; revoked keys are NOTAUTH" {
    new_key '{"kind":"tsig","algorithm":"hmac-sha512","write":true}'
    assert_eq "$(jb .tsig.algorithm)" hmac-sha512 "algorithm"
    local k512 id
    k512=$(jb .tsig.key)
    id=$(jb .id)
    nsup "$k512" up.test 'update add sha512.up.test. 300 A 192.0.2.30'
    [[ $status == 0 ]] || api_fail "hmac-sha512: $output"
    api DELETE "/v1/keys/$id"
    expect_status 204
    nsup "$k512" up.test 'update add sha512.up.test. 300 A 192.0.2.31'
    [[ $status != 0 && $output == *NOTAUTH* ]] || api_fail "revoked: $output"
    api POST /v1/keys '{"kind":"bogus"}'
    expect_problem 422 validation
    api POST /v1/keys '{"kind":"tsig","algorithm":"hmac-md5"}'
    expect_problem 422 validation
    api POST /v1/keys '{"algorithm":"hmac-sha256"}'
    expect_problem 422 validation
}

# dns_update ARGS...: tests/bats/dnsapid/dns_update.py against [update] listen (see its usage).
dns_update() {
    local cmd=$1
    shift
    python3 "$BATS_TEST_DIRNAME/dns_update.py" "$cmd" "$UPDATE_PORT" "$@"
}

@test "a request signed outside the 300 s fudge is NOTAUTH with TSIG error BADTIME; inside, applied" {
    run -0 dns_update send "$TSIG" up.test time.up.test 192.0.2.40 --time $(($(date +%s) - 3600))
    assert_eq "$output" "9 18" "rcode and TSIG error"
    run -0 dns_update send "$TSIG" up.test time.up.test 192.0.2.40
    assert_eq "$output" "0 0" "rcode and TSIG error"
    wait_edges time.up.test A 192.0.2.40 10
}

@test "a replayed update (the same octets again) gets the first answer and is not applied again" {
    local t
    t=$(date +%s)
    run -0 dns_update send "$TSIG" up.test replay.up.test 192.0.2.50 --time "$t" --times 2
    assert_eq "$output" "$(printf '0 0\n0 0')" "answers to the message and its retransmit"
    api GET /v1/domains/up.test/rrsets/replay/A
    expect_status 200
    # Deleted since; the captured message sent again must not bring the record back.
    nsup "$TSIG" up.test 'update delete replay.up.test. A'
    [[ $status == 0 ]] || api_fail "delete: $output"
    run -0 dns_update send "$TSIG" up.test replay.up.test 192.0.2.50 --time "$t"
    assert_eq "$output" "0 0" "the replay's answer (the first one again)"
    api GET /v1/domains/up.test/rrsets/replay/A
    expect_status 404
    api GET "/v1/domains/up.test/versions?limit=100"
    expect_status 200
    assert_eq "$(jb '[.items[] | select(.summary == "DNS UPDATE" and .added == 1 and .removed == 0)] | length >= 1')" true "the add in the history"
    local serial
    serial=$(zone_serial up.test)
    run -0 dns_update send "$TSIG" up.test replay.up.test 192.0.2.50 --time "$t"
    assert_eq "$(zone_serial up.test)" "$serial" "serial after another replay"
}

@test "a captured update resent with its MAC truncated (RFC 8945 5.2.2.1) is the same message: not applied again" {
    local t serial
    t=$(date +%s)
    run -0 dns_update send "$TSIG" up.test cut.up.test 192.0.2.54 --time "$t"
    assert_eq "$output" "0 0" "rcode and TSIG error"
    api GET /v1/domains/up.test/rrsets/cut/A
    expect_status 200
    nsup "$TSIG" up.test 'update delete cut.up.test. A'
    [[ $status == 0 ]] || api_fail "delete: $output"
    serial=$(zone_serial up.test)
    # Each cut verifies (at least 16 of 32 octets, and 10), and its length is not under the MAC:
    # every one is the first message again, answered as the first time.
    local n
    for n in 31 30 20 16; do
        run -0 dns_update send "$TSIG" up.test cut.up.test 192.0.2.54 --time "$t" --mac-size "$n"
        assert_eq "$output" "0 0" "the answer to the copy with a $n-octet MAC"
    done
    api GET /v1/domains/up.test/rrsets/cut/A
    expect_status 404
    assert_eq "$(zone_serial up.test)" "$serial" "serial after the truncated copies"
    # Cut under half the hash: FORMERR (and still nothing applied).
    run -0 dns_update send "$TSIG" up.test cut.up.test 192.0.2.54 --time "$t" --mac-size 15
    assert_eq "$output" "1 -" "rcode and TSIG error of a 15-octet MAC"
    # A message first sent truncated is known by its full MAC too: the whole one is a copy.
    t=$(date +%s)
    run -0 dns_update send "$TSIG" up.test cut2.up.test 192.0.2.55 --time "$t" --mac-size 16
    assert_eq "$output" "0 0" "a first message with a 16-octet MAC"
    nsup "$TSIG" up.test 'update delete cut2.up.test. A'
    [[ $status == 0 ]] || api_fail "delete: $output"
    run -0 dns_update send "$TSIG" up.test cut2.up.test 192.0.2.55 --time "$t"
    assert_eq "$output" "0 0" "its copy with the whole MAC"
    api GET /v1/domains/up.test/rrsets/cut2/A
    expect_status 404
}

@test "octets after the TSIG record: FORMERR, nothing applied" {
    run -0 dns_update send "$TSIG" up.test trailing.up.test 192.0.2.51 --trailing 3
    assert_eq "$output" "1 -" "rcode and TSIG error"
    api GET /v1/domains/up.test/rrsets/trailing/A
    expect_status 404
}

@test "a datagram from source port 0 is dropped: not answered, not applied" {
    [[ $(id -u) == 0 ]] || skip "sending from port 0 takes a raw socket (root)"
    run -0 dns_update port0 "$TSIG" up.test port0.up.test 192.0.2.52
    # The UDP listener takes datagrams in order: once the next one is answered, the first was
    # handled.
    run -0 dns_update send "$TSIG" up.test after0.up.test 192.0.2.53
    assert_eq "$output" "0 0" "the next datagram"
    api GET /v1/domains/up.test/rrsets/after0/A
    expect_status 200
    api GET /v1/domains/up.test/rrsets/port0/A
    expect_status 404
}

@test "UPDATE messages are API calls: counted in the usage, REFUSED over the plan's call limit" {
    new_plan four-calls '{"max_calls_per_day":4}' >/dev/null
    local KEY tsig
    KEY=$(new_account frugal four-calls)
    new_domain frugal.test                    # call 1
    new_key '{"kind":"tsig","write":true}'    # call 2
    tsig=$(jb .tsig.key)
    nsup "$tsig" frugal.test 'update add a.frugal.test. 300 A 192.0.2.60' # call 3
    [[ $status == 0 ]] || api_fail "first update: $output"
    nsup "$tsig" frugal.test 'update add b.frugal.test. 300 A 192.0.2.61' # call 4
    [[ $status == 0 ]] || api_fail "second update: $output"
    nsup "$tsig" frugal.test 'update add c.frugal.test. 300 A 192.0.2.62'
    [[ $status != 0 && $output == *REFUSED* ]] || api_fail "over the limit: $output"
    api GET /v1/domains/frugal.test/rrsets/c/A
    expect_problem 403 plan-limit
    # GET /v1/account answers over the limit, without counting itself.
    api GET /v1/account
    expect_status 200
    assert_eq "$(jb .usage.calls_today)" 4 "calls today (two of them UPDATE messages)"
    as_admin api PATCH /v1/plans/four-calls '{"max_calls_per_day":0}'
    expect_status 200
    api GET /v1/domains/frugal.test/rrsets/c/A
    expect_problem 404 not-found
}

@test "the apex NS and SOA stay: deleting the NS RRset, every RRset or each NS record of the apex (RFC 2136 3.4.2.4)" {
    local ns
    api GET /v1/domains/up.test/rrsets/@/NS
    expect_status 200
    ns=$(jb -c '.records | sort')
    nsup "$TSIG" up.test 'update delete up.test. NS'
    [[ $status == 0 ]] || api_fail "delete NS RRset: $output"
    nsup "$TSIG" up.test 'update add up.test. 300 TXT "apex"' 'update delete up.test.'
    [[ $status == 0 ]] || api_fail "delete all at the apex: $output"
    api GET /v1/domains/up.test/rrsets/@/NS
    expect_status 200
    assert_eq "$(jb -c '.records | sort')" "$ns" "apex NS after the deletions"
    api GET /v1/domains/up.test/rrsets/@/TXT
    expect_status 404
    api GET /v1/domains/up.test/rrsets/@/SOA
    expect_status 200
    # Each NS record in one message: the first goes, the last one stays (ignored).
    nsup "$TSIG" up.test 'update delete up.test. NS ns1.endpointdns.test.' \
        'update delete up.test. NS ns2.endpointdns.test.'
    [[ $status == 0 ]] || api_fail "delete each NS record: $output"
    api GET /v1/domains/up.test/rrsets/@/NS
    expect_status 200
    assert_eq "$(jb -c '.records')" '["ns2.endpointdns.test."]' "the last apex NS record"
    nsup "$TSIG" up.test 'update add up.test. 3600 NS ns1.endpointdns.test.'
    [[ $status == 0 ]] || api_fail "NS added back: $output"
}

@test "an ACME-only key's prerequisites on names or types outside its scope are REFUSED" {
    local acme
    acme=$(<"$BATS_FILE_TMPDIR/tsig-acme")
    nsup "$TSIG" up.test 'update add secret.up.test. 300 A 192.0.2.70'
    [[ $status == 0 ]] || api_fail "add: $output"
    nsup "$acme" up.test 'prereq yxdomain secret.up.test.'
    [[ $status != 0 && $output == *REFUSED* ]] || api_fail "yxdomain: $output"
    nsup "$acme" up.test 'prereq nxdomain nothing.up.test.'
    [[ $status != 0 && $output == *REFUSED* ]] || api_fail "nxdomain: $output"
    nsup "$acme" up.test 'prereq yxrrset secret.up.test. A'
    [[ $status != 0 && $output == *REFUSED* ]] || api_fail "yxrrset A: $output"
    nsup "$acme" up.test 'prereq nxrrset secret.up.test. TXT'
    [[ $status != 0 && $output == *REFUSED* ]] || api_fail "TXT outside the names: $output"
    nsup "$acme" up.test 'prereq yxdomain _acme-challenge.up.test.' \
        'update add _acme-challenge.up.test. 60 TXT "x"'
    [[ $status != 0 && $output == *REFUSED* ]] || api_fail "yxdomain in its names: $output"
    # Its own RRsets it may ask about.
    nsup "$acme" up.test 'prereq nxrrset _acme-challenge.probe.up.test. TXT' \
        'update add _acme-challenge.probe.up.test. 60 TXT "p"'
    [[ $status == 0 ]] || api_fail "nxrrset TXT in scope: $output"
}

@test "deleting every RRset of a name: all or nothing for a scoped key, in order with the adds" {
    local acme
    acme=$(<"$BATS_FILE_TMPDIR/tsig-acme")
    nsup "$TSIG" up.test 'check-names off' 'update add _acme-challenge.mixed.up.test. 60 TXT "t"' \
        'update add _acme-challenge.mixed.up.test. 300 A 192.0.2.80'
    [[ $status == 0 ]] || api_fail "setup: $output"
    local serial
    serial=$(zone_serial up.test)
    nsup "$acme" up.test 'update delete _acme-challenge.mixed.up.test.'
    [[ $status != 0 && $output == *REFUSED* ]] || api_fail "an A it may not delete: $output"
    assert_eq "$(zone_serial up.test)" "$serial" "serial after the refused deletion"
    api GET /v1/domains/up.test/rrsets/_acme-challenge.mixed/TXT
    expect_status 200
    # Add then delete all: nothing stays; delete all then add: the add stays.
    nsup "$acme" up.test 'update add _acme-challenge.order.up.test. 60 TXT "gone"' \
        'update delete _acme-challenge.order.up.test.'
    [[ $status == 0 ]] || api_fail "add then delete all: $output"
    api GET /v1/domains/up.test/rrsets/_acme-challenge.order/TXT
    expect_status 404
    nsup "$acme" up.test 'update delete _acme-challenge.order.up.test.' \
        'update add _acme-challenge.order.up.test. 60 TXT "kept"'
    [[ $status == 0 ]] || api_fail "delete all then add: $output"
    api GET /v1/domains/up.test/rrsets/_acme-challenge.order/TXT
    expect_status 200
    assert_eq "$(jb -c .records)" '["\"kept\""]' "records"
}

@test "another account's zone is NOTAUTH without waiting for that zone's lock" {
    # Another account's writer holds other.test's row: the key of "up" must be told NOTAUTH
    # without queueing behind it.
    mariadb_sql "BEGIN; SELECT id FROM domains WHERE name = 'other.test' FOR UPDATE; SELECT SLEEP(60); COMMIT" >/dev/null 2>&1 &
    local holder=$! tries=0 thread=
    # The holder sleeps once it has the row.
    while [[ -z $thread ]]; do
        thread=$(mariadb_sql "SELECT ID FROM information_schema.PROCESSLIST WHERE INFO = 'SELECT SLEEP(60)'")
        ((++tries < 400)) || api_fail "the lock was never taken: $(mariadb_sql 'SHOW FULL PROCESSLIST')" || return 1
        [[ -n $thread ]] || sleep 0.05
    done
    nsup "$TSIG" other.test 'update add www.other.test. 300 A 192.0.2.9'
    local out=$output st=$status
    mariadb_sql "KILL $thread" || true
    wait "$holder" || true
    [[ $st != 0 && $out == *NOTAUTH* ]] || api_fail "other account's locked zone: $out"
}

@test "TCP: a client that dribbles a message is cut off after 10 s while others are served; at most 4 connections per address" {
    dns_update dribble 2 40 >"$BATS_TEST_TMPDIR/dribble" &
    local slow=$!
    NSUPDATE_TCP=1 nsup "$TSIG" up.test 'update add busy.up.test. 300 A 192.0.2.90'
    [[ $status == 0 ]] || api_fail "an update beside the slow client: $output"
    wait "$slow"
    assert_eq "$(<"$BATS_TEST_TMPDIR/dribble")" closed "the dribbling connection"
    run -0 dns_update hold 127.0.0.2 5
    assert_eq "$output" "$(printf 'open\nopen\nopen\nopen\nclosed\nopen')" \
        "five connections from 127.0.0.2, then one from 127.0.0.1"
}
