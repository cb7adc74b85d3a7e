/* SPDX-License-Identifier: BSD-3-Clause */
/* fuzz_http_resp_parser.c: libFuzzer target: response parser invariants and
 * whole-buffer == byte-by-byte. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fz_check.h"
#include "http/resp_parser.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FZ_BODY_MAX 8192
#define FZ_BYTEWISE_MAX 1024 /* longer inputs: random cuts instead */
#define FZ_MAX_RESPONSES 8

/* Defaults, and limits small enough that inputs reach each of them. */
static const struct http_response_limits fz_limits[] = {
	{0, 0, 0, 0},
	{24, 48, 3, 32},
};

/* What one feeding of an input gave. */
struct fz_run {
	int64_t rc;
	enum http_response_err err;
	size_t err_off;
	uint64_t scanned;
	bool head_seen;
	struct http_response r;
	size_t last_len; /* bytes given to the last call */
	const char *cur; /* the buffer of the call in progress */
	size_t cur_len;
	char body[FZ_BODY_MAX];
	size_t body_len;
};

static struct fz_run fz_whole, fz_part;

/* on_body: spans of the buffer being parsed, in order, never past it. */
static void
fz_body(void *arg, const char *d, size_t n)
{
	struct fz_run *run = arg;

	FZ_CHECK(n > 0);
	FZ_CHECK(fz_within(d, n, run->cur, run->cur_len));
	if (run->body_len + n <= FZ_BODY_MAX)
		memcpy(run->body + run->body_len, d, n);
	run->body_len += n;
}

/*
 * Feed in[0..n) as prefixes ending at cuts[] (nondecreasing), then all of
 * it, then EOF if eof; each call on a fresh heap copy of exactly the
 * bytes given, so that ASan sees a read past them. r's pointers are
 * rebased to in, since the copies are freed.
 */
static void
fz_feed(const uint8_t *in, size_t n, const struct http_response_limits *lim,
	bool head, bool eof, const size_t *cuts, size_t ncuts,
	struct fz_run *run)
{
	static struct http_response_parser p;
	size_t end;
	char *copy;

	memset(run, 0, offsetof(struct fz_run, body));
	run->body_len = 0;
	http_response_parser_init(&p, lim, fz_body, run);
	http_response_parser_reset(&p, head);
	run->rc = HTTP_RESPONSE_INCOMPLETE;
	for (size_t i = 0; i <= ncuts && run->rc == HTTP_RESPONSE_INCOMPLETE;
	     i++) {
		end = i < ncuts ? cuts[i] : n;
		copy = malloc(end ? end : 1);
		FZ_CHECK(copy);
		memcpy(copy, in, end);
		run->cur = copy;
		run->cur_len = end;
		if (i == ncuts && eof)
			run->rc =
				http_response_parse_eof(&p, copy, end, &run->r);
		else
			run->rc = http_response_parse(&p, copy, end, &run->r);
		FZ_CHECK(p.scanned <= end);
		if (run->rc == HTTP_RESPONSE_INCOMPLETE)
			FZ_CHECK(p.scanned == end);
		if (run->rc >= 0 || (run->r.head_len && !run->head_seen)) {
			/* r was filled by this call: rebase it onto in. */
			const char *base = (const char *)in;

			run->r.reason = base + (run->r.reason - copy);
			for (size_t h = 0; h < run->r.num_headers; h++) {
				struct http_header *x = &run->r.headers[h];

				x->name = base + (x->name - copy);
				x->value = base + (x->value - copy);
			}
			if (run->r.body)
				run->r.body = base + (run->r.body - copy);
		}
		if (run->r.head_len)
			run->head_seen = true;
		run->last_len = end;
		free(copy);
	}
	run->cur = NULL;
	run->err = p.err;
	run->err_off = p.err_off;
	run->scanned = p.scanned;
}

/* What any complete response must look like. */
static void
fz_check_whole(const uint8_t *in, size_t n,
	       const struct http_response_limits *lim, const struct fz_run *run)
{
	const struct http_response *r = &run->r;
	const char *buf = (const char *)in;

	FZ_CHECK(run->rc == HTTP_RESPONSE_INVALID ||
		 run->rc == HTTP_RESPONSE_INCOMPLETE ||
		 (run->rc >= 0 && (size_t)run->rc <= n));
	if (run->rc == HTTP_RESPONSE_INVALID) {
		FZ_CHECK(run->err > HTTP_RESPONSE_E_NONE &&
			 run->err <= HTTP_RESPONSE_E_TRUNCATED);
		FZ_CHECK(run->err_off <= n);
		FZ_CHECK(strcmp(http_response_strerror(run->err), "unknown"));
		return;
	}
	if (run->rc <= 0)
		return;
	FZ_CHECK(run->scanned == (uint64_t)run->rc);
	FZ_CHECK(r->head_len >= 17 && r->head_len <= (size_t)run->rc);
	FZ_CHECK(!memcmp(buf + r->head_len - 4, "\r\n\r\n", 4));
	FZ_CHECK(!memcmp(buf, "HTTP/1.", 7));
	FZ_CHECK(r->minor_version == buf[7] - '0');
	FZ_CHECK(r->status >= 100 && r->status <= 599);
	FZ_CHECK(fz_within(r->reason, r->reason_len, buf, r->head_len));
	FZ_CHECK(!memchr(r->reason, '\r', r->reason_len));
	FZ_CHECK(r->num_headers <= lim->max_headers || !lim->max_headers);
	FZ_CHECK(r->content_length >= -1);
	FZ_CHECK(!r->chunked ||
		 (r->minor_version == 1 && r->content_length == -1));
	for (size_t i = 0; i < r->num_headers; i++) {
		const struct http_header *h = &r->headers[i];

		FZ_CHECK(h->name_len > 0);
		FZ_CHECK(fz_within(h->name, h->name_len, buf, r->head_len));
		FZ_CHECK(fz_within(h->value, h->value_len, buf, r->head_len));
		FZ_CHECK(!memchr(h->name, ':', h->name_len));
		FZ_CHECK(!memchr(h->value, '\r', h->value_len));
		FZ_CHECK(!memchr(h->value, '\n', h->value_len));
		FZ_CHECK(!h->value_len ||
			 (h->value[0] != ' ' && h->value[0] != '\t' &&
			  h->value[h->value_len - 1] != ' ' &&
			  h->value[h->value_len - 1] != '\t'));
	}
	switch (r->body_kind) {
	case HTTP_RESPONSE_BODY_NONE:
		FZ_CHECK(r->body_len == 0 && (size_t)run->rc == r->head_len);
		break;
	case HTTP_RESPONSE_BODY_LENGTH:
		FZ_CHECK(r->body_len == (uint64_t)r->content_length);
		/* fallthrough */
	case HTTP_RESPONSE_BODY_CLOSE:
		FZ_CHECK(r->body == buf + r->head_len);
		FZ_CHECK(r->head_len + r->body_len == (size_t)run->rc);
		FZ_CHECK(r->body_len == run->body_len);
		if (run->body_len <= FZ_BODY_MAX)
			FZ_CHECK(!memcmp(r->body, run->body, r->body_len));
		FZ_CHECK(r->body_kind == HTTP_RESPONSE_BODY_LENGTH ||
			 !r->keep_alive);
		break;
	case HTTP_RESPONSE_BODY_CHUNKED:
		FZ_CHECK(r->chunked && !r->body);
		FZ_CHECK(r->body_len == run->body_len);
		FZ_CHECK(r->body_len < (size_t)run->rc - r->head_len);
		FZ_CHECK((size_t)run->rc >= r->head_len + 5);
		FZ_CHECK(!memcmp(buf + run->rc - 2, "\r\n", 2));
		break;
	}
}

/* Two feedings of one input: the same answer, fields at the same places. */
static void
fz_same(const struct fz_run *a, const struct fz_run *b)
{
	FZ_CHECK(a->rc == b->rc);
	FZ_CHECK(a->err == b->err);
	FZ_CHECK(a->err_off == b->err_off);
	FZ_CHECK(a->scanned == b->scanned);
	FZ_CHECK(a->body_len == b->body_len);
	FZ_CHECK(
		!memcmp(a->body, b->body,
			a->body_len < FZ_BODY_MAX ? a->body_len : FZ_BODY_MAX));
	FZ_CHECK(a->head_seen == b->head_seen);
	if (!a->head_seen)
		return;
	FZ_CHECK(a->r.status == b->r.status);
	FZ_CHECK(a->r.minor_version == b->r.minor_version);
	FZ_CHECK(a->r.head_len == b->r.head_len);
	FZ_CHECK(a->r.reason == b->r.reason);
	FZ_CHECK(a->r.reason_len == b->r.reason_len);
	FZ_CHECK(a->r.num_headers == b->r.num_headers);
	for (size_t i = 0; i < a->r.num_headers; i++) {
		FZ_CHECK(a->r.headers[i].name == b->r.headers[i].name);
		FZ_CHECK(a->r.headers[i].name_len == b->r.headers[i].name_len);
		FZ_CHECK(a->r.headers[i].value == b->r.headers[i].value);
		FZ_CHECK(a->r.headers[i].value_len ==
			 b->r.headers[i].value_len);
	}
	FZ_CHECK(a->r.content_length == b->r.content_length);
	FZ_CHECK(a->r.chunked == b->r.chunked);
	FZ_CHECK(a->r.keep_alive == b->r.keep_alive);
	FZ_CHECK(a->r.body_kind == b->r.body_kind);
	FZ_CHECK(a->r.body_len == b->r.body_len);
	FZ_CHECK(a->r.body == b->r.body);
}

/*
 * One response at in[0..n): whole, byte by byte (or random cuts for long
 * inputs), a few random splits; all the same. Returns its length, or 0.
 */
static size_t
fz_response(const uint8_t *in, size_t n, const struct http_response_limits *lim,
	    bool head, bool eof, uint64_t *seed)
{
	static size_t cuts[FZ_BYTEWISE_MAX];
	size_t nc;

	fz_feed(in, n, lim, head, eof, NULL, 0, &fz_whole);
	fz_check_whole(in, n, lim, &fz_whole);
	if (n <= FZ_BYTEWISE_MAX) {
		for (size_t i = 0; i < n; i++)
			cuts[i] = i + 1;
		fz_feed(in, n, lim, head, eof, cuts, n, &fz_part);
		fz_same(&fz_part, &fz_whole);
		FZ_CHECK(fz_part.scanned <= 2 * (uint64_t)n);
	}
	for (int round = 0; round < 4; round++) {
		nc = 1 +
		     (size_t)(fz_next(seed) % (n <= FZ_BYTEWISE_MAX ? 7 : 64));
		for (size_t i = 0; i < nc; i++)
			cuts[i] = (size_t)(fz_next(seed) % (n + 1));
		fz_sort_cuts(cuts, nc);
		fz_feed(in, n, lim, head, eof, cuts, nc, &fz_part);
		fz_same(&fz_part, &fz_whole);
	}
	return fz_whole.rc > 0 ? (size_t)fz_whole.rc : 0;
}

/*
 * Input: one mode byte, then the bytes a server sent.
 *   bit 0: small limits (24-byte status line, 48 header bytes, 3 fields,
 *          32 body bytes) instead of the defaults;
 *   bit 1: the first response answers a HEAD request;
 *   bit 2: the server closes after the bytes (EOF).
 * Responses back to back are each parsed after the one before.
 */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct http_response_limits *lim;
	uint64_t seed;
	uint8_t mode;
	size_t used;

	if (size == 0)
		return 0;
	mode = data[0];
	data++;
	size--;
	seed = fz_seed(data, size);
	lim = &fz_limits[mode & 1];
	for (int i = 0; i < FZ_MAX_RESPONSES && size; i++) {
		used = fz_response(data, size, lim, i == 0 && (mode & 2),
				   mode & 4, &seed);
		if (!used)
			break;
		data += used;
		size -= used;
	}
	return 0;
}
