/* SPDX-License-Identifier: BSD-3-Clause */
/* mrc_format.c: the 1MRC totals rendered: /stats JSON and report rows. */
#include <errno.h>
#include <float.h>
#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "api/mrc_format.h"
#include "api/mrc_store.h"
#include "core/fmt.h"
#include "core/report.h"

/* v as exactly w decimal digits, zero-padded, at p; the end. */
static char *
mrc_put_u64_w(char *p, uint64_t v, int w)
{
	for (int i = w - 1; i >= 0; i--) {
		p[i] = (char)('0' + v % 10);
		v /= 10;
	}
	return p + w;
}

/* v (< 10^38) in decimal at p; the end. 64-bit divisions but for one
 * split past 2^64 (a 128-bit division is a libgcc call). */
static char *
mrc_put_u128(char *p, unsigned __int128 v)
{
	const uint64_t e19 = 10000000000000000000ull;

	if ((uint64_t)(v >> 64) == 0)
		return fmt_u64(p, (uint64_t)v);
	p = fmt_u64(p, (uint64_t)(v / e19));
	return mrc_put_u64_w(p, (uint64_t)(v % e19), 19);
}

/* v (in 1e-9 units) as an exact decimal with at least one fraction digit
 * at p; the end (not terminated). At most 50 bytes. */
static char *
mrc_put_exact(char *p, __int128 v)
{
	unsigned __int128 a =
		v < 0 ? -(unsigned __int128)v : (unsigned __int128)v;
	uint64_t fp;
	int k = MRC_EXACT_DIGITS;

	if (v < 0)
		*p++ = '-';
	if ((uint64_t)(a >> 64) == 0) {
		p = fmt_u64(p, (uint64_t)a / MRC_EXACT_SCALE);
		fp = (uint64_t)a % MRC_EXACT_SCALE;
	} else {
		/* |v| / 10^9 < 2^128 / 10^9 < 10^38 */
		p = mrc_put_u128(p, a / MRC_EXACT_SCALE);
		fp = (uint64_t)(a % MRC_EXACT_SCALE);
	}
	*p++ = '.';
	while (k > 1 && fp % 10 == 0) {
		fp /= 10;
		k--;
	}
	return mrc_put_u64_w(p, fp, k);
}

/* A JSON number at p, the end: the shortest round trip, non-finite
 * saturated. */
static char *
mrc_put_double(char *p, double d)
{
	if (!isfinite(d))
		d = signbit(d) ? -DBL_MAX : DBL_MAX;
	return p + fmt_double(p, 32, d, FMT_DOUBLE_POINT);
}

/* The sum divided by n (> 0), when it divides exactly: the quotient in
 * *q. 64-bit division when both fit (a 128-bit one is a libgcc call). */
static bool
mrc_exact_avg(__int128 sum, uint64_t n, __int128 *q)
{
	if (n <= INT64_MAX && sum > -(__int128)INT64_MAX &&
	    sum < (__int128)INT64_MAX) {
		int64_t s = (int64_t)sum;

		if (s % (int64_t)n != 0)
			return false;
		*q = s / (int64_t)n;
		return true;
	}
	if (sum % (__int128)n != 0)
		return false;
	*q = sum / (__int128)n;
	return true;
}

/* The fixed text of the /stats object, in order. */
#define MRC_JSON_TOTAL "{\"totalRequests\":"
#define MRC_JSON_USERS ",\"uniqueUsers\":"
#define MRC_JSON_SUM ",\"sum\":"
#define MRC_JSON_AVG ",\"avg\":"

/* Append the literal s at p; the end. */
#define MRC_PUT_LIT(p, s) (memcpy((p), (s), sizeof(s) - 1), (p) + sizeof(s) - 1)

int
mrc_stats_json(const struct mrc_stats *st, char *buf, size_t len)
{
	/* 4 fixed parts (46), two u64 (40), two numbers (<= 50 each). */
	char tmp[256], *p = tmp;
	__int128 q;
	size_t w;

	p = MRC_PUT_LIT(p, MRC_JSON_TOTAL);
	p = fmt_u64(p, st->total_requests);
	p = MRC_PUT_LIT(p, MRC_JSON_USERS);
	p = fmt_u64(p, st->unique_users);
	p = MRC_PUT_LIT(p, MRC_JSON_SUM);
	if (st->n_inexact == 0)
		p = mrc_put_exact(p, st->sum_exact);
	else
		p = mrc_put_double(p, st->sum);
	p = MRC_PUT_LIT(p, MRC_JSON_AVG);
	if (st->total_requests == 0)
		p = mrc_put_exact(p, 0);
	else if (st->n_inexact == 0 &&
		 mrc_exact_avg(st->sum_exact, st->total_requests, &q))
		p = mrc_put_exact(p, q);
	else
		p = mrc_put_double(p, st->avg);
	*p++ = '}';
	w = (size_t)(p - tmp);
	if (w >= len)
		return -ENOSPC;
	memcpy(buf, tmp, w);
	buf[w] = '\0';
	return (int)w;
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
