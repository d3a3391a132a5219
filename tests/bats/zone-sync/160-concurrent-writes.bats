#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# zone-sync while dnsapid writes: every sync succeeds, nothing it sends is inconsistent, and the edge ends identical to the database.
#
# The edge is active, so a dnsapid with a fan-out pushes the same changes to it at the same
# time (zone-sync and the fan-out then share the server_zones rows); without a fan-out the
# last zone-sync brings it up to date. Either way, once the writes stop and one more sync ran,
# --dry-run exits 0, the rows name every domain at its serial, and the edge's records are the
# database's.
# shellcheck disable=SC2154,SC2034

load ../helpers
load ../dnsapid/dnsapid
load sync

setup_file() {
    sync_setup_file
}

teardown_file() {
    dnsapid_teardown_file
}

setup() {
    sync_setup
}

teardown() {
    if [[ -n ${WRITER_PID-} ]]; then
        kill "$WRITER_PID" 2>/dev/null || true
        wait "$WRITER_PID" 2>/dev/null || true
    fi
    mariadb_sql "UPDATE servers SET active = 0 WHERE name = 'busy'" || true
    sync_teardown
}

# writes N: N RRset writes spread over the busy zones, one after another, through the API.
writes() {
    local i z
    for ((i = 1; i <= $1; i++)); do
        z=busy$((i % 8)).test
        curl -s -m 20 -o /dev/null -X PUT -H "Authorization: Bearer $KEY" \
            -H 'Content-Type: application/json' \
            --data-binary "{\"ttl\":300,\"records\":[\"192.0.2.$((i % 250 + 1))\"]}" \
            "$DNSAPID_URL/v1/domains/$z/rrsets/w$i/A"
        if ((i % 5 == 0)); then
            curl -s -m 20 -o /dev/null -X DELETE -H "Authorization: Bearer $KEY" \
                "$DNSAPID_URL/v1/domains/$z/rrsets/w$((i - 3))/A"
        fi
    done
}

@test "zone-sync while zones change: each run succeeds, the edge ends identical to the database" {
    local i
    for i in $(seq 0 7); do make_zone "busy$i.test"; done
    ACTIVE=1 start_edge busy
    writes 120 &
    WRITER_PID=$!
    # zone-sync over and over while the writes go on.
    local runs=0
    while kill -0 "$WRITER_PID" 2>/dev/null; do
        run --separate-stderr zs --server busy
        ((status == 0)) || fail_with "zone-sync run $((runs + 1)) exited $status"
        ((++runs))
    done
    ((runs >= 3)) || fail_with "only $runs runs during the writes"
    wait "$WRITER_PID"
    WRITER_PID=
    run -0 zs --server busy
    run -0 --separate-stderr zs --server busy --dry-run
    assert_line_matches "$output" '^busy: in sync \([0-9]+ zones\)$'
    local want
    want=$(mariadb_sql "SELECT CONCAT(name, ' ', id, ' ', serial) FROM domains ORDER BY name")
    [[ $(rows busy) == "$want" ]] || fail_with "rows: $(rows busy); domains: $want"
    # The records too, not only the serials.
    for i in $(seq 0 7); do
        api GET "/v1/domains/busy$i.test/zone"
        expect_status 200
        printf '%s\n' "$body" >"busy$i.test.zone"
        "$ZC" -c empty.toml -q -o "file$i.xfr" "busy$i.test.zone"
        curl -sS -H "Authorization: Bearer $(<key)" \
            -H 'Accept: application/vnd.endpointdns.zone-stream' \
            "http://127.0.0.1:$BUSY_HTTP/v1/zones/busy$i.test" >"edge$i.xfr"
        diff <("$DUMP" "file$i.xfr" | sort) <("$DUMP" "edge$i.xfr" | sort) >&2 ||
            fail_with "busy$i.test differs between the edge and the database"
    done
    for i in $(seq 0 7); do drop_zone "busy$i.test"; done
}
