/* SPDX-License-Identifier: BSD-3-Clause */
/* eth_rx.h: eth_input's common frame test, inline for the burst loops. */
#ifndef LR_NET_ETH_RX_H
#define LR_NET_ETH_RX_H

#include <assert.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_ether.h>
#include <rte_mbuf.h>

#include "core/netif.h"

/* Our unicast MAC, as rte_is_same_ether_addr, in one load a side: eight
 * bytes from each (the frame's 14-byte header is there; the netif's mac
 * is followed by its padding and ip, asserted below), the two past the
 * address shifted out. */
static_assert(offsetof(struct netif, mac) + 8 <= sizeof(struct netif),
	      "eth_is_our_mac reads eight bytes at the netif's mac");
static inline bool
eth_is_our_mac(const struct rte_ether_hdr *eh, const struct netif *ifc)
{
	uint64_t d, o;

	memcpy(&d, &eh->dst_addr, 8);
	memcpy(&o, (const uint8_t *)ifc + offsetof(struct netif, mac), 8);
	return rte_cpu_to_le_64(d ^ o) << 16 == 0;
}

/* m (data at the Ethernet header) is a frame eth_input takes without a
 * decision of its own: one segment, whole header, to our MAC; and at
 * least len bytes (len >= the header: a caller that reads further asks
 * for it here, a shorter frame going to eth_input, which decides). */
static inline bool
eth_rx_ours(const struct rte_mbuf *m, const struct netif *ifc, uint16_t len)
{
	return likely(m->nb_segs == 1 && m->data_len >= len &&
		      eth_is_our_mac(rte_pktmbuf_mtod(m,
						  const struct rte_ether_hdr *),
				     ifc));
}

#endif
