#!/bin/bash
# SPDX-License-Identifier: MIT
# make demo-stop: stop exactly the processes `make demo` started, by their pid files, each only while it is still that program of that demo.
#
# DEMO_VAR names the demo's directory (default: var/demo), as for scripts/demo.sh. A pid is
# signalled only when the process is alive, its argv[0] is the program the pid file is for, and
# its own arguments name this demo's files: dnsapid its configuration DIR/dnsapid/dnsapid.toml,
# dns-serve its state directory DIR/nsN/state, mariadbd its data directory DIR/db/data (the
# check of tests/helpers/mariadb.bash). A pid reused by any other process is left alone. Each
# gets TERM, then KILL after 10 s (MariaDB: 20 s). The state and the logs stay; `make demo`
# removes them when it starts again. Exit status: 0 when nothing of the demo runs any more.
set -euo pipefail

root=$(cd -P "$(dirname "$0")/.." && pwd -P)
var=${DEMO_VAR:-$root/var/demo}
if [[ ! -d $var ]]; then
    echo "demo: nothing to stop ($var does not exist)"
    exit 0
fi
var=$(cd -P "$var" && pwd -P)

# is_ours PID PROGRAM OPTION PATH: PID is alive (not a zombie), its argv[0] names PROGRAM and
# the value of its OPTION (as "OPTION VALUE" or "OPTION=VALUE") is PATH, a relative value being
# taken from the process's working directory (the demo before issue 6 gave relative paths).
is_ours() {
    local pid=$1 prog=$2 opt=$3 want=$4 state cwd i val
    local -a argv=()
    [[ $pid =~ ^[1-9][0-9]*$ && -r /proc/$pid/cmdline ]] || return 1
    state=$(sed -n 's/^.*) \(.\).*/\1/p' "/proc/$pid/stat" 2>/dev/null) || return 1
    [[ -n $state && $state != Z ]] || return 1
    mapfile -d '' -t argv 2>/dev/null <"/proc/$pid/cmdline" || return 1
    ((${#argv[@]} > 1)) && [[ ${argv[0]##*/} == "$prog" ]] || return 1
    cwd=$(readlink "/proc/$pid/cwd" 2>/dev/null) || cwd=/nonexistent
    for ((i = 1; i < ${#argv[@]}; i++)); do
        if [[ ${argv[i]} == "$opt" ]] && ((i + 1 < ${#argv[@]})); then
            val=${argv[i + 1]}
        elif [[ ${argv[i]} == "$opt="* ]]; then
            val=${argv[i]#"$opt="}
        else
            continue
        fi
        [[ $val == /* ]] || val=$cwd/$val
        [[ $(realpath -m -- "$val") == "$want" ]] && return 0
    done
    return 1
}

failed=0
stopped=0

# [group=1] stop NAME PIDFILE PROGRAM OPTION PATH: stops the process of PIDFILE if is_ours says
# it is PROGRAM with OPTION PATH (with group=1, its process group too); removes PIDFILE.
stop() {
    local name=$1 pidfile=$2 prog=$3 opt=$4 want=$5 pid="" tries=0
    [[ -f $pidfile ]] || return 0
    read -r pid <"$pidfile" || true
    if ! is_ours "$pid" "$prog" "$opt" "$want"; then
        echo "demo: $name (pid ${pid:-?}) is no longer running"
        rm -f "$pidfile"
        return 0
    fi
    # group=1: the whole process group the program leads (php -S and its workers), when it
    # leads one.
    local target=$pid pgid
    pgid=$(ps -o pgid= -p "$pid" 2>/dev/null | tr -d ' ') || true
    [[ -n ${group-} && $pgid == "$pid" ]] && target=-$pid
    kill -TERM -- "$target" 2>/dev/null || true
    while is_ours "$pid" "$prog" "$opt" "$want"; do
        if ((++tries == 100)); then
            echo "demo: $name (pid $pid) still runs 10 s after TERM; sending KILL" >&2
            kill -KILL -- "$target" 2>/dev/null || true
        elif ((tries > 150)); then
            echo "demo: $name (pid $pid) does not stop" >&2
            failed=1
            return 0
        fi
        sleep 0.1
    done
    echo "demo: stopped $name (pid $pid)"
    stopped=$((stopped + 1))
    rm -f "$pidfile"
}

# The panel first, then the controller (so that it does not try the edges as they go), then
# the edges.
group=1 stop panel "$var/panel/pid" php -c "$var/panel/php.ini"
stop dnsapid "$var/dnsapid/pid" dnsapid -c "$var/dnsapid/dnsapid.toml"
for dir in "$var"/ns*/; do
    dir=${dir%/}
    [[ -f $dir/pid ]] || continue
    stop "dns-serve $(basename "$dir")" "$dir/pid" dns-serve --state-dir "$dir/state"
done

# MariaDB last, through the helper that started it: its pid file, checked against its
# --datadir; TERM, and KILL after 20 s.
if [[ -d $var/db/data ]]; then
    # shellcheck source=SCRIPTDIR/../tests/helpers/mariadb.bash
    source "$root/tests/helpers/mariadb.bash"
    MARIADB_DIR=$var/db
    MARIADB_SOCKET=$MARIADB_DIR/mysql.sock
    # A deep DIR has its socket in a directory of its own under TMPDIR, which goes with the
    # server; only such a directory is taken from the file demo.sh wrote.
    if [[ -r $MARIADB_DIR/socket ]]; then
        read -r s <"$MARIADB_DIR/socket" || true
        [[ ${s-} == "${TMPDIR:-/tmp}"/mdb.??????/mysql.sock ]] && MARIADB_SOCKET=$s
    fi
    pid=$(_mariadb_current_pid)
    if [[ -n $pid ]]; then
        mariadb_stop
        if [[ -n $(_mariadb_current_pid) ]]; then
            echo "demo: mariadbd (pid $pid) does not stop" >&2
            failed=1
        else
            echo "demo: stopped mariadbd (pid $pid)"
            stopped=$((stopped + 1))
        fi
    fi
fi
# (DEMO_STOP_QUIET: demo.sh, which calls this first, does not say that nothing ran.)
((stopped > 0 || failed)) || [[ -n ${DEMO_STOP_QUIET-} ]] ||
    echo "demo: nothing of the demo in $var runs"
exit "$failed"
