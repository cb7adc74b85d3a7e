/* SPDX-License-Identifier: BSD-3-Clause */
/* metrics.h: GET /metrics, Prometheus text format 0.0.4. */
#ifndef LR_API_METRICS_H
#define LR_API_METRICS_H

#include <stddef.h>

#include "core/report.h"

struct http_router;
struct lcore_ctx;
struct metrics;
struct mrc_store;

/*
 * What /metrics reads. The handler runs on a data lcore and reads the
 * other lcores' counters with plain 64-bit loads (single-writer counters,
 * see core/stats.h); gauges (connections by state) may be torn snapshots.
 * The view is read at each request, so it may be filled in after
 * metrics_register() (the lcore contexts exist only later): until then
 * lcores is NULL / nb_lcores 0 and only the store's metrics are printed.
 */
struct metrics_view {
	struct lcore_ctx *const *lcores; /* NULL entries are skipped */
	unsigned int nb_lcores;
	struct mrc_store *mrc;		 /* NULL: no linerate_mrc_* */
	/* Rows from layers api does not see (the app passes the XDP
	 * counters, steer_report); written last. Runs on a data lcore: no
	 * syscalls, no allocation. fn NULL: none. */
	struct report_provider more;
};

/* Largest body /metrics makes; a bigger one answers 500 (counted). */
#define METRICS_BUF_SIZE (256u * 1024u)

/*
 * The /metrics route's state: the view and one METRICS_BUF_SIZE text
 * buffer per data lcore (touched only by the lcore that owns it; pages
 * of slots never used are never touched). v must outlive it. Returns
 * NULL with errno ENOMEM.
 */
struct metrics *metrics_create(const struct metrics_view *v);

/* Free m; the router must not route to it any more. NULL is a no-op. */
void metrics_free(struct metrics *m);

/*
 * Add GET /metrics (route name "metrics") to r, m as its argument. m
 * (and r: route names are read from it) must outlive the router. Returns
 * the route index or a negative errno from http_router_add.
 */
int metrics_register(struct http_router *r, struct metrics *m);

/*
 * The exposition text into buf: every metric family once, "# HELP" and
 * "# TYPE" lines first, samples grouped. r gives the route names (NULL:
 * no linerate_http_responses_total). Returns the length (< cap) or
 * -ENOSPC. Plain loads only, no allocation, no syscalls.
 */
int metrics_text(const struct metrics_view *v, const struct http_router *r,
		 char *buf, size_t cap);

/* Prometheus label escaping (report_escape). */
size_t metrics_escape(const char *in, char *out, size_t cap);

#endif
