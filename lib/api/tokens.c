/* SPDX-License-Identifier: BSD-3-Clause */
/* tokens.c: POST /api/v1/tokens/batch streamed, health (docs/API.md §4). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "api/api.h"
#include "api/tokens.h"
#include "core/version.h"
#include "http/http.h"

/*
 * Body: PREFIX, tokens joined by ',', "]}}". Token i is
 * {"id":<i>,"coordinates":[[0.0,0.0,0.0] x 8]}: TOKENS_FIXED bytes plus
 * the digits of i. Lengths are arithmetic, so any offset maps to a token
 * directly: the stream needs no per-connection state but its offset.
 */
#define TOKENS_COORDS \
	"[[0.0,0.0,0.0],[0.0,0.0,0.0],[0.0,0.0,0.0],[0.0,0.0,0.0]," \
	"[0.0,0.0,0.0],[0.0,0.0,0.0],[0.0,0.0,0.0],[0.0,0.0,0.0]]"
#define TOKENS_HEAD "{\"id\":"
#define TOKENS_MID ",\"coordinates\":" TOKENS_COORDS "}"
#define TOKENS_FIXED (sizeof(TOKENS_HEAD) - 1 + sizeof(TOKENS_MID) - 1)
#define TOKENS_SUFFIX "]}}"

static int
tokens_prefix(uint64_t count, char *buf, size_t cap)
{
	return snprintf(buf, cap,
			"{\"success\":true,\"message\":\"Created %llu tokens\","
			"\"data\":{\"count\":%llu,\"tokens\":[",
			(unsigned long long)count, (unsigned long long)count);
}

/* Sum of the digit counts of 0..n-1. */
static uint64_t
tokens_digit_sum(uint64_t n)
{
	uint64_t sum = 0, lo = 0, hi = 10;
	unsigned int d = 1;

	while (lo < n) {
		uint64_t top = n < hi ? n : hi;

		sum += (top - lo) * d;
		lo = hi;
		hi *= 10;
		d++;
	}
	return sum;
}

/* Where token n starts in the token list, which is token 0 then
 * "," token i for each i > 0: the length of tokens 0..n-1 with their
 * commas. tokens_start(count) is the whole list. */
static uint64_t
tokens_start(uint64_t n)
{
	return n * TOKENS_FIXED + tokens_digit_sum(n) + (n ? n - 1 : 0);
}

uint64_t
tokens_body_len(uint64_t count)
{
	char pre[128];

	return (uint64_t)tokens_prefix(count, pre, sizeof(pre)) +
	       tokens_start(count) + sizeof(TOKENS_SUFFIX) - 1;
}

/* Copy the part of src[0..n) that lies at or after *skip into the output;
 * returns bytes written. */
static size_t
tokens_copy(const char *src, size_t n, uint64_t *skip, char *buf, size_t cap)
{
	size_t k;

	if (*skip >= n) {
		*skip -= n;
		return 0;
	}
	k = n - (size_t)*skip;
	if (k > cap)
		k = cap;
	memcpy(buf, src + *skip, k);
	*skip = 0;
	return k;
}

size_t
tokens_produce(uint64_t count, uint64_t off, char *buf, size_t cap)
{
	char pre[128], tok[TOKENS_FIXED + 24];
	uint64_t total = tokens_body_len(count), lo, hi, rel, skip, i;
	size_t plen = (size_t)tokens_prefix(count, pre, sizeof(pre)), done = 0;

	if (off >= total)
		return 0;
	if (cap > total - off)
		cap = (size_t)(total - off);
	if (off < plen) {
		skip = off;
		done += tokens_copy(pre, plen, &skip, buf, cap);
		if (done == cap)
			return done;
		off = plen;
	}
	rel = off - plen;
	if (rel >= tokens_start(count)) {
		skip = rel - tokens_start(count);
		return done + tokens_copy(TOKENS_SUFFIX, sizeof(TOKENS_SUFFIX) - 1,
					  &skip, buf + done, cap - done);
	}
	/* The last token starting at or before rel. */
	lo = 0;
	hi = count - 1;
	while (lo < hi) {
		uint64_t mid = lo + (hi - lo + 1) / 2;

		if (tokens_start(mid) <= rel)
			lo = mid;
		else
			hi = mid - 1;
	}
	skip = rel - tokens_start(lo);
	i = lo;
	for (; i < count && done < cap; i++) {
		int n = snprintf(tok, sizeof(tok), "%s" TOKENS_HEAD "%llu" TOKENS_MID,
				 i ? "," : "", (unsigned long long)i);

		done += tokens_copy(tok, (size_t)n, &skip, buf + done, cap - done);
	}
	if (i == count && done < cap) {
		skip = 0;
		done += tokens_copy(TOKENS_SUFFIX, sizeof(TOKENS_SUFFIX) - 1,
				    &skip, buf + done, cap - done);
	}
	return done;
}

int
tokens_parse_count(const char *body, size_t len, uint64_t *count,
		   const char **msg)
{
	json_error_t err;
	json_t *j, *c;
	json_int_t v;

	j = json_loadb(body ? body : "", len, 0, &err);
	if (!j) {
		*msg = "JSON decode error";
		return -EINVAL;
	}
	c = json_is_object(j) ? json_object_get(j, "count") : NULL;
	if (!c) {
		*msg = json_is_object(j) ? "Field required: count" :
		       "Input should be a valid dictionary or object";
		json_decref(j);
		return -EINVAL;
	}
	if (!json_is_integer(c)) {
		json_decref(j);
		*msg = "count should be a valid integer";
		return -EINVAL;
	}
	v = json_integer_value(c);
	json_decref(j);
	if (v <= 0 || v > (json_int_t)TOKENS_MAX_COUNT) {
		*msg = "count should be greater than 0 and at most 1000000";
		return -EINVAL;
	}
	*count = (uint64_t)v;
	return 0;
}

static size_t
tokens_stream(void *arg, uint64_t count, uint64_t off, char *buf, size_t cap)
{
	return tokens_produce(count, off, buf, cap);
}

static void
tokens_batch(struct http_exchange *x)
{
	const char *msg;
	uint64_t count;

	if (tokens_parse_count(x->body, x->body_len, &count, &msg) < 0) {
		api_respond_422(x, "value_error", "body", "count", msg, NULL, 0);
		return;
	}
	http_stream_start(x, 200, "application/json", tokens_body_len(count),
			  tokens_stream, NULL, count);
}

static void
tokens_live(struct http_exchange *x)
{
	char body[128];
	int n = snprintf(body, sizeof(body),
			 "{\"status\":\"ok\",\"version\":\"%s\"}", LR_VERSION);

	http_respond_json(x, 200, body, (size_t)n);
}

int
tokens_register(struct http_router *r, const struct config *cfg)
{
	static const struct http_route_def routes[] = {
		{ HTTP_METHOD_BIT(HTTP_M_POST), "/api/v1/tokens/batch",
		  tokens_batch, "tokens_batch" },
		{ HTTP_METHOD_BIT(HTTP_M_GET), "/api/v1/health/live",
		  tokens_live, "health_live" },
	};

	return http_router_add_all(r, routes,
				   sizeof(routes) / sizeof(routes[0]), NULL);
}
