/* SPDX-License-Identifier: BSD-3-Clause */
/* test_api_users.c: the users routes (docs/API.md §2) over a real connection. */
#include <stdio.h>
#include <string.h>

#include "api/api.h"
#include "core/version.h"
#include "http/http.h"
#include "http/resp.h"
#include "http_test.h"

/*
 * Requests go in as TCP segments on the ring port, through the HTTP
 * server to the routes users_register() adds; each answer is compared
 * whole, head and body, against the shapes of docs/API.md §2.
 */

static struct harness *us_h;
static struct http_router us_router;
static struct ht_client us_c;

static void
us_tweak(struct config *cfg)
{
	cfg->tcp_max_conns = 8;
}

static int
us_setup(void **state)
{
	tt_reset();
	us_h = harness_create(us_tweak);
	http_router_init(&us_router);
	assert_int_equal(users_register(&us_router, &us_h->cfg), 0);
	ht_server_start(us_h, &us_router);
	ht_connect(&us_c, us_h, 40100);
	return 0;
}

static int
us_teardown(void **state)
{
	ht_server_stop(us_h);
	return 0;
}

/* What the server sent since the last read, acked, NUL terminated; the
 * connection stays open. */
static const char *
us_read(void)
{
	static char buf[16384];

	ht_read(&us_c, buf, sizeof(buf));
	assert_false(us_c.flags & (F_FIN | F_RST));
	return buf;
}

/* The whole answer: status line, Date, JSON type, length, body. */
static const char *
us_answer(const char *status_line, const char *body, const char *extra)
{
	return ht_expect(status_line, "application/json", body, NULL, extra,
			 false);
}

static const char *
us_ok(const char *body)
{
	return us_answer("HTTP/1.1 200 OK", body, NULL);
}

static const char *
us_422(const char *body)
{
	return us_answer("HTTP/1.1 422 Unprocessable Content", body, NULL);
}


/* One request, its whole answer. */
static void
us_expect(const char *method, const char *target, const char *body,
	  const char *want)
{
	ht_request(&us_c, method, target, body);
	assert_string_equal(us_read(), want);
}

static void
test_api_users_root_names_the_version(void **state)
{
	char body[160];

	snprintf(body, sizeof(body),
		 "{\"message\":\"Welcome to linerate\",\"version\":\"%s\"}",
		 LR_VERSION);
	us_expect("GET", "/", NULL, us_ok(body));
}

static void
test_api_users_get_by_id(void **state)
{
	us_expect("GET", "/users/123", NULL,
		  us_ok("{\"user_id\":123,\"name\":\"User 123\","
			"\"email\":\"user123@example.com\",\"active\":true}"));
	us_expect("GET", "/users/-7", NULL,
		  us_ok("{\"user_id\":-7,\"name\":\"User -7\","
			"\"email\":\"user-7@example.com\",\"active\":true}"));
}

static void
test_api_users_get_non_integer_id_answers_422(void **state)
{
	us_expect("GET", "/users/abc", NULL,
		  us_422("{\"detail\":[{\"type\":\"int_parsing\","
			 "\"loc\":[\"path\",\"user_id\"],\"msg\":\"Input should be a "
			 "valid integer, unable to parse string as an integer\","
			 "\"input\":\"abc\"}]}"));
	us_expect("GET", "/users/99999999999999999999", NULL,
		  us_422("{\"detail\":[{\"type\":\"int_parsing\","
			 "\"loc\":[\"path\",\"user_id\"],\"msg\":\"Input should be a "
			 "valid integer, unable to parse string as an integer\","
			 "\"input\":\"99999999999999999999\"}]}"));
}

static void
test_api_users_create_echoes_fields(void **state)
{
	us_expect("POST", "/users",
		  "{\"name\":\"Ann \\\"A\\\"\",\"email\":\"ann@example.com\",\"age\":30}",
		  us_ok("{\"message\":\"User created successfully\",\"user\":{"
			"\"id\":12345,\"name\":\"Ann \\\"A\\\"\","
			"\"email\":\"ann@example.com\",\"age\":30,"
			"\"created_at\":\"2025-10-11T09:00:00Z\"}}"));
	us_expect("POST", "/users", "{\"email\":\"b@x\",\"name\":\"B\",\"age\":null}",
		  us_ok("{\"message\":\"User created successfully\",\"user\":{"
			"\"id\":12345,\"name\":\"B\",\"email\":\"b@x\",\"age\":null,"
			"\"created_at\":\"2025-10-11T09:00:00Z\"}}"));
}

static void
test_api_users_create_field_errors_answer_422(void **state)
{
	us_expect("POST", "/users", "{\"name\":\"A\"}",
		  us_422("{\"detail\":[{\"type\":\"missing\",\"loc\":[\"body\","
			 "\"email\"],\"msg\":\"Field required\",\"input\":null}]}"));
	us_expect("POST", "/users", "{\"name\":1,\"email\":\"e\"}",
		  us_422("{\"detail\":[{\"type\":\"string_type\",\"loc\":[\"body\","
			 "\"name\"],\"msg\":\"Input should be a valid string\","
			 "\"input\":null}]}"));
	us_expect("POST", "/users", "{\"name\":\"A\",\"email\":\"e\",\"age\":\"3\"}",
		  us_422("{\"detail\":[{\"type\":\"int_type\",\"loc\":[\"body\","
			 "\"age\"],\"msg\":\"Input should be a valid integer\","
			 "\"input\":null}]}"));
}

static void
test_api_users_create_bad_json_answers_422(void **state)
{
	const char *invalid = us_422("{\"detail\":[{\"type\":\"json_invalid\","
				     "\"loc\":[\"body\"],\"msg\":\"JSON decode error\","
				     "\"input\":null}]}");
	char want[4096];

	snprintf(want, sizeof(want), "%s", invalid);
	us_expect("POST", "/users", "{\"name\":", want);
	us_expect("POST", "/users", "{\"name\":\"a\",\"name\":\"b\",\"email\":\"e\"}",
		  want);
	us_expect("POST", "/users", NULL, want);
	us_expect("POST", "/users", "[1]",
		  us_422("{\"detail\":[{\"type\":\"model_attributes_type\","
			 "\"loc\":[\"body\"],\"msg\":\"Input should be a valid "
			 "dictionary or object\",\"input\":null}]}"));
}

static void
test_api_users_put_patch_delete(void **state)
{
	us_expect("PUT", "/users/5", "{\"name\":\"N\",\"email\":\"e@x\"}",
		  us_ok("{\"message\":\"User updated successfully\",\"user_id\":5,"
			"\"updated_fields\":{\"name\":\"N\",\"email\":\"e@x\"}}"));
	us_expect("PATCH", "/users/5", "{\"name\":\"M\"}",
		  us_ok("{\"message\":\"User partially updated\",\"user_id\":5,"
			"\"updated_fields\":{\"name\":\"M\"}}"));
	us_expect("PATCH", "/users/5", "{}",
		  us_ok("{\"message\":\"User partially updated\",\"user_id\":5,"
			"\"updated_fields\":{}}"));
	us_expect("DELETE", "/users/5", NULL,
		  us_ok("{\"message\":\"User deleted successfully\",\"user_id\":5,"
			"\"deleted\":true}"));
	us_expect("PUT", "/users/5", "{\"name\":\"N\"}",
		  us_422("{\"detail\":[{\"type\":\"missing\",\"loc\":[\"body\","
			 "\"email\"],\"msg\":\"Field required\",\"input\":null}]}"));
}

static void
test_api_users_search_lists_at_most_five_results(void **state)
{
	us_expect("GET", "/search?q=a%20%22b&limit=2", NULL,
		  us_ok("{\"query\":\"a \\\"b\",\"limit\":2,\"results\":["
			"{\"id\":1,\"title\":\"Result 1 for 'a \\\"b'\"},"
			"{\"id\":2,\"title\":\"Result 2 for 'a \\\"b'\"}]}"));
	us_expect("GET", "/search?q=t", NULL,
		  us_ok("{\"query\":\"t\",\"limit\":10,\"results\":["
			"{\"id\":1,\"title\":\"Result 1 for 't'\"},"
			"{\"id\":2,\"title\":\"Result 2 for 't'\"},"
			"{\"id\":3,\"title\":\"Result 3 for 't'\"},"
			"{\"id\":4,\"title\":\"Result 4 for 't'\"},"
			"{\"id\":5,\"title\":\"Result 5 for 't'\"}]}"));
}

static void
test_api_users_search_errors_answer_422(void **state)
{
	us_expect("GET", "/search?limit=2", NULL,
		  us_422("{\"detail\":[{\"type\":\"missing\",\"loc\":[\"query\","
			 "\"q\"],\"msg\":\"Field required\",\"input\":null}]}"));
	us_expect("GET", "/search?q=x&limit=ten", NULL,
		  us_422("{\"detail\":[{\"type\":\"int_parsing\",\"loc\":[\"query\","
			 "\"limit\"],\"msg\":\"Input should be a valid integer, "
			 "unable to parse string as an integer\",\"input\":\"ten\"}]}"));
}

static void
test_api_users_product_by_category_and_id(void **state)
{
	us_expect("GET", "/api/v1/products/home%20garden/7", NULL,
		  us_ok("{\"category\":\"home garden\",\"product_id\":7,"
			"\"name\":\"Product 7\",\"price\":99.99}"));
}

static void
test_api_users_error_routes_answer_200_with_error_body(void **state)
{
	us_expect("GET", "/error/404", NULL,
		  us_ok("{\"error\":\"NotFound\",\"message\":\"Resource not found\","
			"\"status_code\":404}"));
	us_expect("GET", "/error/500", NULL,
		  us_ok("{\"error\":\"InternalServerError\",\"message\":\"Internal "
			"server error\",\"status_code\":500}"));
}

static void
test_api_users_unknown_method_and_path(void **state)
{
	us_expect("POST", "/users/1", "{}",
		  us_answer("HTTP/1.1 405 Method Not Allowed",
			    "{\"error\":\"method not allowed\"}",
			    "Allow: GET, HEAD, PUT, PATCH, DELETE\r\n"));
	us_expect("GET", "/users", NULL,
		  us_answer("HTTP/1.1 405 Method Not Allowed",
			    "{\"error\":\"method not allowed\"}",
			    "Allow: POST\r\n"));
	us_expect("GET", "/nope", NULL,
		  us_answer("HTTP/1.1 404 Not Found", "{\"error\":\"not found\"}",
			    NULL));
}

/* The async routes answer after their wait, not before, and hold the
 * next pipelined request until then. */
static void
test_api_users_async_routes_answer_after_their_wait(void **state)
{
	char want[4096];

	ht_request(&us_c, "GET", "/async/data", NULL);
	ht_request(&us_c, "GET", "/users/1", NULL);
	assert_string_equal(us_read(), "");
	harness_advance(us_h, 500);
	assert_string_equal(us_read(), "");
	harness_advance(us_h, 700);
	snprintf(want, sizeof(want), "%s",
		 us_ok("{\"type\":\"async\",\"message\":\"Data fetched asynchronously\"}"));
	strcat(want, us_ok("{\"user_id\":1,\"name\":\"User 1\","
			   "\"email\":\"user1@example.com\",\"active\":true}"));
	assert_string_equal(us_read(), want);

	ht_request(&us_c, "GET", "/async/users/42", NULL);
	harness_advance(us_h, 1500);
	assert_string_equal(us_read(), "");
	harness_advance(us_h, 700);
	assert_string_equal(us_read(),
			    us_ok("{\"user_id\":42,\"name\":\"Async User 42\","
				  "\"email\":\"async42@example.com\","
				  "\"fetched_async\":true,\"latency_ms\":2}"));

	ht_request(&us_c, "POST", "/async/users",
		   "{\"name\":\"C\",\"email\":\"c@x\"}");
	harness_advance(us_h, 2500);
	assert_string_equal(us_read(), "");
	harness_advance(us_h, 700);
	assert_string_equal(us_read(),
			    us_ok("{\"message\":\"User created asynchronously\","
				  "\"user\":{\"id\":67890,\"name\":\"C\","
				  "\"email\":\"c@x\",\"age\":null,"
				  "\"created_at\":\"2025-10-11T09:00:00Z\","
				  "\"created_async\":true}}"));

	ht_request(&us_c, "GET", "/async/stream", NULL);
	harness_advance(us_h, 1200);
	assert_string_equal(us_read(),
			    us_ok("{\"stream\":\"data\",\"chunks\":[\"chunk1\","
				  "\"chunk2\",\"chunk3\"],\"async\":true}"));
}

#define US_TEST(f) cmocka_unit_test_setup_teardown(f, us_setup, us_teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		US_TEST(test_api_users_root_names_the_version),
		US_TEST(test_api_users_get_by_id),
		US_TEST(test_api_users_get_non_integer_id_answers_422),
		US_TEST(test_api_users_create_echoes_fields),
		US_TEST(test_api_users_create_field_errors_answer_422),
		US_TEST(test_api_users_create_bad_json_answers_422),
		US_TEST(test_api_users_put_patch_delete),
		US_TEST(test_api_users_search_lists_at_most_five_results),
		US_TEST(test_api_users_search_errors_answer_422),
		US_TEST(test_api_users_product_by_category_and_id),
		US_TEST(test_api_users_error_routes_answer_200_with_error_body),
		US_TEST(test_api_users_unknown_method_and_path),
		US_TEST(test_api_users_async_routes_answer_after_their_wait),
	};

	harness_eal_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
