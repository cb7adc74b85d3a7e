/* SPDX-License-Identifier: BSD-3-Clause */
/* tcp_tw.h: entering TIME_WAIT and its FIFO, inline (tcp_conn.c's policy). */
#ifndef LR_NET_TCP_TW_H
#define LR_NET_TCP_TW_H

#include "net/tcp_priv.h"

/* c off the TIME_WAIT FIFO (or, in SYN_RECEIVED, not this one:
 * tcp_synack_unlink). */
static __rte_always_inline void
tcp_tw_unlink(struct tcp_lcore *tl, struct tcp_conn *c)
{
	*c->tw_pprev = c->tw_next;
	if (c->tw_next)
		c->tw_next->tw_pprev = c->tw_pprev;
	else
		tl->tw_tail = c->tw_pprev;
	c->tw_pprev = NULL;
}

/*
 * c waits tl->timewait_us at the tail of the TIME_WAIT FIFO. The wait is
 * the same for all, so the FIFO is in expiry order and one lcore timer
 * (tw_timer, due when the head's wait ends) expires them all: c's own
 * timer stops, entering and leaving TIME_WAIT cost no wheel insertion
 * each. (A clock stepped back may leave an entry behind one due later:
 * it then goes with that one, late by less than the wait.)
 */
static __rte_always_inline void
tcp_tw_append(struct lcore_ctx *ctx, struct tcp_lcore *tl, struct tcp_conn *c)
{
	c->timer_kind = TT_TIME_WAIT;
	c->rtx_deadline = ctx->now_us + tl->timewait_us;
	timer_cancel(&ctx->wheel, &c->timer);
	c->tw_next = NULL;
	c->tw_pprev = tl->tw_tail;
	*tl->tw_tail = c;
	tl->tw_tail = &c->tw_next;
	if (!timer_armed(&tl->tw_timer))
		timer_arm(&ctx->wheel, &tl->tw_timer, tl->tw_head->rtx_deadline);
}

/*
 * Give back c's send and out-of-order queues, and its place on the
 * holders list. A queue that holds nothing (the usual case at the end
 * of a connection: every byte acknowledged, nothing out of order) costs
 * no call: its fields are already what tcp_sndq_free / tcp_ooo_free
 * leave, but for the send cursor and counts, reset here.
 */
static __rte_always_inline void
tcp_conn_release_queues(struct lcore_ctx *ctx, struct tcp_conn *c)
{
	if (c->sndq_head || c->nsndq) {
		tcp_sndq_free(ctx, c);
	} else {
		c->sndq_tail = NULL;
		c->snd_cur = NULL;
		c->sndq_len = 0;
		c->sndq_off = 0;
	}
	if (c->ooo || c->nooo)
		tcp_ooo_free(ctx, c);
	tcp_unhold(c, false);
}

/* The application's part ends: closed() exactly once if it accepted
 * (TCF_APP). tcp_app_closed (tcp_conn.c) calls it; inline for
 * tcp_time_wait_at. */
static __rte_always_inline void
tcp_app_closed_inline(struct lcore_ctx *ctx, struct tcp_conn *c,
		      enum tcp_close_reason why)
{
	if (!(c->flags & TCF_APP))
		return;
	c->flags &= ~TCF_APP;
	if (why == TCP_CLOSE_NORMAL)
		STAT_INC(ctx, tcp_closed);
	else
		STAT_INC(ctx, tcp_aborted);
	c->ops->closed(ctx, c, c->app, why);
	c->app = NULL;
}

/*
 * tcp_time_wait's body (the policy: tcp_conn.c). drained: c's send and
 * out-of-order queues are known empty and c off the holders list, their
 * fields as tcp_conn_release_queues leaves them (tcp_fin_ack_all after
 * tcp_sndq_pop took the queue's one mbuf, with no out-of-order segment:
 * the pop cleared the cursor, offset, tail and holders' place), so the
 * release folds away.
 */
static __rte_always_inline void
tcp_time_wait_at(struct lcore_ctx *ctx, struct tcp_lcore *tl,
		 struct tcp_conn *c, const bool drained)
{
	tcp_app_closed_inline(ctx, c, TCP_CLOSE_NORMAL);
	if (c->flags & TCF_DEAD)
		return;
	if (tl->max_timewait == 0 || tl->timewait_us == 0) {
		STAT_INC(ctx, tcp_timewait_skipped);
		if (c->flags & TCF_ACK_NOW)
			tcp_send_ack(ctx, c);
		tcp_conn_free(ctx, c);
		return;
	}
	if (tl->state_count[TCP_TIME_WAIT] >= tl->max_timewait) {
		STAT_INC(ctx, tcp_timewait_full);
		tcp_conn_free(ctx, tl->tw_head);
	}
	STAT_INC(ctx, tcp_timewait_entered);
	if (drained)
		RTE_ASSERT(c->sndq_head == NULL && c->nsndq == 0 &&
			   c->sndq_tail == NULL && c->snd_cur == NULL &&
			   c->sndq_len == 0 && c->sndq_off == 0 &&
			   c->ooo == NULL && c->nooo == 0 &&
			   c->hold_pprev == NULL);
	else
		tcp_conn_release_queues(ctx, c);
	if (c->flags & TCF_MEMWAIT) /* tcp_mem_unwait's test: no call */
		tcp_mem_unwait(tl, c);
	timer_cancel(&ctx->wheel, &c->delack);
	tcp_set_state(tl, c, TCP_TIME_WAIT);
	tcp_tw_append(ctx, tl, c);
}

#endif /* LR_NET_TCP_TW_H */
