/* SPDX-License-Identifier: BSD-3-Clause */
/* ctl_cmds.c: ready-made control commands: stats, lcores, mem, ports, config. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_ethdev.h>
#include <rte_ether.h>

#include <jansson.h>

#include "core/config.h"
#include "core/lcore.h"
#include "core/mem.h"
#include "core/report.h"
#include "ctl/ctl.h"

#define CTL_OOM(err, errlen) snprintf((err), (errlen), "out of memory")

void
ctl_stats_sum(const struct ctl_view *v, struct stats *sum)
{
	struct stats one;

	memset(sum, 0, sizeof(*sum));
	for (unsigned int i = 0; v->lcores && i < v->nb_lcores; i++) {
		if (!v->lcores[i])
			continue;
		report_stats_load(&one, &v->lcores[i]->stats);
		stats_add(sum, &one);
	}
}

/* Counters as integers (the report's JSON writer clamps at INT64_MAX). */
static int
ctl_stats_put(json_t *o, const struct stats *st)
{
	struct report_json rj;

	report_json_init(&rj, o);
	report_stats(&rj.sink, st, NULL);
	return rj.rc;
}

json_t *
ctl_stats_json(const struct stats *st)
{
	json_t *o = json_object();

	if (o && ctl_stats_put(o, st) < 0) {
		json_decref(o);
		o = NULL;
	}
	return o;
}

json_t *
ctl_cmd_stats(void *arg, json_t *args, char *err, size_t errlen)
{
	struct stats sum;
	json_t *o;

	ctl_stats_sum(arg, &sum);
	o = ctl_stats_json(&sum);
	if (!o)
		CTL_OOM(err, errlen);
	return o;
}

static json_t *
ctl_lcore_json(const struct lcore_ctx *ctx)
{
	struct stats st;
	json_t *o;

	report_stats_load(&st, &ctx->stats);
	o = json_pack("{s:I, s:I, s:i, s:f}", "lcore", (json_int_t)ctx->lcore_id,
		      "idx", (json_int_t)ctx->idx, "socket", ctx->socket_id,
		      "busy_ratio", report_busy_ratio(&st));
	if (o && ctl_stats_put(o, &st) < 0) {
		json_decref(o);
		o = NULL;
	}
	return o;
}

json_t *
ctl_cmd_lcores(void *arg, json_t *args, char *err, size_t errlen)
{
	const struct ctl_view *v = arg;
	json_t *list = json_array();

	for (unsigned int i = 0; list && v->lcores && i < v->nb_lcores; i++) {
		if (!v->lcores[i])
			continue;
		if (json_array_append_new(list, ctl_lcore_json(v->lcores[i])) < 0) {
			json_decref(list);
			list = NULL;
		}
	}
	if (!list) {
		CTL_OOM(err, errlen);
		return NULL;
	}
	return json_pack("{s:o}", "lcores", list);
}

/* One memory snapshot as {"mbuf_bytes":B,"pool_avail":N,"classes":[...]} */
static json_t *
ctl_mem_json(const struct mem_snapshot *m)
{
	json_t *classes = json_array();

	for (int k = 0; classes && k < MEM_NCLASSES; k++) {
		const struct mem_class_stat *c = &m->cls[k];

		if (json_array_append_new(classes, json_pack(
			"{s:s, s:I, s:I, s:I, s:I, s:I}", "name",
			mem_class_name(k), "limit", (json_int_t)c->limit,
			"in_use", (json_int_t)c->in_use,
			"high", (json_int_t)c->high,
			"refusals", (json_int_t)c->refusals,
			"prunes", (json_int_t)c->prunes)) < 0) {
			json_decref(classes);
			classes = NULL;
		}
	}
	if (!classes)
		return NULL;
	return json_pack("{s:I, s:I, s:o}", "mbuf_bytes",
			 (json_int_t)m->mbuf_bytes, "pool_avail",
			 (json_int_t)m->pool_avail, "classes", classes);
}

json_t *
ctl_cmd_mem(void *arg, json_t *args, char *err, size_t errlen)
{
	const struct ctl_view *v = arg;
	struct mem_snapshot one, sum;
	json_t *list = json_array(), *o, *tot;

	memset(&sum, 0, sizeof(sum));
	for (unsigned int i = 0; list && v->lcores && i < v->nb_lcores; i++) {
		if (!v->lcores[i])
			continue;
		mem_snapshot(&v->lcores[i]->mem, &one);
		mem_snapshot_add(&sum, &one);
		o = ctl_mem_json(&one);
		if (o && json_object_set_new(o, "lcore", json_integer(
				v->lcores[i]->lcore_id)) < 0) {
			json_decref(o);
			o = NULL;
		}
		if (json_array_append_new(list, o) < 0) {
			json_decref(list);
			list = NULL;
		}
	}
	tot = list ? ctl_mem_json(&sum) : NULL;
	if (!tot) {
		json_decref(list);
		CTL_OOM(err, errlen);
		return NULL;
	}
	return json_pack("{s:o, s:o}", "lcores", list, "total", tot);
}

static json_t *
ctl_port_link(uint16_t port_id)
{
	struct rte_eth_link link;

	memset(&link, 0, sizeof(link));
	/* nowait: some PMDs block for seconds otherwise (main lcore). */
	if (rte_eth_link_get_nowait(port_id, &link) < 0)
		return json_null();
	return json_pack("{s:b, s:o, s:s, s:b}", "up", link.link_status,
			 "speed_mbps",
			 link.link_speed == RTE_ETH_SPEED_NUM_UNKNOWN ?
			 json_null() : json_integer(link.link_speed),
			 "duplex", link.link_duplex ? "full" : "half",
			 "autoneg", link.link_autoneg);
}

static json_t *
ctl_port_stats(uint16_t port_id)
{
	struct rte_eth_stats st;

	if (rte_eth_stats_get(port_id, &st) < 0)
		return json_null();
	return json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I}",
			 "ipackets", (json_int_t)st.ipackets,
			 "opackets", (json_int_t)st.opackets,
			 "ibytes", (json_int_t)st.ibytes,
			 "obytes", (json_int_t)st.obytes,
			 "imissed", (json_int_t)st.imissed,
			 "ierrors", (json_int_t)st.ierrors,
			 "oerrors", (json_int_t)st.oerrors,
			 "rx_nombuf", (json_int_t)st.rx_nombuf);
}

/* Every extended statistic by name; {} when the driver has none. */
static json_t *
ctl_port_xstats(uint16_t port_id)
{
	struct rte_eth_xstat_name *names = NULL;
	struct rte_eth_xstat *vals = NULL;
	json_t *o = json_object();
	int n, m;

	n = rte_eth_xstats_get_names(port_id, NULL, 0);
	if (!o || n <= 0)
		return o;
	names = calloc((size_t)n, sizeof(*names));
	vals = calloc((size_t)n, sizeof(*vals));
	if (!names || !vals)
		goto fail;
	if (rte_eth_xstats_get_names(port_id, names, (unsigned int)n) != n)
		goto out; /* the set changed under us: report none */
	m = rte_eth_xstats_get(port_id, vals, (unsigned int)n);
	for (int i = 0; i < m && i < n; i++) {
		if (vals[i].id >= (uint64_t)n)
			continue;
		if (json_object_set_new(o, names[vals[i].id].name,
					json_integer((json_int_t)vals[i].value)) < 0)
			goto fail;
	}
out:
	free(names);
	free(vals);
	return o;
fail:
	free(names);
	free(vals);
	json_decref(o);
	return NULL;
}

json_t *
ctl_cmd_ports(void *arg, json_t *args, char *err, size_t errlen)
{
	const struct ctl_view *v = arg;
	char name[RTE_ETH_NAME_MAX_LEN] = "", mac[RTE_ETHER_ADDR_FMT_SIZE] = "";
	struct rte_eth_dev_info info;
	struct rte_ether_addr ea;
	const char *driver = "";
	json_t *port;

	if (!rte_eth_dev_is_valid_port(v->port_id)) {
		snprintf(err, errlen, "port %u does not exist", v->port_id);
		return NULL;
	}
	rte_eth_dev_get_name_by_port(v->port_id, name);
	if (rte_eth_dev_info_get(v->port_id, &info) == 0 && info.driver_name)
		driver = info.driver_name;
	if (rte_eth_macaddr_get(v->port_id, &ea) == 0)
		rte_ether_format_addr(mac, sizeof(mac), &ea);
	port = json_pack("{s:i, s:s, s:s, s:s, s:o, s:o, s:o}",
			 "port_id", v->port_id, "name", name, "driver", driver,
			 "mac", mac, "link", ctl_port_link(v->port_id),
			 "stats", ctl_port_stats(v->port_id),
			 "xstats", ctl_port_xstats(v->port_id));
	if (!port) {
		CTL_OOM(err, errlen);
		return NULL;
	}
	return json_pack("{s:[o]}", "ports", port);
}

json_t *
ctl_cmd_config(void *arg, json_t *args, char *err, size_t errlen)
{
	const struct ctl_view *v = arg;
	json_error_t jerr;
	char *s;
	json_t *o;

	if (!v->cfg) {
		snprintf(err, errlen, "no configuration");
		return NULL;
	}
	s = config_to_json(v->cfg);
	if (!s) {
		CTL_OOM(err, errlen);
		return NULL;
	}
	o = json_loads(s, 0, &jerr);
	free(s);
	if (!o)
		snprintf(err, errlen, "config: %s", jerr.text);
	return o;
}

int
ctl_register_view(struct ctl_server *s, const struct ctl_view *v)
{
	static const struct {
		const char *name, *help;
		ctl_cmd_fn fn;
	} cmds[] = {
		{ "stats", "every counter, summed over the data-plane lcores",
		  ctl_cmd_stats },
		{ "lcores", "per-lcore counters and busy ratio", ctl_cmd_lcores },
		{ "mem", "memory budget per lcore and class: limit, in use, "
		  "high-water, refusals, prunes", ctl_cmd_mem },
		{ "ports", "ethdev stats, xstats, driver, MAC and link",
		  ctl_cmd_ports },
		{ "config", "the effective configuration", ctl_cmd_config },
	};
	int rc;

	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		rc = ctl_register(s, cmds[i].name, cmds[i].help, cmds[i].fn,
				  (void *)v);
		if (rc < 0)
			return rc;
	}
	return 0;
}
