/* SPDX-License-Identifier: BSD-3-Clause */
/* parser_priv.h: what the head parser's files share (scan variants, checks). */
#ifndef LR_HTTP_PARSER_PRIV_H
#define LR_HTTP_PARSER_PRIV_H

#include <stdalign.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "http/parser.h"

/* Limits are clamped so that a head length always fits an int. */
#define HTTP_LIMIT_CAP ((size_t)1 << 30)

/* The bytes of lit as a word in memory order, as memcpy() from the
 * input gives it on any CPU (constant for a literal). */
static inline uint64_t
http_word8(const char *lit)
{
	uint64_t w;

	memcpy(&w, lit, 8);
	return w;
}

static inline uint32_t
http_word4(const char *lit)
{
	uint32_t w;

	memcpy(&w, lit, 4);
	return w;
}

/* request-target bytes (§3.2): visible ASCII, no SP, CTL or obs-text. */
extern const uint8_t http_target_char[256];
/* Host bytes (RFC 3986 §3.2.2 reg-name, IP-literal, ":" port). */
extern const uint8_t http_host_char[256];

/*
 * A byte class as two 16-entry nibble tables for PSHUFB: byte c is in
 * the class iff lo[c & 15] & hi[c >> 4] is not zero (each distinct set
 * of low nibbles gets a bit). Built at load from tab, the class's
 * 256-byte table (http_parse_isa_supported()), so that the vector scans
 * and the scalar loop cannot disagree.
 */
struct http_nib {
	alignas(16) uint8_t lo[16];
	alignas(16) uint8_t hi[16];
	const uint8_t *tab;
};

extern struct http_nib http_nib_tchar, http_nib_target, http_nib_field;
extern struct http_nib http_nib_host;

/*
 * The resumable head machine (parser_machine.h), one copy per way of
 * scanning: the table loop, and PSHUFB classification 16 (SSE4.2) or
 * 32 (AVX2) bytes at a time. Same arguments and answers as
 * http_parse_resume(); lim is not NULL.
 */
int http_machine_scalar(struct http_parse_state *st, const char *buf,
			size_t len, const struct http_limits *lim,
			struct http_request *req, int *status);
int http_machine_sse42(struct http_parse_state *st, const char *buf, size_t len,
		       const struct http_limits *lim, struct http_request *req,
		       int *status);
int http_machine_avx2(struct http_parse_state *st, const char *buf, size_t len,
		      const struct http_limits *lim, struct http_request *req,
		      int *status);

/*
 * A fresh head (st->pos == 0) judged whole from bitmasks, 16 (SSE4.2) or
 * 32 (AVX2) bytes a step (parser_head.h): the machine's answer, or
 * HTTP_HEAD_NO (st untouched, req partly written) when the
 * machine must judge it. lim is not NULL.
 */
#define HTTP_HEAD_NO (-3)
int http_head_sse42(struct http_parse_state *st, const char *buf, size_t len,
		    const struct http_limits *lim, struct http_request *req,
		    int *status);
int http_head_avx2(struct http_parse_state *st, const char *buf, size_t len,
		   const struct http_limits *lim, struct http_request *req,
		   int *status);

/* struct http_parse_state's phase: where the machine resumes. */
enum {
	HTTP_PS_LEAD,	 /* empty lines before the request line (§2.2) */
	HTTP_PS_LEAD_LF, /* LF of such a line */
	HTTP_PS_METHOD,
	HTTP_PS_TARGET,
	HTTP_PS_VERSION, /* "HTTP/x.y" and the CR after it */
	HTTP_PS_RL_LF,	 /* LF ending the request line */
	HTTP_PS_LINE,	 /* a field line starts, or the blank line */
	HTTP_PS_NAME,
	HTTP_PS_VALUE,
	HTTP_PS_LF,	/* LF ending a field line */
	HTTP_PS_END_LF, /* LF of the blank line */
	HTTP_PS_DONE,
};

/* The scan variant in use (enum http_parse_isa), set once at load. */
extern int http_isa_cur;

/* Empty req's fields before a parse. */
void http_request_reset(struct http_request *req);

/*
 * The request line buf[ls..) is complete: method at ls, target at ts,
 * version at vs. Fills req's request-line fields; 0 or the status.
 */
int http_request_line_done(const char *buf, size_t ls, size_t ts, size_t vs,
			   struct http_request *req);

/*
 * What the machine's pass over a complete head noted of the fields that
 * frame it, so that http_semantics() need not look at every field again.
 */
struct http_seen {
	int64_t cl;	    /* the first Content-Length's value */
	unsigned int hosts; /* Host fields */
	unsigned int cls;   /* Content-Length fields */
	bool host_bad;	    /* a Host with a byte outside http_host_char */
	bool cl_bad;	    /* the first Content-Length is not 1*DIGIT */
	bool rare;	    /* a field named by 6, 10 or 17 bytes (Expect,
			       Connection, Transfer-Encoding?) */
};

/* Framing and connection semantics of the complete head req holds, with
 * what the machine saw of it: 0 or the status. */
int http_semantics(struct http_request *req, const struct http_seen *seen);

/* A complete head parsed again from its first byte to fill req, the
 * bytes counted in st->scanned. */
int http_parse_request_st(struct http_parse_state *st, const char *buf,
			  size_t len, const struct http_limits *lim,
			  struct http_request *req, int *status);

/*
 * 0x20 in each byte of the word lit (bytes below 0x80) that is a
 * lower-case letter: OR-ed into a word of the input, it folds exactly
 * 'A'..'Z' onto 'a'..'z' there and leaves every other byte as it is,
 * so (w | bits) == lit is http_lower() byte by byte. Constant for a
 * literal.
 */
static inline uint64_t
http_case_bits(uint64_t lit)
{
	const uint64_t hi = 0x8080808080808080ull;
	uint64_t ge_a = (lit | hi) - 0x6161616161616161ull;
	uint64_t le_z = (0x7a7a7a7a7a7a7a7aull | hi) - lit;

	return (ge_a & le_z & hi) >> 2;
}

static inline bool
http_ieq8(const char *s, const char *lit)
{
	uint64_t w, l;

	memcpy(&w, s, 8);
	memcpy(&l, lit, 8);
	return (w | http_case_bits(l)) == l;
}

static inline bool
http_ieq4(const char *s, const char *lit)
{
	uint32_t w, l;

	memcpy(&w, s, 4);
	memcpy(&l, lit, 4);
	return (w | (uint32_t)http_case_bits(l)) == l;
}

/* A field name of n bytes (4 <= n <= 24) is the lower-case literal
 * lit of the same length, ignoring ASCII case: overlapping words, never
 * reading outside s[0..n). */
static inline bool
http_name_eq(const char *s, const char *lit, size_t n)
{
	size_t i;

	if (n < 8)
		return http_ieq4(s, lit) && http_ieq4(s + n - 4, lit + n - 4);
	for (i = 0; i + 8 < n; i += 8)
		if (!http_ieq8(s + i, lit + i))
			return false;
	return http_ieq8(s + n - 8, lit + n - 8);
}

/* Content-Length = 1*DIGIT (RFC 9110 §8.6), within int64_t. */
static inline int
http_content_length(const char *s, size_t n, int64_t *out)
{
	uint64_t v = 0;

	if (n == 0)
		return -1;
	if (n <= 18) {
		/* 18 digits stay below INT64_MAX: no overflow to check. */
		for (size_t i = 0; i < n; i++) {
			unsigned int d = (unsigned int)((uint8_t)s[i] - '0');

			if (d > 9)
				return -1;
			v = v * 10 + d;
		}
		*out = (int64_t)v;
		return 0;
	}
	for (size_t i = 0; i < n; i++) {
		unsigned int d = (unsigned int)((uint8_t)s[i] - '0');

		if (d > 9 || v > ((uint64_t)INT64_MAX - d) / 10)
			return -1;
		v = v * 10 + d;
	}
	*out = (int64_t)v;
	return 0;
}

/* Token pasting for the per-variant templates. */
#define HTTP_CONCAT_(a, b) a##b
#define HTTP_CONCAT(a, b) HTTP_CONCAT_(a, b)

/* n bytes at s equal the literal lit exactly: word compares that
 * overlap, never reading outside s[0..n) (2 <= n <= 8). */
static inline bool
http_eq(const char *s, const char *lit, size_t n)
{
	uint32_t a, b, c, d;
	uint16_t e, f, g, h;

	if (n >= 4) {
		memcpy(&a, s, 4);
		memcpy(&b, lit, 4);
		memcpy(&c, s + n - 4, 4);
		memcpy(&d, lit + n - 4, 4);
		return a == b && c == d;
	}
	memcpy(&e, s, 2);
	memcpy(&f, lit, 2);
	memcpy(&g, s + n - 2, 2);
	memcpy(&h, lit + n - 2, 2);
	return e == f && g == h;
}

/* Methods are case-sensitive (RFC 9110 §9.1): by length, then words. */
static inline enum http_method
http_method_of(const char *m, size_t n)
{
	switch (n) {
	case 3:
		if (http_eq(m, "GET", 3))
			return HTTP_M_GET;
		if (http_eq(m, "PUT", 3))
			return HTTP_M_PUT;
		break;
	case 4:
		if (http_eq(m, "POST", 4))
			return HTTP_M_POST;
		if (http_eq(m, "HEAD", 4))
			return HTTP_M_HEAD;
		break;
	case 5:
		if (http_eq(m, "PATCH", 5))
			return HTTP_M_PATCH;
		if (http_eq(m, "TRACE", 5))
			return HTTP_M_TRACE;
		break;
	case 6:
		if (http_eq(m, "DELETE", 6))
			return HTTP_M_DELETE;
		break;
	case 7:
		if (http_eq(m, "OPTIONS", 7))
			return HTTP_M_OPTIONS;
		if (http_eq(m, "CONNECT", 7))
			return HTTP_M_CONNECT;
		break;
	}
	return HTTP_M_UNKNOWN;
}

/*
 * A complete field line: name buf[mark..ne), its colon at ne, CR at cr.
 * Stores it as req->headers[i] with the value's OWS trimmed (§5.5: the
 * value's bytes were judged field bytes, and of those only SP and HTAB
 * are <= ' '); the value's bounds go to *vs, *ve.
 */
static inline void
http_field_store(struct http_request *req, size_t i, const char *buf,
		 size_t mark, size_t ne, size_t cr, size_t *vs, size_t *ve)
{
	size_t s = ne + 1, e = cr;

	/* Mostly one SP after the colon and none before the CR. */
	if (s < e && buf[s] == ' ')
		s++;
	if (s < e && (uint8_t)buf[s] <= ' ')
		while (++s < e && (uint8_t)buf[s] <= ' ')
			;
	if (e > s && (uint8_t)buf[e - 1] <= ' ')
		while (--e > s && (uint8_t)buf[e - 1] <= ' ')
			;
	req->headers[i].name = buf + mark;
	req->headers[i].name_len = ne - mark;
	req->headers[i].value = buf + s;
	req->headers[i].value_len = e - s;
	*vs = s;
	*ve = e;
}

/*
 * Note in *seen what a field line (name buf[mark..ne), value
 * buf[vs..ve)) says of the request's framing, for http_semantics().
 * Expands where HTTP_SCAN (the variant's scan) is defined.
 */
#define HTTP_SEEN(seen, buf, len, mark, ne, vs, ve)                            \
	do {                                                                   \
		uint32_t w32_;                                                 \
                                                                               \
		switch ((ne) - (mark)) {                                       \
		case 4:                                                        \
			/* All four are letters: OR 0x20 folds their case. */  \
			memcpy(&w32_, (buf) + (mark), 4);                      \
			if ((w32_ | 0x20202020u) != http_word4("host"))        \
				break;                                         \
			(seen)->hosts++;                                       \
			if (HTTP_SCAN(http_nib_host, buf, vs, len, ve) != (ve)) \
				(seen)->host_bad = true;                       \
			break;                                                 \
		case 14:                                                       \
			if (!http_name_eq((buf) + (mark), "content-length",    \
					  14))                                 \
				break;                                         \
			if (!(seen)->cls++ &&                                  \
			    http_content_length((buf) + (vs), (ve) - (vs),     \
						&(seen)->cl))                  \
				(seen)->cl_bad = true;                         \
			break;                                                 \
		case 6:                                                        \
		case 10:                                                       \
		case 17:                                                       \
			(seen)->rare = true;                                   \
			break;                                                 \
		}                                                              \
	} while (0)

static inline size_t
http_min(size_t a, size_t b)
{
	return a < b ? a : b;
}

/* The first byte of buf[p..stop) outside tab's class, or stop (p when
 * p >= stop): the loop every scan variant must equal. */
static inline size_t
http_scan_tab(const uint8_t *tab, const char *buf, size_t p, size_t stop)
{
	while (p < stop && tab[(uint8_t)buf[p]])
		p++;
	return p;
}

#endif
