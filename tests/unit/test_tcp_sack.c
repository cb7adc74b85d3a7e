/* SPDX-License-Identifier: BSD-3-Clause */
/* test_tcp_sack.c: SACK (RFC 2018, D-SACK RFC 2883), the bounded
 * scoreboard (RFC 6675), RACK-TLP (RFC 8985), Limited Transmit (RFC
 * 3042) and the D-SACK undo, against the scripted peer on the fake
 * clock. */
#include <string.h>

#include "tcp_test.h"
#include "net/tcp_priv.h"

#define TS_RTT 10000 /* the peer's round trip, us */

/* Within one tick of want (the wheel's granularity, 128 us, rounded up
 * to the 1 ms steps). */
static void
assert_near_ms(uint64_t got_us, uint64_t want_us)
{
	if (got_us < want_us || got_us > want_us + 1000)
		fail_msg("fired after %llu us, expected %llu us",
			 (unsigned long long)got_us,
			 (unsigned long long)want_us);
}

/* Handshake with an RTT sample of rtt us (SRTT = rtt). */
static struct tt_app *
ts_connect(struct tt_peer *p, uint64_t rtt)
{
	struct tt_seg sa;

	tt_syn(p, &sa);
	harness_advance(p->h, rtt);
	tt_send_ack(p);
	tt_none(p->h);
	for (int i = TT_APPS - 1; i >= 0; i--)
		if (tt_apps[i].used && !tt_apps[i].closed)
			return &tt_apps[i];
	fail_msg("not accepted");
	return NULL;
}

/* A SACK peer that asked for a response of len bytes in segments of
 * mss: the segments sent (n of them) are in segs. */
static struct tt_app *
ts_response(struct tt_peer *p, uint16_t sport, uint16_t mss, uint32_t len,
	    struct tt_seg *segs, unsigned int max, unsigned int *n)
{
	struct tt_app *a;

	tt_peer_init(p, p->h, sport);
	p->mss = mss;
	p->sack_perm = true;
	tt_policy.action = TT_RESPOND;
	tt_policy.resp_len = len;
	a = ts_connect(p, TS_RTT);
	tt_send_data(p, "GET", 3);
	*n = tt_collect(p->h, segs, max);
	return a;
}

/* ---- negotiation -------------------------------------------------------- */

static void
test_tcp_sack_permitted_echoed_only_when_offered(void **state)
{
	struct harness *h = *state;
	struct tt_peer p, q;
	struct tt_seg sa;

	tt_peer_init(&p, h, 41000);
	p.sack_perm = true;
	p.ts = true;
	p.mss = 1460;
	p.wscale = 7;
	tt_syn(&p, &sa);
	assert_true(sa.s.sack_perm);
	assert_true(sa.s.ts);
	assert_int_equal(sa.s.mss, 1460);
	assert_int_equal(HSTAT(h, tcp_sack_conns), 1);
	tt_peer_init(&q, h, 41001);
	tt_syn(&q, &sa);
	assert_false(sa.s.sack_perm);
	assert_int_equal(HSTAT(h, tcp_sack_conns), 1);
}

/* ---- receiver ----------------------------------------------------------- */

static void
test_tcp_sack_receiver_reports_blocks_newest_first(void **state)
{
	struct harness *h = *state;
	struct tt_peer p;
	struct tt_seg s;
	struct tt_app *a;
	uint8_t d[300];
	uint32_t base;

	memset(d, 'x', sizeof(d));
	tt_peer_init(&p, h, 41010);
	p.sack_perm = true;
	p.ts = true;
	tt_policy.action = TT_NOTHING;
	a = ts_connect(&p, TS_RTT);
	base = p.snd_nxt;
	/* [base+100, base+200) above a gap: an immediate ACK with it. */
	tt_send(&p, F_ACK, base + 100, p.rcv_nxt, d, 100);
	tt_one(h, &s);
	assert_int_equal(s.s.ack, base);
	assert_int_equal(s.s.nsack, 1);
	assert_int_equal(s.s.sack[0][0], base + 100);
	assert_int_equal(s.s.sack[0][1], base + 200);
	/* A second block: it comes first, the older one after it. */
	tt_send(&p, F_ACK, base + 300, p.rcv_nxt, d, 50);
	tt_one(h, &s);
	assert_int_equal(s.s.nsack, 2);
	assert_int_equal(s.s.sack[0][0], base + 300);
	assert_int_equal(s.s.sack[0][1], base + 350);
	assert_int_equal(s.s.sack[1][0], base + 100);
	/* Joining the first: one block [base+100, base+250), first. */
	tt_send(&p, F_ACK, base + 200, p.rcv_nxt, d, 50);
	tt_one(h, &s);
	assert_int_equal(s.s.nsack, 2);
	assert_int_equal(s.s.sack[0][0], base + 100);
	assert_int_equal(s.s.sack[0][1], base + 250);
	assert_int_equal(s.s.sack[1][0], base + 300);
	/* The gap fills up to base+250: the block below goes. */
	tt_send(&p, F_ACK, base, p.rcv_nxt, d, 100);
	tt_one(h, &s);
	assert_int_equal(s.s.ack, base + 250);
	assert_int_equal(s.s.nsack, 1);
	assert_int_equal(s.s.sack[0][0], base + 300);
	/* And the rest: no blocks any more. */
	tt_send(&p, F_ACK, base + 250, p.rcv_nxt, d, 50);
	tt_one(h, &s);
	assert_int_equal(s.s.ack, base + 350);
	assert_int_equal(s.s.nsack, 0);
	assert_int_equal(a->rx_len, 350);
	assert_true(HSTAT(h, tcp_sack_blocks_tx) >= 6);
}

static void
test_tcp_sack_receiver_blocks_bounded(void **state)
{
	struct harness *h = *state;
	struct tt_peer p;
	struct tt_seg s;
	struct tt_app *a;
	uint8_t d[10];
	uint32_t base;

	memset(d, 'y', sizeof(d));
	tt_peer_init(&p, h, 41011);
	p.sack_perm = true;
	tt_policy.action = TT_NOTHING;
	a = ts_connect(&p, TS_RTT);
	base = p.snd_nxt;
	/* Eight islands: at most four blocks (no timestamps), the newest
	 * first, and never more than TCP_SACK_MAX remembered. */
	for (uint32_t i = 1; i <= 8; i++) {
		tt_send(&p, F_ACK, base + 20 * i, p.rcv_nxt, d, 10);
		tt_one(h, &s);
		assert_int_equal(s.s.nsack, i < 4 ? i : 4);
		assert_int_equal(s.s.sack[0][0], base + 20 * i);
		assert_true(a->c->nrcv_sack <= TCP_SACK_MAX);
	}
	tt_send(&p, F_ACK, base, p.rcv_nxt, d, 10);
	tt_one(h, &s);
	assert_int_equal(s.s.ack, base + 10);
}

static void
test_tcp_sack_receiver_dsack_for_duplicate(void **state)
{
	struct harness *h = *state;
	struct tt_peer p;
	struct tt_seg s;
	uint32_t base;

	tt_peer_init(&p, h, 41012);
	p.sack_perm = true;
	p.ts = true;
	tt_policy.action = TT_NOTHING;
	ts_connect(&p, TS_RTT);
	base = p.snd_nxt;
	tt_send_data(&p, "hello", 5);
	harness_advance(h, 50000); /* the delayed ACK */
	tt_collect(h, &s, 1);
	/* The same segment again: RFC 2883 §4, a D-SACK block below the
	 * ACK, once. */
	tt_send(&p, F_ACK, base, p.rcv_nxt, "hello", 5);
	tt_one(h, &s);
	assert_int_equal(s.s.ack, base + 5);
	assert_int_equal(s.s.nsack, 1);
	assert_int_equal(s.s.sack[0][0], base);
	assert_int_equal(s.s.sack[0][1], base + 5);
	assert_int_equal(HSTAT(h, tcp_dsack_tx), 1);
	tt_send_data(&p, "more", 4);
	harness_advance(h, 50000);
	tt_one(h, &s);
	assert_int_equal(s.s.nsack, 0);
}

/* ---- sender: scoreboard and RACK ---------------------------------------- */

static void
test_tcp_sack_sender_retransmits_only_holes(void **state)
{
	struct harness *h = *state;
	struct tt_peer p = {.h = h};
	struct tt_seg segs[32];
	unsigned int n;
	uint32_t una;
	struct tt_app *a;

	a = ts_response(&p, 41020, 1000, 8000, segs, 32, &n);
	assert_int_equal(n, 8);
	una = segs[0].s.seq;
	/* Segments 0 and 3 lost; 1-2 and 4-7 SACKed one RTT later: RACK
	 * (no reordering seen, three segments SACKed: no window) marks
	 * both lost at once and the scoreboard resends only them. */
	harness_advance(h, TS_RTT);
	tt_collect(h, segs, 32);
	{
		const uint32_t b[2][2] = {{una + 4000, una + 8000},
					  {una + 1000, una + 3000}};

		tt_send_sack(&p, una, 2, b);
	}
	n = tt_collect(h, segs, 32);
	assert_int_equal(n, 2);
	assert_int_equal(segs[0].s.seq, una);
	assert_int_equal(segs[0].s.len, 1000);
	assert_int_equal(segs[1].s.seq, una + 3000);
	assert_int_equal(segs[1].s.len, 1000);
	for (uint32_t i = 0; i < 1000; i++)
		assert_int_equal(segs[1].data[i], tt_byte(3000 + i));
	assert_int_equal(HSTAT(h, tcp_sack_repaired), 2);
	assert_int_equal(HSTAT(h, tcp_rack_losses), 2);
	assert_int_equal(HSTAT(h, tcp_rto_timeouts), 0);
	assert_true(a->c->nsnd_sack <= TCP_SACK_MAX);
	/* The holes arrive: recovery ends, the scoreboard empties. */
	tt_send_sack(&p, una + 8000, 0, NULL);
	tt_collect(h, segs, 32);
	assert_true(tcp_loss_quiet(a->c));
	harness_advance(h, 3000000);
	tt_none(h);
}

static void
test_tcp_sack_scoreboard_bounded(void **state)
{
	struct harness *h = *state;
	struct tt_peer p = {.h = h};
	struct tt_seg segs[32];
	unsigned int n;
	uint32_t una;
	struct tt_app *a;

	a = ts_response(&p, 41021, 1000, 10000, segs, 32, &n);
	assert_int_equal(n, 10);
	una = segs[0].s.seq;
	harness_advance(h, TS_RTT);
	{
		const uint32_t b[4][2] = {{una + 7000, una + 8000},
					  {una + 5000, una + 6000},
					  {una + 3000, una + 4000},
					  {una + 1000, una + 2000}};

		tt_send_sack(&p, una, 4, b);
	}
	assert_int_equal(a->c->nsnd_sack, 4);
	/* Only the holes below the highest SACK: 0, 2, 4, 6. */
	n = tt_collect(h, segs, 32);
	assert_int_equal(n, 4);
	for (unsigned int i = 0; i < 4; i++) {
		assert_int_equal(segs[i].s.seq, una + 2000 * i);
		assert_int_equal(segs[i].s.len, 1000);
	}
	/* A fifth island and more: the scoreboard stays at four. */
	for (uint32_t i = 0; i < 3; i++) {
		const uint32_t b[1][2] = {
			{una + 9000 + 300 * i, una + 9100 + 300 * i}};

		tt_send_sack(&p, una, 1, b);
		assert_true(a->c->nsnd_sack <= TCP_SACK_MAX);
	}
	tt_collect(h, segs, 32);
	tt_send_sack(&p, una + 10000, 0, NULL);
	assert_int_equal(a->c->nsnd_sack, 0);
	tt_collect(h, segs, 32);
	harness_advance(h, 3000000);
	tt_none(h);
}

/* A hostile peer: random (valid, bogus, overlapping, out-of-range)
 * blocks on every ACK. The scoreboard stays within TCP_SACK_MAX sorted,
 * disjoint blocks inside (snd_una, snd_max], retransmissions stay
 * inside the queue, and a full ACK ends it all. */
static void
test_tcp_sack_scoreboard_hostile_blocks_stay_bounded(void **state)
{
	struct harness *h = *state;
	struct tt_peer p = {.h = h};
	struct tt_seg segs[64];
	unsigned int n;
	uint32_t una, x = 12345;
	struct tt_app *a;

	a = ts_response(&p, 41024, 1000, 10000, segs, 64, &n);
	una = segs[0].s.seq;
	for (int i = 0; i < 400; i++) {
		uint32_t b[4][2];
		uint8_t k;

		x = x * 1103515245u + 12345u;
		k = (uint8_t)(1 + (x >> 8) % 4);
		for (uint8_t j = 0; j < k; j++) {
			x = x * 1103515245u + 12345u;
			b[j][0] = una - 2000 + (x >> 4) % 14000;
			x = x * 1103515245u + 12345u;
			b[j][1] = b[j][0] + (x >> 4) % 3000;
		}
		tt_send_sack(&p, una + ((x >> 20) % 4 == 0 ? 1000 * (i / 100) : 0),
			k, (const uint32_t(*)[2])b);
		assert_true(a->c->nsnd_sack <= TCP_SACK_MAX);
		for (uint8_t j = 0; j < a->c->nsnd_sack; j++) {
			const struct tcp_sack_blk *sb = &a->c->snd_sack[j];

			assert_true(SEQ_LT(sb->start, sb->end));
			assert_true(SEQ_GEQ(sb->start, a->c->snd_una));
			assert_true(SEQ_LEQ(sb->end, a->c->snd_max));
			if (j)
				assert_true(SEQ_GT(sb->start, sb[-1].end));
		}
		n = tt_collect(h, segs, 64);
		for (unsigned int j = 0; j < n; j++)
			assert_true(SEQ_LEQ(segs[j].s.seq + segs[j].s.len,
					    una + 10000));
		harness_advance(h, 1000);
		tt_collect(h, segs, 64);
	}
	tt_send_sack(&p, una + 10000, 0, NULL);
	assert_int_equal(a->c->nsnd_sack, 0);
	assert_true(tcp_loss_quiet(a->c));
	tt_collect(h, segs, 64);
	harness_advance(h, 3000000);
	tt_none(h);
}

static void
test_tcp_rack_reordering_within_window_not_loss(void **state)
{
	struct harness *h = *state;
	struct tt_peer p = {.h = h};
	struct tt_seg segs[32];
	unsigned int n;
	uint32_t una;

	ts_response(&p, 41022, 1000, 4000, segs, 32, &n);
	assert_int_equal(n, 4);
	una = segs[0].s.seq;
	harness_advance(h, TS_RTT);
	/* Segment 1 overtook segment 0: one segment SACKed, so RACK waits
	 * a reordering window (min RTT / 4) before calling 0 lost. */
	{
		const uint32_t b[1][2] = {{una + 1000, una + 2000}};

		tt_send_sack(&p, una, 1, b);
	}
	tt_none(h);
	harness_advance(h, 1000);
	tt_none(h);
	/* Segment 0 arrives within the window: no retransmission. */
	tt_send_sack(&p, una + 2000, 0, NULL);
	tt_none(h);
	harness_advance(h, 5000);
	tt_none(h);
	assert_int_equal(HSTAT(h, tcp_rack_losses), 0);
	assert_int_equal(HSTAT(h, tcp_retransmits), 0);
	tt_send_sack(&p, una + 4000, 0, NULL);
	harness_advance(h, 3000000);
	tt_none(h);
}

static void
test_tcp_rack_timer_marks_loss_after_reordering_window(void **state)
{
	struct harness *h = *state;
	struct tt_peer p = {.h = h};
	struct tt_seg segs[32];
	unsigned int n;
	uint32_t una;
	uint64_t w;

	ts_response(&p, 41023, 1000, 4000, segs, 32, &n);
	una = segs[0].s.seq;
	harness_advance(h, TS_RTT);
	{
		const uint32_t b[1][2] = {{una + 1000, una + 2000}};

		tt_send_sack(&p, una, 1, b);
	}
	tt_none(h);
	/* Segment 0 does not come: the reordering timer (RTT/4 = 2.5 ms)
	 * resends it, long before the RTO. */
	w = tt_wait_segment(h, segs, 32, &n, 100000);
	assert_true(w <= 4000);
	assert_int_equal(n, 1);
	assert_int_equal(segs[0].s.seq, una);
	assert_int_equal(HSTAT(h, tcp_rack_timeouts), 1);
	assert_int_equal(HSTAT(h, tcp_rack_losses), 1);
	assert_int_equal(HSTAT(h, tcp_rto_timeouts), 0);
	tt_send_sack(&p, una + 4000, 0, NULL);
	tt_collect(h, segs, 32);
	harness_advance(h, 3000000);
	tt_none(h);
}

/* ---- tail loss probe and undo ------------------------------------------- */

static void
test_tcp_tlp_recovers_lost_last_segment_without_rto(void **state)
{
	struct harness *h = *state;
	struct tt_peer p = {.h = h};
	struct tt_seg segs[8], first;
	unsigned int n;
	uint64_t w;

	ts_response(&p, 41030, 1460, 100, &first, 1, &n);
	assert_int_equal(n, 1);
	/* The response is lost. PTO = 2 SRTT + 40 ms (one segment out),
	 * well before the RTO (200 ms): the probe is the segment again. */
	w = tt_wait_segment(h, segs, 8, &n, 1000000);
	assert_near_ms(w, 2 * TS_RTT + 40000);
	assert_int_equal(n, 1);
	assert_int_equal(segs[0].s.seq, first.s.seq);
	assert_int_equal(segs[0].s.len, 100);
	assert_memory_equal(segs[0].data, first.data, 100);
	assert_int_equal(HSTAT(h, tcp_tlp_probes), 1);
	assert_int_equal(HSTAT(h, tcp_rto_timeouts), 0);
	/* Its ACK ends the episode: a repaired loss. */
	tt_send_sack(&p, first.s.seq + 100, 0, NULL);
	assert_int_equal(HSTAT(h, tcp_tlp_recoveries), 1);
	harness_advance(h, 3000000);
	tt_none(h);
	assert_int_equal(HSTAT(h, tcp_rto_timeouts), 0);
}

static void
test_tcp_tlp_probe_carries_the_fin_of_the_last_segment(void **state)
{
	struct harness *h = *state;
	struct tt_peer p;
	struct tt_seg segs[8], first;
	uint64_t w;
	unsigned int n;

	tt_peer_init(&p, h, 41033);
	p.sack_perm = true;
	tt_policy.action = TT_RESPOND_CLOSE;
	tt_policy.resp_len = 20;
	ts_connect(&p, TS_RTT);
	tt_send_data(&p, "GET", 3);
	tt_one(h, &first);
	assert_int_equal(first.s.flags & F_FIN, F_FIN);
	/* Response and FIN lost: the probe is both again. */
	w = tt_wait_segment(h, segs, 8, &n, 1000000);
	assert_near_ms(w, 2 * TS_RTT + 40000);
	assert_int_equal(n, 1);
	assert_int_equal(segs[0].s.seq, first.s.seq);
	assert_int_equal(segs[0].s.len, 20);
	assert_int_equal(segs[0].s.flags & F_FIN, F_FIN);
	assert_int_equal(HSTAT(h, tcp_rto_timeouts), 0);
	p.rcv_nxt = first.s.seq + 21;
	tt_send_ack(&p);
	tt_none(h);
	assert_int_equal(tt_state_count(h, TCP_FIN_WAIT_2), 1);
	tt_send(&p, F_FIN | F_ACK, p.snd_nxt, p.rcv_nxt, NULL, 0);
	p.snd_nxt++;
	tt_one(h, &segs[0]);
	assert_int_equal(segs[0].s.flags, F_ACK);
}

static void
test_tcp_dsack_undoes_spurious_retransmission(void **state)
{
	struct harness *h = *state;
	struct tt_peer p = {.h = h};
	struct tt_seg segs[8], first;
	struct tt_app *a;
	unsigned int n;
	uint32_t cwnd, ssthresh;

	a = ts_response(&p, 41031, 1460, 100, &first, 1, &n);
	cwnd = a->c->cwnd;
	ssthresh = a->c->ssthresh;
	tt_wait_segment(h, segs, 8, &n, 1000000);
	assert_int_equal(HSTAT(h, tcp_tlp_probes), 1);
	/* The original was only late: its ACK first (taken as a repair,
	 * the window cut), then the probe's D-SACK proves it spurious. */
	tt_send_sack(&p, first.s.seq + 100, 0, NULL);
	assert_true(a->c->ssthresh < ssthresh);
	{
		const uint32_t b[1][2] = {{first.s.seq, first.s.seq + 100}};

		tt_send_sack(&p, first.s.seq + 100, 1, b);
	}
	assert_int_equal(HSTAT(h, tcp_dsack_rx), 1);
	assert_int_equal(HSTAT(h, tcp_spurious_undone), 1);
	assert_int_equal(a->c->cwnd, cwnd);
	assert_int_equal(a->c->ssthresh, ssthresh);
	harness_advance(h, 3000000);
	tt_none(h);
}

static void
test_tcp_dsack_undoes_spurious_rack_recovery(void **state)
{
	struct harness *h = *state;
	struct tt_peer p = {.h = h};
	struct tt_seg segs[32];
	struct tt_app *a;
	unsigned int n;
	uint32_t una, cwnd;

	a = ts_response(&p, 41032, 1000, 6000, segs, 32, &n);
	una = segs[0].s.seq;
	cwnd = a->c->cwnd;
	harness_advance(h, TS_RTT);
	{
		const uint32_t b[1][2] = {{una + 1000, una + 6000}};

		tt_send_sack(&p, una, 1, b);
	}
	n = tt_collect(h, segs, 32);
	assert_int_equal(n, 1);
	assert_int_equal(segs[0].s.seq, una);
	assert_true(a->c->cwnd < cwnd);
	/* Segment 0 was delayed, not lost: the ACK, then the D-SACK of
	 * the retransmission. */
	tt_send_sack(&p, una + 6000, 0, NULL);
	{
		const uint32_t b[1][2] = {{una, una + 1000}};

		tt_send_sack(&p, una + 6000, 1, b);
	}
	assert_int_equal(HSTAT(h, tcp_spurious_undone), 1);
	assert_int_equal(a->c->cwnd, cwnd);
	harness_advance(h, 3000000);
	tt_none(h);
}

/* ---- Limited Transmit --------------------------------------------------- */

static void
test_tcp_limited_transmit_new_data_on_first_two_dupacks(void **state)
{
	struct harness *h = *state;
	struct tt_peer p;
	struct tt_seg segs[32];
	unsigned int n;
	uint32_t una;

	tt_peer_init(&p, h, 41040);
	p.mss = 1000;
	tt_policy.action = TT_RESPOND;
	tt_policy.resp_len = 14000;
	tt_connect(&p);
	tt_send_data(&p, "GET", 3);
	n = tt_collect(h, segs, 32);
	assert_int_equal(n, 10); /* IW10: 4000 bytes wait for the window */
	una = segs[0].s.seq;
	/* RFC 3042: each of the first two duplicate ACKs sends one new
	 * segment, nothing is retransmitted. */
	for (uint32_t i = 0; i < 2; i++) {
		tt_send(&p, F_ACK, p.snd_nxt, una, NULL, 0);
		tt_one(h, &segs[0]);
		assert_int_equal(segs[0].s.seq, una + 10000 + 1000 * i);
		assert_int_equal(segs[0].s.len, 1000);
	}
	assert_int_equal(HSTAT(h, tcp_limited_transmit), 2);
	assert_int_equal(HSTAT(h, tcp_retransmits), 0);
	/* The third: fast retransmit of the first segment. */
	tt_send(&p, F_ACK, p.snd_nxt, una, NULL, 0);
	n = tt_collect(h, segs, 32);
	assert_true(n >= 1);
	assert_int_equal(segs[0].s.seq, una);
	assert_int_equal(HSTAT(h, tcp_fast_retransmits), 1);
	p.rcv_nxt = una + 14000;
	for (int i = 0; i < 4; i++) {
		tt_send(&p, F_ACK, p.snd_nxt, una + 14000, NULL, 0);
		tt_collect(h, segs, 32);
	}
	harness_advance(h, 3000000);
	tt_collect(h, segs, 32);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		TT_TEST(test_tcp_sack_permitted_echoed_only_when_offered),
		TT_TEST(test_tcp_sack_receiver_reports_blocks_newest_first),
		TT_TEST(test_tcp_sack_receiver_blocks_bounded),
		TT_TEST(test_tcp_sack_receiver_dsack_for_duplicate),
		TT_TEST(test_tcp_sack_sender_retransmits_only_holes),
		TT_TEST(test_tcp_sack_scoreboard_bounded),
		TT_TEST(test_tcp_sack_scoreboard_hostile_blocks_stay_bounded),
		TT_TEST(test_tcp_rack_reordering_within_window_not_loss),
		TT_TEST(test_tcp_rack_timer_marks_loss_after_reordering_window),
		TT_TEST(test_tcp_tlp_recovers_lost_last_segment_without_rto),
		TT_TEST(test_tcp_tlp_probe_carries_the_fin_of_the_last_segment),
		TT_TEST(test_tcp_dsack_undoes_spurious_retransmission),
		TT_TEST(test_tcp_dsack_undoes_spurious_rack_recovery),
		TT_TEST(test_tcp_limited_transmit_new_data_on_first_two_dupacks),
	};

	return TT_RUN(tests);
}
