/* SPDX-License-Identifier: BSD-3-Clause */
/* test_tcp_data.c: reassembly, delayed ACKs, flow control, persist, the
 * send buffer and sequence wrap-around. */
#include <string.h>

#include "tcp_test.h"

static uint8_t msg[8192];

static void
fill_msg(void)
{
	for (uint32_t i = 0; i < sizeof(msg); i++)
		msg[i] = (uint8_t)('A' + i % 26);
}

static void
test_tcp_data_out_of_order_then_gap_filled_delivers_once_in_order(void **state)
{
	struct harness *h = *state;
	struct tt_peer p;
	struct tt_app *a;
	struct tt_seg r;
	uint32_t base;

	fill_msg();
	tt_peer_init(&p, h, 40100);
	a = tt_connect(&p);
	base = p.snd_nxt;
	/* [10, 20) first: held, and a duplicate ACK at once (RFC 5681 §4.2). */
	tt_send(&p, F_ACK, base + 10, p.rcv_nxt, msg + 10, 10);
	tt_one(h, &r);
	assert_int_equal(r.s.flags, F_ACK);
	assert_int_equal(r.s.ack, base);
	assert_int_equal(a->rx_len, 0);
	/* [0, 10) fills the gap: 20 bytes, in order, ACKed at once. */
	tt_send(&p, F_ACK, base, p.rcv_nxt, msg, 10);
	tt_one(h, &r);
	assert_int_equal(r.s.ack, base + 20);
	assert_int_equal(a->rx_len, 20);
	assert_memory_equal(a->rx, msg, 20);
	/* The held segment again: old, acknowledged, not delivered. */
	tt_send(&p, F_ACK, base + 10, p.rcv_nxt, msg + 10, 10);
	tt_one(h, &r);
	assert_int_equal(r.s.ack, base + 20);
	assert_int_equal(a->rx_len, 20);
}

static void
test_tcp_data_overlapping_and_duplicate_segments_delivered_once(void **state)
{
	struct harness *h = *state;
	struct tt_peer p;
	struct tt_app *a;
	struct tt_seg r;
	uint32_t base;

	fill_msg();
	tt_peer_init(&p, h, 40101);
	a = tt_connect(&p);
	base = p.snd_nxt;
	/* Held out of order: [20,30), [40,50); then [25,45) overlaps both,
	 * [45,60) overlaps the end; a duplicate of [40,50). */
	tt_send(&p, F_ACK, base + 20, p.rcv_nxt, msg + 20, 10);
	tt_send(&p, F_ACK, base + 40, p.rcv_nxt, msg + 40, 10);
	tt_send(&p, F_ACK, base + 25, p.rcv_nxt, msg + 25, 20);
	tt_send(&p, F_ACK, base + 45, p.rcv_nxt, msg + 45, 15);
	tt_send(&p, F_ACK, base + 40, p.rcv_nxt, msg + 40, 10);
	{
		struct tt_seg segs[8];
		unsigned int n = tt_collect(h, segs, 8);

		/* Every out-of-order segment is answered at once. */
		assert_int_equal(n, 5);
		for (unsigned int i = 0; i < n; i++)
			assert_int_equal(segs[i].s.ack, base);
	}
	assert_int_equal(a->rx_len, 0);
	/* [0,22) fills the gap and overlaps the held [20,30). */
	tt_send(&p, F_ACK, base, p.rcv_nxt, msg, 22);
	tt_one(h, &r);
	assert_int_equal(r.s.ack, base + 60);
	assert_int_equal(a->rx_len, 60);
	assert_memory_equal(a->rx, msg, 60);
	/* In-order data overlapping what was delivered: only the new part. */
	tt_send(&p, F_ACK, base + 50, p.rcv_nxt, msg + 50, 20);
	assert_int_equal(a->rx_len, 70);
	assert_memory_equal(a->rx, msg, 70);
	/* An exact duplicate: ACKed at once, nothing delivered. */
	harness_drain(h);
	tt_send(&p, F_ACK, base + 50, p.rcv_nxt, msg + 50, 20);
	tt_one(h, &r);
	assert_int_equal(r.s.ack, base + 70);
	assert_int_equal(a->rx_len, 70);
	assert_true(HSTAT(h, tcp_dup_segs) >= 1);
}

static void
test_tcp_data_delayed_ack_after_40ms_not_before(void **state)
{
	struct harness *h = *state;
	struct tt_peer p;
	struct tt_app *a;
	struct tt_seg r;

	tt_peer_init(&p, h, 40102);
	a = tt_connect(&p);
	tt_send_data(&p, "hello", 5);
	assert_int_equal(a->rx_len, 5);
	tt_none(h);
	harness_advance(h, 39000);
	tt_none(h);
	harness_advance(h, 1000 + 256);
	tt_one(h, &r);
	assert_int_equal(r.s.flags, F_ACK);
	assert_int_equal(r.s.ack, p.snd_nxt);
	assert_int_equal(r.s.len, 0);
	harness_advance(h, 100000);
	tt_none(h);
}

static void
test_tcp_data_every_second_full_segment_acked_at_once(void **state)
{
	struct harness *h = *state;
	struct tt_peer p;
	struct tt_seg r;

	fill_msg();
	tt_peer_init(&p, h, 40103);
	p.mss = 1460;
	tt_connect(&p);
	tt_send_data(&p, msg, 1460);
	tt_none(h);
	tt_send_data(&p, msg + 1460, 1460);
	tt_one(h, &r);
	assert_int_equal(r.s.ack, p.snd_nxt);
	tt_send_data(&p, msg + 2920, 1460);
	tt_none(h);
	harness_advance(h, 40000 + 256);
	tt_one(h, &r);
	assert_int_equal(r.s.ack, p.snd_nxt);
}

static void
test_tcp_data_response_piggybacks_ack(void **state)
{
	struct harness *h = *state;
	struct tt_peer p;
	struct tt_seg r;

	tt_peer_init(&p, h, 40104);
	tt_policy.action = TT_RESPOND;
	tt_policy.resp_len = 100;
	tt_connect(&p);
	tt_send_data(&p, "GET", 3);
	tt_one(h, &r);
	assert_int_equal(r.s.len, 100);
	assert_int_equal(r.s.ack, p.snd_nxt);
	assert_true(r.s.flags & F_PSH);
	harness_advance(h, 50000);
	tt_none(h); /* the ACK was paid by the response */
}

static void
test_tcp_data_peer_window_limits_bytes_in_flight(void **state)
{
	struct harness *h = *state;
	struct tt_peer p;
	struct tt_seg segs[16];
	unsigned int n;
	uint8_t buf[4096];

	tt_peer_init(&p, h, 40105);
	p.mss = 1460;
	p.win = 1000;
	tt_policy.action = TT_RESPOND;
	tt_policy.resp_len = 3000;
	tt_connect(&p);
	tt_send_data(&p, "GET", 3);
	n = tt_collect(h, segs, 16);
	assert_int_equal(tt_seg_bytes(segs, n), 1000);
	assert_int_equal(tt_take_data(&p, segs, n, buf, sizeof(buf)), 1000);
	tt_send_ack(&p);
	n = tt_collect(h, segs, 16);
	assert_int_equal(tt_seg_bytes(segs, n), 1000);
	assert_int_equal(tt_take_data(&p, segs, n, buf, sizeof(buf)), 1000);
	tt_send_ack(&p);
	n = tt_collect(h, segs, 16);
	assert_int_equal(tt_seg_bytes(segs, n), 1000);
	assert_int_equal(tt_take_data(&p, segs, n, buf, sizeof(buf)), 1000);
	tt_send_ack(&p);
	tt_none(h);
}

static void
test_tcp_data_window_scale_applied_to_peer_window(void **state)
{
	struct harness *h = *state;
	struct tt_peer p;
	struct tt_seg segs[16];
	unsigned int n;

	tt_peer_init(&p, h, 40106);
	p.mss = 1000; /* the 2000-byte window takes 2 full segments (SWS) */
	p.wscale = 3;
	tt_policy.action = TT_RESPOND;
	tt_policy.resp_len = 5000;
	tt_connect(&p);
	p.win = 250; /* 250 << 3 = 2000 bytes */
	tt_send_data(&p, "GET", 3);
	n = tt_collect(h, segs, 16);
	assert_int_equal(tt_seg_bytes(segs, n), 2000);
}

static void
test_tcp_data_zero_window_probes_then_data_flows(void **state)
{
	struct harness *h = *state;
	struct tt_peer p;
	struct tt_seg r, segs[16];
	unsigned int n;
	uint8_t buf[4096];
	uint64_t t;

	tt_peer_init(&p, h, 40107);
	p.mss = 1460;
	tt_policy.action = TT_RESPOND;
	tt_policy.resp_len = 2000;
	tt_connect(&p);
	p.win = 0;
	tt_send_data(&p, "GET", 3);
	/* No data into a zero window; the request is acknowledged. */
	n = tt_collect(h, segs, 16);
	assert_int_equal(tt_seg_bytes(segs, n), 0);
	harness_advance(h, 50000); /* the delayed ACK of the request */
	n = tt_collect(h, segs, 16);
	assert_int_equal(tt_seg_bytes(segs, n), 0);
	/* Persist probes, backing off (RFC 9293 §3.8.6.1, RFC 1122). */
	t = 0;
	for (int i = 0; i < 3; i++) {
		uint64_t waited = 0;

		do {
			harness_advance(h, 10000);
			waited += 10000;
			n = tt_collect(h, segs, 16);
		} while (n == 0 && waited < 10000000);
		assert_int_equal(n, 1);
		assert_true(segs[0].s.len <= 1);
		assert_true(waited > t);
		t = waited;
		/* The peer answers: still zero. */
		tt_send_ack(&p);
		n = tt_collect(h, segs, 16);
		assert_int_equal(tt_seg_bytes(segs, n), 0);
	}
	assert_true(HSTAT(h, tcp_persist_probes) >= 3);
	assert_true(tt_apps[0].used && !tt_apps[0].closed);
	/* The window opens: all the data flows. */
	p.win = 65535;
	tt_send_ack(&p);
	n = tt_collect(h, segs, 16);
	/* A probe byte may already be acknowledged or covered again. */
	assert_int_equal(tt_take_data(&p, segs, n, buf, sizeof(buf)), 2000);
	for (uint32_t i = 0; i < 2000; i++)
		assert_int_equal(buf[i], tt_byte(i));
	tt_send_ack(&p);
	harness_advance(h, 5000000);
	n = tt_collect(h, segs, 16);
	assert_int_equal(n, 0);
	(void)r;
}

static void
tweak_small_sndbuf(struct config *cfg)
{
	cfg->tcp_snd_buf = 1024;
}

static void
test_tcp_data_send_buffer_full_returns_short_and_writable_refills(void **state)
{
	struct harness *h = tt_reopen(state, tweak_small_sndbuf);
	struct tt_peer p;
	struct tt_app *a;
	struct tt_seg segs[16];
	unsigned int n;
	uint8_t buf[8192];
	uint32_t got = 0;

	tt_peer_init(&p, h, 40108);
	p.mss = 1460;
	tt_policy.action = TT_RESPOND;
	tt_policy.resp_len = 5000;
	a = tt_connect(&p);
	tt_send_data(&p, "GET", 3);
	/* tcp_send took only what fits. */
	assert_int_equal(a->stream_sent, 1024);
	assert_int_equal(a->stream_left, 5000 - 1024);
	assert_true(HSTAT(h, tcp_sndq_full) >= 1);
	for (int round = 0; round < 10 && got < 5000; round++) {
		n = tt_collect(h, segs, 16);
		got += tt_take_data(&p, segs, n, buf + got, sizeof(buf) - got);
		tt_send_ack(&p);
	}
	assert_int_equal(got, 5000);
	assert_true(a->writable_calls >= 4);
	assert_int_equal(a->stream_left, 0);
	for (uint32_t i = 0; i < 5000; i++)
		assert_int_equal(buf[i], tt_byte(i));
}

static void
test_tcp_data_sequence_wraparound_both_directions(void **state)
{
	struct harness *h = *state;
	struct tt_peer p;
	struct tt_app *a;
	struct tt_seg segs[32];
	uint8_t buf[8192];
	uint32_t sent = 0, got = 0;

	fill_msg();
	tcp_test_set_isn(0xFFFFFFF0u);
	tt_peer_init(&p, h, 40109);
	p.iss = 0xFFFFFF00u;
	p.mss = 1000;
	tt_policy.action = TT_ECHO;
	a = tt_connect(&p);
	assert_int_equal(p.srv_iss, 0xFFFFFFF0u);
	tcp_test_set_isn(0);
	while (sent < 8000) {
		unsigned int n;

		tt_send_data(&p, msg + sent, 1000);
		sent += 1000;
		n = tt_collect(h, segs, 32);
		got += tt_take_data(&p, segs, n, buf + got, sizeof(buf) - got);
		tt_send_ack(&p);
		tt_collect(h, segs, 32);
	}
	assert_int_equal(a->rx_len, 8000);
	assert_memory_equal(a->rx, msg, 8000);
	assert_int_equal(got, 8000);
	assert_memory_equal(buf, msg, 8000);
	/* Both sides crossed 2^32. */
	assert_true(p.snd_nxt < 0x10000u);
	assert_true(p.rcv_nxt < 0x10000u);
	/* Out of order across the wrap still reassembles. */
	tt_send(&p, F_ACK, p.snd_nxt + 100, p.rcv_nxt, msg, 100);
	tt_send(&p, F_ACK, p.snd_nxt, p.rcv_nxt, msg + 100, 100);
	p.snd_nxt += 200;
	assert_int_equal(a->rx_len, 8200);
}

static void
tweak_ooo_2(struct config *cfg)
{
	cfg->tcp_ooo_segs = 2;
}

static void
test_tcp_data_ooo_queue_bound_drops_and_counts(void **state)
{
	struct harness *h = tt_reopen(state, tweak_ooo_2);
	struct tt_peer p;
	struct tt_app *a;
	uint32_t base;

	fill_msg();
	tt_peer_init(&p, h, 40110);
	a = tt_connect(&p);
	base = p.snd_nxt;
	tt_send(&p, F_ACK, base + 10, p.rcv_nxt, msg + 10, 10);
	tt_send(&p, F_ACK, base + 30, p.rcv_nxt, msg + 30, 10);
	tt_send(&p, F_ACK, base + 50, p.rcv_nxt, msg + 50, 10);
	assert_int_equal(HSTAT(h, tcp_ooo_drop), 1);
	tt_send(&p, F_ACK, base, p.rcv_nxt, msg, 10);
	assert_int_equal(a->rx_len, 20);
	harness_drain(h);
}

static void
test_tcp_data_zero_window_probe_byte_acked_when_window_opens(void **state)
{
	struct harness *h = *state;
	struct tt_peer p;
	struct tt_seg segs[16];
	unsigned int n;
	uint8_t buf[4096];
	uint32_t got;

	tt_peer_init(&p, h, 40111);
	p.mss = 1460;
	tt_policy.action = TT_RESPOND;
	tt_policy.resp_len = 1000;
	tt_connect(&p);
	p.win = 0;
	tt_send_data(&p, "GET", 3);
	harness_advance(h, 50000); /* the delayed ACK of the request */
	n = tt_collect(h, segs, 16);
	assert_int_equal(n, 1);
	assert_int_equal(segs[0].s.len, 0);
	do {
		harness_advance(h, 10000);
		n = tt_collect(h, segs, 16);
	} while (n == 0);
	assert_int_equal(n, 1);
	assert_int_equal(segs[0].s.len, 1);
	assert_int_equal(segs[0].s.seq, p.rcv_nxt);
	/* The window opened meanwhile: the peer takes the probe octet. */
	got = tt_take_data(&p, segs, n, buf, sizeof(buf));
	assert_int_equal(got, 1);
	p.win = 65535;
	tt_send_ack(&p);
	n = tt_collect(h, segs, 16);
	got += tt_take_data(&p, segs, n, buf + 1, sizeof(buf) - 1);
	assert_int_equal(got, 1000);
	for (uint32_t i = 0; i < 1000; i++)
		assert_int_equal(buf[i], tt_byte(i));
	tt_send_ack(&p);
	harness_advance(h, 3000000);
	tt_none(h);
}

static void
test_tcp_data_request_and_fin_on_the_handshake_ack(void **state)
{
	struct harness *h = *state;
	struct tt_peer p;
	struct tt_seg sa, r;
	struct tt_app *a;

	tt_peer_init(&p, h, 40112);
	tt_policy.action = TT_RESPOND;
	tt_policy.resp_len = 10;
	tt_syn(&p, &sa);
	tt_send(&p, F_ACK | F_PSH | F_FIN, p.snd_nxt, p.rcv_nxt, "GET", 3);
	p.snd_nxt += 4;
	a = &tt_apps[0];
	assert_true(a->used);
	assert_int_equal(a->rx_len, 3);
	assert_true(a->peer_fin);
	tt_one(h, &r);
	assert_int_equal(r.s.len, 10);
	assert_int_equal(r.s.ack, p.snd_nxt);
	assert_int_equal(tt_state_count(h, TCP_CLOSE_WAIT), 1);
}

static void
test_tcp_data_out_of_order_fin_processed_when_gap_filled(void **state)
{
	struct harness *h = *state;
	struct tt_peer p;
	struct tt_app *a;
	struct tt_seg r;
	uint32_t base;

	fill_msg();
	tt_peer_init(&p, h, 40113);
	a = tt_connect(&p);
	base = p.snd_nxt;
	tt_send(&p, F_ACK | F_FIN, base + 10, p.rcv_nxt, msg + 10, 10);
	tt_one(h, &r);
	assert_int_equal(r.s.ack, base);
	assert_false(a->peer_fin);
	assert_int_equal(tt_state_count(h, TCP_ESTABLISHED), 1);
	tt_send(&p, F_ACK, base, p.rcv_nxt, msg, 10);
	tt_one(h, &r);
	/* RFC 9293 §3.10.7.4 eighth: the FIN counts once it is in order. */
	assert_int_equal(r.s.ack, base + 21);
	assert_int_equal(a->rx_len, 20);
	assert_memory_equal(a->rx, msg, 20);
	assert_true(a->peer_fin);
	assert_int_equal(tt_state_count(h, TCP_CLOSE_WAIT), 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		TT_TEST(test_tcp_data_out_of_order_then_gap_filled_delivers_once_in_order),
		TT_TEST(test_tcp_data_overlapping_and_duplicate_segments_delivered_once),
		TT_TEST(test_tcp_data_delayed_ack_after_40ms_not_before),
		TT_TEST(test_tcp_data_every_second_full_segment_acked_at_once),
		TT_TEST(test_tcp_data_response_piggybacks_ack),
		TT_TEST(test_tcp_data_peer_window_limits_bytes_in_flight),
		TT_TEST(test_tcp_data_window_scale_applied_to_peer_window),
		TT_TEST(test_tcp_data_zero_window_probes_then_data_flows),
		TT_TEST(test_tcp_data_send_buffer_full_returns_short_and_writable_refills),
		TT_TEST(test_tcp_data_sequence_wraparound_both_directions),
		TT_TEST(test_tcp_data_ooo_queue_bound_drops_and_counts),
		TT_TEST(test_tcp_data_zero_window_probe_byte_acked_when_window_opens),
		TT_TEST(test_tcp_data_request_and_fin_on_the_handshake_ack),
		TT_TEST(test_tcp_data_out_of_order_fin_processed_when_gap_filled),
#undef T
	};

	return TT_RUN(tests);
}
