/* SPDX-License-Identifier: BSD-3-Clause */
/* test_api_telemetry.c: the telemetry routes (docs/API.md §5) over a real
 * connection, counting into the state their caller registered. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "api/api.h"
#include "api/telemetry.h"
#include "http/http.h"
#include "http_test.h"

static struct harness *te_h;
static struct http_router te_router;
static struct ht_client te_c;
static struct telemetry_state te_state;

static void
te_tweak(struct config *cfg)
{
	cfg->tcp_max_conns = 8;
}

static int
te_setup(void **state)
{
	tt_reset();
	te_h = harness_create(te_tweak);
	memset(&te_state, 0, sizeof(te_state));
	http_router_init(&te_router);
	assert_int_equal(telemetry_register(&te_router, &te_h->cfg, &te_state),
			 0);
	ht_server_start(te_h, &te_router);
	ht_connect(&te_c, te_h, 40200);
	return 0;
}

static int
te_teardown(void **state)
{
	ht_server_stop(te_h);
	return 0;
}

/* Send one request and return the body of its answer, NUL terminated. */
static const char *
te_call(const char *method, const char *target, const char *body)
{
	static char buf[8192];
	const char *b;

	ht_request(&te_c, method, target, body);
	ht_read(&te_c, buf, sizeof(buf));
	assert_non_null(strstr(buf, "HTTP/1.1 "));
	b = ht_body(buf);
	assert_non_null(b);
	return b;
}

#define TE_EVENT(id)                                                        \
	"{\"timestamp\":\"t\",\"event_id\":\"" id "\",\"function_name\":\"f\"}"

static void
test_api_telemetry_batches_count_into_the_callers_state(void **state)
{
	assert_string_equal(te_call("POST", "/api/v1/telemetry",
				    "{\"events\":[" TE_EVENT("a") "," TE_EVENT("b")
				    ",{\"event_id\":\"c\"}]}"),
			    "{\"received\":3,\"processed\":2}");
	assert_int_equal(te_state.events, 2);
	assert_string_equal(te_call("GET", "/status", NULL),
			    "{\"status\":\"running\",\"events_processed\":2,"
			    "\"trace_store_size\":2,\"effector_actions\":0}");
	/* A rejected batch counts nothing. */
	assert_string_equal(te_call("POST", "/api/v1/telemetry",
				    "{\"events\":[]}"),
			    "{\"error\":\"No events in batch\"}");
	assert_int_equal(te_state.events, 2);
}

static void
test_api_telemetry_status_reads_the_state_and_caps_the_trace_store(void **state)
{
	char want[192];

	te_state.events = TELEMETRY_TRACE_STORE - 1;
	assert_string_equal(te_call("POST", "/api/v1/telemetry",
				    "{\"events\":[" TE_EVENT("a") "," TE_EVENT("b")
				    "]}"),
			    "{\"received\":2,\"processed\":2}");
	snprintf(want, sizeof(want),
		 "{\"status\":\"running\",\"events_processed\":%u,"
		 "\"trace_store_size\":%u,\"effector_actions\":0}",
		 TELEMETRY_TRACE_STORE + 1, TELEMETRY_TRACE_STORE);
	assert_string_equal(te_call("GET", "/status", NULL), want);
}

static void
test_api_telemetry_register_refuses_a_missing_state(void **state)
{
	struct http_router r;

	http_router_init(&r);
	assert_int_equal(telemetry_register(&r, &te_h->cfg, NULL), -EINVAL);
	assert_int_equal(r.nroutes, 0);
}

#define TE_TEST(f) cmocka_unit_test_setup_teardown(f, te_setup, te_teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		TE_TEST(test_api_telemetry_batches_count_into_the_callers_state),
		TE_TEST(test_api_telemetry_status_reads_the_state_and_caps_the_trace_store),
		TE_TEST(test_api_telemetry_register_refuses_a_missing_state),
	};

	harness_eal_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
