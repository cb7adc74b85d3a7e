/* SPDX-License-Identifier: BSD-3-Clause */
/* conn_priv.h: HTTP connection state shared by the conn*.c files (private). */
#ifndef LR_HTTP_CONN_PRIV_H
#define LR_HTTP_CONN_PRIV_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <rte_malloc.h>

#include "core/clock.h"
#include "core/lcore.h"
#include "core/timer.h"
#include "http/http.h"
#include "http/resp.h"
#include "net/tcp.h"

/*
 * The server is four files around these structs: conn.c (pool, accept,
 * close, timeouts, per-lcore state), conn_frame.c (request framing and
 * dispatch, the TCP input callbacks), conn_respond.c (http_respond*) and
 * conn_defer.c (http_defer, http_respond_after, http_stream_start).
 * Nothing outside lib/http includes this header.
 */

/*
 * Buffering: a request that arrives whole inside one TCP segment is parsed
 * where it lies (zero copy). Only the tail of a request cut by a segment
 * boundary is copied into a per-connection buffer, taken from a per-lcore
 * free list while it holds bytes and given back when it empties, so idle
 * connections cost no buffer. Chunked bodies are decoded in that buffer.
 */
#define HTTP_BUF_SMALL 4096u
#define HTTP_BUF_CACHE 1024u
/* Space a response may need before we process the next request; with
 * less, parsing pauses until ACKs free send space (slow readers). */
#define HTTP_SEND_RESERVE 4096u
#define HTTP_HEAD_MAX 1024u
/* Bytes a stream producer makes per call (on the stack). */
#define HTTP_STREAM_CHUNK 16384u

enum http_conn_flag {
	HC_CLOSING = 0x1,  /* answered with close: no more requests */
	HC_PEER_FIN = 0x2, /* the client sent FIN */
	HC_PAUSED = 0x4,   /* waiting for send space */
	HC_CONTINUE = 0x8, /* 100 Continue sent for the current request */
	HC_IN_REQ = 0x10,  /* a request is partly received */
	HC_CHUNKED = 0x20, /* decoding a chunked body in buf */
	HC_DEFERRED = 0x40,/* an answer waits on dtimer (http_defer) */
	HC_STREAM = 0x80,  /* a streamed body is being produced */
};

/* While a deferred or streamed answer is pending, the connection takes no
 * further request: pipelined answers stay in order. */
#define HC_BUSY (HC_DEFERRED | HC_STREAM)

/* What a later answer needs of its request (the request itself is gone). */
struct http_pending {
	void *arg;
	union {
		http_defer_fn dfn;
		http_stream_fn sfn;
	};
	uint64_t param;   /* the defer callback's or producer's parameter */
	uint64_t off;     /* stream: body bytes sent */
	uint64_t len;     /* stream: Content-Length */
	uint64_t mark;    /* stream: off when the idle timer last fired */
	char *dbuf;       /* http_respond_after: the body, from the buf cache */
	uint32_t dlen;
	int16_t route;
	int16_t status;
	uint8_t minor_version;
	bool keep_alive;
	bool head_only;
	bool close;
	const char *ctype;
};

struct http_conn {
	struct tcp_conn *tcp;
	struct http_lcore *hl;
	char *buf;        /* NULL while nothing is buffered */
	uint32_t len;     /* bytes in buf */
	uint32_t cap;
	uint32_t flags;
	/* chunked request in progress: head at buf[0..head_len), decoded
	 * body at buf[head_len..head_len+body_len), raw input after raw_off */
	uint32_t head_len;
	uint32_t body_len;
	uint32_t raw_off;
	struct http_chunked chunked;
	uint64_t deadline_us; /* request (header/body) or idle deadline */
	struct timer timer;
	struct timer dtimer; /* http_defer */
	struct http_pending pend;
	struct http_conn *next_free;
};

struct http_lcore {
	const struct http_router *router;
	struct http_limits limits;
	uint32_t max_body;
	uint64_t header_timeout_us;
	uint64_t idle_timeout_us;
	uint32_t buf_limit; /* most a connection may buffer */
	uint32_t nconns, max_conns;
	struct http_conn *free_conns;
	struct http_conn *conns; /* pool storage */
	uint32_t nbufs;
	char *bufs[HTTP_BUF_CACHE];
	struct http_date date;
	uint64_t counts[HTTP_MAX_ROUTES + 1][HTTP_CLASSES];
};

static inline struct http_lcore *
http_lc(const struct lcore_ctx *ctx)
{
	return ctx->http;
}

/*
 * Helpers the files share. They were file-local (static) before the split
 * and stay static inline so the request path compiles as it did.
 */

static inline void
http_buf_release(struct http_lcore *hl, struct http_conn *hc)
{
	if (!hc->buf)
		return;
	if (hc->cap == HTTP_BUF_SMALL && hl->nbufs < HTTP_BUF_CACHE)
		hl->bufs[hl->nbufs++] = hc->buf;
	else
		rte_free(hc->buf);
	hc->buf = NULL;
	hc->len = hc->cap = 0;
}

static inline void
http_count(struct http_lcore *hl, int route, int status)
{
	int cls = status / 100;

	if (cls < 1 || cls > HTTP_CLASSES)
		cls = 5;
	hl->counts[route < 0 ? HTTP_ROUTE_NONE : route][cls - 1]++;
}

/* Send bytes that must go out whole; a short write aborts the connection
 * (we checked HTTP_SEND_RESERVE before taking the request). */
static inline bool
http_send_all(struct lcore_ctx *ctx, struct http_conn *hc, const void *p,
	      uint32_t len)
{
	int n = tcp_send(ctx, hc->tcp, p, len);

	if (n == (int)len)
		return true;
	STAT_INC(ctx, http_send_overflow);
	hc->flags |= HC_CLOSING;
	return false;
}

/* The request facts an answer depends on: from x->req, or saved with a
 * deferred exchange (x->req is NULL then, x->pend set). */
static inline bool
http_x_head_only(const struct http_exchange *x)
{
	if (x->req)
		return x->req->method == HTTP_M_HEAD;
	return x->pend && x->pend->head_only;
}

/* Build the head of x's answer into out (HTTP_HEAD_MAX), count it; marks
 * the connection closing as the request asks. 0 on failure (closing). */
static inline size_t
http_head(struct http_exchange *x, char *out, int status, const char *ctype,
	  uint64_t len)
{
	struct lcore_ctx *ctx = x->lc;
	struct http_conn *hc = x->conn;
	struct http_lcore *hl = hc->hl;
	const struct http_request *req = x->req;
	const struct http_pending *pd = x->pend;
	unsigned int flags = 0;
	bool known = req || pd;
	int minor = req ? req->minor_version : pd ? pd->minor_version : 1;
	bool ka = req ? req->keep_alive : pd ? pd->keep_alive : false;
	size_t n;

	if (known && minor == 0) {
		flags |= HTTP_RESP_HTTP10;
		if (ka && !x->close)
			flags |= HTTP_RESP_KEEPALIVE;
	}
	if (x->close || !known || !ka) {
		flags |= HTTP_RESP_CLOSE;
		flags &= ~HTTP_RESP_KEEPALIVE;
		hc->flags |= HC_CLOSING;
	}
	http_date_update(&hl->date, clock_wall_at(ctx->now_us));
	n = http_resp_head(out, HTTP_HEAD_MAX, status, &hl->date, ctype, len,
			   flags, x->allow);
	if (n == 0) {
		hc->flags |= HC_CLOSING;
		return 0;
	}
	http_count(hl, x->route, status);
	if (status < 400)
		STAT_INC(ctx, http_responses_2xx);
	else if (status < 500)
		STAT_INC(ctx, http_responses_4xx);
	else
		STAT_INC(ctx, http_responses_5xx);
	return n;
}

/* An error found before any handler ran; framing is in doubt: close. */
static inline void
http_fail(struct lcore_ctx *ctx, struct http_conn *hc,
	  const struct http_request *req, int status, const char *msg)
{
	struct http_exchange x = {
		.lc = ctx, .conn = hc, .req = NULL, .route = -1, .close = true,
	};

	(void)req;
	STAT_INC(ctx, http_parse_errors);
	http_respond_error(&x, status, msg);
}

static inline void
http_pending_release(struct http_lcore *hl, struct http_conn *hc)
{
	struct http_pending *pd = &hc->pend;

	if (pd->dbuf) {
		if (hl->nbufs < HTTP_BUF_CACHE)
			hl->bufs[hl->nbufs++] = pd->dbuf;
		else
			rte_free(pd->dbuf);
	}
	memset(pd, 0, sizeof(*pd));
}

/* Functions one conn*.c file calls in another. */

/* conn_frame.c: the TCP input callbacks (see struct tcp_ops). */
void http_conn_recv(struct lcore_ctx *ctx, struct tcp_conn *c, void *app,
		    const uint8_t *data, uint32_t len);
void http_conn_peer_fin(struct lcore_ctx *ctx, struct tcp_conn *c, void *app);
void http_conn_writable(struct lcore_ctx *ctx, struct tcp_conn *c, void *app);
/* conn_frame.c: the answer that held hc is out; take the next requests. */
void http_conn_resume(struct lcore_ctx *ctx, struct http_conn *hc);

/* conn_defer.c: hc->dtimer expired: send the deferred answer. */
void http_conn_defer_fire(struct lcore_ctx *ctx, struct timer *t);
/* conn_defer.c: queue more of hc's streamed body while TCP takes it;
 * resume: take the next requests once the body is out. */
void http_conn_stream_pump(struct lcore_ctx *ctx, struct http_conn *hc,
			   bool resume);

#endif
