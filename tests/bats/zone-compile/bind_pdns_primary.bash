# SPDX-License-Identifier: MIT
# Throwaway BIND 9 and PowerDNS (bind backend) primaries on random loopback ports, serving the same zones with a TSIG key (zone-compile --axfr migration tests).
#
# Load after ../helpers. Needs named (Debian's bind9) or pdns_server and pdnsutil
# (pdns-server, pdns-backend-bind); the caller skips without them.
#
#   primary_zones DIR        writes DIR/many.example.zone (tests/data/bats-many-types.zone)
#                            and DIR/big.example.zone (the same records and 3000 TXT more, so
#                            that its transfer takes many messages)
#   bind_primary_start DIR   writes DIR/named.conf and starts `named -g` on it; sets
#                            BIND_PORT and BIND_PID
#   pdns_primary_start DIR   writes DIR/pdns.conf, DIR/named.conf (the bind backend's zone
#                            list) and DIR/dnssec.db (where the bind backend keeps TSIG keys and
#                            zone metadata), and starts pdns_server; sets PDNS_PORT and PDNS_PID
#   primary_stop PID         stops a server by its pid
#   primary_keyfile FILE     the TSIG key as `tsig-keygen` writes it
#
# Both zones may be transferred only with the key PRIMARY_KEY_NAME (hmac-sha256,
# PRIMARY_KEY_SECRET), from 127.0.0.1.

# shellcheck source-path=SCRIPTDIR source=../../diff/servers.bash
source "$SRC/tests/diff/servers.bash"

PRIMARY_KEY_NAME=transfer.key
PRIMARY_KEY_SECRET=c2VjcmV0LWtleS1mb3ItdGhlLWF4ZnItdGVzdHMtMQ==
PRIMARY_ZONES="many.example big.example"

# primary_zones DIR: see the top.
primary_zones() {
    local dir=$1
    mkdir -p "$dir" || return 1
    cp "$SRC/tests/data/bats-many-types.zone" "$dir/many.example.zone" || return 1
    {
        sed 's/many\.example\./big.example./g' "$SRC/tests/data/bats-many-types.zone"
        seq 1 3000 | awk '{ printf "h%d IN TXT \"record %d of the big zone, long enough to fill messages\"\n", $1, $1 }'
    } >"$dir/big.example.zone"
}

# primary_wait NAME PID PORT LOG: waits until the server answers authoritatively for every zone.
primary_wait() {
    # shellcheck disable=SC2086 # PRIMARY_ZONES is a list
    diff_wait_served "$1" "$2" "$3" "$4" $PRIMARY_ZONES
}

# bind_primary_start DIR: see the top.
bind_primary_start() {
    local dir=$1 named z
    named=$(command -v named 2>/dev/null || echo /usr/sbin/named)
    primary_zones "$dir" || return 1
    BIND_PORT=$(free_port) || return 1
    # The tested configuration of docs/migrate.md: the zones may be transferred with the key
    # only (allow-transfer { key ...; }). No rndc channel, no NOTIFY, no recursion.
    {
        cat <<CONF
options {
    directory "$dir";
    pid-file "$dir/named.pid";
    session-keyfile "$dir/session.key";
    managed-keys-directory "$dir";
    listen-on port $BIND_PORT { 127.0.0.1; };
    listen-on-v6 { none; };
    recursion no;
    notify no;
    dnssec-validation no;
    allow-transfer { none; };
};
controls { };
key "$PRIMARY_KEY_NAME" {
    algorithm hmac-sha256;
    secret "$PRIMARY_KEY_SECRET";
};
CONF
        for z in $PRIMARY_ZONES; do
            printf 'zone "%s" {\n    type primary;\n    file "%s/%s.zone";\n    allow-transfer { key "%s"; };\n};\n' \
                "$z" "$dir" "$z" "$PRIMARY_KEY_NAME"
        done
    } >"$dir/named.conf"
    # -g: in the foreground, logging to stderr; fd 3 closed so that bats does not wait for it.
    "$named" -g -c "$dir/named.conf" >"$dir/named.log" 2>&1 3>&- &
    BIND_PID=$!
    primary_wait named "$BIND_PID" "$BIND_PORT" "$dir/named.log" || return 1
    export BIND_PORT BIND_PID
}

# pdns_primary_start DIR: see the top.
pdns_primary_start() {
    local dir=$1 pdns_server pdnsutil z
    pdns_server=$(command -v pdns_server 2>/dev/null || echo /usr/sbin/pdns_server)
    pdnsutil=$(command -v pdnsutil 2>/dev/null || echo /usr/bin/pdnsutil)
    primary_zones "$dir" || return 1
    PDNS_PORT=$(free_port) || return 1
    for z in $PRIMARY_ZONES; do
        printf 'zone "%s" {\n    type master;\n    file "%s/%s.zone";\n};\n' "$z" "$dir" "$z"
    done >"$dir/named.conf"
    # The tested configuration of docs/migrate.md. allow-axfr-ips empty: no address may
    # transfer without a key (its default lets 127.0.0.0/8 and ::1 in); the key is allowed per
    # zone by its TSIG-ALLOW-AXFR metadata (set by `pdnsutil activate-tsig-key ZONE KEY primary`),
    # which the bind backend keeps in bind-dnssec-db, as it keeps the keys.
    # No guardian, no daemon, no syslog, no security poll (a query to the Internet).
    cat >"$dir/pdns.conf" <<CONF
launch=bind
bind-config=$dir/named.conf
bind-dnssec-db=$dir/dnssec.db
local-address=127.0.0.1
local-port=$PDNS_PORT
socket-dir=$dir
guardian=no
daemon=no
disable-syslog=yes
security-poll-suffix=
allow-axfr-ips=
disable-axfr=no
CONF
    {
        "$pdnsutil" --config-dir="$dir" create-bind-db "$dir/dnssec.db" &&
            "$pdnsutil" --config-dir="$dir" import-tsig-key "$PRIMARY_KEY_NAME" hmac-sha256 "$PRIMARY_KEY_SECRET" &&
            for z in $PRIMARY_ZONES; do
                "$pdnsutil" --config-dir="$dir" activate-tsig-key "$z" "$PRIMARY_KEY_NAME" primary || return 1
            done
    } >"$dir/pdnsutil.log" 2>&1 || {
        echo "pdnsutil failed; its output:" >&2
        cat "$dir/pdnsutil.log" >&2
        return 1
    }
    "$pdns_server" --config-dir="$dir" >"$dir/pdns.log" 2>&1 3>&- &
    PDNS_PID=$!
    primary_wait pdns_server "$PDNS_PID" "$PDNS_PORT" "$dir/pdns.log" || return 1
    export PDNS_PORT PDNS_PID
}

# primary_stop PID: see the top.
primary_stop() {
    local pid=${1-} tries=0
    [[ -n $pid ]] || return 0
    kill "$pid" 2>/dev/null || true
    while kill -0 "$pid" 2>/dev/null && ((tries++ < 100)); do sleep 0.05; done
    kill -KILL "$pid" 2>/dev/null || true
}

# primary_keyfile FILE: see the top.
primary_keyfile() {
    printf 'key "%s" {\n\talgorithm hmac-sha256;\n\tsecret "%s";\n};\n' \
        "$PRIMARY_KEY_NAME" "$PRIMARY_KEY_SECRET" >"$1"
}
