/* SPDX-License-Identifier: BSD-3-Clause */
/* mem.h: the per-lcore memory budget: classes, limits, counters. */
#ifndef LR_CORE_MEM_H
#define LR_CORE_MEM_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_branch_prediction.h>

struct config;
struct rte_mempool;

/*
 * What an lcore may hold, by class. Everything is charged in bytes, and
 * an mbuf costs its whole buffer (mem_budget.mbuf_bytes, the pool's data
 * room) whatever payload it carries: a 64-byte segment in a 2 KB mbuf is
 * 2 KB of budget, so a peer's choices (tiny MSS, tiny window, reordering)
 * cannot make us hold more than the limit. Heap buffers (HTTP) are
 * charged by their capacity.
 *
 * Single writer: only the owning lcore charges and releases; no locks.
 * The control plane reads a mem_snapshot() (plain 64-bit loads, a torn
 * snapshot across classes is tolerated).
 */
enum mem_class {
	MEM_RX_RESERVE, /* mbufs no queue may take: RX must always refill */
	MEM_SNDQ,       /* TCP send queues (lib/net/tcp_out.c) */
	MEM_OOO,        /* TCP out-of-order queues (lib/net/tcp_reass.c) */
	MEM_HTTP_REQ,   /* HTTP request buffers (lib/http) */
	MEM_RESP,       /* answers not yet handed to TCP (lib/http) */
	MEM_NCLASSES,
};

/* One class: bytes, except refusals and prunes (events). For
 * MEM_RX_RESERVE, limit is the reserve, in_use how much of it the pool
 * was found eaten into (pool gauge, updated by mem_pool_ok() and
 * mem_snapshot()), refusals the charges of other classes refused to keep
 * it. prunes counts what the class's owner reclaimed at its limit (out-
 * of-order mbufs freed, send queues aborted). */
struct mem_class_stat {
	uint64_t limit;
	uint64_t in_use;
	uint64_t high;     /* highest in_use seen */
	uint64_t refusals; /* charges refused at the limit */
	uint64_t prunes;   /* reclaim actions (mem_prune) */
};

struct mem_budget {
	struct mem_class_stat cls[MEM_NCLASSES];
	struct rte_mempool *pool; /* the RX pool the reserve protects */
	uint32_t mbuf_bytes;      /* what one mbuf costs */
	uint32_t rx_reserve;      /* mbufs */
};

/* What the control plane reads. */
struct mem_snapshot {
	struct mem_class_stat cls[MEM_NCLASSES];
	uint32_t mbuf_bytes;
	uint64_t pool_avail; /* mbufs free in the pool, 0 without one */
};

/*
 * Limits from cfg->mem_* (0: derived from the pool, see mem.c) for an
 * lcore whose RX queue refills from pool, its own (one pool per queue);
 * pool may be NULL (tests without a port: mbuf_bytes is then
 * RTE_MBUF_DEFAULT_BUF_SIZE and the share cfg->mbufs). 0, or -EINVAL
 * when the reserve plus the mbuf classes (send queues, out-of-order)
 * exceed the pool.
 */
int mem_init(struct mem_budget *mb, const struct config *cfg,
	     struct rte_mempool *pool);

/* "rx_reserve", "sndq", "ooo", "http_req", "resp"; NULL past the end. */
const char *mem_class_name(enum mem_class k);

/* Copy mb's counters (any thread); fills the RX reserve gauge. */
void mem_snapshot(const struct mem_budget *mb, struct mem_snapshot *out);

/* dst += src (sums over lcores; high is the sum of per-lcore highs). */
void mem_snapshot_add(struct mem_snapshot *dst, const struct mem_snapshot *src);

/* The pool still holds the RX reserve after n more mbufs are taken.
 * Reads the pool's count (not cheap): call it only near a limit. A
 * refusal is counted on MEM_RX_RESERVE. */
bool mem_pool_ok(struct mem_budget *mb, uint32_t n);

/* Room left in class k, bytes. */
static inline uint64_t
mem_room(const struct mem_budget *mb, enum mem_class k)
{
	const struct mem_class_stat *s = &mb->cls[k];

	return s->limit > s->in_use ? s->limit - s->in_use : 0;
}

/* At least 7/8 of class k is in use. */
static inline bool
mem_pressure(const struct mem_budget *mb, enum mem_class k)
{
	const struct mem_class_stat *s = &mb->cls[k];

	return s->in_use >= s->limit - s->limit / 8;
}

/*
 * Take bytes from class k. true when granted; false (counted in
 * refusals, nothing taken) when the class limit would be passed. The
 * mbuf classes (MEM_SNDQ, MEM_OOO) past half their limit also keep the
 * pool above the RX reserve (mem_pool_ok) for bytes / mbuf_bytes mbufs.
 */
bool mem_charge_slow(struct mem_budget *mb, enum mem_class k, uint64_t bytes);

static inline bool
mem_charge(struct mem_budget *mb, enum mem_class k, uint64_t bytes)
{
	struct mem_class_stat *s = &mb->cls[k];
	uint64_t n = s->in_use + bytes;

	if (unlikely(n > s->limit / 2))
		return mem_charge_slow(mb, k, bytes);
	s->in_use = n;
	if (unlikely(n > s->high))
		s->high = n;
	return true;
}

/* Give back bytes taken from class k. */
static inline void
mem_release(struct mem_budget *mb, enum mem_class k, uint64_t bytes)
{
	mb->cls[k].in_use -= bytes;
}

/* One mbuf of class k (mem_charge / mem_release of mbuf_bytes). */
static inline bool
mem_charge_mbuf(struct mem_budget *mb, enum mem_class k)
{
	return mem_charge(mb, k, mb->mbuf_bytes);
}

static inline void
mem_release_mbuf(struct mem_budget *mb, enum mem_class k)
{
	mem_release(mb, k, mb->mbuf_bytes);
}

/* Count n reclaim actions of class k (pruned mbufs, aborted queues). */
static inline void
mem_prune(struct mem_budget *mb, enum mem_class k, uint64_t n)
{
	mb->cls[k].prunes += n;
}

#endif
