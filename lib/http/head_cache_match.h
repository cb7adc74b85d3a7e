/* SPDX-License-Identifier: BSD-3-Clause */
/* head_cache_match.h: a fresh head looked up in the head cache, instantiated
 * per compare width. */

/*
 * Included by head_cache.c once per way of comparing bytes, with
 *   HTTP_HC_HIT    the function's name (http_head_cache_hit()'s
 *                  arguments and answers);
 *   HTTP_HC_ATTR   its attributes (the target ISA);
 *   HTTP_HC_EQ(a, b, n)  a[0..n) equals b[0..n), reading nothing else.
 *
 * A head matches an entry when its bytes are the entry's before the
 * Content-Length digits, then 1 to 18 digits (1*DIGIT that cannot
 * overflow int64_t: longer runs go to the parser), then the entry's
 * bytes after its digits. The byte before the digits and the one after
 * them are not digits (OWS, ':' or CR), so the digits found are the
 * whole field value, and the head is the entry's head but for them.
 */

/* Whether buf[0..len) starts with e's head (nd digits of value v in
 * it): its length, or 0. */
static inline __attribute__((always_inline)) HTTP_HC_ATTR size_t
HTTP_CONCAT(HTTP_HC_HIT, _try)(const struct http_hc_entry *e,
				 const char *buf, size_t len, size_t *nd,
				 uint64_t *v)
{
	size_t pre = e->cl, d, s;
	uint64_t w;

	/* Room for the entry's bytes, with one digit at least (an empty
	 * entry's 0 - 1 is more than any len). */
	if ((size_t)e->min_len - 1 >= len || !HTTP_HC_EQ(buf, e->bytes, pre))
		return 0;
	if (!e->cl_digits) {
		*nd = 0;
		return e->len;
	}
	d = http_hc_digits(buf, pre, len, v);
	s = pre + d;
	if (!d || d > HTTP_HC_CL_DIGITS || len - s < e->suf)
		return 0;
	if (e->suf_mask && s + 8 <= len) {
		/* A short suffix (the CRLF CRLF after the last field) in
		 * one word. */
		memcpy(&w, buf + s, 8);
		if ((w ^ e->suf8) & e->suf_mask)
			return 0;
	} else if (!HTTP_HC_EQ(buf + s, e->bytes + pre + e->cl_digits, e->suf)) {
		return 0;
	}
	*nd = d;
	return s + e->suf;
}

/* The hit on e (n bytes, nd digits; h->v set), noted and counted. */
static inline __attribute__((always_inline)) HTTP_HC_ATTR size_t
HTTP_CONCAT(HTTP_HC_HIT, _take)(struct http_head_cache *c,
				struct stats *stats, struct http_hc_entry *e,
				const char *buf, size_t n, size_t nd,
				struct http_hc_hit *h)
{
	h->e = e;
	h->buf = buf;
	h->nd = (uint32_t)nd;
	e->ref = 1;
	c->last = e;
	stats->v[ST_http_head_cache_hits]++;
	return n;
}

/* The entries after the most recently used one, in turn. */
static __attribute__((noinline)) HTTP_HC_ATTR size_t
HTTP_CONCAT(HTTP_HC_HIT, _others)(struct http_head_cache *c,
				  struct stats *stats, const char *buf,
				  size_t len, const struct http_limits *l,
				  struct http_hc_hit *h)
{
	struct http_hc_entry *e;
	size_t n, nd = 0;
	uint64_t v = 0;
	unsigned int k, i;

	for (k = 1; k < HTTP_HC_ENTRIES; k++) {
		i = (c->mru + k) % HTTP_HC_ENTRIES;
		e = &c->e[i];
		n = HTTP_CONCAT(HTTP_HC_HIT, _try)(e, buf, len, &nd, &v);
		if (!n)
			continue;
		/* The limits may be another listener's: the parser
		 * decides. */
		if (!http_hc_limits_ok(e, nd, l))
			return 0;
		c->mru = (uint8_t)i;
		c->mru_off = i * (uint32_t)sizeof(struct http_hc_entry);
		h->v = nd ? v : 0;
		return HTTP_CONCAT(HTTP_HC_HIT, _take)(c, stats, e, buf, n, nd,
						       h);
	}
	return 0;
}

/* The most recently used entry first, inline: a connection's heads
 * mostly match the entry the last head did. */
static HTTP_HC_ATTR size_t
HTTP_HC_HIT(struct http_head_cache *c, struct stats *stats, const char *buf,
	    size_t len, const struct http_limits *l, struct http_hc_hit *h)
{
	struct http_hc_entry *e = &c->e[c->mru];
	size_t n, nd = 0;
	uint64_t v = 0;

	n = HTTP_CONCAT(HTTP_HC_HIT, _try)(e, buf, len, &nd, &v);
	if (!n)
		return HTTP_CONCAT(HTTP_HC_HIT, _others)(c, stats, buf, len, l,
							 h);
	if (!http_hc_limits_ok(e, nd, l))
		return 0;
	/* v is still 0 when the entry has no Content-Length. */
	h->v = v;
	return HTTP_CONCAT(HTTP_HC_HIT, _take)(c, stats, e, buf, n, nd, h);
}

#undef HTTP_HC_HIT
#undef HTTP_HC_ATTR
#undef HTTP_HC_EQ
