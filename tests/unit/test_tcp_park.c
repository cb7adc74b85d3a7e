/* SPDX-License-Identifier: BSD-3-Clause */
/* test_tcp_park.c: the loss probe's timer left armed (parked) across
 * acknowledged answers, and the decided answer's delayed-ACK flag, held
 * to the times and segments the general path gives. */
#include <string.h>

#include "tcp_test.h"
#include "net/tcp_priv.h"

#define PK_RTT 10000 /* the peer's round trip, us */

/* The peer of n whose port a segment s goes to. */
static unsigned int
pk_peer(const struct tt_peer *p, unsigned int n, const struct tt_seg *s)
{
	for (unsigned int k = 0; k < n; k++)
		if (s->s.dport == p[k].sport)
			return k;
	fail_msg("segment to an unknown port %u", s->s.dport);
	return 0;
}

/*
 * A request of len bytes from each of the n peers p in one burst (one
 * output list: decided answers where the pattern holds), then their
 * echoed answers, one each, taken by the peers (rcv_nxt moved, not
 * acknowledged yet).
 */
static void
pk_burst(struct harness *h, struct tt_peer *p, unsigned int n,
	 const char *req)
{
	uint32_t len = (uint32_t)strlen(req);
	struct tt_seg segs[8];
	unsigned int got;

	for (unsigned int k = 0; k < n; k++) {
		struct pkt_tcp t = {
			.sport = p[k].sport, .dport = TT_PORT,
			.win = p[k].win, .ts = p[k].ts,
			.tsval = p[k].tsval, .tsecr = p[k].ts_recent,
			.flags = F_ACK | F_PSH, .seq = p[k].snd_nxt,
			.ack = p[k].rcv_nxt, .wscale = -1,
			.data = req, .len = len,
		};
		uint8_t fr[PKT_MAX];

		harness_inject(h, fr, pkt_tcp(fr, &h->ifc.mac, &t));
		p[k].snd_nxt += len;
	}
	assert_int_equal(harness_poll(h), n);
	got = tt_collect(h, segs, 8);
	assert_int_equal(got, n);
	for (unsigned int i = 0; i < got; i++) {
		struct tt_peer *q = &p[pk_peer(p, n, &segs[i])];

		assert_int_equal(segs[i].s.seq, q->rcv_nxt);
		assert_int_equal(segs[i].s.len, len);
		assert_memory_equal(segs[i].s.data, req, len);
		q->rcv_nxt += len;
		q->ts_recent = segs[i].s.tsval;
	}
}

/* The loss probe's deadline of an answer c sent at sent_us, as
 * tcp_tlp_arm sets it (RFC 8985 §7.2 for a one-segment flight). */
static uint64_t
pk_pto_at(const struct tcp_conn *c, uint64_t sent_us)
{
	uint64_t pto = 2ull * c->srtt + TCP_TLP_DELACK_US;

	return sent_us + RTE_MIN(pto, (uint64_t)c->rto);
}

/*
 * Two keep-alive connections answered in one output list. After the
 * first exchange is acknowledged the probe's timer stays armed (TT_TLP
 * with nothing in flight) for the first answer's deadline e1. The
 * second answer of c0 is lost, c1's acknowledged: the wheel timer still
 * fires at e1 (the later answers did not move it); there c1's stops
 * (nothing in flight: no probe, no re-arm, idle from then on) and c0's
 * moves to its own deadline, where its probe goes: 2 SRTT + 40 ms (at
 * most the RTO) after its answer, as when every ACK stopped the timer.
 */
static void
test_tcp_park_probe_timer_parked_probes_lost_answer_in_time(void **state)
{
	struct harness *h = *state;
	struct tt_peer p[2];
	struct tcp_conn *c[2];
	struct tt_seg segs[8];
	uint64_t t2, e1, want0, start, w;
	unsigned int n;

	tt_policy.action = TT_ECHO_RESERVE;
	for (unsigned int k = 0; k < 2; k++) {
		tt_peer_init(&p[k], h, (uint16_t)(43100 + k));
		p[k].ts = true;
		p[k].wscale = 7;
		p[k].sack_perm = true;
		c[k] = tt_connect(&p[k])->c;
	}
	/* First exchange, acknowledged an RTT later. */
	pk_burst(h, p, 2, "one");
	e1 = pk_pto_at(c[0], h->ctx->now_us);
	harness_advance(h, PK_RTT);
	for (unsigned int k = 0; k < 2; k++) {
		tt_send_ack(&p[k]);
		assert_int_equal(c[k]->snd_una, c[k]->snd_max);
		/* parked: still the probe's, armed for the answer's time */
		assert_int_equal(c[k]->timer_kind, TT_TLP);
		assert_true(timer_armed(&c[k]->timer));
		assert_true(c[k]->timer.expire_us <= e1);
	}
	tt_none(h);
	e1 = c[0]->timer.expire_us;
	harness_advance(h, PK_RTT);
	/* Second exchange: c0's answer is lost, c1's acknowledged. */
	pk_burst(h, p, 2, "second");
	t2 = h->ctx->now_us;
	want0 = pk_pto_at(c[0], t2);
	for (unsigned int k = 0; k < 2; k++) {
		assert_int_equal(c[k]->timer_kind, TT_TLP);
		assert_int_equal(c[k]->rtx_deadline, pk_pto_at(c[k], t2));
		/* the wheel timer left where it fires no later */
		assert_int_equal(c[k]->timer.expire_us, e1);
	}
	assert_true(e1 + 2000 < want0);
	harness_advance(h, PK_RTT);
	tt_send_ack(&p[1]);
	tt_none(h);
	/* Past e1: c1 idle, c0 waiting for its deadline. */
	harness_advance(h, e1 + 1000 - h->ctx->now_us);
	tt_none(h);
	assert_false(timer_armed(&c[1]->timer));
	assert_int_equal(c[1]->timer_kind, TT_NONE);
	assert_true(timer_armed(&c[0]->timer));
	assert_int_equal(c[0]->timer_kind, TT_TLP);
	assert_int_equal(c[0]->timer.expire_us, want0);
	assert_int_equal(HSTAT(h, tcp_tlp_probes), 0);
	/* c0's probe: its lost answer again, at its deadline. */
	start = h->ctx->now_us;
	w = tt_wait_segment(h, segs, 8, &n, 1000000);
	assert_int_equal(n, 1);
	assert_int_equal(segs[0].s.dport, p[0].sport);
	assert_true(start + w >= want0 && start + w <= want0 + 1000);
	assert_int_equal(segs[0].s.seq, p[0].rcv_nxt - 6);
	assert_int_equal(segs[0].s.len, 6);
	assert_memory_equal(segs[0].s.data, "second", 6);
	assert_int_equal(HSTAT(h, tcp_tlp_probes), 1);
	assert_int_equal(HSTAT(h, tcp_rto_timeouts), 0);
	/* The probe acknowledged: nothing more from either, ever. */
	tt_send_ack(&p[0]);
	w = tt_wait_segment(h, segs, 8, &n, 3000000);
	assert_int_equal(n, 0);
	assert_false(timer_armed(&c[1]->timer));
	assert_int_equal(HSTAT(h, tcp_tlp_probes), 1);
	for (unsigned int k = 0; k < 2; k++)
		tcp_abort(h->ctx, c[k]);
	tt_collect(h, segs, 8);
}

/*
 * A delayed ACK armed (a request's first part, unanswered), then the
 * request's rest answered: in one output list (c0, c1) and one poll each
 * (c2, c3, tcp_output). The answer carries the ACK and stops the delayed
 * one (TCF_DELACK keeps such a connection off the decided answer, which
 * cancels no timer): the same segments and state both ways, and no
 * delayed ACK afterwards.
 */
static void
test_tcp_park_answer_after_delayed_ack_equals_one_by_one(void **state)
{
	struct harness *h = *state;
	struct tt_peer p[4];
	struct tcp_conn *c[4];
	struct tt_seg segs[8], one[2];
	unsigned int n;

	tt_policy.action = TT_NOTHING;
	for (unsigned int k = 0; k < 4; k++) {
		tt_peer_init(&p[k], h, (uint16_t)(43200 + k));
		p[k].ts = true;
		p[k].wscale = 7;
		p[k].sack_perm = true;
		c[k] = tt_connect(&p[k])->c;
	}
	harness_advance(h, PK_RTT);
	for (unsigned int k = 0; k < 4; k++) {
		tt_send_data(&p[k], "GET /", 5);
		assert_true(timer_armed(&c[k]->delack));
		assert_true(c[k]->flags & TCF_DELACK);
	}
	tt_none(h);
	tt_policy.action = TT_ECHO_RESERVE;
	pk_burst(h, p, 2, "event");
	for (unsigned int k = 2; k < 4; k++) {
		tt_send_data(&p[k], "event", 5);
		n = tt_collect(h, one, 2);
		assert_int_equal(n, 1);
		assert_int_equal(one[0].s.seq, p[k].rcv_nxt);
		assert_int_equal(one[0].s.len, 5);
		p[k].rcv_nxt += 5;
	}
	for (unsigned int k = 0; k < 4; k++) {
		const struct tcp_conn *t = c[k ^ 2]; /* its twin */

		assert_false(timer_armed(&c[k]->delack));
		assert_int_equal(c[k]->flags, t->flags);
		assert_int_equal(c[k]->timer_kind, t->timer_kind);
		assert_int_equal(c[k]->snd_max - c[k]->iss,
				 t->snd_max - t->iss);
		assert_int_equal(c[k]->last_ack_sent - c[k]->irs, 11);
		assert_int_equal(c[k]->rcv_unacked, 0);
	}
	/* Acknowledged: no delayed ACK comes later. */
	for (unsigned int k = 0; k < 4; k++)
		tt_send_ack(&p[k]);
	tt_wait_segment(h, segs, 8, &n, 1000000);
	assert_int_equal(n, 0);
	assert_int_equal(HSTAT(h, tcp_delayed_acks), 0);
	for (unsigned int k = 0; k < 4; k++)
		tcp_abort(h->ctx, c[k]);
	tt_collect(h, segs, 8);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		TT_TEST(test_tcp_park_probe_timer_parked_probes_lost_answer_in_time),
		TT_TEST(test_tcp_park_answer_after_delayed_ack_equals_one_by_one),
	};

	return TT_RUN(tests);
}
