# SPDX-License-Identifier: BSD-3-Clause
"""bench_memif.py: `make bench` section "END TO END over memif (no kernel)":
linerate (server core) <-> build/linerate-load (client core) over net_memif.

Each run starts a fresh linerate so that its exit counters (busy cycles,
requests) belong to that run alone.
"""
import json
import os
import re
import signal
import subprocess
import time

V4, V6 = "http://10.89.0.2:8080", "http://[fd00:89::2]:8080"
RUNS = [("depth 1, 16 conns", "--conns 16 --depth 1", V4),
        ("depth 16, 16 conns", "--conns 16 --depth 16", V4),
        ("depth 16 over IPv6", "--conns 16 --depth 16", V6),
        ("a connection per request", "--conns 16 --conn-per-request", V4)]


def _config(root, src, path, edit):
    with open(os.path.join(root, "dpdk-config", src)) as f:
        c = json.load(f)
    edit(c)
    with open(path, "w") as f:
        json.dump(c, f, indent=1)
    return path


def _server(build, cfg, log_path):
    log = open(log_path, "w")
    p = subprocess.Popen([os.path.join(build, "linerate"), "-c", cfg,
                          "--file-prefix", "lrbench-memif-srv-%d" % os.getpid()],
                         stdout=log, stderr=subprocess.STDOUT)
    end = time.time() + 30
    while time.time() < end:
        with open(log_path) as f:
            if "linerate: ready:" in f.read():
                return p, log
        if p.poll() is not None:
            break
        time.sleep(0.1)
    return p, log


def _stop(p, log, log_path):
    if p.poll() is None:
        p.send_signal(signal.SIGTERM)
        try:
            p.wait(timeout=30)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
    log.close()
    cnt = {}
    with open(log_path) as f:
        for m in re.finditer(r"lcore \d+ counters:(.*)", f.read()):
            for kv in m.group(1).split():
                k, _, v = kv.partition("=")
                cnt[k] = cnt.get(k, 0) + int(v or 0)
    return p.returncode, cnt


def memif(root, build, out, server_cpu, client_cpu, quick, results, log):
    """Fill results["memif"]; log(msg) reports progress."""
    load = os.path.join(build, "linerate-load")
    res = {"runs": []}
    results["memif"] = res
    if os.geteuid() != 0:
        res["skipped"] = "needs root (memif socket under /run/linerate)"
        return
    if not os.access(load, os.X_OK):
        res["skipped"] = "%s not built (make)" % load
        return
    n = 200000 if quick else 1000000
    tag = "bench-%d" % os.getpid()
    sock = "/run/linerate/%s-memif.sock" % tag
    srv_cfg = _config(root, "memif-server.json", os.path.join(out, "memif-server.json"),
                      lambda c: (c["port"].update(memif_socket=sock), c.update(
                          lcores=[int(server_cpu)], main_lcore=int(client_cpu)),
                          c["ctl"].update(socket="/run/linerate/%s-srv.sock" % tag)))
    cli_cfg = _config(root, "memif-client.json", os.path.join(out, "memif-client.json"),
                      lambda c: (c["port"].update(memif_socket=sock), c.update(
                          lcores=[int(client_cpu)], main_lcore=int(server_cpu)),
                          c["ctl"].update(socket="/run/linerate/%s-cli.sock" % tag)))
    for what, args, url in RUNS:
        slog = os.path.join(out, "memif-linerate-%s.log" % what.split(",")[0].replace(" ", ""))
        p, fh = _server(build, srv_cfg, slog)
        cmd = [load, "-c", cli_cfg, "--file-prefix", "lrbench-memif-cli-%d" % os.getpid(),
               "--url", url, "-n", str(n), "--reset", "--expect-exact",
               "--json", "--linger", "30"] + args.split()
        # The client lingers (lcores stopped) until the server, stopped
        # once the report is out, has gone: see docs/LOAD.md.
        c = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        stdout = ""
        for line in c.stdout:
            stdout += line
            if line.startswith("{"):
                break
        code, cnt = _stop(p, fh, slog)
        try:
            stdout += c.communicate(timeout=60)[0]
        except subprocess.TimeoutExpired:
            c.kill()
            stdout += c.communicate()[0]
        r = subprocess.CompletedProcess(cmd, c.returncode, stdout, "")
        try:
            os.unlink(sock)
        except OSError:
            pass
        d = {"what": what, "cmd": " ".join(cmd), "exit": r.returncode, "server_exit": code}
        lines = [x for x in r.stdout.splitlines() if x.startswith("{")]
        if lines:
            j = json.loads(lines[-1])
            d.update(rps=j["req_per_s"], p50_us=j["latency_us"]["p50"],
                     p99_us=j["latency_us"]["p99"], exact=j["exact"], errors=j["errors"],
                     responses_2xx=j["responses_2xx"])
        if cnt.get("http_requests"):
            d["server_busy_cycles_per_req"] = cnt.get("cycles_busy", 0) / cnt["http_requests"]
        if lines and "connects" in j:
            d["connects"] = j["connects"]
        res["runs"].append(d)
        log("memif %-24s %s req/s  p50 %s us  p99 %s us  exact %s  busy cycles/req %s" % (
            what, d.get("rps"), d.get("p50_us"), d.get("p99_us"), d.get("exact"),
            "%.0f" % d["server_busy_cycles_per_req"] if "server_busy_cycles_per_req" in d
            else "-"))


def veth(root, build, out, server_cpu, client_cpu, quick, results, log, env):
    """results["memif"]["veth"]: linerate-load (af_packet on the client
    veth, its own address) and mrc-client (kernel sockets) one after the
    other against the same linerate on veth, same events, c64 x d16.
    env: start() -> server with counters()/stop(), mrc(n) -> dict (bench.py's
    client_mrc), ns, cif, aip, port, prefix, load_ip."""
    res = results.setdefault("memif", {})
    load = os.path.join(build, "linerate-load")
    n = 100000 if quick else 500000
    cfg = _config(root, "veth.json", os.path.join(out, "veth-load.json"),
                  lambda c: (c["port"].update(iface=env["cif"]),
                             c["ip"].update(address="%s/%s" % (env["load_ip"], env["prefix"])),
                             c.update(lcores=[int(client_cpu)], main_lcore=int(server_cpu)),
                             c["idle"].update(enabled=False),
                             c["ctl"].update(socket="/run/linerate/bench-%d-vload.sock"
                                             % os.getpid())))
    v = {"events": n}
    res["veth"] = v
    try:
        srv = env["start"]()
    except RuntimeError as e:
        v["skipped"] = "linerate on veth: %s" % str(e)[-300:]
        return
    try:
        for key in ("mrc_client", "linerate_load"):
            c0 = srv.counters()
            if key == "mrc_client":
                d = env["mrc"](n)
            else:
                cmd = ("ip netns exec %s %s -c %s --file-prefix lrbench-vload-%d --url "
                       "http://%s:%d -n %d --conns 64 --depth 16 --reset --expect-exact --json"
                       % (env["ns"], load, cfg, os.getpid(), env["aip"], env["port"], n))
                r = subprocess.run(cmd, shell=True, stdout=subprocess.PIPE,
                                   stderr=subprocess.DEVNULL, text=True, timeout=300)
                d = {"cmd": cmd, "exit": r.returncode}
                lines = [x for x in r.stdout.splitlines() if x.startswith("{")]
                if lines:
                    j = json.loads(lines[-1])
                    d.update(rps=j["req_per_s"], p50_us=j["latency_us"]["p50"],
                             p99_us=j["latency_us"]["p99"], exact=j["exact"],
                             errors=j["errors"], requests=j["responses_2xx"])
            c1 = srv.counters()
            if c0 and c1 and c1.get("http_requests", 0) > c0.get("http_requests", 0):
                d["server_busy_cycles_per_req"] = (
                    (c1["cycles_busy"] - c0["cycles_busy"])
                    / (c1["http_requests"] - c0["http_requests"]))
            v[key] = d
            log("veth %-14s %s req/s  p50 %s us  p99 %s us  busy cycles/req %s" % (
                key, d.get("rps"), d.get("p50_us"), d.get("p99_us"),
                "%.0f" % d["server_busy_cycles_per_req"]
                if d.get("server_busy_cycles_per_req") else "-"))
    finally:
        srv.stop()
    a, b = v.get("linerate_load", {}).get("rps"), v.get("mrc_client", {}).get("rps")
    v["ratio_rps_load_over_mrc"] = a / b if a and b else None


def report_lines(results):
    """The section's lines of the summary table."""
    m = results.get("memif") or {}
    L = []
    if m.get("skipped"):
        return ["END TO END over memif (no kernel): SKIPPED: %s" % m["skipped"]]
    if not m.get("runs"):
        return L
    ev = results.get("stack", {}).get("event", {})
    L.append("END TO END over memif (no kernel): linerate-load <-> linerate, 1 lcore each; "
             "in-process POST /event: %s Ir/req, %s cycles/req" % (
                 "%.0f" % ev["ir_per_request"] if ev.get("ir_per_request") else "-",
                 "%.0f" % ev["cycles_min"] if ev.get("cycles_min") else "-"))
    L.append("  %-24s %12s %9s %9s %7s %16s %14s" % (
        "run", "req/s", "p50", "p99", "exact", "busy cycles/req", "x in-process"))
    for d in m["runs"]:
        busy = d.get("server_busy_cycles_per_req")
        ratio = busy / ev["cycles_min"] if busy and ev.get("cycles_min") else None
        L.append("  %-24s %12s %9s %9s %7s %16s %14s" % (
            d["what"], "%.0f" % d["rps"] if d.get("rps") else "-",
            "%.1fus" % d["p50_us"] if d.get("p50_us") is not None else "-",
            "%.1fus" % d["p99_us"] if d.get("p99_us") is not None else "-",
            d.get("exact"), "%.0f" % busy if busy else "-",
            "%.2f" % ratio if ratio else "-"))
    v = m.get("veth") or {}
    if v.get("skipped"):
        L.append("  veth, linerate-load next to mrc-client: SKIPPED: %s" % v["skipped"])
    elif v.get("linerate_load") or v.get("mrc_client"):
        a, b = v.get("linerate_load") or {}, v.get("mrc_client") or {}
        L.append("  veth (af_packet), same linerate, %d events c64 x d16: linerate-load %s req/s "
                 "(p99 %s, exact %s), mrc-client %s req/s (p99 %s): ratio %s" % (
                     v.get("events", 0), "%.0f" % a["rps"] if a.get("rps") else "-",
                     "%.0fus" % a["p99_us"] if a.get("p99_us") is not None else "-",
                     a.get("exact"), "%.0f" % b["rps"] if b.get("rps") else "-",
                     "%.0fus" % b["p99_us"] if b.get("p99_us") is not None else "-",
                     "%.2fx" % v["ratio_rps_load_over_mrc"]
                     if v.get("ratio_rps_load_over_mrc") else "-"))
    return L
