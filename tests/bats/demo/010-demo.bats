#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# make demo (scripts/demo.sh, scripts/demo-stop.sh): the whole stack, dig on both edges, the panel and its login, the printed commands, a second run, the stop.
#
# The demo runs with BUILD=$BIN, its state in this file's temp dir and its ports from a random
# DEMO_PORT_BASE, so it collides neither with a `make demo` on the default ports nor with the
# tests running beside it. The tests run in order: each builds on the one before.

load ../helpers
load demo

setup_file() {
    PATH=$PATH:/usr/sbin
    local c
    for c in mariadbd curl jq dig ss php; do
        command -v "$c" >/dev/null 2>&1 || skip "$c is not installed"
    done
    [[ -x $BIN/dnsapid && -x $BIN/dns-serve ]] || {
        echo "# dnsapid and dns-serve are missing from $BIN: build them first" >&3
        return 1
    }
    DEMO_VAR=$BATS_FILE_TMPDIR/var
    export DEMO_VAR PATH
    start_decoys || return 1
    demo_run "$BATS_FILE_TMPDIR/run1.out" || return 1
}

teardown_file() {
    [[ -n ${DEMO_VAR-} ]] || return 0
    bash "$SRC/scripts/demo-stop.sh" >/dev/null 2>&1 || true
    local f pid
    for f in "$BATS_FILE_TMPDIR"/decoy-*.pid; do
        [[ -r $f ]] && read -r pid <"$f" && kill -KILL "$pid" 2>/dev/null
    done
    return 0
}

setup() {
    cd "$BATS_TEST_TMPDIR" || return 1
}


# demo_run OUT: scripts/demo.sh on a random port base, its output (stdout and stderr) in OUT;
# another base when a port was taken meanwhile (exit 69). Sets DEMO_PORT_BASE (also in the
# file base.env for the following tests) and fails showing the output.
demo_run() {
    local out=$1 rc
    for _ in 1 2 3; do
        DEMO_PORT_BASE=$(pick_base) || return 1
        export DEMO_PORT_BASE
        rc=0
        # From /, so that the paths it prints are absolute.
        (cd / && BUILD=$BIN bash "$SRC/scripts/demo.sh") >"$out" 2>&1 || rc=$?
        ((rc == 69)) || break
    done
    printf 'DEMO_PORT_BASE=%s\n' "$DEMO_PORT_BASE" >"$BATS_FILE_TMPDIR/base.env"
    if ((rc != 0)); then
        echo "scripts/demo.sh exited with status $rc:" >&2
        cat "$out" >&2
        return 1
    fi
}

load_base() {
    # shellcheck disable=SC1091
    source "$BATS_FILE_TMPDIR/base.env"
}

# start_decoys: processes demo-stop must never touch, pids in decoy-NAME.pid: a real dns-serve
# of another directory, and two sleeps whose argv[0] says dns-serve and mariadbd.
start_decoys() {
    mkdir -p "$BATS_FILE_TMPDIR/decoy" || return 1
    pushd "$BATS_FILE_TMPDIR/decoy" >/dev/null || return 1
    (umask 077 && od -An -tx1 -N24 /dev/urandom | tr -d ' \n' >key)
    : >empty.toml
    launch_edge edge key empty.toml || return 1
    popd >/dev/null || return 1
    echo "$LAUNCHED_PID" >"$BATS_FILE_TMPDIR/decoy-edge.pid"
    disown "$LAUNCHED_PID"
    # disown: teardown_file kills them without a word from bash.
    (exec -a dns-serve sleep 900) </dev/null >/dev/null 2>&1 3>&- &
    echo $! >"$BATS_FILE_TMPDIR/decoy-fake-edge.pid"
    disown $!
    (exec -a mariadbd sleep 900) </dev/null >/dev/null 2>&1 3>&- &
    echo $! >"$BATS_FILE_TMPDIR/decoy-fake-mariadbd.pid"
    disown $!
}

# alive PID: the process exists and is not a zombie.
alive() {
    [[ -r /proc/$1/stat && $(sed -n 's/^.*) \(.\).*/\1/p' "/proc/$1/stat") != Z ]]
}

# demo_pids: the pids the demo's pid files name, one a line (dnsapid, ns1, ns2, mariadbd, the
# panel's php).
demo_pids() {
    cat "$DEMO_VAR/dnsapid/pid" "$DEMO_VAR/ns1/pid" "$DEMO_VAR/ns2/pid" \
        "$DEMO_VAR/db/mariadbd.pid" "$DEMO_VAR/panel/pid"
}

# processes_of_var: every live process whose command line names the demo's directory (read
# with builtins only, so that no process of this search names it).
processes_of_var() {
    local f pid
    local -a argv
    for f in /proc/[0-9]*/cmdline; do
        pid=${f//[!0-9]/}
        mapfile -d '' -t argv 2>/dev/null <"$f" || continue
        [[ ${argv[*]} == *"$DEMO_VAR"* ]] && alive "$pid" && echo "$pid"
    done
    return 0
}

# assert_decoys_alive
assert_decoys_alive() {
    local f
    for f in "$BATS_FILE_TMPDIR"/decoy-*.pid; do
        alive "$(<"$f")" || fail_with "the decoy $(basename "$f" .pid) was killed"
    done
}

# edge_answers PORT NAME TYPE: dig +short, sorted.
edge_answers() {
    dig +short +norec +time=1 +tries=2 -p "$1" @127.0.0.1 "$2" "$3" | sort
}

@test "make demo starts MariaDB, dnsapid and two edges, and both edges answer the records" {
    load_base
    output=$(<"$BATS_FILE_TMPDIR/run1.out")
    local n port
    for n in 1 2; do
        port=$((DEMO_PORT_BASE + n))
        assert_contains "$output" "== dig @127.0.0.1 -p $port (ns$n)"
        [[ $(edge_answers "$port" www.example.com A) == $'192.0.2.10\n192.0.2.11' ]] ||
            fail_with "ns$n: www.example.com A is '$(edge_answers "$port" www.example.com A)'"
        [[ $(edge_answers "$port" www.example.com AAAA) == 2001:db8::10 ]] ||
            fail_with "ns$n: www.example.com AAAA"
        [[ $(edge_answers "$port" example.com MX) == "10 mail.example.com." ]] ||
            fail_with "ns$n: example.com MX"
        [[ $(edge_answers "$port" example.com TXT) == '"v=spf1 mx -all"' ]] ||
            fail_with "ns$n: example.com TXT"
        [[ $(edge_answers "$port" example.com NS) == $'ns1.endpointdns.test.\nns2.endpointdns.test.' ]] ||
            fail_with "ns$n: example.com NS (the edges' ns_name)"
    done
    # What it printed: both edges' dig answers, the five processes with their pids, the key.
    [[ $(grep -c $'^www.example.com.\t300\tIN\tAAAA\t2001:db8::10$' <<<"$output") == 2 ]] ||
        fail_with "the dig answers of both edges are not in the output"
    local pid
    for pid in $(demo_pids); do
        alive "$pid" || fail_with "pid $pid of the demo does not run"
        assert_line_matches "$output" "^  (mariadbd|dnsapid|dns-serve|php) +$pid "
    done
    assert_line_matches "$output" "^  edk_[a-z0-9]+$"
    assert_contains "$output" "$(<"$DEMO_VAR/api.key")"
    assert_contains "$output" "Stop it all with: DEMO_VAR=$DEMO_VAR make demo-stop"
    # MariaDB: in the demo's directory, no TCP port.
    assert_contains "$output" "unix:$DEMO_VAR/db/mysql.sock (no TCP)"
    [[ $(tr '\0' '\n' <"/proc/$(<"$DEMO_VAR/db/mariadbd.pid")/cmdline") == *--skip-networking* ]] ||
        fail_with "mariadbd runs without --skip-networking"
}

@test "make demo starts the panel and prints its URL and a login that works" {
    load_base
    output=$(<"$BATS_FILE_TMPDIR/run1.out")
    local panel=http://127.0.0.1:$((DEMO_PORT_BASE + 90)) email password
    assert_contains "$output" "The web panel: $panel"
    read -r email password <"$DEMO_VAR/panel/login"
    [[ $email == demo@example.com && -n $password ]] || fail_with "no login in $DEMO_VAR/panel/login"
    assert_contains "$output" "sign in as $email with the password $password"
    run -0 curl -s -o /dev/null -w '%{http_code}' "$panel/login"
    [[ $output == 200 ]] || fail_with "the panel's login page answers $output"
    # The login is the demo account's, and opens the panel's dashboard with example.com.
    local jar=$BATS_TEST_TMPDIR/jar token
    token=$(curl -s -c "$jar" -b "$jar" "$panel/login" | sed -n 's/.*name="csrf" value="\([0-9a-f]*\)".*/\1/p' | head -n 1)
    [[ ${#token} == 64 ]] || fail_with "no CSRF token in the panel's login form"
    run -0 curl -s -L -c "$jar" -b "$jar" "$panel/login" --data-urlencode "csrf=$token" \
        --data-urlencode "email=$email" --data-urlencode "password=$password"
    assert_contains "$output" "<h1>Dashboard</h1>"
    assert_contains "$output" '<a href="/domains/example.com">example.com</a>'
    # Sign-up is open in the demo.
    run -0 curl -s "http://127.0.0.1:$((DEMO_PORT_BASE + 80))/v1/signup"
    [[ $(jq -r .enabled <<<"$output") == true ]] || fail_with "sign-up is not open"
}

@test "the commands make demo prints work as printed" {
    load_base
    output=$(<"$BATS_FILE_TMPDIR/run1.out")
    local -a cmds=()
    mapfile -t cmds < <(grep -E '^    (curl|dig) ' <<<"$output")
    ((${#cmds[@]} == 4)) || fail_with "expected three curl commands and a dig, got ${#cmds[@]}"
    [[ ${cmds[0]} == *" -X PUT "* ]] || fail_with "the first command is not the PUT"

    run -0 bash -c "${cmds[0]}"
    [[ $(jq -r '.rrset.name + " " + (.rrset.records | join(","))' <<<"$output") == \
        "api.example.com. 192.0.2.99" ]] || fail_with "the PUT did not answer with the RRset"
    [[ $(jq -r '.change.id | type' <<<"$output") == number ]] || fail_with "no change id"

    run -0 bash -c "${cmds[1]}"
    assert_contains "$output" $'api.example.com.\t60\tIN\tA\t192.0.2.99'
    assert_contains "$output" $'www.example.com.\t300\tIN\tAAAA\t2001:db8::10'

    run -0 bash -c "${cmds[2]}"
    [[ $(jq -r '[.items[].name] | join(" ")' <<<"$output") == "ns1 ns2" ]] ||
        fail_with "GET /v1/servers does not list ns1 and ns2"

    # The dig (on ns2): the new record is pushed within milliseconds.
    local i
    for ((i = 0; i < 50; i++)); do
        output=$(bash -c "${cmds[3]}")
        [[ $output == 192.0.2.99 ]] && break
        sleep 0.1
    done
    [[ $output == 192.0.2.99 ]] || fail_with "the printed dig does not answer 192.0.2.99"
    [[ $(edge_answers $((DEMO_PORT_BASE + 1)) api.example.com A) == 192.0.2.99 ]] ||
        fail_with "ns1 does not answer the new record"
}

@test "make demo again stops the first run and starts afresh" {
    local -a old=()
    mapfile -t old < <(demo_pids)
    local old_key
    old_key=$(<"$DEMO_VAR/api.key")
    demo_run "$BATS_FILE_TMPDIR/run2.out"
    load_base
    output=$(<"$BATS_FILE_TMPDIR/run2.out")
    local pid
    for pid in "${old[@]}"; do
        assert_line_matches "$output" "^demo: stopped (panel|dnsapid|dns-serve ns[12]|mariadbd) \(pid $pid\)$"
        [[ " $(processes_of_var | tr '\n' ' ') " != *" $pid "* ]] ||
            fail_with "pid $pid of the first run still runs"
    done
    for pid in $(demo_pids); do
        alive "$pid" || fail_with "pid $pid of the second run does not run"
    done
    [[ $(<"$DEMO_VAR/api.key") != "$old_key" ]] || fail_with "the second run kept the old key"
    local n
    for n in 1 2; do
        [[ $(edge_answers $((DEMO_PORT_BASE + n)) www.example.com A) == $'192.0.2.10\n192.0.2.11' ]] ||
            fail_with "ns$n does not answer after the second run"
        # Afresh: the record added through the first run's printed command is gone.
        [[ -z $(edge_answers $((DEMO_PORT_BASE + n)) api.example.com A) ]] ||
            fail_with "ns$n still answers the first run's api.example.com"
    done
    assert_decoys_alive
}

@test "make demo-stop stops exactly what make demo started" {
    local -a pids=()
    mapfile -t pids < <(demo_pids)
    ((${#pids[@]} == 5)) || fail_with "expected five pids, got ${#pids[@]}"
    run -0 bash "$SRC/scripts/demo-stop.sh"
    local pid
    for pid in "${pids[@]}"; do
        assert_line_matches "$output" "^demo: stopped (panel|dnsapid|dns-serve ns[12]|mariadbd) \(pid $pid\)$"
        ! alive "$pid" || fail_with "pid $pid still runs after demo-stop"
    done
    [[ -z $(processes_of_var) ]] || fail_with "processes of the demo remain: $(processes_of_var)"
    assert_decoys_alive
    # The sanitizer build (make check) reports leaks at exit: none in the logs.
    ! grep -lE 'ERROR: (Address|Leak)Sanitizer|runtime error:' \
        "$DEMO_VAR/dnsapid/log" "$DEMO_VAR/ns1/log" "$DEMO_VAR/ns2/log" ||
        fail_with "a sanitizer report in the demo's logs"

    run -0 bash "$SRC/scripts/demo-stop.sh"
    assert_contains "$output" "nothing of the demo"
}

@test "make demo-stop leaves alone a pid that is no longer the demo's program" {
    # Stale pid files naming other processes: a dns-serve of another directory, a process whose
    # argv[0] is dns-serve, one whose argv[0] is mariadbd.
    local edge fake_edge fake_db
    edge=$(<"$BATS_FILE_TMPDIR/decoy-edge.pid")
    fake_edge=$(<"$BATS_FILE_TMPDIR/decoy-fake-edge.pid")
    fake_db=$(<"$BATS_FILE_TMPDIR/decoy-fake-mariadbd.pid")
    echo "$edge" >"$DEMO_VAR/ns1/pid"
    echo "$fake_edge" >"$DEMO_VAR/ns2/pid"
    echo "$edge" >"$DEMO_VAR/dnsapid/pid"
    echo "$fake_db" >"$DEMO_VAR/db/mariadbd.pid"
    echo "$fake_db" >"$DEMO_VAR/db/launched.pid"
    echo "$fake_edge" >"$DEMO_VAR/panel/pid"
    run -0 bash "$SRC/scripts/demo-stop.sh"
    refute_contains "$output" "stopped"
    assert_decoys_alive
}
