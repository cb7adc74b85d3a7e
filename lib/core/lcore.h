/* SPDX-License-Identifier: BSD-3-Clause */
/* lcore.h: per-lcore context and the run-to-completion poll loop. */
#ifndef LR_CORE_LCORE_H
#define LR_CORE_LCORE_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_common.h>
#include <rte_mbuf.h>

#include "core/mem.h"
#include "core/netif.h"
#include "core/stats.h"
#include "core/timer.h"

#define LCORE_RX_BURST 32
#define LCORE_TX_BURST 64

struct config;
struct lcore_ctx;
struct arp_table;
struct nd_table;
struct tcp_lcore;
struct fault;
struct rte_eth_rxtx_callback;

/*
 * What the upper layers plug into the loop (core does not know them):
 * input consumes every mbuf it is given (frees, queues or sends it) and
 * counts them (rx_packets, rx_bytes: the loop does not, so the frames are
 * walked once); it is the stack's entry (eth_input_burst), which finds
 * its state in ctx.
 * poll_end runs once per iteration after input and timers and gets arg
 * back: the caller's state (the app's 1MRC store), so no global is needed.
 * arg is not owned by the loop and must outlive the context.
 * A NULL poll_end in lcore_params means none: lcore_ctx_create() installs
 * a no-op, so ctx->hooks.poll_end is never NULL (the poll does not test
 * it; whoever replaces it in ctx gives a function).
 */
struct lcore_hooks {
	void (*input)(struct lcore_ctx *ctx, struct rte_mbuf **pkts,
		      uint16_t n);
	void (*poll_end)(struct lcore_ctx *ctx, void *arg);
	void *arg;
};

/*
 * Everything one data-plane lcore owns. Allocated on the lcore's NUMA
 * socket, cache aligned, written only by its lcore; the control plane
 * reads stats.
 */
struct lcore_ctx {
	uint64_t now_us; /* clock_now_us() at the top of this iteration */
	struct rte_mempool *pool;
	const struct netif *ifc;
	const struct config *cfg;
	struct lcore_hooks hooks;
	uint16_t port_id;
	uint16_t queue_id;
	uint16_t tx_n;
	unsigned int lcore_id;
	unsigned int idx; /* 0..nb data lcores-1 */
	int socket_id;
	uint32_t idle_polls; /* consecutive empty polls */
	struct arp_table *arp;  /* shared, lib/net/arp */
	struct nd_table *nd;    /* shared, lib/net/nd (IPv6 neighbours) */
	uint64_t icmp6_tat_us;  /* ICMPv6 error rate limit (net/icmp6.c) */
	struct tcp_lcore *tcp;  /* this lcore's TCP state, lib/net/tcp */
	struct fault *fault;    /* RX fault shim (tests), NULL: off; owned */
	/* its ethdev RX callback (lcore_fault_attach), NULL: none */
	const struct rte_eth_rxtx_callback *fault_cb;
	void *http;             /* this lcore's HTTP state, lib/http */
	uint64_t tx_q_bytes;    /* pkt_len summed over tx_pkts[0..tx_n) */
	struct rte_mbuf *tx_pkts[LCORE_TX_BURST];
	struct stats stats;
	struct mem_budget mem; /* this lcore's memory budget (core/mem.h) */
	struct timer_wheel wheel;
} __rte_cache_aligned;

struct lcore_params {
	const struct config *cfg;
	const struct netif *ifc;
	struct rte_mempool *pool;
	struct lcore_hooks hooks;
	uint16_t port_id;
	uint16_t queue_id;
	unsigned int lcore_id;
	unsigned int idx;
	int socket_id;
};

/* Allocate and initialise a context on p->socket_id (its memory budget
 * from p->cfg and p->pool). NULL + rte_errno (ENOMEM, EINVAL: the
 * budget does not fit the pool). */
struct lcore_ctx *lcore_ctx_create(const struct lcore_params *p);
void lcore_ctx_free(struct lcore_ctx *ctx);

/* Attach the RX fault shim f (tests) to ctx, which owns it from then on
 * (lcore_ctx_free frees it): an ethdev RX callback on ctx's queue, run by
 * every RX burst after the port's frames, so the poll tests nothing for
 * it. 0, or -errno (rte_eth_add_rx_callback's; f is not taken then). */
int lcore_fault_attach(struct lcore_ctx *ctx, struct fault *f);

/* One loop iteration: RX burst, input, timers, poll_end, TX flush.
 * Returns the number of packets received. Used by tests directly. */
uint16_t lcore_poll_once(struct lcore_ctx *ctx);

/* The data-plane loop until lcore_request_stop(); an rte_eal_remote_launch
 * entry point (arg is the ctx). Backs off when idle if configured. */
int lcore_main_loop(void *arg);

void lcore_request_stop(void);
bool lcore_stop_requested(void);

/* Queue m for transmission on ctx's TX queue; sends a burst when full.
 * Consumes m. */
static inline void
lcore_tx(struct lcore_ctx *ctx, struct rte_mbuf *m)
{
	void lcore_tx_flush(struct lcore_ctx *ctx);

	ctx->tx_q_bytes += rte_pktmbuf_pkt_len(m);
	ctx->tx_pkts[ctx->tx_n++] = m;
	if (ctx->tx_n == LCORE_TX_BURST)
		lcore_tx_flush(ctx);
}

/* Send everything queued. What the port refuses after a few retries is
 * freed and counted (tx_drop_full). */
void lcore_tx_flush(struct lcore_ctx *ctx);

#endif
