/* SPDX-License-Identifier: BSD-3-Clause */
/* test_net_rx_fast6.c: the burst's one-frame IPv6 TCP path (eth_input_burst
 * -> tcp_input_frame6) against eth_input -> ipv6_input -> tcp_input on
 * plain and odd frames: the same counters and answers. */
#include <string.h>

#include <rte_byteorder.h>
#include <rte_ip.h>
#include <rte_ring.h>

#include "core/stats.h"
#include "net/eth.h"
#include "net/tcp.h"
#include "pkt6.h"
#include "rx_fast.h"
#include "tcp_test.h"

/* IPv6: a SYN from the peer to the listening port, made odd. */
struct rx6_frame {
	const uint8_t *src, *dst;
	uint16_t dport;
	uint8_t flags;
	uint8_t nh; /* not TCP: the segment behind that header */
};

typedef size_t rx6_mut(struct harness *h, struct rx6_frame *d, uint8_t *f,
		       size_t n);

#define IP6H(f) ((struct rte_ipv6_hdr *)((f) + 14))

static size_t
r6_plain(struct harness *h, struct rx6_frame *d, uint8_t *f, size_t n)
{
	return n;
}

static size_t
r6_short(struct harness *h, struct rx6_frame *d, uint8_t *f, size_t n)
{
	return 14 + 30;
}

static size_t
r6_version(struct harness *h, struct rx6_frame *d, uint8_t *f, size_t n)
{
	f[14] = (uint8_t)(0x40 | (f[14] & 0xf));
	return n;
}

static size_t
r6_tclass(struct harness *h, struct rx6_frame *d, uint8_t *f, size_t n)
{
	IP6H(f)->vtc_flow = rte_cpu_to_be_32(0x6b812345);
	return n;
}

static size_t
r6_len_past(struct harness *h, struct rx6_frame *d, uint8_t *f, size_t n)
{
	IP6H(f)->payload_len = rte_cpu_to_be_16(
		(uint16_t)(rte_be_to_cpu_16(IP6H(f)->payload_len) + 1));
	return n;
}

static size_t
r6_padded(struct harness *h, struct rx6_frame *d, uint8_t *f, size_t n)
{
	memset(f + n, 0, 6);
	return n + 6;
}

static size_t
r6_hop0(struct harness *h, struct rx6_frame *d, uint8_t *f, size_t n)
{
	IP6H(f)->hop_limits = 0;
	return n;
}

static size_t
r6_hop1(struct harness *h, struct rx6_frame *d, uint8_t *f, size_t n)
{
	IP6H(f)->hop_limits = 1;
	return n;
}

static size_t
r6_tcp_sum(struct harness *h, struct rx6_frame *d, uint8_t *f, size_t n)
{
	f[14 + 40 + 16] ^= 0x01;
	return n;
}

/* Mutations that make the frame again (addresses, ports, headers). */
static const uint8_t r6_all_nodes[16] = { 0xff, 0x02, [15] = 1 };
static const uint8_t r6_other[16] = { 0xfd, 0x00, 0x00, 0x88, [15] = 3 };
static const uint8_t r6_loopback[16] = { [15] = 1 };
static const uint8_t r6_unspec[16] = { 0 };
static const uint8_t r6_src_mcast[16] = { 0xff, 0x02, [15] = 5 };
static size_t
r6_dst_mcast(struct harness *h, struct rx6_frame *d, uint8_t *f, size_t n)
{
	d->dst = r6_all_nodes;
	return n;
}

static size_t
r6_dst_other(struct harness *h, struct rx6_frame *d, uint8_t *f, size_t n)
{
	d->dst = r6_other;
	return n;
}

static size_t
r6_dst_ll(struct harness *h, struct rx6_frame *d, uint8_t *f, size_t n)
{
	d->dst = h->ctx->ifc->ip6_ll;
	return n;
}

static size_t
r6_src_mc(struct harness *h, struct rx6_frame *d, uint8_t *f, size_t n)
{
	d->src = r6_src_mcast;
	return n;
}

static size_t
r6_src_lo(struct harness *h, struct rx6_frame *d, uint8_t *f, size_t n)
{
	d->src = r6_loopback;
	return n;
}

static size_t
r6_src_unspec(struct harness *h, struct rx6_frame *d, uint8_t *f, size_t n)
{
	d->src = r6_unspec;
	return n;
}

static size_t
r6_src_ours(struct harness *h, struct rx6_frame *d, uint8_t *f, size_t n)
{
	d->src = pkt6_ours;
	return n;
}

/* A bad source with a TCP fault as well: ipv6_input drops it as a bad
 * source before TCP sees the fault (tcp_input_burst's deferred test,
 * tcp_in.c's tcp_seg_src, must make it on TCP's drop branches too). */
static size_t
r6_src_ours_sum(struct harness *h, struct rx6_frame *d, uint8_t *f, size_t n)
{
	if (n == 0)
		return r6_src_ours(h, d, f, n);
	return r6_tcp_sum(h, d, f, n);
}

static size_t
r6_src_lo_off(struct harness *h, struct rx6_frame *d, uint8_t *f, size_t n)
{
	if (n == 0)
		return r6_src_lo(h, d, f, n);
	f[14 + 40 + 12] = 4 << 4; /* data offset 16 bytes */
	return n;
}

static size_t
r6_closed(struct harness *h, struct rx6_frame *d, uint8_t *f, size_t n)
{
	d->dport = TT_PORT + 1;
	return n;
}

static size_t
r6_syn_fin(struct harness *h, struct rx6_frame *d, uint8_t *f, size_t n)
{
	d->flags |= F_FIN;
	return n;
}

static size_t
r6_udp(struct harness *h, struct rx6_frame *d, uint8_t *f, size_t n)
{
	d->nh = IPPROTO_UDP;
	return n;
}

static size_t
r6_hop_by_hop(struct harness *h, struct rx6_frame *d, uint8_t *f, size_t n)
{
	d->nh = 0;
	return n;
}

struct rx6_case {
	const char *name;
	rx6_mut *mut;
	bool frame6; /* tcp_input_frame6 takes it (TCP decides) */
};

static const struct rx6_case rx6_cases[] = {
	{ "plain", r6_plain, true },
	{ "short", r6_short, false },
	{ "version", r6_version, false },
	{ "tclass_flow", r6_tclass, true },
	{ "len_past", r6_len_past, false },
	{ "padded", r6_padded, true },
	{ "hop0", r6_hop0, false },
	{ "hop1", r6_hop1, true },
	{ "tcp_sum", r6_tcp_sum, true },
	{ "dst_mcast", r6_dst_mcast, false },
	{ "dst_other", r6_dst_other, false },
	{ "dst_ll", r6_dst_ll, true },
	{ "src_mcast", r6_src_mc, false },
	{ "src_loopback", r6_src_lo, false },
	{ "src_unspec", r6_src_unspec, false },
	{ "src_ours", r6_src_ours, false },
	{ "src_ours_tcp_sum", r6_src_ours_sum, false },
	{ "src_loopback_off_small", r6_src_lo_off, false },
	{ "closed_port", r6_closed, true },
	{ "syn_fin", r6_syn_fin, true },
	{ "udp", r6_udp, false },
	{ "hop_by_hop", r6_hop_by_hop, false },
};

/* The frame of case c in f: its length. */
static size_t
rx6_build(struct harness *h, const struct rx6_case *c, uint8_t *f)
{
	struct rx6_frame d = { pkt6_peer, pkt6_ours, TT_PORT, F_SYN,
			       IPPROTO_TCP };
	uint8_t seg[PKT_MAX], pl[8 + PKT_MAX];
	size_t n;

	(void)c->mut(h, &d, f, 0); /* the fields of d (f made below) */
	n = pkt6_tcp(f, &h->ifc.mac, d.src, d.dst, 40001, d.dport, 5000, 0,
		     d.flags, 65535, NULL, 0, NULL, 0);
	if (d.nh != IPPROTO_TCP) {
		size_t l4 = n - 14 - 40;

		memcpy(seg, f + 14 + 40, l4);
		if (d.nh == 0) {
			/* hop-by-hop options (PadN) in front of TCP */
			static const uint8_t hbh[8] = { IPPROTO_TCP, 0, 1, 4 };

			memcpy(pl, hbh, 8);
			memcpy(pl + 8, seg, l4);
			return pkt6_ip(f, &h->ifc.mac, d.src, d.dst, 64, 0, pl,
				       8 + l4);
		}
		return pkt6_ip(f, &h->ifc.mac, d.src, d.dst, 64, d.nh, seg, l4);
	}
	return c->mut(h, &d, f, n);
}

/* Case c through the burst (general false) or eth_input itself. */
static void
rx6_run(void **state, const struct rx6_case *c, bool general, uint64_t ol,
	struct rx_out *o)
{
	struct harness *h = tt_reopen(state, NULL);
	uint8_t f[PKT_MAX];
	size_t n;

	memset(o, 0, sizeof(*o));
	n = rx6_build(h, c, f);
	rx_take(h, f, n, general, ol, o);
	o->in_use = tcp_conn_count(h->ctx);
}

static void
rx6_compare_all(void **state, uint64_t ol)
{
	static struct rx_out fast, gen;

	for (size_t i = 0; i < RTE_DIM(rx6_cases); i++) {
		rx6_run(state, &rx6_cases[i], false, ol, &fast);
		rx6_run(state, &rx6_cases[i], true, ol, &gen);
		rx_same(rx6_cases[i].name, &fast, &gen);
		if (rx6_cases[i].mut == r6_plain &&
		    !(ol & RTE_MBUF_F_RX_L4_CKSUM_BAD)) {
			assert_int_equal(fast.nout, 1); /* the SYN-ACK */
			assert_int_equal(fast.st[ST_ip6_rx], 1);
		}
		/* TCP answered the frames it took: SYN-ACK or RST */
		if (rx6_cases[i].frame6 && rx6_cases[i].mut != r6_syn_fin &&
		    rx6_cases[i].mut != r6_tcp_sum &&
		    !(ol & RTE_MBUF_F_RX_L4_CKSUM_BAD))
			assert_int_equal(fast.nout, 1);
	}
}

/* The burst's IPv6 frames (tcp_input_frame6 or ipv6_input) against
 * eth_input's, software sums and the NIC's verdicts. */
static void
test_net_rx_fast_ipv6_odd_frames_as_eth_input(void **state)
{
	rx6_compare_all(state, 0);
	rx6_compare_all(state, RTE_MBUF_F_RX_L4_CKSUM_GOOD);
	rx6_compare_all(state, RTE_MBUF_F_RX_L4_CKSUM_BAD);
}

/* tcp_input_frame6 takes the plain TCP datagram and leaves every other
 * frame as it found it. */
static void
test_net_rx_fast_frame6_leaves_odd_frames_untouched(void **state)
{
	for (size_t i = 0; i < RTE_DIM(rx6_cases); i++) {
		struct harness *h = tt_reopen(state, NULL);
		uint64_t st0[ST__COUNT];
		struct rte_mbuf *in = NULL;
		uint8_t f[PKT_MAX];
		uint16_t off, dlen;
		size_t n;
		bool took;

		n = rx6_build(h, &rx6_cases[i], f);
		harness_inject(h, f, n);
		assert_int_equal(rte_ring_dequeue(h->rx, (void **)&in), 0);
		off = in->data_off;
		dlen = in->data_len;
		memcpy(st0, h->ctx->stats.v, sizeof(st0));
		took = tcp_input_frame6(h->ctx, in);
		if (took != rx6_cases[i].frame6)
			print_error("%s: frame6 %d\n", rx6_cases[i].name, took);
		assert_int_equal(took, rx6_cases[i].frame6);
		if (!took) {
			assert_int_equal(in->data_off, off);
			assert_int_equal(in->data_len, dlen);
			assert_int_equal(in->pkt_len, dlen);
			assert_memory_equal(st0, h->ctx->stats.v, sizeof(st0));
			rte_pktmbuf_free(in);
		} else {
			/* counted as ipv6_input counts it, consumed */
			assert_int_equal(h->ctx->stats.v[ST_ip6_rx],
					 st0[ST_ip6_rx] + 1);
			assert_int_equal(h->ctx->stats.v[ST_tcp_rx_segs],
					 st0[ST_tcp_rx_segs] + 1);
		}
		harness_poll(h);
		harness_drain(h);
	}
}

/*
 * A burst of more than one frame (tcp_input_burst: both families' frame
 * paths inline in its loop): case c's frame, an IPv4 SYN of another
 * peer, c's frame again, in one poll; against each handed to eth_input
 * itself before that poll. The same counters and answers.
 */
static void
rx6_burst_run(void **state, const struct rx6_case *c, bool general,
	      uint64_t ol, struct rx_out *o)
{
	struct harness *h = tt_reopen(state, NULL);
	uint8_t f[3][PKT_MAX];
	struct pkt_tcp t;
	size_t n[3];

	memset(o, 0, sizeof(*o));
	n[0] = rx6_build(h, c, f[0]);
	memset(&t, 0, sizeof(t));
	t.sport = 41001;
	t.dport = TT_PORT;
	t.seq = 9000;
	t.flags = F_SYN;
	t.win = 65535;
	t.wscale = -1;
	n[1] = pkt_tcp(f[1], &h->ifc.mac, &t);
	memcpy(f[2], f[0], n[0]);
	n[2] = n[0];
	rx_take_n(h, (const uint8_t (*)[PKT_MAX])f, n, 3, general, ol, o);
	o->in_use = tcp_conn_count(h->ctx);
}

static void
test_net_rx_fast_ipv6_burst_as_eth_input(void **state)
{
	static const uint64_t ols[] = { 0, RTE_MBUF_F_RX_L4_CKSUM_GOOD,
					RTE_MBUF_F_RX_L4_CKSUM_BAD };
	static struct rx_out fast, gen;

	for (size_t k = 0; k < RTE_DIM(ols); k++) {
		for (size_t i = 0; i < RTE_DIM(rx6_cases); i++) {
			rx6_burst_run(state, &rx6_cases[i], false, ols[k],
				      &fast);
			rx6_burst_run(state, &rx6_cases[i], true, ols[k], &gen);
			rx_same(rx6_cases[i].name, &fast, &gen);
			assert_int_equal(fast.st[ST_rx_packets], 3);
			if (rx6_cases[i].mut == r6_plain && ols[k] == 0) {
				/* both families' SYNs taken: two
				 * connections (the IPv6 one's SYN twice) */
				assert_int_equal(fast.st[ST_ip6_rx], 2);
				assert_int_equal(fast.st[ST_ipv4_rx], 1);
				assert_int_equal(fast.in_use, 2);
			}
		}
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		TT_TEST(test_net_rx_fast_ipv6_odd_frames_as_eth_input),
		TT_TEST(test_net_rx_fast_frame6_leaves_odd_frames_untouched),
		TT_TEST(test_net_rx_fast_ipv6_burst_as_eth_input),
	};

	return TT_RUN(tests);
}
