#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# zone-compile on bad master files: exit 65, file:line: error: on stderr, nothing written; 66 for missing input.
#
# $stderr is set by bats (run --separate-stderr); bash -c scripts in single quotes are meant.
# shellcheck disable=SC2154,SC2016

load ../helpers

setup() {
    zc_setup
}

# expect_error FILE WHERE TEXT: compiling FILE to -o out.xfr exits 65, prints nothing on stdout,
# creates no out.xfr, and reports "WHERE: error: ...TEXT..." on stderr, WHERE being FILE:LINE
# or, for a finding about the whole zone, FILE. The configuration is $CONFIG (default: empty).
expect_error() {
    local file=$1 where=$2 text=$3 config=${CONFIG:-empty.toml}
    run -65 --separate-stderr "$ZC" -c "$config" -o out.xfr "$file"
    assert_empty "$output" stdout
    assert_no_file out.xfr
    local line
    line=$(grep -F -- "$where: error: " <<<"$stderr") || fail_with "no error reported at $where"
    assert_contains "$line" "$text"
    # The same with --check, and to stdout.
    run -65 --separate-stderr "$ZC" -c "$config" --check "$file"
    assert_empty "$output" stdout
    assert_contains "$stderr" "$where: error: "
    run -65 --separate-stderr "$ZC" -c "$config" -f "$file"
    assert_empty "$output" stdout
}

@test "an unknown record type" {
    write_zone t.example.zone 'www BOGUS 1 2 3'
    expect_error t.example.zone t.example.zone:5 "BOGUS"
}

@test "a bad IPv4 address" {
    write_zone t.example.zone 'www A 192.0.2.256'
    expect_error t.example.zone t.example.zone:5 "IPv4"
}

@test "a bad IPv6 address" {
    write_zone t.example.zone 'www AAAA 2001:db8::1::2'
    expect_error t.example.zone t.example.zone:5 "IPv6"
}

@test "missing RDATA fields" {
    write_zone t.example.zone 'www MX 10'
    expect_error t.example.zone t.example.zone:5 "MX"
}

@test "bad RDATA of a type converted by ldns" {
    write_zone t.example.zone 'host SSHFP 1 1 not-hex'
    expect_error t.example.zone t.example.zone:5 "SSHFP"
}

@test "an error on a later line is reported with its own line number" {
    write_zone t.example.zone \
        'a A 192.0.2.1' \
        '; a comment' \
        '' \
        'b ( A' \
        '    192.0.2.999 )' \
        'c A 192.0.2.3'
    expect_error t.example.zone t.example.zone:8 "IPv4"
}

@test "every error is reported, not only the first" {
    write_zone t.example.zone \
        'a A 192.0.2.300' \
        'b A 192.0.2.2' \
        'c BOGUS x'
    expect_error t.example.zone t.example.zone:5 "IPv4"
    assert_contains "$stderr" "t.example.zone:7: error: "
}

@test "no SOA record" {
    cat >t.example.zone <<'EOF'
$TTL 300
@    IN NS  ns1
ns1  IN A   192.0.2.1
EOF
    expect_error t.example.zone t.example.zone "SOA"
}

@test "no NS record at the apex" {
    cat >t.example.zone <<'EOF'
$TTL 300
@    IN SOA ns1 hostmaster 1 7200 3600 1209600 300
ns1  IN A   192.0.2.1
EOF
    expect_error t.example.zone t.example.zone "NS"
}

@test "two SOA records at the apex: the error points at the second" {
    write_zone t.example.zone '@ SOA ns1 hostmaster 2 7200 3600 1209600 300'
    expect_error t.example.zone t.example.zone:5 "SOA"
}

@test "an SOA record below the apex" {
    write_zone t.example.zone 'www SOA ns1 hostmaster 2 7200 3600 1209600 300'
    expect_error t.example.zone t.example.zone:5 "SOA"
}

@test "a CNAME and other data at one name: the error points at the CNAME" {
    write_zone t.example.zone \
        'www A 192.0.2.80' \
        'www CNAME ns1'
    expect_error t.example.zone t.example.zone:6 "CNAME"
}

@test "a CNAME at the apex: the error points at the CNAME" {
    write_zone t.example.zone '@ CNAME www.example.net.'
    expect_error t.example.zone t.example.zone:5 "apex"
}

@test "two CNAME records at one name" {
    write_zone t.example.zone \
        'www CNAME a.example.net.' \
        'www CNAME b.example.net.'
    expect_error t.example.zone t.example.zone:6 "more than one CNAME"
}

@test "data below a DNAME" {
    write_zone t.example.zone \
        'old DNAME new.example.net.' \
        'www.old A 192.0.2.1'
    expect_error t.example.zone t.example.zone:6 "DNAME"
}

@test "a record outside the zone" {
    write_zone t.example.zone 'www.example.net. A 192.0.2.1'
    expect_error t.example.zone t.example.zone:5 "outside the zone"
}

@test "a name that merely ends like the origin is outside the zone" {
    write_zone t.example.zone 'wwwt.example. A 192.0.2.1'
    expect_error t.example.zone t.example.zone:5 "outside the zone"
}

@test "missing glue for a name server inside a delegation" {
    write_zone t.example.zone 'sub NS ns.sub'
    expect_error t.example.zone t.example.zone:5 "glue"
}

@test "a TTL above max_ttl of the configuration" {
    printf '[limits]\nmax_ttl = 3600\n' >limits.toml
    write_zone t.example.zone \
        'a 3600 A 192.0.2.1' \
        'b 3601 A 192.0.2.2'
    CONFIG=limits.toml expect_error t.example.zone t.example.zone:6 "3600"
    # Without the limit the zone is fine.
    run -0 zc --check t.example.zone
}

@test "a TTL below min_ttl of the configuration" {
    printf '[limits]\nmin_ttl = 60\n' >limits.toml
    write_zone t.example.zone 'b 59 A 192.0.2.2'
    CONFIG=limits.toml expect_error t.example.zone t.example.zone:5 "60"
}

@test "a TTL above 2147483647 is an error whatever the configuration" {
    printf '[limits]\nmax_ttl = 2147483647\n' >limits.toml
    write_zone t.example.zone 'b 2147483648 A 192.0.2.2'
    CONFIG=limits.toml expect_error t.example.zone t.example.zone:5 "2147483647"
    expect_error t.example.zone t.example.zone:5 "2147483647"
}

@test "more records than max_records" {
    printf '[limits]\nmax_records = 3\n' >limits.toml
    write_zone t.example.zone 'b A 192.0.2.2'
    CONFIG=limits.toml expect_error t.example.zone t.example.zone "3"
    printf '[limits]\nmax_records = 4\n' >limits.toml
    run -0 "$ZC" -c limits.toml --check t.example.zone
}

@test "a class other than IN" {
    write_zone t.example.zone 'www CH A 192.0.2.1'
    expect_error t.example.zone t.example.zone:5 "class"
}

@test "an RRset too large for one message" {
    write_zone t.example.zone
    awk 'BEGIN {
        s = sprintf("%250s", ""); gsub(/ /, "x", s)
        for (i = 1; i <= 300; i++) printf "big TXT \"%03d%s\"\n", i, s
    }' >>t.example.zone
    expect_error t.example.zone t.example.zone:5 "too large"
}

@test "'(' never closed" {
    write_zone t.example.zone \
        'www A 192.0.2.1' \
        'mail MX ( 10' \
        '    mail.example.net.'
    expect_error t.example.zone t.example.zone:6 "("
}

@test "')' without '('" {
    write_zone t.example.zone 'www A 192.0.2.1 )'
    expect_error t.example.zone t.example.zone:5 ")"
}

@test "an unterminated quoted string" {
    write_zone t.example.zone \
        'txt TXT "no end' \
        'www A 192.0.2.1'
    expect_error t.example.zone t.example.zone:5 "quoted"
}

@test "\$INCLUDE of a missing file" {
    write_zone t.example.zone \
        'www A 192.0.2.1' \
        '$INCLUDE missing.inc'
    expect_error t.example.zone t.example.zone:6 "missing.inc"
}

@test "an error in an \$INCLUDEd file names that file and its line" {
    mkdir zones
    write_zone zones/t.example.zone '$INCLUDE hosts.inc'
    printf 'a A 192.0.2.1\nb A 192.0.2.500\n' >zones/hosts.inc
    expect_error zones/t.example.zone zones/hosts.inc:2 "IPv4"
}

@test "an unknown directive" {
    write_zone t.example.zone '$GENERATE 1-3 h$ A 192.0.2.$'
    expect_error t.example.zone t.example.zone:5 "GENERATE"
}

@test "a record before any TTL is known" {
    printf '@ SOA ns1 hostmaster 1 7200 3600 1209600 300\n' >t.example.zone
    expect_error t.example.zone t.example.zone:1 "TTL"
}

@test "an error leaves an existing output file as it was" {
    write_zone t.example.zone 'www A 192.0.2.1'
    zc -o t.xfr t.example.zone
    cp t.xfr before.xfr
    write_zone t.example.zone 'www A 192.0.2.256'
    run -65 --separate-stderr zc -o t.xfr t.example.zone
    cmp before.xfr t.xfr
    run -0 ls -A
    refute_contains "$output" ".tmp"
}

@test "an error in one zone of several writes no stream at all" {
    write_zone a.example.zone
    write_zone b.example.zone 'www A 192.0.2.256'
    run -65 --separate-stderr zc -o both.xfr a.example.zone b.example.zone
    assert_contains "$stderr" "b.example.zone:5: error: "
    assert_no_file both.xfr
    run -0 ls -A
    refute_contains "$output" ".tmp"
}

@test "the same zone given twice exits 65" {
    write_zone t.example.zone
    mkdir other
    write_zone other/t.example.zone
    run -65 --separate-stderr zc -o out.xfr t.example.zone other/t.example.zone
    assert_empty "$output" stdout
    assert_contains "$stderr" "t.example."
    assert_contains "$stderr" "twice"
    assert_no_file out.xfr
}

@test "a file name that is no domain name exits 64 and asks for --origin" {
    write_zone t.example.zone
    mv t.example.zone 'a..b.zone'
    run -64 --separate-stderr zc -f 'a..b.zone'
    assert_contains "$stderr" "--origin"
}

@test "a missing input file exits 66 with 'cannot open'" {
    run -66 --separate-stderr zc -o out.xfr missing.example.zone
    assert_empty "$output" stdout
    assert_contains "$stderr" "zone-compile: cannot open missing.example.zone"
    assert_no_file out.xfr
    run -66 --separate-stderr zc --check missing.example.zone
    run -66 --separate-stderr zc --text missing.xfr
    assert_contains "$stderr" "cannot open missing.xfr"
}

@test "a directory as input exits 66" {
    mkdir example.com.zone
    run -66 --separate-stderr zc -f example.com.zone
    assert_empty "$output" stdout
    assert_contains "$stderr" "example.com.zone"
}
