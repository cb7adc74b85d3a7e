/* SPDX-License-Identifier: BSD-3-Clause */
/* test_http_head_cache.c: the head cache answers as the full parser, on every
 * input, under every scan variant. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "guard_page.h"
#include "http/head_cache.h"
#include "http/parser.h"
#include "http/router.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* The 1MRC client's head (with the body behind it), and others. */
#define MRC_HEAD(cl)                                                           \
	"POST /event HTTP/1.1\r\nHost: 10.88.0.2\r\n"                          \
	"Content-Type: application/json\r\nContent-Length: " cl "\r\n\r\n"
static const char mrc_body[] = "{\"userId\":\"user_1\",\"value\":1.5}";

static const char *const heads[] = {
	MRC_HEAD("33"),
	"GET /users/42?x=1&y=2 HTTP/1.1\r\nHost: h\r\nAccept: */*\r\n\r\n",
	/* Content-Length not last, with OWS around its value. */
	"PUT /a/b HTTP/1.1\r\nContent-Length:  7 \r\nHost: h\r\nX-A: b\r\n\r\n",
	"POST /c HTTP/1.0\r\ncontent-length:0\r\nConnection: keep-alive\r\n\r\n",
	"POST /t HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n"
	"Expect: 100-continue\r\n\r\n",
};

struct answer {
	int rc, status;
	struct http_parse_state st;
	struct http_request req;
};

struct fixture {
	struct http_head_cache c;
	struct stats stats;
	enum http_parse_isa isa;
};

static struct fixture fx;

static int
setup(void **state)
{
	enum http_parse_isa isa = (enum http_parse_isa)(uintptr_t)*state;

	if (!http_parse_isa_supported(isa))
		return 0;
	memset(&fx, 0, sizeof(fx));
	fx.isa = isa;
	return http_parse_isa_set(isa);
}

static uint64_t
hits(void)
{
	return STAT_GET(&fx.stats, http_head_cache_hits);
}

static uint64_t
misses(void)
{
	return STAT_GET(&fx.stats, http_head_cache_misses);
}

static intptr_t
off(const char *p, const char *buf)
{
	return p ? p - buf : -1;
}

/* Same answer, state and (when complete) fields at the same offsets. */
static void
assert_same(const struct answer *a, const struct answer *b, const char *buf)
{
	const struct http_request *x = &a->req, *y = &b->req;

	assert_int_equal(a->rc, b->rc);
	if (a->rc == HTTP_PARSE_ERROR)
		assert_int_equal(a->status, b->status);
	assert_int_equal(a->st.pos, b->st.pos);
	assert_int_equal(a->st.phase, b->st.phase);
	assert_int_equal(a->st.lead, b->st.lead);
	assert_int_equal(a->st.scanned, b->st.scanned);
	if (a->rc < 0)
		return;
	assert_int_equal(x->method, y->method);
	assert_int_equal(off(x->method_str, buf), off(y->method_str, buf));
	assert_int_equal(x->method_len, y->method_len);
	assert_int_equal(off(x->target, buf), off(y->target, buf));
	assert_int_equal(x->target_len, y->target_len);
	assert_int_equal(off(x->path, buf), off(y->path, buf));
	assert_int_equal(x->path_len, y->path_len);
	assert_int_equal(off(x->query, buf), off(y->query, buf));
	assert_int_equal(x->query_len, y->query_len);
	assert_int_equal(x->minor_version, y->minor_version);
	assert_int_equal(x->num_headers, y->num_headers);
	for (size_t i = 0; i < x->num_headers; i++) {
		assert_int_equal(off(x->headers[i].name, buf),
				 off(y->headers[i].name, buf));
		assert_int_equal(x->headers[i].name_len,
				 y->headers[i].name_len);
		assert_int_equal(off(x->headers[i].value, buf),
				 off(y->headers[i].value, buf));
		assert_int_equal(x->headers[i].value_len,
				 y->headers[i].value_len);
	}
	assert_int_equal(x->content_length, y->content_length);
	assert_int_equal(x->chunked, y->chunked);
	assert_int_equal(x->keep_alive, y->keep_alive);
	assert_int_equal(x->expect_continue, y->expect_continue);
	assert_int_equal(x->has_host, y->has_host);
}

/*
 * in[0..n) placed before the guard page, answered by the parser and by
 * the cache (fresh states, req filled with junk first): the same answer.
 * Returns whether the cache answered it from an entry.
 */
static bool
check(const char *in, size_t n, const struct http_limits *lim)
{
	static struct answer a, b;
	const char *buf = guard_page_at(in, n);
	uint64_t h = hits(), m = misses();

	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	memset(&a.req, 0xa5, sizeof(a.req));
	memset(&b.req, 0x5a, sizeof(b.req));
	a.rc = http_parse_resume(&a.st, buf, n, lim, &a.req, &a.status);
	b.rc = http_head_cache_parse(&fx.c, &fx.stats, &b.st, buf, n, lim,
				     &b.req, &b.status);
	assert_same(&a, &b, buf);
	assert_int_equal(hits() - h + misses() - m, 1);
	return hits() != h;
}

/* Miss in[0..n) twice: kept the second time (when it fits). */
static void
prime(const char *in, size_t n, const struct http_limits *lim)
{
	check(in, n, lim);
	check(in, n, lim);
}

/* A head with the Content-Length value cl, and what follows. */
static size_t
mrc(char *out, size_t cap, const char *cl, const char *body)
{
	int n = snprintf(out, cap,
			 "POST /event HTTP/1.1\r\nHost: 10.88.0.2\r\n"
			 "Content-Type: application/json\r\nContent-Length: "
			 "%s\r\n\r\n%s",
			 cl, body);

	assert_true(n > 0 && (size_t)n < cap);
	return (size_t)n;
}

#define SKIP_UNSUPPORTED()                                                     \
	do {                                                                   \
		if (!http_parse_isa_supported(                                 \
			    (enum http_parse_isa)(uintptr_t)*state))           \
			skip();                                                \
	} while (0)

/* The second and later copies of a head come from the cache. */
static void
test_http_head_cache_repeated_head_is_served_from_the_cache(void **state)
{
	char in[512];
	size_t n;

	SKIP_UNSUPPORTED();
	for (size_t k = 0; k < ARRAY_SIZE(heads); k++) {
		n = strlen(heads[k]);
		/* Kept the second time it is missed. */
		assert_false(check(heads[k], n, NULL));
		assert_false(check(heads[k], n, NULL));
		for (int i = 0; i < 3; i++)
			assert_true(check(heads[k], n, NULL));
		/* With bytes of the next request behind it. */
		memcpy(in, heads[k], n);
		memcpy(in + n, heads[k], n);
		assert_true(check(in, 2 * n, NULL));
	}
	assert_int_equal(misses(), 2 * ARRAY_SIZE(heads));
}

/*
 * Content-Length values of every digit count from 1 to 20, with leading
 * zeros, INT64_MAX and past it: the cached head answers as the parser;
 * up to 18 digits from the cache.
 */
static void
test_http_head_cache_content_length_every_digit_count(void **state)
{
	static const char *const extra[] = {
		"0", "00", "007", "000000000000000000", "9223372036854775807",
		"9223372036854775808", "09223372036854775807",
		"99999999999999999999", "1 ", "1x",
	};
	char in[512], cl[32];

	SKIP_UNSUPPORTED();
	prime(in, mrc(in, sizeof(in), "33", mrc_body), NULL);
	for (size_t d = 1; d <= 20; d++) {
		for (const char *fill = "0159"; *fill; fill++) {
			memset(cl, *fill, d);
			cl[0] = d > 1 && *fill == '0' ? '0' : '1';
			cl[d] = '\0';
			bool hit = check(in, mrc(in, sizeof(in), cl, mrc_body),
					 NULL);

			if (d <= 18)
				assert_true(hit);
			/* Without a body behind it: the digits at the end
			 * of the buffer's words. */
			hit = check(in, mrc(in, sizeof(in), cl, ""), NULL);
			if (d <= 18)
				assert_true(hit);
		}
	}
	for (size_t i = 0; i < ARRAY_SIZE(extra); i++) {
		check(in, mrc(in, sizeof(in), extra[i], mrc_body), NULL);
		check(in, mrc(in, sizeof(in), extra[i], ""), NULL);
	}
}

/*
 * Every byte of each cached head replaced by every value, every byte
 * deleted, every value inserted before every byte, and every prefix:
 * the answer (errors included) is the parser's, the cache kept primed
 * with the head between inputs.
 */
static void
test_http_head_cache_every_byte_flipped_inserted_deleted(void **state)
{
	char in[600], with_body[300];
	unsigned long runs = 0;

	SKIP_UNSUPPORTED();
	/* The heads alone, and the 1MRC head with its body behind it (the
	 * bytes after the digits then read as one word). */
	mrc(with_body, sizeof(with_body), "33", mrc_body);
	for (size_t k = 0; k <= ARRAY_SIZE(heads); k++) {
		const char *base = k < ARRAY_SIZE(heads) ? heads[k] : with_body;
		size_t n = strlen(base);

		assert_true(n + 1 < sizeof(in));
		for (size_t i = 0; i < n; i++) {
			for (unsigned int v = 0; v < 256; v++) {
				prime(base, n, NULL);
				memcpy(in, base, n);
				in[i] = (char)v;
				check(in, n, NULL);
				memcpy(in, base, i);
				in[i] = (char)v;
				memcpy(in + i + 1, base + i, n - i);
				check(in, n + 1, NULL);
				runs += 2;
			}
			memcpy(in, base, i);
			memcpy(in + i, base + i + 1, n - i - 1);
			check(in, n - 1, NULL);
			/* Truncated: every prefix answers INCOMPLETE. */
			check(base, i, NULL);
			runs += 2;
		}
	}
	assert_true(hits() > 0);
	print_message("%s: %lu inputs agree with the parser\n",
		      http_parse_isa_name(fx.isa), runs);
}

/*
 * A head cached under roomy limits and sent again where the limits are
 * exactly met, and one byte short: only by a longer Content-Length, by
 * the request line, by the number of fields.
 */
static void
test_http_head_cache_limits_crossed_by_a_longer_content_length(void **state)
{
	const char *rl_end, *fs_start;
	char in[512];
	size_t n, rl, fs;
	struct http_limits lim;

	SKIP_UNSUPPORTED();
	n = mrc(in, sizeof(in), "5", "");
	rl_end = strstr(in, "\r\n");
	rl = (size_t)(rl_end - in);
	fs_start = rl_end + 2;
	fs = n - 2 - (size_t)(fs_start - in);
	prime(in, n, NULL);
	/* Field lines exactly at the limit with one digit. */
	lim = (struct http_limits){rl, fs, 3};
	assert_true(check(in, mrc(in, sizeof(in), "7", ""), &lim));
	assert_true(check(in, mrc(in, sizeof(in), "7", mrc_body), &lim));
	/* One more digit: 431 from the parser, not a hit. */
	assert_false(check(in, mrc(in, sizeof(in), "77", ""), &lim));
	lim.max_header_bytes = fs + 1;
	assert_true(check(in, mrc(in, sizeof(in), "77", mrc_body), &lim));
	assert_false(check(in, mrc(in, sizeof(in), "777", mrc_body), &lim));
	/* The request line and the field count. */
	lim = (struct http_limits){rl - 1, HTTP_DEFAULT_MAX_HEADER_BYTES, 3};
	assert_false(check(in, mrc(in, sizeof(in), "7", ""), &lim));
	lim = (struct http_limits){rl, HTTP_DEFAULT_MAX_HEADER_BYTES, 2};
	assert_false(check(in, mrc(in, sizeof(in), "7", ""), &lim));
	lim = (struct http_limits){rl, HTTP_DEFAULT_MAX_HEADER_BYTES, 3};
	assert_true(check(in, mrc(in, sizeof(in), "7", ""), &lim));
}

/*
 * 100,000 distinct heads (a hostile peer): every answer the parser's,
 * the cache's memory fixed; a well-behaved client's repeated head is
 * still served from the cache, between the hostile heads and after.
 */
static void
test_http_head_cache_hostile_distinct_heads(void **state)
{
	char in[512], good[512];
	size_t gn, hit_good = 0;

	SKIP_UNSUPPORTED();
	assert_true(sizeof(struct http_head_cache) <= 16384);
	gn = mrc(good, sizeof(good), "33", mrc_body);
	for (unsigned int i = 0; i < 100000; i++) {
		int n;

		switch (i % 4) {
		case 0: /* a new path each time */
			n = snprintf(in, sizeof(in),
				     "GET /p%u HTTP/1.1\r\nHost: h\r\n\r\n", i);
			break;
		case 1: /* a new field value */
			n = snprintf(in, sizeof(in),
				     "POST /e HTTP/1.1\r\nHost: h\r\nX-N: %u"
				     "\r\nContent-Length: %u\r\n\r\n",
				     i, i % 97);
			break;
		case 2: /* too long to keep */
			n = snprintf(in, sizeof(in),
				     "GET /%0300u HTTP/1.1\r\nHost: h\r\n\r\n",
				     i);
			break;
		default: /* broken */
			n = snprintf(in, sizeof(in),
				     "GET /%u HTTP/1.1\r\nHost: h\r\nBad : x"
				     "\r\n\r\n",
				     i);
			break;
		}
		assert_true(n > 0 && (size_t)n < sizeof(in));
		assert_false(check(in, (size_t)n, NULL));
		if (i % 16 == 0)
			hit_good += check(good, gn, NULL);
	}
	/* Missed only until it was kept. */
	assert_true(hit_good >= 100000 / 16 - 16);
	assert_true(check(good, gn, NULL));
	assert_true(check(in, mrc(in, sizeof(in), "4", "{}{}"), NULL));
}

/* What the cache leaves alone: heads in pieces, leading CRLF, a target
 * without a path; each still answered as the parser does. */
static void
test_http_head_cache_leaves_pieces_and_odd_heads_to_the_parser(void **state)
{
	static const char lead[] = "\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\n";
	static const char abs_[] = "GET http://h?q HTTP/1.1\r\nHost: h\r\n\r\n";
	static struct answer a, b;
	const char *head = heads[0], *buf;
	size_t n = strlen(head);
	uint64_t h, m;

	SKIP_UNSUPPORTED();
	for (int i = 0; i < 3; i++) {
		assert_false(check(lead, sizeof(lead) - 1, NULL));
		assert_false(check(abs_, sizeof(abs_) - 1, NULL));
	}
	/* Cached, then fed in two pieces: the second call resumes. */
	prime(head, n, NULL);
	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	buf = guard_page_at(head, 20);
	a.rc = http_parse_resume(&a.st, buf, 20, NULL, &a.req, &a.status);
	b.rc = http_head_cache_parse(&fx.c, &fx.stats, &b.st, buf, 20, NULL,
				     &b.req, &b.status);
	assert_same(&a, &b, buf);
	h = hits();
	m = misses();
	buf = guard_page_at(head, n);
	a.rc = http_parse_resume(&a.st, buf, n, NULL, &a.req, &a.status);
	b.rc = http_head_cache_parse(&fx.c, &fx.stats, &b.st, buf, n, NULL,
				     &b.req, &b.status);
	assert_same(&a, &b, buf);
	assert_int_equal(b.rc, (int)n);
	assert_int_equal(hits(), h);
	assert_int_equal(misses(), m);
}

static void
handler(struct http_exchange *x)
{
	(void)x;
}

static void
assert_same_match(const struct http_router *r, const struct http_request *req)
{
	struct http_match a, b;
	int ra, rb;

	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	ra = http_router_match(r, req->method, req->path, req->path_len, &a);
	rb = http_head_cache_route(&fx.c, r, req, &b);
	assert_int_equal(ra, rb);
	assert_int_equal(a.route, b.route);
	assert_int_equal(a.allowed, b.allowed);
	assert_int_equal(a.nparams, b.nparams);
	for (unsigned int i = 0; i < a.nparams; i++) {
		assert_ptr_equal(a.params[i].p, b.params[i].p);
		assert_int_equal(a.params[i].len, b.params[i].len);
	}
}

/* The router's answer kept with an entry is the router's, for each
 * router and after routes are added. */
static void
test_http_head_cache_route_answers_as_the_router(void **state)
{
	static const char *const reqs[] = {
		"GET /users/42 HTTP/1.1\r\nHost: h\r\n\r\n",
		"POST /users/42 HTTP/1.1\r\nHost: h\r\n\r\n",
		"GET /nowhere HTTP/1.1\r\nHost: h\r\n\r\n",
		"GET /users/42/posts/7?x HTTP/1.1\r\nHost: h\r\n\r\n",
	};
	static struct http_router r1, r2;
	static struct answer b;

	SKIP_UNSUPPORTED();
	http_router_init(&r1);
	http_router_init(&r2);
	assert_int_equal(http_router_add(&r1, HTTP_METHOD_BIT(HTTP_M_GET),
					 "/users/{id}", handler, NULL, "u"),
			 0);
	assert_int_equal(http_router_add(&r1, HTTP_METHOD_BIT(HTTP_M_GET),
					 "/users/{id}/posts/{p}", handler,
					 NULL, "p"),
			 1);
	for (int round = 0; round < 3; round++) {
		for (size_t k = 0; k < ARRAY_SIZE(reqs); k++) {
			size_t n = strlen(reqs[k]);
			const char *buf;

			for (int i = 0; i < 3; i++) {
				buf = guard_page_at(reqs[k], n);
				memset(&b, 0, sizeof(b));
				b.rc = http_head_cache_parse(
					&fx.c, &fx.stats, &b.st, buf, n, NULL,
					&b.req, &b.status);
				assert_int_equal(b.rc, (int)n);
				assert_same_match(&r1, &b.req);
				assert_same_match(&r1, &b.req);
				assert_same_match(&r2, &b.req);
				assert_same_match(&r1, &b.req);
			}
		}
		/* New routes change the answers for the kept paths. */
		if (round == 0)
			http_router_add(&r1, HTTP_METHOD_BIT(HTTP_M_POST),
					"/users/{id}", handler, NULL, "w");
		else
			http_router_add(&r2, HTTP_METHOD_BIT(HTTP_M_GET),
					"/nowhere", handler, NULL, "n");
	}
	assert_true(hits() > 0);
}

#define ALL_ISAS(fn)                                                           \
	cmocka_unit_test_prestate_setup_teardown(                              \
		fn, setup, NULL, (void *)(uintptr_t)HTTP_ISA_SCALAR),          \
		cmocka_unit_test_prestate_setup_teardown(                      \
			fn, setup, NULL, (void *)(uintptr_t)HTTP_ISA_SSE42),   \
		cmocka_unit_test_prestate_setup_teardown(                      \
			fn, setup, NULL, (void *)(uintptr_t)HTTP_ISA_AVX2)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		ALL_ISAS(test_http_head_cache_repeated_head_is_served_from_the_cache),
		ALL_ISAS(test_http_head_cache_content_length_every_digit_count),
		ALL_ISAS(test_http_head_cache_every_byte_flipped_inserted_deleted),
		ALL_ISAS(test_http_head_cache_limits_crossed_by_a_longer_content_length),
		ALL_ISAS(test_http_head_cache_hostile_distinct_heads),
		ALL_ISAS(test_http_head_cache_leaves_pieces_and_odd_heads_to_the_parser),
		ALL_ISAS(test_http_head_cache_route_answers_as_the_router),
	};

	return cmocka_run_group_tests(tests, guard_page_setup,
				      guard_page_teardown);
}
