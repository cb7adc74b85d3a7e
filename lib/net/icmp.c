/* SPDX-License-Identifier: BSD-3-Clause */
/* icmp.c: ICMP echo responder (RFC 792) and fragmentation needed (RFC 1191). */
#include <rte_byteorder.h>
#include <rte_icmp.h>
#include <rte_ip.h>
#include <rte_tcp.h>

#include "core/lcore.h"
#include "net/icmp.h"
#include "net/ipv4.h"
#include "net/net.h"
#include "net/tcp.h"

#define ICMP_DEST_UNREACH 3
#define ICMP_FRAG_NEEDED 4

/* RFC 1191 §7: the plateau below a datagram of len bytes, for routers
 * that leave the next-hop MTU field 0. */
static uint32_t
icmp_plateau(uint32_t len)
{
	static const uint16_t plateau[] = { 32000, 17914, 8166, 4352, 2002,
					    1492, 1006, 508, 296, 68 };

	for (unsigned int i = 0; i < RTE_DIM(plateau); i++)
		if (plateau[i] < len)
			return plateau[i];
	return 68;
}

/*
 * Destination unreachable, fragmentation needed and DF set: the message
 * quotes the IPv4 header and at least 8 bytes of the datagram it refers
 * to (RFC 792). Only a TCP segment we sent (our address as its source)
 * is acted on; TCP checks that its sequence is in flight.
 */
static void
icmp_frag_needed(struct lcore_ctx *ctx, const struct rte_icmp_hdr *ic,
		 uint16_t len)
{
	const struct rte_ipv4_hdr *ip = (const struct rte_ipv4_hdr *)(ic + 1);
	const struct rte_tcp_hdr *th;
	uint32_t hlen, mtu;

	if (len < sizeof(*ic) + sizeof(*ip) + 8)
		goto bad;
	hlen = (uint32_t)(ip->version_ihl & 0xf) * 4;
	if ((ip->version_ihl >> 4) != 4 || hlen < sizeof(*ip) ||
	    len < sizeof(*ic) + hlen + 8 || ip->next_proto_id != IPPROTO_TCP ||
	    ip->src_addr != ctx->ifc->ip)
		goto bad;
	th = (const struct rte_tcp_hdr *)((const uint8_t *)ip + hlen);
	mtu = rte_be_to_cpu_16(ic->icmp_seq_nb); /* next-hop MTU */
	if (mtu == 0)
		mtu = icmp_plateau(rte_be_to_cpu_16(ip->total_length));
	tcp_pmtu_frag_needed(ctx, ip->dst_addr, th->dst_port, th->src_port,
			     rte_be_to_cpu_32(th->sent_seq), mtu);
	return;
bad:
	STAT_INC(ctx, tcp_pmtu_ignored);
}

void
icmp_input(struct lcore_ctx *ctx, struct rte_mbuf *m, struct net_pkt *p)
{
	struct rte_icmp_hdr *ic;
	struct rte_ether_addr peer;
	uint32_t src;
	uint16_t len = p->l4_len;

	if (len < sizeof(*ic) || m->data_len < len) {
		STAT_INC(ctx, icmp_drop_short);
		goto drop;
	}
	ic = rte_pktmbuf_mtod(m, struct rte_icmp_hdr *);
	if (rte_raw_cksum(ic, len) != 0xffff) {
		STAT_INC(ctx, icmp_drop_cksum);
		goto drop;
	}
	if (ic->icmp_type == ICMP_DEST_UNREACH &&
	    ic->icmp_code == ICMP_FRAG_NEEDED) {
		STAT_INC(ctx, icmp_rx_other);
		icmp_frag_needed(ctx, ic, len);
		goto drop;
	}
	if (ic->icmp_type != RTE_IP_ICMP_ECHO_REQUEST || ic->icmp_code != 0) {
		STAT_INC(ctx, icmp_rx_other);
		goto drop;
	}
	STAT_INC(ctx, icmp_rx_echo);
	ic->icmp_type = RTE_IP_ICMP_ECHO_REPLY;
	ic->icmp_cksum = 0;
	ic->icmp_cksum = ~rte_raw_cksum(ic, len);
	src = p->ip->src_addr;
	peer = p->eth->src_addr;
	/* Drop the old IPv4 options with the header: ipv4_output builds a
	 * plain one in front of the ICMP message. */
	STAT_INC(ctx, icmp_tx_echo_reply);
	ipv4_output(ctx, m, src, IPPROTO_ICMP, &peer);
	return;
drop:
	rte_pktmbuf_free(m);
}
