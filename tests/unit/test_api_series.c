/* SPDX-License-Identifier: BSD-3-Clause */
/* test_api_series.c: the series store: seeds, probe bound, limits. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "api/series_store.h"

/* Every id lands on one slot: the worst a peer could do without the seed. */
static uint64_t
same_hash(const void *key, size_t len, uint64_t seed)
{
	(void)key;
	(void)len;
	(void)seed;
	return 0xfeedULL;
}

static int
fit(struct series_store *st, const char *id, uint32_t *ver)
{
	const struct series_model m = {.mean = 1, .std = 2, .points = 3};

	return series_store_fit(st, id, strlen(id), &m, series_now_ms(), ver);
}

static void
test_series_store_seeds_differ_across_stores(void **state)
{
	struct series_store *st[4];

	(void)state;
	for (int i = 0; i < 4; i++) {
		st[i] = series_store_create();
		assert_non_null(st[i]);
		assert_true(series_store_seed(st[i]) != 0);
	}
	for (int i = 0; i < 4; i++)
		for (int j = i + 1; j < 4; j++)
			assert_true(series_store_seed(st[i]) !=
				    series_store_seed(st[j]));
	for (int i = 0; i < 4; i++)
		series_store_free(st[i]);
}

static void
test_series_store_probe_bound_holds_under_colliding_ids(void **state)
{
	struct series_store_params p = {.hash = same_hash};
	struct series_store *st = series_store_create_params(&p);
	struct series_store_counters c;
	struct series_model m;
	uint32_t ver = 0, got = 0;
	char id[32];

	(void)state;
	assert_non_null(st);
	for (unsigned int i = 0; i < 3 * SERIES_MAX_PROBE; i++) {
		snprintf(id, sizeof(id), "s%u", i);
		assert_int_equal(fit(st, id, &ver),
				 i < SERIES_MAX_PROBE ? 0 : -ENOSPC);
	}
	series_store_counters(st, &c);
	assert_int_equal(c.nseries, SERIES_MAX_PROBE);
	assert_int_equal(c.probe_full, 2 * SERIES_MAX_PROBE);
	assert_int_equal(c.full, 0);
	assert_int_equal(c.max_probe_seen, SERIES_MAX_PROBE);
	/* Known ids still work, at the end of the chain too. */
	snprintf(id, sizeof(id), "s%u", SERIES_MAX_PROBE - 1);
	assert_int_equal(fit(st, id, &ver), 0);
	assert_int_equal(ver, 2);
	assert_int_equal(series_store_predict(st, id, strlen(id), 0,
					      series_now_ms(), &m, &got),
			 0);
	assert_int_equal(got, 2);
	/* A lookup of an absent id stops at the bound as well. */
	assert_int_equal(series_store_predict(st, "absent", 6, 0,
					      series_now_ms(), &m, &got),
			 -ENOENT);
	series_store_counters(st, &c);
	assert_int_equal(c.max_probe_seen, SERIES_MAX_PROBE);
	assert_int_equal(c.lock_busy, 0);
	series_store_free(st);
}

static void
test_series_store_seeded_hash_keeps_probes_short(void **state)
{
	const unsigned int n = 20000;
	struct series_store *st = series_store_create();
	struct series_store_counters c;
	uint32_t ver;
	char id[SERIES_ID_MAX + 1];

	(void)state;
	assert_non_null(st);
	/* Ids that differ in one position behind a long common prefix. */
	memset(id, 'a', 100);
	for (unsigned int i = 0; i < n; i++) {
		snprintf(id + 100, sizeof(id) - 100, "%u", i);
		assert_int_equal(fit(st, id, &ver), 0);
	}
	series_store_counters(st, &c);
	assert_int_equal(c.nseries, n);
	assert_int_equal(c.probe_full, 0);
	assert_true(c.max_probe_seen <= SERIES_MAX_PROBE);
	series_store_free(st);
}

static void
test_series_store_full_and_version_limits_are_counted(void **state)
{
	struct series_store_params p = {.max_series = 3};
	struct series_store *st = series_store_create_params(&p);
	struct series_store_counters c;
	struct series_model m;
	uint32_t ver = 0, got = 0;

	(void)state;
	assert_non_null(st);
	assert_int_equal(fit(st, "a", &ver), 0);
	assert_int_equal(fit(st, "b", &ver), 0);
	assert_int_equal(fit(st, "c", &ver), 0);
	assert_int_equal(fit(st, "d", &ver), -ENOSPC);
	for (unsigned int v = 2; v <= SERIES_VERSIONS; v++) {
		assert_int_equal(fit(st, "a", &ver), 0);
		assert_int_equal(ver, v);
	}
	assert_int_equal(fit(st, "a", &ver), -EDQUOT);
	assert_int_equal(series_store_predict(st, "a", 1, SERIES_VERSIONS + 1,
					      series_now_ms(), &m, &got),
			 -ERANGE);
	assert_int_equal(
		series_store_predict(st, "a", 1, 7, series_now_ms(), &m, &got),
		0);
	assert_int_equal(got, 7);
	assert_int_equal(
		series_store_predict(st, "d", 1, 0, series_now_ms(), &m, &got),
		-ENOENT);
	assert_int_equal(series_store_fit(st, "", 0, &m, 0, &ver), -EINVAL);
	series_store_counters(st, &c);
	assert_int_equal(c.full, 1);
	assert_int_equal(c.versions_full, 1);
	assert_int_equal(c.probe_full, 0);
	assert_int_equal(c.nseries, 3);
	p.max_series = SERIES_MAX + 1;
	assert_null(series_store_create_params(&p));
	series_store_free(st);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_series_store_seeds_differ_across_stores),
		cmocka_unit_test(
			test_series_store_probe_bound_holds_under_colliding_ids),
		cmocka_unit_test(
			test_series_store_seeded_hash_keeps_probes_short),
		cmocka_unit_test(
			test_series_store_full_and_version_limits_are_counted),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
