/* SPDX-License-Identifier: BSD-3-Clause */
/* test_cluster_redis.c: the cluster over a real redis-server on a unix socket. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "api/mrc_format.h"
#include "api/mrc_store.h"
#include "cluster/cluster.h"
#include "cluster_fake.h"

#define NNODES 2

static char dir[] = "/tmp/lr-redis-XXXXXX";
static char sock[128];
static pid_t redis_pid;

struct node {
	struct mrc_store *mrc;
	struct cluster *cl;
};

static struct node nodes[NNODES];

static const char *
redis_bin(void)
{
	static const char *const paths[] = { "/usr/bin/redis-server",
					     "/usr/local/bin/redis-server",
					     "/usr/sbin/redis-server" };

	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
		if (access(paths[i], X_OK) == 0)
			return paths[i];
	return NULL;
}

static void
sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* redis-server on dir/redis.sock, no TCP, no persistence. */
static void
redis_start(void)
{
	struct stat sb;

	unlink(sock);
	redis_pid = fork();
	assert_true(redis_pid >= 0);
	if (redis_pid == 0) {
		execl(redis_bin(), "redis-server", "--port", "0",
		      "--unixsocket", sock, "--save", "", "--appendonly", "no",
		      "--dir", dir, "--loglevel", "warning", "--logfile", "/dev/null",
		      (char *)NULL);
		_exit(127);
	}
	for (int i = 0; i < 500 && stat(sock, &sb) != 0; i++)
		sleep_ms(10);
	assert_int_equal(stat(sock, &sb), 0);
}

static void
redis_stop(void)
{
	if (redis_pid > 0) {
		kill(redis_pid, SIGKILL);
		waitpid(redis_pid, NULL, 0);
	}
	redis_pid = 0;
	unlink(sock);
}

static void
node_open(struct node *n, const char *id)
{
	struct mrc_store_params mp = {
		.socket_id = -1,
		.max_users = 1 << 16,
		.arena_bytes = 4 << 20,
		.reset_timeout_ms = 50,
	};
	char addr[160];
	struct cluster_redis_params rp = { .addr = addr, .timeout_ms = 500 };
	struct cluster_params p = {
		.node_id = id,
		.flush_ms = 10,
		.nb_lcores = 1,
	};

	snprintf(addr, sizeof(addr), "unix:%s", sock);
	n->mrc = mrc_store_create(&mp);
	assert_non_null(n->mrc);
	assert_int_equal(mrc_store_lcore_online(n->mrc, 0), 0);
	p.mrc = n->mrc;
	assert_int_equal(cluster_redis_open(&rp, &p.store), 0);
	n->cl = cluster_create(&p);
	assert_non_null(n->cl);
}

static int
setup(void **state)
{
	if (!mkdtemp(dir))
		return -1;
	snprintf(sock, sizeof(sock), "%s/redis.sock", dir);
	redis_start();
	node_open(&nodes[0], "r0");
	node_open(&nodes[1], "r1");
	return 0;
}

static int
teardown(void **state)
{
	for (int i = 0; i < NNODES; i++) {
		cluster_free(nodes[i].cl);
		mrc_store_free(nodes[i].mrc);
	}
	redis_stop();
	rmdir(dir);
	return 0;
}

static void
event(struct node *n, const char *user, long tenths)
{
	fake_event(n->mrc, n->cl, user, (double)tenths / 10,
		   (__int128)tenths * (MRC_EXACT_SCALE / 10));
}

static int
tick(struct node *n)
{
	int rc;

	mrc_store_lcore_offline(n->mrc, 0);
	rc = cluster_tick(n->cl);
	mrc_store_lcore_online(n->mrc, 0);
	return rc;
}

static int
stats_via(struct node *n, struct mrc_stats *st)
{
	uint64_t t = cluster_stats_request(n->cl);
	const char *err;
	int rc = 0;

	for (int i = 0; i < 400 && rc == 0; i++) {
		for (int k = 0; k < NNODES; k++)
			tick(&nodes[k]);
		rc = cluster_stats_poll(n->cl, t, st, &err);
		if (rc == 0)
			sleep_ms(5);
	}
	return rc;
}

static void
load(int n_events, int n_users, const char *prefix)
{
	for (int i = 0; i < n_events; i++) {
		char u[24];

		snprintf(u, sizeof(u), "%s_%d", prefix, i % n_users);
		event(&nodes[i % NNODES], u, i % 1000 * 10 + 5);
	}
}

static void
test_cluster_redis_exact_reset_and_restart(void **state)
{
	struct mrc_stats st;
	const char *err;
	char buf[256];
	uint64_t t;
	int rc = 0;

	/* 3,000 events, values (i % 1000) + 0.5: sum 1,500,000.0 exactly. */
	load(3000, 1700, "user");
	assert_int_equal(stats_via(&nodes[1], &st), 1);
	assert_true(mrc_stats_json(&st, buf, sizeof(buf)) > 0);
	assert_string_equal(buf, "{\"totalRequests\":3000,\"uniqueUsers\":1700,"
				 "\"sum\":1500000.0,\"avg\":500.0}");

	/* Redis restarts empty mid-run (800 new users meanwhile): the
	 * nodes push everything again. */
	redis_stop();
	load(1000, 800, "late");
	assert_true(tick(&nodes[0]) < 0);
	assert_int_equal(stats_via(&nodes[0], &st), -EAGAIN);
	redis_start();
	sleep_ms(150);
	rc = stats_via(&nodes[0], &st);
	assert_int_equal(rc, 1);
	rc = 0;
	assert_int_equal(st.total_requests, 4000);
	assert_int_equal(st.unique_users, 2500);

	/* A reset through node 0 is seen by node 1. */
	t = cluster_reset_request(nodes[0].cl);
	for (int i = 0; i < 400 && rc == 0; i++) {
		tick(&nodes[0]);
		tick(&nodes[1]);
		rc = cluster_reset_poll(nodes[0].cl, t, &err);
	}
	assert_int_equal(rc, 1);
	event(&nodes[1], "after", 25);
	assert_int_equal(stats_via(&nodes[0], &st), 1);
	assert_true(mrc_stats_json(&st, buf, sizeof(buf)) > 0);
	assert_string_equal(buf, "{\"totalRequests\":1,\"uniqueUsers\":1,"
				 "\"sum\":2.5,\"avg\":2.5}");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
			test_cluster_redis_exact_reset_and_restart, setup,
			teardown),
	};

	if (!redis_bin()) {
		printf("# SKIP test_cluster_redis: redis-server not installed "
		       "(apt-get install redis-server)\n");
		return 77;
	}
	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
