#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# zone-compile --axfr: zones pulled from a Knot primary (open, TSIG, refused) and the failures of a bad primary, with their exit codes.
#
# One knotd per file (knot_primary.bash); a fake primary (fake_primary.py) for answers Knot
# never gives. The stream pulled from Knot must be byte for byte the stream compiled from the
# zone file Knot serves: the output is deterministic.
# shellcheck disable=SC2154 # $output, $status and $stderr are set by bats

load ../helpers
load knot_primary

setup_file() {
    command -v knotd >/dev/null 2>&1 || [[ -x /usr/sbin/knotd ]] || skip "knotd is not installed"
    command -v dig >/dev/null 2>&1 || skip "dig is not installed"
    knot_primary_start "$BATS_FILE_TMPDIR/knot"
    printf 'KNOT_PORT=%s\nKNOT_PID=%s\n' "$KNOT_PORT" "$KNOT_PID" >"$BATS_FILE_TMPDIR/knot.env"
}

teardown_file() {
    # shellcheck disable=SC1091
    [[ -e $BATS_FILE_TMPDIR/knot.env ]] && source "$BATS_FILE_TMPDIR/knot.env"
    knot_primary_stop
}

setup() {
    zc_setup
    # shellcheck disable=SC1091
    source "$BATS_FILE_TMPDIR/knot.env"
    FAKE_PID=
}

teardown() {
    [[ -n ${FAKE_PID-} ]] && kill "$FAKE_PID" 2>/dev/null
    return 0
}

# fake_primary MODE [NAME:SECRET]: starts fake_primary.py in MODE (signing with the key);
# sets FAKE_PORT and FAKE_PID.
fake_primary() {
    require_cmd python3
    python3 "$BATS_TEST_DIRNAME/fake_primary.py" port "$@" 3>&- &
    FAKE_PID=$!
    local tries=0
    until [[ -s port ]]; do
        ((++tries < 200)) || fail_with "fake_primary.py did not start"
        sleep 0.05
    done
    FAKE_PORT=$(<port)
}

@test "--axfr pulls a zone from Knot: the same bytes as compiling the zone file Knot serves" {
    run -0 zc_to pulled.xfr --axfr "127.0.0.1:$KNOT_PORT" migrate.test
    assert_empty "$output" "stderr"
    knot_zone migrate.test >migrate.test.zone
    run -0 zc_to compiled.xfr migrate.test.zone
    cmp pulled.xfr compiled.xfr || fail_with "the pulled stream differs from the compiled one"
    # And ldns reads it as the zone: SOA first and last, 28 records with the SOA.
    [[ -x $DUMP ]] || skip "$DUMP is missing: build the xfr-ldns-dump target"
    run -0 dump_records pulled.xfr
    (($(wc -l <<<"$output") == 28)) || fail_with "expected 28 records"
}

@test "--axfr with --text, --json and --check, like the other inputs" {
    run -0 --separate-stderr zc --axfr "127.0.0.1:$KNOT_PORT" --text migrate.test.
    assert_line_matches "$output" '^; zone migrate\.test\. serial 2024060101$'
    assert_line_matches "$output" $'^www\\.migrate\\.test\\.\t300\tIN\tA\t192\\.0\\.2\\.81$'
    run -0 --separate-stderr zc --axfr "127.0.0.1:$KNOT_PORT" --json MIGRATE.test
    assert_json_member "$output" records 28
    assert_json_member "$output" serial 2024060101
    assert_json_member "$output" source "\"axfr://127.0.0.1:$KNOT_PORT/MIGRATE.test.\""
    assert_json_member "$output" errors 0
    run -0 --separate-stderr zc --axfr "127.0.0.1:$KNOT_PORT" --check migrate.test
    assert_empty "$output" "stdout of --check"
    # A host name: each address is tried (localhost may give ::1 first, where Knot is not).
    run -0 zc_to byname.xfr --axfr "localhost:$KNOT_PORT" migrate.test
    run -0 zc_to byaddr.xfr --axfr "127.0.0.1:$KNOT_PORT" migrate.test
    cmp byname.xfr byaddr.xfr || fail_with "localhost and 127.0.0.1 gave different streams"
    # -o writes the stream atomically, as for a file.
    run -0 zc --axfr "127.0.0.1:$KNOT_PORT" -o out.xfr migrate.test
    [[ -s out.xfr ]] || fail_with "out.xfr is empty"
}

@test "--tsig: a BIND key file or a name:secret line opens the locked zone" {
    bind_keyfile key.conf
    run -0 zc_to locked.xfr --axfr "127.0.0.1:$KNOT_PORT" --tsig key.conf locked.test
    knot_zone locked.test >locked.test.zone
    run -0 zc_to compiled.xfr locked.test.zone
    cmp locked.xfr compiled.xfr || fail_with "the stream pulled with TSIG differs"
    printf 'hmac-sha256:%s:%s\n' "$KNOT_KEY_NAME" "$KNOT_KEY_SECRET" >key.line
    run -0 zc_to locked2.xfr --axfr "127.0.0.1:$KNOT_PORT" --tsig key.line locked.test
    cmp locked2.xfr compiled.xfr || fail_with "the stream pulled with the one-line key differs"
}

@test "--tsig reads the key as keymgr -t prints it" {
    [[ -s $BATS_FILE_TMPDIR/knot/keymgr.key ]] || skip "keymgr is not installed"
    run -0 zc_to locked.xfr --axfr "127.0.0.1:$KNOT_PORT" --tsig "$BATS_FILE_TMPDIR/knot/keymgr.key" locked.test
    knot_zone locked.test >locked.test.zone
    run -0 zc_to compiled.xfr locked.test.zone
    cmp locked.xfr compiled.xfr || fail_with "the stream pulled with the keymgr key differs"
}

@test "--tsig over many messages: each answer's MAC is verified, the zone is whole" {
    bind_keyfile key.conf
    run -0 zc_to big.xfr --axfr "127.0.0.1:$KNOT_PORT" --tsig key.conf big.test
    cp "$BATS_FILE_TMPDIR/knot/zones/big.test.zone" .
    run -0 zc_to compiled.xfr big.test.zone
    cmp big.xfr compiled.xfr || fail_with "the big zone pulled with TSIG differs"
    run -0 --separate-stderr zc --axfr "127.0.0.1:$KNOT_PORT" --tsig key.conf --json big.test
    assert_json_member "$output" records 3028
}

@test "with --tsig, an answer that is not signed is refused: 77" {
    fake_primary nons
    printf 'hmac-sha256:k.example:%s\n' "$KNOT_KEY_SECRET" >k.line
    run -77 --separate-stderr zc --axfr "127.0.0.1:$FAKE_PORT" --tsig k.line --check a.test
    assert_contains "$stderr" "the answer is not signed with the key k.example."
}

@test "a transfer the primary refuses: 77 with what the primary said" {
    # No key for the locked zone.
    run -77 --separate-stderr zc --axfr "127.0.0.1:$KNOT_PORT" --check locked.test
    assert_line_matches "$stderr" '^zone-compile: AXFR of locked\.test\. from 127\.0\.0\.1 port [0-9]+: the primary answered (REFUSED|NOTAUTH)'
    # A zone nobody may transfer.
    run -77 --separate-stderr zc --axfr "127.0.0.1:$KNOT_PORT" --check closed.test
    assert_contains "$stderr" "the primary answered"
    [[ $(wc -l <<<"$stderr") == 1 ]] || fail_with "expected one line on stderr"
}

@test "a wrong TSIG secret is BADSIG, an unknown key name BADKEY: 77" {
    bind_keyfile wrong.conf "d3Jvbmctc2VjcmV0LXdyb25nLXNlY3JldC13cm9uZy0x"
    run -77 --separate-stderr zc --axfr "127.0.0.1:$KNOT_PORT" --tsig wrong.conf --check locked.test
    assert_contains "$stderr" "NOTAUTH"
    assert_contains "$stderr" "BADSIG"
    printf 'other.key:%s\n' "$KNOT_KEY_SECRET" >other.line
    run -77 --separate-stderr zc --axfr "127.0.0.1:$KNOT_PORT" --tsig other.line --check locked.test
    assert_contains "$stderr" "BADKEY"
}

@test "the key file: missing 66, malformed 78 with its line" {
    run -66 --separate-stderr zc --axfr "127.0.0.1:$KNOT_PORT" --tsig nosuch.key locked.test
    printf 'key "k" {\n\talgorithm hmac-sha3;\n\tsecret "YWJjZA==";\n};\n' >bad.key
    run -78 --separate-stderr zc --axfr "127.0.0.1:$KNOT_PORT" --tsig bad.key locked.test
    [[ $stderr == "zone-compile: TSIG key file bad.key: line 2: unknown TSIG algorithm 'hmac-sha3'" ]] ||
        fail_with "unexpected message"
}

@test "usage: one ZONE, no --origin or --db, --tsig only with --axfr" {
    run -64 --separate-stderr zc --axfr 127.0.0.1 a.test b.test
    assert_contains "$stderr" "exactly one ZONE"
    run -64 --separate-stderr zc --axfr 127.0.0.1 --check
    run -64 --separate-stderr zc --axfr 127.0.0.1 --origin a.test a.test
    run -64 --separate-stderr zc --axfr 127.0.0.1 --db a.test
    run -64 --separate-stderr zc --tsig key.conf a.test.zone
    assert_contains "$stderr" "--tsig signs a zone transfer"
    run -64 --separate-stderr zc --max-records 10 a.test.zone
    assert_contains "$stderr" "--max-records limits a zone transfer"
    run -64 --separate-stderr zc --max-bytes 100000 a.test.zone
    assert_contains "$stderr" "--max-bytes limits a zone transfer"
    run -64 --separate-stderr zc --axfr 127.0.0.1 --max-records 0 --check a.test
    run -64 --separate-stderr zc --axfr 127.0.0.1 --max-bytes 511 --check a.test
    run -64 --separate-stderr zc --axfr '127.0.0.1:99999' --check a.test
    assert_contains "$stderr" "the port must be 1 to 65535"
    run -64 --separate-stderr zc --axfr '[::1' --check a.test
    run -64 --separate-stderr zc --axfr 'nonexistent.invalid' --check a.test
    assert_contains "$stderr" "cannot resolve the primary nonexistent.invalid"
}

@test "connection refused: 69" {
    local port
    port=$(free_port)
    run -69 --separate-stderr zc --axfr "127.0.0.1:$port" --check migrate.test
    [[ $stderr == "zone-compile: AXFR of migrate.test. from 127.0.0.1 port $port: cannot connect (connection refused or unreachable)" ]] ||
        fail_with "unexpected message"
}

@test "a primary that never answers: 75 after --timeout" {
    fake_primary silent
    local start=$SECONDS
    run -75 --separate-stderr zc --axfr "127.0.0.1:$FAKE_PORT" --timeout 1 --check a.test
    assert_contains "$stderr" "no answer within 1 s"
    ((SECONDS - start < 5)) || fail_with "the timeout took $((SECONDS - start)) s"
}

@test "a primary that stalls after the first message: 75 after --timeout, not a hang" {
    fake_primary stall
    local start=$SECONDS
    run -75 --separate-stderr zc --axfr "127.0.0.1:$FAKE_PORT" --timeout 1 --check a.test
    assert_contains "$stderr" "no answer within 1 s after 2 records (message 2 did not arrive whole in that time)"
    ((SECONDS - start < 5)) || fail_with "the timeout took $((SECONDS - start)) s"
}

@test "--timeout is for each message whole: a primary that sends an octet at a time: 75" {
    # 0.3 s between octets: each read gets data well within the second, the message never.
    fake_primary trickle
    run -75 --separate-stderr zc --axfr "127.0.0.1:$FAKE_PORT" --timeout 1 --check a.test
    assert_contains "$stderr" "no answer within 1 s after 0 records"
}

@test "--tsig: 99 unsigned messages between signed ones are verified through the MAC chain" {
    fake_primary gap99 "k.example:$KNOT_KEY_SECRET"
    printf 'hmac-sha256:k.example:%s\n' "$KNOT_KEY_SECRET" >k.line
    run -0 --separate-stderr zc --axfr "127.0.0.1:$FAKE_PORT" --tsig k.line --json a.test
    assert_json_member "$output" records 101
    assert_json_member "$output" errors 0
}

@test "--tsig: an unsigned message changed in transit fails the next MAC: 77" {
    fake_primary tamper "k.example:$KNOT_KEY_SECRET"
    printf 'hmac-sha256:k.example:%s\n' "$KNOT_KEY_SECRET" >k.line
    run -77 --separate-stderr zc --axfr "127.0.0.1:$FAKE_PORT" --tsig k.line --check a.test
    assert_contains "$stderr" "message 101 of the answer carries a TSIG signature that does not verify with the key k.example. over the 99 unsigned messages before it"
}

@test "--tsig: 100 unsigned messages in a row, or an unsigned last message: 77" {
    printf 'hmac-sha256:k.example:%s\n' "$KNOT_KEY_SECRET" >k.line
    fake_primary gap100 "k.example:$KNOT_KEY_SECRET"
    run -77 --separate-stderr zc --axfr "127.0.0.1:$FAKE_PORT" --tsig k.line --check a.test
    assert_contains "$stderr" "messages 2 to 101 of the answer are not signed: RFC 8945 5.3.1 allows at most 99 in a row"
    kill "$FAKE_PID"
    rm -f port
    fake_primary lastraw "k.example:$KNOT_KEY_SECRET"
    run -77 --separate-stderr zc --axfr "127.0.0.1:$FAKE_PORT" --tsig k.line --check a.test
    assert_contains "$stderr" "the last message of the answer (102) is not signed with the key k.example."
}

@test "a primary that sends records without end: 65 at --max-records or --max-bytes" {
    fake_primary flood
    run -65 --separate-stderr zc --axfr "127.0.0.1:$FAKE_PORT" --max-records 1000 --check a.test
    assert_contains "$stderr" "the transfer holds more than 1000 records (--max-records)"
    run -65 --separate-stderr zc --axfr "127.0.0.1:$FAKE_PORT" --max-bytes 100000 --check a.test
    assert_line_matches "$stderr" '^zone-compile: AXFR of a\.test\. from 127\.0\.0\.1 port [0-9]+: the transfer exceeds 100000 octets \(--max-bytes\) at message [0-9]+, after [0-9]+ records$'
}

@test "--max-bytes counts names expanded: compression pointers cannot multiply memory: 65" {
    # 2000 records of 16 octets each on the wire, whose owner is a pointer to a 232-octet name.
    fake_primary bomb
    run -65 --separate-stderr zc --axfr "127.0.0.1:$FAKE_PORT" --max-bytes 100000 --check a.test
    assert_contains "$stderr" "the records exceed 100000 octets (--max-bytes) at record"
    assert_contains "$stderr" "their names expanded"
}

@test "an answer that does not begin with the SOA: 76" {
    fake_primary nosoa
    run -76 --separate-stderr zc --axfr "127.0.0.1:$FAKE_PORT" --check a.test
    assert_contains "$stderr" "record 1 is not the zone's SOA: the answer does not begin with it"
    assert_contains "$stderr" "192.0.2.1"
}

@test "a transfer cut before the closing SOA: 76" {
    fake_primary cut
    run -76 --separate-stderr zc --axfr "127.0.0.1:$FAKE_PORT" --check a.test
    assert_contains "$stderr" "the transfer stopped after 2 records, before the closing SOA"
}

@test "a fetched zone is validated like a zone file: no NS at the apex is 65, no stream" {
    fake_primary nons
    run -65 zc_to out.xfr --axfr "127.0.0.1:$FAKE_PORT" a.test
    assert_contains "$output" "a.test. from 127.0.0.1#$FAKE_PORT"
    assert_contains "$output" "error:"
    [[ ! -s out.xfr ]] || fail_with "a stream was written for an invalid zone"
}
