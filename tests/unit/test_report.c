/* SPDX-License-Identifier: BSD-3-Clause */
/* test_report.c: core's report rows, its Prometheus and JSON writers, and
 * the shared number formatting (fmt_double, hex digits). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/fmt.h"
#include "core/report.h"
#include "core/stats.h"

static const char *
dbl(double v, unsigned int flags)
{
	static char b[64];
	int n = fmt_double(b, sizeof(b), v, flags);

	assert_int_equal(n, (int)strlen(b));
	return b;
}

static void
test_fmt_double_is_shortest_round_trip(void **state)
{
	(void)state;
	assert_string_equal(dbl(3, 0), "3");
	assert_string_equal(dbl(3, FMT_DOUBLE_POINT), "3.0");
	assert_string_equal(dbl(100, 0), "100"); /* not "1e+02" */
	assert_string_equal(dbl(0.1, 0), "0.1");
	assert_string_equal(dbl(99.99, FMT_DOUBLE_POINT), "99.99");
	assert_string_equal(dbl(1e300, 0), "1e+300");
	assert_string_equal(dbl(1e20, FMT_DOUBLE_POINT), "1e+20");
	assert_string_equal(dbl(-0.0, FMT_DOUBLE_POINT), "-0.0");
	assert_string_equal(dbl(-1e-9 / 3, 0), "-3.3333333333333337e-10");
	assert_string_equal(dbl(DBL_MAX, 0), "1.7976931348623157e+308");
	/* subnormals: 15 digits at least (they read back) */
	assert_string_equal(dbl(5e-324, 0), "4.94065645841247e-324");
	assert_string_equal(dbl(INFINITY, FMT_DOUBLE_POINT), "inf");
	assert_string_equal(dbl(-INFINITY, 0), "-inf");
	assert_string_equal(dbl(NAN, 0), "nan");
	/* every output reads back exactly */
	for (double v = 1e-7; v < 1e17; v *= 7.3)
		assert_true(strtod(dbl(v, 0), NULL) == v);
}

static void
test_fmt_double_truncates_like_snprintf(void **state)
{
	char b[4];

	(void)state;
	assert_int_equal(fmt_double(b, sizeof(b), 12.25, 0), 5);
	assert_string_equal(b, "12.");
	assert_int_equal(fmt_double(NULL, 0, 0.5, 0), 3);
}

static void
test_fmt_hex_value_and_digit(void **state)
{
	(void)state;
	assert_int_equal(fmt_hex_value('0'), 0);
	assert_int_equal(fmt_hex_value('9'), 9);
	assert_int_equal(fmt_hex_value('a'), 10);
	assert_int_equal(fmt_hex_value('F'), 15);
	assert_int_equal(fmt_hex_value('g'), -1);
	assert_int_equal(fmt_hex_value('G'), -1);
	assert_int_equal(fmt_hex_value('/'), -1);
	assert_int_equal(fmt_hex_value(':'), -1);
	assert_int_equal(fmt_hex_value('@'), -1);
	assert_int_equal(fmt_hex_value('`'), -1);
	assert_int_equal(fmt_hex_value(' '), -1);
	assert_int_equal(fmt_hex_value(0xc1), -1); /* 'A' | 0x80 */
	for (unsigned int v = 0; v < 16; v++)
		assert_int_equal(fmt_hex_value((unsigned char)fmt_hex_digit(v)),
				 (int)v);
	assert_int_equal(fmt_hex_digit(0x1f), 'f');
}

static void
test_report_prom_declares_each_family_once(void **state)
{
	char buf[1024];
	struct report_prom p;
	struct report_row r = { .name = "things", .help = "Things seen.",
				.type = REPORT_COUNTER, .declare = true };

	(void)state;
	report_prom_init(&p, buf, sizeof(buf));
	report_put(&p.sink, &r);
	r.declare = false;
	r.labels = "a=\"1\"";
	r.u = 18446744073709551615ull;
	report_put(&p.sink, &r);
	r.labels = NULL;
	r.u = 2;
	report_put(&p.sink, &r);
	r = (struct report_row){ .name = "ratio", .help = "R.",
				 .type = REPORT_GAUGE, .fmt = REPORT_RATIO,
				 .d = 0.25 };
	report_put(&p.sink, &r);
	r.fmt = REPORT_F64;
	r.d = 1.5;
	report_put(&p.sink, &r);
	r.d = -INFINITY;
	report_put(&p.sink, &r);
	r.d = NAN;
	report_put(&p.sink, &r);
	r = (struct report_row){ .key = "json_only", .u = 9 };
	report_put(&p.sink, &r);
	assert_int_equal(report_prom_end(&p), (int)strlen(buf));
	assert_string_equal(buf,
		"# HELP linerate_things_total Things seen.\n"
		"# TYPE linerate_things_total counter\n"
		"linerate_things_total{a=\"1\"} 18446744073709551615\n"
		"linerate_things_total 2\n"
		"# HELP linerate_ratio R.\n"
		"# TYPE linerate_ratio gauge\n"
		"linerate_ratio 0.250000\n"
		"linerate_ratio 1.5\n"
		"linerate_ratio -Inf\n"
		"linerate_ratio NaN\n");
}

static void
test_report_prom_enospc_at_exact_fit(void **state)
{
	char buf[256], small[256];
	struct report_prom p;
	struct stats st;
	int full;

	(void)state;
	memset(&st, 0, sizeof(st));
	report_prom_init(&p, buf, sizeof(buf));
	report_stat(&p.sink, ST_rx_packets, 7, "lcore=\"1\"");
	full = report_prom_end(&p);
	assert_true(full > 0);
	report_prom_init(&p, small, (size_t)full);
	report_stat(&p.sink, ST_rx_packets, 7, "lcore=\"1\"");
	assert_int_equal(report_prom_end(&p), -ENOSPC);
	report_prom_init(&p, small, (size_t)full + 1);
	report_stat(&p.sink, ST_rx_packets, 7, "lcore=\"1\"");
	assert_int_equal(report_prom_end(&p), full);
	assert_string_equal(small, buf);
	report_prom_init(&p, NULL, 0);
	assert_int_equal(report_prom_end(&p), -ENOSPC);
}

static void
test_report_json_stats_in_order_and_clamped(void **state)
{
	struct report_json j;
	struct report_row r = { .key = "ratio", .fmt = REPORT_RATIO,
				.d = 0.5 };
	struct stats st;
	json_t *o = json_object();
	const char *k;
	json_t *v;
	int i = 0;

	(void)state;
	memset(&st, 0, sizeof(st));
	st.v[ST_rx_packets] = 10;
	st.v[ST_tx_packets] = UINT64_MAX;
	report_json_init(&j, o);
	report_stats(&j.sink, &st, NULL);
	report_put(&j.sink, &r);
	r.key = "bad";
	r.d = NAN;
	report_put(&j.sink, &r);
	r.key = "declared";
	r.declare = true;
	report_put(&j.sink, &r);
	assert_int_equal(j.rc, 0);
	assert_int_equal(json_object_size(o), ST__COUNT + 2);
	json_object_foreach(o, k, v) {
		if (i < ST__COUNT)
			assert_string_equal(k, stats_name((enum stats_id)i));
		i++;
	}
	assert_int_equal(json_integer_value(json_object_get(o, "rx_packets")),
			 10);
	assert_int_equal(json_integer_value(json_object_get(o, "tx_packets")),
			 INT64_MAX);
	assert_true(json_real_value(json_object_get(o, "ratio")) == 0.5);
	assert_true(json_is_null(json_object_get(o, "bad")));
	json_decref(o);
	report_json_init(&j, NULL);
	assert_int_equal(j.rc, -ENOMEM);
}

struct counting_sink {
	struct report_sink sink;
	int rows;
};

static void
counting_row(struct report_sink *s, const struct report_row *r)
{
	(void)r;
	((struct counting_sink *)s)->rows++;
}

static void
two_rows(void *arg, struct report_sink *s)
{
	struct report_row r = { .key = arg };

	report_put(s, &r);
	report_put(s, &r);
}

static void
test_report_run_provider_or_nothing(void **state)
{
	struct counting_sink c = { .sink.row = counting_row };
	struct report_provider p = { two_rows, "k" };

	(void)state;
	report_run(&p, &c.sink);
	assert_int_equal(c.rows, 2);
	p.fn = NULL;
	report_run(&p, &c.sink);
	report_run(NULL, &c.sink);
	assert_int_equal(c.rows, 2);
}

static void
test_report_escape_label_values(void **state)
{
	char out[16];

	(void)state;
	assert_int_equal(report_escape("a\"b\\c\nd", out, sizeof(out)), 10);
	assert_string_equal(out, "a\\\"b\\\\c\\nd");
	assert_int_equal(report_escape("ab\\", out, 4), 2);
	assert_string_equal(out, "ab");
	assert_int_equal(report_escape("x", out, 0), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fmt_double_is_shortest_round_trip),
		cmocka_unit_test(test_fmt_double_truncates_like_snprintf),
		cmocka_unit_test(test_fmt_hex_value_and_digit),
		cmocka_unit_test(test_report_prom_declares_each_family_once),
		cmocka_unit_test(test_report_prom_enospc_at_exact_fit),
		cmocka_unit_test(test_report_json_stats_in_order_and_clamped),
		cmocka_unit_test(test_report_run_provider_or_nothing),
		cmocka_unit_test(test_report_escape_label_values),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
