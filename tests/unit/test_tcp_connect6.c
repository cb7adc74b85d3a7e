/* SPDX-License-Identifier: BSD-3-Clause */
/* test_tcp_connect6.c: active open over IPv6 (tcp_connect6): Neighbour
 * Discovery before the SYN, the SYN's addresses and MSS, the handshake,
 * data, refusal, and the destinations it refuses. */
#include <errno.h>
#include <string.h>

#include <rte_ip.h>

#include "harness.h"
#include "net/ipv6.h"
#include "net/tcp.h"
#include "pkt.h"
#include "pkt6.h"

#define SRV_PORT 80
#define SRV_ISN 7000u

struct c6_app {
	struct tcp_conn *c;
	unsigned int connected;
	bool closed;
	enum tcp_close_reason why;
	uint8_t rx[256];
	uint32_t rx_len;
};

static void
c6_connected(struct lcore_ctx *ctx, struct tcp_conn *c, void *app)
{
	struct c6_app *a = app;

	(void)ctx;
	assert_ptr_equal(a->c, c);
	a->connected++;
}

static void
c6_recv(struct lcore_ctx *ctx, struct tcp_conn *c, void *app,
	const uint8_t *data, uint32_t len)
{
	struct c6_app *a = app;

	(void)ctx;
	(void)c;
	assert_true(a->rx_len + len <= sizeof(a->rx));
	memcpy(a->rx + a->rx_len, data, len);
	a->rx_len += len;
}

static void
c6_closed(struct lcore_ctx *ctx, struct tcp_conn *c, void *app,
	  enum tcp_close_reason why)
{
	struct c6_app *a = app;

	(void)ctx;
	(void)c;
	assert_false(a->closed);
	a->closed = true;
	a->why = why;
}

static const struct tcp_ops c6_ops = {
	.recv = c6_recv,
	.closed = c6_closed,
	.connected = c6_connected,
};

/* The first frame after tcp_connect6 is a neighbour solicitation for
 * peer; the advertisement that answers it releases the SYN, returned
 * parsed. */
static void
c6_resolve_and_syn(struct harness *h, const uint8_t *peer,
		   struct pkt6_tcp_seen *syn)
{
	struct rte_mbuf *m[4];
	const struct rte_ipv6_hdr *ip;
	const uint8_t *ns;
	uint8_t f[PKT_MAX];

	lcore_tx_flush(h->ctx);
	assert_int_equal(harness_collect(h, m, 4), 1);
	ip = pkt6_check(m[0]);
	assert_int_equal(ip->proto, 58);
	ns = (const uint8_t *)(ip + 1);
	assert_int_equal(ns[0], 135); /* neighbour solicitation */
	assert_memory_equal(ns + 8, peer, 16);
	rte_pktmbuf_free(m[0]);
	harness_feed(h, f, pkt6_na(f, &h->ifc.mac, ip->src_addr, 0x60, peer,
				   &harness_peer_mac));
	lcore_tx_flush(h->ctx);
	pkt6_one_tcp(h, syn);
}

/* The server's SYN-ACK (MSS 1440, window scale 7, timestamps echoed). */
static void
c6_synack(struct harness *h, const uint8_t *peer, const uint8_t *ours,
	  const struct pkt6_tcp_seen *syn)
{
	uint8_t f[PKT_MAX], o[20] = { 2, 4, 0x05, 0xa0, 1, 3, 3, 7, 1, 1, 8, 10 };
	uint32_t tsval = rte_cpu_to_be_32(555), ecr = rte_cpu_to_be_32(syn->tsval);

	memcpy(o + 12, &tsval, 4);
	memcpy(o + 16, &ecr, 4);
	harness_feed(h, f, pkt6_tcp(f, &h->ifc.mac, peer, ours, SRV_PORT,
				    syn->sport, SRV_ISN, syn->seq + 1,
				    0x12, 65535, o, sizeof(o), NULL, 0));
}

/* SYN, SYN-ACK, ACK, data both ways, over IPv6 from ip6.address. */
static void
test_tcp_connect6_handshake_and_data(void **state)
{
	struct harness *h = harness_create(NULL);
	struct c6_app a = { 0 };
	struct pkt6_tcp_seen syn, s;
	uint8_t f[PKT_MAX];
	uint32_t tsval = rte_cpu_to_be_32(556), o[3];

	(void)state;
	assert_int_equal(tcp_connect6(h->ctx, pkt6_peer, rte_cpu_to_be_16(SRV_PORT),
				      &c6_ops, &a, &a.c), 0);
	assert_int_equal(tcp_conn_state(a.c), TCP_SYN_SENT);
	c6_resolve_and_syn(h, pkt6_peer, &syn);
	assert_memory_equal(syn.src, pkt6_ours, 16);
	assert_memory_equal(syn.dst, pkt6_peer, 16);
	assert_int_equal(syn.flags, 0x02);
	assert_int_equal(syn.dport, SRV_PORT);
	assert_true(syn.cksum_ok);
	/* 1500 - 40 (IPv6) - 20 (TCP). */
	assert_int_equal(syn.mss, 1440);
	assert_true(syn.wscale >= 0);
	assert_true(syn.has_ts);
	assert_int_equal(HSTAT(h, tcp_conns_v6), 1);

	c6_synack(h, pkt6_peer, pkt6_ours, &syn);
	assert_int_equal(a.connected, 1);
	assert_int_equal(tcp_conn_state(a.c), TCP_ESTABLISHED);
	tcp_flush(h->ctx);
	lcore_tx_flush(h->ctx);
	pkt6_one_tcp(h, &s);
	assert_int_equal(s.flags, 0x10);
	assert_int_equal(s.ack, SRV_ISN + 1);
	assert_int_equal(s.seq, syn.seq + 1);
	assert_true(s.cksum_ok);

	assert_int_equal(tcp_send(h->ctx, a.c, "ping6", 5), 5);
	tcp_flush(h->ctx);
	lcore_tx_flush(h->ctx);
	pkt6_one_tcp(h, &s);
	assert_int_equal(s.len, 5);
	assert_memory_equal(s.data, "ping6", 5);
	assert_true(s.cksum_ok);
	/* The server answers and acknowledges. */
	o[0] = rte_cpu_to_be_32(0x0101080a);
	memcpy(&o[1], &tsval, 4);
	o[2] = rte_cpu_to_be_32(s.tsval);
	harness_feed(h, f, pkt6_tcp(f, &h->ifc.mac, pkt6_peer, pkt6_ours,
				    SRV_PORT, syn.sport, SRV_ISN + 1,
				    syn.seq + 6, 0x18, 65535, o, sizeof(o),
				    "pong6", 5));
	assert_int_equal(a.rx_len, 5);
	assert_memory_equal(a.rx, "pong6", 5);
	tcp_abort(h->ctx, a.c);
	harness_poll(h);
	harness_drain(h);
	assert_true(a.closed);
	harness_destroy(h);
}

/* A RST acknowledging our SYN refuses the connection. */
static void
test_tcp_connect6_rst_refuses(void **state)
{
	struct harness *h = harness_create(NULL);
	struct c6_app a = { 0 };
	struct pkt6_tcp_seen syn;
	uint8_t f[PKT_MAX];

	(void)state;
	assert_int_equal(tcp_connect6(h->ctx, pkt6_peer, rte_cpu_to_be_16(SRV_PORT),
				      &c6_ops, &a, &a.c), 0);
	c6_resolve_and_syn(h, pkt6_peer, &syn);
	harness_feed(h, f, pkt6_tcp(f, &h->ifc.mac, pkt6_peer, pkt6_ours,
				    SRV_PORT, syn.sport, 0, syn.seq + 1, 0x14,
				    0, NULL, 0, NULL, 0));
	assert_true(a.closed);
	assert_int_equal(a.why, TCP_CLOSE_REFUSED);
	assert_int_equal(HSTAT(h, tcp_connect_refused), 1);
	assert_int_equal(tcp_conn_count(h->ctx), 0);
	harness_destroy(h);
}

/* A link-local peer is reached from our link-local address. */
static void
test_tcp_connect6_link_local_peer_from_link_local(void **state)
{
	static const uint8_t ll_peer[16] = { 0xfe, 0x80, [15] = 0x99 };
	struct harness *h = harness_create(NULL);
	struct c6_app a = { 0 };
	struct pkt6_tcp_seen syn;

	(void)state;
	assert_int_equal(tcp_connect6(h->ctx, ll_peer, rte_cpu_to_be_16(SRV_PORT),
				      &c6_ops, &a, &a.c), 0);
	c6_resolve_and_syn(h, ll_peer, &syn);
	assert_memory_equal(syn.src, h->ifc.ip6_ll, 16);
	assert_memory_equal(syn.dst, ll_peer, 16);
	assert_true(syn.cksum_ok);
	c6_synack(h, ll_peer, h->ifc.ip6_ll, &syn);
	assert_int_equal(a.connected, 1);
	tcp_abort(h->ctx, a.c);
	harness_poll(h);
	harness_drain(h);
	harness_destroy(h);
}

static void
no_ip6(struct config *cfg)
{
	memset(cfg->ip6, 0, sizeof(cfg->ip6));
	cfg->ip6_prefix = 0;
}

/* What tcp_connect6 refuses, and nothing is sent or kept for it. */
static void
test_tcp_connect6_refuses_bad_destinations(void **state)
{
	static const uint8_t zero[16], loop[16] = { [15] = 1 },
		mcast[16] = { 0xff, 0x02, [15] = 1 },
		mapped[16] = { [10] = 0xff, [11] = 0xff, 10, 0, 0, 1 },
		off_prefix[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
	struct harness *h = harness_create(NULL);
	uint16_t port = rte_cpu_to_be_16(SRV_PORT);
	struct c6_app a = { 0 };

	(void)state;
	assert_int_equal(tcp_connect6(h->ctx, zero, port, &c6_ops, &a, NULL),
			 -EINVAL);
	assert_int_equal(tcp_connect6(h->ctx, loop, port, &c6_ops, &a, NULL),
			 -EINVAL);
	assert_int_equal(tcp_connect6(h->ctx, mcast, port, &c6_ops, &a, NULL),
			 -EINVAL);
	assert_int_equal(tcp_connect6(h->ctx, mapped, port, &c6_ops, &a, NULL),
			 -EINVAL);
	assert_int_equal(tcp_connect6(h->ctx, pkt6_ours, port, &c6_ops, &a,
				      NULL), -EINVAL);
	assert_int_equal(tcp_connect6(h->ctx, h->ifc.ip6_ll, port, &c6_ops, &a,
				      NULL), -EINVAL);
	assert_int_equal(tcp_connect6(h->ctx, pkt6_peer, 0, &c6_ops, &a, NULL),
			 -EINVAL);
	/* Off our prefix with no ip6.gateway. */
	assert_int_equal(tcp_connect6(h->ctx, off_prefix, port, &c6_ops, &a,
				      NULL), -ENETUNREACH);
	assert_int_equal(tcp_conn_count(h->ctx), 0);
	assert_int_equal(harness_drain(h), 0);
	harness_destroy(h);

	h = harness_create(no_ip6);
	assert_int_equal(tcp_connect6(h->ctx, pkt6_peer, port, &c6_ops, &a,
				      NULL), -EAFNOSUPPORT);
	harness_destroy(h);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tcp_connect6_handshake_and_data),
		cmocka_unit_test(test_tcp_connect6_rst_refuses),
		cmocka_unit_test(test_tcp_connect6_link_local_peer_from_link_local),
		cmocka_unit_test(test_tcp_connect6_refuses_bad_destinations),
	};

	harness_eal_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
