/* SPDX-License-Identifier: BSD-3-Clause */
/* http.h: HTTP/1.1 server API for endpoint handlers and the app. */
#ifndef LR_HTTP_HTTP_H
#define LR_HTTP_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "http/parser.h"
#include "http/router.h"

struct lcore_ctx;
struct http_conn;
struct tcp_ops;

/*
 * One request being answered. Everything points into the receive buffer
 * and is valid only during the handler call; a handler answers with
 * exactly one http_respond*() call (the server answers 500 if it forgets).
 */
struct http_exchange {
	struct lcore_ctx *lc;
	struct http_conn *conn;
	const struct http_request *req;
	const char *body;
	uint32_t body_len;
	uint8_t nparams;
	struct http_param params[HTTP_MAX_PARAMS];
	void *arg;  /* the route's argument (a store...) */
	int route;  /* route index, for counters */
	int status; /* set when answered */
	bool close; /* answer with "Connection: close" and close */
	const char *allow; /* extra header lines for the answer, or NULL */
};

/*
 * Answer x: status, Content-Type (NULL for none), body of len bytes (not
 * sent for HEAD; Content-Length still says len). Adds Date, Content-Length
 * and Connection as the request's version and keep-alive call for.
 */
void http_respond(struct http_exchange *x, int status, const char *ctype,
		  const void *body, size_t len);

/* http_respond with Content-Type: application/json. */
void http_respond_json(struct http_exchange *x, int status, const char *json,
		       size_t len);

/* {"error":"<msg>"} with status (msg must not need JSON escaping). */
void http_respond_error(struct http_exchange *x, int status, const char *msg);

/* Empty body, Content-Length: 0. */
void http_respond_empty(struct http_exchange *x, int status);

/* Status classes counted per route and lcore (1xx..5xx). */
#define HTTP_CLASSES 5
/* Requests that matched no route (404, 405, 4xx from the parser). */
#define HTTP_ROUTE_NONE HTTP_MAX_ROUTES

/*
 * Per-lcore HTTP state (connection pool, buffers, Date cache, counters),
 * allocated on ctx->socket_id and attached to ctx->http. The router is
 * shared read-only. Returns 0 or -ENOMEM.
 */
int http_lcore_init(struct lcore_ctx *ctx, const struct http_router *r);
void http_lcore_fini(struct lcore_ctx *ctx);

/* The TCP callbacks that run HTTP on a listening port. */
extern const struct tcp_ops http_tcp_ops;

/* Responses by route and status class on one lcore (read by ctl/metrics):
 * counts[route][class-1]; route HTTP_ROUTE_NONE for unrouted requests. */
const uint64_t (*http_route_counts(const struct lcore_ctx *ctx))[HTTP_CLASSES];

/* HTTP connections open on this lcore (leak checks). */
uint32_t http_conn_count(const struct lcore_ctx *ctx);

/* The shared router the lcore serves. */
const struct http_router *http_lcore_router(const struct lcore_ctx *ctx);

#endif
