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
#include "core/mem.h"
#include "core/timer.h"
#include "http/head_cache.h"
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
 * A buffer held by a connection is charged by its capacity to the
 * lcore's MEM_HTTP_REQ budget; the cached free ones are not. At the limit
 * the connection takes no more bytes (tcp_recv_leave: TCP does not
 * acknowledge them, the peer sends them again) and its window stops
 * opening; one that never gets room ends at its header timeout.
 *
 * A head that arrives in pieces is parsed with http_parse_resume() from
 * where the last piece stopped (hc->pst); a head whose body is still
 * coming is not parsed again until the body is whole (hc->need).
 *
 * Backpressure: a connection stops taking requests while its send queue
 * has less than HTTP_SEND_RESERVE of room, or holds http.max_pipeline
 * answers (counted since the queue was last empty), or an answer is
 * still going out (deferred, streamed, or the tail of one that TCP did
 * not take whole, kept in hc->owe and charged to MEM_RESP). Meanwhile its
 * receive window stops opening (tcp_rcv_room), so what the client
 * pipelines stays with the client; the writable callback resumes it.
 */
#define HTTP_BUF_SMALL 4096u
#define HTTP_BUF_CACHE 1024u
/* Space a response may need before we process the next request; with
 * less, parsing pauses until ACKs free send space (slow readers). */
#define HTTP_SEND_RESERVE 4096u
#define HTTP_HEAD_MAX 1024u
/* Bytes a stream producer makes per call (on the stack). */
#define HTTP_STREAM_CHUNK 16384u
/* Parked idle timers the sweep moves into the wheel per poll (conn.c). */
#define HTTP_IDLE_FLUSH 1024u

enum http_conn_flag {
	HC_CLOSING = 0x1,  /* answered with close: no more requests */
	HC_PEER_FIN = 0x2, /* the client sent FIN */
	HC_PAUSED = 0x4,   /* waiting for send space */
	HC_CONTINUE = 0x8, /* 100 Continue sent for the current request */
	HC_IN_REQ = 0x10,  /* a request is partly received */
	HC_CHUNKED = 0x20, /* decoding a chunked body in buf */
	HC_DEFERRED = 0x40,/* an answer waits on dtimer (http_defer) */
	HC_STREAM = 0x80,  /* a streamed body is being produced */
	HC_OWED = 0x100,   /* the tail of an answer waits in owe */
	HC_RCV_LIM = 0x200,/* the receive window is bounded (tcp_rcv_room) */
	HC_MEMWAIT = 0x400,/* bytes were left in TCP for want of budget */
	HC_RESET = 0x800,  /* an answer could not go out whole: reset */
	HC_BUF = 0x1000,   /* hc->buf is held (!= NULL): tested with the rest */
};

/* While a deferred, streamed or owed answer is pending, the connection
 * takes no further request: pipelined answers stay in order. */
#define HC_BUSY (HC_DEFERRED | HC_STREAM | HC_OWED)
/* An answer still leaving: a close waits for it. */
#define HC_OUT (HC_STREAM | HC_OWED)

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
	uint8_t rflags; /* the exchange's (struct http_exchange) */
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
	/* the request at the parse position: how far its head was judged,
	 * and once judged with a body still coming, its whole length */
	struct http_parse_state pst;
	uint32_t need;
	uint32_t nq; /* answers queued since the send queue was last empty */
	/* the tail of an answer TCP did not take (HC_OWED), MEM_RESP */
	char *owe;
	uint32_t owe_off, owe_len, owe_cap;
	/* http_accept zeroes buf .. owe_cap and sets deadline_us; the
	 * fields after are left fresh by http_closed for the next one. */
	uint64_t deadline_us; /* request (header/body) or idle deadline */
	struct timer timer;
	struct timer dtimer; /* http_defer */
	struct http_pending pend;
	struct http_conn *next_free;
};

/* No empty answer's template kept (never an http_empty_xkey: its top
 * 16 bits are 0). */
#define HTTP_EMPTY_NONE UINT64_MAX

/*
 * An exchange's empty answer in one word: status, and the exchange's
 * close and rflags as they lie in struct http_exchange (cr, loaded as
 * one 16-bit word). Equal words ask for the same head (http_head_flags
 * is a function of close and rflags), and close the connection or not
 * alike.
 */
static inline uint64_t
http_empty_xkey(int status, uint16_t cr)
{
	return (uint64_t)(uint32_t)status | (uint64_t)cr << 32;
}

/* A request head the head cache matched, and where it is written out
 * when a handler asks for it (http_exchange_request). */
struct http_lazy_req {
	struct http_hc_hit hit;
	struct http_request req;
};

struct http_lcore {
	const struct http_router *router;
	struct http_limits limits;
	uint32_t max_body;
	uint64_t header_timeout_us;
	uint64_t idle_timeout_us;
	uint32_t buf_limit; /* most a connection may buffer */
	uint32_t max_pipeline;
	uint32_t send_reserve; /* HTTP_SEND_RESERVE, at most tcp.snd_buf */
	uint64_t send_bound; /* tcp_send_room_bound: http_send_room's */
	struct mem_budget *mem; /* the lcore's (MEM_HTTP_REQ, MEM_RESP) */
	uint32_t nconns, max_conns;
	struct http_conn *free_conns;
	struct http_conn *conns; /* pool storage */
	uint32_t nbufs;
	char *bufs[HTTP_BUF_CACHE];
	struct http_date date;
	uint64_t date_us; /* the ctx->now_us date was last checked at */
	struct http_resp_tpl tpl[HTTP_RESP_TPLS]; /* response templates */
	/* The template of the latest empty answer (no type, no body) that
	 * keeps the connection (at most 80 bytes), and of the latest one
	 * that closes it (at most 128), with their exchange keys
	 * (http_empty_xkey of the status, close and rflags they were built
	 * for; HTTP_EMPTY_NONE: none): looked up first by
	 * http_respond_empty. Reset whenever a template is (re)built or
	 * the templates are emptied, so each always names a template that
	 * holds that status and flags, no type and length 0. */
	/* The lazy head of an exchange the fast match dispatched (x->lazy
	 * is its address): its hit is not written per request but made
	 * from the exchange and the cache's latest hit when a handler
	 * asks for the head (http_exchange_request). */
	struct http_lazy_req lz_short;
	uint64_t tpl_empty_xkey;
	const struct http_resp_tpl *tpl_empty;
	uint64_t tpl_close_xkey;
	const struct http_resp_tpl *tpl_close;
	uint64_t counts[HTTP_MAX_ROUTES + 1][HTTP_CLASSES];
	struct http_head_cache hcache; /* heads seen lately (head_cache.h) */
	http_hc_hit_fn hc_hit; /* its lookup (http_head_cache_hit_variant) */
	/* the entries it arms compare 32 bytes at a time up to this
	 * (http_hc_fast_arm_w's wide): HTTP_HC_FAST_WIDE under the AVX2
	 * scan variant, else 0 */
	uint32_t fast_wide;
	/* New connections' idle timers, parked (conn.c, http_accept) until
	 * idle_sweep, due idle_lazy_us after it was armed, flushes them,
	 * idle_flush a poll */
	struct timer_park idle_park;
	struct timer idle_sweep;
	uint64_t idle_lazy_us;
	uint32_t idle_flush; /* moved a poll (HTTP_IDLE_FLUSH; tests less) */
};

static inline struct http_lcore *
http_lc(const struct lcore_ctx *ctx)
{
	return ctx->http;
}

/*
 * Whether c (hc's) has room for one more request's answer
 * (hl->send_reserve) as tcp_send_space() tells it: TCP's inline test
 * (tcp_send_room_fast) when it settles it, which is the common case, else
 * tcp_send_space() itself (and what it does when the budget is short).
 */
static __rte_always_inline bool
http_send_room(struct lcore_ctx *ctx, const struct http_conn *hc,
	       struct tcp_conn *c)
{
	const struct http_lcore *hl = hc->hl;

	if (likely(tcp_send_room_fast(ctx, c, hl->send_reserve,
				      hl->send_bound)))
		return true;
	return tcp_send_space(c) >= hc->hl->send_reserve;
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
	mem_release(hl->mem, MEM_HTTP_REQ, hc->cap);
	if (hc->cap == HTTP_BUF_SMALL && hl->nbufs < HTTP_BUF_CACHE)
		hl->bufs[hl->nbufs++] = hc->buf;
	else
		rte_free(hc->buf);
	hc->buf = NULL;
	hc->flags &= ~HC_BUF;
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

/* conn_respond.c: keep what TCP did not take of an answer (HC_OWED). */
bool http_owe(struct lcore_ctx *ctx, struct http_conn *hc, const char *p,
	      uint32_t len);

/*
 * Send bytes that must go out whole. What TCP does not take now (its
 * send buffer or the lcore's budget is short) waits in hc->owe and goes
 * out from the writable callback, before anything else: an answer is
 * never cut short. false when the connection can no longer send, or the
 * tail found no memory (the connection is then reset, never left with a
 * truncated answer).
 */
static inline bool
http_send_all(struct lcore_ctx *ctx, struct http_conn *hc, const void *p,
	      uint32_t len)
{
	int n;

	if (unlikely(hc->flags & HC_OWED))
		return http_owe(ctx, hc, p, len);
	n = tcp_send(ctx, hc->tcp, p, len);
	if (likely(n == (int)len))
		return true;
	if (n < 0) {
		hc->flags |= HC_CLOSING;
		return false;
	}
	return http_owe(ctx, hc, (const char *)p + n, len - (uint32_t)n);
}

/* conn_respond.c: send what hc->owe holds; true when it is all out. */
bool http_owe_flush(struct lcore_ctx *ctx, struct http_conn *hc);
/* conn_respond.c: free hc->owe (closing). */
void http_owe_release(struct http_lcore *hl, struct http_conn *hc);

/* Whether x answers a request now (not a deferred exchange, not an
 * error found before any handler ran). */
static inline bool
http_x_live(const struct http_exchange *x)
{
	return x->head || x->lazy;
}

/* The head flags of x's answer; marks the connection closing as the
 * request asks. */
static inline unsigned int
http_head_flags(struct http_exchange *x)
{
	unsigned int flags = x->rflags;

	if (x->close)
		flags = (flags & ~HTTP_RESP_KEEPALIVE) | HTTP_RESP_CLOSE;
	if (flags & HTTP_RESP_CLOSE)
		x->conn->flags |= HC_CLOSING;
	return flags;
}

/* hl's Date for wall second wall_s: a new second (or none yet) formats
 * it and empties the templates (hl->tpl), which carry the Date, so that
 * a template with a key always carries hl's Date (http_respond_tpl does
 * not compare the second). Every change of hl->date comes here. */
static inline void
http_date_set(struct http_lcore *hl, uint64_t wall_s)
{
	if (hl->date.sec != wall_s || !hl->date.len) {
		http_date_update(&hl->date, wall_s);
		for (unsigned int i = 0; i < HTTP_RESP_TPLS; i++)
			hl->tpl[i].key = 0;
		hl->tpl_empty_xkey = HTTP_EMPTY_NONE;
		hl->tpl_close_xkey = HTTP_EMPTY_NONE;
	}
}

/* The Date of an answer now: the wall second is a function of now_us
 * (clock_wall_at), which stays put for a whole poll. */
static inline const struct http_date *
http_date_now(const struct lcore_ctx *ctx, struct http_lcore *hl)
{
	if (unlikely(hl->date_us != ctx->now_us)) {
		http_date_set(hl, clock_wall_at(ctx->now_us));
		hl->date_us = ctx->now_us;
	}
	return &hl->date;
}

/* The lcore's answer counters by status. */
static inline void
http_count_status(struct lcore_ctx *ctx, int status)
{
	if (status < 400)
		STAT_INC(ctx, http_responses_2xx);
	else if (status < 500)
		STAT_INC(ctx, http_responses_4xx);
	else
		STAT_INC(ctx, http_responses_5xx);
}

/* Count an answer of status, class index cls (http_resp_tpl cls: what
 * http_count works out from status). */
static inline void
http_head_count_cls(struct lcore_ctx *ctx, struct http_exchange *x,
		    int status, unsigned int cls)
{
	x->conn->hl->counts[x->route < 0 ? HTTP_ROUTE_NONE : x->route][cls]++;
	http_count_status(ctx, status);
}

/* http_head_count_cls taken back: the answer it counted was not sent. */
static inline void
http_head_uncount_cls(struct lcore_ctx *ctx, struct http_exchange *x,
		      int status, unsigned int cls)
{
	x->conn->hl->counts[x->route < 0 ? HTTP_ROUTE_NONE : x->route][cls]--;
	if (status < 400)
		ctx->stats.v[ST_http_responses_2xx]--;
	else if (status < 500)
		ctx->stats.v[ST_http_responses_4xx]--;
	else
		ctx->stats.v[ST_http_responses_5xx]--;
}

/* Count an answer with its head built. */
static inline void
http_head_count(struct lcore_ctx *ctx, struct http_exchange *x, int status)
{
	http_count(x->conn->hl, x->route, status);
	http_count_status(ctx, status);
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
	unsigned int flags = http_head_flags(x);
	size_t n;

	n = http_resp_head(out, HTTP_HEAD_MAX, status, http_date_now(ctx, hl),
			   ctype, len, flags, x->allow);
	if (n == 0) {
		hc->flags |= HC_CLOSING;
		return 0;
	}
	http_head_count(ctx, x, status);
	return n;
}

/* An error found before any handler ran; framing is in doubt: close. */
static inline void
http_fail(struct lcore_ctx *ctx, struct http_conn *hc,
	  const struct http_request *req, int status, const char *msg)
{
	struct http_exchange x = {
		.lc = ctx, .conn = hc, .route = -1, .close = true,
		.rflags = HTTP_RESP_CLOSE,
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
		mem_release(hl->mem, MEM_RESP, HTTP_BUF_SMALL);
		if (hl->nbufs < HTTP_BUF_CACHE)
			hl->bufs[hl->nbufs++] = pd->dbuf;
		else
			rte_free(pd->dbuf);
	}
	memset(pd, 0, sizeof(*pd));
}

/*
 * The receive window follows what the connection will take: closed to
 * new bytes (room 0: the window stops opening) while it takes no request
 * or waits for budget, what its buffer still holds while MEM_HTTP_REQ is
 * under pressure, else unbounded. One flag test on the fast path.
 */
static inline void
http_rcv_window(struct lcore_ctx *ctx, struct http_conn *hc)
{
	uint32_t room = TCP_RCV_ANY;

	if (likely(!(hc->flags & (HC_PAUSED | HC_BUSY | HC_MEMWAIT |
				  HC_RCV_LIM)) && !hc->buf))
		return;
	if (hc->flags & (HC_PAUSED | HC_BUSY | HC_MEMWAIT))
		room = 0;
	else if (hc->buf && mem_pressure(hc->hl->mem, MEM_HTTP_REQ))
		room = hc->cap - hc->len;
	if (room == TCP_RCV_ANY && !(hc->flags & HC_RCV_LIM))
		return;
	if (room == TCP_RCV_ANY)
		hc->flags &= ~HC_RCV_LIM;
	else
		hc->flags |= HC_RCV_LIM;
	tcp_rcv_room(ctx, hc->tcp, room);
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
