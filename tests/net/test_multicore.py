# SPDX-License-Identifier: BSD-3-Clause
"""test_multicore: two data lcores (one queue each), exact 1MRC totals, both serving."""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lrnet  # noqa: E402
from lrnet import Tap, in_ns, sh  # noqa: E402

lrnet.require_root_and_tools("ip", "curl")
CLIENT = os.path.join(lrnet.BUILD, "tests", "tools", "mrc-client")
CTL = os.path.join(lrnet.BUILD, "linerate-ctl")
tap = Tap()
URL = "http://%s:%d" % (lrnet.APPLIANCE_IP, lrnet.HTTP_PORT)

# On a 2-core machine: data lcores on CPUs 0 and 1, the control plane
# shares CPU 0 under a spare lcore id; idle backoff (the default config)
# lets the client run beside them.
lrnet.veth_up(queues=2)
app = lrnet.Appliance("--lcores", "0,1", name="multicore")
try:
    app.wait_ready()
    tap.ok("2 data lcore(s)" in app.text(), "linerate starts with 2 data lcores", app.text()[-800:])
    in_ns("ping -c 1 -W 2 %s" % lrnet.APPLIANCE_IP, check=False)
    r = in_ns("%s -n 200000 -c 64 -d 16 -u 75000 --reset --expect-exact --json %s" % (CLIENT, URL),
              check=False, timeout=600, cpu=None)
    tap.diag(r.stdout[-800:])
    tap.ok(r.returncode == 0 and "EXACT OK" in r.stdout, "200,000 events over 64 connections, /stats exact", r.stdout[-2000:])
    st = json.loads(in_ns("curl -s -m 10 %s/stats" % URL).stdout)
    tap.ok(st == {"totalRequests": 200000, "uniqueUsers": 75000, "sum": 100000000, "avg": 500},
           "totals summed over lcores are exact", st)
    out = sh("%s lcores --json" % CTL, check=False)
    lc = json.loads(out.stdout)["lcores"] if out.returncode == 0 else []
    served = [l.get("http_requests", 0) for l in lc]
    tap.ok(len(served) == 2 and all(n > 1000 for n in served),
           "both lcores served requests (%s)" % served, out.stdout[:2000])
    tap.ok(sum(served) >= 200000, "per-lcore request counters add up", served)
finally:
    lrnet.check_clean_exit(tap, app)
    lrnet.veth_down()
tap.done()
