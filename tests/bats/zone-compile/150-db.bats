#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# zone-compile --db: zones from dnsapid's database into a stream (piped to zone-push and served), --text, --json, selection by zone and account, 66 for what the database lacks.
#
# A real dnsapid on a throwaway MariaDB makes the zones through its REST API
# (tests/bats/dnsapid/dnsapid.bash); zone-compile reads the same database. The database lives
# for the whole file: the zones are made once, in setup_file.
# $stderr is set by bats (run --separate-stderr); bash -c scripts in single quotes are meant.
# shellcheck disable=SC2154,SC2034,SC2016

load ../helpers
load ../dnsapid/dnsapid
load ../zone-sync/sync

setup_file() {
    sync_setup_file || return 1
    write_zc_config "$DNSAPID_DIR/zc.toml"
    KEY=$(cat "$DNSAPID_DIR/account.key")
    make_zone alpha.test || return 1
    make_zone beta.test || return 1
    put_rrset beta.test '*.wild' A '["192.0.2.99"]' || return 1
    put_rrset beta.test sub NS '["ns1.sub.beta.test."]' || return 1
    put_rrset beta.test ns1.sub A '["192.0.2.53"]' || return 1
    put_rrset beta.test _srv._tcp SRV '["10 5 443 www.beta.test."]' || return 1
    KEY=$(new_account other free) || return 1
    printf '%s\n' "$KEY" >"$DNSAPID_DIR/other.key"
    new_domain gamma.test || return 1
    put_rrset gamma.test www AAAA '["2001:db8::1"]' || return 1
}

teardown_file() {
    dnsapid_teardown_file
}

setup() {
    sync_setup
}

teardown() {
    sync_teardown
}

# zcdb ARGS...: zone-compile with the database configuration.
zcdb() {
    "$ZC" -c "$DNSAPID_DIR/zc.toml" "$@"
}

# exported_text ZONE: the zone as dnsapid exports it (GET /v1/domains/ZONE/zone, with the key
# of its account), compiled from that text and printed back by zone-compile --text.
exported_text() {
    local KEY
    KEY=$(cat "$DNSAPID_DIR/account.key")
    [[ $1 == gamma.test ]] && KEY=$(cat "$DNSAPID_DIR/other.key")
    api GET "/v1/domains/$1/zone"
    expect_status 200 || return 1
    printf '%s\n' "$body" >"$1.zone"
    "$ZC" -c empty.toml -q "$1.zone" | "$ZC" -c empty.toml --text
}

@test "zone-compile --db --zone X | zone-push: the edge answers what dnsapid holds" {
    start_edge piped
    run -0 --separate-stderr bash -c '"$1" -c "$2" --db --zone beta.test |
        "$3" -c empty.toml -s "$4" -k key' _ "$ZC" "$DNSAPID_DIR/zc.toml" "$ZP" \
        "http://127.0.0.1:$PIPED_HTTP"
    assert_line_matches "$output" "^http://127\\.0\\.0\\.1:$PIPED_HTTP +beta\\.test\\. +200 +$(domain_row beta.test | cut -d' ' -f2) "
    [[ $(edge_dig piped www.beta.test A) == $'192.0.2.10\n192.0.2.11' ]] || fail_with "www A"
    [[ $(edge_dig piped anything.wild.beta.test A) == 192.0.2.99 ]] || fail_with "wildcard"
    [[ $(edge_dig piped _srv._tcp.beta.test SRV) == "10 5 443 www.beta.test." ]] || fail_with "SRV"
    [[ $(edge_dig piped beta.test MX) == "10 mail.beta.test." ]] || fail_with "MX"
    [[ $(edge_rcode piped alpha.test SOA) == REFUSED ]] || fail_with "alpha.test was sent too"
    # A referral for the delegation, with its glue.
    local port=$PIPED_DNS
    run -0 dig +norec -p "$port" @127.0.0.1 host.sub.beta.test A
    assert_line_matches "$output" '^sub\.beta\.test\.[[:space:]]+[0-9]+[[:space:]]+IN[[:space:]]+NS[[:space:]]+ns1\.sub\.beta\.test\.$'
    assert_line_matches "$output" '^ns1\.sub\.beta\.test\.[[:space:]]+[0-9]+[[:space:]]+IN[[:space:]]+A[[:space:]]+192\.0\.2\.53$'
}

@test "every zone of the database, and each equals its exported zone file" {
    run -0 --separate-stderr zcdb --db --text
    local all=$output z
    for z in alpha.test beta.test gamma.test; do
        assert_contains "$all" "; zone $z. serial $(domain_row "$z" | cut -d' ' -f2)"
        run -0 --separate-stderr zcdb --db --zone "$z" --text
        [[ $output == "$(exported_text "$z")" ]] ||
            fail_with "zone $z from the database differs from its exported file"
    done
    # In name order, each once.
    [[ $(grep '^; zone' <<<"$all" | cut -d' ' -f3 | tr '\n' ' ') == "alpha.test. beta.test. gamma.test. " ]] ||
        fail_with "zones: $(grep '^; zone' <<<"$all")"
}

@test "the stream of the database reads back as the zones, and is the same bytes every time" {
    zcdb --db -o all.xfr
    zcdb --db >again.xfr
    cmp all.xfr again.xfr || fail_with "two compiles differ"
    dump_records <(zcdb --db --zone gamma.test) >gamma.txt
    grep -q $'^www.gamma.test.\t3600\tIN\tAAAA\t2001:db8::1$' gamma.txt ||
        fail_with "gamma.test: $(cat gamma.txt)"
    # Every message within the limit, every item a full zone with its SOA at both ends.
    run -0 --separate-stderr "$ZC" -c empty.toml --text --json all.xfr
    [[ $(jq -r '[.zones[].kind] | unique | join(",")' <<<"$output") == full ]] ||
        fail_with "kinds"
    [[ $(jq -r '.zones | length' <<<"$output") == 3 ]] || fail_with "zone count"
}

@test "--account selects an account's zones, by id or by name" {
    local id
    id=$(mariadb_sql "SELECT id FROM accounts WHERE name = 'other'")
    run -0 --separate-stderr zcdb --db --account other --text
    assert_contains "$output" "; zone gamma.test."
    refute_contains "$output" "alpha.test."
    run -0 --separate-stderr zcdb --db --account "$id" --text
    assert_contains "$output" "; zone gamma.test."
    run -0 --separate-stderr zcdb --db --account syncer --text
    assert_contains "$output" "; zone alpha.test."
    assert_contains "$output" "; zone beta.test."
    refute_contains "$output" "gamma.test."
}

@test "--zone takes names in any case, with or without the dot, each once" {
    run -0 --separate-stderr zcdb --db --zone ALPHA.Test. --zone alpha.test --text
    [[ $(grep -c '^; zone alpha.test.' <<<"$output") == 1 ]] || fail_with "alpha.test twice"
}

@test "--json summarizes the zones; -o FILE receives the stream" {
    run -0 --separate-stderr zcdb --db --zone beta.test --zone alpha.test --json -o two.xfr
    [[ $(jq -r '[.zones[].zone] | join(" ")' <<<"$output") == "beta.test. alpha.test." ]] ||
        fail_with "the order given"
    local records
    records=$(mariadb_sql "SELECT record_count + 1 FROM domains WHERE name = 'beta.test'")
    [[ $(jq -c '.zones[0] | [.kind, .serial, .records, .source]' <<<"$output") == \
        "[\"full\",$(domain_row beta.test | cut -d' ' -f2),$records,\"database\"]" ]] ||
        fail_with "beta.test's summary"
    [[ $(jq -r '.zones[0].rrsets' <<<"$output") -ge 8 ]] || fail_with "rrsets"
    [[ $(jq -r '.errors, .warnings' <<<"$output") == $'0\n0' ]] || fail_with "counts"
    run -0 "$ZC" -c empty.toml --text --json two.xfr
    [[ $(jq -r '[.zones[].zone] | join(" ")' <<<"$output") == "beta.test. alpha.test." ]] ||
        fail_with "two.xfr"
}

@test "an unknown zone or account exits 66 naming it, and writes nothing" {
    run -66 --separate-stderr zcdb --db --zone alpha.test --zone missing.test -o out.xfr
    assert_contains "$stderr" "zone-compile: no zone missing.test in the database"
    assert_no_file out.xfr
    run -66 --separate-stderr zcdb --db --account nobody
    assert_contains "$stderr" "zone-compile: no account named 'nobody' in the database"
    assert_empty "$output" stdout
    run -66 --separate-stderr zcdb --db --account 999999
    assert_contains "$stderr" "zone-compile: no account with id 999999 in the database"
}

@test "an account without zones gives an empty stream and says so" {
    as_admin api POST /v1/accounts '{"name":"empty-one","plan":"free"}'
    expect_status 201
    run -0 --separate-stderr zcdb --db --account empty-one
    assert_empty "$output" stdout
    assert_contains "$stderr" "zone-compile: no zones in the database for account empty-one"
}

@test "a database without the schema exits 78" {
    mariadb_add_database empty_db
    sed 's/^name = .*/name = "empty_db"/' "$DNSAPID_DIR/zc.toml" >bare.toml
    run -78 --separate-stderr "$ZC" -c bare.toml --db -o out.xfr
    assert_contains "$stderr" "zone-compile: database 'empty_db' has no EndpointDNS schema (run dnsapid migrate)"
    assert_no_file out.xfr
}
