/* SPDX-License-Identifier: BSD-3-Clause */
/* cluster_priv.h: a cluster node's layout, for cluster*.c only. */
#ifndef LR_CLUSTER_CLUSTER_PRIV_H
#define LR_CLUSTER_CLUSTER_PRIV_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "cluster/cluster.h"

#define CL_CACHE_LINE 64
#define CL_BATCH 512 /* user ids per push call (Lua unpack stays small) */
#define CL_RETRY_MS 100

#define cl_ld(p) __atomic_load_n((p), __ATOMIC_ACQUIRE)
#define cl_st(p, v) __atomic_store_n((p), (v), __ATOMIC_RELEASE)

/*
 * One lcore's new-user ring: single producer (the lcore), single consumer
 * (the service thread). Entries are 8-byte aligned: a u32 length, a u32
 * pad, the u64 local generation, then the id; an entry never wraps (a
 * CL_RING_SKIP length sends the reader to the start).
 */
#define CL_RING_HDR 16u
#define CL_RING_SKIP 0xffffffffu
struct cl_ring {
	uint64_t head __attribute__((aligned(CL_CACHE_LINE))); /* producer */
	uint64_t ring_full;
	uint64_t tail __attribute__((aligned(CL_CACHE_LINE))); /* consumer */
	uint64_t tail_rd; /* consumer's read position, released to tail */
	unsigned char *buf;
	uint64_t cap; /* power of two */
} __attribute__((aligned(CL_CACHE_LINE)));

bool cl_ring_room(const struct cl_ring *r, size_t len);
void cl_ring_put(struct cl_ring *r, uint64_t lgen, const void *id, size_t len);
/* Pop one entry: 1 (*lgen, *id, *len valid until the next pop), 0 empty. */
int cl_ring_get(struct cl_ring *r, uint64_t *lgen, const unsigned char **id,
		uint32_t *len);
/* Consumer: release what cl_ring_get returned so far. */
void cl_ring_release(struct cl_ring *r);

/* The ids new to this node in the current generation: [u16 len][bytes]. */
struct cl_log {
	unsigned char *buf;
	size_t len, cap;
	uint64_t n;	   /* ids */
	uint64_t pushed;   /* ids confirmed by the store */
	size_t pushed_off; /* their bytes */
};

/* A round (/stats barrier or /reset) and the result tickets read. */
struct cl_round {
	uint64_t req;	   /* tickets handed out (data lcores, atomic) */
	uint64_t taken;	   /* tickets covered by the running round */
	bool running;
	uint64_t target;   /* barrier id, or generation */
	uint64_t deadline; /* ms */
	uint64_t started;  /* ms */
	/* The published result, under a seqcount. */
	uint64_t res_seq;
	uint64_t res_hi; /* every ticket <= res_hi is answered */
	int res_rc;	 /* 1, -EAGAIN, -ETIMEDOUT */
	struct cluster_sum res_sum;
};

struct cluster {
	struct cl_ring *rings;
	unsigned int nb_lcores;
	struct mrc_store *mrc;
	struct cluster_store store;
	uint64_t (*now_ms)(void);
	char node[64];
	uint32_t flush_ms, live_ttl_ms, barrier_timeout_ms;
	bool durable;

	/* Service thread state. */
	bool connected, ever, base_loaded;
	uint64_t retry_at;
	uint64_t gen;	/* cluster generation counted in */
	uint64_t lgen;	/* the local store's generation it maps to */
	uint64_t seq;
	uint64_t ack;	/* highest barrier seen before the next snapshot */
	struct cluster_rec base; /* totals of an earlier incarnation */
	struct cluster_rec last; /* last record confirmed */
	struct cl_log log;
	char peers[CLUSTER_MAX_NODES][64]; /* members seen (store restarts) */
	size_t npeers;
	struct cl_round stats, reset;
	pthread_t thread;
	bool thread_on;
	int stop; /* atomic */

	/* Durable mode: snapshot epochs begun and confirmed. */
	uint64_t epoch __attribute__((aligned(CL_CACHE_LINE)));
	uint64_t confirmed __attribute__((aligned(CL_CACHE_LINE)));

	/* Counters (service thread writes, any thread reads). */
	enum cluster_state state;
	uint64_t flushes, errors, reconnects, last_flush_ms;
	uint64_t barriers, barrier_fails, barrier_last_us, resets;
	uint32_t live_nodes;
};

#endif /* LR_CLUSTER_CLUSTER_PRIV_H */
