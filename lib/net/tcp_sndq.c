/* SPDX-License-Identifier: BSD-3-Clause */
/* tcp_sndq.c: the send queue: what the application writes (tcp_send,
 * tcp_send_reserve), its room and what acknowledgements free. */
#include <errno.h>
#include <stddef.h>
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

	if (!tcp_can_queue(c, 0))
		return 0;
	/* The queue never holds more than snd_buf (c's for its life, at
	 * most 2^30 - 1): tcp_send takes at most the difference and
	 * tcp_send_reserve refuses past it, so no underflow. */
	RTE_ASSERT(c->sndq_len <= c->snd_buf);
	space = c->snd_buf - c->sndq_len;
	if (unlikely(tl->mem->cls[MEM_SNDQ].in_use > tl->sndq_fast ||
		     tl->memwait != NULL))
		space = tcp_send_space_mem(tl, c, space);
	return space;
}

_Static_assert(offsetof(struct tcp_conn, state) == TCP_CONN_O_STATE &&
		       offsetof(struct tcp_conn, flags) ==
			       TCP_CONN_O_STATE + 4 &&
		       offsetof(struct tcp_conn, sndq_len) ==
			       TCP_CONN_O_SNDQ_LEN &&
		       offsetof(struct tcp_conn, snd_buf) ==
			       TCP_CONN_O_SNDQ_LEN + 4 &&
		       sizeof(((struct tcp_conn *)0)->flags) == 4 &&
		       TCP_CONN_NOSEND == (TCF_APP_CLOSED | TCF_DEAD),
	       "tcp_send_room_fast() (tcp.h) reads these words of a connection");

uint64_t
tcp_send_room_bound(const struct lcore_ctx *ctx)
{
	return ctx->tcp ? tcp_tl(ctx)->sndq_fast : 0;
}

/* The ACK paths' writable call on or off for c (tcp_ack_writable). */
void
tcp_want_writable(struct tcp_conn *c, bool want)
{
	if (want)
		c->flags |= TCF_WR_WANT;
	else
		c->flags &= ~TCF_WR_WANT;
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
		struct tcp_conn *of = tl->spare_of;

		m = tl->spare;
		tl->spare = NULL;
		tl->spare_of = NULL;
		ctx->mem.held--;
		mem_release_mbuf(&ctx->mem, MEM_SNDQ); /* the spare's own */
		if (likely(of == c)) {
			if ((c->flags & TCF_TS) &&
			    m->data_off == TCP_SNDQ_DOFF - TCP_FIRST_HDR4_TS)
				known |= TCP_SUM_HDR;
		} else {
			tcp_unhold(of, false);
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

/* tcp_send_reserve's first case: c's own spare m, with the MEM_SNDQ
 * charge it kept (tcp_sndq_pop_keep), into c's empty queue (c still
 * held: spare_of). */
static __rte_always_inline void *
tcp_send_reserve_own(struct lcore_ctx *ctx, struct tcp_lcore *tl,
		     struct tcp_conn *c, struct rte_mbuf *m, uint32_t len,
		     uint16_t sum)
{
	uint32_t known = TCP_SUM_KNOWN;

	RTE_ASSERT(m == tl->spare && tl->spare_of == c &&
		   c->hold_pprev != NULL && c->sndq_head == NULL &&
		   c->sndq_tail == NULL && c->nsndq == 0 && c->sndq_len == 0);
	tl->spare = NULL;
	tl->spare_of = NULL;
	ctx->mem.held--;
	if ((c->flags & TCF_TS) &&
	    m->data_off == TCP_SNDQ_DOFF - TCP_FIRST_HDR4_TS)
		known |= TCP_SUM_HDR;
	tcp_spare_reset(m, len);
	tcp_meta(m)->fin = 0; /* next: NULL already (tcp_spare_keep) */
	tcp_meta(m)->sum = known | sum;
	c->sndq_head = m; /* held already */
	/* progress_us: an empty queue holds no bytes, so it is now, as
	 * tcp_sndq_append stamps it; the ACK that made m the spare stamped
	 * it so in this same segment's processing (tcp_fast_pop_one,
	 * tcp_sndq_unlink_held), and now_us changes only between polls */
	RTE_ASSERT(c->progress_us == ctx->now_us);
	c->sndq_tail = m;
	c->nsndq = 1;
	c->sndq_len = len;
	tcp_schedule_inline(tl, c);
	return tcp_mdata(m);
}

/*
 * The keep-alive answer's case first, with no call: an empty queue, c's
 * own spare (its last answer, acknowledged by the segment that carries
 * this request: c is still on the holders list, tcp_sndq_pop_keep),
 * which kept its MEM_SNDQ charge: no charge, no budget check (the send
 * side holds no more memory than it did). Anything else,
 * tcp_send_reserve_rest: the same mbuf, queue and counters either way
 * (test_tcp_reserve).
 */
void *
tcp_send_reserve(struct lcore_ctx *ctx, struct tcp_conn *c, uint32_t len,
		 uint16_t sum)
{
	struct tcp_lcore *tl = tcp_tl(ctx);
	struct rte_mbuf *m;

	/* Only where tcp_send would start a fresh mbuf anyway, so that
	 * what the queue holds per byte stays as tcp_send makes it. len
	 * 0, or more than an mbuf holds, or an mbuf that holds less than
	 * TCP_RESERVE_ROOM (reserve_cap 0): one unsigned compare. */
	if (unlikely(!tcp_can_queue(c, TCF_MEMWAIT) ||
		     len - 1 >= tl->reserve_cap ||
		     c->snd_buf < c->sndq_len + len || tl->memwait != NULL))
		return NULL;
	/* spare_of is NULL without a spare: c's own spare in one test */
	if (unlikely(tl->spare_of != c || c->sndq_tail != NULL))
		return tcp_send_reserve_rest(ctx, c, len, sum);
	m = tl->spare;
	RTE_ASSERT(m != NULL);
	return tcp_send_reserve_own(ctx, tl, c, m, len, sum);
}
