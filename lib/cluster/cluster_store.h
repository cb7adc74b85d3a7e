/* SPDX-License-Identifier: BSD-3-Clause */
/* cluster_store.h: the shared store the cluster pushes to, as a vtable. */
#ifndef LR_CLUSTER_CLUSTER_STORE_H
#define LR_CLUSTER_CLUSTER_STORE_H

#include <stddef.h>
#include <stdint.h>

/*
 * One node's cumulative totals in one cluster generation, as it writes
 * them: an overwrite, never an increment. The store applies a record only
 * when (gen, seq) is above the one it holds for that node, so a
 * duplicated, reordered or retried push changes nothing.
 */
struct cluster_rec {
	uint64_t gen;		/* cluster generation the totals belong to */
	uint64_t seq;		/* flush sequence number, > 0, grows */
	uint64_t count;		/* events */
	__int128 sum_exact;	/* exact part of the sum, 1e-9 units */
	double sum_inexact;	/* compensated part */
	uint64_t n_inexact;	/* values in sum_inexact */
	uint64_t ack;		/* highest barrier id flushed by this record */
};

/* What a push returns: the cluster's current generation and barrier. */
struct cluster_view {
	uint64_t gen;
	uint64_t barrier;
	uint64_t nodes; /* members registered (push only) */
};

/* The cluster's totals for one generation, read by cluster_store_ops.gather. */
struct cluster_sum {
	uint64_t count;
	__int128 sum_exact;
	double sum_inexact; /* Neumaier over the nodes */
	uint64_t n_inexact;
	uint64_t users;	    /* cardinality of the generation's user set */
	uint32_t nodes;	    /* records in this generation */
	uint32_t live;	    /* nodes whose liveness key is present */
	uint32_t pending;   /* live nodes that did not yet ack the barrier or
			     * apply the generation */
};

/*
 * The operations. Each returns 0 or a negative errno; -ENOTCONN or -EIO
 * means the store is unreachable (the caller reconnects and pushes again:
 * every operation is safe to repeat).
 *
 * connect: (re)open the connection; 0 or -errno.
 * push:    add users (n ids, lens[i] bytes each) to the user set of
 *          generation gen unless the cluster is past it, then, when rec is
 *          not NULL, overwrite node's record with rec if (gen, seq) is
 *          above the stored one, and refresh node's liveness for
 *          live_ttl_ms. Fills *view.
 * read:    node's record (-ENOENT when none) and the cluster view.
 * raise:   set the cluster generation and barrier to at least view's
 *          (after a store restart lost them); fills view with the result.
 *          When the store had lost them (it restarted empty), the n
 *          known peers are registered again and presumed live for
 *          live_ttl_ms, so a barrier waits for them to push again.
 * members: up to max node ids into ids; *n how many.
 * bump_gen / bump_barrier: advance the counter by one; *out the new value.
 * gather:  sum the records of generation gen and count the live nodes
 *          whose ack < barrier or whose gen < gen.
 * leave:   drop node's liveness (clean stop), keeping its record.
 */
struct cluster_store_ops {
	int (*connect)(void *st);
	int (*push)(void *st, const char *node, uint64_t gen,
		    const struct cluster_rec *rec,
		    const char *const *users, const uint16_t *lens, size_t n,
		    uint32_t live_ttl_ms, struct cluster_view *view);
	int (*read)(void *st, const char *node, struct cluster_rec *rec,
		    struct cluster_view *view);
	int (*raise)(void *st, struct cluster_view *view,
		     const char (*peers)[64], size_t n, uint32_t live_ttl_ms);
	int (*members)(void *st, char (*ids)[64], size_t max, size_t *n);
	int (*bump_gen)(void *st, uint64_t *out);
	int (*bump_barrier)(void *st, uint64_t *out);
	int (*gather)(void *st, uint64_t gen, uint64_t barrier,
		      struct cluster_sum *out);
	int (*leave)(void *st, const char *node);
	void (*close)(void *st);
};

struct cluster_store {
	const struct cluster_store_ops *ops;
	void *st;
};

#define CLUSTER_MAX_NODES 64

/* Parameters of the Redis store (cluster_redis.c). */
struct cluster_redis_params {
	const char *addr;     /* "host:port" or "unix:/path" */
	const char *password; /* "" or NULL: no AUTH */
	uint32_t timeout_ms;  /* per command; 0: 1000 */
	const char *prefix;   /* key prefix; NULL: "lr:" */
};

/*
 * A store on Redis (hiredis). Does not connect yet (ops->connect does).
 * Returns 0, -EINVAL (bad address) or -ENOMEM. close frees it.
 */
int cluster_redis_open(const struct cluster_redis_params *p,
		       struct cluster_store *out);

#endif /* LR_CLUSTER_CLUSTER_STORE_H */
