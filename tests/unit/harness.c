/* SPDX-License-Identifier: BSD-3-Clause */
/* harness.c: an in-process port (DPDK ring PMD) and fake clock for tests. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_eth_ring.h>
#include <rte_ethdev.h>
#include <rte_malloc.h>

#include "core/clock.h"
#include "core/port.h"
#include "harness.h"
#include "net/arp.h"
#include "net/eth.h"
#include "net/tcp.h"

const struct rte_ether_addr harness_peer_mac = {
	.addr_bytes = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x01 }
};

static uint64_t harness_clock_us = 1000000;
static unsigned int harness_seq;

uint64_t
harness_now(void)
{
	return harness_clock_us;
}

void
harness_eal_init(void)
{
	static bool done;
	char prefix[64];
	char *argv[] = { "unit", "--no-huge", "--no-pci", "-m", "256", "-l", "0",
			 prefix, "--no-shconf", "--no-telemetry",
			 "--log-level=*:warning", NULL };

	if (done)
		return;
	snprintf(prefix, sizeof(prefix), "--file-prefix=unit-%d", (int)getpid());
	if (rte_eal_init((int)(sizeof(argv) / sizeof(argv[0])) - 1, argv) < 0) {
		fprintf(stderr, "harness: EAL init failed: %s\n",
			rte_strerror(rte_errno));
		exit(1);
	}
	clock_set_source(harness_now);
	done = true;
}

static void
harness_poll_end(struct lcore_ctx *ctx, void *arg)
{
	tcp_flush(ctx);
}

struct harness *
harness_create(void (*tweak)(struct config *cfg))
{
	struct harness *h = calloc(1, sizeof(*h));
	char name[32], err[PORT_ERR_LEN];
	struct lcore_params p;

	harness_eal_init();
	assert_non_null(h);
	config_defaults(&h->cfg);
	h->cfg.driver = CONFIG_DRIVER_RING;
	h->cfg.mbufs = 4095;
	h->cfg.mbuf_cache = 0; /* exact in-use counts for leak checks */
	h->cfg.idle_enabled = false;
	if (tweak)
		tweak(&h->cfg);
	harness_seq++;
	snprintf(name, sizeof(name), "h%u_rx", harness_seq);
	h->rx = rte_ring_create(name, 1024, SOCKET_ID_ANY,
				RING_F_SP_ENQ | RING_F_SC_DEQ);
	snprintf(name, sizeof(name), "h%u_tx", harness_seq);
	h->tx = rte_ring_create(name, 4096, SOCKET_ID_ANY,
				RING_F_SP_ENQ | RING_F_SC_DEQ);
	assert_non_null(h->rx);
	assert_non_null(h->tx);
	snprintf(name, sizeof(name), "h%u_port", harness_seq);
	int port = rte_eth_from_rings(name, &h->rx, 1, &h->tx, 1, SOCKET_ID_ANY);
	assert_true(port >= 0);
	h->port_id = (uint16_t)port;
	snprintf(name, sizeof(name), "h%u_pool", harness_seq);
	h->pool = port_pool_create(name, h->cfg.mbufs, h->cfg.mbuf_cache, 0);
	assert_non_null(h->pool);
	if (port_start(h->port_id, &h->cfg, 1, &h->pool, &h->ifc, err) < 0)
		fail_msg("port_start: %s", err);
	memset(&p, 0, sizeof(p));
	p.cfg = &h->cfg;
	p.ifc = &h->ifc;
	p.pool = h->pool;
	p.hooks.input = eth_input_burst;
	p.hooks.poll_end = harness_poll_end;
	p.port_id = h->port_id;
	p.lcore_id = rte_lcore_id();
	p.socket_id = 0;
	h->ctx = lcore_ctx_create(&p);
	assert_non_null(h->ctx);
	h->ctx->arp = arp_table_create(h->cfg.arp_entries, h->cfg.arp_timeout_s,
				       h->cfg.arp_pending, 0);
	assert_non_null(h->ctx->arp);
	assert_int_equal(tcp_lcore_init(h->ctx), 0);
	h->baseline_in_use = rte_mempool_in_use_count(h->pool);
	return h;
}

void
harness_destroy(struct harness *h)
{
	if (!h)
		return;
	harness_drain(h);
	tcp_lcore_fini(h->ctx);
	lcore_tx_flush(h->ctx);
	harness_drain(h);
	arp_table_free(h->ctx->arp);
	lcore_ctx_free(h->ctx);
	rte_eth_dev_stop(h->port_id);
	rte_eth_dev_close(h->port_id);
	rte_mempool_free(h->pool);
	rte_ring_free(h->rx);
	rte_ring_free(h->tx);
	free(h);
}

void
harness_inject(struct harness *h, const void *frame, size_t len)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(h->pool);
	char *d;

	assert_non_null(m);
	d = rte_pktmbuf_append(m, (uint16_t)len);
	assert_non_null(d);
	memcpy(d, frame, len);
	assert_int_equal(rte_ring_enqueue(h->rx, m), 0);
}

unsigned int
harness_poll(struct harness *h)
{
	return lcore_poll_once(h->ctx);
}

void
harness_feed(struct harness *h, const void *frame, size_t len)
{
	harness_inject(h, frame, len);
	harness_poll(h);
}

unsigned int
harness_collect(struct harness *h, struct rte_mbuf **out, unsigned int max)
{
	return rte_ring_dequeue_burst(h->tx, (void **)out, max, NULL);
}

unsigned int
harness_drain(struct harness *h)
{
	struct rte_mbuf *m[64];
	unsigned int n, total = 0;

	while ((n = harness_collect(h, m, 64)) > 0) {
		rte_pktmbuf_free_bulk(m, n);
		total += n;
	}
	return total;
}

void
harness_advance(struct harness *h, uint64_t us)
{
	harness_clock_us += us;
	if (h)
		harness_poll(h);
}

int
harness_mbufs_leaked(struct harness *h)
{
	return (int)rte_mempool_in_use_count(h->pool) -
	       (int)h->baseline_in_use;
}

uint64_t
harness_stat(struct harness *h, enum stats_id id)
{
	return h->ctx->stats.v[id];
}
