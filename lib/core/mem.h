/* SPDX-License-Identifier: BSD-3-Clause */
/* mem.h: the per-lcore memory budget: classes, limits, counters. */
#ifndef LR_CORE_MEM_H
#define LR_CORE_MEM_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_branch_prediction.h>

struct config;
struct lcore_ctx;
struct report_sink;
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
	MEM_SNDQ,       /* TCP send queues (lib/net/tcp_sndq.c) */
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

/*
 * The pool's free count is not read on every charge: with a mempool
 * cache rte_mempool_avail_count() walks every lcore's cache (RTE_MAX_LCORE
 * of them). The budget keeps an estimate, pool_est: read from the pool at
 * most once per poll iteration (epoch, bumped by lcore_poll_once() through
 * mem_epoch_bump()), less what the mbuf classes were granted since. When
 * the estimate comes within pool_margin mbufs (one RX and one TX burst:
 * what the loop takes outside the budget in an iteration) of the reserve
 * plus the request, the pool is read again: near the edge the count is
 * always exact, so a draining pool is seen there whatever took from it.
 */
struct mem_budget {
	struct mem_class_stat cls[MEM_NCLASSES];
	struct rte_mempool *pool; /* the RX pool the reserve protects */
	uint32_t mbuf_bytes;      /* what one mbuf costs */
	uint32_t rx_reserve;      /* mbufs */
	uint32_t epoch;           /* poll iterations (mem_epoch_bump) */
	uint32_t est_epoch;       /* epoch of pool_est's last read */
	uint32_t pool_margin;     /* mbufs: exact read within this of the edge */
	uint64_t pool_est;        /* free mbufs in pool, estimated */
	uint64_t pool_reads;      /* rte_mempool_avail_count() calls made */
	/* mbufs out of the pool that their owner holds for reuse and gives
	 * back before its poll step returns (TCP's spare, net/tcp_priv.h):
	 * counted as free by mem_pool_avail() */
	uint32_t held;
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

/*
 * Every class of every lcore as report rows (core/report.h), families
 * mem_limit_bytes, mem_in_use_bytes, mem_high_bytes (gauges),
 * mem_refusals, mem_prunes (counters), labelled lcore and class, then
 * mem_pool_avail_mbufs per lcore. NULL entries of lcores are skipped.
 * Any thread (the /metrics route runs on a data lcore).
 */
void mem_report(struct report_sink *s, struct lcore_ctx *const *lcores,
		unsigned int n);

/*
 * Free mbufs in the pool, for a caller about to take need of them: the
 * estimate (see struct mem_budget), read from the pool again when it is
 * from an earlier epoch or within pool_margin of rx_reserve + need.
 * Never below the real count minus what the loop took outside the
 * budget this iteration. 0 without a pool.
 */
uint64_t mem_pool_avail(struct mem_budget *mb, uint64_t need);

/* The pool still holds the RX reserve after n more mbufs are taken
 * (mem_pool_avail: exact near the edge). Takes nothing from the
 * estimate. A refusal is counted on MEM_RX_RESERVE. */
bool mem_pool_ok(struct mem_budget *mb, uint32_t n);

/* A new poll iteration: the next pool check reads the pool again. */
static inline void
mem_epoch_bump(struct mem_budget *mb)
{
	mb->epoch++;
}

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
 * pool above the RX reserve (mem_pool_ok) for bytes / mbuf_bytes mbufs,
 * taken from the pool estimate when granted.
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
