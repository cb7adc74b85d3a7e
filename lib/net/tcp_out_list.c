/* SPDX-License-Identifier: BSD-3-Clause */
/* tcp_out_list.c: the lcore's output list served in one loop, its common
 * answer decided by one compare (tcp_output_list). */
#include <rte_byteorder.h>
#include <rte_ethdev.h>

#include "net/tcp_frame_build.h"
#include "net/tcp_priv.h"

/*
 * The flags an answer of the output list is decided by (tcp_output_list_ol):
 * with timestamps and SACK, no RTT sample running, no persist, FIN,
 * orphan reset, D-SACK to report, loss probe episode, recovery,
 * window bound by the application or delayed ACK's timer (TCF_DELACK:
 * none to cancel), and the constant sums of the list's
 * checksum mode made (TCF_TXPH offloaded, TCF_TXHDR in software). Each
 * of them is a branch of the general one-pass answer (tcp_xmit_first_fam)
 * and of tcp_output_one_ok; together with the state, the timer's job and
 * the family they are one masked compare of one word (tcp_dec_word).
 */
#define TCP_DEC_FLAGS                                                         \
	(TCF_TS | TCF_SACK | TCF_RTT | TCF_PERSIST | TCF_FIN_SENT |            \
	 TCF_ORPHAN_RST | TCF_DSACK | TCF_TLP | TCF_RECOVERY | TCF_RCV_LIM |   \
	 TCF_TXHDR | TCF_TXPH | TCF_DELACK)

/*
 * The timer's jobs a decided answer may find: none, or a loss probe's
 * left armed when the previous answer was acknowledged (tcp_timer_fire:
 * parked; it finds nothing in flight). Both arm the same way for a new
 * flight (tcp_rack_sent_one_inline: neither is TT_RACK nor TT_RTX). Their
 * values differ in TT_TLP's bits only, which the pattern leaves out; of
 * the other jobs, those made of these bits alone, TT_PERSIST and
 * TT_TIME_WAIT, come only with TCF_PERSIST (tcp_persist_enter; it is
 * cleared only with tcp_disarm) and the TIME_WAIT state, both of which
 * the pattern rejects.
 */
#define TCP_DEC_KIND_MASK ((uint8_t)~TT_TLP)
_Static_assert(TT_NONE == 0 && (TT_RTX & ~TT_TLP) != 0 &&
		       (TT_FIN_WAIT2 & ~TT_TLP) != 0 &&
		       (TT_SWS & ~TT_TLP) != 0 && (TT_RACK & ~TT_TLP) != 0 &&
		       (TT_PERSIST & ~TT_TLP) == 0 &&
		       (TT_TIME_WAIT & ~TT_TLP) == 0,
	       "TCP_DEC_KIND_MASK: only none and the probe of other jobs "
	       "but persist and TIME_WAIT");

_Static_assert(offsetof(struct tcp_conn, nsndq) ==
		       offsetof(struct tcp_conn, sndq_off) + 2,
	       "tcp_output_dec_ok reads sndq_off and nsndq at once");

/*
 * tcp_output_one_ok for a connection whose word (tcp_dec_word) matched
 * the decided pattern (ESTABLISHED, no persist, FIN or orphan reset),
 * with no SACK block to report: the rest of its tests. The queue is one
 * mbuf read from at its start (nsndq 1, sndq_off 0: one compare of the
 * two adjacent counts), so head and tail are that mbuf and sndq_len its
 * bytes; len - 1 < mss also rejects an empty queue's len 0 (nsndq
 * counts every mbuf of the queue, each with a byte at least: tcp_send,
 * tcp_send_reserve).
 *
 * Two of tcp_output_one_ok's tests follow from the others here:
 * - the mbuf is not sealed: snd_max == snd_una with sndq_off 0 says no
 *   byte of the queue was ever sent (snd_max, the highest sent + 1,
 *   never moves back), and only a transmission in place seals a queue
 *   mbuf (a reused spare is unsealed again: tcp_send_reserve);
 * - len <= cwnd: len <= mss, and cwnd is never below one MSS (RFC 5681
 *   §3.1's loss window is the least: tcp_conn_send_init's IW, the RTO's
 *   one segment, each cut bounded by 2 MSS or 1 MSS from below, and a
 *   lower MSS lifts cwnd to it, tcp_pmtu.c).
 */
static __rte_always_inline bool
tcp_output_dec_ok(const struct tcp_conn *c, uint64_t now_us, uint64_t stall_q,
		  uint64_t fresh)
{
	static const uint16_t one_whole[2] = { 0, 1 };
	uint32_t len = c->sndq_len, w, e;

	memcpy(&w, &c->sndq_off, 4);
	memcpy(&e, one_whole, 4);
	RTE_ASSERT(w != e || (c->sndq_head != NULL &&
			      c->sndq_head == c->sndq_tail));
	RTE_ASSERT(c->cwnd >= c->mss);
	RTE_ASSERT(c->snd_max != c->snd_una || w != e ||
		   !tcp_msealed(c->sndq_head));
	/* fresh (tcp_output_list_ol): the stall test as one compare */
	RTE_ASSERT(c->progress_us <= now_us);
	RTE_ASSERT((c->progress_us >= fresh) ==
		   (now_us - c->progress_us < stall_q));
	(void)now_us;
	(void)stall_q;
	return c->snd_max == c->snd_una && w == e && len - 1 < c->mss &&
	       len <= c->snd_wnd && c->progress_us >= fresh &&
	       c->nrcv_sack == 0;
}

_Static_assert(offsetof(struct rte_mbuf, refcnt) ==
		       offsetof(struct rte_mbuf, data_off) + 2,
	       "tcp_xmit_dec_mbuf writes data_off and refcnt at once");

/*
 * The decided IPv4 answer's mbuf m (one whole unsent queue mbuf, its
 * only reference the queue's): its data at the headers of a segment
 * with timestamps (tcp_xmit_first_v4, whole) and the reference TX takes
 * (the queue keeps its own), in one store.
 */
static __rte_always_inline void
tcp_xmit_dec_mbuf(struct rte_mbuf *m)
{
	uint32_t w = (uint32_t)(TCP_SNDQ_DOFF - TCP_FIRST_HDR4_TS) | 2u << 16;

	RTE_ASSERT(m->data_off == TCP_SNDQ_DOFF &&
		   rte_mbuf_refcnt_read(m) == 1);
	memcpy(&m->data_off, &w, 4);
}

/*
 * tcp_xmit_first_fam's answer of c with what the decided pattern tells
 * (tcp_output_list_ol: fl's TCP_DEC_FLAGS are kf, the timer's job
 * TT_NONE or a parked TT_TLP, IPv4, or IPv6: v6) and tcp_output_dec_ok:
 * the same steps in the same order, their branches taken where the
 * pattern decides them.
 * An unsent mbuf has no RACK mark (tcp_sndq_append and tcp_send_reserve
 * clear them; only a transmission sets them): the stamp is two stores.
 * fl: c->flags less TCF_PENDING (the caller took c off the list),
 * stored once here.
 */
static __rte_always_inline void
tcp_xmit_dec(struct lcore_ctx *ctx, struct tcp_conn *c, uint32_t fl,
	     const uint32_t kf, const struct tcp_tx_now *tn, const bool v6)
{
	struct rte_mbuf *m = c->sndq_head;
	uint32_t seq = c->snd_nxt, len = c->sndq_len, k = kf;

	c->rtt_seq = seq;
	c->rtt_start = ctx->now_us;
	c->snd_nxt = seq + len;
	c->snd_max = seq + len;
	RTE_ASSERT(rte_mbuf_refcnt_read(m) == 1);
	if (v6) {
		rte_mbuf_refcnt_set(m, 2);
		tcp_xmit_first_opt6(ctx, c, m, seq,
				    RTE_TCP_ACK_FLAG | RTE_TCP_PSH_FLAG, true, k,
				    tn);
	} else {
		tcp_xmit_dec_mbuf(m);
		if (tcp_meta(m)->sum & TCP_SUM_HDR)
			tcp_xmit_first_v4(ctx, c, m, seq,
					  RTE_TCP_ACK_FLAG | RTE_TCP_PSH_FLAG,
					  true, &k, true, tn, true, true, len);
		else
			tcp_xmit_first_v4(ctx, c, m, seq,
					  RTE_TCP_ACK_FLAG | RTE_TCP_PSH_FLAG,
					  true, &k, false, tn, true, true, len);
	}
	RTE_ASSERT(k == kf); /* the sums were made: nothing to record */
	c->last_ack_sent = c->rcv_nxt;
	c->rcv_unacked = 0;
	RTE_ASSERT(!timer_armed(&c->delack)); /* TCF_DELACK clear */
	c->flags = (fl & ~(TCF_ACK_NOW | TCF_SWS_FORCE)) | TCF_RTT;
	/* tcp_rack_sent_one_inline: SACK, not TT_RACK, no probe episode
	 * or recovery. */
	RTE_ASSERT(*tcp_xfl(m) == 0);
	*tcp_xts(m) = (uint32_t)ctx->now_us;
	*tcp_xfl(m) = TCP_XF_SENT;
	/* tcp_rack_arm's retries test (after an RTO, until new data is
	 * acknowledged) is decided too: retries is 0 in ESTABLISHED with
	 * nothing in flight and no persist. An RTO's retries (a flight
	 * out) end with the ACK that takes snd_una up to snd_max, which
	 * only tcp_rcv_ack takes (header prediction wants retries 0) and
	 * which zeroes them; persist's end with persist or with the ACK
	 * that answers a probe (tcp_rcv_ack); the handshake's at its end
	 * (tcp_established, tcp_connect.c). */
	RTE_ASSERT(c->retries == 0);
	if (unlikely(c->srtt == 0))
		tcp_rtx_arm(ctx, c); /* TT_NONE or TT_TLP: not TT_RTX */
	else
		tcp_tlp_arm(ctx, c, 2ull * c->srtt + TCP_TLP_DELACK_US);
}

/*
 * The output list begins at next, the connections before it served: the
 * list's head and next's pprev written as tcp_conn_free's unlink and
 * tcp_schedule's insert read them. tcp_output_list_ol does it before
 * any general answer (whose code may free or schedule connections), not
 * for each decided one: for a run of decided answers only the last
 * one's next needs it, and no code between them reads the list (the
 * frame, lcore_tx and the timer's arm touch no connection but c).
 */
static __rte_always_inline void
tcp_output_list_pop(struct tcp_lcore *tl, struct tcp_conn *next)
{
	tl->pending = next;
	if (next)
		next->pprev = &tl->pending;
}

/*
 * tcp_output_list for the port's offloads ol, a constant in each copy:
 * the frame's offload tests and the decided pattern are folded (dec:
 * ol is one of the two modes the pattern has, none or both sums). The
 * decided answers are counted once for the list.
 */
static __rte_always_inline void
tcp_output_list_ol(struct lcore_ctx *ctx, struct tcp_lcore *tl,
		   const uint64_t ol, const bool dec)
{
	const uint64_t now_us = ctx->now_us, stall_q = tl->stall_us / 4;
	/* now_us - progress_us < stall_q as progress_us >= fresh: the
	 * clock is monotonic (clock.h), so no stamp is after now_us */
	const uint64_t fresh = now_us >= stall_q ? now_us - stall_q + 1 : 0;
	const struct tcp_tx_now tn = { .ol = ol, .ms = tcp_ts_now(ctx, 0) };
	const uint32_t kf = TCF_TS | TCF_SACK |
			    ((ol & RTE_ETH_TX_OFFLOAD_TCP_CKSUM) ? TCF_TXPH :
								   TCF_TXHDR);
	const uint64_t mask = tcp_dec_word(0xff, TCP_DEC_KIND_MASK, TCP_LID_V6,
					   TCP_DEC_FLAGS);
	const uint64_t pat = tcp_dec_word(TCP_ESTABLISHED, TT_NONE, 0, kf);
	/* IPv6: no constant sums (tcp_xmit_first_opt6 sums the addresses) */
	const uint64_t pat6 = tcp_dec_word(TCP_ESTABLISHED, TT_NONE,
					   TCP_LID_V6, TCF_TS | TCF_SACK);
	struct tcp_conn *c = tl->pending, *next;
	uint64_t n = 0;

	while (c != NULL) {
		uint64_t w = tcp_dec_load(c);
		uint32_t fl = c->flags & ~TCF_PENDING;

		/* c off the list: written to the list only before a general
		 * answer (tcp_output_list_pop); a decided one reads no list
		 * and changes none, and its next is taken from c. */
		next = c->pnext;
		if (dec && likely((w & mask) == pat) &&
		    likely(tcp_output_dec_ok(c, now_us, stall_q, fresh))) {
			tcp_xmit_dec(ctx, c, fl, kf, &tn, false);
			n++;
			c = next;
			continue;
		}
		if (dec && (w & mask) == pat6 &&
		    likely(tcp_output_dec_ok(c, now_us, stall_q, fresh))) {
			tcp_xmit_dec(ctx, c, fl, TCF_TS | TCF_SACK, &tn, true);
			c = next;
			continue;
		}
		tcp_output_list_pop(tl, next);
		c->flags = fl;
		if (!tcp_output_one_ok(c, now_us, stall_q))
			tcp_output_rest(ctx, c);
		else if (unlikely(c->nrcv_sack != 0 || (c->flags & TCF_DSACK)))
			tcp_output_one_opt(ctx, c);
		else if (likely(!(c->lid & TCP_LID_V6)))
			tcp_xmit_first_fam(ctx, c, c->sndq_head, c->snd_nxt,
					   c->sndq_len, false, &tn);
		else
			tcp_xmit_first_fam(ctx, c, c->sndq_head, c->snd_nxt,
					   c->sndq_len, true, &tn);
		/* what tcp_output_rest scheduled on the way comes first */
		c = tl->pending;
	}
	tl->pending = NULL; /* after decided answers: not written yet */
	STAT_ADD(ctx, tcp_tx_segs, n);
	STAT_ADD(ctx, ipv4_tx, n);
}

/*
 * The output list (tcp_flush_lists), each connection taken off it as
 * tcp_flush_lists took them one by one for tcp_output: the common case
 * (tcp_output_one_ok) sent as tcp_output sends it, the IPv4 frame inline
 * here, anything else by tcp_output's own ways. What tcp_output_rest
 * schedules on the way (another connection's answer) is served too. A
 * port offloading both sums or neither (the two modes in use) has a copy
 * of its own, with the decided answers (tcp_output_dec_ok).
 */
void
tcp_output_list(struct lcore_ctx *ctx, struct tcp_lcore *tl)
{
	const uint64_t both = RTE_ETH_TX_OFFLOAD_TCP_CKSUM |
			      RTE_ETH_TX_OFFLOAD_IPV4_CKSUM;
	uint64_t ol = ctx->ifc->tx_offloads & both;

	if (ol == both)
		tcp_output_list_ol(ctx, tl, both, true);
	else if (ol == 0)
		tcp_output_list_ol(ctx, tl, 0, true);
	else
		tcp_output_list_ol(ctx, tl, ol, false);
}
