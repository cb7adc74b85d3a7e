/* SPDX-License-Identifier: BSD-3-Clause */
/* report.h: counters as rows, and the one Prometheus and one JSON writer. */
#ifndef LR_CORE_REPORT_H
#define LR_CORE_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct json_t;
struct stats;

/*
 * Every layer reports its counters the same way: it hands rows to a sink
 * and knows nothing of the output format. The sinks here write
 * Prometheus text (report_prom) or add keys to a JSON object
 * (report_json); lib/ctl adds one for DPDK telemetry. A producer runs on
 * whatever thread asked (a data lcore for /metrics): no allocation, no
 * syscalls, plain loads of single-writer counters.
 */

enum report_type {
	REPORT_COUNTER, /* Prometheus family linerate_<name>_total */
	REPORT_GAUGE,	/* Prometheus family linerate_<name> */
};

enum report_fmt {
	REPORT_U64,   /* u; JSON clamps at INT64_MAX */
	REPORT_F64,   /* d, shortest round trip (fmt_double) */
	REPORT_RATIO, /* d in [0, 1]: Prometheus prints 6 decimals */
};

/* One value. Strings are borrowed for the call only. */
struct report_row {
	/* Prometheus family without "linerate_" and "_total"; NULL: the row
	 * is not in Prometheus text. Rows of one family come together. */
	const char *name;
	const char *help;   /* the family's HELP text */
	enum report_type type;
	/* Prometheus labels, already escaped (report_escape):
	 * lcore="1",state="LISTEN"; NULL: none. */
	const char *labels;
	/* Key in JSON objects and telemetry dicts; NULL: not there. */
	const char *key;
	enum report_fmt fmt;
	uint64_t u;
	double d;
	/* Only declare the family (Prometheus HELP and TYPE, no sample):
	 * a family stays listed while it has no samples (no lcores yet).
	 * Other sinks ignore the row. */
	bool declare;
};

/* Where rows go; embed it first in the sink's own struct. */
struct report_sink {
	void (*row)(struct report_sink *s, const struct report_row *r);
};

/* A producer the app hands to a layer that must not know its source
 * (metrics: the XDP counters; telemetry: the 1MRC totals). */
typedef void (*report_fn)(void *arg, struct report_sink *s);

struct report_provider {
	report_fn fn; /* NULL: nothing to report */
	void *arg;
};

static inline void
report_put(struct report_sink *s, const struct report_row *r)
{
	s->row(s, r);
}

/* Run a provider (no-op when p or p->fn is NULL). */
static inline void
report_run(const struct report_provider *p, struct report_sink *s)
{
	if (p && p->fn)
		p->fn(p->arg, s);
}

/*
 * One counter of core/stats.h: name and key stats_name(id), a counter
 * with help "Per-lcore counter <name>.".
 */
void report_stat(struct report_sink *s, unsigned int id, uint64_t v,
		 const char *labels);

/*
 * Copy another lcore's counters while it runs: one plain 64-bit load each
 * (single writer, aligned); volatile so every load really happens.
 */
void report_stats_load(struct stats *out, const struct stats *live);

/* cycles_busy / (cycles_busy + cycles_idle) of st; 0 before any cycle. */
double report_busy_ratio(const struct stats *st);

/* Declare counter id's family only (a declare row). */
void report_stat_declare(struct report_sink *s, unsigned int id);

/* Every counter of st in stats.h order (report_stat each). */
void report_stats(struct report_sink *s, const struct stats *st,
		  const char *labels);

/*
 * Label value escaping per the Prometheus text format (\\, \", \n) into
 * out (cap bytes); returns the length written, always terminated when
 * cap > 0; truncates, never inside an escape.
 */
size_t report_escape(const char *in, char *out, size_t cap);

/*
 * The Prometheus text 0.0.4 writer: "# HELP" and "# TYPE" before the
 * first row of each family, then "linerate_<name>[_total]{labels} value".
 * Rows without a name are skipped. Doubles that are not finite print as
 * +Inf, -Inf, NaN.
 */
struct report_prom {
	struct report_sink sink;
	char *buf;
	size_t cap;
	size_t len;
	bool full;
	char family[128]; /* the family of the last row written */
};

/* Start writing into buf (cap bytes; buf stays terminated). */
void report_prom_init(struct report_prom *p, char *buf, size_t cap);

/* The text length (< cap), or -ENOSPC when it did not fit. */
int report_prom_end(const struct report_prom *p);

/*
 * The JSON writer: each row with a key becomes obj[key] (set, so a later
 * row replaces an earlier one): integers for REPORT_U64, reals otherwise
 * (null when not finite). rc is 0, or -ENOMEM once a set failed.
 */
struct report_json {
	struct report_sink sink;
	struct json_t *obj; /* borrowed */
	int rc;
};

void report_json_init(struct report_json *j, struct json_t *obj);

#endif
