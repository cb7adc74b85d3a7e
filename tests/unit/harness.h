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
void harness_destroy(struct harness *h);

/* Queue one frame (copied into an mbuf) on the RX ring. */
void harness_inject(struct harness *h, const void *frame, size_t len);

/* Run the poll loop once; returns packets received. */
unsigned int harness_poll(struct harness *h);

/* inject + poll. */
void harness_feed(struct harness *h, const void *frame, size_t len);

/* Dequeue up to max transmitted frames (the caller frees them). */
unsigned int harness_collect(struct harness *h, struct rte_mbuf **out,
			     unsigned int max);

/* Free every transmitted frame; returns how many there were. */
unsigned int harness_drain(struct harness *h);

/* The fake clock. */
uint64_t harness_now(void);
void harness_advance(struct harness *h, uint64_t us);

/* Mbufs out of the pool now, minus those at harness_create(). */
int harness_mbufs_leaked(struct harness *h);

/* Counter value by id. */
uint64_t harness_stat(struct harness *h, enum stats_id id);
#define HSTAT(h, name) harness_stat((h), ST_##name)

#endif
