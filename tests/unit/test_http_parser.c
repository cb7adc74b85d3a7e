/* SPDX-License-Identifier: BSD-3-Clause */
/* test_http_parser.c: head parser and chunked decoder, hostile inputs at a
 * guard page. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "guard_page.h"
#include "http/parser.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/*
 * Inputs are copied to end exactly where a PROT_NONE page starts
 * (guard_page.h), so a read one byte past the input faults.
 */

/* ---- request heads ---------------------------------------------------- */

#define WHOLE 0 /* expected rc: the whole input is the head */
#define S(x) .in = (x), .len = sizeof(x) - 1

struct parse_case {
	const char *name;
	const char *in;
	size_t len;
	const struct http_limits *lim; /* NULL: defaults */
	int rc;	      /* head length, WHOLE, or HTTP_PARSE_ERROR/INCOMPLETE */
	int status;   /* with HTTP_PARSE_ERROR */
	size_t early; /* when set: the prefix of this many bytes fails too */
	/* expectations on success */
	enum http_method method;
	const char *path;
	const char *query; /* NULL: none */
	int minor;
	bool has_cl;
	int64_t cl;
	bool chunked, ka, expect, host;
	unsigned int nh;   /* headers, when not 0 */
	const char *hname; /* this header has value hval */
	const char *hval;
};

static const struct http_limits tight = {
	.max_request_line = 24,
	.max_header_bytes = 40,
	.max_headers = 3,
};

#define H "Host: a\r\n"
#define GET11(t) "GET " t " HTTP/1.1\r\n"
#define BAD(n, s, st)                                                          \
	{                                                                      \
		.name = n, S(s), .rc = HTTP_PARSE_ERROR, .status = st          \
	}
#define PIPE_A "GET /a HTTP/1.1\r\n" H "\r\n"
#define PIPE_B "GET /b HTTP/1.1\r\n" H "\r\n"
#define BODY_A "POST /event HTTP/1.1\r\n" H "Content-Length: 5\r\n\r\n"

/* Generated in main: lines and sections at and just past the limits. */
static char long_line_ok[HTTP_DEFAULT_MAX_REQUEST_LINE + 32];
static char long_line_over[HTTP_DEFAULT_MAX_REQUEST_LINE + 2];
static char headers_64[HTTP_MAX_HEADERS * 16 + 64];
static char headers_65[HTTP_MAX_HEADERS * 16 + 64];
static char header_bytes_ok[HTTP_DEFAULT_MAX_HEADER_BYTES + 64];
static char header_bytes_over[HTTP_DEFAULT_MAX_HEADER_BYTES + 64];

/* clang-format off */
static struct parse_case parse_cases[] = {
	/* valid heads */
	{ .name = "get_minimal_http11", S(GET11("/") H "\r\n"),
	  .method = HTTP_M_GET, .path = "/", .minor = 1, .ka = true,
	  .host = true, .nh = 1, .hname = "HOST", .hval = "a" },
	{ .name = "http10_without_host_ok", S("GET /x HTTP/1.0\r\n\r\n"),
	  .method = HTTP_M_GET, .path = "/x", .minor = 0 },
	{ .name = "http10_keep_alive_token_keeps_alive",
	  S("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n"),
	  .method = HTTP_M_GET, .path = "/", .ka = true, .nh = 1 },
	{ .name = "http10_keep_alive_in_token_list",
	  S("GET / HTTP/1.0\r\nConnection: foo, , keep-alive\r\n\r\n"),
	  .method = HTTP_M_GET, .path = "/", .ka = true },
	{ .name = "http11_connection_close",
	  S(GET11("/") H "Connection: close\r\n\r\n"),
	  .method = HTTP_M_GET, .path = "/", .minor = 1, .host = true },
	{ .name = "close_wins_over_keep_alive_any_case",
	  S(GET11("/") H "Connection: keep-alive, CLOSE\r\n\r\n"),
	  .method = HTTP_M_GET, .path = "/", .minor = 1, .host = true },
	{ .name = "close_in_second_connection_field",
	  S(GET11("/") H "Connection: upgrade\r\nConnection: close \r\n\r\n"),
	  .method = HTTP_M_GET, .path = "/", .minor = 1, .host = true },
	{ .name = "closed_is_not_close",
	  S(GET11("/") H "Connection: closed\r\n\r\n"),
	  .method = HTTP_M_GET, .path = "/", .minor = 1, .ka = true,
	  .host = true },
	{ .name = "post_with_content_length",
	  S("POST /event HTTP/1.1\r\n" H "Content-Length: 42\r\n\r\n"),
	  .method = HTTP_M_POST, .path = "/event", .minor = 1, .has_cl = true,
	  .cl = 42, .ka = true, .host = true, .nh = 2 },
	{ .name = "content_length_zero",
	  S("POST /reset HTTP/1.1\r\n" H "content-length: 0\r\n\r\n"),
	  .method = HTTP_M_POST, .path = "/reset", .minor = 1,
	  .has_cl = true, .cl = 0, .ka = true, .host = true },
	{ .name = "content_length_leading_zeros_ok",
	  S("PUT /u/1 HTTP/1.1\r\n" H "Content-Length: 007\r\n\r\n"),
	  .method = HTTP_M_PUT, .path = "/u/1", .minor = 1, .has_cl = true,
	  .cl = 7, .ka = true, .host = true },
	{ .name = "content_length_int64_max_ok",
	  S("POST / HTTP/1.1\r\n" H
	    "Content-Length: 9223372036854775807\r\n\r\n"),
	  .method = HTTP_M_POST, .path = "/", .minor = 1, .has_cl = true,
	  .cl = INT64_MAX, .ka = true, .host = true },
	{ .name = "te_chunked", S("POST /u HTTP/1.1\r\n" H
				  "Transfer-Encoding: chunked\r\n\r\n"),
	  .method = HTTP_M_POST, .path = "/u", .minor = 1, .chunked = true,
	  .ka = true, .host = true },
	{ .name = "te_chunked_any_case_with_empty_elements",
	  S("POST /u HTTP/1.1\r\n" H "transfer-encoding: , ChUnKeD ,\r\n\r\n"),
	  .method = HTTP_M_POST, .path = "/u", .minor = 1, .chunked = true,
	  .ka = true, .host = true },
	{ .name = "query_split_at_first_question_mark",
	  S(GET11("/search?q=abc&limit=3?x") H "\r\n"),
	  .method = HTTP_M_GET, .path = "/search", .query = "q=abc&limit=3?x",
	  .minor = 1, .ka = true, .host = true },
	{ .name = "empty_query_is_empty_not_null", S(GET11("/a?") H "\r\n"),
	  .method = HTTP_M_GET, .path = "/a", .query = "", .minor = 1,
	  .ka = true, .host = true },
	{ .name = "absolute_form_path_and_query",
	  S(GET11("http://example.com:8080/users/1?x=2") H "\r\n"),
	  .method = HTTP_M_GET, .path = "/users/1", .query = "x=2", .minor = 1,
	  .ka = true, .host = true },
	{ .name = "absolute_form_without_path_is_root",
	  S(GET11("HTTPS://example.com") H "\r\n"),
	  .method = HTTP_M_GET, .path = "/", .minor = 1, .ka = true,
	  .host = true },
	{ .name = "absolute_form_query_without_path",
	  S(GET11("http://h?q=1") H "\r\n"),
	  .method = HTTP_M_GET, .path = "/", .query = "q=1", .minor = 1,
	  .ka = true, .host = true },
	{ .name = "asterisk_form_options_ok", S("OPTIONS * HTTP/1.1\r\n" H "\r\n"),
	  .method = HTTP_M_OPTIONS, .path = "*", .minor = 1, .ka = true,
	  .host = true },
	{ .name = "unknown_method_token_is_ok_unknown",
	  S("BREW /pot HTTP/1.1\r\n" H "\r\n"),
	  .method = HTTP_M_UNKNOWN, .path = "/pot", .minor = 1, .ka = true,
	  .host = true },
	{ .name = "methods_are_case_sensitive", S("get / HTTP/1.1\r\n" H "\r\n"),
	  .method = HTTP_M_UNKNOWN, .path = "/", .minor = 1, .ka = true,
	  .host = true },
	{ .name = "head_delete_patch_methods",
	  S("PATCH /u/2 HTTP/1.1\r\n" H "\r\n"),
	  .method = HTTP_M_PATCH, .path = "/u/2", .minor = 1, .ka = true,
	  .host = true },
	{ .name = "ows_trimmed_from_values",
	  S(GET11("/") "Host: \t a \t \r\nX-A:  b c  \r\n\r\n"),
	  .method = HTTP_M_GET, .path = "/", .minor = 1, .ka = true,
	  .host = true, .nh = 2, .hname = "x-a", .hval = "b c" },
	{ .name = "empty_value_ok", S(GET11("/") H "X-Empty:\r\n\r\n"),
	  .method = HTTP_M_GET, .path = "/", .minor = 1, .ka = true,
	  .host = true, .hname = "X-Empty", .hval = "" },
	{ .name = "empty_host_ok", S(GET11("/") "Host:\r\n\r\n"),
	  .method = HTTP_M_GET, .path = "/", .minor = 1, .ka = true,
	  .host = true },
	{ .name = "host_ipv6_with_port_ok", S(GET11("/") "Host: [::1]:8080\r\n\r\n"),
	  .method = HTTP_M_GET, .path = "/", .minor = 1, .ka = true,
	  .host = true },
	{ .name = "htab_and_obs_text_in_value_ok",
	  S(GET11("/") H "X-V: a\tcaf\xc3\xa9\r\n\r\n"),
	  .method = HTTP_M_GET, .path = "/", .minor = 1, .ka = true,
	  .host = true, .hname = "x-v", .hval = "a\tcaf\xc3\xa9" },
	{ .name = "expect_100_continue",
	  S("POST /e HTTP/1.1\r\n" H "Expect: 100-Continue\r\n"
	    "Content-Length: 3\r\n\r\n"),
	  .method = HTTP_M_POST, .path = "/e", .minor = 1, .has_cl = true,
	  .cl = 3, .ka = true, .expect = true, .host = true },
	{ .name = "expect_100_continue_ignored_on_http10",
	  S("POST /e HTTP/1.0\r\nExpect: 100-continue\r\n"
	    "Content-Length: 3\r\n\r\n"),
	  .method = HTTP_M_POST, .path = "/e", .has_cl = true, .cl = 3 },
	{ .name = "two_leading_crlf_skipped", S("\r\n\r\n" GET11("/") H "\r\n"),
	  .method = HTTP_M_GET, .path = "/", .minor = 1, .ka = true,
	  .host = true },
	{ .name = "pipelined_two_requests", S(PIPE_A PIPE_B),
	  .rc = sizeof(PIPE_A) - 1, .method = HTTP_M_GET, .path = "/a",
	  .minor = 1, .ka = true, .host = true },
	{ .name = "pipelined_after_body", S(BODY_A "hello" PIPE_B),
	  .rc = sizeof(BODY_A) - 1, .method = HTTP_M_POST, .path = "/event",
	  .minor = 1, .has_cl = true, .cl = 5, .ka = true, .host = true },
	{ .name = "request_line_at_limit_ok", .lim = &tight,
	  S("GET /0123456789 HTTP/1.1\r\n" H "\r\n"),
	  .method = HTTP_M_GET, .path = "/0123456789", .minor = 1, .ka = true,
	  .host = true },
	{ .name = "header_bytes_at_limit_ok", .lim = &tight,
	  S(GET11("/") "Host: a\r\nX-1: 012345678901234567890123\r\n\r\n"),
	  .method = HTTP_M_GET, .path = "/", .minor = 1, .ka = true,
	  .host = true, .nh = 2 },
	{ .name = "max_headers_exactly_ok", .lim = &tight,
	  S(GET11("/") H "A: 1\r\nB: 2\r\n\r\n"),
	  .method = HTTP_M_GET, .path = "/", .minor = 1, .ka = true,
	  .host = true, .nh = 3 },
	{ .name = "default_request_line_at_8192_ok", .in = long_line_ok,
	  .method = HTTP_M_GET, .minor = 1, .ka = true, .host = true },
	{ .name = "default_64_headers_ok", .in = headers_64,
	  .method = HTTP_M_GET, .path = "/", .minor = 1, .ka = true,
	  .host = true, .nh = 64 },
	{ .name = "default_header_bytes_at_16384_ok", .in = header_bytes_ok,
	  .method = HTTP_M_GET, .path = "/", .minor = 1, .ka = true,
	  .host = true },

	/* framing and smuggling (§6) */
	BAD("cl_and_te_is_400", "POST / HTTP/1.1\r\n" H "Content-Length: 5\r\n"
	    "Transfer-Encoding: chunked\r\n\r\n", 400),
	BAD("te_and_cl_is_400", "POST / HTTP/1.1\r\n" H "Transfer-Encoding: "
	    "chunked\r\nContent-Length: 5\r\n\r\n", 400),
	BAD("duplicate_cl_is_400", "POST / HTTP/1.1\r\n" H "Content-Length: 5\r\n"
	    "Content-Length: 5\r\n\r\n", 400),
	BAD("cl_list_is_400", "POST / HTTP/1.1\r\n" H "Content-Length: 5, 5\r\n\r\n",
	    400),
	BAD("cl_negative_is_400", "POST / HTTP/1.1\r\n" H "Content-Length: -1\r\n\r\n",
	    400),
	BAD("cl_plus_sign_is_400", "POST / HTTP/1.1\r\n" H
	    "Content-Length: +5\r\n\r\n", 400),
	BAD("cl_empty_is_400", "POST / HTTP/1.1\r\n" H "Content-Length:\r\n\r\n",
	    400),
	BAD("cl_hex_is_400", "POST / HTTP/1.1\r\n" H "Content-Length: 0x10\r\n\r\n",
	    400),
	BAD("cl_inner_space_is_400", "POST / HTTP/1.1\r\n" H
	    "Content-Length: 1 0\r\n\r\n", 400),
	BAD("cl_overflow_is_400", "POST / HTTP/1.1\r\n" H
	    "Content-Length: 9223372036854775808\r\n\r\n", 400),
	BAD("cl_huge_overflow_is_400", "POST / HTTP/1.1\r\n" H
	    "Content-Length: 99999999999999999999999999\r\n\r\n", 400),
	BAD("te_gzip_then_chunked_is_501", "POST / HTTP/1.1\r\n" H
	    "Transfer-Encoding: gzip, chunked\r\n\r\n", 501),
	BAD("te_chunked_not_final_is_400", "POST / HTTP/1.1\r\n" H
	    "Transfer-Encoding: chunked, gzip\r\n\r\n", 400),
	BAD("te_without_chunked_is_400", "POST / HTTP/1.1\r\n" H
	    "Transfer-Encoding: gzip\r\n\r\n", 400),
	BAD("te_identity_is_400", "POST / HTTP/1.1\r\n" H
	    "Transfer-Encoding: identity\r\n\r\n", 400),
	BAD("te_chunked_twice_is_400", "POST / HTTP/1.1\r\n" H
	    "Transfer-Encoding: chunked, chunked\r\n\r\n", 400),
	BAD("te_chunked_in_two_fields_is_400", "POST / HTTP/1.1\r\n" H
	    "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n",
	    400),
	BAD("te_empty_is_400", "POST / HTTP/1.1\r\n" H "Transfer-Encoding:\r\n\r\n",
	    400),
	BAD("te_chunked_with_params_is_501_as_unknown_coding",
	    "POST / HTTP/1.1\r\n" H "Transfer-Encoding: x;q=1, chunked\r\n\r\n",
	    501),
	BAD("http10_with_te_is_400", "POST / HTTP/1.0\r\n"
	    "Transfer-Encoding: chunked\r\n\r\n", 400),
	BAD("missing_host_http11_is_400", GET11("/") "X: y\r\n\r\n", 400),
	BAD("duplicate_host_is_400", GET11("/") H H "\r\n", 400),
	BAD("duplicate_host_http10_is_400", "GET / HTTP/1.0\r\n" H H "\r\n", 400),
	BAD("host_with_space_is_400", GET11("/") "Host: a b\r\n\r\n", 400),
	BAD("host_with_slash_is_400", GET11("/") "Host: a/b\r\n\r\n", 400),
	BAD("host_with_userinfo_is_400", GET11("/") "Host: u@a\r\n\r\n", 400),
	BAD("expect_other_is_417", "POST / HTTP/1.1\r\n" H
	    "Expect: 200-ok\r\n\r\n", 417),

	/* field syntax (§5) */
	BAD("obs_fold_is_400", GET11("/") H "X: a\r\n b\r\n\r\n", 400),
	BAD("obs_fold_htab_is_400", GET11("/") H "X: a\r\n\tb\r\n\r\n", 400),
	BAD("whitespace_before_first_field_is_400", GET11("/") " " H "\r\n", 400),
	BAD("space_before_colon_is_400", GET11("/") "Host : a\r\n\r\n", 400),
	BAD("tab_before_colon_is_400", GET11("/") "Host\t: a\r\n\r\n", 400),
	BAD("empty_field_name_is_400", GET11("/") H ": a\r\n\r\n", 400),
	BAD("non_token_field_name_is_400", GET11("/") H "X(y): a\r\n\r\n", 400),
	BAD("obs_text_field_name_is_400", GET11("/") H "X\xc3\xa9: a\r\n\r\n",
	    400),
	BAD("field_without_colon_is_400", GET11("/") H "Host\r\n\r\n", 400),
	BAD("nul_in_header_is_400", GET11("/") H "X: a\0b\r\n\r\n", 400),
	BAD("nul_in_header_name_is_400", GET11("/") H "X\0: a\r\n\r\n", 400),
	BAD("ctl_in_header_name_is_400", GET11("/") H "X\x01Y: a\r\n\r\n", 400),
	BAD("del_in_value_is_400", GET11("/") H "X: a\x7f\r\n\r\n", 400),
	BAD("vtab_in_value_is_400", GET11("/") H "X: a\vb\r\n\r\n", 400),
	BAD("bare_cr_in_value_is_400", GET11("/") H "X: a\rb\r\n\r\n", 400),
	BAD("bare_cr_at_blank_line_is_400", GET11("/") H "\rX", 400),
	BAD("bare_lf_in_value_is_400", GET11("/") H "X: a\nY: b\r\n\r\n", 400),
	BAD("bare_lf_ends_header_is_400", GET11("/") "Host: a\n\r\n", 400),
	BAD("bare_lf_blank_line_is_400", GET11("/") H "\n", 400),

	/* request line (§3) */
	BAD("bare_cr_is_400", "GET / HTTP/1.1\rHost: a\r\n\r\n", 400),
	BAD("bare_lf_request_line_is_400", "GET / HTTP/1.1\nHost: a\n\n", 400),
	BAD("bare_lf_leading_empty_line_is_400", "\n" GET11("/") H "\r\n", 400),
	BAD("three_leading_crlf_is_400", "\r\n\r\n\r\n" GET11("/") H "\r\n", 400),
	BAD("nul_in_method_is_400", "G\0T / HTTP/1.1\r\n" H "\r\n", 400),
	BAD("nul_in_request_target_is_400", "GET /a\0b HTTP/1.1\r\n" H "\r\n",
	    400),
	BAD("ctl_in_request_target_is_400", "GET /a\x1b HTTP/1.1\r\n" H "\r\n",
	    400),
	BAD("obs_text_in_request_target_is_400",
	    "GET /caf\xc3\xa9 HTTP/1.1\r\n" H "\r\n", 400),
	BAD("double_space_is_400", "GET  / HTTP/1.1\r\n" H "\r\n", 400),
	BAD("double_space_before_version_is_400", "GET /  HTTP/1.1\r\n" H "\r\n",
	    400),
	BAD("tab_separator_is_400", "GET\t/ HTTP/1.1\r\n" H "\r\n", 400),
	BAD("leading_space_is_400", " GET / HTTP/1.1\r\n" H "\r\n", 400),
	BAD("trailing_space_after_version_is_400", "GET / HTTP/1.1 \r\n" H "\r\n",
	    400),
	BAD("http09_request_is_400", "GET /\r\n\r\n", 400),
	BAD("empty_request_line_is_400", "\r\n\r\n\r\n", 400),
	BAD("lowercase_http_name_is_400", "GET / http/1.1\r\n" H "\r\n", 400),
	BAD("version_two_digit_minor_is_400", "GET / HTTP/1.10\r\n" H "\r\n", 400),
	BAD("version_without_minor_is_400", "GET / HTTP/2\r\n" H "\r\n", 400),
	BAD("http2_version_is_505", "GET / HTTP/2.0\r\n" H "\r\n", 505),
	BAD("http12_is_505", "GET / HTTP/1.2\r\n" H "\r\n", 505),
	BAD("http09_version_is_505", "GET / HTTP/0.9\r\n" H "\r\n", 505),
	BAD("h2_preface_is_505", "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", 505),
	BAD("target_without_slash_is_400", "GET users HTTP/1.1\r\n" H "\r\n", 400),
	BAD("asterisk_form_get_is_400", "GET * HTTP/1.1\r\n" H "\r\n", 400),
	BAD("absolute_form_ftp_is_400", "GET ftp://h/x HTTP/1.1\r\n" H "\r\n",
	    400),
	BAD("absolute_form_empty_authority_is_400",
	    "GET http:///x HTTP/1.1\r\n" H "\r\n", 400),
	BAD("authority_form_connect_is_400", "CONNECT h:443 HTTP/1.1\r\n" H "\r\n",
	    400),
	{ .name = "tls_client_hello_is_400_at_first_byte",
	  S("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03"),
	  .rc = HTTP_PARSE_ERROR, .status = 400, .early = 1 },

	/* limits: 414 and 431 as soon as the first byte past them arrives */
	{ .name = "request_line_too_long_is_414", .lim = &tight,
	  S("GET /01234567890 HTTP/1.1\r\n" H "\r\n"),
	  .rc = HTTP_PARSE_ERROR, .status = 414, .early = 25 },
	{ .name = "request_line_too_long_is_414_early", .lim = &tight,
	  S("GET /0123456789abcdefghijklmnop"), .rc = HTTP_PARSE_ERROR,
	  .status = 414, .early = 25 },
	{ .name = "byte_after_version_at_limit_is_414", .lim = &tight,
	  S("GET /0123456789 HTTP/1.1X\r\n"), .rc = HTTP_PARSE_ERROR,
	  .status = 414, .early = 25 },
	{ .name = "byte_after_version_below_limit_is_400", .lim = &tight,
	  S("GET /012345678 HTTP/1.1X\r\n"), .rc = HTTP_PARSE_ERROR,
	  .status = 400, .early = 24 },
	{ .name = "request_line_cr_at_limit_then_junk_is_400", .lim = &tight,
	  S("GET /0123456789 HTTP/1.1\rX"), .rc = HTTP_PARSE_ERROR,
	  .status = 400 },
	{ .name = "request_line_too_long_is_414_early_default",
	  .in = long_line_over, .rc = HTTP_PARSE_ERROR, .status = 414,
	  .early = HTTP_DEFAULT_MAX_REQUEST_LINE + 1 },
	{ .name = "header_bytes_over_is_431_early", .lim = &tight,
	  S(GET11("/") "Host: a\r\nX-1: 0123456789012345678901234\r\n\r\n"),
	  .rc = HTTP_PARSE_ERROR, .status = 431,
	  .early = sizeof(GET11("/")) - 1 + 40 },
	{ .name = "header_value_reaching_limit_is_431_at_limit", .lim = &tight,
	  S(GET11("/") "Host: a\r\nX-1: 0123456789012345678901234567890\r\n\r\n"),
	  .rc = HTTP_PARSE_ERROR, .status = 431,
	  .early = sizeof(GET11("/")) - 1 + 40 },
	{ .name = "header_crlf_past_limit_is_431", .lim = &tight,
	  S(GET11("/") "Host: a\r\nX-1: 0123456789012345678901234\r"),
	  .rc = HTTP_PARSE_ERROR, .status = 431 },
	{ .name = "too_many_headers_is_431", .lim = &tight,
	  S(GET11("/") H "A: 1\r\nB: 2\r\nC: 3\r\n\r\n"),
	  .rc = HTTP_PARSE_ERROR, .status = 431,
	  .early = sizeof(GET11("/") H "A: 1\r\nB: 2\r\nC") - 1 },
	{ .name = "default_65_headers_is_431", .in = headers_65,
	  .rc = HTTP_PARSE_ERROR, .status = 431 },
	{ .name = "default_header_bytes_over_is_431", .in = header_bytes_over,
	  .rc = HTTP_PARSE_ERROR, .status = 431 },

	/* incomplete heads */
	{ .name = "no_blank_line_is_incomplete", S(GET11("/") H),
	  .rc = HTTP_PARSE_INCOMPLETE },
	{ .name = "empty_input_is_incomplete", S(""),
	  .rc = HTTP_PARSE_INCOMPLETE },
};
/* clang-format on */

static bool
within(const char *p, size_t n, const char *buf, size_t len)
{
	return p >= buf && n <= len && (size_t)(p - buf) <= len - n;
}

static void
check_request(const struct parse_case *c, const char *buf, int rc,
	      const struct http_request *r)
{
	assert_int_equal(r->method, c->method);
	assert_true(within(r->method_str, r->method_len, buf, (size_t)rc));
	assert_true(within(r->target, r->target_len, buf, (size_t)rc));
	if (c->path) {
		assert_int_equal(r->path_len, strlen(c->path));
		assert_memory_equal(r->path, c->path, r->path_len);
	}
	if (c->query) {
		assert_non_null(r->query);
		assert_int_equal(r->query_len, strlen(c->query));
		assert_memory_equal(r->query, c->query, r->query_len);
		assert_true(within(r->query, r->query_len, buf, (size_t)rc));
	} else {
		assert_null(r->query);
	}
	assert_int_equal(r->minor_version, c->minor);
	assert_int_equal(r->content_length, c->has_cl ? c->cl : -1);
	assert_int_equal(r->chunked, c->chunked);
	assert_int_equal(r->keep_alive, c->ka);
	assert_int_equal(r->expect_continue, c->expect);
	assert_int_equal(r->has_host, c->host);
	if (c->nh)
		assert_int_equal(r->num_headers, c->nh);
	for (size_t i = 0; i < r->num_headers; i++) {
		const struct http_header *h = &r->headers[i];

		assert_true(h->name_len > 0);
		assert_true(within(h->name, h->name_len, buf, (size_t)rc));
		assert_true(within(h->value, h->value_len, buf, (size_t)rc));
	}
	if (c->hname) {
		int i = http_find_header(r, c->hname);

		assert_true(i >= 0);
		assert_int_equal(r->headers[i].value_len, strlen(c->hval));
		assert_memory_equal(r->headers[i].value, c->hval,
				    r->headers[i].value_len);
	}
}

/* Offset of p in buf[0..len), or p itself when outside (a static "/"). */
static intptr_t
rel(const char *p, const char *buf, size_t len)
{
	return p && within(p, 0, buf, len) ? p - buf : (intptr_t)p;
}

/*
 * Same answer, fields at the same offsets: only offsets, since copying
 * one input to the guard page overwrites the other.
 */
static void
assert_same_request(const struct http_request *a, const char *abuf, size_t alen,
		    const struct http_request *b, const char *bbuf, size_t blen)
{
	assert_int_equal(a->method, b->method);
	assert_int_equal(a->method_len, b->method_len);
	assert_int_equal(rel(a->target, abuf, alen),
			 rel(b->target, bbuf, blen));
	assert_int_equal(a->target_len, b->target_len);
	assert_int_equal(rel(a->path, abuf, alen), rel(b->path, bbuf, blen));
	assert_int_equal(a->path_len, b->path_len);
	assert_int_equal(rel(a->query, abuf, alen), rel(b->query, bbuf, blen));
	assert_int_equal(a->query_len, b->query_len);
	assert_int_equal(a->minor_version, b->minor_version);
	assert_int_equal(a->num_headers, b->num_headers);
	for (size_t i = 0; i < a->num_headers; i++) {
		const struct http_header *x = &a->headers[i],
					 *y = &b->headers[i];

		assert_int_equal(x->name - abuf, y->name - bbuf);
		assert_int_equal(x->name_len, y->name_len);
		assert_int_equal(x->value - abuf, y->value - bbuf);
		assert_int_equal(x->value_len, y->value_len);
	}
	assert_int_equal(a->content_length, b->content_length);
	assert_int_equal(a->chunked, b->chunked);
	assert_int_equal(a->keep_alive, b->keep_alive);
	assert_int_equal(a->expect_continue, b->expect_continue);
	assert_int_equal(a->has_host, b->has_host);
}

/*
 * The whole input, then every prefix as if the bytes arrived one at a
 * time (big inputs: a stride, plus both ends): each prefix answers
 * INCOMPLETE or the final error, and once failed stays failed.
 */
static void
run_parse_case(void **state)
{
	const struct parse_case *c = *state;
	size_t n = c->len ? c->len : strlen(c->in);
	static struct http_request r, r2;
	const char *buf = guard_page_at(c->in, n), *pb;
	int st = 0, st2, rc, prc, want;
	bool failed = false;
	char more[512];

	rc = http_parse_request(buf, n, c->lim, &r, &st);
	want = c->rc == WHOLE ? (int)n : c->rc;
	assert_int_equal(rc, want);
	if (rc == HTTP_PARSE_ERROR)
		assert_int_equal(st, c->status);
	if (rc >= 0)
		check_request(c, buf, rc, &r);
	for (size_t k = 0; k < n; k++) {
		if (n > 4096 && k > 64 && k + 64 < n && k % 61 && k != c->early)
			continue;
		pb = guard_page_at(c->in, k);
		st2 = 0;
		prc = http_parse_request(pb, k, c->lim, &r2, &st2);
		if (rc >= 0 && k >= (size_t)rc) {
			assert_int_equal(prc, rc);
			assert_same_request(&r2, pb, k, &r, buf, n);
		} else if (prc == HTTP_PARSE_ERROR) {
			assert_int_equal(rc, HTTP_PARSE_ERROR);
			assert_int_equal(st2, st);
			failed = true;
		} else {
			assert_int_equal(prc, HTTP_PARSE_INCOMPLETE);
			assert_false(failed);
		}
		if (c->early && k == c->early) {
			assert_int_equal(prc, HTTP_PARSE_ERROR);
			assert_int_equal(st2, c->status);
		}
	}
	/* Bytes after a complete head change nothing. */
	if (rc >= 0 && n + 8 <= sizeof(more)) {
		memcpy(more, c->in, n);
		memcpy(more + n, "\0\r\n\x01 X\n", 8);
		pb = guard_page_at(more, n + 8);
		prc = http_parse_request(pb, n + 8, c->lim, &r2, &st2);
		assert_int_equal(prc, rc);
		assert_same_request(&r2, pb, n + 8, &r, buf, n);
	}
}

/*
 * The same table through http_parse_resume(), the input growing by a
 * few bytes per call and moving in memory each time (guard_page_at): every
 * answer is the one-call answer for the same bytes, and the bytes
 * scanned stay within twice the head (or the input, when it fails: a
 * field found wrong once the head is whole costs the second pass).
 */
static void
run_resume_case(void **state)
{
	const struct parse_case *c = *state;
	size_t n = c->len ? c->len : strlen(c->in);
	static const size_t strides[] = { 1, 2, 7, 61 };
	static struct http_request r, r2;

	for (size_t si = 0; si < ARRAY_SIZE(strides); si++) {
		struct http_parse_state ps = { 0 };
		size_t k = 0, stride = strides[si];
		const char *pb = NULL, *whole;
		int prc = HTTP_PARSE_INCOMPLETE, st = 0, st2 = 0, rc;

		/* Big inputs one byte at a time: one place, no copy. */
		if (n > 4096 && stride < 61)
			pb = guard_page_at(c->in, n);
		while (prc == HTTP_PARSE_INCOMPLETE && k < n) {
			k = k + stride < n ? k + stride : n;
			if (!(n > 4096 && stride < 61))
				pb = guard_page_at(c->in, k);
			prc = http_parse_resume(&ps, pb, k, c->lim, &r2, &st2);
		}
		if (prc >= 0) {
			/* A copy: r refers to it, r2 to pb. */
			static char copy[HTTP_DEFAULT_MAX_HEADER_BYTES * 2 + 64];

			assert_true(k <= sizeof(copy));
			memcpy(copy, pb, k);
			whole = copy;
		} else {
			whole = pb;
		}
		rc = http_parse_request(whole, k, c->lim, &r, &st);
		assert_int_equal(prc, rc);
		if (prc == HTTP_PARSE_ERROR)
			assert_int_equal(st2, st);
		if (prc >= 0) {
			assert_same_request(&r2, pb, k, &r, whole, k);
			assert_true(ps.scanned <= 2u * (uint32_t)prc);
		} else {
			assert_true(ps.scanned <= 2 * k);
		}
	}
}

/* A 1,500-byte head dribbled one byte per call costs at most 3,000
 * bytes of scanning (re-parsing from byte 0 each time: ~1.1 million). */
static void
test_http_resume_dribbled_head_scans_at_most_twice(void **state)
{
	static char head[1600];
	static struct http_request r;
	struct http_parse_state ps = { 0 };
	size_t n;
	char *p = head;
	int rc = HTTP_PARSE_INCOMPLETE, st = 0;

	(void)state;
	p += sprintf(p, "GET /dribble HTTP/1.1\r\n" H);
	while (p - head < 1500 - 40)
		p += sprintf(p, "X-Field-%03d: %s\r\n", (int)(p - head) % 1000,
			     "some value");
	p += sprintf(p, "X-Pad: ");
	while (p - head < 1500 - 4)
		*p++ = 'v';
	p += sprintf(p, "\r\n\r\n");
	n = (size_t)(p - head);
	assert_int_equal(n, 1500);
	for (size_t k = 1; k <= n && rc == HTTP_PARSE_INCOMPLETE; k++)
		rc = http_parse_resume(&ps, head, k, NULL, &r, &st);
	assert_int_equal(rc, 1500);
	assert_true(ps.scanned <= 3000);
	assert_int_equal(r.path_len, strlen("/dribble"));
	assert_int_equal(http_find_header(&r, "x-pad"), (int)r.num_headers - 1);
	assert_int_equal(r.headers[r.num_headers - 1].value_len,
			 1500 - 4 - (size_t)(strstr(head, "X-Pad: ") + 7 - head));
}

/* ---- chunked bodies ----------------------------------------------------- */

#define MIB (1024 * 1024)

struct chunk_case {
	const char *name;
	const char *in;
	size_t len;
	uint64_t max_body;
	int rc;
	int status;	 /* with HTTP_PARSE_ERROR */
	const char *out; /* data decoded (before the error, if any) */
	size_t used;	 /* bytes consumed when done; 0: all */
};

#define CK_OK(n, s, o)                                                         \
	{                                                                      \
		.name = n, S(s), .max_body = MIB, .out = o                     \
	}
#define CK_BAD(n, s, st)                                                       \
	{                                                                      \
		.name = n, S(s), .max_body = MIB, .rc = HTTP_PARSE_ERROR,      \
		.status = st                                                   \
	}
#define CK_REST "3\r\nabc\r\n0\r\n\r\n"

static char ext_too_long[HTTP_CHUNK_EXT_MAX + 32];
static char trailers_too_big[HTTP_CHUNK_TRAILER_MAX + 64];

/* clang-format off */
static struct chunk_case chunk_cases[] = {
	CK_OK("chunked_single", "5\r\nhello\r\n0\r\n\r\n", "hello"),
	CK_OK("chunked_multi", "5\r\nhello\r\n1\r\n \r\n5\r\nworld\r\n0\r\n\r\n",
	      "hello world"),
	CK_OK("chunked_hex_sizes_any_case",
	      "a\r\n0123456789\r\nB\r\nabcdefghijk\r\n0\r\n\r\n",
	      "0123456789abcdefghijk"),
	CK_OK("chunked_leading_zeros", "0005\r\nhello\r\n000\r\n\r\n", "hello"),
	CK_OK("chunked_extensions_skipped",
	      "5;name=value;q=\"a b;c\"\r\nhello\r\n0;last\r\n\r\n", "hello"),
	CK_OK("chunked_bws_before_extension", "5 \t;a=b\r\nhello\r\n0\r\n\r\n",
	      "hello"),
	CK_OK("chunked_trailers_skipped",
	      "5\r\nhello\r\n0\r\nX-Sum: 1\r\nY:\t2 \r\n\r\n", "hello"),
	CK_OK("chunked_empty_body", "0\r\n\r\n", ""),
	CK_OK("chunked_crlf_in_data_is_data", "4\r\n\r\n\r\n\r\n0\r\n\r\n",
	      "\r\n\r\n"),
	{ .name = "chunked_pipelined_rest_reported", S(CK_REST "GET / HTTP/1.1\r\n"),
	  .max_body = MIB, .out = "abc", .used = sizeof(CK_REST) - 1 },
	{ .name = "chunked_body_exactly_max_ok",
	  S("5\r\nhello\r\n5\r\nworld\r\n0\r\n\r\n"), .max_body = 10,
	  .out = "helloworld" },
	{ .name = "chunked_size_past_max_body_is_413",
	  S("5\r\nhello\r\n6\r\nworld!\r\n0\r\n\r\n"), .max_body = 10,
	  .rc = HTTP_PARSE_ERROR, .status = 413, .out = "hello" },
	{ .name = "chunked_huge_size_is_413", S("ffffffffffffffff\r\n"),
	  .max_body = MIB, .rc = HTTP_PARSE_ERROR, .status = 413 },
	{ .name = "chunked_max_body_zero_empty_ok", S("0\r\n\r\n"),
	  .max_body = 0, .out = "" },
	{ .name = "chunked_incomplete", S("5\r\nhel"), .max_body = MIB,
	  .rc = HTTP_PARSE_INCOMPLETE, .out = "hel" },
	{ .name = "chunked_incomplete_in_trailers", S("1\r\na\r\n0\r\nX: y\r\n"),
	  .max_body = MIB, .rc = HTTP_PARSE_INCOMPLETE, .out = "a" },
	CK_BAD("chunked_too_many_hex_digits_is_400",
	       "00000000000000005\r\nhello\r\n0\r\n\r\n", 400),
	CK_BAD("chunked_bad_hex_is_400", "5g\r\nhello\r\n0\r\n\r\n", 400),
	CK_BAD("chunked_empty_size_is_400", "\r\nhello\r\n0\r\n\r\n", 400),
	CK_BAD("chunked_0x_prefix_is_400", "0x5\r\nhello\r\n0\r\n\r\n", 400),
	CK_BAD("chunked_negative_size_is_400", "-5\r\nhello\r\n0\r\n\r\n", 400),
	CK_BAD("chunked_leading_space_is_400", " 5\r\nhello\r\n0\r\n\r\n", 400),
	CK_BAD("chunked_trailing_space_without_ext_is_400",
	       "5 \r\nhello\r\n0\r\n\r\n", 400),
	CK_BAD("chunked_bare_lf_after_size_is_400", "5\nhello\r\n0\r\n\r\n", 400),
	CK_BAD("chunked_bare_cr_after_size_is_400", "5\rhello\r\n0\r\n\r\n", 400),
	CK_BAD("chunked_bare_lf_in_extension_is_400",
	       "5;a\nhello\r\n0\r\n\r\n", 400),
	CK_BAD("chunked_ctl_in_extension_is_400", "5;a\x01\r\nhello\r\n0\r\n\r\n",
	       400),
	{ .name = "chunked_missing_crlf_after_data_is_400",
	  S("5\r\nhelloX\r\n0\r\n\r\n"), .max_body = MIB,
	  .rc = HTTP_PARSE_ERROR, .status = 400, .out = "hello" },
	{ .name = "chunked_data_longer_than_size_is_400",
	  S("3\r\nhello\r\n0\r\n\r\n"), .max_body = MIB,
	  .rc = HTTP_PARSE_ERROR, .status = 400, .out = "hel" },
	{ .name = "chunked_lf_only_after_data_is_400",
	  S("5\r\nhello\n0\r\n\r\n"), .max_body = MIB,
	  .rc = HTTP_PARSE_ERROR, .status = 400, .out = "hello" },
	CK_BAD("chunked_trailer_empty_name_is_400", "0\r\n: x\r\n\r\n", 400),
	CK_BAD("chunked_trailer_obs_fold_is_400", "0\r\nX: y\r\n z\r\n\r\n", 400),
	CK_BAD("chunked_trailer_without_colon_is_400", "0\r\nXY\r\n\r\n", 400),
	CK_BAD("chunked_trailer_space_before_colon_is_400", "0\r\nX : y\r\n\r\n",
	       400),
	CK_BAD("chunked_trailer_bare_lf_is_400", "0\r\nX: y\n\r\n", 400),
	CK_BAD("chunked_trailer_nul_is_400", "0\r\nX: \0\r\n\r\n", 400),
	CK_BAD("chunked_final_bare_cr_is_400", "0\r\n\rX", 400),
	CK_BAD("chunked_final_bare_lf_is_400", "0\r\n\n", 400),
	{ .name = "chunked_extension_too_long_is_400", .in = ext_too_long,
	  .max_body = MIB, .rc = HTTP_PARSE_ERROR, .status = 400 },
	{ .name = "chunked_trailers_too_large_is_431", .in = trailers_too_big,
	  .max_body = MIB, .rc = HTTP_PARSE_ERROR, .status = 431 },
};
/* clang-format on */

struct chunk_result {
	int rc;
	int status;
	size_t out;
	size_t used;
};

/*
 * Decode in place, the way the connection does: raw arrives in pieces
 * ending at cuts[], each call decodes the unread raw bytes to just after
 * the data decoded so far. buf ends at the guard page.
 */
static struct chunk_result
decode_pieces(const struct chunk_case *c, char *buf, size_t n,
	      const size_t *cuts, size_t ncuts)
{
	struct http_chunked d;
	struct chunk_result res = {HTTP_PARSE_INCOMPLETE, 0, 0, 0};
	size_t end, o, u;

	http_chunked_init(&d, c->max_body);
	for (size_t i = 0; i <= ncuts; i++) {
		end = i < ncuts ? cuts[i] : n;
		if (end < res.used)
			continue;
		res.rc = http_chunked_decode(&d, buf + res.out, buf + res.used,
					     end - res.used, &o, &u);
		assert_true(o <= u);
		assert_true(u <= end - res.used);
		res.out += o;
		res.used += u;
		if (res.rc == HTTP_PARSE_INCOMPLETE) {
			assert_int_equal(res.used, end);
			continue;
		}
		if (res.rc == HTTP_PARSE_ERROR)
			res.status = d.status;
		else
			assert_int_equal(res.rc, 0);
		break;
	}
	return res;
}

static void
check_chunk_result(const struct chunk_case *c, const char *buf, size_t n,
		   struct chunk_result res)
{
	assert_int_equal(res.rc, c->rc);
	if (c->rc == HTTP_PARSE_ERROR)
		assert_int_equal(res.status, c->status);
	if (c->rc == 0)
		assert_int_equal(res.used, c->used ? c->used : n);
	if (c->out) {
		assert_int_equal(res.out, strlen(c->out));
		assert_memory_equal(buf, c->out, res.out);
	}
}

static void
run_chunk_case(void **state)
{
	const struct chunk_case *c = *state;
	size_t n = c->len ? c->len : strlen(c->in), cut[2];
	struct chunk_result whole, res;
	char *buf;

	buf = guard_page_at(c->in, n);
	whole = decode_pieces(c, buf, n, NULL, 0);
	check_chunk_result(c, buf, n, whole);
	/* Split in two at every offset, then in three around it. */
	for (size_t k = 0; k <= n; k++) {
		if (n > 4096 && k > 64 && k + 64 < n && k % 61)
			continue;
		cut[0] = k;
		buf = guard_page_at(c->in, n);
		res = decode_pieces(c, buf, n, cut, 1);
		check_chunk_result(c, buf, n, res);
		assert_int_equal(res.used, whole.used);
		if (k + 3 <= n) {
			cut[1] = k + 3;
			buf = guard_page_at(c->in, n);
			res = decode_pieces(c, buf, n, cut, 2);
			check_chunk_result(c, buf, n, res);
		}
	}
	/* One byte per call. */
	if (n <= 4096) {
		static size_t ones[4096];

		for (size_t k = 0; k < n; k++)
			ones[k] = k + 1;
		buf = guard_page_at(c->in, n);
		res = decode_pieces(c, buf, n, ones, n);
		check_chunk_result(c, buf, n, res);
		assert_int_equal(res.used, whole.used);
	}
}

/* ---- helpers ------------------------------------------------------------ */

static void
test_http_find_header_ignores_case(void **state)
{
	static const char in[] = GET11("/") "hOsT: a\r\nX-Req-Id: 7\r\n\r\n";
	struct http_request r;
	int st;

	assert_int_equal(http_parse_request(in, sizeof(in) - 1, NULL, &r, &st),
			 (int)sizeof(in) - 1);
	assert_int_equal(http_find_header(&r, "Host"), 0);
	assert_int_equal(http_find_header(&r, "x-req-id"), 1);
	assert_int_equal(http_find_header(&r, "X-REQ-ID"), 1);
	assert_int_equal(http_find_header(&r, "X-Req"), -1);
	assert_true(http_header_is(&r.headers[1], "X-Req-ID"));
	assert_false(http_header_is(&r.headers[1], "X-Req-Ie"));
}

static void
test_http_parse_reuses_request_cleanly(void **state)
{
	static const char a[] =
		"POST /a?x HTTP/1.1\r\n" H "Transfer-Encoding: chunked\r\n"
		"Expect: 100-continue\r\n\r\n";
	static const char b[] = "GET /b HTTP/1.0\r\n\r\n";
	struct http_request r;
	int st;

	assert_true(http_parse_request(a, sizeof(a) - 1, NULL, &r, &st) > 0);
	assert_true(r.chunked && r.expect_continue && r.query);
	assert_true(http_parse_request(b, sizeof(b) - 1, NULL, &r, &st) > 0);
	assert_false(r.chunked || r.expect_continue || r.keep_alive ||
		     r.has_host);
	assert_null(r.query);
	assert_int_equal(r.num_headers, 0);
	assert_int_equal(r.content_length, -1);
}

static void
test_http_limits_above_hard_header_array_are_capped(void **state)
{
	static const struct http_limits lim = {
		.max_request_line = SIZE_MAX,
		.max_header_bytes = SIZE_MAX,
		.max_headers = 1000,
	};
	struct http_request r;
	int st = 0;

	assert_int_equal(http_parse_request(headers_65, strlen(headers_65),
					    &lim, &r, &st),
			 HTTP_PARSE_ERROR);
	assert_int_equal(st, 431);
	assert_int_equal(http_parse_request(headers_64, strlen(headers_64),
					    &lim, &r, &st),
			 (int)strlen(headers_64));
}

static void
test_http_chunked_errors_are_sticky(void **state)
{
	static const char in[] = "zz\r\n";
	struct http_chunked d;
	char buf[8];
	size_t o, u;

	memcpy(buf, in, sizeof(in));
	http_chunked_init(&d, MIB);
	assert_int_equal(http_chunked_decode(&d, buf, buf, 4, &o, &u),
			 HTTP_PARSE_ERROR);
	assert_int_equal(d.status, 400);
	assert_int_equal(u, 0);
	assert_int_equal(http_chunked_decode(&d, buf, "0\r\n\r\n", 5, &o, &u),
			 HTTP_PARSE_ERROR);
	assert_int_equal(u, 0);
}

static void
test_http_chunked_into_separate_buffer(void **state)
{
	static const char in[] = "3\r\nabc\r\n2;x\r\nde\r\n0\r\n\r\n";
	struct http_chunked d;
	char dst[sizeof(in)];
	size_t o, u;

	memset(dst, '#', sizeof(dst));
	http_chunked_init(&d, MIB);
	assert_int_equal(
		http_chunked_decode(&d, dst, in, sizeof(in) - 1, &o, &u), 0);
	assert_int_equal(o, 5);
	assert_int_equal(u, sizeof(in) - 1);
	assert_memory_equal(dst, "abcde#", 6);
}

/* ---- generated inputs and main ------------------------------------------ */

static void
make_inputs(void)
{
	size_t n, line = HTTP_DEFAULT_MAX_REQUEST_LINE;
	char *p;

	/* "GET /aaa...a HTTP/1.1": exactly the limit, then one byte more. */
	p = long_line_ok;
	p += sprintf(p, "GET /");
	n = line - 5 - 9;
	memset(p, 'a', n);
	p += n;
	sprintf(p, " HTTP/1.1\r\nHost: a\r\n\r\n");
	memcpy(long_line_over, "GET /", 5);
	memset(long_line_over + 5, 'a', line + 1 - 5);

	p = headers_64 + sprintf(headers_64, GET11("/") H);
	for (int i = 1; i < HTTP_MAX_HEADERS; i++)
		p += sprintf(p, "X-%02d: v\r\n", i);
	strcpy(p, "\r\n");
	strcpy(headers_65, headers_64);
	strcpy(headers_65 + strlen(headers_65) - 2, "X-64: v\r\n\r\n");

	/* One big field makes the section exactly 16384 bytes, or 16385. */
	for (int over = 0; over < 2; over++) {
		char *b = over ? header_bytes_over : header_bytes_ok;
		size_t v = HTTP_DEFAULT_MAX_HEADER_BYTES - strlen(H) -
			   strlen("X: \r\n") + (size_t)over;

		p = b + sprintf(b, GET11("/") H "X: ");
		memset(p, 'v', v);
		strcpy(p + v, "\r\n\r\n");
	}

	p = ext_too_long + sprintf(ext_too_long, "1;");
	memset(p, 'e', HTTP_CHUNK_EXT_MAX + 1);
	strcpy(p + HTTP_CHUNK_EXT_MAX + 1, "\r\na\r\n0\r\n\r\n");

	p = trailers_too_big + sprintf(trailers_too_big, "0\r\n");
	while ((size_t)(p - trailers_too_big) < HTTP_CHUNK_TRAILER_MAX + 16)
		p += sprintf(p, "X: 0123456789\r\n");
	strcpy(p, "\r\n");
}

/* Every head test runs once per scan variant this CPU has (parser.h
 * enum http_parse_isa): their answers must not differ by a byte. */
static int
isa_scalar(void **state)
{
	return http_parse_isa_set(HTTP_ISA_SCALAR);
}

static int
isa_sse42(void **state)
{
	return http_parse_isa_set(HTTP_ISA_SSE42);
}

static int
isa_avx2(void **state)
{
	return http_parse_isa_set(HTTP_ISA_AVX2);
}

int
main(void)
{
	static const struct CMUnitTest fixed[] = {
		cmocka_unit_test(test_http_find_header_ignores_case),
		cmocka_unit_test(test_http_parse_reuses_request_cleanly),
		cmocka_unit_test(
			test_http_limits_above_hard_header_array_are_capped),
		cmocka_unit_test(test_http_chunked_errors_are_sticky),
		cmocka_unit_test(test_http_chunked_into_separate_buffer),
		cmocka_unit_test(
			test_http_resume_dribbled_head_scans_at_most_twice),
	};
	static int (*const isa_setup[HTTP_ISA_COUNT])(void **) = {
		[HTTP_ISA_SCALAR] = isa_scalar,
		[HTTP_ISA_SSE42] = isa_sse42,
		[HTTP_ISA_AVX2] = isa_avx2,
	};
	static struct CMUnitTest tests[HTTP_ISA_COUNT *
					       (2 * ARRAY_SIZE(parse_cases) +
						ARRAY_SIZE(fixed)) +
				       ARRAY_SIZE(chunk_cases)];
	static char names[HTTP_ISA_COUNT]
			 [2 * ARRAY_SIZE(parse_cases) + ARRAY_SIZE(fixed)][112];
	size_t n = 0;

	make_inputs();
	for (int isa = 0; isa < HTTP_ISA_COUNT; isa++) {
		const char *in = http_parse_isa_name(isa);
		size_t k = 0;

		if (!http_parse_isa_supported(isa)) {
			printf("# %s: not on this CPU, its head tests skipped\n",
			       in);
			continue;
		}
		for (size_t i = 0; i < ARRAY_SIZE(parse_cases); i++) {
			snprintf(names[isa][k], sizeof(names[isa][k]), "%s_%s",
				 in, parse_cases[i].name);
			tests[n++] = (struct CMUnitTest){
				.name = names[isa][k++],
				.test_func = run_parse_case,
				.setup_func = isa_setup[isa],
				.initial_state = &parse_cases[i],
			};
		}
		for (size_t i = 0; i < ARRAY_SIZE(parse_cases); i++) {
			snprintf(names[isa][k], sizeof(names[isa][k]),
				 "%s_resume_%s", in, parse_cases[i].name);
			tests[n++] = (struct CMUnitTest){
				.name = names[isa][k++],
				.test_func = run_resume_case,
				.setup_func = isa_setup[isa],
				.initial_state = &parse_cases[i],
			};
		}
		for (size_t i = 0; i < ARRAY_SIZE(fixed); i++) {
			snprintf(names[isa][k], sizeof(names[isa][k]), "%s_%s",
				 in, fixed[i].name);
			tests[n] = fixed[i];
			tests[n].name = names[isa][k++];
			tests[n++].setup_func = isa_setup[isa];
		}
	}
	for (size_t i = 0; i < ARRAY_SIZE(chunk_cases); i++)
		tests[n++] = (struct CMUnitTest){
			.name = chunk_cases[i].name,
			.test_func = run_chunk_case,
			.initial_state = &chunk_cases[i],
		};
	return _cmocka_run_group_tests("test_http_parser", tests, n,
				       guard_page_setup, guard_page_teardown);
}
