/* SPDX-License-Identifier: BSD-3-Clause */
/* doctor_mem.c: memory items: memlock, hugepages per node, hugetlbfs. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "doctor/doctor_priv.h"

/* One mbuf with its headroom, header and mempool overhead, and the UMEM
 * of DPDK's af_xdp PMD per queue (4096 frames of 4 KiB). */
#define DOCTOR_MBUF_BYTES 2432ull
#define DOCTOR_UMEM_BYTES_PER_QUEUE (4096ull * 4096)

/* The soft RLIMIT_MEMLOCK from /proc/self/limits: bytes, -1 unlimited,
 * -2 unknown. */
static long long
doctor_memlock(const struct doctor *d)
{
	char path[DOCTOR_PATH], line[256];
	FILE *f = fopen(doctor_path(d, path, sizeof(path), "/proc/self/limits"),
			"r");
	long long v = -2;

	if (!f)
		return -2;
	while (fgets(line, sizeof(line), f)) {
		char soft[64];

		if (strncmp(line, "Max locked memory", 17) != 0)
			continue;
		if (sscanf(line + 17, "%63s", soft) == 1)
			v = strcmp(soft, "unlimited") == 0
				    ? -1
				    : strtoll(soft, NULL, 10);
		break;
	}
	fclose(f);
	return v;
}

void
doctor_check_memlock(struct doctor *d)
{
	const struct config *c = d->cfg;
	long long lim = doctor_memlock(d);
	unsigned long long need = 0;
	const char *what = NULL;
	char have[64];

	if (lim == -2)
		snprintf(have, sizeof(have), "unknown");
	else if (lim == -1)
		snprintf(have, sizeof(have), "unlimited");
	else
		snprintf(have, sizeof(have), "%lld KiB", lim / 1024);
	if (c->driver == CONFIG_DRIVER_PCI && !d->nic_bifurcated) {
		need = (unsigned long long)c->eal_memory_mb << 20;
		what = "vfio pins all of EAL's memory (eal.memory_mb)";
	} else if (doctor_uses_xdp(d)) {
		need = DOCTOR_UMEM_BYTES_PER_QUEUE * c->nb_lcores;
		what = "the af_xdp UMEM, 16 MiB per queue";
	}
	if (!what) {
		doctor_line(d, DOCTOR_NA, "memlock", NULL,
			    "%s (the %s driver pins no memory)", have,
			    config_driver_name(c->driver));
		return;
	}
	if (lim == -1 || doctor_has_cap(d, DOCTOR_CAP_IPC_LOCK)) {
		doctor_line(d, DOCTOR_OK, "memlock", NULL, "%s%s", have,
			    lim == -1 ? "" : " (CAP_IPC_LOCK: not enforced)");
		return;
	}
	if (lim == -2) {
		doctor_line(d, DOCTOR_WARN, "memlock", "check `ulimit -l`",
			    "unknown; %s", what);
		return;
	}
	doctor_line(d,
		    (unsigned long long)lim >= need ? DOCTOR_OK : DOCTOR_FAIL,
		    "memlock",
		    "LimitMEMLOCK=infinity in the systemd unit, `ulimit -l "
		    "unlimited`, or grant CAP_IPC_LOCK",
		    "%s, need %llu MiB: %s", have, need >> 20, what);
}

/* Hugepages of every size, free/total, per node; the free bytes overall
 * and on the NIC's node. */
struct doctor_huge {
	char text[DOCTOR_LINE];
	unsigned long long free_bytes, free_2m_pages, node_free_bytes;
};

static void
doctor_huge_scan(struct doctor *d, struct doctor_huge *h)
{
	static const unsigned long sizes[] = {2048, 1048576};
	size_t used = 0;

	memset(h, 0, sizeof(*h));
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		unsigned long kb = sizes[i];
		char rel[DOCTOR_PATH];
		long long nr, fr;

		snprintf(
			rel, sizeof(rel),
			"/sys/kernel/mm/hugepages/hugepages-%lukB/nr_hugepages",
			kb);
		nr = doctor_read_ll(d, -1, rel);
		if (nr < 0)
			continue;
		snprintf(rel, sizeof(rel),
			 "/sys/kernel/mm/hugepages/hugepages-%lukB/"
			 "free_hugepages",
			 kb);
		fr = doctor_read_ll(d, 0, rel);
		h->free_bytes += (unsigned long long)fr * kb * 1024;
		if (kb == 2048)
			h->free_2m_pages = (unsigned long long)fr;
		used += (size_t)snprintf(h->text + used, sizeof(h->text) - used,
					 "%s%s %lld/%lld free",
					 used ? "; " : "",
					 kb == 2048 ? "2M" : "1G", fr, nr);
		for (int node = 0;
		     node < DOCTOR_MAX_NODES && used < sizeof(h->text);
		     node++) {
			char base[DOCTOR_PATH];
			long long nnr, nfr;

			snprintf(base, sizeof(base),
				 "/sys/devices/system/node/node%d/hugepages/"
				 "hugepages-%lukB",
				 node, kb);
			snprintf(rel, sizeof(rel), "%s/nr_hugepages", base);
			nnr = doctor_read_ll(d, -1, rel);
			if (nnr < 0)
				continue;
			snprintf(rel, sizeof(rel), "%s/free_hugepages", base);
			nfr = doctor_read_ll(d, 0, rel);
			if (node == d->nic_node)
				h->node_free_bytes +=
					(unsigned long long)nfr * kb * 1024;
			used += (size_t)snprintf(
				h->text + used, sizeof(h->text) - used,
				" (node%d %lld/%lld)", node, nfr, nnr);
		}
	}
	if (!used)
		snprintf(h->text, sizeof(h->text),
			 "the kernel reports no hugepage sizes");
}

void
doctor_check_hugepages(struct doctor *d)
{
	const struct config *c = d->cfg;
	unsigned long long need = (unsigned long long)c->eal_memory_mb << 20;
	unsigned long long pools = DOCTOR_MBUF_BYTES * c->mbufs * c->nb_lcores;
	unsigned long pages2m = (unsigned long)((need + (2u << 20) - 1) >> 21);
	struct doctor_huge h;
	char fix[256];

	doctor_huge_scan(d, &h);
	if (d->nic_node >= 0)
		snprintf(fix, sizeof(fix),
			 "deploy/hugepages.sh --size 2M --pages %lu --node %d",
			 pages2m, d->nic_node);
	else
		snprintf(fix, sizeof(fix),
			 "deploy/hugepages.sh --size 2M --pages %lu", pages2m);
	switch (c->hugepages) {
	case CONFIG_OFF:
		doctor_line(d,
			    c->driver == CONFIG_DRIVER_PCI ? DOCTOR_WARN
							   : DOCTOR_NA,
			    "hugepages",
			    "set eal.hugepages to \"on\" for a PCI NIC",
			    "not used (eal.hugepages off: --no-huge); %s",
			    h.text);
		return;
	case CONFIG_AUTO:
		/* As app_eal_init(): 2 MB pages only. */
		if (h.free_2m_pages * 2 >= c->eal_memory_mb) {
			d->huge_used = true;
			doctor_line(d, DOCTOR_OK, "hugepages", NULL,
				    "%s; eal.hugepages auto takes 2M pages for "
				    "%u MB",
				    h.text, c->eal_memory_mb);
		} else {
			doctor_line(d, DOCTOR_WARN, "hugepages", fix,
				    "%s; fewer than %u MB of free 2M pages, so "
				    "eal.hugepages auto runs with --no-huge "
				    "(fine for "
				    "veth/CI, slow at line rate)",
				    h.text, c->eal_memory_mb);
		}
		break;
	case CONFIG_ON:
		d->huge_used = true;
		doctor_line(d, h.free_bytes >= need ? DOCTOR_OK : DOCTOR_FAIL,
			    "hugepages", fix,
			    "%s; eal.memory_mb needs %u MB, %llu MB "
			    "free",
			    h.text, c->eal_memory_mb, h.free_bytes >> 20);
		break;
	}
	if (d->huge_used && d->nic_node >= 0 && h.node_free_bytes < pools)
		doctor_line(
			d, DOCTOR_WARN, "hugepages numa", fix,
			"the mempools (%u x %u mbufs, ~%llu MB) live on the "
			"NIC's node %d, which has %llu MB free",
			c->nb_lcores, c->mbufs, pools >> 20, d->nic_node,
			h.node_free_bytes >> 20);
}

void
doctor_check_hugetlbfs(struct doctor *d)
{
	char list[512], path[DOCTOR_PATH];
	int n = doctor_mounts(d, "hugetlbfs", NULL, list, sizeof(list));

	if (!d->huge_used) {
		doctor_line(d, DOCTOR_NA, "hugetlbfs", NULL,
			    "%s (no hugepages used)",
			    n > 0 ? list : "not mounted");
		return;
	}
	if (n <= 0) {
		doctor_line(
			d, DOCTOR_FAIL, "hugetlbfs",
			"deploy/hugepages.sh mounts it (or: mount -t hugetlbfs "
			"nodev /dev/hugepages)",
			"not mounted: EAL cannot map hugepages");
		return;
	}
	/* The first mount is the one EAL uses for its size. */
	snprintf(path, sizeof(path), "%s%.*s", d->root,
		 (int)strcspn(list, " ,"), list);
	if (access(path, W_OK) != 0 &&
	    !doctor_has_cap(d, DOCTOR_CAP_DAC_OVERRIDE))
		doctor_line(d, DOCTOR_FAIL, "hugetlbfs",
			    "deploy/hugepages.sh --user USER gives the service "
			    "user the mount",
			    "%s; %.*s is not writable by uid %ld", list,
			    (int)strcspn(list, " ,"), list, d->uid);
	else
		doctor_line(d, DOCTOR_OK, "hugetlbfs", NULL, "%s", list);
}
