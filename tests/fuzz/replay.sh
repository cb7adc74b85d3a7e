#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# tests/fuzz/replay.sh BUILD: replay each fuzz target's regression corpus
# (tests/fuzz/corpus/<target>/) through its ASan/UBSan replay binary
# (BUILD/fuzz/fuzz_<target>, built by `make fuzz-replay`). TAP output.
set -u
BUILD=${1:-build}
cd "$(dirname "$0")/../.." || exit 1
n=0 failed=0
for bin in "$BUILD"/fuzz/fuzz_*; do
	[ -x "$bin" ] || continue
	name=$(basename "$bin")
	corpus=tests/fuzz/corpus/${name#fuzz_}
	n=$((n + 1))
	if [ ! -d "$corpus" ]; then
		echo "not ok $n - $name: no corpus at $corpus"
		failed=$((failed + 1))
		continue
	fi
	if out=$(ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
		"$bin" "$corpus" 2>&1); then
		echo "ok $n - $name: $(echo "$out" | tail -1) from $corpus"
	else
		echo "not ok $n - $name"
		echo "$out" | tail -30 | sed 's/^/# /'
		failed=$((failed + 1))
	fi
done
if [ $n -eq 0 ]; then
	echo "# SKIP no fuzz replay binaries in $BUILD/fuzz (make fuzz-replay)"
	exit 77
fi
echo "1..$n"
[ $failed -eq 0 ]
