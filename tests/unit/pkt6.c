/* SPDX-License-Identifier: BSD-3-Clause */
/* pkt6.c: IPv6, ICMPv6 and ND frame builders and checks for tests. */
#include <string.h>

#include <rte_byteorder.h>
#include <rte_ip.h>

#include "pkt.h"
#include "pkt6.h"

const uint8_t pkt6_peer[16] = { 0xfd, 0x00, 0x00, 0x88, [15] = 1 };
const uint8_t pkt6_ours[16] = { 0xfd, 0x00, 0x00, 0x88, [15] = 2 };

size_t
pkt6_ip(uint8_t *buf, const struct rte_ether_addr *eth_dst,
	const uint8_t *src, const uint8_t *dst, uint8_t hl, uint8_t nh,
	const void *payload, size_t len)
{
	struct rte_ether_hdr *eh = (struct rte_ether_hdr *)buf;
	struct rte_ipv6_hdr *ip = (struct rte_ipv6_hdr *)(eh + 1);

	eh->dst_addr = *eth_dst;
	eh->src_addr = harness_peer_mac;
	eh->ether_type = RTE_BE16(RTE_ETHER_TYPE_IPV6);
	ip->vtc_flow = RTE_BE32(6u << 28);
	ip->payload_len = rte_cpu_to_be_16((uint16_t)len);
	ip->proto = nh;
	ip->hop_limits = hl;
	memcpy(ip->src_addr, src, 16);
	memcpy(ip->dst_addr, dst, 16);
	memcpy(ip + 1, payload, len);
	return sizeof(*eh) + sizeof(*ip) + len;
}

uint16_t
pkt6_icmp_cksum(const uint8_t *src, const uint8_t *dst, const void *msg,
		size_t len)
{
	return pkt6_l4_cksum(src, dst, 58, msg, len);
}

uint16_t
pkt6_l4_cksum(const uint8_t *src, const uint8_t *dst, uint8_t nh,
	      const void *msg, size_t len)
{
	uint8_t b[PKT_MAX + 40];

	memcpy(b, src, 16);
	memcpy(b + 16, dst, 16);
	b[32] = (uint8_t)(len >> 24);
	b[33] = (uint8_t)(len >> 16);
	b[34] = (uint8_t)(len >> 8);
	b[35] = (uint8_t)len;
	b[36] = b[37] = b[38] = 0;
	b[39] = nh;
	memcpy(b + 40, msg, len);
	return pkt_cksum(b, 40 + len);
}

size_t
pkt6_icmp(uint8_t *buf, const struct rte_ether_addr *eth_dst,
	  const uint8_t *src, const uint8_t *dst, uint8_t hl, uint8_t type,
	  uint8_t code, uint32_t data, const void *body, size_t blen)
{
	uint8_t msg[PKT_MAX];
	uint16_t ck;

	msg[0] = type;
	msg[1] = code;
	msg[2] = msg[3] = 0;
	msg[4] = (uint8_t)(data >> 24);
	msg[5] = (uint8_t)(data >> 16);
	msg[6] = (uint8_t)(data >> 8);
	msg[7] = (uint8_t)data;
	memcpy(msg + 8, body, blen);
	ck = pkt6_icmp_cksum(src, dst, msg, 8 + blen);
	msg[2] = (uint8_t)(ck >> 8);
	msg[3] = (uint8_t)ck;
	return pkt6_ip(buf, eth_dst, src, dst, hl, 58, msg, 8 + blen);
}

size_t
pkt6_ns(uint8_t *buf, const struct rte_ether_addr *eth_dst,
	const uint8_t *src, const uint8_t *dst, uint8_t hl,
	const uint8_t *target, bool slla)
{
	uint8_t body[24];

	memcpy(body, target, 16);
	body[16] = 1;
	body[17] = 1;
	memcpy(body + 18, harness_peer_mac.addr_bytes, 6);
	return pkt6_icmp(buf, eth_dst, src, dst, hl, 135, 0, 0, body,
			 slla ? 24 : 16);
}

size_t
pkt6_na(uint8_t *buf, const struct rte_ether_addr *eth_dst,
	const uint8_t *dst, uint8_t flags, const uint8_t *target,
	const struct rte_ether_addr *mac)
{
	uint8_t body[24];

	memcpy(body, target, 16);
	body[16] = 2;
	body[17] = 1;
	if (mac)
		memcpy(body + 18, mac->addr_bytes, 6);
	return pkt6_icmp(buf, eth_dst, target, dst, 255, 136, 0,
			 (uint32_t)flags << 24, body, mac ? 24 : 16);
}

void
pkt6_snm(const uint8_t *a, uint8_t out[16], struct rte_ether_addr *mac)
{
	static const uint8_t pfx[13] = { 0xff, 0x02, [11] = 1, [12] = 0xff };

	memcpy(out, pfx, sizeof(pfx));
	memcpy(out + 13, a + 13, 3);
	if (mac)
		*mac = (struct rte_ether_addr){ { 0x33, 0x33, 0xff, a[13], a[14],
						   a[15] } };
}

struct rte_ipv6_hdr *
pkt6_check(struct rte_mbuf *m)
{
	struct rte_ether_hdr *eh = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	struct rte_ipv6_hdr *ip = (struct rte_ipv6_hdr *)(eh + 1);
	uint16_t plen = rte_be_to_cpu_16(ip->payload_len);

	assert_int_equal(eh->ether_type, RTE_BE16(RTE_ETHER_TYPE_IPV6));
	assert_int_equal(m->pkt_len, sizeof(*eh) + sizeof(*ip) + plen);
	assert_int_equal(rte_be_to_cpu_32(ip->vtc_flow) >> 28, 6);
	if (ip->proto == 58)
		assert_int_equal(pkt6_icmp_cksum(ip->src_addr, ip->dst_addr,
						 ip + 1, plen), 0);
	return ip;
}

size_t
pkt6_tcp(uint8_t *buf, const struct rte_ether_addr *eth_dst,
	 const uint8_t *src, const uint8_t *dst, uint16_t sport,
	 uint16_t dport, uint32_t seq, uint32_t ack, uint8_t flags,
	 uint16_t win, const void *opts, size_t optlen, const void *data,
	 size_t len)
{
	uint8_t seg[PKT_MAX];
	size_t hlen = 20 + optlen;
	uint16_t ck;

	memset(seg, 0, 20);
	seg[0] = (uint8_t)(sport >> 8);
	seg[1] = (uint8_t)sport;
	seg[2] = (uint8_t)(dport >> 8);
	seg[3] = (uint8_t)dport;
	for (int i = 0; i < 4; i++) {
		seg[4 + i] = (uint8_t)(seq >> (24 - 8 * i));
		seg[8 + i] = (uint8_t)(ack >> (24 - 8 * i));
	}
	seg[12] = (uint8_t)((hlen / 4) << 4);
	seg[13] = flags;
	seg[14] = (uint8_t)(win >> 8);
	seg[15] = (uint8_t)win;
	if (optlen)
		memcpy(seg + 20, opts, optlen);
	if (len)
		memcpy(seg + hlen, data, len);
	ck = pkt6_l4_cksum(src, dst, 6, seg, hlen + len);
	seg[16] = (uint8_t)(ck >> 8);
	seg[17] = (uint8_t)ck;
	return pkt6_ip(buf, eth_dst, src, dst, 64, 6, seg, hlen + len);
}

static uint32_t
pkt6_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

void
pkt6_parse_tcp(struct rte_mbuf *m, struct pkt6_tcp_seen *s)
{
	const struct rte_ipv6_hdr *ip;
	uint8_t seg[PKT_MAX];
	uint32_t l4, hlen;

	ip = pkt6_check(m);
	assert_int_equal(ip->proto, 6);
	l4 = rte_be_to_cpu_16(ip->payload_len);
	assert_true(l4 >= 20 && l4 <= sizeof(seg));
	assert_int_equal(m->pkt_len, 14 + 40 + l4);
	memcpy(seg, ip + 1, l4);
	memcpy(s->src, ip->src_addr, 16);
	memcpy(s->dst, ip->dst_addr, 16);
	s->hop_limit = ip->hop_limits;
	s->sport = (uint16_t)(seg[0] << 8 | seg[1]);
	s->dport = (uint16_t)(seg[2] << 8 | seg[3]);
	s->seq = pkt6_be32(seg + 4);
	s->ack = pkt6_be32(seg + 8);
	s->flags = seg[13];
	s->cksum = (uint16_t)(seg[16] << 8 | seg[17]);
	s->cksum_ok = pkt6_l4_cksum(s->src, s->dst, 6, seg, l4) == 0;
	s->ol_flags = m->ol_flags;
	hlen = (uint32_t)(seg[12] >> 4) * 4;
	s->mss = 0;
	s->wscale = -1;
	s->has_ts = false;
	for (uint32_t i = 20; i < hlen;) {
		if (seg[i] == 0)
			break;
		if (seg[i] == 1) {
			i++;
			continue;
		}
		if (seg[i] == 2)
			s->mss = (uint16_t)(seg[i + 2] << 8 | seg[i + 3]);
		if (seg[i] == 3)
			s->wscale = (int8_t)seg[i + 2];
		if (seg[i] == 8) {
			s->has_ts = true;
			s->tsval = pkt6_be32(seg + i + 2);
		}
		i += seg[i + 1];
	}
	s->len = l4 - hlen;
	memcpy(s->data, seg + hlen, s->len);
	rte_pktmbuf_free(m);
}

void
pkt6_one_tcp(struct harness *h, struct pkt6_tcp_seen *s)
{
	struct rte_mbuf *m[4];

	assert_int_equal(harness_collect(h, m, 4), 1);
	pkt6_parse_tcp(m[0], s);
}

