/* SPDX-License-Identifier: BSD-3-Clause */
/* cluster_thread.c: the service thread's loop, and the flush on stop. */
#include <errno.h>
#include <pthread.h>
#include <time.h>

#include "cluster/cluster_priv.h"

static void
cl_sleep_ms(uint32_t ms)
{
	struct timespec ts = { .tv_sec = ms / 1000,
			       .tv_nsec = (long)(ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* A request for a round cuts the wait short: /stats latency is then
 * about two flush periods (ours and the slowest other node's). */
static bool
cl_requested(struct cluster *c)
{
	return (!c->stats.running && cl_ld(&c->stats.req) > c->stats.taken) ||
	       (!c->reset.running && cl_ld(&c->reset.req) > c->reset.taken);
}

static void *
cl_thread(void *arg)
{
	struct cluster *c = arg;

	while (!cl_ld(&c->stop)) {
		uint64_t due = c->now_ms() + c->flush_ms;

		cluster_tick(c);
		while (!cl_ld(&c->stop) && c->now_ms() < due &&
		       !cl_requested(c))
			cl_sleep_ms(1);
	}
	return NULL;
}

int
cluster_start(struct cluster *c)
{
	int rc;

	if (c->thread_on)
		return -EBUSY;
	cl_st(&c->stop, 0);
	rc = pthread_create(&c->thread, NULL, cl_thread, c);
	if (rc)
		return -rc;
	pthread_setname_np(c->thread, "lr-cluster");
	c->thread_on = true;
	return 0;
}

int
cluster_stop(struct cluster *c, uint32_t timeout_ms)
{
	uint64_t end, flushes;
	int rc = -EAGAIN;

	if (c->state == CLUSTER_STOPPED)
		return 0;
	if (c->thread_on) {
		cl_st(&c->stop, 1);
		pthread_join(c->thread, NULL);
		c->thread_on = false;
	}
	/* The final flush: everything acknowledged so far. */
	end = c->now_ms() + timeout_ms;
	flushes = c->flushes;
	do {
		cluster_tick(c);
		if (c->flushes > flushes) {
			rc = 0;
			break;
		}
		cl_sleep_ms(CL_RETRY_MS / 4);
	} while (c->now_ms() < end);
	if (rc == 0 && c->connected)
		c->store.ops->leave(c->store.st, c->node);
	__atomic_store_n(&c->state, CLUSTER_STOPPED, __ATOMIC_RELAXED);
	return rc;
}
