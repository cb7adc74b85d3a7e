/* SPDX-License-Identifier: BSD-3-Clause */
/* arp.h: ARP responder, neighbour cache with expiry, pending packets. */
#ifndef LR_NET_ARP_H
#define LR_NET_ARP_H

#include <stdint.h>

#include <rte_ether.h>
#include <rte_mbuf.h>

struct lcore_ctx;
struct net_pkt;
struct arp_table;

#define ARP_MAX_PENDING 64
#define ARP_RETRY_US 1000000u   /* re-ask an unresolved next hop after 1 s */
#define ARP_GIVE_UP_US 3000000u /* drop what it holds after 3 s */

/*
 * The neighbour cache is shared by every lcore (an ARP reply may reach any
 * of them) and sits off the fast path: replies to peers use the source MAC
 * of the frame they answer, so only traffic we originate towards a next
 * hop looks here. A spinlock guards it.
 *
 * entries: table size (rounded up to a power of two); timeout_s: lifetime
 * of a resolved entry; pending: packets held per unresolved next hop.
 * Returns NULL with rte_errno set on allocation failure.
 */
struct arp_table *arp_table_create(uint32_t entries, uint32_t timeout_s,
				   uint32_t pending, int socket);

/* Frees the table and every packet it still holds. */
void arp_table_free(struct arp_table *t);

/*
 * An ARP packet (data at the ARP header, p->eth its frame). Requests for
 * our IP get a reply; senders on our subnet are learnt per RFC 826's merge
 * rule, and packets held for them are sent. Consumes m.
 */
void arp_input(struct lcore_ctx *ctx, struct rte_mbuf *m, struct net_pkt *p);

/*
 * Send m (data at the IPv4 header) to next hop nh (network order): frame it
 * for the cached MAC, or hold it (bounded) and broadcast a request.
 * Consumes m.
 */
void arp_output(struct lcore_ctx *ctx, struct rte_mbuf *m, uint32_t nh);

/* Cached MAC for ip if resolved and fresh at now_us: 0, or -ENOENT. */
int arp_lookup(struct arp_table *t, uint32_t ip, uint64_t now_us,
	       struct rte_ether_addr *mac);

/* Number of packets held for unresolved next hops (leak checks). */
uint32_t arp_pending_count(struct arp_table *t);

#endif
