# SPDX-License-Identifier: MIT
# The panel's test stack: MariaDB and dnsapid (sign-up open), optionally edges, and the panel under `php -S`.
#
# Load after ../helpers, ../dnsapid/dnsapid and ../fanout/fanout:
#
#   panel_stack_setup_file N   dnsapid with sessions and sign-up (plan "starter", with limits),
#                              N edges registered (0: none), the panel; exports PANEL_URL
#   panel_stack_teardown_file  stops the panel (by pid), the edges, dnsapid and MariaDB
#   panel_start                starts `php -S` on a free port with ENDPOINTDNS_API_URL set
#   panel_setup, panel_teardown  a test's setup and teardown against that stack; the teardown
#                              fails the test when the panel's log holds PHP errors
#   web, post, expect_code, panel_user  the panel with curl: see their comments below
#   panel_browser_install DIR SCRIPT...  the browser scenarios' npm package and SCRIPTs in DIR;
#                              skips the file without node, npm or Chromium ($CHROMIUM)
#   panel_screenshots_keep SHOTS GLOB...  a scenario's screenshots copied to the build directory
#
# The panel's log is BATS_FILE_TMPDIR/panel/log; PHP sessions live in BATS_FILE_TMPDIR/panel.
# shellcheck disable=SC2089,SC2090 # the TOML text holds quotes meant literally

# The cheapest password hash (the format stays Argon2id), a small failure limit, the panel on
# 127.0.0.1 as a trusted proxy (it passes the browser's address in X-Forwarded-For).
PANEL_DNSAPID_CONF='[sessions]
password_opslimit = 1
password_memlimit = 8
max_failures = 3
max_address_failures = 50
failure_window = 60
trusted_proxies = ["127.0.0.1", "::1"]

[signup]
enabled = true
plan = "starter"'

# panel_start: `php -S` on a free loopback port, the router script public/index.php, four
# workers (the propagation script holds one while dnsapid waits); waits until /login answers.
panel_start() {
    local dir=$BATS_FILE_TMPDIR/panel port tries attempts=0 code
    mkdir -p "$dir/sessions" || return 1
    printf '%s\n' "session.save_path = \"$dir/sessions\"" "display_errors = Off" \
        "log_errors = On" "error_reporting = E_ALL" >"$dir/php.ini"
    while :; do
        port=$(free_port) || return 1
        # setsid: its own process group, which panel_stop ends whole (the workers of php -S
        # outlive their parent).
        ENDPOINTDNS_API_URL=$DNSAPID_URL PHP_CLI_SERVER_WORKERS=4 \
            setsid php -c "$dir/php.ini" -S "127.0.0.1:$port" -t "$SRC/panel/public" \
            "$SRC/panel/public/index.php" </dev/null >>"$dir/log" 2>&1 3>&- &
        echo $! >"$dir/pid"
        PANEL_URL=http://127.0.0.1:$port
        export PANEL_URL
        tries=0
        while :; do
            code=$(curl -s -m 2 -o /dev/null -w '%{http_code}' "$PANEL_URL/login") || true
            [[ $code == 200 ]] && return 0
            kill -0 "$(<"$dir/pid")" 2>/dev/null || break
            if ((++tries > 200)); then
                echo "the panel did not answer GET /login within 10 s (last: $code); its log:" >&2
                tail -n 20 "$dir/log" >&2
                return 1
            fi
            sleep 0.05
        done
        # The port was taken meanwhile: another one.
        ((++attempts < 5)) || {
            echo "the panel did not start; its log:" >&2
            tail -n 20 "$dir/log" >&2
            return 1
        }
    done
}

panel_stop() {
    local f=$BATS_FILE_TMPDIR/panel/pid pid
    [[ -r $f ]] || return 0
    read -r pid <"$f"
    # The server and its workers: the process group setsid made (its id is the server's pid).
    kill -TERM -- "-$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    rm -f "$f"
}

panel_stack_setup_file() {
    require_cmd php
    DNSAPID_EXTRA=$PANEL_DNSAPID_CONF
    export DNSAPID_EXTRA
    dnsapid_setup_file || return 1
    new_plan starter '{"max_domains":3,"max_records_per_domain":50,"max_calls_per_day":5000,"max_calls_per_month":100000}' >/dev/null || return 1
    if (($1 > 0)); then
        edges_start "$1" || return 1
    fi
    panel_start || return 1
    printf 'PANEL_URL=%s\n' "$PANEL_URL" >"$BATS_FILE_TMPDIR/panel.env"
}

panel_stack_teardown_file() {
    panel_stop
    edges_teardown_file
    dnsapid_teardown_file
}

panel_load() {
    # shellcheck disable=SC1091
    source "$BATS_FILE_TMPDIR/panel.env"
    export PANEL_URL
}

# panel_php_errors: PHP warnings, notices and fatal errors in the panel's log.
panel_php_errors() {
    grep -E 'PHP (Warning|Notice|Deprecated|Fatal|Parse)|endpointdns panel:' "$BATS_FILE_TMPDIR/panel/log" 2>/dev/null | head -n 20
}

# panel_setup: a test's setup against the stack of panel_stack_setup_file: dnsapid's, then the
# edges' variables (when the stack has edges) and PANEL_URL.
panel_setup() {
    dnsapid_setup
    if [[ -e $BATS_FILE_TMPDIR/edges.env ]]; then
        edges_load
    fi
    panel_load
}

# panel_teardown: dnsapid's teardown; fails when the panel logged a PHP error during the file.
panel_teardown() {
    dnsapid_teardown || return 1
    local errors
    errors=$(panel_php_errors)
    [[ -z $errors ]] || {
        echo "the panel's log holds PHP errors:" >&2
        echo "$errors" >&2
        return 1
    }
}

# The browser the scenarios drive.
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}

# panel_browser_install DIR SCRIPT...: the browser scenarios' npm package (tests/panel/package.json,
# pinned by package-lock.json) installed with `npm ci` in DIR, again only when the lock file
# changed; the scenarios SCRIPT... (file names in tests/panel) and the harness.mjs they import
# copied next to it. Each bats file has its own DIR: ctest may run them at the same moment.
# Skips the bats file when node, npm or $CHROMIUM is missing.
panel_browser_install() {
    local dir=$1 f
    shift
    require_cmd node npm
    [[ -x $CHROMIUM ]] || skip "$CHROMIUM is not installed"
    mkdir -p "$dir" || return 1
    for f in package.json package-lock.json harness.mjs "$@"; do
        cp "$SRC/tests/panel/$f" "$dir/" || return 1
    done
    if ! cmp -s "$dir/package-lock.json" "$dir/node_modules/.package-lock.json.ours" 2>/dev/null; then
        (cd "$dir" && npm ci --prefer-offline --no-audit --no-fund --loglevel=error) >"$BATS_FILE_TMPDIR/npm.log" 2>&1 || {
            echo "npm ci failed:" >&2
            cat "$BATS_FILE_TMPDIR/npm.log" >&2
            return 1
        }
        cp "$dir/package-lock.json" "$dir/node_modules/.package-lock.json.ours"
    fi
}

# panel_screenshots_keep SHOTS GLOB...: the screenshots of a scenario (SHOTS/*.png) copied to
# $BIN/panel-screenshots, in place of those there whose names match a GLOB (the scenario's
# earlier ones; the other scenario's stay, which may be writing them at the same moment). A
# convenience: never a failure.
panel_screenshots_keep() {
    local shots=$1 dest=$BIN/panel-screenshots glob
    shift
    mkdir -p "$dest" || return 0
    for glob in "$@"; do
        # shellcheck disable=SC2086 # the glob is meant to expand
        rm -f "$dest"/$glob
    done
    cp "$shots"/*.png "$dest/" 2>/dev/null || true
}

# --- the panel with curl (no JavaScript): a cookie jar, forms with their CSRF token ---------------

# web METHOD PATH [CURL-ARGS...]: the panel's answer with the cookie jar $JAR: sets code,
# location (of a redirect), page, and token (the CSRF token of the last page that had one).
web() {
    local method=$1 path=$2 out t
    shift 2
    out=$(curl -s -m 20 -X "$method" -c "$JAR" -b "$JAR" -o "$BATS_TEST_TMPDIR/page" \
        -w '%{http_code} %{redirect_url}' "$@" "$PANEL_URL$path") || true
    code=${out%% *}
    location=${out#* }
    page=$(cat "$BATS_TEST_TMPDIR/page")
    t=$(sed -n 's/.*name="csrf" value="\([0-9a-f]*\)".*/\1/p' <<<"$page" | head -n 1)
    [[ -z $t ]] || token=$t
}

# post PATH [FIELD=VALUE...]: a form sent with the CSRF token of the last page that had one.
post() {
    local path=$1
    shift
    local -a args=(--data-urlencode "csrf=$token")
    local f
    for f in "$@"; do
        args+=(--data-urlencode "$f")
    done
    web POST "$path" "${args[@]}"
}

# expect_code CODE: fails showing the page unless the last answer was CODE.
expect_code() {
    [[ $code == "$1" ]] || fail_with "expected HTTP $1, got $code (location: $location); the page: $(head -c 3000 <<<"$page")"
}

# panel_user NAME: a new user signed up in the panel (cookie jar $JAR) with the domain $ZONE and
# its versions 1 (created), 2 (www A 192.0.2.10), 3 (www A deleted), 4 (mail A 192.0.2.25).
panel_user() {
    JAR=$BATS_TEST_TMPDIR/$1.jar
    token=
    ZONE=$1-$RANDOM$RANDOM.test
    web GET /signup
    post /signup "email=$1-$RANDOM$RANDOM@example.test" 'password=correct horse battery'
    expect_code 303
    web GET /dashboard
    post /domains "name=$ZONE"
    expect_code 303
    web GET "/domains/$ZONE"
    post "/domains/$ZONE/records" name=www type=A ttl=300 records=192.0.2.10
    expect_code 303
    post "/domains/$ZONE/rrsets/delete" "owner=www.$ZONE." type=A
    expect_code 303
    post "/domains/$ZONE/records" name=mail type=A records=192.0.2.25
    expect_code 303
}
