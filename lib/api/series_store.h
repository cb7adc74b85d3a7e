/* SPDX-License-Identifier: BSD-3-Clause */
/* series_store.h: the versioned model store behind /fit and /predict. */
#ifndef LR_API_SERIES_STORE_H
#define LR_API_SERIES_STORE_H

#include <stddef.h>
#include <stdint.h>

#define SERIES_ID_MAX 128
#define SERIES_MAX 100000u   /* series in the store: 507 past it */
#define SERIES_VERSIONS 64u  /* versions per series: 507 past it */
#define SERIES_SLOTS 262144u /* hash slots: a power of two >= 2 * SERIES_MAX   \
			      */
#define SERIES_MAX_PROBE 64u /* slots one lookup may visit: 507 past it */
#define SERIES_LOCK_TRIES 4096u /* try-lock attempts before 503 */
#define SERIES_LAT_RING 1024u	/* latency samples kept per kind */

/*
 * One store per appliance, shared by every lcore. A table of SERIES_SLOTS
 * pointers with linear probing, keyed by a seeded 64-bit hash (mrc_hash)
 * of the id: the seed is drawn from getrandom() per store, so a peer
 * cannot pick ids that collide. A lookup visits at most max_probe slots;
 * an id whose probe sequence is full that far is refused like a full
 * store (507 "Series store full.", counted in probe_full). Series are
 * never removed, so the table has no tombstones.
 *
 * Locking: one spinlock, held only for the bounded probe and a copy of a
 * model (parsing, the math and allocation happen outside it). It is taken
 * with rte_spinlock_trylock, at most SERIES_LOCK_TRIES times with a pause
 * between: a data lcore never waits without bound; past the bound the
 * call returns -EBUSY (503, counted in lock_busy).
 */
struct series_store;

struct series_model {
	double mean;
	double std; /* population standard deviation */
	uint32_t points;
};

/* The last SERIES_LAT_RING latencies of one kind, and their count. */
struct series_lat {
	uint64_t count;
	double sum_ms;
	double ring[SERIES_LAT_RING];
};

struct series_store_params {
	uint32_t max_series; /* 0: SERIES_MAX; at most SERIES_MAX */
	uint32_t max_probe;  /* 0: SERIES_MAX_PROBE; at most SERIES_SLOTS */
	uint64_t seed;	     /* 0: random per store (getrandom) */
	/* Key hash; NULL: mrc_hash. Tests pass a degenerate one. */
	uint64_t (*hash)(const void *key, size_t len, uint64_t seed);
};

/* Refusals and the longest probe seen; counted since create. */
struct series_store_counters {
	uint64_t full;		 /* new series refused: max_series reached */
	uint64_t probe_full;	 /* new series refused: probe bound reached */
	uint64_t versions_full;	 /* fit refused: SERIES_VERSIONS reached */
	uint64_t lock_busy;	 /* calls that gave up on the lock (-EBUSY) */
	uint32_t max_probe_seen; /* slots visited by the longest lookup */
	uint32_t nseries;
};

/* A store with the defaults. Returns NULL with errno ENOMEM. */
struct series_store *series_store_create(void);

/* A store with p's settings. Returns NULL with errno EINVAL or ENOMEM. */
struct series_store *
series_store_create_params(const struct series_store_params *p);

/* Free st and every model in it; NULL is a no-op. No route may use st
 * any more. */
void series_store_free(struct series_store *st);

/* The hash seed of st (tests: it differs between stores). */
uint64_t series_store_seed(const struct series_store *st);

/* CLOCK_MONOTONIC in milliseconds, for the latency figures. */
double series_now_ms(void);

/*
 * Append model m as the next version of series id[0..n) (n at most
 * SERIES_ID_MAX), creating the series on its first fit. On success
 * *ver is the new version (1-based) and now - t0_ms is added to the fit
 * latencies. Returns 0, or:
 *  -ENOSPC  a new series and the store is full, or its probe bound is hit
 *  -EDQUOT  the series has SERIES_VERSIONS versions already
 *  -EBUSY   the lock was not taken within SERIES_LOCK_TRIES
 *  -ENOMEM  a new series could not be allocated
 *  -EINVAL  n is 0 or above SERIES_ID_MAX
 */
int series_store_fit(struct series_store *st, const char *id, size_t n,
		     const struct series_model *m, double t0_ms, uint32_t *ver);

/*
 * Copy version want (0: the latest) of series id[0..n) into *m, its
 * number into *got, and add now - t0_ms to the predict latencies.
 * Returns 0, or -ENOENT (no such series, or no version yet), -ERANGE
 * (want above the latest), -EBUSY (as above), -EINVAL (bad n).
 */
int series_store_predict(struct series_store *st, const char *id, size_t n,
			 uint32_t want, double t0_ms, struct series_model *m,
			 uint32_t *got);

/* Copy the series count and both latency rings. Returns 0 or -EBUSY. */
int series_store_health(struct series_store *st, uint32_t *nseries,
			struct series_lat *fit, struct series_lat *pred);

/* Read the counters (racy snapshot, no lock). */
void series_store_counters(const struct series_store *st,
			   struct series_store_counters *c);

#endif /* LR_API_SERIES_STORE_H */
