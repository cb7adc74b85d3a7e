# SPDX-License-Identifier: BSD-3-Clause
"""test_tcp_conformance: linerate's TCP against crafted segments (scapy).

Scapy runs inside the client namespace (a helper script written to the test
log directory, one scenario per run, JSON out). The client kernel knows
nothing of scapy's connections and would reset them: an nftables table in
the namespace drops its RSTs from the ports scapy uses (40000-60000).
Scapy itself sends at layer 2 (AF_PACKET), below that rule.
"""
import json
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lrnet  # noqa: E402
from lrnet import Tap, in_ns  # noqa: E402

lrnet.require_root_and_tools("ip", "nft", "curl")
try:
    import scapy  # noqa: F401
except ImportError:
    lrnet.skip_all("python3 scapy not installed (apt-get install python3-scapy)")

tap = Tap()
LOGS = os.path.join(lrnet.BUILD, "test-logs")
os.makedirs(LOGS, exist_ok=True)
CTL_SOCK = os.environ.get("LR_TCPCONF_CTL", "/run/linerate/tcpconf-%d.sock" % os.getpid())
PORT = lrnet.HTTP_PORT

HELPER = r'''
import json, random, sys, time
from scapy.all import (AsyncSniffer, Ether, IP, IPv6, TCP, Raw, conf, getmacbyip,
                       getmacbyip6, sendp, get_if_hwaddr)
conf.verb = 0
IFACE, SRC, DST, DPORT, SCEN = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5]
conf.iface = IFACE
# Either family: the addresses say which (IPv6 has colons).
V6 = ":" in DST
L3 = IPv6 if V6 else IP
MAC = None
for _ in range(5):
    MAC = getmacbyip6(DST) if V6 else getmacbyip(DST)
    if MAC:
        break
    time.sleep(0.2)
OUT = {}
REQ = b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n"


SRC_MAC = get_if_hwaddr(IFACE)


def l2(pkt):
    return Ether(dst=MAC, src=SRC_MAC) / pkt


class Conn:
    def __init__(self, sport=None):
        self.sport = sport or random.randint(40000, 60000)
        self.seq = random.randint(1, 2**31)
        self.rcv = None
        self.pkts = []
        self.sniff = AsyncSniffer(iface=IFACE, store=False, prn=self.pkts.append,
                                  lfilter=lambda p: TCP in p and L3 in p and p[L3].src == DST and
                                  p[TCP].sport == DPORT and p[TCP].dport == self.sport)
        self.sniff.start()
        time.sleep(0.3)
        self.seen = 0

    def ip(self):
        return L3(src=SRC, dst=DST)

    def send(self, flags, seq=None, ack=None, data=b"", win=65535, options=None, chksum=None):
        t = TCP(sport=self.sport, dport=DPORT, flags=flags, window=win,
                seq=self.seq if seq is None else seq,
                ack=(self.rcv or 0) if ack is None else ack, options=options or [])
        if chksum is not None:
            t.chksum = chksum
        p = self.ip() / t
        if data:
            p = p / Raw(load=data)
        sendp(l2(p), iface=IFACE)

    def new(self, wait=1.0, until=None):
        """Segments received since the last call: waits wait s, or until
        until(segments) holds."""
        end = time.time() + wait
        while True:
            got = [p[TCP] for p in self.pkts[self.seen:]]
            if (until and until(got)) or time.time() >= end:
                break
            time.sleep(0.02)
        self.seen += len(got)
        return got

    def handshake(self, options=None, win=65535):
        self.send("S", options=options or [("MSS", 1460)], win=win)
        got = self.new(2.0, until=lambda g: any(x.flags & 0x12 == 0x12 for x in g))
        sa = [x for x in got if x.flags & 0x12 == 0x12]
        if not sa:
            return None
        sa = sa[0]
        self.seq += 1
        self.rcv = sa.seq + 1
        self.iss = sa.seq
        self.send("A", win=win)
        return sa

    def data_of(self, segs):
        """In-order payload from self.rcv (duplicates skipped)."""
        out = b""
        for s in sorted(segs, key=lambda x: (x.seq - self.rcv) % 2**32):
            d = pl(s)
            off = (self.rcv - s.seq) % 2**32
            if off < len(d):
                out += d[off:]
                self.rcv = (self.rcv + len(d) - off) % 2**32
        return out

    def close(self):
        self.send("R", seq=self.seq, ack=0)
        time.sleep(0.05)
        self.sniff.stop()


def pl(s):
    """TCP payload without Ethernet padding (the IP length says)."""
    ip = s.underlayer
    n = (ip.plen if V6 else ip.len - ip.ihl * 4) - s.dataofs * 4
    return bytes(s.payload)[:max(n, 0)] if s.payload else b""


def payload_len(s):
    return len(pl(s))


def opts(s):
    return {k: v for k, v in s.options if k in ("MSS", "WScale", "Timestamp", "SAckOK")}


if SCEN == "options":
    c = Conn()
    sa = c.handshake([("MSS", 1400), ("SAckOK", b""), ("Timestamp", (12345, 0)),
                      ("NOP", None), ("WScale", 7)])
    o = opts(sa) if sa is not None else {}
    OUT = {"synack": sa is not None, "mss": o.get("MSS"), "ws": o.get("WScale"),
           "ts": list(o["Timestamp"]) if "Timestamp" in o else None}
    c2 = Conn()
    sa2 = c2.handshake([("MSS", 1460)])
    o2 = opts(sa2) if sa2 is not None else {}
    OUT["plain_ws"] = o2.get("WScale")
    OUT["plain_ts"] = "Timestamp" in o2
    c.close()
    c2.close()
elif SCEN == "smallmss":
    c = Conn()
    sa = c.handshake([("MSS", 536)])
    c.send("PA", data=REQ * 12)
    c.seq += len(REQ) * 12
    got = c.new(3.0, until=lambda g: b"".join(pl(x) for x in g).count(b"HTTP/1.1 200") >= 12)
    sizes = [payload_len(x) for x in got if payload_len(x)]
    data = c.data_of(got)
    OUT = {"sizes": sizes, "responses": data.count(b"HTTP/1.1 200")}
    c.close()
elif SCEN == "ooo":
    c = Conn()
    c.handshake()
    half = len(REQ) // 2
    c.send("PA", seq=c.seq + half, data=REQ[half:])
    first = c.new(0.5)
    c.send("PA", seq=c.seq, data=REQ[:half])
    c.seq += len(REQ)
    got = c.new(2.0, until=lambda g: b"healthy" in b"".join(pl(x) for x in g))
    data = c.data_of(got)
    OUT = {"early_data": sum(payload_len(x) for x in first),
           "dupack": any(x.ack == c.seq - len(REQ) for x in first),
           "responses": data.count(b"HTTP/1.1 200"), "healthy": b'{"status":"healthy"}' in data}
    c.close()
elif SCEN == "dup":
    c = Conn()
    c.handshake()
    c.send("PA", data=REQ)
    c.send("PA", data=REQ)
    c.seq += len(REQ)
    got = c.new(2.0)
    data = c.data_of(got)
    OUT = {"responses": data.count(b"HTTP/1.1 200")}
    c.close()
elif SCEN == "rst":
    c = Conn()
    c.handshake()
    c.new(0.2)
    c.send("R", seq=c.seq + 100, ack=0)
    got = c.new(1.0, until=lambda g: len(g) > 0)
    ch = [x for x in got if x.flags == "A"]
    OUT["challenge"] = bool(ch) and ch[0].ack == c.seq and ch[0].seq == c.rcv
    c.send("R", seq=c.seq, ack=0)
    time.sleep(0.2)
    c.new(0.1)
    c.send("PA", data=REQ)
    got = c.new(1.0, until=lambda g: len(g) > 0)
    OUT["rst_after"] = any(x.flags & 0x04 for x in got)
    OUT["no_data_after"] = not any(payload_len(x) for x in got)
    c.sniff.stop()
elif SCEN == "zerowin":
    c = Conn()
    c.handshake()
    c.send("PA", data=REQ, win=0)
    c.seq += len(REQ)
    got = c.new(2.5)
    during = [x for x in got if payload_len(x)]
    probes = [x for x in got if (payload_len(x) == 1 and x.seq == c.rcv) or
              (payload_len(x) == 0 and x.seq == (c.rcv - 1) % 2**32)]
    # Answer the probes with a window of 0 too, then open it.
    c.send("A", win=65535)
    got2 = c.new(2.0, until=lambda g: b"healthy" in b"".join(pl(x) for x in g))
    data = c.data_of(got2 + [x for x in got if payload_len(x) > 1])
    # A probe may carry one octet past the window (RFC 9293 §3.8.6.1),
    # always the same one: nothing else may arrive.
    OUT = {"max_len_during": max([payload_len(x) for x in during] or [0]),
           "octets_during": len(set(x.seq for x in during)), "probes": len(probes),
           "responses": data.count(b"HTTP/1.1 200"), "healthy": b"healthy" in data}
    c.close()
elif SCEN == "badcsum":
    c = Conn()
    c.handshake()
    c.new(0.2)
    c.send("PA", data=REQ, chksum=0x1234)
    got = c.new(1.0)
    OUT["answered_bad"] = len(got)
    c.send("PA", data=REQ)
    c.seq += len(REQ)
    got = c.new(2.0, until=lambda g: b"healthy" in b"".join(pl(x) for x in g))
    OUT["answered_good"] = b"healthy" in c.data_of(got)
    c.close()
elif SCEN == "flood":
    n = int(sys.argv[6])
    pkts = [l2(L3(src=SRC, dst=DST) / TCP(sport=40000 + i % 20000, dport=DPORT, flags="S",
                                          seq=random.randint(1, 2**31), options=[("MSS", 1460)]))
            for i in range(n)]
    t0 = time.time()
    sendp(pkts, iface=IFACE)
    OUT = {"sent": n, "secs": round(time.time() - t0, 2)}
print(json.dumps(OUT))
'''


CLIENT_IP6 = os.environ.get("LR_CLIENT_IP6", "fd00:88::1")
VIP_ARP, VIP_DSR = "10.90.0.100", "10.90.0.101"
APPLIANCE_IP6 = os.environ.get("LR_APPLIANCE_IP6", "fd00:88::2")


def run_scapy(scen, *args, timeout=60, fam=4):
    path = os.path.join(LOGS, "tcp_scapy.py")
    with open(path, "w") as f:
        f.write(HELPER)
    src, dst = (CLIENT_IP6, APPLIANCE_IP6) if fam == 6 else (lrnet.CLIENT_IP, lrnet.APPLIANCE_IP)
    try:
        r = in_ns("/usr/bin/python3 %s %s %s %s %d %s %s" % (
            path, lrnet.CIF, src, dst, PORT, scen,
            " ".join(str(a) for a in args)), check=False, timeout=timeout)
    except lrnet.subprocess.TimeoutExpired as e:
        return {"error": "timed out after %ss: %s" % (timeout, e.output)}
    lines = [l for l in r.stdout.splitlines() if l.startswith("{")]
    if not lines:
        return {"error": r.stdout[-2000:]}
    return json.loads(lines[-1])


def ctl_stats():
    ctl = os.path.join(lrnet.BUILD, "linerate-ctl")
    r = lrnet.sh([ctl, "-s", CTL_SOCK, "--json", "stats"], check=False, timeout=20)
    try:
        return json.loads(r.stdout)
    except ValueError:
        return {"error": r.stdout}


def find(obj, key):
    """Sum of every value named key anywhere in a JSON document."""
    if isinstance(obj, dict):
        return sum((v if k == key and isinstance(v, (int, float)) else find(v, key))
                   for k, v in obj.items())
    if isinstance(obj, list):
        return sum(find(v, key) for v in obj)
    return 0


def nft_setup():
    in_ns("nft delete table inet lrscapy", check=False)
    in_ns("nft add table inet lrscapy")
    in_ns("nft add chain inet lrscapy output '{ type filter hook output priority 0; }'")
    in_ns("nft add rule inet lrscapy output tcp sport 40000-60000 'tcp flags & rst == rst' drop")


def write_config():
    src = os.path.join(lrnet.ROOT, "dpdk-config", "veth.json")
    with open(src) as f:
        cfg = json.load(f)
    cfg.setdefault("ctl", {})["socket"] = CTL_SOCK
    # A small half-open table so that the flood below needs cookies.
    cfg.setdefault("tcp", {})["max_halfopen"] = 256
    # Two VIPs (ip.vips): one answered by ARP, one a balancer would own.
    cfg.setdefault("ip", {})["vips"] = [{"address": VIP_ARP, "arp": True},
                                        {"address": VIP_DSR, "arp": False}]
    fd, path = tempfile.mkstemp(prefix="lr-tcpconf-", suffix=".json")
    with os.fdopen(fd, "w") as f:
        json.dump(cfg, f)
    return path


lrnet.veth_up()
os.makedirs(os.path.dirname(CTL_SOCK), exist_ok=True)
cfg_path = write_config()
app = lrnet.Appliance(name="tcpconf", config=cfg_path)
try:
    app.wait_ready()
    in_ns("ping -c 1 -W 2 %s" % lrnet.APPLIANCE_IP, check=False)
    nft_setup()

    in_ns("ping -6 -c 1 -W 2 %s" % APPLIANCE_IP6, check=False)
    # Every case over IPv4, then over IPv6 (the same TCP above both).
    for fam in (4, 6):
        sfx = " (IPv6)" if fam == 6 else ""
        r = run_scapy("options", fam=fam)
        tap.ok(r.get("synack") and r.get("mss") == 1400, "SYN-ACK announces min(MSS)" + sfx, r)
        tap.ok(r.get("ws") is not None and r.get("plain_ws") is None,
               "window scale only when offered" + sfx, r)
        tap.ok(r.get("ts") is not None and r["ts"][1] == 12345 and not r.get("plain_ts"),
               "timestamps echoed (TSecr) only when offered" + sfx, r)

        r = run_scapy("smallmss", fam=fam)
        tap.ok(r.get("sizes") and max(r["sizes"]) <= 536 and r.get("responses") == 12,
               "MSS 536: every response segment <= 536 bytes" + sfx, r)

        r = run_scapy("ooo", fam=fam)
        tap.ok(r.get("early_data") == 0 and r.get("responses") == 1 and r.get("healthy"),
               "out of order: second half first, then the first: one correct response" + sfx, r)
        tap.ok(r.get("dupack"), "out-of-order segment answered by a duplicate ACK" + sfx, r)

        r = run_scapy("dup", fam=fam)
        tap.ok(r.get("responses") == 1, "a duplicated segment gets one response" + sfx, r)

        r = run_scapy("rst", fam=fam)
        tap.ok(r.get("challenge"), "in-window RST that is not exact gets a challenge ACK" + sfx, r)
        tap.ok(r.get("rst_after") and r.get("no_data_after"),
               "after the exact RST the connection is gone (segments get RST)" + sfx, r)

        r = run_scapy("zerowin", fam=fam)
        tap.ok(r.get("max_len_during", 99) <= 1 and r.get("octets_during", 99) <= 1 and r.get("probes", 0) >= 1,
               "zero window: no data, only probes" + sfx, r)
        tap.ok(r.get("responses") == 1 and r.get("healthy"), "window update: the response flows" + sfx, r)

        r = run_scapy("badcsum", fam=fam)
        tap.ok(r.get("answered_bad") == 0 and r.get("answered_good"),
               "bad checksum ignored; the good copy answered" + sfx, r)

    # ip.vips: TCP served from a VIP. The ARP one routed on-link, the
    # other (arp: false, direct server return) via linerate's address.
    in_ns("ip route replace %s/32 dev %s" % (VIP_ARP, lrnet.CIF), check=False)
    in_ns("ip route replace %s/32 via %s dev %s" % (VIP_DSR, lrnet.APPLIANCE_IP, lrnet.CIF), check=False)
    for vip in (VIP_ARP, VIP_DSR):
        c = in_ns("curl -s -S -m 10 -i http://%s:%d/health" % (vip, PORT), check=False)
        tap.ok(c.stdout.startswith("HTTP/1.1 200") and '{"status":"healthy"}' in c.stdout,
               "GET /health through VIP %s answered" % vip, c.stdout)
    neigh = in_ns("ip neigh show %s" % VIP_ARP, check=False).stdout
    tap.ok("lladdr" in neigh, "ARP for VIP %s (arp: true) answered" % VIP_ARP, neigh)
    in_ns("ip route del %s/32" % VIP_ARP, check=False)
    in_ns("ip route del %s/32" % VIP_DSR, check=False)

    before = ctl_stats()
    tap.ok("error" not in before, "linerate-ctl stats --json answers on the test socket", before)
    r = run_scapy("flood", 5000, timeout=120)
    tap.diag("flood: %s" % r)
    c = in_ns("curl -s -S -m 10 -i http://%s:%d/health" % (lrnet.APPLIANCE_IP, PORT), check=False)
    tap.ok(c.stdout.startswith("HTTP/1.1 200") and '{"status":"healthy"}' in c.stdout,
           "after a SYN flood of 5000: GET /health still answered", c.stdout)
    after = ctl_stats()
    cookies = find(after, "tcp_syncookie_tx") - find(before, "tcp_syncookie_tx")
    tap.ok(cookies > 0, "SYN cookies were sent during the flood (%d)" % cookies,
           json.dumps(after)[:1500])
    tap.ok(app.alive(), "linerate still running")
finally:
    in_ns("nft delete table inet lrscapy", check=False)
    lrnet.check_clean_exit(tap, app)
    os.unlink(cfg_path)
    lrnet.veth_down()
tap.done()
