# SPDX-License-Identifier: MIT
# Starts Knot DNS and NSD on loopback with the differential corpus, for tests/bats/dns-serve and by hand.
#
# Source this file, then call the functions; each server runs in the foreground of a background
# job in its own directory, touches no system file, and is stopped with diff_stop_all.
# Every function returns non-zero with a message on stderr when it fails.

DIFF_ZONES_DIR=${DIFF_ZONES_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/zones}
DIFF_PIDS=()

# diff_find_tool NAME: prints the path of NAME (also looked for in /usr/sbin), or fails.
diff_find_tool() {
    local p
    p=$(command -v "$1" 2>/dev/null) || p=""
    [[ -z $p && -x /usr/sbin/$1 ]] && p=/usr/sbin/$1
    [[ -n $p ]] || return 1
    printf '%s\n' "$p"
}

# diff_zone_names [DIR]: the zones of the corpus (file NAME.zone holds zone NAME), one per line.
diff_zone_names() {
    local f
    for f in "${1:-$DIFF_ZONES_DIR}"/*.zone; do
        f=${f##*/}
        printf '%s\n' "${f%.zone}"
    done
}

# diff_free_port: a TCP and UDP port on 127.0.0.1 that nothing listens on.
diff_free_port() {
    local p
    while :; do
        p=$((10000 + RANDOM % 22000))
        if ! ss -Hlnut "( sport = :$p )" 2>/dev/null | grep -q .; then
            printf '%s\n' "$p"
            return 0
        fi
    done
}

# diff_knot_conf_head DIR PORT [LOG-LEVEL]: the first part of a throwaway knotd's configuration
# (server on 127.0.0.1:PORT with one worker of each kind, control socket, database and rundir in
# DIR, logs to stderr at LOG-LEVEL, default warning); the caller adds keys, ACLs and zones.
diff_knot_conf_head() {
    cat <<CONF
server:
    rundir: "$1"
    listen: 127.0.0.1@$2
    udp-workers: 1
    tcp-workers: 1
    background-workers: 1
    identity: ""
    version: ""
control:
    listen: "$1/knot.sock"
database:
    storage: "$1/db"
log:
  - target: stderr
    any: ${3:-warning}
CONF
}

# diff_start_knotd DIR PORT [ZONEDIR]: runs knotd on 127.0.0.1:PORT with every zone of ZONEDIR
# (default: the corpus); configuration, database and logs in DIR. Sets DIFF_PID.
diff_start_knotd() {
    local dir=$1 port=$2 zdir=${3:-$DIFF_ZONES_DIR} knotd z
    knotd=$(diff_find_tool knotd) || {
        echo "knotd is not installed" >&2
        return 1
    }
    mkdir -p "$dir/db"
    {
        diff_knot_conf_head "$dir" "$port"
        cat <<CONF
template:
  - id: default
    storage: "$zdir"
    journal-content: none
    zonefile-sync: -1
    zonefile-load: whole
zone:
CONF
        while read -r z; do
            printf '  - domain: %s.\n    file: "%s/%s.zone"\n' "$z" "$zdir" "$z"
        done < <(diff_zone_names "$zdir")
    } >"$dir/knot.conf"
    "$knotd" -c "$dir/knot.conf" >"$dir/knotd.log" 2>&1 &
    DIFF_PID=$!
    DIFF_PIDS+=("$DIFF_PID")
}

# diff_start_nsd DIR PORT [ZONEDIR]: runs nsd on 127.0.0.1:PORT like diff_start_knotd, with
# minimal responses and response rate limiting off, as in bench/serve. Sets DIFF_PID.
diff_start_nsd() {
    local dir=$1 port=$2 zdir=${3:-$DIFF_ZONES_DIR} nsd z
    nsd=$(diff_find_tool nsd) || {
        echo "nsd is not installed" >&2
        return 1
    }
    mkdir -p "$dir"
    {
        cat <<CONF
server:
    ip-address: 127.0.0.1
    port: $port
    server-count: 1
    username: ""
    chroot: ""
    zonesdir: "$zdir"
    database: ""
    zonelistfile: "$dir/zone.list"
    xfrdfile: "$dir/xfrd.state"
    xfrdir: "$dir"
    pidfile: "$dir/nsd.pid"
    logfile: "$dir/nsd.log"
    verbosity: 0
    hide-version: yes
    hide-identity: yes
    minimal-responses: yes
    rrl-ratelimit: 0
    rrl-whitelist-ratelimit: 0
    rrl-slip: 0
remote-control:
    control-enable: no
CONF
        while read -r z; do
            printf 'zone:\n    name: %s\n    zonefile: "%s/%s.zone"\n' "$z" "$zdir" "$z"
        done < <(diff_zone_names "$zdir")
    } >"$dir/nsd.conf"
    "$nsd" -d -c "$dir/nsd.conf" >"$dir/nsd.out" 2>&1 &
    DIFF_PID=$!
    DIFF_PIDS+=("$DIFF_PID")
}

# diff_wait_zones PORT PID [ZONE...]: waits (at most 20 s) until 127.0.0.1:PORT answers the SOA
# query of every ZONE (default: the corpus) authoritatively; fails early if PID exits.
diff_wait_zones() {
    local port=$1 pid=$2 z tries=0
    shift 2
    local zones=("$@")
    ((${#zones[@]} > 0)) || mapfile -t zones < <(diff_zone_names)
    for z in "${zones[@]}"; do
        until dig +norec +tries=1 +time=1 -p "$port" @127.0.0.1 "$z" SOA 2>/dev/null |
            grep -q '^;; flags: qr aa'; do
            if ! kill -0 "$pid" 2>/dev/null; then
                echo "server $pid on port $port exited before zone $z was loaded" >&2
                return 1
            fi
            if ((++tries > 400)); then
                echo "server on port $port did not load zone $z within 20 s" >&2
                return 1
            fi
            sleep 0.05
        done
    done
}

# diff_wait_served NAME PID PORT LOG ZONE...: diff_wait_zones, and the server's log (NAME, the
# file LOG) shown when it fails.
diff_wait_served() {
    local name=$1 pid=$2 port=$3 log=$4
    shift 4
    diff_wait_zones "$port" "$pid" "$@" && return 0
    echo "$name did not serve $*; its log:" >&2
    cat "$log" >&2
    return 1
}

# diff_up knotd|nsd DIR [ZONEDIR [ZONE...]]: starts the server on a free port and waits until it
# serves every ZONE (default: every zone of ZONEDIR); sets DIFF_PORT and DIFF_PID. A free port
# can be taken by another test between the check and the bind, and the server then exits: it
# is tried again on another port, three times at most; after that, its log is shown.
diff_up() {
    local kind=$1 dir=$2 zdir=${3:-$DIFF_ZONES_DIR} try log
    shift $(($# < 3 ? $# : 3))
    local zones=("$@")
    ((${#zones[@]} > 0)) || mapfile -t zones < <(diff_zone_names "$zdir")
    for try in 1 2 3; do
        DIFF_PORT=$(diff_free_port)
        case $kind in
        knotd) diff_start_knotd "$dir" "$DIFF_PORT" "$zdir" && log=$dir/knotd.log ;;
        nsd) diff_start_nsd "$dir" "$DIFF_PORT" "$zdir" && log=$dir/nsd.out ;;
        *) echo "diff_up: no server $kind" >&2 && return 2 ;;
        esac || return 1
        diff_wait_served "$kind (try $try)" "$DIFF_PID" "$DIFF_PORT" "$log" "${zones[@]}" &&
            return 0
        kill -0 "$DIFF_PID" 2>/dev/null && return 1 # running but not loading: not a port race
    done
    return 1
}

# diff_stop_all: stops every server started here, each by its own process id.
diff_stop_all() {
    local p
    for p in "${DIFF_PIDS[@]}"; do
        kill "$p" 2>/dev/null || true
    done
    for p in "${DIFF_PIDS[@]}"; do
        wait "$p" 2>/dev/null || true
    done
    DIFF_PIDS=()
}
