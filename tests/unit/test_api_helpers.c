/* SPDX-License-Identifier: BSD-3-Clause */
/* test_api_helpers.c: query strings, JSON output, series math and rules,
 * telemetry parsing (the pure parts of lib/api §2-§5). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "api/api.h"
#include "api/json_out.h"
#include "api/series.h"
#include "api/telemetry.h"

#define S(s) s, sizeof(s) - 1

static void
test_api_percent_decode_cases(void **state)
{
	static const struct {
		const char *in;
		const char *out; /* NULL: -EINVAL */
	} cases[] = {
		{"abc", "abc"},
		{"a%20b", "a b"},
		{"a+b", "a b"},
		{"%22%5c%2F", "\"\\/"},
		{"%e2%82%ac", "\xe2\x82\xac"},
		{"", ""},
		{"%", NULL},
		{"%2", NULL},
		{"%zz", NULL},
		{"ab%4", NULL},
	};
	char buf[64];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int n = api_percent_decode(buf, sizeof(buf), cases[i].in,
					   strlen(cases[i].in));

		if (!cases[i].out) {
			assert_int_equal(n, -EINVAL);
			continue;
		}
		assert_int_equal(n, strlen(cases[i].out));
		assert_memory_equal(buf, cases[i].out, (size_t)n);
	}
	assert_int_equal(api_percent_decode(buf, 2, S("abc")), -ENOSPC);
}

static void
test_api_query_find_first_match_raw_value(void **state)
{
	static const char q[] = "q=a%20b&limit=3&qq=x&flag&e=";
	const char *v;
	size_t n;

	assert_true(api_query_find(q, sizeof(q) - 1, "q", &v, &n));
	assert_int_equal(n, 5);
	assert_memory_equal(v, "a%20b", 5);
	assert_true(api_query_find(q, sizeof(q) - 1, "limit", &v, &n));
	assert_memory_equal(v, "3", 1);
	assert_true(api_query_find(q, sizeof(q) - 1, "flag", &v, &n));
	assert_int_equal(n, 0);
	assert_true(api_query_find(q, sizeof(q) - 1, "e", &v, &n));
	assert_int_equal(n, 0);
	assert_false(api_query_find(q, sizeof(q) - 1, "lim", &v, &n));
	assert_false(api_query_find(NULL, 0, "q", &v, &n));
}

static void
test_api_parse_int_range_and_syntax(void **state)
{
	int64_t v;

	assert_true(api_parse_int(S("123"), &v));
	assert_int_equal(v, 123);
	assert_true(api_parse_int(S("-7"), &v));
	assert_int_equal(v, -7);
	assert_true(api_parse_int(S("9223372036854775807"), &v));
	assert_true(api_parse_int(S("-9223372036854775808"), &v));
	assert_true(v == INT64_MIN);
	assert_false(api_parse_int(S("9223372036854775808"), &v));
	assert_false(api_parse_int(S(""), &v));
	assert_false(api_parse_int(S("-"), &v));
	assert_false(api_parse_int(S("12a"), &v));
	assert_false(api_parse_int(S("1.5"), &v));
	assert_false(api_parse_int(S(" 1"), &v));
}

static void
test_json_escape_quotes_backslashes_controls(void **state)
{
	char buf[64];
	size_t n;

	n = json_escape(buf, sizeof(buf), S("a\"b\\c\n\x01\x7f\xc3\xa9"));
	assert_string_equal(buf, "a\\\"b\\\\c\\n\\u0001\\u007f\xc3\xa9");
	assert_int_equal(n, strlen(buf));
	/* too small: the needed length, output cut and terminated */
	n = json_escape(buf, 4, S("\"\"\"\""));
	assert_int_equal(n, 8);
	assert_int_equal(strlen(buf), 3);
}

static void
test_json_out_overflow_is_reported(void **state)
{
	char buf[16];
	struct json_out o;

	json_out_init(&o, buf, sizeof(buf));
	json_put(&o, "{\"a\":");
	json_put_str(&o, S("x\"y"));
	json_put(&o, "}");
	assert_false(o.overflow);
	assert_string_equal(buf, "{\"a\":\"x\\\"y\"}");
	json_putf(&o, "%s", "0123456789");
	assert_true(o.overflow);
	json_out_init(&o, buf, sizeof(buf));
	json_put_double(&o, 99.99);
	json_put(&o, " ");
	json_put_double(&o, 2);
	assert_string_equal(buf, "99.99 2.0");
}

static void
test_series_valid_id_rules(void **state)
{
	char longid[SERIES_ID_MAX + 2];

	assert_true(series_valid_id(S("s1")));
	assert_true(series_valid_id(S("A.b_c-9")));
	assert_true(series_valid_id(S(".a.")));
	assert_false(series_valid_id(S("")));
	assert_false(series_valid_id(S("a..b")));
	assert_false(series_valid_id(S("a/b")));
	assert_false(series_valid_id(S("a b")));
	assert_false(series_valid_id(S("a%2e")));
	memset(longid, 'x', sizeof(longid));
	assert_true(series_valid_id(longid, SERIES_ID_MAX));
	assert_false(series_valid_id(longid, SERIES_ID_MAX + 1));
}

static void
test_series_fit_mean_population_std(void **state)
{
	static const double v[] = {10.2, 9.8, 10.0, 10.1, 9.9, 10.0};
	struct series_model m;
	double mean = 0, var = 0;

	for (int i = 0; i < 6; i++)
		mean += v[i] / 6;
	for (int i = 0; i < 6; i++)
		var += (v[i] - mean) * (v[i] - mean) / 6;
	series_fit(v, 6, &m);
	assert_true(fabs(m.mean - mean) < 1e-12);
	assert_true(fabs(m.std - sqrt(var)) < 1e-12);
	assert_int_equal(m.points, 6);
	/* one-sided: only above mean + 3 std */
	assert_true(series_anomaly(&m, 11.3, SERIES_SIGMAS));
	assert_false(series_anomaly(&m, 1.0, SERIES_SIGMAS));
	assert_false(series_anomaly(&m, m.mean + 3 * m.std, SERIES_SIGMAS));
}

static void
test_series_fit_parse_rules(void **state)
{
	static const struct {
		const char *body;
		int ok;
	} cases[] = {
		{"{\"timestamps\":[1,2,3],\"values\":[1,2,3]}", 1},
		{"{\"timestamps\":[0,5,9],\"values\":[1.5,-2,3e2]}", 1},
		{"{\"timestamps\":[1,2],\"values\":[1,2]}", 0},
		{"{\"timestamps\":[1,2,3],\"values\":[1,2]}", 0},
		{"{\"timestamps\":[1,2,2],\"values\":[1,2,3]}", 0},
		{"{\"timestamps\":[3,2,1],\"values\":[1,2,3]}", 0},
		{"{\"timestamps\":[-1,2,3],\"values\":[1,2,3]}", 0},
		{"{\"timestamps\":[1.0,2,3],\"values\":[1,2,3]}", 0},
		{"{\"timestamps\":[true,2,3],\"values\":[1,2,3]}", 0},
		{"{\"timestamps\":[1,2,3],\"values\":[1,\"2\",3]}", 0},
		{"{\"timestamps\":[1,2,3],\"values\":[1,true,3]}", 0},
		{"{\"timestamps\":[1,2,3],\"values\":[4,4,4]}", 0},
		{"{\"timestamps\":[1,2,3]}", 0},
		{"[]", 0},
		{"{", 0},
		{"", 0},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct series_model m;
		const char *msg = NULL;
		int rc = series_fit_parse(cases[i].body, strlen(cases[i].body),
					  SERIES_MAX_POINTS, &m, &msg);

		if (cases[i].ok) {
			assert_int_equal(rc, 0);
		} else {
			assert_int_equal(rc, -EINVAL);
			assert_non_null(msg);
		}
	}
	{
		struct series_model m;
		const char *msg;

		assert_int_equal(series_fit_parse(S("{\"timestamps\":[1,2,3,4],\"values\":[1,2,3,4]}"),
						  3, &m, &msg), -EINVAL);
	}
}

static void
test_series_predict_and_version_parse(void **state)
{
	const char *msg;
	double v;
	uint32_t ver;

	assert_int_equal(series_predict_parse(S("{\"timestamp\":\"1705001000\",\"value\":11.3}"),
					      &v, &msg), 0);
	assert_true(v == 11.3);
	assert_int_equal(series_predict_parse(S("{\"timestamp\":17,\"value\":1}"), &v, &msg), 0);
	assert_int_equal(series_predict_parse(S("{\"timestamp\":\"\",\"value\":1}"), &v, &msg), -EINVAL);
	assert_int_equal(series_predict_parse(S("{\"timestamp\":\"1a\",\"value\":1}"), &v, &msg), -EINVAL);
	assert_int_equal(series_predict_parse(S("{\"timestamp\":true,\"value\":1}"), &v, &msg), -EINVAL);
	assert_int_equal(series_predict_parse(S("{\"timestamp\":\"1\",\"value\":\"1\"}"),
					      &v, &msg), -EINVAL);
	assert_int_equal(series_predict_parse(S("{\"timestamp\":\"1\"}"), &v, &msg), -EINVAL);
	assert_true(series_parse_version(S("0"), &ver) && ver == 0);
	assert_true(series_parse_version(S("12"), &ver) && ver == 12);
	assert_true(series_parse_version(S("v3"), &ver) && ver == 3);
	assert_false(series_parse_version(S("v"), &ver));
	assert_false(series_parse_version(S(""), &ver));
	assert_false(series_parse_version(S("-1"), &ver));
	assert_false(series_parse_version(S("1.0"), &ver));
}

static void
test_telemetry_parse_counts_and_errors(void **state)
{
	uint32_t rcv, proc;
	const char *msg;

	assert_int_equal(telemetry_parse(S("{\"events\":[{\"timestamp\":\"t\",\"event_id\":\"e\","
					   "\"function_name\":\"f\"},{\"event_id\":\"e\"},3]}"),
					 &rcv, &proc, &msg), 0);
	assert_int_equal(rcv, 3);
	assert_int_equal(proc, 1);
	assert_int_equal(telemetry_parse(NULL, 0, &rcv, &proc, &msg), -ENODATA);
	assert_string_equal(msg, "No data provided");
	assert_int_equal(telemetry_parse(S("{\"events\":[]}"), &rcv, &proc, &msg), -ENOENT);
	assert_string_equal(msg, "No events in batch");
	assert_int_equal(telemetry_parse(S("{}"), &rcv, &proc, &msg), -ENOENT);
	assert_int_equal(telemetry_parse(S("{bad"), &rcv, &proc, &msg), -ENODATA);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_api_percent_decode_cases),
		cmocka_unit_test(test_api_query_find_first_match_raw_value),
		cmocka_unit_test(test_api_parse_int_range_and_syntax),
		cmocka_unit_test(test_json_escape_quotes_backslashes_controls),
		cmocka_unit_test(test_json_out_overflow_is_reported),
		cmocka_unit_test(test_series_valid_id_rules),
		cmocka_unit_test(test_series_fit_mean_population_std),
		cmocka_unit_test(test_series_fit_parse_rules),
		cmocka_unit_test(test_series_predict_and_version_parse),
		cmocka_unit_test(test_telemetry_parse_counts_and_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
