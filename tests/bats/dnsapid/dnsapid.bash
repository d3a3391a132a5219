# SPDX-License-Identifier: MIT
# Runs a real dnsapid on a throwaway MariaDB for the bats tests: configuration, start, stop, API calls.
#
# Load after ../helpers (`load ../helpers` then `load dnsapid`). One MariaDB server and one
# dnsapid per test file, both in BATS_FILE_TMPDIR:
#
#   setup_file()    { dnsapid_setup_file; }      MariaDB, config, migrate, dnsapid, plan "free"
#   teardown_file() { dnsapid_teardown_file; }   stops dnsapid (by pid) and MariaDB
#   setup()         { dnsapid_setup; }           cd to the test's temp dir, note the log size
#   teardown()      { dnsapid_teardown; }        fails on a sanitizer report or a dead daemon
#
# Before dnsapid_setup_file a file may set DNSAPID_HTTP_EXTRA (TOML lines for [http]),
# DNSAPID_ZONES_EXTRA (lines for [zones]), DNSAPID_FANOUT_EXTRA (lines for [fanout]) or
# DNSAPID_EXTRA (whole tables, such as [sessions], at the end of the file);
# DNSAPID_NAMESERVERS replaces the zones.nameservers line (set but empty: none).
# Everything lives in DNSAPID_DIR: dnsapid.toml,
# admin.key, pid, log (stdout and stderr of every dnsapid started, appended).
#
# API calls: `api METHOD PATH [BODY] [CURL-ARGS...]` with the key in $KEY (none when empty;
# `as_admin api ...` uses $ADMIN_KEY) sets status_code (000: no answer), body and headers
# (the last answer's header block, CR removed). A BODY is sent as application/json unless
# API_CONTENT_TYPE says otherwise (set but empty: no Content-Type of ours); "@FILE" sends a
# file. Then expect_status, expect_problem, header and jb check the answer.

# shellcheck source=SCRIPTDIR/../../helpers/mariadb.bash
source "$SRC/tests/helpers/mariadb.bash"

DNSAPID="$BIN/dnsapid"
PROBLEMS="https://endpointdns.dev/problems"
export DNSAPID PROBLEMS

# --- the daemon ---------------------------------------------------------------------------

# dnsapid_write_config FILE PORT: a configuration for the file's MariaDB, listening on
# 127.0.0.1:PORT, usage flushed every 100 ms (so last_used_at and usage show quickly), and
# short database timeouts (so an unreachable database answers 503 quickly).
dnsapid_write_config() {
    local file=$1 port=$2
    cat >"$file" <<EOF
# SPDX-License-Identifier: MIT
# dnsapid configuration of one bats test file (tests/bats/dnsapid/dnsapid.bash)
listen = "127.0.0.1:$port"
admin_key_file = "$DNSAPID_DIR/admin.key"

[http]
threads = 2
workers = 16
timeout = 20
${DNSAPID_HTTP_EXTRA-}

[usage]
flush_ms = 100

[database]
socket = "$MARIADB_SOCKET"
user = "$MARIADB_USER"
password_file = "$MARIADB_PASSWORD_FILE"
name = "${DNSAPID_DB_NAME:-$MARIADB_DATABASE}"
pool_size = 8
connect_timeout = 2
io_timeout = 10
acquire_timeout = 5

[zones]
${DNSAPID_NAMESERVERS-nameservers = [\"ns1.endpointdns.test\", \"ns2.endpointdns.test\"]}
hostmaster = "hostmaster.endpointdns.test"
${DNSAPID_ZONES_EXTRA-}

[fanout]
${DNSAPID_FANOUT_EXTRA-}

${DNSAPID_EXTRA-}
EOF
}

# dnsapid_prepare: MariaDB started in BATS_FILE_TMPDIR/db, an admin key, the configuration
# (port 0 until dnsapid_start picks one). Exports DNSAPID_DIR, DNSAPID_CONF, ADMIN_KEY.
dnsapid_prepare() {
    command -v mariadbd >/dev/null 2>&1 || PATH=$PATH:/usr/sbin
    command -v mariadbd >/dev/null 2>&1 || skip "mariadb-server is not installed"
    local c
    for c in curl jq; do
        command -v "$c" >/dev/null 2>&1 || skip "$c is not installed"
    done
    [[ -x $DNSAPID ]] || {
        echo "# $DNSAPID is missing: build the dnsapid target first" >&3
        return 1
    }
    DNSAPID_DIR=$BATS_FILE_TMPDIR/dnsapid
    DNSAPID_CONF=$DNSAPID_DIR/dnsapid.toml
    export DNSAPID_DIR DNSAPID_CONF PATH
    mkdir -p "$DNSAPID_DIR" || return 1
    mariadb_start "$BATS_FILE_TMPDIR/db" || return 1
    ADMIN_KEY=adm_$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
    export ADMIN_KEY
    (umask 077 && printf '%s\n' "$ADMIN_KEY" >"$DNSAPID_DIR/admin.key") || return 1
    dnsapid_write_config "$DNSAPID_CONF" 0
}

# dnsapid_migrate: `dnsapid -c CONF migrate`; fails showing its output.
dnsapid_migrate() {
    local out
    out=$("$DNSAPID" -c "$DNSAPID_CONF" migrate 2>&1) || {
        echo "dnsapid migrate failed: $out" >&2
        return 1
    }
}

# running PID: true while PID exists and is not a zombie.
dnsapid_running() {
    [[ -e /proc/$1 && $(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null) != Z ]]
}

# dnsapid_pid: the pid of the dnsapid started last (from DNSAPID_DIR/pid).
dnsapid_pid() {
    cat "$DNSAPID_DIR/pid" 2>/dev/null
}

# shellcheck disable=SC2120 # PORT is given by restarts in the tests
# dnsapid_start [PORT]: starts dnsapid in the background on PORT (default: a free port; on
# exit 69, port taken meanwhile, another one) and waits until GET /v1/health answers 200
# (or DNSAPID_READY_STATUS: 503 to start it while the database is down).
# Sets and exports DNSAPID_PORT and DNSAPID_URL; the pid goes to DNSAPID_DIR/pid. Given a
# PORT (a restart), it waits for that port instead of taking another. Fails showing the log.
dnsapid_start() {
    local want=${1-} port attempts=0 tries rc pid code mark
    while :; do
        port=${want:-$(free_port)} || return 1
        dnsapid_write_config "$DNSAPID_CONF" "$port"
        mark=0
        [[ -e $DNSAPID_DIR/log ]] && mark=$(wc -l <"$DNSAPID_DIR/log")
        # fd 3 is closed so that bats does not wait for the daemon at the end of the file.
        "$DNSAPID" -c "$DNSAPID_CONF" </dev/null >>"$DNSAPID_DIR/log" 2>&1 3>&- &
        pid=$!
        echo "$pid" >"$DNSAPID_DIR/pid"
        DNSAPID_PORT=$port
        DNSAPID_URL=http://127.0.0.1:$port
        export DNSAPID_PORT DNSAPID_URL
        tries=0
        while :; do
            code=$(curl -s -m 2 -o /dev/null -w '%{http_code}' "$DNSAPID_URL/v1/health") || true
            [[ $code == "${DNSAPID_READY_STATUS:-200}" ]] && return 0
            dnsapid_running "$pid" || break
            if ((++tries > 400)); then
                echo "dnsapid did not answer GET /v1/health with ${DNSAPID_READY_STATUS:-200}" \
                    "within 20 s (last: $code); its log:" >&2
                tail -n "+$((mark + 1))" "$DNSAPID_DIR/log" >&2
                return 1
            fi
            sleep 0.05
        done
        rc=0
        wait "$pid" || rc=$?
        if ((rc != 69 || ++attempts >= 20)); then
            echo "dnsapid exited with status $rc before answering; its log:" >&2
            tail -n "+$((mark + 1))" "$DNSAPID_DIR/log" >&2
            return 1
        fi
        [[ -n $want ]] && sleep 0.25
    done
}

# dnsapid_stop [SIGNAL]: sends SIGNAL (default TERM) to dnsapid by its pid and waits until it
# is gone (KILL after 20 s). Sets DNSAPID_EXIT to its exit status when this shell started it,
# else to "".
dnsapid_stop() {
    local sig=${1:-TERM} pid tries=0
    pid=$(dnsapid_pid)
    DNSAPID_EXIT=
    [[ -n $pid ]] || return 0
    kill -s "$sig" "$pid" 2>/dev/null || true
    while dnsapid_running "$pid"; do
        if ((++tries > 400)); then
            echo "dnsapid ($pid) did not stop on SIG$sig within 20 s; killing it" >&2
            kill -KILL "$pid" 2>/dev/null || true
            sleep 0.2
            break
        fi
        sleep 0.05
    done
    # Only the shell that started it can wait for it; elsewhere wait says 127 and the status
    # stays unknown (empty).
    local rc=0
    wait "$pid" 2>/dev/null || rc=$?
    ((rc == 127)) || DNSAPID_EXIT=$rc
}

# dnsapid_setup_file: the whole setup_file: MariaDB, config, migrate, dnsapid, and the plan
# "free" without limits.
dnsapid_setup_file() {
    dnsapid_prepare || return 1
    dnsapid_migrate || return 1
    # shellcheck disable=SC2119 # a fresh start takes no port
    dnsapid_start || return 1
    new_plan free '{}' >/dev/null
}

# sanitizer_report FROM-LINE: the sanitizer reports in the log from that line on.
sanitizer_report() {
    tail -n "+$1" "$DNSAPID_DIR/log" 2>/dev/null |
        grep -E -A 30 'ERROR: (Address|Leak|Thread)Sanitizer|runtime error:|SUMMARY: .*Sanitizer' |
        head -n 60
}

# dnsapid_teardown_file: stops dnsapid (TERM) and MariaDB; fails when dnsapid did not exit 0
# or its log holds a sanitizer report (LeakSanitizer reports only at exit).
dnsapid_teardown_file() {
    local rc=0 report
    if [[ -n ${DNSAPID_DIR-} ]]; then
        dnsapid_stop TERM
        report=$(sanitizer_report 1)
        if [[ -n $report ]]; then
            echo "dnsapid's log holds a sanitizer report:" >&2
            echo "$report" >&2
            rc=1
        fi
        if [[ -n $DNSAPID_EXIT && $DNSAPID_EXIT != 0 ]]; then
            echo "dnsapid exited with status $DNSAPID_EXIT on SIGTERM; log tail:" >&2
            tail -n 20 "$DNSAPID_DIR/log" >&2
            rc=1
        fi
    fi
    mariadb_stop
    return "$rc"
}

# dnsapid_setup: setup() of every test: its own temp dir, the log position (for teardown),
# no key yet.
dnsapid_setup() {
    cd "$BATS_TEST_TMPDIR" || return 1
    KEY=
    DNSAPID_LOG_MARK=1
    [[ -e $DNSAPID_DIR/log ]] && DNSAPID_LOG_MARK=$(($(wc -l <"$DNSAPID_DIR/log") + 1))
    return 0
}

# dnsapid_teardown: fails the test when dnsapid logged a sanitizer report during it, or when
# it is no longer running (a crash), showing the log.
dnsapid_teardown() {
    local report pid
    report=$(sanitizer_report "${DNSAPID_LOG_MARK:-1}")
    if [[ -n $report ]]; then
        echo "dnsapid logged a sanitizer report during this test:" >&2
        echo "$report" >&2
        return 1
    fi
    pid=$(dnsapid_pid)
    if [[ -n $pid ]] && ! dnsapid_running "$pid"; then
        echo "dnsapid ($pid) is no longer running; log tail:" >&2
        tail -n 30 "$DNSAPID_DIR/log" >&2
        return 1
    fi
}

# --- API calls ----------------------------------------------------------------------------

# api METHOD PATH [BODY] [CURL-ARGS...]: see the top of this file.
api() {
    local method=$1 path=$2 data=${3-} dir=${BATS_TEST_TMPDIR:-$BATS_FILE_TMPDIR}
    shift 2
    (($# > 0)) && shift
    local -a args=(-s -m 30 -X "$method" -o "$dir/api.body" -D "$dir/api.headers"
        -w '%{http_code}')
    [[ -n ${KEY-} ]] && args+=(-H "Authorization: Bearer $KEY")
    if [[ -n $data ]]; then
        if [[ -n ${API_CONTENT_TYPE-application/json} ]]; then
            args+=(-H "Content-Type: ${API_CONTENT_TYPE-application/json}")
        fi
        args+=(--data-binary "$data")
    fi
    : >"$dir/api.body"
    : >"$dir/api.headers"
    status_code=$(curl "${args[@]}" "$@" "$DNSAPID_URL$path") || true
    [[ -n $status_code ]] || status_code=000
    body=$(cat "$dir/api.body")
    headers=$(tr -d '\r' <"$dir/api.headers")
    API_LAST="$method $path${data:+ $(head -c 600 <<<"$data")}"
}

# as_admin COMMAND...: runs COMMAND (api, new_plan ...) with KEY set to the admin key.
as_admin() {
    local KEY=$ADMIN_KEY
    "$@"
}

# api_fail MESSAGE: fails showing the last request and its answer.
api_fail() {
    {
        echo "$1"
        echo "--- request: ${API_LAST-}"
        echo "--- answer: ${status_code-}"
        echo "${headers-}"
        echo "${body-}"
    } >&2
    return 1
}

# expect_status CODE: fails unless the last answer had HTTP status CODE.
expect_status() {
    [[ $status_code == "$1" ]] || api_fail "expected HTTP $1, got $status_code"
}

# expect_problem CODE SLUG: the last answer is an application/problem+json of status CODE
# whose type is .../problems/SLUG and whose "status" member is CODE.
expect_problem() {
    expect_status "$1" || return 1
    local ct t s
    ct=$(header Content-Type)
    [[ $ct == application/problem+json* ]] ||
        api_fail "Content-Type is '$ct', not application/problem+json" || return 1
    t=$(jq -r '.type' <<<"$body" 2>/dev/null)
    [[ $t == "$PROBLEMS/$2" ]] || api_fail "problem type '$t' is not $PROBLEMS/$2" || return 1
    s=$(jq -r '.status' <<<"$body" 2>/dev/null)
    [[ $s == "$1" ]] || api_fail "problem status member is '$s', not $1" || return 1
    [[ -n $(jq -r '.detail // empty' <<<"$body") ]] || api_fail "problem without a detail"
}

# header NAME: the value of header field NAME in the last answer (the last one of that name
# in the final header block; case-insensitive).
header() {
    awk -v want="$(tr '[:upper:]' '[:lower:]' <<<"$1")" '
        /^HTTP\// { found = 0; v = ""; next }
        {
            i = index($0, ":")
            if (i > 0 && tolower(substr($0, 1, i - 1)) == want) {
                v = substr($0, i + 1)
                sub(/^[ \t]+/, "", v)
                sub(/[ \t]+$/, "", v)
                found = 1
            }
        }
        END { if (found) print v }' <<<"${headers-}"
}

# jb JQ-ARGS...: jq -r over the last answer's body.
jb() {
    jq -r "$@" <<<"$body"
}

# assert_eq ACTUAL EXPECTED [WHAT]: fails unless the two strings are equal.
assert_eq() {
    [[ $1 == "$2" ]] || api_fail "${3:-value}: expected '$2', got '$1'"
}

# --- fixtures -----------------------------------------------------------------------------

# new_plan NAME [JSON-LIMITS]: creates plan NAME with the limits (an object such as
# '{"max_domains":1}'; default none) through the admin key; prints the answer.
new_plan() {
    local KEY=$ADMIN_KEY limits=${2-}
    [[ -n $limits ]] || limits='{}'
    api POST /v1/plans "$(jq -cn --arg n "$1" --argjson l "$limits" '$l + {name: $n}')"
    expect_status 201 || return 1
    printf '%s\n' "$body"
}

# new_account NAME PLAN: creates account NAME on PLAN through the admin key; prints the
# secret of its first key. Use as KEY=$(new_account a free).
new_account() {
    local KEY=$ADMIN_KEY
    api POST /v1/accounts "$(jq -cn --arg n "$1" --arg p "$2" '{name: $n, plan: $p}')"
    expect_status 201 || return 1
    jq -r '.key.secret' <<<"$body"
}

# new_domain NAME: creates domain NAME with $KEY; fails unless 201.
new_domain() {
    api POST /v1/domains "$(jq -cn --arg n "$1" '{name: $n}')"
    expect_status 201
}

# new_key JSON: creates an API key with $KEY (POST /v1/keys); fails unless 201. Sets
# NEW_SECRET to its secret and NEW_KEY_ID to its id; the answer stays in body.
# shellcheck disable=SC2034 # NEW_SECRET and NEW_KEY_ID are read by the tests
new_key() {
    api POST /v1/keys "$1"
    expect_status 201 || return 1
    NEW_SECRET=$(jb .secret)
    NEW_KEY_ID=$(jb .id)
}

# put_rrset ZONE OWNER TYPE RECORDS-JSON [TTL]: PUT an RRset with $KEY; fails unless 200.
put_rrset() {
    local b
    b=$(jq -cn --argjson r "$4" --arg ttl "${5-}" \
        'if $ttl == "" then {records: $r} else {ttl: ($ttl | tonumber), records: $r} end')
    api PUT "/v1/domains/$1/rrsets/$2/$3" "$b"
    expect_status 200
}

# zone_serial ZONE: the zone's serial as GET /v1/domains/ZONE gives it (with $KEY).
zone_serial() {
    api GET "/v1/domains/$1"
    expect_status 200 || return 1
    jb .serial
}

# rrset_list ZONE: the zone's RRsets as "name type ttl records" lines, sorted (with $KEY), for
# before/after comparisons.
rrset_list() {
    api GET "/v1/domains/$1/rrsets?limit=1000"
    expect_status 200 || return 1
    jb '.items[] | "\(.name) \(.type) \(.ttl) \(.records | sort | join(" | "))"' | sort
}
