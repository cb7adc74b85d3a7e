# SPDX-License-Identifier: BSD-3-Clause
"""test_l3: ARP, ICMP and malformed IPv4 against linerate on the veth pair."""
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lrnet  # noqa: E402
from lrnet import Tap, in_ns, sh  # noqa: E402

lrnet.require_root_and_tools("ip", "ping", "ethtool")
tap = Tap()
lrnet.veth_up()
app = lrnet.Appliance(name="l3")
try:
    app.wait_ready()
    r = in_ns("ping -c 20 -i 0.05 -W 2 %s" % lrnet.APPLIANCE_IP, check=False)
    tap.ok(" 20 received" in r.stdout, "ping -c 20 gets 20/20 replies", r.stdout)

    mac = open("/sys/class/net/%s/address" % lrnet.AIF).read().strip()
    neigh = in_ns("ip neigh show %s" % lrnet.APPLIANCE_IP).stdout
    tap.ok(mac in neigh.lower() and ("REACHABLE" in neigh or "STALE" in neigh or "DELAY" in neigh),
           "client's neighbour table learns linerate's MAC %s" % mac, neigh)

    # Malformed frames from the client namespace (scapy on the raw link).
    scapy = """
from scapy.all import Ether, IP, ICMP, Raw, sendp, get_if_hwaddr
import sys
dst = sys.argv[1]; dmac = sys.argv[2]; iface = sys.argv[3]
src = get_if_hwaddr(iface)
good = IP(src="%s", dst=dst)/ICMP(id=7, seq=1)/Raw(b"x"*16)
raw = bytes(good)
frames = []
frames.append(Ether(dst=dmac, src=src, type=0x0800)/Raw(raw[:12]))            # short IPv4 header
bad = bytearray(raw); bad[10] ^= 0xff                                           # bad header checksum
frames.append(Ether(dst=dmac, src=src, type=0x0800)/Raw(bytes(bad)))
frames.append(Ether(dst=dmac, src=src)/IP(src="%s", dst=dst, len=1000)/ICMP()/Raw(b"y"*8))  # total length > frame
frames.append(Ether(dst=dmac, src=src)/IP(src="%s", dst=dst, ihl=4)/ICMP())     # IHL < 5
frames.append(Ether(dst=dmac, src=src)/IP(src="%s", dst=dst, flags="MF")/ICMP()/Raw(b"f"*8))  # first fragment
frames.append(Ether(dst=dmac, src=src)/IP(src="%s", dst=dst, frag=100)/Raw(b"g"*8))   # later fragment
for f in frames:
    sendp(f, iface=iface, count=5, verbose=False)
""" % ((lrnet.CLIENT_IP,) * 5)
    path = os.path.join(lrnet.BUILD, "test-logs", "l3_malformed.py")
    with open(path, "w") as f:
        f.write(scapy)
    r = in_ns("/usr/bin/python3 %s %s %s %s" % (path, lrnet.APPLIANCE_IP, mac, lrnet.CIF), check=False)
    tap.ok(r.returncode == 0, "scapy sent malformed IPv4 frames", r.stdout)
    time.sleep(0.5)
    tap.ok(app.alive(), "linerate survives malformed frames", app.text()[-1000:])
    r = in_ns("ping -c 3 -i 0.1 -W 2 %s" % lrnet.APPLIANCE_IP, check=False)
    tap.ok(" 3 received" in r.stdout, "still answers ping after malformed frames", r.stdout)
finally:
    lrnet.check_clean_exit(tap, app)
    lrnet.veth_down()

c = app.counter
tap.ok(c("icmp_tx_echo_reply") >= 23, "icmp_tx_echo_reply counts the replies", app.counters)
tap.ok(c("ipv4_drop_short") >= 5, "short IPv4 headers dropped and counted", app.counters)
tap.ok(c("ipv4_drop_cksum") >= 5, "bad IPv4 checksums dropped and counted", app.counters)
tap.ok(c("ipv4_drop_len") >= 5, "total length beyond the frame dropped and counted", app.counters)
tap.ok(c("ipv4_drop_ihl") >= 5, "IHL < 5 dropped and counted", app.counters)
# DPDK's af_packet PMD joins a PACKET_FANOUT group with FLAG_DEFRAG: the
# kernel holds fragments for reassembly, so lone fragments never reach us
# here (test_net_input covers our own fragment drop). None may be answered.
tap.ok(c("icmp_tx_echo_reply") == 23, "fragments are never answered", app.counters)
tap.ok(c("arp_tx_reply") >= 1, "ARP request answered", app.counters)
tap.done()
