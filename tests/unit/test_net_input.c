/* SPDX-License-Identifier: BSD-3-Clause */
/* test_net_input.c: Ethernet/ARP/IPv4/ICMP through the real input path. */
#include <string.h>

#include <rte_arp.h>
#include <rte_icmp.h>
#include <rte_ip.h>

#include "harness.h"
#include "net/arp.h"
#include "net/ipv4.h"
#include "pkt.h"

static const struct rte_ether_addr bcast = {
	.addr_bytes = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff }
};
static const struct rte_ether_addr zero_mac;

/* These are IPv4's tests (an IPv6 frame is an unknown type here):
 * IPv6 has its own (test_ipv6.c, test_nd.c, test_icmp6.c). */
static void
ipv4_only(struct config *cfg)
{
	cfg->ip6_prefix = 0;
}

static int
setup(void **state)
{
	*state = harness_create(ipv4_only);
	return 0;
}

static int
teardown(void **state)
{
	struct harness *h = *state;

	/* Packets an unresolved next hop still holds are not leaks. */
	assert_int_equal(harness_mbufs_leaked(h),
			 (int)arp_pending_count(h->ctx->arp));
	harness_destroy(h);
	return 0;
}

static void
test_arp_request_for_us_gets_reply(void **state)
{
	struct harness *h = *state;
	uint8_t f[PKT_MAX];
	size_t n = pkt_arp(f, &bcast, &harness_peer_mac, RTE_ARP_OP_REQUEST,
			   HARNESS_PEER_IP, &zero_mac, HARNESS_OUR_IP);
	struct rte_mbuf *m;
	struct rte_ether_hdr *eh;
	struct rte_arp_hdr *a;

	harness_feed(h, f, n);
	m = harness_one_frame(h);
	eh = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	a = (struct rte_arp_hdr *)(eh + 1);
	assert_true(rte_is_same_ether_addr(&eh->dst_addr, &harness_peer_mac));
	assert_true(rte_is_same_ether_addr(&eh->src_addr, &h->ifc.mac));
	assert_int_equal(eh->ether_type, RTE_BE16(RTE_ETHER_TYPE_ARP));
	assert_int_equal(a->arp_opcode, RTE_BE16(RTE_ARP_OP_REPLY));
	assert_true(rte_is_same_ether_addr(&a->arp_data.arp_sha, &h->ifc.mac));
	assert_int_equal(a->arp_data.arp_sip, RTE_BE32(HARNESS_OUR_IP));
	assert_true(rte_is_same_ether_addr(&a->arp_data.arp_tha,
					   &harness_peer_mac));
	assert_int_equal(a->arp_data.arp_tip, RTE_BE32(HARNESS_PEER_IP));
	assert_int_equal(m->pkt_len, sizeof(*eh) + sizeof(*a));
	rte_pktmbuf_free(m);
	assert_int_equal(HSTAT(h, arp_rx_request), 1);
	assert_int_equal(HSTAT(h, arp_tx_reply), 1);
	assert_int_equal(HSTAT(h, arp_learned), 1);
}

static void
test_arp_request_for_other_ip_is_not_answered(void **state)
{
	struct harness *h = *state;
	uint8_t f[PKT_MAX];
	size_t n = pkt_arp(f, &bcast, &harness_peer_mac, RTE_ARP_OP_REQUEST,
			   HARNESS_PEER_IP, &zero_mac, RTE_IPV4(10, 88, 0, 9));

	harness_feed(h, f, n);
	harness_assert_nothing_sent(h);
	assert_int_equal(HSTAT(h, arp_drop_not_for_us), 1);
	/* A stranger asking for someone else is not learnt (RFC 826). */
	assert_int_equal(HSTAT(h, arp_learned), 0);
}

static void
test_arp_malformed_is_dropped_and_counted(void **state)
{
	struct harness *h = *state;
	uint8_t f[PKT_MAX];
	size_t n = pkt_arp(f, &bcast, &harness_peer_mac, RTE_ARP_OP_REQUEST,
			   HARNESS_PEER_IP, &zero_mac, HARNESS_OUR_IP);
	struct rte_arp_hdr *a = (struct rte_arp_hdr *)(f + 14);

	a->arp_hlen = 8; /* not Ethernet */
	harness_feed(h, f, n);
	a->arp_hlen = 6;
	a->arp_opcode = RTE_BE16(9); /* unknown op */
	harness_feed(h, f, n);
	harness_feed(h, f, 14 + 10); /* truncated */
	harness_assert_nothing_sent(h);
	assert_int_equal(HSTAT(h, arp_drop_malformed), 3);
}

static void
test_arp_broadcast_sender_is_rejected(void **state)
{
	struct harness *h = *state;
	uint8_t f[PKT_MAX];
	size_t n = pkt_arp(f, &bcast, &bcast, RTE_ARP_OP_REQUEST,
			   HARNESS_PEER_IP, &zero_mac, HARNESS_OUR_IP);

	harness_feed(h, f, n);
	harness_assert_nothing_sent(h);
	assert_int_equal(HSTAT(h, arp_drop_bad_sender), 1);
}

static void
test_arp_output_holds_packet_until_reply(void **state)
{
	struct harness *h = *state;
	uint32_t peer = RTE_BE32(RTE_IPV4(10, 88, 0, 7));
	struct rte_ether_addr peer_mac = { { 0x02, 0, 0, 0, 0, 7 } };
	uint8_t f[PKT_MAX];
	struct rte_mbuf *m = rte_pktmbuf_alloc(h->pool), *out;
	struct rte_arp_hdr *a;
	struct rte_ether_hdr *eh;
	size_t n;

	memcpy(rte_pktmbuf_append(m, 8), "payload!", 8);
	h->ctx->now_us = harness_now();
	ipv4_output(h->ctx, m, peer, IPPROTO_UDP, NULL);
	lcore_tx_flush(h->ctx);
	out = harness_one_frame(h); /* the request, the packet is held */
	eh = rte_pktmbuf_mtod(out, struct rte_ether_hdr *);
	a = (struct rte_arp_hdr *)(eh + 1);
	assert_true(rte_is_broadcast_ether_addr(&eh->dst_addr));
	assert_int_equal(a->arp_opcode, RTE_BE16(RTE_ARP_OP_REQUEST));
	assert_int_equal(a->arp_data.arp_tip, peer);
	rte_pktmbuf_free(out);
	assert_int_equal(HSTAT(h, arp_pending_queued), 1);

	n = pkt_arp(f, &h->ifc.mac, &peer_mac, RTE_ARP_OP_REPLY,
		    RTE_IPV4(10, 88, 0, 7), &h->ifc.mac, HARNESS_OUR_IP);
	harness_feed(h, f, n);
	out = harness_one_frame(h); /* the held packet, now addressed */
	eh = rte_pktmbuf_mtod(out, struct rte_ether_hdr *);
	assert_true(rte_is_same_ether_addr(&eh->dst_addr, &peer_mac));
	assert_int_equal(eh->ether_type, RTE_BE16(RTE_ETHER_TYPE_IPV4));
	assert_int_equal(out->pkt_len, 14 + 20 + 8);
	rte_pktmbuf_free(out);
	assert_int_equal(HSTAT(h, arp_pending_sent), 1);

	/* Now cached: the next packet goes straight out. */
	m = rte_pktmbuf_alloc(h->pool);
	memcpy(rte_pktmbuf_append(m, 4), "more", 4);
	ipv4_output(h->ctx, m, peer, IPPROTO_UDP, NULL);
	lcore_tx_flush(h->ctx);
	rte_pktmbuf_free(harness_one_frame(h));
	assert_int_equal(HSTAT(h, arp_tx_request), 1);
}

static void
test_arp_unanswered_next_hop_gives_up_and_frees(void **state)
{
	struct harness *h = *state;
	uint32_t peer = RTE_BE32(RTE_IPV4(10, 88, 0, 8));

	for (int i = 0; i < 10; i++) {
		struct rte_mbuf *m = rte_pktmbuf_alloc(h->pool);

		rte_pktmbuf_append(m, 8);
		h->ctx->now_us = harness_now();
		ipv4_output(h->ctx, m, peer, IPPROTO_UDP, NULL);
	}
	lcore_tx_flush(h->ctx);
	/* Bounded: 4 held (config arp.pending), the rest dropped. */
	assert_int_equal(HSTAT(h, arp_pending_queued), h->cfg.arp_pending);
	assert_int_equal(HSTAT(h, arp_pending_dropped), 10 - h->cfg.arp_pending);
	assert_int_equal(harness_drain(h), 1);
	/* After the give-up time the next packet flushes the old ones. */
	harness_advance(h, 4000000);
	struct rte_mbuf *m = rte_pktmbuf_alloc(h->pool);

	rte_pktmbuf_append(m, 8);
	h->ctx->now_us = harness_now();
	ipv4_output(h->ctx, m, peer, IPPROTO_UDP, NULL);
	lcore_tx_flush(h->ctx);
	assert_int_equal(HSTAT(h, arp_pending_dropped), 10);
	assert_int_equal(harness_drain(h), 1); /* a fresh request */
}

static void
test_icmp_echo_request_gets_reply(void **state)
{
	struct harness *h = *state;
	uint8_t f[PKT_MAX];
	const char data[] = "linerate ping payload 0123456789";
	size_t n = pkt_icmp_echo(f, &h->ifc.mac, HARNESS_PEER_IP,
				 HARNESS_OUR_IP, 0x77, 5, data, sizeof(data));
	struct rte_mbuf *m;
	struct rte_ether_hdr *eh;
	struct rte_ipv4_hdr *ip;
	struct rte_icmp_hdr *ic;

	harness_feed(h, f, n);
	m = harness_one_frame(h);
	eh = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	ip = (struct rte_ipv4_hdr *)(eh + 1);
	ic = (struct rte_icmp_hdr *)(ip + 1);
	assert_true(rte_is_same_ether_addr(&eh->dst_addr, &harness_peer_mac));
	assert_int_equal(ip->src_addr, RTE_BE32(HARNESS_OUR_IP));
	assert_int_equal(ip->dst_addr, RTE_BE32(HARNESS_PEER_IP));
	assert_int_equal(pkt_cksum(ip, 20), 0);
	assert_int_equal(ic->icmp_type, RTE_IP_ICMP_ECHO_REPLY);
	assert_int_equal(ic->icmp_ident, RTE_BE16(0x77));
	assert_int_equal(ic->icmp_seq_nb, RTE_BE16(5));
	assert_int_equal(pkt_cksum(ic, sizeof(*ic) + sizeof(data)), 0);
	assert_memory_equal(ic + 1, data, sizeof(data));
	rte_pktmbuf_free(m);
	assert_int_equal(HSTAT(h, icmp_tx_echo_reply), 1);
}

static void
test_icmp_bad_checksum_is_dropped(void **state)
{
	struct harness *h = *state;
	uint8_t f[PKT_MAX];
	size_t n = pkt_icmp_echo(f, &h->ifc.mac, HARNESS_PEER_IP,
				 HARNESS_OUR_IP, 1, 1, "x", 1);

	f[n - 1] ^= 0xff;
	harness_feed(h, f, n);
	harness_assert_nothing_sent(h);
	assert_int_equal(HSTAT(h, icmp_drop_cksum), 1);
}

/* One malformed IPv4 case: how to break the frame, which counter. */
struct bad_ipv4 {
	const char *name;
	void (*breakit)(uint8_t *f, size_t *n);
	enum stats_id counter;
};

#define IPH(f) ((struct rte_ipv4_hdr *)((f) + 14))

static void
reck(uint8_t *f)
{
	IPH(f)->hdr_checksum = 0;
	IPH(f)->hdr_checksum = rte_cpu_to_be_16(pkt_cksum(IPH(f), 20));
}

static void short_header(uint8_t *f, size_t *n) { *n = 14 + 12; }
static void bad_cksum(uint8_t *f, size_t *n) { IPH(f)->hdr_checksum ^= 0x0101; }
static void total_len_too_big(uint8_t *f, size_t *n)
{
	IPH(f)->total_length = rte_cpu_to_be_16(1400);
	reck(f);
}
static void total_len_below_header(uint8_t *f, size_t *n)
{
	IPH(f)->total_length = rte_cpu_to_be_16(12);
	reck(f);
}
static void version_6(uint8_t *f, size_t *n)
{
	IPH(f)->version_ihl = 0x65;
	reck(f);
}
static void ihl_too_small(uint8_t *f, size_t *n)
{
	IPH(f)->version_ihl = 0x44;
	reck(f);
}
static void ihl_past_frame(uint8_t *f, size_t *n)
{
	IPH(f)->version_ihl = 0x4f;
	*n = 14 + 40;
	reck(f);
}
static void fragment(uint8_t *f, size_t *n)
{
	IPH(f)->fragment_offset = RTE_BE16(RTE_IPV4_HDR_MF_FLAG);
	reck(f);
}
static void not_for_us(uint8_t *f, size_t *n)
{
	IPH(f)->dst_addr = RTE_BE32(RTE_IPV4(10, 88, 0, 99));
	reck(f);
}
static void broadcast_src(uint8_t *f, size_t *n)
{
	IPH(f)->src_addr = RTE_BE32(RTE_IPV4(255u, 255, 255, 255));
	reck(f);
}
static void ttl_zero(uint8_t *f, size_t *n)
{
	IPH(f)->time_to_live = 0;
	reck(f);
}
static void unknown_proto(uint8_t *f, size_t *n)
{
	IPH(f)->next_proto_id = 47;
	reck(f);
}

static const struct bad_ipv4 bad_ipv4_cases[] = {
	{ "short_header", short_header, ST_ipv4_drop_short },
	{ "bad_cksum", bad_cksum, ST_ipv4_drop_cksum },
	{ "total_len_too_big", total_len_too_big, ST_ipv4_drop_len },
	{ "total_len_below_header", total_len_below_header, ST_ipv4_drop_len },
	{ "version_6", version_6, ST_ipv4_drop_version },
	{ "ihl_too_small", ihl_too_small, ST_ipv4_drop_ihl },
	{ "ihl_past_frame", ihl_past_frame, ST_ipv4_drop_ihl },
	{ "fragment", fragment, ST_ipv4_drop_frag },
	{ "not_for_us", not_for_us, ST_ipv4_drop_not_for_us },
	{ "broadcast_src", broadcast_src, ST_ipv4_drop_bad_src },
	{ "ttl_zero", ttl_zero, ST_ipv4_drop_ttl },
	{ "unknown_proto", unknown_proto, ST_ipv4_drop_proto },
};

static void
test_ipv4_malformed_dropped_counted_no_leak(void **state)
{
	struct harness *h = *state;

	for (size_t i = 0; i < RTE_DIM(bad_ipv4_cases); i++) {
		const struct bad_ipv4 *c = &bad_ipv4_cases[i];
		uint8_t f[PKT_MAX];
		size_t n = pkt_icmp_echo(f, &h->ifc.mac, HARNESS_PEER_IP,
					 HARNESS_OUR_IP, 1, 1, "abcdefgh", 8);
		uint64_t before = harness_stat(h, c->counter);

		c->breakit(f, &n);
		harness_feed(h, f, n);
		if (harness_stat(h, c->counter) != before + 1)
			fail_msg("%s: counter %s not incremented", c->name,
				 stats_name(c->counter));
		if (harness_drain(h) != 0)
			fail_msg("%s: a frame was sent", c->name);
		if (harness_mbufs_leaked(h) != 0)
			fail_msg("%s: mbuf leaked", c->name);
	}
	assert_int_equal(HSTAT(h, icmp_rx_echo), 0);
}

static void
test_ipv4_ethernet_padding_is_trimmed(void **state)
{
	struct harness *h = *state;
	uint8_t f[PKT_MAX];
	size_t n = pkt_icmp_echo(f, &h->ifc.mac, HARNESS_PEER_IP,
				 HARNESS_OUR_IP, 1, 1, "ab", 2);
	struct rte_mbuf *m;

	memset(f + n, 0xee, 20); /* padding a NIC may add */
	harness_feed(h, f, n + 20);
	m = harness_one_frame(h);
	assert_int_equal(m->pkt_len, n);
	rte_pktmbuf_free(m);
}

static void
test_eth_short_unknown_and_foreign_frames_dropped(void **state)
{
	struct harness *h = *state;
	uint8_t f[PKT_MAX];
	struct rte_ether_addr other = { { 0x02, 9, 9, 9, 9, 9 } };
	size_t n = pkt_icmp_echo(f, &h->ifc.mac, HARNESS_PEER_IP,
				 HARNESS_OUR_IP, 1, 1, "ab", 2);

	harness_feed(h, f, 10);
	assert_int_equal(HSTAT(h, eth_drop_short), 1);
	f[12] = 0x86; /* IPv6 */
	f[13] = 0xdd;
	harness_feed(h, f, n);
	assert_int_equal(HSTAT(h, eth_drop_unknown_type), 1);
	f[12] = 0x81; /* VLAN */
	f[13] = 0x00;
	harness_feed(h, f, n);
	assert_int_equal(HSTAT(h, eth_drop_vlan), 1);
	n = pkt_icmp_echo(f, &other, HARNESS_PEER_IP, HARNESS_OUR_IP, 1, 1,
			  "ab", 2);
	harness_feed(h, f, n);
	assert_int_equal(HSTAT(h, eth_drop_not_for_us), 1);
	harness_assert_nothing_sent(h);
}

static void
test_burst_of_mixed_frames_all_accounted(void **state)
{
	struct harness *h = *state;
	uint8_t f[PKT_MAX];
	size_t n;
	int replies = 0;

	for (int i = 0; i < 40; i++) {
		n = pkt_icmp_echo(f, &h->ifc.mac, HARNESS_PEER_IP,
				  HARNESS_OUR_IP, 1, (uint16_t)i, "zz", 2);
		if (i % 3 == 0)
			f[n - 1] ^= 1; /* bad ICMP checksum */
		else
			replies++;
		harness_inject(h, f, n);
	}
	harness_poll(h); /* 32 */
	harness_poll(h); /* 8 */
	assert_int_equal(harness_drain(h), replies);
	assert_int_equal(HSTAT(h, rx_packets), 40);
	assert_int_equal(HSTAT(h, icmp_drop_cksum), 40 - replies);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
		T(test_arp_request_for_us_gets_reply),
		T(test_arp_request_for_other_ip_is_not_answered),
		T(test_arp_malformed_is_dropped_and_counted),
		T(test_arp_broadcast_sender_is_rejected),
		T(test_arp_output_holds_packet_until_reply),
		T(test_arp_unanswered_next_hop_gives_up_and_frees),
		T(test_icmp_echo_request_gets_reply),
		T(test_icmp_bad_checksum_is_dropped),
		T(test_ipv4_malformed_dropped_counted_no_leak),
		T(test_ipv4_ethernet_padding_is_trimmed),
		T(test_eth_short_unknown_and_foreign_frames_dropped),
		T(test_burst_of_mixed_frames_all_accounted),
#undef T
	};

	harness_eal_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
