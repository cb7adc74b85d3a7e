/* SPDX-License-Identifier: BSD-3-Clause */
/* telemetry.c: POST /api/v1/telemetry, GET /status, /version (§5). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "api/api.h"
#include "api/telemetry.h"
#include "core/version.h"
#include "http/http.h"

static bool
telemetry_has_str(json_t *ev, const char *key)
{
	json_t *v = json_object_get(ev, key);

	return v && json_is_string(v) && json_string_length(v) > 0;
}

int
telemetry_parse(const char *body, size_t len, uint32_t *received,
		uint32_t *processed, const char **msg)
{
	json_error_t err;
	json_t *j, *evs;
	size_t i, n;
	uint32_t ok = 0;

	if (!body || len == 0) {
		*msg = "No data provided";
		return -ENODATA;
	}
	j = json_loadb(body, len, 0, &err);
	if (!j || !json_is_object(j)) {
		json_decref(j);
		*msg = "No data provided";
		return -ENODATA;
	}
	evs = json_object_get(j, "events");
	if (!evs || !json_is_array(evs) || json_array_size(evs) == 0) {
		json_decref(j);
		*msg = "No events in batch";
		return -ENOENT;
	}
	n = json_array_size(evs);
	for (i = 0; i < n; i++) {
		json_t *ev = json_array_get(evs, i);

		if (json_is_object(ev) && telemetry_has_str(ev, "timestamp") &&
		    telemetry_has_str(ev, "event_id") &&
		    telemetry_has_str(ev, "function_name"))
			ok++;
	}
	json_decref(j);
	*received = (uint32_t)n;
	*processed = ok;
	return 0;
}

/* One relaxed atomic add per batch (not per event), read by /status. */
static void
telemetry_ingest(struct http_exchange *x)
{
	struct telemetry_state *st = x->arg;
	uint32_t received, processed;
	const char *msg;
	char body[96];
	int n;

	if (telemetry_parse(x->body, x->body_len, &received, &processed,
			    &msg) < 0) {
		http_respond_error(x, 400, msg);
		return;
	}
	__atomic_fetch_add(&st->events, processed, __ATOMIC_RELAXED);
	n = snprintf(body, sizeof(body), "{\"received\":%u,\"processed\":%u}",
		     received, processed);
	http_respond_json(x, 200, body, (size_t)n);
}

static void
telemetry_status(struct http_exchange *x)
{
	const struct telemetry_state *st = x->arg;
	uint64_t ev = __atomic_load_n(&st->events, __ATOMIC_RELAXED);
	char body[192];
	int n;

	n = snprintf(body, sizeof(body),
		     "{\"status\":\"running\",\"events_processed\":%llu,"
		     "\"trace_store_size\":%llu,\"effector_actions\":0}",
		     (unsigned long long)ev,
		     (unsigned long long)(ev < TELEMETRY_TRACE_STORE ?
					  ev : TELEMETRY_TRACE_STORE));
	http_respond_json(x, 200, body, (size_t)n);
}

static void
telemetry_version(struct http_exchange *x)
{
	char body[128];
	int n = snprintf(body, sizeof(body),
			 "{\"version\":\"%s\",\"name\":\"linerate\","
			 "\"api_version\":\"v1\"}", LR_VERSION);

	http_respond_json(x, 200, body, (size_t)n);
}

int
telemetry_register(struct http_router *r, const struct config *cfg,
		   struct telemetry_state *st)
{
	static const struct http_route_def routes[] = {
		{ HTTP_METHOD_BIT(HTTP_M_POST), "/api/v1/telemetry",
		  telemetry_ingest, "telemetry" },
		{ HTTP_METHOD_BIT(HTTP_M_GET), "/status", telemetry_status,
		  "status" },
		{ HTTP_METHOD_BIT(HTTP_M_GET), "/version", telemetry_version,
		  "version" },
	};

	if (!st)
		return -EINVAL;
	return http_router_add_all(r, routes,
				   sizeof(routes) / sizeof(routes[0]), st);
}
