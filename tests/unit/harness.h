/* SPDX-License-Identifier: BSD-3-Clause */
/* harness.h: an in-process port (DPDK ring PMD) and fake clock for tests. */
#ifndef LR_TESTS_HARNESS_H
#define LR_TESTS_HARNESS_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <rte_mbuf.h>
#include <rte_ring.h>

#include "core/config.h"
#include "core/lcore.h"
#include "core/netif.h"

/*
 * The real input path over a real ethdev: frames are enqueued on the RX
 * ring of a net_ring port, lcore_poll_once() runs the loop once, and what
 * the stack transmitted is dequeued from the TX ring. Time only moves when
 * the test says so (harness_advance).
 */
struct harness {
	struct config cfg;
	struct netif ifc;
	struct rte_ring *rx, *tx;
	struct rte_mempool *pool;
	struct lcore_ctx *ctx;
	uint16_t port_id;
	unsigned int baseline_in_use;
	/* harness_create_opts() only; zero/NULL for harness_create(). */
	bool pmd, cksum_offload;
	struct rte_mempool *client_pool; /* pmd: what harness_inject fills */
	const struct rte_eth_rxtx_callback *rx_cb;
	struct rte_mbuf **rx_done;	 /* pmd: client mbufs RX copied */
	unsigned int n_rx_done;
	struct rte_mbuf **tx_done;	 /* pmd: awaiting TX completion */
	unsigned int n_tx_done;
	uint64_t rx_nombuf;		 /* pmd: frames RX dropped, pool empty */
	uint64_t dma_cycles;		 /* pmd: TSC cycles of RX's copies */
};

/* Beyond the unit tests' defaults: what a benchmark of production needs. */
struct harness_opts {
	void (*tweak)(struct config *cfg); /* as harness_create's */
	/*
	 * Model a NIC's poll-mode driver. harness_inject() builds frames in
	 * a client pool of the harness's own; an RX callback on the port
	 * (so inside rte_eth_rx_burst(), inside harness_poll()) allocates
	 * one mbuf per frame from the server's pool and sets length and
	 * ol_flags, as a PMD's RX does on the server core; the frame is
	 * copied in too, standing in for the DMA: callgrind collection is
	 * paused around that copy and its TSC cycles are added to
	 * dma_cycles (neither is the core's work). Transmitted mbufs handed back with
	 * harness_tx_done() are freed at the start of the next
	 * harness_poll(), as a PMD frees completed TX descriptors.
	 */
	bool pmd;
	/*
	 * Model checksum offload: the netif gets what port_start() keeps when
	 * a port advertises RX/TX IPv4 and TCP checksum offload. Injected
	 * IPv4 frames are checked by "the NIC" at injection and flagged
	 * RTE_MBUF_F_RX_IP_CKSUM_GOOD/BAD and, for TCP and UDP,
	 * RTE_MBUF_F_RX_L4_CKSUM_GOOD/BAD; harness_collect() completes the
	 * checksums of frames flagged RTE_MBUF_F_TX_*_CKSUM (harness_nic_tx).
	 */
	bool cksum_offload;
};

/* Peer on the test link: 10.88.0.1, MAC 02:00:00:00:00:01. */
#define HARNESS_PEER_IP RTE_IPV4(10, 88, 0, 1)
#define HARNESS_OUR_IP RTE_IPV4(10, 88, 0, 2)
extern const struct rte_ether_addr harness_peer_mac;

/* EAL once per process (--no-huge --no-pci, own file prefix). Aborts
 * the test program when EAL cannot start. */
void harness_eal_init(void);

/*
 * A port, pool, ARP table and lcore context with the default config, as
 * modified by tweak (may be NULL) before anything is built. The fake clock
 * starts at 1 s. TCP state is initialised and listens on the HTTP ports
 * only when the caller does it (tests choose their own ops).
 */
struct harness *harness_create(void (*tweak)(struct config *cfg));
/* The same, with the options above (o NULL: harness_create(NULL)). */
struct harness *harness_create_opts(const struct harness_opts *o);
void harness_destroy(struct harness *h);

/* Queue one frame (copied into an mbuf) on the RX ring. */
void harness_inject(struct harness *h, const void *frame, size_t len);

/* The same with the given RX offload flags (RTE_MBUF_F_RX_*_CKSUM_*)
 * instead of the harness's own verdict: a NIC's word on a frame. */
void harness_inject_ol(struct harness *h, const void *frame, size_t len,
		       uint64_t ol_flags);

/* Run the poll loop once; returns packets received. With opts.pmd, first
 * frees what harness_tx_done() handed back (TX completion). */
unsigned int harness_poll(struct harness *h);

/* opts.pmd: hand back n transmitted mbufs (from harness_collect) for the
 * next harness_poll() to free. Without opts.pmd they are freed now. */
void harness_tx_done(struct harness *h, struct rte_mbuf **m, unsigned int n);

/* What a NIC does to a frame flagged for TX checksum offload: fills the
 * IPv4 header checksum (RTE_MBUF_F_TX_IP_CKSUM) and the TCP checksum
 * over the pseudo-header sum the stack left (RTE_MBUF_F_TX_TCP_CKSUM). */
void harness_nic_tx(struct rte_mbuf *m);

/* inject + poll. */
void harness_feed(struct harness *h, const void *frame, size_t len);

/* Dequeue up to max transmitted frames (the caller frees them, or hands
 * them to harness_tx_done). With opts.cksum_offload, harness_nic_tx()
 * has completed their checksums. */
unsigned int harness_collect(struct harness *h, struct rte_mbuf **out,
			     unsigned int max);

/* Free every transmitted frame; returns how many there were. */
unsigned int harness_drain(struct harness *h);

/* Asserts exactly one frame was sent; returns it (the caller frees it). */
struct rte_mbuf *harness_one_frame(struct harness *h);

/* Asserts nothing was sent (what was is freed). */
void harness_assert_nothing_sent(struct harness *h);

/* cmocka fixtures. harness_setup: *state = harness_create(NULL).
 * harness_teardown_nd: asserts the mbufs out of the pool are exactly the
 * packets Neighbour Discovery still holds for unresolved next hops, then
 * destroys the harness. */
int harness_setup(void **state);
int harness_teardown_nd(void **state);

/* The fake clock. harness_advance() polls once after moving it, unless
 * h is NULL. */
uint64_t harness_now(void);
void harness_advance(struct harness *h, uint64_t us);

/* Mbufs out of the pool now, minus those at harness_create(). */
int harness_mbufs_leaked(struct harness *h);

/* Counter value by id. */
uint64_t harness_stat(struct harness *h, enum stats_id id);
#define HSTAT(h, name) harness_stat((h), ST_##name)

#endif
