/* SPDX-License-Identifier: BSD-3-Clause */
/* test_tcp_rack.c: the RTO behind RACK-TLP (RFC 8985 §7.3 step 4, RFC
 * 6298 §5.1) and the counters that sort RTOs by cause, against the
 * scripted peer on the fake clock. */
#include <string.h>

#include "tcp_test.h"
#include "net/tcp_priv.h"

#define TR_RTT 10000 /* the peer's round trip, us */
#define TR_RTO 200000 /* tcp.rto_min_ms: SRTT + 4 RTTVAR is 30 ms here */

/* Within one tick of want (the wheel's granularity, 128 us, rounded up
 * to the 1 ms steps of tt_wait_segment). */
static void
assert_near_ms(uint64_t got_us, uint64_t want_us)
{
	if (got_us < want_us || got_us > want_us + 1000)
		fail_msg("fired after %llu us, expected %llu us",
			 (unsigned long long)got_us,
			 (unsigned long long)want_us);
}

/* A peer (SACK when sack) that asked for a response of len bytes in
 * segments of mss, after a handshake with an RTT of TR_RTT: the
 * segments sent (n of them) are in segs. */
static struct tt_app *
tr_response(struct tt_peer *p, uint16_t sport, bool sack, uint16_t mss,
	    uint32_t len, struct tt_seg *segs, unsigned int max,
	    unsigned int *n)
{
	struct tt_seg sa;

	tt_peer_init(p, p->h, sport);
	p->mss = mss;
	p->sack_perm = sack;
	tt_policy.action = TT_RESPOND;
	tt_policy.resp_len = len;
	tt_syn(p, &sa);
	harness_advance(p->h, TR_RTT);
	tt_send_ack(p);
	tt_none(p->h);
	tt_send_data(p, "GET", 3);
	*n = tt_collect(p->h, segs, max);
	for (int i = TT_APPS - 1; i >= 0; i--)
		if (tt_apps[i].used && !tt_apps[i].closed)
			return &tt_apps[i];
	fail_msg("not accepted");
	return NULL;
}

/*
 * A one-segment response is lost, and so is its probe (or the probe's
 * ACK): the RTO comes an RTO after the response went, as a Linux
 * server's, not an RTO after the probe (PTO + RTO, 40 ms later).
 */
static void
test_tcp_rack_rto_after_lost_probe_timed_from_the_original(void **state)
{
	struct harness *h = *state;
	struct tt_peer p = {.h = h};
	struct tt_seg segs[8], first;
	unsigned int n;
	uint64_t w, pto;

	tr_response(&p, 41101, true, 1460, 100, &first, 1, &n);
	assert_int_equal(n, 1);
	pto = tt_wait_segment(h, segs, 8, &n, 1000000);
	assert_near_ms(pto, 2 * TR_RTT + 40000);
	assert_int_equal(n, 1);
	assert_int_equal(HSTAT(h, tcp_tlp_probes), 1);
	/* The probe is lost too. */
	w = tt_wait_segment(h, segs, 8, &n, 1000000);
	assert_int_equal(n, 1);
	assert_near_ms(pto + w, TR_RTO);
	assert_int_equal(segs[0].s.seq, first.s.seq);
	assert_int_equal(segs[0].s.len, 100);
	assert_int_equal(HSTAT(h, tcp_rto_timeouts), 1);
	assert_int_equal(HSTAT(h, tcp_rto_after_probe), 1);
	assert_int_equal(HSTAT(h, tcp_rto_in_recovery), 0);
	assert_int_equal(HSTAT(h, tcp_rto_nosack), 0);
	assert_int_equal(HSTAT(h, tcp_rto_tail), 0);
	/* Lost again: the next RTO, backed off, counts as repeated. */
	w = tt_wait_segment(h, segs, 8, &n, 1000000);
	assert_int_equal(n, 1);
	assert_near_ms(w, 2 * TR_RTO);
	assert_int_equal(HSTAT(h, tcp_rto_timeouts), 2);
	assert_int_equal(HSTAT(h, tcp_rto_repeated), 1);
	assert_int_equal(HSTAT(h, tcp_rto_after_probe), 1);
	tt_send_sack(&p, first.s.seq + 100, 0, NULL);
	harness_advance(h, 3000000);
	tt_none(h);
}

/*
 * The probe's own round trip is left to it: when the probe goes at the
 * RTO's remainder or later (the timer ran late), the RTO waits 2 SRTT
 * after it rather than firing at once.
 */
static void
test_tcp_rack_rto_after_probe_leaves_the_probe_its_round_trip(void **state)
{
	struct harness *h = *state;
	struct tt_peer p = {.h = h};
	struct tt_seg segs[8], first;
	struct tcp_conn *c;
	unsigned int n;
	uint64_t w;

	c = tr_response(&p, 41102, true, 1460, 100, &first, 1, &n)->c;
	assert_int_equal(n, 1);
	assert_non_null(c);
	assert_int_equal(c->timer_kind, TT_TLP);
	/* Make the probe due only at the RTO (a long SRTT). */
	c->rtx_deadline = h->ctx->now_us + TR_RTO;
	timer_arm(&h->ctx->wheel, &c->timer, c->rtx_deadline);
	w = tt_wait_segment(h, segs, 8, &n, 1000000);
	assert_near_ms(w, TR_RTO);
	assert_int_equal(HSTAT(h, tcp_tlp_probes), 1);
	w = tt_wait_segment(h, segs, 8, &n, 1000000);
	assert_int_equal(n, 1);
	assert_near_ms(w, 2 * TR_RTT);
	assert_int_equal(HSTAT(h, tcp_rto_after_probe), 1);
	tt_send_sack(&p, first.s.seq + 100, 0, NULL);
	harness_advance(h, 3000000);
	tt_none(h);
}

/*
 * A pending probe outlives ACKs that bring nothing new: a window update
 * from the peer does not turn it into the RTO, so the lost response is
 * still probed at the PTO.
 */
static void
test_tcp_rack_window_update_keeps_the_probe(void **state)
{
	struct harness *h = *state;
	struct tt_peer p = {.h = h};
	struct tt_seg segs[8], first;
	unsigned int n;
	uint64_t w;

	tr_response(&p, 41105, true, 1460, 100, &first, 1, &n);
	assert_int_equal(n, 1);
	harness_advance(h, 5000);
	p.win = (uint16_t)(p.win / 2);
	tt_send_sack(&p, first.s.seq, 0, NULL); /* ack unchanged, window not */
	tt_collect(h, segs, 8);
	w = tt_wait_segment(h, segs, 8, &n, 1000000);
	assert_int_equal(n, 1);
	assert_near_ms(5000 + w, 2 * TR_RTT + 40000);
	assert_int_equal(segs[0].s.seq, first.s.seq);
	assert_int_equal(HSTAT(h, tcp_tlp_probes), 1);
	assert_int_equal(HSTAT(h, tcp_rto_timeouts), 0);
	tt_send_sack(&p, first.s.seq + 100, 0, NULL);
	harness_advance(h, 3000000);
	tt_none(h);
	assert_int_equal(HSTAT(h, tcp_rto_timeouts), 0);
}

/*
 * The SYN-ACK was lost and sent again: the ACK's echoed timestamp still
 * gives an RTT sample (RFC 7323 §4, as Linux), so the RTO is the usual
 * 200 ms, not RFC 6298 §5.7's 3 s, and the first answer has its probe.
 */
static void
test_tcp_rack_synack_retransmitted_still_times_the_first_answer(void **state)
{
	struct harness *h = *state;
	struct tt_peer p = {.h = h};
	struct tt_seg sa, segs[8], first;
	struct tt_app *a = NULL;
	unsigned int n;
	uint64_t w;

	tt_peer_init(&p, h, 41106);
	p.mss = 1460;
	p.sack_perm = true;
	p.ts = true;
	tt_policy.action = TT_RESPOND;
	tt_policy.resp_len = 100;
	tt_syn(&p, &sa); /* lost */
	tt_wait_segment(h, segs, 8, &n, 3000000);
	assert_int_equal(n, 1);
	assert_int_equal(segs[0].s.flags, F_SYN | F_ACK);
	p.ts_recent = segs[0].s.tsval;
	harness_advance(h, TR_RTT);
	tt_send_ack(&p);
	tt_none(h);
	for (int i = TT_APPS - 1; i >= 0 && !a; i--)
		if (tt_apps[i].used && !tt_apps[i].closed)
			a = &tt_apps[i];
	assert_non_null(a);
	assert_true(a->c->srtt >= 1000 && a->c->srtt <= TR_RTT + 1000);
	assert_int_equal(a->c->rto, TR_RTO);
	tt_send_data(&p, "GET", 3);
	n = tt_collect(h, &first, 1);
	assert_int_equal(n, 1);
	/* The answer is lost: probed within 2 SRTT + 40 ms. */
	w = tt_wait_segment(h, segs, 8, &n, 1000000);
	assert_int_equal(n, 1);
	assert_true(w <= 2 * TR_RTT + 40000 + 2000);
	assert_int_equal(segs[0].s.seq, first.s.seq);
	assert_int_equal(HSTAT(h, tcp_tlp_probes), 1);
	assert_int_equal(HSTAT(h, tcp_rto_timeouts), 0);
	tt_send_sack(&p, first.s.seq + first.s.len, 0, NULL);
	harness_advance(h, 3000000);
	tt_none(h);
}

/* A retransmission of SACK recovery lost: that RTO is counted apart. */
static void
test_tcp_rack_rto_of_lost_retransmission_counted(void **state)
{
	struct harness *h = *state;
	struct tt_peer p = {.h = h};
	struct tt_seg segs[32];
	unsigned int n;
	uint32_t una;

	tr_response(&p, 41103, true, 1000, 4000, segs, 32, &n);
	assert_int_equal(n, 4);
	una = segs[0].s.seq;
	harness_advance(h, TR_RTT);
	{
		const uint32_t b[1][2] = {{una + 1000, una + 4000}};

		tt_send_sack(&p, una, 1, b);
	}
	/* RACK resends segment 0 after its reordering window; that is
	 * lost as well, and nothing sent later can tell: the RTO. */
	tt_wait_segment(h, segs, 32, &n, 100000);
	assert_int_equal(n, 1);
	assert_int_equal(segs[0].s.seq, una);
	assert_int_equal(HSTAT(h, tcp_rack_losses), 1);
	tt_wait_segment(h, segs, 32, &n, 1000000);
	assert_int_equal(n, 1);
	assert_int_equal(segs[0].s.seq, una);
	assert_int_equal(HSTAT(h, tcp_rto_timeouts), 1);
	assert_int_equal(HSTAT(h, tcp_rto_in_recovery), 1);
	assert_int_equal(HSTAT(h, tcp_rto_after_probe), 0);
	tt_send_sack(&p, una + 4000, 0, NULL);
	tt_collect(h, segs, 32);
	harness_advance(h, 3000000);
	tt_none(h);
}

/* Without SACK there is no probe: a lost response waits for the RTO,
 * counted as tcp_rto_nosack. */
static void
test_tcp_rack_rto_without_sack_counted(void **state)
{
	struct harness *h = *state;
	struct tt_peer p = {.h = h};
	struct tt_seg segs[8], first;
	unsigned int n;
	uint64_t w;

	tr_response(&p, 41104, false, 1460, 100, &first, 1, &n);
	assert_int_equal(n, 1);
	w = tt_wait_segment(h, segs, 8, &n, 1000000);
	assert_int_equal(n, 1);
	assert_near_ms(w, TR_RTO);
	assert_int_equal(HSTAT(h, tcp_tlp_probes), 0);
	assert_int_equal(HSTAT(h, tcp_rto_timeouts), 1);
	assert_int_equal(HSTAT(h, tcp_rto_nosack), 1);
	tt_send(&p, F_ACK, p.snd_nxt, first.s.seq + 100, NULL, 0);
	harness_advance(h, 3000000);
	tt_none(h);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		TT_TEST(test_tcp_rack_rto_after_lost_probe_timed_from_the_original),
		TT_TEST(test_tcp_rack_rto_after_probe_leaves_the_probe_its_round_trip),
		TT_TEST(test_tcp_rack_window_update_keeps_the_probe),
		TT_TEST(test_tcp_rack_synack_retransmitted_still_times_the_first_answer),
		TT_TEST(test_tcp_rack_rto_of_lost_retransmission_counted),
		TT_TEST(test_tcp_rack_rto_without_sack_counted),
	};

	return TT_RUN(tests);
}
