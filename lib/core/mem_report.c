/* SPDX-License-Identifier: BSD-3-Clause */
/* mem_report.c: the memory budget's classes as report rows (/metrics). */
#include <stdio.h>

#include "core/lcore.h"
#include "core/mem.h"
#include "core/report.h"

enum mem_field { MF_LIMIT, MF_IN_USE, MF_HIGH, MF_REFUSALS, MF_PRUNES, MF_N };

static const struct {
	const char *name, *help;
	enum report_type type;
} mem_fields[MF_N] = {
	[MF_LIMIT] = { "mem_limit_bytes",
		       "Memory budget limit of a class on an lcore.",
		       REPORT_GAUGE },
	[MF_IN_USE] = { "mem_in_use_bytes",
			"Memory a class holds now (mbufs at their full size).",
			REPORT_GAUGE },
	[MF_HIGH] = { "mem_high_bytes", "Highest in_use a class has reached.",
		      REPORT_GAUGE },
	[MF_REFUSALS] = { "mem_refusals",
			  "Charges refused because a class was at its limit.",
			  REPORT_COUNTER },
	[MF_PRUNES] = { "mem_prunes",
			"Reclaim actions at a limit (mbufs pruned, queues aborted).",
			REPORT_COUNTER },
};

static uint64_t
mem_field_value(const struct mem_class_stat *c, enum mem_field f)
{
	switch (f) {
	case MF_LIMIT: return c->limit;
	case MF_IN_USE: return c->in_use;
	case MF_HIGH: return c->high;
	case MF_REFUSALS: return c->refusals;
	default: return c->prunes;
	}
}

void
mem_report(struct report_sink *s, struct lcore_ctx *const *lcores,
	   unsigned int n)
{
	struct report_row row = { .fmt = REPORT_U64 };
	struct mem_snapshot snap;
	char labels[64];

	/* A snapshot per family and lcore: families come whole, one after
	 * the other (Prometheus text), and this is no hot path. */
	row.labels = labels;
	for (int f = 0; f < MF_N; f++) {
		row.name = mem_fields[f].name;
		row.help = mem_fields[f].help;
		row.type = mem_fields[f].type;
		row.declare = true;
		report_put(s, &row);
		row.declare = false;
		for (unsigned int i = 0; i < n; i++) {
			if (!lcores[i])
				continue;
			mem_snapshot(&lcores[i]->mem, &snap);
			for (int k = 0; k < MEM_NCLASSES; k++) {
				snprintf(labels, sizeof(labels),
					 "lcore=\"%u\",class=\"%s\"",
					 lcores[i]->lcore_id, mem_class_name(k));
				row.u = mem_field_value(&snap.cls[k], f);
				report_put(s, &row);
			}
		}
	}
	row = (struct report_row){
		.name = "mem_pool_avail_mbufs", .type = REPORT_GAUGE,
		.help = "Free mbufs in an lcore's RX pool.", .fmt = REPORT_U64,
		.labels = labels, .declare = true,
	};
	report_put(s, &row);
	row.declare = false;
	for (unsigned int i = 0; i < n; i++) {
		if (!lcores[i])
			continue;
		mem_snapshot(&lcores[i]->mem, &snap);
		snprintf(labels, sizeof(labels), "lcore=\"%u\"",
			 lcores[i]->lcore_id);
		row.u = snap.pool_avail;
		report_put(s, &row);
	}
}
