/* SPDX-License-Identifier: BSD-3-Clause */
/* netif.h: the appliance's interface identity (read-only after init). */
#ifndef LR_CORE_NETIF_H
#define LR_CORE_NETIF_H

#include <stdint.h>

#include <rte_ether.h>

/* Shared by every lcore, written once before they start. */
struct netif {
	struct rte_ether_addr mac;
	uint32_t ip;      /* network order */
	uint32_t netmask; /* network order */
	uint32_t gateway; /* network order; 0 = none (on-link peers only) */
	uint16_t mtu;
	uint16_t port_id;
	/* IPv6 (network order); ip6_prefix 0: IPv6 off. ip6_ll is the
	 * link-local fe80::/64 address derived from mac (RFC 4291 App. A);
	 * an all-zero ip6_gateway: on-link peers only. */
	uint8_t ip6_prefix;
	uint8_t ip6[16];
	uint8_t ip6_ll[16];
	uint8_t ip6_gateway[16];
	uint16_t nb_queues;
	uint64_t tx_offloads; /* RTE_ETH_TX_OFFLOAD_* usable on this port */
	uint64_t rx_offloads; /* RTE_ETH_RX_OFFLOAD_* enabled on this port */
};

#endif
