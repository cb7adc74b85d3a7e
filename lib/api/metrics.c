/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * metrics.c: GET /metrics in the Prometheus text format 0.0.4.
 *
 * Each layer's counters become rows (core/report.h) that the one
 * Prometheus writer formats. Memory: no allocation per request. Each data
 * lcore has its own slot of METRICS_BUF_SIZE bytes in struct metrics
 * (indexed by ctx->idx; untouched slots cost no memory), the text is
 * built there and streamed out with http_stream_start(), so the send
 * queue never has to hold it whole. A second /metrics on the same lcore
 * before the first body is out rebuilds the slot; the first stream
 * notices (generation in its param) and is aborted rather than sending a
 * mix.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/metrics.h"
#include "api/mrc_format.h"
#include "api/mrc_store.h"
#include "core/config.h"
#include "core/lcore.h"
#include "core/stats.h"
#include "http/http.h"
#include "net/tcp.h"

#define METRICS_CTYPE "text/plain; version=0.0.4"

/* One slot per data lcore; only the owning lcore touches its slot. */
struct metrics_slot {
	uint32_t gen;
	uint32_t len;
	char buf[METRICS_BUF_SIZE];
};

struct metrics {
	const struct metrics_view *v;
	const struct http_router *r; /* set by metrics_register */
	struct metrics_slot slots[CONFIG_MAX_LCORES];
};

/* Another lcore's single-writer counter: one plain 64-bit load. */
static inline uint64_t
metrics_load(const uint64_t *p)
{
	return *(const volatile uint64_t *)p;
}

size_t
metrics_escape(const char *in, char *out, size_t cap)
{
	return report_escape(in, out, cap);
}

/* Responses of route idx in status class c, summed over the lcores. */
static uint64_t
metrics_route_sum(const struct metrics_view *v, uint32_t idx, int c)
{
	uint64_t sum = 0;

	for (unsigned int i = 0; v->lcores && i < v->nb_lcores; i++) {
		const struct lcore_ctx *ctx = v->lcores[i];

		if (ctx && ctx->http)
			sum += metrics_load(&http_route_counts(ctx)[idx][c]);
	}
	return sum;
}

static void
metrics_http(struct report_sink *s, const struct metrics_view *v,
	     const struct http_router *r)
{
	static const char *const cls[HTTP_CLASSES] = { "1xx", "2xx", "3xx",
						       "4xx", "5xx" };
	struct report_row row = {
		.name = "http_responses",
		.help = "HTTP responses by route and status class.",
		.type = REPORT_COUNTER, .fmt = REPORT_U64,
	};
	char name[128], labels[192];

	row.labels = labels;
	for (uint32_t rt = 0; rt <= r->nroutes && rt <= HTTP_ROUTE_NONE; rt++) {
		uint32_t idx = rt == r->nroutes ? HTTP_ROUTE_NONE : rt;

		if (idx == HTTP_ROUTE_NONE)
			snprintf(name, sizeof(name), "none");
		else
			report_escape(r->routes[rt].name ? r->routes[rt].name :
				      r->routes[rt].pattern, name, sizeof(name));
		for (int c = 0; c < HTTP_CLASSES; c++) {
			row.u = metrics_route_sum(v, idx, c);
			snprintf(labels, sizeof(labels),
				 "route=\"%s\",class=\"%s\"", name, cls[c]);
			report_put(s, &row);
		}
	}
}

static void
metrics_lcores(struct report_sink *s, const struct metrics_view *v)
{
	struct report_row conns = {
		.name = "tcp_connections",
		.help = "TCP connections by state (LISTEN: listening ports).",
		.type = REPORT_GAUGE, .fmt = REPORT_U64,
	};
	struct report_row busy = {
		.name = "lcore_busy_ratio",
		.help = "Share of an lcore's cycles spent on work since start.",
		.type = REPORT_GAUGE, .fmt = REPORT_RATIO,
	};
	char labels[64];

	conns.labels = busy.labels = labels;
	conns.declare = true;
	report_put(s, &conns);
	conns.declare = false;
	for (unsigned int i = 0; v->lcores && i < v->nb_lcores; i++) {
		const struct lcore_ctx *ctx = v->lcores[i];
		uint32_t counts[TCP_NSTATES];

		if (!ctx)
			continue;
		tcp_state_counts(ctx, counts);
		for (int st = TCP_LISTEN; st < TCP_NSTATES; st++) {
			snprintf(labels, sizeof(labels),
				 "state=\"%s\",lcore=\"%u\"", tcp_state_name(st),
				 ctx->lcore_id);
			conns.u = counts[st];
			report_put(s, &conns);
		}
	}
	for (unsigned int id = 0; id < ST__COUNT; id++) {
		report_stat_declare(s, id);
		for (unsigned int i = 0; v->lcores && i < v->nb_lcores; i++) {
			const struct lcore_ctx *ctx = v->lcores[i];

			if (!ctx)
				continue;
			snprintf(labels, sizeof(labels), "lcore=\"%u\"",
				 ctx->lcore_id);
			report_stat(s, id, metrics_load(&ctx->stats.v[id]),
				    labels);
		}
	}
	busy.declare = true;
	report_put(s, &busy);
	busy.declare = false;
	for (unsigned int i = 0; v->lcores && i < v->nb_lcores; i++) {
		const struct lcore_ctx *ctx = v->lcores[i];
		struct stats st;

		if (!ctx)
			continue;
		report_stats_load(&st, &ctx->stats);
		busy.d = report_busy_ratio(&st);
		snprintf(labels, sizeof(labels), "lcore=\"%u\"", ctx->lcore_id);
		report_put(s, &busy);
	}
}

int
metrics_text(const struct metrics_view *v, const struct http_router *r,
	     char *buf, size_t cap)
{
	struct report_prom p;

	report_prom_init(&p, buf, cap);
	if (r)
		metrics_http(&p.sink, v, r);
	if (v->mrc) {
		struct mrc_stats st;

		mrc_store_stats(v->mrc, &st);
		mrc_report(&st, &p.sink);
	}
	metrics_lcores(&p.sink, v);
	if (v->lcores)
		mem_report(&p.sink, v->lcores, v->nb_lcores);
	if (!p.full)
		report_run(&v->more, &p.sink);
	return report_prom_end(&p);
}

static size_t
metrics_stream(void *arg, uint64_t param, uint64_t off, char *buf, size_t cap)
{
	const struct metrics *m = arg;
	const struct metrics_slot *sl = &m->slots[param >> 32];
	size_t n;

	if (sl->gen != (uint32_t)param || off >= sl->len)
		return 0; /* rebuilt under us: abort */
	n = sl->len - (size_t)off;
	if (n > cap)
		n = cap;
	memcpy(buf, sl->buf + off, n);
	return n;
}

static void
metrics_handler(struct http_exchange *x)
{
	struct metrics *m = x->arg;
	unsigned int idx = x->lc->idx;
	struct metrics_slot *sl;
	int n;

	if (idx >= CONFIG_MAX_LCORES) {
		http_respond_error(x, 500, "no metrics buffer for this lcore");
		return;
	}
	sl = &m->slots[idx];
	sl->gen++;
	n = metrics_text(m->v, m->r, sl->buf, sizeof(sl->buf));
	if (n < 0) {
		sl->len = 0;
		http_respond_error(x, 500, "metrics exceed the buffer");
		return;
	}
	sl->len = (uint32_t)n;
	http_stream_start(x, 200, METRICS_CTYPE, (uint64_t)n, metrics_stream,
			  m, ((uint64_t)idx << 32) | sl->gen);
}

struct metrics *
metrics_create(const struct metrics_view *v)
{
	/* calloc of this size maps fresh zero pages: a slot costs memory
	 * only once its lcore answers /metrics. */
	struct metrics *m = calloc(1, sizeof(*m));

	if (!m) {
		errno = ENOMEM;
		return NULL;
	}
	m->v = v;
	return m;
}

void
metrics_free(struct metrics *m)
{
	free(m);
}

int
metrics_register(struct http_router *r, struct metrics *m)
{
	m->r = r;
	return http_router_add(r, HTTP_METHOD_BIT(HTTP_M_GET), "/metrics",
			       metrics_handler, m, "metrics");
}
