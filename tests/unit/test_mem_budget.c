/* SPDX-License-Identifier: BSD-3-Clause */
/* test_mem_budget.c: the per-lcore memory budget: limits, counters, config. */
#include <errno.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>

#include "core/config.h"
#include "core/lcore.h"
#include "core/mem.h"
#include "core/port.h"
#include "harness.h"

static struct rte_mempool *
pool_of(unsigned int n)
{
	static unsigned int seq;
	char name[32];
	struct rte_mempool *mp;

	snprintf(name, sizeof(name), "mb%u", seq++);
	mp = port_pool_create(name, n, 0, 0);
	assert_non_null(mp);
	return mp;
}

static void
small_port(struct config *c)
{
	config_defaults(c);
	c->mbufs = 4095;
	c->mbuf_cache = 0;
	c->rx_desc = 256;
	c->tx_desc = 256;
}

static void
test_mem_budget_defaults_derive_from_the_pool(void **state)
{
	struct rte_mempool *mp = pool_of(4095);
	struct mem_budget mb;
	struct config c;
	uint64_t unit, reserve, avail;

	(void)state;
	small_port(&c);
	assert_int_equal(mem_init(&mb, &c, mp), 0);
	unit = rte_pktmbuf_data_room_size(mp);
	assert_int_equal(mb.mbuf_bytes, unit);
	/* RX ring + TX ring + one RX and one TX burst + cache (0). */
	reserve = 256 + 256 + LCORE_RX_BURST + LCORE_TX_BURST;
	assert_int_equal(mb.rx_reserve, reserve);
	avail = 4095 - reserve;
	assert_int_equal(mb.cls[MEM_RX_RESERVE].limit, reserve * unit);
	assert_int_equal(mb.cls[MEM_SNDQ].limit, avail / 2 * unit);
	assert_int_equal(mb.cls[MEM_OOO].limit, avail / 4 * unit);
	assert_int_equal(mb.cls[MEM_HTTP_REQ].limit, avail / 4 * unit);
	assert_int_equal(mb.cls[MEM_RESP].limit, avail / 4 * unit);
	for (int k = 0; k < MEM_NCLASSES; k++) {
		assert_int_equal(mb.cls[k].in_use, 0);
		assert_int_equal(mb.cls[k].refusals, 0);
	}
	/* Each RX queue has its own pool: more lcores change nothing. */
	c.nb_lcores = 2;
	c.lcores[1] = 2;
	assert_int_equal(mem_init(&mb, &c, mp), 0);
	assert_int_equal(mb.cls[MEM_SNDQ].limit, avail / 2 * unit);
	/* Without a pool the share is mempool.mbufs. */
	assert_int_equal(mem_init(&mb, &c, NULL), 0);
	assert_int_equal(mb.cls[MEM_SNDQ].limit,
			 avail / 2 * RTE_MBUF_DEFAULT_BUF_SIZE);
	rte_mempool_free(mp);
}

static void
test_mem_budget_reserve_is_at_most_half_the_pool(void **state)
{
	struct rte_mempool *mp = pool_of(1023);
	struct mem_budget mb;
	struct config c;

	(void)state;
	config_defaults(&c); /* rx/tx rings of 1024 each: more than the pool */
	c.mbuf_cache = 0;
	assert_int_equal(mem_init(&mb, &c, mp), 0);
	assert_int_equal(mb.rx_reserve, 1023 / 2);
	assert_true(mb.cls[MEM_SNDQ].limit + mb.cls[MEM_OOO].limit <=
		    (uint64_t)(1023 - mb.rx_reserve) * mb.mbuf_bytes);
	rte_mempool_free(mp);
}

static void
test_mem_budget_explicit_limits_kept_and_oversize_rejected(void **state)
{
	struct rte_mempool *mp = pool_of(4095);
	struct mem_budget mb;
	struct config c;

	(void)state;
	small_port(&c);
	c.mem_rx_reserve = 100;
	c.mem_sndq_bytes = 1 << 20;
	c.mem_ooo_bytes = 1 << 18;
	c.mem_http_req_bytes = 12345;
	c.mem_resp_bytes = 54321;
	assert_int_equal(mem_init(&mb, &c, mp), 0);
	assert_int_equal(mb.rx_reserve, 100);
	assert_int_equal(mb.cls[MEM_SNDQ].limit, 1 << 20);
	assert_int_equal(mb.cls[MEM_OOO].limit, 1 << 18);
	assert_int_equal(mb.cls[MEM_HTTP_REQ].limit, 12345);
	assert_int_equal(mb.cls[MEM_RESP].limit, 54321);
	/* Send queues alone could take more than the pool minus the
	 * reserve: the RX reserve would not be guaranteed. */
	c.mem_sndq_bytes = 4095u * mb.mbuf_bytes;
	assert_int_equal(mem_init(&mb, &c, mp), -EINVAL);
	rte_mempool_free(mp);
}

static void
test_mem_budget_charge_counts_high_water_and_refusals(void **state)
{
	struct mem_budget mb;
	struct config c;

	(void)state;
	small_port(&c);
	c.mem_http_req_bytes = 1000;
	assert_int_equal(mem_init(&mb, &c, NULL), 0);
	assert_int_equal(mb.mbuf_bytes, RTE_MBUF_DEFAULT_BUF_SIZE);
	assert_true(mem_charge(&mb, MEM_HTTP_REQ, 400));
	assert_true(mem_charge(&mb, MEM_HTTP_REQ, 600));
	assert_int_equal(mem_room(&mb, MEM_HTTP_REQ), 0);
	assert_true(mem_pressure(&mb, MEM_HTTP_REQ));
	assert_false(mem_charge(&mb, MEM_HTTP_REQ, 1));
	assert_int_equal(mb.cls[MEM_HTTP_REQ].refusals, 1);
	assert_int_equal(mb.cls[MEM_HTTP_REQ].in_use, 1000);
	mem_release(&mb, MEM_HTTP_REQ, 700);
	assert_int_equal(mb.cls[MEM_HTTP_REQ].in_use, 300);
	assert_int_equal(mb.cls[MEM_HTTP_REQ].high, 1000);
	assert_false(mem_pressure(&mb, MEM_HTTP_REQ));
	assert_true(mem_charge(&mb, MEM_HTTP_REQ, 700));
	assert_int_equal(mb.cls[MEM_HTTP_REQ].refusals, 1);
	mem_prune(&mb, MEM_HTTP_REQ, 3);
	assert_int_equal(mb.cls[MEM_HTTP_REQ].prunes, 3);
	/* Other classes untouched. */
	assert_int_equal(mb.cls[MEM_SNDQ].in_use, 0);
	assert_int_equal(mb.cls[MEM_OOO].refusals, 0);
}

static void
test_mem_budget_mbuf_class_refused_when_pool_would_eat_reserve(void **state)
{
	struct rte_mempool *mp = pool_of(1023);
	struct rte_mbuf *held[1024];
	struct mem_budget mb;
	struct config c;
	unsigned int n = 0;

	(void)state;
	small_port(&c);
	c.mbufs = 1023;
	c.mem_rx_reserve = 200;
	c.mem_sndq_bytes = 600u * RTE_MBUF_DEFAULT_BUF_SIZE;
	c.mem_ooo_bytes = 100u * RTE_MBUF_DEFAULT_BUF_SIZE;
	assert_int_equal(mem_init(&mb, &c, mp), 0);
	/* Something outside the budget took the pool down to the reserve. */
	while (rte_mempool_avail_count(mp) > 200 + 10)
		held[n++] = rte_pktmbuf_alloc(mp);
	/* Below half the class: no pool check (the fast path). */
	for (int i = 0; i < 10; i++)
		assert_true(mem_charge_mbuf(&mb, MEM_SNDQ));
	mb.cls[MEM_SNDQ].in_use = 400u * mb.mbuf_bytes;
	assert_true(mem_pool_ok(&mb, 10));
	assert_false(mem_pool_ok(&mb, 11));
	assert_int_equal(mb.cls[MEM_RX_RESERVE].refusals, 1);
	for (int i = 0; i < 10; i++)
		held[n++] = rte_pktmbuf_alloc(mp);
	/* Past half the class the pool is checked: refused, counted on the
	 * class and on the reserve. */
	assert_false(mem_charge_mbuf(&mb, MEM_SNDQ));
	assert_int_equal(mb.cls[MEM_SNDQ].refusals, 1);
	assert_int_equal(mb.cls[MEM_RX_RESERVE].refusals, 2);
	assert_int_equal(mb.cls[MEM_SNDQ].in_use, 400u * mb.mbuf_bytes);
	/* The heap classes never look at the pool. */
	assert_true(mem_charge(&mb, MEM_HTTP_REQ, 4096));
	rte_pktmbuf_free_bulk(held, n);
	assert_true(mem_charge_mbuf(&mb, MEM_SNDQ));
	rte_mempool_free(mp);
}

/* Charge one MEM_SNDQ mbuf and, granted, take it from the pool as
 * tcp_send() does; the mbuf goes to held[*n]. */
static bool
sndq_take(struct mem_budget *mb, struct rte_mempool *mp,
	  struct rte_mbuf **held, unsigned int *n)
{
	if (!mem_charge_mbuf(mb, MEM_SNDQ))
		return false;
	held[*n] = rte_pktmbuf_alloc(mp);
	assert_non_null(held[*n]);
	(*n)++;
	return true;
}

/*
 * The pool's count is read once per poll iteration far from the
 * reserve (the estimate), on every check within pool_margin of it, and
 * the reserve is kept to the mbuf whether the budget or something else
 * drained the pool.
 */
static void
test_mem_budget_pool_count_read_once_per_poll_exact_near_reserve(void **state)
{
	struct rte_mempool *mp = pool_of(4095);
	static struct rte_mbuf *held[4096];
	struct mem_budget mb;
	struct config c;
	unsigned int n = 0, grants = 0;
	uint64_t reads;

	(void)state;
	small_port(&c);
	c.mem_rx_reserve = 200;
	c.mem_sndq_bytes = 3800u * RTE_MBUF_DEFAULT_BUF_SIZE;
	c.mem_ooo_bytes = RTE_MBUF_DEFAULT_BUF_SIZE;
	assert_int_equal(mem_init(&mb, &c, mp), 0);
	assert_int_equal(mb.pool_margin, LCORE_RX_BURST + LCORE_TX_BURST);
	mb.cls[MEM_SNDQ].in_use = 1900u * mb.mbuf_bytes; /* past half */
	assert_int_equal(mb.pool_reads, 0);
	/* Far from the reserve: one read for a whole iteration's charges. */
	for (int i = 0; i < 100; i++)
		assert_true(sndq_take(&mb, mp, held, &n));
	assert_int_equal(mb.pool_reads, 1);
	assert_int_equal(mb.pool_est, 4095 - 100);
	assert_true(mem_charge_mbuf(&mb, MEM_OOO)); /* past half too */
	mem_release_mbuf(&mb, MEM_OOO);
	assert_int_equal(mb.pool_reads, 1);
	/* The next iteration reads again. */
	mem_epoch_bump(&mb);
	assert_true(sndq_take(&mb, mp, held, &n));
	assert_int_equal(mb.pool_reads, 2);
	assert_true(sndq_take(&mb, mp, held, &n));
	assert_int_equal(mb.pool_reads, 2);
	/* Something outside the budget drains the pool to 600 free; the
	 * next iteration's charges take it down to the reserve exactly,
	 * reading the pool on every charge within the margin. */
	while (rte_mempool_avail_count(mp) > 600)
		held[n++] = rte_pktmbuf_alloc(mp);
	mem_epoch_bump(&mb);
	reads = mb.pool_reads;
	while (sndq_take(&mb, mp, held, &n))
		grants++;
	assert_int_equal(grants, 400);
	assert_int_equal(rte_mempool_avail_count(mp), 200);
	/* The iteration's first charge, then every one from reserve +
	 * margin free down to the refused one at the reserve. */
	assert_int_equal(mb.pool_reads - reads, 1 + mb.pool_margin + 1);
	assert_int_equal(mb.cls[MEM_RX_RESERVE].refusals, 1);
	/* Same iteration, the pool moves under the budget: 10 come back,
	 * then something takes 10 again: each charge sees the exact count. */
	rte_pktmbuf_free_bulk(&held[n - 10], 10);
	n -= 10;
	mb.cls[MEM_SNDQ].in_use -= 10u * mb.mbuf_bytes;
	reads = mb.pool_reads;
	assert_true(sndq_take(&mb, mp, held, &n));
	assert_int_equal(mb.pool_reads - reads, 1);
	for (int i = 0; i < 9; i++)
		held[n++] = rte_pktmbuf_alloc(mp);
	assert_false(mem_charge_mbuf(&mb, MEM_SNDQ));
	assert_int_equal(mb.pool_reads - reads, 2);
	assert_int_equal(mb.cls[MEM_RX_RESERVE].refusals, 2);
	assert_int_equal(rte_mempool_avail_count(mp), 200);
	rte_pktmbuf_free_bulk(held, n);
	rte_mempool_free(mp);
}

static void
test_mem_budget_snapshot_names_and_sum(void **state)
{
	struct rte_mempool *mp = pool_of(4095);
	struct mem_snapshot a, b;
	struct mem_budget mb;
	struct config c;

	(void)state;
	assert_string_equal(mem_class_name(MEM_RX_RESERVE), "rx_reserve");
	assert_string_equal(mem_class_name(MEM_SNDQ), "sndq");
	assert_string_equal(mem_class_name(MEM_OOO), "ooo");
	assert_string_equal(mem_class_name(MEM_HTTP_REQ), "http_req");
	assert_string_equal(mem_class_name(MEM_RESP), "resp");
	assert_null(mem_class_name(MEM_NCLASSES));
	small_port(&c);
	assert_int_equal(mem_init(&mb, &c, mp), 0);
	assert_true(mem_charge_mbuf(&mb, MEM_OOO));
	mem_snapshot(&mb, &a);
	assert_int_equal(a.cls[MEM_OOO].in_use, mb.mbuf_bytes);
	assert_int_equal(a.pool_avail, 4095);
	assert_int_equal(a.cls[MEM_RX_RESERVE].in_use, 0);
	assert_int_equal(a.mbuf_bytes, mb.mbuf_bytes);
	b = a;
	mem_snapshot_add(&b, &a);
	assert_int_equal(b.cls[MEM_OOO].in_use, 2 * mb.mbuf_bytes);
	assert_int_equal(b.cls[MEM_SNDQ].limit, 2 * a.cls[MEM_SNDQ].limit);
	mem_release_mbuf(&mb, MEM_OOO);
	rte_mempool_free(mp);
}

static void
expect_cfg_err(const char *json, const char *want)
{
	char err[CONFIG_ERR_LEN] = "";
	struct config c;

	config_defaults(&c);
	assert_int_equal(config_parse(&c, json, strlen(json), err), -EINVAL);
	if (strncmp(err, want, strlen(want)))
		fail_msg("%s: got \"%s\", want \"%s...\"", json, err, want);
}

static void
test_mem_budget_config_keys_parsed_and_validated(void **state)
{
	const char *ok = "{\"mem\": {\"rx_reserve\": 512, \"sndq_bytes\": "
			 "1048576, \"ooo_bytes\": 262144, \"http_req_bytes\": "
			 "65536, \"resp_bytes\": 32768}, \"tcp\": "
			 "{\"stall_timeout_ms\": 30000, \"max_orphans\": 100, "
			 "\"orphan_retries\": 2}}";
	char err[CONFIG_ERR_LEN] = "";
	struct config c;

	(void)state;
	config_defaults(&c);
	assert_int_equal(c.mem_rx_reserve, 0);
	assert_int_equal(c.mem_sndq_bytes, 0);
	assert_int_equal(c.tcp_stall_timeout_ms, 120000);
	assert_int_equal(c.tcp_max_orphans, 4096);
	assert_int_equal(c.tcp_orphan_retries, 4);
	assert_int_equal(config_parse(&c, ok, strlen(ok), err), 0);
	assert_int_equal(c.mem_rx_reserve, 512);
	assert_int_equal(c.mem_sndq_bytes, 1048576);
	assert_int_equal(c.mem_ooo_bytes, 262144);
	assert_int_equal(c.mem_http_req_bytes, 65536);
	assert_int_equal(c.mem_resp_bytes, 32768);
	assert_int_equal(c.tcp_stall_timeout_ms, 30000);
	assert_int_equal(c.tcp_max_orphans, 100);
	assert_int_equal(c.tcp_orphan_retries, 2);
	expect_cfg_err("{\"mem\": {\"rx_reserve\": 9000}}",
		       "$.mem.rx_reserve: must be at most half");
	expect_cfg_err("{\"mem\": {\"sndq_bytes\": 4096}}",
		       "$.mem.sndq_bytes: must be 0 (auto) or at least 65536");
	expect_cfg_err("{\"mem\": {\"ooo_bytes\": 100}}",
		       "$.mem.ooo_bytes: must be 0 (auto) or at least 16384");
	expect_cfg_err("{\"mem\": {\"bogus\": 1}}", "$.mem.bogus: unknown key");
	expect_cfg_err("{\"tcp\": {\"stall_timeout_ms\": 10}}",
		       "$.tcp.stall_timeout_ms: ");
	expect_cfg_err("{\"tcp\": {\"orphan_retries\": 0}}",
		       "$.tcp.orphan_retries: ");
	expect_cfg_err("{\"tcp\": {\"max_orphans\": 0}}", "$.tcp.max_orphans: ");
}

static void
test_mem_budget_lcore_ctx_refuses_budget_larger_than_pool(void **state)
{
	struct rte_mempool *mp = pool_of(1023);
	struct lcore_params p;
	struct lcore_ctx *ctx;
	struct config c;

	(void)state;
	small_port(&c);
	c.mem_ooo_bytes = 2000u * RTE_MBUF_DEFAULT_BUF_SIZE;
	memset(&p, 0, sizeof(p));
	p.cfg = &c;
	p.pool = mp;
	assert_null(lcore_ctx_create(&p));
	assert_int_equal(rte_errno, EINVAL);
	c.mem_ooo_bytes = 0;
	ctx = lcore_ctx_create(&p);
	assert_non_null(ctx);
	assert_ptr_equal(ctx->mem.pool, mp);
	assert_true(ctx->mem.cls[MEM_SNDQ].limit > 0);
	lcore_ctx_free(ctx);
	rte_mempool_free(mp);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mem_budget_defaults_derive_from_the_pool),
		cmocka_unit_test(test_mem_budget_reserve_is_at_most_half_the_pool),
		cmocka_unit_test(test_mem_budget_explicit_limits_kept_and_oversize_rejected),
		cmocka_unit_test(test_mem_budget_charge_counts_high_water_and_refusals),
		cmocka_unit_test(test_mem_budget_mbuf_class_refused_when_pool_would_eat_reserve),
		cmocka_unit_test(test_mem_budget_pool_count_read_once_per_poll_exact_near_reserve),
		cmocka_unit_test(test_mem_budget_snapshot_names_and_sum),
		cmocka_unit_test(test_mem_budget_config_keys_parsed_and_validated),
		cmocka_unit_test(test_mem_budget_lcore_ctx_refuses_budget_larger_than_pool),
	};

	harness_eal_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
