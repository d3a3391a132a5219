#!/bin/sh
# SPDX-License-Identifier: MIT
# Writes the seeds of history_fuzz: change-journal columns (wire RRs one after another, no build).
#
# Usage: fuzz/make-history-corpus.sh   (from anywhere; overwrites the "gen-*" seeds)
set -eu

cd "$(dirname "$0")"
out=corpus/history_fuzz
mkdir -p "$out"

# One octet, from a decimal value.
byte() {
    # shellcheck disable=SC2059
    printf "\\$(printf '%03o' "$1")"
}
u16() {
    byte $(($1 >> 8 & 255))
    byte $(($1 & 255))
}
u32() {
    u16 $(($1 >> 16 & 65535))
    u16 $(($1 & 65535))
}
# A name in presentation form ("www.example.com"), uncompressed, without escapes.
name() {
    rest=$1
    while [ -n "$rest" ]; do
        label=${rest%%.*}
        if [ "$label" = "$rest" ]; then rest=""; else rest=${rest#*.}; fi
        byte ${#label}
        printf '%s' "$label"
    done
    byte 0
}
# rr OWNER TYPE TTL RDLENGTH [CLASS]: the fixed part of one record; its RDATA follows.
rr() {
    name "$1"; u16 "$2"; u16 "${5:-1}"; u32 "$3"; u16 "$4"
}
a() { # a OWNER TTL OCTET...: an A record
    o=$1 t=$2
    shift 2
    rr "$o" 1 "$t" 4
    for x in "$@"; do byte "$x"; done
}

a www.example.com 300 192 0 2 1 >"$out/gen-one-a"
{
    a www.example.com 300 192 0 2 1
    a www.example.com 300 192 0 2 2
    rr example.com 15 3600 20; u16 10; name mail.example.com
    rr t.example.com 16 60 8; byte 3; printf 'a b'; byte 3; printf 'c d'
    rr www.example.com 28 300 16; u16 8193; u16 3512; u32 0; u32 0; u32 1
} >"$out/gen-several-types"
{
    a WWW.Example.COM 300 192 0 2 1
    a www.example.com 600 192 0 2 2
} >"$out/gen-case-and-ttl"
{
    a www.example.com 300 192 0 2 1
    a www.example.com 300 192 0 2 1
} >"$out/gen-repeated"
a www.example.com 300 192 0 2 1 | head -c 20 >"$out/gen-cut"
{
    a www.example.com 300 192 0 2 1
    rr ch.example.com 16 60 2 3; byte 1; printf 'x'
} >"$out/gen-class-ch"
{
    rr odd.example.com 1 300 3; byte 192; byte 0; byte 2
} >"$out/gen-a-short-rdata"
