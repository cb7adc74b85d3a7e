/* SPDX-License-Identifier: BSD-3-Clause */
/* icmp.h: ICMP echo responder. */
#ifndef LR_NET_ICMP_H
#define LR_NET_ICMP_H

#include <rte_mbuf.h>

struct lcore_ctx;
struct net_pkt;

/*
 * An ICMP message (data at the ICMP header, p->ip/p->eth set). Echo
 * requests with a valid checksum are answered in place (RFC 792, RFC 1122
 * 3.2.2.6: same identifier, sequence and data) to the sender's MAC; other
 * types are counted and dropped. Consumes m.
 */
void icmp_input(struct lcore_ctx *ctx, struct rte_mbuf *m, struct net_pkt *p);

#endif
