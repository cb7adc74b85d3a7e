# SPDX-License-Identifier: BSD-3-Clause
"""lrnet: shared helpers for network tests (topology, appliance, TAP output).

Every network test is a plain /usr/bin/python3 script that prints TAP
("ok N - name" / "not ok N - name") and exits 0 only if all passed, or 77
(skip, with a reason) when it cannot run here (not root, tool missing).
"""
import os
import re
import signal
import shutil
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.environ.get("LR_BUILD", os.path.join(ROOT, "build"))
NS = os.environ.get("LR_NS", "lr-client")
CIF = os.environ.get("LR_CIF", "lr-c0")
AIF = os.environ.get("LR_AIF", "lr-a0")
CLIENT_IP = os.environ.get("LR_CLIENT_IP", "10.88.0.1")
APPLIANCE_IP = os.environ.get("LR_APPLIANCE_IP", "10.88.0.2")
HTTP_PORT = int(os.environ.get("LR_HTTP_PORT", "8080"))
# With 2 cores: the appliance's data lcore polls core 1, clients use core 0.
CLIENT_CPU = os.environ.get("LR_CLIENT_CPU", "0")


class Tap:
    """Minimal TAP producer: numbered results, diagnostics, final exit code."""

    def __init__(self):
        self.n = 0
        self.failed = 0

    def ok(self, cond, name, diag=""):
        self.n += 1
        print(("ok %d - %s" if cond else "not ok %d - %s") % (self.n, name), flush=True)
        if not cond:
            self.failed += 1
            for line in str(diag).splitlines()[:30]:
                print("# " + line, flush=True)
        return cond

    def skip(self, name, why):
        self.n += 1
        print("ok %d - %s # SKIP %s" % (self.n, name, why), flush=True)

    def diag(self, msg):
        for line in str(msg).splitlines():
            print("# " + line, flush=True)

    def done(self):
        print("1..%d" % self.n, flush=True)
        sys.exit(1 if self.failed else 0)


def skip_all(why):
    print("# SKIP %s" % why, flush=True)
    sys.exit(77)


def require_root_and_tools(*tools):
    if os.geteuid() != 0:
        skip_all("network tests need root (network namespaces, veth, DPDK af_packet)")
    for t in tools:
        if shutil.which(t) is None:
            skip_all("%s not installed (deploy/install-deps.sh installs it)" % t)
    if not os.path.exists(os.path.join(BUILD, "linerate")):
        skip_all("%s/linerate not built (make)" % BUILD)


def sh(cmd, check=True, timeout=120, **kw):
    return subprocess.run(cmd, shell=isinstance(cmd, str), check=check, timeout=timeout,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, **kw)


def in_ns(cmd, check=True, timeout=120, cpu=CLIENT_CPU):
    """Run a shell command inside the client namespace, pinned to the client core."""
    pin = "taskset -c %s " % cpu if cpu is not None else ""
    return sh("ip netns exec %s %s%s" % (NS, pin, cmd), check=check, timeout=timeout)


def veth_up(queues=1):
    env = dict(os.environ, LR_QUEUES=str(queues))
    subprocess.run([os.path.join(ROOT, "deploy", "veth.sh"), "up"], check=True, env=env,
                   stdout=subprocess.DEVNULL)


def veth_down():
    subprocess.run([os.path.join(ROOT, "deploy", "veth.sh"), "down"], check=False,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


class Appliance:
    """linerate in the background on the test topology; stop() checks a clean exit."""

    def __init__(self, *args, name="net", config=None):
        self.log_path = os.path.join(BUILD, "test-logs", "linerate-%s.log" % name)
        os.makedirs(os.path.dirname(self.log_path), exist_ok=True)
        cmd = [os.path.join(BUILD, "linerate"), "--file-prefix", "lrtest-%s-%d" % (name, os.getpid())]
        if config:
            cmd += ["-c", config]
        if AIF != "lr-a0":
            cmd += ["--iface", AIF, "--ip", APPLIANCE_IP + "/24"]
        cmd += list(args)
        self.cmd = cmd
        self.log = open(self.log_path, "w")
        self.proc = subprocess.Popen(cmd, stdout=self.log, stderr=subprocess.STDOUT)
        self.exit_code = None
        self.counters = {}
        self.mbufs_in_use = None

    def wait_ready(self, timeout=30):
        end = time.time() + timeout
        while time.time() < end:
            if self.proc.poll() is not None:
                raise RuntimeError("linerate exited early (%s):\n%s" % (self.proc.returncode, self.text()))
            if "linerate: ready:" in self.text():
                return True
            time.sleep(0.1)
        raise RuntimeError("linerate not ready after %ds:\n%s" % (timeout, self.text()))

    def text(self):
        with open(self.log_path) as f:
            return f.read()

    def alive(self):
        return self.proc.poll() is None

    def stop(self, sig=signal.SIGTERM, timeout=30):
        """Signal, wait, parse the exit report (counters, mbufs in use)."""
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.exit_code = self.proc.returncode
        self.log.close()
        text = self.text()
        for m in re.finditer(r"lcore (\d+) counters:(.*)", text):
            for kv in m.group(2).split():
                if "=" in kv:
                    k, v = kv.split("=", 1)
                    self.counters[k] = self.counters.get(k, 0) + int(v)
        m = re.search(r"exit: mbufs in use (\d+) of (\d+)", text)
        self.mbufs_in_use = int(m.group(1)) if m else None
        return self.exit_code

    def counter(self, name):
        return self.counters.get(name, 0)


def check_clean_exit(tap, app, what="linerate"):
    """The shared leak check every network test ends with."""
    code = app.stop()
    tap.ok(code == 0, "%s exits 0 on SIGTERM" % what, "exit code %s\n%s" % (code, app.text()[-2000:]))
    tap.ok(app.mbufs_in_use == 0, "%s: every mbuf back in the pool at exit" % what,
           "mbufs in use: %s" % app.mbufs_in_use)
