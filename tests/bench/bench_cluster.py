# SPDX-License-Identifier: BSD-3-Clause
"""bench_cluster.py: the `cluster` section of make bench: what cluster mode costs one node.

One linerate on the veth topology, the same client, three modes alternated
in each of LR_BENCH_CLUSTER_ROUNDS rounds (odd rounds backwards): (a) single node (no `cluster` section),
(b) a `cluster` section with `ack: "fast"`, (c) the same with
`ack: "durable"`, Redis on a unix socket (docs/SCALE-OUT.md). Per mode:
  throughput  mrc-client -c 64 -d 16 --reset --expect-exact: req/s, p50/p99
              (durable sends fewer events: each answer waits for a flush)
  latency     mrc-client -c 16 -d 1: p50/p99 (durable's added latency)
  /stats      GET /stats, sequentially on one keep-alive connection (this
              file run as a script in the client namespace): p50/p99, the
              flush barrier in cluster mode; and linerate-ctl cluster
Ratios b/a and c/a of req/s, per round, medians. linerate's data lcore on
the server core; mrc-client, Redis and linerate's main thread (and so the
lr-cluster service thread) on the client core: on a 2-core machine the
ratio includes that contention. Nothing is asserted.
linerate-ctl cluster's barrier_last_us is read too; it counts whole
milliseconds of the service thread's clock, so a round that ends in the
tick that began it (one node) reads 0: the client's figure is the one.
Env: LR_BENCH_CLUSTER_ROUNDS (default 5, quick 2), LR_BENCH_CLUSTER_N
(events of a fast throughput run),
LR_BENCH_CLUSTER_STATS (GETs per /stats probe, default 200).
"""
import json
import os
import statistics
import subprocess
import sys
import time

MODES = ("single", "fast", "durable")
FLUSH_MS = 10


def _redis_up(env, d):
    sock = os.path.join(d, "redis.sock")
    pid = os.path.join(d, "redis.pid")
    for f in (sock, pid):
        if os.path.exists(f):
            os.unlink(f)
    r = env["sh"](["taskset", "-c", env["client_cpu"], "redis-server", "--port", "0",
                   "--unixsocket", sock, "--unixsocketperm", "700", "--save", "",
                   "--appendonly", "no", "--daemonize", "yes", "--pidfile", pid,
                   "--logfile", os.path.join(d, "redis.log"), "--dir", d])
    if r.returncode != 0:
        raise RuntimeError("redis-server: %s" % r.stdout[-500:])
    for _ in range(100):
        if _redis(sock, "ping").stdout.strip() == "PONG":
            return sock, pid
        time.sleep(0.05)
    raise RuntimeError("redis-server did not answer on %s" % sock)


def _redis(sock, *args):
    return subprocess.run(["redis-cli", "-s", sock] + list(args), text=True, timeout=20,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT)


def _redis_down(sock, pidfile):
    try:
        with open(pidfile) as f:
            pid = int(f.read().strip())
    except (OSError, ValueError):
        pid = None
    _redis(sock, "shutdown", "nosave")
    for _ in range(100):
        if pid is None or not os.path.exists("/proc/%d" % pid):
            return
        time.sleep(0.05)


def _mrc(env, args):
    cmd = "%s %s --timeout 30 --json http://%s:%d" % (env["mrc"], args, env["aip"], env["port"])
    r = env["in_ns"](cmd, timeout=300)
    d = {"cmd": "mrc-client %s --timeout 30 --json http://IP:%d" % (args, env["port"])}
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
    d.update(rps=js.get("rps"), events=js.get("events"), acked=js.get("acked"),
             p50_us=lat.get("p50"), p99_us=lat.get("p99"), check=js.get("check"),
             errors=js.get("non2xx", 0) + js.get("lost", 0) + js.get("unsent", 0),
             ok=js.get("ok"))
    return d


def _stats_probe(env, n):
    cmd = "/usr/bin/python3 %s probe %s %d %d" % (os.path.abspath(__file__), env["aip"],
                                                   env["port"], n)
    r = env["in_ns"](cmd, timeout=60 + n)
    try:
        return json.loads(r.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        return {"raw": r.stdout[-1000:]}


def _ctl_cluster(env, sock):
    r = env["sh"]([env["ctl"], "-s", sock, "--json", "cluster"], timeout=20)
    try:
        return json.loads(r.stdout)
    except ValueError:
        return None


def _thread(pid, comm):
    """The task id of pid's thread named comm, or None."""
    try:
        for tid in os.listdir("/proc/%d/task" % pid):
            with open("/proc/%d/task/%s/comm" % (pid, tid)) as f:
                if f.read().strip() == comm:
                    return int(tid)
    except OSError:
        pass
    return None


def _thread_cpus(pid, tid):
    """Cpus_allowed_list of a thread ("" if gone)."""
    try:
        with open("/proc/%d/task/%d/status" % (pid, tid)) as f:
            for line in f:
                if line.startswith("Cpus_allowed_list:"):
                    return line.split(":", 1)[1].strip()
    except (OSError, TypeError):
        pass
    return ""


def _ticks(path):
    """utime + stime of a /proc/.../stat, in clock ticks (0 if gone)."""
    try:
        with open(path) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])
    except (OSError, IndexError, ValueError, TypeError):
        return 0


def _redis_pid(pidfile):
    try:
        with open(pidfile) as f:
            return int(f.read().strip())
    except (OSError, ValueError):
        return None


def _measured(env, srv, args, redis_pid, tid):
    """One mrc-client run, with linerate's data-lcore cycles per request
    and the client core's time spent in Redis and the lr-cluster thread."""
    hz = os.sysconf("SC_CLK_TCK")
    paths = ["/proc/%d/stat" % redis_pid if redis_pid else None,
             "/proc/%d/task/%d/stat" % (srv.proc.pid, tid) if tid else None]
    c0 = srv.counters()
    k0 = [_ticks(p) for p in paths]
    d = _mrc(env, args)
    k1 = [_ticks(p) for p in paths]
    c1 = srv.counters()
    if c0 and c1 and c1.get("http_requests", 0) > c0.get("http_requests", 0):
        d["server_cycles_per_req"] = ((c1["cycles_busy"] - c0["cycles_busy"])
                                      / (c1["http_requests"] - c0["http_requests"]))
    el = d.get("events") and d.get("rps") and d["events"] / d["rps"]
    if el and (redis_pid or tid):
        d["redis_cpu_share"] = (k1[0] - k0[0]) / hz / el if redis_pid else None
        d["lr_cluster_cpu_share"] = (k1[1] - k0[1]) / hz / el if tid else None
    return d


def _one(env, mode, rnd, redis_sock, redis_pid, n_fast, n_durable, n_lat, n_stats):
    def edit(cfg):
        if mode != "single":
            cfg["cluster"] = {"redis": "unix:" + redis_sock, "node_id": "bench",
                              "ack": mode, "flush_ms": FLUSH_MS}
    if mode != "single":
        _redis(redis_sock, "flushall")
    srv = env["start"]("cluster-%s-r%d" % (mode, rnd), edit)
    d = {"mode": mode, "round": rnd}
    try:
        tid = _thread(srv.proc.pid, "lr-cluster") if mode != "single" else None
        if tid:
            d["lr_cluster_cpus"] = _thread_cpus(srv.proc.pid, tid)
        n = n_durable if mode == "durable" else n_fast
        d["throughput"] = _measured(env, srv, "-n %d -c 64 -d 16 --reset --expect-exact" % n,
                                    redis_pid if mode != "single" else None, tid)
        d["latency"] = _mrc(env, "-n %d -c 16 -d 1 --reset" % n_lat)
        d["stats"] = _stats_probe(env, n_stats)
        if mode != "single":
            d["ctl"] = _ctl_cluster(env, srv.sock)
    finally:
        srv.stop()
    t, l, s = d["throughput"], d["latency"], d["stats"]
    env["log"]("cluster r%d %-7s %9s req/s (p50 %s p99 %s us, %s, %s cycles/req, core %s: "
               "redis %s lr-cluster %s)  c16xd1 p50 %s p99 %s us  "
               "GET /stats p50 %s p99 %s us%s" % (
                   rnd, mode, _f(t.get("rps"), "%.0f"), _f(t.get("p50_us"), "%.0f"),
                   _f(t.get("p99_us"), "%.0f"), t.get("check"),
                   _f(t.get("server_cycles_per_req"), "%.0f"), env["client_cpu"],
                   _f(t.get("redis_cpu_share"), "%.0f%%", 100),
                   _f(t.get("lr_cluster_cpu_share"), "%.0f%%", 100), _f(l.get("p50_us"), "%.0f"),
                   _f(l.get("p99_us"), "%.0f"), _f(s.get("p50_us"), "%.0f"),
                   _f(s.get("p99_us"), "%.0f"),
                   "  barrier_last_us %s" % d["ctl"].get("barrier_last_us")
                   if d.get("ctl") else "")
               + "".join("\n" + x["raw"] for x in (t, l, s) if "raw" in x))
    return d


def _med(rows, *path):
    vals = []
    for r in rows:
        v = r
        for k in path:
            v = v.get(k) if isinstance(v, dict) else None
        if v is not None:
            vals.append(v)
    return statistics.median(vals) if vals else None


def cluster(env):
    """env: results, log, note, sh, in_ns, start(tag, edit) -> linerate
    (proc, sock, counters(), stop()), mrc, ctl, aip, port, out, quick,
    client_cpu, server_cpu."""
    rounds = int(os.environ.get("LR_BENCH_CLUSTER_ROUNDS", "2" if env["quick"] else "5"))
    res = {"flush_ms": FLUSH_MS, "rounds": rounds, "runs": [],
           "server_cpu": env["server_cpu"], "client_cpu": env["client_cpu"]}
    env["results"]["cluster"] = res
    for tool in ("redis-server", "redis-cli"):
        if subprocess.run(["which", tool], stdout=subprocess.DEVNULL).returncode != 0:
            res["skipped"] = "%s not installed (deploy/install-deps.sh)" % tool
            env["note"]("cluster: SKIPPED: " + res["skipped"])
            return
    quick = env["quick"]
    n_fast = int(os.environ.get("LR_BENCH_CLUSTER_N", "300000" if quick else "1000000"))
    # Durable: ~64 answers per flush (one per connection, pipelined
    # requests wait their turn): a few seconds' worth.
    n_durable = max(2000, n_fast // 50)
    n_lat = 1000 if quick else 3000
    n_stats = int(os.environ.get("LR_BENCH_CLUSTER_STATS", "100" if quick else "200"))
    res.update(events_fast=n_fast, events_durable=n_durable, events_latency=n_lat,
               stats_gets=n_stats)
    d = os.path.join(env["out"], "cluster")
    os.makedirs(d, exist_ok=True)
    try:
        sock, pidfile = _redis_up(env, d)
    except RuntimeError as e:
        res["skipped"] = str(e)
        env["note"]("cluster: SKIPPED: %s" % e)
        return
    res["redis"] = "unix socket, pinned to the client core"
    t0 = time.time()
    try:
        res["loadavg_before"] = os.getloadavg()
        for rnd in range(rounds):
            # Odd rounds run the modes backwards: no mode always goes first.
            for mode in (MODES if rnd % 2 == 0 else MODES[::-1]):
                try:
                    res["runs"].append(_one(env, mode, rnd, sock, _redis_pid(pidfile),
                                            n_fast, n_durable, n_lat, n_stats))
                except RuntimeError as e:
                    env["note"]("cluster r%d %s: cannot start: %s" % (rnd, mode, str(e)[-500:]))
    finally:
        _redis_down(sock, pidfile)
    res["elapsed_s"] = round(time.time() - t0, 1)
    res["loadavg_after"] = os.getloadavg()
    env["log"]("cluster: section took %.0f s" % res["elapsed_s"])
    summ = {}
    for mode in MODES:
        rows = [r for r in res["runs"] if r["mode"] == mode]
        s = {"rps": _med(rows, "throughput", "rps"),
             "p50_us": _med(rows, "throughput", "p50_us"),
             "p99_us": _med(rows, "throughput", "p99_us"),
             "server_cycles_per_req": _med(rows, "throughput", "server_cycles_per_req"),
             "redis_cpu_share": _med(rows, "throughput", "redis_cpu_share"),
             "lr_cluster_cpu_share": _med(rows, "throughput", "lr_cluster_cpu_share"),
             "lat_p50_us": _med(rows, "latency", "p50_us"),
             "lat_p99_us": _med(rows, "latency", "p99_us"),
             "stats_p50_us": _med(rows, "stats", "p50_us"),
             "stats_p99_us": _med(rows, "stats", "p99_us"),
             "checks": [r["throughput"].get("check") for r in rows]}
        if mode != "single":
            s["ctl_barrier_last_us"] = _med(rows, "ctl", "barrier_last_us")
            s["ctl_errors"] = sum((r.get("ctl") or {}).get("errors", 0) for r in rows)
            s["ctl_ring_full"] = sum((r.get("ctl") or {}).get("ring_full", 0) for r in rows)
            s["lr_cluster_cpus"] = next((r["lr_cluster_cpus"] for r in rows
                                         if r.get("lr_cluster_cpus")), "")
        summ[mode] = s
    for mode in ("fast", "durable"):
        ratios = []
        for rnd in range(rounds):
            a = [r for r in res["runs"] if r["round"] == rnd and r["mode"] == "single"]
            b = [r for r in res["runs"] if r["round"] == rnd and r["mode"] == mode]
            if a and b and a[0]["throughput"].get("rps") and b[0]["throughput"].get("rps"):
                ratios.append(b[0]["throughput"]["rps"] / a[0]["throughput"]["rps"])
        summ[mode]["ratio_rps"] = statistics.median(ratios) if ratios else None
        cyc_a, cyc_b = summ["single"]["server_cycles_per_req"], summ[mode]["server_cycles_per_req"]
        summ[mode]["ratio_cycles"] = cyc_b / cyc_a if cyc_a and cyc_b else None
        summ[mode]["ratios_rps"] = ratios
        for k in ("lat_p50_us", "lat_p99_us"):
            a, b = summ["single"].get(k), summ[mode].get(k)
            summ[mode]["added_" + k] = b - a if a is not None and b is not None else None
    res["summary"] = summ


def report_lines(results):
    res = results.get("cluster")
    if not res:
        return []
    if res.get("skipped"):
        return ["", "CLUSTER: skipped: %s" % res["skipped"]]
    s = res.get("summary", {})
    out = ["", "CLUSTER: one node, Redis on a unix socket, flush %d ms, medians of %d rounds; "
           "linerate's data lcore on core %s, mrc-client + Redis + lr-cluster thread on core %s "
           "(Redis shares the client core: the ratio includes that contention)" % (
               res["flush_ms"], res["rounds"], res["server_cpu"], res["client_cpu"]),
           "  throughput: mrc-client -c 64 -d 16 (%d events; durable %d); latency: -c 16 -d 1 "
           "(%d); GET /stats: %d sequential GETs, one keep-alive connection" % (
               res.get("events_fast", 0), res.get("events_durable", 0),
               res.get("events_latency", 0), res.get("stats_gets", 0)),
           "  mode         req/s  x single   p50 us   p99 us  cyc/req | d1 p50   d1 p99 | "
           "/stats p50  /stats p99"]
    for mode in MODES:
        m = s.get(mode, {})
        out.append("  %-8s %9s %9s %8s %8s %8s | %6s %8s | %10s %11s" % (
            mode, _f(m.get("rps"), "%.0f"),
            _f(m.get("ratio_rps"), "%.3f") if mode != "single" else "1",
            _f(m.get("p50_us"), "%.0f"), _f(m.get("p99_us"), "%.0f"),
            _f(m.get("server_cycles_per_req"), "%.0f"),
            _f(m.get("lat_p50_us"), "%.0f"), _f(m.get("lat_p99_us"), "%.0f"),
            _f(m.get("stats_p50_us"), "%.0f"), _f(m.get("stats_p99_us"), "%.0f")))
    fa = s.get("fast", {})
    if fa:
        out.append("  fast / single per round: %s (median %s); load average %s before, %s after" % (
            " ".join("%.2f" % x for x in fa.get("ratios_rps", [])), _f(fa.get("ratio_rps"), "%.3f"),
            _f((res.get("loadavg_before") or [None])[0], "%.1f"),
            _f((res.get("loadavg_after") or [None])[0], "%.1f")))
        out.append("  fast, during the throughput run, core %s also gave Redis %s and the "
                   "lr-cluster thread %s of the run's time; cyc/req: linerate's data lcore "
                   "busy cycles per request" % (
                       res["client_cpu"], _f(fa.get("redis_cpu_share"), "%.0f%%", 100),
                       _f(fa.get("lr_cluster_cpu_share"), "%.0f%%", 100)))
    d = s.get("durable", {})
    if d:
        out.append("  durable adds p50 %s us, p99 %s us at depth 1; linerate-ctl cluster "
                   "barrier_last_us: fast %s, durable %s; checks %s" % (
                       _f(d.get("added_lat_p50_us"), "%+.0f"),
                       _f(d.get("added_lat_p99_us"), "%+.0f"),
                       _f(s.get("fast", {}).get("ctl_barrier_last_us"), "%.0f"),
                       _f(d.get("ctl_barrier_last_us"), "%.0f"),
                       ",".join(str(c) for m in MODES for c in s.get(m, {}).get("checks", []))))
    return out


def _f(v, spec, scale=1):
    return "-" if v is None else spec % (v * scale)


def _probe(ip, port, n):
    """GET /stats n times on one keep-alive connection: latency p50/p99."""
    import http.client
    c = http.client.HTTPConnection(ip, port, timeout=30)
    lat, bad = [], 0
    for _ in range(n):
        t0 = time.perf_counter_ns()
        c.request("GET", "/stats")
        r = c.getresponse()
        r.read()
        lat.append((time.perf_counter_ns() - t0) / 1e3)
        if r.status != 200:
            bad += 1
    c.close()
    lat.sort()
    pick = lambda q: lat[min(len(lat) - 1, int(q * len(lat)))]
    print(json.dumps({"gets": n, "non200": bad, "p50_us": pick(0.50), "p99_us": pick(0.99),
                      "max_us": lat[-1], "mean_us": sum(lat) / len(lat)}))


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "probe":
        _probe(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
        sys.exit(0)
    print("usage: bench_cluster.py probe IP PORT N (bench.py runs the section)", file=sys.stderr)
    sys.exit(2)
