/* SPDX-License-Identifier: BSD-3-Clause */
/* tcp_test.c: a scripted peer and a tiny application for the TCP tests. */
#include <string.h>

#include "net/cksum.h"
#include "tcp_test.h"

struct tt_app tt_apps[TT_APPS];
struct tt_policy tt_policy;

void
tt_reset(void)
{
	memset(tt_apps, 0, sizeof(tt_apps));
	memset(&tt_policy, 0, sizeof(tt_policy));
	tcp_test_set_isn(0);
}

struct tt_app *
tt_app_of(struct tcp_conn *c)
{
	for (int i = 0; i < TT_APPS; i++)
		if (tt_apps[i].used && tt_apps[i].c == c && !tt_apps[i].closed)
			return &tt_apps[i];
	return NULL;
}

static void
tt_respond(struct lcore_ctx *ctx, struct tt_app *a, uint32_t len)
{
	uint8_t buf[4096];
	uint32_t off = 0;

	while (off < len) {
		uint32_t k = len - off < sizeof(buf) ? len - off : sizeof(buf);
		int n;

		for (uint32_t i = 0; i < k; i++)
			buf[i] = tt_byte(a->stream_sent + i);
		n = tcp_send(ctx, a->c, buf, k);
		assert_true(n >= 0);
		a->stream_sent += (uint32_t)n;
		off += (uint32_t)n;
		if ((uint32_t)n < k)
			break;
	}
	a->stream_left = len - off;
}

static void *
tt_accept(struct lcore_ctx *ctx, struct tcp_conn *c)
{
	if (tt_policy.refuse)
		return NULL;
	for (int i = 0; i < TT_APPS; i++) {
		struct tt_app *a = &tt_apps[i];

		if (a->used)
			continue;
		memset(a, 0, sizeof(*a));
		a->used = true;
		a->c = c;
		return a;
	}
	fail_msg("more than %d connections accepted", TT_APPS);
	return NULL;
}

static void
tt_recv(struct lcore_ctx *ctx, struct tcp_conn *c, void *app,
	const uint8_t *data, uint32_t len)
{
	struct tt_app *a = app;

	assert_ptr_equal(a->c, c);
	assert_false(a->closed);
	assert_true(a->rx_len + len <= TT_RXMAX);
	memcpy(a->rx + a->rx_len, data, len);
	a->rx_len += len;
	a->recv_calls++;
	switch (tt_policy.action) {
	case TT_NOTHING:
		break;
	case TT_RESPOND:
	case TT_RESPOND_CLOSE:
		if (a->responded)
			break;
		a->responded = true;
		tt_respond(ctx, a, tt_policy.resp_len);
		if (tt_policy.action == TT_RESPOND_CLOSE)
			tcp_close(ctx, c);
		break;
	case TT_ECHO:
		assert_int_equal(tcp_send(ctx, c, data, len), (int)len);
		break;
	case TT_ECHO_RESERVE: {
		void *p = (tt_policy.reserve ? tt_policy.reserve
					     : tcp_send_reserve)(
			ctx, c, len, cksum_fold(cksum_add(data, len, 0)));

		assert_non_null(p);
		memcpy(p, data, len);
		break;
	}
	case TT_ABORT:
		tcp_abort(ctx, c);
		break;
	}
}

static void
tt_peer_fin(struct lcore_ctx *ctx, struct tcp_conn *c, void *app)
{
	struct tt_app *a = app;

	assert_false(a->peer_fin);
	a->peer_fin = true;
	if (tt_policy.close_on_fin)
		tcp_close(ctx, c);
}

static void
tt_writable(struct lcore_ctx *ctx, struct tcp_conn *c, void *app)
{
	struct tt_app *a = app;

	a->writable_calls++;
	if (a->stream_left)
		tt_respond(ctx, a, a->stream_left);
}

static void
tt_closed(struct lcore_ctx *ctx, struct tcp_conn *c, void *app,
	  enum tcp_close_reason why)
{
	struct tt_app *a = app;

	assert_false(a->closed);
	a->closed = true;
	a->why = why;
}

const struct tcp_ops tt_ops = {
	.accept = tt_accept,
	.recv = tt_recv,
	.peer_fin = tt_peer_fin,
	.writable = tt_writable,
	.closed = tt_closed,
};

struct harness *
tt_harness(void (*tweak)(struct config *cfg))
{
	struct harness *h;

	tt_reset();
	h = harness_create(tweak);
	assert_int_equal(tcp_listen(h->ctx, TT_PORT, &tt_ops), 0);
	return h;
}

void
tt_teardown(struct harness *h)
{
	tcp_test_set_isn(0);
	harness_drain(h);
	tcp_lcore_fini(h->ctx);
	lcore_tx_flush(h->ctx);
	harness_drain(h);
	assert_int_equal(harness_mbufs_leaked(h), 0);
	for (int i = 0; i < TT_APPS; i++)
		if (tt_apps[i].used)
			assert_true(tt_apps[i].closed);
	harness_destroy(h);
}

int
tt_setup(void **state)
{
	*state = tt_harness(NULL);
	return 0;
}

int
tt_cleanup(void **state)
{
	tt_teardown(*state);
	return 0;
}

struct harness *
tt_reopen(void **state, void (*tweak)(struct config *cfg))
{
	tt_teardown(*state);
	*state = tt_harness(tweak);
	return *state;
}

void
tt_tweak_syncookies_on(struct config *cfg)
{
	cfg->tcp_syncookies = CONFIG_ON;
}

void
tt_tweak_two_conns(struct config *cfg)
{
	cfg->tcp_max_conns = 2;
	cfg->tcp_syncookies = CONFIG_OFF;
}

void
tt_peer_init(struct tt_peer *p, struct harness *h, uint16_t sport)
{
	memset(p, 0, sizeof(*p));
	p->h = h;
	p->sport = sport;
	p->iss = 1000;
	p->snd_nxt = p->iss;
	p->win = 65535;
	p->wscale = -1;
	p->tsval = 5000;
}

void
tt_send_raw(struct harness *h, struct pkt_tcp *t)
{
	uint8_t f[PKT_MAX];
	size_t n;

	if (!t->data)
		t->data = ""; /* pkt_tcp memcpy()s it even when len is 0 */
	n = pkt_tcp(f, &h->ifc.mac, t);

	harness_feed(h, f, n);
}

void
tt_send(struct tt_peer *p, uint8_t flags, uint32_t seq, uint32_t ack,
	const void *data, uint32_t len)
{
	struct pkt_tcp t = {
		.sport = p->sport,
		.dport = TT_PORT,
		.win = p->win,
		.ts = p->ts,
		.tsval = p->tsval,
		.tsecr = p->ts_recent,
	};

	tt_send_seg(p->h, &t, flags, seq, ack, data, len);
}

void
tt_send_seg(struct harness *h, struct pkt_tcp *t, uint8_t flags,
	    uint32_t seq, uint32_t ack, const void *data, uint32_t len)
{
	t->flags = flags;
	t->seq = seq;
	t->ack = ack;
	t->mss = 0;
	t->wscale = -1;
	t->data = data;
	t->len = len;
	tt_send_raw(h, t);
}

void
tt_send_data(struct tt_peer *p, const void *data, uint32_t len)
{
	tt_send(p, F_ACK | F_PSH, p->snd_nxt, p->rcv_nxt, data, len);
	p->snd_nxt += len;
}

void
tt_send_ack(struct tt_peer *p)
{
	tt_send(p, F_ACK, p->snd_nxt, p->rcv_nxt, NULL, 0);
}

unsigned int
tt_collect(struct harness *h, struct tt_seg *out, unsigned int max)
{
	struct rte_mbuf *m[64];
	unsigned int n, got = 0;

	lcore_tx_flush(h->ctx);
	while ((n = harness_collect(h, m, 64)) > 0) {
		for (unsigned int i = 0; i < n; i++) {
			struct pkt_tcp_seen s;

			assert_true(pkt_parse_tcp(m[i], &s));
			assert_true(s.ip_cksum_ok);
			assert_true(s.tcp_cksum_ok);
			assert_int_equal(s.src, HARNESS_OUR_IP);
			assert_int_equal(s.dst, HARNESS_PEER_IP);
			assert_true(got < max);
			out[got].s = s;
			assert_true(s.len <= PKT_MAX);
			memcpy(out[got].data, s.data, s.len);
			out[got].s.data = out[got].data;
			got++;
		}
		rte_pktmbuf_free_bulk(m, n);
	}
	return got;
}

void
tt_one(struct harness *h, struct tt_seg *out)
{
	struct tt_seg segs[8];
	unsigned int n = tt_collect(h, segs, 8);

	if (n != 1)
		fail_msg("expected one segment, %u sent", n);
	*out = segs[0];
}

void
tt_none(struct harness *h)
{
	struct tt_seg segs[8];
	unsigned int n = tt_collect(h, segs, 8);

	if (n != 0)
		fail_msg("expected no segment, %u sent (first flags 0x%x seq %u)",
			 n, segs[0].s.flags, segs[0].s.seq);
}

uint32_t
tt_seg_bytes(const struct tt_seg *segs, unsigned int n)
{
	uint32_t b = 0;

	for (unsigned int i = 0; i < n; i++)
		b += (uint32_t)segs[i].s.len;
	return b;
}

uint64_t
tt_wait_segment(struct harness *h, struct tt_seg *segs, unsigned int max,
		unsigned int *n, uint64_t limit_us)
{
	uint64_t waited = 0;

	*n = 0;
	while (waited < limit_us) {
		harness_advance(h, 1000);
		waited += 1000;
		*n = tt_collect(h, segs, max);
		if (*n)
			break;
	}
	return waited;
}

void
tt_syn(struct tt_peer *p, struct tt_seg *sa)
{
	struct pkt_tcp t = {
		.sport = p->sport,
		.dport = TT_PORT,
		.seq = p->iss,
		.flags = F_SYN,
		.win = p->win,
		.mss = p->mss,
		.wscale = p->wscale,
		.sack_perm = p->sack_perm,
		.ts = p->ts,
		.tsval = p->tsval,
	};

	p->snd_nxt = p->iss + 1;
	tt_send_raw(p->h, &t);
	tt_one(p->h, sa);
	assert_int_equal(sa->s.flags, F_SYN | F_ACK);
	assert_int_equal(sa->s.ack, p->iss + 1);
	assert_int_equal(sa->s.dport, p->sport);
	assert_int_equal(sa->s.sport, TT_PORT);
	assert_int_equal(sa->s.len, 0);
	p->srv_iss = sa->s.seq;
	p->rcv_nxt = sa->s.seq + 1;
	if (sa->s.ts)
		p->ts_recent = sa->s.tsval;
}

struct tt_app *
tt_connect(struct tt_peer *p)
{
	struct tt_seg sa;
	struct tt_app *a;

	tt_syn(p, &sa);
	tt_send_ack(p);
	tt_none(p->h);
	assert_int_equal(tt_state_count(p->h, TCP_ESTABLISHED) > 0, 1);
	a = NULL;
	for (int i = TT_APPS - 1; i >= 0; i--)
		if (tt_apps[i].used && !tt_apps[i].closed) {
			a = &tt_apps[i];
			break;
		}
	assert_non_null(a);
	return a;
}

uint32_t
tt_take_data(struct tt_peer *p, const struct tt_seg *segs, unsigned int n,
	     uint8_t *buf, uint32_t max)
{
	uint32_t got = 0;

	for (unsigned int i = 0; i < n; i++) {
		const struct pkt_tcp_seen *s = &segs[i].s;

		if (s->len == 0 || s->seq != p->rcv_nxt)
			continue;
		assert_true(got + s->len <= max);
		memcpy(buf + got, s->data, s->len);
		got += (uint32_t)s->len;
		p->rcv_nxt += (uint32_t)s->len;
		if (s->ts)
			p->ts_recent = s->tsval;
	}
	return got;
}

uint32_t
tt_state_count(struct harness *h, int s)
{
	uint32_t counts[TCP_NSTATES];

	tcp_state_counts(h->ctx, counts);
	return counts[s];
}

void
tt_send_sack(struct tt_peer *p, uint32_t ack, uint8_t n,
	     const uint32_t (*b)[2])
{
	struct pkt_tcp t = {
		.sport = p->sport,
		.dport = TT_PORT,
		.win = p->win,
		.ts = p->ts,
		.tsval = p->tsval,
		.tsecr = p->ts_recent,
		.nsack = n,
	};

	if (n)
		memcpy(t.sack, b, n * sizeof(b[0]));
	tt_send_seg(p->h, &t, F_ACK, p->snd_nxt, ack, NULL, 0);
}
