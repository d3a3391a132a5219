#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# zone-compile usage: --help, --version, option errors (64), binary output to a terminal, --check-config (78).
#
# $stderr is set by bats (run --separate-stderr); bash -c scripts in single quotes are meant.
# shellcheck disable=SC2154,SC2016

load ../helpers

setup() {
    zc_setup
}

@test "--help exits 0 and lists the options" {
    run -0 --separate-stderr "$ZC" --help
    assert_contains "$output" "--origin"
    assert_contains "$output" "--text"
    assert_contains "$output" "--check-config"
    assert_contains "$output" "--max-records"
    assert_contains "$output" "--max-bytes"
}

@test "-h is --help" {
    run -0 --separate-stderr "$ZC" -h
    assert_contains "$output" "--origin"
}

@test "--version prints the program name and version" {
    run -0 --separate-stderr "$ZC" --version
    assert_line_matches "$output" '^zone-compile [0-9]+\.[0-9]+\.[0-9]+$'
}

@test "an unknown option exits 64" {
    run -64 --separate-stderr "$ZC" --no-such-option "$EXAMPLE_ZONE"
    assert_empty "$output" stdout
    assert_contains "$stderr" "--no-such-option"
}

@test "--origin with two files exits 64" {
    cp "$EXAMPLE_ZONE" a.example.zone
    cp "$EXAMPLE_ZONE" b.example.zone
    run -64 --separate-stderr zc -f --origin example.com a.example.zone b.example.zone
    assert_empty "$output" stdout
    assert_contains "$stderr" "zone-compile: "
    assert_contains "$stderr" "--origin"
}

@test "- without --origin exits 64" {
    run -64 --separate-stderr bash -c '"$ZC" -c empty.toml -f - < "$EXAMPLE_ZONE"'
    assert_empty "$output" stdout
    assert_contains "$stderr" "--origin"
}

@test "no file and no --origin exits 64" {
    run -64 --separate-stderr bash -c '"$ZC" -c empty.toml -f < "$EXAMPLE_ZONE"'
    assert_empty "$output" stdout
    assert_contains "$stderr" "zone-compile: "
}

@test "a binary stream to a terminal is refused with 64" {
    require_cmd script
    local cmd
    printf -v cmd '%q -c empty.toml %q' "$ZC" "$EXAMPLE_ZONE"
    run -64 script -qec "$cmd" /dev/null
    assert_contains "$output" "terminal"
}

@test "-f writes the binary stream to a terminal" {
    require_cmd script
    local cmd
    printf -v cmd '%q -c empty.toml -f %q' "$ZC" "$EXAMPLE_ZONE"
    run -0 bash -c 'script -qec "$1" /dev/null > tty.out' _ "$cmd"
    [[ -s tty.out ]] || fail_with "nothing was written to the terminal"
}

@test "-o - is standard output, so it is also refused on a terminal" {
    require_cmd script
    local cmd
    printf -v cmd '%q -c empty.toml -o - %q' "$ZC" "$EXAMPLE_ZONE"
    run -64 script -qec "$cmd" /dev/null
    assert_contains "$output" "terminal"
}

@test "--text to a terminal is allowed" {
    require_cmd script
    zc -f "$EXAMPLE_ZONE" >example.xfr
    local cmd
    printf -v cmd '%q -c empty.toml --text example.xfr' "$ZC"
    run -0 script -qec "$cmd" /dev/null
    assert_contains "$output" "; zone example.com. serial 2026112501"
}

@test "--text with --check exits 64" {
    zc -f "$EXAMPLE_ZONE" >example.xfr
    run -64 --separate-stderr zc --text --check example.xfr
    assert_empty "$output" stdout
    assert_contains "$stderr" "--check"
}

@test "--json with -o - exits 64: the summary and the stream cannot share stdout" {
    run -64 --separate-stderr zc --json -o - "$EXAMPLE_ZONE"
    assert_empty "$output" stdout
}

@test "--check-config accepts a valid configuration" {
    cat >good.toml <<'EOF'
# every key of zone-compile(1)
[limits]
max_ttl = 86400
min_ttl = 60
max_records = 100000

[output]
message_size = 16384
EOF
    run -0 --separate-stderr "$ZC" -c good.toml --check-config
    assert_empty "$output" stdout
    assert_contains "$stderr" "good.toml"
}

@test "--check-config accepts an empty configuration" {
    run -0 --separate-stderr "$ZC" -c empty.toml --check-config
}

@test "--check-config: an unknown key exits 78 with file:line:col" {
    cat >bad.toml <<'EOF'
[limits]
max_ttl = 3600
max_tll = 7200
EOF
    run -78 --separate-stderr "$ZC" -c bad.toml --check-config
    assert_empty "$output" stdout
    assert_contains "$stderr" "zone-compile: bad.toml:3:1: "
    assert_contains "$stderr" "max_tll"
}

@test "--check-config: an unknown section exits 78 with file:line:col" {
    cat >bad.toml <<'EOF'
[limits]
max_ttl = 3600

[outptu]
message_size = 512
EOF
    run -78 --separate-stderr "$ZC" -c bad.toml --check-config
    assert_line_matches "$stderr" 'bad\.toml:4:[0-9]+: .*outptu'
}

@test "--check-config: a value of the wrong type exits 78 with file:line:col" {
    cat >bad.toml <<'EOF'
[limits]
max_ttl = "3600"
EOF
    run -78 --separate-stderr "$ZC" -c bad.toml --check-config
    assert_line_matches "$stderr" 'bad\.toml:2:[0-9]+: .*max_ttl'
}

@test "--check-config: a value out of range exits 78" {
    cat >bad.toml <<'EOF'
[output]
message_size = 100
EOF
    run -78 --separate-stderr "$ZC" -c bad.toml --check-config
    assert_line_matches "$stderr" 'bad\.toml:2:[0-9]+: .*message_size'
}

@test "--check-config: a TOML syntax error exits 78 with file:line:col" {
    printf '[limits\nmax_ttl = 1\n' >bad.toml
    run -78 --separate-stderr "$ZC" -c bad.toml --check-config
    assert_line_matches "$stderr" '^zone-compile: bad\.toml:1:[0-9]+: '
}

@test "-c with a missing file exits 78" {
    run -78 --separate-stderr "$ZC" -c missing.toml --check-config
    assert_contains "$stderr" "missing.toml"
    run -78 --separate-stderr "$ZC" -c missing.toml -f "$EXAMPLE_ZONE"
    assert_empty "$output" stdout
}

@test "a bad configuration stops a compile with 78 before any output" {
    printf '[limits]\nbogus = 1\n' >bad.toml
    run -78 --separate-stderr "$ZC" -c bad.toml -o out.xfr "$EXAMPLE_ZONE"
    assert_contains "$stderr" "bad.toml:2:1: "
    assert_no_file out.xfr
}
