/* SPDX-License-Identifier: BSD-3-Clause */
/* test_tcp_spare.c: the acknowledged answer's mbuf reused for the next
 * answer (tcp_sndq_pop_keep, tcp_sndq_mbuf, tcp_send_reserve): only when
 * the queue's reference is the last, never kept past the segment,
 * leak-free, the holders list kept right, and a retransmission of the
 * reused mbuf carries the new answer's bytes. */
#include <string.h>

#include <rte_mempool.h>

#include "net/tcp_priv.h"
#include "tcp_test.h"

static unsigned int
in_use(struct harness *h)
{
	return rte_mempool_in_use_count(h->pool);
}

/* Nothing held between segments: no spare, none counted by the budget. */
static void
assert_no_spare(struct harness *h)
{
	assert_null(tcp_tl(h->ctx)->spare);
	assert_int_equal(h->ctx->mem.held, 0);
}

/* An echo connection that answered "first" (TX completion done: the
 * harness freed the transmitted frame); its send queue's mbuf. */
static struct rte_mbuf *
answered_once(struct harness *h, struct tt_peer *p, uint16_t sport,
	      struct tt_app **app)
{
	struct tt_seg r;
	struct tt_app *a;

	tt_peer_init(p, h, sport);
	tt_policy.action = TT_ECHO;
	a = tt_connect(p);
	tt_send_data(p, "first", 5);
	tt_one(h, &r);
	assert_int_equal(r.s.len, 5);
	assert_memory_equal(r.s.data, "first", 5);
	p->rcv_nxt += 5;
	assert_non_null(a->c->sndq_head);
	assert_int_equal(rte_mbuf_refcnt_read(a->c->sndq_head), 1);
	assert_no_spare(h);
	*app = a;
	return a->c->sndq_head;
}

static void
test_tcp_spare_acked_answer_mbuf_carries_next_answer(void **state)
{
	struct harness *h = *state;
	struct tt_peer p;
	struct tt_app *a;
	struct tt_seg r;
	struct rte_mbuf *m = answered_once(h, &p, 41000, &a);
	unsigned int base = in_use(h);

	/* The next request acknowledges the first answer: its mbuf, ours
	 * alone, is the second answer's. */
	tt_send_data(&p, "second!", 7);
	assert_ptr_equal(a->c->sndq_head, m);
	assert_ptr_equal(a->c->sndq_tail, m);
	assert_int_equal(a->c->nsndq, 1);
	assert_int_equal(in_use(h), base);
	assert_no_spare(h);
	/* Reset as a fresh mbuf: one segment, our headroom, no chain. */
	assert_null(m->next);
	assert_int_equal(m->nb_segs, 1);
	tt_one(h, &r);
	assert_int_equal(r.s.len, 7);
	assert_memory_equal(r.s.data, "second!", 7);
	p.rcv_nxt += 7;
	tt_send_ack(&p);
	tt_none(h);
	assert_null(a->c->sndq_head);
	assert_int_equal(in_use(h), base - 1);
	assert_no_spare(h);
}

static void
test_tcp_spare_mbuf_still_in_tx_is_not_reused(void **state)
{
	struct harness *h = *state;
	struct tt_peer p;
	struct tt_app *a;
	struct tt_seg r;
	struct rte_mbuf *tx[4], *m;
	unsigned int n;

	tt_peer_init(&p, h, 41001);
	tt_policy.action = TT_ECHO;
	a = tt_connect(&p);
	tt_send_data(&p, "first", 5);
	lcore_tx_flush(h->ctx);
	/* The frame stays "in the TX ring": two references. */
	n = harness_collect(h, tx, 4);
	assert_int_equal(n, 1);
	m = a->c->sndq_head;
	assert_ptr_equal(tx[0], m);
	assert_int_equal(rte_mbuf_refcnt_read(m), 2);
	p.rcv_nxt += 5;
	tt_send_data(&p, "second!", 7);
	/* Acknowledged but not completed: the queue's reference dropped,
	 * the mbuf left to TX, its bytes untouched; a fresh one answers. */
	assert_ptr_not_equal(a->c->sndq_head, m);
	assert_int_equal(rte_mbuf_refcnt_read(m), 1);
	assert_memory_equal(rte_pktmbuf_mtod_offset(m, const char *,
						    m->data_len - 5),
			    "first", 5);
	assert_no_spare(h);
	rte_pktmbuf_free(m); /* TX completion */
	tt_one(h, &r);
	assert_int_equal(r.s.len, 7);
	assert_memory_equal(r.s.data, "second!", 7);
	p.rcv_nxt += 7;
	tt_send_ack(&p);
	tt_none(h);
	assert_no_spare(h);
}

static void
test_tcp_spare_pure_ack_gives_the_mbuf_back(void **state)
{
	struct harness *h = *state;
	struct tt_peer p;
	struct tt_app *a;
	unsigned int base;

	(void)answered_once(h, &p, 41002, &a);
	base = in_use(h);
	tt_send_ack(&p);
	tt_none(h);
	assert_null(a->c->sndq_head);
	assert_int_equal(in_use(h), base - 1);
	assert_no_spare(h);
}

static void
test_tcp_spare_retransmission_holds_the_new_answer(void **state)
{
	struct harness *h = *state;
	struct tt_peer p;
	struct tt_app *a;
	struct tt_seg segs[4];
	unsigned int n;
	uint32_t seq;
	struct rte_mbuf *m = answered_once(h, &p, 41003, &a);

	seq = p.rcv_nxt;
	tt_send_data(&p, "second answer", 13);
	assert_ptr_equal(a->c->sndq_head, m);
	tt_one(h, &segs[0]);
	/* Lost: the RTO sends the reused mbuf's bytes again, whole. */
	(void)tt_wait_segment(h, segs, 4, &n, 5000000);
	assert_int_equal(n, 1);
	assert_int_equal(segs[0].s.seq, seq);
	assert_int_equal(segs[0].s.len, 13);
	assert_memory_equal(segs[0].s.data, "second answer", 13);
	assert_true(HSTAT(h, tcp_rto_timeouts) >= 1);
	p.rcv_nxt += 13;
	tt_send_ack(&p);
	tt_none(h);
	assert_null(a->c->sndq_head);
	assert_no_spare(h);
}

/* An answer made in the previous answer's mbuf starts with no RACK mark
 * (TCP_XF_*) of it: sent once, it is marked sent, never sent again. */
static void
test_tcp_spare_reused_mbuf_drops_the_old_rack_marks(void **state)
{
	struct harness *h = *state;
	struct tt_peer p;
	struct tt_app *a;
	struct tt_seg r;
	struct rte_mbuf *m;

	tt_peer_init(&p, h, 41004);
	p.sack_perm = true;
	tt_policy.action = TT_ECHO_RESERVE;
	a = tt_connect(&p);
	assert_true(a->c->flags & TCF_SACK);
	tt_send_data(&p, "first", 5);
	tt_one(h, &r);
	p.rcv_nxt += 5;
	m = a->c->sndq_head;
	assert_int_equal(*tcp_xfl(m), TCP_XF_SENT);
	/* As if it had been sent again before the ACK came. */
	*tcp_xfl(m) |= TCP_XF_RETX;
	tt_send_data(&p, "second!", 7);
	assert_ptr_equal(a->c->sndq_head, m);
	assert_int_equal(*tcp_xfl(m), TCP_XF_SENT);
	tt_one(h, &r);
	assert_memory_equal(r.s.data, "second!", 7);
	p.rcv_nxt += 7;
	tt_send_ack(&p);
	tt_none(h);
	assert_no_spare(h);
}

static void
test_tcp_spare_reserve_check_counts_the_spare_as_free(void **state)
{
	struct harness *h = *state;
	struct mem_budget *mb = &h->ctx->mem;
	uint64_t avail;

	/* Held mbufs are free for the RX reserve's check: the exact read
	 * adds them to the pool's count. */
	mb->held = 3;
	avail = mem_pool_avail(mb, UINT32_MAX / 2);
	assert_int_equal(avail, rte_mempool_avail_count(h->pool) + 3);
	mb->held = 0;
	avail = mem_pool_avail(mb, UINT32_MAX / 2);
	assert_int_equal(avail, rte_mempool_avail_count(h->pool));
}

/* c's places on the lcore's holders list (0 or 1). */
static unsigned int
holder_count(struct harness *h, const struct tcp_conn *c)
{
	unsigned int n = 0;

	for (struct tcp_conn *v = tcp_tl(h->ctx)->holders; v; v = v->hold_next)
		n += v == c;
	return n;
}

/* While the spare is kept its connection stays on the holders list;
 * after the segment, a connection is on it exactly when it holds
 * mbufs: the answer that took the spare, or none (pure ACK). */
static void
test_tcp_spare_holders_list_follows_the_spare(void **state)
{
	struct harness *h = *state;
	struct tt_peer p;
	struct tt_app *a;
	struct tt_seg r;
	struct rte_mbuf *m;

	tt_peer_init(&p, h, 41005);
	tt_policy.action = TT_ECHO_RESERVE;
	a = tt_connect(&p);
	tt_send_data(&p, "first", 5);
	tt_one(h, &r);
	p.rcv_nxt += 5;
	m = a->c->sndq_head;
	assert_int_equal(holder_count(h, a->c), 1);
	/* The answer takes the spare: still on the list, once. */
	tt_send_data(&p, "second", 6);
	assert_ptr_equal(a->c->sndq_head, m);
	assert_int_equal(holder_count(h, a->c), 1);
	assert_no_spare(h);
	tt_one(h, &r);
	p.rcv_nxt += 6;
	/* A pure ACK: the spare goes back, the connection off the list. */
	tt_send_ack(&p);
	tt_none(h);
	assert_null(a->c->sndq_head);
	assert_int_equal(holder_count(h, a->c), 0);
	assert_null(a->c->hold_pprev);
	assert_no_spare(h);
}

/* The spare taken by another connection's send: the one it came from,
 * now holding nothing, leaves the holders list; the taker joins it. */
static void
test_tcp_spare_taken_elsewhere_unholds_its_connection(void **state)
{
	struct harness *h = *state;
	struct tt_peer p, q;
	struct tt_app *a, *b;
	struct rte_mbuf *m = answered_once(h, &p, 41006, &a);
	struct tcp_conn *c = a->c;

	tt_peer_init(&q, h, 41007);
	tt_policy.action = TT_NOTHING;
	b = tt_connect(&q);
	assert_int_equal(holder_count(h, c), 1);
	assert_int_equal(holder_count(h, b->c), 0);
	/* c's answer acknowledged as tcp_fast_ack_all releases it. */
	c->sndq_len = 0;
	tcp_sndq_pop_keep(h->ctx, c);
	assert_ptr_equal(tcp_tl(h->ctx)->spare, m);
	assert_int_equal(holder_count(h, c), 1);
	assert_int_equal(tcp_send(h->ctx, b->c, "x", 1), 1);
	assert_ptr_equal(b->c->sndq_head, m);
	assert_no_spare(h);
	assert_int_equal(holder_count(h, c), 0);
	assert_int_equal(holder_count(h, b->c), 1);
	/* c's sequence as the ACK would have left it. */
	c->snd_una = c->snd_max;
	c->snd_nxt = c->snd_max;
	tt_collect(h, (struct tt_seg[4]){ 0 }, 4);
	tcp_abort(h->ctx, b->c);
	lcore_tx_flush(h->ctx);
	harness_drain(h);
}

/* The spare keeps its MEM_SNDQ charge (memory the send side still
 * holds): its own connection's answer takes it with no second charge
 * (tcp_send_reserve), another connection's send with the charge moved
 * (tcp_send), and a drop gives it back: in use always what the queues
 * and the spare hold, idle again when the connections are gone. */
static void
test_tcp_spare_keeps_its_sndq_charge_to_the_end(void **state)
{
	struct harness *h = *state;
	const struct mem_class_stat *s = &h->ctx->mem.cls[MEM_SNDQ];
	uint64_t one = h->ctx->mem.mbuf_bytes, idle = s->in_use;
	struct tcp_lcore *tl = tcp_tl(h->ctx);
	struct tt_peer p, q;
	struct tt_app *a, *b;
	struct rte_mbuf *m = answered_once(h, &p, 41030, &a);
	struct tcp_conn *c = a->c;

	assert_int_equal(s->in_use, idle + one);
	tt_peer_init(&q, h, 41031);
	tt_policy.action = TT_NOTHING;
	b = tt_connect(&q);
	/* kept: still charged */
	c->sndq_len = 0;
	tcp_sndq_pop_keep(h->ctx, c);
	assert_ptr_equal(tl->spare, m);
	assert_int_equal(s->in_use, idle + one);
	/* c's own answer takes it: no second charge */
	assert_non_null(tcp_send_reserve(h->ctx, c, 1, 0));
	assert_ptr_equal(c->sndq_head, m);
	assert_no_spare(h);
	assert_int_equal(s->in_use, idle + one);
	/* kept again, taken by b's send: the charge moves with it */
	c->sndq_len = 0;
	tcp_sndq_pop_keep(h->ctx, c);
	assert_ptr_equal(tl->spare, m);
	assert_int_equal(tcp_send(h->ctx, b->c, "x", 1), 1);
	assert_ptr_equal(b->c->sndq_head, m);
	assert_no_spare(h);
	assert_int_equal(s->in_use, idle + one);
	/* kept from b, dropped unused: the charge goes back */
	b->c->sndq_len = 0;
	tcp_sndq_pop_keep(h->ctx, b->c);
	assert_ptr_equal(tl->spare, m);
	assert_int_equal(s->in_use, idle + one);
	tcp_spare_drop(h->ctx);
	assert_no_spare(h);
	assert_int_equal(s->in_use, idle);
	c->snd_una = c->snd_max;
	c->snd_nxt = c->snd_max;
	tcp_abort(h->ctx, c);
	tcp_abort(h->ctx, b->c);
	lcore_tx_flush(h->ctx);
	harness_drain(h);
	assert_int_equal(s->in_use, idle);
}

/* The answer's mbuf taken from the spare (tcp_send_reserve) has every
 * field a fresh rte_pktmbuf_alloc() mbuf has that its frame does not
 * set: the reset writes only what the last use changed. */
static void
test_tcp_spare_reserve_leaves_the_fields_of_a_fresh_mbuf(void **state)
{
	struct harness *h = *state;
	struct rte_mbuf *fresh = rte_pktmbuf_alloc(h->pool);
	struct tt_peer p;
	struct tt_app *a;
	struct tt_seg r;
	struct rte_mbuf *m;

	assert_non_null(fresh);
	tt_peer_init(&p, h, 41008);
	tt_policy.action = TT_ECHO_RESERVE;
	a = tt_connect(&p);
	for (unsigned int k = 0; k < 3; k++) {
		tt_send_data(&p, "answer", 6);
		tt_one(h, &r);
		assert_memory_equal(r.s.data, "answer", 6);
		p.rcv_nxt += 6;
		m = a->c->sndq_head;
		assert_int_equal(rte_mbuf_refcnt_read(m), 1);
		assert_ptr_equal(m->next, fresh->next);
		assert_int_equal(m->nb_segs, fresh->nb_segs);
		assert_int_equal(m->port, fresh->port);
		assert_int_equal(m->packet_type, fresh->packet_type);
		assert_int_equal(m->vlan_tci, fresh->vlan_tci);
		assert_int_equal(m->vlan_tci_outer, fresh->vlan_tci_outer);
		assert_int_equal(m->pkt_len, m->data_len);
	}
	tt_send_ack(&p);
	tt_none(h);
	assert_no_spare(h);
	rte_pktmbuf_free(fresh);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		TT_TEST(test_tcp_spare_acked_answer_mbuf_carries_next_answer),
		TT_TEST(test_tcp_spare_mbuf_still_in_tx_is_not_reused),
		TT_TEST(test_tcp_spare_pure_ack_gives_the_mbuf_back),
		TT_TEST(test_tcp_spare_retransmission_holds_the_new_answer),
		TT_TEST(test_tcp_spare_reused_mbuf_drops_the_old_rack_marks),
		TT_TEST(test_tcp_spare_reserve_check_counts_the_spare_as_free),
		TT_TEST(test_tcp_spare_holders_list_follows_the_spare),
		TT_TEST(test_tcp_spare_taken_elsewhere_unholds_its_connection),
		TT_TEST(test_tcp_spare_keeps_its_sndq_charge_to_the_end),
		TT_TEST(test_tcp_spare_reserve_leaves_the_fields_of_a_fresh_mbuf),
	};

	return TT_RUN(tests);
}
