#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# dnsapid faults: concurrent writers keep the journal contiguous, MariaDB restarts and dropped connections, kill -9 after an acknowledged write.
#
# api (dnsapid.bash) sets status_code, body and headers and reads KEY; zone files hold $ORIGIN.
# shellcheck disable=SC2154,SC2034,SC2016,SC2030,SC2031

load ../helpers
load dnsapid

setup_file() {
    dnsapid_setup_file
    KEY_A=$(new_account alpha free)
    export KEY_A
}

teardown_file() {
    dnsapid_teardown_file
}

setup() {
    dnsapid_setup
    KEY=$KEY_A
}

teardown() {
    # A test that failed while MariaDB or dnsapid was down leaves them running for the next,
    # and with no stale pooled connection left (each health check drops the ones it meets).
    [[ -n $(_mariadb_current_pid) ]] || mariadb_restart
    local i
    for i in {1..10}; do
        curl -s -o /dev/null -m 5 "$DNSAPID_URL/v1/health" || true
    done
    local pid
    pid=$(dnsapid_pid)
    if [[ -n $pid ]] && ! dnsapid_running "$pid"; then
        dnsapid_teardown || true
        dnsapid_start "$DNSAPID_PORT"
        return 1
    fi
    dnsapid_teardown
}

# journal_contiguous ZONE: fails unless the zone's change journal, in id order, starts at
# 0 -> 1 and each step goes from the previous serial_to to serial_to + 1. Prints the row count.
journal_contiguous() {
    mariadb_sql "SELECT serial_from, serial_to FROM changes WHERE zone = '$1' ORDER BY id" |
        awk -F '\t' '
            NR == 1 && ($1 != 0 || $2 != 1) { print "first step " $1 " -> " $2 > "/dev/stderr"; bad = 1 }
            NR > 1 && ($1 != prev || $2 != $1 + 1) {
                print "row " NR ": " $1 " -> " $2 " after " prev > "/dev/stderr"; bad = 1
            }
            { prev = $2 }
            END { print NR; exit bad }'
}

# writer N COUNT ZONE: COUNT PUTs of distinct RRsets w<N>-<i>, one line "status serial" each
# to writer-N.out.
writer() {
    local n=$1 count=$2 zone=$3 i out
    for ((i = 1; i <= count; i++)); do
        out=$(curl -s -m 30 -X PUT -H "Authorization: Bearer $KEY" \
            -H 'Content-Type: application/json' \
            --data-binary "{\"records\":[\"192.0.2.$i\"]}" \
            -w '\n%{http_code}' "$DNSAPID_URL/v1/domains/$zone/rrsets/w$n-$i/A") || true
        printf '%s %s\n' "${out##*$'\n'}" "$(jq -r '.serial // "-"' <<<"${out%$'\n'*}" 2>/dev/null)"
    done >"writer-$n.out"
}

@test "8 concurrent writers, 25 writes each: all succeed, serials are unique and the journal is contiguous" {
    new_domain conc.test
    local n pids=()
    for n in 1 2 3 4 5 6 7 8; do
        writer "$n" 25 conc.test &
        pids+=($!)
    done
    for n in "${pids[@]}"; do wait "$n"; done
    local statuses
    statuses=$(cat writer-*.out | awk '{ print $1 }' | sort | uniq -c | awk '{ print $2 ":" $1 }' | tr '\n' ' ')
    assert_eq "$statuses" "200:200 " "statuses of the 200 writes"
    # Every write got its own serial, 2 to 201.
    local serials
    serials=$(cat writer-*.out | awk '{ print $2 }' | sort -n | uniq | tr '\n' ' ')
    assert_eq "$serials" "$(seq 2 201 | tr '\n' ' ')" "serials answered"
    local rows
    rows=$(journal_contiguous conc.test) || fail_with "the journal of conc.test has a gap or an overlap"
    assert_eq "$rows" 201 "journal rows (create and 200 updates)"
    assert_eq "$(zone_serial conc.test)" 201 "final serial = 1 + updates"
    run -0 mariadb_sql "SELECT MAX(serial_to) FROM changes WHERE zone = 'conc.test'"
    assert_eq "$output" 201 "last journal serial"
    # No lost update: every RRset is there, and the record count agrees.
    api GET /v1/domains/conc.test/rrsets?limit=1000
    assert_eq "$(jb '[.items[] | select(.type == "A")] | length')" 200 "A RRsets"
    api GET /v1/domains/conc.test
    assert_eq "$(jb .records)" 202 "records (200 A and 2 NS)"
}

@test "concurrent batches and record-level adds on one RRset lose nothing" {
    new_domain adds.test
    local n pids=()
    for n in 1 2 3 4 5 6 7 8; do
        (
            for i in 1 2 3 4 5; do
                curl -s -o /dev/null -w '%{http_code}\n' -m 30 -X PATCH \
                    -H "Authorization: Bearer $KEY" -H 'Content-Type: application/json' \
                    --data-binary "{\"ttl\":60,\"add\":[\"token-$n-$i\"]}" \
                    "$DNSAPID_URL/v1/domains/adds.test/rrsets/_acme-challenge/TXT"
            done >"adder-$n.out"
        ) &
        pids+=($!)
    done
    for n in "${pids[@]}"; do wait "$n"; done
    assert_eq "$(sort adder-*.out | uniq -c | awk '{ print $2 ":" $1 }')" "200:40" statuses
    api GET /v1/domains/adds.test/rrsets/_acme-challenge/TXT
    assert_eq "$(jb '.records | length')" 40 "ACME values kept"
    assert_eq "$(zone_serial adds.test)" 41 serial
    journal_contiguous adds.test >/dev/null || fail_with "the journal of adds.test is not contiguous"
}

@test "MariaDB down: requests answer 503 unavailable with Retry-After, health 503; back up: it works without a restart" {
    new_domain outage.test
    put_rrset outage.test before A '["192.0.2.1"]'
    local pid
    pid=$(dnsapid_pid)
    mariadb_stop
    api GET /v1/domains/outage.test
    expect_problem 503 unavailable
    [[ $(header Retry-After) =~ ^[0-9]+$ ]] || api_fail "no Retry-After"
    api PUT /v1/domains/outage.test/rrsets/during/A '{"records":["192.0.2.2"]}'
    expect_problem 503 unavailable
    as_admin api GET /v1/plans
    expect_problem 503 unavailable
    KEY=
    api GET /v1/health
    expect_status 503
    assert_eq "$(jb .status)" unavailable "health status"
    api GET /metrics
    expect_status 200
    KEY=$KEY_A

    mariadb_restart
    # The pool reconnects; allow it a few tries (stale connections are dropped on first use).
    local i
    for i in {1..50}; do
        api GET /v1/domains/outage.test
        [[ $status_code == 200 ]] && break
        [[ $status_code == 503 ]] || api_fail "answer $status_code while reconnecting"
        sleep 0.2
    done
    expect_status 200
    api PUT /v1/domains/outage.test/rrsets/after/A '{"records":["192.0.2.3"]}'
    expect_status 200
    assert_eq "$(jb .serial)" 3 "serial (the write refused during the outage did not count)"
    api GET /v1/domains/outage.test/rrsets/during/A
    expect_problem 404 not-found
    api GET /v1/health
    expect_status 200
    assert_eq "$(dnsapid_pid)" "$pid" "dnsapid was not restarted"
    journal_contiguous outage.test >/dev/null || fail_with "journal not contiguous"
}

# warm_pool ZONE: makes dnsapid open at least 3 database connections (concurrent writes),
# then waits for the usage flush to be done, so that nothing but the next request uses them.
warm_pool() {
    local n tries=0
    while :; do
        for n in 1 2 3 4 5 6; do
            curl -s -o /dev/null -X PUT -H "Authorization: Bearer $KEY" \
                -H 'Content-Type: application/json' --data-binary '{"records":["192.0.2.1"]}' \
                "$DNSAPID_URL/v1/domains/$1/rrsets/warm$n/A" &
        done
        wait
        n=$(mariadb_sql "SELECT COUNT(*) FROM information_schema.processlist WHERE user = '$MARIADB_USER'")
        ((n >= 3)) && break
        ((++tries < 10)) || fail_with "dnsapid keeps only $n database connections"
    done
    sleep 0.5
}

@test "the first request after MariaDB restarted succeeds (stale pooled connections are not reused)" {
    new_domain stale.test
    warm_pool stale.test
    mariadb_restart
    api GET /v1/domains/stale.test
    expect_status 200
    api PUT /v1/domains/stale.test/rrsets/x/A '{"records":["192.0.2.1"]}'
    expect_status 200
}

@test "connections killed by the server are replaced: the next read and write succeed" {
    new_domain killed.test
    warm_pool killed.test
    local id
    for id in $(mariadb_sql "SELECT id FROM information_schema.processlist WHERE user = '$MARIADB_USER'"); do
        mariadb_sql "KILL CONNECTION $id" || true
    done
    api GET /v1/domains/killed.test
    expect_status 200
    warm_pool killed.test
    for id in $(mariadb_sql "SELECT id FROM information_schema.processlist WHERE user = '$MARIADB_USER'"); do
        mariadb_sql "KILL CONNECTION $id" || true
    done
    api PUT /v1/domains/killed.test/rrsets/x/A '{"records":["192.0.2.1"]}'
    expect_status 200
}

@test "dnsapid started while MariaDB is down answers 503, then serves once MariaDB is back" {
    local port=$DNSAPID_PORT
    dnsapid_stop TERM
    [[ -z $DNSAPID_EXIT || $DNSAPID_EXIT == 0 ]] || fail_with "dnsapid exited $DNSAPID_EXIT on SIGTERM"
    mariadb_stop
    DNSAPID_READY_STATUS=503 dnsapid_start "$port"
    api GET /v1/account
    expect_problem 503 unavailable
    mariadb_restart
    local i
    for i in {1..50}; do
        api GET /v1/account
        [[ $status_code == 200 ]] && break
        sleep 0.2
    done
    expect_status 200
}

@test "kill -9 right after acknowledged writes: after a restart every acknowledged write is there" {
    new_domain crash.test
    local i acked=()
    for i in $(seq 1 20); do
        api PUT "/v1/domains/crash.test/rrsets/h$i/A" "{\"records\":[\"192.0.2.$i\"]}"
        expect_status 200
        acked+=("h$i:$(jb .serial)")
    done
    local port=$DNSAPID_PORT
    dnsapid_stop KILL
    dnsapid_start "$port"
    api GET /v1/domains/crash.test
    expect_status 200
    assert_eq "$(jb .serial)" 21 "serial after the restart"
    api GET "/v1/domains/crash.test/rrsets?type=A&limit=1000"
    assert_eq "$(jb '.items | length')" 20 "A RRsets after the restart"
    local a
    for a in "${acked[@]}"; do
        api GET "/v1/domains/crash.test/rrsets/${a%%:*}/A"
        expect_status 200
        assert_eq "$(header ETag)" "\"${a##*:}\"" "ETag of ${a%%:*}"
    done
    journal_contiguous crash.test >/dev/null || fail_with "journal not contiguous"
    # And it takes writes again.
    put_rrset crash.test after A '["192.0.2.99"]'
    assert_eq "$(jb .serial)" 22
}

@test "kill -9 during concurrent writes: acknowledged writes survive and the journal stays contiguous" {
    new_domain midway.test
    local n pids=()
    for n in 1 2 3 4; do
        writer "$n" 30 midway.test &
        pids+=($!)
    done
    sleep 1
    local port=$DNSAPID_PORT
    dnsapid_stop KILL
    for n in "${pids[@]}"; do wait "$n" || true; done
    dnsapid_start "$port"
    local acked
    acked=$(cat writer-*.out | awk '$1 == 200' | wc -l)
    ((acked > 0)) || fail_with "no write was acknowledged before the kill"
    api GET "/v1/domains/midway.test/rrsets?type=A&limit=1000"
    local have
    have=$(jb '.items | length')
    # Each acknowledged write is there; at most the ones in flight at the kill may be too.
    ((have >= acked && have <= acked + 4)) || fail_with "acknowledged $acked, found $have"
    local rows
    rows=$(journal_contiguous midway.test) || fail_with "journal not contiguous"
    assert_eq "$(zone_serial midway.test)" "$rows" "serial = journal rows"
    # Every acknowledged serial is in the journal with its RRset.
    local line s
    while read -r line; do
        s=${line#* }
        run -0 mariadb_sql "SELECT COUNT(*) FROM changes WHERE zone = 'midway.test' AND serial_to = $s"
        assert_eq "$output" 1 "journal row for acknowledged serial $s"
    done < <(cat writer-*.out | awk '$1 == 200')
}
