/* SPDX-License-Identifier: BSD-3-Clause */
/* routes.c: the HTTP routes and the stores behind them, for every lcore. */
#include <errno.h>
#include <string.h>

#include <rte_malloc.h>

#include "app.h"
#include "api/mrc_format.h"
#include "api/mrc_store.h"
#include "core/log.h"
#include "http/http.h"
#include "steer/steer.h"

static void *
app_zalloc(size_t size, size_t align, int socket)
{
	return rte_zmalloc_socket("mrc", size, (unsigned int)align, socket);
}

int
app_routes_init(struct app *a)
{
	struct mrc_store_params mp = {
		.socket_id = a->socket,
		.max_users = a->cfg.mrc_max_users,
		/* docs/MRC.md "Capacity": bounded, from both limits. */
		.arena_bytes = mrc_store_arena_size(a->cfg.mrc_max_users,
						    a->cfg.mrc_max_user_len),
		.zalloc = app_zalloc,
		.free = rte_free,
	};
	int rc;

	a->mrc = mrc_store_create(&mp);
	if (!a->mrc) {
		LOG(ERR, "1MRC store for %u users: %s", a->cfg.mrc_max_users,
		    strerror(errno));
		return -ENOMEM;
	}
	rc = api_state_init(&a->api);
	if (rc < 0) {
		LOG(ERR, "route stores: %s", strerror(-rc));
		return rc;
	}
	a->mrc_api = (struct mrc_api){ .store = a->mrc, .cfg = &a->cfg };
	rc = app_cluster_init(a);
	if (rc < 0)
		return rc;
	http_router_init(&a->router);
	rc = mrc_api_register(&a->router, &a->mrc_api);
	if (rc == 0)
		rc = api_register_all(&a->router, &a->cfg, &a->api);
	a->metrics = (struct metrics_view){ .mrc = a->mrc,
					    .more = { steer_report, a->xdp } };
	a->metrics_state = metrics_create(&a->metrics);
	if (rc == 0 && !a->metrics_state)
		rc = -ENOMEM;
	if (rc == 0)
		rc = metrics_register(&a->router, a->metrics_state);
	if (rc > 0)
		rc = 0;
	if (rc < 0)
		LOG(ERR, "routes: %s", strerror(-rc));
	return rc;
}

void
app_routes_fini(struct app *a)
{
	api_state_fini(&a->api);
	metrics_free(a->metrics_state);
	a->metrics_state = NULL;
	app_cluster_fini(a);
	mrc_store_free(a->mrc);
	a->mrc = NULL;
}
