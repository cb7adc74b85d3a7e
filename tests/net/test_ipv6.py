# SPDX-License-Identifier: BSD-3-Clause
"""test_ipv6: ping -6, Neighbour Discovery, malformed IPv6, HTTP and the 1MRC over IPv6 against linerate on the veth pair."""
import json
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lrnet  # noqa: E402
from lrnet import Tap, in_ns  # noqa: E402

APPLIANCE_IP6 = os.environ.get("LR_APPLIANCE_IP6", "fd00:88::2")
MRC = os.path.join(lrnet.BUILD, "tests", "tools", "mrc-client")
CLIENT_IP6 = os.environ.get("LR_CLIENT_IP6", "fd00:88::1")

lrnet.require_root_and_tools("ip", "ping", "curl")
tap = Tap()
lrnet.veth_up()
app = lrnet.Appliance(name="ipv6")

# Scapy in the client namespace: NS to linerate's solicited-node group with
# hop limit 255 and 254, then malformed IPv6; prints what came back as JSON.
SCAPY = r"""
import json, sys, time
from socket import AF_INET6, inet_pton, inet_ntop
from scapy.all import Ether, Raw, sendp, get_if_hwaddr, AsyncSniffer
from scapy.layers.inet6 import (IPv6, IPv6ExtHdrDestOpt, IPv6ExtHdrFragment,
    ICMPv6ND_NS, ICMPv6ND_NA, ICMPv6NDOptSrcLLAddr, ICMPv6NDOptDstLLAddr,
    ICMPv6EchoRequest, ICMPv6ParamProblem, in6_getnsma, in6_getnsmac)
tgt, src6, iface, amac = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
src = get_if_hwaddr(iface)
snm = inet_ntop(AF_INET6, in6_getnsma(inet_pton(AF_INET6, tgt)))
smac = in6_getnsmac(inet_pton(AF_INET6, snm))

def nas(hlim):
    sn = AsyncSniffer(iface=iface, lfilter=lambda p: ICMPv6ND_NA in p and
                      p[ICMPv6ND_NA].tgt == tgt and p[Ether].src == amac)
    sn.start(); time.sleep(0.3)
    sendp(Ether(src=src, dst=smac) / IPv6(src=src6, dst=snm, hlim=hlim) /
          ICMPv6ND_NS(tgt=tgt) / ICMPv6NDOptSrcLLAddr(lladdr=src),
          iface=iface, verbose=False)
    time.sleep(1.0)
    return sn.stop()

out = {}
got = nas(255)
out["na255"] = len(got)
if got:
    na = got[0]
    out["R"], out["S"], out["O"] = int(na[ICMPv6ND_NA].R), int(na[ICMPv6ND_NA].S), int(na[ICMPv6ND_NA].O)
    out["hlim"] = na[IPv6].hlim
    out["dst"] = na[IPv6].dst
    out["tlla"] = na[ICMPv6NDOptDstLLAddr].lladdr if ICMPv6NDOptDstLLAddr in na else None
out["na254"] = len(nas(254))
# Malformed: an unknown next header (answered with a parameter problem),
# a fragment (dropped), a truncated header, a payload length past the frame.
sn = AsyncSniffer(iface=iface, lfilter=lambda p: ICMPv6ParamProblem in p and p[Ether].src == amac)
sn.start(); time.sleep(0.3)
e = Ether(src=src, dst=amac)
sendp(e / IPv6(src=src6, dst=tgt, nh=253) / Raw(b"x" * 8), iface=iface, verbose=False)
sendp(e / IPv6(src=src6, dst=tgt) / IPv6ExtHdrFragment(m=1, id=7) / ICMPv6EchoRequest(),
      iface=iface, verbose=False)
sendp(Ether(src=src, dst=amac, type=0x86dd) / Raw(bytes(IPv6(src=src6, dst=tgt) / ICMPv6EchoRequest())[:30]),
      iface=iface, verbose=False)
sendp(e / IPv6(src=src6, dst=tgt, plen=500) / ICMPv6EchoRequest(), iface=iface, verbose=False)
time.sleep(1.0)
pp = sn.stop()
out["param_problem"] = len(pp)
out["pp_code"] = pp[0][ICMPv6ParamProblem].code if pp else None
out["pp_ptr"] = pp[0][ICMPv6ParamProblem].ptr if pp else None
print(json.dumps(out))
"""

try:
    app.wait_ready()
    mac = open("/sys/class/net/%s/address" % lrnet.AIF).read().strip()
    path = os.path.join(lrnet.BUILD, "test-logs", "ipv6_scapy.py")
    with open(path, "w") as f:
        f.write(SCAPY)
    r = in_ns("/usr/bin/python3 %s %s %s %s %s" % (path, APPLIANCE_IP6, CLIENT_IP6, lrnet.CIF, mac),
              check=False, timeout=60)
    res = {}
    try:
        res = json.loads(r.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        pass
    tap.ok(r.returncode == 0 and res, "scapy ran the ND and malformed IPv6 cases", r.stdout)
    tap.ok(res.get("na255") == 1, "NS to the solicited-node group (hop limit 255) answered with one NA", res)
    tap.ok(res.get("S") == 1 and res.get("O") == 1 and res.get("R") == 0,
           "the NA is solicited and override, not router", res)
    tap.ok(res.get("hlim") == 255 and res.get("dst") == CLIENT_IP6,
           "the NA goes to the solicitor with hop limit 255", res)
    tap.ok((res.get("tlla") or "").lower() == mac.lower(),
           "the NA carries linerate's MAC %s in its target link-layer option" % mac, res)
    tap.ok(res.get("na254") == 0, "NS with hop limit 254 is ignored (RFC 4861 7.1.1)", res)
    tap.ok(res.get("param_problem") == 1 and res.get("pp_code") == 1 and res.get("pp_ptr") == 6,
           "unknown next header answered with parameter problem code 1, pointer 6; the rest silent", res)

    r = in_ns("ping -6 -c 20 -i 0.05 -W 2 %s" % APPLIANCE_IP6, check=False)
    tap.ok(" 20 received" in r.stdout, "ping -6 -c 20 %s gets 20/20 replies" % APPLIANCE_IP6, r.stdout)
    r = in_ns("ping -6 -c 3 -i 0.1 -W 2 -s 1400 %s" % APPLIANCE_IP6, check=False)
    tap.ok(" 3 received" in r.stdout, "ping -6 with 1400-byte payloads answered", r.stdout)
    neigh = in_ns("ip -6 neigh show %s" % APPLIANCE_IP6).stdout
    tap.ok(mac in neigh.lower() and any(s in neigh for s in ("REACHABLE", "STALE", "DELAY", "PROBE")),
           "client's neighbour cache learns linerate's MAC for %s" % APPLIANCE_IP6, neigh)
    r = in_ns("ping -c 3 -i 0.1 -W 2 %s" % lrnet.APPLIANCE_IP, check=False)
    tap.ok(" 3 received" in r.stdout, "IPv4 ping still answered (dual stack)", r.stdout)

    # TCP, HTTP and the 1MRC over IPv6.
    URL6 = "http://[%s]:%d" % (APPLIANCE_IP6, lrnet.HTTP_PORT)
    URL4 = "http://%s:%d" % (lrnet.APPLIANCE_IP, lrnet.HTTP_PORT)
    r = in_ns("curl -g -s -m 10 -o /dev/null -w '%%{http_code}' %s/health" % URL6, check=False)
    tap.ok(r.stdout.strip() == "200", "curl -g %s/health answers 200" % URL6, r.stdout)
    r = in_ns("curl -g -s -m 10 -o /dev/null -w '%%{http_code}' http://[%s]:9/" % APPLIANCE_IP6, check=False)
    tap.ok(r.returncode == 7,
           "TCP to a closed port over IPv6 is refused (RST)", r.stdout)
    # linerate-ctl conns lists the IPv6 client (a connection held open for
    # 3 s) with its address, and counts it under ipv6.
    hold = ("/usr/bin/python3 -c 'import socket,time; s=socket.create_connection((\"%s\",%d)); "
            "time.sleep(3)'" % (APPLIANCE_IP6, lrnet.HTTP_PORT))
    holder = subprocess.Popen("ip netns exec %s %s" % (lrnet.NS, hold), shell=True)
    conns, mine = {}, []
    for _ in range(20):
        time.sleep(0.1)
        r = lrnet.sh([os.path.join(lrnet.BUILD, "linerate-ctl"), "-s", "/run/linerate/ctl.sock",
                      "--json", "conns", "list=100"], check=False)
        try:
            conns = json.loads(r.stdout)
        except ValueError:
            conns = {"raw": r.stdout}
        mine = [c for c in conns.get("connections", [])
                if c.get("family") == "ipv6" and c.get("peer") == CLIENT_IP6 and c.get("state") == "ESTABLISHED"]
        if mine:
            break
    holder.wait(timeout=30)
    tap.ok(len(mine) == 1 and mine[0].get("local_port") == lrnet.HTTP_PORT
           and conns.get("total", {}).get("ipv6", 0) >= 1,
           "linerate-ctl conns lists the IPv6 client %s (family ipv6) and counts it" % CLIENT_IP6, conns)
    EV6 = int(os.environ.get("LR_MRC6_EVENTS", "200000"))
    r = in_ns("%s -n %d -c 64 -d 16 -u 75000 --reset --expect-exact --json %s" % (MRC, EV6, URL6),
              check=False, timeout=600)
    tap.ok(r.returncode == 0, "mrc-client over IPv6: %d events, every one acknowledged, /stats exact" % EV6,
           r.stdout[-3000:])
    st = json.loads(in_ns("curl -g -s -m 10 %s/stats" % URL6).stdout or "{}")
    tap.ok(st.get("totalRequests") == EV6, "totalRequests == %d over IPv6" % EV6, st)
    # Both families at once: one client each, the totals exact.
    N4, N6 = 50000, 50000
    cmd = ("%s -n %d -c 32 -d 16 -u 75000 %s > %s 2>&1 & %s -n %d -c 32 -d 16 -u 75000 %s > %s 2>&1 & wait" %
           (MRC, N4, URL4, "/dev/null", MRC, N6, URL6, "/dev/null"))
    r = in_ns("sh -c '%s; echo done'" % cmd, check=False, timeout=600)
    st = json.loads(in_ns("curl -s -m 10 %s/stats" % URL4).stdout or "{}")
    tap.ok(st.get("totalRequests") == EV6 + N4 + N6,
           "IPv4 and IPv6 clients at once: totalRequests == %d" % (EV6 + N4 + N6), st)
    time.sleep(0.3)
    tap.ok(app.alive(), "linerate survives malformed IPv6", app.text()[-1000:])
finally:
    lrnet.check_clean_exit(tap, app)
    lrnet.veth_down()

# The XDP path: linerate on af_xdp while the kernel keeps its own IPv6
# address (fd00:88::3) on the same interface; each answers its own.
KIP6 = APPLIANCE_IP6.rsplit(":", 1)[0] + ":3"
LOGS = os.path.join(lrnet.BUILD, "test-logs")
with open(os.path.join(lrnet.ROOT, "dpdk-config", "af_xdp.json")) as f:
    xcfg = json.load(f)
xcfg["ctl"]["socket"] = os.path.join(LOGS, "ipv6-xdp-ctl-%d.sock" % os.getpid())
XCFG = os.path.join(LOGS, "af_xdp-ipv6-%d.json" % os.getpid())
with open(XCFG, "w") as f:
    json.dump(xcfg, f, indent=1)
lrnet.veth_up()
lrnet.sh("sysctl -qw net.ipv6.conf.%s.disable_ipv6=0" % lrnet.AIF, check=False)
lrnet.sh("ip -6 addr add %s/64 dev %s nodad" % (KIP6, lrnet.AIF))
xapp = lrnet.Appliance(name="ipv6-xdp", config=XCFG)
try:
    xapp.wait_ready()
    steering = [line for line in xapp.text().splitlines() if "xdp: steering" in line]
    tap.ok(any(APPLIANCE_IP6 in line and "ICMPv6" in line for line in steering),
           "XDP steers %s (ICMPv6 and its ND: linerate's alone)" % APPLIANCE_IP6, steering)
    r = in_ns("ping -6 -c 10 -i 0.05 -W 2 %s" % APPLIANCE_IP6, check=False)
    tap.ok(" 10 received" in r.stdout, "XDP path: ping -6 %s answered by linerate" % APPLIANCE_IP6, r.stdout)
    r = in_ns("ping -6 -c 5 -i 0.05 -W 2 %s" % KIP6, check=False)
    tap.ok(" 5 received" in r.stdout, "XDP path: the kernel still answers its own %s" % KIP6, r.stdout)
    r = in_ns("ping -c 3 -i 0.1 -W 2 %s" % lrnet.APPLIANCE_IP, check=False)
    tap.ok(" 3 received" in r.stdout, "XDP path: IPv4 ping still answered", r.stdout)
finally:
    code = xapp.stop()
    tap.ok(code == 0, "linerate (XDP) exits 0 on SIGTERM", xapp.text()[-2000:])
    lrnet.veth_down()
tap.ok(xapp.counter("icmp6_tx_echo_reply") == 10,
       "XDP path: linerate answered exactly its own 10 echo requests", xapp.counters)

c = app.counter
tap.ok(c("icmp6_tx_echo_reply") >= 23, "icmp6_tx_echo_reply counts the replies", app.counters)
tap.ok(c("nd_drop_hop_limit") >= 1, "nd_drop_hop_limit counts the hop-limit-254 NS", app.counters)
tap.ok(c("nd_tx_na") >= 1 and c("nd_rx_ns") >= 2, "NS received and NA sent are counted", app.counters)
tap.ok(c("ip6_drop_proto") >= 1, "ip6_drop_proto counts the unknown next header", app.counters)
tap.ok(c("ip6_drop_short") >= 1, "ip6_drop_short counts the truncated header", app.counters)
tap.ok(c("ip6_drop_len") >= 1, "ip6_drop_len counts the payload length past the frame", app.counters)
tap.done()
