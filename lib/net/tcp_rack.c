/* SPDX-License-Identifier: BSD-3-Clause */
/* tcp_rack.c: RACK-TLP loss detection (RFC 8985), SACK recovery (RFC 6675)
 * and D-SACK undo (RFC 2883 §5). */
#include "net/tcp_priv.h"

/*
 * Only for connections with SACK (TCF_SACK), as Linux: RACK learns from
 * the segments a SACK says were delivered, and the probe's outcome is
 * told by D-SACK. Without SACK, NewReno's duplicate-ACK counting
 * (tcp_state.c) stays the loss signal, as RFC 8985 §6 allows.
 *
 * Send times are kept per send-queue mbuf, in its tcp_mbuf_meta (the
 * seq and fin words, which only the out-of-order queue uses otherwise):
 * the low 32 bits of the microsecond clock of its latest transmission,
 * and whether any of it was sent again. A segment cut across two mbufs
 * stamps both; an mbuf holds at most about one segment, so RACK's "sent
 * before" is per segment or a little coarser, which only delays a loss
 * verdict, never invents one.
 */

/* The least PTO of a larger flight, as Linux's TCP_TIMEOUT_MIN (2 ms):
 * on a LAN 2 SRTT is tens of microseconds, less than the peer takes to
 * answer a burst, and a probe then is nearly always spurious. */
#define TCP_TLP_MIN_US 2000
#define TCP_RACK_REO_MULT_MAX 16
#define TCP_RACK_BURST 16 /* retransmissions per ACK at most */

#define TS_LT(a, b) SEQ_LT(a, b)

/* Walk the send queue's sent mbufs: [*lo, *hi) is m's part of
 * [snd_una, snd_max) (clipped to the queued data). */
#define TCP_SNDQ_EACH(c, m, mseq, lo, hi)                                    \
	for (m = (c)->sndq_head, mseq = (c)->snd_una - (c)->sndq_off;           \
	     m && (lo = SEQ_GT(mseq, (c)->snd_una) ? mseq : (c)->snd_una,       \
		   hi = mseq + tcp_mlen(m),                                     \
		   hi = SEQ_LT(hi, (c)->snd_max) ? hi : (c)->snd_max,           \
		   SEQ_LT(lo, hi));                                             \
	     mseq += tcp_mlen(m), m = tcp_meta(m)->next)

void
tcp_rack_sent(struct lcore_ctx *ctx, struct tcp_conn *c, uint32_t seq,
	      uint32_t len)
{
	uint32_t end = seq + len, mseq, lo, hi;
	bool retx = SEQ_LT(seq, c->snd_max);
	struct rte_mbuf *m;

	if (likely(!(c->flags & TCF_SACK)) || len == 0)
		return;
	if (retx && (c->flags & TCF_UNDO) && c->undo_retrans < UINT16_MAX)
		c->undo_retrans++;
	/* From the mbuf tcp_xmit_data just cut from (its cursor), else
	 * from the head. */
	if (c->snd_cur && SEQ_LEQ(c->snd_cur_seq, seq)) {
		m = c->snd_cur;
		mseq = c->snd_cur_seq;
	} else {
		m = c->sndq_head;
		mseq = c->snd_una - c->sndq_off;
	}
	for (; m; mseq += tcp_mlen(m), m = tcp_meta(m)->next) {
		lo = mseq;
		hi = mseq + tcp_mlen(m);
		if (SEQ_LEQ(hi, seq))
			continue;
		if (SEQ_GEQ(lo, end))
			break;
		*tcp_xts(m) = (uint32_t)ctx->now_us;
		*tcp_xfl(m) |= TCP_XF_SENT | (retx ? TCP_XF_RETX : 0);
	}
}

/* tcp_rack_sent_one_inline's out-of-line copy (tcp_out.c's callers). */
void
tcp_rack_sent_one(struct lcore_ctx *ctx, struct tcp_conn *c,
		  struct rte_mbuf *m)
{
	tcp_rack_sent_one_inline(ctx, c, m);
}

/* Remember cwnd and ssthresh before a cut, to give them back if every
 * retransmission of the episode turns out spurious. */
static void
tcp_undo_begin(struct tcp_conn *c)
{
	if (c->flags & TCF_UNDO)
		return; /* the episode goes on: keep what it started from */
	c->prior_cwnd = c->cwnd;
	c->prior_ssthresh = c->ssthresh;
	c->undo_retrans = 0;
	c->flags |= TCF_UNDO;
}

/* RFC 2883 §5 (as Linux's undo): all the retransmissions were D-SACKed,
 * so nothing was lost: the window comes back. */
static void
tcp_undo(struct lcore_ctx *ctx, struct tcp_conn *c)
{
	c->cwnd = tcp_max(c->cwnd, c->prior_cwnd);
	c->ssthresh = tcp_max(c->ssthresh, c->prior_ssthresh);
	c->flags &= ~(TCF_UNDO | TCF_RECOVERY);
	c->lost_end = c->snd_una;
	c->rtx_nxt = c->snd_una;
	STAT_INC(ctx, tcp_spurious_undone);
}

/* RFC 8985 §6.2 step 4: the reordering window. */
static uint32_t
tcp_rack_reo_wnd(const struct tcp_conn *c)
{
	uint32_t w;

	if (!(c->flags & TCF_REORD) &&
	    ((c->flags & TCF_RECOVERY) || tcp_sack_bytes(c) >= 3u * c->mss))
		return 0;
	w = c->rack_min_rtt / 4 * tcp_max(c->rack_reo_mult, 1);
	return c->srtt ? tcp_min(w, c->srtt) : w;
}

/* Bytes of [lo, hi) that the blocks sb[0..n) cover. */
static uint32_t
tcp_rack_cover(const struct tcp_sack_blk *sb, uint8_t n, uint32_t lo,
	       uint32_t hi)
{
	uint32_t k = 0;

	for (uint8_t i = 0; i < n; i++) {
		uint32_t a = SEQ_GT(sb[i].start, lo) ? sb[i].start : lo;
		uint32_t b = SEQ_LT(sb[i].end, hi) ? sb[i].end : hi;

		if (SEQ_LT(a, b))
			k += b - a;
	}
	return k;
}

/* The highest sequence of [lo, hi) that the blocks sb[0..n) cover, or
 * lo. */
static uint32_t
tcp_rack_top(const struct tcp_sack_blk *sb, uint8_t n, uint32_t lo,
	     uint32_t hi)
{
	uint32_t top = lo;

	for (uint8_t i = 0; i < n; i++)
		if (SEQ_LT(sb[i].start, hi) && SEQ_GT(sb[i].end, lo)) {
			uint32_t e = SEQ_LT(sb[i].end, hi) ? sb[i].end : hi;

			if (SEQ_GT(e, top))
				top = e;
		}
	return top;
}

/*
 * tcp_rack_ack when no SACK block is held or reported (the common case:
 * an ACK that releases the last answer): only the cumulative ACK
 * delivers, so steps 1-3 reduce to the sent parts below ack, with
 * nothing covered before (no reordering verdict, no D-SACK). Walks the
 * released mbufs only; usually one.
 */
static void
tcp_rack_ack_cum(struct lcore_ctx *ctx, struct tcp_conn *c, uint32_t ack)
{
	uint32_t now = (uint32_t)ctx->now_us, lo = c->snd_una;
	uint32_t end = c->snd_una - c->sndq_off, hi;
	struct rte_mbuf *m;

	/* TCP_SNDQ_EACH clipped to ack (ack <= snd_max): the head's part
	 * starts at snd_una, the others where they start. */
	for (m = c->sndq_head; m; lo = end, m = tcp_meta(m)->next) {
		end += tcp_mlen(m);
		hi = SEQ_LT(end, ack) ? end : ack;
		if (!SEQ_LT(lo, hi))
			break; /* the rest was not acknowledged */
		tcp_rack_deliver(c, m, now, hi);
	}
}

/*
 * RFC 8985 §6.2 steps 1-3 for an ACK of c, before snd_una moves (the
 * mbufs it frees still hold their send times): the scoreboard takes the
 * SACK blocks, and every sent part delivered by this ACK (cumulatively
 * or SACKed) updates RACK.min_RTT, RACK.xmit_ts/end_seq/rtt and the
 * reordering verdict. A D-SACK widens the reordering window, may end a
 * probe episode as spurious and may undo the last cut.
 */
static void __rte_noinline
tcp_rack_ack_sack(struct lcore_ctx *ctx, struct tcp_conn *c,
		  const struct tcp_seg *s)
{
	struct tcp_sack_blk old[TCP_SACK_MAX];
	uint8_t nold = c->nsnd_sack;
	uint32_t ack = SEQ_GT(s->ack, c->snd_una) ? s->ack : c->snd_una;
	uint32_t now = (uint32_t)ctx->now_us, fack = c->snd_una;
	uint32_t mseq, lo, hi;
	struct rte_mbuf *m;
	bool dsack = false;

	for (uint8_t i = 0; i < nold; i++) {
		old[i] = c->snd_sack[i];
		fack = old[i].end;
	}
	if (s->nsack)
		tcp_sack_update(ctx, c, s, &dsack);
	else if (ack == c->snd_una)
		return; /* nothing delivered, nothing reported */
	TCP_SNDQ_EACH(c, m, mseq, lo, hi) {
		uint32_t fl = *tcp_xfl(m), xts = *tcp_xts(m), rtt;

		uint32_t was, is, top;

		if (SEQ_GEQ(lo, ack) && c->nsnd_sack == 0)
			break; /* the rest was neither acked nor SACKed */
		was = tcp_rack_cover(old, nold, lo, hi);

		/* Delivered by this ACK: some of it (a segment cut from
		 * it) newly acknowledged or SACKed; top ends what was. */
		is = tcp_rack_cover(c->snd_sack, c->nsnd_sack, lo, hi);
		top = tcp_rack_top(c->snd_sack, c->nsnd_sack, lo, hi);
		if (SEQ_LT(lo, ack)) {
			uint32_t e = SEQ_LT(hi, ack) ? hi : ack;

			is = tcp_max(is, e - lo);
			if (SEQ_GT(e, top))
				top = e;
		}
		if (is <= was || !(fl & TCP_XF_SENT))
			continue;
		hi = top;
		rtt = now - xts;
		if (!(fl & TCP_XF_RETX)) {
			if (c->rack_min_rtt == 0 || rtt < c->rack_min_rtt)
				c->rack_min_rtt = tcp_max(rtt, 1);
			/* Step 3: delivered below what was SACKed before,
			 * never sent again: the network reordered it. */
			if (SEQ_LT(hi, fack) && nold)
				c->flags |= TCF_REORD;
		} else if (rtt < c->rack_min_rtt) {
			continue; /* step 2: may be the original's ACK */
		}
		if (c->rack_rtt == 0 || TS_LT(c->rack_xmit_ts, xts) ||
		    (xts == c->rack_xmit_ts && SEQ_GT(hi, c->rack_end_seq))) {
			c->rack_xmit_ts = xts;
			c->rack_end_seq = hi;
			c->rack_rtt = tcp_max(rtt, 1);
		}
	}
	if (!dsack)
		return;
	c->flags |= TCF_REORD;
	if (c->rack_reo_mult < TCP_RACK_REO_MULT_MAX)
		c->rack_reo_mult = (uint8_t)(tcp_max(c->rack_reo_mult, 1) + 1);
	if ((c->flags & TCF_TLP) && SEQ_GEQ(ack, c->tlp_end))
		c->flags &= ~(TCF_TLP | TCF_TLP_RETX); /* the probe was spurious */
	if ((c->flags & TCF_UNDO) && c->undo_retrans && --c->undo_retrans == 0)
		tcp_undo(ctx, c);
}

/*
 * RFC 8985 §6.2 steps 1-3 for an ACK of c (see tcp_rack_ack_sack). With
 * no SACK block held or reported, only the cumulative ACK delivers
 * (tcp_rack_ack_cum); nothing to do for an ACK that delivers nothing.
 */
void
tcp_rack_ack(struct lcore_ctx *ctx, struct tcp_conn *c,
	     const struct tcp_seg *s)
{
	if (unlikely(s->nsack != 0 || c->nsnd_sack != 0))
		tcp_rack_ack_sack(ctx, c, s);
	else if (SEQ_GT(s->ack, c->snd_una))
		tcp_rack_ack_cum(ctx, c, s->ack);
}

/*
 * RFC 8985 §6.2 step 5: every sent, un-SACKed part sent before the most
 * recently delivered one is lost once RACK.rtt + reo_wnd has passed
 * since it went; the others are checked again when the earliest is
 * due (*wait_us, 0 for none). true when a new loss was marked.
 */
static bool
tcp_rack_detect(struct lcore_ctx *ctx, struct tcp_conn *c, uint32_t *wait_us)
{
	uint32_t reo = tcp_rack_reo_wnd(c), now = (uint32_t)ctx->now_us;
	uint32_t mseq, lo, hi, dend = c->snd_una + c->sndq_len;
	struct rte_mbuf *m;
	bool lost = false;

	*wait_us = 0;
	/* Without SACK blocks, a cumulative ACK leaves nothing sent
	 * earlier unacknowledged, except retransmissions in recovery. */
	if (c->rack_rtt == 0 ||
	    (c->nsnd_sack == 0 && !(c->flags & TCF_RECOVERY)))
		return false;
	TCP_SNDQ_EACH(c, m, mseq, lo, hi) {
		uint32_t xts = *tcp_xts(m);
		int32_t left;

		if (!(*tcp_xfl(m) & TCP_XF_SENT))
			break;
		if (tcp_sack_has(c, lo, hi))
			continue;
		/* Sent before the most recently sent delivered segment:
		 * earlier, or in the same burst below its end. */
		if (xts == c->rack_xmit_ts && SEQ_LT(lo, c->rack_end_seq))
			hi = SEQ_LT(hi, c->rack_end_seq) ? hi : c->rack_end_seq;
		else if (!TS_LT(xts, c->rack_xmit_ts))
			continue;
		left = (int32_t)(xts + c->rack_rtt + reo - now);
		if (left > 0) {
			*wait_us = tcp_max(*wait_us, (uint32_t)left);
			continue;
		}
		if (SEQ_GT(hi, dend))
			hi = dend;
		if (SEQ_LT(lo, c->rtx_nxt))
			c->rtx_nxt = lo; /* a retransmission lost again */
		else if (SEQ_LEQ(hi, c->lost_end))
			continue; /* known, not yet sent again */
		if (SEQ_GT(hi, c->lost_end))
			c->lost_end = hi;
		STAT_INC(ctx, tcp_rack_losses);
		lost = true;
	}
	return lost;
}

/*
 * RFC 6675 §5: enter recovery at the first loss (cwnd to half the
 * flight, RFC 5681 §3.2), then send the holes below lost_end, one
 * segment at least per call, more while the pipe (flight less what
 * the scoreboard and the loss marks account for) stays under cwnd.
 */
static void
tcp_rack_repair(struct lcore_ctx *ctx, struct tcp_conn *c)
{
	uint32_t flight = c->snd_max - c->snd_una, dend, pipe, hs, he;
	unsigned int sent = 0;

	if (!SEQ_LT(c->rtx_nxt, c->lost_end))
		return;
	if (!(c->flags & TCF_RECOVERY)) {
		tcp_undo_begin(c);
		c->ssthresh = tcp_max(flight / 2, 2u * c->mss);
		c->cwnd = c->ssthresh;
		c->recover = c->snd_max;
		c->flags |= TCF_RECOVERY;
	}
	pipe = flight - tcp_min(flight, tcp_sack_bytes(c));
	pipe -= tcp_min(pipe, c->lost_end - c->rtx_nxt);
	dend = c->snd_una + c->sndq_len;
	if (SEQ_GT(c->lost_end, dend))
		c->lost_end = dend;
	while (sent < TCP_RACK_BURST &&
	       tcp_sack_hole(c, c->rtx_nxt, c->lost_end, &hs, &he)) {
		uint32_t len = tcp_min(c->mss, he - hs);
		uint8_t flags = RTE_TCP_ACK_FLAG;

		if (sent && pipe + len > c->cwnd)
			break;
		if (hs + len == dend) {
			flags |= RTE_TCP_PSH_FLAG;
			if (c->flags & TCF_FIN_SENT)
				flags |= RTE_TCP_FIN_FLAG;
		}
		STAT_INC(ctx, tcp_retransmits);
		STAT_INC(ctx, tcp_sack_repaired);
		c->flags &= ~TCF_RTT; /* Karn */
		tcp_xmit_data(ctx, c, hs, len, flags);
		c->rtx_nxt = hs + len;
		pipe += len;
		sent++;
	}
}

/* Reordering timer, due in wait_us. */
static void
tcp_rack_arm_reo(struct lcore_ctx *ctx, struct tcp_conn *c, uint32_t wait_us)
{
	uint64_t when = ctx->now_us + wait_us;

	c->timer_kind = TT_RACK;
	c->rtx_deadline = when;
	if (!timer_armed(&c->timer) || c->timer.expire_us > when)
		timer_arm(&ctx->wheel, &c->timer, when);
}

/* RFC 8985 §7.4: the probe's episode, on an ACK at or past its end. */
static void
tcp_tlp_ack(struct lcore_ctx *ctx, struct tcp_conn *c)
{
	if (!(c->flags & TCF_TLP) || SEQ_LT(c->snd_una, c->tlp_end))
		return;
	if (c->flags & TCF_TLP_RETX) {
		/* Only the probe may have arrived: take it as a repaired
		 * loss (§7.4.2), the cut undone if a D-SACK shows the
		 * original arrived too. */
		uint32_t flight = c->snd_max - c->snd_una;

		STAT_INC(ctx, tcp_tlp_recoveries);
		tcp_undo_begin(c);
		c->undo_retrans = 1;
		c->ssthresh = tcp_max(tcp_max(flight, c->cwnd) / 2,
				      2u * c->mss);
		c->cwnd = tcp_min(c->cwnd, c->ssthresh);
	}
	c->flags &= ~(TCF_TLP | TCF_TLP_RETX);
}

void
tcp_rack_done(struct lcore_ctx *ctx, struct tcp_conn *c,
	      const struct tcp_seg *s, uint32_t prior_una)
{
	uint32_t wait = 0;

	tcp_sack_trim(c);
	if (SEQ_LT(c->lost_end, c->snd_una))
		c->lost_end = c->snd_una;
	if (SEQ_LT(c->rtx_nxt, c->snd_una))
		c->rtx_nxt = c->snd_una;
	if ((c->flags & TCF_UNDO) && !(c->flags & TCF_RECOVERY) &&
	    c->undo_retrans == 0 && c->snd_una == c->snd_max)
		c->flags &= ~TCF_UNDO; /* nothing retransmitted is pending */
	tcp_tlp_ack(ctx, c);
	if (c->snd_una == c->snd_max || (c->flags & TCF_PERSIST))
		return;
	if (tcp_rack_detect(ctx, c, &wait) || (c->flags & TCF_RECOVERY))
		tcp_rack_repair(ctx, c);
	if (wait) {
		tcp_rack_arm_reo(ctx, c, wait);
		return;
	}
	if (c->timer_kind == TT_RACK)
		c->timer_kind = TT_NONE;
	tcp_rack_arm(ctx, c, SEQ_GT(c->snd_una, prior_una) || s->nsack);
}

void
tcp_rack_arm(struct lcore_ctx *ctx, struct tcp_conn *c, bool fresh)
{
	uint64_t pto;

	if (likely(!(c->flags & TCF_SACK))) {
		if (c->timer_kind != TT_RTX)
			tcp_rtx_arm(ctx, c);
		return;
	}
	/* The reordering timer rearms itself; persist owns the timer
	 * while the window is shut. */
	if (c->timer_kind == TT_RACK || c->snd_una == c->snd_max ||
	    (c->flags & TCF_PERSIST))
		return;
	/* RFC 8985 §7.2: a probe is due 2 SRTT after new data went or new
	 * data was acknowledged, not during recovery or a probe episode;
	 * nor after an RTO until new data is acknowledged (retries: the
	 * RTO's recovery, Linux's CA_Loss), where a probe 2 SRTT after the
	 * retransmission would undo the RTO's backoff. */
	if (c->srtt == 0 || c->retries ||
	    (c->flags & (TCF_TLP | TCF_RECOVERY | TCF_PERSIST))) {
		if (c->timer_kind != TT_RTX)
			tcp_rtx_arm(ctx, c);
		return;
	}
	/* Anything else (a window update, a pure ACK or a delayed ACK sent
	 * with nothing new) leaves a pending probe where it is: replaced
	 * by the RTO, a lost tail would wait 200 ms, not the PTO. */
	if (!fresh && c->timer_kind == TT_TLP)
		return;
	if (!fresh && c->timer_kind != TT_NONE) {
		if (c->timer_kind != TT_RTX)
			tcp_rtx_arm(ctx, c);
		return;
	}
	pto = RTE_MAX(2ull * c->srtt, (uint64_t)TCP_TLP_MIN_US);
	if (c->snd_max - c->snd_una <= c->mss)
		pto = 2ull * c->srtt + TCP_TLP_DELACK_US;
	tcp_tlp_arm(ctx, c, pto);
}

/* The RTO expired: RFC 6675 §5.1 drops the scoreboard (the receiver
 * may have reneged), and the cut may still be undone. */
void
tcp_rack_rto(struct tcp_conn *c)
{
	if (!(c->flags & TCF_SACK))
		return;
	tcp_undo_begin(c);
	tcp_sack_clear(c);
	c->lost_end = c->snd_una;
	c->rtx_nxt = c->snd_una;
	c->flags &= ~(TCF_TLP | TCF_TLP_RETX);
}

/*
 * The RTO after a probe (RFC 8985 §7.3 step 4), due an RTO after the
 * earliest outstanding segment was sent (t0, its send time before the
 * probe; head: whether it had one), as RFC 6298 §5.1 times the oldest
 * segment and a probe is no RTO retransmission (§5.6); Linux likewise
 * rearms with the RTO's remainder (tcp_rto_delta_us). Restarted from
 * the probe instead, a lost probe or a lost ACK of it would cost the
 * PTO on top of the RTO: 240 ms for a one-segment response, where a
 * Linux server, probing only at the RTO, takes 200. The probe's own
 * ACK still gets 2 SRTT (TCP_TLP_MIN_US at least).
 */
static void
tcp_tlp_rto_arm(struct lcore_ctx *ctx, struct tcp_conn *c, bool head,
		uint32_t t0)
{
	uint32_t age = (uint32_t)ctx->now_us - t0, wait, least;
	uint64_t when;

	wait = !head ? c->rto : age >= c->rto ? 0 : c->rto - age;
	least = tcp_max(2u * c->srtt, TCP_TLP_MIN_US);
	if (wait < least)
		wait = tcp_min(least, c->rto);
	when = ctx->now_us + wait;
	c->timer_kind = TT_RTX;
	c->rtx_deadline = when;
	if (!timer_armed(&c->timer) || c->timer.expire_us > when)
		timer_arm(&ctx->wheel, &c->timer, when);
}

/*
 * RFC 8985 §7.3: the probe. New data if the peer's window takes some,
 * else the last segment sent again; then the RTO (§7.3 step 4).
 */
void
tcp_tlp_fire(struct lcore_ctx *ctx, struct tcp_conn *c)
{
	uint32_t flight = c->snd_max - c->snd_una;
	uint32_t data = tcp_min(flight, c->sndq_len), len, seq, t0 = 0;
	uint8_t flags = RTE_TCP_ACK_FLAG;
	bool head;

	if (flight == 0 || !(TCPF(c->state) & TCPF_OUTPUT))
		return;
	head = c->sndq_head && (*tcp_xfl(c->sndq_head) & TCP_XF_SENT);
	if (head)
		t0 = *tcp_xts(c->sndq_head);
	STAT_INC(ctx, tcp_tlp_probes);
	c->flags |= TCF_TLP;
	c->flags &= ~TCF_TLP_RETX;
	if (!(c->flags & TCF_FIN_SENT) && c->snd_nxt == c->snd_max &&
	    c->sndq_len > flight && c->snd_wnd > flight) {
		len = tcp_min(tcp_min(c->mss, c->sndq_len - flight),
			      c->snd_wnd - flight);
		if (len == c->sndq_len - flight)
			flags |= RTE_TCP_PSH_FLAG;
		tcp_xmit_data(ctx, c, c->snd_max, len, flags);
		c->snd_max += len;
		c->snd_nxt = c->snd_max;
	} else {
		bool fin = (c->flags & TCF_FIN_SENT) &&
			   c->snd_max == c->snd_una + c->sndq_len + 1;

		len = tcp_min(c->mss, data);
		seq = c->snd_una + data - len;
		flags |= RTE_TCP_PSH_FLAG;
		if (fin)
			flags |= RTE_TCP_FIN_FLAG;
		if (len || fin) {
			STAT_INC(ctx, tcp_retransmits);
			c->flags &= ~TCF_RTT; /* Karn */
			c->flags |= TCF_TLP_RETX;
			tcp_xmit_data(ctx, c, seq, len, flags);
		}
	}
	c->tlp_end = c->snd_max;
	tcp_tlp_rto_arm(ctx, c, head, t0);
}

/* RFC 8985 §6.3: the reordering window of a segment passed. */
void
tcp_rack_fire(struct lcore_ctx *ctx, struct tcp_conn *c)
{
	uint32_t wait = 0;

	STAT_INC(ctx, tcp_rack_timeouts);
	if (c->snd_una == c->snd_max)
		return;
	if (tcp_rack_detect(ctx, c, &wait) || (c->flags & TCF_RECOVERY))
		tcp_rack_repair(ctx, c);
	if (wait)
		tcp_rack_arm_reo(ctx, c, wait);
	else
		tcp_rack_arm(ctx, c, false);
}
