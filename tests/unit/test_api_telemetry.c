/* SPDX-License-Identifier: BSD-3-Clause */
/* test_api_telemetry.c: the telemetry routes (docs/API.md §5) over a real
 * connection, counting into the state their caller registered. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "api/api.h"
#include "api/telemetry.h"
#include "http/http.h"
#include "tcp_test.h"

static struct harness *te_h;
static struct http_router te_router;
static struct tt_peer te_p;
static struct telemetry_state te_state;

static void
te_tweak(struct config *cfg)
{
	cfg->tcp_max_conns = 8;
}

static int
te_setup(void **state)
{
	struct tt_seg sa;

	tt_reset();
	te_h = harness_create(te_tweak);
	memset(&te_state, 0, sizeof(te_state));
	http_router_init(&te_router);
	assert_int_equal(telemetry_register(&te_router, &te_h->cfg, &te_state),
			 0);
	assert_int_equal(http_lcore_init(te_h->ctx, &te_router), 0);
	assert_int_equal(tcp_listen(te_h->ctx, TT_PORT, &http_tcp_ops), 0);
	tt_peer_init(&te_p, te_h, 40200);
	tt_syn(&te_p, &sa);
	tt_send_ack(&te_p);
	tt_none(te_h);
	return 0;
}

static int
te_teardown(void **state)
{
	harness_drain(te_h);
	tcp_lcore_fini(te_h->ctx);
	assert_int_equal(http_conn_count(te_h->ctx), 0);
	http_lcore_fini(te_h->ctx);
	lcore_tx_flush(te_h->ctx);
	harness_drain(te_h);
	assert_int_equal(harness_mbufs_leaked(te_h), 0);
	harness_destroy(te_h);
	return 0;
}

/* Send one request and return the body of its answer, NUL terminated. */
static const char *
te_call(const char *method, const char *target, const char *body)
{
	static struct tt_seg segs[64];
	static char buf[8192];
	char req[2048];
	const char *b;
	size_t got = 0;
	unsigned int n;

	if (body)
		snprintf(req, sizeof(req), "%s %s HTTP/1.1\r\nHost: t\r\n"
			 "Content-Type: application/json\r\nContent-Length: %zu"
			 "\r\n\r\n%s", method, target, strlen(body), body);
	else
		snprintf(req, sizeof(req), "%s %s HTTP/1.1\r\nHost: t\r\n\r\n",
			 method, target);
	tt_send_data(&te_p, req, (uint32_t)strlen(req));
	while ((n = tt_collect(te_h, segs, 64)) > 0) {
		size_t k = tt_take_data(&te_p, segs, n, (uint8_t *)buf + got,
					(uint32_t)(sizeof(buf) - 1 - got));

		if (!k)
			break;
		got += k;
		tt_send_ack(&te_p);
	}
	buf[got] = '\0';
	assert_non_null(strstr(buf, "HTTP/1.1 "));
	b = strstr(buf, "\r\n\r\n");
	assert_non_null(b);
	return b + 4;
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
