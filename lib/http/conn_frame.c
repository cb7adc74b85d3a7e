/* SPDX-License-Identifier: BSD-3-Clause */
/* conn_frame.c: HTTP/1.1 request framing: input, pipelining, buffers, limits. */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <rte_malloc.h>

#include "http/conn_priv.h"
#include "http/head_cache_fast.h"

_Static_assert(offsetof(struct http_exchange, head_only) ==
		       offsetof(struct http_exchange, rflags) + 1,
	       "an entry's xf is the exchange's rflags and head_only");

/* The next request starts at the parse position: judged from its first
 * byte (http_parse_resume reads pos, phase and lead; it sets the rest
 * before use; scanned is only ever a difference). */
static inline void
http_pst_reset(struct http_conn *hc)
{
	hc->pst.pos = 0;
	hc->pst.phase = 0;
	hc->pst.lead = 0;
	hc->need = 0;
}

/*
 * Make room for need bytes in hc->buf, its capacity charged to
 * MEM_HTTP_REQ. -E2BIG past the connection's limit, -ENOBUFS when the
 * lcore's budget refuses, -ENOMEM.
 */
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
		if (!mem_charge(hl->mem, MEM_HTTP_REQ, HTTP_BUF_SMALL))
			return -ENOBUFS;
		hc->buf = hl->bufs[--hl->nbufs];
		hc->flags |= HC_BUF;
		hc->cap = HTTP_BUF_SMALL;
		return 0;
	}
	cap = HTTP_BUF_SMALL;
	while (cap < need)
		cap *= 2;
	if (cap > hl->buf_limit)
		cap = hl->buf_limit;
	if (!mem_charge(hl->mem, MEM_HTTP_REQ, cap))
		return -ENOBUFS;
	nb = rte_malloc_socket("http_buf", cap, 0, ctx->socket_id);
	if (!nb) {
		mem_release(hl->mem, MEM_HTTP_REQ, cap);
		return -ENOMEM;
	}
	uint32_t len = hc->len;

	if (len)
		memcpy(nb, hc->buf, len);
	http_buf_release(hl, hc);
	hc->buf = nb;
	hc->flags |= HC_BUF;
	hc->cap = cap;
	hc->len = len;
	return 0;
}

/*
 * Run x's handler for the router's answer m (rc its return), x set but
 * for the route's fields; an unrouted request is answered 404 or 405.
 */
static __rte_always_inline void
http_run(struct lcore_ctx *ctx, struct http_exchange *x,
	 const struct http_match *m, int rc)
{
	const struct http_route *r;
	char allow[96];

	STAT_INC(ctx, http_requests);
	if (unlikely(rc < 0)) {
		x->route = -1;
		x->nparams = 0;
		x->arg = NULL;
		if (m->allowed) {
			char hdr[128];

			http_router_allow(m->allowed, allow, sizeof(allow));
			snprintf(hdr, sizeof(hdr), "Allow: %s\r\n", allow);
			x->allow = hdr;
			http_respond_error(x, 405, "method not allowed");
		} else {
			http_respond_error(x, 404, "not found");
		}
		return;
	}
	r = &x->conn->hl->router->routes[m->route];
	x->route = m->route;
	/* Params past nparams are never read. */
	x->nparams = m->nparams;
	for (unsigned int i = 0; i < m->nparams; i++)
		x->params[i] = m->params[i];
	x->arg = r->arg;
	r->fn(x);
	if (unlikely(!x->status))
		http_respond_error(x, 500, "handler did not answer");
}

/* Answer req; close: the answer says "Connection: close" and closes. */
static __rte_always_inline void
http_dispatch_one(struct lcore_ctx *ctx, struct http_conn *hc,
		  const struct http_request *req, const char *body,
		  uint32_t blen, bool close)
{
	struct http_lcore *hl = hc->hl;
	struct http_match m;
	struct http_exchange x;
	int rc;

	/* Each field set once (the route's in http_run). */
	x.lc = ctx;
	x.conn = hc;
	x.body = body;
	x.body_len = blen;
	x.status = 0;
	x.close = close;
	x.rflags = http_req_rflags(req->minor_version, req->keep_alive);
	x.head_only = req->method == HTTP_M_HEAD;
	x.allow = NULL;
	x.head = req;
	x.lazy = NULL;
	x.pend = NULL;
	rc = http_head_cache_route(&hl->hcache, hl->router, req, &m);
	http_run(ctx, &x, &m, rc);
}

/*
 * Answer the head the cache matched on e at buf (lz: its lazy head,
 * lz->hit, or hl->lz_short), its body whole at body[0..blen), when its
 * entry keeps its route for the lcore's router at its current
 * generation (and routes somewhere): the entry's facts and its kept
 * route, as http_run takes them from the router, no struct
 * http_request unless the handler asks for it (http_exchange_request).
 */
static __rte_always_inline void
http_dispatch_kept(struct lcore_ctx *ctx, struct http_conn *hc,
		   struct http_lazy_req *lz, const struct http_hc_entry *e,
		   const char *buf, const char *body, uint32_t blen)
{
	const struct http_hc_route *rt = &e->rt;
	const char *path = buf + e->path_off;
	struct http_exchange x;

	x.lc = ctx;
	x.conn = hc;
	x.body = body;
	x.body_len = blen;
	/* arg, route, status 0, close false, rflags, head_only, allow
	 * NULL: kept with the route (http_hc_route_ximg) */
	memcpy((char *)&x + offsetof(struct http_exchange, arg), rt->ximg,
	       HTTP_X_IMG);
	x.head = NULL;
	x.lazy = lz;
	x.pend = NULL;
	STAT_INC(ctx, http_requests);
	x.nparams = rt->nparams;
	for (unsigned int i = 0; i < rt->nparams; i++) {
		x.params[i].p = path + rt->poff[i];
		x.params[i].len = rt->plen[i];
	}
	rt->fn(&x);
	if (unlikely(!x.status))
		http_respond_error(&x, 500, "handler did not answer");
}

/*
 * Answer the head the cache matched in lz->hit, its body whole at
 * body[0..blen): http_dispatch_kept when the entry's route is kept,
 * else the router's answer (kept in the entry from then on).
 */
static __rte_always_inline void
http_dispatch_hit(struct lcore_ctx *ctx, struct http_conn *hc,
		  struct http_lazy_req *lz, const char *body, uint32_t blen)
{
	struct http_lcore *hl = hc->hl;
	const struct http_hc_route *rt = &lz->hit.e->rt;
	const struct http_router *r = hl->router;
	struct http_match m;
	struct http_exchange x;
	int rc;

	if (likely(rt->router == r && rt->gen == r->gen && rt->route >= 0)) {
		http_dispatch_kept(ctx, hc, lz, lz->hit.e, lz->hit.buf, body,
				   blen);
		return;
	}
	x.lc = ctx;
	x.conn = hc;
	x.body = body;
	x.body_len = blen;
	x.status = 0;
	x.close = false;
	memcpy(&x.rflags, lz->hit.e->xf, 2); /* rflags, head_only */
	x.allow = NULL;
	x.head = NULL;
	x.lazy = lz;
	x.pend = NULL;
	rc = http_head_cache_hit_route(&hl->hcache, r, &lz->hit, &m);
	http_run(ctx, &x, &m, rc);
}

const struct http_request *
http_exchange_request(struct http_exchange *x)
{
	if (x->lazy) {
		struct http_lcore *hl = x->conn->hl;

		/* The fast match's hit: on the cache's latest hit's entry
		 * (no other lookup runs during a handler), the head right
		 * before the body, its Content-Length the body's length
		 * with the entry's digit count (http_hc_fast_hit). */
		if (x->lazy == &hl->lz_short) {
			const struct http_hc_entry *e = hl->hcache.last;

			http_hc_fast_hit(e, x->body - e->len, x->body_len,
					 &hl->lz_short.hit);
		}
		http_head_cache_fill(&x->lazy->hit, &x->lazy->req);
		x->head = &x->lazy->req;
		x->lazy = NULL;
	}
	return x->head;
}

/* http_dispatch_one out of line, for the rarer callers. */
static void __rte_noinline
http_dispatch(struct lcore_ctx *ctx, struct http_conn *hc,
	      const struct http_request *req, const char *body, uint32_t blen,
	      bool close)
{
	http_dispatch_one(ctx, hc, req, body, blen, close);
}

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
	 * know the answer; the body then never needs to be read, so the
	 * connection closes, and the answer says so (RFC 9112 §9.6). */
	if (http_router_match(hc->hl->router, req->method, req->path,
			      req->path_len, &m) < 0) {
		http_dispatch(ctx, hc, req, NULL, 0, true);
		hc->flags |= HC_CLOSING;
		return false;
	}
	hc->flags |= HC_CONTINUE;
	STAT_INC(ctx, http_continue_sent);
	http_send_all(ctx, hc, cont, sizeof(cont) - 1);
	return true;
}

/* Parse the head of a request whose body is whole, counting the bytes. */
static int
http_parse_again(struct lcore_ctx *ctx, struct http_conn *hc, const char *p,
		 uint32_t len, struct http_request *req, int *status)
{
	struct http_parse_state one = { 0 };
	int n = http_head_cache_parse(&hc->hl->hcache, &ctx->stats, &one, p,
				      len, &hc->hl->limits, req, status);

	STAT_ADD(ctx, http_parse_bytes, one.scanned);
	return n;
}

/* A request head in hc->buf (n bytes) with a chunked body: decode what
 * has arrived in place. req is the parsed head the first time, NULL
 * later (the head is parsed again only once the body is whole). Returns
 * the bytes of the whole request when complete, HT_MORE or HT_STOP. */
static int
http_take_chunked(struct lcore_ctx *ctx, struct http_conn *hc,
		  const struct http_request *req, uint32_t n)
{
	struct http_request again;
	size_t raw, left, consumed;
	int rc, status = 400;

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
		if (req && !http_maybe_continue(ctx, hc, req))
			return HT_STOP;
		return HT_MORE;
	}
	hc->flags &= ~HC_CHUNKED;
	if (rc < 0) {
		http_fail(ctx, hc, req, hc->chunked.status, hc->chunked.status == 413 ?
			  "body too large" : "bad chunked encoding");
		return HT_STOP;
	}
	if (!req) {
		if (http_parse_again(ctx, hc, hc->buf, hc->head_len, &again,
				     &status) != (int)hc->head_len) {
			http_fail(ctx, hc, NULL, 500, "internal error");
			return HT_STOP;
		}
		req = &again;
	}
	http_dispatch(ctx, hc, req, hc->buf + hc->head_len, hc->body_len,
		      false);
	return (int)hc->raw_off;
}

/*
 * Take one request from p[0..len). Returns the bytes it used (> 0), or an
 * enum http_take. in_buf: p is hc->buf (chunked bodies need it).
 */
static __rte_always_inline int
http_take(struct lcore_ctx *ctx, struct http_conn *hc, const char *p,
	  uint32_t len, bool in_buf)
{
	struct http_lcore *hl = hc->hl;
	struct http_parse_state *st = &hc->pst;
	struct http_lazy_req lz;
	struct http_request *req = &lz.req;
	uint32_t seen; /* st->scanned before the parser runs */
	int status, n;
	uint64_t cl;

	/* Only the request at the parse position gets here with these. */
	if (unlikely(hc->flags & HC_CHUNKED))
		return http_take_chunked(ctx, hc, NULL, hc->head_len);
	if (unlikely(hc->need) && len < hc->need)
		return HT_MORE; /* the head was judged; its body is coming */
	if (likely(!st->pos)) {
		/* A fresh head: the cache's latest entry in one pass, when
		 * it is armed (its route kept, not chunked), its body whole
		 * and within max_body: answered as the hit below would. */
		n = (int)http_hc_fast(&hl->hcache, hl->router, p, len, &cl);
		if (likely(n) && likely(cl <= hl->max_body &&
					len - (uint32_t)n >= cl)) {
			struct http_hc_entry *e = http_hc_fast_entry(&hl->hcache);

			http_hc_fast_note(&hl->hcache, e, &ctx->stats);
			STAT_ADD(ctx, http_parse_bytes, n);
			http_dispatch_kept(ctx, hc, &hl->lz_short, e, p, p + n,
					   (uint32_t)cl);
			return n + (int)cl;
		}
		/* Then the cache's lookup. */
		n = (int)hl->hc_hit(&hl->hcache, &ctx->stats, p, len,
				    &hl->limits, &lz.hit);
		if (likely(n)) {
			STAT_ADD(ctx, http_parse_bytes, n);
			cl = lz.hit.v;
			/* Whole, not chunked, within max_body: answered
			 * from the hit. Anything else as the parser's. */
			if (likely(!lz.hit.e->tail[0] && cl <= hl->max_body &&
				   len - (uint32_t)n >= cl)) {
				struct http_hc_entry *e =
					(struct http_hc_entry *)lz.hit.e;

				http_dispatch_hit(ctx, hc, &lz, p + n,
						  (uint32_t)cl);
				/* Its route is kept now: the fast match
				 * may take its next heads. */
				if (unlikely(e->fast_gen != hl->router->gen))
					http_hc_fast_arm_w(e, hl->router,
							   &hl->limits,
							   hl->fast_wide);
				return n + (int)cl;
			}
			http_head_cache_take(&lz.hit, (size_t)n, st, req);
			goto judged;
		}
		status = 400;
		seen = st->scanned;
		n = http_head_cache_miss(&hl->hcache, &ctx->stats, st, p, len,
					 &hl->limits, req, &status);
	} else {
		status = 400;
		seen = st->scanned;
		n = http_parse_resume(st, p, len, &hl->limits, req, &status);
	}
	STAT_ADD(ctx, http_parse_bytes, st->scanned - seen);
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
judged:
	if (req->chunked) {
		if (!in_buf || p != hc->buf)
			return HT_TO_BUF;
		return http_take_chunked(ctx, hc, req, (uint32_t)n);
	}
	cl = req->content_length > 0 ? (uint64_t)req->content_length : 0;
	if (cl > hl->max_body) {
		http_fail(ctx, hc, req, 413, "body too large");
		return HT_STOP;
	}
	if (len - (uint32_t)n < cl) {
		hc->need = (uint32_t)n + (uint32_t)cl;
		if (!http_maybe_continue(ctx, hc, req))
			return HT_STOP;
		return HT_MORE;
	}
	http_dispatch_one(ctx, hc, req, p + n, (uint32_t)cl, false);
	return n + (int)cl;
}

/* Take every whole request from p[0..len); returns bytes used, and in
 * *again whether the rest must be retried from the buffer. */
static __rte_always_inline uint32_t
http_process(struct lcore_ctx *ctx, struct http_conn *hc, const char *p,
	     uint32_t len, bool in_buf, bool *again, uint32_t *taken)
{
	uint32_t used = 0;

	*again = false;
	while (used < len && !(hc->flags & (HC_CLOSING | HC_PAUSED | HC_BUSY))) {
		int n;

		if (!http_send_room(ctx, hc, hc->tcp)) {
			hc->flags |= HC_PAUSED;
			tcp_want_writable(hc->tcp, true);
			STAT_INC(ctx, http_paused);
			break;
		}
		/* http.max_pipeline answers queued: wait for the queue to
		 * empty (writable) before taking the next request. */
		if (unlikely(hc->nq >= hc->hl->max_pipeline)) {
			if (tcp_sndq_bytes(hc->tcp)) {
				hc->flags |= HC_PAUSED;
				tcp_want_writable(hc->tcp, true);
				STAT_INC(ctx, http_pipeline_full);
				break;
			}
			hc->nq = 0;
		}
		n = http_take(ctx, hc, p + used, len - used, in_buf && used == 0);
		if (n > 0) {
			used += (uint32_t)n;
			hc->flags &= ~(HC_CONTINUE | HC_IN_REQ);
			(*taken)++;
			hc->nq++;
			http_pst_reset(hc);
			continue;
		}
		if (n == HT_TO_BUF)
			*again = true;
		break;
	}
	return used;
}

/*
 * Append the last len bytes of the recv() call to the buffer. Past the
 * connection's limit, answer 413 and close. Without budget (or memory),
 * keep what the buffer has room for and leave the rest in TCP
 * (tcp_recv_leave): it comes again, and the header timeout ends a
 * connection that never gets room. true when bytes were added.
 */
static bool
http_buffer(struct lcore_ctx *ctx, struct http_conn *hc, const char *p,
	    uint32_t len)
{
	int rc = http_buf_reserve(ctx, hc, hc->len + len);
	uint32_t k = len;

	if (unlikely(rc == -E2BIG)) {
		STAT_INC(ctx, http_buffer_overflow);
		if (!(hc->flags & (HC_CLOSING | HC_BUSY)))
			http_fail(ctx, hc, NULL, 413, "request too large");
		hc->flags |= HC_CLOSING;
		return false;
	}
	if (unlikely(rc < 0)) {
		k = hc->cap - hc->len;
		tcp_recv_leave(hc->tcp, len - k);
		STAT_ADD(ctx, http_rx_left, len - k);
		hc->flags |= HC_MEMWAIT;
		/* The parse state may cover bytes that were left. */
		if (hc->pst.pos > hc->len + k)
			http_pst_reset(hc);
	}
	if (k == 0)
		return false;
	memcpy(hc->buf + hc->len, p, k);
	hc->len += k;
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

/* After input: deadlines for the partial request, or the idle time. */
static void
http_update_deadline(struct lcore_ctx *ctx, struct http_conn *hc,
		     uint32_t taken)
{
	struct http_lcore *hl = hc->hl;
	uint64_t d;

	if (hc->len || (hc->flags & (HC_CHUNKED | HC_MEMWAIT))) {
		/* A request in progress keeps the deadline of its first
		 * byte: dripping bytes (slowloris) does not extend it, and
		 * one kept waiting for budget ends there too. */
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

static void __rte_noinline
http_finish_input_all(struct lcore_ctx *ctx, struct http_conn *hc,
		      uint32_t taken)
{
	/* An answer that could not go out whole: reset, never cut. */
	if (unlikely(hc->flags & HC_RESET)) {
		timer_cancel(&ctx->wheel, &hc->timer);
		tcp_abort(ctx, hc->tcp); /* closed() frees hc */
		return;
	}
	/* A body still streaming or owed is sent whole before the FIN. */
	if ((hc->flags & (HC_CLOSING | HC_OUT)) == HC_CLOSING) {
		/* TCP acknowledges and drops what still comes: let it come,
		 * so the peer's FIN is not held behind a closed window. */
		if (hc->flags & HC_RCV_LIM)
			tcp_rcv_room(ctx, hc->tcp, TCP_RCV_ANY);
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
	http_rcv_window(ctx, hc);
}

/*
 * After input. The common case (nothing buffered, nothing held, no
 * close) only restarts the idle time: http_update_deadline and
 * http_rcv_window would do no more.
 */
static __rte_always_inline void
http_finish_input(struct lcore_ctx *ctx, struct http_conn *hc, uint32_t taken)
{
	uint64_t d;

	if (unlikely(hc->flags & (HC_RESET | HC_CLOSING | HC_PEER_FIN |
				  HC_PAUSED | HC_BUSY | HC_CHUNKED |
				  HC_MEMWAIT | HC_RCV_LIM | HC_BUF))) {
		http_finish_input_all(ctx, hc, taken);
		return;
	}
	d = ctx->now_us + hc->hl->idle_timeout_us;
	hc->deadline_us = d;
	if (!timer_armed(&hc->timer) || hc->timer.expire_us > d)
		timer_arm(&ctx->wheel, &hc->timer, d);
}

/*
 * http_finish_input after the short form's request. The connection was
 * fresh when it came (HC_NOT_FRESH clear: not closing), so its idle
 * timer is armed: parked at http_accept, armed again by each input
 * that finds it otherwise and by its own firing, and cancelled only on
 * the ways that close (HC_CLOSING set, never cleared). Whether the new
 * deadline comes before the armed one is all that is left to ask.
 */
static __rte_always_inline void
http_finish_short(struct lcore_ctx *ctx, struct http_conn *hc)
{
	uint64_t d;

	if (unlikely(hc->flags & (HC_RESET | HC_CLOSING | HC_PEER_FIN |
				  HC_PAUSED | HC_BUSY | HC_CHUNKED |
				  HC_MEMWAIT | HC_RCV_LIM | HC_BUF))) {
		http_finish_input_all(ctx, hc, 1);
		return;
	}
	d = ctx->now_us + hc->hl->idle_timeout_us;
	hc->deadline_us = d;
	RTE_ASSERT(timer_armed(&hc->timer));
	if (unlikely(hc->timer.expire_us > d))
		timer_arm(&ctx->wheel, &hc->timer, d);
}

/* The answer that held the connection is out: take the next requests. */
void
http_conn_resume(struct lcore_ctx *ctx, struct http_conn *hc)
{
	uint32_t taken = 0;

	if (!(hc->flags & HC_CLOSING) && hc->len)
		taken = http_process_buf(ctx, hc);
	http_finish_input(ctx, hc, taken);
}

/* http_conn_recv for every segment the fast form does not take. */
static void __rte_noinline
http_conn_recv_all(struct lcore_ctx *ctx, struct http_conn *hc, const char *p,
		   uint32_t len)
{
	uint32_t taken = 0;

	if (hc->flags & HC_CLOSING)
		return; /* answered with close: the rest is discarded */
	hc->flags &= ~HC_MEMWAIT;
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

/*
 * The flags under which a segment is not one fresh request: none set
 * (so nothing buffered: HC_BUF is set while hc->buf is), the
 * connection is at a request's first byte with its parse state as http_pst_reset left it (every path
 * that leaves a request part taken buffers it, or sets HC_MEMWAIT or
 * HC_CLOSING), and http_process would clear no flag after a take.
 */
#define HC_NOT_FRESH                                                           \
	(HC_CLOSING | HC_PEER_FIN | HC_PAUSED | HC_CONTINUE | HC_IN_REQ |      \
	 HC_CHUNKED | HC_BUSY | HC_RCV_LIM | HC_MEMWAIT | HC_RESET | HC_BUF)

/*
 * The common segment: exactly one whole request, its head the head
 * cache's armed latest entry (http_hc_fast), on a connection at a fresh
 * request with send room. Answered as http_process and http_take answer
 * it (the same checks in the same order where they can differ: the send
 * room, the pipeline bound, the fast match; what it reads has no side
 * effect): anything else goes to http_conn_recv_all, nothing done or
 * counted.
 */
void
http_conn_recv(struct lcore_ctx *ctx, struct tcp_conn *c, void *app,
	       const uint8_t *data, uint32_t len)
{
	struct http_conn *hc = app;
	const char *p = (const char *)data;
	struct http_lcore *hl;
	struct http_hc_entry *e;
	uint64_t cl;
	uint32_t n;

	/* Only ctx, hc, p and len live across the send room's call: hl and
	 * e are read after it, c is hc->tcp (fewer registers saved). */
	if (likely(!(hc->flags & HC_NOT_FRESH)) &&
	    likely(http_send_room(ctx, hc, c))) {
		/* The pipeline bound before the match (which has no side
		 * effect): http_conn_recv_all would find and do the same. */
		if (unlikely(hc->nq >= hc->hl->max_pipeline)) {
			if (tcp_sndq_bytes(hc->tcp))
				goto all;
			hc->nq = 0;
		}
		hl = hc->hl;
		e = http_hc_fast_entry(&hl->hcache);
		/* http_hc_fast_e() answering n with cl == len - n: the
		 * digits compared with those of len - n, at most max_body. */
		if (likely(http_hc_fast_xb(e, hl->router, p, len,
					   &hl->max_body))) {
			n = e->len;
			cl = (size_t)len - n;
			http_hc_fast_note(&hl->hcache, e, &ctx->stats);
			STAT_ADD(ctx, http_parse_bytes, n);
			http_dispatch_kept(ctx, hc, &hl->lz_short, e, p, p + n,
					   (uint32_t)cl);
			hc->nq++;
			http_finish_short(ctx, hc);
			return;
		}
	}
all:
	http_conn_recv_all(ctx, hc, p, len);
}

void
http_conn_peer_fin(struct lcore_ctx *ctx, struct tcp_conn *c, void *app)
{
	struct http_conn *hc = app;

	hc->flags |= HC_PEER_FIN;
	if (!(hc->flags & HC_CLOSING))
		http_finish_input(ctx, hc, 0);
}

void
http_conn_writable(struct lcore_ctx *ctx, struct tcp_conn *c, void *app)
{
	struct http_conn *hc = app;
	uint32_t taken;

	/* Every ACK that frees space comes here: most find nothing to do. */
	if (likely(!(hc->flags & (HC_OWED | HC_STREAM | HC_PAUSED))))
		return;
	if (unlikely(hc->flags & HC_OWED)) {
		/* The tail of an answer goes first, whole, in order. */
		if (!http_owe_flush(ctx, hc))
			return;
		if (hc->flags & HC_STREAM)
			http_conn_stream_pump(ctx, hc, true);
		else
			http_conn_resume(ctx, hc);
		return;
	}
	if (hc->flags & HC_STREAM) {
		http_conn_stream_pump(ctx, hc, true);
		return;
	}
	if (hc->nq && tcp_sndq_bytes(c) == 0)
		hc->nq = 0;
	if (!(hc->flags & HC_PAUSED) ||
	    tcp_send_space(c) < hc->hl->send_reserve ||
	    hc->nq >= hc->hl->max_pipeline)
		return;
	hc->flags &= ~HC_PAUSED;
	taken = http_process_buf(ctx, hc);
	http_finish_input(ctx, hc, taken);
}
