/* SPDX-License-Identifier: BSD-3-Clause */
/* timer.c: hashed timer wheel (Varghese & Lauck scheme 4, one level). */
#include <string.h>

#include "core/timer.h"

static inline uint64_t
timer_tick_of(uint64_t us)
{
	return us / TIMER_TICK_US;
}

void
timer_wheel_init(struct timer_wheel *w, uint64_t now_us)
{
	memset(w, 0, sizeof(*w));
	w->last_tick = timer_tick_of(now_us);
}

void
timer_init(struct timer *t, timer_fn fn)
{
	t->next = NULL;
	t->pprev = NULL;
	t->expire_us = 0;
	t->fn = fn;
}

static void
timer_unlink(struct timer_wheel *w, struct timer *t)
{
	if (t->next)
		t->next->pprev = t->pprev;
	*t->pprev = t->next;
	t->next = NULL;
	t->pprev = NULL;
	w->armed--;
}

void
timer_cancel(struct timer_wheel *w, struct timer *t)
{
	if (t->pprev)
		timer_unlink(w, t);
}

void
timer_arm(struct timer_wheel *w, struct timer *t, uint64_t expire_us)
{
	uint64_t tick = timer_tick_of(expire_us);
	struct timer **head;

	if (t->pprev)
		timer_unlink(w, t);
	/* A tick already processed would wait a whole revolution. */
	if (tick <= w->last_tick)
		tick = w->last_tick + 1;
	t->expire_us = expire_us;
	head = &w->slot[tick % TIMER_SLOTS];
	t->next = *head;
	if (t->next)
		t->next->pprev = &t->next;
	*head = t;
	t->pprev = head;
	w->armed++;
}

unsigned
timer_wheel_run(struct timer_wheel *w, struct lcore_ctx *ctx, uint64_t now_us)
{
	uint64_t now_tick = timer_tick_of(now_us);
	unsigned fired = 0;

	if (w->armed == 0) {
		w->last_tick = now_tick > w->last_tick ? now_tick : w->last_tick;
		return 0;
	}
	/* After a long stall one revolution visits every slot once. */
	if (now_tick - w->last_tick > TIMER_SLOTS)
		w->last_tick = now_tick - TIMER_SLOTS;
	while (w->last_tick < now_tick) {
		uint64_t tick = ++w->last_tick;
		struct timer **pp = &w->slot[tick % TIMER_SLOTS];
		struct timer *t;

		while ((t = *pp) != NULL) {
			if (timer_tick_of(t->expire_us) > tick &&
			    t->expire_us > now_us) {
				pp = &t->next; /* a later revolution */
				continue;
			}
			timer_unlink(w, t);
			fired++;
			t->fn(ctx, t);
			/* The callback may have changed this slot: rescan. */
			pp = &w->slot[tick % TIMER_SLOTS];
		}
	}
	return fired;
}
