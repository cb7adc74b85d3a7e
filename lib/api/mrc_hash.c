/* SPDX-License-Identifier: BSD-3-Clause */
/* mrc_hash.c: the seeded 64-bit key hash of the 1MRC and series stores. */
#include <string.h>

#include "api/mrc_hash.h"

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
