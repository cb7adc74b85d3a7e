/* SPDX-License-Identifier: BSD-3-Clause */
/* test_api_tokens.c: token batch length arithmetic and offset production. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/tokens.h"

/* The body made the obvious way, for comparison. */
static char *
naive_body(uint64_t count, size_t *len)
{
	size_t cap = 256 + count * 160, n;
	char *b = malloc(cap);

	n = (size_t)snprintf(b, cap,
			     "{\"success\":true,\"message\":\"Created %llu tokens\","
			     "\"data\":{\"count\":%llu,\"tokens\":[",
			     (unsigned long long)count, (unsigned long long)count);
	for (uint64_t i = 0; i < count; i++)
		n += (size_t)snprintf(b + n, cap - n,
				      "%s{\"id\":%llu,\"coordinates\":["
				      "[0.0,0.0,0.0],[0.0,0.0,0.0],[0.0,0.0,0.0],"
				      "[0.0,0.0,0.0],[0.0,0.0,0.0],[0.0,0.0,0.0],"
				      "[0.0,0.0,0.0],[0.0,0.0,0.0]]}",
				      i ? "," : "", (unsigned long long)i);
	n += (size_t)snprintf(b + n, cap - n, "]}}");
	*len = n;
	return b;
}

static void
test_tokens_50000_body_is_7038973_bytes(void **state)
{
	assert_int_equal(tokens_body_len(50000), 7038973);
}

static void
test_tokens_length_matches_naive_across_digit_boundaries(void **state)
{
	static const uint64_t counts[] = {1, 2, 9, 10, 11, 99, 100, 101, 1000, 12345};

	for (size_t k = 0; k < sizeof(counts) / sizeof(counts[0]); k++) {
		size_t len;
		char *b = naive_body(counts[k], &len);

		assert_int_equal(tokens_body_len(counts[k]), len);
		free(b);
	}
}

/* Every chunking of the body, odd sizes included, gives the same bytes. */
static void
test_tokens_produce_any_chunking_matches_naive(void **state)
{
	static const uint64_t counts[] = {1, 3, 10, 11, 101, 2500};
	static const size_t chunks[] = {1, 2, 7, 135, 136, 137, 1000, 16384};

	for (size_t k = 0; k < sizeof(counts) / sizeof(counts[0]); k++) {
		size_t len;
		char *b = naive_body(counts[k], &len), *out = malloc(len + 1);

		for (size_t c = 0; c < sizeof(chunks) / sizeof(chunks[0]); c++) {
			uint64_t off = 0;

			while (off < len) {
				size_t n = tokens_produce(counts[k], off, out + off,
							  chunks[c]);

				assert_true(n > 0);
				assert_true(n <= chunks[c]);
				off += n;
			}
			assert_int_equal(off, len);
			assert_memory_equal(out, b, len);
			assert_int_equal(tokens_produce(counts[k], len, out, 10), 0);
		}
		free(out);
		free(b);
	}
}

static void
test_tokens_produce_random_offsets_of_a_million(void **state)
{
	uint64_t count = 1000000, total = tokens_body_len(count);
	char buf[300], want[300];

	srand(7);
	for (int k = 0; k < 2000; k++) {
		uint64_t off = ((uint64_t)rand() << 20 ^ (uint64_t)rand()) % total;
		size_t n = tokens_produce(count, off, buf, sizeof(buf));
		size_t m = 0;

		/* the same bytes made one at a time */
		while (m < n) {
			assert_int_equal(tokens_produce(count, off + m, want + m, 1), 1);
			m++;
		}
		assert_memory_equal(buf, want, n);
	}
	assert_int_equal(tokens_produce(count, total - 3, buf, 10), 3);
	assert_memory_equal(buf, "]}}", 3);
}

static void
test_tokens_parse_count_rules(void **state)
{
	static const struct {
		const char *body;
		int rc;
		uint64_t count;
	} cases[] = {
		{"{\"count\": 50000}", 0, 50000},
		{"{\"count\":1}", 0, 1},
		{"{\"count\":1000000}", 0, 1000000},
		{"{\"count\":1000001}", -1, 0},
		{"{\"count\":0}", -1, 0},
		{"{\"count\":-5}", -1, 0},
		{"{\"count\":1.5}", -1, 0},
		{"{\"count\":\"5\"}", -1, 0},
		{"{\"count\":true}", -1, 0},
		{"{}", -1, 0},
		{"[1]", -1, 0},
		{"{\"count\":", -1, 0},
		{"", -1, 0},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *msg = NULL;
		uint64_t c = 0;
		int rc = tokens_parse_count(cases[i].body, strlen(cases[i].body),
					    &c, &msg);

		assert_int_equal(rc < 0 ? -1 : 0, cases[i].rc);
		if (rc == 0)
			assert_int_equal(c, cases[i].count);
		else
			assert_non_null(msg);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tokens_50000_body_is_7038973_bytes),
		cmocka_unit_test(test_tokens_length_matches_naive_across_digit_boundaries),
		cmocka_unit_test(test_tokens_produce_any_chunking_matches_naive),
		cmocka_unit_test(test_tokens_produce_random_offsets_of_a_million),
		cmocka_unit_test(test_tokens_parse_count_rules),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
