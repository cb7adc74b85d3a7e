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
struct http_lazy_req;
struct http_pending;
struct tcp_ops;

/*
 * One request being answered. Everything points into the receive buffer
 * and is valid only during the handler call; a handler answers with
 * exactly one http_respond*() call (the server answers 500 if it forgets).
 * The parsed head is http_exchange_request(x).
 */
struct http_exchange {
	struct lcore_ctx *lc;
	struct http_conn *conn;
	/* the request's body, read-only (http_exchange_request finds the
	 * head of a cached hit from them) */
	const char *body;
	uint32_t body_len;
	uint8_t nparams;
	struct http_param params[HTTP_MAX_PARAMS];
	void *arg;  /* the route's argument (a store...) */
	int route;  /* route index, for counters */
	int status; /* set when answered */
	bool close; /* answer with "Connection: close" and close */
	/* Internal to the server from here. The HTTP_RESP_* flags the
	 * request's version and keep-alive call for, and whether it is a
	 * HEAD: all an answer needs of the request. */
	uint8_t rflags;
	bool head_only;
	const char *allow; /* extra header lines for the answer, or NULL */
	/* The request head (NULL in a deferred exchange), or the head
	 * cache's hit that fills it on first use (http_exchange_request). */
	const struct http_request *head;
	struct http_lazy_req *lazy;
	/* Deferred exchanges only (head and lazy NULL then): the saved
	 * request facts. */
	const struct http_pending *pend;
};

/*
 * The parsed head of x's request (method, target, path, query, version,
 * header fields, framing), valid during the handler call, as the
 * strict parser (parser.h) makes it; NULL in a deferred exchange. A head
 * the server matched in its head cache is written out on the first call
 * only: handlers that need nothing but the route, params and body never
 * pay for it.
 */
const struct http_request *http_exchange_request(struct http_exchange *x);

/* x->status of an exchange whose answer comes later (http_defer). */
#define HTTP_STATUS_PENDING 1

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

/*
 * Deferred answers. The connection takes no further (pipelined) request
 * until the deferred answer is sent, so answers stay in order; the lcore
 * serves other connections meanwhile. The state lives in the connection:
 * no allocation per request (http_respond_after takes a buffer from the
 * lcore's buffer cache). A client that goes away first cancels it.
 */
typedef void (*http_defer_fn)(struct http_exchange *x, void *arg,
			      uint64_t param);

/*
 * Answer x later: after delay_us (timer wheel; granularity 128 us), fn is
 * called with a new exchange for the same request (no request head, params
 * and body are gone: what the answer needs goes in arg, the route's, and
 * param, the request's: an id...) and answers with http_respond*() or
 * http_stream_start(), or calls http_defer(x, ...) again to wait more
 * (polling something another thread completes); the server answers 500
 * if it does neither. Call from a handler instead of answering. Nothing
 * is allocated.
 * Returns 0, or -EBUSY when x was answered or already deferred.
 */
int http_defer(struct http_exchange *x, uint64_t delay_us, http_defer_fn fn,
	       void *arg, uint64_t param);

/*
 * Answer x after delay_us with status, ctype and a copy of body (at most
 * 4096 bytes). Returns 0, -E2BIG (body too long), -EBUSY (answered
 * already), -ENOMEM; on error the caller still has to answer.
 */
int http_respond_after(struct http_exchange *x, uint64_t delay_us, int status,
		       const char *ctype, const void *body, size_t len);

/*
 * Streamed answers. The producer writes the body bytes at offset off
 * (0 <= off < Content-Length), at most cap of them, into buf and returns
 * how many (> 0; 0 or more than cap aborts the stream). It must be able to
 * make any range again (bytes TCP did not accept are asked for again):
 * the stream holds no buffer, only its offset. param is its per-request
 * value (a count...), arg the route's.
 */
typedef size_t (*http_stream_fn)(void *arg, uint64_t param, uint64_t off,
				 char *buf, size_t cap);

/*
 * Answer x with status, ctype and a body of exactly content_length bytes
 * made by fn as the TCP send window opens (from the writable callback):
 * per-connection memory stays bounded whatever the length, a slow reader
 * stalls no one else, a disconnect ends it. The connection takes no
 * further request until the body is out. HEAD sends the head only. A
 * stream that makes no progress for the idle timeout is reset. Call from
 * a handler or a deferred callback. Returns 0 (answered; also when the
 * connection is closing), -EBUSY (answered already), -EINVAL.
 */
int http_stream_start(struct http_exchange *x, int status, const char *ctype,
		      uint64_t content_length, http_stream_fn fn, void *arg,
		      uint64_t param);

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
