/* SPDX-License-Identifier: BSD-3-Clause */
/* test_mrc_event.c: POST /event's handler (mrc.c: the compact body's inline
 * paths) against the full parser and mrc_store_record(), over HTTP. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/mrc.h"
#include "api/mrc_json.h"
#include "api/mrc_store.h"
#include "core/lcore.h"
#include "http/http.h"
#include "http_test.h"

/*
 * Every body goes to the real handler through the TCP and HTTP input path
 * and, parsed by mrc_json_parse_event_ref(), to mrc_store_record() on a
 * second store: the answers' status and the two stores' stats must agree
 * after every request. The bodies cover the handler's own branches: known
 * and new users (home slot or probe, the capacity cap), ids of 1..20
 * bytes and ids that are not plain, values whose units overflow an int64,
 * signs and zeros, and whatever the compact frame refuses.
 */

#define ME_USERS 48u /* small: the cap refuses some new users (507) */

static struct harness *me_h;
static struct http_router me_router;
static struct mrc_api me_api;
static struct mrc_store *me_store, *me_ref;
static unsigned int me_status = 200;
static unsigned int me_max_user = 24; /* mrc.max_user_len */
static uint16_t me_sport = 41000;
static bool me_open; /* the test's client is connected */

static void
me_tweak(struct config *cfg)
{
	cfg->mrc_event_status = me_status;
	cfg->mrc_max_user_len = me_max_user;
}

static struct mrc_store *
me_store_new(void)
{
	struct mrc_store_params p = { .max_users = ME_USERS };
	struct mrc_store *s = mrc_store_create(&p);

	assert_non_null(s);
	assert_int_equal(mrc_store_lcore_online(s, me_h->ctx->idx), 0);
	return s;
}

static int
me_setup_status(unsigned int status)
{
	me_status = status;
	me_open = false;
	tt_reset();
	me_h = harness_create(me_tweak);
	me_store = me_store_new();
	me_ref = me_store_new();
	http_router_init(&me_router);
	me_api = (struct mrc_api){ .store = me_store, .cfg = &me_h->cfg };
	assert_int_equal(mrc_api_register(&me_router, &me_api), 0);
	ht_server_start(me_h, &me_router);
	return 0;
}

static int
me_setup(void **state)
{
	(void)state;
	return me_setup_status(200);
}

static int
me_setup_201(void **state)
{
	(void)state;
	return me_setup_status(201);
}

static int
me_teardown(void **state)
{
	(void)state;
	ht_server_stop(me_h);
	mrc_store_free(me_store);
	mrc_store_free(me_ref);
	return 0;
}

static void
me_stats_equal(const char *body)
{
	struct mrc_stats a, b;

	mrc_store_stats(me_store, &a);
	mrc_store_stats(me_ref, &b);
	if (a.total_requests != b.total_requests ||
	    a.unique_users != b.unique_users || a.sum_exact != b.sum_exact ||
	    a.n_inexact != b.n_inexact ||
	    memcmp(&a.sum_inexact, &b.sum_inexact, sizeof(double)) != 0)
		fail_msg("stats differ after %s: requests %lu/%lu users %lu/%lu"
			 " inexact %lu/%lu",
			 body, (unsigned long)a.total_requests,
			 (unsigned long)b.total_requests,
			 (unsigned long)a.unique_users,
			 (unsigned long)b.unique_users,
			 (unsigned long)a.n_inexact,
			 (unsigned long)b.n_inexact);
}

/* POST body on c (a new connection when the last one was closed), the
 * reference store told the same; the answers and stats must agree. */
static void
me_post(struct ht_client *c, const char *body)
{
	size_t len = strlen(body);
	struct mrc_event ev;
	const char *err = NULL;
	char buf[4096], want[64];
	int rc;

	if (!me_open || c->fin || c->rst) {
		ht_connect(c, me_h, me_sport++);
		me_open = true;
	}
	rc = mrc_json_parse_event_ref(body, len, me_h->cfg.mrc_max_user_len,
				      &ev, &err);
	if (rc < 0) {
		snprintf(want, sizeof(want), "HTTP/1.1 400 ");
	} else {
		rc = mrc_store_record(me_ref, me_h->ctx->idx, &ev);
		snprintf(want, sizeof(want), "HTTP/1.1 %u ",
			 rc == -ENOSPC ? 507u : rc < 0 ? 500u : me_status);
		err = NULL;
	}
	ht_request(c, "POST", "/event", body);
	ht_read(c, buf, sizeof(buf));
	if (strncmp(buf, want, strlen(want)) != 0)
		fail_msg("%s: answered \"%.20s\", want \"%s\"", body, buf, want);
	if (err && !strstr(buf, err))
		fail_msg("%s: answer lacks \"%s\"", body, err);
	if (!err && me_status == 201 && strncmp(want, "HTTP/1.1 201", 12) == 0)
		assert_string_equal(ht_body(buf), "{\"status\":\"ok\"}");
	me_stats_equal(body);
}

static const char *const me_ids[] = {
	"a", "ab", "abc", "abcd", "user_", "user_1", "user_12", "abcdefgh",
	"user_1234", "user_12345", "user_123456", "user_1234567",
	"abcdefghijklmno", "abcdefghijklmnop", "abcdefghijklmnopq",
	"abcdefghijklmnopqrst", "a b", "u\\u0073er_1", "us\\\"er", "\\\\",
	"\xc3\xa9t\xc3\xa9", "user\x01", "x\x7f", "~~~~~~~~~",
};

static const char *const me_values[] = {
	"0", "-0", "0.0", "-0.0", "0.5", "1", "-1", "7.25", "499.5", "-499.5",
	"01", "-01", "00.5", "1.", ".5", "-", "1e5", "1E-2", "1.5e3", "+1",
	"123456789", "1234567890", "123456789012345", "999999999999999",
	"9999999999999999", "9223372036.854775807", "9223372036.854775808",
	"-9223372036.854775808", "18446744073.709551616", "0.000000001",
	"0.0000000001", "1.123456789", "1.1234567891", "12345.6789",
	"100000000000000.5", "3.0000000000", "-0.000000000",
};

#define ME_IDS (sizeof(me_ids) / sizeof(me_ids[0]))
#define ME_VALUES (sizeof(me_values) / sizeof(me_values[0]))

/* A compact body, or one the frame refuses, for id i and value v. */
static void
me_body(char *b, size_t cap, unsigned int form, const char *id, const char *v)
{
	switch (form) {
	case 0:
		snprintf(b, cap, "{\"userId\":\"%s\",\"value\":%s}", id, v);
		break;
	case 1:
		snprintf(b, cap, "{\"userId\": \"%s\", \"value\": %s}", id, v);
		break;
	case 2:
		snprintf(b, cap, "{\"value\":%s,\"userId\":\"%s\"}", v, id);
		break;
	case 3:
		snprintf(b, cap, "{\"userId\":\"%s\",\"value\":%s}\r\n", id, v);
		break;
	default:
		snprintf(b, cap, "{\"userId\":\"%s\",\"value\":%s,\"value\":1}",
			 id, v);
		break;
	}
}

/* Every id with every value, compact and not: each user's first event
 * and later ones, until the cap refuses new users. */
static void
test_mrc_event_handler_matches_parser_and_store(void **state)
{
	struct ht_client c = { 0 };
	char body[256];

	(void)state;
	for (unsigned int f = 0; f < 5; f++)
		for (size_t i = 0; i < sizeof(me_ids) / sizeof(me_ids[0]); i++)
			for (size_t v = 0;
			     v < sizeof(me_values) / sizeof(me_values[0]);
			     v += 1 + (f > 0) * 3) {
				me_body(body, sizeof(body), f, me_ids[i],
					me_values[v]);
				me_post(&c, body);
			}
}

/* 3 000 bodies of the 1MRC shape from seed: ids fmt[u % nfmt] of
 * base + u for 64 users u, random values (one in eight negative), every
 * third body with one byte changed; each posted and compared (me_post). */
static void
me_post_mix(unsigned int seed, const char *const *fmt, unsigned int nfmt,
	    unsigned int base)
{
	struct ht_client c = { 0 };
	static const char alpha[] = "0123456789.-+eE\"\\:,{} a\x01\x80";
	char body[256], v[32], id[32];

	for (unsigned int k = 0; k < 3000; k++) {
		unsigned int u = (unsigned int)rand_r(&seed) % 64;
		int n;

		snprintf(id, sizeof(id), fmt[u % nfmt], base + u);
		snprintf(v, sizeof(v), "%s%u.%u",
			 rand_r(&seed) % 8 ? "" : "-",
			 (unsigned int)rand_r(&seed) % 100000,
			 (unsigned int)rand_r(&seed) % 1000);
		n = snprintf(body, sizeof(body),
			     "{\"userId\":\"%s\",\"value\":%s}", id, v);
		if (k % 3 == 0) {
			size_t at = (size_t)rand_r(&seed) % (size_t)n;

			body[at] = alpha[(size_t)rand_r(&seed) %
					 (sizeof(alpha) - 1)];
		}
		me_post(&c, body);
	}
}

/* The 1MRC mix: numbered users, most of them known, random values,
 * then single-byte changes of such bodies. */
static void
test_mrc_event_handler_random_bodies_match(void **state)
{
	static const char *const fmt[] = { "user_%u" };

	(void)state;
	me_post_mix(16, fmt, 1, 0);
}

/* The 1MRC mix again with ids of 9..16 bytes (the handler's fixed-width
 * path, mrc_store_count_known_w) and their neighbours 8 and 17, and
 * single-byte changes of such bodies. */
static void
test_mrc_event_handler_wide_ids_match(void **state)
{
	static const char *const fmt[] = { "user_%03u", "user_%04u",
					   "user_%06u", "user_%09u",
					   "user_%010u", "user_%011u",
					   "user_%012u" };

	(void)state;
	me_post_mix(9, fmt, 7, 100);
}

/* Every id with a few values under each userId limit around the
 * fixed-width path's lengths: the limit decides, not the path. */
static void
test_mrc_event_handler_id_limits_match(void **state)
{
	static const unsigned int limits[] = { 1, 3, 4, 5, 7, 8, 9, 12,
					      15, 16, 17 };
	char body[256];

	for (size_t l = 0; l < sizeof(limits) / sizeof(limits[0]); l++) {
		struct ht_client c = { 0 };

		me_teardown(state);
		me_max_user = limits[l];
		me_setup(state);
		for (unsigned int k = 0; k < 2 * ME_IDS * ME_VALUES; k += 5) {
			me_body(body, sizeof(body), 0,
				me_ids[k / ME_VALUES % ME_IDS],
				me_values[k % ME_VALUES]);
			me_post(&c, body);
		}
	}
	me_max_user = 24;
}

/* POST /event answered 201 {"status":"ok"} by its own handler. */
static void
test_mrc_event_handler_201_matches(void **state)
{
	struct ht_client c = { 0 };
	char body[256];

	(void)state;
	for (size_t i = 0; i < sizeof(me_ids) / sizeof(me_ids[0]); i++)
		for (size_t v = 0; v < sizeof(me_values) / sizeof(me_values[0]);
		     v += 3) {
			me_body(body, sizeof(body), 0, me_ids[i], me_values[v]);
			me_post(&c, body);
		}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
			test_mrc_event_handler_matches_parser_and_store,
			me_setup, me_teardown),
		cmocka_unit_test_setup_teardown(
			test_mrc_event_handler_random_bodies_match, me_setup,
			me_teardown),
		cmocka_unit_test_setup_teardown(
			test_mrc_event_handler_201_matches, me_setup_201,
			me_teardown),
		cmocka_unit_test_setup_teardown(
			test_mrc_event_handler_wide_ids_match, me_setup,
			me_teardown),
		cmocka_unit_test_setup_teardown(
			test_mrc_event_handler_id_limits_match, me_setup,
			me_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
