/* SPDX-License-Identifier: BSD-3-Clause */
/* load_hist.c: log-linear latency histogram (HdrHistogram-style). */
#include "load_hist.h"

#define SUB (1u << LOAD_HIST_SUB_BITS)

static unsigned int
load_hist_index(uint64_t v)
{
	unsigned int e;

	if (v < SUB)
		return (unsigned int)v;
	if (v >> LOAD_HIST_MAX_BITS)
		return LOAD_HIST_BUCKETS - 1;
	e = 63u - (unsigned int)__builtin_clzll(v); /* >= SUB_BITS */
	return ((e - LOAD_HIST_SUB_BITS + 1) << LOAD_HIST_SUB_BITS) +
	       (unsigned int)((v >> (e - LOAD_HIST_SUB_BITS)) & (SUB - 1));
}

/* The largest value of bucket i. */
static uint64_t
load_hist_upper(unsigned int i)
{
	unsigned int e, sub;

	if (i < SUB)
		return i;
	e = (i >> LOAD_HIST_SUB_BITS) + LOAD_HIST_SUB_BITS - 1;
	sub = i & (SUB - 1);
	return ((uint64_t)(SUB + sub + 1) << (e - LOAD_HIST_SUB_BITS)) - 1;
}

void
load_hist_add(struct load_hist *h, uint64_t v)
{
	h->b[load_hist_index(v)]++;
	h->count++;
	if (v > h->max)
		h->max = v;
}

void
load_hist_merge(struct load_hist *dst, const struct load_hist *src)
{
	for (unsigned int i = 0; i < LOAD_HIST_BUCKETS; i++)
		dst->b[i] += src->b[i];
	dst->count += src->count;
	if (src->max > dst->max)
		dst->max = src->max;
}

uint64_t
load_hist_quantile(const struct load_hist *h, double q)
{
	uint64_t want, seen = 0, v;

	if (!h->count)
		return 0;
	want = (uint64_t)(q * (double)h->count + 0.5);
	if (want < 1)
		want = 1;
	if (want > h->count)
		want = h->count;
	for (unsigned int i = 0; i < LOAD_HIST_BUCKETS; i++) {
		seen += h->b[i];
		if (seen >= want) {
			v = load_hist_upper(i);
			return v < h->max ? v : h->max;
		}
	}
	return h->max;
}
