/* SPDX-License-Identifier: BSD-3-Clause */
/* head_cache.c: request-head prediction: parsed heads kept per lcore and
 * matched byte for byte (head_cache.h). */
#include <string.h>

#include "http/head_cache.h"
#include "http/http.h"
#include "http/head_cache_fast.h"
#include "http/parser_priv.h"
#include "http/resp.h"

/* Content-Length digits a match takes: 18 never overflow int64_t, as in
 * http_content_length(); a longer run is left to the parser. */
#define HTTP_HC_CL_DIGITS 18

/* What the images assume of the structs they stand for. */
_Static_assert(sizeof(struct http_header) == 32 &&
		       offsetof(struct http_header, name) == 0 &&
		       offsetof(struct http_header, name_len) == 8 &&
		       offsetof(struct http_header, value) == 16 &&
		       offsetof(struct http_header, value_len) == 24 &&
		       sizeof(const char *) == 8,
	       "struct http_header is four words");
_Static_assert(offsetof(struct http_request, keep_alive) ==
			       offsetof(struct http_request, chunked) + 1 &&
		       offsetof(struct http_request, expect_continue) ==
			       offsetof(struct http_request, chunked) + 2 &&
		       offsetof(struct http_request, has_host) ==
			       offsetof(struct http_request, chunked) + 3,
	       "the four flags of struct http_request are adjacent");

#define HTTP_HC_DD(v) ((uint16_t)(('0' + (v) / 10) | ('0' + (v) % 10) << 8))
#define HTTP_HC_DD10(t)                                                        \
	HTTP_HC_DD(t * 10), HTTP_HC_DD(t * 10 + 1), HTTP_HC_DD(t * 10 + 2),    \
		HTTP_HC_DD(t * 10 + 3), HTTP_HC_DD(t * 10 + 4),                \
		HTTP_HC_DD(t * 10 + 5), HTTP_HC_DD(t * 10 + 6),                \
		HTTP_HC_DD(t * 10 + 7), HTTP_HC_DD(t * 10 + 8),                \
		HTTP_HC_DD(t * 10 + 9)

const uint16_t http_hc_dd[100] = {
	HTTP_HC_DD10(0), HTTP_HC_DD10(1), HTTP_HC_DD10(2), HTTP_HC_DD10(3),
	HTTP_HC_DD10(4), HTTP_HC_DD10(5), HTTP_HC_DD10(6), HTTP_HC_DD10(7),
	HTTP_HC_DD10(8), HTTP_HC_DD10(9),
};

/* x below 1000 as four digits in memory order, "0" first. */
#define HTTP_HC_D3(x)                                                          \
	((uint32_t)'0' | (uint32_t)('0' + (x) / 100) << 8 |                    \
	 (uint32_t)('0' + (x) / 10 % 10) << 16 | (uint32_t)('0' + (x) % 10) << 24)
#define HTTP_HC_D3_10(t)                                                       \
	HTTP_HC_D3((t) * 10 + 0), HTTP_HC_D3((t) * 10 + 1),                    \
		HTTP_HC_D3((t) * 10 + 2), HTTP_HC_D3((t) * 10 + 3),            \
		HTTP_HC_D3((t) * 10 + 4), HTTP_HC_D3((t) * 10 + 5),            \
		HTTP_HC_D3((t) * 10 + 6), HTTP_HC_D3((t) * 10 + 7),            \
		HTTP_HC_D3((t) * 10 + 8), HTTP_HC_D3((t) * 10 + 9)
#define HTTP_HC_D3_100(h)                                                      \
	HTTP_HC_D3_10((h) * 10 + 0), HTTP_HC_D3_10((h) * 10 + 1),              \
		HTTP_HC_D3_10((h) * 10 + 2), HTTP_HC_D3_10((h) * 10 + 3),      \
		HTTP_HC_D3_10((h) * 10 + 4), HTTP_HC_D3_10((h) * 10 + 5),      \
		HTTP_HC_D3_10((h) * 10 + 6), HTTP_HC_D3_10((h) * 10 + 7),      \
		HTTP_HC_D3_10((h) * 10 + 8), HTTP_HC_D3_10((h) * 10 + 9)

const uint32_t http_hc_ddd[HTTP_HC_DDD] = {
	HTTP_HC_D3_100(0), HTTP_HC_D3_100(1), HTTP_HC_D3_100(2),
	HTTP_HC_D3_100(3), HTTP_HC_D3_100(4), HTTP_HC_D3_100(5),
	HTTP_HC_D3_100(6), HTTP_HC_D3_100(7), HTTP_HC_D3_100(8),
	HTTP_HC_D3_100(9),
};

/* Four words at once: AVX2 in the AVX2 variant, SSE2 pairs otherwise. */
typedef uint64_t http_hc_v4 __attribute__((vector_size(32)));

/*
 * The parser's limits hold for the entry's head with nd digits: the
 * request line (its bytes before CR) within max_request_line, the field
 * lines (with their CRLFs) within max_header_bytes, at most max_headers
 * of them. A well-formed head within those passes every limit check of
 * the machine (parser_machine.h), so its answer is the entry's. (The
 * machine's cap of HTTP_LIMIT_CAP is far above any entry.)
 */
static inline __attribute__((always_inline)) bool
http_hc_limits_ok(const struct http_hc_entry *e, size_t nd,
		  const struct http_limits *lim)
{
	return e->rl <= lim->max_request_line && e->nh <= lim->max_headers &&
	       e->fs + nd <= lim->max_header_bytes;
}

/*
 * The run of decimal digits at buf[p..len): its length, up to
 * HTTP_HC_CL_DIGITS + 1 (a longer run is not ours), and in *v its value
 * when it has at most HTTP_HC_CL_DIGITS. Eight bytes at once when they
 * are in the buffer and the run ends within them.
 */
static inline __attribute__((always_inline)) size_t
http_hc_digits(const char *buf, size_t p, size_t len, uint64_t *v)
{
	size_t nd = 0;
	uint64_t x = 0;

#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	if (p + 8 <= len) {
		uint64_t w, t, no;

		memcpy(&w, buf + p, 8);
		/* digits become 0..9; any other byte gets bit 7 */
		t = w ^ 0x3030303030303030ull;
		no = (((t & 0x7f7f7f7f7f7f7f7full) + 0x7676767676767676ull) |
		      t) &
		     0x8080808080808080ull;
		if (no) {
			nd = (size_t)__builtin_ctzll(no) >> 3;
			if (nd && nd <= 4)
				*v = http_hc_digits4((uint32_t)t << (32 - 8 * nd));
			else if (nd)
				*v = http_hc_digits8(t << (64 - 8 * nd));
			return nd;
		}
	}
#endif
	while (nd <= HTTP_HC_CL_DIGITS && p + nd < len) {
		unsigned int d = (unsigned int)((uint8_t)buf[p + nd] - '0');

		if (d > 9)
			break;
		x = x * 10 + d;
		nd++;
	}
	*v = x;
	return nd;
}

void
http_head_cache_fill(const struct http_hc_hit *h, struct http_request *req)
{
	const struct http_hc_entry *e = h->e;
	uint64_t b = (uint64_t)(uintptr_t)h->buf, nd = h->nd;
	http_hc_v4 x, y, all = {b, b, b, b}, base = {b, 0, b, 0};
	http_hc_v4 n4 = {nd, nd, nd, nd};
	char *r = (char *)req;
	size_t i, nh = e->nh;

#pragma GCC unroll 4
	for (i = 0; i < HTTP_HC_TOP_WORDS; i += 4) {
		memcpy(&x, e->top + i, 32);
		memcpy(&y, e->top_ptr + i, 32);
		x += y & all;
		memcpy(r + 8 * i, &x, 32);
	}
	for (i = 0; i < nh; i++) {
		memcpy(&x, e->field[i], 32);
		memcpy(&y, e->field_nd[i], 32);
		x += base + (y & n4);
		memcpy(&req->headers[i], &x, 32);
	}
	memcpy(&req->chunked, e->tail, 4);
	req->content_length = e->cl_digits ? (int64_t)h->v : -1;
}

/* a[0..n) == b[0..n): overlapping words, nothing outside read. */
static inline __attribute__((always_inline)) bool
http_hc_eq_small(const char *a, const char *b, size_t n)
{
	uint64_t x, y, z, w;
	uint32_t p, q, r, s;

	if (n >= 8) {
		uint64_t acc = 0;
		size_t i;

		for (i = 0; i + 8 < n; i += 8) {
			memcpy(&x, a + i, 8);
			memcpy(&y, b + i, 8);
			acc |= x ^ y;
		}
		memcpy(&z, a + n - 8, 8);
		memcpy(&w, b + n - 8, 8);
		return !(acc | (z ^ w));
	}
	if (n >= 4) {
		memcpy(&p, a, 4);
		memcpy(&q, b, 4);
		memcpy(&r, a + n - 4, 4);
		memcpy(&s, b + n - 4, 4);
		return !((p ^ q) | (r ^ s));
	}
	for (size_t i = 0; i < n; i++)
		if (a[i] != b[i])
			return false;
	return true;
}

static const struct http_limits http_hc_defaults = {
	HTTP_DEFAULT_MAX_REQUEST_LINE,
	HTTP_DEFAULT_MAX_HEADER_BYTES,
	HTTP_MAX_HEADERS,
};

#if defined(__x86_64__)
#include <immintrin.h>

static inline __attribute__((always_inline)) bool
http_hc_eq_sse2(const char *a, const char *b, size_t n)
{
	__m128i acc = _mm_setzero_si128();
	size_t i;

	if (n < 16)
		return http_hc_eq_small(a, b, n);
	for (i = 0; i + 16 < n; i += 16)
		acc = _mm_or_si128(
			acc, _mm_xor_si128(_mm_loadu_si128((const void *)(a + i)),
					   _mm_loadu_si128((const void *)(b + i))));
	acc = _mm_or_si128(acc, _mm_xor_si128(
					_mm_loadu_si128((const void *)(a + n - 16)),
					_mm_loadu_si128((const void *)(b + n - 16))));
	return _mm_movemask_epi8(_mm_cmpeq_epi8(acc, _mm_setzero_si128())) ==
	       0xffff;
}

#define HTTP_HC_AVX2 __attribute__((target("avx2,tune=haswell")))

static inline __attribute__((always_inline)) HTTP_HC_AVX2 bool
http_hc_eq_avx2(const char *a, const char *b, size_t n)
{
	__m256i acc = _mm256_setzero_si256();
	size_t i;

	if (n < 32)
		return http_hc_eq_sse2(a, b, n);
	if (n <= 96) {
		/* Heads' usual prefixes: three overlapping blocks, no loop. */
		size_t m = n > 64 ? 32 : n - 32;

		acc = _mm256_xor_si256(_mm256_loadu_si256((const void *)a),
				       _mm256_loadu_si256((const void *)b));
		acc = _mm256_or_si256(
			acc, _mm256_xor_si256(
				     _mm256_loadu_si256((const void *)(a + m)),
				     _mm256_loadu_si256((const void *)(b + m))));
		acc = _mm256_or_si256(
			acc,
			_mm256_xor_si256(
				_mm256_loadu_si256((const void *)(a + n - 32)),
				_mm256_loadu_si256((const void *)(b + n - 32))));
		return _mm256_testz_si256(acc, acc);
	}
	for (i = 0; i + 32 < n; i += 32)
		acc = _mm256_or_si256(
			acc,
			_mm256_xor_si256(_mm256_loadu_si256((const void *)(a + i)),
					 _mm256_loadu_si256((const void *)(b + i))));
	acc = _mm256_or_si256(
		acc, _mm256_xor_si256(
			     _mm256_loadu_si256((const void *)(a + n - 32)),
			     _mm256_loadu_si256((const void *)(b + n - 32))));
	return _mm256_testz_si256(acc, acc);
}

#define HTTP_HC_HIT http_hc_hit_avx2
#define HTTP_HC_ATTR HTTP_HC_AVX2
#define HTTP_HC_EQ http_hc_eq_avx2
#include "http/head_cache_match.h"

#define HTTP_HC_HIT http_hc_hit_sse2
#define HTTP_HC_ATTR
#define HTTP_HC_EQ http_hc_eq_sse2
#include "http/head_cache_match.h"

#define http_hc_eq http_hc_eq_sse2
#else
#define HTTP_HC_HIT http_hc_hit_sse2
#define HTTP_HC_ATTR
#define HTTP_HC_EQ http_hc_eq_small
#include "http/head_cache_match.h"

#define http_hc_eq http_hc_eq_small
#endif

/* The entry to replace: the clock hand passes over entries hit since it
 * last came by (clearing their mark), so a head in use stays while
 * others churn. At most HTTP_HC_ENTRIES + 1 steps. */
static struct http_hc_entry *
http_hc_victim(struct http_head_cache *c)
{
	for (;;) {
		struct http_hc_entry *e = &c->e[c->hand];

		c->hand = (uint8_t)((c->hand + 1) % HTTP_HC_ENTRIES);
		if (!e->len || !e->ref)
			return e;
		e->ref = 0;
	}
}

/* FNV-1a over the words of a[0..n) (the last one zero-padded). */
static uint32_t
http_hc_hash(uint32_t h, const char *a, size_t n)
{
	uint64_t w;

	for (size_t i = 0; i < n; i += 8) {
		w = 0;
		memcpy(&w, a + i, n - i < 8 ? n - i : 8);
		h = (h ^ (uint32_t)w ^ (uint32_t)(w >> 32)) * 16777619u;
	}
	return h;
}

/*
 * Whether the head buf[0..n) (Content-Length digits buf[cl..cl + nd)
 * left out) was missed lately: then it is kept, else noted. A peer that
 * never sends a head twice costs a hash per head and evicts nothing.
 */
static bool
http_hc_admit(struct http_head_cache *c, const char *buf, size_t n,
	      size_t cl, size_t nd)
{
	uint32_t h = http_hc_hash(2166136261u, buf, cl);
	uint32_t *slot;

	h = http_hc_hash(h ^ (uint32_t)(n - nd), buf + cl + nd, n - cl - nd) | 1;
	slot = &c->seen[h % HTTP_HC_SEEN];
	if (*slot == h)
		return true;
	*slot = h;
	return false;
}

/* A pointer into the head as its offset, for an image. */
static inline const char *
http_hc_off(const char *p, const char *buf, size_t back)
{
	return p ? (const char *)(uintptr_t)((size_t)(p - buf) - back) : NULL;
}

/*
 * e's fast form (head_cache_fast.h), its head of e->len bytes with nd
 * Content-Length digits at e->cl just installed: the mask of the bytes
 * compared, the blocks' end, and the digits' word; none for a chunked
 * head, one past HTTP_HC_FAST_MAX bytes or with more than 8 digits.
 * Not armed until http_hc_fast_arm.
 */
static void
http_hc_fast_form(struct http_hc_entry *e, size_t nd)
{
	size_t n = e->len, r = (n + 15) & ~(size_t)15, need;

	e->fast_gen = 0;
	e->fast_len = 0;
	if (e->tail[0] || nd > 8 || r > HTTP_HC_FAST_MAX)
		return;
	if (r < HTTP_HC_FAST_MIN)
		r = HTTP_HC_FAST_MIN;
	memset(e->mask, 0xff, n);
	memset(e->mask + n, 0, sizeof(e->mask) - n);
	need = r;
	e->dmask = 0;
	e->dshift = 0;
	e->cl_lim = 0;
	e->fast_blim = 0;
	if (nd) {
		memset(e->mask + e->cl, 0, nd);
		e->dmask = nd == 8 ? 0x8080808080808080ull :
				     0x8080808080808080ull & ((1ull << (8 * nd)) - 1);
		/* the high bytes of a 32-bit word for 1 to 4 digits, of a
		 * 64-bit one for more */
		e->dshift = (uint8_t)((nd <= 4 ? 32 : 64) - 8 * nd);
		if (nd <= 4)
			e->cl_lim = nd == 1 ? 10 : nd == 2 ? 100 :
				    nd == 3 ? 1000 : 10000;
		if (need < (size_t)e->cl + 8)
			need = (size_t)e->cl + 8;
	}
	e->fast_r = (uint8_t)r;
	e->fast_m = (uint8_t)((r - 32) / 2);
	e->fast_t = (uint8_t)(r - 32);
	e->fast_plan = HTTP_HC_PLAN_16;
	e->fast_len = (uint16_t)need;
}

void
http_hc_fast_arm_w(struct http_hc_entry *e, const struct http_router *r,
		   const struct http_limits *lim, uint32_t wide)
{
	if (e->fast_len && e->rt.router == r && e->rt.gen == r->gen &&
	    e->rt.route >= 0 && http_hc_limits_ok(e, e->cl_digits, lim)) {
		e->fast_plan = e->fast_r > wide ? HTTP_HC_PLAN_16 :
			       e->fast_r <= 96	 ? HTTP_HC_PLAN_32x3 :
						   HTTP_HC_PLAN_32x6;
		e->fast_blim = e->cl_lim < HTTP_HC_DDD ? e->cl_lim : HTTP_HC_DDD;
		if (lim->body_lim && lim->body_lim < e->fast_blim)
			e->fast_blim = (uint16_t)lim->body_lim;
		e->fast_gen = r->gen;
	}
}

void
http_hc_fast_arm(struct http_hc_entry *e, const struct http_router *r,
		 const struct http_limits *lim)
{
	http_hc_fast_arm_w(e, r, lim, 0);
}

/* Keep the head buf[0..n) the parser accepted as req, when it fits. */
static void
http_hc_install(struct http_head_cache *c, const char *buf, size_t n,
		const struct http_request *req)
{
	static const char *const ptr = (const char *)UINTPTR_MAX;
	/* images of req up to its first header's name (the rest unused) */
	struct http_request top, mask;
	struct http_hc_entry *e;
	size_t nh = req->num_headers, cf = nh, nd = 0, rl;

	/* No leading CRLF, a path in the head (not the static "/" of an
	 * absolute-form target without one). */
	if (n > HTTP_HC_BYTES || nh > HTTP_HC_FIELDS || req->method_str != buf ||
	    (uintptr_t)req->path - (uintptr_t)buf >= n)
		return;
	if (req->content_length >= 0) {
		/* The one Content-Length field: its value is 1*DIGIT. */
		for (size_t i = 0; i < nh; i++)
			if (req->headers[i].name_len == 14 &&
			    http_name_eq(req->headers[i].name, "content-length",
					 14))
				cf = i;
		if (cf == nh)
			return;
		nd = req->headers[cf].value_len;
		if (nd < 1 || nd > HTTP_HC_CL_DIGITS)
			return;
	}
	if (!http_hc_admit(c, buf, n, cf < nh ? (size_t)(req->headers[cf].value -
						       buf) : n, nd))
		return;
	e = http_hc_victim(c);
	if (c->last == e)
		c->last = NULL;
	memcpy(e->bytes, buf, n);
	for (size_t i = 0; i < nh; i++) {
		const struct http_header *h = &req->headers[i];
		size_t back = i > cf ? nd : 0;

		e->field[i][0] = (uint64_t)(h->name - buf) - back;
		e->field[i][1] = h->name_len;
		e->field[i][2] = (uint64_t)(h->value - buf) - back;
		e->field[i][3] = i == cf ? 0 : h->value_len;
		e->field_nd[i][0] = e->field_nd[i][2] = i > cf ? ~0ull : 0;
		e->field_nd[i][1] = 0;
		e->field_nd[i][3] = i == cf ? ~0ull : 0;
	}
	memset(&top, 0, sizeof(e->top));
	memset(&mask, 0, sizeof(e->top_ptr));
	top.method = req->method;
	top.method_str = http_hc_off(req->method_str, buf, 0);
	top.method_len = req->method_len;
	top.target = http_hc_off(req->target, buf, 0);
	top.target_len = req->target_len;
	top.path = http_hc_off(req->path, buf, 0);
	top.path_len = req->path_len;
	top.query = http_hc_off(req->query, buf, 0);
	top.query_len = req->query_len;
	top.minor_version = req->minor_version;
	top.num_headers = nh;
	mask.method_str = mask.target = mask.path = ptr;
	mask.query = req->query ? ptr : NULL;
	if (nh) {
		/* The first field's name, never after the digits. */
		top.headers[0].name = http_hc_off(req->headers[0].name, buf, 0);
		mask.headers[0].name = ptr;
	}
	memcpy(e->top, &top, sizeof(e->top));
	memcpy(e->top_ptr, &mask, sizeof(e->top_ptr));
	memcpy(e->tail, &req->chunked, 4);
	rl = (size_t)(req->target - buf) + req->target_len + 9;
	e->len = (uint16_t)n;
	e->cl = (uint16_t)(cf < nh ? (size_t)(req->headers[cf].value - buf) : n);
	e->cl_digits = (uint8_t)nd;
	e->min_len = (uint16_t)(n - nd + !!nd);
	e->suf = (uint16_t)(n - e->cl - nd);
	e->suf8 = e->suf_mask = 0;
	if (__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ && nd && e->suf <= 8) {
		memcpy(&e->suf8, buf + e->cl + nd, e->suf);
		e->suf_mask = e->suf == 8 ? ~0ull : (1ull << (8 * e->suf)) - 1;
	}
	e->rl = (uint16_t)rl;
	e->fs = (uint16_t)(n - rl - 4 - nd);
	e->path_off = (uint16_t)(req->path - buf);
	e->path_len = (uint16_t)req->path_len;
	e->nh = (uint8_t)nh;
	e->method = (uint8_t)req->method;
	e->minor_version = (uint8_t)req->minor_version;
	e->xf[0] = http_req_rflags(req->minor_version, req->keep_alive);
	e->xf[1] = req->method == HTTP_M_HEAD;
	e->ref = 0;
	e->rt.router = NULL;
	http_hc_fast_form(e, nd);
}

int
http_head_cache_miss(struct http_head_cache *c, struct stats *stats,
		     struct http_parse_state *st, const char *buf, size_t len,
		     const struct http_limits *lim, struct http_request *req,
		     int *status)
{
	int n;

	stats->v[ST_http_head_cache_misses]++;
	n = http_parse_resume(st, buf, len, lim, req, status);
	if (n > 0)
		http_hc_install(c, buf, (size_t)n, req);
	return n;
}

http_hc_hit_fn
http_head_cache_hit_variant(void)
{
#if defined(__x86_64__)
	if (http_isa_cur == HTTP_ISA_AVX2)
		return http_hc_hit_avx2;
#endif
	return http_hc_hit_sse2;
}

size_t
http_head_cache_hit(struct http_head_cache *c, struct stats *stats,
		    const char *buf, size_t len, const struct http_limits *lim,
		    struct http_hc_hit *h)
{
	return http_head_cache_hit_variant()(c, stats, buf, len,
					     lim ? lim : &http_hc_defaults, h);
}

int
http_head_cache_take(const struct http_hc_hit *h, size_t n,
		     struct http_parse_state *st, struct http_request *req)
{
	http_head_cache_fill(h, req);
	/* What the parser leaves of a head judged whole. */
	st->scanned += (uint32_t)n;
	st->pos = (uint32_t)n;
	st->phase = HTTP_PS_DONE;
	return (int)n;
}

int
http_head_cache_parse(struct http_head_cache *c, struct stats *stats,
		      struct http_parse_state *st, const char *buf, size_t len,
		      const struct http_limits *lim, struct http_request *req,
		      int *status)
{
	struct http_hc_hit h;
	size_t n;

	if (st->pos)
		return http_parse_resume(st, buf, len, lim, req, status);
	n = http_head_cache_hit(c, stats, buf, len, lim, &h);
	if (n)
		return http_head_cache_take(&h, n, st, req);
	return http_head_cache_miss(c, stats, st, buf, len, lim, req, status);
}

_Static_assert(offsetof(struct http_exchange, allow) + sizeof(void *) -
			       offsetof(struct http_exchange, arg) ==
		       HTTP_X_IMG,
	       "an exchange's arg..allow is the kept route's image");

/* rt's image of an exchange from arg to allow (http_dispatch_kept
 * copies it): what http_dispatch_hit's general way would store there
 * for an entry with rflags and head_only xf, padding zero. */
static void
http_hc_route_ximg(struct http_hc_route *rt, const uint8_t xf[2])
{
	struct http_exchange x;

	memset(&x, 0, sizeof(x));
	x.arg = rt->arg;
	x.route = rt->route;
	x.status = 0;
	x.close = false;
	x.rflags = xf[0];
	x.head_only = xf[1];
	x.allow = NULL;
	memcpy(rt->ximg, (const char *)&x + offsetof(struct http_exchange, arg),
	       HTTP_X_IMG);
}

int
http_hc_route_slow(struct http_head_cache *c, const struct http_router *r,
		   enum http_method method, const char *path, size_t path_len,
		   struct http_match *m)
{
	struct http_hc_entry *e = (struct http_hc_entry *)c->last;
	struct http_hc_route *rt;
	int rc;

	rc = http_router_match(r, method, path, path_len, m);
	if (!e || method != (enum http_method)e->method ||
	    path_len != e->path_len ||
	    !http_hc_eq(path, e->bytes + e->path_off, e->path_len))
		return rc;
	/* The entry's path: keep the router's answer for it. */
	rt = &e->rt;
	rt->router = r;
	rt->gen = r->gen;
	rt->route = m->route;
	rt->fn = m->route >= 0 ? r->routes[m->route].fn : NULL;
	rt->arg = m->route >= 0 ? r->routes[m->route].arg : NULL;
	rt->allowed = m->allowed;
	rt->nparams = m->nparams;
	for (unsigned int i = 0; i < m->nparams; i++) {
		rt->poff[i] = (uint16_t)(m->params[i].p - path);
		rt->plen[i] = (uint16_t)m->params[i].len;
	}
	http_hc_route_ximg(rt, e->xf);
	return rc;
}
