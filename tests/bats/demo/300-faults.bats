#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# make demo when something is wrong: a port taken, a daemon that does not start, a DEMO_VAR that is not the demo's; clear messages, nothing left running.

load ../helpers
load demo

setup_file() {
    PATH=$PATH:/usr/sbin
    local c
    for c in mariadbd curl jq dig ss; do
        command -v "$c" >/dev/null 2>&1 || skip "$c is not installed"
    done
    [[ -x $BIN/dnsapid && -x $BIN/dns-serve ]] || {
        echo "# dnsapid and dns-serve are missing from $BIN: build them first" >&3
        return 1
    }
    export PATH
}

setup() {
    cd "$BATS_TEST_TMPDIR" || return 1
    DEMO_VAR=$BATS_TEST_TMPDIR/var
    export DEMO_VAR
}

teardown() {
    DEMO_VAR=$BATS_TEST_TMPDIR/var bash "$SRC/scripts/demo-stop.sh" >/dev/null 2>&1 || true
    [[ -n ${HOLDER_PID-} ]] && kill "$HOLDER_PID" 2>/dev/null
    return 0
}


# processes_of_var: every process whose command line names DEMO_VAR (read with builtins only,
# so that no process of this search names it).
processes_of_var() {
    local f
    local -a argv
    for f in /proc/[0-9]*/cmdline; do
        mapfile -d '' -t argv 2>/dev/null <"$f" || continue
        [[ ${argv[*]} == *"$DEMO_VAR"* ]] && echo "${f//[!0-9]/}"
    done
    return 0
}

@test "a port taken: exit 69 naming the port, nothing started" {
    # An edge of another directory holds the API port of the base.
    local base
    base=$(pick_base)
    mkdir holder
    (umask 077 && od -An -tx1 -N24 /dev/urandom | tr -d ' \n' >holder/key)
    : >empty.toml
    "$BIN/dns-serve" -c empty.toml --listen "127.0.0.1:$((base + 90))" \
        --http "127.0.0.1:$((base + 80))" --key-file holder/key --state-dir holder/state \
        </dev/null >holder/log 2>&1 3>&- &
    HOLDER_PID=$!
    local i
    for ((i = 0; i < 100; i++)); do
        ss -Hlnt "( sport = :$((base + 80)) )" | grep -q . && break
        sleep 0.05
    done
    run -69 env BUILD="$BIN" DEMO_PORT_BASE="$base" bash "$SRC/scripts/demo.sh"
    assert_contains "$output" "demo: port $((base + 80)) is taken"
    assert_contains "$output" "DEMO_PORT_BASE"
    [[ -z $(processes_of_var) ]] || fail_with "processes of the demo run: $(processes_of_var)"
    kill -0 "$HOLDER_PID" || fail_with "the holder of the port was killed"
}

@test "a daemon that does not start: its log tail, and what was started is stopped" {
    # A build directory whose dnsapid migrates (the real one) but then fails to start.
    mkdir build
    ln -s "$BIN/dns-serve" build/dns-serve
    cat >build/dnsapid <<EOF
#!/bin/bash
for a in "\$@"; do [[ \$a == migrate ]] && exec "$BIN/dnsapid" "\$@"; done
echo "dnsapid: listen: simulated failure to start" >&2
exit 70
EOF
    chmod +x build/dnsapid
    run -1 env BUILD=build DEMO_PORT_BASE="$(pick_base)" bash "$SRC/scripts/demo.sh"
    assert_line_matches "$output" "^demo: dnsapid \(pid [0-9]+\) exited with status 70 before answering"
    assert_contains "$output" "dnsapid: listen: simulated failure to start"
    assert_contains "$output" "demo: failed; stopping what this run started"
    assert_line_matches "$output" "^demo: stopped mariadbd \(pid [0-9]+\)$"
    assert_line_matches "$output" "^demo: stopped dns-serve ns1 \(pid [0-9]+\)$"
    [[ -z $(processes_of_var) ]] || fail_with "processes of the demo run: $(processes_of_var)"
    [[ -s $DEMO_VAR/dnsapid/log ]] || fail_with "the log is gone"
}

@test "a DEMO_VAR that holds something else is refused and left as it was" {
    mkdir -p "$DEMO_VAR"
    echo precious >"$DEMO_VAR/notes.txt"
    run -73 env BUILD="$BIN" DEMO_PORT_BASE="$(pick_base)" bash "$SRC/scripts/demo.sh"
    assert_contains "$output" "is neither empty nor a demo directory"
    [[ $(<"$DEMO_VAR/notes.txt") == precious ]] || fail_with "notes.txt was touched"
}

@test "DEMO_PORT_BASE must be a port number" {
    run -64 env BUILD="$BIN" DEMO_PORT_BASE=53x bash "$SRC/scripts/demo.sh"
    assert_contains "$output" "DEMO_PORT_BASE=53x"
}
