# SPDX-License-Identifier: BSD-3-Clause
"""test_http: HTTP/1.1 behaviour with real clients (curl, ab, wrk, h2load, raw sockets)."""
import json
import os
import re
import socket
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lrnet  # noqa: E402
from lrnet import Tap, in_ns  # noqa: E402

lrnet.require_root_and_tools("ip", "curl", "ab", "wrk", "h2load")
tap = Tap()
URL = "http://%s:%d" % (lrnet.APPLIANCE_IP, lrnet.HTTP_PORT)
LOGS = os.path.join(lrnet.BUILD, "test-logs")


def curl(args, check=False):
    return in_ns("curl -s -S -m 10 %s" % args, check=check)


def raw(payload, read_until_close=True, timeout=5):
    """Send raw bytes from the client namespace; return what came back."""
    script = os.path.join(LOGS, "raw_http.py")
    with open(script, "w") as f:
        f.write(
            "import socket,sys\n"
            "s=socket.create_connection((sys.argv[1],int(sys.argv[2])),timeout=%d)\n"
            "s.sendall(open(sys.argv[3],'rb').read())\n"
            "out=b''\n"
            "try:\n"
            "    while True:\n"
            "        b=s.recv(65536)\n"
            "        if not b: break\n"
            "        out+=b\n"
            "except socket.timeout:\n"
            "    out+=b'<timeout>'\n"
            "open(sys.argv[4],'wb').write(out)\n" % timeout)
    data = os.path.join(LOGS, "raw_http.bin")
    with open(data, "wb") as f:
        f.write(payload)
    out = os.path.join(LOGS, "raw_http.out")
    if os.path.exists(out):
        os.unlink(out)
    in_ns("/usr/bin/python3 %s %s %d %s %s" % (script, lrnet.APPLIANCE_IP, lrnet.HTTP_PORT, data, out),
          check=False, timeout=timeout + 10)
    return open(out, "rb").read() if os.path.exists(out) else b"<no output>"


lrnet.veth_up()
app = lrnet.Appliance(name="http")
try:
    app.wait_ready()
    in_ns("ping -c 1 -W 2 %s" % lrnet.APPLIANCE_IP, check=False)

    r = curl("-i %s/health" % URL)
    tap.ok(r.stdout.startswith("HTTP/1.1 200") and '{"status":"healthy"}' in r.stdout
           and "Content-Type: application/json" in r.stdout, "GET /health answers 200 healthy", r.stdout)
    tap.ok(re.search(r"^Date: \w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d GMT", r.stdout, re.M) is not None,
           "responses carry an IMF-fixdate Date header", r.stdout)

    r = curl("-i -X POST -H 'Content-Type: application/json' -d '{\"userId\":\"u1\",\"value\":1.5}' %s/event" % URL)
    tap.ok(r.stdout.startswith("HTTP/1.1 200") and "Content-Length: 0" in r.stdout,
           "POST /event answers 200 with an empty body", r.stdout)

    r = curl("-I %s/stats" % URL)
    tap.ok(r.stdout.startswith("HTTP/1.1 200") and "Content-Length:" in r.stdout, "HEAD /stats answers headers", r.stdout)
    r = raw(b"HEAD /stats HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    tap.ok(r.endswith(b"\r\n\r\n") and b"Content-Length: " in r and b"totalRequests" not in r,
           "HEAD carries Content-Length but no body", r)

    r = curl("-i --http1.0 %s/health" % URL)
    tap.ok(r.stdout.startswith("HTTP/1.0 200") and "healthy" in r.stdout, "HTTP/1.0 request answered in 1.0", r.stdout)
    r = raw(b"GET /health HTTP/1.0\r\n\r\n")
    tap.ok(r.startswith(b"HTTP/1.0 200") and r.count(b"HTTP/1.") == 1, "HTTP/1.0 without keep-alive is closed after one answer", r)
    r = raw(b"GET /health HTTP/1.0\r\nConnection: keep-alive\r\n\r\nGET /health HTTP/1.0\r\n\r\n")
    tap.ok(r.count(b"HTTP/1.0 200") == 2 and b"Connection: keep-alive" in r, "HTTP/1.0 keep-alive honoured", r)

    r = curl("-v -H 'Expect: 100-continue' -H 'Content-Type: application/json' "
             "-d '{\"userId\":\"u2\",\"value\":2.5}' %s/event" % URL)
    tap.ok("HTTP/1.1 100 Continue" in r.stdout and "HTTP/1.1 200" in r.stdout, "Expect: 100-continue gets 100 then 200", r.stdout)
    r = raw(b"POST /nope HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 10\r\n\r\n", timeout=3)
    tap.ok(r.startswith(b"HTTP/1.1 404") and b"100 Continue" not in r, "Expect on an unknown path: final 404 without reading the body", r)

    r = in_ns("sh -c \"printf '{\\\"userId\\\":\\\"u3\\\",\\\"value\\\":3.5}' | curl -s -i -m 10 -H 'Transfer-Encoding: chunked' "
              "-H 'Content-Type: application/json' --data-binary @- %s/event\"" % URL, check=False)
    tap.ok(r.stdout.startswith("HTTP/1.1 200"), "chunked request body accepted", r.stdout)
    r = raw(b"POST /event HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
            b"5\r\n{\"use\r\n%x;ext=1\r\n%s\r\n0\r\nX-Trailer: y\r\n\r\n" % (len(b'rId":"u4","value":4.5}'), b'rId":"u4","value":4.5}'))
    tap.ok(r.startswith(b"HTTP/1.1 200"), "chunked body with extension and trailer decoded", r)

    r = curl("-v %s/health %s/stats" % (URL, URL))
    tap.ok("Re-using existing connection" in r.stdout or "Connection #0 to host %s left intact" % lrnet.APPLIANCE_IP in r.stdout,
           "keep-alive: curl reuses the connection", r.stdout[-1500:])

    reqs = b"".join(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n" for _ in range(99))
    reqs += b"GET /stats HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    r = raw(reqs)
    tap.ok(r.count(b"HTTP/1.1 200") == 100 and r.rstrip().endswith(b"}") and r.rfind(b"totalRequests") > r.rfind(b"healthy"),
           "100 pipelined requests answered in order", r[-300:])

    # Errors (docs/API.md "Errors common to all routes")
    r = curl("-i %s/nope" % URL)
    tap.ok(r.stdout.startswith("HTTP/1.1 404") and '"error"' in r.stdout, "unknown path: 404 JSON error", r.stdout)
    r = curl("-i -X DELETE %s/event" % URL)
    tap.ok(r.stdout.startswith("HTTP/1.1 405") and "Allow: POST" in r.stdout, "wrong method: 405 with Allow", r.stdout)
    for body, what in (("{bad", "malformed JSON"), ('{"value":1}', "missing userId"), ('{"userId":"","value":1}', "empty userId"),
                       ('{"userId":"u","value":"1"}', "value not a number"), ('{"userId":"u"}', "missing value")):
        r = curl("-i -X POST -d '%s' %s/event" % (body, URL))
        tap.ok(r.stdout.startswith("HTTP/1.1 400") and '{"error":' in r.stdout, "POST /event with %s: 400 JSON error" % what, r.stdout)
    cases = [
        (b"GET /health HTTP/1.1\r\n\r\n", b"400", "missing Host on 1.1: 400"),
        (b"POST /event HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", b"400", "Content-Length with Transfer-Encoding: 400"),
        (b"POST /event HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n", b"400", "bad Content-Length: 400"),
        (b"GET /health HTTP/1.1\r\nHost : x\r\n\r\n", b"400", "space before colon: 400"),
        (b"GET /health HTTP/1.1\r\nHost: x\rY: z\r\n\r\n", b"400", "bare CR: 400"),
        (b"GET /" + b"a" * 9000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", b"414", "request line too long: 414"),
        (b"GET /health HTTP/1.1\r\nHost: x\r\n" + b"X-Big: " + b"b" * 20000 + b"\r\n\r\n", b"431", "headers too large: 431"),
        (b"POST /event HTTP/1.1\r\nHost: x\r\nContent-Length: 2000000\r\n\r\n", b"413", "body too large: 413"),
    ]
    for payload, code, name in cases:
        r = raw(payload)
        tap.ok(r.startswith(b"HTTP/1.1 " + code) and b"Connection: close" in r and not r.endswith(b"<timeout>"),
               name + " and close", r[:300])

    # Load with real benchmark clients: every answer 2xx.
    r = in_ns("ab -k -q -n 20000 -c 16 %s/health" % URL, check=False, timeout=120)
    tap.ok(re.search(r"Complete requests:\s+20000", r.stdout) and re.search(r"Failed requests:\s+0", r.stdout)
           and "Non-2xx" not in r.stdout, "ab -k: 20000 requests, all 2xx", r.stdout[-1500:])
    r = in_ns("ab -q -n 2000 -c 8 %s/health" % URL, check=False, timeout=120)
    tap.ok(re.search(r"Complete requests:\s+2000", r.stdout) and re.search(r"Failed requests:\s+0", r.stdout),
           "ab without keep-alive: 2000 connections, all answered", r.stdout[-1500:])
    lua = os.path.join(lrnet.ROOT, "tests", "bench", "event.lua")
    r = in_ns("wrk -t1 -c32 -d3s -s %s %s/event" % (lua, URL), check=False, timeout=60)
    m = re.search(r"(\d+) requests in", r.stdout)
    tap.ok(m and int(m.group(1)) > 1000 and "Non-2xx" not in r.stdout and "Socket errors" not in r.stdout,
           "wrk POST /event script: no errors, no non-2xx", r.stdout)
    r = in_ns("h2load --h1 -n 20000 -c 8 -m 16 %s/health" % URL, check=False, timeout=120)
    tap.ok("20000 succeeded" in r.stdout and "0 failed" in r.stdout and "0 errored" in r.stdout,
           "h2load --h1 pipelined (-m 16): 20000 succeeded", r.stdout[-1500:])
finally:
    lrnet.check_clean_exit(tap, app)
    lrnet.veth_down()
tap.done()
