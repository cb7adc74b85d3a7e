/* SPDX-License-Identifier: BSD-3-Clause */
/* test_http_head_cache_fast.c: the fast match of the latest entry answers as
 * the head cache's lookup, on every input, under every scan variant. */
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
#include "http/head_cache_fast.h"
#include "http/parser.h"
#include "http/router.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/*
 * http_hc_fast() is a shortcut in front of http_head_cache_hit(): where
 * it answers (n > 0), the lookup must answer the same length, the same
 * Content-Length and digit count, from the same (most recent) entry;
 * where it does not, the lookup decides alone. Each input is placed
 * before a guard page (the fast match reads its fast_len bytes, never
 * past the buffer).
 */

static const char mrc_body[] = "{\"userId\":\"user_1\",\"value\":1.5}";

static const char *const heads[] = {
	/* the 1MRC client's head: 95 bytes, two groups of blocks */
	"POST /event HTTP/1.1\r\nHost: 10.88.0.2\r\n"
	"Content-Type: application/json\r\nContent-Length: 33\r\n\r\n",
	/* short: the blocks reach past it (the buffer must hold them) */
	"GET /users/42 HTTP/1.1\r\nHost: h\r\n\r\n",
	/* Content-Length not last, with OWS around its value */
	"PUT /users/7 HTTP/1.1\r\nContent-Length:  7 \r\nHost: h\r\nX-A: b\r\n\r\n",
	/* past 96 bytes: four groups */
	"POST /event HTTP/1.1\r\nHost: 10.88.0.2\r\nUser-Agent: linerate-test/1.0"
	" (fast match)\r\nContent-Type: application/json\r\n"
	"Content-Length: 12345678\r\n\r\n",
	/* no Content-Length */
	"GET /users/42?x=1&y=2 HTTP/1.1\r\nHost: h\r\nAccept: */*\r\n"
	"Accept-Encoding: identity\r\n\r\n",
};

static struct {
	struct http_head_cache c;
	struct stats stats;
	struct http_router r;
	enum http_parse_isa isa;
	uint32_t wide; /* what arm() arms with (http_hc_fast_arm_w) */
} fx;

static void
handler(struct http_exchange *x)
{
	(void)x;
}

static int
setup(void **state)
{
	enum http_parse_isa isa = (enum http_parse_isa)(uintptr_t)*state;

	if (!http_parse_isa_supported(isa))
		return 0;
	memset(&fx, 0, sizeof(fx));
	fx.isa = isa;
	http_router_init(&fx.r);
	if (http_router_add(&fx.r, HTTP_METHOD_BIT(HTTP_M_GET) |
					   HTTP_METHOD_BIT(HTTP_M_POST) |
					   HTTP_METHOD_BIT(HTTP_M_PUT),
			    "/users/{id}", handler, NULL, "u") < 0 ||
	    http_router_add(&fx.r, HTTP_METHOD_BIT(HTTP_M_POST), "/event",
			    handler, NULL, "e") < 0)
		return -1;
	return http_parse_isa_set(isa);
}

/* setup(), then the fast match with its 32-byte compare (AVX2) for
 * the forms it takes (the CPU must have AVX2). */
static int
setup_wide(void **state)
{
	if (!http_parse_isa_supported(HTTP_ISA_AVX2))
		return 0;
	if (setup(state) < 0)
		return -1;
	fx.wide = HTTP_HC_FAST_WIDE;
	return 0;
}

#define SKIP_UNSUPPORTED()                                                     \
	do {                                                                   \
		if (!http_parse_isa_supported(                                 \
			    (enum http_parse_isa)(uintptr_t)*state))           \
			skip();                                                \
	} while (0)

/*
 * in[0..n) (before the guard page): the fast match against the lookup,
 * under lim. Returns whether the fast match answered.
 */
static bool
check(const char *in, size_t n, const struct http_limits *lim)
{
	const char *buf = guard_page_at(in, n);
	const struct http_hc_entry *mru = &fx.c.e[fx.c.mru];
	struct http_hc_hit h;
	uint64_t v = 0xdead;
	size_t f, k;

	/* The production path's entry (mru_off) is mru's, before and after
	 * the lookup moves it. */
	assert_ptr_equal(http_hc_fast_entry(&fx.c), mru);
	f = http_hc_fast(&fx.c, &fx.r, buf, n, &v);
	memset(&h, 0xa5, sizeof(h));
	k = http_head_cache_hit(&fx.c, &fx.stats, buf, n, lim, &h);
	assert_ptr_equal(http_hc_fast_entry(&fx.c), &fx.c.e[fx.c.mru]);
	if (!f)
		return false;
	assert_int_equal(f, k);
	assert_ptr_equal(h.e, mru);
	assert_int_equal(h.v, v);
	assert_int_equal(h.nd, mru->cl_digits);
	assert_ptr_equal(h.buf, buf);
	return true;
}

/* The limits the tests match under (the parser's defaults). */
static const struct http_limits deflim = {
	HTTP_DEFAULT_MAX_REQUEST_LINE, HTTP_DEFAULT_MAX_HEADER_BYTES,
	HTTP_MAX_HEADERS
};

/* Miss head twice: kept (the second time), unless it does not fit. */
static void
keep(const char *head, size_t n)
{
	const char *buf = guard_page_at(head, n);
	struct http_parse_state st;
	struct http_request req;
	int status;

	for (int i = 0; i < 2; i++) {
		memset(&st, 0, sizeof(st));
		http_head_cache_parse(&fx.c, &fx.stats, &st, buf, n, &deflim,
				      &req, &status);
	}
}

/*
 * Keep head in the cache, hit it once and keep its route (as the
 * framing does before arming it), then arm it under lim. Returns the
 * entry.
 */
static struct http_hc_entry *
arm(const char *head, size_t n, const struct http_limits *lim)
{
	const char *buf;
	struct http_match m;
	struct http_hc_hit h;

	keep(head, n);
	buf = guard_page_at(head, n);
	assert_int_equal(
		http_head_cache_hit(&fx.c, &fx.stats, buf, n, &deflim, &h), n);
	assert_true(http_head_cache_hit_route(&fx.c, &fx.r, &h, &m) >= 0);
	http_hc_fast_arm_w((struct http_hc_entry *)h.e, &fx.r, lim, fx.wide);
	return (struct http_hc_entry *)h.e;
}

static size_t
with_body(char *out, size_t cap, const char *head, const char *body)
{
	int n = snprintf(out, cap, "%s%s", head, body);

	assert_true(n > 0 && (size_t)n < cap);
	return (size_t)n;
}

/* Each head, armed, is taken by the fast match: alone when it holds the
 * fast form's bytes, with a body behind it, twice in a row. */
static void
test_http_head_cache_fast_armed_heads_match_as_the_lookup(void **state)
{
	char in[1024];

	SKIP_UNSUPPORTED();
	for (size_t k = 0; k < ARRAY_SIZE(heads); k++) {
		size_t n = strlen(heads[k]);
		const struct http_hc_entry *e;

		arm(heads[k], n, &deflim);
		e = &fx.c.e[fx.c.mru];
		assert_true(e->fast_len > 0);
		assert_int_equal(e->fast_gen, fx.r.gen);
		assert_int_equal(check(heads[k], n, &deflim), n >= e->fast_len);
		assert_true(check(in, with_body(in, sizeof(in), heads[k],
						mrc_body), &deflim));
		memcpy(in + n, heads[k], n);
		assert_true(check(in, 2 * n, &deflim));
		/* Every length of buffer it may be handed. */
		with_body(in, sizeof(in), heads[k], mrc_body);
		for (size_t i = 0; i <= n + sizeof(mrc_body) - 1; i++)
			assert_int_equal(check(in, i, &deflim), i >= e->fast_len);
	}
}

/*
 * The 1MRC head with Content-Length values of every digit count and
 * each digit: the fast match takes exactly those with the entry's two
 * digits; the lookup answers every one of them as it answers alone.
 */
static void
test_http_head_cache_fast_content_length_digits(void **state)
{
	static const char pre[] =
		"POST /event HTTP/1.1\r\nHost: 10.88.0.2\r\n"
		"Content-Type: application/json\r\nContent-Length: ";
	char in[512], cl[32];

	SKIP_UNSUPPORTED();
	arm(heads[0], strlen(heads[0]), &deflim);
	for (size_t d = 1; d <= 20; d++) {
		for (unsigned int c = 1; c < 256; c++) {
			size_t n = 0;

			memset(cl, '4', d);
			cl[d - 1] = (char)c;
			memcpy(in, pre, sizeof(pre) - 1);
			n += sizeof(pre) - 1;
			memcpy(in + n, cl, d);
			n += d;
			memcpy(in + n, "\r\n\r\n", 4);
			n += 4;
			memcpy(in + n, mrc_body, sizeof(mrc_body) - 1);
			n += sizeof(mrc_body) - 1;
			assert_int_equal(check(in, n, &deflim),
					 d == 2 && c >= '0' && c <= '9');
		}
	}
}

/*
 * Every byte of each armed head replaced by every value, every byte
 * deleted, every value inserted before every byte: never a fast answer
 * but where the bytes are the entry's (the digits excepted), and then
 * the lookup's.
 */
static void
test_http_head_cache_fast_every_byte_flipped_inserted_deleted(void **state)
{
	char in[1024], base[512];
	unsigned long runs = 0, fast = 0;

	SKIP_UNSUPPORTED();
	for (size_t k = 0; k < ARRAY_SIZE(heads); k++) {
		size_t hn = strlen(heads[k]);
		size_t n = with_body(base, sizeof(base), heads[k], mrc_body);
		const struct http_hc_entry *e;

		arm(heads[k], hn, &deflim);
		e = &fx.c.e[fx.c.mru];
		for (size_t i = 0; i < n; i++) {
			bool digit = e->cl_digits && i >= e->cl &&
				     i < (size_t)e->cl + e->cl_digits;

			for (unsigned int v = 0; v < 256; v++) {
				bool f;

				memcpy(in, base, n);
				in[i] = (char)v;
				f = check(in, n, &deflim);
				fast += f;
				/* Past the head, or a digit for a digit. */
				if (in[i] != base[i] && i < hn)
					assert_int_equal(f, digit && v >= '0' &&
								    v <= '9');
				memcpy(in, base, i);
				in[i] = (char)v;
				memcpy(in + i + 1, base + i, n - i);
				fast += check(in, n + 1, &deflim);
				runs += 2;
			}
			memcpy(in, base, i);
			memcpy(in + i, base + i + 1, n - i - 1);
			fast += check(in, n - 1, &deflim);
			runs++;
		}
	}
	assert_true(fast > 0);
	print_message("%s%s: %lu inputs, %lu fast answers agree with the lookup\n",
		      http_parse_isa_name(fx.isa),
		      fx.wide ? " (32-byte compare)" : "", runs, fast);
}

/*
 * http_hc_fast_x() (the short form's match: the head followed by exactly
 * its body) answers as http_hc_fast_e() answering the head with the
 * Content-Length len - e->len: for entries of 1 to 6 digits, every
 * string of 1 to 4 digits (leading zeros too) and a sample of longer
 * ones, each with a body of its value, of one byte less or more, and
 * of 10, 100 and 1000 more; for an entry with no Content-Length, bodies
 * of 0 to 3 bytes.
 */
static void
test_http_head_cache_fast_exact_body_as_the_read_length(void **state)
{
	static const char pre[] =
		"POST /event HTTP/1.1\r\nHost: 10.88.0.2\r\n"
		"Content-Type: application/json\r\nContent-Length: ";
	static const long delta[] = { 0, -1, 1, 10, 100, 1000 };
	static char in[12288];
	unsigned long runs = 0, fast = 0;
	const struct http_hc_entry *e;
	const char *buf;
	uint64_t v;

	SKIP_UNSUPPORTED();
	memset(in, 'x', sizeof(in));
	for (unsigned int nd = 1; nd <= 6; nd++) {
		unsigned long top = 1, step;
		char head[256];
		int hn = snprintf(head, sizeof(head), "%s%0*u\r\n\r\n", pre,
				  (int)nd, 7u);

		for (unsigned int i = 0; i < nd; i++)
			top *= 10;
		step = nd <= 4 ? 1 : 997;
		memset(&fx.c, 0, sizeof(fx.c));
		e = arm(head, (size_t)hn, &deflim);
		assert_int_equal(e->cl_digits, nd);
		assert_int_equal(e->fast_gen, fx.r.gen);
		for (unsigned long val = 0; val < top; val += step) {
			size_t n = (size_t)snprintf(in, sizeof(in), "%s%0*lu\r\n\r\n",
						    pre, (int)nd, val);

			in[n] = 'x'; /* snprintf's NUL */
			for (size_t k = 0; k < ARRAY_SIZE(delta); k++) {
				long b = (long)val + delta[k];
				bool want;

				if (b < 0 || n + (size_t)b > sizeof(in))
					continue;
				buf = guard_page_at(in, n + (size_t)b);
				v = 0xdead;
				want = http_hc_fast_e(e, &fx.r, buf, n + (size_t)b,
						      &v) == e->len &&
				       v == n + (size_t)b - e->len;
				assert_int_equal(http_hc_fast_x(e, &fx.r, buf,
								n + (size_t)b),
						 want);
				/* the fast match needs fast_len bytes */
				assert_int_equal(want,
						 delta[k] == 0 &&
							 n + (size_t)b >= e->fast_len);
				fast += want;
				runs++;
			}
		}
	}
	/* No Content-Length: the head alone. */
	memset(&fx.c, 0, sizeof(fx.c));
	e = arm(heads[1], strlen(heads[1]), &deflim);
	for (size_t b = 0; b < 4; b++) {
		size_t n = with_body(in, sizeof(in), heads[1], "")  + b;

		memset(in + n - b, 'x', b);
		buf = guard_page_at(in, n);
		assert_int_equal(http_hc_fast_x(e, &fx.r, buf, n),
				 n >= e->fast_len && b == 0);
	}
	print_message("%s%s: %lu inputs, %lu exact bodies\n",
		      http_parse_isa_name(fx.isa),
		      fx.wide ? " (32-byte compare)" : "", runs, fast);
}

/*
 * Heads of every length a fast form takes (fast_r 48 to 192: the three
 * and six 32-byte blocks' bounds, the 16-byte groups'): each armed,
 * taken whole with its body, and with any one byte of it changed never
 * taken but where it is a digit for a digit, as the lookup answers.
 */
static void
test_http_head_cache_fast_every_form_length(void **state)
{
	char head[256], in[512];
	unsigned long forms = 0;

	SKIP_UNSUPPORTED();
	for (int pad = 0; pad < 160; pad++) {
		int hn = snprintf(head, sizeof(head),
				  "PUT /users/7 HTTP/1.1\r\nHost: h\r\nX-Pad: %.*s\r\n"
				  "Content-Length: 5\r\n\r\n",
				  pad, "abcdefghijklmnopqrstuvwxyz0123456789"
				       "abcdefghijklmnopqrstuvwxyz0123456789"
				       "abcdefghijklmnopqrstuvwxyz0123456789"
				       "abcdefghijklmnopqrstuvwxyz0123456789"
				       "abcdefghijklmnopqrstuvwxyz0123456789");
		const struct http_hc_entry *e;
		size_t n;

		memset(&fx.c, 0, sizeof(fx.c));
		e = arm(head, (size_t)hn, &deflim);
		if (!e->fast_len)
			continue; /* past HTTP_HC_FAST_MAX */
		forms++;
		/* more bytes behind: the blocks reach past the head */
		n = with_body(in, sizeof(in), head, "hello, pipelined....");
		assert_true(check(in, n, &deflim));
		for (int i = 0; i < hn; i++) {
			bool digit = i >= e->cl && i < e->cl + e->cl_digits;

			in[i] ^= 0x01;
			assert_int_equal(check(in, n, &deflim), digit);
			in[i] ^= 0x01;
		}
	}
	assert_true(forms > 100);
}

/*
 * Disarmed: by a route added (the router's generation), for another
 * router, by a head installed in the entry's place; never armed under
 * limits the entry does not meet, nor for a path no route answers.
 */
static void
test_http_head_cache_fast_disarmed_leaves_the_lookup(void **state)
{
	static struct http_router other;
	static const char nowhere[] = "GET /nowhere HTTP/1.1\r\nHost: h\r\n\r\n";
	const char *head = heads[0];
	size_t hn = strlen(head), n, rl;
	struct http_limits lim;
	struct http_hc_entry *e;
	char in[512];

	SKIP_UNSUPPORTED();
	n = with_body(in, sizeof(in), head, mrc_body);
	e = arm(head, hn, &deflim);
	assert_true(check(in, n, &deflim));
	/* Another router: its generation is another. */
	http_router_init(&other);
	assert_int_equal(http_hc_fast(&fx.c, &other, in, n, &(uint64_t){ 0 }),
			 0);
	/* A route added: not until armed again. */
	assert_true(http_router_add(&fx.r, HTTP_METHOD_BIT(HTTP_M_GET), "/x",
				    handler, NULL, "x") >= 0);
	assert_false(check(in, n, &deflim));
	assert_ptr_equal(arm(head, hn, &deflim), e);
	assert_true(check(in, n, &deflim));
	/* Limits the head does not meet with its digits. */
	rl = (size_t)(strstr(head, "\r\n") - head);
	memset(&fx.c, 0, sizeof(fx.c));
	lim = (struct http_limits){ rl - 1, HTTP_DEFAULT_MAX_HEADER_BYTES,
				    HTTP_MAX_HEADERS };
	e = arm(head, hn, &lim);
	assert_int_equal(e->fast_gen, 0);
	assert_false(check(in, n, &deflim));
	lim = (struct http_limits){ rl, HTTP_DEFAULT_MAX_HEADER_BYTES, 2 };
	http_hc_fast_arm(e, &fx.r, &lim);
	assert_int_equal(e->fast_gen, 0);
	http_hc_fast_arm(e, &fx.r, &deflim);
	assert_int_equal(e->fast_gen, fx.r.gen);
	/* A path no route answers keeps the router's "no", never armed. */
	memset(&fx.c, 0, sizeof(fx.c));
	{
		const char *buf;
		struct http_match m;
		struct http_hc_hit h;

		keep(nowhere, sizeof(nowhere) - 1);
		buf = guard_page_at(nowhere, sizeof(nowhere) - 1);
		assert_int_equal(http_head_cache_hit(&fx.c, &fx.stats, buf,
						     sizeof(nowhere) - 1,
						     &deflim, &h),
				 sizeof(nowhere) - 1);
		assert_true(http_head_cache_hit_route(&fx.c, &fx.r, &h, &m) < 0);
		http_hc_fast_arm((struct http_hc_entry *)h.e, &fx.r, &deflim);
		assert_int_equal(h.e->fast_gen, 0);
		assert_false(check(nowhere, sizeof(nowhere) - 1, &deflim));
	}
	/* Heads installed over the armed one. */
	memset(&fx.c, 0, sizeof(fx.c));
	e = arm(head, hn, &deflim);
	for (int i = 0; i < 4 * HTTP_HC_ENTRIES; i++) {
		char more[64];
		int on = snprintf(more, sizeof(more),
				  "GET /users/%d HTTP/1.1\r\nHost: h\r\n\r\n",
				  i);

		keep(more, (size_t)on);
	}
	for (size_t i = 0; i < HTTP_HC_ENTRIES; i++)
		if (fx.c.e[i].len && memcmp(fx.c.e[i].bytes, head, hn) != 0)
			assert_int_equal(fx.c.e[i].fast_gen, 0);
	assert_true(memcmp(e->bytes, head, hn) != 0);
	assert_false(check(in, n, &deflim));
}


/*
 * http_hc_fast_xb (the short form's match: the body limit folded into
 * the entry when it is armed, fast_blim, and the digits of the bodies
 * below it from one table load) answers as http_hc_fast_x with the body
 * limit tested after it: entries of 1 to 6 digits armed under body
 * limits on both sides of 10, 100, 1 000 (the table's end) and 10 000,
 * every value of up to 4 digits (a sample past them), bodies of the
 * value and around it.
 */
static void
test_http_head_cache_fast_body_limit_as_the_read_length(void **state)
{
	static const char pre[] =
		"POST /event HTTP/1.1\r\nHost: 10.88.0.2\r\n"
		"Content-Type: application/json\r\nContent-Length: ";
	static const long delta[] = { 0, -1, 1, 10 };
	static const uint32_t mbs[] = { 0,    1,    9,    10,    57,
					99,   100,  998,  999,   1000,
					1001, 4321, 9999, 10000, 1u << 30 };
	static char in[12288];
	unsigned long runs = 0, fast = 0, slow = 0;

	SKIP_UNSUPPORTED();
	/* the table: each value's four digits, "0" first */
	for (unsigned int x = 0; x < HTTP_HC_DDD; x++) {
		char d[8];

		snprintf(d, sizeof(d), "%04u", x);
		assert_memory_equal(&http_hc_ddd[x], d, 4);
	}
	memset(in, 'x', sizeof(in));
	for (unsigned int nd = 1; nd <= 6; nd++)
	for (size_t li = 0; li < ARRAY_SIZE(mbs); li++) {
		struct http_limits lim = deflim;
		const struct http_hc_entry *e;
		unsigned long top = 1, step;
		uint32_t mb = mbs[li];
		char head[256];
		int hn = snprintf(head, sizeof(head), "%s%0*u\r\n\r\n", pre,
				  (int)nd, 7u);

		for (unsigned int i = 0; i < nd; i++)
			top *= 10;
		step = nd <= 3 ? 1 : nd == 4 ? 7 : 997;
		lim.body_lim = (uint64_t)mb + 1;
		memset(&fx.c, 0, sizeof(fx.c));
		e = arm(head, (size_t)hn, &lim);
		assert_int_equal(e->fast_gen, fx.r.gen);
		assert_true(e->fast_blim <= e->cl_lim &&
			    e->fast_blim <= HTTP_HC_DDD &&
			    e->fast_blim <= (uint64_t)mb + 1);
		for (unsigned long val = 0; val < top; val += step) {
			size_t n = (size_t)snprintf(in, sizeof(in),
						    "%s%0*lu\r\n\r\n", pre,
						    (int)nd, val);

			in[n] = 'x'; /* snprintf's NUL */
			for (size_t k = 0; k < ARRAY_SIZE(delta); k++) {
				long b = (long)val + delta[k];
				const char *buf;
				size_t len;
				bool want, got;

				if (b < 0 || n + (size_t)b > sizeof(in))
					continue;
				len = n + (size_t)b;
				buf = guard_page_at(in, len);
				want = http_hc_fast_x(e, &fx.r, buf, len) &&
				       len - e->len <= mb;
				got = http_hc_fast_xb(e, &fx.r, buf, len, &mb);
				assert_int_equal(got, want);
				fast += got && len - e->len < e->fast_blim;
				slow += got && len - e->len >= e->fast_blim;
				runs++;
			}
		}
	}
	assert_true(fast > 0 && slow > 0);
	print_message("%s%s: %lu inputs, %lu taken by the table, %lu past it\n",
		      http_parse_isa_name(fx.isa),
		      fx.wide ? " (32-byte compare)" : "", runs, fast, slow);
}

#define ALL_ISAS(fn)                                                           \
	cmocka_unit_test_prestate_setup_teardown(                              \
		fn, setup, NULL, (void *)(uintptr_t)HTTP_ISA_SCALAR),          \
		cmocka_unit_test_prestate_setup_teardown(                      \
			fn, setup, NULL, (void *)(uintptr_t)HTTP_ISA_SSE42),   \
		cmocka_unit_test_prestate_setup_teardown(                      \
			fn, setup, NULL, (void *)(uintptr_t)HTTP_ISA_AVX2)

/* The same tests with the 32-byte compare (the AVX2 lcores' fast match,
 * hl->fast_wide, arm()): the fast answers are the lookup's. */
#define WIDE(fn)                                                               \
	cmocka_unit_test_prestate_setup_teardown(                              \
		fn, setup_wide, NULL, (void *)(uintptr_t)HTTP_ISA_AVX2)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		ALL_ISAS(test_http_head_cache_fast_armed_heads_match_as_the_lookup),
		ALL_ISAS(test_http_head_cache_fast_content_length_digits),
		ALL_ISAS(test_http_head_cache_fast_every_byte_flipped_inserted_deleted),
		ALL_ISAS(test_http_head_cache_fast_disarmed_leaves_the_lookup),
		ALL_ISAS(test_http_head_cache_fast_exact_body_as_the_read_length),
		ALL_ISAS(test_http_head_cache_fast_every_form_length),
		ALL_ISAS(test_http_head_cache_fast_body_limit_as_the_read_length),
		WIDE(test_http_head_cache_fast_armed_heads_match_as_the_lookup),
		WIDE(test_http_head_cache_fast_content_length_digits),
		WIDE(test_http_head_cache_fast_every_byte_flipped_inserted_deleted),
		WIDE(test_http_head_cache_fast_disarmed_leaves_the_lookup),
		WIDE(test_http_head_cache_fast_exact_body_as_the_read_length),
		WIDE(test_http_head_cache_fast_every_form_length),
		WIDE(test_http_head_cache_fast_body_limit_as_the_read_length),
	};

	return cmocka_run_group_tests(tests, guard_page_setup,
				      guard_page_teardown);
}
