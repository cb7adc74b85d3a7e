/* SPDX-License-Identifier: BSD-3-Clause */
/* test_tcp_ipv6.c: TCP over IPv6: handshake, data, RST, SYN cookies, sums. */
#include <string.h>

#include <rte_ethdev.h>
#include <rte_ip.h>

#include "harness.h"
#include "net/tcp.h"
#include "net/tcp_priv.h"
#include "pkt.h"
#include "pkt6.h"
#include "tcp_test.h"

#define PEER_PORT 40000
#define SEQ0 1000u

static void
send6(struct harness *h, uint32_t seq, uint32_t ack, uint8_t flags,
      uint16_t dport, const void *opts, size_t optlen, const void *data,
      size_t len)
{
	uint8_t f[PKT_MAX];
	size_t n = pkt6_tcp(f, &h->ifc.mac, pkt6_peer, pkt6_ours, PEER_PORT,
			    dport, seq, ack, flags, 65535, opts, optlen, data,
			    len);

	harness_feed(h, f, n);
}

/* MSS 1460 asked, as a peer on a 1500-byte Ethernet would. */
static const uint8_t syn_opts[4] = { 2, 4, 0x05, 0xb4 };

/* SYN, SYN-ACK, ACK: returns the stack's ISN. */
static uint32_t
open6(struct harness *h)
{
	struct pkt6_tcp_seen s;

	send6(h, SEQ0, 0, F_SYN, TT_PORT, syn_opts, sizeof(syn_opts), NULL, 0);
	pkt6_one_tcp(h, &s);
	assert_int_equal(s.flags, F_SYN | F_ACK);
	assert_int_equal(s.ack, SEQ0 + 1);
	assert_true(s.cksum_ok);
	send6(h, SEQ0 + 1, s.seq + 1, F_ACK, TT_PORT, NULL, 0, NULL, 0);
	assert_int_equal(tt_state_count(h, TCP_ESTABLISHED), 1);
	return s.seq;
}

static void
test_tcp_ipv6_handshake_from_our_address(void **state)
{
	struct harness *h = *state;
	struct pkt6_tcp_seen s;

	send6(h, SEQ0, 0, F_SYN, TT_PORT, syn_opts, sizeof(syn_opts), NULL, 0);
	pkt6_one_tcp(h, &s);
	assert_memory_equal(s.src, pkt6_ours, 16);
	assert_memory_equal(s.dst, pkt6_peer, 16);
	assert_int_equal(s.hop_limit, 64);
	assert_int_equal(s.sport, TT_PORT);
	assert_int_equal(s.dport, PEER_PORT);
	assert_int_equal(s.flags, F_SYN | F_ACK);
	assert_int_equal(s.ack, SEQ0 + 1);
	assert_true(s.cksum_ok);
	/* The IPv6 header is 20 bytes longer than IPv4's: 1500 - 60. */
	assert_int_equal(s.mss, 1440);
	send6(h, SEQ0 + 1, s.seq + 1, F_ACK, TT_PORT, NULL, 0, NULL, 0);
	assert_int_equal(tt_state_count(h, TCP_ESTABLISHED), 1);
	assert_true(tt_apps[0].used);
	assert_int_equal(HSTAT(h, ip6_drop_tcp), 0);
}

static void
test_tcp_ipv6_data_both_ways(void **state)
{
	struct harness *h = *state;
	static const char req[] = "hello over ipv6";
	struct pkt6_tcp_seen s;
	uint32_t iss;

	tt_policy.action = TT_RESPOND;
	tt_policy.resp_len = 1000;
	iss = open6(h);
	send6(h, SEQ0 + 1, iss + 1, F_ACK | F_PSH, TT_PORT, NULL, 0, req,
	      sizeof(req) - 1);
	assert_int_equal(tt_apps[0].rx_len, sizeof(req) - 1);
	assert_memory_equal(tt_apps[0].rx, req, sizeof(req) - 1);
	pkt6_one_tcp(h, &s);
	assert_int_equal(s.seq, iss + 1);
	assert_int_equal(s.ack, SEQ0 + sizeof(req));
	assert_int_equal(s.len, 1000);
	for (uint32_t i = 0; i < s.len; i++)
		assert_int_equal(s.data[i], tt_byte(i));
	assert_true(s.cksum_ok);
	/* The peer acknowledges and closes; the stack closes too. */
	send6(h, SEQ0 + sizeof(req), iss + 1 + 1000, F_ACK | F_FIN, TT_PORT,
	      NULL, 0, NULL, 0);
	assert_true(tt_apps[0].peer_fin);
	tcp_close(h->ctx, tt_apps[0].c);
	harness_poll(h);
	harness_drain(h);
}

static void
test_tcp_ipv6_same_ports_v4_and_v6_are_two_connections(void **state)
{
	struct harness *h = *state;
	struct tt_peer p4;
	struct tt_seg syn4;

	open6(h);
	tt_peer_init(&p4, h, PEER_PORT);
	tt_syn(&p4, &syn4);
	tt_send_ack(&p4);
	assert_int_equal(tt_state_count(h, TCP_ESTABLISHED), 2);
	assert_true(tt_apps[0].c != tt_apps[1].c);
	{
		uint8_t a[16];

		assert_true(tcp_conn_peer6(tt_apps[0].c, a));
		assert_memory_equal(a, pkt6_peer, 16);
		assert_false(tcp_conn_peer6(tt_apps[1].c, a));
		assert_int_equal(tcp_conn_local_port(tt_apps[0].c),
				 rte_cpu_to_be_16(TT_PORT));
	}
}

static void
test_tcp_ipv6_closed_port_gets_rst(void **state)
{
	struct harness *h = *state;
	struct pkt6_tcp_seen s;

	send6(h, SEQ0, 0, F_SYN, 9999, NULL, 0, NULL, 0);
	pkt6_one_tcp(h, &s);
	assert_int_equal(s.flags, F_RST | F_ACK);
	assert_int_equal(s.seq, 0);
	assert_int_equal(s.ack, SEQ0 + 1);
	assert_int_equal(s.sport, 9999);
	assert_memory_equal(s.src, pkt6_ours, 16);
	assert_true(s.cksum_ok);
	assert_int_equal(HSTAT(h, tcp_rst_tx), 1);
	assert_int_equal(HSTAT(h, ip6_drop_tcp), 0);
	/* An ACK to nothing: <SEQ=SEG.ACK><CTL=RST>. */
	send6(h, SEQ0, 777, F_ACK, 9999, NULL, 0, NULL, 0);
	pkt6_one_tcp(h, &s);
	assert_int_equal(s.flags, F_RST);
	assert_int_equal(s.seq, 777);
	assert_true(s.cksum_ok);
}

static void
test_tcp_ipv6_syncookie_round_trip(void **state)
{
	struct harness *h = tt_reopen(state, tt_tweak_syncookies_on);
	struct pkt6_tcp_seen s;

	send6(h, SEQ0, 0, F_SYN, TT_PORT, syn_opts, sizeof(syn_opts), NULL, 0);
	pkt6_one_tcp(h, &s);
	assert_int_equal(s.flags, F_SYN | F_ACK);
	assert_true(s.cksum_ok);
	assert_int_equal(s.mss, 1440);
	assert_int_equal(HSTAT(h, tcp_syncookie_tx), 1);
	assert_int_equal(tt_state_count(h, TCP_SYN_RECEIVED), 0);
	/* A wrong cookie: reset, no state. */
	send6(h, SEQ0 + 1, s.seq + 2, F_ACK, TT_PORT, NULL, 0, NULL, 0);
	assert_int_equal(HSTAT(h, tcp_syncookie_bad), 1);
	harness_drain(h);
	send6(h, SEQ0 + 1, s.seq + 1, F_ACK, TT_PORT, NULL, 0, NULL, 0);
	assert_int_equal(HSTAT(h, tcp_syncookie_ok), 1);
	assert_int_equal(tt_state_count(h, TCP_ESTABLISHED), 1);
}

/* With TX checksum offload the frame carries the pseudo-header sum and
 * asks the NIC (IPv6, TCP); "the NIC" then gets the same sum as software. */
static void
test_tcp_ipv6_checksum_offload_request(void **state)
{
	struct harness *h = *state;
	struct pkt6_tcp_seen s;
	uint8_t ph[40] = { 0 };
	uint16_t want;

	tt_policy.action = TT_RESPOND;
	tt_policy.resp_len = 300;
	h->ifc.tx_offloads |= RTE_ETH_TX_OFFLOAD_TCP_CKSUM;
	send6(h, SEQ0, 0, F_SYN, TT_PORT, syn_opts, sizeof(syn_opts), NULL, 0);
	pkt6_one_tcp(h, &s);
	assert_true(s.ol_flags & RTE_MBUF_F_TX_IPV6);
	assert_true(s.ol_flags & RTE_MBUF_F_TX_TCP_CKSUM);
	assert_false(s.cksum_ok);
	/* The field holds the pseudo-header sum (length 24: 20 + MSS). */
	memcpy(ph, pkt6_ours, 16);
	memcpy(ph + 16, pkt6_peer, 16);
	ph[35] = 24;
	ph[39] = 6;
	want = (uint16_t)~pkt_cksum(ph, sizeof(ph));
	assert_int_equal(s.cksum, want);
	send6(h, SEQ0 + 1, s.seq + 1, F_ACK, TT_PORT, NULL, 0, NULL, 0);
	send6(h, SEQ0 + 1, s.seq + 1, F_ACK | F_PSH, TT_PORT, NULL, 0, "x", 1);
	pkt6_one_tcp(h, &s);
	assert_int_equal(s.len, 300);
	assert_true(s.ol_flags & RTE_MBUF_F_TX_TCP_CKSUM);
	ph[34] = (uint8_t)((20 + 300) >> 8);
	ph[35] = (uint8_t)(20 + 300);
	assert_int_equal(s.cksum, (uint16_t)~pkt_cksum(ph, sizeof(ph)));
	/* Software again: the whole sum, right (the ACK of a FIN). */
	h->ifc.tx_offloads &= ~RTE_ETH_TX_OFFLOAD_TCP_CKSUM;
	send6(h, SEQ0 + 2, s.seq + 300, F_ACK | F_FIN, TT_PORT, NULL, 0, NULL, 0);
	pkt6_one_tcp(h, &s);
	assert_true(s.cksum_ok);
	assert_int_equal(s.flags & F_ACK, F_ACK);
	assert_false(s.ol_flags & RTE_MBUF_F_TX_TCP_CKSUM);
	tcp_close(h->ctx, tt_apps[0].c);
	harness_poll(h);
	harness_drain(h);
}

/* A packet too big quoting a segment in flight: the connection's MSS
 * drops to 1280 - 60 and what was in flight goes again that small. */
static void
test_tcp_ipv6_packet_too_big_lowers_the_mss(void **state)
{
	struct harness *h = *state;
	struct rte_mbuf *m[8];
	uint8_t f[PKT_MAX], quote[40 + 48];
	struct pkt6_tcp_seen s;
	unsigned int n;
	uint32_t iss;

	tt_policy.action = TT_RESPOND;
	tt_policy.resp_len = 3000;
	iss = open6(h);
	send6(h, SEQ0 + 1, iss + 1, F_ACK | F_PSH, TT_PORT, NULL, 0, "x", 1);
	n = harness_collect(h, m, 8);
	assert_int_equal(n, 3); /* 1440 + 1440 + 120 */
	memcpy(quote, rte_pktmbuf_mtod_offset(m[0], uint8_t *, 14), sizeof(quote));
	for (unsigned int i = 0; i < n; i++)
		rte_pktmbuf_free(m[i]);
	harness_feed(h, f, pkt6_icmp(f, &h->ifc.mac, pkt6_peer, pkt6_ours, 64,
				     2, 0, 1280, quote, sizeof(quote)));
	assert_int_equal(HSTAT(h, tcp_pmtu_lowered), 1);
	n = harness_collect(h, m, 8);
	assert_int_equal(n, 3); /* 1220 + 1220 + 560 */
	for (unsigned int i = 0, want = iss + 1; i < n; i++) {
		pkt6_parse_tcp(m[i], &s);
		assert_int_equal(s.seq, want);
		assert_int_equal(s.len, i < 2 ? 1280 - 60 : 3000 - 2 * 1220);
		assert_true(s.cksum_ok);
		want += (uint32_t)s.len;
	}
}

/* Echoed answers with timestamps over IPv6 (the one-pass frame of a
 * connection with timestamps): every answer's checksum is right by an
 * independent sum (pkt6_l4_cksum), or with checksum offload the field
 * holds the pseudo-header's sum (RFC 8200 §8.1), request after request
 * on one connection, at many lengths. */
static void
test_tcp_ipv6_timestamped_answers_sum_right(void **state)
{
	struct harness *h = *state;
	uint8_t syn_ts[16] = { 2, 4, 0x05, 0xb4, 1, 1, 8, 10, 0, 0, 0, 7 };
	uint8_t ts[12] = { 1, 1, 8, 10 };
	struct pkt6_tcp_seen s;
	uint8_t req[200], ph[40] = { 0 };
	uint32_t iss, seq = SEQ0 + 1, tsval = 7;

	tt_policy.action = TT_ECHO;
	send6(h, SEQ0, 0, F_SYN, TT_PORT, syn_ts, sizeof(syn_ts), NULL, 0);
	pkt6_one_tcp(h, &s);
	assert_int_equal(s.flags, F_SYN | F_ACK);
	assert_true(s.has_ts);
	assert_true(s.cksum_ok);
	iss = s.seq;
	memcpy(ph, pkt6_ours, 16);
	memcpy(ph + 16, pkt6_peer, 16);
	ph[39] = 6;
	for (uint32_t len = 1; len <= sizeof(req); len += 13) {
		bool offload = (len / 13) % 2;

		if (offload)
			h->ifc.tx_offloads |= RTE_ETH_TX_OFFLOAD_TCP_CKSUM;
		else
			h->ifc.tx_offloads &= ~RTE_ETH_TX_OFFLOAD_TCP_CKSUM;
		for (uint32_t i = 0; i < len; i++)
			req[i] = (uint8_t)(len + i * 7);
		tsval++;
		ts[4] = (uint8_t)(tsval >> 24);
		ts[5] = (uint8_t)(tsval >> 16);
		ts[6] = (uint8_t)(tsval >> 8);
		ts[7] = (uint8_t)tsval;
		memset(ts + 8, 0, 4);
		send6(h, seq, iss + 1 + (seq - SEQ0 - 1), F_ACK | F_PSH, TT_PORT,
		      ts, sizeof(ts), req, len);
		pkt6_one_tcp(h, &s);
		assert_int_equal(s.seq, iss + 1 + (seq - SEQ0 - 1));
		assert_int_equal(s.ack, seq + len);
		assert_int_equal(s.flags, F_ACK | F_PSH);
		assert_int_equal(s.len, len);
		assert_memory_equal(s.data, req, len);
		assert_true(s.has_ts);
		assert_memory_equal(s.src, pkt6_ours, 16);
		assert_memory_equal(s.dst, pkt6_peer, 16);
		assert_int_equal(s.hop_limit, 64);
		if (offload) {
			assert_true(s.ol_flags & RTE_MBUF_F_TX_IPV6);
			assert_true(s.ol_flags & RTE_MBUF_F_TX_TCP_CKSUM);
			ph[34] = (uint8_t)((32 + len) >> 8);
			ph[35] = (uint8_t)(32 + len);
			assert_int_equal(s.cksum,
					 (uint16_t)~pkt_cksum(ph, sizeof(ph)));
		} else {
			assert_false(s.ol_flags & RTE_MBUF_F_TX_TCP_CKSUM);
			assert_true(s.cksum_ok);
		}
		seq += len;
	}
	h->ifc.tx_offloads &= ~RTE_ETH_TX_OFFLOAD_TCP_CKSUM;
	tcp_close(h->ctx, tt_apps[0].c);
	harness_poll(h);
	harness_drain(h);
}

/* A segment from the peer's port sport with the timestamps option
 * (tsval, no echo), queued on the RX ring (poll it to take it). */
static void
inject6_ts(struct harness *h, uint16_t sport, uint32_t seq, uint32_t ack,
	   uint8_t flags, uint32_t tsval, const void *data, size_t len)
{
	uint8_t ts[12] = { 1, 1, 8, 10, (uint8_t)(tsval >> 24),
			   (uint8_t)(tsval >> 16), (uint8_t)(tsval >> 8),
			   (uint8_t)tsval };
	uint8_t f[PKT_MAX];
	size_t n = pkt6_tcp(f, &h->ifc.mac, pkt6_peer, pkt6_ours, sport,
			    TT_PORT, seq, ack, flags, 65535, ts, sizeof(ts),
			    data, len);

	harness_inject(h, f, n);
}

#define L6_CONNS 3

/*
 * The answers of two IPv6 connections asked in one burst leave through
 * the output list's inline IPv6 frame (tcp_output_list), a third's,
 * asked alone, through tcp_output: the same segments (sequence numbers
 * from each ISN, ACK, flags, timestamps, payload), each checksum right
 * (or the pseudo-header's sum with checksum offload), and the same
 * connection state after.
 */
static void
test_tcp_ipv6_output_list_equals_one_by_one(void **state)
{
	struct harness *h = *state;
	uint8_t syn_ts[16] = { 2, 4, 0x05, 0xb4, 1, 1, 8, 10, 0, 0, 0, 7 };
	static const char *const req[] = { "one", "second request", "3!" };
	uint32_t iss[L6_CONNS], seq = SEQ0 + 1, sent = 0;
	struct tcp_conn *c[L6_CONNS];
	struct pkt6_tcp_seen s;

	tt_policy.action = TT_ECHO_RESERVE;
	for (unsigned int k = 0; k < L6_CONNS; k++) {
		uint16_t sport = (uint16_t)(PEER_PORT + 10 + k);
		uint8_t f[PKT_MAX];
		size_t n = pkt6_tcp(f, &h->ifc.mac, pkt6_peer, pkt6_ours,
				    sport, TT_PORT, SEQ0, 0, F_SYN, 65535,
				    syn_ts, sizeof(syn_ts), NULL, 0);

		harness_feed(h, f, n);
		pkt6_one_tcp(h, &s);
		assert_int_equal(s.flags, F_SYN | F_ACK);
		iss[k] = s.seq;
		inject6_ts(h, sport, SEQ0 + 1, iss[k] + 1, F_ACK, 8, NULL, 0);
		harness_poll(h);
		c[k] = tt_apps[k].c;
		assert_non_null(c[k]);
	}
	for (unsigned int r = 0; r < RTE_DIM(req); r++) {
		uint32_t len = (uint32_t)strlen(req[r]);
		struct pkt6_tcp_seen a[L6_CONNS];
		struct rte_mbuf *m[4];

		if (r & 1)
			h->ifc.tx_offloads |= RTE_ETH_TX_OFFLOAD_TCP_CKSUM;
		else
			h->ifc.tx_offloads &= ~RTE_ETH_TX_OFFLOAD_TCP_CKSUM;
		/* 0 and 1 in one burst: the list; 2 alone: tcp_output */
		for (unsigned int k = 0; k < 2; k++)
			inject6_ts(h, (uint16_t)(PEER_PORT + 10 + k), seq,
				   iss[k] + 1 + sent, F_ACK | F_PSH, 9 + r,
				   req[r], len);
		assert_int_equal(harness_poll(h), 2);
		assert_int_equal(harness_collect(h, m, 4), 2);
		for (unsigned int i = 0; i < 2; i++) {
			pkt6_parse_tcp(m[i], &s);
			a[s.dport - PEER_PORT - 10] = s;
		}
		inject6_ts(h, PEER_PORT + 12, seq, iss[2] + 1 + sent,
			   F_ACK | F_PSH, 9 + r, req[r], len);
		assert_int_equal(harness_poll(h), 1);
		pkt6_one_tcp(h, &a[2]);
		for (unsigned int k = 0; k < L6_CONNS; k++) {
			assert_int_equal(a[k].dport, PEER_PORT + 10 + k);
			assert_int_equal(a[k].seq - iss[k], 1 + sent);
			assert_int_equal(a[k].ack, seq + len);
			assert_int_equal(a[k].flags, F_ACK | F_PSH);
			assert_int_equal(a[k].len, len);
			assert_memory_equal(a[k].data, req[r], len);
			assert_true(a[k].has_ts);
			/* our clock, each connection's offset apart */
			assert_int_equal(a[k].tsval - c[k]->ts_off,
					 a[2].tsval - c[2]->ts_off);
			assert_int_equal(a[k].hop_limit, 64);
			assert_int_equal(a[k].ol_flags, a[2].ol_flags);
			if (r & 1)
				assert_true(a[k].ol_flags &
					    RTE_MBUF_F_TX_TCP_CKSUM);
			else
				assert_true(a[k].cksum_ok);
			assert_int_equal(c[k]->snd_nxt - iss[k], 1 + sent + len);
			assert_int_equal(c[k]->snd_max, c[k]->snd_nxt);
			assert_int_equal(c[k]->flags & ~TCF_PENDING,
					 c[2]->flags & ~TCF_PENDING);
			assert_int_equal(c[k]->timer_kind, c[2]->timer_kind);
			assert_int_equal(c[k]->rtt_seq - iss[k],
					 c[2]->rtt_seq - iss[2]);
			assert_int_equal(c[k]->rcv_unacked, 0);
		}
		/* offloaded: the pseudo-header's sum (no ports), the same */
		if (r & 1)
			for (unsigned int k = 0; k < 2; k++)
				assert_int_equal(a[k].cksum, a[2].cksum);
		seq += len;
		sent += len;
	}
	h->ifc.tx_offloads &= ~RTE_ETH_TX_OFFLOAD_TCP_CKSUM;
	for (unsigned int k = 0; k < L6_CONNS; k++)
		tcp_abort(h->ctx, c[k]);
	harness_poll(h);
	harness_drain(h);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		TT_TEST(test_tcp_ipv6_handshake_from_our_address),
		TT_TEST(test_tcp_ipv6_output_list_equals_one_by_one),
		TT_TEST(test_tcp_ipv6_data_both_ways),
		TT_TEST(test_tcp_ipv6_same_ports_v4_and_v6_are_two_connections),
		TT_TEST(test_tcp_ipv6_closed_port_gets_rst),
		TT_TEST(test_tcp_ipv6_syncookie_round_trip),
		TT_TEST(test_tcp_ipv6_checksum_offload_request),
		TT_TEST(test_tcp_ipv6_packet_too_big_lowers_the_mss),
		TT_TEST(test_tcp_ipv6_timestamped_answers_sum_right),
	};

	TT_RUN(tests);
}
