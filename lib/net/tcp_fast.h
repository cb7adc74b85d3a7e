/* SPDX-License-Identifier: BSD-3-Clause */
/* tcp_fast.h: header prediction, the receive fast path for ESTABLISHED. */
#ifndef LR_NET_TCP_FAST_H
#define LR_NET_TCP_FAST_H

#include <string.h>

#include <rte_byteorder.h>

#include "net/tcp_priv.h"

/*
 * Van Jacobson's header prediction (RFC 1323 Appendix, Linux's
 * tcp_rcv_established fast path). Most segments of a keep-alive
 * exchange are the next in-order segment of an ESTABLISHED connection
 * with nothing unusual about them: a request that acknowledges the last
 * answer, or a pure ACK of it. For those, RFC 9293 §3.10.7.4's checks
 * are all decided in advance:
 *   - sequence: exactly rcv_nxt, and the text fits the open window;
 *   - RST, SYN: absent (so are FIN and URG: only ACK, maybe PSH);
 *   - PAWS (RFC 7323 §5.3): the options are NOP NOP TS, the only layout
 *     an established Linux peer sends, and TSval is not older than
 *     TS.Recent; without timestamps, no options at all;
 *   - ACK: between snd_una and snd_max (acceptable, RFC 5961 §5.2), not
 *     a duplicate ACK (RFC 5681 §2), the window unchanged and open;
 *   - no recovery (NewReno, or RACK/SACK/TLP: tcp_loss_quiet), retransmission, persist, out-of-order data, bounded
 *     window (the application or memory pressure) or close in progress.
 * Then the ACK: the common one acknowledges the whole previous answer
 * (tcp_fast_ack_all: tcp_rcv_ack's steps with their branches decided);
 * one that acknowledges nothing with nothing in flight only updates the
 * window (tcp_fast_acks_none); any other goes through the general
 * path's own helper (tcp_rcv_ack: RTT, send-queue release, congestion
 * control, timers, the writable callback). The text goes straight to
 * the application (tcp_rcv_data's in-order case with its branches
 * decided), whose answer the same turn queues for tcp_output. What is
 * skipped is only tests whose outcome is known. Any doubt falls back to
 * tcp_rcv_state; test_tcp_fast holds both paths to the same segments
 * out and the same connection state: a step added to tcp_rcv_ack
 * belongs in tcp_fast_ack_all (and its first case in
 * tcp_fast_acks_none) too.
 */

/* The flags a segment carries as tcp_parse keeps them (s->flags). */
static __rte_always_inline uint8_t
tcp_seg_flags(const struct rte_tcp_hdr *th)
{
	return th->tcp_flags & (RTE_TCP_FIN_FLAG | RTE_TCP_SYN_FLAG |
				RTE_TCP_RST_FLAG | RTE_TCP_PSH_FLAG |
				RTE_TCP_ACK_FLAG | RTE_TCP_URG_FLAG);
}

/* tcp_parse's options before it reads any: none but has_ts's. */
static __rte_always_inline void
tcp_seg_no_opts(struct tcp_seg *s)
{
	s->sack_ok = false;
	s->nsack = 0;
	s->wscale = -1;
	s->mss = 0;
}

/*
 * The rest of a segment tcp_parse filled only as far as the lookup and
 * header prediction read it, options but the echoed timestamp included
 * (tcp_input_burst's plain IPv4 frame: to ip.address, a 20-byte IPv4
 * header behind the Ethernet one): the flags, the local address
 * (TCP_LID_V4), the peer's MAC and, when the options were NOP NOP TS
 * (else tcp_parse_options read them all then), the echoed timestamp.
 * Then s is what tcp_parse makes of the frame; before anything but
 * tcp_fast_predict and tcp_fast_take's own steps reads it.
 */
static __rte_always_inline void
tcp_seg_rest4(struct tcp_seg *s)
{
	const uint8_t *th = (const uint8_t *)s->th;
	const struct rte_ether_hdr *eh = (const struct rte_ether_hdr *)
		(th - sizeof(struct rte_ipv4_hdr) - sizeof(*eh));
	uint32_t w;

	s->flags = tcp_seg_flags(s->th);
	s->peer6 = NULL;
	s->lid = TCP_LID_V4;
	s->peer_mac = &eh->src_addr;
	if ((s->th->data_off >> 4) * 4 != TCP_HLEN + TCP_TS_OPTLEN)
		return;
	memcpy(&w, th + TCP_HLEN, 4);
	if (w == RTE_BE32(0x0101080a)) {
		memcpy(&w, th + TCP_HLEN + 8, 4);
		s->tsecr = rte_be_to_cpu_32(w);
	}
}

/* Flags under which the general path decides (see above). */
#define TCF_FAST_NOT                                                        \
	(TCF_RECOVERY | TCF_PERSIST | TCF_DEAD | TCF_APP_CLOSED |             \
	 TCF_RCV_LIM | TCF_MEMWAIT | TCF_ORPHAN_RST | TCF_FIN_SENT)

/* tcp_loss_quiet's flags: recovery, a probe out, a D-SACK to report. */
#define TCF_FAST_LOSS (TCF_RECOVERY | TCF_TLP | TCF_DSACK)

/*
 * c's state, timer job and flags as the prediction wants them, in one
 * masked compare of the word tcp_dec_load reads: ESTABLISHED, TCF_APP
 * and none of TCF_FAST_NOT and TCF_FAST_LOSS; the timer's job not
 * RACK's (tcp_loss_quiet): TT_RACK is the last job, 7, so with 1 added
 * to the job's byte it alone reaches 8 (no carry out of the byte).
 */
static __rte_always_inline bool
tcp_fast_word_ok(const struct tcp_conn *c)
{
	const uint64_t mask = tcp_dec_word(0xff, 8, 0,
					   TCF_FAST_NOT | TCF_FAST_LOSS |
						   TCF_APP);
	const uint64_t pat = tcp_dec_word(TCP_ESTABLISHED, 0, 0, TCF_APP);

	RTE_BUILD_BUG_ON(TT_RACK != 7 || TT_TLP >= TT_RACK ||
			 TT_SWS >= TT_RACK || TT_TIME_WAIT >= TT_RACK);
	return ((tcp_dec_load(c) + tcp_dec_word(0, 1, 0, 0)) & mask) == pat;
}

/*
 * true when s is the predicted segment for c. As Linux's pred_flags, one
 * compare of the header's fourth word (data offset, flags, window, in
 * network order; s->hw, TCP_HW_NONE for options without a timestamp)
 * with the word kept for it (c->rcv_pred, tcp_pred_word) tests the
 * header length (no options, or the 12 bytes a timestamp takes), that
 * the flags are ACK and maybe PSH, and that the window is the one we
 * hold, not 0; reserved, ECE and CWR bits make it miss. Then
 * tcp_fast_word_ok, and the rest of tcp_loss_quiet: no SACK scoreboard,
 * no duplicate ACKs.
 */
static __rte_always_inline bool
tcp_fast_predict(const struct tcp_conn *c, const struct tcp_seg *s)
{
	if (s->hw != c->rcv_pred || !tcp_fast_word_ok(c) ||
	    s->seq != c->rcv_nxt || c->ooo != NULL ||
	    (c->retries | c->dupacks) != 0 || c->nsnd_sack != 0)
		return false;
	/* PAWS would pass (RFC 7323 §5.3). With timestamps the 12 option
	 * bytes hold one (s->hw is TCP_HW_NONE when not; NOPs or EOL around
	 * it), so TSval is the segment's; without, there are no options:
	 * tcp_parse gives TSval 0, and TS.Recent is 0 on a connection
	 * without timestamps (only TCF_TS's writers set it), so the test
	 * passes. */
	if (SEQ_LT(s->tsval, c->ts_recent))
		return false;
	/* snd_una <= ack <= snd_max, and not a duplicate ACK: both at once
	 * for an ACK of all that was sent and of something new (the
	 * request after an answer, tcp_fast_acks_all's first tests). */
	if (unlikely(s->ack != c->snd_max || s->ack == c->snd_una) &&
	    (s->ack - c->snd_una > c->snd_max - c->snd_una ||
	     (s->ack == c->snd_una && s->len == 0)))
		return false;
	return s->len <= c->rcv_wnd;
}

/*
 * tcp_snd_wnd_take for a predicted segment (seq, ack, window field wnd):
 * its window field is the one held (tcp_fast_predict: wnd is
 * snd_wnd >> snd_wscale), so the scaled window wnd << snd_wscale is
 * (snd_wnd >> snd_wscale) << snd_wscale <= snd_wnd <= max_snd_wnd: it
 * never grows (nothing to schedule) and max_snd_wnd stays. Taken, as
 * there, only from a newer segment (RFC 9293 §3.10.7.4). rcv_pred stays
 * as it is: wnd is not 0 (rcv_pred is 0 then) and (wnd << snd_wscale)
 * >> snd_wscale is wnd (16 bits shifted by at most 14).
 */
static __rte_always_inline void
tcp_fast_wnd(struct tcp_conn *c, uint32_t seq, uint32_t ack, uint16_t wnd)
{
	if (likely(SEQ_LT(c->snd_wl1, seq)) ||
	    (c->snd_wl1 == seq && SEQ_LEQ(c->snd_wl2, ack))) {
		c->snd_wnd = (uint32_t)wnd << c->snd_wscale;
		c->snd_wl1 = seq;
		c->snd_wl2 = ack;
	}
}

/*
 * tcp_sndq_pop_keep for a queue of one mbuf (head == tail), which the
 * ACK acknowledged to its end: its next is NULL, nsndq is 1 and the
 * cursor is it or NULL, so the queue is left empty by stores alone,
 * with what tcp_sndq_unlink_held and tcp_sndq_pop_keep do besides (the
 * progress stamp, the spare or the pool with the MEM_SNDQ charge).
 */
static __rte_always_inline void
tcp_fast_pop_one(struct lcore_ctx *ctx, struct tcp_lcore *tl,
		 struct tcp_conn *c)
{
	struct rte_mbuf *m = c->sndq_head;

	c->sndq_head = NULL;
	c->sndq_tail = NULL;
	c->snd_cur = NULL;
	c->sndq_off = 0;
	c->nsndq = 0;
	c->progress_us = ctx->now_us;
	if (unlikely(!tcp_spare_keep(ctx, tl, c, m))) {
		mem_release_mbuf(&ctx->mem, MEM_SNDQ);
		tcp_unhold(c, false);
		rte_pktmbuf_free_seg(m);
	}
}

/*
 * The ACK of the previous answer, whole: it acknowledges all that was
 * sent (ack == snd_max), which is all of the send queue, one mbuf. The
 * common ACK of a keep-alive exchange; tcp_rcv_ack's steps with their
 * branches decided by the prediction (no persist, recovery, loss probe,
 * SACK block or FIN; retries and dupacks 0; ESTABLISHED), in its order
 * but for tcp_rack_done's bookkeeping, done with RACK's delivery of the
 * mbuf (tcp_rack_ack) under one flag test (nothing between reads what
 * it writes): the RTT sample, the release (tcp_sndq_drop), congestion
 * control (tcp_cc_ack), the timer, the window update and the writable
 * callback. tcp_rcv_ack then would schedule nothing more: nothing is
 * queued, nothing left in flight. test_tcp_fast holds both to the same
 * connection state. TCP_FAST_GONE when the segment must not be
 * processed further (the callback closed the connection);
 * TCP_FAST_CALLED when the callback ran (it may have changed c's state
 * and flags); TCP_FAST_KEPT when nothing but these steps touched c: its
 * state and flags are still those the prediction saw, less TCF_RTT and
 * TCF_UNDO.
 */
enum { TCP_FAST_GONE, TCP_FAST_KEPT, TCP_FAST_CALLED };

/* tcp_cc_ack's growth of a window that was used (tcp_fast_ack_all):
 * slow start by what was acknowledged, at most an MSS (RFC 5681 §3.1),
 * else congestion avoidance, at most 2^30. Out of tcp_fast_ack_all's
 * straight line: GCC carried cwnd there in an SSE register for its
 * min() chain, and the common ACK, which does not grow it, paid the
 * moves. */
static __rte_noinline __rte_unused void
tcp_fast_cwnd_grow(struct tcp_conn *c, uint32_t acked)
{
	if (c->cwnd < c->ssthresh)
		c->cwnd += tcp_min(acked, c->mss); /* RFC 5681 §3.1 */
	else
		c->cwnd += tcp_max(1, (uint32_t)c->mss * c->mss / c->cwnd);
	c->cwnd = tcp_min(c->cwnd, 1u << 30);
}

static __rte_always_inline int
tcp_fast_ack_all(struct lcore_ctx *ctx, struct tcp_lcore *tl,
		 struct tcp_conn *c, const struct tcp_seg *s)
{
	uint32_t ack = s->ack, acked = ack - c->snd_una;

	if (c->flags & TCF_SACK) {
		tcp_rack_deliver(c, c->sndq_head, (uint32_t)ctx->now_us, ack);
		/* tcp_rack_done: nothing lost or sent again below snd_una;
		 * with nothing retransmitted pending, no undo either. The
		 * marks never pass the send queue's end, snd_una + sndq_len
		 * (made so at the passive open, kept by tcp_rack_detect and
		 * tcp_rack_repair; TCF_SACK is only the passive open's),
		 * which ack is: max(mark, ack) is ack. No step below reads
		 * them or TCF_UNDO: done here, under the same flag test. */
		RTE_ASSERT(!SEQ_GT(c->lost_end, ack) &&
			   !SEQ_GT(c->rtx_nxt, ack));
		c->lost_end = ack;
		c->rtx_nxt = ack;
		if ((c->flags & TCF_UNDO) && c->undo_retrans == 0)
			c->flags &= ~TCF_UNDO;
	}
	/* RFC 6298 §2 with Karn's algorithm (§3). The timed segment
	 * (rtt_seq) is one sent, with text or a FIN, so it starts below
	 * snd_max, which ack is: acknowledged whenever one is timed. */
	RTE_ASSERT(!(c->flags & TCF_RTT) || SEQ_GT(ack, c->rtt_seq));
	if (c->flags & TCF_RTT) {
		c->flags &= ~TCF_RTT;
		tcp_rtt_update(tl, c,
			       (uint32_t)(ctx->now_us - c->rtt_start));
	}
	c->sndq_len = 0;
	tcp_fast_pop_one(ctx, tl, c);
	c->snd_una = ack;
	c->snd_nxt = ack;
	/* Outside recovery, a window that was used grows (RFC 7661 §4.3):
	 * the flight was what this acknowledged. */
	if (2 * acked >= c->cwnd)
		tcp_fast_cwnd_grow(c, acked);
	/* the answer's RTO stops (RFC 6298 §5.2, tcp_rtx_arm); its loss
	 * probe's timer stays, parked (tcp_timer_fire) */
	if (unlikely(c->timer_kind == TT_RTX))
		c->timer_kind = TT_NONE;
	/* Send window update, only from a newer segment (§3.10.7.4). */
	tcp_fast_wnd(c, s->seq, ack, s->wnd);
	/* Send-queue space freed: the application may write more, unless
	 * it waits for no room (tcp_want_writable). */
	if (tcp_ack_writable(c)) {
		c->ops->writable(ctx, c, c->app);
		if (c->flags & TCF_DEAD)
			return TCP_FAST_GONE;
		return TCP_FAST_CALLED;
	}
	return TCP_FAST_KEPT;
}

/* The segment acknowledges the whole send queue, one mbuf, and all that
 * was sent: tcp_fast_ack_all takes it. The queue's bytes (sndq_len) are
 * its mbufs' less sndq_off (tcp_send, tcp_send_reserve, tcp_sndq_drop
 * keep it so): with one mbuf, acked == sndq_len is that mbuf whole. */
static __rte_always_inline bool
tcp_fast_acks_all(const struct tcp_conn *c, const struct tcp_seg *s)
{
	uint32_t acked = s->ack - c->snd_una;

	return s->ack == c->snd_max && acked != 0 && acked == c->sndq_len &&
	       c->sndq_head == c->sndq_tail;
}

/*
 * The segment acknowledges nothing new and nothing is in flight
 * (ack == snd_una == snd_max): the first request after the handshake,
 * or one after an answer already acknowledged. tcp_rcv_ack's first case
 * with what the prediction decided (no SACK block: the 12 option bytes
 * are a timestamp; no persist, FIN of ours or loss probe): no SACK
 * block of ours, no undo pending, RACK's marks not behind snd_una. Its
 * only step, the window update, is tcp_fast_wnd's (the window field is
 * the one held: it never grows, nothing to schedule).
 */
static __rte_always_inline bool
tcp_fast_acks_none(const struct tcp_conn *c, const struct tcp_seg *s)
{
	uint32_t ack = s->ack;

	return ack == c->snd_una && ack == c->snd_max && c->nsnd_sack == 0 &&
	       !(c->flags & TCF_UNDO) &&
	       (!(c->flags & TCF_SACK) ||
		(!SEQ_LT(c->lost_end, ack) && !SEQ_LT(c->rtx_nxt, ack)));
}

/* tcp_fast_take's work on the predicted segment, the spare
 * (tcp_fast_pop_one) left to it; part: s filled only as far as
 * prediction reads it (tcp_seg_rest4 before a general helper). */
static __rte_always_inline void
tcp_fast_rcv_seg(struct lcore_ctx *ctx, struct tcp_lcore *tl,
		 struct tcp_conn *c, struct rte_mbuf *m, struct tcp_seg *s,
		 bool part)
{
	STAT_INC(ctx, tcp_fast_path);
	/* RFC 7323 §4.3, as tcp_rcv_state: the ACK is acceptable. Without
	 * timestamps TS.Recent and TSval are both 0 (tcp_fast_predict):
	 * the store leaves it so. */
	if (SEQ_LEQ(s->seq, c->last_ack_sent))
		c->ts_recent = s->tsval;
	if (tcp_fast_acks_all(c, s)) {
		int r = tcp_fast_ack_all(ctx, tl, c, s);

		if (r == TCP_FAST_GONE)
			return;
		if (r == TCP_FAST_CALLED)
			goto called;
	} else if (tcp_fast_acks_none(c, s)) {
		tcp_fast_wnd(c, s->seq, s->ack, s->wnd);
	} else {
		if (part)
			tcp_seg_rest4(s);
		if (!tcp_rcv_ack(ctx, c, s))
			return;
		goto called;
	}
	/* Nothing but the ACK's own steps ran: ESTABLISHED, TCF_APP and
	 * none of TCF_FAST_NOT still (tcp_fast_predict). */
	if (s->len == 0)
		return;
	goto deliver;
called:
	if (s->len == 0)
		return;
	/* The writable callback may have closed (FIN_WAIT_1 still takes
	 * text) or bounded the window: tcp_rcv_data decides then. */
	if (unlikely(c->state != TCP_ESTABLISHED ||
		     (c->flags & (TCF_APP | TCF_APP_CLOSED | TCF_RCV_LIM |
				  TCF_DEAD)) != TCF_APP)) {
		if (part)
			tcp_seg_rest4(s);
		if (TCPF(c->state) & TCPF_RCV_DATA)
			(void)tcp_rcv_data(ctx, c, m, s); /* in order: not kept */
		return;
	}
deliver:
	/* tcp_rcv_data's in-order case, decided: no overlap, within the
	 * window, no gap to fill, no FIN. */
	c->rcv_nxt += s->len;
	c->rcv_unacked += s->len;
	c->ops->recv(ctx, c, c->app, s->data, s->len);
	if (c->flags & TCF_DEAD)
		return;
	if (unlikely(c->rcv_left)) {
		tcp_rcv_unread(ctx, c);
		return;
	}
	/* RFC 9293 §3.8.6.3: an ACK at least every second full segment
	 * (tcp_ack_at); else tcp_output() delays it, or a response carries
	 * it. */
	if (c->rcv_unacked >= c->rcv_ack_at)
		c->flags |= TCF_ACK_NOW;
	/* Usually the answer queued by recv() scheduled c already. */
	if (!(c->flags & TCF_PENDING))
		tcp_schedule(ctx, c);
	return;
}

/*
 * The predicted segment s of c (tcp_fast_predict true) processed: m is
 * not kept (the caller frees it). The acknowledged answer's mbuf, when
 * the answer to s did not reuse it, goes back to the pool here. Only
 * tcp_input's work calls it (inline in tcp_input and tcp_input_frame4):
 * the most common segment pays no call of its own.
 */
static __rte_always_inline void
tcp_fast_take(struct lcore_ctx *ctx, struct tcp_lcore *tl, struct tcp_conn *c,
	      struct rte_mbuf *m, struct tcp_seg *s, bool part)
{
	tcp_fast_rcv_seg(ctx, tl, c, m, s, part);
	if (unlikely(tl->spare != NULL))
		tcp_spare_drop(ctx);
}

/* Header prediction for s, a segment of c: true when s was the predicted
 * segment of an ESTABLISHED connection and was processed (tcp_fast_take);
 * false when the general path must take it (nothing done). */
static __rte_always_inline bool
tcp_fast_rcv(struct lcore_ctx *ctx, struct tcp_conn *c, struct rte_mbuf *m,
	     struct tcp_seg *s)
{
	if (!tcp_fast_predict(c, s))
		return false;
	tcp_fast_take(ctx, tcp_tl(ctx), c, m, s, false);
	return true;
}

#endif
