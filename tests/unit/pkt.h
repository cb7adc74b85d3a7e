/* SPDX-License-Identifier: BSD-3-Clause */
/* pkt.h: frame builders and parsers for tests (scapy in a few lines of C). */
#ifndef LR_TESTS_PKT_H
#define LR_TESTS_PKT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <rte_ether.h>
#include <rte_mbuf.h>

#define PKT_MAX 2048

/* Ethernet + ARP (op 1 request / 2 reply). Addresses host order. */
size_t pkt_arp(uint8_t *buf, const struct rte_ether_addr *eth_dst,
	       const struct rte_ether_addr *sha, uint16_t op, uint32_t sip,
	       const struct rte_ether_addr *tha, uint32_t tip);

/* Ethernet + IPv4 (valid checksum, TTL 64, DF) + payload.
 * Addresses host order. */
size_t pkt_ipv4(uint8_t *buf, const struct rte_ether_addr *eth_dst,
		uint32_t src, uint32_t dst, uint8_t proto, const void *payload,
		size_t len);

/* Ethernet + IPv4 + ICMP echo request with data. */
size_t pkt_icmp_echo(uint8_t *buf, const struct rte_ether_addr *eth_dst,
		     uint32_t src, uint32_t dst, uint16_t id, uint16_t seq,
		     const void *data, size_t len);

/* A TCP segment to build: ports host order, flags RTE_TCP_*_FLAG. */
struct pkt_tcp {
	uint32_t src, dst; /* host order; 0 = peer -> us defaults */
	uint16_t sport, dport;
	uint32_t seq, ack;
	uint8_t flags;
	uint16_t win;
	uint16_t mss;      /* 0 = no option */
	int8_t wscale;     /* -1 = no option */
	bool sack_perm;
	uint8_t nsack;     /* SACK blocks (RFC 2018) in sack, at most 4 */
	uint32_t sack[4][2];
	bool ts;           /* timestamps option with tsval/tsecr */
	uint32_t tsval, tsecr;
	const void *data;
	size_t len;
	bool bad_cksum;
};

/* Ethernet(peer -> dst_mac) + IPv4 + TCP with options and payload. */
size_t pkt_tcp(uint8_t *buf, const struct rte_ether_addr *eth_dst,
	       const struct pkt_tcp *t);

/* What a transmitted TCP frame says (parsed from an mbuf). */
struct pkt_tcp_seen {
	uint32_t src, dst; /* host order */
	uint16_t sport, dport;
	uint32_t seq, ack;
	uint8_t flags;
	uint16_t win;
	uint16_t mss;      /* 0 if absent */
	int8_t wscale;     /* -1 if absent */
	bool sack_perm;
	uint8_t nsack;     /* SACK blocks seen, [start, end) */
	uint32_t sack[4][2];
	bool ts;
	uint32_t tsval, tsecr;
	const uint8_t *data;
	size_t len;
	bool ip_cksum_ok, tcp_cksum_ok;
};

/* Parse a transmitted frame; false when it is not Ethernet/IPv4/TCP. */
bool pkt_parse_tcp(struct rte_mbuf *m, struct pkt_tcp_seen *s);

/* Internet checksum of a buffer (RFC 1071), folded and complemented. */
uint16_t pkt_cksum(const void *data, size_t len);

#endif
