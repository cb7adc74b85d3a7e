/* SPDX-License-Identifier: BSD-3-Clause */
/* tcp_frame_build.h: the one-pass frame builders, inline, shared by the
 * frames of single segments (tcp_frame.c) and the output list's loop
 * (tcp_out_list.c). */
#ifndef LR_NET_TCP_FRAME_BUILD_H
#define LR_NET_TCP_FRAME_BUILD_H

#include <rte_byteorder.h>
#include <rte_ethdev.h>
#include <rte_ip.h>

#include "net/cksum.h"
#include "net/ipv4.h"
#include "net/ipv6.h"
#include "net/net.h"
#include "net/tcp_priv.h"

/*
 * The IPv4 header checksum of a segment as tcp_xmit_first writes its
 * header (version 4, IHL 5, TOS 0, id 0, DF, TTL IPV4_DEFAULT_TTL, TCP),
 * from the sum of its addresses (addr) and its payload length: the 16-bit
 * words of the constant fields are summed at compile time (RFC 1071 §2:
 * order does not matter).
 */
static inline uint16_t
tcp_ip4_cksum(uint64_t addr, uint32_t l4_len)
{
	uint64_t s = addr + RTE_IPV4_VHL_DEF +
		     ((uint32_t)rte_cpu_to_be_16((uint16_t)(l4_len + 20)) << 16) +
		     ((uint32_t)RTE_BE16(RTE_IPV4_HDR_DF_FLAG) << 16) +
		     (IPV4_DEFAULT_TTL | (uint32_t)IPPROTO_TCP << 8);

	return (uint16_t)~cksum_fold(s);
}

/* An IPv4 header as ipv4_output writes it for a TCP segment of l4_len
 * bytes, its sum left 0 (tcp_ip4_cksum or the NIC fills it). */
static __rte_always_inline void
tcp_ip4_hdr_write(struct rte_ipv4_hdr *ip, uint32_t src, uint32_t dst,
		  uint32_t l4_len)
{
	ip->version_ihl = RTE_IPV4_VHL_DEF;
	ip->type_of_service = 0;
	ip->total_length = rte_cpu_to_be_16((uint16_t)(l4_len + sizeof(*ip)));
	ip->packet_id = 0;
	ip->fragment_offset = RTE_BE16(RTE_IPV4_HDR_DF_FLAG);
	ip->time_to_live = IPV4_DEFAULT_TTL;
	ip->next_proto_id = IPPROTO_TCP;
	ip->hdr_checksum = 0;
	ip->src_addr = src;
	ip->dst_addr = dst;
}

/* a + b, both 16-bit partial sums, folded (at most 0x1fffe: one fold). */
static inline uint16_t
tcp_sum16_add(uint32_t a, uint32_t b)
{
	uint32_t x = a + b;

	return (uint16_t)(x + (x >> 16));
}

/*
 * c's constant sums (struct tcp_conn.tx_ipsum, tx_psum), each folded:
 * the IPv4 header's words as ipv4_output writes them but its total
 * length and sum, and the pseudo-header's addresses and protocol with
 * the ports (RFC 1071 §2: a sum of some of the 16-bit words, folded,
 * adds to the rest as they would). Made at the connection's SYN-ACK
 * (tcp_xmit_synack) or first one-pass segment summed in software: our
 * address of lid, peer_ip and the ports are set when the connection is
 * and never change after. The caller marks them made (TCF_TXHDR).
 */
static __rte_always_inline void
tcp_tx_sums_set(struct tcp_conn *c, uint64_t addr)
{
	/* tcp_ip4_hdr_write's constant words, as tcp_ip4_cksum adds them. */
	c->tx_ipsum = cksum_fold_rx(addr + RTE_IPV4_VHL_DEF +
				    ((uint32_t)RTE_BE16(RTE_IPV4_HDR_DF_FLAG) << 16) +
				    (IPV4_DEFAULT_TTL | (uint32_t)IPPROTO_TCP << 8));
	c->tx_psum = cksum_fold_rx(addr + RTE_BE16(IPPROTO_TCP) + c->local_port +
				   c->peer_port);
}

/* c's constant sums made (tcp_tx_sums_set), out of line: the rare case
 * of a builder (tcp_frame.c). */
void tcp_tx_sums_make(struct lcore_ctx *ctx, struct tcp_conn *c);


/* What every segment of a list reads of the lcore (tcp_output_list):
 * the port's TX offloads and our timestamp clock's ms (tcp_ts_now less
 * the connection's offset), read once for the list. Those one-pass
 * builders given none read them from ctx. */
struct tcp_tx_now {
	uint64_t ol;
	uint32_t ms;
};

/*
 * An IPv4 segment of m, a whole unsent send-queue mbuf (or a fresh one
 * with no payload), with no SACK blocks to report: TCP (with timestamps:
 * ts), IPv4 and Ethernet headers written in one pass in front of the
 * payload, and the sums from c's constant sums (tcp_tx_sums_make), the
 * words written here and the payload's known sum (RFC 1071 §2), nothing
 * read back. The bytes are those tcp_fill() and tcp_xmit_sum() write.
 * ph: an answer's segment, whose offloaded pseudo-header sum comes from
 * c's constant part (TCF_TXPH). whole: m is known unsealed with wlen
 * payload bytes (tcp_output_dec_ok: its data offset TCP_SNDQ_DOFF, its
 * length c's sndq_len), neither read back, data_off already moved to
 * the headers (tcp_xmit_dec_mbuf), and the caller counts the segment
 * (tcp_output_list_ol, once per list).
 */
static __rte_always_inline void
tcp_xmit_first_v4(struct lcore_ctx *ctx, struct tcp_conn *c,
		  struct rte_mbuf *m, uint32_t seq, uint8_t flags, const bool ts,
		  uint32_t *fl, const bool kept, const struct tcp_tx_now *tn,
		  const bool ph, const bool whole, uint32_t wlen)
{
	const struct netif *ifc = ctx->ifc;
	const uint32_t hlen = TCP_HLEN + (ts ? TCP_TS_OPTLEN : 0);
	const uint16_t hdr = (uint16_t)(RTE_ETHER_HDR_LEN +
					sizeof(struct rte_ipv4_hdr) + hlen);
	uint32_t plen = whole ? wlen : m->data_len, l4_len = hlen + plen;
	uint32_t psum = tcp_meta(m)->sum;
	uint16_t l4_be = rte_cpu_to_be_16((uint16_t)l4_len), win;
	uint32_t w_seq, w_ack, w_off, w_sum;
	struct rte_ether_hdr *eh;
	struct rte_ipv4_hdr *ip;
	struct rte_tcp_hdr *th;
	uint64_t s, olf = 0;

	RTE_ASSERT(!whole || (m->data_off == TCP_SNDQ_DOFF - hdr &&
			      m->data_len == wlen));
	/* The queue's headroom always holds these headers (TCP_SNDQ_DOFF). */
	if (!whole) /* whole: the caller's (tcp_xmit_dec_mbuf) */
		m->data_off = (uint16_t)(m->data_off - hdr);
	m->data_len = (uint16_t)(plen + hdr);
	m->pkt_len = m->data_len;
	eh = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	ip = (struct rte_ipv4_hdr *)(eh + 1);
	th = (struct rte_tcp_hdr *)(ip + 1);
	if (!kept) {
		rte_ether_addr_copy(&c->peer_mac, &eh->dst_addr);
		rte_ether_addr_copy(&ifc->mac, &eh->src_addr);
		eh->ether_type = RTE_BE16(RTE_ETHER_TYPE_IPV4);
		tcp_ip4_hdr_write(ip, tcp_lid_addr4(ctx, c->lid), c->peer_ip,
				  l4_len);
	} else {
		/* c's last segment in this mbuf (TCP_SUM_HDR) left the
		 * rest as it is; the sum below. */
		ip->total_length = rte_cpu_to_be_16((uint16_t)(l4_len +
							       sizeof(*ip)));
	}

	/* TCP as tcp_fill writes it. */
	if (likely(!(*fl & TCF_RCV_LIM)))
		win = (uint16_t)(c->rcv_wnd >> c->rcv_wscale);
	else
		win = tcp_rcv_win_lim(c);
	if (!kept) {
		th->src_port = c->local_port;
		th->dst_port = c->peer_port;
	}
	w_seq = rte_cpu_to_be_32(seq);
	w_ack = rte_cpu_to_be_32(c->rcv_nxt);
	w_off = (uint32_t)((hlen / 4) << 4) | (uint32_t)flags << 8 |
		(uint32_t)rte_cpu_to_be_16(win) << 16;
	th->sent_seq = w_seq;
	th->recv_ack = w_ack;
	memcpy(&th->data_off, &w_off, 4);
	s = (uint64_t)w_seq + w_ack + w_off;
	if (ts) {
		uint8_t *o = (uint8_t *)(th + 1);
		uint32_t v = rte_cpu_to_be_32(tn ? tn->ms + c->ts_off :
					       tcp_ts_now(ctx, c->ts_off));
		uint32_t e = rte_cpu_to_be_32(c->ts_recent);
		static const uint8_t nop_nop_ts[4] = { 1, 1, 8, 10 };
		uint32_t w_kind;

		memcpy(&w_kind, nop_nop_ts, 4);
		if (!kept)
			memcpy(o, &w_kind, 4);
		memcpy(o + 4, &v, 4);
		memcpy(o + 8, &e, 4);
		s += (uint64_t)w_kind + v + e;
	}
	if (whole) {
		/* The lengths in one store: the stack sets no other field
		 * of tx_offload (those of a queue mbuf are 0). */
		RTE_ASSERT((m->tx_offload &
			    ~rte_mbuf_tx_offload(0x7f, 0x1ff, 0, 0, 0, 0, 0)) ==
			   0);
		m->tx_offload = rte_mbuf_tx_offload(RTE_ETHER_HDR_LEN,
						    sizeof(*ip), 0, 0, 0, 0, 0);
	} else {
		m->l2_len = RTE_ETHER_HDR_LEN;
		m->l3_len = sizeof(*ip);
	}
	if ((tn ? tn->ol : ifc->tx_offloads) & RTE_ETH_TX_OFFLOAD_TCP_CKSUM) {
		if (whole)
			olf = RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_TCP_CKSUM;
		else
			m->ol_flags |= RTE_MBUF_F_TX_IPV4 |
				       RTE_MBUF_F_TX_TCP_CKSUM;
		/* rte_ipv4_phdr_cksum(): the pseudo-header's sum, folded.
		 * For an answer (ph: tcp_xmit_first's, the list's), its
		 * addresses and protocol are c's constant part, made once
		 * (TCF_TXPH), the length added (both folds of nonzero
		 * words end in 1..0xffff: the same bits). TCF_TXHDR set
		 * instead: tx_psum holds the software sum's (the SYN-ACK
		 * made it, tcp_xmit_synack). Control segments (a
		 * connection's few) sum it whole. */
		if (ph && likely((*fl & (TCF_TXPH | TCF_TXHDR)) == TCF_TXPH)) {
			w_sum = tcp_sum16_add(c->tx_psum, l4_be);
		} else if (ph) {
			uint16_t p = cksum_fold_rx(
				(uint64_t)tcp_lid_addr4(ctx, c->lid) +
				c->peer_ip + RTE_BE16(IPPROTO_TCP));

			c->tx_psum = p;
			*fl = (*fl & ~TCF_TXHDR) | TCF_TXPH;
			w_sum = tcp_sum16_add(p, l4_be);
		} else {
			w_sum = cksum_fold_rx(
				(uint64_t)tcp_lid_addr4(ctx, c->lid) +
				c->peer_ip + RTE_BE16(IPPROTO_TCP) + l4_be);
		}
	} else {
		if (unlikely(!(*fl & TCF_TXHDR))) {
			tcp_tx_sums_make(ctx, c);
			*fl = (*fl & ~TCF_TXPH) | TCF_TXHDR;
		}
		s += (uint64_t)c->tx_psum + l4_be;
		if (psum & TCP_SUM_KNOWN)
			s += psum & 0xffff;
		else
			s = cksum_add((const uint8_t *)th + hlen, plen, s);
		w_sum = (uint16_t)~cksum_fold_rx(s); /* = cksum_fold(s) */
	}
	/* The sum and an urgent pointer of 0 in one store. */
	memcpy(&th->cksum, &w_sum, 4);
	if ((tn ? tn->ol : ifc->tx_offloads) & RTE_ETH_TX_OFFLOAD_IPV4_CKSUM) {
		if (whole)
			olf |= RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_IP_CKSUM;
		else
			m->ol_flags |= RTE_MBUF_F_TX_IPV4 |
				       RTE_MBUF_F_TX_IP_CKSUM;
		if (kept) /* as tcp_ip4_hdr_write leaves it */
			ip->hdr_checksum = 0;
	} else if (likely(*fl & TCF_TXHDR))
		ip->hdr_checksum = (uint16_t)~tcp_sum16_add(c->tx_ipsum,
			rte_cpu_to_be_16((uint16_t)(l4_len + sizeof(*ip))));
	else /* only the TCP sum offloaded: as tcp_xmit_sum */
		ip->hdr_checksum = tcp_ip4_cksum(
			(uint64_t)tcp_lid_addr4(ctx, c->lid) + c->peer_ip,
			l4_len);
	/* whole: both requests in one store (a constant of the list's
	 * copy; m's other flags as they were). */
	if (whole && olf)
		m->ol_flags |= olf;
	if (!whole) {
		STAT_INC(ctx, tcp_tx_segs);
		STAT_INC(ctx, ipv4_tx);
	}
	lcore_tx(ctx, m);
}

/*
 * tcp_xmit_first_v4 for an IPv6 connection: TCP (with timestamps when in
 * use), IPv6 and Ethernet headers written in one pass in front of the
 * payload, and the checksum summed from the words written (RFC 1071 §2:
 * the order of the 16-bit words does not matter) instead of read back:
 * the bytes are those tcp_fill() and tcp_xmit_sum() write.
 */
static __rte_always_inline void
tcp_xmit_first_opt6(struct lcore_ctx *ctx, struct tcp_conn *c,
		    struct rte_mbuf *m, uint32_t seq, uint8_t flags,
		    const bool ts, uint32_t fl, const struct tcp_tx_now *tn)
{
	const struct netif *ifc = ctx->ifc;
	const uint32_t hlen = TCP_HLEN + (ts ? TCP_TS_OPTLEN : 0);
	const uint32_t iplen = sizeof(struct rte_ipv6_hdr);
	uint32_t plen = m->data_len, l4_len = hlen + plen;
	uint32_t psum = tcp_meta(m)->sum;
	uint32_t w_off, w_ports, w_seq, w_ack;
	uint16_t win, l4_be = rte_cpu_to_be_16((uint16_t)l4_len);
	uint64_t a6[4];
	struct rte_ether_hdr *eh;
	struct rte_ipv6_hdr *ip6;
	struct rte_tcp_hdr *th;
	uint64_t s;
	uint16_t hdr = (uint16_t)(sizeof(*eh) + iplen + hlen);

	/* The queue's headroom always holds these headers (TCP_SNDQ_DOFF). */
	m->data_off = (uint16_t)(m->data_off - hdr);
	m->data_len = (uint16_t)(m->data_len + hdr);
	m->pkt_len = m->data_len;
	eh = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	ip6 = (struct rte_ipv6_hdr *)(eh + 1);
	th = (struct rte_tcp_hdr *)(ip6 + 1);

	rte_ether_addr_copy(&c->peer_mac, &eh->dst_addr);
	rte_ether_addr_copy(&ifc->mac, &eh->src_addr);
	/* IPv6 as tcp_xmit6 writes it: hop limit 64, no flow label; the
	 * addresses' sum below. */
	eh->ether_type = RTE_BE16(RTE_ETHER_TYPE_IPV6);
	ip6->vtc_flow = RTE_BE32(6u << 28);
	ip6->payload_len = l4_be;
	ip6->proto = IPPROTO_TCP;
	ip6->hop_limits = IPV6_DEFAULT_HOP_LIMIT;
	memcpy(&a6[0], tcp_lid_addr6(ifc, c->lid), 16);
	memcpy(&a6[2], c->peer_ip6, 16);
	memcpy(ip6->src_addr, &a6[0], 16);
	memcpy(ip6->dst_addr, &a6[2], 16);

	/* TCP as tcp_fill writes it. */
	if (likely(!(fl & TCF_RCV_LIM)))
		win = (uint16_t)(c->rcv_wnd >> c->rcv_wscale);
	else
		win = tcp_rcv_win_lim(c);
	th->src_port = c->local_port;
	th->dst_port = c->peer_port;
	w_ports = (uint32_t)c->local_port | (uint32_t)c->peer_port << 16;
	w_seq = rte_cpu_to_be_32(seq);
	w_ack = rte_cpu_to_be_32(c->rcv_nxt);
	th->sent_seq = w_seq;
	th->recv_ack = w_ack;
	w_off = (uint32_t)((hlen / 4) << 4) | (uint32_t)flags << 8 |
		(uint32_t)rte_cpu_to_be_16(win) << 16;
	th->data_off = (uint8_t)((hlen / 4) << 4);
	th->tcp_flags = flags;
	th->rx_win = (uint16_t)(w_off >> 16);
	th->tcp_urp = 0;
	s = w_ports + (uint64_t)w_seq + w_ack + w_off;
	if (ts) {
		uint8_t *o = (uint8_t *)(th + 1);
		uint32_t v = rte_cpu_to_be_32(tn ? tn->ms + c->ts_off :
					       tcp_ts_now(ctx, c->ts_off));
		uint32_t e = rte_cpu_to_be_32(c->ts_recent);
		static const uint8_t nop_nop_ts[4] = { 1, 1, 8, 10 };
		uint32_t w_kind;

		memcpy(&w_kind, nop_nop_ts, 4);
		memcpy(o, &w_kind, 4);
		memcpy(o + 4, &v, 4);
		memcpy(o + 8, &e, 4);
		s += (uint64_t)w_kind + v + e;
	}
	m->l2_len = sizeof(*eh);
	m->l3_len = iplen;
	/* The pseudo-header's length and protocol: IPv6's 32-bit fields
	 * (RFC 8200 §8.1) are 2^16 (= 1 in the sum) times IPv4's. */
	if ((tn ? tn->ol : ifc->tx_offloads) & RTE_ETH_TX_OFFLOAD_TCP_CKSUM) {
		/* rte_ipv6_phdr_cksum(): the pseudo-header's sum, folded. */
		m->ol_flags |= RTE_MBUF_F_TX_IPV6 | RTE_MBUF_F_TX_TCP_CKSUM;
		th->cksum = cksum_fold(cksum_add_addr6(
			RTE_BE16(IPPROTO_TCP) + l4_be, a6[0], a6[1], a6[2],
			a6[3]));
	} else {
		s += RTE_BE16(IPPROTO_TCP) + l4_be;
		if (psum & TCP_SUM_KNOWN)
			s += psum & 0xffff;
		else
			s = cksum_add((const uint8_t *)th + hlen, plen, s);
		s = cksum_add_addr6(s, a6[0], a6[1], a6[2], a6[3]);
		th->cksum = (uint16_t)~cksum_fold_rx(s); /* = cksum_fold(s) */
	}
	STAT_INC(ctx, tcp_tx_segs);
	STAT_INC(ctx, ip6_tx);
	lcore_tx(ctx, m);
}

/* tcp_xmit_first_v4 or tcp_xmit_first_opt6 with the header length
 * constant in each, then tcp_fill's bookkeeping: a segment with ACK pays
 * the ACK owed. *fl: c->flags, read once by the caller, kept here and
 * stored back by it (the frame's byte stores would otherwise make the
 * compiler read c->flags again after each). queued: m may have kept its
 * IPv4 headers (TCP_SUM_HDR, tcp_send_reserve), written again only
 * where they change. */
static __rte_always_inline void
tcp_xmit_first_seg(struct lcore_ctx *ctx, struct tcp_conn *c,
		   struct rte_mbuf *m, uint32_t seq, uint8_t flags,
		   const bool v6, uint32_t *fl, const bool queued,
		   const struct tcp_tx_now *tn)
{
	if (v6 && likely(*fl & TCF_TS))
		tcp_xmit_first_opt6(ctx, c, m, seq, flags, true, *fl, tn);
	else if (v6)
		tcp_xmit_first_opt6(ctx, c, m, seq, flags, false, *fl, tn);
	else if (queued && (tcp_meta(m)->sum & TCP_SUM_HDR))
		/* tcp_send_reserve marks only a c with timestamps. */
		tcp_xmit_first_v4(ctx, c, m, seq, flags, true, fl, true, tn,
				  queued, false, 0);
	else if (likely(*fl & TCF_TS))
		tcp_xmit_first_v4(ctx, c, m, seq, flags, true, fl, false, tn,
				  queued, false, 0);
	else
		tcp_xmit_first_v4(ctx, c, m, seq, flags, false, fl, false, tn,
				  queued, false, 0);
	if (flags & RTE_TCP_ACK_FLAG) {
		c->last_ack_sent = c->rcv_nxt;
		c->rcv_unacked = 0;
		*fl &= ~(TCF_ACK_NOW | TCF_DELACK);
		if (timer_armed(&c->delack))
			timer_cancel(&ctx->wheel, &c->delack);
	}
}

/* tcp_xmit_first_seg over IPv4 with c->flags read and written once,
 * every header written: fresh mbufs, and the general loop's and the
 * closing answer's segments (tcp_xmit_in_place), where kept headers
 * (TCP_SUM_HDR, tcp_xmit_first's keep-alive answers) are not worth
 * their test. */
static __rte_always_inline void
tcp_xmit_first_seg_c(struct lcore_ctx *ctx, struct tcp_conn *c,
		     struct rte_mbuf *m, uint32_t seq, uint8_t flags)
{
	uint32_t fl = c->flags;

	tcp_xmit_first_seg(ctx, c, m, seq, flags, false, &fl, false, NULL);
	c->flags = fl;
}


static __rte_always_inline void
tcp_xmit_first_fam(struct lcore_ctx *ctx, struct tcp_conn *c,
		   struct rte_mbuf *m, uint32_t seq, uint32_t len, const bool v6,
		   const struct tcp_tx_now *tn)
{
	uint32_t fl = c->flags;

	if (!(fl & TCF_RTT)) {
		fl |= TCF_RTT;
		c->rtt_seq = seq;
		c->rtt_start = ctx->now_us;
	}
	/* Before the frame, which does not read them: seq and len are not
	 * kept across it. */
	c->snd_nxt = seq + len;
	c->snd_max = seq + len;
	/* The queue keeps its reference. An unsealed queue mbuf
	 * (tcp_output_one_ok) has no other: each transmission in place
	 * seals it (TX, tcp_xmit_data), and a spare re-enters a queue only
	 * once the NIC let go of it (tcp_sndq_pop_keep). */
	RTE_ASSERT(rte_mbuf_refcnt_read(m) == 1);
	rte_mbuf_refcnt_set(m, 2);
	tcp_xmit_first_seg(ctx, c, m, seq, RTE_TCP_ACK_FLAG | RTE_TCP_PSH_FLAG,
			   v6, &fl, true, tn);
	fl &= ~TCF_SWS_FORCE;
	c->flags = fl;
	tcp_rack_sent_one_inline(ctx, c, m); /* RTO, or a loss probe */
}

#endif
