/* SPDX-License-Identifier: BSD-3-Clause */
/* test_tcp_hygiene.c: RFC hygiene: OOW ACK rate limit, TS.Recent, sender
 * SWS, persist backoff, PMTU (ICMP), minimum and advertised MSS, port MTU. */
#include <errno.h>
#include <string.h>

#include <rte_byteorder.h>

#include "core/port.h"
#include "net/eth.h"
#include "tcp_test.h"

#define ROUTER_IP RTE_IPV4(10, 88, 0, 254)

static uint8_t msg[8192];

static void
fill_msg(void)
{
	for (uint32_t i = 0; i < sizeof(msg); i++)
		msg[i] = (uint8_t)('A' + i % 26);
}

static uint32_t
sum_len(const struct tt_seg *segs, unsigned int n)
{
	uint32_t b = 0;

	for (unsigned int i = 0; i < n; i++)
		b += (uint32_t)segs[i].s.len;
	return b;
}

/* Advance the clock in 1 ms steps until something is sent (or limit). */
static unsigned int
wait_for_segments(struct harness *h, struct tt_seg *segs, unsigned int max,
		  uint64_t limit_us, uint64_t *waited)
{
	unsigned int n = 0;

	*waited = 0;
	while (n == 0 && *waited < limit_us) {
		harness_advance(h, 1000);
		*waited += 1000;
		n = tt_collect(h, segs, max);
	}
	return n;
}

/* ---- out-of-window ACKs (Linux tcp_oow_rate_limited) -------------------- */

static void
test_tcp_hygiene_oow_pure_ack_answered_once_per_500ms(void **state)
{
	struct harness *h = tt_harness(NULL);
	struct tt_peer p;
	struct tt_seg r;

	tt_peer_init(&p, h, 41000);
	tt_connect(&p);
	/* Far outside the receive window: a duplicate ACK... */
	tt_send(&p, F_ACK, p.snd_nxt + 200000, p.rcv_nxt, NULL, 0);
	tt_one(h, &r);
	assert_int_equal(r.s.flags, F_ACK);
	assert_int_equal(r.s.ack, p.snd_nxt);
	/* ...but not again within 500 ms, whatever the peer repeats. */
	for (int i = 0; i < 5; i++) {
		tt_send(&p, F_ACK, p.snd_nxt + 200000 + (uint32_t)i,
			p.rcv_nxt, NULL, 0);
		tt_none(h);
	}
	/* Old pure ACKs (below RCV.NXT) count as out of window too. */
	tt_send(&p, F_ACK, p.snd_nxt - 5, p.rcv_nxt, NULL, 0);
	tt_none(h);
	assert_int_equal(HSTAT(h, tcp_oow_ack_limited), 6);
	harness_advance(h, 499000);
	tt_send(&p, F_ACK, p.snd_nxt + 200000, p.rcv_nxt, NULL, 0);
	tt_none(h);
	assert_int_equal(HSTAT(h, tcp_oow_ack_limited), 7);
	harness_advance(h, 1000);
	tt_send(&p, F_ACK, p.snd_nxt + 200000, p.rcv_nxt, NULL, 0);
	tt_one(h, &r);
	assert_int_equal(r.s.ack, p.snd_nxt);
	assert_int_equal(HSTAT(h, tcp_oow_ack_limited), 7);
	tt_teardown(h);
}

/* A retransmission of data we already have is answered every time: its
 * ACK may have been lost, and data is no ACK loop. */
static void
test_tcp_hygiene_oow_data_segment_always_answered(void **state)
{
	struct harness *h = tt_harness(NULL);
	struct tt_peer p;
	struct tt_app *a;
	struct tt_seg r;
	uint32_t seq;

	tt_peer_init(&p, h, 41001);
	a = tt_connect(&p);
	seq = p.snd_nxt;
	tt_send_data(&p, "abc", 3);
	harness_advance(h, 50000); /* the delayed ACK */
	tt_one(h, &r);
	for (int i = 0; i < 4; i++) {
		tt_send(&p, F_ACK | F_PSH, seq, p.rcv_nxt, "abc", 3);
		tt_one(h, &r);
		assert_int_equal(r.s.ack, seq + 3);
	}
	assert_int_equal(a->rx_len, 3);
	assert_int_equal(HSTAT(h, tcp_oow_ack_limited), 0);
	assert_int_equal(HSTAT(h, tcp_dup_segs), 4);
	tt_teardown(h);
}

/* RFC 7323 §5.3 R1 fails: the same per-connection budget. */
static void
test_tcp_hygiene_paws_failed_ack_rate_limited(void **state)
{
	struct harness *h = tt_harness(NULL);
	struct tt_peer p;
	struct tt_seg r;

	tt_peer_init(&p, h, 41002);
	p.ts = true;
	tt_connect(&p);
	p.tsval = 4000; /* older than TS.Recent (5000) */
	tt_send_ack(&p);
	tt_one(h, &r);
	assert_int_equal(r.s.tsecr, 5000);
	tt_send_ack(&p);
	tt_send_ack(&p);
	tt_none(h);
	assert_int_equal(HSTAT(h, tcp_paws_drop), 3);
	assert_int_equal(HSTAT(h, tcp_oow_ack_limited), 2);
	/* With data: answered. */
	tt_send(&p, F_ACK | F_PSH, p.snd_nxt, p.rcv_nxt, "x", 1);
	tt_one(h, &r);
	assert_int_equal(HSTAT(h, tcp_paws_drop), 4);
	assert_int_equal(HSTAT(h, tcp_oow_ack_limited), 2);
	tt_teardown(h);
}

/* ---- TS.Recent only from an acceptable ACK (RFC 7323 §4.3, 5961) -------- */

static void
test_tcp_hygiene_ts_recent_not_moved_by_unacceptable_ack(void **state)
{
	struct harness *h = tt_harness(NULL);
	struct tt_peer p;
	struct tt_app *a;
	struct tt_seg r;

	tt_peer_init(&p, h, 41003);
	p.ts = true;
	a = tt_connect(&p);
	/* In window, a newer TSval, but acknowledging what we never sent:
	 * a challenge ACK that still echoes the old TS.Recent. */
	p.tsval = 900000;
	tt_send(&p, F_ACK | F_PSH, p.snd_nxt, p.rcv_nxt + 100000, "evil", 4);
	tt_one(h, &r);
	assert_int_equal(r.s.flags, F_ACK);
	assert_int_equal(r.s.tsecr, 5000);
	assert_int_equal(HSTAT(h, tcp_drop_bad_ack), 1);
	assert_int_equal(a->rx_len, 0);
	/* The real peer's next segment (TSval 5001) passes PAWS. */
	p.tsval = 5001;
	tt_send_data(&p, "good", 4);
	assert_int_equal(a->rx_len, 4);
	assert_memory_equal(a->rx, "good", 4);
	assert_int_equal(HSTAT(h, tcp_paws_drop), 0);
	harness_advance(h, 50000);
	tt_one(h, &r);
	assert_int_equal(r.s.tsecr, 5001);
	tt_teardown(h);
}

/* ---- sender silly window avoidance (RFC 9293 §3.8.6.2.1) ---------------- */

static void
test_tcp_hygiene_sws_sends_full_segments_then_override(void **state)
{
	struct harness *h = tt_harness(NULL);
	struct tt_peer p;
	struct tt_seg segs[16];
	unsigned int n;
	uint64_t waited;

	tt_peer_init(&p, h, 41004);
	p.mss = 1460;
	tt_policy.action = TT_RESPOND;
	tt_policy.resp_len = 5000;
	tt_connect(&p); /* window 65535: MAX(SND.WND) */
	p.win = 2000;
	tt_send_data(&p, "GET", 3);
	/* 2000 bytes of window: one full segment, not 1460 + 540. */
	n = tt_collect(h, segs, 16);
	assert_int_equal(n, 1);
	assert_int_equal(segs[0].s.len, 1460);
	assert_true(HSTAT(h, tcp_sws_deferred) >= 1);
	p.rcv_nxt += 1460;
	tt_send_ack(&p);
	n = tt_collect(h, segs, 16);
	assert_int_equal(n, 1);
	assert_int_equal(segs[0].s.len, 1460);
	p.rcv_nxt += 1460;
	/* Everything acknowledged, 500 bytes of window for 2080 queued:
	 * nothing, until the override timer (0.1 to 1 s). */
	p.win = 500;
	tt_send_ack(&p);
	tt_none(h);
	n = wait_for_segments(h, segs, 16, 2000000, &waited);
	assert_int_equal(n, 1);
	assert_int_equal(segs[0].s.len, 500);
	assert_true(waited >= 100000 && waited <= 1000000);
	assert_int_equal(HSTAT(h, tcp_sws_override), 1);
	p.rcv_nxt += 500;
	/* The window opens: the rest at once. */
	p.win = 65535;
	tt_send_ack(&p);
	n = tt_collect(h, segs, 16);
	assert_int_equal(sum_len(segs, n), 5000 - 3420);
	tt_teardown(h);
}

/* All the queued data fits the window: it goes, however small. */
static void
test_tcp_hygiene_sws_sends_when_all_queued_data_fits(void **state)
{
	struct harness *h = tt_harness(NULL);
	struct tt_peer p;
	struct tt_seg r;

	tt_peer_init(&p, h, 41005);
	tt_policy.action = TT_RESPOND;
	tt_policy.resp_len = 300;
	tt_connect(&p);
	p.win = 400;
	tt_send_data(&p, "GET", 3);
	tt_one(h, &r);
	assert_int_equal(r.s.len, 300);
	assert_int_equal(HSTAT(h, tcp_sws_deferred), 0);
	tt_teardown(h);
}

/* Half the largest window the peer ever offered is enough. */
static void
test_tcp_hygiene_sws_half_of_max_window_is_sent(void **state)
{
	struct harness *h = tt_harness(NULL);
	struct tt_peer p;
	struct tt_seg segs[8];
	unsigned int n;

	tt_peer_init(&p, h, 41006);
	p.mss = 1460;
	p.win = 1000; /* a small receiver: MAX(SND.WND) = 1000 */
	tt_policy.action = TT_RESPOND;
	tt_policy.resp_len = 3000;
	tt_connect(&p);
	p.win = 600;
	tt_send_data(&p, "GET", 3);
	n = tt_collect(h, segs, 8);
	assert_int_equal(sum_len(segs, n), 600);
	assert_int_equal(HSTAT(h, tcp_sws_deferred), 0);
	p.rcv_nxt += 600;
	p.win = 400; /* less than half of 1000: waits */
	tt_send_ack(&p);
	tt_none(h);
	assert_true(HSTAT(h, tcp_sws_deferred) >= 1);
	tt_teardown(h);
}

/* ---- persist backoff apart from the RTO ---------------------------------- */

static void
test_tcp_hygiene_persist_backoff_leaves_rto_alone(void **state)
{
	struct harness *h = tt_harness(NULL);
	struct tt_peer p;
	struct tt_seg segs[16];
	unsigned int n;
	uint64_t waited, t0;

	tt_peer_init(&p, h, 41007);
	p.mss = 1460;
	tt_policy.action = TT_RESPOND;
	tt_policy.resp_len = 1000;
	tt_connect(&p); /* RTT ~0: RTO = rto_min, 200 ms */
	p.win = 0;
	tt_send_data(&p, "GET", 3);
	tt_collect(h, segs, 16);
	/* Probes 200, 400, 800, 1600, 3200 ms apart: backing off. */
	t0 = harness_now();
	for (int i = 0; i < 5; i++) {
		n = 0;
		while (n == 0 && harness_now() - t0 < 20000000) {
			harness_advance(h, 1000);
			n = tt_collect(h, segs, 16);
			if (n == 1 && segs[0].s.len == 0)
				n = 0; /* the delayed ACK of the request */
		}
		assert_int_equal(n, 1);
		assert_int_equal(segs[0].s.len, 1);
		waited = harness_now() - t0;
		assert_true(waited >= 200000u << i);
		assert_true(waited <= (200000u << i) + 20000);
		t0 = harness_now();
		tt_send_ack(&p); /* still zero */
		assert_int_equal(tt_collect(h, segs, 16), 0);
	}
	assert_int_equal(HSTAT(h, tcp_persist_probes), 5);
	/* The window opens; the data goes and is lost: the retransmission
	 * comes after the RTO of the path (200 ms), not 6.4 s. */
	p.win = 65535;
	tt_send_ack(&p);
	n = tt_collect(h, segs, 16);
	assert_int_equal(sum_len(segs, n), 1000);
	n = wait_for_segments(h, segs, 16, 20000000, &waited);
	assert_int_equal(n, 1);
	assert_int_equal(segs[0].s.len, 1000);
	assert_true(waited >= 200000 && waited <= 250000);
	assert_int_equal(HSTAT(h, tcp_rto_timeouts), 1);
	tt_teardown(h);
}

/* ---- MSS: the peer's floor, SYN cookies, what we announce --------------- */

static void
test_tcp_hygiene_tiny_peer_mss_raised_to_min_snd_mss(void **state)
{
	struct harness *h = tt_harness(NULL);
	struct tt_peer p;
	struct tt_seg sa, segs[16];
	unsigned int n;

	tt_peer_init(&p, h, 41008);
	p.mss = 64;
	tt_policy.action = TT_RESPOND;
	tt_policy.resp_len = 2000;
	tt_syn(&p, &sa);
	assert_int_equal(sa.s.mss, 536);
	assert_int_equal(HSTAT(h, tcp_mss_raised), 1);
	tt_send_ack(&p);
	tt_none(h);
	tt_send_data(&p, "GET", 3);
	n = tt_collect(h, segs, 16);
	assert_int_equal(n, 4); /* 536 * 3 + 392, not 32 segments of 64 */
	for (unsigned int i = 0; i < 3; i++)
		assert_int_equal(segs[i].s.len, 536);
	assert_int_equal(sum_len(segs, n), 2000);
	tt_teardown(h);
}

static void
tweak_min_mss_100(struct config *cfg)
{
	cfg->tcp_min_snd_mss = 100;
}

static void
test_tcp_hygiene_min_snd_mss_is_configurable(void **state)
{
	struct harness *h = tt_harness(tweak_min_mss_100);
	struct tt_peer p, q;
	struct tt_seg sa;

	tt_peer_init(&p, h, 41009);
	p.mss = 64;
	tt_syn(&p, &sa);
	assert_int_equal(sa.s.mss, 100);
	tt_peer_init(&q, h, 41010);
	q.mss = 200; /* above the floor: kept */
	tt_syn(&q, &sa);
	assert_int_equal(sa.s.mss, 200);
	assert_int_equal(HSTAT(h, tcp_mss_raised), 1);
	tt_teardown(h);
}

static void
test_tcp_hygiene_min_snd_mss_config_validated(void **state)
{
	char err[CONFIG_ERR_LEN];
	struct config c;
	static const char *bad[] = {
		"{\"tcp\": {\"min_snd_mss\": 63}}",
		"{\"tcp\": {\"min_snd_mss\": 1461}}",
		"{\"tcp\": {\"min_snd_mss\": \"536\"}}",
		"{\"tcp\": {\"mss\": 600, \"min_snd_mss\": 1000}}",
	};
	static const char ok[] = "{\"tcp\": {\"min_snd_mss\": 1200}}";

	config_defaults(&c);
	assert_int_equal(c.tcp_min_snd_mss, 536);
	for (unsigned int i = 0; i < RTE_DIM(bad); i++) {
		config_defaults(&c);
		assert_int_equal(config_parse(&c, bad[i], strlen(bad[i]), err),
				 -EINVAL);
		assert_non_null(strstr(err, "$.tcp.min_snd_mss"));
	}
	config_defaults(&c);
	assert_int_equal(config_parse(&c, ok, strlen(ok), err), 0);
	assert_int_equal(c.tcp_min_snd_mss, 1200);
}

static void
tweak_cookies_low_floor(struct config *cfg)
{
	cfg->tcp_syncookies = CONFIG_ON;
	cfg->tcp_min_snd_mss = 64;
}

/* The cookie encodes the largest table MSS not above the peer's. */
static void
test_tcp_hygiene_syncookie_mss_never_above_peer(void **state)
{
	static const struct {
		uint16_t peer, want;
	} cases[] = { { 100, 64 }, { 600, 536 }, { 1300, 1200 },
		      { 1460, 1460 } };
	struct harness *h = tt_harness(tweak_cookies_low_floor);

	for (unsigned int i = 0; i < RTE_DIM(cases); i++) {
		struct tt_peer p;
		struct tt_seg segs[64];
		struct tt_app *a;
		unsigned int n;

		tt_peer_init(&p, h, (uint16_t)(41020 + i));
		p.mss = cases[i].peer;
		tt_policy.action = TT_RESPOND;
		tt_policy.resp_len = 3000;
		a = tt_connect(&p);
		assert_int_equal(HSTAT(h, tcp_syncookie_ok), i + 1);
		tt_send_data(&p, "GET", 3);
		n = tt_collect(h, segs, 64);
		/* The initial window allows 10 segments (RFC 6928). */
		assert_int_equal(sum_len(segs, n),
				 RTE_MIN(3000u, 10u * cases[i].want));
		assert_int_equal(segs[0].s.len, cases[i].want);
		for (unsigned int k = 0; k < n; k++)
			assert_true(segs[k].s.len <= cases[i].peer);
		tcp_abort(h->ctx, a->c);
		tt_collect(h, segs, 64);
	}
	tt_teardown(h);
}

static void
tweak_mtu_1280(struct config *cfg)
{
	cfg->mtu = 1280;
}

static void
tweak_mtu_9000(struct config *cfg)
{
	cfg->mtu = 9000;
	cfg->tcp_mss = 8960;
}

/* ip.mtu goes to the port; net_ring cannot change its MTU (1500): a
 * smaller configured MTU is used as is, a larger one falls back to the
 * port's, and the MSS we announce follows. */
static void
test_tcp_hygiene_port_mtu_from_config(void **state)
{
	struct harness *h = tt_harness(tweak_mtu_1280);
	struct tt_peer p;
	struct tt_seg sa;

	assert_int_equal(h->ifc.mtu, 1280);
	tt_peer_init(&p, h, 41030);
	p.mss = 1460;
	tt_syn(&p, &sa);
	assert_int_equal(sa.s.mss, 1240);
	tt_teardown(h);

	h = tt_harness(tweak_mtu_9000);
	assert_int_equal(h->ifc.mtu, 1500);
	tt_peer_init(&p, h, 41031);
	p.mss = 8960;
	tt_syn(&p, &sa);
	assert_int_equal(sa.s.mss, 1460);
	tt_teardown(h);
}

/* With mbufs of 1200 bytes of room, we announce 1200 - 54 (Ethernet,
 * IPv4 and TCP headers): the peer's full segment is one mbuf. */
static void
test_tcp_hygiene_advertised_mss_fits_one_rx_mbuf(void **state)
{
	struct harness *h = harness_create(NULL);
	struct rte_mempool *small;
	struct lcore_params lp;
	struct lcore_ctx *ctx;
	uint8_t f[PKT_MAX];
	struct pkt_tcp syn = { .sport = 41040, .dport = TT_PORT, .seq = 100,
			       .flags = F_SYN, .win = 65535, .mss = 1460,
			       .wscale = -1 };
	struct rte_mbuf *out[4], *m;
	struct pkt_tcp_seen s;
	size_t len;

	tt_reset();
	small = rte_pktmbuf_pool_create("hyg_small", 511, 0, 0,
					RTE_PKTMBUF_HEADROOM + 1200, 0);
	assert_non_null(small);
	memset(&lp, 0, sizeof(lp));
	lp.cfg = &h->cfg;
	lp.ifc = &h->ifc;
	lp.pool = small;
	lp.hooks.input = eth_input_burst;
	lp.port_id = h->port_id;
	lp.idx = 1;
	ctx = lcore_ctx_create(&lp);
	assert_non_null(ctx);
	ctx->arp = h->ctx->arp;
	assert_int_equal(tcp_lcore_init(ctx), 0);
	assert_int_equal(tcp_listen(ctx, TT_PORT, &tt_ops), 0);
	ctx->now_us = harness_now();
	len = pkt_tcp(f, &h->ifc.mac, &syn);
	m = rte_pktmbuf_alloc(small);
	memcpy(rte_pktmbuf_append(m, (uint16_t)len), f, len);
	eth_input(ctx, m);
	tcp_flush(ctx);
	lcore_tx_flush(ctx);
	assert_int_equal(harness_collect(h, out, 4), 1);
	assert_true(pkt_parse_tcp(out[0], &s));
	assert_int_equal(s.flags, F_SYN | F_ACK);
	assert_int_equal(s.mss, 1200 - 54);
	rte_pktmbuf_free(out[0]);
	tcp_lcore_fini(ctx);
	lcore_tx_flush(ctx);
	harness_drain(h);
	lcore_ctx_free(ctx);
	rte_mempool_free(small);
	assert_int_equal(harness_mbufs_leaked(h), 0);
	harness_destroy(h);
}

/* ---- ICMP fragmentation needed (RFC 1191) -------------------------------- */

/* Ethernet + IPv4 (router -> us) + ICMP 3/4 quoting an IPv4 header from
 * qsrc to qdst and the first 8 bytes of a TCP header. */
static size_t
frag_needed_frame(uint8_t *f, struct harness *h, uint16_t mtu, uint32_t qsrc,
		  uint32_t qdst, uint16_t sport, uint16_t dport, uint32_t seq,
		  bool bad_cksum)
{
	uint8_t icmp[8 + 20 + 8];
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(icmp + 8);
	uint16_t v, ck;
	uint32_t w;

	memset(icmp, 0, sizeof(icmp));
	icmp[0] = 3;
	icmp[1] = 4;
	v = rte_cpu_to_be_16(mtu);
	memcpy(icmp + 6, &v, 2);
	ip->version_ihl = 0x45;
	ip->total_length = rte_cpu_to_be_16(1500);
	ip->time_to_live = 63;
	ip->next_proto_id = IPPROTO_TCP;
	ip->src_addr = rte_cpu_to_be_32(qsrc);
	ip->dst_addr = rte_cpu_to_be_32(qdst);
	v = rte_cpu_to_be_16(sport);
	memcpy(icmp + 28, &v, 2);
	v = rte_cpu_to_be_16(dport);
	memcpy(icmp + 30, &v, 2);
	w = rte_cpu_to_be_32(seq);
	memcpy(icmp + 32, &w, 4);
	ck = rte_cpu_to_be_16(pkt_cksum(icmp, sizeof(icmp)));
	if (bad_cksum)
		ck ^= 0x1234;
	memcpy(icmp + 2, &ck, 2);
	return pkt_ipv4(f, &h->ifc.mac, ROUTER_IP, HARNESS_OUR_IP, IPPROTO_ICMP,
			icmp, sizeof(icmp));
}

/* 3000 bytes in flight at MSS 1460; a router says 1000: they go again
 * as 960-byte segments, and so does what follows. */
static void
test_tcp_hygiene_icmp_frag_needed_lowers_mss_and_resends(void **state)
{
	struct harness *h = tt_harness(NULL);
	struct tt_peer p;
	struct tt_seg segs[16];
	uint8_t f[PKT_MAX], buf[4096];
	unsigned int n;
	uint32_t first;

	fill_msg();
	tt_peer_init(&p, h, 41050);
	p.mss = 1460;
	tt_policy.action = TT_RESPOND;
	tt_policy.resp_len = 3000;
	tt_connect(&p);
	tt_send_data(&p, "GET", 3);
	n = tt_collect(h, segs, 16);
	assert_int_equal(n, 3);
	assert_int_equal(segs[0].s.len, 1460);
	first = segs[0].s.seq;
	harness_feed(h, f, frag_needed_frame(f, h, 1000, HARNESS_OUR_IP,
					     HARNESS_PEER_IP, TT_PORT, p.sport,
					     first, false));
	n = tt_collect(h, segs, 16);
	assert_int_equal(HSTAT(h, tcp_pmtu_lowered), 1);
	assert_int_equal(n, 4);
	for (unsigned int i = 0; i < 3; i++)
		assert_int_equal(segs[i].s.len, 960);
	assert_int_equal(segs[3].s.len, 120);
	assert_int_equal(segs[0].s.seq, first);
	assert_int_equal(tt_take_data(&p, segs, n, buf, sizeof(buf)), 3000);
	for (uint32_t i = 0; i < 3000; i++)
		assert_int_equal(buf[i], tt_byte(i));
	tt_teardown(h);
}

/* Not ours, not in flight, malformed or a bigger MTU: nothing changes;
 * a tiny MTU stops at the floor (536). */
static void
test_tcp_hygiene_icmp_frag_needed_validated_and_floored(void **state)
{
	struct harness *h = tt_harness(NULL);
	struct tt_peer p;
	struct tt_seg segs[16];
	uint8_t f[PKT_MAX];
	unsigned int n;
	uint32_t first;

	tt_peer_init(&p, h, 41051);
	p.mss = 1460;
	tt_policy.action = TT_RESPOND;
	tt_policy.resp_len = 2000;
	tt_connect(&p);
	tt_send_data(&p, "GET", 3);
	n = tt_collect(h, segs, 16);
	assert_int_equal(n, 2);
	first = segs[0].s.seq;
	/* A sequence number not in flight (a blind guess). */
	harness_feed(h, f, frag_needed_frame(f, h, 1000, HARNESS_OUR_IP,
					     HARNESS_PEER_IP, TT_PORT, p.sport,
					     first + 5000, false));
	/* Quoting a datagram we did not send. */
	harness_feed(h, f, frag_needed_frame(f, h, 1000, ROUTER_IP,
					     HARNESS_PEER_IP, TT_PORT, p.sport,
					     first, false));
	/* Another connection's ports. */
	harness_feed(h, f, frag_needed_frame(f, h, 1000, HARNESS_OUR_IP,
					     HARNESS_PEER_IP, TT_PORT, 9,
					     first, false));
	/* An MTU that allows more than we send. */
	harness_feed(h, f, frag_needed_frame(f, h, 9000, HARNESS_OUR_IP,
					     HARNESS_PEER_IP, TT_PORT, p.sport,
					     first, false));
	tt_none(h);
	assert_int_equal(HSTAT(h, tcp_pmtu_ignored), 4);
	/* A bad ICMP checksum never reaches TCP. */
	harness_feed(h, f, frag_needed_frame(f, h, 1000, HARNESS_OUR_IP,
					     HARNESS_PEER_IP, TT_PORT, p.sport,
					     first, true));
	tt_none(h);
	assert_int_equal(HSTAT(h, icmp_drop_cksum), 1);
	assert_int_equal(HSTAT(h, tcp_pmtu_lowered), 0);
	/* 300 bytes of MTU: the MSS stops at 536. */
	harness_feed(h, f, frag_needed_frame(f, h, 300, HARNESS_OUR_IP,
					     HARNESS_PEER_IP, TT_PORT, p.sport,
					     first, false));
	n = tt_collect(h, segs, 16);
	assert_int_equal(HSTAT(h, tcp_pmtu_lowered), 1);
	assert_int_equal(n, 4);
	for (unsigned int i = 0; i < 3; i++)
		assert_int_equal(segs[i].s.len, 536);
	assert_int_equal(sum_len(segs, n), 2000);
	/* Once at the floor, a second one changes nothing. */
	harness_feed(h, f, frag_needed_frame(f, h, 300, HARNESS_OUR_IP,
					     HARNESS_PEER_IP, TT_PORT, p.sport,
					     first, false));
	tt_none(h);
	assert_int_equal(HSTAT(h, tcp_pmtu_ignored), 5);
	tt_teardown(h);
}

/* A router that leaves the MTU field 0 (pre-RFC 1191): the plateau
 * below the quoted length (1500 -> 1492). */
static void
test_tcp_hygiene_icmp_frag_needed_without_mtu_uses_plateau(void **state)
{
	struct harness *h = tt_harness(NULL);
	struct tt_peer p;
	struct tt_seg segs[16];
	uint8_t f[PKT_MAX];
	unsigned int n;

	tt_peer_init(&p, h, 41052);
	p.mss = 1460;
	tt_policy.action = TT_RESPOND;
	tt_policy.resp_len = 1460;
	tt_connect(&p);
	tt_send_data(&p, "GET", 3);
	n = tt_collect(h, segs, 16);
	assert_int_equal(n, 1);
	harness_feed(h, f, frag_needed_frame(f, h, 0, HARNESS_OUR_IP,
					     HARNESS_PEER_IP, TT_PORT, p.sport,
					     segs[0].s.seq, false));
	n = tt_collect(h, segs, 16);
	assert_int_equal(n, 2);
	assert_int_equal(segs[0].s.len, 1452);
	assert_int_equal(segs[1].s.len, 8);
	tt_teardown(h);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tcp_hygiene_oow_pure_ack_answered_once_per_500ms),
		cmocka_unit_test(test_tcp_hygiene_oow_data_segment_always_answered),
		cmocka_unit_test(test_tcp_hygiene_paws_failed_ack_rate_limited),
		cmocka_unit_test(test_tcp_hygiene_ts_recent_not_moved_by_unacceptable_ack),
		cmocka_unit_test(test_tcp_hygiene_sws_sends_full_segments_then_override),
		cmocka_unit_test(test_tcp_hygiene_sws_sends_when_all_queued_data_fits),
		cmocka_unit_test(test_tcp_hygiene_sws_half_of_max_window_is_sent),
		cmocka_unit_test(test_tcp_hygiene_persist_backoff_leaves_rto_alone),
		cmocka_unit_test(test_tcp_hygiene_tiny_peer_mss_raised_to_min_snd_mss),
		cmocka_unit_test(test_tcp_hygiene_min_snd_mss_is_configurable),
		cmocka_unit_test(test_tcp_hygiene_min_snd_mss_config_validated),
		cmocka_unit_test(test_tcp_hygiene_syncookie_mss_never_above_peer),
		cmocka_unit_test(test_tcp_hygiene_port_mtu_from_config),
		cmocka_unit_test(test_tcp_hygiene_advertised_mss_fits_one_rx_mbuf),
		cmocka_unit_test(test_tcp_hygiene_icmp_frag_needed_lowers_mss_and_resends),
		cmocka_unit_test(test_tcp_hygiene_icmp_frag_needed_validated_and_floored),
		cmocka_unit_test(test_tcp_hygiene_icmp_frag_needed_without_mtu_uses_plateau),
	};

	harness_eal_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
