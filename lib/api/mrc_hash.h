/* SPDX-License-Identifier: BSD-3-Clause */
/* mrc_hash.h: the seeded 64-bit key hash of the 1MRC and series stores. */
#ifndef LR_API_MRC_HASH_H
#define LR_API_MRC_HASH_H

#include <stddef.h>
#include <stdint.h>

/*
 * Hash len bytes at key with a secret seed: multiply-fold mixing, every
 * input bit reaching every output bit. Without the seed, a peer cannot
 * pick keys that collide. Pure; any thread.
 */
uint64_t mrc_hash(const void *key, size_t len, uint64_t seed);

#endif /* LR_API_MRC_HASH_H */
