/* SPDX-License-Identifier: BSD-3-Clause */
/* test_fault.c: the seeded RX fault shim: each fault, its counter, no leaks. */
#include <string.h>

#include <rte_errno.h>
#include <rte_ip.h>
#include <rte_tcp.h>

#include "core/fault.h"
#include "harness.h"
#include "net/eth.h"
#include "pkt.h"

#define CAP 32

static int
teardown(void **state)
{
	struct harness *h = *state;

	assert_int_equal(harness_mbufs_leaked(h), 0);
	harness_destroy(h);
	return 0;
}

static struct fault *
shim(struct harness *h, uint64_t seed, uint32_t reorder, uint32_t dup,
     uint32_t corrupt, uint32_t drop)
{
	struct fault_params p = {
		.seed = seed,
		.reorder_permille = reorder,
		.duplicate_permille = dup,
		.corrupt_permille = corrupt,
		.drop_permille = drop,
		.pool = h->pool,
		.socket_id = 0,
	};
	struct fault *f = fault_create(&p);

	assert_non_null(f);
	return f;
}

/* A TCP segment to port 9 from sport, whose seq numbers the frame. */
static struct rte_mbuf *
frame(struct harness *h, uint32_t id)
{
	uint8_t b[PKT_MAX];
	struct pkt_tcp t = {
		.sport = 40000, .dport = 9, .seq = id, .flags = RTE_TCP_ACK_FLAG,
		.win = 1000, .wscale = -1, .data = "0123456789", .len = 10,
	};
	size_t n = pkt_tcp(b, &h->ifc.mac, &t);
	struct rte_mbuf *m = rte_pktmbuf_alloc(h->pool);

	assert_non_null(m);
	memcpy(rte_pktmbuf_append(m, (uint16_t)n), b, n);
	return m;
}

static uint32_t
frame_id(struct rte_mbuf *m)
{
	struct pkt_tcp_seen s;

	assert_true(pkt_parse_tcp(m, &s));
	return s.seq;
}

static void
fill(struct harness *h, struct rte_mbuf **pkts, uint32_t first, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		pkts[i] = frame(h, first + i);
}

static void
test_fault_invalid_permille_is_einval(void **state)
{
	struct fault_params p = { .drop_permille = 1001 };

	(void)state;
	assert_null(fault_create(&p));
	assert_int_equal(rte_errno, EINVAL);
}

static void
test_fault_null_shim_passes_burst_unchanged(void **state)
{
	struct harness *h = *state;
	struct rte_mbuf *pkts[CAP], *copy[CAP];

	fill(h, pkts, 1, 8);
	memcpy(copy, pkts, sizeof(copy));
	assert_int_equal(fault_rx(NULL, pkts, 8, CAP), 8);
	assert_memory_equal(pkts, copy, 8 * sizeof(pkts[0]));
	rte_pktmbuf_free_bulk(pkts, 8);
}

static void
test_fault_zero_probabilities_pass_everything_in_order(void **state)
{
	struct harness *h = *state;
	struct fault *f = shim(h, 7, 0, 0, 0, 0);
	struct rte_mbuf *pkts[CAP];

	fill(h, pkts, 100, 20);
	assert_int_equal(fault_rx(f, pkts, 20, CAP), 20);
	for (unsigned int i = 0; i < 20; i++)
		assert_int_equal(frame_id(pkts[i]), 100 + i);
	assert_int_equal(fault_counts(f)->seen, 20);
	assert_int_equal(fault_counts(f)->passed, 20);
	rte_pktmbuf_free_bulk(pkts, 20);
	fault_free(f);
}

static void
test_fault_drop_all_frees_and_counts(void **state)
{
	struct harness *h = *state;
	struct fault *f = shim(h, 1, 0, 0, 0, 1000);
	struct rte_mbuf *pkts[CAP];

	fill(h, pkts, 1, CAP);
	assert_int_equal(fault_rx(f, pkts, CAP, CAP), 0);
	assert_int_equal(fault_counts(f)->dropped, CAP);
	assert_int_equal(harness_mbufs_leaked(h), 0);
	fault_free(f);
}

static void
test_fault_drop_rate_follows_permille(void **state)
{
	struct harness *h = *state;
	struct fault *f = shim(h, 42, 0, 0, 0, 50);
	struct rte_mbuf *pkts[CAP];
	uint64_t dropped;

	for (int r = 0; r < 200; r++) {
		uint16_t n;

		fill(h, pkts, 0, CAP);
		n = fault_rx(f, pkts, CAP, CAP);
		rte_pktmbuf_free_bulk(pkts, n);
	}
	dropped = fault_counts(f)->dropped;
	/* 6400 frames at 5%: 320 expected; 5 sigma is about 87. */
	assert_in_range(dropped, 233, 407);
	assert_int_equal(fault_counts(f)->passed + dropped, 200 * CAP);
	fault_free(f);
}

static void
test_fault_duplicate_all_over_cap_carries_to_next_poll(void **state)
{
	struct harness *h = *state;
	struct fault *f = shim(h, 3, 0, 1000, 0, 0);
	struct rte_mbuf *pkts[CAP];
	uint16_t n;

	fill(h, pkts, 1, 20);
	n = fault_rx(f, pkts, 20, CAP);
	assert_int_equal(n, CAP);
	/* Each frame, then its copy. */
	for (unsigned int i = 0; i < CAP; i++)
		assert_int_equal(frame_id(pkts[i]), 1 + i / 2);
	assert_ptr_not_equal(pkts[0], pkts[1]);
	rte_pktmbuf_free_bulk(pkts, n);
	assert_int_equal(fault_held(f), 8);
	n = fault_rx(f, pkts, 0, CAP);
	assert_int_equal(n, 8);
	for (unsigned int i = 0; i < 8; i++)
		assert_int_equal(frame_id(pkts[i]), 17 + i / 2);
	rte_pktmbuf_free_bulk(pkts, n);
	assert_int_equal(fault_counts(f)->duplicated, 20);
	assert_int_equal(fault_counts(f)->passed, 40);
	fault_free(f);
}

static void
test_fault_reorder_delivers_each_frame_once_out_of_order(void **state)
{
	struct harness *h = *state;
	struct fault *f = shim(h, 11, 300, 0, 0, 0);
	struct rte_mbuf *pkts[CAP];
	unsigned int seen[CAP * 10] = { 0 }, got = 0, inversions = 0;
	uint32_t last = 0;

	for (int r = 0; r < 10; r++) {
		uint16_t n;

		fill(h, pkts, (uint32_t)r * CAP, CAP);
		n = fault_rx(f, pkts, CAP, CAP);
		for (uint16_t i = 0; i < n; i++) {
			uint32_t id = frame_id(pkts[i]);

			seen[id]++;
			inversions += got++ > 0 && id < last;
			last = id;
		}
		rte_pktmbuf_free_bulk(pkts, n);
	}
	while (fault_held(f)) {
		uint16_t n = fault_rx(f, pkts, 0, CAP);

		for (uint16_t i = 0; i < n; i++)
			seen[frame_id(pkts[i])]++;
		rte_pktmbuf_free_bulk(pkts, n);
	}
	for (unsigned int i = 0; i < CAP * 10; i++)
		assert_int_equal(seen[i], 1);
	assert_true(fault_counts(f)->reordered > 0);
	assert_true(inversions > 0);
	fault_free(f);
}

static void
test_fault_free_releases_held_frames(void **state)
{
	struct harness *h = *state;
	struct fault *f = shim(h, 5, 1000, 0, 0, 0);
	struct rte_mbuf *pkts[CAP];

	fill(h, pkts, 1, 10);
	/* Every frame held back: nothing later releases them this poll. */
	assert_int_equal(fault_rx(f, pkts, 10, CAP), 0);
	assert_int_equal(fault_held(f), 10);
	assert_int_equal(harness_mbufs_leaked(h), 10);
	fault_free(f);
	assert_int_equal(harness_mbufs_leaked(h), 0);
}

static void
test_fault_corrupted_frames_fail_checksums(void **state)
{
	struct harness *h = *state;
	struct fault *f = shim(h, 9, 0, 0, 1000, 0);
	struct rte_mbuf *pkts[CAP];
	uint64_t caught;

	for (int r = 0; r < 20; r++) {
		uint16_t n;

		fill(h, pkts, 0, CAP);
		n = fault_rx(f, pkts, CAP, CAP);
		eth_input_burst(h->ctx, pkts, n);
	}
	harness_drain(h);
	assert_int_equal(fault_counts(f)->corrupted, 20 * CAP);
	/* The checksums, or the sanity checks before them (a flipped
	 * version, header or total length byte), stop every one. */
	caught = HSTAT(h, ipv4_drop_version) + HSTAT(h, ipv4_drop_ihl) +
		 HSTAT(h, ipv4_drop_len) + HSTAT(h, ipv4_drop_cksum) +
		 HSTAT(h, tcp_drop_short) + HSTAT(h, tcp_drop_bad_off) +
		 HSTAT(h, tcp_drop_cksum);
	assert_int_equal(caught, 20 * CAP);
	assert_true(HSTAT(h, ipv4_drop_cksum) > 0);
	assert_true(HSTAT(h, tcp_drop_cksum) > 0);
	/* None reached the port lookup (it would have answered RST). */
	assert_int_equal(HSTAT(h, tcp_drop_no_listener), 0);
	assert_int_equal(HSTAT(h, tcp_rst_tx), 0);
	fault_free(f);
}

static void
test_fault_same_seed_same_decisions(void **state)
{
	struct harness *h = *state;
	struct fault *a = shim(h, 1234, 200, 200, 0, 200);
	struct fault *b = shim(h, 1234, 200, 200, 0, 200);
	struct rte_mbuf *pa[CAP], *pb[CAP];

	for (int r = 0; r < 20; r++) {
		uint16_t na, nb;

		fill(h, pa, (uint32_t)r * 16, 16);
		fill(h, pb, (uint32_t)r * 16, 16);
		na = fault_rx(a, pa, 16, CAP);
		nb = fault_rx(b, pb, 16, CAP);
		assert_int_equal(na, nb);
		for (uint16_t i = 0; i < na; i++)
			assert_int_equal(frame_id(pa[i]), frame_id(pb[i]));
		rte_pktmbuf_free_bulk(pa, na);
		rte_pktmbuf_free_bulk(pb, nb);
	}
	assert_memory_equal(fault_counts(a), fault_counts(b),
			    sizeof(struct fault_counts));
	assert_true(fault_counts(a)->dropped > 0);
	assert_true(fault_counts(a)->duplicated > 0);
	assert_true(fault_counts(a)->reordered > 0);
	fault_free(a);
	fault_free(b);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, harness_setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fault_invalid_permille_is_einval),
		T(test_fault_null_shim_passes_burst_unchanged),
		T(test_fault_zero_probabilities_pass_everything_in_order),
		T(test_fault_drop_all_frees_and_counts),
		T(test_fault_drop_rate_follows_permille),
		T(test_fault_duplicate_all_over_cap_carries_to_next_poll),
		T(test_fault_reorder_delivers_each_frame_once_out_of_order),
		T(test_fault_free_releases_held_frames),
		T(test_fault_corrupted_frames_fail_checksums),
		T(test_fault_same_seed_same_decisions),
	};

	harness_eal_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
