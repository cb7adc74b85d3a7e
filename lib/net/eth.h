/* SPDX-License-Identifier: BSD-3-Clause */
/* eth.h: Ethernet demux (input) and framing (output). */
#ifndef LR_NET_ETH_H
#define LR_NET_ETH_H

#include <stdint.h>

#include <rte_ether.h>
#include <rte_mbuf.h>

struct lcore_ctx;

/* The lcore input hook: counts the n frames (rx_packets, rx_bytes) and
 * runs eth_input() on each; the common ones (one segment to our MAC:
 * plain IPv4 TCP, IPv6) without its frame, the IPv4 TCP one through
 * tcp_input_frame4 (IP and TCP in one frame), or, in a burst of more
 * than one, tcp_input_burst (that frame's work inline in the loop). */
void eth_input_burst(struct lcore_ctx *ctx, struct rte_mbuf **pkts,
		     uint16_t n);

/* A frame (data at the Ethernet header) of one segment to our MAC, of
 * type IPv6 with IPv6 on (the checks eth_input makes first): the rest of
 * eth_input, its header pulled for ipv6_input(). Consumes m. */
void eth_input_ip6(struct lcore_ctx *ctx, struct rte_mbuf *m);

/*
 * One received frame (data at the Ethernet header). Frames not for our MAC
 * (or broadcast, or an IPv6 multicast group of ours), too short,
 * VLAN-tagged, of an unknown type or of a family that is not configured
 * (counted as unknown types too) are dropped and counted. ARP goes to arp_input(),
 * IPv4 to ipv4_input(), IPv6 to ipv6_input().
 * Consumes m.
 */
void eth_input(struct lcore_ctx *ctx, struct rte_mbuf *m);

/*
 * Prepend an Ethernet header (src = our MAC) to m and queue it on ctx's TX
 * queue. Consumes m (freed and counted when there is no headroom).
 */
void eth_output(struct lcore_ctx *ctx, struct rte_mbuf *m,
		const struct rte_ether_addr *dst, uint16_t ether_type);

#endif
