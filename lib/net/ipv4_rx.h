/* SPDX-License-Identifier: BSD-3-Clause */
/* ipv4_rx.h: ipv4_input's checks, inline: sources, the plain TCP datagram. */
#ifndef LR_NET_IPV4_RX_H
#define LR_NET_IPV4_RX_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_byteorder.h>
#include <rte_ip.h>
#include <rte_mbuf.h>

#include "core/lcore.h"
#include "net/cksum.h"

/*
 * RFC 1122 3.2.1.3: sources a host must not accept: 0, 255.255.255.255,
 * multicast (224/4), loopback (127/8), our own address and our subnet's
 * broadcast. The first four by the top byte in one bit test (bit b of
 * the mask word b >> 6: 0, 127, 224-239, 255), whose rare hits then
 * look at the whole address.
 */
static inline bool
ipv4_bad_source(const struct lcore_ctx *ctx, uint32_t src)
{
	static const uint64_t top_suspect[4] = {
		1ull << 0, 1ull << 63, 0, 0xffffull << 32 | 1ull << 63,
	};
	uint32_t h = rte_be_to_cpu_32(src), top = h >> 24;
	uint32_t bcast = ctx->ifc->ip | ~ctx->ifc->netmask;

	if (unlikely((top_suspect[top >> 6] >> (top & 63)) & 1) &&
	    (h == 0 || h == 0xffffffffu || (h >> 28) == 0xe ||
	     (h >> 24) == 127))
		return true;
	return src == ctx->ifc->ip || src == bcast;
}

/*
 * The common datagram, decided: ip (dlen bytes of frame from it on) is
 * version 4 with a 20-byte header, whole (total length within dlen),
 * its sum good (the NIC's word, else verified here), TCP to ip.address,
 * from an acceptable source, TTL not 0, not a fragment. Then
 * every check of ipv4_input passes and it would hand the datagram to
 * tcp_input: true and its total length in *tlen. false: ipv4_input
 * decides (and counts). As ipv4_input, ip.address 0 is the caller's
 * test (eth_input's: no IPv4 at all then). Reads only; test_net_rx_fast holds the two to
 * the same outcome on odd frames.
 */
static inline bool
ipv4_rx_plain_tcp(const struct lcore_ctx *ctx, const struct rte_mbuf *m,
		  const struct rte_ipv4_hdr *ip, uint32_t dlen, uint32_t *tlen)
{
	uint32_t len;

	if (unlikely(dlen < sizeof(*ip) || ip->version_ihl != 0x45))
		return false;
	len = rte_be_to_cpu_16(ip->total_length);
	if (unlikely(len < sizeof(*ip) || len > dlen))
		return false;
	if (!(m->ol_flags & RTE_MBUF_F_RX_IP_CKSUM_GOOD) &&
	    unlikely(!cksum_ipv4_hdr20_ok(ip)))
		return false;
	if (unlikely(ip->dst_addr != ctx->ifc->ip ||
		     ip->next_proto_id != IPPROTO_TCP || ip->time_to_live == 0 ||
		     (ip->fragment_offset &
		      RTE_BE16(RTE_IPV4_HDR_MF_FLAG | RTE_IPV4_HDR_OFFSET_MASK))))
		return false;
	if (unlikely(ipv4_bad_source(ctx, ip->src_addr)))
		return false;
	*tlen = len;
	return true;
}

#endif
