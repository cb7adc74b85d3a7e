/* SPDX-License-Identifier: BSD-3-Clause */
/* tcp_steer.c: connection owner directory and cross-lcore hand-off. */
#include <errno.h>
#include <stdio.h>
#include <sys/random.h>

#include <rte_errno.h>
#include <rte_jhash.h>
#include <rte_malloc.h>
#include <rte_mbuf_dyn.h>
#include <rte_pause.h>
#include <rte_random.h>
#include <rte_ring.h>
#include <rte_spinlock.h>

#include "net/eth.h"
#include "net/tcp_priv.h"
#include "net/tcp_steer.h"

#define STEER_EMPTY 0ULL
#define STEER_RING 2048
#define STEER_MAX_LCORES 128
/* A reader that keeps meeting deletions gives up (answers "unknown")
 * rather than spin without end. */
#define STEER_READ_TRIES 1024

/*
 * Linear probing with backward-shift deletion (Knuth 6.4, algorithm R):
 * a deletion moves the entries after the hole back towards their home
 * slot instead of leaving a tombstone, so the table never fills with
 * dead slots and a miss ends at the first empty slot, however many
 * connections came and went. Writers (connection open and close, on
 * any lcore) take wlock; readers (a local miss) take no lock: a
 * deletion makes seq odd while it moves entries, and a reader that saw
 * seq change probes again.
 */
struct tcp_steer_slot {
	uint64_t key;   /* peer, peer port, local port; or EMPTY */
	uint32_t owner;
	uint32_t lid;   /* the local address id (TCP_LID_*): part of the key */
};

struct tcp_steer {
	uint64_t mask;
	unsigned int nb;
	uint64_t handoff_flag; /* dynamic mbuf flag: "already handed off" */
	uint32_t seed[2];      /* secret: keys the slot hash */
	struct rte_ring *ring[STEER_MAX_LCORES];
	struct tcp_steer_slot *slots;
	/* written under wlock, read by any lcore */
	uint32_t seq;      /* odd while a deletion shifts entries */
	uint32_t max_disp; /* no entry sits further than this from home */
	uint64_t entries;
	uint64_t shifts;   /* entries moved back by deletions */
	rte_spinlock_t wlock;
};

static inline uint64_t
steer_key(uint32_t ip, uint16_t pport, uint16_t lport)
{
	/* Never EMPTY: a peer address is never 0. */
	return (uint64_t)ip << 32 | (uint32_t)pport << 16 | lport;
}

static inline uint64_t
steer_hash(const struct tcp_steer *st, uint64_t key, uint32_t lid)
{
	return rte_jhash_3words((uint32_t)key, (uint32_t)(key >> 32),
				st->seed[1] ^ lid, st->seed[0]) & st->mask;
}

uint32_t
tcp_steer_peer6(const struct tcp_steer *st, const uint8_t *addr)
{
	uint32_t h = rte_jhash(addr, 16, st->seed[0] ^ 0x6a09e667u) ^
		     st->seed[1];

	return h ? h : 1;
}

uint32_t
tcp_steer_peer(const struct tcp_steer *st, uint32_t ip, uint8_t lid,
	       const uint8_t *peer6)
{
	return (lid & TCP_LID_V6) ? tcp_steer_peer6(st, peer6) : ip;
}

/* Fresh per instance and per run: peers cannot aim at one cluster. */
static void
steer_seed(struct tcp_steer *st)
{
	if (getrandom(st->seed, sizeof(st->seed), GRND_NONBLOCK) !=
	    (ssize_t)sizeof(st->seed)) {
		uint64_t r = rte_rand();

		st->seed[0] = (uint32_t)r;
		st->seed[1] = (uint32_t)(r >> 32);
	}
}

struct tcp_steer *
tcp_steer_create(unsigned int nb_lcores, uint32_t max_conns, int socket)
{
	static const struct rte_mbuf_dynflag flag = { .name = "linerate_handoff" };
	static uint32_t instances;
	uint32_t inst = __atomic_fetch_add(&instances, 1, __ATOMIC_RELAXED);
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
	rte_spinlock_init(&st->wlock);
	steer_seed(st);
	st->slots = rte_zmalloc_socket("tcp_steer_dir", n * sizeof(st->slots[0]),
				       RTE_CACHE_LINE_SIZE, socket);
	if (!st->slots)
		goto fail;
	for (unsigned int i = 0; i < nb_lcores; i++) {
		char name[RTE_RING_NAMESIZE];

		snprintf(name, sizeof(name), "lr_handoff_%u_%u", inst, i);
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
	      uint16_t lport, uint8_t lid, unsigned int owner)
{
	uint64_t key = steer_key(ip, pport, lport), h = steer_hash(st, key, lid);
	int rc = -ENOSPC;

	rte_spinlock_lock(&st->wlock);
	for (uint64_t i = 0; i <= st->mask; i++) {
		struct tcp_steer_slot *s = &st->slots[(h + i) & st->mask];

		if (s->key != STEER_EMPTY)
			continue;
		/* Owner and lid first: a reader that sees the key sees them. */
		__atomic_store_n(&s->owner, owner, __ATOMIC_RELAXED);
		__atomic_store_n(&s->lid, lid, __ATOMIC_RELAXED);
		__atomic_store_n(&s->key, key, __ATOMIC_RELEASE);
		if (i > st->max_disp)
			__atomic_store_n(&st->max_disp, (uint32_t)i,
					 __ATOMIC_RELEASE);
		st->entries++;
		rc = 0;
		break;
	}
	rte_spinlock_unlock(&st->wlock);
	return rc;
}

/* Empty slot i and pull back the entries of its cluster that may live
 * there (those whose home is not cyclically within (i, j]). wlock held,
 * seq odd. */
static void
steer_shift_back(struct tcp_steer *st, uint64_t i)
{
	for (uint64_t j = (i + 1) & st->mask;; j = (j + 1) & st->mask) {
		struct tcp_steer_slot *s = &st->slots[j];
		uint64_t home;

		if (s->key == STEER_EMPTY)
			break;
		home = steer_hash(st, s->key, s->lid);
		if (((j - home) & st->mask) < ((j - i) & st->mask))
			continue; /* home lies after the hole: stays */
		__atomic_store_n(&st->slots[i].owner, s->owner,
				 __ATOMIC_RELAXED);
		__atomic_store_n(&st->slots[i].lid, s->lid, __ATOMIC_RELAXED);
		__atomic_store_n(&st->slots[i].key, s->key, __ATOMIC_RELEASE);
		st->shifts++;
		i = j;
	}
	__atomic_store_n(&st->slots[i].key, STEER_EMPTY, __ATOMIC_RELEASE);
}

void
tcp_steer_del(struct tcp_steer *st, uint32_t ip, uint16_t pport,
	      uint16_t lport, uint8_t lid, unsigned int owner)
{
	uint64_t key = steer_key(ip, pport, lport), h = steer_hash(st, key, lid);

	rte_spinlock_lock(&st->wlock);
	for (uint64_t i = 0; i <= st->max_disp; i++) {
		uint64_t at = (h + i) & st->mask;
		const struct tcp_steer_slot *s = &st->slots[at];

		if (s->key == STEER_EMPTY)
			break;
		if (s->key != key || s->lid != lid || s->owner != owner)
			continue;
		__atomic_store_n(&st->seq, st->seq + 1, __ATOMIC_RELAXED);
		rte_atomic_thread_fence(__ATOMIC_RELEASE);
		steer_shift_back(st, at);
		__atomic_store_n(&st->seq, st->seq + 1, __ATOMIC_RELEASE);
		if (--st->entries == 0)
			__atomic_store_n(&st->max_disp, 0, __ATOMIC_RELEASE);
		break;
	}
	rte_spinlock_unlock(&st->wlock);
}

int
tcp_steer_find(const struct tcp_steer *st, uint32_t ip, uint16_t pport,
	       uint16_t lport, uint8_t lid, uint32_t *probes)
{
	uint64_t key = steer_key(ip, pport, lport), h = steer_hash(st, key, lid);
	uint32_t n = 0;

	for (unsigned int tries = 0; tries < STEER_READ_TRIES; tries++) {
		uint32_t seq = __atomic_load_n(&st->seq, __ATOMIC_ACQUIRE);
		uint32_t lim = __atomic_load_n(&st->max_disp, __ATOMIC_ACQUIRE);
		int owner = -1;

		if (seq & 1) {
			rte_pause();
			continue;
		}
		/* A miss ends at an empty slot, or past the furthest any
		 * entry was ever placed from home: never a scan. */
		for (uint64_t i = 0; i <= lim; i++) {
			const struct tcp_steer_slot *s =
				&st->slots[(h + i) & st->mask];
			uint64_t cur = __atomic_load_n(&s->key, __ATOMIC_ACQUIRE);

			n++;
			if (cur == STEER_EMPTY)
				break;
			if (cur == key &&
			    __atomic_load_n(&s->lid, __ATOMIC_RELAXED) == lid) {
				owner = (int)__atomic_load_n(&s->owner,
							     __ATOMIC_RELAXED);
				break;
			}
		}
		rte_atomic_thread_fence(__ATOMIC_ACQUIRE);
		if (__atomic_load_n(&st->seq, __ATOMIC_RELAXED) == seq) {
			if (probes)
				*probes = n;
			return owner;
		}
	}
	if (probes)
		*probes = n;
	return -1;
}

int
tcp_steer_owner(const struct tcp_steer *st, uint32_t ip, uint16_t pport,
		uint16_t lport, uint8_t lid)
{
	return tcp_steer_find(st, ip, pport, lport, lid, NULL);
}

void
tcp_steer_stats(const struct tcp_steer *st, struct tcp_steer_stats *out)
{
	out->slots = st->mask + 1;
	out->entries = __atomic_load_n(&st->entries, __ATOMIC_RELAXED);
	out->max_disp = __atomic_load_n(&st->max_disp, __ATOMIC_RELAXED);
	out->shifts = __atomic_load_n(&st->shifts, __ATOMIC_RELAXED);
}

uint64_t
tcp_steer_test_seed(const struct tcp_steer *st)
{
	return (uint64_t)st->seed[1] << 32 | st->seed[0];
}

int
tcp_steer_handoff(struct lcore_ctx *ctx, struct rte_mbuf *m, uint16_t hdr_len,
		  uint32_t ip, uint16_t pport, uint16_t lport, uint8_t lid)
{
	struct tcp_steer *st = tcp_tl(ctx)->steer;
	uint32_t probes = 0;
	int owner;

	if (!st || (m->ol_flags & st->handoff_flag))
		return 0;
	owner = tcp_steer_find(st, ip, pport, lport, lid, &probes);
	STAT_INC(ctx, tcp_steer_lookups);
	STAT_ADD(ctx, tcp_steer_probes, probes);
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
