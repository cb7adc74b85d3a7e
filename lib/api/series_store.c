/* SPDX-License-Identifier: BSD-3-Clause */
/* series_store.c: the versioned model store behind /fit and /predict. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include <rte_pause.h>
#include <rte_spinlock.h>

#include "api/mrc_hash.h"
#include "api/series_store.h"

struct series_entry {
	char id[SERIES_ID_MAX + 1];
	uint32_t nver;
	struct series_model ver[SERIES_VERSIONS];
};

struct series_store {
	/* Read-only after create. */
	uint64_t seed;
	uint64_t (*hash)(const void *key, size_t len, uint64_t seed);
	uint32_t max_series, max_probe;
	/* Under lock, except lock_busy (atomic) and racy counter reads. */
	rte_spinlock_t lock;
	uint32_t nseries;
	struct series_store_counters ctr;
	struct series_lat fit_lat, pred_lat;
	struct series_entry *slots[SERIES_SLOTS];
};

static uint64_t
series_seed(void)
{
	uint64_t seed = 0;
	struct timespec ts;

	if (getrandom(&seed, sizeof(seed), GRND_NONBLOCK) == sizeof(seed) &&
	    seed)
		return seed;
	/* No entropy yet (early boot): still different per store and run. */
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return mrc_hash(&ts, sizeof(ts), (uint64_t)(uintptr_t)&seed) | 1;
}

struct series_store *
series_store_create_params(const struct series_store_params *p)
{
	struct series_store *st;

	if (p->max_series > SERIES_MAX || p->max_probe > SERIES_SLOTS) {
		errno = EINVAL;
		return NULL;
	}
	st = calloc(1, sizeof(*st));
	if (!st) {
		errno = ENOMEM;
		return NULL;
	}
	st->seed = p->seed ? p->seed : series_seed();
	st->hash = p->hash ? p->hash : mrc_hash;
	st->max_series = p->max_series ? p->max_series : SERIES_MAX;
	st->max_probe = p->max_probe ? p->max_probe : SERIES_MAX_PROBE;
	rte_spinlock_init(&st->lock);
	return st;
}

struct series_store *
series_store_create(void)
{
	const struct series_store_params p = {0};

	return series_store_create_params(&p);
}

void
series_store_free(struct series_store *st)
{
	if (!st)
		return;
	for (uint32_t i = 0; i < SERIES_SLOTS; i++)
		free(st->slots[i]);
	free(st);
}

uint64_t
series_store_seed(const struct series_store *st)
{
	return st->seed;
}

double
series_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* Take the lock within SERIES_LOCK_TRIES attempts; false (counted) if not. */
static bool
series_lock(struct series_store *st)
{
	for (uint32_t i = 0; i < SERIES_LOCK_TRIES; i++) {
		if (rte_spinlock_trylock(&st->lock))
			return true;
		rte_pause();
	}
	__atomic_add_fetch(&st->ctr.lock_busy, 1, __ATOMIC_RELAXED);
	return false;
}

/*
 * Under the lock: the slot holding id, or the empty slot where it would
 * go; NULL when max_probe slots were visited without finding either.
 */
static struct series_entry **
series_slot(struct series_store *st, const char *id, size_t n)
{
	uint32_t i = (uint32_t)st->hash(id, n, st->seed) & (SERIES_SLOTS - 1);

	for (uint32_t probe = 1; probe <= st->max_probe; probe++) {
		struct series_entry *e = st->slots[i];

		if (probe > st->ctr.max_probe_seen)
			__atomic_store_n(&st->ctr.max_probe_seen, probe,
					 __ATOMIC_RELAXED);
		if (!e || (strlen(e->id) == n && memcmp(e->id, id, n) == 0))
			return &st->slots[i];
		i = (i + 1) & (SERIES_SLOTS - 1);
	}
	return NULL;
}

static void
series_lat_add(struct series_lat *l, double ms)
{
	l->ring[l->count % SERIES_LAT_RING] = ms;
	l->count++;
	l->sum_ms += ms;
}

static void
series_count(uint64_t *ctr)
{
	__atomic_store_n(ctr, *ctr + 1, __ATOMIC_RELAXED); /* under lock */
}

int
series_store_fit(struct series_store *st, const char *id, size_t n,
		 const struct series_model *m, double t0_ms, uint32_t *ver)
{
	struct series_entry **slot, *e, *fresh;
	int rc = 0;

	if (n == 0 || n > SERIES_ID_MAX)
		return -EINVAL;
	/* Allocate before taking the lock; freed below if not needed. */
	fresh = calloc(1, sizeof(*fresh));
	if (!fresh)
		return -ENOMEM;
	memcpy(fresh->id, id, n);
	if (!series_lock(st)) {
		free(fresh);
		return -EBUSY;
	}
	slot = series_slot(st, id, n);
	e = slot ? *slot : NULL;
	if (!slot) {
		series_count(&st->ctr.probe_full);
		rc = -ENOSPC;
	} else if (!e && st->nseries >= st->max_series) {
		series_count(&st->ctr.full);
		rc = -ENOSPC;
	} else if (!e) {
		e = *slot = fresh;
		fresh = NULL;
		__atomic_store_n(&st->nseries, st->nseries + 1,
				 __ATOMIC_RELAXED);
	}
	if (rc == 0 && e->nver >= SERIES_VERSIONS) {
		series_count(&st->ctr.versions_full);
		rc = -EDQUOT;
	} else if (rc == 0) {
		e->ver[e->nver++] = *m;
		*ver = e->nver;
		series_lat_add(&st->fit_lat, series_now_ms() - t0_ms);
	}
	rte_spinlock_unlock(&st->lock);
	free(fresh);
	return rc;
}

int
series_store_predict(struct series_store *st, const char *id, size_t n,
		     uint32_t want, double t0_ms, struct series_model *m,
		     uint32_t *got)
{
	struct series_entry **slot, *e;
	int rc = 0;

	if (n == 0 || n > SERIES_ID_MAX)
		return -EINVAL;
	if (!series_lock(st))
		return -EBUSY;
	slot = series_slot(st, id, n);
	e = slot ? *slot : NULL;
	if (!e || e->nver == 0) {
		rc = -ENOENT;
	} else if (want > e->nver) {
		rc = -ERANGE;
	} else {
		*got = want ? want : e->nver;
		*m = e->ver[*got - 1];
		series_lat_add(&st->pred_lat, series_now_ms() - t0_ms);
	}
	rte_spinlock_unlock(&st->lock);
	return rc;
}

int
series_store_health(struct series_store *st, uint32_t *nseries,
		    struct series_lat *fit, struct series_lat *pred)
{
	if (!series_lock(st))
		return -EBUSY;
	*nseries = st->nseries;
	*fit = st->fit_lat;
	*pred = st->pred_lat;
	rte_spinlock_unlock(&st->lock);
	return 0;
}

void
series_store_counters(const struct series_store *st,
		      struct series_store_counters *c)
{
	c->full = __atomic_load_n(&st->ctr.full, __ATOMIC_RELAXED);
	c->probe_full = __atomic_load_n(&st->ctr.probe_full, __ATOMIC_RELAXED);
	c->versions_full =
		__atomic_load_n(&st->ctr.versions_full, __ATOMIC_RELAXED);
	c->lock_busy = __atomic_load_n(&st->ctr.lock_busy, __ATOMIC_RELAXED);
	c->max_probe_seen =
		__atomic_load_n(&st->ctr.max_probe_seen, __ATOMIC_RELAXED);
	c->nseries = __atomic_load_n(&st->nseries, __ATOMIC_RELAXED);
}
