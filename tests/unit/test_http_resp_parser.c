/* SPDX-License-Identifier: BSD-3-Clause */
/* test_http_resp_parser.c: response parser tables, every split, at a guard
 * page. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "guard_page.h"
#include "http/resp_parser.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/*
 * Each piece fed to the parser is a fresh copy of the input's prefix
 * ending exactly where a PROT_NONE page starts (guard_page.h): a read
 * past the bytes given faults, and the buffer moves between calls as a
 * receive buffer may, so offsets kept from an earlier call must still be
 * right.
 */

/* ---- the table ------------------------------------------------------- */

#define WHOLE 0 /* expected rc: the whole input is the response */
#define S(x) .in = (x), .len = sizeof(x) - 1
#define AT(x) .at1 = (x) + 1

struct resp_case {
	const char *name;
	const char *in;
	size_t len;
	const struct http_response_limits *lim; /* NULL: defaults */
	bool head;				/* a response to HEAD */
	bool eof;		    /* the peer closes after the input */
	int64_t rc;		    /* length, WHOLE, INVALID or INCOMPLETE */
	enum http_response_err err; /* with HTTP_RESPONSE_INVALID */
	size_t at1;		    /* when set: err_off + 1 */
	/* expectations once the head is parsed */
	int status;
	int minor;
	const char *reason;
	bool has_cl;
	int64_t cl;
	bool chunked, ka;
	enum http_response_body kind;
	const char *body;  /* the body bytes handed to on_body */
	unsigned int nh;   /* headers, when not 0 */
	const char *hname; /* this header has value hval */
	const char *hval;
};

static const struct http_response_limits tight = {
	.max_status_line = 20,
	.max_header_bytes = 40,
	.max_headers = 3,
	.max_body = 10,
};

#define OK11 "HTTP/1.1 200 OK\r\n"
#define OK10 "HTTP/1.0 200 OK\r\n"
#define CL5 "Content-Length: 5\r\n"
#define TE "Transfer-Encoding: chunked\r\n"
#define BAD(n, s, e)                                                           \
	{                                                                      \
		.name = n, S(s), .rc = HTTP_RESPONSE_INVALID, .err = e         \
	}
#define STATS_JSON "{\"totalRequests\":3,\"uniqueUsers\":2,\"sum\":6,\"avg\":2}"
#define PIPE_A OK11 CL5 "\r\nhello"

/* Generated in main: lines and sections at and just past the limits. */
static char status_line_ok[HTTP_RESPONSE_DEFAULT_MAX_STATUS_LINE + 64];
static char status_line_over[HTTP_RESPONSE_DEFAULT_MAX_STATUS_LINE + 64];
static char headers_64[HTTP_RESPONSE_MAX_HEADERS * 16 + 64];
static char headers_65[HTTP_RESPONSE_MAX_HEADERS * 16 + 64];
static char header_bytes_ok[HTTP_RESPONSE_DEFAULT_MAX_HEADER_BYTES + 64];
static char header_bytes_over[HTTP_RESPONSE_DEFAULT_MAX_HEADER_BYTES + 64];
static char ext_too_long[HTTP_RESPONSE_CHUNK_EXT_MAX + 128];
static char big_body[9000 + 64];
static char big_body_data[9000 + 1];
static char many_chunks[3000];
static char many_chunks_data[1000];

/* clang-format off */
static struct resp_case resp_cases[] = {
	/* valid responses */
	{ .name = "content_length_body", S(OK11 CL5 "\r\nhello"),
	  .status = 200, .minor = 1, .reason = "OK", .has_cl = true, .cl = 5,
	  .ka = true, .kind = HTTP_RESPONSE_BODY_LENGTH, .body = "hello", .nh = 1,
	  .hname = "content-length", .hval = "5" },
	{ .name = "stats_json_body_one_span",
	  S(OK11 "Content-Type: application/json\r\nContent-Length: 51\r\n\r\n"
	    STATS_JSON),
	  .status = 200, .minor = 1, .reason = "OK", .has_cl = true, .cl = 51,
	  .ka = true, .kind = HTTP_RESPONSE_BODY_LENGTH, .body = STATS_JSON,
	  .nh = 2, .hname = "CONTENT-TYPE", .hval = "application/json" },
	{ .name = "content_length_zero_ends_at_head",
	  S("HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n"),
	  .status = 201, .minor = 1, .reason = "Created", .has_cl = true,
	  .ka = true, .kind = HTTP_RESPONSE_BODY_LENGTH, .body = "" },
	{ .name = "content_length_leading_zeros_ok",
	  S(OK11 "Content-Length: 005\r\n\r\nhello"),
	  .status = 200, .minor = 1, .has_cl = true, .cl = 5, .ka = true,
	  .kind = HTTP_RESPONSE_BODY_LENGTH, .body = "hello" },
	{ .name = "duplicate_equal_content_length_ok",
	  S(OK11 CL5 "content-length: 05\r\n\r\nhello"),
	  .status = 200, .minor = 1, .has_cl = true, .cl = 5, .ka = true,
	  .kind = HTTP_RESPONSE_BODY_LENGTH, .body = "hello", .nh = 2 },
	{ .name = "content_length_int64_max_waits_for_body",
	  S(OK11 "Content-Length: 9223372036854775807\r\n\r\nab"),
	  .rc = HTTP_RESPONSE_INCOMPLETE, .status = 200, .minor = 1,
	  .has_cl = true, .cl = INT64_MAX, .ka = true,
	  .kind = HTTP_RESPONSE_BODY_LENGTH, .body = "ab" },
	{ .name = "bytes_after_response_are_not_consumed",
	  S(PIPE_A "HTTP/1.1 204 No Content\r\n\r\n"),
	  .rc = sizeof(PIPE_A) - 1, .status = 200, .minor = 1, .has_cl = true,
	  .cl = 5, .ka = true, .kind = HTTP_RESPONSE_BODY_LENGTH, .body = "hello" },
	{ .name = "http10_content_length_closes_by_default",
	  S(OK10 CL5 "\r\nhello"),
	  .status = 200, .minor = 0, .has_cl = true, .cl = 5,
	  .kind = HTTP_RESPONSE_BODY_LENGTH, .body = "hello" },
	{ .name = "http10_keep_alive_token_keeps_alive",
	  S(OK10 "Connection: Keep-Alive\r\n" CL5 "\r\nhello"),
	  .status = 200, .minor = 0, .has_cl = true, .cl = 5, .ka = true,
	  .kind = HTTP_RESPONSE_BODY_LENGTH, .body = "hello" },
	{ .name = "http10_keep_alive_in_token_list",
	  S(OK10 "Connection: foo, , keep-alive\r\n" CL5 "\r\nhello"),
	  .status = 200, .minor = 0, .has_cl = true, .cl = 5, .ka = true,
	  .kind = HTTP_RESPONSE_BODY_LENGTH, .body = "hello" },
	{ .name = "http11_connection_close",
	  S(OK11 "Connection: close\r\n" CL5 "\r\nhello"),
	  .status = 200, .minor = 1, .has_cl = true, .cl = 5,
	  .kind = HTTP_RESPONSE_BODY_LENGTH, .body = "hello" },
	{ .name = "close_wins_over_keep_alive_any_case",
	  S(OK11 "Connection: keep-alive, CLOSE\r\n" CL5 "\r\nhello"),
	  .status = 200, .minor = 1, .has_cl = true, .cl = 5,
	  .kind = HTTP_RESPONSE_BODY_LENGTH, .body = "hello" },
	{ .name = "close_in_second_connection_field",
	  S(OK11 "Connection: upgrade\r\nConnection: close \r\n" CL5
	    "\r\nhello"),
	  .status = 200, .minor = 1, .has_cl = true, .cl = 5,
	  .kind = HTTP_RESPONSE_BODY_LENGTH, .body = "hello" },
	{ .name = "closed_is_not_close",
	  S(OK11 "Connection: closed\r\n" CL5 "\r\nhello"),
	  .status = 200, .minor = 1, .has_cl = true, .cl = 5, .ka = true,
	  .kind = HTTP_RESPONSE_BODY_LENGTH, .body = "hello" },
	{ .name = "chunked_body",
	  S(OK11 TE "\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"),
	  .status = 200, .minor = 1, .chunked = true, .ka = true,
	  .kind = HTTP_RESPONSE_BODY_CHUNKED, .body = "hello world" },
	{ .name = "chunked_hex_sizes_any_case_leading_zeros",
	  S(OK11 TE "\r\na\r\n0123456789\r\n00B\r\nabcdefghijk\r\n000\r\n\r\n"),
	  .status = 200, .minor = 1, .chunked = true, .ka = true,
	  .kind = HTTP_RESPONSE_BODY_CHUNKED, .body = "0123456789abcdefghijk" },
	{ .name = "chunked_extensions_skipped",
	  S(OK11 TE "\r\n5;name=value;q=\"a b;c\"\r\nhello\r\n"
	    "2 \t;x\r\n!!\r\n0;last\r\n\r\n"),
	  .status = 200, .minor = 1, .chunked = true, .ka = true,
	  .kind = HTTP_RESPONSE_BODY_CHUNKED, .body = "hello!!" },
	{ .name = "chunked_trailers_skipped",
	  S(OK11 TE "\r\n5\r\nhello\r\n0\r\nX-Sum: 1\r\nY:\t2 \r\n\r\n"),
	  .status = 200, .minor = 1, .chunked = true, .ka = true,
	  .kind = HTTP_RESPONSE_BODY_CHUNKED, .body = "hello", .nh = 1 },
	{ .name = "chunked_crlf_in_data_is_data",
	  S(OK11 TE "\r\n4\r\n\r\n\r\n\r\n0\r\n\r\n"),
	  .status = 200, .minor = 1, .chunked = true, .ka = true,
	  .kind = HTTP_RESPONSE_BODY_CHUNKED, .body = "\r\n\r\n" },
	{ .name = "chunked_empty_body", S(OK11 TE "\r\n0\r\n\r\n"),
	  .status = 200, .minor = 1, .chunked = true, .ka = true,
	  .kind = HTTP_RESPONSE_BODY_CHUNKED, .body = "" },
	{ .name = "te_chunked_any_case_with_empty_elements",
	  S(OK11 "transfer-encoding: , ChUnKeD ,\r\n\r\n1\r\nx\r\n0\r\n\r\n"),
	  .status = 200, .minor = 1, .chunked = true, .ka = true,
	  .kind = HTTP_RESPONSE_BODY_CHUNKED, .body = "x" },
	{ .name = "chunked_with_connection_close",
	  S(OK11 TE "Connection: close\r\n\r\n1\r\nx\r\n0\r\n\r\n"),
	  .status = 200, .minor = 1, .chunked = true,
	  .kind = HTTP_RESPONSE_BODY_CHUNKED, .body = "x" },
	{ .name = "status_204_has_no_body_whatever_follows",
	  S("HTTP/1.1 204 No Content\r\n\r\nHTTP/1.1 200 OK\r\n"),
	  .rc = sizeof("HTTP/1.1 204 No Content\r\n\r\n") - 1, .status = 204,
	  .minor = 1, .reason = "No Content", .ka = true,
	  .kind = HTTP_RESPONSE_BODY_NONE, .body = "" },
	{ .name = "status_304_content_length_has_no_body",
	  S("HTTP/1.1 304 Not Modified\r\nContent-Length: 50\r\n\r\n"),
	  .status = 304, .minor = 1, .has_cl = true, .cl = 50, .ka = true,
	  .kind = HTTP_RESPONSE_BODY_NONE, .body = "" },
	{ .name = "status_100_continue_has_no_body",
	  S("HTTP/1.1 100 Continue\r\n\r\n" PIPE_A),
	  .rc = sizeof("HTTP/1.1 100 Continue\r\n\r\n") - 1, .status = 100,
	  .minor = 1, .reason = "Continue", .ka = true,
	  .kind = HTTP_RESPONSE_BODY_NONE, .body = "" },
	{ .name = "head_response_content_length_has_no_body", .head = true,
	  S(OK11 "Content-Length: 51\r\n\r\n"),
	  .status = 200, .minor = 1, .has_cl = true, .cl = 51, .ka = true,
	  .kind = HTTP_RESPONSE_BODY_NONE, .body = "" },
	{ .name = "head_response_chunked_has_no_body", .head = true,
	  S(OK11 TE "\r\n" PIPE_A), .rc = sizeof(OK11 TE "\r\n") - 1,
	  .status = 200, .minor = 1, .chunked = true, .ka = true,
	  .kind = HTTP_RESPONSE_BODY_NONE, .body = "" },
	{ .name = "http10_without_length_reads_until_close", .eof = true,
	  S(OK10 "Server: x\r\n\r\nall of\r\nthis\r\n\r\n"),
	  .status = 200, .minor = 0, .kind = HTTP_RESPONSE_BODY_CLOSE,
	  .body = "all of\r\nthis\r\n\r\n" },
	{ .name = "http10_keep_alive_without_length_still_closes", .eof = true,
	  S(OK10 "Connection: keep-alive\r\n\r\nabc"),
	  .status = 200, .minor = 0, .kind = HTTP_RESPONSE_BODY_CLOSE, .body = "abc" },
	{ .name = "http11_without_length_reads_until_close", .eof = true,
	  S(OK11 "\r\nabc"),
	  .status = 200, .minor = 1, .kind = HTTP_RESPONSE_BODY_CLOSE, .body = "abc" },
	{ .name = "until_close_empty_body_at_eof", .eof = true, S(OK10 "\r\n"),
	  .status = 200, .minor = 0, .kind = HTTP_RESPONSE_BODY_CLOSE, .body = "" },
	{ .name = "until_close_waits_without_eof", S(OK10 "\r\nabc"),
	  .rc = HTTP_RESPONSE_INCOMPLETE, .status = 200, .minor = 0,
	  .kind = HTTP_RESPONSE_BODY_CLOSE, .body = "abc" },
	{ .name = "empty_reason_phrase_ok", S("HTTP/1.1 200 \r\n" CL5 "\r\nhello"),
	  .status = 200, .minor = 1, .reason = "", .has_cl = true, .cl = 5,
	  .ka = true, .kind = HTTP_RESPONSE_BODY_LENGTH, .body = "hello" },
	{ .name = "reason_with_spaces_tabs_and_obs_text",
	  S("HTTP/1.1 404 Not \tF\xc3\xb6und \r\nContent-Length: 0\r\n\r\n"),
	  .status = 404, .minor = 1, .reason = "Not \tF\xc3\xb6und ",
	  .has_cl = true, .ka = true, .kind = HTTP_RESPONSE_BODY_LENGTH,
	  .body = "" },
	{ .name = "status_599_and_unknown_reason_ok",
	  S("HTTP/1.1 599 Whatever\r\nContent-Length: 0\r\n\r\n"),
	  .status = 599, .minor = 1, .reason = "Whatever", .has_cl = true,
	  .ka = true, .kind = HTTP_RESPONSE_BODY_LENGTH, .body = "" },
	{ .name = "ows_trimmed_from_values",
	  S(OK11 "X-A: \t b c \t \r\n" CL5 "\r\nhello"),
	  .status = 200, .minor = 1, .has_cl = true, .cl = 5, .ka = true,
	  .kind = HTTP_RESPONSE_BODY_LENGTH, .body = "hello", .nh = 2,
	  .hname = "x-a", .hval = "b c" },
	{ .name = "empty_value_ok", S(OK11 "X-Empty:\r\nX-Ows: \t \r\n" CL5
				      "\r\nhello"),
	  .status = 200, .minor = 1, .has_cl = true, .cl = 5, .ka = true,
	  .kind = HTTP_RESPONSE_BODY_LENGTH, .body = "hello", .nh = 3,
	  .hname = "x-ows", .hval = "" },
	{ .name = "status_line_exactly_at_limit", .in = status_line_ok,
	  .status = 200, .minor = 1, .has_cl = true, .cl = 0, .ka = true,
	  .kind = HTTP_RESPONSE_BODY_LENGTH, .body = "" },
	{ .name = "default_64_headers_ok", .in = headers_64,
	  .status = 200, .minor = 1, .has_cl = true, .cl = 0, .ka = true,
	  .kind = HTTP_RESPONSE_BODY_LENGTH, .body = "", .nh = 64 },
	{ .name = "default_header_bytes_exactly_at_limit",
	  .in = header_bytes_ok, .status = 200, .minor = 1, .has_cl = true,
	  .cl = 0, .ka = true, .kind = HTTP_RESPONSE_BODY_LENGTH, .body = "" },
	{ .name = "tight_limits_reached_exactly_ok", .lim = &tight,
	  S("HTTP/1.1 200 Success\r\nA: 123456789\r\nB: 2\r\n"
	    "Content-Length: 10\r\n"
	    "\r\n0123456789"),
	  .status = 200, .minor = 1, .has_cl = true, .cl = 10, .ka = true,
	  .kind = HTTP_RESPONSE_BODY_LENGTH, .body = "0123456789", .nh = 3 },
	{ .name = "big_content_length_body", .in = big_body, .status = 200,
	  .minor = 1, .has_cl = true, .cl = 9000, .ka = true,
	  .kind = HTTP_RESPONSE_BODY_LENGTH, .body = big_body_data },
	{ .name = "many_small_chunks", .in = many_chunks, .status = 200,
	  .minor = 1, .chunked = true, .ka = true,
	  .kind = HTTP_RESPONSE_BODY_CHUNKED, .body = many_chunks_data },

	/* status line */
	BAD("http2_version_refused", "HTTP/2.0 200 OK\r\n\r\n",
	    HTTP_RESPONSE_E_VERSION),
	BAD("http12_version_refused", "HTTP/1.2 200 OK\r\n\r\n",
	    HTTP_RESPONSE_E_VERSION),
	BAD("http09_version_refused", "HTTP/0.9 200 OK\r\n\r\n",
	    HTTP_RESPONSE_E_VERSION),
	BAD("lowercase_http_is_syntax", "http/1.1 200 OK\r\n\r\n",
	    HTTP_RESPONSE_E_SYNTAX),
	BAD("two_digit_minor_is_syntax", "HTTP/1.10 200 OK\r\n\r\n",
	    HTTP_RESPONSE_E_SYNTAX),
	BAD("version_without_dot_is_syntax", "HTTP/11 200 OK\r\n\r\n",
	    HTTP_RESPONSE_E_SYNTAX),
	BAD("status_two_digits", "HTTP/1.1 20 OK\r\n\r\n", HTTP_RESPONSE_E_SYNTAX),
	BAD("status_four_digits", "HTTP/1.1 2000 OK\r\n\r\n",
	    HTTP_RESPONSE_E_SYNTAX),
	BAD("status_600_refused", "HTTP/1.1 600 X\r\n\r\n", HTTP_RESPONSE_E_SYNTAX),
	BAD("status_099_refused", "HTTP/1.1 099 X\r\n\r\n", HTTP_RESPONSE_E_SYNTAX),
	BAD("status_not_digits", "HTTP/1.1 2x0 OK\r\n\r\n", HTTP_RESPONSE_E_SYNTAX),
	BAD("missing_space_after_status", "HTTP/1.1 200\r\n\r\n",
	    HTTP_RESPONSE_E_SYNTAX),
	BAD("two_spaces_before_status", "HTTP/1.1  200 OK\r\n\r\n",
	    HTTP_RESPONSE_E_SYNTAX),
	BAD("tab_before_status", "HTTP/1.1\t200 OK\r\n\r\n", HTTP_RESPONSE_E_SYNTAX),
	BAD("ctl_in_reason", "HTTP/1.1 200 O\x01K\r\n\r\n", HTTP_RESPONSE_E_SYNTAX),
	BAD("nul_in_reason", "HTTP/1.1 200 O\0K\r\n\r\n", HTTP_RESPONSE_E_SYNTAX),
	BAD("del_in_reason", "HTTP/1.1 200 O\x7fK\r\n\r\n", HTTP_RESPONSE_E_SYNTAX),
	{ .name = "bare_lf_after_status_line_refused",
	  S("HTTP/1.1 200 OK\n" CL5 "\r\nhello"), .rc = HTTP_RESPONSE_INVALID,
	  .err = HTTP_RESPONSE_E_SYNTAX, AT(15) },
	BAD("bare_cr_in_status_line", "HTTP/1.1 200 OK\rX\n\r\n",
	    HTTP_RESPONSE_E_SYNTAX),
	{ .name = "leading_crlf_before_status_line_refused",
	  S("\r\n" OK11 CL5 "\r\nhello"), .rc = HTTP_RESPONSE_INVALID,
	  .err = HTTP_RESPONSE_E_SYNTAX, AT(0) },
	BAD("request_instead_of_response", "GET / HTTP/1.1\r\n\r\n",
	    HTTP_RESPONSE_E_SYNTAX),
	BAD("h2_preface_refused", "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n",
	    HTTP_RESPONSE_E_SYNTAX),

	/* fields */
	{ .name = "bare_lf_after_field_refused",
	  S(OK11 "X: y\nContent-Length: 0\r\n\r\n"), .rc = HTTP_RESPONSE_INVALID,
	  .err = HTTP_RESPONSE_E_SYNTAX, AT(sizeof(OK11 "X: y") - 1) },
	BAD("bare_lf_blank_line_refused", OK11 CL5 "\n", HTTP_RESPONSE_E_SYNTAX),
	BAD("bare_cr_in_value", OK11 "X: a\rb\r\n\r\n", HTTP_RESPONSE_E_SYNTAX),
	BAD("obs_fold_refused", OK11 "X: a\r\n b\r\n\r\n", HTTP_RESPONSE_E_SYNTAX),
	BAD("whitespace_before_first_field_refused", OK11 " X: a\r\n\r\n",
	    HTTP_RESPONSE_E_SYNTAX),
	BAD("space_before_colon_refused", OK11 "Content-Length : 5\r\n\r\nhello",
	    HTTP_RESPONSE_E_SYNTAX),
	BAD("empty_field_name_refused", OK11 ": x\r\n\r\n", HTTP_RESPONSE_E_SYNTAX),
	BAD("field_without_colon_refused", OK11 "XY\r\n\r\n",
	    HTTP_RESPONSE_E_SYNTAX),
	BAD("non_token_field_name_refused", OK11 "X(Y): z\r\n\r\n",
	    HTTP_RESPONSE_E_SYNTAX),
	BAD("nul_in_value_refused", OK11 "X: a\0b\r\n\r\n", HTTP_RESPONSE_E_SYNTAX),
	BAD("ctl_in_value_refused", OK11 "X: a\x1b[0m\r\n\r\n",
	    HTTP_RESPONSE_E_SYNTAX),

	/* framing */
	BAD("content_length_not_digits", OK11 "Content-Length: 5a\r\n\r\n",
	    HTTP_RESPONSE_E_CONTENT_LENGTH),
	BAD("content_length_plus_sign", OK11 "Content-Length: +5\r\n\r\n",
	    HTTP_RESPONSE_E_CONTENT_LENGTH),
	BAD("content_length_negative", OK11 "Content-Length: -1\r\n\r\n",
	    HTTP_RESPONSE_E_CONTENT_LENGTH),
	BAD("content_length_empty", OK11 "Content-Length:\r\n\r\n",
	    HTTP_RESPONSE_E_CONTENT_LENGTH),
	BAD("content_length_list_refused", OK11 "Content-Length: 5, 5\r\n\r\n",
	    HTTP_RESPONSE_E_CONTENT_LENGTH),
	BAD("content_length_inner_space_refused",
	    OK11 "Content-Length: 5 5\r\n\r\n", HTTP_RESPONSE_E_CONTENT_LENGTH),
	BAD("content_length_int64_overflow",
	    OK11 "Content-Length: 9223372036854775808\r\n\r\n",
	    HTTP_RESPONSE_E_CONTENT_LENGTH),
	BAD("content_length_huge_overflow",
	    OK11 "Content-Length: 99999999999999999999999999\r\n\r\n",
	    HTTP_RESPONSE_E_CONTENT_LENGTH),
	{ .name = "content_length_duplicates_differ",
	  S(OK11 CL5 "Content-Length: 6\r\n\r\nhello!"), .rc = HTTP_RESPONSE_INVALID,
	  .err = HTTP_RESPONSE_E_CONTENT_LENGTH,
	  AT(sizeof(OK11 CL5 "Content-Length: 6\r") - 1) },
	BAD("transfer_coding_gzip_refused",
	    OK11 "Transfer-Encoding: gzip\r\n\r\n", HTTP_RESPONSE_E_TRANSFER_CODING),
	BAD("chunked_not_final_refused",
	    OK11 "Transfer-Encoding: chunked, gzip\r\n\r\n",
	    HTTP_RESPONSE_E_TRANSFER_CODING),
	BAD("chunked_twice_refused", OK11 TE TE "\r\n0\r\n\r\n",
	    HTTP_RESPONSE_E_TRANSFER_CODING),
	BAD("chunked_with_parameter_refused",
	    OK11 "Transfer-Encoding: chunked;q=1\r\n\r\n",
	    HTTP_RESPONSE_E_TRANSFER_CODING),
	{ .name = "chunked_with_content_length_refused",
	  S(OK11 TE CL5 "\r\n0\r\n\r\n"), .rc = HTTP_RESPONSE_INVALID,
	  .err = HTTP_RESPONSE_E_TRANSFER_CODING,
	  AT(sizeof(OK11 TE CL5 "\r") - 1) },
	BAD("chunked_on_http10_refused", OK10 TE "\r\n0\r\n\r\n",
	    HTTP_RESPONSE_E_TRANSFER_CODING),

	/* chunked bodies */
	BAD("chunk_size_not_hex", OK11 TE "\r\n5g\r\nhello\r\n0\r\n\r\n",
	    HTTP_RESPONSE_E_CHUNK),
	BAD("chunk_size_0x_prefix", OK11 TE "\r\n0x5\r\nhello\r\n0\r\n\r\n",
	    HTTP_RESPONSE_E_CHUNK),
	BAD("chunk_size_empty", OK11 TE "\r\n\r\nhello\r\n0\r\n\r\n",
	    HTTP_RESPONSE_E_CHUNK),
	BAD("chunk_size_negative", OK11 TE "\r\n-5\r\nhello\r\n0\r\n\r\n",
	    HTTP_RESPONSE_E_CHUNK),
	BAD("chunk_size_leading_space", OK11 TE "\r\n 5\r\nhello\r\n0\r\n\r\n",
	    HTTP_RESPONSE_E_CHUNK),
	BAD("chunk_size_17_hex_digits",
	    OK11 TE "\r\n00000000000000005\r\nhello\r\n0\r\n\r\n",
	    HTTP_RESPONSE_E_CHUNK),
	BAD("chunk_size_trailing_space_without_ext",
	    OK11 TE "\r\n5 \r\nhello\r\n0\r\n\r\n", HTTP_RESPONSE_E_CHUNK),
	BAD("chunk_size_bare_lf", OK11 TE "\r\n5\nhello\r\n0\r\n\r\n",
	    HTTP_RESPONSE_E_CHUNK),
	BAD("chunk_ext_ctl_refused", OK11 TE "\r\n5;a\x01\r\nhello\r\n0\r\n\r\n",
	    HTTP_RESPONSE_E_CHUNK),
	BAD("chunk_ext_bare_lf_refused", OK11 TE "\r\n5;a\nhello\r\n0\r\n\r\n",
	    HTTP_RESPONSE_E_CHUNK),
	{ .name = "chunk_ext_too_long", .in = ext_too_long,
	  .rc = HTTP_RESPONSE_INVALID, .err = HTTP_RESPONSE_E_CHUNK },
	{ .name = "chunk_data_longer_than_size",
	  S(OK11 TE "\r\n3\r\nhello\r\n0\r\n\r\n"), .rc = HTTP_RESPONSE_INVALID,
	  .err = HTTP_RESPONSE_E_CHUNK, .body = "hel",
	  AT(sizeof(OK11 TE "\r\n3\r\nhel") - 1) },
	{ .name = "chunk_data_lf_only_after_data",
	  S(OK11 TE "\r\n5\r\nhello\n0\r\n\r\n"), .rc = HTTP_RESPONSE_INVALID,
	  .err = HTTP_RESPONSE_E_CHUNK, .body = "hello" },
	BAD("trailer_obs_fold_refused",
	    OK11 TE "\r\n0\r\nX: y\r\n z\r\n\r\n", HTTP_RESPONSE_E_SYNTAX),
	BAD("trailer_without_colon_refused", OK11 TE "\r\n0\r\nXY\r\n\r\n",
	    HTTP_RESPONSE_E_SYNTAX),
	BAD("trailer_bare_lf_refused", OK11 TE "\r\n0\r\nX: y\n\r\n",
	    HTTP_RESPONSE_E_SYNTAX),
	BAD("final_crlf_bare_lf_refused", OK11 TE "\r\n0\r\n\n",
	    HTTP_RESPONSE_E_SYNTAX),

	/* limits */
	{ .name = "status_line_over_limit_fails_early", .lim = &tight,
	  S("HTTP/1.1 200 OK-OK-OK!\r\n\r\n"), .rc = HTTP_RESPONSE_INVALID,
	  .err = HTTP_RESPONSE_E_STATUS_LINE_LONG, AT(20) },
	{ .name = "default_status_line_over_limit", .in = status_line_over,
	  .rc = HTTP_RESPONSE_INVALID, .err = HTTP_RESPONSE_E_STATUS_LINE_LONG,
	  AT(HTTP_RESPONSE_DEFAULT_MAX_STATUS_LINE) },
	{ .name = "header_bytes_over_limit_fails_early", .lim = &tight,
	  S("HTTP/1.1 200 OK\r\nX-1: 0123456789012345678901234567890123456789\r\n\r\n"),
	  .rc = HTTP_RESPONSE_INVALID, .err = HTTP_RESPONSE_E_HEADER_BYTES,
	  AT(17 + 40) },
	{ .name = "default_header_bytes_over_limit", .in = header_bytes_over,
	  .rc = HTTP_RESPONSE_INVALID, .err = HTTP_RESPONSE_E_HEADER_BYTES },
	{ .name = "too_many_headers_fails_at_the_extra_field", .lim = &tight,
	  S(OK11 "A: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\n\r\n"),
	  .rc = HTTP_RESPONSE_INVALID, .err = HTTP_RESPONSE_E_HEADER_COUNT,
	  AT(sizeof(OK11 "A: 1\r\nB: 2\r\nC: 3\r\n") - 1) },
	{ .name = "default_65_headers_refused", .in = headers_65,
	  .rc = HTTP_RESPONSE_INVALID, .err = HTTP_RESPONSE_E_HEADER_COUNT },
	{ .name = "trailers_over_header_bytes", .lim = &tight,
	  S(OK11 TE "\r\n1\r\nx\r\n0\r\nX: 0123456789\r\nY: 0123456789\r\n"
	    "Z: 0123456789\r\n\r\n"),
	  .rc = HTTP_RESPONSE_INVALID, .err = HTTP_RESPONSE_E_HEADER_BYTES,
	  .body = "x" },
	{ .name = "content_length_over_max_body", .lim = &tight,
	  S(OK11 "Content-Length: 11\r\n\r\n0123456789a"),
	  .rc = HTTP_RESPONSE_INVALID, .err = HTTP_RESPONSE_E_BODY_TOO_LARGE },
	{ .name = "chunked_over_max_body_fails_at_size", .lim = &tight,
	  S(OK11 TE "\r\n5\r\nhello\r\n6\r\nworld!\r\n0\r\n\r\n"),
	  .rc = HTTP_RESPONSE_INVALID, .err = HTTP_RESPONSE_E_BODY_TOO_LARGE,
	  .body = "hello",
	  AT(sizeof(OK11 TE "\r\n5\r\nhello\r\n") - 1) },
	{ .name = "chunked_huge_size_over_max_body",
	  S(OK11 TE "\r\nffffffffffffffff\r\n"), .lim = &tight,
	  .rc = HTTP_RESPONSE_INVALID, .err = HTTP_RESPONSE_E_BODY_TOO_LARGE },
	{ .name = "until_close_over_max_body_stops_at_limit", .lim = &tight,
	  .eof = true, S(OK10 "\r\n0123456789abc"), .rc = HTTP_RESPONSE_INVALID,
	  .err = HTTP_RESPONSE_E_BODY_TOO_LARGE, .body = "0123456789",
	  AT(sizeof(OK10 "\r\n0123456789") - 1) },

	/* incomplete and truncated */
	{ .name = "head_without_blank_line_is_incomplete", S(OK11 CL5),
	  .rc = HTTP_RESPONSE_INCOMPLETE },
	{ .name = "empty_input_is_incomplete", S(""),
	  .rc = HTTP_RESPONSE_INCOMPLETE },
	{ .name = "short_body_is_incomplete", S(OK11 CL5 "\r\nhel"),
	  .rc = HTTP_RESPONSE_INCOMPLETE, .status = 200, .minor = 1,
	  .has_cl = true, .cl = 5, .ka = true, .kind = HTTP_RESPONSE_BODY_LENGTH,
	  .body = "hel" },
	{ .name = "chunked_incomplete_in_trailers",
	  S(OK11 TE "\r\n1\r\na\r\n0\r\nX: y\r\n"), .rc = HTTP_RESPONSE_INCOMPLETE,
	  .status = 200, .minor = 1, .chunked = true, .ka = true,
	  .kind = HTTP_RESPONSE_BODY_CHUNKED, .body = "a" },
	{ .name = "eof_in_body_is_truncated", .eof = true,
	  S(OK11 CL5 "\r\nhel"), .rc = HTTP_RESPONSE_INVALID,
	  .err = HTTP_RESPONSE_E_TRUNCATED, .body = "hel",
	  AT(sizeof(OK11 CL5 "\r\nhel") - 1) },
	{ .name = "eof_in_head_is_truncated", .eof = true, S(OK11 CL5),
	  .rc = HTTP_RESPONSE_INVALID, .err = HTTP_RESPONSE_E_TRUNCATED },
	{ .name = "eof_in_chunked_body_is_truncated", .eof = true,
	  S(OK11 TE "\r\n5\r\nhello\r\n"), .rc = HTTP_RESPONSE_INVALID,
	  .err = HTTP_RESPONSE_E_TRUNCATED, .body = "hello" },
	{ .name = "eof_before_any_byte_is_a_clean_close", .eof = true, S(""),
	  .rc = 0 },
};
/* clang-format on */

/* ---- running a case ---------------------------------------------------- */

#define BODY_MAX 16384

/* What one feeding of an input gave. */
struct resp_run {
	int64_t rc;
	enum http_response_err err;
	size_t err_off;
	uint64_t scanned;
	size_t calls;
	struct http_response r;
	bool head_seen;
	const char *buf; /* the buffer of the last call */
	size_t len;
	char body[BODY_MAX];
	size_t body_len;
};

static bool
within(const char *p, size_t n, const char *buf, size_t len)
{
	return p >= buf && n <= len && (size_t)(p - buf) <= len - n;
}

/* on_body: a span of the buffer being parsed, never past its end. */
static void
sink_body(void *arg, const char *data, size_t len)
{
	struct resp_run *run = arg;

	assert_true(len > 0);
	assert_true(within(data, len, run->buf, run->len));
	assert_true(run->body_len + len <= BODY_MAX);
	memcpy(run->body + run->body_len, data, len);
	run->body_len += len;
}

/*
 * Feed the input as prefixes ending at cuts[] (nondecreasing), then
 * whole, then EOF when the case says so; each piece a fresh copy at the
 * guard page. Stops at the first answer that is not INCOMPLETE.
 */
static void
feed(const struct resp_case *c, size_t n, const size_t *cuts, size_t ncuts,
     struct resp_run *run)
{
	static struct http_response_parser p;
	size_t end;
	const char *buf;

	memset(run, 0, sizeof(*run));
	http_response_parser_init(&p, c->lim, sink_body, run);
	http_response_parser_reset(&p, c->head);
	run->rc = HTTP_RESPONSE_INCOMPLETE;
	for (size_t i = 0; i <= ncuts && run->rc == HTTP_RESPONSE_INCOMPLETE;
	     i++) {
		end = i < ncuts ? cuts[i] : n;
		buf = guard_page_at(c->in, end);
		run->buf = buf;
		run->len = end;
		run->calls++;
		if (i == ncuts && c->eof)
			run->rc =
				http_response_parse_eof(&p, buf, end, &run->r);
		else
			run->rc = http_response_parse(&p, buf, end, &run->r);
		/* Nothing is scanned twice: never more than what was given. */
		assert_true(p.scanned <= end);
		if (run->rc == HTTP_RESPONSE_INCOMPLETE)
			assert_int_equal(p.scanned, end);
		if (run->r.head_len)
			run->head_seen = true;
	}
	run->err = p.err;
	run->err_off = p.err_off;
	run->scanned = p.scanned;
}

static void
check_run(const struct resp_case *c, size_t n, const struct resp_run *run)
{
	const struct http_response *r = &run->r;
	int64_t want = c->rc == WHOLE ? (int64_t)n : c->rc;

	assert_int_equal(run->rc, want);
	if (run->rc == HTTP_RESPONSE_INVALID) {
		assert_int_equal(run->err, c->err);
		if (c->at1)
			assert_int_equal(run->err_off, c->at1 - 1);
	}
	if (run->rc > 0)
		assert_int_equal(run->scanned, run->rc);
	if (c->body) {
		assert_int_equal(run->body_len, strlen(c->body));
		assert_memory_equal(run->body, c->body, run->body_len);
	} else {
		assert_int_equal(run->body_len, 0);
	}
	if (!c->status)
		return;
	assert_true(run->head_seen);
	assert_int_equal(r->status, c->status);
	assert_int_equal(r->minor_version, c->minor);
	assert_int_equal(r->content_length, c->has_cl ? c->cl : -1);
	assert_int_equal(r->chunked, c->chunked);
	assert_int_equal(r->keep_alive, c->ka);
	assert_int_equal(r->body_kind, c->kind);
	if (c->nh)
		assert_int_equal(r->num_headers, c->nh);
	if (run->rc < 0)
		return;
	/* Complete: r points into the last buffer, which still holds it. */
	assert_true(r->head_len <= (size_t)run->rc);
	assert_true(within(r->reason, r->reason_len, run->buf, r->head_len));
	if (c->reason) {
		assert_int_equal(r->reason_len, strlen(c->reason));
		assert_memory_equal(r->reason, c->reason, r->reason_len);
	}
	for (size_t i = 0; i < r->num_headers; i++) {
		const struct http_header *h = &r->headers[i];

		assert_true(h->name_len > 0);
		assert_true(
			within(h->name, h->name_len, run->buf, r->head_len));
		assert_true(
			within(h->value, h->value_len, run->buf, r->head_len));
	}
	if (c->hname) {
		int i = http_response_find_header(r, c->hname);

		assert_true(i >= 0);
		assert_int_equal(r->headers[i].value_len, strlen(c->hval));
		assert_memory_equal(r->headers[i].value, c->hval,
				    r->headers[i].value_len);
	}
	if (r->body_kind == HTTP_RESPONSE_BODY_CHUNKED) {
		assert_null(r->body);
		assert_int_equal(r->body_len, run->body_len);
	} else {
		/* Zero copy: the body is the span of buf after the head. */
		assert_ptr_equal(r->body, run->buf + r->head_len);
		assert_int_equal(r->body_len, run->body_len);
		assert_int_equal(r->head_len + r->body_len, (size_t)run->rc);
	}
}

static intptr_t
rel(const char *p, const char *buf)
{
	return p - buf;
}

/* Two feedings of one input gave the same answer, fields at the same
 * offsets (of the buffer each filled r from). */
static void
assert_same_run(const struct resp_run *a, const struct resp_run *b)
{
	assert_int_equal(a->rc, b->rc);
	assert_int_equal(a->err, b->err);
	assert_int_equal(a->err_off, b->err_off);
	assert_int_equal(a->scanned, b->scanned);
	assert_int_equal(a->body_len, b->body_len);
	assert_memory_equal(a->body, b->body, a->body_len);
	assert_int_equal(a->head_seen, b->head_seen);
	if (!a->head_seen)
		return;
	assert_int_equal(a->r.status, b->r.status);
	assert_int_equal(a->r.minor_version, b->r.minor_version);
	assert_int_equal(a->r.head_len, b->r.head_len);
	assert_int_equal(a->r.num_headers, b->r.num_headers);
	assert_int_equal(a->r.content_length, b->r.content_length);
	assert_int_equal(a->r.chunked, b->r.chunked);
	assert_int_equal(a->r.keep_alive, b->r.keep_alive);
	assert_int_equal(a->r.body_kind, b->r.body_kind);
	assert_int_equal(a->r.body_len, b->r.body_len);
	if (a->rc < 0)
		return;
	assert_int_equal(rel(a->r.reason, a->buf), rel(b->r.reason, b->buf));
	assert_int_equal(a->r.reason_len, b->r.reason_len);
	for (size_t i = 0; i < a->r.num_headers; i++) {
		const struct http_header *x = &a->r.headers[i];
		const struct http_header *y = &b->r.headers[i];

		assert_int_equal(rel(x->name, a->buf), rel(y->name, b->buf));
		assert_int_equal(x->name_len, y->name_len);
		assert_int_equal(rel(x->value, a->buf), rel(y->value, b->buf));
		assert_int_equal(x->value_len, y->value_len);
	}
}

/*
 * The whole input at once; then split in two at every offset (the first
 * piece also being what a fresh parser says of a prefix), in three around
 * it, and one byte per call: always the same answer. Big inputs: a stride
 * of offsets plus both ends.
 */
static void
run_resp_case(void **state)
{
	const struct resp_case *c = *state;
	size_t n = c->len ? c->len : strlen(c->in), cut[2];
	static struct resp_run whole, part;
	static size_t ones[GUARD_PAGE_AREA];

	feed(c, n, NULL, 0, &whole);
	check_run(c, n, &whole);
	for (size_t k = 0; k <= n; k++) {
		if (n > 4096 && k > 64 && k + 64 < n && k % 61)
			continue;
		cut[0] = k;
		feed(c, n, cut, 1, &part);
		assert_same_run(&part, &whole);
		if (part.calls == 1 && k < n) {
			/* A prefix answered: it must be what the whole says. */
			assert_true(whole.rc == HTTP_RESPONSE_INVALID ||
				    (whole.rc >= 0 && (size_t)whole.rc <= k));
		}
		if (k + 3 <= n) {
			cut[1] = k + 3;
			feed(c, n, cut, 2, &part);
			assert_same_run(&part, &whole);
		}
	}
	for (size_t k = 0; k < n; k++)
		ones[k] = k + 1;
	feed(c, n, ones, n, &part);
	assert_same_run(&part, &whole);
	/* Byte by byte, every byte is scanned once: the bound is 2x. */
	assert_true(part.scanned <= 2 * (uint64_t)n);
	assert_true(part.calls <= n + 1);
}

/* ---- fixed tests --------------------------------------------------------- */

struct pipe_sink {
	char body[256];
	size_t len;
};

static void
pipe_body(void *arg, const char *data, size_t len)
{
	struct pipe_sink *s = arg;

	assert_true(s->len + len <= sizeof(s->body));
	memcpy(s->body + s->len, data, len);
	s->len += len;
}

#define PIPELINE                                                               \
	OK11 CL5 "\r\nhello"                                                   \
		 "HTTP/1.1 200 OK\r\n" TE "\r\n3\r\nabc\r\n0\r\n\r\n"          \
		 "HTTP/1.1 200 OK\r\nContent-Length: 7\r\n\r\n"                \
		 "HTTP/1.1 204 No Content\r\n\r\n"                             \
		 "HTTP/1.0 200 OK\r\nConnection: close\r\n" CL5 "\r\nworld"

static const struct {
	int status;
	bool head;
	bool ka;
	const char *body;
} pipe_want[] = {
	{200, false, true, "hello"},  {200, false, true, "abc"},
	{200, true, true, ""},	      {204, false, true, ""},
	{200, false, false, "world"},
};

/*
 * Responses back to back in one buffer, the third to a HEAD request: each
 * parse returns the length of one response, the next starts there.
 * Parsed once with all bytes present, then with the bytes arriving one
 * at a time: the same responses, every byte scanned once.
 */
static void
test_http_response_pipelined_back_to_back(void **state)
{
	static const char in[] = PIPELINE;
	const size_t n = sizeof(in) - 1;
	struct http_response_parser p;
	struct http_response r;
	struct pipe_sink sink;

	for (int bytewise = 0; bytewise < 2; bytewise++) {
		size_t start = 0, avail = bytewise ? 0 : n, idx = 0;
		uint64_t scanned = 0;
		const char *buf;
		int64_t rc;

		http_response_parser_init(&p, NULL, pipe_body, &sink);
		http_response_parser_reset(&p, pipe_want[0].head);
		memset(&sink, 0, sizeof(sink));
		while (idx < ARRAY_SIZE(pipe_want)) {
			buf = guard_page_at(in, avail);
			rc = http_response_parse(&p, buf + start, avail - start,
						 &r);
			if (rc == HTTP_RESPONSE_INCOMPLETE) {
				assert_true(avail < n);
				avail++;
				continue;
			}
			assert_true(rc > 0);
			assert_int_equal(r.status, pipe_want[idx].status);
			assert_int_equal(r.keep_alive, pipe_want[idx].ka);
			assert_int_equal(sink.len, strlen(pipe_want[idx].body));
			assert_memory_equal(sink.body, pipe_want[idx].body,
					    sink.len);
			scanned += p.scanned;
			start += (size_t)rc;
			if (++idx < ARRAY_SIZE(pipe_want))
				http_response_parser_reset(&p,
							   pipe_want[idx].head);
			memset(&sink, 0, sizeof(sink));
		}
		assert_int_equal(start, n);
		assert_int_equal(scanned, n);
	}
}

/* Bytes scanned over a byte-by-byte feed of a chunked response with
 * trailers: each byte once, against picohttpparser's rescans. */
static void
test_http_response_bytewise_scans_each_byte_once(void **state)
{
	static const char in[] =
		"HTTP/1.1 200 OK\r\nServer: linerate\r\nX-Long: "
		"0123456789012345678901234567890123456789\r\n" TE "\r\n"
		"10;ext=1\r\n0123456789abcdef\r\n1\r\n!\r\n0\r\nT: 1\r\n\r\n";
	const size_t n = sizeof(in) - 1;
	struct http_response_parser p;
	struct http_response r;
	int64_t rc = HTTP_RESPONSE_INCOMPLETE;
	size_t k;

	http_response_parser_init(&p, NULL, NULL, NULL);
	for (k = 1; k <= n && rc == HTTP_RESPONSE_INCOMPLETE; k++) {
		rc = http_response_parse(&p, guard_page_at(in, k), k, &r);
		assert_int_equal(p.scanned, k);
	}
	assert_int_equal(rc, (int64_t)n);
	assert_int_equal(k - 1, n);
	assert_true(p.scanned <= 2 * n);
	assert_int_equal(r.body_len, 17);
}

static void
test_http_response_errors_are_sticky_until_reset(void **state)
{
	static const char bad[] = "HTTP/1.1 2x0 OK\r\n\r\n";
	static const char good[] =
		"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
	struct http_response_parser p;
	struct http_response r;

	http_response_parser_init(&p, NULL, NULL, NULL);
	assert_int_equal(http_response_parse(&p, bad, sizeof(bad) - 1, &r),
			 HTTP_RESPONSE_INVALID);
	assert_int_equal(p.err, HTTP_RESPONSE_E_SYNTAX);
	assert_int_equal(p.err_off, 10);
	assert_string_equal(http_response_strerror(p.err), "syntax");
	assert_int_equal(http_response_parse(&p, good, sizeof(good) - 1, &r),
			 HTTP_RESPONSE_INVALID);
	assert_int_equal(
		http_response_parse_eof(&p, good, sizeof(good) - 1, &r),
		HTTP_RESPONSE_INVALID);
	http_response_parser_reset(&p, false);
	assert_int_equal(http_response_parse(&p, good, sizeof(good) - 1, &r),
			 (int64_t)sizeof(good) - 1);
	assert_int_equal(p.err, HTTP_RESPONSE_E_NONE);
	/* A complete response answers the same again. */
	assert_int_equal(http_response_parse(&p, good, sizeof(good) - 1, &r),
			 (int64_t)sizeof(good) - 1);
}

static void
test_http_response_limits_default_and_cap(void **state)
{
	static const struct http_response_limits big = {
		.max_status_line = SIZE_MAX,
		.max_header_bytes = SIZE_MAX,
		.max_headers = 1000,
	};
	struct http_response_parser p;
	struct http_response r;

	http_response_parser_init(&p, NULL, NULL, NULL);
	assert_int_equal(p.lim.max_status_line,
			 HTTP_RESPONSE_DEFAULT_MAX_STATUS_LINE);
	assert_int_equal(p.lim.max_header_bytes,
			 HTTP_RESPONSE_DEFAULT_MAX_HEADER_BYTES);
	assert_int_equal(p.lim.max_headers, HTTP_RESPONSE_MAX_HEADERS);
	assert_true(p.lim.max_body == UINT64_MAX);
	http_response_parser_init(&p, &big, NULL, NULL);
	assert_int_equal(p.lim.max_headers, HTTP_RESPONSE_MAX_HEADERS);
	assert_int_equal(p.lim.max_status_line, (size_t)1 << 30);
	assert_int_equal(
		http_response_parse(&p, headers_65, strlen(headers_65), &r),
		HTTP_RESPONSE_INVALID);
	assert_int_equal(p.err, HTTP_RESPONSE_E_HEADER_COUNT);
	http_response_parser_reset(&p, false);
	assert_int_equal(
		http_response_parse(&p, headers_64, strlen(headers_64), &r),
		(int64_t)strlen(headers_64));
}

static void
test_http_response_strerror_names_every_error(void **state)
{
	for (int e = HTTP_RESPONSE_E_NONE; e <= HTTP_RESPONSE_E_TRUNCATED; e++)
		assert_string_not_equal(http_response_strerror(e), "unknown");
	assert_string_equal(
		http_response_strerror(HTTP_RESPONSE_E_TRUNCATED + 1),
		"unknown");
}

/* ---- generated inputs and main ------------------------------------------ */

static void
make_inputs(void)
{
	size_t line = HTTP_RESPONSE_DEFAULT_MAX_STATUS_LINE, v;
	char *p;

	/* "HTTP/1.1 200 RRR...R": exactly the limit, then one byte more. */
	for (int over = 0; over < 2; over++) {
		char *b = over ? status_line_over : status_line_ok;

		p = b + sprintf(b, "HTTP/1.1 200 ");
		v = line - 13 + (size_t)over;
		memset(p, 'R', v);
		strcpy(p + v, "\r\nContent-Length: 0\r\n\r\n");
	}

	p = headers_64 + sprintf(headers_64, OK11 "Content-Length: 0\r\n");
	for (int i = 1; i < HTTP_RESPONSE_MAX_HEADERS; i++)
		p += sprintf(p, "X-%02d: v\r\n", i);
	strcpy(p, "\r\n");
	strcpy(headers_65, headers_64);
	strcpy(headers_65 + strlen(headers_65) - 2, "X-64: v\r\n\r\n");

	/* One big field makes the section exactly 16384 bytes, or 16385. */
	for (int over = 0; over < 2; over++) {
		char *b = over ? header_bytes_over : header_bytes_ok;

		v = HTTP_RESPONSE_DEFAULT_MAX_HEADER_BYTES -
		    strlen("Content-Length: 0\r\n") - strlen("X: \r\n") +
		    (size_t)over;
		p = b + sprintf(b, OK11 "Content-Length: 0\r\nX: ");
		memset(p, 'v', v);
		strcpy(p + v, "\r\n\r\n");
	}

	p = ext_too_long + sprintf(ext_too_long, OK11 TE "\r\n1;");
	memset(p, 'e', HTTP_RESPONSE_CHUNK_EXT_MAX + 1);
	strcpy(p + HTTP_RESPONSE_CHUNK_EXT_MAX + 1, "\r\na\r\n0\r\n\r\n");

	for (size_t i = 0; i < 9000; i++)
		big_body_data[i] = (char)('a' + i % 26);
	p = big_body + sprintf(big_body, OK11 "Content-Length: 9000\r\n\r\n");
	memcpy(p, big_body_data, 9000);

	/* Chunks of 1..15 bytes, sizes in hex. */
	p = many_chunks + sprintf(many_chunks, OK11 TE "\r\n");
	v = 0;
	for (size_t sz = 1;
	     v + sz < sizeof(many_chunks_data) &&
	     (size_t)(p - many_chunks) + 32 + sz < sizeof(many_chunks);
	     sz = sz % 15 + 1) {
		p += sprintf(p, "%zx\r\n", sz);
		for (size_t i = 0; i < sz; i++, v++)
			many_chunks_data[v] = *p++ = (char)('A' + v % 26);
		p += sprintf(p, "\r\n");
	}
	strcpy(p, "0\r\n\r\n");
}

int
main(void)
{
	static const struct CMUnitTest fixed[] = {
		cmocka_unit_test(test_http_response_pipelined_back_to_back),
		cmocka_unit_test(
			test_http_response_bytewise_scans_each_byte_once),
		cmocka_unit_test(
			test_http_response_errors_are_sticky_until_reset),
		cmocka_unit_test(test_http_response_limits_default_and_cap),
		cmocka_unit_test(test_http_response_strerror_names_every_error),
	};
	static struct CMUnitTest
		tests[ARRAY_SIZE(resp_cases) + ARRAY_SIZE(fixed)];
	size_t n = 0;

	make_inputs();
	for (size_t i = 0; i < ARRAY_SIZE(resp_cases); i++)
		tests[n++] = (struct CMUnitTest){
			.name = resp_cases[i].name,
			.test_func = run_resp_case,
			.initial_state = &resp_cases[i],
		};
	for (size_t i = 0; i < ARRAY_SIZE(fixed); i++)
		tests[n++] = fixed[i];
	return cmocka_run_group_tests(tests, guard_page_setup,
				       guard_page_teardown);
}
