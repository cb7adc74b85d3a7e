/* SPDX-License-Identifier: BSD-3-Clause */
/* mrc.h: the One Million Request Challenge routes (docs/API.md §1). */
#ifndef LR_API_MRC_H
#define LR_API_MRC_H

#include "http/router.h"

struct config;
struct http_router;
struct mrc_store;

/*
 * What the §1 routes serve from: the caller's (the app's) store and
 * settings. The caller owns it (and the store); it must outlive the
 * router it is registered on.
 */
struct mrc_api {
	struct mrc_store *store;
	const struct config *cfg;
	/* Optional replacements for POST /event, GET /stats and POST
	 * /reset (scale-out: app/cluster_routes.c), NULL: the built-in
	 * ones. They get this struct as x->arg; ext is theirs. */
	http_handler_fn event, stats, reset;
	void *ext;
	/* Set by mrc_api_register() from cfg for the data path: the userId
	 * limit (1..MRC_USER_MAX) and POST /event's status (200 or 201). */
	unsigned int max_user, event_status;
	/* Ids of 9..id_fast + 8 bytes, and of 4..id_fast4 + 3, take POST
	 * /event's fixed-width paths: within max_user and the store's
	 * inline max (0: none). */
	unsigned int id_fast, id_fast4;
};

/*
 * Register POST /event, GET /stats, POST /reset (unless api->cfg
 * disables it: then 404) and GET /health on r, served from api->store.
 * Returns 0, -EINVAL (api, its store or cfg NULL, or cfg's
 * mrc.max_user_len outside 1..MRC_USER_MAX) or -ENOSPC (router full).
 */
int mrc_api_register(struct http_router *r, struct mrc_api *api);

#endif
