#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# tests/bench/run.sh: the `make bench` driver (tests/bench/bench.py does the work).
#
# Usage: tests/bench/run.sh [BUILD]      (make bench passes $(BUILD))
#
# Stack cost (callgrind Ir + TSC cycles per request), end to end against
# nginx on the veth topology (root; skipped loudly otherwise), scale and the
# line-rate projection; one table at the end and BUILD/bench/results.json.
# No timed assertions: exit status is 0 unless a step broke.
#
# Environment (defaults: the standard topology of deploy/veth.sh):
#   LR_NS LR_CIF LR_AIF LR_CIP   topology, as deploy/veth.sh takes them
#   LR_AIP                       linerate's address (default .2 of LR_CIP's net)
#   LR_NGX_IP                    nginx's kernel address on LR_AIF (default .3)
#   LR_BENCH_ONLY=stack,e2e,memif,loss,cluster,scale,project   sections (default all)
#   LR_BENCH_ROUNDS=2  LR_BENCH_REPS=3      A/B alternations, native repeats
#   LR_BENCH_QUICK=1                        short runs while developing
set -euo pipefail

BUILD=${1:-build}
here=$(cd "$(dirname "$0")" && pwd)
PY=/usr/bin/python3
[ -x "$PY" ] || PY=$(command -v python3)

if [ ! -x "$BUILD/tests/bench/stack_cost" ]; then
	echo "run.sh: $BUILD/tests/bench/stack_cost not built: make BUILD=$BUILD all bench-bins" >&2
	exit 1
fi
exec "$PY" "$here/bench.py" "$BUILD"
