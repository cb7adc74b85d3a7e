/* SPDX-License-Identifier: BSD-3-Clause */
/* ipv4_rx.h: ipv4_input's checks, inline: sources, the plain TCP datagram. */
#ifndef LR_NET_IPV4_RX_H
#define LR_NET_IPV4_RX_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

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
static __rte_always_inline bool
ipv4_bad_source(const struct lcore_ctx *ctx, uint32_t src)
{
	static const uint64_t top_suspect[4] = {
		1ull << 0, 1ull << 63, 0, 0xffffull << 32 | 1ull << 63,
	};
	uint32_t top = *(const uint8_t *)&src; /* network order: first byte */
	uint32_t bcast = ctx->ifc->ip | ~ctx->ifc->netmask;

	if (unlikely((top_suspect[top >> 6] >> (top & 63)) & 1)) {
		uint32_t h = rte_be_to_cpu_32(src);

		if (h == 0 || h == 0xffffffffu || (h >> 28) == 0xe ||
		    (h >> 24) == 127)
			return true;
	}
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
 * the same outcome on odd frames. ipv4_rx_plain_tcp_src with src false
 * leaves out the source test (ipv4_bad_source), for a caller that makes
 * it later, before anything but header prediction acts on the datagram
 * (tcp_input_burst: tcp_in.c's tcp_seg_src).
 */
static __rte_always_inline bool
ipv4_rx_plain_tcp_src(const struct lcore_ctx *ctx, const struct rte_mbuf *m,
		      const struct rte_ipv4_hdr *ip, uint32_t dlen,
		      uint32_t *tlen, bool src)
{
	uint64_t w0, w1;
	uint32_t len, ttl_proto;

	if (unlikely(dlen < sizeof(*ip)))
		return false;
	/* The first two 8-byte words, bytes in memory order from bit 0. */
	memcpy(&w0, ip, 8);
	memcpy(&w1, (const uint8_t *)ip + 8, 8);
	w0 = rte_le_to_cpu_64(w0);
	w1 = rte_le_to_cpu_64(w1);
	/* Byte 0: version 4, IHL 5; bytes 6-7 (fragment_offset): MF and
	 * the offset 0 (DF may be set). */
	if (unlikely((w0 & 0xff3f0000000000ffull) != 0x45))
		return false;
	/* 20 <= total length <= dlen, in one unsigned compare */
	len = rte_be_to_cpu_16(ip->total_length);
	if (unlikely(len - (uint32_t)sizeof(*ip) > dlen - (uint32_t)sizeof(*ip)))
		return false;
	if (!(m->ol_flags & RTE_MBUF_F_RX_IP_CKSUM_GOOD) &&
	    unlikely(!cksum_ipv4_hdr20_ok(ip)))
		return false;
	/* Byte 8 TTL (not 0), byte 9 protocol (TCP): 0x0601..0x06ff. */
	ttl_proto = (uint32_t)(w1 & 0xffff);
	if (unlikely(ip->dst_addr != ctx->ifc->ip ||
		     ttl_proto - (IPPROTO_TCP << 8 | 1) > 0xfe))
		return false;
	if (src && unlikely(ipv4_bad_source(ctx, ip->src_addr)))
		return false;
	*tlen = len;
	return true;
}

static __rte_always_inline bool
ipv4_rx_plain_tcp(const struct lcore_ctx *ctx, const struct rte_mbuf *m,
		  const struct rte_ipv4_hdr *ip, uint32_t dlen, uint32_t *tlen)
{
	return ipv4_rx_plain_tcp_src(ctx, m, ip, dlen, tlen, true);
}

#endif
