#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# tests/run.sh: every test stage in order; ends with "N passed, M failed".
#
#   tests/run.sh [BUILD]          (make test calls it with build/)
#   ONLY=regex tests/run.sh       run only the test programs matching regex
#   STAGES="unit net" ...         choose stages (default: unit fuzz fuzz-bounded deploy net);
#                                 unit = the unit programs and tests/layers.sh
#                                 (what `make check` runs)
#   FUZZ_SECONDS=N ...            libFuzzer time per target in the
#                                 fuzz-bounded stage (default 30)
#
# Each test program speaks TAP ("ok N - name", "not ok N - name",
# "ok N - name # SKIP why"); exit 77 with no TAP line means "skipped as a
# whole" and must say why. Network tests need root and skip loudly without.
set -u

BUILD=${1:-build}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT" || exit 1
STAGES=${STAGES:-unit fuzz fuzz-bounded deploy net}
ONLY=${ONLY:-}
LOGDIR=$BUILD/test-logs
mkdir -p "$LOGDIR"
export LR_BUILD=$ROOT/$BUILD

pass=0 fail=0 skip=0
failed=()

# run_tap NAME TIMEOUT CMD...: run one TAP program, add its results.
run_tap() {
	local name=$1 limit=$2
	shift 2
	local log rc p=0 f=0 s=0
	log=$LOGDIR/$(echo "$name" | tr '/ ' '__').log
	printf '=== %s\n' "$name"
	timeout --kill-after=10 "$limit" "$@" >"$log" 2>&1
	rc=$?
	p=$(grep -cE '^ok [0-9]+' "$log" | tr -d ' ')
	s=$(grep -cE '^ok [0-9]+.*# (SKIP|skip)' "$log" | tr -d ' ')
	f=$(grep -cE '^not ok [0-9]+' "$log" | tr -d ' ')
	p=$((p - s))
	grep -E '^(not ok|ok [0-9]+.*# SKIP|# )|SKIP' "$log" | head -40 | sed 's/^/    /'
	if [ "$rc" -eq 77 ] && [ $((p + f)) -eq 0 ]; then
		s=$((s > 0 ? s : 1))
		echo "    SKIPPED: $(grep -m1 -i skip "$log" || echo 'no reason given')"
	elif [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1
		echo "    FAILED: exit code $rc (timeout or crash); last lines of $log:"
		tail -15 "$log" | sed 's/^/      /'
	fi
	[ "$f" -gt 0 ] && failed+=("$name")
	printf '    %d passed, %d failed, %d skipped\n' "$p" "$f" "$s"
	pass=$((pass + p)) fail=$((fail + f)) skip=$((skip + s))
}

selected() {
	[ -z "$ONLY" ] || echo "$1" | grep -qE "$ONLY"
}

for stage in $STAGES; do
	case $stage in
	unit)
		echo "##### unit tests"
		for t in "$BUILD"/tests/unit/test_*; do
			[ -x "$t" ] || continue
			selected "$t" || continue
			CMOCKA_MESSAGE_OUTPUT=TAP run_tap "unit/$(basename "$t")" 600 "$t"
		done
		# The include layer map and the stand-alone rule (no root, no build).
		selected tests/layers.sh && run_tap "unit/layers" 120 bash tests/layers.sh
		;;
	fuzz)
		if [ -x tests/fuzz/replay.sh ]; then
			echo "##### fuzz corpus replay"
			selected fuzz && run_tap "fuzz/replay" 900 tests/fuzz/replay.sh "$BUILD"
		fi
		;;
	deploy)
		echo "##### deployment files"
		selected deploy && run_tap "deploy/check" 600 bash tests/deploy/check.sh
		;;
	fuzz-bounded)
		echo "##### bounded fuzzing (libFuzzer, ${FUZZ_SECONDS:-30} s per target)"
		selected fuzz && run_tap "fuzz/bounded" 1800 tests/fuzz/run-bounded.sh \
			"$BUILD" "${FUZZ_SECONDS:-30}"
		;;
	net)
		echo "##### network tests (veth + namespaces, real clients)"
		for t in tests/net/test_*.py tests/net/test_*.sh; do
			[ -f "$t" ] || continue
			selected "$t" || continue
			if [ "$(id -u)" -ne 0 ]; then
				echo "=== $t"
				echo "    SKIPPED: network tests need root (namespaces, veth, DPDK af_packet)"
				skip=$((skip + 1))
				continue
			fi
			case $t in
			*.py) run_tap "$t" 1500 /usr/bin/python3 "$t" ;;
			*.sh) run_tap "$t" 1500 bash "$t" ;;
			esac
		done
		;;
	*) echo "run.sh: unknown stage $stage" >&2; exit 2 ;;
	esac
done

echo
if [ ${#failed[@]} -gt 0 ]; then
	echo "failed: ${failed[*]} (logs in $LOGDIR)"
fi
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
