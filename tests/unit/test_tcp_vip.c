/* SPDX-License-Identifier: BSD-3-Clause */
/* test_tcp_vip.c: ip.vips: configuration, TCP served from a VIP, ARP per VIP. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rte_arp.h>
#include <rte_ip.h>

#include "core/config.h"
#include "harness.h"
#include "net/tcp.h"
#include "pkt.h"
#include "tcp_test.h"

#define VIP_ARP RTE_IPV4(10, 90, 0, 100)  /* answered for */
#define VIP_DSR RTE_IPV4(10, 90, 0, 101)  /* arp: false */
#define VIP_JSON                                                             \
	"{\"ip\": {\"vips\": [{\"address\": \"10.90.0.100\", \"arp\": true}, " \
	"{\"address\": \"10.90.0.101\", \"arp\": false}]}}"

static void
tweak_vips(struct config *cfg)
{
	char err[CONFIG_ERR_LEN];

	assert_int_equal(config_parse(cfg, VIP_JSON, strlen(VIP_JSON), err), 0);
}

static void
tweak_vips_cookies(struct config *cfg)
{
	tweak_vips(cfg);
	cfg->tcp_syncookies = CONFIG_ON;
}

static int
vip_setup(void **state)
{
	*state = tt_harness(tweak_vips);
	return 0;
}

static int
parse(const char *json, char *err)
{
	struct config c;

	config_defaults(&c);
	return config_parse(&c, json, strlen(json), err);
}

static void
test_tcp_vip_config_parsed_and_checked(void **state)
{
	char err[CONFIG_ERR_LEN];
	struct config c;
	char *out;

	(void)state;
	config_defaults(&c);
	assert_int_equal(c.nvips, 0);
	assert_int_equal(config_parse(&c, VIP_JSON, strlen(VIP_JSON), err), 0);
	assert_int_equal(c.nvips, 2);
	assert_int_equal(c.vips[0].addr, rte_cpu_to_be_32(VIP_ARP));
	assert_true(c.vips[0].arp);
	assert_false(c.vips[1].arp);
	out = config_to_json(&c);
	assert_non_null(strstr(out, "\"vips\":[{\"address\":\"10.90.0.100\",\"arp\":true},"
				    "{\"address\":\"10.90.0.101\",\"arp\":false}]"));
	free(out);
	/* arp defaults to true; an empty list is fine. */
	assert_int_equal(parse("{\"ip\": {\"vips\": [{\"address\": \"10.90.0.7\"}]}}", err), 0);
	assert_int_equal(parse("{\"ip\": {\"vips\": []}}", err), 0);
	assert_int_equal(parse("{\"ip\": {\"vips\": [{\"address\": \"10.90.0\"}]}}", err), -EINVAL);
	assert_non_null(strstr(err, "$.ip.vips[0]"));
	assert_int_equal(parse("{\"ip\": {\"vips\": [{\"address\": \"224.0.0.1\"}]}}", err), -EINVAL);
	assert_int_equal(parse("{\"ip\": {\"vips\": [{\"address\": \"10.9.0.1\", \"arp\": 1}]}}", err), -EINVAL);
	assert_int_equal(parse("{\"ip\": {\"vips\": [{\"address\": \"10.9.0.1\", \"x\": 1}]}}", err), -EINVAL);
	assert_int_equal(parse("{\"ip\": {\"vips\": [{\"address\": \"10.9.0.1\"}, "
			       "{\"address\": \"10.9.0.1\"}]}}", err), -EINVAL);
	assert_non_null(strstr(err, "twice"));
	assert_int_equal(parse("{\"ip\": {\"vips\": [{\"address\": \"10.88.0.2\"}]}}", err), -EINVAL);
	assert_int_equal(parse("{\"ip\": {\"vips\": {}}}", err), -EINVAL);
	{
		char big[2048];
		size_t n = (size_t)snprintf(big, sizeof(big), "{\"ip\": {\"vips\": [");

		for (int i = 0; i < CONFIG_MAX_VIPS + 1; i++)
			n += (size_t)snprintf(big + n, sizeof(big) - n,
					      "%s{\"address\": \"10.91.0.%d\"}",
					      i ? ", " : "", i + 1);
		snprintf(big + n, sizeof(big) - n, "]}}");
		assert_int_equal(parse(big, err), -EINVAL);
	}
}

/* One frame out; parsed as TCP/IPv4. */
static void
one_tcp(struct harness *h, struct pkt_tcp_seen *s)
{
	struct rte_mbuf *m[4];

	assert_int_equal(harness_collect(h, m, 4), 1);
	assert_true(pkt_parse_tcp(m[0], s));
	rte_pktmbuf_free(m[0]);
}

static void
send_to(struct harness *h, uint32_t dst, uint16_t dport, uint8_t flags,
	uint32_t seq, uint32_t ack, const void *data, size_t len)
{
	struct pkt_tcp t = { .dst = dst, .sport = 40000, .dport = dport,
			     .seq = seq, .ack = ack, .flags = flags,
			     .win = 65535, .mss = flags & F_SYN ? 1460 : 0,
			     .wscale = -1, .data = data, .len = len };

	tt_send_raw(h, &t);
}

static void
test_tcp_vip_served_from_the_vip(void **state)
{
	struct harness *h = *state;
	struct pkt_tcp_seen s;
	uint32_t iss;

	tt_policy.action = TT_RESPOND;
	tt_policy.resp_len = 200;
	send_to(h, VIP_DSR, TT_PORT, F_SYN, 5000, 0, NULL, 0);
	one_tcp(h, &s);
	assert_int_equal(s.flags, F_SYN | F_ACK);
	assert_int_equal(s.src, VIP_DSR);
	assert_int_equal(s.dst, HARNESS_PEER_IP);
	assert_true(s.ip_cksum_ok && s.tcp_cksum_ok);
	iss = s.seq;
	send_to(h, VIP_DSR, TT_PORT, F_ACK, 5001, iss + 1, NULL, 0);
	assert_int_equal(tt_state_count(h, TCP_ESTABLISHED), 1);
	send_to(h, VIP_DSR, TT_PORT, F_ACK | F_PSH, 5001, iss + 1, "GET", 3);
	one_tcp(h, &s);
	assert_int_equal(s.src, VIP_DSR);
	assert_int_equal(s.len, 200);
	assert_true(s.ip_cksum_ok && s.tcp_cksum_ok);
	/* The same peer and ports to our own address: another connection. */
	send_to(h, 0, TT_PORT, F_SYN, 9000, 0, NULL, 0);
	one_tcp(h, &s);
	assert_int_equal(s.src, HARNESS_OUR_IP);
	assert_int_equal(s.ack, 9001);
	send_to(h, 0, TT_PORT, F_ACK, 9001, s.seq + 1, NULL, 0);
	assert_int_equal(tt_state_count(h, TCP_ESTABLISHED), 2);
	/* A closed port on a VIP: the RST comes from the VIP. */
	send_to(h, VIP_ARP, 9999, F_SYN, 1, 0, NULL, 0);
	one_tcp(h, &s);
	assert_int_equal(s.flags, F_RST | F_ACK);
	assert_int_equal(s.src, VIP_ARP);
	assert_true(s.tcp_cksum_ok);
}

static void
test_tcp_vip_syncookie_from_the_vip(void **state)
{
	struct harness *h = tt_reopen(state, tweak_vips_cookies);
	struct pkt_tcp_seen s;

	send_to(h, VIP_ARP, TT_PORT, F_SYN, 7000, 0, NULL, 0);
	one_tcp(h, &s);
	assert_int_equal(s.src, VIP_ARP);
	assert_int_equal(HSTAT(h, tcp_syncookie_tx), 1);
	/* The cookie is bound to the VIP: the same ACK to our own address
	 * is refused, to the VIP it opens the connection. */
	send_to(h, 0, TT_PORT, F_ACK, 7001, s.seq + 1, NULL, 0);
	assert_int_equal(HSTAT(h, tcp_syncookie_bad), 1);
	harness_drain(h);
	send_to(h, VIP_ARP, TT_PORT, F_ACK, 7001, s.seq + 1, NULL, 0);
	assert_int_equal(HSTAT(h, tcp_syncookie_ok), 1);
	assert_int_equal(tt_state_count(h, TCP_ESTABLISHED), 1);
}

static void
test_tcp_vip_arp_only_where_marked_and_no_icmp(void **state)
{
	struct harness *h = *state;
	struct rte_ether_addr bcast = { .addr_bytes = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff } };
	struct rte_ether_addr zero = { 0 };
	uint8_t f[PKT_MAX];
	struct rte_mbuf *m[4];
	struct rte_arp_hdr *a;
	size_t n;

	n = pkt_arp(f, &bcast, &harness_peer_mac, RTE_ARP_OP_REQUEST,
		    HARNESS_PEER_IP, &zero, VIP_ARP);
	harness_feed(h, f, n);
	assert_int_equal(harness_collect(h, m, 4), 1);
	a = rte_pktmbuf_mtod_offset(m[0], struct rte_arp_hdr *,
				    sizeof(struct rte_ether_hdr));
	assert_int_equal(rte_be_to_cpu_16(a->arp_opcode), RTE_ARP_OP_REPLY);
	assert_int_equal(a->arp_data.arp_sip, rte_cpu_to_be_32(VIP_ARP));
	assert_memory_equal(&a->arp_data.arp_sha, &h->ifc.mac, 6);
	rte_pktmbuf_free(m[0]);
	/* arp: false: the balancer owns it. */
	n = pkt_arp(f, &bcast, &harness_peer_mac, RTE_ARP_OP_REQUEST,
		    HARNESS_PEER_IP, &zero, VIP_DSR);
	harness_feed(h, f, n);
	assert_int_equal(harness_drain(h), 0);
	/* Only TCP is served on a VIP. */
	n = pkt_icmp_echo(f, &h->ifc.mac, HARNESS_PEER_IP, VIP_ARP, 1, 1, "x", 1);
	harness_feed(h, f, n);
	assert_int_equal(harness_drain(h), 0);
	assert_int_equal(HSTAT(h, ipv4_drop_not_for_us), 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tcp_vip_config_parsed_and_checked),
		cmocka_unit_test_setup_teardown(test_tcp_vip_served_from_the_vip,
						vip_setup, tt_cleanup),
		cmocka_unit_test_setup_teardown(test_tcp_vip_syncookie_from_the_vip,
						vip_setup, tt_cleanup),
		cmocka_unit_test_setup_teardown(test_tcp_vip_arp_only_where_marked_and_no_icmp,
						vip_setup, tt_cleanup),
	};

	TT_RUN(tests);
}
