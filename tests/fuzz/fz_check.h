/* SPDX-License-Identifier: BSD-3-Clause */
/* fz_check.h: the fuzz targets' invariant check and input-seeded cut points. */
#ifndef LR_TESTS_FZ_CHECK_H
#define LR_TESTS_FZ_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/* An invariant the target asserts: on failure, say which and abort(). */
#define FZ_CHECK(cond)                                                         \
	do {                                                                   \
		if (!(cond)) {                                                 \
			fprintf(stderr, "%s:%d: invariant failed: %s\n",       \
				__FILE__, __LINE__, #cond);                    \
			abort();                                               \
		}                                                              \
	} while (0)

/* Pseudo-random cut points, the same for the same input: *s from
 * fz_seed(), then xorshift64 steps. */
static inline uint64_t
fz_next(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* A nonzero seed from the input's bytes (FNV-1a over them and size). */
static inline uint64_t
fz_seed(const uint8_t *data, size_t size)
{
	uint64_t h = 0x9e3779b97f4a7c15ull ^ size;

	for (size_t i = 0; i < size; i++)
		h = (h ^ data[i]) * 0x100000001b3ull;
	return h | 1;
}

/* Sort cut points cuts[0..nc) ascending (insertion sort: nc is small). */
static inline void
fz_sort_cuts(size_t *cuts, size_t nc)
{
	for (size_t i = 1; i < nc; i++)
		for (size_t j = i; j > 0 && cuts[j - 1] > cuts[j]; j--) {
			size_t t = cuts[j];

			cuts[j] = cuts[j - 1];
			cuts[j - 1] = t;
		}
}

/* Whether [p, p + n) lies within [buf, buf + len). */
static inline bool
fz_within(const char *p, size_t n, const char *buf, size_t len)
{
	return p >= buf && n <= len && (size_t)(p - buf) <= len - n;
}

#endif
