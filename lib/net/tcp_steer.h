/* SPDX-License-Identifier: BSD-3-Clause */
/* tcp_steer.h: connections' owner lcores, and hand-off of misdelivered
 * segments to them. */
#ifndef LR_NET_TCP_STEER_H
#define LR_NET_TCP_STEER_H

#include <stdint.h>

#include <rte_mbuf.h>

struct lcore_ctx;
struct tcp_steer;

/*
 * With several lcores, RSS (PCI) or the kernel's fanout hash (af_packet)
 * keeps a flow on one queue, but not always: af_packet's fanout uses
 * PACKET_FANOUT_FLAG_ROLLOVER, which moves packets to another socket when
 * one ring is full, and some vdevs spread without a flow hash. A segment
 * for a connection owned by another lcore must not be answered with a RST:
 * the receiving lcore finds the owner in a shared directory (written only
 * when connections open and close, read only when the local lookup
 * misses) and passes the frame to it through an rte_ring (counted
 * rx_handoff). The owner processes handed-off frames as final. Every
 * lookup is counted (tcp_steer_lookups) with the slots it read
 * (tcp_steer_probes): a SYN flood costs a few slots per SYN.
 *
 * nb_lcores lcores, up to max_conns connections each. NULL + rte_errno.
 */
struct tcp_steer *tcp_steer_create(unsigned int nb_lcores, uint32_t max_conns,
				   int socket);
void tcp_steer_free(struct tcp_steer *st);

/* Attach to an lcore (after tcp_lcore_init): ctx->idx is its owner id. */
void tcp_steer_attach(struct lcore_ctx *ctx, struct tcp_steer *st);

/* Run the frames other lcores handed to this one (poll loop). */
void tcp_steer_drain(struct lcore_ctx *ctx);

/* Directory operations (used by tcp_conn.c; exposed for tests). Keys are
 * (peer ip, peer port, local port) in network order and the local
 * address id lid (TCP_LID_*, tcp_priv.h): the same peer and ports aimed
 * at two of our addresses are two connections, maybe on two lcores.
 * For an IPv6 peer ip is tcp_steer_peer6() of its address: a digest a
 * peer cannot aim (the table's unkeyed tcp_ip6_digest could be held fixed
 * by a peer picking its address bits, piling entries in one slot). */
/* The directory's key word for an IPv6 peer address: a hash of all 16
 * bytes under the directory's secret seed, never 0. */
uint32_t tcp_steer_peer6(const struct tcp_steer *st, const uint8_t *addr);
/* The key word of a peer: ip itself over IPv4, tcp_steer_peer6(peer6)
 * over IPv6 (lid & TCP_LID_V6). */
uint32_t tcp_steer_peer(const struct tcp_steer *st, uint32_t ip, uint8_t lid,
			const uint8_t *peer6);
int tcp_steer_add(struct tcp_steer *st, uint32_t ip, uint16_t pport,
		  uint16_t lport, uint8_t lid, unsigned int owner);
void tcp_steer_del(struct tcp_steer *st, uint32_t ip, uint16_t pport,
		   uint16_t lport, uint8_t lid, unsigned int owner);
/* Owner of a connection, or -1 when unknown. */
int tcp_steer_owner(const struct tcp_steer *st, uint32_t ip, uint16_t pport,
		    uint16_t lport, uint8_t lid);
/* The same, and the slots it read in *probes (may be NULL). A miss ends
 * at an empty slot or after max_disp + 1 slots, whatever the churn:
 * deletions shift entries back instead of leaving tombstones. */
int tcp_steer_find(const struct tcp_steer *st, uint32_t ip, uint16_t pport,
		   uint16_t lport, uint8_t lid, uint32_t *probes);

/* The directory's shape (a snapshot, for tests and the control plane). */
struct tcp_steer_stats {
	uint64_t slots;    /* table size */
	uint64_t entries;  /* connections listed */
	uint32_t max_disp; /* furthest any listed entry may sit from home */
	uint64_t shifts;   /* entries moved back by deletions */
};
void tcp_steer_stats(const struct tcp_steer *st, struct tcp_steer_stats *out);

/* The directory's secret hash seed, drawn per instance from getrandom()
 * (tests only: it must differ between instances and runs). */
uint64_t tcp_steer_test_seed(const struct tcp_steer *st);

/* Offer a segment without a local connection to its owner. m's data is at
 * the TCP header with hdr_len bytes of IP + Ethernet before it; lid is
 * the local address it was sent to. Returns 1 when handed off (m
 * consumed), 0 when the caller keeps it. */
int tcp_steer_handoff(struct lcore_ctx *ctx, struct rte_mbuf *m,
		      uint16_t hdr_len, uint32_t ip, uint16_t pport,
		      uint16_t lport, uint8_t lid);

#endif
