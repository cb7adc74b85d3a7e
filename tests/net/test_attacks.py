# SPDX-License-Identifier: BSD-3-Clause
"""test_attacks: hostile peers cannot make linerate deaf (the memory budget).

One appliance per attack, with short timeouts, on the standard topology.
The attackers (tests/net/attack_peers.py) run in the client namespace from
their own addresses (aliases on the client veth), so a well-behaved client
on the first address and nftables rules can tell them apart. Each part
asserts, while the attack holds:
  - a well-behaved client on a fresh connection is answered (curl);
  - rx_packets keeps advancing (pings are received and answered);
and once the attackers have left (RST, or vanished):
  - every memory budget class (linerate-ctl mem) is back to its idle
    level, and no connection is left, within the configured timeouts;
and at exit, every mbuf is back in the pool.
Parts: tiny-MSS zero-window peers that pipeline requests; the same that
start 1M-token streams; many clients that pipeline and never read;
hundreds of connections holding out-of-order data above a hole, with a
SYN flood on top; orphans whose peer vanished; a head dribbled one byte
per segment (parsed incrementally: bytes scanned stay linear).
"""
import json
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lrnet  # noqa: E402
from lrnet import Tap, in_ns  # noqa: E402

lrnet.require_root_and_tools("ip", "curl", "nft", "hping3", "ping")
tap = Tap()
IP, PORT = lrnet.APPLIANCE_IP, lrnet.HTTP_PORT
URL = "http://%s:%d" % (IP, PORT)
LOGS = os.path.join(lrnet.BUILD, "test-logs")
os.makedirs(LOGS, exist_ok=True)
CTL = os.path.join(lrnet.BUILD, "linerate-ctl")
PEERS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "attack_peers.py")
PY = "/usr/bin/python3"
NET = IP.rsplit(".", 1)[0]
ATTACKER = {"noread": NET + ".11", "ooo": NET + ".12", "orphans": NET + ".13",
            "dribble": NET + ".14", "tokens": NET + ".15"}
# Short timeouts so that what attackers leave behind ends within seconds.
TIMEOUTS = {"http": {"header_timeout_ms": 3000, "idle_timeout_ms": 4000},
            "tcp": {"stall_timeout_ms": 4000, "max_retries": 4, "rto_max_ms": 1000,
                    "fin_wait2_ms": 3000}}
MAX_ORPHANS = 64
SETTLE_S = 20  # longest end of any state above, with margin


def config(name, tweak=None):
    with open(os.path.join(lrnet.ROOT, "dpdk-config", "veth.json")) as f:
        cfg = json.load(f)
    cfg["ctl"] = {"socket": "/run/linerate/attack-%s.sock" % name}
    for t in (TIMEOUTS, tweak or {}):
        for sec, kv in t.items():
            cfg.setdefault(sec, {}).update(kv)
    path = os.path.join(LOGS, "attack-%s.json" % name)
    with open(path, "w") as f:
        json.dump(cfg, f, indent=1)
    return path, cfg["ctl"]["socket"]


def ctl(sock, cmd):
    r = subprocess.run([CTL, "-s", sock, "--json", cmd], capture_output=True, text=True, timeout=10)
    try:
        return json.loads(r.stdout) if r.returncode == 0 else None
    except ValueError:
        return None


def total(obj, key):
    """Sum of every value named key anywhere in obj (per-lcore replies)."""
    if isinstance(obj, dict):
        return sum((v if k == key and isinstance(v, int) else total(v, key)) for k, v in obj.items())
    if isinstance(obj, list):
        return sum(total(v, key) for v in obj)
    return 0


def mem_in_use(sock):
    """{class: bytes or mbufs in use, summed over lcores} from linerate-ctl mem."""
    m = ctl(sock, "mem")
    if m is None:
        return None
    use = {}
    for lc in m.get("lcores", []):
        for c in lc.get("classes", []):
            use[c["name"]] = use.get(c["name"], 0) + c["in_use"]
    return use


def attackers_up():
    for a in ATTACKER.values():
        in_ns("ip addr add %s/24 dev %s" % (a, lrnet.CIF), check=False, cpu=None)
    # The raw out-of-order holders are unknown to the client kernel: keep it
    # from resetting their connections.
    in_ns("nft delete table ip lrattack", check=False, cpu=None)
    in_ns("nft add table ip lrattack", cpu=None)
    in_ns("nft 'add chain ip lrattack out { type filter hook output priority 0; }'", cpu=None)
    in_ns("nft add rule ip lrattack out ip saddr %s 'tcp flags & rst == rst' drop" % ATTACKER["ooo"],
          cpu=None)


def attackers_down():
    for t in ("lrattack", "lrorphan"):
        in_ns("nft delete table ip %s" % t, check=False, cpu=None)


def peers_popen(*args):
    cmd = "ip netns exec %s taskset -c %s %s %s %s" % (
        lrnet.NS, lrnet.CLIENT_CPU, PY, PEERS, " ".join(str(a) for a in args))
    return subprocess.Popen(cmd, shell=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def peers_result(p, timeout=120):
    text = p.communicate(timeout=timeout)[0]
    js = [ln for ln in text.splitlines() if ln.startswith("{")]
    return (json.loads(js[-1]) if js else {}), text


def served():
    """A well-behaved client on a fresh connection: three tries, 3 s each."""
    for _ in range(3):
        r = in_ns("curl -s -m 3 -o /dev/null -w '%%{http_code}' %s/health" % URL, check=False)
        if r.stdout.strip() == "200":
            return True
    return False


def rx_advances(sock):
    a = total(ctl(sock, "stats"), "rx_packets")
    in_ns("ping -c 3 -i 0.2 -W 1 %s" % IP, check=False)
    b = total(ctl(sock, "stats"), "rx_packets")
    return b > a, (a, b)


def conns_left(sock):
    """Connections in any state (and HTTP connections), all lcores."""
    c = ctl(sock, "conns")
    if c is None:
        return None
    return sum(v for v in c.get("total", {}).values() if isinstance(v, int))


def settle(sock, idle):
    """Wait until every class is back to idle and no connection is left."""
    end = time.time() + SETTLE_S
    use = conns = None
    while time.time() < end:
        use = mem_in_use(sock)
        conns = conns_left(sock)
        if use is not None and use == idle and conns == 0:
            return True, use, conns
        time.sleep(0.5)
    return False, use, conns


def run_attack(name, start, label, check_during=None, tweak=None, ramp=3):
    cfg, sock = config(name, tweak)
    app = lrnet.Appliance(name="attack-" + name, config=cfg)
    try:
        app.wait_ready()
        in_ns("ping -c 1 -W 2 %s" % IP, check=False)
        served()
        time.sleep(0.5)
        idle = mem_in_use(sock)
        tap.ok(idle is not None, "%s: linerate-ctl mem answers (idle %s)" % (label, idle))
        procs = start()
        time.sleep(ramp)  # the attack at full strength
        tap.ok(served(), "%s: a well-behaved client is served while the attack holds" % label)
        adv, ab = rx_advances(sock)
        tap.ok(adv, "%s: rx_packets keeps advancing" % label, "rx_packets %s -> %s" % ab)
        peak = ctl(sock, "mem")
        over = [(lc.get("lcore"), c) for lc in (peak or {}).get("lcores", [])
                for c in lc.get("classes", []) if c.get("limit") and c["in_use"] > c["limit"]]
        tap.ok(peak is not None and not over, "%s: every budget class within its limit" % label,
               json.dumps(over or peak))
        if check_during:
            check_during(sock, peak)
        results = [peers_result(p) for p in procs if p.stdout is not None]
        for p in procs:
            p.wait(timeout=60)
        for res, text in results:
            tap.diag("%s: attacker %s" % (label, json.dumps(res) if res else text[-500:]))
        tot = {c["name"]: c for c in (ctl(sock, "mem") or {}).get("total", {}).get("classes", [])}
        tap.diag("%s: high-water %s" % (label, ", ".join(
            "%s %d/%d B (refusals %d, prunes %d)" % (k, c["high"], c["limit"], c["refusals"], c["prunes"])
            for k, c in tot.items())))
        ok, use, conns = settle(sock, idle)
        tap.ok(ok, "%s: every budget class back to idle, no connection left" % label,
               "in use %s (idle %s), connections %s\nat peak: %s" % (use, idle, conns, json.dumps(peak)))
        tap.ok(served(), "%s: served again after the attackers left" % label)
        return results
    finally:
        attackers_down()
        attackers_up()
        lrnet.check_clean_exit(tap, app, "%s: linerate" % label)


def part_noread():
    run_attack("noread", lambda: [peers_popen("noread", IP, PORT, ATTACKER["noread"], 8, 8, "--mss", 88),
                                  peers_popen("noread", IP, PORT, ATTACKER["tokens"], 8, 8,
                                              "--mss", 88, "--tokens")],
               "8 tiny-MSS zero-window pipeliners + 8 token streams")
    run_attack("many", lambda: [peers_popen("noread", IP, PORT, ATTACKER["noread"], 300, 8,
                                            "--mss", 536)],
               "300 clients pipelining and never reading")


def part_ooo():
    def start():
        flood = subprocess.Popen("ip netns exec %s taskset -c %s sleep 2; timeout 8 hping3 -S --flood -p %d %s"
                                 % (lrnet.NS, lrnet.CLIENT_CPU, PORT, IP), shell=True,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return [peers_popen("ooo", IP, PORT, ATTACKER["ooo"], 400, 12, "--iface", lrnet.CIF), flood]

    def during(sock, peak):
        st = ctl(sock, "stats") or {}
        tap.diag("ooo: tcp_ooo_segs %d tcp_ooo_drop %d syncookies %d" % (
            total(st, "tcp_ooo_segs"), total(st, "tcp_ooo_drop"), total(st, "tcp_syncookie_tx")))
    results = run_attack("ooo", start, "400 out-of-order holders + SYN flood", during, ramp=7)
    res = results[0][0] if results else {}
    tap.ok(res.get("established", 0) >= 300,
           "ooo: the attackers did get their connections (the attack was real)", json.dumps(res))


def part_orphans():
    orphan_states = ("FIN_WAIT_1", "CLOSING", "LAST_ACK")
    n_conns = 200

    def during(sock, peak):
        c = (ctl(sock, "conns") or {}).get("total", {})
        n = sum(c.get(s, 0) for s in orphan_states)
        tap.ok(n <= MAX_ORPHANS, "orphans: at most tcp.max_orphans (%d) held: %d" % (MAX_ORPHANS, n),
               json.dumps(c))
        over = total(ctl(sock, "stats"), "mem_orphan_overflow")
        tap.ok(over >= n_conns - MAX_ORPHANS,
               "orphans: those past tcp.max_orphans were reset (mem_orphan_overflow %d)" % over)
    run_attack("orphans", lambda: [peers_popen("orphans", IP, PORT, ATTACKER["orphans"], n_conns, 2)],
               "%d orphans whose peer vanished" % n_conns, during,
               {"tcp": {"max_orphans": MAX_ORPHANS, "orphan_retries": 3, "max_retries": 8}}, ramp=1.5)


def part_dribble():
    cfg, sock = config("dribble", {"http": {"header_timeout_ms": 30000}})
    app = lrnet.Appliance(name="attack-dribble", config=cfg)
    try:
        app.wait_ready()
        st = ctl(sock, "stats")
        before, segs0 = total(st, "http_parse_bytes"), total(st, "tcp_rx_segs")
        res, text = peers_result(peers_popen("dribble", IP, PORT, ATTACKER["dribble"], 1500), timeout=300)
        st = ctl(sock, "stats")
        after, segs = total(st, "http_parse_bytes"), total(st, "tcp_rx_segs") - segs0
        tap.ok(res.get("status") == 200, "dribbled head (1 byte per segment) answered 200", text[-500:])
        n = res.get("head_bytes", 0)
        tap.ok(segs >= n // 2, "dribble: the head arrived in %d segments (%d bytes)" % (segs, n))
        tap.ok(0 < after - before <= 2 * n,
               "dribbled head parsed incrementally: %d bytes scanned for a %d-byte head" % (after - before, n))
        tap.ok(served(), "dribble: a well-behaved client is served")
    finally:
        lrnet.check_clean_exit(tap, app, "dribble: linerate")


def main():
    lrnet.veth_down()
    lrnet.veth_up()
    attackers_up()
    try:
        for part in (part_noread, part_ooo, part_orphans, part_dribble):
            try:
                part()
            except Exception as e:  # a broken part fails, the others still run
                tap.ok(False, "%s ran" % part.__name__, repr(e))
    finally:
        attackers_down()
        lrnet.veth_down()
    tap.done()


if __name__ == "__main__":
    main()
