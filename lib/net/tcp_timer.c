/* SPDX-License-Identifier: BSD-3-Clause */
/* tcp_timer.c: retransmission (RFC 6298), persist, FIN_WAIT_2, TIME_WAIT,
 * delayed ACK. */
#include <rte_common.h>

#include "net/tcp_priv.h"

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

/* RFC 6298 §2: SRTT, RTTVAR and RTO from one measurement R. */
void
tcp_rtt_sample(struct tcp_lcore *tl, struct tcp_conn *c, uint32_t r)
{
	uint32_t rto;

	if (r == 0)
		r = 1;
	if (c->srtt == 0) {
		c->srtt = r;
		c->rttvar = r / 2;
	} else {
		uint32_t d = c->srtt > r ? c->srtt - r : r - c->srtt;

		c->rttvar = (3 * c->rttvar + d) / 4;
		c->srtt = (7 * c->srtt + r) / 8;
	}
	rto = c->srtt + RTE_MAX(4 * c->rttvar, (uint32_t)1000);
	c->rto = tcp_min(tcp_max(rto, tl->rto_min), tl->rto_max);
}

static void
tcp_backoff(struct tcp_lcore *tl, struct tcp_conn *c)
{
	/* §5.5: double, bounded; §5.7 no new sample from a retransmission
	 * (Karn): stop timing. */
	c->rto = RTE_MIN(c->rto * 2, tl->rto_max);
	c->flags &= ~TCF_RTT;
}

static void
tcp_rto_expired(struct lcore_ctx *ctx, struct tcp_conn *c)
{
	struct tcp_lcore *tl = tcp_tl(ctx);
	uint32_t flight = c->snd_max - c->snd_una;

	if (++c->retries > tl->max_retries) {
		STAT_INC(ctx, tcp_give_up);
		tcp_send_rst(ctx, c);
		tcp_conn_closed(ctx, c, TCP_CLOSE_TIMEOUT);
		tcp_set_state(tl, c, TCP_CLOSED);
		tcp_conn_free(ctx, c);
		return;
	}
	STAT_INC(ctx, tcp_rto_timeouts);
	STAT_INC(ctx, tcp_retransmits);
	/* RFC 5681 §3.1 (4): one segment, ssthresh half the flight. */
	c->ssthresh = RTE_MAX(flight / 2, 2u * c->mss);
	c->cwnd = c->mss;
	c->flags &= ~TCF_RECOVERY;
	c->dupacks = 0;
	/* Go back to snd_una: data, then the FIN if it is unacknowledged. */
	c->snd_nxt = c->snd_una;
	c->flags &= ~TCF_FIN_SENT;
	tcp_backoff(tl, c);
	c->timer_kind = TT_NONE;
	tcp_output(ctx, c);
}

void
tcp_timer_fire(struct lcore_ctx *ctx, struct timer *t)
{
	struct tcp_conn *c = container_of(t, struct tcp_conn, timer);
	struct tcp_lcore *tl = tcp_tl(ctx);
	uint8_t kind = c->timer_kind;

	c->timer_kind = TT_NONE;
	switch (kind) {
	case TT_RTX:
		if (c->state == TCP_SYN_RECEIVED) {
			/* Half-open: the peer never completed the handshake. */
			if (++c->retries > RTE_MIN(tl->max_retries, 5u)) {
				STAT_INC(ctx, tcp_give_up);
				tcp_set_state(tl, c, TCP_CLOSED);
				tcp_conn_free(ctx, c);
				return;
			}
			STAT_INC(ctx, tcp_retransmits);
			tcp_backoff(tl, c);
			tcp_send_synack(ctx, c);
			tcp_arm(ctx, c, TT_RTX, c->rto);
			return;
		}
		tcp_rto_expired(ctx, c);
		return;
	case TT_PERSIST:
		/* RFC 9293 §3.8.6.1: probe the zero window. An old sequence
		 * number makes the peer answer with its current window. */
		if (c->snd_wnd == 0 && c->sndq_len) {
			STAT_INC(ctx, tcp_persist_probes);
			tcp_send_segment(ctx, c, c->snd_una - 1, 0, 0);
			tcp_backoff(tl, c);
			tcp_arm(ctx, c, TT_PERSIST, c->rto);
		}
		return;
	case TT_FIN_WAIT2:
		STAT_INC(ctx, tcp_fin_wait2_timeout);
		tcp_conn_closed(ctx, c, TCP_CLOSE_TIMEOUT);
		tcp_set_state(tl, c, TCP_CLOSED);
		tcp_conn_free(ctx, c);
		return;
	case TT_TIME_WAIT:
		tcp_set_state(tl, c, TCP_CLOSED);
		tcp_conn_free(ctx, c);
		return;
	}
}

void
tcp_delack_fire(struct lcore_ctx *ctx, struct timer *t)
{
	struct tcp_conn *c = container_of(t, struct tcp_conn, delack);

	if (TCPF(c->state) & TCP_SYNCHRONIZED) {
		STAT_INC(ctx, tcp_delayed_acks);
		tcp_send_ack(ctx, c);
	}
}
