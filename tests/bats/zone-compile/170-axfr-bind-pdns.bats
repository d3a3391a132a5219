#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# zone-compile --axfr --tsig from real BIND 9 and PowerDNS primaries (migration in): the stream pulled is the stream compiled from the zone file they serve; without the key, 77.
#
# One named and one pdns_server (bind backend) per file (bind_pdns_primary.bash), each on a
# random loopback port, serving tests/data/bats-many-types.zone as many.example and a big
# zone whose transfer takes many TSIG-signed messages, both only with the key. BIND keeps the
# case of names as the file has it, so its stream is byte for byte the compiled one; PowerDNS
# answers with names in another case (DNS names are case-insensitive), so its records are
# compared without regard to case, and its stream must still be whole and valid.
# shellcheck disable=SC2154 # $output, $status and $stderr are set by bats

load ../helpers
load bind_pdns_primary

setup_file() {
    command -v dig >/dev/null 2>&1 || skip "dig is not installed"
    : >"$BATS_FILE_TMPDIR/primaries.env"
    if command -v named >/dev/null 2>&1 || [[ -x /usr/sbin/named ]]; then
        bind_primary_start "$BATS_FILE_TMPDIR/bind"
        printf 'BIND_PORT=%s\nBIND_PID=%s\n' "$BIND_PORT" "$BIND_PID" >>"$BATS_FILE_TMPDIR/primaries.env"
    fi
    if { command -v pdns_server >/dev/null 2>&1 || [[ -x /usr/sbin/pdns_server ]]; } &&
        command -v pdnsutil >/dev/null 2>&1 &&
        [[ -n $(find /usr/lib -name libbindbackend.so -print -quit 2>/dev/null) ]]; then
        pdns_primary_start "$BATS_FILE_TMPDIR/pdns"
        printf 'PDNS_PORT=%s\nPDNS_PID=%s\n' "$PDNS_PORT" "$PDNS_PID" >>"$BATS_FILE_TMPDIR/primaries.env"
    fi
}

teardown_file() {
    # shellcheck disable=SC1091
    [[ -e $BATS_FILE_TMPDIR/primaries.env ]] && source "$BATS_FILE_TMPDIR/primaries.env"
    primary_stop "${BIND_PID-}"
    primary_stop "${PDNS_PID-}"
}

setup() {
    zc_setup
    BIND_PORT='' PDNS_PORT=''
    # shellcheck disable=SC1091
    source "$BATS_FILE_TMPDIR/primaries.env"
    primary_keyfile key.conf
}

need_bind() {
    [[ -n $BIND_PORT ]] || skip "named is not installed (bind9)"
}

need_pdns() {
    [[ -n $PDNS_PORT ]] || skip "pdns_server with the bind backend is not installed (pdns-server, pdns-backend-bind)"
}

# lower_text STREAM: the stream as zone-file text, in lower case.
lower_text() {
    zc --text "$1" | tr '[:upper:]' '[:lower:]'
}

# refused_without_the_key PORT: the primary on PORT refuses many.example unsigned (77, with
# what it answered) and with a wrong secret (77; $stderr says how).
refused_without_the_key() {
    run -77 --separate-stderr zc --axfr "127.0.0.1:$1" --check many.example
    assert_line_matches "$stderr" '^zone-compile: AXFR of many\.example\. from 127\.0\.0\.1 port [0-9]+: the primary answered (REFUSED|NOTAUTH)'
    printf 'hmac-sha256:%s:%s\n' "$PRIMARY_KEY_NAME" "d3Jvbmctc2VjcmV0LXdyb25nLXNlY3JldC13cm9uZy0x" >wrong.line
    run -77 --separate-stderr zc --axfr "127.0.0.1:$1" --tsig wrong.line --check many.example
}

@test "BIND: --axfr --tsig gives the same bytes as compiling the zone file BIND serves" {
    need_bind
    run -0 zc_to pulled.xfr --axfr "127.0.0.1:$BIND_PORT" --tsig key.conf many.example
    assert_empty "$output" "stderr"
    run -0 zc_to compiled.xfr "$BATS_FILE_TMPDIR/bind/many.example.zone"
    cmp pulled.xfr compiled.xfr || fail_with "the stream pulled from BIND differs from the compiled one"
    run -0 --separate-stderr zc --axfr "127.0.0.1:$BIND_PORT" --tsig key.conf --json many.example
    assert_json_member "$output" records 37
    assert_json_member "$output" errors 0
}

@test "BIND: a transfer of many messages, each signed and verified in the chain" {
    need_bind
    run -0 zc_to pulled.xfr --axfr "127.0.0.1:$BIND_PORT" --tsig key.conf big.example
    run -0 zc_to compiled.xfr "$BATS_FILE_TMPDIR/bind/big.example.zone"
    cmp pulled.xfr compiled.xfr || fail_with "the big zone pulled from BIND differs"
    run -0 --separate-stderr zc --axfr "127.0.0.1:$BIND_PORT" --tsig key.conf --json big.example
    assert_json_member "$output" records 3037
}

@test "BIND: without the key the transfer is refused: 77; with a wrong secret: 77" {
    need_bind
    refused_without_the_key "$BIND_PORT"
    assert_contains "$stderr" "BADSIG"
}

@test "PowerDNS: --axfr --tsig gives the zone file's records (names in PowerDNS's case)" {
    need_pdns
    run -0 zc_to pulled.xfr --axfr "127.0.0.1:$PDNS_PORT" --tsig key.conf many.example
    assert_empty "$output" "stderr"
    run -0 zc_to compiled.xfr "$BATS_FILE_TMPDIR/pdns/many.example.zone"
    diff -u <(lower_text compiled.xfr) <(lower_text pulled.xfr) ||
        fail_with "the records pulled from PowerDNS differ from the zone file's"
    # Data keeps its case: only names change.
    run -0 --separate-stderr zc --text pulled.xfr
    assert_contains "$output" '"mixed" "Case"'
    run -0 --separate-stderr zc --axfr "127.0.0.1:$PDNS_PORT" --tsig key.conf --json many.example
    assert_json_member "$output" records 37
    assert_json_member "$output" errors 0
}

@test "PowerDNS: a transfer of many messages, each signed and verified in the chain" {
    need_pdns
    run -0 zc_to pulled.xfr --axfr "127.0.0.1:$PDNS_PORT" --tsig key.conf big.example
    run -0 zc_to compiled.xfr "$BATS_FILE_TMPDIR/pdns/big.example.zone"
    diff -u <(lower_text compiled.xfr) <(lower_text pulled.xfr) ||
        fail_with "the big zone pulled from PowerDNS differs from the zone file's"
    run -0 --separate-stderr zc --axfr "127.0.0.1:$PDNS_PORT" --tsig key.conf --json big.example
    assert_json_member "$output" records 3037
}

@test "PowerDNS: without the key the transfer is refused: 77; with a wrong secret: 77" {
    need_pdns
    refused_without_the_key "$PDNS_PORT"
}
