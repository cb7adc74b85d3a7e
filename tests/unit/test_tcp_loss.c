/* SPDX-License-Identifier: BSD-3-Clause */
/* test_tcp_loss.c: a client connection (tcp_connect) in a depth-1
 * request/response loop against a scripted server, with seeded random
 * loss in both directions on the fake clock: no request may stall.
 * TCP_LOSS_SEEDS=n runs n seeds, TCP_LOSS_PERMILLE=p drops p per mille
 * (at 250 a request can legitimately wait out 7 backed-off RTOs: the
 * 30 s bound is for the 5 % of docs/LOAD.md), TCP_LOSS_VERBOSE=1 prints
 * counts, TCP_LOSS_TRACE=1 every client data segment and its fate. */
#include <stdlib.h>
#include <string.h>

#include "tcp_test.h"

#define LT_SRV 80
#define LT_REQ 180	   /* a request, bytes */
#define LT_RESP 120	   /* its response */
#define LT_SRV_RTO 200000  /* the scripted server's RTO, us */
#define LT_STALL 30000000  /* no answer for this long: a stall, us */
#define LT_SIM_US 120000000 /* simulated time per seed */

static uint64_t lt_rnd_state;

static uint32_t
lt_rnd(void)
{
	lt_rnd_state ^= lt_rnd_state >> 12;
	lt_rnd_state ^= lt_rnd_state << 25;
	lt_rnd_state ^= lt_rnd_state >> 27;
	return (uint32_t)((lt_rnd_state * 0x2545f4914f6cdd1dULL) >> 32);
}

/* 50 per mille, as the fault shim's drop_permille in docs/LOAD.md. */
static bool
lt_drop(uint32_t permille)
{
	return lt_rnd() % 1000 < permille;
}

/* The client application: one request in flight at a time. */
struct lt_app {
	struct tcp_conn *c;
	bool up, closed;
	uint32_t got;  /* bytes of the current response */
	uint32_t done; /* responses complete */
	uint32_t sent; /* requests sent */
};

static struct lt_app lt_app;
static uint8_t lt_req_buf[LT_REQ];

static void
lt_request(struct lcore_ctx *ctx, struct lt_app *a)
{
	assert_int_equal(tcp_send(ctx, a->c, lt_req_buf, LT_REQ), LT_REQ);
	a->sent++;
}

static void
lt_connected(struct lcore_ctx *ctx, struct tcp_conn *c, void *app)
{
	struct lt_app *a = app;

	(void)c;
	a->up = true;
	lt_request(ctx, a);
}

static void
lt_recv(struct lcore_ctx *ctx, struct tcp_conn *c, void *app,
	const uint8_t *data, uint32_t len)
{
	struct lt_app *a = app;

	(void)c;
	(void)data;
	a->got += len;
	assert_true(a->got <= LT_RESP);
	if (a->got == LT_RESP) {
		a->got = 0;
		a->done++;
		lt_request(ctx, a);
	}
}

static void
lt_closed(struct lcore_ctx *ctx, struct tcp_conn *c, void *app,
	  enum tcp_close_reason why)
{
	struct lt_app *a = app;

	(void)ctx;
	(void)c;
	(void)why;
	a->closed = true;
	a->c = NULL;
}

static const struct tcp_ops lt_ops = {
	.recv = lt_recv,
	.closed = lt_closed,
	.connected = lt_connected,
};

/* The scripted server: a minimal but correct TCP for this exchange. */
struct lt_srv {
	struct harness *h;
	uint16_t lport;	  /* the client's port, host order */
	bool synced;	  /* the client's SYN seen */
	uint32_t iss, rcv_nxt, cbase; /* cbase: the client's ISS + 1 */
	uint32_t una, nxt, gen; /* sent and acknowledged; generated */
	uint64_t rtx_at;	/* next retransmission due; 0 none */
	uint32_t backoff;
	uint32_t tsval, ts_recent;
	uint32_t permille;
	uint8_t resp[LT_RESP];
};

static void
lt_srv_send(struct lt_srv *s, uint8_t flags, uint32_t seq, const void *data,
	    uint32_t len)
{
	struct pkt_tcp t = {
		.sport = LT_SRV,
		.dport = s->lport,
		.seq = seq,
		.ack = s->rcv_nxt,
		.flags = flags,
		.win = 65535,
		.ts = true,
		.tsval = s->tsval,
		.tsecr = s->ts_recent,
		.data = data,
		.len = len,
	};

	if (flags & F_SYN) {
		t.mss = 1460;
		t.wscale = -1;
	}
	if (lt_drop(s->permille))
		return;
	tt_send_raw(s->h, &t);
}

/* Everything unacknowledged from una (the response is one segment). */
static void
lt_srv_output(struct lt_srv *s, uint32_t from)
{
	uint32_t len = s->gen - from;

	if (len == 0) {
		lt_srv_send(s, F_ACK, s->nxt, NULL, 0);
		return;
	}
	lt_srv_send(s, F_ACK | F_PSH, s->iss + 1 + from, s->resp, len);
	if (s->gen > s->nxt)
		s->nxt = s->gen;
	if (!s->rtx_at)
		s->rtx_at = harness_now() + ((uint64_t)LT_SRV_RTO << s->backoff);
}

/* One segment from the client (already past the loss draw). */
static void
lt_srv_input(struct lt_srv *s, const struct tt_seg *g)
{
	uint32_t seq = g->s.seq, end = seq + (uint32_t)g->s.len, gen;

	if (g->s.ts)
		s->ts_recent = g->s.tsval;
	if (g->s.flags & F_RST)
		fail_msg("the client reset the connection");
	if (g->s.flags & F_SYN) {
		s->synced = true;
		s->lport = g->s.sport;
		s->rcv_nxt = seq + 1;
		s->cbase = seq + 1;
		lt_srv_send(s, F_SYN | F_ACK, s->iss, NULL, 0);
		return;
	}
	if (!s->synced)
		return;
	/* ACK of our data. */
	if (g->s.flags & F_ACK) {
		uint32_t acked = g->s.ack - (s->iss + 1);

		if ((int32_t)(acked - s->una) > 0 && acked <= s->gen) {
			s->una = acked;
			s->backoff = 0;
			s->rtx_at = s->una == s->gen
					    ? 0
					    : harness_now() + LT_SRV_RTO;
		}
	}
	if (g->s.len == 0)
		return;
	if ((int32_t)(seq - s->rcv_nxt) > 0 ||
	    (int32_t)(end - s->rcv_nxt) <= 0) {
		/* A hole or a duplicate: a duplicate ACK. */
		lt_srv_send(s, F_ACK, s->iss + 1 + s->nxt, NULL, 0);
		return;
	}
	s->rcv_nxt = end;
	/* Each whole request is answered at once (depth 1). */
	gen = (s->rcv_nxt - s->cbase) / LT_REQ * LT_RESP;
	if (gen != s->gen) {
		s->gen = gen;
		lt_srv_output(s, s->nxt);
	} else {
		lt_srv_send(s, F_ACK, s->iss + 1 + s->nxt, NULL, 0);
	}
}

/* The server's retransmission timer (RFC 6298 backoff). */
static void
lt_srv_timer(struct lt_srv *s)
{
	if (!s->rtx_at || harness_now() < s->rtx_at)
		return;
	if (s->backoff < 6)
		s->backoff++;
	s->rtx_at = 0;
	lt_srv_output(s, s->una);
}

/*
 * seed: the loss pattern. Runs LT_SIM_US of simulated time in 1 ms
 * steps; fails when no response completes for LT_STALL while the client
 * waits for one.
 */
static void
lt_run(struct harness *h, uint64_t seed, uint32_t permille)
{
	static const struct rte_ether_addr bcast = {
		.addr_bytes = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff}};
	static const struct rte_ether_addr zero;
	static struct lt_srv s;
	static struct tt_seg segs[64];
	uint8_t f[PKT_MAX];
	uint64_t t0 = harness_now(), last, last_done = 0, max_gap = 0;
	size_t fl;

	lt_rnd_state = seed;
	memset(&lt_app, 0, sizeof(lt_app));
	memset(&s, 0, sizeof(s));
	memset(lt_req_buf, 'q', sizeof(lt_req_buf));
	memset(s.resp, 'r', sizeof(s.resp));
	s.h = h;
	s.iss = 5000000;
	s.tsval = 100;
	s.permille = permille;
	fl = pkt_arp(f, &bcast, &harness_peer_mac, 1, HARNESS_PEER_IP, &zero,
		     HARNESS_OUR_IP);
	harness_feed(h, f, fl);
	harness_drain(h);
	assert_int_equal(tcp_connect(h->ctx, rte_cpu_to_be_32(HARNESS_PEER_IP),
				     rte_cpu_to_be_16(LT_SRV), &lt_ops,
				     &lt_app, &lt_app.c),
			 0);
	last = harness_now();
	while (harness_now() - t0 < LT_SIM_US) {
		unsigned int n;

		harness_advance(h, 1000);
		s.tsval++;
		n = tt_collect(h, segs, 64);
		for (unsigned int i = 0; i < n; i++) {
			bool d = lt_drop(permille);

			if (getenv("TCP_LOSS_TRACE") && segs[i].s.len)
				print_message("%llu c>s seq %u len %zu%s\n",
					      (unsigned long long)harness_now(),
					      segs[i].s.seq - s.cbase, segs[i].s.len,
					      d ? " DROP" : "");
			if (d)
				continue;
			lt_srv_input(&s, &segs[i]);
		}
		lt_srv_timer(&s);
		assert_false(lt_app.closed);
		if (lt_app.done != last_done) {
			if (harness_now() - last > max_gap)
				max_gap = harness_now() - last;
			last_done = lt_app.done;
			last = harness_now();
		}
		if (harness_now() - last > LT_STALL)
			fail_msg("seed %llu: no response for %llu us after %u "
				 "(client sent %u, server got %u bytes, sent "
				 "%u, acked %u; client state %d)",
				 (unsigned long long)seed,
				 (unsigned long long)(harness_now() - last),
				 lt_app.done, lt_app.sent,
				 s.rcv_nxt - s.cbase, s.nxt, s.una,
				 lt_app.c ? (int)tcp_conn_state(lt_app.c)
					  : -1);
	}
	if (getenv("TCP_LOSS_VERBOSE"))
		print_message("seed %llu: %u responses, longest wait %llu us, "
			      "%llu rto, %llu rtx\n",
			      (unsigned long long)seed, lt_app.done,
			      (unsigned long long)max_gap,
			      (unsigned long long)HSTAT(h, tcp_rto_timeouts),
			      (unsigned long long)HSTAT(h, tcp_retransmits));
	assert_true(lt_app.done > 100);
}

static void
test_tcp_loss_depth1_5pct_both_ways_never_stalls(void **state)
{
	struct harness *h = *state;

	const char *e = getenv("TCP_LOSS_SEEDS");
	uint64_t nseeds = e ? strtoull(e, NULL, 0) : 8;
	const char *pm = getenv("TCP_LOSS_PERMILLE");
	uint32_t permille = pm ? (uint32_t)strtoul(pm, NULL, 0) : 50;

	for (uint64_t seed = 1; seed <= nseeds; seed++) {
		if (seed > 1)
			h = tt_reopen(state, NULL);
		lt_run(h, 0x9e3779b97f4a7c15ULL * seed, permille);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		TT_TEST(test_tcp_loss_depth1_5pct_both_ways_never_stalls),
	};

	return TT_RUN(tests);
}
