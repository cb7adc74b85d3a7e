/* SPDX-License-Identifier: BSD-3-Clause */
/* test_tcp_list.c: the control plane's view of connections by family. */
#include <string.h>

#include <rte_byteorder.h>

#include "core/stats.h"
#include "net/tcp.h"
#include "pkt6.h"
#include "tcp_test.h"

#define PEER6_PORT 40001
#define SEQ0 5000u

/* An IPv6 client's handshake to TT_PORT from pkt6_peer. */
static void
open6(struct harness *h)
{
	uint8_t f[PKT_MAX];
	struct rte_mbuf *m[4];
	const struct rte_ipv6_hdr *ip;
	const uint8_t *tcp;
	uint32_t iss;
	size_t n;

	n = pkt6_tcp(f, &h->ifc.mac, pkt6_peer, pkt6_ours, PEER6_PORT, TT_PORT,
		     SEQ0, 0, F_SYN, 65535, NULL, 0, NULL, 0);
	harness_feed(h, f, n);
	assert_int_equal(harness_collect(h, m, 4), 1);
	ip = pkt6_check(m[0]);
	tcp = (const uint8_t *)(ip + 1);
	assert_int_equal(tcp[13], F_SYN | F_ACK);
	iss = (uint32_t)tcp[4] << 24 | (uint32_t)tcp[5] << 16 |
	      (uint32_t)tcp[6] << 8 | tcp[7];
	rte_pktmbuf_free(m[0]);
	n = pkt6_tcp(f, &h->ifc.mac, pkt6_peer, pkt6_ours, PEER6_PORT, TT_PORT,
		     SEQ0 + 1, iss + 1, F_ACK, 65535, NULL, 0, NULL, 0);
	harness_feed(h, f, n);
}

struct seen {
	uint32_t n, v6;
	uint8_t peer6[16];
	uint16_t port6;
	int state6;
};

static int
note(const struct tcp_conn *c, void *arg)
{
	struct seen *s = arg;
	uint32_t ip;
	uint16_t port;

	s->n++;
	if (tcp_conn_peer6(c, s->peer6)) {
		s->v6++;
		tcp_conn_peer(c, &ip, &port);
		s->port6 = port;
		s->state6 = tcp_conn_state(c);
	}
	return 0;
}

static int
stop_at_first(const struct tcp_conn *c, void *arg)
{
	(*(uint32_t *)arg)++;
	return 1;
}

static void
test_tcp_list_walk_and_family_counts_show_both_families(void **state)
{
	struct harness *h = *state;
	struct tt_peer p4;
	struct seen s = { 0 };
	uint32_t v4, v6, calls = 0;

	tcp_family_counts(h->ctx, &v4, &v6);
	assert_int_equal(v4, 0);
	assert_int_equal(v6, 0);
	tt_peer_init(&p4, h, 40000);
	tt_connect(&p4);
	open6(h);
	assert_int_equal(tt_state_count(h, TCP_ESTABLISHED), 2);
	tcp_family_counts(h->ctx, &v4, &v6);
	assert_int_equal(v4, 1);
	assert_int_equal(v6, 1);
	assert_int_equal(tcp_conn_walk(h->ctx, note, &s), 2);
	assert_int_equal(s.n, 2);
	assert_int_equal(s.v6, 1);
	assert_memory_equal(s.peer6, pkt6_peer, 16);
	assert_int_equal(s.port6, rte_cpu_to_be_16(PEER6_PORT));
	assert_int_equal(s.state6, TCP_ESTABLISHED);
	assert_int_equal(tcp_conn_walk(h->ctx, NULL, NULL), 2);
	assert_int_equal(tcp_conn_walk(h->ctx, stop_at_first, &calls), 1);
	assert_int_equal(calls, 1);
	/* The creations by family. */
	assert_int_equal(HSTAT(h, tcp_conns_v4), 1);
	assert_int_equal(HSTAT(h, tcp_conns_v6), 1);
	/* Closed (aborted) connections leave the walk. */
	for (int i = 0; i < 2; i++)
		tcp_abort(h->ctx, tt_apps[i].c);
	harness_poll(h);
	harness_drain(h);
	tcp_family_counts(h->ctx, &v4, &v6);
	assert_int_equal(v4 + v6, 0);
	assert_int_equal(tcp_conn_walk(h->ctx, NULL, NULL), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		TT_TEST(test_tcp_list_walk_and_family_counts_show_both_families),
	};

	return TT_RUN(tests);
}
