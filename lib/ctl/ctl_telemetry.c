/* SPDX-License-Identifier: BSD-3-Clause */
/* ctl_telemetry.c: the /linerate/ commands on DPDK telemetry. */
#include <errno.h>
#include <stdio.h>

#include <rte_telemetry.h>

#include "core/fmt.h"
#include "core/lcore.h"
#include "core/report.h"
#include "core/stats.h"
#include "ctl/ctl.h"
#include "ctl/ctl_telemetry.h"

static const struct ctl_tel_view *ctl_tel_v;

/* Report rows into a telemetry dict. */
struct ctl_tel_sink {
	struct report_sink sink;
	struct rte_tel_data *d;
};

static void
ctl_tel_row(struct report_sink *s, const struct report_row *r)
{
	struct rte_tel_data *d = ((struct ctl_tel_sink *)s)->d;
	char num[40];

	if (!r->key || r->declare)
		return;
	if (r->fmt == REPORT_U64) {
		rte_tel_data_add_dict_u64(d, r->key, r->u);
		return;
	}
	fmt_double(num, sizeof(num), r->d, 0);
	rte_tel_data_add_dict_string(d, r->key, num);
}

static void
ctl_tel_put_stats(struct rte_tel_data *d, const struct stats *st)
{
	struct ctl_tel_sink ts = { .sink.row = ctl_tel_row, .d = d };

	report_stats(&ts.sink, st, NULL);
}

static int
ctl_tel_stats(const char *cmd, const char *params, struct rte_tel_data *d)
{
	const struct ctl_tel_view *v = ctl_tel_v;
	struct ctl_view cv = { .lcores = v ? v->lcores : NULL,
			       .nb_lcores = v ? v->nb_lcores : 0 };
	struct stats sum;

	(void)cmd;
	(void)params;
	ctl_stats_sum(&cv, &sum);
	rte_tel_data_start_dict(d);
	ctl_tel_put_stats(d, &sum);
	return 0;
}

static int
ctl_tel_lcores(const char *cmd, const char *params, struct rte_tel_data *d)
{
	const struct ctl_tel_view *v = ctl_tel_v;

	(void)cmd;
	(void)params;
	rte_tel_data_start_dict(d);
	for (unsigned int i = 0; v && v->lcores && i < v->nb_lcores; i++) {
		const struct lcore_ctx *ctx = v->lcores[i];
		struct rte_tel_data *c;
		struct stats st;
		char key[16];

		if (!ctx)
			continue;
		c = rte_tel_data_alloc();
		if (!c)
			return -ENOMEM;
		report_stats_load(&st, &ctx->stats);
		rte_tel_data_start_dict(c);
		rte_tel_data_add_dict_u64(c, "idx", ctx->idx);
		rte_tel_data_add_dict_int(c, "socket", ctx->socket_id);
		rte_tel_data_add_dict_u64(c, "busy_ratio_ppm",
			(uint64_t)(report_busy_ratio(&st) * 1e6));
		ctl_tel_put_stats(c, &st);
		snprintf(key, sizeof(key), "%u", ctx->lcore_id);
		if (rte_tel_data_add_dict_container(d, key, c, 0) < 0) {
			rte_tel_data_free(c);
			return -ENOSPC;
		}
	}
	return 0;
}

static int
ctl_tel_mrc(const char *cmd, const char *params, struct rte_tel_data *d)
{
	const struct ctl_tel_view *v = ctl_tel_v;
	struct ctl_tel_sink ts = { .sink.row = ctl_tel_row, .d = d };

	(void)cmd;
	(void)params;
	rte_tel_data_start_dict(d);
	if (v)
		report_run(&v->mrc, &ts.sink);
	return 0;
}

int
ctl_tel_register(const struct ctl_tel_view *v)
{
	int rc;

	ctl_tel_v = v;
	rc = rte_telemetry_register_cmd("/linerate/stats", ctl_tel_stats,
		"Every linerate counter summed over data lcores. No parameters");
	if (rc == 0)
		rc = rte_telemetry_register_cmd("/linerate/lcores", ctl_tel_lcores,
			"Per data lcore: busy ratio (ppm) and counters. No parameters");
	if (rc == 0)
		rc = rte_telemetry_register_cmd("/linerate/mrc", ctl_tel_mrc,
			"1MRC totals: events, unique users, sum. No parameters");
	return rc;
}
