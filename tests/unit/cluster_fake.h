/* SPDX-License-Identifier: BSD-3-Clause */
/* cluster_fake.h: an in-memory cluster store for the unit tests, with faults. */
#ifndef LR_TESTS_CLUSTER_FAKE_H
#define LR_TESTS_CLUSTER_FAKE_H

#include <stdbool.h>
#include <stdint.h>

#include "cluster/cluster_store.h"

struct cluster;
struct mrc_store;

#define FAKE_NODES 8
#define FAKE_USERS 4096
#define FAKE_LOG 256

/* One push as the store received it (to replay it later). */
struct fake_push {
	char node[64];
	uint64_t gen;
	bool has_rec;
	struct cluster_rec rec;
	uint32_t n_users;
	char users[8][32];
};

struct fake_node {
	char id[64];
	bool has_rec;
	struct cluster_rec rec;
	uint64_t live_until; /* fake ms */
};

/* The shared state: what Redis would hold. Several nodes' stores point at
 * one fake_world. */
struct fake_world {
	uint64_t now;	      /* fake clock, ms (the nodes' now_ms reads it) */
	uint64_t gen, barrier;
	bool has_gen; /* the counters exist (false after a wipe) */
	struct fake_node nodes[FAKE_NODES];
	unsigned int nb_nodes;
	char users[FAKE_USERS][32];
	uint64_t user_gen[FAKE_USERS];
	unsigned int nb_users;
	bool down;	      /* every operation fails with -EIO */
	bool lose_replies;    /* pushes apply, but the reply is lost: -EIO */
	struct fake_push log[FAKE_LOG]; /* pushes applied, in order */
	unsigned int nb_log;
	uint64_t pushes;
};

/* A store over world (one per node). */
void fake_store_open(struct fake_world *w, struct cluster_store *out);

/* Apply a logged push again (duplicate, reordered, retried). */
void fake_replay(struct fake_world *w, const struct fake_push *p);

/* A Redis restart without persistence: everything forgotten. */
void fake_wipe(struct fake_world *w);

/* Users of generation gen in the set. */
unsigned int fake_users(const struct fake_world *w, uint64_t gen);

/* What the /event route does on lcore 0: asserts room for user in cl,
 * records the exact event (value, scaled) in mrc, and queues user when
 * it is new to the generation. */
void fake_event(struct mrc_store *mrc, struct cluster *cl, const char *user,
		double value, __int128 scaled);

/* The fake clock for cluster_params.now_ms (the world set by fake_store_open). */
uint64_t fake_now_ms(void);

#endif
