/* SPDX-License-Identifier: BSD-3-Clause */
/* fuzz_http_parser.c: libFuzzer target: request head parser and chunked decoder
 * invariants. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fz_check.h"
#include "http/head_cache.h"
#include "http/parser.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Defaults, and limits small enough that inputs reach 414 and 431. */
static const struct http_limits fz_limits[] = {
	{HTTP_DEFAULT_MAX_REQUEST_LINE, HTTP_DEFAULT_MAX_HEADER_BYTES,
	 HTTP_MAX_HEADERS},
	{24, 48, 3},
};

static intptr_t
fz_rel(const char *p, const char *buf, size_t len)
{
	return p && fz_within(p, 0, buf, len) ? p - buf : (intptr_t)p;
}

/* Parse a heap copy of exactly n bytes, so that ASan sees an over-read. */
static int
fz_parse(const uint8_t *in, size_t n, const struct http_limits *lim,
	 struct http_request *r, int *st, char **copy)
{
	*copy = malloc(n);
	FZ_CHECK(*copy || !n);
	if (n)
		memcpy(*copy, in, n);
	*st = 0;
	return http_parse_request(*copy, n, lim, r, st);
}

static void
fz_same_request(const struct http_request *a, const char *abuf, size_t alen,
		const struct http_request *b, const char *bbuf, size_t blen)
{
	FZ_CHECK(a->method == b->method);
	FZ_CHECK(a->method_len == b->method_len);
	FZ_CHECK(fz_rel(a->target, abuf, alen) ==
		 fz_rel(b->target, bbuf, blen));
	FZ_CHECK(a->target_len == b->target_len);
	FZ_CHECK(fz_rel(a->path, abuf, alen) == fz_rel(b->path, bbuf, blen));
	FZ_CHECK(a->path_len == b->path_len);
	FZ_CHECK(fz_rel(a->query, abuf, alen) == fz_rel(b->query, bbuf, blen));
	FZ_CHECK(a->query_len == b->query_len);
	FZ_CHECK(a->minor_version == b->minor_version);
	FZ_CHECK(a->num_headers == b->num_headers);
	for (size_t i = 0; i < a->num_headers; i++) {
		FZ_CHECK(a->headers[i].name - abuf ==
			 b->headers[i].name - bbuf);
		FZ_CHECK(a->headers[i].name_len == b->headers[i].name_len);
		FZ_CHECK(a->headers[i].value - abuf ==
			 b->headers[i].value - bbuf);
		FZ_CHECK(a->headers[i].value_len == b->headers[i].value_len);
	}
	FZ_CHECK(a->content_length == b->content_length);
	FZ_CHECK(a->chunked == b->chunked);
	FZ_CHECK(a->keep_alive == b->keep_alive);
	FZ_CHECK(a->expect_continue == b->expect_continue);
	FZ_CHECK(a->has_host == b->has_host);
}

/* What a complete head must look like, whatever the input. */
static void
fz_check_head(const struct http_request *r, const char *buf, int rc,
	      const struct http_limits *lim)
{
	size_t n = (size_t)rc;

	FZ_CHECK(n >= 4 && !memcmp(buf + n - 4, "\r\n\r\n", 4));
	FZ_CHECK(fz_within(r->method_str, r->method_len, buf, n));
	FZ_CHECK(r->method_len > 0);
	FZ_CHECK(fz_within(r->target, r->target_len, buf, n));
	FZ_CHECK(r->target_len > 0);
	FZ_CHECK(r->path && r->path_len > 0);
	FZ_CHECK(fz_within(r->path, r->path_len, r->target, r->target_len) ||
		 (r->path_len == 1 && r->path[0] == '/'));
	FZ_CHECK(!r->query ||
		 fz_within(r->query, r->query_len, r->target, r->target_len));
	FZ_CHECK(!memchr(r->path, '?', r->path_len));
	FZ_CHECK(r->minor_version == 0 || r->minor_version == 1);
	FZ_CHECK(r->num_headers <= lim->max_headers);
	FZ_CHECK(r->content_length >= -1);
	FZ_CHECK(!r->chunked ||
		 (r->content_length == -1 && r->minor_version == 1));
	FZ_CHECK(!r->expect_continue || r->minor_version == 1);
	FZ_CHECK(r->has_host == (http_find_header(r, "host") >= 0));
	FZ_CHECK(r->has_host || r->minor_version == 0);
	for (size_t i = 0; i < r->num_headers; i++) {
		const struct http_header *h = &r->headers[i];

		FZ_CHECK(h->name_len > 0);
		FZ_CHECK(fz_within(h->name, h->name_len, buf, n));
		FZ_CHECK(fz_within(h->value, h->value_len, buf, n));
		FZ_CHECK(!memchr(h->name, ':', h->name_len));
		FZ_CHECK(!memchr(h->value, '\r', h->value_len));
		FZ_CHECK(!memchr(h->value, '\n', h->value_len));
		FZ_CHECK(!memchr(h->value, '\0', h->value_len));
		FZ_CHECK(!h->value_len || (h->value[0] != ' ' &&
					   h->value[h->value_len - 1] != '\t' &&
					   h->value[h->value_len - 1] != ' '));
	}
}

/*
 * Whole input, then prefixes (all of them for small inputs): a prefix
 * answers INCOMPLETE, the whole input's error, or (once it holds the
 * whole head) the same head. Re-parsing is what feeding in pieces is.
 */
static void
fz_head(const uint8_t *data, size_t size, const struct http_limits *lim,
	uint64_t seed)
{
	static struct http_request whole, part;
	char *wbuf, *pbuf;
	int st, pst, rc, prc;
	bool failed = false;

	rc = fz_parse(data, size, lim, &whole, &st, &wbuf);
	FZ_CHECK(rc == HTTP_PARSE_INCOMPLETE || rc == HTTP_PARSE_ERROR ||
		 (rc > 0 && (size_t)rc <= size));
	if (rc == HTTP_PARSE_ERROR)
		FZ_CHECK(st == 400 || st == 414 || st == 417 || st == 431 ||
			 st == 501 || st == 505);
	if (rc > 0)
		fz_check_head(&whole, wbuf, rc, lim);
	for (size_t i = 0, k; i < size; i++) {
		if (size <= 256)
			k = i;
		else if (i < 96)
			k = i < 32   ? i
			    : i < 64 ? size - (i - 31)
				     : (size_t)(fz_next(&seed) % size);
		else
			break;
		prc = fz_parse(data, k, lim, &part, &pst, &pbuf);
		if (rc > 0 && k >= (size_t)rc) {
			FZ_CHECK(prc == rc);
			fz_same_request(&part, pbuf, k, &whole, wbuf, size);
		} else if (prc == HTTP_PARSE_ERROR) {
			FZ_CHECK(rc == HTTP_PARSE_ERROR && pst == st);
			failed = true;
		} else {
			FZ_CHECK(prc == HTTP_PARSE_INCOMPLETE);
			FZ_CHECK(!failed || size > 256);
		}
		free(pbuf);
	}
	free(wbuf);
}

struct fz_chunk {
	int rc;
	int status;
	size_t out;
	size_t used;
};

/*
 * Decode raw in place in an exact-size heap copy (ASan catches a write
 * past it), the raw bytes arriving in pieces that end at cuts[].
 */
static struct fz_chunk
fz_decode(const uint8_t *raw, size_t n, uint64_t max_body, const size_t *cuts,
	  size_t ncuts, char **copy)
{
	struct fz_chunk res = {HTTP_PARSE_INCOMPLETE, 0, 0, 0};
	struct http_chunked d;
	size_t end, o, u;
	char *buf = malloc(n);

	FZ_CHECK(buf || !n);
	if (n)
		memcpy(buf, raw, n);
	*copy = buf;
	http_chunked_init(&d, max_body);
	for (size_t i = 0; i <= ncuts; i++) {
		end = i < ncuts ? cuts[i] : n;
		if (end < res.used)
			continue;
		res.rc = http_chunked_decode(&d, buf + res.out, buf + res.used,
					     end - res.used, &o, &u);
		FZ_CHECK(o <= u && u <= end - res.used);
		res.out += o;
		res.used += u;
		if (res.rc == HTTP_PARSE_INCOMPLETE) {
			FZ_CHECK(res.used == end);
			continue;
		}
		FZ_CHECK(res.rc == 0 || res.rc == HTTP_PARSE_ERROR);
		res.status = res.rc ? d.status : 0;
		break;
	}
	FZ_CHECK(res.out <= max_body);
	return res;
}

static void
fz_chunked(const uint8_t *raw, size_t n, uint64_t max_body, uint64_t seed)
{
	struct fz_chunk whole, part;
	struct http_chunked d;
	size_t cuts[8], o, u;
	char *wbuf, *pbuf, *dst;
	int rc;

	whole = fz_decode(raw, n, max_body, NULL, 0, &wbuf);
	if (whole.rc == HTTP_PARSE_ERROR)
		FZ_CHECK(whole.status == 400 || whole.status == 413 ||
			 whole.status == 431);
	if (whole.rc == 0)
		FZ_CHECK(whole.used >= 5 &&
			 !memcmp(raw + whole.used - 2, "\r\n", 2));
	/* Into a separate buffer of exactly n bytes: the same data. */
	dst = malloc(n ? n : 1);
	FZ_CHECK(dst);
	http_chunked_init(&d, max_body);
	rc = http_chunked_decode(&d, dst, (const char *)raw, n, &o, &u);
	FZ_CHECK(rc == whole.rc && o == whole.out && u == whole.used);
	FZ_CHECK(!memcmp(dst, wbuf, o));
	free(dst);
	/* In pieces, then a byte at a time: the same answer and data. */
	for (int round = 0; round < 4; round++) {
		size_t nc = 1 + (size_t)(fz_next(&seed) % 7);

		for (size_t i = 0; i < nc; i++)
			cuts[i] = n ? (size_t)(fz_next(&seed) % (n + 1)) : 0;
		fz_sort_cuts(cuts, nc);
		part = fz_decode(raw, n, max_body, cuts, nc, &pbuf);
		FZ_CHECK(part.rc == whole.rc && part.status == whole.status);
		FZ_CHECK(part.out == whole.out && part.used == whole.used);
		FZ_CHECK(!memcmp(pbuf, wbuf, part.out));
		free(pbuf);
	}
	if (n <= 512) {
		static size_t ones[512];

		for (size_t i = 0; i < n; i++)
			ones[i] = i + 1;
		part = fz_decode(raw, n, max_body, ones, n, &pbuf);
		FZ_CHECK(part.rc == whole.rc && part.status == whole.status);
		FZ_CHECK(part.out == whole.out && part.used == whole.used);
		FZ_CHECK(!memcmp(pbuf, wbuf, part.out));
		free(pbuf);
	}
	free(wbuf);
}

/*
 * buf[0..n) (an exact-size heap copy) through the head cache c and
 * through the parser: the same answer, state and fields.
 */
static void
fz_cache_one(struct http_head_cache *c, const char *buf, size_t n,
	     const struct http_limits *lim)
{
	static struct http_request ref, got;
	static struct stats stats;
	struct http_parse_state rs = {0}, gs = {0};
	int rst = 0, gst = 0, rrc, grc;

	rrc = http_parse_resume(&rs, buf, n, lim, &ref, &rst);
	grc = http_head_cache_parse(c, &stats, &gs, buf, n, lim, &got, &gst);
	FZ_CHECK(grc == rrc);
	if (rrc == HTTP_PARSE_ERROR)
		FZ_CHECK(gst == rst);
	FZ_CHECK(gs.pos == rs.pos && gs.phase == rs.phase &&
		 gs.lead == rs.lead && gs.scanned == rs.scanned);
	if (rrc > 0)
		fz_same_request(&got, buf, n, &ref, buf, n);
}

/*
 * The input three times through a fresh head cache (missed, missed and
 * kept, then matched), under each of the limits, then with its Content-Length digits replaced by
 * 1 to 20 others (leading zeros, overflow): each answer the parser's.
 */
static void
fz_cache(const uint8_t *data, size_t size, const struct http_limits *lim,
	 uint64_t seed)
{
	static struct http_head_cache c;
	static struct http_request r;
	char *buf, *var;
	size_t vo, vl, nd;
	int st, rc, i;

	memset(&c, 0, sizeof(c));
	rc = fz_parse(data, size, lim, &r, &st, &buf);
	for (i = 0; i < 3; i++)
		fz_cache_one(&c, buf, size, lim);
	/* Kept under one listener's limits, asked under another's. */
	for (i = 0; i < 2; i++)
		fz_cache_one(&c, buf, size, &fz_limits[i]);
	if (rc <= 0 || r.content_length < 0 ||
	    (i = http_find_header(&r, "content-length")) < 0) {
		free(buf);
		return;
	}
	vo = (size_t)(r.headers[i].value - buf);
	vl = r.headers[i].value_len;
	nd = 1 + (size_t)(fz_next(&seed) % 20);
	var = malloc(size - vl + nd);
	FZ_CHECK(var);
	memcpy(var, buf, vo);
	for (size_t k = 0; k < nd; k++)
		var[vo + k] = (char)('0' + fz_next(&seed) % 10);
	memcpy(var + vo + nd, buf + vo + vl, size - vo - vl);
	fz_cache_one(&c, var, size - vl + nd, lim);
	free(var);
	free(buf);
}

/*
 * The head checks under each scan variant the CPU has (the table loop,
 * SSE4.2, AVX2), and the same answer from each as from the table loop.
 * The variant in use before is restored.
 */
static void
fz_isas(const uint8_t *data, size_t size, const struct http_limits *lim,
	uint64_t seed)
{
	static struct http_request ref, got;
	enum http_parse_isa cur = http_parse_isa_get();
	char *rbuf, *gbuf;
	int rst, gst, rrc, grc;

	FZ_CHECK(!http_parse_isa_set(HTTP_ISA_SCALAR));
	rrc = fz_parse(data, size, lim, &ref, &rst, &rbuf);
	for (int isa = 0; isa < HTTP_ISA_COUNT; isa++) {
		if (http_parse_isa_set((enum http_parse_isa)isa))
			continue;
		fz_head(data, size, lim, seed);
		fz_cache(data, size, lim, seed);
		grc = fz_parse(data, size, lim, &got, &gst, &gbuf);
		FZ_CHECK(grc == rrc);
		if (rrc == HTTP_PARSE_ERROR)
			FZ_CHECK(gst == rst);
		if (rrc > 0)
			fz_same_request(&got, gbuf, size, &ref, rbuf, size);
		free(gbuf);
	}
	free(rbuf);
	FZ_CHECK(!http_parse_isa_set(cur));
}

/*
 * Input: one mode byte, then the bytes under test.
 *   bit 0: small head limits (24-byte request line, 48 header bytes,
 *          3 fields) instead of the defaults, to reach 414 and 431;
 *   bit 1: a small body limit for the chunked decoder, to reach 413;
 *   bit 2: the bytes are a raw chunked body, not a request.
 * A request with a chunked head has the bytes after the head decoded as
 * its body, as the connection would.
 */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct http_request r;
	const struct http_limits *lim;
	uint64_t seed, max_body;
	uint8_t mode;
	int st, rc;

	if (size == 0)
		return 0;
	mode = data[0];
	data++;
	size--;
	seed = fz_seed(data, size);
	lim = &fz_limits[mode & 1];
	max_body = mode & 2 ? 16 + seed % 64 : UINT64_MAX;
	if (mode & 4) {
		fz_chunked(data, size, max_body, seed);
		return 0;
	}
	fz_isas(data, size, lim, seed);
	rc = http_parse_request((const char *)data, size, lim, &r, &st);
	if (rc > 0 && r.chunked)
		fz_chunked(data + rc, size - (size_t)rc, max_body, seed);
	return 0;
}
