/* SPDX-License-Identifier: BSD-3-Clause */
/* pkt.c: frame builders and parsers for tests. */
#include <string.h>

#include <rte_arp.h>
#include <rte_byteorder.h>
#include <rte_icmp.h>
#include <rte_ip.h>
#include <rte_tcp.h>

#include "harness.h"
#include "pkt.h"

static uint32_t
pkt_sum(const void *data, size_t len, uint32_t sum)
{
	const uint8_t *p = data;

	for (size_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	return sum;
}

static uint16_t
pkt_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

uint16_t
pkt_cksum(const void *data, size_t len)
{
	return pkt_fold(pkt_sum(data, len, 0));
}

static size_t
pkt_eth(uint8_t *buf, const struct rte_ether_addr *dst,
	const struct rte_ether_addr *src, uint16_t type)
{
	struct rte_ether_hdr *eh = (struct rte_ether_hdr *)buf;

	eh->dst_addr = *dst;
	eh->src_addr = *src;
	eh->ether_type = rte_cpu_to_be_16(type);
	return sizeof(*eh);
}

size_t
pkt_arp(uint8_t *buf, const struct rte_ether_addr *eth_dst,
	const struct rte_ether_addr *sha, uint16_t op, uint32_t sip,
	const struct rte_ether_addr *tha, uint32_t tip)
{
	size_t n = pkt_eth(buf, eth_dst, sha, RTE_ETHER_TYPE_ARP);
	struct rte_arp_hdr *a = (struct rte_arp_hdr *)(buf + n);

	a->arp_hardware = RTE_BE16(RTE_ARP_HRD_ETHER);
	a->arp_protocol = RTE_BE16(RTE_ETHER_TYPE_IPV4);
	a->arp_hlen = 6;
	a->arp_plen = 4;
	a->arp_opcode = rte_cpu_to_be_16(op);
	a->arp_data.arp_sha = *sha;
	a->arp_data.arp_sip = rte_cpu_to_be_32(sip);
	a->arp_data.arp_tha = *tha;
	a->arp_data.arp_tip = rte_cpu_to_be_32(tip);
	/* Pad to the Ethernet minimum like a real NIC would. */
	memset(buf + n + sizeof(*a), 0, 18);
	return n + sizeof(*a) + 18;
}

size_t
pkt_ipv4(uint8_t *buf, const struct rte_ether_addr *eth_dst, uint32_t src,
	 uint32_t dst, uint8_t proto, const void *payload, size_t len)
{
	size_t n = pkt_eth(buf, eth_dst, &harness_peer_mac,
			   RTE_ETHER_TYPE_IPV4);
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(buf + n);

	memset(ip, 0, sizeof(*ip));
	ip->version_ihl = RTE_IPV4_VHL_DEF;
	ip->total_length = rte_cpu_to_be_16((uint16_t)(sizeof(*ip) + len));
	ip->packet_id = RTE_BE16(0x1234);
	ip->fragment_offset = RTE_BE16(RTE_IPV4_HDR_DF_FLAG);
	ip->time_to_live = 64;
	ip->next_proto_id = proto;
	ip->src_addr = rte_cpu_to_be_32(src);
	ip->dst_addr = rte_cpu_to_be_32(dst);
	ip->hdr_checksum = rte_cpu_to_be_16(pkt_cksum(ip, sizeof(*ip)));
	memcpy(ip + 1, payload, len);
	return n + sizeof(*ip) + len;
}

size_t
pkt_icmp_echo(uint8_t *buf, const struct rte_ether_addr *eth_dst, uint32_t src,
	      uint32_t dst, uint16_t id, uint16_t seq, const void *data,
	      size_t len)
{
	uint8_t msg[PKT_MAX];
	struct rte_icmp_hdr *ic = (struct rte_icmp_hdr *)msg;

	memset(ic, 0, sizeof(*ic));
	ic->icmp_type = RTE_IP_ICMP_ECHO_REQUEST;
	ic->icmp_ident = rte_cpu_to_be_16(id);
	ic->icmp_seq_nb = rte_cpu_to_be_16(seq);
	memcpy(ic + 1, data, len);
	ic->icmp_cksum = rte_cpu_to_be_16(pkt_cksum(msg, sizeof(*ic) + len));
	return pkt_ipv4(buf, eth_dst, src, dst, IPPROTO_ICMP, msg,
			sizeof(*ic) + len);
}

static uint16_t
pkt_tcp_cksum(const struct rte_ipv4_hdr *ip, const void *l4, size_t len)
{
	uint8_t ph[12];

	memcpy(ph, &ip->src_addr, 4);
	memcpy(ph + 4, &ip->dst_addr, 4);
	ph[8] = 0;
	ph[9] = IPPROTO_TCP;
	ph[10] = (uint8_t)(len >> 8);
	ph[11] = (uint8_t)len;
	return pkt_fold(pkt_sum(l4, len, pkt_sum(ph, sizeof(ph), 0)));
}

size_t
pkt_tcp(uint8_t *buf, const struct rte_ether_addr *eth_dst,
	const struct pkt_tcp *t)
{
	uint8_t seg[PKT_MAX];
	struct rte_tcp_hdr *th = (struct rte_tcp_hdr *)seg;
	uint8_t *o = (uint8_t *)(th + 1);
	size_t olen = 0, n;
	struct rte_ipv4_hdr *ip;

	memset(th, 0, sizeof(*th));
	th->src_port = rte_cpu_to_be_16(t->sport);
	th->dst_port = rte_cpu_to_be_16(t->dport);
	th->sent_seq = rte_cpu_to_be_32(t->seq);
	th->recv_ack = rte_cpu_to_be_32(t->ack);
	th->tcp_flags = t->flags;
	th->rx_win = rte_cpu_to_be_16(t->win);
	if (t->mss) {
		o[olen++] = 2;
		o[olen++] = 4;
		o[olen++] = (uint8_t)(t->mss >> 8);
		o[olen++] = (uint8_t)t->mss;
	}
	if (t->sack_perm) {
		o[olen++] = 4;
		o[olen++] = 2;
	}
	if (t->ts) {
		uint32_t v = rte_cpu_to_be_32(t->tsval);
		uint32_t e = rte_cpu_to_be_32(t->tsecr);

		o[olen++] = 8;
		o[olen++] = 10;
		memcpy(o + olen, &v, 4);
		memcpy(o + olen + 4, &e, 4);
		olen += 8;
	}
	if (t->nsack) {
		o[olen++] = 1;
		o[olen++] = 1;
		o[olen++] = 5;
		o[olen++] = (uint8_t)(2 + 8 * t->nsack);
		for (uint8_t i = 0; i < t->nsack; i++) {
			uint32_t v = rte_cpu_to_be_32(t->sack[i][0]);
			uint32_t e = rte_cpu_to_be_32(t->sack[i][1]);

			memcpy(o + olen, &v, 4);
			memcpy(o + olen + 4, &e, 4);
			olen += 8;
		}
	}
	if (t->wscale >= 0) {
		o[olen++] = 1; /* NOP keeps it aligned like Linux */
		o[olen++] = 3;
		o[olen++] = 3;
		o[olen++] = (uint8_t)t->wscale;
	}
	while (olen & 3)
		o[olen++] = 0; /* EOL padding */
	th->data_off = (uint8_t)(((sizeof(*th) + olen) / 4) << 4);
	if (t->len)
		memcpy(o + olen, t->data, t->len);
	n = sizeof(*th) + olen + t->len;
	n = pkt_ipv4(buf, eth_dst, t->src ? t->src : HARNESS_PEER_IP,
		     t->dst ? t->dst : HARNESS_OUR_IP, IPPROTO_TCP, seg, n);
	ip = (struct rte_ipv4_hdr *)(buf + sizeof(struct rte_ether_hdr));
	th = (struct rte_tcp_hdr *)(ip + 1);
	th->cksum = rte_cpu_to_be_16(pkt_tcp_cksum(ip, th,
		n - sizeof(struct rte_ether_hdr) - sizeof(*ip)));
	if (t->bad_cksum)
		th->cksum ^= 0x5a5a;
	return n;
}

bool
pkt_parse_tcp(struct rte_mbuf *m, struct pkt_tcp_seen *s)
{
	const uint8_t *f = rte_pktmbuf_mtod(m, const uint8_t *);
	const struct rte_ether_hdr *eh = (const void *)f;
	const struct rte_ipv4_hdr *ip;
	const struct rte_tcp_hdr *th;
	size_t hlen, tlen, thlen;
	const uint8_t *o;

	memset(s, 0, sizeof(*s));
	s->wscale = -1;
	if (m->nb_segs != 1 || m->data_len < 54 ||
	    eh->ether_type != RTE_BE16(RTE_ETHER_TYPE_IPV4))
		return false;
	ip = (const void *)(eh + 1);
	hlen = (ip->version_ihl & 0xf) * 4u;
	tlen = rte_be_to_cpu_16(ip->total_length);
	if (ip->next_proto_id != IPPROTO_TCP ||
	    tlen + sizeof(*eh) > m->data_len)
		return false;
	s->ip_cksum_ok = pkt_cksum(ip, hlen) == 0;
	th = (const void *)((const uint8_t *)ip + hlen);
	thlen = (th->data_off >> 4) * 4u;
	s->tcp_cksum_ok = pkt_tcp_cksum(ip, th, tlen - hlen) == 0;
	s->src = rte_be_to_cpu_32(ip->src_addr);
	s->dst = rte_be_to_cpu_32(ip->dst_addr);
	s->sport = rte_be_to_cpu_16(th->src_port);
	s->dport = rte_be_to_cpu_16(th->dst_port);
	s->seq = rte_be_to_cpu_32(th->sent_seq);
	s->ack = rte_be_to_cpu_32(th->recv_ack);
	s->flags = th->tcp_flags;
	s->win = rte_be_to_cpu_16(th->rx_win);
	o = (const uint8_t *)(th + 1);
	for (size_t i = 0; i + sizeof(*th) < thlen;) {
		uint8_t kind = o[i];

		if (kind == 0)
			break;
		if (kind == 1) {
			i++;
			continue;
		}
		if (i + 1 + sizeof(*th) >= thlen || o[i + 1] < 2)
			break;
		if (kind == 2 && o[i + 1] == 4)
			s->mss = (uint16_t)(o[i + 2] << 8 | o[i + 3]);
		else if (kind == 3 && o[i + 1] == 3)
			s->wscale = (int8_t)o[i + 2];
		else if (kind == 4)
			s->sack_perm = true;
		else if (kind == 5)
			for (uint8_t k = 0; k < (o[i + 1] - 2) / 8 && k < 4;
			     k++) {
				uint32_t v, e;

				memcpy(&v, o + i + 2 + 8 * k, 4);
				memcpy(&e, o + i + 6 + 8 * k, 4);
				s->sack[k][0] = rte_be_to_cpu_32(v);
				s->sack[k][1] = rte_be_to_cpu_32(e);
				s->nsack = (uint8_t)(k + 1);
			}
		else if (kind == 8 && o[i + 1] == 10) {
			uint32_t v, e;

			memcpy(&v, o + i + 2, 4);
			memcpy(&e, o + i + 6, 4);
			s->ts = true;
			s->tsval = rte_be_to_cpu_32(v);
			s->tsecr = rte_be_to_cpu_32(e);
		}
		i += o[i + 1];
	}
	s->data = (const uint8_t *)th + thlen;
	s->len = tlen - hlen - thlen;
	return true;
}
