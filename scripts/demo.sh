#!/bin/bash
# SPDX-License-Identifier: MIT
# make demo: the whole stack on loopback (MariaDB, dnsapid, two dns-serve edges, the web panel), a domain filled through the REST API, dig on both edges.
#
# What it does, in order:
#   1. stops what the previous demo of the same directory started (scripts/demo-stop.sh) and
#      removes its state: every run starts afresh (the MariaDB template in DIR/cache stays, so a
#      second run does not install MariaDB again);
#   2. starts a throwaway MariaDB in DIR/db (tests/helpers/mariadb.bash: its own data
#      directory, unix socket only, no TCP port, nothing of the system's server used);
#   3. `dnsapid migrate`, then dnsapid on 127.0.0.1:BASE+80 (sign-up open, on the plan "demo");
#   4. two dns-serve edges: ns1 with DNS on 127.0.0.1:BASE+1 and its management API on
#      BASE+81, ns2 on BASE+2 and BASE+82; registers both (POST /v1/servers, with ns_name);
#   5. a plan, an account (its API key), the domain example.com and its A, AAAA, MX and TXT
#      records, all through the REST API with curl; waits until both edges answer with the
#      last change (GET /v1/changes/{id}?wait=); digs both edges;
#   6. a user of the demo account (POST /v1/accounts/{id}/users) and the web panel (panel/, PHP's
#      built-in server) on http://127.0.0.1:BASE+90;
#   7. prints what runs (program, pid, address, log), where the state is, the API key,
#      commands to try, and how to stop it.
#
# Environment (all optional):
#   BUILD           the build directory holding dnsapid and dns-serve (default: build)
#   DEMO_VAR        the directory of all state, logs and pid files (default: var/demo)
#   DEMO_PORT_BASE  BASE of the ports above (default: 5300: API 5380, DNS 5301 and 5302,
#                   edge management 5381 and 5382, panel 5390)
# Relative paths are taken from the current directory. Exit status: 0 running, 69 a port is
# taken (another DEMO_PORT_BASE helps), 1 anything else failed (with the log tail; what this run
# started is stopped again, the logs stay).
set -euo pipefail

start_time=$EPOCHREALTIME
root=$(cd -P "$(dirname "$0")/.." && pwd -P)
default_var=$root/var/demo
zone=example.com

# --- messages ---------------------------------------------------------------------------------

step() { printf '== %s\n' "$*"; }

# shown PATH: PATH relative to the current directory when it is below it (shorter to read).
shown() {
    local p=$1 here
    here=$(pwd -P)
    if [[ $p == "$here"/* ]]; then printf '%s\n' "${p#"$here"/}"; else printf '%s\n' "$p"; fi
}

# die [-s STATUS] MESSAGE [LOG]: MESSAGE on stderr, the last lines of LOG if given, exit STATUS
# (default 1).
die() {
    local status=1
    if [[ $1 == -s ]]; then
        status=$2
        shift 2
    fi
    echo "demo: $1" >&2
    if [[ -n ${2-} ]]; then
        echo "--- last lines of $(shown "$2"):" >&2
        tail -n 25 "$2" >&2 2>/dev/null || true
        echo "---" >&2
    fi
    exit "$status"
}

# --- the configuration --------------------------------------------------------------------------

base=${DEMO_PORT_BASE:-5300}
if ! [[ $base =~ ^[0-9]{4,5}$ ]] || ((base < 1024 || base > 65400)); then
    die -s 64 "DEMO_PORT_BASE=$base: a number from 1024 to 65400, please"
fi
api_port=$((base + 80))
dns_port=("" $((base + 1)) $((base + 2)))
mgmt_port=("" $((base + 81)) $((base + 82)))
api=http://127.0.0.1:$api_port
panel_port=$((base + 90))
panel=http://127.0.0.1:$panel_port
demo_email=demo@example.com

build=${BUILD:-$root/build}
[[ -x $build/dnsapid && -x $build/dns-serve ]] ||
    die -s 66 "no dnsapid and dns-serve in $build: build them first (make)"
build=$(cd -P "$build" && pwd -P)

for c in curl jq dig php; do
    command -v "$c" >/dev/null 2>&1 || die -s 69 "$c is missing (make deps installs it)"
done
command -v mariadbd >/dev/null 2>&1 || PATH=$PATH:/usr/sbin
command -v mariadbd >/dev/null 2>&1 || die -s 69 "mariadbd is missing (make deps installs it)"

var=${DEMO_VAR:-$default_var}
mkdir -p "$var"
var=$(cd -P "$var" && pwd -P)
marker=$var/.endpointdns-demo
# DEMO_VAR is emptied on every run: never a directory that holds something else.
if [[ ! -e $marker && $var != "$default_var" && -n $(ls -A "$var") ]]; then
    die -s 73 "$var is neither empty nor a demo directory (no $(basename "$marker")); choose another DEMO_VAR"
fi

# --- 1. stop the previous run, start afresh ------------------------------------------------------

DEMO_VAR=$var DEMO_STOP_QUIET=1 bash "$root/scripts/demo-stop.sh" ||
    die "could not stop the previous demo of $(shown "$var")"
: >"$marker"
find "$var" -mindepth 1 -maxdepth 1 ! -name cache ! -name .endpointdns-demo -exec rm -rf {} +
mkdir -p "$var/cache"

if command -v ss >/dev/null 2>&1; then
    for p in "$api_port" "${dns_port[1]}" "${dns_port[2]}" "${mgmt_port[1]}" "${mgmt_port[2]}" "$panel_port"; do
        if ss -Hlnut "( sport = :$p )" 2>/dev/null | grep -q .; then
            echo "demo: port $p is taken:" >&2
            ss -Hlnutp "( sport = :$p )" >&2 2>/dev/null || true
            die -s 69 "choose other ports with DEMO_PORT_BASE (now $base), or stop what holds it"
        fi
    done
fi

# From here on, a failure stops what this run started (the logs stay).
ready=0
on_exit() {
    local rc=$?
    if ((ready == 0)); then
        echo "demo: failed; stopping what this run started (its logs stay in $(shown "$var"))" >&2
        DEMO_VAR=$var bash "$root/scripts/demo-stop.sh" >&2 || true
    fi
    exit "$rc"
}
trap on_exit EXIT
trap 'exit 130' INT TERM

# alive PID: true while PID exists and is not a zombie.
alive() {
    [[ -r /proc/$1/stat && $(sed -n 's/^.*) \(.\).*/\1/p' "/proc/$1/stat" 2>/dev/null) != Z ]]
}

# launch PIDFILE LOG COMMAND...: COMMAND in the background (stdin /dev/null, output appended
# to LOG, fd 3 closed so that bats does not wait for it); its pid goes to PIDFILE and LAUNCHED.
launch() {
    local pidfile=$1 log=$2
    shift 2
    "$@" </dev/null >>"$log" 2>&1 3>&- &
    LAUNCHED=$!
    printf '%s\n' "$LAUNCHED" >"$pidfile"
}

# wait_ready NAME PID LOG URL [KEY]: polls URL until it answers 200 (20 s at most); dies with the
# log tail if the process exits first (69 when it could not bind its port) or never answers.
wait_ready() {
    local name=$1 pid=$2 log=$3 url=$4 key=${5-} tries=0 code rc
    local -a auth=()
    [[ -n $key ]] && auth=(-H "Authorization: Bearer $key")
    while :; do
        code=$(curl -s -m 2 -o /dev/null -w '%{http_code}' "${auth[@]}" "$url") || true
        [[ $code == 200 ]] && return 0
        if ! alive "$pid"; then
            rc=0
            wait "$pid" || rc=$?
            ((rc == 69)) && die -s 69 "$name (pid $pid) exited with status 69: a port is taken? (DEMO_PORT_BASE=$base)" "$log"
            die "$name (pid $pid) exited with status $rc before answering $url" "$log"
        fi
        ((++tries <= 200)) || die "$name (pid $pid) did not answer $url within 20 s (last: $code)" "$log"
        sleep 0.1
    done
}

# --- 2. MariaDB ---------------------------------------------------------------------------------

step "MariaDB: a throwaway server in $(shown "$var/db") (unix socket only)"
# shellcheck source=SCRIPTDIR/../tests/helpers/mariadb.bash
source "$root/tests/helpers/mariadb.bash"
# The template data directory (mariadb-install-db, once) stays in DIR/cache across runs; no TCP.
MARIADB_TEMPLATE_DIR=$var/cache/mariadb
MARIADB_EXTRA_ARGS=(--skip-networking)
mariadb_start "$var/db" || die "MariaDB did not start" "$var/db/error.log"
printf '%s\n' "$MARIADB_SOCKET" >"$var/db/socket"

# --- 3. dnsapid ---------------------------------------------------------------------------------

mkdir -p "$var/dnsapid"
admin_key=adm_$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
(umask 077 && printf '%s\n' "$admin_key" >"$var/dnsapid/admin.key")
cat >"$var/dnsapid/dnsapid.toml" <<EOF
# SPDX-License-Identifier: MIT
# dnsapid configuration of make demo (scripts/demo.sh); rewritten on every run.
listen = "127.0.0.1:$api_port"
admin_key_file = "$var/dnsapid/admin.key"

[http]
workers = 8

[database]
socket = "$MARIADB_SOCKET"
user = "$MARIADB_USER"
password_file = "$MARIADB_PASSWORD_FILE"
name = "$MARIADB_DATABASE"
pool_size = 4

# No zones.nameservers: a new domain's NS records are the ns_name of every registered edge.
[zones]
hostmaster = "hostmaster.$zone"

# The panel on 127.0.0.1 passes the browser's address on (failed-login limits per address).
[sessions]
trusted_proxies = ["127.0.0.1"]

# Anyone who reaches the panel may make an account, on the plan "demo" made below.
[signup]
enabled = true
plan = "demo"
EOF

step "dnsapid migrate"
"$build/dnsapid" -c "$var/dnsapid/dnsapid.toml" migrate >"$var/dnsapid/migrate.log" 2>&1 ||
    die "dnsapid migrate failed" "$var/dnsapid/migrate.log"
sed 's/^/   /' "$var/dnsapid/migrate.log"

step "dnsapid: the REST API on $api"
launch "$var/dnsapid/pid" "$var/dnsapid/log" "$build/dnsapid" -c "$var/dnsapid/dnsapid.toml"
dnsapid_pid=$LAUNCHED

# --- 4. the edges -------------------------------------------------------------------------------

cat >"$var/dns-serve.toml" <<EOF
# SPDX-License-Identifier: MIT
# dns-serve configuration of the make demo edges (scripts/demo.sh): the defaults; the ports,
# key and state directory are given as options.
EOF
edge_pid=("")
for n in 1 2; do
    dir=$var/ns$n
    mkdir -p "$dir/state"
    (umask 077 && od -An -tx1 -N24 /dev/urandom | tr -d ' \n' >"$dir/key")
    step "dns-serve ns$n: DNS on 127.0.0.1:${dns_port[n]}, management API on http://127.0.0.1:${mgmt_port[n]}"
    launch "$dir/pid" "$dir/log" "$build/dns-serve" -c "$var/dns-serve.toml" \
        --listen "127.0.0.1:${dns_port[n]}" --http "127.0.0.1:${mgmt_port[n]}" \
        --key-file "$dir/key" --state-dir "$dir/state" --threads 1
    edge_pid[n]=$LAUNCHED
done
wait_ready dnsapid "$dnsapid_pid" "$var/dnsapid/log" "$api/v1/health"
for n in 1 2; do
    wait_ready "dns-serve ns$n" "${edge_pid[n]}" "$var/ns$n/log" \
        "http://127.0.0.1:${mgmt_port[n]}/v1/health" "$(<"$var/ns$n/key")"
done

# --- 5. the REST API ----------------------------------------------------------------------------

# call AS METHOD PATH [BODY [SHOWN]]: shows the request as one would type it with curl (AS:
# ADMIN_KEY or KEY, the variable holding the key; SHOWN: the body as shown, when it holds a
# secret), sends it, and sets code and body; dies unless the answer is 2xx.
call() {
    local as=$1 method=$2 path=$3 data=${4-} show=${5-${4-}} key
    local -a args=(-s -m 70 -X "$method" -o "$var/api.body" -w '%{http_code}')
    if [[ $as == ADMIN_KEY ]]; then key=$admin_key; else key=$account_key; fi
    args+=(-H "Authorization: Bearer $key")
    local x="-X $method "
    [[ $method == GET ]] && x=""
    # shellcheck disable=SC2016 # $API and the key variable are shown, not expanded
    printf '$ curl -s %s"$API%s" -H "Authorization: Bearer $%s"' "$x" "$path" "$as"
    if [[ -n $data ]]; then
        printf " -d '%s'" "$show"
        args+=(-H 'Content-Type: application/json' --data-binary "$data")
    fi
    printf '\n'
    code=$(curl "${args[@]}" "$api$path") || code=000
    body=$(cat "$var/api.body" 2>/dev/null) || body=
    rm -f "$var/api.body"
    [[ $code == 2* ]] || die "$method $path answered $code: $body" "$var/dnsapid/log"
}

step "REST API: API=$api; ADMIN_KEY from $(shown "$var/dnsapid/admin.key")"
# server_json N KEY: the registration of edge nsN, published as nsN.endpointdns.test.
server_json() {
    jq -cn --arg n "ns$1" --arg u "http://127.0.0.1:${mgmt_port[$1]}" --arg k "$2" \
        '{name: $n, url: $u, key: $k, ns_name: ($n + ".endpointdns.test")}'
}
for n in 1 2; do
    call ADMIN_KEY POST /v1/servers "$(server_json "$n" "$(<"$var/ns$n/key")")" \
        "$(server_json "$n" "<the key in $(shown "$var/ns$n/key")>")"
done
call ADMIN_KEY POST /v1/plans '{"name":"demo","max_domains":10,"max_records_per_domain":1000,"rate_per_second":20,"rate_burst":40}'
call ADMIN_KEY POST /v1/accounts '{"name":"demo","plan":"demo"}'
account_key=$(jq -r .key.secret <<<"$body")
account_id=$(jq -r .id <<<"$body")
[[ $account_key == edk_* ]] || die "POST /v1/accounts gave no key: $body"
(umask 077 && printf '%s\n' "$account_key" >"$var/api.key")
echo "   the account's API key (shown once by dnsapid): KEY=$account_key"

call KEY POST /v1/domains "{\"name\":\"$zone\"}"
call KEY PUT "/v1/domains/$zone/rrsets/www/A" '{"ttl":300,"records":["192.0.2.10","192.0.2.11"]}'
call KEY PUT "/v1/domains/$zone/rrsets/www/AAAA" '{"ttl":300,"records":["2001:db8::10"]}'
call KEY PATCH "/v1/domains/$zone/rrsets" "[{\"name\":\"@\",\"type\":\"MX\",\"records\":[\"10 mail.$zone.\"]},{\"name\":\"mail\",\"type\":\"A\",\"records\":[\"192.0.2.25\"]},{\"name\":\"@\",\"type\":\"TXT\",\"records\":[\"\\\"v=spf1 mx -all\\\"\"]}]"
change=$(jq -r '.change.id' <<<"$body")
echo "   change $change, zone serial $(jq -r .serial <<<"$body")"

step "waiting until both edges answer with change $change"
call KEY GET "/v1/changes/$change?wait=30"
[[ $(jq -r .status <<<"$body") == insync ]] ||
    die "change $change is not in sync on both edges after 30 s: $body" "$var/dnsapid/log"
jq -r '.servers[] | "   \(.name): serial \(.serial), insync \(.insync)"' <<<"$body"

# --- the edges answer ---------------------------------------------------------------------------

for n in 1 2; do
    step "dig @127.0.0.1 -p ${dns_port[n]} (ns$n)"
    out=$(dig +norec +noall +answer +time=2 +tries=2 -p "${dns_port[n]}" @127.0.0.1 \
        "www.$zone" A "www.$zone" AAAA "$zone" MX "$zone" TXT 2>&1) || true
    printf '%s\n' "$out"
    [[ $out == *192.0.2.10* && $out == *2001:db8::10* && $out == *"10 mail.$zone."* &&
        $out == *v=spf1* ]] || die "ns$n does not answer with the records" "$var/ns$n/log"
done

# --- 6. the panel ------------------------------------------------------------------------------

demo_password=demo-$(od -An -tx1 -N6 /dev/urandom | tr -d ' \n')
step "a user of the account for the web panel: $demo_email"
call ADMIN_KEY POST "/v1/accounts/$account_id/users" \
    "$(jq -cn --arg e "$demo_email" --arg p "$demo_password" '{email: $e, password: $p}')" \
    "{\"email\":\"$demo_email\",\"password\":\"<in $(shown "$var/panel/login")>\"}"
mkdir -p "$var/panel/sessions"
(umask 077 && printf '%s %s\n' "$demo_email" "$demo_password" >"$var/panel/login")
# Its own php.ini: the sessions in the demo's directory; -c names it, which is also how
# demo-stop knows this php is the demo's.
printf '%s\n' "; php.ini of the make demo panel (scripts/demo.sh); rewritten on every run" \
    "session.save_path = \"$var/panel/sessions\"" "display_errors = Off" "log_errors = On" \
    >"$var/panel/php.ini"
step "the web panel: php -S on $panel (panel/public)"
# Four workers: the propagation indicator holds one while dnsapid waits for the edges.
# setsid: its own process group, which demo-stop ends whole (the workers outlive their parent).
ENDPOINTDNS_API_URL=$api PHP_CLI_SERVER_WORKERS=4 launch "$var/panel/pid" "$var/panel/log" \
    setsid php -c "$var/panel/php.ini" -S "127.0.0.1:$panel_port" -t "$root/panel/public" \
    "$root/panel/public/index.php"
panel_pid=$LAUNCHED
wait_ready panel "$panel_pid" "$var/panel/log" "$panel/login"

# --- 7. what runs -------------------------------------------------------------------------------

ready=1
elapsed=$(awk -v a="$start_time" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')
if [[ $var == "$default_var" ]]; then env_prefix=""; else env_prefix="DEMO_VAR=$var "; fi
mariadb_pid=$(_mariadb_current_pid)
try_auth="-H 'Authorization: Bearer $account_key'"
cat <<MSG

EndpointDNS demo is running (ready in $elapsed s). Everything it keeps is in $(shown "$var"):
  PROGRAM    PID      ADDRESS                                          LOG
$(printf '  %-10s %-8s %-48s %s\n' \
    mariadbd "$mariadb_pid" "unix:$(shown "$MARIADB_SOCKET") (no TCP)" "$(shown "$var/db/error.log")" \
    dnsapid "$dnsapid_pid" "$api (REST API /v1)" "$(shown "$var/dnsapid/log")" \
    dns-serve "${edge_pid[1]}" "ns1: DNS 127.0.0.1:${dns_port[1]}, http://127.0.0.1:${mgmt_port[1]}" "$(shown "$var/ns1/log")" \
    dns-serve "${edge_pid[2]}" "ns2: DNS 127.0.0.1:${dns_port[2]}, http://127.0.0.1:${mgmt_port[2]}" "$(shown "$var/ns2/log")" \
    php "$panel_pid" "$panel (web panel)" "$(shown "$var/panel/log")")

Account "demo" (plan "demo"), domain $zone. Its API key (also in $(shown "$var/api.key")):
  $account_key
The web panel: $panel
  sign in as $demo_email with the password $demo_password (also in $(shown "$var/panel/login")),
  or sign up with another email.
The admin key is in $(shown "$var/dnsapid/admin.key"), the edges' keys in $(shown "$var/ns1/key") and $(shown "$var/ns2/key").

Try (a new record, the zone as a file, the edges as the controller sees them; then dig):
    curl -s -X PUT $api/v1/domains/$zone/rrsets/api/A $try_auth -d '{"ttl":60,"records":["192.0.2.99"]}' | jq .
    curl -s $api/v1/domains/$zone/zone $try_auth
    curl -s $api/v1/servers -H 'Authorization: Bearer $admin_key' | jq .
    dig @127.0.0.1 -p ${dns_port[2]} api.$zone A +short
The API is in docs/api.md. Stop it all with: ${env_prefix}make demo-stop
(\`make demo\` again stops this and starts afresh.)
MSG
