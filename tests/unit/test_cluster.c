/* SPDX-License-Identifier: BSD-3-Clause */
/* test_cluster.c: the cluster pusher, barrier and reset over a fake store. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/mrc_format.h"
#include "api/mrc_store.h"
#include "cluster/cluster.h"
#include "cluster_fake.h"

#define NNODES 3

static struct fake_world world;

struct node {
	struct mrc_store *mrc;
	struct cluster *cl;
	char id[16];
};

static struct node nodes[NNODES];

static void
node_open(struct node *n, const char *id, enum cluster_ack ack)
{
	struct mrc_store_params mp = {
		.socket_id = -1,
		.max_users = 4096,
		.arena_bytes = 1 << 20,
		.reset_timeout_ms = 50,
	};
	struct cluster_params p = {
		.node_id = id,
		.flush_ms = 10,
		.ack = ack,
		.nb_lcores = 1,
		.ring_bytes = 4096,
		.now_ms = fake_now_ms,
	};

	snprintf(n->id, sizeof(n->id), "%s", id);
	n->mrc = mrc_store_create(&mp);
	assert_non_null(n->mrc);
	assert_int_equal(mrc_store_lcore_online(n->mrc, 0), 0);
	p.mrc = n->mrc;
	fake_store_open(&world, &p.store);
	n->cl = cluster_create(&p);
	assert_non_null(n->cl);
}

static void
node_close(struct node *n)
{
	cluster_free(n->cl);
	mrc_store_free(n->mrc);
	memset(n, 0, sizeof(*n));
}

static int
setup(void **state)
{
	memset(&world, 0, sizeof(world));
	world.now = 1000;
	for (int i = 0; i < NNODES; i++) {
		char id[16];

		snprintf(id, sizeof(id), "n%d", i);
		node_open(&nodes[i], id, CLUSTER_ACK_FAST);
	}
	return 0;
}

static int
teardown(void **state)
{
	world.down = false;
	world.lose_replies = false;
	for (int i = 0; i < NNODES; i++)
		if (nodes[i].cl)
			node_close(&nodes[i]);
	return 0;
}

/* What the /event route does on a data lcore: room, record, queue. */
static void
event(struct node *n, const char *user, double value)
{
	fake_event(n->mrc, n->cl, user, value,
		   (__int128)llrint(value * 10) * (MRC_EXACT_SCALE / 10));
}

/* One flush of node n, its lcore offline meanwhile (a blocking local
 * reset must not wait for the test thread itself). */
static int
tick(struct node *n)
{
	int rc;

	mrc_store_lcore_offline(n->mrc, 0);
	rc = cluster_tick(n->cl);
	mrc_store_lcore_online(n->mrc, 0);
	world.now += 10;
	return rc;
}

static void
tick_all(void)
{
	for (int i = 0; i < NNODES; i++)
		assert_int_equal(tick(&nodes[i]), 0);
}

/* The cluster's totals as /stats on node n would give them. */
static void
stats_via(struct node *n, struct mrc_stats *st)
{
	uint64_t t = cluster_stats_request(n->cl);
	const char *err = NULL;
	int rc = 0;

	for (int round = 0; round < 10 && rc == 0; round++) {
		tick_all();
		rc = cluster_stats_poll(n->cl, t, st, &err);
	}
	assert_int_equal(rc, 1);
}

static void
expect_totals(struct node *n, uint64_t count, uint64_t users, const char *json)
{
	struct mrc_stats st;
	char buf[256];

	stats_via(n, &st);
	assert_int_equal(st.total_requests, count);
	assert_int_equal(st.unique_users, users);
	if (json) {
		assert_true(mrc_stats_json(&st, buf, sizeof(buf)) > 0);
		assert_string_equal(buf, json);
	}
}

static void
test_cluster_totals_merge_exact_across_nodes(void **state)
{
	event(&nodes[0], "alice", 0.1);
	event(&nodes[0], "bob", 0.2);
	event(&nodes[1], "alice", 0.3);
	event(&nodes[2], "carol", 999.5);
	event(&nodes[2], "carol", 0.4);
	expect_totals(&nodes[1], 5, 3,
		      "{\"totalRequests\":5,\"uniqueUsers\":3,"
		      "\"sum\":1000.5,\"avg\":200.1}");
}

static void
test_cluster_push_duplicated_reordered_retried_changes_nothing(void **state)
{
	struct fake_push saved[FAKE_LOG];
	unsigned int n;

	for (int i = 0; i < 20; i++) {
		char u[16];

		snprintf(u, sizeof(u), "u%d", i % 7);
		event(&nodes[i % NNODES], u, 1.5);
		tick(&nodes[i % NNODES]);
	}
	expect_totals(&nodes[0], 20, 7, NULL);
	n = world.nb_log;
	memcpy(saved, world.log, sizeof(saved[0]) * n);
	/* Every push again: backwards (reordered), then forwards twice
	 * (duplicated): the store's records only move forward. */
	for (unsigned int i = n; i-- > 0;)
		fake_replay(&world, &saved[i]);
	for (int k = 0; k < 2; k++)
		for (unsigned int i = 0; i < n; i++)
			fake_replay(&world, &saved[i]);
	expect_totals(&nodes[2], 20, 7, NULL);
	/* Replies lost: every push lands, the node sees an error and pushes
	 * it all again on reconnection. */
	world.lose_replies = true;
	event(&nodes[0], "late", 2.0);
	for (int i = 0; i < 5; i++)
		tick(&nodes[0]);
	world.lose_replies = false;
	world.now += 1000;
	expect_totals(&nodes[1], 21, 8, NULL);
}

static void
test_cluster_stats_waits_for_every_live_node_barrier(void **state)
{
	struct mrc_stats st;
	const char *err = NULL;
	uint64_t t;

	tick_all();
	/* Node 2 acknowledged this event but has not flushed it. */
	event(&nodes[2], "zed", 4.0);
	t = cluster_stats_request(nodes[0].cl);
	assert_int_equal(tick(&nodes[0]), 0);
	assert_int_equal(tick(&nodes[1]), 0);
	assert_int_equal(tick(&nodes[0]), 0);
	assert_int_equal(cluster_stats_poll(nodes[0].cl, t, &st, &err), 0);
	/* Node 2's next flush learns the barrier id in its reply: what it
	 * pushed was snapshot before it, so that is no ack yet. */
	assert_int_equal(tick(&nodes[2]), 0);
	assert_int_equal(tick(&nodes[0]), 0);
	assert_int_equal(cluster_stats_poll(nodes[0].cl, t, &st, &err), 0);
	/* The flush after that acks it (node 1's too); node 0 then reads. */
	assert_int_equal(tick(&nodes[1]), 0);
	assert_int_equal(tick(&nodes[0]), 0);
	assert_int_equal(cluster_stats_poll(nodes[0].cl, t, &st, &err), 0);
	assert_int_equal(tick(&nodes[2]), 0);
	assert_int_equal(tick(&nodes[0]), 0);
	assert_int_equal(cluster_stats_poll(nodes[0].cl, t, &st, &err), 1);
	assert_int_equal(st.total_requests, 1);
	assert_int_equal(st.unique_users, 1);
}

static void
test_cluster_stats_barrier_times_out_on_a_stalled_node(void **state)
{
	struct mrc_stats st;
	const char *err = NULL;
	uint64_t t;
	int rc = 0;

	tick_all();
	t = cluster_stats_request(nodes[0].cl);
	/* Node 2 is alive (its liveness is fresh) but never flushes. */
	for (int i = 0; i < 600 && rc == 0; i++) {
		tick(&nodes[0]);
		tick(&nodes[1]);
		if (i % 100 == 0)
			world.nodes[2].live_until = world.now + 3000;
		rc = cluster_stats_poll(nodes[0].cl, t, &st, &err);
	}
	assert_int_equal(rc, -ETIMEDOUT);
	assert_non_null(strstr(err, "timed out"));
}

static void
test_cluster_dead_node_totals_stay_and_do_not_block(void **state)
{
	event(&nodes[2], "x", 1.0);
	event(&nodes[2], "y", 1.0);
	tick_all();
	/* Node 2 dies (kill -9): no more flushes; its liveness expires. */
	world.now += 4000;
	for (int r = 0; r < 5; r++) {
		tick(&nodes[0]);
		tick(&nodes[1]);
	}
	{
		uint64_t t = cluster_stats_request(nodes[1].cl);
		struct mrc_stats st;
		const char *err;
		int rc = 0;

		for (int i = 0; i < 5 && rc == 0; i++) {
			tick(&nodes[0]);
			tick(&nodes[1]);
			rc = cluster_stats_poll(nodes[1].cl, t, &st, &err);
		}
		assert_int_equal(rc, 1);
		assert_int_equal(st.total_requests, 2);
		assert_int_equal(st.unique_users, 2);
	}
}

static void
test_cluster_reset_generation_applies_on_every_node(void **state)
{
	const char *err = NULL;
	uint64_t t;
	int rc = 0;

	event(&nodes[0], "a", 1.0);
	event(&nodes[1], "b", 1.0);
	tick_all();
	t = cluster_reset_request(nodes[0].cl);
	assert_int_equal(tick(&nodes[0]), 0);
	assert_int_equal(cluster_reset_poll(nodes[0].cl, t, &err), 0);
	/* Racing the reset, on a node that has not seen it: counted in the
	 * old generation, so not in the new one. */
	event(&nodes[1], "racer", 5.0);
	for (int i = 0; i < 5 && rc == 0; i++) {
		tick_all();
		rc = cluster_reset_poll(nodes[0].cl, t, &err);
	}
	assert_int_equal(rc, 1);
	expect_totals(&nodes[2], 0, 0, NULL);
	/* After the reset answered, every node counts in the new one. */
	event(&nodes[1], "b", 2.0);
	event(&nodes[2], "c", 3.0);
	expect_totals(&nodes[0], 2, 2,
		      "{\"totalRequests\":2,\"uniqueUsers\":2,"
		      "\"sum\":5.0,\"avg\":2.5}");
	assert_int_equal(fake_users(&world, world.gen), 2);
}

static void
test_cluster_store_down_503_then_everything_pushed_again(void **state)
{
	struct mrc_stats st;
	const char *err = NULL;
	uint64_t t;

	event(&nodes[0], "a", 1.0);
	tick_all();
	world.down = true;
	for (int i = 0; i < 30; i++) {
		char u[8];

		snprintf(u, sizeof(u), "d%d", i);
		event(&nodes[i % NNODES], u, 0.5);
	}
	t = cluster_stats_request(nodes[1].cl);
	for (int i = 0; i < NNODES; i++)
		assert_true(tick(&nodes[i]) < 0);
	assert_int_equal(cluster_stats_poll(nodes[1].cl, t, &st, &err),
			 -EAGAIN);
	assert_non_null(strstr(err, "unreachable"));
	/* The store comes back empty (a restart without persistence). */
	fake_wipe(&world);
	world.now += 1000;
	expect_totals(&nodes[2], 31, 31, NULL);
}

static void
test_cluster_durable_mark_needs_a_confirmed_flush(void **state)
{
	uint64_t mark;

	node_close(&nodes[0]);
	node_open(&nodes[0], "n0", CLUSTER_ACK_DURABLE);
	assert_true(cluster_durable(nodes[0].cl));
	event(&nodes[0], "a", 1.0);
	mark = cluster_durable_mark(nodes[0].cl);
	assert_false(cluster_durable_done(nodes[0].cl, mark));
	world.down = true;
	tick(&nodes[0]);
	assert_false(cluster_durable_done(nodes[0].cl, mark));
	world.down = false;
	world.now += 1000;
	assert_int_equal(tick(&nodes[0]), 0);
	assert_true(cluster_durable_done(nodes[0].cl, mark));
	assert_int_equal(world.nodes[0].rec.count, 1);
}

static void
test_cluster_restarted_node_goes_on_from_its_record(void **state)
{
	event(&nodes[0], "a", 1.0);
	event(&nodes[0], "b", 1.0);
	tick_all();
	/* SIGTERM: final flush and leave; then the process starts again. */
	assert_int_equal(cluster_stop(nodes[0].cl, 100), 0);
	node_close(&nodes[0]);
	node_open(&nodes[0], "n0", CLUSTER_ACK_FAST);
	event(&nodes[0], "c", 1.0);
	expect_totals(&nodes[1], 3, 3, NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(test_cluster_totals_merge_exact_across_nodes),
		T(test_cluster_push_duplicated_reordered_retried_changes_nothing),
		T(test_cluster_stats_waits_for_every_live_node_barrier),
		T(test_cluster_stats_barrier_times_out_on_a_stalled_node),
		T(test_cluster_dead_node_totals_stay_and_do_not_block),
		T(test_cluster_reset_generation_applies_on_every_node),
		T(test_cluster_store_down_503_then_everything_pushed_again),
		T(test_cluster_durable_mark_needs_a_confirmed_flush),
		T(test_cluster_restarted_node_goes_on_from_its_record),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
