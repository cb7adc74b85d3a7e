/* SPDX-License-Identifier: BSD-3-Clause */
/* stats.c: counter names and aggregation. */
#include <stddef.h>
#include <string.h>

#include "core/stats.h"

static const char *const stats_names[ST__COUNT] = {
#define STATS_NAME(name) #name,
	STATS_ALL(STATS_NAME)
#undef STATS_NAME
};

const char *
stats_name(enum stats_id id)
{
	return (unsigned)id < ST__COUNT ? stats_names[id] : NULL;
}

int
stats_lookup(const char *name)
{
	for (int i = 0; i < ST__COUNT; i++)
		if (strcmp(stats_names[i], name) == 0)
			return i;
	return -1;
}

void
stats_add(struct stats *dst, const struct stats *src)
{
	for (int i = 0; i < ST__COUNT; i++)
		dst->v[i] += src->v[i];
}
