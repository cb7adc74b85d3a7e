/* SPDX-License-Identifier: BSD-3-Clause */
/* cluster.h: one node of a cluster whose 1MRC totals meet in a shared store. */
#ifndef LR_CLUSTER_CLUSTER_H
#define LR_CLUSTER_CLUSTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cluster/cluster_store.h"

struct mrc_stats;
struct mrc_store;

/*
 * Threads. Data lcores (index 0..nb_lcores-1) call only the lock-free
 * functions marked "data lcore": they never touch the store. One service
 * thread (cluster_start, or a test calling cluster_tick) does every store
 * operation: each tick it drains the lcores' new-user rings, snapshots the
 * local 1MRC store (its cumulative totals), pushes them as an idempotent
 * overwrite, and advances barrier and reset rounds. docs/SCALE-OUT.md has
 * the protocol and its guarantees.
 */

enum cluster_ack {
	CLUSTER_ACK_FAST,    /* answer at once; a kill -9 loses <= flush_ms */
	CLUSTER_ACK_DURABLE, /* answer once the flush holding it is confirmed */
};

struct cluster_params {
	const char *node_id;	     /* unique per node, [A-Za-z0-9_.-]{1,63} */
	uint32_t flush_ms;	     /* push period; 0: 10 */
	enum cluster_ack ack;
	uint32_t live_ttl_ms;	     /* liveness key lifetime; 0: 3000 */
	uint32_t barrier_timeout_ms; /* /stats and /reset rounds; 0: 5000 */
	unsigned int nb_lcores;	     /* data lcores, 1..MRC_MAX_LCORES */
	uint32_t ring_bytes;	     /* new-user ring per lcore; 0: 1 MiB */
	struct mrc_store *mrc;	     /* the local store (not owned) */
	struct cluster_store store;  /* owned: closed by cluster_free */
	uint64_t (*now_ms)(void);    /* clock; NULL: CLOCK_MONOTONIC */
};

struct cluster;

/*
 * Create a node (no thread, no connection yet). Takes p->store over, also
 * on failure. Returns NULL with errno EINVAL or ENOMEM.
 */
struct cluster *cluster_create(const struct cluster_params *p);

/* Stop (cluster_stop) and free; NULL is fine. */
void cluster_free(struct cluster *c);

/* ---- data lcore: lock-free, never blocks ---- */

/*
 * Whether lcore idx's ring has room for a user id of len bytes. Checked
 * before recording an event: only that lcore fills its ring, so the room
 * stays. false: answer 503 and count nothing.
 */
bool cluster_user_room(struct cluster *c, unsigned int idx, size_t len);

/* Queue a user id new to this node, counted in local generation lgen
 * (mrc_store_record_gen). Call after cluster_user_room() said yes. */
void cluster_user_add(struct cluster *c, unsigned int idx, uint64_t lgen,
		      const void *id, size_t len);

/* Durable mode: the flush an event just recorded needs; the event is
 * durable once cluster_durable_done(c, mark). */
uint64_t cluster_durable_mark(struct cluster *c);
bool cluster_durable_done(const struct cluster *c, uint64_t mark);
bool cluster_durable(const struct cluster *c);

/*
 * GET /stats: take a ticket, then poll it (from a deferred answer) until
 * it returns 1 (out holds the cluster's exact totals) or < 0: -EAGAIN
 * (store unreachable) or -ETIMEDOUT (barrier not complete in time), with
 * *err a message for the 503. 0: not yet.
 */
uint64_t cluster_stats_request(struct cluster *c);
int cluster_stats_poll(struct cluster *c, uint64_t ticket,
		       struct mrc_stats *out, const char **err);

/* POST /reset: the same, 1 once every live node applied the new
 * generation. */
uint64_t cluster_reset_request(struct cluster *c);
int cluster_reset_poll(struct cluster *c, uint64_t ticket, const char **err);

/* ---- service thread ---- */

/*
 * One flush: (re)connect when due, start pending rounds, drain, snapshot,
 * push, advance rounds. Returns 0, or a negative errno when the store
 * failed (the node keeps its state and pushes everything again later).
 */
int cluster_tick(struct cluster *c);

/* Run cluster_tick every flush_ms (sooner for requests) on a thread.
 * Returns 0 or -errno. */
int cluster_start(struct cluster *c);

/*
 * Stop the thread, after a final flush that is retried for up to
 * timeout_ms while the store is unreachable, then drop this node's
 * liveness. Returns 0, or -EAGAIN when the final flush never landed.
 * Safe without cluster_start and twice.
 */
int cluster_stop(struct cluster *c, uint32_t timeout_ms);

enum cluster_state {
	CLUSTER_CONNECTING, /* never reached the store yet */
	CLUSTER_UP,	    /* last operation succeeded */
	CLUSTER_DOWN,	    /* unreachable: counting on, pushing later */
	CLUSTER_STOPPED,
};

const char *cluster_state_name(enum cluster_state s);

/* Counters (racy snapshot, any thread). */
struct cluster_counters {
	enum cluster_state state;
	uint64_t gen;		 /* cluster generation this node counts in */
	uint64_t seq;		 /* last flush sequence pushed */
	uint64_t count;		 /* events in the last record pushed */
	uint64_t flushes;	 /* pushes confirmed */
	uint64_t errors;	 /* store operations failed */
	uint64_t reconnects;	 /* connections (re)established */
	uint64_t last_flush_ms;	 /* clock of the last confirmed push; 0 */
	uint64_t lag_ms;	 /* now - last_flush_ms */
	uint64_t users_pushed;	 /* ids confirmed in this generation */
	uint64_t users_pending;	 /* ids waiting for a push */
	uint64_t barriers;	 /* /stats rounds answered */
	uint64_t barrier_fails;	 /* /stats rounds failed (503) */
	uint64_t barrier_last_us; /* duration of the last round */
	uint64_t resets;	 /* generations applied */
	uint64_t ring_full;	 /* events refused: a ring was full */
	uint32_t live_nodes;	 /* at the last gather */
	uint32_t flush_ms;
	bool durable;
	char node_id[64];
};

void cluster_counters(struct cluster *c, struct cluster_counters *out);

/* A data lcore counts a refusal (ring full). */
void cluster_count_ring_full(struct cluster *c, unsigned int idx);

#endif /* LR_CLUSTER_CLUSTER_H */
