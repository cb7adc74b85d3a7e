/* SPDX-License-Identifier: BSD-3-Clause */
/* cluster.c: a cluster node: creation, the data lcores' side, rounds, counters. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/mrc_store.h"
#include "cluster/cluster_priv.h"

#define CL_RING_DEFAULT (1u << 20)

static uint64_t
cl_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static bool
cl_node_id_ok(const char *id)
{
	size_t n = id ? strlen(id) : 0;

	if (n == 0 || n > 63)
		return false;
	for (size_t i = 0; i < n; i++) {
		char ch = id[i];

		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		      (ch >= '0' && ch <= '9') || ch == '_' || ch == '.' ||
		      ch == '-'))
			return false;
	}
	return true;
}

struct cluster *
cluster_create(const struct cluster_params *p)
{
	struct cluster *c = NULL;
	uint64_t cap = p->ring_bytes ? p->ring_bytes : CL_RING_DEFAULT;
	struct mrc_stats st;
	int err = EINVAL;

	if (!p->mrc || !p->store.ops || !cl_node_id_ok(p->node_id) ||
	    p->nb_lcores == 0 || p->nb_lcores > MRC_MAX_LCORES ||
	    (cap & (cap - 1)) || cap < 4096)
		goto fail;
	err = ENOMEM;
	c = aligned_alloc(CL_CACHE_LINE, sizeof(*c));
	if (!c)
		goto fail;
	memset(c, 0, sizeof(*c));
	c->rings = aligned_alloc(CL_CACHE_LINE,
				 sizeof(*c->rings) * p->nb_lcores);
	if (!c->rings)
		goto fail_c;
	memset(c->rings, 0, sizeof(*c->rings) * p->nb_lcores);
	for (unsigned int i = 0; i < p->nb_lcores; i++) {
		c->rings[i].cap = cap;
		c->rings[i].buf = malloc(cap);
		if (!c->rings[i].buf)
			goto fail_rings;
	}
	c->nb_lcores = p->nb_lcores;
	c->mrc = p->mrc;
	c->store = p->store;
	c->now_ms = p->now_ms ? p->now_ms : cl_now_ms;
	snprintf(c->node, sizeof(c->node), "%s", p->node_id);
	c->flush_ms = p->flush_ms ? p->flush_ms : 10;
	c->live_ttl_ms = p->live_ttl_ms ? p->live_ttl_ms : 3000;
	c->barrier_timeout_ms =
		p->barrier_timeout_ms ? p->barrier_timeout_ms : 5000;
	c->durable = p->ack == CLUSTER_ACK_DURABLE;
	mrc_store_stats(c->mrc, &st);
	c->lgen = st.generation;
	c->state = CLUSTER_CONNECTING;
	return c;

fail_rings:
	for (unsigned int i = 0; i < p->nb_lcores; i++)
		free(c->rings[i].buf);
	free(c->rings);
fail_c:
	free(c);
fail:
	if (p->store.ops)
		p->store.ops->close(p->store.st);
	errno = err;
	return NULL;
}

void
cluster_free(struct cluster *c)
{
	if (!c)
		return;
	cluster_stop(c, 0);
	c->store.ops->close(c->store.st);
	for (unsigned int i = 0; i < c->nb_lcores; i++)
		free(c->rings[i].buf);
	free(c->rings);
	free(c->log.buf);
	free(c);
}

/* ---- data lcores ---- */

bool
cluster_user_room(struct cluster *c, unsigned int idx, size_t len)
{
	return idx < c->nb_lcores && cl_ring_room(&c->rings[idx], len);
}

void
cluster_user_add(struct cluster *c, unsigned int idx, uint64_t lgen,
		 const void *id, size_t len)
{
	cl_ring_put(&c->rings[idx], lgen, id, len);
}

void
cluster_count_ring_full(struct cluster *c, unsigned int idx)
{
	struct cl_ring *r = &c->rings[idx < c->nb_lcores ? idx : 0];

	__atomic_store_n(&r->ring_full, r->ring_full + 1, __ATOMIC_RELAXED);
}

uint64_t
cluster_durable_mark(struct cluster *c)
{
	/* The event's record (stores) before the epoch load; the pusher
	 * bumps the epoch before its snapshot (loads): a store-load pair on
	 * each side, so both need the full fence. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	return __atomic_load_n(&c->epoch, __ATOMIC_SEQ_CST) + 1;
}

bool
cluster_durable_done(const struct cluster *c, uint64_t mark)
{
	return cl_ld(&c->confirmed) >= mark;
}

bool
cluster_durable(const struct cluster *c)
{
	return c->durable;
}

/* ---- rounds ---- */

static uint64_t
cl_round_request(struct cl_round *r)
{
	return __atomic_add_fetch(&r->req, 1, __ATOMIC_ACQ_REL);
}

/* 1 and *sum, < 0 failed, 0 not answered yet. */
static int
cl_round_poll(struct cl_round *r, uint64_t ticket, struct cluster_sum *sum)
{
	uint64_t s1, s2, hi;
	int rc;

	do {
		s1 = cl_ld(&r->res_seq);
		if (s1 & 1)
			return 0;
		hi = __atomic_load_n(&r->res_hi, __ATOMIC_RELAXED);
		rc = __atomic_load_n(&r->res_rc, __ATOMIC_RELAXED);
		if (sum)
			memcpy(sum, &r->res_sum, sizeof(*sum));
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		s2 = __atomic_load_n(&r->res_seq, __ATOMIC_RELAXED);
	} while (s1 != s2);
	return hi >= ticket ? rc : 0;
}

static const char *
cl_round_err(int rc)
{
	return rc == -ETIMEDOUT ?
	       "cluster barrier timed out: a live node did not flush" :
	       "cluster store unreachable: totals unavailable";
}

uint64_t
cluster_stats_request(struct cluster *c)
{
	return cl_round_request(&c->stats);
}

int
cluster_stats_poll(struct cluster *c, uint64_t ticket, struct mrc_stats *out,
		   const char **err)
{
	struct cluster_sum s;
	int rc = cl_round_poll(&c->stats, ticket, &s);

	if (rc < 0)
		*err = cl_round_err(rc);
	if (rc <= 0)
		return rc;
	memset(out, 0, sizeof(*out));
	out->total_requests = s.count;
	out->unique_users = s.users;
	out->sum_exact = s.sum_exact;
	out->sum_inexact = s.sum_inexact;
	out->n_inexact = s.n_inexact;
	out->generation = __atomic_load_n(&c->gen, __ATOMIC_RELAXED);
	mrc_stats_finish(out);
	return 1;
}

uint64_t
cluster_reset_request(struct cluster *c)
{
	return cl_round_request(&c->reset);
}

int
cluster_reset_poll(struct cluster *c, uint64_t ticket, const char **err)
{
	int rc = cl_round_poll(&c->reset, ticket, NULL);

	if (rc < 0)
		*err = cl_round_err(rc);
	return rc;
}

/* ---- counters ---- */

const char *
cluster_state_name(enum cluster_state s)
{
	switch (s) {
	case CLUSTER_CONNECTING:
		return "connecting";
	case CLUSTER_UP:
		return "up";
	case CLUSTER_DOWN:
		return "down";
	case CLUSTER_STOPPED:
		return "stopped";
	}
	return "?";
}

#define rd(x) __atomic_load_n(&(x), __ATOMIC_RELAXED)

void
cluster_counters(struct cluster *c, struct cluster_counters *out)
{
	uint64_t now = c->now_ms();

	memset(out, 0, sizeof(*out));
	out->state = rd(c->state);
	out->gen = rd(c->gen);
	out->seq = rd(c->last.seq);
	out->count = rd(c->last.count);
	out->flushes = rd(c->flushes);
	out->errors = rd(c->errors);
	out->reconnects = rd(c->reconnects);
	out->last_flush_ms = rd(c->last_flush_ms);
	out->lag_ms = out->last_flush_ms && now > out->last_flush_ms ?
		      now - out->last_flush_ms : 0;
	out->users_pushed = rd(c->log.pushed);
	out->users_pending = rd(c->log.n) - out->users_pushed;
	out->barriers = rd(c->barriers);
	out->barrier_fails = rd(c->barrier_fails);
	out->barrier_last_us = rd(c->barrier_last_us);
	out->resets = rd(c->resets);
	for (unsigned int i = 0; i < c->nb_lcores; i++)
		out->ring_full += rd(c->rings[i].ring_full);
	out->live_nodes = rd(c->live_nodes);
	out->flush_ms = c->flush_ms;
	out->durable = c->durable;
	snprintf(out->node_id, sizeof(out->node_id), "%s", c->node);
}
