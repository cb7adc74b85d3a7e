/* SPDX-License-Identifier: BSD-3-Clause */
/* test_cksum.c: our 32-bit-at-a-time checksum agrees with RFC 1071's. */
#include <stdlib.h>

#include <rte_ip.h>
#include <rte_tcp.h>

#include "harness.h"
#include "net/cksum.h"
#include "pkt.h"
#include "pkt6.h"

static void
test_cksum_matches_dpdk_raw_cksum_all_lengths_and_alignments(void **state)
{
	uint8_t buf[1600];

	srandom(7);
	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)random();
	for (size_t off = 0; off < 8; off++)
		for (size_t len = 0; len + off <= sizeof(buf); len += (len < 80 ? 1 : 37))
			assert_int_equal(cksum_fold(cksum_add(buf + off, len, 0)),
					 rte_raw_cksum(buf + off, len));
	/* All ones: the carries must wrap around. */
	memset(buf, 0xff, sizeof(buf));
	assert_int_equal(cksum_fold(cksum_add(buf, 1500, 0)),
			 rte_raw_cksum(buf, 1500));
}

static void
test_cksum_ipv4_l4_verifies_and_computes_tcp(void **state)
{
	uint8_t f[PKT_MAX];
	const char data[] = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
	struct pkt_tcp t = { .sport = 1234, .dport = 8080, .seq = 1, .ack = 2,
			     .flags = 0x18, .win = 100, .wscale = -1,
			     .data = data, .len = sizeof(data) - 1 };
	size_t n = pkt_tcp(f, &harness_peer_mac, &t);
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(f + 14);
	struct rte_tcp_hdr *th = (struct rte_tcp_hdr *)(ip + 1);
	uint16_t l4 = (uint16_t)(n - 14 - 20), want = th->cksum;

	assert_int_equal(cksum_ipv4_l4(ip, th, l4), 0);
	th->cksum = 0;
	th->cksum = cksum_ipv4_l4(ip, th, l4);
	assert_int_equal(th->cksum, want);
	th->cksum = 0;
	assert_int_equal(want, rte_ipv4_udptcp_cksum(ip, th));
	th->cksum = want;
	f[n - 1] ^= 1;
	assert_int_not_equal(cksum_ipv4_l4(ip, th, l4), 0);
}

/* The receive side's sums (cksum_add_rx, cksum_fold_rx) give what
 * cksum_add/cksum_fold give, at every length, alignment and start. */
static void
test_cksum_rx_matches_cksum_add_all_lengths_and_starts(void **state)
{
	static const uint64_t starts[] = { 0, 1, 0xffff, 0x3fffffffcull,
					   0xffffffffffffffffull };
	uint8_t buf[1600];

	srandom(11);
	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)random();
	for (size_t k = 0; k < sizeof(starts) / sizeof(starts[0]); k++)
		for (size_t off = 0; off < 8; off++)
			for (size_t len = 0; len + off <= sizeof(buf);
			     len += (len < 200 ? 1 : 37))
				assert_int_equal(
					cksum_fold_rx(cksum_add_rx(buf + off, len,
								   starts[k])),
					cksum_fold(cksum_add(buf + off, len,
							     starts[k])));
	memset(buf, 0xff, sizeof(buf));
	assert_int_equal(cksum_fold_rx(cksum_add_rx(buf, 1500, 0)),
			 rte_raw_cksum(buf, 1500));
	assert_int_equal(cksum_fold_rx(0), 0);
}

/* The 20-byte header check agrees with rte_raw_cksum's verdict, for
 * right and wrong checksums alike. */
static void
test_cksum_ipv4_hdr20_ok_matches_raw_cksum(void **state)
{
	uint8_t h[20];

	srandom(13);
	for (int i = 0; i < 20000; i++) {
		for (size_t j = 0; j < sizeof(h); j++)
			h[j] = (uint8_t)random();
		if (i % 4 == 0)
			memset(h, i % 8 == 0 ? 0xff : 0, sizeof(h));
		if (i % 2) { /* a right checksum */
			uint16_t c;

			h[10] = h[11] = 0;
			c = (uint16_t)~rte_raw_cksum(h, sizeof(h));
			memcpy(h + 10, &c, 2);
		}
		assert_int_equal(cksum_ipv4_hdr20_ok(h),
				 rte_raw_cksum(h, sizeof(h)) == 0xffff);
	}
}

/* cksum_ipv4_l4_rx verifies as cksum_ipv4_l4, the TCP header right
 * behind the IPv4 header (one run) or elsewhere. */
static void
test_cksum_ipv4_l4_rx_verifies_tcp(void **state)
{
	uint8_t f[PKT_MAX], copy[PKT_MAX];
	const char data[] = "POST /event HTTP/1.1\r\nHost: x\r\n\r\n{}";
	struct pkt_tcp t = { .sport = 1234, .dport = 8080, .seq = 1, .ack = 2,
			     .flags = 0x18, .win = 100, .wscale = -1,
			     .data = data, .len = sizeof(data) - 1 };

	for (uint32_t len = 0; len < sizeof(data); len++) {
		size_t n;
		struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(f + 14);
		struct rte_tcp_hdr *th = (struct rte_tcp_hdr *)(ip + 1);
		uint16_t l4;

		t.len = len;
		n = pkt_tcp(f, &harness_peer_mac, &t);
		l4 = (uint16_t)(n - 14 - 20);
		memcpy(copy + 1, th, l4);
		assert_int_equal(cksum_ipv4_l4_rx(ip, th, l4), 0);
		assert_int_equal(cksum_ipv4_l4_rx(ip, copy + 1, l4), 0);
		f[n - 1] ^= 0x40;
		copy[l4] ^= 0x40;
		assert_int_equal(cksum_ipv4_l4_rx(ip, th, l4),
				 cksum_ipv4_l4(ip, th, l4));
		assert_int_not_equal(cksum_ipv4_l4_rx(ip, th, l4), 0);
		assert_int_not_equal(cksum_ipv4_l4_rx(ip, copy + 1, l4), 0);
	}
}

/* cksum_ipv6_l4_rx verifies what pkt6_l4_cksum (an independent RFC 1071
 * sum over the pseudo-header laid out in bytes) computed, the TCP
 * header right behind the IPv6 header (one run) or elsewhere (behind an
 * extension header), at every length and with random addresses; a
 * changed byte anywhere (payload or address) is seen. */
static void
test_cksum_ipv6_l4_rx_verifies_tcp(void **state)
{
	uint8_t f[PKT_MAX], copy[PKT_MAX], src[16], dst[16], data[300];

	srandom(17);
	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)random();
	for (uint32_t len = 0; len < sizeof(data); len++) {
		struct rte_ipv6_hdr *ip = (struct rte_ipv6_hdr *)(f + 14);
		struct rte_tcp_hdr *th = (struct rte_tcp_hdr *)(ip + 1);
		uint16_t l4;
		size_t n;

		for (size_t i = 0; i < 16; i++) {
			src[i] = (uint8_t)random();
			dst[i] = (uint8_t)random();
		}
		if (len % 7 == 0) /* all ones: the carries wrap around */
			memset(src, 0xff, 16);
		n = pkt6_tcp(f, &harness_peer_mac, src, dst, 40000, 8080,
			     (uint32_t)random(), (uint32_t)random(), 0x18,
			     0xffff, NULL, 0, data, len);
		l4 = (uint16_t)(n - 14 - 40);
		assert_int_equal(pkt6_l4_cksum(src, dst, 6, th, l4), 0);
		memcpy(copy + 1, th, l4);
		assert_int_equal(cksum_ipv6_l4_rx(ip, 6, th, l4), 0);
		assert_int_equal(cksum_ipv6_l4_rx(ip, 6, copy + 1, l4), 0);
		/* the wrong length or next header in the pseudo-header */
		assert_int_not_equal(cksum_ipv6_l4_rx(ip, 17, th, l4), 0);
		f[n - 1] ^= 0x40;
		copy[l4] ^= 0x40;
		/* pkt6_l4_cksum's value is a number, ours in wire order */
		assert_int_equal(cksum_ipv6_l4_rx(ip, 6, th, l4),
				 rte_cpu_to_be_16(pkt6_l4_cksum(src, dst, 6, th,
								l4)));
		assert_int_not_equal(cksum_ipv6_l4_rx(ip, 6, th, l4), 0);
		assert_int_not_equal(cksum_ipv6_l4_rx(ip, 6, copy + 1, l4), 0);
		f[n - 1] ^= 0x40;
		copy[l4] ^= 0x40;
		ip->dst_addr[len % 16] ^= 0x02;
		assert_int_not_equal(cksum_ipv6_l4_rx(ip, 6, th, l4), 0);
		assert_int_not_equal(cksum_ipv6_l4_rx(ip, 6, copy + 1, l4), 0);
	}
}

/* cksum_add_addr6 of two addresses' four 64-bit words gives what
 * rte_raw_cksum gives over their 32 bytes and a starting sum, for any
 * start (the end-around carries). */
static void
test_cksum_add_addr6_matches_raw_cksum(void **state)
{
	static const uint64_t starts[] = { 0, 1, 0xffff, 0x3fffffffcull,
					   0xffffffffffffffffull };
	uint8_t a[32 + 2];
	uint64_t w[4];

	srandom(19);
	for (int i = 0; i < 20000; i++) {
		uint64_t s0 = starts[i % 5], sum;
		uint16_t start16;

		for (size_t j = 0; j < 32; j++)
			a[j] = (uint8_t)random();
		if (i % 3 == 0)
			memset(a, 0xff, 32);
		if (i % 11 == 0)
			memset(a, 0, 32);
		memcpy(w, a, 32);
		sum = cksum_add_addr6(s0, w[0], w[1], w[2], w[3]);
		/* the start as one more 16-bit word of the raw sum */
		start16 = cksum_fold(s0);
		memcpy(a + 32, &start16, 2);
		assert_int_equal(cksum_fold(sum), rte_raw_cksum(a, 34));
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cksum_matches_dpdk_raw_cksum_all_lengths_and_alignments),
		cmocka_unit_test(test_cksum_ipv4_l4_verifies_and_computes_tcp),
		cmocka_unit_test(test_cksum_rx_matches_cksum_add_all_lengths_and_starts),
		cmocka_unit_test(test_cksum_ipv4_hdr20_ok_matches_raw_cksum),
		cmocka_unit_test(test_cksum_ipv4_l4_rx_verifies_tcp),
		cmocka_unit_test(test_cksum_ipv6_l4_rx_verifies_tcp),
		cmocka_unit_test(test_cksum_add_addr6_matches_raw_cksum),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
