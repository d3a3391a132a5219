#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Crafts TSIG-signed DNS UPDATE messages nsupdate cannot send (replays, trailing octets, a
# chosen time, source port 0) and misbehaving TCP clients, for tests/bats/dnsapid/190-update.bats.
"""Usage:
  dns_update.py send PORT KEY ZONE NAME IP [--time T] [--times N] [--trailing N] [--mac-size N]
      An UPDATE adding NAME A IP to ZONE, signed with KEY (ALG:NAME:BASE64) as of T (default
      now), sent over UDP N times (the same octets each time; default once), with N zero octets
      after the TSIG, with its MAC cut to its first N octets (RFC 8945 5.2.2.1 truncation; MAC
      size and RDLENGTH fixed: a captured message resent with a shorter MAC). Prints one line
      per answer: the RCODE and the TSIG error ("-" when the answer has no TSIG); "timeout"
      when none came within 5 s.
  dns_update.py port0 PORT KEY ZONE NAME IP
      The same UPDATE sent from UDP source port 0 through a raw socket (needs root).
  dns_update.py dribble PORT INTERVAL LIMIT
      Opens a TCP connection, announces a 512-octet message and sends one octet of it every
      INTERVAL seconds. Prints "closed" once the server closes the connection, "open" if it
      is still open after LIMIT seconds.
  dns_update.py hold PORT SOURCE N
      Opens N TCP connections from address SOURCE, all kept open, then one from 127.0.0.1, and
      says of each whether the server answers a message on it ("open") or closed it
      ("closed"), one word per line.
"""
import base64
import hashlib
import hmac
import select
import socket
import struct
import sys
import time

ALGORITHMS = {"hmac-sha256": hashlib.sha256, "hmac-sha512": hashlib.sha512}


def wire_name(n):
    n = n.rstrip(".")
    if not n:
        return b"\0"
    return b"".join(bytes([len(l)]) + l.encode() for l in n.split(".")) + b"\0"


def signed_update(key, zone, name, ip, now, mac_size=None):
    alg, kname, secret = key.split(":")
    msg = (struct.pack(">HHHHHH", 0x1234, 5 << 11, 1, 0, 1, 0) + wire_name(zone) +
           struct.pack(">HH", 6, 1) + wire_name(name) + struct.pack(">HHIH", 1, 1, 300, 4) +
           socket.inet_aton(ip))
    times = struct.pack(">HIH", now >> 32, now & 0xFFFFFFFF, 300)
    variables = (wire_name(kname) + struct.pack(">HI", 255, 0) + wire_name(alg) + times +
                 struct.pack(">HH", 0, 0))
    mac = hmac.new(base64.b64decode(secret), msg + variables, ALGORITHMS[alg]).digest()
    if mac_size is not None:
        mac = mac[:mac_size]
    rdata = (wire_name(alg) + times + struct.pack(">H", len(mac)) + mac +
             struct.pack(">HHH", 0x1234, 0, 0))
    msg = msg[:10] + struct.pack(">H", 1) + msg[12:]
    return msg + wire_name(kname) + struct.pack(">HHIH", 250, 255, 0, len(rdata)) + rdata


def skip_name(b, i):
    while b[i]:
        if b[i] >= 0xC0:
            return i + 2
        i += b[i] + 1
    return i + 1


def describe(r):
    """The answer's RCODE and its TSIG error ("-" without TSIG)."""
    rcode = r[3] & 0xF
    qd, an, ns, ar = struct.unpack(">HHHH", r[4:12])
    if ar == 0:
        return "%d -" % rcode
    i = 12
    for _ in range(qd):
        i = skip_name(r, i) + 4
    for _ in range(an + ns + ar - 1):
        i = skip_name(r, i) + 8
        i += 2 + struct.unpack(">H", r[i:i + 2])[0]
    i = skip_name(r, i) + 10  # the TSIG's owner, type, class, TTL, RDLENGTH
    i = skip_name(r, i) + 8  # algorithm, time signed, fudge
    i += 2 + struct.unpack(">H", r[i:i + 2])[0] + 2  # MAC, original id
    return "%d %d" % (rcode, struct.unpack(">H", r[i:i + 2])[0])


def send(port, key, zone, name, ip, args):
    now, times, trailing, mac_size = int(time.time()), 1, 0, None
    while args:
        opt, val = args[0], int(args[1])
        args = args[2:]
        if opt == "--time":
            now = val
        elif opt == "--times":
            times = val
        elif opt == "--trailing":
            trailing = val
        elif opt == "--mac-size":
            mac_size = val
        else:
            sys.exit("dns_update.py: unknown option " + opt)
    msg = signed_update(key, zone, name, ip, now, mac_size) + b"\0" * trailing
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(5)
    for _ in range(times):
        s.sendto(msg, ("127.0.0.1", port))
        try:
            print(describe(s.recv(65535)))
        except socket.timeout:
            print("timeout")


def port0(port, key, zone, name, ip):
    payload = signed_update(key, zone, name, ip, int(time.time()))
    # UDP header with source port 0 and no checksum (allowed over IPv4); the kernel adds IP.
    udp = struct.pack(">HHHH", 0, port, 8 + len(payload), 0) + payload
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_UDP)
    s.sendto(udp, ("127.0.0.1", 0))


def closed(s, wait):
    """True when the server closed the connection within `wait` seconds."""
    r, _, _ = select.select([s], [], [], wait)
    if not r:
        return False
    try:
        return s.recv(1) == b""
    except OSError:
        return True


def dribble(port, interval, limit):
    s = socket.create_connection(("127.0.0.1", port), timeout=5)
    s.sendall(struct.pack(">H", 512))
    start = time.monotonic()
    while time.monotonic() - start < limit:
        if closed(s, interval):
            print("closed")
            return
        try:
            s.sendall(b"\0")
        except OSError:
            print("closed")
            return
    print("open")


def probe(s):
    """Sends an unsigned UPDATE on the connection: "open" when it is answered (REFUSED), "closed"
    when the server closed the connection instead."""
    q = struct.pack(">HHHHHH", 7, 5 << 11, 1, 0, 0, 0) + wire_name("up.test") + struct.pack(
        ">HH", 6, 1)
    try:
        s.sendall(struct.pack(">H", len(q)) + q)
        s.settimeout(5)
        return "open" if len(s.recv(2)) == 2 else "closed"
    except OSError:
        return "closed"


def hold(port, source, n):
    socks = []
    for _ in range(n):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.bind((source, 0))
        s.connect(("127.0.0.1", port))
        socks.append(s)
        print(probe(s))
    # Meanwhile another client address still gets in.
    other = socket.create_connection(("127.0.0.1", port), timeout=5)
    print(probe(other))


def main(argv):
    if len(argv) < 2:
        sys.exit(__doc__)
    cmd, rest = argv[1], argv[2:]
    if cmd == "send" and len(rest) >= 5:
        send(int(rest[0]), rest[1], rest[2], rest[3], rest[4], rest[5:])
    elif cmd == "port0" and len(rest) == 5:
        port0(int(rest[0]), rest[1], rest[2], rest[3], rest[4])
    elif cmd == "dribble" and len(rest) == 3:
        dribble(int(rest[0]), float(rest[1]), float(rest[2]))
    elif cmd == "hold" and len(rest) == 3:
        hold(int(rest[0]), rest[1], int(rest[2]))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
