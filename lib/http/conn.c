/* SPDX-License-Identifier: BSD-3-Clause */
/* conn.c: HTTP connection life cycle: pool, accept, close, timeouts, state. */
#include <errno.h>
#include <string.h>

#include <rte_malloc.h>

#include "core/config.h"
#include "http/conn_priv.h"
#include "http/head_cache_fast.h"

static void
http_timer_fire(struct lcore_ctx *ctx, struct timer *t)
{
	struct http_conn *hc = container_of(t, struct http_conn, timer);

	if ((hc->flags & (HC_CLOSING | HC_OUT)) == HC_CLOSING)
		return;
	if (ctx->now_us < hc->deadline_us) {
		timer_arm(&ctx->wheel, t, hc->deadline_us);
		return;
	}
	/* An answer in progress owns the connection: a deferred one is due
	 * soon; a stream is cut only when it made no progress for a whole
	 * idle period (a reader that stopped reading). */
	/* An owed tail waits on TCP, whose stall timeout bounds it. */
	if ((hc->flags & (HC_DEFERRED | HC_OWED)) ||
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
	if (hc->flags & HC_RESET) {
		tcp_abort(ctx, hc->tcp); /* closed() frees hc */
		return;
	}
	/* A 408 that TCP did not take whole closes once it is out. */
	if (hc->flags & HC_OUT)
		return;
	if (hc->flags & HC_RCV_LIM)
		tcp_rcv_room(ctx, hc->tcp, TCP_RCV_ANY);
	tcp_close(ctx, hc->tcp);
}

/*
 * Idle timers of new connections are parked, not armed (timer_park: a
 * few stores): most connections close well within their idle time and
 * cancel them. The sweep moves those still parked into the wheel; it is
 * armed when a connection parks and none is pending, for half the shorter
 * of the two timeouts, and every deadline (accept, request or idle) is at
 * least that shorter timeout after the accept: the sweep comes before
 * any parked expiry, or runs it in the same timer run after a clock
 * jump, so each timeout fires exactly when an armed timer would. A
 * sweep moves HTTP_IDLE_FLUSH timers a poll (a flood of connections
 * does not stall one poll); the rest go in the polls after, well within
 * the half timeout left (only after a clock jump past the deadlines of
 * more than that many does one expire a poll late).
 */
static void
http_idle_sweep(struct lcore_ctx *ctx, struct timer *t)
{
	struct http_lcore *hl = container_of(t, struct http_lcore, idle_sweep);

	timer_park_flush(&ctx->wheel, &hl->idle_park, ctx, ctx->now_us,
			 hl->idle_flush);
	if (hl->idle_park.head) /* the rest in the next poll's run */
		timer_arm(&ctx->wheel, t, ctx->now_us);
}

/* hc's request state (buf .. owe_cap) zeroed by 16-byte stores written
 * out inline: the compiler's memset of it is a rep stos. */
static __rte_always_inline void
http_conn_zero_req(struct http_conn *hc)
{
	typedef uint64_t http_v16 __attribute__((vector_size(16), may_alias,
						 aligned(1)));
	enum {
		LEN = offsetof(struct http_conn, deadline_us) -
		      offsetof(struct http_conn, buf),
		N16 = LEN / 16, TAIL = LEN % 16
	};
	uint8_t *b = (uint8_t *)&hc->buf;
	const http_v16 z = { 0, 0 };

#pragma GCC unroll 16
	for (unsigned int i = 0; i < N16; i++)
		((http_v16 *)(void *)b)[i] = z;
	if (TAIL)
		memset(b + N16 * 16, 0, TAIL);
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
	/* Each field once: the request state zeroed (buf .. owe_cap); hl,
	 * the timers (their callbacks, disarmed) and pend are as
	 * http_lcore_init made them and http_closed leaves them. */
	hc->tcp = c;
	http_conn_zero_req(hc);
	hc->deadline_us = ctx->now_us + hl->idle_timeout_us;
	timer_park(&ctx->wheel, &hl->idle_park, &hc->timer, hc->deadline_us);
	if (!timer_armed(&hl->idle_sweep))
		timer_arm(&ctx->wheel, &hl->idle_sweep,
			  ctx->now_us + hl->idle_lazy_us);
	return hc;
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
	if (hc->owe) /* http_owe_release's test: no call */
		http_owe_release(hl, hc);
	hc->tcp = NULL;
	hc->next_free = hl->free_conns;
	hl->free_conns = hc;
	hl->nconns--;
}

const struct tcp_ops http_tcp_ops = {
	.accept = http_accept,
	.recv = http_conn_recv,
	.peer_fin = http_conn_peer_fin,
	.writable = http_conn_writable,
	/* nothing to do until HC_OWED, HC_STREAM or HC_PAUSED is set: each
	 * of those asks for it (tcp_want_writable) */
	.writable_asked = true,
	.closed = http_closed,
};


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
		struct http_conn *hc = &hl->conns[i];

		/* What a free connection keeps for the next (http_accept). */
		hc->hl = hl;
		timer_init(&hc->timer, http_timer_fire);
		timer_init(&hc->dtimer, http_conn_defer_fire);
		hc->next_free = hl->free_conns;
		hl->free_conns = hc;
	}
	hl->router = r;
	hl->limits.max_request_line = cfg->http_max_request_line;
	hl->limits.max_header_bytes = cfg->http_max_header_bytes;
	hl->limits.max_headers = HTTP_MAX_HEADERS;
	hl->limits.body_lim = (uint64_t)cfg->http_max_body + 1;
	hl->hc_hit = http_head_cache_hit_variant();
	hl->fast_wide = http_parse_isa_get() == HTTP_ISA_AVX2 ?
				HTTP_HC_FAST_WIDE : 0;
	hl->max_body = cfg->http_max_body;
	hl->header_timeout_us = (uint64_t)cfg->http_header_timeout_ms * 1000;
	hl->idle_timeout_us = (uint64_t)cfg->http_idle_timeout_ms * 1000;
	hl->idle_lazy_us = RTE_MIN(hl->header_timeout_us, hl->idle_timeout_us) / 2;
	timer_init(&hl->idle_sweep, http_idle_sweep);
	hl->idle_flush = HTTP_IDLE_FLUSH;
	hl->buf_limit = cfg->http_max_request_line + cfg->http_max_header_bytes +
			cfg->http_max_body + 4096;
	hl->max_pipeline = cfg->http_max_pipeline ? cfg->http_max_pipeline : 1;
	/* A send buffer smaller than the reserve would never resume. */
	hl->send_reserve = RTE_MIN(HTTP_SEND_RESERVE, cfg->tcp_snd_buf);
	hl->send_bound = tcp_send_room_bound(ctx);
	hl->mem = &ctx->mem;
	hl->date_us = UINT64_MAX; /* no Date yet */
	hl->tpl_empty_xkey = HTTP_EMPTY_NONE;
	hl->tpl_close_xkey = HTTP_EMPTY_NONE;
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
	timer_cancel(&ctx->wheel, &hl->idle_sweep);
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
