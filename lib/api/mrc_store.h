/* SPDX-License-Identifier: BSD-3-Clause */
/* mrc_store.h: the 1MRC store: exact unique-user set, per-lcore sums, reset. */
#ifndef LR_API_MRC_STORE_H
#define LR_API_MRC_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "api/mrc_hash.h"
#include "api/mrc_json.h"

/*
 * Threads. Up to MRC_MAX_LCORES writer threads ("lcores", index 0..127)
 * record events; any thread may read stats or reset. A writer calls
 * mrc_store_lcore_online() once before its first event,
 * mrc_store_quiescent() once per poll iteration, after its TX flush and
 * outside any event, and mrc_store_lcore_offline() before it stops. An
 * lcore index belongs to one thread at a time.
 *
 * Unique users. An open-addressing table of 64-bit slots (tag | key offset)
 * with linear probing, sized to a power of two >= 2 * max_users, and a key
 * arena. A new key is claimed by CAS on the first empty slot of its probe
 * sequence, then given capacity and arena space, then its bytes are written
 * and the slot published with a release store. Slots are never emptied
 * while the table is live, so two inserts of one key always meet on the
 * same slot: one id is never counted twice, and keys are compared in full,
 * so two ids are never merged. No lock: a thread that meets a claimed,
 * unpublished slot with its own tag waits for that one slot.
 *
 * Capacity. At most max_users ids, and at most arena_bytes bytes of ids
 * where each id costs its length + 2. When either is used up, recording an
 * event for a new id returns -ENOSPC and counts nothing (the HTTP layer
 * answers 507); events for known ids are still counted. Lcores take ids
 * and arena bytes in blocks onto a cache line of their own (mrc_set.c), so
 * new users share no counter line; near the cap an lcore takes single ids
 * from the others' blocks, so exactly max_users ids are admitted before a
 * refusal. The arena is a bound: near its end a refusal may leave bytes
 * unspent in other lcores' blocks (one block each at most). Each refusal is
 * counted per limit (mrc_store_counters). mrc_store_arena_size() gives the
 * arena for a configured max_users and max_user_len.
 *
 * Sums. Each lcore sums exact values (mrc_json.h) in a 128-bit count of
 * 1e-9 units, and other values, or any that would take that lcore's exact
 * sum past 2^119 in magnitude, in a double with Neumaier compensation. The
 * reported sum is exact part + compensated part; it is printed exactly
 * whenever no value went the double way since the last reset.
 *
 * Reset. Two tables alternate. A reset advances a generation number (the
 * writers' tables and counters follow it) and retires the old table. The
 * retired table is cleared lazily: once every online lcore has passed a
 * quiescent point (no event begun under the old generation is still
 * running: the grace period), lcores clear it CLEAR_CHUNK slots (32 KiB)
 * per mrc_store_quiescent() call, chunks claimed by CAS; whoever clears the
 * last chunk zeroes its counters and makes it reusable. A reset needs the
 * other table clean. mrc_store_reset_nowait() (the data path) never waits:
 * O(1) plus at most two chunks of help. mrc_store_reset() (tests, control
 * thread) also waits for the grace period and finishes the clearing.
 * Counters carry the generation they belong to: an lcore zeroes its own on
 * its first event of a new generation, and stats ignore counters of any
 * other generation. Guarantees:
 *  - every event is counted entirely in one generation: its user, count and
 *    value all in the old one, or all in the new one: the one current when
 *    its lcore began it;
 *  - once a reset has returned 0, an event begun after that is in the
 *    stats; after mrc_store_reset() returned 0, every event of the old
 *    generation has also finished (its 200 was flushed before that lcore's
 *    quiescent point);
 *  - stats are taken within one generation: never part old, part new.
 */

#define MRC_MAX_LCORES 128

struct mrc_store;

struct mrc_store_params {
	int socket_id;		   /* passed to zalloc */
	uint32_t max_users;	   /* unique ids per generation, 1..2^30 */
	uint64_t arena_bytes;	   /* sum of (id length + 2), < 2^40 */
	uint32_t reset_timeout_ms; /* reset's wait for lcores; 0: 1000 */
	/* Zeroed, aligned memory on a socket; NULL: aligned_alloc+memset. */
	void *(*zalloc)(size_t size, size_t align, int socket_id);
	void (*free)(void *ptr); /* pairs with zalloc; NULL: free() */
	/* Key hash; NULL: mrc_hash. Tests pass a degenerate one. */
	uint64_t (*hash)(const void *key, size_t len, uint64_t seed);
	uint64_t seed; /* hash seed; 0: random per store */
};

/* A consistent snapshot of one generation. */
struct mrc_stats {
	uint64_t total_requests;
	uint64_t unique_users;
	__int128 sum_exact;  /* exact part, in 1e-9 units */
	double sum_inexact;  /* compensated sum of the other values */
	uint64_t n_inexact;  /* how many values went to sum_inexact */
	double sum;	     /* sum_exact * 1e-9 + sum_inexact */
	double avg;	     /* sum / total_requests, 0 without events */
	uint64_t generation; /* advanced by each reset */
};

/*
 * Create a store; all memory (two tables, two arenas) is allocated here.
 * Returns NULL with errno EINVAL (bad parameters) or ENOMEM.
 */
struct mrc_store *mrc_store_create(const struct mrc_store_params *p);

/* Free a store; no thread may use it any more. NULL is fine. */
void mrc_store_free(struct mrc_store *s);

/*
 * Register lcore idx as a writer (before its first event), or unregister
 * it (after its last). Returns 0 or -EINVAL (idx out of range).
 */
int mrc_store_lcore_online(struct mrc_store *s, unsigned int idx);
int mrc_store_lcore_offline(struct mrc_store *s, unsigned int idx);

/*
 * Say that lcore idx holds no reference into the store: call it between
 * events, once per poll iteration, after the responses are flushed. Costs a
 * load and a compare when no reset is pending. No-op for offline lcores.
 */
void mrc_store_quiescent(struct mrc_store *s, unsigned int idx);

/*
 * Record one parsed event from lcore idx: insert the user, then add the
 * value to this lcore's counters. Returns:
 *   1        counted, the user was new
 *   0        counted, the user was known
 *  -ENOSPC   user set full and the user new: nothing counted (507)
 *  -EINVAL   idx out of range, or user_len 0 or above 32767
 *  -EPERM    lcore idx is not online
 */
int mrc_store_record(struct mrc_store *s, unsigned int idx,
		     const struct mrc_event *ev);

/*
 * The longest id whose events the data path may count inline
 * (mrc_store_count_known*, lib/api/mrc_store_fast.h): 16 bytes, 0 for a
 * store made with a test hash (params.hash). Pure.
 */
size_t mrc_store_inline_max(const struct mrc_store *s);

/*
 * mrc_store_record(), also saying in *gen the store generation the event
 * was counted in (set whatever the return; meaningful when >= 0). For a
 * caller that forwards new users elsewhere (lib/cluster) and must tag
 * them with their generation.
 */
int mrc_store_record_gen(struct mrc_store *s, unsigned int idx,
			 const struct mrc_event *ev, uint64_t *gen);

/*
 * Zero users, counts and sums, while other lcores keep recording, and wait
 * (not for the data path: see mrc_store_reset_nowait). self is the
 * caller's lcore index when the caller is an online lcore (it is treated
 * as quiescent meanwhile), or -1. Resets are serialized. Finishes the
 * clearing of a table retired earlier, switches, blocks until every online
 * lcore passes a quiescent point (microseconds in a poll loop), then
 * clears the retired table. Returns 0, or:
 *  -ETIMEDOUT  an online lcore did not pass a quiescent point within
 *              reset_timeout_ms. The store is reset (new generation), but
 *              an event that lcore still has running may land in the
 *              discarded generation; the retired table is cleared by the
 *              lcores once that one passes a quiescent point, or by the
 *              next blocking reset.
 *  -EBUSY      the table retired by an earlier timed-out reset still has a
 *              reader: nothing was done.
 *  -EINVAL     self out of range.
 */
int mrc_store_reset(struct mrc_store *s, int self);

/*
 * Reset without waiting (any thread; the POST /reset path): switch to the
 * other table when it is clean, and return. O(1), plus at most
 * RESET_HELP_CHUNKS (2) chunks of clearing; never blocks on a lock.
 * Returns 0, or -EBUSY (counted): the table retired by the previous reset
 * is not clear yet (its grace period or the lcores' clearing is under way:
 * milliseconds while lcores poll), or a blocking reset is running. Nothing
 * was done: retry.
 */
int mrc_store_reset_nowait(struct mrc_store *s);

/* Refusals and resets since create (racy snapshot, any thread). */
struct mrc_store_counters {
	uint64_t full_users;  /* new ids refused: max_users reached */
	uint64_t full_arena;  /* new ids refused: arena_bytes used up */
	uint64_t resets;      /* resets that switched the generation */
	uint64_t resets_busy; /* resets refused with -EBUSY */
	bool clearing;	      /* a retired table is not clear yet */
	uint64_t arena_bytes; /* per table, as created */
	uint64_t max_users;
};

void mrc_store_counters(struct mrc_store *s, struct mrc_store_counters *out);

/*
 * Arena bytes for max_users ids of at most max_user_len bytes: each id
 * costs its length + 2. Budgets min(max_user_len, MRC_ARENA_AVG_ID) + 2
 * per user (ids average far below the limit; a full arena answers 507),
 * at least enough for MRC_ARENA_MIN_LONG_IDS ids of full length, and at
 * most MRC_ARENA_MAX. Two arenas are allocated (one per table).
 */
#define MRC_ARENA_AVG_ID 32u
#define MRC_ARENA_MIN_LONG_IDS 4096u
#define MRC_ARENA_MAX (1ULL << 32)
uint64_t mrc_store_arena_size(uint32_t max_users, uint32_t max_user_len);

/* Read the current generation's totals (any thread, lock-free). */
void mrc_store_stats(struct mrc_store *s, struct mrc_stats *out);

/*
 * Fill out->sum and out->avg from total_requests, sum_exact, sum_inexact
 * and n_inexact, as mrc_store_stats() does (totals merged from several
 * stores: lib/cluster).
 */
void mrc_stats_finish(struct mrc_stats *out);


#endif /* LR_API_MRC_STORE_H */
