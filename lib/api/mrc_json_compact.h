/* SPDX-License-Identifier: BSD-3-Clause */
/* mrc_json_compact.h: the compact canonical POST /event body, inline: for
 * mrc_json*.c and the data path's handlers (mrc.c, app/cluster_routes.c). */
#ifndef LR_API_MRC_JSON_COMPACT_H
#define LR_API_MRC_JSON_COMPACT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#if defined(__SSE4_1__)
#include <smmintrin.h>
#endif

#include "api/mrc_json.h"
#include "api/mrc_json_priv.h"

#define MRC_JSON_BYTES(c) (0x0101010101010101ULL * (c))

/*
 * The end of the run of bytes at p that a string copies as they are: stop
 * at '"', '\\', a control byte or a byte >= 0x80. Eight bytes per step:
 * each term sets the top bit of a byte that matches; a borrow can only set
 * bits above a byte that truly matched, so the lowest set bit is exact.
 */
static inline const unsigned char *
mrc_json_plain_run(const unsigned char *p, const unsigned char *end)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	while (end - p >= 8) {
		uint64_t x, q, b, t;

		memcpy(&x, p, sizeof(x));
		q = x ^ MRC_JSON_BYTES('"');
		b = x ^ MRC_JSON_BYTES('\\');
		t = ((q - MRC_JSON_BYTES(1)) & ~q) |
		    ((b - MRC_JSON_BYTES(1)) & ~b) |
		    ((x - MRC_JSON_BYTES(0x20)) & ~x) | x;
		t &= MRC_JSON_BYTES(0x80);
		if (t)
			return p + (__builtin_ctzll(t) >> 3);
		p += 8;
	}
#endif
	while (p < end && *p >= 0x20 && *p < 0x80 && *p != '"' && *p != '\\')
		p++;
	return p;
}

/* Eight bytes of text as a little-endian word, to compare as words. */
static inline uint64_t
mrc_json_ld64(const unsigned char *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/* An eight-character literal as mrc_json_ld64() reads it (else a compile
 * error). */
#define MRC_JSON_W8(s)                                                       \
	(0 * sizeof(char[sizeof(s) == 9 ? 1 : -1]) |                         \
	 (uint64_t)(unsigned char)(s)[0] |                                   \
	 (uint64_t)(unsigned char)(s)[1] << 8 |                              \
	 (uint64_t)(unsigned char)(s)[2] << 16 |                             \
	 (uint64_t)(unsigned char)(s)[3] << 24 |                             \
	 (uint64_t)(unsigned char)(s)[4] << 32 |                             \
	 (uint64_t)(unsigned char)(s)[5] << 40 |                             \
	 (uint64_t)(unsigned char)(s)[6] << 48 |                             \
	 (uint64_t)(unsigned char)(s)[7] << 56)

#if defined(__SSE2__)
/*
 * Bit i set where byte i of the sixteen at p ends a plain run: a byte
 * below 0x20 or at or above 0x80 is below 0x20 as a signed byte, so one
 * compare finds both, and two more the quote and the backslash.
 */
static inline __attribute__((always_inline)) unsigned int
mrc_json_stop16(const unsigned char *p)
{
	__m128i x = _mm_loadu_si128((const __m128i *)(const void *)p);
	__m128i m = _mm_or_si128(
		_mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('"')),
			     _mm_cmpeq_epi8(x, _mm_set1_epi8('\\'))),
		_mm_cmplt_epi8(x, _mm_set1_epi8(0x20)));

	return (unsigned int)_mm_movemask_epi8(m);
}
#endif

/*
 * mrc_json_plain_run(p, e) where e - 16 is still in the body:
 * sixteen bytes a step where SSE2 is, the last step the sixteen that end
 * at e, shifted past the bytes already seen. No byte-wise tail.
 */
static inline __attribute__((always_inline)) const unsigned char *
mrc_json_plain_run16(const unsigned char *p, const unsigned char *e)
{
#if defined(__SSE2__)
	unsigned int bits;

	for (;;) {
		if (e - p <= 16) {
			bits = mrc_json_stop16(e - 16) >> (16 - (e - p));
			return bits ? p + __builtin_ctz(bits) : e;
		}
		bits = mrc_json_stop16(p);
		if (bits)
			return p + __builtin_ctz(bits);
		p += 16;
	}
#else
	return mrc_json_plain_run(p, e);
#endif
}

/*
 * The compact body's parts, before any conversion: the id (uid, len
 * bytes, in the body) and the value |v| * 10^fl = w, w < 10^15, fl 0..9
 * digits after the point, neg for a leading '-'.
 */
struct mrc_json_compact_raw {
	const char *uid;
	size_t len;
	uint64_t w;
	unsigned int fl;
	bool neg;
};

#if defined(__SSE2__)
/* The ':' among the 16 bytes e - 16 .. e - 1, bit i for e - 16 + i, and
 * bit 0 set whatever that byte is (the callers' floor). */
static inline __attribute__((always_inline)) unsigned int
mrc_json_colons16(const unsigned char *e)
{
	__m128i t = _mm_loadu_si128((const __m128i *)(const void *)(e - 16));

	return (unsigned int)_mm_movemask_epi8(
		       _mm_cmpeq_epi8(t, _mm_set1_epi8(':'))) |
	       1;
}
#endif

/*
 * The compact canonical body's frame up to the id's end, nothing of the
 * id read: at least 24 bytes up to the '}' at *ep (whitespace after it
 * only), {"userId":" at the start, *qp where ","value": must begin (9
 * bytes before the last ':' of the sixteen bytes before the '}': the
 * number has at most 15 bytes and no ':'). The id is the *qp - body - 11
 * bytes after the quote, when that is 1 or more (else *qp is as low as
 * body - 2: check it before mrc_json_compact_tail()). Returns false for
 * anything else.
 */
static inline __attribute__((always_inline)) bool
mrc_json_compact_head(const char *body, size_t len,
		      const unsigned char **qp, const unsigned char **ep)
{
	const unsigned char *b = (const unsigned char *)body, *end = b + len;
	const unsigned char *e;

	/* {"userId":"x","value":0} is the shortest: 24 bytes up to the '}'
	 * at e. The reads below start at e - 16 at the lowest: in the body. */
	if (len < 24)
		return false;
	e = end - 1;
	if (__builtin_expect(*e != '}', 0)) {
		while (e > b && (*e == ' ' || *e == '\t' || *e == '\n' ||
				 *e == '\r'))
			e--;
		/* Still 24 bytes up to the '}': the lowest read. */
		if (*e != '}' || e - b < 23)
			return false;
	}
	/* {"userId":" as two overlapping words: bytes 0..7 and 3..10. */
	if ((mrc_json_ld64(b) ^ MRC_JSON_W8("{\"userId")) |
	    (mrc_json_ld64(b + 3) ^ MRC_JSON_W8("serId\":\"")))
		return false;
#if defined(__SSE2__)
	{
		/* Bit 0 set too: with no ':' q is e - 25, whose words
		 * below can only match with a ':' at e - 16, bit 0's own. */
		unsigned int colon = mrc_json_colons16(e);

		uint64_t top;

#if defined(__x86_64__)
		/* The highest set bit as a 64-bit index: no sign extension
		 * (colon is not 0). */
		__asm__("bsrq %1, %0" : "=r"(top) : "r"((uint64_t)colon));
#else
		top = (uint64_t)(31 ^ __builtin_clz(colon));
#endif
		/* ","value": ends on that ':': the id ends 9 bytes before. */
		*qp = e - 25 + top;
	}
#else
	{
		const unsigned char *q = mrc_json_plain_run16(b + 11, e);

		if ((size_t)(e - q) - 11 > 14)
			return false;
		*qp = q;
	}
#endif
	*ep = e;
	return true;
}

#if defined(__SSE4_1__)
/*
 * Whether the sixteen bytes at p hold the bytes of pat where mask is
 * 0xff: one load, one xor, one test of the masked difference (pat and
 * mask 16-byte aligned), no 64-bit constant in a register.
 */
static inline __attribute__((always_inline)) bool
mrc_json_match16(const unsigned char *p, const uint8_t *pat,
		 const uint8_t *mask)
{
	__m128i d = _mm_xor_si128(
		_mm_loadu_si128((const __m128i *)(const void *)p),
		_mm_load_si128((const __m128i *)(const void *)pat));

	return _mm_testz_si128(
		d, _mm_load_si128((const __m128i *)(const void *)mask));
}

/* The frame's fixed texts and which of the sixteen bytes they are:
 * {"userId":" as bytes 0..10 of the body's first sixteen, ","value": as
 * bytes 6..15 of the sixteen that end with it. */
static const uint8_t mrc_json_head16[2][16] __attribute__((aligned(16))) = {
	{ '{', '"', 'u', 's', 'e', 'r', 'I', 'd', '"', ':', '"' },
	{ 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff },
};
static const uint8_t mrc_json_key16[2][16] __attribute__((aligned(16))) = {
	{ 0, 0, 0, 0, 0, 0, '"', ',', '"', 'v', 'a', 'l', 'u', 'e', '"', ':' },
	{ 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	  0xff, 0xff },
};
#endif

/* Whether the body b (24 bytes or more) begins {"userId":" . */
static inline __attribute__((always_inline)) bool
mrc_json_head_ok(const unsigned char *b)
{
#if defined(__SSE4_1__)
	return mrc_json_match16(b, mrc_json_head16[0], mrc_json_head16[1]);
#else
	/* Two overlapping words: bytes 0..7 and 3..10. */
	return ((mrc_json_ld64(b) ^ MRC_JSON_W8("{\"userId")) |
		(mrc_json_ld64(b + 3) ^ MRC_JSON_W8("serId\":\""))) == 0;
#endif
}

/*
 * mrc_json_compact_head() with the id's length too, *lp = *qp - body - 11
 * (wrapping as that does when there is no id): the data path's handler
 * keeps no pointer to the id for it. Where SSE2 is, everything is formed
 * from the length up to the '}', n (whitespace after it trimmed first,
 * as mrc_json_compact_head() trims it: some clients send it) and the
 * ':''s place: *qp, *ep and *lp in one step each, one value (n) where
 * the two ways meet.
 */
static inline __attribute__((always_inline)) bool
mrc_json_compact_head_last(const char *body, size_t len,
			   const unsigned char **qp, const unsigned char **ep,
			   size_t *lp)
{
	const unsigned char *b = (const unsigned char *)body;

	if (len < 24)
		return false;
#if defined(__SSE2__)
	if (__builtin_expect(b[len - 1] != '}', 0)) {
		while (len > 1 && (b[len - 1] == ' ' || b[len - 1] == '\t' ||
				   b[len - 1] == '\n' || b[len - 1] == '\r'))
			len--;
		/* Still 24 bytes up to the '}': the lowest read. */
		if (b[len - 1] != '}' || len < 24)
			return false;
	}
	{
		const unsigned char *e = b + len - 1;
		/* As mrc_json_compact_head(): bit 0 set too. */
		unsigned int colon = mrc_json_colons16(e);
		uint64_t top;

		/* {"userId":" as the first eleven of the body's first
		 * sixteen bytes (24 or more: in the body). */
		if (!mrc_json_head_ok(b))
			return false;
#if defined(__x86_64__)
		__asm__("bsrq %1, %0" : "=r"(top) : "r"((uint64_t)colon));
#else
		top = (uint64_t)(31 ^ __builtin_clz(colon));
#endif
		/* q = e - 25 + top, so q - (b + 11) = len - 37 + top. */
		*qp = e - 25 + top;
		*ep = e;
		*lp = len - 37 + top;
		return true;
	}
#else
	if (!mrc_json_compact_head(body, len, qp, ep))
		return false;
	*lp = (size_t)((const char *)*qp - body - 11);
	return true;
#endif
}

/* Whether ","value": begins at q (mrc_json_compact_head's q): two
 * overlapping words. */
static inline __attribute__((always_inline)) bool
mrc_json_compact_key(const unsigned char *q)
{
	return ((mrc_json_ld64(q) ^ MRC_JSON_W8("\",\"value")) |
		(mrc_json_ld64(q + 2) ^ MRC_JSON_W8("\"value\":"))) == 0;
}


/*
 * mrc_json_compact_key(q) where the six bytes before q are the body's
 * too (an id of 1 or more bytes before it: q is 12 bytes into the body
 * at the least): the sixteen bytes that end with ","value": compared in
 * one vector step where SSE4.1 is.
 */
static inline __attribute__((always_inline)) bool
mrc_json_compact_key_id(const unsigned char *q)
{
#if defined(__SSE4_1__)
	return mrc_json_match16(q - 6, mrc_json_key16[0], mrc_json_key16[1]);
#else
	return mrc_json_compact_key(q);
#endif
}

/*
 * The rest of the frame, from q (where mrc_json_compact_head() says
 * ","value": begins, the id of 1 or more bytes before it) to the '}' at
 * e: the value's key (mrc_json_compact_key), then
 * [-](0|[1-9][0-9]*)[.[0-9]+] up to e in one pass, into r's w, fl and
 * neg. Returns false for anything else.
 */
static inline __attribute__((always_inline)) bool
mrc_json_compact_tail(const unsigned char *q, const unsigned char *e,
		      struct mrc_json_compact_raw *r)
{
	const unsigned char *p, *f;
	unsigned int d, fl;
	uint64_t w;
	bool neg;

	if (!mrc_json_compact_key(q))
		return false;
	/*
	 * Every scan stops at the '}' at e at the latest, a non-digit.
	 * "01", "1e5", "1 }": not at e.
	 */
	p = q + 10;
	neg = *p == '-';
	p += neg;
	w = *p - (unsigned int)'0';
	if (w > 9)
		return false;
	d = *++p - (unsigned int)'0';
	if (w != 0)
		while (d < 10) {
			w = w * 10 + d;
			d = *++p - (unsigned int)'0';
		}
	fl = 0;
	/* d is *p - '0': the point without keeping the byte. */
	if (d == (unsigned int)'.' - '0') {
		f = ++p;
		while ((d = *p - (unsigned int)'0') < 10) {
			w = w * 10 + d;
			p++;
		}
		/* The digits after the point run to the '}' (else a fail):
		 * 1..9 of them. */
		fl = (unsigned int)(e - f);
		if (fl - 1 >= MRC_EXACT_DIGITS)
			return false;
	}
	if (p != e)
		return false;
	r->w = w;
	r->fl = fl;
	r->neg = neg;
	return true;
}

#if defined(__SSE4_1__)
/*
 * The value of a compact frame in 1e-9 units, decided in a few vector
 * steps where mrc_json_compact_tail() takes one loop step per digit: for
 * a value of at most 7 digits before the point and 9 after it (what
 * clients send), else false, and mrc_json_compact_tail() decides (false
 * says nothing about validity). q and e as mrc_json_compact_head() gave
 * them, with ","value": matched at q (mrc_json_compact_key): its ':' is
 * byte c of the sixteen before the '}' and the number all bytes after it.
 * True only where mrc_json_compact_tail() accepts, with *vp its value
 * exactly (w * 10^(9 - fl), negated with neg; |*vp| < 10^16, no
 * overflow).
 *
 * The shape, dp * 16 + f from the highest '.' (dp) and the first
 * digit's byte (f, after the ':' and a sign), picks a shuffle
 * (mrc_json_units.shuf) that puts each digit in the lane of its power of
 * ten and every other byte of the number in a lane too (a second point,
 * a sign after the first, an exponent), or, for a shape outside the
 * class, a byte that is no digit: one test that every lane is 0..9
 * checks the grammar but for a leading zero, one compare of the high
 * half (mrc_json_units.lo). Three multiply-adds make two 8-digit halves.
 */
static inline __attribute__((always_inline)) bool
mrc_json_compact_units(const unsigned char *q, const unsigned char *e,
		       int64_t *vp)
{
	const struct mrc_json_units_tab *u = &mrc_json_units;
	__m128i t = _mm_loadu_si128((const __m128i *)(const void *)(e - 16));
	/* The ':' of ","value": is byte c of t: q is e - 25 + c. */
	size_t c = (size_t)(q - e + 25);
	/* The sign as a mask: no branch. */
	int64_t m = -(int64_t)(q[10] == '-'), v;
	size_t f, dp, shape;
	__m128i s, bad;
	uint64_t hl;
	uint32_t hi;

	/* The mask itself kept to the end (hidden from the optimizer as
	 * Linux's OPTIMIZER_HIDE_VAR), not the flag it is made from again. */
	__asm__("" : "+r"(m));
	/* The first digit's byte: q[10] is the '}' when c is 15, so f is
	 * 1..16. The highest '.' from bit 0 (none): below f, none in the
	 * number. */
	f = c + 1 - (size_t)m;
	dp = (uint64_t)(unsigned int)_mm_movemask_epi8(
		     _mm_cmpeq_epi8(t, _mm_set1_epi8('.'))) |
	     1;
#if defined(__x86_64__)
	/* The highest set bit as a 64-bit index: no sign extension. */
	__asm__("bsrq %1, %0" : "=r"(dp) : "r"(dp));
#else
	dp = (size_t)(63 ^ __builtin_clzll(dp));
#endif
	shape = dp * 16 + f;
	s = _mm_shuffle_epi8(_mm_sub_epi8(t, _mm_set1_epi8('0')),
			     _mm_load_si128((const __m128i *)(const void *)
						    u->shuf[shape]));
	bad = _mm_subs_epu8(s, _mm_set1_epi8(9));
	if (!_mm_testz_si128(bad, bad))
		return false;
	/* Pairs, fours, eights of lanes: two 8-digit halves, high first. */
	s = _mm_maddubs_epi16(s, _mm_load_si128((const __m128i *)(const void *)
							u->mul[0]));
	s = _mm_madd_epi16(s, _mm_load_si128((const __m128i *)(const void *)
						     u->mul[1]));
	s = _mm_packus_epi32(s, s);
	s = _mm_madd_epi16(s, _mm_load_si128((const __m128i *)(const void *)
						     u->mul[2]));
	hl = (uint64_t)_mm_cvtsi128_si64(s);
	/* The high half is the digits before the point and one after:
	 * the first not 0 unless alone. */
	hi = (uint32_t)hl;
	if (hi < u->lo[shape])
		return false;
	v = (int64_t)((uint64_t)hi * 100000000u + (hl >> 32));
	*vp = (v ^ m) - m;
	return true;
}
#endif

/*
 * The compact canonical body's frame, the id's bytes not yet checked:
 * {"userId":"<id>","value":<n>} with no whitespace but after the '}',
 * 1..max_user bytes between the quotes, the value in the short form of
 * mrc_json_value_fast: mrc_json_compact_head(), the id's length, then
 * mrc_json_compact_tail(). Returns false for anything else (r partly
 * written); true means the body is compact exactly when
 * mrc_json_compact_id_ok(r). max_user must be 1..MRC_USER_MAX.
 */
static inline __attribute__((always_inline)) bool
mrc_json_compact_frame(const char *body, size_t len, size_t max_user,
		       struct mrc_json_compact_raw *r)
{
	const unsigned char *u = (const unsigned char *)body + 11, *q, *e;

	if (!mrc_json_compact_head(body, len, &q, &e))
		return false;
	/* q <= u wraps: an empty id (or none) falls back too. */
	if ((size_t)(q - u) - 1 >= max_user)
		return false;
	r->uid = (const char *)u;
	r->len = (size_t)(q - u);
	return mrc_json_compact_tail(q, e, r);
}

/*
 * Whether the id of a frame (mrc_json_compact_frame) is plain text, as
 * a compact body's must be: printable ASCII but '"' and '\\', so that
 * its first stop byte is the quote that ends it. Sixteen bytes a step;
 * the reads stay between the body's first byte and the value's ':'.
 */
static inline __attribute__((always_inline)) bool
mrc_json_compact_id_ok(const struct mrc_json_compact_raw *r)
{
	const unsigned char *u = (const unsigned char *)r->uid;
	const unsigned char *q = u + r->len;

#if defined(__SSE2__)
	/* 5..16 bytes (the usual ids): the sixteen ending at q, from the
	 * body's 0th byte at the lowest, shifted past those before u. */
	if (r->len - 5 <= 11)
		return !(mrc_json_stop16(q - 16) >> (16 - r->len));
#endif
	return mrc_json_plain_run16(u, q + 10) == q;
}

/*
 * The compact canonical body, the one clients send: its frame
 * (mrc_json_compact_frame) with an id of plain text
 * (mrc_json_compact_id_ok). Returns false for anything else (r partly
 * written). max_user must be 1..MRC_USER_MAX.
 */
static inline __attribute__((always_inline)) bool
mrc_json_compact_scan(const char *body, size_t len, size_t max_user,
		      struct mrc_json_compact_raw *r)
{
	return mrc_json_compact_frame(body, len, max_user, r) &&
	       mrc_json_compact_id_ok(r);
}

/* The value of a scanned compact body in 1e-9 units: exact. */
static inline __attribute__((always_inline)) __int128
mrc_json_compact_scaled(uint64_t w, unsigned int fl, bool neg)
{
	/* w < 10^15 < 2^53: exact as an int64. */
	int64_t sw = neg ? -(int64_t)w : (int64_t)w;

	return (__int128)sw *
	       (int64_t)mrc_json_pow10_u64[MRC_EXACT_DIGITS - fl];
}

/* ev from a scanned compact body, exactly as the full parser sets it. */
static inline __attribute__((always_inline)) void
mrc_json_compact_fill(const char *uid, size_t len, uint64_t w,
		      unsigned int fl, bool neg, struct mrc_event *ev)
{
	double x;

	/* w < 10^15 < 2^53: exact as a double and as an int64. */
	if (fl) {
		x = (double)(int64_t)w / mrc_json_pow10_dbl[fl];
		ev->value = neg ? -x : x;
	} else {
		/* Integers go through int64 in jansson: "-0" is +0.0. */
		ev->value = (double)(neg ? -(int64_t)w : (int64_t)w);
	}
	ev->scaled = mrc_json_compact_scaled(w, fl, neg);
	ev->exact = true;
	ev->uid = uid;
	ev->user_len = len;
}

/* The compact body into ev: mrc_json_compact_scan() then _fill(). */
static inline __attribute__((always_inline)) bool
mrc_json_compact(const char *body, size_t len, size_t max_user,
		 struct mrc_event *ev)
{
	struct mrc_json_compact_raw r;

	if (!mrc_json_compact_scan(body, len, max_user, &r))
		return false;
	mrc_json_compact_fill(r.uid, r.len, r.w, r.fl, r.neg, ev);
	return true;
}

/*
 * mrc_json_event_compact() inlined into its caller (the same result): a
 * handler that tries the compact body first saves a call and its frame.
 */
static inline __attribute__((always_inline)) bool
mrc_json_event_compact_inline(const char *body, size_t len, size_t max_user,
			      struct mrc_event *ev)
{
	return max_user - 1 < MRC_USER_MAX &&
	       mrc_json_compact(body, len, max_user, ev);
}

#endif /* LR_API_MRC_JSON_COMPACT_H */
