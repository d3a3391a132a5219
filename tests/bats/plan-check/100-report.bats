#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# plan-check reports: within a plan (0), over domains, records per domain or calls (1), the table, --json, --account, --all, agreement with dnsapid.
#
# A real dnsapid on a throwaway MariaDB (tests/bats/dnsapid/dnsapid.bash) makes the plans,
# accounts, domains and records through its REST API; plan-check reads the same database.
# Usage rows of past days are written with SQL. Every test makes accounts of its own.
# shellcheck disable=SC2154,SC2034

load ../helpers
load ../dnsapid/dnsapid

PLAN_CHECK="$BIN/plan-check"

setup_file() {
    [[ -x $BIN/plan-check ]] || {
        echo "# $BIN/plan-check is missing: build the plan-check target first" >&3
        return 1
    }
    dnsapid_setup_file || return 1
    cat >"$DNSAPID_DIR/plan-check.toml" <<EOF
# SPDX-License-Identifier: MIT
# plan-check configuration of the bats tests: the database dnsapid uses
[database]
socket = "$MARIADB_SOCKET"
user = "$MARIADB_USER"
password_file = "$MARIADB_PASSWORD_FILE"
name = "$MARIADB_DATABASE"
connect_timeout = 2
EOF
}

teardown_file() {
    dnsapid_teardown_file
}

setup() {
    dnsapid_setup
}

teardown() {
    dnsapid_teardown
}

# pc ARGS...: plan-check with the test configuration.
pc() {
    "$PLAN_CHECK" -c "$DNSAPID_DIR/plan-check.toml" "$@"
}

# account_id NAME: the id of account NAME, from the database.
account_id() {
    mariadb_sql "SELECT id FROM accounts WHERE name = '$1'"
}

# calls_stored NAME: the API calls of account NAME in usage_daily this month.
calls_stored() {
    mariadb_sql "SELECT COALESCE(SUM(u.calls), 0) FROM usage_daily u JOIN accounts a ON
        a.id = u.account_id WHERE a.name = '$1' AND u.day >= DATE_FORMAT(UTC_DATE(), '%Y-%m-01')"
}

# wait_calls NAME N: waits (up to 5 s) until dnsapid has written N calls of account NAME.
wait_calls() {
    local i
    for i in {1..50}; do
        [[ $(calls_stored "$1") == "$2" ]] && return 0
        sleep 0.1
    done
    echo "account $1: $(calls_stored "$1") calls stored, expected $2" >&2
    return 1
}

# rows TEXT: plan-check's table with runs of blanks squeezed to one.
rows() {
    tr -s ' ' <<<"$1"
}

# assert_row TEXT ROW: fails unless the squeezed table TEXT has the line ROW.
assert_row() {
    grep -Fxq -- "$2" <<<"$(rows "$1")" || fail_with "no table line: $2"
}

@test "an account within every limit of its plan exits 0; one table line per limit, all ok" {
    new_plan roomy '{"max_domains":3,"max_records_per_domain":10,"max_calls_per_day":1000,"max_calls_per_month":10000}' >/dev/null
    KEY=$(new_account within roomy)
    new_domain within.test                           # 2 NS records
    put_rrset within.test www A '["192.0.2.1"]' 300 # 3 records
    wait_calls within 2
    local id
    id=$(account_id within)
    run -0 --separate-stderr pc --account within
    assert_empty "$stderr" stderr
    assert_row "$output" "ACCOUNT NAME PLAN LIMIT USED MAX STATUS"
    assert_row "$output" "$id within roomy domains 1 3 ok"
    assert_row "$output" "$id within roomy records_per_domain 3 10 ok"
    assert_row "$output" "$id within roomy calls_per_day 2 1000 ok"
    assert_row "$output" "$id within roomy calls_per_month 2 10000 ok"
    [[ $(wc -l <<<"$output") == 5 ]] || fail_with "expected a header and 4 lines"
    # Exactly at a limit is within it.
    as_admin api PATCH /v1/plans/roomy '{"max_domains":1,"max_records_per_domain":3,"max_calls_per_day":2,"max_calls_per_month":2}'
    expect_status 200
    run -0 --separate-stderr pc --account within
    assert_row "$output" "$id within roomy domains 1 1 ok"
    assert_row "$output" "$id within roomy records_per_domain 3 3 ok"
    assert_row "$output" "$id within roomy calls_per_day 2 2 ok"
    assert_row "$output" "$id within roomy calls_per_month 2 2 ok"
}

@test "an account whose plan sets no limit has one line with - and exits 0" {
    KEY=$(new_account unlimited free)
    new_domain unlimited.test
    local id
    id=$(account_id unlimited)
    run -0 --separate-stderr pc --account unlimited
    assert_row "$output" "$id unlimited free - - - ok"
    [[ $(wc -l <<<"$output") == 2 ]] || fail_with "expected a header and 1 line"
    run -0 --separate-stderr pc --json --account unlimited
    [[ $(jq -c '.accounts[0] | [.over, .limits]' <<<"$output") == '[false,[]]' ]] ||
        fail_with "an unlimited plan: over false, no limits"
}

@test "over max_domains after the plan was lowered: exit 1, the table and --json name the limit" {
    new_plan two-domains '{"max_domains":2}' >/dev/null
    KEY=$(new_account crowded two-domains)
    new_domain crowded-1.test
    new_domain crowded-2.test
    local id
    id=$(account_id crowded)
    run -0 --separate-stderr pc --account crowded
    assert_row "$output" "$id crowded two-domains domains 2 2 ok"
    as_admin api PATCH /v1/plans/two-domains '{"max_domains":1}'
    expect_status 200
    run -1 --separate-stderr pc --account crowded
    assert_empty "$stderr" stderr
    assert_row "$output" "$id crowded two-domains domains 2 1 OVER"
    run -1 --separate-stderr pc --json --account crowded
    jq -e --argjson id "$id" '.accounts == [{id: $id, name: "crowded", plan: "two-domains",
        over: true, limits: [{limit: "domains", limit_value: 1, used: 2, over: true,
        detail: .accounts[0].limits[0].detail}]}]
        and (.accounts[0].limits[0].detail | type == "string" and length > 0)' <<<"$output" \
        >/dev/null || fail_with "JSON of an account over max_domains"
}

@test "over records per domain (its largest domain counts): exit 1 naming records_per_domain" {
    new_plan five-records '{"max_records_per_domain":5}' >/dev/null
    KEY=$(new_account bulky five-records)
    new_domain small.bulky.test # 2 NS records
    new_domain big.bulky.test
    put_rrset big.bulky.test www A '["192.0.2.1","192.0.2.2","192.0.2.3"]' # 5 records
    local id
    id=$(account_id bulky)
    run -0 --separate-stderr pc --account bulky
    assert_row "$output" "$id bulky five-records records_per_domain 5 5 ok"
    as_admin api PATCH /v1/plans/five-records '{"max_records_per_domain":4}'
    expect_status 200
    run -1 --separate-stderr pc --account bulky
    assert_row "$output" "$id bulky five-records records_per_domain 5 4 OVER"
    run -1 --separate-stderr pc --json --account "$id"
    jq -e '.accounts[0].over and .accounts[0].limits == [.accounts[0].limits[0]]
        and (.accounts[0].limits[0] | .limit == "records_per_domain" and .used == 5
             and .limit_value == 4 and .over)
        and (.accounts[0].limits[0].detail | contains("big.bulky.test"))' <<<"$output" \
        >/dev/null || fail_with "JSON of an account over max_records_per_domain"
}

@test "calls today over max_calls_per_day: exit 1; calls of an earlier month do not count" {
    new_plan daily '{"max_calls_per_day":50,"max_calls_per_month":100}' >/dev/null
    new_account caller daily >/dev/null # the admin key makes it; caller's key is never used
    local id
    id=$(account_id caller)
    mariadb_sql "INSERT INTO usage_daily (account_id, day, calls) VALUES
        ($id, UTC_DATE(), 50), ($id, DATE_SUB(UTC_DATE(), INTERVAL 1 MONTH), 1000)"
    run -0 --separate-stderr pc --account caller
    assert_row "$output" "$id caller daily calls_per_day 50 50 ok"
    assert_row "$output" "$id caller daily calls_per_month 50 100 ok"
    mariadb_sql "UPDATE usage_daily SET calls = 51 WHERE account_id = $id AND day = UTC_DATE()"
    run -1 --separate-stderr pc --account caller
    assert_row "$output" "$id caller daily calls_per_day 51 50 OVER"
    assert_row "$output" "$id caller daily calls_per_month 51 100 ok"
    mariadb_sql "UPDATE usage_daily SET calls = 101 WHERE account_id = $id AND day = UTC_DATE()"
    run -1 --separate-stderr pc --json --account caller
    [[ $(jq -c '[.accounts[0].limits[] | [.limit, .used, .over]]' <<<"$output") == \
        '[["calls_per_day",101,true],["calls_per_month",101,true]]' ]] ||
        fail_with "both call limits over"
}

@test "--json is one JSON object of the documented shape, members in the documented order" {
    new_plan shaped '{"max_domains":1,"max_records_per_domain":100,"max_calls_per_day":1000,"max_calls_per_month":10000}' >/dev/null
    KEY=$(new_account shape shaped)
    new_domain shape.test
    local st=0
    run --separate-stderr pc --json --all
    st=$status
    [[ $st == 0 || $st == 1 ]] || fail_with "exit $st"
    assert_empty "$stderr" stderr
    jq -e '
        (keys_unsorted == ["accounts"]) and (.accounts | type == "array" and length > 0)
        and all(.accounts[];
            keys_unsorted == ["id", "name", "plan", "over", "limits"]
            and (.id | type == "number") and (.name | type == "string")
            and (.plan | type == "string") and (.over | type == "boolean")
            and (.limits | type == "array")
            and .over == any(.limits[]; .over)
            and all(.limits[];
                keys_unsorted == ["limit", "limit_value", "used", "over", "detail"]
                and (.limit | IN("domains", "records_per_domain", "calls_per_day",
                                 "calls_per_month"))
                and (.limit_value | type == "number" and . > 0)
                and (.used | type == "number" and . >= 0)
                and .over == (.used > .limit_value)
                and (.detail | type == "string" and length > 0)))' <<<"$output" >/dev/null ||
        fail_with "the JSON does not have the documented shape"
    # The exit status says whether any account is over.
    local any
    any=$(jq '[.accounts[].over] | any' <<<"$output")
    [[ ($any == true && $st == 1) || ($any == false && $st == 0) ]] ||
        fail_with "exit $st with any over = $any"
    # Every limit the plan sets, in the documented order.
    run -0 --separate-stderr pc --json --account shape
    [[ $(jq -c '[.accounts[0].limits[].limit]' <<<"$output") == \
        '["domains","records_per_domain","calls_per_day","calls_per_month"]' ]] ||
        fail_with "the order of the limits"
}

@test "--account ID and --account NAME select one account; repeated, each once in the order given" {
    new_account sel-a free >/dev/null
    new_account sel-b free >/dev/null
    local a b
    a=$(account_id sel-a)
    b=$(account_id sel-b)
    run -0 --separate-stderr pc --json --account "$a"
    [[ $(jq -c '[.accounts[] | [.id, .name]]' <<<"$output") == "[[$a,\"sel-a\"]]" ]] ||
        fail_with "--account ID"
    run -0 --separate-stderr pc --json --account sel-a
    [[ $(jq -c '[.accounts[] | [.id, .name]]' <<<"$output") == "[[$a,\"sel-a\"]]" ]] ||
        fail_with "--account NAME"
    run -0 --separate-stderr pc --json --account sel-b --account "$a" --account sel-a --account "$b"
    [[ $(jq -c '[.accounts[].id]' <<<"$output") == "[$b,$a]" ]] ||
        fail_with "repeated selectors: each account once, in the order given"
    run -0 --separate-stderr pc --account sel-b
    assert_row "$output" "$b sel-b free - - - ok"
    refute_contains "$output" "sel-a"
}

@test "--all, and no selector at all, cover every account in id order; exit 1 when any is over" {
    new_plan one-call '{"max_calls_per_day":1}' >/dev/null
    new_account all-over one-call >/dev/null
    local id ids
    id=$(account_id all-over)
    mariadb_sql "INSERT INTO usage_daily (account_id, day, calls) VALUES ($id, UTC_DATE(), 2)"
    ids=$(mariadb_sql "SELECT id FROM accounts ORDER BY id" | jq -sc .)
    run -1 --separate-stderr pc --json --all
    [[ $(jq -c '[.accounts[].id]' <<<"$output") == "$ids" ]] ||
        fail_with "--all: expected the accounts $ids"
    [[ $(jq -c --argjson id "$id" '.accounts[] | select(.id == $id) | .over' <<<"$output") == true ]] ||
        fail_with "all-over is over"
    run -1 --separate-stderr pc --json
    [[ $(jq -c '[.accounts[].id]' <<<"$output") == "$ids" ]] ||
        fail_with "no selector: expected the accounts $ids"
    run -1 --separate-stderr pc -a
    local n
    for n in $(jq -r '.[]' <<<"$ids"); do
        grep -Eq "^$n " <<<"$output" || fail_with "the table has no line of account $n"
    done
    assert_row "$output" "$id all-over one-call calls_per_day 2 1 OVER"
}

@test "plan-check and GET /v1/account agree on usage.limits, within and over the plan" {
    new_plan agree '{"max_domains":2,"max_records_per_domain":4,"max_calls_per_day":500,"max_calls_per_month":5000}' >/dev/null
    KEY=$(new_account agreeable agree)
    new_domain agree-1.test
    new_domain agree-2.test
    put_rrset agree-1.test www A '["192.0.2.1","192.0.2.2"]' # 4 records
    local api_limits calls pc_limits round
    for round in within over; do
        if [[ $round == over ]]; then
            as_admin api PATCH /v1/plans/agree '{"max_domains":1,"max_records_per_domain":3}'
            expect_status 200
        fi
        api GET /v1/account
        expect_status 200
        api_limits=$(jb -cS '.usage.limits')
        calls=$(jb '.usage.calls_today')
        # plan-check reads what dnsapid has written: wait for this call to be flushed.
        wait_calls agreeable "$calls"
        run --separate-stderr pc --json --account agreeable
        pc_limits=$(jq -cS '.accounts[0].limits' <<<"$output")
        assert_eq "$pc_limits" "$api_limits" "$round: plan-check's limits vs GET /v1/account"
        if [[ $round == within ]]; then
            [[ $status == 0 ]] || fail_with "within: exit $status"
        else
            [[ $status == 1 ]] || fail_with "over: exit $status"
            [[ $(jq -c '[.[] | select(.over) | .limit]' <<<"$pc_limits") == \
                '["domains","records_per_domain"]' ]] || fail_with "over: which limits"
        fi
    done
}
