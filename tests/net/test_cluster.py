#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""test_cluster: 3 appliances on Redis behind an nftables jhash balancer
(deploy/cluster.sh): /stats exact through the VIP, every node served a
share, Redis restarted mid-run, SIGTERM of a node, kill -9 in durable
mode, reset through one node seen by all. TAP."""
import json
import os
import re
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lrnet  # noqa: E402
from lrnet import Tap, sh  # noqa: E402

N = 3
VIP = "http://10.90.0.100:8080"
DIR = os.environ.get("LR_CLUSTER_DIR", "/tmp/lr-cluster-test")
REDIS_PORT = os.environ.get("LR_REDIS_PORT", "6391")
CLUSTER = os.path.join(lrnet.ROOT, "deploy", "cluster.sh")
CLIENT = os.path.join(lrnet.BUILD, "tests", "tools", "mrc-client")
CTL = os.path.join(lrnet.BUILD, "linerate-ctl")
ENV = dict(os.environ, LR_CLUSTER_DIR=DIR, LR_REDIS_PORT=REDIS_PORT,
           LR_CLUSTER_APPS="0", LR_BUILD=lrnet.BUILD)


def cl(cmd, timeout=60):
    """A command in the client namespace, pinned to the client core."""
    return sh("ip netns exec lr-cl taskset -c %s %s" % (lrnet.CLIENT_CPU, cmd),
              check=False, timeout=timeout)


def report(out):
    for line in reversed(out.splitlines()):
        if line.startswith("{"):
            return json.loads(line)
    return {}


def get(url, path, timeout=15):
    r = cl("curl -s -m %d -w '\\n%%{http_code}' %s%s" % (timeout, url, path), timeout=timeout + 5)
    body, _, code = r.stdout.rpartition("\n")
    return int(code) if code.isdigit() else 0, body


def stats(url=VIP):
    code, body = get(url, "/stats")
    try:
        return code, json.loads(body)
    except ValueError:
        return code, {"raw": body}


def node_url(i):
    return "http://10.90.%d.2:8080" % i


def local_total(i):
    """The node's own 1MRC totals (its local store), over the control socket."""
    r = sh([CTL, "-s", os.path.join(DIR, "ctl%d.sock" % i), "mrc", "--json"], check=False)
    try:
        return json.loads(r.stdout).get("totalRequests", -1)
    except ValueError:
        return -1


def redis(*args):
    return sh(["redis-cli", "-p", REDIS_PORT] + list(args), check=False)


def redis_start():
    sh(["redis-server", "--port", REDIS_PORT, "--bind", "127.0.0.1", "--save", "",
        "--appendonly", "no", "--daemonize", "yes", "--pidfile", os.path.join(DIR, "redis.pid"),
        "--logfile", os.path.join(DIR, "redis.log"), "--dir", DIR])
    for _ in range(100):
        if redis("ping").stdout.strip() == "PONG":
            return True
        time.sleep(0.05)
    return False


def reset_all():
    r = cl("curl -s -m 15 -o /dev/null -w '%%{http_code}' -X POST %s/reset" % node_url(1),
           timeout=20)
    return r.stdout == "200"


def run_with_fault(args, nodes, min_events, fault, after=1.0):
    """Load through the VIP until the nodes counted min_events, then the
    fault, then after seconds more, then SIGINT the client (it reports what
    it got answered). Returns (the client was still running at the fault,
    its report, its output)."""
    p = subprocess.Popen("exec ip netns exec lr-cl taskset -c %s %s %s --json %s"
                         % (lrnet.CLIENT_CPU, CLIENT, args, VIP), shell=True,
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    end = time.time() + 60
    while time.time() < end and p.poll() is None:
        if sum(max(local_total(i), 0) for i in nodes) >= min_events:
            break
        time.sleep(0.05)
    midrun = p.poll() is None
    fault()
    time.sleep(after)
    if p.poll() is None:
        p.send_signal(signal.SIGINT)
    out, _ = p.communicate(timeout=120)
    return midrun, report(out), out


def set_ack(mode):
    for i in range(1, N + 1):
        p = os.path.join(DIR, "node%d.json" % i)
        with open(p) as f:
            text = f.read()
        with open(p, "w") as f:
            f.write(re.sub(r'"ack": "[a-z]+"', '"ack": "%s"' % mode, text))


def start(i):
    a = lrnet.Appliance("-c", os.path.join(DIR, "node%d.json" % i), name="cluster%d" % i)
    a.wait_ready(60)
    return a


def main():
    tap = Tap()
    lrnet.require_root_and_tools("nft", "redis-server", "redis-cli", "curl")
    if not os.path.exists(CLIENT):
        lrnet.skip_all("%s not built (make)" % CLIENT)
    apps = {}
    try:
        r = sh([CLUSTER, "up", str(N)], env=ENV, check=False)
        if not tap.ok(r.returncode == 0, "cluster.sh up %d: Redis, balancer, client netns" % N, r.stdout):
            tap.done()
        for i in range(1, N + 1):
            apps[i] = start(i)
        for i in range(1, N + 1):
            tap.ok("cluster: node node%d" % i in apps[i].text(), "node%d joined the cluster" % i,
                   apps[i].text()[-1500:])

        # 1. 300,000 events from 64 connections through the VIP, exact.
        t0 = time.time()
        r = cl("%s -n 300000 -c 64 -d 8 -u 75000 --reset --expect-exact --timeout 20 --json %s"
               % (CLIENT, VIP), timeout=240)
        rep = report(r.stdout)
        tap.ok(r.returncode == 0 and rep.get("acked") == 300000,
               "300,000 events through the VIP from 64 connections: all acked, /stats exact "
               "(%.1f s, %s req/s)" % (time.time() - t0, rep.get("rps")), r.stdout[-2500:])
        shares = [local_total(i) for i in range(1, N + 1)]
        tap.ok(all(s > 0 for s in shares) and sum(shares) == 300000,
               "every node served a share: %s" % shares, str(shares))
        want = {"totalRequests": 300000, "uniqueUsers": 75000, "sum": 150000000.0, "avg": 500.0}
        views = [stats(VIP) for _ in range(6)] + [stats(node_url(i)) for i in range(1, N + 1)]
        tap.ok(all(c == 200 and s == want for c, s in views),
               "GET /stats exact through the VIP and on every node", str(views))
        t0 = time.time()
        for _ in range(20):
            stats(VIP)
        tap.diag("barrier latency: GET /stats %.1f ms on average (curl included)"
                 % ((time.time() - t0) * 50))

        # 2. Redis restarted (empty) mid-run: 503 meanwhile, exact at the end.
        tap.ok(reset_all(), "POST /reset before the Redis run")
        seen = {}

        def redis_restart():
            redis("shutdown", "nosave")
            time.sleep(0.3)
            seen["stats"] = stats(VIP)
            seen["up"] = redis_start()

        midrun, rep, out = run_with_fault("-n 5000000 -c 32 -d 8 -u 20000 --timeout 30",
                                          range(1, N + 1), 30000, redis_restart)
        code, body = seen["stats"]
        tap.ok(code == 503 and "unreachable" in body.get("error", ""),
               "Redis down: /stats answers 503 with a JSON error", "%s %s" % (code, body))
        tap.ok(seen["up"], "Redis restarted, empty")
        code, st = stats(VIP)
        acked, lost = rep.get("acked", -1), rep.get("lost", 0)
        local = [local_total(i) for i in range(1, N + 1)]
        tot = st.get("totalRequests", -2)
        tap.ok(midrun and code == 200 and tot == sum(local) and acked <= tot <= acked + lost
               and st.get("uniqueUsers") == 20000,
               "Redis restarted mid-run: /stats exact at the end (cluster %s = nodes %s; "
               "acked %d, unanswered at the stop %d)" % (tot, local, acked, lost),
               "midrun %s, %s %s\n%s" % (midrun, code, st, out[-2000:]))

        # 3. SIGTERM of a node mid-run: it flushes first, nothing lost.
        tap.ok(reset_all(), "POST /reset before the SIGTERM run")
        term = {}

        def sigterm():
            term["code"] = apps[2].stop(signal.SIGTERM)

        midrun, rep, out = run_with_fault("-n 5000000 -c 32 -d 8 -u 20000 --timeout 3",
                                          range(1, N + 1), 30000, sigterm)
        acked, lost = rep.get("acked", -1), rep.get("lost", 0)
        code_s, st = stats(node_url(1))
        tot = st.get("totalRequests", -2)
        tap.ok(term["code"] == 0 and "final flush done" in apps[2].text(),
               "SIGTERM: node2 flushed and exited 0", apps[2].text()[-1500:])
        tap.ok(midrun and code_s == 200 and acked <= tot <= acked + lost,
               "SIGTERM mid-run: nothing acknowledged lost (acked %d, cluster %s, unanswered %d)"
               % (acked, tot, lost), "midrun %s, %s %s\n%s" % (midrun, code_s, st, out[-1500:]))
        apps[2] = start(2)

        # 4. Durable mode, node killed with -9 mid-run.
        set_ack("durable")
        for i in range(1, N + 1):
            apps[i].stop()
            apps[i] = start(i)
        tap.ok("ack durable" in apps[1].text(), "nodes restarted in durable mode")
        tap.ok(reset_all(), "POST /reset before the durable run")

        def kill9():
            apps[3].proc.send_signal(signal.SIGKILL)
            apps[3].proc.wait()

        midrun, rep, out = run_with_fault("-n 5000000 -c 32 -d 4 -u 20000 --timeout 3",
                                          range(1, N + 1), 3000, kill9, after=4.0)
        acked, lost = rep.get("acked", -1), rep.get("lost", 0)
        code_s, st = stats(node_url(1))
        tot = st.get("totalRequests", -2)
        tap.ok(midrun and code_s == 200 and acked <= tot <= acked + lost,
               "durable, kill -9 mid-run: totals hold every 2xx (acked %d, cluster %s, "
               "unanswered %d, of which counted %s)"
               % (acked, tot, lost, tot - acked if isinstance(tot, int) else "?"),
               "midrun %s, %s %s\n%s" % (midrun, code_s, st, out[-1500:]))
        tap.diag("durable run: p50 %s us, p99 %s us" % (rep.get("latency_us", {}).get("p50"),
                                                      rep.get("latency_us", {}).get("p99")))
        apps[3].stop()
        apps[3] = start(3)

        # 5. A reset through one node is seen by all.
        for i in range(1, N + 1):
            get(node_url(i), "/stats")
        cl("curl -s -m 5 -X POST -d '{\"userId\":\"x\",\"value\":1}' %s/event" % node_url(1))
        code = cl("curl -s -m 15 -o /dev/null -w '%%{http_code}' -X POST %s/reset"
                  % node_url(2), timeout=20).stdout
        views = [stats(node_url(i)) for i in range(1, N + 1)]
        locals_ = [local_total(i) for i in range(1, N + 1)]
        zero = {"totalRequests": 0, "uniqueUsers": 0, "sum": 0.0, "avg": 0.0}
        tap.ok(code == "200" and all(c == 200 and s == zero for c, s in views)
               and locals_ == [0] * N,
               "POST /reset through node2: every node's /stats and local store are zero",
               "%s %s %s" % (code, views, locals_))
        cl("curl -s -m 5 -X POST -d '{\"userId\":\"y\",\"value\":2.5}' %s/event" % node_url(3))
        c1, s1 = stats(node_url(1))
        tap.ok(c1 == 200 and s1.get("totalRequests") == 1 and s1.get("sum") == 2.5,
               "an event on node3 after the reset is seen through node1", str(s1))

        for i in range(1, N + 1):
            lrnet.check_clean_exit(tap, apps[i], "node%d" % i)
        apps = {}
    finally:
        for a in apps.values():
            if a.alive():
                a.stop()
        sh([CLUSTER, "down"], env=ENV, check=False)
        r = sh([CLUSTER, "down"], env=ENV, check=False)
        tap.ok(r.returncode == 0, "cluster.sh down, twice")
    tap.done()


if __name__ == "__main__":
    main()
