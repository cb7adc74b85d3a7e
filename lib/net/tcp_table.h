/* SPDX-License-Identifier: BSD-3-Clause */
/* tcp_table.h: the 4-tuple table's bucket hash and lookup, inline. */
#ifndef LR_NET_TCP_TABLE_H
#define LR_NET_TCP_TABLE_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_common.h>

#include "net/tcp_priv.h"

/*
 * An open hash chained through the connections, one bucket per
 * connection (load <= 1), tl->bucket_mask + 1 buckets (a power of two).
 * The peer picks addresses and ports, so the bucket must not be
 * predictable: the hash is multilinear over the two 32-bit key words
 * with three secret 64-bit keys per lcore (tcp_table_keys),
 *   v = ((k0 + k1 * ip + k2 * ports) mod 2^64) >> 32
 * (ports: the two ports as the TCP header's first word loads,
 * tcp_ports_word, so that a chain compares them in one load),
 * the family Lemire and Kaser show strongly universal onto those 32
 * bits ("Strongly universal string hashing is fast", 2014): without the
 * keys no two tuples collide more often than 1 in 2^32, and no subset
 * of the bits more often than 1 in its range. Then a fixed bijection of
 * v (xorshift, odd multiply, xorshift: what is strongly universal stays
 * so) whose low bits are the bucket: for one key the multilinear values
 * of an arithmetic run of tuples (one client's consecutive ports) fall
 * on a lattice that some keys bunch into few buckets (chains of 20-40
 * at load 1); the bijection scatters them as random keys would
 * (test_tcp_table). Two multiplies instead of jhash's mixing rounds.
 * Not CRC32: linear, its collisions can be made whatever the seed.
 */
/* The two ports as one 32-bit key word: as a TCP header's first word
 * and the connection's peer_port, local_port pair load (tcp_ports). */
static inline uint32_t
tcp_ports_word(uint16_t pport, uint16_t lport)
{
#if RTE_BYTE_ORDER == RTE_LITTLE_ENDIAN
	return (uint32_t)lport << 16 | pport;
#else
	return (uint32_t)pport << 16 | lport;
#endif
}

/* c's peer_port and local_port (adjacent) in one load. */
static inline uint32_t
tcp_ports(const struct tcp_conn *c)
{
	uint32_t w;

	RTE_BUILD_BUG_ON(offsetof(struct tcp_conn, local_port) !=
			 offsetof(struct tcp_conn, peer_port) + 2);
	memcpy(&w, &c->peer_port, 4);
	return w;
}

static inline uint32_t
tcp_bucket(const struct tcp_lcore *tl, uint32_t ip, uint16_t pport,
	   uint16_t lport)
{
	uint64_t ports = tcp_ports_word(pport, lport);
	uint64_t h = tl->hash_key[0] + ip * tl->hash_key[1] +
		     ports * tl->hash_key[2];
	uint32_t v = (uint32_t)(h >> 32);

	v ^= v >> 16;
	v *= 0x85ebca6bu;
	v ^= v >> 13;
	return v & tl->bucket_mask;
}

/*
 * IPv6: the peer picks at least the low 64 bits of its address, so an
 * unkeyed digest of it (tcp_ip6_digest) is no hash input: addresses
 * with one digest would share a bucket. The same multilinear family over
 * all four address words (network order as loaded), with the lcore's
 * k0 and ports key and four more secret keys, then the same bijection.
 */
static inline uint32_t
tcp_bucket6(const struct tcp_lcore *tl, const uint8_t *peer6, uint16_t pport,
	    uint16_t lport)
{
	uint64_t ports = tcp_ports_word(pport, lport);
	uint32_t w[4];
	uint64_t h;
	uint32_t v;

	memcpy(w, peer6, 16);
	h = tl->hash_key[0] + ports * tl->hash_key[2] +
	    w[0] * tl->hash_key6[0] + w[1] * tl->hash_key6[1] +
	    w[2] * tl->hash_key6[2] + w[3] * tl->hash_key6[3];
	v = (uint32_t)(h >> 32);
	v ^= v >> 16;
	v *= 0x85ebca6bu;
	v ^= v >> 13;
	return v & tl->bucket_mask;
}

/* The bucket of a 4-tuple: IPv6 (lid & TCP_LID_V6) over peer6, else ip. */
static inline uint32_t
tcp_bucket_of(const struct tcp_lcore *tl, uint32_t ip, uint16_t pport,
	      uint16_t lport, uint8_t lid, const uint8_t *peer6)
{
	if (unlikely(lid & TCP_LID_V6))
		return tcp_bucket6(tl, peer6, pport, lport);
	return tcp_bucket(tl, ip, pport, lport);
}

/* IPv6: the digest matched, the full address must too. */
static inline bool
tcp_key_v6_differs(const struct tcp_conn *c, uint8_t lid, const uint8_t *peer6)
{
	return (lid & TCP_LID_V6) && memcmp(c->peer_ip6, peer6, 16) != 0;
}

/* tcp_conn_lookup (tcp_priv.h), inline for the receive path. */
static inline struct tcp_conn *
tcp_conn_find(const struct tcp_lcore *tl, uint32_t ip, uint16_t pport,
	      uint16_t lport, uint8_t lid, const uint8_t *peer6)
{
	struct tcp_conn *c = tl->buckets[tcp_bucket_of(tl, ip, pport, lport,
							   lid, peer6)];
	uint32_t ports = tcp_ports_word(pport, lport);

	while (c && (c->peer_ip != ip || tcp_ports(c) != ports ||
		     c->lid != lid ||
		     unlikely(tcp_key_v6_differs(c, lid, peer6))))
		c = c->hnext;
	return c;
}

#endif
