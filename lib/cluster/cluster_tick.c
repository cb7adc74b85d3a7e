/* SPDX-License-Identifier: BSD-3-Clause */
/* cluster_tick.c: the service thread: drain, snapshot, push, barrier, reset. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/mrc_store.h"
#include "cluster/cluster_priv.h"

#define wr(x, v) __atomic_store_n(&(x), (v), __ATOMIC_RELAXED)

/* Publish a round's answer for every ticket up to hi. */
static void
cl_publish(struct cl_round *r, uint64_t hi, int rc,
	   const struct cluster_sum *sum)
{
	uint64_t s = r->res_seq;

	cl_st(&r->res_seq, s + 1);
	__atomic_thread_fence(__ATOMIC_RELEASE);
	wr(r->res_hi, hi);
	wr(r->res_rc, rc);
	if (sum)
		r->res_sum = *sum;
	cl_st(&r->res_seq, s + 2);
	r->running = false;
}

/* Requests that cannot be served now (store down): answer them. */
static void
cl_refuse_pending(struct cl_round *r, int rc)
{
	uint64_t req = cl_ld(&r->req);

	if (r->running || req > r->taken) {
		r->taken = req;
		cl_publish(r, req, rc, NULL);
	}
}

static int
cl_fail(struct cluster *c, int rc)
{
	c->connected = false;
	wr(c->state, CLUSTER_DOWN);
	wr(c->errors, c->errors + 1);
	c->retry_at = c->now_ms() + CL_RETRY_MS;
	cl_refuse_pending(&c->stats, -EAGAIN);
	cl_refuse_pending(&c->reset, -EAGAIN);
	return rc;
}

static void
cl_log_clear(struct cl_log *l)
{
	l->len = 0;
	wr(l->n, 0);
	wr(l->pushed, 0);
	l->pushed_off = 0;
}

/* A new local generation: totals and users start from zero. */
static void
cl_adopt_lgen(struct cluster *c, uint64_t lgen)
{
	c->lgen = lgen;
	memset(&c->base, 0, sizeof(c->base));
	cl_log_clear(&c->log);
}

/* Cluster generation g replaced ours: reset the local store first. */
static int
cl_apply_gen(struct cluster *c, uint64_t g)
{
	struct mrc_stats st;
	int rc = mrc_store_reset(c->mrc, -1);

	/* -ETIMEDOUT: switched all the same (a late event of a stalled
	 * lcore lands in the discarded generation). */
	if (rc < 0 && rc != -ETIMEDOUT)
		return rc;
	mrc_store_stats(c->mrc, &st);
	cl_adopt_lgen(c, st.generation);
	wr(c->gen, g);
	wr(c->resets, c->resets + 1);
	return 0;
}

static int
cl_connect(struct cluster *c)
{
	const struct cluster_store_ops *o = c->store.ops;
	struct cluster_view v = { .gen = c->gen, .barrier = c->ack };
	struct cluster_rec rec;
	int rc;

	rc = o->connect(c->store.st);
	/* A store that restarted empty gets our generation and barrier
	 * back, so ids already handed out never repeat. */
	if (rc == 0)
		rc = o->raise(c->store.st, &v, (const char (*)[64])c->peers,
			      c->npeers, c->live_ttl_ms);
	if (rc == 0)
		rc = o->members(c->store.st, c->peers, CLUSTER_MAX_NODES,
				&c->npeers);
	if (rc == 0 && !c->base_loaded) {
		/* A restarted node goes on from its last record. */
		rc = o->read(c->store.st, c->node, &rec, &v);
		if (rc == 0) {
			c->seq = rec.seq;
			if (rec.gen == v.gen) {
				c->base = rec;
				c->base.ack = 0;
			}
		}
		if (rc == -ENOENT)
			rc = 0;
		if (rc == 0) {
			wr(c->gen, v.gen);
			c->base_loaded = true;
		}
	}
	if (rc < 0)
		return cl_fail(c, rc);
	if (v.barrier > c->ack)
		c->ack = v.barrier;
	c->connected = true;
	c->ever = true;
	/* Everything again: the store may have lost what it had. */
	wr(c->log.pushed, 0);
	c->log.pushed_off = 0;
	wr(c->reconnects, c->reconnects + 1);
	wr(c->state, CLUSTER_UP);
	return 0;
}

static int
cl_log_reserve(struct cl_log *l, size_t more)
{
	size_t cap = l->cap ? l->cap : 65536;
	unsigned char *b;

	if (l->len + more <= l->cap)
		return 0;
	while (cap < l->len + more)
		cap *= 2;
	b = realloc(l->buf, cap);
	if (!b)
		return -ENOMEM;
	l->buf = b;
	l->cap = cap;
	return 0;
}

/* Move the lcores' new ids into the log (ids of a dropped generation are
 * discarded). Stops early when memory runs out: the rest stays queued. */
static void
cl_drain(struct cluster *c)
{
	for (unsigned int i = 0; i < c->nb_lcores; i++) {
		struct cl_ring *r = &c->rings[i];
		const unsigned char *id;
		uint64_t lgen;
		uint32_t len;

		while (cl_log_reserve(&c->log, 2 + 65535) == 0 &&
		       cl_ring_get(r, &lgen, &id, &len)) {
			uint16_t l16 = (uint16_t)len;

			if (lgen < c->lgen)
				continue;
			if (lgen > c->lgen)
				cl_adopt_lgen(c, lgen);
			memcpy(c->log.buf + c->log.len, &l16, 2);
			memcpy(c->log.buf + c->log.len + 2, id, len);
			c->log.len += 2 + len;
			wr(c->log.n, c->log.n + 1);
		}
		cl_ring_release(r);
	}
}

/* Push the log's unconfirmed ids in batches, rec with the last batch. */
static int
cl_push(struct cluster *c, const struct cluster_rec *rec,
	struct cluster_view *v)
{
	const struct cluster_store_ops *o = c->store.ops;
	const char *ids[CL_BATCH];
	uint16_t lens[CL_BATCH];
	int rc;

	for (;;) {
		size_t off = c->log.pushed_off, n = 0;
		uint64_t left = c->log.n - c->log.pushed;
		bool last = left <= CL_BATCH;

		while (n < CL_BATCH && off < c->log.len) {
			memcpy(&lens[n], c->log.buf + off, 2);
			ids[n] = (const char *)c->log.buf + off + 2;
			off += 2 + lens[n];
			n++;
		}
		rc = o->push(c->store.st, c->node, c->gen, last ? rec : NULL, ids,
			     lens, n, c->live_ttl_ms, v);
		if (rc < 0)
			return rc;
		c->log.pushed_off = off;
		wr(c->log.pushed, c->log.pushed + n);
		if (last)
			return 0;
	}
}

/* Open round r when tickets wait and none runs: bump() gives the new
 * round's target (*id). Returns 1 when opened, 0 when not, or bump's
 * negative errno. */
static int
cl_round_open(struct cluster *c, struct cl_round *r,
	      int (*bump)(void *st, uint64_t *out), uint64_t now, uint64_t *id)
{
	uint64_t req = cl_ld(&r->req);
	int rc;

	if (r->running || req <= r->taken)
		return 0;
	rc = bump(c->store.st, id);
	if (rc < 0)
		return rc;
	r->taken = req;
	r->running = true;
	r->target = *id;
	r->started = now;
	r->deadline = now + c->barrier_timeout_ms;
	return 1;
}

/* Start the rounds requested since the last tick (before the snapshot:
 * the barrier this node acks must precede the totals it pushes). */
static int
cl_rounds_start(struct cluster *c, uint64_t now)
{
	const struct cluster_store_ops *o = c->store.ops;
	uint64_t id;
	int rc;

	rc = cl_round_open(c, &c->reset, o->bump_gen, now, &id);
	if (rc < 0)
		return rc;
	if (rc == 1 && id > c->gen)
		cl_apply_gen(c, id); /* -EBUSY: again after the push */
	rc = cl_round_open(c, &c->stats, o->bump_barrier, now, &id);
	if (rc < 0)
		return rc;
	if (rc == 1 && id > c->ack)
		c->ack = id;
	return 0;
}

static int
cl_rounds_check(struct cluster *c, uint64_t now, const struct cluster_view *v)
{
	const struct cluster_store_ops *o = c->store.ops;
	struct cluster_sum sum;
	int rc;

	if (c->reset.running) {
		rc = o->gather(c->store.st, c->reset.target, 0, &sum);
		if (rc < 0)
			return rc;
		if (sum.pending == 0 && c->gen >= c->reset.target)
			cl_publish(&c->reset, c->reset.taken, 1, NULL);
		else if (now >= c->reset.deadline)
			cl_publish(&c->reset, c->reset.taken, -ETIMEDOUT, NULL);
	}
	/* Totals of the generation this node counts in, once it is the
	 * cluster's and every live node flushed past the barrier. */
	if (c->stats.running && c->gen == v->gen &&
	    c->last.ack >= c->stats.target) {
		rc = o->gather(c->store.st, c->gen, c->stats.target, &sum);
		if (rc < 0)
			return rc;
		wr(c->live_nodes, sum.live);
		if (sum.pending == 0) {
			wr(c->barrier_last_us, (now - c->stats.started) * 1000);
			wr(c->barriers, c->barriers + 1);
			cl_publish(&c->stats, c->stats.taken, 1, &sum);
		}
	}
	if (c->stats.running && now >= c->stats.deadline) {
		wr(c->barrier_fails, c->barrier_fails + 1);
		cl_publish(&c->stats, c->stats.taken, -ETIMEDOUT, NULL);
	}
	return 0;
}

int
cluster_tick(struct cluster *c)
{
	struct cluster_view v = { 0 };
	struct cluster_rec rec;
	struct mrc_stats st;
	uint64_t now = c->now_ms(), epoch;
	int rc;

	if (!c->connected) {
		if (now < c->retry_at) {
			cl_refuse_pending(&c->stats, -EAGAIN);
			cl_refuse_pending(&c->reset, -EAGAIN);
			return -ENOTCONN;
		}
		rc = cl_connect(c);
		if (rc < 0)
			return rc;
	}
	rc = cl_rounds_start(c, now);
	if (rc < 0)
		return cl_fail(c, rc);
	/* The epoch before the snapshot (cluster_durable_mark). */
	epoch = __atomic_add_fetch(&c->epoch, 1, __ATOMIC_SEQ_CST);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	cl_drain(c);
	mrc_store_stats(c->mrc, &st);
	if (st.generation != c->lgen)
		cl_adopt_lgen(c, st.generation); /* a local reset (ctl) */
	rec = (struct cluster_rec){
		.gen = c->gen,
		.seq = ++c->seq,
		.count = c->base.count + st.total_requests,
		.sum_exact = c->base.sum_exact + st.sum_exact,
		.sum_inexact = c->base.sum_inexact + st.sum_inexact,
		.n_inexact = c->base.n_inexact + st.n_inexact,
		.ack = c->ack,
	};
	rc = cl_push(c, &rec, &v);
	if (rc < 0)
		return cl_fail(c, rc);
	c->last = rec;
	wr(c->flushes, c->flushes + 1);
	wr(c->last_flush_ms, now);
	cl_st(&c->confirmed, epoch);
	if (v.barrier > c->ack)
		c->ack = v.barrier;
	if (v.gen > c->gen)
		cl_apply_gen(c, v.gen); /* -EBUSY: the next tick retries */
	/* A member joined: learn it (a store restart re-registers it). */
	if (v.nodes != c->npeers &&
	    c->store.ops->members(c->store.st, c->peers, CLUSTER_MAX_NODES,
				  &c->npeers) < 0)
		return cl_fail(c, -EIO);
	rc = cl_rounds_check(c, now, &v);
	if (rc < 0)
		return cl_fail(c, rc);
	return 0;
}
