#!/bin/sh
# SPDX-License-Identifier: MIT
# make demo: compile the sample zone, start two dns-serve edges on loopback, push, dig both.
#
# Everything lives under ./var/demo (state, keys, logs, pid files); nothing system-wide.
# Running it again first stops what the previous run started. `make demo-stop` stops it.
set -eu

build=${BUILD:-build}
var=var/demo
zone=etc/zones/example.com.zone

sh scripts/demo-stop.sh
mkdir -p "$var"

echo "== zone-compile --check $zone"
"$build/zone-compile" --check "$zone"
echo "== zone-compile $zone -o $var/example.com.xfr"
"$build/zone-compile" "$zone" -o "$var/example.com.xfr"
"$build/zone-compile" --json --text "$var/example.com.xfr"

# Two edges, as two name servers of one zone would be on two hosts.
conf=$var/zone-push.toml
: >"$conf"
for n in 1 2; do
    dir=$var/ns$n
    mkdir -p "$dir"
    [ -s "$dir/key" ] || (umask 077 && od -An -tx1 -N24 /dev/urandom | tr -d ' \n' >"$dir/key")
    "$build/dns-serve" -c etc/dns-serve.toml --listen "127.0.0.1:530$n" \
        --http "127.0.0.1:805$n" --key-file "$dir/key" --state-dir "$dir/state" --threads 1 \
        >"$dir/log" 2>&1 &
    echo $! >"$dir/pid"
    printf '[[server]]\nname = "ns%s"\nurl = "http://127.0.0.1:805%s"\nkey_file = "%s"\n\n' \
        "$n" "$n" "$(pwd)/$dir/key" >>"$conf"
done
for n in 1 2; do
    i=0
    until curl -sf -o /dev/null -H "Authorization: Bearer $(cat "$var/ns$n/key")" \
        "http://127.0.0.1:805$n/v1/health"; do
        i=$((i + 1))
        if [ "$i" -gt 100 ]; then
            echo "demo: edge ns$n did not start:" >&2
            cat "$var/ns$n/log" >&2
            exit 1
        fi
        sleep 0.1
    done
done

echo "== zone-compile $zone | zone-push -c $conf --all"
"$build/zone-compile" "$zone" | "$build/zone-push" -c "$conf" --all

for n in 1 2; do
    echo "== dig @127.0.0.1 -p 530$n www.example.com A (edge ns$n)"
    dig +norec +noall +answer @127.0.0.1 -p "530$n" www.example.com A
done
echo "== dns-serve --state-dir $var/ns1/state --query example.com MX"
"$build/dns-serve" -c etc/dns-serve.toml --state-dir "$var/ns1/state" --query example.com MX

cat <<MSG

Running: two dns-serve edges (pids $(cat "$var/ns1/pid") and $(cat "$var/ns2/pid")):
  ns1  DNS 127.0.0.1:5301  management API http://127.0.0.1:8051  key $var/ns1/key
  ns2  DNS 127.0.0.1:5302  management API http://127.0.0.1:8052  key $var/ns2/key
Try:
  dig @127.0.0.1 -p 5302 example.com SOA
  curl -H "Authorization: Bearer \$(cat $var/ns1/key)" http://127.0.0.1:8051/v1/zones
  $build/zone-compile $zone | $build/zone-push -c $conf --all --json
Stop them with: make demo-stop
MSG
