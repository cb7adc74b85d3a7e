/* SPDX-License-Identifier: BSD-3-Clause */
/* tcp_out.c: segments cut from the send queue (tcp_sndq.c), their
 * building and the output decisions. */
#include <errno.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_ip.h>

#include "net/ipv4.h"
#include "net/ipv6.h"
#include "net/net.h"
#include "net/tcp_priv.h"

/* The queued mbuf holding sequence number seq (snd_una <= seq <
 * snd_una + sndq_len) and seq's offset in its payload. */
static struct rte_mbuf *
tcp_sndq_find(struct tcp_conn *c, uint32_t seq, uint32_t *off)
{
	struct rte_mbuf *m;
	uint32_t mseq;

	if (c->snd_cur && SEQ_GEQ(seq, c->snd_cur_seq)) {
		m = c->snd_cur;
		mseq = c->snd_cur_seq;
	} else {
		m = c->sndq_head;
		mseq = c->snd_una - c->sndq_off;
	}
	while (SEQ_GEQ(seq, mseq + tcp_mlen(m))) {
		mseq += tcp_mlen(m);
		m = tcp_meta(m)->next;
	}
	c->snd_cur = m;
	c->snd_cur_seq = mseq;
	*off = seq - mseq;
	return m;
}

static void
tcp_sndq_copy(struct tcp_conn *c, uint32_t seq, uint32_t len, uint8_t *dst)
{
	uint32_t off;
	struct rte_mbuf *m = tcp_sndq_find(c, seq, &off);

	while (len) {
		uint32_t n = tcp_min(len, tcp_mlen(m) - off);

		memcpy(dst, tcp_mdata(m) + off, n);
		dst += n;
		len -= n;
		off = 0;
		m = tcp_meta(m)->next;
	}
}

/* ---- segments ---------------------------------------------------------- */

/* Options of a segment of c with len bytes: timestamps, and SACK
 * blocks while the out-of-order queue holds data (tcp_sack.c). */
static inline uint32_t
tcp_optlen(struct tcp_conn *c, uint32_t len)
{
	return ((c->flags & TCF_TS) ? TCP_TS_OPTLEN : 0) +
	       tcp_sack_optlen(c, len);
}

/* NOP NOP TS (the layout RFC 7323 Appendix A suggests). */
void
tcp_opt_ts(uint8_t *o, uint32_t tsval, uint32_t tsecr)
{
	uint32_t v = rte_cpu_to_be_32(tsval), e = rte_cpu_to_be_32(tsecr);

	o[0] = 1;
	o[1] = 1;
	o[2] = 8;
	o[3] = 10;
	memcpy(o + 4, &v, 4);
	memcpy(o + 8, &e, 4);
}

/*
 * The header of a segment of c. A segment with ACK carries rcv_nxt, so
 * whatever ACK was owed is paid (delayed ACK timer cancelled): this is
 * how a response piggybacks the acknowledgment of its request.
 */
static void
tcp_fill(struct lcore_ctx *ctx, struct tcp_conn *c, struct rte_tcp_hdr *th,
	 uint32_t seq, uint8_t flags, uint32_t optlen)
{
	uint32_t tslen = (c->flags & TCF_TS) ? TCP_TS_OPTLEN : 0;

	th->src_port = c->local_port;
	th->dst_port = c->peer_port;
	th->sent_seq = rte_cpu_to_be_32(seq);
	th->recv_ack = rte_cpu_to_be_32(c->rcv_nxt);
	th->data_off = (uint8_t)(((TCP_HLEN + optlen) / 4) << 4);
	th->tcp_flags = flags;
	/* A constant window while the application takes every byte at
	 * once (RFC 7323 §2.3: shifted by what we announced). */
	if (likely(!(c->flags & TCF_RCV_LIM)))
		th->rx_win = rte_cpu_to_be_16(
			(uint16_t)(c->rcv_wnd >> c->rcv_wscale));
	else
		th->rx_win = rte_cpu_to_be_16(tcp_rcv_win_lim(c));
	th->cksum = 0;
	th->tcp_urp = 0;
	if (tslen)
		tcp_opt_ts((uint8_t *)(th + 1), tcp_ts_now(ctx, c->ts_off),
			   c->ts_recent);
	if (optlen > tslen)
		tcp_sack_write(ctx, c, (uint8_t *)(th + 1) + tslen,
			       optlen - tslen);
	if (flags & RTE_TCP_ACK_FLAG) {
		c->last_ack_sent = c->rcv_nxt;
		c->rcv_unacked = 0;
		c->flags &= ~(TCF_ACK_NOW | TCF_DELACK);
		if (timer_armed(&c->delack))
			timer_cancel(&ctx->wheel, &c->delack);
	}
}

static inline void
tcp_xmit(struct lcore_ctx *ctx, struct tcp_conn *c, struct rte_mbuf *m)
{
	tcp_xmit_sum(ctx, c, m, 0);
}

/*
 * The window field while the application bounds the window (tcp_rcv_room):
 * up to rcv_lim, never short of rcv_adv (RFC 9293 §3.8.6: we do not
 * shrink it), rounded up to the scale so the edge never moves left, and
 * opened only by an MSS or half the window at once (receiver SWS
 * avoidance, §3.8.6.2.2). Records the edge announced in rcv_adv.
 */
uint16_t
tcp_rcv_win_lim(struct tcp_conn *c)
{
	uint32_t adv = SEQ_GT(c->rcv_adv, c->rcv_nxt) ? c->rcv_adv - c->rcv_nxt
						       : 0;
	uint32_t w = SEQ_GT(c->rcv_lim, c->rcv_nxt) ? c->rcv_lim - c->rcv_nxt
						     : 0;
	uint32_t unit = 1u << c->rcv_wscale, f;

	w = tcp_min(w, c->rcv_wnd);
	/* §3.8.6.2.2 with the application's room as the buffer: open by an
	 * MSS, or half the window, or half of what the room allows. */
	if (w <= adv ||
	    w - adv < tcp_min(tcp_min(c->rcv_wnd / 2, c->rcv_mss), w / 2))
		w = adv;
	f = (w + unit - 1) >> c->rcv_wscale;
	if (f > 65535)
		f = 65535;
	c->rcv_adv = c->rcv_nxt + (f << c->rcv_wscale);
	return (uint16_t)f;
}

uint32_t
tcp_sndq_bytes(const struct tcp_conn *c)
{
	return c->sndq_len;
}

/* A fresh mbuf with room for a TCP header, options and len bytes. */
struct rte_tcp_hdr *
tcp_seg_alloc(struct lcore_ctx *ctx, struct rte_mbuf **mp, uint32_t hlen,
	      uint32_t len)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(ctx->pool);
	struct rte_tcp_hdr *th;

	if (unlikely(!m)) {
		STAT_INC(ctx, tcp_drop_nombuf);
		return NULL;
	}
	th = (struct rte_tcp_hdr *)rte_pktmbuf_append(m, (uint16_t)(hlen + len));
	if (unlikely(!th)) {
		rte_pktmbuf_free(m);
		STAT_INC(ctx, tcp_drop_nombuf);
		return NULL;
	}
	*mp = m;
	return th;
}

/*
 * Send len bytes of the queue from seq (with flags; len 0 for a bare FIN).
 * New data that is exactly one queued mbuf goes out in that mbuf.
 */
void
tcp_xmit_data(struct lcore_ctx *ctx, struct tcp_conn *c, uint32_t seq,
	      uint32_t len, uint8_t flags)
{
	uint32_t optlen = tcp_optlen(c, len), hlen = TCP_HLEN + optlen, off;
	struct rte_tcp_hdr *th;
	struct rte_mbuf *m;

	if (len && seq == c->snd_max) {
		m = tcp_sndq_find(c, seq, &off);
		if (off == 0 && tcp_mlen(m) == len && !tcp_msealed(m)) {
			rte_mbuf_refcnt_update(m, 1);
			if (likely(tcp_xmit_one_pass(c))) {
				tcp_xmit_in_place(ctx, c, m, seq, flags);
			} else {
				th = (struct rte_tcp_hdr *)rte_pktmbuf_prepend(
					m, (uint16_t)hlen);
				tcp_fill(ctx, c, th, seq, flags, optlen);
				tcp_xmit_sum(ctx, c, m, tcp_meta(m)->sum);
			}
			tcp_rack_sent(ctx, c, seq, len);
			return;
		}
	}
	th = tcp_seg_alloc(ctx, &m, hlen, len);
	if (unlikely(!th))
		return;
	tcp_fill(ctx, c, th, seq, flags, optlen);
	if (len)
		tcp_sndq_copy(c, seq, len, (uint8_t *)th + hlen);
	tcp_xmit(ctx, c, m);
	tcp_rack_sent(ctx, c, seq, len);
}

/* A segment without data (ACK, FIN or RST) at seq. */
static void
tcp_send_ctl(struct lcore_ctx *ctx, struct tcp_conn *c, uint32_t seq,
	     uint8_t flags)
{
	uint32_t optlen = tcp_optlen(c, 0);
	struct rte_tcp_hdr *th;
	struct rte_mbuf *m;

	if (likely(tcp_xmit_one_pass(c))) {
		tcp_xmit_ctl(ctx, c, seq, flags);
		return;
	}
	th = tcp_seg_alloc(ctx, &m, TCP_HLEN + optlen, 0);
	if (unlikely(!th))
		return;
	tcp_fill(ctx, c, th, seq, flags, optlen);
	tcp_xmit(ctx, c, m);
}

void
tcp_send_ack(struct lcore_ctx *ctx, struct tcp_conn *c)
{
	STAT_INC(ctx, tcp_tx_pure_acks);
	tcp_send_ctl(ctx, c, c->snd_nxt, RTE_TCP_ACK_FLAG);
}

/* RFC 9293 §3.10.7.4 (abort): <SEQ=SND.NXT><CTL=RST>, with the ACK. */
void
tcp_send_rst(struct lcore_ctx *ctx, struct tcp_conn *c)
{
	STAT_INC(ctx, tcp_rst_tx);
	tcp_send_ctl(ctx, c, c->snd_nxt, RTE_TCP_RST_FLAG | RTE_TCP_ACK_FLAG);
}

/* Zero-window probe (RFC 9293 §3.8.6.1): one octet of new data past the
 * closed window. snd_nxt stays (the octet is not in flight); snd_max
 * covers it, so the peer may acknowledge it if its window opened. */
void
tcp_send_probe(struct lcore_ctx *ctx, struct tcp_conn *c)
{
	uint32_t seq = c->snd_una;

	STAT_INC(ctx, tcp_persist_probes);
	if (c->sndq_len == 0) {
		tcp_send_ctl(ctx, c, seq - 1, RTE_TCP_ACK_FLAG);
		return;
	}
	tcp_xmit_data(ctx, c, seq, 1, RTE_TCP_ACK_FLAG);
	if (SEQ_GT(seq + 1, c->snd_max))
		c->snd_max = seq + 1;
}

/* ---- output decisions -------------------------------------------------- */

/*
 * Sender-side silly window avoidance (RFC 9293 §3.8.6.2.1, MUST-38) for
 * new data: with D bytes queued and unsent and U the usable window the
 * peer offers, send when min(D, U) is a full segment, or D <= U (all
 * of it fits: our data is always pushed, and Nagle is off), or
 * min(D, U) is at least half the largest window the peer ever offered,
 * or the override timer fired (TCF_SWS_FORCE). Otherwise wait for the
 * window to open: a peer that offers a few bytes at a time gets full
 * segments, not one segment per few bytes.
 */
static inline bool
tcp_sws_ok(const struct tcp_conn *c, uint32_t d, uint32_t u)
{
	uint32_t n = tcp_min(d, u);

	return n >= c->mss || d <= u || n >= c->max_snd_wnd / 2 ||
	       (c->flags & TCF_SWS_FORCE);
}

/* tcp_output_one's segment with SACK blocks (IPv4 or IPv6): the header
 * by tcp_fill, the frame by tcp_xmit_sum. */
void __rte_noinline
tcp_output_one_opt(struct lcore_ctx *ctx, struct tcp_conn *c)
{
	struct rte_mbuf *m = c->sndq_head;
	uint32_t len = c->sndq_len, seq = c->snd_nxt, optlen, hlen;
	struct rte_tcp_hdr *th;

	if (!(c->flags & TCF_RTT)) {
		c->flags |= TCF_RTT;
		c->rtt_seq = seq;
		c->rtt_start = ctx->now_us;
	}
	optlen = tcp_optlen(c, len);
	hlen = TCP_HLEN + optlen;
	th = (struct rte_tcp_hdr *)rte_pktmbuf_prepend(m, (uint16_t)hlen);
	tcp_fill(ctx, c, th, seq, RTE_TCP_ACK_FLAG | RTE_TCP_PSH_FLAG, optlen);
	rte_mbuf_refcnt_update(m, 1);
	tcp_xmit_sum(ctx, c, m, tcp_meta(m)->sum);
	c->snd_nxt = seq + len;
	c->snd_max = seq + len;
	c->flags &= ~TCF_SWS_FORCE;
	tcp_rack_sent_one(ctx, c, m); /* RTO, or a loss probe */
}

/* tcp_output's common case (tcp_output_one_ok), its segment sent; false:
 * not that case, nothing done. */
static __rte_always_inline bool
tcp_output_one(struct lcore_ctx *ctx, struct tcp_conn *c)
{
	if (!tcp_output_one_ok(c, ctx->now_us, tcp_tl(ctx)->stall_us / 4))
		return false;
	if (unlikely(c->nrcv_sack != 0 || (c->flags & TCF_DSACK)))
		tcp_output_one_opt(ctx, c);
	else if (likely(!(c->lid & TCP_LID_V6)))
		tcp_xmit_first(ctx, c, c->sndq_head, c->snd_nxt, c->sndq_len);
	else
		tcp_xmit_first6(ctx, c, c->sndq_head, c->snd_nxt, c->sndq_len);
	return true;
}

/*
 * Everything c may send now (called by tcp_flush for connections on the
 * output list): queued data within min(peer window, cwnd) in segments of
 * at most mss (RFC 5681 §3.1),
 * then our FIN once the queue is out (after tcp_close), else a pure ACK
 * if one is owed. Keeps the retransmission timer running while data is
 * in flight (RFC 6298 §5.1) and enters persist on a zero window.
 */
static void __rte_noinline
tcp_output_all(struct lcore_ctx *ctx, struct tcp_conn *c)
{
	bool sent = false, closing = TCPF(c->state) & TCPF_CLOSED_BY_US;
	bool sws = false;

	if (unlikely(c->state == TCP_SYN_SENT)) {
		tcp_syn_sent_output(ctx, c); /* tcp_connect.c */
		return;
	}
	if (unlikely(c->flags & TCF_ORPHAN_RST)) {
		/* Closed over tcp.max_orphans (tcp_close): reset it now
		 * rather than hold its queue for a peer that may never
		 * take it (Linux: "too many orphaned sockets"). */
		STAT_INC(ctx, mem_orphan_overflow);
		tcp_abort(ctx, c);
		return;
	}
	/* A peer that keeps taking a byte at a time never lets a timer
	 * find the queue stalled: look here too (the bound is at least a
	 * quarter of tcp.stall_timeout_ms, tcp_stall_check has the rest). */
	if (unlikely(c->sndq_len != 0 &&
		     ctx->now_us - c->progress_us >= tcp_tl(ctx)->stall_us / 4) &&
	    tcp_stall_check(ctx, c))
		return;
	if (!(TCPF(c->state) & TCPF_OUTPUT)) {
		if (c->state == TCP_TIME_WAIT && (c->flags & TCF_ACK_NOW))
			tcp_send_ack(ctx, c);
		return;
	}
	while (!(c->flags & TCF_PERSIST)) {
		uint32_t off = c->snd_nxt - c->snd_una, left, wnd, len;
		uint8_t flags = RTE_TCP_ACK_FLAG;

		/* The FIN is out, or acknowledged: in FIN_WAIT_2 snd_una is
		 * past it with an empty queue (RFC 9293 §3.10.4: one FIN). */
		if (off > c->sndq_len ||
		    ((c->flags & TCF_FIN_SENT) && c->snd_nxt == c->snd_max))
			break;
		left = c->sndq_len - off;
		if (left == 0) {
			if (!closing)
				break;
			/* A FIN needs no window (it is accepted at RCV.NXT). */
			if (SEQ_LT(c->snd_nxt, c->snd_max))
				STAT_INC(ctx, tcp_retransmits);
			tcp_send_ctl(ctx, c, c->snd_nxt,
				     RTE_TCP_FIN_FLAG | RTE_TCP_ACK_FLAG);
			c->snd_nxt++;
			c->flags |= TCF_FIN_SENT;
			sent = true;
			break;
		}
		wnd = tcp_min(c->snd_wnd, tcp_cwnd_lt(c));
		if (off >= wnd)
			break;
		if (SEQ_GEQ(c->snd_nxt, c->snd_max) &&
		    !tcp_sws_ok(c, left, c->snd_wnd - off)) {
			STAT_INC(ctx, tcp_sws_deferred);
			sws = true;
			break;
		}
		/* Past the SWS test (or a retransmission): as much as the
		 * windows allow, up to one MSS. */
		len = tcp_min(tcp_min(c->mss, left), wnd - off);
		if (len == left) {
			flags |= RTE_TCP_PSH_FLAG;
			if (closing)
				flags |= RTE_TCP_FIN_FLAG;
		}
		if (SEQ_LT(c->snd_nxt, c->snd_max)) {
			STAT_INC(ctx, tcp_retransmits);
		} else if (!(c->flags & TCF_RTT)) {
			c->flags |= TCF_RTT;
			c->rtt_seq = c->snd_nxt;
			c->rtt_start = ctx->now_us;
		}
		tcp_xmit_data(ctx, c, c->snd_nxt, len, flags);
		c->snd_nxt += len;
		if (flags & RTE_TCP_FIN_FLAG) {
			c->snd_nxt++;
			c->flags |= TCF_FIN_SENT;
		}
		if (SEQ_GT(c->snd_nxt, c->snd_max))
			c->snd_max = c->snd_nxt;
		sent = true;
	}
	if (SEQ_GT(c->snd_nxt, c->snd_max))
		c->snd_max = c->snd_nxt;
	if (!sent && (c->flags & TCF_ACK_NOW))
		tcp_send_ack(ctx, c);
	else if (c->rcv_unacked && !timer_armed(&c->delack)) {
		/* Data arrived and nothing carried its ACK: delay it
		 * (RFC 9293 §3.8.6.3); armed here, not on input, so a
		 * response in the same burst costs no timer at all. */
		timer_arm(&ctx->wheel, &c->delack,
			  ctx->now_us + tcp_tl(ctx)->delack_us);
		c->flags |= TCF_DELACK;
	}
	c->flags &= ~TCF_SWS_FORCE;
	if (c->flags & TCF_PERSIST)
		return;
	if (c->snd_una != c->snd_max) {
		tcp_rack_arm(ctx, c, sent); /* RTO, or a loss probe */
	} else if (c->snd_wnd == 0 && c->sndq_len) {
		tcp_persist_enter(ctx, c);
	} else if (sws) {
		/* Nothing in flight brings an ACK: the override timer. */
		if (c->timer_kind != TT_SWS)
			tcp_arm(ctx, c, TT_SWS, TCP_SWS_OVERRIDE_US);
	} else if (c->timer_kind == TT_RTX || c->timer_kind == TT_TLP ||
		   c->timer_kind == TT_RACK) {
		c->timer_kind = TT_NONE; /* RFC 6298 §5.2 (tcp_rtx_arm) */
	}
}

/*
 * The last answer with our FIN after tcp_close (FIN_WAIT_1, LAST_ACK),
 * decided in advance as tcp_output_one decides its case: nothing in
 * flight, the queue one whole unsent mbuf shorter than the MSS within
 * both windows, no FIN sent yet, no persist, one-pass headers. The loop
 * would send it in place with ACK|PSH|FIN (tcp_xmit_data), start an RTT
 * sample and arm the RTO or a loss probe (tcp_rack_arm with the flight
 * within an MSS: as tcp_rack_sent_one); this does the same without its
 * tests. false: not that case, nothing done.
 */
static __rte_always_inline bool
tcp_output_fin_one(struct lcore_ctx *ctx, struct tcp_conn *c)
{
	struct rte_mbuf *m = c->sndq_head;
	uint32_t len = c->sndq_len, seq = c->snd_nxt;

	if (!(TCPF(c->state) & (TCPF(TCP_FIN_WAIT_1) | TCPF(TCP_LAST_ACK))) ||
	    (c->flags & (TCF_PERSIST | TCF_FIN_SENT | TCF_ORPHAN_RST)) ||
	    seq != c->snd_una || c->snd_max != seq ||
	    m == NULL || m != c->sndq_tail || c->sndq_off != 0 ||
	    tcp_msealed(m) || m->data_len != len || len == 0 || len >= c->mss ||
	    len > c->snd_wnd || len > tcp_cwnd_lt(c) ||
	    ctx->now_us - c->progress_us >= tcp_tl(ctx)->stall_us / 4 ||
	    !tcp_xmit_one_pass(c))
		return false;
	if (!(c->flags & TCF_RTT)) {
		c->flags |= TCF_RTT;
		c->rtt_seq = seq;
		c->rtt_start = ctx->now_us;
	}
	rte_mbuf_refcnt_update(m, 1); /* the queue keeps its reference */
	tcp_xmit_in_place(ctx, c, m, seq,
			  RTE_TCP_ACK_FLAG | RTE_TCP_PSH_FLAG | RTE_TCP_FIN_FLAG);
	c->snd_nxt = seq + len + 1;
	c->snd_max = seq + len + 1;
	c->flags = (c->flags | TCF_FIN_SENT) & ~TCF_SWS_FORCE;
	tcp_rack_sent_one(ctx, c, m); /* RTO, or a loss probe */
	return true;
}

/* TIME_WAIT (queues released at entry) as tcp_output_all treats it: the
 * ACK owed, nothing else. false: not that case, nothing done. */
static __rte_always_inline bool
tcp_output_tw(struct lcore_ctx *ctx, struct tcp_conn *c)
{
	if (c->state != TCP_TIME_WAIT ||
	    (c->flags & TCF_ORPHAN_RST) || c->sndq_len != 0)
		return false;
	if (c->flags & TCF_ACK_NOW)
		tcp_send_ack(ctx, c);
	return true;
}

/* The closing cases, apart so tcp_output keeps no frame of its own. */
void __rte_noinline
tcp_output_rest(struct lcore_ctx *ctx, struct tcp_conn *c)
{
	if (!tcp_output_fin_one(ctx, c) && !tcp_output_tw(ctx, c))
		tcp_output_all(ctx, c);
}

/* The common case first, without the general loop's frame. */
void
tcp_output(struct lcore_ctx *ctx, struct tcp_conn *c)
{
	if (!tcp_output_one(ctx, c))
		tcp_output_rest(ctx, c);
}

/* ---- closing ----------------------------------------------------------- */

void
tcp_close(struct lcore_ctx *ctx, struct tcp_conn *c)
{
	struct tcp_lcore *tl = tcp_tl(ctx);

	if (c->flags & (TCF_DEAD | TCF_APP_CLOSED))
		return;
	c->flags |= TCF_APP_CLOSED;
	if (c->flags & TCF_MEMWAIT) /* tcp_mem_unwait's test: no call */
		tcp_mem_unwait(tl, c);
	if (c->state == TCP_ESTABLISHED)
		tcp_set_state(tl, c, TCP_FIN_WAIT_1);
	else if (c->state == TCP_CLOSE_WAIT)
		tcp_set_state(tl, c, TCP_LAST_ACK);
	else if (c->state != TCP_SYN_SENT) /* SYN_SENT: tcp_output ends it */
		return;
	if (tl->state_count[TCP_FIN_WAIT_1] + tl->state_count[TCP_CLOSING] +
	    tl->state_count[TCP_LAST_ACK] > tl->max_orphans)
		c->flags |= TCF_ORPHAN_RST;
	tcp_schedule_inline(tl, c);
}

void
tcp_abort(struct lcore_ctx *ctx, struct tcp_conn *c)
{
	if (c->flags & TCF_DEAD)
		return;
	if (TCPF(c->state) & (TCPF_OUTPUT | TCPF(TCP_SYN_RECEIVED)))
		tcp_send_rst(ctx, c);
	tcp_app_closed(ctx, c, TCP_CLOSE_ABORT);
	if (!(c->flags & TCF_DEAD))
		tcp_conn_free(ctx, c);
}
