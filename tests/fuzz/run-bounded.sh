#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# tests/fuzz/run-bounded.sh BUILD SECONDS: run each libFuzzer target
# (BUILD/fuzz-libfuzzer/fuzz_X, built by `make fuzz`) for SECONDS from its
# seed corpus (tests/fuzz/corpus/X/, never written: new inputs go to a
# scratch directory) with its dictionary, and print the executions. TAP.
# A crash leaves its reproducer in BUILD/fuzz-artifacts/ (replay it with
# BUILD/fuzz/fuzz_X FILE) and fails the target.
set -u
BUILD=${1:-build}
SECONDS_EACH=${2:-60}
cd "$(dirname "$0")/../.." || exit 1
ART=$BUILD/fuzz-artifacts
mkdir -p "$ART"
n=0 failed=0
for bin in "$BUILD"/fuzz-libfuzzer/fuzz_*; do
	[ -x "$bin" ] || continue
	name=$(basename "$bin")
	target=${name#fuzz_}
	corpus=tests/fuzz/corpus/$target
	scratch=$(mktemp -d)
	dict=
	case $target in
	mrc_json) [ -f tests/fuzz/json.dict ] && dict=-dict=tests/fuzz/json.dict ;;
	http_parser | http_resp_parser | frames) [ -f tests/fuzz/http.dict ] && dict=-dict=tests/fuzz/http.dict ;;
	esac
	n=$((n + 1))
	log=$ART/$name.log
	# One process, bounded by -max_total_time; timeout is the backstop.
	timeout --kill-after=10 $((SECONDS_EACH + 60)) \
		env ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
		UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
		"$bin" -max_total_time="$SECONDS_EACH" -timeout=10 -rss_limit_mb=2048 \
		-max_len=4096 -print_final_stats=1 -artifact_prefix="$ART/$name-" \
		$dict "$scratch" "$corpus" >"$log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
	cov=$(grep -oE 'cov: [0-9]+' "$log" | tail -1)
	rm -rf "$scratch"
	if [ $rc -eq 0 ]; then
		echo "ok $n - $name: ${execs:-?} executions in ${SECONDS_EACH}s, ${cov:-cov: ?}"
	else
		echo "not ok $n - $name: exit $rc after ${execs:-?} executions (log $log)"
		grep -E 'ERROR|SUMMARY|runtime error|invariant|Test unit written' "$log" |
			head -10 | sed 's/^/# /'
		failed=$((failed + 1))
	fi
done
if [ $n -eq 0 ]; then
	echo "# SKIP no libFuzzer binaries in $BUILD/fuzz-libfuzzer (make fuzz)"
	exit 77
fi
echo "1..$n"
[ $failed -eq 0 ]
