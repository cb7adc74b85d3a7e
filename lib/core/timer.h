/* SPDX-License-Identifier: BSD-3-Clause */
/* timer.h: a per-lcore hashed timer wheel on the injectable clock. */
#ifndef LR_CORE_TIMER_H
#define LR_CORE_TIMER_H

#include <stdbool.h>
#include <stdint.h>

struct lcore_ctx;
struct timer;

typedef void (*timer_fn)(struct lcore_ctx *ctx, struct timer *t);

/*
 * A timer is embedded in its owner (a connection, the ARP table...) and
 * found back with container_of() in the callback. Arming, re-arming and
 * cancelling are O(1); nothing is allocated.
 */
struct timer {
	struct timer *next;
	struct timer **pprev; /* NULL when not armed */
	uint64_t expire_us;
	timer_fn fn;
};

/* One slot covers TIMER_TICK_US; one revolution ~1 s. Timers further away
 * stay in their slot and are skipped until their turn comes round. */
#define TIMER_TICK_US 128u
#define TIMER_SLOTS 8192u

/* busy has a bit per slot, set when a timer goes in and cleared when a
 * run finds the slot empty: a run skips 64 empty slots a word.
 * due_us is the earliest time a run can have work: the start of the
 * tick after last_tick, or earlier when a timer waits in last_tick's
 * slot for a time within that tick (armed there, or not yet due in a
 * run). A poll before it is one compare. */
struct timer_wheel {
	uint64_t last_tick; /* last tick fully processed */
	uint64_t armed;     /* timers currently armed */
	uint64_t due_us;    /* no run before this has anything to do */
	uint64_t busy[TIMER_SLOTS / 64];
	struct timer *slot[TIMER_SLOTS];
};

/* Start empty at time now_us. */
void timer_wheel_init(struct timer_wheel *w, uint64_t now_us);

/* Prepare a timer (not armed). */
static inline void
timer_init(struct timer *t, timer_fn fn)
{
	t->next = NULL;
	t->pprev = NULL;
	t->expire_us = 0;
	t->fn = fn;
}

/* Arm (or re-arm) t: it fires on the first timer_wheel_run() with
 * now_us >= expire_us (a time already past: the next run). */
void timer_arm(struct timer_wheel *w, struct timer *t, uint64_t expire_us);

/* timer_cancel() of an armed timer: out of its slot's list. */
static inline void
timer_unlink(struct timer_wheel *w, struct timer *t)
{
	if (t->next)
		t->next->pprev = t->pprev;
	*t->pprev = t->next;
	t->next = NULL;
	t->pprev = NULL;
	w->armed--;
}

/* Disarm; harmless when not armed. Inline: a few stores, no call. */
static inline void
timer_cancel(struct timer_wheel *w, struct timer *t)
{
	if (t->pprev)
		timer_unlink(w, t);
}

static inline bool
timer_armed(const struct timer *t)
{
	return t->pprev != 0;
}

/*
 * A list timers wait in outside the wheel, for an owner that arms many
 * timers most of which are cancelled soon (a connection's idle time):
 * parking is a few stores, and the owner flushes the list into the wheel
 * (timer_park_flush) from a timer of its own, due before the earliest
 * expiry it parks, so only the timers still there then cost an arm. A
 * parked timer counts as armed: timer_armed() is true, timer_cancel()
 * takes it out, timer_arm() moves it into the wheel.
 */
struct timer_park {
	struct timer *head;
};

/* Park t (armed or not) for expire_us in p. */
static inline void
timer_park(struct timer_wheel *w, struct timer_park *p, struct timer *t,
	   uint64_t expire_us)
{
	if (t->pprev)
		timer_unlink(w, t);
	t->expire_us = expire_us;
	t->next = p->head;
	if (t->next)
		t->next->pprev = &t->next;
	p->head = t;
	t->pprev = &p->head;
	w->armed++;
}

/* Up to max timers out of p, newest first: each into the wheel for its
 * time, or, when that is not after now_us, fired now (called from a
 * timer callback: in this run, as the wheel would have). Callbacks may
 * arm, park or cancel any timer. Returns the number taken out; p->head
 * is NULL when it emptied p. The bound keeps one call short however
 * many wait: the owner calls again (next poll) while p holds more. */
unsigned timer_park_flush(struct timer_wheel *w, struct timer_park *p,
			  struct lcore_ctx *ctx, uint64_t now_us,
			  unsigned max);

/* timer_wheel_run()'s walk over the slots due. */
unsigned timer_wheel_run_slots(struct timer_wheel *w, struct lcore_ctx *ctx,
			       uint64_t now_us);

/* Fire every timer due at now_us. Callbacks may arm or cancel any timer,
 * including the one firing. Returns the number fired. A poll before
 * due_us (within the tick already run, nothing there due yet) has
 * nothing to do; an empty wheel is run once a tick, to keep last_tick. */
static inline unsigned
timer_wheel_run(struct timer_wheel *w, struct lcore_ctx *ctx, uint64_t now_us)
{
	if (now_us < w->due_us)
		return 0;
	return timer_wheel_run_slots(w, ctx, now_us);
}

#endif
