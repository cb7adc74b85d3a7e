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
	w->due_us = (w->last_tick + 1) * TIMER_TICK_US;
}

void
timer_arm(struct timer_wheel *w, struct timer *t, uint64_t expire_us)
{
	uint64_t tick = timer_tick_of(expire_us);
	struct timer **head;

	if (t->pprev)
		timer_unlink(w, t);
	/* A time already past goes in the slot the next run visits first
	 * (it revisits last_tick), never one it has left behind; what goes
	 * there is due before the next tick, so the next run must come at
	 * its time. */
	if (tick <= w->last_tick) {
		tick = w->last_tick;
		if (expire_us < w->due_us)
			w->due_us = expire_us;
	}
	t->expire_us = expire_us;
	head = &w->slot[tick % TIMER_SLOTS];
	w->busy[tick % TIMER_SLOTS / 64] |= 1ull << (tick % 64);
	t->next = *head;
	if (t->next)
		t->next->pprev = &t->next;
	*head = t;
	t->pprev = head;
	w->armed++;
}

unsigned
timer_wheel_run_slots(struct timer_wheel *w, struct lcore_ctx *ctx,
		      uint64_t now_us)
{
	uint64_t now_tick = timer_tick_of(now_us), tick = w->last_tick;
	unsigned fired = 0;

	if (now_tick < tick)
		return 0; /* the clock stepped back: nothing newly due */
	/* After a long stall one revolution visits every slot once. */
	if (now_tick - tick >= TIMER_SLOTS)
		tick = now_tick - TIMER_SLOTS + 1;
	w->last_tick = now_tick;
	/* lowered below, and by timer_arm() from callbacks, for what waits
	 * in now_tick's slot for a time within it */
	w->due_us = (now_tick + 1) * TIMER_TICK_US;
	if (w->armed == 0)
		return 0;
	while (tick <= now_tick) {
		uint32_t pos = (uint32_t)(tick % TIMER_SLOTS);
		uint64_t word = w->busy[pos / 64] >> (pos % 64);
		uint64_t span = 64 - pos % 64;
		struct timer **head, *pending, *t;

		/* Slots without a timer are skipped a word at a time; the word
		 * is read afresh after each slot, for what callbacks armed. */
		if (now_tick - tick + 1 < span) {
			span = now_tick - tick + 1;
			word &= (1ull << span) - 1;
		}
		if (word == 0) {
			tick += span;
			continue;
		}
		tick += (uint64_t)__builtin_ctzll(word);
		pos = (uint32_t)(tick % TIMER_SLOTS);
		head = &w->slot[pos];
		pending = *head;
		tick++;
		if (!pending) {
			w->busy[pos / 64] &= ~(1ull << (pos % 64));
			continue;
		}
		/* Walk a detached list: what callbacks arm lands in the live
		 * slot and waits for the next run, so a callback re-arming
		 * for "now" cannot loop; cancels still unlink via pprev. */
		*head = NULL;
		pending->pprev = &pending;
		while ((t = pending) != NULL) {
			pending = t->next;
			if (pending)
				pending->pprev = &pending;
			if (t->expire_us > now_us) {
				/* later in this tick or a later revolution */
				if (t->expire_us < w->due_us)
					w->due_us = t->expire_us;
				t->next = *head;
				if (t->next)
					t->next->pprev = &t->next;
				*head = t;
				t->pprev = head;
				continue;
			}
			t->next = NULL;
			t->pprev = NULL;
			w->armed--;
			fired++;
			t->fn(ctx, t);
		}
		if (!*head)
			w->busy[pos / 64] &= ~(1ull << (pos % 64));
	}
	return fired;
}

unsigned
timer_park_flush(struct timer_wheel *w, struct timer_park *p,
		 struct lcore_ctx *ctx, uint64_t now_us, unsigned max)
{
	unsigned n = 0;
	struct timer *t;

	/* One at a time from the head: what callbacks cancel or park stays
	 * consistent, and max bounds what they park again. */
	while (n < max && (t = p->head) != NULL) {
		n++;
		timer_unlink(w, t);
		if (t->expire_us > now_us)
			timer_arm(w, t, t->expire_us);
		else
			t->fn(ctx, t);
	}
	return n;
}
