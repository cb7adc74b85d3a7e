#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# deploy/hugepages.sh: reserve 2 MB / 1 GB hugepages (per NUMA node) and mount hugetlbfs.
#
#   hugepages.sh --size 2M --pages 1024 [--node N] [--user USER] [--no-mount]
#       reserve exactly N pages of that size (on node N, else spread by the
#       kernel), mount hugetlbfs for that size if none is, and with --user
#       give that user's group the mount (a non-root linerate writes there)
#   hugepages.sh --status
#       pages per size and per node, mounts, boot-time settings
#   hugepages.sh --persist --size 1G --pages 8 [--node N] [--write]
#       print how to make the reservation survive a reboot (sysctl for 2M,
#       kernel command line for 1G); --write also writes the file it names
#
# Idempotent: asking for what is already there changes nothing. Refuses to
# shrink below the pages in use. Root is needed to change anything.
# Environment (tests): LR_SYSFS (default /sys), LR_PROCFS (/proc),
# LR_ETC (/etc), LR_MOUNT_DIR (where a missing mount goes).
set -euo pipefail

SYSFS=${LR_SYSFS:-/sys}
PROCFS=${LR_PROCFS:-/proc}
ETC=${LR_ETC:-/etc}

die() { echo "hugepages.sh: $*" >&2; exit 1; }
say() { echo "hugepages.sh: $*"; }

usage() {
	sed -n '4,19p' "$0" | sed 's/^# \{0,1\}//' >&2
	exit 2
}

# size argument -> kB: 2M, 2048k, 2048kB, 1G, 1048576kB
size_kb() {
	case ${1^^} in
	2M | 2MB | 2048K | 2048KB) echo 2048 ;;
	1G | 1GB | 1024M | 1048576K | 1048576KB) echo 1048576 ;;
	*) die "unknown page size '$1' (2M or 1G)" ;;
	esac
}

size_name() {
	if [ "$1" -eq 2048 ]; then echo 2M; else echo 1G; fi
}

# The nr_hugepages file for a size (and node, when given).
nr_file() {
	local kb=$1 node=$2
	if [ -n "$node" ]; then
		echo "$SYSFS/devices/system/node/node$node/hugepages/hugepages-${kb}kB/nr_hugepages"
	else
		echo "$SYSFS/kernel/mm/hugepages/hugepages-${kb}kB/nr_hugepages"
	fi
}

read_num() {
	local v=0
	[ -r "$1" ] && read -r v <"$1"
	echo "${v:-0}"
}

# Mount point of a hugetlbfs for this size, if any (pagesize= or default size).
find_mount() {
	local kb=$1 def_kb dev dir fs opts rest
	def_kb=$(awk '/^Hugepagesize:/ {print $2}' "$PROCFS/meminfo" 2>/dev/null || true)
	while read -r dev dir fs opts rest; do
		[ "$fs" = hugetlbfs ] || continue
		case ",$opts," in
		*,pagesize=2M,* | *,pagesize=2048k,*) [ "$kb" -eq 2048 ] && { echo "$dir"; return 0; } ;;
		*,pagesize=1G,* | *,pagesize=1024M,*) [ "$kb" -eq 1048576 ] && { echo "$dir"; return 0; } ;;
		*,pagesize=*) ;;
		*) [ "${def_kb:-2048}" = "$kb" ] && { echo "$dir"; return 0; } ;;
		esac
		: "$dev" "$rest"
	done <"$PROCFS/mounts"
	return 1
}

reserve() {
	local kb=$1 pages=$2 node=$3 file cur free inuse got name
	name=$(size_name "$kb")
	[ -d "$SYSFS/kernel/mm/hugepages/hugepages-${kb}kB" ] ||
		die "this kernel/CPU has no $name pages (for 1G: CPU flag pdpe1gb, x86-64)"
	if [ -n "$node" ] && [ ! -d "$SYSFS/devices/system/node/node$node" ]; then
		die "no NUMA node $node (nodes: $(cd "$SYSFS/devices/system/node" && echo node* | sed 's/node//g'))"
	fi
	file=$(nr_file "$kb" "$node")
	cur=$(read_num "$file")
	free=$(read_num "${file%nr_hugepages}free_hugepages")
	inuse=$((cur - free))
	if [ "$cur" -eq "$pages" ]; then
		say "$name pages${node:+ on node $node}: already $pages"
		return 0
	fi
	if [ "$pages" -lt "$inuse" ]; then
		die "$inuse $name pages${node:+ on node $node} are in use (a running DPDK process?); refusing to shrink to $pages"
	fi
	[ -w "$file" ] || die "cannot write $file: run as root"
	echo "$pages" >"$file" || die "writing $pages to $file failed"
	got=$(read_num "$file")
	if [ "$got" -lt "$pages" ]; then
		if [ "$kb" -eq 1048576 ]; then
			die "asked for $pages 1G pages${node:+ on node $node}, the kernel found $got: 1 GB pages rarely fit once memory is fragmented; reserve them at boot (hugepages.sh --persist --size 1G --pages $pages)"
		fi
		die "asked for $pages 2M pages${node:+ on node $node}, the kernel found $got: memory is fragmented or short; try 'echo 1 > /proc/sys/vm/compact_memory', or reserve at boot (hugepages.sh --persist)"
	fi
	say "$name pages${node:+ on node $node}: $cur -> $got"
}

mount_for() {
	local kb=$1 user=$2 dir name group
	name=$(size_name "$kb")
	if ! dir=$(find_mount "$kb"); then
		dir=${LR_MOUNT_DIR:-/dev/hugepages}
		[ "$kb" -eq 1048576 ] && dir=${LR_MOUNT_DIR:-/dev/hugepages1G}
		command -v mount >/dev/null || die "mount not found"
		mkdir -p "$dir"
		mount -t hugetlbfs -o "pagesize=$name" nodev "$dir" ||
			die "mounting hugetlbfs ($name) on $dir failed"
		say "mounted hugetlbfs pagesize=$name on $dir"
	else
		say "hugetlbfs for $name pages: $dir"
	fi
	if [ -n "$user" ]; then
		group=$(id -gn "$user" 2>/dev/null) || die "no user '$user'"
		# Group-writable and sticky: linerate's files are its own, and
		# root (other DPDK processes) still gets in.
		if ! chgrp "$group" "$dir" || ! chmod 1770 "$dir"; then
			die "could not give $dir to group $group"
		fi
		say "$dir: group $group, mode 1770"
	fi
}

status() {
	local d kb nr free surp node n f
	echo "hugepage sizes (free/total, surplus):"
	for d in "$SYSFS"/kernel/mm/hugepages/hugepages-*kB; do
		[ -d "$d" ] || continue
		kb=${d##*hugepages-}
		kb=${kb%kB}
		nr=$(read_num "$d/nr_hugepages")
		free=$(read_num "$d/free_hugepages")
		surp=$(read_num "$d/surplus_hugepages")
		printf '  %-3s %6s/%-6s surplus %s\n' "$(size_name "$kb")" "$free" "$nr" "$surp"
		for n in "$SYSFS"/devices/system/node/node[0-9]*; do
			[ -d "$n" ] || continue
			node=${n##*node}
			f=$n/hugepages/hugepages-${kb}kB
			[ -d "$f" ] || continue
			printf '      node%-3s %6s/%s\n' "$node" "$(read_num "$f/free_hugepages")" "$(read_num "$f/nr_hugepages")"
		done
	done
	echo "hugetlbfs mounts:"
	awk '$3 == "hugetlbfs" {print "  " $2 " (" $4 ")"; n++} END {if (!n) print "  none"}' "$PROCFS/mounts"
	echo "boot time:"
	echo "  kernel command line: $(grep -oE '(default_hugepagesz|hugepagesz|hugepages)=[^ ]+' "$PROCFS/cmdline" 2>/dev/null | tr '\n' ' ' || true)"
	echo "  vm.nr_hugepages now: $(read_num "$PROCFS/sys/vm/nr_hugepages")"
	for f in "$ETC"/sysctl.d/*hugepages*.conf "$ETC"/default/grub.d/*hugepages*.cfg; do
		[ -f "$f" ] && echo "  $f: $(grep -v '^#' "$f" | tr '\n' ' ')"
	done
	return 0
}

persist() {
	local kb=$1 pages=$2 node=$3 write=$4 name file
	name=$(size_name "$kb")
	if [ "$kb" -eq 2048 ] && [ -z "$node" ]; then
		file=$ETC/sysctl.d/80-linerate-hugepages.conf
		echo "# 2M pages at boot: sysctl (applied early by systemd-sysctl)"
		echo "#   $file:"
		echo "vm.nr_hugepages = $pages"
		echo "# (vm.nr_hugepages is for the default page size, 2M on x86-64;"
		echo "#  early boot also works: hugepagesz=2M hugepages=$pages on the kernel command line)"
		if [ "$write" = 1 ]; then
			mkdir -p "${file%/*}"
			printf '# written by deploy/hugepages.sh\nvm.nr_hugepages = %s\n' "$pages" >"$file"
			say "wrote $file; apply now with: sysctl --system"
		fi
	else
		local cmd="hugepagesz=$name hugepages=$pages"
		[ "$kb" -eq 1048576 ] && cmd="default_hugepagesz=1G $cmd"
		if [ -n "$node" ]; then
			cmd="hugepagesz=$name hugepages=$node:$pages"
			[ "$kb" -eq 1048576 ] && cmd="default_hugepagesz=1G $cmd"
		fi
		file=$ETC/default/grub.d/80-linerate-hugepages.cfg
		echo "# $name pages${node:+ on node $node} at boot: the kernel command line"
		echo "# (1 GB pages rarely fit at runtime; per-node counts need Linux 5.7+)"
		echo "#   $file:"
		echo "GRUB_CMDLINE_LINUX=\"\$GRUB_CMDLINE_LINUX $cmd\""
		echo "# then: update-grub && reboot"
		if [ "$write" = 1 ]; then
			mkdir -p "${file%/*}"
			# shellcheck disable=SC2016 # grub expands it, not us
			printf '# written by deploy/hugepages.sh\nGRUB_CMDLINE_LINUX="$GRUB_CMDLINE_LINUX %s"\n' "$cmd" >"$file"
			say "wrote $file; now run update-grub and reboot"
		fi
	fi
	echo "# mount at boot (/etc/fstab), for a non-default size:"
	echo "#   nodev /dev/hugepages$([ "$kb" -eq 1048576 ] && echo 1G) hugetlbfs pagesize=$name 0 0"
}

mode=reserve size="" pages="" node="" user="" mount=1 write=0
[ $# -gt 0 ] || usage
while [ $# -gt 0 ]; do
	case $1 in
	--size) size=${2:?--size needs 2M or 1G}; shift ;;
	--pages) pages=${2:?--pages needs a count}; shift ;;
	--node) node=${2:?--node needs a number}; shift ;;
	--user) user=${2:?--user needs a name}; shift ;;
	--no-mount) mount=0 ;;
	--status) mode=status ;;
	--persist) mode=persist ;;
	--write) write=1 ;;
	-h | --help) usage ;;
	*) echo "hugepages.sh: unknown argument '$1'" >&2; usage ;;
	esac
	shift
done
[ "$node" = all ] && node=""
case $node in "" | [0-9] | [0-9][0-9]) ;; *) die "--node wants a number, got '$node'" ;; esac

case $mode in
status) status ;;
reserve | persist)
	[ -n "$size" ] || die "--size 2M|1G is required"
	[[ $pages =~ ^[0-9]+$ ]] || die "--pages N is required (a count of pages)"
	kb=$(size_kb "$size")
	if [ "$mode" = persist ]; then
		persist "$kb" "$pages" "$node" "$write"
	else
		reserve "$kb" "$pages" "$node"
		[ "$mount" = 0 ] || [ "$pages" -eq 0 ] || mount_for "$kb" "$user"
	fi
	;;
esac
