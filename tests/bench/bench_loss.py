# SPDX-License-Identifier: BSD-3-Clause
"""bench_loss.py: the `loss` section of make bench: 1MRC under loss, linerate vs nginx.

mrc-client at depth 1 and depth 16 against linerate and against nginx on
the same veth, behind the same nftables rules in the client namespace
(`numgen random mod 100 < P drop`, both directions, both servers'
addresses), servers alternated at each loss rate: p50, p99, p999 and
req/s at 1%, 5% and 10% loss each way, and linerate's loss-recovery
counters (docs/RELIABILITY.md). Nothing is asserted.
Env: LR_BENCH_LOSS (rates, default "1,5,10"), LR_BENCH_LOSS_N (events
per depth-16 cell; depth 1 gets a quarter).
"""
import json
import os

RATES = [int(x) for x in os.environ.get("LR_BENCH_LOSS", "1,5,10").split(",") if x]
DEPTHS = (1, 16)
CONNS = 16
COUNTERS = ("tcp_sack_conns", "tcp_limited_transmit", "tcp_tlp_probes",
            "tcp_tlp_recoveries", "tcp_rack_losses", "tcp_sack_repaired",
            "tcp_dsack_rx", "tcp_spurious_undone", "tcp_rto_timeouts",
            "tcp_rto_nosack", "tcp_rto_repeated", "tcp_rto_after_probe",
            "tcp_rto_in_recovery", "tcp_rto_tail", "tcp_retransmits")

NFT = """
table inet lrbenchloss {
    chain in {
        type filter hook input priority 0; policy accept;
        ip saddr { %(ips)s } tcp sport %(port)d numgen random mod 100 < %(pct)d counter drop
    }
    chain out {
        type filter hook output priority 0; policy accept;
        ip daddr { %(ips)s } tcp dport %(port)d numgen random mod 100 < %(pct)d counter drop
    }
}
"""


def _nft(env, pct):
    env["in_ns"]("nft delete table inet lrbenchloss")
    if not pct:
        return True
    path = os.path.join(env["out"], "loss.nft")
    with open(path, "w") as f:
        f.write(NFT % {"ips": "%s, %s" % (env["aip"], env["ngx_ip"]), "port": env["port"],
                       "pct": pct})
    return env["in_ns"]("nft -f %s" % path).returncode == 0


def _mrc(env, ip, n, depth):
    cmd = "%s -n %d -c %d -d %d --timeout 30 --json http://%s:%d" % (
        env["mrc"], n, CONNS, depth, ip, env["port"])
    r = env["in_ns"](cmd, timeout=300)
    d = {"cmd": cmd.replace(env["mrc"], "mrc-client").replace(ip, "IP")}
    js = None
    for line in r.stdout.splitlines():
        if line.startswith("{"):
            try:
                js = json.loads(line)
            except ValueError:
                pass
    if not js:
        d["raw"] = r.stdout[-1500:]
        return d
    lat = js.get("latency_us", {})
    d.update(rps=js.get("rps"), p50_us=lat.get("p50"), p99_us=lat.get("p99"),
             p999_us=lat.get("p999"), lost=js.get("lost", 0) + js.get("unsent", 0))
    return d


def loss(env):
    """env: results, log, note, in_ns, servers {name: constructor(tag)},
    mrc, aip, ngx_ip, port, out, quick."""
    res = {"rates": RATES, "depths": list(DEPTHS), "conns": CONNS, "cells": []}
    env["results"]["loss"] = res
    if env["in_ns"]("nft --version").returncode != 0:
        env["note"]("loss: SKIPPED: nft not available in the client namespace")
        res["skipped"] = "nft not available"
        return
    n16 = int(os.environ.get("LR_BENCH_LOSS_N", "5000" if env["quick"] else "20000"))
    try:
        for pct in RATES:
            for server in ("linerate", "nginx"):
                try:
                    srv = env["servers"][server]("loss%d" % pct)
                except RuntimeError as e:
                    env["note"]("loss %d%% %s: cannot start: %s" % (pct, server, e))
                    continue
                try:
                    ip = env["aip"] if server == "linerate" else env["ngx_ip"]
                    c0 = srv.counters() if server == "linerate" else None
                    if not _nft(env, pct):
                        env["note"]("loss %d%%: nft rules did not load" % pct)
                        continue
                    for depth in DEPTHS:
                        n = n16 if depth == 16 else max(n16 // 4, 1000)
                        d = _mrc(env, ip, n, depth)
                        d.update(server=server, loss_pct=pct, depth=depth, events=n)
                        res["cells"].append(d)
                        env["log"]("loss %2d%% d%-2d %-8s %8s req/s  p50 %s  p99 %s  p999 %s us%s" % (
                            pct, depth, server, d.get("rps"), d.get("p50_us"), d.get("p99_us"),
                            d.get("p999_us"), "  lost %s" % d["lost"] if d.get("lost") else "")
                            + ("\n" + d["raw"] if "raw" in d else ""))
                    _nft(env, 0)
                    if c0 is not None:
                        c1 = srv.counters() or {}
                        res.setdefault("linerate_counters", {})[str(pct)] = {
                            k: c1.get(k, 0) - c0.get(k, 0) for k in COUNTERS}
                finally:
                    _nft(env, 0)
                    srv.stop()
    finally:
        _nft(env, 0)


def report_lines(results):
    res = results.get("loss")
    if not res:
        return []
    if res.get("skipped"):
        return ["LOSS: skipped: %s" % res["skipped"]]
    out = ["", "LOSS: mrc-client c%d, nftables drop each way, linerate vs nginx (us)" % res["conns"],
           "  loss depth server      req/s      p50      p99     p999"]
    for d in res["cells"]:
        out.append("  %3d%% %5d %-8s %9s %8s %8s %8s" % (
            d["loss_pct"], d["depth"], d["server"], _f(d.get("rps"), "%.0f"),
            _f(d.get("p50_us"), "%.0f"), _f(d.get("p99_us"), "%.0f"),
            _f(d.get("p999_us"), "%.0f")))
    for pct, c in sorted(res.get("linerate_counters", {}).items(), key=lambda x: int(x[0])):
        out.append("  %s%%: %s" % (pct, " ".join("%s=%d" % (k[4:], v) for k, v in c.items())))
    return out


def _f(v, spec):
    return "-" if v is None else spec % v
