/* SPDX-License-Identifier: BSD-3-Clause */
/* load_hist.h: log-linear latency histogram (HdrHistogram-style), no deps. */
#ifndef LR_APP_LOAD_HIST_H
#define LR_APP_LOAD_HIST_H

#include <stdint.h>

/*
 * Values below 2^LOAD_HIST_SUB_BITS are exact; above, each power of two
 * is cut into 2^LOAD_HIST_SUB_BITS linear buckets (relative error below
 * 1/64). Values up to 2^LOAD_HIST_MAX_BITS - 1 (in ns: ~18 minutes);
 * larger ones land in the last bucket. max is kept exactly.
 */
#define LOAD_HIST_SUB_BITS 6
#define LOAD_HIST_MAX_BITS 40
#define LOAD_HIST_BUCKETS                                                      \
	((LOAD_HIST_MAX_BITS - LOAD_HIST_SUB_BITS + 1) << LOAD_HIST_SUB_BITS)

struct load_hist {
	uint64_t count;
	uint64_t max;
	uint64_t b[LOAD_HIST_BUCKETS];
};

void load_hist_add(struct load_hist *h, uint64_t v);

/* dst += src. */
void load_hist_merge(struct load_hist *dst, const struct load_hist *src);

/* The value at quantile q (0..1): the upper edge of its bucket, at most
 * max; 0 when empty. */
uint64_t load_hist_quantile(const struct load_hist *h, double q);

#endif
