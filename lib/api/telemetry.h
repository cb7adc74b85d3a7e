/* SPDX-License-Identifier: BSD-3-Clause */
/* telemetry.h: the telemetry ingest routes (docs/API.md §5). */
#ifndef LR_API_TELEMETRY_H
#define LR_API_TELEMETRY_H

#include <stddef.h>
#include <stdint.h>

/* Fields an event must carry (strings) to count as processed. */
#define TELEMETRY_REQUIRED "timestamp, event_id, function_name"
/* Events a trace store would keep: /status reports min(processed, this). */
#define TELEMETRY_TRACE_STORE 10000u

/*
 * What the §5 routes share across lcores: owned by the caller (struct
 * api_state), passed to the routes as their argument. On a cache line of
 * its own: every lcore adds to it.
 */
struct telemetry_state {
	uint64_t events; /* processed, all batches; relaxed atomic adds */
} __attribute__((aligned(64)));

/*
 * Parse a POST /api/v1/telemetry body: 0 with *received (events in the
 * list) and *processed (those with the required fields); -ENODATA for an
 * empty body ("No data provided"), -EINVAL for bad JSON or no "events"
 * list, -ENOENT for an empty list ("No events in batch"); *msg says it.
 */
int telemetry_parse(const char *body, size_t len, uint32_t *received,
		    uint32_t *processed, const char **msg);

#endif
