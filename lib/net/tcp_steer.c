/* SPDX-License-Identifier: BSD-3-Clause */
/* tcp_steer.c: connection owner directory and cross-lcore hand-off. */
#include <errno.h>
#include <stdio.h>

#include <rte_errno.h>
#include <rte_jhash.h>
#include <rte_malloc.h>
#include <rte_mbuf_dyn.h>
#include <rte_ring.h>

#include "net/eth.h"
#include "net/tcp_priv.h"
#include "net/tcp_steer.h"

#define STEER_EMPTY 0ULL
#define STEER_TOMB UINT64_MAX
#define STEER_NO_OWNER UINT32_MAX
#define STEER_RING 2048
#define STEER_MAX_LCORES 128

struct tcp_steer_slot {
	uint64_t key;   /* 4-tuple, EMPTY or TOMB */
	uint32_t owner; /* STEER_NO_OWNER while being written or removed */
	uint32_t pad;
};

struct tcp_steer {
	uint64_t mask;
	unsigned int nb;
	uint64_t handoff_flag; /* dynamic mbuf flag: "already handed off" */
	struct rte_ring *ring[STEER_MAX_LCORES];
	struct tcp_steer_slot *slots;
};

static inline uint64_t
steer_key(uint32_t ip, uint16_t pport, uint16_t lport)
{
	/* Never EMPTY or TOMB: a peer address is never 0 nor all-ones. */
	return (uint64_t)ip << 32 | (uint32_t)pport << 16 | lport;
}

static inline uint64_t
steer_hash(const struct tcp_steer *st, uint64_t key)
{
	return rte_jhash_2words((uint32_t)key, (uint32_t)(key >> 32), 0x5eed) &
	       st->mask;
}

struct tcp_steer *
tcp_steer_create(unsigned int nb_lcores, uint32_t max_conns, int socket)
{
	static const struct rte_mbuf_dynflag flag = { .name = "linerate_handoff" };
	struct tcp_steer *st;
	uint64_t n = rte_align64pow2(2ULL * max_conns * nb_lcores);
	int bit;

	if (nb_lcores == 0 || nb_lcores > STEER_MAX_LCORES) {
		rte_errno = EINVAL;
		return NULL;
	}
	bit = rte_mbuf_dynflag_register(&flag);
	if (bit < 0)
		return NULL;
	st = rte_zmalloc_socket("tcp_steer", sizeof(*st), RTE_CACHE_LINE_SIZE,
				socket);
	if (!st)
		return NULL;
	st->nb = nb_lcores;
	st->mask = n - 1;
	st->handoff_flag = 1ULL << bit;
	st->slots = rte_zmalloc_socket("tcp_steer_dir", n * sizeof(st->slots[0]),
				       RTE_CACHE_LINE_SIZE, socket);
	if (!st->slots)
		goto fail;
	for (unsigned int i = 0; i < nb_lcores; i++) {
		char name[RTE_RING_NAMESIZE];

		snprintf(name, sizeof(name), "lr_handoff_%u", i);
		st->ring[i] = rte_ring_create(name, STEER_RING, socket,
					      RING_F_SC_DEQ);
		if (!st->ring[i])
			goto fail;
	}
	return st;
fail:
	tcp_steer_free(st);
	return NULL;
}

void
tcp_steer_free(struct tcp_steer *st)
{
	if (!st)
		return;
	for (unsigned int i = 0; i < st->nb; i++) {
		struct rte_mbuf *m;

		while (st->ring[i] && rte_ring_dequeue(st->ring[i], (void **)&m) == 0)
			rte_pktmbuf_free(m);
		rte_ring_free(st->ring[i]);
	}
	rte_free(st->slots);
	rte_free(st);
}

void
tcp_steer_attach(struct lcore_ctx *ctx, struct tcp_steer *st)
{
	tcp_tl(ctx)->steer = st;
}

int
tcp_steer_add(struct tcp_steer *st, uint32_t ip, uint16_t pport,
	      uint16_t lport, unsigned int owner)
{
	uint64_t key = steer_key(ip, pport, lport), h = steer_hash(st, key);

	for (uint64_t i = 0; i <= st->mask; i++) {
		struct tcp_steer_slot *s = &st->slots[(h + i) & st->mask];
		uint64_t cur = __atomic_load_n(&s->key, __ATOMIC_ACQUIRE);

		if (cur != STEER_EMPTY && cur != STEER_TOMB)
			continue;
		if (!__atomic_compare_exchange_n(&s->key, &cur, key, false,
						 __ATOMIC_ACQ_REL,
						 __ATOMIC_ACQUIRE))
			continue;
		__atomic_store_n(&s->owner, owner, __ATOMIC_RELEASE);
		return 0;
	}
	return -ENOSPC;
}

void
tcp_steer_del(struct tcp_steer *st, uint32_t ip, uint16_t pport,
	      uint16_t lport, unsigned int owner)
{
	uint64_t key = steer_key(ip, pport, lport), h = steer_hash(st, key);

	for (uint64_t i = 0; i <= st->mask; i++) {
		struct tcp_steer_slot *s = &st->slots[(h + i) & st->mask];
		uint64_t cur = __atomic_load_n(&s->key, __ATOMIC_ACQUIRE);

		if (cur == STEER_EMPTY)
			return;
		if (cur != key ||
		    __atomic_load_n(&s->owner, __ATOMIC_ACQUIRE) != owner)
			continue;
		__atomic_store_n(&s->owner, STEER_NO_OWNER, __ATOMIC_RELEASE);
		__atomic_store_n(&s->key, STEER_TOMB, __ATOMIC_RELEASE);
		return;
	}
}

int
tcp_steer_owner(const struct tcp_steer *st, uint32_t ip, uint16_t pport,
		uint16_t lport)
{
	uint64_t key = steer_key(ip, pport, lport), h = steer_hash(st, key);

	for (uint64_t i = 0; i <= st->mask; i++) {
		const struct tcp_steer_slot *s = &st->slots[(h + i) & st->mask];
		uint64_t cur = __atomic_load_n(&s->key, __ATOMIC_ACQUIRE);
		uint32_t o;

		if (cur == STEER_EMPTY)
			return -1;
		if (cur != key)
			continue;
		o = __atomic_load_n(&s->owner, __ATOMIC_ACQUIRE);
		return o == STEER_NO_OWNER ? -1 : (int)o;
	}
	return -1;
}

int
tcp_steer_handoff(struct lcore_ctx *ctx, struct rte_mbuf *m, uint16_t hdr_len,
		  uint32_t ip, uint16_t pport, uint16_t lport)
{
	struct tcp_steer *st = tcp_tl(ctx)->steer;
	int owner;

	if (!st || (m->ol_flags & st->handoff_flag))
		return 0;
	owner = tcp_steer_owner(st, ip, pport, lport);
	if (owner < 0 || (unsigned int)owner == ctx->idx ||
	    (unsigned int)owner >= st->nb)
		return 0;
	rte_pktmbuf_prepend(m, hdr_len);
	m->ol_flags |= st->handoff_flag;
	if (rte_ring_enqueue(st->ring[owner], m) < 0) {
		STAT_INC(ctx, rx_handoff_drop);
		rte_pktmbuf_free(m);
		return 1;
	}
	STAT_INC(ctx, rx_handoff);
	return 1;
}

void
tcp_steer_drain(struct lcore_ctx *ctx)
{
	struct tcp_steer *st = tcp_tl(ctx)->steer;
	struct rte_mbuf *m[32];
	unsigned int n;

	if (!st)
		return;
	n = rte_ring_dequeue_burst(st->ring[ctx->idx], (void **)m, 32, NULL);
	for (unsigned int i = 0; i < n; i++)
		eth_input(ctx, m[i]);
}
