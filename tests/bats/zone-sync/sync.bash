# SPDX-License-Identifier: MIT
# zone-sync and zone-compile --db bats helpers: dnsapid on a throwaway MariaDB, real dns-serve edges in the registry.
#
# Load after ../helpers and ../dnsapid/dnsapid (`load ../helpers`, `load ../dnsapid/dnsapid`,
# then `load ../zone-sync/sync`). sync_setup_file, called from setup_file, starts MariaDB and
# dnsapid (dnsapid_setup_file), writes DNSAPID_DIR/db.toml (the [database] table for
# zone-sync and zone-compile, fast retries), and makes an account whose key is in
# DNSAPID_DIR/account.key. The registry's POST /v1/servers is not on this branch: edges are
# registered with SQL (register_edge).
#
# Edges: start_edge NAME [KEYFILE] [CONFIG] starts dns-serve in $PWD/NAME and registers it as
# server NAME (once; a restart on new ports updates its url), inactive: dnsapid's fan-out
# pushes to active edges only, so an inactive one holds what the test and zone-sync put there,
# and zone-sync --server NAME syncs it all the same (ACTIVE=1 start_edge ... for an active one). Its ports are in NAME_DNS and
# NAME_HTTP (NAME in upper case). stop_edge NAME stops it by pid; sync_teardown (from
# teardown()) stops every edge still running. Edge names are per file: each test uses names of
# its own, and deletes its domains, because the database lives for the whole file.

ZS="$BIN/zone-sync"
ZP="$BIN/zone-push"
SERVE="$BIN/dns-serve"
declare -gA EDGE_PID=()
export ZS ZP SERVE

# sync_setup_file: see the top of this file.
sync_setup_file() {
    local p
    for p in zone-sync zone-compile zone-push dns-serve; do
        [[ -x $BIN/$p ]] || {
            echo "# $BIN/$p is missing: build the $p target first" >&3
            return 1
        }
    done
    dnsapid_setup_file || return 1
    write_db_config "$DNSAPID_DIR/db.toml" || return 1
    new_account syncer free >"$DNSAPID_DIR/account.key" || return 1
}

# write_db_config FILE [EXTRA-LINE...]: [database] of the file's MariaDB (short timeouts), a
# [push] table with quick retries, then the extra lines. zone-compile takes the [database]
# table only: see write_zc_config.
write_db_config() {
    local f=$1
    shift
    {
        echo '# SPDX-License-Identifier: MIT'
        echo '# zone-sync configuration of the bats tests: the database dnsapid uses'
        echo '[database]'
        echo "socket = \"$MARIADB_SOCKET\""
        echo "user = \"$MARIADB_USER\""
        echo "password_file = \"$MARIADB_PASSWORD_FILE\""
        echo "name = \"$MARIADB_DATABASE\""
        echo 'connect_timeout = 2'
        echo 'io_timeout = 10'
        echo 'acquire_timeout = 5'
        echo '[push]'
        echo 'timeout = 20'
        echo 'connect_timeout = 2'
        echo 'backoff = 0.05'
        if (($# > 0)); then printf '%s\n' "$@"; fi
    } >"$f"
}

# write_zc_config FILE: a zone-compile configuration holding the file's [database] table.
write_zc_config() {
    sed '/^\[push\]/,$d' "$DNSAPID_DIR/db.toml" >"$1"
}

# sync_setup: setup() of the tests: dnsapid_setup, the account's key in KEY, an edge key.
sync_setup() {
    dnsapid_setup || return 1
    # shellcheck disable=SC2034 # KEY is read by the api helpers of dnsapid.bash
    KEY=$(cat "$DNSAPID_DIR/account.key")
    : >empty.toml
    (umask 077 && od -An -tx1 -N24 /dev/urandom | tr -d ' \n' >key) || return 1
}

# sync_teardown: stops every edge of the test, then dnsapid_teardown.
sync_teardown() {
    local n
    for n in "${!EDGE_PID[@]}"; do stop_edge "$n"; done
    dnsapid_teardown
}

# zs ARGS...: zone-sync with the test configuration.
zs() {
    "$ZS" -c "$DNSAPID_DIR/db.toml" "$@"
}

# register_edge NAME URL KEYFILE [ACTIVE]: a row in the registry (or its url, key and active
# flag updated); ACTIVE 1 (the default) or 0.
register_edge() {
    local active=${4:-1}
    mariadb_sql "INSERT INTO servers (name, url, api_key, active)
        VALUES ('$1', '$2', '$(<"$3")', $active)
        ON DUPLICATE KEY UPDATE url = VALUES(url), api_key = VALUES(api_key),
        active = VALUES(active)"
}

# start_edge NAME [KEYFILE] [CONFIG]: see the top of this file.
start_edge() {
    local name=$1 keyfile=${2:-key} config=${3:-empty.toml} upper=${1^^} rc=0
    upper=${upper//-/_}
    launch_edge "$name" "$keyfile" "$config" || rc=$?
    EDGE_PID[$name]=$LAUNCHED_PID
    printf -v "${upper}_DNS" '%s' "$LAUNCHED_DNS"
    printf -v "${upper}_HTTP" '%s' "$LAUNCHED_HTTP"
    ((rc == 0)) || return "$rc"
    register_edge "$name" "http://127.0.0.1:$LAUNCHED_HTTP" "$keyfile" "${ACTIVE:-0}"
}

# stop_edge NAME: stops the edge by its pid (KILL: its state is on disk before any answer).
stop_edge() {
    local pid=${EDGE_PID[$1]-}
    [[ -n $pid ]] || return 0
    kill -9 "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    unset "EDGE_PID[$1]"
}

# edge_dig NAME QNAME TYPE: dig +short of QNAME TYPE from edge NAME, sorted.
edge_dig() {
    local upper=${1^^}
    upper=${upper//-/_}
    local port_var=${upper}_DNS
    dig +short +time=2 +tries=2 -p "${!port_var}" @127.0.0.1 "$2" "$3" | sort
}

# edge_rcode NAME QNAME TYPE: the rcode edge NAME answers (NOERROR, NXDOMAIN, REFUSED, ...).
edge_rcode() {
    local upper=${1^^}
    upper=${upper//-/_}
    local port_var=${upper}_DNS
    dig +time=2 +tries=2 -p "${!port_var}" @127.0.0.1 "$2" "$3" |
        sed -n 's/.*status: \([A-Z]*\),.*/\1/p'
}

# edge_zones NAME: the edge's zones as "name serial" lines (GET /v1/zones).
edge_zones() {
    local upper=${1^^}
    upper=${upper//-/_}
    local port_var=${upper}_HTTP
    curl -sS -m 10 -H "Authorization: Bearer $(<key)" "http://127.0.0.1:${!port_var}/v1/zones" |
        jq -r '.zones[] | "\(.name) \(.serial)"'
}

# rows NAME: server NAME's server_zones rows as "zone domain_id serial" lines, by zone.
rows() {
    mariadb_sql "SELECT sz.zone, sz.domain_id, sz.serial FROM server_zones sz
        JOIN servers s ON s.id = sz.server_id WHERE s.name = '$1' ORDER BY sz.zone" |
        tr '\t' ' '
}

# domain_row ZONE: "id serial" of the domain in the database.
domain_row() {
    mariadb_sql "SELECT id, serial FROM domains WHERE name = '$1'" | tr '\t' ' '
}

# make_zone ZONE: a domain with a few RRsets through the REST API (with $KEY).
make_zone() {
    new_domain "$1" || return 1
    put_rrset "$1" www A '["192.0.2.10","192.0.2.11"]' 300 || return 1
    put_rrset "$1" mail A '["192.0.2.25"]' || return 1
    put_rrset "$1" @ MX '["10 mail.'"$1"'."]' || return 1
    put_rrset "$1" @ TXT '["\"v=spf1 mx -all\"", "\"hello world\""]' || return 1
    put_rrset "$1" _acme-challenge TXT '["\"token-1\""]' 60
}

# drop_zone ZONE: deletes the domain through the REST API (with $KEY).
drop_zone() {
    api DELETE "/v1/domains/$1"
    expect_status 200
}

# squeeze TEXT: runs of blanks squeezed to one (zone-sync's table).
squeeze() {
    tr -s ' ' <<<"$1"
}

# assert_row TEXT LINE: the squeezed TEXT has the line LINE.
assert_row() {
    grep -Fxq -- "$2" <<<"$(squeeze "$1")" || fail_with "no line: $2"
}

# refute_line_matching TEXT REGEX: no line of TEXT matches the extended REGEX.
refute_line_matching() {
    ! grep -Eq -- "$2" <<<"$1" || fail_with "a line matches: $2"
}
