/* SPDX-License-Identifier: BSD-3-Clause */
/* report.c: core's own rows (the stats.h counters) and label escaping. */
#include <stdio.h>
#include <string.h>

#include "core/report.h"
#include "core/stats.h"

static void
report_stat_row(struct report_sink *s, unsigned int id, uint64_t v,
		const char *labels, bool declare)
{
	const char *name = stats_name((enum stats_id)id);
	char help[160];
	struct report_row r = {
		.name = name, .help = help, .type = REPORT_COUNTER,
		.labels = labels, .key = name, .fmt = REPORT_U64, .u = v,
		.declare = declare,
	};

	snprintf(help, sizeof(help), "Per-lcore counter %s.", name);
	report_put(s, &r);
}

void
report_stat(struct report_sink *s, unsigned int id, uint64_t v,
	    const char *labels)
{
	report_stat_row(s, id, v, labels, false);
}

void
report_stat_declare(struct report_sink *s, unsigned int id)
{
	report_stat_row(s, id, 0, NULL, true);
}

void
report_stats(struct report_sink *s, const struct stats *st,
	     const char *labels)
{
	for (unsigned int id = 0; id < ST__COUNT; id++)
		report_stat(s, id, st->v[id], labels);
}

void
report_stats_load(struct stats *out, const struct stats *live)
{
	const volatile uint64_t *v = live->v;

	for (int i = 0; i < ST__COUNT; i++)
		out->v[i] = v[i];
}

double
report_busy_ratio(const struct stats *st)
{
	uint64_t busy = STAT_GET(st, cycles_busy);
	uint64_t idle = STAT_GET(st, cycles_idle);

	return busy + idle ? (double)busy / (double)(busy + idle) : 0.0;
}

size_t
report_escape(const char *in, char *out, size_t cap)
{
	size_t n = 0;

	if (cap == 0)
		return 0;
	for (; in && *in; in++) {
		const char *rep = NULL;
		size_t rl = 1;

		if (*in == '\\')
			rep = "\\\\";
		else if (*in == '"')
			rep = "\\\"";
		else if (*in == '\n')
			rep = "\\n";
		if (rep)
			rl = 2;
		if (n + rl >= cap)
			break;
		if (rep)
			memcpy(out + n, rep, 2);
		else
			out[n] = *in;
		n += rl;
	}
	out[n] = '\0';
	return n;
}
