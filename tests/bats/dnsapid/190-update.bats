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

# signed_update KEY TIME: an UPDATE adding time.up.test A, signed with KEY (ALG:NAME:SECRET)
# as of TIME (seconds since the epoch), sent over UDP; prints the response's RCODE and its TSIG
# error ("9 18" for NOTAUTH/BADTIME).
signed_update() {
    python3 - "$UPDATE_PORT" "$1" "$2" <<'PY'
import base64, hashlib, hmac, socket, struct, sys
port, key, now = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
alg, kname, secret = key.split(":")
def name(n):
    return b"".join(bytes([len(l)]) + l.encode() for l in n.rstrip(".").split(".")) + b"\0"
msg = (struct.pack(">HHHHHH", 0x1234, 5 << 11, 1, 0, 1, 0) + name("up.test.") +
       struct.pack(">HH", 6, 1) + name("time.up.test.") + struct.pack(">HHIH", 1, 1, 300, 4) +
       bytes([192, 0, 2, 40]))
times = struct.pack(">HIH", now >> 32, now & 0xFFFFFFFF, 300)
variables = name(kname) + struct.pack(">HI", 255, 0) + name(alg) + times + struct.pack(">HH", 0, 0)
mac = hmac.new(base64.b64decode(secret), msg + variables, hashlib.sha256).digest()
rdata = name(alg) + times + struct.pack(">H", len(mac)) + mac + struct.pack(">HHH", 0x1234, 0, 0)
msg = msg[:10] + struct.pack(">H", 1) + msg[12:]
msg += name(kname) + struct.pack(">HHIH", 250, 255, 0, len(rdata)) + rdata
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(5)
s.sendto(msg, ("127.0.0.1", port))
r = s.recv(65535)
rcode = r[3] & 0xF
def skip_name(b, i):
    while b[i]:
        if b[i] >= 0xC0:
            return i + 2
        i += b[i] + 1
    return i + 1
i = skip_name(r, 12) + 4                   # the zone section
i = skip_name(r, i) + 10                   # the TSIG's owner, type, class, TTL, RDLENGTH
i = skip_name(r, i) + 8                    # algorithm, time signed, fudge
i += 2 + struct.unpack(">H", r[i:i + 2])[0] + 2  # MAC, original id
print(rcode, struct.unpack(">H", r[i:i + 2])[0])
PY
}

@test "a request signed outside the 300 s fudge is NOTAUTH with TSIG error BADTIME; inside, applied" {
    run signed_update "$TSIG" $(($(date +%s) - 3600))
    assert_eq "$output" "9 18" "rcode and TSIG error"
    run signed_update "$TSIG" "$(date +%s)"
    assert_eq "$output" "0 0" "rcode and TSIG error"
    wait_edges time.up.test A 192.0.2.40 10
}
