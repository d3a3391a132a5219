#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# zone-sync happy path: a new or wiped edge gets the database's zones, stale zones are updated, gone ones deleted, --dry-run is a predicate, server_zones says what each edge acknowledged.
#
# A real dnsapid on a throwaway MariaDB makes the zones through its REST API; real dns-serve
# edges are registered in the servers table with SQL (POST /v1/servers is not on this branch).
# The database lives for the whole file: every test makes zones of its own and deletes them
# at its end, so the others see only theirs plus leftovers they do not count.
# $stderr is set by bats (run --separate-stderr).
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

# zones_in_db: every zone the database holds, as the edge names them, sorted like GET
# /v1/zones would not be: plain sort, for comparisons after a sort of the other side.
zones_in_db() {
    mariadb_sql "SELECT CONCAT(name, '. ', serial) FROM domains" | sort
}

@test "a new edge gets every zone: --dry-run 1 before, the sync, --dry-run 0 after" {
    make_zone new-a.test
    make_zone new-b.test
    start_edge fresh
    run -1 --separate-stderr zs --server fresh --dry-run
    assert_row "$output" "fresh new-a.test. add - $(domain_row new-a.test | cut -d' ' -f2)"
    assert_row "$output" "fresh new-b.test. add - $(domain_row new-b.test | cut -d' ' -f2)"
    assert_line_matches "$output" '^fresh: [0-9]+ to add, 0 to update, 0 to delete, 0 in sync$'
    assert_empty "$stderr" stderr
    # A dry run changes nothing: no rows, no zones, no contact recorded.
    assert_empty "$(rows fresh)" "server_zones rows"
    assert_empty "$(edge_zones fresh)" "the edge's zones"
    [[ $(mariadb_sql "SELECT reachable IS NULL FROM servers WHERE name = 'fresh'") == 1 ]] ||
        fail_with "a dry run recorded a contact"

    run -0 --separate-stderr zs --server fresh
    assert_row "$output" "fresh new-a.test. add - $(domain_row new-a.test | cut -d' ' -f2) ok"
    assert_line_matches "$output" '^fresh: [0-9]+ added, 0 updated, 0 deleted, 0 in sync \([0-9.]+ s\)$'
    assert_empty "$stderr" stderr
    [[ $(edge_zones fresh | sort) == "$(zones_in_db)" ]] ||
        fail_with "the edge holds $(edge_zones fresh), the database $(zones_in_db)"
    [[ $(edge_dig fresh www.new-a.test A) == $'192.0.2.10\n192.0.2.11' ]] ||
        fail_with "www.new-a.test A: $(edge_dig fresh www.new-a.test A)"
    [[ $(edge_dig fresh new-b.test TXT) == $'"hello world"\n"v=spf1 mx -all"' ]] ||
        fail_with "new-b.test TXT: $(edge_dig fresh new-b.test TXT)"
    # Every zone's row names the domain and the serial the edge acknowledged.
    local want
    want=$(mariadb_sql "SELECT CONCAT(name, ' ', id, ' ', serial) FROM domains ORDER BY name")
    [[ $(rows fresh) == "$want" ]] || fail_with "rows: $(rows fresh); want: $want"
    [[ $(mariadb_sql "SELECT reachable FROM servers WHERE name = 'fresh'") == 1 ]] ||
        fail_with "the contact was not recorded"

    run -0 --separate-stderr zs --server fresh --dry-run
    assert_line_matches "$output" '^fresh: in sync \([0-9]+ zones\)$'
    [[ $(wc -l <<<"$output") == 1 ]] || fail_with "a table was printed"
    drop_zone new-a.test
    drop_zone new-b.test
}

@test "an edge whose disk state is wiped is rebuilt" {
    make_zone wiped-a.test
    make_zone wiped-b.test
    put_rrset wiped-b.test deep.sub CNAME '["www.wiped-b.test."]'
    start_edge wiped
    run -0 zs --server wiped
    local before
    before=$(edge_zones wiped)
    stop_edge wiped
    rm -rf wiped/state
    start_edge wiped
    assert_empty "$(edge_zones wiped)" "the wiped edge's zones"
    [[ $(edge_rcode wiped www.wiped-a.test A) == REFUSED ]] || fail_with "the wiped edge answers"
    # The rows still say the edge has every zone: --dry-run asks the edge, not the rows.
    run -1 --separate-stderr zs --server wiped --dry-run
    assert_row "$output" "wiped wiped-a.test. add - $(domain_row wiped-a.test | cut -d' ' -f2)"
    assert_row "$output" "wiped wiped-b.test. add - $(domain_row wiped-b.test | cut -d' ' -f2)"
    run -0 --separate-stderr zs --server wiped
    assert_row "$output" "wiped wiped-b.test. add - $(domain_row wiped-b.test | cut -d' ' -f2) ok"
    [[ $(edge_zones wiped) == "$before" ]] || fail_with "rebuilt: $(edge_zones wiped); before: $before"
    [[ $(edge_dig wiped deep.sub.wiped-b.test A) == $'192.0.2.10\n192.0.2.11\nwww.wiped-b.test.' ]] ||
        fail_with "deep.sub.wiped-b.test A: $(edge_dig wiped deep.sub.wiped-b.test A)"
    run -0 zs --server wiped --dry-run
    # The edge rebuilt from its own disk answers the same after a restart.
    stop_edge wiped
    start_edge wiped
    [[ $(edge_zones wiped) == "$before" ]] || fail_with "after a restart: $(edge_zones wiped)"
    run -0 zs --server wiped --dry-run
    drop_zone wiped-a.test
    drop_zone wiped-b.test
}

@test "a stale zone is updated, a zone the database no longer has is deleted" {
    make_zone stale.test
    make_zone gone.test
    make_zone same.test
    start_edge moving
    run -0 zs --server moving
    local old_serial gone_serial
    old_serial=$(domain_row stale.test | cut -d' ' -f2)
    gone_serial=$(domain_row gone.test | cut -d' ' -f2)
    put_rrset stale.test www A '["198.51.100.7"]'
    put_rrset stale.test new AAAA '["2001:db8::7"]'
    drop_zone gone.test
    local new_serial
    new_serial=$(domain_row stale.test | cut -d' ' -f2)

    run -1 --separate-stderr zs --server moving --dry-run
    assert_row "$output" "moving stale.test. update $old_serial $new_serial"
    assert_row "$output" "moving gone.test. delete $gone_serial -"
    refute_contains "$output" "same.test."
    assert_line_matches "$output" '^moving: 0 to add, 1 to update, 1 to delete, [0-9]+ in sync$'

    run -0 --separate-stderr zs --server moving
    assert_row "$output" "moving stale.test. update $old_serial $new_serial ok"
    assert_row "$output" "moving gone.test. delete $gone_serial - ok"
    assert_line_matches "$output" '^moving: 0 added, 1 updated, 1 deleted, [0-9]+ in sync '
    [[ $(edge_dig moving www.stale.test A) == 198.51.100.7 ]] ||
        fail_with "www.stale.test A: $(edge_dig moving www.stale.test A)"
    [[ $(edge_dig moving new.stale.test AAAA) == 2001:db8::7 ]] ||
        fail_with "new.stale.test AAAA: $(edge_dig moving new.stale.test AAAA)"
    [[ $(edge_rcode moving www.gone.test A) == REFUSED ]] ||
        fail_with "the deleted zone is still answered: $(edge_rcode moving www.gone.test A)"
    grep -q '^stale.test [0-9]* '"$new_serial"'$' <<<"$(rows moving)" ||
        fail_with "the row of stale.test does not say $new_serial: $(rows moving)"
    refute_contains "$(rows moving)" "gone.test"
    run -0 zs --server moving --dry-run
    drop_zone stale.test
    drop_zone same.test
}

@test "a zone the edge already holds at the database's serial is not sent, and its row is acked" {
    make_zone known.test
    start_edge known
    # The zone reaches the edge by another way (zone-compile --db | zone-push): no row.
    write_zc_config zc.toml
    "$ZC" -c zc.toml --db --zone known.test |
        "$ZP" -c empty.toml -s "http://127.0.0.1:$KNOWN_HTTP" -k key >/dev/null
    refute_contains "$(rows known)" "known.test"
    # The edge holds what the database holds: in sync, whatever the rows say.
    run -0 zs --server known --dry-run
    refute_contains "$output" "known.test."
    run -0 --separate-stderr zs --server known
    refute_contains "$output" "known.test."
    grep -q "^known.test $(domain_row known.test)\$" <<<"$(rows known)" ||
        fail_with "known.test's row: $(rows known); domain: $(domain_row known.test)"
    # Nothing was sent for it: the edge counted one put from zone-push, and one for each zone
    # zone-sync added (other tests' zones, if one failed before deleting them).
    local puts added
    added=$(sed -n 's/^known: \([0-9]*\) added.*/\1/p' <<<"$output")
    puts=$(curl -s -H "Authorization: Bearer $(<key)" "http://127.0.0.1:$KNOWN_HTTP/metrics" |
        awk '$1 == "dns_serve_pushes_total{kind=\"put\",result=\"ok\"}" { print $2 }')
    [[ $puts == $((added + 1)) ]] || fail_with "$puts puts, $added zones added"
    drop_zone known.test
}

@test "a zone the edge holds from elsewhere, unknown to the database, is deleted" {
    start_edge foreign
    small_zone foreign.example.zone foreign.example 7
    "$ZC" -c empty.toml -q foreign.example.zone |
        "$ZP" -c empty.toml -s "http://127.0.0.1:$FOREIGN_HTTP" -k key >/dev/null
    run -1 zs --server foreign --dry-run
    assert_row "$output" "foreign foreign.example. delete 7 -"
    run -0 zs --server foreign
    assert_row "$output" "foreign foreign.example. delete 7 - ok"
    refute_contains "$(edge_zones foreign)" "foreign.example."
    refute_contains "$(rows foreign)" "foreign.example"
}

@test "a row of a zone neither side holds is dropped" {
    start_edge tidy
    run -0 zs --server tidy
    mariadb_sql "INSERT INTO server_zones (server_id, zone, domain_id, serial)
        SELECT id, 'left-over.test', 999999, 3 FROM servers WHERE name = 'tidy'"
    run -0 zs --server tidy --dry-run
    run -0 zs --server tidy
    refute_contains "$(rows tidy)" "left-over.test"
}

@test "--all syncs every active edge, and not an inactive one" {
    make_zone everywhere.test
    ACTIVE=1 start_edge all-a
    ACTIVE=1 start_edge all-b
    start_edge all-off
    # The other tests' edges are inactive (and gone).
    # A dnsapid with a fan-out may bring the active edges up to date on its own meanwhile:
    # 1 or 0 before, 0 after.
    run --separate-stderr zs --all --dry-run
    ((status == 1 || status == 0)) || fail_with "--dry-run exited $status"
    assert_line_matches "$output" '^all-a: '
    assert_line_matches "$output" '^all-b: '
    refute_contains "$output" "all-off"
    run -0 --separate-stderr zs --all
    assert_line_matches "$output" '^all-a: [0-9]+ added'
    assert_line_matches "$output" '^all-b: [0-9]+ added'
    [[ $(edge_dig all-a www.everywhere.test A) == $'192.0.2.10\n192.0.2.11' ]] ||
        fail_with "all-a: $(edge_dig all-a www.everywhere.test A)"
    [[ $(edge_dig all-b www.everywhere.test A) == $'192.0.2.10\n192.0.2.11' ]] ||
        fail_with "all-b: $(edge_dig all-b www.everywhere.test A)"
    assert_empty "$(edge_zones all-off)" "the inactive edge's zones"
    # An inactive edge named explicitly is synced.
    run -0 zs --server all-off
    [[ $(edge_dig all-off www.everywhere.test A) == $'192.0.2.10\n192.0.2.11' ]] ||
        fail_with "all-off: $(edge_dig all-off www.everywhere.test A)"
    run -0 zs --all --dry-run
    mariadb_sql "UPDATE servers SET active = 0 WHERE name IN ('all-a', 'all-b')"
    drop_zone everywhere.test
}

@test "--json: the differences and the results, stable member names" {
    make_zone json-a.test
    start_edge json
    small_zone other.example.zone other.example 5
    "$ZC" -c empty.toml -q other.example.zone |
        "$ZP" -c empty.toml -s "http://127.0.0.1:$JSON_HTTP" -k key >/dev/null
    local serial
    serial=$(domain_row json-a.test | cut -d' ' -f2)
    run -1 --separate-stderr zs --server json --dry-run --json
    [[ $(jq -r '.dry_run, .exit' <<<"$output") == $'true\n1' ]] || fail_with "dry_run/exit"
    [[ $(jq -r '.servers[0] | .server, .exit, .error, .delete' <<<"$output") == $'json\n1\nnull\n1' ]] ||
        fail_with "server members"
    [[ $(jq -c '.servers[0].zones[] | select(.zone == "json-a.test.")' <<<"$output") == \
        "{\"zone\":\"json-a.test.\",\"action\":\"add\",\"edge_serial\":null,\"serial\":$serial}" ]] ||
        fail_with "the zone member"
    [[ $(jq -c '.servers[0].zones[] | select(.zone == "other.example.")' <<<"$output") == \
        '{"zone":"other.example.","action":"delete","edge_serial":5,"serial":null}' ]] ||
        fail_with "the delete member"
    run -0 --separate-stderr zs --server json --json
    [[ $(jq -r '.dry_run, .exit' <<<"$output") == $'false\n0' ]] || fail_with "dry_run/exit"
    [[ $(jq -c '.servers[0].zones[] | select(.zone == "json-a.test.")' <<<"$output") == \
        "{\"zone\":\"json-a.test.\",\"action\":\"add\",\"edge_serial\":null,\"serial\":$serial,\"ok\":true,\"status\":200,\"error\":null}" ]] ||
        fail_with "the zone member"
    [[ $(jq -r '.servers[0] | .url, (.time | type)' <<<"$output") == \
        "http://127.0.0.1:$JSON_HTTP"$'\nnumber' ]] || fail_with "url/time"
    drop_zone json-a.test
}

@test "many zones go in chunks that each fit the edge's max_body" {
    local i txt
    # 30 zones of about 8 KiB (30 TXT records of 250 octets each): 240 KiB in all.
    txt="[$(printf '"%0250d",' $(seq 1 30) | sed 's/,$//')]"
    for i in $(seq 1 30); do
        new_domain "chunk$i.test"
        put_rrset "chunk$i.test" pad TXT "$txt"
    done
    printf '[http]\nmax_body = 100000\n' >small-body.toml
    start_edge chunky key small-body.toml
    write_db_config chunky.toml 'chunk_size = 65536'
    run --separate-stderr "$ZS" -c chunky.toml --server chunky
    ((status == 0)) || fail_with "zone-sync exited $status"
    for i in $(seq 1 30); do
        assert_row "$output" "chunky chunk$i.test. add - $(domain_row "chunk$i.test" | cut -d' ' -f2) ok"
    done
    [[ $(edge_dig chunky pad.chunk17.test TXT | wc -l) == 30 ]] || fail_with "pad.chunk17.test TXT"
    run -0 "$ZS" -c chunky.toml --server chunky --dry-run
    for i in $(seq 1 30); do drop_zone "chunk$i.test"; done
}
