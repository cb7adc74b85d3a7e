#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# deploy/cluster.sh: N appliances behind an nftables jhash balancer, one Redis.
#
#   cluster.sh up N     Redis, N appliances (one veth pair each into the
#                       balancer namespace), the balancer, the client
#   cluster.sh down     everything up made; safe to run twice
#   cluster.sh status   namespaces, links, balancer rules, nodes
#
# Topology (docs/SCALE-OUT.md):
#   lr-cl netns: lr-cc0 10.90.0.1/24, route to the VIP 10.90.0.100 via the
#                balancer; clients run here
#   lr-lb netns: lr-lbc 10.90.0.254/24 (client side), lr-lb<i> 10.90.<i>.1/24,
#                forwarding, nftables: VIP:8080 -> DNAT to
#                jhash(saddr . sport) mod N -> 10.90.<i>.2 (conntrack
#                undoes it on the way back)
#   root netns:  lr-ca<i>, no kernel IP: linerate node<i> owns 10.90.<i>.2
#                (DNAT needs no ip.vips; a DSR balancer would give every
#                node ip.vips [{"address": VIP, "arp": false}]);
#                redis-server on 127.0.0.1:$LR_REDIS_PORT (default 6390)
#
# Environment: LR_BUILD (build dir), LR_CLUSTER_DIR (configs, logs, pids;
# default /tmp/lr-cluster), LR_CLUSTER_ACK (fast|durable), LR_CLUSTER_APPS=0
# (topology, Redis and configs only: a test starts the nodes itself),
# LR_CLUSTER_CPU (the data lcore of every node; default 1, the main lcore
# 0), LR_REDIS_PORT.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${LR_BUILD:-$ROOT/build}
DIR=${LR_CLUSTER_DIR:-/tmp/lr-cluster}
ACK=${LR_CLUSTER_ACK:-fast}
APPS=${LR_CLUSTER_APPS:-1}
CPU=${LR_CLUSTER_CPU:-1}
REDIS_PORT=${LR_REDIS_PORT:-6390}
VIP=10.90.0.100
PORT=8080
NS_LB=lr-lb
NS_CL=lr-cl

die() { echo "cluster.sh: $*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || die "must run as root (namespaces, veth, nftables)"

need() {
	command -v "$1" >/dev/null || die "$1 not found: apt-get install $2 (or deploy/install-deps.sh)"
}

offloads_off() { # [netns] iface
	local ex=()
	if [ $# -eq 2 ]; then ex=(ip netns exec "$1"); shift; fi
	"${ex[@]}" ethtool -K "$1" tx off tso off gso off gro off >/dev/null 2>&1 || true
}

node_config() { # i n
	local i=$1
	cat > "$DIR/node$i.json" <<JSON
{
	"port": { "driver": "af_packet", "iface": "lr-ca$i" },
	"ip": { "address": "10.90.$i.2/24", "gateway": "10.90.$i.1" },
	"lcores": [$CPU],
	"main_lcore": 0,
	"eal": { "hugepages": "off", "file_prefix": "lr-cluster$i", "memory_mb": 256 },
	"mempool": { "mbufs": 8191, "cache": 128 },
	"tcp": { "max_conns": 8192, "max_timewait": 8192 },
	"mrc": { "max_users": 262144 },
	"ctl": { "socket": "$DIR/ctl$i.sock" },
	"cluster": { "redis": "127.0.0.1:$REDIS_PORT", "node_id": "node$i",
		     "flush_ms": 10, "ack": "$ACK" }
}
JSON
}

redis_up() {
	need redis-server redis-server
	redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" \
		--appendonly no --daemonize yes --pidfile "$DIR/redis.pid" \
		--logfile "$DIR/redis.log" --dir "$DIR"
	for _ in $(seq 100); do
		redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && return 0
		sleep 0.05
	done
	die "redis-server did not answer on port $REDIS_PORT ($DIR/redis.log)"
}

node_up() { # i
	local i=$1
	setsid "$BUILD/linerate" -c "$DIR/node$i.json" > "$DIR/node$i.log" 2>&1 &
	echo $! > "$DIR/node$i.pid"
}

node_wait() { # i
	for _ in $(seq 300); do
		grep -q "linerate: ready:" "$DIR/node$1.log" 2>/dev/null && return 0
		kill -0 "$(cat "$DIR/node$1.pid")" 2>/dev/null ||
			die "node$1 exited: $(tail -5 "$DIR/node$1.log")"
		sleep 0.1
	done
	die "node$1 not ready after 30 s ($DIR/node$1.log)"
}

up() {
	local n=${1:-3} map="" i
	if ! [[ "$n" =~ ^[0-9]+$ ]] || [ "$n" -lt 1 ] || [ "$n" -gt 16 ]; then
		die "up N: N from 1 to 16"
	fi
	need ip iproute2
	need nft nftables
	[ "$APPS" = 0 ] || [ -x "$BUILD/linerate" ] || die "$BUILD/linerate not built (make)"
	down >/dev/null 2>&1
	mkdir -p "$DIR"
	ip netns add "$NS_LB"
	ip netns add "$NS_CL"
	ip -n "$NS_LB" link set lo up
	ip -n "$NS_CL" link set lo up
	ip netns exec "$NS_LB" sysctl -qw net.ipv4.ip_forward=1
	ip netns exec "$NS_LB" sysctl -qw net.ipv4.conf.all.rp_filter=0
	# client <-> balancer
	ip link add lr-cc0 netns "$NS_CL" type veth peer name lr-lbc netns "$NS_LB"
	ip -n "$NS_CL" addr add 10.90.0.1/24 dev lr-cc0
	ip -n "$NS_CL" link set lr-cc0 up
	ip -n "$NS_CL" route add "$VIP/32" via 10.90.0.254
	# the nodes themselves too (checks that bypass the balancer)
	ip -n "$NS_CL" route add 10.90.0.0/16 via 10.90.0.254
	ip -n "$NS_LB" addr add 10.90.0.254/24 dev lr-lbc
	ip -n "$NS_LB" link set lr-lbc up
	offloads_off "$NS_CL" lr-cc0
	offloads_off "$NS_LB" lr-lbc
	# balancer <-> node i (linerate owns the root-side end)
	for i in $(seq "$n"); do
		ip link add "lr-ca$i" type veth peer name "lr-lb$i" netns "$NS_LB"
		sysctl -qw "net.ipv6.conf.lr-ca$i.disable_ipv6=1" || true
		ip link set "lr-ca$i" up
		ip -n "$NS_LB" addr add "10.90.$i.1/24" dev "lr-lb$i"
		ip -n "$NS_LB" link set "lr-lb$i" up
		offloads_off "lr-ca$i"
		offloads_off "$NS_LB" "lr-lb$i"
		map+="${map:+, }$((i - 1)) : 10.90.$i.2"
		node_config "$i"
	done
	# Flows spread by a hash of the client's address and port; conntrack
	# keeps each flow on its node and rewrites the answers back.
	ip netns exec "$NS_LB" nft -f - <<NFT
table ip lrlb {
	chain pre {
		type nat hook prerouting priority dstnat; policy accept;
		ip daddr $VIP tcp dport $PORT dnat to jhash ip saddr . tcp sport mod $n map { $map }
	}
}
NFT
	redis_up
	if [ "$APPS" != 0 ]; then
		for i in $(seq "$n"); do node_up "$i"; done
		for i in $(seq "$n"); do node_wait "$i"; done
	fi
	echo "cluster.sh: up: $n node(s) behind $VIP:$PORT (client netns $NS_CL), redis 127.0.0.1:$REDIS_PORT, $DIR"
}

down() {
	local f pid
	for f in "$DIR"/node*.pid; do
		[ -e "$f" ] || continue
		pid=$(cat "$f")
		if kill -TERM "$pid" 2>/dev/null; then
			for _ in $(seq 100); do
				kill -0 "$pid" 2>/dev/null || break
				sleep 0.1
			done
			kill -KILL "$pid" 2>/dev/null || true
		fi
		rm -f "$f"
	done
	if [ -e "$DIR/redis.pid" ]; then
		kill "$(cat "$DIR/redis.pid")" 2>/dev/null || true
		rm -f "$DIR/redis.pid"
	fi
	for f in $(ip -o link show 2>/dev/null | sed -nE 's/^[0-9]+: (lr-ca[0-9]+)[@:].*/\1/p'); do
		ip link del "$f" 2>/dev/null || true
	done
	ip netns del "$NS_LB" 2>/dev/null || true
	ip netns del "$NS_CL" 2>/dev/null || true
	echo "cluster.sh: down"
}

status() {
	ip netns list | grep -E "^($NS_LB|$NS_CL)( |$)" || echo "namespaces: absent"
	ip -br link show 2>/dev/null | grep -E '^lr-ca' || echo "node links: absent"
	ip netns exec "$NS_LB" nft list table ip lrlb 2>/dev/null || echo "balancer: absent"
	for f in "$DIR"/node*.pid; do
		[ -e "$f" ] || continue
		kill -0 "$(cat "$f")" 2>/dev/null && echo "$(basename "$f" .pid): running" ||
			echo "$(basename "$f" .pid): stopped"
	done
}

case "${1:-}" in
up) up "${2:-3}" ;;
down) down ;;
status) status ;;
*) echo "usage: $0 up N|down|status" >&2; exit 2 ;;
esac
