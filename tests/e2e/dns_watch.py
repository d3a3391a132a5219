#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Polls name servers over UDP until each answers an A query with the expected addresses; prints when.
"""dns_watch.py [--ready-file FILE] T0_MS TIMEOUT_S NAME WANT SERVER...

Asks every SERVER (IPv4 address, port 53) for NAME A every 5 ms, one process
and no dig start-up per query, until its answer holds exactly the addresses
WANT (comma-separated; "" for none), then prints "SERVER MS" with MS the
milliseconds since T0_MS (milliseconds since the epoch), or "SERVER timeout"
after TIMEOUT_S seconds. FILE is created once the first queries are sent
(so a caller can wait for it before making the change). The e2e rehearsal uses it to time how long a change
takes to be answered by each edge (tests/e2e/README.md).
"""

import random
import select
import socket
import struct
import sys
import time


def query(name, qid):
    labels = b"".join(bytes([len(p)]) + p.encode("ascii") for p in name.rstrip(".").split("."))
    return struct.pack("!HHHHHH", qid, 0, 1, 0, 0, 0) + labels + b"\0" + struct.pack("!HH", 1, 1)


def skip_name(msg, pos):
    while True:
        n = msg[pos]
        if n == 0:
            return pos + 1
        if n & 0xC0 == 0xC0:
            return pos + 2
        pos += 1 + n


def addresses(msg):
    """The A records of the answer section, or None for a malformed or failed answer."""
    try:
        _, flags, qd, an, _, _ = struct.unpack("!HHHHHH", msg[:12])
        if flags & 0x000F not in (0, 3):  # NOERROR or NXDOMAIN
            return None
        pos = 12
        for _ in range(qd):
            pos = skip_name(msg, pos) + 4
        found = []
        for _ in range(an):
            pos = skip_name(msg, pos)
            rtype, _, _, rdlen = struct.unpack("!HHIH", msg[pos:pos + 10])
            pos += 10
            if rtype == 1 and rdlen == 4:
                found.append(socket.inet_ntoa(msg[pos:pos + 4]))
            pos += rdlen
        return sorted(found)
    except (IndexError, struct.error):
        return None


def main(argv):
    ready_file = None
    if len(argv) >= 2 and argv[0] == "--ready-file":
        ready_file = argv[1]
        argv = argv[2:]
    if len(argv) < 5:
        print(__doc__.strip(), file=sys.stderr)
        return 64
    t0, timeout, name, want = int(argv[0]), float(argv[1]), argv[2], argv[3]
    servers = argv[4:]
    wanted = sorted(a for a in want.split(",") if a)
    deadline = time.monotonic() + timeout
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.setblocking(False)
    ids = {}
    pending = set(servers)
    while pending and time.monotonic() < deadline:
        for s in pending:
            qid = random.randrange(65536)
            ids[qid] = s
            try:
                sock.sendto(query(name, qid), (s, 53))
            except OSError:
                pass  # unreachable for now: ask again next round
        if ready_file:
            with open(ready_file, "w", encoding="ascii") as f:
                f.write("ready\n")
            ready_file = None
        end = time.monotonic() + 0.005
        while (left := end - time.monotonic()) > 0:
            if not select.select([sock], [], [], left)[0]:
                break
            try:
                msg, (addr, _) = sock.recvfrom(65535)
            except OSError:
                continue
            if len(msg) < 12:
                continue
            s = ids.pop(struct.unpack("!H", msg[:2])[0], None)
            if s == addr and s in pending and addresses(msg) == wanted:
                pending.discard(s)
                print(f"{s} {int(time.time() * 1000) - t0}", flush=True)
        if len(ids) > 10000:
            ids.clear()
    for s in servers:
        if s in pending:
            print(f"{s} timeout", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
