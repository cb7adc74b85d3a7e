/* SPDX-License-Identifier: BSD-3-Clause */
/* mrc.h: the One Million Request Challenge routes (docs/API.md §1). */
#ifndef LR_API_MRC_H
#define LR_API_MRC_H

struct config;
struct http_router;
struct mrc_store;

/*
 * Register POST /event, GET /stats, POST /reset (unless the config
 * disables it: then 404) and GET /health on r, served from store. The
 * config must outlive the router. Returns 0 or -ENOSPC (router full).
 */
int mrc_api_register(struct http_router *r, struct mrc_store *store,
		     const struct config *cfg);

#endif
