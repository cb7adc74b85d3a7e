/* SPDX-License-Identifier: BSD-3-Clause */
/* mrc_hash.c: the seeded 64-bit key hash of the 1MRC and series stores. */
#include "api/mrc_hash.h"

uint64_t
mrc_hash(const void *key, size_t len, uint64_t seed)
{
	const unsigned char *p = key;
	uint64_t h = mrc_hash_fold(seed ^ MRC_HK0, (uint64_t)len ^ MRC_HK1);
	size_t n = len;

	/*
	 * Each 16-byte block is folded into h; the secret XORed into both
	 * halves keeps a zero product (which would erase h) out of an
	 * attacker's reach without the seed.
	 */
	while (n > 16) {
		h = mrc_hash_fold(mrc_hash_rd64(p) ^ seed ^ MRC_HK2,
				  mrc_hash_rd64(p + 8) ^ h ^ MRC_HK3);
		p += 16;
		n -= 16;
	}
	return mrc_hash_tail(p, n, h, len, seed);
}
