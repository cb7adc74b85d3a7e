/* SPDX-License-Identifier: BSD-3-Clause */
/* ctl_telemetry.h: linerate's commands on DPDK's telemetry socket. */
#ifndef LR_CTL_CTL_TELEMETRY_H
#define LR_CTL_CTL_TELEMETRY_H

#include "core/report.h"

struct lcore_ctx;

/* What the commands read; filled in by the app (may be after register). */
struct ctl_tel_view {
	struct lcore_ctx *const *lcores; /* NULL entries are skipped */
	unsigned int nb_lcores;
	/* The rows of /linerate/mrc (the app passes mrc_report_store over
	 * its store); fn NULL: /linerate/mrc is empty. */
	struct report_provider mrc;
};

/*
 * Register on DPDK's telemetry socket (/var/run/dpdk/<prefix>/
 * dpdk_telemetry.v2, e.g. dpdk-telemetry.py -f <prefix>):
 *   /linerate/stats   every stats.h counter summed over lcores
 *   /linerate/lcores  {"<lcore id>": {"idx", "socket", "busy_ratio_ppm",
 *                     every counter}, ...}
 *   /linerate/mrc     the provider's rows: {"total_requests",
 *                     "unique_users", "sum", "avg", "generation"}
 * Integer rows are u64 values; doubles are strings (DPDK 22.11 dicts
 * hold no double), the shortest decimal that reads back.
 * The callbacks run on DPDK's telemetry thread and only read (plain
 * loads). DPDK's callbacks take no argument: v is kept in a static and
 * must outlive the EAL. Call after rte_eal_init(); 0 or negative errno.
 */
int ctl_tel_register(const struct ctl_tel_view *v);

#endif
