/* SPDX-License-Identifier: BSD-3-Clause */
/* ctl_cmds_app.c: the control-socket commands only the app can answer
 * (1MRC totals and reset, connections), and their registration. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "app.h"
#include "api/mrc_format.h"
#include "api/mrc_store.h"
#include "core/lcore.h"
#include "core/log.h"
#include "http/http.h"
#include "net/tcp.h"
#include "steer/steer.h"

/* The 1MRC totals; arg is the store. */
static json_t *
app_cmd_mrc(void *arg, json_t *args, char *err, size_t errlen)
{
	struct mrc_stats st;
	char buf[256];
	json_error_t jerr;
	json_t *o;

	mrc_store_stats(arg, &st);
	if (mrc_stats_json(&st, buf, sizeof(buf)) < 0) {
		snprintf(err, errlen, "stats do not fit");
		return NULL;
	}
	o = json_loads(buf, 0, &jerr);
	if (o) {
		json_object_set_new(o, "generation",
				    json_integer((json_int_t)st.generation));
		json_object_set_new(o, "inexactValues",
				    json_integer((json_int_t)st.n_inexact));
	}
	return o;
}

/* A reset while traffic flows; arg is the store. The O(1) reset first;
 * while a previous one is still clearing, the blocking one, which waits on
 * this control thread (never on a data lcore) and finishes the clearing. */
static json_t *
app_cmd_reset_mrc(void *arg, json_t *args, char *err, size_t errlen)
{
	int rc = mrc_store_reset_nowait(arg);

	if (rc == -EBUSY)
		rc = mrc_store_reset(arg, -1);

	if (rc < 0 && rc != -ETIMEDOUT) {
		snprintf(err, errlen, "reset failed: %s", strerror(-rc));
		return NULL;
	}
	return json_pack("{s:s}", "status",
			 rc ? "reset (an lcore was slow)" : "reset");
}

/* Connections by TCP state, summed and per lcore; arg is the app. The
 * counts are single-writer words read racily: a snapshot, not a lock. */
static json_t *
app_cmd_conns(void *arg, json_t *args, char *err, size_t errlen)
{
	const struct app *a = arg;
	uint32_t sum[TCP_NSTATES] = { 0 };
	json_t *o = json_object(), *per = json_array(), *tot = json_object();
	uint32_t http = 0;

	for (uint32_t q = 0; q < a->cfg.nb_lcores; q++) {
		uint32_t c[TCP_NSTATES];
		json_t *l = json_object();

		if (!a->ctx[q] || !a->ctx[q]->tcp)
			continue;
		tcp_state_counts(a->ctx[q], c);
		json_object_set_new(l, "lcore", json_integer(a->ctx[q]->lcore_id));
		for (int s = 0; s < TCP_NSTATES; s++) {
			sum[s] += c[s];
			if (s != TCP_LISTEN)
				json_object_set_new(l, tcp_state_name(s),
						    json_integer(c[s]));
		}
		json_object_set_new(l, "http", json_integer(http_conn_count(a->ctx[q])));
		http += http_conn_count(a->ctx[q]);
		json_array_append_new(per, l);
	}
	for (int s = 0; s < TCP_NSTATES; s++)
		if (s != TCP_LISTEN)
			json_object_set_new(tot, tcp_state_name(s), json_integer(sum[s]));
	json_object_set_new(tot, "http", json_integer(http));
	json_object_set_new(o, "total", tot);
	json_object_set_new(o, "lcores", per);
	return o;
}

void
app_ctl_register(struct app *a)
{
	int rc;

	a->view = (struct ctl_view){ .lcores = a->ctx,
				     .nb_lcores = a->cfg.nb_lcores,
				     .cfg = &a->cfg, .port_id = a->port_id };
	a->metrics.lcores = a->ctx;
	a->metrics.nb_lcores = a->cfg.nb_lcores;
	a->tel = (struct ctl_tel_view){ .lcores = a->ctx,
					.nb_lcores = a->cfg.nb_lcores,
					.mrc = { mrc_report_store, a->mrc } };
	if (ctl_tel_register(&a->tel) < 0)
		LOG(WARNING, "DPDK telemetry: /linerate commands not registered");
	rc = ctl_register_view(a->ctl, &a->view);
	if (rc == 0)
		rc = ctl_register(a->ctl, "mrc", "1MRC totals", app_cmd_mrc,
				  a->mrc);
	if (rc == 0)
		rc = ctl_register(a->ctl, "reset-mrc", "zero the 1MRC store",
				  app_cmd_reset_mrc, a->mrc);
	if (rc == 0)
		rc = ctl_register(a->ctl, "xdp",
				  "XDP steering program: mode, settings, counters",
				  steer_ctl_xdp, a->xdp);
	if (rc == 0)
		rc = ctl_register(a->ctl, "conns", "connections by TCP state",
				  app_cmd_conns, a);
	if (rc == 0)
		rc = app_cluster_ctl_register(a);
	if (rc < 0)
		LOG(ERR, "control commands: %s", strerror(-rc));
}
