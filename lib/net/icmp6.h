/* SPDX-License-Identifier: BSD-3-Clause */
/* icmp6.h: ICMPv6 echo, errors (rate limited), packet too big (RFC 4443). */
#ifndef LR_NET_ICMP6_H
#define LR_NET_ICMP6_H

#include <stdint.h>

#include <rte_mbuf.h>

struct lcore_ctx;
struct net_pkt;

/* Message types (RFC 4443 §2.1, RFC 4861 §4). */
#define ICMP6_DEST_UNREACH 1
#define ICMP6_PACKET_TOO_BIG 2
#define ICMP6_TIME_EXCEEDED 3
#define ICMP6_PARAM_PROBLEM 4
#define ICMP6_ECHO_REQUEST 128
#define ICMP6_ECHO_REPLY 129
#define ICMP6_ND_RS 133
#define ICMP6_ND_RA 134
#define ICMP6_ND_NS 135
#define ICMP6_ND_NA 136
#define ICMP6_ND_REDIRECT 137

/* Destination unreachable and parameter problem codes (§3.1, §3.4). */
#define ICMP6_UNREACH_PORT 4
#define ICMP6_PARAM_HEADER 0      /* erroneous header field */
#define ICMP6_PARAM_NEXT_HEADER 1 /* unrecognised next header */
#define ICMP6_PARAM_OPTION 2      /* unrecognised IPv6 option */

/* Error messages sent: a burst of ICMP6_ERR_BURST, then ICMP6_ERR_PER_S per
 * second per lcore (RFC 4443 §2.4 f); the rest count icmp6_error_limited. */
#define ICMP6_ERR_PER_S 100
#define ICMP6_ERR_BURST 10

/* The ICMPv6 header: type, code, checksum and 4 bytes of message body. */
struct icmp6_hdr {
	uint8_t type;
	uint8_t code;
	rte_be16_t cksum;
	rte_be32_t data; /* echo: id + seq; PTB: MTU; param problem: pointer */
} __rte_packed;

/*
 * An ICMPv6 message (data at its header, p->ip6/p->eth set, p->l4_len its
 * length). The checksum over the pseudo-header is verified. Echo requests
 * to a unicast address of ours are answered in place (§4.2); neighbour
 * solicitations and advertisements go to nd_input(); packet too big that
 * quotes a packet we sent records the path MTU (nd_pmtu_update, RFC 8201;
 * TCP will read it); other errors and types are counted and dropped.
 * Consumes m.
 */
void icmp6_input(struct lcore_ctx *ctx, struct rte_mbuf *m, struct net_pkt *p);

/*
 * Answer the packet m (p->ip6 its IPv6 header; m's data anywhere after it)
 * with destination unreachable (code) or parameter problem (code, pointer:
 * offset of the erroneous byte from the IPv6 header). The error quotes as
 * much of the packet as fits the minimum MTU and goes to the sender's MAC.
 * Not sent, per RFC 4443 §2.4 (e), to a multicast destination (except a
 * parameter problem code 2), from an unspecified or multicast source, or
 * about an ICMPv6 error; nor beyond the rate limit. Consumes m.
 */
void icmp6_dest_unreach(struct lcore_ctx *ctx, struct rte_mbuf *m,
			struct net_pkt *p, uint8_t code);
void icmp6_param_problem(struct lcore_ctx *ctx, struct rte_mbuf *m,
			 struct net_pkt *p, uint8_t code, uint32_t pointer);

#endif
