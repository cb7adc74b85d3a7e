/* SPDX-License-Identifier: BSD-3-Clause */
/* test_tcp_reserve.c: tcp_send_reserve's first case (c's own spare into
 * an empty queue, no call) leaves what its general way
 * (tcp_send_reserve_rest) leaves: the frames, the queue, the mbuf, the
 * budget; and refuses where the general way refuses. */
#include <string.h>

#include "net/cksum.h"
#include "net/tcp_priv.h"
#include "tcp_test.h"

#define ROUNDS 4

/* What one answer left: on the wire and in TCP's state. */
struct rec {
	uint8_t data[64];
	uint32_t len, seq, ack, win;
	uint8_t flags;
	bool ts, cksum_ok;
	uint32_t sndq_len, nsndq, sum, held;
	uint64_t in_use;
	bool holder, reused, spare, pending, progress;
};

/* What the reserve under test left at once (before the frame). */
static struct {
	uint32_t sum, sndq_len, nsndq;
	uint64_t in_use;
	bool holder, pending, spare;
	bool progress; /* progress_us stamped now (the queue was empty) */
} at;

static void
record_at(struct lcore_ctx *ctx, struct tcp_conn *c)
{
	at.sum = tcp_meta(c->sndq_tail)->sum;
	at.sndq_len = c->sndq_len;
	at.nsndq = c->nsndq;
	at.in_use = ctx->mem.cls[MEM_SNDQ].in_use;
	at.holder = c->hold_pprev != NULL;
	at.pending = (c->flags & TCF_PENDING) != 0;
	at.spare = tcp_tl(ctx)->spare != NULL;
	at.progress = c->progress_us == ctx->now_us;
}

static void *
reserve_first(struct lcore_ctx *ctx, struct tcp_conn *c, uint32_t len,
	      uint16_t sum)
{
	void *p = tcp_send_reserve(ctx, c, len, sum);

	assert_non_null(p);
	record_at(ctx, c);
	return p;
}

static void *
reserve_rest(struct lcore_ctx *ctx, struct tcp_conn *c, uint32_t len,
	     uint16_t sum)
{
	void *p = tcp_send_reserve_rest(ctx, c, len, sum);

	assert_non_null(p);
	record_at(ctx, c);
	return p;
}

/* ROUNDS request/answer exchanges on a fresh connection from sport,
 * answered through reserve; recorded in r[]. */
static void
run(struct harness *h, uint16_t sport, bool ts,
    void *(*reserve)(struct lcore_ctx *, struct tcp_conn *, uint32_t,
		     uint16_t),
    struct rec *r)
{
	struct tt_peer p;
	struct tt_app *a;
	struct tt_seg s;
	struct rte_mbuf *last = NULL;
	static const char *msgs[ROUNDS] = {"answer", "second answer", "x",
					   "the fourth answer, longer"};

	tt_peer_init(&p, h, sport);
	p.ts = ts;
	p.tsval = 1000;
	tt_policy.action = TT_ECHO_RESERVE;
	tt_policy.reserve = reserve;
	a = tt_connect(&p);
	for (unsigned int k = 0; k < ROUNDS; k++) {
		uint32_t len = (uint32_t)strlen(msgs[k]);
		struct tcp_conn *c = a->c;

		harness_advance(h, 1000); /* progress stamped at this time */
		tt_send_data(&p, msgs[k], len);
		tt_one(h, &s);
		assert_int_equal(s.s.len, len);
		assert_memory_equal(s.s.data, msgs[k], len);
		p.rcv_nxt += len;
		memset(&r[k], 0, sizeof(r[k]));
		/* the segment, its sequence numbers from each side's ISN
		 * (the two connections differ in port and ISN only) */
		memcpy(r[k].data, s.s.data, len);
		r[k].len = len;
		r[k].seq = s.s.seq - p.srv_iss;
		r[k].ack = s.s.ack - p.iss;
		r[k].win = s.s.win;
		r[k].flags = s.s.flags;
		r[k].ts = s.s.ts;
		r[k].cksum_ok = s.s.ip_cksum_ok && s.s.tcp_cksum_ok;
		assert_true(r[k].cksum_ok);
		r[k].sndq_len = at.sndq_len;
		r[k].nsndq = at.nsndq;
		r[k].sum = at.sum;
		r[k].holder = at.holder;
		r[k].reused = c->sndq_head == last;
		r[k].spare = at.spare;
		r[k].pending = at.pending;
		r[k].in_use = at.in_use;
		r[k].progress = at.progress;
		r[k].held = h->ctx->mem.held;
		assert_ptr_equal(c->sndq_head, c->sndq_tail);
		last = c->sndq_head;
	}
	tt_send_ack(&p);
	tt_none(h);
	tt_policy.reserve = NULL;
}

/* ROUNDS answers each way, with or without timestamps: the same. */
static void
compare(struct harness *h, bool ts, uint16_t sport)
{
	struct rec f[ROUNDS], g[ROUNDS];

	run(h, sport, ts, reserve_first, f);
	run(h, (uint16_t)(sport + 1), ts, reserve_rest, g);
	for (unsigned int k = 0; k < ROUNDS; k++) {
		assert_int_equal(f[k].len, g[k].len);
		assert_memory_equal(f[k].data, g[k].data, f[k].len);
		assert_int_equal(f[k].seq, g[k].seq);
		assert_int_equal(f[k].ack, g[k].ack);
		assert_int_equal(f[k].win, g[k].win);
		assert_int_equal(f[k].flags, g[k].flags);
		assert_int_equal(f[k].ts, g[k].ts);
		assert_int_equal(f[k].ts, ts);
		assert_int_equal(f[k].sndq_len, g[k].sndq_len);
		assert_int_equal(f[k].nsndq, g[k].nsndq);
		assert_int_equal(f[k].sum, g[k].sum);
		assert_int_equal(f[k].holder, g[k].holder);
		assert_int_equal(f[k].reused, g[k].reused);
		assert_int_equal(f[k].spare, g[k].spare);
		assert_int_equal(f[k].pending, g[k].pending);
		assert_int_equal(f[k].in_use, g[k].in_use);
		assert_int_equal(f[k].held, g[k].held);
		assert_int_equal(f[k].progress, g[k].progress);
		assert_true(f[k].progress);
		/* after the first answer, each answer took its own spare,
		 * its headers kept with timestamps (TCP_SUM_HDR) */
		if (k > 0) {
			assert_true(f[k].reused);
			assert_int_equal((f[k].sum & TCP_SUM_HDR) != 0, ts);
		}
	}
}

static void
test_tcp_reserve_first_case_equals_general_way(void **state)
{
	compare(*state, false, 41100);
}

static void
test_tcp_reserve_first_case_equals_general_way_ts(void **state)
{
	compare(*state, true, 41110);
}

/* The length bounds, one compare (reserve_cap): nothing for 0 bytes or
 * more than an mbuf holds; 1 byte and a whole mbuf are taken. */
static void
test_tcp_reserve_length_bounds(void **state)
{
	struct harness *h = *state;
	struct tcp_lcore *tl = tcp_tl(h->ctx);
	struct tt_peer p;
	struct tcp_conn *c;
	struct tt_seg s;
	uint8_t *w;

	assert_int_equal(tl->reserve_cap,
			 tl->seg_cap >= TCP_RESERVE_ROOM ? tl->seg_cap : 0);
	assert_true(tl->reserve_cap > 0);
	tt_peer_init(&p, h, 41120);
	tt_policy.action = TT_NOTHING;
	c = tt_connect(&p)->c;
	tt_none(h);
	assert_null(tcp_send_reserve(h->ctx, c, 0, 0));
	assert_null(tcp_send_reserve(h->ctx, c, tl->seg_cap + 1u, 0));
	assert_null(c->sndq_head);
	w = tcp_send_reserve(h->ctx, c, 1, cksum_fold(cksum_add("z", 1, 0)));
	assert_non_null(w);
	*w = 'z';
	tcp_flush(h->ctx);
	tt_one(h, &s);
	assert_int_equal(s.s.len, 1);
	assert_int_equal(s.data[0], 'z');
	p.rcv_nxt += 1;
	tt_send_ack(&p);
	tt_none(h);
	assert_null(c->sndq_head);
	w = tcp_send_reserve(h->ctx, c, tl->seg_cap, 0);
	assert_non_null(w);
	assert_int_equal(c->sndq_len, tl->seg_cap);
	tcp_abort(h->ctx, c);
	lcore_tx_flush(h->ctx);
	harness_drain(h);
}

/*
 * tcp_can_queue (tcp_send_space's and tcp_send_reserve's first test: one
 * masked compare for ESTABLISHED) against the two tests it stands for,
 * TCPF_CAN_SEND and none of APP_CLOSED, DEAD and the caller's flags, in
 * every state, with each flag alone and all of them, whatever the other
 * bytes of the word (timer job, family, the other flags) hold.
 */
static void
test_tcp_reserve_can_queue_equals_state_and_flag_tests(void **state)
{
	static const uint32_t also[] = { 0, TCF_MEMWAIT };
	struct tcp_conn c;

	(void)state;
	for (unsigned int a = 0; a < RTE_DIM(also); a++)
		for (unsigned int st = 0; st < TCP_NSTATES; st++)
			for (int b = -2; b < 32; b++) {
				uint32_t f = TCF_APP_CLOSED | TCF_DEAD | also[a];
				uint32_t fl = b == -2 ? 0 : b == -1 ? ~0u :
					      1u << b;
				bool want;

				memset(&c, 0, sizeof(c));
				c.state = (uint8_t)st;
				c.timer_kind = (uint8_t)(b & 7);
				c.lid = b & 1 ? TCP_LID_V6 : TCP_LID_V4;
				c.flags = fl;
				want = (TCPF(st) & TCPF_CAN_SEND) && !(fl & f);
				if (also[a])
					assert_int_equal(tcp_can_queue(&c,
								 TCF_MEMWAIT),
							 want);
				else
					assert_int_equal(tcp_can_queue(&c, 0),
							 want);
			}
}

static void
tweak_sndbuf_1k(struct config *cfg)
{
	cfg->tcp_snd_buf = 1024;
}

/* c's queue against its bound: tcp_send_space is snd_buf less the
 * queued bytes, never more than snd_buf queued. */
static void
sndbuf_check(struct tcp_conn *c, uint32_t queued)
{
	assert_int_equal(c->sndq_len, queued);
	assert_true(c->sndq_len <= c->snd_buf);
	assert_int_equal(tcp_send_space(c), c->snd_buf - queued);
}

/*
 * The send buffer's bound, which tcp_send_space's subtraction relies on
 * (no underflow: the queue never holds more than snd_buf): answers
 * reserved and sent, never acknowledged, until the next does not fit
 * (refused whole), then tcp_send takes what is left and nothing more;
 * the room is snd_buf less the queue at every step.
 */
static void
test_tcp_reserve_send_buffer_bound(void **state)
{
	struct harness *h = tt_reopen(state, tweak_sndbuf_1k);
	static uint8_t data[500];
	struct tt_peer p;
	struct tcp_conn *c;
	uint32_t queued = 0;
	uint8_t *w;

	tt_peer_init(&p, h, 41140);
	tt_policy.action = TT_NOTHING;
	c = tt_connect(&p)->c;
	tt_none(h);
	assert_int_equal(c->snd_buf, 1024);
	sndbuf_check(c, 0);
	for (unsigned int k = 0; k < 3; k++) {
		w = tcp_send_reserve(h->ctx, c, 300, 0);
		assert_non_null(w);
		memset(w, 'a' + k, 300);
		tcp_meta(c->sndq_tail)->sum = 0; /* sum not known */
		queued += 300;
		sndbuf_check(c, queued);
		tcp_flush(h->ctx); /* sent, sealed: the next takes an mbuf */
	}
	/* 1 200 > 1 024: refused whole, nothing queued */
	assert_null(tcp_send_reserve(h->ctx, c, 300, 0));
	sndbuf_check(c, queued);
	assert_int_equal(tcp_send(h->ctx, c, data, sizeof(data)),
			 1024 - queued);
	sndbuf_check(c, 1024);
	assert_null(tcp_send_reserve(h->ctx, c, 1, 0));
	assert_int_equal(tcp_send(h->ctx, c, data, 1), 0);
	sndbuf_check(c, 1024);
	tcp_abort(h->ctx, c);
	lcore_tx_flush(h->ctx);
	harness_drain(h);
}

/*
 * The spare taken by another connection (tcp_send's tcp_spare_take, or
 * tcp_send_reserve's general way) leaves no spare_of behind
 * (tcp_send_reserve tests spare_of alone for c's own spare): the
 * connection it came from, its queue empty, reserves its next answer
 * the general way, in a pool mbuf.
 */
static void
test_tcp_reserve_spare_taken_by_another(void **state)
{
	struct harness *h = *state;
	struct tcp_lcore *tl = tcp_tl(h->ctx);

	for (unsigned int way = 0; way < 2; way++) {
		struct tt_peer p, q;
		struct tcp_conn *a, *b;
		struct rte_mbuf *m;
		struct tt_seg s;
		uint8_t *w;

		tt_peer_init(&p, h, (uint16_t)(41150 + 2 * way));
		tt_peer_init(&q, h, (uint16_t)(41151 + 2 * way));
		tt_policy.action = TT_NOTHING;
		a = tt_connect(&p)->c;
		b = tt_connect(&q)->c;
		tt_none(h);
		w = tcp_send_reserve(h->ctx, a, 5,
				     cksum_fold(cksum_add("first", 5, 0)));
		assert_non_null(w);
		memcpy(w, "first", 5);
		tcp_flush(h->ctx);
		tt_one(h, &s); /* TX done: the queue's reference alone */
		/* a's answer acknowledged as tcp_fast_ack_all releases it */
		m = a->sndq_head;
		a->sndq_len = 0;
		tcp_sndq_pop_keep(h->ctx, a);
		assert_ptr_equal(tl->spare, m);
		assert_ptr_equal(tl->spare_of, a);
		if (way == 0) {
			assert_int_equal(tcp_send(h->ctx, b, "x", 1), 1);
		} else {
			w = tcp_send_reserve(h->ctx, b, 1,
					     cksum_fold(cksum_add("x", 1, 0)));
			assert_non_null(w);
			*w = 'x';
		}
		assert_ptr_equal(b->sndq_head, m);
		assert_null(tl->spare);
		assert_null(tl->spare_of);
		w = tcp_send_reserve(h->ctx, a, 4,
				     cksum_fold(cksum_add("abcd", 4, 0)));
		assert_non_null(w);
		memcpy(w, "abcd", 4);
		assert_non_null(a->sndq_head);
		assert_true(a->sndq_head != m);
		assert_int_equal(a->nsndq, 1);
		assert_int_equal(a->sndq_len, 4);
		assert_non_null(a->hold_pprev);
		tcp_flush(h->ctx);
		a->snd_una = a->snd_max;
		a->snd_nxt = a->snd_max;
		tcp_abort(h->ctx, a);
		tcp_abort(h->ctx, b);
		lcore_tx_flush(h->ctx);
		harness_drain(h);
	}
}

/*
 * A spare has no next (tcp_send_reserve_own puts it into an empty queue
 * without writing it): the head of a queue of two, kept as the spare by
 * tcp_sndq_pop_keep, is cut loose from the mbuf after it.
 */
static void
test_tcp_reserve_spare_has_no_next(void **state)
{
	struct harness *h = *state;
	struct tcp_lcore *tl = tcp_tl(h->ctx);
	struct rte_mbuf *m1, *m2;
	struct tt_peer p;
	struct tcp_conn *a;
	struct tt_seg s;
	uint8_t *w;

	tt_peer_init(&p, h, 41160);
	tt_policy.action = TT_NOTHING;
	a = tt_connect(&p)->c;
	tt_none(h);
	for (unsigned int k = 0; k < 2; k++) {
		w = tcp_send_reserve(h->ctx, a, 4,
				     cksum_fold(cksum_add("abcd", 4, 0)));
		assert_non_null(w);
		memcpy(w, "abcd", 4);
		tcp_flush(h->ctx); /* sent, sealed: the next takes an mbuf */
		tt_one(h, &s);     /* TX done: the queue's reference alone */
	}
	m1 = a->sndq_head;
	m2 = a->sndq_tail;
	assert_ptr_equal(tcp_meta(m1)->next, m2);
	/* the first answer acknowledged, as an ACK releases it */
	a->sndq_len -= 4;
	tcp_sndq_pop_keep(h->ctx, a);
	assert_ptr_equal(tl->spare, m1);
	assert_null(tcp_meta(m1)->next);
	assert_ptr_equal(a->sndq_head, m2);
	tcp_spare_drop(h->ctx);
	tcp_abort(h->ctx, a);
	lcore_tx_flush(h->ctx);
	harness_drain(h);
}


/*
 * tcp_send_room_fast (tcp.h: HTTP's inline room test before each request)
 * against tcp_send_space: true exactly when c is ESTABLISHED with neither
 * APP_CLOSED nor DEAD, snd_buf - sndq_len >= need, MEM_SNDQ in use at
 * most tcp_send_room_bound and no sender waiting for budget; and then
 * tcp_send_space says at least need and puts c on no wait list. Every
 * state, the flags alone and together, queue lengths and needs on both
 * sides of the room, the budget on both sides of its bound, a waiter.
 */
static void
test_tcp_reserve_room_fast_as_send_space(void **state)
{
	struct harness *h = *state;
	struct tcp_lcore *tl = tcp_tl(h->ctx);
	struct mem_class_stat *ms = &h->ctx->mem.cls[MEM_SNDQ];
	static const uint32_t fl[] = { 0, TCF_APP_CLOSED, TCF_DEAD,
				       TCF_MEMWAIT, TCF_PENDING | TCF_TS };
	static const int32_t qd[] = { 0, 1, 100, -1 }; /* sndq_len - snd_buf */
	static const int32_t nd[] = { -1, 0, 1 };      /* need - room */
	static const int64_t md[] = { -1, 0, 1 };      /* in_use - bound */
	struct tt_peer p, pw;
	struct tcp_conn *c, *w;
	uint64_t bound = tcp_send_room_bound(h->ctx), in_use0 = ms->in_use;
	uint32_t snd_buf, flags0;
	uint8_t state0;
	unsigned int ntrue = 0;

	assert_int_equal(bound, tl->sndq_fast);
	assert_true(bound > 1);
	tt_peer_init(&p, h, 41150);
	tt_peer_init(&pw, h, 41151);
	tt_policy.action = TT_NOTHING;
	c = tt_connect(&p)->c;
	w = tt_connect(&pw)->c;
	tt_none(h);
	snd_buf = c->snd_buf;
	flags0 = c->flags;
	state0 = c->state;
	for (unsigned int st = 0; st < TCP_NSTATES; st++)
	for (unsigned int f = 0; f < RTE_DIM(fl); f++)
	for (unsigned int q = 0; q < RTE_DIM(qd); q++)
	for (unsigned int n = 0; n < RTE_DIM(nd); n++)
	for (unsigned int m = 0; m < RTE_DIM(md); m++)
	for (unsigned int wt = 0; wt < 2; wt++) {
		uint32_t len = qd[q] < 0 ? snd_buf : (uint32_t)qd[q];
		uint32_t room = snd_buf - len;
		uint32_t need = (int64_t)room + nd[n] < 0 ? 0 :
				(uint32_t)((int64_t)room + nd[n]);
		bool fast, want;

		c->state = (uint8_t)st;
		c->flags = flags0 | fl[f];
		c->sndq_len = len;
		ms->in_use = (uint64_t)((int64_t)bound + md[m]);
		if (wt)
			tcp_mem_wait(tl, w);
		want = st == TCP_ESTABLISHED &&
		       !(fl[f] & (TCF_APP_CLOSED | TCF_DEAD)) &&
		       room >= need && ms->in_use <= bound && !wt;
		fast = tcp_send_room_fast(h->ctx, c, need, bound);
		assert_int_equal(fast, want);
		if (fast) {
			ntrue++;
			assert_true(tcp_send_space(c) >= need);
			assert_int_equal(c->flags, flags0 | fl[f]);
			assert_null(tl->memwait);
		}
		if (wt)
			tcp_mem_unwait(tl, w);
		assert_null(tl->memwait);
	}
	assert_true(ntrue > 0);
	c->state = state0;
	c->flags = flags0;
	c->sndq_len = 0;
	ms->in_use = in_use0;
	tcp_abort(h->ctx, c);
	tcp_abort(h->ctx, w);
	lcore_tx_flush(h->ctx);
	harness_drain(h);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		TT_TEST(test_tcp_reserve_first_case_equals_general_way),
		TT_TEST(test_tcp_reserve_first_case_equals_general_way_ts),
		TT_TEST(test_tcp_reserve_length_bounds),
		TT_TEST(test_tcp_reserve_can_queue_equals_state_and_flag_tests),
		TT_TEST(test_tcp_reserve_send_buffer_bound),
		TT_TEST(test_tcp_reserve_spare_taken_by_another),
		TT_TEST(test_tcp_reserve_spare_has_no_next),
		TT_TEST(test_tcp_reserve_room_fast_as_send_space),
	};

	return TT_RUN(tests);
}
