/* SPDX-License-Identifier: BSD-3-Clause */
/* mrc_set.c: the 1MRC store's unique-user set: probe, claim, per-lcore
 * capacity blocks. */
#include <errno.h>
#include <sched.h>
#include <string.h>

#include "api/mrc_store_priv.h"

/*
 * Capacity without a shared cache line. A new id needs one unit of the id
 * cap and REC_HDR + len arena bytes. Each lcore takes them in blocks
 * (SET_USER_BLOCK ids, SET_ARENA_BLOCK bytes) from the table's shared
 * counters and spends them from its own line, so the table's counters are
 * touched once per block, not once per id.
 *
 * The id cap stays exact. Blocks shrink as the shared count nears the cap
 * (a quarter of what is left per online lcore), and once it is spent an
 * lcore takes single ids from the other lcores' quotas by CAS: a new id is
 * refused only when the shared count is spent and every quota was seen
 * empty. Quotas never grow once the shared count is spent, so at the end
 * of that scan the set holds max_users ids. Arena bytes come before the
 * id (a refused id never gives an id back, only bytes).
 *
 * The arena stays a bound, not an exact figure: blocks are taken only
 * while a whole block stays free behind them, records longer than
 * SET_ARENA_DIRECT go to the table directly, and near the end every record
 * does; the tail of a block too short for the next record (under
 * SET_ARENA_DIRECT bytes) is left unused, and a refusal may leave other
 * lcores' partly used blocks (at most one each) unspent.
 */

/* Take n units of ctr below limit by CAS; *old gets the first. */
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

/* Take one unit from a quota by CAS (it may be another lcore's). */
static inline bool
quota_take1(uint64_t *q)
{
	uint64_t v = ld_relaxed(q);

	while (v > 0)
		if (__atomic_compare_exchange_n(q, &v, v - 1, false,
						__ATOMIC_RELAXED,
						__ATOMIC_RELAXED))
			return true;
	return false;
}

/* Whether some lcore's quota of table ti still holds an id. */
static bool
quota_any(struct mrc_store *s, unsigned int ti)
{
	unsigned int hi = ld_acquire(&s->lcore_hi);

	for (unsigned int i = 0; i < hi; i++)
		if (ld_relaxed(&s->lc[i].blk[ti].quota) > 0)
			return true;
	return false;
}

/*
 * A block of ids from table ti's shared count (a quarter of what is left
 * per online lcore, 1..SET_USER_BLOCK): how many were taken, 0 once the
 * count is spent.
 */
static uint64_t
quota_block(struct mrc_store *s, unsigned int ti)
{
	struct mrc_table *t = &s->tab[ti];
	unsigned int hi = ld_relaxed(&s->lcore_hi);
	uint64_t v = ld_relaxed(&t->reserved), want, left;

	while (v < s->max_users) {
		left = s->max_users - v;
		want = left / (4 * (uint64_t)(hi ? hi : 1));
		want = want < 1 ? 1 : want > SET_USER_BLOCK ? SET_USER_BLOCK
							    : want;
		if (__atomic_compare_exchange_n(&t->reserved, &v, v + want,
						false, __ATOMIC_RELAXED,
						__ATOMIC_RELAXED))
			return want;
	}
	return 0;
}

/*
 * One unit of the id cap for lcore idx: its own quota, else a block from
 * the table (one unit used now, the rest to the quota), else one from
 * another lcore's quota once the table's count is spent.
 */
static bool
quota_take(struct mrc_store *s, unsigned int ti, unsigned int idx)
{
	struct mrc_set_blk *b = &s->lc[idx].blk[ti];
	uint64_t want;
	unsigned int hi;

	if (quota_take1(&b->quota))
		return true;
	want = quota_block(s, ti);
	if (want) {
		if (want > 1)
			__atomic_add_fetch(&b->quota, want - 1,
					   __ATOMIC_RELAXED);
		return true;
	}
	/* The shared count is spent: near the cap, count one by one. */
	hi = ld_acquire(&s->lcore_hi);
	for (unsigned int i = 0; i < hi; i++)
		if (i != idx && quota_take1(&s->lc[i].blk[ti].quota))
			return true;
	return false;
}

/*
 * Arena bytes for a record of rec bytes: from the lcore's block, else a
 * new block (while one stays free behind it and rec is short), else
 * straight from the table. *blk says where they came from, for a refund.
 */
static bool
arena_take(struct mrc_store *s, struct mrc_table *t, struct mrc_set_blk *b,
	   uint64_t rec, uint64_t *off, bool *blk)
{
	uint64_t o = b->a_off;

	*blk = true;
	if (b->a_end - o >= rec) {
		st_relaxed(&b->a_off, o + rec);
		*off = o;
		return true;
	}
	if (rec <= SET_ARENA_DIRECT && s->arena_bytes > 2 * SET_ARENA_BLOCK &&
	    reserve(&t->arena_used, SET_ARENA_BLOCK,
		    s->arena_bytes - SET_ARENA_BLOCK, &o)) {
		st_relaxed(&b->a_off, o + rec);
		st_relaxed(&b->a_end, o + SET_ARENA_BLOCK);
		*off = o;
		return true;
	}
	*blk = false;
	return reserve(&t->arena_used, rec, s->arena_bytes, off);
}

/* Give back what arena_take() gave, when the id is refused after all. */
static void
arena_refund(struct mrc_table *t, struct mrc_set_blk *b, uint64_t rec,
	     uint64_t off, bool blk)
{
	uint64_t end = off + rec;

	if (blk) {
		st_relaxed(&b->a_off, off);
		return;
	}
	/* Give the bytes back if nobody allocated after us. */
	__atomic_compare_exchange_n(&t->arena_used, &end, off, false,
				    __ATOMIC_RELAXED, __ATOMIC_RELAXED);
}

/*
 * Whether a new id of rec bytes could still be admitted by lcore idx (a
 * hint; exact when it says no). Its own block answers without a shared
 * line; otherwise the table's counters, and the other quotas once the
 * shared count is spent.
 */
static inline bool
set_has_room(struct mrc_store *s, unsigned int ti, unsigned int idx,
	     uint64_t rec)
{
	const struct mrc_set_blk *b = &s->lc[idx].blk[ti];
	const struct mrc_table *t = &s->tab[ti];
	bool ids, bytes;

	ids = ld_relaxed(&b->quota) > 0;
	bytes = b->a_end - b->a_off >= rec;
	if (__builtin_expect(ids && bytes, 1))
		return true;
	if (!bytes)
		bytes = ld_relaxed(&t->arena_used) + rec <= s->arena_bytes;
	if (!ids)
		ids = ld_relaxed(&t->reserved) < s->max_users ||
		      quota_any(s, ti);
	return ids && bytes;
}

/* Which limit refuses a new id of rec bytes: -ENOSPC ids, -ENOBUFS arena. */
static int
set_full_code(struct mrc_store *s, unsigned int ti, unsigned int idx,
	      uint64_t rec)
{
	const struct mrc_set_blk *b = &s->lc[idx].blk[ti];
	const struct mrc_table *t = &s->tab[ti];
	bool ids = ld_relaxed(&b->quota) > 0 ||
		   ld_relaxed(&t->reserved) < s->max_users || quota_any(s, ti);

	if (ids && b->a_end - b->a_off < rec &&
	    ld_relaxed(&t->arena_used) + rec > s->arena_bytes)
		return -ENOBUFS;
	return -ENOSPC;
}

/* Wait for a pending slot to be published or refused. */
static uint64_t
slot_wait(uint64_t *slot, uint64_t v)
{
	uint64_t now;

	for (unsigned int n = 0; (now = ld_acquire(slot)) == v; n++) {
		if (n < 1024)
			mrc_cpu_relax();
		else
			sched_yield(); /* the claimer was preempted */
	}
	return now;
}

/*
 * We own a pending slot for a key now known to be new: admit it, write it,
 * publish it, its record marked plain as plain says. On refusal the slot
 * becomes a tombstone, never empty again: another thread may already
 * have probed past it. mrc_set_insert() does the same inline when the
 * lcore's own blocks have room.
 */
static inline __attribute__((always_inline)) int
set_admit(struct mrc_store *s, unsigned int ti, unsigned int idx,
	  uint64_t *slot, uint64_t tag, const char *key, size_t len,
	  bool plain)
{
	struct mrc_set_blk *b = &s->lc[idx].blk[ti];
	struct mrc_table *t = &s->tab[ti];
	uint64_t rec = REC_HDR + len, off;
	unsigned char *r;
	int rc = -ENOBUFS;
	bool blk;

	if (!arena_take(s, t, b, rec, &off, &blk))
		goto refuse;
	if (!quota_take(s, ti, idx)) {
		arena_refund(t, b, rec, off, blk);
		rc = -ENOSPC;
		goto refuse;
	}
	st_relaxed(&b->admitted, b->admitted + 1);
	r = s->arena[ti] + off;
	mrc_set_key_put(r, key, len, plain);
	st_release(slot, mrc_slot_make(tag, off + SLOT_REC_BIAS));
	return 1;
refuse:
	st_release(slot, mrc_slot_make(tag, SLOT_TOMB));
	return rc;
}

int
mrc_set_admit(struct mrc_store *s, unsigned int ti, unsigned int idx,
	      uint64_t *slot, uint64_t tag, const char *key, size_t len)
{
	return set_admit(s, ti, idx, slot, tag, key, len,
			 mrc_set_key_plain(key, len));
}

int
mrc_set_insert_probe(struct mrc_store *s, unsigned int ti, unsigned int idx,
		     const char *key, size_t len, uint64_t h)
{
	uint64_t tag = mrc_slot_tag(h);
	uint64_t *slots = s->slots[ti], i = h & s->mask, v, st;
	const unsigned char *arena = s->arena[ti];

	for (uint64_t probes = 0; probes <= s->mask;
	     probes++, i = (i + 1) & s->mask) {
		v = ld_acquire(&slots[i]);
	again:
		if (v == 0) {
			if (!set_has_room(s, ti, idx, REC_HDR + len)) {
				/*
				 * Still empty after seeing the set full: at
				 * that instant the key was absent and the
				 * set full, so refusing is correct.
				 */
				v = ld_acquire(&slots[i]);
				if (v == 0)
					return set_full_code(s, ti, idx,
							     REC_HDR + len);
				goto again;
			}
			if (!__atomic_compare_exchange_n(
				    &slots[i], &v,
				    mrc_slot_make(tag, SLOT_PENDING), false,
				    __ATOMIC_ACQUIRE, __ATOMIC_ACQUIRE))
				goto again; /* v is what beat us */
			return mrc_set_admit(s, ti, idx, &slots[i], tag, key,
					     len);
		}
		if ((v & SLOT_TAG_MASK) != tag)
			continue;
		st = v >> SLOT_TAG_BITS;
		if (st == SLOT_PENDING) {
			v = slot_wait(&slots[i], v);
			goto again;
		}
		if (st != SLOT_TOMB &&
		    mrc_set_key_eq(arena + st - SLOT_REC_BIAS, key, len, false))
			return 0;
	}
	return -ENOSPC;
}

bool
mrc_set_refill(struct mrc_store *s, unsigned int ti, unsigned int idx,
	       uint64_t rec)
{
	struct mrc_set_blk *b = &s->lc[idx].blk[ti];
	struct mrc_table *t = &s->tab[ti];
	uint64_t want, o;
	bool more = false;

	/* As quota_take()'s block, every unit to the quota: the shared
	 * count is not spent, so quotas may still grow. */
	if (ld_relaxed(&b->quota) == 0) {
		want = quota_block(s, ti);
		if (want) {
			__atomic_add_fetch(&b->quota, want, __ATOMIC_RELAXED);
			more = true;
		}
	}
	/* As arena_take()'s new block (the old one's tail left unused). */
	if (b->a_end - b->a_off < rec && rec <= SET_ARENA_DIRECT &&
	    s->arena_bytes > 2 * SET_ARENA_BLOCK &&
	    reserve(&t->arena_used, SET_ARENA_BLOCK,
		    s->arena_bytes - SET_ARENA_BLOCK, &o)) {
		st_relaxed(&b->a_off, o);
		st_relaxed(&b->a_end, o + SET_ARENA_BLOCK);
		more = true;
	}
	return more && ld_relaxed(&b->quota) > 0 && b->a_end - b->a_off >= rec;
}

int
mrc_set_insert_chain(struct mrc_store *s, unsigned int ti, unsigned int idx,
		     const char *key, size_t len, uint64_t h)
{
	uint64_t a, b, *slot, v = 0;
	int found;

	mrc_hash_words((const unsigned char *)key, len, &a, &b);
	found = mrc_set_find_w(s, ti, h, a, b, len, &slot);
	if (found > 0)
		return 0;
	/* As the probe at an empty slot: room first, then the claim. */
	if (found < 0 || !set_has_room(s, ti, idx, REC_HDR + len) ||
	    !__atomic_compare_exchange_n(slot, &v,
					 mrc_slot_make(mrc_slot_tag(h),
						       SLOT_PENDING),
					 false, __ATOMIC_ACQUIRE,
					 __ATOMIC_RELAXED))
		return mrc_set_insert_probe(s, ti, idx, key, len, h);
	return set_admit(s, ti, idx, slot, mrc_slot_tag(h), key, len, true);
}

void
mrc_set_clear_blocks(struct mrc_store *s, unsigned int ti)
{
	for (unsigned int i = 0; i < MRC_MAX_LCORES; i++) {
		struct mrc_set_blk *b = &s->lc[i].blk[ti];

		st_relaxed(&b->quota, 0);
		st_relaxed(&b->admitted, 0);
		st_relaxed(&b->a_off, 0);
		st_relaxed(&b->a_end, 0);
	}
}
