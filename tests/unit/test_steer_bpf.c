/* SPDX-License-Identifier: BSD-3-Clause */
/* test_steer_bpf.c: bpf/steer.bpf.c on synthetic frames (BPF_PROG_TEST_RUN), and lib/steer. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <linux/if_link.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>

#include <jansson.h>

#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_tcp.h>

#include "harness.h"
#include "pkt.h"
#include "pkt6.h"
#include "steer/steer.h"

#ifndef AF_XDP
#define AF_XDP 44
#endif

/* linerate 10.88.0.2 on 8080 and 9090; the kernel's address 10.88.0.3. */
#define OUR_IP HARNESS_OUR_IP
#define KERNEL_IP RTE_IPV4(10, 88, 0, 3)
#define PEER_IP HARNESS_PEER_IP
#define META 16 /* test_run metadata in front of the frame: lets it be < 14 */

static const uint16_t test_ports[] = { 8080, 9090 };
static const struct rte_ether_addr our_mac = {
	{ 0x02, 0x00, 0x00, 0x00, 0x00, 0x02 } };
static const struct rte_ether_addr zero_mac;
static const struct rte_ether_addr bcast_mac = {
	{ 0xff, 0xff, 0xff, 0xff, 0xff, 0xff } };

static char object[512];
static struct steer *st;  /* loaded, not attached: the program under test */
static int ncpus;

/*
 * Run the program once on frame[0..len): 0 and its XDP action in *act, or
 * -errno from BPF_PROG_TEST_RUN. The frame follows META bytes of metadata,
 * so that lengths under ETH_HLEN can be asked for; kernels since 6.x
 * refuse them (-EINVAL), older ones run them.
 */
static int
try_run(const void *frame, size_t len, uint32_t *act)
{
	static uint8_t buf[META + PKT_MAX];
	struct xdp_md ctx = { .data = META, .data_end = META + (uint32_t)len };
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = buf,
		    .data_size_in = META + (uint32_t)len, .ctx_in = &ctx,
		    .ctx_size_in = sizeof(ctx), .repeat = 1);
	int rc;

	assert_true(len <= PKT_MAX);
	memset(buf, 0, META);
	memcpy(buf + META, frame, len);
	rc = bpf_prog_test_run_opts(steer_fd(st, STEER_FD_PROG), &o);
	*act = o.retval;
	return rc;
}

/* Run a frame the kernel accepts to test; returns the XDP action. */
static uint32_t
run(const void *frame, size_t len)
{
	uint32_t act;

	assert_int_equal(try_run(frame, len, &act), 0);
	return act;
}

static struct steer_counters
counters(void)
{
	struct steer_counters c;

	assert_int_equal(steer_read_counters(st, &c), 0);
	return c;
}

/* Every counter zero except those listed: (id, value) pairs, -1 ends. */
static void
expect_counters(int first, ...)
{
	uint64_t want[STEER_CNT__COUNT] = { 0 };
	struct steer_counters c = counters();
	va_list ap;

	va_start(ap, first);
	for (int id = first; id >= 0; id = va_arg(ap, int))
		want[id] = va_arg(ap, uint64_t);
	va_end(ap);
	for (int i = 0; i < STEER_CNT__COUNT; i++) {
		if (c.v[i] != want[i])
			print_error("counter %s: %" PRIu64 ", expected %" PRIu64
				    "\n", steer_counter_name(i), c.v[i], want[i]);
		assert_int_equal(c.v[i], want[i]);
	}
}

static void
set_flags(uint32_t flags)
{
	struct steer_cfg cfg;
	uint32_t key = 0;

	assert_int_equal(bpf_map_lookup_elem(steer_fd(st, STEER_FD_CFG), &key,
					     &cfg), 0);
	cfg.flags = flags;
	assert_int_equal(bpf_map_update_elem(steer_fd(st, STEER_FD_CFG), &key,
					     &cfg, BPF_ANY), 0);
}

/* An AF_XDP socket in xsks_map[0] (test_run uses rx queue 0); unbound,
 * which is enough for the redirect helper's lookup. Returns the fd. */
static int
add_xsk(void)
{
	uint32_t key = 0;
	int fd = socket(AF_XDP, SOCK_RAW | SOCK_CLOEXEC, 0);

	assert_true(fd >= 0);
	assert_int_equal(bpf_map_update_elem(steer_fd(st, STEER_FD_XSKS), &key,
					     &fd, BPF_ANY), 0);
	return fd;
}

/* Each test starts configured (own address), counters zero, no socket. */
static int
reset(void **state)
{
	size_t sz = (size_t)ncpus * sizeof(struct steer_stats);
	void *zero = calloc(1, sz);
	uint32_t key = 0;

	if (!zero)
		return -1;
	bpf_map_update_elem(steer_fd(st, STEER_FD_STATS), &key, zero, BPF_ANY);
	free(zero);
	bpf_map_delete_elem(steer_fd(st, STEER_FD_XSKS), &key);
	return steer_configure(st);
}

static size_t
tcp_frame(uint8_t *b, uint32_t dst, uint16_t dport, uint8_t flags)
{
	struct pkt_tcp t = {
		.src = PEER_IP, .dst = dst, .sport = 40000, .dport = dport,
		.seq = 1000, .flags = flags, .win = 65535, .wscale = -1,
		.data = "", /* pkt_tcp memcpy()s it even when len is 0 */
	};

	return pkt_tcp(b, &our_mac, &t);
}

static struct rte_ipv4_hdr *
ip_of(uint8_t *b)
{
	return (struct rte_ipv4_hdr *)(b + sizeof(struct rte_ether_hdr));
}

static struct rte_tcp_hdr *
tcp_of(uint8_t *b)
{
	return (struct rte_tcp_hdr *)(ip_of(b) + 1);
}

static void
test_steer_bpf_our_ports_redirect_to_the_socket(void **state)
{
	uint8_t f[PKT_MAX];
	int xsk = add_xsk();

	assert_int_equal(run(f, tcp_frame(f, OUR_IP, 8080, RTE_TCP_SYN_FLAG)),
			 XDP_REDIRECT);
	assert_int_equal(run(f, tcp_frame(f, OUR_IP, 9090, RTE_TCP_ACK_FLAG)),
			 XDP_REDIRECT);
	assert_int_equal(run(f, tcp_frame(f, OUR_IP, 8080, RTE_TCP_RST_FLAG)),
			 XDP_REDIRECT);
	assert_int_equal(run(f, tcp_frame(f, OUR_IP, 8080, RTE_TCP_FIN_FLAG |
					   RTE_TCP_ACK_FLAG)), XDP_REDIRECT);
	expect_counters(STEER_CNT_STEERED_TCP, (uint64_t)4, -1);
	close(xsk);
}

static void
test_steer_bpf_our_port_without_socket_is_dropped_no_xsk(void **state)
{
	uint8_t f[PKT_MAX];

	assert_int_equal(run(f, tcp_frame(f, OUR_IP, 8080, RTE_TCP_SYN_FLAG)),
			 XDP_DROP);
	expect_counters(STEER_CNT_DROP_NO_XSK, (uint64_t)1, -1);
}

static void
test_steer_bpf_other_ports_and_addresses_pass(void **state)
{
	uint8_t f[PKT_MAX];
	int xsk = add_xsk();

	/* SSH to linerate's address and to the kernel's; 8080 to the
	 * kernel's; a UDP datagram to linerate's address. */
	assert_int_equal(run(f, tcp_frame(f, OUR_IP, 22, RTE_TCP_SYN_FLAG)),
			 XDP_PASS);
	assert_int_equal(run(f, tcp_frame(f, KERNEL_IP, 22, RTE_TCP_SYN_FLAG)),
			 XDP_PASS);
	assert_int_equal(run(f, tcp_frame(f, KERNEL_IP, 8080, RTE_TCP_SYN_FLAG)),
			 XDP_PASS);
	assert_int_equal(run(f, pkt_ipv4(f, &our_mac, PEER_IP, OUR_IP,
					 IPPROTO_UDP, "12345678", 8)), XDP_PASS);
	expect_counters(STEER_CNT_PASSED_OTHER, (uint64_t)4, -1);
	close(xsk);
}

static void
test_steer_bpf_arp_for_our_address_is_steered(void **state)
{
	uint8_t f[PKT_MAX];
	int xsk = add_xsk();

	assert_int_equal(run(f, pkt_arp(f, &bcast_mac, &harness_peer_mac, 1,
					PEER_IP, &zero_mac, OUR_IP)),
			 XDP_REDIRECT);
	assert_int_equal(run(f, pkt_arp(f, &our_mac, &harness_peer_mac, 2,
					PEER_IP, &our_mac, OUR_IP)),
			 XDP_REDIRECT);
	/* Who-has the kernel's address, a gratuitous ARP of the peer. */
	assert_int_equal(run(f, pkt_arp(f, &bcast_mac, &harness_peer_mac, 1,
					PEER_IP, &zero_mac, KERNEL_IP)),
			 XDP_PASS);
	assert_int_equal(run(f, pkt_arp(f, &bcast_mac, &harness_peer_mac, 1,
					PEER_IP, &zero_mac, PEER_IP)),
			 XDP_PASS);
	expect_counters(STEER_CNT_STEERED_ARP, (uint64_t)2,
			STEER_CNT_PASSED_OTHER, (uint64_t)2, -1);
	close(xsk);
}

/* ip.vips in the map: vip[0] answered by ARP, vip[1] not (DSR). */
#define VIP_ARP RTE_IPV4(10, 90, 0, 100)
#define VIP_DSR RTE_IPV4(10, 90, 0, 101)

static void
set_vips(void)
{
	struct steer_cfg cfg;
	uint32_t key = 0;

	assert_int_equal(bpf_map_lookup_elem(steer_fd(st, STEER_FD_CFG), &key,
					     &cfg), 0);
	cfg.vips[0] = rte_cpu_to_be_32(VIP_ARP);
	cfg.vips[1] = rte_cpu_to_be_32(VIP_DSR);
	cfg.vip_arp = 1u << 0;
	assert_int_equal(bpf_map_update_elem(steer_fd(st, STEER_FD_CFG), &key,
					     &cfg, BPF_ANY), 0);
}

static void
test_steer_bpf_vips_tcp_and_marked_arp_steered(void **state)
{
	uint8_t f[PKT_MAX];
	int xsk = add_xsk();

	set_vips();
	assert_int_equal(run(f, tcp_frame(f, VIP_ARP, 8080, RTE_TCP_SYN_FLAG)),
			 XDP_REDIRECT);
	assert_int_equal(run(f, tcp_frame(f, VIP_DSR, 9090, RTE_TCP_ACK_FLAG)),
			 XDP_REDIRECT);
	/* Other ports and other protocols on a VIP are not linerate's. */
	assert_int_equal(run(f, tcp_frame(f, VIP_DSR, 22, RTE_TCP_SYN_FLAG)),
			 XDP_PASS);
	assert_int_equal(run(f, pkt_icmp_echo(f, &our_mac, PEER_IP, VIP_ARP, 1,
					      1, "x", 1)), XDP_PASS);
	assert_int_equal(run(f, pkt_arp(f, &bcast_mac, &harness_peer_mac, 1,
					PEER_IP, &zero_mac, VIP_ARP)),
			 XDP_REDIRECT);
	assert_int_equal(run(f, pkt_arp(f, &bcast_mac, &harness_peer_mac, 1,
					PEER_IP, &zero_mac, VIP_DSR)),
			 XDP_PASS);
	/* A fragment to a VIP: linerate's alone, not reassembled. */
	tcp_frame(f, VIP_ARP, 8080, RTE_TCP_SYN_FLAG);
	ip_of(f)->fragment_offset = rte_cpu_to_be_16(RTE_IPV4_HDR_MF_FLAG);
	ip_of(f)->hdr_checksum = 0;
	ip_of(f)->hdr_checksum = rte_ipv4_cksum(ip_of(f));
	assert_int_equal(run(f, sizeof(struct rte_ether_hdr) +
				rte_be_to_cpu_16(ip_of(f)->total_length)),
			 XDP_DROP);
	expect_counters(STEER_CNT_STEERED_TCP, (uint64_t)2,
			STEER_CNT_STEERED_ARP, (uint64_t)1,
			STEER_CNT_PASSED_OTHER, (uint64_t)3,
			STEER_CNT_DROP_FRAGMENT, (uint64_t)1, -1);
	close(xsk);
}

static void
test_steer_bpf_arp_not_ethernet_ipv4_passes(void **state)
{
	uint8_t f[PKT_MAX];
	size_t n = pkt_arp(f, &bcast_mac, &harness_peer_mac, 1, PEER_IP,
			   &zero_mac, OUR_IP);
	int xsk = add_xsk();

	f[sizeof(struct rte_ether_hdr) + 4] = 16; /* hlen 16 */
	assert_int_equal(run(f, n), XDP_PASS);
	expect_counters(STEER_CNT_PASSED_OTHER, (uint64_t)1, -1);
	close(xsk);
}

static void
test_steer_bpf_icmp_to_our_address_is_steered(void **state)
{
	uint8_t f[PKT_MAX];
	int xsk = add_xsk();

	assert_int_equal(run(f, pkt_icmp_echo(f, &our_mac, PEER_IP, OUR_IP, 7,
					      1, "ping", 4)), XDP_REDIRECT);
	assert_int_equal(run(f, pkt_icmp_echo(f, &our_mac, PEER_IP, KERNEL_IP,
					      7, 1, "ping", 4)), XDP_PASS);
	expect_counters(STEER_CNT_STEERED_ICMP, (uint64_t)1,
			STEER_CNT_PASSED_OTHER, (uint64_t)1, -1);
	close(xsk);
}

static void
test_steer_bpf_shared_address_leaves_arp_icmp_fragments_to_kernel(void **state)
{
	uint8_t f[PKT_MAX];
	size_t n;
	int xsk = add_xsk();

	set_flags(STEER_F_ENABLED);
	assert_int_equal(run(f, pkt_arp(f, &bcast_mac, &harness_peer_mac, 1,
					PEER_IP, &zero_mac, OUR_IP)), XDP_PASS);
	assert_int_equal(run(f, pkt_icmp_echo(f, &our_mac, PEER_IP, OUR_IP, 7,
					      1, "ping", 4)), XDP_PASS);
	/* A later fragment, and a first one to SSH: the kernel's. */
	n = tcp_frame(f, OUR_IP, 22, RTE_TCP_SYN_FLAG);
	ip_of(f)->fragment_offset = rte_cpu_to_be_16(RTE_IPV4_HDR_MF_FLAG);
	assert_int_equal(run(f, n), XDP_PASS);
	n = tcp_frame(f, OUR_IP, 8080, RTE_TCP_SYN_FLAG);
	ip_of(f)->fragment_offset = rte_cpu_to_be_16(3);
	assert_int_equal(run(f, n), XDP_PASS);
	/* A first fragment to our port: linerate does not reassemble. */
	ip_of(f)->fragment_offset = rte_cpu_to_be_16(RTE_IPV4_HDR_MF_FLAG);
	assert_int_equal(run(f, n), XDP_DROP);
	/* TCP to our port still goes to linerate. */
	assert_int_equal(run(f, tcp_frame(f, OUR_IP, 8080, RTE_TCP_SYN_FLAG)),
			 XDP_REDIRECT);
	expect_counters(STEER_CNT_PASSED_OTHER, (uint64_t)4,
			STEER_CNT_DROP_FRAGMENT, (uint64_t)1,
			STEER_CNT_STEERED_TCP, (uint64_t)1, -1);
	close(xsk);
}

static void
test_steer_bpf_own_address_fragments_are_dropped(void **state)
{
	uint8_t f[PKT_MAX];
	size_t n;

	n = tcp_frame(f, OUR_IP, 22, RTE_TCP_SYN_FLAG);
	ip_of(f)->fragment_offset = rte_cpu_to_be_16(RTE_IPV4_HDR_MF_FLAG);
	assert_int_equal(run(f, n), XDP_DROP);
	ip_of(f)->fragment_offset = rte_cpu_to_be_16(185);
	assert_int_equal(run(f, n), XDP_DROP);
	n = pkt_icmp_echo(f, &our_mac, PEER_IP, OUR_IP, 7, 1, "ping", 4);
	ip_of(f)->fragment_offset = rte_cpu_to_be_16(RTE_IPV4_HDR_MF_FLAG);
	assert_int_equal(run(f, n), XDP_DROP);
	/* DF alone is no fragment. */
	n = tcp_frame(f, KERNEL_IP, 22, RTE_TCP_SYN_FLAG);
	ip_of(f)->fragment_offset = rte_cpu_to_be_16(RTE_IPV4_HDR_MF_FLAG);
	assert_int_equal(run(f, n), XDP_PASS);
	expect_counters(STEER_CNT_DROP_FRAGMENT, (uint64_t)3,
			STEER_CNT_PASSED_OTHER, (uint64_t)1, -1);
}

/* A SYN to our port cut at every length short of complete. */
static void
test_steer_bpf_truncated_frames_every_length(void **state)
{
	uint8_t f[PKT_MAX];
	size_t full = tcp_frame(f, OUR_IP, 8080, RTE_TCP_SYN_FLAG);
	const size_t eth = sizeof(struct rte_ether_hdr);
	const size_t ip = eth + sizeof(struct rte_ipv4_hdr);
	uint64_t shorts = 0;
	int xsk = add_xsk();

	assert_int_equal(full, ip + sizeof(struct rte_tcp_hdr));
	/* Too short to see the destination: the kernel's (it drops runts
	 * itself); for us but cut inside IPv4 or TCP: dropped. Under
	 * ETH_HLEN the verifier's proof is what stands when the kernel
	 * refuses to test-run such a frame. */
	for (size_t len = 0; len < full; len++) {
		uint32_t want = len < ip ? XDP_PASS : XDP_DROP, got;
		int rc = try_run(f, len, &got);

		if (rc == -EINVAL && len < eth)
			continue;
		assert_int_equal(rc, 0);
		if (got != want)
			print_error("length %zu: action %u\n", len, got);
		assert_int_equal(got, want);
		shorts += len < ip;
	}
	assert_true(shorts >= ip - eth);
	assert_int_equal(run(f, full), XDP_REDIRECT);
	expect_counters(STEER_CNT_PASSED_SHORT, shorts,
			STEER_CNT_DROP_TRUNCATED, (uint64_t)(full - ip),
			STEER_CNT_STEERED_TCP, (uint64_t)1, -1);
	close(xsk);
}

static void
test_steer_bpf_truncated_arp_passes(void **state)
{
	uint8_t f[PKT_MAX];
	size_t eth = sizeof(struct rte_ether_hdr);
	size_t full = eth + 28; /* the ARP body; the rest is padding */

	pkt_arp(f, &bcast_mac, &harness_peer_mac, 1, PEER_IP, &zero_mac,
		OUR_IP);
	for (size_t len = eth; len < full; len++)
		assert_int_equal(run(f, len), XDP_PASS);
	assert_int_equal(run(f, full), XDP_DROP); /* no socket */
	expect_counters(STEER_CNT_PASSED_SHORT, (uint64_t)(full - eth),
			STEER_CNT_DROP_NO_XSK, (uint64_t)1, -1);
}

static void
test_steer_bpf_bad_ipv4_headers_to_us_are_dropped(void **state)
{
	uint8_t f[PKT_MAX];
	size_t n = tcp_frame(f, OUR_IP, 8080, RTE_TCP_SYN_FLAG);

	ip_of(f)->version_ihl = 0x44; /* IHL 4 */
	assert_int_equal(run(f, n), XDP_DROP);
	ip_of(f)->version_ihl = 0x65; /* version 6 */
	assert_int_equal(run(f, n), XDP_DROP);
	ip_of(f)->version_ihl = 0x45;
	ip_of(f)->total_length = rte_cpu_to_be_16(19); /* < IHL */
	assert_int_equal(run(f, n), XDP_DROP);
	ip_of(f)->version_ihl = 0x4f; /* 60 bytes of header: past the end */
	ip_of(f)->total_length = rte_cpu_to_be_16(60);
	assert_int_equal(run(f, n), XDP_DROP);
	ip_of(f)->version_ihl = 0x45;
	ip_of(f)->total_length = rte_cpu_to_be_16(41); /* 1 byte missing */
	assert_int_equal(run(f, n), XDP_DROP);
	/* The same to the kernel's address: its business. */
	n = tcp_frame(f, KERNEL_IP, 8080, RTE_TCP_SYN_FLAG);
	ip_of(f)->version_ihl = 0x44;
	assert_int_equal(run(f, n), XDP_PASS);
	expect_counters(STEER_CNT_DROP_BAD_HEADER, (uint64_t)3,
			STEER_CNT_DROP_TRUNCATED, (uint64_t)2,
			STEER_CNT_PASSED_OTHER, (uint64_t)1, -1);
}

static void
test_steer_bpf_ip_options_are_skipped(void **state)
{
	uint8_t f[PKT_MAX], g[PKT_MAX];
	size_t n = tcp_frame(f, OUR_IP, 8080, RTE_TCP_SYN_FLAG);
	size_t eth = sizeof(struct rte_ether_hdr);
	size_t ip = sizeof(struct rte_ipv4_hdr);
	int xsk = add_xsk();

	/* 8 bytes of NOP options between the IPv4 and TCP headers. */
	memcpy(g, f, eth + ip);
	memset(g + eth + ip, 1, 8);
	memcpy(g + eth + ip + 8, f + eth + ip, n - eth - ip);
	ip_of(g)->version_ihl = 0x47;
	ip_of(g)->total_length = rte_cpu_to_be_16((uint16_t)(n - eth + 8));
	assert_int_equal(run(g, n + 8), XDP_REDIRECT);
	expect_counters(STEER_CNT_STEERED_TCP, (uint64_t)1, -1);
	close(xsk);
}

static void
test_steer_bpf_bad_tcp_to_our_port_is_dropped(void **state)
{
	static const uint8_t bad[] = {
		RTE_TCP_SYN_FLAG | RTE_TCP_FIN_FLAG,
		RTE_TCP_SYN_FLAG | RTE_TCP_RST_FLAG,
		0,                                   /* null scan */
		RTE_TCP_FIN_FLAG,                    /* FIN scan */
		RTE_TCP_FIN_FLAG | RTE_TCP_PSH_FLAG | RTE_TCP_URG_FLAG, /* xmas */
	};
	uint8_t f[PKT_MAX];
	size_t n;
	int xsk = add_xsk();

	for (size_t i = 0; i < sizeof(bad); i++)
		assert_int_equal(run(f, tcp_frame(f, OUR_IP, 8080, bad[i])),
				 XDP_DROP);
	/* To another port they are the kernel's. */
	assert_int_equal(run(f, tcp_frame(f, OUR_IP, 22, 0)), XDP_PASS);
	/* Data offset 4, and 15 with the options missing. */
	n = tcp_frame(f, OUR_IP, 8080, RTE_TCP_SYN_FLAG);
	tcp_of(f)->data_off = 4 << 4;
	assert_int_equal(run(f, n), XDP_DROP);
	tcp_of(f)->data_off = 15 << 4;
	assert_int_equal(run(f, n), XDP_DROP);
	expect_counters(STEER_CNT_DROP_TCP_FLAGS, (uint64_t)sizeof(bad),
			STEER_CNT_PASSED_OTHER, (uint64_t)1,
			STEER_CNT_DROP_BAD_HEADER, (uint64_t)1,
			STEER_CNT_DROP_TRUNCATED, (uint64_t)1, -1);
	close(xsk);
}

static void
test_steer_bpf_ipv6_and_vlan_pass(void **state)
{
	uint8_t f[PKT_MAX], g[PKT_MAX];
	size_t n = tcp_frame(f, OUR_IP, 8080, RTE_TCP_SYN_FLAG);
	struct rte_ether_hdr *eh = (struct rte_ether_hdr *)f;
	int xsk = add_xsk();

	/* 802.1Q: the tag between the MACs and the IPv4 EtherType. */
	memcpy(g, f, 12);
	g[12] = 0x81, g[13] = 0x00, g[14] = 0x00, g[15] = 0x05;
	memcpy(g + 16, f + 12, n - 12);
	assert_int_equal(run(g, n + 4), XDP_PASS);
	g[12] = 0x88, g[13] = 0xa8; /* 802.1ad */
	assert_int_equal(run(g, n + 4), XDP_PASS);
	eh->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV6);
	assert_int_equal(run(f, n), XDP_PASS);
	expect_counters(STEER_CNT_PASSED_NON_IPV4, (uint64_t)3, -1);
	close(xsk);
}

static void
test_steer_bpf_unconfigured_or_disabled_passes_everything(void **state)
{
	uint8_t f[PKT_MAX];
	struct steer_cfg zero = { 0 };
	uint32_t key = 0;
	int xsk = add_xsk();

	assert_int_equal(bpf_map_update_elem(steer_fd(st, STEER_FD_CFG), &key,
					     &zero, BPF_ANY), 0);
	assert_int_equal(run(f, tcp_frame(f, OUR_IP, 8080, RTE_TCP_SYN_FLAG)),
			 XDP_PASS);
	set_flags(STEER_F_OWN_IP);
	assert_int_equal(run(f, tcp_frame(f, OUR_IP, 8080, RTE_TCP_SYN_FLAG)),
			 XDP_PASS);
	assert_int_equal(run(f, 20), XDP_PASS);
	expect_counters(STEER_CNT_PASSED_DISABLED, (uint64_t)3, -1);
	close(xsk);
}

static void
test_steer_bpf_totals_and_snapshot_agree(void **state)
{
	uint8_t f[PKT_MAX];
	struct steer_counters c, snap;
	uint32_t key = 0;
	int xsk = add_xsk();

	run(f, tcp_frame(f, OUR_IP, 8080, RTE_TCP_SYN_FLAG));    /* steered */
	run(f, tcp_frame(f, OUR_IP, 22, RTE_TCP_SYN_FLAG));      /* passed */
	run(f, 20);                                              /* passed */
	run(f, tcp_frame(f, OUR_IP, 8080, 0));                   /* malformed */
	run(f, tcp_frame(f, OUR_IP, 8080, RTE_TCP_SYN_FLAG | RTE_TCP_FIN_FLAG));
	assert_int_equal(bpf_map_delete_elem(steer_fd(st, STEER_FD_XSKS), &key),
			 0);
	run(f, tcp_frame(f, OUR_IP, 8080, RTE_TCP_SYN_FLAG));    /* no xsk */
	c = counters();
	assert_int_equal(c.steered, 1);
	assert_int_equal(c.passed, 2);
	assert_int_equal(c.dropped_malformed, 2);
	assert_int_equal(c.dropped_no_xsk, 1);
	steer_counters_snapshot(st, &snap);
	assert_memory_equal(&c, &snap, sizeof(c));
	close(xsk);
}

static void
test_steer_bpf_metrics_and_ctl_reports(void **state)
{
	uint8_t f[PKT_MAX];
	char text[4096];
	struct steer_counters c;
	char err[128];
	json_t *o;
	int n;

	run(f, tcp_frame(f, OUR_IP, 22, RTE_TCP_SYN_FLAG));
	c = counters();
	n = steer_metrics_text(&c, "lr-a0", text, sizeof(text));
	assert_true(n > 0);
	assert_non_null(strstr(text, "linerate_xdp_frames_total{iface=\"lr-a0\","
				     "verdict=\"passed\",reason=\"other\"} 1\n"));
	assert_non_null(strstr(text, "verdict=\"dropped\",reason=\"no_xsk\"} 0\n"));
	assert_int_equal(steer_metrics_text(&c, "lr-a0", text, 100), -ENOSPC);
	o = steer_ctl_xdp(st, NULL, err, sizeof(err));
	assert_non_null(o);
	assert_int_equal(json_integer_value(json_object_get(o, "passed")), 1);
	assert_string_equal(json_string_value(json_object_get(o, "ip")),
			    "10.88.0.2");
	assert_string_equal(json_string_value(json_object_get(o, "mode")), "none");
	assert_int_equal(json_integer_value(json_object_get(
				 json_object_get(o, "counters"), "passed_other")), 1);
	json_decref(o);
	o = steer_ctl_xdp(NULL, NULL, err, sizeof(err));
	assert_string_equal(json_string_value(json_object_get(o, "mode")), "none");
	json_decref(o);
}

/* ---- IPv6: linerate's fd00:88::2 (pkt6_ours) ---- */

/* Settings as steer_configure wrote them, plus our IPv6 address and the
 * IPv6 flags given (STEER_F_IP6, STEER_F_OWN_IP6). */
static void
set_ip6(uint32_t flags)
{
	struct steer_cfg cfg;
	uint32_t key = 0;

	assert_int_equal(bpf_map_lookup_elem(steer_fd(st, STEER_FD_CFG), &key,
					     &cfg), 0);
	cfg.flags |= flags;
	memcpy(cfg.ip6, pkt6_ours, 16);
	assert_int_equal(bpf_map_update_elem(steer_fd(st, STEER_FD_CFG), &key,
					     &cfg, BPF_ANY), 0);
}

/* A TCP segment (20-byte header, flags) from the peer to dst:dport. */
static size_t
tcp6_frame(uint8_t *b, const uint8_t *dst, uint16_t dport, uint8_t flags)
{
	uint8_t th[20] = { 0x9c, 0x40, (uint8_t)(dport >> 8), (uint8_t)dport,
			   [12] = 0x50, [13] = flags, [14] = 0xff, [15] = 0xff };

	return pkt6_ip(b, &our_mac, pkt6_peer, dst, 64, IPPROTO_TCP, th,
		       sizeof(th));
}

/* A neighbour solicitation for target to its solicited-node group. */
static size_t
ns6_frame(uint8_t *b, const uint8_t *target)
{
	struct rte_ether_addr smac;
	uint8_t sn[16];

	pkt6_snm(target, sn, &smac);
	return pkt6_ns(b, &smac, pkt6_peer, sn, 255, target, true);
}

static void
test_steer_bpf_ipv6_tcp_to_our_ports_steered_rest_passes(void **state)
{
	static const uint8_t kernel6[16] = { 0xfd, 0, 0, 0x88, [15] = 3 };
	uint8_t f[PKT_MAX];
	size_t n;
	int xsk = add_xsk();

	set_ip6(STEER_F_IP6); /* shared: the kernel keeps ICMPv6 and ND */
	n = tcp6_frame(f, pkt6_ours, 8080, RTE_TCP_SYN_FLAG);
	assert_int_equal(run(f, n), XDP_REDIRECT);
	n = tcp6_frame(f, pkt6_ours, 22, RTE_TCP_SYN_FLAG);
	assert_int_equal(run(f, n), XDP_PASS);
	n = tcp6_frame(f, kernel6, 8080, RTE_TCP_SYN_FLAG);
	assert_int_equal(run(f, n), XDP_PASS);
	n = pkt6_icmp(f, &our_mac, pkt6_peer, pkt6_ours, 64, 128, 0, 1, "x", 1);
	assert_int_equal(run(f, n), XDP_PASS);
	n = ns6_frame(f, pkt6_ours);
	assert_int_equal(run(f, n), XDP_PASS);
	/* Malformed TCP to our port: dropped, as over IPv4. */
	n = tcp6_frame(f, pkt6_ours, 8080, RTE_TCP_SYN_FLAG | RTE_TCP_FIN_FLAG);
	assert_int_equal(run(f, n), XDP_DROP);
	expect_counters(STEER_CNT_STEERED_TCP, (uint64_t)1,
			STEER_CNT_PASSED_OTHER, (uint64_t)4,
			STEER_CNT_DROP_TCP_FLAGS, (uint64_t)1, -1);
	close(xsk);
}

static void
test_steer_bpf_ipv6_own_address_icmp6_and_its_nd_steered(void **state)
{
	/* The kernel's link-local on the same interface, and an address
	 * sharing our solicited-node group (same low 24 bits). */
	static const uint8_t kernel_ll[16] = { 0xfe, 0x80, [8] = 0x02,
					       [11] = 0xff, [12] = 0xfe,
					       [15] = 0x09 };
	static const uint8_t same_group[16] = { 0xfd, 0, 0, 0x99, [15] = 2 };
	const uint8_t frag[8] = { 58, 0, 0, 1, 0, 0, 0, 1 };
	uint8_t f[PKT_MAX];
	size_t n;
	int xsk = add_xsk();

	set_ip6(STEER_F_IP6 | STEER_F_OWN_IP6);
	n = pkt6_icmp(f, &our_mac, pkt6_peer, pkt6_ours, 64, 128, 0, 1, "x", 1);
	assert_int_equal(run(f, n), XDP_REDIRECT);
	n = pkt6_ip(f, &our_mac, pkt6_peer, pkt6_ours, 64, 44, frag,
		    sizeof(frag));
	assert_int_equal(run(f, n), XDP_REDIRECT); /* linerate counts it */
	n = ns6_frame(f, pkt6_ours);
	assert_int_equal(run(f, n), XDP_REDIRECT);
	n = ns6_frame(f, same_group);
	assert_int_equal(run(f, n), XDP_PASS);
	n = ns6_frame(f, kernel_ll);
	assert_int_equal(run(f, n), XDP_PASS);
	n = pkt6_icmp(f, &our_mac, pkt6_peer, kernel_ll, 64, 128, 0, 1, "x", 1);
	assert_int_equal(run(f, n), XDP_PASS);
	expect_counters(STEER_CNT_STEERED_IP6, (uint64_t)2,
			STEER_CNT_STEERED_ND, (uint64_t)1,
			STEER_CNT_PASSED_OTHER, (uint64_t)3, -1);
	close(xsk);
}

/* A SYN to our port and an NS for our address cut at every length. */
static void
test_steer_bpf_ipv6_truncated_frames_every_length(void **state)
{
	uint8_t f[PKT_MAX];
	const size_t eth = sizeof(struct rte_ether_hdr);
	const size_t ip = eth + sizeof(struct rte_ipv6_hdr);
	size_t full = tcp6_frame(f, pkt6_ours, 8080, RTE_TCP_SYN_FLAG);
	uint64_t shorts = 0, truncs = 0;
	int xsk = add_xsk();

	set_ip6(STEER_F_IP6 | STEER_F_OWN_IP6);
	for (size_t len = eth; len < full; len++) {
		uint32_t want = len < ip ? XDP_PASS : XDP_DROP;

		assert_int_equal(run(f, len), want);
		shorts += len < ip;
		truncs += len >= ip;
	}
	assert_int_equal(run(f, full), XDP_REDIRECT);
	/* An NS too short to show its target stays with the kernel. */
	full = ns6_frame(f, pkt6_ours);
	for (size_t len = eth; len < ip + 24; len++) {
		assert_int_equal(run(f, len), XDP_PASS);
		shorts++;
	}
	expect_counters(STEER_CNT_PASSED_SHORT, shorts,
			STEER_CNT_DROP_TRUNCATED, truncs,
			STEER_CNT_STEERED_TCP, (uint64_t)1, -1);
	close(xsk);
}

static void
test_steer_bpf_ipv6_bad_version_to_us_dropped(void **state)
{
	uint8_t f[PKT_MAX];
	size_t n = tcp6_frame(f, pkt6_ours, 8080, RTE_TCP_SYN_FLAG);

	set_ip6(STEER_F_IP6);
	f[sizeof(struct rte_ether_hdr)] = 0x45;
	assert_int_equal(run(f, n), XDP_DROP);
	expect_counters(STEER_CNT_DROP_BAD_HEADER, (uint64_t)1, -1);
}

static void
test_steer_load_rejects_bad_params(void **state)
{
	uint16_t zero = 0;
	struct steer_params p = { .ip = rte_cpu_to_be_32(OUR_IP),
				  .ports = test_ports, .nb_ports = 2,
				  .object = object, .own_ip = 1 };
	struct steer_params q;
	char msg[STEER_ERR_LEN];

	q = p, q.nb_ports = 0;
	assert_null(steer_load(&q, msg, sizeof(msg)));
	assert_int_equal(errno, EINVAL);
	q = p, q.nb_ports = STEER_MAX_PORTS + 1;
	assert_null(steer_load(&q, msg, sizeof(msg)));
	q = p, q.ports = &zero, q.nb_ports = 1;
	assert_null(steer_load(&q, msg, sizeof(msg)));
	q = p, q.ip = 0;
	assert_null(steer_load(&q, msg, sizeof(msg)));
	q = p, q.object = "/tmp/a,b.o";
	assert_null(steer_load(&q, msg, sizeof(msg)));
	assert_int_equal(errno, EINVAL);
	q = p, q.object = "/nonexistent/steer.bpf.o";
	assert_null(steer_load(&q, msg, sizeof(msg)));
	assert_int_equal(errno, ENOENT);
	q = p, q.iface = "lr-no-such-if";
	assert_null(steer_load(&q, msg, sizeof(msg)));
	assert_int_equal(errno, ENODEV);
}

static void
test_steer_load_built_in_object(void **state)
{
	struct steer_params p = { .ip = rte_cpu_to_be_32(OUR_IP),
				  .ports = test_ports, .nb_ports = 2,
				  .own_ip = 1 };
	char msg[STEER_ERR_LEN];
	struct steer *s = steer_load(&p, msg, sizeof(msg));

	if (!s && errno == ENOENT) {
		/* Built without the skeleton and no object beside the
		 * binary: the message must say what to set. */
		assert_non_null(strstr(msg, "xdp.program"));
		printf("# built without the BPF skeleton: no built-in object\n");
		return;
	}
	if (!s)
		print_error("steer_load: %s\n", msg);
	assert_non_null(s);
	assert_true(access(steer_object_path(s), R_OK) == 0);
	assert_true(steer_fd(s, STEER_FD_PROG) >= 0);
	steer_free(s);
}

/* ---- An interface to attach to: one end of a veth pair (native XDP). ---- */

static char dummy[IF_NAMESIZE];

static bool
dummy_up(void)
{
	char cmd[160];

	snprintf(dummy, sizeof(dummy), "lrst%d", (int)(getpid() % 100000));
	snprintf(cmd, sizeof(cmd),
		 "ip link add %s type veth peer name %sp 2>/dev/null && "
		 "ip link set %s up && ip link set %sp up", dummy, dummy, dummy,
		 dummy);
	return system(cmd) == 0;
}

/* Setup and teardown: the pair goes, with whatever is attached to it. */
static int
dummy_down(void **state)
{
	char cmd[128];

	if (dummy[0] && if_nametoindex(dummy)) {
		snprintf(cmd, sizeof(cmd), "ip link del %s", dummy);
		if (system(cmd) != 0)
			print_error("could not remove %s\n", dummy);
	}
	return 0;
}

static int
dummy_setup(void **state)
{
	if (!dummy_up())
		return -1;
	return reset(state);
}

static uint32_t
attached_id(void)
{
	LIBBPF_OPTS(bpf_xdp_query_opts, q);

	assert_int_equal(bpf_xdp_query((int)if_nametoindex(dummy), 0, &q), 0);
	return q.prog_id;
}

/* A program that is not ours. */
static int
foreign_prog(void)
{
	struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0,
		  .imm = XDP_PASS },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	int fd = bpf_prog_load(BPF_PROG_TYPE_XDP, "other_xdp", "GPL", insns, 2,
			       NULL);

	assert_true(fd >= 0);
	return fd;
}

static void
test_steer_reclaim_removes_stale_and_spares_live_and_foreign(void **state)
{
	char msg[STEER_ERR_LEN];
	unsigned int ifindex;
	int pipefd[2], fd;
	pid_t child;

	ifindex = if_nametoindex(dummy);
	assert_int_equal(steer_reclaim(dummy, msg, sizeof(msg)), 0);

	/* Attached like the PMD does; a child holds the program as a live
	 * linerate would: left alone. */
	assert_int_equal(bpf_xdp_attach((int)ifindex, steer_fd(st, STEER_FD_PROG),
					XDP_FLAGS_UPDATE_IF_NOEXIST, NULL), 0);
	assert_int_equal(pipe(pipefd), 0);
	child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		char c;

		close(pipefd[1]);
		_exit(read(pipefd[0], &c, 1) < 0);
	}
	close(pipefd[0]);
	assert_int_equal(steer_reclaim(dummy, msg, sizeof(msg)), -EBUSY);
	assert_non_null(strstr(msg, "another linerate"));
	assert_int_not_equal(attached_id(), 0);

	/* Its holder gone (killed), the program is stale: removed. */
	close(pipefd[1]);
	assert_int_equal(waitpid(child, NULL, 0), child);
	assert_int_equal(steer_reclaim(dummy, msg, sizeof(msg)), 1);
	assert_non_null(strstr(msg, "removed a stale XDP steering program"));
	assert_int_equal(attached_id(), 0);

	/* Somebody else's program: left alone, and said so. */
	fd = foreign_prog();
	assert_int_equal(bpf_xdp_attach((int)ifindex, fd, XDP_FLAGS_SKB_MODE,
					NULL), 0);
	assert_int_equal(steer_reclaim(dummy, msg, sizeof(msg)), -EBUSY);
	assert_non_null(strstr(msg, "'other_xdp'"));
	assert_non_null(strstr(msg, "xdpgeneric off"));
	assert_int_not_equal(attached_id(), 0);
	assert_int_equal(bpf_xdp_detach((int)ifindex, XDP_FLAGS_SKB_MODE, NULL), 0);
	close(fd);
}

/* The app's sequence: load (reclaim), the PMD attaches, adopt, detach. */
static void
test_steer_attach_adopts_the_pmd_program_and_detach_removes_it(void **state)
{
	struct steer_params p = { .ip = rte_cpu_to_be_32(OUR_IP),
				  .ports = test_ports, .nb_ports = 2,
				  .object = object, .own_ip = -1 };
	char msg[STEER_ERR_LEN];
	struct steer_info in;
	struct steer_cfg cfg;
	struct steer *s, *pmd;
	uint32_t key = 0;
	int ifindex;

	ifindex = (int)if_nametoindex(dummy);
	/* A stale program from a "killed run" is replaced, not stacked. */
	pmd = steer_load(&(struct steer_params){ .ip = p.ip, .ports = p.ports,
			 .nb_ports = 1, .object = object, .own_ip = 1 },
			 msg, sizeof(msg));
	assert_non_null(pmd);
	assert_int_equal(bpf_xdp_attach(ifindex, steer_fd(pmd, STEER_FD_PROG),
					XDP_FLAGS_UPDATE_IF_NOEXIST, NULL), 0);
	p.iface = dummy;
	s = steer_load(&p, msg, sizeof(msg));
	assert_non_null(s);
	assert_non_null(strstr(msg, "removed a stale"));
	assert_int_equal(attached_id(), 0);
	steer_free(pmd);

	/* Nothing attached yet: steer_attach says what is missing. */
	assert_int_equal(steer_attach(s, msg, sizeof(msg)), -ENOENT);
	assert_non_null(strstr(msg, "xdp_prog="));

	/* The port fails to start after the PMD attached: the program this
	 * process holds goes at detach all the same. */
	pmd = steer_load(&(struct steer_params){ .ip = p.ip, .ports = p.ports,
			 .nb_ports = 1, .object = object, .own_ip = 1 },
			 msg, sizeof(msg));
	assert_non_null(pmd);
	assert_int_equal(bpf_xdp_attach(ifindex, steer_fd(pmd, STEER_FD_PROG),
					XDP_FLAGS_UPDATE_IF_NOEXIST, NULL), 0);
	assert_int_equal(steer_detach(s, msg, sizeof(msg)), 0);
	assert_int_equal(attached_id(), 0);
	steer_free(pmd);

	/* The PMD loads the object from the path and attaches it. */
	pmd = steer_load(&(struct steer_params){ .ip = p.ip, .ports = p.ports,
			 .nb_ports = 1, .object = steer_object_path(s),
			 .own_ip = 1 }, msg, sizeof(msg));
	assert_non_null(pmd);
	assert_int_equal(bpf_xdp_attach(ifindex, steer_fd(pmd, STEER_FD_PROG),
					XDP_FLAGS_UPDATE_IF_NOEXIST, NULL), 0);
	assert_int_equal(steer_attach(s, msg, sizeof(msg)), 0);
	steer_info(s, &in);
	assert_int_equal(in.mode, STEER_MODE_NATIVE); /* veth has native XDP */
	assert_int_equal(in.prog_id, attached_id());
	assert_true(in.configured);
	/* The settings reached the attached program's map. */
	assert_int_equal(bpf_map_lookup_elem(steer_fd(pmd, STEER_FD_CFG), &key,
					     &cfg), 0);
	assert_int_equal(cfg.flags, STEER_F_ENABLED | STEER_F_OWN_IP);
	assert_int_equal(cfg.ip, rte_cpu_to_be_32(OUR_IP));
	assert_int_equal(cfg.ports[0], rte_cpu_to_be_16(8080));
	assert_int_equal(cfg.ports[1], rte_cpu_to_be_16(9090));
	assert_int_equal(cfg.ports[2], 0);
	assert_int_equal(cfg.owner_pid, (uint32_t)getpid());

	assert_int_equal(steer_detach(s, msg, sizeof(msg)), 0);
	assert_int_equal(attached_id(), 0);
	assert_int_equal(bpf_map_lookup_elem(steer_fd(pmd, STEER_FD_CFG), &key,
					     &cfg), 0);
	assert_int_equal(cfg.flags & STEER_F_ENABLED, 0);
	assert_int_equal(steer_detach(s, msg, sizeof(msg)), 0); /* idempotent */
	steer_info(s, &in);
	assert_int_equal(in.mode, STEER_MODE_NONE);
	steer_free(pmd);
	steer_free(s);
}

static void
skip_all(const char *why)
{
	/* tests/run.sh shows the first line that says "skip". */
	printf("# SKIP test_steer_bpf: %s\n", why);
	exit(77);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup(f, reset)
		T(test_steer_bpf_our_ports_redirect_to_the_socket),
		T(test_steer_bpf_our_port_without_socket_is_dropped_no_xsk),
		T(test_steer_bpf_other_ports_and_addresses_pass),
		T(test_steer_bpf_arp_for_our_address_is_steered),
		T(test_steer_bpf_arp_not_ethernet_ipv4_passes),
		T(test_steer_bpf_icmp_to_our_address_is_steered),
		T(test_steer_bpf_shared_address_leaves_arp_icmp_fragments_to_kernel),
		T(test_steer_bpf_own_address_fragments_are_dropped),
		T(test_steer_bpf_truncated_frames_every_length),
		T(test_steer_bpf_truncated_arp_passes),
		T(test_steer_bpf_bad_ipv4_headers_to_us_are_dropped),
		T(test_steer_bpf_ip_options_are_skipped),
		T(test_steer_bpf_vips_tcp_and_marked_arp_steered),
		T(test_steer_bpf_bad_tcp_to_our_port_is_dropped),
		T(test_steer_bpf_ipv6_and_vlan_pass),
		T(test_steer_bpf_ipv6_tcp_to_our_ports_steered_rest_passes),
		T(test_steer_bpf_ipv6_own_address_icmp6_and_its_nd_steered),
		T(test_steer_bpf_ipv6_truncated_frames_every_length),
		T(test_steer_bpf_ipv6_bad_version_to_us_dropped),
		T(test_steer_bpf_unconfigured_or_disabled_passes_everything),
		T(test_steer_bpf_totals_and_snapshot_agree),
		T(test_steer_bpf_metrics_and_ctl_reports),
		T(test_steer_load_rejects_bad_params),
		T(test_steer_load_built_in_object),
#undef T
#define TD(f) cmocka_unit_test_setup_teardown(f, dummy_setup, dummy_down)
		TD(test_steer_reclaim_removes_stale_and_spares_live_and_foreign),
		TD(test_steer_attach_adopts_the_pmd_program_and_detach_removes_it),
#undef TD
	};
	const char *build = getenv("LR_BUILD");
	struct steer_params p = { .ip = rte_cpu_to_be_32(OUR_IP),
				  .ports = test_ports, .nb_ports = 2,
				  .object = object, .own_ip = 1 };
	char msg[STEER_ERR_LEN];
	size_t n;
	int rc;

	snprintf(object, sizeof(object), "%s/bpf/steer.bpf.o",
		 build && *build ? build : "build");
	if (access(object, R_OK) < 0)
		skip_all("no BPF object at $LR_BUILD/bpf/steer.bpf.o (make all "
			 "builds it)");
	if (libbpf_probe_bpf_prog_type(BPF_PROG_TYPE_XDP, NULL) <= 0)
		skip_all("the bpf() syscall is not permitted here (needs root: "
			 "CAP_BPF + CAP_NET_ADMIN)");
	st = steer_load(&p, msg, sizeof(msg));
	if (!st && errno == EPERM)
		skip_all(msg);
	if (!st) {
		fprintf(stderr, "steer_load(%s): %s\n", object, msg);
		return 1;
	}
	ncpus = libbpf_num_possible_cpus();
	/* The last two need a veth pair; without one they are left out
	 * (cmocka's own skip reads as a failure in TAP). */
	n = sizeof(tests) / sizeof(tests[0]);
	if (!dummy_up()) {
		printf("# SKIP 2 tests: cannot create a veth pair (ip link add "
		       "... type veth)\n");
		n -= 2;
	}
	dummy_down(NULL);
	rc = _cmocka_run_group_tests("test_steer_bpf", tests, n, NULL, NULL);
	steer_free(st);
	return rc;
}
