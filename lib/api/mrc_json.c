/* SPDX-License-Identifier: BSD-3-Clause */
/* mrc_json.c: the POST /event body parser (single pass, no allocation). */
#include <errno.h>
#include <float.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/mrc_json.h"
#include "core/fmt.h"

#define ERR_JSON MRC_JSON_ERR_JSON
#define ERR_USER MRC_JSON_ERR_USER
#define ERR_USER_LONG MRC_JSON_ERR_USER_LONG
#define ERR_VALUE MRC_JSON_ERR_VALUE
#define ERR_LIMIT MRC_JSON_ERR_LIMIT

/* Exponents beyond this are saturated: they over- or underflow anyway. */
#define EXP_SAT 1000000000000000LL
/* Digits kept when handing a long number to strtod (see num_strtod). */
#define STRTOD_DIGITS 800

_Static_assert(MRC_JSON_MAX_DEPTH <= 32,
	       "jp_skip_value keeps its stack in a word");

enum { KEY_OTHER, KEY_USER, KEY_VALUE };
/* What the last occurrence of a field held; F_FAST: already in ev. */
enum { F_ABSENT, F_OK, F_FAST, F_WRONG, F_LONG };
enum { C_PLAIN, C_QUOTE, C_BSLASH, C_CTRL, C_HIGH };

/* How a string byte is handled; C_PLAIN bytes are copied as they are. */
static const unsigned char str_cls[256] = {
	[0x00 ... 0x1f] = C_CTRL,
	['"'] = C_QUOTE,
	['\\'] = C_BSLASH,
	[0x80 ... 0xff] = C_HIGH,
};

/* RFC 8259 whitespace. */
static const bool is_ws[256] = {[' '] = 1, ['\t'] = 1, ['\n'] = 1, ['\r'] = 1};

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
static const double pow10_dbl[] = {
	1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
	1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
};

static const uint64_t pow10_u64[] = {
	1ULL, 10ULL, 100ULL, 1000ULL, 10000ULL, 100000ULL, 1000000ULL,
	10000000ULL, 100000000ULL, 1000000000ULL, 10000000000ULL,
	100000000000ULL, 1000000000000ULL, 10000000000000ULL,
	100000000000000ULL, 1000000000000000ULL, 10000000000000000ULL,
	100000000000000000ULL, 1000000000000000000ULL,
	10000000000000000000ULL,
};
/* clang-format on */

/* Parse cursor; on the caller's stack, never read at or past end. */
struct jp {
	const unsigned char *p;
	const unsigned char *end;
};

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

static int
fail(const char **err, int rc, const char *msg)
{
	if (err)
		*err = msg;
	return rc;
}

static inline bool
is_digit(unsigned int c)
{
	return c - '0' < 10;
}

static inline void
jp_ws(struct jp *j)
{
	const unsigned char *p = j->p;

	while (p < j->end && is_ws[*p])
		p++;
	j->p = p;
}

#define BYTES(c) (0x0101010101010101ULL * (c))

/*
 * The end of the run of bytes at p that a string copies as they are: stop
 * at '"', '\\', a control byte or a byte >= 0x80. Eight bytes per step:
 * each term sets the top bit of a byte that matches; a borrow can only set
 * bits above a byte that truly matched, so the lowest set bit is exact.
 */
static inline const unsigned char *
plain_run(const unsigned char *p, const unsigned char *end)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	while (end - p >= 8) {
		uint64_t x, q, b, t;

		memcpy(&x, p, sizeof(x));
		q = x ^ BYTES('"');
		b = x ^ BYTES('\\');
		t = ((q - BYTES(1)) & ~q) | ((b - BYTES(1)) & ~b) |
		    ((x - BYTES(0x20)) & ~x) | x;
		t &= BYTES(0x80);
		if (t)
			return p + (__builtin_ctzll(t) >> 3);
		p += 8;
	}
#endif
	while (p < end && str_cls[*p] == C_PLAIN)
		p++;
	return p;
}

/* Length of the valid UTF-8 sequence at p (first byte >= 0x80), or 0. */
static size_t
utf8_seq(const unsigned char *p, const unsigned char *end)
{
	uint32_t cp;
	size_t n;

	if (p[0] < 0xc2)
		return 0; /* continuation byte, or overlong C0/C1 lead */
	if (p[0] < 0xe0) {
		n = 2;
		cp = p[0] & 0x1f;
	} else if (p[0] < 0xf0) {
		n = 3;
		cp = p[0] & 0x0f;
	} else if (p[0] < 0xf5) {
		n = 4;
		cp = p[0] & 0x07;
	} else {
		return 0;
	}
	if ((size_t)(end - p) < n)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (p[i] & 0x3f);
	}
	if (n == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff)))
		return 0;
	if (n == 4 && (cp < 0x10000 || cp > 0x10ffff))
		return 0;
	return n;
}

static int32_t
hex4(const unsigned char *p, const unsigned char *end)
{
	int32_t v = 0;

	if (end - p < 4)
		return -1;
	for (int i = 0; i < 4; i++) {
		int h = fmt_hex_value(p[i]);

		if (h < 0)
			return -1;
		v = v << 4 | h;
	}
	return v;
}

static size_t
utf8_put(uint32_t cp, unsigned char *o)
{
	if (cp < 0x80) {
		o[0] = (unsigned char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (unsigned char)(0xc0 | cp >> 6);
		o[1] = (unsigned char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (unsigned char)(0xe0 | cp >> 12);
		o[1] = (unsigned char)(0x80 | (cp >> 6 & 0x3f));
		o[2] = (unsigned char)(0x80 | (cp & 0x3f));
		return 3;
	}
	o[0] = (unsigned char)(0xf0 | cp >> 18);
	o[1] = (unsigned char)(0x80 | (cp >> 12 & 0x3f));
	o[2] = (unsigned char)(0x80 | (cp >> 6 & 0x3f));
	o[3] = (unsigned char)(0x80 | (cp & 0x3f));
	return 4;
}

/*
 * Append k bytes to out (capacity cap) unless that would pass cap; *n counts
 * every byte, so *n > cap afterwards means the string did not fit.
 */
static inline void
str_put(unsigned char *out, size_t cap, size_t *n, const unsigned char *src,
	size_t k)
{
	if (out && *n + k <= cap)
		memcpy(out + *n, src, k);
	*n += k;
}

/*
 * Decode one escape; j->p is on the backslash. Rules are jansson's: the
 * eight short escapes, \uXXXX with a high surrogate needing an immediate
 * \u low surrogate, lone surrogates and \u0000 rejected.
 */
static int
jp_escape(struct jp *j, unsigned char *out, size_t cap, size_t *n)
{
	const unsigned char *p = j->p + 1;
	unsigned char u[4];
	int32_t cp, lo;

	if (p >= j->end)
		return -1;
	switch (*p) {
	case '"':
	case '\\':
	case '/':
		u[0] = *p;
		break;
	case 'b':
		u[0] = '\b';
		break;
	case 'f':
		u[0] = '\f';
		break;
	case 'n':
		u[0] = '\n';
		break;
	case 'r':
		u[0] = '\r';
		break;
	case 't':
		u[0] = '\t';
		break;
	case 'u':
		cp = hex4(p + 1, j->end);
		if (cp <= 0)
			return -1;
		p += 5;
		if (cp >= 0xd800 && cp <= 0xdbff) {
			if (j->end - p < 6 || p[0] != '\\' || p[1] != 'u')
				return -1;
			lo = hex4(p + 2, j->end);
			if (lo < 0xdc00 || lo > 0xdfff)
				return -1;
			p += 6;
			cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
		} else if (cp >= 0xdc00 && cp <= 0xdfff) {
			return -1;
		}
		str_put(out, cap, n, u, utf8_put((uint32_t)cp, u));
		j->p = p;
		return 0;
	default:
		return -1;
	}
	str_put(out, cap, n, u, 1);
	j->p = p + 1;
	return 0;
}

/*
 * Scan a string whose opening quote is just before j->p, unescaping into
 * out (NULL: validate only). *olen gets the unescaped length, which may
 * exceed cap (then out holds a truncated prefix).
 */
static int
jp_string(struct jp *j, unsigned char *out, size_t cap, size_t *olen)
{
	size_t n = 0;

	for (;;) {
		const unsigned char *run = j->p;
		size_t k;

		j->p = plain_run(j->p, j->end);
		str_put(out, cap, &n, run, (size_t)(j->p - run));
		if (j->p >= j->end)
			return -1;
		switch (str_cls[*j->p]) {
		case C_QUOTE:
			j->p++;
			*olen = n;
			return 0;
		case C_BSLASH:
			if (jp_escape(j, out, cap, &n))
				return -1;
			break;
		case C_HIGH:
			k = utf8_seq(j->p, j->end);
			if (!k)
				return -1;
			str_put(out, cap, &n, j->p, k);
			j->p += k;
			break;
		default:
			return -1; /* raw control character */
		}
	}
}

static int
key_id(const unsigned char *s, size_t n)
{
	if (n == 6 && memcmp(s, "userId", 6) == 0)
		return KEY_USER;
	if (n == 5 && memcmp(s, "value", 5) == 0)
		return KEY_VALUE;
	return KEY_OTHER;
}

/* Scan a key (opening quote just before j->p) and say which one it is. */
static int
jp_key(struct jp *j)
{
	const unsigned char *s = j->p;
	unsigned char buf[8];
	size_t n;

	if (j->end - s >= 7 && memcmp(s, "userId\"", 7) == 0) {
		j->p += 7;
		return KEY_USER;
	}
	if (j->end - s >= 6 && memcmp(s, "value\"", 6) == 0) {
		j->p += 6;
		return KEY_VALUE;
	}
	j->p = plain_run(j->p, j->end);
	if (j->p < j->end && *j->p == '"') {
		n = (size_t)(j->p - s);
		j->p++;
		return key_id(s, n);
	}
	/* Escapes or UTF-8: jansson compares keys after unescaping. */
	j->p = s;
	if (jp_string(j, buf, sizeof(buf), &n))
		return -1;
	return n <= sizeof(buf) ? key_id(buf, n) : KEY_OTHER;
}

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

/* Scan a number at j->p (on '-' or a digit). */
static int
jp_number(struct jp *j, struct jnum *n)
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
		if (p < end && is_digit(*p))
			return -1; /* leading zero */
	} else if (is_digit(*p)) {
		do
			p++;
		while (p < end && is_digit(*p));
	} else {
		return -1;
	}
	n->il = (size_t)(p - n->ip);
	if (p < end && *p == '.') {
		n->fp = ++p;
		if (p >= end || !is_digit(*p))
			return -1;
		do
			p++;
		while (p < end && is_digit(*p));
		n->fl = (size_t)(p - n->fp);
		n->real = true;
	}
	if (p < end && (*p | 0x20) == 'e') {
		bool eneg = false;
		int64_t e = 0;

		p++;
		if (p < end && (*p == '+' || *p == '-'))
			eneg = *p++ == '-';
		if (p >= end || !is_digit(*p))
			return -1;
		do {
			if (e < EXP_SAT)
				e = e * 10 + (*p - '0');
			p++;
		} while (p < end && is_digit(*p));
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

/*
 * The usual value: [-]digits[.digits], at most 15 digits in all and 9 after
 * the point, no exponent. Then w < 10^15 < 2^53, so w / 10^fl rounds once,
 * exactly as strtod (Clinger), value * 1e9 is w * 10^(9 - fl), and there is
 * no range to check. Anything else returns false having consumed nothing,
 * and goes the general way (jp_number, num_convert).
 */
static bool
jp_value_fast(struct jp *j, struct mrc_event *ev)
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
		for (; p < end && is_digit(*p) && nd <= 15; p++, nd++)
			w = w * 10 + (*p - '0');
	}
	if (nd == 0)
		return false;
	if (p < end && *p == '.') {
		real = true;
		for (f = ++p; p < end && is_digit(*p) && nd <= 15; p++, nd++)
			w = w * 10 + (*p - '0');
		fl = (unsigned int)(p - f);
	}
	if (nd > 15 || (real && (fl == 0 || fl > 9)) || p >= end ||
	    is_digit(*p) || *p == '.' || (*p | 0x20) == 'e')
		return false;
	if (real) {
		x = (double)w / pow10_dbl[fl];
		ev->value = neg ? -x : x;
	} else {
		/* Integers go through int64 in jansson: "-0" is +0.0. */
		ev->value = (double)(neg ? -(int64_t)w : (int64_t)w);
	}
	ev->scaled = (__int128)w * (int64_t)pow10_u64[MRC_EXACT_DIGITS - fl];
	if (neg)
		ev->scaled = -ev->scaled;
	ev->exact = true;
	j->p = p;
	return true;
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

/*
 * The double (rounded as jansson's strtod, or through int64 for integers)
 * and the exact form (value * 1e9 when that is an integer and |value| <
 * 1e19, see mrc_json.h) of a scanned number.
 */
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
		x = e < 0 ? (double)w / pow10_dbl[-e]
			  : (double)w * pow10_dbl[e];
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
		v *= pow10_u64[19];
		k -= 19;
	}
	v *= pow10_u64[k];
	ev->scaled = n->neg ? -(__int128)v : (__int128)v;
}

/* Scan "key" : with the whitespace after it; j->p is on the quote. */
static int
jp_member_key(struct jp *j)
{
	size_t n;

	jp_ws(j);
	if (j->p >= j->end || *j->p != '"')
		return -1;
	j->p++;
	if (jp_string(j, NULL, 0, &n))
		return -1;
	jp_ws(j);
	if (j->p >= j->end || *j->p != ':')
		return -1;
	j->p++;
	jp_ws(j);
	return 0;
}

static int
jp_literal(struct jp *j, const char *lit, size_t n)
{
	if ((size_t)(j->end - j->p) < n || memcmp(j->p, lit, n) != 0)
		return -1;
	j->p += n;
	return 0;
}

/*
 * Validate any value at j->p (whitespace skipped) inside a container at
 * depth `depth`. Iterative with a bit stack, so hostile nesting costs no
 * recursion; MRC_JSON_MAX_DEPTH <= 32 keeps the stack in one word.
 */
static int
jp_skip_value(struct jp *j, unsigned int depth)
{
	uint32_t is_obj =
		0; /* bit i: the container at depth+1+i is an object */
	unsigned int open = 0;
	struct jnum num;
	size_t len;
	unsigned int c;
	bool obj;

value:
	if (j->p >= j->end)
		return -1;
	switch (*j->p) {
	case '{':
	case '[':
		if (depth + open >= MRC_JSON_MAX_DEPTH)
			return -1;
		obj = *j->p == '{';
		is_obj = (is_obj & ~(1u << open)) | (uint32_t)obj << open;
		open++;
		j->p++;
		jp_ws(j);
		if (j->p < j->end && *j->p == (obj ? '}' : ']')) {
			j->p++;
			open--;
			break;
		}
		if (obj && jp_member_key(j))
			return -1;
		goto value;
	case '"':
		j->p++;
		if (jp_string(j, NULL, 0, &len))
			return -1;
		break;
	case 't':
		if (jp_literal(j, "true", 4))
			return -1;
		break;
	case 'f':
		if (jp_literal(j, "false", 5))
			return -1;
		break;
	case 'n':
		if (jp_literal(j, "null", 4))
			return -1;
		break;
	default:
		if (!is_digit(*j->p) && *j->p != '-')
			return -1;
		if (jp_number(j, &num))
			return -1;
		break;
	}
	/* After a value: close containers, or go on to the next element. */
	while (open > 0) {
		jp_ws(j);
		if (j->p >= j->end)
			return -1;
		c = *j->p++;
		obj = is_obj >> (open - 1) & 1;
		if (c == ',') {
			if (!obj)
				jp_ws(j);
			else if (jp_member_key(j))
				return -1;
			goto value;
		}
		if (c != (obj ? '}' : ']'))
			return -1;
		open--;
	}
	return 0;
}

int
mrc_json_parse_event(const char *body, size_t len, size_t max_user,
		     struct mrc_event *ev, const char **err)
{
	struct jp j = {(const unsigned char *)body,
		       (const unsigned char *)body + len};
	int user_st = F_ABSENT, val_st = F_ABSENT, key;
	struct jnum num;
	size_t ulen;

	if (max_user == 0 || max_user > MRC_USER_MAX)
		return fail(err, -ERANGE, ERR_LIMIT);
	jp_ws(&j);
	if (j.p >= j.end || *j.p != '{')
		goto bad;
	j.p++;
	jp_ws(&j);
	if (j.p < j.end && *j.p == '}') {
		j.p++;
		goto closed;
	}
	for (;;) {
		if (j.p >= j.end || *j.p != '"')
			goto bad;
		j.p++;
		key = jp_key(&j);
		if (key < 0)
			goto bad;
		jp_ws(&j);
		if (j.p >= j.end || *j.p != ':')
			goto bad;
		j.p++;
		jp_ws(&j);
		if (j.p >= j.end)
			goto bad;
		/* Duplicate keys: the last one wins, as in jansson. */
		if (key == KEY_USER && *j.p == '"') {
			j.p++;
			if (jp_string(&j, (unsigned char *)ev->user, max_user,
				      &ulen))
				goto bad;
			user_st = ulen == 0	    ? F_WRONG
				  : ulen > max_user ? F_LONG
						    : F_OK;
			ev->user_len = ulen;
		} else if (key == KEY_VALUE &&
			   (*j.p == '-' || is_digit(*j.p))) {
			if (jp_value_fast(&j, ev)) {
				val_st = F_FAST;
			} else {
				if (jp_number(&j, &num))
					goto bad;
				val_st = F_OK;
			}
		} else {
			if (key == KEY_USER)
				user_st = F_WRONG;
			else if (key == KEY_VALUE)
				val_st = F_WRONG;
			if (jp_skip_value(&j, 1))
				goto bad;
		}
		jp_ws(&j);
		if (j.p >= j.end)
			goto bad;
		if (*j.p == '}') {
			j.p++;
			break;
		}
		if (*j.p++ != ',')
			goto bad;
		jp_ws(&j);
	}
closed:
	jp_ws(&j);
	if (j.p != j.end)
		goto bad;
	if (user_st == F_ABSENT || user_st == F_WRONG)
		return fail(err, -EINVAL, ERR_USER);
	if (user_st == F_LONG)
		return fail(err, -ENAMETOOLONG, ERR_USER_LONG);
	if (val_st != F_OK && val_st != F_FAST)
		return fail(err, -EDOM, ERR_VALUE);
	ev->user[ev->user_len] = '\0';
	if (val_st == F_OK)
		num_convert(&num, ev);
	if (err)
		*err = NULL;
	return 0;
bad:
	return fail(err, -EBADMSG, ERR_JSON);
}
