#!/usr/bin/env python3
"""Measure a server's resident memory while it holds N idle keep-alive connections.

Used by bench/http_bench.sh for the "RSS at 256 connections" figure. Opens --count
connections to 127.0.0.1:--port, sends one keep-alive GET on each and reads the full
response (so the server has really accepted and served every connection, and holds the
per-connection state a real idle client costs), then reads VmRSS of --pids (summed:
nginx is a master plus a worker), checks how many connections are still open, closes
them all and prints one JSON object. Every socket operation has a timeout, so the
script is bounded even if the server stops answering.
"""

import argparse
import json
import signal
import socket
import sys
import time


def vm_kb(pid, field):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def total_kb(pids, field):
    return sum(vm_kb(pid, field) for pid in pids)


def read_response(sock):
    """Reads one HTTP/1.1 response with a Content-Length body; returns the status code."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(4096)
        if not chunk:
            raise ConnectionError("server closed the connection before responding")
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    status = int(lines[0].split()[1])
    length = 0
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    while len(body) < length:
        chunk = sock.recv(4096)
        if not chunk:
            raise ConnectionError("server closed the connection mid-body")
        body += chunk
    return status


def still_open(sock):
    """True when the server has neither closed nor reset the connection."""
    sock.setblocking(False)
    try:
        return sock.recv(1, socket.MSG_PEEK) != b""
    except BlockingIOError:
        return True  # nothing to read and not closed: an idle keep-alive connection
    except OSError:
        return False


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--count", type=int, default=256)
    parser.add_argument("--path", default="/plaintext")
    parser.add_argument("--pids", required=True, help="space-separated pids whose VmRSS is summed")
    parser.add_argument("--settle", type=float, default=0.2, help="seconds to wait before reading RSS")
    parser.add_argument("--timeout", type=float, default=5.0)
    parser.add_argument("--hold", type=float, default=0.0,
                        help="after measuring, print HOLDING and keep the connections open "
                             "this many seconds (or until SIGTERM) before closing them")
    args = parser.parse_args()

    pids = [int(p) for p in args.pids.split()]
    request = (
        f"GET {args.path} HTTP/1.1\r\nHost: {args.host}:{args.port}\r\n"
        "Connection: keep-alive\r\n\r\n"
    ).encode()

    rss_before = total_kb(pids, "VmRSS")
    sockets, failures, statuses = [], 0, {}
    for _ in range(args.count):
        try:
            sock = socket.create_connection((args.host, args.port), timeout=args.timeout)
            sock.sendall(request)
            status = read_response(sock)
            statuses[status] = statuses.get(status, 0) + 1
            sockets.append(sock)
        except (OSError, ValueError, IndexError) as error:
            failures += 1
            print(f"hold_connections: {error}", file=sys.stderr)
    time.sleep(args.settle)  # let the server finish any post-response bookkeeping
    rss_held = total_kb(pids, "VmRSS")
    open_count = sum(1 for sock in sockets if still_open(sock))
    if args.hold > 0:
        # For a load run beside idle connections (bench/scaling.sh MIXED): the caller
        # waits for this line, runs its load, then stops us.
        signal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGTERM])
        print(f"HOLDING {open_count}", flush=True)
        signal.sigtimedwait([signal.SIGTERM], args.hold)
    for sock in sockets:
        sock.close()

    print(json.dumps({
        "connections_requested": args.count,
        "connections_open": open_count,
        "connection_failures": failures,
        "statuses": {str(k): v for k, v in statuses.items()},
        "rss_before_kb": rss_before,
        "rss_kb": rss_held,
        "rss_per_connection_bytes": round((rss_held - rss_before) * 1024 / max(open_count, 1)),
    }))
    return 0 if failures == 0 and open_count == args.count else 1


if __name__ == "__main__":
    sys.exit(main())
