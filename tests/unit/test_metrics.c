/* SPDX-License-Identifier: BSD-3-Clause */
/* test_metrics.c: /metrics text from fake lcore contexts. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/metrics.h"
#include "api/mrc_json.h"
#include "api/mrc_store.h"
#include "core/lcore.h"
#include "core/stats.h"
#include "http/http.h"

static char text[METRICS_BUF_SIZE];

static void
dummy_handler(struct http_exchange *x)
{
	(void)x;
}

static struct lcore_ctx *
fake_lcore(unsigned int lcore_id, unsigned int idx)
{
	void *p = NULL;
	struct lcore_ctx *ctx;

	assert_int_equal(posix_memalign(&p, 64, sizeof(*ctx)), 0);
	ctx = p;
	memset(ctx, 0, sizeof(*ctx));
	ctx->lcore_id = lcore_id;
	ctx->idx = idx;
	return ctx;
}

static void
router(struct http_router *r)
{
	http_router_init(r);
	assert_int_equal(http_router_add(r, HTTP_METHOD_BIT(HTTP_M_POST),
					 "/event", dummy_handler, NULL, "event"),
			 0);
	assert_int_equal(http_router_add(r, HTTP_METHOD_BIT(HTTP_M_GET),
					 "/odd", dummy_handler, NULL,
					 "a\"b\\c\nd"), 1);
}

static int
has_line(const char *t, const char *line)
{
	size_t n = strlen(line);

	for (const char *p = t; (p = strstr(p, line)); p++)
		if ((p == t || p[-1] == '\n') && p[n] == '\n')
			return 1;
	return 0;
}

static int
count(const char *t, const char *s)
{
	int c = 0;

	for (const char *p = t; (p = strstr(p, s)); p += strlen(s))
		c++;
	return c;
}

static void
test_metrics_lines_and_labels(void **state)
{
	struct lcore_ctx *l[3] = { fake_lcore(1, 0), NULL, fake_lcore(7, 2) };
	struct mrc_store_params mp = { .socket_id = -1, .max_users = 64,
				       .arena_bytes = 4096 };
	struct mrc_store *s = mrc_store_create(&mp);
	struct metrics_view v = { .lcores = l, .nb_lcores = 3, .mrc = s };
	struct http_router r;
	struct mrc_event ev;
	int n;

	(void)state;
	assert_non_null(s);
	assert_int_equal(mrc_store_lcore_online(s, 0), 0);
	memset(&ev, 0, sizeof(ev));
	memcpy(ev.user, "alice", 5);
	ev.user_len = 5;
	ev.value = 1.5;
	assert_int_equal(mrc_store_record(s, 0, &ev), 1);
	assert_int_equal(mrc_store_record(s, 0, &ev), 0);
	router(&r);
	STAT_ADD(l[0], rx_packets, 10);
	STAT_ADD(l[2], rx_packets, 18446744073709551615ull);
	STAT_ADD(l[0], cycles_busy, 1);
	STAT_ADD(l[0], cycles_idle, 3);
	STAT_ADD(l[2], tcp_accepted, 42);
	l[0]->mem.cls[MEM_OOO].in_use = 4352;
	l[2]->mem.cls[MEM_SNDQ].prunes = 3;

	n = metrics_text(&v, &r, text, sizeof(text));
	assert_true(n > 0);
	assert_int_equal((size_t)n, strlen(text));
	assert_true(has_line(text, "# TYPE linerate_http_responses_total counter"));
	assert_true(has_line(text,
		"linerate_http_responses_total{route=\"event\",class=\"2xx\"} 0"));
	assert_true(has_line(text,
		"linerate_http_responses_total{route=\"none\",class=\"4xx\"} 0"));
	assert_true(has_line(text, "linerate_http_responses_total{route="
			     "\"a\\\"b\\\\c\\nd\",class=\"5xx\"} 0"));
	assert_true(has_line(text, "# TYPE linerate_mrc_events_total counter"));
	assert_true(has_line(text, "linerate_mrc_events_total 2"));
	assert_true(has_line(text, "# TYPE linerate_mrc_unique_users gauge"));
	assert_true(has_line(text, "linerate_mrc_unique_users 1"));
	assert_true(has_line(text, "linerate_mrc_sum 3"));
	assert_true(has_line(text, "# TYPE linerate_tcp_connections gauge"));
	assert_true(has_line(text, "linerate_tcp_connections{state=\"ESTABLISHED\","
			     "lcore=\"7\"} 0"));
	assert_true(has_line(text, "# TYPE linerate_rx_packets_total counter"));
	assert_true(has_line(text, "linerate_rx_packets_total{lcore=\"1\"} 10"));
	assert_true(has_line(text, "linerate_rx_packets_total{lcore=\"7\"} "
			     "18446744073709551615"));
	assert_true(has_line(text, "linerate_tcp_accepted_total{lcore=\"7\"} 42"));
	assert_true(has_line(text, "linerate_http_paused_total{lcore=\"1\"} 0"));
	assert_true(has_line(text, "# TYPE linerate_lcore_busy_ratio gauge"));
	assert_true(has_line(text, "linerate_lcore_busy_ratio{lcore=\"1\"} 0.250000"));
	assert_true(has_line(text, "linerate_lcore_busy_ratio{lcore=\"7\"} 0.000000"));
	/* the memory budget, per lcore and class */
	assert_true(has_line(text, "# TYPE linerate_mem_in_use_bytes gauge"));
	assert_true(has_line(text, "linerate_mem_in_use_bytes{lcore=\"1\","
			     "class=\"ooo\"} 4352"));
	assert_true(has_line(text, "# TYPE linerate_mem_prunes_total counter"));
	assert_true(has_line(text, "linerate_mem_prunes_total{lcore=\"7\","
			     "class=\"sndq\"} 3"));
	assert_int_equal(count(text, "linerate_mem_limit_bytes{"),
			 2 * MEM_NCLASSES);
	assert_true(has_line(text, "linerate_mem_pool_avail_mbufs{lcore=\"7\"} 0"));
	/* every counter of stats.h, one family each, both live lcores */
	for (int id = 0; id < ST__COUNT; id++) {
		char want[160];

		snprintf(want, sizeof(want), "# TYPE linerate_%s_total counter",
			 stats_name((enum stats_id)id));
		assert_true(has_line(text, want));
		snprintf(want, sizeof(want), "linerate_%s_total{lcore=",
			 stats_name((enum stats_id)id));
		assert_int_equal(count(text, want), 2);
	}
	/* no XDP without a steering program */
	assert_null(strstr(text, "linerate_xdp"));
	/* the NULL slot printed nothing */
	assert_int_equal(count(text, "lcore=\"0\""), 0);
	free(l[0]);
	free(l[2]);
	mrc_store_free(s);
}

/* Each family's HELP/TYPE appear once, before its samples; every sample
 * line is "name[{labels}] value". */
static void
test_metrics_families_grouped(void **state)
{
	struct lcore_ctx *l[2] = { fake_lcore(2, 0), fake_lcore(3, 1) };
	struct metrics_view v = { .lcores = l, .nb_lcores = 2 };
	struct http_router r;
	char seen[512][96];
	int nseen = 0;
	char cur[96] = "";

	(void)state;
	router(&r);
	assert_true(metrics_text(&v, &r, text, sizeof(text)) > 0);
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		char name[96];
		size_t k;

		if (strncmp(line, "# HELP ", 7) == 0)
			continue;
		if (sscanf(line, "# TYPE %95s", name) == 1) {
			for (int i = 0; i < nseen; i++)
				assert_string_not_equal(seen[i], name);
			assert_true(nseen < 512);
			strcpy(seen[nseen++], name);
			strcpy(cur, name);
			continue;
		}
		k = strcspn(line, "{ ");
		assert_true(k < sizeof(name));
		memcpy(name, line, k);
		name[k] = '\0';
		assert_string_equal(name, cur); /* sample of the current family */
		assert_non_null(strrchr(line, ' '));
		assert_true(strrchr(line, ' ')[1] >= '0' &&
			    strrchr(line, ' ')[1] <= '9');
	}
	assert_true(nseen > ST__COUNT);
	free(l[0]);
	free(l[1]);
}

static void
test_metrics_small_buffer_enospc(void **state)
{
	struct lcore_ctx *l[1] = { fake_lcore(1, 0) };
	struct metrics_view v = { .lcores = l, .nb_lcores = 1 };
	struct http_router r;
	int full;

	(void)state;
	router(&r);
	full = metrics_text(&v, &r, text, sizeof(text));
	assert_true(full > 0);
	assert_int_equal(metrics_text(&v, &r, text, 100), -ENOSPC);
	assert_int_equal(metrics_text(&v, &r, text, (size_t)full), -ENOSPC);
	assert_int_equal(metrics_text(&v, &r, text, (size_t)full + 1), full);
	/* no lcores yet (view filled later): still valid text */
	v.lcores = NULL;
	v.nb_lcores = 0;
	assert_true(metrics_text(&v, NULL, text, sizeof(text)) > 0);
	assert_null(strstr(text, "lcore=\""));
	free(l[0]);
}

static void
test_metrics_escape(void **state)
{
	char out[16];

	(void)state;
	assert_int_equal(metrics_escape("plain", out, sizeof(out)), 5);
	assert_string_equal(out, "plain");
	metrics_escape("a\"b\\c\nd", out, sizeof(out));
	assert_string_equal(out, "a\\\"b\\\\c\\nd");
	/* truncation never splits an escape */
	assert_int_equal(metrics_escape("ab\"", out, 4), 2);
	assert_string_equal(out, "ab");
	assert_int_equal(metrics_escape(NULL, out, sizeof(out)), 0);
}

/* Rows from a provider (the app passes the XDP counters) come last,
 * through the same writer. */
static void
extra_rows(void *arg, struct report_sink *s)
{
	struct report_row r = { .name = "extra_frames", .help = "Extra.",
				.type = REPORT_COUNTER, .labels = arg, .u = 5 };

	report_put(s, &r);
}

static void
test_metrics_provider_rows_come_last(void **state)
{
	struct lcore_ctx *l[1] = { fake_lcore(1, 0) };
	struct metrics_view v = { .lcores = l, .nb_lcores = 1,
				  .more = { extra_rows, "iface=\"x\"" } };
	struct http_router r;
	struct metrics *m;
	const char *busy, *extra;

	(void)state;
	router(&r);
	assert_true(metrics_text(&v, &r, text, sizeof(text)) > 0);
	assert_true(has_line(text, "# TYPE linerate_extra_frames_total counter"));
	assert_true(has_line(text, "linerate_extra_frames_total{iface=\"x\"} 5"));
	busy = strstr(text, "linerate_lcore_busy_ratio{");
	extra = strstr(text, "linerate_extra_frames_total{");
	assert_non_null(busy);
	assert_true(extra > busy);
	/* the route's state is the app's, passed as the route argument */
	m = metrics_create(&v);
	assert_non_null(m);
	assert_int_equal(metrics_register(&r, m), 2);
	assert_ptr_equal(r.routes[2].arg, m);
	metrics_free(m);
	free(l[0]);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_metrics_lines_and_labels),
		cmocka_unit_test(test_metrics_families_grouped),
		cmocka_unit_test(test_metrics_small_buffer_enospc),
		cmocka_unit_test(test_metrics_escape),
		cmocka_unit_test(test_metrics_provider_rows_come_last),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
