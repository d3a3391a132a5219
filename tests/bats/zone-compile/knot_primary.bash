# SPDX-License-Identifier: MIT
# A throwaway Knot DNS primary on a random loopback port, serving zones for AXFR tests (zone-compile --axfr, migration into dnsapid).
#
# Load after ../helpers. Needs knotd (Debian's knot); the caller skips without it.
#
#   knot_primary_start DIR   writes DIR/zones (migrate.test, locked.test, closed.test,
#                            big.test: locked.test and 3000 more records), the
#                            configuration and starts knotd; sets KNOT_PORT, KNOT_PID,
#                            KNOT_KEY_NAME, KNOT_KEY_SECRET
#   knot_primary_stop        stops it by its pid
#   knot_zone ORIGIN         the zone every one of them holds (with that origin), on stdout
#   bind_keyfile FILE [SECRET]  the TSIG key as `tsig-keygen` writes it
#
# migrate.test may be transferred by anyone from 127.0.0.1; locked.test only with the TSIG
# key KNOT_KEY_NAME (hmac-sha256, KNOT_KEY_SECRET), as big.test, whose transfer takes many
# messages; closed.test by nobody.
# shellcheck disable=SC2016 # $ORIGIN and $TTL are zone-file directives

# The start of knotd's configuration (diff_knot_conf_head) is shared with the other Knot tests.
# shellcheck source-path=SCRIPTDIR source=../../diff/servers.bash
source "$SRC/tests/diff/servers.bash"

KNOT_KEY_NAME=transfer.key.
KNOT_KEY_SECRET=c2VjcmV0LWtleS1mb3ItdGhlLWF4ZnItdGVzdHMtMQ==

# knot_zone ORIGIN: see the top.
knot_zone() {
    local o=$1
    printf '$ORIGIN %s.\n$TTL 3600\n' "$o"
    sed "s/@O@/$o/g" <<'ZONE'
@             IN SOA   ns1.@O@. hostmaster.@O@. 2024060101 7200 3600 1209600 300
@             IN NS    ns1.@O@.
@             IN NS    ns2.elsewhere.example.
@             IN MX    10 mail.@O@.
@             IN MX    20 mx.elsewhere.example.
@             IN TXT   "v=spf1 mx -all"
@             IN TXT   "two strings" "in one record"
@             IN CAA   0 issue "letsencrypt.org"
@         300 IN A     192.0.2.10
@         300 IN AAAA  2001:db8::10
ns1           IN A     192.0.2.53
ns1           IN AAAA  2001:db8::53
mail          IN A     192.0.2.25
www       300 IN A     192.0.2.80
www       300 IN A     192.0.2.81
www       300 IN AAAA  2001:db8::80
alias         IN CNAME www.@O@.
_sip._tcp     IN SRV   10 60 5060 sip.@O@.
sip           IN A     192.0.2.60
*.wild        IN A     192.0.2.99
host          IN SSHFP 1 1 0123456789abcdef0123456789abcdef01234567
_443._tcp.www IN TLSA  3 1 1 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
geo           IN LOC   52 22 23.000 N 4 53 32.000 E -2.00m 0.00m 10000m 10m
naptr         IN NAPTR 100 10 "U" "E2U+sip" "!^.*$!sip:info@example.net!" .
_http._tcp    IN URI   10 1 "https://www.example.net/"
sub           IN NS    ns.sub.@O@.
sub           IN DS    12345 13 2 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
ns.sub        IN A     192.0.2.54
ZONE
}

# knot_primary_start DIR: see the top.
knot_primary_start() {
    local dir=$1 knotd z
    knotd=$(command -v knotd 2>/dev/null || echo /usr/sbin/knotd)
    [[ -x $knotd ]] || {
        echo "knotd is not installed" >&2
        return 1
    }
    mkdir -p "$dir/zones" "$dir/db" || return 1
    for z in migrate.test locked.test closed.test; do
        knot_zone "$z" >"$dir/zones/$z.zone"
    done
    {
        knot_zone big.test
        seq 1 3000 | awk '{ printf "h%d IN TXT \"record %d of the big zone, long enough to fill messages\"\n", $1, $1 }'
    } >"$dir/zones/big.test.zone"
    KNOT_PORT=$(free_port) || return 1
    # A second key for the locked zones, as `keymgr -t` prints it (DIR/keymgr.key), when keymgr
    # is there; --tsig reads that file as it is.
    local keymgr extra_key="" extra_id=""
    keymgr=$(command -v keymgr 2>/dev/null || echo /usr/sbin/keymgr)
    if [[ -x $keymgr ]] && "$keymgr" -t keymgr.key >"$dir/keymgr.key" 2>/dev/null; then
        extra_key=$(printf '  - id: keymgr.key\n    algorithm: hmac-sha256\n    secret: %s' \
            "$(awk '$1 == "secret:" { print $2 }' "$dir/keymgr.key")")
        extra_id=", keymgr.key"
    else
        rm -f "$dir/keymgr.key"
    fi
    {
        diff_knot_conf_head "$dir" "$KNOT_PORT"
        cat <<CONF
key:
  - id: $KNOT_KEY_NAME
    algorithm: hmac-sha256
    secret: $KNOT_KEY_SECRET
$extra_key
acl:
  - id: anyone
    address: 127.0.0.0/8
    action: transfer
  - id: with_key
    address: 127.0.0.0/8
    key: [$KNOT_KEY_NAME$extra_id]
    action: transfer
template:
  - id: default
    storage: "$dir/zones"
    journal-content: none
    zonefile-sync: -1
    zonefile-load: whole
zone:
  - domain: migrate.test.
    acl: anyone
  - domain: locked.test.
    acl: with_key
  - domain: closed.test.
  - domain: big.test.
    acl: with_key
CONF
    } >"$dir/knot.conf"
    # fd 3 closed so that bats does not wait for knotd.
    "$knotd" -c "$dir/knot.conf" >"$dir/knotd.log" 2>&1 3>&- &
    KNOT_PID=$!
    diff_wait_served knotd "$KNOT_PID" "$KNOT_PORT" "$dir/knotd.log" \
        migrate.test locked.test closed.test big.test || return 1
    export KNOT_PORT KNOT_PID KNOT_KEY_NAME KNOT_KEY_SECRET
}

# knot_primary_stop: see the top.
knot_primary_stop() {
    [[ -n ${KNOT_PID-} ]] || return 0
    kill "$KNOT_PID" 2>/dev/null || true
    local tries=0
    while kill -0 "$KNOT_PID" 2>/dev/null && ((tries++ < 100)); do sleep 0.05; done
    kill -KILL "$KNOT_PID" 2>/dev/null || true
}

# bind_keyfile FILE [SECRET]: see the top.
bind_keyfile() {
    printf 'key "%s" {\n\talgorithm hmac-sha256;\n\tsecret "%s";\n};\n' \
        "${KNOT_KEY_NAME%.}" "${2:-$KNOT_KEY_SECRET}" >"$1"
}
