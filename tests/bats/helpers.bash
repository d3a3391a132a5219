# SPDX-License-Identifier: MIT
# Shared setup and assertions for the bats tests: binaries from $BIN, sources from $SRC, a temp dir per test.
#
# Load with `load ../helpers` from tests/bats/<program>/NNN-topic.bats and call zc_setup from
# setup(). CTest sets BIN (the build directory) and SRC (the repository root).

bats_require_minimum_version 1.5.0

: "${SRC:=$(cd "$BATS_TEST_DIRNAME/../../.." && pwd)}"
ZC="${BIN:?BIN must name the build directory holding zone-compile}/zone-compile"
DUMP="$BIN/xfr-ldns-dump"
EXAMPLE_ZONE="$SRC/etc/zones/example.com.zone"
export SRC ZC DUMP EXAMPLE_ZONE
# The programs prefix log lines with "<N>" instead of their name under journald; the tests
# read the plain form even when `make check` itself runs in a systemd unit.
unset JOURNAL_STREAM

# Every test runs in its own empty directory; no test reads /etc/endpointdns.
zc_setup() {
    [[ -x $ZC ]] || {
        echo "# $ZC is missing: build the zone-compile target first" >&3
        return 1
    }
    cd "$BATS_TEST_TMPDIR" || return 1
    # An empty config file, so that a zone-compile.toml on the host cannot change the results.
    : >empty.toml
}

# require_cmd NAME...: skip the test unless every NAME is on PATH.
require_cmd() {
    local c
    for c in "$@"; do
        command -v "$c" >/dev/null 2>&1 || skip "$c is not installed"
    done
}

# Writes the four-line head of a valid zone (SOA, NS, glue) to stdout; records appended to it
# start on line 5, which the line-number assertions rely on.
zone_head() {
    cat <<'EOF'
$TTL 300
@    IN SOA ns1 hostmaster 2024010101 7200 3600 1209600 300
@    IN NS  ns1
ns1  IN A   192.0.2.1
EOF
}

# write_zone FILE [RECORD-LINE...]: zone_head then one record per argument (line 5 onwards).
write_zone() {
    local f=$1
    shift
    zone_head >"$f"
    if (($# > 0)); then printf '%s\n' "$@" >>"$f"; fi
}

# zc_to FILE ARGS...: runs zone-compile -c empty.toml ARGS with stdout in FILE (binary safe);
# use as `run -N zc_to FILE ARGS...`, then $output holds stderr.
zc_to() {
    local out=$1
    shift
    { "$ZC" -c empty.toml "$@" >"$out"; } 2>&1
}

# zc ARGS...: zone-compile with the empty test config.
zc() {
    "$ZC" -c empty.toml "$@"
}

# fail_with MESSAGE: fails the test, printing MESSAGE and the last run's output.
fail_with() {
    {
        echo "$1"
        echo "--- status: ${status-}"
        echo "--- output:"
        echo "${output-}"
        if [[ -n ${stderr-} ]]; then
            echo "--- stderr:"
            echo "$stderr"
        fi
    } >&2
    return 1
}

# assert_contains TEXT NEEDLE: fails unless TEXT contains NEEDLE literally.
assert_contains() {
    [[ $1 == *"$2"* ]] || fail_with "expected to find: $2"
}

# refute_contains TEXT NEEDLE
refute_contains() {
    [[ $1 != *"$2"* ]] || fail_with "expected not to find: $2"
}

# assert_empty TEXT [WHAT]
assert_empty() {
    [[ -z $1 ]] || fail_with "expected ${2:-output} to be empty, got: $1"
}

# assert_line_matches TEXT REGEX: fails unless one line of TEXT matches the extended REGEX.
assert_line_matches() {
    grep -Eq -- "$2" <<<"$1" || fail_with "no line matches: $2"
}

# assert_no_file PATH
assert_no_file() {
    [[ ! -e $1 ]] || fail_with "$1 should not exist"
}

# assert_json_member TEXT KEY VALUE: TEXT is zone-compile's pretty-printed JSON (two-space
# indent, one member per line); fails unless a line reads "KEY": VALUE. Plain grep, so the
# tests need neither jq nor python.
assert_json_member() {
    local key=$2 value=$3 line
    while read -r line; do # read -r drops the indentation
        [[ $line == "\"$key\": $value" || $line == "\"$key\": $value," ]] && return 0
    done <<<"$1"
    fail_with "no JSON member \"$key\": $value"
}

# stream_message_sizes FILE: prints the length prefix of each message of a zone stream, one per
# line, walking the framing independently of zone-compile and ldns; fails on a bad prefix.
stream_message_sizes() {
    od -An -v -tu1 "$1" | awk '
        { for (i = 1; i <= NF; i++) b[n++] = $i }
        END {
            p = 0
            while (p < n) {
                if (p + 2 > n) exit 1
                len = b[p] * 256 + b[p + 1]
                if (p + 2 + len > n) exit 1
                print len
                p += 2 + len
            }
        }'
}

# dump_records FILE: the records of a one-zone stream as ldns reads them (xfr-ldns-dump), with
# the closing SOA removed after checking that it repeats the opening one.
dump_records() {
    local text first last
    text=$("$DUMP" "$1") || return 1
    first=$(head -n 1 <<<"$text")
    last=$(tail -n 1 <<<"$text")
    if [[ $first != "$last" || $first != *$'\tSOA\t'* ]]; then
        echo "stream $1 does not begin and end with the same SOA:" >&2
        echo "first: $first" >&2
        echo "last:  $last" >&2
        return 1
    fi
    sed '$d' <<<"$text"
}

# --- free ports (dns-serve tests) -------------------------------------------------------
# free_port: prints a port on 127.0.0.1 where nothing listens on TCP or UDP, picked at random
# from 10000-31999: below the kernel's ephemeral range (32768-60999), so a client socket of a
# parallel test (curl, dig) cannot take it between the pick and the bind.
free_port() {
    local p tries=0
    while ((tries++ < 100)); do
        p=$((10000 + RANDOM % 22000))
        if ! ss -Hlnut "( sport = :$p )" 2>/dev/null | grep -q .; then
            printf '%s\n' "$p"
            return 0
        fi
    done
    echo "free_port: no free port found" >&2
    return 1
}

# launch_edge NAME KEYFILE CONFIG [DNS-SERVE-ARGS...]: starts dns-serve in the background on
# two free loopback ports with NAME/state, the key in KEYFILE and the configuration CONFIG,
# logging to NAME/log, and waits until GET /v1/health answers 200. A port picked free can be
# taken by a parallel test before dns-serve binds it (exit 69): then it picks new ports and
# tries again, a few times. Sets LAUNCHED_PID, LAUNCHED_DNS and LAUNCHED_HTTP (also when it
# fails, so the caller can kill a server that never answered). Fails showing the log.
launch_edge() {
    local name=$1 keyfile=$2 config=$3 tries attempts=0 status rc
    shift 3
    mkdir -p "$name/state" || return 1
    while :; do
        LAUNCHED_DNS=$(free_port) || return 1
        LAUNCHED_HTTP=$(free_port) || return 1
        while [[ $LAUNCHED_HTTP == "$LAUNCHED_DNS" ]]; do
            LAUNCHED_HTTP=$(free_port) || return 1
        done
        # fd 3 is closed so that bats does not wait for the server at the end of the test.
        "$BIN/dns-serve" -c "$config" --listen "127.0.0.1:$LAUNCHED_DNS" \
            --http "127.0.0.1:$LAUNCHED_HTTP" --key-file "$keyfile" --state-dir "$name/state" \
            "$@" >>"$name/log" 2>&1 3>&- &
        LAUNCHED_PID=$!
        tries=0
        while :; do
            status=$(curl -s -m 2 -o /dev/null -w '%{http_code}' \
                -H "Authorization: Bearer $(<"$keyfile")" \
                "http://127.0.0.1:$LAUNCHED_HTTP/v1/health") || true
            [[ $status == 200 ]] && return 0
            [[ -e /proc/$LAUNCHED_PID && $(awk '{ print $3 }' "/proc/$LAUNCHED_PID/stat" \
                2>/dev/null) != Z ]] || break
            if ((++tries > 400)); then
                echo "dns-serve ($name) did not answer GET /v1/health within 20 s; its log:" >&2
                cat "$name/log" >&2
                return 1
            fi
            sleep 0.05
        done
        rc=0
        wait "$LAUNCHED_PID" || rc=$?
        if ((rc != 69 || ++attempts >= 3)); then
            echo "dns-serve ($name) exited with status $rc before answering; its log:" >&2
            cat "$name/log" >&2
            return 1
        fi
    done
}
# --- end free ports ---------------------------------------------------------------------

# small_zone FILE ORIGIN SERIAL [RECORD-LINE...]: a small valid zone file (SOA, NS, glue, a
# www A record) with that origin and serial, then the extra lines.
small_zone() {
    local f=$1 origin=$2 serial=$3
    shift 3
    {
        # shellcheck disable=SC2016 # $ORIGIN and $TTL are zone-file directives, not variables
        printf '$ORIGIN %s.\n$TTL 300\n' "$origin"
        printf '@    IN SOA ns1 hostmaster %s 7200 3600 1209600 300\n' "$serial"
        printf '@    IN NS  ns1\nns1  IN A   192.0.2.1\nwww  IN A   192.0.2.80\n'
        if (($# > 0)); then printf '%s\n' "$@"; fi
    } >"$f"
}

