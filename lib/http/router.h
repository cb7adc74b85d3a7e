/* SPDX-License-Identifier: BSD-3-Clause */
/* router.h: method + path routing with {param} segments. */
#ifndef LR_HTTP_ROUTER_H
#define LR_HTTP_ROUTER_H

#include <stddef.h>
#include <stdint.h>

#define HTTP_MAX_ROUTES 64
#define HTTP_MAX_PARAMS 4

struct http_exchange;
typedef void (*http_handler_fn)(struct http_exchange *x);

/* A path parameter: pointer into the request target, not terminated. */
struct http_param {
	const char *p;
	uint32_t len;
};

/* Method bits for http_router_add (1u << enum http_method). */
#define HTTP_METHOD_BIT(m) (1u << (m))

struct http_route {
	const char *pattern; /* "/users/{id}" */
	const char *name;    /* for counters and /metrics ("users_get") */
	uint32_t methods;
	http_handler_fn fn;
	void *arg;
	uint16_t len;        /* pattern length (fast reject for static routes) */
	uint8_t nparams;
};

/* Routes are added at init and read-only afterwards (shared by lcores). */
struct http_router {
	uint32_t nroutes;
	/* Changes whenever the routes do (init, add): an answer kept for
	 * a path (head_cache.h) is valid while gen is what it was. */
	uint64_t gen;
	struct http_route routes[HTTP_MAX_ROUTES];
};

void http_router_init(struct http_router *r);

/*
 * Add a route: methods (HTTP_METHOD_BIT of each), pattern with literal
 * segments and "{name}" segments (one whole segment each), handler and its
 * argument, name for counters. HEAD is implied by GET. Returns the route
 * index, -ENOSPC when full, -EINVAL for a bad pattern.
 */
int http_router_add(struct http_router *r, uint32_t methods,
		    const char *pattern, http_handler_fn fn, void *arg,
		    const char *name);

/* One row of a route table for http_router_add_all. */
struct http_route_def {
	uint32_t methods;    /* HTTP_METHOD_BIT of each */
	const char *pattern; /* as for http_router_add */
	http_handler_fn fn;  /* NULL: the row is skipped (a route turned off) */
	const char *name;
};

/*
 * Add the n rows of defs in order, each with arg as its argument, as
 * http_router_add does; rows whose fn is NULL are skipped. Returns 0, or
 * the first error (-ENOSPC, -EINVAL); the rows before it stay added.
 */
int http_router_add_all(struct http_router *r,
			const struct http_route_def *defs, size_t n, void *arg);

/* Result of a lookup. */
struct http_match {
	int route;          /* index; -1 when none */
	uint32_t allowed;   /* methods of the routes matching the path */
	uint8_t nparams;
	struct http_param params[HTTP_MAX_PARAMS];
};

/*
 * Match path (no query) and method. Returns the route index and fills m,
 * or -1: with m->allowed == 0 the path is unknown (404), otherwise the
 * path exists for other methods (405 with Allow from m->allowed).
 */
int http_router_match(const struct http_router *r, int method,
		      const char *path, size_t len, struct http_match *m);

/* "GET, HEAD, POST" from a method mask into buf; returns length. */
size_t http_router_allow(uint32_t methods, char *buf, size_t cap);

#endif
