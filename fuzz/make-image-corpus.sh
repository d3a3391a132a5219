#!/bin/sh
# SPDX-License-Identifier: MIT
# Writes the seeds of image_fuzz: edit lists of its valid image, and a raw one-shard image.
#
# Usage: fuzz/make-image-corpus.sh [build-fuzz/image_fuzz]
# The edit lists need no build; with the built target, the raw image seed ("raw-1-shard") is
# rewritten too (IMAGE_FUZZ_DUMP). Offsets refer to the two-shard image of fuzz/image_fuzz.cpp:
# header 0-127 (fields from 8), origin at 128, shard table at 384 (32 octets per shard),
# shard 0 at 448 (256 slots, nodes from 2496, the apex first), shard 1 at 6848.
set -eu

cd "$(dirname "$0")"
out=corpus/image_fuzz
mkdir -p "$out"

byte() {
    # shellcheck disable=SC2059
    printf "\\$(printf '%03o' "$1")"
}
# edit OP OFFSET VALUE (OP: 0 set, 1 xor, 2 add, 3 cut at OFFSET)
edit() {
    byte "$1"
    byte $(($2 >> 8 & 255))
    byte $(($2 & 255))
    byte "$3"
}

edit 1 0 0 >"$out/e-untouched"                # xor 0: the valid image itself
edit 0 16 1 >"$out/e-shard-count-1"           # one shard: nodes in the wrong shard
edit 0 16 3 >"$out/e-shard-count-3"           # not a power of two
edit 2 24 1 >"$out/e-serial"                  # serial no longer the apex SOA's
edit 2 40 1 >"$out/e-node-count"              # counts disagree with the content
edit 0 130 88 >"$out/e-origin"                # origin "Xxample.com.": nodes outside it
edit 0 392 128 >"$out/e-shard0-slots"         # slot count 128: the blob moves
edit 2 408 255 >"$out/e-shard0-blob"          # blob one octet shorter
edit 2 416 8 >"$out/e-shard1-offset"          # shard 1 starts 8 octets later
edit 2 2496 1 >"$out/e-apex-size"             # apex node one octet longer
edit 0 2501 3 >"$out/e-apex-flags"            # apex flagged as a cut
edit 2 2502 255 >"$out/e-apex-rrsets"         # one RRset fewer
edit 0 2504 0 >"$out/e-apex-children"         # child count 0 (not checked)
edit 2 2544 1 >"$out/e-apex-rdlength"         # first NS record one octet longer
edit 3 5000 0 >"$out/e-cut"                   # cut inside shard 0
{
    edit 1 460 255                            # a slot's offset
    edit 1 2770 32                            # a node's owner letter case
    edit 0 8000 0                             # inside shard 1
} >"$out/e-several"

if [ $# -gt 0 ]; then
    dump=$(mktemp -d)
    IMAGE_FUZZ_DUMP=$dump "$1"
    cp "$dump/raw-1-shard" "$out/raw-1-shard"
    rm -r "$dump"
fi
