/* SPDX-License-Identifier: BSD-3-Clause */
/* mrc.c: the One Million Request Challenge routes (docs/API.md §1). */
#include <errno.h>

#include "api/mrc.h"
#include "api/mrc_format.h"
#include "api/mrc_json.h"
#include "api/mrc_json_compact.h"
#include "api/mrc_store.h"
#include "api/mrc_store_fast.h"
#include "core/config.h"
#include "core/lcore.h"
#include "http/http.h"

/* config.c bounds mrc.max_user_len by what the parser can return. */
_Static_assert(CONFIG_MRC_USER_MAX == MRC_USER_MAX,
	       "config and parser disagree on the userId limit");

/* The answer to a counted event. */
static inline __attribute__((always_inline)) void
mrc_event_ok(struct http_exchange *x, const struct mrc_api *a)
{
	if (a->event_status == 201) {
		static const char ok[] = "{\"status\":\"ok\"}";

		http_respond_json(x, 201, ok, sizeof(ok) - 1);
		return;
	}
	http_respond_empty(x, 200);
}

/* The answer to mrc_store_record()'s return. */
static inline __attribute__((always_inline)) void
mrc_event_answer(struct http_exchange *x, const struct mrc_api *a, int rc)
{
	if (rc == -ENOSPC) {
		http_respond_error(x, 507, "unique user capacity exhausted");
		return;
	}
	if (rc < 0) {
		http_respond_error(x, 500, "event not recorded");
		return;
	}
	mrc_event_ok(x, a);
}

/* Record a parsed event and answer. */
static void
mrc_event_record(struct http_exchange *x, const struct mrc_api *a,
		 const struct mrc_event *ev)
{
	mrc_event_answer(x, a, mrc_store_record(a->store, x->lc->idx, ev));
}

/* 10^(9 - fl): the 1e-9 units of one unit of a value's last digit, fl
 * digits after the point (0..9), indexed by fl itself. */
static const int64_t mrc_event_unit[MRC_EXACT_DIGITS + 1] = {
	1000000000, 100000000, 10000000, 1000000, 100000,
	10000,	    1000,      100,	 10,	  1,
};

#define MRC_EV_NEG 16u	  /* flags: a leading '-' */
#define MRC_EV_HASHED 32u /* flags: h is the user's hash */
#define MRC_EV_TRIED 64u  /* flags: id checked, count_new() said -EAGAIN */

/*
 * A compact body that mrc_store_count_known() did not count: flags the
 * digits after the point (bits 0..3) and MRC_EV_*; h the user's hash with
 * MRC_EV_HASHED (the store goes straight to its probe).
 */
static inline __attribute__((always_inline)) void
mrc_event_compact(struct http_exchange *x, const char *uid, size_t len,
		  uint64_t w, unsigned int flags, uint64_t h)
{
	const struct mrc_api *a = x->arg;
	struct mrc_event ev;

	mrc_json_compact_fill(uid, len, w, flags & 15, flags & MRC_EV_NEG,
			      &ev);
	mrc_event_answer(
		x, a,
		flags & MRC_EV_HASHED
			? mrc_store_record_hashed(a->store, x->lc->idx, &ev, h)
			: mrc_store_record(a->store, x->lc->idx, &ev));
}

/* Any other body: the full entry point (fast path, then full parser). */
static __attribute__((noinline)) void
mrc_event_any(struct http_exchange *x)
{
	const struct mrc_api *a = x->arg;
	struct mrc_event ev;
	const char *err;

	if (mrc_json_parse_event_ref(x->body, x->body_len,
				     a->max_user, &ev, &err) < 0) {
		http_respond_error(x, 400, err);
		return;
	}
	mrc_event_record(x, a, &ev);
}

/*
 * A compact frame whose event mrc_store_count_known() did not count:
 * flags as for mrc_event_compact(), h the user's hash with MRC_EV_HASHED.
 * The id is checked for plain text here (unless MRC_EV_TRIED says it
 * was), then a new user counted inline where it can be
 * (mrc_store_count_new), anything else recorded by the store.
 */
static __attribute__((noinline)) void
mrc_event_declined(struct http_exchange *x, const char *uid, size_t len,
		   uint64_t w, unsigned int flags, uint64_t h)
{
	const struct mrc_api *a = x->arg;
	struct mrc_json_compact_raw r = {
		.uid = uid,
		.len = len,
		.w = w,
		.fl = flags & 15,
		.neg = (flags & MRC_EV_NEG) != 0,
	};
	int64_t sw, mul;
	int rc;

	if (flags & MRC_EV_TRIED)
		goto record;
	if (!mrc_json_compact_id_ok(&r)) {
		mrc_event_any(x);
		return;
	}
	if (flags & MRC_EV_HASHED) {
		sw = r.neg ? -(int64_t)w : (int64_t)w;
		mul = (int64_t)mrc_json_pow10_u64[MRC_EXACT_DIGITS - r.fl];
		rc = mrc_store_count_new(a->store, x->lc->idx, uid, len, sw,
					 mul, h);
		if (rc != -EAGAIN) {
			mrc_event_answer(x, a, rc);
			return;
		}
	}
record:
	mrc_event_compact(x, uid, len, w, flags, h);
}

/*
 * mrc_event_declined() for a frame that mrc_event_status() scanned and
 * counted nothing of (how: MRC_EV_HASHED with h the user's hash,
 * MRC_EV_TRIED): the frame scanned again for the value's digits, which
 * the inline paths do not keep (rare: a first event of a generation, an
 * inexact sum, a lost race).
 */
static __attribute__((noinline)) void
mrc_event_declined_v(struct http_exchange *x, unsigned int how, uint64_t h)
{
	const char *uid = x->body + 11;
	struct mrc_json_compact_raw r;
	const unsigned char *q, *e;

	if (!mrc_json_compact_head(x->body, x->body_len, &q, &e) ||
	    !mrc_json_compact_tail(q, e, &r)) {
		mrc_event_any(x); /* not reached: it was scanned */
		return;
	}
	mrc_event_declined(x, uid, (size_t)((const char *)q - uid), r.w,
			   r.fl | (r.neg ? MRC_EV_NEG : 0) | how, h);
}

/*
 * mrc_event_new() for a user that mrc_store_count_new_lc() did not take
 * (its id checked for plain text): counted by mrc_store_count_new_v()
 * (a taken home slot: the chain, the probe), anything else recorded.
 */
static __attribute__((noinline)) void
mrc_event_new_any(struct http_exchange *x, size_t len, int64_t v, uint64_t h)
{
	const struct mrc_api *a = x->arg;
	int rc;

	rc = mrc_store_count_new_v(a->store, x->lc->idx, x->body + 11, len, v,
				   false, h);
	if (__builtin_expect(rc == -EAGAIN, 0)) {
		mrc_event_declined_v(x, MRC_EV_HASHED | MRC_EV_TRIED, h);
		return;
	}
	mrc_event_answer(x, a, rc);
}

/*
 * mrc_event_new() for a user whose slot mrc_store_count_new_lc() claimed
 * and whose quota unit another lcore took first (near the cap): the
 * general admission (mrc_store_count_new_claimed), then the answer.
 */
static __attribute__((noinline)) void
mrc_event_new_claimed(struct http_exchange *x, size_t len, int64_t v,
		      uint64_t h, struct mrc_lcore *lc)
{
	const struct mrc_api *a = x->arg;

	mrc_event_answer(x, a,
			 mrc_store_count_new_claimed(a->store, lc,
						     x->body + 11, len, v, h));
}

/*
 * mrc_event_new() for a user whose home slot another user holds: most
 * often a known user that lost its home slot when it was new, found on
 * its chain through lc's view and counted (mrc_store_count_moved);
 * anything else by mrc_event_new_any().
 */
static __attribute__((noinline)) void
mrc_event_moved(struct http_exchange *x, size_t len, int64_t v, uint64_t h,
		struct mrc_lcore *lc)
{
	uint64_t wa, wb;

	mrc_hash_words((const unsigned char *)x->body + 11, len, &wa, &wb);
	if (mrc_store_count_moved(lc, wa, wb, len, v, h) < 0) {
		mrc_event_new_any(x, len, v, h);
		return;
	}
	mrc_event_ok(x, x->arg);
}

static void mrc_event_new(struct http_exchange *x, size_t len, int64_t v,
			  uint64_t h, struct mrc_lcore *lc);

/*
 * mrc_event_new() for a user that mrc_store_count_new_lc() declined with
 * nothing done: when lc's quota or arena block was empty (every
 * SET_USER_BLOCK new users), refilled (mrc_store_refill) and the user
 * taken again through the view; anything else by mrc_event_new_any().
 */
static __attribute__((noinline)) void
mrc_event_new_blocks(struct http_exchange *x, size_t len, int64_t v,
		     uint64_t h, struct mrc_lcore *lc)
{
	const struct mrc_api *a = x->arg;

	if (mrc_store_refill(a->store, lc, len)) {
		mrc_event_new(x, len, v, h, lc);
		return;
	}
	mrc_event_new_any(x, len, v, h);
}

/*
 * The user of a compact frame that mrc_store_count_known() declined with
 * 0 on lc (h its hash; len the id's length, the id at x->body + 11; v the
 * value in 1e-9 units): most often a new user, whose id is checked for
 * plain text here, then counted inline by mrc_store_count_new_lc()
 * through lc's view (its blocks refilled by mrc_event_new_blocks());
 * anything else by mrc_event_new_any(). Out of line,
 * with its answer a tail call; the id's place found again here, so that
 * the caller keeps no register for it.
 */
static __attribute__((noinline)) void
mrc_event_new(struct http_exchange *x, size_t len, int64_t v, uint64_t h,
	      struct mrc_lcore *lc)
{
	const struct mrc_api *a = x->arg;
	const char *uid = x->body + 11;
	struct mrc_json_compact_raw r = { .uid = uid, .len = len };
	int rc;

	if (!mrc_json_compact_id_ok(&r)) {
		mrc_event_any(x);
		return;
	}
	rc = mrc_store_count_new_lc(a->store, lc, uid, len, v, h);
	if (__builtin_expect(rc == -EAGAIN, 0)) {
		mrc_event_new_blocks(x, len, v, h, lc);
		return;
	}
	if (__builtin_expect(rc == -EEXIST, 0)) {
		mrc_event_moved(x, len, v, h, lc);
		return;
	}
	if (__builtin_expect(rc == -EINPROGRESS, 0)) {
		mrc_event_new_claimed(x, len, v, h, lc);
		return;
	}
	mrc_event_answer(x, a, rc);
}

/*
 * A compact frame's event, the id (uid, 1..max_user bytes; with fast,
 * within the store's inline max and 9..16 bytes with wide, else 4..8)
 * and the value r: the value made v, its 1e-9 units, a known user
 * counted inline
 * (mrc_store_count_known_w / _v) and answered with status, anything else
 * left by a tail call. Only the id, its length and v stay live past the
 * parse (the rare paths that need the digits scan the frame again).
 */
static inline __attribute__((always_inline)) void
mrc_event_count_v(struct http_exchange *x, const char *uid, size_t len,
		  int64_t v, unsigned int status, bool fast, bool wide)
{
	const struct mrc_api *a = x->arg;
	const unsigned char *body = (const unsigned char *)x->body;
	struct mrc_lcore *lc = NULL;
	uint64_t h = 0, wa, wb;
	int rc;

	if (fast) {
		/* The id's words (mrc_hash_words) from the body and the id's
		 * length: no pointer to the id kept for its last word. */
		wa = wide ? mrc_hash_rd64(body + 11) : mrc_hash_rd32(body + 11);
		wb = wide ? mrc_hash_rd64(body + 3 + len)
			  : mrc_hash_rd32(body + 7 + len);
		rc = mrc_store_count_known_w(a->store, x->lc->idx, wa, wb, len,
					     v, &h, wide, &lc);
	} else {
		rc = mrc_store_count_known_v(a->store, x->lc->idx, uid, len, v,
					     false, &h, &lc);
	}
	if (__builtin_expect(rc == 0, 0)) {
		mrc_event_new(x, len, v, h, lc);
		return;
	}
	if (__builtin_expect(rc < 0, 0)) {
		mrc_event_declined_v(x, 0, 0);
		return;
	}
	if (status == 201) {
		static const char ok[] = "{\"status\":\"ok\"}";

		http_respond_json(x, 201, ok, sizeof(ok) - 1);
		return;
	}
	http_respond_empty(x, 200);
}

/*
 * mrc_event_count_v() for the value r (mrc_json_compact_tail): made v,
 * its 1e-9 units, here; one that is not an int64 declined.
 */
static inline __attribute__((always_inline)) void
mrc_event_count(struct http_exchange *x, const char *uid, size_t len,
		const struct mrc_json_compact_raw *r, unsigned int status,
		bool fast, bool wide)
{
	/* The sign as a mask, m: no branch, no flag kept. */
	int64_t m = -(int64_t)r->neg, v;

	/* w < 10^15: the value in 1e-9 units is an int64 for all but huge
	 * ones (the store's general path). */
	if (__builtin_mul_overflow(((int64_t)r->w ^ m) - m,
				   mrc_event_unit[r->fl], &v)) {
		mrc_event_declined(x, uid, len, r->w,
				   r->fl | (r->neg ? MRC_EV_NEG : 0), 0);
		return;
	}
	mrc_event_count_v(x, uid, len, v, status, fast, wide);
}

/*
 * The value of a frame's tail (q, e from mrc_json_compact_head()) in
 * 1e-9 units into *vp when mrc_json_compact_units() decides it (the key
 * matched, at most 7 digits before the point and 9 after); false
 * otherwise, with nothing decided (mrc_event_other()).
 */
static inline __attribute__((always_inline)) bool
mrc_event_units(const unsigned char *q, const unsigned char *e, int64_t *vp)
{
#if defined(__SSE4_1__)
	return mrc_json_compact_key_id(q) && mrc_json_compact_units(q, e, vp);
#else
	return false;
#endif
}

/*
 * mrc_event_status() for a frame whose id is of neither class of
 * a->id_fast, a->id_fast4, or whose value mrc_event_units() did not
 * decide (q and e from mrc_json_compact_head()): its length checked
 * against max_user here, the value by mrc_json_compact_tail(), then the
 * store's own checks.
 */
static __attribute__((noinline)) void
mrc_event_other(struct http_exchange *x, const unsigned char *q,
		const unsigned char *e)
{
	const struct mrc_api *a = x->arg;
	const char *uid = x->body + 11;
	size_t len = (size_t)((const char *)q - uid);
	struct mrc_json_compact_raw r;

	/* q <= uid wraps: an empty id (or none) falls back too. */
	if (len - 1 >= a->max_user || !mrc_json_compact_tail(q, e, &r)) {
		mrc_event_any(x);
		return;
	}
	mrc_event_count(x, uid, len, &r, a->event_status, false, false);
}

/*
 * POST /event: parse, record, answer. The event is recorded before the
 * answer is built, so a 200 always means counted once; a 400 or 507
 * means nothing was counted. The compact body clients send is scanned in
 * place (the userId stays in the body: hashed and compared from there,
 * its bytes checked only when it is not a known plain id), and a known
 * user's exact value counted inline, with no event struct
 * and no call but the answer's; any other user's by one call
 * (mrc_event_new); anything else takes the general path. An id of 9..16
 * bytes (a->id_fast: within max_user and the store's inline max, one
 * compare), or one of 4..8 (a->id_fast4, a second), is hashed and
 * compared as two 8-byte (4-byte) words with no other length test, its
 * value of up to 7 digits before the point and 9 after taken in 1e-9
 * units in vector steps (mrc_event_units); other lengths and values go
 * on in mrc_event_other(). status:
 * mrc.event_status, one handler each (the answer decided when the route
 * is registered, not per request).
 */
static inline __attribute__((always_inline)) void
mrc_event_status(struct http_exchange *x, unsigned int status, bool full)
{
	const struct mrc_api *a = x->arg;
	const char *uid = x->body + 11;
	const unsigned char *q, *e;
	size_t len;
	int64_t v;

	/* The id is checked for plain text only when the store does not
	 * answer: a known id matched a record marked plain
	 * (mrc_store_count_known). A body with whitespace after its '}'
	 * takes the general path, which decides it as the compact one
	 * would: here the id's length comes from the body's length
	 * (mrc_json_compact_head_last). */
	if (!mrc_json_compact_head_last(x->body, x->body_len, &q, &e, &len)) {
		mrc_event_any(x);
		return;
	}
	/* full: the classes whole (a->id_fast 8, a->id_fast4 5: both
	 * limits 16 or more), decided when the route is registered. */
	if (__builtin_expect(len - 9 < (full ? 8 : a->id_fast), 1)) {
		if (__builtin_expect(mrc_event_units(q, e, &v), 1)) {
			mrc_event_count_v(x, uid, len, v, status, true, true);
			return;
		}
	} else if (len - 4 < (full ? 5 : a->id_fast4) &&
		   mrc_event_units(q, e, &v)) {
		mrc_event_count_v(x, uid, len, v, status, true, false);
		return;
	}
	mrc_event_other(x, q, e);
}

/* POST /event answered 200 with no body (mrc.event_status 200). */
static void
mrc_event(struct http_exchange *x)
{
	mrc_event_status(x, 200, false);
}

/* POST /event answered 201 {"status":"ok"} (mrc.event_status 201). */
static void
mrc_event_201(struct http_exchange *x)
{
	mrc_event_status(x, 201, false);
}

/* mrc_event() with the id classes whole (a->id_fast 8, id_fast4 5). */
static void
mrc_event_full(struct http_exchange *x)
{
	mrc_event_status(x, 200, true);
}

/* mrc_event_201() with the id classes whole. */
static void
mrc_event_201_full(struct http_exchange *x)
{
	mrc_event_status(x, 201, true);
}

static void
mrc_stats(struct http_exchange *x)
{
	const struct mrc_api *a = x->arg;
	struct mrc_stats st;
	char body[256];
	int n;

	mrc_store_stats(a->store, &st);
	n = mrc_stats_json(&st, body, sizeof(body));
	if (n < 0) {
		http_respond_error(x, 500, "stats unavailable");
		return;
	}
	http_respond_json(x, 200, body, (size_t)n);
}

static void
mrc_reset(struct http_exchange *x)
{
	static const char ok[] = "{\"status\":\"reset\"}";
	const struct mrc_api *a = x->arg;
	/* Never waits: an lcore must not stall on other lcores or a memset. */
	int rc = mrc_store_reset_nowait(a->store);

	if (rc < 0) {
		http_respond_error(x, 503, "reset busy, retry");
		return;
	}
	http_respond_json(x, 200, ok, sizeof(ok) - 1);
}

static void
mrc_health(struct http_exchange *x)
{
	static const char ok[] = "{\"status\":\"healthy\"}";

	http_respond_json(x, 200, ok, sizeof(ok) - 1);
}

int
mrc_api_register(struct http_router *r, struct mrc_api *api)
{
	size_t lim;

	if (!api || !api->store || !api->cfg ||
	    api->cfg->mrc_max_user_len - 1 >= MRC_USER_MAX)
		return -EINVAL;
	api->max_user = api->cfg->mrc_max_user_len;
	api->event_status = api->cfg->mrc_event_status;
	/* Ids of 9..16 bytes within both limits: one compare per event. */
	lim = mrc_store_inline_max(api->store);
	if (lim > api->max_user)
		lim = api->max_user;
	api->id_fast = lim >= 9 ? (unsigned int)lim - 8 : 0;
	api->id_fast4 = lim >= 4 ? (unsigned int)(lim < 8 ? lim : 8) - 3 : 0;
	/* The answer's status and whole id classes (the usual limits) are
	 * the handler's: no test or load per request. */
	bool full = api->id_fast == 8 && api->id_fast4 == 5;
	http_handler_fn event =
		api->event ? api->event :
		api->event_status == 201 ? (full ? mrc_event_201_full
						 : mrc_event_201) :
		full ? mrc_event_full : mrc_event;

	/* /event first: the hot route is matched first. /reset only when
	 * enabled (a NULL handler skips the row). */
	const struct http_route_def routes[] = {
		{ HTTP_METHOD_BIT(HTTP_M_POST), "/event", event, "event" },
		{ HTTP_METHOD_BIT(HTTP_M_GET), "/stats",
		  api->stats ? api->stats : mrc_stats, "stats" },
		{ HTTP_METHOD_BIT(HTTP_M_POST), "/reset",
		  !api->cfg->mrc_reset_enabled ? NULL :
		  api->reset ? api->reset : mrc_reset, "reset" },
		{ HTTP_METHOD_BIT(HTTP_M_GET), "/health", mrc_health,
		  "health" },
	};

	return http_router_add_all(r, routes,
				   sizeof(routes) / sizeof(routes[0]), api);
}
