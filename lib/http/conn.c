/* SPDX-License-Identifier: BSD-3-Clause */
/* conn.c: HTTP/1.1 connections: framing, pipelining, limits, timeouts. */
#include <errno.h>
#include <string.h>

#include <rte_malloc.h>

#include "core/clock.h"
#include "core/config.h"
#include "core/lcore.h"
#include "core/timer.h"
#include "http/http.h"
#include "http/resp.h"
#include "net/tcp.h"

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

/* ---- buffers ---------------------------------------------------------- */

static void
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

/* Make room for need bytes in hc->buf; -ENOMEM / -E2BIG past the limit. */
static int
http_buf_reserve(struct lcore_ctx *ctx, struct http_conn *hc, uint32_t need)
{
	struct http_lcore *hl = hc->hl;
	uint32_t cap;
	char *nb;

	if (need <= hc->cap)
		return 0;
	if (need > hl->buf_limit)
		return -E2BIG;
	if (!hc->buf && need <= HTTP_BUF_SMALL && hl->nbufs) {
		hc->buf = hl->bufs[--hl->nbufs];
		hc->cap = HTTP_BUF_SMALL;
		return 0;
	}
	cap = HTTP_BUF_SMALL;
	while (cap < need)
		cap *= 2;
	if (cap > hl->buf_limit)
		cap = hl->buf_limit;
	nb = rte_malloc_socket("http_buf", cap, 0, ctx->socket_id);
	if (!nb)
		return -ENOMEM;
	uint32_t len = hc->len;

	if (len)
		memcpy(nb, hc->buf, len);
	http_buf_release(hl, hc);
	hc->buf = nb;
	hc->cap = cap;
	hc->len = len;
	return 0;
}

/* ---- responses -------------------------------------------------------- */

static void
http_count(struct http_lcore *hl, int route, int status)
{
	int cls = status / 100;

	if (cls < 1 || cls > HTTP_CLASSES)
		cls = 5;
	hl->counts[route < 0 ? HTTP_ROUTE_NONE : route][cls - 1]++;
}

/* Send bytes that must go out whole; a short write aborts the connection
 * (we checked HTTP_SEND_RESERVE before taking the request). */
static bool
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
static bool
http_x_head_only(const struct http_exchange *x)
{
	if (x->req)
		return x->req->method == HTTP_M_HEAD;
	return x->pend && x->pend->head_only;
}

/* Build the head of x's answer into out (HTTP_HEAD_MAX), count it; marks
 * the connection closing as the request asks. 0 on failure (closing). */
static size_t
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

void
http_respond(struct http_exchange *x, int status, const char *ctype,
	     const void *body, size_t len)
{
	struct lcore_ctx *ctx = x->lc;
	struct http_conn *hc = x->conn;
	char out[HTTP_HEAD_MAX + 1024];
	size_t n;
	bool head_only;

	if (x->status) /* answered twice: keep the first */
		return;
	x->status = status;
	head_only = http_x_head_only(x);
	n = http_head(x, out, status, ctype, len);
	if (n == 0)
		return;
	if (head_only || len == 0) {
		http_send_all(ctx, hc, out, (uint32_t)n);
		return;
	}
	/* Small answers leave in one copy and, usually, one segment. */
	if (n + len <= sizeof(out)) {
		memcpy(out + n, body, len);
		http_send_all(ctx, hc, out, (uint32_t)(n + len));
		return;
	}
	if (http_send_all(ctx, hc, out, (uint32_t)n))
		http_send_all(ctx, hc, body, (uint32_t)len);
}

void
http_respond_json(struct http_exchange *x, int status, const char *json,
		  size_t len)
{
	http_respond(x, status, "application/json", json, len);
}

void
http_respond_error(struct http_exchange *x, int status, const char *msg)
{
	char body[256];
	int n = snprintf(body, sizeof(body), "{\"error\":\"%s\"}", msg);

	if (n < 0 || n >= (int)sizeof(body))
		n = snprintf(body, sizeof(body), "{\"error\":\"%s\"}",
			     http_reason(status));
	http_respond_json(x, status, body, (size_t)n);
}

void
http_respond_empty(struct http_exchange *x, int status)
{
	http_respond(x, status, NULL, NULL, 0);
}

/* An error found before any handler ran; framing is in doubt: close. */
static void
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

/* ---- dispatch --------------------------------------------------------- */

static void
http_dispatch(struct lcore_ctx *ctx, struct http_conn *hc,
	      const struct http_request *req, const char *body, uint32_t blen)
{
	struct http_lcore *hl = hc->hl;
	struct http_match m;
	struct http_exchange x = {
		.lc = ctx, .conn = hc, .req = req, .body = body,
		.body_len = blen, .route = -1,
	};
	char allow[96];

	STAT_INC(ctx, http_requests);
	if (http_router_match(hl->router, req->method, req->path,
			      req->path_len, &m) < 0) {
		if (m.allowed) {
			char hdr[128];

			http_router_allow(m.allowed, allow, sizeof(allow));
			snprintf(hdr, sizeof(hdr), "Allow: %s\r\n", allow);
			x.allow = hdr;
			http_respond_error(&x, 405, "method not allowed");
		} else {
			http_respond_error(&x, 404, "not found");
		}
		return;
	}
	x.route = m.route;
	x.nparams = m.nparams;
	memcpy(x.params, m.params, sizeof(m.params[0]) * m.nparams);
	x.arg = hl->router->routes[m.route].arg;
	hl->router->routes[m.route].fn(&x);
	if (!x.status)
		http_respond_error(&x, 500, "handler did not answer");
}

/* ---- request framing -------------------------------------------------- */

enum http_take {
	HT_MORE = 0,      /* need more bytes */
	HT_STOP = -1,     /* closing or paused: take nothing more */
	HT_TO_BUF = -2,   /* must continue in the connection buffer */
};

/* Answer 100 Continue once, unless the request is doomed anyway. */
static bool
http_maybe_continue(struct lcore_ctx *ctx, struct http_conn *hc,
		    const struct http_request *req)
{
	static const char cont[] = "HTTP/1.1 100 Continue\r\n\r\n";
	struct http_match m;

	if (!req->expect_continue || (hc->flags & HC_CONTINUE))
		return true;
	/* RFC 9110 §10.1.1: a final status instead of 100 when we already
	 * know the answer; the body then never needs to be read. */
	if (http_router_match(hc->hl->router, req->method, req->path,
			      req->path_len, &m) < 0) {
		http_dispatch(ctx, hc, req, NULL, 0);
		hc->flags |= HC_CLOSING;
		return false;
	}
	hc->flags |= HC_CONTINUE;
	STAT_INC(ctx, http_continue_sent);
	http_send_all(ctx, hc, cont, sizeof(cont) - 1);
	return true;
}

/* A request head at p parsed into req (n bytes) with a chunked body: decode
 * what has arrived in place. p must be hc->buf (the request at offset 0).
 * Returns the bytes of the whole request when complete, HT_MORE or
 * HT_STOP. */
static int
http_take_chunked(struct lcore_ctx *ctx, struct http_conn *hc,
		  const struct http_request *req, uint32_t n)
{
	size_t raw, left, consumed;
	int rc;

	if (!(hc->flags & HC_CHUNKED)) {
		hc->flags |= HC_CHUNKED;
		hc->head_len = n;
		hc->body_len = 0;
		hc->raw_off = n;
		http_chunked_init(&hc->chunked, hc->hl->max_body);
	}
	raw = hc->len - hc->raw_off;
	rc = http_chunked_decode(&hc->chunked, hc->buf + hc->head_len + hc->body_len,
				 hc->buf + hc->raw_off, raw, &left, &consumed);
	hc->raw_off += (uint32_t)consumed;
	hc->body_len += (uint32_t)left;
	if (rc == HTTP_PARSE_INCOMPLETE) {
		if (!http_maybe_continue(ctx, hc, req))
			return HT_STOP;
		return HT_MORE;
	}
	hc->flags &= ~HC_CHUNKED;
	if (rc < 0) {
		http_fail(ctx, hc, req, hc->chunked.status, hc->chunked.status == 413 ?
			  "body too large" : "bad chunked encoding");
		return HT_STOP;
	}
	http_dispatch(ctx, hc, req, hc->buf + hc->head_len, hc->body_len);
	return (int)hc->raw_off;
}

/*
 * Take one request from p[0..len). Returns the bytes it used (> 0), or an
 * enum http_take. in_buf: p is hc->buf (chunked bodies need it).
 */
static int
http_take(struct lcore_ctx *ctx, struct http_conn *hc, const char *p,
	  uint32_t len, bool in_buf)
{
	struct http_lcore *hl = hc->hl;
	struct http_request req;
	int status = 400, n;
	uint64_t cl;

	n = http_parse_request(p, len, &hl->limits, &req, &status);
	if (n == HTTP_PARSE_INCOMPLETE)
		return HT_MORE;
	if (n < 0) {
		http_fail(ctx, hc, NULL, status, status == 414 ? "request line too long" :
			  status == 431 ? "headers too large" :
			  status == 505 ? "HTTP version not supported" :
			  status == 501 ? "not implemented" :
			  status == 417 ? "expectation failed" : "bad request");
		return HT_STOP;
	}
	if (req.chunked) {
		if (!in_buf || p != hc->buf)
			return HT_TO_BUF;
		return http_take_chunked(ctx, hc, &req, (uint32_t)n);
	}
	cl = req.content_length > 0 ? (uint64_t)req.content_length : 0;
	if (cl > hl->max_body) {
		http_fail(ctx, hc, &req, 413, "body too large");
		return HT_STOP;
	}
	if (len - (uint32_t)n < cl) {
		if (!http_maybe_continue(ctx, hc, &req))
			return HT_STOP;
		return HT_MORE;
	}
	http_dispatch(ctx, hc, &req, p + n, (uint32_t)cl);
	return n + (int)cl;
}

/* Take every whole request from p[0..len); returns bytes used, and in
 * *again whether the rest must be retried from the buffer. */
static uint32_t
http_process(struct lcore_ctx *ctx, struct http_conn *hc, const char *p,
	     uint32_t len, bool in_buf, bool *again, uint32_t *taken)
{
	uint32_t used = 0;

	*again = false;
	while (used < len && !(hc->flags & (HC_CLOSING | HC_PAUSED | HC_BUSY))) {
		int n;

		if (tcp_send_space(hc->tcp) < HTTP_SEND_RESERVE) {
			hc->flags |= HC_PAUSED;
			STAT_INC(ctx, http_paused);
			break;
		}
		n = http_take(ctx, hc, p + used, len - used, in_buf && used == 0);
		if (n > 0) {
			used += (uint32_t)n;
			hc->flags &= ~(HC_CONTINUE | HC_IN_REQ);
			(*taken)++;
			continue;
		}
		if (n == HT_TO_BUF)
			*again = true;
		break;
	}
	return used;
}

/* Append bytes to the buffer; on overflow answer and close. */
static bool
http_buffer(struct lcore_ctx *ctx, struct http_conn *hc, const char *p,
	    uint32_t len)
{
	int rc = http_buf_reserve(ctx, hc, hc->len + len);

	if (rc < 0) {
		STAT_INC(ctx, http_buffer_overflow);
		if (!(hc->flags & (HC_CLOSING | HC_BUSY)))
			http_fail(ctx, hc, NULL, rc == -E2BIG ? 413 : 503,
				  rc == -E2BIG ? "request too large" :
				  "out of memory");
		hc->flags |= HC_CLOSING;
		return false;
	}
	memcpy(hc->buf + hc->len, p, len);
	hc->len += len;
	return true;
}

/* Process what the buffer holds, then drop what was used. */
static uint32_t
http_process_buf(struct lcore_ctx *ctx, struct http_conn *hc)
{
	uint32_t taken = 0;
	bool again = true;

	while (again && hc->len &&
	       !(hc->flags & (HC_CLOSING | HC_PAUSED | HC_BUSY))) {
		uint32_t used = http_process(ctx, hc, hc->buf, hc->len, true,
					     &again, &taken);

		if (used == 0 && !again)
			break;
		if (used) {
			memmove(hc->buf, hc->buf + used, hc->len - used);
			hc->len -= used;
		}
		if (used == 0)
			again = false; /* chunked already at offset 0 */
	}
	if (hc->len == 0 && !(hc->flags & HC_CHUNKED))
		http_buf_release(hc->hl, hc);
	return taken;
}

/* ---- timers ----------------------------------------------------------- */

static void
http_timer_fire(struct lcore_ctx *ctx, struct timer *t)
{
	struct http_conn *hc = container_of(t, struct http_conn, timer);

	if ((hc->flags & (HC_CLOSING | HC_STREAM)) == HC_CLOSING)
		return;
	if (ctx->now_us < hc->deadline_us) {
		timer_arm(&ctx->wheel, t, hc->deadline_us);
		return;
	}
	/* An answer in progress owns the connection: a deferred one is due
	 * soon; a stream is cut only when it made no progress for a whole
	 * idle period (a reader that stopped reading). */
	if ((hc->flags & HC_DEFERRED) ||
	    ((hc->flags & HC_STREAM) && hc->pend.off != hc->pend.mark)) {
		hc->pend.mark = hc->pend.off;
		hc->deadline_us = ctx->now_us + hc->hl->idle_timeout_us;
		timer_arm(&ctx->wheel, t, hc->deadline_us);
		return;
	}
	if (hc->flags & HC_STREAM) {
		STAT_INC(ctx, http_idle_timeouts);
		tcp_abort(ctx, hc->tcp); /* closed() frees hc */
		return;
	}
	if (hc->len || (hc->flags & HC_IN_REQ)) {
		/* Slow or stalled client: the request had its time. */
		STAT_INC(ctx, http_header_timeouts);
		http_fail(ctx, hc, NULL, 408, "request timeout");
	} else {
		STAT_INC(ctx, http_idle_timeouts);
	}
	hc->flags |= HC_CLOSING;
	tcp_close(ctx, hc->tcp);
}

/* After input: deadlines for the partial request, or the idle time. */
static void
http_update_deadline(struct lcore_ctx *ctx, struct http_conn *hc,
		     uint32_t taken)
{
	struct http_lcore *hl = hc->hl;
	uint64_t d;

	if (hc->len || (hc->flags & HC_CHUNKED)) {
		/* A request in progress keeps the deadline of its first
		 * byte: dripping bytes (slowloris) does not extend it. */
		if ((hc->flags & HC_IN_REQ) && !taken)
			return;
		hc->flags |= HC_IN_REQ;
		d = ctx->now_us + hl->header_timeout_us;
	} else {
		d = ctx->now_us + hl->idle_timeout_us;
	}
	hc->deadline_us = d;
	if (!timer_armed(&hc->timer) || hc->timer.expire_us > d)
		timer_arm(&ctx->wheel, &hc->timer, d);
}

/* ---- TCP callbacks ---------------------------------------------------- */

static void
http_finish_input(struct lcore_ctx *ctx, struct http_conn *hc, uint32_t taken)
{
	/* A body still streaming is sent whole before the FIN. */
	if ((hc->flags & (HC_CLOSING | HC_STREAM)) == HC_CLOSING) {
		http_buf_release(hc->hl, hc);
		timer_cancel(&ctx->wheel, &hc->timer);
		tcp_close(ctx, hc->tcp);
		return;
	}
	if ((hc->flags & HC_PEER_FIN) && !(hc->flags & (HC_PAUSED | HC_BUSY))) {
		/* Whatever is buffered can never complete. */
		hc->flags |= HC_CLOSING;
		http_buf_release(hc->hl, hc);
		timer_cancel(&ctx->wheel, &hc->timer);
		tcp_close(ctx, hc->tcp);
		return;
	}
	http_update_deadline(ctx, hc, taken);
}

/* ---- deferred and streamed answers ------------------------------------ */

static void
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

/* Save what a later answer needs of x's request. */
static void
http_pending_save(struct http_exchange *x)
{
	struct http_pending *pd = &x->conn->pend;
	const struct http_request *req = x->req;

	pd->route = (int16_t)x->route;
	pd->minor_version = req ? (uint8_t)req->minor_version : 1;
	pd->keep_alive = req && req->keep_alive;
	pd->head_only = req && req->method == HTTP_M_HEAD;
	pd->close = x->close;
}

/* The answer that held the connection is out: take the next requests. */
static void
http_resume(struct lcore_ctx *ctx, struct http_conn *hc)
{
	uint32_t taken = 0;

	if (!(hc->flags & HC_CLOSING) && hc->len)
		taken = http_process_buf(ctx, hc);
	http_finish_input(ctx, hc, taken);
}

int
http_defer(struct http_exchange *x, uint64_t delay_us, http_defer_fn fn,
	   void *arg, uint64_t param)
{
	struct http_conn *hc = x->conn;

	if (x->status || !x->req || (hc->flags & HC_BUSY))
		return -EBUSY;
	http_pending_save(x);
	hc->pend.dfn = fn;
	hc->pend.arg = arg;
	hc->pend.param = param;
	hc->flags |= HC_DEFERRED;
	x->status = HTTP_STATUS_PENDING;
	timer_arm(&x->lc->wheel, &hc->dtimer, x->lc->now_us + delay_us);
	return 0;
}

static void
http_respond_saved(struct http_exchange *x, void *arg, uint64_t param)
{
	const struct http_pending *pd = &x->conn->pend;

	http_respond(x, pd->status, pd->ctype, pd->dbuf, pd->dlen);
}

int
http_respond_after(struct http_exchange *x, uint64_t delay_us, int status,
		   const char *ctype, const void *body, size_t len)
{
	struct http_conn *hc = x->conn;
	struct http_lcore *hl = hc->hl;
	char *b;

	if (len > HTTP_BUF_SMALL)
		return -E2BIG;
	if (x->status || !x->req || (hc->flags & HC_BUSY))
		return -EBUSY;
	if (hl->nbufs)
		b = hl->bufs[--hl->nbufs];
	else
		b = rte_malloc_socket("http_buf", HTTP_BUF_SMALL, 0,
				      x->lc->socket_id);
	if (!b)
		return -ENOMEM;
	if (len)
		memcpy(b, body, len);
	http_defer(x, delay_us, http_respond_saved, NULL, 0);
	hc->pend.dbuf = b;
	hc->pend.dlen = (uint32_t)len;
	hc->pend.status = (int16_t)status;
	hc->pend.ctype = ctype;
	return 0;
}

static void
http_defer_fire(struct lcore_ctx *ctx, struct timer *t)
{
	struct http_conn *hc = container_of(t, struct http_conn, dtimer);
	struct http_pending *pd = &hc->pend;
	struct http_exchange x = {
		.lc = ctx, .conn = hc, .route = pd->route, .close = pd->close,
		.pend = pd,
	};

	if (!(hc->flags & HC_DEFERRED))
		return;
	hc->flags &= ~HC_DEFERRED;
	if (!(hc->flags & HC_CLOSING)) {
		pd->dfn(&x, pd->arg, pd->param);
		if (!x.status || x.status == HTTP_STATUS_PENDING)
			http_respond_error(&x, 500, "handler did not answer");
	}
	if (!(hc->flags & HC_STREAM))
		http_pending_release(hc->hl, hc);
	http_resume(ctx, hc);
}

/* Produce and queue stream bytes while the send buffer takes them. The
 * producer works from the body offset, so bytes it made that TCP did not
 * take are simply made again later: nothing is held per connection but
 * the offset. A short tcp_send() arms the writable callback. */
static void
http_stream_pump(struct lcore_ctx *ctx, struct http_conn *hc, bool resume)
{
	struct http_pending *pd = &hc->pend;
	char tmp[HTTP_STREAM_CHUNK];

	while (pd->off < pd->len) {
		uint64_t left = pd->len - pd->off;
		uint32_t space = tcp_send_space(hc->tcp);
		size_t want = RTE_MIN(left, (uint64_t)sizeof(tmp));
		size_t got;
		int n;

		/* One byte past the space, so the send comes up short and
		 * TCP calls writable when ACKs free room. */
		want = RTE_MIN(want, (size_t)space + 1);
		got = pd->sfn(pd->arg, pd->param, pd->off, tmp, want);
		n = got == 0 || got > want ? -EIO :
		    tcp_send(ctx, hc->tcp, tmp, (uint32_t)got);
		if (n < 0) {
			/* Producer failed or TCP can no longer send: the body
			 * stays short of its Content-Length; close. */
			hc->flags |= HC_CLOSING;
			break;
		}
		pd->off += (uint64_t)n;
		if ((size_t)n < got)
			return;
	}
	hc->flags &= ~HC_STREAM;
	http_pending_release(hc->hl, hc);
	if (resume)
		http_resume(ctx, hc);
}

int
http_stream_start(struct http_exchange *x, int status, const char *ctype,
		  uint64_t content_length, http_stream_fn fn, void *arg,
		  uint64_t param)
{
	struct http_conn *hc = x->conn;
	struct http_pending *pd = &hc->pend;
	char out[HTTP_HEAD_MAX];
	bool head_only;
	size_t n;

	if (x->status || (hc->flags & HC_STREAM))
		return -EBUSY;
	if (!x->req && !x->pend)
		return -EINVAL;
	head_only = http_x_head_only(x);
	x->status = status;
	n = http_head(x, out, status, ctype, content_length);
	if (n == 0 || !http_send_all(x->lc, hc, out, (uint32_t)n))
		return 0; /* closing: answered as far as it goes */
	if (head_only || content_length == 0)
		return 0;
	if (!x->pend)
		http_pending_save(x);
	pd->sfn = fn;
	pd->arg = arg;
	pd->param = param;
	pd->off = 0;
	pd->mark = 0;
	pd->len = content_length;
	hc->flags |= HC_STREAM;
	/* Called from a handler or a deferred callback: those go on with
	 * the connection themselves, so the pump does not resume it. */
	http_stream_pump(x->lc, hc, false);
	return 0;
}

static void *
http_accept(struct lcore_ctx *ctx, struct tcp_conn *c)
{
	struct http_lcore *hl = http_lc(ctx);
	struct http_conn *hc = hl->free_conns;

	if (!hc) {
		STAT_INC(ctx, http_conns_refused);
		return NULL;
	}
	hl->free_conns = hc->next_free;
	hl->nconns++;
	memset(hc, 0, sizeof(*hc));
	hc->tcp = c;
	hc->hl = hl;
	timer_init(&hc->timer, http_timer_fire);
	timer_init(&hc->dtimer, http_defer_fire);
	hc->deadline_us = ctx->now_us + hl->idle_timeout_us;
	timer_arm(&ctx->wheel, &hc->timer, hc->deadline_us);
	return hc;
}

static void
http_recv(struct lcore_ctx *ctx, struct tcp_conn *c, void *app,
	  const uint8_t *data, uint32_t len)
{
	struct http_conn *hc = app;
	const char *p = (const char *)data;
	uint32_t taken = 0;

	if (hc->flags & HC_CLOSING)
		return; /* answered with close: the rest is discarded */
	if (hc->len == 0 && !(hc->flags & (HC_PAUSED | HC_CHUNKED | HC_BUSY))) {
		bool again;
		uint32_t used = http_process(ctx, hc, p, len, false, &again,
					     &taken);

		if (used < len && !(hc->flags & HC_CLOSING) &&
		    http_buffer(ctx, hc, p + used, len - used))
			taken += http_process_buf(ctx, hc);
	} else if (http_buffer(ctx, hc, p, len)) {
		taken += http_process_buf(ctx, hc);
	}
	http_finish_input(ctx, hc, taken);
}

static void
http_peer_fin(struct lcore_ctx *ctx, struct tcp_conn *c, void *app)
{
	struct http_conn *hc = app;

	hc->flags |= HC_PEER_FIN;
	if (!(hc->flags & HC_CLOSING))
		http_finish_input(ctx, hc, 0);
}

static void
http_writable(struct lcore_ctx *ctx, struct tcp_conn *c, void *app)
{
	struct http_conn *hc = app;
	uint32_t taken;

	if (hc->flags & HC_STREAM) {
		http_stream_pump(ctx, hc, true);
		return;
	}
	if (!(hc->flags & HC_PAUSED) ||
	    tcp_send_space(c) < HTTP_SEND_RESERVE)
		return;
	hc->flags &= ~HC_PAUSED;
	taken = http_process_buf(ctx, hc);
	http_finish_input(ctx, hc, taken);
}

static void
http_closed(struct lcore_ctx *ctx, struct tcp_conn *c, void *app,
	    enum tcp_close_reason why)
{
	struct http_conn *hc = app;
	struct http_lcore *hl = hc->hl;

	timer_cancel(&ctx->wheel, &hc->timer);
	timer_cancel(&ctx->wheel, &hc->dtimer);
	http_pending_release(hl, hc);
	http_buf_release(hl, hc);
	hc->tcp = NULL;
	hc->next_free = hl->free_conns;
	hl->free_conns = hc;
	hl->nconns--;
}

const struct tcp_ops http_tcp_ops = {
	.accept = http_accept,
	.recv = http_recv,
	.peer_fin = http_peer_fin,
	.writable = http_writable,
	.closed = http_closed,
};

/* ---- per-lcore state -------------------------------------------------- */

int
http_lcore_init(struct lcore_ctx *ctx, const struct http_router *r)
{
	const struct config *cfg = ctx->cfg;
	struct http_lcore *hl;

	hl = rte_zmalloc_socket("http_lcore", sizeof(*hl), RTE_CACHE_LINE_SIZE,
				ctx->socket_id);
	if (!hl)
		return -ENOMEM;
	hl->max_conns = cfg->tcp_max_conns;
	hl->conns = rte_zmalloc_socket("http_conns",
				       (size_t)hl->max_conns * sizeof(hl->conns[0]),
				       RTE_CACHE_LINE_SIZE, ctx->socket_id);
	if (!hl->conns) {
		rte_free(hl);
		return -ENOMEM;
	}
	for (uint32_t i = hl->max_conns; i-- > 0;) {
		hl->conns[i].next_free = hl->free_conns;
		hl->free_conns = &hl->conns[i];
	}
	hl->router = r;
	hl->limits.max_request_line = cfg->http_max_request_line;
	hl->limits.max_header_bytes = cfg->http_max_header_bytes;
	hl->limits.max_headers = HTTP_MAX_HEADERS;
	hl->max_body = cfg->http_max_body;
	hl->header_timeout_us = (uint64_t)cfg->http_header_timeout_ms * 1000;
	hl->idle_timeout_us = (uint64_t)cfg->http_idle_timeout_ms * 1000;
	hl->buf_limit = cfg->http_max_request_line + cfg->http_max_header_bytes +
			cfg->http_max_body + 4096;
	ctx->http = hl;
	return 0;
}

void
http_lcore_fini(struct lcore_ctx *ctx)
{
	struct http_lcore *hl = http_lc(ctx);

	if (!hl)
		return;
	/* tcp_lcore_fini() ran first: every connection is closed. */
	for (uint32_t i = 0; i < hl->nbufs; i++)
		rte_free(hl->bufs[i]);
	rte_free(hl->conns);
	rte_free(hl);
	ctx->http = NULL;
}

const uint64_t (*http_route_counts(const struct lcore_ctx *ctx))[HTTP_CLASSES]
{
	return (const uint64_t (*)[HTTP_CLASSES])http_lc(ctx)->counts;
}

uint32_t
http_conn_count(const struct lcore_ctx *ctx)
{
	return ctx->http ? http_lc(ctx)->nconns : 0;
}

const struct http_router *
http_lcore_router(const struct lcore_ctx *ctx)
{
	return http_lc(ctx)->router;
}
