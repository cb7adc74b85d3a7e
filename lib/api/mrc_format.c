/* SPDX-License-Identifier: BSD-3-Clause */
/* mrc_format.c: the 1MRC totals rendered: /stats JSON and report rows. */
#include <errno.h>
#include <float.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>

#include "api/mrc_format.h"
#include "api/mrc_store.h"
#include "core/fmt.h"
#include "core/report.h"

/* v (in 1e-9 units) as an exact decimal with at least one fraction digit. */
static void
mrc_fmt_exact(__int128 v, char *buf)
{
	unsigned __int128 a =
		v < 0 ? -(unsigned __int128)v : (unsigned __int128)v;
	unsigned __int128 ip = a / MRC_EXACT_SCALE;
	uint64_t fp = (uint64_t)(a % MRC_EXACT_SCALE);
	char tmp[48];
	int n = 0, k = MRC_EXACT_DIGITS;

	do {
		tmp[n++] = (char)('0' + (int)(ip % 10));
		ip /= 10;
	} while (ip);
	if (v < 0)
		*buf++ = '-';
	while (n)
		*buf++ = tmp[--n];
	*buf++ = '.';
	while (k > 1 && fp % 10 == 0) {
		fp /= 10;
		k--;
	}
	buf += k;
	*buf = '\0';
	while (k--) {
		*--buf = (char)('0' + fp % 10);
		fp /= 10;
	}
}

/* A JSON number: the shortest round trip, non-finite saturated. */
static void
mrc_fmt_double(double d, char *buf, size_t len)
{
	if (!isfinite(d))
		d = signbit(d) ? -DBL_MAX : DBL_MAX;
	fmt_double(buf, len, d, FMT_DOUBLE_POINT);
}

int
mrc_stats_json(const struct mrc_stats *st, char *buf, size_t len)
{
	char sum[64], avg[64];
	__int128 n = (__int128)st->total_requests;
	int w;

	if (st->n_inexact == 0)
		mrc_fmt_exact(st->sum_exact, sum);
	else
		mrc_fmt_double(st->sum, sum, sizeof(sum));
	if (st->total_requests == 0)
		mrc_fmt_exact(0, avg);
	else if (st->n_inexact == 0 && st->sum_exact % n == 0)
		mrc_fmt_exact(st->sum_exact / n, avg);
	else
		mrc_fmt_double(st->avg, avg, sizeof(avg));
	w = snprintf(buf, len,
		     "{\"totalRequests\":%" PRIu64 ",\"uniqueUsers\":%" PRIu64
		     ",\"sum\":%s,\"avg\":%s}",
		     st->total_requests, st->unique_users, sum, avg);
	if (w < 0 || (size_t)w >= len)
		return -ENOSPC;
	return w;
}

void
mrc_report(const struct mrc_stats *st, struct report_sink *s)
{
	const struct report_row rows[] = {
		{ .name = "mrc_events", .type = REPORT_COUNTER,
		  .help = "1MRC events recorded since the last reset.",
		  .key = "total_requests", .u = st->total_requests },
		{ .name = "mrc_unique_users", .type = REPORT_GAUGE,
		  .help = "1MRC distinct users since the last reset.",
		  .key = "unique_users", .u = st->unique_users },
		{ .name = "mrc_sum", .type = REPORT_GAUGE,
		  .help = "1MRC sum of event values since the last reset.",
		  .key = "sum", .fmt = REPORT_F64, .d = st->sum },
		{ .key = "avg", .fmt = REPORT_F64, .d = st->avg },
		{ .key = "generation", .u = st->generation },
	};

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		report_put(s, &rows[i]);
}

void
mrc_report_store(void *arg, struct report_sink *s)
{
	struct mrc_stats st;

	mrc_store_stats(arg, &st);
	mrc_report(&st, s);
}
