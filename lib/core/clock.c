/* SPDX-License-Identifier: BSD-3-Clause */
/* clock.c: TSC-based monotonic microseconds, replaceable by tests. */
#include <time.h>

#include <rte_cycles.h>

#include "core/clock.h"

static uint64_t
clock_tsc_us(void)
{
	static uint64_t hz;

	if (hz == 0)
		hz = rte_get_tsc_hz();
	return rte_get_tsc_cycles() / (hz / 1000000);
}

static clock_source_fn clock_source = clock_tsc_us;

uint64_t
clock_now_us(void)
{
	return clock_source();
}

void
clock_set_source(clock_source_fn fn)
{
	clock_source = fn ? fn : clock_tsc_us;
}

uint64_t
clock_wall_s(void)
{
	return (uint64_t)time(NULL);
}
