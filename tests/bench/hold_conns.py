#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""hold_conns.py: open and hold many idle TCP connections (the scale bench).

Usage: hold_conns.py HOST PORT LEVEL[,LEVEL...] [--inflight N] [--ports LO-HI]
                     [--max-seconds S]   (per level, default 30)

Opens connections (non-blocking connect, at most N in progress, epoll;
with --ports each socket is bound to the next free source port of LO-HI
first: the kernel's ephemeral port search slows to a crawl once most of
the range is taken)
until LEVEL are established, prints one JSON line
  {"level": L, "open": N, "failed": F, "last_error": E, "connect_s": S, "rate": R}
and waits for a line on stdin before going on to the next level. After the
last level it waits for one more line, then resets every connection
(SO_LINGER 0: no TIME_WAIT left behind to eat the client's ports) and exits.
Run it inside the client namespace; it raises its own RLIMIT_NOFILE.
"""
import errno
import json
import os
import resource
import select
import socket
import struct
import sys
import time


def raise_nofile(want):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft >= want:
        return
    try:
        resource.setrlimit(resource.RLIMIT_NOFILE, (want, max(hard, want)))
    except (ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def fill(addr, level, inflight, held, stats, ports, secs):
    ep = select.epoll()
    give_up = time.monotonic() + secs
    pending = {}
    deadline = {}
    while len(held) < level and (len(held) + len(pending) < level or pending):
        while len(pending) < inflight and len(held) + len(pending) < level:
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.setblocking(False)
            if ports is not None:
                while ports:
                    p = ports.pop()
                    try:
                        s.bind(("", p))
                        break
                    except OSError:
                        p = None
                else:
                    p = None
                if p is None:
                    s.close()
                    stats["last_error"] = "source ports exhausted"
                    stats["exhausted"] = True
                    break
            rc = s.connect_ex(addr)
            if rc not in (0, errno.EINPROGRESS):
                stats["failed"] += 1
                stats["last_error"] = os.strerror(rc)
                s.close()
                if stats["failed"] > level:
                    return
                continue
            fd = s.fileno()
            pending[fd] = s
            deadline[fd] = time.monotonic() + 10
            ep.register(fd, select.EPOLLOUT)
        for fd, _ in ep.poll(0.2):
            s = pending.pop(fd)
            deadline.pop(fd)
            ep.unregister(fd)
            err = s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
            if err:
                stats["failed"] += 1
                stats["last_error"] = os.strerror(err)
                s.close()
            else:
                held.append(s)
        now = time.monotonic()
        for fd in [fd for fd, t in deadline.items() if t < now]:
            s = pending.pop(fd)
            deadline.pop(fd)
            ep.unregister(fd)
            stats["failed"] += 1
            stats["last_error"] = "connect timeout"
            s.close()
        if stats["failed"] > level or now > give_up or \
                (stats.get("exhausted") and not pending):
            break
    for s in pending.values():
        s.close()
    ep.close()


def main():
    args = sys.argv[1:]
    if len(args) < 3:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    addr = (args[0], int(args[1]))
    levels = [int(x) for x in args[2].split(",")]
    inflight, ports, secs = 512, None, 30.0
    i = 3
    while i + 1 < len(args):
        if args[i] == "--inflight":
            inflight = int(args[i + 1])
        elif args[i] == "--max-seconds":
            secs = float(args[i + 1])
        elif args[i] == "--ports":
            lo, hi = args[i + 1].split("-")
            ports = list(range(int(hi), int(lo) - 1, -1))
        i += 2
    raise_nofile(max(levels) + 1024)
    held, stats = [], {"failed": 0, "last_error": ""}
    for level in levels:
        t0 = time.monotonic()
        before = len(held)
        fill(addr, level, inflight, held, stats, ports, secs)
        dt = time.monotonic() - t0
        print(json.dumps({"level": level, "open": len(held), "failed": stats["failed"],
                          "last_error": stats["last_error"], "connect_s": round(dt, 3),
                          "rate": round((len(held) - before) / dt, 1) if dt > 0 else 0}),
              flush=True)
        sys.stdin.readline()
    sys.stdin.readline()
    lin = struct.pack("ii", 1, 0)
    for s in held:
        try:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, lin)
        except OSError:
            pass
        s.close()


if __name__ == "__main__":
    main()
