/* SPDX-License-Identifier: BSD-3-Clause */
/* ipv6.h: IPv6 input validation, extension headers and demux, output. */
#ifndef LR_NET_IPV6_H
#define LR_NET_IPV6_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_mbuf.h>

#include "core/netif.h"
#include "net/cksum.h"

struct lcore_ctx;
struct net_pkt;

#define IPV6_DEFAULT_HOP_LIMIT 64
#define IPV6_MIN_MTU 1280 /* RFC 8200 §5 */
/* Extension headers walked before the packet is dropped (ip6_drop_ext_chain):
 * a bound on the work one packet can cause, far above any real chain. */
#define IPV6_MAX_EXT_HDRS 8

/* Next header values (IANA protocol numbers) the input path knows. */
#define IPV6_NH_HOPOPTS 0
#define IPV6_NH_TCP 6
#define IPV6_NH_UDP 17
#define IPV6_NH_ROUTING 43
#define IPV6_NH_FRAGMENT 44
#define IPV6_NH_ICMPV6 58
#define IPV6_NH_NONE 59
#define IPV6_NH_DSTOPTS 60

/*
 * A received IPv6 packet (data at the IPv6 header). RFC 8200 checks, each
 * with its counter: version, payload length against the frame (Ethernet
 * padding trimmed), hop limit 0, source (multicast, loopback, our own;
 * unspecified only for ICMPv6, i.e. ND's duplicate address detection),
 * destination (our address, our link-local address, their solicited-node
 * groups, all-nodes). Extension headers are walked, at most
 * IPV6_MAX_EXT_HDRS: hop-by-hop (first only), destination options (option
 * action bits honoured), routing (segments left 0 skipped, otherwise a
 * parameter problem), fragment. Fragments are not reassembled: a fragment
 * is dropped and counted (ip6_drop_frag); an atomic fragment (offset 0,
 * M 0, RFC 6946) is processed as the whole packet it is. An unknown next
 * header gets a parameter problem (code 1, RFC 8200 §4). ICMPv6 goes to
 * icmp6_input() with p->ip6, p->ip_hlen and p->l4_len set and the data at
 * the ICMPv6 header; TCP and UDP get a port unreachable (TCP over IPv6 is
 * not served yet). Consumes m.
 */
void ipv6_input(struct lcore_ctx *ctx, struct rte_mbuf *m, struct net_pkt *p);

/*
 * Send m (data at the upper-layer header, headroom for IPv6 + Ethernet)
 * from src (NULL: ipv6_select_src(dst)) to dst with next header nh and
 * hop limit hl (0: IPV6_DEFAULT_HOP_LIMIT). The ICMPv6 checksum, and for
 * TCP the TCP checksum (software, or an offload request when the port has
 * one), are filled over the IPv6 pseudo-header (RFC 8200 §8.1). The frame
 * goes to dst_mac when given, to the mapped MAC for a multicast dst
 * (RFC 2464 §7), else to the next hop (on-link dst or ip6.gateway)
 * resolved by ND (nd_output). Consumes m.
 */
void ipv6_output(struct lcore_ctx *ctx, struct rte_mbuf *m, const uint8_t *src,
		 const uint8_t *dst, uint8_t nh, uint8_t hl,
		 const struct rte_ether_addr *dst_mac);

static inline bool
ipv6_addr_eq(const uint8_t *a, const uint8_t *b)
{
	return memcmp(a, b, 16) == 0;
}

static inline bool
ipv6_is_unspecified(const uint8_t *a)
{
	static const uint8_t zero[16];

	return memcmp(a, zero, 16) == 0;
}

static inline bool
ipv6_is_link_local(const uint8_t *a)
{
	return a[0] == 0xfe && (a[1] & 0xc0) == 0x80;
}

/* One of our unicast addresses (configured or link-local). */
static inline bool
ipv6_is_ours(const struct netif *ifc, const uint8_t *a)
{
	return ifc->ip6_prefix &&
	       (ipv6_addr_eq(a, ifc->ip6) || ipv6_addr_eq(a, ifc->ip6_ll));
}

/* The solicited-node group of a: ff02::1:ffXX:XXXX (RFC 4291 §2.7.1). */
static inline void
ipv6_solicited_node(const uint8_t *a, uint8_t out[16])
{
	static const uint8_t pfx[13] = { 0xff, 0x02, [11] = 0x01, [12] = 0xff };

	memcpy(out, pfx, sizeof(pfx));
	out[13] = a[13];
	out[14] = a[14];
	out[15] = a[15];
}

/* Our source for dst: the link-local address towards a link-local dst
 * (RFC 6724 rule 2, scope), the configured address otherwise. */
static inline const uint8_t *
ipv6_select_src(const struct netif *ifc, const uint8_t *dst)
{
	return ipv6_is_link_local(dst) || (dst[0] == 0xff && (dst[1] & 0xf) <= 2) ?
	       ifc->ip6_ll : ifc->ip6;
}

/* The upper-layer checksum over the IPv6 pseudo-header (RFC 8200 §8.1)
 * and len contiguous bytes at l4. Verifying: 0 when correct. Computing:
 * store the result with the checksum field zeroed. */
static inline uint16_t
ipv6_l4_cksum(const uint8_t *src, const uint8_t *dst, uint8_t nh,
	      const void *l4, uint32_t len)
{
	uint64_t sum = (uint64_t)rte_cpu_to_be_32(len) +
		       rte_cpu_to_be_32((uint32_t)nh);

	sum = cksum_add(src, 16, sum);
	sum = cksum_add(dst, 16, sum);
	return (uint16_t)~cksum_fold(cksum_add(l4, len, sum));
}

#endif
