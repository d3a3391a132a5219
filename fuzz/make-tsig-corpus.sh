#!/bin/sh
# SPDX-License-Identifier: MIT
# Writes the seeds of tsig_fuzz: transfer requests and queries, unsigned and signed with the target's key.
#
# Usage: fuzz/make-tsig-corpus.sh   (from anywhere; overwrites the "t-*" seeds; needs python3)
set -eu
cd "$(dirname "$0")"
mkdir -p corpus/tsig_fuzz
python3 - <<'PY'
import base64, hashlib, hmac, struct

def name(n):
    out = b""
    for label in n.rstrip(".").split("."):
        out += bytes([len(label)]) + label.encode()
    return out + b"\0"

def msg(qtype, ar=b"", arcount=0, ns=b"", nscount=0, ident=0x4242):
    return (struct.pack(">HHHHHH", ident, 0, 1, 0, nscount, arcount) +
            name("example.com.") + struct.pack(">HH", qtype, 1) + ns + ar)

KEY = base64.b64decode("c2VjcmV0LXNlY3JldC1zZWNyZXQ=")

def signed(m, key_name="xfr.example.", secret=KEY, now=1000, fudge=300):
    alg = name("hmac-sha256.")
    variables = (name(key_name) + struct.pack(">HI", 255, 0) + alg +
                 struct.pack(">HIH", now >> 32, now & 0xFFFFFFFF, fudge) + struct.pack(">HH", 0, 0))
    mac = hmac.new(secret, m + variables, hashlib.sha256).digest()
    ident = m[:2]
    rdata = (alg + struct.pack(">HIH", now >> 32, now & 0xFFFFFFFF, fudge) +
             struct.pack(">H", len(mac)) + mac + ident + struct.pack(">HH", 0, 0))
    rr = name(key_name) + struct.pack(">HHIH", 250, 255, 0, len(rdata)) + rdata
    ar = struct.unpack(">H", m[10:12])[0] + 1
    return m[:10] + struct.pack(">H", ar) + m[12:] + rr

soa = (name("ns1.example.com.") + name("hostmaster.example.com.") +
       struct.pack(">IIIII", 6, 7200, 3600, 1209600, 300))
soa_rr = name("example.com.") + struct.pack(">HHIH", 6, 1, 0, len(soa)) + soa
seeds = {
    "t-axfr": msg(252),
    "t-axfr-signed": signed(msg(252)),
    "t-axfr-badkey": signed(msg(252), key_name="other."),
    "t-axfr-badsig": signed(msg(252), secret=b"wrong"),
    "t-axfr-badtime": signed(msg(252), now=5000),
    "t-ixfr-behind": msg(251, ns=soa_rr, nscount=1),
    "t-ixfr-behind-signed": signed(msg(251, ns=soa_rr, nscount=1)),
    "t-ixfr-no-soa": msg(251),
    "t-soa-signed": signed(msg(6)),
    "t-soa-badkey": signed(msg(6), key_name="other."),
    "t-a-signed-edns": signed(msg(1, ar=b"\0" + struct.pack(">HHIH", 41, 1232, 0, 0), arcount=1)),
}
for k, v in seeds.items():
    open("corpus/tsig_fuzz/" + k, "wb").write(v)
PY
