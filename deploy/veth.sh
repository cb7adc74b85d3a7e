#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# deploy/veth.sh: the default test topology (client netns <-> appliance veth).
#
#   lr-client netns: lr-c0 10.88.0.1/24 and fd00:88::1/64 (no DAD), offloads off
#   root netns:      lr-a0, up, no kernel IP (linerate owns 10.88.0.2 and
#                    fd00:88::2)
#
# Usage: veth.sh up|down|status   (env: LR_QUEUES=N for multi-queue veth)
set -euo pipefail

NS=${LR_NS:-lr-client}
CIF=${LR_CIF:-lr-c0}
AIF=${LR_AIF:-lr-a0}
CIP=${LR_CIP:-10.88.0.1/24}
CIP6=${LR_CIP6:-fd00:88::1/64}
QUEUES=${LR_QUEUES:-1}

die() { echo "veth.sh: $*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || die "must run as root (network namespaces and veth need CAP_NET_ADMIN)"
command -v ip >/dev/null || die "ip not found: apt-get install iproute2"

up() {
	if ip link show "$AIF" >/dev/null 2>&1; then
		echo "veth.sh: $AIF already exists; recreating"
		down
	fi
	ip netns add "$NS" 2>/dev/null || true
	ip link add "$AIF" numtxqueues "$QUEUES" numrxqueues "$QUEUES" type veth \
		peer name "$CIF" numtxqueues "$QUEUES" numrxqueues "$QUEUES" netns "$NS"
	# The appliance side belongs to linerate: no kernel IPv4/IPv6 address,
	# no forwarding, so the kernel never answers or routes for 10.88.0.2.
	sysctl -qw "net.ipv6.conf.$AIF.disable_ipv6=1" || true
	sysctl -qw "net.ipv4.conf.$AIF.forwarding=0" || true
	ip link set "$AIF" up
	# The client speaks both families; without duplicate address
	# detection its IPv6 address is usable at once (tests do not wait).
	ip netns exec "$NS" sysctl -qw "net.ipv6.conf.$CIF.disable_ipv6=0" || true
	ip netns exec "$NS" sysctl -qw "net.ipv6.conf.$CIF.accept_dad=0" || true
	ip netns exec "$NS" ip link set lo up
	ip netns exec "$NS" ip addr add "$CIP" dev "$CIF"
	ip netns exec "$NS" ip -6 addr add "$CIP6" dev "$CIF" nodad
	ip netns exec "$NS" ip link set "$CIF" up
	# veth would otherwise hand the appliance oversized frames with
	# unfinished checksums (TSO/GSO and checksum offload).
	if command -v ethtool >/dev/null; then
		ip netns exec "$NS" ethtool -K "$CIF" tx off tso off gso off >/dev/null 2>&1 || true
		ethtool -K "$AIF" tx off tso off gso off gro off >/dev/null 2>&1 || true
	fi
	echo "veth.sh: up: $NS/$CIF ${CIP} ${CIP6} <-> $AIF (queues=$QUEUES)"
}

down() {
	ip link del "$AIF" 2>/dev/null || true
	ip netns del "$NS" 2>/dev/null || true
}

status() {
	ip link show "$AIF" 2>/dev/null || echo "$AIF: absent"
	ip netns exec "$NS" ip -br addr 2>/dev/null || echo "$NS: absent"
}

case "${1:-}" in
up) up ;;
down) down; echo "veth.sh: down" ;;
status) status ;;
*) echo "usage: $0 up|down|status" >&2; exit 2 ;;
esac
