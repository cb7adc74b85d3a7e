/* SPDX-License-Identifier: BSD-3-Clause */
/* fault.h: seeded fault injection on the RX burst (reorder, duplicate, corrupt, drop). */
#ifndef LR_CORE_FAULT_H
#define LR_CORE_FAULT_H

#include <stdint.h>

#include <rte_mbuf.h>

/*
 * A test-only shim between rte_eth_rx_burst() and the stack: with the
 * configured per-mille probabilities it drops a received frame, flips one
 * byte of its IPv4/TCP header or payload (the checksums must catch it),
 * sends it up twice, or holds it back behind later frames. Decisions come
 * from a seeded PRNG, so a run is reproducible for a given seed and
 * packet sequence. Off (NULL shim, or all probabilities 0) by default.
 * One shim per lcore, used only by that lcore.
 */

/* Most frames the shim keeps over cap between polls. */
#define FAULT_QUEUE_MAX 128
/* Most frames held back at once; past that, frames are not reordered. */
#define FAULT_HELD_MAX 16
/* A reordered frame goes up after 1..FAULT_REORDER_DEPTH later frames
 * have passed it (in this burst or later ones), or after
 * FAULT_HOLD_POLLS polls at the latest, so a quiet link still gets it. */
#define FAULT_REORDER_DEPTH 8
#define FAULT_HOLD_POLLS 256

struct fault_params {
	uint64_t seed;
	uint32_t reorder_permille;
	uint32_t duplicate_permille;
	uint32_t corrupt_permille;
	uint32_t drop_permille;
	struct rte_mempool *pool; /* duplicates are copied from it */
	int socket_id;
};

/* Every action, counted (read by tests and the exit report). */
struct fault_counts {
	uint64_t seen;        /* frames received from the port */
	uint64_t passed;      /* frames handed to the stack (dups included) */
	uint64_t dropped;
	uint64_t corrupted;
	uint64_t duplicated;
	uint64_t dup_nombuf;  /* duplicate wanted, no mbuf to copy into */
	uint64_t reordered;   /* held back behind later frames */
	uint64_t overflow;    /* freed because the shim's queue was full */
	uint64_t freed_at_exit; /* held frames freed by fault_free() */
};

struct fault;

/*
 * A shim for one lcore on p->socket_id. Probabilities above 1000 are
 * -EINVAL. Returns the shim, or NULL with rte_errno (EINVAL, ENOMEM).
 * A shim whose probabilities are all 0 passes every frame through.
 */
struct fault *fault_create(const struct fault_params *p);

/* Free the frames the shim still holds (counted in freed_at_exit), then
 * the shim. NULL is a no-op. */
void fault_free(struct fault *f);

/*
 * Apply faults to the n frames just received in pkts[0..n) (n may be 0:
 * frames held from the previous poll are released then). Rewrites pkts
 * in place with at most cap frames and returns their number; the stack
 * consumes them as usual. Frames the shim keeps (held back, or over cap)
 * stay owned by it until a later call or fault_free(). Drops are freed.
 */
uint16_t fault_rx_burst(struct fault *f, struct rte_mbuf **pkts, uint16_t n,
			uint16_t cap);

/* fault_rx_burst(), or n unchanged when f is NULL (the shim is off). */
static inline uint16_t
fault_rx(struct fault *f, struct rte_mbuf **pkts, uint16_t n, uint16_t cap)
{
	return f ? fault_rx_burst(f, pkts, n, cap) : n;
}

/* The shim's counters. */
const struct fault_counts *fault_counts(const struct fault *f);

/* Frames the shim holds now (held back or over cap). */
unsigned int fault_held(const struct fault *f);

#endif
