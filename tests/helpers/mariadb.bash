# SPDX-License-Identifier: MIT
# Throwaway MariaDB server in a temp directory for the tests and benchmarks: start, restart, stop, SQL.
#
# Source it (bats: `source "$SRC/tests/helpers/mariadb.bash"`; bench scripts likewise) and call
#
#   mariadb_start DIR      a fresh data directory in DIR (copied from a template made by
#                          mariadb-install-db) and mariadbd started on a
#                          free loopback port and DIR/mysql.sock; create database endpointdns
#                          and user endpointdns@localhost and @127.0.0.1 (random password)
#   mariadb_restart        stop and start again: same data directory, port and socket
#   mariadb_stop           TERM the server by its pid (KILL after 20 s); never by name
#   mariadb_sql SQL...     run SQL as root over the socket in database endpointdns (batch
#                          mode, no column names); with no argument, SQL from stdin
#   mariadb_add_database NAME   create database NAME and grant ALL on it to the user
#
# mariadb_start exports MARIADB_DIR, MARIADB_SOCKET, MARIADB_PORT, MARIADB_PID, MARIADB_USER,
# MARIADB_PASSWORD_FILE (DIR/password, mode 600, the password without a newline) and
# MARIADB_DATABASE. Extra mariadbd options can be given in the array MARIADB_EXTRA_ARGS (the
# benchmarks give InnoDB more memory). In bats, call mariadb_start from setup_file and
# mariadb_stop from teardown_file: one server per file. The helper keeps the server's state
# in DIR (port, pid file), so mariadb_stop and mariadb_restart work from any test's subshell,
# even after another test restarted the server and changed MARIADB_PID only in its own shell.
#
# Nothing here reads or writes the system's server: every program runs with --no-defaults
# (no /etc/mysql, no ~/.my.cnf), the data directory, socket, pid file and error log are in
# DIR, and mariadbd listens on 127.0.0.1 only. As root, mariadbd runs with --user=root.
#
# Durability settings are MariaDB's defaults (innodb_flush_log_at_trx_commit=1, doublewrite
# on), because tests check what survives a restart; only memory and the redo log are shrunk.
#
# Measured on the 2-core Debian 12 VM (MariaDB 10.11.19, ext4 on virtio), medians:
#                                         idle machine    both cores busy (as under ctest -j2)
#   mariadb-install-db alone                   0.5 - 0.7 s
#   mariadb_start, fresh install each time     0.76 s          3.1 s  (2.3 - 4.6 s)
#   mariadb_start from the template            0.38 s          0.92 s
#   cp -a of the installed data dir (34 MB)    0.11 s
#   mariadb_restart                            0.30 s
#   mariadb_stop                               0.12 s
# mariadb-install-db is mostly CPU for the bootstrap SQL, so it is slow exactly when the tests
# run in parallel; hence the template: installed once (under flock, so parallel bats files do
# not race) and copied per server. It cannot live in BATS_RUN_TMPDIR, which is per `bats`
# process and CTest runs each file as its own process; it lives in TMPDIR (see
# _mariadb_install). MARIADB_TEMPLATE=off installs afresh every time; MARIADB_TEMPLATE_DIR
# names another directory for it (make demo keeps its template under its own var directory).

# _mariadb_free_port: a TCP port on which nothing listens, picked at random from 10000-31999,
# below the kernel's ephemeral range (as free_port in tests/bats/helpers.bash).
_mariadb_free_port() {
    local p tries=0
    while ((tries++ < 100)); do
        p=$((10000 + RANDOM % 22000))
        if ! ss -Hlnt "( sport = :$p )" 2>/dev/null | grep -q .; then
            printf '%s\n' "$p"
            return 0
        fi
    done
    echo "mariadb: no free port found" >&2
    return 1
}

# _mariadb_client ARGS...: the mariadb client as root over the socket, no option files.
_mariadb_client() {
    mariadb --no-defaults --protocol=socket --socket="$MARIADB_SOCKET" --user=root "$@"
}

# _mariadb_is_ours PID: true if PID is a live (not zombie) mariadbd serving our data directory.
_mariadb_is_ours() {
    local pid=$1 state cmdline
    [[ $pid =~ ^[0-9]+$ && -r /proc/$pid/cmdline ]] || return 1
    state=$(awk '{ print $3 }' "/proc/$pid/stat" 2>/dev/null) || return 1
    [[ $state != Z ]] || return 1
    cmdline=$(tr '\0' '\n' 2>/dev/null <"/proc/$pid/cmdline") || return 1
    grep -Fxq -- "--datadir=$MARIADB_DIR/data" <<<"$cmdline"
}

# _mariadb_current_pid: the pid of our server from its pid file (mariadbd writes it), else
# from DIR/launched.pid (written when it was started), else MARIADB_PID; empty if none is ours.
_mariadb_current_pid() {
    local f pid
    for f in "$MARIADB_DIR/mariadbd.pid" "$MARIADB_DIR/launched.pid"; do
        pid=""
        [[ -r $f ]] && read -r pid <"$f"
        if [[ -n $pid ]] && _mariadb_is_ours "$pid"; then
            printf '%s\n' "$pid"
            return 0
        fi
    done
    if [[ -n ${MARIADB_PID-} ]] && _mariadb_is_ours "$MARIADB_PID"; then
        printf '%s\n' "$MARIADB_PID"
    fi
    return 0
}

# _mariadb_launch PORT: starts mariadbd on PORT and waits up to 30 s for `select 1`.
# Returns 0 when ready, 2 if the port was taken (the caller may try another), 1 otherwise;
# on failure the server is gone and its error log has been printed to stderr.
_mariadb_launch() {
    local port=$1 tries=0 pid log=$MARIADB_DIR/error.log user
    local -a extra=()
    user=$(id -un)
    # The extra options given to mariadb_start, kept in DIR so that a restart uses them too.
    [[ -r $MARIADB_DIR/extra-args ]] && mapfile -t -d '' extra <"$MARIADB_DIR/extra-args"
    mkdir -p "$(dirname "$MARIADB_SOCKET")" || return 1
    rm -f "$MARIADB_SOCKET" "$MARIADB_DIR/mariadbd.pid"
    local mark=0
    [[ -e $log ]] && mark=$(wc -l <"$log")
    # fd 3 is closed so that bats does not wait for the server at the end of a test or file.
    mariadbd --no-defaults --user="$user" \
        --datadir="$MARIADB_DIR/data" --socket="$MARIADB_SOCKET" \
        --port="$port" --bind-address=127.0.0.1 --skip-name-resolve \
        --pid-file="$MARIADB_DIR/mariadbd.pid" --log-error="$log" \
        --tmpdir="$MARIADB_DIR/tmp" \
        --innodb-buffer-pool-size=64M --innodb-log-file-size=16M \
        --performance-schema=OFF --skip-log-bin \
        "${extra[@]}" \
        </dev/null >>"$MARIADB_DIR/stdout.log" 2>&1 3>&- &
    pid=$!
    printf '%s\n' "$pid" >"$MARIADB_DIR/launched.pid"
    while ! _mariadb_client -e 'select 1' >/dev/null 2>&1; do
        # Gone or a zombie: our own child, so its pid cannot be reused before we reap it. (Not
        # _mariadb_is_ours: right after the fork the child's command line is still bash's, and
        # `wait` on a server that is starting would wait for ever.)
        if ! kill -0 "$pid" 2>/dev/null ||
            [[ $(awk '{ print $3 }' "/proc/$pid/stat" 2>/dev/null) == Z ]]; then
            wait "$pid" 2>/dev/null || true
            if tail -n "+$((mark + 1))" "$log" 2>/dev/null | grep -Eq \
                'Bind on TCP/IP port.*(Address already in use|errno: 98)|Do you already have another server running on port'; then
                return 2
            fi
            echo "mariadb: mariadbd exited before accepting connections; $log:" >&2
            tail -n "+$((mark + 1))" "$log" >&2
            return 1
        fi
        if ((++tries > 300)); then
            echo "mariadb: mariadbd did not accept connections within 30 s; $log:" >&2
            tail -n "+$((mark + 1))" "$log" >&2
            kill -KILL "$pid" 2>/dev/null
            wait "$pid" 2>/dev/null || true
            return 1
        fi
        sleep 0.1
    done
    MARIADB_PORT=$port
    MARIADB_PID=$pid
    printf '%s\n' "$port" >"$MARIADB_DIR/port"
    export MARIADB_PORT MARIADB_PID
    return 0
}

# _mariadb_install_db DATADIR LOG: a fresh data directory with mariadb-install-db. Its
# temporary tables go to a directory of its own, not /tmp, which everything on the machine
# shares: one run lost a table there ("Error on delete of '/tmp/#sql-temptable-…'") while other
# work ran beside the tests.
_mariadb_install_db() {
    local -a extra=()
    local tmp=$1.tmp rc=0
    [[ $(id -u) == 0 ]] && extra=(--user=root)
    mkdir -p "$tmp" || return 1
    mariadb-install-db --no-defaults "${extra[@]}" --datadir="$1" --tmpdir="$tmp" \
        --auth-root-authentication-method=normal --skip-test-db \
        --innodb-log-file-size=16M >"$2" 2>&1 || rc=$?
    rm -rf "$tmp"
    if ((rc != 0)); then
        echo "mariadb: mariadb-install-db failed:" >&2
        cat "$2" >&2
        return 1
    fi
}

# _mariadb_install DATADIR: DATADIR as mariadb-install-db leaves it, copied from the template
# (made once, under a lock) unless MARIADB_TEMPLATE=off. The template lives in a directory of
# this user's, mode 700, under TMPDIR (or MARIADB_TEMPLATE_DIR), named after the mariadbd
# version and the install options, so parallel bats files and later runs share it and an
# upgraded mariadbd gets a new one.
_mariadb_install() {
    local datadir=$1 base key t
    if [[ ${MARIADB_TEMPLATE-} == off ]]; then
        _mariadb_install_db "$datadir" "$MARIADB_DIR/install.log"
        return
    fi
    base=${MARIADB_TEMPLATE_DIR:-${TMPDIR:-/tmp}/endpointdns-mariadb.$(id -u)}
    [[ -e $base ]] || mkdir -m 700 "$base" 2>/dev/null
    if [[ ! -d $base || -L $base || ! -O $base || -n $(find "$base" -maxdepth 0 -perm /022) ]]; then
        echo "mariadb: $base is not a private directory of this user; not using a template" >&2
        _mariadb_install_db "$datadir" "$MARIADB_DIR/install.log"
        return
    fi
    key=$({ mariadbd --version; echo "template 1 innodb-log-file-size=16M"; } | sha256sum)
    t=$base/template-${key:0:16}
    if [[ ! -e $t/complete ]]; then
        (
            flock -w 120 9 || { echo "mariadb: cannot lock $base/lock" >&2; exit 1; }
            [[ -e $t/complete ]] && exit 0
            rm -rf "$t.new"
            mkdir -p "$t.new" &&
                _mariadb_install_db "$t.new/data" "$t.new/install.log" &&
                : >"$t.new/complete" &&
                rm -rf "$t" &&
                mv "$t.new" "$t"
        ) 9>>"$base/lock" || return 1
    fi
    cp -a "$t/data" "$datadir"
}

# mariadb_start DIR: see the top of this file.
mariadb_start() {
    local dir=${1:?usage: mariadb_start DIR} attempts=0 port rc password
    command -v mariadbd >/dev/null 2>&1 || PATH=$PATH:/usr/sbin
    command -v mariadbd >/dev/null 2>&1 || {
        echo "mariadb: mariadbd not found (apt-get install mariadb-server)" >&2
        return 1
    }
    mkdir -p "$dir" || return 1
    MARIADB_DIR=$(cd "$dir" && pwd) || return 1
    MARIADB_SOCKET=$MARIADB_DIR/mysql.sock
    # sun_path holds 107 bytes; a deep DIR gets its socket in a short directory of its own.
    if ((${#MARIADB_SOCKET} > 100)); then
        MARIADB_SOCKET=$(mktemp -d "${TMPDIR:-/tmp}/mdb.XXXXXX")/mysql.sock || return 1
    fi
    MARIADB_USER=endpointdns
    MARIADB_DATABASE=endpointdns
    MARIADB_PASSWORD_FILE=$MARIADB_DIR/password
    export MARIADB_DIR MARIADB_SOCKET MARIADB_USER MARIADB_DATABASE MARIADB_PASSWORD_FILE
    [[ ! -e $MARIADB_DIR/data ]] || {
        echo "mariadb: $MARIADB_DIR/data already exists; mariadb_start needs a fresh DIR" >&2
        return 1
    }
    mkdir -p "$MARIADB_DIR/tmp" || return 1
    if [[ -n ${MARIADB_EXTRA_ARGS+set} ]] && ((${#MARIADB_EXTRA_ARGS[@]} > 0)); then
        printf '%s\0' "${MARIADB_EXTRA_ARGS[@]}" >"$MARIADB_DIR/extra-args" || return 1
    fi
    _mariadb_install "$MARIADB_DIR/data" || return 1
    while :; do
        port=$(_mariadb_free_port) || return 1
        rc=0
        _mariadb_launch "$port" || rc=$?
        ((rc == 0)) && break
        if ((rc != 2 || ++attempts >= 5)); then
            ((rc == 2)) && echo "mariadb: no port could be bound in 5 attempts" >&2
            return 1
        fi
    done
    password=$(head -c 18 /dev/urandom | od -An -tx1 | tr -d ' \n')
    (umask 077 && printf '%s' "$password" >"$MARIADB_PASSWORD_FILE") || return 1
    chmod 600 "$MARIADB_PASSWORD_FILE"
    if ! _mariadb_client <<EOF; then
CREATE DATABASE $MARIADB_DATABASE;
CREATE USER '$MARIADB_USER'@'localhost' IDENTIFIED BY '$password';
CREATE USER '$MARIADB_USER'@'127.0.0.1' IDENTIFIED BY '$password';
GRANT ALL ON \`$MARIADB_DATABASE\`.* TO '$MARIADB_USER'@'localhost';
GRANT ALL ON \`$MARIADB_DATABASE\`.* TO '$MARIADB_USER'@'127.0.0.1';
EOF
        echo "mariadb: creating the database and the user failed" >&2
        mariadb_stop
        return 1
    fi
}

# mariadb_add_database NAME: another database on the same server, ALL granted to MARIADB_USER
# (the benchmarks put PowerDNS and dnsapid side by side on one server).
mariadb_add_database() {
    local name=${1:?usage: mariadb_add_database NAME}
    [[ $name =~ ^[A-Za-z0-9_]+$ ]] || {
        echo "mariadb: bad database name '$name'" >&2
        return 1
    }
    _mariadb_client <<EOF
CREATE DATABASE \`$name\`;
GRANT ALL ON \`$name\`.* TO '$MARIADB_USER'@'localhost';
GRANT ALL ON \`$name\`.* TO '$MARIADB_USER'@'127.0.0.1';
EOF
}

# _mariadb_kill: TERM, wait up to 20 s, then KILL; returns once the process is gone.
_mariadb_kill() {
    local pid tries=0
    pid=$(_mariadb_current_pid)
    [[ -n $pid ]] || return 0
    kill -TERM "$pid" 2>/dev/null || return 0
    while _mariadb_is_ours "$pid"; do
        if ((++tries > 200)); then
            echo "mariadb: mariadbd ($pid) still running 20 s after TERM; killing it" >&2
            kill -KILL "$pid" 2>/dev/null
            tries=0
            while _mariadb_is_ours "$pid" && ((++tries < 100)); do sleep 0.1; done
            break
        fi
        sleep 0.1
    done
    # Reap it if this shell started it (a no-op from another subshell).
    wait "$pid" 2>/dev/null || true
    return 0
}

# mariadb_stop: stops the server of MARIADB_DIR if it runs; the data directory stays.
mariadb_stop() {
    [[ -n ${MARIADB_DIR-} ]] || return 0
    _mariadb_kill
    rm -f "$MARIADB_DIR/launched.pid"
    # A socket directory of its own (deep DIR) goes with the server; restart recreates it.
    if [[ -n ${MARIADB_SOCKET-} && $MARIADB_SOCKET == /*/* && $MARIADB_SOCKET != "$MARIADB_DIR"/* ]]; then
        rm -rf "$(dirname "$MARIADB_SOCKET")"
    fi
    return 0
}

# mariadb_restart: stops the server and starts it again on the same port, socket and data.
mariadb_restart() {
    local port attempts=0 rc
    [[ -n ${MARIADB_DIR-} && -d $MARIADB_DIR/data ]] || {
        echo "mariadb: mariadb_restart without mariadb_start" >&2
        return 1
    }
    port=${MARIADB_PORT-}
    [[ -r $MARIADB_DIR/port ]] && read -r port <"$MARIADB_DIR/port"
    _mariadb_kill
    while :; do
        rc=0
        _mariadb_launch "$port" || rc=$?
        ((rc == 0)) && return 0
        # The same port is the point of a restart: wait for it rather than take another.
        if ((rc != 2 || ++attempts >= 20)); then
            ((rc == 2)) && echo "mariadb: port $port stayed taken; cannot restart" >&2
            return 1
        fi
        sleep 0.5
    done
}

# mariadb_sql SQL...: runs the SQL (arguments joined by spaces, or stdin when there are none)
# as root in MARIADB_DATABASE; tab-separated output without column names.
mariadb_sql() {
    if (($# > 0)); then
        _mariadb_client --batch --skip-column-names --database="$MARIADB_DATABASE" -e "$*"
    else
        _mariadb_client --batch --skip-column-names --database="$MARIADB_DATABASE"
    fi
}
