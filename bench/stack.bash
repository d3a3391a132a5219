# SPDX-License-Identifier: MIT
# Shared by bench/propagation and bench/sync: starts the EndpointDNS stack (MariaDB, dnsapid, dns-serve edges) and Knot pairs on loopback.
#
# Source it after setting BENCH (the script's name, for messages), ROOT (the repository), BUILD
# (the build directory) and TMP (a private temporary directory). Then:
#
#   stack_init                      traps EXIT/INT/TERM: every process started here is killed
#                                   (by pid), MariaDB stopped, TMP removed
#   track PID / untrack PID         kill PID at exit too / not any more (it was waited for)
#   free_port                       a loopback port free for TCP and UDP (10000-31999)
#   now_ns                          CLOCK_REALTIME in nanoseconds (date +%s%N)
#   db_start                        throwaway MariaDB (tests/helpers/mariadb.bash), 1 GiB pool
#   dnsapid_start [DB]              config, migrate, start on a free port: DNSAPID_URL, ADMIN_KEY
#   dnsapid_stop                    TERM it and wait
#   api METHOD PATH BEARER [CURL-ARGS...]   one REST call; body on stdout; fails unless 2xx
#                                   (API_STATUS holds the HTTP status either way)
#   bench_account                   plan and account without limits: ACCOUNT_KEY, ACCOUNT_ID
#   edge_start NAME [THREADS]       dns-serve with an empty state directory on free ports:
#                                   EDGE_DNS[NAME], EDGE_HTTP[NAME], EDGE_KEY[NAME] (a file)
#   edge_stop NAME                  TERM it and wait
#   edge_register NAME              POST /v1/servers {"name","url","key"} with the admin key
#   load_rows DB ACCOUNT XFR...     zone_rows + LOAD DATA: the zones of the streams as rows of
#                                   DB's domains and rrsets (what an API import would write)
#   knot_write_conf FILE DIR PORT   a knotd configuration (server, log to DIR/log, control
#                                   socket DIR/knot.sock, storage DIR); the caller appends
#                                   remote:, acl:, template: and zone: sections
#   knot_start NAME CONF DIR        knotd in the foreground: KNOT_PID[NAME]
#   knot_stop NAME                  TERM it and wait (a big zone takes a second or two)
#   probe ARGS...                   BUILD/propagation_probe
# shellcheck shell=bash

declare -a STACK_PIDS=()
declare -A EDGE_DNS=() EDGE_HTTP=() EDGE_KEY=() EDGE_PID=() KNOT_PID=()

log() {
    printf '%s: %s\n' "$BENCH" "$*" >&2
}

die() {
    log "$*"
    exit 1
}

track() {
    STACK_PIDS+=("$1")
}

# untrack PID: PID was stopped and waited for; the EXIT trap must not kill a reused PID.
untrack() {
    local p
    local -a keep=()
    for p in "${STACK_PIDS[@]}"; do [[ $p == "$1" ]] || keep+=("$p"); done
    STACK_PIDS=("${keep[@]}")
}

# shellcheck disable=SC2317 # called by the EXIT trap
stack_cleanup() {
    local p
    for p in "${STACK_PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
    for p in "${STACK_PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
    if declare -F mariadb_stop >/dev/null; then mariadb_stop; fi
    [[ -n ${TMP-} && -d $TMP ]] && rm -rf "$TMP"
    return 0
}

stack_init() {
    trap stack_cleanup EXIT
    trap 'exit 130' INT TERM
    PATH=$PATH:/usr/sbin
    # shellcheck source=tests/helpers/mariadb.bash
    source "$ROOT/tests/helpers/mariadb.bash"
}

free_port() {
    local p tries=0
    while ((tries++ < 200)); do
        p=$((10000 + RANDOM % 22000))
        if ! ss -Hlnut "( sport = :$p )" 2>/dev/null | grep -q .; then
            printf '%s\n' "$p"
            return 0
        fi
    done
    die "no free port found"
}

now_ns() {
    date +%s%N
}

probe() {
    "$BUILD/propagation_probe" "$@"
}

# wait_http NAME PID LOGFILE URL [CURL-ARGS...]: up to 30 s for URL to answer 200 while PID lives.
wait_http() {
    local name=$1 pid=$2 logf=$3 url=$4 tries=0 status
    shift 4
    while :; do
        status=$(curl -s -m 2 -o /dev/null -w '%{http_code}' "$@" "$url") || true
        [[ $status == 200 ]] && return 0
        if ! kill -0 "$pid" 2>/dev/null; then
            log "$name exited before answering $url; its log:"
            tail -n 20 "$logf" >&2
            return 1
        fi
        if ((++tries > 3000)); then
            log "$name did not answer $url within 30 s; its log:"
            tail -n 20 "$logf" >&2
            return 1
        fi
        # Short: bench/sync times an edge's start with this.
        sleep 0.01
    done
}

# ------------------------------------------------------------------ MariaDB and dnsapid

db_start() {
    # As bench/api: enough memory for a million records; durability at MariaDB's default.
    # shellcheck disable=SC2034 # read by mariadb_start
    MARIADB_EXTRA_ARGS=(--innodb-buffer-pool-size=1G --innodb-log-file-size=256M
        --max-connections=500 --max-allowed-packet=64M --local-infile=1)
    mariadb_start "$TMP/db" || die "MariaDB did not start"
    log "MariaDB on $MARIADB_SOCKET"
}

DNSAPID_URL=""
DNSAPID_PID=""
ADMIN_KEY=""
# dnsapid_start [DB]: dnsapid on database DB (default endpointdns), migrated, on a free port.
dnsapid_start() {
    local db=${1:-$MARIADB_DATABASE} dir=$TMP/dnsapid-${1:-$MARIADB_DATABASE} port conf
    mkdir -p "$dir"
    ADMIN_KEY=adm_$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
    (umask 077 && printf '%s\n' "$ADMIN_KEY" >"$dir/admin.key")
    port=$(free_port)
    conf=$dir/dnsapid.toml
    cat >"$conf" <<EOF
listen = "127.0.0.1:$port"
admin_key_file = "$dir/admin.key"
[database]
socket = "$MARIADB_SOCKET"
user = "$MARIADB_USER"
password_file = "$MARIADB_PASSWORD_FILE"
name = "$db"
EOF
    "$BUILD/dnsapid" --config "$conf" migrate >>"$dir/log" 2>&1 || {
        tail -n 20 "$dir/log" >&2
        die "dnsapid migrate failed"
    }
    "$BUILD/dnsapid" --config "$conf" >>"$dir/log" 2>&1 &
    DNSAPID_PID=$!
    track "$DNSAPID_PID"
    DNSAPID_URL=http://127.0.0.1:$port
    # shellcheck disable=SC2034 # for the scripts (zone-sync reads dnsapid's configuration)
    DNSAPID_CONF=$conf
    wait_http dnsapid "$DNSAPID_PID" "$dir/log" "$DNSAPID_URL/v1/health" || die "dnsapid did not start"
}

dnsapid_stop() {
    [[ -n $DNSAPID_PID ]] || return 0
    kill "$DNSAPID_PID" 2>/dev/null || true
    wait "$DNSAPID_PID" 2>/dev/null || true
    untrack "$DNSAPID_PID"
    DNSAPID_PID=""
}

API_STATUS=""
api() {
    local method=$1 path=$2 bearer=$3 out=$TMP/api-answer
    shift 3
    API_STATUS=$(curl -s -o "$out" -w '%{http_code}' -X "$method" \
        -H "Authorization: Bearer $bearer" "$@" "$DNSAPID_URL$path") || API_STATUS=000
    if [[ $API_STATUS != 2* ]]; then
        log "dnsapid $method $path: $API_STATUS $(head -c 300 "$out")"
        return 1
    fi
    cat "$out"
}

ACCOUNT_KEY=""
ACCOUNT_ID=""
bench_account() {
    api POST /v1/plans "$ADMIN_KEY" -H 'Content-Type: application/json' -d '{"name":"bench"}' \
        >/dev/null || die "creating the plan failed"
    ACCOUNT_KEY=$(api POST /v1/accounts "$ADMIN_KEY" -H 'Content-Type: application/json' \
        -d '{"name":"bench","plan":"bench"}' | jq -r '.key.secret') || die "creating the account failed"
    ACCOUNT_ID=$(api GET /v1/account "$ACCOUNT_KEY" | jq -r '.id') || die "GET /v1/account failed"
    [[ $ACCOUNT_ID =~ ^[0-9]+$ ]] || die "GET /v1/account gave no id"
}

# ------------------------------------------------------------------ edges

edge_start() {
    local name=$1 threads=${2:-1} dir=$TMP/edge-$1
    mkdir -p "$dir"
    [[ -e $dir/key ]] || (umask 077 && head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$dir/key")
    [[ -n ${EDGE_DNS[$name]-} ]] || EDGE_DNS[$name]=$(free_port)
    [[ -n ${EDGE_HTTP[$name]-} ]] || EDGE_HTTP[$name]=$(free_port)
    EDGE_KEY[$name]=$dir/key
    "$BUILD/dns-serve" --listen "127.0.0.1:${EDGE_DNS[$name]}" \
        --http "127.0.0.1:${EDGE_HTTP[$name]}" --key-file "$dir/key" --state-dir "$dir/state" \
        --threads "$threads" >>"$dir/log" 2>&1 &
    EDGE_PID[$name]=$!
    track "${EDGE_PID[$name]}"
    wait_http "edge $name" "${EDGE_PID[$name]}" "$dir/log" \
        "http://127.0.0.1:${EDGE_HTTP[$name]}/v1/health" \
        -H "Authorization: Bearer $(<"$dir/key")" || die "edge $name did not start"
}

edge_stop() {
    local pid=${EDGE_PID[$1]-}
    [[ -n $pid ]] || return 0
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    untrack "$pid"
    EDGE_PID[$1]=""
}

edge_register() {
    local name=$1 body
    body=$(jq -cn --arg n "$name" --arg u "http://127.0.0.1:${EDGE_HTTP[$name]}" \
        --arg k "$(<"${EDGE_KEY[$name]}")" '{name: $n, url: $u, key: $k}')
    api POST /v1/servers "$ADMIN_KEY" -H 'Content-Type: application/json' -d "$body" >/dev/null
}

# ------------------------------------------------------------------ rows straight into the database

# load_rows DB ACCOUNT XFR...: the zones as domains and rrsets rows of DB; ids after the largest.
load_rows() {
    local db=$1 account=$2 first
    shift 2
    first=$(mariadb --no-defaults --socket="$MARIADB_SOCKET" --user=root -N -B "$db" \
        -e 'SELECT COALESCE(MAX(id), 0) + 1 FROM domains')
    "$BUILD/zone_rows" --account "$account" --first-id "$first" --domains "$TMP/domains.tsv" \
        --rrsets "$TMP/rrsets.tsv" "$@" || die "zone_rows failed"
    mariadb --no-defaults --local-infile=1 --socket="$MARIADB_SOCKET" --user=root "$db" <<EOF ||
SET unique_checks = 0, foreign_key_checks = 0;
LOAD DATA LOCAL INFILE '$TMP/domains.tsv' INTO TABLE domains
    FIELDS TERMINATED BY '\t' ESCAPED BY '' LINES TERMINATED BY '\n'
    (id, account_id, name, serial, record_count, soa_mname, soa_rname, soa_refresh, soa_retry,
     soa_expire, soa_minimum, soa_ttl, min_ttl);
LOAD DATA LOCAL INFILE '$TMP/rrsets.tsv' INTO TABLE rrsets
    FIELDS TERMINATED BY '\t' ESCAPED BY '' LINES TERMINATED BY '\n'
    (domain_id, name, @owner, type, ttl, content, @rdata, record_count, changed_serial)
    SET owner = UNHEX(@owner), rdata = UNHEX(@rdata);
EOF
        die "LOAD DATA into $db failed"
    rm -f "$TMP/domains.tsv" "$TMP/rrsets.tsv"
}

# ------------------------------------------------------------------ Knot

knot_write_conf() {
    local file=$1 dir=$2 port=$3
    mkdir -p "$dir/db"
    cat >"$file" <<EOF
server:
    rundir: "$dir"
    listen: 127.0.0.1@$port
log:
  - target: "$dir/log"
    any: info
database:
    storage: "$dir/db"
control:
    listen: "$dir/knot.sock"
EOF
}

knot_start() {
    local name=$1 conf=$2 dir=$3
    knotd -c "$conf" >>"$dir/out" 2>&1 &
    KNOT_PID[$name]=$!
    track "${KNOT_PID[$name]}"
}

knot_stop() {
    local pid=${KNOT_PID[$1]-}
    [[ -n $pid ]] || return 0
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    untrack "$pid"
    KNOT_PID[$1]=""
}
