/* SPDX-License-Identifier: BSD-3-Clause */
/* head_cache_fast.h: the head cache's most recent entry matched in one
 * masked pass, inline in the request framing. */
#ifndef LR_HTTP_HEAD_CACHE_FAST_H
#define LR_HTTP_HEAD_CACHE_FAST_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "http/head_cache.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#if defined(__SSE4_1__)
#include <smmintrin.h>
#endif

/* Bytes of the blocks the fast match compares at least (three of 16). */
#define HTTP_HC_FAST_MIN 48
/* The longest head (rounded up to 16) with a fast form: four groups. */
#define HTTP_HC_FAST_MAX 192

/* The value of 1 to 8 decimal digits, as bytes 0..9 in the high bytes
 * of t in memory order (zero bytes below them count as leading zeros). */
static inline __attribute__((always_inline)) uint64_t
http_hc_digits8(uint64_t t)
{
	t = t * 10 + (t >> 8);
	return (((t & 0x000000ff000000ffull) * (100 + (1000000ull << 32))) +
		(((t >> 16) & 0x000000ff000000ffull) *
		 (1 + (10000ull << 32)))) >>
	       32;
}

/* http_hc_digits8() for 1 to 4 digits in the high bytes of t. */
static inline __attribute__((always_inline)) uint64_t
http_hc_digits4(uint32_t t)
{
	t = t * 10 + (t >> 8);
	return (t & 0xff) * 100 + ((t >> 16) & 0xff);
}

/* Whether buf[o..o + 48) equals e's bytes there where e->mask is set:
 * the OR of their masked differences (0 when equal). */
#if defined(__SSE2__)
typedef __m128i http_hc_fast_acc;

static inline __attribute__((always_inline)) __m128i
http_hc_fast_blk(const char *buf, const struct http_hc_entry *e, size_t o)
{
	return _mm_and_si128(
		_mm_xor_si128(_mm_loadu_si128((const void *)(buf + o)),
			      _mm_load_si128((const void *)(e->bytes + o))),
		_mm_load_si128((const void *)(e->mask + o)));
}

static inline __attribute__((always_inline)) __m128i
http_hc_fast_group(const char *buf, const struct http_hc_entry *e, size_t o)
{
	return _mm_or_si128(_mm_or_si128(http_hc_fast_blk(buf, e, o),
					 http_hc_fast_blk(buf, e, o + 16)),
			    http_hc_fast_blk(buf, e, o + 32));
}

static inline __attribute__((always_inline)) bool
http_hc_fast_zero(__m128i acc)
{
#if defined(__SSE4_1__)
	return _mm_testz_si128(acc, acc);
#else
	return _mm_movemask_epi8(_mm_cmpeq_epi8(acc, _mm_setzero_si128())) ==
	       0xffff;
#endif
}

#define http_hc_fast_or _mm_or_si128
#else
typedef uint64_t http_hc_fast_acc;

static inline __attribute__((always_inline)) uint64_t
http_hc_fast_group(const char *buf, const struct http_hc_entry *e, size_t o)
{
	uint64_t acc = 0, a, b, m;

	for (size_t i = o; i < o + 48; i += 8) {
		memcpy(&a, buf + i, 8);
		memcpy(&b, e->bytes + i, 8);
		memcpy(&m, e->mask + i, 8);
		acc |= (a ^ b) & m;
	}
	return acc;
}

static inline __attribute__((always_inline)) bool
http_hc_fast_zero(uint64_t acc)
{
	return !acc;
}

static inline __attribute__((always_inline)) uint64_t
http_hc_fast_or(uint64_t a, uint64_t b)
{
	return a | b;
}
#endif

/*
 * The Content-Length of a head that matched e's fast form in its
 * blocks: its e->cl_digits digits at buf + e->cl checked and read in one
 * word into *v (0 when the entry has none). false when one of them is
 * not a digit. The bytes on either side of the digits were compared
 * (not digits in the entry), so the run is exactly cl_digits long.
 */
static inline __attribute__((always_inline)) bool
http_hc_fast_cl(const struct http_hc_entry *e, const char *buf, uint64_t *v)
{
	uint64_t w, t;

	*v = 0;
	if (__builtin_expect(e->cl_digits - 1u < 4, 1)) {
		/* 1 to 4 digits (dshift and dmask for a 32-bit word) */
		uint32_t w4, t4;

		memcpy(&w4, buf + e->cl, 4);
		/* digits become 0..9; any other byte gets bit 7 */
		t4 = w4 ^ 0x30303030u;
		if ((((t4 & 0x7f7f7f7fu) + 0x76767676u) | t4) &
		    (uint32_t)e->dmask)
			return false;
		*v = http_hc_digits4(t4 << e->dshift);
	} else if (e->cl_digits) {
		memcpy(&w, buf + e->cl, 8);
		t = w ^ 0x3030303030303030ull;
		if ((((t & 0x7f7f7f7f7f7f7f7full) + 0x7676767676767676ull) | t) &
		    e->dmask)
			return false;
		*v = http_hc_digits8(t << e->dshift);
	}
	return true;
}

/* How an armed entry's fast match compares its blocks (fast_plan):
 * 16 bytes at a time (http_hc_fast_group), or 32 (AVX2) in three
 * blocks (fast_r <= 96) or six. */
enum {
	HTTP_HC_PLAN_16,
	HTTP_HC_PLAN_32x3,
	HTTP_HC_PLAN_32x6,
};

/* The wide bound of http_hc_fast_arm_w() when the CPU has AVX2: every
 * fast form (fast_r <= HTTP_HC_FAST_MAX) compared 32 bytes at a time. */
#define HTTP_HC_FAST_WIDE HTTP_HC_FAST_MAX

#if defined(__x86_64__)
/* The asm blocks' vzeroupper clears the upper halves of every ymm
 * register: where the compiler may itself keep 256-bit values in them
 * (an AVX build), all of them are named. */
#if defined(__AVX__)
#define HTTP_HC_YMM_CLOBBERS                                                   \
	"xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7",        \
		"xmm8", "xmm9", "xmm10", "xmm11", "xmm12", "xmm13", "xmm14",   \
		"xmm15"
#else
#define HTTP_HC_YMM_CLOBBERS "xmm0", "xmm1", "xmm2"
#endif

_Static_assert(offsetof(struct http_hc_entry, mask) ==
		       offsetof(struct http_hc_entry, bytes) + HTTP_HC_BYTES,
	       "an entry's mask follows its bytes");

/*
 * Whether buf[0..fast_r) equals e's bytes where e->mask is set, for
 * 48 <= fast_r <= 96, with AVX2 (the CPU must have it): three 32-byte
 * blocks at 0, fast_m ((fast_r - 32) / 2) and fast_t (fast_r - 32), which
 * overlap and never reach past fast_r. Written as one asm block (ending
 * with vzeroupper): a C function with 256-bit vectors realigns its
 * stack for its locals, which costs the framing more than the compare
 * saves.
 */
static inline __attribute__((always_inline)) bool
http_hc_fast_eq96(const char *buf, const struct http_hc_entry *e)
{
	size_t t = e->fast_t, m = e->fast_m;

	/* vzeroupper leaves the flags: the branch is the asm's own */
	__asm__ goto("vmovdqu (%[b]), %%ymm0\n\t"
		     "vpxor (%[e]), %%ymm0, %%ymm0\n\t"
		     "vpand %c[k](%[e]), %%ymm0, %%ymm0\n\t"
		     "vmovdqu (%[b],%[m]), %%ymm1\n\t"
		     "vpxor (%[e],%[m]), %%ymm1, %%ymm1\n\t"
		     "vpand %c[k](%[e],%[m]), %%ymm1, %%ymm1\n\t"
		     "vmovdqu (%[b],%[t]), %%ymm2\n\t"
		     "vpxor (%[e],%[t]), %%ymm2, %%ymm2\n\t"
		     "vpand %c[k](%[e],%[t]), %%ymm2, %%ymm2\n\t"
		     "vpor %%ymm1, %%ymm0, %%ymm0\n\t"
		     "vpor %%ymm2, %%ymm0, %%ymm0\n\t"
		     "vptest %%ymm0, %%ymm0\n\t"
		     "vzeroupper\n\t"
		     "jnz %l[differ]"
		     :
		     : [b] "r"(buf), [e] "r"(e->bytes), [m] "r"(m), [t] "r"(t),
		       [k] "i"(HTTP_HC_BYTES),
		       "m"(*(const char(*)[96])buf),
		       "m"(*(const char(*)[2 * HTTP_HC_BYTES])e->bytes)
		     : HTTP_HC_YMM_CLOBBERS, "cc"
		     : differ);
	return true;
differ:
	return false;
}

/*
 * http_hc_fast_eq96() for 96 < fast_r <= HTTP_HC_FAST_MAX (192): six
 * blocks, at 0, 32 and 64, and at fast_r - 96, - 64 and - 32.
 */
static inline __attribute__((always_inline)) bool
http_hc_fast_eq192(const char *buf, const struct http_hc_entry *e)
{
	size_t t = (size_t)e->fast_r - 96;

	__asm__ goto("vmovdqu (%[b]), %%ymm0\n\t"
		"vpxor (%[e]), %%ymm0, %%ymm0\n\t"
		"vpand %c[k](%[e]), %%ymm0, %%ymm0\n\t"
		"vmovdqu 32(%[b]), %%ymm1\n\t"
		"vpxor 32(%[e]), %%ymm1, %%ymm1\n\t"
		"vpand %c[k]+32(%[e]), %%ymm1, %%ymm1\n\t"
		"vmovdqu 64(%[b]), %%ymm2\n\t"
		"vpxor 64(%[e]), %%ymm2, %%ymm2\n\t"
		"vpand %c[k]+64(%[e]), %%ymm2, %%ymm2\n\t"
		"vpor %%ymm1, %%ymm0, %%ymm0\n\t"
		"vpor %%ymm2, %%ymm0, %%ymm0\n\t"
		"vmovdqu (%[b],%[t]), %%ymm1\n\t"
		"vpxor (%[e],%[t]), %%ymm1, %%ymm1\n\t"
		"vpand %c[k](%[e],%[t]), %%ymm1, %%ymm1\n\t"
		"vmovdqu 32(%[b],%[t]), %%ymm2\n\t"
		"vpxor 32(%[e],%[t]), %%ymm2, %%ymm2\n\t"
		"vpand %c[k]+32(%[e],%[t]), %%ymm2, %%ymm2\n\t"
		"vpor %%ymm1, %%ymm0, %%ymm0\n\t"
		"vmovdqu 64(%[b],%[t]), %%ymm1\n\t"
		"vpxor 64(%[e],%[t]), %%ymm1, %%ymm1\n\t"
		"vpand %c[k]+64(%[e],%[t]), %%ymm1, %%ymm1\n\t"
		"vpor %%ymm2, %%ymm0, %%ymm0\n\t"
		"vpor %%ymm1, %%ymm0, %%ymm0\n\t"
		"vptest %%ymm0, %%ymm0\n\t"
		"vzeroupper\n\t"
		"jnz %l[differ]"
		:
		: [b] "r"(buf), [e] "r"(e->bytes), [t] "r"(t),
		  [k] "i"(HTTP_HC_BYTES),
		  "m"(*(const char(*)[HTTP_HC_FAST_MAX])buf),
		  "m"(*(const char(*)[2 * HTTP_HC_BYTES])e->bytes)
		: HTTP_HC_YMM_CLOBBERS, "cc"
		: differ);
	return true;
differ:
	return false;
}
#endif

/*
 * Whether the fresh head at buf[0..len) is the head of e, armed for r
 * at its current generation, but for its Content-Length digits: the
 * whole fast_len bytes in the buffer, and [0, fast_r) in one masked
 * pass of blocks, with the head's bytes and the bytes after its end
 * masked out of the compare where e->mask is 0 (the digits, and what
 * follows the head), 16 or 32 bytes at a time as e->fast_plan says
 * (the answer is the same).
 */
static inline __attribute__((always_inline)) bool
http_hc_fast_blocks(const struct http_hc_entry *e, const struct http_router *r,
		    const char *buf, size_t len)
{
	size_t hi;
	http_hc_fast_acc acc;

	if (e->fast_gen != r->gen || len < e->fast_len)
		return false;
#if defined(__x86_64__)
	if (__builtin_expect(e->fast_plan == HTTP_HC_PLAN_32x3, 1))
		return http_hc_fast_eq96(buf, e);
	if (e->fast_plan == HTTP_HC_PLAN_32x6)
		return http_hc_fast_eq192(buf, e);
#endif
	hi = e->fast_r - HTTP_HC_FAST_MIN;
	acc = http_hc_fast_or(http_hc_fast_group(buf, e, 0),
			      http_hc_fast_group(buf, e, hi));
	if (__builtin_expect(hi > HTTP_HC_FAST_MIN, 0))
		acc = http_hc_fast_or(
			acc, http_hc_fast_or(
				     http_hc_fast_group(buf, e, HTTP_HC_FAST_MIN),
				     http_hc_fast_group(buf, e, hi - HTTP_HC_FAST_MIN)));
	return http_hc_fast_zero(acc);
}

/*
 * The most recently used entry of c matched against the fresh head at
 * buf[0..len) in one masked pass, for an entry armed for r at its
 * current generation (http_hc_fast_arm: its route kept, the lcore's
 * limits met with its digit count, not chunked). Returns the head's
 * length with the Content-Length in *v (0 when there is none), or 0:
 * then http_head_cache_hit() decides (it would answer the same entry
 * for the same bytes; this finds only the heads whose digits are as
 * many as the entry's, with the whole fast_len bytes in the buffer).
 * Nothing is noted or counted: the caller does what a hit does
 * (http_hc_fast_take). The blocks (http_hc_fast_blocks), then the
 * digits checked and read in one word (http_hc_fast_cl).
 */
static inline __attribute__((always_inline)) size_t
http_hc_fast_e(const struct http_hc_entry *e, const struct http_router *r,
	       const char *buf, size_t len, uint64_t *v)
{
	if (!http_hc_fast_blocks(e, r, buf, len) ||
	    !http_hc_fast_cl(e, buf, v))
		return 0;
	return e->len;
}

/* "00" .. "99": the two digits of each value below 100, in memory order
 * (head_cache.c). */
extern const uint16_t http_hc_dd[100];

/*
 * Whether the 1 to 4 Content-Length digits of e's head at buf + e->cl
 * spell x (x < e->cl_lim; leading zeros as the parser reads them): x's
 * four digits from two pairs (http_hc_dd) compared with the digits in
 * the high bytes of one word (e->dshift), as http_hc_fast_cl reads them.
 */
static inline __attribute__((always_inline)) bool
http_hc_fast_cl_is(const struct http_hc_entry *e, const char *buf, uint32_t x)
{
	uint32_t w4, d = (uint32_t)http_hc_dd[x / 100] |
			 (uint32_t)http_hc_dd[x % 100] << 16;

	memcpy(&w4, buf + e->cl, 4);
	return !(((w4 << e->dshift) ^ d) >> e->dshift);
}

/*
 * http_hc_fast_e() for a head that must be followed by exactly its body
 * (a segment of one whole request): whether buf[0..len) is e's head, its
 * Content-Length len - e->len (0 when it has none), then that body. The
 * answer is that of http_hc_fast_e() returning e->len with *v equal to
 * len - e->len; 1 to 4 digits (x below e->cl_lim) are compared with x's
 * own rather than read (http_hc_fast_cl_is).
 */
static inline __attribute__((always_inline)) bool
http_hc_fast_x(const struct http_hc_entry *e, const struct http_router *r,
	       const char *buf, size_t len)
{
	size_t x;
	uint64_t v;

	if (!http_hc_fast_blocks(e, r, buf, len))
		return false;
	/* len >= fast_len >= e->len */
	x = len - e->len;
	if (__builtin_expect(x < e->cl_lim, 1))
		return http_hc_fast_cl_is(e, buf, (uint32_t)x);
	return http_hc_fast_cl(e, buf, &v) && v == x;
}

/* "0000" .. "0999": each value below HTTP_HC_DDD as four digits in
 * memory order (head_cache.c). */
#define HTTP_HC_DDD 1000
extern const uint32_t http_hc_ddd[HTTP_HC_DDD];

/* http_hc_fast_cl_is() for x below HTTP_HC_DDD: its digits in one load. */
static inline __attribute__((always_inline)) bool
http_hc_fast_cl_is3(const struct http_hc_entry *e, const char *buf, size_t x)
{
	uint32_t w4;

	memcpy(&w4, buf + e->cl, 4);
	return !(((w4 << e->dshift) ^ http_hc_ddd[x]) >> e->dshift);
}

/*
 * http_hc_fast_x() with the body limit: true when it would be and the
 * body (len - e->len) is at most max_body, the limit e was armed under.
 * e->fast_blim bounds the values below cl_lim, HTTP_HC_DDD and that
 * limit: one compare for the three, then the digits from one load
 * (http_hc_fast_cl_is3); *max_body is read only past it.
 */
static inline __attribute__((always_inline)) bool
http_hc_fast_xb(const struct http_hc_entry *e, const struct http_router *r,
		const char *buf, size_t len, const uint32_t *max_body)
{
	size_t x;

	if (!http_hc_fast_blocks(e, r, buf, len))
		return false;
	/* len >= fast_len >= e->len */
	x = len - e->len;
	if (__builtin_expect(x < e->fast_blim, 1))
		return http_hc_fast_cl_is3(e, buf, x);
	/* the limit loaded here, not before the common case's compare */
	__asm__ volatile("" ::: "memory");
	if (x > *max_body)
		return false;
	if (x < e->cl_lim)
		return http_hc_fast_cl_is(e, buf, (uint32_t)x);
	{
		uint64_t v;

		return http_hc_fast_cl(e, buf, &v) && v == x;
	}
}

/* c's most recent entry, &c->e[c->mru] (from c->mru_off: no multiply),
 * for http_hc_fast_e() and http_hc_fast_take_e(): its address is opaque
 * to the compiler (an empty asm), which then keeps it in a register
 * rather than recompute it at each use. */
static inline __attribute__((always_inline)) struct http_hc_entry *
http_hc_fast_entry(struct http_head_cache *c)
{
	struct http_hc_entry *e =
		(struct http_hc_entry *)((char *)c->e + c->mru_off);

	__asm__("" : "+r"(e));
	return e;
}

/* http_hc_fast_e() on c's most recent entry. */
static inline __attribute__((always_inline)) size_t
http_hc_fast(const struct http_head_cache *c, const struct http_router *r,
	     const char *buf, size_t len, uint64_t *v)
{
	return http_hc_fast_e(&c->e[c->mru], r, buf, len, v);
}

/* A hit of the fast match on c's most recent entry e, noted and counted
 * as http_head_cache_hit() notes and counts one: c->last is e. */
static inline __attribute__((always_inline)) void
http_hc_fast_note(struct http_head_cache *c, struct http_hc_entry *e,
		  struct stats *stats)
{
	e->ref = 1;
	c->last = e;
	stats->v[ST_http_head_cache_hits]++;
}

/* The hit the fast match found at buf on e with Content-Length v: as
 * http_head_cache_hit() fills it. */
static inline __attribute__((always_inline)) void
http_hc_fast_hit(const struct http_hc_entry *e, const char *buf, uint64_t v,
		 struct http_hc_hit *h)
{
	h->e = e;
	h->buf = buf;
	h->v = v;
	h->nd = e->cl_digits;
}

/* A hit of the fast match on c's most recent entry e: noted and counted
 * as http_head_cache_hit() notes and counts one, *h filled. */
static inline __attribute__((always_inline)) struct http_hc_entry *
http_hc_fast_take_e(struct http_head_cache *c, struct http_hc_entry *e,
		    struct stats *stats, const char *buf, uint64_t v,
		    struct http_hc_hit *h)
{
	http_hc_fast_hit(e, buf, v, h);
	http_hc_fast_note(c, e, stats);
	return e;
}

/* http_hc_fast_take_e() on c's most recent entry. */
static inline __attribute__((always_inline)) struct http_hc_entry *
http_hc_fast_take(struct http_head_cache *c, struct stats *stats,
		  const char *buf, uint64_t v, struct http_hc_hit *h)
{
	return http_hc_fast_take_e(c, &c->e[c->mru], stats, buf, v, h);
}

/*
 * Arm e for the fast match under router r and limits lim (the ones the
 * caller matches under, always the same for this cache): when e has a
 * fast form (its head was not chunked, at most HTTP_HC_FAST_MAX bytes
 * and 8 Content-Length digits), its route for r is kept at r's current
 * generation and routes somewhere, and its head with its own digit
 * count meets lim. A later http_router_add disarms it (the generation).
 */
void http_hc_fast_arm(struct http_hc_entry *e, const struct http_router *r,
		      const struct http_limits *lim);

/* http_hc_fast_arm() for a fast match that compares 32 bytes at a time
 * (AVX2) the forms with fast_r <= wide: HTTP_HC_FAST_WIDE when the CPU
 * has AVX2, 0 (as http_hc_fast_arm) for 16 bytes at a time. */
void http_hc_fast_arm_w(struct http_hc_entry *e, const struct http_router *r,
			const struct http_limits *lim, uint32_t wide);

#endif
