/* SPDX-License-Identifier: BSD-3-Clause */
/* test_lcore_hooks.c: the poll loop hands struct lcore_hooks.arg back to
 * poll_end, so the upper layers need no global for their state. */
#include <string.h>

#include "core/config.h"
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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lcore_hooks_poll_end_gets_its_arg_each_iteration),
		cmocka_unit_test(test_lcore_hooks_arg_is_copied_from_the_params),
		cmocka_unit_test(test_lcore_hooks_no_poll_end_gets_a_no_op),
	};

	harness_eal_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
