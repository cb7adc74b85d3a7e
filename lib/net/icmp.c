/* SPDX-License-Identifier: BSD-3-Clause */
/* icmp.c: ICMP echo responder (RFC 792). */
#include <rte_icmp.h>
#include <rte_ip.h>

#include "core/lcore.h"
#include "net/icmp.h"
#include "net/ipv4.h"
#include "net/net.h"

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
