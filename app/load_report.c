/* SPDX-License-Identifier: BSD-3-Clause */
/* load_report.c: linerate-load's totals, the /stats check and the report. */
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "load.h"

void
load_result_merge(struct load_result *r, struct load_lcore *const *lc,
		  unsigned int n, uint64_t users)
{
	size_t words = (size_t)((users + 63) / 64);

	for (unsigned int i = 0; i < n; i++) {
		r->sent += lc[i]->sent;
		r->ok += lc[i]->ok;
		r->non2xx += lc[i]->non2xx;
		r->conn_errors += lc[i]->conn_errors;
		r->connects += lc[i]->connects;
		r->uncertain += lc[i]->uncertain + lc[i]->in_flight;
		r->in_flight_left += lc[i]->in_flight;
		r->sum_halves += lc[i]->sum_halves;
		load_hist_merge(&r->hist, &lc[i]->hist);
	}
	for (size_t w = 0; w < words; w++) {
		uint64_t bits = 0;

		for (unsigned int i = 0; i < n; i++)
			bits |= lc[i]->users[w];
		r->uniq += (uint64_t)__builtin_popcountll(bits);
	}
}

bool
load_stats_parse(const char *body, double st[4])
{
	static const char *const keys[4] = {
		"\"totalRequests\"", "\"uniqueUsers\"", "\"sum\"", "\"avg\""};
	const char *p;
	char *end;

	for (int i = 0; i < 4; i++) {
		p = strstr(body, keys[i]);
		if (!p)
			return false;
		p += strlen(keys[i]);
		while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
			p++;
		if (*p++ != ':')
			return false;
		st[i] = strtod(p, &end);
		if (end == p)
			return false;
	}
	return true;
}

static void load_diff(struct load_result *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void
load_diff(struct load_result *r, const char *fmt, ...)
{
	size_t n = strlen(r->diff);
	va_list ap;

	if (n >= sizeof(r->diff) - 1)
		return;
	va_start(ap, fmt);
	vsnprintf(r->diff + n, sizeof(r->diff) - n, fmt, ap);
	va_end(ap);
}

void
load_check(struct load_result *r)
{
	double sum = (double)r->sum_halves / 2, total = (double)r->ok;
	double avg = r->ok ? sum / total : 0;

	r->exact = 1;
	if (r->uncertain) {
		load_diff(r, "%" PRIu64 " requests of unknown fate; ",
			  r->uncertain);
		r->exact = 0;
	}
	if (r->st[0] != total) {
		load_diff(r, "totalRequests %.0f != %.0f; ", r->st[0], total);
		r->exact = 0;
	}
	if (r->st[1] != (double)r->uniq) {
		load_diff(r, "uniqueUsers %.0f != %" PRIu64 "; ", r->st[1],
			  r->uniq);
		r->exact = 0;
	}
	if (r->st[2] != sum) {
		load_diff(r, "sum %.1f != %.1f; ", r->st[2], sum);
		r->exact = 0;
	}
	/* avg is printed rounded: equal to its printed precision. */
	if (fabs(r->st[3] - avg) > 1e-9 * fmax(1, fabs(avg))) {
		load_diff(r, "avg %.9g != %.9g; ", r->st[3], avg);
		r->exact = 0;
	}
}

static void
load_report_json(const struct load_result *r)
{
	const struct load_hist *h = &r->hist;
	double rps = r->elapsed_s > 0 ? (double)r->ok / r->elapsed_s : 0;

	printf("{\"requests\":%" PRIu64 ",\"responses_2xx\":%" PRIu64
	       ",\"errors\":%" PRIu64 ",\"non_2xx\":%" PRIu64
	       ",\"conn_errors\":%" PRIu64 ",\"uncertain\":%" PRIu64
	       ",\"unique_users\":%" PRIu64 ",\"connects\":%" PRIu64
	       ",\"elapsed_s\":%.6f"
	       ",\"req_per_s\":%.1f,\"latency_us\":{\"p50\":%.3f,\"p90\":%.3f"
	       ",\"p99\":%.3f,\"p999\":%.3f,\"max\":%.3f},\"exact\":%s",
	       r->sent, r->ok, r->non2xx + r->conn_errors, r->non2xx,
	       r->conn_errors, r->uncertain, r->uniq, r->connects, r->elapsed_s,
	       rps, load_hist_quantile(h, 0.5) / 1e3,
	       load_hist_quantile(h, 0.9) / 1e3,
	       load_hist_quantile(h, 0.99) / 1e3,
	       load_hist_quantile(h, 0.999) / 1e3, h->max / 1e3,
	       r->exact < 0 ? "null"
	       : r->exact   ? "true"
			    : "false");
	if (r->have_stats)
		printf(",\"server_stats\":%s", r->stats_json);
	else
		printf(",\"server_stats\":null");
	if (r->diff[0]) {
		printf(",\"diff\":\"");
		for (const char *p = r->diff; *p; p++)
			if (*p != '"' && *p != '\\')
				putchar(*p);
		printf("\"");
	}
	printf("}\n");
}

void
load_report(const struct load_result *r, bool json)
{
	const struct load_hist *h = &r->hist;

	if (json) {
		load_report_json(r);
		return;
	}
	printf("requests %" PRIu64 ", 2xx %" PRIu64 ", non-2xx %" PRIu64
	       ", connection errors %" PRIu64 ", unknown fate %" PRIu64
	       ", connections %" PRIu64 "\n",
	       r->sent, r->ok, r->non2xx, r->conn_errors, r->uncertain,
	       r->connects);
	printf("%.3f s, %.0f req/s\n", r->elapsed_s,
	       r->elapsed_s > 0 ? (double)r->ok / r->elapsed_s : 0);
	printf("latency us: p50 %.1f p90 %.1f p99 %.1f p99.9 %.1f max %.1f\n",
	       load_hist_quantile(h, 0.5) / 1e3,
	       load_hist_quantile(h, 0.9) / 1e3,
	       load_hist_quantile(h, 0.99) / 1e3,
	       load_hist_quantile(h, 0.999) / 1e3, h->max / 1e3);
	if (r->exact >= 0)
		printf("check: %s%s%s\n", r->exact ? "EXACT OK" : "MISMATCH: ",
		       r->exact ? "" : r->diff,
		       r->have_stats ? "" : " (no /stats)");
}
