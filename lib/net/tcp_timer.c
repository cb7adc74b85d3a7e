/* SPDX-License-Identifier: BSD-3-Clause */
/* tcp_timer.c: RTO (RFC 6298), persist, delayed ACK, FIN_WAIT_2, TIME_WAIT. */
#include <rte_common.h>

#include "net/tcp_priv.h"

/*
 * Each connection has two wheel timers: `timer`, whose job is
 * c->timer_kind (one at a time: SYN-ACK/data/FIN retransmission, zero
 * window probe or FIN_WAIT_2; the states never need two), and `delack`.
 * TIME_WAIT stops it: the lcore's TIME_WAIT FIFO has one timer for all
 * (tcp_conn.c). A new passive connection's first SYN-ACK timeout waits
 * in a FIFO as well (tcp_open.c's tcp_synack_arm, tcp_synack_fifo_fire).
 */

void
tcp_arm(struct lcore_ctx *ctx, struct tcp_conn *c, uint8_t kind,
	uint64_t after_us)
{
	c->timer_kind = kind;
	timer_arm(&ctx->wheel, &c->timer, ctx->now_us + after_us);
}

void
tcp_disarm(struct lcore_ctx *ctx, struct tcp_conn *c)
{
	c->timer_kind = TT_NONE;
	timer_cancel(&ctx->wheel, &c->timer);
}

/*
 * (Re)start the retransmission timer: due RTO from now (RFC 6298 §5.1,
 * §5.3). The wheel timer is left where it is when it would fire earlier
 * (it then moves itself to rtx_deadline), and stopping it (§5.2) only
 * changes timer_kind: a keep-alive connection acknowledging every
 * response does not cancel and re-insert a timer per request.
 */
void
tcp_rtx_arm(struct lcore_ctx *ctx, struct tcp_conn *c)
{
	uint64_t when = ctx->now_us + c->rto;

	c->timer_kind = TT_RTX;
	c->rtx_deadline = when;
	if (!timer_armed(&c->timer) || c->timer.expire_us > when)
		timer_arm(&ctx->wheel, &c->timer, when);
}

/*
 * RFC 6298 §2: SRTT, RTTVAR and RTO from one measurement r (us). The
 * measurement comes from one timed segment at a time, never one that was
 * retransmitted (Karn's algorithm, §3), so it is exact to the
 * microsecond; timestamps are used for PAWS only. A new sample also ends
 * the backoff of §5.5.
 */
void
tcp_rtt_sample(const struct tcp_lcore *tl, struct tcp_conn *c, uint32_t r)
{
	tcp_rtt_update(tl, c, r);
}

static void
tcp_give_up(struct lcore_ctx *ctx, struct tcp_conn *c)
{
	STAT_INC(ctx, tcp_give_up);
	if (TCPF(c->state) & TCPF_ORPHAN)
		STAT_INC(ctx, mem_orphan_gave_up);
	tcp_send_rst(ctx, c);
	tcp_app_closed(ctx, c, TCP_CLOSE_TIMEOUT);
	if (!(c->flags & TCF_DEAD))
		tcp_conn_free(ctx, c);
}

/*
 * The wait before the next zero-window probe: the RTO backed off once
 * per probe (RFC 9293 §3.8.6.1, RFC 1122 §4.2.2.17), up to rto_max. The
 * backoff is the connection's persist_backoff, not c->rto: a peer that
 * keeps its window shut must not leave the connection with an inflated
 * RTO once the window opens (RFC 6298's estimator is left alone).
 */
static uint64_t
tcp_persist_interval(const struct tcp_lcore *tl, const struct tcp_conn *c)
{
	uint64_t t = (uint64_t)c->rto << RTE_MIN(c->persist_backoff, 30);

	return RTE_MIN(t, (uint64_t)tl->rto_max);
}

/* Zero window with nothing in flight: probe it (RFC 9293 §3.8.6.1). */
void
tcp_persist_enter(struct lcore_ctx *ctx, struct tcp_conn *c)
{
	c->flags |= TCF_PERSIST;
	c->flags &= ~TCF_RTT;
	c->snd_nxt = c->snd_una;
	c->persist_backoff = 0;
	tcp_arm(ctx, c, TT_PERSIST, tcp_persist_interval(tcp_tl(ctx), c));
}

/* One more retransmission or probe: false when the connection ended
 * instead (retry budget spent, or stalled too long: tcp_stall_check). */
static bool
tcp_retry_left(struct lcore_ctx *ctx, struct tcp_conn *c)
{
	if (c->retries >= tcp_retry_limit(tcp_tl(ctx), c)) {
		tcp_give_up(ctx, c);
		return false;
	}
	if (tcp_stall_check(ctx, c))
		return false;
	c->retries++;
	return true;
}

/* RFC 6298 §5.4-5.7 with RFC 5681 §3.1 and RFC 6582 §3.2 (4). */
static void
tcp_rto_expired(struct lcore_ctx *ctx, struct tcp_conn *c)
{
	uint32_t flight = c->snd_max - c->snd_una;

	if (!tcp_retry_left(ctx, c))
		return;
	STAT_INC(ctx, tcp_rto_timeouts);
	if (!(c->flags & TCF_SACK))
		STAT_INC(ctx, tcp_rto_nosack);
	else if (c->retries > 1)
		STAT_INC(ctx, tcp_rto_repeated);
	else if (c->flags & TCF_TLP)
		STAT_INC(ctx, tcp_rto_after_probe);
	else if (c->flags & TCF_RECOVERY)
		STAT_INC(ctx, tcp_rto_in_recovery);
	else
		STAT_INC(ctx, tcp_rto_tail);
	tcp_rack_rto(c); /* before the cut: it may be undone (D-SACK) */
	c->ssthresh = tcp_max(flight / 2, 2u * c->mss);
	c->cwnd = c->mss; /* loss window: one segment */
	c->recover = c->snd_max;
	c->flags &= ~(TCF_RECOVERY | TCF_RTT);
	c->dupacks = 0;
	c->rto = tcp_min(c->rto * 2, tcp_tl(ctx)->rto_max); /* §5.5 back off */
	if (c->snd_wnd == 0 && c->sndq_len) {
		/* The peer shrank its window to zero under data in flight:
		 * probe it rather than spend retries on it (the probes back
		 * off on their own, from this RTO). */
		c->retries = 0;
		tcp_persist_enter(ctx, c);
		return;
	}
	/* Go back to snd_una: data, then the FIN if it is unacknowledged. */
	c->snd_nxt = c->snd_una;
	c->timer_kind = TT_NONE;
	tcp_output(ctx, c); /* §5.4 retransmit, §5.6 restart the timer */
}

/* A SYN-ACK without answer: again, up to TCP_SYNACK_RETRIES times (or
 * tcp.max_retries if lower), then the half-open connection goes. */
static void
tcp_synack_expired(struct lcore_ctx *ctx, struct tcp_conn *c)
{
	struct tcp_lcore *tl = tcp_tl(ctx);

	if (c->retries >= RTE_MIN(tl->max_retries, (uint32_t)TCP_SYNACK_RETRIES)) {
		STAT_INC(ctx, tcp_halfopen_timeout);
		tcp_conn_free(ctx, c);
		return;
	}
	c->retries++;
	c->rto = tcp_min(c->rto * 2, tl->rto_max);
	STAT_INC(ctx, tcp_synack_rtx);
	tcp_send_synack(ctx, c);
	tcp_rtx_arm(ctx, c);
}

/* syn_timer: each SYN-ACK whose first timeout is due goes as its own
 * timer would have gone (tcp_timer_fire), then the timer waits for the
 * new head. */
void
tcp_synack_fifo_fire(struct lcore_ctx *ctx, struct timer *t)
{
	struct tcp_lcore *tl = container_of(t, struct tcp_lcore, syn_timer);
	struct tcp_conn *c;

	while ((c = tl->syn_head) != NULL && c->rtx_deadline <= ctx->now_us) {
		uint8_t kind = c->timer_kind;

		tcp_synack_unlink(tl, c);
		c->timer_kind = TT_NONE;
		if (kind == TT_RTX && c->state == TCP_SYN_RECEIVED)
			tcp_synack_expired(ctx, c);
	}
	if (c)
		timer_arm(&ctx->wheel, t, c->rtx_deadline);
}

/* Probe the zero window; give up after tcp.max_retries probes in a row
 * that the peer left unanswered (an ACK resets the count, tcp_rcv_ack),
 * or, once the application has closed, after tcp.max_retries (at most
 * tcp.orphan_retries) in all; and after tcp.stall_timeout_ms however
 * the peer answers (tcp_stall_check). */
static void
tcp_persist_expired(struct lcore_ctx *ctx, struct tcp_conn *c)
{
	if (!tcp_retry_left(ctx, c))
		return;
	tcp_send_probe(ctx, c);
	if (c->persist_backoff < 30)
		c->persist_backoff++;
	tcp_arm(ctx, c, TT_PERSIST, tcp_persist_interval(tcp_tl(ctx), c));
}

void
tcp_timer_fire(struct lcore_ctx *ctx, struct timer *t)
{
	struct tcp_conn *c = container_of(t, struct tcp_conn, timer);
	uint8_t kind = c->timer_kind;

	c->timer_kind = TT_NONE;
	/* A loss probe's timer is left armed when its flight is
	 * acknowledged (tcp_fast_ack_all, tcp_rcv_ack), as Linux and
	 * FreeBSD leave theirs, and the next answer's probe (tcp_tlp_arm)
	 * finds it armed no later than it needs: it stops here, once,
	 * with nothing in flight (RFC 8985 §7.2: no probe, no re-arm). */
	if (kind == TT_TLP && c->snd_una == c->snd_max)
		return;
	if ((kind == TT_RTX || kind == TT_TLP || kind == TT_RACK) &&
	    ctx->now_us < c->rtx_deadline) {
		/* Restarted since it was set: not due yet. */
		c->timer_kind = kind;
		timer_arm(&ctx->wheel, &c->timer, c->rtx_deadline);
		return;
	}
	switch (kind) {
	case TT_TLP:
		tcp_tlp_fire(ctx, c); /* tcp_rack.c */
		break;
	case TT_RACK:
		tcp_rack_fire(ctx, c);
		break;
	case TT_RTX:
		if (c->state == TCP_SYN_RECEIVED)
			tcp_synack_expired(ctx, c);
		else if (c->state == TCP_SYN_SENT)
			tcp_syn_expired(ctx, c); /* tcp_connect.c */
		else
			tcp_rto_expired(ctx, c);
		break;
	case TT_PERSIST:
		tcp_persist_expired(ctx, c);
		break;
	case TT_FIN_WAIT2:
		/* The peer never closed its side: reset it, and let go. */
		STAT_INC(ctx, tcp_fin_wait2_timeout);
		tcp_send_rst(ctx, c);
		tcp_app_closed(ctx, c, TCP_CLOSE_TIMEOUT);
		if (!(c->flags & TCF_DEAD))
			tcp_conn_free(ctx, c);
		break;
	case TT_SWS:
		/* RFC 9293 §3.8.6.2.1: the window stayed small; send what
		 * it takes after all. */
		STAT_INC(ctx, tcp_sws_override);
		c->flags |= TCF_SWS_FORCE;
		tcp_output(ctx, c);
		break;
	}
}

/* The delayed ACK is due: the next flush sends it. */
void
tcp_delack_fire(struct lcore_ctx *ctx, struct timer *t)
{
	struct tcp_conn *c = container_of(t, struct tcp_conn, delack);

	c->flags &= ~TCF_DELACK; /* no longer armed */
	if (!(TCPF(c->state) & TCPF_SYNCHRONIZED))
		return;
	STAT_INC(ctx, tcp_delayed_acks);
	c->flags |= TCF_ACK_NOW;
	tcp_schedule(ctx, c);
}
