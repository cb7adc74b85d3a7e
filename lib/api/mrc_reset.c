/* SPDX-License-Identifier: BSD-3-Clause */
/* mrc_reset.c: 1MRC store reset: generation switch, grace period, lazy clear.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <string.h>
#include <time.h>

#include "api/mrc_store_priv.h"

static uint64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* Whether every online lcore has seen epoch e (one pass, no waiting). */
static bool
grace_done(struct mrc_store *s, uint64_t e)
{
	unsigned int hi = ld_acquire(&s->lcore_hi);

	for (unsigned int i = 0; i < hi; i++) {
		/* seq_cst: pairs with mrc_store_lcore_online(). */
		uint64_t q = ld_seq_cst(&s->lc[i].qs);

		if (q != QS_OFFLINE && q < e)
			return false;
	}
	return true;
}

/* Wait until every online lcore has seen epoch e; -ETIMEDOUT if not. */
static int
wait_quiescent(struct mrc_store *s, uint64_t e)
{
	uint64_t deadline = now_ns() + s->reset_timeout_ns, q;

	for (unsigned int i = 0; i < MRC_MAX_LCORES; i++) {
		for (unsigned int n = 0;; n++) {
			/* seq_cst: pairs with mrc_store_lcore_online(). */
			q = ld_seq_cst(&s->lc[i].qs);
			if (q == QS_OFFLINE || q >= e)
				break;
			if (now_ns() > deadline)
				return -ETIMEDOUT;
			if (n < 256)
				mrc_cpu_relax();
			else
				sched_yield();
		}
	}
	return 0;
}

/*
 * Clear up to budget chunks of the retired table, if its grace period has
 * passed: no event of its generation can still touch it. Any thread may
 * call it at any time; chunks are claimed by CAS, so each is cleared once,
 * and whoever clears the last one zeroes the table's counters and lets
 * the next reset reuse it. Returns the chunks cleared.
 */
unsigned int
mrc_clear_step(struct mrc_store *s, unsigned int budget)
{
	uint64_t r = ld_acquire(&s->retired), serial, w, c, lo, hi;
	unsigned int ti, done = 0;
	struct mrc_table *t;

	if (r == 0)
		return 0;
	ti = (unsigned int)(r >> 1) & 1;
	serial = r >> 2;
	t = &s->tab[ti];
	if (ld_acquire(&t->grace_serial) != serial) {
		if (!grace_done(s, ld_relaxed(&t->retire_epoch)))
			return 0;
		st_release(&t->grace_serial, serial);
	}
	while (done < budget) {
		w = ld_relaxed(&t->clear_next);
		c = w & 0xffffffffULL;
		if (w >> 32 != (serial & 0xffffffffULL) || c >= s->nchunks)
			break; /* another retirement, or all claimed */
		if (!__atomic_compare_exchange_n(&t->clear_next, &w, w + 1,
						 false, __ATOMIC_ACQUIRE,
						 __ATOMIC_RELAXED))
			continue;
		lo = c * CLEAR_CHUNK;
		hi = lo + CLEAR_CHUNK > s->mask + 1 ? s->mask + 1
						    : lo + CLEAR_CHUNK;
		memset(s->slots[ti] + lo, 0, (hi - lo) * sizeof(uint64_t));
		done++;
		if (__atomic_add_fetch(&t->clear_done, 1, __ATOMIC_ACQ_REL) ==
		    s->nchunks) {
			/* Every chunk is clear: the table is as new. */
			mrc_set_clear_blocks(s, ti);
			st_release(&t->arena_used, 0);
			st_release(&t->reserved, 0);
			st_release(&s->retired, 0);
			break;
		}
	}
	return done;
}

/*
 * Under reset_lock: finish clearing the retired table, waiting at most
 * reset_timeout_ms for its grace period and for chunks that other
 * threads are clearing. 0 when no table is retired any more, else -EBUSY.
 */
static int
clear_all(struct mrc_store *s)
{
	uint64_t r = ld_acquire(&s->retired), deadline;

	if (r == 0)
		return 0;
	if (wait_quiescent(s, ld_relaxed(&s->tab[(r >> 1) & 1].retire_epoch)))
		return -EBUSY;
	deadline = now_ns() + s->reset_timeout_ns;
	for (unsigned int n = 0; ld_acquire(&s->retired) != 0; n++) {
		if (mrc_clear_step(s, UINT32_MAX))
			continue;
		if (now_ns() > deadline)
			return -EBUSY; /* a clearer holds a chunk, preempted */
		if (n < 256)
			mrc_cpu_relax();
		else
			sched_yield();
	}
	return 0;
}

/*
 * Under reset_lock, with no table retired: switch the generation to the
 * other (clean) table, open a new epoch and retire the old table. Returns
 * the epoch every online lcore must see before the old table is unused.
 */
static uint64_t
switch_gen(struct mrc_store *s)
{
	uint64_t gen = ld_relaxed(&s->gen), e, serial = ++s->serial;
	unsigned int oti = (unsigned int)gen & 1;
	struct mrc_table *old = &s->tab[oti];

	/*
	 * Switch generation, then open a new epoch. An lcore that reports
	 * the new epoch has loaded it after our gen store, so it uses the new
	 * table from then on; all it did under the old one happened before.
	 */
	__atomic_store_n(&s->gen, gen + 1, __ATOMIC_SEQ_CST);
	e = __atomic_add_fetch(&s->epoch, 1, __ATOMIC_SEQ_CST);
	st_relaxed(&old->retire_epoch, e);
	st_relaxed(&old->clear_done, 0);
	st_relaxed(&old->clear_next, (serial & 0xffffffffULL) << 32);
	/* Publishes the words above to the clearers (acquire in clear_step). */
	st_release(&s->retired, serial << 2 | (uint64_t)oti << 1 | 1);
	__atomic_add_fetch(&s->resets, 1, __ATOMIC_RELAXED);
	return e;
}

int
mrc_store_reset(struct mrc_store *s, int self)
{
	bool was_online = false;
	uint64_t e;
	int rc = 0;

	if (self < -1 || self >= MRC_MAX_LCORES)
		return -EINVAL;
	/* Quiescent while we wait, or a reset on another lcore waits on us. */
	if (self >= 0 && ld_relaxed(&s->lc[self].qs) != QS_OFFLINE) {
		was_online = true;
		mrc_store_lcore_offline(s, (unsigned int)self);
	}
	pthread_mutex_lock(&s->reset_lock);
	if (clear_all(s)) {
		__atomic_add_fetch(&s->resets_busy, 1, __ATOMIC_RELAXED);
		rc = -EBUSY;
		goto out;
	}
	e = switch_gen(s);
	rc = wait_quiescent(s, e);
	if (rc == 0)
		(void)clear_all(s); /* else lcores clear it once they can */
out:
	pthread_mutex_unlock(&s->reset_lock);
	if (was_online)
		mrc_store_lcore_online(s, (unsigned int)self);
	return rc;
}

int
mrc_store_reset_nowait(struct mrc_store *s)
{
	int rc = 0;

	if (pthread_mutex_trylock(&s->reset_lock)) {
		__atomic_add_fetch(&s->resets_busy, 1, __ATOMIC_RELAXED);
		return -EBUSY; /* a blocking reset is under way */
	}
	/* The last clearing may be a chunk or two short: finish it. */
	if (ld_acquire(&s->retired))
		mrc_clear_step(s, RESET_HELP_CHUNKS);
	if (ld_acquire(&s->retired)) {
		__atomic_add_fetch(&s->resets_busy, 1, __ATOMIC_RELAXED);
		rc = -EBUSY;
	} else {
		(void)switch_gen(s);
	}
	pthread_mutex_unlock(&s->reset_lock);
	return rc;
}
