/* SPDX-License-Identifier: BSD-3-Clause */
/* test_timer.c: the hashed timer wheel driven by hand-fed times (no EAL). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/timer.h"

#define TICK ((uint64_t)TIMER_TICK_US)
#define REV ((uint64_t)TIMER_SLOTS * TIMER_TICK_US) /* one revolution */
/* Deliberately not 0 and not tick-aligned: the wheel must not rely on it. */
#define T0 (7777777ull * TIMER_TICK_US + 37)

struct fixture {
	struct timer_wheel w;
	uint64_t now;
};

/* A timer with a record of its firings and an optional behaviour. */
struct probe {
	struct timer t;
	struct fixture *f;
	unsigned fired;
	uint64_t first_at, last_at;
	bool armed_in_callback; /* timer_armed(t) as seen by the callback */
	uint64_t period;        /* re-arm at expire_us + period when set */
	struct probe *victim;   /* cancel this one when fired */
	struct probe *arm;      /* arm this one at arm_at when fired */
	uint64_t arm_at;
	unsigned rearm_now;     /* re-arm itself at "now" this many times */
};

static struct probe *
probe_of(struct timer *t)
{
	return (struct probe *)((char *)t - offsetof(struct probe, t));
}

static void
probe_fn(struct lcore_ctx *ctx, struct timer *t)
{
	struct probe *p = probe_of(t);

	(void)ctx;
	p->armed_in_callback = timer_armed(t);
	if (p->fired++ == 0)
		p->first_at = p->f->now;
	p->last_at = p->f->now;
	if (p->victim)
		timer_cancel(&p->f->w, &p->victim->t);
	if (p->arm)
		timer_arm(&p->f->w, &p->arm->t, p->arm_at);
	if (p->period)
		timer_arm(&p->f->w, t, t->expire_us + p->period);
	if (p->rearm_now) {
		p->rearm_now--;
		timer_arm(&p->f->w, t, p->f->now);
	}
}

static void
probe_init(struct probe *p, struct fixture *f)
{
	memset(p, 0, sizeof(*p));
	p->f = f;
	timer_init(&p->t, probe_fn);
}

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	f->now = T0;
	timer_wheel_init(&f->w, f->now);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	free(*state);
	return 0;
}

static unsigned
run_at(struct fixture *f, uint64_t now)
{
	f->now = now;
	return timer_wheel_run(&f->w, NULL, now);
}

/* Run the wheel every step µs up to and including until. */
static unsigned
run_until(struct fixture *f, uint64_t until, uint64_t step)
{
	unsigned fired = 0;

	while (f->now + step <= until)
		fired += run_at(f, f->now + step);
	if (f->now < until)
		fired += run_at(f, until);
	return fired;
}

/* Tiny deterministic generator so runs are reproducible. */
static uint64_t
lcg(uint64_t *s)
{
	*s = *s * 6364136223846793005ull + 1442695040888963407ull;
	return *s >> 33;
}

static void
test_timer_init_leaves_timer_unarmed_and_wheel_empty(void **state)
{
	struct fixture *f = *state;
	struct probe p;

	probe_init(&p, f);
	assert_false(timer_armed(&p.t));
	assert_int_equal(f->w.armed, 0);
	assert_int_equal(run_at(f, T0 + 10 * REV), 0);
	timer_cancel(&f->w, &p.t); /* harmless when not armed */
	assert_int_equal(f->w.armed, 0);
}

/*
 * Offsets of the expiry inside its tick: start, middle and last µs. The
 * wheel is polled every µs; the first run that fires must be at or after
 * the expiry.
 */
static void
test_timer_never_fires_before_its_expiry(void **state)
{
	static const uint64_t offs[] = { 0, 1, 63, 100, TIMER_TICK_US - 1 };
	struct fixture *f = *state;

	for (size_t i = 0; i < sizeof(offs) / sizeof(offs[0]); i++) {
		uint64_t base = (f->now / TICK + 20) * TICK;
		uint64_t exp = base + offs[i];
		struct probe p;

		probe_init(&p, f);
		timer_arm(&f->w, &p.t, exp);
		while (p.fired == 0 && f->now < exp + 4 * TICK)
			run_at(f, f->now + 1);
		assert_int_equal(p.fired, 1);
		if (p.first_at < exp)
			fail_msg("expiry %llu (offset %llu in its tick) fired "
				 "early at %llu (%llu us before)",
				 (unsigned long long)exp,
				 (unsigned long long)offs[i],
				 (unsigned long long)p.first_at,
				 (unsigned long long)(exp - p.first_at));
	}
}

static void
test_timer_fires_no_later_than_one_tick_after_expiry(void **state)
{
	static const uint64_t offs[] = { 0, 1, 63, 100, TIMER_TICK_US - 1 };
	struct fixture *f = *state;

	for (size_t i = 0; i < sizeof(offs) / sizeof(offs[0]); i++) {
		uint64_t exp = (f->now / TICK + 20) * TICK + offs[i];
		struct probe p;

		probe_init(&p, f);
		timer_arm(&f->w, &p.t, exp);
		while (p.fired == 0 && f->now < exp + 4 * TICK)
			run_at(f, f->now + 1);
		assert_int_equal(p.fired, 1);
		assert_true(p.first_at <= exp + TICK);
		assert_false(timer_armed(&p.t));
		assert_false(p.armed_in_callback);
	}
	assert_int_equal(f->w.armed, 0);
}

static void
test_timer_cancel_prevents_firing(void **state)
{
	struct fixture *f = *state;
	struct probe a, b;

	probe_init(&a, f);
	probe_init(&b, f);
	timer_arm(&f->w, &a.t, T0 + 1000);
	timer_arm(&f->w, &b.t, T0 + 1000);
	assert_true(timer_armed(&a.t));
	assert_int_equal(f->w.armed, 2);
	timer_cancel(&f->w, &a.t);
	assert_false(timer_armed(&a.t));
	assert_int_equal(f->w.armed, 1);
	timer_cancel(&f->w, &a.t);
	assert_int_equal(f->w.armed, 1);
	assert_int_equal(run_until(f, T0 + 2 * REV, 50), 1);
	assert_int_equal(a.fired, 0);
	assert_int_equal(b.fired, 1);
	assert_int_equal(f->w.armed, 0);
}

static void
test_timer_rearm_later_moves_expiry_and_fires_once(void **state)
{
	struct fixture *f = *state;
	struct probe p;
	uint64_t exp = (T0 / TICK + 400) * TICK;

	probe_init(&p, f);
	timer_arm(&f->w, &p.t, T0 + 1000);
	timer_arm(&f->w, &p.t, exp);
	assert_int_equal(f->w.armed, 1);
	run_until(f, exp - 1, 10);
	assert_int_equal(p.fired, 0);
	run_until(f, T0 + 2 * REV, 10);
	assert_int_equal(p.fired, 1);
	assert_true(p.first_at >= exp && p.first_at < exp + TICK);
	assert_int_equal(f->w.armed, 0);
}

static void
test_timer_rearm_earlier_fires_at_new_expiry_not_again_at_old(void **state)
{
	struct fixture *f = *state;
	struct probe p;
	uint64_t exp = (T0 / TICK + 10) * TICK;

	probe_init(&p, f);
	timer_arm(&f->w, &p.t, T0 + REV / 2);
	timer_arm(&f->w, &p.t, exp);
	assert_int_equal(f->w.armed, 1);
	run_until(f, exp + TICK, 10);
	assert_int_equal(p.fired, 1);
	assert_true(p.first_at >= exp && p.first_at < exp + TICK);
	run_until(f, T0 + 3 * REV, 100);
	assert_int_equal(p.fired, 1);
}

/*
 * 300 timers share one slot: 100 due in tick k (various offsets), 100 in
 * the same slot one revolution later and 100 two revolutions later. Each
 * group fires whole, once, and only when its turn comes.
 */
static void
test_timer_many_in_one_slot_each_fire_exactly_once_per_revolution(void **state)
{
	struct fixture *f = *state;
	enum { N = 100 };
	static struct probe p[3][N];
	uint64_t base = (T0 / TICK + 50) * TICK;

	for (int g = 0; g < 3; g++)
		for (int i = 0; i < N; i++) {
			probe_init(&p[g][i], f);
			timer_arm(&f->w, &p[g][i].t,
				  base + g * REV + (uint64_t)(i % TIMER_TICK_US));
		}
	assert_int_equal(f->w.armed, 3 * N);
	for (int g = 0; g < 3; g++) {
		uint64_t end = base + g * REV + TICK;

		assert_int_equal(run_until(f, end, 32), N);
		for (int h = 0; h < 3; h++)
			for (int i = 0; i < N; i++)
				assert_int_equal(p[h][i].fired, h <= g ? 1 : 0);
		assert_int_equal(f->w.armed, (uint64_t)(2 - g) * N);
	}
	assert_int_equal(run_until(f, base + 5 * REV, 1000), 0);
}

static void
test_timer_beyond_one_revolution_fires_on_time_not_a_revolution_early(
	void **state)
{
	struct fixture *f = *state;
	static const uint64_t after[] = { REV + TICK, REV + REV / 2, 3 * REV,
					  7 * REV + 5 * TICK };
	struct probe p[4];

	for (int i = 0; i < 4; i++) {
		probe_init(&p[i], f);
		/* tick-aligned, so only the revolution logic is tested */
		timer_arm(&f->w, &p[i].t, (T0 / TICK) * TICK + after[i]);
	}
	run_until(f, T0 + 8 * REV, 100);
	for (int i = 0; i < 4; i++) {
		uint64_t exp = (T0 / TICK) * TICK + after[i];

		assert_int_equal(p[i].fired, 1);
		assert_true(p[i].first_at >= exp);
		assert_true(p[i].first_at < exp + TICK);
	}
	assert_int_equal(f->w.armed, 0);
}

static void
test_timer_periodic_rearm_in_callback_fires_right_count_over_10s(void **state)
{
	struct fixture *f = *state;
	struct probe ms, slow;
	uint64_t dur = 10000000; /* 10 s: about 9.5 revolutions */

	probe_init(&ms, f);
	probe_init(&slow, f);
	ms.period = 1000;
	slow.period = 700000; /* 0.7 s: lands in a different slot each lap */
	timer_arm(&f->w, &ms.t, T0 + ms.period);
	timer_arm(&f->w, &slow.t, T0 + slow.period);
	run_until(f, T0 + dur, 50);
	assert_int_equal(ms.fired, dur / ms.period);
	assert_int_equal(slow.fired, dur / slow.period);
	assert_true(ms.armed_in_callback == false);
	assert_true(timer_armed(&ms.t));
	assert_int_equal(f->w.armed, 2);
	timer_cancel(&f->w, &ms.t);
	timer_cancel(&f->w, &slow.t);
	assert_int_equal(f->w.armed, 0);
}

/* Whichever of the two fires first cancels the other: order-independent. */
static void
test_timer_callback_cancelling_timer_due_same_tick_stops_it(void **state)
{
	struct fixture *f = *state;
	struct probe a, b;
	uint64_t exp = (T0 / TICK + 30) * TICK;

	probe_init(&a, f);
	probe_init(&b, f);
	a.victim = &b;
	b.victim = &a;
	timer_arm(&f->w, &a.t, exp + 5);
	timer_arm(&f->w, &b.t, exp + 9);
	assert_int_equal(run_until(f, exp + 2 * TICK, 2 * TICK), 1);
	assert_int_equal(a.fired + b.fired, 1);
	assert_false(timer_armed(&a.t));
	assert_false(timer_armed(&b.t));
	assert_int_equal(f->w.armed, 0);
	assert_int_equal(run_until(f, T0 + 2 * REV, 1000), 0);
}

/* The victim is due one tick later but inside the same run. */
static void
test_timer_callback_cancelling_timer_due_later_in_same_run_stops_it(
	void **state)
{
	struct fixture *f = *state;
	struct probe a, b;
	uint64_t exp = (T0 / TICK + 30) * TICK;

	probe_init(&a, f);
	probe_init(&b, f);
	a.victim = &b;
	timer_arm(&f->w, &a.t, exp);
	timer_arm(&f->w, &b.t, exp + TICK);
	assert_int_equal(run_at(f, exp + 3 * TICK), 1);
	assert_int_equal(a.fired, 1);
	assert_int_equal(b.fired, 0);
	assert_int_equal(f->w.armed, 0);
}

/* Arming for "now" from the callback must not make one run loop on it;
 * it fires again on later runs until it stops re-arming. */
static void
test_timer_callback_rearming_itself_at_now_does_not_loop_in_one_run(
	void **state)
{
	struct fixture *f = *state;
	struct probe p;
	uint64_t exp = (T0 / TICK + 3) * TICK;

	probe_init(&p, f);
	p.rearm_now = 3;
	timer_arm(&f->w, &p.t, exp);
	assert_int_equal(run_at(f, exp + 1), 1);
	assert_true(timer_armed(&p.t));
	for (int i = 0; i < 10 && timer_armed(&p.t); i++)
		assert_true(run_at(f, f->now + TICK) >= 1);
	assert_int_equal(p.fired, 4);
	assert_false(timer_armed(&p.t));
	assert_int_equal(f->w.armed, 0);
	assert_int_equal(run_at(f, f->now + TICK), 0);
}

/* One run covering ten ticks: a timer armed by a callback at tick 2 for
 * tick 5 is due within the same run and fires in it. */
static void
test_timer_callback_arming_timer_due_later_in_same_run_fires_it(void **state)
{
	struct fixture *f = *state;
	struct probe a, b;
	uint64_t base = (T0 / TICK + 1) * TICK;

	probe_init(&a, f);
	probe_init(&b, f);
	a.arm = &b;
	a.arm_at = base + 5 * TICK;
	timer_arm(&f->w, &a.t, base + 2 * TICK);
	assert_int_equal(run_at(f, base + 10 * TICK), 2);
	assert_int_equal(a.fired, 1);
	assert_int_equal(b.fired, 1);
	assert_int_equal(f->w.armed, 0);
}

/* The lcore loop handles input (which may arm for "now" or earlier) and
 * then runs the wheel with the same now_us: the header promises that a
 * time already past fires on that next run. */
static void
test_timer_armed_in_past_fires_on_next_run_at_same_now(void **state)
{
	struct fixture *f = *state;
	struct probe p, q;
	uint64_t now = T0 + 12345;

	run_at(f, now);
	probe_init(&p, f);
	probe_init(&q, f);
	timer_arm(&f->w, &p.t, now - 5000);
	timer_arm(&f->w, &q.t, now);
	assert_int_equal(run_at(f, now), 2);
	assert_int_equal(p.fired, 1);
	assert_int_equal(q.fired, 1);
	assert_int_equal(f->w.armed, 0);
}

static void
test_timer_armed_in_past_fires_on_first_run_a_tick_later(void **state)
{
	struct fixture *f = *state;
	struct probe p, old;
	uint64_t now = T0 + 12345;

	run_at(f, now);
	probe_init(&p, f);
	probe_init(&old, f);
	timer_arm(&f->w, &p.t, now - 5000);
	timer_arm(&f->w, &old.t, 0); /* far in the past, another slot */
	assert_int_equal(run_at(f, now + TICK), 2);
	assert_int_equal(p.fired, 1);
	assert_int_equal(old.fired, 1);
	assert_int_equal(run_until(f, now + 2 * REV, 500), 0);
	assert_int_equal(p.fired, 1);
	assert_int_equal(old.fired, 1);
}

/*
 * now jumps 10 s (~9.5 revolutions) in one run: everything due fires once,
 * nothing not yet due fires, and the rest fires on time afterwards.
 */
static void
test_timer_long_stall_fires_everything_due_exactly_once(void **state)
{
	struct fixture *f = *state;
	enum { N = 2000 };
	static struct probe p[N];
	uint64_t stall = (T0 / TICK) * TICK + 10000000;
	uint64_t seed = 42;
	unsigned due = 0;

	for (int i = 0; i < N; i++) {
		uint64_t exp;

		probe_init(&p[i], f);
		if (i % 2)
			exp = T0 + lcg(&seed) % (stall - T0 + 1); /* due */
		else
			exp = stall + TICK + lcg(&seed) % 10000000;
		due += exp <= stall;
		timer_arm(&f->w, &p[i].t, exp);
	}
	assert_int_equal(f->w.armed, N);
	assert_int_equal(run_at(f, stall), due);
	for (int i = 0; i < N; i++)
		assert_int_equal(p[i].fired, p[i].t.expire_us <= stall ? 1 : 0);
	assert_int_equal(f->w.armed, N - due);
	run_until(f, stall + 10000000 + 2 * TICK, 100);
	for (int i = 0; i < N; i++) {
		assert_int_equal(p[i].fired, 1);
		if (p[i].t.expire_us > stall) {
			/* tick-granular: no earlier than the expiry's tick */
			assert_true(p[i].first_at >=
				    p[i].t.expire_us / TICK * TICK);
			assert_true(p[i].first_at < p[i].t.expire_us + TICK);
		}
	}
	assert_int_equal(f->w.armed, 0);
}

/* The order probes fired in (test_timer_sparse_slots_fire_in_tick_order). */
static struct probe *fire_order[16];
static unsigned fire_n;

static void
order_fn(struct lcore_ctx *ctx, struct timer *t)
{
	(void)ctx;
	if (fire_n < 16)
		fire_order[fire_n++] = probe_of(t);
	probe_fn(ctx, t);
}

/*
 * Timers a few ticks apart across slot-bitmap words (the first and last
 * slot of a word, both sides of the wheel's wrap), one cancelled, one
 * re-armed in place: one run over most of a revolution fires each due
 * one once, in tick order, and skips the empty slots between them.
 */
static void
test_timer_sparse_slots_fire_in_tick_order(void **state)
{
	struct fixture *f = *state;
	static const uint64_t ticks[] = { 1, 62, 63, 64, 65, 127, 128, 4000,
					  8000, 8100 };
	enum { N = sizeof(ticks) / sizeof(ticks[0]) };
	static struct probe p[N];
	uint64_t base = (T0 / TICK) * TICK;

	fire_n = 0;
	for (unsigned i = 0; i < N; i++) {
		probe_init(&p[i], f);
		p[i].t.fn = order_fn;
		timer_arm(&f->w, &p[i].t, base + ticks[i] * TICK);
	}
	timer_cancel(&f->w, &p[4].t);
	timer_arm(&f->w, &p[3].t, base + ticks[3] * TICK + 1);
	assert_int_equal(run_at(f, base + 8050 * TICK), N - 2);
	for (unsigned i = 0, k = 0; i < N; i++) {
		if (i == 4 || i == 9)
			continue;
		assert_ptr_equal(fire_order[k++], &p[i]);
	}
	assert_int_equal(p[4].fired, 0);
	assert_int_equal(p[9].fired, 0);
	assert_int_equal(run_at(f, base + 8100 * TICK), 1);
	assert_int_equal(p[9].fired, 1);
	assert_int_equal(f->w.armed, 0);
	/* A tick with nothing in it, run again and again: nothing fires. */
	for (int i = 0; i < 3; i++)
		assert_int_equal(run_at(f, base + 8100 * TICK + 5 + i), 0);
}

static void
test_timer_armed_count_and_state_follow_arm_rearm_cancel_fire(void **state)
{
	struct fixture *f = *state;
	struct probe a, b, c;

	probe_init(&a, f);
	probe_init(&b, f);
	probe_init(&c, f);
	timer_arm(&f->w, &a.t, T0 + 1000);
	timer_arm(&f->w, &b.t, T0 + 2 * REV);
	timer_arm(&f->w, &c.t, T0 + 3000);
	assert_int_equal(f->w.armed, 3);
	timer_arm(&f->w, &a.t, T0 + 1500); /* re-arm: still one */
	timer_arm(&f->w, &a.t, T0 + 1500); /* same slot again */
	assert_int_equal(f->w.armed, 3);
	timer_cancel(&f->w, &c.t);
	timer_cancel(&f->w, &c.t);
	assert_int_equal(f->w.armed, 2);
	assert_false(timer_armed(&c.t));
	run_until(f, T0 + 10000, 100);
	assert_int_equal(a.fired, 1);
	assert_false(timer_armed(&a.t));
	assert_true(timer_armed(&b.t));
	assert_int_equal(f->w.armed, 1);
	timer_arm(&f->w, &c.t, T0 + 20000); /* a cancelled timer re-arms */
	assert_int_equal(f->w.armed, 2);
	run_until(f, T0 + 3 * REV, 100);
	assert_int_equal(b.fired, 1);
	assert_int_equal(c.fired, 1);
	assert_int_equal(a.fired, 1);
	assert_int_equal(f->w.armed, 0);
}

/* A fake clock that steps back (a test resetting it, a TSC hiccup) must
 * not leave the wheel unable to fire anything afterwards. */
static void
test_timer_clock_stepping_back_does_not_wedge_wheel(void **state)
{
	struct fixture *f = *state;
	struct probe p;

	/* near 0, as with a fake clock that starts at 0 */
	f->now = 0;
	timer_wheel_init(&f->w, 0);
	probe_init(&p, f);
	timer_arm(&f->w, &p.t, 500000);
	run_at(f, 10000);
	run_at(f, 5000); /* one step back */
	assert_int_equal(p.fired, 0);
	run_until(f, 600000, 100);
	assert_int_equal(p.fired, 1);
	assert_true(p.first_at >= 500000 / TICK * TICK);
	assert_true(p.first_at < 500000 + TICK);
}

/*
 * Within the tick already run (timer_wheel_run's one compare against
 * due_us): a timer armed for a later time in that tick fires on the first
 * run at or past its time, not before; one a callback arms for later in
 * the tick too; one a revolution away in the same slot does not fire.
 */
static void
test_timer_due_within_the_run_tick_fires_at_its_time_not_before(void **state)
{
	struct fixture *f = *state;
	struct probe p, q, far;
	uint64_t base = (T0 / TICK + 1) * TICK;

	run_at(f, base + 1);
	probe_init(&p, f);
	probe_init(&q, f);
	probe_init(&far, f);
	p.arm = &q;
	p.arm_at = base + 90;
	timer_arm(&f->w, &p.t, base + 40);
	timer_arm(&f->w, &far.t, base + 50 + REV);
	assert_int_equal(run_at(f, base + 2), 0);
	assert_int_equal(run_at(f, base + 39), 0);
	assert_int_equal(p.fired, 0);
	assert_int_equal(run_at(f, base + 40), 1);
	assert_int_equal(p.fired, 1);
	assert_true(timer_armed(&q.t));
	assert_int_equal(run_at(f, base + 89), 0);
	assert_int_equal(q.fired, 0);
	assert_int_equal(run_at(f, base + 90), 1);
	assert_int_equal(q.fired, 1);
	assert_int_equal(run_at(f, base + TICK + 60), 0);
	assert_int_equal(far.fired, 0);
	assert_int_equal(f->w.armed, 1);
	assert_int_equal(run_until(f, base + 50 + REV - 1, 100), 0);
	assert_int_equal(run_at(f, base + 50 + REV), 1);
	assert_int_equal(far.fired, 1);
	assert_int_equal(f->w.armed, 0);
}

/* A park and the timer that flushes it (an owner's sweep). */
static struct timer_park park;
static struct fixture *park_f;
static unsigned park_flushed;

static void
park_sweep_fn(struct lcore_ctx *ctx, struct timer *t)
{
	(void)t;
	park_flushed += timer_park_flush(&park_f->w, &park, ctx, park_f->now,
					 100);
}

/* A parked timer counts as armed; cancel takes it out of the park, arm
 * moves it into the wheel; the wheel never fires what stays parked. */
static void
test_timer_parked_counts_as_armed_cancel_and_arm_take_it_out(void **state)
{
	struct fixture *f = *state;
	struct probe a, b, c;

	memset(&park, 0, sizeof(park));
	probe_init(&a, f);
	probe_init(&b, f);
	probe_init(&c, f);
	timer_park(&f->w, &park, &a.t, T0 + 1000);
	timer_park(&f->w, &park, &b.t, T0 + 1000);
	timer_park(&f->w, &park, &c.t, T0 + 1000);
	assert_true(timer_armed(&a.t) && timer_armed(&b.t) &&
		    timer_armed(&c.t));
	assert_int_equal(f->w.armed, 3);
	timer_cancel(&f->w, &b.t);
	assert_false(timer_armed(&b.t));
	assert_int_equal(f->w.armed, 2);
	assert_ptr_equal(park.head, &c.t);
	assert_ptr_equal(c.t.next, &a.t);
	assert_null(a.t.next);
	timer_arm(&f->w, &c.t, T0 + 2000);
	assert_ptr_equal(park.head, &a.t);
	assert_int_equal(f->w.armed, 2);
	/* re-park an armed timer: out of the wheel */
	timer_park(&f->w, &park, &c.t, T0 + 3000);
	assert_int_equal(f->w.armed, 2);
	assert_int_equal(run_until(f, T0 + 2 * REV, 50), 0);
	assert_int_equal(a.fired + b.fired + c.fired, 0);
	timer_arm(&f->w, &a.t, T0 + 2 * REV + 500);
	timer_cancel(&f->w, &c.t);
	assert_null(park.head);
	assert_int_equal(run_until(f, T0 + 3 * REV, 50), 1);
	assert_int_equal(a.fired, 1);
	assert_true(a.first_at >= T0 + 2 * REV + 500);
	assert_int_equal(f->w.armed, 0);
}

/* A flush from a timer run (the owner's sweep, late after a stall):
 * what is due fires in that run, what is not goes into the wheel for its
 * time and fires then, not before; a flush outside a run fires what is
 * due at once, at most max timers a call. */
static void
test_timer_park_flush_fires_due_now_and_arms_the_rest(void **state)
{
	struct fixture *f = *state;
	struct timer sweep;
	struct probe due, later, far;
	uint64_t base = (T0 / TICK + 10) * TICK;

	memset(&park, 0, sizeof(park));
	park_f = f;
	park_flushed = 0;
	timer_init(&sweep, park_sweep_fn);
	probe_init(&due, f);
	probe_init(&later, f);
	probe_init(&far, f);
	timer_arm(&f->w, &sweep, base + 5 * TICK);
	timer_park(&f->w, &park, &due.t, base + 20 * TICK);
	timer_park(&f->w, &park, &later.t, base + 100 * TICK + 7);
	timer_park(&f->w, &park, &far.t, base + 2 * REV);
	/* the wheel counts the sweep; the sweep fired due */
	assert_int_equal(run_at(f, base + 50 * TICK), 1);
	assert_int_equal(park_flushed, 3);
	assert_int_equal(due.fired, 1);
	assert_null(park.head);
	assert_true(timer_armed(&later.t) && timer_armed(&far.t));
	assert_int_equal(run_until(f, base + 100 * TICK + 6, 1), 0);
	assert_int_equal(run_at(f, base + 100 * TICK + 7), 1);
	assert_int_equal(later.fired, 1);
	assert_int_equal(run_until(f, base + 2 * REV - 1, 100), 0);
	assert_int_equal(run_at(f, base + 2 * REV), 1);
	assert_int_equal(far.fired, 1);
	assert_int_equal(f->w.armed, 0);

	timer_park(&f->w, &park, &due.t, f->now);
	timer_park(&f->w, &park, &later.t, f->now + 1);
	/* at most max a call, newest first */
	assert_int_equal(timer_park_flush(&f->w, &park, NULL, f->now, 1), 1);
	assert_int_equal(due.fired, 1);
	assert_ptr_equal(park.head, &due.t);
	assert_int_equal(timer_park_flush(&f->w, &park, NULL, f->now, 8), 1);
	assert_int_equal(due.fired, 2);
	assert_null(park.head);
	assert_int_equal(run_at(f, f->now + 1), 1);
	assert_int_equal(later.fired, 2);
	assert_int_equal(timer_park_flush(&f->w, &park, NULL, f->now, 8), 0);
	assert_int_equal(f->w.armed, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
		T(test_timer_init_leaves_timer_unarmed_and_wheel_empty),
		T(test_timer_never_fires_before_its_expiry),
		T(test_timer_fires_no_later_than_one_tick_after_expiry),
		T(test_timer_cancel_prevents_firing),
		T(test_timer_rearm_later_moves_expiry_and_fires_once),
		T(test_timer_rearm_earlier_fires_at_new_expiry_not_again_at_old),
		T(test_timer_many_in_one_slot_each_fire_exactly_once_per_revolution),
		T(test_timer_beyond_one_revolution_fires_on_time_not_a_revolution_early),
		T(test_timer_periodic_rearm_in_callback_fires_right_count_over_10s),
		T(test_timer_callback_cancelling_timer_due_same_tick_stops_it),
		T(test_timer_callback_cancelling_timer_due_later_in_same_run_stops_it),
		T(test_timer_callback_rearming_itself_at_now_does_not_loop_in_one_run),
		T(test_timer_callback_arming_timer_due_later_in_same_run_fires_it),
		T(test_timer_armed_in_past_fires_on_next_run_at_same_now),
		T(test_timer_armed_in_past_fires_on_first_run_a_tick_later),
		T(test_timer_long_stall_fires_everything_due_exactly_once),
		T(test_timer_sparse_slots_fire_in_tick_order),
		T(test_timer_armed_count_and_state_follow_arm_rearm_cancel_fire),
		T(test_timer_clock_stepping_back_does_not_wedge_wheel),
		T(test_timer_due_within_the_run_tick_fires_at_its_time_not_before),
		T(test_timer_parked_counts_as_armed_cancel_and_arm_take_it_out),
		T(test_timer_park_flush_fires_due_now_and_arms_the_rest),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
