#!/bin/sh
# SPDX-License-Identifier: MIT
# Writes the seed queries of query_udp_fuzz and query_tcp_fuzz (plain DNS messages, no build).
#
# Usage: fuzz/make-query-corpus.sh   (from anywhere; overwrites the "q-*" seeds of both targets)
# The names refer to the zones in fuzz/query_common.hpp. Both targets take the bare message
# (no TCP length prefix): the framing has its own target, tcp_framing_fuzz.
set -eu

cd "$(dirname "$0")"

# One octet, from a decimal value.
byte() {
    # shellcheck disable=SC2059
    printf "\\$(printf '%03o' "$1")"
}
u16() {
    byte $(($1 >> 8 & 255))
    byte $(($1 & 255))
}
# A name in presentation form ("www.example.com", "." for the root), uncompressed.
name() {
    rest=$1
    while [ -n "$rest" ] && [ "$rest" != "." ]; do
        label=${rest%%.*}
        if [ "$label" = "$rest" ]; then rest=""; else rest=${rest#*.}; fi
        byte ${#label}
        printf '%s' "$label"
    done
    byte 0
}
# header ID FLAGS QDCOUNT ANCOUNT NSCOUNT ARCOUNT
header() {
    u16 "$1"; u16 "$2"; u16 "$3"; u16 "$4"; u16 "$5"; u16 "$6"
}
# question NAME TYPE [CLASS]
question() {
    name "$1"; u16 "$2"; u16 "${3:-1}"
}
# opt PAYLOAD TTL-HIGH TTL-LOW (the TTL is extended rcode, version, DO and Z)
opt() {
    byte 0; u16 41; u16 "$1"; u16 "$2"; u16 "$3"; u16 0
}
# query NAME TYPE [PAYLOAD [TTL-LOW [TTL-HIGH]]]: one question, RD set, an OPT when PAYLOAD
query() {
    if [ $# -ge 3 ]; then
        header 4660 256 1 0 0 1; question "$1" "$2"; opt "$3" "${5:-0}" "${4:-0}"
    else
        header 4660 256 1 0 0 0; question "$1" "$2"
    fi
}

for dir in corpus/query_udp_fuzz corpus/query_tcp_fuzz; do
    mkdir -p "$dir"
    rm -f "$dir"/q-*
    query www.example.com 1 >"$dir/q-a"
    query WwW.ExAmPlE.CoM 1 >"$dir/q-a-mixed-case"
    query chain1.example.com 1 1232 32768 >"$dir/q-cname-chain-edns-do"
    query loop1.example.com 1 >"$dir/q-cname-loop"
    query out.example.com 28 >"$dir/q-cname-out-of-zone"
    query host.x.dn.example.com 1 >"$dir/q-dname"
    query www.into.example.com 1 4096 >"$dir/q-dname-into-zone"
    query aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.long.example.com 1 \
        >"$dir/q-dname-yxdomain"
    query www.alias.test 1 >"$dir/q-dname-apex"
    query a.b.wild.example.com 15 1232 >"$dir/q-wildcard-mx"
    query ent.wild.example.com 1 >"$dir/q-wildcard-ent"
    query x.cw.example.com 1 >"$dir/q-wildcard-cname"
    query www.sub.example.com 1 >"$dir/q-referral"
    query sub.example.com 43 1232 32768 >"$dir/q-ds-at-cut"
    query nothing.example.com 1 >"$dir/q-nxdomain"
    query www.example.com 16 >"$dir/q-nodata"
    query big.example.com 16 >"$dir/q-big-txt"
    query big.example.com 16 4096 >"$dir/q-big-txt-edns"
    query mid.example.com 16 1232 >"$dir/q-mid-txt-edns"
    query many-ns.example.com 2 1232 >"$dir/q-many-ns"
    query _sip._tcp.example.com 33 >"$dir/q-srv"
    query example.com 255 1232 >"$dir/q-any"
    query www.child.example.com 1 >"$dir/q-child-zone"
    query www.example.org 1 >"$dir/q-refused"
    query example.com 252 >"$dir/q-axfr"
    query www.example.com 1 1232 0 1 >"$dir/q-badvers"
    { header 4660 8192 1 0 0 0; question example.com 6; } >"$dir/q-opcode-notify"
    header 4660 256 0 0 0 0 >"$dir/q-no-question"
    { header 4660 256 1 0 0 0; byte 192; byte 12; u16 1; u16 1; } >"$dir/q-compressed-qname"
    { header 4660 256 1 1 0 0; question www.example.com 1; opt 1232 0 0; } >"$dir/q-opt-in-answer"
    { header 4660 256 1 0 0 2; question www.example.com 1; opt 1232 0 0; opt 512 0 0; } \
        >"$dir/q-two-opts"
done
