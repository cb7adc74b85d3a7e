/* SPDX-License-Identifier: BSD-3-Clause */
/* clock.h: the one clock the stack reads, injectable for tests. */
#ifndef LR_CORE_CLOCK_H
#define LR_CORE_CLOCK_H

#include <stdint.h>

/* A clock source returns monotonic microseconds. */
typedef uint64_t (*clock_source_fn)(void);

/*
 * clock_now_us(): microseconds from the current source. The default
 * source is the TSC (rte_get_tsc_cycles) scaled by rte_get_tsc_hz(); unit
 * tests install a fake with clock_set_source() to drive RTO, TIME-WAIT and
 * idle timeouts deterministically. The lcore loop reads it once per poll
 * iteration into ctx->now_us; stack code uses ctx->now_us. Inline: the
 * poll calls the source itself, no call in between.
 */
static inline uint64_t
clock_now_us(void)
{
	extern clock_source_fn clock_source; /* clock.c; clock_set_source() */

	return clock_source();
}

/* Install a source (NULL restores the TSC source). Not thread safe:
 * call before lcores start. */
void clock_set_source(clock_source_fn fn);

/* Wall-clock seconds since the epoch. */
uint64_t clock_wall_s(void);

/* Wall-clock seconds at monotonic time now_us (no system call: an offset
 * taken once). For the HTTP Date header, read once per request. */
uint64_t clock_wall_at(uint64_t now_us);

#endif
