/* SPDX-License-Identifier: BSD-3-Clause */
/* test_http_router.c: route matching, parameters, 404/405 and Allow. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include "http/parser.h"
#include "http/router.h"

#define BIT(m) HTTP_METHOD_BIT(HTTP_M_##m)

static void
rt_noop(struct http_exchange *x)
{
	(void)x;
}

static int
rt_match(const struct http_router *r, int method, const char *path,
	 struct http_match *m)
{
	return http_router_match(r, method, path, strlen(path), m);
}

static void
rt_param_is(const struct http_match *m, unsigned int i, const char *want)
{
	assert_true(i < m->nparams);
	assert_int_equal(m->params[i].len, strlen(want));
	assert_memory_equal(m->params[i].p, want, strlen(want));
}

static void
test_http_router_static_route_matches_whole_path_only(void **state)
{
	struct http_router r;
	struct http_match m;

	http_router_init(&r);
	assert_int_equal(http_router_add(&r, BIT(GET), "/health", rt_noop, NULL,
					 "health"), 0);
	assert_int_equal(rt_match(&r, HTTP_M_GET, "/health", &m), 0);
	assert_int_equal(m.route, 0);
	assert_int_equal(m.nparams, 0);
	static const char *misses[] = {"/healt", "/health/", "/healthz", "/Health",
				       "health", "/", ""};
	for (size_t i = 0; i < sizeof(misses) / sizeof(misses[0]); i++) {
		assert_int_equal(rt_match(&r, HTTP_M_GET, misses[i], &m), -1);
		assert_int_equal(m.route, -1);
		assert_int_equal(m.allowed, 0);
	}
}

static void
test_http_router_params_point_into_the_path(void **state)
{
	struct http_router r;
	struct http_match m;
	const char *path = "/api/v1/products/books/42";

	http_router_init(&r);
	assert_int_equal(http_router_add(&r, BIT(GET), "/users/{id}", rt_noop,
					 NULL, "u"), 0);
	assert_int_equal(http_router_add(&r, BIT(GET),
					 "/api/v1/products/{cat}/{id}", rt_noop,
					 NULL, "p"), 1);
	assert_int_equal(rt_match(&r, HTTP_M_GET, path, &m), 1);
	assert_int_equal(m.nparams, 2);
	rt_param_is(&m, 0, "books");
	rt_param_is(&m, 1, "42");
	assert_ptr_equal(m.params[0].p, path + 17);
	assert_int_equal(rt_match(&r, HTTP_M_GET, "/users/abc%20d", &m), 0);
	assert_int_equal(m.nparams, 1);
	rt_param_is(&m, 0, "abc%20d");
	/* a parameter is one non-empty segment */
	assert_int_equal(rt_match(&r, HTTP_M_GET, "/users/", &m), -1);
	assert_int_equal(rt_match(&r, HTTP_M_GET, "/users/1/2", &m), -1);
	assert_int_equal(rt_match(&r, HTTP_M_GET, "/users", &m), -1);
	assert_int_equal(rt_match(&r, HTTP_M_GET, "/api/v1/products//42", &m), -1);
	assert_int_equal(rt_match(&r, HTTP_M_GET, "/api/v1/products/books", &m), -1);
}

static void
test_http_router_get_route_also_answers_head(void **state)
{
	struct http_router r;
	struct http_match m;

	http_router_init(&r);
	http_router_add(&r, BIT(GET), "/", rt_noop, NULL, "root");
	http_router_add(&r, BIT(POST), "/p", rt_noop, NULL, "post");
	assert_int_equal(r.routes[0].methods, BIT(GET) | BIT(HEAD));
	assert_int_equal(rt_match(&r, HTTP_M_HEAD, "/", &m), 0);
	assert_int_equal(r.routes[1].methods, BIT(POST));
	assert_int_equal(rt_match(&r, HTTP_M_HEAD, "/p", &m), -1);
	assert_int_equal(m.allowed, BIT(POST));
}

static void
test_http_router_first_added_route_wins(void **state)
{
	struct http_router r;
	struct http_match m;

	http_router_init(&r);
	http_router_add(&r, BIT(GET), "/users/me", rt_noop, NULL, "me");
	http_router_add(&r, BIT(GET), "/users/{id}", rt_noop, NULL, "id");
	assert_int_equal(rt_match(&r, HTTP_M_GET, "/users/me", &m), 0);
	assert_int_equal(m.nparams, 0);
	assert_int_equal(rt_match(&r, HTTP_M_GET, "/users/7", &m), 1);
	rt_param_is(&m, 0, "7");
}

/* The path exists under other methods: 405, and Allow lists them all. */
static void
test_http_router_wrong_method_reports_allowed_methods_for_405(void **state)
{
	struct http_router r;
	struct http_match m;
	char allow[96];

	http_router_init(&r);
	http_router_add(&r, BIT(GET), "/users/{id}", rt_noop, NULL, "get");
	http_router_add(&r, BIT(PUT), "/users/{id}", rt_noop, NULL, "put");
	http_router_add(&r, BIT(DELETE) | BIT(PATCH), "/users/{id}", rt_noop,
			NULL, "del");
	http_router_add(&r, BIT(POST), "/users", rt_noop, NULL, "create");
	assert_int_equal(rt_match(&r, HTTP_M_POST, "/users/1", &m), -1);
	assert_int_equal(m.route, -1);
	assert_int_equal(m.allowed, BIT(GET) | BIT(HEAD) | BIT(PUT) |
					    BIT(PATCH) | BIT(DELETE));
	assert_int_equal(http_router_allow(m.allowed, allow, sizeof(allow)), 29);
	assert_string_equal(allow, "GET, HEAD, PUT, PATCH, DELETE");
	assert_int_equal(rt_match(&r, HTTP_M_UNKNOWN, "/users", &m), -1);
	assert_int_equal(m.allowed, BIT(POST));
}

static void
test_http_router_unknown_path_reports_nothing_allowed_for_404(void **state)
{
	struct http_router r;
	struct http_match m;

	http_router_init(&r);
	http_router_add(&r, BIT(GET), "/users/{id}", rt_noop, NULL, "get");
	assert_int_equal(rt_match(&r, HTTP_M_GET, "/nope", &m), -1);
	assert_int_equal(m.route, -1);
	assert_int_equal(m.allowed, 0);
	assert_int_equal(m.nparams, 0);
}

static void
test_http_router_allow_list_truncates_to_whole_names(void **state)
{
	char buf[16];
	uint32_t all = BIT(GET) | BIT(HEAD) | BIT(POST) | BIT(PUT) |
		       BIT(PATCH) | BIT(DELETE) | BIT(OPTIONS);
	char big[96];

	assert_int_equal(http_router_allow(all, big, sizeof(big)), 44);
	assert_string_equal(big, "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS");
	assert_int_equal(http_router_allow(all, buf, sizeof(buf)), 15);
	assert_string_equal(buf, "GET, HEAD, POST");
	assert_int_equal(http_router_allow(0, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "");
}

static void
test_http_router_add_rejects_bad_patterns_and_overflow(void **state)
{
	static struct http_router r;

	http_router_init(&r);
	assert_int_equal(http_router_add(&r, BIT(GET), "users", rt_noop, NULL,
					 "x"), -EINVAL);
	assert_int_equal(http_router_add(&r, BIT(GET), "/u{id}", rt_noop, NULL,
					 "x"), -EINVAL);
	assert_int_equal(http_router_add(&r, BIT(GET), "/u/{id}x", rt_noop, NULL,
					 "x"), -EINVAL);
	assert_int_equal(http_router_add(&r, BIT(GET), "/u/{id", rt_noop, NULL,
					 "x"), -EINVAL);
	assert_int_equal(http_router_add(&r, BIT(GET), "/{a}/{b}/{c}/{d}/{e}",
					 rt_noop, NULL, "x"), -EINVAL);
	assert_int_equal(r.nroutes, 0);
	assert_int_equal(http_router_add(&r, BIT(GET), "/{a}/{b}/{c}/{d}",
					 rt_noop, NULL, "x"), 0);
	assert_int_equal(r.routes[0].nparams, HTTP_MAX_PARAMS);
	for (int i = 1; i < HTTP_MAX_ROUTES; i++)
		assert_int_equal(http_router_add(&r, BIT(GET), "/x", rt_noop,
						 NULL, "x"), i);
	assert_int_equal(http_router_add(&r, BIT(GET), "/y", rt_noop, NULL,
					 "y"), -ENOSPC);
}

static void
test_http_router_add_all_adds_rows_in_order_and_skips_null_handlers(void **state)
{
	static const struct http_route_def defs[] = {
		{ BIT(POST), "/event", rt_noop, "event" },
		{ BIT(POST), "/reset", NULL, "reset" },
		{ BIT(GET), "/users/{id}", rt_noop, "users_get" },
	};
	struct http_router r;
	int arg;

	http_router_init(&r);
	assert_int_equal(http_router_add_all(&r, defs, 3, &arg), 0);
	assert_int_equal(r.nroutes, 2);
	assert_string_equal(r.routes[0].pattern, "/event");
	assert_string_equal(r.routes[0].name, "event");
	assert_int_equal(r.routes[0].methods, BIT(POST));
	assert_ptr_equal(r.routes[0].arg, &arg);
	assert_string_equal(r.routes[1].pattern, "/users/{id}");
	assert_int_equal(r.routes[1].methods, BIT(GET) | BIT(HEAD));
	assert_int_equal(r.routes[1].nparams, 1);
	assert_ptr_equal(r.routes[1].arg, &arg);
	assert_int_equal(http_router_add_all(&r, defs, 0, NULL), 0);
	assert_int_equal(r.nroutes, 2);
}

static void
test_http_router_add_all_stops_at_the_first_bad_row(void **state)
{
	static const struct http_route_def defs[] = {
		{ BIT(GET), "/a", rt_noop, "a" },
		{ BIT(GET), "b", rt_noop, "b" },
		{ BIT(GET), "/c", rt_noop, "c" },
	};
	static struct http_router r;

	http_router_init(&r);
	assert_int_equal(http_router_add_all(&r, defs, 3, NULL), -EINVAL);
	assert_int_equal(r.nroutes, 1);
	assert_string_equal(r.routes[0].pattern, "/a");
	r.nroutes = HTTP_MAX_ROUTES - 1;
	assert_int_equal(http_router_add_all(&r, defs, 1, NULL), 0);
	assert_int_equal(http_router_add_all(&r, defs, 1, NULL), -ENOSPC);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_http_router_static_route_matches_whole_path_only),
		cmocka_unit_test(test_http_router_params_point_into_the_path),
		cmocka_unit_test(test_http_router_get_route_also_answers_head),
		cmocka_unit_test(test_http_router_first_added_route_wins),
		cmocka_unit_test(test_http_router_wrong_method_reports_allowed_methods_for_405),
		cmocka_unit_test(test_http_router_unknown_path_reports_nothing_allowed_for_404),
		cmocka_unit_test(test_http_router_allow_list_truncates_to_whole_names),
		cmocka_unit_test(test_http_router_add_rejects_bad_patterns_and_overflow),
		cmocka_unit_test(test_http_router_add_all_adds_rows_in_order_and_skips_null_handlers),
		cmocka_unit_test(test_http_router_add_all_stops_at_the_first_bad_row),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
