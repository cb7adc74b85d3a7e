/* SPDX-License-Identifier: BSD-3-Clause */
/* api.h: the benchmark route families of docs/API.md §2-§5, and helpers
 * they share (query strings, validation errors). */
#ifndef LR_API_API_H
#define LR_API_API_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "api/telemetry.h"

struct config;
struct http_exchange;
struct http_router;
struct series_store;

/*
 * The state behind the §2-§5 routes that outlives a request: created and
 * freed by the caller (the app), shared by every lcore, and passed to the
 * routes as their argument (no file-scope singletons).
 */
struct api_state {
	struct series_store *series;	  /* §3 models */
	struct telemetry_state telemetry; /* §5 counters */
};

/* Create the stores of st and zero its counters. Returns 0 or -ENOMEM
 * (nothing left held). */
int api_state_init(struct api_state *st);

/*
 * Free what api_state_init created and zero st; a zeroed state is fine.
 * No route registered with st may run any more.
 */
void api_state_fini(struct api_state *st);

/*
 * Register every family but §1 (the app registers mrc itself): §2 users,
 * §3 series, §4 tokens, §5 telemetry, served from st. cfg and st must
 * outlive r. Returns 0, -EINVAL (a store of st missing), -ENOSPC (router
 * full) or -ENOMEM.
 */
int api_register_all(struct http_router *r, const struct config *cfg,
		     struct api_state *st);

/* The families, for api_register_all (same return values). series_register
 * and telemetry_register serve from st (series_store_create; the caller's
 * telemetry_state), which must outlive r; NULL gives -EINVAL. */
int users_register(struct http_router *r, const struct config *cfg);
int series_register(struct http_router *r, const struct config *cfg,
		    struct series_store *st);
int tokens_register(struct http_router *r, const struct config *cfg);
int telemetry_register(struct http_router *r, const struct config *cfg,
		       struct telemetry_state *st);

/*
 * Percent-decode s[0..n) (RFC 3986 §2.1; '+' is a space, as in
 * application/x-www-form-urlencoded queries) into dst (cap bytes, not
 * terminated). Returns the decoded length, -EINVAL for a bad %XX escape,
 * -ENOSPC when dst is too small.
 */
int api_percent_decode(char *dst, size_t cap, const char *s, size_t n);

/*
 * Find the first name=value pair of a query string (no '?'). Returns true
 * and points *val, *vlen at the raw (still encoded) value, "" for "name"
 * or "name=", false when absent.
 */
bool api_query_find(const char *q, size_t qlen, const char *name,
		    const char **val, size_t *vlen);

/* A decimal integer (optional '-'), whole string, within int64. */
bool api_parse_int(const char *s, size_t n, int64_t *out);

/*
 * 422 {"detail":[{"type":type,"loc":[loc0,loc1],"msg":msg,"input":...}]}
 * as FastAPI writes it. loc1 may be NULL; input (raw, escaped here) NULL
 * gives "input":null.
 */
void api_respond_422(struct http_exchange *x, const char *type,
		     const char *loc0, const char *loc1, const char *msg,
		     const char *input, size_t input_len);

#endif
