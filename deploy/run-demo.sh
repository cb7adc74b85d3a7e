#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# deploy/run-demo.sh: `make run`: veth topology + linerate (embedded default
# config) in the foreground, with a live demo from the client namespace.
#
#   deploy/run-demo.sh [BUILD]      Ctrl-C stops linerate and removes veth
#   DEMO_EXIT=1 ...                 stop after the demo (CI uses this)
#   DEMO_EVENTS=N ...               events in the 1MRC demo (default 1000000)
set -euo pipefail

BUILD=${1:-build}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
NS=lr-client
IP=10.88.0.2
PORT=8080
EVENTS=${DEMO_EVENTS:-1000000}

[ "$(id -u)" -eq 0 ] || { echo "make run needs root (veth, namespaces, DPDK): sudo make run" >&2; exit 1; }

deploy/veth.sh up
LOG=$BUILD/linerate-run.log
mkdir -p "$BUILD"
# The data lcore polls core 1; clients run on core 0.
"$BUILD/linerate" --file-prefix "linerate-run-$$" 2>&1 | tee "$LOG" &
LR_PID=$(pgrep -n -f "linerate-run-$$" || true)

cleanup() {
	trap - INT TERM EXIT
	if [ -n "${LR_PID:-}" ] && kill -0 "$LR_PID" 2>/dev/null; then
		kill -TERM "$LR_PID" 2>/dev/null || true
		for _ in $(seq 50); do kill -0 "$LR_PID" 2>/dev/null || break; sleep 0.1; done
	fi
	wait 2>/dev/null || true
	deploy/veth.sh down
}
trap cleanup INT TERM EXIT

for _ in $(seq 300); do
	grep -q "linerate: ready:" "$LOG" 2>/dev/null && break
	sleep 0.1
done
grep -q "linerate: ready:" "$LOG" || { echo "linerate did not start; see $LOG" >&2; exit 1; }
LR_PID=$(pgrep -n -f "linerate-run-$$")

cat <<TXT

linerate is up at $IP (HTTP port $PORT) on lr-a0; the client side is
network namespace $NS (lr-c0, 10.88.0.1). From another terminal:

  sudo ip netns exec $NS ping $IP
  sudo ip netns exec $NS curl -s http://$IP:$PORT/health
  sudo ip netns exec $NS curl -s http://$IP:$PORT/stats

TXT
echo "--- demo: ping from $NS"
ip netns exec $NS ping -c 3 -i 0.2 $IP
if ip netns exec $NS curl -s -m 2 -o /dev/null "http://$IP:$PORT/health" 2>/dev/null &&
   [ -x "$BUILD/tests/tools/mrc-client" ]; then
	echo "--- demo: One Million Request Challenge, $EVENTS events from $NS"
	ip netns exec $NS taskset -c 0 "$BUILD/tests/tools/mrc-client" -n "$EVENTS" -c 64 -d 16 \
		--reset --progress --expect-exact "http://$IP:$PORT" || true
	echo "--- GET /stats"
	ip netns exec $NS curl -s "http://$IP:$PORT/stats"; echo
fi
if [ "${DEMO_EXIT:-0}" = 1 ]; then
	exit 0
fi
echo "--- linerate keeps running; Ctrl-C stops it and removes the veth pair"
wait
