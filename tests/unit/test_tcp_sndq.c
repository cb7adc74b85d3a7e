/* SPDX-License-Identifier: BSD-3-Clause */
/* test_tcp_sndq.c: the send queue (in-place segments, coalescing,
 * retransmission from the queue), pool and TIME_WAIT reuse, and
 * callbacks that close or abort inside the receive path. */
#include <string.h>

#include <rte_mempool.h>

#include "tcp_test.h"

static unsigned int
in_use(struct harness *h)
{
	return rte_mempool_in_use_count(h->pool);
}

/* Two segments from p in one RX burst (one poll). */
static void
two_in_one_burst(struct tt_peer *p, const char *a, const char *b)
{
	uint8_t f[PKT_MAX];
	struct pkt_tcp t = {
		.sport = p->sport, .dport = TT_PORT, .seq = p->snd_nxt,
		.ack = p->rcv_nxt, .flags = F_ACK | F_PSH, .win = p->win,
		.wscale = -1, .data = a, .len = strlen(a),
	};

	harness_inject(p->h, f, pkt_tcp(f, &p->h->ifc.mac, &t));
	p->snd_nxt += (uint32_t)t.len;
	t.seq = p->snd_nxt;
	t.data = b;
	t.len = strlen(b);
	harness_inject(p->h, f, pkt_tcp(f, &p->h->ifc.mac, &t));
	p->snd_nxt += (uint32_t)t.len;
	harness_poll(p->h);
}

static void
test_tcp_sndq_small_response_sent_in_place_one_mbuf(void **state)
{
	struct harness *h = *state;
	struct tt_peer p;
	struct tt_seg r;
	unsigned int base;

	tt_peer_init(&p, h, 40600);
	tt_policy.action = TT_RESPOND;
	tt_policy.resp_len = 100;
	tt_connect(&p);
	base = in_use(h);
	tt_send_data(&p, "GET", 3);
	/* The queued mbuf itself is the segment: one mbuf, two references
	 * (the TX ring's and the send queue's). */
	assert_int_equal(in_use(h), base + 1);
	tt_one(h, &r);
	assert_int_equal(r.s.len, 100);
	assert_int_equal(r.s.flags, F_ACK | F_PSH);
	assert_int_equal(r.s.ack, p.snd_nxt);
	assert_int_equal(in_use(h), base + 1);
	p.rcv_nxt += 100;
	tt_send_ack(&p);
	tt_none(h);
	assert_int_equal(in_use(h), base);
	assert_int_equal(HSTAT(h, tcp_tx_pure_acks), 0);
}

static void
test_tcp_sndq_pipelined_responses_share_one_segment(void **state)
{
	struct harness *h = *state;
	struct tt_peer p;
	struct tt_seg r;

	tt_peer_init(&p, h, 40601);
	tt_policy.action = TT_ECHO;
	tt_connect(&p);
	two_in_one_burst(&p, "first request;", "second request");
	/* Both answers were queued before the flush: one segment. */
	tt_one(h, &r);
	assert_int_equal(r.s.len, 28);
	assert_memory_equal(r.data, "first request;second request", 28);
	assert_int_equal(r.s.ack, p.snd_nxt);
	p.rcv_nxt += 28;
	tt_send_ack(&p);
	tt_none(h);
}

static void
test_tcp_sndq_retransmission_rebuilds_one_segment_from_two_mbufs(void **state)
{
	struct harness *h = *state;
	struct tt_peer p;
	struct tt_seg r;
	uint32_t first;

	tt_peer_init(&p, h, 40602);
	tt_policy.action = TT_ECHO;
	tt_connect(&p);
	first = p.rcv_nxt;
	tt_send_data(&p, "0123456789", 10);
	tt_one(h, &r);
	assert_int_equal(r.s.seq, first);
	/* Not acknowledged: the next answer is a second queued mbuf. */
	tt_send_data(&p, "abcdefghij", 10);
	tt_one(h, &r);
	assert_int_equal(r.s.seq, first + 10);
	assert_int_equal(r.s.len, 10);
	/* RTO (200 ms: rto_min after a tiny handshake RTT): go back to
	 * snd_una; one segment carries both, copied from the queue. */
	harness_advance(h, 199000);
	tt_none(h);
	harness_advance(h, 1000);
	tt_one(h, &r);
	assert_int_equal(r.s.seq, first);
	assert_int_equal(r.s.len, 20);
	assert_memory_equal(r.data, "0123456789abcdefghij", 20);
	assert_int_equal(HSTAT(h, tcp_rto_timeouts), 1);
	assert_int_equal(HSTAT(h, tcp_retransmits), 1);
	p.rcv_nxt = first + 20;
	tt_send_ack(&p);
	tt_none(h);
	/* Nothing outstanding: the stopped RTO fires into nothing. */
	harness_advance(h, 2000000);
	tt_none(h);
	assert_int_equal(HSTAT(h, tcp_rto_timeouts), 1);
}

static void
tweak_no_time_wait(struct config *cfg)
{
	cfg->tcp_timewait_ms = 0;
}

/* Request, response + FIN (TT_RESPOND_CLOSE), peer ACKs it and sends its
 * FIN: our ACK of it is returned in *r. */
static void
server_closes_first(struct tt_peer *p, struct tt_seg *r)
{
	struct harness *h = p->h;

	tt_policy.action = TT_RESPOND_CLOSE;
	tt_policy.resp_len = 10;
	tt_send_data(p, "GET", 3);
	tt_one(h, r);
	assert_int_equal(r->s.flags, F_ACK | F_PSH | F_FIN);
	assert_int_equal(r->s.len, 10);
	p->rcv_nxt += 11;
	tt_send_ack(p);
	tt_none(h);
	assert_int_equal(tt_state_count(h, TCP_FIN_WAIT_2), 1);
	tt_send(p, F_FIN | F_ACK, p->snd_nxt, p->rcv_nxt, NULL, 0);
	p->snd_nxt++;
	tt_one(h, r);
	assert_int_equal(r->s.flags, F_ACK);
	assert_int_equal(r->s.ack, p->snd_nxt);
}

static void
test_tcp_sndq_full_pool_recycles_oldest_time_wait(void **state)
{
	struct harness *h = tt_reopen(state, tt_tweak_two_conns);
	struct tt_peer p1, p2, p3;
	struct tt_seg r;

	tt_peer_init(&p1, h, 40610);
	tt_peer_init(&p2, h, 40611);
	tt_peer_init(&p3, h, 40612);
	tt_connect(&p1);
	server_closes_first(&p1, &r);
	assert_int_equal(tt_state_count(h, TCP_TIME_WAIT), 1);
	tt_policy.action = TT_NOTHING;
	tt_connect(&p2);
	assert_int_equal(tcp_conn_count(h->ctx), 2);
	/* Pool empty: the TIME_WAIT object opens the new connection. */
	tt_syn(&p3, &r);
	assert_int_equal(HSTAT(h, tcp_timewait_recycled), 1);
	assert_int_equal(HSTAT(h, tcp_conn_full_rst), 0);
	assert_int_equal(tt_state_count(h, TCP_TIME_WAIT), 0);
	assert_int_equal(tt_state_count(h, TCP_SYN_RECEIVED), 1);
	/* Now every object is live: the next SYN is refused. */
	tt_send(&p1, F_SYN, p1.snd_nxt + 100000, 0, NULL, 0);
	tt_one(h, &r);
	assert_int_equal(r.s.flags, F_RST | F_ACK);
	assert_int_equal(HSTAT(h, tcp_conn_full_rst), 1);
}

static void
test_tcp_sndq_time_wait_disabled_still_acks_the_fin(void **state)
{
	struct harness *h = tt_reopen(state, tweak_no_time_wait);
	struct tt_peer p;
	struct tt_seg r;
	struct tt_app *a;

	tt_peer_init(&p, h, 40620);
	a = tt_connect(&p);
	server_closes_first(&p, &r);
	assert_int_equal(tcp_conn_count(h->ctx), 0);
	assert_int_equal(HSTAT(h, tcp_timewait_skipped), 1);
	assert_true(a->closed);
	assert_int_equal(a->why, TCP_CLOSE_NORMAL);
}

static void
test_tcp_sndq_stray_ack_checks_no_cookie_until_cookies_sent(void **state)
{
	struct harness *h = *state;
	struct pkt_tcp t = { .sport = 40630, .dport = TT_PORT, .seq = 77,
			     .ack = 0x12345678, .flags = F_ACK, .win = 1000,
			     .wscale = -1 };
	struct tt_seg r;

	tt_send_raw(h, &t);
	tt_one(h, &r);
	assert_int_equal(r.s.flags, F_RST);
	assert_int_equal(r.s.seq, 0x12345678);
	/* AUTO mode and no cookie sent lately: not even checked. */
	assert_int_equal(HSTAT(h, tcp_syncookie_bad), 0);
	assert_int_equal(HSTAT(h, tcp_drop_no_conn), 1);
	assert_int_equal(tcp_conn_count(h->ctx), 0);
}

static void
test_tcp_sndq_synack_timeout_makes_rto_3s(void **state)
{
	struct harness *h = *state;
	struct tt_peer p;
	struct tt_seg sa, r;
	struct tt_app *a;

	tt_peer_init(&p, h, 40640);
	tt_syn(&p, &sa);
	harness_advance(h, 1000000);
	tt_one(h, &r);
	assert_int_equal(r.s.flags, F_SYN | F_ACK);
	assert_int_equal(HSTAT(h, tcp_synack_rtx), 1);
	tt_policy.action = TT_RESPOND;
	tt_policy.resp_len = 10;
	tt_send_ack(&p);
	tt_none(h);
	a = &tt_apps[0];
	assert_true(a->used);
	tt_send_data(&p, "GET", 3);
	tt_one(h, &r);
	/* RFC 6298 §5.7: no RTT sample, and at least 3 s. */
	harness_advance(h, 2999000);
	tt_none(h);
	harness_advance(h, 1000);
	tt_one(h, &r);
	assert_int_equal(r.s.len, 10);
	assert_int_equal(r.s.seq, p.rcv_nxt);
}

static void
test_tcp_sndq_state_counts_and_names(void **state)
{
	struct harness *h = *state;
	struct tt_peer p1, p2;
	struct tt_seg sa;
	uint32_t counts[TCP_NSTATES];

	tt_peer_init(&p1, h, 40650);
	tt_peer_init(&p2, h, 40651);
	tt_connect(&p1);
	tt_syn(&p2, &sa);
	tcp_state_counts(h->ctx, counts);
	assert_int_equal(counts[TCP_LISTEN], 1);
	assert_int_equal(counts[TCP_ESTABLISHED], 1);
	assert_int_equal(counts[TCP_SYN_RECEIVED], 1);
	assert_int_equal(counts[TCP_CLOSED], 0);
	assert_string_equal(tcp_state_name(TCP_ESTABLISHED), "ESTABLISHED");
	assert_string_equal(tcp_state_name(TCP_TIME_WAIT), "TIME_WAIT");
	assert_string_equal(tcp_state_name(TCP_SYN_RECEIVED), "SYN_RECEIVED");
	assert_string_equal(tcp_state_name(TCP_NSTATES), "?");
	assert_string_equal(tcp_state_name(-1), "?");
}

static void
tweak_three_retries(struct config *cfg)
{
	cfg->tcp_max_retries = 3;
}

static void
test_tcp_sndq_persist_gives_up_once_closed(void **state)
{
	struct harness *h = tt_reopen(state, tweak_three_retries);
	struct tt_peer p;
	struct tt_seg r;
	struct tt_app *a;
	uint64_t wait = 200000;

	tt_peer_init(&p, h, 40660);
	p.win = 0;
	tt_policy.action = TT_RESPOND_CLOSE;
	tt_policy.resp_len = 100;
	a = tt_connect(&p);
	tt_send_data(&p, "GET", 3);
	tt_none(h); /* zero window: nothing but a delayed ACK */
	harness_advance(h, 40000);
	tt_one(h, &r);
	assert_int_equal(r.s.flags, F_ACK);
	assert_int_equal(r.s.len, 0);
	harness_advance(h, wait - 40000);
	for (int i = 0; i < 3; i++) {
		/* RFC 9293 §3.8.6.1: one octet past the closed window. */
		tt_one(h, &r);
		assert_int_equal(r.s.len, 1);
		assert_int_equal(r.s.seq, p.rcv_nxt);
		assert_int_equal(r.data[0], tt_byte(0));
		tt_send_ack(&p); /* answered, still zero */
		tt_none(h);
		wait *= 2;
		harness_advance(h, wait - 1000);
		tt_none(h);
		harness_advance(h, 1000);
	}
	/* The application closed: probes are not kept up forever. */
	tt_one(h, &r);
	assert_int_equal(r.s.flags, F_RST | F_ACK);
	assert_true(a->closed);
	assert_int_equal(a->why, TCP_CLOSE_TIMEOUT);
	assert_int_equal(HSTAT(h, tcp_persist_probes), 3);
	assert_int_equal(HSTAT(h, tcp_give_up), 1);
	assert_int_equal(tcp_conn_count(h->ctx), 0);
}

static void
test_tcp_sndq_abort_inside_recv_resets_and_frees(void **state)
{
	struct harness *h = *state;
	struct tt_peer p;
	struct tt_seg r;
	struct tt_app *a;

	tt_peer_init(&p, h, 40670);
	tt_policy.action = TT_ABORT;
	a = tt_connect(&p);
	tt_send_data(&p, "GET", 3);
	tt_one(h, &r);
	assert_int_equal(r.s.flags, F_RST | F_ACK);
	assert_int_equal(r.s.seq, p.rcv_nxt);
	assert_true(a->closed);
	assert_int_equal(a->why, TCP_CLOSE_ABORT);
	assert_int_equal(tcp_conn_count(h->ctx), 0);
	/* The 4-tuple is unknown now: RFC 9293 §3.10.7.1. */
	tt_send_data(&p, "more", 4);
	tt_one(h, &r);
	assert_int_equal(r.s.flags, F_RST);
	assert_int_equal(r.s.seq, p.rcv_nxt);
}

static void
test_tcp_sndq_close_inside_recv_with_fin_goes_closing(void **state)
{
	struct harness *h = *state;
	struct tt_peer p;
	struct tt_seg r;
	struct tt_app *a;

	tt_peer_init(&p, h, 40680);
	tt_policy.action = TT_RESPOND_CLOSE;
	tt_policy.resp_len = 50;
	a = tt_connect(&p);
	/* Request and FIN in one segment; the app answers and closes. */
	tt_send(&p, F_ACK | F_PSH | F_FIN, p.snd_nxt, p.rcv_nxt, "GET", 3);
	p.snd_nxt += 4;
	tt_one(h, &r);
	assert_int_equal(r.s.flags, F_ACK | F_PSH | F_FIN);
	assert_int_equal(r.s.len, 50);
	assert_int_equal(r.s.ack, p.snd_nxt);
	assert_int_equal(tt_state_count(h, TCP_CLOSING), 1);
	assert_false(a->peer_fin); /* it had closed already */
	assert_false(a->closed);
	p.rcv_nxt += 51;
	tt_send_ack(&p);
	tt_none(h);
	assert_int_equal(tt_state_count(h, TCP_TIME_WAIT), 1);
	assert_true(a->closed);
	assert_int_equal(a->why, TCP_CLOSE_NORMAL);
	harness_advance(h, 1000000);
	assert_int_equal(tcp_conn_count(h->ctx), 0);
	assert_int_equal(HSTAT(h, tcp_timewait_expired), 1);
}

static void
test_tcp_sndq_fast_retransmit_resends_only_what_was_sent(void **state)
{
	struct harness *h = *state;
	struct tt_peer p;
	struct tt_seg r;
	uint32_t start;

	tt_peer_init(&p, h, 40690);
	p.mss = 1000;
	p.win = 500;
	tt_policy.action = TT_RESPOND;
	tt_policy.resp_len = 5000;
	tt_connect(&p);
	start = p.rcv_nxt;
	tt_send_data(&p, "GET", 3);
	tt_one(h, &r);
	assert_int_equal(r.s.seq, start);
	assert_int_equal(r.s.len, 500); /* the window's worth */
	/* Three duplicate ACKs: the head again, but only the 500 bytes
	 * that were sent, not a full MSS reaching past snd_max. */
	for (int i = 0; i < 3; i++)
		tt_send_ack(&p);
	tt_one(h, &r);
	assert_int_equal(r.s.seq, start);
	assert_int_equal(r.s.len, 500);
	assert_int_equal(HSTAT(h, tcp_fast_retransmits), 1);
	/* All of it acknowledged, the window opens: recovery ends with
	 * cwnd = ssthresh = max(flight / 2, 2 * MSS) (RFC 6582 §3.2 3),
	 * then the rest; every ACK is accepted (no challenge ACK). */
	p.rcv_nxt = start + 500;
	p.win = 65535;
	tt_send_ack(&p);
	for (int i = 0; i < 8 && p.rcv_nxt != start + 5000; i++) {
		struct tt_seg segs[16];
		unsigned int n = tt_collect(h, segs, 16);
		uint8_t buf[8192];
		uint32_t got = tt_take_data(&p, segs, n, buf, sizeof(buf));

		if (i == 0)
			assert_int_equal(got, 2000);
		tt_send_ack(&p);
	}
	assert_int_equal(p.rcv_nxt, start + 5000);
	tt_none(h);
	assert_int_equal(HSTAT(h, tcp_challenge_ack), 0);
	assert_int_equal(HSTAT(h, tcp_drop_bad_ack), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		TT_TEST(test_tcp_sndq_small_response_sent_in_place_one_mbuf),
		TT_TEST(test_tcp_sndq_pipelined_responses_share_one_segment),
		TT_TEST(test_tcp_sndq_retransmission_rebuilds_one_segment_from_two_mbufs),
		TT_TEST(test_tcp_sndq_full_pool_recycles_oldest_time_wait),
		TT_TEST(test_tcp_sndq_time_wait_disabled_still_acks_the_fin),
		TT_TEST(test_tcp_sndq_stray_ack_checks_no_cookie_until_cookies_sent),
		TT_TEST(test_tcp_sndq_synack_timeout_makes_rto_3s),
		TT_TEST(test_tcp_sndq_state_counts_and_names),
		TT_TEST(test_tcp_sndq_persist_gives_up_once_closed),
		TT_TEST(test_tcp_sndq_abort_inside_recv_resets_and_frees),
		TT_TEST(test_tcp_sndq_close_inside_recv_with_fin_goes_closing),
		TT_TEST(test_tcp_sndq_fast_retransmit_resends_only_what_was_sent),
#undef T
	};

	return TT_RUN(tests);
}
