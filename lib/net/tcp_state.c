/* SPDX-License-Identifier: BSD-3-Clause */
/* tcp_state.c: a segment for a connection, one state machine (RFC 9293
 * §3.10.7.4): sequence, RST, SYN, ACK, text, FIN; tcp_in.c hands it over. */
#include <string.h>

#include <rte_byteorder.h>
#include <rte_ip.h>
#include <rte_random.h>

#include "core/config.h"
#include "net/net.h"
#include "net/cksum.h"
#include "net/ipv4.h"
#include "net/ipv4_rx.h"
#include "net/ipv6.h"
#include "net/nd.h"
#include "net/tcp_fast.h"
#include "net/tcp_priv.h"
#include "net/tcp_steer.h"
#include "net/tcp_table.h"
#include "net/tcp_tw.h"

/* ---- helpers ------------------------------------------------------------ */

static inline void
tcp_ack_now(struct lcore_ctx *ctx, struct tcp_conn *c)
{
	c->flags |= TCF_ACK_NOW;
	tcp_schedule(ctx, c);
}

/*
 * RFC 5961 §7: challenge ACKs, about tcp.challenge_acks_per_s per lcore.
 * The budget of each second is drawn in [limit/2, limit*3/2) so that it
 * is no side channel for blind attackers counting it (CVE-2016-5696).
 */
static void
tcp_challenge_ack(struct lcore_ctx *ctx, struct tcp_conn *c)
{
	struct tcp_lcore *tl = tcp_tl(ctx);
	uint64_t sec = ctx->now_us / 1000000;

	if (sec != tl->chack_sec) {
		tl->chack_sec = sec;
		tl->chack_left = (tl->chack_limit + 1) / 2 +
				 (uint32_t)rte_rand_max(tl->chack_limit);
	}
	if (tl->chack_left == 0) {
		STAT_INC(ctx, tcp_challenge_ack_limited);
		return;
	}
	tl->chack_left--;
	STAT_INC(ctx, tcp_challenge_ack);
	tcp_ack_now(ctx, c);
}

/*
 * The duplicate ACK owed to an unacceptable segment (out of window,
 * PAWS). As Linux's tcp_oow_rate_limited: a segment without data or
 * FIN gets at most one such ACK per TCP_OOW_ACK_US per connection, so
 * two peers (or a forged one) cannot ping-pong ACKs without end; a
 * segment with data is always answered (its ACK may have been lost).
 */
static void
tcp_oow_ack(struct lcore_ctx *ctx, struct tcp_conn *c, uint32_t seglen)
{
	if (seglen == 0) {
		if (c->oow_ack_us &&
		    ctx->now_us - c->oow_ack_us < TCP_OOW_ACK_US) {
			STAT_INC(ctx, tcp_oow_ack_limited);
			return;
		}
		c->oow_ack_us = ctx->now_us ? ctx->now_us : 1;
	}
	tcp_ack_now(ctx, c);
}

/* RFC 9293 §3.10.7.4 first check: does the segment overlap the window? */
static inline bool
tcp_seq_ok(const struct tcp_conn *c, uint32_t seq, uint32_t seglen)
{
	uint32_t lo = c->rcv_nxt, hi = tcp_rcv_edge(c);

	/* A zero window (the application stopped reading): only the next
	 * sequence is acceptable, for its ACK; its text is dropped (as
	 * Linux: the ACKs of a peer that probes must still count). */
	if (unlikely(lo == hi))
		return seq == lo;
	if (seglen == 0)
		return SEQ_GEQ(seq, lo) && SEQ_LT(seq, hi);
	return (SEQ_GEQ(seq, lo) && SEQ_LT(seq, hi)) ||
	       (SEQ_GEQ(seq + seglen - 1, lo) && SEQ_LT(seq + seglen - 1, hi));
}

/* ---- ACK processing (§3.10.7.4 fifth), NewReno (RFC 5681, 6582) ------- */

/* One segment at snd_una again: fast retransmit and partial ACKs. Only
 * what was sent (below snd_max): new data goes through tcp_output. */
static void
tcp_retransmit_head(struct lcore_ctx *ctx, struct tcp_conn *c)
{
	uint32_t sent = tcp_min(c->snd_max - c->snd_una, c->sndq_len);
	uint32_t len = tcp_min(c->mss, sent);
	uint8_t flags = RTE_TCP_ACK_FLAG;

	if (len == c->sndq_len) {
		flags |= RTE_TCP_PSH_FLAG;
		if (c->flags & TCF_FIN_SENT)
			flags |= RTE_TCP_FIN_FLAG;
	}
	if (len == 0 && !(flags & RTE_TCP_FIN_FLAG))
		return;
	STAT_INC(ctx, tcp_retransmits);
	c->flags &= ~TCF_RTT; /* Karn: nothing timed across a retransmission */
	tcp_xmit_data(ctx, c, c->snd_una, len, flags);
}

/* RFC 5681 §3.2 and RFC 6582 §3.2: the third duplicate ACK retransmits
 * and starts fast recovery; more inflate the window. The first two let
 * new data out (RFC 3042, tcp_cwnd_lt). With SACK, RACK (tcp_rack.c)
 * finds the losses and the scoreboard repairs them instead. */
static void
tcp_dupack(struct lcore_ctx *ctx, struct tcp_conn *c)
{
	uint32_t flight = c->snd_max - c->snd_una;

	STAT_INC(ctx, tcp_dup_acks_rx);
	if (c->flags & TCF_RECOVERY) {
		if (!(c->flags & TCF_SACK))
			c->cwnd += c->mss;
		tcp_schedule(ctx, c);
		return;
	}
	if (c->dupacks < UINT8_MAX)
		c->dupacks++;
	if (c->dupacks <= 2) {
		/* RFC 3042 §2: new data, within the peer's window. */
		if (c->sndq_len > flight && c->snd_wnd > flight &&
		    c->snd_nxt == c->snd_max) {
			STAT_INC(ctx, tcp_limited_transmit);
			tcp_schedule(ctx, c);
		}
		return;
	}
	if (c->dupacks != 3 || (c->flags & TCF_SACK))
		return;
	/* §3.2 step 2: not for data sent before the last recovery or RTO. */
	if (SEQ_LT(c->snd_una, c->recover))
		return;
	STAT_INC(ctx, tcp_fast_retransmits);
	c->ssthresh = tcp_max(flight / 2, 2u * c->mss);
	c->recover = c->snd_max;
	c->flags |= TCF_RECOVERY;
	tcp_retransmit_head(ctx, c);
	c->cwnd = c->ssthresh + 3u * c->mss;
	tcp_schedule(ctx, c);
}

/* Congestion control for an ACK of new data (snd_una already moved). */
static void
tcp_cc_ack(struct lcore_ctx *ctx, struct tcp_conn *c, uint32_t acked,
	   uint32_t flight)
{
	if (c->flags & TCF_RECOVERY) {
		if (SEQ_GEQ(c->snd_una, c->recover)) {
			/* Full acknowledgment: deflate (RFC 6582 §3.2 3). */
			c->cwnd = tcp_min(c->ssthresh,
					  tcp_max(c->snd_max - c->snd_una,
						  c->mss) + c->mss);
			c->flags &= ~TCF_RECOVERY;
		} else if (c->flags & TCF_SACK) {
			/* RFC 6675: the scoreboard sends the holes
			 * (tcp_rack_done), cwnd stays at ssthresh. */
		} else {
			/* Partial: the next hole goes now, and the window
			 * deflates by what was acknowledged. */
			tcp_retransmit_head(ctx, c);
			c->cwnd = (c->cwnd > acked ? c->cwnd - acked : 0) +
				  (acked >= c->mss ? c->mss : 0);
			c->cwnd = tcp_max(c->cwnd, c->mss);
		}
		return;
	}
	/* Grow only a window that is used (an application-limited sender
	 * does not earn a larger one, RFC 7661 §4.3). */
	if (2 * flight < c->cwnd)
		return;
	if (c->cwnd < c->ssthresh)
		c->cwnd += tcp_min(acked, c->mss); /* slow start, RFC 5681 §3.1 */
	else
		c->cwnd += tcp_max(1, (uint32_t)c->mss * c->mss / c->cwnd);
	c->cwnd = tcp_min(c->cwnd, 1u << 30);
}

/* RFC 5961 §5.2: SND.UNA - MAX.SND.WND <= SEG.ACK <= SND.NXT, else a
 * challenge ACK and the segment goes. */
static bool
tcp_ack_acceptable(struct lcore_ctx *ctx, struct tcp_conn *c,
		   const struct tcp_seg *s)
{
	if (SEQ_GT(s->ack, c->snd_max) ||
	    SEQ_LT(s->ack, c->snd_una - c->max_snd_wnd)) {
		STAT_INC(ctx, tcp_drop_bad_ack);
		tcp_challenge_ack(ctx, c);
		return false;
	}
	return true;
}

/* An acceptable ACK (tcp_ack_acceptable). Returns false when the
 * segment must not be processed further. Also the fast path's ACK
 * processing (tcp_fast.h), but for the ACK of a whole answer, whose steps
 * tcp_fast_ack_all repeats with their branches decided: a change here
 * goes there too (test_tcp_fast compares the two). */
bool
tcp_rcv_ack(struct lcore_ctx *ctx, struct tcp_conn *c, const struct tcp_seg *s)
{
	struct tcp_lcore *tl = tcp_tl(ctx);
	uint32_t ack = s->ack, wnd = s->wnd << c->snd_wscale;
	uint32_t prior_una = c->snd_una;
	bool freed = false, grew;

	/* Nothing new acknowledged and nothing in flight (a request that
	 * follows the handshake, a window update), no SACK block either
	 * way, no persist, probe, undo or FIN of ours, RACK's marks not
	 * behind snd_una: every step below but the window update leaves
	 * c as it is (no delivery, no duplicate ACK, tcp_rack_done's
	 * trims and tcp_tlp_ack find nothing, no state moves). */
	if (ack == prior_una && ack == c->snd_max && s->nsack == 0 &&
	    c->nsnd_sack == 0 &&
	    !(c->flags & (TCF_PERSIST | TCF_UNDO | TCF_TLP | TCF_FIN_SENT)) &&
	    (!(c->flags & TCF_SACK) ||
	     (!SEQ_LT(c->lost_end, ack) && !SEQ_LT(c->rtx_nxt, ack)))) {
		if (tcp_snd_wnd_take(c, s->seq, ack, wnd, &grew) && grew)
			tcp_schedule(ctx, c);
		return true;
	}
	if ((c->flags & (TCF_PERSIST | TCF_APP_CLOSED)) == TCF_PERSIST)
		c->retries = 0; /* the peer answers our probes */
	if (c->flags & TCF_SACK)
		tcp_rack_ack(ctx, c, s); /* before the queue lets go */
	if (SEQ_GT(ack, c->snd_una)) {
		uint32_t acked = ack - c->snd_una, flight = c->snd_max - c->snd_una;
		uint32_t data = tcp_min(acked, c->sndq_len);

		/* RFC 6298 §2 with Karn's algorithm (§3). */
		if ((c->flags & TCF_RTT) && SEQ_GT(ack, c->rtt_seq)) {
			c->flags &= ~TCF_RTT;
			tcp_rtt_sample(tl, c,
				       (uint32_t)(ctx->now_us - c->rtt_start));
		}
		if (data) {
			tcp_sndq_drop(ctx, c, data);
			freed = true;
		}
		c->snd_una = ack;
		if (SEQ_LT(c->snd_nxt, ack))
			c->snd_nxt = ack;
		c->dupacks = 0;
		c->retries = 0;
		tcp_cc_ack(ctx, c, acked, flight);
		if (ack == c->snd_max) {
			/* §5.2 (tcp_rtx_arm); a loss probe's timer stays,
			 * parked (tcp_timer_fire) */
			if (c->timer_kind == TT_RTX || c->timer_kind == TT_RACK)
				c->timer_kind = TT_NONE;
		} else if (!(c->flags & TCF_PERSIST)) {
			tcp_rtx_arm(ctx, c); /* RFC 6298 §5.3 */
		}
		if (c->snd_nxt != c->snd_una + c->sndq_len ||
		    (TCPF(c->state) & TCPF_CLOSED_BY_US))
			tcp_schedule(ctx, c);
	} else if (ack == c->snd_una && s->len == 0 &&
		   !(s->flags & (RTE_TCP_SYN_FLAG | RTE_TCP_FIN_FLAG)) &&
		   c->snd_una != c->snd_max && wnd == c->snd_wnd &&
		   wnd != 0 && !(c->flags & TCF_PERSIST)) {
		/* A duplicate ACK by RFC 5681 §2's definition. */
		tcp_dupack(ctx, c);
	}
	if ((c->flags & TCF_SACK) && (TCPF(c->state) & TCPF_OUTPUT))
		tcp_rack_done(ctx, c, s, prior_una);
	/* Send window update, only from a newer segment (§3.10.7.4). */
	if (tcp_snd_wnd_take(c, s->seq, ack, wnd, &grew)) {
		if (wnd && (c->flags & TCF_PERSIST)) {
			/* The window opened: send from snd_una again. */
			c->flags &= ~TCF_PERSIST;
			tcp_disarm(ctx, c);
			c->snd_nxt = c->snd_una;
			c->retries = 0;
			tcp_schedule(ctx, c);
		} else if (grew) {
			tcp_schedule(ctx, c);
		}
	}
	if ((c->flags & TCF_PERSIST) && c->sndq_len == 0) {
		c->flags &= ~TCF_PERSIST;
		tcp_disarm(ctx, c);
		tcp_schedule(ctx, c);
	}
	/* Our FIN is acknowledged: the closing states move on. */
	if ((c->flags & TCF_FIN_SENT) && c->snd_una == c->snd_max) {
		switch (c->state) {
		case TCP_FIN_WAIT_1:
			tcp_set_state(tl, c, TCP_FIN_WAIT_2);
			/* The peer's FIN in this segment, bare and in order,
			 * takes FIN_WAIT_2 to TIME_WAIT at once (tcp_rcv_state
			 * -> tcp_rcv_data -> tcp_rcv_fin -> tcp_time_wait, which
			 * arms the timer anew or frees c; tcp_fast never
			 * passes a FIN): no FIN_WAIT_2 timer to arm first. */
			if (!(s->flags & RTE_TCP_FIN_FLAG) || s->len != 0 ||
			    s->seq != c->rcv_nxt)
				tcp_arm(ctx, c, TT_FIN_WAIT2, tl->finwait2_us);
			break;
		case TCP_CLOSING:
			tcp_time_wait(ctx, c);
			return false;
		case TCP_LAST_ACK:
			tcp_app_closed(ctx, c, TCP_CLOSE_NORMAL);
			tcp_conn_free(ctx, c);
			return false;
		}
	}
	/* Send-queue space freed: the application may write more (called
	 * for every ACK that frees space; cheap for one that has nothing
	 * waiting), unless it waits for no room (tcp_want_writable). */
	if (freed && (c->flags & (TCF_APP | TCF_APP_CLOSED)) == TCF_APP &&
	    tcp_ack_writable(c)) {
		c->ops->writable(ctx, c, c->app);
		if (c->flags & TCF_DEAD)
			return false;
	}
	return true;
}

/* ---- the peer's FIN acknowledging all we sent --------------------------- */

/* Flags under which tcp_fin_ack_all leaves the segment to the general
 * path (it wants TCF_FIN_SENT and TCF_APP_CLOSED, and none of these). */
#define TCF_FIN_ACK_NOT                                                     \
	(TCF_PERSIST | TCF_RECOVERY | TCF_TLP | TCF_UNDO | TCF_ORPHAN_RST |   \
	 TCF_DEAD)

/*
 * The end of a connection we closed (an answer with Connection: close):
 * in FIN_WAIT_1, the peer's FIN (ACK and FIN, maybe PSH, no other flag,
 * no text, no SACK block) at rcv_nxt acknowledges all we sent: the last
 * answer (one whole mbuf, or none) and our FIN. tcp_rcv_state's steps
 * with their branches decided, in its order: PAWS passes, sequence and
 * ACK are acceptable, TS.Recent; of tcp_rcv_ack's, those TIME_WAIT needs
 * (the release, snd_una, FIN_WAIT_2 without its timer: no recovery,
 * persist, probe, undo or scoreboard; the application has closed, so no
 * writable callback; the sending side's estimators are left, see below);
 * tcp_rcv_data's FIN (nothing out of order: tcp_rcv_fin, TIME_WAIT by
 * tcp_time_wait); then the ACK owed, which the flush would send
 * (tcp_output_tw), sent at once (nothing is scheduled) in the FIN's own
 * mbuf when it may be. test_tcp_close holds it to the general path's
 * segments, counters and the connection state TIME_WAIT reads, and the
 * answers TIME_WAIT then gives. tcp_fin_ack_all_case: whether s and c
 * are that case; tcp_fin_ack_all then takes it and returns whether m
 * was kept (sent).
 */
static __rte_always_inline bool
tcp_fin_ack_all_case(const struct tcp_conn *c, const struct tcp_seg *s)
{
	const struct rte_mbuf *q = c->sndq_head;
	uint32_t ack = s->ack, acked = ack - c->snd_una, data = c->sndq_len;

	return !((s->th->tcp_flags & ~RTE_TCP_PSH_FLAG) !=
			 (RTE_TCP_ACK_FLAG | RTE_TCP_FIN_FLAG) ||
		 s->len != 0 || s->seq != c->rcv_nxt || ack != c->snd_max ||
		 acked != data + 1 || s->nsack != 0 || c->nsnd_sack != 0 ||
		 (c->flags & (TCF_FIN_SENT | TCF_APP_CLOSED | TCF_FIN_ACK_NOT)) !=
			 (TCF_FIN_SENT | TCF_APP_CLOSED) ||
		 c->ooo != NULL || c->nooo != 0 ||
		 ((c->flags & TCF_TS) &&
		  (!s->has_ts || SEQ_LT(s->tsval, c->ts_recent))) ||
		 (data ? q != c->sndq_tail || c->sndq_off != 0 ||
				 tcp_mlen(q) != data :
			 q != NULL));
}

static bool __rte_noinline
tcp_fin_ack_all(struct lcore_ctx *ctx, struct tcp_conn *c, struct rte_mbuf *m,
		const struct tcp_seg *s)
{
	struct tcp_lcore *tl = tcp_tl(ctx);
	uint32_t ack = s->ack, data;

	/* RFC 7323 §4.3 (tcp_rcv_state). */
	if ((c->flags & TCF_TS) && SEQ_LEQ(s->seq, c->last_ack_sent))
		c->ts_recent = s->tsval;
	/* tcp_rcv_ack's steps, but only those whose result TIME_WAIT (where
	 * this segment takes c) or its exit reads: the send queue's release
	 * and snd_una/snd_nxt. What the rest writes, the RTT estimator and
	 * RACK's delivery (srtt, rttvar, rto, rack_*), congestion control
	 * (cwnd), the send window (snd_wnd, wl1/wl2, max_snd_wnd), RACK's
	 * marks (lost_end, rtx_nxt), dupacks, retries and timer_kind (TIME_WAIT
	 * sets its own), is read only by the sending states and the
	 * retransmission timer: TIME_WAIT answers from rcv_nxt, the window
	 * and the timestamps, and the control plane shows the tuple and the
	 * state. TCF_RTT goes as the sample would take it. */
	data = c->sndq_len;
	if (data) {
		c->sndq_len = 0;
		tcp_sndq_pop(ctx, c);
	}
	c->snd_una = ack;
	c->snd_nxt = ack;
	tcp_set_state(tl, c, TCP_FIN_WAIT_2);
	/* tcp_rcv_fin */
	c->rcv_nxt++;
	c->flags = (c->flags | TCF_ACK_NOW) & ~TCF_RTT;
	/* tcp_time_wait, inline with the queue known empty once the pop
	 * took its one mbuf. */
	if (likely(data))
		tcp_time_wait_at(ctx, tl, c, true);
	else
		tcp_time_wait(ctx, c);
	if ((c->flags & (TCF_ACK_NOW | TCF_DEAD)) != TCF_ACK_NOW)
		return false;
	/* tcp_send_ack, in the FIN's own mbuf when it may be. */
	if (likely(tcp_xmit_one_pass(c) && tcp_mbuf_reusable(ctx, m))) {
		STAT_INC(ctx, tcp_tx_pure_acks);
		tcp_xmit_ctl_reuse(ctx, c, m, c->snd_nxt, RTE_TCP_ACK_FLAG);
		return true;
	}
	tcp_send_ack(ctx, c);
	return false;
}

/* ---- the state machine for a connection --------------------------------- */

/* tcp_rcv_state's steps once the segment's ACK is to be processed: the
 * ACK's acceptability (RFC 5961 §5.2), TS.Recent, ACK processing, then
 * text and FIN (tcp_priv.h). */
bool
tcp_rcv_acked(struct lcore_ctx *ctx, struct tcp_conn *c, struct rte_mbuf *m,
	      struct tcp_seg *s)
{
	if (c->state != TCP_TIME_WAIT && !tcp_ack_acceptable(ctx, c, s))
		return false;
	/* RFC 7323 §4.3: TS.Recent from the segment at Last.ACK.sent, and
	 * only once its ACK is acceptable (RFC 5961 §5.2), so a segment
	 * with a forged ACK cannot move it (and fail later real ones on
	 * PAWS). */
	if (s->has_ts && (c->flags & TCF_TS) &&
	    SEQ_LEQ(s->seq, c->last_ack_sent))
		c->ts_recent = s->tsval;
	if (c->state == TCP_TIME_WAIT)
		return false;
	if (!tcp_rcv_ack(ctx, c, s))
		return false;
	if (!(TCPF(c->state) & TCPF_RCV_DATA) ||
	    (s->len == 0 && !(s->flags & RTE_TCP_FIN_FLAG)))
		return false;
	return tcp_rcv_data(ctx, c, m, s);
}

/* tcp_rcv_state's general path: every check in RFC 9293's order. */
static bool __rte_noinline
tcp_rcv_state_all(struct lcore_ctx *ctx, struct tcp_conn *c,
		  struct rte_mbuf *m, struct tcp_seg *s)
{
	uint32_t seglen = s->len + !!(s->flags & RTE_TCP_SYN_FLAG) +
			  !!(s->flags & RTE_TCP_FIN_FLAG);

	/* SYN: in SYN_RECEIVED the peer repeats its SYN because our SYN-ACK
	 * was lost; in a synchronized state RFC 5961 §4.2 wants a
	 * challenge ACK whatever the sequence number. */
	if (unlikely(s->flags & RTE_TCP_SYN_FLAG)) {
		if (c->state == TCP_SYN_RECEIVED) {
			STAT_INC(ctx, tcp_synack_rtx);
			tcp_send_synack(ctx, c);
		} else {
			tcp_challenge_ack(ctx, c);
		}
		return false;
	}
	/* RFC 7323 §5.3 R1: PAWS. */
	if ((c->flags & TCF_TS) && s->has_ts &&
	    SEQ_LT(s->tsval, c->ts_recent) && !(s->flags & RTE_TCP_RST_FLAG)) {
		STAT_INC(ctx, tcp_paws_drop);
		tcp_oow_ack(ctx, c, seglen);
		return false;
	}
	if (unlikely(!tcp_seq_ok(c, s->seq, seglen))) {
		if (s->flags & RTE_TCP_RST_FLAG) {
			STAT_INC(ctx, tcp_rst_ignored);
			return false;
		}
		if (SEQ_LEQ(s->seq + seglen, c->rcv_nxt)) {
			STAT_INC(ctx, tcp_dup_segs);
			tcp_sack_rcv_dup(c, s->seq, s->seq + s->len);
		} else
			STAT_INC(ctx, tcp_drop_out_of_window);
		/* TIME_WAIT: a retransmitted FIN is acknowledged again and
		 * the wait restarts. */
		if (c->state == TCP_TIME_WAIT && (s->flags & RTE_TCP_FIN_FLAG) &&
		    s->seq + seglen == c->rcv_nxt)
			tcp_time_wait_restart(ctx, c);
		if (seglen || c->state != TCP_TIME_WAIT)
			tcp_oow_ack(ctx, c, seglen);
		return false;
	}
	if (s->flags & RTE_TCP_RST_FLAG) {
		/* RFC 5961 §3.2: only the exact next sequence resets. */
		if (s->seq != c->rcv_nxt) {
			tcp_challenge_ack(ctx, c);
			return false;
		}
		STAT_INC(ctx, tcp_rst_rx);
		tcp_app_closed(ctx, c, TCP_CLOSE_RESET);
		if (!(c->flags & TCF_DEAD))
			tcp_conn_free(ctx, c);
		return false;
	}
	if (!(s->flags & RTE_TCP_ACK_FLAG)) {
		STAT_INC(ctx, tcp_drop_no_ack);
		return false;
	}
	if (c->state == TCP_SYN_RECEIVED && !tcp_rcv_syn_received(ctx, c, s))
		return false;
	return tcp_rcv_acked(ctx, c, m, s);
}

/*
 * A segment for c, in SYN_RECEIVED or a synchronized state: RFC 9293
 * §3.10.7.4 in its order (sequence number, RST, SYN, ACK, text, FIN),
 * with RFC 5961 (blind RST, SYN and ACK injection) and RFC 7323 (PAWS).
 * Returns true when m was kept (out-of-order queue). The two decided
 * cases of a connection's life, the handshake's last ACK and the FIN
 * that ends it, are told apart here by tests alone and go to their own
 * functions, as everything else goes to the general one: each a tail
 * call, so this entry keeps no frame.
 */
bool
tcp_rcv_state(struct lcore_ctx *ctx, struct tcp_conn *c, struct rte_mbuf *m,
	      struct tcp_seg *s)
{
	if (c->state == TCP_FIN_WAIT_1 && tcp_fin_ack_all_case(c, s))
		return tcp_fin_ack_all(ctx, c, m, s);
	/* The handshake's last ACK, bare, at rcv_nxt, PAWS passed: the
	 * checks before the SYN_RECEIVED step below would all pass (no SYN,
	 * no RST, ACK set, the sequence acceptable at any window), so it
	 * goes there at once. test_tcp_close holds it to the general path. */
	if (c->state == TCP_SYN_RECEIVED &&
	    (s->th->tcp_flags & ~RTE_TCP_PSH_FLAG) == RTE_TCP_ACK_FLAG &&
	    s->len == 0 && s->seq == c->rcv_nxt &&
	    (!(c->flags & TCF_TS) ||
	     (s->has_ts && !SEQ_LT(s->tsval, c->ts_recent))))
		return tcp_rcv_hs_ack(ctx, c, m, s);
	return tcp_rcv_state_all(ctx, c, m, s);
}
