/* SPDX-License-Identifier: BSD-3-Clause */
/* test_mrc_json.c: the POST /event parser against tables and jansson. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "api/mrc_json.h"

#include "../ref/mrc_json_ref.h"
#include "digits.h"

/* A body with its length, so cases may hold NUL bytes. */
#define B(s) s, sizeof(s) - 1

struct body_case {
	const char *name;
	const char *body;
	size_t len;
	int rc;
	const char *user; /* expected userId when rc == 0 */
	double value;	  /* expected value when rc == 0 */
};

static const struct body_case valid_cases[] = {
	{"typical_1mrc_body",
	 B("{\"userId\": \"user_12345\", \"value\": 499.5}"), 0, "user_12345",
	 499.5},
	{"compact_integer", B("{\"userId\":\"u\",\"value\":1}"), 0, "u", 1},
	{"keys_in_reverse_order", B("{\"value\": -3.25, \"userId\": \"x\"}"), 0,
	 "x", -3.25},
	{"whitespace_everywhere",
	 B(" \t\r\n{ \n\"userId\" : \"a\" ,\r\"value\" :\t0 } \n"), 0, "a", 0},
	{"unknown_keys_of_every_type_ignored",
	 B("{\"a\":null,\"b\":true,\"c\":false,\"d\":[],\"e\":{},"
	   "\"f\":[1,\"x\",{\"g\":[null, [] ,{}]}],\"g\":\"s\",\"h\":-1.5e-3,"
	   "\"userId\":\"u\",\"value\":2}"),
	 0, "u", 2},
	{"duplicate_userId_last_wins",
	 B("{\"userId\":\"first\",\"userId\":\"second\",\"value\":1}"), 0,
	 "second", 1},
	{"duplicate_userId_non_string_then_string",
	 B("{\"userId\":5,\"userId\":\"s\",\"value\":1}"), 0, "s", 1},
	{"duplicate_value_last_wins",
	 B("{\"value\":1,\"value\":2,\"userId\":\"u\"}"), 0, "u", 2},
	{"keys_written_with_escapes",
	 B("{\"user\\u0049d\":\"u\",\"valu\\u0065\":3}"), 0, "u", 3},
	{"user_short_escapes",
	 B("{\"userId\":\"a\\\"b\\\\c\\/d\\be\\ff\\ng\\rh\\ti\",\"value\":1}"),
	 0, "a\"b\\c/d\be\ff\ng\rh\ti", 1},
	{"user_unicode_escapes_and_pair",
	 B("{\"userId\":\"\\u00e9\\u20AC\\ud83d\\ude00\\uDBFF\\uDFFF\","
	   "\"value\":1}"),
	 0, "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\xf4\x8f\xbf\xbf", 1},
	{"user_raw_utf8",
	 B("{\"userId\":\"\xc3\xbc\xe2\x82\xac\xf0\x9f\x98\x80\","
	   "\"value\":1}"),
	 0, "\xc3\xbc\xe2\x82\xac\xf0\x9f\x98\x80", 1},
	{"user_noncharacters_allowed",
	 B("{\"userId\":\"\xef\xbf\xbf\\uFFFE\",\"value\":1}"), 0,
	 "\xef\xbf\xbf\xef\xbf\xbe", 1},
	{"user_del_byte_allowed", B("{\"userId\":\"\x7f\",\"value\":1}"), 0,
	 "\x7f", 1},
	{"userId_inside_nested_object_not_used",
	 B("{\"x\":{\"userId\":\"no\",\"value\":\"no\"},\"userId\":\"yes\","
	   "\"value\":1}"),
	 0, "yes", 1},
	{"similar_keys_not_used",
	 B("{\"userid\":\"a\",\"\xc3\xbcserId\":\"b\",\"userIdx\":\"c\","
	   "\"userId\":\"u\",\"values\":\"x\",\"value\":7}"),
	 0, "u", 7},
	{"int64_min", B("{\"userId\":\"u\",\"value\":-9223372036854775808}"), 0,
	 "u", -9223372036854775808.0},
	{"int64_max", B("{\"userId\":\"u\",\"value\":9223372036854775807}"), 0,
	 "u", 9223372036854775807.0},
	{"exponent_forms",
	 B("{\"userId\":\"u\",\"value\":1E2,\"a\":1e+2,\"b\":1e-2,"
	   "\"c\":0e0,\"d\":-0.0e-0}"),
	 0, "u", 100},
	{"large_real", B("{\"userId\":\"u\",\"value\":1e308}"), 0, "u", 1e308},
	{"underflow_to_zero_is_fine", B("{\"userId\":\"u\",\"value\":1e-400}"),
	 0, "u", 0},
	{"just_below_overflow_threshold",
	 B("{\"userId\":\"u\",\"value\":0."
	   "17976931348623158079372897140530341507"
	   "9934132710037826936173778980444968292764750946649017977587207096330"
	   "2"
	   "8641669288791094655554785194040263065748867150582068190890200070838"
	   "3"
	   "6762738548458177115317644757302700698555713669596228429148198608349"
	   "3"
	   "647529271907416844436551070434271155969950809304288017790417449779"
	   "19999e309}"),
	 0, "u", 1.7976931348623157e308},
	{"depth_32_in_unknown_key",
	 B("{\"userId\":\"u\",\"value\":1,\"d\":"
	   "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}"),
	 0, "u", 1},
};

static const struct body_case invalid_cases[] = {
	{"empty_body", B(""), -EBADMSG},
	{"whitespace_only", B(" \n\t "), -EBADMSG},
	{"top_level_array", B("[{\"userId\":\"u\",\"value\":1}]"), -EBADMSG},
	{"top_level_string", B("\"userId\""), -EBADMSG},
	{"top_level_number", B("1"), -EBADMSG},
	{"two_objects", B("{\"userId\":\"u\",\"value\":1}{}"), -EBADMSG},
	{"trailing_garbage", B("{\"userId\":\"u\",\"value\":1}x"), -EBADMSG},
	{"trailing_comma_object", B("{\"userId\":\"u\",\"value\":1,}"),
	 -EBADMSG},
	{"trailing_comma_array", B("{\"a\":[1,],\"userId\":\"u\",\"value\":1}"),
	 -EBADMSG},
	{"leading_comma", B("{,\"userId\":\"u\",\"value\":1}"), -EBADMSG},
	{"missing_colon", B("{\"userId\" \"u\",\"value\":1}"), -EBADMSG},
	{"missing_comma", B("{\"userId\":\"u\" \"value\":1}"), -EBADMSG},
	{"missing_value", B("{\"userId\":,\"value\":1}"), -EBADMSG},
	{"truncated_object", B("{\"userId\":\"u\",\"value\":1"), -EBADMSG},
	{"truncated_in_string", B("{\"userId\":\"u"), -EBADMSG},
	{"truncated_in_escape", B("{\"userId\":\"u\\"), -EBADMSG},
	{"truncated_in_unicode_escape", B("{\"userId\":\"u\\u00"), -EBADMSG},
	{"single_quotes", B("{'userId':'u','value':1}"), -EBADMSG},
	{"unquoted_key", B("{userId:\"u\",\"value\":1}"), -EBADMSG},
	{"number_key", B("{1:2}"), -EBADMSG},
	{"comment", B("{/*c*/\"userId\":\"u\",\"value\":1}"), -EBADMSG},
	{"utf8_bom", B("\xef\xbb\xbf{\"userId\":\"u\",\"value\":1}"), -EBADMSG},
	{"form_feed_is_not_whitespace", B("{\f\"userId\":\"u\",\"value\":1}"),
	 -EBADMSG},
	{"leading_zero", B("{\"userId\":\"u\",\"value\":01}"), -EBADMSG},
	{"negative_leading_zero", B("{\"userId\":\"u\",\"value\":-01}"),
	 -EBADMSG},
	{"plus_sign", B("{\"userId\":\"u\",\"value\":+1}"), -EBADMSG},
	{"bare_minus", B("{\"userId\":\"u\",\"value\":-}"), -EBADMSG},
	{"leading_dot", B("{\"userId\":\"u\",\"value\":.5}"), -EBADMSG},
	{"trailing_dot", B("{\"userId\":\"u\",\"value\":1.}"), -EBADMSG},
	{"dot_then_exponent", B("{\"userId\":\"u\",\"value\":1.e5}"), -EBADMSG},
	{"exponent_without_digits", B("{\"userId\":\"u\",\"value\":1e}"),
	 -EBADMSG},
	{"exponent_sign_only", B("{\"userId\":\"u\",\"value\":1e+}"), -EBADMSG},
	{"hex_number", B("{\"userId\":\"u\",\"value\":0x10}"), -EBADMSG},
	{"nan", B("{\"userId\":\"u\",\"value\":NaN}"), -EBADMSG},
	{"infinity", B("{\"userId\":\"u\",\"value\":Infinity}"), -EBADMSG},
	{"minus_infinity", B("{\"userId\":\"u\",\"value\":-Infinity}"),
	 -EBADMSG},
	{"integer_above_int64",
	 B("{\"userId\":\"u\",\"value\":9223372036854775808}"), -EBADMSG},
	{"integer_below_int64",
	 B("{\"userId\":\"u\",\"value\":-9223372036854775809}"), -EBADMSG},
	{"integer_20_digits",
	 B("{\"userId\":\"u\",\"value\":10000000000000000000}"), -EBADMSG},
	{"real_overflow", B("{\"userId\":\"u\",\"value\":1e309}"), -EBADMSG},
	{"negative_real_overflow", B("{\"userId\":\"u\",\"value\":-1.8e308}"),
	 -EBADMSG},
	{"real_overflow_exact_threshold",
	 B("{\"userId\":\"u\",\"value\":"
	   "1797693134862315807937289714053034150799"
	   "3413271003782693617377898044496829276475094664901797758720709633028"
	   "6"
	   "4166928879109465555478519404026306574886715058206819089020007083836"
	   "7"
	   "6273854845817711531764475730270069855571366959622842914819860834936"
	   "4"
	   "75292719074168444365510704342711559699508093042880177904174497792."
	   "0}"),
	 -EBADMSG},
	{"huge_exponent",
	 B("{\"userId\":\"u\",\"value\":1e99999999999999999999}"), -EBADMSG},
	{"overflow_in_unknown_key",
	 B("{\"x\":1e400,\"userId\":\"u\",\"value\":1}"), -EBADMSG},
	{"big_integer_in_unknown_key",
	 B("{\"x\":[99999999999999999999],\"userId\":\"u\",\"value\":1}"),
	 -EBADMSG},
	{"invalid_escape_x", B("{\"userId\":\"\\x41\",\"value\":1}"), -EBADMSG},
	{"invalid_escape_quote", B("{\"userId\":\"\\'\",\"value\":1}"),
	 -EBADMSG},
	{"short_unicode_escape", B("{\"userId\":\"\\u12\",\"value\":1}"),
	 -EBADMSG},
	{"non_hex_unicode_escape", B("{\"userId\":\"\\u12G4\",\"value\":1}"),
	 -EBADMSG},
	{"capital_U_escape", B("{\"userId\":\"\\U0041\",\"value\":1}"),
	 -EBADMSG},
	{"lone_high_surrogate", B("{\"userId\":\"\\ud800\",\"value\":1}"),
	 -EBADMSG},
	{"lone_high_surrogate_at_end",
	 B("{\"userId\":\"a\\uDBFF\",\"value\":1}"), -EBADMSG},
	{"lone_low_surrogate", B("{\"userId\":\"\\udc00\",\"value\":1}"),
	 -EBADMSG},
	{"high_then_non_surrogate",
	 B("{\"userId\":\"\\ud800\\u0041\",\"value\":1}"), -EBADMSG},
	{"high_then_high", B("{\"userId\":\"\\ud800\\ud800\",\"value\":1}"),
	 -EBADMSG},
	{"high_then_short_escape", B("{\"userId\":\"\\ud800\\n\",\"value\":1}"),
	 -EBADMSG},
	{"pair_reversed", B("{\"userId\":\"\\ude00\\ud83d\",\"value\":1}"),
	 -EBADMSG},
	{"lone_surrogate_in_unknown_key",
	 B("{\"\\udfff\":1,\"userId\":\"u\",\"value\":1}"), -EBADMSG},
	{"escaped_nul_in_user", B("{\"userId\":\"a\\u0000\",\"value\":1}"),
	 -EBADMSG},
	{"escaped_nul_in_key",
	 B("{\"\\u0000\":1,\"userId\":\"u\",\"value\":1}"), -EBADMSG},
	{"escaped_nul_in_nested_string",
	 B("{\"x\":[\"\\u0000\"],\"userId\":\"u\",\"value\":1}"), -EBADMSG},
	{"raw_control_char", B("{\"userId\":\"a\x01\",\"value\":1}"), -EBADMSG},
	{"raw_tab_in_string", B("{\"userId\":\"a\tb\",\"value\":1}"), -EBADMSG},
	{"raw_newline_in_string", B("{\"userId\":\"a\nb\",\"value\":1}"),
	 -EBADMSG},
	{"raw_nul_after_number", B("{\"userId\":\"u\",\"value\":1\0}"),
	 -EBADMSG},
	{"raw_nul_after_literal",
	 B("{\"x\":true\0,\"userId\":\"u\",\"value\":1}"), -EBADMSG},
	{"raw_nul_in_whitespace", B("{\"userId\":\"u\",\0\"value\":1}"),
	 -EBADMSG},
	{"raw_nul_in_string", B("{\"userId\":\"a\0b\",\"value\":1}"), -EBADMSG},
	{"raw_nul_after_body", B("{\"userId\":\"u\",\"value\":1}\0"), -EBADMSG},
	{"utf8_lone_continuation", B("{\"userId\":\"\x80\",\"value\":1}"),
	 -EBADMSG},
	{"utf8_overlong_c0", B("{\"userId\":\"\xc0\x80\",\"value\":1}"),
	 -EBADMSG},
	{"utf8_overlong_c1", B("{\"userId\":\"\xc1\xbf\",\"value\":1}"),
	 -EBADMSG},
	{"utf8_overlong_e0", B("{\"userId\":\"\xe0\x80\xaf\",\"value\":1}"),
	 -EBADMSG},
	{"utf8_overlong_f0", B("{\"userId\":\"\xf0\x8f\xbf\xbf\",\"value\":1}"),
	 -EBADMSG},
	{"utf8_surrogate", B("{\"userId\":\"\xed\xa0\x80\",\"value\":1}"),
	 -EBADMSG},
	{"utf8_above_10ffff",
	 B("{\"userId\":\"\xf4\x90\x80\x80\",\"value\":1}"), -EBADMSG},
	{"utf8_f5_lead", B("{\"userId\":\"\xf5\x80\x80\x80\",\"value\":1}"),
	 -EBADMSG},
	{"utf8_ff_byte", B("{\"userId\":\"\xff\",\"value\":1}"), -EBADMSG},
	{"utf8_truncated_before_quote",
	 B("{\"userId\":\"\xe2\x82\",\"value\":1}"), -EBADMSG},
	{"utf8_invalid_in_key", B("{\"\xc3\":1,\"userId\":\"u\",\"value\":1}"),
	 -EBADMSG},
	{"utf8_outside_string", B("{\"userId\":\"u\",\"value\":1\xc2\xa0}"),
	 -EBADMSG},
	{"literal_truncated", B("{\"x\":tru,\"userId\":\"u\",\"value\":1}"),
	 -EBADMSG},
	{"literal_capitalized", B("{\"x\":True,\"userId\":\"u\",\"value\":1}"),
	 -EBADMSG},
	{"literal_extended", B("{\"x\":falsey,\"userId\":\"u\",\"value\":1}"),
	 -EBADMSG},
	{"literal_null_truncated_at_end", B("{\"x\":nul"), -EBADMSG},
	{"unclosed_nested_array",
	 B("{\"x\":[1,[2],\"userId\":\"u\",\"value\":1}"), -EBADMSG},
	{"mismatched_brackets", B("{\"x\":[1},\"userId\":\"u\",\"value\":1}"),
	 -EBADMSG},
	{"depth_33",
	 B("{\"userId\":\"u\",\"value\":1,\"d\":"
	   "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]"
	   "]]]]]]]}"),
	 -EBADMSG},
	{"depth_33_objects",
	 B("{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{"
	   "\"a\":"
	   "{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{"
	   "\"a\":"
	   "{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{"
	   "\"a\":"
	   "{\"a\":{\"a\":{}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}"),
	 -EBADMSG},
};

static const struct body_case field_cases[] = {
	{"empty_object", B("{}"), -EINVAL},
	{"userId_missing", B("{\"value\":1}"), -EINVAL},
	{"userId_number", B("{\"userId\":5,\"value\":1}"), -EINVAL},
	{"userId_null", B("{\"userId\":null,\"value\":1}"), -EINVAL},
	{"userId_array", B("{\"userId\":[\"u\"],\"value\":1}"), -EINVAL},
	{"userId_object", B("{\"userId\":{},\"value\":1}"), -EINVAL},
	{"userId_true", B("{\"userId\":true,\"value\":1}"), -EINVAL},
	{"userId_empty", B("{\"userId\":\"\",\"value\":1}"), -EINVAL},
	{"userId_last_duplicate_empty",
	 B("{\"userId\":\"u\",\"userId\":\"\",\"value\":1}"), -EINVAL},
	{"userId_last_duplicate_number",
	 B("{\"userId\":\"u\",\"userId\":1,\"value\":1}"), -EINVAL},
	{"userId_checked_before_value", B("{\"x\":1}"), -EINVAL},
	{"value_missing", B("{\"userId\":\"u\"}"), -EDOM},
	{"value_string", B("{\"userId\":\"u\",\"value\":\"1\"}"), -EDOM},
	{"value_null", B("{\"userId\":\"u\",\"value\":null}"), -EDOM},
	{"value_true", B("{\"userId\":\"u\",\"value\":true}"), -EDOM},
	{"value_array", B("{\"userId\":\"u\",\"value\":[1]}"), -EDOM},
	{"value_object", B("{\"userId\":\"u\",\"value\":{\"v\":1}}"), -EDOM},
	{"value_last_duplicate_string",
	 B("{\"userId\":\"u\",\"value\":1,\"value\":\"2\"}"), -EDOM},
};

/* Run one case through a parser and check rc, message, user and value. */
static void
check_case(const struct body_case *c, const char *body,
	   int (*parse)(const char *, size_t, size_t, struct mrc_event *,
			const char **),
	   const char *who)
{
	struct mrc_event ev;
	const char *err = "unset";
	int rc = parse(body, c->len, MRC_USER_DEFAULT, &ev, &err);

	if (rc != c->rc)
		fail_msg("%s (%s): rc %d, want %d (%s)", c->name, who, rc,
			 c->rc, err ? err : "-");
	if (rc == 0) {
		if (err != NULL)
			fail_msg("%s (%s): err not cleared", c->name, who);
		if (ev.user_len != strlen(c->user) ||
		    memcmp(ev.user, c->user, ev.user_len) != 0 ||
		    ev.user[ev.user_len] != '\0')
			fail_msg("%s (%s): user '%s'", c->name, who, ev.user);
		if (ev.value != c->value)
			fail_msg("%s (%s): value %.17g want %.17g", c->name,
				 who, ev.value, c->value);
	} else if (err == NULL || strcmp(err, "unset") == 0) {
		fail_msg("%s (%s): no error message", c->name, who);
	}
}

/* Copy body so that it ends right before an inaccessible page. */
static char *
guarded_copy(const char *body, size_t len, void **map, size_t *maplen)
{
	size_t pg = (size_t)sysconf(_SC_PAGESIZE);
	size_t data = (len + pg - 1) / pg * pg + pg;
	char *m = mmap(NULL, data + pg, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	assert_true(m != MAP_FAILED);
	assert_int_equal(mprotect(m + data, pg, PROT_NONE), 0);
	*map = m;
	*maplen = data + pg;
	memcpy(m + data - len, body, len);
	return m + data - len;
}

static void
run_table(const struct body_case *cases, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		void *map;
		size_t maplen;
		char *g = guarded_copy(cases[i].body, cases[i].len, &map,
				       &maplen);

		check_case(&cases[i], g, mrc_json_parse_event, "dedicated");
		check_case(&cases[i], g, mrc_json_parse_event_jansson,
			   "jansson");
		munmap(map, maplen);
	}
}

static void
test_mrc_json_valid_bodies_accepted(void **state)
{
	run_table(valid_cases, sizeof(valid_cases) / sizeof(valid_cases[0]));
}

static void
test_mrc_json_invalid_json_rejected(void **state)
{
	run_table(invalid_cases,
		  sizeof(invalid_cases) / sizeof(invalid_cases[0]));
}

static void
test_mrc_json_field_errors_in_order(void **state)
{
	struct mrc_event ev;
	const char *err;

	run_table(field_cases, sizeof(field_cases) / sizeof(field_cases[0]));
	/* The messages the HTTP layer puts in {"error":...}. */
	assert_int_equal(
		mrc_json_parse_event(B("{\"value\":1}"), 256, &ev, &err),
		-EINVAL);
	assert_string_equal(err, "userId must be a non-empty string");
	assert_int_equal(
		mrc_json_parse_event(B("{\"userId\":\"u\"}"), 256, &ev, &err),
		-EDOM);
	assert_string_equal(err, "value must be a number");
	assert_int_equal(mrc_json_parse_event(B("{"), 256, &ev, &err),
			 -EBADMSG);
	assert_string_equal(err, "invalid JSON");
	/* Invalid JSON wins over field errors seen earlier in the body. */
	assert_int_equal(
		mrc_json_parse_event(B("{\"userId\":1,\"value\":\"x\",}"), 256,
				     &ev, &err),
		-EBADMSG);
	/* A NULL err is allowed. */
	assert_int_equal(mrc_json_parse_event(B("{}"), 256, &ev, NULL),
			 -EINVAL);
}

static void
test_mrc_json_user_limit_after_unescaping(void **state)
{
	char body[4096], user[1100];
	struct mrc_event ev;
	const char *err;
	int n;

	for (size_t lim = 1; lim <= MRC_USER_MAX; lim = lim * 2 + 1) {
		for (size_t len = lim - 1; len <= lim + 1; len++) {
			int want = len == 0    ? -EINVAL
				   : len > lim ? -ENAMETOOLONG
					       : 0;

			memset(user, 'x', len);
			user[len] = '\0';
			n = snprintf(body, sizeof(body),
				     "{\"userId\":\"%s\",\"value\":1}", user);
			assert_int_equal(mrc_json_parse_event(body, (size_t)n,
							      lim, &ev, &err),
					 want);
			assert_int_equal(
				mrc_json_parse_event_jansson(body, (size_t)n,
							     lim, &ev, &err),
				want);
			if (want == 0)
				assert_int_equal(ev.user_len, len);
		}
	}
	/* 128 x \u00e9 is 768 bytes of text but 256 bytes unescaped. */
	n = snprintf(body, sizeof(body), "{\"userId\":\"");
	for (int i = 0; i < 128; i++)
		n += snprintf(body + n, sizeof(body) - (size_t)n, "\\u00e9");
	n += snprintf(body + n, sizeof(body) - (size_t)n, "\",\"value\":1}");
	assert_int_equal(mrc_json_parse_event(body, (size_t)n, 256, &ev, &err),
			 0);
	assert_int_equal(ev.user_len, 256);
	assert_int_equal(mrc_json_parse_event(body, (size_t)n, 255, &ev, &err),
			 -ENAMETOOLONG);
	assert_string_equal(err, "userId too long");
	/* A too-long userId replaced by a later short duplicate is fine. */
	memset(user, 'x', 300);
	user[300] = '\0';
	n = snprintf(body, sizeof(body),
		     "{\"userId\":\"%s\",\"userId\":\"ok\",\"value\":1}", user);
	assert_int_equal(mrc_json_parse_event(body, (size_t)n, 256, &ev, &err),
			 0);
	assert_string_equal(ev.user, "ok");
	/* The limit itself must be sane. */
	assert_int_equal(mrc_json_parse_event(B("{}"), 0, &ev, &err), -ERANGE);
	assert_int_equal(
		mrc_json_parse_event(B("{}"), MRC_USER_MAX + 1, &ev, &err),
		-ERANGE);
	assert_int_equal(mrc_json_parse_event_jansson(B("{}"), 0, &ev, &err),
			 -ERANGE);
}

static int
parse_value(const char *num, struct mrc_event *ev,
	    int (*parse)(const char *, size_t, size_t, struct mrc_event *,
			 const char **))
{
	static char body[4096];
	int n = snprintf(body, sizeof(body), "{\"userId\":\"u\",\"value\":%s}",
			 num);

	assert_true(n > 0 && (size_t)n < sizeof(body));
	return parse(body, (size_t)n, 256, ev, NULL);
}

/* Reals convert exactly as strtod rounds; integers through int64. */
static void
test_mrc_json_value_rounds_like_strtod(void **state)
{
	static char longnum[2048];
	const char *reals[] = {
		"499.5",
		"0.1",
		"-0.0",
		"1e-9",
		"3.141592653589793238462643383279",
		"2.2250738585072011e-308",
		"2.2250738585072012e-308",
		"4.9406564584124654e-324",
		"2.4703282292062327e-324",
		"2.4703282292062328e-324",
		"9007199254740993.0",
		"9007199254740993e0",
		"1.7976931348623157e308",
		"1.00000000000000011102230246251565404236316680908203125",
		"1.00000000000000011102230246251565404236316680908203124",
		"1.00000000000000011102230246251565404236316680908203126",
		"123456789012345678901234567890e-20",
		"0.000001e6",
		"1e22",
		"1e23",
		"9007199254740992e22",
		"9007199254740993e-22",
		"12345678901234567890123.5",
		"0.30000000000000004",
		"1e-320",
		"-1e-5",
		"100000000000000000000000e-23",
	};
	struct mrc_event ev;
	size_t n;

	for (size_t i = 0; i < sizeof(reals) / sizeof(reals[0]); i++) {
		double want = strtod(reals[i], NULL);

		assert_int_equal(
			parse_value(reals[i], &ev, mrc_json_parse_event), 0);
		if (memcmp(&ev.value, &want, sizeof(want)) != 0)
			fail_msg("%s: %.17g want %.17g", reals[i], ev.value,
				 want);
	}
	/* Integers are int64 first, so -0 is +0 and 2^53+1 rounds once. */
	assert_int_equal(parse_value("-0", &ev, mrc_json_parse_event), 0);
	assert_false(ev.value != 0.0 || signbit(ev.value));
	assert_int_equal(
		parse_value("9007199254740993", &ev, mrc_json_parse_event), 0);
	assert_true(ev.value == 9007199254740992.0);
	/*
	 * An exact halfway point (1 + 2^-53) padded to 900 digits with one
	 * final 1: only the digit past our 800-digit cut decides to round up.
	 */
	n = (size_t)snprintf(
		longnum, sizeof(longnum), "%s",
		"1.00000000000000011102230246251565404236316680908203125");
	while (n < 900)
		longnum[n++] = '0';
	longnum[n++] = '1';
	longnum[n] = '\0';
	assert_int_equal(parse_value(longnum, &ev, mrc_json_parse_event), 0);
	assert_true(ev.value == 1.0000000000000002);
	longnum[n - 1] = '0';
	assert_int_equal(parse_value(longnum, &ev, mrc_json_parse_event), 0);
	assert_true(ev.value == 1.0);
	/* 1e-700 written out in full underflows to 0, like jansson. */
	n = (size_t)snprintf(longnum, sizeof(longnum), "0.");
	while (n < 701)
		longnum[n++] = '0';
	longnum[n++] = '1';
	longnum[n] = '\0';
	assert_int_equal(parse_value(longnum, &ev, mrc_json_parse_event), 0);
	assert_true(ev.value == 0.0);
	assert_int_equal(
		parse_value(longnum, &ev, mrc_json_parse_event_jansson), 0);
}

struct exact_case {
	const char *num;
	bool exact;
	const char *scaled; /* value * 1e9 in decimal */
};

static void
i128_str(__int128 v, char *buf)
{
	unsigned __int128 a =
		v < 0 ? -(unsigned __int128)v : (unsigned __int128)v;
	char tmp[48];
	int n = 0;

	do {
		tmp[n++] = (char)('0' + (int)(a % 10));
		a /= 10;
	} while (a);
	if (v < 0)
		*buf++ = '-';
	while (n)
		*buf++ = tmp[--n];
	*buf = '\0';
}

static void
test_mrc_json_exact_rule(void **state)
{
	static const struct exact_case cases[] = {
		{"499.5", true, "499500000000"},
		{"0.1", true, "100000000"},
		{"-0.000000001", true, "-1"},
		{"1e-9", true, "1"},
		{"0.0000000001", false, NULL},
		{"1e-10", false, NULL},
		{"1.0000000001", false, NULL},
		{"2.50000000000000000000000", true, "2500000000"},
		{"123456789.123456789", true, "123456789123456789"},
		{"9999999999999999999.999999999", true,
		 "9999999999999999999999999999"},
		{"1e19", false, NULL},
		{"1e18", true, "1000000000000000000000000000"},
		{"-9223372036854775808", true, "-9223372036854775808000000000"},
		{"9223372036854775807", true, "9223372036854775807000000000"},
		{"12345678901234567890e-10", true, "1234567890123456789"},
		{"1.5e3", true, "1500000000000"},
		{"-0.0", true, "0"},
		{"0e999999", true, "0"},
		{"0", true, "0"},
		{"1e-400", false, NULL},
	};
	struct mrc_event ev;
	char got[64];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(
			parse_value(cases[i].num, &ev, mrc_json_parse_event),
			0);
		if (ev.exact != cases[i].exact)
			fail_msg("%s: exact %d", cases[i].num, ev.exact);
		if (!ev.exact)
			continue;
		i128_str(ev.scaled, got);
		if (strcmp(got, cases[i].scaled) != 0)
			fail_msg("%s: scaled %s want %s", cases[i].num, got,
				 cases[i].scaled);
	}
}

static void
test_mrc_json_deep_nesting_rejected_without_recursion(void **state)
{
	size_t n = 200000, len = 0;
	char *b = malloc(2 * n + 64);
	struct mrc_event ev;

	assert_non_null(b);
	len += (size_t)sprintf(b, "{\"userId\":\"u\",\"value\":1,\"d\":");
	memset(b + len, '[', n);
	len += n;
	memset(b + len, ']', n);
	len += n;
	b[len++] = '}';
	assert_int_equal(mrc_json_parse_event(b, len, 256, &ev, NULL),
			 -EBADMSG);
	assert_int_equal(mrc_json_parse_event_jansson(b, len, 256, &ev, NULL),
			 -EBADMSG);
	free(b);
}

/* ---- differential testing against jansson ---- */

struct gen {
	char buf[8192];
	size_t len;
	uint64_t rng;
};

static uint64_t
rnd(struct gen *g)
{
	/* splitmix64: seeded, reproducible */
	uint64_t z = (g->rng += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static unsigned int
below(struct gen *g, unsigned int n)
{
	return (unsigned int)(rnd(g) % n);
}

static void
put(struct gen *g, const char *s, size_t n)
{
	if (g->len + n > sizeof(g->buf))
		n = sizeof(g->buf) - g->len;
	memcpy(g->buf + g->len, s, n);
	g->len += n;
}

static void
puts_(struct gen *g, const char *s)
{
	put(g, s, strlen(s));
}

static void
putc_(struct gen *g, char c)
{
	put(g, &c, 1);
}

static void
gen_ws(struct gen *g)
{
	static const char ws[] = " \t\n\r";

	if (below(g, 10) < 7)
		return;
	for (unsigned int n = 1 + below(g, 3); n; n--)
		putc_(g, ws[below(g, 4)]);
	if (below(g, 200) == 0)
		putc_(g, "\f\v\0\xa0"[below(g, 4)]);
}

static void
gen_digits(struct gen *g, unsigned int n, bool lead_nonzero)
{
	for (unsigned int i = 0; i < n; i++)
		putc_(g, (char)('0' + (i == 0 && lead_nonzero ? 1 + below(g, 9)
							      : below(g, 10))));
}

static void
gen_number(struct gen *g)
{
	static const char *edge[] = {
		"9223372036854775807",
		"-9223372036854775808",
		"9223372036854775808",
		"-9223372036854775809",
		"1e308",
		"1e309",
		"-1e309",
		"1.7976931348623157e308",
		"1.7976931348623159e308",
		"4.9e-324",
		"2.4703282292062328e-324",
		"1e-400",
		"0e99999999999999999999",
		"01",
		"-",
		"1.",
		".5",
		"+1",
		"1e",
		"1e+",
		"NaN",
		"Infinity",
		"-0",
		"-0.0",
		"0x1",
		"9007199254740993",
		"0.1",
		"499.5",
		"1e-9",
		"1e-10",
		"9999999999999999999.999999999",
		"12345678901234567890e-10",
		"17976931348623158079372897140530341507993413271003782693617377"
		"8"
		"98044496829276475094664901797758720709633028641669288791094655"
		"5"
		"54785194040263065748867150582068190890200070838367627385484581"
		"7"
		"71153176447573027006985557136695962284291481986083493647529271"
		"9"
		"074168444365510704342711559699508093042880177904174497791.5",
	};
	unsigned int k = below(g, 100);

	if (k < 15) {
		puts_(g, edge[below(g, sizeof(edge) / sizeof(edge[0]))]);
		return;
	}
	if (below(g, 3) == 0)
		putc_(g, '-');
	if (k < 45) {
		gen_digits(g, 1 + below(g, 4), true);
		putc_(g, '.');
		gen_digits(g, 1 + below(g, 2), false);
		if (below(g, 2))
			putc_(g, '5');
		return;
	}
	if (below(g, 4) == 0)
		putc_(g, '0');
	else
		gen_digits(g, 1 + below(g, k < 90 ? 12 : 30), true);
	if (below(g, 2)) {
		putc_(g, '.');
		gen_digits(g, 1 + below(g, k < 90 ? 12 : 40), false);
	}
	if (below(g, 4) == 0) {
		putc_(g, below(g, 2) ? 'e' : 'E');
		if (below(g, 2))
			putc_(g, below(g, 2) ? '-' : '+');
		gen_digits(g, 1 + below(g, 3), false);
	}
}

static void
gen_string_body(struct gen *g, bool userish)
{
	static const char *esc[] = {"\\\"", "\\\\", "\\/", "\\b",
				    "\\f",  "\\n",  "\\r", "\\t"};
	static const char *bad[] = {"\\x",
				    "\\u12",
				    "\\uZZZZ",
				    "\\ud800",
				    "\\udc00",
				    "\\ud800\\u0041",
				    "\\u0000",
				    "\x80",
				    "\xc0\xaf",
				    "\xed\xa0\x80",
				    "\xf4\x90\x80\x80",
				    "\xff",
				    "\x01",
				    "\n",
				    "\xe2\x82",
				    "\\"};
	static const char *utf8[] = {"\xc3\xa9",	 "\xe2\x82\xac",
				     "\xf0\x9f\x98\x80", "\xef\xbf\xbf",
				     "\xf4\x8f\xbf\xbf", "\x7f"};
	char tmp[16];
	unsigned int cp;

	if (userish && below(g, 2)) {
		snprintf(tmp, sizeof(tmp), "user_%u", below(g, 100000));
		puts_(g, tmp);
	}
	for (unsigned int n = below(g, userish ? 4 : 6); n; n--) {
		switch (below(g, 12)) {
		case 0:
			puts_(g, esc[below(g, 8)]);
			break;
		case 1:
			cp = 1 + below(g, 0xd7ff);
			snprintf(tmp, sizeof(tmp),
				 below(g, 2) ? "\\u%04x" : "\\u%04X", cp);
			puts_(g, tmp);
			break;
		case 2:
			snprintf(tmp, sizeof(tmp), "\\u%04x\\u%04x",
				 0xd800 + below(g, 0x400),
				 0xdc00 + below(g, 0x400));
			puts_(g, tmp);
			break;
		case 3:
			puts_(g, utf8[below(g, 6)]);
			break;
		case 4:
			if (below(g, 6) == 0)
				puts_(g, bad[below(g, 16)]);
			break;
		case 5:
			if (below(g, 20) == 0)
				for (unsigned int i = below(g, 300); i; i--)
					putc_(g, 'L');
			break;
		default:
			putc_(g, (char)(' ' + below(g, 95)));
			if (g->buf[g->len - 1] == '"' ||
			    g->buf[g->len - 1] == '\\')
				g->buf[g->len - 1] = '_';
		}
	}
}

static void gen_value(struct gen *g, unsigned int depth);

static void
gen_key(struct gen *g)
{
	static const char *keys[] = {
		"userId", "value", "user\\u0049d", "v\\u0061lue", "userid",
		"a",	  "",	   "values",	   "\\u00fcserId"};

	putc_(g, '"');
	if (below(g, 3))
		puts_(g, keys[below(g, 9)]);
	else
		gen_string_body(g, false);
	putc_(g, '"');
}

static void
gen_container(struct gen *g, unsigned int depth, bool obj)
{
	unsigned int n = below(g, 4);

	putc_(g, obj ? '{' : '[');
	gen_ws(g);
	for (unsigned int i = 0; i < n; i++) {
		if (i) {
			putc_(g, ',');
			gen_ws(g);
		}
		if (obj) {
			gen_key(g);
			gen_ws(g);
			putc_(g, ':');
			gen_ws(g);
		}
		gen_value(g, depth + 1);
		gen_ws(g);
	}
	putc_(g, obj ? '}' : ']');
}

static void
gen_value(struct gen *g, unsigned int depth)
{
	static const char *lit[] = {"true", "false", "null",
				    "tru",  "nul",   "True"};

	switch (below(g, depth > 36 ? 3 : 5)) {
	case 0:
		gen_number(g);
		break;
	case 1:
		putc_(g, '"');
		gen_string_body(g, false);
		putc_(g, '"');
		break;
	case 2:
		puts_(g,
		      lit[below(g, 20) == 0 ? 3 + below(g, 3) : below(g, 3)]);
		break;
	default:
		gen_container(g, depth, below(g, 2));
	}
}

/* Nest straight down to around the depth limit. */
static void
gen_deep(struct gen *g)
{
	unsigned int d = 28 + below(g, 8);
	char close[64];

	for (unsigned int i = 0; i < d; i++) {
		if (below(g, 2)) {
			puts_(g, "{\"k\":");
			close[i] = '}';
		} else {
			putc_(g, '[');
			close[i] = ']';
		}
	}
	gen_number(g);
	while (d--)
		putc_(g, close[d]);
}

static void
gen_member(struct gen *g, int which)
{
	gen_ws(g);
	if (which == 0) {
		puts_(g, below(g, 20) ? "\"userId\"" : "\"user\\u0049d\"");
	} else if (which == 1) {
		puts_(g, "\"value\"");
	} else {
		gen_key(g);
	}
	gen_ws(g);
	putc_(g, ':');
	gen_ws(g);
	if (which == 0 && below(g, 10)) {
		putc_(g, '"');
		gen_string_body(g, true);
		putc_(g, '"');
	} else if (which == 1 && below(g, 10)) {
		gen_number(g);
	} else if (which == 2 && below(g, 25) == 0) {
		gen_deep(g);
	} else {
		gen_value(g, 2);
	}
	gen_ws(g);
}

static void
gen_body(struct gen *g)
{
	int m[8], n = 0;

	g->len = 0;
	if (below(g, 10))
		m[n++] = 0;
	if (below(g, 10))
		m[n++] = 1;
	for (unsigned int i = below(g, 3); i; i--)
		m[n++] = 2;
	if (below(g, 10) == 0)
		m[n++] = (int)below(g, 2); /* a duplicate key */
	for (int i = n - 1; i > 0; i--) {
		int j = (int)below(g, (unsigned int)i + 1), t = m[i];

		m[i] = m[j];
		m[j] = t;
	}
	gen_ws(g);
	putc_(g, '{');
	for (int i = 0; i < n; i++) {
		if (i)
			putc_(g, ',');
		gen_member(g, m[i]);
	}
	putc_(g, '}');
	gen_ws(g);
}

static void
mutate(struct gen *g)
{
	static const char interesting[] = "{}[]\",:\\0-.eE+ \t\n\x00\x80\xc3"
					  "\xed\xf4\xffu1tfn";
	size_t pos;

	for (unsigned int n = 1 + below(g, 3); n && g->len; n--) {
		pos = below(g, (unsigned int)g->len);
		switch (below(g, 5)) {
		case 0:
			g->buf[pos] ^= (char)(1u << below(g, 8));
			break;
		case 1:
			g->buf[pos] =
				interesting[below(g, sizeof(interesting) - 1)];
			break;
		case 2:
			memmove(g->buf + pos, g->buf + pos + 1,
				g->len - pos - 1);
			g->len--;
			break;
		case 3:
			if (g->len < sizeof(g->buf)) {
				memmove(g->buf + pos + 1, g->buf + pos,
					g->len - pos);
				g->buf[pos] = interesting[below(
					g, sizeof(interesting) - 1)];
				g->len++;
			}
			break;
		default:
			g->len = pos;
		}
	}
}

static void
diff_one(const char *b, size_t len, size_t max_user, unsigned int *tally)
{
	struct mrc_event x, y;
	const char *ex, *ey;
	int rx = mrc_json_parse_event(b, len, max_user, &x, &ex);
	int ry = mrc_json_parse_event_jansson(b, len, max_user, &y, &ey);

	if (rx != ry || (rx && strcmp(ex, ey) != 0))
		fail_msg("disagree: dedicated %d jansson %d on [%.*s] (%zu)",
			 rx, ry, (int)len, b, len);
	tally[rx == 0 ? 0 : rx == -EBADMSG ? 1 : 2]++;
	if (rx)
		return;
	if (x.user_len != y.user_len || memcmp(x.user, y.user, x.user_len))
		fail_msg("user differs on [%.*s]", (int)len, b);
	if (memcmp(&x.value, &y.value, sizeof(x.value)) != 0)
		fail_msg("value %.17g vs %.17g on [%.*s]", x.value, y.value,
			 (int)len, b);
	/* Up to 15 digits the body's decimal is the double's shortest. */
	if (x.exact && digits_significant(x.scaled) <= 15 &&
	    (!y.exact || y.scaled != x.scaled))
		fail_msg("exact form differs on [%.*s]", (int)len, b);
}

/*
 * The fast path against the full parser it falls back to, on the same
 * body: the zero-copy entry point (fast path first) and the full parser
 * alone must agree on rc, message, userId bytes and every value field.
 */
static void
diff_paths(const char *b, size_t len, size_t max_user, unsigned int *fast)
{
	struct mrc_event x, y;
	const char *ex, *ey;
	int rx = mrc_json_parse_event_ref(b, len, max_user, &x, &ex);
	int ry = mrc_json_parse_event_full(b, len, max_user, &y, &ey);

	if (rx != ry || (rx && strcmp(ex, ey) != 0))
		fail_msg("paths disagree: fast-first %d full %d on [%.*s]", rx,
			 ry, (int)len, b);
	if (rx)
		return;
	if (x.uid) {
		(*fast)++;
		if (x.uid < b || x.uid + x.user_len > b + len)
			fail_msg("uid outside the body on [%.*s]", (int)len, b);
	}
	if (y.uid != NULL || x.user_len != y.user_len ||
	    memcmp(mrc_event_user(&x), y.user, x.user_len) != 0)
		fail_msg("paths: user differs on [%.*s]", (int)len, b);
	if (memcmp(&x.value, &y.value, sizeof(x.value)) != 0 ||
	    x.exact != y.exact || (x.exact && x.scaled != y.scaled))
		fail_msg("paths: value differs on [%.*s]", (int)len, b);
}

static void
test_mrc_json_differential_against_jansson(void **state)
{
	struct gen *g = calloc(1, sizeof(*g));
	unsigned int tally[3] = {0}, fast = 0;
	const unsigned int n = 300000;

	assert_non_null(g);
	/* A fixed seed, so failures reproduce; MRC_DIFF_SEED explores. */
	g->rng = getenv("MRC_DIFF_SEED")
			 ? strtoull(getenv("MRC_DIFF_SEED"), NULL, 0)
			 : 0x1a2b3c4d5e6f7788ULL;
	for (unsigned int i = 0; i < n; i++) {
		gen_body(g);
		if (below(g, 10) < 4)
			mutate(g);
		size_t mu = below(g, 8) ? 256 : 1 + below(g, 12);

		diff_one(g->buf, g->len, mu, tally);
		diff_paths(g->buf, g->len, mu, &fast);
	}
	print_message("differential: %u bodies, %u accepted, %u invalid JSON, "
		      "%u field errors\n",
		      n, tally[0], tally[1], tally[2]);
	print_message("differential: %u accepted by the fast path\n", fast);
	/* The generator must exercise both sides of every decision. */
	assert_true(tally[0] > n / 5);
	assert_true(tally[1] > n / 5);
	assert_true(tally[2] > n / 50);
	free(g);
}

/* ---- exact sums ---- */

static void
test_mrc_json_half_values_sum_exactly(void **state)
{
	char body[96];
	struct mrc_event ev;
	__int128 sum = 0;
	int n;

	for (int i = 0; i < 1000000; i++) {
		n = snprintf(body, sizeof(body),
			     "{\"userId\": \"user_%d\", \"value\": %d.5}",
			     i % 75000, i % 1000);
		assert_int_equal(
			mrc_json_parse_event(body, (size_t)n, 256, &ev, NULL),
			0);
		assert_true(ev.exact);
		sum += ev.scaled;
	}
	assert_true(sum == (__int128)500000000 * MRC_EXACT_SCALE);
	assert_true(sum / 1000000 == (__int128)500 * MRC_EXACT_SCALE);
	assert_true(sum % 1000000 == 0);
}

/* Tenths are not doubles; scaled sums are still exact where doubles drift. */
static void
test_mrc_json_tenths_sum_exactly_where_doubles_drift(void **state)
{
	const char body[] = "{\"userId\":\"u\",\"value\":0.1}";
	struct mrc_event ev;
	__int128 sum = 0;
	double naive = 0;

	assert_int_equal(
		mrc_json_parse_event(body, sizeof(body) - 1, 256, &ev, NULL),
		0);
	for (int i = 0; i < 1000000; i++) {
		sum += ev.scaled;
		naive += ev.value;
	}
	assert_true(sum == (__int128)100000 * MRC_EXACT_SCALE);
	assert_true(naive != 100000.0); /* the drift this design avoids */
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mrc_json_valid_bodies_accepted),
		cmocka_unit_test(test_mrc_json_invalid_json_rejected),
		cmocka_unit_test(test_mrc_json_field_errors_in_order),
		cmocka_unit_test(test_mrc_json_user_limit_after_unescaping),
		cmocka_unit_test(test_mrc_json_value_rounds_like_strtod),
		cmocka_unit_test(test_mrc_json_exact_rule),
		cmocka_unit_test(
			test_mrc_json_deep_nesting_rejected_without_recursion),
		cmocka_unit_test(test_mrc_json_differential_against_jansson),
		cmocka_unit_test(test_mrc_json_half_values_sum_exactly),
		cmocka_unit_test(
			test_mrc_json_tenths_sum_exactly_where_doubles_drift),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
