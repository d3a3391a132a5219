# SPDX-License-Identifier: MIT
# Multi-host rehearsal in bats: MariaDB and dnsapid in a controller namespace, three edges in theirs.
#
# Load after ../helpers and ../dnsapid/dnsapid (`load e2e`). The topology, the addresses and
# the delay modes are those of tests/e2e/netns.bash (see tests/e2e/README.md):
#
#   setup_file()    { e2e_setup_file ACCOUNT ZONE; }   tests skipped unless root may add
#                                                      namespaces
#   teardown_file() { e2e_teardown_file; }             every process by pid, every namespace
#   setup()         { e2e_setup; }
#   teardown()      { e2e_teardown; }
#
# The controller's side runs in namespace ctl: mariadbd and dnsapid through wrapper scripts
# that exec `ip netns exec` (so $! is the daemon's own pid, as mariadb.bash and dnsapid.bash
# expect), and `curl` is a function that runs curl there, so `api` and the dnsapid helpers
# talk to dnsapid on the controller's loopback as they do in the other tests. The edges'
# DNS is queried from the controller's namespace too (e2e_dig), as a client elsewhere would.
#
# E2E_DELAY=netem|relay|auto (default auto) chooses how the regions' delay is made.

# shellcheck source=SCRIPTDIR/../../e2e/netns.bash
source "$SRC/tests/e2e/netns.bash"

E2E_CURL=$(command -v curl || echo /usr/bin/curl)
export E2E_CURL

# curl ARGS...: curl in the controller's namespace once the topology is up.
curl() {
    if [[ -n ${E2E_NET_READY-} ]]; then
        ip netns exec "$(e2e_ns ctl)" "$E2E_CURL" "$@"
    else
        "$E2E_CURL" "$@"
    fi
}

# e2e_wrapper NAME NS PROGRAM: E2E_DIR/bin/NAME, a script that execs PROGRAM in NS.
e2e_wrapper() {
    mkdir -p "$E2E_DIR/bin" || return 1
    printf '#!/bin/bash\n# runs %s in network namespace %s\nexec ip netns exec %q %q "$@"\n' \
        "$3" "$2" "$2" "$3" >"$E2E_DIR/bin/$1" || return 1
    chmod 755 "$E2E_DIR/bin/$1"
}

# e2e_note TEXT: a line in the test output (bats shows fd 3 lines).
e2e_note() {
    echo "# $*" >&3
}

# e2e_record_pid PID: a process of ours that teardown_file stops.
e2e_record_pid() {
    printf '%s\n' "$1" >>"$E2E_DIR/pids"
}

# e2e_edge_key I: edge I's management key.
e2e_edge_key() {
    cat "$E2E_DIR/ns$1/key"
}

# e2e_edge_start I: dns-serve in namespace eI on its address, DNS port 53 and management port
# 8053, state and log in E2E_DIR/nsI; waits until its health answers inside its namespace.
e2e_edge_start() {
    local i=$1 dir=$E2E_DIR/ns$1 addr pid tries=0 code
    addr=$(e2e_edge_addr "$i")
    mkdir -p "$dir/state" || return 1
    (umask 077 && od -An -tx1 -N24 /dev/urandom | tr -d ' \n' >"$dir/key") || return 1
    printf '%s\n' '# SPDX-License-Identifier: MIT' '# an edge of the e2e rehearsal' \
        >"$E2E_DIR/edge.toml"
    # fd 3 is closed so that bats does not wait for the server at the end of the test.
    ip netns exec "$(e2e_ns "e$i")" "$BIN/dns-serve" -c "$E2E_DIR/edge.toml" \
        --listen "$addr:53" --http "$addr:8053" --key-file "$dir/key" \
        --state-dir "$dir/state" --threads 1 </dev/null >>"$dir/log" 2>&1 3>&- &
    pid=$!
    e2e_record_pid "$pid"
    while :; do
        code=$(e2e_in "e$i" "$E2E_CURL" -s -m 2 -o /dev/null -w '%{http_code}' \
            -H "Authorization: Bearer $(e2e_edge_key "$i")" "http://$addr:8053/v1/health") ||
            true
        [[ $code == 200 ]] && return 0
        if ((++tries > 400)) || ! dnsapid_running "$pid"; then
            echo "edge ns$i did not answer GET /v1/health; its log:" >&2
            cat "$dir/log" >&2
            return 1
        fi
        sleep 0.05
    done
}

# e2e_edge_register I: POST /v1/servers for edge I (name nsI) at e2e_mgmt_url I.
e2e_edge_register() {
    local KEY=$ADMIN_KEY i=$1
    api POST /v1/servers "$(jq -cn --arg n "ns$i" --arg u "$(e2e_mgmt_url "$i")" \
        --arg k "$(e2e_edge_key "$i")" '{name: $n, url: $u, key: $k}')"
    expect_status 201
}

# e2e_unavailable: prints why the rehearsal cannot run here (and returns 1), or nothing.
e2e_unavailable() {
    local c probe err
    if [[ $(id -u) != 0 ]]; then
        echo "the e2e rehearsal needs root (ip netns, veth, tc); run it with sudo"
        return 1
    fi
    for c in ip tc dig jq python3; do
        command -v "$c" >/dev/null 2>&1 || {
            echo "$c is not installed"
            return 1
        }
    done
    command -v mariadbd >/dev/null 2>&1 || [[ -x /usr/sbin/mariadbd ]] || {
        echo "mariadb-server is not installed"
        return 1
    }
    probe=edns-$$-probe
    if ! err=$(ip netns add "$probe" 2>&1); then
        ip netns del "$probe" 2>/dev/null
        echo "network namespaces are not allowed here: ip netns add: $err"
        return 1
    fi
    ip netns del "$probe"
    return 0
}

# e2e_setup_file ACCOUNT ZONE: see the top. When the rehearsal cannot run here (not root,
# `ip netns add` refused, a tool missing), it notes why and e2e_setup skips every test with
# that reason (bats 1.8 cannot skip from setup_file); anything else that fails fails.
e2e_setup_file() {
    local i real reason
    if ! reason=$(e2e_unavailable); then
        printf '%s\n' "$reason" >"$BATS_FILE_TMPDIR/skip"
        return 0
    fi
    real=$(command -v mariadbd || echo /usr/sbin/mariadbd)
    # Unique per bats process: parallel runs (ctest -j) get their own namespaces.
    E2E_ID=edns-$$
    E2E_DIR=$BATS_FILE_TMPDIR/e2e
    export E2E_ID E2E_DIR
    mkdir -p "$E2E_DIR" || return 1
    e2e_net_up "$E2E_ID" || return 1
    e2e_net_delay "${E2E_DELAY:-auto}" || return 1
    E2E_NET_READY=1
    export E2E_NET_READY
    if [[ $E2E_DELAY_MODE == netem ]]; then
        e2e_note "delay: tc netem on each edge link (round trips $E2E_RTT_MS ms); DNS is delayed too"
    else
        local why="this kernel has no sch_netem"
        [[ ${E2E_DELAY:-auto} == auto ]] || why="E2E_DELAY=$E2E_DELAY"
        e2e_note "delay: $why; a user-space relay (tests/e2e/delay_relay.py)" \
            "in the router namespace delays the controller's pushes (round trips $E2E_RTT_MS ms);" \
            "DNS queries go direct, undelayed"
    fi
    # The controller: MariaDB and dnsapid in namespace ctl.
    e2e_wrapper mariadbd "$(e2e_ns ctl)" "$real" || return 1
    e2e_wrapper dnsapid "$(e2e_ns ctl)" "$BIN/dnsapid" || return 1
    [[ -x $BIN/dnsapid && -x $BIN/dns-serve ]] || {
        echo "# $BIN/dnsapid or $BIN/dns-serve is missing: build them first" >&3
        return 1
    }
    PATH=$E2E_DIR/bin:$PATH
    DNSAPID=$E2E_DIR/bin/dnsapid
    export PATH DNSAPID
    dnsapid_setup_file || return 1
    for i in 1 2 3; do
        e2e_edge_start "$i" || return 1
    done
    if [[ $E2E_DELAY_MODE == relay ]]; then
        local rc=0
        e2e_relay_start "$E2E_DIR" || rc=1
        [[ -z ${E2E_RELAY_PID-} ]] || e2e_record_pid "$E2E_RELAY_PID"
        ((rc == 0)) || return 1
    fi
    for i in 1 2 3; do
        e2e_edge_register "$i" || return 1
    done
    KEY=$(new_account "$1" free) || return 1
    printf '%s\n' "$KEY" >"$E2E_DIR/key"
    new_domain "$2"
}

# e2e_stop_pid PID: TERM, up to 5 s, then KILL; reaps it when this shell started it.
e2e_stop_pid() {
    local pid=$1 tries=0
    kill -TERM "$pid" 2>/dev/null || return 0
    while dnsapid_running "$pid"; do
        if ((++tries > 100)); then
            echo "e2e: process $pid did not stop on TERM within 5 s; killing it" >&2
            kill -KILL "$pid" 2>/dev/null || true
            break
        fi
        sleep 0.05
    done
    wait "$pid" 2>/dev/null || true
}

# e2e_teardown_file: stops the edges and the relay (by pid), dnsapid and MariaDB (by pid, as
# dnsapid.bash does), then deletes every namespace of this run; fails when dnsapid failed or
# a process was left in a namespace.
e2e_teardown_file() {
    local rc=0 pid
    [[ -n ${E2E_DIR-} ]] || return 0
    if [[ -e $E2E_DIR/pids ]]; then
        while read -r pid; do
            e2e_stop_pid "$pid"
        done <"$E2E_DIR/pids"
    fi
    dnsapid_teardown_file || rc=1
    e2e_net_down "$E2E_ID" || rc=1
    return "$rc"
}

# e2e_setup: setup() of every test: skips when setup_file found the rehearsal cannot run.
e2e_setup() {
    [[ ! -e $BATS_FILE_TMPDIR/skip ]] || skip "$(<"$BATS_FILE_TMPDIR/skip")"
    dnsapid_setup
    KEY=$(<"$E2E_DIR/key")
}

# e2e_teardown: teardown() of every test: a DNS watcher the test left is stopped (by pid),
# a link it cut is restored (the next test starts from the whole network), dnsapid checked.
e2e_teardown() {
    [[ ! -e $BATS_FILE_TMPDIR/skip ]] || return 0
    if [[ -e $BATS_TEST_TMPDIR/watch.pid ]]; then
        e2e_stop_pid "$(<"$BATS_TEST_TMPDIR/watch.pid")"
    fi
    local i
    for i in 1 2 3; do e2e_net_restore "$i" || true; done
    dnsapid_teardown
}

# e2e_dig I NAME TYPE: edge I's answer to a query from the controller's namespace (dig
# +short, sorted); exit status 9 when the edge cannot be reached.
e2e_dig() {
    local out rc=0
    out=$(e2e_in ctl dig +short +norec +time=1 +tries=1 "@$(e2e_edge_addr "$1")" "$2" "$3") ||
        rc=$?
    [[ -n $out ]] && sort <<<"$out"
    return "$rc"
}

# e2e_watch_start SECS NAME WANT EDGE...: starts tests/e2e/dns_watch.py in the controller's
# namespace, asking each EDGE for NAME A every 5 ms until it answers the addresses WANT
# (comma-separated) and noting when, or "timeout" after SECS; returns once its first queries
# are sent. `e2e_watch_collect T0` waits for it and prints "I MS" per edge, MS counted from
# T0 (now_ms).
e2e_watch_start() {
    local secs=$1 name=$2 want=$3 i tries=0 ready=$BATS_TEST_TMPDIR/watch.ready
    shift 3
    local -a addrs=()
    for i in "$@"; do addrs+=("$(e2e_edge_addr "$i")"); done
    rm -f "$ready"
    # ip netns exec directly (not e2e_in, a function: it would run in a subshell), so that $!
    # is the watcher's own pid, which e2e_teardown stops should the test fail before
    # collecting it.
    ip netns exec "$(e2e_ns ctl)" python3 "$E2E_NET_ROOT/dns_watch.py" --ready-file "$ready" \
        0 "$secs" "$name" "$want" "${addrs[@]}" >"$BATS_TEST_TMPDIR/watch.out" 2>&1 3>&- &
    E2E_WATCH_PID=$!
    echo "$E2E_WATCH_PID" >"$BATS_TEST_TMPDIR/watch.pid"
    until [[ -e $ready ]]; do
        if ! kill -0 "$E2E_WATCH_PID" 2>/dev/null || ((++tries > 200)); then
            echo "dns_watch.py did not start: $(cat "$BATS_TEST_TMPDIR/watch.out")" >&2
            return 1
        fi
        sleep 0.01
    done
}

# e2e_watch_collect T0: see e2e_watch_start. Call it in the shell that started the watch
# (not in a $(...) or <(...)), so that it can wait for it.
e2e_watch_collect() {
    local t0=$1 addr ms
    wait "$E2E_WATCH_PID" || true
    rm -f "$BATS_TEST_TMPDIR/watch.pid"
    while read -r addr ms; do
        [[ $addr =~ ^10\.253\.([0-9]+)\.2$ ]] || {
            echo "e2e_watch: $addr $ms" >&2
            continue
        }
        [[ $ms == timeout ]] || ms=$((ms - t0))
        echo "${BASH_REMATCH[1]} $ms"
    done <"$BATS_TEST_TMPDIR/watch.out"
}

# e2e_rtt_measured I: the round trip (ms) of one fresh GET /v1/health from the controller's
# namespace to edge I's management API at the URL dnsapid uses (curl's connect time plus
# time to the first byte: a handshake and a request, two round trips over a netem link or
# through the relay).
e2e_rtt_measured() {
    local t
    t=$(curl -s -m 10 -o /dev/null -w '%{time_starttransfer}' \
        -H "Authorization: Bearer $(e2e_edge_key "$1")" "$(e2e_mgmt_url "$1")/v1/health") ||
        return 1
    awk -v t="$t" 'BEGIN { printf "%d\n", t * 1000 }'
}

# e2e_edge_serial I ZONE: edge I's serial of ZONE, asked inside its own namespace (so it
# works while the edge is cut off); "none" when it does not hold it.
e2e_edge_serial() {
    local out
    out=$(e2e_in "e$1" "$E2E_CURL" -s -m 5 -H "Authorization: Bearer $(e2e_edge_key "$1")" \
        "http://$(e2e_edge_addr "$1"):8053/v1/zones/$2") || {
        echo unreachable
        return 0
    }
    jq -r '.serial // "none"' <<<"$out" 2>/dev/null || echo none
}

# now_ms: milliseconds since the epoch.
now_ms() {
    date +%s%3N
}
