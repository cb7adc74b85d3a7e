#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# tests/layers.sh: the include layer map holds and the repository stands alone. TAP.
#
#   bash tests/layers.sh          (tests/run.sh runs it in the unit stage,
#                                  so `make check` and `make test` do)
#
# 1. Every `#include "x/..."` in lib/<layer>/ names a layer that <layer> may
#    use, per LAYER_MAP below: the one place the map lives in code.
#    docs/DESIGN.md has the same table, with what each layer owns; change
#    both together. A header in the same directory ("tcp_priv.h") is the
#    layer itself. "../x/..." counts as layer x. A lib/ directory missing
#    from the map fails too: a new layer needs its row. app/ and tests/ may
#    include anything and are not checked.
# 2. No file in the repository (tracked or not ignored) refers to the
#    sibling directory that the engineers' notes live in: a clone has only
#    the repository (docs/ is the reference).
set -u
cd "$(dirname "$0")/.." || exit 1

# layer: the layers its files may include (itself first). bpf is the XDP
# program's definitions shared with user space (bpf/*.h), not a lib layer.
LAYER_MAP='
core:   core
net:    net core
http:   http net core
api:    api http net core
ctl:    ctl core
steer:  steer core bpf
doctor: doctor core
cluster: cluster api core
'

declare -A allowed=()
while read -r layer uses; do
	[ -n "$layer" ] || continue
	allowed[${layer%:}]=" $uses "
done <<<"$LAYER_MAP"

n=0 failed=0
result() { # result OK DESCRIPTION
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		failed=$((failed + 1))
	fi
}

for dir in lib/*/; do
	layer=$(basename "$dir")
	if [ -z "${allowed[$layer]+x}" ]; then
		echo "# lib/$layer/ has no row in LAYER_MAP (tests/layers.sh, docs/DESIGN.md)"
		result 1 "lib/$layer: in the layer map"
		continue
	fi
	bad=0
	while IFS=: read -r file line text; do
		inc=$(sed -E 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"([^"]*)".*/\1/' <<<"$text")
		inc=${inc#../}
		case $inc in
		*/*) to=${inc%%/*} ;;
		*) continue ;; # same directory: the layer itself
		esac
		case ${allowed[$layer]} in
		*" $to "*) ;;
		*)
			echo "# $file:$line: #include \"$inc\": $layer may include only:${allowed[$layer]% }"
			bad=$((bad + 1))
			;;
		esac
	done < <(grep -nHE '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' \
		"$dir"*.[ch] 2>/dev/null)
	result "$bad" "lib/$layer includes only:${allowed[$layer]% }"
done

# Built from two pieces so that this file does not match itself.
needle='../''shared'
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	hits=$(git grep -nIF --untracked -e "$needle")
else
	hits=$(grep -rnIF --exclude-dir=.git --exclude-dir='build*' -e "$needle" .)
fi
if [ -n "$hits" ]; then
	printf '%s\n' "$hits" | head -40 | sed 's/^/# refers outside the repository: /'
	result 1 "no file refers outside the repository ($needle)"
else
	result 0 "no file refers outside the repository ($needle)"
fi

echo "1..$n"
[ "$failed" -eq 0 ]
