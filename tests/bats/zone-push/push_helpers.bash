# SPDX-License-Identifier: MIT
# zone-push bats helpers: the binary, free loopback ports, a key, and real dns-serve edges.
#
# Load after ../helpers. Edges started by start_push_edge NAME live in $PWD/NAME/ (state, key,
# log); their ports are in the variables NAME_DNS and NAME_HTTP (NAME in upper case) and their
# URL in NAME_URL. push_teardown, called from teardown(), kills every edge still running, by pid.

ZP="$BIN/zone-push"
SERVE="$BIN/dns-serve"
MAKE_DELTA="$BIN/make-delta"
PUSH_PIDS=()
export ZP SERVE MAKE_DELTA

# push_setup: the common setup() of the zone-push tests; no test reads /etc/endpointdns.
push_setup() {
    zc_setup || return 1
    [[ -x $ZP ]] || {
        echo "# $ZP is missing: build the zone-push target first" >&3
        return 1
    }
    # A random key, as long as dns-serve wants it (at least 16 characters).
    (umask 077 && od -An -tx1 -N24 /dev/urandom | tr -d ' \n' >key) || return 1
}

# zp ARGS...: zone-push with the empty test configuration.
zp() {
    "$ZP" -c empty.toml "$@"
}

# example_stream FILE: compiles the example zone into the stream FILE.
example_stream() {
    "$ZC" -c empty.toml -q -o "$1" "$EXAMPLE_ZONE"
}

# require_serve: skips the test unless dns-serve (and the tools the end-to-end tests use) exist.
require_serve() {
    [[ -x $SERVE ]] || skip "$SERVE does not exist yet: build the dns-serve target"
    require_cmd curl dig ss
}

# start_push_edge NAME [KEYFILE]: starts dns-serve on free ports with NAME/state and the key in
# KEYFILE (default: key) and waits until GET /v1/health answers 200 (at most 20 s).
start_push_edge() {
    local name=$1 keyfile=${2:-key} upper=${1^^} rc=0
    launch_edge "$name" "$keyfile" empty.toml || rc=$?
    PUSH_PIDS+=("$LAUNCHED_PID")
    printf -v "${upper}_DNS" '%s' "$LAUNCHED_DNS"
    printf -v "${upper}_HTTP" '%s' "$LAUNCHED_HTTP"
    printf -v "${upper}_URL" '%s' "http://127.0.0.1:$LAUNCHED_HTTP"
    return "$rc"
}

# push_teardown: kills every edge this test started that is still running.
push_teardown() {
    local pid
    for pid in "${PUSH_PIDS[@]}"; do
        if kill -0 "$pid" 2>/dev/null; then
            kill -9 "$pid" 2>/dev/null || true
            wait "$pid" 2>/dev/null || true
        fi
    done
    PUSH_PIDS=()
}

# answer PORT NAME TYPE: dig +short of NAME TYPE from the edge whose DNS port is PORT.
answer() {
    dig +short +time=2 +tries=2 -p "$1" @127.0.0.1 "$2" "$3"
}
