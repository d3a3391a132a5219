#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# A fake AXFR primary for zone-compile --axfr fault tests: one canned answer per mode, on 127.0.0.1.
#
# fake_primary.py PORTFILE MODE [NAME:SECRET]: listens on a free TCP port of 127.0.0.1 (written
# to PORTFILE once listening) and answers each connection's first query according to MODE:
#   nosoa    an answer whose first record is an A record, not the SOA
#   nons     a complete transfer (SOA, A, SOA) of a zone without NS records
#   cut      the SOA and an A record, then the connection is closed
#   silent   accepts and never answers (for --timeout)
#   stall    sends the first message (SOA, NS) whole, then nothing, the connection kept open
#   trickle  sends the first message one octet every 0.3 s
#   flood    SOA and NS, then messages of 100 A records each until the client goes away
#   bomb     SOA, NS, a record with a 253-octet owner name, then 2000 A records whose owners
#            are 2-octet compression pointers to it, and no closing SOA (the connection stays)
# and, signed with the hmac-sha256 key NAME:SECRET (SECRET in base64) over the request's MAC
# as RFC 8945 5.3 says, a transfer of SOA, NS, A records and the closing SOA, one record a
# message, where
#   gap99    messages 1, 101 and 102 (the last) are signed, the 99 between not
#   gap100   messages 1 and 102 are signed, the 100 between not
#   lastraw  every message but the last is signed
#   tamper   as gap99, but an unsigned message is changed after the next MAC was computed
import base64
import hashlib
import hmac
import os
import socket
import struct
import sys
import time


def name_wire(name):
    out = b""
    for label in name.rstrip(".").split("."):
        if label:
            out += bytes([len(label)]) + label.encode()
    return out + b"\0"


def rr(owner, rtype, rdata, ttl=3600):
    return owner + struct.pack("!HHIH", rtype, 1, ttl, len(rdata)) + rdata


def parse_query(query):
    """The question's end offset, the zone's wire name, and the request's TSIG MAC (or b"")."""
    end = 12
    while query[end] != 0:
        end += 1 + query[end]
    zone = query[12:end + 1]
    pos = end + 5
    mac = b""
    if struct.unpack("!H", query[10:12])[0] == 1:  # the TSIG, the only additional record
        pos = skip_name(query, pos) + 10
        pos = skip_name(query, pos) + 8  # algorithm, time signed, fudge
        size = struct.unpack("!H", query[pos:pos + 2])[0]
        mac = query[pos + 2:pos + 2 + size]
    return end, zone, mac


def skip_name(msg, pos):
    while True:
        n = msg[pos]
        if n == 0:
            return pos + 1
        if n >= 0xC0:
            return pos + 2
        pos += 1 + n


def message(query, records, count=None):
    """A response message (no length prefix) with `records` (wire octets) in the answer."""
    end, zone, _ = parse_query(query)
    question = query[12:end + 5]
    n = len(records) if count is None else count
    return query[:2] + struct.pack("!HHHHH", 0x8400, 1, n, 0, 0) + question + b"".join(records)


def framed(msg):
    return struct.pack("!H", len(msg)) + msg


def answer(query, records):
    _, zone, _ = parse_query(query)
    return framed(message(query, [r(zone) for r in records]))


def soa(zone):
    rdata = name_wire("ns1.fake.") + name_wire("hostmaster.fake.")
    rdata += struct.pack("!IIIII", 1, 7200, 3600, 1209600, 300)
    return rr(zone, 6, rdata)


def ns(zone):
    return rr(zone, 2, name_wire("ns1.fake."))


def a_record(zone, n=1):
    return rr(zone, 1, bytes([192, 0, 2, n % 256]))


def host(zone, i):
    label = ("h%d" % i).encode()
    return rr(bytes([len(label)]) + label + zone, 1, bytes([192, 0, 2, i % 250 + 1]))


class Signer:
    """Signs the messages of one answer with hmac-sha256 (RFC 8945 4.3, 5.3.1)."""

    def __init__(self, key, request_mac):
        name, secret = key.rsplit(":", 1)
        self.name = name_wire(name.lower())
        self.alg = name_wire("hmac-sha256.")
        self.secret = base64.b64decode(secret)
        self.mac = request_mac
        self.unsigned = b""
        self.first = True

    def skip(self, msg):
        """An unsigned message: its octets enter the next MAC."""
        self.unsigned += msg

    def sign(self, msg):
        now = int(time.time())
        timers = struct.pack("!HIH", now >> 32, now & 0xFFFFFFFF, 300)
        data = struct.pack("!H", len(self.mac)) + self.mac + self.unsigned + msg
        if self.first:
            data += self.name + struct.pack("!HI", 255, 0) + self.alg + timers + struct.pack("!HH", 0, 0)
        else:
            data += timers
        mac = hmac.new(self.secret, data, hashlib.sha256).digest()
        self.mac, self.unsigned, self.first = mac, b"", False
        rdata = self.alg + timers + struct.pack("!H", len(mac)) + mac + msg[:2] + struct.pack("!HH", 0, 0)
        tsig = self.name + struct.pack("!HHIH", 250, 255, 0, len(rdata)) + rdata
        arcount = struct.unpack("!H", msg[10:12])[0] + 1
        return msg[:10] + struct.pack("!H", arcount) + msg[12:] + tsig


def signed_transfer(c, query, key, mode):
    """SOA, NS, 99 A records and the closing SOA, one record a message: 102 messages."""
    _, zone, request_mac = parse_query(query)
    records = [soa(zone), ns(zone)] + [host(zone, i) for i in range(1, 100)] + [soa(zone)]
    signer = Signer(key, request_mac)
    last = len(records) - 1
    out = []
    for i, r in enumerate(records):
        msg = message(query, [r])
        if mode == "lastraw":
            signed = i != last
        else:
            signed = i in (0, last) or (mode != "gap100" and i % 100 == 0)
        if signed:
            out.append(signer.sign(msg))
        else:
            signer.skip(msg)
            if mode == "tamper" and i == 5:
                msg = msg[:-1] + bytes([66])  # the A record's address, after it entered the MAC
            out.append(msg)
    c.sendall(b"".join(framed(m) for m in out))


def main():
    portfile, mode = sys.argv[1], sys.argv[2]
    key = sys.argv[3] if len(sys.argv) > 3 else None
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", 0))
    s.listen(8)
    with open(portfile + ".tmp", "w") as f:
        f.write(str(s.getsockname()[1]))
    os.rename(portfile + ".tmp", portfile)
    held = []
    while True:
        c, _ = s.accept()
        if mode == "silent":
            held.append(c)
            continue
        data = b""
        while len(data) < 2 or len(data) < 2 + struct.unpack("!H", data[:2])[0]:
            chunk = c.recv(4096)
            if not chunk:
                break
            data += chunk
        if len(data) < 14:
            c.close()
            continue
        query = data[2:2 + struct.unpack("!H", data[:2])[0]]
        try:
            serve(c, query, mode, key, held)
        except OSError:  # the client went away (a cap, a timeout)
            pass
        if c not in held:
            c.close()


def serve(c, query, mode, key, held):
    _, zone, _ = parse_query(query)
    if mode == "nosoa":
        c.sendall(answer(query, [a_record, soa]))
    elif mode == "nons":
        c.sendall(answer(query, [soa, a_record, soa]))
    elif mode == "cut":
        c.sendall(answer(query, [soa, a_record]))
    elif mode == "stall":
        c.sendall(answer(query, [soa, ns]))
        held.append(c)
    elif mode == "trickle":
        for octet in answer(query, [soa, ns]):
            c.sendall(bytes([octet]))
            time.sleep(0.3)
    elif mode == "flood":
        c.sendall(answer(query, [soa, ns]))
        i = 0
        while True:
            c.sendall(framed(message(query, [host(zone, i + j) for j in range(100)])))
            i += 100
    elif mode == "bomb":
        end, _, _ = parse_query(query)
        long_owner = b"".join(bytes([60]) + b"x" * 60 for _ in range(3)) + bytes([40]) + b"y" * 40 + zone
        first = rr(long_owner, 1, bytes([192, 0, 2, 7]))
        pointer = struct.pack("!H", 0xC000 | (end + 5))  # the first answer record's owner
        rest = [rr(pointer, 1, bytes([192, 0, 2, i % 250 + 1])) for i in range(2000)]
        c.sendall(answer(query, [soa, ns]))
        c.sendall(framed(message(query, [first] + rest)))
        held.append(c)
    elif mode in ("gap99", "gap100", "lastraw", "tamper"):
        signed_transfer(c, query, key, mode)


main()
