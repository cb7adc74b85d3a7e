/* SPDX-License-Identifier: BSD-3-Clause */
/* icmp.h: ICMP echo responder and fragmentation needed (PMTU). */
#ifndef LR_NET_ICMP_H
#define LR_NET_ICMP_H

#include <rte_mbuf.h>

struct lcore_ctx;
struct net_pkt;

/*
 * An ICMP message (data at the ICMP header, p->ip/p->eth set). Echo
 * requests with a valid checksum are answered in place (RFC 792, RFC 1122
 * 3.2.2.6: same identifier, sequence and data) to the sender's MAC.
 * Fragmentation needed (type 3 code 4, RFC 1191) that quotes a TCP
 * segment we sent lowers that connection's MSS (tcp_pmtu_frag_needed;
 * a malformed quote counts tcp_pmtu_ignored). Other types are counted
 * (icmp_rx_other) and dropped. Consumes m.
 */
void icmp_input(struct lcore_ctx *ctx, struct rte_mbuf *m, struct net_pkt *p);

#endif
