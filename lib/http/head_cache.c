/* SPDX-License-Identifier: BSD-3-Clause */
/* head_cache.c: request-head prediction: parsed heads kept per lcore and
 * matched byte for byte (head_cache.h). */
#include <string.h>

#include "http/head_cache.h"
#include "http/parser_priv.h"

/* Content-Length digits a match takes: 18 never overflow int64_t, as in
 * http_content_length(); a longer run is left to the parser. */
#define HTTP_HC_CL_DIGITS 18

enum {
	HTTP_HC_F_QUERY = 1 << 0,
	HTTP_HC_F_CHUNKED = 1 << 1,
	HTTP_HC_F_KEEP_ALIVE = 1 << 2,
	HTTP_HC_F_EXPECT = 1 << 3,
	HTTP_HC_F_HOST = 1 << 4,
};

#define HTTP_HC_NO_FIELD 0xff

/*
 * The parser's limits hold for the entry's head with nd digits: the
 * request line (its bytes before CR) within max_request_line, the field
 * lines (with their CRLFs) within max_header_bytes, at most max_headers
 * of them. A well-formed head within those passes every limit check of
 * the machine (parser_machine.h), so its answer is the entry's.
 */
static inline bool
http_hc_limits_ok(const struct http_hc_entry *e, size_t nd,
		  const struct http_limits *lim)
{
	size_t max_rl = http_min(lim->max_request_line, HTTP_LIMIT_CAP);
	size_t max_hb = http_min(lim->max_header_bytes, HTTP_LIMIT_CAP);

	return e->rl <= max_rl && e->nh <= lim->max_headers &&
	       e->fs + nd - e->cl_digits <= max_hb;
}

/* req as the parser fills it for the entry's head at buf, with nd
 * Content-Length digits of value v (fields after it moved by the
 * difference in digits). */
static inline __attribute__((always_inline)) void
http_hc_fill(const struct http_hc_entry *e, const char *buf, size_t nd,
	     uint64_t v, struct http_request *req)
{
	uint64_t b = (uint64_t)(uintptr_t)buf;
	uint64_t after = b + nd; /* offsets after the digits lack them */
	size_t i = 0, nh = e->nh, cf = e->cl_field;
	struct http_header *h = req->headers;

	req->method = (enum http_method)e->method;
	req->method_str = buf;
	req->method_len = e->method_len;
	req->target = buf + e->method_len + 1;
	req->target_len = e->target_len;
	req->path = buf + e->path_off;
	req->path_len = e->path_len;
	req->query = e->flags & HTTP_HC_F_QUERY ? buf + e->query_off : NULL;
	req->query_len = e->query_len;
	req->minor_version = e->minor;
	req->num_headers = nh;
	for (; i < nh; i++) {
		uint64_t add = i > cf ? after : b;

		h[i].name = (const char *)(uintptr_t)(e->field[i][0] + add);
		h[i].name_len = e->field[i][1];
		h[i].value = (const char *)(uintptr_t)(e->field[i][2] + add);
		h[i].value_len = e->field[i][3];
	}
	if (e->cl_digits) {
		h[cf].value_len = nd;
		req->content_length = (int64_t)v;
	} else {
		req->content_length = -1;
	}
	req->chunked = e->flags & HTTP_HC_F_CHUNKED;
	req->keep_alive = e->flags & HTTP_HC_F_KEEP_ALIVE;
	req->expect_continue = e->flags & HTTP_HC_F_EXPECT;
	req->has_host = e->flags & HTTP_HC_F_HOST;
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

#define HTTP_HC_AVX2 __attribute__((target("avx2")))

static inline __attribute__((always_inline)) HTTP_HC_AVX2 bool
http_hc_eq_avx2(const char *a, const char *b, size_t n)
{
	__m256i acc = _mm256_setzero_si256();
	size_t i;

	if (n < 32)
		return http_hc_eq_sse2(a, b, n);
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

#define HTTP_HC_MATCH http_hc_match_avx2
#define HTTP_HC_ATTR HTTP_HC_AVX2
#define HTTP_HC_EQ http_hc_eq_avx2
#include "http/head_cache_match.h"

#define HTTP_HC_MATCH http_hc_match_sse2
#define HTTP_HC_ATTR
#define HTTP_HC_EQ http_hc_eq_sse2
#include "http/head_cache_match.h"

#define http_hc_eq http_hc_eq_sse2
#else
#define HTTP_HC_MATCH http_hc_match_sse2
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

/* Keep the head buf[0..n) the parser accepted as req, when it fits. */
static void
http_hc_install(struct http_head_cache *c, const char *buf, size_t n,
		const struct http_request *req)
{
	struct http_hc_entry *e;
	size_t nh = req->num_headers, cf = HTTP_HC_NO_FIELD, rl;
	const struct http_header *cl = NULL;

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
		if (cf == HTTP_HC_NO_FIELD)
			return;
		cl = &req->headers[cf];
		if (cl->value_len < 1 || cl->value_len > HTTP_HC_CL_DIGITS)
			return;
	}
	e = http_hc_victim(c);
	if (c->last == e)
		c->last = NULL;
	memcpy(e->bytes, buf, n);
	for (size_t i = 0; i < nh; i++) {
		const struct http_header *h = &req->headers[i];
		uint64_t back = i > cf && cl ? cl->value_len : 0;

		e->field[i][0] = (uint64_t)(h->name - buf) - back;
		e->field[i][1] = h->name_len;
		e->field[i][2] = (uint64_t)(h->value - buf) - back;
		e->field[i][3] = h->value_len;
	}
	rl = (size_t)(req->target - buf) + req->target_len + 9;
	e->len = (uint16_t)n;
	e->cl = (uint16_t)(cl ? (size_t)(cl->value - buf) : n);
	e->cl_digits = (uint8_t)(cl ? cl->value_len : 0);
	e->cl_field = (uint8_t)cf;
	e->rl = (uint16_t)rl;
	e->fs = (uint16_t)(n - rl - 4);
	e->method_len = (uint16_t)req->method_len;
	e->target_len = (uint16_t)req->target_len;
	e->path_off = (uint16_t)(req->path - buf);
	e->path_len = (uint16_t)req->path_len;
	e->query_off = (uint16_t)(req->query ? req->query - buf : 0);
	e->query_len = (uint16_t)req->query_len;
	e->nh = (uint8_t)nh;
	e->method = (uint8_t)req->method;
	e->minor = (uint8_t)req->minor_version;
	e->flags = (uint8_t)((req->query ? HTTP_HC_F_QUERY : 0) |
			     (req->chunked ? HTTP_HC_F_CHUNKED : 0) |
			     (req->keep_alive ? HTTP_HC_F_KEEP_ALIVE : 0) |
			     (req->expect_continue ? HTTP_HC_F_EXPECT : 0) |
			     (req->has_host ? HTTP_HC_F_HOST : 0));
	e->ref = 0;
	e->rt.router = NULL;
}

int
http_head_cache_parse(struct http_head_cache *c, struct stats *stats,
		      struct http_parse_state *st, const char *buf, size_t len,
		      const struct http_limits *lim, struct http_request *req,
		      int *status)
{
	static const struct http_limits defaults = {
		HTTP_DEFAULT_MAX_REQUEST_LINE,
		HTTP_DEFAULT_MAX_HEADER_BYTES,
		HTTP_MAX_HEADERS,
	};
	int n;

	if (st->pos)
		return http_parse_resume(st, buf, len, lim, req, status);
	if (!lim)
		lim = &defaults;
#if defined(__x86_64__)
	n = http_isa_cur == HTTP_ISA_AVX2
		    ? http_hc_match_avx2(c, buf, len, lim, req)
		    : http_hc_match_sse2(c, buf, len, lim, req);
#else
	n = http_hc_match_sse2(c, buf, len, lim, req);
#endif
	if (n) {
		/* What the parser leaves of a head judged whole. */
		st->scanned += (uint32_t)n;
		st->pos = (uint32_t)n;
		st->phase = HTTP_PS_DONE;
		stats->v[ST_http_head_cache_hits]++;
		return n;
	}
	stats->v[ST_http_head_cache_misses]++;
	n = http_parse_resume(st, buf, len, lim, req, status);
	if (n > 0)
		http_hc_install(c, buf, (size_t)n, req);
	return n;
}

int
http_head_cache_route(struct http_head_cache *c, const struct http_router *r,
		      const struct http_request *req, struct http_match *m)
{
	struct http_hc_entry *e = (struct http_hc_entry *)c->last;
	struct http_hc_route *rt;
	int rc;

	if (!e || req->method != (enum http_method)e->method ||
	    req->path_len != e->path_len ||
	    !http_hc_eq(req->path, e->bytes + e->path_off, e->path_len))
		return http_router_match(r, req->method, req->path,
					 req->path_len, m);
	rt = &e->rt;
	if (rt->router != r || rt->gen != r->gen) {
		/* First use with this router: ask it, keep the answer. */
		rc = http_router_match(r, req->method, req->path, req->path_len,
				       m);
		rt->router = r;
		rt->gen = r->gen;
		rt->route = m->route;
		rt->allowed = m->allowed;
		rt->nparams = m->nparams;
		for (unsigned int i = 0; i < m->nparams; i++) {
			rt->poff[i] = (uint16_t)(m->params[i].p - req->path);
			rt->plen[i] = (uint16_t)m->params[i].len;
		}
		return rc;
	}
	m->route = rt->route;
	m->allowed = rt->allowed;
	m->nparams = rt->nparams;
	for (unsigned int i = 0; i < rt->nparams; i++) {
		m->params[i].p = req->path + rt->poff[i];
		m->params[i].len = rt->plen[i];
	}
	return rt->route;
}
