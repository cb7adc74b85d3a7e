/* SPDX-License-Identifier: BSD-3-Clause */
/* rx_fast.h: what one received frame did, and its comparison, for the
 * burst-against-eth_input tests (test_net_rx_fast, test_net_rx_fast6). */
#ifndef LR_TESTS_RX_FAST_H
#define LR_TESTS_RX_FAST_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_common.h>

#include "core/stats.h"
#include "harness.h"

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

#endif
