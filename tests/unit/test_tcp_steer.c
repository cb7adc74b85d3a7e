/* SPDX-License-Identifier: BSD-3-Clause */
/* test_tcp_steer.c: owner directory and hand-off of misdelivered segments. */
#include <pthread.h>
#include <string.h>

#include <rte_tcp.h>

#include "harness.h"
#include "net/arp.h"
#include "net/eth.h"
#include "net/tcp.h"
#include "net/tcp_priv.h"
#include "net/tcp_steer.h"
#include "pkt.h"

static void
test_steer_directory_add_lookup_delete(void **state)
{
	struct tcp_steer *st;

	harness_eal_init();
	st = tcp_steer_create(4, 64, 0);
	assert_non_null(st);
	assert_int_equal(tcp_steer_owner(st, 1, 2, 3, TCP_LID_V4), -1);
	assert_int_equal(tcp_steer_add(st, 1, 2, 3, TCP_LID_V4, 2), 0);
	assert_int_equal(tcp_steer_add(st, 1, 2, 4, TCP_LID_V4, 3), 0);
	assert_int_equal(tcp_steer_owner(st, 1, 2, 3, TCP_LID_V4), 2);
	assert_int_equal(tcp_steer_owner(st, 1, 2, 4, TCP_LID_V4), 3);
	tcp_steer_del(st, 1, 2, 3, TCP_LID_V4, 1); /* not the owner: no effect */
	assert_int_equal(tcp_steer_owner(st, 1, 2, 3, TCP_LID_V4), 2);
	tcp_steer_del(st, 1, 2, 3, TCP_LID_V4, 2);
	assert_int_equal(tcp_steer_owner(st, 1, 2, 3, TCP_LID_V4), -1);
	assert_int_equal(tcp_steer_owner(st, 1, 2, 4, TCP_LID_V4), 3);
	/* Tombstones are reused: churn never fills the table. */
	for (uint32_t i = 0; i < 100000; i++) {
		assert_int_equal(tcp_steer_add(st, 7, (uint16_t)i, 9, TCP_LID_V4, 1),
				 0);
		tcp_steer_del(st, 7, (uint16_t)i, 9, TCP_LID_V4, 1);
	}
	assert_int_equal(tcp_steer_owner(st, 1, 2, 4, TCP_LID_V4), 3);
	tcp_steer_free(st);
}

/* The same peer and ports aimed at two of our addresses (the primary and
 * a VIP, or IPv4 and an IPv6 peer whose digest is equal) are two
 * connections that may live on two lcores: each is found with its own
 * owner, and deleting one leaves the other, through backward shifts. */
static void
test_steer_directory_keys_on_local_address(void **state)
{
	static const uint8_t lids[] = { TCP_LID_V4, TCP_LID_VIP,
					TCP_LID_VIP + 1, TCP_LID_V6 };
	struct tcp_steer *st;

	harness_eal_init();
	st = tcp_steer_create(4, 64, 0);
	assert_non_null(st);
	assert_int_equal(tcp_steer_add(st, 1, 2, 3, TCP_LID_V4, 0), 0);
	assert_int_equal(tcp_steer_owner(st, 1, 2, 3, TCP_LID_VIP), -1);
	assert_int_equal(tcp_steer_add(st, 1, 2, 3, TCP_LID_VIP, 1), 0);
	assert_int_equal(tcp_steer_owner(st, 1, 2, 3, TCP_LID_V4), 0);
	assert_int_equal(tcp_steer_owner(st, 1, 2, 3, TCP_LID_VIP), 1);
	assert_int_equal(tcp_steer_owner(st, 1, 2, 3, TCP_LID_V6), -1);
	tcp_steer_del(st, 1, 2, 3, TCP_LID_VIP, 0); /* wrong owner: kept */
	tcp_steer_del(st, 1, 2, 3, TCP_LID_V4, 1);  /* wrong owner: kept */
	assert_int_equal(tcp_steer_owner(st, 1, 2, 3, TCP_LID_V4), 0);
	assert_int_equal(tcp_steer_owner(st, 1, 2, 3, TCP_LID_VIP), 1);
	tcp_steer_del(st, 1, 2, 3, TCP_LID_V4, 0);
	assert_int_equal(tcp_steer_owner(st, 1, 2, 3, TCP_LID_V4), -1);
	assert_int_equal(tcp_steer_owner(st, 1, 2, 3, TCP_LID_VIP), 1);
	tcp_steer_del(st, 1, 2, 3, TCP_LID_VIP, 1);
	assert_int_equal(tcp_steer_owner(st, 1, 2, 3, TCP_LID_VIP), -1);

	/* Dense: 4 lids x 100 peers, owner = lid index; every third deleted
	 * (moving others back); the rest keep their owners. */
	for (uint32_t i = 0; i < 100; i++)
		for (unsigned int l = 0; l < 4; l++)
			assert_int_equal(tcp_steer_add(st, 50 + i, 7, 8080,
						       lids[l], l), 0);
	for (uint32_t i = 0; i < 100; i += 3)
		for (unsigned int l = 0; l < 4; l++)
			tcp_steer_del(st, 50 + i, 7, 8080, lids[l], l);
	for (uint32_t i = 0; i < 100; i++)
		for (unsigned int l = 0; l < 4; l++)
			assert_int_equal(tcp_steer_owner(st, 50 + i, 7, 8080,
							 lids[l]),
					 i % 3 == 0 ? -1 : (int)l);
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
			if (tcp_steer_add(t->st, 10 + t->owner, (uint16_t)i, 80, TCP_LID_V4,
					  t->owner))
				t->errors++;
		for (uint32_t i = 0; i < 200; i++)
			if (tcp_steer_owner(t->st, 10 + t->owner, (uint16_t)i, 80, TCP_LID_V4) !=
			    (int)t->owner)
				t->errors++;
		for (uint32_t i = 0; i < 200; i++)
			tcp_steer_del(t->st, 10 + t->owner, (uint16_t)i, 80, TCP_LID_V4,
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

/* Many connections come and go while others stay: without tombstones
 * (backward-shift deletion) every lookup, hit or miss, stays within the
 * furthest displacement ever placed, and a miss ends at an empty slot. */
static void
test_steer_directory_churn_keeps_probes_bounded(void **state)
{
	struct tcp_steer *st;
	struct tcp_steer_stats ss;
	uint32_t probes, worst = 0, total = 0;

	harness_eal_init();
	st = tcp_steer_create(2, 512, 0); /* 2048 slots */
	assert_non_null(st);
	/* A resident population: a quarter of the table. */
	for (uint32_t i = 0; i < 512; i++)
		assert_int_equal(tcp_steer_add(st, 0x0a000001 + i, 1000, 80, TCP_LID_V4, 0),
				 0);
	/* 200,000 open/close cycles of other connections, 64 open at a
	 * time. */
	for (uint32_t i = 0; i < 200000; i++) {
		assert_int_equal(tcp_steer_add(st, 0x0b000001 + i, 2000, 80, TCP_LID_V4, 1),
				 0);
		if (i >= 64)
			tcp_steer_del(st, 0x0b000001 + i - 64, 2000, 80, TCP_LID_V4, 1);
	}
	tcp_steer_stats(st, &ss);
	assert_int_equal(ss.slots, 2048);
	assert_int_equal(ss.entries, 512 + 64);
	assert_true(ss.shifts > 0);
	/* Linear probing at load <= 0.3 with a keyed hash: clusters stay
	 * short (a tombstone table would be full of dead slots by now). */
	assert_true(ss.max_disp < 48);
	for (uint32_t i = 0; i < 512; i++) {
		assert_int_equal(tcp_steer_find(st, 0x0a000001 + i, 1000, 80, TCP_LID_V4,
						 &probes), 0);
		assert_true(probes <= ss.max_disp + 1);
	}
	for (uint32_t i = 200000 - 64; i < 200000; i++)
		assert_int_equal(tcp_steer_owner(st, 0x0b000001 + i, 2000, 80, TCP_LID_V4), 1);
	/* Misses: never past max_disp + 1 slots, a few on average. */
	for (uint32_t i = 0; i < 4096; i++) {
		assert_int_equal(tcp_steer_find(st, 0x0c000001 + i, 3000, 80, TCP_LID_V4,
						 &probes), -1);
		assert_true(probes >= 1 && probes <= ss.max_disp + 1);
		worst = probes > worst ? probes : worst;
		total += probes;
	}
	assert_true(total / 4096 <= 4);
	/* Every deleted one is gone. */
	for (uint32_t i = 0; i < 200000 - 64; i += 997)
		assert_int_equal(tcp_steer_owner(st, 0x0b000001 + i, 2000, 80, TCP_LID_V4), -1);
	/* An empty directory goes back to one-slot misses. */
	for (uint32_t i = 0; i < 512; i++)
		tcp_steer_del(st, 0x0a000001 + i, 1000, 80, TCP_LID_V4, 0);
	for (uint32_t i = 200000 - 64; i < 200000; i++)
		tcp_steer_del(st, 0x0b000001 + i, 2000, 80, TCP_LID_V4, 1);
	tcp_steer_stats(st, &ss);
	assert_int_equal(ss.entries, 0);
	assert_int_equal(ss.max_disp, 0);
	assert_int_equal(tcp_steer_find(st, 0x0a000001, 1000, 80, TCP_LID_V4, &probes), -1);
	assert_int_equal(probes, 1);
	tcp_steer_free(st);
}

/* The slot hash is keyed by a secret drawn per instance: two
 * directories (or two runs) place the same 4-tuples differently. */
static void
test_steer_directory_seed_differs_across_instances(void **state)
{
	struct tcp_steer *a, *b, *c;

	harness_eal_init();
	a = tcp_steer_create(2, 64, 0);
	b = tcp_steer_create(2, 64, 0);
	c = tcp_steer_create(2, 64, 0);
	assert_non_null(a);
	assert_non_null(b);
	assert_non_null(c);
	assert_true(tcp_steer_test_seed(a) != tcp_steer_test_seed(b));
	assert_true(tcp_steer_test_seed(b) != tcp_steer_test_seed(c));
	assert_true(tcp_steer_test_seed(a) != tcp_steer_test_seed(c));
	assert_true(tcp_steer_test_seed(a) != 0x5eed);
	/* Each still works on its own. */
	assert_int_equal(tcp_steer_add(a, 1, 2, 3, TCP_LID_V4, 1), 0);
	assert_int_equal(tcp_steer_owner(a, 1, 2, 3, TCP_LID_V4), 1);
	assert_int_equal(tcp_steer_owner(b, 1, 2, 3, TCP_LID_V4), -1);
	tcp_steer_free(c);
	tcp_steer_free(b);
	tcp_steer_free(a);
}

/* A SYN for a 4-tuple no lcore has (the common case of a new
 * connection, and all of a SYN flood) reads a few directory slots, not
 * the table, even after heavy churn; it opens here. */
static void
test_steer_syn_on_local_miss_costs_a_few_probes(void **state)
{
	struct harness *h = harness_create(NULL);
	struct tcp_steer *st = tcp_steer_create(2, 256, 0);
	struct tcp_steer_stats ss;
	uint8_t f[PKT_MAX];
	struct rte_mbuf *out[4];
	struct pkt_tcp_seen s;

	assert_non_null(st);
	/* Lcore 1's connections came and went: 100,000 of them. */
	for (uint32_t i = 0; i < 100000; i++) {
		assert_int_equal(tcp_steer_add(st, 0x0b000001 + i, 4000, 8080, TCP_LID_V4, 1),
				 0);
		if (i >= 128)
			tcp_steer_del(st, 0x0b000001 + i - 128, 4000, 8080, TCP_LID_V4, 1);
	}
	tcp_steer_stats(st, &ss);
	assert_true(ss.max_disp < 32);
	assert_int_equal(tcp_listen(h->ctx, 8080, &null_ops), 0);
	tcp_steer_attach(h->ctx, st);
	for (uint16_t port = 6000; port < 6016; port++) {
		struct pkt_tcp syn = { .sport = port, .dport = 8080, .seq = 100,
				       .flags = RTE_TCP_SYN_FLAG, .win = 65535,
				       .mss = 1460, .wscale = -1 };

		harness_feed(h, f, pkt_tcp(f, &h->ifc.mac, &syn));
		assert_int_equal(harness_collect(h, out, 4), 1);
		assert_true(pkt_parse_tcp(out[0], &s));
		assert_int_equal(s.flags, RTE_TCP_SYN_FLAG | RTE_TCP_ACK_FLAG);
		rte_pktmbuf_free(out[0]);
	}
	assert_int_equal(HSTAT(h, tcp_steer_lookups), 16);
	assert_true(HSTAT(h, tcp_steer_probes) >= 16);
	assert_true(HSTAT(h, tcp_steer_probes) <= 16 * (ss.max_disp + 1));
	assert_true(HSTAT(h, tcp_steer_probes) <= 16 * 4);
	assert_int_equal(HSTAT(h, rx_handoff), 0);
	assert_int_equal(tcp_conn_count(h->ctx), 16);

	tcp_lcore_fini(h->ctx);
	lcore_tx_flush(h->ctx);
	harness_drain(h);
	tcp_steer_free(st);
	assert_int_equal(harness_mbufs_leaked(h), 0);
	harness_destroy(h);
}

/*
 * IPv6 peers of one /64 whose addresses fold to one tcp_ip6_digest (the
 * interface id's two words equal, so they cancel), all from one port to
 * one port: keyed by tcp_steer_peer6() they spread over the directory as
 * any others, each found with its own owner; keyed by the digest they
 * would be one key in one cluster (every probe walking it, owners
 * confused).
 */
static void
test_steer_directory_ipv6_digest_flood_spreads(void **state)
{
	const unsigned int n = 1024;
	struct tcp_steer *st;
	struct tcp_steer_stats ss;
	uint32_t digest0 = 0, probes, worst = 0;

	(void)state;
	harness_eal_init();
	st = tcp_steer_create(4, n, 0);
	assert_non_null(st);
	for (unsigned int i = 0; i < n; i++) {
		uint8_t a[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 1 };
		uint32_t w = 0x1000u + i, k;

		memcpy(a + 8, &w, 4);
		memcpy(a + 12, &w, 4);
		if (i == 0)
			digest0 = tcp_ip6_digest(a);
		assert_int_equal(tcp_ip6_digest(a), digest0);
		k = tcp_steer_peer(st, tcp_ip6_digest(a), TCP_LID_V6, a);
		assert_int_not_equal(k, 0);
		assert_int_equal(tcp_steer_add(st, k, 80, 8080, TCP_LID_V6,
					       i % 4), 0);
	}
	tcp_steer_stats(st, &ss);
	assert_int_equal(ss.entries, n);
	assert_true(ss.max_disp < 64);
	for (unsigned int i = 0; i < n; i++) {
		uint8_t a[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 1 };
		uint32_t w = 0x1000u + i;

		memcpy(a + 8, &w, 4);
		memcpy(a + 12, &w, 4);
		assert_int_equal(tcp_steer_find(st, tcp_steer_peer(st, digest0,
								   TCP_LID_V6, a),
						80, 8080, TCP_LID_V6, &probes),
				 (int)(i % 4));
		worst = probes > worst ? probes : worst;
	}
	assert_true(worst < 64);
	/* IPv4 keys are the address itself. */
	assert_int_equal(tcp_steer_peer(st, 0x0100000a, TCP_LID_V4, NULL),
			 0x0100000a);
	tcp_steer_free(st);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_steer_directory_add_lookup_delete),
		cmocka_unit_test(test_steer_directory_keys_on_local_address),
		cmocka_unit_test(test_steer_directory_concurrent_owners_never_confused),
		cmocka_unit_test(test_steer_misdelivered_segment_goes_to_owner),
		cmocka_unit_test(test_steer_directory_churn_keeps_probes_bounded),
		cmocka_unit_test(test_steer_directory_seed_differs_across_instances),
		cmocka_unit_test(test_steer_syn_on_local_miss_costs_a_few_probes),
		cmocka_unit_test(test_steer_directory_ipv6_digest_flood_spreads),
	};

	harness_eal_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
