/* SPDX-License-Identifier: BSD-3-Clause */
/* tcp_frame.c: a connection's segment made a whole frame (IPv4 or IPv6,
 * Ethernet, sums). */
#include <rte_byteorder.h>
#include <rte_ethdev.h>
#include <rte_ip.h>

#include "net/cksum.h"
#include "net/ipv4.h"
#include "net/ipv6.h"
#include "net/net.h"
#include "net/tcp_frame_build.h"
#include "net/tcp_priv.h"

/*
 * The IPv6 frame of tcp_xmit_sum(): IPv6 (hop limit 64, no flow label)
 * and Ethernet headers from our address of c->lid to c->peer_ip6, the TCP
 * checksum over the IPv6 pseudo-header (RFC 8200 §8.1) in software or as
 * an offload request.
 */
static void
tcp_xmit6(struct lcore_ctx *ctx, struct tcp_conn *c, struct rte_mbuf *m,
	  uint32_t sum)
{
	const struct netif *ifc = ctx->ifc;
	uint16_t l4_len = (uint16_t)m->pkt_len;
	const struct rte_tcp_hdr *th0 = rte_pktmbuf_mtod(m, struct rte_tcp_hdr *);
	uint32_t hlen = (uint32_t)(th0->data_off >> 4) * 4;
	struct rte_ether_hdr *eh;
	struct rte_ipv6_hdr *ip;
	struct rte_tcp_hdr *th;
	uint64_t s;

	eh = (struct rte_ether_hdr *)rte_pktmbuf_prepend(m,
				sizeof(*eh) + sizeof(*ip));
	if (unlikely(!eh)) {
		STAT_INC(ctx, ip6_tx_nombuf);
		rte_pktmbuf_free(m);
		return;
	}
	ip = (struct rte_ipv6_hdr *)(eh + 1);
	th = (struct rte_tcp_hdr *)(ip + 1);
	rte_ether_addr_copy(&c->peer_mac, &eh->dst_addr);
	rte_ether_addr_copy(&ifc->mac, &eh->src_addr);
	eh->ether_type = RTE_BE16(RTE_ETHER_TYPE_IPV6);
	ip->vtc_flow = RTE_BE32(6u << 28);
	ip->payload_len = rte_cpu_to_be_16(l4_len);
	ip->proto = IPPROTO_TCP;
	ip->hop_limits = IPV6_DEFAULT_HOP_LIMIT;
	memcpy(ip->src_addr, tcp_lid_addr6(ifc, c->lid), 16);
	memcpy(ip->dst_addr, c->peer_ip6, 16);
	m->l2_len = sizeof(*eh);
	m->l3_len = sizeof(*ip);
	if (ifc->tx_offloads & RTE_ETH_TX_OFFLOAD_TCP_CKSUM) {
		m->ol_flags |= RTE_MBUF_F_TX_IPV6 | RTE_MBUF_F_TX_TCP_CKSUM;
		th->cksum = rte_ipv6_phdr_cksum(ip, m->ol_flags);
	} else if (unlikely(m->nb_segs != 1)) {
		th->cksum = 0;
		th->cksum = rte_ipv6_udptcp_cksum_mbuf(m, ip,
						       sizeof(*eh) + sizeof(*ip));
	} else {
		s = (uint64_t)rte_cpu_to_be_32(l4_len) + RTE_BE32(IPPROTO_TCP);
		s = cksum_add(ip->src_addr, 32, s);
		s = cksum_add(th, hlen, s);
		if (sum & TCP_SUM_KNOWN)
			s += sum & 0xffff;
		else
			s = cksum_add((const uint8_t *)th + hlen, l4_len - hlen, s);
		th->cksum = (uint16_t)~cksum_fold(s);
	}
	STAT_INC(ctx, ip6_tx);
	lcore_tx(ctx, m);
}

/*
 * A segment of c (m's data at its TCP header, one segment) made a whole
 * frame at once: IPv4 and Ethernet headers prepended together and filled
 * as ipv4_output() and eth_output() fill them (a connection's segments
 * always go to the peer's MAC: no route, no ARP), checksums in software
 * or as offload requests as the port offers. sum: TCP_SUM_KNOWN | the
 * payload's ones'-complement sum when the send queue knows it (the
 * response templates, tcp_send_reserve), else 0: only the header is
 * summed then, or the payload too.
 */
void
tcp_xmit_sum(struct lcore_ctx *ctx, struct tcp_conn *c, struct rte_mbuf *m,
	     uint32_t sum)
{
	const struct netif *ifc = ctx->ifc;
	uint16_t l4_len = (uint16_t)m->pkt_len;
	const struct rte_tcp_hdr *th0 = rte_pktmbuf_mtod(m, struct rte_tcp_hdr *);
	uint32_t hlen = (uint32_t)(th0->data_off >> 4) * 4;
	struct rte_ether_hdr *eh;
	struct rte_ipv4_hdr *ip;
	struct rte_tcp_hdr *th;
	uint64_t s;

	STAT_INC(ctx, tcp_tx_segs);
	if (unlikely(c->lid & TCP_LID_V6)) {
		tcp_xmit6(ctx, c, m, sum);
		return;
	}
	eh = (struct rte_ether_hdr *)rte_pktmbuf_prepend(m,
				sizeof(*eh) + sizeof(*ip));
	if (unlikely(!eh)) {
		STAT_INC(ctx, ipv4_tx_nombuf);
		rte_pktmbuf_free(m);
		return;
	}
	ip = (struct rte_ipv4_hdr *)(eh + 1);
	th = (struct rte_tcp_hdr *)(ip + 1);
	rte_ether_addr_copy(&c->peer_mac, &eh->dst_addr);
	rte_ether_addr_copy(&ifc->mac, &eh->src_addr);
	eh->ether_type = RTE_BE16(RTE_ETHER_TYPE_IPV4);
	ip->version_ihl = RTE_IPV4_VHL_DEF;
	ip->type_of_service = 0;
	ip->total_length = rte_cpu_to_be_16(l4_len + sizeof(*ip));
	ip->packet_id = 0;
	ip->fragment_offset = RTE_BE16(RTE_IPV4_HDR_DF_FLAG);
	ip->time_to_live = IPV4_DEFAULT_TTL;
	ip->next_proto_id = IPPROTO_TCP;
	ip->src_addr = tcp_lid_addr4(ctx, c->lid);
	ip->dst_addr = c->peer_ip;
	ip->hdr_checksum = 0;
	m->l2_len = sizeof(*eh);
	m->l3_len = sizeof(*ip);
	if (ifc->tx_offloads & RTE_ETH_TX_OFFLOAD_TCP_CKSUM) {
		m->ol_flags |= RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_TCP_CKSUM;
		th->cksum = rte_ipv4_phdr_cksum(ip, m->ol_flags);
	} else if (unlikely(m->nb_segs != 1)) {
		/* Not made today (every segment is one mbuf): as ipv4_output. */
		th->cksum = 0;
		th->cksum = rte_ipv4_udptcp_cksum_mbuf(m, ip,
						       sizeof(*eh) + sizeof(*ip));
	} else {
		s = (uint64_t)ip->src_addr + ip->dst_addr +
		    RTE_BE16(IPPROTO_TCP) + rte_cpu_to_be_16(l4_len);
		s = cksum_add(th, hlen, s);
		/* The payload starts at an even offset (hlen is a multiple
		 * of 4): its own sum adds as it is. */
		if (sum & TCP_SUM_KNOWN)
			s += sum & 0xffff;
		else
			s = cksum_add((const uint8_t *)th + hlen, l4_len - hlen, s);
		th->cksum = (uint16_t)~cksum_fold(s);
	}
	if (ifc->tx_offloads & RTE_ETH_TX_OFFLOAD_IPV4_CKSUM) {
		m->ol_flags |= RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_IP_CKSUM;
	} else {
		ip->hdr_checksum = (uint16_t)~cksum_fold(cksum_add(ip, sizeof(*ip), 0));
	}
	STAT_INC(ctx, ipv4_tx);
	lcore_tx(ctx, m);
}

void __rte_noinline
tcp_tx_sums_make(struct lcore_ctx *ctx, struct tcp_conn *c)
{
	tcp_tx_sums_set(c, (uint64_t)tcp_lid_addr4(ctx, c->lid) + c->peer_ip);
}

void
tcp_xmit_in_place(struct lcore_ctx *ctx, struct tcp_conn *c,
		  struct rte_mbuf *m, uint32_t seq, uint8_t flags)
{
	tcp_xmit_first_seg_c(ctx, c, m, seq, flags);
}

/* A segment of c without data (ACK, FIN, RST) in a fresh mbuf, made as
 * tcp_xmit_in_place makes one (a payload of nothing: sum known, 0). */
void
tcp_xmit_ctl(struct lcore_ctx *ctx, struct tcp_conn *c, uint32_t seq,
	     uint8_t flags)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(ctx->pool);

	if (unlikely(!m)) {
		STAT_INC(ctx, tcp_drop_nombuf);
		return;
	}
	tcp_meta(m)->sum = TCP_SUM_KNOWN;
	tcp_xmit_first_seg_c(ctx, c, m, seq, flags); /* IPv4 (callers) */
}

/*
 * The SYN-ACK of an IPv4 connection that agreed to window scaling,
 * timestamps and SACK, in a fresh mbuf, in one pass: the bytes
 * tcp_send_synack() writes (MSS, WS, NOP NOP TS, NOP NOP SACK-permitted;
 * window win unscaled, RFC 7323 §2.2) and those tcp_xmit_sum() adds, sums
 * from the words written. In m, the SYN's own mbuf, when the caller
 * gives one (tcp_mbuf_reusable: reset as a fresh one, the same bytes).
 * Returns false (nothing done) without an mbuf.
 */
bool
tcp_xmit_synack(struct lcore_ctx *ctx, struct tcp_conn *c, uint16_t win,
		struct rte_mbuf *m)
{
	const struct netif *ifc = ctx->ifc;
	const uint32_t hlen = TCP_HLEN + 24, l4_len = hlen;
	uint16_t hdr = (uint16_t)(RTE_ETHER_HDR_LEN + sizeof(struct rte_ipv4_hdr) +
				  hlen);
	uint16_t l4_be = RTE_BE16((uint16_t)(TCP_HLEN + 24));
	uint32_t src = tcp_lid_addr4(ctx, c->lid), dst = c->peer_ip;
	static const uint8_t nop_nop_ts[4] = { 1, 1, 8, 10 };
	static const uint8_t nop_nop_sackok[4] = { 1, 1, 4, 2 };
	uint8_t o_mss[4] = { 2, 4, (uint8_t)(c->rcv_mss >> 8), (uint8_t)c->rcv_mss };
	uint8_t o_ws[4] = { 1, 3, 3, (uint8_t)c->rcv_wscale };
	uint32_t w[6], w_seq, w_ack, w_off;
	struct rte_ether_hdr *eh;
	struct rte_ipv4_hdr *ip;
	struct rte_tcp_hdr *th;
	uint64_t addr, s;

	/* m reset as rte_pktmbuf_alloc() resets a fresh one, and its layout
	 * (data_off at the headroom less the headers prepended, one
	 * segment of hdr bytes, l2/l3 lengths) written once, in both. */
	if (m)
		tcp_mbuf_reuse(m);
	else if (unlikely(!(m = rte_pktmbuf_alloc(ctx->pool))))
		return false;
	m->data_off = (uint16_t)(RTE_MIN((uint16_t)RTE_PKTMBUF_HEADROOM,
					 (uint16_t)m->buf_len) -
				 (sizeof(*eh) + sizeof(*ip)));
	m->data_len = hdr;
	m->pkt_len = hdr;
	m->tx_offload = rte_mbuf_tx_offload(sizeof(*eh), sizeof(*ip), 0, 0, 0,
					    0, 0);
	eh = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	ip = (struct rte_ipv4_hdr *)(eh + 1);
	th = (struct rte_tcp_hdr *)(ip + 1);

	rte_ether_addr_copy(&c->peer_mac, &eh->dst_addr);
	rte_ether_addr_copy(&ifc->mac, &eh->src_addr);
	eh->ether_type = RTE_BE16(RTE_ETHER_TYPE_IPV4);
	tcp_ip4_hdr_write(ip, src, dst, l4_len);
	addr = (uint64_t)src + dst;

	th->src_port = c->local_port;
	th->dst_port = c->peer_port;
	w_seq = rte_cpu_to_be_32(c->iss);
	w_ack = rte_cpu_to_be_32(c->rcv_nxt);
	th->sent_seq = w_seq;
	th->recv_ack = w_ack;
	w_off = (uint32_t)((hlen / 4) << 4) |
		(uint32_t)(RTE_TCP_SYN_FLAG | RTE_TCP_ACK_FLAG) << 8 |
		(uint32_t)rte_cpu_to_be_16(win) << 16;
	th->data_off = (uint8_t)((hlen / 4) << 4);
	th->tcp_flags = RTE_TCP_SYN_FLAG | RTE_TCP_ACK_FLAG;
	th->rx_win = (uint16_t)(w_off >> 16);
	th->tcp_urp = 0;
	memcpy(&w[0], o_mss, 4);
	memcpy(&w[1], o_ws, 4);
	memcpy(&w[2], nop_nop_ts, 4);
	w[3] = rte_cpu_to_be_32(tcp_ts_now(ctx, c->ts_off));
	w[4] = rte_cpu_to_be_32(c->ts_recent);
	memcpy(&w[5], nop_nop_sackok, 4);
	memcpy(th + 1, w, sizeof(w));
	s = (uint64_t)w_seq + w_ack + w_off + w[0] + w[1] + w[2] + w[3] + w[4] +
	    w[5];
	if (ifc->tx_offloads & RTE_ETH_TX_OFFLOAD_TCP_CKSUM) {
		m->ol_flags |= RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_TCP_CKSUM;
		th->cksum = cksum_fold(addr + RTE_BE16(IPPROTO_TCP) + l4_be);
	} else {
		/* c's constant sums, made here once for the connection's
		 * one-pass segments too (TCF_TXHDR, tcp_xmit_first_v4):
		 * the pseudo-header's with the ports. */
		tcp_tx_sums_set(c, addr);
		c->flags |= TCF_TXHDR;
		s += (uint64_t)c->tx_psum + l4_be;
		th->cksum = (uint16_t)~cksum_fold(s);
	}
	if (ifc->tx_offloads & RTE_ETH_TX_OFFLOAD_IPV4_CKSUM)
		m->ol_flags |= RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_IP_CKSUM;
	else if (c->flags & TCF_TXHDR)
		ip->hdr_checksum = (uint16_t)~tcp_sum16_add(c->tx_ipsum,
			rte_cpu_to_be_16((uint16_t)(l4_len + sizeof(*ip))));
	else /* only the TCP sum offloaded */
		ip->hdr_checksum = tcp_ip4_cksum(addr, l4_len);
	STAT_INC(ctx, tcp_tx_segs);
	STAT_INC(ctx, ipv4_tx);
	lcore_tx(ctx, m);
	return true;
}

/*
 * tcp_xmit_ctl in m, the mbuf of the segment this answers, which the
 * caller is done with and may reuse (tcp_mbuf_reusable): reset as
 * rte_pktmbuf_alloc() resets a fresh one, the same bytes follow, and
 * neither a pool get nor the received segment's free is paid.
 */
void
tcp_xmit_ctl_reuse(struct lcore_ctx *ctx, struct tcp_conn *c,
		   struct rte_mbuf *m, uint32_t seq, uint8_t flags)
{
	/* rte_pktmbuf_reset but for the fields tcp_xmit_first_v4 writes
	 * (pkt_len) or tcp_mbuf_reusable found as the reset leaves them. */
	tcp_mbuf_reuse(m);
	m->data_off = (uint16_t)RTE_MIN((uint16_t)RTE_PKTMBUF_HEADROOM,
					(uint16_t)m->buf_len);
	m->data_len = 0;
	m->tx_offload = 0;
	tcp_meta(m)->sum = TCP_SUM_KNOWN;
	tcp_xmit_first_seg_c(ctx, c, m, seq, flags); /* IPv4 (callers) */
}

void
tcp_xmit_first(struct lcore_ctx *ctx, struct tcp_conn *c, struct rte_mbuf *m,
	       uint32_t seq, uint32_t len)
{
	tcp_xmit_first_fam(ctx, c, m, seq, len, false, NULL);
}

void
tcp_xmit_first6(struct lcore_ctx *ctx, struct tcp_conn *c, struct rte_mbuf *m,
		uint32_t seq, uint32_t len)
{
	tcp_xmit_first_fam(ctx, c, m, seq, len, true, NULL);
}
