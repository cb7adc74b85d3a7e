/* SPDX-License-Identifier: BSD-3-Clause */
/* pkt6.h: IPv6, ICMPv6 and ND frame builders and checks for tests. */
#ifndef LR_TESTS_PKT6_H
#define LR_TESTS_PKT6_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <rte_ether.h>
#include <rte_mbuf.h>

#include "harness.h"
#include "pkt.h"

/* The test link's IPv6 addresses: the peer fd00:88::1 (harness_peer_mac),
 * ours fd00:88::2 (the default config). */
extern const uint8_t pkt6_peer[16];
extern const uint8_t pkt6_ours[16];

/* Ethernet + IPv6 (payload length = len, hop limit hl) + payload, as is. */
size_t pkt6_ip(uint8_t *buf, const struct rte_ether_addr *eth_dst,
	       const uint8_t *src, const uint8_t *dst, uint8_t hl, uint8_t nh,
	       const void *payload, size_t len);

/* The ICMPv6 checksum of msg (len bytes, its checksum field included) over
 * the pseudo-header: 0 when it is right. Independent of lib/net. */
uint16_t pkt6_icmp_cksum(const uint8_t *src, const uint8_t *dst,
			 const void *msg, size_t len);

/* The same over any next header nh (6: TCP, 17: UDP). */
uint16_t pkt6_l4_cksum(const uint8_t *src, const uint8_t *dst, uint8_t nh,
		       const void *msg, size_t len);

/* Ethernet + IPv6 (hop limit 64) + a TCP segment (ports, seq, ack host
 * order) with options and data, its checksum right. */
size_t pkt6_tcp(uint8_t *buf, const struct rte_ether_addr *eth_dst,
		const uint8_t *src, const uint8_t *dst, uint16_t sport,
		uint16_t dport, uint32_t seq, uint32_t ack, uint8_t flags,
		uint16_t win, const void *opts, size_t optlen,
		const void *data, size_t len);

/* Ethernet + IPv6 + an ICMPv6 message: type, code, the 4-byte data word
 * (host order) and body, with a correct checksum. */
size_t pkt6_icmp(uint8_t *buf, const struct rte_ether_addr *eth_dst,
		 const uint8_t *src, const uint8_t *dst, uint8_t hl,
		 uint8_t type, uint8_t code, uint32_t data, const void *body,
		 size_t blen);

/* A neighbour solicitation for target, with a source link-layer option
 * carrying the peer's MAC when slla. */
size_t pkt6_ns(uint8_t *buf, const struct rte_ether_addr *eth_dst,
	       const uint8_t *src, const uint8_t *dst, uint8_t hl,
	       const uint8_t *target, bool slla);

/* A neighbour advertisement for target (flags: 0x80 R, 0x40 S, 0x20 O)
 * with a target link-layer option carrying mac, if not NULL. */
size_t pkt6_na(uint8_t *buf, const struct rte_ether_addr *eth_dst,
	       const uint8_t *dst, uint8_t flags, const uint8_t *target,
	       const struct rte_ether_addr *mac);

/* Solicited-node group of a, and its multicast MAC. */
void pkt6_snm(const uint8_t *a, uint8_t out[16], struct rte_ether_addr *mac);

/* A TCP segment the stack sent over IPv6, parsed. */
struct pkt6_tcp_seen {
	uint8_t src[16], dst[16];
	uint16_t sport, dport;
	uint32_t seq, ack;
	uint8_t flags;
	uint16_t mss;   /* 0: no option */
	int8_t wscale;  /* -1: no option */
	bool has_ts;
	uint32_t tsval; /* with has_ts */
	uint8_t hop_limit;
	uint8_t data[PKT_MAX];
	size_t len;
	uint16_t cksum; /* the field as sent */
	bool cksum_ok;  /* right over the pseudo-header */
	uint64_t ol_flags;
};

/* A transmitted IPv6/TCP frame parsed into *s; frees it. */
void pkt6_parse_tcp(struct rte_mbuf *m, struct pkt6_tcp_seen *s);

/* Exactly one frame out of h, IPv6/TCP; parsed into *s. */
void pkt6_one_tcp(struct harness *h, struct pkt6_tcp_seen *s);

/* What a transmitted IPv6 frame holds: asserts Ethernet type IPv6 and a
 * valid ICMPv6 checksum when nh is 58; returns the IPv6 header. */
struct rte_ipv6_hdr *pkt6_check(struct rte_mbuf *m);

#endif
