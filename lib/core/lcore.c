/* SPDX-License-Identifier: BSD-3-Clause */
/* lcore.c: per-lcore context and the run-to-completion poll loop. */
#include <errno.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_malloc.h>
#include <rte_pause.h>

#include "core/clock.h"
#include "core/config.h"
#include "core/fault.h"
#include "core/lcore.h"

static volatile bool lcore_stop;

void
lcore_request_stop(void)
{
	lcore_stop = true;
}

bool
lcore_stop_requested(void)
{
	return lcore_stop;
}

/* The poll_end of a context created without one: the poll calls its hook
 * unconditionally (no test per poll). */
static void
lcore_poll_end_none(struct lcore_ctx *ctx, void *arg)
{
	(void)ctx;
	(void)arg;
}

struct lcore_ctx *
lcore_ctx_create(const struct lcore_params *p)
{
	struct lcore_ctx *ctx;

	ctx = rte_zmalloc_socket("lcore_ctx", sizeof(*ctx), RTE_CACHE_LINE_SIZE,
				 p->socket_id);
	if (!ctx)
		return NULL;
	if (mem_init(&ctx->mem, p->cfg, p->pool) < 0) {
		rte_free(ctx);
		rte_errno = EINVAL;
		return NULL;
	}
	ctx->pool = p->pool;
	ctx->ifc = p->ifc;
	ctx->cfg = p->cfg;
	ctx->hooks = p->hooks;
	if (!ctx->hooks.poll_end)
		ctx->hooks.poll_end = lcore_poll_end_none;
	ctx->port_id = p->port_id;
	ctx->queue_id = p->queue_id;
	ctx->lcore_id = p->lcore_id;
	ctx->idx = p->idx;
	ctx->socket_id = p->socket_id;
	ctx->now_us = clock_now_us();
	timer_wheel_init(&ctx->wheel, ctx->now_us);
	return ctx;
}

/* The fault shim as an ethdev RX callback (lcore_fault_attach). */
static uint16_t
lcore_fault_rx(uint16_t port_id, uint16_t queue_id, struct rte_mbuf **pkts,
	       uint16_t n, uint16_t cap, void *arg)
{
	(void)port_id;
	(void)queue_id;
	return fault_rx_burst(arg, pkts, n, cap);
}

int
lcore_fault_attach(struct lcore_ctx *ctx, struct fault *f)
{
	const struct rte_eth_rxtx_callback *cb;

	cb = rte_eth_add_rx_callback(ctx->port_id, ctx->queue_id,
				     lcore_fault_rx, f);
	if (!cb)
		return -rte_errno;
	ctx->fault = f;
	ctx->fault_cb = cb;
	return 0;
}

void
lcore_ctx_free(struct lcore_ctx *ctx)
{
	if (!ctx)
		return;
	if (ctx->tx_n)
		rte_pktmbuf_free_bulk(ctx->tx_pkts, ctx->tx_n);
	/* The lcore no longer polls: the callback's memory is free to go
	 * (kept when the port would not remove it: it may still be used). */
	if (ctx->fault_cb &&
	    rte_eth_remove_rx_callback(ctx->port_id, ctx->queue_id,
				       ctx->fault_cb) == 0)
		rte_free((void *)(uintptr_t)ctx->fault_cb);
	fault_free(ctx->fault);
	rte_free(ctx);
}

/*
 * What the port refused on the first call: a few more tries, then the
 * rest freed and counted (tx_drop_full), their bytes taken off the
 * queue's. Returns the number sent in all. Out of line: the flush's
 * common case is one call that takes it all.
 */
static __rte_noinline uint16_t
lcore_tx_refused(struct lcore_ctx *ctx, uint16_t sent, uint16_t n)
{
	for (int tries = 1; sent < n && tries < 4; tries++)
		sent += rte_eth_tx_burst(ctx->port_id, ctx->queue_id,
					 ctx->tx_pkts + sent, n - sent);
	if (sent < n) {
		for (uint16_t i = sent; i < n; i++)
			ctx->tx_q_bytes -= rte_pktmbuf_pkt_len(ctx->tx_pkts[i]);
		STAT_ADD(ctx, tx_drop_full, n - sent);
		rte_pktmbuf_free_bulk(ctx->tx_pkts + sent, n - sent);
	}
	return sent;
}

/* lcore_tx_flush() of n > 0 queued frames: tx_bytes from the sum
 * lcore_tx() kept as they were queued, not a walk over the batch. */
static inline void
lcore_tx_flush_n(struct lcore_ctx *ctx, uint16_t n)
{
	uint16_t sent;

	sent = rte_eth_tx_burst(ctx->port_id, ctx->queue_id, ctx->tx_pkts, n);
	if (unlikely(sent < n))
		sent = lcore_tx_refused(ctx, sent, n);
	STAT_ADD(ctx, tx_bytes, ctx->tx_q_bytes);
	STAT_ADD(ctx, tx_packets, sent);
	ctx->tx_q_bytes = 0;
	ctx->tx_n = 0;
}

void
lcore_tx_flush(struct lcore_ctx *ctx)
{
	if (ctx->tx_n)
		lcore_tx_flush_n(ctx, ctx->tx_n);
}

uint16_t
lcore_poll_once(struct lcore_ctx *ctx)
{
	struct rte_mbuf *pkts[LCORE_RX_BURST];
	uint16_t n;

	ctx->now_us = clock_now_us();
	mem_epoch_bump(&ctx->mem); /* pool checks read the pool afresh */
	/* the fault shim, when attached, runs inside (lcore_fault_attach) */
	n = rte_eth_rx_burst(ctx->port_id, ctx->queue_id, pkts, LCORE_RX_BURST);
	if (n)
		ctx->hooks.input(ctx, pkts, n);
	timer_wheel_run(&ctx->wheel, ctx, ctx->now_us);
	ctx->hooks.poll_end(ctx, ctx->hooks.arg);
	/* Flush at the end of every iteration that produced output: no
	 * fixed TX delay (docs/DESIGN.md, lessons from peers). */
	if (ctx->tx_n)
		lcore_tx_flush_n(ctx, ctx->tx_n);
	return n;
}

int
lcore_main_loop(void *arg)
{
	struct lcore_ctx *ctx = arg;
	const struct config *cfg = ctx->cfg;
	uint64_t t0 = rte_rdtsc(), t1;

	while (!lcore_stop) {
		uint16_t n = lcore_poll_once(ctx);

		if (n) {
			t1 = rte_rdtsc();
			STAT_INC(ctx, polls_busy);
			STAT_ADD(ctx, cycles_busy, t1 - t0);
			ctx->idle_polls = 0;
		} else {
			/* Laptop/CI mode: after a run of empty polls, yield the
			 * core briefly. Off on bare metal (idle.enabled). */
			if (cfg->idle_enabled &&
			    ++ctx->idle_polls >= cfg->idle_after_polls) {
				if (cfg->idle_sleep_us)
					usleep(cfg->idle_sleep_us);
				else
					rte_pause();
			}
			t1 = rte_rdtsc();
			STAT_INC(ctx, polls_idle);
			STAT_ADD(ctx, cycles_idle, t1 - t0);
		}
		t0 = t1;
	}
	lcore_tx_flush(ctx);
	return 0;
}
