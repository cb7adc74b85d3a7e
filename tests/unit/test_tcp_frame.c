/* SPDX-License-Identifier: BSD-3-Clause */
/* test_tcp_frame.c: the one-pass frames of tcp_frame.c (constant sums,
 * sums from the words written) byte for byte as the general path's. */
#include <string.h>

#include <rte_ethdev.h>
#include <rte_ring.h>

#include "net/cksum.h"
#include "net/tcp_priv.h"
#include "pkt6.h"
#include "tcp_test.h"

#define FR_VIP RTE_IPV4(10, 90, 0, 100)
#define FR_L4 (RTE_ETHER_HDR_LEN + sizeof(struct rte_ipv4_hdr))
#define SEQ6_0 5000u

/* An accepted connection from p (timestamps: ts) that answers nothing. */
static struct tcp_conn *
fr_conn(struct harness *h, struct tt_peer *p, uint16_t sport, bool ts)
{
	struct tt_app *a;

	tt_peer_init(p, h, sport);
	p->ts = ts;
	p->wscale = 7;
	tt_policy.action = TT_NOTHING;
	a = tt_connect(p);
	tt_none(h);
	return a->c;
}

/* The one frame sent since the last call, as it left the stack. */
static struct rte_mbuf *
fr_sent(struct harness *h)
{
	struct rte_mbuf *m[4];

	lcore_tx_flush(h->ctx);
	assert_int_equal(rte_ring_dequeue_burst(h->tx, (void **)m, 4, NULL), 1);
	return m[0];
}

/* The frame the general path (tcp_xmit_sum: headers prepended to the
 * TCP segment, sums read back from the bytes) makes of f's TCP segment,
 * compared with f byte for byte, with its offload requests. */
static void
fr_check_general(struct harness *h, struct tcp_conn *c, struct rte_mbuf *f)
{
	uint32_t l4 = rte_pktmbuf_data_len(f) - FR_L4;
	struct rte_tcp_hdr *th;
	struct rte_mbuf *m = rte_pktmbuf_alloc(h->pool);

	assert_non_null(m);
	th = (struct rte_tcp_hdr *)rte_pktmbuf_append(m, (uint16_t)l4);
	assert_non_null(th);
	memcpy(th, rte_pktmbuf_mtod_offset(f, uint8_t *, FR_L4), l4);
	th->cksum = 0;
	tcp_xmit_sum(h->ctx, c, m, 0);
	m = fr_sent(h);
	assert_int_equal(rte_pktmbuf_data_len(m), rte_pktmbuf_data_len(f));
	assert_memory_equal(rte_pktmbuf_mtod(m, uint8_t *),
			    rte_pktmbuf_mtod(f, uint8_t *), rte_pktmbuf_data_len(f));
	assert_int_equal(m->ol_flags, f->ol_flags);
	assert_int_equal(m->l2_len, f->l2_len);
	assert_int_equal(m->l3_len, f->l3_len);
	rte_pktmbuf_free(m);
	rte_pktmbuf_free(f);
}

/* A segment of c with len payload bytes, in place as tcp_xmit_data sends
 * one whole send-queue mbuf: its payload's sum known (known) or not. */
static struct rte_mbuf *
fr_data(struct harness *h, struct tcp_conn *c, uint32_t len, bool known,
	uint8_t flags)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(h->pool);
	uint8_t *p;

	assert_non_null(m);
	m->data_off = TCP_SNDQ_DOFF;
	p = rte_pktmbuf_mtod(m, uint8_t *);
	for (uint32_t i = 0; i < len; i++)
		p[i] = tt_byte(i * 7 + len);
	m->data_len = (uint16_t)len;
	m->pkt_len = len;
	tcp_meta(m)->next = NULL;
	tcp_meta(m)->sum = known ? TCP_SUM_KNOWN |
					   cksum_fold(cksum_add(p, len, 0))
				 : 0;
	tcp_xmit_in_place(h->ctx, c, m, c->snd_nxt, flags);
	return fr_sent(h);
}

/* Each one-pass segment kind of c, compared with the general path's. */
static void
fr_check_all(struct harness *h, struct tcp_conn *c)
{
	static const uint32_t lens[] = { 1, 7, 64, 203 };

	tcp_xmit_ctl(h->ctx, c, c->snd_nxt, F_ACK);
	fr_check_general(h, c, fr_sent(h));
	tcp_xmit_ctl(h->ctx, c, c->snd_nxt, F_ACK | F_FIN);
	fr_check_general(h, c, fr_sent(h));
	tcp_xmit_ctl(h->ctx, c, c->snd_nxt, F_ACK | F_RST);
	fr_check_general(h, c, fr_sent(h));
	for (unsigned int i = 0; i < RTE_DIM(lens); i++) {
		fr_check_general(h, c, fr_data(h, c, lens[i], true,
					       F_ACK | F_PSH));
		fr_check_general(h, c, fr_data(h, c, lens[i], false,
					       F_ACK | F_PSH | F_FIN));
	}
}

/* The constant sums are made for the connection's address (ours of lid,
 * ip.address or a VIP) and ports, with and without timestamps, and
 * the frames are those of tcp_xmit_sum in every case. */
static void
test_tcp_frame_one_pass_frames_equal_general_path(void **state)
{
	struct harness *h = *state;
	struct tt_peer p[2];

	for (int ts = 0; ts < 2; ts++) {
		struct tcp_conn *c = fr_conn(h, &p[ts], (uint16_t)(42000 + ts),
					     ts != 0);

		fr_check_all(h, c);
		assert_true(c->flags & TCF_TXHDR);
		/* The same connection served from a VIP: new sums. */
		h->cfg.vips[0].addr = rte_cpu_to_be_32(FR_VIP);
		h->cfg.nvips = 1;
		c->lid = TCP_LID_VIP;
		c->flags &= ~TCF_TXHDR;
		fr_check_all(h, c);
		c->lid = TCP_LID_V4;
		c->flags &= ~TCF_TXHDR;
		h->cfg.nvips = 0;
		tcp_abort(h->ctx, c);
		lcore_tx_flush(h->ctx);
		harness_drain(h);
	}
}

/* The one-pass SYN-ACK (every option agreed) makes c's constant sums
 * (TCF_TXHDR) as the first one-pass segment would, and its frame is
 * the general path's, from a VIP too. */
static void
test_tcp_frame_synack_makes_sums_of_one_pass_path(void **state)
{
	struct harness *h = *state;
	struct tt_peer p;
	struct tcp_conn *c;
	uint16_t ipsum, psum;
	struct tt_app *a;

	tt_peer_init(&p, h, 42100);
	p.ts = true;
	p.wscale = 7;
	p.sack_perm = true;
	tt_policy.action = TT_NOTHING;
	a = tt_connect(&p);
	tt_none(h);
	c = a->c;
	assert_int_equal(c->flags & (TCF_WS | TCF_TS | TCF_SACK),
			 TCF_WS | TCF_TS | TCF_SACK);
	assert_true(c->flags & TCF_TXHDR);
	for (int vip = 0; vip < 2; vip++) {
		if (vip) {
			h->cfg.vips[0].addr = rte_cpu_to_be_32(FR_VIP);
			h->cfg.nvips = 1;
			c->lid = TCP_LID_VIP;
		}
		c->flags &= ~TCF_TXHDR;
		assert_true(tcp_xmit_synack(h->ctx, c, 65535, NULL));
		assert_true(c->flags & TCF_TXHDR);
		ipsum = c->tx_ipsum;
		psum = c->tx_psum;
		fr_check_general(h, c, fr_sent(h));
		/* The sums the first one-pass segment makes. */
		c->flags &= ~TCF_TXHDR;
		c->tx_ipsum = 0;
		c->tx_psum = 0;
		tcp_xmit_ctl(h->ctx, c, c->snd_nxt, F_ACK);
		assert_int_equal(c->tx_ipsum, ipsum);
		assert_int_equal(c->tx_psum, psum);
		fr_check_general(h, c, fr_sent(h));
	}
	c->lid = TCP_LID_V4;
	h->cfg.nvips = 0;
	tcp_abort(h->ctx, c);
	lcore_tx_flush(h->ctx);
	harness_drain(h);
}

/* With the port's checksum offloads: the pseudo-header sum in the TCP
 * checksum field, no IPv4 sum, the requests in ol_flags, as
 * tcp_xmit_sum makes them. */
static void
test_tcp_frame_one_pass_offload_equals_general_path(void **state)
{
	struct harness *h = *state;
	uint64_t saved = h->ifc.tx_offloads;
	struct tt_peer p;
	struct tcp_conn *c = fr_conn(h, &p, 42100, true);

	h->ifc.tx_offloads |= RTE_ETH_TX_OFFLOAD_TCP_CKSUM |
			      RTE_ETH_TX_OFFLOAD_IPV4_CKSUM;
	fr_check_all(h, c);
	h->ifc.tx_offloads = saved & ~RTE_ETH_TX_OFFLOAD_IPV4_CKSUM;
	h->ifc.tx_offloads |= RTE_ETH_TX_OFFLOAD_TCP_CKSUM;
	fr_check_all(h, c);
	h->ifc.tx_offloads = saved;
	tcp_abort(h->ctx, c);
	lcore_tx_flush(h->ctx);
	harness_drain(h);
}

/* An answer from tcp_send_reserve in its connection's last answer's mbuf
 * (the spare): the headers that mbuf kept (TCP_SUM_HDR) and those written
 * again make the frame tcp_xmit_sum makes, in every checksum mode, also
 * after the NIC wrote its sums into the last frame. */
static void
test_tcp_frame_kept_headers_equal_general_path(void **state)
{
	struct harness *h = *state;
	static const uint64_t modes[] = {
		0,
		RTE_ETH_TX_OFFLOAD_TCP_CKSUM,
		RTE_ETH_TX_OFFLOAD_TCP_CKSUM | RTE_ETH_TX_OFFLOAD_IPV4_CKSUM,
	};
	static const char *const ans[] = { "first", "second!", "3", "fourth.." };
	uint64_t saved = h->ifc.tx_offloads;

	for (unsigned int i = 0; i < RTE_DIM(modes); i++) {
		struct tt_peer p;
		struct tt_app *a;
		struct tcp_conn *c;

		h->ifc.tx_offloads = saved;
		h->cksum_offload = false;
		tt_peer_init(&p, h, (uint16_t)(42200 + i));
		p.ts = true;
		p.wscale = 7;
		tt_policy.action = TT_ECHO_RESERVE;
		a = tt_connect(&p);
		c = a->c;
		h->ifc.tx_offloads = saved | modes[i];
		h->cksum_offload = modes[i] != 0; /* tt_collect's NIC */
		for (unsigned int k = 0; k < RTE_DIM(ans); k++) {
			uint32_t len = (uint32_t)strlen(ans[k]);
			struct rte_mbuf *f;

			tt_send_data(&p, ans[k], len);
			f = fr_sent(h);
			assert_ptr_equal(f, c->sndq_head);
			/* The first answer's mbuf is a fresh one; each
			 * later one is the last answer's. */
			assert_int_equal(!!(tcp_meta(f)->sum & TCP_SUM_HDR),
					 k > 0);
			fr_check_general(h, c, f);
			/* The NIC's sums written into the frame, as the
			 * harness NIC does with the offloads on. */
			harness_nic_tx(c->sndq_head);
			p.rcv_nxt += len;
		}
		tt_send_ack(&p);
		tt_none(h);
		assert_null(c->sndq_head);
		tcp_abort(h->ctx, c);
		lcore_tx_flush(h->ctx);
		harness_drain(h);
	}
	h->ifc.tx_offloads = saved;
	h->cksum_offload = false;
}

/* The spare of another connection, sealed with the same layout, keeps
 * none of its headers for the taker: its frame is the taker's own. */
static void
test_tcp_frame_spare_of_another_connection_keeps_no_headers(void **state)
{
	struct harness *h = *state;
	struct tt_peer p, q;
	struct tt_app *a, *b;
	struct rte_mbuf *m, *f;
	void *w;

	tt_peer_init(&p, h, 42300);
	p.ts = true;
	tt_peer_init(&q, h, 42301);
	q.ts = true;
	tt_policy.action = TT_ECHO_RESERVE;
	a = tt_connect(&p);
	b = tt_connect(&q);
	tt_send_data(&p, "first", 5);
	f = fr_sent(h);
	fr_check_general(h, a->c, f);
	m = a->c->sndq_head;
	assert_int_equal(m->data_off, TCP_SNDQ_DOFF - TCP_FIRST_HDR4_TS);
	/* a's answer acknowledged as tcp_fast_ack_all releases it. */
	a->c->sndq_len = 0;
	tcp_sndq_pop_keep(h->ctx, a->c);
	assert_ptr_equal(tcp_tl(h->ctx)->spare, m);
	w = tcp_send_reserve(h->ctx, b->c, 4, cksum_fold(cksum_add("abcd", 4, 0)));
	assert_non_null(w);
	memcpy(w, "abcd", 4);
	assert_ptr_equal(b->c->sndq_head, m);
	assert_false(tcp_meta(m)->sum & TCP_SUM_HDR);
	tcp_flush(h->ctx);
	f = fr_sent(h);
	assert_ptr_equal(f, m);
	fr_check_general(h, b->c, f);
	a->c->snd_una = a->c->snd_max;
	a->c->snd_nxt = a->c->snd_max;
	tcp_abort(h->ctx, a->c);
	tcp_abort(h->ctx, b->c);
	lcore_tx_flush(h->ctx);
	harness_drain(h);
}

/* What an answer left in its connection, relative to its ISNs. */
struct ol_state {
	uint32_t snd_nxt, snd_max, rtt_seq, last_ack_sent, rcv_unacked;
	uint32_t flags;
	uint8_t timer_kind;
	uint64_t rtx_deadline, timer_expire;
	bool delack, pending;
};

static void
ol_state_of(const struct tcp_conn *c, struct ol_state *o)
{
	memset(o, 0, sizeof(*o)); /* padding: compared whole */
	o->snd_nxt = c->snd_nxt - c->iss;
	o->snd_max = c->snd_max - c->iss;
	o->rtt_seq = c->rtt_seq - c->iss;
	o->last_ack_sent = c->last_ack_sent - c->irs;
	o->rcv_unacked = c->rcv_unacked;
	o->flags = c->flags;
	o->timer_kind = c->timer_kind;
	o->rtx_deadline = c->rtx_deadline;
	o->timer_expire = timer_armed(&c->timer) ? c->timer.expire_us : 0;
	o->delack = timer_armed(&c->delack);
	o->pending = (c->flags & TCF_PENDING) != 0;
}

#define OL_CONNS 3

/*
 * Answers of several connections in one burst go out through
 * tcp_output_list (one loop, the frame inline), one connection's alone
 * through tcp_output: each frame is tcp_xmit_sum's byte for byte, and
 * each connection is left as its twin answered alone is (sequence
 * numbers, RTT sample, timers, flags), with and without timestamps, in
 * each checksum mode, the later answers in their kept-header spares.
 */
static void
test_tcp_frame_output_list_equals_one_by_one(void **state)
{
	struct harness *h = *state;
	static const uint64_t modes[] = {
		0,
		RTE_ETH_TX_OFFLOAD_TCP_CKSUM | RTE_ETH_TX_OFFLOAD_IPV4_CKSUM,
	};
	static const char *const ans[] = { "first", "second!", "3", "fourth.." };
	uint64_t saved = h->ifc.tx_offloads;
	uint16_t port = 42400;

	for (unsigned int i = 0; i < 2 * RTE_DIM(modes); i++) {
		struct tt_peer p[2][OL_CONNS];
		struct tcp_conn *c[2][OL_CONNS];
		bool ts = i & 1;
		uint32_t sent = 0;

		h->ifc.tx_offloads = saved;
		h->cksum_offload = false;
		tt_policy.action = TT_ECHO_RESERVE;
		for (unsigned int w = 0; w < 2; w++)
			for (unsigned int k = 0; k < OL_CONNS; k++) {
				tt_peer_init(&p[w][k], h, port++);
				p[w][k].ts = ts;
				p[w][k].wscale = 7;
				p[w][k].sack_perm = k == 1;
				c[w][k] = tt_connect(&p[w][k])->c;
			}
		h->ifc.tx_offloads = saved | modes[i / 2];
		for (unsigned int r = 0; r < RTE_DIM(ans); r++) {
			uint32_t len = (uint32_t)strlen(ans[r]);
			struct rte_mbuf *f[2][OL_CONNS];

			/* w 0: every request in one burst (the list);
			 * w 1: one request a poll (tcp_output). */
			for (unsigned int k = 0; k < OL_CONNS; k++) {
				struct tt_peer *q = &p[0][k];
				struct pkt_tcp t = {
					.sport = q->sport, .dport = TT_PORT,
					.win = q->win, .ts = q->ts,
					.tsval = q->tsval, .tsecr = q->ts_recent,
					.flags = F_ACK | F_PSH, .seq = q->snd_nxt,
					.ack = q->rcv_nxt, .wscale = -1,
					.data = ans[r], .len = len,
				};
				uint8_t fr[PKT_MAX];

				harness_inject(h, fr, pkt_tcp(fr, &h->ifc.mac, &t));
				q->snd_nxt += len;
			}
			assert_int_equal(harness_poll(h), OL_CONNS);
			lcore_tx_flush(h->ctx);
			for (unsigned int k = 0; k < OL_CONNS; k++) {
				struct rte_mbuf *m;
				unsigned int j;

				assert_int_equal(rte_ring_dequeue_burst(
					h->tx, (void **)&m, 1, NULL), 1);
				for (j = 0; j < OL_CONNS; j++)
					if (c[0][j]->sndq_head == m)
						break;
				assert_true(j < OL_CONNS);
				f[0][j] = m;
			}
			for (unsigned int k = 0; k < OL_CONNS; k++) {
				tt_send_data(&p[1][k], ans[r], len);
				f[1][k] = fr_sent(h);
				assert_ptr_equal(f[1][k], c[1][k]->sndq_head);
			}
			for (unsigned int k = 0; k < OL_CONNS; k++) {
				struct ol_state a, b;

				ol_state_of(c[0][k], &a);
				ol_state_of(c[1][k], &b);
				assert_memory_equal(&a, &b, sizeof(a));
				assert_int_equal(a.snd_max, 1 + sent + len);
				assert_true(a.flags & TCF_RTT);
				/* the later answers kept their headers */
				for (unsigned int w = 0; w < 2; w++) {
					assert_int_equal(
						!!(tcp_meta(f[w][k])->sum &
						   TCP_SUM_HDR), ts && r > 0);
					fr_check_general(h, c[w][k], f[w][k]);
					harness_nic_tx(c[w][k]->sndq_head);
					p[w][k].rcv_nxt += len;
				}
			}
			sent += len;
		}
		for (unsigned int w = 0; w < 2; w++)
			for (unsigned int k = 0; k < OL_CONNS; k++) {
				tt_send_ack(&p[w][k]);
				tt_none(h);
				assert_null(c[w][k]->sndq_head);
			}
		for (unsigned int w = 0; w < 2; w++)
			for (unsigned int k = 0; k < OL_CONNS; k++)
				tcp_abort(h->ctx, c[w][k]);
		lcore_tx_flush(h->ctx);
		harness_drain(h);
		tt_reset(); /* the application slots, all closed, free */
	}
	h->ifc.tx_offloads = saved;
	h->cksum_offload = false;
}

/* A received segment's mbuf as RX left it: VLAN tags, port, packet
 * type, RX flags, offsets and lengths of its own. */
static struct rte_mbuf *
fr_received(struct harness *h)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(h->pool);

	assert_non_null(m);
	m->vlan_tci = 0x123;
	m->vlan_tci_outer = 0x456;
	m->port = 3;
	m->packet_type = RTE_PTYPE_L2_ETHER | RTE_PTYPE_L3_IPV4 |
			 RTE_PTYPE_L4_TCP;
	m->ol_flags = RTE_MBUF_F_RX_RSS_HASH | RTE_MBUF_F_RX_IP_CKSUM_GOOD |
		      RTE_MBUF_F_RX_L4_CKSUM_GOOD | RTE_MBUF_F_RX_VLAN;
	m->tx_offload = 0x0123456789abcdefull;
	m->data_off = 100;
	m->data_len = 66;
	m->pkt_len = 66;
	return m;
}

/* The sent frames f (a fresh mbuf's) and r (a reused one's): the same
 * bytes and the same mbuf fields. */
static void
fr_same_mbuf(struct rte_mbuf *f, struct rte_mbuf *r)
{
	assert_int_equal(r->data_off, f->data_off);
	assert_int_equal(r->data_len, f->data_len);
	assert_int_equal(r->pkt_len, f->pkt_len);
	assert_int_equal(r->nb_segs, 1);
	assert_null(r->next);
	assert_int_equal(r->port, f->port);
	assert_int_equal(r->vlan_tci, f->vlan_tci);
	assert_int_equal(r->vlan_tci_outer, f->vlan_tci_outer);
	assert_int_equal(r->ol_flags, f->ol_flags);
	assert_int_equal(r->packet_type, f->packet_type);
	assert_int_equal(r->tx_offload, f->tx_offload);
	assert_memory_equal(rte_pktmbuf_mtod(r, uint8_t *),
			    rte_pktmbuf_mtod(f, uint8_t *), f->data_len);
	rte_pktmbuf_free(f);
	rte_pktmbuf_free(r);
}

/*
 * A received segment's mbuf that carries the answer (the SYN-ACK in the
 * SYN's, TIME_WAIT's ACK in the FIN's: tcp_mbuf_reuse) leaves the frame
 * and the mbuf as a fresh one from the pool would: nothing RX wrote
 * stays. tcp_mbuf_reusable takes only a direct single segment of the
 * lcore's pool with no other reference.
 */
static void
test_tcp_frame_reused_mbuf_equals_fresh_one(void **state)
{
	struct harness *h = *state;
	struct tt_peer p;
	struct tcp_conn *c;
	struct rte_mbuf *m, *n, *k;
	struct tt_app *a;

	tt_peer_init(&p, h, 42400);
	p.ts = true;
	p.wscale = 7;
	p.sack_perm = true;
	tt_policy.action = TT_NOTHING;
	a = tt_connect(&p);
	tt_none(h);
	c = a->c;
	assert_true(tcp_xmit_synack(h->ctx, c, 65535, NULL));
	n = fr_sent(h);
	m = fr_received(h);
	assert_true(tcp_mbuf_reusable(h->ctx, m));
	assert_true(tcp_xmit_synack(h->ctx, c, 65535, m));
	fr_same_mbuf(n, fr_sent(h));
	for (int fin = 0; fin < 2; fin++) {
		uint8_t fl = F_ACK | (fin ? F_FIN : 0);

		assert_true(tcp_xmit_one_pass(c));
		tcp_xmit_ctl(h->ctx, c, c->snd_nxt, fl);
		n = fr_sent(h);
		m = fr_received(h);
		assert_true(tcp_mbuf_reusable(h->ctx, m));
		tcp_xmit_ctl_reuse(h->ctx, c, m, c->snd_nxt, fl);
		fr_same_mbuf(n, fr_sent(h));
	}
	/* Not reusable: another reference, a chain, an indirect mbuf. */
	m = fr_received(h);
	rte_mbuf_refcnt_update(m, 1);
	assert_false(tcp_mbuf_reusable(h->ctx, m));
	rte_mbuf_refcnt_update(m, -1);
	n = rte_pktmbuf_alloc(h->pool);
	assert_non_null(n);
	assert_int_equal(rte_pktmbuf_chain(m, n), 0);
	assert_false(tcp_mbuf_reusable(h->ctx, m));
	rte_pktmbuf_free(m);
	m = fr_received(h);
	k = rte_pktmbuf_clone(m, h->pool);
	assert_non_null(k);
	assert_false(tcp_mbuf_reusable(h->ctx, k));
	assert_false(tcp_mbuf_reusable(h->ctx, m));
	rte_pktmbuf_free(k);
	assert_true(tcp_mbuf_reusable(h->ctx, m));
	rte_pktmbuf_free(m);
	tcp_abort(h->ctx, c);
	lcore_tx_flush(h->ctx);
	harness_drain(h);
}

/* An answer's offloaded pseudo-header sum from c's constant part
 * (TCF_TXPH: addresses and protocol, folded, made at the first answer),
 * with timestamps and without: the frames are tcp_xmit_sum's; a software
 * answer between (sums of the other kind, TCF_TXHDR) and the next
 * offloaded one makes them again. */
static void
test_tcp_frame_answer_pseudo_sum_equals_general_path(void **state)
{
	struct harness *h = *state;
	static const uint64_t modes[] = {
		RTE_ETH_TX_OFFLOAD_TCP_CKSUM | RTE_ETH_TX_OFFLOAD_IPV4_CKSUM,
		RTE_ETH_TX_OFFLOAD_TCP_CKSUM,
		0,
		RTE_ETH_TX_OFFLOAD_TCP_CKSUM | RTE_ETH_TX_OFFLOAD_IPV4_CKSUM,
	};
	static const char *const ans[] = { "first", "second!", "3", "fourth.." };
	uint64_t saved = h->ifc.tx_offloads;

	for (int ts = 0; ts < 2; ts++) {
		struct tt_peer p;
		struct tcp_conn *c;

		h->ifc.tx_offloads = saved;
		h->cksum_offload = false;
		tt_peer_init(&p, h, (uint16_t)(42600 + ts));
		p.ts = ts != 0;
		p.wscale = 7;
		tt_policy.action = TT_ECHO_RESERVE;
		c = tt_connect(&p)->c;
		for (unsigned int i = 0; i < RTE_DIM(modes); i++) {
			uint32_t len = (uint32_t)strlen(ans[i]);
			struct rte_mbuf *f;

			h->ifc.tx_offloads = saved | modes[i];
			h->cksum_offload = modes[i] != 0; /* tt_collect's NIC */
			tt_send_data(&p, ans[i], len);
			f = fr_sent(h);
			assert_ptr_equal(f, c->sndq_head);
			if (modes[i]) {
				assert_int_equal(c->flags &
						 (TCF_TXPH | TCF_TXHDR),
						 TCF_TXPH);
				assert_int_equal(c->tx_psum, cksum_fold(
					(uint64_t)h->ifc.ip + c->peer_ip +
					RTE_BE16(IPPROTO_TCP)));
			} else {
				assert_int_equal(c->flags &
						 (TCF_TXPH | TCF_TXHDR),
						 TCF_TXHDR);
			}
			fr_check_general(h, c, f);
			harness_nic_tx(c->sndq_head);
			p.rcv_nxt += len;
		}
		tt_send_ack(&p);
		tt_none(h);
		assert_null(c->sndq_head);
		tcp_abort(h->ctx, c);
		lcore_tx_flush(h->ctx);
		harness_drain(h);
	}
	h->ifc.tx_offloads = saved;
	h->cksum_offload = false;
}

/* What a decided answer (tcp_output_dec_ok) or its general twin left in
 * its connection and its queue's tail mbuf, relative to the
 * connection's ISNs. */
struct dc_state {
	struct ol_state ol;
	uint64_t rtt_start;
	uint32_t snd_wnd, nsndq, sndq_len;
	uint32_t xts, xfl, sum, pkt_len;
	uint16_t data_off, data_len, refcnt;
};

static void
dc_state_of(struct tcp_conn *c, struct dc_state *d)
{
	struct rte_mbuf *t = c->sndq_tail;

	memset(d, 0, sizeof(*d)); /* padding: compared whole */
	ol_state_of(c, &d->ol);
	d->rtt_start = c->rtt_start;
	d->snd_wnd = c->snd_wnd;
	d->nsndq = c->nsndq;
	d->sndq_len = c->sndq_len;
	if (t) {
		d->xts = *tcp_xts(t);
		d->xfl = *tcp_xfl(t);
		d->sum = tcp_meta(t)->sum;
		d->data_off = t->data_off;
		d->data_len = t->data_len;
		d->refcnt = rte_mbuf_refcnt_read(t);
		d->pkt_len = t->pkt_len;
	}
}

#define DC_CONNS 4
#define DC_SEGS 8

/* The frames sent since the last call, each to the one of n peers p it
 * goes to (its destination port), in order: f[k][0..nf[k]). */
static void
dc_frames(struct harness *h, const struct tt_peer *p, unsigned int n,
	  struct rte_mbuf *f[][DC_SEGS], unsigned int *nf)
{
	struct rte_mbuf *m;

	memset(nf, 0, n * sizeof(*nf));
	lcore_tx_flush(h->ctx);
	while (rte_ring_dequeue_burst(h->tx, (void **)&m, 1, NULL) == 1) {
		const struct rte_tcp_hdr *th =
			rte_pktmbuf_mtod_offset(m, struct rte_tcp_hdr *, FR_L4);
		unsigned int k;

		for (k = 0; k < n; k++)
			if (th->dst_port == rte_cpu_to_be_16(p[k].sport))
				break;
		assert_true(k < n && nf[k] < DC_SEGS);
		f[k][nf[k]++] = m;
	}
}

/* f, a frame of c, checked against the general path's (freed), the NIC's
 * sums filled in the queue's mbuf when it is one; its payload bytes. */
static uint32_t
dc_check(struct harness *h, struct tcp_conn *c, struct rte_mbuf *f)
{
	const struct rte_tcp_hdr *th =
		rte_pktmbuf_mtod_offset(f, struct rte_tcp_hdr *, FR_L4);
	uint32_t plen = f->data_len - FR_L4 - (uint32_t)(th->data_off >> 4) * 4;
	bool queued = rte_mbuf_refcnt_read(f) == 2;

	fr_check_general(h, c, f);
	if (queued)
		harness_nic_tx(f);
	return plen;
}

/*
 * The output list's decided answers (tcp_output_dec_ok, tcp_xmit_dec:
 * timestamps, SACK, nothing in flight, the list's sums made) against
 * the same answers of twin connections sent one by one (tcp_output):
 * the same frames, each tcp_xmit_sum's byte for byte with the same
 * offload requests and lengths, and each connection and queue tail left
 * as its twin's (sequence numbers, RTT sample, RACK stamp, loss probe
 * or RTO, flags, lengths), in each checksum mode (both offloads, none:
 * the decided copies; the TCP sum alone: the copy without them).
 * Connections without SACK or without timestamps, answers behind one
 * not yet acknowledged (an RTT sample running) and an answer to a
 * request that shut the window are not decided and must match too.
 */
static void
test_tcp_frame_decided_answers_equal_one_by_one(void **state)
{
	struct harness *h = *state;
	static const uint64_t modes[] = {
		0,
		RTE_ETH_TX_OFFLOAD_TCP_CKSUM | RTE_ETH_TX_OFFLOAD_IPV4_CKSUM,
		RTE_ETH_TX_OFFLOAD_TCP_CKSUM,
	};
	static const uint32_t lens[] = { 1, 60, 200, 2, 255, 9, 40 };
	static const bool acks[] = { true, true, true, false, true, true, true };
	const unsigned int last = RTE_DIM(lens) - 1;
	uint64_t saved = h->ifc.tx_offloads;
	uint16_t port = 42700;
	uint8_t data[256];

	for (unsigned int i = 0; i < sizeof(data); i++)
		data[i] = tt_byte(i * 13 + 5);
	for (unsigned int i = 0; i < RTE_DIM(modes); i++) {
		struct tt_peer p[2][DC_CONNS];
		struct tcp_conn *c[2][DC_CONNS];
		uint32_t got[DC_CONNS] = { 0 };

		h->ifc.tx_offloads = saved;
		h->cksum_offload = false;
		tt_policy.action = TT_ECHO_RESERVE;
		for (unsigned int w = 0; w < 2; w++)
			for (unsigned int k = 0; k < DC_CONNS; k++) {
				tt_peer_init(&p[w][k], h, port++);
				p[w][k].ts = k != 3;
				p[w][k].wscale = 7;
				p[w][k].sack_perm = k != 2;
				c[w][k] = tt_connect(&p[w][k])->c;
			}
		h->ifc.tx_offloads = saved | modes[i];
		for (unsigned int r = 0; r < RTE_DIM(lens); r++) {
			uint32_t len = lens[r];
			struct rte_mbuf *f[2][DC_CONNS][DC_SEGS];
			unsigned int nf[2][DC_CONNS];

			/* w 0: every request in one burst (the list);
			 * w 1: one request a poll (tcp_output). The last
			 * request to connection 1 shuts the window. */
			for (unsigned int k = 0; k < DC_CONNS; k++) {
				struct tt_peer *q = &p[0][k];
				struct pkt_tcp t = {
					.sport = q->sport, .dport = TT_PORT,
					.win = r == last && k == 1 ? 0 : q->win,
					.ts = q->ts, .tsval = q->tsval,
					.tsecr = q->ts_recent,
					.flags = F_ACK | F_PSH, .seq = q->snd_nxt,
					.ack = q->rcv_nxt - (acks[r] ? 0 : got[k]),
					.wscale = -1, .data = data, .len = len,
				};
				uint8_t fr[PKT_MAX];

				harness_inject(h, fr, pkt_tcp(fr, &h->ifc.mac, &t));
				q->snd_nxt += len;
			}
			assert_int_equal(harness_poll(h), DC_CONNS);
			dc_frames(h, p[0], DC_CONNS, f[0], nf[0]);
			for (unsigned int k = 0; k < DC_CONNS; k++) {
				struct tt_peer *q = &p[1][k];
				uint16_t win = q->win;

				if (r == last && k == 1)
					q->win = 0;
				tt_send(q, F_ACK | F_PSH, q->snd_nxt,
					q->rcv_nxt - (acks[r] ? 0 : got[k]),
					data, len);
				q->win = win;
				q->snd_nxt += len;
				dc_frames(h, &p[1][k], 1, &f[1][k], &nf[1][k]);
			}
			for (unsigned int k = 0; k < DC_CONNS; k++) {
				struct dc_state a, b;

				dc_state_of(c[0][k], &a);
				dc_state_of(c[1][k], &b);
				assert_memory_equal(&a, &b, sizeof(a));
				assert_int_equal(nf[0][k], nf[1][k]);
				assert_int_equal(nf[0][k],
						 r == last && k == 1 ? 0 : 1);
				got[k] = 0;
				for (unsigned int j = 0; j < nf[0][k]; j++) {
					struct rte_mbuf *x = f[0][k][j];
					struct rte_mbuf *y = f[1][k][j];
					uint32_t n;

					assert_int_equal(x->data_len, y->data_len);
					assert_int_equal(x->pkt_len, y->pkt_len);
					assert_int_equal(x->ol_flags, y->ol_flags);
					assert_int_equal(x->tx_offload,
							 y->tx_offload);
					n = dc_check(h, c[0][k], x);
					assert_int_equal(dc_check(h, c[1][k], y), n);
					got[k] += n;
				}
				p[0][k].rcv_nxt += got[k];
				p[1][k].rcv_nxt += got[k];
			}
		}
		/* The window opens: what waited goes, then all is acked. */
		for (unsigned int w = 0; w < 2; w++)
			for (unsigned int k = 0; k < DC_CONNS; k++) {
				for (int n = 0; n < 4 && c[w][k]->sndq_head; n++) {
					struct rte_mbuf *x[1][DC_SEGS];
					unsigned int nx;

					tt_send_ack(&p[w][k]);
					dc_frames(h, &p[w][k], 1, x, &nx);
					for (unsigned int j = 0; j < nx; j++)
						p[w][k].rcv_nxt +=
							dc_check(h, c[w][k],
								 x[0][j]);
				}
				assert_null(c[w][k]->sndq_head);
			}
		for (unsigned int w = 0; w < 2; w++)
			for (unsigned int k = 0; k < DC_CONNS; k++)
				tcp_abort(h->ctx, c[w][k]);
		lcore_tx_flush(h->ctx);
		harness_drain(h);
		tt_reset();
	}
	h->ifc.tx_offloads = saved;
	h->cksum_offload = false;
}

/* An IPv6 segment to TT_PORT from the peer's port sport, with
 * timestamps (tsval, echoing tsecr) and after them options opts (a SYN's),
 * queued on the RX ring. */
static void
dc6_inject(struct harness *h, uint16_t sport, uint32_t seq, uint32_t ack,
	   uint8_t flags, uint32_t tsval, uint32_t tsecr, const uint8_t *opts,
	   size_t optlen, const void *data, size_t len)
{
	uint8_t o[32] = { 1, 1, 8, 10 }, f[PKT_MAX];
	size_t n;

	for (int i = 0; i < 4; i++) {
		o[4 + i] = (uint8_t)(tsval >> (24 - 8 * i));
		o[8 + i] = (uint8_t)(tsecr >> (24 - 8 * i));
	}
	memcpy(o + 12, opts, optlen);
	n = pkt6_tcp(f, &h->ifc.mac, pkt6_peer, pkt6_ours, sport, TT_PORT, seq,
		     ack, flags, 65535, o, 12 + optlen, data, len);
	harness_inject(h, f, n);
}

#define DC6_CONNS 3

/*
 * tcp_output_list's decided IPv6 answers (tcp_xmit_dec over
 * tcp_xmit_first_opt6: timestamps, SACK, nothing in flight) against
 * twins answered one by one (tcp_output): the same segments (sequence
 * and ACK from each ISN, flags, timestamps, payload, hop limit, sums or
 * the offloaded pseudo-header's sum) and each connection and queue
 * tail left as its twin's (ol_state, RTT start, RACK stamp, lengths),
 * with software sums and with both offloads (the decided copies).
 */
static void
test_tcp_frame_decided_ipv6_answers_equal_one_by_one(void **state)
{
	struct harness *h = *state;
	static const uint8_t syn_opts[8] = { 2, 4, 0x05, 0xb4, 4, 2, 1, 0 };
	static const uint8_t ws[4] = { 1, 3, 3, 7 };
	static const uint64_t modes[] = {
		0,
		RTE_ETH_TX_OFFLOAD_TCP_CKSUM | RTE_ETH_TX_OFFLOAD_IPV4_CKSUM,
	};
	static const uint32_t lens[] = { 1, 80, 230, 5 };
	uint64_t saved = h->ifc.tx_offloads;
	uint8_t data[256], opts[12];
	uint16_t port = 42800;

	for (unsigned int i = 0; i < sizeof(data); i++)
		data[i] = tt_byte(i * 11 + 3);
	/* MSS, SACK permitted, NOP, WS 7 after the timestamps. */
	memcpy(opts, syn_opts, 6);
	memcpy(opts + 6, ws, 4);
	for (unsigned int i = 0; i < RTE_DIM(modes); i++) {
		struct tcp_conn *c[2 * DC6_CONNS];
		uint32_t iss[2 * DC6_CONNS], ecr[2 * DC6_CONNS];
		uint32_t seq = SEQ6_0 + 1, sent = 0, tsval = 100;
		struct pkt6_tcp_seen s;

		h->ifc.tx_offloads = saved;
		h->cksum_offload = false;
		tt_reset();
		tt_policy.action = TT_ECHO_RESERVE;
		for (unsigned int k = 0; k < 2 * DC6_CONNS; k++) {
			uint16_t sport = (uint16_t)(port + k);

			dc6_inject(h, sport, SEQ6_0, 0, F_SYN, tsval, 0, opts,
				   10, NULL, 0);
			harness_poll(h);
			pkt6_one_tcp(h, &s);
			assert_int_equal(s.flags, F_SYN | F_ACK);
			iss[k] = s.seq;
			ecr[k] = s.tsval;
			dc6_inject(h, sport, SEQ6_0 + 1, iss[k] + 1, F_ACK,
				   tsval, ecr[k], NULL, 0, NULL, 0);
			harness_poll(h);
			c[k] = tt_apps[k].c;
			assert_non_null(c[k]);
			assert_true(c[k]->flags & TCF_SACK);
			assert_true(c[k]->lid & TCP_LID_V6);
		}
		h->ifc.tx_offloads = saved | modes[i];
		for (unsigned int r = 0; r < RTE_DIM(lens); r++) {
			uint32_t len = lens[r];
			struct pkt6_tcp_seen a[2 * DC6_CONNS];
			struct rte_mbuf *m[2 * DC6_CONNS];

			tsval++;
			/* the first half in one burst (the list), the
			 * other one request a poll (tcp_output) */
			for (unsigned int k = 0; k < DC6_CONNS; k++)
				dc6_inject(h, (uint16_t)(port + k), seq,
					   iss[k] + 1 + sent, F_ACK | F_PSH,
					   tsval, ecr[k], NULL, 0, data, len);
			assert_int_equal(harness_poll(h), DC6_CONNS);
			assert_int_equal(harness_collect(h, m, 2 * DC6_CONNS),
					 DC6_CONNS);
			for (unsigned int k = DC6_CONNS; k < 2 * DC6_CONNS;
			     k++) {
				dc6_inject(h, (uint16_t)(port + k), seq,
					   iss[k] + 1 + sent, F_ACK | F_PSH,
					   tsval, ecr[k], NULL, 0, data, len);
				assert_int_equal(harness_poll(h), 1);
				assert_int_equal(harness_collect(h, &m[k], 1),
						 1);
			}
			for (unsigned int k = 0; k < 2 * DC6_CONNS; k++) {
				pkt6_parse_tcp(m[k], &s);
				a[s.dport - port] = s;
				rte_pktmbuf_free(m[k]);
			}
			for (unsigned int k = 0; k < DC6_CONNS; k++) {
				struct pkt6_tcp_seen *x = &a[k];
				struct pkt6_tcp_seen *y = &a[k + DC6_CONNS];
				struct tcp_conn *t = c[k + DC6_CONNS];
				struct dc_state u, v;

				assert_int_equal(x->seq - iss[k], 1 + sent);
				assert_int_equal(y->seq - iss[k + DC6_CONNS],
						 1 + sent);
				assert_int_equal(x->ack, y->ack);
				assert_int_equal(x->flags, F_ACK | F_PSH);
				assert_int_equal(y->flags, x->flags);
				assert_int_equal(x->len, len);
				assert_int_equal(y->len, len);
				assert_memory_equal(x->data, data, len);
				assert_memory_equal(y->data, data, len);
				assert_true(x->has_ts && y->has_ts);
				assert_int_equal(x->tsval - c[k]->ts_off,
						 y->tsval - t->ts_off);
				assert_int_equal(x->hop_limit, y->hop_limit);
				assert_int_equal(x->ol_flags, y->ol_flags);
				assert_int_equal(x->cksum_ok, y->cksum_ok);
				if (modes[i])
					assert_int_equal(x->cksum, y->cksum);
				else
					assert_true(x->cksum_ok);
				dc_state_of(c[k], &u);
				dc_state_of(t, &v);
				assert_memory_equal(&u, &v, sizeof(u));
				ecr[k] = x->tsval;
				ecr[k + DC6_CONNS] = y->tsval;
			}
			seq += len;
			sent += len;
		}
		h->ifc.tx_offloads = saved;
		for (unsigned int k = 0; k < 2 * DC6_CONNS; k++)
			tcp_abort(h->ctx, c[k]);
		harness_poll(h);
		harness_drain(h);
	}
	h->ifc.tx_offloads = saved;
	tt_reset();
}

/* ---- the output list as tcp_conn_free and tcp_schedule read it ------- */

static struct tcp_conn *lf_victim; /* aborted from lf_closed */
static unsigned int lf_checked;

/* The output list of tl well linked: each member's pprev the place that
 * points at it (tl->pending for the head), each member PENDING. */
static void
lf_list_check(struct tcp_lcore *tl)
{
	struct tcp_conn **pp = &tl->pending;

	for (struct tcp_conn *x = *pp; x != NULL; pp = &x->pnext, x = *pp) {
		assert_ptr_equal(x->pprev, pp);
		assert_true(x->flags & TCF_PENDING);
	}
}

/* tt_ops' closed, run inside a general answer of the output list (the
 * orphan reset's tcp_abort): the list checked, then lf_victim, still on
 * it, aborted (tcp_conn_free unlinks it through its pprev). */
static void
lf_closed(struct lcore_ctx *ctx, struct tcp_conn *c, void *app,
	  enum tcp_close_reason why)
{
	struct tcp_conn *v = lf_victim;

	lf_list_check(tcp_tl(ctx));
	lf_checked++;
	lf_victim = NULL;
	tt_ops.closed(ctx, c, app, why);
	if (v)
		tcp_abort(ctx, v);
}

/*
 * A general answer after decided ones in one output list (tcp_output_list
 * sets the new head's pprev only before a general answer): the list is
 * well linked when the general answer's code runs, so that a connection
 * it aborts leaves the list and is not served, and every other one is.
 * List a (decided), b (closed past max_orphans: reset, general), v
 * (aborted by b's closed callback), d (decided); software sums and both
 * offloaded.
 */
static void
test_tcp_frame_output_list_general_after_decided_keeps_list(void **state)
{
	struct harness *h = *state;
	static const uint64_t modes[] = {
		0,
		RTE_ETH_TX_OFFLOAD_TCP_CKSUM | RTE_ETH_TX_OFFLOAD_IPV4_CKSUM,
	};
	uint64_t saved = h->ifc.tx_offloads;
	uint16_t port = 42900;

	for (unsigned int i = 0; i < RTE_DIM(modes); i++) {
		struct tcp_ops ops = tt_ops;
		struct tt_peer p[4];
		struct tcp_conn *c[4];
		struct rte_mbuf *f[4][DC_SEGS];
		unsigned int nf[4];
		static const char ans[] = "answer";

		h->ifc.tx_offloads = saved;
		h->cksum_offload = false;
		for (unsigned int k = 0; k < 4; k++) {
			tt_peer_init(&p[k], h, port++);
			p[k].ts = true;
			p[k].wscale = 7;
			p[k].sack_perm = true;
			tt_policy.action = TT_NOTHING;
			c[k] = tt_connect(&p[k])->c;
			tt_none(h);
		}
		h->ifc.tx_offloads = saved | modes[i];
		ops.closed = lf_closed;
		c[1]->ops = &ops;
		lf_victim = c[2];
		lf_checked = 0;
		/* Scheduled last first: the list is c0, c1, c2, c3. */
		for (unsigned int k = 4; k-- > 0;) {
			if (k == 1) {
				tcp_close(h->ctx, c[1]);
				c[1]->flags |= TCF_ORPHAN_RST;
				continue;
			}
			uint8_t *w = tcp_send_reserve(
				h->ctx, c[k], sizeof(ans) - 1,
				cksum_fold(cksum_add(ans, sizeof(ans) - 1, 0)));

			assert_non_null(w);
			memcpy(w, ans, sizeof(ans) - 1);
			/* the decided pattern's state and flags */
			assert_int_equal(c[k]->timer_kind, TT_NONE);
			assert_false(c[k]->flags & TCF_RTT);
		}
		lf_list_check(tcp_tl(h->ctx));
		assert_ptr_equal(tcp_tl(h->ctx)->pending, c[0]);
		tcp_flush(h->ctx);
		assert_int_equal(lf_checked, 1);
		assert_null(tcp_tl(h->ctx)->pending);
		dc_frames(h, p, 4, f, nf);
		for (unsigned int k = 0; k < 4; k++) {
			const struct rte_tcp_hdr *th = rte_pktmbuf_mtod_offset(
				f[k][0], struct rte_tcp_hdr *, FR_L4);

			assert_int_equal(nf[k], 1);
			if (k == 1 || k == 2) {
				/* reset, the victim's answer not served */
				assert_true(th->tcp_flags & F_RST);
				assert_int_equal(rte_pktmbuf_data_len(f[k][0]),
						 FR_L4 + TCP_HLEN +
							 TCP_TS_OPTLEN);
			} else {
				assert_int_equal(rte_pktmbuf_data_len(f[k][0]),
						 FR_L4 + TCP_HLEN +
							 TCP_TS_OPTLEN +
							 sizeof(ans) - 1);
				assert_true(c[k]->flags & TCF_RTT);
				assert_int_equal(c[k]->snd_max - c[k]->iss,
						 sizeof(ans));
			}
			rte_pktmbuf_free(f[k][0]);
		}
		tcp_abort(h->ctx, c[0]);
		tcp_abort(h->ctx, c[3]);
		lcore_tx_flush(h->ctx);
		harness_drain(h);
		tt_reset();
	}
	h->ifc.tx_offloads = saved;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		TT_TEST(test_tcp_frame_one_pass_frames_equal_general_path),
		TT_TEST(test_tcp_frame_one_pass_offload_equals_general_path),
		TT_TEST(test_tcp_frame_synack_makes_sums_of_one_pass_path),
		TT_TEST(test_tcp_frame_kept_headers_equal_general_path),
		TT_TEST(test_tcp_frame_spare_of_another_connection_keeps_no_headers),
		TT_TEST(test_tcp_frame_output_list_equals_one_by_one),
		TT_TEST(test_tcp_frame_reused_mbuf_equals_fresh_one),
		TT_TEST(test_tcp_frame_answer_pseudo_sum_equals_general_path),
		TT_TEST(test_tcp_frame_decided_answers_equal_one_by_one),
		TT_TEST(test_tcp_frame_decided_ipv6_answers_equal_one_by_one),
		TT_TEST(test_tcp_frame_output_list_general_after_decided_keeps_list),
	};

	return TT_RUN(tests);
}
