/* SPDX-License-Identifier: BSD-3-Clause */
/* cluster_routes.c: scale-out wiring: the cluster node, its /event /stats
 * /reset handlers (deferred, never blocking a data lcore) and its
 * control command. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "app.h"
#include "api/mrc_format.h"
#include "api/mrc_json.h"
#include "api/mrc_json_compact.h"
#include "api/mrc_store.h"
#include "cluster/cluster.h"
#include "core/lcore.h"
#include "core/log.h"
#include "http/http.h"

/* How often a deferred answer looks again (the timer wheel's tick is
 * 128 us; a flush takes flush_ms). */
#define APP_CLUSTER_POLL_US 1000

static void
app_cluster_event_ok(struct http_exchange *x, const struct mrc_api *a)
{
	static const char ok[] = "{\"status\":\"ok\"}";

	if (a->cfg->mrc_event_status == 201)
		http_respond_json(x, 201, ok, sizeof(ok) - 1);
	else
		http_respond_empty(x, 200);
}

/* Durable mode: the answer waits for the flush that holds the event. */
static void
app_cluster_event_due(struct http_exchange *x, void *arg, uint64_t mark)
{
	const struct mrc_api *a = arg;

	if (cluster_durable_done(a->ext, mark))
		app_cluster_event_ok(x, a);
	else
		http_defer(x, APP_CLUSTER_POLL_US, app_cluster_event_due, arg,
			   mark);
}

/*
 * POST /event in a cluster: as mrc_event (lib/api/mrc.c), plus the new
 * user queued for the service thread. Room is checked before counting,
 * so a full ring answers 503 with nothing counted. The userId is parsed
 * without a copy (the compact body first, then mrc_json_parse_event_ref:
 * it may point into x->body);
 * cluster_user_add() copies its bytes into the ring before this handler
 * returns, so nothing refers to the request buffer once it is released
 * (the durable defer below keeps only the mark).
 */
static void
app_cluster_event(struct http_exchange *x)
{
	const struct mrc_api *a = x->arg;
	struct cluster *cl = a->ext;
	struct mrc_event ev;
	const char *err;
	uint64_t lgen, mark;
	int rc;

	if (!mrc_json_event_compact_inline(x->body, x->body_len,
					   a->cfg->mrc_max_user_len, &ev)) {
		rc = mrc_json_parse_event_ref(x->body, x->body_len,
					      a->cfg->mrc_max_user_len, &ev,
					      &err);
		if (rc < 0) {
			http_respond_error(x, 400, err);
			return;
		}
	}
	if (!cluster_user_room(cl, x->lc->idx, ev.user_len)) {
		cluster_count_ring_full(cl, x->lc->idx);
		http_respond_error(x, 503, "cluster backlog full, retry");
		return;
	}
	rc = mrc_store_record_gen(a->store, x->lc->idx, &ev, &lgen);
	if (rc == -ENOSPC) {
		http_respond_error(x, 507, "unique user capacity exhausted");
		return;
	}
	if (rc < 0) {
		http_respond_error(x, 500, "event not recorded");
		return;
	}
	if (rc == 1)
		cluster_user_add(cl, x->lc->idx, lgen, mrc_event_user(&ev),
				 ev.user_len);
	if (cluster_durable(cl)) {
		mark = cluster_durable_mark(cl);
		if (http_defer(x, APP_CLUSTER_POLL_US, app_cluster_event_due,
			       (void *)a, mark) == 0)
			return;
	}
	app_cluster_event_ok(x, a);
}

static void
app_cluster_stats_due(struct http_exchange *x, void *arg, uint64_t ticket)
{
	const struct mrc_api *a = arg;
	struct mrc_stats st;
	const char *err = NULL;
	char body[256];
	int n, rc;

	rc = cluster_stats_poll(a->ext, ticket, &st, &err);
	if (rc == 0) {
		http_defer(x, APP_CLUSTER_POLL_US, app_cluster_stats_due, arg,
			   ticket);
		return;
	}
	if (rc < 0) {
		http_respond_error(x, 503, err);
		return;
	}
	n = mrc_stats_json(&st, body, sizeof(body));
	if (n < 0)
		http_respond_error(x, 500, "stats unavailable");
	else
		http_respond_json(x, 200, body, (size_t)n);
}

/* GET /stats: the flush barrier, then the cluster's totals. */
static void
app_cluster_stats(struct http_exchange *x)
{
	const struct mrc_api *a = x->arg;
	uint64_t t = cluster_stats_request(a->ext);

	if (http_defer(x, APP_CLUSTER_POLL_US, app_cluster_stats_due,
		       (void *)a, t) < 0)
		http_respond_error(x, 500, "stats unavailable");
}

static void
app_cluster_reset_due(struct http_exchange *x, void *arg, uint64_t ticket)
{
	static const char ok[] = "{\"status\":\"reset\"}";
	const struct mrc_api *a = arg;
	const char *err = NULL;
	int rc = cluster_reset_poll(a->ext, ticket, &err);

	if (rc == 0)
		http_defer(x, APP_CLUSTER_POLL_US, app_cluster_reset_due, arg,
			   ticket);
	else if (rc < 0)
		http_respond_error(x, 503, err);
	else
		http_respond_json(x, 200, ok, sizeof(ok) - 1);
}

/* POST /reset: a new cluster generation, answered once every live node
 * counts in it. */
static void
app_cluster_reset(struct http_exchange *x)
{
	const struct mrc_api *a = x->arg;
	uint64_t t = cluster_reset_request(a->ext);

	if (http_defer(x, APP_CLUSTER_POLL_US, app_cluster_reset_due,
		       (void *)a, t) < 0)
		http_respond_error(x, 500, "reset unavailable");
}

/* linerate-ctl cluster: node state, last flush, lag, errors. */
static json_t *
app_cmd_cluster(void *arg, json_t *args, char *err, size_t errlen)
{
	struct cluster_counters k;

	cluster_counters(arg, &k);
	return json_pack("{s:s, s:s, s:s, s:I, s:I, s:I, s:I, s:I, s:I, s:I, "
			 "s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:i, s:i}",
			 "node", k.node_id, "state", cluster_state_name(k.state),
			 "ack", k.durable ? "durable" : "fast",
			 "generation", (json_int_t)k.gen,
			 "seq", (json_int_t)k.seq,
			 "events_pushed", (json_int_t)k.count,
			 "flushes", (json_int_t)k.flushes,
			 "errors", (json_int_t)k.errors,
			 "reconnects", (json_int_t)k.reconnects,
			 "last_flush_ms", (json_int_t)k.last_flush_ms,
			 "lag_ms", (json_int_t)k.lag_ms,
			 "users_pushed", (json_int_t)k.users_pushed,
			 "users_pending", (json_int_t)k.users_pending,
			 "barriers", (json_int_t)k.barriers,
			 "barrier_fails", (json_int_t)k.barrier_fails,
			 "barrier_last_us", (json_int_t)k.barrier_last_us,
			 "resets", (json_int_t)k.resets,
			 "ring_full", (json_int_t)k.ring_full,
			 "live_nodes", (int)k.live_nodes,
			 "flush_ms", (int)k.flush_ms);
}

int
app_cluster_init(struct app *a)
{
	const struct config *c = &a->cfg;
	struct cluster_redis_params rp = { .addr = c->cluster_redis,
					   .password = c->cluster_password };
	struct cluster_params p = {
		.node_id = c->cluster_node_id,
		.flush_ms = c->cluster_flush_ms,
		.ack = strcmp(c->cluster_ack, "durable") == 0 ?
		       CLUSTER_ACK_DURABLE : CLUSTER_ACK_FAST,
		.live_ttl_ms = c->cluster_live_ttl_ms,
		.barrier_timeout_ms = c->cluster_barrier_timeout_ms,
		.nb_lcores = c->nb_lcores,
		.mrc = a->mrc,
	};
	char host[64];
	int rc;

	if (!c->cluster_redis[0])
		return 0;
	if (!p.node_id[0]) {
		if (gethostname(host, sizeof(host)) < 0)
			snprintf(host, sizeof(host), "node");
		host[sizeof(host) - 1] = '\0';
		p.node_id = host;
	}
	rc = cluster_redis_open(&rp, &p.store);
	if (rc < 0) {
		LOG(ERR, "cluster: redis address %s: %s", c->cluster_redis,
		    strerror(-rc));
		return rc;
	}
	a->cluster = cluster_create(&p);
	if (!a->cluster) {
		LOG(ERR, "cluster: node %s: %s", p.node_id, strerror(errno));
		return -errno;
	}
	rc = cluster_start(a->cluster);
	if (rc < 0) {
		LOG(ERR, "cluster: service thread: %s", strerror(-rc));
		cluster_free(a->cluster);
		a->cluster = NULL;
		return rc;
	}
	a->mrc_api.event = app_cluster_event;
	a->mrc_api.stats = app_cluster_stats;
	a->mrc_api.reset = app_cluster_reset;
	a->mrc_api.ext = a->cluster;
	LOG(INFO, "cluster: node %s, redis %s, flush %u ms, ack %s", p.node_id,
	    c->cluster_redis, c->cluster_flush_ms ? c->cluster_flush_ms : 10,
	    p.ack == CLUSTER_ACK_DURABLE ? "durable" : "fast");
	return 0;
}

int
app_cluster_ctl_register(struct app *a)
{
	if (!a->cluster)
		return 0;
	return ctl_register(a->ctl, "cluster",
			    "scale-out node: state, last flush, lag, errors",
			    app_cmd_cluster, a->cluster);
}

void
app_cluster_stop(struct app *a)
{
	int rc;

	if (!a->cluster)
		return;
	rc = cluster_stop(a->cluster, 3000);
	if (rc < 0)
		LOG(ERR, "cluster: final flush did not reach the store: the "
		    "events since the last flush are not in the cluster");
	else
		LOG(INFO, "cluster: final flush done");
}

void
app_cluster_fini(struct app *a)
{
	cluster_free(a->cluster);
	a->cluster = NULL;
}
