/* SPDX-License-Identifier: BSD-3-Clause */
/* mrc_store_priv.h: the 1MRC store's layout, for mrc_store.c and mrc_reset.c.
 */
#ifndef LR_API_MRC_STORE_PRIV_H
#define LR_API_MRC_STORE_PRIV_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "api/mrc_store.h"

#define CACHE_LINE 64

/*
 * A slot is 0 (empty) or [63..24: state][23..0: hash tag], the tag the
 * hash's top 24 bits (h >> 40: the home slot is from its low bits), the
 * state 1 while the claiming thread writes the key (pending), all ones
 * for a claim refused for capacity (a tombstone, matching nothing), and
 * otherwise key offset + 2 in the arena. A used slot's state is not 0,
 * so the slot is never 0 whatever its tag. The tag in the low bits and
 * the bias of 2 make the known-user test (mrc_slot_rec) two subtractions
 * of the hash's shifted top, a rotation and one compare with the arena's
 * size: no 64-bit constant.
 */
#define SLOT_TAG_BITS 24
#define SLOT_TAG_MASK ((1ULL << SLOT_TAG_BITS) - 1)
#define SLOT_ST_BITS 40
#define SLOT_ST_MASK ((1ULL << SLOT_ST_BITS) - 1)
#define SLOT_PENDING 1ULL
#define SLOT_TOMB SLOT_ST_MASK
#define SLOT_REC_BIAS 2ULL /* state of the record at arena offset 0 */
/* The arena's size is below this: every record's state below SLOT_TOMB,
 * and every state that is no record, taken as an offset, at or above
 * the arena's size (mrc_slot_rec). */
#define SLOT_ARENA_LIMIT (SLOT_ST_MASK - 1)

/* The tag of hash h, as a slot holds it. */
static inline __attribute__((always_inline)) uint64_t
mrc_slot_tag(uint64_t h)
{
	return h >> (64 - SLOT_TAG_BITS);
}

/* The slot for tag with state st. */
static inline __attribute__((always_inline)) uint64_t
mrc_slot_make(uint64_t tag, uint64_t st)
{
	return st << SLOT_TAG_BITS | tag;
}

/*
 * The arena offset of the record slot value v points to when v holds
 * tag (mrc_slot_tag) and a record: v - (tag | 2 << 24) is then
 * offset << 24, rotated by 24 the offset itself. Any other tag leaves
 * low bits that the rotation puts at the top (2^40 or more); an empty
 * slot of tag 0, a pending claim or a tombstone give 2^40 - 3 or more:
 * so the value is a record's offset exactly when it is below the arena's
 * size (< SLOT_ARENA_LIMIT), one compare for every test.
 */
static inline __attribute__((always_inline)) uint64_t
mrc_slot_rec(uint64_t v, uint64_t tag)
{
	uint64_t d = v - mrc_slot_make(tag, SLOT_REC_BIAS);

	return d >> SLOT_TAG_BITS | d << (64 - SLOT_TAG_BITS);
}

/* Before each key: its length, little-endian, 1..REC_LEN_MAX, with
 * REC_RAW set unless every byte is plain JSON string text (printable
 * ASCII but '"' and '\\': mrc_set_key_plain), so that a key matched with
 * a header of its length alone needs no validation where it lies
 * (mrc_store_count_known), and the match compares the length as it is. */
#define REC_HDR 2
#define REC_RAW 0x8000u
#define REC_LEN_MAX 0x7fffu
#define USERS_LIMIT (1U << 30)
#define ARENA_DEFAULT_PER_USER 34
#define RESET_TIMEOUT_MS_DEFAULT 1000
/* Slots one lcore clears per poll (32 KiB), and a lazy reset at most. */
#define CLEAR_CHUNK 4096u
#define RESET_HELP_CHUNKS 2u
/* Bound on one lcore's exact sum: 128 of them still fit in an __int128. */
#define EXACT_LIMIT ((__int128)1 << 119)
/* The exact sums the inline paths count: [-2^118, 2^118), so that their
 * windows (base * 2^62 +- 2^63, |base| <= EXACT_BASE_INLINE) lie inside. */
#define EXACT_INLINE ((__int128)1 << 118)
#define EXACT_BASE_SHIFT 62
#define EXACT_BASE_INLINE ((1LL << 56) - 2)
#define QS_OFFLINE 0

#define ld_relaxed(p) __atomic_load_n((p), __ATOMIC_RELAXED)
#define ld_acquire(p) __atomic_load_n((p), __ATOMIC_ACQUIRE)
#define st_relaxed(p, v) __atomic_store_n((p), (v), __ATOMIC_RELAXED)
#define st_release(p, v) __atomic_store_n((p), (v), __ATOMIC_RELEASE)
#define ld_seq_cst(p) __atomic_load_n((p), __ATOMIC_SEQ_CST)

/* User-set capacity handed to an lcore at a time (mrc_set.c). */
#define SET_USER_BLOCK 64u	/* ids */
#define SET_ARENA_BLOCK 16384u	/* arena bytes */
#define SET_ARENA_DIRECT 256u	/* longer records: straight from the table */

/*
 * Per-generation user-set capacity handed out to lcores (the CAS targets
 * of their refills), and the lazy clearing of the table once retired. A retirement has a serial
 * (s->retired >> 2); the clearing words carry it so that a clearer that
 * slept through a whole clear-reuse-retire cycle can never clear the next
 * retirement's slots before its grace period.
 */
struct mrc_table {
	/* Ids handed to lcores' quotas (admitted or not yet); only grows
	 * until cleared. The unique count is the lcores' admitted sum. */
	uint64_t reserved;
	uint64_t arena_used; /* arena bytes handed out, blocks included */
	/* Written under reset_lock before s->retired publishes them. */
	uint64_t retire_epoch; /* quiescent epoch that makes it clearable */
	/* serial << 32 | next chunk to claim. */
	uint64_t clear_next __attribute__((aligned(CACHE_LINE)));
	uint64_t clear_done;   /* chunks cleared in this retirement */
	uint64_t grace_serial; /* serial whose grace period has passed */
} __attribute__((aligned(CACHE_LINE)));

/*
 * One lcore's share of one table's user set: a quota of ids taken from
 * tab->reserved in blocks, and a block of arena [a_off, a_end). Only the
 * owner writes it while the table is live, except that once the table's
 * shared count is spent other lcores take single ids from quota by CAS
 * (so the cap stays exact); the clearer zeroes it with the table.
 */
struct mrc_set_blk {
	uint64_t quota;	   /* ids this lcore may still admit */
	uint64_t admitted; /* ids it admitted: stats sum them */
	uint64_t a_off;	   /* next free byte of its arena block */
	uint64_t a_end;	   /* end of the block */
};

/* One writer lcore. The first line is a seqcount-protected record. */
struct mrc_lcore {
	uint64_t seq; /* odd while the lcore updates the fields below */
	uint64_t gen; /* generation the counters belong to */
	/* seq when gen's first event began: the lcore's events in gen are
	 * (seq - seq0) / 2 (each adds 2 to seq), no count of their own. */
	uint64_t seq0;
	/* The exact sum, base * 2^62 + off (mrc_lcore_exact): the inline
	 * paths add to off alone while it does not overflow; lcore_add()
	 * places off within 2^61 of its window's middle. */
	int64_t exact_off;
	int64_t exact_base;
	uint64_t inexact; /* double bits: Neumaier sum */
	uint64_t comp;	  /* double bits: its compensation */
	uint64_t n_inexact;
	/* Own line: polled by a resetting thread, rarely written. */
	uint64_t qs __attribute__((aligned(CACHE_LINE))); /* epoch seen */
	/* gen while the lcore is online, its counters are in gen and its
	 * exact sum within EXACT_INLINE, else 0 (offline, no event in gen
	 * yet, a sum beyond): the inline paths' one test. Only this lcore
	 * writes it (and mrc_store_lcore_offline()). */
	uint64_t live_gen;
	/* The view the inline paths read of the table of live_gen (gen & 1)
	 * and of the store's constants, on live_gen's line: written by this
	 * lcore before it sets live_gen (lcore_add), read only by it after
	 * its live_gen test, so valid whenever that test passes. */
	uint64_t *v_slots;
	unsigned char *v_arena;
	uint64_t v_mask;
	uint64_t v_arena_bytes;
	struct mrc_set_blk *v_blk; /* &blk[gen & 1] */
	/* Own line: refusals by this lcore (single writer, racy readers). */
	uint64_t full_users __attribute__((aligned(CACHE_LINE)));
	uint64_t full_arena;
	/* Own line: its share of each table's user set. */
	struct mrc_set_blk blk[2] __attribute__((aligned(CACHE_LINE)));
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
	struct mrc_hash_pre hpre; /* mrc_hash of ids up to 16 bytes */
	/* Ids of 1..short_max bytes hashed with hpre: 16, or 0 with a test
	 * hash (one compare for both). */
	uint64_t short_max;
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
	uint64_t serial;      /* retirements so far; under reset_lock */
	uint64_t resets;      /* resets that switched the generation */
	uint64_t resets_busy; /* resets refused with -EBUSY */
	struct mrc_table tab[2];
	struct mrc_lcore lc[MRC_MAX_LCORES];
};

static inline void
mrc_cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#elif defined(__aarch64__)
	__asm__ volatile("yield" ::: "memory");
#endif
}

/*
 * Insert key, whose hash is h, into table ti for lcore idx (mrc_set.c),
 * probing from slot h & mask: 1 new, 0 known, -ENOSPC full of ids,
 * -ENOBUFS arena full. mrc_set_known() below answers most events first.
 */
int mrc_set_insert_probe(struct mrc_store *s, unsigned int ti,
			 unsigned int idx, const char *key, size_t len,
			 uint64_t h);

/*
 * Admit key into slot, which the caller claimed (tag, SLOT_PENDING) for
 * lcore idx in table ti, the key known to be new (mrc_set.c): 1, or
 * -ENOSPC / -ENOBUFS with the slot a tombstone.
 */
int mrc_set_admit(struct mrc_store *s, unsigned int ti, unsigned int idx,
		  uint64_t *slot, uint64_t tag, const char *key, size_t len);

static inline uint64_t
mrc_set_rd64(const void *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static inline uint32_t
mrc_set_rd32(const void *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/*
 * Whether key's len bytes are all plain JSON string text: printable
 * ASCII (0x20..0x7f) but '"' and '\\' (what mrc_json_compact_scan()
 * takes as an id where it lies).
 */
static inline bool
mrc_set_key_plain(const char *key, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)key[i];

		if (c < 0x20 || c >= 0x80 || c == '"' || c == '\\')
			return false;
	}
	return true;
}

/*
 * Whether the record rec (length, then bytes) holds key; with plain, only
 * a record not marked REC_RAW does. Keys up to 16 bytes, the usual ids,
 * compare inline: two overlapping loads from each side, never past
 * either end, no call.
 */
static inline __attribute__((always_inline)) bool
mrc_set_key_eq(const unsigned char *rec, const char *key, size_t len,
	       bool plain)
{
	const unsigned char *r = rec + REC_HDR;
	size_t hdr = (size_t)(rec[0] | rec[1] << 8);

	if ((plain ? hdr : hdr & REC_LEN_MAX) != len)
		return false;
	/* The classes of mrc_hash_words(): 9..16, 4..8 (a caller that knows
	 * the class tests nothing). */
	if (__builtin_expect(len > 8 && len <= 16, 1))
		return ((mrc_set_rd64(r) ^ mrc_set_rd64(key)) |
			(mrc_set_rd64(r + len - 8) ^
			 mrc_set_rd64(key + len - 8))) == 0;
	if (len >= 4 && len <= 8)
		return ((mrc_set_rd32(r) ^ mrc_set_rd32(key)) |
			(mrc_set_rd32(r + len - 4) ^
			 mrc_set_rd32(key + len - 4))) == 0;
	if (len < 4)
		return r[0] == (unsigned char)key[0] &&
		       r[len >> 1] == (unsigned char)key[len >> 1] &&
		       r[len - 1] == (unsigned char)key[len - 1];
	return memcmp(r, key, len) == 0;
}

/* Write the record for key at rec: its length (with REC_RAW unless
 * plain), then its bytes, written the way mrc_set_key_eq() reads them for
 * keys of up to 16 bytes. */
static inline __attribute__((always_inline)) void
mrc_set_key_put(unsigned char *rec, const char *key, size_t len, bool plain)
{
	unsigned char *r = rec + REC_HDR;
	size_t hdr = len | (plain ? 0 : REC_RAW);

	rec[0] = (unsigned char)hdr;
	rec[1] = (unsigned char)(hdr >> 8);
	if (__builtin_expect(len >= 8 && len <= 16, 1)) {
		uint64_t a = mrc_set_rd64(key), z = mrc_set_rd64(key + len - 8);

		memcpy(r, &a, sizeof(a));
		memcpy(r + len - 8, &z, sizeof(z));
	} else if (len >= 4 && len < 8) {
		uint32_t a = mrc_set_rd32(key), z = mrc_set_rd32(key + len - 4);

		memcpy(r, &a, sizeof(a));
		memcpy(r + len - 4, &z, sizeof(z));
	} else {
		memcpy(r, key, len);
	}
}

/*
 * Whether key, whose hash is h, is a known user of table ti in its home
 * slot (h & mask): most events, since a 1MRC run is 92.5% known users and
 * the table at most half full. Keys of up to 16 bytes (the usual ids) are
 * compared inline: one slot load, one record, no call. With plain, only
 * a record not marked REC_RAW matches. False means not answered here: a
 * new key, a collision, a pending claim (or a record not marked plain);
 * mrc_set_insert_probe() decides.
 */
static inline __attribute__((always_inline)) bool
mrc_set_known(const struct mrc_store *s, unsigned int ti, uint64_t h,
	      const char *key, size_t len, bool plain)
{
	uint64_t v = ld_acquire(&s->slots[ti][h & s->mask]);
	/* Tag, pending and tombstone in one compare (mrc_slot_rec). */
	uint64_t off = mrc_slot_rec(v, mrc_slot_tag(h));

	if (off >= s->arena_bytes)
		return false;
	return mrc_set_key_eq(s->arena[ti] + off, key, len, plain);
}

/*
 * Whether the record at rec holds len bytes (len < 2^16): its header,
 * rec[0] | rec[1] << 8, compared as one 16-bit word where that is its
 * layout (little-endian): one compare with memory, no load and widen.
 */
static inline __attribute__((always_inline)) bool
mrc_rec_len_is(const unsigned char *rec, size_t len)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	uint16_t hl;

	memcpy(&hl, rec, sizeof(hl));
	return hl == (uint16_t)len;
#else
	return (size_t)(rec[0] | rec[1] << 8) == len;
#endif
}

/*
 * The record of a key of 1..16 bytes given as its words a, b
 * (mrc_hash_words: they hold every byte of it, so equal words are equal
 * keys), whose tag is tag, from its home slot's value v: whether v holds
 * a record of the tag (below arena_bytes: mrc_slot_rec) in arena that
 * is plain (not REC_RAW) and of len bytes, read into words the same way
 * (the key's bytes are not loaded again) and equal to a, b.
 */
static inline __attribute__((always_inline)) bool
mrc_set_rec_is(uint64_t v, uint64_t tag, const unsigned char *arena,
	       uint64_t arena_bytes, uint64_t a, uint64_t b, size_t len)
{
	uint64_t off = mrc_slot_rec(v, tag), ra, rb;
	const unsigned char *rec;

	if (len - 1 >= 16)
		__builtin_unreachable();
	/* As mrc_set_known(): tag, pending and tombstone in one compare. */
	if (off >= arena_bytes)
		return false;
	rec = arena + off;
	if (!mrc_rec_len_is(rec, len))
		return false;
	mrc_hash_words(rec + REC_HDR, len, &ra, &rb);
	return ((ra ^ a) | (rb ^ b)) == 0;
}

/*
 * mrc_set_known() for a key of 1..16 bytes given as its words a, b
 * (mrc_set_rec_is) in table ti: its home slot, one record, no call.
 */
static inline __attribute__((always_inline)) bool
mrc_set_known_w(const struct mrc_store *s, unsigned int ti, uint64_t h,
		uint64_t a, uint64_t b, size_t len)
{
	uint64_t v = ld_acquire(&s->slots[ti][h & s->mask]);

	return mrc_set_rec_is(v, mrc_slot_tag(h), s->arena[ti],
			      s->arena_bytes, a, b, len);
}

/*
 * mrc_set_known_w() in the table of lc's view (lc->live_gen's: valid
 * only after its test, mrc_lcore_live_in): no generation's parity, no
 * store field but through lc. The arena's fields are read after the
 * slot's acquire load, where they are used.
 */
static inline __attribute__((always_inline)) bool
mrc_lcore_known_w(const struct mrc_lcore *lc, uint64_t h, uint64_t a,
		  uint64_t b, size_t len)
{
	uint64_t v = ld_acquire(&lc->v_slots[h & lc->v_mask]);
	uint64_t off = mrc_slot_rec(v, mrc_slot_tag(h)), ra, rb;
	const unsigned char *rec;

	if (len - 1 >= 16)
		__builtin_unreachable();
	/* As mrc_set_rec_is(), each of the view's fields loaded where it
	 * is used (no register held for it across the others). */
	if (off >= lc->v_arena_bytes)
		return false;
	rec = lc->v_arena + off;
	if (!mrc_rec_len_is(rec, len))
		return false;
	mrc_hash_words(rec + REC_HDR, len, &ra, &rb);
	return ((ra ^ a) | (rb ^ b)) == 0;
}

/* Slots mrc_set_find_w() looks at before it leaves the chain to
 * mrc_set_insert_probe(): the table is at most half full of ids, so a
 * chain is short (tombstones can make it longer: the probe has no bound
 * but the table). */
#define SET_FIND_INLINE 8u

/*
 * The probe of mrc_set_insert_probe() from h's home slot for a key of
 * 1..16 bytes given as its words a, b (mrc_hash_words) in the table
 * slots / arena (mask, arena bytes), as far as it is
 * decided without a call: the slots of other tags passed (linear
 * probing: the key is never past an empty slot, and a slot is never
 * emptied while its table is live), until
 *  - an empty slot: the key was not in the table when it was read:
 *    *slotp is that slot, returns 0;
 *  - a record of h's tag, not REC_RAW and of len bytes, whose words are
 *    a, b (mrc_set_known_w's compare): the key itself, returns 1;
 *  - anything else of h's tag (a pending claim, a tombstone, another
 *    key, a REC_RAW record) or a longer chain: -1, the probe decides.
 */
static inline __attribute__((always_inline)) int
mrc_set_find_in(uint64_t *slots, const unsigned char *arena, uint64_t mask,
		uint64_t arena_bytes, uint64_t h, uint64_t a, uint64_t b,
		size_t len, uint64_t **slotp)
{
	uint64_t i = h & mask, tag = mrc_slot_tag(h), v;

	for (unsigned int n = 0; n < SET_FIND_INLINE; n++) {
		v = ld_acquire(&slots[i]);
		if (v == 0) {
			*slotp = &slots[i];
			return 0;
		}
		if ((v & SLOT_TAG_MASK) == tag)
			return mrc_set_rec_is(v, tag, arena, arena_bytes, a, b,
					      len)
				       ? 1
				       : -1;
		i = (i + 1) & mask;
	}
	return -1;
}

/* mrc_set_find_in() in table ti. */
static inline __attribute__((always_inline)) int
mrc_set_find_w(const struct mrc_store *s, unsigned int ti, uint64_t h,
	       uint64_t a, uint64_t b, size_t len, uint64_t **slotp)
{
	return mrc_set_find_in(s->slots[ti], s->arena[ti], s->mask,
			       s->arena_bytes, h, a, b, len, slotp);
}

/*
 * mrc_set_insert_probe() for a key of 1..16 bytes whose home slot is
 * taken (mrc_set.c): its chain walked (mrc_set_find_w), a known key
 * found there (one that lost its home slot to another: 0), a new one
 * admitted at the empty slot that ends the chain; anything else by the
 * probe. The same returns. key must be plain (mrc_set_key_plain).
 */
int mrc_set_insert_chain(struct mrc_store *s, unsigned int ti,
			 unsigned int idx, const char *key, size_t len,
			 uint64_t h);

/*
 * mrc_set_insert_probe() with its usual case inline: a new key whose home
 * slot is empty, admitted from this lcore's own blocks (one claim, one
 * quota take, the record, the publication). The same returns; a home
 * slot taken goes to mrc_set_insert_chain(), anything else to the probe,
 * or to mrc_set_admit() once the slot is claimed. key (1..16 bytes) must
 * be plain (mrc_set_key_plain): its record is marked so.
 */
static inline __attribute__((always_inline)) int
mrc_set_insert(struct mrc_store *s, unsigned int ti, unsigned int idx,
	       const char *key, size_t len, uint64_t h)
{
	struct mrc_set_blk *b = &s->lc[idx].blk[ti];
	uint64_t *slot = &s->slots[ti][h & s->mask];
	uint64_t tag = mrc_slot_tag(h);
	uint64_t rec = REC_HDR + len, off = b->a_off, v = 0;
	uint64_t q = ld_relaxed(&b->quota);

	/* Only this lcore moves a_off and a_end while the table is live. */
	if (__builtin_expect(q == 0 || b->a_end - off < rec, 0))
		return mrc_set_insert_probe(s, ti, idx, key, len, h);
	if (__builtin_expect(ld_relaxed(slot) != 0, 0))
		return mrc_set_insert_chain(s, ti, idx, key, len, h);
	if (!__atomic_compare_exchange_n(slot, &v,
					 mrc_slot_make(tag, SLOT_PENDING), false,
					 __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
		return mrc_set_insert_probe(s, ti, idx, key, len, h);
	/* Ours now; the quota shrinks under us only when another lcore takes
	 * single ids from it (near the cap): then the general admission. */
	if (__builtin_expect(!__atomic_compare_exchange_n(&b->quota, &q, q - 1,
							  false,
							  __ATOMIC_RELAXED,
							  __ATOMIC_RELAXED),
			     0))
		return mrc_set_admit(s, ti, idx, slot, tag, key, len);
	st_relaxed(&b->a_off, off + rec);
	st_relaxed(&b->admitted, b->admitted + 1);
	mrc_set_key_put(s->arena[ti] + off, key, len, true);
	st_release(slot, mrc_slot_make(tag, off + SLOT_REC_BIAS));
	return 1;
}

/*
 * Refill lcore idx's blocks of table ti for a record of rec bytes
 * (mrc_set.c): an empty quota from the table's shared count, an arena
 * block too short for rec with a new block, as mrc_set_admit() would
 * when it takes its unit and bytes. True when it took something and the
 * blocks now have room for one more id of rec bytes; false otherwise
 * (nothing to take, or room already there: then something else stood in
 * the way, for the general admission to decide).
 */
bool mrc_set_refill(struct mrc_store *s, unsigned int ti, unsigned int idx,
		    uint64_t rec);

/* Zero every lcore's share of table ti (its clearer, mrc_reset.c). */
void mrc_set_clear_blocks(struct mrc_store *s, unsigned int ti);

/*
 * Clear up to budget chunks of the retired table once its grace period has
 * passed (mrc_reset.c). Any thread, any time; returns the chunks cleared.
 */
unsigned int mrc_clear_step(struct mrc_store *s, unsigned int budget);

#endif /* LR_API_MRC_STORE_PRIV_H */
