/* SPDX-License-Identifier: BSD-3-Clause */
/* mrc_hash.h: the seeded 64-bit key hash of the 1MRC and series stores. */
#ifndef LR_API_MRC_HASH_H
#define LR_API_MRC_HASH_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/*
 * Hash len bytes at key with a secret seed: multiply-fold mixing, every
 * input bit reaching every output bit. Without the seed, a peer cannot
 * pick keys that collide. Pure; any thread.
 */
uint64_t mrc_hash(const void *key, size_t len, uint64_t seed);

#define MRC_HK0 0x9e3779b97f4a7c15ULL
#define MRC_HK1 0xd1b54a32d192ed03ULL
#define MRC_HK2 0x8cb92ba72f3d8dd7ULL
#define MRC_HK3 0xa0761d6478bd642fULL

/* 64x64->128 multiply folded: every input bit reaches every output bit. */
static inline uint64_t
mrc_hash_fold(uint64_t a, uint64_t b)
{
#if defined(__x86_64__)
	/* The same product: GCC spills an __int128's halves where registers
	 * are scarce (the inlined POST /event path); one mulq does not. */
	uint64_t hi;

	__asm__("mulq %3" : "=a"(a), "=d"(hi) : "0"(a), "rm"(b) : "cc");
	return a ^ hi;
#else
	unsigned __int128 r = (unsigned __int128)a * b;

	return (uint64_t)r ^ (uint64_t)(r >> 64);
#endif
}

static inline uint64_t
mrc_hash_rd64(const unsigned char *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static inline uint64_t
mrc_hash_rd32(const unsigned char *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/*
 * The last n bytes of a key (0..16, at p) as the two words mrc_hash
 * mixes: two possibly overlapping loads, never past p + n.
 */
static inline __attribute__((always_inline)) void
mrc_hash_words(const unsigned char *p, size_t n, uint64_t *a, uint64_t *b)
{
	if (__builtin_expect(n > 8, 1)) {
		*a = mrc_hash_rd64(p);
		*b = mrc_hash_rd64(p + n - 8);
	} else if (n >= 4) {
		*a = mrc_hash_rd32(p);
		*b = mrc_hash_rd32(p + n - 4);
	} else if (n > 0) {
		*a = (uint64_t)p[0] << 16 | (uint64_t)p[n >> 1] << 8 | p[n - 1];
		*b = 0;
	} else {
		*a = *b = 0;
	}
}

/*
 * mrc_hash's finish from the hash so far, h, and the last 1..16 bytes
 * (0 for an empty key): n of them at p, len in all.
 */
static inline __attribute__((always_inline)) uint64_t
mrc_hash_tail(const unsigned char *p, size_t n, uint64_t h, size_t len,
	      uint64_t seed)
{
	uint64_t a, b;

	mrc_hash_words(p, n, &a, &b);
	h = mrc_hash_fold(a ^ seed ^ MRC_HK1, b ^ h ^ MRC_HK2);
	/* The seed in both operands of the last fold too. */
	return mrc_hash_fold(h ^ seed ^ MRC_HK3,
			     (uint64_t)len ^ seed ^ MRC_HK0);
}

/*
 * Up to 16 bytes, what mrc_hash() computes from the seed and the length
 * alone, for a caller that hashes many short keys with one seed (the
 * user set): mrc_hash_short_pre() then costs two multiplies.
 */
struct mrc_hash_pre {
	uint64_t k1; /* seed ^ MRC_HK1 */
	uint64_t k3; /* seed ^ MRC_HK3 */
	/* Per length, in two arrays (each indexed by len * 8 in one
	 * address): the first fold ^ MRC_HK2, and len ^ seed ^ MRC_HK0. */
	uint64_t h0[17];
	uint64_t h1[17];
};

static inline void
mrc_hash_pre_init(struct mrc_hash_pre *pre, uint64_t seed)
{
	pre->k1 = seed ^ MRC_HK1;
	pre->k3 = seed ^ MRC_HK3;
	for (uint64_t len = 0; len <= 16; len++) {
		pre->h0[len] = mrc_hash_fold(seed ^ MRC_HK0, len ^ MRC_HK1) ^
			       MRC_HK2;
		pre->h1[len] = len ^ seed ^ MRC_HK0;
	}
}

/* mrc_hash_short_pre() from the key's words (mrc_hash_words), for a
 * caller that compares the key by the same words. */
static inline __attribute__((always_inline)) uint64_t
mrc_hash_short_pre_w(const struct mrc_hash_pre *pre, uint64_t a, uint64_t b,
		     size_t len)
{
	uint64_t h;

	h = mrc_hash_fold(a ^ pre->k1, b ^ pre->h0[len]);
	return mrc_hash_fold(h ^ pre->k3, pre->h1[len]);
}

/* mrc_hash(key, len, seed) for len <= 16, pre made from that seed. */
static inline __attribute__((always_inline)) uint64_t
mrc_hash_short_pre(const struct mrc_hash_pre *pre, const void *key,
		   size_t len)
{
	uint64_t a, b;

	mrc_hash_words(key, len, &a, &b);
	return mrc_hash_short_pre_w(pre, a, b, len);
}

#endif /* LR_API_MRC_HASH_H */
