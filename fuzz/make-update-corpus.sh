#!/bin/sh
# SPDX-License-Identifier: MIT
# Writes the seeds of update_fuzz: RFC 2136 UPDATE messages with every kind of prerequisite and
# update, and a few that must be refused (FORMERR, NOTZONE).
#
# Usage: fuzz/make-update-corpus.sh   (from anywhere; overwrites the "u-*" seeds; needs python3)
set -eu
cd "$(dirname "$0")"
mkdir -p corpus/update_fuzz
python3 - <<'PY'
import struct

def name(n):
    out = b""
    for label in n.rstrip(".").split("."):
        out += bytes([len(label)]) + label.encode()
    return out + b"\0"

def rr(owner, rtype, cls, ttl=0, rdata=b""):
    return name(owner) + struct.pack(">HHIH", rtype, cls, ttl, len(rdata)) + rdata

def update(prereqs=(), updates=(), zone="example.com.", ztype=6):
    return (struct.pack(">HHHHHH", 0x4242, 5 << 11, 1, len(prereqs), len(updates), 0) +
            name(zone) + struct.pack(">HH", ztype, 1) + b"".join(prereqs) + b"".join(updates))

A1 = bytes([192, 0, 2, 1])
A, TXT, ANY, IN, NONE, CLS_ANY = 1, 16, 255, 1, 254, 255
seeds = {
    "u-add": update(updates=[rr("www.example.com.", A, IN, 300, A1)]),
    "u-add-txt": update(updates=[rr("_acme-challenge.example.com.", TXT, IN, 60, b"\x05token")]),
    "u-del-rrset": update(updates=[rr("www.example.com.", A, CLS_ANY)]),
    "u-del-name": update(updates=[rr("www.example.com.", ANY, CLS_ANY)]),
    "u-del-rr": update(updates=[rr("www.example.com.", A, NONE, 0, A1)]),
    "u-pre-all": update(prereqs=[rr("a.example.com.", ANY, CLS_ANY), rr("b.example.com.", ANY, NONE),
                                 rr("c.example.com.", A, CLS_ANY), rr("d.example.com.", A, NONE),
                                 rr("e.example.com.", A, IN, 0, A1)],
                        updates=[rr("www.example.com.", A, IN, 300, A1)]),
    "u-notzone": update(updates=[rr("www.example.net.", A, IN, 300, A1)]),
    "u-formerr-ztype": update(ztype=1),
    "u-formerr-ttl": update(prereqs=[rr("a.example.com.", ANY, CLS_ANY, 5)]),
}
for n, m in seeds.items():
    with open("corpus/update_fuzz/" + n, "wb") as f:
        f.write(m)
PY
