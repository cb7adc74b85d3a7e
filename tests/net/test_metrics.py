# SPDX-License-Identifier: BSD-3-Clause
"""test_metrics: GET /metrics (Prometheus text 0.0.4) against /stats after
real 1MRC traffic, linerate-ctl stats moving with traffic, hostile control
socket clients not disturbing traffic, DPDK telemetry /linerate/*.
Defaults to lrnet's standard topology; LR_NS/LR_CIF/LR_AIF/LR_CIP/
LR_CLIENT_IP/LR_APPLIANCE_IP pick another, LR_CTL_SOCKET the control socket."""
import json
import os
import socket
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lrnet  # noqa: E402
from lrnet import Tap, in_ns  # noqa: E402

lrnet.require_root_and_tools("ip", "curl")
tap = Tap()
URL = "http://%s:%d" % (lrnet.APPLIANCE_IP, lrnet.HTTP_PORT)
LOGS = os.path.join(lrnet.BUILD, "test-logs")
os.makedirs(LOGS, exist_ok=True)
MRC = os.path.join(lrnet.BUILD, "tests", "tools", "mrc-client")
CTL = os.path.join(lrnet.BUILD, "linerate-ctl")
SOCK = os.environ.get("LR_CTL_SOCKET", "/run/linerate/metrics.sock")
EVENTS = int(os.environ.get("LR_METRICS_EVENTS", "20000"))

try:
    from prometheus_client.parser import text_string_to_metric_families
except ImportError:
    text_string_to_metric_families = None


def mrc_run():
    return in_ns("%s -n %d --reset --expect-exact %s" % (MRC, EVENTS, URL),
                 check=False, timeout=300)


def get(path):
    r = in_ns("curl -s -m 10 -D - %s%s" % (URL, path), check=False)
    out = r.stdout.replace("\r\n", "\n")  # text mode may have done it already
    head, _, body = out.partition("\n\n")
    return head, body


def ctl_stats():
    r = subprocess.run([CTL, "-s", SOCK, "--json", "stats"], capture_output=True, text=True, timeout=10)
    return json.loads(r.stdout) if r.returncode == 0 else None


def telemetry(prefix, cmd):
    path = "/var/run/dpdk/%s/dpdk_telemetry.v2" % prefix
    s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    s.settimeout(5)
    s.connect(path)
    json.loads(s.recv(16384).decode())  # the greeting
    s.send(cmd.encode())
    reply = json.loads(s.recv(1 << 20).decode())
    s.close()
    return reply


lrnet.veth_up()
cfg = os.path.join(LOGS, "metrics.json")
with open(os.path.join(lrnet.ROOT, "dpdk-config", "veth.json")) as f:
    conf = json.load(f)
conf["ctl"] = {"socket": SOCK}
with open(cfg, "w") as f:
    json.dump(conf, f)
app = lrnet.Appliance(name="metrics", config=cfg)
prefix = app.cmd[app.cmd.index("--file-prefix") + 1]
try:
    app.wait_ready()
    in_ns("ping -c 1 -W 2 %s" % lrnet.APPLIANCE_IP, check=False)
    before = ctl_stats()
    tap.ok(before is not None and "http_requests" in before, "linerate-ctl stats --json answers", str(before)[:300])

    r = mrc_run()
    tap.ok(r.returncode == 0, "mrc-client: %d events exact" % EVENTS, r.stdout[-2000:])
    st = json.loads(get("/stats")[1])
    head, body = get("/metrics")
    tap.ok(head.startswith("HTTP/1.1 200") and "Content-Type: text/plain; version=0.0.4" in head,
           "GET /metrics: 200, text/plain; version=0.0.4", head)
    fams = {}
    if text_string_to_metric_families:
        try:
            for fam in text_string_to_metric_families(body):
                fams[fam.name] = fam
            parsed = True
        except Exception as e:  # noqa: BLE001
            parsed = False
            tap.diag("parse error: %s" % e)
        tap.ok(parsed and len(fams) > 100, "/metrics parses (prometheus_client), %d families" % len(fams),
               body[:500])
        ev = fams.get("linerate_mrc_events")  # the parser drops _total from counter families
        val = [s.value for s in ev.samples if s.name == "linerate_mrc_events_total"] if ev else []
        tap.ok(val == [float(st["totalRequests"])] and st["totalRequests"] == EVENTS,
               "linerate_mrc_events_total == /stats totalRequests (%s)" % st["totalRequests"], str(val))
        uu = fams.get("linerate_mrc_unique_users")
        tap.ok(uu is not None and uu.type == "gauge" and uu.samples[0].value == st["uniqueUsers"],
               "linerate_mrc_unique_users gauge == /stats uniqueUsers", str(uu))
        resp = fams.get("linerate_http_responses")
        ev2xx = [s.value for s in resp.samples
                 if s.labels.get("route") == "event" and s.labels.get("class") == "2xx"] if resp else []
        tap.ok(ev2xx and ev2xx[0] >= EVENTS, "responses_total{route=event,class=2xx} >= %d" % EVENTS, str(ev2xx))
        conns = fams.get("linerate_tcp_connections")
        tap.ok(conns is not None and conns.type == "gauge" and any(
            s.labels.get("state") == "LISTEN" and s.value >= 1 for s in conns.samples),
            "linerate_tcp_connections gauge with LISTEN >= 1", str(conns)[:300])
        br = fams.get("linerate_lcore_busy_ratio")
        tap.ok(br is not None and all(0 <= s.value <= 1 for s in br.samples) and br.samples,
               "linerate_lcore_busy_ratio in [0,1]", str(br)[:300])
        rx = fams.get("linerate_rx_packets")
        tap.ok(rx is not None and rx.type == "counter" and sum(s.value for s in rx.samples) > 0,
               "linerate_rx_packets_total counter per lcore", str(rx)[:300])
    else:
        tap.skip("/metrics parses", "python3-prometheus-client not installed")
    head, body = get("/metrics")
    tap.ok("linerate_mrc_events_total %d\n" % EVENTS in body, "/metrics again: same events total", body[:200])

    after = ctl_stats()
    tap.ok(before and after and after["http_requests"] >= before["http_requests"] + EVENTS,
           "linerate-ctl stats: http_requests moved with traffic",
           "%s -> %s" % (before and before.get("http_requests"), after and after.get("http_requests")))

    # Hostile control-socket clients while traffic runs.
    hang = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    hang.connect(SOCK)
    junk = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    junk.connect(SOCK)
    try:
        junk.sendall(os.urandom(4096) + b"\x00\xff{not json\n" * 50)
    except OSError:
        pass
    r = mrc_run()
    tap.ok(r.returncode == 0, "mrc-client exact while a hung and a garbage ctl client are connected",
           r.stdout[-2000:])
    tap.ok(ctl_stats() is not None, "linerate-ctl still answers with hostile clients connected")
    hang.close()
    junk.close()

    # DPDK telemetry.
    try:
        t = telemetry(prefix, "/linerate/stats")
        d = t.get("/linerate/stats", {})
        tap.ok(d.get("http_requests", 0) >= 2 * EVENTS, "telemetry /linerate/stats: http_requests",
               str(t)[:300])
        t = telemetry(prefix, "/linerate/mrc")
        d = t.get("/linerate/mrc", {})
        tap.ok(d.get("total_requests") == EVENTS, "telemetry /linerate/mrc: total_requests", str(t)[:300])
        t = telemetry(prefix, "/linerate/lcores")
        d = t.get("/linerate/lcores", {})
        tap.ok(d and all("busy_ratio_ppm" in v for v in d.values()), "telemetry /linerate/lcores", str(t)[:300])
        t = telemetry(prefix, "/")
        tap.ok("/linerate/stats" in t.get("/", []), "telemetry lists /linerate/stats", str(t)[:300])
    except (OSError, ValueError) as e:
        tap.ok(False, "telemetry socket of %s" % prefix, repr(e))
finally:
    lrnet.check_clean_exit(tap, app)
tap.done()
