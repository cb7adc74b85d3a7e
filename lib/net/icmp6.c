/* SPDX-License-Identifier: BSD-3-Clause */
/* icmp6.c: ICMPv6 echo, rate-limited errors, packet too big (RFC 4443). */
#include <string.h>

#include <rte_byteorder.h>
#include <rte_ip.h>

#include "core/lcore.h"
#include "net/icmp6.h"
#include "net/ipv6.h"
#include "net/nd.h"
#include "net/net.h"
#include "net/tcp.h"

#define ICMP6_ERR_INTERVAL_US (1000000u / ICMP6_ERR_PER_S)

/*
 * Token bucket as a generic cell rate algorithm: one timestamp per lcore
 * (the theoretical arrival time of the next message) stands for the
 * bucket; a message is allowed while it is at most BURST intervals ahead
 * of now.
 */
static bool
icmp6_err_allowed(struct lcore_ctx *ctx)
{
	uint64_t now = ctx->now_us;
	uint64_t tat = ctx->icmp6_tat_us > now ? ctx->icmp6_tat_us : now;

	if (tat - now > (uint64_t)(ICMP6_ERR_BURST - 1) * ICMP6_ERR_INTERVAL_US)
		return false;
	ctx->icmp6_tat_us = tat + ICMP6_ERR_INTERVAL_US;
	return true;
}

/* The packet is an ICMPv6 error (never answered with another, §2.4 e.1). */
static bool
icmp6_is_error(const struct rte_ipv6_hdr *ip, uint32_t len)
{
	return ip->proto == IPV6_NH_ICMPV6 && len > sizeof(*ip) &&
	       ((const uint8_t *)(ip + 1))[0] < 128;
}

static void
icmp6_error(struct lcore_ctx *ctx, struct rte_mbuf *m, struct net_pkt *p,
	    uint8_t type, uint8_t code, uint32_t data)
{
	const struct rte_ipv6_hdr *ip = p->ip6;
	uint8_t src[16], dst[16];
	struct rte_ether_addr peer;
	struct icmp6_hdr *ic;
	uint32_t back, len;

	/* Back to the IPv6 header: the error quotes the packet from there. */
	back = (uint32_t)(rte_pktmbuf_mtod(m, const uint8_t *) -
			  (const uint8_t *)ip);
	rte_pktmbuf_prepend(m, (uint16_t)back);
	len = m->pkt_len;
	if ((p->dst_mcast && !(type == ICMP6_PARAM_PROBLEM &&
			       code == ICMP6_PARAM_OPTION)) ||
	    ip->src_addr[0] == 0xff || ipv6_is_unspecified(ip->src_addr) ||
	    icmp6_is_error(ip, len))
		goto drop;
	if (!icmp6_err_allowed(ctx)) {
		STAT_INC(ctx, icmp6_error_limited);
		goto drop;
	}
	/* Copies: the headers prepended below overwrite the frame's. */
	memcpy(dst, ip->src_addr, 16);
	memcpy(src, p->dst_mcast ? ipv6_select_src(ctx->ifc, dst) :
				   ip->dst_addr, 16);
	peer = p->eth->src_addr;
	if (len > IPV6_MIN_MTU - sizeof(*ip) - sizeof(*ic))
		rte_pktmbuf_trim(m, len - (IPV6_MIN_MTU - sizeof(*ip) -
					   sizeof(*ic)));
	ic = (struct icmp6_hdr *)rte_pktmbuf_prepend(m, sizeof(*ic));
	if (!ic) {
		STAT_INC(ctx, ip6_tx_nombuf);
		goto drop;
	}
	ic->type = type;
	ic->code = code;
	ic->cksum = 0;
	ic->data = rte_cpu_to_be_32(data);
	STAT_INC(ctx, icmp6_tx_error);
	ipv6_output(ctx, m, src, dst, IPV6_NH_ICMPV6, 0, &peer);
	return;
drop:
	rte_pktmbuf_free(m);
}

void
icmp6_dest_unreach(struct lcore_ctx *ctx, struct rte_mbuf *m,
		   struct net_pkt *p, uint8_t code)
{
	icmp6_error(ctx, m, p, ICMP6_DEST_UNREACH, code, 0);
}

void
icmp6_param_problem(struct lcore_ctx *ctx, struct rte_mbuf *m,
		    struct net_pkt *p, uint8_t code, uint32_t pointer)
{
	icmp6_error(ctx, m, p, ICMP6_PARAM_PROBLEM, code, pointer);
}

/*
 * Packet too big (§3.2) quoting a packet we sent: record the path MTU to
 * its destination (RFC 8201 §4: never below 1280; a larger value than
 * the one we hold is ignored there).
 */
static void
icmp6_packet_too_big(struct lcore_ctx *ctx, const struct icmp6_hdr *ic,
		     uint32_t len)
{
	const struct rte_ipv6_hdr *q = (const struct rte_ipv6_hdr *)(ic + 1);
	uint32_t mtu = rte_be_to_cpu_32(ic->data);

	STAT_INC(ctx, icmp6_rx_ptb);
	if (len < sizeof(*ic) + sizeof(*q) ||
	    (rte_be_to_cpu_32(q->vtc_flow) >> 28) != 6 ||
	    !ipv6_is_ours(ctx->ifc, q->src_addr) || mtu >= ctx->ifc->mtu) {
		STAT_INC(ctx, icmp6_ptb_ignored);
		return;
	}
	if (mtu < IPV6_MIN_MTU)
		mtu = IPV6_MIN_MTU;
	nd_pmtu_update(ctx->nd, q->dst_addr, mtu, ctx->now_us);
	/* A TCP segment of ours quoted (ports and sequence: 8 bytes): its
	 * connection sends smaller segments now (RFC 8201 §4, RFC 5927). */
	if (q->proto == IPV6_NH_TCP && len >= sizeof(*ic) + sizeof(*q) + 8) {
		const uint8_t *t = (const uint8_t *)(q + 1);
		uint16_t sport, dport;
		uint32_t seq;

		memcpy(&sport, t, 2);
		memcpy(&dport, t + 2, 2);
		memcpy(&seq, t + 4, 4);
		tcp_pmtu_too_big6(ctx, q->src_addr, q->dst_addr, dport, sport,
				  rte_be_to_cpu_32(seq), mtu);
	}
}

void
icmp6_input(struct lcore_ctx *ctx, struct rte_mbuf *m, struct net_pkt *p)
{
	uint8_t src[16], dst[16];
	struct rte_ether_addr peer;
	struct icmp6_hdr *ic;
	uint16_t len = p->l4_len;

	if (len < sizeof(*ic) || m->data_len < len) {
		STAT_INC(ctx, icmp6_drop_short);
		goto drop;
	}
	ic = rte_pktmbuf_mtod(m, struct icmp6_hdr *);
	if (ipv6_l4_cksum(p->ip6->src_addr, p->ip6->dst_addr, IPV6_NH_ICMPV6,
			  ic, len) != 0) {
		STAT_INC(ctx, icmp6_drop_cksum);
		goto drop;
	}
	switch (ic->type) {
	case ICMP6_ECHO_REQUEST:
		break;
	case ICMP6_ND_NS:
	case ICMP6_ND_NA:
		nd_input(ctx, m, p);
		return;
	case ICMP6_ND_RS:
	case ICMP6_ND_RA:
	case ICMP6_ND_REDIRECT:
		/* Static addressing: no autoconfiguration, no redirects. */
		STAT_INC(ctx, nd_rx_other);
		goto drop;
	case ICMP6_PACKET_TOO_BIG:
		icmp6_packet_too_big(ctx, ic, len);
		goto drop;
	default:
		if (ic->type < 128)
			STAT_INC(ctx, icmp6_rx_error);
		else
			STAT_INC(ctx, icmp6_rx_other);
		goto drop;
	}
	/* Echo: not to a group (we are not obliged to, §4.2), not from the
	 * unspecified address (nowhere to answer). */
	if (ic->code != 0 || p->dst_mcast ||
	    ipv6_is_unspecified(p->ip6->src_addr)) {
		STAT_INC(ctx, icmp6_rx_other);
		goto drop;
	}
	STAT_INC(ctx, icmp6_rx_echo);
	memcpy(dst, p->ip6->src_addr, 16);
	memcpy(src, p->ip6->dst_addr, 16);
	peer = p->eth->src_addr;
	ic->type = ICMP6_ECHO_REPLY;
	/* Extension headers of the request go with its IPv6 header:
	 * ipv6_output builds a plain one in front of the message. */
	STAT_INC(ctx, icmp6_tx_echo_reply);
	ipv6_output(ctx, m, src, dst, IPV6_NH_ICMPV6, 0, &peer);
	return;
drop:
	rte_pktmbuf_free(m);
}
