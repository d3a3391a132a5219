#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# make install: the tree under DESTDIR (programs, man pages, configs, units, panel, migrations),
# the units verified by systemd-analyze, the man pages by mandoc, the configs by the programs.
#
# Everything is installed under a DESTDIR in the test's temp directory; nothing outside it is
# written but the generated units in $BIN/systemd/ and $BIN/install_manifest.txt. The units
# are verified by scripts/verify-units.sh, which `make lint` runs too.
#
# $stderr is set by bats (run --separate-stderr).
# shellcheck disable=SC2154

load ../helpers

PROGRAMS="dnsapid dns-serve zone-compile zone-push zone-sync plan-check"
SERVICES="dnsapid.service dns-serve.service zone-sync@.service plan-check.service"
TIMERS="zone-sync@.timer plan-check.timer"
VERIFY="$SRC/scripts/verify-units.sh"

# One install with --prefix /usr for the whole file; tests that change the tree copy it.
setup_file() {
    local p
    for p in $PROGRAMS; do
        [[ -x $BIN/$p ]] || {
            echo "# $BIN/$p is missing: build every program first" >&3
            return 1
        }
    done
    ROOT=$BATS_FILE_TMPDIR/root
    export ROOT
    DESTDIR=$ROOT cmake --install "$BIN" --prefix /usr >"$BATS_FILE_TMPDIR/install.log" 2>&1 || {
        cat "$BATS_FILE_TMPDIR/install.log" >&3
        return 1
    }
    cp "$BIN/install_manifest.txt" "$BATS_FILE_TMPDIR/manifest"
}

setup() {
    cd "$BATS_TEST_TMPDIR" || return 1
}

# unit_line UNIT KEY: the value of the first KEY= line of the installed UNIT.
unit_line() {
    sed -n "s/^$2=//p" "$ROOT/usr/lib/systemd/system/$1" | head -n 1
}

@test "everything is installed under DESTDIR, nothing outside it" {
    # The manifest lists the installed paths without DESTDIR: each must be in DESTDIR.
    [[ -s $BATS_FILE_TMPDIR/manifest ]] || fail_with "no install manifest"
    local f n=0
    while IFS= read -r f; do
        [[ $f == /* && -e $ROOT$f ]] || fail_with "installed outside DESTDIR: $f"
        n=$((n + 1))
    done <"$BATS_FILE_TMPDIR/manifest"
    ((n > 20)) || fail_with "only $n files installed"
}

@test "the programs, man pages, sample configs, units, panel and migrations are installed" {
    local p f
    for p in $PROGRAMS; do
        [[ -x $ROOT/usr/bin/$p ]] || fail_with "no /usr/bin/$p"
    done
    for f in "$SRC"/man/*.[0-9]; do
        f=${f##*/}
        [[ -f $ROOT/usr/share/man/man${f##*.}/$f ]] || fail_with "no man page $f"
    done
    for f in "$SRC"/etc/*.toml; do
        cmp "$f" "$ROOT/etc/endpointdns/${f##*/}" || fail_with "no /etc/endpointdns/${f##*/}"
        [[ -f $ROOT/usr/share/doc/endpointdns/examples/${f##*/} ]] || fail_with "no example ${f##*/}"
    done
    for f in $SERVICES $TIMERS; do
        [[ -f $ROOT/usr/lib/systemd/system/$f ]] || fail_with "no unit $f"
    done
    cmp "$SRC/panel/README.md" "$ROOT/usr/share/endpointdns/panel/README.md" || fail_with "no panel"
    for f in "$SRC"/lib/store/migrations/*.sql; do
        cmp "$f" "$ROOT/usr/share/endpointdns/migrations/${f##*/}" || fail_with "no migration ${f##*/}"
    done
    # Nothing is left to fill in.
    run -1 grep -rl '@[A-Z]*@' "$ROOT/usr/lib/systemd/system"
}

@test "the units start the installed programs with the installed configuration" {
    assert_line_matches "$(unit_line dnsapid.service ExecStart)" \
        '^/usr/bin/dnsapid -c /etc/endpointdns/dnsapid\.toml --admin-key-file %d/admin-key --db-password-file %d/db-password$'
    assert_line_matches "$(unit_line dns-serve.service ExecStart)" \
        '^/usr/bin/dns-serve -c /etc/endpointdns/dns-serve\.toml --key-file %d/management-key --state-dir %S/endpointdns/dns-serve$'
    assert_line_matches "$(unit_line zone-sync@.service ExecStart)" '^/usr/bin/zone-sync -c /etc/endpointdns/zone-sync\.toml .*--server %i$'
    assert_line_matches "$(unit_line plan-check.service ExecStart)" '^/usr/bin/plan-check -c /etc/endpointdns/plan-check\.toml '
    # Secrets come in as credentials, from the files the sample configurations name.
    assert_contains "$(unit_line dnsapid.service LoadCredential)" "admin-key:/etc/endpointdns/dnsapid-admin.key"
    assert_contains "$(unit_line dns-serve.service LoadCredential)" "management-key:/etc/endpointdns/dns-serve.key"
}

@test "another prefix: the units name its binaries and go to its unit directory" {
    local r=$BATS_TEST_TMPDIR/local
    run -0 env DESTDIR="$r" cmake --install "$BIN" --prefix /usr/local
    assert_line_matches "$(sed -n 's/^ExecStart=//p' "$r/usr/local/lib/systemd/system/dnsapid.service")" '^/usr/local/bin/dnsapid '
    run -0 "$VERIFY" "$r" /usr/local
}

@test "systemd-analyze verify accepts every installed unit, quietly" {
    require_cmd systemd-analyze
    run -0 --separate-stderr "$VERIFY" "$ROOT" /usr
    assert_empty "$stderr" stderr
    local u
    for u in dnsapid.service dns-serve.service zone-sync@verify.service plan-check.service \
        zone-sync@verify.timer plan-check.timer; do
        assert_contains "$output" " $u"
    done
}

# broken_copy: a copy of the installed tree to break, in ./broken.
broken_copy() {
    cp -a "$ROOT" broken
}

@test "verify fails on a misspelt directive (systemd-analyze itself only warns)" {
    require_cmd systemd-analyze
    broken_copy
    sed -i 's/^NoNewPrivileges=yes$/NoNewPrivilege=yes/' broken/usr/lib/systemd/system/dnsapid.service
    run -1 --separate-stderr "$VERIFY" broken /usr
    assert_contains "$stderr" "Unknown key 'NoNewPrivilege'"
}

@test "verify fails on a bad value and on a misspelt directive of a template timer" {
    require_cmd systemd-analyze
    broken_copy
    sed -i 's/^Type=notify$/Type=notfy/' broken/usr/lib/systemd/system/dns-serve.service
    run -1 --separate-stderr "$VERIFY" broken /usr
    assert_contains "$stderr" "notfy"
    rm -rf broken
    broken_copy
    sed -i 's/^Persistent=yes$/Persistant=yes/' broken/usr/lib/systemd/system/zone-sync@.timer
    run -1 --separate-stderr "$VERIFY" broken /usr
    assert_contains "$stderr" "Persistant"
}

@test "verify fails when a unit's program is not installed" {
    require_cmd systemd-analyze
    broken_copy
    rm broken/usr/bin/dns-serve
    run -1 --separate-stderr "$VERIFY" broken /usr
    assert_contains "$stderr" "/usr/bin/dns-serve"
}

@test "verify fails when a unit's Documentation= page is not installed" {
    require_cmd systemd-analyze
    broken_copy
    rm broken/usr/share/man/man1/plan-check.1
    run -1 --separate-stderr "$VERIFY" broken /usr
    assert_contains "$stderr" "plan-check.1"
}

@test "the installed man pages are mandoc -Tlint clean" {
    require_cmd mandoc
    local pages
    pages=$(find "$ROOT/usr/share/man" -type f | sort)
    [[ -n $pages ]] || fail_with "no man pages"
    # shellcheck disable=SC2086
    run mandoc -Tlint -W warning $pages
    ((status == 0)) || fail_with "mandoc -Tlint -W warning found problems"
    assert_empty "$output" "mandoc output"
}

# as_unit UNIT KEY [EXTRA...]: runs the unit's KEY= command line against the installed tree: the
# program from DESTDIR, /etc/endpointdns/ from DESTDIR, %d a directory of credentials made from
# test secrets, %i "ns1", %S ./state; EXTRA appended.
as_unit() {
    local unit=$1 key=$2
    shift 2
    local line
    line=$(unit_line "$unit" "$key")
    [[ -n $line ]] || fail_with "$unit has no $key="
    mkdir -p creds state
    head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' >creds/admin-key
    cp creds/admin-key creds/management-key
    printf 'db-secret\n' >creds/db-password
    line=${line//%d/$PWD/creds}
    line=${line//%i/ns1}
    line=${line//%S/$PWD/state}
    line=${line//\/etc\/endpointdns\//$ROOT/etc/endpointdns/}
    # shellcheck disable=SC2086 # the unit's command line, split as systemd splits it (no quotes)
    set -- $line "$@"
    "$ROOT$1" "${@:2}"
}

@test "the daemons' ExecStartPre= passes on the installed sample configurations" {
    run -0 --separate-stderr as_unit dnsapid.service ExecStartPre
    assert_contains "$output" "dnsapid: configuration OK"
    run -0 --separate-stderr as_unit dns-serve.service ExecStartPre
    assert_contains "$output" "dns-serve: configuration OK"
}

@test "dns-serve's reload checks the configuration first, then sends SIGHUP" {
    run -0 sed -n 's/^ExecReload=//p' "$ROOT/usr/lib/systemd/system/dns-serve.service"
    [[ ${lines[0]} == *" --check-config" ]] || fail_with "the first ExecReload= is not the check: $output"
    [[ ${lines[1]} == "kill -HUP \$MAINPID" ]] || fail_with "the second ExecReload= is not SIGHUP: $output"
    run -0 --separate-stderr as_unit dns-serve.service ExecReload
    assert_contains "$output" "dns-serve: configuration OK"
}

@test "every unit's ExecStart= with --check-config passes on the installed sample configurations" {
    local u
    for u in $SERVICES; do
        run -0 --separate-stderr as_unit "$u" ExecStart --check-config
    done
}

@test "the other programs accept their installed sample configurations" {
    run -0 --separate-stderr "$ROOT/usr/bin/zone-compile" -c "$ROOT/etc/endpointdns/zone-compile.toml" --check-config
    run -0 --separate-stderr "$ROOT/usr/bin/zone-push" -c "$ROOT/etc/endpointdns/zone-push.toml" --check-config
}

@test "an existing configuration is kept, not overwritten" {
    broken_copy
    echo '# edited' >>broken/etc/endpointdns/dnsapid.toml
    run -0 env DESTDIR="$PWD/broken" cmake --install "$BIN" --prefix /usr --component Unspecified
    assert_contains "$output" "Keeping existing"
    run -0 tail -n 1 broken/etc/endpointdns/dnsapid.toml
    [[ $output == "# edited" ]] || fail_with "dnsapid.toml was overwritten"
}
