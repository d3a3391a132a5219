#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# Two dnsapid processes on one database, writers on both: they coordinate through the database
# (server_zones rows locked with SKIP LOCKED), so every edge ends identical to the database.

load ../helpers
load ../dnsapid/dnsapid
load fanout

setup_file() {
    fanout_setup_file two two.example other.example || return 1
    # The second controller: the same configuration on another port.
    local port
    port=$(free_port) || return 1
    sed "s/^listen = .*/listen = \"127.0.0.1:$port\"/" "$DNSAPID_CONF" >"$DNSAPID_DIR/second.toml"
    "$DNSAPID" -c "$DNSAPID_DIR/second.toml" </dev/null >>"$DNSAPID_DIR/second.log" 2>&1 3>&- &
    echo "$!" >"$DNSAPID_DIR/second.pid"
    echo "http://127.0.0.1:$port" >"$DNSAPID_DIR/second.url"
    local tries=0
    until curl -sf -m 2 -o /dev/null "http://127.0.0.1:$port/v1/health"; do
        ((++tries < 200)) || {
            cat "$DNSAPID_DIR/second.log" >&2
            return 1
        }
        sleep 0.05
    done
}

teardown_file() {
    local pid
    pid=$(cat "$DNSAPID_DIR/second.pid" 2>/dev/null) && kill "$pid" 2>/dev/null
    fanout_teardown_file
}

setup() {
    fanout_setup
}

teardown() {
    dnsapid_teardown
}

# writer URL ZONE W N: N record additions to t.ZONE TXT through the controller at URL.
writer() {
    local url=$1 zone=$2 w=$3 n=$4 i code
    for ((i = 1; i <= n; i++)); do
        code=$(curl -s -o /dev/null -w '%{http_code}' -X PATCH -H "Authorization: Bearer $KEY" \
            -H 'Content-Type: application/json' \
            --data "$(jq -cn --arg v "\"w$w-$i\"" '{add: [$v]}')" \
            "$url/v1/domains/$zone/rrsets/t.$zone/TXT")
        [[ $code == 200 ]] || {
            echo "writer $w: HTTP $code" >&2
            return 1
        }
    done
}

# edges_identical ZONE: every edge holds ZONE at the database's serial, with the same TXT set.
edges_identical() {
    local zone=$1 serial want i
    serial=$(zone_serial "$zone") || return 1
    api GET "/v1/domains/$zone/rrsets/t.$zone/TXT"
    want=$(jb '.records[]' | sort)
    for ((i = 1; i <= EDGE_COUNT; i++)); do
        [[ $(edge_zone_serial "$i" "$zone") == "$serial" ]] || return 1
        [[ $(dig +short +norec +tcp -p "${EDGE_DNS[i]}" @127.0.0.1 "t.$zone" TXT | sort) == "$want" ]] ||
            return 1
    done
}

@test "two controllers, 8 concurrent writers: every edge ends identical to the database" {
    local second pids=() w
    second=$(<"$DNSAPID_DIR/second.url")
    for w in 1 2 3 4 5 6 7 8; do
        local url=$DNSAPID_URL zone=two.example
        ((w % 2)) && url=$second
        ((w > 6)) && zone=other.example
        writer "$url" "$zone" "$w" 20 &
        pids+=($!)
    done
    for p in "${pids[@]}"; do wait "$p"; done
    local deadline=$((SECONDS + 15)) z
    for z in two.example other.example; do
        until edges_identical "$z"; do
            ((SECONDS < deadline)) || {
                echo "the edges do not match the database for $z:" >&2
                for ((i = 1; i <= EDGE_COUNT; i++)); do
                    echo "ns$i: serial $(edge_zone_serial "$i" "$z")" >&2
                done
                echo "database: $(zone_serial "$z")" >&2
                return 1
            }
            sleep 0.1
        done
    done
    api GET /v1/domains/two.example/rrsets/t.two.example/TXT
    assert_eq "$(jb '.records | length')" 120 "records in two.example"
    # Every change of both controllers reached insync.
    api GET "/v1/changes?zone=two.example&limit=1000"
    local last
    last=$(jb '.items[-1].id')
    api GET "/v1/changes/$last?wait=10"
    assert_eq "$(jb .status)" insync "the last change"
}
