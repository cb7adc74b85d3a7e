# SPDX-License-Identifier: BSD-3-Clause
"""test_faults: 1MRC under loss, duplication (and shim reorder/corruption): /stats exact.

The network does what a bad network does, the client sends without
--retry, and /stats must equal exactly what the client got a 200 for
(mrc-client --expect-exact: "EXACT OK"): an acknowledged event is counted
once, an unacknowledged one at most once, whatever was lost, duplicated,
reordered or corrupted on the way.

Faults, in the client namespace (nftables 1.0.6; no netem on this kernel):
  - loss: `numgen random mod 100 < 5 drop` in inet input and output
    chains, matching only the appliance's address and port (5% each way);
  - duplication: `dup to <client if>` in a netdev *egress* chain of the
    client interface (kernel >= 5.16), client -> appliance direction.
    The appliance -> client direction cannot be duplicated with `dup` (a
    dup from ingress transmits the copy back out), and frames reach
    linerate's af_packet socket before any hook on its own veth, so that
    side is left to the shim;
  - reordering and corruption: linerate's seeded RX fault shim
    (lib/core/fault.c, config key "fault"), run only when this build's
    config loader knows the key, otherwise that case is skipped.
Loss alone at 1%, 5% and 10% each way must count exactly too, with the
client's SACK accepted (RACK-TLP, SACK recovery: docs/RELIABILITY.md).
Env: LR_FAULT_EVENTS (default 100000), LR_FAULT_LOSS_EVENTS (per loss
rate, default 20000).
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lrnet  # noqa: E402
from lrnet import Tap, in_ns  # noqa: E402

lrnet.require_root_and_tools("ip", "curl", "nft")
CLIENT = os.path.join(lrnet.BUILD, "tests", "tools", "mrc-client")
if not os.path.exists(CLIENT):
    lrnet.skip_all("%s not built (make)" % CLIENT)
EVENTS = int(os.environ.get("LR_FAULT_EVENTS", "100000"))
LOSS_EVENTS = int(os.environ.get("LR_FAULT_LOSS_EVENTS", "20000"))
URL = "http://%s:%d" % (lrnet.APPLIANCE_IP, lrnet.HTTP_PORT)
LOGS = os.path.join(lrnet.BUILD, "test-logs")
os.makedirs(LOGS, exist_ok=True)
tap = Tap()


def config(name, extra):
    """dpdk-config/veth.json with our own control socket, plus extra keys."""
    with open(os.path.join(lrnet.ROOT, "dpdk-config", "veth.json")) as f:
        cfg = json.load(f)
    cfg["ctl"] = {"socket": "/run/linerate/faults-%s.sock" % name}
    for k, v in extra.items():
        if isinstance(v, dict) and isinstance(cfg.get(k), dict):
            cfg[k].update(v)
        else:
            cfg[k] = v
    path = os.path.join(LOGS, "faults-%s.json" % name)
    with open(path, "w") as f:
        json.dump(cfg, f, indent=1)
    return path


NFT_LOSS = """
table inet lrfault {
    chain in {
        type filter hook input priority 0; policy accept;
        ip saddr %(ip)s tcp sport %(port)d numgen random mod 100 < %(pct)d counter drop
    }
    chain out {
        type filter hook output priority 0; policy accept;
        ip daddr %(ip)s tcp dport %(port)d numgen random mod 100 < %(pct)d counter drop
    }
}
"""
NFT_DUP = """
table netdev lrdup {
    chain egress {
        type filter hook egress device "%(cif)s" priority 0; policy accept;
        ip daddr %(ip)s tcp dport %(port)d numgen random mod 100 < %(dup)d counter dup to "%(cif)s"
    }
}
"""


def nft_load(text):
    path = os.path.join(LOGS, "faults.nft")
    with open(path, "w") as f:
        f.write(text)
    return in_ns("nft -f %s" % path, check=False, cpu=None)


def nft_counters():
    r = in_ns("nft list ruleset", check=False, cpu=None)
    got = {}
    for line in r.stdout.splitlines():
        if "counter packets" in line:
            pk = int(line.split("counter packets")[1].split()[0])
            if "dup to" in line:
                got["dup"] = got.get("dup", 0) + pk
            elif "saddr" in line:
                got["drop_in"] = got.get("drop_in", 0) + pk
            elif "daddr" in line:
                got["drop_out"] = got.get("drop_out", 0) + pk
    return got


def nft_flush():
    in_ns("nft delete table inet lrfault", check=False, cpu=None)
    in_ns("nft delete table netdev lrdup", check=False, cpu=None)


def run_case(name, cfg, loss_pct, dup_pct, events, conns=32, depth=8):
    app = lrnet.Appliance(name="faults-" + name, config=cfg)
    report = None
    try:
        app.wait_ready()
        in_ns("ping -c 1 -W 2 %s" % lrnet.APPLIANCE_IP, check=False)
        nft_flush()
        if loss_pct:
            r = nft_load(NFT_LOSS % {"ip": lrnet.APPLIANCE_IP, "port": lrnet.HTTP_PORT, "pct": loss_pct})
            tap.ok(r.returncode == 0, "%s: nft loss rules (%d%% each way) load" % (name, loss_pct), r.stdout)
        if dup_pct:
            r = nft_load(NFT_DUP % {"ip": lrnet.APPLIANCE_IP, "port": lrnet.HTTP_PORT, "dup": dup_pct,
                                    "cif": lrnet.CIF})
            tap.ok(r.returncode == 0, "%s: nft dup on netdev egress of %s loads" % (name, lrnet.CIF),
                   r.stdout)
        r = in_ns("%s -n %d -c %d -d %d -u 20000 --timeout 30 --reset --expect-exact --json %s"
                  % (CLIENT, events, conns, depth, URL), check=False, timeout=200)
        nft = nft_counters()
        nft_flush()
        line = [ln for ln in r.stdout.splitlines() if ln.startswith("{")]
        report = json.loads(line[-1]) if line else {}
        st = report.get("stats", {})
        tap.diag("%s: sent %s acked %s non2xx %s lost %s unsent %s counted %s check %s rps %s p99 %sus"
                 % (name, report.get("sent"), report.get("acked"), report.get("non2xx"),
                    report.get("lost"), report.get("unsent"), st.get("totalRequests"),
                    report.get("check"), report.get("rps"),
                    report.get("latency_us", {}).get("p99")))
        tap.diag("%s: nft %s; client conn_errors %s timeouts %s reconnects %s"
                 % (name, nft, report.get("conn_errors"), report.get("timeouts"),
                    report.get("reconnects")))
        tap.ok(report.get("check") == "EXACT OK",
               "%s: /stats equals exactly what was acknowledged (EXACT OK)" % name, r.stdout[-2500:])
        tap.ok(report.get("acked", 0) >= events * 0.9,
               "%s: at least 90%% of %d events acknowledged (no --retry)" % (name, events),
               report)
        if loss_pct:
            tap.ok(nft.get("drop_in", 0) > 0 and nft.get("drop_out", 0) > 0,
                   "%s: loss was really injected both ways" % name, nft)
        if dup_pct:
            tap.ok(nft.get("dup", 0) > 0, "%s: duplicates were really injected" % name, nft)
    finally:
        nft_flush()
        lrnet.check_clean_exit(tap, app, "linerate (%s)" % name)
    c = app.counters
    tap.diag("%s: linerate tcp_retransmits %d fast %d rto %d dup_segs %d ooo_segs %d "
             "ipv4_drop_cksum %d tcp_drop_cksum %d rx_packets %d"
             % (name, c.get("tcp_retransmits", 0), c.get("tcp_fast_retransmits", 0),
                c.get("tcp_rto_timeouts", 0), c.get("tcp_dup_segs", 0), c.get("tcp_ooo_segs", 0),
                c.get("ipv4_drop_cksum", 0), c.get("tcp_drop_cksum", 0), c.get("rx_packets", 0)))
    tap.diag("%s: linerate sack_conns %d limited_transmit %d tlp_probes %d tlp_recoveries %d "
             "rack_losses %d sack_repaired %d dsack_rx %d spurious_undone %d"
             % (name, c.get("tcp_sack_conns", 0), c.get("tcp_limited_transmit", 0),
                c.get("tcp_tlp_probes", 0), c.get("tcp_tlp_recoveries", 0),
                c.get("tcp_rack_losses", 0), c.get("tcp_sack_repaired", 0),
                c.get("tcp_dsack_rx", 0), c.get("tcp_spurious_undone", 0)))
    fault = {k: v for k, v in c.items() if k.startswith("fault_")}
    if fault:
        tap.diag("%s: shim %s" % (name, fault))
    return report, c


lrnet.veth_up()
try:
    for pct in (1, 5, 10):
        name = "loss-%d" % pct
        rep, c = run_case(name, config("loss%d" % pct, {}), pct, 0, LOSS_EVENTS)
        tap.ok(c.get("tcp_sack_conns", 0) > 0,
               "%s: the client's SACK permitted was accepted" % name, c)
        tap.ok(c.get("tcp_retransmits", 0) > 0, "%s: linerate retransmitted" % name, c)
    rep, c = run_case("loss-dup", config("plain", {}), 5, 2, EVENTS)
    tap.ok(c.get("tcp_retransmits", 0) > 0, "loss-dup: linerate retransmitted (loss reached it)", c)
    tap.ok(c.get("tcp_dup_segs", 0) > 0 or c.get("tcp_drop_out_of_window", 0) > 0,
           "loss-dup: duplicate segments seen and discarded", c)
    cfg = config("shim", {"fault": {"seed": 7, "reorder_permille": 20, "duplicate_permille": 10,
                                    "corrupt_permille": 10, "drop_permille": 10}})
    # Few connections, deep pipelines: a connection's segments arrive
    # close together, so holding one back reorders that connection.
    rep, c = run_case("shim", cfg, 2, 0, EVENTS // 2, conns=2, depth=32)
    tap.ok(c.get("tcp_drop_cksum", 0) + c.get("ipv4_drop_cksum", 0) > 0,
           "shim: corrupted frames were caught by the checksums", c)
    tap.ok(c.get("fault_reordered", 0) > 0 and c.get("fault_held", 1) == 0,
           "shim: frames were held back and every one released", c)
    tap.diag("shim: segments linerate queued out of order (tcp_ooo_segs): %d"
             % c.get("tcp_ooo_segs", 0))
finally:
    lrnet.veth_down()
tap.done()
