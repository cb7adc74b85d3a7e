/* SPDX-License-Identifier: BSD-3-Clause */
/* mrc_json_num.c: JSON numbers of the /event parser: grammar, jansson's
 * range, correctly rounded doubles and exact 1e-9 fixed point. */
#include <float.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/mrc_json_priv.h"

/* Exponents beyond this are saturated: they over- or underflow anyway. */
#define EXP_SAT 1000000000000000LL
/* Digits kept when handing a long number to strtod (see num_strtod). */
#define STRTOD_DIGITS 800

/*
 * 2^1024 - 2^970: the smallest magnitude strtod rounds to infinity (the
 * halfway point above DBL_MAX, which ties to even, i.e. up). jansson
 * rejects a real at or above it as "real number overflow".
 */
static const char dbl_ovf_digits[] =
	"1797693134862315807937289714053034150799341327100378269361737789804"
	"4496829276475094664901797758720709633028641669288791094655554785194"
	"0402630657488671505820681908902000708383676273854845817711531764475"
	"7302700698555713669596228429148198608349364752927190741684443655107"
	"04342711559699508093042880177904174497792";

/* Exact powers of ten for the fast paths. */
/* clang-format off */
const double mrc_json_pow10_dbl[23] = {
	1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
	1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
};

const uint64_t mrc_json_pow10_u64[20] = {
	1ULL, 10ULL, 100ULL, 1000ULL, 10000ULL, 100000ULL, 1000000ULL,
	10000000ULL, 100000000ULL, 1000000000ULL, 10000000000ULL,
	100000000000ULL, 1000000000000ULL, 10000000000000ULL,
	100000000000000ULL, 1000000000000000ULL, 10000000000000000ULL,
	100000000000000000ULL, 1000000000000000000ULL,
	10000000000000000000ULL,
};
/* clang-format on */

/*
 * mrc_json_compact_units()'s row for the highest '.' at byte dp of the
 * sixteen bytes before the '}' (0 for none) and the first digit at byte
 * f (1..16; the ':' or the sign before it), row dp * 16 + f: D = dp when
 * dp >= f (the number's point), else 16 (no point), ni = D - f digits
 * before it. Lane L, worth 10^(15 - L) units of 1e-9, takes byte j: the
 * ones digit (D - 1) in lane 6, the places above it in lanes 0..5, the
 * nine after the point in lanes 7..15, and 0x80 (zero) where j is below
 * f or past the end. A shape it cannot take puts a byte that is no digit
 * in lane 0, so that the digit check refuses it: with ni of 0 or over 7,
 * byte f - 1 (the ':' or the sign); with ten or more digits after the
 * point (D 0..5) or none (D 15), the point. Row dp * 16 + 0 is dp - 1's
 * f of 16 (no number after the ':' at byte 15): byte 15.
 */
#define U_D(dp, f) ((dp) >= (f) ? (dp) : 16)
#define U_NI(dp, f) (U_D(dp, f) - (f))
#define U_J(dp, f, L) ((L) <= 6 ? U_D(dp, f) - 7 + (L) : U_D(dp, f) + (L) - 6)
#define U_B(dp, f, L)                                                        \
	((f) == 0 ? ((L) == 0 ? 15 : 0x80) :                                 \
	 U_NI(dp, f) < 1 || U_NI(dp, f) > 7 ? ((L) == 0 ? (f) - 1 : 0x80) :  \
	 U_D(dp, f) <= 5 || U_D(dp, f) == 15 ? ((L) == 0 ? U_D(dp, f) : 0x80) \
	 : U_J(dp, f, L) < (f) || U_J(dp, f, L) > 15 ? 0x80 : U_J(dp, f, L))
#define U_ROW(dp, f)                                                         \
	{ U_B(dp, f, 0),  U_B(dp, f, 1),  U_B(dp, f, 2),  U_B(dp, f, 3),     \
	  U_B(dp, f, 4),  U_B(dp, f, 5),  U_B(dp, f, 6),  U_B(dp, f, 7),     \
	  U_B(dp, f, 8),  U_B(dp, f, 9),  U_B(dp, f, 10), U_B(dp, f, 11),    \
	  U_B(dp, f, 12), U_B(dp, f, 13), U_B(dp, f, 14), U_B(dp, f, 15) }
/* The least high half (lanes 0..7: the digits before the point and the
 * first after it) with ni digits before the point: 10^ni from 2 on (no
 * leading zero), else 0. */
#define U_POW(n) ((n) == 2 ? 100 : (n) == 3 ? 1000 : (n) == 4 ? 10000 :     \
		  (n) == 5 ? 100000 : (n) == 6 ? 1000000 : 10000000)
#define U_LO(dp, f)                                                          \
	((f) == 0 || U_NI(dp, f) < 2 || U_NI(dp, f) > 7 ? 0u :               \
	 (uint32_t)U_POW(U_NI(dp, f)))
#define U_ROWS(dp)                                                           \
	U_ROW(dp, 0), U_ROW(dp, 1), U_ROW(dp, 2), U_ROW(dp, 3),              \
	U_ROW(dp, 4), U_ROW(dp, 5), U_ROW(dp, 6), U_ROW(dp, 7),              \
	U_ROW(dp, 8), U_ROW(dp, 9), U_ROW(dp, 10), U_ROW(dp, 11),            \
	U_ROW(dp, 12), U_ROW(dp, 13), U_ROW(dp, 14), U_ROW(dp, 15)
#define U_LOS(dp)                                                            \
	U_LO(dp, 0), U_LO(dp, 1), U_LO(dp, 2), U_LO(dp, 3), U_LO(dp, 4),     \
	U_LO(dp, 5), U_LO(dp, 6), U_LO(dp, 7), U_LO(dp, 8), U_LO(dp, 9),     \
	U_LO(dp, 10), U_LO(dp, 11), U_LO(dp, 12), U_LO(dp, 13),              \
	U_LO(dp, 14), U_LO(dp, 15)

/* clang-format off */
const struct mrc_json_units_tab mrc_json_units = {
	.shuf = {
		U_ROWS(0),  U_ROWS(1),  U_ROWS(2),  U_ROWS(3),  U_ROWS(4),
		U_ROWS(5),  U_ROWS(6),  U_ROWS(7),  U_ROWS(8),  U_ROWS(9),
		U_ROWS(10), U_ROWS(11), U_ROWS(12), U_ROWS(13), U_ROWS(14),
		U_ROWS(15), U_ROWS(16), U_ROW(17, 0),
	},
	/* Byte pairs (10, 1), word pairs (100, 1) and (10000, 1), as
	 * little-endian bytes. */
	.mul = {
		{ 10, 1, 10, 1, 10, 1, 10, 1, 10, 1, 10, 1, 10, 1, 10, 1 },
		{ 100, 0, 1, 0, 100, 0, 1, 0, 100, 0, 1, 0, 100, 0, 1, 0 },
		{ 0x10, 0x27, 1, 0, 0x10, 0x27, 1, 0,
		  0x10, 0x27, 1, 0, 0x10, 0x27, 1, 0 },
	},
	.lo = {
		U_LOS(0),  U_LOS(1),  U_LOS(2),  U_LOS(3),  U_LOS(4),
		U_LOS(5),  U_LOS(6),  U_LOS(7),  U_LOS(8),  U_LOS(9),
		U_LOS(10), U_LOS(11), U_LOS(12), U_LOS(13), U_LOS(14),
		U_LOS(15), U_LOS(16), U_LO(17, 0),
	},
};
/* clang-format on */

/* A number's text split into parts, pointing into the body. */
struct jnum {
	const unsigned char *ip; /* integer digits */
	const unsigned char *fp; /* fraction digits */
	size_t il;
	size_t fl;
	int64_t exp; /* saturated at +-EXP_SAT */
	bool neg;
	bool real; /* has a fraction or an exponent */
};

/*
 * The significant digits of a number (from its first nonzero digit, trailing
 * zeros dropped, the point skipped) as two runs, and e10 such that the value
 * is 0.DIGITS * 10^e10. n == 0 means the value is zero.
 */
struct jdig {
	const unsigned char *a;
	const unsigned char *b;
	size_t al;
	size_t bl;
	size_t n;
	int64_t e10;
};

static void
num_digits(const struct jnum *n, struct jdig *d)
{
	size_t i;

	if (n->ip[0] != '0') {
		d->a = n->ip;
		d->al = n->il;
		d->b = n->fp;
		d->bl = n->fl;
		d->e10 = (int64_t)n->il + n->exp;
	} else {
		for (i = 0; i < n->fl && n->fp[i] == '0'; i++)
			;
		d->a = n->fl ? n->fp + i : NULL;
		d->al = n->fl - i;
		d->b = NULL;
		d->bl = 0;
		d->e10 = n->exp - (int64_t)i;
	}
	d->n = d->al + d->bl;
	while (d->n > 0 &&
	       (d->n > d->al ? d->b[d->n - d->al - 1] : d->a[d->n - 1]) == '0')
		d->n--;
}

static inline unsigned int
dig_at(const struct jdig *d, size_t i)
{
	return (i < d->al ? d->a[i] : d->b[i - d->al]) - '0';
}

/* Whether a scanned number is one jansson accepts (int64, no overflow). */
static bool
num_in_range(const struct jnum *n)
{
	struct jdig d;

	if (!n->real) {
		if (n->il != 19)
			return n->il < 19;
		return memcmp(n->ip,
			      n->neg ? "9223372036854775808"
				     : "9223372036854775807",
			      19) <= 0;
	}
	/* e10 <= (nonzero integer part ? il : 0) + exp: usually decides. */
	if ((n->ip[0] != '0' ? (int64_t)n->il : 0) + n->exp < 309)
		return true;
	num_digits(n, &d);
	if (d.n == 0 || d.e10 != 309)
		return d.e10 < 309 || d.n == 0;
	/* Same decade as the threshold: compare digit strings. */
	for (size_t i = 0; i < sizeof(dbl_ovf_digits) - 1; i++) {
		unsigned int c;

		if (i >= d.n)
			return true; /* a prefix of it: below */
		c = '0' + dig_at(&d, i);
		if (c != (unsigned char)dbl_ovf_digits[i])
			return c < (unsigned char)dbl_ovf_digits[i];
	}
	return false; /* at or above it */
}

/* Scan a number at j->p (on '-' or a digit); -1 when jansson rejects it. */
static int
num_scan(struct mrc_jp *j, struct jnum *n)
{
	const unsigned char *p = j->p, *end = j->end;

	n->neg = *p == '-';
	p += n->neg;
	n->ip = p;
	n->fp = NULL;
	n->fl = 0;
	n->exp = 0;
	n->real = false;
	if (p >= end)
		return -1;
	if (*p == '0') {
		p++;
		if (p < end && mrc_json_is_digit(*p))
			return -1; /* leading zero */
	} else if (mrc_json_is_digit(*p)) {
		do
			p++;
		while (p < end && mrc_json_is_digit(*p));
	} else {
		return -1;
	}
	n->il = (size_t)(p - n->ip);
	if (p < end && *p == '.') {
		n->fp = ++p;
		if (p >= end || !mrc_json_is_digit(*p))
			return -1;
		do
			p++;
		while (p < end && mrc_json_is_digit(*p));
		n->fl = (size_t)(p - n->fp);
		n->real = true;
	}
	if (p < end && (*p | 0x20) == 'e') {
		bool eneg = false;
		int64_t e = 0;

		p++;
		if (p < end && (*p == '+' || *p == '-'))
			eneg = *p++ == '-';
		if (p >= end || !mrc_json_is_digit(*p))
			return -1;
		do {
			if (e < EXP_SAT)
				e = e * 10 + (*p - '0');
			p++;
		} while (p < end && mrc_json_is_digit(*p));
		n->exp = eneg ? -e : e;
		n->real = true;
	}
	j->p = p;
	return num_in_range(n) ? 0 : -1;
}

/*
 * Correctly rounded conversion through strtod. The digits are rewritten as
 * an integer and an exponent so the locale's radix character never matters.
 * Past STRTOD_DIGITS digits the rest is replaced by one nonzero digit: every
 * double and every halfway point between two has at most 767 significant
 * digits, so the rounding decision is unchanged.
 */
static double
num_strtod(const struct jdig *d)
{
	char buf[STRTOD_DIGITS + 32];
	size_t k = d->n < STRTOD_DIGITS ? d->n : STRTOD_DIGITS, i;

	for (i = 0; i < k; i++)
		buf[i] = (char)('0' + dig_at(d, i));
	if (d->n > k)
		buf[k++] = '1';
	snprintf(buf + k, sizeof(buf) - k, "e%lld",
		 (long long)(d->e10 - (int64_t)k));
	return strtod(buf, NULL);
}

/* The first n (<= 19) significant digits as an integer. */
static uint64_t
dig_u64(const struct jdig *d, size_t n)
{
	size_t na = n < d->al ? n : d->al, i;
	uint64_t w = 0;

	for (i = 0; i < na; i++)
		w = w * 10 + (d->a[i] - '0');
	for (i = 0; i < n - na; i++)
		w = w * 10 + (d->b[i] - '0');
	return w;
}

/* The double and the exact form of a scanned number. */
static void
num_convert(const struct jnum *n, struct mrc_event *ev)
{
	unsigned __int128 v;
	struct jdig d;
	uint64_t w = 0;
	int64_t e, k;
	double x;

	if (!n->real) {
		for (size_t i = 0; i < n->il; i++)
			w = w * 10 + (n->ip[i] - '0');
		ev->value = (double)(n->neg ? (int64_t)(0 - w) : (int64_t)w);
		v = (unsigned __int128)w * MRC_EXACT_SCALE;
		ev->scaled = n->neg ? -(__int128)v : (__int128)v;
		ev->exact = true;
		return;
	}
	num_digits(n, &d);
	if (d.n == 0) {
		ev->value = n->neg ? -0.0 : 0.0;
		ev->scaled = 0;
		ev->exact = true;
		return;
	}
	e = d.e10 - (int64_t)d.n;
	if (d.n <= 19)
		w = dig_u64(&d, d.n);
	/*
	 * Clinger's fast path: w and 10^|e| are exact doubles, so one IEEE
	 * multiply or divide rounds the exact value once, as strtod would.
	 */
	if (FLT_EVAL_METHOD == 0 && d.n <= 19 && w <= 1ULL << 53 && e >= -22 &&
	    e <= 22)
		x = e < 0 ? (double)w / mrc_json_pow10_dbl[-e]
			  : (double)w * mrc_json_pow10_dbl[e];
	else
		x = num_strtod(&d);
	ev->value = n->neg ? -x : x;
	/* value = D * 10^e, so value * 1e9 = D * 10^k; D has n <= 28 digits. */
	k = e + MRC_EXACT_DIGITS;
	ev->exact = d.e10 <= 19 && k >= 0;
	if (!ev->exact)
		return;
	if (d.n <= 19) {
		v = w;
	} else {
		v = dig_u64(&d, 19);
		for (size_t i = 19; i < d.n; i++)
			v = v * 10 + dig_at(&d, i);
	}
	if (k > 19) {
		v *= mrc_json_pow10_u64[19];
		k -= 19;
	}
	v *= mrc_json_pow10_u64[k];
	ev->scaled = n->neg ? -(__int128)v : (__int128)v;
}

/* Scan "key" : with the whitespace after it; j->p is on the quote. */

int
mrc_json_number(struct mrc_jp *j, struct mrc_event *ev)
{
	struct jnum n;

	if (num_scan(j, &n))
		return -1;
	if (ev)
		num_convert(&n, ev);
	return 0;
}
