/* SPDX-License-Identifier: BSD-3-Clause */
/* cluster_fake.c: an in-memory cluster store for the unit tests, with faults. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/mrc_store.h"
#include "cluster/cluster.h"
#include "cluster_fake.h"

static struct fake_world *fake_clock_world;

uint64_t
fake_now_ms(void)
{
	return fake_clock_world ? fake_clock_world->now : 0;
}

struct fake_store {
	struct fake_world *w;
	bool connected;
};

static struct fake_node *
fake_node(struct fake_world *w, const char *id, bool create)
{
	for (unsigned int i = 0; i < w->nb_nodes; i++)
		if (strcmp(w->nodes[i].id, id) == 0)
			return &w->nodes[i];
	if (!create || w->nb_nodes == FAKE_NODES)
		return NULL;
	snprintf(w->nodes[w->nb_nodes].id, sizeof(w->nodes[0].id), "%s", id);
	return &w->nodes[w->nb_nodes++];
}

static void
fake_sadd(struct fake_world *w, uint64_t gen, const char *id, size_t len)
{
	char key[32];

	snprintf(key, sizeof(key), "%.*s", (int)len, id);
	for (unsigned int i = 0; i < w->nb_users; i++)
		if (w->user_gen[i] == gen && strcmp(w->users[i], key) == 0)
			return;
	if (w->nb_users == FAKE_USERS)
		return;
	memcpy(w->users[w->nb_users], key, sizeof(key));
	w->user_gen[w->nb_users++] = gen;
}

/* What the Redis script does, step for step. */
static void
fake_apply(struct fake_world *w, const char *node, uint64_t gen,
	   const struct cluster_rec *rec, const char *const *users,
	   const uint16_t *lens, size_t n, uint32_t ttl)
{
	struct fake_node *fn = fake_node(w, node, true);

	if (gen >= w->gen)
		for (size_t i = 0; i < n; i++)
			fake_sadd(w, gen, users[i], lens[i]);
	fn->live_until = w->now + ttl;
	if (rec && (!fn->has_rec || rec->gen > fn->rec.gen ||
		    (rec->gen == fn->rec.gen && rec->seq > fn->rec.seq))) {
		fn->rec = *rec;
		fn->has_rec = true;
	}
}

static int
fake_connect(void *st)
{
	struct fake_store *s = st;

	if (s->w->down)
		return -ECONNREFUSED;
	s->connected = true;
	return 0;
}

static int
fake_check(struct fake_store *s)
{
	if (s->w->down)
		s->connected = false;
	return s->connected ? 0 : -EIO;
}

static int
fake_push(void *st, const char *node, uint64_t gen,
	  const struct cluster_rec *rec, const char *const *users,
	  const uint16_t *lens, size_t n, uint32_t ttl,
	  struct cluster_view *view)
{
	struct fake_store *s = st;
	struct fake_world *w = s->w;

	if (fake_check(s))
		return -EIO;
	fake_apply(w, node, gen, rec, users, lens, n, ttl);
	w->pushes++;
	if (w->nb_log < FAKE_LOG) {
		struct fake_push *p = &w->log[w->nb_log++];

		memset(p, 0, sizeof(*p));
		snprintf(p->node, sizeof(p->node), "%s", node);
		p->gen = gen;
		p->has_rec = rec != NULL;
		if (rec)
			p->rec = *rec;
		for (size_t i = 0; i < n && i < 8; i++)
			snprintf(p->users[p->n_users++], 32, "%.*s",
				 (int)lens[i], users[i]);
	}
	view->gen = w->gen;
	view->barrier = w->barrier;
	view->nodes = w->nb_nodes;
	if (w->lose_replies) {
		s->connected = false;
		return -EIO;
	}
	return 0;
}

void
fake_replay(struct fake_world *w, const struct fake_push *p)
{
	const char *ids[8];
	uint16_t lens[8];

	for (uint32_t i = 0; i < p->n_users; i++) {
		ids[i] = p->users[i];
		lens[i] = (uint16_t)strlen(p->users[i]);
	}
	fake_apply(w, p->node, p->gen, p->has_rec ? &p->rec : NULL, ids, lens,
		   p->n_users, 3000);
}

static int
fake_read(void *st, const char *node, struct cluster_rec *rec,
	  struct cluster_view *view)
{
	struct fake_store *s = st;
	struct fake_node *fn;

	if (fake_check(s))
		return -EIO;
	view->gen = s->w->gen;
	view->barrier = s->w->barrier;
	fn = fake_node(s->w, node, false);
	if (!fn || !fn->has_rec)
		return -ENOENT;
	*rec = fn->rec;
	return 0;
}

static int
fake_raise(void *st, struct cluster_view *view, const char (*peers)[64],
	   size_t n, uint32_t ttl)
{
	struct fake_store *s = st;
	struct fake_world *w = s->w;

	if (fake_check(s))
		return -EIO;
	if (!w->has_gen)
		for (size_t i = 0; i < n; i++) {
			struct fake_node *fn = fake_node(w, peers[i], true);

			if (fn && fn->live_until <= w->now)
				fn->live_until = w->now + ttl;
		}
	w->has_gen = true;
	if (view->gen > w->gen)
		w->gen = view->gen;
	if (view->barrier > w->barrier)
		w->barrier = view->barrier;
	view->gen = w->gen;
	view->barrier = w->barrier;
	return 0;
}

static int
fake_members(void *st, char (*ids)[64], size_t max, size_t *n)
{
	struct fake_store *s = st;

	if (fake_check(s))
		return -EIO;
	*n = 0;
	for (unsigned int i = 0; i < s->w->nb_nodes && *n < max; i++)
		snprintf(ids[(*n)++], 64, "%s", s->w->nodes[i].id);
	return 0;
}

static int
fake_bump_gen(void *st, uint64_t *out)
{
	struct fake_store *s = st;

	if (fake_check(s))
		return -EIO;
	*out = ++s->w->gen;
	return 0;
}

static int
fake_bump_barrier(void *st, uint64_t *out)
{
	struct fake_store *s = st;

	if (fake_check(s))
		return -EIO;
	*out = ++s->w->barrier;
	return 0;
}

static int
fake_gather(void *st, uint64_t gen, uint64_t barrier, struct cluster_sum *out)
{
	struct fake_store *s = st;
	struct fake_world *w = s->w;

	if (fake_check(s))
		return -EIO;
	memset(out, 0, sizeof(*out));
	out->users = fake_users(w, gen);
	for (unsigned int i = 0; i < w->nb_nodes; i++) {
		const struct fake_node *fn = &w->nodes[i];
		bool live = fn->live_until > w->now;

		if (live) {
			out->live++;
			if (!fn->has_rec || fn->rec.gen < gen ||
			    fn->rec.ack < barrier)
				out->pending++;
		}
		if (!fn->has_rec || fn->rec.gen != gen)
			continue;
		out->nodes++;
		out->count += fn->rec.count;
		out->sum_exact += fn->rec.sum_exact;
		out->sum_inexact += fn->rec.sum_inexact;
		out->n_inexact += fn->rec.n_inexact;
	}
	return 0;
}

static int
fake_leave(void *st, const char *node)
{
	struct fake_store *s = st;
	struct fake_node *fn;

	if (fake_check(s))
		return -EIO;
	fn = fake_node(s->w, node, false);
	if (fn)
		fn->live_until = 0;
	return 0;
}

static void
fake_close(void *st)
{
	free(st);
}

static const struct cluster_store_ops fake_ops = {
	.connect = fake_connect,
	.push = fake_push,
	.read = fake_read,
	.raise = fake_raise,
	.members = fake_members,
	.bump_gen = fake_bump_gen,
	.bump_barrier = fake_bump_barrier,
	.gather = fake_gather,
	.leave = fake_leave,
	.close = fake_close,
};

void
fake_store_open(struct fake_world *w, struct cluster_store *out)
{
	struct fake_store *s = calloc(1, sizeof(*s));

	s->w = w;
	fake_clock_world = w;
	out->ops = &fake_ops;
	out->st = s;
}

void
fake_wipe(struct fake_world *w)
{
	uint64_t now = w->now;

	memset(w, 0, sizeof(*w));
	w->now = now;
}

unsigned int
fake_users(const struct fake_world *w, uint64_t gen)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < w->nb_users; i++)
		n += w->user_gen[i] == gen;
	return n;
}

void
fake_event(struct mrc_store *mrc, struct cluster *cl, const char *user,
	   double value, __int128 scaled)
{
	struct mrc_event ev;
	uint64_t lgen;
	int rc;

	memset(&ev, 0, sizeof(ev));
	ev.user_len = strlen(user);
	memcpy(ev.user, user, ev.user_len);
	ev.value = value;
	ev.exact = true;
	ev.scaled = scaled;
	assert_true(cluster_user_room(cl, 0, ev.user_len));
	rc = mrc_store_record_gen(mrc, 0, &ev, &lgen);
	assert_true(rc >= 0);
	if (rc == 1)
		cluster_user_add(cl, 0, lgen, user, ev.user_len);
}
