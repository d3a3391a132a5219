#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# zone-compile faults: output that cannot be created (73), write errors (74), unreadable input and configuration.
#
# $stderr is set by bats (run --separate-stderr); bash -c scripts in single quotes are meant.
# shellcheck disable=SC2154,SC2016

load ../helpers

setup() {
    zc_setup
}

# skip_if_root: root ignores file permissions, so permission tests mean nothing as root.
skip_if_root() {
    if [[ $(id -u) == 0 ]]; then skip "running as root, which ignores file permissions"; fi
}

@test "-o into a directory that does not exist exits 73" {
    run -73 --separate-stderr zc -o no/such/dir/out.xfr "$EXAMPLE_ZONE"
    assert_empty "$output" stdout
    assert_contains "$stderr" "zone-compile: cannot create no/such/dir/out.xfr"
    assert_no_file no
}

@test "-o below a regular file exits 73" {
    touch plain
    run -73 --separate-stderr zc -o plain/out.xfr "$EXAMPLE_ZONE"
    assert_contains "$stderr" "cannot create plain/out.xfr"
}

@test "-o into a read-only directory exits 73 and leaves nothing behind" {
    skip_if_root
    mkdir ro
    chmod 555 ro
    run -73 --separate-stderr zc -o ro/out.xfr "$EXAMPLE_ZONE"
    chmod 755 ro
    assert_contains "$stderr" "cannot create ro/out.xfr"
    run -0 ls -A ro
    assert_empty "$output" "the read-only directory"
}

@test "-o naming an existing directory exits 73 and leaves no temporary file" {
    mkdir out.xfr
    run --separate-stderr zc -o out.xfr "$EXAMPLE_ZONE"
    run -0 ls -A
    refute_contains "$output" ".tmp"
    [[ -d out.xfr ]] || fail_with "out.xfr is no longer a directory"
    run -73 --separate-stderr zc -o out.xfr "$EXAMPLE_ZONE"
    assert_contains "$stderr" "out.xfr"
}

@test "a write error on standard output exits 74" {
    [[ -w /dev/full ]] || skip "no /dev/full"
    run -74 --separate-stderr bash -c '"$ZC" -c empty.toml -f "$EXAMPLE_ZONE" > /dev/full'
    assert_contains "$stderr" "zone-compile: cannot write standard output"
}

@test "a write error while printing --text exits 74" {
    [[ -w /dev/full ]] || skip "no /dev/full"
    zc -f "$EXAMPLE_ZONE" >example.xfr
    run -74 --separate-stderr bash -c '"$ZC" -c empty.toml --text example.xfr > /dev/full'
    assert_contains "$stderr" "cannot write standard output"
}

@test "a write error while printing --json exits 74" {
    [[ -w /dev/full ]] || skip "no /dev/full"
    run -74 --separate-stderr bash -c '"$ZC" -c empty.toml --json "$EXAMPLE_ZONE" > /dev/full'
    assert_contains "$stderr" "cannot write standard output"
}

@test "--check writes nothing on stdout, so a full stdout does not matter" {
    [[ -w /dev/full ]] || skip "no /dev/full"
    run -0 bash -c '"$ZC" -c empty.toml --check "$EXAMPLE_ZONE" > /dev/full'
}

@test "an unreadable input file exits 66" {
    skip_if_root
    cp "$EXAMPLE_ZONE" example.com.zone
    chmod 000 example.com.zone
    run -66 --separate-stderr zc -f example.com.zone
    assert_contains "$stderr" "cannot open example.com.zone"
}

@test "an unreadable configuration file exits 78" {
    skip_if_root
    printf '[limits]\nmax_ttl = 3600\n' >secret.toml
    chmod 000 secret.toml
    run -78 --separate-stderr "$ZC" -c secret.toml --check-config
    assert_contains "$stderr" "secret.toml"
}

@test "a directory as configuration file exits 78" {
    mkdir conf.toml
    run -78 --separate-stderr "$ZC" -c conf.toml --check-config
    assert_contains "$stderr" "conf.toml"
    run -78 --separate-stderr "$ZC" -c conf.toml -f "$EXAMPLE_ZONE"
    assert_empty "$output" stdout
}
