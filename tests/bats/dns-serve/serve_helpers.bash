# SPDX-License-Identifier: MIT
# Runs real dns-serve processes for the bats tests: free loopback ports, own state dir and key.
#
# Load after ../helpers. An edge NAME lives in $PWD/NAME/ (the test's temp directory):
# NAME/state (state directory), NAME/key, NAME/log (stderr and stdout, appended across
# restarts). The functions act on the edge started last, through these variables:
#   EDGE_NAME EDGE_PID EDGE_DNS (DNS port) EDGE_HTTP (API port) EDGE_KEY (the key)
# Call edge_teardown from teardown(): it kills every process in EDGE_PIDS still running.
# API answers: api sets API_STATUS (HTTP status, 000 when there was no answer), API_BODY,
# and leaves the raw body in api.body and the header fields in api.headers.

SERVE="$BIN/dns-serve"
MAKE_DELTA="$BIN/make-delta"
EDGE_PIDS=()
export SERVE MAKE_DELTA

# edge_setup: the common setup() of the dns-serve tests.
edge_setup() {
    zc_setup || return 1
    [[ -x $SERVE ]] || {
        echo "# $SERVE is missing: build the dns-serve target first" >&3
        return 1
    }
    require_cmd curl dig
}

# running PID: true while process PID has not exited. Until wait reaps it, an exited child is
# a zombie (state Z), which kill -0 still finds.
running() {
    [[ -e /proc/$1 && $(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null) != Z ]]
}

# start_edge NAME [DNS-SERVE-ARGS...]: starts dns-serve in the background on free ports with
# NAME/state and NAME/key (both made on first use, kept across restarts) and the configuration
# file $EDGE_CONFIG (default: the empty empty.toml), and waits until GET /v1/health answers
# 200. When a port was taken in the meantime (exit 69), it tries again with other ports.
# Fails, showing the log, when the process exits or the API does not answer within 20 s.
start_edge() {
    local name=$1 rc=0
    shift
    mkdir -p "$name" || return 1
    if [[ ! -s $name/key ]]; then
        (umask 077 && od -An -tx1 -N24 /dev/urandom | tr -d ' \n' >"$name/key") || return 1
    fi
    EDGE_NAME=$name
    EDGE_KEY=$(<"$name/key")
    launch_edge "$name" "$name/key" "${EDGE_CONFIG:-empty.toml}" --threads 2 "$@" || rc=$?
    EDGE_PID=$LAUNCHED_PID
    EDGE_DNS=$LAUNCHED_DNS
    EDGE_HTTP=$LAUNCHED_HTTP
    EDGE_PIDS+=("$EDGE_PID")
    echo "$EDGE_PID" >"$name/pid"
    return "$rc"
}

# stop_edge [SIGNAL]: sends SIGNAL (default TERM) to the current edge and waits for it; sets
# EDGE_EXIT to its exit status. Fails when it has not exited after 20 s.
# shellcheck disable=SC2034 # EDGE_EXIT is read by the tests
stop_edge() {
    local sig=${1:-TERM} tries=0
    kill -s "$sig" "$EDGE_PID" 2>/dev/null || true
    while running "$EDGE_PID"; do
        if ((++tries > 400)); then
            echo "dns-serve ($EDGE_NAME) did not stop on SIG$sig within 20 s" >&2
            return 1
        fi
        sleep 0.05
    done
    EDGE_EXIT=0
    wait "$EDGE_PID" || EDGE_EXIT=$?
}

# edge_teardown: kills every edge this test started that is still running.
edge_teardown() {
    local pid
    for pid in "${EDGE_PIDS[@]}"; do
        if running "$pid"; then
            kill -9 "$pid" 2>/dev/null || true
        fi
        wait "$pid" 2>/dev/null || true
    done
    EDGE_PIDS=()
}

# http_req METHOD PATH [CURL-ARGS...]: one request to the current edge's API, no key added.
http_req() {
    local method=$1 path=$2
    shift 2
    API_STATUS=$(curl -s -m 10 -o api.body -D api.headers -w '%{http_code}' -X "$method" \
        "$@" "http://127.0.0.1:$EDGE_HTTP$path") || true
    API_BODY=$(<api.body)
}

# api METHOD PATH [CURL-ARGS...]: one request to the current edge's API with its key.
api() {
    local method=$1 path=$2
    shift 2
    http_req "$method" "$path" -H "Authorization: Bearer $EDGE_KEY" "$@"
}

# assert_status CODE: the last api/http_req answered CODE.
assert_status() {
    [[ $API_STATUS == "$1" ]] || {
        echo "expected HTTP $1, got $API_STATUS; body: $API_BODY" >&2
        return 1
    }
}

# json FILTER: applies the jq FILTER to API_BODY, printing raw strings.
json() {
    jq -r "$1" <<<"$API_BODY"
}

# compile ZONEFILE OUT [ZONE-COMPILE-ARGS...]: zone-compile ZONEFILE into the stream file OUT.
compile() {
    local in=$1 out=$2
    shift 2
    "$ZC" -c empty.toml -q "$@" -o "$out" "$in"
}

# put_zone ZONE STREAM: PUT the stream file to /v1/zones/ZONE; fails unless answered 200.
put_zone() {
    api PUT "/v1/zones/$1" --data-binary "@$2" \
        -H 'Content-Type: application/vnd.endpointdns.zone-stream'
    assert_status 200
}

# patch_zone ZONE STREAM: PATCH the delta stream file to /v1/zones/ZONE (status not checked).
patch_zone() {
    api PATCH "/v1/zones/$1" --data-binary "@$2" \
        -H 'Content-Type: application/vnd.endpointdns.zone-stream'
}

# q NAME TYPE [DIG-ARGS...]: the answer records of the current edge, dig +short.
q() {
    local name=$1 type=$2
    shift 2
    dig +short +time=2 +tries=2 -p "$EDGE_DNS" @127.0.0.1 "$@" "$name" "$type"
}

# rcode NAME TYPE [DIG-ARGS...]: the rcode of the current edge's answer (NOERROR, REFUSED, ...).
rcode() {
    local name=$1 type=$2
    shift 2
    dig +time=2 +tries=2 -p "$EDGE_DNS" @127.0.0.1 "$@" "$name" "$type" |
        sed -n 's/.*status: \([A-Z]*\),.*/\1/p'
}

# soa_serial ZONE: the serial of the SOA the current edge answers for ZONE.
soa_serial() {
    q "$1" SOA | awk '{ print $3 }'
}

# wait_answer PORT NAME TYPE WANT: waits (at most 15 s) until 127.0.0.1:PORT (a secondary the
# test runs) answers NAME TYPE with exactly WANT (dig +short, unsigned).
wait_answer() {
    local port=$1 name=$2 type=$3 want=$4 got tries=0
    while :; do
        got=$(dig +short +time=1 +tries=1 -p "$port" @127.0.0.1 "$name" "$type" 2>/dev/null) || true
        [[ $got == "$want" ]] && return 0
        if ((++tries > 75)); then
            echo "127.0.0.1:$port answers $name $type with '$got', not '$want'" >&2
            return 1
        fi
        sleep 0.2
    done
}
