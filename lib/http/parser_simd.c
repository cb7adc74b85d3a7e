/* SPDX-License-Identifier: BSD-3-Clause */
/* parser_simd.c: SSE4.2/AVX2 byte-class scans for the head machine, and the
 * choice among them. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "http/chars.h"
#include "http/parser_priv.h"

struct http_nib http_nib_tchar = {.tab = http_tchar};
struct http_nib http_nib_target = {.tab = http_target_char};
struct http_nib http_nib_field = {.tab = http_field_char};
struct http_nib http_nib_host = {.tab = http_host_char};

int http_isa_cur = HTTP_ISA_SCALAR;

#if defined(__x86_64__)
#include <immintrin.h>

/*
 * Nibble tables of tab's class: each distinct non-empty set of low
 * nibbles (over the 16 high nibbles) gets one of 8 bits. Returns -1
 * when the class needs more than 8 sets.
 */
static int
http_nib_build(struct http_nib *n)
{
	uint16_t sets[8];
	int nsets = 0;

	memset(n->lo, 0, sizeof(n->lo));
	memset(n->hi, 0, sizeof(n->hi));
	for (int h = 0; h < 16; h++) {
		uint16_t set = 0;
		int b;

		for (int l = 0; l < 16; l++)
			if (n->tab[h << 4 | l])
				set |= (uint16_t)(1u << l);
		if (!set)
			continue;
		for (b = 0; b < nsets && sets[b] != set; b++)
			;
		if (b == nsets) {
			if (nsets == 8)
				return -1;
			sets[nsets++] = set;
		}
		n->hi[h] = (uint8_t)(1u << b);
		for (int l = 0; l < 16; l++)
			if (set & (1u << l))
				n->lo[l] |= (uint8_t)(1u << b);
	}
	return 0;
}

#define HTTP_SSE42 __attribute__((target("sse4.2")))
#define HTTP_AVX2 __attribute__((target("avx2")))

/* Bit i set when v's byte i is outside the class (lo, hi as vectors). */
static inline HTTP_SSE42 unsigned int
http_out16(__m128i v, __m128i lo, __m128i hi)
{
	const __m128i m = _mm_set1_epi8(0x0f);
	__m128i c = _mm_and_si128(
		_mm_shuffle_epi8(lo, _mm_and_si128(v, m)),
		_mm_shuffle_epi8(hi, _mm_and_si128(_mm_srli_epi16(v, 4), m)));

	return (unsigned int)_mm_movemask_epi8(
		_mm_cmpeq_epi8(c, _mm_setzero_si128()));
}

/*
 * HTTP_SCAN 16 bytes a time. The last 16 bytes of buf are read from
 * len - 16, the bytes before p shifted out, so nothing past buf[len)
 * is touched; a buffer shorter than 16 bytes is scanned by table.
 */
static inline HTTP_SSE42 size_t
http_scan_sse42(const struct http_nib *n, const char *buf, size_t p, size_t len,
		size_t stop)
{
	const __m128i lo = _mm_load_si128((const __m128i *)n->lo);
	const __m128i hi = _mm_load_si128((const __m128i *)n->hi);

	if (p >= stop)
		return p;
	if (len < 16)
		return http_scan_tab(n->tab, buf, p, stop);
	for (;;) {
		size_t at = len - p >= 16 ? p : len - 16;
		unsigned int out = http_out16(
			_mm_loadu_si128((const __m128i *)(buf + at)), lo, hi);

		out >>= p - at;
		if (out) {
			p += (size_t)__builtin_ctz(out);
			return p < stop ? p : stop;
		}
		p = at + 16;
		if (p >= stop)
			return stop;
	}
}

/* HTTP_SCAN 32 bytes a time while 32 remain, then 16 at a time. */
static inline HTTP_AVX2 size_t
http_scan_avx2(const struct http_nib *n, const char *buf, size_t p, size_t len,
	       size_t stop)
{
	if (p >= stop)
		return p;
	if (len - p >= 32) {
		const __m256i lo = _mm256_broadcastsi128_si256(
			_mm_load_si128((const __m128i *)n->lo));
		const __m256i hi = _mm256_broadcastsi128_si256(
			_mm_load_si128((const __m128i *)n->hi));
		const __m256i m = _mm256_set1_epi8(0x0f);

		do {
			__m256i v =
				_mm256_loadu_si256((const __m256i *)(buf + p));
			__m256i c = _mm256_and_si256(
				_mm256_shuffle_epi8(lo, _mm256_and_si256(v, m)),
				_mm256_shuffle_epi8(
					hi,
					_mm256_and_si256(
						_mm256_srli_epi16(v, 4), m)));
			unsigned int out = (unsigned int)_mm256_movemask_epi8(
				_mm256_cmpeq_epi8(c, _mm256_setzero_si256()));

			if (out) {
				p += (size_t)__builtin_ctz(out);
				return p < stop ? p : stop;
			}
			p += 32;
			if (p >= stop)
				return stop;
		} while (len - p >= 32);
	}
	return http_scan_sse42(n, buf, p, len, stop);
}

/*
 * A whole field line in the 32 bytes at buf + p, from its out-of-class
 * masks: a name of tchars, its colon, field bytes, CR, LF. Sets *colon
 * and *cr and returns true; false when the line is anything else (not
 * all there, too long, or wrong), for the machine's scans to judge.
 */
static inline bool
http_line_masks(const char *buf, size_t p, uint32_t nt, uint32_t nf,
		size_t *colon, size_t *cr)
{
	unsigned int c, r;

	if (!nt)
		return false;
	c = (unsigned int)__builtin_ctz(nt);
	if (c == 0 || buf[p + c] != ':')
		return false;
	nf &= ~((2u << c) - 1);
	if (!nf)
		return false;
	r = (unsigned int)__builtin_ctz(nf);
	if (r >= 31 || buf[p + r] != '\r' || buf[p + r + 1] != '\n')
		return false;
	*colon = p + c;
	*cr = p + r;
	return true;
}

/*
 * A whole request line in the 32 bytes at buf + p, from its out-of-class
 * masks: a method of tchars, SP, a target of target bytes, SP,
 * "HTTP/1.1" or "HTTP/1.0", CR, LF. Sets *ts and *vs (the target's and
 * the version's first byte) and returns true; false for anything else.
 */
static inline bool
http_rline_masks(const char *buf, size_t p, uint32_t nt, uint32_t ng,
		 size_t *ts, size_t *vs)
{
	unsigned int m, t;
	uint64_t w;

	if (!nt)
		return false;
	m = (unsigned int)__builtin_ctz(nt);
	if (m == 0 || buf[p + m] != ' ')
		return false;
	ng &= ~((2u << m) - 1);
	if (!ng)
		return false;
	t = (unsigned int)__builtin_ctz(ng);
	if (t == m + 1 || t > 21 || buf[p + t] != ' ')
		return false;
	memcpy(&w, buf + p + t + 1, 8);
	if ((w != http_word8("HTTP/1.1") && w != http_word8("HTTP/1.0")) ||
	    buf[p + t + 9] != '\r' || buf[p + t + 10] != '\n')
		return false;
	*ts = p + m + 1;
	*vs = p + t + 1;
	return true;
}

/* HTTP_RLINE (parser_machine.h), 16 bytes twice. */
static inline HTTP_SSE42 bool
http_rline_sse42(const char *buf, size_t p, size_t len, size_t *ts, size_t *vs)
{
	const __m128i tl = _mm_load_si128((const __m128i *)http_nib_tchar.lo);
	const __m128i th = _mm_load_si128((const __m128i *)http_nib_tchar.hi);
	const __m128i gl = _mm_load_si128((const __m128i *)http_nib_target.lo);
	const __m128i gh = _mm_load_si128((const __m128i *)http_nib_target.hi);
	__m128i a, b;

	if (len - p < 32)
		return false;
	a = _mm_loadu_si128((const __m128i *)(buf + p));
	b = _mm_loadu_si128((const __m128i *)(buf + p + 16));
	return http_rline_masks(
		buf, p, http_out16(a, tl, th) | http_out16(b, tl, th) << 16,
		http_out16(a, gl, gh) | http_out16(b, gl, gh) << 16, ts, vs);
}

/* Out-of-class masks of the 32 bytes at s for the classes a and b. */
static inline HTTP_AVX2 void
http_out32x2(const char *s, const struct http_nib *a, const struct http_nib *b,
	     uint32_t *na, uint32_t *nb)
{
	const __m256i m = _mm256_set1_epi8(0x0f);
	const __m256i z = _mm256_setzero_si256();
	__m256i v = _mm256_loadu_si256((const __m256i *)s), lo, hi, x, y;

	lo = _mm256_and_si256(v, m);
	hi = _mm256_and_si256(_mm256_srli_epi16(v, 4), m);
	x = _mm256_and_si256(
		_mm256_shuffle_epi8(_mm256_broadcastsi128_si256(_mm_load_si128(
					    (const __m128i *)a->lo)),
				    lo),
		_mm256_shuffle_epi8(_mm256_broadcastsi128_si256(_mm_load_si128(
					    (const __m128i *)a->hi)),
				    hi));
	y = _mm256_and_si256(
		_mm256_shuffle_epi8(_mm256_broadcastsi128_si256(_mm_load_si128(
					    (const __m128i *)b->lo)),
				    lo),
		_mm256_shuffle_epi8(_mm256_broadcastsi128_si256(_mm_load_si128(
					    (const __m128i *)b->hi)),
				    hi));
	*na = (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(x, z));
	*nb = (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(y, z));
}

/* HTTP_RLINE (parser_machine.h), 32 bytes at once. */
static inline HTTP_AVX2 bool
http_rline_avx2(const char *buf, size_t p, size_t len, size_t *ts, size_t *vs)
{
	uint32_t nt, ng;

	if (len - p < 32)
		return false;
	http_out32x2(buf + p, &http_nib_tchar, &http_nib_target, &nt, &ng);
	return http_rline_masks(buf, p, nt, ng, ts, vs);
}

/* HTTP_LINE (parser_machine.h), 16 bytes twice. */
static inline HTTP_SSE42 bool
http_line_sse42(const char *buf, size_t p, size_t len, size_t *colon,
		size_t *cr)
{
	const __m128i tl = _mm_load_si128((const __m128i *)http_nib_tchar.lo);
	const __m128i th = _mm_load_si128((const __m128i *)http_nib_tchar.hi);
	const __m128i fl = _mm_load_si128((const __m128i *)http_nib_field.lo);
	const __m128i fh = _mm_load_si128((const __m128i *)http_nib_field.hi);
	__m128i a, b;

	if (len - p < 32)
		return false;
	a = _mm_loadu_si128((const __m128i *)(buf + p));
	b = _mm_loadu_si128((const __m128i *)(buf + p + 16));
	return http_line_masks(
		buf, p, http_out16(a, tl, th) | http_out16(b, tl, th) << 16,
		http_out16(a, fl, fh) | http_out16(b, fl, fh) << 16, colon, cr);
}

/* HTTP_LINE (parser_machine.h), 32 bytes at once. */
static inline HTTP_AVX2 bool
http_line_avx2(const char *buf, size_t p, size_t len, size_t *colon, size_t *cr)
{
	uint32_t nt, nf;

	if (len - p < 32)
		return false;
	http_out32x2(buf + p, &http_nib_tchar, &http_nib_field, &nt, &nf);
	return http_line_masks(buf, p, nt, nf, colon, cr);
}

/* HTTP_CLASS64 (parser_head.h), 16 bytes four times. */
static inline HTTP_SSE42 void
http_class64_sse42(const char *s, uint64_t *nt, uint64_t *nf)
{
	const __m128i tl = _mm_load_si128((const __m128i *)http_nib_tchar.lo);
	const __m128i th = _mm_load_si128((const __m128i *)http_nib_tchar.hi);
	const __m128i fl = _mm_load_si128((const __m128i *)http_nib_field.lo);
	const __m128i fh = _mm_load_si128((const __m128i *)http_nib_field.hi);
	uint64_t t = 0, f = 0;

	for (int k = 0; k < 4; k++) {
		__m128i v = _mm_loadu_si128((const __m128i *)(s + 16 * k));

		t |= (uint64_t)http_out16(v, tl, th) << (16 * k);
		f |= (uint64_t)http_out16(v, fl, fh) << (16 * k);
	}
	*nt = t;
	*nf = f;
}

/* HTTP_CLASS32 (parser_head.h), 16 bytes twice. */
static inline HTTP_SSE42 void
http_class32_sse42(const char *s, uint32_t *nt, uint32_t *nf)
{
	const __m128i tl = _mm_load_si128((const __m128i *)http_nib_tchar.lo);
	const __m128i th = _mm_load_si128((const __m128i *)http_nib_tchar.hi);
	const __m128i fl = _mm_load_si128((const __m128i *)http_nib_field.lo);
	const __m128i fh = _mm_load_si128((const __m128i *)http_nib_field.hi);
	__m128i a = _mm_loadu_si128((const __m128i *)s);
	__m128i b = _mm_loadu_si128((const __m128i *)(s + 16));

	*nt = http_out16(a, tl, th) | http_out16(b, tl, th) << 16;
	*nf = http_out16(a, fl, fh) | http_out16(b, fl, fh) << 16;
}

/* HTTP_RL32 (parser_head.h), 16 bytes twice. */
static inline HTTP_SSE42 void
http_rl32_sse42(const char *s, uint32_t *ng, uint32_t *nq)
{
	const __m128i gl = _mm_load_si128((const __m128i *)http_nib_target.lo);
	const __m128i gh = _mm_load_si128((const __m128i *)http_nib_target.hi);
	const __m128i qm = _mm_set1_epi8('?');
	__m128i a = _mm_loadu_si128((const __m128i *)s);
	__m128i b = _mm_loadu_si128((const __m128i *)(s + 16));

	*ng = http_out16(a, gl, gh) | http_out16(b, gl, gh) << 16;
	*nq = (unsigned int)_mm_movemask_epi8(_mm_cmpeq_epi8(a, qm)) |
	      (unsigned int)_mm_movemask_epi8(_mm_cmpeq_epi8(b, qm)) << 16;
}

/* HTTP_CLASS64 (parser_head.h), 32 bytes twice. */
static inline HTTP_AVX2 void
http_class64_avx2(const char *s, uint64_t *nt, uint64_t *nf)
{
	uint32_t t0, f0, t1, f1;

	http_out32x2(s, &http_nib_tchar, &http_nib_field, &t0, &f0);
	http_out32x2(s + 32, &http_nib_tchar, &http_nib_field, &t1, &f1);
	*nt = (uint64_t)t1 << 32 | t0;
	*nf = (uint64_t)f1 << 32 | f0;
}

/* Out-of-class mask of the 32 bytes at s for n, and where '?' is. */
static inline HTTP_AVX2 void
http_out32q(const char *s, const struct http_nib *n, uint32_t *out,
	    uint32_t *q)
{
	const __m256i m = _mm256_set1_epi8(0x0f);
	__m256i v = _mm256_loadu_si256((const __m256i *)s), c;

	c = _mm256_and_si256(
		_mm256_shuffle_epi8(_mm256_broadcastsi128_si256(_mm_load_si128(
					    (const __m128i *)n->lo)),
				    _mm256_and_si256(v, m)),
		_mm256_shuffle_epi8(
			_mm256_broadcastsi128_si256(
				_mm_load_si128((const __m128i *)n->hi)),
			_mm256_and_si256(_mm256_srli_epi16(v, 4), m)));
	*out = (uint32_t)_mm256_movemask_epi8(
		_mm256_cmpeq_epi8(c, _mm256_setzero_si256()));
	*q = (uint32_t)_mm256_movemask_epi8(
		_mm256_cmpeq_epi8(v, _mm256_set1_epi8('?')));
}

/* HTTP_CLASS32 (parser_head.h), 32 bytes at once. */
static inline HTTP_AVX2 void
http_class32_avx2(const char *s, uint32_t *nt, uint32_t *nf)
{
	http_out32x2(s, &http_nib_tchar, &http_nib_field, nt, nf);
}

/* HTTP_RL32 (parser_head.h), 32 bytes at once. */
static inline HTTP_AVX2 void
http_rl32_avx2(const char *s, uint32_t *ng, uint32_t *nq)
{
	http_out32q(s, &http_nib_target, ng, nq);
}

#define HTTP_MACHINE http_machine_sse42
#define HTTP_MACHINE_ATTR HTTP_SSE42
#define HTTP_SCAN(nib, buf, p, len, stop)                                      \
	http_scan_sse42(&(nib), buf, p, len, stop)
#define HTTP_LINE http_line_sse42
#define HTTP_RLINE http_rline_sse42
#define HTTP_HEAD http_head_sse42
#define HTTP_CLASS64 http_class64_sse42
#define HTTP_RL32 http_rl32_sse42
#define HTTP_CLASS32 http_class32_sse42
#include "http/parser_machine.h"
#undef HTTP_HEAD
#undef HTTP_CLASS64
#undef HTTP_RL32
#undef HTTP_CLASS32
#undef HTTP_MACHINE
#undef HTTP_MACHINE_ATTR
#undef HTTP_SCAN
#undef HTTP_LINE
#undef HTTP_RLINE

#define HTTP_MACHINE http_machine_avx2
#define HTTP_MACHINE_ATTR HTTP_AVX2
#define HTTP_SCAN(nib, buf, p, len, stop)                                      \
	http_scan_avx2(&(nib), buf, p, len, stop)
#define HTTP_LINE http_line_avx2
#define HTTP_RLINE http_rline_avx2
#define HTTP_HEAD http_head_avx2
#define HTTP_CLASS64 http_class64_avx2
#define HTTP_RL32 http_rl32_avx2
#define HTTP_CLASS32 http_class32_avx2
#include "http/parser_machine.h"

bool
http_parse_isa_supported(enum http_parse_isa isa)
{
	static int tables_ok = -1;

	if (tables_ok < 0)
		tables_ok = !http_nib_build(&http_nib_tchar) &&
			    !http_nib_build(&http_nib_target) &&
			    !http_nib_build(&http_nib_field) &&
			    !http_nib_build(&http_nib_host);
	__builtin_cpu_init();
	switch (isa) {
	case HTTP_ISA_SCALAR:
		return true;
	case HTTP_ISA_SSE42:
		return tables_ok && __builtin_cpu_supports("sse4.2");
	case HTTP_ISA_AVX2:
		return tables_ok && __builtin_cpu_supports("avx2");
	default:
		return false;
	}
}
#else
/* Other CPUs: the table loop only; the vector entries are never chosen. */
int
http_head_sse42(struct http_parse_state *st, const char *buf, size_t len,
		const struct http_limits *lim, struct http_request *req,
		int *status)
{
	(void)st, (void)buf, (void)len, (void)lim, (void)req, (void)status;
	return HTTP_HEAD_NO;
}

int
http_head_avx2(struct http_parse_state *st, const char *buf, size_t len,
	       const struct http_limits *lim, struct http_request *req,
	       int *status)
{
	(void)st, (void)buf, (void)len, (void)lim, (void)req, (void)status;
	return HTTP_HEAD_NO;
}

int
http_machine_sse42(struct http_parse_state *st, const char *buf, size_t len,
		   const struct http_limits *lim, struct http_request *req,
		   int *status)
{
	return http_machine_scalar(st, buf, len, lim, req, status);
}

int
http_machine_avx2(struct http_parse_state *st, const char *buf, size_t len,
		  const struct http_limits *lim, struct http_request *req,
		  int *status)
{
	return http_machine_scalar(st, buf, len, lim, req, status);
}

bool
http_parse_isa_supported(enum http_parse_isa isa)
{
	return isa == HTTP_ISA_SCALAR;
}
#endif

enum http_parse_isa
http_parse_isa_get(void)
{
	return (enum http_parse_isa)http_isa_cur;
}

int
http_parse_isa_set(enum http_parse_isa isa)
{
	if (!http_parse_isa_supported(isa))
		return -ENOTSUP;
	http_isa_cur = isa;
	return 0;
}

const char *
http_parse_isa_name(enum http_parse_isa isa)
{
	static const char *const names[] = {"scalar", "sse4.2", "avx2"};

	return (unsigned int)isa < HTTP_ISA_COUNT ? names[isa] : "?";
}

/* At load, before any lcore parses: the best variant, unless the
 * environment asks for the table loop (LR_HTTP_SCALAR=1). */
static void __attribute__((constructor)) http_parse_isa_init(void)
{
	const char *e = getenv("LR_HTTP_SCALAR");

	if (e && !strcmp(e, "1"))
		return;
	for (int isa = HTTP_ISA_COUNT - 1; isa > HTTP_ISA_SCALAR; isa--)
		if (!http_parse_isa_set((enum http_parse_isa)isa))
			return;
}
