/* SPDX-License-Identifier: BSD-3-Clause */
/* ipv4.h: IPv4 input validation and demux, output with checksums. */
#ifndef LR_NET_IPV4_H
#define LR_NET_IPV4_H

#include <stdint.h>

#include <rte_ether.h>
#include <rte_mbuf.h>

#include "core/config.h"

struct lcore_ctx;
struct net_pkt;

#define IPV4_DEFAULT_TTL 64

/*
 * A received IPv4 packet (data at the IPv4 header). Validates version, IHL,
 * total length against the frame (trailing padding trimmed), header
 * checksum (unless the NIC verified it), TTL, fragments (not reassembled:
 * dropped), destination (ours) and source (no broadcast, multicast,
 * loopback, zero or our own). Each failure has its own counter. Hands ICMP
 * to icmp_input() and TCP to tcp_input() with the data at the L4 header
 * and p->ip set. Consumes m.
 */
void ipv4_input(struct lcore_ctx *ctx, struct rte_mbuf *m, struct net_pkt *p);
/* (ipv4_input also takes TCP to an ip.vips address: ipv4_vip_index.) */

/*
 * Send m (data at the L4 header, with headroom for IPv4 + Ethernet) to dst
 * (network order) from our address. Builds the IPv4 header (DF set,
 * TTL 64), computes its checksum and, for TCP, the TCP checksum (in
 * software or as an offload request when the port offers it). The frame
 * goes to dst_mac when given (replies use the peer's MAC from its frame),
 * otherwise to the next hop resolved by ARP. Consumes m.
 */
void ipv4_output(struct lcore_ctx *ctx, struct rte_mbuf *m, uint32_t dst,
		 uint8_t proto, const struct rte_ether_addr *dst_mac);

/* The same from src (one of our addresses: ip.address or an ip.vips
 * entry; network order). */
void ipv4_output_src(struct lcore_ctx *ctx, struct rte_mbuf *m, uint32_t src,
		     uint32_t dst, uint8_t proto,
		     const struct rte_ether_addr *dst_mac);

/* The index of addr (network order) in ip.vips, or -1. */
static inline int
ipv4_vip_index(const struct config *cfg, uint32_t addr)
{
	for (uint32_t i = 0; i < cfg->nvips; i++)
		if (cfg->vips[i].addr == addr)
			return (int)i;
	return -1;
}

#endif
