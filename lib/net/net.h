/* SPDX-License-Identifier: BSD-3-Clause */
/* net.h: per-packet parse state handed down the input path. */
#ifndef LR_NET_NET_H
#define LR_NET_NET_H

#include <stdint.h>

#include <rte_ether.h>
#include <rte_ip.h>

#include <stdbool.h>

/*
 * Lives on the stack of eth_input() for one packet (never in a global).
 * Each *_input() advances the mbuf's data pointer past its own header, so
 * the layer above sees its header at rte_pktmbuf_mtod(); the pointers here
 * keep the lower headers reachable (peer MAC, addresses).
 */
struct net_pkt {
	struct rte_ether_hdr *eth;
	struct rte_ipv4_hdr *ip;    /* IPv4 packets; NULL for IPv6 */
	struct rte_ipv6_hdr *ip6;   /* IPv6 packets; NULL for IPv4 */
	uint16_t ip_hlen; /* IPv4 header, or IPv6 header + extension headers */
	uint16_t l4_len;  /* bytes of the upper-layer message after ip_hlen */
	bool dst_mcast;   /* IPv6: sent to a multicast group of ours */
};

#endif
