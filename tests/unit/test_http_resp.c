/* SPDX-License-Identifier: BSD-3-Clause */
/* test_http_resp.c: response heads byte for byte and the cached Date line. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "http/resp.h"
#include "net/cksum.h"

/* RFC 9110 §5.6.7's example instant. */
#define RESP_T0 784111777u
#define RESP_DATE0 "Date: Sun, 06 Nov 1994 08:49:37 GMT\r\n"

static void
resp_is(const char *buf, size_t n, const char *want)
{
	assert_int_equal(n, strlen(want));
	assert_memory_equal(buf, want, n);
}

static void
test_http_resp_date_is_imf_fixdate_line(void **state)
{
	struct http_date d = {0};

	http_date_update(&d, RESP_T0);
	assert_int_equal(d.len, strlen(RESP_DATE0));
	assert_memory_equal(d.line, RESP_DATE0, d.len);
	http_date_update(&d, 0);
	assert_int_equal(d.len, 37);
	assert_memory_equal(d.line, "Date: Thu, 01 Jan 1970 00:00:00 GMT\r\n", d.len);
	http_date_update(&d, 951782400); /* leap day */
	assert_memory_equal(d.line, "Date: Tue, 29 Feb 2000 00:00:00 GMT\r\n", d.len);
}

/* Formatted once a second: the same second leaves the line alone. */
static void
test_http_resp_date_cache_refreshes_only_when_second_changes(void **state)
{
	struct http_date d = {0};

	http_date_update(&d, RESP_T0);
	d.line[6] = 'X';
	http_date_update(&d, RESP_T0);
	assert_int_equal(d.line[6], 'X');
	http_date_update(&d, RESP_T0 + 1);
	assert_memory_equal(d.line, "Date: Sun, 06 Nov 1994 08:49:38 GMT\r\n", d.len);
	assert_int_equal(d.sec, RESP_T0 + 1);
}

static void
test_http_resp_head_200_with_type_and_length(void **state)
{
	struct http_date d = {0};
	char buf[512];
	size_t n;

	http_date_update(&d, RESP_T0);
	n = http_resp_head(buf, sizeof(buf), 200, &d, "application/json", 27, 0,
			   NULL);
	resp_is(buf, n, "HTTP/1.1 200 OK\r\n" RESP_DATE0
		"Content-Type: application/json\r\nContent-Length: 27\r\n\r\n");
}

static void
test_http_resp_head_without_type_or_date_has_length_zero(void **state)
{
	char buf[512];
	size_t n = http_resp_head(buf, sizeof(buf), 204, NULL, NULL, 0, 0, NULL);

	resp_is(buf, n, "HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n");
}

static void
test_http_resp_head_connection_flags_and_version(void **state)
{
	struct http_date d = {0};
	char buf[512];
	size_t n;

	http_date_update(&d, RESP_T0);
	n = http_resp_head(buf, sizeof(buf), 404, &d, "text/plain", 9,
			   HTTP_RESP_CLOSE, NULL);
	resp_is(buf, n, "HTTP/1.1 404 Not Found\r\n" RESP_DATE0
		"Content-Type: text/plain\r\nContent-Length: 9\r\n"
		"Connection: close\r\n\r\n");
	n = http_resp_head(buf, sizeof(buf), 200, &d, NULL, 5,
			   HTTP_RESP_HTTP10 | HTTP_RESP_KEEPALIVE, NULL);
	resp_is(buf, n, "HTTP/1.0 200 OK\r\n" RESP_DATE0
		"Content-Length: 5\r\nConnection: keep-alive\r\n\r\n");
	/* close wins over keep-alive */
	n = http_resp_head(buf, sizeof(buf), 200, NULL, NULL, 5,
			   HTTP_RESP_HTTP10 | HTTP_RESP_KEEPALIVE | HTTP_RESP_CLOSE,
			   NULL);
	resp_is(buf, n, "HTTP/1.0 200 OK\r\nContent-Length: 5\r\n"
		"Connection: close\r\n\r\n");
}

static void
test_http_resp_head_extra_lines_go_last(void **state)
{
	char buf[512];
	size_t n = http_resp_head(buf, sizeof(buf), 405, NULL, "application/json",
				  12, 0, "Allow: GET, HEAD\r\n");

	resp_is(buf, n, "HTTP/1.1 405 Method Not Allowed\r\n"
		"Content-Type: application/json\r\nContent-Length: 12\r\n"
		"Allow: GET, HEAD\r\n\r\n");
}

static void
test_http_resp_head_content_length_full_range(void **state)
{
	char buf[512];
	size_t n;

	n = http_resp_head(buf, sizeof(buf), 200, NULL, NULL, UINT64_MAX, 0, NULL);
	resp_is(buf, n, "HTTP/1.1 200 OK\r\n"
		"Content-Length: 18446744073709551615\r\n\r\n");
	n = http_resp_head(buf, sizeof(buf), 200, NULL, NULL, 7038973, 0, NULL);
	resp_is(buf, n, "HTTP/1.1 200 OK\r\nContent-Length: 7038973\r\n\r\n");
}

static void
test_http_resp_head_unknown_status_says_unknown(void **state)
{
	char buf[512];
	size_t n = http_resp_head(buf, sizeof(buf), 299, NULL, NULL, 0, 0, NULL);

	resp_is(buf, n, "HTTP/1.1 299 Unknown\r\nContent-Length: 0\r\n\r\n");
	assert_string_equal(http_reason(413), "Content Too Large");
	assert_string_equal(http_reason(431), "Request Header Fields Too Large");
	assert_string_equal(http_reason(100), "Continue");
	assert_string_equal(http_reason(999), "Unknown");
}

/* Every buffer one byte short fails whole (0), never a cut head. */
static void
test_http_resp_head_too_small_buffer_returns_zero(void **state)
{
	struct http_date d = {0};
	char full[512], buf[512];
	size_t need;

	http_date_update(&d, RESP_T0);
	need = http_resp_head(full, sizeof(full), 405, &d, "application/json",
			      1234, HTTP_RESP_CLOSE, "Allow: GET\r\n");
	assert_true(need > 64);
	for (size_t cap = 0; cap < need; cap++)
		assert_int_equal(http_resp_head(buf, cap, 405, &d,
						"application/json", 1234,
						HTTP_RESP_CLOSE, "Allow: GET\r\n"),
				 0);
	assert_int_equal(http_resp_head(buf, need, 405, &d, "application/json",
					1234, HTTP_RESP_CLOSE, "Allow: GET\r\n"),
			 need);
	assert_memory_equal(buf, full, need);
}

/* A template holds exactly what http_resp_head writes, with its sum;
 * it is reused for the same kind and second, rebuilt for a new Date. */
static void
test_http_resp_tpl_matches_head_and_sum_and_follows_date(void **state)
{
	static struct http_resp_tpl cache[HTTP_RESP_TPLS];
	const struct http_resp_tpl *t, *t2;
	struct http_date d = {0};
	char buf[512];
	size_t n;

	http_date_update(&d, RESP_T0);
	t = http_resp_tpl(cache, &d, 201, "application/json", 2, 0);
	assert_non_null(t);
	n = http_resp_head(buf, sizeof(buf), 201, &d, "application/json", 2,
			   0, NULL);
	assert_int_equal(t->len, n);
	assert_memory_equal(t->head, buf, n);
	assert_int_equal(t->sum, cksum_fold(cksum_add(buf, n, 0)));
	t2 = http_resp_tpl(cache, &d, 201, "application/json", 2, 0);
	assert_ptr_equal(t, t2);
	/* Other kinds: their own heads (the version and close flags too). */
	t2 = http_resp_tpl(cache, &d, 200, NULL, 0,
			   HTTP_RESP_HTTP10 | HTTP_RESP_CLOSE);
	n = http_resp_head(buf, sizeof(buf), 200, &d, NULL, 0,
			   HTTP_RESP_HTTP10 | HTTP_RESP_CLOSE, NULL);
	assert_int_equal(t2->len, n);
	assert_memory_equal(t2->head, buf, n);
	/* The next second: the same kind carries the new Date. */
	http_date_update(&d, RESP_T0 + 1);
	t = http_resp_tpl(cache, &d, 201, "application/json", 2, 0);
	n = http_resp_head(buf, sizeof(buf), 201, &d, "application/json", 2,
			   0, NULL);
	assert_int_equal(t->len, n);
	assert_memory_equal(t->head, buf, n);
	assert_non_null(strstr(t->head, "08:49:38 GMT"));
	assert_int_equal(t->sum, cksum_fold(cksum_add(buf, n, 0)));
}

/* A head longer than a template holds: NULL (http_resp_head builds it). */
static void
test_http_resp_tpl_too_long_head_is_not_cached(void **state)
{
	static struct http_resp_tpl cache[HTTP_RESP_TPLS];
	static char ctype[HTTP_RESP_TPL_MAX];
	struct http_date d = {0};

	memset(ctype, 'x', sizeof(ctype) - 1);
	http_date_update(&d, RESP_T0);
	assert_null(http_resp_tpl(cache, &d, 200, ctype, 1, 0));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_http_resp_date_is_imf_fixdate_line),
		cmocka_unit_test(test_http_resp_date_cache_refreshes_only_when_second_changes),
		cmocka_unit_test(test_http_resp_head_200_with_type_and_length),
		cmocka_unit_test(test_http_resp_head_without_type_or_date_has_length_zero),
		cmocka_unit_test(test_http_resp_head_connection_flags_and_version),
		cmocka_unit_test(test_http_resp_head_extra_lines_go_last),
		cmocka_unit_test(test_http_resp_head_content_length_full_range),
		cmocka_unit_test(test_http_resp_head_unknown_status_says_unknown),
		cmocka_unit_test(test_http_resp_head_too_small_buffer_returns_zero),
		cmocka_unit_test(test_http_resp_tpl_matches_head_and_sum_and_follows_date),
		cmocka_unit_test(test_http_resp_tpl_too_long_head_is_not_cached),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
