/* SPDX-License-Identifier: BSD-3-Clause */
/* eth.c: Ethernet demux (input) and framing (output). */
#include <stddef.h>
#include <string.h>

#include <rte_byteorder.h>

#include "core/lcore.h"
#include "net/arp.h"
#include "net/eth.h"
#include "net/eth_rx.h"
#include "net/ipv4.h"
#include "net/ipv6.h"
#include "net/net.h"
#include "net/tcp.h"

/* eth_input's header pull (rte_pktmbuf_adj; one segment, checked). */
static inline void
eth_pull(struct rte_mbuf *m)
{
	m->data_off = (uint16_t)(m->data_off + sizeof(struct rte_ether_hdr));
	m->data_len = (uint16_t)(m->data_len - sizeof(struct rte_ether_hdr));
	m->pkt_len = m->data_len;
}

/* eth_input_one's IPv6 frame, out of line: no stack frame in the loops
 * (this one's, tcp_input_burst's). */
void
eth_input_ip6(struct lcore_ctx *ctx, struct rte_mbuf *m)
{
	struct net_pkt p = { .eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *) };

	eth_pull(m);
	ipv6_input(ctx, m, &p);
}

/*
 * One frame of a burst: eth_input's decided cases in the burst's frame.
 * A frame of one segment to our MAC: IPv4 TCP goes to tcp_input_frame4
 * (IPv4's and TCP's common case in one frame), IPv6 (on) to
 * tcp_input_frame6 (the same for IPv6), else to ipv6_input as eth_input
 * sends it; anything else, and whatever tcp_input_frame4 leaves, to
 * eth_input, which decides and counts from the start.
 */
static inline void
eth_input_one(struct lcore_ctx *ctx, struct rte_mbuf *m)
{
	const struct netif *ifc = ctx->ifc;
	struct rte_ether_hdr *eh = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);

	if (eth_rx_ours(m, ifc, sizeof(*eh))) {
		if (likely(eh->ether_type == RTE_BE16(RTE_ETHER_TYPE_IPV4))) {
			if (likely(ifc->ip != 0) && tcp_input_frame4(ctx, m))
				return;
		} else if (eh->ether_type == RTE_BE16(RTE_ETHER_TYPE_IPV6) &&
			   ifc->ip6_prefix && ctx->nd) {
			if (!tcp_input_frame6(ctx, m))
				eth_input_ip6(ctx, m);
			return;
		}
	}
	eth_input(ctx, m);
}

/* The lcore's input hook: counts the burst (rx_packets, rx_bytes) in the
 * one pass over its frames that also dispatches them. A lone frame (a
 * poll of a lightly loaded lcore) without the loop's frame. */
void
eth_input_burst(struct lcore_ctx *ctx, struct rte_mbuf **pkts, uint16_t n)
{
	STAT_ADD(ctx, rx_packets, n);
	if (n != 1) {
		tcp_input_burst(ctx, pkts, n);
		return;
	}
	STAT_ADD(ctx, rx_bytes, rte_pktmbuf_pkt_len(pkts[0]));
	eth_input_one(ctx, pkts[0]);
}

/* A multicast MAC we listen to: the solicited-node groups of our IPv6
 * addresses and all-nodes, 33:33:ff:xx:xx:xx and 33:33:00:00:00:01
 * (RFC 2464 §7); ipv6_input() checks the group itself. */
static bool
eth_our_ip6_group(const struct netif *ifc, const struct rte_ether_addr *d)
{
	const uint8_t *b = d->addr_bytes;

	if (!ifc->ip6_prefix || b[0] != 0x33 || b[1] != 0x33)
		return false;
	if (b[2] == 0 && b[3] == 0 && b[4] == 0 && b[5] == 1)
		return true;
	return b[2] == 0xff &&
	       ((b[3] == ifc->ip6[13] && b[4] == ifc->ip6[14] &&
		 b[5] == ifc->ip6[15]) ||
		(b[3] == ifc->ip6_ll[13] && b[4] == ifc->ip6_ll[14] &&
		 b[5] == ifc->ip6_ll[15]));
}

void
eth_input(struct lcore_ctx *ctx, struct rte_mbuf *m)
{
	const struct netif *ifc = ctx->ifc;
	struct net_pkt p;
	struct rte_ether_hdr *eh;
	uint16_t type;

	if (unlikely(m->nb_segs > 1) && rte_pktmbuf_linearize(m) < 0) {
		STAT_INC(ctx, eth_drop_segmented);
		goto drop;
	}
	if (unlikely(m->data_len < sizeof(*eh))) {
		STAT_INC(ctx, eth_drop_short);
		goto drop;
	}
	eh = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	if (unlikely(!rte_is_same_ether_addr(&eh->dst_addr, &ifc->mac) &&
		     !rte_is_broadcast_ether_addr(&eh->dst_addr) &&
		     !eth_our_ip6_group(ifc, &eh->dst_addr))) {
		STAT_INC(ctx, eth_drop_not_for_us);
		goto drop;
	}
	p.eth = eh;
	p.ip = NULL;
	p.ip6 = NULL;
	p.dst_mcast = false;
	type = eh->ether_type;
	eth_pull(m); /* its check done above; one segment from here on */
	if (likely(type == RTE_BE16(RTE_ETHER_TYPE_IPV4)) ||
	    type == RTE_BE16(RTE_ETHER_TYPE_ARP)) {
		/* ip.address "none": no IPv4 at all, not even ARP probes;
		 * the type of a family that is off counts as unknown. */
		if (unlikely(ifc->ip == 0)) {
			STAT_INC(ctx, eth_drop_unknown_type);
			goto drop;
		}
		if (likely(type == RTE_BE16(RTE_ETHER_TYPE_IPV4)))
			ipv4_input(ctx, m, &p);
		else
			arp_input(ctx, m, &p);
		return;
	}
	if (type == RTE_BE16(RTE_ETHER_TYPE_IPV6)) {
		if (unlikely(!ifc->ip6_prefix || !ctx->nd)) {
			STAT_INC(ctx, eth_drop_unknown_type);
			goto drop;
		}
		ipv6_input(ctx, m, &p);
		return;
	}
	if (type == RTE_BE16(RTE_ETHER_TYPE_VLAN) ||
	    type == RTE_BE16(RTE_ETHER_TYPE_QINQ))
		STAT_INC(ctx, eth_drop_vlan);
	else
		STAT_INC(ctx, eth_drop_unknown_type);
drop:
	rte_pktmbuf_free(m);
}

void
eth_output(struct lcore_ctx *ctx, struct rte_mbuf *m,
	   const struct rte_ether_addr *dst, uint16_t ether_type)
{
	struct rte_ether_hdr *eh;

	eh = (struct rte_ether_hdr *)rte_pktmbuf_prepend(m, sizeof(*eh));
	if (unlikely(!eh)) {
		STAT_INC(ctx, ipv4_tx_nombuf);
		rte_pktmbuf_free(m);
		return;
	}
	rte_ether_addr_copy(dst, &eh->dst_addr);
	rte_ether_addr_copy(&ctx->ifc->mac, &eh->src_addr);
	eh->ether_type = rte_cpu_to_be_16(ether_type);
	m->l2_len = sizeof(*eh);
	lcore_tx(ctx, m);
}
