/* SPDX-License-Identifier: BSD-3-Clause */
/* test_tcp_pressure.c: TCP at the memory budget's limits (core/mem.h):
 * send queues packed by capacity, backpressure, out-of-order pruning,
 * pressure aborts, stalled peers and orphans, the RX reserve under attack. */
#include <string.h>

#include <rte_mempool.h>

#include "tcp_pressure_app.h"

/* ---- send queues --------------------------------------------------------- */

static void
test_tcp_pressure_sndq_packs_by_capacity_whatever_the_mss(void **state)
{
	struct harness *h = pa_harness(NULL);
	uint32_t cap = pa_seg_cap(h), total = 16384, got = 0, largest = 0;
	uint32_t nsegs = 0;
	static uint8_t rx[16384];
	struct tt_peer p;
	struct pa_app *a;

	(void)state;
	pa_want = total;
	a = pa_connect(&p, h, 41000, 64, 0);
	pa_request(&p);
	assert_int_equal(a->sent, total);
	/* A 64-byte MSS does not make the queue one mbuf per 64 bytes. */
	assert_int_equal(pa_mbufs(h, MEM_SNDQ), (total + cap - 1) / cap);
	assert_int_equal(pa_cls(h, MEM_SNDQ)->in_use, pa_cls(h, MEM_SNDQ)->high);
	p.win = 65535;
	tt_send_ack(&p);
	for (int round = 0; round < 2000 && got < total; round++) {
		unsigned int n = tt_collect(h, pa_segs, PA_SEGS);

		for (unsigned int i = 0; i < n; i++) {
			if (pa_segs[i].s.len > largest)
				largest = (uint32_t)pa_segs[i].s.len;
			nsegs += pa_segs[i].s.len > 1;
		}
		got += tt_take_data(&p, pa_segs, n, rx + got, total - got);
		tt_send_ack(&p);
		if (n == 0)
			harness_advance(h, 250000);
	}
	assert_int_equal(got, total);
	for (uint32_t i = 0; i < total; i++)
		assert_int_equal(rx[i], tt_byte(i));
	/* Cut into small segments at transmit time. */
	assert_true(largest < cap);
	assert_true(nsegs > (total + cap - 1) / cap);
	assert_int_equal(pa_cls(h, MEM_SNDQ)->in_use, 0);
	pa_teardown(h);
}

#define MBUF_BYTES RTE_MBUF_DEFAULT_BUF_SIZE

static void
tweak_sndq_16(struct config *cfg)
{
	cfg->mem_sndq_bytes = 16 * MBUF_BYTES;
}

static void
test_tcp_pressure_tiny_mss_zero_window_peers_stay_within_sndq_limit(void **state)
{
	struct harness *h = pa_harness(tweak_sndq_16);
	struct tt_peer p[8];
	uint32_t cap = pa_seg_cap(h), sent = 0;

	(void)state;
	pa_want = 65536;
	for (int i = 0; i < 8; i++) {
		pa_connect(&p[i], h, (uint16_t)(41100 + i), 64, 0);
		pa_request(&p[i]);
		tt_send_data(&p[i], "GET", 3); /* pipelined: changes nothing */
		harness_drain(h);
		assert_true(pa_cls(h, MEM_SNDQ)->in_use <= pa_cls(h, MEM_SNDQ)->limit);
		pa_assert_reserve(h);
	}
	for (int i = 0; i < PA_SLOTS; i++)
		sent += pa[i].sent;
	/* Backpressure, not aborts: the peers have not been idle long. */
	assert_int_equal(pa_cls(h, MEM_SNDQ)->high, 16 * MBUF_BYTES);
	assert_true(sent <= 16 * cap);
	assert_true(pa_cls(h, MEM_SNDQ)->refusals >= 7);
	assert_true(HSTAT(h, mem_sndq_refused) >= 7);
	assert_int_equal(HSTAT(h, mem_pressure_aborts), 0);
	for (int i = 0; i < 8; i++) {
		struct pa_app *a = pa_of((uint16_t)(41100 + i));

		assert_false(a->closed);
		assert_true(a->sent < a->want);
		/* What the application can still queue says so. */
		assert_true(tcp_send_space(a->c) < h->cfg.tcp_snd_buf);
	}
	for (int i = 0; i < 8; i++)
		pa_reset(&p[i]);
	assert_int_equal(pa_cls(h, MEM_SNDQ)->in_use, 0);
	assert_int_equal(tcp_conn_count(h->ctx), 0);
	assert_int_equal(harness_mbufs_leaked(h), 0);
	pa_teardown(h);
}

static void
tweak_sndq_8(struct config *cfg)
{
	cfg->mem_sndq_bytes = 8 * MBUF_BYTES;
}

static void
test_tcp_pressure_refused_sender_woken_when_budget_frees(void **state)
{
	struct harness *h = pa_harness(tweak_sndq_8);
	uint32_t cap = pa_seg_cap(h);
	static uint8_t rx[8 * 2048];
	struct tt_peer pa_p, pb_p;
	struct pa_app *a, *b;

	(void)state;
	pa_want = 8 * cap;
	a = pa_connect(&pa_p, h, 41200, 0, 0);
	pa_request(&pa_p);
	assert_int_equal(a->sent, 8 * cap);
	assert_int_equal(mem_room(&h->ctx->mem, MEM_SNDQ), 0);
	pa_want = 3000;
	b = pa_connect(&pb_p, h, 41201, 0, 65535);
	assert_int_equal(tcp_send_space(b->c), 0);
	pa_request(&pb_p);
	assert_int_equal(b->sent, 0); /* refused: b waits for budget */
	assert_true(HSTAT(h, mem_sndq_refused) >= 1);
	/* a's peer opens its window and takes everything. */
	pa_p.win = 65535;
	tt_send_ack(&pa_p);
	for (int round = 0; round < 200 && pa_p.rcv_nxt != pa_p.srv_iss + 1 + 8 * cap;
	     round++) {
		unsigned int n = tt_collect(h, pa_segs, PA_SEGS);
		uint32_t got;

		got = tt_take_data(&pa_p, pa_segs, n, rx, sizeof(rx));
		(void)got;
		tt_send_ack(&pa_p);
		if (n == 0)
			harness_advance(h, 250000);
	}
	harness_drain(h);
	/* b was woken by the flush that found room, and queued it all. */
	assert_true(HSTAT(h, mem_wakeups) >= 1);
	assert_true(b->writable_calls >= 1);
	assert_int_equal(b->sent, 3000);
	assert_false(a->closed);
	assert_false(b->closed);
	pa_reset(&pa_p);
	pa_reset(&pb_p);
	pa_teardown(h);
}

static void
tweak_pressure(struct config *cfg)
{
	cfg->mem_sndq_bytes = 16 * MBUF_BYTES;
	cfg->tcp_stall_timeout_ms = 20000; /* victims idle >= 2.5 s */
}

static void
test_tcp_pressure_biggest_idle_holder_aborted_first(void **state)
{
	struct harness *h = pa_harness(tweak_pressure);
	uint32_t cap = pa_seg_cap(h);
	struct tt_peer big, small, fresh;
	struct pa_app *a_big, *a_small, *a_fresh;
	struct tt_seg got[64];
	unsigned int n;
	bool rst = false;

	(void)state;
	pa_want = 10 * cap;
	a_big = pa_connect(&big, h, 41300, 0, 0);
	pa_request(&big);
	pa_want = 5 * cap;
	a_small = pa_connect(&small, h, 41301, 0, 0);
	pa_request(&small);
	assert_int_equal(pa_mbufs(h, MEM_SNDQ), 15);
	/* Neither drains for 3 s (zero-window probes go unanswered). */
	for (int i = 0; i < 30; i++)
		harness_advance(h, 100000);
	harness_drain(h);
	assert_false(a_big->closed);
	pa_want = 4 * cap;
	a_fresh = pa_connect(&fresh, h, 41302, 0, 65535);
	tt_send_data(&fresh, "GET", 3);
	n = tt_collect(h, got, 64);
	for (unsigned int i = 0; i < n; i++)
		if (got[i].s.dport == 41300 && (got[i].s.flags & F_RST))
			rst = true;
	/* The one holding the most and draining nothing went, told ABORT;
	 * the smaller one stays; the newcomer got its whole answer queued. */
	assert_true(rst);
	assert_true(a_big->closed);
	assert_int_equal(a_big->why, TCP_CLOSE_ABORT);
	assert_false(a_small->closed);
	assert_int_equal(HSTAT(h, mem_pressure_aborts), 1);
	assert_int_equal(pa_cls(h, MEM_SNDQ)->prunes, 1);
	assert_int_equal(a_fresh->sent, 4 * cap);
	assert_int_equal(pa_mbufs(h, MEM_SNDQ), 9);
	pa_reset(&small);
	pa_reset(&fresh);
	pa_teardown(h);
}

/* ---- every state that holds memory ends -------------------------------- */

static void
tweak_stall_5s(struct config *cfg)
{
	cfg->tcp_stall_timeout_ms = 5000;
}

/* Answer every probe with a zero window; returns when the connection
 * is gone (or after limit_us), with the time it took. */
static uint64_t
zero_window_until_closed(struct harness *h, struct tt_peer *p,
			 struct pa_app *a, uint64_t limit_us, bool *rst)
{
	uint64_t t0 = harness_now();

	*rst = false;
	while (!a->closed && harness_now() - t0 < limit_us) {
		unsigned int n;

		harness_advance(h, 100000);
		n = tt_collect(h, pa_segs, PA_SEGS);
		for (unsigned int i = 0; i < n; i++) {
			if (pa_segs[i].s.flags & F_RST)
				*rst = true;
			else if (pa_segs[i].s.len)
				tt_send_ack(p); /* window still 0 */
		}
	}
	return harness_now() - t0;
}

static void
test_tcp_pressure_zero_window_peer_aborted_after_stall_timeout(void **state)
{
	struct harness *h = pa_harness(tweak_stall_5s);
	struct tt_peer p;
	struct pa_app *a;
	uint64_t took;
	bool rst;

	(void)state;
	pa_want = 4000;
	a = pa_connect(&p, h, 41400, 0, 0);
	pa_request(&p);
	took = zero_window_until_closed(h, &p, a, 120000000, &rst);
	/* The peer answered every probe (no retry ran out): the stall
	 * bound ended it, not before 5 s, and within one probe interval. */
	assert_true(a->closed);
	assert_int_equal(a->why, TCP_CLOSE_TIMEOUT);
	assert_true(rst);
	assert_int_equal(HSTAT(h, mem_stall_aborts), 1);
	assert_int_equal(HSTAT(h, tcp_give_up), 0);
	assert_true(HSTAT(h, tcp_persist_probes) >= 2);
	assert_true(took >= 5000000);
	assert_true(took <= 5000000 + (uint64_t)h->cfg.tcp_rto_max_ms * 1000);
	assert_int_equal(pa_cls(h, MEM_SNDQ)->in_use, 0);
	assert_int_equal(tcp_conn_count(h->ctx), 0);
	pa_teardown(h);
}

/* A peer that opens its window a byte at a time and acknowledges each
 * byte: it never frees an mbuf's worth, so it does not count as
 * draining. */
static void
test_tcp_pressure_byte_dribbling_peer_counts_as_stalled(void **state)
{
	struct harness *h = pa_harness(tweak_stall_5s);
	struct tt_peer p;
	struct pa_app *a;
	uint64_t t0;
	uint32_t taken = 0;
	bool rst = false;

	(void)state;
	pa_want = 4000;
	a = pa_connect(&p, h, 41403, 0, 1);
	pa_request(&p);
	t0 = harness_now();
	while (!a->closed && harness_now() - t0 < 120000000) {
		unsigned int n;

		harness_advance(h, 100000);
		n = tt_collect(h, pa_segs, PA_SEGS);
		for (unsigned int i = 0; i < n; i++) {
			const struct pkt_tcp_seen *g = &pa_segs[i].s;

			if (g->flags & F_RST) {
				rst = true;
			} else if (g->len && g->seq == p.rcv_nxt) {
				p.rcv_nxt += 1; /* takes one byte of it */
				taken++;
				tt_send_ack(&p);
			}
		}
	}
	for (unsigned int i = 0, n = tt_collect(h, pa_segs, PA_SEGS); i < n; i++)
		rst |= (pa_segs[i].s.flags & F_RST) != 0;
	assert_true(a->closed);
	assert_int_equal(a->why, TCP_CLOSE_TIMEOUT);
	assert_true(rst);
	assert_true(taken > 0);
	assert_true(taken < 2000);
	assert_int_equal(HSTAT(h, mem_stall_aborts), 1);
	assert_true(harness_now() - t0 >= 5000000);
	assert_true(harness_now() - t0 <=
		    5000000 + (uint64_t)h->cfg.tcp_rto_max_ms * 1000);
	pa_teardown(h);
}

static void
tweak_stall_pressure(struct config *cfg)
{
	cfg->tcp_stall_timeout_ms = 40000;
	cfg->mem_sndq_bytes = 8 * MBUF_BYTES;
}

static void
test_tcp_pressure_stall_bound_shrinks_under_pressure(void **state)
{
	struct harness *h = pa_harness(tweak_stall_pressure);
	struct tt_peer p;
	struct pa_app *a;
	uint64_t took;
	bool rst;

	(void)state;
	pa_want = 8 * pa_seg_cap(h); /* the whole class: pressure */
	a = pa_connect(&p, h, 41401, 0, 0);
	pa_request(&p);
	assert_true(mem_pressure(&h->ctx->mem, MEM_SNDQ));
	took = zero_window_until_closed(h, &p, a, 120000000, &rst);
	assert_true(a->closed);
	assert_int_equal(a->why, TCP_CLOSE_TIMEOUT);
	assert_true(took >= 10000000); /* a quarter of 40 s */
	assert_true(took < 40000000);
	assert_int_equal(HSTAT(h, mem_stall_aborts), 1);
	pa_teardown(h);
}

static void
tweak_many_retries_stall_5s(struct config *cfg)
{
	cfg->tcp_stall_timeout_ms = 5000;
	cfg->tcp_max_retries = 30;
	cfg->tcp_rto_max_ms = 1000;
}

static void
test_tcp_pressure_peer_that_never_acks_aborted_after_stall_timeout(void **state)
{
	struct harness *h = pa_harness(tweak_many_retries_stall_5s);
	struct tt_peer p;
	struct pa_app *a;
	uint64_t t0;

	(void)state;
	pa_want = 3000;
	a = pa_connect(&p, h, 41402, 0, 65535);
	pa_request(&p);
	t0 = harness_now();
	while (!a->closed && harness_now() - t0 < 60000000) {
		harness_advance(h, 100000);
		harness_drain(h);
	}
	/* 30 retries at <= 1 s each would take 30 s: the stall bound won. */
	assert_true(a->closed);
	assert_int_equal(a->why, TCP_CLOSE_TIMEOUT);
	assert_int_equal(HSTAT(h, mem_stall_aborts), 1);
	assert_int_equal(HSTAT(h, tcp_give_up), 0);
	assert_true(harness_now() - t0 >= 5000000);
	assert_true(harness_now() - t0 <= 6100000);
	pa_teardown(h);
}

static void
tweak_one_orphan(struct config *cfg)
{
	cfg->tcp_max_orphans = 1;
}

static void
test_tcp_pressure_orphans_over_max_are_reset(void **state)
{
	struct harness *h = pa_harness(tweak_one_orphan);
	struct tt_peer p1, p2;
	struct pa_app *a1, *a2;
	struct tt_seg got[16];
	unsigned int n;
	bool rst = false;

	(void)state;
	pa_want = 2000;
	pa_close_after = true;
	a1 = pa_connect(&p1, h, 41500, 0, 0);
	pa_request(&p1);
	assert_int_equal(tt_state_count(h, TCP_FIN_WAIT_1), 1);
	a2 = pa_connect(&p2, h, 41501, 0, 0);
	tt_send_data(&p2, "GET", 3);
	n = tt_collect(h, got, 16);
	for (unsigned int i = 0; i < n; i++)
		if (got[i].s.dport == 41501 && (got[i].s.flags & F_RST))
			rst = true;
	/* The second orphan would pass tcp.max_orphans: reset at once,
	 * its application told (after its tcp_close returned). */
	assert_true(rst);
	assert_true(a2->closed);
	assert_int_equal(a2->why, TCP_CLOSE_ABORT);
	assert_false(a1->closed);
	assert_int_equal(HSTAT(h, mem_orphan_overflow), 1);
	assert_int_equal(tt_state_count(h, TCP_FIN_WAIT_1), 1);
	assert_int_equal(tcp_conn_count(h->ctx), 1);
	pa_reset(&p1);
	pa_teardown(h);
}

static void
tweak_orphan_retries_2(struct config *cfg)
{
	cfg->tcp_orphan_retries = 2;
}

static void
test_tcp_pressure_orphan_gives_up_after_orphan_retries(void **state)
{
	struct harness *h = pa_harness(tweak_orphan_retries_2);
	struct tt_peer p;
	struct pa_app *a;
	uint64_t t0;

	(void)state;
	pa_want = 100;
	pa_close_after = true;
	a = pa_connect(&p, h, 41600, 0, 65535);
	pa_request(&p);
	assert_int_equal(tt_state_count(h, TCP_FIN_WAIT_1), 1);
	t0 = harness_now();
	while (!a->closed && harness_now() - t0 < 600000000) {
		harness_advance(h, 100000);
		harness_drain(h);
	}
	/* The peer vanished: two retransmissions (not tcp.max_retries 8). */
	assert_true(a->closed);
	assert_int_equal(a->why, TCP_CLOSE_TIMEOUT);
	assert_int_equal(HSTAT(h, tcp_rto_timeouts), 2);
	assert_int_equal(HSTAT(h, mem_orphan_gave_up), 1);
	assert_int_equal(tcp_conn_count(h->ctx), 0);
	pa_teardown(h);
}

/* ---- out-of-order queues ------------------------------------------------- */

static void
tweak_ooo_4(struct config *cfg)
{
	cfg->mem_ooo_bytes = 4 * MBUF_BYTES;
}

/* 10 bytes at offset off past p's next byte (a gap before it). */
static void
ooo_seg(struct tt_peer *p, uint32_t off)
{
	static const char ten[] = "0123456789";

	tt_send(p, F_ACK, p->snd_nxt + off, p->rcv_nxt, ten, 10);
}

/* In-order bytes from p->snd_nxt up to offset end. */
static void
fill_to(struct tt_peer *p, uint32_t end)
{
	static char buf[1024];

	memset(buf, 'x', sizeof(buf));
	assert_true(end <= sizeof(buf));
	tt_send_data(p, buf, end);
}

static void
test_tcp_pressure_ooo_pruned_highest_sequence_first(void **state)
{
	struct harness *h = pa_harness(tweak_ooo_4);
	struct tt_peer p;
	struct pa_app *a;
	uint32_t base;

	(void)state;
	a = pa_connect(&p, h, 41700, 0, 65535);
	base = p.snd_nxt;
	ooo_seg(&p, 100);
	ooo_seg(&p, 200);
	ooo_seg(&p, 300);
	ooo_seg(&p, 400);
	harness_drain(h);
	assert_int_equal(pa_mbufs(h, MEM_OOO), 4);
	/* A lower segment with the class full: the highest one goes. */
	ooo_seg(&p, 50);
	harness_drain(h);
	assert_int_equal(pa_mbufs(h, MEM_OOO), 4);
	assert_int_equal(HSTAT(h, mem_ooo_pruned), 1);
	assert_int_equal(pa_cls(h, MEM_OOO)->prunes, 1);
	/* A segment above everything held finds nothing to prune: dropped. */
	ooo_seg(&p, 500);
	harness_drain(h);
	assert_int_equal(HSTAT(h, mem_ooo_pruned), 1);
	assert_true(pa_cls(h, MEM_OOO)->refusals >= 2);
	assert_int_equal(pa_mbufs(h, MEM_OOO), 4);
	/* Fill the gaps: delivery stops where the pruned segment was. */
	fill_to(&p, 50);
	p.snd_nxt = base + 60;
	fill_to(&p, 40);
	p.snd_nxt = base + 110;
	fill_to(&p, 90);
	p.snd_nxt = base + 210;
	fill_to(&p, 90);
	p.snd_nxt = base + 310;
	fill_to(&p, 90);
	harness_drain(h);
	assert_int_equal(a->got, 400);
	assert_int_equal(pa_cls(h, MEM_OOO)->in_use, 0);
	pa_reset(&p);
	pa_teardown(h);
}

static void
test_tcp_pressure_ooo_pruned_across_connections(void **state)
{
	struct harness *h = pa_harness(tweak_ooo_4);
	struct tt_peer x, y;
	struct pa_app *ay;
	uint32_t ybase;

	(void)state;
	pa_connect(&x, h, 41800, 0, 65535);
	ay = pa_connect(&y, h, 41801, 0, 65535);
	ybase = y.snd_nxt;
	ooo_seg(&x, 100);
	ooo_seg(&x, 200);
	ooo_seg(&x, 300);
	ooo_seg(&x, 400);
	harness_drain(h);
	/* y's segment above its own gap: x, the biggest holder, gives up
	 * its highest mbuf. */
	ooo_seg(&y, 20);
	harness_drain(h);
	assert_int_equal(HSTAT(h, mem_ooo_pruned), 1);
	assert_int_equal(pa_mbufs(h, MEM_OOO), 4);
	fill_to(&y, 20);
	harness_drain(h);
	assert_int_equal(ay->got, 30);
	assert_int_equal(y.snd_nxt, ybase + 20);
	assert_int_equal(pa_mbufs(h, MEM_OOO), 3);
	pa_reset(&x);
	pa_reset(&y);
	pa_teardown(h);
}

static void
test_tcp_pressure_ooo_freed_when_the_connection_goes(void **state)
{
	struct harness *h = pa_harness(NULL);
	struct tt_peer x, y;
	struct pa_app *ay;

	(void)state;
	pa_connect(&x, h, 41900, 0, 65535);
	ay = pa_connect(&y, h, 41901, 0, 65535);
	for (uint32_t i = 1; i <= 5; i++) {
		ooo_seg(&x, 100 * i);
		ooo_seg(&y, 100 * i);
	}
	harness_drain(h);
	assert_int_equal(pa_mbufs(h, MEM_OOO), 10);
	pa_reset(&x); /* peer's RST */
	assert_int_equal(pa_mbufs(h, MEM_OOO), 5);
	tcp_abort(h->ctx, ay->c); /* the application's abort */
	lcore_tx_flush(h->ctx);
	harness_drain(h);
	assert_int_equal(pa_cls(h, MEM_OOO)->in_use, 0);
	assert_int_equal(harness_mbufs_leaked(h), 0);
	pa_teardown(h);
}

/* ---- under attack --------------------------------------------------- */

static void
tweak_attack(struct config *cfg)
{
	cfg->mbufs = 2047;
	cfg->rx_desc = 64;
	cfg->tx_desc = 64;
	cfg->tcp_stall_timeout_ms = 16000;
}

static void
test_tcp_pressure_attack_keeps_rx_reserve_and_returns_to_idle(void **state)
{
	struct harness *h = pa_harness(tweak_attack);
	static struct tt_peer p[48];
	struct tt_peer good;
	struct pa_app *ag;
	unsigned int avail0;
	uint64_t rx0;

	(void)state;
	harness_drain(h);
	avail0 = rte_mempool_avail_count(h->pool);
	/* 48 peers: tiny MSS, zero window, a request whose answer they
	 * never take, and out-of-order data above a hole. */
	pa_want = 65536;
	for (int i = 0; i < 48; i++) {
		pa_connect(&p[i], h, (uint16_t)(42000 + i), 64, 0);
		pa_request(&p[i]);
		for (uint32_t k = 1; k <= 20; k++)
			ooo_seg(&p[i], 100 * k);
		pa_assert_reserve(h);
		assert_true(pa_cls(h, MEM_SNDQ)->in_use <= pa_cls(h, MEM_SNDQ)->limit);
		assert_true(pa_cls(h, MEM_OOO)->in_use <= pa_cls(h, MEM_OOO)->limit);
	}
	assert_true(pa_cls(h, MEM_SNDQ)->refusals > 0);
	assert_true(HSTAT(h, mem_ooo_pruned) > 0);
	/* A well-behaved client is answered while the attack holds: once
	 * the hoarders have been idle for stall/8, they are reclaimed. */
	pa_want = 100;
	ag = pa_connect(&good, h, 43000, 0, 65535);
	rx0 = HSTAT(h, rx_packets);
	tt_send_data(&good, "GET", 3);
	for (int i = 0; i < 40 && good.rcv_nxt != good.srv_iss + 1 + 100; i++) {
		unsigned int n;

		harness_advance(h, 100000);
		n = tt_collect(h, pa_segs, PA_SEGS);
		for (unsigned int k = 0; k < n; k++)
			if (pa_segs[k].s.dport == 43000 && pa_segs[k].s.len &&
			    pa_segs[k].s.seq == good.rcv_nxt)
				good.rcv_nxt += (uint32_t)pa_segs[k].s.len;
		tt_send_ack(&good);
		pa_assert_reserve(h);
	}
	assert_int_equal(good.rcv_nxt, good.srv_iss + 1 + 100);
	assert_int_equal(ag->sent, 100);
	assert_false(ag->closed);
	assert_true(HSTAT(h, rx_packets) > rx0);
	assert_true(HSTAT(h, mem_pressure_aborts) > 0);
	/* The attackers leave: every class back to idle, the pool whole. */
	for (int i = 0; i < 48; i++)
		pa_reset(&p[i]);
	pa_reset(&good);
	harness_drain(h);
	assert_int_equal(tcp_conn_count(h->ctx), 0);
	for (int k = MEM_SNDQ; k < MEM_NCLASSES; k++)
		assert_int_equal(pa_cls(h, k)->in_use, 0);
	assert_int_equal(rte_mempool_avail_count(h->pool), avail0);
	pa_teardown(h);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test(test_tcp_pressure_##fn)
		T(sndq_packs_by_capacity_whatever_the_mss),
		T(tiny_mss_zero_window_peers_stay_within_sndq_limit),
		T(refused_sender_woken_when_budget_frees),
		T(biggest_idle_holder_aborted_first),
		T(zero_window_peer_aborted_after_stall_timeout),
		T(byte_dribbling_peer_counts_as_stalled),
		T(stall_bound_shrinks_under_pressure),
		T(peer_that_never_acks_aborted_after_stall_timeout),
		T(orphans_over_max_are_reset),
		T(orphan_gives_up_after_orphan_retries),
		T(ooo_pruned_highest_sequence_first),
		T(ooo_pruned_across_connections),
		T(ooo_freed_when_the_connection_goes),
		T(attack_keeps_rx_reserve_and_returns_to_idle),
#undef T
	};

	harness_eal_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
