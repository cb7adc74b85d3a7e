/* SPDX-License-Identifier: BSD-3-Clause */
/* test_tcp_random.c: seeded random loss, reordering, duplication and
 * windows in both directions (every byte arrives exactly once), and a
 * chaos peer mixing valid and arbitrary segments with application
 * callbacks that send, close or abort (no crash, no leak, one closed()).
 * TCP_RANDOM_SEED=n replays a seed; TCP_RANDOM_VERBOSE=1 prints counts;
 * TCP_RANDOM_TRACE=i traces the sender test from iteration i on. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "tcp_test.h"

#define RND_SEEDS 4

static uint64_t rnd_state;

static uint32_t
rnd(void)
{
	rnd_state ^= rnd_state >> 12;
	rnd_state ^= rnd_state << 25;
	rnd_state ^= rnd_state >> 27;
	return (uint32_t)((rnd_state * 0x2545f4914f6cdd1dULL) >> 32);
}

static inline bool
seq_gt(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) > 0;
}

static inline uint32_t
min_u32(uint32_t a, uint32_t b)
{
	return a < b ? a : b;
}

/* 0 .. n-1 */
static uint32_t
rnd_below(uint32_t n)
{
	return n ? rnd() % n : 0;
}

static uint64_t
seed_at(int i)
{
	const char *e = getenv("TCP_RANDOM_SEED");

	return e ? strtoull(e, NULL, 0) + (uint64_t)i :
		   0x9e3779b97f4a7c15ULL * (uint64_t)(i + 1);
}

static int
nseeds(void)
{
	return getenv("TCP_RANDOM_SEED") ? 1 : RND_SEEDS;
}

static void
tweak_small(struct config *cfg)
{
	cfg->tcp_ooo_segs = 8; /* the bound is reached, too */
}

/* A segment from p at an arbitrary sequence with the stream's bytes. */
static void
send_stream(struct tt_peer *p, const uint8_t *stream, uint32_t off,
	    uint32_t len, uint8_t flags)
{
	tt_send(p, flags, p->iss + 1 + off, p->rcv_nxt, stream + off, len);
}

/* The stack's latest cumulative ACK among what it sent. */
static void
read_acks(struct tt_peer *p, uint32_t *ack)
{
	struct tt_seg segs[64];
	unsigned int n = tt_collect(p->h, segs, 64);

	for (unsigned int i = 0; i < n; i++) {
		assert_true(segs[i].s.flags & F_ACK);
		assert_int_equal(segs[i].s.len, 0);
		if (seq_gt(segs[i].s.ack, *ack))
			*ack = segs[i].s.ack;
	}
}

static void
receive_one_seed(uint64_t seed)
{
	enum { N = 60000 };
	static uint8_t stream[N];
	struct harness *h = tt_harness(tweak_small);
	struct tt_peer p;
	struct tt_app *a;
	uint32_t ack, base, covered = 0;

	rnd_state = seed;
	for (uint32_t i = 0; i < N; i++)
		stream[i] = (uint8_t)rnd();
	tt_peer_init(&p, h, (uint16_t)(45000 + (seed & 1023)));
	p.mss = 1460;
	a = tt_connect(&p);
	base = p.iss + 1;
	ack = base;
	for (int it = 0; it < 200000 && a->rx_len < N; it++) {
		uint32_t next = ack - base, off, len;
		uint32_t r = rnd_below(100);

		if (r < 15) {
			off = next; /* progress */
		} else if (r < 80) {
			off = next + rnd_below(8000); /* a gap ahead */
		} else if (r < 92) {
			/* old or overlapping the acknowledged edge */
			off = next > 3000 ? next - rnd_below(3000) : 0;
		} else if (r < 96) {
			/* Past the 64 KB window: must be dropped (garbage
			 * bytes, so delivering them would show). */
			tt_send(&p, F_ACK, base + next + 65535 + rnd_below(100000),
				p.rcv_nxt, stream + rnd_below(N - 1460), 1 + rnd_below(1460));
			read_acks(&p, &ack);
			continue;
		} else {
			off = next > 20000 ? next - 20000 : 0; /* far behind */
		}
		if (off >= N)
			continue;
		len = min_u32(1 + rnd_below(1460), N - off);
		send_stream(&p, stream, off, len, F_ACK | F_PSH);
		if (off <= covered && off + len > covered)
			covered = off + len;
		read_acks(&p, &ack);
		/* Never acknowledged past bytes we sent. */
		assert_true(ack - base <= N);
		if (rnd_below(10) == 0)
			harness_advance(h, rnd_below(60000));
	}
	if (getenv("TCP_RANDOM_VERBOSE"))
		print_message("receive seed %llx: ooo %lu ooo_drop %lu dup %lu overlap %lu oow %lu\n",
			      (unsigned long long)seed,
			      (unsigned long)HSTAT(h, tcp_ooo_segs),
			      (unsigned long)HSTAT(h, tcp_ooo_drop),
			      (unsigned long)HSTAT(h, tcp_dup_segs),
			      (unsigned long)HSTAT(h, tcp_rcv_overlap),
			      (unsigned long)HSTAT(h, tcp_drop_out_of_window));
	assert_int_equal(a->rx_len, N);
	assert_memory_equal(a->rx, stream, N);
	harness_advance(h, 50000);
	read_acks(&p, &ack);
	assert_int_equal(ack, base + N);
	/* Closed normally afterwards. */
	p.snd_nxt = base + N;
	tt_send(&p, F_FIN | F_ACK, p.snd_nxt, p.rcv_nxt, NULL, 0);
	p.snd_nxt++;
	read_acks(&p, &ack);
	assert_int_equal(ack, base + N + 1);
	assert_true(a->peer_fin);
	tcp_close(h->ctx, a->c);
	harness_poll(h);
	{
		struct tt_seg f;

		tt_one(h, &f);
		assert_int_equal(f.s.flags, F_FIN | F_ACK);
		p.rcv_nxt = f.s.seq + 1;
	}
	tt_send_ack(&p);
	tt_none(h);
	assert_true(a->closed);
	assert_int_equal(a->why, TCP_CLOSE_NORMAL);
	assert_int_equal(tcp_conn_count(h->ctx), 0);
	tt_teardown(h);
}

static void
test_tcp_random_receive_reordered_duplicated_overlapping(void **state)
{
	for (int i = 0; i < nseeds(); i++)
		receive_one_seed(seed_at(i));
}

static void
send_one_seed(uint64_t seed)
{
	enum { N = 300000 };
	struct harness *h = tt_harness(NULL);
	struct tt_peer p;
	struct tt_app *a;
	uint32_t start, got = 0, zero_left = 0, adv = 65535, wnd_edge;
	int quiet = 0;

	rnd_state = seed;
	tt_peer_init(&p, h, (uint16_t)(46000 + (seed & 1023)));
	p.mss = 1000;
	a = tt_connect(&p);
	start = p.rcv_nxt;
	wnd_edge = start + 65535;
	tt_policy.action = TT_RESPOND;
	tt_policy.resp_len = N;
	tt_send_data(&p, "GET", 3);
	for (int it = 0; it < 100000 && got < N; it++) {
		struct tt_seg segs[64];
		unsigned int n = tt_collect(h, segs, 64);
		uint32_t acks;

		for (unsigned int i = 0; i < n; i++) {
			const struct pkt_tcp_seen *s = &segs[i].s;
			uint32_t off = s->seq - start;

			assert_true(s->flags & F_ACK);
			if (s->flags & (F_SYN | F_RST | F_FIN))
				print_message("it %d flags %x seq %u (off %u) got %u give_up %lu rto %lu probes %lu win %u\n",
					      it, s->flags, s->seq, off, got,
					      (unsigned long)HSTAT(h, tcp_give_up),
					      (unsigned long)HSTAT(h, tcp_rto_timeouts),
					      (unsigned long)HSTAT(h, tcp_persist_probes), p.win);
			assert_false(s->flags & (F_SYN | F_RST | F_FIN));
			/* Everything sent is the stream, whatever the path. */
			for (size_t k = 0; k < s->len; k++)
				assert_int_equal(segs[i].data[k], tt_byte(off + (uint32_t)k));
			assert_true(off + s->len <= N);
			/* Never past what the stack was told it may send. */
			assert_true(off + s->len <= wnd_edge - start ||
				    (s->len == 1 && s->seq == p.rcv_nxt));
			/* An in-order receiver that drops 8% of segments and
			 * what its window does not take. */
			if (s->len && s->seq == p.rcv_nxt &&
			    s->seq + s->len - p.rcv_nxt <= adv &&
			    rnd_below(100) >= 8)
				p.rcv_nxt += (uint32_t)s->len;
		}
		got = p.rcv_nxt - start;
		quiet = n ? 0 : quiet + 1;
		if (getenv("TCP_RANDOM_TRACE") && it > atoi(getenv("TCP_RANDOM_TRACE"))) {
			print_message("it %d now %lu n %u got %u rto %lu probes %lu:", it,
				      (unsigned long)harness_now(), n, got,
				      (unsigned long)HSTAT(h, tcp_rto_timeouts),
				      (unsigned long)HSTAT(h, tcp_persist_probes));
			for (unsigned int i = 0; i < n; i++)
				print_message(" [%u+%zu f%x]", segs[i].s.seq - start,
					      segs[i].s.len, segs[i].s.flags);
			print_message("\n");
		}
		/* Windows: mostly open, sometimes small, now and then zero
		 * for a while. */
		if (zero_left) {
			zero_left--;
			p.win = 0;
		} else if (rnd_below(50) == 0) {
			zero_left = 1 + rnd_below(5);
			p.win = 0;
		} else {
			p.win = rnd_below(4) ? 65535 : (uint16_t)(200 + rnd_below(4000));
		}
		/* Acknowledge: once, or as duplicates (fast retransmit). */
		acks = rnd_below(6) == 0 ? 3 + rnd_below(3) : 1;
		if (n || rnd_below(4) == 0) {
			for (uint32_t k = 0; k < acks; k++)
				tt_send_ack(&p);
			adv = p.win;
			/* RFC 9293 §3.8.6.2.2: a window is not shrunk. */
			if (seq_gt(p.rcv_nxt + adv, wnd_edge))
				wnd_edge = p.rcv_nxt + adv;
		}
		if (getenv("TCP_RANDOM_TRACE") && it > atoi(getenv("TCP_RANDOM_TRACE")))
			print_message("   win %u acks %u (ack %u)\n", p.win,
				      (n || 1) ? acks : 0, p.rcv_nxt - start);
		if (quiet > 2)
			harness_advance(h, 200000 + rnd_below(2000000));
		else if (rnd_below(5) == 0)
			harness_advance(h, rnd_below(300000));
	}
	if (getenv("TCP_RANDOM_VERBOSE"))
		print_message("send seed %llx: rtx %lu rto %lu fast %lu probes %lu dupacks %lu\n",
			      (unsigned long long)seed,
			      (unsigned long)HSTAT(h, tcp_retransmits),
			      (unsigned long)HSTAT(h, tcp_rto_timeouts),
			      (unsigned long)HSTAT(h, tcp_fast_retransmits),
			      (unsigned long)HSTAT(h, tcp_persist_probes),
			      (unsigned long)HSTAT(h, tcp_dup_acks_rx));
	assert_int_equal(got, N);
	assert_false(a->closed);
	/* Everything acknowledged: the queue is empty, nothing in flight. */
	p.win = 65535;
	tt_send_ack(&p);
	harness_advance(h, 120000000);
	tt_none(h);
	assert_int_equal(tcp_send_space(a->c), h->cfg.tcp_snd_buf);
	tt_teardown(h);
}

static void
test_tcp_random_send_with_loss_windows_and_dup_acks(void **state)
{
	for (int i = 0; i < nseeds(); i++)
		send_one_seed(seed_at(i));
}


/* ---- chaos: any segment, any order, any callback action --------------- */

#define CH_APPS 64
#define CH_PEERS 6

struct ch_app {
	bool used;
	struct tcp_conn *c;
	uint32_t rx;
};

static struct ch_app ch_apps[CH_APPS];
static uint32_t ch_naccepted, ch_nclosed;

static void *
ch_accept(struct lcore_ctx *ctx, struct tcp_conn *c)
{
	if (rnd_below(20) == 0)
		return NULL;
	for (int i = 0; i < CH_APPS; i++)
		if (!ch_apps[i].used) {
			ch_apps[i] = (struct ch_app){ .used = true, .c = c };
			ch_naccepted++;
			return &ch_apps[i];
		}
	return NULL;
}

/* What the application does on a callback: anything it may do. */
static void
ch_act(struct lcore_ctx *ctx, struct tcp_conn *c)
{
	static uint8_t junk[3000];
	uint32_t r = rnd_below(100);

	if (r < 40) {
		int n = tcp_send(ctx, c, junk, rnd_below(sizeof(junk)));

		assert_true(n >= 0 || n == -ENOTCONN);
	} else if (r < 50) {
		tcp_close(ctx, c);
	} else if (r < 53) {
		tcp_abort(ctx, c);
	}
}

static void
ch_recv(struct lcore_ctx *ctx, struct tcp_conn *c, void *app,
	const uint8_t *data, uint32_t len)
{
	struct ch_app *a = app;

	assert_true(a->used);
	assert_ptr_equal(a->c, c);
	assert_true(len > 0);
	a->rx += len;
	ch_act(ctx, c);
}

static void
ch_peer_fin(struct lcore_ctx *ctx, struct tcp_conn *c, void *app)
{
	assert_true(((struct ch_app *)app)->used);
	ch_act(ctx, c);
}

static void
ch_writable(struct lcore_ctx *ctx, struct tcp_conn *c, void *app)
{
	assert_true(((struct ch_app *)app)->used);
	if (rnd_below(4) == 0)
		ch_act(ctx, c);
}

static void
ch_closed(struct lcore_ctx *ctx, struct tcp_conn *c, void *app,
	  enum tcp_close_reason why)
{
	struct ch_app *a = app;

	assert_true(a->used);
	assert_ptr_equal(a->c, c);
	a->used = false;
	ch_nclosed++;
}

static const struct tcp_ops ch_ops = {
	.accept = ch_accept,
	.recv = ch_recv,
	.peer_fin = ch_peer_fin,
	.writable = ch_writable,
	.closed = ch_closed,
};

static void
tweak_chaos(struct config *cfg)
{
	cfg->tcp_max_conns = 4;
	cfg->tcp_max_halfopen = 2;
	cfg->tcp_max_timewait = 2;
	cfg->tcp_ooo_segs = 3;
	cfg->tcp_snd_buf = 4096;
	cfg->tcp_challenge_acks_per_s = 5;
	cfg->tcp_max_retries = 3;
}

/* A sequence number near what the peer expects, or anywhere. */
static uint32_t
ch_near(uint32_t base)
{
	switch (rnd_below(6)) {
	case 0: return rnd();
	case 1: return base - rnd_below(70000);
	case 2: return base + rnd_below(70000);
	default: return base + rnd_below(3000) - 1000;
	}
}

static void
chaos_one_seed(uint64_t seed)
{
	static const uint8_t flagset[] = {
		F_SYN, F_SYN | F_ACK, F_ACK, F_ACK | F_PSH, F_FIN | F_ACK,
		F_RST, F_RST | F_ACK, F_FIN, F_ACK, F_ACK | F_PSH, F_ACK | F_PSH,
		F_SYN | F_FIN, 0,
	};
	static uint8_t data[1500];
	struct harness *h;
	struct tt_peer peers[CH_PEERS];
	uint64_t leaked;

	rnd_state = seed;
	memset(ch_apps, 0, sizeof(ch_apps));
	ch_naccepted = ch_nclosed = 0;
	h = harness_create(tweak_chaos);
	assert_int_equal(tcp_listen(h->ctx, TT_PORT, &ch_ops), 0);
	for (int i = 0; i < CH_PEERS; i++) {
		tt_peer_init(&peers[i], h, (uint16_t)(47000 + i));
		peers[i].iss = rnd();
		peers[i].snd_nxt = peers[i].iss;
	}
	for (int it = 0; it < 4000; it++) {
		struct tt_peer *p = &peers[rnd_below(CH_PEERS)];
		uint8_t flags = flagset[rnd_below(sizeof(flagset))];
		uint32_t len = (flags & (F_SYN | F_RST)) || rnd_below(3) == 0 ?
			       0 : rnd_below(sizeof(data));
		struct pkt_tcp t = {
			.sport = p->sport, .dport = rnd_below(30) ? TT_PORT : 81,
			.seq = (flags & F_SYN) && rnd_below(2) ? p->iss : ch_near(p->snd_nxt),
			.ack = ch_near(p->rcv_nxt), .flags = flags,
			.win = rnd_below(8) ? 65535 : (uint16_t)rnd_below(3000),
			.mss = (flags & F_SYN) ? (uint16_t)(rnd_below(2) ? 1460 : 536) : 0,
			.wscale = (flags & F_SYN) && rnd_below(2) ? (int8_t)rnd_below(15) : -1,
			.ts = p->ts, .tsval = p->tsval, .tsecr = p->ts_recent,
			.data = data, .len = len, .bad_cksum = rnd_below(50) == 0,
		};
		struct rte_mbuf *m;

		if (rnd_below(100) < 60) {
			/* A well-behaved peer's next step. */
			t.dport = TT_PORT;
			t.bad_cksum = false;
			t.win = 65535;
			t.wscale = -1;
			t.mss = 0;
			p->tsval += rnd_below(3);
			t.tsval = p->tsval;
			if (!p->srv_iss) {
				p->iss = rnd();
				p->ts = rnd_below(2);
				t.ts = p->ts;
				t.tsval = p->tsval;
				t.flags = F_SYN;
				t.seq = p->iss;
				t.ack = 0;
				t.mss = 1460;
				t.wscale = rnd_below(2) ? 7 : -1;
				t.len = 0;
			} else {
				uint32_t r = rnd_below(100);

				t.seq = p->snd_nxt;
				t.ack = p->rcv_nxt;
				t.flags = F_ACK;
				t.len = 0;
				if (r < 60) {
					t.flags |= F_PSH;
					t.len = 1 + rnd_below(sizeof(data) - 1);
				} else if (r < 67) {
					t.flags |= F_FIN;
				} else if (r < 70) {
					t.flags = F_RST;
				}
			}
			flags = t.flags;
			len = (uint32_t)t.len;
		}
		tt_send_raw(h, &t);
		if (flags & F_RST) {
			if (t.seq == p->snd_nxt)
				p->srv_iss = 0; /* the peer forgets it */
		} else if (flags & F_SYN) {
			p->snd_nxt = t.seq + 1;
		} else if (t.seq == p->snd_nxt) {
			p->snd_nxt += len + !!(flags & F_FIN);
		}
		/* What the stack sent teaches the peer its sequence. */
		lcore_tx_flush(h->ctx);
		while (harness_collect(h, &m, 1) > 0) {
			struct pkt_tcp_seen s;

			assert_true(pkt_parse_tcp(m, &s));
			assert_true(s.tcp_cksum_ok && s.ip_cksum_ok);
			for (int i = 0; i < CH_PEERS; i++)
				if (peers[i].sport == s.dport) {
					if (s.ts)
						peers[i].ts_recent = s.tsval;
					if (s.flags & F_RST) {
						peers[i].srv_iss = 0;
					} else if (s.flags & F_SYN) {
						peers[i].srv_iss = s.seq;
						peers[i].rcv_nxt = s.seq + 1;
					} else if (seq_gt(s.seq + (uint32_t)s.len +
							  !!(s.flags & F_FIN), peers[i].rcv_nxt))
						peers[i].rcv_nxt = s.seq + (uint32_t)s.len +
								   !!(s.flags & F_FIN);
				}
			rte_pktmbuf_free(m);
		}
		assert_true(tcp_conn_count(h->ctx) <= 4);
		if (rnd_below(8) == 0)
			harness_advance(h, rnd_below(4) ? rnd_below(100000) :
							  rnd_below(20000000));
	}
	if (getenv("TCP_RANDOM_VERBOSE"))
		print_message("chaos seed %llx: accepted %u rx %lu tx %lu rst_tx %lu chack %lu cookies %lu/%lu tw %lu ooo %lu rtx %lu\n",
			      (unsigned long long)seed, ch_naccepted,
			      (unsigned long)HSTAT(h, tcp_rx_segs),
			      (unsigned long)HSTAT(h, tcp_tx_segs),
			      (unsigned long)HSTAT(h, tcp_rst_tx),
			      (unsigned long)HSTAT(h, tcp_challenge_ack),
			      (unsigned long)HSTAT(h, tcp_syncookie_tx),
			      (unsigned long)HSTAT(h, tcp_syncookie_ok),
			      (unsigned long)HSTAT(h, tcp_timewait_entered),
			      (unsigned long)HSTAT(h, tcp_ooo_segs),
			      (unsigned long)HSTAT(h, tcp_retransmits));
	/* Everything ends: fini closes what is left, nothing leaks. */
	harness_drain(h);
	tcp_lcore_fini(h->ctx);
	lcore_tx_flush(h->ctx);
	harness_drain(h);
	assert_int_equal(ch_naccepted, ch_nclosed);
	leaked = (uint64_t)harness_mbufs_leaked(h);
	assert_int_equal(leaked, 0);
	harness_destroy(h);
}

static void
test_tcp_random_chaos_no_crash_no_leak_closed_once(void **state)
{
	for (int i = 0; i < nseeds() * 4; i++)
		chaos_one_seed(seed_at(i) ^ 0xc4a05);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tcp_random_receive_reordered_duplicated_overlapping),
		cmocka_unit_test(test_tcp_random_send_with_loss_windows_and_dup_acks),
		cmocka_unit_test(test_tcp_random_chaos_no_crash_no_leak_closed_once),
	};

	return TT_RUN(tests);
}
