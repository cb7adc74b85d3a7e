/* SPDX-License-Identifier: BSD-3-Clause */
/* test_lcore_hooks.c: the poll loop hands struct lcore_hooks.arg back to
 * poll_end, so the upper layers need no global for their state. */
#include <string.h>

#include "core/config.h"
#include "core/fault.h"
#include "harness.h"

struct hook_seen {
	unsigned int calls;
	struct lcore_ctx *ctx;
	void *arg;
};

static struct hook_seen seen;

static void
record_poll_end(struct lcore_ctx *ctx, void *arg)
{
	seen.calls++;
	seen.ctx = ctx;
	seen.arg = arg;
}

static void
test_lcore_hooks_poll_end_gets_its_arg_each_iteration(void **state)
{
	struct harness *h = harness_create(NULL);
	int mine;

	memset(&seen, 0, sizeof(seen));
	h->ctx->hooks.poll_end = record_poll_end;
	h->ctx->hooks.arg = &mine;
	harness_poll(h);
	assert_int_equal(seen.calls, 1);
	assert_ptr_equal(seen.ctx, h->ctx);
	assert_ptr_equal(seen.arg, &mine);
	harness_poll(h);
	assert_int_equal(seen.calls, 2);
	assert_ptr_equal(seen.arg, &mine);
	harness_destroy(h);
}

static void
test_lcore_hooks_arg_is_copied_from_the_params(void **state)
{
	struct lcore_params p = { 0 };
	struct lcore_ctx *ctx;
	struct config cfg;
	int mine;

	config_defaults(&cfg); /* the memory budget reads its limits */
	p.cfg = &cfg;
	p.hooks.poll_end = record_poll_end;
	p.hooks.arg = &mine;
	p.socket_id = 0;
	ctx = lcore_ctx_create(&p);
	assert_non_null(ctx);
	assert_ptr_equal(ctx->hooks.arg, &mine);
	assert_ptr_equal(ctx->hooks.poll_end, record_poll_end);
	lcore_ctx_free(ctx);
}

/* No poll_end in the params: the context gets a no-op (the poll calls its
 * hook without a test), one that touches nothing. */
static void
test_lcore_hooks_no_poll_end_gets_a_no_op(void **state)
{
	struct lcore_params p = { 0 };
	struct lcore_ctx *ctx;
	struct config cfg;

	config_defaults(&cfg);
	p.cfg = &cfg;
	p.socket_id = 0;
	ctx = lcore_ctx_create(&p);
	assert_non_null(ctx);
	assert_non_null(ctx->hooks.poll_end);
	assert_null(ctx->hooks.arg);
	memset(&seen, 0, sizeof(seen));
	ctx->hooks.poll_end(ctx, NULL);
	assert_int_equal(seen.calls, 0);
	lcore_ctx_free(ctx);
}

static unsigned int input_frames;

static void
record_input(struct lcore_ctx *ctx, struct rte_mbuf **pkts, uint16_t n)
{
	(void)ctx;
	input_frames += n;
	rte_pktmbuf_free_bulk(pkts, n);
}

/* The fault shim attached to a context runs inside its RX burst (an
 * ethdev RX callback): the poll tests nothing for it, yet every frame
 * the port gives passes through it first (here: all dropped, so input
 * never sees one); the context frees it, callback and all. */
static void
test_lcore_hooks_fault_shim_runs_inside_the_rx_burst(void **state)
{
	struct harness *h = harness_create(NULL);
	struct fault_params fp = { .seed = 7, .drop_permille = 1000,
				   .pool = h->pool, .socket_id = 0 };
	struct fault *f = fault_create(&fp);
	uint8_t frame[64] = { 0 };

	assert_non_null(f);
	input_frames = 0;
	h->ctx->hooks.input = record_input;
	harness_inject(h, frame, sizeof(frame));
	harness_poll(h);
	assert_int_equal(input_frames, 1); /* no shim yet */
	assert_int_equal(lcore_fault_attach(h->ctx, f), 0);
	assert_ptr_equal(h->ctx->fault, f);
	for (int i = 0; i < 3; i++)
		harness_inject(h, frame, sizeof(frame));
	harness_poll(h);
	assert_int_equal(input_frames, 1);
	assert_int_equal(fault_counts(f)->seen, 3);
	assert_int_equal(fault_counts(f)->dropped, 3);
	assert_int_equal(harness_mbufs_leaked(h), 0);
	harness_destroy(h); /* lcore_ctx_free: callback removed, shim freed */
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lcore_hooks_poll_end_gets_its_arg_each_iteration),
		cmocka_unit_test(test_lcore_hooks_arg_is_copied_from_the_params),
		cmocka_unit_test(test_lcore_hooks_no_poll_end_gets_a_no_op),
		cmocka_unit_test(test_lcore_hooks_fault_shim_runs_inside_the_rx_burst),
	};

	harness_eal_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
