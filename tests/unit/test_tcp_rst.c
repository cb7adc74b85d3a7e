/* SPDX-License-Identifier: BSD-3-Clause */
/* test_tcp_rst.c: RST acceptance and challenge ACKs (RFC 5961), SYN in a
 * synchronized state, and the challenge ACK rate limit. */
#include <string.h>

#include "tcp_test.h"

static void
test_tcp_in_rst_exact_sequence_aborts_closed_reset(void **state)
{
	struct harness *h = *state;
	struct tt_peer p;
	struct tt_app *a;

	tt_peer_init(&p, h, 40400);
	a = tt_connect(&p);
	tt_send(&p, F_RST, p.snd_nxt, 0, NULL, 0);
	tt_none(h);
	assert_true(a->closed);
	assert_int_equal(a->why, TCP_CLOSE_RESET);
	assert_int_equal(HSTAT(h, tcp_rst_rx), 1);
	assert_int_equal(tcp_conn_count(h->ctx), 0);
	/* Later segments of the dead connection get a RST. */
	tt_send_data(&p, "x", 1);
	{
		struct tt_seg r;

		tt_one(h, &r);
		assert_true(r.s.flags & F_RST);
	}
}

static void
test_tcp_in_rst_in_window_sends_challenge_ack(void **state)
{
	struct harness *h = *state;
	struct tt_peer p;
	struct tt_app *a;
	struct tt_seg r;

	tt_peer_init(&p, h, 40401);
	a = tt_connect(&p);
	tt_send(&p, F_RST | F_ACK, p.snd_nxt + 100, p.rcv_nxt, NULL, 0);
	tt_one(h, &r);
	/* RFC 5961 §3.2: <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>. */
	assert_int_equal(r.s.flags, F_ACK);
	assert_int_equal(r.s.seq, p.rcv_nxt);
	assert_int_equal(r.s.ack, p.snd_nxt);
	assert_false(a->closed);
	assert_int_equal(HSTAT(h, tcp_challenge_ack), 1);
	/* The real peer answers with the exact RST. */
	tt_send(&p, F_RST, r.s.ack, 0, NULL, 0);
	assert_true(a->closed);
	assert_int_equal(a->why, TCP_CLOSE_RESET);
}

static void
test_tcp_in_rst_out_of_window_ignored(void **state)
{
	struct harness *h = *state;
	struct tt_peer p;
	struct tt_app *a;

	tt_peer_init(&p, h, 40402);
	a = tt_connect(&p);
	tt_send(&p, F_RST, p.snd_nxt + 1000000, 0, NULL, 0);
	tt_send(&p, F_RST, p.snd_nxt - 1, 0, NULL, 0);
	tt_none(h);
	assert_false(a->closed);
	assert_int_equal(HSTAT(h, tcp_rst_ignored), 2);
	assert_int_equal(tt_state_count(h, TCP_ESTABLISHED), 1);
}

static void
test_tcp_in_rst_in_syn_received_frees_silently(void **state)
{
	struct harness *h = *state;
	struct tt_peer p;
	struct tt_seg sa;

	tt_peer_init(&p, h, 40403);
	tt_syn(&p, &sa);
	tt_send(&p, F_RST, p.snd_nxt, 0, NULL, 0);
	tt_none(h);
	assert_int_equal(tcp_conn_count(h->ctx), 0);
	assert_false(tt_apps[0].used);
}

static void
test_tcp_in_syn_in_established_sends_challenge_ack(void **state)
{
	struct harness *h = *state;
	struct tt_peer p;
	struct tt_app *a;
	struct tt_seg r;

	tt_peer_init(&p, h, 40404);
	a = tt_connect(&p);
	/* RFC 5961 §4.2: whatever the sequence number. */
	tt_send(&p, F_SYN, p.snd_nxt + 5, 0, NULL, 0);
	tt_one(h, &r);
	assert_int_equal(r.s.flags, F_ACK);
	assert_int_equal(r.s.ack, p.snd_nxt);
	assert_int_equal(r.s.seq, p.rcv_nxt);
	tt_send(&p, F_SYN, p.snd_nxt - 5000, 0, NULL, 0);
	tt_one(h, &r);
	assert_int_equal(r.s.flags, F_ACK);
	assert_false(a->closed);
	assert_int_equal(tt_state_count(h, TCP_ESTABLISHED), 1);
}

static void
test_tcp_in_ack_of_unsent_data_gets_challenge_ack(void **state)
{
	struct harness *h = *state;
	struct tt_peer p;
	struct tt_app *a;
	struct tt_seg r;

	tt_peer_init(&p, h, 40405);
	a = tt_connect(&p);
	/* RFC 5961 §5.2: an ACK beyond SND.NXT is dropped, ACK sent. */
	tt_send(&p, F_ACK | F_PSH, p.snd_nxt, p.rcv_nxt + 5000, "x", 1);
	tt_one(h, &r);
	assert_int_equal(r.s.flags, F_ACK);
	assert_int_equal(r.s.ack, p.snd_nxt);
	assert_int_equal(a->rx_len, 0);
}

static void
test_tcp_in_data_out_of_window_answered_with_ack(void **state)
{
	struct harness *h = *state;
	struct tt_peer p;
	struct tt_app *a;
	struct tt_seg r;

	tt_peer_init(&p, h, 40406);
	a = tt_connect(&p);
	tt_send(&p, F_ACK, p.snd_nxt + 200000, p.rcv_nxt, "zz", 2);
	tt_one(h, &r);
	assert_int_equal(r.s.flags, F_ACK);
	assert_int_equal(r.s.ack, p.snd_nxt);
	assert_int_equal(a->rx_len, 0);
	assert_int_equal(HSTAT(h, tcp_drop_out_of_window), 1);
}

static void
tweak_chack_2(struct config *cfg)
{
	cfg->tcp_challenge_acks_per_s = 2;
}

static void
test_tcp_in_challenge_ack_rate_limited(void **state)
{
	struct harness *h = tt_reopen(state, tweak_chack_2);
	struct tt_peer p;
	struct tt_seg segs[32];
	unsigned int n = 0;

	tt_peer_init(&p, h, 40407);
	tt_connect(&p);
	for (int i = 0; i < 20; i++)
		tt_send(&p, F_RST, p.snd_nxt + 10 + (uint32_t)i, 0, NULL, 0);
	n = tt_collect(h, segs, 32);
	/* A budget drawn in [limit/2, limit*3/2) per second. */
	assert_true(n >= 1 && n <= 3);
	assert_int_equal(HSTAT(h, tcp_challenge_ack), n);
	assert_int_equal(HSTAT(h, tcp_challenge_ack_limited), 20 - n);
	/* The next second has a new budget. */
	harness_advance(h, 1000000);
	tt_send(&p, F_RST, p.snd_nxt + 10, 0, NULL, 0);
	n = tt_collect(h, segs, 32);
	assert_int_equal(n, 1);
	assert_int_equal(tt_state_count(h, TCP_ESTABLISHED), 1);
}

static void
test_tcp_in_paws_old_timestamp_dropped_with_ack(void **state)
{
	struct harness *h = *state;
	struct tt_peer p;
	struct tt_app *a;
	struct tt_seg r;

	tt_peer_init(&p, h, 40408);
	p.ts = true;
	p.tsval = 100000;
	a = tt_connect(&p);
	p.tsval = 100010;
	tt_send_data(&p, "ab", 2);
	assert_int_equal(a->rx_len, 2);
	harness_advance(h, 50000);
	tt_collect(h, &r, 1);
	/* RFC 7323 §5.3: an older TSval is a duplicate from the past. */
	p.tsval = 99000;
	tt_send(&p, F_ACK, p.snd_nxt, p.rcv_nxt, "cd", 2);
	tt_one(h, &r);
	assert_int_equal(r.s.flags, F_ACK);
	assert_int_equal(r.s.tsecr, 100010);
	assert_int_equal(a->rx_len, 2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		TT_TEST(test_tcp_in_rst_exact_sequence_aborts_closed_reset),
		TT_TEST(test_tcp_in_rst_in_window_sends_challenge_ack),
		TT_TEST(test_tcp_in_rst_out_of_window_ignored),
		TT_TEST(test_tcp_in_rst_in_syn_received_frees_silently),
		TT_TEST(test_tcp_in_syn_in_established_sends_challenge_ack),
		TT_TEST(test_tcp_in_ack_of_unsent_data_gets_challenge_ack),
		TT_TEST(test_tcp_in_data_out_of_window_answered_with_ack),
		TT_TEST(test_tcp_in_challenge_ack_rate_limited),
		TT_TEST(test_tcp_in_paws_old_timestamp_dropped_with_ack),
#undef T
	};

	return TT_RUN(tests);
}
