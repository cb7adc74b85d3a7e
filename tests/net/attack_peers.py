# SPDX-License-Identifier: BSD-3-Clause
"""attack_peers: hostile TCP peers for test_attacks.py (run in the client netns).

Each mode holds its attack for HOLD seconds, prints one JSON line with
what it achieved, then leaves the way the mode says (RST, or vanishing
without a word). Run with /usr/bin/python3 inside the client namespace:

  attack_peers.py noread   DST PORT SRC N HOLD [--mss M] [--tokens]
      N kernel sockets from SRC with a tiny MSS (TCP_MAXSEG) and the
      smallest receive buffer, so they soon advertise a zero window; each
      pipelines requests (GET /stats, or one 1M-token stream with
      --tokens) and never reads. Leave: close with unread data (RST).
  ooo      DST PORT SRC N HOLD
      N raw connections (AF_PACKET, the kernel's RSTs for SRC dropped by
      nftables) that each send segments above a hole they never fill.
      Leave: vanish (no RST; the appliance's timeouts must free them).
  orphans  DST PORT SRC N HOLD
      N kernel sockets ask for /stats with "Connection: close" while
      nftables drops every answer (the appliance closes with its answer
      and FIN unacknowledged: orphans), then the peer vanishes.
  dribble  DST PORT SRC HEADBYTES
      One request whose head (HEADBYTES, padded with a header) is sent
      one byte per segment (TCP_NODELAY, 2 ms apart); prints the status
      it got.
"""
import errno
import json
import os
import random
import resource
import select
import socket
import struct
import subprocess
import sys
import time

ETH_P_IP = 0x0800


def out(obj):
    print(json.dumps(obj), flush=True)


def kernel_sock(src, mss=None, rcvbuf=None, nodelay=False):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind((src, 0))
    if mss:
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_MAXSEG, mss)
    if rcvbuf:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    if nodelay:
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return s


def connect_all(src, dst, port, n, **kw):
    resource.setrlimit(resource.RLIMIT_NOFILE, (n + 256, n + 256))
    socks = []
    for _ in range(n):
        s = kernel_sock(src, **kw)
        s.settimeout(5)
        try:
            s.connect((dst, port))
        except OSError:
            s.close()
            continue
        s.setblocking(False)
        socks.append(s)
    return socks


def mode_noread(dst, port, src, n, hold, args):
    mss = int(args[args.index("--mss") + 1]) if "--mss" in args else 88
    tokens = "--tokens" in args
    socks = connect_all(src, dst, port, n, mss=mss, rcvbuf=1)
    if tokens:
        body = b'{"count": 1000000}'
        req = (b"POST /api/v1/tokens/batch HTTP/1.1\r\nHost: a\r\n"
               b"Content-Type: application/json\r\nContent-Length: %d\r\n\r\n" % len(body) + body)
    else:
        req = b"GET /stats HTTP/1.1\r\nHost: a\r\n\r\n" * 64
    sent = 0
    end = time.time() + hold
    while time.time() < end:
        for s in socks:
            if tokens and sent >= len(socks) * len(req):
                break
            try:
                sent += s.send(req)
            except (BlockingIOError, InterruptedError):
                pass
            except OSError:
                pass
        time.sleep(0.05)
    out({"mode": "noread", "conns": len(socks), "bytes_sent": sent})
    for s in socks:
        s.close()  # unread data: the kernel answers with RST


def mode_orphans(dst, port, src, n, hold, args):
    socks = connect_all(src, dst, port, n)
    nft = "nft add table ip lrorphan; "
    nft += "nft 'add chain ip lrorphan in { type filter hook input priority -10; }'; "
    nft += "nft 'add chain ip lrorphan out { type filter hook output priority -10; }'; "
    # Answers never arrive: the appliance closes (Connection: close) with
    # its answer and FIN unacknowledged.
    subprocess.run(nft + "nft add rule ip lrorphan in ip daddr %s drop" % src, shell=True, check=True)
    req = b"GET /stats HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n"
    for s in socks:
        try:
            s.send(req)
        except OSError:
            pass
    time.sleep(0.5)
    # The peer vanishes: nothing leaves src any more either.
    subprocess.run("nft add rule ip lrorphan out ip saddr %s drop" % src, shell=True, check=True)
    for s in socks:
        s.close()
    out({"mode": "orphans", "conns": len(socks)})
    time.sleep(hold)


def mode_dribble(dst, port, src, head_bytes):
    s = kernel_sock(src, nodelay=True)
    s.settimeout(10)
    s.connect((dst, port))
    base = b"GET /health HTTP/1.1\r\nHost: a\r\n"
    pad = max(0, head_bytes - len(base) - len(b"X-Pad: \r\n\r\n"))
    head = base + b"X-Pad: " + b"p" * pad + b"\r\n\r\n"
    t0 = time.time()
    for i in range(len(head)):
        s.send(head[i:i + 1])  # TCP_NODELAY: one byte, one segment
        time.sleep(0.002)
    data = b""
    while b"\r\n\r\n" not in data:
        b = s.recv(4096)
        if not b:
            break
        data += b
    status = int(data.split()[1]) if len(data.split()) > 1 else 0
    s.close()
    out({"mode": "dribble", "head_bytes": len(head), "status": status,
         "seconds": round(time.time() - t0, 2)})


# ---- raw TCP over AF_PACKET for the out-of-order holders ----

def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def ip_aton(a):
    return socket.inet_aton(a)


class Raw:
    def __init__(self, iface, src, dst, dport):
        self.iface, self.src, self.dst, self.dport = iface, src, dst, dport
        self.sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_IP))
        self.sock.bind((iface, ETH_P_IP))
        self.sock.setblocking(False)
        self.mac = self.sock.getsockname()[4]
        self.peer_mac = self.neigh_mac()

    def neigh_mac(self):
        subprocess.run(["ping", "-c", "1", "-W", "2", "-I", self.src, self.dst],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        txt = subprocess.run(["ip", "neigh", "show", self.dst], capture_output=True,
                             text=True).stdout.split()
        return bytes.fromhex(txt[txt.index("lladdr") + 1].replace(":", ""))

    def send(self, sport, seq, ack, flags, data=b"", win=65535, opts=b""):
        off = (20 + len(opts)) // 4
        th = struct.pack("!HHIIBBHHH", sport, self.dport, seq, ack, off << 4, flags, win, 0, 0) + opts
        ph = ip_aton(self.src) + ip_aton(self.dst) + struct.pack("!BBH", 0, 6, len(th) + len(data))
        c = csum(ph + th + data)
        th = th[:16] + struct.pack("!H", c) + th[18:]
        tot = 20 + len(th) + len(data)
        ih = struct.pack("!BBHHHBBH4s4s", 0x45, 0, tot, random.randint(0, 65535), 0x4000, 64, 6, 0,
                         ip_aton(self.src), ip_aton(self.dst))
        ih = ih[:10] + struct.pack("!H", csum(ih)) + ih[12:]
        frame = self.peer_mac + self.mac + struct.pack("!H", ETH_P_IP) + ih + th + data
        self.sock.send(frame)

    def recv_all(self, wait):
        """Yield (sport_of_peer_dst, seq, ack, flags) of segments to us."""
        end = time.time() + wait
        while time.time() < end:
            r, _, _ = select.select([self.sock], [], [], max(0, end - time.time()))
            if not r:
                break
            while True:
                try:
                    f = self.sock.recv(65535)
                except BlockingIOError:
                    break
                ip = f[14:]
                if len(ip) < 40 or ip[9] != 6 or ip[12:16] != ip_aton(self.dst) \
                        or ip[16:20] != ip_aton(self.src):
                    continue
                ihl = (ip[0] & 15) * 4
                sp, dp, seq, ack, _, flags = struct.unpack("!HHIIBB", ip[ihl:ihl + 14])
                if sp == self.dport:
                    yield dp, seq, ack, flags


def mode_ooo(dst, port, src, n, hold, args):
    iface = args[args.index("--iface") + 1] if "--iface" in args else "lr-c0"
    raw = Raw(iface, src, dst, port)
    conns = {}
    base = random.randint(20000, 30000)
    for i in range(n):
        sport = base + i
        iss = random.randint(1, 2**31)
        conns[sport] = {"iss": iss, "rcv": None}
        raw.send(sport, iss, 0, 0x02, opts=struct.pack("!BBH", 2, 4, 1460))
        if i % 64 == 63:
            for sp, seq, ack, flags in raw.recv_all(0.01):
                if sp in conns and flags & 0x12 == 0x12 and conns[sp]["rcv"] is None:
                    conns[sp]["rcv"] = seq + 1
    for sp, seq, ack, flags in raw.recv_all(1.0):
        if sp in conns and flags & 0x12 == 0x12 and conns[sp]["rcv"] is None:
            conns[sp]["rcv"] = seq + 1
    est = [sp for sp, c in conns.items() if c["rcv"] is not None]
    payload = b"x" * 1000
    for sp in est:
        c = conns[sp]
        raw.send(sp, c["iss"] + 1, c["rcv"], 0x10)
    segs = 0
    end = time.time() + hold
    k = 1
    while time.time() < end:
        # segments above a 1000-byte hole at the start, never filled
        for sp in est:
            c = conns[sp]
            if k <= 64:
                raw.send(sp, c["iss"] + 1 + 1000 * k, c["rcv"], 0x10, payload)
                segs += 1
        k += 1
        for _ in raw.recv_all(0.02):
            pass
    out({"mode": "ooo", "syns": n, "established": len(est), "ooo_segments": segs})
    # vanish: no RST


def main():
    mode, dst, port, src = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
    rest = sys.argv[5:]
    if mode == "dribble":
        return mode_dribble(dst, port, src, int(rest[0]))
    n, hold = int(rest[0]), float(rest[1])
    {"noread": mode_noread, "ooo": mode_ooo, "orphans": mode_orphans}[mode](
        dst, port, src, n, hold, rest[2:])


if __name__ == "__main__":
    main()
