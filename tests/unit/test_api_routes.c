/* SPDX-License-Identifier: BSD-3-Clause */
/* test_api_routes.c: the route families serve from the state their caller
 * passes in (no file-scope singletons): mrc_api, api_state, series store,
 * telemetry counters. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include "api/api.h"
#include "api/mrc.h"
#include "api/mrc_store.h"
#include "api/series.h"
#include "core/config.h"
#include "http/http.h"

/* The argument of the route matching method and path; fails if none. */
static void *
route_arg(const struct http_router *r, int method, const char *path)
{
	struct http_match m;
	int i = http_router_match(r, method, path, strlen(path), &m);

	assert_true(i >= 0);
	return r->routes[i].arg;
}

static struct mrc_store *
small_store(void)
{
	struct mrc_store_params p = { .max_users = 64 };
	struct mrc_store *s = mrc_store_create(&p);

	assert_non_null(s);
	return s;
}

static void
test_api_routes_mrc_two_routers_serve_their_own_state(void **state)
{
	static const struct {
		int m;
		const char *path;
	} routes[] = {
		{ HTTP_M_POST, "/event" }, { HTTP_M_GET, "/stats" },
		{ HTTP_M_POST, "/reset" }, { HTTP_M_GET, "/health" },
	};
	struct http_router ra, rb;
	struct config cfg;
	struct mrc_api a, b;

	config_defaults(&cfg);
	cfg.mrc_reset_enabled = true;
	a = (struct mrc_api){ .store = small_store(), .cfg = &cfg };
	b = (struct mrc_api){ .store = small_store(), .cfg = &cfg };
	http_router_init(&ra);
	http_router_init(&rb);
	assert_int_equal(mrc_api_register(&ra, &a), 0);
	assert_int_equal(mrc_api_register(&rb, &b), 0);
	for (size_t i = 0; i < sizeof(routes) / sizeof(routes[0]); i++) {
		assert_ptr_equal(route_arg(&ra, routes[i].m, routes[i].path), &a);
		assert_ptr_equal(route_arg(&rb, routes[i].m, routes[i].path), &b);
	}
	mrc_store_free(a.store);
	mrc_store_free(b.store);
}

static void
test_api_routes_mrc_reset_disabled_is_not_routed(void **state)
{
	struct http_router r;
	struct http_match m;
	struct config cfg;
	struct mrc_api a;

	config_defaults(&cfg);
	cfg.mrc_reset_enabled = false;
	a = (struct mrc_api){ .store = small_store(), .cfg = &cfg };
	http_router_init(&r);
	assert_int_equal(mrc_api_register(&r, &a), 0);
	assert_int_equal(http_router_match(&r, HTTP_M_POST, "/reset", 6, &m), -1);
	assert_int_equal(m.allowed, 0);
	assert_ptr_equal(route_arg(&r, HTTP_M_POST, "/event"), &a);
	mrc_store_free(a.store);
}

static void
test_api_routes_mrc_register_refuses_missing_state(void **state)
{
	struct http_router r;
	struct config cfg;
	struct mrc_api a = { 0 };

	config_defaults(&cfg);
	http_router_init(&r);
	assert_int_equal(mrc_api_register(&r, NULL), -EINVAL);
	a.cfg = &cfg;
	assert_int_equal(mrc_api_register(&r, &a), -EINVAL);
	a.store = small_store();
	a.cfg = NULL;
	assert_int_equal(mrc_api_register(&r, &a), -EINVAL);
	assert_int_equal(r.nroutes, 0);
	mrc_store_free(a.store);
}

static void
test_api_routes_series_routes_serve_the_callers_store(void **state)
{
	struct api_state sa = { 0 }, sb = { 0 };
	struct http_router ra, rb;
	struct config cfg;

	config_defaults(&cfg);
	assert_int_equal(api_state_init(&sa), 0);
	assert_int_equal(api_state_init(&sb), 0);
	assert_non_null(sa.series);
	assert_non_null(sb.series);
	assert_ptr_not_equal(sa.series, sb.series);
	http_router_init(&ra);
	http_router_init(&rb);
	assert_int_equal(api_register_all(&ra, &cfg, &sa), 0);
	assert_int_equal(api_register_all(&rb, &cfg, &sb), 0);
	assert_ptr_equal(route_arg(&ra, HTTP_M_POST, "/fit/s1"), sa.series);
	assert_ptr_equal(route_arg(&ra, HTTP_M_POST, "/predict/s1"), sa.series);
	assert_ptr_equal(route_arg(&ra, HTTP_M_GET, "/healthcheck"), sa.series);
	assert_ptr_equal(route_arg(&rb, HTTP_M_POST, "/fit/s1"), sb.series);
	assert_ptr_equal(route_arg(&rb, HTTP_M_GET, "/healthcheck"), sb.series);
	api_state_fini(&sa);
	api_state_fini(&sb);
	assert_null(sa.series);
	/* A second fini, or one of a zeroed state, is harmless. */
	api_state_fini(&sa);
}

static void
test_api_routes_telemetry_routes_serve_the_callers_counters(void **state)
{
	struct api_state sa, sb;
	struct http_router ra, rb;
	struct config cfg;

	config_defaults(&cfg);
	/* init zeroes whatever was there. */
	memset(&sa, 0xa5, sizeof(sa));
	memset(&sb, 0xa5, sizeof(sb));
	assert_int_equal(api_state_init(&sa), 0);
	assert_int_equal(api_state_init(&sb), 0);
	assert_int_equal(sa.telemetry.events, 0);
	assert_int_equal(sb.telemetry.events, 0);
	http_router_init(&ra);
	http_router_init(&rb);
	assert_int_equal(api_register_all(&ra, &cfg, &sa), 0);
	assert_int_equal(api_register_all(&rb, &cfg, &sb), 0);
	assert_ptr_equal(route_arg(&ra, HTTP_M_POST, "/api/v1/telemetry"),
			 &sa.telemetry);
	assert_ptr_equal(route_arg(&ra, HTTP_M_GET, "/status"), &sa.telemetry);
	assert_ptr_equal(route_arg(&rb, HTTP_M_POST, "/api/v1/telemetry"),
			 &sb.telemetry);
	assert_ptr_equal(route_arg(&rb, HTTP_M_GET, "/status"), &sb.telemetry);
	api_state_fini(&sa);
	api_state_fini(&sb);
}

static void
test_api_routes_series_register_refuses_a_missing_store(void **state)
{
	struct http_router r;
	struct config cfg;
	struct api_state st = { 0 };

	config_defaults(&cfg);
	http_router_init(&r);
	assert_int_equal(series_register(&r, &cfg, NULL), -EINVAL);
	assert_int_equal(api_register_all(&r, &cfg, &st), -EINVAL);
	series_store_free(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_api_routes_mrc_two_routers_serve_their_own_state),
		cmocka_unit_test(test_api_routes_mrc_reset_disabled_is_not_routed),
		cmocka_unit_test(test_api_routes_mrc_register_refuses_missing_state),
		cmocka_unit_test(test_api_routes_series_routes_serve_the_callers_store),
		cmocka_unit_test(test_api_routes_series_register_refuses_a_missing_store),
		cmocka_unit_test(test_api_routes_telemetry_routes_serve_the_callers_counters),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
