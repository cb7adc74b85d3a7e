/* SPDX-License-Identifier: BSD-3-Clause */
/* test_cksum_offload.c: RX trusts the NIC's checksum verdict, TX asks the NIC. */
#include <string.h>

#include <rte_ethdev.h>
#include <rte_ip.h>
#include <rte_tcp.h>

#include "harness.h"
#include "pkt.h"

/* Nothing listens on this port: a SYN to it is answered by a RST, which
 * leaves through ipv4_output() like every TCP segment. */
#define CO_PORT 9

static size_t
co_syn(const struct harness *h, uint8_t *f, bool bad_cksum)
{
	struct pkt_tcp t = { .sport = 40000, .dport = CO_PORT, .seq = 1000,
			     .flags = RTE_TCP_SYN_FLAG, .win = 65535,
			     .wscale = -1, .bad_cksum = bad_cksum };

	return pkt_tcp(f, &h->ifc.mac, &t);
}

static struct harness *
co_open(bool offload, bool pmd)
{
	struct harness_opts o = { .cksum_offload = offload, .pmd = pmd };

	return harness_create_opts(&o);
}

/* The one frame the stack sent, as it left the stack (before any NIC). */
static struct rte_mbuf *
co_sent(struct harness *h)
{
	struct rte_mbuf *m[4];

	assert_int_equal(rte_ring_dequeue_burst(h->tx, (void **)m, 4, NULL), 1);
	return m[0];
}

static void
test_cksum_offload_rx_trusts_good_flags(void **state)
{
	struct harness *h = co_open(true, false);
	uint8_t f[PKT_MAX];
	size_t n = co_syn(h, f, true);
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(f + 14);

	/* The NIC said good: no software check, so a wrong TCP checksum and
	 * a wrong IPv4 header checksum go through (the NIC is the judge). */
	ip->hdr_checksum ^= 0x1111;
	harness_inject_ol(h, f, n, RTE_MBUF_F_RX_IP_CKSUM_GOOD |
				   RTE_MBUF_F_RX_L4_CKSUM_GOOD);
	harness_poll(h);
	assert_int_equal(HSTAT(h, tcp_drop_cksum), 0);
	assert_int_equal(HSTAT(h, ipv4_drop_cksum), 0);
	assert_int_equal(harness_drain(h), 1);
	assert_int_equal(harness_mbufs_leaked(h), 0);
	harness_destroy(h);
}

static void
test_cksum_offload_rx_drops_bad_l4_flag(void **state)
{
	struct harness *h = co_open(true, false);
	uint8_t f[PKT_MAX];
	size_t n = co_syn(h, f, false);

	/* A correct segment the NIC calls bad is dropped without a look. */
	harness_inject_ol(h, f, n, RTE_MBUF_F_RX_IP_CKSUM_GOOD |
				   RTE_MBUF_F_RX_L4_CKSUM_BAD);
	harness_poll(h);
	assert_int_equal(HSTAT(h, tcp_drop_cksum), 1);
	assert_int_equal(harness_drain(h), 0);
	/* The harness's NIC flags a corrupt segment bad by itself. */
	n = co_syn(h, f, true);
	harness_inject(h, f, n);
	harness_poll(h);
	assert_int_equal(HSTAT(h, tcp_drop_cksum), 2);
	assert_int_equal(harness_drain(h), 0);
	assert_int_equal(harness_mbufs_leaked(h), 0);
	harness_destroy(h);
}

static void
test_cksum_offload_rx_unknown_flag_checked_in_software(void **state)
{
	struct harness *h = co_open(true, false);
	uint8_t f[PKT_MAX];
	size_t n = co_syn(h, f, true);

	/* No verdict from the NIC: the stack checks, and drops. */
	harness_inject_ol(h, f, n, 0);
	harness_poll(h);
	assert_int_equal(HSTAT(h, tcp_drop_cksum), 1);
	assert_int_equal(harness_drain(h), 0);
	n = co_syn(h, f, false);
	harness_inject_ol(h, f, n, 0);
	harness_poll(h);
	assert_int_equal(HSTAT(h, tcp_drop_cksum), 1);
	assert_int_equal(harness_drain(h), 1);
	harness_destroy(h);
}

static void
test_cksum_offload_tx_flags_and_pseudo_header_sum(void **state)
{
	struct harness *h = co_open(true, false);
	uint8_t f[PKT_MAX];
	size_t n = co_syn(h, f, false);
	struct rte_ipv4_hdr *ip;
	struct rte_tcp_hdr *th;
	struct pkt_tcp_seen s;
	struct rte_mbuf *m;

	assert_true(h->ifc.tx_offloads & RTE_ETH_TX_OFFLOAD_TCP_CKSUM);
	assert_true(h->ifc.tx_offloads & RTE_ETH_TX_OFFLOAD_IPV4_CKSUM);
	harness_inject(h, f, n);
	harness_poll(h);
	m = co_sent(h);
	/* What a NIC needs: the request, the header lengths, and the
	 * pseudo-header sum in the TCP checksum field; no header sum. */
	assert_true(m->ol_flags & RTE_MBUF_F_TX_IPV4);
	assert_true(m->ol_flags & RTE_MBUF_F_TX_IP_CKSUM);
	assert_int_equal(m->ol_flags & RTE_MBUF_F_TX_L4_MASK, RTE_MBUF_F_TX_TCP_CKSUM);
	assert_int_equal(m->l2_len, sizeof(struct rte_ether_hdr));
	assert_int_equal(m->l3_len, sizeof(struct rte_ipv4_hdr));
	ip = rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, m->l2_len);
	th = (struct rte_tcp_hdr *)(ip + 1);
	assert_int_equal(ip->hdr_checksum, 0);
	assert_int_equal(th->cksum, rte_ipv4_phdr_cksum(ip, 0));
	assert_true(pkt_parse_tcp(m, &s));
	assert_true(s.flags & RTE_TCP_RST_FLAG);
	assert_false(s.tcp_cksum_ok);
	/* Once the NIC has done its part the frame is right on the wire. */
	harness_nic_tx(m);
	assert_true(pkt_parse_tcp(m, &s));
	assert_true(s.ip_cksum_ok);
	assert_true(s.tcp_cksum_ok);
	rte_pktmbuf_free(m);
	harness_destroy(h);
}

static void
test_cksum_offload_absent_means_software_sums(void **state)
{
	struct harness *h = co_open(false, false);
	uint8_t f[PKT_MAX];
	size_t n = co_syn(h, f, false);
	struct pkt_tcp_seen s;
	struct rte_mbuf *m;

	assert_false(h->ifc.tx_offloads & (RTE_ETH_TX_OFFLOAD_TCP_CKSUM |
					   RTE_ETH_TX_OFFLOAD_IPV4_CKSUM));
	harness_inject(h, f, n);
	harness_poll(h);
	m = co_sent(h);
	assert_false(m->ol_flags & (RTE_MBUF_F_TX_IP_CKSUM | RTE_MBUF_F_TX_L4_MASK));
	assert_true(pkt_parse_tcp(m, &s));
	assert_true(s.ip_cksum_ok);
	assert_true(s.tcp_cksum_ok);
	rte_pktmbuf_free(m);
	/* And a NIC-less port's frames are verified: a bad one dropped. */
	n = co_syn(h, f, true);
	harness_inject(h, f, n);
	harness_poll(h);
	assert_int_equal(HSTAT(h, tcp_drop_cksum), 1);
	assert_int_equal(harness_drain(h), 0);
	harness_destroy(h);
}

static void
test_cksum_offload_pmd_model_copies_and_completes(void **state)
{
	struct harness *h = co_open(true, true);
	uint8_t f[PKT_MAX];
	size_t n = co_syn(h, f, false);
	struct rte_mbuf *m[4];
	struct pkt_tcp_seen s;

	/* RX takes a server mbuf per frame inside the poll, the NIC's flags
	 * with it; what was sent is freed by the next poll's completion. */
	harness_inject(h, f, n);
	assert_int_equal(harness_mbufs_leaked(h), 0);
	assert_int_equal(harness_poll(h), 1);
	assert_int_equal(harness_collect(h, m, 4), 1);
	assert_int_equal(rte_mempool_from_obj(m[0]) == h->pool, true);
	assert_true(pkt_parse_tcp(m[0], &s));
	assert_true(s.flags & RTE_TCP_RST_FLAG);
	assert_true(s.ip_cksum_ok);
	assert_true(s.tcp_cksum_ok);
	harness_tx_done(h, m, 1);
	assert_int_equal(harness_mbufs_leaked(h), 1);
	harness_poll(h);
	assert_int_equal(harness_mbufs_leaked(h), 0);
	assert_int_equal(h->rx_nombuf, 0);
	harness_destroy(h);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cksum_offload_rx_trusts_good_flags),
		cmocka_unit_test(test_cksum_offload_rx_drops_bad_l4_flag),
		cmocka_unit_test(test_cksum_offload_rx_unknown_flag_checked_in_software),
		cmocka_unit_test(test_cksum_offload_tx_flags_and_pseudo_header_sum),
		cmocka_unit_test(test_cksum_offload_absent_means_software_sums),
		cmocka_unit_test(test_cksum_offload_pmd_model_copies_and_completes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
