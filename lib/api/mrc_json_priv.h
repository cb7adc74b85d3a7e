/* SPDX-License-Identifier: BSD-3-Clause */
/* mrc_json_priv.h: the cursor and number scanning that mrc_json.c and
 * mrc_json_num.c share; private to lib/api/mrc_json*.c (and the inline
 * compact path, mrc_json_compact.h). */
#ifndef LR_API_MRC_JSON_PRIV_H
#define LR_API_MRC_JSON_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "api/mrc_json.h"

/* Parse cursor; on the caller's stack, never read at or past end. */
struct mrc_jp {
	const unsigned char *p;
	const unsigned char *end;
};

/* Exact powers of ten: 10^0..10^22 as doubles, 10^0..10^19 as integers. */
extern const double mrc_json_pow10_dbl[23];
extern const uint64_t mrc_json_pow10_u64[20];
/* mrc_json_compact_units()'s tables (mrc_json_num.c), one object: one
 * base address for all. A shape is dp * 16 + f: the highest '.' (0 for
 * none, 0..16) and the first digit's byte (1..16) in the sixteen bytes
 * before the '}'. */
#define MRC_JSON_UNITS_SHAPES (16 * 16 + 16 + 1)
struct mrc_json_units_tab {
	/* Per shape, the byte each lane L takes, L worth 10^(15 - L) units
	 * of 1e-9 (0x80: zero), or a byte that is no digit (refused). */
	uint8_t shuf[MRC_JSON_UNITS_SHAPES][16];
	/* The multiply-adds' factors: bytes, words, words. */
	uint8_t mul[3][16];
	/* Per shape, the least high half (the digits before the point and
	 * the first after it): 10^n for n of 2..7 digits before the point
	 * (no leading zero), else 0. */
	uint32_t lo[MRC_JSON_UNITS_SHAPES];
} __attribute__((aligned(16)));

extern const struct mrc_json_units_tab mrc_json_units;

static inline bool
mrc_json_is_digit(unsigned int c)
{
	return c - '0' < 10;
}

/*
 * Scan the number at j->p (on '-' or a digit) by the RFC 8259 grammar and
 * check it is one jansson accepts (an integer within int64, a real that
 * does not round to infinity). Then, when ev is not NULL, set ev->value
 * (rounded as jansson's strtod, or through int64 for an integer), and
 * ev->exact and ev->scaled (value * 1e9 when that is an integer and |value|
 * < 1e19, see mrc_json.h). Returns 0 with j->p just past the number, or -1
 * (invalid JSON; ev untouched).
 */
int mrc_json_number(struct mrc_jp *j, struct mrc_event *ev);

/*
 * The usual value: [-]digits[.digits], at most 15 digits in all and 9 after
 * the point, no exponent. Then w < 10^15 < 2^53, so w / 10^fl rounds once,
 * exactly as strtod (Clinger), value * 1e9 is w * 10^(9 - fl), and there is
 * no range to check. Anything else returns false having consumed nothing,
 * and goes the general way (mrc_json_number).
 */
static inline __attribute__((always_inline)) bool
mrc_json_value_fast(struct mrc_jp *j, struct mrc_event *ev)
{
	const unsigned char *p = j->p, *end = j->end, *f;
	unsigned int nd = 0, fl = 0;
	bool neg = false, real = false;
	uint64_t w = 0;
	double x;

	if (p < end && *p == '-') {
		neg = true;
		p++;
	}
	if (p < end && *p == '0') {
		p++;
		nd = 1;
	} else {
		for (; p < end && mrc_json_is_digit(*p) && nd <= 15; p++, nd++)
			w = w * 10 + (*p - '0');
	}
	if (nd == 0)
		return false;
	if (p < end && *p == '.') {
		real = true;
		for (f = ++p; p < end && mrc_json_is_digit(*p) && nd <= 15;
		     p++, nd++)
			w = w * 10 + (*p - '0');
		fl = (unsigned int)(p - f);
	}
	if (nd > 15 || (real && (fl == 0 || fl > 9)) || p >= end ||
	    mrc_json_is_digit(*p) || *p == '.' || (*p | 0x20) == 'e')
		return false;
	if (real) {
		x = (double)w / mrc_json_pow10_dbl[fl];
		ev->value = neg ? -x : x;
	} else {
		/* Integers go through int64 in jansson: "-0" is +0.0. */
		ev->value = (double)(neg ? -(int64_t)w : (int64_t)w);
	}
	ev->scaled = (__int128)w *
		     (int64_t)mrc_json_pow10_u64[MRC_EXACT_DIGITS - fl];
	if (neg)
		ev->scaled = -ev->scaled;
	ev->exact = true;
	j->p = p;
	return true;
}

#endif /* LR_API_MRC_JSON_PRIV_H */
