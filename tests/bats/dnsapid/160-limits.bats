#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# dnsapid plan limits: domains, records per domain (nothing half-applied), request rate (429), calls per day, usage.
#
# api (dnsapid.bash) sets status_code, body and headers and reads KEY; zone files hold $ORIGIN.
# shellcheck disable=SC2154,SC2034,SC2016,SC2030,SC2031

load ../helpers
load dnsapid

setup_file() {
    dnsapid_setup_file
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

@test "max_domains=1: the second domain is 403 plan-limit with the limit and usage; a bigger plan applies at once" {
    new_plan one-domain '{"max_domains":1}' >/dev/null
    KEY=$(new_account solo one-domain)
    new_domain first.test
    api POST /v1/domains '{"name":"second.test"}'
    expect_problem 403 plan-limit
    assert_eq "$(jb .limit.limit)" domains limit.limit
    assert_eq "$(jb .limit.limit_value)" 1 limit.limit_value
    assert_eq "$(jb .limit.used)" 2 "limit.used (what it would become)"
    assert_eq "$(jb .limit.over)" true limit.over
    assert_contains "$(jb .detail)" 1
    api GET /v1/domains/second.test
    expect_problem 404 not-found
    api GET /v1/account
    assert_eq "$(jb .usage.domains)" 1 usage.domains
    assert_eq "$(jb .plan.max_domains)" 1 plan.max_domains

    as_admin api PATCH /v1/plans/one-domain '{"max_domains":2}'
    expect_status 200
    new_domain second.test
    api POST /v1/domains '{"name":"third.test"}'
    expect_problem 403 plan-limit
    assert_eq "$(jb .limit.limit_value)" 2
}

@test "max_records_per_domain reached in the middle of a batch: 403 and nothing changed" {
    new_plan five-records '{"max_records_per_domain":5}' >/dev/null
    KEY=$(new_account recs five-records)
    new_domain recs.test # 2 NS records
    put_rrset recs.test a A '["192.0.2.1"]'
    local serial0 list0
    serial0=$(zone_serial recs.test)
    list0=$(rrset_list recs.test)
    # 3 records now; the first two items fit (5), the third passes the limit.
    api PATCH /v1/domains/recs.test/rrsets '[
        {"name":"b","type":"A","records":["192.0.2.2"]},
        {"name":"c","type":"A","records":["192.0.2.3"]},
        {"name":"d","type":"A","records":["192.0.2.4","192.0.2.5"]}]'
    expect_problem 403 plan-limit
    assert_eq "$(jb .limit.limit)" records_per_domain limit.limit
    assert_eq "$(jb .limit.limit_value)" 5 limit.limit_value
    assert_eq "$(jb .limit.used)" 7 "limit.used (what the zone would hold)"
    assert_eq "$(zone_serial recs.test)" "$serial0" "serial after the refused batch"
    assert_eq "$(rrset_list recs.test)" "$list0" "RRsets after the refused batch"
    api GET /v1/domains/recs.test
    assert_eq "$(jb .records)" 3 "record count after the refused batch"

    # Up to the limit is fine; one more is not, by any route.
    api PATCH /v1/domains/recs.test/rrsets '[
        {"name":"b","type":"A","records":["192.0.2.2"]},
        {"name":"c","type":"A","records":["192.0.2.3"]}]'
    expect_status 200
    api GET /v1/domains/recs.test
    assert_eq "$(jb .records)" 5 "record count at the limit"
    api PATCH /v1/domains/recs.test/rrsets/a/A '{"add":["192.0.2.9"]}'
    expect_problem 403 plan-limit
    api PUT /v1/domains/recs.test/rrsets/e/TXT '{"records":["\"one too many\""]}'
    expect_problem 403 plan-limit
    API_CONTENT_TYPE=text/dns api PUT /v1/domains/recs.test/zone $'$ORIGIN recs.test.\n$TTL 300\n@ IN NS ns1.endpointdns.test.\n@ IN NS ns2.endpointdns.test.\na IN A 192.0.2.1\nb IN A 192.0.2.2\nc IN A 192.0.2.3\nd IN A 192.0.2.4\n'
    expect_problem 403 plan-limit
    # Replacing without growing, and shrinking, are still allowed.
    put_rrset recs.test a A '["192.0.2.10"]'
    api DELETE /v1/domains/recs.test/rrsets/c/A
    expect_status 200
    api GET /v1/domains/recs.test
    assert_eq "$(jb .records)" 4 "record count after replace and delete"
}

@test "rate_per_second=2, burst 2: the third quick call is 429 with Retry-After; RateLimit headers are sent" {
    new_plan slow '{"rate_per_second":2,"rate_burst":2}' >/dev/null
    KEY=$(new_account slowpoke slow)
    sleep 1.1 # the account creation did not use the bucket, but be sure it is full
    # Four requests on one connection, as fast as curl sends them.
    local codes
    codes=$(curl -s -o /dev/null -o /dev/null -o /dev/null -o /dev/null -w '%{http_code}\n' \
        -H "Authorization: Bearer $KEY" \
        "$DNSAPID_URL/v1/account" "$DNSAPID_URL/v1/account" "$DNSAPID_URL/v1/account" \
        "$DNSAPID_URL/v1/account" | tr '\n' ' ')
    assert_eq "$codes" "200 200 429 429 " "statuses of four quick calls"
    api GET /v1/account
    expect_problem 429 rate-limited
    local ra
    ra=$(header Retry-After)
    [[ $ra =~ ^[1-9][0-9]*$ ]] || api_fail "Retry-After '$ra' is not a positive integer"
    # The same shape as a 403 plan-limit body: limit, limit_value, used, over, detail.
    assert_eq "$(jb .limit.limit)" rate_per_second limit.limit
    assert_eq "$(jb .limit.limit_value)" 2 limit.limit_value
    assert_eq "$(jb .limit.over)" true limit.over
    assert_eq "$(header RateLimit-Limit)" 2 RateLimit-Limit
    assert_eq "$(header RateLimit-Remaining)" 0 RateLimit-Remaining
    [[ $(header RateLimit-Reset) =~ ^[0-9]+$ ]] || api_fail "RateLimit-Reset"
    sleep 1.1
    api GET /v1/account
    expect_status 200
    assert_eq "$(header RateLimit-Limit)" 2 "RateLimit-Limit on a 200"
    [[ $(header RateLimit-Remaining) =~ ^[01]$ ]] || api_fail "RateLimit-Remaining on a 200"
    [[ $(header RateLimit-Reset) =~ ^[0-9]+$ ]] || api_fail "RateLimit-Reset on a 200"
    sleep 0.6
    api GET /v1/domains/nosuch.test
    expect_problem 404 not-found
    assert_eq "$(header RateLimit-Limit)" 2 "RateLimit-Limit on a 404"
}

@test "max_calls_per_day=5: the sixth call is 403 plan-limit; refused calls are not counted" {
    new_plan five-calls '{"max_calls_per_day":5}' >/dev/null
    KEY=$(new_account chatty five-calls)
    local i
    for i in 1 2 3 4 5; do
        api GET /v1/domains
        expect_status 200
    done
    api GET /v1/domains
    expect_problem 403 plan-limit
    assert_eq "$(jb .limit.limit)" calls_per_day limit.limit
    assert_eq "$(jb .limit.limit_value)" 5 limit.limit_value
    assert_eq "$(jb .limit.used)" 6 "limit.used (with this call)"
    api POST /v1/domains '{"name":"late.test"}'
    expect_problem 403 plan-limit
    # Written to usage_daily by the 100 ms flush: the five admitted calls.
    for i in {1..40}; do
        [[ $(mariadb_sql "SELECT COALESCE(SUM(u.calls), 0) FROM usage_daily u JOIN accounts a ON a.id = u.account_id WHERE a.name = 'chatty'") == 5 ]] && break
        sleep 0.1
    done
    run -0 mariadb_sql "SELECT COALESCE(SUM(u.calls), 0) FROM usage_daily u JOIN accounts a ON a.id = u.account_id WHERE a.name = 'chatty'"
    assert_eq "$output" 5 "calls in usage_daily"
    as_admin api PATCH /v1/plans/five-calls '{"max_calls_per_day":0}'
    api GET /v1/domains
    expect_status 200
}

@test "GET /v1/account shows the plan's limits and the usage; a batch counts as one call" {
    new_plan metered '{"max_domains":10,"max_records_per_domain":1000,"max_calls_per_day":10000,"max_calls_per_month":100000}' >/dev/null
    KEY=$(new_account metered metered)
    api GET /v1/account
    expect_status 200
    assert_eq "$(jb .plan.plan)" metered plan.plan
    assert_eq "$(jb .plan.max_domains)" 10 plan.max_domains
    assert_eq "$(jb .plan.max_records_per_domain)" 1000
    assert_eq "$(jb .plan.max_calls_per_day)" 10000
    assert_eq "$(jb .plan.max_calls_per_month)" 100000
    local c0
    c0=$(jb .usage.calls_today)
    new_domain metered.test
    api PATCH /v1/domains/metered.test/rrsets '[
        {"name":"a","type":"A","records":["192.0.2.1"]},
        {"name":"b","type":"A","records":["192.0.2.2"]},
        {"name":"c","type":"A","records":["192.0.2.3"]},
        {"name":"d","type":"A","records":["192.0.2.4"]},
        {"name":"e","type":"A","records":["192.0.2.5"]}]'
    expect_status 200
    api GET /v1/account
    expect_status 200
    # This call, the batch and the domain creation: three calls since c0.
    assert_eq "$(jb .usage.calls_today)" $((c0 + 3)) "calls_today (a batch of 5 counts once)"
    assert_eq "$(jb .usage.calls_month)" $((c0 + 3)) calls_month
    assert_eq "$(jb .usage.domains)" 1 usage.domains
    assert_eq "$(jb .usage.largest_domain)" metered.test usage.largest_domain
    assert_eq "$(jb .usage.largest_domain_records)" 7 "usage.largest_domain_records (5 A + 2 NS)"
    assert_eq "$(jb '[.usage.limits[].limit] | join(",")')" \
        domains,records_per_domain,calls_per_day,calls_per_month "usage.limits"
    assert_eq "$(jb '.usage.limits[] | select(.limit == "domains") | "\(.used)/\(.limit_value) \(.over)"')" \
        "1/10 false" "domains finding"
}
