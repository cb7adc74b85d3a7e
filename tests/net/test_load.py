# SPDX-License-Identifier: BSD-3-Clause
"""test_load: build/linerate-load against linerate over memif (no kernel),
against linerate over veth (af_packet), and against nginx (kernel TCP).

Cases (LR_LOAD_CASES, default all): memif (1M, depth 16), memif-cpr (1M, a
connection per request), memif-lcores (two lcores each side), memif-v6
(the memif run over IPv6, tcp_connect6), memif-kill
(five clients killed -9 mid-run, then an exact run), veth (1M), veth-loss
(5% nftables loss each way, exact), nginx. Env: LR_LOAD_EVENTS,
LR_LOAD_NGINX_EVENTS, LR_LOAD_LCORE_EVENTS, LR_LOAD_LOSS_EVENTS.

linerate runs on core 1, linerate-load on core 0. Every run ends with both
processes exiting 0 and every mbuf back in its pool.
"""
import json
import os
import re
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lrnet  # noqa: E402
from lrnet import Tap, in_ns  # noqa: E402

lrnet.require_root_and_tools("ip", "curl")
LOAD = os.path.join(lrnet.BUILD, "linerate-load")
if not os.path.exists(LOAD):
    lrnet.skip_all("%s not built (make)" % LOAD)
NGINX = shutil.which("nginx")
EVENTS = int(os.environ.get("LR_LOAD_EVENTS", "1000000"))
NGX_EVENTS = int(os.environ.get("LR_LOAD_NGINX_EVENTS", "100000"))
LCORE_EVENTS = int(os.environ.get("LR_LOAD_LCORE_EVENTS", "200000"))
LOSS_EVENTS = int(os.environ.get("LR_LOAD_LOSS_EVENTS", "100000"))
LOGS = os.path.join(lrnet.BUILD, "test-logs")
TAG = "load-%d" % os.getpid()
_NET = lrnet.APPLIANCE_IP.rsplit(".", 1)[0]
LOAD_IP = _NET + ".5"   # linerate-load's own address: the kernel does not own it
NGX_IP = _NET + ".3"
tap = Tap()
os.makedirs(LOGS, exist_ok=True)


def config(src, path, edit):
    """A copy of a shipped config with edit(dict) applied."""
    with open(os.path.join(lrnet.ROOT, "dpdk-config", src)) as f:
        c = json.load(f)
    edit(c)
    with open(path, "w") as f:
        json.dump(c, f, indent=1)
    return path


def run_load(name, cfg, url, n, extra, ns=False, timeout=120):
    """linerate-load --json; returns (exit code, result dict or None, log)."""
    log = os.path.join(LOGS, "linerate-load-%s.log" % name)
    cmd = "%s -c %s --file-prefix lrtest-%s-%s --url %s -n %d --json %s 2>%s" % (
        LOAD, cfg, name, TAG, url, n, extra, log)
    r = in_ns(cmd, check=False, timeout=timeout, cpu=None) if ns else \
        lrnet.sh(cmd, check=False, timeout=timeout)
    with open(log) as f:
        text = f.read()
    res = None
    for line in reversed(r.stdout.splitlines()):
        if line.startswith("{"):
            res = json.loads(line)
            break
    return r.returncode, res, text + r.stdout[-2000:]


def run_load_memif(name, cfg, url, n, extra, server, timeout=120):
    """As run_load, for memif: the client lingers with its lcores stopped
    until the server (stopped here once the report is out) has gone, so
    that no side disconnects under a polling peer (docs/LOAD.md)."""
    log = os.path.join(LOGS, "linerate-load-%s.log" % name)
    cmd = [LOAD, "-c", cfg, "--file-prefix", "lrtest-%s-%s" % (name, TAG), "--url", url,
           "-n", str(n), "--json", "--linger", "30"] + extra.split()
    with open(log, "w") as err:
        p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=err, text=True)
        res, out = None, ""
        end = time.time() + timeout
        try:
            for line in p.stdout:
                out += line
                if line.startswith("{"):
                    res = json.loads(line)
                    break
                if time.time() > end:
                    break
        finally:
            lrnet.check_clean_exit(tap, server, "linerate (%s)" % name)
            try:
                out += p.communicate(timeout=60)[0]
            except subprocess.TimeoutExpired:
                p.kill()
                out += p.communicate()[0]
    with open(log) as f:
        text = f.read()
    return p.returncode, res, text + out[-2000:]


def check_load(name, code, res, text, n, exact=True):
    tap.diag("%s: %s" % (name, json.dumps(res)[:600] if res else text[-1500:]))
    tap.ok(code == 0 and res is not None, "%s: linerate-load exits 0" % name, text[-3000:])
    tap.ok(res is not None and res["responses_2xx"] == n and res["errors"] == 0,
           "%s: %d events, every one answered 2xx, no errors" % (name, n), text[-3000:])
    if exact:
        tap.ok(res is not None and res["exact"] is True,
               "%s: --expect-exact: /stats matches exactly" % name, text[-3000:])
    m = re.search(r"exit: mbufs in use (\d+) of", text)
    tap.ok(m is not None and m.group(1) == "0",
           "%s: linerate-load: every mbuf back in the pool at exit" % name, text[-2000:])


def memif_case(name, n, extra, lcores=None, url="http://10.89.0.2:8080"):
    """A fresh linerate (memif server) and one linerate-load run against it.
    lcores: (server, client) data lcores; memif pairs queue i of one side
    with queue i of the other, so both sides need as many lcores."""
    sock = "/run/linerate/test-%s-%s.sock" % (TAG, name)

    def edit(c, role, main):
        c["port"].update(memif_socket=sock)
        c["ctl"].update(socket="/run/linerate/test-%s-%s-%s.sock" % (TAG, name, role))
        if lcores:
            c.update(lcores=lcores[0 if role == "srv" else 1], main_lcore=main)
    srv_cfg = config("memif-server.json", os.path.join(LOGS, "%s-%s-server.json" % (TAG, name)),
                     lambda c: edit(c, "srv", 0))
    cli_cfg = config("memif-client.json", os.path.join(LOGS, "%s-%s-client.json" % (TAG, name)),
                     lambda c: edit(c, "cli", 1))
    app = lrnet.Appliance("--ip", "10.89.0.2/24", name="memif-srv-%s" % name, config=srv_cfg)
    try:
        app.wait_ready()
    except RuntimeError:
        lrnet.check_clean_exit(tap, app, "linerate (%s)" % name)
        raise
    t0 = time.time()
    code, res, text = run_load_memif(name, cli_cfg, url, n,
                                     "--reset --expect-exact " + extra, app)
    tap.diag("%s run: %.1f s" % (name, time.time() - t0))
    check_load(name, code, res, text, n)
    try:
        os.unlink(sock)
    except OSError:
        pass
    return res, text


CASES = os.environ.get("LR_LOAD_CASES", "memif,memif-cpr,memif-lcores,memif-v6,memif-kill,veth,"
                       "veth-loss,nginx").split(",")

# 1. memif: two processes, no kernel in the path.
if "memif" in CASES:
    memif_case("memif", EVENTS, "--conns 16 --depth 16")

# 1b. A connection per request: our FIN first, so the TIME_WAIT is ours, and
# every port comes back through tcp_connect's TIME_WAIT reuse (28232 ports
# in the default range, so 1M connections go round them more than 35 times).
if "memif-cpr" in CASES:
    res, text = memif_case("memif-cpr", EVENTS, "--conns 16 --conn-per-request")
    tap.ok(res is not None and res["connects"] >= EVENTS,
           "memif-cpr: a connection per request (%s connections for %d events)"
           % (res and res["connects"], EVENTS), text[-2000:])
    m = re.search(r"lcore \d+ counters:.*", text)
    reused = re.search(r"tcp_timewait_reopened=(\d+)", m.group(0)) if m else None
    tap.ok(EVENTS < 28232 or (reused is not None and int(reused.group(1)) > 0),
           "memif-cpr: ports came back from our own TIME_WAIT (%s)"
           % (reused and reused.group(1)), text[-2000:])

# 1c. Two lcores on each side (memif queue pairs 0 and 1): each client lcore
# its own connections and ports, histograms and user bitmaps merged.
if "memif-lcores" in CASES:
    n = min(EVENTS, LCORE_EVENTS)
    res, text = memif_case("memif-lcores", n, "--conns 16 --depth 4", lcores=([1, 0], [0, 1]))
    per = re.findall(r"lcore \d+ counters:.*?tcp_connect=(\d+)", text)
    tap.ok(len(per) == 2 and all(int(x) > 0 for x in per),
           "memif-lcores: both client lcores opened connections (%s)" % per, text[-2000:])

# 1c'. The same over IPv6 (the shipped memif configs carry fd00:89::1 and ::2):
# linerate-load opens with tcp_connect6, resolves the server by Neighbour
# Discovery, and every event is counted once.
if "memif-v6" in CASES:
    n = min(EVENTS, LCORE_EVENTS)
    res, text = memif_case("memif-v6", n, "--conns 16 --depth 16",
                           url="http://[fd00:89::2]:8080")
    m = re.search(r"lcore \d+ counters:.*", text)
    v6 = re.search(r"tcp_conns_v6=(\d+)", m.group(0)) if m else None
    tap.ok(v6 is not None and int(v6.group(1)) >= 16,
           "memif-v6: the client's connections were IPv6 (tcp_conns_v6=%s)"
           % (v6 and v6.group(1)), text[-2000:])

# 1d. A client that vanishes (SIGKILL mid-run, its memif rings gone under
# the server's lcore) five times: the server survives each and still answers
# exactly afterwards (docs/LOAD.md, "Teardown").
if "memif-kill" in CASES:
    name = "memif-kill"
    sock = "/run/linerate/test-%s-%s.sock" % (TAG, name)
    srv_cfg = config("memif-server.json", os.path.join(LOGS, "%s-%s-server.json" % (TAG, name)),
                     lambda c: (c["port"].update(memif_socket=sock),
                                c["ctl"].update(socket="/run/linerate/test-%s-ks.sock" % TAG)))
    cli_cfg = config("memif-client.json", os.path.join(LOGS, "%s-%s-client.json" % (TAG, name)),
                     lambda c: (c["port"].update(memif_socket=sock),
                                c["ctl"].update(socket="/run/linerate/test-%s-kc.sock" % TAG)))
    app = lrnet.Appliance("--ip", "10.89.0.2/24", name="memif-srv-%s" % name, config=srv_cfg)
    app.wait_ready()
    killed = 0
    for i in range(5):
        log = os.path.join(LOGS, "linerate-load-%s-%d.log" % (name, i))
        with open(log, "w") as err:
            p = subprocess.Popen([LOAD, "-c", cli_cfg, "--file-prefix", "lrtest-%s-%d-%s" % (
                name, i, TAG), "--url", "http://10.89.0.2:8080", "--duration", "30",
                "--conns", "16", "--depth", "16"], stdout=subprocess.DEVNULL, stderr=err)
        # Kill it while requests flow both ways: after its first progress line.
        end = time.time() + 20
        while time.time() < end and p.poll() is None:
            with open(log) as f:
                if " req/s, " in f.read():
                    break
            time.sleep(0.05)
        time.sleep(0.2 * i)
        if p.poll() is None:
            p.kill()
            killed += 1
        p.wait()
        time.sleep(0.5)
        tap.ok(app.alive(), "%s: linerate alive after client %d was killed (-9) mid-run"
               % (name, i + 1), app.text()[-2000:])
        if not app.alive():
            break
    tap.ok(killed == 5, "%s: all five clients were killed mid-run (%d)" % (name, killed))
    t0 = time.time()
    code, res, text = run_load_memif(name, cli_cfg, "http://10.89.0.2:8080", LCORE_EVENTS,
                                     "--reset --expect-exact --conns 16 --depth 16", app)
    check_load(name + " after the kills", code, res, text, LCORE_EVENTS)
    try:
        os.unlink(sock)
    except OSError:
        pass

NFT_LOSS = """
table bridge lrload {
    chain in {
        type filter hook input priority 0; policy accept;
        ether type ip ip saddr %(ip)s tcp sport %(port)d numgen random mod 100 < %(pct)d counter drop
    }
    chain out {
        type filter hook output priority 0; policy accept;
        ether type ip ip daddr %(ip)s tcp dport %(port)d numgen random mod 100 < %(pct)d counter drop
    }
}
"""


def loss_case(cfg_for):
    """5%% loss each way, nftables in the client namespace. linerate-load's
    af_packet socket sees frames before any hook on the device it is bound
    to (and with qdisc_bypass sends past the egress hooks), so it binds to a
    bridge lrbr0 in the namespace with lr-c0 as its port: the bridge
    family's input and output hooks then sit between the generator and the
    wire, both ways."""
    br = "lrbr0"
    for cmd in ("ip link add %s type bridge" % br, "ip link set %s master %s" % (lrnet.CIF, br),
                "ip link set %s up" % br):
        in_ns(cmd, cpu=None)
    path = os.path.join(LOGS, "%s-loss.nft" % TAG)
    with open(path, "w") as f:
        f.write(NFT_LOSS % {"ip": lrnet.APPLIANCE_IP, "port": lrnet.HTTP_PORT, "pct": 5})
    try:
        r = in_ns("nft -f %s" % path, check=False, cpu=None)
        tap.ok(r.returncode == 0, "veth-loss: nft bridge loss rules (5% each way) load", r.stdout)
        code, res, text = run_load("veth-loss", cfg_for(br), "http://%s:%d" % (
            lrnet.APPLIANCE_IP, lrnet.HTTP_PORT), LOSS_EVENTS,
            "--conns 64 --depth 8 --reset --expect-exact", ns=True, timeout=600)
        r = in_ns("nft list table bridge lrload", check=False, cpu=None)
        drops = [int(x) for x in re.findall(r"counter packets (\d+)", r.stdout)]
        tap.diag("veth-loss: nft drops (in, out) %s" % drops)
        tap.ok(len(drops) == 2 and drops[0] > 0 and drops[1] > 0,
               "veth-loss: loss really injected both ways", r.stdout)
        check_load("veth-loss", code, res, text, LOSS_EVENTS)
        tap.ok(res is not None and res["uncertain"] == 0,
               "veth-loss: no request of unknown fate (TCP retransmitted every loss)",
               text[-2000:])
    finally:
        in_ns("nft delete table bridge lrload", check=False, cpu=None)
        in_ns("ip link set %s nomaster" % lrnet.CIF, check=False, cpu=None)
        in_ns("ip link del %s" % br, check=False, cpu=None)


# 2. veth: linerate-load on the client side of the topology (af_packet).
lrnet.veth_up()
ctl = "/run/linerate/test-%s-veth.sock" % TAG
srv_cfg = config("veth.json", os.path.join(LOGS, "%s-veth-server.json" % TAG),
                 lambda c: c["ctl"].update(socket=ctl))


def cli_cfg_for(iface):
    return config("veth.json", os.path.join(LOGS, "%s-veth-client-%s.json" % (TAG, iface)),
                  lambda c: (c["port"].update(iface=iface),
                             c["ip"].update(address=LOAD_IP + "/24"),
                             c.update(lcores=[0], main_lcore=1),
                             c["idle"].update(enabled=False),
                             c["ctl"].update(socket="/run/linerate/test-%s-vcli.sock" % TAG)))


cli_cfg = cli_cfg_for(lrnet.CIF)
try:
    if "veth" in CASES or "veth-loss" in CASES:
        app = lrnet.Appliance(name="load-veth", config=srv_cfg)
        try:
            app.wait_ready()
            if "veth" in CASES:
                code, res, text = run_load("veth", cli_cfg, "http://%s:%d" % (
                    lrnet.APPLIANCE_IP, lrnet.HTTP_PORT), EVENTS,
                    "--conns 16 --depth 16 --reset --expect-exact", ns=True)
                check_load("veth", code, res, text, EVENTS)
            if "veth-loss" in CASES:
                loss_case(cli_cfg_for)
        finally:
            lrnet.check_clean_exit(tap, app, "linerate (veth)")

    # 3. nginx (kernel TCP, `return 200`) on the same veth: interop.
    if "nginx" not in CASES:
        pass
    elif NGINX is None:
        tap.skip("linerate-load against nginx", "nginx not installed")
    else:
        ndir = os.path.join(LOGS, "%s-nginx" % TAG)
        os.makedirs(ndir, exist_ok=True)
        with open(os.path.join(lrnet.ROOT, "tests", "bench", "nginx.conf")) as f:
            conf = f.read().replace("@DIR@", ndir).replace("@ADDR@", NGX_IP).replace(
                "@PORT@", str(lrnet.HTTP_PORT))
        with open(os.path.join(ndir, "nginx.conf"), "w") as f:
            f.write(conf)
        lrnet.sh(["ip", "addr", "add", NGX_IP + "/24", "dev", lrnet.AIF])
        ngx = subprocess.Popen(["taskset", "-c", "1", NGINX, "-c", os.path.join(ndir, "nginx.conf"),
                                "-p", ndir, "-e", os.path.join(ndir, "error.log")],
                               stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        try:
            for _ in range(50):
                r = in_ns("curl -s -m 2 -o /dev/null -w %%{http_code} http://%s:%d/" %
                          (NGX_IP, lrnet.HTTP_PORT), check=False)
                if r.stdout.strip() == "200":
                    break
                time.sleep(0.1)
            code, res, text = run_load("nginx", cli_cfg, "http://%s:%d" % (NGX_IP, lrnet.HTTP_PORT),
                                       NGX_EVENTS, "--conns 16 --depth 4", ns=True)
            check_load("nginx", code, res, text, NGX_EVENTS, exact=False)
        finally:
            ngx.terminate()
            try:
                ngx.wait(timeout=10)
            except subprocess.TimeoutExpired:
                ngx.kill()
                ngx.wait()
            lrnet.sh(["ip", "addr", "del", NGX_IP + "/24", "dev", lrnet.AIF], check=False)
finally:
    lrnet.veth_down()
tap.done()
