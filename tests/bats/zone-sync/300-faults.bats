#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# zone-sync faults: unknown server (66), edge down (69), wrong key (77), edge refusing zones or a body too large (76), database down (69), each with its one-line error.
#
# One MariaDB and dnsapid for the file (sync.bash); the database-down test runs last and starts
# MariaDB again. $stderr is set by bats (run --separate-stderr).
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
    sync_teardown
}

@test "an unknown server exits 66 naming it and the known ones" {
    start_edge known-one
    run -66 --separate-stderr zs --server nosuch
    assert_empty "$output" stdout
    assert_line_matches "$stderr" '^zone-sync: --server nosuch: no such server in the registry \(known: .*known-one.*\)$'
    # Nothing is done for the good one either.
    run -66 --separate-stderr zs --server known-one --server nosuch
    assert_empty "$(rows known-one)" "rows"
}

@test "an edge that is down exits 69 after its retries; the registry records it" {
    make_zone down.test
    local port
    port=$(free_port)
    register_edge down "http://127.0.0.1:$port" key 0
    run -69 --separate-stderr zs --server down -r 1
    assert_line_matches "$stderr" "^zone-sync: down: GET http://127\\.0\\.0\\.1:$port/v1/zones: .*\\(2 attempts\\)$"
    assert_line_matches "$output" '^down: failed$'
    [[ $(mariadb_sql "SELECT reachable, last_error <> '' FROM servers WHERE name = 'down'") == $'0\t1' ]] ||
        fail_with "registry: $(mariadb_sql "SELECT reachable, last_error FROM servers WHERE name = 'down'")"
    run -69 --separate-stderr zs --server down -r 0 --dry-run
    assert_contains "$stderr" "zone-sync: down: GET http://127.0.0.1:$port/v1/zones: "
    run -69 --separate-stderr zs --server down -r 0 --json
    [[ $(jq -r '.exit, .servers[0].exit, (.servers[0].error | test("GET http"))' <<<"$output") == \
        $'69\n69\ntrue' ]] || fail_with "--json"
    drop_zone down.test
}

@test "a wrong key exits 77 and changes nothing" {
    make_zone locked.test
    start_edge locked
    printf 'not-the-key-of-this-edge\n' >wrong.key
    register_edge locked "http://127.0.0.1:$LOCKED_HTTP" wrong.key 0
    run -77 --separate-stderr zs --server locked
    assert_line_matches "$stderr" "^zone-sync: locked: GET http://127\\.0\\.0\\.1:$LOCKED_HTTP/v1/zones: HTTP 401: "
    assert_empty "$(edge_zones locked)" "the edge's zones"
    assert_empty "$(rows locked)" "rows"
    run -77 zs --server locked --dry-run
    drop_zone locked.test
}

@test "an edge that refuses a zone: 76, the others are acked, the refused one's row counts a failure" {
    make_zone fits.test
    new_domain toobig.test
    put_rrset toobig.test many A '["192.0.2.1","192.0.2.2","192.0.2.3","192.0.2.4","192.0.2.5","192.0.2.6","192.0.2.7","192.0.2.8","192.0.2.9","192.0.2.10","192.0.2.11","192.0.2.12"]'
    # fits.test holds 9 records with its SOA, toobig.test 15.
    printf '[zones]\nmax_records = 10\n' >picky.toml
    start_edge picky key picky.toml
    run -76 --separate-stderr zs --server picky
    assert_line_matches "$output" '^picky +fits\.test\. +add +- +[0-9]+ +ok$'
    assert_line_matches "$output" '^picky +toobig\.test\. +add +- +[0-9]+ +HTTP 400: .*toobig\.test'
    assert_line_matches "$stderr" '^zone-sync: picky: toobig\.test\.: HTTP 400: '
    grep -q "^fits.test $(domain_row fits.test)\$" <<<"$(rows picky)" ||
        fail_with "fits.test is not acked: $(rows picky)"
    [[ $(mariadb_sql "SELECT sz.serial, sz.failures, sz.last_error LIKE 'HTTP 400:%' FROM server_zones sz
        JOIN servers s ON s.id = sz.server_id WHERE s.name = 'picky' AND sz.zone = 'toobig.test'") == \
        $'0\t1\t1' ]] || fail_with "the row of toobig.test: $(rows picky)"
    [[ $(edge_dig picky www.fits.test A) == $'192.0.2.10\n192.0.2.11' ]] || fail_with "fits.test"
    run -1 zs --server picky --dry-run
    assert_row "$output" "picky toobig.test. add - $(domain_row toobig.test | cut -d' ' -f2)"
    drop_zone fits.test
    drop_zone toobig.test
}

@test "a zone larger than the edge's max_body: 76 with a hint" {
    new_domain huge.test
    put_rrset huge.test pad TXT "[$(printf '"%0250d",' $(seq 1 20) | sed 's/,$//')]"
    printf '[http]\nmax_body = 2048\n' >tiny.toml
    start_edge tiny key tiny.toml
    run -76 --separate-stderr zs --server tiny
    assert_line_matches "$stderr" '^zone-sync: tiny: POST http://.*/v1/zones: HTTP 413: .*\(lower \[push\] chunk_size of zone-sync, or raise \[http\] max_body of the edge\)$'
    assert_empty "$(edge_zones tiny)" "the edge's zones"
    drop_zone huge.test
}

@test "a failure part-way keeps what the edge acknowledged" {
    local i
    for i in 1 2 3; do make_zone "part$i.test"; done
    # part2 is refused by its size; part1 and part3 go through; the rows say so.
    put_rrset part2.test pad TXT "[$(printf '"%0250d",' $(seq 1 20) | sed 's/,$//')]"
    printf '[zones]\nmax_records = 12\n' >part.toml
    start_edge part key part.toml
    run -76 zs --server part
    grep -q "^part1.test $(domain_row part1.test)\$" <<<"$(rows part)" || fail_with "part1: $(rows part)"
    grep -q "^part3.test $(domain_row part3.test)\$" <<<"$(rows part)" || fail_with "part3: $(rows part)"
    [[ $(edge_zones part | cut -d' ' -f1 | tr '\n' ' ') == "part1.test. part3.test. " ]] ||
        fail_with "edge: $(edge_zones part)"
    for i in 1 2 3; do drop_zone "part$i.test"; done
}

@test "a database without the server registry exits 78" {
    mariadb_add_database bare
    write_db_config bare.toml
    sed -i "s/^name = .*/name = \"bare\"/" bare.toml
    run -78 --separate-stderr "$ZS" -c bare.toml --all
    assert_contains "$stderr" "zone-sync: database 'bare' has no EndpointDNS schema (run dnsapid migrate)"
}

@test "the database down exits 69, for a sync and for a dry run" {
    make_zone nodb.test
    start_edge nodb
    mariadb_stop
    run -69 --separate-stderr zs --server nodb
    assert_line_matches "$stderr" '^zone-sync: database unavailable: '
    run -69 --separate-stderr zs --server nodb --dry-run
    assert_line_matches "$stderr" '^zone-sync: database unavailable: '
    assert_empty "$(edge_zones nodb)" "the edge's zones"
    mariadb_restart
    run -0 zs --server nodb
    drop_zone nodb.test
}
