# SPDX-License-Identifier: BSD-3-Clause
"""test_load: build/linerate-load against linerate over memif (no kernel),
against linerate over veth (af_packet), and against nginx (kernel TCP).

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
LOGS = os.path.join(lrnet.BUILD, "test-logs")
TAG = "load-%d" % os.getpid()
MEMIF_SOCK = "/run/linerate/test-%s-memif.sock" % TAG
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


# 1. memif: two processes, no kernel in the path.
srv_cfg = config("memif-server.json", os.path.join(LOGS, "%s-memif-server.json" % TAG),
                 lambda c: (c["port"].update(memif_socket=MEMIF_SOCK),
                            c["ctl"].update(socket="/run/linerate/test-%s-srv.sock" % TAG)))
cli_cfg = config("memif-client.json", os.path.join(LOGS, "%s-memif-client.json" % TAG),
                 lambda c: (c["port"].update(memif_socket=MEMIF_SOCK),
                            c["ctl"].update(socket="/run/linerate/test-%s-cli.sock" % TAG)))
app = lrnet.Appliance("--ip", "10.89.0.2/24", name="load-memif", config=srv_cfg)
try:
    app.wait_ready()
except RuntimeError:
    lrnet.check_clean_exit(tap, app, "linerate (memif)")
    raise
t0 = time.time()
code, res, text = run_load_memif("memif", cli_cfg, "http://10.89.0.2:8080", EVENTS,
                                 "--conns 16 --depth 16 --reset --expect-exact", app)
tap.diag("memif run: %.1f s" % (time.time() - t0))
check_load("memif", code, res, text, EVENTS)
try:
    os.unlink(MEMIF_SOCK)
except OSError:
    pass

# 2. veth: linerate-load on the client side of the topology (af_packet).
lrnet.veth_up()
ctl = "/run/linerate/test-%s-veth.sock" % TAG
srv_cfg = config("veth.json", os.path.join(LOGS, "%s-veth-server.json" % TAG),
                 lambda c: c["ctl"].update(socket=ctl))
cli_cfg = config("veth.json", os.path.join(LOGS, "%s-veth-client.json" % TAG),
                 lambda c: (c["port"].update(iface=lrnet.CIF),
                            c["ip"].update(address=LOAD_IP + "/24"),
                            c.update(lcores=[0], main_lcore=1),
                            c["idle"].update(enabled=False),
                            c["ctl"].update(socket="/run/linerate/test-%s-vcli.sock" % TAG)))
try:
    app = lrnet.Appliance(name="load-veth", config=srv_cfg)
    try:
        app.wait_ready()
        code, res, text = run_load("veth", cli_cfg, "http://%s:%d" % (lrnet.APPLIANCE_IP, lrnet.HTTP_PORT),
                                   EVENTS, "--conns 16 --depth 16 --reset --expect-exact", ns=True)
        check_load("veth", code, res, text, EVENTS)
    finally:
        lrnet.check_clean_exit(tap, app, "linerate (veth)")

    # 3. nginx (kernel TCP, `return 200`) on the same veth: interop.
    if NGINX is None:
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
