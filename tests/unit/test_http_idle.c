/* SPDX-License-Identifier: BSD-3-Clause */
/* test_http_idle.c: idle and request timeouts of connections whose idle
 * timer accept parks and a sweep arms later (conn.c, timer_park). */
#include <stdio.h>
#include <string.h>

#include "http/conn_priv.h"
#include "http/http.h"
#include "http_test.h"

static struct harness *hi_h;
static struct http_router hi_router;

#define GET_HELLO "GET /hello HTTP/1.1\r\nHost: t\r\n\r\n"

static void
hi_tweak(struct config *cfg)
{
	cfg->tcp_max_conns = 8;
}

static int
hi_setup(void **state)
{
	(void)state;
	tt_reset();
	hi_h = harness_create(hi_tweak);
	http_router_init(&hi_router);
	assert_true(http_router_add(&hi_router, HTTP_METHOD_BIT(HTTP_M_GET),
				    "/hello", ht_hello, NULL, "hello") >= 0);
	ht_server_start(hi_h, &hi_router);
	return 0;
}

static int
hi_teardown(void **state)
{
	(void)state;
	ht_server_stop(hi_h);
	return 0;
}

static uint64_t
hi_idle(void)
{
	return (uint64_t)hi_h->cfg.http_idle_timeout_ms * 1000;
}

static uint64_t
hi_header(void)
{
	return (uint64_t)hi_h->cfg.http_header_timeout_ms * 1000;
}

/* The pool entry serving the one open connection. */
static struct http_conn *
hi_conn(void)
{
	struct http_lcore *hl = http_lc(hi_h->ctx);
	struct http_conn *hc = NULL;

	for (uint32_t k = 0; k < hl->max_conns; k++)
		if (hl->conns[k].tcp) {
			assert_null(hc);
			hc = &hl->conns[k];
		}
	assert_non_null(hc);
	return hc;
}

/* Move the clock to t µs after t0 in polls of at most step µs. */
static void
hi_walk(uint64_t t0, uint64_t t, uint64_t step)
{
	assert_true(harness_now() <= t0 + t);
	while (harness_now() - t0 + step < t)
		harness_advance(hi_h, step);
	harness_advance(hi_h, t0 + t - harness_now());
}

static void
hi_roundtrip(struct ht_client *c)
{
	char buf[4096];

	ht_send(c, GET_HELLO);
	ht_read(c, buf, sizeof(buf));
	assert_string_equal(buf, ht_expect("HTTP/1.1 200 OK", "text/plain",
					   "hello", NULL, NULL, false));
	assert_false(c->fin);
}

/* The sweep is due before the shortest deadline accept can lead to. */
static void
test_http_idle_sweep_comes_before_any_deadline(void **state)
{
	struct http_lcore *hl = http_lc(hi_h->ctx);

	(void)state;
	assert_true(hl->idle_lazy_us > 0);
	assert_true(2 * hl->idle_lazy_us <= hi_idle());
	assert_true(2 * hl->idle_lazy_us <= hi_header());
}

/* A connection that never sends is parked, swept into the wheel and
 * closed at its deadline: not a poll before, and in the poll that
 * reaches it. */
static void
test_http_idle_unused_connection_closes_at_its_deadline(void **state)
{
	struct http_lcore *hl = http_lc(hi_h->ctx);
	struct ht_client c;
	struct http_conn *hc;
	uint64_t t0 = harness_now();
	char buf[256];

	(void)state;
	ht_connect(&c, hi_h, 40101);
	hc = hi_conn();
	assert_true(timer_armed(&hc->timer)); /* parked counts as armed */
	assert_ptr_equal(hl->idle_park.head, &hc->timer);
	assert_true(timer_armed(&hl->idle_sweep));
	hi_walk(t0, hl->idle_lazy_us + 1000, 100000);
	assert_null(hl->idle_park.head); /* swept into the wheel */
	assert_true(timer_armed(&hc->timer));
	assert_int_equal(hc->timer.expire_us, t0 + hi_idle());
	hi_walk(t0, hi_idle() - 1, 1000000);
	assert_int_equal(HSTAT(hi_h, http_idle_timeouts), 0);
	assert_int_equal(ht_read(&c, buf, sizeof(buf)), 0);
	assert_false(c.fin);
	harness_advance(hi_h, 1);
	assert_int_equal(HSTAT(hi_h, http_idle_timeouts), 1);
	assert_int_equal(ht_read(&c, buf, sizeof(buf)), 0);
	assert_true(c.fin);
}

/* Requests before and after the sweep each move the deadline: none
 * closes at the accept's deadline; the last request's does. */
static void
test_http_idle_active_connection_is_not_closed(void **state)
{
	struct http_lcore *hl = http_lc(hi_h->ctx);
	struct ht_client c;
	uint64_t t0 = harness_now(), t1, t2;
	char buf[256];

	(void)state;
	ht_connect(&c, hi_h, 40102);
	harness_advance(hi_h, hl->idle_lazy_us / 2);
	t1 = harness_now();
	hi_roundtrip(&c); /* parked: deadline moves, timer stays parked */
	assert_int_equal(hi_conn()->deadline_us, t1 + hi_idle());
	hi_walk(t0, hi_idle() + 1000, 500000);
	assert_int_equal(HSTAT(hi_h, http_idle_timeouts), 0);
	hi_walk(t1, hi_idle() - 1000, 500000);
	t2 = harness_now();
	hi_roundtrip(&c); /* in the wheel now */
	hi_walk(t1, hi_idle() + 1000, 500000);
	assert_int_equal(HSTAT(hi_h, http_idle_timeouts), 0);
	hi_walk(t2, hi_idle() - 1, 1000000);
	assert_int_equal(HSTAT(hi_h, http_idle_timeouts), 0);
	assert_int_equal(ht_read(&c, buf, sizeof(buf)), 0);
	assert_false(c.fin);
	harness_advance(hi_h, 1);
	assert_int_equal(HSTAT(hi_h, http_idle_timeouts), 1);
	ht_read(&c, buf, sizeof(buf));
	assert_true(c.fin);
}

/* One clock jump past the sweep and the deadline: the timeout runs in
 * that poll, as an armed timer's would (idle, and a partial request's
 * 408 at its header deadline). */
static void
test_http_idle_clock_jump_past_sweep_and_deadline(void **state)
{
	struct ht_client c, d;
	char buf[4096];

	(void)state;
	ht_connect(&c, hi_h, 40103);
	harness_advance(hi_h, hi_idle());
	assert_int_equal(HSTAT(hi_h, http_idle_timeouts), 1);
	ht_read(&c, buf, sizeof(buf));
	assert_true(c.fin);

	ht_connect(&d, hi_h, 40104);
	ht_send(&d, "GET /hello HTTP/1.1\r\n");
	harness_advance(hi_h, hi_header() - 1);
	assert_int_equal(HSTAT(hi_h, http_header_timeouts), 0);
	harness_advance(hi_h, 1);
	assert_int_equal(HSTAT(hi_h, http_header_timeouts), 1);
	ht_read(&d, buf, sizeof(buf));
	assert_non_null(strstr(buf, "HTTP/1.1 408 Request Timeout"));
	assert_true(d.fin);
}

/* A connection that closes before the sweep leaves the park (the sweep
 * arms nothing for it); another one parked with it is swept, kept to its
 * deadline, and its pool entry taken again parks afresh. */
static void
test_http_idle_closed_before_sweep_costs_no_arm(void **state)
{
	struct http_lcore *hl = http_lc(hi_h->ctx);
	struct ht_client a, b, c;
	struct http_conn *ha, *hb;
	uint64_t t0 = harness_now();
	char buf[256];

	(void)state;
	ht_connect(&a, hi_h, 40105);
	ha = hi_conn();
	ht_connect(&b, hi_h, 40106);
	hb = hl->idle_park.head == &ha->timer ? NULL :
	     container_of(hl->idle_park.head, struct http_conn, timer);
	assert_non_null(hb);
	assert_ptr_equal(hb->timer.next, &ha->timer);
	tt_send(&a.p, RTE_TCP_RST_FLAG, a.p.snd_nxt, 0, NULL, 0);
	assert_int_equal(http_conn_count(hi_h->ctx), 1);
	assert_false(timer_armed(&ha->timer));
	assert_ptr_equal(hl->idle_park.head, &hb->timer);
	assert_null(hb->timer.next);
	hi_walk(t0, hl->idle_lazy_us, 100000);
	assert_null(hl->idle_park.head);
	assert_false(timer_armed(&ha->timer));
	assert_true(timer_armed(&hb->timer));
	assert_false(timer_armed(&hl->idle_sweep));

	ht_connect(&c, hi_h, 40107); /* ha's entry again */
	assert_ptr_equal(hl->idle_park.head, &ha->timer);
	assert_true(timer_armed(&hl->idle_sweep));
	hi_walk(t0, hi_idle() - 1, 1000000);
	assert_int_equal(HSTAT(hi_h, http_idle_timeouts), 0);
	harness_advance(hi_h, 1);
	assert_int_equal(HSTAT(hi_h, http_idle_timeouts), 1);
	ht_read(&b, buf, sizeof(buf));
	assert_true(b.fin);
	assert_int_equal(ht_read(&c, buf, sizeof(buf)), 0);
	assert_false(c.fin);
}

/* A sweep moves idle_flush timers a poll and comes again the next poll
 * for the rest; each connection still closes at its deadline. */
static void
test_http_idle_sweep_moves_a_bounded_number_a_poll(void **state)
{
	struct http_lcore *hl = http_lc(hi_h->ctx);
	struct ht_client c[3];
	uint64_t t0 = harness_now();
	char buf[256];

	(void)state;
	hl->idle_flush = 1;
	for (int i = 0; i < 3; i++)
		ht_connect(&c[i], hi_h, (uint16_t)(40110 + i));
	harness_advance(hi_h, hl->idle_lazy_us);
	assert_non_null(hl->idle_park.head);
	assert_non_null(hl->idle_park.head->next);
	assert_null(hl->idle_park.head->next->next);
	assert_true(timer_armed(&hl->idle_sweep));
	harness_advance(hi_h, 0);
	assert_non_null(hl->idle_park.head);
	assert_null(hl->idle_park.head->next);
	harness_advance(hi_h, 0);
	assert_null(hl->idle_park.head);
	assert_false(timer_armed(&hl->idle_sweep));
	hi_walk(t0, hi_idle() - 1, 1000000);
	assert_int_equal(HSTAT(hi_h, http_idle_timeouts), 0);
	harness_advance(hi_h, 1);
	assert_int_equal(HSTAT(hi_h, http_idle_timeouts), 3);
	ht_read(&c[0], buf, sizeof(buf)); /* reads (and drops) all three */
	assert_true(c[0].fin);
}

#define HI_TEST(f) cmocka_unit_test_setup_teardown(f, hi_setup, hi_teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		HI_TEST(test_http_idle_sweep_comes_before_any_deadline),
		HI_TEST(test_http_idle_unused_connection_closes_at_its_deadline),
		HI_TEST(test_http_idle_active_connection_is_not_closed),
		HI_TEST(test_http_idle_clock_jump_past_sweep_and_deadline),
		HI_TEST(test_http_idle_closed_before_sweep_costs_no_arm),
		HI_TEST(test_http_idle_sweep_moves_a_bounded_number_a_poll),
	};

	harness_eal_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
