# SPDX-License-Identifier: MIT
# ACME DNS-01 tests: Debian's pebble (an ACME test CA) resolving through one of our edges,
# certbot with contrib/certbot-hook. Load after ../helpers, ../dnsapid/dnsapid, ../fanout/fanout.
#
#   acme_require CLIENT     skip unless pebble, CLIENT, openssl and dig are installed
#   acme_setup_file ZONE... MariaDB, dnsapid, two edges, the zones, an "ACME only" key, pebble
#   acme_teardown_file / acme_setup   the matching teardown_file and setup()
#   edge_txt_queries I      the TXT queries edge I has answered (its /metrics)
#   acme_tls DIR            a throwaway CA (DIR/ca.pem) and pebble's HTTPS certificate for
#                           127.0.0.1 (DIR/cert.pem, DIR/key.pem)
#   pebble_start I          pebble on free loopback ports, resolving through edge I's DNS
#                           port; exports PEBBLE_DIR_URL, PEBBLE_CA (its HTTPS CA) and
#                           PEBBLE_MGMT (management API: its issuing roots)
#   pebble_stop             stops it by its pid
#   run_certbot DOMAIN...   certbot certonly with the hook for the domains, in ACME_DIR/certbot

HOOK="$SRC/contrib/certbot-hook"
export HOOK

# acme_require CLIENT: skip unless pebble, CLIENT (certbot, lego), openssl and dig are installed.
acme_require() {
    require_cmd pebble "$1" openssl dig curl jq
}

# acme_setup_file ZONE [OTHER-ZONE...]: setup_file of the ACME tests: MariaDB, dnsapid, two
# edges, an account with the zones, an "ACME only" key for ZONE in ACME_DIR/acme.key (the
# account's unrestricted key in BATS_FILE_TMPDIR/key), and pebble resolving through edge 1.
acme_setup_file() {
    local zone=$1
    ACME_DIR=$BATS_FILE_TMPDIR/acme
    export ACME_DIR
    mkdir -p "$ACME_DIR" || return 1
    dnsapid_setup_file || return 1
    edges_start 2 || return 1
    KEY=$(new_account acme free) || return 1
    printf '%s\n' "$KEY" >"$BATS_FILE_TMPDIR/key"
    local z
    for z in "$@"; do
        new_domain "$z" || return 1
    done
    # The key the ACME client gets: _acme-challenge TXT records of the one domain, nothing else.
    new_key "$(jq -cn --arg z "$zone" '{name: "acme", write: true, domains: [$z],
        names: ["_acme-challenge.*"], types: ["TXT"]}')" || return 1
    (umask 077 && printf '%s\n' "$NEW_SECRET" >"$ACME_DIR/acme.key") || return 1
    pebble_start 1
}

acme_teardown_file() {
    [[ -n ${ACME_DIR-} ]] && pebble_stop
    fanout_teardown_file
}

# acme_setup: setup() of the ACME tests: the fan-out test setup, and the hook's settings.
acme_setup() {
    fanout_setup
    export ENDPOINTDNS_API_URL=$DNSAPID_URL
    export ENDPOINTDNS_API_KEY_FILE=$ACME_DIR/acme.key
    unset ENDPOINTDNS_API_KEY ENDPOINTDNS_WAIT ENDPOINTDNS_ACME_TTL
}

# edge_txt_queries I: the TXT queries edge I has counted (UDP and TCP), from its /metrics.
edge_txt_queries() {
    curl -s -m 5 -H "Authorization: Bearer $(<"$EDGES_DIR/ns$1/key")" \
        "http://127.0.0.1:${EDGE_HTTP[$1]}/metrics" |
        awk '/^dns_queries_total\{.*type="TXT"/ { n += $NF } END { print n + 0 }'
}

acme_tls() {
    local dir=$1
    mkdir -p "$dir" || return 1
    (
        cd "$dir" || exit 1
        openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
            -subj '/CN=EndpointDNS test CA for pebble' -keyout ca.key -out ca.pem &&
            openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
                -subj '/CN=127.0.0.1' -keyout key.pem -out cert.csr &&
            printf '%s\n' 'subjectAltName=IP:127.0.0.1,DNS:localhost' 'basicConstraints=CA:FALSE' \
                'extendedKeyUsage=serverAuth' >cert.ext &&
            openssl x509 -req -in cert.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 \
                -extfile cert.ext -out cert.pem
    ) >"$dir/openssl.log" 2>&1 || {
        cat "$dir/openssl.log" >&2
        return 1
    }
}

pebble_start() {
    local edge=$1 dir=$ACME_DIR/pebble port mgmt tries=0 attempts=0
    mkdir -p "$dir" || return 1
    acme_tls "$dir" || return 1
    while :; do
        port=$(free_port) && mgmt=$(free_port) || return 1
        [[ $port != "$mgmt" ]] || continue
        # httpPort and tlsPort serve HTTP-01 and TLS-ALPN-01 checks, which these tests never
        # ask for; pebble wants them all the same.
        jq -n --arg l "127.0.0.1:$port" --arg m "127.0.0.1:$mgmt" --arg d "$dir" '{pebble: {
            listenAddress: $l, managementListenAddress: $m,
            certificate: "\($d)/cert.pem", privateKey: "\($d)/key.pem",
            httpPort: 5002, tlsPort: 5001, ocspResponderURL: "",
            externalAccountBindingRequired: false}}' >"$dir/pebble.json" || return 1
        # No artificial validation delays, no nonces refused at random, no authorization
        # reused (every order is validated through the hook): fast and deterministic.
        PEBBLE_VA_NOSLEEP=1 PEBBLE_WFE_NONCEREJECT=0 PEBBLE_AUTHZREUSE=0 pebble -config "$dir/pebble.json" \
            -dnsserver "127.0.0.1:${EDGE_DNS[edge]}" >>"$dir/log" 2>&1 3>&- &
        echo $! >"$dir/pid"
        tries=0
        while ! curl -s -m 2 --cacert "$dir/ca.pem" -o /dev/null "https://127.0.0.1:$port/dir"; do
            if ! kill -0 "$(<"$dir/pid")" 2>/dev/null; then
                # A port taken meanwhile by a parallel test: new ports, a few times.
                if ((++attempts < 3)); then
                    continue 2
                fi
                echo "pebble exited before answering; its log:" >&2
                cat "$dir/log" >&2
                return 1
            fi
            if ((++tries > 200)); then
                echo "pebble did not answer https://127.0.0.1:$port/dir within 10 s; its log:" >&2
                cat "$dir/log" >&2
                return 1
            fi
            sleep 0.05
        done
        break
    done
    PEBBLE_DIR_URL=https://127.0.0.1:$port/dir
    PEBBLE_CA=$dir/ca.pem
    PEBBLE_MGMT=https://127.0.0.1:$mgmt
    export PEBBLE_DIR_URL PEBBLE_CA PEBBLE_MGMT
}

pebble_stop() {
    local pid
    pid=$(cat "$ACME_DIR/pebble/pid" 2>/dev/null) || return 0
    kill "$pid" 2>/dev/null || true
    local tries=0
    while kill -0 "$pid" 2>/dev/null && ((tries++ < 100)); do sleep 0.05; done
    kill -KILL "$pid" 2>/dev/null || true
}

# run_certbot DOMAIN...: certbot certonly (certificate name CERT_NAME, default acme-test) --manual with the hook as both hooks (it tells auth
# from cleanup itself), its settings in the hook command itself (`env NAME=VALUE ... hook`: certbot
# checks that the first word is a program, and keeps the command for
# `certbot renew`), as docs/clients.md shows; pebble's HTTPS trusted through REQUESTS_CA_BUNDLE,
# everything under ACME_DIR/certbot. The hook's settings come from ENDPOINTDNS_API_URL and
# ENDPOINTDNS_API_KEY_FILE, removed from certbot's own environment.
run_certbot() {
    local d args=() c=$ACME_DIR/certbot hook
    for d in "$@"; do args+=(-d "$d"); done
    hook="env ENDPOINTDNS_API_URL=$ENDPOINTDNS_API_URL ENDPOINTDNS_API_KEY_FILE=$ENDPOINTDNS_API_KEY_FILE $HOOK"
    certbot_env certbot certonly --manual --preferred-challenges dns \
        --manual-auth-hook "$hook" --manual-cleanup-hook "$hook" \
        --server "$PEBBLE_DIR_URL" --config-dir "$c/config" --work-dir "$c/work" \
        --logs-dir "$c/logs" --agree-tos --register-unsafely-without-email \
        --non-interactive --cert-name "${CERT_NAME:-acme-test}" "${args[@]}"
}

# certbot_env COMMAND...: COMMAND without the hook's settings in its environment (they must come
# from the hook command certbot keeps), trusting pebble's HTTPS.
certbot_env() {
    env -u ENDPOINTDNS_API_URL -u ENDPOINTDNS_API_KEY_FILE REQUESTS_CA_BUNDLE="$PEBBLE_CA" "$@"
}
