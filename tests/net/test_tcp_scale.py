# SPDX-License-Identifier: BSD-3-Clause
"""test_tcp_scale: 10,000 concurrent keep-alive connections held and served."""
import json
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lrnet  # noqa: E402
from lrnet import Tap, sh  # noqa: E402

lrnet.require_root_and_tools("ip")
N = int(os.environ.get("LR_SCALE_CONNS", "10000"))
CTL = os.path.join(lrnet.BUILD, "linerate-ctl")
tap = Tap()

CLIENT = r'''
import asyncio, resource, sys
N = int(sys.argv[3])
resource.setrlimit(resource.RLIMIT_NOFILE, (N + 1000, N + 1000))
REQ = b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n"

async def one(host, port):
    r, w = await asyncio.open_connection(host, port)
    w.write(REQ)
    await w.drain()
    head = await r.readuntil(b"\r\n\r\n")
    body = await r.readexactly(int(head.split(b"Content-Length: ")[1].split(b"\r\n")[0]))
    assert head.startswith(b"HTTP/1.1 200") and b"healthy" in body
    return r, w

async def again(rw):
    r, w = rw
    w.write(REQ)
    await w.drain()
    head = await r.readuntil(b"\r\n\r\n")
    await r.readexactly(int(head.split(b"Content-Length: ")[1].split(b"\r\n")[0]))
    return head.startswith(b"HTTP/1.1 200")

async def main():
    host, port = sys.argv[1], int(sys.argv[2])
    conns = []
    for i in range(0, N, 500):
        conns += await asyncio.gather(*(one(host, port) for _ in range(min(500, N - i))))
    print("HELD %d" % len(conns), flush=True)
    sys.stdin.readline()          # the test checks the appliance meanwhile
    ok = 0
    for i in range(0, N, 1000):
        ok += sum(await asyncio.gather(*(again(c) for c in conns[i:i + 1000])))
    print("SERVED AGAIN %d" % ok, flush=True)
    for r, w in conns:
        w.close()
    await asyncio.sleep(0.5)

asyncio.run(main())
'''

lrnet.veth_up()
app = lrnet.Appliance(name="scale")
try:
    app.wait_ready()
    lrnet.in_ns("ping -c 1 -W 2 %s" % lrnet.APPLIANCE_IP, check=False)
    path = os.path.join(lrnet.BUILD, "test-logs", "scale_client.py")
    with open(path, "w") as f:
        f.write(CLIENT)
    p = subprocess.Popen(["ip", "netns", "exec", lrnet.NS, "taskset", "-c", lrnet.CLIENT_CPU,
                          "/usr/bin/python3", path, lrnet.APPLIANCE_IP, str(lrnet.HTTP_PORT), str(N)],
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    line = ""
    end = time.time() + 240
    while time.time() < end and not line.startswith("HELD") and p.poll() is None:
        line = p.stdout.readline()
    tap.ok(line.strip() == "HELD %d" % N, "%d connections opened, each answered once" % N, line + (p.stdout.read() if p.poll() is not None else ""))
    r = sh("%s conns --json" % CTL, check=False)
    est = json.loads(r.stdout)["total"]["ESTABLISHED"] if r.returncode == 0 else -1
    tap.ok(est >= N, "linerate holds %d established connections (conns: %s)" % (N, est), r.stdout[:1500])
    p.stdin.write("\n")
    p.stdin.flush()
    out, _ = p.communicate(timeout=240)
    tap.ok("SERVED AGAIN %d" % N in out, "every held connection served a second request", out[-1500:])
    time.sleep(2)
    r = sh("%s conns --json" % CTL, check=False)
    tot = json.loads(r.stdout)["total"] if r.returncode == 0 else {}
    tap.ok(tot.get("ESTABLISHED", -1) == 0 and tot.get("http", -1) == 0,
           "all connections closed afterwards (no leak)", r.stdout[:1500])
finally:
    lrnet.check_clean_exit(tap, app)
    lrnet.veth_down()
tap.done()
