/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * metrics.c: GET /metrics in the Prometheus text format 0.0.4.
 *
 * Memory: no allocation per request. Each data lcore has its own slot of
 * METRICS_BUF_SIZE bytes in .bss (indexed by ctx->idx; untouched slots
 * cost no memory), the text is built there and streamed out with
 * http_stream_start(), so the send queue never has to hold it whole. A
 * second /metrics on the same lcore before the first body is out rebuilds
 * the slot; the first stream notices (generation in its param) and is
 * aborted rather than sending a mix.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "api/metrics.h"
#include "api/mrc_store.h"
#include "core/config.h"
#include "core/lcore.h"
#include "core/stats.h"
#include "http/http.h"
#include "net/tcp.h"
#include "steer/steer.h"

#define METRICS_CTYPE "text/plain; version=0.0.4"

struct metrics_out {
	char *buf;
	size_t cap;
	size_t len;
	bool full;
};

static void __attribute__((format(printf, 2, 3)))
metrics_put(struct metrics_out *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (o->full)
		return;
	va_start(ap, fmt);
	n = vsnprintf(o->buf + o->len, o->cap - o->len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= o->cap - o->len) {
		o->full = true;
		return;
	}
	o->len += (size_t)n;
}

static void
metrics_family(struct metrics_out *o, const char *name, const char *type,
	       const char *help)
{
	metrics_put(o, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* Another lcore's single-writer counter: one plain 64-bit load. */
static inline uint64_t
metrics_load(const uint64_t *p)
{
	return *(const volatile uint64_t *)p;
}

size_t
metrics_escape(const char *in, char *out, size_t cap)
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

static void
metrics_http(struct metrics_out *o, const struct metrics_view *v,
	     const struct http_router *r)
{
	static const char *const cls[HTTP_CLASSES] = { "1xx", "2xx", "3xx",
						       "4xx", "5xx" };
	char name[128];

	metrics_family(o, "linerate_http_responses_total", "counter",
		       "HTTP responses by route and status class.");
	for (uint32_t rt = 0; rt <= r->nroutes && rt <= HTTP_ROUTE_NONE; rt++) {
		uint32_t idx = rt == r->nroutes ? HTTP_ROUTE_NONE : rt;

		if (idx == HTTP_ROUTE_NONE)
			snprintf(name, sizeof(name), "none");
		else
			metrics_escape(r->routes[rt].name ? r->routes[rt].name :
				       r->routes[rt].pattern, name, sizeof(name));
		for (int c = 0; c < HTTP_CLASSES; c++) {
			uint64_t sum = 0;

			for (unsigned int i = 0; v->lcores && i < v->nb_lcores; i++) {
				const struct lcore_ctx *ctx = v->lcores[i];

				if (ctx && ctx->http)
					sum += metrics_load(
						&http_route_counts(ctx)[idx][c]);
			}
			metrics_put(o, "linerate_http_responses_total{route=\"%s\","
				    "class=\"%s\"} %" PRIu64 "\n", name, cls[c], sum);
		}
	}
}

static void
metrics_mrc(struct metrics_out *o, struct mrc_store *s)
{
	struct mrc_stats st;

	mrc_store_stats(s, &st);
	metrics_family(o, "linerate_mrc_events_total", "counter",
		       "1MRC events recorded since the last reset.");
	metrics_put(o, "linerate_mrc_events_total %" PRIu64 "\n",
		    st.total_requests);
	metrics_family(o, "linerate_mrc_unique_users", "gauge",
		       "1MRC distinct users since the last reset.");
	metrics_put(o, "linerate_mrc_unique_users %" PRIu64 "\n",
		    st.unique_users);
	metrics_family(o, "linerate_mrc_sum", "gauge",
		       "1MRC sum of event values since the last reset.");
	metrics_put(o, "linerate_mrc_sum %.17g\n", st.sum);
}

static void
metrics_lcores(struct metrics_out *o, const struct metrics_view *v)
{
	char name[96], help[160];

	metrics_family(o, "linerate_tcp_connections", "gauge",
		       "TCP connections by state (LISTEN: listening ports).");
	for (unsigned int i = 0; v->lcores && i < v->nb_lcores; i++) {
		const struct lcore_ctx *ctx = v->lcores[i];
		uint32_t counts[TCP_NSTATES];

		if (!ctx)
			continue;
		tcp_state_counts(ctx, counts);
		for (int s = TCP_LISTEN; s < TCP_NSTATES; s++)
			metrics_put(o, "linerate_tcp_connections{state=\"%s\","
				    "lcore=\"%u\"} %" PRIu32 "\n",
				    tcp_state_name(s), ctx->lcore_id, counts[s]);
	}
	for (int id = 0; id < ST__COUNT; id++) {
		snprintf(name, sizeof(name), "linerate_%s_total",
			 stats_name((enum stats_id)id));
		snprintf(help, sizeof(help), "Per-lcore counter %s.",
			 stats_name((enum stats_id)id));
		metrics_family(o, name, "counter", help);
		for (unsigned int i = 0; v->lcores && i < v->nb_lcores; i++) {
			const struct lcore_ctx *ctx = v->lcores[i];

			if (ctx)
				metrics_put(o, "%s{lcore=\"%u\"} %" PRIu64 "\n", name,
					    ctx->lcore_id,
					    metrics_load(&ctx->stats.v[id]));
		}
	}
	metrics_family(o, "linerate_lcore_busy_ratio", "gauge",
		       "Share of an lcore's cycles spent on work since start.");
	for (unsigned int i = 0; v->lcores && i < v->nb_lcores; i++) {
		const struct lcore_ctx *ctx = v->lcores[i];
		uint64_t busy, idle;

		if (!ctx)
			continue;
		busy = metrics_load(&ctx->stats.v[ST_cycles_busy]);
		idle = metrics_load(&ctx->stats.v[ST_cycles_idle]);
		metrics_put(o, "linerate_lcore_busy_ratio{lcore=\"%u\"} %.6f\n",
			    ctx->lcore_id, busy + idle ?
			    (double)busy / (double)(busy + idle) : 0.0);
	}
}

int
metrics_text(const struct metrics_view *v, const struct http_router *r,
	     char *buf, size_t cap)
{
	struct metrics_out o = { .buf = buf, .cap = cap };

	if (!buf || cap == 0)
		return -ENOSPC;
	buf[0] = '\0';
	if (r)
		metrics_http(&o, v, r);
	if (v->mrc)
		metrics_mrc(&o, v->mrc);
	metrics_lcores(&o, v);
	if (v->xdp && !o.full) {
		struct steer_counters c;
		char iface[64];
		int n;

		/* The main lcore refreshes the snapshot; no syscall here. */
		steer_counters_snapshot(v->xdp, &c);
		metrics_escape(v->iface ? v->iface : "", iface, sizeof(iface));
		n = steer_metrics_text(&c, iface, o.buf + o.len, o.cap - o.len);
		if (n < 0)
			o.full = true;
		else
			o.len += (size_t)n;
	}
	if (o.full)
		return -ENOSPC;
	return (int)o.len;
}

/* One slot per data lcore; only the owning lcore touches its slot. */
struct metrics_slot {
	uint32_t gen;
	uint32_t len;
	char buf[METRICS_BUF_SIZE];
};

static struct metrics_slot metrics_slots[CONFIG_MAX_LCORES];

struct metrics_route {
	const struct metrics_view *v;
	const struct http_router *r;
};

/* One /metrics route per process (the app has one router). */
static struct metrics_route metrics_route;

static size_t
metrics_stream(void *arg, uint64_t param, uint64_t off, char *buf, size_t cap)
{
	const struct metrics_slot *sl = &metrics_slots[param >> 32];
	size_t n;

	(void)arg;
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
	const struct metrics_route *mr = x->arg;
	unsigned int idx = x->lc->idx;
	struct metrics_slot *sl;
	int n;

	if (idx >= CONFIG_MAX_LCORES) {
		http_respond_error(x, 500, "no metrics buffer for this lcore");
		return;
	}
	sl = &metrics_slots[idx];
	sl->gen++;
	n = metrics_text(mr->v, mr->r, sl->buf, sizeof(sl->buf));
	if (n < 0) {
		sl->len = 0;
		http_respond_error(x, 500, "metrics exceed the buffer");
		return;
	}
	sl->len = (uint32_t)n;
	http_stream_start(x, 200, METRICS_CTYPE, (uint64_t)n, metrics_stream,
			  NULL, ((uint64_t)idx << 32) | sl->gen);
}

int
metrics_register(struct http_router *r, const struct metrics_view *v)
{
	metrics_route.v = v;
	metrics_route.r = r;
	return http_router_add(r, HTTP_METHOD_BIT(HTTP_M_GET), "/metrics",
			       metrics_handler, &metrics_route, "metrics");
}
