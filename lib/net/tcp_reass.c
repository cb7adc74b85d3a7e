/* SPDX-License-Identifier: BSD-3-Clause */
/* tcp_reass.c: in-order delivery, the bounded reassembly queue, the FIN. */
#include "net/tcp_priv.h"

/*
 * Out-of-order segments keep their own mbuf (no copy), trimmed to the
 * bytes not held elsewhere, sorted by sequence and never overlapping,
 * linked through tcp_mbuf_meta, at most tcp.ooo_segs per connection.
 * Each held mbuf is charged whole to the lcore's MEM_OOO budget; at its
 * limit the highest-sequence mbufs are pruned (tcp_ooo_make_room), as
 * Linux's tcp_prune_ofo_queue: they are the furthest from being
 * delivered, and the peer sends them again.
 */

static inline uint32_t
tcp_ooo_seq(struct rte_mbuf *m)
{
	return tcp_meta(m)->seq;
}

static inline uint32_t
tcp_ooo_end(struct rte_mbuf *m)
{
	return tcp_meta(m)->seq + m->data_len;
}

void
tcp_ooo_free(struct lcore_ctx *ctx, struct tcp_conn *c)
{
	struct rte_mbuf *m = c->ooo;

	mem_release(&ctx->mem, MEM_OOO, (uint64_t)c->nooo * ctx->mem.mbuf_bytes);

	while (m) {
		struct rte_mbuf *next = tcp_meta(m)->next;

		rte_pktmbuf_free(m);
		m = next;
	}
	c->ooo = NULL;
	c->nooo = 0;
	tcp_unhold(c, false);
}

bool
tcp_ooo_prune_one(struct lcore_ctx *ctx, struct tcp_conn *c)
{
	struct rte_mbuf **pp = &c->ooo, *m;

	if (!c->ooo)
		return false;
	while (tcp_meta(*pp)->next)
		pp = &tcp_meta(*pp)->next;
	m = *pp;
	*pp = NULL;
	rte_pktmbuf_free(m);
	c->nooo--;
	mem_release_mbuf(&ctx->mem, MEM_OOO);
	mem_prune(&ctx->mem, MEM_OOO, 1);
	STAT_INC(ctx, mem_ooo_pruned);
	tcp_unhold(c, false);
	return true;
}

/* The application left a tail (tcp_recv_leave): not received, not
 * acknowledged. (Also the fast path's, tcp_fast.h.) */
void __rte_noinline
tcp_rcv_unread(struct lcore_ctx *ctx, struct tcp_conn *c)
{
	c->rcv_nxt -= c->rcv_left;
	c->rcv_unacked -= tcp_min(c->rcv_unacked, c->rcv_left);
	c->rcv_left = 0;
	c->flags |= TCF_ACK_NOW;
	tcp_schedule(ctx, c);
}

/* Bytes for the application, exactly once each. After tcp_close() the
 * application reads nothing more: the bytes are acknowledged and
 * dropped (a lingering close: answers already sent are not reset). */
static __rte_always_inline bool
tcp_deliver(struct lcore_ctx *ctx, struct tcp_conn *c, const uint8_t *data,
	    uint32_t len)
{
	c->rcv_nxt += len;
	c->rcv_unacked += len;
	if (likely((c->flags & (TCF_APP | TCF_APP_CLOSED)) == TCF_APP))
		c->ops->recv(ctx, c, c->app, data, len);
	else
		STAT_INC(ctx, tcp_rcv_after_close);
	if (likely(!c->rcv_left))
		return true;
	tcp_rcv_unread(ctx, c);
	return false;
}

void
tcp_recv_leave(struct tcp_conn *c, uint32_t n)
{
	c->rcv_left = n;
}

void
tcp_rcv_room(struct lcore_ctx *ctx, struct tcp_conn *c, uint32_t room)
{
	uint32_t old_edge, edge;

	if (room == TCP_RCV_ANY) {
		if (!(c->flags & TCF_RCV_LIM))
			return;
		old_edge = c->rcv_adv;
		c->flags &= ~TCF_RCV_LIM;
		edge = c->rcv_nxt + c->rcv_wnd;
	} else {
		if (!(c->flags & TCF_RCV_LIM)) {
			/* What the last ACK announced (the window was
			 * constant until now). */
			c->rcv_adv = c->last_ack_sent + c->rcv_wnd;
			c->flags |= TCF_RCV_LIM;
		}
		old_edge = c->rcv_adv;
		c->rcv_lim = c->rcv_nxt + tcp_min(room, c->rcv_wnd);
		edge = c->rcv_lim;
	}
	/* §3.8.6.2.2: tell the peer once the window opened enough (as in
	 * tcp_rcv_win_lim). */
	if (SEQ_GT(edge, old_edge) &&
	    edge - old_edge >= tcp_min(tcp_min(c->rcv_wnd / 2, c->rcv_mss),
				       (edge - c->rcv_nxt) / 2) &&
	    (TCPF(c->state) & TCPF_RCV_DATA)) {
		c->flags |= TCF_ACK_NOW;
		tcp_schedule(ctx, c);
	}
}

/* Hold [seq, seq+len) (+FIN) of m above a gap. true when m was kept. */
static bool
tcp_ooo_insert(struct lcore_ctx *ctx, struct tcp_conn *c, struct rte_mbuf *m,
	       uint32_t seq, const uint8_t *data, uint32_t len, bool fin)
{
	const struct tcp_lcore *tl = tcp_tl(ctx);
	struct rte_mbuf **pp = &c->ooo, *q;
	uint32_t end = seq + len;

	while ((q = *pp) != NULL && SEQ_LEQ(tcp_ooo_end(q), seq))
		pp = &tcp_meta(q)->next;
	if (q && SEQ_LEQ(tcp_ooo_seq(q), seq)) {
		if (SEQ_GEQ(tcp_ooo_end(q), end)) {
			/* Nothing new: a duplicate of what is held. */
			if (fin && tcp_ooo_end(q) == end)
				tcp_meta(q)->fin = 1;
			STAT_INC(ctx, tcp_dup_segs);
			tcp_sack_rcv_dup(c, seq, end);
			return false;
		}
		if (SEQ_LT(tcp_ooo_seq(q), seq)) {
			uint32_t d = tcp_ooo_end(q) - seq;

			STAT_INC(ctx, tcp_rcv_overlap);
			data += d;
			len -= d;
			seq += d;
			pp = &tcp_meta(q)->next;
		}
	}
	/* Held segments this one covers are replaced by it. */
	while ((q = *pp) != NULL && SEQ_LEQ(tcp_ooo_end(q), end)) {
		if (tcp_meta(q)->fin && tcp_ooo_end(q) == end)
			fin = true;
		*pp = tcp_meta(q)->next;
		rte_pktmbuf_free(q);
		c->nooo--;
		mem_release_mbuf(&ctx->mem, MEM_OOO);
		STAT_INC(ctx, tcp_rcv_overlap);
	}
	/* One starting inside this one keeps its bytes: trim ours. */
	if (q && SEQ_LT(tcp_ooo_seq(q), end)) {
		STAT_INC(ctx, tcp_rcv_overlap);
		len = tcp_ooo_seq(q) - seq;
		fin = false;
	}
	if (len == 0 && !fin)
		return false;
	if (c->nooo >= tl->ooo_max ||
	    (unlikely(!mem_charge_mbuf(&ctx->mem, MEM_OOO)) &&
	     !tcp_ooo_make_room(ctx, c, seq))) {
		STAT_INC(ctx, tcp_ooo_drop);
		if (!c->ooo)
			tcp_unhold(c, false);
		return false;
	}
	rte_pktmbuf_adj(m, (uint16_t)(data - rte_pktmbuf_mtod(m, const uint8_t *)));
	rte_pktmbuf_trim(m, (uint16_t)(m->data_len - len));
	tcp_meta(m)->seq = seq;
	tcp_meta(m)->fin = fin;
	tcp_meta(m)->next = *pp;
	*pp = m;
	c->nooo++;
	tcp_hold(tcp_tl(ctx), c);
	STAT_INC(ctx, tcp_ooo_segs);
	return true;
}

/* Deliver what the held segments now continue. true when the peer's FIN
 * was reached. */
static bool
tcp_ooo_drain(struct lcore_ctx *ctx, struct tcp_conn *c)
{
	struct rte_mbuf *m;

	while ((m = c->ooo) != NULL && SEQ_LEQ(tcp_ooo_seq(m), c->rcv_nxt)) {
		uint32_t seq = tcp_ooo_seq(m), end = tcp_ooo_end(m);
		bool fin = tcp_meta(m)->fin;

		bool taken = true;

		c->ooo = tcp_meta(m)->next;
		c->nooo--;
		mem_release_mbuf(&ctx->mem, MEM_OOO);
		if (SEQ_GT(end, c->rcv_nxt))
			taken = tcp_deliver(ctx, c,
				    rte_pktmbuf_mtod_offset(m, const uint8_t *,
							    c->rcv_nxt - seq),
				    end - c->rcv_nxt);
		rte_pktmbuf_free(m);
		if (c->flags & TCF_DEAD)
			return false;
		if (!taken)
			break; /* the peer sends the rest again */
		if (fin && end == c->rcv_nxt)
			return true;
	}
	tcp_unhold(c, false);
	return false;
}

/* RFC 9293 §3.10.7.4 eighth: the peer's FIN, in order. */
static void
tcp_rcv_fin(struct lcore_ctx *ctx, struct tcp_conn *c)
{
	struct tcp_lcore *tl = tcp_tl(ctx);

	c->rcv_nxt++;
	tcp_ooo_free(ctx, c); /* nothing follows a FIN */
	c->flags |= TCF_ACK_NOW;
	tcp_schedule(ctx, c);
	switch (c->state) {
	case TCP_ESTABLISHED:
		tcp_set_state(tl, c, TCP_CLOSE_WAIT);
		if ((c->flags & (TCF_APP | TCF_APP_CLOSED)) == TCF_APP &&
		    c->ops->peer_fin)
			c->ops->peer_fin(ctx, c, c->app);
		break;
	case TCP_FIN_WAIT_1:
		/* Our FIN is not acknowledged (the ACK field was processed
		 * first), so both are closing at once. */
		tcp_set_state(tl, c, TCP_CLOSING);
		break;
	case TCP_FIN_WAIT_2:
		tcp_time_wait(ctx, c);
		break;
	}
}

/*
 * Text and FIN of an acceptable segment (§3.10.7.4 seventh and eighth),
 * in ESTABLISHED, FIN_WAIT_1 or FIN_WAIT_2. Duplicate bytes are trimmed,
 * bytes past the window dropped; a gap holds the segment and answers
 * with an immediate duplicate ACK (RFC 5681 §4.2); in-order bytes go to
 * the application, then whatever the held segments continue. The ACK
 * is delayed (tcp.delack_ms) unless two full segments are unacknowledged
 * (RFC 9293 §3.8.6.3), a gap was filled or the FIN arrived; a response
 * sent before the flush carries it. Returns true when m was kept.
 */
bool
tcp_rcv_data(struct lcore_ctx *ctx, struct tcp_conn *c, struct rte_mbuf *m,
	     const struct tcp_seg *s)
{
	const struct tcp_lcore *tl = tcp_tl(ctx);
	uint32_t seq = s->seq, len = s->len, wend = tcp_rcv_edge(c);
	const uint8_t *data = s->data;
	bool fin = s->flags & RTE_TCP_FIN_FLAG, gap;

	if (SEQ_LT(seq, c->rcv_nxt)) {
		uint32_t d = tcp_min(c->rcv_nxt - seq, len);

		STAT_INC(ctx, tcp_rcv_overlap);
		tcp_sack_rcv_dup(c, seq, seq + d);
		data += d;
		len -= d;
		seq += d;
	}
	if (SEQ_GT(seq + len, wend)) {
		STAT_INC(ctx, tcp_rcv_past_window);
		len = SEQ_GT(wend, seq) ? wend - seq : 0;
		fin = false;
		/* A probe of a closed window is answered at once. */
		c->flags |= TCF_ACK_NOW;
	}
	if (seq != c->rcv_nxt) {
		bool kept = (len || fin) &&
			    tcp_ooo_insert(ctx, c, m, seq, data, len, fin);

		tcp_sack_rcv_ooo(c, seq); /* RFC 2018 §4: its block first */
		c->flags |= TCF_ACK_NOW;
		tcp_schedule(ctx, c);
		return kept;
	}
	gap = c->ooo != NULL;
	if (len) {
		bool taken = tcp_deliver(ctx, c, data, len);

		if (c->flags & TCF_DEAD)
			return false;
		if (unlikely(!taken)) {
			tcp_unhold(c, false);
			return false; /* FIN and held data wait for the rest */
		}
	}
	if (gap && !fin) {
		fin = tcp_ooo_drain(ctx, c);
		if (c->flags & TCF_DEAD)
			return false;
	}
	if (fin) {
		tcp_rcv_fin(ctx, c);
		return false;
	}
	if (gap || c->rcv_unacked >= 2u * (c->rcv_mss - ((c->flags & TCF_TS) ?
					TCP_TS_OPTLEN : 0)) ||
	    tl->delack_us == 0) {
		c->flags |= TCF_ACK_NOW;
		tcp_schedule(ctx, c);
	} else {
		/* tcp_output() arms the delayed ACK if no response
		 * carries the ACK first. */
		tcp_schedule(ctx, c);
	}
	return false;
}
