/* SPDX-License-Identifier: BSD-3-Clause */
/* nd.h: IPv6 Neighbour Discovery (RFC 4861): cache, NS/NA, pending, PMTU. */
#ifndef LR_NET_ND_H
#define LR_NET_ND_H

#include <stdint.h>

#include <rte_ether.h>
#include <rte_mbuf.h>

struct lcore_ctx;
struct net_pkt;
struct nd_table;

#define ND_MAX_PENDING 64
/* RFC 4861 §10 protocol constants, fixed: we ignore router advertisements
 * (static addressing), which is where they could be changed. */
#define ND_REACHABLE_US 30000000u  /* REACHABLE_TIME */
#define ND_RETRANS_US 1000000u     /* RETRANS_TIMER */
#define ND_DELAY_US 5000000u       /* DELAY_FIRST_PROBE_TIME */
#define ND_MAX_MCAST_SOLICIT 3
#define ND_MAX_UCAST_SOLICIT 3
#define ND_PMTU_ENTRIES 64         /* destination cache: path MTUs */
#define ND_PMTU_AGE_US 600000000u  /* RFC 8201 §4: retry larger after 10 min */

enum nd_state {
	ND_FREE,
	ND_INCOMPLETE, /* multicast NS sent, no answer yet; packets held */
	ND_REACHABLE,  /* confirmed within ND_REACHABLE_US */
	ND_STALE,      /* MAC known, unconfirmed; the next send starts DELAY */
	ND_DELAY,      /* sent to while STALE: probe after ND_DELAY_US */
	ND_PROBE,      /* unicast NS every ND_RETRANS_US, then give up */
};

/*
 * The neighbour cache and destination cache of IPv6, shared by every
 * lcore behind a spinlock, as the ARP cache is (an advertisement may
 * reach any lcore; replies to peers use the frame's source MAC, so only
 * traffic we originate looks here). States follow RFC 4861 §7.3.2; the
 * timers run lazily, when a packet is sent to the neighbour (the ARP
 * cache's manner): a neighbour nobody sends to is never probed.
 *
 * entries: table size (rounded up to a power of two); pending: packets
 * held per unresolved neighbour (at most ND_MAX_PENDING). Returns NULL
 * with rte_errno set on allocation failure.
 */
struct nd_table *nd_table_create(uint32_t entries, uint32_t pending,
				 int socket);

/* Frees the table and every packet it still holds; NULL is a no-op. */
void nd_table_free(struct nd_table *t);

/*
 * A neighbour solicitation or advertisement (data at the ICMPv6 header,
 * checksum verified, p->ip6/p->eth/p->l4_len set). Validated per RFC 4861
 * §7.1 (hop limit 255, code 0, length, target not multicast, no option of
 * length 0, unspecified source only to a solicited-node group without a
 * source link-layer option); invalid ones are dropped silently and
 * counted. A solicitation for one of our addresses is answered with an
 * advertisement (solicited and override flags, target link-layer option)
 * and its sender learnt STALE (§7.2.3); an advertisement updates the
 * cache (§7.2.5) and releases held packets. Consumes m.
 */
void nd_input(struct lcore_ctx *ctx, struct rte_mbuf *m, struct net_pkt *p);

/*
 * Send m (data at the IPv6 header) to the on-link neighbour nh (16 bytes):
 * frame it for the cached MAC (moving STALE to DELAY, DELAY to PROBE and
 * probing), or hold it (bounded, the rest counted nd_pending_dropped) and
 * multicast a solicitation. Consumes m.
 */
void nd_output(struct lcore_ctx *ctx, struct rte_mbuf *m, const uint8_t *nh);

/* The state and MAC of ip's entry at now_us (timers applied): the state
 * (ND_FREE when absent); mac filled unless ND_FREE/ND_INCOMPLETE. */
enum nd_state nd_lookup(struct nd_table *t, const uint8_t *ip, uint64_t now_us,
			struct rte_ether_addr *mac);

/* Number of packets held for unresolved neighbours (leak checks). */
uint32_t nd_pending_count(struct nd_table *t);

/*
 * The destination cache's path MTU (RFC 8201): record mtu for dst (a
 * packet too big lowered it; entries age out after ND_PMTU_AGE_US), and
 * read it back: the MTU, or 0 when none is known (use the link's). For
 * TCP over IPv6, which will size its segments from it. t may be NULL.
 */
void nd_pmtu_update(struct nd_table *t, const uint8_t *dst, uint32_t mtu,
		    uint64_t now_us);
uint32_t nd_pmtu_lookup(struct nd_table *t, const uint8_t *dst,
			uint64_t now_us);

#endif
