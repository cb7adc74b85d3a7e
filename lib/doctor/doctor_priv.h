/* SPDX-License-Identifier: BSD-3-Clause */
/* doctor_priv.h: what the doctor's files share: report state, readers. */
#ifndef LR_DOCTOR_DOCTOR_PRIV_H
#define LR_DOCTOR_DOCTOR_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/config.h"
#include "doctor/doctor.h"

#define DOCTOR_MAX_CPUS 1024
#define DOCTOR_MAX_NODES 64
#define DOCTOR_PATH 512
#define DOCTOR_LINE 768

/* Capability numbers (linux/capability.h), kept here so that the report
 * does not depend on the headers of the build host. */
#define DOCTOR_CAP_DAC_OVERRIDE 1
#define DOCTOR_CAP_NET_ADMIN 12
#define DOCTOR_CAP_NET_RAW 13
#define DOCTOR_CAP_IPC_LOCK 14
#define DOCTOR_CAP_SYS_ADMIN 21
#define DOCTOR_CAP_PERFMON 38
#define DOCTOR_CAP_BPF 39

/*
 * One report in progress. doctor_run_at() reads the host facts first
 * (release, identity, kconfig, cpu_node), then runs the items in a fixed
 * order because some items leave facts for later ones: the port items
 * (doctor_check_pci/iface) set nic_node, pci_ok and nic_bifurcated, which
 * the memory, IOMMU, vfio and lcore items read; doctor_check_hugepages sets
 * huge_used, which doctor_check_hugetlbfs reads.
 */
struct doctor {
	const struct config *cfg;
	const char *root;
	FILE *out;
	int fails, warns;
	char release[96];
	char kconfig_xdp;  /* 'y', 'n' or '?' (CONFIG_XDP_SOCKETS) */
	char kconfig_vfio; /* 'y', 'm', 'n' or '?' (CONFIG_VFIO_PCI) */
	bool caps_known;
	uint64_t caps;
	char allowed[1024]; /* Cpus_allowed_list: cgroup cpuset, taskset */
	long uid;
	int nic_node;        /* -1: unknown */
	bool nic_bifurcated; /* mlx4/mlx5: no vfio needed */
	bool pci_ok;
	bool huge_used; /* EAL will be given hugepages */
	int16_t cpu_node[DOCTOR_MAX_CPUS];
};

/* what the configured driver needs (cfg and pci_ok) */

static inline bool
doctor_uses_pci(const struct doctor *d)
{
	return d->cfg->driver == CONFIG_DRIVER_PCI ||
	       d->cfg->driver == CONFIG_DRIVER_AUTO;
}

static inline bool
doctor_uses_xdp(const struct doctor *d)
{
	return d->cfg->driver == CONFIG_DRIVER_AF_XDP ||
	       (d->cfg->driver == CONFIG_DRIVER_AUTO && !d->pci_ok);
}

static inline bool
doctor_uses_iface(const struct doctor *d)
{
	return d->cfg->driver == CONFIG_DRIVER_AF_PACKET || doctor_uses_xdp(d);
}

/* How bad a PCI problem is: auto falls back to af_xdp. */
static inline enum doctor_level
doctor_pci_bad(const struct doctor *d)
{
	return d->cfg->driver == CONFIG_DRIVER_PCI ? DOCTOR_FAIL : DOCTOR_WARN;
}

/* Does the process hold this capability (false when CapEff is unknown)? */
static inline bool
doctor_has_cap(const struct doctor *d, int cap)
{
	return d->caps_known && (d->caps >> cap) & 1;
}

/* doctor_report.c */

/* Print one "LEVEL  item: detail — fix" line and count FAILs and WARNs.
 * fix (may be NULL) is printed for WARN and FAIL only. */
void doctor_line(struct doctor *d, enum doctor_level l, const char *item,
		 const char *fix, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/* doctor_fs.c: every path is relative to d->root */

/* d->root + the formatted path into buf (truncated to n); returns buf. */
const char *doctor_path(const struct doctor *d, char *buf, size_t n,
			const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* The first line of a file, without its newline, into buf.
 * Returns 0, or -errno when it cannot be opened, -EIO on a read error. */
int doctor_read(const struct doctor *d, char *buf, size_t n, const char *fmt,
		...) __attribute__((format(printf, 4, 5)));

/* An integer file (strtoll base 0), or def when absent or not a number. */
long long doctor_read_ll(const struct doctor *d, long long def,
			 const char *rel);

/* Does rel exist (symlinks followed)? */
bool doctor_exists(const struct doctor *d, const char *rel);

/* The last component of a symlink's target ("vfio-pci") into out;
 * "" when rel is not a readable symlink. */
void doctor_link_base(const struct doctor *d, const char *rel, char *out,
		      size_t n);

/* The number of entries of a directory whose names start with prefix
 * (dot entries excluded); -1 when it cannot be opened. */
int doctor_count_dir(const struct doctor *d, const char *rel,
		     const char *prefix);

/* The number of /proc/mounts lines of this filesystem type (mounted at dir,
 * if dir is not NULL); each match's "dir (pagesize=...)" goes into list
 * (may be NULL), comma-separated. -errno when /proc/mounts is unreadable. */
int doctor_mounts(const struct doctor *d, const char *type, const char *dir,
		  char *list, size_t n);

/* d->kconfig_xdp and d->kconfig_vfio from /boot/config-RELEASE, else from
 * /proc/config.gz through `gzip -dc`; '?' when neither can be read. */
void doctor_kconfig(struct doctor *d);

/* doctor_cpu.c */

/* d->uid, d->caps(_known) and d->allowed from /proc/self/status. */
void doctor_identity(struct doctor *d);

/* d->cpu_node[] from /sys/devices/system/node/nodeN/cpulist (-1: none). */
void doctor_cpu_nodes(struct doctor *d);

/* The "privileges" item: the capabilities the driver needs. */
void doctor_check_privileges(struct doctor *d);

/* The "lcores" item: online, allowed, on the NIC's node, isolated. */
void doctor_check_lcores(struct doctor *d);

/* doctor_mem.c */

/* The "memlock" item: RLIMIT_MEMLOCK against what vfio or af_xdp pins. */
void doctor_check_memlock(struct doctor *d);

/* The "hugepages" (and "hugepages numa") items; sets d->huge_used. */
void doctor_check_hugepages(struct doctor *d);

/* The "hugetlbfs" item: mounted and writable when hugepages are used. */
void doctor_check_hugetlbfs(struct doctor *d);

/* doctor_nic.c */

/* The "pci device" item; sets nic_node, pci_ok and nic_bifurcated. */
void doctor_check_pci(struct doctor *d);

/* The "interface" item (af_packet, af_xdp, auto's fallback); sets
 * nic_node. */
void doctor_check_iface(struct doctor *d);

/* The "iommu" item: IOMMU groups, or vfio's no-IOMMU mode. */
void doctor_check_iommu(struct doctor *d);

/* The "vfio" item: vfio-pci loaded, loadable, /dev/vfio/vfio. */
void doctor_check_vfio(struct doctor *d);

/* The "bpffs" item: bpf mounted at /sys/fs/bpf for libxdp. */
void doctor_check_bpffs(struct doctor *d);

/* The "kernel xdp" item: release and CONFIG_XDP_SOCKETS for af_xdp. */
void doctor_check_kernel(struct doctor *d);

#endif
