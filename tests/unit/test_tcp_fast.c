/* SPDX-License-Identifier: BSD-3-Clause */
/* test_tcp_fast.c: header prediction: which segments take the fast path,
 * and that it answers exactly as the general path. */
#include <string.h>

#include "core/stats.h"
#include "tcp_test.h"
#include "net/tcp_fast.h"
#include "net/tcp_priv.h"

/* A flag the general path ignores (tcp_parse keeps FIN SYN RST PSH ACK
 * URG) but the prediction does not expect: the same segment, sent down
 * the general path. */
#define F_ECE RTE_TCP_ECE_FLAG

static uint64_t
fast_count(struct harness *h)
{
	return STAT_GET(&h->ctx->stats, tcp_fast_path);
}

/* A keep-alive client with timestamps, as Linux's. */
static struct tt_app *
fast_client(struct harness *h, struct tt_peer *p, uint16_t sport)
{
	tt_peer_init(p, h, sport);
	p->ts = true;
	p->wscale = 7;
	tt_policy.action = TT_ECHO;
	return tt_connect(p);
}

/* Take what the stack sent: one segment, its data acknowledged by p. */
static void
fast_take(struct tt_peer *p, struct tt_seg *r)
{
	tt_one(p->h, r);
	p->ts_recent = r->s.tsval;
	p->rcv_nxt = r->s.seq + (uint32_t)r->s.len;
	p->tsval++;
}

static void
test_tcp_fast_request_and_ack_of_answer_take_fast_path(void **state)
{
	struct harness *h = *state;
	struct tt_peer p;
	struct tt_seg r;
	struct tt_app *a = fast_client(h, &p, 41000);
	uint64_t n0 = fast_count(h);

	tt_send_data(&p, "GET /a", 6);
	assert_int_equal(fast_count(h), n0 + 1);
	assert_int_equal(a->rx_len, 6);
	fast_take(&p, &r);
	assert_int_equal(r.s.len, 6);
	assert_int_equal(r.s.ack, p.snd_nxt);
	/* The next request acknowledges the answer (ACK advancing). */
	tt_send_data(&p, "GET /b", 6);
	assert_int_equal(fast_count(h), n0 + 2);
	assert_int_equal(a->rx_len, 12);
	assert_memory_equal(a->rx, "GET /aGET /b", 12);
	fast_take(&p, &r);
	/* A pure ACK of the answer. */
	tt_send_ack(&p);
	assert_int_equal(fast_count(h), n0 + 3);
	tt_none(h);
	assert_int_equal(tcp_sndq_bytes(a->c), 0);
}

/* Segments the prediction must leave to the general path; each is sent
 * on an ESTABLISHED connection with an answer in flight. */
enum fast_miss {
	MISS_FIN,
	MISS_URG,
	MISS_OUT_OF_ORDER,
	MISS_OLD_SEQ,
	MISS_WINDOW_CHANGED,
	MISS_ZERO_WINDOW,
	MISS_DUP_ACK,
	MISS_ACK_PAST_SND_MAX,
	MISS_OLD_ACK,
	MISS_PAWS,
	MISS_NO_TIMESTAMP,
	MISS_MSS_OPTION,
	MISS_ECE,
	MISS_RST,
	MISS_SYN,
	MISS__COUNT,
};

static void
fast_miss_one(struct harness *h, enum fast_miss k, uint16_t sport)
{
	struct tt_peer p;
	struct tt_seg r, rest[8];
	struct pkt_tcp t;
	uint64_t n0;

	fast_client(h, &p, sport);
	tt_send_data(&p, "ping", 4); /* fast; its echo is in flight */
	fast_take(&p, &r);
	n0 = fast_count(h);
	switch (k) {
	case MISS_FIN:
		tt_send(&p, F_ACK | F_FIN, p.snd_nxt, p.rcv_nxt, "x", 1);
		break;
	case MISS_URG:
		tt_send(&p, F_ACK | RTE_TCP_URG_FLAG, p.snd_nxt, p.rcv_nxt, "x", 1);
		break;
	case MISS_OUT_OF_ORDER:
		tt_send(&p, F_ACK, p.snd_nxt + 10, p.rcv_nxt, "x", 1);
		break;
	case MISS_OLD_SEQ:
		tt_send(&p, F_ACK, p.snd_nxt - 2, p.rcv_nxt, "ngx", 3);
		break;
	case MISS_WINDOW_CHANGED:
		p.win = (uint16_t)(p.win - 1);
		tt_send_data(&p, "x", 1);
		break;
	case MISS_ZERO_WINDOW:
		p.win = 0;
		tt_send_ack(&p);
		break;
	case MISS_DUP_ACK:
		tt_send(&p, F_ACK, p.snd_nxt, p.rcv_nxt - 4, NULL, 0);
		break;
	case MISS_ACK_PAST_SND_MAX:
		tt_send(&p, F_ACK, p.snd_nxt, p.rcv_nxt + 100, "x", 1);
		break;
	case MISS_OLD_ACK:
		tt_send(&p, F_ACK, p.snd_nxt, p.rcv_nxt - 5, "x", 1);
		break;
	case MISS_PAWS:
		p.tsval -= 10;
		tt_send_data(&p, "x", 1);
		break;
	case MISS_NO_TIMESTAMP:
		p.ts = false;
		tt_send_data(&p, "x", 1);
		break;
	case MISS_MSS_OPTION:
		memset(&t, 0, sizeof(t));
		t.sport = p.sport;
		t.dport = TT_PORT;
		t.flags = F_ACK;
		t.seq = p.snd_nxt;
		t.ack = p.rcv_nxt;
		t.win = p.win;
		t.mss = 1460;
		t.wscale = -1;
		t.ts = true;
		t.tsval = p.tsval;
		t.tsecr = p.ts_recent;
		t.data = "x";
		t.len = 1;
		tt_send_raw(h, &t);
		break;
	case MISS_ECE:
		tt_send(&p, F_ACK | F_ECE, p.snd_nxt, p.rcv_nxt, "x", 1);
		break;
	case MISS_RST:
		tt_send(&p, F_RST | F_ACK, p.snd_nxt, p.rcv_nxt, NULL, 0);
		break;
	case MISS_SYN:
		tt_send(&p, F_SYN | F_ACK, p.snd_nxt, p.rcv_nxt, NULL, 0);
		break;
	default:
		fail();
	}
	if (fast_count(h) != n0)
		fail_msg("case %d took the fast path", (int)k);
	(void)tt_collect(h, rest, 8);
}

static void
test_tcp_fast_unpredicted_segments_take_general_path(void **state)
{
	for (int k = 0; k < MISS__COUNT; k++) {
		struct harness *h = tt_reopen(state, NULL);

		fast_miss_one(h, (enum fast_miss)k, (uint16_t)(41100 + k));
	}
}

static void
test_tcp_fast_not_taken_while_out_of_order_data_held(void **state)
{
	struct harness *h = *state;
	struct tt_peer p;
	struct tt_seg r[4];
	struct tt_app *a = fast_client(h, &p, 41200);
	uint64_t n0 = fast_count(h);

	tt_send(&p, F_ACK, p.snd_nxt + 3, p.rcv_nxt, "def", 3); /* a gap */
	tt_collect(h, r, 4);
	/* In order, but the queue holds data: the general path fills the
	 * gap and delivers both. */
	tt_send_data(&p, "abc", 3);
	assert_int_equal(fast_count(h), n0);
	assert_int_equal(a->rx_len, 6);
	assert_memory_equal(a->rx, "abcdef", 6);
}

/*
 * One exchange: requests, their answers (echoed), a pure ACK; every
 * segment the stack sends, the bytes the application got and the
 * counters, with flags_extra on every segment the peer sends (ECE: the
 * general path for all of them).
 */
struct fast_run {
	unsigned int n;
	struct tt_seg segs[16];
	uint32_t rx_len;
	uint8_t rx[64];
	struct stats st;
	/* the connection after each request's turn: what ACK processing
	 * leaves, sequence numbers relative to iss and irs, times to now */
	uint64_t conn[3][24];
	/* after the first request, which acknowledges nothing (nothing in
	 * flight yet: tcp_fast_acks_none), before its answer is collected */
	uint64_t first[24];
};

/* What an ACK moves in c (tcp_rcv_ack and the fast path's ACK). */
static void
fast_conn_state(struct harness *h, const struct tcp_conn *c, uint64_t *v)
{
	uint64_t now = h->ctx->now_us;
	unsigned int k = 0;

	v[k++] = c->snd_una - c->iss;
	v[k++] = c->snd_nxt - c->iss;
	v[k++] = c->snd_max - c->iss;
	v[k++] = c->snd_wl1 - c->irs;
	v[k++] = c->snd_wl2 - c->iss;
	v[k++] = c->snd_wnd;
	v[k++] = c->max_snd_wnd;
	v[k++] = c->cwnd;
	v[k++] = c->ssthresh;
	v[k++] = (uint64_t)c->srtt << 32 | c->rttvar;
	v[k++] = c->rto;
	v[k++] = c->flags;
	v[k++] = (uint64_t)c->timer_kind << 32 | c->dupacks << 8 | c->retries;
	v[k++] = (uint64_t)c->sndq_len << 32 | c->nsndq << 16 | c->sndq_off;
	v[k++] = (c->sndq_head != NULL) | (c->sndq_tail != NULL) << 1 |
		 (c->snd_cur != NULL) << 2 | (c->hold_pprev != NULL) << 3;
	v[k++] = now - c->progress_us;
	v[k++] = c->rack_rtt ? (uint32_t)now - c->rack_xmit_ts : 0;
	v[k++] = c->rack_rtt ? c->rack_end_seq - c->iss : 0;
	v[k++] = (uint64_t)c->rack_rtt << 32 | c->rack_min_rtt;
	v[k++] = (uint64_t)(c->lost_end - c->iss) << 32 | (c->rtx_nxt - c->iss);
	v[k++] = (uint64_t)(c->tlp_end - c->iss) << 32 | c->nsnd_sack;
	v[k++] = c->rcv_nxt - c->irs;
	v[k++] = (uint64_t)c->rcv_unacked << 32 | (c->last_ack_sent - c->irs);
	v[k++] = (uint64_t)c->undo_retrans << 32 | (c->rtx_deadline - now);
}

static void
fast_script_sack(struct harness *h, uint8_t extra, bool sack,
		 struct fast_run *out)
{
	static const char *const req[] = { "GET /1", "POST /event {}", "GET /22" };
	struct tt_peer p;
	struct tt_app *a;
	unsigned int n;

	tt_peer_init(&p, h, 41300);
	p.ts = true;
	p.wscale = 7;
	p.sack_perm = sack;
	tt_policy.action = TT_ECHO;
	a = tt_connect(&p);
	memset(out, 0, sizeof(*out));
	for (unsigned int i = 0; i < 3; i++) {
		uint32_t len = (uint32_t)strlen(req[i]);

		tt_send(&p, F_ACK | F_PSH | extra, p.snd_nxt, p.rcv_nxt, req[i],
			len);
		if (i == 0)
			fast_conn_state(h, a->c, out->first);
		p.snd_nxt += len;
		n = tt_collect(h, out->segs + out->n, 16 - out->n);
		assert_int_equal(n, 1);
		p.ts_recent = out->segs[out->n].s.tsval;
		p.rcv_nxt = out->segs[out->n].s.seq +
			    (uint32_t)out->segs[out->n].s.len;
		out->n += n;
		harness_advance(h, 1000);
		p.tsval++;
		if (i)
			fast_conn_state(h, a->c, out->conn[i - 1]);
	}
	/* The last answer acknowledged alone; nothing more is owed. */
	tt_send(&p, F_ACK | extra, p.snd_nxt, p.rcv_nxt, NULL, 0);
	harness_advance(h, 100000);
	out->n += tt_collect(h, out->segs + out->n, 16 - out->n);
	fast_conn_state(h, a->c, out->conn[2]);
	out->rx_len = a->rx_len;
	memcpy(out->rx, a->rx, a->rx_len);
	out->st = h->ctx->stats;
}

static void
fast_script(struct harness *h, uint8_t extra, struct fast_run *out)
{
	fast_script_sack(h, extra, false, out);
}

static void
test_tcp_fast_and_general_paths_answer_identically(void **state)
{
	struct harness *h = tt_reopen(state, NULL);
	static struct fast_run fast, slow;

	fast_script(h, 0, &fast);
	assert_int_equal(STAT_GET(&fast.st, tcp_fast_path), 4);
	h = tt_reopen(state, NULL);
	fast_script(h, F_ECE, &slow);
	assert_int_equal(STAT_GET(&slow.st, tcp_fast_path), 0);

	assert_int_equal(fast.n, slow.n);
	assert_int_equal(fast.rx_len, slow.rx_len);
	assert_memory_equal(fast.rx, slow.rx, fast.rx_len);
	/* Our ISN and timestamp offset are keyed per run: both relative
	 * to the first answer. */
	for (unsigned int i = 0; i < fast.n; i++) {
		const struct pkt_tcp_seen *f = &fast.segs[i].s, *s = &slow.segs[i].s;

		assert_int_equal(f->seq - fast.segs[0].s.seq,
				 s->seq - slow.segs[0].s.seq);
		assert_int_equal(f->ack, s->ack);
		assert_int_equal(f->flags, s->flags);
		assert_int_equal(f->win, s->win);
		assert_int_equal(f->tsval - fast.segs[0].s.tsval,
				 s->tsval - slow.segs[0].s.tsval);
		assert_int_equal(f->tsecr, s->tsecr);
		assert_int_equal(f->len, s->len);
		assert_memory_equal(fast.segs[i].data, slow.segs[i].data, f->len);
	}
	/* Every counter but the fast path's own. */
	for (int i = 0; i < ST__COUNT; i++)
		if (i != ST_tcp_fast_path && fast.st.v[i] != slow.st.v[i])
			fail_msg("counter %s: %llu fast, %llu general",
				 stats_name((enum stats_id)i),
				 (unsigned long long)fast.st.v[i],
				 (unsigned long long)slow.st.v[i]);
}

/*
 * The ACK of a whole answer (tcp_fast_ack_all, the fast path's own ACK
 * processing) leaves the connection as tcp_rcv_ack does: RTT estimator,
 * window, congestion control, send queue, timer, RACK's state, with
 * SACK and without.
 */
static void
test_tcp_fast_ack_of_answer_leaves_state_of_general_path(void **state)
{
	static struct fast_run fast, slow;

	for (int sack = 0; sack < 2; sack++) {
		struct harness *h = tt_reopen(state, NULL);

		fast_script_sack(h, 0, sack, &fast);
		assert_int_equal(STAT_GET(&fast.st, tcp_fast_path), 4);
		h = tt_reopen(state, NULL);
		fast_script_sack(h, F_ECE, sack, &slow);
		assert_int_equal(STAT_GET(&slow.st, tcp_fast_path), 0);
		for (int t = 0; t < 3; t++)
			for (int i = 0; i < 24; i++)
				if (fast.conn[t][i] != slow.conn[t][i])
					fail_msg("sack %d turn %d field %d: %llu fast, %llu general",
						 sack, t, i,
						 (unsigned long long)fast.conn[t][i],
						 (unsigned long long)slow.conn[t][i]);
		assert_int_equal(fast.n, slow.n);
		for (unsigned int i = 0; i < fast.n; i++) {
			assert_int_equal(fast.segs[i].s.ack, slow.segs[i].s.ack);
			assert_int_equal(fast.segs[i].s.len, slow.segs[i].s.len);
		}
	}
}

/*
 * A request that acknowledges nothing new with nothing in flight (the
 * first after the handshake: tcp_fast_acks_none, only the window
 * update) leaves the connection as tcp_rcv_ack's first case does, with
 * SACK and without; the state after it is taken before its answer goes
 * out, when ack == snd_una == snd_max still holds for both.
 */
static void
test_tcp_fast_request_acking_nothing_leaves_state_of_general_path(void **state)
{
	static struct fast_run fast, slow;

	for (int sack = 0; sack < 2; sack++) {
		struct harness *h = tt_reopen(state, NULL);

		fast_script_sack(h, 0, sack, &fast);
		assert_int_equal(STAT_GET(&fast.st, tcp_fast_path), 4);
		h = tt_reopen(state, NULL);
		fast_script_sack(h, F_ECE, sack, &slow);
		assert_int_equal(STAT_GET(&slow.st, tcp_fast_path), 0);
		for (int i = 0; i < 24; i++)
			if (fast.first[i] != slow.first[i])
				fail_msg("sack %d field %d: %llu fast, %llu general",
					 sack, i,
					 (unsigned long long)fast.first[i],
					 (unsigned long long)slow.first[i]);
		assert_int_equal(fast.n, slow.n);
		assert_int_equal(fast.segs[0].s.len, slow.segs[0].s.len);
		assert_int_equal(fast.segs[0].s.ack, slow.segs[0].s.ack);
	}
}

/*
 * The word header prediction compares (rcv_pred, tcp_pred_word) follows
 * every write of what it is made of: the handshake's window, scale and
 * timestamps (tcp_established), each window the general path takes
 * (tcp_snd_wnd_take), a zero window. One step a segment from the peer
 * (a request, echoed, or a pure ACK) with the window field win; fast:
 * whether the prediction takes it, as the general path's state decides
 * (the window field is snd_wnd >> snd_wscale and not 0, the options
 * those of the connection).
 */
struct pred_step {
	uint16_t win;
	const char *data; /* NULL: a pure ACK */
	bool fast;
};

static const struct pred_step pred_steps[] = {
	{ 65535, "a", true },  /* the handshake's window */
	{ 65535, "bb", true },
	{ 65534, "c", false }, /* a new window: the general path takes it */
	{ 65534, "dd", true }, /* ... and the prediction follows it */
	{ 65535, "e", false }, /* the old one is a change again */
	{ 0, NULL, false },    /* a zero window (the answer acknowledged) */
	{ 0, "g", false },     /* ... not predicted while it holds */
	{ 300, NULL, false },  /* opened again */
	{ 300, "ff", true },
	{ 300, NULL, true },   /* the answer's ACK */
};
#define PRED_N (sizeof(pred_steps) / sizeof(pred_steps[0]))

struct pred_run {
	bool fast[PRED_N];
	unsigned int n;
	struct tt_seg segs[PRED_N];
	uint64_t conn[PRED_N][24];
	uint32_t rx_len;
};

static void
pred_script(struct harness *h, bool ts, int8_t wscale, uint8_t extra,
	    struct pred_run *out)
{
	struct tt_peer p;
	struct tt_app *a;

	tt_peer_init(&p, h, 41400);
	p.ts = ts;
	p.wscale = wscale;
	tt_policy.action = TT_ECHO;
	a = tt_connect(&p);
	memset(out, 0, sizeof(*out));
	for (unsigned int i = 0; i < PRED_N; i++) {
		const struct pred_step *st = &pred_steps[i];
		uint32_t len = st->data ? (uint32_t)strlen(st->data) : 0;
		uint64_t n0 = fast_count(h);
		unsigned int n;

		p.win = st->win;
		tt_send(&p, (uint8_t)(F_ACK | (len ? F_PSH : 0) | extra),
			p.snd_nxt, p.rcv_nxt, st->data, len);
		p.snd_nxt += len;
		out->fast[i] = fast_count(h) != n0;
		n = tt_collect(h, out->segs + out->n, PRED_N - out->n);
		assert_true(n <= 1);
		if (n) {
			p.ts_recent = out->segs[out->n].s.tsval;
			p.rcv_nxt = out->segs[out->n].s.seq +
				    (uint32_t)out->segs[out->n].s.len;
			out->n++;
		}
		harness_advance(h, 1000);
		p.tsval++;
		fast_conn_state(h, a->c, out->conn[i]);
	}
	out->rx_len = a->rx_len;
}

static void
test_tcp_fast_prediction_follows_window_scale_and_timestamps(void **state)
{
	static const int8_t scales[] = { -1, 0, 7, 14 };
	static struct pred_run fast, slow;

	for (int ts = 0; ts < 2; ts++) {
		for (unsigned int w = 0; w < sizeof(scales); w++) {
			struct harness *h = tt_reopen(state, NULL);

			pred_script(h, ts, scales[w], 0, &fast);
			h = tt_reopen(state, NULL);
			pred_script(h, ts, scales[w], F_ECE, &slow);
			for (unsigned int i = 0; i < PRED_N; i++) {
				if (fast.fast[i] != pred_steps[i].fast)
					fail_msg("ts %d wscale %d step %u: fast %d, want %d",
						 ts, scales[w], i, fast.fast[i],
						 pred_steps[i].fast);
				assert_false(slow.fast[i]);
				for (int k = 0; k < 24; k++)
					if (fast.conn[i][k] != slow.conn[i][k])
						fail_msg("ts %d wscale %d step %u field %d: %llu fast, %llu general",
							 ts, scales[w], i, k,
							 (unsigned long long)fast.conn[i][k],
							 (unsigned long long)slow.conn[i][k]);
			}
			assert_int_equal(fast.rx_len, slow.rx_len);
			assert_int_equal(fast.n, slow.n);
			for (unsigned int i = 0; i < fast.n; i++) {
				const struct pkt_tcp_seen *f = &fast.segs[i].s;
				const struct pkt_tcp_seen *g = &slow.segs[i].s;

				assert_int_equal(f->ack, g->ack);
				assert_int_equal(f->flags, g->flags);
				assert_int_equal(f->win, g->win);
				assert_int_equal(f->len, g->len);
				assert_int_equal(f->ts, g->ts);
			}
		}
	}
}

/*
 * Header prediction's test as it reads in RFC 1323's appendix and
 * tcp_fast.h's list, written out field by field: the reference the
 * folded compares (rcv_pred, tcp_fast_word_ok) are held to.
 */
static bool
pred_reference(const struct tcp_conn *c, const struct tcp_seg *s)
{
	uint32_t hlen = (c->flags & TCF_TS) ? 32 : 20;
	uint32_t wnd = c->snd_wnd >> c->snd_wscale;
	const uint8_t *h = (const uint8_t *)s->th;

	if (hlen > 20 && !s->has_ts)
		return false; /* options, and no timestamp among them */
	if (h[12] != (hlen / 4) << 4 ||
	    (h[13] & ~RTE_TCP_PSH_FLAG) != RTE_TCP_ACK_FLAG ||
	    (uint32_t)(h[14] << 8 | h[15]) != wnd || wnd == 0)
		return false;
	if (c->state != TCP_ESTABLISHED || s->seq != c->rcv_nxt ||
	    !(c->flags & TCF_APP) || c->ooo != NULL || c->retries != 0 ||
	    c->dupacks != 0 || c->nsnd_sack != 0 ||
	    c->timer_kind == TT_RACK)
		return false;
	if (c->flags & (TCF_RECOVERY | TCF_PERSIST | TCF_DEAD |
			TCF_APP_CLOSED | TCF_RCV_LIM | TCF_MEMWAIT |
			TCF_ORPHAN_RST | TCF_FIN_SENT | TCF_TLP | TCF_DSACK))
		return false;
	if ((c->flags & TCF_TS) &&
	    (!s->has_ts || (int32_t)(s->tsval - c->ts_recent) < 0))
		return false;
	if (SEQ_LT(s->ack, c->snd_una) || SEQ_GT(s->ack, c->snd_max) ||
	    (s->ack == c->snd_una && s->len == 0))
		return false;
	return s->len <= c->rcv_wnd;
}

/* s->hw as tcp_parse makes it of the header hdr (its options NOP NOP
 * TS, or none). */
static void
pred_hw(struct tcp_seg *s, const uint8_t *hdr)
{
	memcpy(&s->hw, hdr + 12, 4);
	s->hw &= ~RTE_BE32((uint32_t)RTE_TCP_PSH_FLAG << 16);
}

/*
 * tcp_fast_predict against pred_reference on an ESTABLISHED connection
 * with an answer in flight, its state moved one field at a time: every
 * state, timer job and flag (rcv_pred made again, as its writers do,
 * when TCF_TS changes), with the header's flags and window varied.
 */
static void
test_tcp_fast_predict_as_written_out(void **state)
{
	struct harness *h = *state;
	struct tt_peer p;
	struct tt_seg r;
	struct tt_app *a = fast_client(h, &p, 41500);
	struct tcp_conn *c, save;
	uint8_t hdr[32];
	struct tcp_seg s;
	unsigned int n = 0, yes = 0;

	tt_send_data(&p, "ping", 4);
	fast_take(&p, &r); /* its echo in flight */
	c = a->c;
	save = *c;
	memset(&s, 0, sizeof(s));
	s.th = (const struct rte_tcp_hdr *)hdr;
	s.seq = c->rcv_nxt;
	s.ack = c->snd_max;
	s.len = 3;
	s.has_ts = true;
	s.tsval = c->ts_recent + 1;
	for (unsigned int hf = 0; hf < 6; hf++) {
		static const uint8_t hflags[] = {
			RTE_TCP_ACK_FLAG, RTE_TCP_ACK_FLAG | RTE_TCP_PSH_FLAG,
			RTE_TCP_ACK_FLAG | RTE_TCP_FIN_FLAG,
			RTE_TCP_ACK_FLAG | RTE_TCP_ECE_FLAG,
			RTE_TCP_PSH_FLAG, RTE_TCP_ACK_FLAG | RTE_TCP_CWR_FLAG,
		};
		for (unsigned int v = 0; v < 4; v++) {
			uint32_t held = c->snd_wnd >> c->snd_wscale;
			uint32_t wnd = v == 0 ? held : v == 1 ? held - 1 :
				       v == 2 ? 0 : held + 1;

			memset(hdr, 0, sizeof(hdr));
			hdr[12] = (uint8_t)(((c->flags & TCF_TS) ? 8 : 5) << 4);
			hdr[13] = hflags[hf];
			hdr[14] = (uint8_t)(wnd >> 8);
			hdr[15] = (uint8_t)wnd;
			pred_hw(&s, hdr);
			for (unsigned int st = 0; st < TCP_NSTATES; st++) {
				for (unsigned int k = 0; k <= TT_RACK; k++) {
					for (int b = -1; b < 32; b++) {
						bool want, got;

						c->state = (uint8_t)st;
						c->timer_kind = (uint8_t)k;
						if (b >= 0)
							c->flags ^= 1u << b;
						c->rcv_pred = tcp_pred_word(c);
						want = pred_reference(c, &s);
						got = tcp_fast_predict(c, &s);
						if (want != got)
							fail_msg("flags %02x wnd %u state %u kind %u bit %d: %d, want %d",
								 hflags[hf], wnd, st, k, b,
								 got, want);
						yes += want;
						n++;
						*c = save;
					}
				}
			}
		}
	}
	/* The other fields the prediction reads, one at a time. */
	for (int f = 0; f < 10; f++) {
		memset(hdr, 0, sizeof(hdr));
		hdr[12] = 8 << 4;
		hdr[13] = RTE_TCP_ACK_FLAG;
		hdr[14] = (uint8_t)((c->snd_wnd >> c->snd_wscale) >> 8);
		hdr[15] = (uint8_t)(c->snd_wnd >> c->snd_wscale);
		pred_hw(&s, hdr);
		switch (f) {
		case 0: c->ooo = (struct rte_mbuf *)hdr; break;
		case 1: c->retries = 1; break;
		case 2: c->dupacks = 1; break;
		case 3: c->nsnd_sack = 1; break;
		case 4: c->rcv_nxt++; break;
		case 5: c->ts_recent = s.tsval + 1; break;
		case 6: c->rcv_wnd = s.len - 1; break;
		case 7: c->snd_max = c->snd_una; break;
		case 8: /* 12 option bytes, not NOP NOP TS nor a TS */
			s.hw = TCP_HW_NONE;
			s.has_ts = false;
			break;
		case 9: /* the same on a zero window (rcv_pred 0) */
			s.hw = TCP_HW_NONE;
			s.has_ts = false;
			c->snd_wnd = 0;
			c->rcv_pred = tcp_pred_word(c);
			break;
		}
		if (pred_reference(c, &s) != tcp_fast_predict(c, &s))
			fail_msg("field %d", f);
		assert_false(tcp_fast_predict(c, &s));
		*c = save;
		s.has_ts = true;
		pred_hw(&s, hdr);
	}
	/* The acknowledgment around snd_una and snd_max, with and without
	 * text, nothing in flight too. */
	for (int in = 0; in < 2; in++) {
		if (in)
			c->snd_una = c->snd_max;
		for (int k = 0; k < 10; k++) {
			static const int32_t d[] = { -1, 0, 1, 2, 3 };
			struct tcp_seg t = s;

			t.ack = (k < 5 ? c->snd_una : c->snd_max) +
				(uint32_t)d[k % 5];
			for (t.len = 0; t.len < 2; t.len++)
				if (pred_reference(c, &t) != tcp_fast_predict(c, &t))
					fail_msg("in %d ack %d len %u", in, k, t.len);
		}
		*c = save;
	}
	/* the connection as it was: the segment is the predicted one */
	assert_true(tcp_fast_predict(c, &s));
	assert_true(yes > 0 && yes < n);
}

/*
 * RFC 9293 §3.8.6.3 on the fast path (rcv_ack_at, made when the
 * connection is established): in-order text that reaches two full
 * segments (rcv_mss less the timestamps' 12 bytes) is ACKed at once,
 * less is left to the delayed ACK; without delayed ACKs every segment
 * is. The same segments with ECE (the general path) give the same ACKs.
 */
static void
ackat_no_delack(struct config *cfg)
{
	cfg->tcp_delack_ms = 0;
}

static void
ackat_script(struct harness *h, bool ts, uint8_t extra, unsigned int *out,
	     unsigned int *fast)
{
	static uint8_t buf[4096];
	struct tt_peer p;
	struct tt_app *a;
	struct tt_seg r[4];
	uint32_t full, lens[6], sum = 0;
	uint64_t n0;

	tt_peer_init(&p, h, 41600);
	p.ts = ts;
	p.wscale = 7;
	tt_policy.action = TT_NOTHING;
	a = tt_connect(&p);
	full = a->c->rcv_mss - (ts ? 12u : 0u);
	lens[0] = full - 1;
	lens[1] = full;
	lens[2] = 1; /* two full segments in all: the ACK */
	lens[3] = full;
	lens[4] = full - 1;
	lens[5] = 1; /* again */
	assert_true(full <= sizeof(buf));
	memset(buf, 'x', sizeof(buf));
	n0 = fast_count(h);
	for (unsigned int i = 0; i < 6; i++) {
		tt_send(&p, (uint8_t)(F_ACK | extra), p.snd_nxt, p.rcv_nxt, buf,
			lens[i]);
		p.snd_nxt += lens[i];
		sum += lens[i];
		out[i] = tt_collect(h, r, 4);
		p.tsval++;
	}
	*fast = (unsigned int)(fast_count(h) - n0);
	assert_int_equal(a->rx_len, sum);
}

static void
test_tcp_fast_acks_every_second_full_segment_as_general_path(void **state)
{
	for (int nd = 0; nd < 2; nd++) {
		for (int ts = 0; ts < 2; ts++) {
			unsigned int f[6], g[6], nf, ng;
			struct harness *h;

			h = tt_reopen(state, nd ? ackat_no_delack : NULL);
			ackat_script(h, ts, 0, f, &nf);
			h = tt_reopen(state, nd ? ackat_no_delack : NULL);
			ackat_script(h, ts, F_ECE, g, &ng);
			assert_int_equal(nf, 6);
			assert_int_equal(ng, 0);
			for (int i = 0; i < 6; i++)
				if (f[i] != g[i] || f[i] != (nd || i == 2 || i == 5))
					fail_msg("no delack %d ts %d step %d: %u fast, %u general",
						 nd, ts, i, f[i], g[i]);
		}
	}
}

/*
 * The writable callback of the ACK a predicted segment carries closes
 * the connection or bounds its window (TCP_FAST_CALLED): the text the
 * segment carries is then tcp_rcv_data's to decide, as on the general
 * path. The connection's ops are the harness's with such a callback.
 */
enum { WR_CLOSE = 1, WR_ROOM0 };
static int wr_action;

static void
wr_writable(struct lcore_ctx *ctx, struct tcp_conn *c, void *app)
{
	tt_ops.writable(ctx, c, app);
	if (wr_action == WR_CLOSE)
		tcp_close(ctx, c);
	else if (wr_action == WR_ROOM0)
		tcp_rcv_room(ctx, c, 0);
	wr_action = 0;
}

struct wr_run {
	unsigned int n;
	struct tt_seg segs[8];
	uint32_t rx_len, recv_calls;
	uint64_t conn[24];
	uint8_t state;
	struct stats st;
};

static void
wr_script(struct harness *h, int action, uint8_t extra, struct wr_run *out)
{
	static struct tcp_ops ops;
	struct tt_peer p;
	struct tt_app *a;
	struct tt_seg r;

	ops = tt_ops;
	ops.writable = wr_writable;
	memset(out, 0, sizeof(*out));
	a = fast_client(h, &p, 41700);
	tt_send(&p, F_ACK | F_PSH | extra, p.snd_nxt, p.rcv_nxt, "ping", 4);
	p.snd_nxt += 4;
	fast_take(&p, &r); /* the echo, in flight */
	a->c->ops = &ops;
	wr_action = action;
	/* acknowledges the echo (writable) and carries text */
	tt_send(&p, F_ACK | F_PSH | extra, p.snd_nxt, p.rcv_nxt, "more", 4);
	out->n = tt_collect(h, out->segs, 8);
	out->rx_len = a->rx_len;
	out->recv_calls = a->recv_calls;
	out->state = a->c->state;
	fast_conn_state(h, a->c, out->conn);
	out->st = h->ctx->stats;
}

static void
test_tcp_fast_writable_closing_or_bounding_leaves_text_to_general_path(void **state)
{
	static struct wr_run fast, slow;

	for (int action = WR_CLOSE; action <= WR_ROOM0; action++) {
		struct harness *h = tt_reopen(state, NULL);

		wr_script(h, action, 0, &fast);
		assert_int_equal(STAT_GET(&fast.st, tcp_fast_path), 2);
		h = tt_reopen(state, NULL);
		wr_script(h, action, F_ECE, &slow);
		assert_int_equal(STAT_GET(&slow.st, tcp_fast_path), 0);
		assert_int_equal(fast.state, slow.state);
		assert_int_equal(fast.rx_len, slow.rx_len);
		assert_int_equal(fast.recv_calls, slow.recv_calls);
		for (int i = 0; i < 24; i++)
			if (fast.conn[i] != slow.conn[i])
				fail_msg("action %d field %d: %llu fast, %llu general",
					 action, i,
					 (unsigned long long)fast.conn[i],
					 (unsigned long long)slow.conn[i]);
		assert_int_equal(fast.n, slow.n);
		for (unsigned int i = 0; i < fast.n; i++) {
			assert_int_equal(fast.segs[i].s.flags, slow.segs[i].s.flags);
			assert_int_equal(fast.segs[i].s.ack, slow.segs[i].s.ack);
			assert_int_equal(fast.segs[i].s.win, slow.segs[i].s.win);
			assert_int_equal(fast.segs[i].s.len, slow.segs[i].s.len);
		}
	}
}

/*
 * On a connection with timestamps, 12 option bytes without one (a SACK
 * block behind two NOPs: the header length a timestamp makes) are no
 * predicted segment (tcp_parse marks s->hw TCP_HW_NONE): the general
 * path takes it, as when the prediction asked for the timestamp, also
 * while the peer's window is 0 (rcv_pred 0); 12 bytes holding one with
 * padding after it (the harness's layout) are predicted.
 */
static void
test_tcp_fast_twelve_option_bytes_without_timestamp_not_predicted(void **state)
{
	struct harness *h = *state;
	struct tt_peer p;
	struct tt_seg r[4];
	struct pkt_tcp t;
	struct tt_app *a;
	uint64_t n0;

	tt_peer_init(&p, h, 41800);
	p.ts = true;
	p.wscale = 7;
	/* TS.Recent just below 2^32: a TSval the segment does not carry
	 * (0, or an earlier segment's) passes PAWS, so only the header
	 * word keeps such a segment from the prediction */
	p.tsval = 0xffffff00u;
	tt_policy.action = TT_ECHO;
	a = tt_connect(&p);
	tt_send_data(&p, "ping", 4);
	fast_take(&p, &r[0]);
	n0 = fast_count(h);
	memset(&t, 0, sizeof(t));
	t.sport = p.sport;
	t.dport = TT_PORT;
	t.flags = F_ACK;
	t.seq = p.snd_nxt;
	t.ack = p.rcv_nxt;
	t.win = p.win;
	t.wscale = -1;
	t.nsack = 1;
	t.sack[0][0] = p.rcv_nxt + 100;
	t.sack[0][1] = p.rcv_nxt + 200;
	t.data = "x";
	t.len = 1;
	tt_send_raw(h, &t);
	assert_int_equal(fast_count(h), n0);
	(void)tt_collect(h, r, 4);
	/* whatever the general path made of it, the next is predicted */
	p.snd_nxt += a->rx_len - 4;
	p.tsval++;
	tt_send_data(&p, "next", 4);
	assert_int_equal(fast_count(h), n0 + 1);
	fast_take(&p, &r[0]);
	/* A zero window (rcv_pred 0), then the same options on it. */
	p.win = 0;
	tt_send_ack(&p);
	(void)tt_collect(h, r, 4);
	n0 = fast_count(h);
	t.seq = p.snd_nxt;
	t.ack = p.rcv_nxt;
	t.win = 0;
	tt_send_raw(h, &t);
	assert_int_equal(fast_count(h), n0);
	(void)tt_collect(h, r, 4);
}

/*
 * The ACK of a whole answer that used the window grows it
 * (tcp_fast_cwnd_grow, RFC 5681 §3.1 / RFC 7661 §4.3) as tcp_rcv_ack's
 * congestion control does: a small window set on both twins, slow
 * start and congestion avoidance.
 */
static uint32_t
grow_script(struct harness *h, uint8_t extra, bool ss, uint64_t *fast)
{
	static const char req[60] = "GET /grow";
	struct tt_peer p;
	struct tt_seg r;
	struct tt_app *a = fast_client(h, &p, 41900);
	uint64_t n0 = fast_count(h);

	a->c->cwnd = 100;
	if (!ss)
		a->c->ssthresh = 50;
	tt_send(&p, F_ACK | F_PSH | extra, p.snd_nxt, p.rcv_nxt, req,
		sizeof(req));
	p.snd_nxt += sizeof(req);
	fast_take(&p, &r);
	assert_int_equal(r.s.len, sizeof(req));
	/* acknowledges the 60-byte answer: 2 * 60 >= 100 */
	tt_send(&p, F_ACK | F_PSH | extra, p.snd_nxt, p.rcv_nxt, "x", 1);
	*fast = fast_count(h) - n0;
	return a->c->cwnd;
}

static void
test_tcp_fast_ack_grows_used_window_as_general_path(void **state)
{
	for (int ss = 0; ss < 2; ss++) {
		struct harness *h = tt_reopen(state, NULL);
		uint64_t nf, ng;
		uint32_t f = grow_script(h, 0, ss, &nf), g;

		h = tt_reopen(state, NULL);
		g = grow_script(h, F_ECE, ss, &ng);
		assert_int_equal(nf, 2);
		assert_int_equal(ng, 0);
		assert_true(f > 100);
		if (f != g)
			fail_msg("ss %d: cwnd %u fast, %u general", ss, f, g);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		TT_TEST(test_tcp_fast_request_and_ack_of_answer_take_fast_path),
		TT_TEST(test_tcp_fast_unpredicted_segments_take_general_path),
		TT_TEST(test_tcp_fast_not_taken_while_out_of_order_data_held),
		TT_TEST(test_tcp_fast_and_general_paths_answer_identically),
		TT_TEST(test_tcp_fast_ack_of_answer_leaves_state_of_general_path),
		TT_TEST(test_tcp_fast_request_acking_nothing_leaves_state_of_general_path),
		TT_TEST(test_tcp_fast_prediction_follows_window_scale_and_timestamps),
		TT_TEST(test_tcp_fast_predict_as_written_out),
		TT_TEST(test_tcp_fast_acks_every_second_full_segment_as_general_path),
		TT_TEST(test_tcp_fast_writable_closing_or_bounding_leaves_text_to_general_path),
		TT_TEST(test_tcp_fast_twelve_option_bytes_without_timestamp_not_predicted),
		TT_TEST(test_tcp_fast_ack_grows_used_window_as_general_path),
	};

	return TT_RUN(tests);
}
