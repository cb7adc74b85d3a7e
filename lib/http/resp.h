/* SPDX-License-Identifier: BSD-3-Clause */
/* resp.h: HTTP/1.1 response heads: status line, headers, cached Date. */
#ifndef LR_HTTP_RESP_H
#define LR_HTTP_RESP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The Date header (RFC 9110 §6.6.1, IMF-fixdate) changes once a second:
 * each lcore formats it once per second, not once per response. */
struct http_date {
	uint64_t sec;
	uint8_t len;
	char line[64]; /* "Date: Sun, 06 Nov 1994 08:49:37 GMT\r\n" */
};

/* Refresh d when wall_s moved on (cheap when it did not). */
void http_date_update(struct http_date *d, uint64_t wall_s);

/* Head flags */
#define HTTP_RESP_CLOSE 0x1     /* "Connection: close" */
#define HTTP_RESP_KEEPALIVE 0x2 /* "Connection: keep-alive" (HTTP/1.0) */
#define HTTP_RESP_HTTP10 0x4    /* answer an HTTP/1.0 request */

/* The head flags an answer to a request of version HTTP/1.<minor>,
 * asking for keep-alive or not, carries (RFC 9112 §9.3). */
static inline uint8_t
http_req_rflags(int minor, bool keep_alive)
{
	if (minor == 0)
		return HTTP_RESP_HTTP10 |
		       (keep_alive ? HTTP_RESP_KEEPALIVE : HTTP_RESP_CLOSE);
	return keep_alive ? 0 : HTTP_RESP_CLOSE;
}

/*
 * Write a response head into buf (cap bytes): status line, Date,
 * Content-Type (when ctype is not NULL), Content-Length, Connection as
 * flags say, extra (raw header lines ending in CRLF, or NULL), blank line.
 * Returns its length, or 0 when cap is too small.
 */
size_t http_resp_head(char *buf, size_t cap, int status,
		      const struct http_date *date, const char *ctype,
		      uint64_t content_length, unsigned int flags,
		      const char *extra);

/*
 * Response templates: the head of each kind of answer (status, type,
 * length, connection flags) built once per Date second and kept per
 * lcore with its ones'-complement sum (RFC 1071, net/cksum.h), so an
 * answer is one copy of its head and body into the send queue and its
 * segment's checksum sums only the TCP header and the body.
 */
#define HTTP_RESP_TPL_MAX 224 /* the longest head a template holds */
#define HTTP_RESP_TPLS 8      /* kinds kept per lcore (direct-mapped) */

struct http_resp_tpl {
	uint64_t sec; /* the Date second the head carries */
	const char *ctype;
	uint64_t clen;
	uint32_t key; /* HTTP_RESP_TPL_KEY(status, flags); 0: empty */
	uint8_t cls;  /* status class - 1 (0..4; 5xx for a status out of
		       * 100..599), for the per-route counters */
	uint16_t len;
	uint16_t sum; /* cksum_fold(cksum_add(head, len, 0)) */
	char head[HTTP_RESP_TPL_MAX];
};

/* The kind of a template in one word: status and flags (never 0). */
#define HTTP_RESP_TPL_KEY(status, flags)                                       \
	((uint32_t)(uint16_t)(status) | (uint32_t)(flags) << 16 | 1u << 24)

/*
 * The head http_resp_head(.., date, ctype, content_length, flags, NULL)
 * writes, from cache (HTTP_RESP_TPLS entries, rebuilt when the kind or
 * the Date second differs). NULL when it does not fit a template (the
 * caller builds the head with http_resp_head). The lookup is inline;
 * http_resp_tpl_build (re)builds entry t of the cache.
 */
const struct http_resp_tpl *http_resp_tpl_build(struct http_resp_tpl *t,
						const struct http_date *date,
						int status, const char *ctype,
						uint64_t content_length,
						unsigned int flags);

static inline const struct http_resp_tpl *
http_resp_tpl(struct http_resp_tpl *cache, const struct http_date *date,
	      int status, const char *ctype, uint64_t content_length,
	      unsigned int flags)
{
	struct http_resp_tpl *t = &cache[((unsigned int)status ^
					  (unsigned int)content_length ^ flags) %
					 HTTP_RESP_TPLS];

	if (__builtin_expect(t->key == HTTP_RESP_TPL_KEY(status, flags) &&
			     t->sec == date->sec &&
			     t->clen == content_length && t->ctype == ctype, 1))
		return t;
	return http_resp_tpl_build(t, date, status, ctype, content_length,
				   flags);
}

/* Reason phrase of a status code ("Not Found"); "Unknown" otherwise. */
const char *http_reason(int status);

#endif
