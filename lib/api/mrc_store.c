/* SPDX-License-Identifier: BSD-3-Clause */
/* mrc_store.c: the 1MRC store: create, lcores, per-lcore sums, stats (the
 * user set: mrc_set.c). */
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "api/mrc_store_fast.h"
#include "api/mrc_store_priv.h"

/* A copy of one lcore's record, read under its seqcount. */
struct lc_snap {
	uint64_t gen;
	uint64_t count;
	__int128 exact;
	double inexact;
	double comp;
	uint64_t n_inexact;
};

static inline double
bits_dbl(uint64_t b)
{
	double d;

	memcpy(&d, &b, sizeof(d));
	return d;
}

static inline uint64_t
dbl_bits(double d)
{
	uint64_t b;

	memcpy(&b, &d, sizeof(b));
	return b;
}

/* ---- allocation ---- */

static void *
default_zalloc(size_t size, size_t align, int socket_id)
{
	size_t sz = (size + align - 1) / align * align;
	void *p = aligned_alloc(align, sz);

	if (p)
		memset(p, 0, sz);
	return p;
}

static uint64_t
random_seed(void)
{
	uint64_t seed = 0;
	struct timespec ts;

	if (getrandom(&seed, sizeof(seed), GRND_NONBLOCK) == sizeof(seed))
		return seed;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return mrc_hash(&ts, sizeof(ts), (uint64_t)(uintptr_t)&seed);
}

struct mrc_store *
mrc_store_create(const struct mrc_store_params *p)
{
	void *(*zalloc)(size_t, size_t, int) =
		p->zalloc ? p->zalloc : default_zalloc;
	void (*free_fn)(void *) = p->free ? p->free : free;
	uint64_t users = p->max_users, nslots = 1;
	uint64_t arena = p->arena_bytes ? p->arena_bytes
					: users * ARENA_DEFAULT_PER_USER;
	struct mrc_store *s;
	int i;

	if (users == 0 || users > USERS_LIMIT || arena < REC_HDR + 1 ||
	    arena >= SLOT_ARENA_LIMIT || !p->zalloc != !p->free) {
		errno = EINVAL;
		return NULL;
	}
	while (nslots < 2 * users)
		nslots <<= 1;
	s = zalloc(sizeof(*s), CACHE_LINE, p->socket_id);
	if (!s)
		goto nomem;
	s->free_fn = free_fn;
	for (i = 0; i < 2; i++) {
		s->slots[i] = zalloc(nslots * sizeof(uint64_t), CACHE_LINE,
				     p->socket_id);
		if (!s->slots[i])
			goto nomem_free;
		s->arena[i] = zalloc(arena, CACHE_LINE, p->socket_id);
		if (!s->arena[i])
			goto nomem_free;
	}
	s->mask = nslots - 1;
	s->nchunks = (nslots + CLEAR_CHUNK - 1) / CLEAR_CHUNK;
	s->max_users = users;
	s->arena_bytes = arena;
	s->seed = p->seed ? p->seed : random_seed();
	mrc_hash_pre_init(&s->hpre, s->seed);
	s->hash = p->hash;
	s->short_max = p->hash ? 0 : 16;
	s->reset_timeout_ns =
		(uint64_t)(p->reset_timeout_ms ? p->reset_timeout_ms
					       : RESET_TIMEOUT_MS_DEFAULT) *
		1000000;
	s->gen = 1;
	s->epoch = 1;
	if (pthread_mutex_init(&s->reset_lock, NULL))
		goto nomem_free;
	return s;

nomem_free:
	for (i = 1; i >= 0; i--) {
		if (s->arena[i])
			free_fn(s->arena[i]);
		if (s->slots[i])
			free_fn(s->slots[i]);
	}
	free_fn(s);
nomem:
	errno = ENOMEM;
	return NULL;
}

void
mrc_store_free(struct mrc_store *s)
{
	if (!s)
		return;
	pthread_mutex_destroy(&s->reset_lock);
	for (int i = 1; i >= 0; i--) {
		s->free_fn(s->arena[i]);
		s->free_fn(s->slots[i]);
	}
	s->free_fn(s);
}

/* ---- lcore registration and quiescence ---- */

int
mrc_store_lcore_online(struct mrc_store *s, unsigned int idx)
{
	unsigned int hi;

	if (idx >= MRC_MAX_LCORES)
		return -EINVAL;
	hi = ld_relaxed(&s->lcore_hi);
	while (hi < idx + 1 &&
	       !__atomic_compare_exchange_n(&s->lcore_hi, &hi, idx + 1, false,
					    __ATOMIC_SEQ_CST, __ATOMIC_RELAXED))
		;
	/*
	 * Store qs, then load gen, all seq_cst, against the resetter's store
	 * gen, then load qs: in the single order of seq_cst operations one of
	 * the loads sees the other side's store, so either the reset waits
	 * for us or our events use its new generation. The load's value is
	 * not needed; our later acquire loads of gen see it or newer.
	 */
	__atomic_store_n(&s->lc[idx].qs,
			 __atomic_load_n(&s->epoch, __ATOMIC_SEQ_CST),
			 __ATOMIC_SEQ_CST);
	(void)__atomic_load_n(&s->gen, __ATOMIC_SEQ_CST);
	return 0;
}

int
mrc_store_lcore_offline(struct mrc_store *s, unsigned int idx)
{
	if (idx >= MRC_MAX_LCORES)
		return -EINVAL;
	st_relaxed(&s->lc[idx].live_gen, 0);
	st_release(&s->lc[idx].qs, QS_OFFLINE);
	return 0;
}

void
mrc_store_quiescent(struct mrc_store *s, unsigned int idx)
{
	struct mrc_lcore *lc = &s->lc[idx];
	uint64_t e = ld_acquire(&s->epoch), q = ld_relaxed(&lc->qs);

	/* The common poll: already at the epoch (never QS_OFFLINE, 0), one
	 * compare. qs is this lcore's own: its load may come second. */
	if (__builtin_expect(q != e, 0)) {
		if (q == QS_OFFLINE)
			return;
		st_release(&lc->qs, e);
	}
	/* A retired table to clear: one chunk per poll, once it is safe. */
	if (__builtin_expect(ld_relaxed(&s->retired) != 0, 0))
		mrc_clear_step(s, 1);
}

/* ---- counters ---- */

/* An lcore's exact sum from its two words (struct mrc_lcore). */
static inline __int128
lcore_exact(int64_t base, int64_t off)
{
	return (__int128)base * ((__int128)1 << EXACT_BASE_SHIFT) + off;
}

/*
 * Split an exact sum ex (|ex| < EXACT_LIMIT) into *base and *off, off
 * within 2^61 of the middle of the window base * 2^62 +- 2^63 that the
 * inline paths may add to (mrc_lcore_exact_next), whose edges a sum
 * reaches only after ~7e18 units of 1e-9 either way. Returns whether ex
 * is one the inline paths may count on, within EXACT_INLINE; then the
 * window is kept inside it (|base| <= EXACT_BASE_INLINE), off moved
 * towards its edge, so that an inline sum never leaves
 * [-2^118, 2^118). Beyond, the caller keeps the inline paths out
 * (live_gen).
 */
static inline bool
lcore_exact_split(__int128 ex, int64_t *base, int64_t *off)
{
	/* Rounded to the nearest multiple of 2^62: |ex - k * 2^62| <= 2^61. */
	__int128 k = (ex + ((__int128)1 << (EXACT_BASE_SHIFT - 1))) >>
		     EXACT_BASE_SHIFT;
	bool in = ex >= -EXACT_INLINE && ex < EXACT_INLINE;

	if (in && k > EXACT_BASE_INLINE)
		k = EXACT_BASE_INLINE;
	else if (in && k < -EXACT_BASE_INLINE)
		k = -EXACT_BASE_INLINE;
	*base = (int64_t)k;
	*off = (int64_t)(ex - lcore_exact((int64_t)k, 0));
	return in;
}

/*
 * Seqcount writer. The fields are stored with release so that a reader
 * who sees any of them also sees the odd seq before them (and retries);
 * that replaces the usual release fence, which ThreadSanitizer cannot
 * check. On x86 every one of these is a plain store.
 */
static inline __attribute__((always_inline)) void
lcore_add(const struct mrc_store *s, struct mrc_lcore *lc, uint64_t gen,
	  const struct mrc_event *ev)
{
	uint64_t seq = lc->seq;
	int64_t base, off;
	__int128 ex;
	double sum, comp, x, t;
	bool in;

	st_relaxed(&lc->seq, seq + 1);
	if (lc->gen != gen) {
		/* First event of a new generation: start from zero. */
		st_release(&lc->gen, gen);
		st_release(&lc->seq0, seq);
		st_release(&lc->exact_off, 0);
		st_release(&lc->exact_base, 0);
		st_release(&lc->inexact, dbl_bits(0.0));
		st_release(&lc->comp, dbl_bits(0.0));
		st_release(&lc->n_inexact, 0);
	}
	ex = lcore_exact(lc->exact_base, lc->exact_off);
	in = ex >= -EXACT_INLINE && ex < EXACT_INLINE;
	if (ev->exact) {
		ex += ev->scaled;
		if (ex < EXACT_LIMIT && ex > -EXACT_LIMIT) {
			in = lcore_exact_split(ex, &base, &off);
			st_release(&lc->exact_off, off);
			st_release(&lc->exact_base, base);
			goto done;
		}
	}
	/* Neumaier: keep the low-order bits that each addition drops. */
	sum = bits_dbl(lc->inexact);
	comp = bits_dbl(lc->comp);
	x = ev->value;
	t = sum + x;
	if (fabs(sum) >= fabs(x))
		comp += (sum - t) + x;
	else
		comp += (x - t) + sum;
	st_release(&lc->inexact, dbl_bits(t));
	st_release(&lc->comp, dbl_bits(comp));
	st_release(&lc->n_inexact, lc->n_inexact + 1);
done:
	/* Online (record() checked) and in gen: the inline paths may count
	 * while the exact sum is one they may. */
	if (lc->live_gen != (in ? gen : 0)) {
		/* The view first: the inline paths read it once live_gen
		 * says gen (this lcore only: program order). */
		lc->v_slots = s->slots[gen & 1];
		lc->v_arena = s->arena[gen & 1];
		lc->v_mask = s->mask;
		lc->v_arena_bytes = s->arena_bytes;
		lc->v_blk = &lc->blk[gen & 1];
		st_relaxed(&lc->live_gen, in ? gen : 0);
	}
	st_release(&lc->seq, seq + 2);
}

/* Seqcount reader: acquire loads keep the second seq load after them. */
static void
lcore_read(struct mrc_lcore *lc, struct lc_snap *o)
{
	uint64_t s1, s2;
	int64_t off, base;

	for (unsigned int n = 0;; n++) {
		s1 = ld_acquire(&lc->seq);
		if (s1 & 1) {
			if (n < 1024)
				mrc_cpu_relax();
			else
				sched_yield(); /* the writer was preempted */
			continue;
		}
		o->gen = ld_acquire(&lc->gen);
		/* Even s1: every event of gen adds 2 since seq0. */
		o->count = (s1 - ld_acquire(&lc->seq0)) >> 1;
		off = ld_acquire(&lc->exact_off);
		base = ld_acquire(&lc->exact_base);
		o->inexact = bits_dbl(ld_acquire(&lc->inexact));
		o->comp = bits_dbl(ld_acquire(&lc->comp));
		o->n_inexact = ld_acquire(&lc->n_inexact);
		s2 = ld_relaxed(&lc->seq);
		if (s1 == s2)
			break;
	}
	o->exact = lcore_exact(base, off);
}

/*
 * The rest of an event whose user is not a known one in its home slot:
 * the full insert, probing from the home slot, then the counters. gen: the
 * event's generation; h: the user's hash when record() computed it (ids
 * of up to 16 bytes, no test hash), else computed here.
 */
static __attribute__((noinline)) int
record_probe(struct mrc_store *s, unsigned int idx, const struct mrc_event *ev,
	     uint64_t gen, uint64_t h)
{
	struct mrc_lcore *lc = &s->lc[idx];
	const char *key = mrc_event_user(ev);
	int rc;

	if (s->hash)
		h = s->hash(key, ev->user_len, s->seed);
	else if (ev->user_len > 16)
		h = mrc_hash(key, ev->user_len, s->seed);
	rc = mrc_set_insert_probe(s, gen & 1, idx, key, ev->user_len, h);
	if (rc == -ENOBUFS) {
		st_relaxed(&lc->full_arena, lc->full_arena + 1);
		return -ENOSPC;
	}
	if (rc < 0) {
		st_relaxed(&lc->full_users, lc->full_users + 1);
		return rc;
	}
	lcore_add(s, lc, gen, ev);
	return rc;
}

/*
 * Both entry points: the event's generation in *genp. A known user of up
 * to 16 bytes in its home slot (most events) is answered without a call:
 * hashed with the store's precomputed seed words, compared inline
 * (mrc_set_known); anything else goes on in record_probe().
 */
static inline __attribute__((always_inline)) int
record(struct mrc_store *s, unsigned int idx, const struct mrc_event *ev,
       uint64_t *genp)
{
	const char *key = mrc_event_user(ev);
	size_t len = ev->user_len;
	struct mrc_lcore *lc;
	uint64_t gen, h;

	/* len 0 wraps: one compare for both bounds. */
	if (idx >= MRC_MAX_LCORES || len - 1 >= REC_LEN_MAX)
		return -EINVAL;
	lc = &s->lc[idx];
	if (ld_relaxed(&lc->qs) == QS_OFFLINE)
		return -EPERM;
	/* One generation for the whole event: user, count and value. */
	gen = ld_acquire(&s->gen);
	*genp = gen;
	if (__builtin_expect(len - 1 >= s->short_max, 0))
		return record_probe(s, idx, ev, gen, 0);
	h = mrc_hash_short_pre(&s->hpre, key, len);
	if (!mrc_set_known(s, gen & 1, h, key, len, false))
		return record_probe(s, idx, ev, gen, h);
	lcore_add(s, lc, gen, ev);
	return 0;
}

int
mrc_store_record(struct mrc_store *s, unsigned int idx,
		 const struct mrc_event *ev)
{
	uint64_t gen;

	return record(s, idx, ev, &gen);
}

int
mrc_store_record_hashed(struct mrc_store *s, unsigned int idx,
			const struct mrc_event *ev, uint64_t h)
{
	/* count_known() checked idx, the lcore and the id (1..16 bytes, no
	 * test hash); a reset since then only means a later generation. */
	return record_probe(s, idx, ev, ld_acquire(&s->gen), h);
}

int
mrc_store_count_new(struct mrc_store *s, unsigned int idx, const char *key,
		    size_t len, int64_t sw, int64_t mul, uint64_t h)
{
	int64_t v;
	bool ovf = __builtin_mul_overflow(sw, mul, &v);

	return mrc_store_count_new_v(s, idx, key, len, v, ovf, h);
}

bool
mrc_store_refill(struct mrc_store *s, struct mrc_lcore *lc, size_t len)
{
	/* The view's table: the one of its blocks. */
	return mrc_set_refill(s, (unsigned int)(lc->v_blk - lc->blk),
			      (unsigned int)(lc - s->lc), REC_HDR + len);
}

int
mrc_store_count_new_claimed(struct mrc_store *s, struct mrc_lcore *lc,
			    const char *key, size_t len, int64_t v, uint64_t h)
{
	struct mrc_set_blk *b = lc->v_blk;
	int64_t sum;
	int rc;

	/* count_new_lc() checked the sum; nothing moved it since. */
	if (!mrc_lcore_exact_next(lc, v, &sum))
		return -EINVAL;
	/* The view's table: the one of its blocks. */
	rc = mrc_set_admit(s, (unsigned int)(b - lc->blk),
			   (unsigned int)(lc - s->lc),
			   &lc->v_slots[h & lc->v_mask], mrc_slot_tag(h), key,
			   len);
	if (rc < 0) {
		if (rc == -ENOBUFS) {
			st_relaxed(&lc->full_arena, lc->full_arena + 1);
			return -ENOSPC;
		}
		st_relaxed(&lc->full_users, lc->full_users + 1);
		return rc;
	}
	mrc_lcore_count_exact(lc, sum);
	return rc;
}

size_t
mrc_store_inline_max(const struct mrc_store *s)
{
	return s->short_max;
}

int
mrc_store_record_gen(struct mrc_store *s, unsigned int idx,
		     const struct mrc_event *ev, uint64_t *genp)
{
	return record(s, idx, ev, genp);
}

/* ---- stats ---- */

void
mrc_store_stats(struct mrc_store *s, struct mrc_stats *out)
{
	double sum, comp, t, x;
	struct lc_snap snap;
	uint64_t g1, g2;
	unsigned int hi;

	do {
		g1 = ld_acquire(&s->gen);
		memset(out, 0, sizeof(*out));
		out->generation = g1;
		hi = ld_acquire(&s->lcore_hi);
		sum = comp = 0.0;
		for (unsigned int i = 0; i < hi; i++) {
			/* Ids this lcore admitted to the table (mrc_set.c). */
			out->unique_users +=
				ld_relaxed(&s->lc[i].blk[g1 & 1].admitted);
			lcore_read(&s->lc[i], &snap);
			if (snap.gen != g1)
				continue; /* zero in this generation */
			out->total_requests += snap.count;
			out->sum_exact += snap.exact;
			out->n_inexact += snap.n_inexact;
			/* Neumaier across lcores, then their compensations. */
			x = snap.inexact;
			t = sum + x;
			if (fabs(sum) >= fabs(x))
				comp += (sum - t) + x;
			else
				comp += (x - t) + sum;
			sum = t;
			if (isfinite(snap.comp))
				comp += snap.comp;
		}
		/* A reset in between: the snapshot may mix; take it again. */
		g2 = ld_acquire(&s->gen);
	} while (g1 != g2);
	out->sum_inexact = isfinite(sum) ? sum + comp : sum;
	mrc_stats_finish(out);
}

void
mrc_stats_finish(struct mrc_stats *out)
{
	__int128 q, r;

	/* Integer and fraction apart: each converts with one rounding. */
	out->sum = (double)(out->sum_exact / MRC_EXACT_SCALE) +
		   (double)(out->sum_exact % MRC_EXACT_SCALE) / 1e9 +
		   out->sum_inexact;
	if (out->total_requests == 0) {
		out->avg = 0.0;
	} else if (out->n_inexact == 0) {
		q = out->sum_exact / (__int128)out->total_requests;
		r = out->sum_exact % (__int128)out->total_requests;
		out->avg =
			((double)q + (double)r / (double)out->total_requests) /
			1e9;
	} else {
		out->avg = out->sum / (double)out->total_requests;
	}
}

void
mrc_store_counters(struct mrc_store *s, struct mrc_store_counters *out)
{
	unsigned int hi = ld_acquire(&s->lcore_hi);

	memset(out, 0, sizeof(*out));
	for (unsigned int i = 0; i < hi; i++) {
		out->full_users += ld_relaxed(&s->lc[i].full_users);
		out->full_arena += ld_relaxed(&s->lc[i].full_arena);
	}
	out->resets = ld_relaxed(&s->resets);
	out->resets_busy = ld_relaxed(&s->resets_busy);
	out->clearing = ld_relaxed(&s->retired) != 0;
	out->arena_bytes = s->arena_bytes;
	out->max_users = s->max_users;
}

uint64_t
mrc_store_arena_size(uint32_t max_users, uint32_t max_user_len)
{
	uint64_t per = (uint64_t)max_user_len + REC_HDR, min_full, a;

	if (per > MRC_ARENA_AVG_ID + REC_HDR)
		per = MRC_ARENA_AVG_ID + REC_HDR;
	a = (uint64_t)max_users * per;
	/* Room for a few thousand ids of full length, whatever max_users. */
	min_full = (uint64_t)MRC_ARENA_MIN_LONG_IDS * (max_user_len + REC_HDR);
	if (a < min_full)
		a = min_full;
	return a > MRC_ARENA_MAX ? MRC_ARENA_MAX : a;
}
