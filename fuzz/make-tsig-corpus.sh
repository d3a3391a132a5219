#!/bin/sh
# SPDX-License-Identifier: MIT
# Writes the seeds of tsig_fuzz: transfer requests and queries, unsigned and signed with the target's key;
# and of tsig_chain_fuzz: transfers of several messages, signed here (not by our Signer) over the
# MAC chain of RFC 8945 5.3.1, some messages left unsigned.
#
# Usage: fuzz/make-tsig-corpus.sh   (from anywhere; overwrites the "t-*" and "c-*" seeds; needs python3)
set -eu
cd "$(dirname "$0")"
mkdir -p corpus/tsig_fuzz corpus/tsig_chain_fuzz
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

# tsig_chain_fuzz: [mode][mask, 8 octets, when the mode is odd] then length-prefixed messages.
REQUEST_MAC = bytes(range(32))  # the target's request MAC

def answer(i, ident=0x4242):
    txt = str(i).encode()
    rr = name("example.com.") + struct.pack(">HHIH", 16, 1, 60, len(txt) + 1) + bytes([len(txt)]) + txt
    return (struct.pack(">HHHHHH", ident, 0x8400, 1, 1, 0, 0) + name("example.com.") +
            struct.pack(">HH", 252, 1) + rr)

def chain(msgs, signed_at, secret=KEY, now=1000, fudge=300, key_name="xfr.example."):
    out, prev, pending = [], REQUEST_MAC, b""
    alg = name("hmac-sha256.")
    timers = struct.pack(">HIH", now >> 32, now & 0xFFFFFFFF, fudge)
    for i, m in enumerate(msgs):
        if i not in signed_at:
            pending += m
            out.append(m)
            continue
        d = struct.pack(">H", len(prev)) + prev + pending + m
        if not out:
            d += name(key_name) + struct.pack(">HI", 255, 0) + alg + timers + struct.pack(">HH", 0, 0)
        else:
            d += timers
        mac = hmac.new(secret, d, hashlib.sha256).digest()
        rdata = alg + timers + struct.pack(">H", len(mac)) + mac + m[:2] + struct.pack(">HH", 0, 0)
        rr = name(key_name) + struct.pack(">HHIH", 250, 255, 0, len(rdata)) + rdata
        ar = struct.unpack(">H", m[10:12])[0] + 1
        out.append(m[:10] + struct.pack(">H", ar) + m[12:] + rr)
        prev, pending = mac, b""
    return out

def framed(mode, msgs, mask=None):
    b = bytes([mode]) + (struct.pack(">Q", mask) if mask is not None else b"")
    return b + b"".join(struct.pack(">H", len(m)) + m for m in msgs)

five = [answer(i) for i in range(5)]
header_only = [struct.pack(">HHHHHH", 0x4242, 0x8400, 0, 0, 0, 0)] * 101
chains = {
    "c-all-signed": framed(0, chain(five, {0, 1, 2, 3, 4})),
    "c-gap": framed(0, chain(five, {0, 4})),
    "c-last-unsigned": framed(0, chain(five, {0, 2})),
    "c-first-unsigned": framed(0, chain(five, {1, 4})),
    "c-wrong-secret": framed(0, chain(five, {0, 4}, secret=b"wrong")),
    "c-wrong-key": framed(0, chain(five, {0, 4}, key_name="other.")),
    "c-100-unsigned": framed(0, chain(header_only + [answer(9)], {0, 101})),
    "c-truncated": framed(0, chain(five, {0, 4})[:4] + [chain(five, {0, 4})[4][:-20]]),
    "c-resign-plain": framed(1, five, mask=0x5A5A5A5A5A5A5A5A),
    "c-resign-flip": framed(3, five, mask=0x0000000001000000),
    "c-resign-drop": framed(5, five, mask=0),
}
for k, v in chains.items():
    open("corpus/tsig_chain_fuzz/" + k, "wb").write(v)
PY
