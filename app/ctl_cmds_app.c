/* SPDX-License-Identifier: BSD-3-Clause */
/* ctl_cmds_app.c: the control-socket commands only the app can answer
 * (1MRC totals and reset, connections), and their registration. */
#include <arpa/inet.h>
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

/* The most connections `conns list=N` prints. */
#define APP_CONNS_LIST_MAX 4096

/* tcp_conn_walk callback of `conns list=N`: one connection appended. */
struct app_conns_list {
	json_t *arr;
	uint32_t lcore, left;
};

static int
app_conns_list_one(const struct tcp_conn *c, void *arg)
{
	struct app_conns_list *l = arg;
	char addr[INET6_ADDRSTRLEN];
	uint8_t a6[16];
	uint32_t ip;
	uint16_t port;
	bool v6;

	if (!l->left)
		return 1;
	l->left--;
	tcp_conn_peer(c, &ip, &port);
	v6 = tcp_conn_peer6(c, a6);
	if (!inet_ntop(v6 ? AF_INET6 : AF_INET, v6 ? (void *)a6 : (void *)&ip,
		       addr, sizeof(addr)))
		addr[0] = '\0';
	json_array_append_new(l->arr, json_pack(
		"{s:i,s:s,s:s,s:i,s:i,s:s}", "lcore", (int)l->lcore,
		"family", v6 ? "ipv6" : "ipv4", "peer", addr,
		"peer_port", (int)rte_be_to_cpu_16(port), "local_port",
		(int)rte_be_to_cpu_16(tcp_conn_local_port(c)), "state",
		tcp_state_name(tcp_conn_state(c))));
	return 0;
}

/* Connections by TCP state and by family, summed and per lcore; with
 * args {"list":N}, up to N connections (peer address, ports, state) as
 * well; arg is the app. The counts are single-writer words read racily
 * and the listing walks the lcores' pools as they change: a snapshot,
 * not a lock. */
static json_t *
app_cmd_conns(void *arg, json_t *args, char *err, size_t errlen)
{
	const struct app *a = arg;
	uint32_t sum[TCP_NSTATES] = { 0 };
	json_t *o, *per, *tot, *jl = json_object_get(args, "list");
	struct app_conns_list list = { .arr = NULL };
	uint32_t http = 0, sum4 = 0, sum6 = 0;

	if (jl && (!json_is_integer(jl) || json_integer_value(jl) < 0)) {
		snprintf(err, errlen, "list: a count of connections");
		return NULL;
	}
	if (jl) {
		json_int_t n = json_integer_value(jl);

		list.left = n > APP_CONNS_LIST_MAX ? APP_CONNS_LIST_MAX :
						     (uint32_t)n;
		list.arr = json_array();
	}
	o = json_object();
	per = json_array();
	tot = json_object();

	for (uint32_t q = 0; q < a->cfg.nb_lcores; q++) {
		uint32_t c[TCP_NSTATES], v4, v6;
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
		tcp_family_counts(a->ctx[q], &v4, &v6);
		json_object_set_new(l, "ipv4", json_integer(v4));
		json_object_set_new(l, "ipv6", json_integer(v6));
		sum4 += v4;
		sum6 += v6;
		json_array_append_new(per, l);
		if (list.arr && list.left) {
			list.lcore = a->ctx[q]->lcore_id;
			tcp_conn_walk(a->ctx[q], app_conns_list_one, &list);
		}
	}
	for (int s = 0; s < TCP_NSTATES; s++)
		if (s != TCP_LISTEN)
			json_object_set_new(tot, tcp_state_name(s), json_integer(sum[s]));
	json_object_set_new(tot, "http", json_integer(http));
	json_object_set_new(tot, "ipv4", json_integer(sum4));
	json_object_set_new(tot, "ipv6", json_integer(sum6));
	json_object_set_new(o, "total", tot);
	json_object_set_new(o, "lcores", per);
	if (list.arr)
		json_object_set_new(o, "connections", list.arr);
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
		rc = ctl_register(a->ctl, "conns", "connections by TCP state and family; list=N: the first N",
				  app_cmd_conns, a);
	if (rc == 0)
		rc = app_cluster_ctl_register(a);
	if (rc < 0)
		LOG(ERR, "control commands: %s", strerror(-rc));
}
