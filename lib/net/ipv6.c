/* SPDX-License-Identifier: BSD-3-Clause */
/* ipv6.c: IPv6 input, extension headers and demux (RFC 8200), output. */
#include <rte_byteorder.h>
#include <rte_ethdev.h>
#include <rte_ip.h>
#include <rte_tcp.h>

#include "core/lcore.h"
#include "net/eth.h"
#include "net/icmp6.h"
#include "net/ipv6.h"
#include "net/ipv6_rx.h"
#include "net/nd.h"
#include "net/net.h"
#include "net/tcp.h"

/* Per-packet walk state: the next header value and where the field that
 * named it lies (the pointer a parameter problem reports, §4). */
struct ipv6_walk {
	uint8_t nh;
	uint16_t nh_field; /* offset of that field from the IPv6 header */
	uint16_t off;      /* offset of the header it names */
};

/* Multicast destinations we listen to: all-nodes and our solicited-node
 * groups (RFC 4291 §2.7.1, RFC 4861 §7.2.1). */
static bool
ipv6_our_group(const struct netif *ifc, const uint8_t *a)
{
	static const uint8_t all_nodes[16] = { 0xff, 0x02, [15] = 0x01 };
	uint8_t sn[16];

	if (ipv6_addr_eq(a, all_nodes))
		return true;
	ipv6_solicited_node(ifc->ip6, sn);
	if (ipv6_addr_eq(a, sn))
		return true;
	ipv6_solicited_node(ifc->ip6_ll, sn);
	return ipv6_addr_eq(a, sn);
}

/*
 * Hop-by-hop or destination options (RFC 8200 §4.2): Pad1 and PadN are
 * skipped; any other option is unknown to us, and its two high bits say
 * what to do. Returns 0 to go on, -1 to drop, 1 to drop with a parameter
 * problem pointing at *ptr (the option's type).
 */
static int
ipv6_options(struct lcore_ctx *ctx, const struct net_pkt *p, const uint8_t *h,
	     uint16_t off, uint16_t len, uint32_t *ptr)
{
	uint16_t i = 2;

	while (i < len) {
		uint8_t type = h[i], act;

		if (type == 0) { /* Pad1 */
			i++;
			continue;
		}
		if (i + 2u > len || i + 2u + h[i + 1] > len) {
			STAT_INC(ctx, ip6_drop_ext_trunc);
			return -1;
		}
		if (type != 1) { /* not PadN: unrecognised */
			act = type >> 6;
			if (act != 0) {
				STAT_INC(ctx, ip6_drop_option);
				*ptr = (uint32_t)off + i;
				return act == 2 || (act == 3 && !p->dst_mcast) ?
				       1 : -1;
			}
		}
		i += 2u + h[i + 1];
	}
	return 0;
}

/*
 * Walk the extension headers from w->nh/off to the upper layer. Returns 0
 * with w at the upper-layer header, or -1: m consumed (dropped, counted,
 * maybe answered with a parameter problem).
 */
static int
ipv6_walk_ext(struct lcore_ctx *ctx, struct rte_mbuf *m, struct net_pkt *p,
	      struct ipv6_walk *w, uint16_t end)
{
	const uint8_t *base = (const uint8_t *)p->ip6;
	uint32_t ptr;
	int rc;

	for (unsigned int n = 0;; n++) {
		const uint8_t *h = base + w->off;
		uint16_t len;

		if (w->nh != IPV6_NH_HOPOPTS && w->nh != IPV6_NH_DSTOPTS &&
		    w->nh != IPV6_NH_ROUTING && w->nh != IPV6_NH_FRAGMENT)
			return 0;
		if (n == IPV6_MAX_EXT_HDRS) {
			STAT_INC(ctx, ip6_drop_ext_chain);
			goto drop;
		}
		if (w->nh == IPV6_NH_HOPOPTS && n != 0) {
			/* §4.3: hop-by-hop only right after the IPv6 header. */
			STAT_INC(ctx, ip6_drop_hbh_order);
			icmp6_param_problem(ctx, m, p, ICMP6_PARAM_NEXT_HEADER,
					    w->nh_field);
			return -1;
		}
		len = w->nh == IPV6_NH_FRAGMENT ? 8 : 0;
		if (end - w->off < 8) {
			STAT_INC(ctx, ip6_drop_ext_trunc);
			goto drop;
		}
		if (!len)
			len = (uint16_t)((h[1] + 1u) * 8);
		if (len > end - w->off) {
			STAT_INC(ctx, ip6_drop_ext_trunc);
			goto drop;
		}
		switch (w->nh) {
		case IPV6_NH_HOPOPTS:
		case IPV6_NH_DSTOPTS:
			rc = ipv6_options(ctx, p, h, w->off, len, &ptr);
			if (rc < 0)
				goto drop;
			if (rc > 0) {
				icmp6_param_problem(ctx, m, p,
						    ICMP6_PARAM_OPTION, ptr);
				return -1;
			}
			break;
		case IPV6_NH_ROUTING:
			/* §4.4: a host is the final hop of any routing header
			 * it can accept; with segments left we would have to
			 * forward, which needs a type we do not implement. */
			if (h[3] != 0) {
				STAT_INC(ctx, ip6_drop_routing);
				icmp6_param_problem(ctx, m, p,
						    ICMP6_PARAM_HEADER,
						    (uint32_t)w->off + 2);
				return -1;
			}
			break;
		case IPV6_NH_FRAGMENT:
			/* Offset 0 and M clear: an atomic fragment (RFC 6946),
			 * the whole packet. Anything else is not reassembled. */
			if ((h[2] << 8 | (h[3] & 0xf9)) != 0) {
				STAT_INC(ctx, ip6_drop_frag);
				goto drop;
			}
			STAT_INC(ctx, ip6_rx_atomic_frag);
			break;
		}
		w->nh_field = w->off;
		w->nh = h[0];
		w->off = (uint16_t)(w->off + len);
	}
drop:
	rte_pktmbuf_free(m);
	return -1;
}

/*
 * ipv6_input past its address checks: the padding trimmed, the extension
 * headers walked, the upper layer's input. plen: the payload length,
 * within m.
 */
static void __rte_noinline
ipv6_input_rest(struct lcore_ctx *ctx, struct rte_mbuf *m, struct net_pkt *p,
		struct rte_ipv6_hdr *ip, uint16_t plen)
{
	struct ipv6_walk w;

	/* Ethernet pads short frames: keep only the datagram. */
	if (m->pkt_len > sizeof(*ip) + plen)
		rte_pktmbuf_trim(m, m->pkt_len - (uint32_t)(sizeof(*ip) + plen));
	p->ip = NULL;
	p->ip6 = ip;
	w.nh = ip->proto;
	w.nh_field = offsetof(struct rte_ipv6_hdr, proto);
	w.off = sizeof(*ip);
	if (unlikely(w.nh != IPV6_NH_ICMPV6 && w.nh != IPV6_NH_TCP) &&
	    ipv6_walk_ext(ctx, m, p, &w, (uint16_t)(sizeof(*ip) + plen)) < 0)
		return;
	p->ip_hlen = w.off;
	p->l4_len = (uint16_t)(sizeof(*ip) + plen - w.off);
	rte_pktmbuf_adj(m, w.off);
	switch (w.nh) {
	case IPV6_NH_ICMPV6:
		icmp6_input(ctx, m, p);
		return;
	case IPV6_NH_TCP:
		/* To a multicast group TCP has no meaning. */
		if (unlikely(p->dst_mcast)) {
			STAT_INC(ctx, ip6_drop_tcp);
			goto drop;
		}
		tcp_input(ctx, m, p); /* closed ports get a RST there */
		return;
	case IPV6_NH_UDP:
		/* No UDP service: refuse as a host without the port does
		 * (RFC 4443 §3.1). */
		STAT_INC(ctx, ip6_drop_tcp);
		icmp6_dest_unreach(ctx, m, p, ICMP6_UNREACH_PORT);
		return;
	case IPV6_NH_NONE:
		STAT_INC(ctx, ip6_drop_proto);
		goto drop;
	default:
		STAT_INC(ctx, ip6_drop_proto);
		icmp6_param_problem(ctx, m, p, ICMP6_PARAM_NEXT_HEADER,
				    w.nh_field);
		return;
	}
drop:
	rte_pktmbuf_free(m);
}

void
ipv6_input(struct lcore_ctx *ctx, struct rte_mbuf *m, struct net_pkt *p)
{
	const struct netif *ifc = ctx->ifc;
	struct rte_ipv6_hdr *ip;
	uint64_t shi, slo, dhi, dlo;
	uint16_t plen;

	STAT_INC(ctx, ip6_rx);
	if (unlikely(m->data_len < sizeof(*ip))) {
		STAT_INC(ctx, ip6_drop_short);
		goto drop;
	}
	ip = rte_pktmbuf_mtod(m, struct rte_ipv6_hdr *);
	if (unlikely((rte_be_to_cpu_32(ip->vtc_flow) >> 28) != 6)) {
		STAT_INC(ctx, ip6_drop_version);
		goto drop;
	}
	plen = rte_be_to_cpu_16(ip->payload_len);
	/* A jumbogram (payload length 0 with a jumbo option) cannot fit our
	 * MTU: a zero length is only ever an empty payload here. */
	if (unlikely(plen > m->data_len - sizeof(*ip))) {
		STAT_INC(ctx, ip6_drop_len);
		goto drop;
	}
	if (unlikely(ip->hop_limits == 0)) {
		STAT_INC(ctx, ip6_drop_hop_limit);
		goto drop;
	}
	/* The addresses as 64-bit halves, each loaded once. */
	memcpy(&shi, ip->src_addr, 8);
	memcpy(&slo, ip->src_addr + 8, 8);
	memcpy(&dhi, ip->dst_addr, 8);
	memcpy(&dlo, ip->dst_addr + 8, 8);
	p->dst_mcast = ip->dst_addr[0] == 0xff;
	if (unlikely(p->dst_mcast ? !ipv6_our_group(ifc, ip->dst_addr) :
				    !ipv6_is_ours_words(ifc, dhi, dlo))) {
		STAT_INC(ctx, ip6_drop_not_for_us);
		goto drop;
	}
	if (unlikely(ipv6_bad_source(ifc, ip->src_addr, shi, slo, ip->proto))) {
		STAT_INC(ctx, ip6_drop_bad_src);
		goto drop;
	}
	if (unlikely(ip->proto != IPV6_NH_TCP || p->dst_mcast)) {
		ipv6_input_rest(ctx, m, p, ip, plen);
		return;
	}
	/* TCP right behind the header, to our unicast address: keep only
	 * the datagram (Ethernet pads short frames) and step past the
	 * header, as rte_pktmbuf_trim and rte_pktmbuf_adj would (one
	 * segment, eth_input; plen fits, checked above). */
	m->data_off = (uint16_t)(m->data_off + sizeof(*ip));
	m->data_len = plen;
	m->pkt_len = plen;
	p->ip = NULL;
	p->ip6 = ip;
	p->ip_hlen = sizeof(*ip);
	p->l4_len = plen;
	tcp_input(ctx, m, p); /* closed ports get a RST there */
	return;
drop:
	rte_pktmbuf_free(m);
}

/* The IPv6 multicast MAC: 33:33 and the group's last 32 bits (RFC 2464 §7). */
static void
ipv6_mcast_mac(const uint8_t *dst, struct rte_ether_addr *mac)
{
	mac->addr_bytes[0] = 0x33;
	mac->addr_bytes[1] = 0x33;
	memcpy(&mac->addr_bytes[2], dst + 12, 4);
}

/* Our prefix holds a: the peer is on-link (RFC 4861 §5.2). */
static bool
ipv6_on_link(const struct netif *ifc, const uint8_t *a)
{
	uint8_t bits = ifc->ip6_prefix, bytes = bits / 8;

	if (ipv6_is_link_local(a))
		return true;
	if (memcmp(a, ifc->ip6, bytes) != 0)
		return false;
	return (bits & 7) == 0 ||
	       ((a[bytes] ^ ifc->ip6[bytes]) & (0xff00 >> (bits & 7))) == 0;
}

/* Fill the upper-layer checksum of an ICMPv6 or TCP message. */
static void
ipv6_l4_fill(const struct netif *ifc, struct rte_mbuf *m,
	     struct rte_ipv6_hdr *ip, uint32_t len)
{
	uint8_t *l4 = (uint8_t *)(ip + 1);
	uint16_t ck = 0;
	uint8_t *at;

	if (ip->proto == IPV6_NH_ICMPV6 && len >= 4)
		at = l4 + 2;
	else if (ip->proto == IPV6_NH_TCP && len >= sizeof(struct rte_tcp_hdr))
		at = l4 + offsetof(struct rte_tcp_hdr, cksum);
	else
		return;
	memcpy(at, &ck, sizeof(ck));
	if (ip->proto == IPV6_NH_TCP &&
	    (ifc->tx_offloads & RTE_ETH_TX_OFFLOAD_TCP_CKSUM)) {
		m->ol_flags |= RTE_MBUF_F_TX_IPV6 | RTE_MBUF_F_TX_TCP_CKSUM;
		ck = rte_ipv6_phdr_cksum(ip, m->ol_flags);
	} else {
		ck = m->nb_segs == 1 ?
		     ipv6_l4_cksum(ip->src_addr, ip->dst_addr, ip->proto, l4,
				   len) :
		     rte_ipv6_udptcp_cksum_mbuf(m, ip, sizeof(*ip));
	}
	memcpy(at, &ck, sizeof(ck));
}

void
ipv6_output(struct lcore_ctx *ctx, struct rte_mbuf *m, const uint8_t *src,
	    const uint8_t *dst, uint8_t nh, uint8_t hl,
	    const struct rte_ether_addr *dst_mac)
{
	const struct netif *ifc = ctx->ifc;
	uint32_t len = m->pkt_len;
	struct rte_ether_addr mac;
	struct rte_ipv6_hdr *ip;
	const uint8_t *next;

	ip = (struct rte_ipv6_hdr *)rte_pktmbuf_prepend(m, sizeof(*ip));
	if (unlikely(!ip)) {
		STAT_INC(ctx, ip6_tx_nombuf);
		rte_pktmbuf_free(m);
		return;
	}
	ip->vtc_flow = RTE_BE32(6u << 28);
	ip->payload_len = rte_cpu_to_be_16((uint16_t)len);
	ip->proto = nh;
	ip->hop_limits = hl ? hl : IPV6_DEFAULT_HOP_LIMIT;
	memcpy(ip->src_addr, src ? src : ipv6_select_src(ifc, dst), 16);
	memcpy(ip->dst_addr, dst, 16);
	m->l3_len = sizeof(*ip);
	ipv6_l4_fill(ifc, m, ip, len);
	STAT_INC(ctx, ip6_tx);
	if (dst_mac) {
		eth_output(ctx, m, dst_mac, RTE_ETHER_TYPE_IPV6);
		return;
	}
	if (dst[0] == 0xff) {
		ipv6_mcast_mac(dst, &mac);
		eth_output(ctx, m, &mac, RTE_ETHER_TYPE_IPV6);
		return;
	}
	if (ipv6_on_link(ifc, dst))
		next = dst;
	else if (!ipv6_is_unspecified(ifc->ip6_gateway))
		next = ifc->ip6_gateway;
	else {
		STAT_INC(ctx, ip6_tx_noroute);
		rte_pktmbuf_free(m);
		return;
	}
	nd_output(ctx, m, next);
}
