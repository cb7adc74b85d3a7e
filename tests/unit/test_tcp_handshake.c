/* SPDX-License-Identifier: BSD-3-Clause */
/* test_tcp_handshake.c: passive open, options, MSS, resets without a
 * connection, connection limits and SYN cookies. */
#include <string.h>

#include "net/tcp_priv.h"
#include "tcp_test.h"

static void
request(struct tt_peer *p, struct tt_app *a)
{
	tt_send_data(p, "GET / HTTP/1.1\r\n\r\n", 18);
	assert_int_equal(a->rx_len, 18);
	assert_memory_equal(a->rx, "GET / HTTP/1.1\r\n\r\n", 18);
}

/* The response of resp_len bytes went out in segments of seg bytes,
 * each within one flight (the window and IW allow it). */
static void
expect_segments(struct tt_peer *p, uint32_t total, uint32_t seg)
{
	struct tt_seg segs[64];
	uint8_t buf[TT_RXMAX];
	unsigned int n = tt_collect(p->h, segs, 64);
	uint32_t got;

	assert_int_equal(n, (total + seg - 1) / seg);
	for (unsigned int i = 0; i < n; i++) {
		uint32_t want = i + 1 < n ? seg : total - seg * (n - 1);

		assert_int_equal(segs[i].s.len, want);
		assert_true(segs[i].s.flags & F_ACK);
		assert_int_equal(segs[i].s.ack, p->snd_nxt);
	}
	got = tt_take_data(p, segs, n, buf, sizeof(buf));
	assert_int_equal(got, total);
	for (uint32_t i = 0; i < total; i++)
		assert_int_equal(buf[i], tt_byte(i));
}

static void
test_tcp_handshake_without_options_uses_536_and_no_ws_ts(void **state)
{
	struct harness *h = *state;
	struct tt_peer p;
	struct tt_seg sa;
	struct tt_app *a;

	tt_peer_init(&p, h, 40000);
	tt_syn(&p, &sa);
	/* Our MSS is announced; nothing the peer did not offer. */
	assert_int_equal(sa.s.mss, 1460);
	assert_int_equal(sa.s.wscale, -1);
	assert_false(sa.s.ts);
	assert_false(sa.s.sack_perm);
	assert_true(sa.s.win > 0);
	assert_int_equal(tt_state_count(h, TCP_SYN_RECEIVED), 1);
	assert_int_equal(tcp_conn_count(h->ctx), 1);
	tt_send_ack(&p);
	tt_none(h);
	assert_int_equal(tt_state_count(h, TCP_ESTABLISHED), 1);
	a = &tt_apps[0];
	assert_true(a->used);
	assert_int_equal(HSTAT(h, tcp_accepted), 1);
	/* RFC 9293 §3.7.1: no MSS option means 536. */
	tt_policy.action = TT_RESPOND;
	tt_policy.resp_len = 3000;
	request(&p, a);
	expect_segments(&p, 3000, 536);
}

static void
test_tcp_handshake_options_echoed_mss_min_ws_ts(void **state)
{
	struct harness *h = *state;
	struct tt_peer p;
	struct tt_seg sa;

	tt_peer_init(&p, h, 40001);
	p.mss = 1200;
	p.wscale = 7;
	p.ts = true;
	p.tsval = 123456;
	tt_syn(&p, &sa);
	assert_int_equal(sa.s.mss, 1200);
	assert_true(sa.s.wscale >= 0);
	assert_true(sa.s.ts);
	assert_int_equal(sa.s.tsecr, 123456);
	/* RFC 7323 §2.2: a SYN's window is never scaled. */
	assert_true(sa.s.win > 0);
}

/*
 * RFC 6528 §3: the passive open's ISN is SipHash-2-4, under the stack's
 * secret, of the 15 bytes of the IPv4 4-tuple and the tag "ISN" (our
 * address, the peer's, the ports), plus the 4 us clock; the hash's other
 * half is the timestamp offset (RFC 7323 §5.4). tcp_isn4's hash (its
 * initial state keyed once, by value) against tcp_siphash of the bytes,
 * seen in the SYN-ACK, and tcp_isn's IPv4 case giving the same.
 */
static void
test_tcp_handshake_isn_is_siphash_of_the_tuple(void **state)
{
	struct harness *h = *state;
	const struct tcp_lcore *tl = h->ctx->tcp;
	const struct tcp_conn *c = NULL;
	struct tt_peer p;
	struct tt_seg sa;
	uint8_t msg[15];
	uint64_t m0, m1, hash, now;
	uint32_t ports, isn, ts_off;

	tt_peer_init(&p, h, 40002);
	p.wscale = 7;
	p.ts = true;
	p.sack_perm = true;
	p.tsval = 777;
	harness_advance(h, 123457);
	now = h->ctx->now_us;
	tt_syn(&p, &sa);
	for (uint32_t i = 0; i < tl->max_conns; i++)
		if (tl->pool[i].state == TCP_SYN_RECEIVED)
			c = &tl->pool[i];
	assert_non_null(c);
	ports = (uint32_t)c->peer_port << 16 | c->local_port;
	m0 = (uint64_t)tcp_lid_addr4(h->ctx, c->lid) << 32 | c->peer_ip;
	m1 = 0x4e5349ull << 32 | ports;
	memcpy(msg, &m0, 8);
	memcpy(msg + 8, &m1, 7);
	hash = tcp_siphash(msg, sizeof(msg));
	assert_int_equal(sa.s.seq, (uint32_t)hash + (uint32_t)(now / 4));
	assert_int_equal(c->iss, sa.s.seq);
	assert_int_equal(c->ts_off, (uint32_t)(hash >> 32));
	assert_int_equal(sa.s.tsval, (uint32_t)(now / 1000) + (uint32_t)(hash >> 32));
	assert_int_equal(tcp_isn4(h->ctx, c->peer_ip, c->lid, ports),
			 (hash >> 32) << 32 | sa.s.seq);
	tcp_isn(h->ctx, c->peer_ip, NULL, c->lid, c->peer_port, c->local_port,
		&isn, &ts_off);
	assert_int_equal(isn, sa.s.seq);
	assert_int_equal(ts_off, (uint32_t)(hash >> 32));
}

/*
 * A SYN laid out as Linux sends it (MSS, SACK permitted, timestamps, NOP,
 * window scale: tcp_parse_options' shortcut): every option counts, and a
 * shift over 14 is taken as 14 (RFC 7323 §2.3): a window field of 1 then
 * lets a 3000-byte response out whole.
 */
static void
test_tcp_handshake_linux_syn_options_all_taken_shift_capped(void **state)
{
	struct harness *h = *state;
	struct tt_peer p;
	struct tt_seg sa;
	struct tt_app *a;

	tt_peer_init(&p, h, 40002);
	p.mss = 1200;
	p.sack_perm = true;
	p.ts = true;
	p.tsval = 777;
	p.wscale = 15;
	tt_syn(&p, &sa);
	assert_int_equal(sa.s.mss, 1200);
	assert_true(sa.s.sack_perm);
	assert_true(sa.s.ts);
	assert_int_equal(sa.s.tsecr, 777);
	assert_true(sa.s.wscale >= 0);
	assert_int_equal(HSTAT(h, tcp_sack_conns), 1);
	p.win = 1;
	tt_send_ack(&p);
	tt_none(h);
	a = &tt_apps[0];
	assert_true(a->used);
	tt_policy.action = TT_RESPOND;
	tt_policy.resp_len = 3000;
	request(&p, a);
	expect_segments(&p, 3000, 1200 - 12);
}

static void
test_tcp_handshake_small_mss_536_segments_response(void **state)
{
	struct harness *h = *state;
	struct tt_peer p;
	struct tt_app *a;

	tt_peer_init(&p, h, 40002);
	p.mss = 536;
	tt_policy.action = TT_RESPOND;
	tt_policy.resp_len = 3000;
	a = tt_connect(&p);
	request(&p, a);
	expect_segments(&p, 3000, 536);
}

static void
test_tcp_handshake_mss_536_with_timestamps_sends_524(void **state)
{
	struct harness *h = *state;
	struct tt_peer p;
	struct tt_app *a;
	struct tt_seg segs[16];
	unsigned int n;

	tt_peer_init(&p, h, 40003);
	p.mss = 536;
	p.ts = true;
	tt_policy.action = TT_RESPOND;
	tt_policy.resp_len = 3000;
	a = tt_connect(&p);
	p.tsval += 10;
	tt_send_data(&p, "GET / HTTP/1.1\r\n\r\n", 18);
	assert_int_equal(a->rx_len, 18);
	/* RFC 9293 §3.7.1: options count against the MSS. */
	n = tt_collect(h, segs, 16);
	assert_int_equal(n, 6);
	for (unsigned int i = 0; i < n; i++) {
		assert_true(segs[i].s.ts);
		assert_int_equal(segs[i].s.tsecr, p.tsval);
		assert_int_equal(segs[i].s.len, i < 5 ? 524 : 3000 - 5 * 524);
	}
}

static void
test_tcp_handshake_peer_mss_larger_than_ours_announces_ours(void **state)
{
	struct harness *h = *state;
	struct tt_peer p;
	struct tt_app *a;

	tt_peer_init(&p, h, 40004);
	p.mss = 9000;
	tt_policy.action = TT_RESPOND;
	tt_policy.resp_len = 4000;
	a = tt_connect(&p);
	request(&p, a);
	expect_segments(&p, 4000, 1460);
}

static void
test_tcp_handshake_iw10_limits_first_flight(void **state)
{
	struct harness *h = *state;
	struct tt_peer p;
	struct tt_app *a;
	struct tt_seg segs[64];
	unsigned int n;
	uint32_t bytes;

	tt_peer_init(&p, h, 40005);
	p.mss = 1460;
	tt_policy.action = TT_RESPOND;
	tt_policy.resp_len = 30000;
	a = tt_connect(&p);
	request(&p, a);
	/* RFC 6928: min(10 * MSS, max(2 * MSS, 14600)) = 14600. */
	n = tt_collect(h, segs, 64);
	assert_int_equal(n, 10);
	bytes = tt_seg_bytes(segs, n);
	assert_int_equal(bytes, 14600);
}

static void
test_tcp_handshake_syn_retransmitted_gets_synack_again(void **state)
{
	struct harness *h = *state;
	struct tt_peer p;
	struct tt_seg sa, sa2;

	tt_peer_init(&p, h, 40006);
	tt_syn(&p, &sa);
	tt_syn(&p, &sa2);
	assert_int_equal(sa2.s.seq, sa.s.seq);
	assert_int_equal(tcp_conn_count(h->ctx), 1);
}

static void
test_tcp_handshake_synack_retransmitted_then_given_up(void **state)
{
	struct harness *h = *state;
	struct tt_peer p;
	struct tt_seg sa, r;
	uint64_t rto = 1000000;

	tt_peer_init(&p, h, 40007);
	tt_syn(&p, &sa);
	harness_advance(h, rto - 1000);
	tt_none(h);
	for (int i = 0; i < 5; i++) {
		harness_advance(h, 1000 + 256);
		tt_one(h, &r);
		assert_int_equal(r.s.flags, F_SYN | F_ACK);
		assert_int_equal(r.s.seq, sa.s.seq);
		rto *= 2;
		harness_advance(h, rto - 1256);
		tt_none(h);
	}
	harness_advance(h, 1256);
	tt_none(h);
	assert_int_equal(tcp_conn_count(h->ctx), 0);
	assert_int_equal(tt_apps[0].used, false);
}

static void
test_tcp_handshake_bad_ack_in_syn_received_gets_rst(void **state)
{
	struct harness *h = *state;
	struct tt_peer p;
	struct tt_seg sa, r;

	tt_peer_init(&p, h, 40008);
	tt_syn(&p, &sa);
	tt_send(&p, F_ACK, p.snd_nxt, p.rcv_nxt + 100, NULL, 0);
	tt_one(h, &r);
	assert_int_equal(r.s.flags, F_RST);
	assert_int_equal(r.s.seq, p.rcv_nxt + 100);
	assert_int_equal(tt_state_count(h, TCP_SYN_RECEIVED), 1);
}

static void
test_tcp_handshake_syn_to_closed_port_gets_rst(void **state)
{
	struct harness *h = *state;
	struct pkt_tcp t = { .sport = 40010, .dport = 81, .seq = 777,
			     .flags = F_SYN, .win = 1000, .wscale = -1 };
	struct tt_seg r;

	tt_send_raw(h, &t);
	tt_one(h, &r);
	/* RFC 9293 §3.10.7.1: <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>. */
	assert_int_equal(r.s.flags, F_RST | F_ACK);
	assert_int_equal(r.s.seq, 0);
	assert_int_equal(r.s.ack, 778);
	assert_int_equal(r.s.dport, 40010);
	assert_int_equal(HSTAT(h, tcp_drop_no_listener), 1);
	assert_int_equal(tcp_conn_count(h->ctx), 0);
}

static void
test_tcp_handshake_ack_to_unknown_connection_gets_rst_seq_ack(void **state)
{
	struct harness *h = *state;
	struct pkt_tcp t = { .sport = 40011, .dport = TT_PORT, .seq = 5,
			     .ack = 0xdeadbeef, .flags = F_ACK, .win = 1000,
			     .wscale = -1, .data = "x", .len = 1 };
	struct tt_seg r;

	tt_send_raw(h, &t);
	tt_one(h, &r);
	assert_int_equal(r.s.flags, F_RST);
	assert_int_equal(r.s.seq, 0xdeadbeef);
	assert_int_equal(tcp_conn_count(h->ctx), 0);
}

static void
test_tcp_handshake_rst_to_unknown_connection_not_answered(void **state)
{
	struct harness *h = *state;
	struct pkt_tcp t = { .sport = 40012, .dport = TT_PORT, .seq = 5,
			     .ack = 9, .flags = F_RST | F_ACK, .wscale = -1 };

	tt_send_raw(h, &t);
	t.dport = 81;
	tt_send_raw(h, &t);
	tt_none(h);
}

static void
test_tcp_handshake_bad_checksum_dropped_and_counted(void **state)
{
	struct harness *h = *state;
	struct pkt_tcp t = { .sport = 40013, .dport = TT_PORT, .seq = 5,
			     .flags = F_SYN, .win = 1000, .wscale = -1,
			     .bad_cksum = true };

	tt_send_raw(h, &t);
	tt_none(h);
	assert_int_equal(HSTAT(h, tcp_drop_cksum), 1);
	assert_int_equal(tcp_conn_count(h->ctx), 0);
}

static void
test_tcp_handshake_refused_by_application_gets_rst(void **state)
{
	struct harness *h = *state;
	struct tt_peer p;
	struct tt_seg sa, r;

	tt_peer_init(&p, h, 40014);
	tt_policy.refuse = true;
	tt_syn(&p, &sa);
	tt_send_ack(&p);
	tt_one(h, &r);
	assert_true(r.s.flags & F_RST);
	assert_int_equal(r.s.seq, p.rcv_nxt);
	assert_int_equal(tcp_conn_count(h->ctx), 0);
}

static void
test_tcp_handshake_max_conns_answers_rst(void **state)
{
	struct harness *h = tt_reopen(state, tt_tweak_two_conns);
	struct tt_peer p1, p2, p3;
	struct tt_seg r;

	tt_peer_init(&p1, h, 41001);
	tt_peer_init(&p2, h, 41002);
	tt_peer_init(&p3, h, 41003);
	tt_connect(&p1);
	tt_connect(&p2);
	tt_send(&p3, F_SYN, p3.iss, 0, NULL, 0);
	tt_one(h, &r);
	assert_int_equal(r.s.flags, F_RST | F_ACK);
	assert_int_equal(r.s.ack, p3.iss + 1);
	assert_int_equal(HSTAT(h, tcp_conn_full_rst), 1);
	assert_int_equal(tcp_conn_count(h->ctx), 2);
}

static void
test_tcp_handshake_syncookie_valid_ack_establishes(void **state)
{
	struct harness *h = tt_reopen(state, tt_tweak_syncookies_on);
	struct tt_peer p;
	struct tt_seg sa;
	struct tt_app *a;

	tt_peer_init(&p, h, 42001);
	p.mss = 1000;
	p.wscale = 5;
	tt_policy.action = TT_RESPOND;
	tt_policy.resp_len = 2000;
	tt_syn(&p, &sa);
	/* Stateless: no object, and no option a cookie cannot carry. */
	assert_int_equal(tcp_conn_count(h->ctx), 0);
	assert_int_equal(HSTAT(h, tcp_syncookie_tx), 1);
	assert_int_equal(sa.s.wscale, -1);
	assert_false(sa.s.ts);
	assert_int_equal(sa.s.mss, 1000);
	/* The ACK carries the request: established and delivered at once. */
	tt_send_data(&p, "GET / HTTP/1.1\r\n\r\n", 18);
	assert_int_equal(HSTAT(h, tcp_syncookie_ok), 1);
	assert_int_equal(tcp_conn_count(h->ctx), 1);
	a = &tt_apps[0];
	assert_true(a->used);
	assert_int_equal(a->rx_len, 18);
	/* The cookie encodes 1000 rounded down the table: 536. */
	expect_segments(&p, 2000, 536);
}

static void
test_tcp_handshake_syncookie_forged_ack_gets_rst_no_state(void **state)
{
	struct harness *h = tt_reopen(state, tt_tweak_syncookies_on);
	struct tt_peer p;
	struct tt_seg sa, r;

	tt_peer_init(&p, h, 42002);
	tt_syn(&p, &sa);
	tt_send(&p, F_ACK, p.snd_nxt, p.rcv_nxt ^ 0x100, NULL, 0);
	tt_one(h, &r);
	assert_int_equal(r.s.flags, F_RST);
	assert_int_equal(r.s.seq, p.rcv_nxt ^ 0x100);
	assert_int_equal(HSTAT(h, tcp_syncookie_bad), 1);
	assert_int_equal(tcp_conn_count(h->ctx), 0);
	/* A wrong peer ISN breaks the cookie too. */
	tt_send(&p, F_ACK, p.snd_nxt + 1, p.rcv_nxt, NULL, 0);
	tt_one(h, &r);
	assert_int_equal(r.s.flags, F_RST);
	assert_int_equal(tcp_conn_count(h->ctx), 0);
}

static void
test_tcp_handshake_syncookie_with_timestamps_keeps_wscale(void **state)
{
	struct harness *h = tt_reopen(state, tt_tweak_syncookies_on);
	struct tt_peer p;
	struct tt_seg sa;
	struct tt_app *a;

	tt_peer_init(&p, h, 42003);
	p.mss = 1460;
	p.wscale = 2;
	p.ts = true;
	tt_syn(&p, &sa);
	assert_true(sa.s.ts);
	assert_true(sa.s.wscale >= 0);
	assert_int_equal(sa.s.tsecr, p.tsval);
	assert_int_equal(tcp_conn_count(h->ctx), 0);
	/* The TSecr brings the window shift back (RFC 7323 §2 kept). */
	p.win = 100; /* scaled by 4: 400 bytes */
	tt_policy.action = TT_RESPOND;
	tt_policy.resp_len = 1000;
	tt_send_ack(&p);
	tt_none(h);
	assert_int_equal(HSTAT(h, tcp_syncookie_ok), 1);
	a = &tt_apps[0];
	assert_true(a->used);
	p.tsval++;
	tt_send_data(&p, "GET", 3);
	{
		struct tt_seg segs[8];
		unsigned int n = tt_collect(h, segs, 8);
		uint32_t bytes = tt_seg_bytes(segs, n);

		assert_int_equal(bytes, 400);
	}
}

static void
tweak_halfopen_1(struct config *cfg)
{
	cfg->tcp_max_halfopen = 1;
}

static void
test_tcp_handshake_halfopen_full_falls_back_to_cookies(void **state)
{
	struct harness *h = tt_reopen(state, tweak_halfopen_1);
	struct tt_peer p1, p2;
	struct tt_seg sa1, sa2;
	struct tt_app *a;

	tt_peer_init(&p1, h, 43001);
	tt_peer_init(&p2, h, 43002);
	p2.mss = 1460;
	tt_syn(&p1, &sa1);
	assert_int_equal(tcp_conn_count(h->ctx), 1);
	tt_syn(&p2, &sa2);
	assert_int_equal(HSTAT(h, tcp_halfopen_full), 1);
	assert_int_equal(HSTAT(h, tcp_syncookie_tx), 1);
	assert_int_equal(tcp_conn_count(h->ctx), 1);
	tt_send_ack(&p2);
	tt_none(h);
	assert_int_equal(HSTAT(h, tcp_syncookie_ok), 1);
	assert_int_equal(tcp_conn_count(h->ctx), 2);
	assert_int_equal(tt_state_count(h, TCP_ESTABLISHED), 1);
	tt_policy.action = TT_RESPOND;
	tt_policy.resp_len = 3000;
	a = &tt_apps[0];
	request(&p2, a);
	expect_segments(&p2, 3000, 1460);
}

static void
tweak_big_rcv_wnd(struct config *cfg)
{
	cfg->tcp_rcv_wnd = 1048576;
}

static void
test_tcp_handshake_our_window_scaled_only_when_peer_offers(void **state)
{
	struct harness *h = tt_reopen(state, tweak_big_rcv_wnd);
	struct tt_peer p, q;
	struct tt_seg sa, r;

	tt_peer_init(&p, h, 40020);
	p.wscale = 0;
	tt_syn(&p, &sa);
	/* 1 MiB needs a shift of 5 (65535 << 4 is short of it). */
	assert_int_equal(sa.s.wscale, 5);
	assert_int_equal(sa.s.win, 65535); /* a SYN is never scaled */
	tt_send_ack(&p);
	tt_send_data(&p, "x", 1);
	harness_advance(h, 50000);
	tt_one(h, &r);
	assert_int_equal(r.s.win, 1048576 >> 5);
	/* Without the peer's option: no scaling, at most 65535. */
	tt_peer_init(&q, h, 40021);
	tt_syn(&q, &sa);
	assert_int_equal(sa.s.wscale, -1);
	tt_send_ack(&q);
	tt_send_data(&q, "x", 1);
	harness_advance(h, 50000);
	tt_one(h, &r);
	assert_int_equal(r.s.win, 65535);
}

/* The connection of peer p's 4-tuple, or NULL. */
static struct tcp_conn *
hs_conn(struct harness *h, const struct tt_peer *p)
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

/* The one segment the stack sends now: p's SYN-ACK again. */
static void
hs_synack_again(struct harness *h, const struct tt_peer *p)
{
	struct tt_seg r;

	tt_one(h, &r);
	assert_int_equal(r.s.flags, F_SYN | F_ACK);
	assert_int_equal(r.s.dport, p->sport);
	assert_int_equal(r.s.seq, p->srv_iss);
}

/*
 * The first SYN-ACK timeouts wait in the lcore's FIFO under one timer
 * (tcp_synack_arm): each is retransmitted at its own end as with a timer
 * each, whatever left the FIFO before it (a handshake completed in the
 * middle, a reset at the tail); the later timeouts (backed off) are the
 * connection's own; the FIFO ends empty.
 */
static void
test_tcp_handshake_synack_first_timeouts_each_at_its_own_end(void **state)
{
	struct harness *h = *state;
	struct tcp_lcore *tl = h->ctx->tcp;
	struct tt_peer p[4];
	struct tt_seg sa;
	static const uint64_t at[4] = { 0, 300000, 600000, 700000 };
	uint64_t t = 0;

	for (int i = 0; i < 4; i++) {
		harness_advance(h, at[i] - t);
		t = at[i];
		tt_peer_init(&p[i], h, (uint16_t)(40030 + i));
		tt_syn(&p[i], &sa);
		assert_ptr_equal(hs_conn(h, &p[i])->tw_pprev,
				 i ? &hs_conn(h, &p[i - 1])->tw_next :
				     &tl->syn_head);
	}
	assert_true(timer_armed(&tl->syn_timer));
	harness_advance(h, 100000); /* 800 ms */
	t += 100000;
	tt_send_ack(&p[1]); /* the middle one completes */
	tt_none(h);
	assert_null(hs_conn(h, &p[1])->tw_pprev);
	assert_false(timer_armed(&hs_conn(h, &p[1])->timer));
	tt_send(&p[3], F_RST, p[3].snd_nxt, 0, NULL, 0); /* the tail goes */
	assert_null(hs_conn(h, &p[3]));
	assert_int_equal(tt_state_count(h, TCP_SYN_RECEIVED), 2);
	assert_ptr_equal(tl->syn_tail, &hs_conn(h, &p[2])->tw_next);
	/* p[0] at 1 s, p[2] at 1.6 s, nothing before or between. */
	harness_advance(h, 1000000 - 1000 - t);
	tt_none(h);
	harness_advance(h, 1000 + 256);
	hs_synack_again(h, &p[0]);
	assert_null(hs_conn(h, &p[0])->tw_pprev);
	assert_true(timer_armed(&hs_conn(h, &p[0])->timer));
	harness_advance(h, 600000 - 256 - 1000);
	tt_none(h);
	harness_advance(h, 1000 + 256);
	hs_synack_again(h, &p[2]);
	assert_null(tl->syn_head);
	assert_ptr_equal(tl->syn_tail, &tl->syn_head);
	/* p[0]'s next, backed off (2 s), on its own timer. */
	harness_advance(h, 2000000 - 600000 - 1000);
	tt_none(h);
	harness_advance(h, 1000 + 256);
	hs_synack_again(h, &p[0]);
	tt_none(h);
	assert_int_equal(HSTAT(h, tcp_synack_rtx), 3);
	/* p[2] completes after its retransmission: measured RTO floor. */
	tt_send_ack(&p[2]);
	tt_none(h);
	assert_int_equal(tt_state_count(h, TCP_ESTABLISHED), 2);
	assert_int_equal(hs_conn(h, &p[2])->rto, 3000000);
}

/*
 * A deadline earlier than the FIFO's tail (the RTO made smaller, as a
 * clock stepped back would) does not go on the FIFO: that connection's
 * own timer retransmits it at its end, ahead of the FIFO's head.
 */
static void
test_tcp_handshake_synack_earlier_deadline_keeps_own_timer(void **state)
{
	struct harness *h = *state;
	struct tcp_lcore *tl = h->ctx->tcp;
	uint32_t rto_init = tl->rto_init;
	struct tt_peer p, q;
	struct tt_seg sa;

	tt_peer_init(&p, h, 40040);
	tt_syn(&p, &sa);
	tl->rto_init = rto_init / 2;
	harness_advance(h, 100000);
	tt_peer_init(&q, h, 40041);
	tt_syn(&q, &sa);
	tl->rto_init = rto_init;
	assert_null(hs_conn(h, &q)->tw_pprev);
	assert_true(timer_armed(&hs_conn(h, &q)->timer));
	assert_ptr_equal(tl->syn_head, hs_conn(h, &p));
	harness_advance(h, rto_init / 2 - 1000);
	tt_none(h);
	harness_advance(h, 1000 + 256);
	hs_synack_again(h, &q);
	harness_advance(h, rto_init - (rto_init / 2 + 100000) - 256 - 1000);
	tt_none(h);
	harness_advance(h, 1000 + 256);
	hs_synack_again(h, &p);
	assert_null(tl->syn_head);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		TT_TEST(test_tcp_handshake_without_options_uses_536_and_no_ws_ts),
		TT_TEST(test_tcp_handshake_options_echoed_mss_min_ws_ts),
		TT_TEST(test_tcp_handshake_isn_is_siphash_of_the_tuple),
		TT_TEST(test_tcp_handshake_linux_syn_options_all_taken_shift_capped),
		TT_TEST(test_tcp_handshake_small_mss_536_segments_response),
		TT_TEST(test_tcp_handshake_mss_536_with_timestamps_sends_524),
		TT_TEST(test_tcp_handshake_peer_mss_larger_than_ours_announces_ours),
		TT_TEST(test_tcp_handshake_iw10_limits_first_flight),
		TT_TEST(test_tcp_handshake_syn_retransmitted_gets_synack_again),
		TT_TEST(test_tcp_handshake_synack_retransmitted_then_given_up),
		TT_TEST(test_tcp_handshake_synack_first_timeouts_each_at_its_own_end),
		TT_TEST(test_tcp_handshake_synack_earlier_deadline_keeps_own_timer),
		TT_TEST(test_tcp_handshake_bad_ack_in_syn_received_gets_rst),
		TT_TEST(test_tcp_handshake_syn_to_closed_port_gets_rst),
		TT_TEST(test_tcp_handshake_ack_to_unknown_connection_gets_rst_seq_ack),
		TT_TEST(test_tcp_handshake_rst_to_unknown_connection_not_answered),
		TT_TEST(test_tcp_handshake_bad_checksum_dropped_and_counted),
		TT_TEST(test_tcp_handshake_refused_by_application_gets_rst),
		TT_TEST(test_tcp_handshake_max_conns_answers_rst),
		TT_TEST(test_tcp_handshake_syncookie_valid_ack_establishes),
		TT_TEST(test_tcp_handshake_syncookie_forged_ack_gets_rst_no_state),
		TT_TEST(test_tcp_handshake_syncookie_with_timestamps_keeps_wscale),
		TT_TEST(test_tcp_handshake_halfopen_full_falls_back_to_cookies),
		TT_TEST(test_tcp_handshake_our_window_scaled_only_when_peer_offers),
#undef T
	};

	return TT_RUN(tests);
}
