/* SPDX-License-Identifier: BSD-3-Clause */
/* test_ipv6.c: IPv6 input validation and extension headers (RFC 8200). */
#include <string.h>

#include <rte_ip.h>

#include "harness.h"
#include "net/icmp6.h"
#include "net/ipv6.h"
#include "net/nd.h"
#include "pkt.h"
#include "pkt6.h"

static const struct rte_ether_addr *our_mac; /* the harness port's */

static int
setup(void **state)
{
	struct harness *h = harness_create(NULL);

	our_mac = &h->ifc.mac;
	*state = h;
	return 0;
}

/* An echo request body: id 7, seq 1, "hi". */
static const uint8_t echo_body[] = { 'h', 'i' };

static size_t
echo(uint8_t *f)
{
	return pkt6_icmp(f, our_mac, pkt6_peer, pkt6_ours, 64, 128, 0,
			 0x00070001, echo_body, sizeof(echo_body));
}

/* The parameter problem sent back: code and pointer. */
static void
assert_param_problem(struct harness *h, uint8_t code, uint32_t pointer)
{
	struct rte_mbuf *m = harness_one_frame(h);
	struct rte_ipv6_hdr *ip = pkt6_check(m);
	struct icmp6_hdr *ic = (struct icmp6_hdr *)(ip + 1);

	assert_int_equal(ip->proto, 58);
	assert_memory_equal(ip->dst_addr, pkt6_peer, 16);
	assert_memory_equal(ip->src_addr, pkt6_ours, 16);
	assert_int_equal(ic->type, ICMP6_PARAM_PROBLEM);
	assert_int_equal(ic->code, code);
	assert_int_equal(rte_be_to_cpu_32(ic->data), pointer);
	/* The offending packet is quoted from its IPv6 header. */
	assert_int_equal(((uint8_t *)(ic + 1))[0] >> 4, 6);
	rte_pktmbuf_free(m);
}

static void
test_ipv6_truncated_header_dropped(void **state)
{
	struct harness *h = *state;
	uint8_t f[PKT_MAX];

	echo(f);
	harness_feed(h, f, sizeof(struct rte_ether_hdr) + 30);
	assert_int_equal(HSTAT(h, ip6_drop_short), 1);
	assert_int_equal(harness_drain(h), 0);
}

static void
test_ipv6_bad_version_dropped(void **state)
{
	struct harness *h = *state;
	uint8_t f[PKT_MAX];
	size_t n = echo(f);

	f[14] = 0x45;
	harness_feed(h, f, n);
	assert_int_equal(HSTAT(h, ip6_drop_version), 1);
	assert_int_equal(harness_drain(h), 0);
}

static void
test_ipv6_payload_length_beyond_frame_dropped(void **state)
{
	struct harness *h = *state;
	uint8_t f[PKT_MAX];
	size_t n = echo(f);

	f[14 + 5] += 1; /* one byte more than the frame holds */
	harness_feed(h, f, n);
	assert_int_equal(HSTAT(h, ip6_drop_len), 1);
	assert_int_equal(harness_drain(h), 0);
}

static void
test_ipv6_hop_limit_zero_dropped(void **state)
{
	struct harness *h = *state;
	uint8_t f[PKT_MAX];
	size_t n = echo(f);

	f[14 + 7] = 0;
	harness_feed(h, f, n);
	assert_int_equal(HSTAT(h, ip6_drop_hop_limit), 1);
	assert_int_equal(harness_drain(h), 0);
}

static void
test_ipv6_multicast_own_and_loopback_sources_dropped(void **state)
{
	struct harness *h = *state;
	static const uint8_t mc[16] = { 0xff, 0x02, [15] = 1 };
	static const uint8_t lo[16] = { [15] = 1 };
	uint8_t f[PKT_MAX];
	size_t n;

	n = pkt6_icmp(f, our_mac, mc, pkt6_ours, 64, 128, 0, 1,
		      echo_body, 2);
	harness_feed(h, f, n);
	n = pkt6_icmp(f, our_mac, pkt6_ours, pkt6_ours, 64, 128, 0, 1,
		      echo_body, 2);
	harness_feed(h, f, n);
	n = pkt6_icmp(f, our_mac, lo, pkt6_ours, 64, 128, 0, 1,
		      echo_body, 2);
	harness_feed(h, f, n);
	assert_int_equal(HSTAT(h, ip6_drop_bad_src), 3);
	assert_int_equal(harness_drain(h), 0);
}

static void
test_ipv6_other_destination_dropped(void **state)
{
	struct harness *h = *state;
	uint8_t other[16], f[PKT_MAX];
	size_t n;

	memcpy(other, pkt6_ours, 16);
	other[15] = 3;
	n = pkt6_icmp(f, our_mac, pkt6_peer, other, 64, 128, 0, 1,
		      echo_body, 2);
	harness_feed(h, f, n);
	assert_int_equal(HSTAT(h, ip6_drop_not_for_us), 1);
	assert_int_equal(harness_drain(h), 0);
}

/* The echo request's ICMPv6 message behind the extension headers ext
 * (elen bytes, built by the caller); first: the IPv6 next header. */
static size_t
with_ext(uint8_t *f, const uint8_t *ext, size_t elen, uint8_t first)
{
	uint8_t e[PKT_MAX], msg[PKT_MAX];
	size_t n = echo(e), mlen = n - 54;

	memcpy(msg, ext, elen);
	memcpy(msg + elen, e + 54, mlen);
	return pkt6_ip(f, our_mac, pkt6_peer, pkt6_ours, 64, first,
		       msg, elen + mlen);
}

static void
test_ipv6_dest_options_padding_skipped_and_echo_answered(void **state)
{
	struct harness *h = *state;
	/* Destination options (16 bytes): Pad1, Pad1, PadN 2, unknown type
	 * 0x05 (action 00: skip it) of 4 bytes, PadN 0. */
	const uint8_t ext[16] = { 58, 1, 0, 0, 1, 2, 0, 0, 0x05, 4, 0, 0, 0, 0,
				  1, 0 };
	uint8_t f[PKT_MAX];
	size_t n = with_ext(f, ext, sizeof(ext), IPV6_NH_DSTOPTS);
	struct rte_mbuf *m;
	struct rte_ipv6_hdr *ip;

	harness_feed(h, f, n);
	m = harness_one_frame(h);
	ip = pkt6_check(m);
	assert_int_equal(ip->proto, 58);
	assert_int_equal(((uint8_t *)(ip + 1))[0], ICMP6_ECHO_REPLY);
	rte_pktmbuf_free(m);
	assert_int_equal(HSTAT(h, icmp6_tx_echo_reply), 1);
}

static void
test_ipv6_unknown_option_discard_and_report_gets_param_problem(void **state)
{
	struct harness *h = *state;
	/* Option type 0x85: action 10, discard and send code 2. */
	const uint8_t ext[8] = { 58, 0, 0x85, 4, 0, 0, 0, 0 };
	uint8_t f[PKT_MAX];
	size_t n = with_ext(f, ext, sizeof(ext), IPV6_NH_DSTOPTS);

	harness_feed(h, f, n);
	assert_int_equal(HSTAT(h, ip6_drop_option), 1);
	assert_param_problem(h, ICMP6_PARAM_OPTION, 40 + 2);
}

static void
test_ipv6_unknown_option_silent_discard_sends_nothing(void **state)
{
	struct harness *h = *state;
	const uint8_t ext[8] = { 58, 0, 0x45, 4, 0, 0, 0, 0 }; /* action 01 */
	uint8_t f[PKT_MAX];
	size_t n = with_ext(f, ext, sizeof(ext), IPV6_NH_DSTOPTS);

	harness_feed(h, f, n);
	assert_int_equal(HSTAT(h, ip6_drop_option), 1);
	assert_int_equal(harness_drain(h), 0);
}

static void
test_ipv6_ext_chain_too_long_dropped(void **state)
{
	struct harness *h = *state;
	uint8_t ext[8 * (IPV6_MAX_EXT_HDRS + 1)], f[PKT_MAX];
	size_t n;

	for (unsigned int i = 0; i <= IPV6_MAX_EXT_HDRS; i++) {
		uint8_t *e = ext + 8 * i;

		memset(e, 0, 8);
		e[0] = i == IPV6_MAX_EXT_HDRS ? 58 : IPV6_NH_DSTOPTS;
		e[2] = 1; /* PadN over the rest */
		e[3] = 4;
	}
	n = with_ext(f, ext, sizeof(ext), IPV6_NH_DSTOPTS);
	harness_feed(h, f, n);
	assert_int_equal(HSTAT(h, ip6_drop_ext_chain), 1);
	assert_int_equal(harness_drain(h), 0);
}

static void
test_ipv6_ext_header_past_payload_dropped(void **state)
{
	struct harness *h = *state;
	const uint8_t ext[8] = { 58, 200, 1, 4, 0, 0, 0, 0 }; /* 1608 bytes */
	uint8_t f[PKT_MAX];
	size_t n = with_ext(f, ext, sizeof(ext), IPV6_NH_DSTOPTS);

	harness_feed(h, f, n);
	assert_int_equal(HSTAT(h, ip6_drop_ext_trunc), 1);
	assert_int_equal(harness_drain(h), 0);
}

static void
test_ipv6_hop_by_hop_after_another_header_gets_param_problem(void **state)
{
	struct harness *h = *state;
	const uint8_t ext[16] = { IPV6_NH_HOPOPTS, 0, 1, 4, 0, 0, 0, 0,
				  58, 0, 1, 4, 0, 0, 0, 0 };
	uint8_t f[PKT_MAX];
	size_t n = with_ext(f, ext, sizeof(ext), IPV6_NH_DSTOPTS);

	harness_feed(h, f, n);
	assert_int_equal(HSTAT(h, ip6_drop_hbh_order), 1);
	/* The pointer names the next-header field that named it. */
	assert_param_problem(h, ICMP6_PARAM_NEXT_HEADER, 40);
}

static void
test_ipv6_unknown_next_header_gets_param_problem(void **state)
{
	struct harness *h = *state;
	uint8_t f[PKT_MAX];
	size_t n = pkt6_ip(f, our_mac, pkt6_peer, pkt6_ours, 64, 253,
			   "abcdefgh", 8);

	harness_feed(h, f, n);
	assert_int_equal(HSTAT(h, ip6_drop_proto), 1);
	assert_param_problem(h, ICMP6_PARAM_NEXT_HEADER, 6);
}

static void
test_ipv6_routing_header_segments_left_gets_param_problem(void **state)
{
	struct harness *h = *state;
	const uint8_t done[8] = { 58, 0, 4, 0, 0, 0, 0, 0 };
	const uint8_t left[8] = { 58, 0, 4, 1, 0, 0, 0, 0 };
	uint8_t f[PKT_MAX];
	size_t n;
	struct rte_mbuf *m;

	n = with_ext(f, done, sizeof(done), IPV6_NH_ROUTING);
	harness_feed(h, f, n); /* segments left 0: ignored, echo answered */
	m = harness_one_frame(h);
	rte_pktmbuf_free(m);
	n = with_ext(f, left, sizeof(left), IPV6_NH_ROUTING);
	harness_feed(h, f, n);
	assert_int_equal(HSTAT(h, ip6_drop_routing), 1);
	assert_param_problem(h, ICMP6_PARAM_HEADER, 40 + 2);
}

static void
test_ipv6_fragments_dropped_atomic_fragment_processed(void **state)
{
	struct harness *h = *state;
	const uint8_t first[8] = { 58, 0, 0, 1, 0, 0, 0, 9 };    /* M set */
	const uint8_t later[8] = { 58, 0, 0, 0x10, 0, 0, 0, 9 }; /* off 2 */
	const uint8_t atomic[8] = { 58, 0, 0, 0, 0, 0, 0, 9 };
	uint8_t f[PKT_MAX];
	size_t n;
	struct rte_mbuf *m;

	n = with_ext(f, first, sizeof(first), IPV6_NH_FRAGMENT);
	harness_feed(h, f, n);
	n = with_ext(f, later, sizeof(later), IPV6_NH_FRAGMENT);
	harness_feed(h, f, n);
	assert_int_equal(HSTAT(h, ip6_drop_frag), 2);
	assert_int_equal(harness_drain(h), 0);
	n = with_ext(f, atomic, sizeof(atomic), IPV6_NH_FRAGMENT);
	harness_feed(h, f, n);
	assert_int_equal(HSTAT(h, ip6_rx_atomic_frag), 1);
	m = harness_one_frame(h);
	assert_int_equal(((uint8_t *)(pkt6_check(m) + 1))[0], ICMP6_ECHO_REPLY);
	rte_pktmbuf_free(m);
}

static void
test_ipv6_udp_gets_port_unreachable_quoting_it(void **state)
{
	struct harness *h = *state;
	/* UDP 12345 -> 8080, length 20 (TCP goes to tcp_input: a closed
	 * port gets a RST, test_tcp_ipv6.c). */
	uint8_t seg[20] = { 0x30, 0x39, 0x1f, 0x90, 0x00, 20 };
	uint8_t f[PKT_MAX];
	size_t n = pkt6_ip(f, our_mac, pkt6_peer, pkt6_ours, 64,
			   IPV6_NH_UDP, seg, sizeof(seg));
	struct rte_mbuf *m;
	struct rte_ipv6_hdr *ip;
	struct icmp6_hdr *ic;

	harness_feed(h, f, n);
	assert_int_equal(HSTAT(h, ip6_drop_tcp), 1);
	m = harness_one_frame(h);
	ip = pkt6_check(m);
	ic = (struct icmp6_hdr *)(ip + 1);
	assert_int_equal(ic->type, ICMP6_DEST_UNREACH);
	assert_int_equal(ic->code, ICMP6_UNREACH_PORT);
	assert_int_equal(rte_be_to_cpu_16(ip->payload_len), 8 + 40 + 20);
	assert_memory_equal(ic + 1, f + 14, 40 + 20);
	rte_pktmbuf_free(m);
}

static void
test_ipv6_errors_are_rate_limited(void **state)
{
	struct harness *h = *state;
	uint8_t f[PKT_MAX];
	size_t n = pkt6_ip(f, our_mac, pkt6_peer, pkt6_ours, 64, 253,
			   "abcdefgh", 8);

	for (int i = 0; i < 2 * ICMP6_ERR_BURST; i++)
		harness_feed(h, f, n);
	assert_int_equal(harness_drain(h), ICMP6_ERR_BURST);
	assert_int_equal(HSTAT(h, icmp6_error_limited), ICMP6_ERR_BURST);
	harness_advance(NULL, 1000000 / ICMP6_ERR_PER_S);
	harness_feed(h, f, n);
	harness_feed(h, f, n);
	assert_int_equal(harness_drain(h), 1);
}

static void
test_ipv6_output_off_link_without_gateway_counts_no_route(void **state)
{
	struct harness *h = *state;
	static const uint8_t far[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
	struct rte_mbuf *m = rte_pktmbuf_alloc(h->pool);

	assert_non_null(rte_pktmbuf_append(m, 8));
	memset(rte_pktmbuf_mtod(m, void *), 0, 8);
	ipv6_output(h->ctx, m, NULL, far, IPV6_NH_ICMPV6, 0, NULL);
	assert_int_equal(HSTAT(h, ip6_tx_noroute), 1);
	assert_int_equal(harness_drain(h), 0);
}

static void
test_ipv6_disabled_family_counts_unknown_type(void **state)
{
	struct harness *h = *state;
	uint8_t f[PKT_MAX];
	size_t n = echo(f);
	struct netif saved = h->ifc;

	h->ifc.ip6_prefix = 0;
	harness_feed(h, f, n);
	h->ifc = saved;
	assert_int_equal(HSTAT(h, eth_drop_unknown_type), 1);
	assert_int_equal(harness_drain(h), 0);
}

static void
test_ipv6_alone_drops_ipv4_and_arp_as_unknown_types(void **state)
{
	struct harness *h = *state;
	static const struct rte_ether_addr bcast = {
		{ 0xff, 0xff, 0xff, 0xff, 0xff, 0xff } };
	static const struct rte_ether_addr zero;
	uint8_t f[PKT_MAX];
	size_t n;
	struct netif saved = h->ifc;
	struct rte_mbuf *m;

	h->ifc.ip = 0; /* ip.address "none" */
	n = pkt_arp(f, &bcast, &harness_peer_mac, 1, HARNESS_PEER_IP, &zero, 0);
	harness_feed(h, f, n);
	n = pkt_icmp_echo(f, our_mac, HARNESS_PEER_IP, 0, 1, 1, "x", 1);
	harness_feed(h, f, n);
	assert_int_equal(HSTAT(h, eth_drop_unknown_type), 2);
	assert_int_equal(harness_drain(h), 0);
	n = echo(f); /* IPv6 still answered */
	harness_feed(h, f, n);
	m = harness_one_frame(h);
	rte_pktmbuf_free(m);
	h->ifc = saved;
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, harness_teardown_nd)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_ipv6_truncated_header_dropped),
		T(test_ipv6_bad_version_dropped),
		T(test_ipv6_payload_length_beyond_frame_dropped),
		T(test_ipv6_hop_limit_zero_dropped),
		T(test_ipv6_multicast_own_and_loopback_sources_dropped),
		T(test_ipv6_other_destination_dropped),
		T(test_ipv6_dest_options_padding_skipped_and_echo_answered),
		T(test_ipv6_unknown_option_discard_and_report_gets_param_problem),
		T(test_ipv6_unknown_option_silent_discard_sends_nothing),
		T(test_ipv6_ext_chain_too_long_dropped),
		T(test_ipv6_ext_header_past_payload_dropped),
		T(test_ipv6_hop_by_hop_after_another_header_gets_param_problem),
		T(test_ipv6_unknown_next_header_gets_param_problem),
		T(test_ipv6_routing_header_segments_left_gets_param_problem),
		T(test_ipv6_fragments_dropped_atomic_fragment_processed),
		T(test_ipv6_udp_gets_port_unreachable_quoting_it),
		T(test_ipv6_errors_are_rate_limited),
		T(test_ipv6_output_off_link_without_gateway_counts_no_route),
		T(test_ipv6_disabled_family_counts_unknown_type),
		T(test_ipv6_alone_drops_ipv4_and_arp_as_unknown_types),
	};

	harness_eal_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
