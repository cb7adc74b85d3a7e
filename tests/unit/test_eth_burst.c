/* SPDX-License-Identifier: BSD-3-Clause */
/* test_eth_burst.c: the lcore input hook (eth_input_burst): its own MAC
 * test on the decided path matches eth_input's byte for byte, and it
 * counts every frame of a burst (rx_packets, rx_bytes) once. */
#include <string.h>

#include <rte_ip.h>
#include <rte_tcp.h>

#include "harness.h"
#include "pkt.h"

/* A SYN from the peer to port 80 (no listener: refused and counted). */
static size_t
syn_frame(uint8_t *f, const struct rte_ether_addr *dst)
{
	struct pkt_tcp t;

	memset(&t, 0, sizeof(t));
	t.sport = 40000;
	t.dport = 80;
	t.seq = 1000;
	t.flags = RTE_TCP_SYN_FLAG;
	t.win = 65535;
	t.wscale = -1;
	return pkt_tcp(f, dst, &t);
}

/* An IPv4 TCP frame whose destination differs from our MAC in any one
 * byte is not ours (eth_drop_not_for_us, TCP never sees it); one to our
 * MAC is TCP's whatever the two bytes after the address (the source's
 * first two) hold. */
static void
test_eth_burst_mac_each_byte_decides(void **state)
{
	struct harness *h = *state;
	uint8_t f[PKT_MAX];
	size_t n;

	for (unsigned int i = 0; i < RTE_ETHER_ADDR_LEN; i++) {
		for (unsigned int bit = 0; bit < 8; bit += 7) {
			struct rte_ether_addr d = h->ifc.mac;

			d.addr_bytes[i] ^= (uint8_t)(1u << bit);
			n = syn_frame(f, &d);
			harness_feed(h, f, n);
		}
	}
	assert_int_equal(HSTAT(h, eth_drop_not_for_us),
			 2 * RTE_ETHER_ADDR_LEN);
	assert_int_equal(HSTAT(h, tcp_rx_segs), 0);
	harness_assert_nothing_sent(h);
	n = syn_frame(f, &h->ifc.mac);
	f[6] = 0xff;
	f[7] = 0xfe;
	harness_feed(h, f, n);
	assert_int_equal(HSTAT(h, eth_drop_not_for_us),
			 2 * RTE_ETHER_ADDR_LEN);
	assert_int_equal(HSTAT(h, tcp_rx_segs), 1);
	assert_int_equal(HSTAT(h, tcp_drop_no_listener), 1);
	harness_drain(h);
}

/* Bursts of frames of different lengths and kinds (TCP, ICMP, foreign,
 * short): each frame counted once in rx_packets and its length in
 * rx_bytes, in the burst that carried it. */
static void
test_eth_burst_counts_each_frame_once(void **state)
{
	struct harness *h = *state;
	struct rte_ether_addr other = { { 0x02, 9, 9, 9, 9, 9 } };
	uint8_t f[PKT_MAX];
	uint64_t bytes = 0, first = 0;
	size_t n;

	for (int i = 0; i < 40; i++) {
		switch (i % 4) {
		case 0:
			n = syn_frame(f, &h->ifc.mac);
			break;
		case 1:
			n = pkt_icmp_echo(f, &h->ifc.mac, HARNESS_PEER_IP,
					  HARNESS_OUR_IP, 1, (uint16_t)i,
					  "abcdefgh", (size_t)(i % 8));
			break;
		case 2:
			n = syn_frame(f, &other);
			break;
		default:
			n = (size_t)(6 + i % 8); /* short */
			break;
		}
		harness_inject(h, f, n);
		bytes += n;
		if (i == 31)
			first = bytes;
	}
	assert_int_equal(harness_poll(h), 32);
	assert_int_equal(HSTAT(h, rx_packets), 32);
	assert_int_equal(HSTAT(h, rx_bytes), first);
	assert_int_equal(harness_poll(h), 8);
	assert_int_equal(HSTAT(h, rx_packets), 40);
	assert_int_equal(HSTAT(h, rx_bytes), bytes);
	assert_int_equal(harness_poll(h), 0);
	assert_int_equal(HSTAT(h, rx_packets), 40);
	assert_int_equal(HSTAT(h, eth_drop_short), 10);
	assert_int_equal(HSTAT(h, eth_drop_not_for_us), 10);
	assert_int_equal(HSTAT(h, tcp_drop_no_listener), 10);
	harness_drain(h);
}

static int
setup(void **state)
{
	*state = harness_create(NULL);
	return 0;
}

static int
teardown(void **state)
{
	harness_destroy(*state);
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
		T(test_eth_burst_mac_each_byte_decides),
		T(test_eth_burst_counts_each_frame_once),
#undef T
	};

	harness_eal_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
