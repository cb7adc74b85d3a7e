/* SPDX-License-Identifier: BSD-3-Clause */
/* mrc.c: the One Million Request Challenge routes (docs/API.md §1). */
#include <errno.h>

#include "api/mrc.h"
#include "api/mrc_format.h"
#include "api/mrc_json.h"
#include "api/mrc_json_compact.h"
#include "api/mrc_store.h"
#include "core/config.h"
#include "core/lcore.h"
#include "http/http.h"

/* config.c bounds mrc.max_user_len by what the parser can return. */
_Static_assert(CONFIG_MRC_USER_MAX == MRC_USER_MAX,
	       "config and parser disagree on the userId limit");

/*
 * POST /event: parse, record, answer. The event is recorded before the
 * answer is built, so a 200 always means counted once; a 400 or 507
 * means nothing was counted.
 */
static void
mrc_event(struct http_exchange *x)
{
	const struct mrc_api *a = x->arg;
	struct mrc_event ev;
	const char *err;
	int rc;

	/* The userId stays in the body: hashed and stored from there. The
	 * compact body clients send first, then any other. */
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
	rc = mrc_store_record(a->store, x->lc->idx, &ev);
	if (rc == -ENOSPC) {
		http_respond_error(x, 507, "unique user capacity exhausted");
		return;
	}
	if (rc < 0) {
		http_respond_error(x, 500, "event not recorded");
		return;
	}
	if (a->cfg->mrc_event_status == 201) {
		static const char ok[] = "{\"status\":\"ok\"}";

		http_respond_json(x, 201, ok, sizeof(ok) - 1);
		return;
	}
	http_respond_empty(x, 200);
}

static void
mrc_stats(struct http_exchange *x)
{
	const struct mrc_api *a = x->arg;
	struct mrc_stats st;
	char body[256];
	int n;

	mrc_store_stats(a->store, &st);
	n = mrc_stats_json(&st, body, sizeof(body));
	if (n < 0) {
		http_respond_error(x, 500, "stats unavailable");
		return;
	}
	http_respond_json(x, 200, body, (size_t)n);
}

static void
mrc_reset(struct http_exchange *x)
{
	static const char ok[] = "{\"status\":\"reset\"}";
	const struct mrc_api *a = x->arg;
	/* Never waits: an lcore must not stall on other lcores or a memset. */
	int rc = mrc_store_reset_nowait(a->store);

	if (rc < 0) {
		http_respond_error(x, 503, "reset busy, retry");
		return;
	}
	http_respond_json(x, 200, ok, sizeof(ok) - 1);
}

static void
mrc_health(struct http_exchange *x)
{
	static const char ok[] = "{\"status\":\"healthy\"}";

	http_respond_json(x, 200, ok, sizeof(ok) - 1);
}

int
mrc_api_register(struct http_router *r, struct mrc_api *api)
{
	if (!api || !api->store || !api->cfg)
		return -EINVAL;

	/* /event first: the hot route is matched first. /reset only when
	 * enabled (a NULL handler skips the row). */
	const struct http_route_def routes[] = {
		{ HTTP_METHOD_BIT(HTTP_M_POST), "/event",
		  api->event ? api->event : mrc_event, "event" },
		{ HTTP_METHOD_BIT(HTTP_M_GET), "/stats",
		  api->stats ? api->stats : mrc_stats, "stats" },
		{ HTTP_METHOD_BIT(HTTP_M_POST), "/reset",
		  !api->cfg->mrc_reset_enabled ? NULL :
		  api->reset ? api->reset : mrc_reset, "reset" },
		{ HTTP_METHOD_BIT(HTTP_M_GET), "/health", mrc_health,
		  "health" },
	};

	return http_router_add_all(r, routes,
				   sizeof(routes) / sizeof(routes[0]), api);
}
