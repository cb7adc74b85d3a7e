/* SPDX-License-Identifier: BSD-3-Clause */
/* test_lcore_tx.c: the loop's TX flush: what the port takes is counted,
 * what it refuses after its retries is freed and counted, both from
 * lcore_tx_flush() and from the flush at the end of lcore_poll_once(). */
#include <string.h>

#include <rte_ring.h>

#include "harness.h"

#define FILL_MAX 4095

/* Ring slots taken by stand-in entries, so the port refuses beyond room. */
static void *filler[FILL_MAX];

static unsigned int
tx_fill(struct harness *h, unsigned int room)
{
	unsigned int n = rte_ring_free_count(h->tx) - room;

	for (unsigned int i = 0; i < n; i++)
		filler[i] = (void *)(uintptr_t)(i + 1);
	assert_int_equal(rte_ring_enqueue_bulk(h->tx, filler, n, NULL), n);
	return n;
}

static void
tx_unfill(struct harness *h, unsigned int n)
{
	void *out[FILL_MAX];

	assert_int_equal(rte_ring_dequeue_bulk(h->tx, out, n, NULL), n);
	for (unsigned int i = 0; i < n; i++)
		assert_ptr_equal(out[i], (void *)(uintptr_t)(i + 1));
}

/* Queue n frames of 60 + i bytes; returns their total length. */
static uint64_t
tx_queue(struct harness *h, struct rte_mbuf **m, unsigned int n)
{
	uint64_t bytes = 0;

	for (unsigned int i = 0; i < n; i++) {
		m[i] = rte_pktmbuf_alloc(h->pool);
		assert_non_null(m[i]);
		assert_non_null(rte_pktmbuf_append(m[i], (uint16_t)(60 + i)));
		bytes += 60 + i;
		lcore_tx(h->ctx, m[i]);
	}
	return bytes;
}

/* Partial refusal: room for 3 of 5. The first 3 go out in order, the 2
 * refused are freed (the pool gets them back) and counted. */
static void
tx_refused_check(struct harness *h, bool by_poll)
{
	struct rte_mbuf *m[5], *out[8];
	uint64_t pk0 = HSTAT(h, tx_packets), by0 = HSTAT(h, tx_bytes);
	uint64_t dr0 = HSTAT(h, tx_drop_full);
	unsigned int in_use0 = rte_mempool_in_use_count(h->pool), nf;

	nf = tx_fill(h, 3);
	tx_queue(h, m, 5);
	assert_int_equal(h->ctx->tx_n, 5);
	if (by_poll)
		assert_int_equal(harness_poll(h), 0);
	else
		lcore_tx_flush(h->ctx);
	assert_int_equal(h->ctx->tx_n, 0);
	assert_int_equal(HSTAT(h, tx_packets) - pk0, 3);
	assert_int_equal(HSTAT(h, tx_bytes) - by0, 60 + 61 + 62);
	assert_int_equal(HSTAT(h, tx_drop_full) - dr0, 2);
	assert_int_equal(rte_mempool_in_use_count(h->pool), in_use0 + 3);
	tx_unfill(h, nf);
	assert_int_equal(harness_collect(h, out, 8), 3);
	for (unsigned int i = 0; i < 3; i++)
		assert_ptr_equal(out[i], m[i]);
	rte_pktmbuf_free_bulk(out, 3);
	assert_int_equal(rte_mempool_in_use_count(h->pool), in_use0);
}

static void
test_lcore_tx_flush_counts_sent_and_frees_refused(void **state)
{
	struct harness *h = harness_create(NULL);

	(void)state;
	tx_refused_check(h, false);
	harness_destroy(h);
}

static void
test_lcore_tx_poll_flush_counts_sent_and_frees_refused(void **state)
{
	struct harness *h = harness_create(NULL);

	(void)state;
	tx_refused_check(h, true);
	harness_destroy(h);
}

/* Everything taken: counted once; a flush with nothing queued (and a
 * poll that queued nothing) counts nothing. */
static void
test_lcore_tx_flush_all_taken_counted_once(void **state)
{
	struct harness *h = harness_create(NULL);
	struct rte_mbuf *m[40], *out[64];
	uint64_t bytes;

	(void)state;
	bytes = tx_queue(h, m, 40);
	lcore_tx_flush(h->ctx);
	lcore_tx_flush(h->ctx);
	assert_int_equal(harness_poll(h), 0);
	assert_int_equal(HSTAT(h, tx_packets), 40);
	assert_int_equal(HSTAT(h, tx_bytes), bytes);
	assert_int_equal(HSTAT(h, tx_drop_full), 0);
	assert_int_equal(harness_collect(h, out, 64), 40);
	for (unsigned int i = 0; i < 40; i++)
		assert_ptr_equal(out[i], m[i]);
	rte_pktmbuf_free_bulk(out, 40);
	harness_destroy(h);
}

/* A port with no room at all: every frame freed and counted, none sent. */
static void
test_lcore_tx_flush_port_full_drops_all(void **state)
{
	struct harness *h = harness_create(NULL);
	unsigned int in_use0, nf;
	struct rte_mbuf *m[4];

	(void)state;
	in_use0 = rte_mempool_in_use_count(h->pool);
	nf = tx_fill(h, 0);
	tx_queue(h, m, 4);
	lcore_tx_flush(h->ctx);
	assert_int_equal(h->ctx->tx_n, 0);
	assert_int_equal(HSTAT(h, tx_packets), 0);
	assert_int_equal(HSTAT(h, tx_bytes), 0);
	assert_int_equal(HSTAT(h, tx_drop_full), 4);
	assert_int_equal(rte_mempool_in_use_count(h->pool), in_use0);
	tx_unfill(h, nf);
	harness_destroy(h);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lcore_tx_flush_counts_sent_and_frees_refused),
		cmocka_unit_test(test_lcore_tx_poll_flush_counts_sent_and_frees_refused),
		cmocka_unit_test(test_lcore_tx_flush_all_taken_counted_once),
		cmocka_unit_test(test_lcore_tx_flush_port_full_drops_all),
	};

	harness_eal_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
