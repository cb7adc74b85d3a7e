#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# deploy/bind-nic.sh: hand a NIC to DPDK (vfio-pci) and give it back to its kernel driver.
#
#   bind-nic.sh [options] bind IFACE|PCI     bind to vfio-pci (records the driver);
#                                             "none" does nothing (systemd unit)
#   bind-nic.sh [options] unbind PCI [DRIVER] back to DRIVER, else the recorded one
#   bind-nic.sh status                        dpdk-devbind.py --status and records
#
# options:
#   --force      take an interface that carries the default route, has an
#                address, or carries this SSH session (you lose that network)
#   --noiommu    no IOMMU: use vfio's enable_unsafe_noiommu_mode (no DMA
#                isolation: the NIC can write anywhere in memory)
#   --user USER  give USER the device's /dev/vfio/GROUP (linerate not as root)
#   --dry-run    say what would be done; change nothing
#
# Idempotent: binding a bound device, or unbinding an unbound one, does
# nothing. Needs root and dpdk-devbind.py (Debian package dpdk).
# Environment: LR_STATE_DIR (default /var/lib/linerate/nic), LR_SYSFS (/sys).
set -euo pipefail

SYSFS=${LR_SYSFS:-/sys}
STATE=${LR_STATE_DIR:-/var/lib/linerate/nic}
DRIVER=vfio-pci
PCI_RE='^[0-9a-fA-F]{4}:[0-9a-fA-F]{2}:[0-9a-fA-F]{2}\.[0-7]$'

force=0 noiommu=0 dry=0 user=""

die() { echo "bind-nic.sh: $*" >&2; exit 1; }
say() { echo "bind-nic.sh: $*"; }
run() {
	if [ "$dry" = 1 ]; then
		echo "bind-nic.sh: would run: $*"
	else
		"$@"
	fi
}

usage() {
	sed -n '4,18p' "$0" | sed 's/^# \{0,1\}//' >&2
	exit 2
}

devbind() {
	local p
	for p in dpdk-devbind.py /usr/bin/dpdk-devbind.py /usr/sbin/dpdk-devbind.py \
		/usr/share/dpdk/usertools/dpdk-devbind.py; do
		if command -v "$p" >/dev/null 2>&1; then
			echo "$p"
			return 0
		fi
	done
	die "dpdk-devbind.py not found: apt-get install dpdk"
}

# IFACE or PCI address -> full PCI address (0000:03:00.0).
resolve() {
	local arg=$1 dev
	if [ -e "$SYSFS/class/net/$arg" ]; then
		if [ ! -e "$SYSFS/class/net/$arg/device" ]; then
			die "$arg is a virtual interface (no PCI device): nothing to bind; use the af_packet or af_xdp driver"
		fi
		dev=$(readlink -f "$SYSFS/class/net/$arg/device")
		# The nearest PCI function at or above the device: virtio
		# NICs hang off their PCI function (0000:00:03.0/virtio0).
		while [ -n "$dev" ] && [ "$dev" != / ]; do
			if [[ ${dev##*/} =~ $PCI_RE ]] && [ -d "$SYSFS/bus/pci/devices/${dev##*/}" ]; then
				echo "${dev##*/}"
				return 0
			fi
			dev=${dev%/*}
		done
		die "$arg is not on a PCI bus"
	fi
	case $arg in
	[0-9a-fA-F][0-9a-fA-F]:[0-9a-fA-F][0-9a-fA-F].[0-7]) arg=0000:$arg ;;
	esac
	[[ $arg =~ $PCI_RE ]] ||
		die "'$arg' is neither an interface nor a PCI address like 0000:03:00.0"
	[ -d "$SYSFS/bus/pci/devices/$arg" ] || die "no PCI device $arg (lspci -D lists them)"
	echo "$arg"
}

cur_driver() {
	local l=$SYSFS/bus/pci/devices/$1/driver
	if [ -L "$l" ]; then basename "$(readlink "$l")"; fi
}

# The kernel interfaces on a PCI function (directly, or through a child
# device such as virtio0), space-separated.
netdevs() {
	local n dev out=""
	for n in "$SYSFS"/class/net/*; do
		[ -e "$n/device" ] || continue
		dev=$(readlink -f "$n/device")
		case $dev/ in
		*/"$1"/*) out="$out${out:+ }${n##*/}" ;;
		esac
	done
	echo "$out"
}

# Why this device must not be taken (empty: safe). The kernel interfaces
# of the device: the default route, any address, the SSH session's path.
danger() {
	local pci=$1 ifn why="" ssh_dev="" peer
	if [ -n "${SSH_CONNECTION:-}" ]; then
		peer=${SSH_CONNECTION%% *}
		ssh_dev=$(ip route get "$peer" 2>/dev/null | sed -n 's/.* dev \([^ ]*\).*/\1/p' | head -1)
	fi
	for ifn in $(netdevs "$pci"); do
		if ip route show default 2>/dev/null | grep -qw "dev $ifn" ||
			ip -6 route show default 2>/dev/null | grep -qw "dev $ifn"; then
			why="$why $ifn carries the default route;"
		fi
		if [ -n "$(ip -o addr show dev "$ifn" scope global 2>/dev/null)" ]; then
			why="$why $ifn has an IP address;"
		fi
		if [ -n "$ssh_dev" ] && [ "$ssh_dev" = "$ifn" ]; then
			why="$why $ifn carries this SSH session;"
		fi
	done
	echo "$why"
}

iommu_ok() {
	local n
	n=$(find "$SYSFS/kernel/iommu_groups" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l)
	[ "$n" -gt 0 ]
}

load_vfio() {
	if [ ! -d "$SYSFS/bus/pci/drivers/vfio-pci" ]; then
		run modprobe vfio-pci ||
			die "modprobe vfio-pci failed: the kernel needs CONFIG_VFIO_PCI"
	fi
	if ! iommu_ok; then
		[ "$noiommu" = 1 ] ||
			die "no IOMMU (/sys/kernel/iommu_groups is empty): enable VT-d/AMD-Vi in the firmware and boot with intel_iommu=on iommu=pt (docs/DEPLOY.md); or pass --noiommu (unsafe: no DMA isolation)"
		say "WARNING: no IOMMU; enabling vfio's unsafe no-IOMMU mode"
		if [ "$dry" = 1 ]; then
			echo "bind-nic.sh: would run: echo 1 > $SYSFS/module/vfio/parameters/enable_unsafe_noiommu_mode"
		else
			echo 1 >"$SYSFS/module/vfio/parameters/enable_unsafe_noiommu_mode" ||
				die "cannot enable no-IOMMU mode (vfio built without CONFIG_VFIO_NOIOMMU?)"
		fi
	fi
}

give_group() {
	local pci=$1 group dev
	[ -n "$user" ] || return 0
	group=$(basename "$(readlink "$SYSFS/bus/pci/devices/$pci/iommu_group")")
	dev=/dev/vfio/$group
	[ -e "$dev" ] || dev=/dev/vfio/noiommu-$group
	id "$user" >/dev/null 2>&1 || die "no user '$user'"
	run chown "$user" "$dev"
	say "$dev now belongs to $user"
}

cmd_bind() {
	local pci drv why ifs
	if [ "$1" = none ]; then
		say "nothing to bind (none)"
		return 0
	fi
	command -v ip >/dev/null ||
		die "ip not found (apt-get install iproute2): needed to check that the interface is not in use"
	pci=$(resolve "$1")
	drv=$(cur_driver "$pci")
	if [ "$drv" = "$DRIVER" ]; then
		say "$pci is already bound to $DRIVER"
		give_group "$pci"
		return 0
	fi
	why=$(danger "$pci")
	if [ -n "$why" ]; then
		[ "$force" = 1 ] ||
			die "refusing to take $pci:$why binding it cuts this host off that network (--force to do it anyway)"
		say "WARNING (--force):$why"
	fi
	ifs=$(netdevs "$pci")
	load_vfio
	# The original driver, so that unbind can restore it. Never
	# overwritten by a later bind: the first one knew the truth.
	if [ -n "$drv" ] && [ ! -f "$STATE/$pci" ]; then
		if [ "$dry" = 1 ]; then
			echo "bind-nic.sh: would record driver=$drv in $STATE/$pci"
		else
			mkdir -p "$STATE"
			printf 'driver=%s\ninterfaces=%s\n' "$drv" "$ifs" >"$STATE/$pci"
		fi
	fi
	local args=(-b "$DRIVER")
	[ "$force" = 1 ] && args+=(--force)
	run "$(devbind)" "${args[@]}" "$pci"
	say "$pci (${ifs:-no interface}, was ${drv:-unbound}) bound to $DRIVER"
	[ "$dry" = 1 ] || give_group "$pci"
}

cmd_unbind() {
	local pci=$1 want=${2:-} drv
	pci=$(resolve "$pci")
	if [ -z "$want" ] && [ -f "$STATE/$pci" ]; then
		want=$(sed -n 's/^driver=//p' "$STATE/$pci")
	fi
	[ -n "$want" ] ||
		die "no record of $pci's original driver: name it (bind-nic.sh unbind $pci ixgbe)"
	drv=$(cur_driver "$pci")
	if [ "$drv" = "$want" ]; then
		say "$pci is already bound to $want"
	else
		run "$(devbind)" -b "$want" "$pci"
		say "$pci bound back to $want (was ${drv:-unbound})"
	fi
	if [ -f "$STATE/$pci" ]; then run rm -f "$STATE/$pci"; fi
}

cmd_status() {
	local f
	"$(devbind)" --status-dev net || true
	echo
	echo "recorded by bind-nic.sh ($STATE):"
	for f in "$STATE"/*; do
		[ -f "$f" ] || { echo "  none"; break; }
		echo "  ${f##*/}: $(tr '\n' ' ' <"$f")"
	done
}

while [ $# -gt 0 ]; do
	case $1 in
	--force) force=1 ;;
	--noiommu) noiommu=1 ;;
	--dry-run) dry=1 ;;
	--user) user=${2:?--user needs a name}; shift ;;
	-h | --help) usage ;;
	-*) echo "bind-nic.sh: unknown option '$1'" >&2; usage ;;
	*) break ;;
	esac
	shift
done

[ $# -gt 0 ] || usage
cmd=$1
shift
if [ "$cmd" != status ] && [ "$dry" = 0 ] && [ "$(id -u)" -ne 0 ]; then
	die "must run as root (binding drivers writes to /sys/bus/pci)"
fi
case $cmd in
bind) [ $# -eq 1 ] || usage; cmd_bind "$1" ;;
unbind)
	if [ $# -lt 1 ] || [ $# -gt 2 ]; then usage; fi
	cmd_unbind "$@"
	;;
status) cmd_status ;;
*) usage ;;
esac
