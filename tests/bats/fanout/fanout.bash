# SPDX-License-Identifier: MIT
# Fan-out tests: a throwaway MariaDB, dnsapid, and real dns-serve edges registered through
# POST /v1/servers. Load after ../helpers and ../dnsapid/dnsapid.
#
#   edges_start N           starts edges ns1..nsN (dir EDGES_DIR/nsI, key EDGES_DIR/nsI/key),
#                           registers each; sets EDGE_DNS[i], EDGE_HTTP[i], EDGE_PID[i]
#   edge_stop I [SIGNAL]    stops edge I by its pid (TERM; KILL, STOP, ...)
#   edge_start_again I      starts edge I again on the same ports with the same state
#   edge_dig I NAME TYPE    the edge's answer, `dig +short` sorted
#   wait_edges NAME TYPE EXPECTED [SECONDS]   until every running edge answers EXPECTED
#   edge_zone_serial I ZONE the edge's serial of ZONE (GET /v1/zones/ZONE), "none" if absent

# shellcheck disable=SC2034 # arrays read by the tests
declare -ga EDGE_DNS=() EDGE_HTTP=() EDGE_PID=()

EDGES_DIR=
EDGE_COUNT=0

# edge_config FILE: the dns-serve configuration every test edge uses.
edge_config() {
    printf '%s\n' '# SPDX-License-Identifier: MIT' '# an edge of the fan-out tests' >"$1"
}

# edge_launch I: starts edge I again on its recorded ports, with its state and key, and waits
# until GET /v1/health answers 200.
edge_launch() {
    local i=$1 dir=$EDGES_DIR/ns$1 tries=0 status
    "$BIN/dns-serve" -c "$EDGES_DIR/edge.toml" --listen "127.0.0.1:${EDGE_DNS[i]}" \
        --http "127.0.0.1:${EDGE_HTTP[i]}" --key-file "$dir/key" --state-dir "$dir/state" \
        >>"$dir/log" 2>&1 3>&- &
    EDGE_PID[i]=$!
    while :; do
        status=$(curl -s -m 2 -o /dev/null -w '%{http_code}' \
            -H "Authorization: Bearer $(<"$dir/key")" \
            "http://127.0.0.1:${EDGE_HTTP[i]}/v1/health") || true
        [[ $status == 200 ]] && return 0
        if ((++tries > 400)) || ! kill -0 "${EDGE_PID[i]}" 2>/dev/null; then
            echo "edge ns$i did not come back on its ports; its log:" >&2
            tail -n 20 "$dir/log" >&2
            return 1
        fi
        sleep 0.05
    done
}

# edges_start N: see the top.
edges_start() {
    local n=$1 i
    EDGES_DIR=$BATS_FILE_TMPDIR/edges
    mkdir -p "$EDGES_DIR" || return 1
    edge_config "$EDGES_DIR/edge.toml"
    EDGE_COUNT=$n
    for ((i = 1; i <= n; i++)); do
        mkdir -p "$EDGES_DIR/ns$i" || return 1
        (umask 077 && od -An -tx1 -N24 /dev/urandom | tr -d ' \n' >"$EDGES_DIR/ns$i/key") ||
            return 1
        pushd "$EDGES_DIR" >/dev/null || return 1
        launch_edge "ns$i" "ns$i/key" edge.toml || {
            popd >/dev/null || true
            return 1
        }
        popd >/dev/null || return 1
        EDGE_PID[i]=$LAUNCHED_PID
        EDGE_DNS[i]=$LAUNCHED_DNS
        EDGE_HTTP[i]=$LAUNCHED_HTTP
        edge_register "$i" || return 1
    done
    edges_save
}

# edge_register I: POST /v1/servers for edge I (name nsI).
edge_register() {
    local KEY=$ADMIN_KEY i=$1
    api POST /v1/servers "$(jq -cn --arg n "ns$i" --arg u "http://127.0.0.1:${EDGE_HTTP[i]}" \
        --arg k "$(<"$EDGES_DIR/ns$i/key")" '{name: $n, url: $u, key: $k}')"
    expect_status 201
}

# edges_save / edges_load: the edges' ports and pids survive from setup_file to the tests.
edges_save() {
    # -g: edges_load sources this inside a function.
    declare -p EDGE_DNS EDGE_HTTP EDGE_PID EDGE_COUNT EDGES_DIR |
        sed -e 's/^declare -- /declare -g /' -e 's/^declare -\([a-zA-Z]\)/declare -g\1/' >"$BATS_FILE_TMPDIR/edges.env"
}
edges_load() {
    # shellcheck disable=SC1091
    source "$BATS_FILE_TMPDIR/edges.env"
}

# edge_stop I [SIGNAL]: see the top. Waits until the process is gone unless SIGNAL is STOP.
edge_stop() {
    local i=$1 sig=${2:-TERM} pid tries=0
    pid=${EDGE_PID[i]}
    kill -s "$sig" "$pid" 2>/dev/null || true
    [[ $sig == STOP ]] && return 0
    while kill -0 "$pid" 2>/dev/null && [[ $(awk '{ print $3 }' "/proc/$pid/stat" 2>/dev/null) != Z ]]; do
        ((++tries > 400)) && kill -KILL "$pid" 2>/dev/null
        sleep 0.05
    done
    wait "$pid" 2>/dev/null || true
}

# edge_start_again I: see the top.
edge_start_again() {
    edge_launch "$1" || return 1
    edges_save
}

# edges_teardown_file: kills every edge (also stopped ones).
edges_teardown_file() {
    local pid
    [[ -e $BATS_FILE_TMPDIR/edges.env ]] && edges_load
    for pid in "${EDGE_PID[@]}"; do
        kill -CONT "$pid" 2>/dev/null || true
        kill -KILL "$pid" 2>/dev/null || true
    done
}

# edge_dig I NAME TYPE: see the top.
edge_dig() {
    dig +short +norec +time=1 +tries=2 -p "${EDGE_DNS[$1]}" @127.0.0.1 "$2" "$3" | sort
}

# wait_edges NAME TYPE EXPECTED [SECONDS] [EDGES...]: polls the edges (default: all) until each
# answers EXPECTED (dig +short output, sorted, newline-separated); fails naming the first
# that does not within SECONDS (default 10).
wait_edges() {
    local name=$1 type=$2 want=$3 secs=${4:-10} i got deadline
    shift 4 2>/dev/null || shift $#
    local which=("$@")
    ((${#which[@]})) || mapfile -t which < <(seq 1 "$EDGE_COUNT")
    deadline=$((SECONDS + secs))
    for i in "${which[@]}"; do
        while :; do
            got=$(edge_dig "$i" "$name" "$type")
            [[ $got == "$want" ]] && break
            if ((SECONDS >= deadline)); then
                echo "edge ns$i answers '$got' for $name $type, expected '$want'" >&2
                return 1
            fi
            sleep 0.05
        done
    done
}

# edge_zone_serial I ZONE: see the top.
edge_zone_serial() {
    local i=$1 out
    out=$(curl -s -m 5 -H "Authorization: Bearer $(<"$EDGES_DIR/ns$i/key")" \
        "http://127.0.0.1:${EDGE_HTTP[i]}/v1/zones/$2") || {
        echo unreachable
        return 0
    }
    jq -r '.serial // "none"' <<<"$out" 2>/dev/null || echo none
}

# now_ms: milliseconds since the epoch.
now_ms() {
    date +%s%3N
}

# fanout_setup_file ACCOUNT ZONE...: setup_file of the fan-out tests: MariaDB, dnsapid, three
# edges registered, and an account on plan "free" (its key kept for the tests) with the zones.
fanout_setup_file() {
    require_cmd dig
    dnsapid_setup_file || return 1
    edges_start 3 || return 1
    KEY=$(new_account "$1" free) || return 1
    printf '%s\n' "$KEY" >"$BATS_FILE_TMPDIR/key"
    shift
    local zone
    for zone in "$@"; do
        new_domain "$zone" || return 1
    done
}

# fanout_teardown_file: every edge and dnsapid stopped, MariaDB too.
fanout_teardown_file() {
    edges_teardown_file
    dnsapid_teardown_file
}

# fanout_setup: setup() of every fan-out test: its temp dir, the edges, the account's key.
fanout_setup() {
    dnsapid_setup
    edges_load
    KEY=$(<"$BATS_FILE_TMPDIR/key")
}
