#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# deploy/install-deps.sh: install every build and test dependency (Debian 12).
#
#   install-deps.sh              install whatever is missing
#   install-deps.sh --if-missing same, but silent when nothing is missing
#   install-deps.sh --list       print the package list
#
# Idempotent. Needs root (apt-get); `make test` and `make run` call it.
set -euo pipefail

BUILD_PKGS="gcc make pkg-config git dpdk dpdk-dev libdpdk-dev libbpf-dev
libxdp-dev xdp-tools bpftool clang llvm libjansson-dev libnuma-dev
libcmocka-dev libhiredis-dev"
TEST_PKGS="redis-server iproute2 iputils-ping ethtool nftables procps curl wrk
apache2-utils nghttp2-client nginx-light python3 python3-scapy python3-pytest
python3-httpx python3-prometheus-client python3-yaml python3-kubernetes
systemd hping3 tcpdump valgrind shellcheck slowhttptest"
PKGS="$BUILD_PKGS $TEST_PKGS"

quiet=0
case "${1:-}" in
--list) echo "$PKGS"; exit 0 ;;
--if-missing) quiet=1 ;;
"") ;;
*) echo "usage: $0 [--if-missing|--list]" >&2; exit 2 ;;
esac

missing=()
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing+=("$p")
	fi
done

if [ ${#missing[@]} -eq 0 ]; then
	[ $quiet -eq 1 ] || echo "install-deps: everything is installed"
	exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
	echo "install-deps: missing packages: ${missing[*]}" >&2
	echo "install-deps: run as root (sudo $0) or: apt-get install ${missing[*]}" >&2
	exit 1
fi

echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# Package scripts must not start services (nginx) inside CI containers.
if [ ! -e /usr/sbin/policy-rc.d ]; then
	printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
	chmod +x /usr/sbin/policy-rc.d
	trap 'rm -f /usr/sbin/policy-rc.d' EXIT
fi
apt-get update -q
apt-get install -y -q --no-install-recommends "${missing[@]}"
echo "install-deps: done"
