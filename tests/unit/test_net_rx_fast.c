/* SPDX-License-Identifier: BSD-3-Clause */
/* test_net_rx_fast.c: the burst's one-frame IPv4 TCP path (eth_input_burst
 * -> tcp_input_frame4) against eth_input -> ipv4_input -> tcp_input on
 * plain and odd frames: the same counters, answers and bytes delivered
 * (IPv6: test_net_rx_fast6.c). */
#include <string.h>

#include <rte_byteorder.h>
#include <rte_ip.h>
#include <rte_ring.h>
#include <rte_tcp.h>

#include "core/stats.h"
#include "net/eth.h"
#include "net/tcp.h"
#include "pkt6.h"
#include "rx_fast.h"
#include "tcp_test.h"

#define RX_SPORT 41000

#define IPH(f) ((struct rte_ipv4_hdr *)((f) + 14))
#define TCPH(f) ((struct rte_tcp_hdr *)((f) + 14 + 20))

/* The IPv4 header sum after a field changed (20-byte header). */
static void
ip_resum(uint8_t *f)
{
	IPH(f)->hdr_checksum = 0;
	IPH(f)->hdr_checksum = rte_cpu_to_be_16(pkt_cksum(IPH(f), 20));
}

/* The TCP sum after a field changed (behind a 20-byte IPv4 header). */
static void
tcp_resum(uint8_t *f)
{
	uint8_t ph[12 + PKT_MAX];
	uint16_t l4 = (uint16_t)(rte_be_to_cpu_16(IPH(f)->total_length) - 20);

	TCPH(f)->cksum = 0;
	memcpy(ph, &IPH(f)->src_addr, 8);
	ph[8] = 0;
	ph[9] = IPPROTO_TCP;
	ph[10] = (uint8_t)(l4 >> 8);
	ph[11] = (uint8_t)l4;
	memcpy(ph + 12, TCPH(f), l4);
	TCPH(f)->cksum = rte_cpu_to_be_16(pkt_cksum(ph, 12 + (size_t)l4));
}

/* Odd frames: each turns the plain request segment into another. */
typedef void rx_mut(uint8_t *f, size_t *n);

static void m_plain(uint8_t *f, size_t *n) { (void)f; (void)n; }
static void m_short_eth(uint8_t *f, size_t *n) { *n = 12; }
static void m_short_ip(uint8_t *f, size_t *n) { *n = 14 + 12; }
static void m_short_tcp(uint8_t *f, size_t *n)
{
	*n = 14 + 20 + 10;
	IPH(f)->total_length = rte_cpu_to_be_16(30);
	ip_resum(f);
}
static void m_ip_sum(uint8_t *f, size_t *n) { IPH(f)->hdr_checksum ^= 0x0101; }
static void m_tcp_sum(uint8_t *f, size_t *n) { TCPH(f)->cksum ^= 0x0101; }
static void m_broadcast_mac(uint8_t *f, size_t *n) { memset(f, 0xff, 6); }
static void m_other_mac(uint8_t *f, size_t *n) { f[5] ^= 0x10; }
static void m_vlan(uint8_t *f, size_t *n)
{
	memmove(f + 16, f + 12, *n - 12);
	f[12] = 0x81;
	f[13] = 0x00;
	f[14] = 0x00;
	f[15] = 0x05;
	*n += 4;
}
static void m_ip_options(uint8_t *f, size_t *n)
{
	uint16_t tl = rte_be_to_cpu_16(IPH(f)->total_length);

	memmove(f + 14 + 24, f + 14 + 20, *n - 14 - 20);
	memset(f + 14 + 20, 1, 4); /* NOPs */
	IPH(f)->version_ihl = 0x46;
	IPH(f)->total_length = rte_cpu_to_be_16((uint16_t)(tl + 4));
	*n += 4;
	ip_resum(f);
}
static void m_fragment_mf(uint8_t *f, size_t *n)
{
	IPH(f)->fragment_offset = RTE_BE16(RTE_IPV4_HDR_MF_FLAG);
	ip_resum(f);
}
static void m_fragment_off(uint8_t *f, size_t *n)
{
	IPH(f)->fragment_offset = rte_cpu_to_be_16(8);
	ip_resum(f);
}
static void m_ttl_zero(uint8_t *f, size_t *n)
{
	IPH(f)->time_to_live = 0;
	ip_resum(f);
}
static void m_version(uint8_t *f, size_t *n)
{
	IPH(f)->version_ihl = 0x65;
	ip_resum(f);
}
static void m_ihl_small(uint8_t *f, size_t *n)
{
	IPH(f)->version_ihl = 0x44;
	ip_resum(f);
}
static void m_len_past_frame(uint8_t *f, size_t *n)
{
	IPH(f)->total_length = rte_cpu_to_be_16((uint16_t)(*n - 14 + 1));
	ip_resum(f);
}
static void m_len_below_header(uint8_t *f, size_t *n)
{
	IPH(f)->total_length = rte_cpu_to_be_16(19);
	ip_resum(f);
}
static void m_padded(uint8_t *f, size_t *n)
{
	memset(f + *n, 0xa5, 40); /* Ethernet padding past the datagram */
	*n += 40;
}
static void m_not_ours(uint8_t *f, size_t *n)
{
	IPH(f)->dst_addr = RTE_BE32(RTE_IPV4(10, 88, 0, 99));
	ip_resum(f);
	tcp_resum(f);
}
static void m_src_broadcast(uint8_t *f, size_t *n)
{
	IPH(f)->src_addr = RTE_BE32(RTE_IPV4(255u, 255, 255, 255));
	ip_resum(f);
	tcp_resum(f);
}
static void m_src_ours(uint8_t *f, size_t *n)
{
	IPH(f)->src_addr = RTE_BE32(HARNESS_OUR_IP);
	ip_resum(f);
	tcp_resum(f);
}
static void m_src_multicast(uint8_t *f, size_t *n)
{
	IPH(f)->src_addr = RTE_BE32(RTE_IPV4(224u, 0, 0, 9));
	ip_resum(f);
	tcp_resum(f);
}
static void m_src_loopback(uint8_t *f, size_t *n)
{
	IPH(f)->src_addr = RTE_BE32(RTE_IPV4(127, 0, 0, 1));
	ip_resum(f);
	tcp_resum(f);
}
static void m_src_zero(uint8_t *f, size_t *n)
{
	IPH(f)->src_addr = 0;
	ip_resum(f);
	tcp_resum(f);
}
static void m_src_mcast_top(uint8_t *f, size_t *n)
{
	IPH(f)->src_addr = RTE_BE32(RTE_IPV4(239u, 255, 255, 250));
	ip_resum(f);
	tcp_resum(f);
}
/* 240/4 and 223/8 are not suspect: the frame path takes them (the
 * connection is then another 4-tuple's: none, a reset). */
static void m_src_class_e(uint8_t *f, size_t *n)
{
	IPH(f)->src_addr = RTE_BE32(RTE_IPV4(240u, 0, 0, 1));
	ip_resum(f);
	tcp_resum(f);
}
static void m_src_223(uint8_t *f, size_t *n)
{
	IPH(f)->src_addr = RTE_BE32(RTE_IPV4(223u, 255, 255, 255));
	ip_resum(f);
	tcp_resum(f);
}
/* DF set, TTL 1 and 255, ECN bits: still the plain datagram. */
static void m_df(uint8_t *f, size_t *n)
{
	IPH(f)->fragment_offset = RTE_BE16(RTE_IPV4_HDR_DF_FLAG);
	ip_resum(f);
}
static void m_ttl_one(uint8_t *f, size_t *n)
{
	IPH(f)->time_to_live = 1;
	ip_resum(f);
}
static void m_ttl_max(uint8_t *f, size_t *n)
{
	IPH(f)->time_to_live = 255;
	ip_resum(f);
}
static void m_tos_id(uint8_t *f, size_t *n)
{
	IPH(f)->type_of_service = 0xff;
	IPH(f)->packet_id = 0xffff;
	ip_resum(f);
}
static void m_fragment_df_mf(uint8_t *f, size_t *n)
{
	IPH(f)->fragment_offset =
		RTE_BE16(RTE_IPV4_HDR_DF_FLAG | RTE_IPV4_HDR_MF_FLAG);
	ip_resum(f);
}
static void m_fragment_off_high(uint8_t *f, size_t *n)
{
	IPH(f)->fragment_offset = RTE_BE16(0x1000);
	ip_resum(f);
}
static void m_len_exact_frame(uint8_t *f, size_t *n)
{
	IPH(f)->total_length = rte_cpu_to_be_16((uint16_t)(*n - 14));
	ip_resum(f);
}
static void m_len_20(uint8_t *f, size_t *n)
{
	IPH(f)->total_length = RTE_BE16(20);
	ip_resum(f);
}
static void m_udp(uint8_t *f, size_t *n)
{
	IPH(f)->next_proto_id = IPPROTO_UDP;
	ip_resum(f);
}
static void m_icmp(uint8_t *f, size_t *n)
{
	IPH(f)->next_proto_id = IPPROTO_ICMP;
	ip_resum(f);
}
static void m_tcp_off_small(uint8_t *f, size_t *n)
{
	TCPH(f)->data_off = 0x40;
	tcp_resum(f);
}
static void m_tcp_off_past(uint8_t *f, size_t *n)
{
	TCPH(f)->data_off = 0xf0;
	tcp_resum(f);
}
static void m_syn_fin(uint8_t *f, size_t *n)
{
	TCPH(f)->tcp_flags = RTE_TCP_SYN_FLAG | RTE_TCP_FIN_FLAG;
	tcp_resum(f);
}
static void m_closed_port(uint8_t *f, size_t *n)
{
	TCPH(f)->dst_port = rte_cpu_to_be_16(TT_PORT + 1);
	tcp_resum(f);
}
static void m_port_zero(uint8_t *f, size_t *n)
{
	TCPH(f)->src_port = 0;
	tcp_resum(f);
}
static void m_syn_rst_ack(uint8_t *f, size_t *n)
{
	TCPH(f)->tcp_flags = RTE_TCP_SYN_FLAG | RTE_TCP_RST_FLAG |
			     RTE_TCP_ACK_FLAG;
	tcp_resum(f);
}
static void m_dport_zero(uint8_t *f, size_t *n)
{
	TCPH(f)->dst_port = 0;
	tcp_resum(f);
}
static void m_old_seq(uint8_t *f, size_t *n)
{
	TCPH(f)->sent_seq = rte_cpu_to_be_32(rte_be_to_cpu_32(TCPH(f)->sent_seq) -
					     1000);
	tcp_resum(f);
}
static void m_fin(uint8_t *f, size_t *n)
{
	TCPH(f)->tcp_flags |= RTE_TCP_FIN_FLAG;
	tcp_resum(f);
}
static void m_rst(uint8_t *f, size_t *n)
{
	TCPH(f)->tcp_flags = RTE_TCP_RST_FLAG | RTE_TCP_ACK_FLAG;
	tcp_resum(f);
}

/* Plain datagrams however their other header bytes read: the frame
 * path takes them (TCP decides). */
static bool
rx_plain_variant(rx_mut *mut)
{
	return mut == m_src_class_e || mut == m_src_223 || mut == m_df ||
	       mut == m_ttl_one || mut == m_ttl_max || mut == m_tos_id ||
	       mut == m_len_exact_frame || mut == m_len_20;
}

/* Flags no stack sends and port 0: dropped as they are, no answer. */
static bool
rx_bad_flags(rx_mut *mut)
{
	return mut == m_syn_fin || mut == m_syn_rst_ack ||
	       mut == m_port_zero || mut == m_dport_zero;
}

struct rx_case {
	const char *name;
	rx_mut *mut;
};

static const struct rx_case rx_cases[] = {
	{ "plain", m_plain },
	{ "short_eth", m_short_eth },
	{ "short_ip", m_short_ip },
	{ "short_tcp", m_short_tcp },
	{ "ip_sum", m_ip_sum },
	{ "tcp_sum", m_tcp_sum },
	{ "broadcast_mac", m_broadcast_mac },
	{ "other_mac", m_other_mac },
	{ "vlan", m_vlan },
	{ "ip_options", m_ip_options },
	{ "fragment_mf", m_fragment_mf },
	{ "fragment_off", m_fragment_off },
	{ "ttl_zero", m_ttl_zero },
	{ "version", m_version },
	{ "ihl_small", m_ihl_small },
	{ "len_past_frame", m_len_past_frame },
	{ "len_below_header", m_len_below_header },
	{ "padded", m_padded },
	{ "not_ours", m_not_ours },
	{ "src_broadcast", m_src_broadcast },
	{ "src_ours", m_src_ours },
	{ "src_multicast", m_src_multicast },
	{ "src_loopback", m_src_loopback },
	{ "src_zero", m_src_zero },
	{ "src_mcast_top", m_src_mcast_top },
	{ "src_class_e", m_src_class_e },
	{ "src_223", m_src_223 },
	{ "df", m_df },
	{ "ttl_one", m_ttl_one },
	{ "ttl_max", m_ttl_max },
	{ "tos_id", m_tos_id },
	{ "fragment_df_mf", m_fragment_df_mf },
	{ "fragment_off_high", m_fragment_off_high },
	{ "len_exact_frame", m_len_exact_frame },
	{ "len_20", m_len_20 },
	{ "udp", m_udp },
	{ "icmp", m_icmp },
	{ "tcp_off_small", m_tcp_off_small },
	{ "tcp_off_past", m_tcp_off_past },
	{ "syn_fin", m_syn_fin },
	{ "closed_port", m_closed_port },
	{ "port_zero", m_port_zero },
	{ "syn_rst_ack", m_syn_rst_ack },
	{ "dport_zero", m_dport_zero },
	{ "old_seq", m_old_seq },
	{ "fin", m_fin },
	{ "rst", m_rst },
};

/* A peer with timestamps and window scaling connected to the echo app. */
static struct tt_app *
rx_connect(struct harness *h, struct tt_peer *p)
{
	tt_peer_init(p, h, RX_SPORT);
	p->ts = true;
	p->wscale = 7;
	tt_policy.action = TT_ECHO;
	return tt_connect(p);
}

/* p's next in-order request segment ("GET /a", ACK|PSH, timestamps) as
 * a whole frame in f; its length. */
static size_t
rx_request(struct harness *h, const struct tt_peer *p, uint8_t *f)
{
	struct pkt_tcp t;

	memset(&t, 0, sizeof(t));
	t.sport = RX_SPORT;
	t.dport = TT_PORT;
	t.win = p->win;
	t.ts = true;
	t.tsval = p->tsval;
	t.tsecr = p->ts_recent;
	t.flags = F_ACK | F_PSH;
	t.seq = p->snd_nxt;
	t.ack = p->rcv_nxt;
	t.wscale = -1;
	t.data = "GET /a";
	t.len = 6;
	return pkt_tcp(f, &h->ifc.mac, &t);
}

/* A fresh harness, a Linux-like client connected (timestamps, window
 * scaling), then one request segment, changed by mut, taken by the burst
 * (general false) or handed to eth_input itself (true). */
static void
rx_run(void **state, rx_mut *mut, bool general, uint64_t ol, struct rx_out *o)
{
	struct harness *h = tt_reopen(state, NULL);
	struct tt_peer p;
	struct tt_app *a;
	uint8_t f[PKT_MAX];
	size_t n;

	memset(o, 0, sizeof(*o));
	a = rx_connect(h, &p);
	n = rx_request(h, &p, f);
	mut(f, &n);
	rx_take(h, f, n, general, ol, o);
	o->rx_len = a->rx_len;
	memcpy(o->rx, a->rx, RTE_MIN(a->rx_len, sizeof(o->rx)));
	o->closed = a->closed;
	o->in_use = tcp_conn_count(h->ctx);
}

static void
rx_compare_all(void **state, uint64_t ol)
{
	static struct rx_out fast, gen;

	for (size_t i = 0; i < RTE_DIM(rx_cases); i++) {
		rx_run(state, rx_cases[i].mut, false, ol, &fast);
		rx_run(state, rx_cases[i].mut, true, ol, &gen);
		rx_same(rx_cases[i].name, &fast, &gen);
		if (rx_cases[i].mut == m_plain &&
		    !(ol & (RTE_MBUF_F_RX_IP_CKSUM_BAD |
			    RTE_MBUF_F_RX_L4_CKSUM_BAD))) {
			/* The request reached the application, answered. */
			assert_int_equal(fast.rx_len, 6);
			assert_int_equal(fast.st[ST_tcp_fast_path], 1);
			assert_int_equal(fast.nout, 1);
		}
		if (rx_bad_flags(rx_cases[i].mut) &&
		    !(ol & RTE_MBUF_F_RX_L4_CKSUM_BAD)) {
			assert_int_equal(fast.st[ST_tcp_drop_bad_flags], 1);
			assert_int_equal(fast.st[ST_tcp_fast_path], 0);
			assert_int_equal(fast.nout, 0);
			assert_int_equal(fast.rx_len, 0);
		}
	}
}

static void
test_net_rx_fast_odd_frames_as_eth_input_software_sums(void **state)
{
	rx_compare_all(state, 0);
}

/* The NIC's verdicts: a good IP sum is not summed again, bad ones go. */
static void
test_net_rx_fast_odd_frames_as_eth_input_nic_verdicts(void **state)
{
	rx_compare_all(state, RTE_MBUF_F_RX_IP_CKSUM_GOOD |
				      RTE_MBUF_F_RX_L4_CKSUM_GOOD);
	rx_compare_all(state, RTE_MBUF_F_RX_IP_CKSUM_BAD |
				      RTE_MBUF_F_RX_L4_CKSUM_BAD);
	rx_compare_all(state, RTE_MBUF_F_RX_IP_CKSUM_GOOD |
				      RTE_MBUF_F_RX_L4_CKSUM_BAD);
}

/* tcp_input_frame4 takes the plain frame and leaves every other one as
 * it found it (no counter, the mbuf's data where it was). */
static void
test_net_rx_fast_frame4_leaves_odd_frames_untouched(void **state)
{
	for (size_t i = 0; i < RTE_DIM(rx_cases); i++) {
		struct harness *h = tt_reopen(state, NULL);
		uint64_t st0[ST__COUNT];
		struct rte_mbuf *in = NULL;
		uint8_t f[PKT_MAX];
		struct pkt_tcp t;
		uint16_t off, dlen;
		size_t n;
		bool took;

		memset(&t, 0, sizeof(t));
		t.sport = RX_SPORT;
		t.dport = TT_PORT;
		t.win = 65535;
		t.flags = F_ACK | F_PSH;
		t.seq = 1;
		t.ack = 1;
		t.wscale = -1;
		t.data = "GET /a";
		t.len = 6;
		n = pkt_tcp(f, &h->ifc.mac, &t);
		rx_cases[i].mut(f, &n);
		/* only frames the burst hands it: one segment, our MAC, IPv4 */
		if (n < 14 || memcmp(f, &h->ifc.mac, 6) != 0 ||
		    f[12] != 0x08 || f[13] != 0x00)
			continue;
		harness_inject(h, f, n);
		assert_int_equal(rte_ring_dequeue(h->rx, (void **)&in), 0);
		off = in->data_off;
		dlen = in->data_len;
		memcpy(st0, h->ctx->stats.v, sizeof(st0));
		took = tcp_input_frame4(h->ctx, in);
		if (!took) {
			assert_int_equal(in->data_off, off);
			assert_int_equal(in->data_len, dlen);
			assert_int_equal(in->pkt_len, dlen);
			assert_memory_equal(st0, h->ctx->stats.v, sizeof(st0));
			rte_pktmbuf_free(in);
		} else {
			/* counted as ipv4_input counts it, consumed */
			assert_int_equal(h->ctx->stats.v[ST_ipv4_rx],
					 st0[ST_ipv4_rx] + 1);
			assert_int_equal(h->ctx->stats.v[ST_tcp_rx_segs],
					 st0[ST_tcp_rx_segs] + 1);
		}
		if (rx_cases[i].mut == m_plain || rx_cases[i].mut == m_padded ||
		    rx_cases[i].mut == m_tcp_sum ||
		    rx_cases[i].mut == m_closed_port ||
		    rx_cases[i].mut == m_syn_fin ||
		    rx_cases[i].mut == m_short_tcp ||
		    rx_cases[i].mut == m_tcp_off_small ||
		    rx_cases[i].mut == m_tcp_off_past ||
		    rx_cases[i].mut == m_port_zero ||
		    rx_cases[i].mut == m_syn_rst_ack ||
		    rx_cases[i].mut == m_dport_zero ||
		    rx_cases[i].mut == m_old_seq || rx_cases[i].mut == m_fin ||
		    rx_cases[i].mut == m_rst || rx_plain_variant(rx_cases[i].mut))
			assert_true(took); /* TCP decides these */
		else
			assert_false(took);
		harness_poll(h);
		harness_drain(h);
	}
}

/* IPv6 from the burst goes to ipv6_input as eth_input sends it. */
static void
test_net_rx_fast_ipv6_syn_as_eth_input(void **state)
{
	static struct rx_out o[2];

	for (int g = 0; g < 2; g++) {
		struct harness *h = tt_reopen(state, NULL);
		uint64_t st0[ST__COUNT];
		struct rte_mbuf *m[RX_OUT_MAX];
		uint8_t f[PKT_MAX];
		size_t n;

		memset(&o[g], 0, sizeof(o[g]));
		n = pkt6_tcp(f, &h->ifc.mac, pkt6_peer, pkt6_ours, 40001,
			     TT_PORT, 5000, 0, F_SYN, 65535, NULL, 0, NULL, 0);
		memcpy(st0, h->ctx->stats.v, sizeof(st0));
		harness_inject(h, f, n);
		if (g) {
			struct rte_mbuf *in = NULL;

			assert_int_equal(
				rte_ring_dequeue(h->rx, (void **)&in), 0);
			eth_input(h->ctx, in);
			st0[ST_rx_packets]--;
			st0[ST_rx_bytes] -= n;
		}
		harness_poll(h);
		for (int i = 0; i < ST__COUNT; i++)
			o[g].st[i] = h->ctx->stats.v[i] - st0[i];
		o[g].nout = harness_collect(h, m, RX_OUT_MAX);
		for (unsigned int i = 0; i < o[g].nout; i++) {
			o[g].out_len[i] = (uint16_t)rte_pktmbuf_data_len(m[i]);
			memcpy(o[g].out[i], rte_pktmbuf_mtod(m[i], void *),
			       o[g].out_len[i]);
			rte_pktmbuf_free(m[i]);
		}
		o[g].in_use = tcp_conn_count(h->ctx);
	}
	assert_int_equal(o[0].nout, 1); /* the SYN-ACK */
	rx_same("ipv6_syn", &o[0], &o[1]);
}

/* The request's mbuf with a second reference (a capture, a clone):
 * the frame path processes it and drops only its own reference; without
 * one the mbuf goes back to the pool. */
static void
test_net_rx_fast_frame4_frees_only_its_reference(void **state)
{
	int got[2] = { 0, 0 };

	for (int held = 0; held < 2; held++) {
		struct harness *h = tt_reopen(state, NULL);
		struct rte_mbuf *in = NULL;
		struct rte_mempool *mp;
		struct tt_peer p;
		struct tt_app *a;
		uint8_t f[PKT_MAX];
		unsigned int avail;
		size_t n;

		a = rx_connect(h, &p);
		n = rx_request(h, &p, f);
		harness_inject(h, f, n);
		assert_int_equal(rte_ring_dequeue(h->rx, (void **)&in), 0);
		if (held)
			rte_mbuf_refcnt_update(in, 1);
		mp = in->pool;
		avail = rte_mempool_avail_count(mp);
		assert_true(tcp_input_frame4(h->ctx, in));
		assert_int_equal(a->rx_len, 6);
		/* what the pool holds now, against before (the answer took
		 * one of the same pool in both runs) */
		got[held] = (int)rte_mempool_avail_count(mp) - (int)avail;
		if (held) {
			/* ours still: one reference, not in the pool */
			assert_int_equal(rte_mbuf_refcnt_read(in), 1);
			assert_int_equal(got[1], got[0] - 1);
			rte_pktmbuf_free(in);
			assert_int_equal((int)rte_mempool_avail_count(mp) -
						 (int)avail,
					 got[0]);
		}
		harness_poll(h);
		harness_drain(h);
	}
}

/* One request of p in the mbuf in, through tcp_input_frame4. */
static void
rx_request_in(struct harness *h, struct tt_peer *p, struct tt_app *a,
	      struct rte_mbuf *in)
{
	static struct tt_seg seg;
	uint32_t rx0 = a->rx_len;
	uint8_t f[PKT_MAX];
	size_t n;

	assert_non_null(in);
	n = rx_request(h, p, f);
	memcpy(rte_pktmbuf_append(in, (uint16_t)n), f, n);
	assert_true(tcp_input_frame4(h->ctx, in));
	assert_int_equal(a->rx_len, rx0 + 6);
	/* the echo answer out: the peer's next request acknowledges it */
	harness_poll(h);
	tt_one(h, &seg);
	assert_int_equal(seg.s.len, 6);
	p->snd_nxt += 6;
	p->rcv_nxt = seg.s.seq + (uint32_t)seg.s.len;
	p->ts_recent = seg.s.tsval;
	p->tsval++;
}

/*
 * Received mbufs go back to their own pool, whichever it is, through
 * this lcore's cache of it (tcp_rx_put), and a cache at its flush
 * threshold is flushed as rte_mempool_put does: another pool's mbuf
 * between two of the port's, then one into a full cache.
 */
static void
test_net_rx_fast_frame4_frees_to_its_pool(void **state)
{
	struct harness *h = tt_reopen(state, NULL);
	struct rte_mempool *mp2;
	struct rte_mempool_cache *cache;
	struct rte_mbuf *in;
	struct tt_peer p;
	struct tt_app *a;
	void *objs[RTE_MEMPOOL_CACHE_MAX_SIZE * 2];
	unsigned int avail, k = 0;

	mp2 = rte_pktmbuf_pool_create("rxfast_p2", 255, 32, 0,
				      RTE_MBUF_DEFAULT_BUF_SIZE,
				      (int)rte_socket_id());
	assert_non_null(mp2);
	a = rx_connect(h, &p);
	for (int i = 0; i < 3; i++) {
		struct rte_mempool *mp = i == 1 ? mp2 : h->pool;

		avail = rte_mempool_avail_count(mp2);
		rx_request_in(h, &p, a, rte_pktmbuf_alloc(mp));
		/* mp2's mbuf back in mp2; none of the others went there */
		assert_int_equal(rte_mempool_avail_count(mp2), avail);
	}
	assert_int_equal(rte_mempool_avail_count(mp2), 255);
	/* mp2 held now; its cache filled to the threshold from the ring */
	rx_request_in(h, &p, a, rte_pktmbuf_alloc(mp2));
	in = rte_pktmbuf_alloc(mp2);
	cache = rte_mempool_default_cache(mp2, rte_lcore_id());
	assert_non_null(cache);
	while (cache->len < cache->flushthresh) {
		assert_int_equal(rte_mempool_generic_get(mp2, &objs[k], 1,
							 NULL), 0);
		rte_mempool_generic_put(mp2, &objs[k], 1, cache);
		k++;
	}
	rx_request_in(h, &p, a, in);
	assert_int_equal(cache->len, 1); /* flushed, then the one put */
	assert_int_equal(rte_mempool_avail_count(mp2), 255);
	harness_drain(h);
	rte_mempool_free(mp2);
}

/*
 * A burst of more than one frame goes through tcp_input_burst (the
 * frame path inline in the loop). The frames, in order: the request
 * changed by mut, the same request plain, the next request changed by
 * mut, then plain, all in one poll; against each handed to eth_input
 * itself before that poll. The same counters, answers and bytes.
 */
#define RX_BURST 4

static void
rx_burst_run(void **state, rx_mut *mut, bool general, uint64_t ol,
	     struct rx_out *o)
{
	struct harness *h = tt_reopen(state, NULL);
	uint8_t f[RX_BURST][PKT_MAX];
	size_t n[RX_BURST];
	struct tt_peer p;
	struct tt_app *a;

	memset(o, 0, sizeof(*o));
	a = rx_connect(h, &p);
	for (int i = 0; i < RX_BURST; i += 2) {
		n[i] = rx_request(h, &p, f[i]);
		memcpy(f[i + 1], f[i], n[i]);
		n[i + 1] = n[i];
		mut(f[i], &n[i]);
		p.snd_nxt += 6;
	}
	rx_take_n(h, (const uint8_t (*)[PKT_MAX])f, n, RX_BURST, general, ol, o);
	o->rx_len = a->rx_len;
	memcpy(o->rx, a->rx, RTE_MIN(a->rx_len, sizeof(o->rx)));
	o->closed = a->closed;
	o->in_use = tcp_conn_count(h->ctx);
}

/* A source ipv4_input drops with a fault TCP would count: the burst
 * tests the source after the lookup (tcp_seg_src), so first. */
static void m_src_bcast_tcp_sum(uint8_t *f, size_t *n)
{
	m_src_broadcast(f, n);
	m_tcp_sum(f, n);
}
static void m_src_ours_off_small(uint8_t *f, size_t *n)
{
	m_src_ours(f, n);
	m_tcp_off_small(f, n);
}
static void m_src_loop_short_tcp(uint8_t *f, size_t *n)
{
	m_short_tcp(f, n);
	IPH(f)->src_addr = RTE_BE32(RTE_IPV4(127, 0, 0, 1));
	ip_resum(f);
}
static void m_src_zero_syn_fin(uint8_t *f, size_t *n)
{
	m_syn_fin(f, n);
	m_src_zero(f, n);
}

static const struct rx_case rx_burst_cases[] = {
	{ "src_bcast_tcp_sum", m_src_bcast_tcp_sum },
	{ "src_ours_off_small", m_src_ours_off_small },
	{ "src_loop_short_tcp", m_src_loop_short_tcp },
	{ "src_zero_syn_fin", m_src_zero_syn_fin },
};

static void
rx_burst_compare(void **state, const struct rx_case *c, uint64_t ol)
{
	static struct rx_out fast, gen;

	rx_burst_run(state, c->mut, false, ol, &fast);
	rx_burst_run(state, c->mut, true, ol, &gen);
	rx_same(c->name, &fast, &gen);
	if (c->mut == m_plain &&
	    !(ol & (RTE_MBUF_F_RX_IP_CKSUM_BAD | RTE_MBUF_F_RX_L4_CKSUM_BAD))) {
		/* both requests delivered once, the first two frames
		 * predicted (the copies are old: the general path) */
		assert_int_equal(fast.rx_len, 12);
		assert_int_equal(fast.st[ST_tcp_fast_path], 2);
		assert_int_equal(fast.st[ST_rx_packets], RX_BURST);
	}
}

static void
rx_burst_compare_all(void **state, uint64_t ol)
{
	for (size_t i = 0; i < RTE_DIM(rx_cases); i++)
		rx_burst_compare(state, &rx_cases[i], ol);
	for (size_t i = 0; i < RTE_DIM(rx_burst_cases); i++)
		rx_burst_compare(state, &rx_burst_cases[i], ol);
}

static void
test_net_rx_fast_burst_as_eth_input_software_sums(void **state)
{
	rx_burst_compare_all(state, 0);
}

static void
test_net_rx_fast_burst_as_eth_input_nic_verdicts(void **state)
{
	rx_burst_compare_all(state, RTE_MBUF_F_RX_IP_CKSUM_GOOD |
					    RTE_MBUF_F_RX_L4_CKSUM_GOOD);
	rx_burst_compare_all(state, RTE_MBUF_F_RX_IP_CKSUM_BAD |
					    RTE_MBUF_F_RX_L4_CKSUM_BAD);
}

/* To 0.0.0.0: the address of a netif without IPv4 (ip.address
 * "none"), which then must not take it for its own. */
static void m_dst_zero(uint8_t *f, size_t *n)
{
	IPH(f)->dst_addr = 0;
	ip_resum(f);
	tcp_resum(f);
}

/*
 * Without the lcore's TCP state (ctx->tcp NULL), or without IPv4
 * (ip.address "none": the netif's address 0), a burst takes its frames
 * as eth_input takes each: TCP's counted and dropped as tcp_input drops
 * them, or every IPv4 frame dropped as of an unknown type
 * (tcp_input_burst tests both once, then takes the frame path that tests
 * them per frame); every mbuf freed. The frames in d[0] (burst) and d[1]
 * (eth_input).
 */
static void
rx_burst_off(void **state, bool no_tcp, bool no_ip, uint64_t d[2][ST__COUNT])
{
	static rx_mut *const muts[] = { m_plain, m_syn_fin, m_udp, m_short_ip,
					m_src_broadcast, m_dst_zero, m_plain };

	for (int g = 0; g < 2; g++) {
		struct harness *h = tt_reopen(state, NULL);
		struct rte_mbuf *in[RTE_DIM(muts)];
		struct tcp_lcore *tl = h->ctx->tcp;
		uint32_t ip = h->ifc.ip;
		uint64_t st0[ST__COUNT], bytes = 0;
		unsigned int avail;

		assert_ptr_equal(h->ctx->ifc, &h->ifc);
		for (size_t i = 0; i < RTE_DIM(muts); i++) {
			uint8_t f[PKT_MAX];
			struct pkt_tcp t;
			size_t n;

			memset(&t, 0, sizeof(t));
			t.sport = (uint16_t)(RX_SPORT + i);
			t.dport = TT_PORT;
			t.win = 65535;
			t.flags = F_ACK | F_PSH;
			t.seq = 1;
			t.ack = 1;
			t.wscale = -1;
			t.data = "GET /a";
			t.len = 6;
			n = pkt_tcp(f, &h->ifc.mac, &t);
			muts[i](f, &n);
			harness_inject(h, f, n);
			bytes += n;
			assert_int_equal(
				rte_ring_dequeue(h->rx, (void **)&in[i]), 0);
		}
		memcpy(st0, h->ctx->stats.v, sizeof(st0));
		avail = rte_mempool_avail_count(h->pool);
		if (no_tcp)
			h->ctx->tcp = NULL;
		if (no_ip)
			h->ifc.ip = 0;
		if (g) {
			for (size_t i = 0; i < RTE_DIM(muts); i++)
				eth_input(h->ctx, in[i]);
		} else {
			eth_input_burst(h->ctx, in, RTE_DIM(muts));
		}
		h->ctx->tcp = tl;
		h->ifc.ip = ip;
		for (int i = 0; i < ST__COUNT; i++)
			d[g][i] = h->ctx->stats.v[i] - st0[i];
		if (g) {
			d[g][ST_rx_packets] += RTE_DIM(muts);
			d[g][ST_rx_bytes] += bytes;
		}
		assert_int_equal(rte_mempool_avail_count(h->pool),
				 avail + RTE_DIM(muts));
		harness_poll(h);
		harness_drain(h);
	}
	for (int i = 0; i < ST__COUNT; i++) {
		if (d[0][i] != d[1][i])
			print_error("counter %d: burst %lu, eth_input %lu\n", i,
				    (unsigned long)d[0][i],
				    (unsigned long)d[1][i]);
		assert_int_equal(d[0][i], d[1][i]);
	}
}

static void
test_net_rx_fast_burst_without_tcp_as_eth_input(void **state)
{
	static uint64_t d[2][ST__COUNT];

	rx_burst_off(state, true, false, d);
	assert_int_equal(d[0][ST_tcp_rx_segs], 3);
	assert_int_equal(d[0][ST_ipv4_drop_bad_src], 1);
}

static void
test_net_rx_fast_burst_without_ipv4_as_eth_input(void **state)
{
	static uint64_t d[2][ST__COUNT];

	rx_burst_off(state, false, true, d);
	assert_int_equal(d[0][ST_eth_drop_unknown_type], 7);
	assert_int_equal(d[0][ST_tcp_rx_segs], 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		TT_TEST(test_net_rx_fast_odd_frames_as_eth_input_software_sums),
		TT_TEST(test_net_rx_fast_odd_frames_as_eth_input_nic_verdicts),
		TT_TEST(test_net_rx_fast_frame4_leaves_odd_frames_untouched),
		TT_TEST(test_net_rx_fast_ipv6_syn_as_eth_input),
		TT_TEST(test_net_rx_fast_frame4_frees_only_its_reference),
		TT_TEST(test_net_rx_fast_frame4_frees_to_its_pool),
		TT_TEST(test_net_rx_fast_burst_as_eth_input_software_sums),
		TT_TEST(test_net_rx_fast_burst_as_eth_input_nic_verdicts),
		TT_TEST(test_net_rx_fast_burst_without_tcp_as_eth_input),
		TT_TEST(test_net_rx_fast_burst_without_ipv4_as_eth_input),
	};

	return TT_RUN(tests);
}
