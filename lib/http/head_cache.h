/* SPDX-License-Identifier: BSD-3-Clause */
/* head_cache.h: request-head prediction, a per-lcore cache of parsed heads. */
#ifndef LR_HTTP_HEAD_CACHE_H
#define LR_HTTP_HEAD_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "core/stats.h"
#include "http/parser.h"
#include "http/router.h"

/*
 * The HTTP analogue of TCP header prediction. Clients on a keep-alive
 * connection send heads that are byte for byte the same apart from the
 * Content-Length digits. The cache keeps a few heads the full parser
 * accepted, each as its bytes and the parse in offset form; a new head
 * whose bytes equal an entry's before and after the Content-Length
 * digits, with 1 to 18 digits there and the limits still met, gets the
 * entry's answer rebased onto its buffer. Anything else is parsed by
 * http_parse_resume(), and what that accepts whole from one buffer may
 * be installed (the second time it is missed). The answer (return,
 * *status, req, st) is always the full parser's: equal bytes give an
 * equal answer, and the digits and the limits are judged by the
 * parser's own rules (docs/DESIGN.md).
 *
 * Memory is fixed (HTTP_HC_ENTRIES entries in the struct, no
 * allocation); a miss costs the parse, a hash of the head and at most
 * one bounded copy. Single-threaded: one per lcore, zeroed (= empty)
 * before use.
 */
#define HTTP_HC_ENTRIES 4
#define HTTP_HC_BYTES 256 /* longest head kept */
#define HTTP_HC_FIELDS 16 /* most field lines of a head kept */

/* A router's answer for an entry's method and path (params as offsets
 * from the path), valid for the router at router while its gen is gen. */
/* Bytes of struct http_exchange from arg to allow (http_hc_route). */
#define HTTP_X_IMG 32

struct http_hc_route {
	const struct http_router *router;
	uint64_t gen;
	/* the route's handler and argument (when route >= 0) */
	http_handler_fn fn;
	void *arg;
	int32_t route;
	uint32_t allowed;
	uint8_t nparams;
	uint16_t poff[HTTP_MAX_PARAMS];
	uint16_t plen[HTTP_MAX_PARAMS];
	/* struct http_exchange from arg to allow (HTTP_X_IMG bytes) as
	 * the kept dispatch starts it: arg, route, status 0, close false,
	 * the entry's rflags and head_only (xf), allow NULL; written with
	 * route (http_hc_route_slow), copied in two 16-byte moves */
	uint64_t ximg[4];
};

/* The words of struct http_request before its headers (11 on LP64),
 * and the first of its headers: a whole number of 4-word vectors. */
#define HTTP_HC_TOP_WORDS                                                      \
	((offsetof(struct http_request, headers) + 8 + 31) / 32 * 4)

/*
 * One accepted head. Offsets are from the head's first byte; those past
 * the Content-Length digits leave the digits out, so that a match adds
 * its own count. The parse is kept as images of what req gets, pointers
 * as offsets: filling req is adding the buffer's address to them.
 */
struct http_hc_entry {
	char bytes[HTTP_HC_BYTES] __attribute__((aligned(16)));
	/* 0xff where the fast match compares bytes (the head's but for
	 * the Content-Length digits), 0 elsewhere (head_cache_fast.h) */
	uint8_t mask[HTTP_HC_BYTES] __attribute__((aligned(16)));
	/* struct http_header of each field: name, name_len, value,
	 * value_len (the Content-Length value's length 0) */
	uint64_t field[HTTP_HC_FIELDS][4];
	/* all-ones in the words of field[i] that move with the digits:
	 * the pointers of fields after them, the value length of theirs */
	uint64_t field_nd[HTTP_HC_FIELDS][4];
	/* req up to its first header's name, and all-ones where a word is
	 * a pointer into the head */
	uint64_t top[HTTP_HC_TOP_WORDS];
	uint64_t top_ptr[HTTP_HC_TOP_WORDS];
	/* req's chunked, keep_alive, expect_continue, has_host */
	uint8_t tail[4];
	uint16_t len;	  /* head bytes; 0: the entry is empty */
	uint16_t min_len; /* bytes a match needs (one digit); 0 when empty */
	uint16_t cl;	  /* first Content-Length digit; len when none */
	uint16_t rl;	  /* request-line bytes before its CR */
	uint16_t fs;	  /* field-line bytes before the blank line */
	uint16_t path_off, path_len;
	uint16_t suf; /* bytes after the digits */
	/* when suf <= 8: those bytes as a word (memory order), and the
	 * mask of their bytes; suf_mask 0 otherwise */
	uint64_t suf8, suf_mask;
	uint8_t cl_digits; /* 0 when no Content-Length */
	uint8_t nh;
	uint8_t method;
	uint8_t minor_version;
	/* what an answer needs of the request: the struct http_exchange
	 * rflags (http_req_rflags) and head_only, in that order */
	uint8_t xf[2];
	uint8_t ref; /* hit since the clock hand last passed */
	/* The fast form (head_cache_fast.h): the bytes a fast match needs
	 * in the buffer (0: no fast form), the blocks' end (a multiple of
	 * 16, at least HTTP_HC_FAST_MIN), the shift that puts the digits
	 * in a word's high bytes (a 32-bit word for 1 to 4 digits, 64-bit
	 * for more), bit 7 of the digits' bytes in that word,
	 * and the router generation it is armed for (0: not armed). */
	uint16_t fast_len;
	uint8_t fast_r;
	uint8_t dshift;
	/* 10^cl_digits for 1 to 4 digits (the values they can spell), 0
	 * otherwise: http_hc_fast_x() */
	uint16_t cl_lim;
	/* set when armed: the least of cl_lim, HTTP_HC_DDD and the body
	 * limit (lim->body_lim, when given): the values below it are
	 * bodies the server takes, compared by one table load
	 * (http_hc_fast_xb) */
	uint16_t fast_blim;
	/* (fast_r - 32) / 2 and fast_r - 32: the middle and last blocks of
	 * the three 32-byte blocks' compare */
	uint8_t fast_m;
	uint8_t fast_t;
	/* how the fast match compares its blocks, set when armed
	 * (HTTP_HC_PLAN_*: head_cache_fast.h) */
	uint8_t fast_plan;
	uint64_t dmask;
	uint64_t fast_gen;
	struct http_hc_route rt;
};

/* Fingerprints of heads missed lately: a head is kept the second time
 * it is missed, so heads that never come again replace nothing. */
#define HTTP_HC_SEEN 16

struct http_head_cache {
	struct http_hc_entry e[HTTP_HC_ENTRIES];
	uint32_t seen[HTTP_HC_SEEN];
	const struct http_hc_entry *last; /* the latest hit's entry */
	uint8_t mru;			  /* entry probed first */
	uint8_t hand;			  /* next victim candidate */
	/* mru * sizeof(struct http_hc_entry), set with mru: the entry's
	 * offset in e[] without a multiply (http_hc_fast_entry). */
	uint32_t mru_off;
};

/*
 * http_parse_resume(st, buf, len, lim, req, status) through the cache:
 * the same return, *status, req and st in every case. A fresh head
 * (st->pos == 0) is looked up first and counted in stats as
 * http_head_cache_hits or _misses; a miss accepted whole (no leading
 * CRLF, at most HTTP_HC_BYTES bytes and HTTP_HC_FIELDS fields) the
 * second time (its bytes but for the Content-Length digits hashed into
 * seen) is installed in place of an entry not hit lately. Heads that
 * arrive in pieces (st->pos != 0) go to the parser untouched and
 * uncounted. (http_head_cache_hit(), then http_head_cache_take() or
 * http_head_cache_miss().)
 */
int http_head_cache_parse(struct http_head_cache *c, struct stats *stats,
			  struct http_parse_state *st, const char *buf,
			  size_t len, const struct http_limits *lim,
			  struct http_request *req, int *status);

/*
 * A hit in compact form: what the dispatch of a request needs without a
 * struct http_request. The entry's facts (method, minor_version, the
 * flags in tail: chunked, keep_alive, expect_continue, has_host), its
 * path at buf + e->path_off, and the Content-Length. Valid while the
 * entry is (until the next miss on the lcore installs a head) and buf
 * is.
 */
struct http_hc_hit {
	const struct http_hc_entry *e;
	uint64_t v;	 /* the Content-Length; 0 when there is none */
	const char *buf; /* the head's first byte */
	uint32_t nd;	 /* its digits; 0 when there is none */
};

/*
 * The fresh head (as st->pos == 0) at buf[0..len) looked up: on a hit,
 * its length (> 0), *h filled and the hit counted; the parser would
 * accept buf[0..n) as the head whose parse http_head_cache_fill()
 * writes, under the limits lim (NULL: the defaults). 0 when no entry
 * answers (nothing counted, *h undefined): http_head_cache_miss() then.
 */
size_t http_head_cache_hit(struct http_head_cache *c, struct stats *stats,
			   const char *buf, size_t len,
			   const struct http_limits *lim, struct http_hc_hit *h);

/* http_head_cache_hit() as the variant for the parser's scan variant now
 * (http_parse_isa_get()) does it, lim not NULL: chosen once (per lcore),
 * called without the choice. */
typedef size_t (*http_hc_hit_fn)(struct http_head_cache *c,
				 struct stats *stats, const char *buf,
				 size_t len, const struct http_limits *lim,
				 struct http_hc_hit *h);
http_hc_hit_fn http_head_cache_hit_variant(void);

/* req as http_parse_resume() fills it for the head of hit h. */
void http_head_cache_fill(const struct http_hc_hit *h,
			  struct http_request *req);

/* After a hit of n bytes: req filled, and st (fresh) left as the parser
 * leaves it for a head it accepted whole. Returns n. */
int http_head_cache_take(const struct http_hc_hit *h, size_t n,
			 struct http_parse_state *st, struct http_request *req);

/* A fresh head no entry answered: http_parse_resume()'s answer, counted
 * as a miss, the head installed when it qualifies (as above). */
int http_head_cache_miss(struct http_head_cache *c, struct stats *stats,
			 struct http_parse_state *st, const char *buf,
			 size_t len, const struct http_limits *lim,
			 struct http_request *req, int *status);

/* http_head_cache_route() when the latest hit's entry does not answer:
 * http_router_match(r, method, path, path_len, m), kept in the latest
 * hit's entry when the path is its path. */
int http_hc_route_slow(struct http_head_cache *c, const struct http_router *r,
		       enum http_method method, const char *path,
		       size_t path_len, struct http_match *m);

/* The router's answer kept in rt, for the path at path. */
static inline int
http_hc_route_use(const struct http_hc_route *rt, const char *path,
		  struct http_match *m)
{
	m->route = rt->route;
	m->allowed = rt->allowed;
	m->nparams = rt->nparams;
	for (unsigned int i = 0; i < rt->nparams; i++) {
		m->params[i].p = path + rt->poff[i];
		m->params[i].len = rt->plen[i];
	}
	return rt->route;
}

/*
 * http_router_match(r, e->method, path, e->path_len, m) for hit h's
 * entry e (its path is e's by the match): the answer e keeps for r at
 * its current generation, computed and kept on first use.
 */
static inline int
http_head_cache_hit_route(struct http_head_cache *c,
			  const struct http_router *r,
			  const struct http_hc_hit *h, struct http_match *m)
{
	const struct http_hc_entry *e = h->e;
	const char *path = h->buf + e->path_off;

	if (__builtin_expect(e->rt.router != r || e->rt.gen != r->gen, 0))
		return http_hc_route_slow(c, r, (enum http_method)e->method,
					  path, e->path_len, m);
	return http_hc_route_use(&e->rt, path, m);
}

/* path[0..n) equals the kept p[0..n), for 4 <= n (words that overlap);
 * shorter paths are left to the slow path. */
static inline bool
http_hc_path_eq(const char *path, const char *p, size_t n)
{
	uint64_t a, b, x = 0;
	uint32_t c, d, e, f;
	size_t i;

	if (n < 8) {
		memcpy(&c, path, 4);
		memcpy(&d, p, 4);
		memcpy(&e, path + n - 4, 4);
		memcpy(&f, p + n - 4, 4);
		return !((c ^ d) | (e ^ f));
	}
	for (i = 0; i + 8 < n; i += 8) {
		memcpy(&a, path + i, 8);
		memcpy(&b, p + i, 8);
		x |= a ^ b;
	}
	memcpy(&a, path + n - 8, 8);
	memcpy(&b, p + n - 8, 8);
	return !(x | (a ^ b));
}

/*
 * http_router_match(r, req->method, req->path, req->path_len, m): the
 * same return and m. When req's method and path bytes are those of the
 * latest hit's entry, the answer that entry keeps for r (at its current
 * generation) is used, computed and kept on first use.
 */
static inline int
http_head_cache_route(struct http_head_cache *c, const struct http_router *r,
		      const struct http_request *req, struct http_match *m)
{
	const struct http_hc_entry *e = c->last;

	if (!e || e->rt.router != r || e->rt.gen != r->gen ||
	    req->method != (enum http_method)e->method ||
	    req->path_len != e->path_len || req->path_len < 4 ||
	    !http_hc_path_eq(req->path, e->bytes + e->path_off, e->path_len))
		return http_hc_route_slow(c, r, req->method, req->path,
					  req->path_len, m);
	return http_hc_route_use(&e->rt, req->path, m);
}

#endif
