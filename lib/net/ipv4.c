/* SPDX-License-Identifier: BSD-3-Clause */
/* ipv4.c: IPv4 input validation and demux (RFC 791, 1122), output. */
#include <rte_byteorder.h>
#include <rte_ethdev.h>
#include <rte_ip.h>
#include <rte_tcp.h>

#include "core/lcore.h"
#include "net/arp.h"
#include "net/eth.h"
#include "net/cksum.h"
#include "net/icmp.h"
#include "net/ipv4.h"
#include "net/ipv4_rx.h"
#include "net/net.h"
#include "net/tcp.h"

/* The version, IHL and length checks of a header that is not the plain
 * 20 bytes (options, or not IPv4 at all): its header length, or 0 when it
 * was dropped (counted), in ipv4_input's order. */
static uint16_t __rte_noinline
ipv4_hlen_slow(struct lcore_ctx *ctx, const struct rte_mbuf *m,
	       const struct rte_ipv4_hdr *ip)
{
	uint16_t hlen;

	if (unlikely(m->data_len < sizeof(*ip))) {
		STAT_INC(ctx, ipv4_drop_short);
		return 0;
	}
	if (unlikely((ip->version_ihl >> 4) != 4)) {
		STAT_INC(ctx, ipv4_drop_version);
		return 0;
	}
	hlen = (ip->version_ihl & 0xf) * 4;
	if (unlikely(hlen < sizeof(*ip) || hlen > m->data_len)) {
		STAT_INC(ctx, ipv4_drop_ihl);
		return 0;
	}
	return hlen;
}

void
ipv4_input(struct lcore_ctx *ctx, struct rte_mbuf *m, struct net_pkt *p)
{
	struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(m, struct rte_ipv4_hdr *);
	uint16_t hlen = sizeof(*ip), tlen;
	bool sum_ok;

	STAT_INC(ctx, ipv4_rx);
	/* The common datagram: version 4, a 20-byte header (no options). */
	if (unlikely(m->data_len < sizeof(*ip) || ip->version_ihl != 0x45)) {
		hlen = ipv4_hlen_slow(ctx, m, ip);
		if (!hlen)
			goto drop;
	}
	tlen = rte_be_to_cpu_16(ip->total_length);
	if (unlikely(tlen < hlen || tlen > m->data_len)) {
		STAT_INC(ctx, ipv4_drop_len);
		goto drop;
	}
	if (m->ol_flags & RTE_MBUF_F_RX_IP_CKSUM_GOOD)
		sum_ok = true;
	else if (likely(hlen == sizeof(*ip)))
		sum_ok = cksum_ipv4_hdr20_ok(ip);
	else
		sum_ok = cksum_fold_rx(cksum_add_rx(ip, hlen, 0)) == 0xffff;
	if (unlikely(!sum_ok)) {
		STAT_INC(ctx, ipv4_drop_cksum);
		goto drop;
	}
	/* Ours, or TCP to one of ip.vips (nothing else is served there). */
	if (unlikely(ip->dst_addr != ctx->ifc->ip) &&
	    (ip->next_proto_id != IPPROTO_TCP ||
	     ipv4_vip_index(ctx->cfg, ip->dst_addr) < 0)) {
		STAT_INC(ctx, ipv4_drop_not_for_us);
		goto drop;
	}
	if (unlikely(ipv4_bad_source(ctx, ip->src_addr))) {
		STAT_INC(ctx, ipv4_drop_bad_src);
		goto drop;
	}
	if (unlikely(ip->time_to_live == 0)) {
		STAT_INC(ctx, ipv4_drop_ttl);
		goto drop;
	}
	/* No reassembly: nothing we serve needs fragments (DF everywhere). */
	if (unlikely(ip->fragment_offset &
		     RTE_BE16(RTE_IPV4_HDR_MF_FLAG | RTE_IPV4_HDR_OFFSET_MASK))) {
		STAT_INC(ctx, ipv4_drop_frag);
		goto drop;
	}
	/* Ethernet pads short frames: keep only the datagram (one segment:
	 * eth_input linearized the frame). Then past the header, as
	 * rte_pktmbuf_adj (hlen <= tlen <= data_len held above). */
	m->data_len = (uint16_t)(tlen - hlen);
	m->pkt_len = (uint32_t)(tlen - hlen);
	m->data_off = (uint16_t)(m->data_off + hlen);
	p->ip = ip;
	p->ip_hlen = hlen;
	p->l4_len = tlen - hlen;
	switch (ip->next_proto_id) {
	case IPPROTO_TCP:
		tcp_input(ctx, m, p);
		return;
	case IPPROTO_ICMP:
		icmp_input(ctx, m, p);
		return;
	default:
		STAT_INC(ctx, ipv4_drop_proto);
		goto drop;
	}
drop:
	rte_pktmbuf_free(m);
}

void
ipv4_output(struct lcore_ctx *ctx, struct rte_mbuf *m, uint32_t dst,
	    uint8_t proto, const struct rte_ether_addr *dst_mac)
{
	ipv4_output_src(ctx, m, ctx->ifc->ip, dst, proto, dst_mac);
}

void
ipv4_output_src(struct lcore_ctx *ctx, struct rte_mbuf *m, uint32_t src,
		uint32_t dst, uint8_t proto, const struct rte_ether_addr *dst_mac)
{
	const struct netif *ifc = ctx->ifc;
	uint16_t l4_len = (uint16_t)m->pkt_len;
	struct rte_ipv4_hdr *ip;
	uint32_t nh;

	ip = (struct rte_ipv4_hdr *)rte_pktmbuf_prepend(m, sizeof(*ip));
	if (unlikely(!ip)) {
		STAT_INC(ctx, ipv4_tx_nombuf);
		rte_pktmbuf_free(m);
		return;
	}
	ip->version_ihl = RTE_IPV4_VHL_DEF;
	ip->type_of_service = 0;
	ip->total_length = rte_cpu_to_be_16(l4_len + sizeof(*ip));
	ip->packet_id = 0;
	ip->fragment_offset = RTE_BE16(RTE_IPV4_HDR_DF_FLAG);
	ip->time_to_live = IPV4_DEFAULT_TTL;
	ip->next_proto_id = proto;
	ip->src_addr = src;
	ip->dst_addr = dst;
	ip->hdr_checksum = 0;
	m->l3_len = sizeof(*ip);
	if (proto == IPPROTO_TCP) {
		struct rte_tcp_hdr *th = (struct rte_tcp_hdr *)(ip + 1);

		th->cksum = 0;
		if (ifc->tx_offloads & RTE_ETH_TX_OFFLOAD_TCP_CKSUM) {
			m->ol_flags |= RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_TCP_CKSUM;
			th->cksum = rte_ipv4_phdr_cksum(ip, m->ol_flags);
		} else {
			th->cksum = m->nb_segs == 1 ?
				cksum_ipv4_l4(ip, th, l4_len) :
				rte_ipv4_udptcp_cksum_mbuf(m, ip, sizeof(*ip));
		}
	}
	if (ifc->tx_offloads & RTE_ETH_TX_OFFLOAD_IPV4_CKSUM)
		m->ol_flags |= RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_IP_CKSUM;
	else
		ip->hdr_checksum = rte_ipv4_cksum(ip);
	STAT_INC(ctx, ipv4_tx);
	if (dst_mac) {
		eth_output(ctx, m, dst_mac, RTE_ETHER_TYPE_IPV4);
		return;
	}
	if ((dst & ifc->netmask) == (ifc->ip & ifc->netmask))
		nh = dst;
	else if (ifc->gateway)
		nh = ifc->gateway;
	else {
		STAT_INC(ctx, ipv4_tx_noroute);
		rte_pktmbuf_free(m);
		return;
	}
	arp_output(ctx, m, nh);
}
