/* SPDX-License-Identifier: BSD-3-Clause */
/* tcp_out.c: send queue, segment building and the output decisions. */
#include <errno.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_ip.h>

#include "net/ipv4.h"
#include "net/ipv6.h"
#include "net/net.h"
#include "net/tcp_priv.h"

/*
 * ---- the send queue ----------------------------------------------------
 *
 * Bytes from snd_una on, sent or not, in a chain of mbufs linked through
 * their tcp_mbuf_meta (m->next stays NULL: a transmitted mbuf is a
 * one-segment packet). tcp_send() copies the application's bytes into
 * the tail mbuf at TCP_SNDQ_DOFF, filling each mbuf to its capacity
 * (tcp_lcore.seg_cap), whatever the peer's MSS or window: the memory a
 * queued byte costs does not depend on the peer, and every mbuf is
 * charged to the lcore's MEM_SNDQ budget (core/mem.h). Segments are cut
 * at transmit time. The headroom in front of the payload can take TCP +
 * IPv4 + Ethernet headers: the first transmission of a segment that is
 * exactly one whole queued mbuf sends that mbuf itself (one more
 * reference, the queue keeps the other until the data is acknowledged),
 * so a small response is one mbuf and one segment. Such an mbuf is
 * "sealed" (headers in front of the payload, its data_off moved):
 * nothing is appended to it any more. Other segments (cut from a fuller
 * mbuf, or spanning two, and retransmissions) are copied into a fresh
 * mbuf, which the NIC frees once sent.
 */

static inline uint8_t *
tcp_mdata(const struct rte_mbuf *m)
{
	return (uint8_t *)m->buf_addr + TCP_SNDQ_DOFF;
}

static inline bool
tcp_msealed(const struct rte_mbuf *m)
{
	return m->data_off != TCP_SNDQ_DOFF;
}

void
tcp_sndq_free(struct lcore_ctx *ctx, struct tcp_conn *c)
{
	struct rte_mbuf *m = c->sndq_head;

	mem_release(&ctx->mem, MEM_SNDQ,
		    (uint64_t)c->nsndq * ctx->mem.mbuf_bytes);
	c->nsndq = 0;

	while (m) {
		struct rte_mbuf *next = tcp_meta(m)->next;

		rte_pktmbuf_free_seg(m);
		m = next;
	}
	c->sndq_head = NULL;
	c->sndq_tail = NULL;
	c->snd_cur = NULL;
	c->sndq_len = 0;
	c->sndq_off = 0;
	tcp_unhold(c, false);
}

/* bytes were acknowledged: release them from the head. Progress (for
 * tcp_stall_check and tcp_mem_reclaim) is a whole mbuf released: a peer
 * that acknowledges a byte now and then does not count as draining. */
void
tcp_sndq_drop(struct lcore_ctx *ctx, struct tcp_conn *c, uint32_t bytes)
{
	c->sndq_len -= bytes;
	while (bytes) {
		struct rte_mbuf *m = c->sndq_head;
		uint32_t avail = tcp_mlen(m) - c->sndq_off;

		if (bytes < avail) {
			c->sndq_off = (uint16_t)(c->sndq_off + bytes);
			return;
		}
		bytes -= avail;
		tcp_sndq_pop(ctx, c);
	}
}

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

/*
 * What the lcore's MEM_SNDQ budget lets c queue (bytes), when that is
 * less than space: the tail's free room plus the mbufs c may take
 * (tcp_mem_sndq_units). Limited, c waits for budget (tcp_mem_wake()
 * calls writable once there is room again).
 */
static uint32_t __rte_noinline
tcp_send_space_mem(struct tcp_lcore *tl, struct tcp_conn *c, uint32_t space)
{
	struct rte_mbuf *t = c->sndq_tail;
	uint64_t room = 0;

	if (t && !tcp_msealed(t))
		room = tl->seg_cap - tcp_mlen(t);
	room += tcp_mem_sndq_units(tl, c) * tl->seg_cap;
	if (room >= space)
		return space;
	tcp_mem_wait(tl, c);
	return (uint32_t)room;
}

uint32_t
tcp_send_space(struct tcp_conn *c)
{
	struct tcp_lcore *tl = c->tl;
	uint32_t space;

	if (!(TCPF(c->state) & TCPF_CAN_SEND) ||
	    (c->flags & (TCF_APP_CLOSED | TCF_DEAD)))
		return 0;
	space = c->snd_buf > c->sndq_len ? c->snd_buf - c->sndq_len : 0;
	if (unlikely(tl->mem->cls[MEM_SNDQ].in_use > tl->sndq_fast ||
		     tl->memwait != NULL))
		space = tcp_send_space_mem(tl, c, space);
	return space;
}

/* m joins c's send queue at its tail (RACK's marks clear); the first
 * mbuf of an empty queue stamps progress and puts c on the holders list.
 * tcp_send and tcp_send_reserve's two ways share it. */
static __rte_always_inline void
tcp_sndq_append(struct lcore_ctx *ctx, struct tcp_lcore *tl,
		struct tcp_conn *c, struct rte_mbuf *m)
{
	tcp_meta(m)->next = NULL;
	tcp_meta(m)->fin = 0; /* RACK's marks (tcp_rack.c) */
	if (c->sndq_tail) {
		tcp_meta(c->sndq_tail)->next = m;
	} else {
		c->sndq_head = m;
		if (c->sndq_len == 0)
			c->progress_us = ctx->now_us;
		tcp_hold(tl, c);
	}
	c->sndq_tail = m;
	c->nsndq++;
}

/* MEM_SNDQ refused c an mbuf: c waits for budget, and the connections
 * that hold the most and drain the least may go (tcp_mem_reclaim). */
static void
tcp_send_refused(struct lcore_ctx *ctx, struct tcp_conn *c)
{
	STAT_INC(ctx, mem_sndq_refused);
	tcp_mem_wait(tcp_tl(ctx), c);
	tcp_mem_reclaim(ctx, c);
}

int
tcp_send(struct lcore_ctx *ctx, struct tcp_conn *c, const void *data,
	 uint32_t len)
{
	const uint8_t *p = data;
	uint32_t n, done = 0;

	if (!(TCPF(c->state) & TCPF_CAN_SEND) ||
	    (c->flags & (TCF_APP_CLOSED | TCF_DEAD)))
		return -ENOTCONN;
	n = c->snd_buf > c->sndq_len ? c->snd_buf - c->sndq_len : 0;
	n = tcp_min(len, n);
	while (done < n) {
		struct rte_mbuf *m = c->sndq_tail;
		uint32_t k, cap = tcp_tl(ctx)->seg_cap;

		if (!m || tcp_msealed(m) || tcp_mlen(m) >= cap) {
			struct tcp_lcore *tl = tcp_tl(ctx);

			/* Senders that waited for budget go first: past
			 * them, c takes only what leaves them wake_bytes. */
			if (unlikely(tl->memwait != NULL && tl->memwait != c &&
				     mem_room(&ctx->mem, MEM_SNDQ) <
				     tl->wake_bytes + ctx->mem.mbuf_bytes)) {
				ctx->mem.cls[MEM_SNDQ].refusals++;
				tcp_send_refused(ctx, c);
				break;
			}
			if (unlikely(!mem_charge_mbuf(&ctx->mem, MEM_SNDQ))) {
				tcp_send_refused(ctx, c);
				break;
			}
			if (unlikely(c->flags & TCF_MEMWAIT))
				tcp_mem_unwait(tl, c); /* served: off the queue */
			m = tcp_sndq_mbuf(ctx, c);
			if (unlikely(!m)) {
				mem_release_mbuf(&ctx->mem, MEM_SNDQ);
				STAT_INC(ctx, tcp_drop_nombuf);
				break;
			}
			m->data_off = TCP_SNDQ_DOFF;
			tcp_sndq_append(ctx, tl, c, m);
		}
		k = tcp_min(cap - tcp_mlen(m), n - done);
		tcp_meta(m)->sum = 0;
		memcpy(tcp_mdata(m) + tcp_mlen(m), p + done, k);
		m->data_len = (uint16_t)(m->data_len + k);
		m->pkt_len = m->data_len;
		done += k;
	}
	c->sndq_len += done;
	if (done < len)
		STAT_INC(ctx, tcp_sndq_full);
	if (done)
		tcp_schedule(ctx, c);
	return (int)done;
}

/*
 * The spare (tcp_sndq_pop_keep) as rte_pktmbuf_alloc() leaves an mbuf
 * (rte_pktmbuf_reset), with tcp_send_reserve's data offset and len bytes
 * written at once: each field stored once, no headroom computed. Only
 * what its last use could have changed since its own reset (it entered
 * the send queue reset) is written: the lengths and data offset (its
 * headers, TX), the offload requests and header lengths (tcp_frame.c).
 * The chain (next, nb_segs), port, packet type and VLAN tags are still
 * as reset left them: a send-queue mbuf is one segment, nothing here
 * sets them, a PMD does not write a mbuf it transmits, and its TX
 * completion's free only drops the extra reference (refcnt 2 -> 1:
 * rte_pktmbuf_prefree_seg resets nothing then).
 */
static __rte_always_inline void
tcp_spare_reset(struct rte_mbuf *m, uint32_t len)
{
	RTE_ASSERT(m->next == NULL && m->nb_segs == 1 &&
		   m->port == RTE_MBUF_PORT_INVALID && m->packet_type == 0 &&
		   m->vlan_tci == 0 && m->vlan_tci_outer == 0);
	m->ol_flags = 0; /* direct (tcp_sndq_pop_keep): no RTE_MBUF_F_EXTERNAL */
	m->tx_offload = 0;
	m->data_off = TCP_SNDQ_DOFF;
	m->data_len = (uint16_t)len;
	m->pkt_len = len;
}

/* c's queue takes m (len bytes, its sum field meta_sum) at its tail,
 * c on the output list: tcp_send_reserve's two ways share it. */
static __rte_always_inline void *
tcp_send_reserve_queue(struct lcore_ctx *ctx, struct tcp_lcore *tl,
		       struct tcp_conn *c, struct rte_mbuf *m, uint32_t len,
		       uint32_t meta_sum)
{
	tcp_meta(m)->sum = meta_sum;
	tcp_sndq_append(ctx, tl, c, m);
	c->sndq_len += len;
	tcp_schedule_inline(tl, c);
	return tcp_mdata(m);
}

/* tcp_send_reserve past its checks on c and len, every case: the tail
 * mbuf's room (tcp_send fills it first), MEM_SNDQ charged by
 * mem_charge_mbuf, the spare of any connection or a pool mbuf. */
void *__rte_noinline
tcp_send_reserve_rest(struct lcore_ctx *ctx, struct tcp_conn *c, uint32_t len,
		      uint16_t sum)
{
	struct tcp_lcore *tl = tcp_tl(ctx);
	uint32_t known = TCP_SUM_KNOWN;
	struct rte_mbuf *m;

	if (unlikely((c->sndq_tail && !tcp_msealed(c->sndq_tail)) ||
		     !mem_charge_mbuf(&ctx->mem, MEM_SNDQ)))
		return NULL;
	if (likely(tl->spare != NULL)) {
		/* tcp_spare_take, with what its test of spare_of tells: c's
		 * own last answer, sealed by a one-pass IPv4 segment with
		 * timestamps (no SACK block), holds c's headers in its
		 * headroom. That data offset is no other layout of such a c
		 * (IPv6 headers are longer; options past TS are SACK blocks,
		 * 12 bytes or more; c has TS or not for its life). */
		m = tl->spare;
		tl->spare = NULL;
		ctx->mem.held--;
		if (likely(tl->spare_of == c)) {
			if ((c->flags & TCF_TS) &&
			    m->data_off == TCP_SNDQ_DOFF - TCP_FIRST_HDR4_TS)
				known |= TCP_SUM_HDR;
		} else {
			tcp_unhold(tl->spare_of, false);
		}
		tcp_spare_reset(m, len);
	} else {
		m = rte_pktmbuf_alloc(ctx->pool);
		if (unlikely(!m)) {
			mem_release_mbuf(&ctx->mem, MEM_SNDQ);
			return NULL;
		}
		m->data_off = TCP_SNDQ_DOFF;
		m->data_len = (uint16_t)len;
		m->pkt_len = len;
	}
	return tcp_send_reserve_queue(ctx, tl, c, m, len, known | sum);
}

/* tcp_send_reserve's first case, MEM_SNDQ charged: c's own spare m
 * into c's empty queue (c still held: spare_of, tcp_sndq_pop_keep). */
static __rte_always_inline void *
tcp_send_reserve_own(struct lcore_ctx *ctx, struct tcp_lcore *tl,
		     struct tcp_conn *c, struct rte_mbuf *m, uint32_t len,
		     uint16_t sum)
{
	uint32_t known = TCP_SUM_KNOWN;

	RTE_ASSERT(m == tl->spare && tl->spare_of == c &&
		   c->hold_pprev != NULL && c->sndq_head == NULL &&
		   c->sndq_tail == NULL && c->nsndq == 0);
	tl->spare = NULL;
	ctx->mem.held--;
	if ((c->flags & TCF_TS) &&
	    m->data_off == TCP_SNDQ_DOFF - TCP_FIRST_HDR4_TS)
		known |= TCP_SUM_HDR;
	tcp_spare_reset(m, len);
	tcp_meta(m)->next = NULL;
	tcp_meta(m)->fin = 0;
	tcp_meta(m)->sum = known | sum;
	c->sndq_head = m; /* held already */
	if (c->sndq_len == 0)
		c->progress_us = ctx->now_us;
	c->sndq_tail = m;
	c->nsndq = 1;
	c->sndq_len += len;
	tcp_schedule_inline(tl, c);
	return tcp_mdata(m);
}

/* The first case with MEM_SNDQ past half its limit (mem_charge_slow:
 * the pool's reserve checked too), apart so the common one makes no
 * call. */
static void *__rte_noinline
tcp_send_reserve_own_slow(struct lcore_ctx *ctx, struct tcp_conn *c,
			  uint32_t len, uint16_t sum)
{
	struct tcp_lcore *tl = tcp_tl(ctx);

	if (unlikely(!mem_charge_slow(&ctx->mem, MEM_SNDQ,
				      ctx->mem.mbuf_bytes)))
		return NULL;
	return tcp_send_reserve_own(ctx, tl, c, tl->spare, len, sum);
}

/*
 * The keep-alive answer's case first, with no call: an empty queue, c's
 * own spare (its last answer, acknowledged by the segment that carries
 * this request: c is still on the holders list, tcp_sndq_pop_keep) and
 * MEM_SNDQ below half its limit (mem_charge's fast half, the same in_use
 * and high it writes). Anything else, tcp_send_reserve_own_slow or
 * tcp_send_reserve_rest: the same mbuf, queue and counters either way
 * (test_tcp_reserve).
 */
void *
tcp_send_reserve(struct lcore_ctx *ctx, struct tcp_conn *c, uint32_t len,
		 uint16_t sum)
{
	struct tcp_lcore *tl = tcp_tl(ctx);
	struct mem_class_stat *s = &ctx->mem.cls[MEM_SNDQ];
	struct rte_mbuf *m;
	uint64_t n;

	/* Only where tcp_send would start a fresh mbuf anyway, so that
	 * what the queue holds per byte stays as tcp_send makes it. */
	if (unlikely(!(TCPF(c->state) & TCPF_CAN_SEND) ||
		     (c->flags & (TCF_APP_CLOSED | TCF_DEAD | TCF_MEMWAIT)) ||
		     len == 0 || RTE_MAX(len, TCP_RESERVE_ROOM) > tl->seg_cap ||
		     c->snd_buf < c->sndq_len + len || tl->memwait != NULL))
		return NULL;
	m = tl->spare;
	if (unlikely(m == NULL || tl->spare_of != c || c->sndq_tail != NULL))
		return tcp_send_reserve_rest(ctx, c, len, sum);
	n = s->in_use + ctx->mem.mbuf_bytes;
	if (unlikely(n > s->limit / 2))
		return tcp_send_reserve_own_slow(ctx, c, len, sum);
	s->in_use = n;
	if (unlikely(n > s->high))
		s->high = n;
	return tcp_send_reserve_own(ctx, tl, c, m, len, sum);
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
		c->flags &= ~TCF_ACK_NOW;
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

/*
 * tcp_output's common case, decided in advance: an ESTABLISHED
 * connection with nothing in flight whose queue is one whole unsent mbuf
 * (an answer) that fits the MSS and both windows. The loop below would
 * send it in place as one segment with PSH (all of it fits: no SWS wait),
 * start an RTT sample and the retransmission timer (or loss probe), and
 * leave no ACK
 * owed; this does the same without the loop's tests. false: not that
 * case, nothing done.
 */
/* tcp_output_one's segment with SACK blocks (IPv4 or IPv6): the header
 * by tcp_fill, the frame by tcp_xmit_sum. */
static void __rte_noinline
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

static __rte_always_inline bool
tcp_output_one(struct lcore_ctx *ctx, struct tcp_conn *c)
{
	struct rte_mbuf *m = c->sndq_head;
	uint32_t len = c->sndq_len, seq = c->snd_nxt;

	/* snd_una <= snd_nxt <= snd_max: nothing in flight is snd_max ==
	 * snd_una. len != 0: the queue holds an mbuf (m); the only one
	 * (m == sndq_tail), whole (sndq_off 0) and unsent (not sealed):
	 * its data_len is len. Within cwnd, so within what Limited
	 * Transmit allows (tcp_cwnd_lt); past cwnd the loop decides. */
	if (c->state != TCP_ESTABLISHED ||
	    (c->flags & (TCF_PERSIST | TCF_FIN_SENT | TCF_ORPHAN_RST)) ||
	    c->snd_max != c->snd_una ||
	    len == 0 || m != c->sndq_tail || c->sndq_off != 0 ||
	    tcp_msealed(m) || len > c->mss ||
	    len > c->snd_wnd || len > c->cwnd ||
	    ctx->now_us - c->progress_us >= tcp_tl(ctx)->stall_us / 4)
		return false;
	if (unlikely(c->nrcv_sack != 0 || (c->flags & TCF_DSACK)))
		tcp_output_one_opt(ctx, c);
	else if (likely(!(c->lid & TCP_LID_V6)))
		tcp_xmit_first(ctx, c, m, seq, len);
	else
		tcp_xmit_first6(ctx, c, m, seq, len);
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
	else if (c->rcv_unacked && !timer_armed(&c->delack))
		/* Data arrived and nothing carried its ACK: delay it
		 * (RFC 9293 §3.8.6.3); armed here, not on input, so a
		 * response in the same burst costs no timer at all. */
		timer_arm(&ctx->wheel, &c->delack,
			  ctx->now_us + tcp_tl(ctx)->delack_us);
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
static void __rte_noinline
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
	tcp_schedule(ctx, c);
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
