/* SPDX-License-Identifier: BSD-3-Clause */
/* doctor_nic.c: port items: PCI device, interface, IOMMU, vfio, bpffs, XDP. */
#include <dirent.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "doctor/doctor_priv.h"

/* The NUMA node of a sysfs device directory, -1 if unknown. */
static int
doctor_dev_node(const struct doctor *d, const char *rel)
{
	char p[DOCTOR_PATH];

	snprintf(p, sizeof(p), "%s/numa_node", rel);
	return (int)doctor_read_ll(d, -1, p);
}

/* Is this interface named in /proc/net/route as the default route? */
static bool
doctor_is_default_route(const struct doctor *d, const char *ifname)
{
	char path[DOCTOR_PATH], line[256];
	FILE *f = fopen(doctor_path(d, path, sizeof(path), "/proc/net/route"),
			"r");
	bool found = false;

	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f)) {
		char name[64];
		unsigned int dst, gw, flags;

		if (sscanf(line, "%63s %x %x %x", name, &dst, &gw, &flags) ==
			    4 &&
		    dst == 0 && strcmp(name, ifname) == 0)
			found = true;
	}
	fclose(f);
	return found;
}

/* The kernel interfaces of a PCI device ("enp3s0f0"), comma-separated:
 * ADDR/net/IF, or ADDR/virtio0/net/IF for virtio. */
static void
doctor_pci_netdevs(const struct doctor *d, const char *addr, char *out,
		   size_t n, bool *default_route)
{
	static const char *const sub[] = {"", "/virtio0", "/virtio1",
					  "/virtio2", "/virtio3"};
	size_t used = 0;

	out[0] = '\0';
	*default_route = false;
	for (size_t i = 0; i < sizeof(sub) / sizeof(sub[0]); i++) {
		char path[DOCTOR_PATH];
		DIR *dir = opendir(doctor_path(d, path, sizeof(path),
					       "/sys/bus/pci/devices/%s%s/net",
					       addr, sub[i]));
		struct dirent *e;

		while (dir && (e = readdir(dir)))
			if (e->d_name[0] != '.' && used < n) {
				used += (size_t)snprintf(
					out + used, n - used, "%s%s",
					used ? "," : "", e->d_name);
				if (doctor_is_default_route(d, e->d_name))
					*default_route = true;
			}
		if (dir)
			closedir(dir);
	}
}

static bool
doctor_is_dpdk_driver(const char *drv)
{
	return strcmp(drv, "vfio-pci") == 0 ||
	       strcmp(drv, "uio_pci_generic") == 0 ||
	       strcmp(drv, "igb_uio") == 0;
}

static bool
doctor_is_bifurcated(const char *drv)
{
	return strcmp(drv, "mlx5_core") == 0 || strcmp(drv, "mlx4_core") == 0;
}

/* port.pci empty: DPDK takes the first PCI port bound to it. */
static void
doctor_check_pci_any(struct doctor *d)
{
	char path[DOCTOR_PATH], list[512] = "";
	DIR *dir = opendir(
		doctor_path(d, path, sizeof(path), "/sys/bus/pci/devices"));
	struct dirent *e;
	size_t used = 0;
	int found = 0;

	while (dir && (e = readdir(dir))) {
		char rel[DOCTOR_PATH], drv[64];

		if (e->d_name[0] == '.')
			continue;
		snprintf(rel, sizeof(rel), "/sys/bus/pci/devices/%s/driver",
			 e->d_name);
		doctor_link_base(d, rel, drv, sizeof(drv));
		if (!doctor_is_dpdk_driver(drv))
			continue;
		snprintf(rel, sizeof(rel), "/sys/bus/pci/devices/%s",
			 e->d_name);
		if (found++ == 0)
			d->nic_node = doctor_dev_node(d, rel);
		if (used < sizeof(list))
			used += (size_t)snprintf(
				list + used, sizeof(list) - used, "%s%s (%s)",
				used ? ", " : "", e->d_name, drv);
	}
	if (dir)
		closedir(dir);
	if (found) {
		d->pci_ok = true;
		doctor_line(d, DOCTOR_OK, "pci device", NULL,
			    "port.pci is empty: DPDK takes the first bound "
			    "port of: %s",
			    list);
		return;
	}
	doctor_line(
		d, doctor_pci_bad(d), "pci device",
		"set port.pci and bind it: deploy/bind-nic.sh bind IFACE|PCI",
		"port.pci is empty and no PCI device is bound to vfio-pci%s",
		d->cfg->driver == CONFIG_DRIVER_AUTO
			? " (auto falls back to af_xdp on port.iface)"
			: "");
}

void
doctor_check_pci(struct doctor *d)
{
	char addr[40], rel[DOCTOR_PATH], drv[64], group[32], fix[256],
		netdevs[128], node[32];
	const char *pci = d->cfg->pci;
	enum doctor_level bad = doctor_pci_bad(d);
	long long cls;
	bool defroute;

	if (!pci[0]) {
		doctor_check_pci_any(d);
		return;
	}
	/* DPDK accepts "03:00.0"; sysfs always has the domain. */
	snprintf(addr, sizeof(addr), "%s%s",
		 strchr(pci, ':') == strrchr(pci, ':') ? "0000:" : "", pci);
	snprintf(rel, sizeof(rel), "/sys/bus/pci/devices/%s", addr);
	if (!doctor_exists(d, rel)) {
		doctor_line(
			d, bad, "pci device",
			"`lspci -D -d ::0200` lists the Ethernet controllers; "
			"set port.pci to one",
			"no PCI device %s", addr);
		return;
	}
	d->nic_node = doctor_dev_node(d, rel);
	if (d->nic_node >= 0)
		snprintf(node, sizeof(node), "NUMA node %d", d->nic_node);
	else
		snprintf(node, sizeof(node), "NUMA node unknown");
	snprintf(rel, sizeof(rel), "/sys/bus/pci/devices/%s/driver", addr);
	doctor_link_base(d, rel, drv, sizeof(drv));
	snprintf(rel, sizeof(rel), "/sys/bus/pci/devices/%s/iommu_group", addr);
	doctor_link_base(d, rel, group, sizeof(group));
	snprintf(rel, sizeof(rel), "/sys/bus/pci/devices/%s/class", addr);
	cls = doctor_read_ll(d, -1, rel);
	doctor_pci_netdevs(d, addr, netdevs, sizeof(netdevs), &defroute);
	snprintf(fix, sizeof(fix), "deploy/bind-nic.sh bind %s", addr);

	if (cls >= 0 && (cls >> 16) != 0x02) {
		doctor_line(d, DOCTOR_WARN, "pci device",
			    "check port.pci: `lspci -D -d ::0200` lists the "
			    "Ethernet controllers",
			    "%s is class 0x%06llx, not a network controller",
			    addr, cls);
	}
	if (strcmp(drv, "vfio-pci") == 0) {
		char gdev[DOCTOR_PATH], gpath[DOCTOR_PATH];

		/* The group's device node; "noiommu-N" in no-IOMMU mode. */
		snprintf(gdev, sizeof(gdev), "/dev/vfio/%s", group);
		if (!doctor_exists(d, gdev))
			snprintf(gdev, sizeof(gdev), "/dev/vfio/noiommu-%s",
				 group);
		doctor_path(d, gpath, sizeof(gpath), "%s", gdev);
		d->pci_ok = access(gpath, F_OK) == 0 &&
			    (access(gpath, R_OK | W_OK) == 0 ||
			     doctor_has_cap(d, DOCTOR_CAP_DAC_OVERRIDE));
		if (d->pci_ok)
			doctor_line(
				d, DOCTOR_OK, "pci device", NULL,
				"%s bound to vfio-pci, %s, IOMMU group %s (%s)",
				addr, node, group, gdev);
		else
			doctor_line(
				d, bad, "pci device",
				"deploy/bind-nic.sh --user USER bind gives the "
				"service user the group",
				"%s bound to vfio-pci, %s, but /dev/vfio/%s is "
				"missing or not read-writable by uid %ld",
				addr, node, group, d->uid);
	} else if (doctor_is_bifurcated(drv)) {
		d->pci_ok = true;
		d->nic_bifurcated = true;
		doctor_line(d, DOCTOR_OK, "pci device", NULL,
			    "%s bound to %s (%s), %s: DPDK's mlx PMD drives it "
			    "through the kernel driver, no vfio needed",
			    addr, drv, netdevs[0] ? netdevs : "no interface",
			    node);
	} else if (doctor_is_dpdk_driver(drv)) {
		d->pci_ok = true;
		doctor_line(
			d, DOCTOR_WARN, "pci device",
			"prefer vfio-pci: deploy/bind-nic.sh bind (with the "
			"IOMMU on)",
			"%s bound to %s, %s: no IOMMU isolation, and IOVA=PA "
			"needs CAP_SYS_ADMIN to read /proc/self/pagemap",
			addr, drv, node);
	} else if (drv[0]) {
		doctor_line(
			d, bad, "pci device", fix,
			"%s is bound to the kernel driver %s (interface %s)%s, "
			"%s",
			addr, drv, netdevs[0] ? netdevs : "none",
			defroute ? " which carries the default route: binding "
				   "it cuts this host off that network"
				 : "",
			node);
	} else {
		doctor_line(d, bad, "pci device", fix,
			    "%s has no driver bound, %s", addr, node);
	}
}

/* af_packet / af_xdp: the kernel interface. */
void
doctor_check_iface(struct doctor *d)
{
	const struct config *c = d->cfg;
	const char *ifn = c->iface;
	enum doctor_level bad = c->driver == CONFIG_DRIVER_AUTO && d->pci_ok
					? DOCTOR_WARN
					: DOCTOR_FAIL;
	char rel[DOCTOR_PATH], drv[64], state[32], fix[256];
	enum doctor_level l = DOCTOR_OK;
	long long idx, link;
	int rxq;

	snprintf(rel, sizeof(rel), "/sys/class/net/%s", ifn);
	if (!ifn[0] || !doctor_exists(d, rel)) {
		if (strncmp(ifn, "lr-", 3) == 0)
			snprintf(fix, sizeof(fix),
				 "create it: deploy/veth.sh up (the veth test "
				 "topology), or set port.iface");
		else
			snprintf(fix, sizeof(fix),
				 "set port.iface to an existing interface "
				 "(`ip -br link`)");
		doctor_line(d, bad, "interface", fix, "%s not found",
			    ifn[0] ? ifn : "(port.iface empty)");
		return;
	}
	snprintf(rel, sizeof(rel), "/sys/class/net/%s/device/driver", ifn);
	doctor_link_base(d, rel, drv, sizeof(drv));
	if (!drv[0]) {
		/* No device: a virtual interface. DEVTYPE= names most kinds
		 * (vlan, bridge...); veth has none but a peer (iflink). */
		char path[DOCTOR_PATH], ue[256];
		FILE *f = fopen(doctor_path(d, path, sizeof(path),
					    "/sys/class/net/%s/uevent", ifn),
				"r");

		while (f && fgets(ue, sizeof(ue), f))
			if (strncmp(ue, "DEVTYPE=", 8) == 0) {
				snprintf(drv, sizeof(drv), "%.*s",
					 (int)strcspn(ue + 8, "\n"), ue + 8);
				break;
			}
		if (f)
			fclose(f);
	}
	if (!drv[0]) {
		snprintf(rel, sizeof(rel), "/sys/class/net/%s/ifindex", ifn);
		idx = doctor_read_ll(d, -1, rel);
		snprintf(rel, sizeof(rel), "/sys/class/net/%s/iflink", ifn);
		link = doctor_read_ll(d, -1, rel);
		snprintf(drv, sizeof(drv), "%s",
			 idx >= 0 && link >= 0 && idx != link ? "veth"
							      : "virtual");
	}
	snprintf(rel, sizeof(rel), "/sys/class/net/%s/device", ifn);
	d->nic_node = doctor_dev_node(d, rel);
	snprintf(rel, sizeof(rel), "/sys/class/net/%s/operstate", ifn);
	if (doctor_read(d, state, sizeof(state), "%s", rel) < 0)
		snprintf(state, sizeof(state), "unknown");
	snprintf(rel, sizeof(rel), "/sys/class/net/%s/queues", ifn);
	rxq = doctor_count_dir(d, rel, "rx-");

	fix[0] = '\0';
	if (strcmp(state, "down") == 0 ||
	    strcmp(state, "lowerlayerdown") == 0) {
		l = DOCTOR_WARN;
		snprintf(fix, sizeof(fix), "ip link set %s up%s", ifn,
			 strcmp(drv, "veth") == 0 ? " (and its peer)" : "");
	}
	if (doctor_uses_xdp(d) && rxq >= 0 && (uint32_t)rxq < c->nb_lcores) {
		l = bad;
		snprintf(
			fix, sizeof(fix),
			"af_xdp takes queues 0..%u, one per lcore: `ethtool -L "
			"%s combined %u` (veth: LR_QUEUES=%u deploy/veth.sh "
			"up)",
			c->nb_lcores - 1, ifn, c->nb_lcores, c->nb_lcores);
	}
	snprintf(rel, sizeof(rel), d->nic_node < 0 ? "unknown" : "%d",
		 d->nic_node);
	doctor_line(
		d, l, "interface", fix,
		"%s: %s, driver %s, %d rx queue(s) for %u lcore(s), NUMA node "
		"%s",
		ifn, state, drv, rxq, c->nb_lcores, rel);
}

void
doctor_check_iommu(struct doctor *d)
{
	char cmdline[2048], noiommu[8];
	int groups = doctor_count_dir(d, "/sys/kernel/iommu_groups", "");
	bool pt, on;

	if (groups < 0)
		groups = 0;
	if (!doctor_uses_pci(d) || d->nic_bifurcated) {
		doctor_line(d, DOCTOR_NA, "iommu", NULL,
			    "not needed by %s (%d IOMMU group(s))",
			    d->nic_bifurcated
				    ? "the mlx PMD"
				    : config_driver_name(d->cfg->driver),
			    groups);
		return;
	}
	if (doctor_read(d, cmdline, sizeof(cmdline), "/proc/cmdline") < 0)
		cmdline[0] = '\0';
	pt = strstr(cmdline, "iommu=pt") != NULL;
	on = strstr(cmdline, "intel_iommu=on") || strstr(cmdline, "amd_iommu");
	if (groups > 0) {
		doctor_line(d, DOCTOR_OK, "iommu", NULL, "%d IOMMU group(s)%s",
			    groups,
			    pt ? ", iommu=pt"
			       : " (add iommu=pt so kernel-driven devices skip "
				 "translation)");
		return;
	}
	if (doctor_read(
		    d, noiommu, sizeof(noiommu),
		    "/sys/module/vfio/parameters/enable_unsafe_noiommu_mode") ==
		    0 &&
	    (noiommu[0] == 'Y' || noiommu[0] == '1')) {
		doctor_line(
			d, DOCTOR_WARN, "iommu",
			"enable VT-d/AMD-Vi in the firmware and boot with "
			"intel_iommu=on iommu=pt (docs/DEPLOY.md)",
			"no IOMMU; vfio runs in unsafe no-IOMMU mode (no DMA "
			"isolation; IOVA=PA needs CAP_SYS_ADMIN)");
		return;
	}
	doctor_line(
		d, doctor_pci_bad(d), "iommu",
		"enable VT-d/AMD-Vi in the firmware and boot with "
		"intel_iommu=on iommu=pt (docs/DEPLOY.md); or, unsafe, "
		"deploy/bind-nic.sh --noiommu",
		"no IOMMU groups in /sys/kernel/iommu_groups%s",
		on ? " although the IOMMU is on in /proc/cmdline (firmware?)"
		   : "");
}

void
doctor_check_vfio(struct doctor *d)
{
	char rel[DOCTOR_PATH], buf[4096];
	bool loaded, loadable = false, dev;

	if (!doctor_uses_pci(d) || d->nic_bifurcated) {
		doctor_line(d, DOCTOR_NA, "vfio", NULL, "not needed by %s",
			    d->nic_bifurcated
				    ? "the mlx PMD"
				    : config_driver_name(d->cfg->driver));
		return;
	}
	loaded = doctor_exists(d, "/sys/bus/pci/drivers/vfio-pci") ||
		 doctor_exists(d, "/sys/module/vfio_pci");
	dev = doctor_exists(d, "/dev/vfio/vfio");
	if (d->kconfig_vfio == 'y' || d->kconfig_vfio == 'm')
		loadable = true;
	for (int i = 0; !loadable && i < 2; i++) {
		char path[DOCTOR_PATH];
		FILE *f;

		snprintf(rel, sizeof(rel), "/lib/modules/%s/%s", d->release,
			 i ? "modules.dep" : "modules.builtin");
		f = fopen(doctor_path(d, path, sizeof(path), "%s", rel), "r");
		while (f && fgets(buf, sizeof(buf), f))
			if (strstr(buf, "vfio-pci.ko")) {
				loadable = true;
				break;
			}
		if (f)
			fclose(f);
	}
	if (loaded && dev)
		doctor_line(d, DOCTOR_OK, "vfio", NULL,
			    "vfio-pci loaded, /dev/vfio/vfio present");
	else if (loaded)
		doctor_line(d, DOCTOR_WARN, "vfio", "check devtmpfs and udev",
			    "vfio-pci loaded but /dev/vfio/vfio is missing");
	else if (loadable)
		doctor_line(d, DOCTOR_WARN, "vfio",
			    "deploy/bind-nic.sh loads it (modprobe vfio-pci)",
			    "vfio-pci not loaded (available in this kernel)");
	else
		doctor_line(
			d, doctor_pci_bad(d), "vfio",
			"use a kernel with CONFIG_VFIO_PCI (Debian's has it as "
			"a module)",
			"vfio-pci is neither loaded nor available "
			"(CONFIG_VFIO_PCI "
			"%s)",
			d->kconfig_vfio == 'n' ? "not set" : "unknown");
}

void
doctor_check_bpffs(struct doctor *d)
{
	int n = doctor_mounts(d, "bpf", "/sys/fs/bpf", NULL, 0);

	if (!doctor_uses_xdp(d)) {
		doctor_line(d, DOCTOR_NA, "bpffs", NULL,
			    "%s at /sys/fs/bpf (used by af_xdp only)",
			    n > 0 ? "mounted" : "not mounted");
		return;
	}
	if (n > 0)
		doctor_line(d, DOCTOR_OK, "bpffs", NULL,
			    "mounted at /sys/fs/bpf");
	else
		doctor_line(d, DOCTOR_WARN, "bpffs",
			    "mount -t bpf bpf /sys/fs/bpf (or set "
			    "LIBXDP_BPFFS_AUTOMOUNT=1)",
			    "not mounted at /sys/fs/bpf: libxdp loads the XDP "
			    "program without its dispatcher, so no other XDP "
			    "program can share %s",
			    d->cfg->iface);
}

void
doctor_check_kernel(struct doctor *d)
{
	int major = 0, minor = 0;
	char kc[64];
	enum doctor_level l = DOCTOR_OK;
	const char *fix = NULL;

	sscanf(d->release, "%d.%d", &major, &minor);
	snprintf(kc, sizeof(kc), "CONFIG_XDP_SOCKETS=%s",
		 d->kconfig_xdp == 'y'   ? "y"
		 : d->kconfig_xdp == 'n' ? "not set"
					 : "unknown (no /boot/config-*, no "
					   "/proc/config.gz)");
	if (!doctor_uses_xdp(d)) {
		doctor_line(d, DOCTOR_NA, "kernel xdp", NULL,
			    "%s, %s (used by af_xdp only)",
			    d->release[0] ? d->release : "unknown", kc);
		return;
	}
	if (major * 100 + minor < 418) {
		l = DOCTOR_FAIL;
		fix = "DPDK's af_xdp PMD needs Linux 4.18 or later (5.4+ "
		      "recommended)";
	} else if (d->kconfig_xdp == 'n') {
		l = DOCTOR_FAIL;
		fix = "use a kernel built with CONFIG_XDP_SOCKETS=y";
	} else if (d->kconfig_xdp == '?') {
		l = DOCTOR_WARN;
		fix = "check the kernel's build config for CONFIG_XDP_SOCKETS";
	} else if (major * 100 + minor < 504) {
		l = DOCTOR_WARN;
		fix = "Linux 5.4+ has need_wakeup, which the af_xdp PMD uses";
	}
	if (l == DOCTOR_FAIL && d->cfg->driver == CONFIG_DRIVER_AUTO)
		l = DOCTOR_WARN;
	doctor_line(d, l, "kernel xdp", fix, "Linux %s, %s",
		    d->release[0] ? d->release : "unknown", kc);
}
