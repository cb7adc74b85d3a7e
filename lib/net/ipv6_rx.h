/* SPDX-License-Identifier: BSD-3-Clause */
/* ipv6_rx.h: ipv6_input's address checks, inline: the plain TCP datagram. */
#ifndef LR_NET_IPV6_RX_H
#define LR_NET_IPV6_RX_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_ip.h>

#include "core/netif.h"
#include "net/ipv6.h"

/* a, as its two 64-bit halves *hi (bytes 0-7) and *lo (8-15), equals b. */
static inline bool
ipv6_eq_words(uint64_t hi, uint64_t lo, const uint8_t *b)
{
	uint64_t bhi, blo;

	memcpy(&bhi, b, 8);
	memcpy(&blo, b + 8, 8);
	return lo == blo && hi == bhi;
}

/* ipv6_is_ours() of the address in words hi, lo (ipv6_eq_words). */
static inline bool
ipv6_is_ours_words(const struct netif *ifc, uint64_t hi, uint64_t lo)
{
	return ifc->ip6_prefix && (ipv6_eq_words(hi, lo, ifc->ip6) ||
				   ipv6_eq_words(hi, lo, ifc->ip6_ll));
}

/*
 * A source we refuse (RFC 4291 §2.5.2, §2.5.3, §2.7): multicast, the
 * loopback, one of ours, or the unspecified address other than in an
 * ICMPv6 message (ND's duplicate address detection, RFC 4861 §7.1.1).
 * src in words hi, lo (ipv6_eq_words); the loopback and the unspecified
 * address are looked at only when the upper half is 0.
 */
static inline bool
ipv6_bad_source(const struct netif *ifc, const uint8_t *src, uint64_t hi,
		uint64_t lo, uint8_t nh)
{
	static const uint8_t loopback[16] = { [15] = 1 };

	return src[0] == 0xff ||
	       (unlikely(hi == 0) &&
		(ipv6_eq_words(hi, lo, loopback) ||
		 (lo == 0 && nh != IPV6_NH_ICMPV6))) ||
	       ipv6_is_ours_words(ifc, hi, lo);
}

/*
 * The common datagram, decided: ip (dlen bytes of frame from it on) is
 * version 6, whole (its payload length within dlen), hop limit not 0,
 * TCP right behind the header (no extension header), to one of our
 * unicast addresses (IPv6 on), from an acceptable source. Then every
 * check of ipv6_input passes and it would hand the datagram to tcp_input
 * as it is: true and the payload length in *plen. false: ipv6_input
 * decides (and counts). Reads only; test_net_rx_fast holds the two to
 * the same outcome on odd frames. ipv6_rx_plain_tcp_src with src false
 * leaves out the source test (ipv6_rx_bad_src), for a caller that makes
 * it later, before anything but header prediction acts on the datagram
 * (tcp_input_burst: tcp_in.c's tcp_seg_src); ipv6_input makes it last
 * too, so nothing else it refuses is decided differently.
 */
static __rte_always_inline bool
ipv6_rx_plain_tcp_src(const struct netif *ifc, const struct rte_ipv6_hdr *ip,
		      uint32_t dlen, uint32_t *plen, bool src)
{
	uint64_t shi, slo, dhi, dlo;
	uint32_t len;

	if (unlikely(dlen < sizeof(*ip)))
		return false;
	len = rte_be_to_cpu_16(ip->payload_len);
	if (unlikely((ip->vtc_flow & RTE_BE32(0xf0000000)) !=
		     RTE_BE32(0x60000000) ||
		     len > dlen - (uint32_t)sizeof(*ip) ||
		     ip->proto != IPV6_NH_TCP || ip->hop_limits == 0 ||
		     ip->dst_addr[0] == 0xff))
		return false;
	memcpy(&dhi, ip->dst_addr, 8);
	memcpy(&dlo, ip->dst_addr + 8, 8);
	if (unlikely(!ipv6_is_ours_words(ifc, dhi, dlo)))
		return false;
	if (src) {
		memcpy(&shi, ip->src_addr, 8);
		memcpy(&slo, ip->src_addr + 8, 8);
		if (unlikely(ipv6_bad_source(ifc, ip->src_addr, shi, slo,
					     IPV6_NH_TCP)))
			return false;
	}
	*plen = len;
	return true;
}

static __rte_always_inline bool
ipv6_rx_plain_tcp(const struct netif *ifc, const struct rte_ipv6_hdr *ip,
		  uint32_t dlen, uint32_t *plen)
{
	return ipv6_rx_plain_tcp_src(ifc, ip, dlen, plen, true);
}

/* ipv6_rx_plain_tcp_src's source test, for a TCP datagram that passed
 * the rest (ipv6_input's ip6_drop_bad_src). */
static __rte_always_inline bool
ipv6_rx_bad_src(const struct netif *ifc, const struct rte_ipv6_hdr *ip)
{
	uint64_t shi, slo;

	memcpy(&shi, ip->src_addr, 8);
	memcpy(&slo, ip->src_addr + 8, 8);
	return ipv6_bad_source(ifc, ip->src_addr, shi, slo, IPV6_NH_TCP);
}

#endif
