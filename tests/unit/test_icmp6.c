/* SPDX-License-Identifier: BSD-3-Clause */
/* test_icmp6.c: ICMPv6 echo, errors and packet too big (RFC 4443, 8201). */
#include <string.h>

#include <rte_ip.h>

#include "harness.h"
#include "net/icmp6.h"
#include "net/ipv6.h"
#include "net/nd.h"
#include "pkt.h"
#include "pkt6.h"

static const char data[] = "abcdefghijklmnopqrstuvwxyz";

static void
test_icmp6_echo_request_answered_with_same_id_seq_data(void **state)
{
	struct harness *h = *state;
	uint8_t f[PKT_MAX];
	size_t n = pkt6_icmp(f, &h->ifc.mac, pkt6_peer, pkt6_ours, 64, 128, 0,
			     0x12340005, data, sizeof(data));
	struct rte_ether_hdr *eh;
	struct rte_ipv6_hdr *ip;
	struct icmp6_hdr *ic;
	struct rte_mbuf *m;

	harness_feed(h, f, n);
	m = harness_one_frame(h);
	eh = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	ip = pkt6_check(m);
	ic = (struct icmp6_hdr *)(ip + 1);
	assert_true(rte_is_same_ether_addr(&eh->dst_addr, &harness_peer_mac));
	assert_true(rte_is_same_ether_addr(&eh->src_addr, &h->ifc.mac));
	assert_memory_equal(ip->src_addr, pkt6_ours, 16);
	assert_memory_equal(ip->dst_addr, pkt6_peer, 16);
	assert_int_equal(ip->hop_limits, IPV6_DEFAULT_HOP_LIMIT);
	assert_int_equal(ic->type, ICMP6_ECHO_REPLY);
	assert_int_equal(ic->code, 0);
	assert_int_equal(rte_be_to_cpu_32(ic->data), 0x12340005);
	assert_int_equal(rte_be_to_cpu_16(ip->payload_len), 8 + sizeof(data));
	assert_memory_equal(ic + 1, data, sizeof(data));
	rte_pktmbuf_free(m);
	assert_int_equal(HSTAT(h, icmp6_rx_echo), 1);
	assert_int_equal(HSTAT(h, icmp6_tx_echo_reply), 1);
}

static void
test_icmp6_echo_to_link_local_answered_from_it_padding_trimmed(void **state)
{
	struct harness *h = *state;
	static const uint8_t peer_ll[16] = { 0xfe, 0x80, [15] = 1 };
	uint8_t f[PKT_MAX];
	size_t n = pkt6_icmp(f, &h->ifc.mac, peer_ll, h->ifc.ip6_ll, 64, 128, 0,
			     1, "x", 1);
	struct rte_mbuf *m;
	struct rte_ipv6_hdr *ip;

	memset(f + n, 0xee, 16); /* Ethernet padding */
	harness_feed(h, f, n + 16);
	m = harness_one_frame(h);
	ip = pkt6_check(m);
	assert_memory_equal(ip->src_addr, h->ifc.ip6_ll, 16);
	assert_memory_equal(ip->dst_addr, peer_ll, 16);
	assert_int_equal(rte_be_to_cpu_16(ip->payload_len), 9);
	rte_pktmbuf_free(m);
}

static void
test_icmp6_bad_checksum_and_truncated_dropped(void **state)
{
	struct harness *h = *state;
	uint8_t f[PKT_MAX];
	size_t n = pkt6_icmp(f, &h->ifc.mac, pkt6_peer, pkt6_ours, 64, 128, 0,
			     1, data, sizeof(data));

	f[n - 1] ^= 0x40;
	harness_feed(h, f, n);
	assert_int_equal(HSTAT(h, icmp6_drop_cksum), 1);
	n = pkt6_ip(f, &h->ifc.mac, pkt6_peer, pkt6_ours, 64, 58, "\x80\x00", 2);
	harness_feed(h, f, n);
	assert_int_equal(HSTAT(h, icmp6_drop_short), 1);
	assert_int_equal(harness_drain(h), 0);
}

static void
test_icmp6_echo_to_multicast_and_nonzero_code_not_answered(void **state)
{
	struct harness *h = *state;
	static const uint8_t all_nodes[16] = { 0xff, 0x02, [15] = 1 };
	const struct rte_ether_addr all_mac = { { 0x33, 0x33, 0, 0, 0, 1 } };
	uint8_t f[PKT_MAX];
	size_t n;

	n = pkt6_icmp(f, &all_mac, pkt6_peer, all_nodes, 64, 128, 0, 1, "x", 1);
	harness_feed(h, f, n);
	n = pkt6_icmp(f, &h->ifc.mac, pkt6_peer, pkt6_ours, 64, 128, 1, 1, "x",
		      1);
	harness_feed(h, f, n);
	assert_int_equal(HSTAT(h, icmp6_rx_other), 2);
	assert_int_equal(harness_drain(h), 0);
}

/* A packet too big quoting a packet from src to dst. */
static size_t
ptb(struct harness *h, uint8_t *f, const uint8_t *src, const uint8_t *dst,
    uint32_t mtu)
{
	uint8_t quote[48] = { 0x60, [6] = 6, [7] = 64 };

	memcpy(quote + 8, src, 16);
	memcpy(quote + 24, dst, 16);
	return pkt6_icmp(f, &h->ifc.mac, pkt6_peer, pkt6_ours, 64,
			 ICMP6_PACKET_TOO_BIG, 0, mtu, quote, sizeof(quote));
}

static void
test_icmp6_packet_too_big_records_path_mtu(void **state)
{
	struct harness *h = *state;
	static const uint8_t far[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 7 };
	static const uint8_t far2[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 8 };
	uint8_t f[PKT_MAX];
	size_t n;

	assert_int_equal(nd_pmtu_lookup(h->ctx->nd, far, harness_now()), 0);
	n = ptb(h, f, pkt6_ours, far, 1400);
	harness_feed(h, f, n);
	assert_int_equal(nd_pmtu_lookup(h->ctx->nd, far, harness_now()), 1400);
	/* A larger value does not raise it; a smaller one lowers it. */
	n = ptb(h, f, pkt6_ours, far, 1450);
	harness_feed(h, f, n);
	assert_int_equal(nd_pmtu_lookup(h->ctx->nd, far, harness_now()), 1400);
	n = ptb(h, f, pkt6_ours, far, 1300);
	harness_feed(h, f, n);
	assert_int_equal(nd_pmtu_lookup(h->ctx->nd, far, harness_now()), 1300);
	/* RFC 8201 §4: never below 1280. */
	n = ptb(h, f, pkt6_ours, far2, 600);
	harness_feed(h, f, n);
	assert_int_equal(nd_pmtu_lookup(h->ctx->nd, far2, harness_now()), 1280);
	assert_int_equal(HSTAT(h, icmp6_rx_ptb), 4);
	/* Entries age out (RFC 8201 §4: try larger again after 10 min). */
	assert_int_equal(nd_pmtu_lookup(h->ctx->nd, far, harness_now() +
					ND_PMTU_AGE_US), 0);
	assert_int_equal(harness_drain(h), 0);
}

static void
test_icmp6_packet_too_big_about_someone_else_ignored(void **state)
{
	struct harness *h = *state;
	static const uint8_t far[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 7 };
	uint8_t f[PKT_MAX];
	size_t n;

	n = ptb(h, f, pkt6_peer, far, 1400); /* not our packet */
	harness_feed(h, f, n);
	n = ptb(h, f, pkt6_ours, far, 9000); /* not below our MTU */
	harness_feed(h, f, n);
	n = pkt6_icmp(f, &h->ifc.mac, pkt6_peer, pkt6_ours, 64,
		      ICMP6_PACKET_TOO_BIG, 0, 1300, "short", 5);
	harness_feed(h, f, n);
	assert_int_equal(HSTAT(h, icmp6_ptb_ignored), 3);
	assert_int_equal(nd_pmtu_lookup(h->ctx->nd, far, harness_now()), 0);
	assert_int_equal(harness_drain(h), 0);
}

static void
test_icmp6_errors_received_counted_never_answered(void **state)
{
	struct harness *h = *state;
	uint8_t quote[48] = { 0x60, [6] = 253, [7] = 64 };
	uint8_t f[PKT_MAX];
	size_t n;

	n = pkt6_icmp(f, &h->ifc.mac, pkt6_peer, pkt6_ours, 64,
		      ICMP6_DEST_UNREACH, 4, 0, quote, sizeof(quote));
	harness_feed(h, f, n);
	n = pkt6_icmp(f, &h->ifc.mac, pkt6_peer, pkt6_ours, 64,
		      ICMP6_PARAM_PROBLEM, 1, 6, quote, sizeof(quote));
	harness_feed(h, f, n);
	/* Router solicitations/advertisements and redirects: ignored. */
	n = pkt6_icmp(f, &h->ifc.mac, pkt6_peer, pkt6_ours, 255, ICMP6_ND_RA, 0,
		      0, quote, 8);
	harness_feed(h, f, n);
	assert_int_equal(HSTAT(h, icmp6_rx_error), 2);
	assert_int_equal(HSTAT(h, nd_rx_other), 1);
	assert_int_equal(harness_drain(h), 0);
}

static void
test_icmp6_error_to_multicast_destination_not_sent(void **state)
{
	struct harness *h = *state;
	static const uint8_t all_nodes[16] = { 0xff, 0x02, [15] = 1 };
	const struct rte_ether_addr all_mac = { { 0x33, 0x33, 0, 0, 0, 1 } };
	uint8_t f[PKT_MAX];
	size_t n = pkt6_ip(f, &all_mac, pkt6_peer, all_nodes, 64, 253,
			   "abcdefgh", 8);

	harness_feed(h, f, n);
	assert_int_equal(HSTAT(h, ip6_drop_proto), 1);
	assert_int_equal(HSTAT(h, icmp6_tx_error), 0);
	assert_int_equal(harness_drain(h), 0);
}

static void
test_icmp6_error_quote_capped_at_minimum_mtu(void **state)
{
	struct harness *h = *state;
	uint8_t body[1400], f[PKT_MAX];
	size_t n;
	struct rte_mbuf *m;
	struct rte_ipv6_hdr *ip;

	memset(body, 0x5a, sizeof(body));
	n = pkt6_ip(f, &h->ifc.mac, pkt6_peer, pkt6_ours, 64, 253, body,
		    sizeof(body));
	harness_feed(h, f, n);
	m = harness_one_frame(h);
	ip = pkt6_check(m);
	assert_int_equal(sizeof(*ip) + rte_be_to_cpu_16(ip->payload_len),
			 IPV6_MIN_MTU);
	rte_pktmbuf_free(m);
}

#define T(f) \
	cmocka_unit_test_setup_teardown(f, harness_setup, harness_teardown_nd)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_icmp6_echo_request_answered_with_same_id_seq_data),
		T(test_icmp6_echo_to_link_local_answered_from_it_padding_trimmed),
		T(test_icmp6_bad_checksum_and_truncated_dropped),
		T(test_icmp6_echo_to_multicast_and_nonzero_code_not_answered),
		T(test_icmp6_packet_too_big_records_path_mtu),
		T(test_icmp6_packet_too_big_about_someone_else_ignored),
		T(test_icmp6_errors_received_counted_never_answered),
		T(test_icmp6_error_to_multicast_destination_not_sent),
		T(test_icmp6_error_quote_capped_at_minimum_mtu),
	};

	harness_eal_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
