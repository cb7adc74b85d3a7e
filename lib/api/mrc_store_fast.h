/* SPDX-License-Identifier: BSD-3-Clause */
/* mrc_store_fast.h: a known user's exact event counted inline, for the
 * data path's POST /event handler (mrc.c). */
#ifndef LR_API_MRC_STORE_FAST_H
#define LR_API_MRC_STORE_FAST_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "api/mrc_store_priv.h"

/*
 * mrc_store_record() for an event that mrc_store_count_known() declined
 * with 0 on this lcore just before, h the hash it gave: the same returns,
 * without its checks (it made them), hashing the user again or retrying
 * its home slot. Only then.
 */
int mrc_store_record_hashed(struct mrc_store *s, unsigned int idx,
			    const struct mrc_event *ev, uint64_t h);

/*
 * The lcore's exact sum plus v, as its new offset into *off, when that
 * stays an int64: true (the base unchanged, the sum within the window
 * lcore_add() chose, so within EXACT_INLINE). Else the store decides
 * (lcore_add() moves the window). No load or store of the base.
 */
static inline __attribute__((always_inline)) bool
mrc_lcore_exact_next(const struct mrc_lcore *lc, int64_t v, int64_t *off)
{
	return !__builtin_add_overflow(lc->exact_off, v, off);
}

/*
 * seq one up, by its only writer (this lcore): on x86-64 one add to
 * memory (no lock: no other thread writes seq) instead of a load, an add
 * and a store each time. The add's store is an ordinary store: TSO keeps
 * it in program order with the stores around it, and the "memory"
 * clobber keeps the compiler from moving them across it, which is what
 * the release stores of lcore_add() ask (the reader, lcore_read(), sees
 * seq odd, or even and the fields of that seq).
 */
static inline __attribute__((always_inline)) void
mrc_lcore_seq_step(struct mrc_lcore *lc)
{
#if defined(__x86_64__) && !defined(__SANITIZE_THREAD__)
	__asm__ volatile("addq $1, %0" : "+m"(lc->seq) : : "memory");
#else
	st_release(&lc->seq, ld_relaxed(&lc->seq) + 1);
#endif
}

/*
 * Whether the lcore's counters take inline events of gen (live_gen):
 * read once, as a relaxed load reads it (an aligned word: whole), by
 * the compare itself on x86-64 (GCC keeps an atomic load apart from its
 * use: one more instruction per event). live_gen has no ordering to
 * keep: it is a relaxed word (its writers: this lcore itself, and
 * mrc_store_lcore_offline() for an lcore that is not counting).
 */
static inline __attribute__((always_inline)) bool
mrc_lcore_live_in(const struct mrc_lcore *lc, uint64_t gen)
{
#if defined(__x86_64__) && defined(__GCC_ASM_FLAG_OUTPUTS__) &&             \
	!defined(__SANITIZE_THREAD__)
	bool eq;

	__asm__("cmpq %2, %1" : "=@cce"(eq) : "r"(gen), "m"(lc->live_gen));
	return eq;
#else
	return ld_relaxed(&lc->live_gen) == gen;
#endif
}

/* One exact event into the lcore's counters, the offset already added
 * up: the seqcount writer of lcore_add() (mrc_store.c); seq's step of 2
 * is the event's count (seq0). */
static inline __attribute__((always_inline)) void
mrc_lcore_count_exact(struct mrc_lcore *lc, int64_t off)
{
	mrc_lcore_seq_step(lc);
	st_release(&lc->exact_off, off);
	mrc_lcore_seq_step(lc);
}

/*
 * mrc_store_count_known() for a key of 1..16 bytes given as its words a,
 * b (mrc_hash_words), the value already in 1e-9 units, v, or with ovf
 * when it is not an int64 (declined with 0 once hashed). The table is
 * the lcore's view of its live generation (mrc_lcore_known_w): after
 * the live_gen test, the store is read only for the hash's words. With 0,
 * *lcp is the lcore, in that generation (mrc_store_count_new_lc).
 */
static inline __attribute__((always_inline)) int
mrc_store_count_known_ab(struct mrc_store *s, unsigned int idx, uint64_t a,
			 uint64_t b, size_t len, int64_t v, bool ovf,
			 uint64_t *hp, struct mrc_lcore **lcp)
{
	struct mrc_lcore *lc;
	uint64_t gen, h;
	int64_t off;

	if (idx >= MRC_MAX_LCORES)
		return -1;
	if (len - 1 >= 16)
		__builtin_unreachable();
	lc = &s->lc[idx];
	/* One pointer for the lcore's fields (as Linux's OPTIMIZER_HIDE_VAR):
	 * GCC would otherwise form s + idx * 256 again at each use. */
	__asm__("" : "+r"(lc));
	/* One generation for the whole event; the lcore online and already
	 * in it: one test (live_gen), which makes lc's view the table. */
	gen = ld_acquire(&s->gen);
	if (!mrc_lcore_live_in(lc, gen))
		return -1;
	/* The key's words hashed, then compared with the record's. */
	h = mrc_hash_short_pre_w(&s->hpre, a, b, len);
	*hp = h;
	*lcp = lc;
	if (!mrc_lcore_known_w(lc, h, a, b, len))
		return 0;
	/* Added to the offset alone: the sum's base stays. */
	if (ovf || !mrc_lcore_exact_next(lc, v, &off))
		return 0;
	mrc_lcore_count_exact(lc, off);
	return 1;
}

/*
 * mrc_store_count_known_ab() for the key's bytes, with len_ok the id's
 * length checked by the caller (1..inline max).
 */
static inline __attribute__((always_inline)) int
mrc_store_count_known_in(struct mrc_store *s, unsigned int idx,
			 const char *key, size_t len, int64_t v, bool ovf,
			 uint64_t *hp, bool len_ok, struct mrc_lcore **lcp)
{
	uint64_t a, b;

	/* len 0 wraps: one compare for both bounds. */
	if (!len_ok && len - 1 >= s->short_max)
		return -1;
	/* short_max is 16 or 0: the key compare needs no memcmp. */
	if (len > 16)
		__builtin_unreachable();
	mrc_hash_words((const unsigned char *)key, len, &a, &b);
	return mrc_store_count_known_ab(s, idx, a, b, len, v, ovf, hp, lcp);
}

/*
 * mrc_store_count_known() with the value already in 1e-9 units, v, or
 * with ovf when it is not an int64 (declined with 0 once hashed).
 */
static inline __attribute__((always_inline)) int
mrc_store_count_known_v(struct mrc_store *s, unsigned int idx,
			const char *key, size_t len, int64_t v, bool ovf,
			uint64_t *hp, struct mrc_lcore **lcp)
{
	return mrc_store_count_known_in(s, idx, key, len, v, ovf, hp, false,
					lcp);
}

/*
 * mrc_store_count_known_v() for an id that the caller checked against
 * mrc_store_inline_max() (so no test hash), of 9..16 bytes with wide,
 * else 4..8, v an int64, given as its words a, b (mrc_hash_words: two
 * 8-byte words, or two 4-byte ones): compared with no test of the
 * length's class.
 */
static inline __attribute__((always_inline)) int
mrc_store_count_known_w(struct mrc_store *s, unsigned int idx, uint64_t a,
			uint64_t b, size_t len, int64_t v, uint64_t *hp,
			bool wide, struct mrc_lcore **lcp)
{
	if (wide ? len < 9 || len > 16 : len < 4 || len > 8)
		__builtin_unreachable();
	return mrc_store_count_known_ab(s, idx, a, b, len, v, false, hp, lcp);
}

/*
 * Count one exact event from lcore idx inline: key (len bytes) the user,
 * sw * mul its value in 1e-9 units (|sw| < 2^53, 0 < mul <= 10^9).
 * Returns 1 when it was counted, exactly as mrc_store_record() counts it
 * (and returns 0): the lcore online and its counters already in the
 * current generation, a known user of 1..16 bytes in its home slot
 * whose record is marked plain (mrc_set_known: so key's bytes, equal to
 * it, are plain text too, whatever the caller checked), the lcore's
 * exact sum staying in the window lcore_add() chose for it (inside
 * [-2^118, 2^118)). Otherwise nothing was done, nothing written, and the caller
 * records the event: 0, the user hashed into *hp (a new user, a probe,
 * an inexact sum: mrc_store_count_new()), or -1 (an id of more than 16 bytes, a
 * first event of a generation, any error: mrc_store_record()).
 */
static inline __attribute__((always_inline)) int
mrc_store_count_known(struct mrc_store *s, unsigned int idx, const char *key,
		      size_t len, int64_t sw, int64_t mul, uint64_t *hp)
{
	struct mrc_lcore *lc;
	int64_t v;
	/* The value in one word (|sw * mul| < 2^63: all but huge ones). */
	bool ovf = __builtin_mul_overflow(sw, mul, &v);

	return mrc_store_count_known_v(s, idx, key, len, v, ovf, hp, &lc);
}

/*
 * After mrc_store_count_known() declined with 0 (h the hash it gave, the
 * same event and lcore): the event recorded as mrc_store_record() records
 * it, with the same returns (1 a new user, 0 a known one, -ENOSPC refused
 * and counted per limit), when its value adds to the exact sum inline (a
 * new user in its empty home slot from the lcore's own blocks needs no
 * probe: mrc_set_insert). Else -EAGAIN: nothing done, nothing written,
 * mrc_store_record_hashed() decides. key must be plain text
 * (mrc_json_compact_id_ok()): its record is marked so.
 */
int mrc_store_count_new(struct mrc_store *s, unsigned int idx,
			const char *key, size_t len, int64_t sw, int64_t mul,
			uint64_t h);

/*
 * mrc_store_count_new() inline, the value already in 1e-9 units, v, or
 * ovf when it is not an int64 (-EAGAIN).
 */
static inline __attribute__((always_inline)) int
mrc_store_count_new_v(struct mrc_store *s, unsigned int idx, const char *key,
		      size_t len, int64_t v, bool ovf, uint64_t h)
{
	/* count_known() checked idx and the id; a reset since then: the
	 * lcore's counters are not in the new generation yet (live_gen). */
	struct mrc_lcore *lc = &s->lc[idx];
	uint64_t gen = ld_acquire(&s->gen);
	int64_t off;
	int rc;

	/* The sum checked before the user is admitted: once it is, the
	 * event is counted here (only this lcore writes lc's sum). */
	if (ld_relaxed(&lc->live_gen) != gen || ovf ||
	    !mrc_lcore_exact_next(lc, v, &off))
		return -EAGAIN;
	rc = mrc_set_insert(s, gen & 1, idx, key, len, h);
	if (__builtin_expect(rc < 0, 0)) {
		if (rc == -ENOBUFS) {
			st_relaxed(&lc->full_arena, lc->full_arena + 1);
			return -ENOSPC;
		}
		st_relaxed(&lc->full_users, lc->full_users + 1);
		return rc;
	}
	mrc_lcore_count_exact(lc, off);
	return rc;
}

/*
 * mrc_store_count_new_v() for the event whose known test
 * (mrc_store_count_known_ab) declined with 0 just before, on lc, the
 * lcore it gave (online and live in the generation that test read: lc's
 * view is that generation's table and blocks, and the event stays in
 * that generation, as every event read one generation once), h the hash
 * it gave, v the value in 1e-9 units: a new user whose home slot is
 * empty admitted from the lcore's own blocks (mrc_set_insert's inline
 * case) and counted, with mrc_store_count_new()'s returns. Anything else
 * (empty blocks, a sum the inline paths do not take, a lost claim):
 * -EAGAIN, nothing done, nothing written; a taken home slot: -EEXIST,
 * nothing done (mrc_store_count_moved() may find the user); the slot
 * claimed but the quota's unit lost to another lcore: -EINPROGRESS,
 * mrc_store_count_new_claimed() then finishes. key must be plain
 * (mrc_json_compact_id_ok()): its record is marked so.
 */
static inline __attribute__((always_inline)) int
mrc_store_count_new_lc(struct mrc_store *s, struct mrc_lcore *lc,
		       const char *key, size_t len, int64_t v, uint64_t h)
{
	struct mrc_set_blk *b = lc->v_blk;
	uint64_t *slot = &lc->v_slots[h & lc->v_mask];
	uint64_t tag = mrc_slot_tag(h), rec = REC_HDR + len, off = b->a_off;
	uint64_t q = ld_relaxed(&b->quota), sv = 0;
	int64_t sum;

	/* The sum checked before the user is admitted: once it is, the
	 * event is counted here (only this lcore writes lc's sum). Only
	 * this lcore moves a_off and a_end while the table is live. */
	if (__builtin_expect(ld_relaxed(slot) != 0, 0))
		return -EEXIST;
	if (!mrc_lcore_exact_next(lc, v, &sum) ||
	    __builtin_expect(q == 0 || b->a_end - off < rec, 0) ||
	    !__atomic_compare_exchange_n(slot, &sv,
					 mrc_slot_make(tag, SLOT_PENDING), false,
					 __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
		return -EAGAIN;
	/* Ours now; the quota shrinks under us only when another lcore takes
	 * single ids from it (near the cap): then the general admission,
	 * out of line (mrc_store_count_new_claimed). */
	if (__builtin_expect(!__atomic_compare_exchange_n(&b->quota, &q, q - 1,
							  false,
							  __ATOMIC_RELAXED,
							  __ATOMIC_RELAXED),
			     0))
		return -EINPROGRESS;
	st_relaxed(&b->a_off, off + rec);
	st_relaxed(&b->admitted, b->admitted + 1);
	mrc_set_key_put(lc->v_arena + off, key, len, true);
	st_release(slot, mrc_slot_make(tag, off + SLOT_REC_BIAS));
	mrc_lcore_count_exact(lc, sum);
	return 1;
}

/*
 * After mrc_store_count_new_lc() returned -EAGAIN on lc for an id of len
 * bytes: lc's blocks of its view's table refilled when one was empty
 * (mrc_set_refill): true when mrc_store_count_new_lc() may now take the
 * id; false when nothing was refilled (mrc_store_count_new() decides).
 */
bool mrc_store_refill(struct mrc_store *s, struct mrc_lcore *lc, size_t len);

/*
 * After mrc_store_count_new_lc() returned -EEXIST (the same event, lc,
 * h and v; a, b the id's words, mrc_hash_words): the id's chain walked
 * through lc's view (mrc_set_find_in), a known user found there (one
 * whose home slot another took first) counted: 0, as mrc_store_record()
 * returns. Anything else: -EAGAIN, nothing done, nothing written.
 */
static inline __attribute__((always_inline)) int
mrc_store_count_moved(struct mrc_lcore *lc, uint64_t a, uint64_t b,
		      size_t len, int64_t v, uint64_t h)
{
	uint64_t *slot;
	int64_t sum;

	if (mrc_set_find_in(lc->v_slots, lc->v_arena, lc->v_mask,
			    lc->v_arena_bytes, h, a, b, len, &slot) != 1 ||
	    !mrc_lcore_exact_next(lc, v, &sum))
		return -EAGAIN;
	mrc_lcore_count_exact(lc, sum);
	return 0;
}

/*
 * After mrc_store_count_new_lc() returned -EINPROGRESS (the same event,
 * nothing else done on this lcore since): its claimed slot admitted by
 * the general admission (mrc_set_admit) and the event counted, with
 * mrc_store_count_new()'s returns.
 */
int mrc_store_count_new_claimed(struct mrc_store *s, struct mrc_lcore *lc,
				const char *key, size_t len, int64_t v,
				uint64_t h);

#endif /* LR_API_MRC_STORE_FAST_H */
