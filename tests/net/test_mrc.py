# SPDX-License-Identifier: BSD-3-Clause
"""test_mrc: the One Million Request Challenge end to end, exact /stats."""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lrnet  # noqa: E402
from lrnet import Tap, in_ns  # noqa: E402

lrnet.require_root_and_tools("ip", "curl")
CLIENT = os.path.join(lrnet.BUILD, "tests", "tools", "mrc-client")
if not os.path.exists(CLIENT):
    lrnet.skip_all("%s not built (make)" % CLIENT)
tap = Tap()
URL = "http://%s:%d" % (lrnet.APPLIANCE_IP, lrnet.HTTP_PORT)
EVENTS = int(os.environ.get("LR_MRC_EVENTS", "1000000"))

lrnet.veth_up()
app = lrnet.Appliance(name="mrc")
try:
    app.wait_ready()
    in_ns("ping -c 1 -W 2 %s" % lrnet.APPLIANCE_IP, check=False)
    r = in_ns("%s -n %d -c 64 -d 16 -u 75000 --reset --expect-exact --json %s" % (CLIENT, EVENTS, URL),
              check=False, timeout=900)
    tap.diag(r.stdout[-1500:])
    tap.ok(r.returncode == 0, "mrc-client: %d events, every one acknowledged, /stats exact" % EVENTS, r.stdout[-3000:])
    st = json.loads(in_ns("curl -s -m 10 %s/stats" % URL).stdout)
    exp_sum = sum((i % 1000) + 0.5 for i in range(EVENTS)) if EVENTS != 1000000 else 500000000.0
    tap.ok(st["totalRequests"] == EVENTS, "totalRequests == %d" % EVENTS, st)
    tap.ok(st["uniqueUsers"] == min(EVENTS, 75000), "uniqueUsers == %d" % min(EVENTS, 75000), st)
    tap.ok(st["sum"] == exp_sum, "sum == %s exactly" % exp_sum, st)
    tap.ok(st["avg"] == exp_sum / EVENTS, "avg == %s" % (exp_sum / EVENTS), st)

    # A client written for the public challenge, unchanged: Python httpx.
    script = os.path.join(lrnet.BUILD, "test-logs", "httpx_client.py")
    with open(script, "w") as f:
        f.write("""
import httpx, sys
url = sys.argv[1]
with httpx.Client(base_url=url, timeout=10) as c:
    assert c.post("/reset").status_code == 200
    for i in range(2000):
        r = c.post("/event", json={"userId": "user_%d" % (i % 100), "value": i % 1000 + 0.5})
        assert r.status_code == 200, r
    s = c.get("/stats").json()
    assert s == {"totalRequests": 2000, "uniqueUsers": 100, "sum": sum(i % 1000 + 0.5 for i in range(2000)),
                 "avg": sum(i % 1000 + 0.5 for i in range(2000)) / 2000}, s
    print("httpx ok", s)
""")
    r = in_ns("/usr/bin/python3 %s %s" % (script, URL), check=False, timeout=120)
    tap.ok(r.returncode == 0 and "httpx ok" in r.stdout, "a Python httpx 1MRC client works unchanged", r.stdout[-2000:])
finally:
    lrnet.check_clean_exit(tap, app)
    lrnet.veth_down()
tap.ok(app.counter("tcp_retransmits") >= 0, "counters reported at exit", app.counters)
tap.done()
