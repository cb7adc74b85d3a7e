/* SPDX-License-Identifier: BSD-3-Clause */
/* clock.c: TSC-based monotonic microseconds, replaceable by tests. */
#include <stdbool.h>
#include <time.h>

#include <rte_cycles.h>

#include "core/clock.h"

/* TSC cycles per µs, taken once: one division per read. */
static uint64_t clock_tsc_per_us;

static uint64_t
clock_tsc_us(void)
{
	if (__builtin_expect(clock_tsc_per_us == 0, 0))
		clock_tsc_per_us = rte_get_tsc_hz() / 1000000;
	return rte_get_tsc_cycles() / clock_tsc_per_us;
}

clock_source_fn clock_source = clock_tsc_us;

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

/* Wall-clock µs minus monotonic µs, taken on the first clock_wall_at(). */
static int64_t clock_wall_off_us;
static bool clock_wall_have;

/* Out of line: the per-request read is the add and the division. */
static __attribute__((noinline, cold)) void
clock_wall_init(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	clock_wall_off_us = (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000 -
			    (int64_t)clock_now_us();
	clock_wall_have = true;
}

uint64_t
clock_wall_at(uint64_t now_us)
{
	if (__builtin_expect(!clock_wall_have, 0))
		clock_wall_init();
	return (uint64_t)((int64_t)now_us + clock_wall_off_us) / 1000000u;
}
