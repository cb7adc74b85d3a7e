/* SPDX-License-Identifier: BSD-3-Clause */
/* net.h: per-packet parse state handed down the input path. */
#ifndef LR_NET_NET_H
#define LR_NET_NET_H

#include <stdint.h>

#include <rte_ether.h>
#include <rte_ip.h>

/*
 * Lives on the stack of eth_input() for one packet (never in a global).
 * Each *_input() advances the mbuf's data pointer past its own header, so
 * the layer above sees its header at rte_pktmbuf_mtod(); the pointers here
 * keep the lower headers reachable (peer MAC, addresses).
 */
struct net_pkt {
	struct rte_ether_hdr *eth;
	struct rte_ipv4_hdr *ip;
	uint16_t ip_hlen; /* IPv4 header length in bytes */
	uint16_t l4_len;  /* IPv4 total length - header length */
};

#endif
