/* SPDX-License-Identifier: BSD-3-Clause */
/* report_prom.c: the one Prometheus text 0.0.4 writer. */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/fmt.h"
#include "core/report.h"

static void __attribute__((format(printf, 2, 3)))
report_prom_put(struct report_prom *p, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (p->full)
		return;
	va_start(ap, fmt);
	n = vsnprintf(p->buf + p->len, p->cap - p->len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= p->cap - p->len) {
		p->full = true;
		p->buf[p->len] = '\0';
		return;
	}
	p->len += (size_t)n;
}

static void
report_prom_value(const struct report_row *r, char *v, size_t cap)
{
	switch (r->fmt) {
	case REPORT_U64:
		snprintf(v, cap, "%" PRIu64, r->u);
		return;
	case REPORT_RATIO:
	case REPORT_F64:
		break;
	}
	if (isnan(r->d))
		snprintf(v, cap, "NaN");
	else if (isinf(r->d))
		snprintf(v, cap, "%s", r->d < 0 ? "-Inf" : "+Inf");
	else if (r->fmt == REPORT_RATIO)
		snprintf(v, cap, "%.6f", r->d);
	else
		fmt_double(v, cap, r->d, 0);
}

static void
report_prom_row(struct report_sink *s, const struct report_row *r)
{
	struct report_prom *p = (struct report_prom *)s;
	const char *type = r->type == REPORT_COUNTER ? "counter" : "gauge";
	char family[sizeof(p->family)], v[48];

	if (!r->name)
		return;
	snprintf(family, sizeof(family), "linerate_%s%s", r->name,
		 r->type == REPORT_COUNTER ? "_total" : "");
	if (strcmp(family, p->family) != 0) {
		report_prom_put(p, "# HELP %s %s\n# TYPE %s %s\n", family,
				r->help ? r->help : r->name, family, type);
		memcpy(p->family, family, sizeof(family));
	}
	if (r->declare)
		return;
	report_prom_value(r, v, sizeof(v));
	if (r->labels && r->labels[0])
		report_prom_put(p, "%s{%s} %s\n", family, r->labels, v);
	else
		report_prom_put(p, "%s %s\n", family, v);
}

void
report_prom_init(struct report_prom *p, char *buf, size_t cap)
{
	memset(p, 0, sizeof(*p));
	p->sink.row = report_prom_row;
	p->buf = buf;
	p->cap = cap;
	p->full = !buf || cap == 0;
	if (!p->full)
		buf[0] = '\0';
}

int
report_prom_end(const struct report_prom *p)
{
	return p->full ? -ENOSPC : (int)p->len;
}
