/* SPDX-License-Identifier: BSD-3-Clause */
/* ctl_telemetry.h: linerate's commands on DPDK's telemetry socket. */
#ifndef LR_CTL_CTL_TELEMETRY_H
#define LR_CTL_CTL_TELEMETRY_H

struct lcore_ctx;
struct mrc_store;

/* What the commands read; filled in by the app (may be after register). */
struct ctl_tel_view {
	struct lcore_ctx *const *lcores; /* NULL entries are skipped */
	unsigned int nb_lcores;
	struct mrc_store *mrc;		 /* NULL: /linerate/mrc is empty */
};

/*
 * Register on DPDK's telemetry socket (/var/run/dpdk/<prefix>/
 * dpdk_telemetry.v2, e.g. dpdk-telemetry.py -f <prefix>):
 *   /linerate/stats   every stats.h counter summed over lcores
 *   /linerate/lcores  {"<lcore id>": {"idx", "socket", "busy_ratio_ppm",
 *                     every counter}, ...}
 *   /linerate/mrc     {"total_requests", "unique_users", "sum", "avg"}
 * The callbacks run on DPDK's telemetry thread and only read (plain
 * loads). DPDK's callbacks take no argument: v is kept in a static and
 * must outlive the EAL. Call after rte_eal_init(); 0 or negative errno.
 */
int ctl_tel_register(const struct ctl_tel_view *v);

#endif
