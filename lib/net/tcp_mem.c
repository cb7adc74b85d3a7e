/* SPDX-License-Identifier: BSD-3-Clause */
/* tcp_mem.c: what TCP does at the lcore's memory limits (core/mem.h). */
#include <rte_mempool.h>

#include "net/tcp_priv.h"

/*
 * The actions, never "drop RX" (docs/RELIABILITY.md):
 * - out-of-order data is pruned first, highest sequence first: the
 *   connection's own mbufs above the new segment, then the biggest
 *   holder's on the lcore (tcp_ooo_make_room);
 * - a send queue that cannot grow makes tcp_send() short and
 *   tcp_send_space() small: the application stops producing and waits on
 *   the memwait list until the budget has room (tcp_mem_wake);
 * - under pressure the connections that hold the most send-queue mbufs
 *   and have drained nothing for the longest are reset
 *   (tcp_mem_reclaim), the application told through closed(ABORT);
 * - a send queue without progress for tcp.stall_timeout_ms (a quarter of
 *   it under pressure) is reset (tcp_stall_check); orphans have their own
 *   retry budget (tcp_retry_limit) and count (tcp_close).
 */

/* ---- senders waiting for budget: a FIFO through mw_next/mw_pprev ------ */

void
tcp_mem_wait(struct tcp_lcore *tl, struct tcp_conn *c)
{
	if (c->flags & TCF_MEMWAIT)
		return;
	c->flags |= TCF_MEMWAIT;
	c->mw_next = NULL;
	c->mw_pprev = tl->memwait_tail;
	*tl->memwait_tail = c;
	tl->memwait_tail = &c->mw_next;
}

void
tcp_mem_unwait(struct tcp_lcore *tl, struct tcp_conn *c)
{
	if (!(c->flags & TCF_MEMWAIT))
		return;
	c->flags &= ~TCF_MEMWAIT;
	*c->mw_pprev = c->mw_next;
	if (c->mw_next)
		c->mw_next->mw_pprev = c->mw_pprev;
	else
		tl->memwait_tail = c->mw_pprev;
	c->mw_pprev = NULL;
}

/*
 * The new send-queue mbufs c may take now: MEM_SNDQ's room, less
 * wake_bytes when other senders wait ahead of c (they are served first),
 * no more than c's send buffer space needs (one mbuf per seg_cap bytes,
 * rounded up: the caller adds the tail's room and compares with that
 * space, so the cap changes no answer), and, when those mbufs take the
 * class past half, no more than the pool holds above the RX reserve
 * (mem_pool_avail: estimated, exact near the edge). tcp_send() refuses
 * exactly past this.
 */
uint64_t
tcp_mem_sndq_units(const struct tcp_lcore *tl, const struct tcp_conn *c)
{
	struct mem_budget *mb = tl->mem;
	const struct mem_class_stat *k = &mb->cls[MEM_SNDQ];
	uint64_t room = mem_room(mb, MEM_SNDQ), units, need;

	if (tl->memwait && tl->memwait != c)
		room = room > tl->wake_bytes ? room - tl->wake_bytes : 0;
	units = room / mb->mbuf_bytes;
	need = c->snd_buf > c->sndq_len ? c->snd_buf - c->sndq_len : 0;
	need = (need + tl->seg_cap - 1) / tl->seg_cap;
	units = RTE_MIN(units, need);
	if (units && mb->pool &&
	    k->in_use + units * mb->mbuf_bytes > k->limit / 2) {
		uint64_t avail = mem_pool_avail(mb, units);

		units = RTE_MIN(units, avail > mb->rx_reserve ?
				       avail - mb->rx_reserve : 0);
	}
	return units;
}

/*
 * From tcp_flush(): once MEM_SNDQ has wake_bytes free (an eighth of the
 * class, one mbuf at least), call writable for the waiters, oldest
 * first, while the room lasts; the one called is at the head, so it may
 * take what the others leave. One that took budget left the list
 * (tcp_send); one that did not goes to the back. Each present at the
 * start is called at most once per flush. Short of room, the budget
 * reclaims first (tcp_mem_reclaim): waiters must not wait on queues that
 * never drain.
 */
void
tcp_mem_wake(struct lcore_ctx *ctx)
{
	struct tcp_lcore *tl = tcp_tl(ctx);
	struct mem_budget *mb = tl->mem;
	struct tcp_conn *c;
	uint32_t n = 0;

	if (mem_room(mb, MEM_SNDQ) < tl->wake_bytes) {
		tcp_mem_reclaim(ctx, NULL);
		if (mem_room(mb, MEM_SNDQ) < tl->wake_bytes)
			return;
	}
	for (c = tl->memwait; c; c = c->mw_next)
		n++;
	while (n-- > 0 && (c = tl->memwait) != NULL &&
	       mem_room(mb, MEM_SNDQ) >= mb->mbuf_bytes) {
		if ((c->flags & (TCF_APP | TCF_APP_CLOSED | TCF_DEAD)) != TCF_APP ||
		    !(TCPF(c->state) & TCPF_CAN_SEND) || !c->ops->writable) {
			tcp_mem_unwait(tl, c);
			continue;
		}
		STAT_INC(ctx, mem_wakeups);
		c->ops->writable(ctx, c, c->app);
		if (tl->memwait == c) {
			/* It took nothing: behind the others. */
			tcp_mem_unwait(tl, c);
			tcp_mem_wait(tl, c);
		}
	}
}

/* ---- reclaim ---------------------------------------------------------- */

/* Reset c for the budget: RST, closed(why) to the application. */
static void
tcp_mem_abort(struct lcore_ctx *ctx, struct tcp_conn *c,
	      enum tcp_close_reason why)
{
	if (TCPF(c->state) & (TCPF_OUTPUT | TCPF(TCP_SYN_RECEIVED)))
		tcp_send_rst(ctx, c);
	tcp_app_closed(ctx, c, why);
	if (!(c->flags & TCF_DEAD))
		tcp_conn_free(ctx, c);
}

/*
 * MEM_SNDQ is short (a refusal): while at least 7/8 of it is in use,
 * reset the holder with the highest (send-queue mbufs x time without
 * progress) among those idle for at least tcp.stall_timeout_ms / 8 (a
 * queue that drains is never a victim, however big), never except (the
 * connection inside tcp_send) nor the one inside tcp_input. One scan of
 * the holders per millisecond at most.
 */
#define TCP_RECLAIM_EVERY_US 1000
void
tcp_mem_reclaim(struct lcore_ctx *ctx, struct tcp_conn *except)
{
	struct tcp_lcore *tl = tcp_tl(ctx);
	uint64_t now = ctx->now_us, min_idle = tl->stall_us / 8;

	if (tl->reclaim_at && now - tl->reclaim_at < TCP_RECLAIM_EVERY_US)
		return;
	tl->reclaim_at = now;
	while (mem_pressure(tl->mem, MEM_SNDQ)) {
		struct tcp_conn *c, *victim = NULL;
		uint64_t best = 0;

		for (c = tl->holders; c; c = c->hold_next) {
			uint64_t idle = now - c->progress_us, score;

			if (c == except || c == tl->busy || c->nsndq == 0 ||
			    idle < min_idle)
				continue;
			score = (uint64_t)c->nsndq * (idle / 1000 + 1);
			if (score > best) {
				best = score;
				victim = c;
			}
		}
		if (!victim)
			break;
		STAT_INC(ctx, mem_pressure_aborts);
		mem_prune(tl->mem, MEM_SNDQ, 1);
		tcp_mem_abort(ctx, victim, TCP_CLOSE_ABORT);
	}
}

/* The holder other than c with the most out-of-order mbufs. */
static struct tcp_conn *
tcp_ooo_victim(struct tcp_lcore *tl, const struct tcp_conn *c)
{
	struct tcp_conn *v, *best = NULL;

	for (v = tl->holders; v; v = v->hold_next)
		if (v != c && v->nooo && (!best || v->nooo > best->nooo))
			best = v;
	return best;
}

static uint32_t
tcp_ooo_last_seq(struct tcp_conn *c)
{
	struct rte_mbuf *m = c->ooo;

	while (tcp_meta(m)->next)
		m = tcp_meta(m)->next;
	return tcp_meta(m)->seq;
}

/*
 * MEM_OOO refused a segment at seq for c: prune, then charge one mbuf.
 * First c's own mbufs above seq, highest first; then, the class being
 * full across the lcore, the biggest other holder's highest mbufs, in a
 * batch of an eighth of the class (one mbuf at least) so that the next
 * segments find room without a scan each. true when the mbuf is charged.
 */
bool
tcp_ooo_make_room(struct lcore_ctx *ctx, struct tcp_conn *c, uint32_t seq)
{
	struct tcp_lcore *tl = tcp_tl(ctx);
	struct mem_budget *mb = tl->mem;
	uint64_t goal = RTE_MAX(mb->cls[MEM_OOO].limit / 8,
				(uint64_t)mb->mbuf_bytes), freed = 0;

	while (c->ooo && SEQ_GT(tcp_ooo_last_seq(c), seq) &&
	       mem_room(mb, MEM_OOO) < mb->mbuf_bytes)
		tcp_ooo_prune_one(ctx, c);
	while (mem_room(mb, MEM_OOO) < mb->mbuf_bytes && freed < goal) {
		struct tcp_conn *v = tcp_ooo_victim(tl, c);

		if (!v)
			break;
		while (v->ooo && freed < goal) {
			tcp_ooo_prune_one(ctx, v);
			freed += mb->mbuf_bytes;
		}
	}
	return mem_charge_mbuf(mb, MEM_OOO);
}

/* ---- every state that holds memory ends ------------------------------- */

/*
 * From the RTO and persist timers and tcp_output(): c's send queue has
 * not released an mbuf to ACKs for tcp.stall_timeout_ms (a quarter of it
 * while MEM_SNDQ is under pressure): a peer that keeps a zero window
 * while answering probes, takes a byte at a time, or acknowledges
 * nothing. Reset it; true when c is gone.
 */
bool
tcp_stall_check(struct lcore_ctx *ctx, struct tcp_conn *c)
{
	struct tcp_lcore *tl = tcp_tl(ctx);
	uint64_t limit = tl->stall_us;

	if (c->sndq_len == 0)
		return false; /* a FIN alone: tcp.orphan_retries bound it */
	if (mem_pressure(tl->mem, MEM_SNDQ))
		limit /= 4;
	if (ctx->now_us - c->progress_us < limit)
		return false;
	STAT_INC(ctx, mem_stall_aborts);
	tcp_mem_abort(ctx, c, TCP_CLOSE_TIMEOUT);
	return true;
}

/* Retransmissions or unanswered probes allowed: tcp.max_retries, and at
 * most tcp.orphan_retries once we closed with something unacknowledged. */
uint32_t
tcp_retry_limit(const struct tcp_lcore *tl, const struct tcp_conn *c)
{
	if (TCPF(c->state) & TCPF_ORPHAN)
		return tcp_min(tl->max_retries, tl->orphan_retries);
	return tl->max_retries;
}
