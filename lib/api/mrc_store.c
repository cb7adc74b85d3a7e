/* SPDX-License-Identifier: BSD-3-Clause */
/* mrc_store.c: the 1MRC store: exact unique-user set, per-lcore sums, reset. */
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "api/mrc_store.h"

#define CACHE_LINE 64

/*
 * A slot is 0 (empty) or [63: 1][62..40: hash tag][39..0: state], where
 * state is 0 while the claiming thread writes the key (pending), all ones
 * for a claim refused for capacity (a tombstone, matching nothing), and
 * otherwise key offset + 1 in the arena. Bit 63 keeps a used slot nonzero.
 */
#define SLOT_OFF_BITS 40
#define SLOT_OFF_MASK ((1ULL << SLOT_OFF_BITS) - 1)
#define SLOT_PENDING 0ULL
#define SLOT_TOMB SLOT_OFF_MASK
#define SLOT_USED (1ULL << 63)

#define REC_HDR 2 /* little-endian key length before each key */
#define USERS_LIMIT (1U << 30)
#define ARENA_DEFAULT_PER_USER 34
#define RESET_TIMEOUT_MS_DEFAULT 1000
/* Slots one lcore clears per poll (32 KiB), and a lazy reset at most. */
#define CLEAR_CHUNK 4096u
#define RESET_HELP_CHUNKS 2u
/* Bound on one lcore's exact sum: 128 of them still fit in an __int128. */
#define EXACT_LIMIT ((__int128)1 << 119)
#define QS_OFFLINE 0

#define ld_relaxed(p) __atomic_load_n((p), __ATOMIC_RELAXED)
#define ld_acquire(p) __atomic_load_n((p), __ATOMIC_ACQUIRE)
#define st_relaxed(p, v) __atomic_store_n((p), (v), __ATOMIC_RELAXED)
#define st_release(p, v) __atomic_store_n((p), (v), __ATOMIC_RELEASE)
#define ld_seq_cst(p) __atomic_load_n((p), __ATOMIC_SEQ_CST)

/*
 * Per-generation user-set counters (the CAS targets of new inserts), and
 * the lazy clearing of the table once retired. A retirement has a serial
 * (s->retired >> 1); the clearing words carry it so that a clearer that
 * slept through a whole clear-reuse-retire cycle can never clear the next
 * retirement's slots before its grace period.
 */
struct mrc_table {
	uint64_t users;	     /* ids admitted; only grows until cleared */
	uint64_t arena_used; /* arena bytes handed out */
	/* Written under reset_lock before s->retired publishes them. */
	uint64_t retire_epoch; /* quiescent epoch that makes it clearable */
	/* serial << 32 | next chunk to claim. */
	uint64_t clear_next __attribute__((aligned(CACHE_LINE)));
	uint64_t clear_done;   /* chunks cleared in this retirement */
	uint64_t grace_serial; /* serial whose grace period has passed */
} __attribute__((aligned(CACHE_LINE)));

/* One writer lcore. The first line is a seqcount-protected record. */
struct mrc_lcore {
	uint64_t seq; /* odd while the lcore updates the fields below */
	uint64_t gen; /* generation the counters belong to */
	uint64_t count;
	uint64_t exact_lo; /* exact sum, __int128 in two words */
	uint64_t exact_hi;
	uint64_t inexact; /* double bits: Neumaier sum */
	uint64_t comp;	  /* double bits: its compensation */
	uint64_t n_inexact;
	/* Own line: polled by a resetting thread, rarely written. */
	uint64_t qs __attribute__((aligned(CACHE_LINE))); /* epoch seen */
	/* Own line: refusals by this lcore (single writer, racy readers). */
	uint64_t full_users __attribute__((aligned(CACHE_LINE)));
	uint64_t full_arena;
} __attribute__((aligned(CACHE_LINE)));

struct mrc_store {
	/* Read-only after create. */
	uint64_t *slots[2];
	unsigned char *arena[2];
	uint64_t mask;
	uint64_t max_users;
	uint64_t arena_bytes;
	uint64_t seed;
	uint64_t (*hash)(const void *key, size_t len, uint64_t seed);
	void (*free_fn)(void *ptr);
	uint64_t reset_timeout_ns;
	uint64_t nchunks; /* CLEAR_CHUNK slots each, the last one partial */
	/* Read by every event and poll iteration, written by reset. */
	uint64_t gen __attribute__((aligned(CACHE_LINE)));
	uint64_t epoch;
	/* 0, or serial << 2 | ti << 1 | 1 while table ti awaits clearing. */
	uint64_t retired;
	unsigned int lcore_hi; /* 1 + highest index ever online */
	pthread_mutex_t reset_lock __attribute__((aligned(CACHE_LINE)));
	uint64_t serial;       /* retirements so far; under reset_lock */
	uint64_t resets;       /* resets that switched the generation */
	uint64_t resets_busy;  /* resets refused with -EBUSY */
	struct mrc_table tab[2];
	struct mrc_lcore lc[MRC_MAX_LCORES];
};

/* A copy of one lcore's record, read under its seqcount. */
struct lc_snap {
	uint64_t gen;
	uint64_t count;
	__int128 exact;
	double inexact;
	double comp;
	uint64_t n_inexact;
};

static inline void
cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#elif defined(__aarch64__)
	__asm__ volatile("yield" ::: "memory");
#endif
}

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

/* ---- hash ---- */

#define HK0 0x9e3779b97f4a7c15ULL
#define HK1 0xd1b54a32d192ed03ULL
#define HK2 0x8cb92ba72f3d8dd7ULL
#define HK3 0xa0761d6478bd642fULL

/* 64x64->128 multiply folded: every input bit reaches every output bit. */
static inline uint64_t
fold_mul(uint64_t a, uint64_t b)
{
	unsigned __int128 r = (unsigned __int128)a * b;

	return (uint64_t)r ^ (uint64_t)(r >> 64);
}

static inline uint64_t
rd64(const unsigned char *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static inline uint64_t
rd32(const unsigned char *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

uint64_t
mrc_hash(const void *key, size_t len, uint64_t seed)
{
	const unsigned char *p = key;
	uint64_t h = fold_mul(seed ^ HK0, (uint64_t)len ^ HK1);
	uint64_t a, b;
	size_t n = len;

	/*
	 * Each 16-byte block is folded into h; the secret XORed into both
	 * halves keeps a zero product (which would erase h) out of an
	 * attacker's reach without the seed.
	 */
	while (n > 16) {
		h = fold_mul(rd64(p) ^ seed ^ HK2, rd64(p + 8) ^ h ^ HK3);
		p += 16;
		n -= 16;
	}
	/* The last 1..16 bytes, read as two possibly overlapping words. */
	if (n > 8) {
		a = rd64(p);
		b = rd64(p + n - 8);
	} else if (n >= 4) {
		a = rd32(p);
		b = rd32(p + n - 4);
	} else if (n > 0) {
		a = (uint64_t)p[0] << 16 | (uint64_t)p[n >> 1] << 8 | p[n - 1];
		b = 0;
	} else {
		a = b = 0;
	}
	h = fold_mul(a ^ seed ^ HK1, b ^ h ^ HK2);
	return fold_mul(h ^ HK3, (uint64_t)len ^ seed ^ HK0);
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
	return fold_mul((uint64_t)ts.tv_nsec ^ HK0,
			(uint64_t)(uintptr_t)&seed ^ (uint64_t)ts.tv_sec);
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
	    arena >= SLOT_OFF_MASK - 1 || !p->zalloc != !p->free) {
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
	s->hash = p->hash;
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
	st_release(&s->lc[idx].qs, QS_OFFLINE);
	return 0;
}

static unsigned int clear_step(struct mrc_store *s, unsigned int budget);

void
mrc_store_quiescent(struct mrc_store *s, unsigned int idx)
{
	struct mrc_lcore *lc = &s->lc[idx];
	uint64_t e, q = ld_relaxed(&lc->qs);

	if (q == QS_OFFLINE)
		return;
	e = ld_acquire(&s->epoch);
	if (q != e)
		st_release(&lc->qs, e);
	/* A retired table to clear: one chunk per poll, once it is safe. */
	if (__builtin_expect(ld_relaxed(&s->retired) != 0, 0))
		clear_step(s, 1);
}

/* ---- the user set ---- */

static inline bool
key_eq(const unsigned char *rec, const char *key, size_t len)
{
	return (size_t)(rec[0] | rec[1] << 8) == len &&
	       memcmp(rec + REC_HDR, key, len) == 0;
}

/* Whether a new id of rec bytes could still be admitted (a hint). */
static inline bool
set_has_room(const struct mrc_store *s, struct mrc_table *t, uint64_t rec)
{
	return ld_relaxed(&t->users) < s->max_users &&
	       ld_relaxed(&t->arena_used) + rec <= s->arena_bytes;
}

static bool
reserve(uint64_t *ctr, uint64_t n, uint64_t limit, uint64_t *old)
{
	uint64_t v = ld_relaxed(ctr);

	do {
		if (v + n > limit)
			return false;
	} while (!__atomic_compare_exchange_n(
		ctr, &v, v + n, false, __ATOMIC_RELAXED, __ATOMIC_RELAXED));
	*old = v;
	return true;
}

/* Wait for a pending slot to be published or refused. */
static uint64_t
slot_wait(uint64_t *slot, uint64_t v)
{
	uint64_t now;

	for (unsigned int n = 0; (now = ld_acquire(slot)) == v; n++) {
		if (n < 1024)
			cpu_relax();
		else
			sched_yield(); /* the claimer was preempted */
	}
	return now;
}

/*
 * We own a pending slot for a key now known to be new: admit it, write it,
 * publish it. On refusal the slot becomes a tombstone, never empty again:
 * another thread may already have probed past it.
 */
static int
set_admit(struct mrc_store *s, unsigned int ti, uint64_t *slot, uint64_t tag,
	  const char *key, size_t len)
{
	struct mrc_table *t = &s->tab[ti];
	uint64_t rec = REC_HDR + len, off, users;
	unsigned char *r;

	int rc = -ENOBUFS;

	if (!reserve(&t->arena_used, rec, s->arena_bytes, &off))
		goto refuse;
	if (!reserve(&t->users, 1, s->max_users, &users)) {
		/* Give the bytes back if nobody allocated after us. */
		uint64_t end = off + rec;

		__atomic_compare_exchange_n(&t->arena_used, &end, off, false,
					    __ATOMIC_RELAXED, __ATOMIC_RELAXED);
		rc = -ENOSPC;
		goto refuse;
	}
	r = s->arena[ti] + off;
	r[0] = (unsigned char)len;
	r[1] = (unsigned char)(len >> 8);
	memcpy(r + REC_HDR, key, len);
	st_release(slot, tag | (off + 1));
	return 1;
refuse:
	st_release(slot, tag | SLOT_TOMB);
	return rc;
}

/* Which limit refuses a new id of rec bytes: -ENOSPC ids, -ENOBUFS arena. */
static int
set_full_code(const struct mrc_store *s, struct mrc_table *t, uint64_t rec)
{
	if (ld_relaxed(&t->users) < s->max_users &&
	    ld_relaxed(&t->arena_used) + rec > s->arena_bytes)
		return -ENOBUFS;
	return -ENOSPC;
}

/*
 * Insert key into table ti: 1 new, 0 known, -ENOSPC full of ids, -ENOBUFS
 * arena full.
 */
static int
set_insert(struct mrc_store *s, unsigned int ti, const char *key, size_t len)
{
	uint64_t h = s->hash ? s->hash(key, len, s->seed)
			     : mrc_hash(key, len, s->seed);
	uint64_t tag = (h & ~SLOT_OFF_MASK) | SLOT_USED;
	uint64_t *slots = s->slots[ti], i = h & s->mask, v, st;
	const unsigned char *arena = s->arena[ti];

	for (uint64_t probes = 0; probes <= s->mask;
	     probes++, i = (i + 1) & s->mask) {
		v = ld_acquire(&slots[i]);
	again:
		if (v == 0) {
			if (!set_has_room(s, &s->tab[ti], REC_HDR + len)) {
				/*
				 * Still empty after seeing the set full: at
				 * that instant the key was absent and the
				 * set full, so refusing is correct.
				 */
				v = ld_acquire(&slots[i]);
				if (v == 0)
					return set_full_code(s, &s->tab[ti],
							     REC_HDR + len);
				goto again;
			}
			if (!__atomic_compare_exchange_n(
				    &slots[i], &v, tag | SLOT_PENDING, false,
				    __ATOMIC_ACQUIRE, __ATOMIC_ACQUIRE))
				goto again; /* v is what beat us */
			return set_admit(s, ti, &slots[i], tag, key, len);
		}
		if ((v & ~SLOT_OFF_MASK) != tag)
			continue;
		st = v & SLOT_OFF_MASK;
		if (st == SLOT_PENDING) {
			v = slot_wait(&slots[i], v);
			goto again;
		}
		if (st != SLOT_TOMB && key_eq(arena + st - 1, key, len))
			return 0;
	}
	return -ENOSPC;
}

/* ---- counters ---- */

/*
 * Seqcount writer. The fields are stored with release so that a reader
 * who sees any of them also sees the odd seq before them (and retries);
 * that replaces the usual release fence, which ThreadSanitizer cannot
 * check. On x86 every one of these is a plain store.
 */
static void
lcore_add(struct mrc_lcore *lc, uint64_t gen, const struct mrc_event *ev)
{
	uint64_t seq = lc->seq;
	__int128 ex;
	double sum, comp, x, t;

	st_relaxed(&lc->seq, seq + 1);
	if (lc->gen != gen) {
		/* First event of a new generation: start from zero. */
		st_release(&lc->gen, gen);
		st_release(&lc->count, 0);
		st_release(&lc->exact_lo, 0);
		st_release(&lc->exact_hi, 0);
		st_release(&lc->inexact, dbl_bits(0.0));
		st_release(&lc->comp, dbl_bits(0.0));
		st_release(&lc->n_inexact, 0);
	}
	st_release(&lc->count, lc->count + 1);
	if (ev->exact) {
		ex = (__int128)((unsigned __int128)lc->exact_hi << 64 |
				lc->exact_lo) +
		     ev->scaled;
		if (ex < EXACT_LIMIT && ex > -EXACT_LIMIT) {
			st_release(&lc->exact_lo, (uint64_t)ex);
			st_release(&lc->exact_hi,
				   (uint64_t)((unsigned __int128)ex >> 64));
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
	st_release(&lc->seq, seq + 2);
}

/* Seqcount reader: acquire loads keep the second seq load after them. */
static void
lcore_read(struct mrc_lcore *lc, struct lc_snap *o)
{
	uint64_t s1, s2, lo, hi;

	for (unsigned int n = 0;; n++) {
		s1 = ld_acquire(&lc->seq);
		if (s1 & 1) {
			if (n < 1024)
				cpu_relax();
			else
				sched_yield(); /* the writer was preempted */
			continue;
		}
		o->gen = ld_acquire(&lc->gen);
		o->count = ld_acquire(&lc->count);
		lo = ld_acquire(&lc->exact_lo);
		hi = ld_acquire(&lc->exact_hi);
		o->inexact = bits_dbl(ld_acquire(&lc->inexact));
		o->comp = bits_dbl(ld_acquire(&lc->comp));
		o->n_inexact = ld_acquire(&lc->n_inexact);
		s2 = ld_relaxed(&lc->seq);
		if (s1 == s2)
			break;
	}
	o->exact = (__int128)((unsigned __int128)hi << 64 | lo);
}

int
mrc_store_record(struct mrc_store *s, unsigned int idx,
		 const struct mrc_event *ev)
{
	struct mrc_lcore *lc;
	uint64_t gen;
	int rc;

	if (idx >= MRC_MAX_LCORES || ev->user_len == 0 ||
	    ev->user_len > UINT16_MAX)
		return -EINVAL;
	lc = &s->lc[idx];
	if (ld_relaxed(&lc->qs) == QS_OFFLINE)
		return -EPERM;
	/* One generation for the whole event: user, count and value. */
	gen = ld_acquire(&s->gen);
	rc = set_insert(s, gen & 1, ev->user, ev->user_len);
	if (rc == -ENOBUFS) {
		st_relaxed(&lc->full_arena, lc->full_arena + 1);
		return -ENOSPC;
	}
	if (rc < 0) {
		st_relaxed(&lc->full_users, lc->full_users + 1);
		return rc;
	}
	lcore_add(lc, gen, ev);
	return rc;
}

/* ---- stats ---- */

void
mrc_store_stats(struct mrc_store *s, struct mrc_stats *out)
{
	double sum, comp, t, x;
	struct lc_snap snap;
	uint64_t g1, g2;
	unsigned int hi;
	__int128 q, r;

	do {
		g1 = ld_acquire(&s->gen);
		memset(out, 0, sizeof(*out));
		out->generation = g1;
		out->unique_users = ld_acquire(&s->tab[g1 & 1].users);
		hi = ld_acquire(&s->lcore_hi);
		sum = comp = 0.0;
		for (unsigned int i = 0; i < hi; i++) {
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

/* ---- reset ---- */

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
				cpu_relax();
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
static unsigned int
clear_step(struct mrc_store *s, unsigned int budget)
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
			st_release(&t->arena_used, 0);
			st_release(&t->users, 0);
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
		if (clear_step(s, UINT32_MAX))
			continue;
		if (now_ns() > deadline)
			return -EBUSY; /* a clearer holds a chunk, preempted */
		if (n < 256)
			cpu_relax();
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
		clear_step(s, RESET_HELP_CHUNKS);
	if (ld_acquire(&s->retired)) {
		__atomic_add_fetch(&s->resets_busy, 1, __ATOMIC_RELAXED);
		rc = -EBUSY;
	} else {
		(void)switch_gen(s);
	}
	pthread_mutex_unlock(&s->reset_lock);
	return rc;
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
