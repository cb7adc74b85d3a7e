/* SPDX-License-Identifier: BSD-3-Clause */
/* log.h: linerate's log type on top of rte_log (init and control plane only). */
#ifndef LR_CORE_LOG_H
#define LR_CORE_LOG_H

#include <rte_log.h>

extern int log_type_linerate;

/* Register the "linerate" log type; safe to call more than once. */
void log_init(void);

/*
 * LOG(INFO, "fmt", ...): never on the data path (count instead, docs/DESIGN.md, coding rules).
 * Library code uses it only where an operator must see something happen
 * at init or shutdown; errors are returned, not logged.
 */
#define LOG(level, fmt, ...) \
	rte_log(RTE_LOG_##level, log_type_linerate, \
		"linerate: " fmt "\n", ##__VA_ARGS__)

#endif
