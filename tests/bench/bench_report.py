# SPDX-License-Identifier: BSD-3-Clause
"""bench_report.py: the one summary table `make bench` prints (bench.py)."""
import os


def fmt(v, f="%.1f"):
    return "-" if v is None else f % v


def fmt_us(v):
    if v is None:
        return "-"
    if v >= 1e4:
        return "%.1fms" % (v / 1e3)
    return "%.0fus" % v


def report(results, ctx):
    """The summary table; ctx: the run's settings (see bench.py main)."""
    QUICK, REPS, SCENARIOS = ctx["quick"], ctx["reps"], ctx["scenarios"]
    SERVER_CPU, CLIENT_CPU, OUT = ctx["server_cpu"], ctx["client_cpu"], ctx["out"]
    WIRE_IN, WIRE_OUT = ctx["wire_in"], ctx["wire_out"]
    m = results["meta"]
    L = []
    L.append("=" * 100)
    L.append("linerate bench  %s  git %s%s  %s, %s cpus, kernel %s, DPDK %s%s" % (
        m.get("date_utc"), m.get("git"), "+dirty lib" if m.get("lib_dirty") else "",
        m.get("cpu"), m.get("cpus"), m.get("kernel"), m.get("dpdk"),
        "  [QUICK: short runs]" if QUICK else ""))
    L.append("-" * 100)
    L.append("STACK COST (in-process, DPDK ring port, no kernel)   Ir: callgrind, deterministic;  "
             "cycles: TSC, min of %d native runs" % REPS)
    L.append("  each figure twice: software checksums | checksum offload modelled (\"ol\")")
    L.append("  %-36s %8s %8s %10s %10s %8s %8s  %s" % (
        "scenario", "Ir/req", "ol", "cycles/req", "ol", "ns/req", "ol", "status"))
    for sc, what in SCENARIOS:
        d = results["stack"].get(sc)
        if not d:
            continue
        o = d.get("offload", {})
        status = "ok"
        if d.get("route_missing") or o.get("route_missing"):
            status = "n/a (route missing: %d 4xx)" % d.get("http_4xx", 0)

        def cell(x, key, f="%.0f"):
            return "n/a" if x.get("route_missing") else fmt(x.get(key), f)
        L.append("  %-36s %8s %8s %10s %10s %8s %8s  %s" % (
            what, cell(d, "ir_per_request"), cell(o, "ir_per_request"),
            cell(d, "cycles_min"), cell(o, "cycles_min"),
            cell(d, "ns_min"), cell(o, "ns_min"), status))
    L.append("  (harness as production: mbuf cache 256, RX mbuf allocation and TX completion frees "
             "in the measured poll, Linux-style TCP timestamps, clock +2us per client segment; "
             "1MRC mix: 7.5% first events of a user, 92.5% known users, 75,000 in the table; "
             "10k conns: 32767 mbufs)")
    st = results["stack"]
    for sc, one in (("mc", "mrc"), ("mcnew", "event")):
        d = st.get(sc, {})
        if d.get("ir_per_lcore"):
            o = d.get("offload", {})
            L.append("  %s, Ir/req per lcore: %s (ol %s); one lcore, %s: %s (ol %s)" % (
                d["what"], " ".join("%.0f" % x for x in d["ir_per_lcore"]),
                " ".join("%.0f" % x for x in o.get("ir_per_lcore", [])) or "-",
                st.get(one, {}).get("what", one), fmt(st.get(one, {}).get("ir_per_request"), "%.0f"),
                fmt(st.get(one, {}).get("offload", {}).get("ir_per_request"), "%.0f")))
    v4, v6 = st.get("mrc", {}).get("ir_per_request"), st.get("mrc6", {}).get("ir_per_request")
    if v4 and v6:
        L.append("  IPv6 next to IPv4, 1MRC mix Ir/req: %.0f vs %.0f (%+.1f%%; issue #18 asks within 5%%)" % (
            v6, v4, 100.0 * (v6 - v4) / v4))
    for sc in ("mrc", "conn"):
        d = results["stack"].get(sc, {})
        if d.get("by_layer"):
            L.append("  by layer, %s, self Ir/req: %s" % (sc, ", ".join(
                "%s %.0f" % (k.split(" (")[0], v) for k, v in d["by_layer"].items())))
    ev = results["stack"].get("event", {})
    if ev.get("top_self"):
        L.append("  top self Ir/req, POST /event: " + ", ".join(
            "%s %.0f" % (t["fn"], t["ir_per_req"]) for t in ev["top_self"][:6]))
    L.append("-" * 100)
    e = results["e2e"]
    if e.get("skipped"):
        L.append("END TO END: SKIPPED: %s" % e["skipped"])
    elif e.get("summary"):
        L.append("END TO END on veth + af_packet (bounds these numbers, not the stack); "
                 "medians of %d alternations; server core %s, client core %s" %
                 (e["rounds"], SERVER_CPU, CLIENT_CPU))
        L.append("  %-38s %12s %8s %8s %12s %8s %8s %7s" % (
            "client", "linerate r/s", "p50", "p99", "nginx r/s", "p50", "p99", "ratio"))
        for key, s in e["summary"].items():
            L.append("  %-38s %12s %8s %8s %12s %8s %8s %7s" % (
                s["what"], fmt(s["linerate_rps"], "%.0f"), fmt_us(s["linerate_p50_us"]),
                fmt_us(s["linerate_p99_us"]), fmt(s["nginx_rps"], "%.0f"), fmt_us(s["nginx_p50_us"]),
                fmt_us(s["nginx_p99_us"]), fmt(s["ratio_rps"], "%.2fx")))
        L.append("  (h2load: mean request time in the p50 column; it has no percentiles)")
        L.append("  server CPU per request: %-14s %14s %14s %12s" % ("", "linerate ns", "nginx ns",
                                                                      "nginx/lr"))
        for key, s in e["summary"].items():
            L.append("    %-36s %14s %14s %12s" % (
                s["what"], fmt(s["linerate_server_ns_per_req"], "%.0f"),
                fmt(s["nginx_server_ns_per_req"], "%.0f"),
                fmt(s["ratio_cpu_nginx_over_linerate"], "%.2fx")))
        L.append("  (linerate: busy TSC cycles of its data lcore / its http_requests; nginx: worker "
                 "utime+stime / requests; kernel softirq time is charged to whoever it interrupts)")
    L.append("-" * 100)
    sc = results["scale"]
    if sc.get("skipped"):
        L.append("SCALE: SKIPPED: %s" % sc["skipped"])
    elif sc:
        sz = sc.get("sizes")
        L.append("SCALE: idle connections held (connect, no request)%s" % (
            "; sizeof tcp_conn %d + http_conn %d + bucket 8 = %d B/conn" %
            (sz["tcp_conn"], sz["http_conn"], sz["total"]) if sz else ""))
        L.append("  %-10s %8s %12s %12s %8s %10s %12s %14s" % (
            "server", "target", "client open", "server held", "failed", "conn/s", "RSS B/conn",
            "sizeof B/conn"))
        for server in ("linerate", "nginx"):
            for d in sc.get(server, []):
                L.append("  %-10s %8d %12d %12s %8d %10s %12s %14s" % (
                    server, d["level"], d["open"], fmt(d.get("server_held"), "%d"), d["failed"],
                    fmt(d.get("rate"), "%.0f"), fmt(d.get("bytes_per_conn_rss"), "%.0f"),
                    sz["total"] if sz and server == "linerate" else "-"))
        L.append("  (RSS: the process's VmRSS delta over its RSS before the first connection, / "
                 "connections; linerate preallocates tcp.max_conns conns at start, so its delta "
                 "stays ~0 and sizeof is the number; nginx: worker only, kernel socket memory "
                 "not included; nginx is capped by RLIMIT_NOFILE %d here; conn/s is the Python "
                 "client's pace)" % ctx["nofile"])
    cn = results["stack"].get("conn", {})
    e_ab = results["e2e"].get("summary", {}).get("ab", {})
    L.append("  connection setup: stack %s cycles per SYN..FIN (%s conn/s per core); "
             "ab linerate %s conn/s, nginx %s conn/s" % (
                 fmt(cn.get("cycles_min"), "%.0f"),
                 fmt(cn["tsc_hz"] / cn["cycles_min"] if cn.get("cycles_min") else None, "%.0f"),
                 fmt(e_ab.get("linerate_rps"), "%.0f"), fmt(e_ab.get("nginx_rps"), "%.0f")))
    L.append("-" * 100)
    pr = results["projection"]
    if pr.get("rows"):
        L.append("LINE RATE ON PAPER: %d B in / %d B out per minimal 1MRC exchange on the wire" %
                 (WIRE_IN, WIRE_OUT))
        L.append("  %-28s %6s %14s %14s %7s" % ("scenario", "link", "link req/s", "core req/s",
                                                 "cores"))
        for r in pr["rows"]:
            L.append("  %-28s %4dG %14.0f %14.0f %7d" % (
                "keep-alive POST /event" if r["scenario"] == "event" else "connection per request",
                r["link_gbe"], r["link_rps"], r["core_rps"], r["cores"]))
    for n in results["notes"]:
        L.append("note: " + n)
    L.append("results: %s" % os.path.join(OUT, "results.json"))
    L.append("=" * 100)
    print("\n".join(L), flush=True)
    return L
