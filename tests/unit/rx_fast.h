/* SPDX-License-Identifier: BSD-3-Clause */
/* rx_fast.h: one frame received and what it did, and its comparison, for
 * the burst-against-eth_input tests (test_net_rx_fast, test_net_rx_fast6). */
#ifndef LR_TESTS_RX_FAST_H
#define LR_TESTS_RX_FAST_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <rte_common.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include "core/stats.h"
#include "harness.h"
#include "pkt.h"
#include "net/eth.h"

#define RX_OUT_MAX 8

/* What one frame did: counters moved, frames sent, bytes delivered. */
struct rx_out {
	uint64_t st[ST__COUNT];
	unsigned int nout;
	uint16_t out_len[RX_OUT_MAX];
	uint8_t out[RX_OUT_MAX][256];
	uint32_t rx_len;
	uint8_t rx[64];
	bool closed;
	unsigned int in_use;
};

/* The burst's x and eth_input's y the same in all, or the test fails. */
static inline void
rx_same(const char *name, const struct rx_out *x, const struct rx_out *y)
{
	for (int i = 0; i < ST__COUNT; i++) {
		if (x->st[i] != y->st[i])
			print_error("%s: counter %d: burst %lu, eth_input %lu\n",
				    name, i, (unsigned long)x->st[i],
				    (unsigned long)y->st[i]);
		assert_int_equal(x->st[i], y->st[i]);
	}
	assert_int_equal(x->nout, y->nout);
	for (unsigned int i = 0; i < x->nout; i++) {
		assert_int_equal(x->out_len[i], y->out_len[i]);
		assert_memory_equal(x->out[i], y->out[i], x->out_len[i]);
	}
	assert_int_equal(x->rx_len, y->rx_len);
	assert_memory_equal(x->rx, y->rx, RTE_MIN(x->rx_len, sizeof(x->rx)));
	assert_int_equal(x->closed, y->closed);
	assert_int_equal(x->in_use, y->in_use);
}

/*
 * The k frames f[i] (n[i] bytes, NIC flags ol) received in one poll:
 * through the burst (general false) or each handed to eth_input itself
 * before that poll; what the counters moved (less what lcore_poll_once
 * counts before the input hook, for eth_input's) and the frames sent,
 * in o.
 */
static inline void
rx_take_n(struct harness *h, const uint8_t (*f)[PKT_MAX], const size_t *n,
	  int k, bool general, uint64_t ol, struct rx_out *o)
{
	struct rte_mbuf *m[RX_OUT_MAX];
	uint64_t st0[ST__COUNT];

	memcpy(st0, h->ctx->stats.v, sizeof(st0));
	for (int i = 0; i < k; i++)
		harness_inject_ol(h, f[i], n[i], ol);
	if (general) {
		for (int i = 0; i < k; i++) {
			struct rte_mbuf *in = NULL;

			assert_int_equal(
				rte_ring_dequeue(h->rx, (void **)&in), 0);
			eth_input(h->ctx, in);
			st0[ST_rx_packets]--;
			st0[ST_rx_bytes] -= n[i];
		}
	}
	harness_poll(h);
	for (int i = 0; i < ST__COUNT; i++)
		o->st[i] = h->ctx->stats.v[i] - st0[i];
	o->nout = harness_collect(h, m, RX_OUT_MAX);
	for (unsigned int i = 0; i < o->nout; i++) {
		o->out_len[i] = (uint16_t)rte_pktmbuf_data_len(m[i]);
		assert_true(o->out_len[i] <= sizeof(o->out[i]));
		memcpy(o->out[i], rte_pktmbuf_mtod(m[i], void *), o->out_len[i]);
		rte_pktmbuf_free(m[i]);
	}
}

/* The frame f (n bytes) received alone: rx_take_n of one. */
static inline void
rx_take(struct harness *h, const uint8_t *f, size_t n, bool general,
	uint64_t ol, struct rx_out *o)
{
	rx_take_n(h, (const uint8_t (*)[PKT_MAX])f, &n, 1, general, ol, o);
}

#endif
