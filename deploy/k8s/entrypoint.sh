#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# deploy/k8s/entrypoint.sh: fit linerate.json to this pod's VF, CPUs and address, check, exec.
#
# Runs in the linerate container (POSIX sh, coreutils, sed). From the
# environment (params.yaml): LR_SRIOV_RESOURCE, LR_NET_IF, LR_IP, LR_PREFIX,
# LR_GATEWAY, LR_CHECK. Writes /run/linerate/linerate.json.
set -eu

in=${LR_CONFIG_IN:-/etc/linerate/linerate.json}
out=${LR_CONFIG_OUT:-/run/linerate/linerate.json}
status=${LR_NETWORK_STATUS:-/etc/podinfo/network-status}

die() { echo "entrypoint: $*" >&2; exit 1; }

# The VF: the SR-IOV device plugin exports PCIDEVICE_<RESOURCE> (upper
# case, "." "/" "-" as "_"), a comma-separated list of PCI addresses.
var=PCIDEVICE_$(printf '%s' "${LR_SRIOV_RESOURCE:?}" | tr 'a-z./-' 'A-Z___')
pci=$(printenv "$var" 2>/dev/null | cut -d, -f1) || true
[ -n "$pci" ] || die "$var is not set: does the container request ${LR_SRIOV_RESOURCE}?"

# The CPUs the static CPU manager gave this container: the first runs the
# control plane (main lcore), the others one data lcore per VF queue.
list=$(sed -n 's/^Cpus_allowed_list:[[:space:]]*//p' /proc/self/status)
cpus=""
for r in $(echo "$list" | tr ',' ' '); do
	lo=${r%-*} hi=${r#*-}
	i=$lo
	while [ "$i" -le "$hi" ]; do cpus="$cpus $i"; i=$((i + 1)); done
done
# shellcheck disable=SC2086 # split on purpose: one argument per CPU
set -- $cpus
[ $# -ge 2 ] || die "need at least 2 CPUs (main + 1 data lcore), have '$list': request an integer cpu >= 2 with the static CPU manager"
main=$1
shift
data=$(echo "$@" | tr ' ' ',')

# The address: LR_IP (anycast), else the attachment's IPAM address.
ip=${LR_IP:-}
if [ -z "$ip" ] && [ -r "$status" ]; then
	ip=$(tr -d ' \n\t' <"$status" |
		sed -n 's/.*"interface":"'"${LR_NET_IF:-net1}"'","ips":\["\([0-9.]*\)".*/\1/p')
fi
[ -n "$ip" ] || die "no address: set LR_IP, or check ${status} (Multus network-status) for ${LR_NET_IF:-net1}"

sed -e "s|\"pci\": \"[^\"]*\"|\"pci\": \"$pci\"|" \
	-e "s|\"main_lcore\": [0-9]*|\"main_lcore\": $main|" \
	-e "s|\"lcores\": \[[^]]*\]|\"lcores\": [$data]|" \
	-e "s|\"gateway\": \"[^\"]*\"|\"gateway\": \"${LR_GATEWAY:-0.0.0.0}\"|" \
	"$in" >"$out"
set -- -c "$out" -a "$ip/${LR_PREFIX:-24}"
echo "entrypoint: VF $pci, main lcore $main, data lcores $data, address $ip/${LR_PREFIX:-24}"

if ! linerate "$@" --check; then
	[ "${LR_CHECK:-strict}" = warn ] || die "linerate --check found a FAIL (LR_CHECK=warn starts anyway)"
fi
exec linerate "$@"
