#!/usr/bin/env python3
"""A minimal passive BGP sender with pre-encoded UPDATEs, for the ingest benchmark.

It accepts the same command line and keeps the same contract as `herald bgp announce`, so the
benchmark drives both through one code path:
  - all UPDATEs are encoded before it listens on --listen;
  - prints `established ...` once the session is up, then `sent N prefixes ...` once every
    UPDATE and the End-of-RIB marker are written;
  - SIGUSR1: withdraws every prefix, prints `withdrew N prefixes ...`;
  - SIGTERM: sends a Cease NOTIFICATION (administrative shutdown) and exits 0.
It costs almost nothing per route, so as a sender it shows the receiver's own limit.
IPv4 unicast /0-/32 only; one attribute set (ORIGIN IGP, AS_PATH = local AS, NEXT_HOP = the
local address of the session). Standard library only.
"""
import argparse
import os
import select
import signal
import socket
import struct
import sys
import time

MARKER = b"\xff" * 16
OPEN, UPDATE, NOTIFICATION, KEEPALIVE = 1, 2, 3, 4
MAX_MESSAGE = 4096  # RFC 4271 §4.1


def message(kind, body=b""):
    return MARKER + struct.pack("!HB", 19 + len(body), kind) + body


def nlri(prefix):
    addr, _, plen = prefix.partition("/")
    plen = int(plen or 32)
    return bytes([plen]) + socket.inet_aton(addr)[: (plen + 7) // 8]


def pack(items, fixed):
    """Group encoded prefixes into runs that fit one message next to `fixed` bytes."""
    room = MAX_MESSAGE - 19 - fixed
    runs, run, size = [], [], 0
    for item in items:
        if size + len(item) > room:
            runs.append(b"".join(run))
            run, size = [], 0
        run.append(item)
        size += len(item)
    if run:
        runs.append(b"".join(run))
    return runs


def updates(prefixes, local_asn, next_hop, as4):
    """UPDATEs announcing all prefixes with one attribute set (RFC 4271 §4.3)."""
    asn = struct.pack("!I", local_asn) if as4 else struct.pack("!H", local_asn)
    attrs = (bytes([0x40, 1, 1, 0])                              # ORIGIN IGP
             + bytes([0x40, 2, 2 + len(asn), 2, 1]) + asn         # AS_PATH: AS_SEQUENCE of one
             + bytes([0x40, 3, 4]) + socket.inet_aton(next_hop))  # NEXT_HOP
    head = struct.pack("!H", 0) + struct.pack("!H", len(attrs)) + attrs
    return [message(UPDATE, head + run) for run in pack(prefixes, len(head))]


def withdrawals(prefixes):
    return [message(UPDATE, struct.pack("!H", len(run)) + run + struct.pack("!H", 0))
            for run in pack(prefixes, 4)]


def open_message(local_asn, router_id, hold):
    caps = (bytes([1, 4, 0, 1, 0, 1])                             # multiprotocol IPv4 unicast (RFC 4760)
            + bytes([65, 4]) + struct.pack("!I", local_asn))     # 4-octet AS number (RFC 6793)
    params = bytes([2, len(caps)]) + caps
    my_as = local_asn if local_asn < 65536 else 23456           # AS_TRANS
    return message(OPEN, struct.pack("!BHH4sB", 4, my_as, hold, socket.inet_aton(router_id), len(params))
                   + params)


def peer_has_as4(body):
    """True if the peer's OPEN carries the 4-octet AS capability."""
    params = body[10:10 + body[9]]
    i = 0
    while i + 2 <= len(params):
        ptype, plen = params[i], params[i + 1]
        value = params[i + 2:i + 2 + plen]
        if ptype == 2:
            j = 0
            while j + 2 <= len(value):
                if value[j] == 65:
                    return True
                j += 2 + value[j + 1]
        i += 2 + plen
    return False


class Reader:
    def __init__(self, sock):
        self.sock, self.buf = sock, b""

    def messages(self):
        """Read what is there; return the complete messages as (type, body)."""
        data = self.sock.recv(65536)
        if not data:
            raise ConnectionError("peer closed the connection")
        self.buf += data
        out = []
        while len(self.buf) >= 19:
            length, kind = struct.unpack("!HB", self.buf[16:19])
            if len(self.buf) < length:
                break
            out.append((kind, self.buf[19:length]))
            self.buf = self.buf[length:]
        return out


def say(*parts):
    print(*parts, flush=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--local-asn", type=int, required=True)
    ap.add_argument("--peer", required=True)
    ap.add_argument("--peer-asn", type=int, required=True)
    ap.add_argument("--router-id", required=True)
    ap.add_argument("--passive", action="store_true", help="accepted for compatibility; always passive")
    ap.add_argument("--listen", required=True, help="ADDR:PORT")
    ap.add_argument("--prefix-file", required=True)
    ap.add_argument("--hold-time", default="90s")
    a = ap.parse_args()
    hold = int(a.hold_time.rstrip("s"))
    addr, _, port = a.listen.rpartition(":")
    with open(a.prefix_file) as f:
        prefixes = [nlri(line.strip()) for line in f if line.strip() and not line.startswith("#")]

    pending = []
    rfd, wfd = os.pipe()
    os.set_blocking(wfd, False)
    signal.set_wakeup_fd(wfd)
    signal.signal(signal.SIGUSR1, lambda s, _f: pending.append("withdraw"))
    signal.signal(signal.SIGTERM, lambda s, _f: pending.append("stop"))

    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind((addr, int(port)))
    server.listen(1)
    # the UPDATEs depend on the negotiated AS size: encode both before listening counts as ready
    encoded = {as4: updates(prefixes, a.local_asn, addr, as4) for as4 in (True, False)}
    sock = None
    while sock is None:
        ready, _, _ = select.select([server, rfd], [], [])
        if rfd in ready:
            os.read(rfd, 64)
            if "stop" in pending:
                return 0
            pending.clear()
        if server in ready:
            conn, (peer, _) = server.accept()
            if peer != a.peer:
                conn.close()
                continue
            sock = conn
    server.close()
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    reader = Reader(sock)
    sock.sendall(open_message(a.local_asn, a.router_id, hold))
    state, as4 = "OpenSent", True
    keepalive = max(1, hold // 3)
    next_keepalive = time.monotonic() + keepalive
    try:
        while True:
            ready, _, _ = select.select([sock, rfd], [], [], max(0.0, next_keepalive - time.monotonic()))
            if rfd in ready:
                os.read(rfd, 64)
            while pending:
                what = pending.pop(0)
                if what == "stop":
                    sock.sendall(message(NOTIFICATION, bytes([6, 2])))  # Cease, administrative shutdown
                    sock.close()
                    return 0
                if state == "Established":
                    t = time.time()
                    sock.sendall(b"".join(withdrawals(prefixes)))
                    say(f"withdrew {len(prefixes)} prefixes in {time.time() - t:.3f} s")
            if time.monotonic() >= next_keepalive:
                sock.sendall(message(KEEPALIVE))
                next_keepalive = time.monotonic() + keepalive
            if sock not in ready:
                continue
            for kind, body in reader.messages():
                if kind == NOTIFICATION:
                    say(f"notification {body[:2].hex()}")
                    return 1
                if kind == OPEN and state == "OpenSent":
                    as4 = peer_has_as4(body)
                    sock.sendall(message(KEEPALIVE))
                    state = "OpenConfirm"
                elif kind == KEEPALIVE and state == "OpenConfirm":
                    state = "Established"
                    say(f"established peer {a.peer} as {a.peer_asn}")
                    t = time.time()
                    msgs = encoded[as4]
                    sock.sendall(b"".join(msgs) + message(UPDATE, bytes(4)))  # + End-of-RIB, RFC 4724 §2
                    say(f"sent {len(prefixes)} prefixes in {len(msgs)} updates in {time.time() - t:.3f} s")
    except (ConnectionError, OSError) as e:
        say(f"session closed: {e}")
        return 1


if __name__ == "__main__":
    sys.exit(main())
