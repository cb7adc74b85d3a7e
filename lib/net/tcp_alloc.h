/* SPDX-License-Identifier: BSD-3-Clause */
/* tcp_alloc.h: a new connection object from the lcore's pool, inline. */
#ifndef LR_NET_TCP_ALLOC_H
#define LR_NET_TCP_ALLOC_H

#include <stdint.h>
#include <string.h>

#include "net/tcp_priv.h"
#include "net/tcp_steer.h"
#include "net/tcp_table.h"

/*
 * c's bytes zeroed by 16-byte stores written out inline: no call, and
 * none of memset's size dispatch, for an object whose size is known.
 */
static __rte_always_inline void
tcp_conn_zero(struct tcp_conn *c)
{
	typedef uint64_t tcp_v16 __attribute__((vector_size(16), may_alias,
						aligned(1)));
	enum { N16 = sizeof(*c) / 16, TAIL = sizeof(*c) % 16 };
	tcp_v16 *p = (tcp_v16 *)(void *)c;
	const tcp_v16 z = { 0, 0 };

#pragma GCC unroll 64
	for (unsigned int i = 0; i < N16; i++)
		p[i] = z;
	if (TAIL)
		memset((uint8_t *)c + N16 * 16, 0, TAIL);
}

/*
 * A connection object for a new 4-tuple, in state `state`, counted there
 * (tcp_conn_alloc: CLOSED, the caller sets the real one; the passive
 * open's SYN: SYN_RECEIVED at once). With the pool empty the oldest
 * TIME_WAIT connection is recycled (RFC 6191 spirit: it is the one
 * closest to expiry). NULL when every object holds a live connection.
 * tcp_conn_alloc() out of line; inline in tcp_rcv_syn.
 */
static __rte_always_inline struct tcp_conn *
tcp_conn_alloc_inline(struct lcore_ctx *ctx, uint32_t ip, uint16_t pport,
		      uint16_t lport, uint8_t lid, const uint8_t *peer6,
		      uint8_t state)
{
	struct tcp_lcore *tl = tcp_tl(ctx);
	struct tcp_conn *c, **b;

	if (!tl->free_list) {
		if (!tl->tw_head)
			return NULL;
		STAT_INC(ctx, tcp_timewait_recycled);
		tcp_conn_free(ctx, tl->tw_head);
	}
	c = tl->free_list;
	tl->free_list = c->hnext;
	tcp_conn_zero(c);
	c->peer_ip = ip;
	c->peer_port = pport;
	c->local_port = lport;
	c->lid = lid;
	if (lid & TCP_LID_V6)
		memcpy(c->peer_ip6, peer6, 16);
	c->tl = tl;
	c->state = state;
	tl->state_count[state]++;
	c->timer.fn = tcp_timer_fire; /* timer_init's other fields: 0 */
	c->delack.fn = tcp_delack_fire;
	c->hbucket = tcp_bucket_of(tl, ip, pport, lport, lid, peer6);
	b = &tl->buckets[c->hbucket];
	c->hnext = *b;
	*b = c;
	tl->in_use++;
	if (lid & TCP_LID_V6)
		STAT_INC(ctx, tcp_conns_v6);
	else
		STAT_INC(ctx, tcp_conns_v4);
	if (tl->steer)
		tcp_steer_add(tl->steer, tcp_steer_peer(tl->steer, ip, lid, peer6),
			      pport, lport, lid, ctx->idx);
	return c;
}

#endif /* LR_NET_TCP_ALLOC_H */
