/* SPDX-License-Identifier: BSD-3-Clause */
/* test_port_memif.c: the memif burst gate: no PMD burst while the link is
 * down (a ring port stands in for net_memif). */
#include <errno.h>

#include <rte_ethdev.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include "core/port_memif.h"
#include "harness.h"

#define NPKT 3

static int
setup(void **state)
{
	struct harness *h = harness_create(NULL);

	assert_int_equal(port_memif_gate(h->port_id), 0);
	*state = h;
	return 0;
}

static int
teardown(void **state)
{
	struct harness *h = *state;

	assert_int_equal(rte_eth_dev_set_link_up(h->port_id), 0);
	harness_drain(h);
	assert_int_equal(harness_mbufs_leaked(h), 0);
	harness_destroy(h); /* stops the port: ethdev drops the gate */
	return 0;
}

static void
alloc_frames(struct harness *h, struct rte_mbuf **m)
{
	for (int i = 0; i < NPKT; i++) {
		m[i] = rte_pktmbuf_alloc(h->pool);
		assert_non_null(m[i]);
		assert_non_null(rte_pktmbuf_append(m[i], 60));
	}
}

/* net_memif's rx burst reads the peer's ring before it tests "connected";
 * while the link is down (peer's memory not mapped yet) it must not run. */
static void
test_port_memif_gate_rx_burst_waits_for_link_up(void **state)
{
	struct harness *h = *state;
	struct rte_mbuf *in[NPKT], *out[32];

	alloc_frames(h, in);
	assert_int_equal(rte_ring_enqueue_burst(h->rx, (void **)in, NPKT, NULL),
			 NPKT);
	assert_int_equal(rte_eth_dev_set_link_down(h->port_id), 0);
	assert_int_equal(rte_eth_rx_burst(h->port_id, 0, out, 32), 0);
	/* The PMD was not called: the frames are still in its ring. */
	assert_int_equal(rte_ring_count(h->rx), NPKT);
	assert_int_equal(rte_eth_dev_set_link_up(h->port_id), 0);
	assert_int_equal(rte_eth_rx_burst(h->port_id, 0, out, 32), NPKT);
	assert_int_equal(rte_ring_count(h->rx), 0);
	rte_pktmbuf_free_bulk(out, NPKT);
}

static void
test_port_memif_gate_tx_burst_waits_for_link_up(void **state)
{
	struct harness *h = *state;
	struct rte_mbuf *m[NPKT];

	alloc_frames(h, m);
	assert_int_equal(rte_eth_dev_set_link_down(h->port_id), 0);
	assert_int_equal(rte_eth_tx_burst(h->port_id, 0, m, NPKT), 0);
	assert_int_equal(rte_ring_count(h->tx), 0);
	assert_int_equal(rte_eth_dev_set_link_up(h->port_id), 0);
	assert_int_equal(rte_eth_tx_burst(h->port_id, 0, m, NPKT), NPKT);
	assert_int_equal(harness_drain(h), NPKT);
}

/* Gating the same port again keeps the PMD's functions (no wrapper of the
 * wrapper); a second port while the first is gated is refused. */
static void
test_port_memif_gate_twice_same_port_ok_other_port_ebusy(void **state)
{
	struct harness *h = *state, *h2;
	struct rte_mbuf *in[NPKT], *out[32];

	assert_int_equal(port_memif_gate(h->port_id), 0);
	h2 = harness_create(NULL);
	assert_int_equal(port_memif_gate(h2->port_id), -EBUSY);
	harness_destroy(h2);
	assert_int_equal(port_memif_gate(RTE_MAX_ETHPORTS - 1), -ENODEV);
	/* Still one gate, still calling the PMD once the link is up. */
	alloc_frames(h, in);
	assert_int_equal(rte_ring_enqueue_burst(h->rx, (void **)in, NPKT, NULL),
			 NPKT);
	assert_int_equal(rte_eth_rx_burst(h->port_id, 0, out, 32), NPKT);
	rte_pktmbuf_free_bulk(out, NPKT);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
			test_port_memif_gate_rx_burst_waits_for_link_up, setup,
			teardown),
		cmocka_unit_test_setup_teardown(
			test_port_memif_gate_tx_burst_waits_for_link_up, setup,
			teardown),
		cmocka_unit_test_setup_teardown(
			test_port_memif_gate_twice_same_port_ok_other_port_ebusy,
			setup, teardown),
	};

	harness_eal_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
