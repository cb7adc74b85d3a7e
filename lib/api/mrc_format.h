/* SPDX-License-Identifier: BSD-3-Clause */
/* mrc_format.h: the 1MRC totals rendered: /stats JSON and report rows. */
#ifndef LR_API_MRC_FORMAT_H
#define LR_API_MRC_FORMAT_H

#include <stddef.h>

struct mrc_stats;
struct report_sink;

/*
 * Format {"totalRequests":N,"uniqueUsers":N,"sum":X,"avg":Y}. sum is
 * printed exactly when n_inexact is 0 (e.g. 500000000.0, 12.5), otherwise
 * as the shortest decimal that round-trips the double; avg likewise exact
 * when the exact sum divides evenly. Numbers are always valid JSON: no
 * nan or inf (a non-finite sum saturates at +-DBL_MAX). Returns the length
 * written (NUL excluded) or -ENOSPC if len is too small (256 is enough).
 */
int mrc_stats_json(const struct mrc_stats *st, char *buf, size_t len);

/*
 * The totals as report rows (core/report.h), keys as DPDK telemetry
 * shows them: total_requests (Prometheus linerate_mrc_events_total),
 * unique_users (linerate_mrc_unique_users), sum (linerate_mrc_sum), and
 * avg and generation (not in Prometheus text).
 */
void mrc_report(const struct mrc_stats *st, struct report_sink *s);

/*
 * A report_fn over a live store (arg: struct mrc_store *): takes
 * mrc_store_stats() and reports it. For the app to hand to layers that do
 * not see the store (ctl's telemetry). Lock-free; any thread.
 */
void mrc_report_store(void *arg, struct report_sink *s);

#endif
