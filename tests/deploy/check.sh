#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# tests/deploy/check.sh: the deployment files, checked without touching the host (TAP).
#
#   tests/deploy/check.sh        (LR_BUILD=build by default: where linerate is)
#
# Runs shellcheck on every deploy/ and tests/ script; hugepages.sh and
# bind-nic.sh against fake sysfs trees (bind-nic.sh only with --dry-run);
# `systemd-analyze verify` on deploy/linerate.service; YAML, kustomize
# build, Kubernetes schema and cross-file checks of deploy/k8s; every
# shipped config loads; `linerate --check` gives a well-formed report.
# A missing tool is installed with apt-get when root, else its cases SKIP;
# exit 77 only when no case could run at all. Nothing here reserves
# hugepages, binds a NIC or needs a network.
set -u

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT" || exit 1
BUILD=${LR_BUILD:-build}
case $BUILD in /*) ;; *) BUILD=$ROOT/$BUILD ;; esac
LINERATE=$BUILD/linerate
PY=/usr/bin/python3
TMP=$(mktemp -d /tmp/lr-deploy-check.XXXXXX)
trap 'rm -rf "$TMP"' EXIT

n=0 failed=0 skipped=0

pass() { n=$((n + 1)); echo "ok $n - $1"; }
skip() { n=$((n + 1)); skipped=$((skipped + 1)); echo "ok $n - $1 # SKIP $2"; }
fail() {
	n=$((n + 1)); failed=$((failed + 1))
	echo "not ok $n - $1"
	[ -s "$TMP/out" ] && sed 's/^/#   /' "$TMP/out" | head -40
	return 0
}

# check NAME CMD...: ok when CMD exits 0; its output is shown on failure.
check() {
	local name=$1
	shift
	if "$@" >"$TMP/out" 2>&1; then pass "$name"; else fail "$name"; fi
}

# have CMD PKG: CMD is there, or apt-get (as root) could install PKG.
have() {
	command -v "$1" >/dev/null 2>&1 && return 0
	[ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null || return 1
	export DEBIAN_FRONTEND=noninteractive
	apt-get install -y -q --no-install-recommends "$2" >/dev/null 2>&1 ||
		{ apt-get update -q >/dev/null 2>&1 &&
			apt-get install -y -q --no-install-recommends "$2" >/dev/null 2>&1; }
	command -v "$1" >/dev/null 2>&1
}

# have_py MODULE PKG: the Debian python3 imports MODULE (installs PKG).
have_py() {
	"$PY" -c "import $1" 2>/dev/null && return 0
	[ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null || return 1
	export DEBIAN_FRONTEND=noninteractive
	apt-get install -y -q --no-install-recommends "$2" >/dev/null 2>&1 ||
		{ apt-get update -q >/dev/null 2>&1 &&
			apt-get install -y -q --no-install-recommends "$2" >/dev/null 2>&1; }
	"$PY" -c "import $1" 2>/dev/null
}

# ---------------------------------------------------------------- shellcheck
scripts=$(ls deploy/*.sh deploy/k8s/*.sh 2>/dev/null; find tests -name '*.sh' | sort)
if have shellcheck shellcheck; then
	for f in $scripts; do
		check "shellcheck $f" shellcheck -x "$f"
	done
else
	skip "shellcheck" "shellcheck missing and not installable (apt-get install shellcheck)"
fi

# ------------------------------------------------------- hugepages.sh (fake)
fake_huge() {
	local s=$TMP/huge
	rm -rf "$s"
	mkdir -p "$s/sys/kernel/mm/hugepages/hugepages-2048kB" \
		"$s/sys/devices/system/node/node0/hugepages/hugepages-2048kB" \
		"$s/proc/sys/vm" "$s/etc"
	echo 0 >"$s/sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages"
	echo 0 >"$s/sys/kernel/mm/hugepages/hugepages-2048kB/free_hugepages"
	echo 8 >"$s/sys/devices/system/node/node0/hugepages/hugepages-2048kB/nr_hugepages"
	echo 2 >"$s/sys/devices/system/node/node0/hugepages/hugepages-2048kB/free_hugepages"
	echo "Hugepagesize:       2048 kB" >"$s/proc/meminfo"
	echo "hugetlbfs /dev/hugepages hugetlbfs rw,relatime,pagesize=2M 0 0" >"$s/proc/mounts"
	echo "root=/dev/sda1 hugepagesz=2M hugepages=8" >"$s/proc/cmdline"
	echo 8 >"$s/proc/sys/vm/nr_hugepages"
	echo "$s"
}
huge() {
	local s=$1
	shift
	LR_SYSFS=$s/sys LR_PROCFS=$s/proc LR_ETC=$s/etc deploy/hugepages.sh "$@"
}
t_huge_reserve() {
	local s
	s=$(fake_huge)
	huge "$s" --size 2M --pages 64 --no-mount &&
		[ "$(cat "$s/sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages")" = 64 ] &&
		huge "$s" --size 2M --pages 64 | grep -q 'already 64'
}
t_huge_node_shrink_refused() {
	local s
	s=$(fake_huge) # node0: 8 pages, 2 free: 6 in use
	! huge "$s" --size 2M --pages 4 --node 0 --no-mount 2>&1 &&
		huge "$s" --size 2M --pages 4 --node 0 --no-mount 2>&1 | grep -q '6 2M pages on node 0 are in use' &&
		huge "$s" --size 2M --pages 12 --node 0 --no-mount &&
		[ "$(cat "$s/sys/devices/system/node/node0/hugepages/hugepages-2048kB/nr_hugepages")" = 12 ]
}
t_huge_1g_absent() {
	local s
	s=$(fake_huge)
	huge "$s" --size 1G --pages 4 2>&1 | grep -q 'no 1G pages'
}
t_huge_status() {
	local s
	s=$(fake_huge)
	huge "$s" --status | grep -q 'node0 *2/8' &&
		huge "$s" --status | grep -q '/dev/hugepages (rw,relatime,pagesize=2M)'
}
t_huge_persist() {
	local s out
	s=$(fake_huge)
	# Capture first: grep -q exiting early would SIGPIPE the script
	# before it writes the file.
	out=$(huge "$s" --persist --size 2M --pages 1024 --write) &&
		echo "$out" | grep -q 'vm.nr_hugepages = 1024' &&
		grep -q '^vm.nr_hugepages = 1024$' "$s/etc/sysctl.d/80-linerate-hugepages.conf" &&
		huge "$s" --persist --size 1G --pages 8 | grep -q 'default_hugepagesz=1G hugepagesz=1G hugepages=8'
}
check "hugepages.sh reserves exactly N pages and is idempotent" t_huge_reserve
check "hugepages.sh --node refuses to shrink below the pages in use" t_huge_node_shrink_refused
check "hugepages.sh says when the kernel has no 1G pages" t_huge_1g_absent
check "hugepages.sh --status shows sizes, nodes and mounts" t_huge_status
check "hugepages.sh --persist prints and writes the boot-time settings" t_huge_persist

# ------------------------------------------------- bind-nic.sh (fake, dry run)
fake_pci() {
	local s=$TMP/pci ifname=$1 drv=$2
	rm -rf "$s"
	mkdir -p "$s/devices/pci0000:00/0000:00:03.0" "$s/bus/pci/devices" \
		"$s/bus/pci/drivers/$drv" "$s/class/net/$ifname" "$s/class/net/lr-virt0" \
		"$s/kernel/iommu_groups/7"
	ln -s "../../../devices/pci0000:00/0000:00:03.0" "$s/bus/pci/devices/0000:00:03.0"
	ln -s "../../../bus/pci/drivers/$drv" "$s/devices/pci0000:00/0000:00:03.0/driver"
	ln -s "../../../devices/pci0000:00/0000:00:03.0" "$s/class/net/$ifname/device"
	echo "$s"
}
bindnic() {
	local s=$1
	shift
	LR_SYSFS=$s LR_STATE_DIR=$s/state deploy/bind-nic.sh "$@"
}
t_bind_refuses_default_route() {
	local s dev
	dev=$(ip route show default 2>/dev/null | sed -n 's/.* dev \([^ ]*\).*/\1/p' | head -1)
	s=$(fake_pci "$dev" ixgbe)
	! bindnic "$s" --dry-run bind "$dev" >/dev/null 2>&1 &&
		bindnic "$s" --dry-run bind 0000:00:03.0 2>&1 | grep -q "refusing to take 0000:00:03.0: $dev carries the default route"
}
t_bind_dry_run_records_driver() {
	local s
	s=$(fake_pci lr-fakenic0 ixgbe)
	bindnic "$s" --dry-run --noiommu bind lr-fakenic0 >"$TMP/bind" 2>&1
	cat "$TMP/bind"
	grep -q 'would record driver=ixgbe' "$TMP/bind" &&
		grep -q 'dpdk-devbind.py -b vfio-pci 0000:00:03.0' "$TMP/bind" &&
		[ ! -e "$s/state" ]
}
t_bind_refuses_virtual_and_unknown() {
	local s
	s=$(fake_pci lr-fakenic0 ixgbe)
	bindnic "$s" --dry-run bind lr-virt0 2>&1 | grep -q 'virtual interface' &&
		bindnic "$s" --dry-run bind 0000:09:00.0 2>&1 | grep -q 'no PCI device 0000:09:00.0' &&
		bindnic "$s" --dry-run bind none | grep -q 'nothing to bind'
}
t_bind_needs_iommu() {
	local s
	s=$(fake_pci lr-fakenic0 ixgbe)
	rmdir "$s/kernel/iommu_groups/7"
	bindnic "$s" --dry-run bind lr-fakenic0 2>&1 | grep -q 'no IOMMU.*--noiommu'
}
t_unbind_restores_recorded_driver() {
	local s
	s=$(fake_pci lr-fakenic0 vfio-pci)
	mkdir -p "$s/state"
	printf 'driver=ixgbe\ninterfaces=lr-fakenic0\n' >"$s/state/0000:00:03.0"
	bindnic "$s" --dry-run unbind 0000:00:03.0 2>&1 | grep -q 'dpdk-devbind.py -b ixgbe 0000:00:03.0' &&
		rm "$s/state/0000:00:03.0" &&
		bindnic "$s" --dry-run unbind 0000:00:03.0 2>&1 | grep -q 'no record of 0000:00:03.0'
}
if ! command -v ip >/dev/null || ! have dpdk-devbind.py dpdk; then
	skip "bind-nic.sh" "needs ip (iproute2) and dpdk-devbind.py (dpdk)"
else
	if ip route show default 2>/dev/null | grep -q ' dev '; then
		check "bind-nic.sh refuses the interface carrying the default route" t_bind_refuses_default_route
	else
		skip "bind-nic.sh refuses the interface carrying the default route" "this host has no default route"
	fi
	check "bind-nic.sh --dry-run records the original driver and changes nothing" t_bind_dry_run_records_driver
	check "bind-nic.sh refuses virtual interfaces and unknown devices" t_bind_refuses_virtual_and_unknown
	check "bind-nic.sh refuses without an IOMMU unless --noiommu" t_bind_needs_iommu
	check "bind-nic.sh unbind restores the recorded driver" t_unbind_restores_recorded_driver
fi

# ------------------------------------------------------------- systemd unit
# verify resolves ExecStart= paths: check a copy whose /usr/local points at
# a temporary root holding the built binary (or a stand-in) and the scripts.
t_unit_verify() {
	local r=$TMP/unitroot bin
	mkdir -p "$r/usr/local/bin" "$r/usr/local/lib/linerate/deploy"
	bin=$LINERATE
	[ -x "$bin" ] || bin=/bin/true
	cp "$bin" "$r/usr/local/bin/linerate"
	cp deploy/hugepages.sh deploy/bind-nic.sh "$r/usr/local/lib/linerate/deploy/"
	sed "s|/usr/local/|$r/usr/local/|g" deploy/linerate.service >"$r/linerate.service"
	# Any output (unknown key, bad value) is a failure, not only the exit code.
	systemd-analyze verify "$r/linerate.service" >"$TMP/verify" 2>&1
	local rc=$?
	cat "$TMP/verify"
	[ "$rc" -eq 0 ] && [ ! -s "$TMP/verify" ]
}
if have systemd-analyze systemd; then
	check "systemd-analyze verify deploy/linerate.service" t_unit_verify
else
	skip "systemd-analyze verify deploy/linerate.service" "systemd-analyze missing (apt-get install systemd)"
fi

# ------------------------------------------------------------ configs load
configs=$(ls dpdk-config/*.json deploy/k8s/linerate.json 2>/dev/null)
for f in $configs; do
	if [ -x "$LINERATE" ]; then
		check "linerate -c $f --print-config" "$LINERATE" -c "$f" --print-config
	else
		skip "linerate -c $f --print-config" "$LINERATE not built (make BUILD=${BUILD#"$ROOT"/})"
	fi
done

# ---------------------------------------------------------------- k8s
# The checker (python3-yaml; python3-kubernetes for "schema"), kept here so
# that this script is the whole test.
cat >"$TMP/k8s_check.py" <<'PYEOF'
# deploy/k8s checks: "structure" (cross-file rules) or "schema" (core kinds
# against the python3-kubernetes models). argv: MODE DIR [RENDERED]
import glob, json, os, re, sys
import yaml

mode, kdir = sys.argv[1], sys.argv[2]
rendered = sys.argv[3] if len(sys.argv) > 3 else None
errors = []


def err(msg):
    errors.append(msg)


def load(path):
    return [d for d in yaml.safe_load_all(open(path)) if d]


docs = []
for f in sorted(glob.glob(os.path.join(kdir, "*.yaml"))):
    if os.path.basename(f) == "kustomization.yaml":
        continue
    docs += [(f, d) for d in load(f)]
if rendered:
    docs += [("kustomize build", d) for d in load(rendered)]


def find(kind, src=None):
    return [d for f, d in docs if d.get("kind") == kind and (src is None or f == src)]


def schema():
    from kubernetes.client import models
    from kubernetes.client.api_client import ApiClient
    known = {("v1", "ConfigMap"): "V1ConfigMap", ("v1", "Namespace"): "V1Namespace",
             ("apps/v1", "DaemonSet"): "V1DaemonSet", ("v1", "Service"): "V1Service"}
    quantity_maps = {"limits", "requests"}

    def walk(val, typ, path):
        if typ.startswith("list["):
            if not isinstance(val, list):
                return err(f"{path}: expected a list")
            for i, v in enumerate(val):
                walk(v, typ[5:-1], f"{path}[{i}]")
        elif typ.startswith("dict("):
            if not isinstance(val, dict):
                return err(f"{path}: expected a map")
            inner = typ[5:-1].split(", ", 1)[1]
            for k, v in val.items():
                if path.rsplit(".", 1)[-1] in quantity_maps and isinstance(v, (int, float)):
                    continue  # a Quantity may be a number
                walk(v, inner, f"{path}.{k}")
        elif typ == "str":
            if not isinstance(val, str):
                err(f"{path}: expected a string, got {type(val).__name__} {val!r}")
        elif typ == "int":
            if isinstance(val, bool) or not isinstance(val, int):
                err(f"{path}: expected an integer, got {val!r}")
        elif typ == "bool":
            if not isinstance(val, bool):
                err(f"{path}: expected true/false, got {val!r}")
        elif typ in ("object", "datetime", "date"):
            pass
        else:
            cls = getattr(models, typ, None)
            if cls is None:
                return
            if not isinstance(val, dict):
                return err(f"{path}: expected an object ({typ})")
            by_json = {j: p for p, j in cls.attribute_map.items()}
            for k, v in val.items():
                if k not in by_json:
                    err(f"{path}.{k}: unknown field in {typ}")
                else:
                    walk(v, cls.openapi_types[by_json[k]], f"{path}.{k}")

    n = 0
    for f, d in docs:
        key = (d.get("apiVersion"), d.get("kind"))
        if key not in known:
            continue
        n += 1
        name = f"{f}: {d['kind']}/{d.get('metadata', {}).get('name')}"
        walk(d, known[key], name)
        try:  # the models also check required fields
            ApiClient()._ApiClient__deserialize(d, known[key])
        except (ValueError, TypeError) as e:
            err(f"{name}: {e}")
    if n == 0:
        err("no core objects found")


def structure():
    params = find("ConfigMap", os.path.join(kdir, "params.yaml"))
    ds = find("DaemonSet", os.path.join(kdir, "daemonset.yaml"))
    nad = find("NetworkAttachmentDefinition")
    pm = find("PodMonitor")
    if len(params) != 1 or len(ds) != 1 or len(nad) < 1:
        return err("want one params ConfigMap, one DaemonSet, a NetworkAttachmentDefinition")
    p, ds, nad = params[0]["data"], ds[0], nad[0]
    for k in ("LR_SRIOV_RESOURCE", "LR_NETWORK", "LR_NET_IF", "LR_IP", "LR_PREFIX",
              "LR_GATEWAY", "LR_CHECK"):
        if not isinstance(p.get(k), str):
            err(f"params.yaml: {k} missing or not a string")
    res, net = p.get("LR_SRIOV_RESOURCE"), p.get("LR_NETWORK")
    # The names that must be written in three places agree.
    if nad["metadata"]["name"] != net:
        err(f"NetworkAttachmentDefinition is {nad['metadata']['name']}, LR_NETWORK {net}")
    if nad["metadata"].get("annotations", {}).get("k8s.v1.cni.cncf.io/resourceName") != res:
        err(f"NetworkAttachmentDefinition resourceName is not LR_SRIOV_RESOURCE {res}")
    cni = json.loads(nad["spec"]["config"])
    if cni.get("type") != "sriov" or cni.get("name") != net or "ipam" not in cni:
        err("NetworkAttachmentDefinition config: want type sriov, name LR_NETWORK, ipam")
    tpl = ds["spec"]["template"]
    if ds["spec"]["selector"]["matchLabels"].items() - tpl["metadata"]["labels"].items():
        err("DaemonSet selector does not match the pod labels")
    nets = tpl["metadata"].get("annotations", {}).get("k8s.v1.cni.cncf.io/networks", "")
    if net not in [n.split("/")[-1].split("@")[0].strip() for n in nets.split(",")]:
        err(f"pod annotation k8s.v1.cni.cncf.io/networks '{nets}' lacks {net}")
    spec = tpl["spec"]
    cs = {c["name"]: c for c in spec["containers"]}
    lr = cs.get("linerate")
    if not lr:
        return err("no container named linerate")
    vols = {v["name"]: v for v in spec.get("volumes", [])}
    # Guaranteed QoS: requests = limits for every resource of every container.
    for c in spec["containers"]:
        r = c.get("resources", {})
        req, lim = r.get("requests", {}), r.get("limits", {})
        if req != lim or "cpu" not in lim or "memory" not in lim:
            err(f"container {c['name']}: requests must equal limits, with cpu and memory (Guaranteed QoS)")
    cpu = str(lr["resources"]["limits"].get("cpu", ""))
    if not re.fullmatch(r"[0-9]+", cpu) or int(cpu) < 2:
        err(f"linerate cpu '{cpu}': an integer >= 2 (static CPU manager: main + data lcores)")
    if lr["resources"]["limits"].get(res) is None:
        err(f"linerate does not request {res}")
    huge = {k: v for k, v in lr["resources"]["limits"].items() if k.startswith("hugepages-")}
    if len(huge) != 1:
        return err("linerate: want exactly one hugepages-<size> resource")
    hk, hv = next(iter(huge.items()))
    size = hk.split("-", 1)[1]
    mounts = {m["mountPath"]: m["name"] for m in lr.get("volumeMounts", [])}
    hvol = vols.get(mounts.get("/dev/hugepages", ""), {})
    if hvol.get("emptyDir", {}).get("medium") != f"HugePages-{size}":
        err(f"/dev/hugepages must be an emptyDir with medium HugePages-{size}")
    units = {"Mi": 1 << 20, "Gi": 1 << 30}
    m = re.fullmatch(r"([0-9]+)(Mi|Gi)", str(hv))
    hbytes = int(m.group(1)) * units[m.group(2)] if m else 0
    # The config in the ConfigMap.
    cfg = json.load(open(os.path.join(kdir, "linerate.json")))
    if cfg["eal"]["memory_mb"] << 20 > hbytes:
        err(f"eal.memory_mb {cfg['eal']['memory_mb']} exceeds {hk} {hv}")
    if cfg["eal"]["hugepages"] != "on" or cfg["port"]["driver"] != "pci":
        err("linerate.json: want driver pci and eal.hugepages on")
    # Control socket: an emptyDir shared with the sidecar, where ctl.socket is.
    sockdir = os.path.dirname(cfg["ctl"]["socket"])
    rv = mounts.get(sockdir)
    if not rv or "emptyDir" not in vols.get(rv, {}):
        err(f"{sockdir} (ctl.socket's directory) is not an emptyDir in linerate")
    sidecars = [c for c in spec["containers"] if c is not lr and
                any(m["mountPath"] == sockdir and m["name"] == rv for m in c.get("volumeMounts", []))]
    if not sidecars:
        err(f"no sidecar mounts the control socket volume at {sockdir}")
    if mounts.get("/etc/linerate") not in vols or "configMap" not in vols[mounts["/etc/linerate"]]:
        err("the config is not a ConfigMap mounted at /etc/linerate")
    podinfo = vols.get(mounts.get("/etc/podinfo", ""), {}).get("downwardAPI", {}).get("items", [])
    if not any("network-status" in i["fieldRef"]["fieldPath"] for i in podinfo):
        err("network-status is not exposed at /etc/podinfo (entrypoint.sh reads it)")
    # /metrics: the PodMonitor scrapes the linerate container's http port.
    ports = {pt["name"]: pt["containerPort"] for pt in lr.get("ports", [])}
    if ports.get("http") != cfg["http"]["ports"][0]:
        err("container port 'http' is not the config's http.ports[0]")
    if not pm:
        err("no PodMonitor")
    else:
        ep = pm[0]["spec"]["podMetricsEndpoints"][0]
        if ep.get("path") != "/metrics" or ep.get("port") != "http":
            err("PodMonitor: want path /metrics on port http")
        if pm[0]["spec"]["selector"]["matchLabels"].items() - tpl["metadata"]["labels"].items():
            err("PodMonitor selector does not match the pods")
        # The address rewrite finds the attachment's IP in Multus' output.
        status = json.dumps([
            {"name": "cbr0", "interface": "eth0", "ips": ["10.244.1.5"], "default": True},
            {"name": f"linerate/{net}", "interface": p["LR_NET_IF"], "ips": ["192.0.2.17"],
             "mac": "02:00:00:00:00:11", "dns": {}}], indent=4)
        rl = [r for r in ep.get("relabelings", []) if r.get("targetLabel") == "__address__"]
        if not rl:
            err("PodMonitor: no relabeling sets __address__")
        else:
            mm = re.fullmatch(rl[0]["regex"], status)
            got = mm.expand(rl[0]["replacement"].replace("$1", r"\1")) if mm else None
            if got != f"192.0.2.17:{cfg['http']['ports'][0]}":
                err(f"PodMonitor regex on a sample network-status gives {got!r}")
    # Rendered by kustomize: the generated ConfigMap holds both files and
    # the DaemonSet refers to its hashed name.
    if rendered:
        gen = [d for f, d in docs if f == "kustomize build" and d.get("kind") == "ConfigMap"
               and d["metadata"]["name"].startswith("linerate-config")]
        rds = [d for f, d in docs if f == "kustomize build" and d.get("kind") == "DaemonSet"]
        if not gen or set(gen[0]["data"]) != {"linerate.json", "entrypoint.sh"}:
            err("kustomize: linerate-config should hold linerate.json and entrypoint.sh")
        elif not any(v.get("configMap", {}).get("name") == gen[0]["metadata"]["name"]
                     for v in rds[0]["spec"]["template"]["spec"]["volumes"]):
            err("kustomize: the DaemonSet does not mount the generated ConfigMap")
        if any(d["metadata"].get("namespace") not in (None, "linerate") for f, d in docs
               if f == "kustomize build"):
            err("kustomize: objects outside namespace linerate")


if mode == "schema":
    schema()
else:
    structure()
for e in errors:
    print(e)
sys.exit(1 if errors else 0)
PYEOF
if have_py yaml python3-yaml; then
	for f in deploy/k8s/*.yaml; do
		check "YAML parses: $f" "$PY" -c 'import sys, yaml; list(yaml.safe_load_all(open(sys.argv[1])))' "$f"
	done
	rendered=""
	if command -v kubectl >/dev/null 2>&1; then
		if kubectl kustomize deploy/k8s >"$TMP/k8s.yaml" 2>"$TMP/out"; then
			pass "kubectl kustomize deploy/k8s builds"
			rendered=$TMP/k8s.yaml
		else
			fail "kubectl kustomize deploy/k8s builds"
		fi
	else
		skip "kubectl kustomize deploy/k8s builds" "kubectl not installed (Debian: kubernetes-client)"
	fi
	# Cross-file rules: parameters agree, Guaranteed QoS, hugepages,
	# the shared control socket, the /metrics scrape.
	check "deploy/k8s: parameters agree, Guaranteed QoS, hugepages, ctl socket, /metrics" \
		"$PY" "$TMP/k8s_check.py" structure deploy/k8s ${rendered:+"$rendered"}
	if have_py kubernetes python3-kubernetes; then
		check "deploy/k8s: core objects match the Kubernetes API schema (python3-kubernetes models)" \
			"$PY" "$TMP/k8s_check.py" schema deploy/k8s ${rendered:+"$rendered"}
	else
		skip "deploy/k8s: Kubernetes API schema" "python3-kubernetes not installable"
	fi
else
	skip "deploy/k8s" "python3-yaml not installable"
fi

# ------------------------------------------------------------ linerate --check
t_check_report() {
	local cfg=$1 rc fails bad
	if [ -n "$cfg" ]; then
		"$LINERATE" -c "$cfg" --check >"$TMP/report" 2>&1
	else
		"$LINERATE" --check >"$TMP/report" 2>&1
	fi
	rc=$?
	cat "$TMP/report"
	fails=$(grep -c '^FAIL  ' "$TMP/report")
	bad=$(grep -cvE '^(OK    |n/a   |WARN  |FAIL  |linerate --check: |summary: )' "$TMP/report")
	[ "$bad" -eq 0 ] || { echo "lines of unknown shape: $bad"; return 1; }
	grep -q "^summary: $fails FAIL" "$TMP/report" || { echo "summary does not count $fails FAIL"; return 1; }
	if [ "$fails" -eq 0 ]; then [ "$rc" -eq 0 ]; else [ "$rc" -eq 1 ]; fi
}
if [ ! -x "$LINERATE" ]; then
	skip "linerate --check" "$LINERATE not built"
elif "$LINERATE" --check --help 2>&1 | grep -qiE 'unrecognized|invalid option|unknown option' ||
	! "$LINERATE" --help 2>&1 | grep -q -- '--check'; then
	skip "linerate --check" "--check is not wired into app/linerate.c yet"
else
	check "linerate --check (embedded config) is well formed, exit 1 iff a FAIL" t_check_report ""
	for f in $configs; do
		check "linerate -c $f --check is well formed, exit 1 iff a FAIL" t_check_report "$f"
	done
fi

echo "1..$n"
if [ "$n" -eq "$skipped" ]; then
	echo "# SKIP every case: see the reasons above" >&2
	exit 77
fi
[ "$failed" -eq 0 ]
