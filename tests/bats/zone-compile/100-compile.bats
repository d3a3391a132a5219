#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# zone-compile happy path: stdout and -o output, determinism, origins from file names, stdin, --check.
#
# $stderr is set by bats (run --separate-stderr); bash -c scripts in single quotes are meant.
# shellcheck disable=SC2154,SC2016

load ../helpers

setup() {
    zc_setup
}

# A zone with every owner written out, so that its lines can be reordered freely.
write_flat_zone() {
    cat >"$1" <<'EOF'
$TTL 3600
flat.example.          IN SOA   ns1.flat.example. hostmaster.flat.example. 7 7200 3600 1209600 300
flat.example.          IN NS    ns1.flat.example.
flat.example.          IN NS    ns2.other.example.
flat.example.          IN MX    10 mail.flat.example.
flat.example.          IN TXT   "v=spf1 mx -all"
ns1.flat.example.      IN A     192.0.2.53
ns1.flat.example.      IN AAAA  2001:db8::53
mail.flat.example.     IN A     192.0.2.25
www.flat.example.  300 IN A     192.0.2.80
www.flat.example.  300 IN A     192.0.2.81
www.flat.example.  300 IN AAAA  2001:db8::80
api.flat.example.      IN CNAME www.flat.example.
*.apps.flat.example.   IN A     192.0.2.90
a.b.c.flat.example.    IN TXT   "deep"
z.flat.example.        IN TXT   "last"
EOF
}

@test "compiles the example zone to stdout" {
    run -0 zc_to example.xfr -f "$EXAMPLE_ZONE"
    assert_empty "$output" stderr
    [[ -s example.xfr ]] || fail_with "empty stream"
    # The first message: ID 0, flags 0x8400 (QR AA), one question.
    run -0 bash -c 'od -An -tx1 -j2 -N6 example.xfr | tr -d " \n"'
    [[ $output == 000084000001 ]] || fail_with "unexpected message header"
}

@test "compiles without -f when stdout is not a terminal" {
    run -0 zc_to example.xfr "$EXAMPLE_ZONE"
    [[ -s example.xfr ]] || fail_with "empty stream"
}

@test "-o writes the same stream as stdout and leaves no temporary file" {
    zc -f "$EXAMPLE_ZONE" >stdout.xfr
    mkdir out
    run -0 --separate-stderr zc -o out/example.xfr "$EXAMPLE_ZONE"
    assert_empty "$output" stdout
    assert_empty "$stderr" stderr
    cmp stdout.xfr out/example.xfr
    run -0 ls -A out
    [[ $output == example.xfr ]] || fail_with "the output directory should hold only example.xfr"
}

@test "-o replaces an existing file" {
    mkdir out
    echo old >out/example.xfr
    zc -o out/example.xfr "$EXAMPLE_ZONE"
    zc -f "$EXAMPLE_ZONE" | cmp - out/example.xfr
    run -0 ls -A out
    [[ $output == example.xfr ]] || fail_with "the output directory should hold only example.xfr"
}

@test "-o - writes to standard output" {
    zc -f "$EXAMPLE_ZONE" >expected.xfr
    zc -o - "$EXAMPLE_ZONE" >got.xfr
    cmp expected.xfr got.xfr
}

@test "the same input twice gives the same bytes" {
    zc -f "$EXAMPLE_ZONE" >one.xfr
    zc -f "$EXAMPLE_ZONE" >two.xfr
    cmp one.xfr two.xfr
}

@test "the order of records in the master file does not change the stream" {
    write_flat_zone flat.example.zone
    zc -f flat.example.zone >sorted.xfr
    mkdir reversed shuffled repeated
    { head -n 1 flat.example.zone && tail -n +2 flat.example.zone | tac; } >reversed/flat.example.zone
    zc -f reversed/flat.example.zone | cmp sorted.xfr -
    # A fixed permutation, the same on every run.
    { head -n 1 flat.example.zone && tail -n +2 flat.example.zone | awk '{ print (NR * 7) % 17, $0 }' |
        sort -n | cut -d' ' -f2-; } >shuffled/flat.example.zone
    cmp -s flat.example.zone shuffled/flat.example.zone && fail_with "the shuffle did not reorder"
    zc -f shuffled/flat.example.zone | cmp sorted.xfr -
    # Each record repeated: kept once (with warnings).
    { cat flat.example.zone && tail -n +2 flat.example.zone; } >repeated/flat.example.zone
    zc -q -f repeated/flat.example.zone | cmp sorted.xfr -
}

@test "relative and absolute names, (multi-line) and \$ORIGIN give the same stream" {
    write_flat_zone flat.example.zone
    zc -f flat.example.zone >absolute.xfr
    mkdir rel
    cat >rel/flat.example.zone <<'EOF'
$ORIGIN flat.example.
$TTL 1h
@       IN SOA ns1 hostmaster (
                7        ; serial
                2h 1h 2w ; refresh retry expire
                5m )     ; negative TTL
        NS    ns1
        NS    ns2.other.example.
        MX    10 mail
        TXT   "v=spf1 mx -all"
ns1     A     192.0.2.53
        AAAA  2001:db8::53
mail    A     192.0.2.25
www 300 A     192.0.2.81
www 300 A     192.0.2.80
www 300 AAAA  2001:db8::80
api     CNAME www
*.apps  A     192.0.2.90
$ORIGIN c.flat.example.
a.b     TXT   "deep"
z.flat.example. TXT "last"
EOF
    zc -f rel/flat.example.zone | cmp absolute.xfr -
}

@test "--origin NAME - reads the master file from stdin" {
    zc -f "$EXAMPLE_ZONE" >file.xfr
    zc --origin example.com - <"$EXAMPLE_ZONE" >stdin.xfr
    cmp file.xfr stdin.xfr
    # Without a file argument, --origin also means stdin; a final dot changes nothing.
    zc --origin example.com. <"$EXAMPLE_ZONE" >stdin2.xfr
    cmp file.xfr stdin2.xfr
}

@test "--origin overrides the name of the file" {
    zc -f "$EXAMPLE_ZONE" >expected.xfr
    cp "$EXAMPLE_ZONE" some-file.txt
    zc -f --origin example.com some-file.txt | cmp expected.xfr -
}

@test "the origin is derived from example.com.zone, example.com.db, example.com.txt and db.example.com" {
    zc -f "$EXAMPLE_ZONE" >expected.xfr
    local name
    for name in example.com.zone example.com.db example.com.txt db.example.com; do
        mkdir "d-$name"
        cp "$EXAMPLE_ZONE" "d-$name/$name"
        run -0 zc_to got.xfr -f "d-$name/$name"
        cmp expected.xfr got.xfr || fail_with "$name gave another stream"
    done
}

@test "a file name that gives a wrong origin makes the zone fail" {
    cp "$EXAMPLE_ZONE" example.org.zone
    run -65 --separate-stderr zc -f example.org.zone
    assert_empty "$output" stdout
    assert_contains "$stderr" "example.org.zone:"
    assert_contains "$stderr" "outside the zone example.org."
}

@test "several zones go into one stream, each a full zone" {
    write_zone a.example.zone 'www A 192.0.2.10'
    write_zone b.example.zone 'www A 192.0.2.20'
    zc -o both.xfr a.example.zone b.example.zone
    zc -f a.example.zone >a.xfr
    zc -f b.example.zone >b.xfr
    cat a.xfr b.xfr | cmp both.xfr -
}

@test "--check prints nothing on a clean zone and writes nothing" {
    run -0 --separate-stderr zc --check "$EXAMPLE_ZONE"
    assert_empty "$output" stdout
    assert_empty "$stderr" stderr
    run -0 --separate-stderr zc --check -o out.xfr "$EXAMPLE_ZONE"
    assert_empty "$output" stdout
    assert_no_file out.xfr
}

@test "--check accepts several files" {
    write_zone a.example.zone
    write_zone b.example.zone
    run -0 --separate-stderr zc --check a.example.zone b.example.zone
    assert_empty "$output" stdout
    assert_empty "$stderr" stderr
}

@test "--check reports a duplicate record as file:line: warning and exits 0" {
    write_zone dup.example.zone \
        'www A 192.0.2.80' \
        'www A 192.0.2.80'
    run -0 --separate-stderr zc --check dup.example.zone
    assert_empty "$output" stdout
    assert_line_matches "$stderr" '^dup\.example\.zone:6: warning: .*duplicate'
    refute_contains "$stderr" "error"
}

@test "--check reports differing TTLs in an RRset as a warning at the later record" {
    write_zone ttl.example.zone \
        'www 600 A 192.0.2.80' \
        'www 300 A 192.0.2.81'
    run -0 --separate-stderr zc --check ttl.example.zone
    assert_line_matches "$stderr" '^ttl\.example\.zone:6: warning: .*TTL'
}

@test "the TTL of the first record in the file applies to the whole RRset" {
    write_zone ttl.example.zone \
        'www 600 A 192.0.2.81' \
        'www 300 A 192.0.2.80'
    run -0 --separate-stderr zc --text <(zc -q -f ttl.example.zone)
    assert_contains "$output" $'www.ttl.example.\t600\tIN\tA\t192.0.2.80\n'
    assert_contains "$output" $'www.ttl.example.\t600\tIN\tA\t192.0.2.81'
}

@test "--check warns about data below a delegation and unused glue" {
    write_zone cut.example.zone \
        'sub NS ns.sub' \
        'ns.sub A 192.0.2.7' \
        'txt.sub TXT "occluded"' \
        'spare.sub A 192.0.2.8'
    run -0 --separate-stderr zc --check cut.example.zone
    assert_line_matches "$stderr" '^cut\.example\.zone:7: warning: .*delegation'
    assert_line_matches "$stderr" '^cut\.example\.zone:8: warning: .*glue'
    refute_contains "$stderr" "error"
}

@test "-q hides the warnings; the exit status stays 0" {
    write_zone dup.example.zone \
        'www A 192.0.2.80' \
        'www A 192.0.2.80'
    run -0 --separate-stderr zc --check -q dup.example.zone
    assert_empty "$stderr" stderr
    run -0 zc_to dup.xfr -q dup.example.zone
    assert_empty "$output" stderr
    [[ -s dup.xfr ]] || fail_with "no stream written"
}

@test "a zone with warnings is still compiled, the duplicate kept once" {
    write_zone dup.example.zone \
        'www A 192.0.2.80' \
        'www A 192.0.2.80'
    write_zone once.example.zone \
        'www A 192.0.2.80'
    run -0 zc_to dup.xfr dup.example.zone
    assert_contains "$output" "dup.example.zone:6: warning: "
    zc -f --origin dup.example once.example.zone | cmp dup.xfr -
}

# A zone of 150 names with two A records and a TXT record each: about 9 kB of records.
write_many_zone() {
    write_zone "$1"
    awk 'BEGIN { for (i = 1; i <= 150; i++)
        printf "h%d A 192.0.2.%d\nh%d A 198.51.100.%d\nh%d TXT \"host %d\"\n", i, i, i, i, i, i }' \
        >>"$1"
}

@test "message_size splits the stream into smaller messages with the same records" {
    printf '[output]\nmessage_size = 512\n' >small.toml
    write_many_zone many.example.zone
    zc -f many.example.zone >big.xfr
    "$ZC" -c small.toml -f many.example.zone >small.xfr
    run -0 stream_message_sizes big.xfr
    [[ $output =~ ^[0-9]+$ ]] || fail_with "the zone should fit one 65535-octet message"
    run -0 stream_message_sizes small.xfr
    local n=0 size
    for size in $output; do
        ((size <= 512)) || fail_with "message of $size octets"
        n=$((n + 1))
    done
    ((n > 10)) || fail_with "expected more than 10 messages, got $n"
    # Same records, same order.
    diff <("$DUMP" big.xfr) <("$DUMP" small.xfr)
    zc --text small.xfr | cmp - <(zc --text big.xfr)
}

# endpointdns-zone-stream(5): "A writer fills each message with whole RRsets for as long as they fit, and
# an RRset never spans two messages."
@test "an RRset never spans two messages of the stream" {
    printf '[output]\nmessage_size = 512\n' >small.toml
    write_many_zone many.example.zone
    "$ZC" -c small.toml -f many.example.zone >small.xfr
    # Read each message on its own and list its RRsets; none but the SOA (opening and
    # closing) may appear in two messages.
    local off=0 i=0 size
    for size in $(stream_message_sizes small.xfr); do
        tail -c +$((off + 1)) small.xfr | head -c $((size + 2)) >"msg$i"
        "$DUMP" "msg$i" | awk -F'\t' '$4 != "SOA" { print tolower($1), $4 }' | sort -u >>rrsets
        off=$((off + size + 2))
        i=$((i + 1))
    done
    ((i > 10)) || fail_with "expected more than 10 messages, got $i"
    run -0 bash -c 'sort rrsets | uniq -d'
    assert_empty "$output" "the list of RRsets split between two messages"
}
