/* SPDX-License-Identifier: BSD-3-Clause */
/* test_nd.c: Neighbour Discovery (RFC 4861): NS/NA, validation, states. */
#include <string.h>

#include <rte_ip.h>

#include "harness.h"
#include "net/icmp6.h"
#include "net/ipv6.h"
#include "net/nd.h"
#include "pkt.h"
#include "pkt6.h"

/* The NA in m: to dst at eth_dst, for target, with flags and our MAC in
 * a target link-layer option. */
static void
assert_na(struct harness *h, struct rte_mbuf *m, const struct rte_ether_addr
	  *eth_dst, const uint8_t *dst, const uint8_t *target, uint8_t flags)
{
	struct rte_ether_hdr *eh = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	struct rte_ipv6_hdr *ip = pkt6_check(m);
	uint8_t *na = (uint8_t *)(ip + 1);

	assert_true(rte_is_same_ether_addr(&eh->dst_addr, eth_dst));
	assert_true(rte_is_same_ether_addr(&eh->src_addr, &h->ifc.mac));
	assert_int_equal(ip->hop_limits, 255);
	assert_int_equal(ip->proto, 58);
	assert_memory_equal(ip->src_addr, target, 16);
	assert_memory_equal(ip->dst_addr, dst, 16);
	assert_int_equal(rte_be_to_cpu_16(ip->payload_len), 32);
	assert_int_equal(na[0], ICMP6_ND_NA);
	assert_int_equal(na[1], 0);
	assert_int_equal(na[4], flags);
	assert_memory_equal(na + 8, target, 16);
	assert_int_equal(na[24], 2); /* target link-layer address */
	assert_int_equal(na[25], 1);
	assert_memory_equal(na + 26, h->ifc.mac.addr_bytes, 6);
}

static void
test_nd_ns_to_solicited_node_answered_with_na(void **state)
{
	struct harness *h = *state;
	struct rte_ether_addr smac;
	struct rte_ether_addr mac;
	uint8_t sn[16], f[PKT_MAX];
	size_t n;
	struct rte_mbuf *m;

	pkt6_snm(pkt6_ours, sn, &smac);
	n = pkt6_ns(f, &smac, pkt6_peer, sn, 255, pkt6_ours, true);
	harness_feed(h, f, n);
	m = harness_one_frame(h);
	assert_na(h, m, &harness_peer_mac, pkt6_peer, pkt6_ours, 0x60);
	rte_pktmbuf_free(m);
	assert_int_equal(HSTAT(h, nd_rx_ns), 1);
	assert_int_equal(HSTAT(h, nd_tx_na), 1);
	/* §7.2.3: the solicitor is learnt, STALE. */
	assert_int_equal(nd_lookup(h->ctx->nd, pkt6_peer, harness_now(), &mac),
			 ND_STALE);
	assert_true(rte_is_same_ether_addr(&mac, &harness_peer_mac));
}

static void
test_nd_unicast_ns_and_link_local_target_answered(void **state)
{
	struct harness *h = *state;
	uint8_t f[PKT_MAX];
	size_t n;
	struct rte_mbuf *m;

	n = pkt6_ns(f, &h->ifc.mac, pkt6_peer, pkt6_ours, 255, pkt6_ours, false);
	harness_feed(h, f, n);
	m = harness_one_frame(h);
	assert_na(h, m, &harness_peer_mac, pkt6_peer, pkt6_ours, 0x60);
	rte_pktmbuf_free(m);
	n = pkt6_ns(f, &h->ifc.mac, pkt6_peer, pkt6_ours, 255, h->ifc.ip6_ll,
		    true);
	harness_feed(h, f, n);
	m = harness_one_frame(h);
	assert_na(h, m, &harness_peer_mac, pkt6_peer, h->ifc.ip6_ll, 0x60);
	rte_pktmbuf_free(m);
}

static void
test_nd_ns_with_hop_limit_254_ignored(void **state)
{
	struct harness *h = *state;
	struct rte_ether_addr smac;
	uint8_t sn[16], f[PKT_MAX];
	size_t n;

	pkt6_snm(pkt6_ours, sn, &smac);
	n = pkt6_ns(f, &smac, pkt6_peer, sn, 254, pkt6_ours, true);
	harness_feed(h, f, n);
	assert_int_equal(HSTAT(h, nd_drop_hop_limit), 1);
	assert_int_equal(harness_drain(h), 0);
}

static void
test_nd_ns_with_bad_checksum_dropped(void **state)
{
	struct harness *h = *state;
	uint8_t f[PKT_MAX];
	size_t n = pkt6_ns(f, &h->ifc.mac, pkt6_peer, pkt6_ours, 255, pkt6_ours,
			   true);

	f[14 + 40 + 2] ^= 0x01;
	harness_feed(h, f, n);
	assert_int_equal(HSTAT(h, icmp6_drop_cksum), 1);
	assert_int_equal(harness_drain(h), 0);
}

/* Re-checksum an NS frame after editing its message. */
static void
recksum(uint8_t *f, size_t n)
{
	uint8_t *msg = f + 14 + 40;
	uint16_t ck;

	msg[2] = msg[3] = 0;
	ck = pkt6_icmp_cksum(f + 14 + 8, f + 14 + 24, msg, n - 54);
	msg[2] = (uint8_t)(ck >> 8);
	msg[3] = (uint8_t)ck;
}

static void
test_nd_invalid_ns_dropped_silently(void **state)
{
	struct harness *h = *state;
	static const uint8_t mc[16] = { 0xff, 0x02, [15] = 1 };
	uint8_t f[PKT_MAX];
	size_t n;

	/* code 1 */
	n = pkt6_ns(f, &h->ifc.mac, pkt6_peer, pkt6_ours, 255, pkt6_ours, true);
	f[54 + 1] = 1;
	recksum(f, n);
	harness_feed(h, f, n);
	/* multicast target */
	n = pkt6_ns(f, &h->ifc.mac, pkt6_peer, pkt6_ours, 255, mc, true);
	harness_feed(h, f, n);
	/* an option of length 0 */
	n = pkt6_ns(f, &h->ifc.mac, pkt6_peer, pkt6_ours, 255, pkt6_ours, true);
	f[54 + 25] = 0;
	recksum(f, n);
	harness_feed(h, f, n);
	/* too short for a target */
	n = pkt6_icmp(f, &h->ifc.mac, pkt6_peer, pkt6_ours, 255, 135, 0, 0,
		      pkt6_ours, 8);
	harness_feed(h, f, n);
	assert_int_equal(HSTAT(h, nd_drop_invalid), 4);
	assert_int_equal(harness_drain(h), 0);
}

static void
test_nd_ns_for_another_target_not_answered(void **state)
{
	struct harness *h = *state;
	uint8_t f[PKT_MAX];
	size_t n = pkt6_ns(f, &h->ifc.mac, pkt6_peer, pkt6_ours, 255, pkt6_peer,
			   true);

	harness_feed(h, f, n);
	assert_int_equal(HSTAT(h, nd_drop_not_for_us), 1);
	assert_int_equal(harness_drain(h), 0);
}

static void
test_nd_dad_probe_defended_to_all_nodes(void **state)
{
	struct harness *h = *state;
	static const uint8_t unspec[16];
	static const uint8_t all_nodes[16] = { 0xff, 0x02, [15] = 1 };
	const struct rte_ether_addr all_mac = { { 0x33, 0x33, 0, 0, 0, 1 } };
	struct rte_ether_addr smac;
	uint8_t sn[16], f[PKT_MAX];
	size_t n;
	struct rte_mbuf *m;

	pkt6_snm(pkt6_ours, sn, &smac);
	n = pkt6_ns(f, &smac, unspec, sn, 255, pkt6_ours, false);
	harness_feed(h, f, n);
	m = harness_one_frame(h);
	assert_na(h, m, &all_mac, all_nodes, pkt6_ours, 0x20);
	rte_pktmbuf_free(m);
	/* With a source link-layer option it is invalid (§7.1.1). */
	n = pkt6_ns(f, &smac, unspec, sn, 255, pkt6_ours, true);
	harness_feed(h, f, n);
	assert_int_equal(HSTAT(h, nd_drop_invalid), 1);
	assert_int_equal(harness_drain(h), 0);
}

/* Send one echo-sized message to the peer through ipv6_output. */
static void
send_to_peer(struct harness *h)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(h->pool);
	uint8_t *b;

	assert_non_null(m);
	assert_non_null(rte_pktmbuf_append(m, 8));
	b = rte_pktmbuf_mtod(m, uint8_t *);
	memset(b, 0, 8);
	b[0] = ICMP6_ECHO_REQUEST;
	ipv6_output(h->ctx, m, NULL, pkt6_peer, IPV6_NH_ICMPV6, 0, NULL);
}

/* The NS in m: multicast to the peer's solicited-node group, or unicast
 * to the peer's MAC; with our link-layer address. */
static void
assert_ns(struct harness *h, struct rte_mbuf *m, bool unicast)
{
	struct rte_ether_hdr *eh = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	struct rte_ipv6_hdr *ip = pkt6_check(m);
	uint8_t *ns = (uint8_t *)(ip + 1), sn[16];
	struct rte_ether_addr smac;

	pkt6_snm(pkt6_peer, sn, &smac);
	assert_true(rte_is_same_ether_addr(&eh->dst_addr,
					   unicast ? &harness_peer_mac : &smac));
	assert_memory_equal(ip->dst_addr, unicast ? pkt6_peer : sn, 16);
	assert_memory_equal(ip->src_addr, pkt6_ours, 16);
	assert_int_equal(ip->hop_limits, 255);
	assert_int_equal(ns[0], ICMP6_ND_NS);
	assert_memory_equal(ns + 8, pkt6_peer, 16);
	assert_int_equal(ns[24], 1);
	assert_memory_equal(ns + 26, h->ifc.mac.addr_bytes, 6);
}

static void
test_nd_resolution_holds_packets_until_na(void **state)
{
	struct harness *h = *state;
	struct rte_ether_addr mac;
	uint8_t f[PKT_MAX];
	struct rte_mbuf *out[8];
	size_t n;

	for (uint32_t i = 0; i < h->cfg.arp_pending + 1; i++)
		send_to_peer(h);
	lcore_tx_flush(h->ctx);
	assert_int_equal(harness_collect(h, out, 8), 1);
	assert_ns(h, out[0], false);
	rte_pktmbuf_free(out[0]);
	assert_int_equal(nd_pending_count(h->ctx->nd), h->cfg.arp_pending);
	assert_int_equal(HSTAT(h, nd_pending_dropped), 1);
	assert_int_equal(nd_lookup(h->ctx->nd, pkt6_peer, harness_now(), &mac),
			 ND_INCOMPLETE);
	n = pkt6_na(f, &h->ifc.mac, pkt6_ours, 0x60, pkt6_peer,
		    &harness_peer_mac);
	harness_feed(h, f, n);
	assert_int_equal(harness_collect(h, out, 8), h->cfg.arp_pending);
	for (uint32_t i = 0; i < h->cfg.arp_pending; i++) {
		struct rte_ether_hdr *eh =
			rte_pktmbuf_mtod(out[i], struct rte_ether_hdr *);

		assert_true(rte_is_same_ether_addr(&eh->dst_addr,
						   &harness_peer_mac));
		pkt6_check(out[i]);
		rte_pktmbuf_free(out[i]);
	}
	assert_int_equal(nd_pending_count(h->ctx->nd), 0);
	assert_int_equal(nd_lookup(h->ctx->nd, pkt6_peer, harness_now(), &mac),
			 ND_REACHABLE);
}

static void
test_nd_states_reachable_stale_delay_probe_incomplete(void **state)
{
	struct harness *h = *state;
	struct rte_ether_addr mac;
	uint8_t f[PKT_MAX];
	struct rte_mbuf *out[8];
	size_t n;

	send_to_peer(h);
	lcore_tx_flush(h->ctx);
	harness_drain(h);
	n = pkt6_na(f, &h->ifc.mac, pkt6_ours, 0x60, pkt6_peer,
		    &harness_peer_mac);
	harness_feed(h, f, n);
	harness_drain(h);
	harness_advance(NULL, ND_REACHABLE_US);
	assert_int_equal(nd_lookup(h->ctx->nd, pkt6_peer, harness_now(), &mac),
			 ND_STALE);
	harness_poll(h);
	send_to_peer(h); /* sent at once, and the entry waits in DELAY */
	lcore_tx_flush(h->ctx);
	assert_int_equal(harness_drain(h), 1);
	assert_int_equal(nd_lookup(h->ctx->nd, pkt6_peer, harness_now(), &mac),
			 ND_DELAY);
	for (int i = 0; i < ND_MAX_UCAST_SOLICIT; i++) {
		harness_advance(h, i == 0 ? ND_DELAY_US : ND_RETRANS_US);
		send_to_peer(h); /* the packet, then a unicast probe */
		lcore_tx_flush(h->ctx);
		assert_int_equal(harness_collect(h, out, 8), 2);
		assert_ns(h, out[1], true);
		rte_pktmbuf_free(out[0]);
		rte_pktmbuf_free(out[1]);
		assert_int_equal(nd_lookup(h->ctx->nd, pkt6_peer,
					   harness_now(), &mac), ND_PROBE);
	}
	/* No answer to the probes: resolve afresh with a multicast NS. */
	harness_advance(h, ND_RETRANS_US);
	send_to_peer(h);
	lcore_tx_flush(h->ctx);
	assert_int_equal(harness_collect(h, out, 8), 1);
	assert_ns(h, out[0], false);
	rte_pktmbuf_free(out[0]);
	assert_int_equal(nd_lookup(h->ctx->nd, pkt6_peer, harness_now(), &mac),
			 ND_INCOMPLETE);
}

static void
test_nd_na_validation_and_override_rules(void **state)
{
	struct harness *h = *state;
	static const uint8_t all_nodes[16] = { 0xff, 0x02, [15] = 1 };
	const struct rte_ether_addr all_mac = { { 0x33, 0x33, 0, 0, 0, 1 } };
	const struct rte_ether_addr other = { { 0x02, 9, 9, 9, 9, 9 } };
	struct rte_ether_addr mac;
	uint8_t f[PKT_MAX];
	size_t n;

	send_to_peer(h);
	lcore_tx_flush(h->ctx);
	harness_drain(h);
	/* Solicited flag on a multicast NA: invalid (§7.1.2). */
	n = pkt6_na(f, &all_mac, all_nodes, 0x60, pkt6_peer, &harness_peer_mac);
	harness_feed(h, f, n);
	assert_int_equal(HSTAT(h, nd_drop_invalid), 1);
	n = pkt6_na(f, &h->ifc.mac, pkt6_ours, 0x60, pkt6_peer,
		    &harness_peer_mac);
	harness_feed(h, f, n);
	harness_drain(h);
	/* Without override a different MAC only makes the entry STALE. */
	n = pkt6_na(f, &h->ifc.mac, pkt6_ours, 0x40, pkt6_peer, &other);
	harness_feed(h, f, n);
	assert_int_equal(nd_lookup(h->ctx->nd, pkt6_peer, harness_now(), &mac),
			 ND_STALE);
	assert_true(rte_is_same_ether_addr(&mac, &harness_peer_mac));
	/* With override it replaces the MAC. */
	n = pkt6_na(f, &h->ifc.mac, pkt6_ours, 0x60, pkt6_peer, &other);
	harness_feed(h, f, n);
	assert_int_equal(nd_lookup(h->ctx->nd, pkt6_peer, harness_now(), &mac),
			 ND_REACHABLE);
	assert_true(rte_is_same_ether_addr(&mac, &other));
	assert_int_equal(harness_drain(h), 0);
}

#define T(f) \
	cmocka_unit_test_setup_teardown(f, harness_setup, harness_teardown_nd)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_nd_ns_to_solicited_node_answered_with_na),
		T(test_nd_unicast_ns_and_link_local_target_answered),
		T(test_nd_ns_with_hop_limit_254_ignored),
		T(test_nd_ns_with_bad_checksum_dropped),
		T(test_nd_invalid_ns_dropped_silently),
		T(test_nd_ns_for_another_target_not_answered),
		T(test_nd_dad_probe_defended_to_all_nodes),
		T(test_nd_resolution_holds_packets_until_na),
		T(test_nd_states_reachable_stale_delay_probe_incomplete),
		T(test_nd_na_validation_and_override_rules),
	};

	harness_eal_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
