#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# TCP relay that adds a fixed round-trip delay: stands in for netem where the kernel lacks it.
"""delay_relay.py [--ready-file FILE] LISTEN=TARGET@RTT_MS ...

Listens on each LISTEN address (ADDR:PORT) and forwards every connection to
TARGET (ADDR:PORT) as a network with a round-trip time of RTT_MS would:

- the connection to TARGET is opened RTT_MS after the client's arrives (the
  TCP handshake over the slow link);
- every chunk of bytes, in either direction, is delivered RTT_MS/2 after it
  was read (latency, not bandwidth: chunks in flight overlap, order is kept);
- an end of stream travels the same way; a TARGET that cannot be reached
  within 10 s (or refuses) closes the client's connection.

So a fresh HTTP request through the relay costs about two RTTs, as over a
netem link. The e2e rehearsal (tests/e2e/README.md) runs it in the router
namespace in front of each edge's management API when `tc qdisc ... netem`
is not available. Once every listener is bound, FILE is created (if given).
It runs until SIGTERM or SIGINT.
"""

import asyncio
import signal
import sys
import time

CONNECT_TIMEOUT = 10.0
CHUNK = 65536


def parse_addr(text):
    host, sep, port = text.rpartition(":")
    if not sep or not host or not port.isdigit():
        raise ValueError(f"not ADDR:PORT: {text!r}")
    return host, int(port)


def parse_spec(spec):
    listen, sep, rest = spec.partition("=")
    target, sep2, rtt = rest.partition("@")
    if not sep or not sep2:
        raise ValueError(f"not LISTEN=TARGET@RTT_MS: {spec!r}")
    return parse_addr(listen), parse_addr(target), float(rtt) / 1000.0


async def pump(reader, writer, one_way):
    """Copies reader to writer, each chunk delivered one_way seconds after it was read."""
    queue = asyncio.Queue()

    async def deliver():
        while True:
            due, data = await queue.get()
            wait = due - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            if data is None:
                if writer.can_write_eof():
                    writer.write_eof()
                return
            writer.write(data)
            await writer.drain()

    sender = asyncio.create_task(deliver())
    try:
        while True:
            data = await reader.read(CHUNK)
            queue.put_nowait((time.monotonic() + one_way, data or None))
            if not data:
                break
        await sender
    except (ConnectionError, OSError):
        sender.cancel()
        raise


async def relay(client_reader, client_writer, target, rtt):
    server_writer = None
    try:
        await asyncio.sleep(rtt)
        server_reader, server_writer = await asyncio.wait_for(
            asyncio.open_connection(*target), CONNECT_TIMEOUT)
        await asyncio.gather(
            pump(client_reader, server_writer, rtt / 2),
            pump(server_reader, client_writer, rtt / 2))
    except (ConnectionError, OSError, asyncio.TimeoutError):
        pass
    finally:
        for w in (client_writer, server_writer):
            if w is not None:
                w.close()


async def main(argv):
    ready_file = None
    if len(argv) >= 2 and argv[0] == "--ready-file":
        ready_file = argv[1]
        argv = argv[2:]
    if not argv or argv[0] in ("-h", "--help"):
        print(__doc__.strip(), file=sys.stderr if not argv else sys.stdout)
        return 64 if not argv else 0
    try:
        specs = [parse_spec(s) for s in argv]
    except ValueError as e:
        print(f"delay_relay: {e}", file=sys.stderr)
        return 64
    servers = []
    for listen, target, rtt in specs:
        def handler(r, w, target=target, rtt=rtt):
            return relay(r, w, target, rtt)
        try:
            servers.append(await asyncio.start_server(handler, *listen))
        except OSError as e:
            print(f"delay_relay: cannot listen on {listen[0]}:{listen[1]}: {e}", file=sys.stderr)
            return 69
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    if ready_file:
        with open(ready_file, "w", encoding="ascii") as f:
            f.write("ready\n")
    await stop.wait()
    for s in servers:
        s.close()
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main(sys.argv[1:])))
