/* SPDX-License-Identifier: BSD-3-Clause */
/* test_tcp_connect.c: active open (tcp_connect): the SYN, SYN_SENT,
 * refusal, SYN retransmission, ephemeral ports, and client connections
 * through data, retransmission and both close paths. */
#include <errno.h>
#include <string.h>

#include <rte_thash.h>

#include "tcp_test.h"

#define TC_SRV 80 /* the scripted server's port */
#define TC_APPS 8

/* A client connection as the application sees it. */
struct tc_app {
	struct tcp_conn *c;
	uint32_t connected_calls;
	bool closed;
	enum tcp_close_reason why;
	bool peer_fin;
	uint8_t rx[4096];
	uint32_t rx_len;
	const char *hello; /* sent from connected() when set */
};

static struct tc_app tc_apps[TC_APPS];

static void
tc_connected(struct lcore_ctx *ctx, struct tcp_conn *c, void *app)
{
	struct tc_app *a = app;

	assert_ptr_equal(a->c, c);
	assert_false(a->closed);
	assert_int_equal(tcp_conn_state(c), TCP_ESTABLISHED);
	a->connected_calls++;
	if (a->hello)
		assert_int_equal(tcp_send(ctx, c, a->hello, strlen(a->hello)),
				 (int)strlen(a->hello));
}

static void
tc_recv(struct lcore_ctx *ctx, struct tcp_conn *c, void *app,
	const uint8_t *data, uint32_t len)
{
	struct tc_app *a = app;

	(void)ctx;
	assert_ptr_equal(a->c, c);
	assert_int_equal(a->connected_calls, 1);
	assert_true(a->rx_len + len <= sizeof(a->rx));
	memcpy(a->rx + a->rx_len, data, len);
	a->rx_len += len;
}

static void
tc_peer_fin(struct lcore_ctx *ctx, struct tcp_conn *c, void *app)
{
	struct tc_app *a = app;

	(void)ctx;
	(void)c;
	a->peer_fin = true;
}

static void
tc_closed(struct lcore_ctx *ctx, struct tcp_conn *c, void *app,
	  enum tcp_close_reason why)
{
	struct tc_app *a = app;

	(void)ctx;
	assert_ptr_equal(a->c, c);
	assert_false(a->closed);
	a->closed = true;
	a->why = why;
}

static const struct tcp_ops tc_ops = {
	.recv = tc_recv,
	.peer_fin = tc_peer_fin,
	.closed = tc_closed,
	.connected = tc_connected,
};

/* The scripted server: its port, ours, the sequence numbers it tracks. */
struct tc_peer {
	struct harness *h;
	uint16_t port;	  /* host order */
	uint16_t lport;	  /* our ephemeral port, host order */
	uint32_t iss;	  /* the server's ISN */
	uint32_t snd_nxt; /* next sequence the server sends */
	uint32_t rcv_nxt; /* next sequence expected from us */
	uint32_t our_iss; /* from our SYN */
	uint16_t win;
	uint16_t mss; /* SYN-ACK options */
	int8_t wscale;
	bool ts;
	uint32_t tsval, ts_recent;
};

static struct tc_app *
tc_slot(void)
{
	for (int i = 0; i < TC_APPS; i++)
		if (!tc_apps[i].c && !tc_apps[i].closed)
			return &tc_apps[i];
	fail_msg("more than %d client connections", TC_APPS);
	return NULL;
}

/* The peer announces itself (an ARP request for us): its MAC is cached,
 * so SYNs leave at once. The ARP reply is discarded. */
static void
tc_arp_learn(struct harness *h)
{
	static const struct rte_ether_addr bcast = {
		.addr_bytes = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff}};
	static const struct rte_ether_addr zero;
	uint8_t f[PKT_MAX];
	size_t n;

	n = pkt_arp(f, &bcast, &harness_peer_mac, 1, HARNESS_PEER_IP, &zero,
		    HARNESS_OUR_IP);
	harness_feed(h, f, n);
	harness_drain(h);
}

/* Fresh client slots, the peer's MAC cached; returns the harness. */
static struct harness *
tc_begin(void **state, void (*tweak)(struct config *cfg))
{
	struct harness *h = tweak ? tt_reopen(state, tweak) : *state;

	memset(tc_apps, 0, sizeof(tc_apps));
	tc_arp_learn(h);
	return h;
}

static void
tc_peer_init(struct tc_peer *p, struct harness *h, uint16_t port)
{
	memset(p, 0, sizeof(*p));
	p->h = h;
	p->port = port;
	p->iss = 70000;
	p->win = 65535;
	p->mss = 1460;
	p->wscale = -1;
	p->ts = true;
	p->tsval = 9000;
}

static int
tc_connect(struct tc_peer *p, struct tc_app *a)
{
	return tcp_connect(p->h->ctx, rte_cpu_to_be_32(HARNESS_PEER_IP),
			   rte_cpu_to_be_16(p->port), &tc_ops, a, &a->c);
}

/* tcp_connect, and the SYN it sent (one segment) in *syn. */
static void
tc_syn(struct tc_peer *p, struct tc_app *a, struct tt_seg *syn)
{
	assert_int_equal(tc_connect(p, a), 0);
	assert_non_null(a->c);
	assert_int_equal(tcp_conn_state(a->c), TCP_SYN_SENT);
	tt_one(p->h, syn);
	assert_int_equal(syn->s.flags, F_SYN);
	assert_int_equal(syn->s.dport, p->port);
	assert_int_equal(syn->s.sport,
			 rte_be_to_cpu_16(tcp_conn_local_port(a->c)));
	p->lport = syn->s.sport;
	p->our_iss = syn->s.seq;
	p->rcv_nxt = syn->s.seq + 1;
	if (syn->s.ts)
		p->ts_recent = syn->s.tsval;
}

/* One segment from the server (window and timestamps from p). */
static void
tc_send(struct tc_peer *p, uint8_t flags, uint32_t seq, uint32_t ack,
	const void *data, uint32_t len)
{
	struct pkt_tcp t = {
		.sport = p->port,
		.dport = p->lport,
		.win = p->win,
		.ts = p->ts,
		.tsval = p->tsval,
		.tsecr = p->ts_recent,
	};

	tt_send_seg(p->h, &t, flags, seq, ack, data, len);
}

/* The server's SYN-ACK with p's options. */
static void
tc_synack(struct tc_peer *p)
{
	struct pkt_tcp t = {
		.sport = p->port,
		.dport = p->lport,
		.seq = p->iss,
		.ack = p->rcv_nxt,
		.flags = F_SYN | F_ACK,
		.win = p->win,
		.mss = p->mss,
		.wscale = p->wscale,
		.ts = p->ts,
		.tsval = p->tsval,
		.tsecr = p->ts_recent,
	};

	p->snd_nxt = p->iss + 1;
	tt_send_raw(p->h, &t);
}

/* SYN, SYN-ACK, and our ACK checked: ESTABLISHED, connected() once. */
static struct tc_app *
tc_establish(struct tc_peer *p)
{
	struct tc_app *a = tc_slot();
	struct tt_seg syn, ack;

	tc_syn(p, a, &syn);
	tc_synack(p);
	tt_one(p->h, &ack);
	assert_int_equal(ack.s.flags, F_ACK);
	assert_int_equal(ack.s.seq, p->our_iss + 1);
	assert_int_equal(ack.s.ack, p->iss + 1);
	assert_int_equal(ack.s.len, 0);
	assert_int_equal(a->connected_calls, 1);
	assert_int_equal(tcp_conn_state(a->c), TCP_ESTABLISHED);
	if (ack.s.ts)
		p->ts_recent = ack.s.tsval;
	return a;
}

/* Data at p->snd_nxt acknowledging p->rcv_nxt. */
static void
tc_send_data(struct tc_peer *p, const void *data, uint32_t len)
{
	tc_send(p, F_ACK | F_PSH, p->snd_nxt, p->rcv_nxt, data, len);
	p->snd_nxt += len;
}

static void
tc_send_ack(struct tc_peer *p)
{
	tc_send(p, F_ACK, p->snd_nxt, p->rcv_nxt, NULL, 0);
}

static void
assert_near_ms(uint64_t got_us, uint64_t want_us)
{
	if (got_us < want_us || got_us > want_us + 1000)
		fail_msg("fired after %llu us, expected %llu us",
			 (unsigned long long)got_us,
			 (unsigned long long)want_us);
}

/* ---- the SYN ------------------------------------------------------------ */

static void
test_tcp_connect_syn_offers_mss_ws_ts_and_no_sack(void **state)
{
	struct harness *h = tc_begin(state, NULL);
	struct tc_app *a = tc_slot();
	struct tc_peer p;
	struct tt_seg syn;
	uint16_t lport;

	tc_peer_init(&p, h, TC_SRV);
	tc_syn(&p, a, &syn);
	assert_int_equal(syn.s.ack, 0);
	assert_int_equal(syn.s.len, 0);
	/* MSS from tcp.mss within the MTU (1460 over 1500). */
	assert_int_equal(syn.s.mss, 1460);
	/* Window scale: the shift the configured window needs (65535: 0),
	 * offered anyway so the peer may scale its own. */
	assert_int_equal(syn.s.wscale, 0);
	assert_true(syn.s.ts);
	assert_int_equal(syn.s.tsecr, 0);
	/* We do not implement SACK: never offered. */
	assert_false(syn.s.sack_perm);
	/* The window of a SYN is not scaled. */
	assert_int_equal(syn.s.win, 65535);
	/* An ephemeral port of the default range (one lcore: all of it). */
	lport = syn.s.sport;
	assert_true(lport >= 32768 && lport <= 60999);
	assert_int_equal(tt_state_count(h, TCP_SYN_SENT), 1);
	assert_int_equal(HSTAT(h, tcp_connect), 1);
	assert_int_equal(HSTAT(h, tcp_syn_tx), 1);
	assert_int_equal(a->connected_calls, 0);
}

static void
tcp_connect_tweak_big_window(struct config *cfg)
{
	cfg->tcp_rcv_wnd = 1 << 20;
	cfg->tcp_mss = 1200;
}

static void
test_tcp_connect_syn_window_scale_and_mss_follow_config(void **state)
{
	struct harness *h = tc_begin(state, tcp_connect_tweak_big_window);
	struct tc_app *a = tc_slot();
	struct tc_peer p;
	struct tt_seg syn, ack;

	tc_peer_init(&p, h, TC_SRV);
	tc_syn(&p, a, &syn);
	assert_int_equal(syn.s.mss, 1200);
	assert_int_equal(syn.s.wscale, 5); /* 1 MiB >> 5 fits 16 bits */
	assert_int_equal(syn.s.win, 65535);
	/* The peer scales too: our later windows are shifted by 5. */
	p.wscale = 7;
	tc_synack(&p);
	tt_one(h, &ack);
	assert_int_equal(ack.s.flags, F_ACK);
	assert_int_equal(ack.s.win, (1 << 20) >> 5);
}

static void
test_tcp_connect_first_syn_waits_for_arp_reply(void **state)
{
	struct harness *h = *state;
	struct tc_app *a = &tc_apps[0];
	struct rte_mbuf *m[4];
	struct rte_ether_hdr *eh;
	struct tc_peer p;
	struct tt_seg syn;
	uint8_t f[PKT_MAX];
	size_t n;

	memset(tc_apps, 0, sizeof(tc_apps));
	tc_peer_init(&p, h, TC_SRV);
	assert_int_equal(tc_connect(&p, a), 0);
	lcore_tx_flush(h->ctx);
	/* Only an ARP request is on the wire; the SYN is held for it. */
	assert_int_equal(harness_collect(h, m, 4), 1);
	eh = rte_pktmbuf_mtod(m[0], struct rte_ether_hdr *);
	assert_int_equal(rte_be_to_cpu_16(eh->ether_type), RTE_ETHER_TYPE_ARP);
	rte_pktmbuf_free(m[0]);
	assert_int_equal(HSTAT(h, arp_pending_queued), 1);
	/* The reply releases the SYN, to the MAC it gave. */
	n = pkt_arp(f, &h->ifc.mac, &harness_peer_mac, 2, HARNESS_PEER_IP,
		    &h->ifc.mac, HARNESS_OUR_IP);
	harness_feed(h, f, n);
	tt_one(h, &syn);
	assert_int_equal(syn.s.flags, F_SYN);
	assert_int_equal(syn.s.dport, TC_SRV);
	assert_int_equal(HSTAT(h, arp_pending_sent), 1);
	p.lport = syn.s.sport;
	p.our_iss = syn.s.seq;
	p.rcv_nxt = syn.s.seq + 1;
	p.ts_recent = syn.s.tsval;
	tc_synack(&p);
	tt_one(h, &syn);
	assert_int_equal(syn.s.flags, F_ACK);
	assert_int_equal(a->connected_calls, 1);
}

/* ---- SYN_SENT (RFC 9293 §3.10.7.3) -------------------------------------- */

static void
test_tcp_connect_synack_establishes_and_acks(void **state)
{
	struct harness *h = tc_begin(state, NULL);
	struct tc_peer p;
	struct tc_app *a;

	tc_peer_init(&p, h, TC_SRV);
	a = tc_establish(&p);
	assert_int_equal(tt_state_count(h, TCP_SYN_SENT), 0);
	assert_int_equal(tt_state_count(h, TCP_ESTABLISHED), 1);
	assert_false(a->closed);
	/* The ACK echoed the server's timestamp. */
	assert_int_equal(tcp_conn_count(h->ctx), 1);
	tt_none(h);
}

static void
test_tcp_connect_synack_ack_echoes_timestamp_only_when_agreed(void **state)
{
	struct harness *h = tc_begin(state, NULL);
	struct tc_app *a = tc_slot();
	struct tc_peer p;
	struct tt_seg syn, ack;

	tc_peer_init(&p, h, TC_SRV);
	tc_syn(&p, a, &syn);
	p.tsval = 123456;
	tc_synack(&p);
	tt_one(h, &ack);
	assert_true(ack.s.ts);
	assert_int_equal(ack.s.tsecr, 123456);

	/* A server without timestamps: none on later segments. */
	tc_peer_init(&p, h, TC_SRV + 1);
	p.ts = false;
	a = tc_slot();
	tc_syn(&p, a, &syn);
	assert_true(syn.s.ts);
	tc_synack(&p);
	tt_one(h, &ack);
	assert_int_equal(ack.s.flags, F_ACK);
	assert_false(ack.s.ts);
}

static void
test_tcp_connect_data_sent_from_connected_carries_the_ack(void **state)
{
	struct harness *h = tc_begin(state, NULL);
	struct tc_app *a = tc_slot();
	struct tc_peer p;
	struct tt_seg syn, d;

	a->hello = "GET / HTTP/1.1\r\n\r\n";
	tc_peer_init(&p, h, TC_SRV);
	tc_syn(&p, a, &syn);
	tc_synack(&p);
	/* One segment: the request, acknowledging the SYN-ACK. */
	tt_one(h, &d);
	assert_int_equal(d.s.flags, F_ACK | F_PSH);
	assert_int_equal(d.s.seq, p.our_iss + 1);
	assert_int_equal(d.s.ack, p.iss + 1);
	assert_int_equal(d.s.len, strlen(a->hello));
	assert_int_equal(HSTAT(h, tcp_tx_pure_acks), 0);
	p.rcv_nxt += (uint32_t)d.s.len;
	tc_send_ack(&p);
	tt_none(h);
}

/*
 * The server's first data on a client connection is header prediction's
 * (rcv_pred made at the SYN-ACK: its window unscaled, the scale and
 * timestamps agreed there), with and without timestamps and window
 * scaling, and its ACK delayed (rcv_ack_at, made there too); a window
 * other than the one held is not predicted.
 */
static void
test_tcp_connect_server_data_takes_header_prediction(void **state)
{
	struct harness *h = tc_begin(state, NULL);

	for (int i = 0; i < 4; i++) {
		struct tc_peer p;
		struct tc_app *a;
		struct tt_seg r[8];
		uint64_t n0;

		tc_peer_init(&p, h, (uint16_t)(TC_SRV + i));
		p.ts = i & 1;
		p.wscale = (i & 2) ? 7 : -1;
		a = tc_establish(&p);
		/* the SYN-ACK's 65535, scaled from here on */
		p.win = (i & 2) ? 65535 >> 7 : 65535;
		n0 = HSTAT(h, tcp_fast_path);
		tc_send_data(&p, "hello", 5);
		assert_int_equal(HSTAT(h, tcp_fast_path), n0 + 1);
		assert_int_equal(a->rx_len, 5);
		/* less than two segments: the ACK is delayed (rcv_ack_at) */
		assert_int_equal(tt_collect(h, r, 8), 0);
		p.win--;
		tc_send_data(&p, "again", 5);
		assert_int_equal(HSTAT(h, tcp_fast_path), n0 + 1);
		assert_int_equal(a->rx_len, 10);
		(void)tt_collect(h, r, 8);
	}
}

static void
test_tcp_connect_retransmitted_synack_is_acked_again(void **state)
{
	struct harness *h = tc_begin(state, NULL);
	struct tc_peer p;
	struct tt_seg r;

	tc_peer_init(&p, h, TC_SRV);
	tc_establish(&p);
	/* Our ACK was lost: the server sends its SYN-ACK again, and gets
	 * an ACK (RFC 5961 §4.2's challenge ACK is that ACK). */
	tc_synack(&p);
	tt_one(h, &r);
	assert_int_equal(r.s.flags, F_ACK);
	assert_int_equal(r.s.seq, p.our_iss + 1);
	assert_int_equal(r.s.ack, p.iss + 1);
	assert_int_equal(tt_state_count(h, TCP_ESTABLISHED), 1);
}

static void
test_tcp_connect_rst_acking_syn_is_refused(void **state)
{
	struct harness *h = tc_begin(state, NULL);
	struct tc_app *a = tc_slot();
	struct tc_peer p;
	struct tt_seg syn;

	tc_peer_init(&p, h, TC_SRV);
	tc_syn(&p, a, &syn);
	/* What a closed port answers: <SEQ=0><ACK=ISS+1><CTL=RST,ACK>. */
	tc_send(&p, F_RST | F_ACK, 0, p.our_iss + 1, NULL, 0);
	tt_none(h);
	assert_true(a->closed);
	assert_int_equal(a->why, TCP_CLOSE_REFUSED);
	assert_int_equal(tcp_close_errno(a->why), ECONNREFUSED);
	assert_int_equal(a->connected_calls, 0);
	assert_int_equal(tcp_conn_count(h->ctx), 0);
	assert_int_equal(HSTAT(h, tcp_connect_refused), 1);
	/* Nothing is retransmitted afterwards. */
	harness_advance(h, 5000000);
	tt_none(h);
}

static void
test_tcp_connect_rst_without_acceptable_ack_is_ignored(void **state)
{
	struct harness *h = tc_begin(state, NULL);
	struct tc_app *a = tc_slot();
	struct tc_peer p;
	struct tt_seg syn;

	tc_peer_init(&p, h, TC_SRV);
	tc_syn(&p, a, &syn);
	/* No ACK: §3.10.7.3 second check drops it. */
	tc_send(&p, F_RST, 0, 0, NULL, 0);
	/* An ACK that is not our SYN's: dropped, never answered. */
	tc_send(&p, F_RST | F_ACK, 0, p.our_iss + 5, NULL, 0);
	tt_none(h);
	assert_false(a->closed);
	assert_int_equal(tcp_conn_state(a->c), TCP_SYN_SENT);
	assert_int_equal(HSTAT(h, tcp_rst_ignored), 1);
	assert_int_equal(HSTAT(h, tcp_drop_bad_ack), 1);
	/* The real answer still completes the handshake. */
	tc_synack(&p);
	tt_one(h, &syn);
	assert_int_equal(syn.s.flags, F_ACK);
	assert_int_equal(a->connected_calls, 1);
}

static void
test_tcp_connect_bad_ack_in_syn_sent_answered_with_rst(void **state)
{
	struct harness *h = tc_begin(state, NULL);
	struct tc_app *a = tc_slot();
	struct tc_peer p;
	struct tt_seg syn, r;

	tc_peer_init(&p, h, TC_SRV);
	tc_syn(&p, a, &syn);
	/* A SYN-ACK of something else (an old incarnation): SEG.ACK >
	 * SND.NXT gets <SEQ=SEG.ACK><CTL=RST>, the SYN stands. */
	tc_send(&p, F_SYN | F_ACK, p.iss, p.our_iss + 1000, NULL, 0);
	tt_one(h, &r);
	assert_int_equal(r.s.flags, F_RST);
	assert_int_equal(r.s.seq, p.our_iss + 1000);
	assert_int_equal(r.s.sport, p.lport);
	/* SEG.ACK =< ISS too. */
	tc_send(&p, F_ACK, p.iss, p.our_iss, NULL, 0);
	tt_one(h, &r);
	assert_int_equal(r.s.flags, F_RST);
	assert_int_equal(r.s.seq, p.our_iss);
	assert_int_equal(HSTAT(h, tcp_drop_bad_ack), 2);
	assert_false(a->closed);
	assert_int_equal(tcp_conn_state(a->c), TCP_SYN_SENT);
	/* A bare acceptable ACK (no SYN) is dropped in silence. */
	tc_send(&p, F_ACK, p.iss, p.our_iss + 1, NULL, 0);
	tt_none(h);
	assert_int_equal(tcp_conn_state(a->c), TCP_SYN_SENT);
	tc_synack(&p);
	tt_one(h, &r);
	assert_int_equal(r.s.flags, F_ACK);
	assert_int_equal(a->connected_calls, 1);
}

static void
test_tcp_connect_simultaneous_open_refused_with_rst(void **state)
{
	struct harness *h = tc_begin(state, NULL);
	struct tc_app *a = tc_slot();
	struct tc_peer p;
	struct tt_seg syn, r;

	tc_peer_init(&p, h, TC_SRV);
	tc_syn(&p, a, &syn);
	/* A SYN crossing ours: <SEQ=0><ACK=SEG.SEQ+1><CTL=RST,ACK>. */
	tc_send(&p, F_SYN, p.iss, 0, NULL, 0);
	tt_one(h, &r);
	assert_int_equal(r.s.flags, F_RST | F_ACK);
	assert_int_equal(r.s.seq, 0);
	assert_int_equal(r.s.ack, p.iss + 1);
	assert_int_equal(HSTAT(h, tcp_simopen_rst), 1);
	assert_int_equal(tcp_conn_state(a->c), TCP_SYN_SENT);
	assert_false(a->closed);
	/* Our SYN is retransmitted as before. */
	harness_advance(h, 1000000);
	tt_one(h, &r);
	assert_int_equal(r.s.flags, F_SYN);
	assert_int_equal(r.s.seq, p.our_iss);
}

static void
tcp_connect_tweak_three_syns(struct config *cfg)
{
	cfg->tcp_syn_retries = 3;
}

static void
test_tcp_connect_syn_retransmitted_with_backoff_then_etimedout(void **state)
{
	struct harness *h = tc_begin(state, tcp_connect_tweak_three_syns);
	struct tc_app *a = tc_slot();
	struct tc_peer p;
	struct tt_seg syn, segs[8];
	uint64_t rto = 1000000, w;
	unsigned int n;

	tc_peer_init(&p, h, TC_SRV);
	tc_syn(&p, a, &syn);
	/* RFC 6298 §2.1: 1 s (tcp.rto_init_ms); §5.5: doubled each time. */
	for (int i = 0; i < 3; i++) {
		w = tt_wait_segment(h, segs, 8, &n, 2 * rto + 2000);
		assert_near_ms(w, rto);
		assert_int_equal(n, 1);
		assert_int_equal(segs[0].s.flags, F_SYN);
		assert_int_equal(segs[0].s.seq, syn.s.seq);
		assert_int_equal(segs[0].s.sport, syn.s.sport);
		assert_int_equal(segs[0].s.mss, syn.s.mss);
		assert_int_equal(segs[0].s.wscale, syn.s.wscale);
		assert_true(segs[0].s.ts);
		assert_false(a->closed);
		rto *= 2;
	}
	assert_int_equal(HSTAT(h, tcp_syn_rtx), 3);
	/* tcp.syn_retries spent: one more RTO, then ETIMEDOUT, no RST. */
	harness_advance(h, rto - 1000);
	assert_false(a->closed);
	w = tt_wait_segment(h, segs, 8, &n, 3000);
	assert_int_equal(n, 0);
	assert_true(a->closed);
	assert_int_equal(a->why, TCP_CLOSE_TIMEOUT);
	assert_int_equal(tcp_close_errno(a->why), ETIMEDOUT);
	assert_int_equal(a->connected_calls, 0);
	assert_int_equal(tcp_conn_count(h->ctx), 0);
	assert_int_equal(HSTAT(h, tcp_connect_timeout), 1);
	(void)w;
}

static void
test_tcp_connect_synack_after_syn_retransmit_rto_at_least_3s(void **state)
{
	struct harness *h = tc_begin(state, NULL);
	struct tc_app *a = tc_slot();
	struct tc_peer p;
	struct tt_seg syn, segs[8];
	unsigned int n;
	uint64_t w;

	tc_peer_init(&p, h, TC_SRV);
	tc_syn(&p, a, &syn);
	harness_advance(h, 1000000);
	tt_one(h, &syn);
	assert_int_equal(syn.s.flags, F_SYN);
	tc_synack(&p);
	tt_one(h, &syn);
	assert_int_equal(syn.s.flags, F_ACK);
	/* Karn: no sample from a retransmitted SYN; RFC 6298 §5.7: 3 s. */
	assert_int_equal(tcp_send(h->ctx, a->c, "x", 1), 1);
	harness_poll(h);
	tt_one(h, &syn);
	assert_int_equal(syn.s.len, 1);
	w = tt_wait_segment(h, segs, 8, &n, 7000000);
	assert_near_ms(w, 3000000);
	assert_int_equal(segs[0].s.seq, p.our_iss + 1);
	p.rcv_nxt = p.our_iss + 2;
	tc_send_ack(&p);
}

static void
test_tcp_connect_close_in_syn_sent_aborts_at_flush_sending_nothing(void **state)
{
	struct harness *h = tc_begin(state, NULL);
	struct tc_app *a = tc_slot();
	struct tc_peer p;
	struct tt_seg syn, r;

	tc_peer_init(&p, h, TC_SRV);
	tc_syn(&p, a, &syn);
	tcp_close(h->ctx, a->c);
	assert_false(a->closed); /* never from inside tcp_close() */
	harness_poll(h);
	assert_true(a->closed);
	assert_int_equal(a->why, TCP_CLOSE_ABORT);
	tt_none(h);
	assert_int_equal(tcp_conn_count(h->ctx), 0);
	/* A late SYN-ACK finds no connection: reset. */
	tc_synack(&p);
	tt_one(h, &r);
	assert_int_equal(r.s.flags, F_RST);
	assert_int_equal(r.s.seq, p.our_iss + 1);
}

static void
test_tcp_connect_abort_in_syn_sent_sends_nothing(void **state)
{
	struct harness *h = tc_begin(state, NULL);
	struct tc_app *a = tc_slot();
	struct tc_peer p;
	struct tt_seg syn;

	tc_peer_init(&p, h, TC_SRV);
	tc_syn(&p, a, &syn);
	tcp_abort(h->ctx, a->c);
	assert_true(a->closed);
	assert_int_equal(a->why, TCP_CLOSE_ABORT);
	assert_int_equal(tcp_close_errno(a->why), ECONNABORTED);
	tt_none(h);
	harness_advance(h, 3000000);
	tt_none(h);
	assert_int_equal(tcp_conn_count(h->ctx), 0);
}

static void
test_tcp_connect_rejects_bad_arguments(void **state)
{
	struct harness *h = tc_begin(state, NULL);
	struct tc_app *a = tc_slot();
	struct tcp_ops no_recv = tc_ops;
	uint32_t peer = rte_cpu_to_be_32(HARNESS_PEER_IP);
	uint16_t port = rte_cpu_to_be_16(TC_SRV);

	no_recv.recv = NULL;
	assert_int_equal(tcp_connect(h->ctx, peer, 0, &tc_ops, a, NULL),
			 -EINVAL);
	assert_int_equal(tcp_connect(h->ctx, 0, port, &tc_ops, a, NULL),
			 -EINVAL);
	assert_int_equal(tcp_connect(h->ctx, rte_cpu_to_be_32(HARNESS_OUR_IP),
				     port, &tc_ops, a, NULL),
			 -EINVAL);
	assert_int_equal(tcp_connect(h->ctx,
				     rte_cpu_to_be_32(RTE_IPV4(10, 88, 0, 255)),
				     port, &tc_ops, a, NULL),
			 -EINVAL);
	assert_int_equal(tcp_connect(h->ctx,
				     rte_cpu_to_be_32(RTE_IPV4(224u, 0, 0, 1)),
				     port, &tc_ops, a, NULL),
			 -EINVAL);
	assert_int_equal(tcp_connect(h->ctx, peer, port, &no_recv, a, NULL),
			 -EINVAL);
	/* Off the subnet with no gateway. */
	assert_int_equal(tcp_connect(h->ctx,
				     rte_cpu_to_be_32(RTE_IPV4(192u, 0, 2, 1)),
				     port, &tc_ops, a, NULL),
			 -ENETUNREACH);
	tt_none(h);
	assert_int_equal(tcp_conn_count(h->ctx), 0);
}

/* ---- ephemeral ports ---------------------------------------------------- */

static void
tcp_connect_tweak_four_lcores(struct config *cfg)
{
	cfg->nb_lcores = 4;
	cfg->tcp_ephemeral_min = 40000;
	cfg->tcp_ephemeral_max = 40015;
}

static void
test_tcp_connect_ephemeral_ports_partitioned_per_lcore_and_exhausted(
	void **state)
{
	struct harness *h = tc_begin(state, tcp_connect_tweak_four_lcores);
	struct tc_peer p, q;
	struct tt_seg syn;
	uint32_t seen = 0;

	/* This lcore is data lcore 2 of 4: ports with port % 4 == 2. */
	h->ctx->idx = 2;
	tc_peer_init(&p, h, TC_SRV);
	for (int i = 0; i < 4; i++) {
		tc_syn(&p, tc_slot(), &syn);
		assert_int_equal(syn.s.sport % 4, 2);
		assert_true(syn.s.sport >= 40000 && syn.s.sport <= 40015);
		seen |= 1u << (syn.s.sport - 40000);
	}
	assert_int_equal(seen, 1u << 2 | 1u << 6 | 1u << 10 | 1u << 14);
	/* The share is spent for this peer. */
	assert_int_equal(tc_connect(&p, tc_slot()), -EADDRNOTAVAIL);
	assert_int_equal(HSTAT(h, tcp_ephemeral_exhausted), 1);
	tt_none(h);
	/* Another peer port is another 4-tuple: the same ports serve. */
	tc_peer_init(&q, h, TC_SRV + 1);
	tc_syn(&q, tc_slot(), &syn);
	assert_int_equal(syn.s.sport % 4, 2);
	/* Lcore 3 draws from its own share. */
	h->ctx->idx = 3;
	tc_syn(&p, tc_slot(), &syn);
	assert_int_equal(syn.s.sport % 4, 3);
}

/* The RETA entry (of 128) RSS picks for a segment from src:sport to
 * dst:dport (host order) under key. */
static uint32_t
tc_rss_entry(const uint8_t *key, uint32_t src, uint32_t dst, uint16_t sport,
	     uint16_t dport)
{
	struct rte_ipv4_tuple t = {
		.src_addr = src,
		.dst_addr = dst,
		.sport = sport,
		.dport = dport,
	};

	return rte_softrss((uint32_t *)&t, RTE_THASH_V4_L4_LEN, key) & 127;
}

static void
tcp_connect_tweak_small_range(struct config *cfg)
{
	cfg->nb_lcores = 4;
	cfg->tcp_ephemeral_min = 40000;
	cfg->tcp_ephemeral_max = 40015;
}

static void
test_tcp_connect_rss_ports_hash_to_own_queue_both_ways(void **state)
{
	struct harness *h = tc_begin(state, tcp_connect_tweak_small_range);
	uint8_t key[40];
	uint16_t reta[128];
	struct tc_peer p;
	struct tt_seg syn;
	uint32_t want = 0, got = 0;

	/* port.c's symmetric key; 4 queues, this lcore's (queue 0) named
	 * by the entries i % 4 == 3. */
	for (int i = 0; i < 40; i += 2) {
		key[i] = 0x6d;
		key[i + 1] = 0x5a;
	}
	for (int i = 0; i < 128; i++)
		reta[i] = (uint16_t)((i + 1) % 4);
	assert_int_equal(h->ctx->queue_id, 0);
	h->ctx->idx = 3; /* RSS decides, not the split */
	assert_int_equal(tcp_test_set_rss(h->ctx, key, sizeof(key), reta, 100),
			 -EINVAL);
	assert_int_equal(tcp_test_set_rss(h->ctx, key, sizeof(key), reta, 128),
			 0);
	tc_peer_init(&p, h, TC_SRV);
	for (uint32_t port = 40000; port <= 40015; port++)
		want += reta[tc_rss_entry(key, HARNESS_PEER_IP, HARNESS_OUR_IP,
					  TC_SRV, (uint16_t)port)] == 0;
	assert_true(want > 0 && want <= TC_APPS);
	for (uint32_t i = 0; i < want; i++) {
		struct tc_app *a = tc_slot();

		tc_syn(&p, a, &syn);
		/* The peer's answers reach queue 0; our own segments hash
		 * to the same entry (symmetric key). */
		assert_int_equal(
			reta[tc_rss_entry(key, HARNESS_PEER_IP, HARNESS_OUR_IP,
					  TC_SRV, syn.s.sport)],
			0);
		assert_int_equal(
			tc_rss_entry(key, HARNESS_OUR_IP, HARNESS_PEER_IP,
				     syn.s.sport, TC_SRV),
			tc_rss_entry(key, HARNESS_PEER_IP, HARNESS_OUR_IP,
				     TC_SRV, syn.s.sport));
		got++;
	}
	assert_int_equal(got, want);
	/* Every port RSS gives this queue for this peer is taken. */
	assert_int_equal(tc_connect(&p, tc_slot()), -EADDRNOTAVAIL);
	assert_int_equal(HSTAT(h, tcp_ephemeral_exhausted), 1);
	/* Back to the split: ports with port % 4 == 3 (ctx->idx). */
	assert_int_equal(tcp_test_set_rss(h->ctx, NULL, 0, NULL, 0), 0);
	tc_peer_init(&p, h, TC_SRV + 1);
	tc_syn(&p, tc_slot(), &syn);
	assert_int_equal(syn.s.sport % 4, 3);
}

static void
test_tcp_connect_config_checks_ephemeral_range(void **state)
{
	struct config c;
	char err[CONFIG_ERR_LEN];
	static const char inverted[] = "{\"tcp\": {\"ephemeral_min\": 50000, "
				       "\"ephemeral_max\": 40000}}";
	static const char too_few[] =
		"{\"lcores\": [1, 2, 3], \"tcp\": {\"ephemeral_min\": 40000, "
		"\"ephemeral_max\": 40001}}";
	static const char low[] = "{\"tcp\": {\"ephemeral_min\": 80}}";
	static const char ok[] =
		"{\"lcores\": [1, 2], \"tcp\": {\"ephemeral_min\": 40000, "
		"\"ephemeral_max\": 40001, \"syn_retries\": 2}}";

	(void)state;
	config_defaults(&c);
	assert_int_equal(c.tcp_ephemeral_min, 32768);
	assert_int_equal(c.tcp_ephemeral_max, 60999);
	assert_int_equal(c.tcp_syn_retries, 6);
	assert_int_equal(config_parse(&c, inverted, strlen(inverted), err),
			 -EINVAL);
	assert_non_null(strstr(err, "ephemeral_min"));
	config_defaults(&c);
	assert_int_equal(config_parse(&c, too_few, strlen(too_few), err),
			 -EINVAL);
	assert_non_null(strstr(err, "ephemeral_max"));
	config_defaults(&c);
	assert_int_equal(config_parse(&c, low, strlen(low), err), -EINVAL);
	config_defaults(&c);
	assert_int_equal(config_parse(&c, ok, strlen(ok), err), 0);
	assert_int_equal(c.tcp_syn_retries, 2);
}

static void
tcp_connect_tweak_one_port(struct config *cfg)
{
	cfg->tcp_ephemeral_min = 40000;
	cfg->tcp_ephemeral_max = 40000;
}

static void
test_tcp_connect_skips_listening_port(void **state)
{
	struct harness *h;
	struct tc_peer p;

	h = tc_begin(state, tcp_connect_tweak_one_port);
	/* The only ephemeral port is a listening one: not used. */
	assert_int_equal(tcp_listen(h->ctx, 40000, &tt_ops), 0);
	tc_peer_init(&p, h, TC_SRV);
	assert_int_equal(tc_connect(&p, tc_slot()), -EADDRNOTAVAIL);
	tt_none(h);
}

/* ---- client connections after the handshake ---------------------------- */

static void
test_tcp_connect_data_both_ways(void **state)
{
	static const char req[] = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
	static const char resp[] =
		"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
	struct harness *h = tc_begin(state, NULL);
	struct tc_peer p;
	struct tc_app *a;
	struct tt_seg d, segs[4];
	unsigned int n;
	uint64_t w;

	tc_peer_init(&p, h, TC_SRV);
	a = tc_establish(&p);
	assert_int_equal(tcp_send(h->ctx, a->c, req, sizeof(req) - 1),
			 (int)sizeof(req) - 1);
	harness_poll(h);
	tt_one(h, &d);
	assert_int_equal(d.s.flags, F_ACK | F_PSH);
	assert_int_equal(d.s.seq, p.our_iss + 1);
	assert_int_equal(d.s.ack, p.iss + 1);
	assert_int_equal(d.s.len, sizeof(req) - 1);
	assert_memory_equal(d.data, req, sizeof(req) - 1);
	/* The response acknowledges the request. */
	p.rcv_nxt += sizeof(req) - 1;
	tc_send_data(&p, resp, sizeof(resp) - 1);
	assert_int_equal(a->rx_len, sizeof(resp) - 1);
	assert_memory_equal(a->rx, resp, sizeof(resp) - 1);
	/* Its ACK is delayed (tcp.delack_ms). */
	w = tt_wait_segment(h, segs, 4, &n, 1000000);
	assert_int_equal(n, 1);
	assert_true(w <= 41000);
	assert_int_equal(segs[0].s.flags, F_ACK);
	assert_int_equal(segs[0].s.ack, p.snd_nxt);
	assert_false(a->closed);
}

static void
test_tcp_connect_client_data_retransmitted_on_rto(void **state)
{
	struct harness *h = tc_begin(state, NULL);
	struct tc_peer p;
	struct tc_app *a;
	struct tt_seg d, segs[4];
	unsigned int n;
	uint64_t w;

	tc_peer_init(&p, h, TC_SRV);
	a = tc_establish(&p);
	assert_int_equal(tcp_send(h->ctx, a->c, "hello", 5), 5);
	harness_poll(h);
	tt_one(h, &d);
	assert_int_equal(d.s.len, 5);
	/* The handshake's RTT sample (~0) puts the RTO at rto_min. */
	w = tt_wait_segment(h, segs, 4, &n, 3000000);
	assert_near_ms(w, 200000);
	assert_int_equal(n, 1);
	assert_int_equal(segs[0].s.seq, d.s.seq);
	assert_memory_equal(segs[0].data, "hello", 5);
	/* Backed off: 400 ms next. */
	w = tt_wait_segment(h, segs, 4, &n, 3000000);
	assert_near_ms(w, 400000);
	assert_int_equal(HSTAT(h, tcp_rto_timeouts), 2);
	p.rcv_nxt += 5;
	tc_send_ack(&p);
	harness_advance(h, 5000000);
	tt_none(h);
	assert_false(a->closed);
}

static void
test_tcp_connect_client_fast_retransmit_after_three_dup_acks(void **state)
{
	struct harness *h = tc_begin(state, NULL);
	static uint8_t buf[8000];
	struct tt_seg segs[32];
	struct tc_peer p;
	struct tc_app *a;
	unsigned int n;
	uint32_t una;

	for (uint32_t i = 0; i < sizeof(buf); i++)
		buf[i] = tt_byte(i);
	tc_peer_init(&p, h, TC_SRV);
	p.mss = 1000;
	p.ts = false;
	a = tc_establish(&p);
	assert_int_equal(tcp_send(h->ctx, a->c, buf, sizeof(buf)),
			 (int)sizeof(buf));
	harness_poll(h);
	n = tt_collect(h, segs, 32);
	assert_int_equal(n, 8); /* IW10 takes it all */
	una = segs[0].s.seq;
	/* The first segment is lost: three duplicate ACKs of it. */
	for (int i = 0; i < 2; i++) {
		tc_send(&p, F_ACK, p.snd_nxt, una, NULL, 0);
		tt_none(h);
	}
	tc_send(&p, F_ACK, p.snd_nxt, una, NULL, 0);
	n = tt_collect(h, segs, 32);
	assert_true(n >= 1);
	assert_int_equal(segs[0].s.seq, una);
	assert_int_equal(segs[0].s.len, 1000);
	assert_memory_equal(segs[0].data, buf, 1000);
	assert_int_equal(HSTAT(h, tcp_fast_retransmits), 1);
	p.rcv_nxt = una + sizeof(buf);
	tc_send_ack(&p);
	tt_collect(h, segs, 32);
	harness_advance(h, 3000000);
	tt_none(h);
}

static void
test_tcp_connect_client_probes_zero_window(void **state)
{
	struct harness *h = tc_begin(state, NULL);
	struct tt_seg segs[4], d;
	struct tc_peer p;
	struct tc_app *a;
	unsigned int n;

	tc_peer_init(&p, h, TC_SRV);
	p.win = 0; /* the server offers no window from its SYN-ACK on */
	a = tc_establish(&p);
	assert_int_equal(tcp_send(h->ctx, a->c, "data", 4), 4);
	harness_poll(h);
	tt_none(h);
	/* Persist (RFC 9293 §3.8.6.1): a one-octet probe after the RTO. */
	tt_wait_segment(h, segs, 4, &n, 3000000);
	assert_int_equal(n, 1);
	assert_int_equal(segs[0].s.seq, p.our_iss + 1);
	assert_int_equal(segs[0].s.len, 1);
	assert_int_equal(HSTAT(h, tcp_persist_probes), 1);
	/* The window opens: everything goes. */
	p.win = 65535;
	tc_send_ack(&p);
	tt_one(h, &d);
	assert_int_equal(d.s.seq, p.our_iss + 1);
	assert_int_equal(d.s.len, 4);
	assert_memory_equal(d.data, "data", 4);
	p.rcv_nxt += 4;
	tc_send_ack(&p);
	tt_none(h);
	assert_false(a->closed);
}

static void
test_tcp_connect_client_close_fin_wait_to_time_wait(void **state)
{
	struct harness *h = tc_begin(state, tcp_connect_tweak_one_port);
	struct tc_peer p, q;
	struct tc_app *a;
	struct tt_seg r;

	tc_peer_init(&p, h, TC_SRV);
	a = tc_establish(&p);
	assert_int_equal(p.lport, 40000);
	tcp_close(h->ctx, a->c);
	harness_poll(h);
	tt_one(h, &r);
	assert_int_equal(r.s.flags, F_FIN | F_ACK);
	assert_int_equal(r.s.seq, p.our_iss + 1);
	assert_int_equal(tt_state_count(h, TCP_FIN_WAIT_1), 1);
	p.rcv_nxt++;
	tc_send_ack(&p);
	tt_none(h);
	assert_int_equal(tt_state_count(h, TCP_FIN_WAIT_2), 1);
	assert_false(a->closed);
	tc_send(&p, F_FIN | F_ACK, p.snd_nxt, p.rcv_nxt, NULL, 0);
	p.snd_nxt++;
	tt_one(h, &r);
	assert_int_equal(r.s.flags, F_ACK);
	assert_int_equal(r.s.ack, p.snd_nxt);
	assert_int_equal(tt_state_count(h, TCP_TIME_WAIT), 1);
	assert_true(a->closed);
	assert_int_equal(a->why, TCP_CLOSE_NORMAL);
	/* The 4-tuple in TIME_WAIT is not reused: the one port is taken
	 * for this peer ... */
	assert_int_equal(tc_connect(&p, tc_slot()), -EADDRNOTAVAIL);
	/* ... but not for another one. */
	tc_peer_init(&q, h, TC_SRV + 1);
	tc_syn(&q, tc_slot(), &r);
	assert_int_equal(r.s.sport, 40000);
	tcp_abort(h->ctx, tc_apps[1].c);
	/* Once TIME_WAIT is over (tcp.timewait_ms) it is free again. */
	harness_advance(h, 1001000);
	assert_int_equal(tt_state_count(h, TCP_TIME_WAIT), 0);
	tc_peer_init(&p, h, TC_SRV);
	tc_syn(&p, tc_slot(), &r);
	assert_int_equal(r.s.sport, 40000);
}

/* Our FIN first, the peer's FIN acknowledged: c in TIME_WAIT. */
static void
tc_to_time_wait(struct tc_peer *p, struct tc_app *a)
{
	struct tt_seg r;

	tcp_close(p->h->ctx, a->c);
	harness_poll(p->h);
	tt_one(p->h, &r);
	assert_int_equal(r.s.flags, F_FIN | F_ACK);
	p->rcv_nxt++;
	tc_send(p, F_FIN | F_ACK, p->snd_nxt, p->rcv_nxt, NULL, 0);
	p->snd_nxt++;
	tt_one(p->h, &r);
	assert_int_equal(r.s.flags, F_ACK);
	if (r.s.ts)
		p->ts_recent = r.s.tsval;
	assert_true(a->closed);
	assert_int_equal(tt_state_count(p->h, TCP_TIME_WAIT), 1);
}

static void
test_tcp_connect_reuses_own_time_wait_after_10ms_with_timestamps(
	void **state)
{
	struct harness *h = tc_begin(state, tcp_connect_tweak_one_port);
	struct tc_peer p;
	struct tt_seg syn;
	uint32_t old_tsval;

	tc_peer_init(&p, h, TC_SRV);
	tc_to_time_wait(&p, tc_establish(&p));
	old_tsval = p.ts_recent;
	/* Under 10 ms the one port stays taken for this peer ... */
	harness_advance(h, 9000);
	assert_int_equal(tc_connect(&p, tc_slot()), -EADDRNOTAVAIL);
	assert_int_equal(HSTAT(h, tcp_timewait_reopened), 0);
	/* ... then the TIME_WAIT entry gives way: a new SYN on the same
	 * 4-tuple whose TSval is above every one the old connection sent
	 * (PAWS at the peer drops the old incarnation's duplicates). */
	harness_advance(h, 1500);
	tc_syn(&p, tc_slot(), &syn);
	assert_int_equal(syn.s.sport, 40000);
	assert_true(syn.s.ts);
	assert_true(syn.s.tsval > old_tsval);
	assert_int_equal(HSTAT(h, tcp_timewait_reopened), 1);
	assert_int_equal(tt_state_count(h, TCP_TIME_WAIT), 0);
	assert_int_equal(tt_state_count(h, TCP_SYN_SENT), 1);
}

static void
test_tcp_connect_time_wait_without_timestamps_not_reused(void **state)
{
	struct harness *h = tc_begin(state, tcp_connect_tweak_one_port);
	struct tc_peer p;
	struct tt_seg syn;

	tc_peer_init(&p, h, TC_SRV);
	p.ts = false;
	tc_to_time_wait(&p, tc_establish(&p));
	/* No timestamps: nothing tells the incarnations apart at the
	 * peer, so the 4-tuple waits out tcp.timewait_ms. */
	harness_advance(h, 500000);
	assert_int_equal(tc_connect(&p, tc_slot()), -EADDRNOTAVAIL);
	harness_advance(h, 501000);
	assert_int_equal(tt_state_count(h, TCP_TIME_WAIT), 0);
	tc_syn(&p, tc_slot(), &syn);
	assert_int_equal(syn.s.sport, 40000);
	assert_int_equal(HSTAT(h, tcp_timewait_reopened), 0);
}

static void
test_tcp_connect_peer_close_close_wait_last_ack(void **state)
{
	struct harness *h = tc_begin(state, NULL);
	struct tc_peer p;
	struct tc_app *a;
	struct tt_seg r;

	tc_peer_init(&p, h, TC_SRV);
	a = tc_establish(&p);
	tc_send_data(&p, "bye", 3);
	tc_send(&p, F_FIN | F_ACK, p.snd_nxt, p.rcv_nxt, NULL, 0);
	p.snd_nxt++;
	tt_one(h, &r);
	assert_int_equal(r.s.flags, F_ACK);
	assert_int_equal(r.s.ack, p.snd_nxt);
	assert_true(a->peer_fin);
	assert_int_equal(a->rx_len, 3);
	assert_int_equal(tt_state_count(h, TCP_CLOSE_WAIT), 1);
	tcp_close(h->ctx, a->c);
	harness_poll(h);
	tt_one(h, &r);
	assert_int_equal(r.s.flags, F_FIN | F_ACK);
	assert_int_equal(tt_state_count(h, TCP_LAST_ACK), 1);
	p.rcv_nxt++;
	tc_send_ack(&p);
	tt_none(h);
	assert_true(a->closed);
	assert_int_equal(a->why, TCP_CLOSE_NORMAL);
	assert_int_equal(tcp_conn_count(h->ctx), 0);
}

static void
test_tcp_connect_established_rst_resets(void **state)
{
	struct harness *h = tc_begin(state, NULL);
	struct tc_peer p;
	struct tc_app *a;

	tc_peer_init(&p, h, TC_SRV);
	a = tc_establish(&p);
	tc_send(&p, F_RST, p.snd_nxt, 0, NULL, 0);
	assert_true(a->closed);
	assert_int_equal(a->why, TCP_CLOSE_RESET);
	assert_int_equal(tcp_close_errno(a->why), ECONNRESET);
	assert_int_equal(tcp_conn_count(h->ctx), 0);
}

/* ---- the application's writable on ACKs ------------------------------- */

static unsigned int tc_writable_calls;

static void
tc_writable(struct lcore_ctx *ctx, struct tcp_conn *c, void *app)
{
	(void)ctx;
	(void)c;
	(void)app;
	tc_writable_calls++;
}

/*
 * An active open's ACKs that free send-queue space call writable as its
 * ops say (TCF_WR_ALL, set by tcp_connect): every one without
 * writable_asked; with it, none until the application asks
 * (tcp_want_writable), then each.
 */
static void
test_tcp_connect_writable_on_acks_as_its_ops_ask(void **state)
{
	struct harness *h = tc_begin(state, NULL);

	for (unsigned int asked = 0; asked < 2; asked++) {
		struct tcp_ops ops = tc_ops;
		struct tc_app *a = tc_slot();
		struct tc_peer p;
		struct tt_seg syn, seg;

		ops.writable = tc_writable;
		ops.writable_asked = asked;
		tc_peer_init(&p, h, (uint16_t)(TC_SRV + 1 + asked));
		assert_int_equal(tcp_connect(h->ctx,
					     rte_cpu_to_be_32(HARNESS_PEER_IP),
					     rte_cpu_to_be_16(p.port), &ops, a,
					     &a->c), 0);
		tt_one(h, &syn);
		p.lport = syn.s.sport;
		p.our_iss = syn.s.seq;
		p.rcv_nxt = syn.s.seq + 1;
		p.ts_recent = syn.s.tsval;
		tc_synack(&p);
		tt_one(h, &seg);
		p.ts_recent = seg.s.tsval;
		tc_writable_calls = 0;
		for (unsigned int i = 0; i < 2; i++) {
			if (asked && i == 1)
				tcp_want_writable(a->c, true);
			assert_int_equal(tcp_send(h->ctx, a->c, "x", 1), 1);
			harness_poll(h);
			tt_one(h, &seg);
			assert_int_equal(seg.s.len, 1);
			p.rcv_nxt += 1;
			p.ts_recent = seg.s.tsval;
			tc_send_ack(&p);
			assert_int_equal(tc_writable_calls,
					 asked ? i : i + 1);
		}
		tcp_abort(h->ctx, a->c);
		tt_one(h, &seg);
		assert_true(a->closed);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		TT_TEST(test_tcp_connect_syn_offers_mss_ws_ts_and_no_sack),
		TT_TEST(test_tcp_connect_syn_window_scale_and_mss_follow_config),
		TT_TEST(test_tcp_connect_first_syn_waits_for_arp_reply),
		TT_TEST(test_tcp_connect_synack_establishes_and_acks),
		TT_TEST(test_tcp_connect_synack_ack_echoes_timestamp_only_when_agreed),
		TT_TEST(test_tcp_connect_data_sent_from_connected_carries_the_ack),
		TT_TEST(test_tcp_connect_server_data_takes_header_prediction),
		TT_TEST(test_tcp_connect_retransmitted_synack_is_acked_again),
		TT_TEST(test_tcp_connect_rst_acking_syn_is_refused),
		TT_TEST(test_tcp_connect_rst_without_acceptable_ack_is_ignored),
		TT_TEST(test_tcp_connect_bad_ack_in_syn_sent_answered_with_rst),
		TT_TEST(test_tcp_connect_simultaneous_open_refused_with_rst),
		TT_TEST(test_tcp_connect_syn_retransmitted_with_backoff_then_etimedout),
		TT_TEST(test_tcp_connect_synack_after_syn_retransmit_rto_at_least_3s),
		TT_TEST(test_tcp_connect_close_in_syn_sent_aborts_at_flush_sending_nothing),
		TT_TEST(test_tcp_connect_abort_in_syn_sent_sends_nothing),
		TT_TEST(test_tcp_connect_rejects_bad_arguments),
		TT_TEST(test_tcp_connect_ephemeral_ports_partitioned_per_lcore_and_exhausted),
		TT_TEST(test_tcp_connect_rss_ports_hash_to_own_queue_both_ways),
		TT_TEST(test_tcp_connect_skips_listening_port),
		cmocka_unit_test(
			test_tcp_connect_config_checks_ephemeral_range),
		TT_TEST(test_tcp_connect_data_both_ways),
		TT_TEST(test_tcp_connect_client_data_retransmitted_on_rto),
		TT_TEST(test_tcp_connect_client_fast_retransmit_after_three_dup_acks),
		TT_TEST(test_tcp_connect_client_probes_zero_window),
		TT_TEST(test_tcp_connect_client_close_fin_wait_to_time_wait),
		TT_TEST(test_tcp_connect_reuses_own_time_wait_after_10ms_with_timestamps),
		TT_TEST(test_tcp_connect_time_wait_without_timestamps_not_reused),
		TT_TEST(test_tcp_connect_peer_close_close_wait_last_ack),
		TT_TEST(test_tcp_connect_established_rst_resets),
		TT_TEST(test_tcp_connect_writable_on_acks_as_its_ops_ask),
	};

	return TT_RUN(tests);
}
