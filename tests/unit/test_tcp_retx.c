/* SPDX-License-Identifier: BSD-3-Clause */
/* test_tcp_retx.c: retransmission timer (RFC 6298), backoff, giving up,
 * RTT estimation and fast retransmit (RFC 5681, 6582). */
#include <string.h>

#include "tcp_test.h"

/* Within one tick of want (the wheel's granularity, 128 us, rounded up
 * to the 1 ms steps). */
static void
assert_near_ms(uint64_t got_us, uint64_t want_us)
{
	if (got_us < want_us || got_us > want_us + 1000)
		fail_msg("fired after %llu us, expected %llu us",
			 (unsigned long long)got_us, (unsigned long long)want_us);
}

static void
tweak_cookies_on(struct config *cfg)
{
	cfg->tcp_syncookies = CONFIG_ON; /* no SYN-ACK RTT sample */
	cfg->tcp_max_retries = 3;
}

static void
test_tcp_retx_rto_1s_initially_then_backoff_then_give_up(void **state)
{
	struct harness *h = tt_reopen(state, tweak_cookies_on);
	struct tt_peer p;
	struct tt_seg segs[16], first;
	unsigned int n;
	uint64_t w, rto = 1000000;
	struct tt_app *a;

	tt_peer_init(&p, h, 40200);
	p.mss = 1460;
	tt_policy.action = TT_RESPOND;
	tt_policy.resp_len = 100;
	a = tt_connect(&p);
	tt_send_data(&p, "GET", 3);
	tt_one(h, &first);
	assert_int_equal(first.s.len, 100);
	/* RFC 6298 §2.1: RTO 1 s before any sample; §5.5 doubles it. */
	for (int i = 0; i < 3; i++) {
		w = tt_wait_segment(h, segs, 16, &n, 2 * rto + 2000);
		assert_near_ms(w, rto);
		assert_int_equal(n, 1);
		assert_int_equal(segs[0].s.seq, first.s.seq);
		assert_int_equal(segs[0].s.len, 100);
		assert_memory_equal(segs[0].data, first.data, 100);
		rto *= 2;
	}
	assert_int_equal(HSTAT(h, tcp_rto_timeouts), 3);
	/* The 4th expiry gives up: RST, closed(TIMEOUT), freed. */
	w = tt_wait_segment(h, segs, 16, &n, 2 * rto + 2000);
	assert_near_ms(w, rto);
	assert_int_equal(n, 1);
	assert_true(segs[0].s.flags & F_RST);
	assert_int_equal(segs[0].s.seq, first.s.seq + 100);
	assert_true(a->closed);
	assert_int_equal(a->why, TCP_CLOSE_TIMEOUT);
	assert_int_equal(HSTAT(h, tcp_give_up), 1);
	assert_int_equal(tcp_conn_count(h->ctx), 0);
}

static void
test_tcp_retx_handshake_rtt_sample_sets_rto(void **state)
{
	struct harness *h = *state;
	struct tt_peer p;
	struct tt_seg sa, segs[16], first;
	unsigned int n;
	uint64_t w;

	tt_peer_init(&p, h, 40201);
	tt_policy.action = TT_RESPOND;
	tt_policy.resp_len = 100;
	tt_syn(&p, &sa);
	/* R = 100 ms: SRTT 100, RTTVAR 50, RTO = 100 + 4 * 50 = 300 ms. */
	harness_advance(h, 100000);
	tt_send_ack(&p);
	tt_send_data(&p, "GET", 3);
	tt_one(h, &first);
	w = tt_wait_segment(h, segs, 16, &n, 2000000);
	assert_near_ms(w, 300000);
	assert_int_equal(segs[0].s.seq, first.s.seq);
	w = tt_wait_segment(h, segs, 16, &n, 2000000);
	assert_near_ms(w, 600000);
	/* An ACK of everything stops the timer. */
	p.rcv_nxt = first.s.seq + 100;
	tt_send_ack(&p);
	harness_advance(h, 5000000);
	tt_none(h);
}

static void
test_tcp_retx_rtt_samples_shorten_rto(void **state)
{
	struct harness *h = tt_reopen(state, tt_tweak_syncookies_on);
	struct tt_peer p;
	struct tt_seg segs[16], s;
	unsigned int n;
	uint64_t w;
	uint8_t buf[4096];

	tt_peer_init(&p, h, 40202);
	tt_policy.action = TT_ECHO;
	tt_connect(&p);
	/* Three exchanges answered after 10 ms each. */
	for (int i = 0; i < 3; i++) {
		tt_send_data(&p, "ping", 4);
		tt_one(h, &s);
		harness_advance(h, 10000);
		tt_take_data(&p, &s, 1, buf, sizeof(buf));
		tt_send_ack(&p);
		tt_none(h);
	}
	/* RTO is now the floor (200 ms), not 1 s. */
	tt_send_data(&p, "lost", 4);
	tt_one(h, &s);
	w = tt_wait_segment(h, segs, 16, &n, 3000000);
	assert_near_ms(w, 200000);
	assert_int_equal(segs[0].s.seq, s.s.seq);
	tt_take_data(&p, segs, n, buf, sizeof(buf));
	tt_send_ack(&p);
}

static void
test_tcp_retx_fast_retransmit_after_three_dup_acks(void **state)
{
	struct harness *h = *state;
	struct tt_peer p;
	struct tt_seg segs[32], r;
	unsigned int n;
	uint32_t una;

	tt_peer_init(&p, h, 40203);
	p.mss = 1000;
	tt_policy.action = TT_RESPOND;
	tt_policy.resp_len = 8000;
	tt_connect(&p);
	tt_send_data(&p, "GET", 3);
	n = tt_collect(h, segs, 32);
	assert_int_equal(n, 8);
	una = segs[0].s.seq;
	/* The first segment is lost: three duplicate ACKs of it. */
	for (int i = 0; i < 2; i++) {
		tt_send(&p, F_ACK, p.snd_nxt, una, NULL, 0);
		tt_none(h);
	}
	tt_send(&p, F_ACK, p.snd_nxt, una, NULL, 0);
	n = tt_collect(h, segs, 32);
	assert_true(n >= 1);
	r = segs[0];
	assert_int_equal(r.s.seq, una);
	assert_int_equal(r.s.len, 1000);
	for (uint32_t i = 0; i < 1000; i++)
		assert_int_equal(r.data[i], tt_byte(i));
	assert_int_equal(HSTAT(h, tcp_fast_retransmits), 1);
	/* Everything acknowledged: recovery ends, nothing more is sent. */
	p.rcv_nxt = una + 8000;
	tt_send_ack(&p);
	tt_collect(h, segs, 32);
	harness_advance(h, 3000000);
	tt_none(h);
}

static void
test_tcp_retx_partial_ack_retransmits_next_hole(void **state)
{
	struct harness *h = *state;
	struct tt_peer p;
	struct tt_seg segs[32];
	unsigned int n;
	uint32_t una;

	tt_peer_init(&p, h, 40204);
	p.mss = 1000;
	tt_policy.action = TT_RESPOND;
	tt_policy.resp_len = 8000;
	tt_connect(&p);
	tt_send_data(&p, "GET", 3);
	n = tt_collect(h, segs, 32);
	assert_int_equal(n, 8);
	una = segs[0].s.seq;
	for (int i = 0; i < 3; i++)
		tt_send(&p, F_ACK, p.snd_nxt, una, NULL, 0);
	n = tt_collect(h, segs, 32);
	assert_int_equal(segs[0].s.seq, una);
	/* Segments 0 and 1 arrive, 3 was lost too (RFC 6582 partial ACK). */
	tt_send(&p, F_ACK, p.snd_nxt, una + 3000, NULL, 0);
	n = tt_collect(h, segs, 32);
	assert_true(n >= 1);
	assert_int_equal(segs[0].s.seq, una + 3000);
	assert_int_equal(segs[0].s.len, 1000);
	tt_send(&p, F_ACK, p.snd_nxt, una + 8000, NULL, 0);
	tt_collect(h, segs, 32);
	harness_advance(h, 3000000);
	tt_none(h);
}

static void
test_tcp_retx_fin_retransmitted_after_rto(void **state)
{
	struct harness *h = *state;
	struct tt_peer p;
	struct tt_seg segs[8], f;
	unsigned int n;
	uint64_t w;

	tt_peer_init(&p, h, 40205);
	tt_policy.action = TT_RESPOND_CLOSE;
	tt_policy.resp_len = 10;
	tt_connect(&p);
	tt_send_data(&p, "GET", 3);
	tt_one(h, &f);
	assert_int_equal(f.s.flags & (F_FIN | F_PSH), F_FIN | F_PSH);
	assert_int_equal(f.s.len, 10);
	/* Data acknowledged, the FIN not: the FIN alone again. */
	p.rcv_nxt = f.s.seq + 10;
	tt_send_ack(&p);
	tt_none(h);
	w = tt_wait_segment(h, segs, 8, &n, 3000000);
	assert_near_ms(w, 200000);
	assert_int_equal(n, 1);
	assert_int_equal(segs[0].s.flags & F_FIN, F_FIN);
	assert_int_equal(segs[0].s.seq, f.s.seq + 10);
	assert_int_equal(segs[0].s.len, 0);
}

static void
test_tcp_retx_whole_flight_lost_recovered_after_rto(void **state)
{
	struct harness *h = *state;
	struct tt_peer p;
	struct tt_seg segs[32];
	unsigned int n;
	uint8_t buf[16384];
	uint32_t got = 0;
	uint64_t w;

	tt_peer_init(&p, h, 40206);
	p.mss = 1000;
	tt_policy.action = TT_RESPOND;
	tt_policy.resp_len = 12000;
	tt_connect(&p);
	tt_send_data(&p, "GET", 3);
	n = tt_collect(h, segs, 32);
	assert_int_equal(n, 10); /* IW10, all lost */
	w = tt_wait_segment(h, segs, 32, &n, 2000000);
	assert_near_ms(w, 200000);
	/* RFC 5681 §3.1: one segment after a timeout, then slow start. */
	assert_int_equal(n, 1);
	assert_int_equal(segs[0].s.len, 1000);
	for (int round = 0; round < 20 && got < 12000; round++) {
		got += tt_take_data(&p, segs, n, buf + got, sizeof(buf) - got);
		tt_send_ack(&p);
		n = tt_collect(h, segs, 32);
	}
	assert_int_equal(got, 12000);
	for (uint32_t i = 0; i < 12000; i++)
		assert_int_equal(buf[i], tt_byte(i));
	harness_advance(h, 5000000);
	tt_none(h);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		TT_TEST(test_tcp_retx_rto_1s_initially_then_backoff_then_give_up),
		TT_TEST(test_tcp_retx_handshake_rtt_sample_sets_rto),
		TT_TEST(test_tcp_retx_rtt_samples_shorten_rto),
		TT_TEST(test_tcp_retx_fast_retransmit_after_three_dup_acks),
		TT_TEST(test_tcp_retx_partial_ack_retransmits_next_hole),
		TT_TEST(test_tcp_retx_fin_retransmitted_after_rto),
		TT_TEST(test_tcp_retx_whole_flight_lost_recovered_after_rto),
#undef T
	};

	return TT_RUN(tests);
}
