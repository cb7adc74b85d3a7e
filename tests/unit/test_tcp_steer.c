/* SPDX-License-Identifier: BSD-3-Clause */
/* test_tcp_steer.c: owner directory and hand-off of misdelivered segments. */
#include <pthread.h>
#include <string.h>

#include <rte_tcp.h>

#include "harness.h"
#include "net/arp.h"
#include "net/eth.h"
#include "net/tcp.h"
#include "net/tcp_steer.h"
#include "pkt.h"

static void
test_steer_directory_add_lookup_delete(void **state)
{
	struct tcp_steer *st;

	harness_eal_init();
	st = tcp_steer_create(4, 64, 0);
	assert_non_null(st);
	assert_int_equal(tcp_steer_owner(st, 1, 2, 3), -1);
	assert_int_equal(tcp_steer_add(st, 1, 2, 3, 2), 0);
	assert_int_equal(tcp_steer_add(st, 1, 2, 4, 3), 0);
	assert_int_equal(tcp_steer_owner(st, 1, 2, 3), 2);
	assert_int_equal(tcp_steer_owner(st, 1, 2, 4), 3);
	tcp_steer_del(st, 1, 2, 3, 1); /* not the owner: no effect */
	assert_int_equal(tcp_steer_owner(st, 1, 2, 3), 2);
	tcp_steer_del(st, 1, 2, 3, 2);
	assert_int_equal(tcp_steer_owner(st, 1, 2, 3), -1);
	assert_int_equal(tcp_steer_owner(st, 1, 2, 4), 3);
	/* Tombstones are reused: churn never fills the table. */
	for (uint32_t i = 0; i < 100000; i++) {
		assert_int_equal(tcp_steer_add(st, 7, (uint16_t)i, 9, 1), 0);
		tcp_steer_del(st, 7, (uint16_t)i, 9, 1);
	}
	assert_int_equal(tcp_steer_owner(st, 1, 2, 4), 3);
	tcp_steer_free(st);
}

struct steer_thread {
	struct tcp_steer *st;
	unsigned int owner;
	int errors;
};

static void *
steer_worker(void *arg)
{
	struct steer_thread *t = arg;

	for (uint32_t round = 0; round < 50; round++) {
		for (uint32_t i = 0; i < 200; i++)
			if (tcp_steer_add(t->st, 10 + t->owner, (uint16_t)i, 80,
					  t->owner))
				t->errors++;
		for (uint32_t i = 0; i < 200; i++)
			if (tcp_steer_owner(t->st, 10 + t->owner, (uint16_t)i, 80) !=
			    (int)t->owner)
				t->errors++;
		for (uint32_t i = 0; i < 200; i++)
			tcp_steer_del(t->st, 10 + t->owner, (uint16_t)i, 80,
				      t->owner);
	}
	return NULL;
}

static void
test_steer_directory_concurrent_owners_never_confused(void **state)
{
	struct steer_thread t[4];
	pthread_t th[4];
	struct tcp_steer *st;

	harness_eal_init();
	st = tcp_steer_create(4, 256, 0);
	assert_non_null(st);
	for (unsigned int i = 0; i < 4; i++) {
		t[i] = (struct steer_thread){ st, i, 0 };
		pthread_create(&th[i], NULL, steer_worker, &t[i]);
	}
	for (unsigned int i = 0; i < 4; i++) {
		pthread_join(th[i], NULL);
		assert_int_equal(t[i].errors, 0);
	}
	tcp_steer_free(st);
}

static void *
null_accept(struct lcore_ctx *ctx, struct tcp_conn *c)
{
	return (void *)1;
}

static void null_recv(struct lcore_ctx *ctx, struct tcp_conn *c, void *app,
		      const uint8_t *d, uint32_t l) {}
static void null_fin(struct lcore_ctx *ctx, struct tcp_conn *c, void *app) {}
static void null_closed(struct lcore_ctx *ctx, struct tcp_conn *c, void *app,
			enum tcp_close_reason why) {}

static const struct tcp_ops null_ops = {
	.accept = null_accept, .recv = null_recv, .peer_fin = null_fin,
	.closed = null_closed,
};

/* A connection opened on lcore 1; its next segment reaches lcore 0: it
 * must travel to lcore 1, not be answered with a RST. */
static void
test_steer_misdelivered_segment_goes_to_owner(void **state)
{
	struct harness *h = harness_create(NULL);
	struct tcp_steer *st = tcp_steer_create(2, 64, 0);
	struct lcore_params p;
	struct lcore_ctx *other;
	uint8_t f[PKT_MAX];
	struct pkt_tcp syn = { .sport = 5000, .dport = 8080, .seq = 100,
			       .flags = RTE_TCP_SYN_FLAG, .win = 65535,
			       .mss = 1460, .wscale = -1 };
	struct rte_mbuf *out[4];
	struct pkt_tcp_seen s;
	size_t n;

	assert_non_null(st);
	memset(&p, 0, sizeof(p));
	p.cfg = &h->cfg;
	p.ifc = &h->ifc;
	p.pool = h->pool;
	p.hooks.input = eth_input_burst;
	p.port_id = h->port_id;
	p.idx = 1;
	other = lcore_ctx_create(&p);
	assert_non_null(other);
	other->arp = h->ctx->arp;
	assert_int_equal(tcp_lcore_init(other), 0);
	assert_int_equal(tcp_listen(other, 8080, &null_ops), 0);
	assert_int_equal(tcp_listen(h->ctx, 8080, &null_ops), 0);
	tcp_steer_attach(h->ctx, st);
	tcp_steer_attach(other, st);

	/* The SYN lands on lcore 1 (fed to it directly). */
	other->now_us = harness_now();
	n = pkt_tcp(f, &h->ifc.mac, &syn);
	{
		struct rte_mbuf *m = rte_pktmbuf_alloc(h->pool);

		memcpy(rte_pktmbuf_append(m, (uint16_t)n), f, n);
		eth_input(other, m);
	}
	tcp_flush(other);
	lcore_tx_flush(other);
	assert_int_equal(harness_collect(h, out, 4), 1);
	assert_true(pkt_parse_tcp(out[0], &s));
	assert_int_equal(s.flags, RTE_TCP_SYN_FLAG | RTE_TCP_ACK_FLAG);
	rte_pktmbuf_free(out[0]);
	assert_int_equal(tcp_conn_count(other), 1);

	/* The handshake's ACK reaches lcore 0 (the harness's). */
	struct pkt_tcp ack = { .sport = 5000, .dport = 8080, .seq = 101,
			       .ack = s.seq + 1, .flags = RTE_TCP_ACK_FLAG,
			       .win = 65535, .wscale = -1 };
	harness_feed(h, f, pkt_tcp(f, &h->ifc.mac, &ack));
	assert_int_equal(harness_drain(h), 0); /* no RST from lcore 0 */
	assert_int_equal(HSTAT(h, rx_handoff), 1);
	assert_int_equal(HSTAT(h, tcp_rst_tx), 0);
	/* Lcore 1 takes it from its ring and completes the handshake. */
	other->now_us = harness_now();
	tcp_steer_drain(other);
	assert_int_equal(other->stats.v[ST_tcp_accepted], 1);
	assert_int_equal(other->stats.v[ST_tcp_rst_tx], 0);

	tcp_lcore_fini(other);
	lcore_tx_flush(other);
	harness_drain(h);
	lcore_ctx_free(other);
	tcp_steer_free(st);
	assert_int_equal(harness_mbufs_leaked(h), 0);
	harness_destroy(h);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_steer_directory_add_lookup_delete),
		cmocka_unit_test(test_steer_directory_concurrent_owners_never_confused),
		cmocka_unit_test(test_steer_misdelivered_segment_goes_to_owner),
	};

	harness_eal_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
