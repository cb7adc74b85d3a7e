/* SPDX-License-Identifier: BSD-3-Clause */
/* test_http_parser_isa.c: the vector scans answer as the table loop, for every
 * byte value at every offset. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "guard_page.h"
#include "http/parser.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/*
 * Heads whose runs of one class (method, target, name, value) end on
 * both sides of the 16- and 32-byte windows the vector scans read, and
 * short enough that the last window is read from the end of the input.
 */
static const char *const bases[] = {
	"GET / HTTP/1.1\r\nHost: h\r\n\r\n",
	"POST /event HTTP/1.1\r\nHost: 10.88.0.2\r\n"
	"Content-Type: application/json\r\nContent-Length: 2\r\n\r\n{}",
	"PATCH /a/rather/long/path/that/passes/one/window?q=1&r=2 HTTP/1.0\r\n"
	"X-A-Header-Name-Longer-Than-Thirty-Two: a value that is itself "
	"longer than thirty-two bytes, with\ttab\r\nhost:  [::1]:80 \r\n\r\n",
	"\r\nOPTIONS * HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
	"Connection: keep-alive, close\r\n\r\n",
};

/* Limits that fall inside the heads above, so 414 and 431 are reached
 * at window boundaries too. */
static const struct http_limits limits[] = {
	{HTTP_DEFAULT_MAX_REQUEST_LINE, HTTP_DEFAULT_MAX_HEADER_BYTES,
	 HTTP_MAX_HEADERS},
	{17, 40, 2},
	{33, 64, 3},
};

struct answer {
	int rc, status;
	struct http_request req;
};

static void
parse_with(enum http_parse_isa isa, const char *buf, size_t len,
	   const struct http_limits *lim, struct answer *a)
{
	assert_int_equal(http_parse_isa_set(isa), 0);
	memset(a, 0, sizeof(*a));
	a->rc = http_parse_request(buf, len, lim, &a->req, &a->status);
}

static intptr_t
off(const char *p, const char *buf)
{
	return p ? p - buf : -1;
}

/* Same answer; when complete, the same fields at the same offsets. */
static void
assert_same(const struct answer *a, const struct answer *b, const char *buf)
{
	const struct http_request *x = &a->req, *y = &b->req;

	assert_int_equal(a->rc, b->rc);
	if (a->rc == HTTP_PARSE_ERROR)
		assert_int_equal(a->status, b->status);
	if (a->rc < 0)
		return;
	assert_int_equal(x->method, y->method);
	assert_int_equal(off(x->method_str, buf), off(y->method_str, buf));
	assert_int_equal(x->method_len, y->method_len);
	assert_int_equal(off(x->target, buf), off(y->target, buf));
	assert_int_equal(x->target_len, y->target_len);
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
 * Each base head with each of its bytes replaced by each of the 256
 * values, whole and cut right after the replaced byte, under each limit:
 * the vector variant (the test's state) answers as the table loop.
 */
static void
test_http_isa_every_byte_everywhere_matches_scalar(void **state)
{
	enum http_parse_isa isa = (enum http_parse_isa)(uintptr_t)*state;
	static char in[512];
	static struct answer a, b;
	unsigned long runs = 0;

	if (!http_parse_isa_supported(isa))
		skip();
	for (size_t k = 0; k < ARRAY_SIZE(bases); k++) {
		size_t n = strlen(bases[k]);

		assert_true(n <= sizeof(in));
		for (size_t i = 0; i < n; i++) {
			for (unsigned int v = 0; v < 256; v++) {
				for (size_t l = 0; l < ARRAY_SIZE(limits);
				     l++) {
					size_t cut[2] = {n, i + 1};

					for (int c = 0; c < 2; c++) {
						const char *buf;

						memcpy(in, bases[k], n);
						in[i] = (char)v;
						buf = guard_page_at(in, cut[c]);
						parse_with(HTTP_ISA_SCALAR, buf,
							   cut[c], &limits[l],
							   &a);
						parse_with(isa, buf, cut[c],
							   &limits[l], &b);
						assert_same(&a, &b, buf);
						runs++;
					}
				}
			}
		}
	}
	/* The unchanged canonical head still parses whole. */
	{
		const char *buf = guard_page_at(bases[1], strlen(bases[1]));

		parse_with(isa, buf, strlen(bases[1]), NULL, &b);
		assert_int_equal(b.rc, (int)strlen(bases[1]) - 2);
		assert_int_equal(b.req.num_headers, 3);
		assert_int_equal(b.req.content_length, 2);
	}
	print_message("%s: %lu inputs agree with the table loop\n",
		      http_parse_isa_name(isa), runs);
}

/*
 * Heads at the edges of the whole-head sweep (parser_head.h), which
 * classifies a fresh head 64 bytes a word and walks its lines by bit
 * scanning: shorter than a word (classified from a copy), exactly one
 * and two words long (the word after the input), a request line that
 * ends on the first word's last byte and one that does not fit in it,
 * lines and OWS across word boundaries, an origin-form query, an
 * absolute-form target, a second head behind the first, lines across
 * the halves and words that are read shifted.
 */
static const char *const sweep_bases[] = {
	"GET /users/123?x=1 HTTP/1.1\r\nHost: a\r\n\r\n",
	"GET http://h/p?q HTTP/1.0\r\nHost: h\r\nConnection: keep-alive\r\n\r\n",
	"POST /e HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nX: vvvvvvvvvvv\r\n"
	"\r\n",
	"GET /pppppppppppppppppppppppppppppppppppppppppppppppp HTTP/1.1\r\n"
	"Host: h\r\n\r\n",
	"GET /ppppppppppppppppppppppppppppppppppppppppppppppppp HTTP/1.1\r\n"
	"Host: h\r\n\r\n",
	"GET /a HTTP/1.1\r\nHost: h\r\nX-Long-Name: \t value spanning the "
	"sixty-four \t\r\nY: zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz"
	"\r\n\r\n",
	"GET / HTTP/1.1\r\nHost: h\r\n\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\n",
	/* The last field line across the middle of a short head's only
	 * word, and across the start of the last word of a longer one,
	 * where the masks are read from the end of the input and shifted. */
	"GET / HTTP/1.1\r\nHost: 0123456789abcdefghij\r\n\r\n",
	"GET /a HTTP/1.1\r\nHost: h\r\nX-Pad: 0123456789012345\r\n"
	"X-Last: abcdefghijklmnopqrstuvwxyz\r\n\r\n",
};

/* Limits on both sides of where the sweep's own checks fall, one at a
 * time so that none hides another: the first base's request line ends
 * its version at byte 27, its Host line's CRLF at header byte 9, and it
 * has one field. */
#define D_RL HTTP_DEFAULT_MAX_REQUEST_LINE
#define D_HB HTTP_DEFAULT_MAX_HEADER_BYTES
static const struct http_limits sweep_limits[] = {
	{D_RL, D_HB, HTTP_MAX_HEADERS},
	{27, D_HB, HTTP_MAX_HEADERS},
	{26, D_HB, HTTP_MAX_HEADERS},
	{D_RL, 9, HTTP_MAX_HEADERS},
	{D_RL, 8, HTTP_MAX_HEADERS},
	{D_RL, D_HB, 1},
	{D_RL, D_HB, 0},
};
#undef D_RL
#undef D_HB

/*
 * Each sweep base with each byte replaced by each value, whole and cut
 * after the replaced byte, under each limit: the vector variant answers
 * as the table loop (which has no sweep).
 */
static void
test_http_isa_head_sweep_edges_match_scalar(void **state)
{
	enum http_parse_isa isa = (enum http_parse_isa)(uintptr_t)*state;
	static char in[512];
	static struct answer a, b;
	unsigned long runs = 0;

	if (!http_parse_isa_supported(isa))
		skip();
	assert_int_equal(strlen(sweep_bases[2]), 64);
	assert_int_equal(strlen(sweep_bases[5]), 128);
	for (size_t k = 0; k < ARRAY_SIZE(sweep_bases); k++) {
		size_t n = strlen(sweep_bases[k]);

		assert_true(n <= sizeof(in));
		for (size_t i = 0; i < n; i++) {
			for (unsigned int v = 0; v < 256; v++) {
				for (size_t l = 0; l < ARRAY_SIZE(sweep_limits);
				     l++) {
					size_t cut[2] = {n, i + 1};

					for (int c = 0; c < 2; c++) {
						const char *buf;

						memcpy(in, sweep_bases[k], n);
						in[i] = (char)v;
						buf = guard_page_at(in, cut[c]);
						parse_with(HTTP_ISA_SCALAR, buf,
							   cut[c],
							   &sweep_limits[l],
							   &a);
						parse_with(isa, buf, cut[c],
							   &sweep_limits[l],
							   &b);
						assert_same(&a, &b, buf);
						runs++;
					}
				}
			}
		}
	}
	print_message("%s: %lu sweep-edge inputs agree with the table loop\n",
		      http_parse_isa_name(isa), runs);
}

/* Forcing a variant the CPU lacks is refused and changes nothing. */
static void
test_http_isa_set_refuses_unknown_and_keeps_current(void **state)
{
	enum http_parse_isa cur = http_parse_isa_get();

	assert_int_equal(http_parse_isa_set(HTTP_ISA_COUNT), -ENOTSUP);
	assert_int_equal(http_parse_isa_get(), cur);
	assert_true(http_parse_isa_supported(HTTP_ISA_SCALAR));
	assert_string_equal(http_parse_isa_name(HTTP_ISA_SCALAR), "scalar");
	assert_string_equal(http_parse_isa_name(HTTP_ISA_COUNT), "?");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_prestate(
			test_http_isa_every_byte_everywhere_matches_scalar,
			(void *)(uintptr_t)HTTP_ISA_SSE42),
		cmocka_unit_test_prestate(
			test_http_isa_every_byte_everywhere_matches_scalar,
			(void *)(uintptr_t)HTTP_ISA_AVX2),
		cmocka_unit_test_prestate(
			test_http_isa_head_sweep_edges_match_scalar,
			(void *)(uintptr_t)HTTP_ISA_SSE42),
		cmocka_unit_test_prestate(
			test_http_isa_head_sweep_edges_match_scalar,
			(void *)(uintptr_t)HTTP_ISA_AVX2),
		cmocka_unit_test(
			test_http_isa_set_refuses_unknown_and_keeps_current),
	};

	return cmocka_run_group_tests(tests, guard_page_setup,
				      guard_page_teardown);
}
