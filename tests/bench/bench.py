#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""bench.py: `make bench`: stack cost, linerate vs nginx on veth, scale, line rate.

Usage: bench.py BUILD   (tests/bench/run.sh calls it; see docs/PERFORMANCE.md)

Sections (LR_BENCH_ONLY=stack,e2e,memif,loss,cluster,scale,project picks some; default all):
  stack    in-process stack cost per request: callgrind Ir (deterministic)
           and TSC cycles (native, min of LR_BENCH_REPS runs on core 1),
           each with software checksums and with checksum offload modelled;
           mc/mcnew: N lcores on N ring ports, Ir per lcore and in total
  e2e      wrk, ab, h2load, mrc-client against linerate and nginx on the
           same veth topology, alternated LR_BENCH_ROUNDS times (root)
  memif    linerate-load <-> linerate over net_memif, no kernel: depth 1
           and 16, a connection per request, req/s, p50/p99, busy
           cycles/request; then linerate-load and mrc-client against one
           linerate on veth, the ratio (root; bench_memif.py)
  loss     mrc-client depth 1 and 16 against linerate and nginx behind the
           same nftables loss (1, 5, 10 % each way): p50/p99/p999, req/s
           (root; bench_loss.py)
  cluster  one linerate single-node vs with a `cluster` section (Redis on a
           unix socket), ack fast and durable, alternated: req/s and the
           ratios, p50/p99, GET /stats (flush barrier) latency (root;
           bench_cluster.py)
  scale    idle keep-alive connections held, bytes per connection (root)
  project  cores needed for 10/25/100 GbE from the stack cost
Environment: LR_NS LR_CIF LR_AIF LR_CIP (as deploy/veth.sh), LR_AIP
(linerate's address, default .2 of LR_CIP's subnet), LR_NGX_IP (nginx's,
default .3), LR_HTTP_PORT, LR_BENCH_QUICK=1 (short runs for development).
Nothing here asserts on timings: the exit status is 0 unless a step broke.
Prints one summary table at the end and writes BUILD/bench/results.json.
"""
import glob
import json
import math
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import time

from bench_cluster import cluster, report_lines as cluster_report_lines
from bench_loss import loss, report_lines as loss_report_lines
from bench_memif import memif, veth as memif_veth, report_lines as memif_report_lines
from bench_report import fmt, fmt_us, report

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "build"))
OUT = os.path.join(BUILD, "bench")
QUICK = os.environ.get("LR_BENCH_QUICK", "") not in ("", "0")
ONLY = [s for s in os.environ.get("LR_BENCH_ONLY",
                                  "stack,e2e,memif,loss,cluster,scale,project").split(",")
        if s]
ROUNDS = int(os.environ.get("LR_BENCH_ROUNDS", "1" if QUICK else "2"))
REPS = int(os.environ.get("LR_BENCH_REPS", "1" if QUICK else "3"))

NS = os.environ.get("LR_NS", "lr-client")
CIF = os.environ.get("LR_CIF", "lr-c0")
AIF = os.environ.get("LR_AIF", "lr-a0")
CIP = os.environ.get("LR_CIP", "10.88.0.1/24")
PREFIX = CIP.split("/")[1] if "/" in CIP else "24"
_NET = CIP.split("/")[0].rsplit(".", 1)[0]
AIP = os.environ.get("LR_AIP", os.environ.get("LR_APPLIANCE_IP", _NET + ".2")).split("/")[0]
NGX_IP = os.environ.get("LR_NGX_IP", _NET + ".3")
PORT = int(os.environ.get("LR_HTTP_PORT", "8080"))
CLIENT_CPU = os.environ.get("LR_CLIENT_CPU", "0")
SERVER_CPU = os.environ.get("LR_SERVER_CPU", "1")

STACK_BIN = os.path.join(BUILD, "tests", "bench", "stack_cost")
LINERATE = os.path.join(BUILD, "linerate")
CTL = os.path.join(BUILD, "linerate-ctl")
MRC = os.path.join(BUILD, "tests", "tools", "mrc-client")
HERE = os.path.join(ROOT, "tests", "bench")

# Several lcores, each on a ring port of its own, one store (stack_cost -s
# mc|mcnew -l N): N where the machine has N cores, at least 2, at most the 8
# the harness's EAL memory holds. callgrind counts each lcore's thread
# apart (--separate-threads=yes): Ir/request per lcore and in total.
MC_LCORES = max(2, min(os.cpu_count() or 2, 8))
MULTI = ("mc", "mcnew")
SCENARIOS = [
    ("event", "keep-alive POST /event"),
    ("mrc", "keep-alive POST /event, 1MRC mix"),
    ("mrc6", "keep-alive POST /event, 1MRC mix, IPv6"),
    ("c10k", "POST /event, 1MRC mix, 10k conns"),
    ("mc", "%d lcores: POST /event, 1MRC mix" % MC_LCORES),
    ("mcnew", "%d lcores: POST /event, new users" % MC_LCORES),
    ("stats", "keep-alive GET /stats"),
    ("users", "keep-alive GET /users/123"),
    ("conn", "connection SYN..FIN, POST /event"),
]
# Every scenario twice: software checksums (results["stack"][sc]) and
# checksum offload modelled (results["stack"][sc]["offload"], stack_cost -o).
MODES = [("", []), ("offload", ["-o"])]
# A minimal 1MRC exchange on the wire, preamble/IFG/Ethernet/IP/TCP included.
WIRE_IN, WIRE_OUT = 210, 130
LINKS = [(10, 10e9), (25, 25e9), (100, 100e9)]

results = {"meta": {}, "stack": {}, "e2e": {}, "scale": {}, "projection": {}, "notes": []}


def log(msg):
    print("bench: " + msg, flush=True)


def note(msg):
    log(msg)
    results["notes"].append(msg)


def sh(cmd, timeout=120, check=False, **kw):
    r = subprocess.run(cmd, shell=isinstance(cmd, str), timeout=timeout, text=True,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, **kw)
    if check and r.returncode != 0:
        raise RuntimeError("%s: exit %d\n%s" % (cmd, r.returncode, r.stdout[-2000:]))
    return r


def in_ns(cmd, timeout=120):
    return sh("ip netns exec %s taskset -c %s %s" % (NS, CLIENT_CPU, cmd), timeout=timeout)


# ---- machine --------------------------------------------------------------

def machine():
    m = {"kernel": platform.release(), "cpus": os.cpu_count()}
    r = sh("lscpu")
    for line in r.stdout.splitlines():
        if line.startswith("Model name:"):
            m["cpu"] = line.split(":", 1)[1].strip()
        if line.startswith("Hypervisor vendor:"):
            m["hypervisor"] = line.split(":", 1)[1].strip()
    r = sh("pkg-config --modversion libdpdk")
    m["dpdk"] = r.stdout.strip()
    r = sh(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"])
    m["git"] = r.stdout.strip() if r.returncode == 0 else "unknown"
    r = sh(["git", "-C", ROOT, "status", "--porcelain", "--untracked-files=no", "lib", "app"])
    m["lib_dirty"] = r.returncode == 0 and bool(r.stdout.strip())
    m["date_utc"] = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime())
    m["quick"] = QUICK
    results["meta"] = m


# ---- stack cost -----------------------------------------------------------

def parse_stack(text):
    d = {}
    m = re.search(r"scenario (\S+) requests (\d+) conns (\d+) polls (\d+) response_bytes (\d+)", text)
    if m:
        d.update(requests=int(m.group(2)), conns=int(m.group(3)), polls=int(m.group(4)),
                 response_bytes=int(m.group(5)))
    m = re.search(r"tsc_cycles_per_request ([\d.]+) tsc_hz (\d+)", text)
    if m:
        d.update(cycles=float(m.group(1)), tsc_hz=int(m.group(2)))
    m = re.search(r"http_2xx (\d+) http_4xx (\d+) http_5xx (\d+)", text)
    if m:
        d.update(http_2xx=int(m.group(1)), http_4xx=int(m.group(2)), http_5xx=int(m.group(3)))
    # What the harness modelled: mbuf cache, offload, users, timestamps.
    m = re.search(r"^model (.*)$", text, re.M)
    if m:
        w = m.group(1).split()
        d["model"] = {k: int(v) for k, v in zip(w[::2], w[1::2]) if v.isdigit()}
    lc = re.findall(r"^lcore (\d+) requests (\d+) polls (\d+) tsc_cycles_per_request ([\d.]+)",
                    text, re.M)
    if lc:
        d["lcores"] = [{"lcore": int(a), "requests": int(b), "polls": int(c), "cycles": float(e)}
                       for a, b, c, e in lc]
    return d


# Frames that only exist because collection is toggled from inside main():
# callgrind books the whole run on them.
_CG_NOISE = ("(below main)", "__libc_start_main", "ld-linux-x86-64", "stack_cost.c:main",
             "stack_cost.c:bench_poll ", "harness.c:harness_poll", "clone.S:clone ",
             "pthread_create.c:start_thread ", "stack_cost.c:bench_thread ")


def _cg_rows(outfile, inclusive):
    """(Ir, file, function, object) per function row of callgrind_annotate's
    table, the _CG_NOISE frames left out; object is the binary's path
    ("" for inlined code booked to a header)."""
    args = ["callgrind_annotate", "--threshold=100", "--auto=no",
            "--inclusive=" + ("yes" if inclusive else "no")]
    r = sh(args + [outfile], timeout=300)
    for line in r.stdout.splitlines():
        m = re.match(r"^\s*([\d,]+)\s+\(\s*[\d.]+%\)\s+(.+?)\s*$", line)
        if not m or "PROGRAM TOTALS" in line:
            continue
        name = m.group(2)
        if any(s in name + " " for s in _CG_NOISE):
            continue
        obj = ""
        mo = re.match(r"^(.*) \[(.*)\]$", name)
        if mo:
            name, obj = mo.group(1), mo.group(2)
        file_, _, fn = name.rpartition(":")
        yield int(m.group(1).replace(",", "")), file_, fn, obj


def cg_top(outfile, inclusive, n=15):
    rows, seen = [], set()
    for ir, file_, fn, obj in _cg_rows(outfile, inclusive):
        obj = os.path.basename(obj)
        if fn.startswith("0x"):
            fn = "%s@%s" % (fn, obj)
        # Inlined header code is booked to the header (ours or DPDK's, as
        # "lib/net/cksum.h:tcp_input"): say so, and keep it apart from the
        # function's own lines, or one of the two rows would be lost.
        ours = not file_ or file_ == "???" or (
            file_.endswith(".c") and (file_.startswith("lib/") or file_.startswith("tests/") or
                                      file_.startswith(ROOT)))
        label = fn if ours else "%s [%s]" % (fn, os.path.basename(file_))
        if inclusive:
            key = fn
        else:
            key = label
        if key in seen:
            continue
        seen.add(key)
        rows.append((ir, label))
        if len(rows) >= n:
            break
    return rows


# Where a request's instructions go, by layer: each function's self cost
# (inlined header code included, callgrind books it to the function it
# was inlined into) summed by the function's name. Order matters: the
# first prefix that matches wins.
_CG_LAYERS = (
    ("driver (PMD model, mempool, ring)", ("harness_", "rte_", "0x", "common_ring", "bucket_")),
    ("poll loop, timers, clock", ("lcore_", "timer_", "clock_")),
    ("Ethernet, ARP, IPv4/IPv6", ("eth_", "arp_", "ipv4_", "ipv6_", "nd_", "icmp")),
    ("TCP", ("tcp_", "syncookie_")),
    ("HTTP", ("http_",)),
    ("1MRC application", ("mrc_", "app_", "cluster_")),
    ("libc, compiler runtime", ("__mem", "mem", "__str", "str", "_IO_", "__vfprintf",
                                "__vsnprintf", "snprintf", "_itoa", "__udivmod", "__divmod",
                                "__float")),
)


def cg_layers(outfile):
    """{layer: self Ir} over every function of the profile."""
    out = {}
    for ir, file_, fn, obj in _cg_rows(outfile, False):
        layer = next((l for l, pre in _CG_LAYERS if fn.startswith(pre)), None)
        if layer is None and ("libc.so" in obj or file_.startswith("./")):
            layer = "libc, compiler runtime"  # glibc's own sources
        layer = layer or "other"
        out[layer] = out.get(layer, 0) + ir
    return out


def cg_total(outfile):
    with open(outfile) as f:
        for line in f:
            if line.startswith("summary:") or line.startswith("totals:"):
                return int(line.split()[1])
    return None


def cg_threads(outfile):
    """--separate-threads=yes: (file, Ir) of each thread that ran measured
    code, in thread order: the lcores' threads, created in lcore order."""
    rows = []
    for f in sorted(glob.glob(outfile + "-[0-9]*"), key=lambda x: int(x.rsplit("-", 1)[1])):
        tot = cg_total(f)
        if tot:
            rows.append((f, tot))
    return rows


def stack_measure(sc, what, mode, flags, n_nat, n_cg, have_vg, pin):
    """One scenario in one checksum mode: native TSC runs, then callgrind."""
    d = {"what": what}
    tag = sc + ("-" + mode if mode else "")
    runs = []
    for _ in range(REPS):
        r = sh(pin + [STACK_BIN, "-s", sc, "-n", str(n_nat), "-w", "2000"] + flags, timeout=300)
        p = parse_stack(r.stdout)
        p["exit"] = r.returncode
        if "cycles" not in p:
            note("stack %s: native run failed (exit %d): %s" % (tag, r.returncode, r.stdout[-500:]))
            break
        runs.append(p)
    if runs:
        cyc = [p["cycles"] for p in runs]
        d.update(native_requests=runs[0]["requests"], cycles_runs=cyc,
                 cycles_min=min(cyc), cycles_median=statistics.median(cyc),
                 tsc_hz=runs[0]["tsc_hz"], http_2xx=runs[0]["http_2xx"],
                 http_4xx=runs[0]["http_4xx"], conns=runs[0]["conns"],
                 model=runs[0].get("model", {}))
        if "lcores" in runs[0]:
            d["cycles_per_lcore"] = [l["cycles"] for l in runs[0]["lcores"]]
        # stack_cost exits 1 unless every request it sent got a 2xx.
        d["route_missing"] = runs[0]["exit"] != 0 or runs[0]["http_2xx"] < runs[0]["requests"]
        d["ns_min"] = d["cycles_min"] / (d["tsc_hz"] / 1e9)
        results["meta"]["tsc_hz"] = d["tsc_hz"]
    if have_vg:
        out = os.path.join(OUT, "callgrind-%s.out" % tag)
        multi = sc in MULTI
        cmd = ["valgrind", "--tool=callgrind", "--collect-atstart=no"] + (
            ["--separate-threads=yes"] if multi else []) + [
               "--callgrind-out-file=" + out, STACK_BIN, "-s", sc, "-n", str(n_cg),
               "-w", "2000"] + flags
        for f in glob.glob(out + "-[0-9]*"):
            os.unlink(f)
        r = sh(cmd, timeout=1200 if multi else 600)
        p = parse_stack(r.stdout)
        tot = cg_total(out) if os.path.exists(out) and not multi else None
        if multi:
            # One file per thread: lcore k is the k-th that ran measured code.
            th = cg_threads(out)
            lcs = p.get("lcores", [])
            if th and len(th) == len(lcs):
                tot = sum(t for _, t in th)
                d["ir_per_lcore"] = [t / l["requests"] for (_, t), l in zip(th, lcs)]
                out = th[0][0]  # the top tables: lcore 0's thread
            else:
                note("stack %s: %d callgrind thread files for %d lcores" % (tag, len(th), len(lcs)))
        if tot and p.get("requests"):
            d["cg_requests"] = p["requests"]
            d["ir_total"] = tot
            d["ir_per_request"] = tot / p["requests"]
            # Per lcore, the tables below are lcore 0's: per its requests.
            top_req = p["lcores"][0]["requests"] if multi else p["requests"]
            d["cg_command"] = " ".join(cmd)
            if "route_missing" not in d:
                d["route_missing"] = p["http_2xx"] < p["requests"]
            self_ = cg_top(out, False)
            incl = cg_top(out, True)
            d["top_self"] = [{"ir_per_req": round(v / top_req, 1), "fn": f} for v, f in self_]
            d["top_inclusive"] = [{"ir_per_req": round(v / top_req, 1), "fn": f}
                                  for v, f in incl]
            d["by_layer"] = {k: round(v / top_req, 1)
                             for k, v in sorted(cg_layers(out).items(), key=lambda x: -x[1])}
            txt = os.path.join(OUT, "callgrind-%s.txt" % tag)
            with open(txt, "w") as f:
                f.write("# %s: %s%s; %d requests, %d Ir total, %.1f Ir/request\n" %
                        (tag, what, ", checksum offload modelled" if mode else "",
                         p["requests"], tot, d["ir_per_request"]))
                f.write("# %s\n" % " ".join(cmd))
                if multi:
                    f.write("# Ir/request per lcore: %s; tables: lcore 0's thread\n" %
                            ", ".join("%.1f" % x for x in d.get("ir_per_lcore", [])))
                ltot = cg_total(out) if multi else tot
                f.write("\n## by layer (self instructions, summed by function name)\n"
                        "%12s  %s\n" % ("Ir/request", "layer"))
                for k, v in d["by_layer"].items():
                    f.write("%12.1f  %s\n" % (v, k))
                for title, rows in (("exclusive (self)", self_), ("inclusive", incl)):
                    f.write("\n## top %d by %s instructions\n%12s %7s  %s\n" %
                            (len(rows), title, "Ir/request", "share", "function"))
                    for v, fn in rows:
                        f.write("%12.1f %6.1f%%  %s\n" % (v / top_req, 100.0 * v / ltot, fn))
        else:
            note("stack %s: callgrind run failed (exit %d): %s" %
                 (tag, r.returncode, r.stdout[-500:]))
    log("stack %-14s Ir/req %s%s  cycles/req min %s (runs %s)%s" % (
        tag, fmt(d.get("ir_per_request"), "%.0f"),
        " (per lcore %s)" % ",".join("%.0f" % x for x in d["ir_per_lcore"])
        if d.get("ir_per_lcore") else "",
        fmt(d.get("cycles_min"), "%.0f"),
        ",".join("%.0f" % c for c in d.get("cycles_runs", [])),
        "  [route missing: %d 4xx]" % d.get("http_4xx", 0) if d.get("route_missing") else ""))
    if d.get("by_layer"):
        log("    by layer: " + ", ".join("%s %.0f" % (k.split(" (")[0], v)
                                       for k, v in d["by_layer"].items()))
    for t in d.get("top_self", [])[:10]:
        log("    %9.1f Ir/req  %s" % (t["ir_per_req"], t["fn"]))
    return d


def stack_cost():
    if not os.access(STACK_BIN, os.X_OK):
        note("stack: SKIP: %s not built (make bench-bins)" % STACK_BIN)
        return
    have_vg = shutil.which("valgrind") and shutil.which("callgrind_annotate")
    if not have_vg:
        note("stack: valgrind/callgrind_annotate missing: no instruction counts "
             "(apt-get install valgrind)")
    n_nat = 50000 if QUICK else 200000
    n_cg = 5000 if QUICK else 20000
    pin = ["taskset", "-c", SERVER_CPU] if shutil.which("taskset") else []
    for sc, what in SCENARIOS:
        d = None
        # Several lcores: no pinning to one core; -n is per lcore.
        extra = ["-l", str(MC_LCORES)] if sc in MULTI else []
        for mode, flags in MODES:
            m = stack_measure(sc, what, mode, flags + extra, n_nat, n_cg, have_vg,
                              [] if sc in MULTI else pin)
            if d is None:
                d = m
            else:
                d[mode] = m
        results["stack"][sc] = d


# ---- end to end -----------------------------------------------------------

def lat_us(s):
    m = re.match(r"([\d.]+)\s*(us|ms|s)$", s.strip())
    if not m:
        return None
    v = float(m.group(1))
    return v * {"us": 1, "ms": 1e3, "s": 1e6}[m.group(2)]


def client_wrk(ip, secs):
    r = in_ns("wrk -t1 -c64 -d%ds --latency -s %s http://%s:%d/event" %
              (secs, os.path.join(HERE, "event.lua"), ip, PORT), timeout=secs + 60)
    t = r.stdout
    d = {"cmd": "wrk -t1 -c64 -d%ds --latency -s tests/bench/event.lua http://IP:%d/event" % (secs, PORT)}
    m = re.search(r"Requests/sec:\s+([\d.]+)", t)
    d["rps"] = float(m.group(1)) if m else None
    m = re.search(r"(\d+) requests in", t)
    d["requests"] = int(m.group(1)) if m else None
    for p in ("50", "99"):
        m = re.search(r"^\s+%s(?:\.000)?%%\s+(\S+)" % p, t, re.M)
        d["p%s_us" % p] = lat_us(m.group(1)) if m else None
    m = re.search(r"Non-2xx or 3xx responses: (\d+)", t)
    d["errors"] = int(m.group(1)) if m else 0
    m = re.search(r"Socket errors: (.*)", t)
    if m:
        d["socket_errors"] = m.group(1)
    if d["rps"] is None:
        d["raw"] = t[-1500:]
    return d


def client_ab(ip, n):
    r = in_ns("ab -q -n %d -c 32 http://%s:%d/health" % (n, ip, PORT), timeout=180)
    t = r.stdout
    d = {"cmd": "ab -n %d -c 32 http://IP:%d/health (no keep-alive)" % (n, PORT)}
    m = re.search(r"Requests per second:\s+([\d.]+)", t)
    d["rps"] = float(m.group(1)) if m else None
    m = re.search(r"Complete requests:\s+(\d+)", t)
    d["requests"] = int(m.group(1)) if m else None
    for p in ("50", "99"):
        m = re.search(r"^\s+%s%%\s+(\d+)" % p, t, re.M)
        d["p%s_us" % p] = float(m.group(1)) * 1e3 if m else None
    m = re.search(r"Failed requests:\s+(\d+)", t)
    d["errors"] = int(m.group(1)) if m else None
    m = re.search(r"Non-2xx responses:\s+(\d+)", t)
    if m:
        d["errors"] = (d["errors"] or 0) + int(m.group(1))
    if d["rps"] is None:
        d["raw"] = t[-1500:]
    return d


def client_h2load(ip, n):
    r = in_ns("h2load --h1 -n %d -c 32 -m 16 http://%s:%d/health" % (n, ip, PORT), timeout=180)
    t = r.stdout
    d = {"cmd": "h2load --h1 -n %d -c 32 -m 16 http://IP:%d/health" % (n, PORT)}
    m = re.search(r"finished in [\d.]+\w+, ([\d.]+) req/s", t)
    d["rps"] = float(m.group(1)) if m else None
    m = re.search(r"requests: (\d+) total, \d+ started, \d+ done, (\d+) succeeded, (\d+) failed", t)
    if m:
        d["requests"] = int(m.group(2))
        d["errors"] = int(m.group(3))
    m = re.search(r"status codes: (\d+) 2xx", t)
    if m and d.get("requests") is not None:
        d["errors"] = d.get("errors", 0) + (d["requests"] - int(m.group(1)))
    m = re.search(r"time for request:\s+(\S+)\s+(\S+)\s+(\S+)", t)
    # h2load has no percentiles: mean request time goes in the p50 column.
    d["mean_us"] = lat_us(m.group(3)) if m else None
    d["p50_us"], d["p99_us"] = d["mean_us"], None
    if d["rps"] is None:
        d["raw"] = t[-1500:]
    return d


def client_mrc(ip, n):
    r = in_ns("%s -n %d -c 64 -d 16 --json http://%s:%d" % (MRC, n, ip, PORT), timeout=240)
    d = {"cmd": "mrc-client -n %d -c 64 -d 16 --json http://IP:%d" % (n, PORT)}
    js = None
    for line in r.stdout.splitlines():
        if line.startswith("{"):
            try:
                js = json.loads(line)
            except ValueError:
                pass
    if not js:
        d["rps"] = None
        d["raw"] = r.stdout[-1500:]
        return d
    d.update(rps=js.get("rps"), requests=js.get("responses"),
             errors=(js.get("non2xx", 0) + js.get("lost", 0)),
             p50_us=js["latency_us"]["p50"], p99_us=js["latency_us"]["p99"])
    return d


def clients():
    secs = 2 if QUICK else 5
    return [
        ("wrk", "wrk POST /event, keep-alive c64", lambda ip: client_wrk(ip, secs)),
        ("ab", "ab GET /health, no keep-alive c32", lambda ip: client_ab(ip, 5000 if QUICK else 20000)),
        ("h2load", "h2load GET /health, c32 x m16 pipelined",
         lambda ip: client_h2load(ip, 50000 if QUICK else 200000)),
        ("mrc", "mrc-client POST /event, c64 x d16",
         lambda ip: client_mrc(ip, 100000 if QUICK else 500000)),
    ]


class Linerate:
    def __init__(self, tag, edit=None):
        """edit(cfg): changes to the config before the start (bench_cluster)."""
        self.dir = os.path.join(OUT, "linerate")
        os.makedirs(self.dir, exist_ok=True)
        with open(os.path.join(ROOT, "dpdk-config", "veth.json")) as f:
            cfg = json.load(f)
        if edit:
            edit(cfg)
        self.sock = os.path.join(self.dir, "ctl.sock")
        cfg["ctl"]["socket"] = self.sock
        cfg["port"]["iface"] = AIF
        cfg["ip"]["address"] = "%s/%s" % (AIP, PREFIX)
        cfg["http"]["ports"] = [PORT]
        self.cfg = os.path.join(self.dir, "config.json")
        with open(self.cfg, "w") as f:
            json.dump(cfg, f, indent=1)
        self.log_path = os.path.join(self.dir, "linerate-%s.log" % tag)
        self.log = open(self.log_path, "w")
        self.proc = subprocess.Popen([LINERATE, "-c", self.cfg, "--file-prefix",
                                      "lrbench-%d" % os.getpid()],
                                     stdout=self.log, stderr=subprocess.STDOUT)
        end = time.time() + 30
        while time.time() < end:
            if self.proc.poll() is not None:
                raise RuntimeError("linerate exited early:\n" + self.text()[-2000:])
            if "linerate: ready:" in self.text():
                break
            time.sleep(0.1)
        else:
            self.stop()
            raise RuntimeError("linerate not ready:\n" + self.text()[-2000:])
        # Resolve ARP and open the path once before anything is measured.
        in_ns("curl -s -m 5 -o /dev/null http://%s:%d/health" % (AIP, PORT), timeout=20)

    def text(self):
        with open(self.log_path) as f:
            return f.read()

    def counters(self):
        r = sh([CTL, "-s", self.sock, "--json", "lcores"], timeout=20)
        try:
            js = json.loads(r.stdout)
        except ValueError:
            return None
        tot = {}
        for lc in js.get("lcores", []):
            for k, v in lc.items():
                if isinstance(v, (int, float)) and not isinstance(v, bool):
                    tot[k] = tot.get(k, 0) + v
        return tot

    def rss_kb(self):
        return rss_kb(self.proc.pid)

    def held(self):
        """Connections accepted and not yet gone, from the counters."""
        c = self.counters() or {}
        gone = sum(c.get(k, 0) for k in ("tcp_closed", "tcp_aborted", "tcp_idle_timeout",
                                          "tcp_give_up", "tcp_rst_rx"))
        return c.get("tcp_accepted", 0) - gone if c else None

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


def rss_kb(pid):
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def cpu_ticks(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime + stime (fields 14, 15)


class Nginx:
    def __init__(self, tag):
        self.dir = os.path.join(OUT, "nginx")
        os.makedirs(self.dir, exist_ok=True)
        with open(os.path.join(HERE, "nginx.conf")) as f:
            conf = f.read()
        conf = conf.replace("@DIR@", self.dir).replace("@ADDR@", NGX_IP).replace("@PORT@", str(PORT))
        self.conf = os.path.join(self.dir, "nginx.conf")
        with open(self.conf, "w") as f:
            f.write(conf)
        sh(["ip", "addr", "add", "%s/%s" % (NGX_IP, PREFIX), "dev", AIF])
        self.log = open(os.path.join(self.dir, "nginx-%s.log" % tag), "w")
        self.proc = subprocess.Popen(["taskset", "-c", SERVER_CPU, "nginx", "-c", self.conf,
                                      "-p", self.dir, "-e", os.path.join(self.dir, "error.log")],
                                     stdout=self.log, stderr=subprocess.STDOUT)
        self.worker = None
        end = time.time() + 15
        while time.time() < end and self.worker is None:
            if self.proc.poll() is not None:
                self.stop()
                raise RuntimeError("nginx exited early: see %s/error.log" % self.dir)
            try:
                with open("/proc/%d/task/%d/children" % (self.proc.pid, self.proc.pid)) as f:
                    kids = f.read().split()
                if kids:
                    self.worker = int(kids[0])
            except OSError:
                pass
            time.sleep(0.1)
        if self.worker is None:
            self.stop()
            raise RuntimeError("nginx worker did not start")
        for _ in range(50):
            r = in_ns("curl -s -m 2 -o /dev/null -w %%{http_code} http://%s:%d/" % (NGX_IP, PORT))
            if r.stdout.strip() == "200":
                break
            time.sleep(0.1)

    def cpu(self):
        return cpu_ticks(self.worker)

    def rss_kb(self):
        return rss_kb(self.worker)

    def held(self):
        """Sockets the worker has open (accepted connections + listener)."""
        try:
            return len(os.listdir("/proc/%d/fd" % self.worker))
        except OSError:
            return None

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()
        sh(["ip", "addr", "del", "%s/%s" % (NGX_IP, PREFIX), "dev", AIF])


def topology_up():
    """Use the topology if it is there; else bring it up (and say so)."""
    if sh(["ip", "link", "show", AIF]).returncode == 0 and \
            sh(["ip", "netns", "exec", NS, "true"]).returncode == 0:
        return False
    env = dict(os.environ, LR_NS=NS, LR_CIF=CIF, LR_AIF=AIF, LR_CIP=CIP)
    r = sh([os.path.join(ROOT, "deploy", "veth.sh"), "up"], env=env)
    if r.returncode != 0:
        raise RuntimeError("veth.sh up failed:\n" + r.stdout)
    return True


def topology_down():
    env = dict(os.environ, LR_NS=NS, LR_CIF=CIF, LR_AIF=AIF, LR_CIP=CIP)
    sh([os.path.join(ROOT, "deploy", "veth.sh"), "down"], env=env)


def iface_busy():
    """Another packet socket on the appliance interface: another linerate
    (or a capture) is running there and would see our traffic."""
    try:
        with open("/sys/class/net/%s/ifindex" % AIF) as f:
            idx = f.read().strip()
        with open("/proc/net/packet") as f:
            rows = [line.split() for line in f.readlines()[1:]]
    except OSError:
        return False
    return any(len(r) > 4 and r[4] == idx for r in rows)


def e2e_reasons():
    if os.geteuid() != 0:
        return "needs root (network namespace, veth, af_packet)"
    if iface_busy():
        return ("%s is in use by another packet socket (a linerate or a capture is running "
                "there): stop it, or use a topology of your own (LR_NS LR_CIF LR_AIF LR_CIP)" % AIF)
    for t in ("wrk", "ab", "h2load", "nginx", "taskset", "curl"):
        if shutil.which(t) is None:
            return "%s not installed (deploy/install-deps.sh)" % t
    for b in (LINERATE, CTL, MRC):
        if not os.access(b, os.X_OK):
            return "%s not built (make all)" % b
    return None


def e2e():
    why = e2e_reasons()
    if why:
        note("e2e: SKIPPED: " + why)
        results["e2e"]["skipped"] = why
        return
    tsc_hz = results["meta"].get("tsc_hz") or tsc_hz_guess()
    hz = os.sysconf("SC_CLK_TCK")
    runs = {c[0]: {"linerate": [], "nginx": []} for c in clients()}
    cpu = {"linerate": [], "nginx": []}
    for rnd in range(ROUNDS):
        for server in ("linerate", "nginx"):
            tag = "r%d" % rnd
            try:
                srv = Linerate(tag) if server == "linerate" else Nginx(tag)
            except RuntimeError as e:
                note("e2e %s round %d: cannot start: %s" % (server, rnd, e))
                continue
            try:
                ip = AIP if server == "linerate" else NGX_IP
                for key, what, fn in clients():
                    if server == "linerate":
                        c0 = srv.counters()
                    else:
                        c0 = srv.cpu()
                    d = fn(ip)
                    if server == "linerate":
                        c1 = srv.counters()
                        if c0 and c1 and c1["http_requests"] > c0["http_requests"]:
                            dreq = c1["http_requests"] - c0["http_requests"]
                            d["server_ns_per_req"] = (c1["cycles_busy"] - c0["cycles_busy"]) / dreq \
                                / (tsc_hz / 1e9)
                            d["server_requests"] = dreq
                    else:
                        c1 = srv.cpu()
                        if d.get("requests"):
                            d["server_ns_per_req"] = (c1 - c0) / hz * 1e9 / d["requests"]
                    d["round"] = rnd
                    runs[key][server].append(d)
                    log("e2e r%d %-8s %-7s %10s req/s  p50 %8s  p99 %8s  cpu %s ns/req%s" % (
                        rnd, server, key, fmt(d.get("rps"), "%.0f"), fmt_us(d.get("p50_us")),
                        fmt_us(d.get("p99_us")), fmt(d.get("server_ns_per_req"), "%.0f"),
                        "  errors %s" % d["errors"] if d.get("errors") else "")
                        + ("\n" + d["raw"] if "raw" in d else ""))
            finally:
                srv.stop()
    summary = {}
    for key, what, _ in clients():
        s = {"what": what, "cmd": (runs[key]["linerate"] or runs[key]["nginx"] or [{}])[0].get("cmd")}
        for server in ("linerate", "nginx"):
            rs = runs[key][server]
            for f in ("rps", "p50_us", "p99_us", "server_ns_per_req"):
                vals = [r[f] for r in rs if r.get(f) is not None]
                s["%s_%s" % (server, f)] = statistics.median(vals) if vals else None
        ratios = [a["rps"] / b["rps"] for a, b in zip(runs[key]["linerate"], runs[key]["nginx"])
                  if a.get("rps") and b.get("rps")]
        s["ratio_rps"] = statistics.median(ratios) if ratios else None
        cr = [b["server_ns_per_req"] / a["server_ns_per_req"]
              for a, b in zip(runs[key]["linerate"], runs[key]["nginx"])
              if a.get("server_ns_per_req") and b.get("server_ns_per_req")]
        s["ratio_cpu_nginx_over_linerate"] = statistics.median(cr) if cr else None
        summary[key] = s
    results["e2e"] = {"rounds": ROUNDS, "runs": runs, "summary": summary,
                      "linerate_addr": AIP, "nginx_addr": NGX_IP, "iface": AIF, "netns": NS}


def tsc_hz_guess():
    try:
        with open("/proc/cpuinfo") as f:
            m = re.search(r"model name.*@ ([\d.]+)GHz", f.read())
        return float(m.group(1)) * 1e9
    except (OSError, AttributeError):
        return 1e9


# ---- scale ----------------------------------------------------------------

def sockstat_pages():
    with open("/proc/net/sockstat") as f:
        m = re.search(r"TCP: .* mem (\d+)", f.read())
    return int(m.group(1)) if m else None


def nofile_limit():
    import resource
    return resource.getrlimit(resource.RLIMIT_NOFILE)[1]


def hold(server, ip, levels):
    """Open connections level by level; record server RSS at each.

    One client process holds at most its RLIMIT_NOFILE hard limit of
    sockets (20000 in some containers, and it cannot be raised without
    CAP_SYS_RESOURCE): spread each level over enough processes."""
    per = max(1000, nofile_limit() - 2000)
    k = max(1, math.ceil(max(levels) / per))
    procs = []
    span = (65535 - 1024 + 1) // k
    for i in range(k):
        share = ",".join(str(math.ceil(x / k)) for x in levels)
        lo = 1024 + i * span
        procs.append(subprocess.Popen(
            ["ip", "netns", "exec", NS, "taskset", "-c", CLIENT_CPU, "/usr/bin/python3",
             os.path.join(HERE, "hold_conns.py"), ip, str(PORT), share, "--inflight", "512",
             "--max-seconds", "20", "--ports", "%d-%d" % (lo, lo + span - 1)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
    base = server.rss_kb()
    out = []
    prev_open = 0
    try:
        for level in levels:
            parts = []
            for p in procs:
                line = p.stdout.readline()
                if line:
                    parts.append(json.loads(line))
            if not parts:
                break
            d = {"level": level, "clients": k,
                 "open": sum(x["open"] for x in parts),
                 "failed": sum(x["failed"] for x in parts),
                 "last_error": next((x["last_error"] for x in parts if x["last_error"]), ""),
                 "connect_s": max(x["connect_s"] for x in parts)}
            d["rate"] = (d["open"] - prev_open) / d["connect_s"] if d["connect_s"] > 0 else None
            prev_open = d["open"]
            time.sleep(0.5)
            d["rss_kb"] = server.rss_kb()
            d["rss_base_kb"] = base
            if d["open"]:
                d["bytes_per_conn_rss"] = (d["rss_kb"] - base) * 1024.0 / d["open"]
            d["server_held"] = server.held()
            out.append(d)
            log("scale %s: %d open (server holds %s; %d failed%s) in %.1fs, %s conn/s, "
                "RSS %d -> %d kB, %s B/conn" % (type(server).__name__.lower(), d["open"],
                               d["server_held"], d["failed"],
                               ": " + d["last_error"] if d["failed"] else "", d["connect_s"],
                               fmt(d["rate"], "%.0f"), base, d["rss_kb"],
                               fmt(d.get("bytes_per_conn_rss"), "%.0f")))
            for p in procs:
                p.stdin.write("\n")
                p.stdin.flush()
        for p in procs:
            p.stdin.write("\n")
            p.stdin.flush()
        for p in procs:
            p.wait(timeout=120)
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait()
    return out


def struct_sizes():
    """sizeof(struct tcp_conn), sizeof(struct http_conn) from the debug info."""
    if not shutil.which("gdb"):
        return None
    r = sh(["gdb", "-batch", "-ex", "p sizeof(struct tcp_conn)", "-ex",
            "p sizeof(struct http_conn)", LINERATE], timeout=120)
    v = re.findall(r"^\$\d+ = (\d+)", r.stdout, re.M)
    if len(v) == 2:
        return {"tcp_conn": int(v[0]), "http_conn": int(v[1]), "bucket_ptr": 8,
                "total": int(v[0]) + int(v[1]) + 8}
    return None


def scale():
    why = e2e_reasons()
    if why:
        note("scale: SKIPPED: " + why)
        results["scale"]["skipped"] = why
        return
    levels = [2000, 5000] if QUICK else [10000, 50000]
    rng = sh(["ip", "netns", "exec", NS, "sysctl", "-n", "net.ipv4.ip_local_port_range"]).stdout.split()
    sh(["ip", "netns", "exec", NS, "sysctl", "-qw", "net.ipv4.ip_local_port_range=1024 65535"])
    res = {"levels": levels, "sizes": struct_sizes()}
    try:
        srv = Linerate("scale")
        try:
            res["linerate"] = hold(srv, AIP, levels)
        finally:
            srv.stop()
        srv = Nginx("scale")
        try:
            k0 = sockstat_pages()
            res["nginx"] = hold(srv, NGX_IP, levels)
            res["nginx_note"] = "worker RSS only; kernel socket memory is not in it"
            res["sockstat_mem_pages_before"] = k0
        finally:
            srv.stop()
    except RuntimeError as e:
        note("scale: %s" % e)
    finally:
        if len(rng) == 2:
            sh(["ip", "netns", "exec", NS, "sysctl", "-qw",
                "net.ipv4.ip_local_port_range=%s %s" % (rng[0], rng[1])])
    results["scale"] = res


# ---- line-rate projection ------------------------------------------------

def project():
    st = results["stack"]
    rows = []
    for sc in ("event", "conn"):
        d = st.get(sc, {})
        if not d.get("cycles_min"):
            continue
        per_core = d["tsc_hz"] / d["cycles_min"]
        for gbe, bps in LINKS:
            if sc == "event":
                link = bps / (WIRE_IN * 8)
            else:
                # SYN, ACK, request, FIN+ACK in; SYN-ACK, response+FIN, ACK out:
                # ~3 extra minimal frames (84 B on the wire each) per request.
                link = bps / ((WIRE_IN + 3 * 84) * 8)
            rows.append({"scenario": sc, "link_gbe": gbe, "link_rps": link,
                         "core_rps": per_core, "cores": math.ceil(link / per_core)})
    results["projection"] = {"wire_bytes_in": WIRE_IN, "wire_bytes_out": WIRE_OUT,
                             "rows": rows,
                             "method": "requests/s a link carries = link_bps / (bytes_in*8) "
                                       "(inbound is the larger direction); a core does "
                                       "tsc_hz / cycles_per_request (min of the native runs); "
                                       "cores = ceil(link / core); assumes linear scaling over "
                                       "RSS queues and NIC checksum offload unused"}


def main():
    os.makedirs(OUT, exist_ok=True)
    machine()
    created = False
    try:
        if "stack" in ONLY:
            stack_cost()
        if any(s in ONLY for s in ("e2e", "scale", "memif", "loss", "cluster")) and \
                not e2e_reasons():
            created = topology_up()
            if created:
                note("brought up %s/%s <-> %s (%s); will take it down" % (NS, CIF, AIF, CIP))
        if "e2e" in ONLY:
            e2e()
        if "memif" in ONLY:
            memif(ROOT, BUILD, OUT, SERVER_CPU, CLIENT_CPU, QUICK, results, log)
            if e2e_reasons():
                results["memif"]["veth"] = {"skipped": e2e_reasons()}
            else:
                memif_veth(ROOT, BUILD, OUT, SERVER_CPU, CLIENT_CPU, QUICK, results, log, {
                    "start": lambda: Linerate("veth-load"), "mrc": lambda n: client_mrc(AIP, n),
                    "ns": NS, "cif": CIF, "aip": AIP, "port": PORT, "prefix": PREFIX,
                    "load_ip": _NET + ".5"})
        if "loss" in ONLY:
            why = e2e_reasons()
            if why:
                note("loss: SKIPPED: " + why)
                results["loss"] = {"skipped": why}
            else:
                loss({"results": results, "log": log, "note": note, "in_ns": in_ns,
                      "servers": {"linerate": Linerate, "nginx": Nginx}, "mrc": MRC,
                      "aip": AIP, "ngx_ip": NGX_IP, "port": PORT, "out": OUT, "quick": QUICK})
        if "cluster" in ONLY:
            why = e2e_reasons()
            if why:
                note("cluster: SKIPPED: " + why)
                results["cluster"] = {"skipped": why}
            else:
                cluster({"results": results, "log": log, "note": note, "sh": sh,
                         "in_ns": in_ns, "start": Linerate, "mrc": MRC, "ctl": CTL,
                         "aip": AIP, "port": PORT, "out": OUT, "quick": QUICK,
                         "client_cpu": CLIENT_CPU,
                         "server_cpu": SERVER_CPU})
        if "scale" in ONLY:
            scale()
        if "project" in ONLY:
            project()
    finally:
        if created:
            topology_down()
        with open(os.path.join(OUT, "results.json"), "w") as f:
            json.dump(results, f, indent=1, default=str)
    report(results, {"quick": QUICK, "reps": REPS, "scenarios": SCENARIOS,
                      "server_cpu": SERVER_CPU, "client_cpu": CLIENT_CPU, "out": OUT,
                      "wire_in": WIRE_IN, "wire_out": WIRE_OUT, "nofile": nofile_limit()})
    for line in (memif_report_lines(results) + loss_report_lines(results)
                 + cluster_report_lines(results)):
        print(line, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
