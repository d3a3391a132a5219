#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# A fake AXFR primary for zone-compile --axfr fault tests: one canned answer per mode, on 127.0.0.1.
#
# fake_primary.py PORTFILE MODE: listens on a free TCP port of 127.0.0.1 (written to PORTFILE
# once listening) and answers each connection's first query according to MODE:
#   nosoa    an answer whose first record is an A record, not the SOA
#   nons     a complete transfer (SOA, A, SOA) of a zone without NS records
#   cut      the SOA and an A record, then the connection is closed
#   silent   accepts and never answers (for --timeout)
import os
import socket
import struct
import sys


def name_wire(name):
    out = b""
    for label in name.rstrip(".").split("."):
        if label:
            out += bytes([len(label)]) + label.encode()
    return out + b"\0"


def rr(owner, rtype, rdata, ttl=3600):
    return owner + struct.pack("!HHIH", rtype, 1, ttl, len(rdata)) + rdata


def answer(query, records):
    qid = query[:2]
    # The question: from offset 12 to the end of the name, then type and class.
    end = 12
    while query[end] != 0:
        end += 1 + query[end]
    question = query[12:end + 5]
    zone = query[12:end + 1]
    body = b"".join(r(zone) for r in records)
    msg = qid + struct.pack("!HHHHH", 0x8400, 1, len(records), 0, 0) + question + body
    return struct.pack("!H", len(msg)) + msg


def soa(zone):
    rdata = name_wire("ns1.fake.") + name_wire("hostmaster.fake.")
    rdata += struct.pack("!IIIII", 1, 7200, 3600, 1209600, 300)
    return rr(zone, 6, rdata)


def a_record(zone):
    return rr(zone, 1, bytes([192, 0, 2, 1]))


def main():
    portfile, mode = sys.argv[1], sys.argv[2]
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
        if mode == "nosoa":
            c.sendall(answer(query, [a_record, soa]))
        elif mode == "nons":
            c.sendall(answer(query, [soa, a_record, soa]))
        elif mode == "cut":
            c.sendall(answer(query, [soa, a_record]))
        c.close()


main()
