/* SPDX-License-Identifier: BSD-3-Clause */
/* test_tcp_close.c: passive, active and simultaneous close, FIN_WAIT_2,
 * TIME_WAIT (bound, expiry, reopening) and the lingering close. */
#include <string.h>

#include "core/stats.h"
#include "net/tcp_priv.h"
#include "tcp_test.h"

static void
test_tcp_close_passive_fin_close_wait_last_ack_closed_normal(void **state)
{
	struct harness *h = *state;
	struct tt_peer p;
	struct tt_app *a;
	struct tt_seg r;

	tt_peer_init(&p, h, 40300);
	a = tt_connect(&p);
	tt_send(&p, F_FIN | F_ACK, p.snd_nxt, p.rcv_nxt, NULL, 0);
	p.snd_nxt++;
	/* The FIN is acknowledged at once. */
	tt_one(h, &r);
	assert_int_equal(r.s.flags, F_ACK);
	assert_int_equal(r.s.ack, p.snd_nxt);
	assert_true(a->peer_fin);
	assert_false(a->closed);
	assert_int_equal(tt_state_count(h, TCP_CLOSE_WAIT), 1);
	/* The application still sends, then closes: data + FIN. */
	assert_int_equal(tcp_send(h->ctx, a->c, "bye", 3), 3);
	tcp_close(h->ctx, a->c);
	harness_poll(h);
	tt_one(h, &r);
	assert_int_equal(r.s.flags & (F_FIN | F_ACK), F_FIN | F_ACK);
	assert_int_equal(r.s.len, 3);
	assert_int_equal(r.s.seq, p.rcv_nxt);
	assert_int_equal(tt_state_count(h, TCP_LAST_ACK), 1);
	p.rcv_nxt += 4;
	tt_send_ack(&p);
	tt_none(h);
	assert_true(a->closed);
	assert_int_equal(a->why, TCP_CLOSE_NORMAL);
	assert_int_equal(tcp_conn_count(h->ctx), 0);
}

/* Active close up to FIN_WAIT_2; returns the app. */
static struct tt_app *
active_close(struct harness *h, struct tt_peer *p)
{
	struct tt_app *a;
	struct tt_seg r;

	tt_policy.action = TT_RESPOND_CLOSE;
	tt_policy.resp_len = 20;
	a = tt_connect(p);
	tt_send_data(p, "GET", 3);
	tt_one(h, &r);
	assert_int_equal(r.s.flags & F_FIN, F_FIN);
	assert_int_equal(r.s.len, 20);
	assert_int_equal(tt_state_count(h, TCP_FIN_WAIT_1), 1);
	p->rcv_nxt = r.s.seq + 21;
	tt_send_ack(p);
	tt_none(h);
	assert_int_equal(tt_state_count(h, TCP_FIN_WAIT_2), 1);
	assert_false(a->closed);
	return a;
}

static void
test_tcp_close_active_fin_wait_time_wait_expiry_frees(void **state)
{
	struct harness *h = *state;
	struct tt_peer p;
	struct tt_app *a;
	struct tt_seg r;

	tt_peer_init(&p, h, 40301);
	a = active_close(h, &p);
	tt_send(&p, F_FIN | F_ACK, p.snd_nxt, p.rcv_nxt, NULL, 0);
	p.snd_nxt++;
	tt_one(h, &r);
	assert_int_equal(r.s.flags, F_ACK);
	assert_int_equal(r.s.ack, p.snd_nxt);
	assert_true(a->closed);
	assert_int_equal(a->why, TCP_CLOSE_NORMAL);
	assert_int_equal(tt_state_count(h, TCP_TIME_WAIT), 1);
	/* A retransmitted FIN is acknowledged again. */
	harness_advance(h, 500000);
	tt_send(&p, F_FIN | F_ACK, p.snd_nxt - 1, p.rcv_nxt, NULL, 0);
	tt_one(h, &r);
	assert_int_equal(r.s.ack, p.snd_nxt);
	/* ... and the wait restarted: still there 900 ms later. */
	harness_advance(h, 900000);
	assert_int_equal(tt_state_count(h, TCP_TIME_WAIT), 1);
	harness_advance(h, 200000);
	assert_int_equal(tt_state_count(h, TCP_TIME_WAIT), 0);
	assert_int_equal(tcp_conn_count(h->ctx), 0);
	tt_none(h);
}

static void
test_tcp_close_data_and_fin_in_fin_wait_2_acked_not_delivered(void **state)
{
	struct harness *h = *state;
	struct tt_peer p;
	struct tt_app *a;
	struct tt_seg r;

	tt_peer_init(&p, h, 40302);
	a = active_close(h, &p);
	/* After tcp_close() the application reads nothing: the bytes are
	 * acknowledged and dropped (lingering close). */
	tt_send(&p, F_FIN | F_ACK | F_PSH, p.snd_nxt, p.rcv_nxt, "more", 4);
	p.snd_nxt += 5;
	tt_one(h, &r);
	assert_int_equal(r.s.ack, p.snd_nxt);
	assert_int_equal(a->rx_len, 3);
	assert_true(a->closed);
	assert_int_equal(tt_state_count(h, TCP_TIME_WAIT), 1);
}

static void
test_tcp_close_fin_wait_2_timeout(void **state)
{
	struct harness *h = *state;
	struct tt_peer p;
	struct tt_app *a;

	tt_peer_init(&p, h, 40303);
	a = active_close(h, &p);
	harness_advance(h, 29000000);
	assert_false(a->closed);
	harness_advance(h, 1000000 + 1000);
	assert_true(a->closed);
	assert_int_equal(a->why, TCP_CLOSE_TIMEOUT);
	assert_int_equal(HSTAT(h, tcp_fin_wait2_timeout), 1);
	assert_int_equal(tcp_conn_count(h->ctx), 0);
	harness_drain(h);
}

static void
test_tcp_close_simultaneous_close_goes_through_closing(void **state)
{
	struct harness *h = *state;
	struct tt_peer p;
	struct tt_app *a;
	struct tt_seg r, f;

	tt_peer_init(&p, h, 40304);
	tt_policy.action = TT_RESPOND_CLOSE;
	tt_policy.resp_len = 5;
	a = tt_connect(&p);
	tt_send_data(&p, "GET", 3);
	tt_one(h, &f);
	assert_true(f.s.flags & F_FIN);
	/* The peer's FIN crosses ours: it does not acknowledge our FIN. */
	tt_send(&p, F_FIN | F_ACK, p.snd_nxt, f.s.seq, NULL, 0);
	p.snd_nxt++;
	assert_int_equal(tt_state_count(h, TCP_CLOSING), 1);
	tt_one(h, &r);
	assert_int_equal(r.s.ack, p.snd_nxt);
	/* Its ACK of our FIN ends CLOSING in TIME_WAIT. */
	p.rcv_nxt = f.s.seq + 6;
	tt_send_ack(&p);
	tt_none(h);
	assert_int_equal(tt_state_count(h, TCP_TIME_WAIT), 1);
	assert_true(a->closed);
	assert_int_equal(a->why, TCP_CLOSE_NORMAL);
	harness_advance(h, 1100000);
	assert_int_equal(tcp_conn_count(h->ctx), 0);
}

/* Both ends to TIME_WAIT for peer p. */
static void
to_time_wait(struct harness *h, struct tt_peer *p)
{
	struct tt_seg r;

	active_close(h, p);
	tt_send(p, F_FIN | F_ACK, p->snd_nxt, p->rcv_nxt, NULL, 0);
	p->snd_nxt++;
	tt_one(h, &r);
}

static void
tweak_max_timewait_1(struct config *cfg)
{
	cfg->tcp_max_timewait = 1;
}

static void
test_tcp_close_time_wait_bound_drops_oldest(void **state)
{
	struct harness *h = tt_reopen(state, tweak_max_timewait_1);
	struct tt_peer p1, p2;

	tt_peer_init(&p1, h, 40305);
	tt_peer_init(&p2, h, 40306);
	to_time_wait(h, &p1);
	assert_int_equal(tt_state_count(h, TCP_TIME_WAIT), 1);
	to_time_wait(h, &p2);
	assert_int_equal(tt_state_count(h, TCP_TIME_WAIT), 1);
	assert_int_equal(tcp_conn_count(h->ctx), 1);
	assert_int_equal(HSTAT(h, tcp_timewait_full), 1);
	harness_advance(h, 1100000);
	assert_int_equal(tcp_conn_count(h->ctx), 0);
}

static void
test_tcp_close_time_wait_reopened_by_higher_syn(void **state)
{
	struct harness *h = *state;
	struct tt_peer p;
	struct tt_seg sa;
	uint32_t old_nxt;

	tt_peer_init(&p, h, 40307);
	to_time_wait(h, &p);
	old_nxt = p.snd_nxt;
	/* A SYN below RCV.NXT does not reopen: it is answered by an ACK. */
	tt_send(&p, F_SYN, old_nxt - 100, 0, NULL, 0);
	tt_one(h, &sa);
	assert_int_equal(sa.s.flags, F_ACK);
	assert_int_equal(tt_state_count(h, TCP_TIME_WAIT), 1);
	/* A higher one starts a new incarnation (RFC 1122 §4.2.2.13). */
	p.iss = old_nxt + 100000;
	tt_policy.action = TT_NOTHING;
	tt_syn(&p, &sa);
	assert_int_equal(tt_state_count(h, TCP_TIME_WAIT), 0);
	assert_int_equal(tt_state_count(h, TCP_SYN_RECEIVED), 1);
	tt_send_ack(&p);
	tt_none(h);
	assert_int_equal(tt_state_count(h, TCP_ESTABLISHED), 1);
}

static void
test_tcp_close_data_after_app_close_is_acked_and_dropped(void **state)
{
	struct harness *h = *state;
	struct tt_peer p;
	struct tt_app *a;
	struct tt_seg r;

	tt_peer_init(&p, h, 40308);
	tt_policy.action = TT_RESPOND_CLOSE;
	tt_policy.resp_len = 50;
	a = tt_connect(&p);
	tt_send_data(&p, "GET", 3);
	tt_one(h, &r);
	/* A pipelined request after the close: ACKed, not delivered, no
	 * RST (the response must not be destroyed). */
	tt_send_data(&p, "GET2", 4);
	harness_advance(h, 50000);
	tt_one(h, &r);
	assert_int_equal(r.s.flags & F_RST, 0);
	assert_int_equal(r.s.ack, p.snd_nxt);
	assert_int_equal(a->rx_len, 3);
	assert_int_equal(a->recv_calls, 1);
}

static void
test_tcp_close_abort_sends_rst_and_closed_abort(void **state)
{
	struct harness *h = *state;
	struct tt_peer p;
	struct tt_app *a;
	struct tt_seg r;

	tt_peer_init(&p, h, 40309);
	tt_policy.action = TT_ABORT;
	a = tt_connect(&p);
	tt_send_data(&p, "GET", 3);
	tt_one(h, &r);
	assert_true(r.s.flags & F_RST);
	assert_int_equal(r.s.seq, p.rcv_nxt);
	assert_true(a->closed);
	assert_int_equal(a->why, TCP_CLOSE_ABORT);
	assert_int_equal(tcp_conn_count(h->ctx), 0);
}

static void
test_tcp_close_fini_aborts_live_connections(void **state)
{
	struct harness *h = *state;
	struct tt_peer p;
	struct tt_app *a;

	tt_peer_init(&p, h, 40310);
	a = tt_connect(&p);
	tcp_lcore_fini(h->ctx);
	assert_true(a->closed);
	assert_int_equal(a->why, TCP_CLOSE_ABORT);
	/* The RST of the abort went out. */
	lcore_tx_flush(h->ctx);
	assert_int_equal(harness_drain(h), 1);
}

static void
tweak_retries_2(struct config *cfg)
{
	cfg->tcp_max_retries = 2;
}

static void
test_tcp_close_last_ack_unanswered_gives_up_timeout(void **state)
{
	struct harness *h = tt_reopen(state, tweak_retries_2);
	struct tt_peer p;
	struct tt_app *a;
	struct tt_seg r;
	int sent = 0;

	tt_peer_init(&p, h, 40311);
	tt_policy.close_on_fin = true;
	a = tt_connect(&p);
	tt_send(&p, F_FIN | F_ACK, p.snd_nxt, p.rcv_nxt, NULL, 0);
	p.snd_nxt++;
	tt_one(h, &r);
	assert_true(r.s.flags & F_FIN);
	assert_int_equal(tt_state_count(h, TCP_LAST_ACK), 1);
	/* FIN again at 200 ms and 400 ms later, then RST and TIMEOUT. */
	for (int i = 0; i < 40 && !a->closed; i++) {
		struct tt_seg segs[4];
		unsigned int n;

		harness_advance(h, 100000);
		n = tt_collect(h, segs, 4);
		for (unsigned int k = 0; k < n; k++) {
			if (segs[k].s.flags & F_RST)
				continue;
			assert_true(segs[k].s.flags & F_FIN);
			assert_int_equal(segs[k].s.seq, r.s.seq);
			sent++;
		}
	}
	assert_int_equal(sent, 2);
	assert_true(a->closed);
	assert_int_equal(a->why, TCP_CLOSE_TIMEOUT);
	assert_int_equal(tcp_conn_count(h->ctx), 0);
}

/* The connection of peer p's 4-tuple, or NULL. */
static struct tcp_conn *
tw_conn(struct harness *h, const struct tt_peer *p)
{
	const struct tcp_lcore *tl = h->ctx->tcp;

	for (uint32_t i = 0; i < tl->max_conns; i++) {
		struct tcp_conn *c = &tl->pool[i];

		if (c->state != TCP_CLOSED && !(c->flags & TCF_DEAD) &&
		    c->peer_port == rte_cpu_to_be_16(p->sport))
			return c;
	}
	return NULL;
}

/*
 * TIME_WAIT entries wait in one FIFO under one lcore timer (tcp_conn.c):
 * no connection keeps a wheel timer, each entry goes at the end of its
 * own wait (tcp.timewait_ms, 1 s here), a retransmitted FIN restarts
 * only its own, and once all are gone no timer is left armed.
 */
static void
test_tcp_close_time_wait_entries_expire_each_at_its_end(void **state)
{
	struct harness *h = *state;
	const struct tcp_lcore *tl = h->ctx->tcp;
	struct tt_peer p[3];
	struct tt_seg r;

	for (int i = 0; i < 3; i++) {
		tt_peer_init(&p[i], h, (uint16_t)(40330 + i));
		to_time_wait(h, &p[i]);
		assert_false(timer_armed(&tw_conn(h, &p[i])->timer));
		assert_true(timer_armed(&tl->tw_timer));
		harness_advance(h, 300000);
	}
	assert_int_equal(tt_state_count(h, TCP_TIME_WAIT), 3);
	/* 900 ms in: the first entry's FIN comes again; its wait restarts
	 * (it is now last) and it is acknowledged again. */
	tt_send(&p[0], F_FIN | F_ACK, p[0].snd_nxt - 1, p[0].rcv_nxt, NULL, 0);
	tt_one(h, &r);
	assert_int_equal(r.s.flags, F_ACK);
	assert_int_equal(r.s.ack, p[0].snd_nxt);
	harness_advance(h, 150000); /* 1.05 s: the first would have gone */
	assert_int_equal(tt_state_count(h, TCP_TIME_WAIT), 3);
	harness_advance(h, 300000); /* 1.35 s: the second's wait is over */
	assert_int_equal(tt_state_count(h, TCP_TIME_WAIT), 2);
	assert_null(tw_conn(h, &p[1]));
	assert_non_null(tw_conn(h, &p[0]));
	harness_advance(h, 300000); /* 1.65 s: the third's */
	assert_int_equal(tt_state_count(h, TCP_TIME_WAIT), 1);
	assert_null(tw_conn(h, &p[2]));
	harness_advance(h, 200000); /* 1.85 s: the first's, restarted at 0.9 */
	assert_int_equal(tt_state_count(h, TCP_TIME_WAIT), 1);
	harness_advance(h, 100000);
	assert_int_equal(tt_state_count(h, TCP_TIME_WAIT), 0);
	assert_int_equal(HSTAT(h, tcp_timewait_expired), 3);
	assert_int_equal(tcp_conn_count(h->ctx), 0);
	assert_false(timer_armed(&tl->tw_timer));
}

static void
tweak_max_timewait_4(struct config *cfg)
{
	cfg->tcp_max_timewait = 4;
}

/* A flood of closes: TIME_WAIT stays within tcp.max_timewait (the oldest
 * gives way), the rest still expires on time, nothing is left armed. */
static void
test_tcp_close_time_wait_flood_stays_bounded(void **state)
{
	struct harness *h = tt_reopen(state, tweak_max_timewait_4);
	const struct tcp_lcore *tl = h->ctx->tcp;

	for (int i = 0; i < 40; i++) {
		struct tt_peer p;

		tt_peer_init(&p, h, (uint16_t)(40400 + i));
		to_time_wait(h, &p);
		assert_true(tt_state_count(h, TCP_TIME_WAIT) <= 4);
		memset(tt_apps, 0, sizeof(tt_apps)); /* all closed: room for more */
		harness_advance(h, 10000);
	}
	assert_int_equal(tt_state_count(h, TCP_TIME_WAIT), 4);
	assert_int_equal(HSTAT(h, tcp_timewait_full), 36);
	assert_int_equal(tcp_conn_count(h->ctx), 4);
	harness_advance(h, 1100000);
	assert_int_equal(tcp_conn_count(h->ctx), 0);
	assert_int_equal(HSTAT(h, tcp_timewait_expired), 4);
	assert_false(timer_armed(&tl->tw_timer));
	assert_null(tl->tw_head);
}

/*
 * The peer's FIN acknowledging the last answer and our FIN at once
 * (tcp_in.c's tcp_fin_ack_all) leaves what the general path leaves: the
 * same FIN with ECE, a flag the general path ignores and the decided
 * one does not take, gives the same segments, counters and connection
 * in TIME_WAIT; with and without timestamps and SACK, and with the
 * answer acknowledged before the FIN (only our FIN left to it).
 */
struct fin_run {
	unsigned int n;
	struct tt_seg segs[8];
	struct stats st;
	uint64_t conn[34];
};

/* The decided run's segments are the general run's: ISN and timestamp
 * offset are keyed per run, so sequence numbers and timestamps are
 * compared relative to each run's first segment. */
static void
fin_segs_equal(const struct fin_run *fast, const struct fin_run *slow)
{
	for (unsigned int i = 0; i < fast->n; i++) {
		const struct pkt_tcp_seen *f = &fast->segs[i].s;
		const struct pkt_tcp_seen *s = &slow->segs[i].s;

		assert_int_equal(f->seq - fast->segs[0].s.seq,
				 s->seq - slow->segs[0].s.seq);
		assert_int_equal(f->ack, s->ack);
		assert_int_equal(f->flags, s->flags);
		assert_int_equal(f->win, s->win);
		assert_int_equal(f->ts, s->ts);
		assert_int_equal(f->tsval - fast->segs[0].s.tsval,
				 s->tsval - slow->segs[0].s.tsval);
		assert_int_equal(f->tsecr, s->tsecr);
		assert_int_equal(f->len, s->len);
	}
}

/* The decided run left the connection fields and counters the general
 * run left (variant v named in the failure). */
static void
fin_states_equal(int v, const struct fin_run *fast, const struct fin_run *slow)
{
	for (int i = 0; i < 34; i++)
		if (fast->conn[i] != slow->conn[i])
			fail_msg("variant %d field %d: %llu decided, %llu general",
				 v, i, (unsigned long long)fast->conn[i],
				 (unsigned long long)slow->conn[i]);
	for (int i = 0; i < ST__COUNT; i++)
		if (fast->st.v[i] != slow->st.v[i])
			fail_msg("variant %d counter %s: %llu decided, %llu general",
				 v, stats_name((enum stats_id)i),
				 (unsigned long long)fast->st.v[i],
				 (unsigned long long)slow->st.v[i]);
}

static void
fin_conn_state(struct harness *h, const struct tcp_conn *c, uint64_t *v)
{
	const struct tcp_lcore *tl = h->ctx->tcp;
	uint64_t now = h->ctx->now_us;
	unsigned int k = 0;

	v[k++] = (uint64_t)c->state << 32 | c->flags;
	v[k++] = c->snd_una - c->iss;
	v[k++] = c->snd_nxt - c->iss;
	v[k++] = c->snd_max - c->iss;
	v[k++] = c->snd_wl1 - c->irs;
	v[k++] = c->snd_wl2 - c->iss;
	v[k++] = (uint64_t)c->snd_wnd << 32 | c->max_snd_wnd;
	v[k++] = (uint64_t)c->cwnd << 32 | c->ssthresh;
	v[k++] = (uint64_t)c->srtt << 32 | c->rttvar;
	v[k++] = c->rto;
	v[k++] = (uint64_t)c->timer_kind << 32 | c->dupacks << 8 | c->retries;
	v[k++] = (uint64_t)c->sndq_len << 32 | c->nsndq << 16 | c->sndq_off;
	v[k++] = (c->sndq_head != NULL) | (c->sndq_tail != NULL) << 1 |
		 (c->snd_cur != NULL) << 2 | (c->hold_pprev != NULL) << 3 |
		 (c->ooo != NULL) << 4 | (c->pprev != NULL && (c->flags & TCF_PENDING)) << 5 |
		 (c->tw_pprev != NULL) << 6 | (c->mw_pprev != NULL) << 7;
	v[k++] = now - c->progress_us;
	v[k++] = c->rack_rtt ? (uint32_t)now - c->rack_xmit_ts : 0;
	v[k++] = c->rack_rtt ? c->rack_end_seq - c->iss : 0;
	v[k++] = (uint64_t)c->rack_rtt << 32 | c->rack_min_rtt;
	v[k++] = (uint64_t)(c->lost_end - c->iss) << 32 | (c->rtx_nxt - c->iss);
	v[k++] = (uint64_t)(c->tlp_end - c->iss) << 32 | c->nsnd_sack;
	v[k++] = c->rcv_nxt - c->irs;
	v[k++] = (uint64_t)c->rcv_unacked << 32 | (c->last_ack_sent - c->irs);
	v[k++] = c->ts_recent;
	v[k++] = (uint64_t)c->rcv_wnd << 32 | c->nooo;
	v[k++] = timer_armed(&c->timer) ? c->timer.expire_us - now + 1 : 0;
	v[k++] = timer_armed(&c->delack) ? c->delack.expire_us - now + 1 : 0;
	v[k++] = c->timer_kind == TT_TIME_WAIT || c->timer_kind == TT_FIN_WAIT2 ?
			 c->rtx_deadline - now : 0;
	v[k++] = (uint64_t)c->undo_retrans << 32 | c->rack_reo_mult;
	v[k++] = c->app != NULL;
	v[k++] = tl->state_count[TCP_FIN_WAIT_1];
	v[k++] = tl->state_count[TCP_FIN_WAIT_2];
	v[k++] = tl->state_count[TCP_TIME_WAIT];
	v[k++] = (uint64_t)tl->in_use << 32 | (tl->pending != NULL);
	v[k++] = tl->tw_head == c;
	v[k++] = h->ctx->mem.held;
}

/*
 * fin_conn_state narrowed to what TIME_WAIT reads. The decided FIN does
 * only the steps of tcp_rcv_ack whose result TIME_WAIT, its answers or
 * its end read; the sending side's estimators it leaves as they were:
 * the send window (snd_wl1, snd_wl2, snd_wnd, max_snd_wnd: fields 4-6),
 * congestion control (cwnd, ssthresh: 7), the RTT estimator (srtt,
 * rttvar, rto: 8-9), dupacks and retries (10, whose timer_kind stays
 * compared), RACK's delivery (rack_xmit_ts, rack_end_seq, rack_rtt,
 * rack_min_rtt: 14-16) and marks (lost_end, rtx_nxt: 17). Only the
 * sending states, their timers and tcp_pmtu_lower (which skips
 * TIME_WAIT) read them; a connection never leaves TIME_WAIT but freed.
 * test_tcp_close_time_wait_answers_same_after_decided_fin holds the
 * answers TIME_WAIT gives afterwards to the general path's.
 */
static void
fin_tw_narrow(uint64_t *v)
{
	static const int unread[] = { 4, 5, 6, 7, 8, 9, 14, 15, 16, 17 };

	for (unsigned int i = 0; i < RTE_DIM(unread); i++)
		v[unread[i]] = 0;
	v[10] >>= 32; /* timer_kind only */
}

static struct tcp_conn *
fin_script_peer(struct harness *h, uint8_t extra, bool ts, bool sack,
		bool ack_first, struct fin_run *out, struct tt_peer *pp)
{
	struct tt_peer p;
	struct tt_app *a;
	struct tcp_conn *c;

	memset(out, 0, sizeof(*out));
	tt_peer_init(&p, h, 40320);
	p.ts = ts;
	p.wscale = ts ? 7 : -1;
	p.sack_perm = sack;
	tt_policy.action = TT_RESPOND_CLOSE;
	tt_policy.resp_len = 20;
	a = tt_connect(&p);
	c = a->c;
	harness_advance(h, 700);
	tt_send_data(&p, "GET", 3);
	out->n += tt_collect(h, out->segs + out->n, 8 - out->n);
	assert_int_equal(out->n, 1);
	assert_int_equal(out->segs[0].s.flags & F_FIN, F_FIN);
	p.ts_recent = out->segs[0].s.tsval;
	p.tsval++;
	harness_advance(h, 1300);
	if (ack_first) {
		p.rcv_nxt = out->segs[0].s.seq + 20;
		tt_send_ack(&p);
		out->n += tt_collect(h, out->segs + out->n, 8 - out->n);
		p.tsval++;
		harness_advance(h, 900);
	}
	p.rcv_nxt = out->segs[0].s.seq + 21;
	tt_send(&p, F_FIN | F_ACK | extra, p.snd_nxt, p.rcv_nxt, NULL, 0);
	out->n += tt_collect(h, out->segs + out->n, 8 - out->n);
	assert_int_equal(tt_state_count(h, TCP_TIME_WAIT), 1);
	assert_true(a->closed);
	assert_int_equal(a->why, TCP_CLOSE_NORMAL);
	fin_conn_state(h, c, out->conn);
	out->st = h->ctx->stats;
	*pp = p;
	return c;
}

static void
fin_script(struct harness *h, uint8_t extra, bool ts, bool sack,
	   bool ack_first, struct fin_run *out)
{
	struct tt_peer p;

	fin_script_peer(h, extra, ts, sack, ack_first, out, &p);
	fin_tw_narrow(out->conn);
}

static void
test_tcp_close_fin_acking_all_leaves_state_of_general_path(void **state)
{
	static struct fin_run fast, slow;

	for (int v = 0; v < 8; v++) {
		bool ts = v & 1, sack = v & 2, ack_first = v & 4;
		struct harness *h = tt_reopen(state, NULL);

		fin_script(h, 0, ts, sack, ack_first, &fast);
		h = tt_reopen(state, NULL);
		fin_script(h, RTE_TCP_ECE_FLAG, ts, sack, ack_first, &slow);
		assert_int_equal(fast.n, slow.n);
		assert_int_equal(fast.n, 2);
		fin_segs_equal(&fast, &slow);
		assert_int_equal(fast.segs[fast.n - 1].s.flags, F_ACK);
		fin_states_equal(v, &fast, &slow);
	}
}

/*
 * What TIME_WAIT reads after the decided FIN is what the general path
 * leaves (fin_tw_narrow): the same late segments get the same answers.
 * A retransmitted FIN (acknowledged again, the wait restarts), old data
 * (a duplicate ACK), a bare ACK (none), data past rcv_nxt (none), a SYN
 * not newer (a challenge ACK), then a RST at rcv_nxt (the entry goes):
 * the same segments, counters, state and wait.
 */
static void
tw_after_script(struct harness *h, uint8_t extra, bool ts, bool sack,
		bool ack_first, struct fin_run *out)
{
	struct tt_peer p;
	struct tcp_conn *c;

	c = fin_script_peer(h, extra, ts, sack, ack_first, out, &p);
	out->n = 0;
	harness_advance(h, 2000);
	p.tsval++;
	tt_send(&p, F_FIN | F_ACK, p.snd_nxt, p.rcv_nxt, NULL, 0);
	out->n += tt_collect(h, out->segs + out->n, 8 - out->n);
	assert_int_equal(c->state, TCP_TIME_WAIT);
	harness_advance(h, 1000);
	p.tsval++;
	tt_send(&p, F_ACK | F_PSH, p.snd_nxt - 3, p.rcv_nxt, "GET", 3);
	out->n += tt_collect(h, out->segs + out->n, 8 - out->n);
	harness_advance(h, 1000);
	p.tsval++;
	tt_send(&p, F_ACK, p.snd_nxt + 1, p.rcv_nxt, NULL, 0);
	tt_send(&p, F_ACK | F_PSH, p.snd_nxt + 1, p.rcv_nxt, "abc", 3);
	out->n += tt_collect(h, out->segs + out->n, 8 - out->n);
	harness_advance(h, 1000);
	tt_send(&p, F_SYN, p.snd_nxt - 100, 0, NULL, 0);
	out->n += tt_collect(h, out->segs + out->n, 8 - out->n);
	assert_int_equal(c->state, TCP_TIME_WAIT);
	fin_conn_state(h, c, out->conn);
	fin_tw_narrow(out->conn);
	harness_advance(h, 1000);
	p.tsval++;
	tt_send(&p, F_RST, p.snd_nxt + 1, 0, NULL, 0);
	out->n += tt_collect(h, out->segs + out->n, 8 - out->n);
	assert_int_equal(tcp_conn_count(h->ctx), 0);
	out->st = h->ctx->stats;
}

static void
test_tcp_close_time_wait_answers_same_after_decided_fin(void **state)
{
	static struct fin_run fast, slow;

	for (int v = 0; v < 8; v++) {
		bool ts = v & 1, sack = v & 2, ack_first = v & 4;
		struct harness *h = tt_reopen(state, NULL);

		tw_after_script(h, 0, ts, sack, ack_first, &fast);
		h = tt_reopen(state, NULL);
		tw_after_script(h, RTE_TCP_ECE_FLAG, ts, sack, ack_first, &slow);
		assert_int_equal(fast.n, slow.n);
		assert_int_equal(fast.n, 3);
		fin_segs_equal(&fast, &slow);
		for (unsigned int i = 0; i < fast.n; i++) {
			assert_int_equal(fast.segs[i].s.flags, F_ACK);
			assert_int_equal(fast.segs[i].s.len, 0);
		}
		fin_states_equal(v, &fast, &slow);
	}
}

/*
 * The handshake's last ACK, bare (tcp_rcv_state's decided SYN_RECEIVED
 * case), leaves what the general path leaves: the same ACK with ECE, a
 * flag the general path ignores and the decided case does not take,
 * gives the same segments (none), counters and established connection;
 * with and without timestamps, SACK and PSH.
 */
static void
hs_ack_script(struct harness *h, uint8_t extra, bool ts, bool sack, bool psh,
	      struct fin_run *out)
{
	struct tt_peer p;
	struct tt_seg sa;
	struct tcp_conn *c;

	memset(out, 0, sizeof(*out));
	tt_peer_init(&p, h, 40330);
	p.ts = ts;
	p.wscale = ts ? 7 : -1;
	p.sack_perm = sack;
	tt_syn(&p, &sa);
	c = tw_conn(h, &p);
	assert_non_null(c);
	assert_int_equal(c->state, TCP_SYN_RECEIVED);
	harness_advance(h, 700);
	p.tsval++;
	tt_send(&p, F_ACK | extra | (psh ? F_PSH : 0), p.snd_nxt, p.rcv_nxt,
		NULL, 0);
	out->n = tt_collect(h, out->segs, 8);
	assert_int_equal(c->state, TCP_ESTABLISHED);
	assert_true(tt_apps[0].used);
	fin_conn_state(h, c, out->conn);
	/* No progress yet (0): not a time since one, the clock runs on. */
	out->conn[13] = c->progress_us ? h->ctx->now_us - c->progress_us :
					 UINT64_MAX;
	out->st = h->ctx->stats;
}

static void
test_tcp_close_handshake_ack_decided_leaves_state_of_general_path(void **state)
{
	static struct fin_run fast, slow;

	for (int v = 0; v < 8; v++) {
		bool ts = v & 1, sack = v & 2, psh = v & 4;
		struct harness *h = tt_reopen(state, NULL);

		hs_ack_script(h, 0, ts, sack, psh, &fast);
		h = tt_reopen(state, NULL);
		hs_ack_script(h, RTE_TCP_ECE_FLAG, ts, sack, psh, &slow);
		assert_int_equal(fast.n, 0);
		assert_int_equal(slow.n, 0);
		fin_states_equal(v, &fast, &slow);
	}
}

/*
 * tcp_rcv_ack's early return (an ACK of nothing new with nothing in
 * flight: the window update, the request after the handshake): what the
 * general steps would leave, i.e. the send side, RTT estimator, timers
 * and RACK's marks as they were, with SACK and without.
 */
static void
test_tcp_ack_of_nothing_new_moves_only_the_window(void **state)
{
	/* fin_conn_state's fields an ACK of nothing new may move: flags
	 * (ACK owed, output pending), wl1/wl2, the window, the list bits,
	 * rcv_nxt, rcv_unacked/Last.ACK.sent, TS.Recent, the delayed ACK,
	 * the lcore's pending list. */
	static const int moves[] = { 0, 4, 5, 6, 12, 19, 20, 21, 24, 31 };

	for (int sack = 0; sack < 2; sack++) {
		struct harness *h = tt_reopen(state, NULL);
		uint64_t v0[34], v1[34];
		struct tt_peer p;
		struct tt_app *a;

		tt_peer_init(&p, h, 40340);
		p.ts = true;
		p.wscale = 7;
		p.sack_perm = sack;
		tt_policy.action = TT_NOTHING;
		a = tt_connect(&p);
		fin_conn_state(h, a->c, v0);
		p.win = (uint16_t)(p.win - 1000); /* a window update */
		tt_send_ack(&p);
		p.tsval++;
		tt_send_data(&p, "GET", 3);
		assert_int_equal(a->rx_len, 3);
		assert_int_equal(a->c->snd_wnd, (uint32_t)p.win << 7);
		fin_conn_state(h, a->c, v1);
		for (int i = 0; i < 34; i++) {
			bool may = false;

			for (unsigned int k = 0; k < RTE_DIM(moves); k++)
				may |= moves[k] == i;
			if (!may && v0[i] != v1[i])
				fail_msg("sack %d field %d: %llu before, %llu after",
					 sack, i, (unsigned long long)v0[i],
					 (unsigned long long)v1[i]);
		}
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		TT_TEST(test_tcp_close_passive_fin_close_wait_last_ack_closed_normal),
		TT_TEST(test_tcp_close_active_fin_wait_time_wait_expiry_frees),
		TT_TEST(test_tcp_close_data_and_fin_in_fin_wait_2_acked_not_delivered),
		TT_TEST(test_tcp_close_fin_wait_2_timeout),
		TT_TEST(test_tcp_close_simultaneous_close_goes_through_closing),
		TT_TEST(test_tcp_close_time_wait_bound_drops_oldest),
		TT_TEST(test_tcp_close_time_wait_reopened_by_higher_syn),
		TT_TEST(test_tcp_close_data_after_app_close_is_acked_and_dropped),
		TT_TEST(test_tcp_close_abort_sends_rst_and_closed_abort),
		TT_TEST(test_tcp_close_fini_aborts_live_connections),
		TT_TEST(test_tcp_close_last_ack_unanswered_gives_up_timeout),
		TT_TEST(test_tcp_close_fin_acking_all_leaves_state_of_general_path),
		TT_TEST(test_tcp_close_time_wait_answers_same_after_decided_fin),
		TT_TEST(test_tcp_close_handshake_ack_decided_leaves_state_of_general_path),
		TT_TEST(test_tcp_close_time_wait_entries_expire_each_at_its_end),
		TT_TEST(test_tcp_close_time_wait_flood_stays_bounded),
		TT_TEST(test_tcp_ack_of_nothing_new_moves_only_the_window),
#undef T
	};

	return TT_RUN(tests);
}
