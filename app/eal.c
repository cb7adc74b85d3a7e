/* SPDX-License-Identifier: BSD-3-Clause */
/* eal.c: DPDK EAL arguments from the config (lcores, prefix, memory). */
#include <errno.h>
#include <stdio.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_lcore.h>

#include "app.h"
#include "core/log.h"

/* Free 2 MB hugepages, or 0 when the kernel has none configured. */
static unsigned long
app_free_hugepages(void)
{
	FILE *f = fopen("/sys/kernel/mm/hugepages/hugepages-2048kB/free_hugepages",
			"r");
	unsigned long n = 0;

	if (f) {
		if (fscanf(f, "%lu", &n) != 1)
			n = 0;
		fclose(f);
	}
	return n;
}

int
app_eal_init(struct app *a, const char *prog)
{
	char lcores[1024], prefix[96], mem[32], loglvl[64];
	static char main_arg[16];
	const char *argv[32];
	int argc = 0, n;
	bool huge;

	/* Data lcore N runs on CPU N. The main lcore (control plane, mostly
	 * asleep in poll()) runs on CPU main_lcore; when that CPU also runs a
	 * data lcore (2-core machines), the main lcore takes a spare id. */
	a->main_id = a->cfg.main_lcore;
	for (uint32_t i = 0; i < a->cfg.nb_lcores; i++)
		if (a->cfg.lcores[i] == a->cfg.main_lcore)
			a->main_id = RTE_MAX_LCORE - 1;
	n = snprintf(lcores, sizeof(lcores), "--lcores=%u@%u", a->main_id,
		     a->cfg.main_lcore);
	for (uint32_t i = 0; i < a->cfg.nb_lcores; i++)
		n += snprintf(lcores + n, sizeof(lcores) - (size_t)n, ",%u@%u",
			      a->cfg.lcores[i], a->cfg.lcores[i]);
	snprintf(main_arg, sizeof(main_arg), "%u", a->main_id);
	if (a->cfg.file_prefix[0])
		snprintf(prefix, sizeof(prefix), "--file-prefix=%s",
			 a->cfg.file_prefix);
	else
		snprintf(prefix, sizeof(prefix), "--file-prefix=linerate-%d",
			 (int)getpid());
	snprintf(mem, sizeof(mem), "%u", a->cfg.eal_memory_mb);
	snprintf(loglvl, sizeof(loglvl), "--log-level=linerate:%s",
		 a->cfg.log_level);
	huge = a->cfg.hugepages == CONFIG_ON ||
	       (a->cfg.hugepages == CONFIG_AUTO &&
		app_free_hugepages() * 2 >= a->cfg.eal_memory_mb);
	argv[argc++] = prog;
	argv[argc++] = lcores;
	argv[argc++] = "--main-lcore";
	argv[argc++] = main_arg;
	argv[argc++] = prefix;
	argv[argc++] = "-m";
	argv[argc++] = mem;
	argv[argc++] = "--log-level=lib.eal:notice";
	argv[argc++] = loglvl;
	if (!huge)
		argv[argc++] = "--no-huge";
	if (a->cfg.driver != CONFIG_DRIVER_PCI &&
	    a->cfg.driver != CONFIG_DRIVER_AUTO) {
		argv[argc++] = "--no-pci";
	} else if (a->cfg.pci[0]) {
		/* Probe only our NIC, not every vfio device of the host. */
		argv[argc++] = "-a";
		argv[argc++] = a->cfg.pci;
	}
	argv[argc] = NULL;

	if (rte_eal_init(argc, (char **)argv) < 0) {
		fprintf(stderr, "linerate: EAL init failed: %s\n",
			rte_strerror(rte_errno));
		return -rte_errno;
	}
	for (uint32_t i = 0; i < a->cfg.nb_lcores; i++)
		if (!rte_lcore_is_enabled(a->cfg.lcores[i])) {
			fprintf(stderr, "linerate: lcore %u is not available\n",
				a->cfg.lcores[i]);
			rte_eal_cleanup();
			return -ENODEV;
		}
	log_init();
	LOG(INFO, "memory: %s (%u MB)%s",
	    huge ? "2 MB hugepages" : "no hugepages (--no-huge)",
	    a->cfg.eal_memory_mb,
	    huge || a->cfg.hugepages == CONFIG_OFF ? "" :
	    "; reserve hugepages for line rate (deploy/hugepages.sh)");
	return 0;
}
